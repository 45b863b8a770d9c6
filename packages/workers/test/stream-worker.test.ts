import { spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { WorkerError } from '@cluster-task/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamWorker } from '../src/index.js';
import { RecordingHost, recorder } from './fixtures/host.js';

const dir = mkdtempSync(join(tmpdir(), 'ct-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fifoCount = 0;

/** A named pipe opened at both ends: [readFd, writeFd] (read end non-blocking). */
function pipe(): [number, number] {
  fifoCount += 1;
  const path = join(dir, `fifo${fifoCount}`);
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  const r = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const w = openSync(path, constants.O_WRONLY);
  return [r, w];
}

function isOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

describe('StreamWorker', () => {
  it('runs empty: it starts and ends at once (no stream to wait for)', async () => {
    const host = new RecordingHost();
    const log: string[] = [];
    const worker = new StreamWorker({ handler: recorder(log) });
    expect(worker.key).toBe(`stream#${worker.id}`);
    await host.run(worker);
    const k = worker.key;
    expect(log).toEqual(['start', `pickup ${k}`, `hup ${k} undefined`, 'close false']);
  });

  it('reads several pipes, each with its stream name; closes their descriptors', async () => {
    const host = new RecordingHost();
    const streams: Record<string, string> = {
      pipe1_reader: 'Some data to read from a pipe',
      stderr: 'Error data to read using special keyword stderr',
      pipe2_reader: 'Other data to read from another pipe',
    };
    const got = new Map<string, string>();
    const worker = new StreamWorker({
      key: 'pipes',
      handler: {
        onRead: (w, _k, sname, msg) => {
          got.set(sname, msg.toString());
          if (got.size === 3) {
            expect(() => (w as StreamWorker).setReader('late', new PassThrough())).toThrow(
              'cannot add new stream at runtime',
            );
            expect(() => (w as StreamWorker).setWriter('late', new PassThrough())).toThrow(
              WorkerError,
            );
          }
        },
      },
    });
    const fds: number[] = [];
    for (const [sname, text] of Object.entries(streams)) {
      const [r, w] = pipe();
      worker.setReader(sname, r);
      writeSync(w, text);
      closeSync(w);
      fds.push(r);
    }
    await host.run(worker);
    expect(Object.fromEntries(got)).toEqual(streams);
    for (const fd of fds) expect(isOpen(fd)).toBe(false);
  });

  it('pipes a reader into a writer; hup has no rc; the writer ends on EOF', async () => {
    const host = new RecordingHost();
    const [r1, w1] = pipe();
    const [r2, w2] = pipe();
    writeSync(w1, 'Some data\n');
    closeSync(w1);
    let hups = 0;
    const worker = new StreamWorker({
      handler: {
        onRead: (w, _k, sname, msg) => {
          expect(sname).toBe('pipe1');
          (w as StreamWorker).write(msg, 'pipe2');
          setTimeout(() => (w as StreamWorker).setWriteEof('pipe2'), 50);
        },
        onHup: (_w, _k, rc) => {
          hups += 1;
          expect(rc).toBeUndefined();
        },
      },
    });
    worker.setReader('pipe1', r1);
    worker.setWriter('pipe2', w2);
    await host.run(worker);
    const buf = Buffer.alloc(100);
    const n = readSync(r2, buf);
    expect(buf.subarray(0, n).toString()).toBe('Some data');
    expect(hups).toBe(1);
    expect(isOpen(w2)).toBe(false);
    expect(isOpen(r1)).toBe(false);
    closeSync(r2);
  });

  it('times out on an open stream: the partial line is flushed, closefd: false keeps the fd', async () => {
    const host = new RecordingHost();
    const log: string[] = [];
    const [r, w] = pipe();
    const worker = new StreamWorker({ key: 'p', timeout: 0.3, handler: recorder(log) });
    worker.setReader('pipe1', r, { closefd: false });
    writeSync(w, 'Some data');
    await host.run(worker);
    expect(log).toEqual([
      'start',
      'pickup p',
      'read p pipe1 Some data',
      'timeout p',
      'hup p undefined',
      'close true',
    ]);
    expect(worker.read(undefined, 'pipe1')?.toString()).toBe('Some data');
    expect(isOpen(r)).toBe(true);
    closeSync(r);
    closeSync(w);
  });

  it('raises onWritten for a write, and abort there stops everything', async () => {
    const host = new RecordingHost();
    const sink = new PassThrough();
    let written = 0;
    const worker = new StreamWorker({
      handler: {
        onWritten: (w, _k, sname, size) => {
          written += 1;
          expect([sname, size]).toEqual(['test', 7]);
          w.abort();
          w.abort();
        },
      },
    });
    worker.setWriter('test', sink);
    worker.write('initial', 'test');
    await host.run(worker);
    expect(written).toBe(1);
    expect(sink.read()?.toString()).toBe('initial');
  });

  it('ends on a broken pipe instead of failing', async () => {
    const host = new RecordingHost();
    const [r, w] = pipe();
    let hups = 0;
    const worker = new StreamWorker({
      handler: {
        onWritten: (wk) => {
          closeSync(r);
          (wk as StreamWorker).write('final');
        },
        onHup: () => (hups += 1),
      },
    });
    worker.setWriter('test', w);
    worker.write('initial', 'test');
    await host.run(worker);
    expect(hups).toBe(1);
  });

  it('reads Node streams, with retain: false streams not keeping it alive', async () => {
    const host = new RecordingHost();
    const main = new PassThrough();
    const side = new PassThrough();
    const log: string[] = [];
    const worker = new StreamWorker({ key: 's', handler: recorder(log) });
    worker.setReader('main', main);
    worker.setReader('side', side, { retain: false });
    main.write('a\r\nb');
    side.write('never ends\n');
    setTimeout(() => main.end('c\n'), 20);
    await host.run(worker);
    expect(log).toContain('read s main a');
    expect(log).toContain('read s main bc');
    expect(log).toContain('read s side never ends');
    expect(log.at(-1)).toBe('close false');
  });

  it('refuses a write to an unknown stream', () => {
    const worker = new StreamWorker();
    expect(() => worker.write('x', 'nope')).toThrow("no writable stream 'nope'");
  });
});
