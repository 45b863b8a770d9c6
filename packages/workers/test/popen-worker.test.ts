import { describe, expect, it } from 'vitest';
import { PopenWorker } from '../src/index.js';
import { alive, RecordingHost, recorder } from './fixtures/host.js';

describe('PopenWorker', () => {
  it('runs a shell command under its key, with rc and buffer', async () => {
    const host = new RecordingHost();
    const log: string[] = [];
    const worker = new PopenWorker('echo foo; echo bar; exit 3', {
      key: 'k',
      handler: recorder(log),
    });
    await host.run(worker);
    expect(log).toEqual([
      'start',
      'pickup k',
      'read k stdout foo',
      'read k stdout bar',
      'hup k 3',
      'close false',
    ]);
    expect(worker.retcode()).toBe(3);
    expect(worker.read()?.toString()).toBe('foo\nbar');
    expect(worker.key).toBe('k');
  });

  it('gets a unique default key, and setKey changes it', async () => {
    const host = new RecordingHost();
    const a = new PopenWorker('echo a');
    const b = new PopenWorker('echo foobar');
    b.setKey('bar');
    expect(a.key).not.toBe(new PopenWorker('true').key);
    await host.run(a, b);
    expect(a.read()?.toString()).toBe('a');
    expect(host.results.message(b, 'bar', 'stdout')?.toString()).toBe('foobar');
  });

  it('keeps stderr apart with stderr: true (error())', async () => {
    const host = new RecordingHost();
    const worker = new PopenWorker("printf 'foo\\nbar\\n' 1>&2", { key: 'e', stderr: true });
    await host.run(worker);
    expect(worker.error()?.toString()).toBe('foo\nbar');
    expect(worker.read()).toBeUndefined();
  });

  it('reads a last line without end of line, and huge outputs', async () => {
    const host = new RecordingHost();
    const noEol = new PopenWorker('printf okay');
    const huge = new PopenWorker('seq 1 100000');
    await host.run(noEol, huge);
    expect(noEol.read()?.toString()).toBe('okay');
    expect(huge.read()?.length).toBe(588894);
    expect(huge.retcode()).toBe(0);
  });

  it('writes to stdin (bc), before the start and with EOF', async () => {
    const host = new RecordingHost();
    const worker = new PopenWorker('read a; echo $((a + 2))');
    worker.write('2\n');
    worker.setWriteEof();
    const cat = new PopenWorker('cat');
    cat.write('foobar\n');
    cat.write('deadbeaf\n');
    cat.setWriteEof();
    await host.run(worker, cat);
    expect(worker.read()?.toString()).toBe('4');
    expect(cat.read()?.toString()).toBe('foobar\ndeadbeaf');
  });

  it('closes stdin late from onStart (cat waits for it)', async () => {
    const host = new RecordingHost();
    const worker = new PopenWorker('sleep 0.2; cat', {
      handler: { onStart: (w) => (w as PopenWorker).setWriteEof() },
    });
    worker.write('cracoucasse\n');
    await host.run(worker);
    expect(worker.read()?.toString()).toBe('cracoucasse');
  });

  it('times out: no rc, close(true); a signal gives 128 + signal', async () => {
    const host = new RecordingHost();
    const log: string[] = [];
    const slow = new PopenWorker('exec sleep 10', {
      key: 's',
      timeout: 0.3,
      handler: recorder(log),
    });
    const term = new PopenWorker('echo $$; exec sleep 5', {
      key: 't',
      handler: { onRead: (_w, _k, _s, msg) => process.kill(Number(msg.toString()), 'SIGTERM') },
    });
    await host.run(slow, term);
    expect(log).toEqual(['start', 'pickup s', 'timeout s', 'close true']);
    expect(slow.retcode()).toBeUndefined();
    expect(alive(slow.pid)).toBe(false);
    expect(term.retcode()).toBe(143);
  });

  it('aborts from a timer-like callback, or before the start (no effect)', async () => {
    const host = new RecordingHost();
    const log: string[] = [];
    const worker = new PopenWorker('exec sleep 10', { handler: recorder(log), key: 'a' });
    const idle = new PopenWorker('sleep 1');
    idle.abort(); // not scheduled: nothing happens
    host.engine.schedule(worker, host);
    const done = host.engine.run();
    setTimeout(() => worker.abort(), 50);
    await done;
    expect(log).toEqual(['start', 'pickup a', 'close false']);
    expect(worker.retcode()).toBeUndefined();
  });

  it('refuses an empty command', () => {
    expect(() => new PopenWorker('')).toThrow(
      'missing command parameter in WorkerPopen constructor',
    );
  });
});
