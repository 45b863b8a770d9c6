import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, WorkerArgumentError } from '@cluster-task/engine';
import { NodeSet } from '@cluster-task/nodeset';
import { afterAll, describe, expect, it } from 'vitest';
import { CopyClient, ExecWorker, toNodeSet } from '../src/index.js';
import { alive, childCount, RecordingHost, recorder } from './fixtures/host.js';

const tmp = mkdtempSync(join(tmpdir(), 'ct-exec-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function nodeLog(log: string[], node: string): string[] {
  return log.filter((l) => new RegExp(` ${node}( |$)`).test(l));
}

describe('ExecWorker: commands', () => {
  it('runs one command per node with %h and %n', async () => {
    const host = new RecordingHost();
    const worker = new ExecWorker({ nodes: 'n[1-3]', command: 'echo %h is %n' });
    await host.run(worker);
    expect(worker.clients.map((c) => c.command)).toEqual([
      'echo n1 is 0',
      'echo n2 is 1',
      'echo n3 is 2',
    ]);
    for (const [i, node] of ['n1', 'n2', 'n3'].entries()) {
      expect(worker.nodeBuffer(node)?.toString()).toBe(`${node} is ${i}`);
      expect(worker.nodeRetcode(node)).toBe(0);
    }
    expect(worker.nodeSet.toString()).toBe('n[1-3]');
  });

  it('raises events in ClusterShell order', async () => {
    const host = new RecordingHost();
    const log: string[] = [];
    await host.run(
      new ExecWorker({ nodes: 'n[1-2]', command: 'echo %h; exit %n', handler: recorder(log) }),
    );
    expect(log[0]).toBe('start');
    expect(log.at(-1)).toBe('close false');
    expect(nodeLog(log, 'n1')).toEqual(['pickup n1', 'read n1 stdout n1', 'hup n1 0']);
    expect(nodeLog(log, 'n2')).toEqual(['pickup n2', 'read n2 stdout n2', 'hup n2 1']);
  });

  it('runs %hosts once and attributes its lines to every node', async () => {
    const host = new RecordingHost();
    const log: string[] = [];
    const worker = new ExecWorker({
      nodes: 'n[1-3]',
      command: 'echo %hosts; echo $$',
      handler: recorder(log),
    });
    expect(worker.clients).toHaveLength(1);
    await host.run(worker);
    const pids = new Set(
      ['n1', 'n2', 'n3'].map((n) => worker.nodeBuffer(n)?.toString().split('\n')[1]),
    );
    expect(pids.size).toBe(1);
    for (const n of ['n1', 'n2', 'n3']) {
      expect(worker.nodeBuffer(n)?.toString().split('\n')[0]).toBe('n[1-3]');
      expect(worker.nodeRetcode(n)).toBe(0);
    }
    expect(log.filter((l) => l.startsWith('pickup'))).toEqual([
      'pickup n1',
      'pickup n2',
      'pickup n3',
    ]);
  });

  it('has no client and no event without nodes', async () => {
    const host = new RecordingHost();
    const log: string[] = [];
    const worker = new ExecWorker({ nodes: undefined, command: 'echo ok', handler: recorder(log) });
    await host.run(worker);
    expect(worker.clients).toHaveLength(0);
    expect(log).toEqual([]);
  });

  it('accepts a NodeSet or a list of names', () => {
    expect(toNodeSet(new NodeSet('a[1-2]')).toString()).toBe('a[1-2]');
    expect(toNodeSet(['b2', 'b1']).toString()).toBe('b[1-2]');
    expect(toNodeSet(null).size).toBe(0);
    expect(new ExecWorker({ nodes: ['x', 'y'], command: 'true' }).nodes).toEqual(['x', 'y']);
  });

  it('keeps stderr apart, or merges it into stdout in order', async () => {
    const host = new RecordingHost();
    const sep = new ExecWorker({ nodes: 'n1', command: 'echo out; echo err >&2', stderr: true });
    const merged = new ExecWorker({ nodes: 'n1', command: 'echo o1; echo e1 >&2; echo o2' });
    await host.run(sep, merged);
    expect(sep.nodeBuffer('n1')?.toString()).toBe('out');
    expect(sep.nodeError('n1')?.toString()).toBe('err');
    expect(merged.nodeBuffer('n1')?.toString()).toBe('o1\ne1\no2');
    expect(merged.nodeError('n1')).toBeUndefined();
  });

  it('returns exit statuses, and 128 + signal number for a killed command', async () => {
    const host = new RecordingHost();
    const worker = new ExecWorker({
      nodes: 'n[1-3]',
      command: 'case %h in n1) exit 0;; n2) kill -9 $$;; n3) kill -15 $$;; esac',
    });
    await host.run(worker);
    expect(new Map(worker.iterNodeRetcodes())).toEqual(
      new Map([
        ['n1', 0],
        ['n2', 137],
        ['n3', 143],
      ]),
    );
  });

  it('writes to every stdin, before the start too, then EOF', async () => {
    const host = new RecordingHost(new Engine({ fanout: 1 }));
    const log: string[] = [];
    const worker = new ExecWorker({
      nodes: 'n[1-3]',
      command: 'cat; echo end',
      handler: recorder(log),
    });
    worker.write('line1\n');
    worker.write(Buffer.from('line2\n'));
    worker.setWriteEof();
    await host.run(worker);
    for (const n of ['n1', 'n2', 'n3']) {
      expect(worker.nodeBuffer(n)?.toString()).toBe('line1\nline2\nend');
      // writes kept before the start go out as one (ClusterShell's write buffer)
      expect(nodeLog(log, n).filter((l) => l.startsWith('written'))).toEqual([
        `written ${n} stdin 12`,
      ]);
    }
  });

  it('writes from a handler and closes stdin late', async () => {
    const host = new RecordingHost();
    const worker = new ExecWorker({
      nodes: 'n1',
      command: 'read a; echo got $a; read b; echo got $b',
      handler: {
        onStart: (w) => (w as ExecWorker).write('first\n'),
        onRead: (w, _n, _s, msg) => {
          if (msg.toString() === 'got first') {
            (w as ExecWorker).write('second\n');
            (w as ExecWorker).setWriteEof();
          }
        },
      },
    });
    await host.run(worker);
    expect(worker.nodeBuffer('n1')?.toString()).toBe('got first\ngot second');
  });
});

describe('ExecWorker: timeouts and abort', () => {
  it('times out in the middle of output: no rc, partial line dropped, process killed', async () => {
    const host = new RecordingHost();
    const log: string[] = [];
    const worker = new ExecWorker({
      nodes: 'n[1-2]',
      command: 'echo started; printf partial; exec sleep 30',
      timeout: 0.5,
      handler: recorder(log),
    });
    await host.run(worker);
    for (const n of ['n1', 'n2']) {
      expect(nodeLog(log, n)).toEqual([`pickup ${n}`, `read ${n} stdout started`, `timeout ${n}`]);
      expect(worker.nodeRetcode(n)).toBeUndefined();
    }
    expect(log.at(-1)).toBe('close true');
    expect(worker.numTimeout()).toBe(2);
    expect([...worker.iterKeysTimeout()].sort()).toEqual(['n1', 'n2']);
    expect(worker.didTimeout()).toBe(true);
    for (const c of worker.clients) expect(alive(c.pid)).toBe(false);
  });

  it('aborts from a read handler: no rc, buffer kept, close(false); abort twice is safe', async () => {
    const host = new RecordingHost();
    const log: string[] = [];
    const rec = recorder(log);
    const worker = new ExecWorker({
      nodes: 'localhost',
      command: 'echo ok; exec sleep 30',
      handler: {
        ...rec,
        onRead(w, n, s, m) {
          rec.onRead?.(w, n, s, m);
          w.abort();
          w.abort();
        },
      },
    });
    await host.run(worker);
    expect(log).toEqual(['start', 'pickup localhost', 'read localhost stdout ok', 'close false']);
    expect(worker.nodeRetcode('localhost')).toBeUndefined();
    expect(worker.nodeBuffer('localhost')?.toString()).toBe('ok');
    expect(alive(worker.clients[0]?.pid)).toBe(false);
  });

  it('ignores an abort from the close handler', async () => {
    const host = new RecordingHost();
    const worker = new ExecWorker({
      nodes: 'localhost',
      command: 'echo ok; sleep .1',
      handler: { onClose: (w) => w.abort() },
    });
    await host.run(worker);
    expect(worker.nodeRetcode('localhost')).toBe(0);
    expect(worker.nodeBuffer('localhost')?.toString()).toBe('ok');
  });

  it('never runs more processes than the fanout (counted in /proc)', async () => {
    const host = new RecordingHost(new Engine({ fanout: 5 }));
    const before = childCount();
    let peak = 0;
    const worker = new ExecWorker({
      nodes: 'n[1-30]',
      command: 'sleep 0.05',
      handler: { onPickup: () => (peak = Math.max(peak, childCount() - before)) },
    });
    await host.run(worker);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(5);
    expect(childCount()).toBe(before);
  });
});

describe('ExecWorker: copies', () => {
  it('copies a file per node with %h', async () => {
    const src = join(tmp, 'src.txt');
    writeFileSync(src, 'data');
    const host = new RecordingHost();
    const worker = new ExecWorker({ nodes: 'n[1-2]', source: src, dest: join(tmp, 'out.%h') });
    expect(worker.clients[0]).toBeInstanceOf(CopyClient);
    await host.run(worker);
    expect([...worker.iterRetcodes()].map(([rc, keys]) => [rc, keys.sort()])).toEqual([
      [0, ['n1', 'n2']],
    ]);
    expect(readFileSync(join(tmp, 'out.n1'), 'utf8')).toBe('data');
    expect(readFileSync(join(tmp, 'out.n2'), 'utf8')).toBe('data');
  });

  it('preserves times with preserve, and copies directories recursively', async () => {
    const src = join(tmp, 'old.txt');
    writeFileSync(src, 'old');
    utimesSync(src, 443757600, 443757600);
    const dir = join(tmp, 'tree');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'f'), 'deep');
    const host = new RecordingHost();
    const keep = new ExecWorker({
      nodes: 'localhost',
      source: src,
      dest: join(tmp, 'kept.txt'),
      preserve: true,
    });
    const tree = new ExecWorker({ nodes: 'localhost', source: dir, dest: join(tmp, 'tree.copy') });
    await host.run(keep, tree);
    expect(statSync(join(tmp, 'kept.txt')).mtimeMs).toBe(443757600000);
    expect(readFileSync(join(tmp, 'tree.copy', 'sub', 'f'), 'utf8')).toBe('deep');
  });

  it('reports a failed copy with rc 1 and cp message on stderr', async () => {
    const dir = join(tmp, 'srcdir');
    mkdirSync(dir, { recursive: true });
    const file = join(tmp, 'afile');
    writeFileSync(file, 'x');
    const host = new RecordingHost();
    const worker = new ExecWorker({ nodes: 'localhost', source: dir, dest: file, stderr: true });
    await host.run(worker);
    expect(worker.nodeRetcode('localhost')).toBe(1);
    expect(worker.nodeError('localhost')?.length ?? 0).toBeGreaterThan(0);
  });

  it('reverse-copies to dest/<basename>.<node>, and needs a directory', async () => {
    const src = join(tmp, 'remote.log');
    writeFileSync(src, 'log');
    const into = join(tmp, 'collected');
    mkdirSync(into, { recursive: true });
    expect(
      () =>
        new ExecWorker({
          nodes: 'localhost',
          source: src,
          dest: join(into, 'nope'),
          reverse: true,
        }),
    ).toThrow(new WorkerArgumentError('reverse copy dest must be a directory'));
    const host = new RecordingHost();
    const worker = new ExecWorker({ nodes: 'n[1-2]', source: src, dest: into, reverse: true });
    await host.run(worker);
    expect(readFileSync(join(into, 'remote.log.n1'), 'utf8')).toBe('log');
    expect(readFileSync(join(into, 'remote.log.n2'), 'utf8')).toBe('log');
  });

  it('needs a command or a source', () => {
    expect(() => new ExecWorker({ nodes: 'n1' })).toThrow(
      'missing command or source parameter in worker constructor',
    );
  });
});
