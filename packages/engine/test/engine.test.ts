import { describe, expect, it } from 'vitest';
import {
  Engine,
  EngineAbortError,
  EngineAlreadyRunningError,
  EngineArgumentError,
  type EngineEvent,
  EngineTimeoutError,
  EngineTimer,
  FANOUT_UNLIMITED,
  WorkerError,
} from '../src/index.js';
import { ProcWorker, recorder, ScriptWorker } from './fixtures/workers.js';

describe('Engine: events of a process worker', () => {
  it('raises start, pickup, read, hup and close in order', async () => {
    const engine = new Engine();
    const log: string[] = [];
    engine.schedule(new ProcWorker({ n1: 'echo a; echo b; exit 3' }, { handler: recorder(log) }));
    await engine.run();
    expect(log).toEqual([
      'start',
      'pickup n1',
      'read n1 stdout "a"',
      'read n1 stdout "b"',
      'hup n1 3',
      'close false',
    ]);
  });

  it('splits CRLF and delivers a last partial line at the end of the stream', async () => {
    const engine = new Engine();
    const log: string[] = [];
    engine.schedule(new ProcWorker({ k: "printf 'x\\r\\ny\\nlast'" }, { handler: recorder(log) }));
    await engine.run();
    expect(log.filter((l) => l.startsWith('read'))).toEqual([
      'read k stdout "x"',
      'read k stdout "y"',
      'read k stdout "last"',
    ]);
  });

  it('keeps stderr on its own stream, or merges it into stdout in order', async () => {
    const sep: string[] = [];
    const engine = new Engine();
    engine.schedule(
      new ProcWorker({ k: 'echo out; echo err >&2' }, { handler: recorder(sep), stderr: true }),
    );
    await engine.run();
    expect(sep).toContain('read k stderr "err"');
    expect(sep).toContain('read k stdout "out"');
    const merged: string[] = [];
    engine.schedule(
      new ProcWorker({ k: 'echo 1; echo 2 >&2; echo 3' }, { handler: recorder(merged) }),
    );
    await engine.run();
    expect(merged.filter((l) => l.startsWith('read'))).toEqual([
      'read k stdout "1"',
      'read k stdout "2"',
      'read k stdout "3"',
    ]);
  });

  it('buffers writes made before the start, then EOF; reports the written bytes', async () => {
    const engine = new Engine();
    const log: string[] = [];
    const worker = new ProcWorker({ a: 'cat', b: 'cat' }, { handler: recorder(log) });
    worker.write('hello\n');
    worker.write(Buffer.from('world\n'));
    worker.setWriteEof();
    engine.schedule(worker);
    await engine.run();
    for (const key of ['a', 'b']) {
      expect(log.filter((l) => new RegExp(` ${key}( |$)`).test(l))).toEqual([
        `pickup ${key}`,
        `written ${key} stdin 12`,
        `read ${key} stdout "hello"`,
        `read ${key} stdout "world"`,
        `hup ${key} 0`,
      ]);
    }
  });

  it('reports 128 + signal number when a command is killed by a signal', async () => {
    const engine = new Engine();
    const log: string[] = [];
    engine.schedule(new ProcWorker({ k: 'kill -TERM $$' }, { handler: recorder(log) }));
    await engine.run();
    expect(log).toContain('hup k 143');
  });

  it('runs a worker with no client to an immediate end, without events', async () => {
    const engine = new Engine();
    const log: string[] = [];
    engine.schedule(new ProcWorker({}, { handler: recorder(log) }));
    await engine.run();
    expect(log).toEqual([]);
  });

  it('refuses to schedule a worker twice, and getters on a bare engine', async () => {
    const engine = new Engine();
    const worker = new ScriptWorker(['a']);
    expect(() => worker.read('a')).toThrow(WorkerError);
    expect(() => worker.read('a')).toThrow('worker is not task bound');
    engine.schedule(worker);
    expect(() => engine.schedule(worker)).toThrow('worker has already been scheduled');
    expect(() => worker.didTimeout()).toThrow(/not kept/);
  });
});

describe('Engine: fanout', () => {
  it('never runs more clients than the fanout, and starts one as one ends', async () => {
    const engine = new Engine({ fanout: 3 });
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    const worker = new ScriptWorker(keys);
    let peak = 0;
    const order: string[] = [];
    worker.handler = {
      onPickup(_w, node) {
        order.push(node);
        peak = Math.max(peak, engine.activeCount());
        expect(engine.activeCount()).toBeLessThanOrEqual(3);
        // finish each client a little later, in reverse order of start within a window
        setTimeout(() => worker.client(node).finish(0), 5 * (keys.length - Number(node.slice(1))));
      },
    };
    engine.schedule(worker);
    await engine.run();
    expect(peak).toBe(3);
    expect(order).toHaveLength(10);
    expect(order.slice(0, 3)).toEqual(['k0', 'k1', 'k2']);
  });

  it('counts live processes under the fanout', async () => {
    const engine = new Engine({ fanout: 4 });
    const commands: Record<string, string> = {};
    for (let i = 0; i < 16; i++) commands[`n${i}`] = 'sleep 0.05';
    const worker = new ProcWorker(commands);
    let live = 0;
    let peak = 0;
    worker.handler = {
      onPickup() {
        live += 1;
        peak = Math.max(peak, live);
      },
      onHup() {
        live -= 1;
      },
    };
    engine.schedule(worker);
    await engine.run();
    expect(peak).toBe(4);
    expect(live).toBe(0);
  });

  it('gives a worker its own window, or none with FANOUT_UNLIMITED', async () => {
    const engine = new Engine({ fanout: 1 });
    const own = new ScriptWorker(['a', 'b', 'c', 'd']);
    own.fanout = 2;
    const free = new ScriptWorker(['x', 'y', 'z']);
    free.fanout = FANOUT_UNLIMITED;
    const shared = new ScriptWorker(['s1', 's2']);
    engine.schedule(own);
    engine.schedule(free);
    engine.schedule(shared);
    const done = engine.run();
    await Promise.resolve();
    expect(own.clients.map((c) => c.state)).toEqual(['running', 'running', 'pending', 'pending']);
    expect(free.clients.every((c) => c.state === 'running')).toBe(true);
    expect(shared.clients.map((c) => c.state)).toEqual(['running', 'pending']);
    expect(engine.activeCount(own)).toBe(2);
    expect(engine.activeCount()).toBe(1);
    for (const w of [own, free, shared]) for (const c of w.clients) setTimeout(() => c.finish(), 1);
    // clients started later are finished by the same timers only if started; finish the rest on pickup
    for (const w of [own, shared]) {
      w.handler = { onPickup: (_w, node) => setTimeout(() => w.client(node).finish(), 1) };
    }
    await done;
    expect(
      [...own.clients, ...free.clients, ...shared.clients].every((c) => c.state === 'closed'),
    ).toBe(true);
  });

  it('starts waiting clients at once when the fanout is raised during the run', async () => {
    const engine = new Engine({ fanout: 1 });
    const worker = new ScriptWorker(['a', 'b', 'c']);
    engine.schedule(worker);
    const done = engine.run();
    await Promise.resolve();
    expect(engine.activeCount()).toBe(1);
    engine.fanout = 3;
    expect(engine.activeCount()).toBe(3);
    for (const c of worker.clients) c.finish();
    await done;
  });

  it('rejects a fanout that is not a positive integer', () => {
    expect(() => new Engine({ fanout: 0 })).toThrow(EngineArgumentError);
    expect(() => new Engine({ fanout: 2.5 })).toThrow(EngineArgumentError);
    const engine = new Engine();
    expect(() => {
      engine.fanout = -1;
    }).toThrow(EngineArgumentError);
    engine.fanout = Number.POSITIVE_INFINITY;
    expect(engine.fanout).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('Engine: timeouts and abort', () => {
  it('times a client out: no hup, partial line dropped, close(timedout=true)', async () => {
    const engine = new Engine();
    const log: string[] = [];
    engine.schedule(
      new ProcWorker(
        { n1: 'echo x; printf partial; sleep 10' },
        { handler: recorder(log), timeout: 0.5 },
      ),
    );
    await engine.run();
    expect(log).toEqual(['start', 'pickup n1', 'read n1 stdout "x"', 'timeout n1', 'close true']);
  });

  it('times out at once with timeout 0, and never with a negative timeout', async () => {
    const engine = new Engine();
    const log: string[] = [];
    engine.schedule(new ProcWorker({ z: 'sleep 5' }, { handler: recorder(log), timeout: 0 }));
    engine.schedule(new ProcWorker({ n: 'exit 4' }, { handler: recorder(log), timeout: -1 }));
    await engine.run();
    expect(log).toContain('timeout z');
    expect(log).toContain('hup n 4');
  });

  it('rejects with EngineTimeoutError on a run timeout, timing out every client', async () => {
    const engine = new Engine();
    const log: string[] = [];
    engine.schedule(new ProcWorker({ a: 'sleep 10', b: 'sleep 10' }, { handler: recorder(log) }));
    await expect(engine.run({ timeout: 0.3 })).rejects.toBeInstanceOf(EngineTimeoutError);
    expect(log.filter((l) => l.startsWith('timeout')).sort()).toEqual(['timeout a', 'timeout b']);
    expect(log.at(-1)).toBe('close true');
    expect(engine.running).toBe(false);
    expect(engine.clients().size).toBe(0);
  });

  it('aborts a worker from its own read handler: no more events after close', async () => {
    const engine = new Engine();
    const log: string[] = [];
    const rec = recorder(log);
    const worker = new ProcWorker(
      { n1: 'echo 1; echo 2; sleep 10' },
      {
        handler: {
          ...rec,
          onRead(w, node, sname, msg) {
            rec.onRead?.(w, node, sname, msg);
            w.abort();
            w.abort(); // safe
          },
        },
      },
    );
    engine.schedule(worker);
    await engine.run();
    expect(log).toEqual(['start', 'pickup n1', 'read n1 stdout "1"', 'close false']);
  });

  it('drops pending clients without events when aborted, and resolves the run', async () => {
    const engine = new Engine({ fanout: 1 });
    const log: string[] = [];
    const worker = new ScriptWorker(['a', 'b'], { handler: recorder(log) });
    engine.schedule(worker);
    engine.addTimer(new EngineTimer(0.05, () => engine.abort()));
    await engine.run();
    expect(log).toEqual(['start', 'pickup a', 'close false']);
    expect(worker.client('b').started).toBe(false);
    expect(worker.client('b').state).toBe('closed');
  });

  it('rejects with EngineAbortError when the signal aborts, keeping the reason', async () => {
    const engine = new Engine();
    const log: string[] = [];
    engine.schedule(new ProcWorker({ a: 'sleep 10' }, { handler: recorder(log) }));
    const reason = new Error('user gave up');
    const ac = new AbortController();
    setTimeout(() => ac.abort(reason), 50);
    const err = await engine.run({ signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineAbortError);
    expect((err as EngineAbortError).cause).toBe(reason);
    expect(log).toEqual(['start', 'pickup a', 'close false']);
    await expect(engine.run({ signal: ac.signal })).rejects.toBeInstanceOf(EngineAbortError);
  });

  it('fails the run with the exception of a handler, and cleans up', async () => {
    const engine = new Engine();
    const boom = new Error('boom');
    engine.schedule(
      new ProcWorker(
        { a: 'echo x; sleep 10' },
        {
          handler: {
            onRead() {
              throw boom;
            },
          },
        },
      ),
    );
    await expect(engine.run()).rejects.toBe(boom);
    expect(engine.clients().size).toBe(0);
    // the engine is usable again
    const log: string[] = [];
    engine.schedule(new ProcWorker({ b: 'echo ok' }, { handler: recorder(log) }));
    await engine.run();
    expect(log).toContain('read b stdout "ok"');
  });

  it('refuses a second run while running', async () => {
    const engine = new Engine();
    engine.schedule(new ProcWorker({ a: 'true' }));
    const first = engine.run();
    await expect(engine.run()).rejects.toBeInstanceOf(EngineAlreadyRunningError);
    await first;
  });

  it('aborts autoclose clients once the others are done', async () => {
    const engine = new Engine();
    const log: string[] = [];
    engine.schedule(
      new ProcWorker({ bg: 'sleep 10' }, { handler: recorder(log), autoclose: true }),
    );
    engine.schedule(new ProcWorker({ fg: 'echo done' }, { handler: recorder(log) }));
    await engine.run();
    expect(log.filter((l) => l.includes('bg'))).toEqual(['pickup bg']);
    expect(log.at(-1)).toBe('close false');
    expect(log).toContain('hup fg 0');
  });

  it('waits for killed processes to be reaped before resolving', async () => {
    const engine = new Engine();
    const worker = new ProcWorker({ a: 'sleep 10' }, { timeout: 0.1 });
    engine.schedule(worker);
    await engine.run();
    const pid = worker.clients[0]?.pid as number;
    expect(() => process.kill(pid, 0)).toThrow(); // gone, not a zombie of ours
  });
});

describe('Engine: events() and suspend', () => {
  it('yields the same events as the handler, in order, then ends with the run', async () => {
    const engine = new Engine();
    const log: string[] = [];
    engine.schedule(new ProcWorker({ n1: 'echo hi; exit 2' }, { handler: recorder(log) }));
    const seen: EngineEvent[] = [];
    const events = engine.events();
    const done = engine.run();
    for await (const ev of events) seen.push(ev);
    await done;
    expect(seen.map((e) => e.type)).toEqual(['start', 'pickup', 'read', 'hup', 'close']);
    const read = seen[2];
    expect(read?.type === 'read' && read.msg.toString()).toBe('hi');
    const hup = seen[3];
    expect(hup?.type === 'hup' && hup.rc).toBe(2);
  });

  it('ends a worker iterator after close, even when the consumer is slow', async () => {
    const engine = new Engine();
    const worker = new ProcWorker({ a: 'seq 1 50' });
    engine.schedule(worker);
    const it = worker.events();
    const done = engine.run();
    await done;
    let reads = 0;
    for await (const ev of it) if (ev.type === 'read') reads += 1;
    expect(reads).toBe(50);
  });

  it('holds events while suspended and delivers them in order after', async () => {
    const engine = new Engine();
    const log: string[] = [];
    const worker = new ScriptWorker(['a'], { handler: recorder(log) });
    engine.schedule(worker);
    const done = engine.run();
    await Promise.resolve();
    expect(engine.suspend()).toBe(true);
    worker.client('a').push('one\n');
    worker.client('a').finish(5);
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual(['start', 'pickup a']);
    expect(engine.unsuspend()).toBe(true);
    await done;
    expect(log).toEqual(['start', 'pickup a', 'read a stdout "one"', 'hup a 5', 'close false']);
    expect(engine.suspend()).toBe(false);
  });
});
