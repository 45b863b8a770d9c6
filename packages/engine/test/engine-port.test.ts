import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker as Thread } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, EngineArgumentError, EnginePort, EngineTimer } from '../src/index.js';
import { buildPackages } from './fixtures/thread-build.js';
import { recorder, ScriptWorker } from './fixtures/workers.js';

describe('EnginePort in one thread', () => {
  it('starts with the run, then delivers messages in order', async () => {
    const engine = new Engine();
    const log: string[] = [];
    const port = new EnginePort(recorder(log));
    engine.addPort(port);
    expect(port.msgSend('early')).toBe(true);
    engine.addTimer(
      new EngineTimer(0.01, () => {
        port.msgSend({ n: 1 });
        port.msgSend({ n: 2 });
        setTimeout(() => engine.removePort(port), 20);
      }),
    );
    await engine.run();
    expect(log).toEqual(['portStart', 'msg "early"', 'msg {"n":1}', 'msg {"n":2}']);
    expect(port.closed).toBe(true);
    expect(port.msgSend('late')).toBe(false);
    expect(await port.msg('late')).toBe(false);
  });

  it('resolves msg() once the handler returned', async () => {
    const engine = new Engine();
    const handled: unknown[] = [];
    const port = new EnginePort({ onMsg: (_p, m) => handled.push(m) }, { autoclose: true });
    engine.addPort(port);
    const worker = new ScriptWorker(['a']);
    engine.schedule(worker);
    const done = engine.run();
    const ok = await port.msg('sync');
    expect(ok).toBe(true);
    expect(handled).toEqual(['sync']);
    worker.client('a').finish();
    await done;
  });

  it('limits its queue: msgSend returns false when full, msg waits for room', async () => {
    const engine = new Engine();
    const got: unknown[] = [];
    const port = new EnginePort(
      { onMsg: (_p, m) => got.push(m) },
      { queueLimit: 2, autoclose: true },
    );
    engine.addPort(port);
    expect(port.msgSend(1)).toBe(true);
    expect(port.msgSend(2)).toBe(true);
    expect(port.msgSend(3)).toBe(false);
    const third = port.msg(3);
    expect(port.pending).toBe(2);
    const worker = new ScriptWorker(['a']);
    engine.schedule(worker);
    const done = engine.run();
    expect(await third).toBe(true);
    expect(got).toEqual([1, 2, 3]);
    worker.client('a').finish();
    await done;
    expect(() => new EnginePort(undefined, { queueLimit: 0 })).toThrow(EngineArgumentError);
  });

  it('keeps the run alive unless autoclose', async () => {
    const engine = new Engine();
    const port = new EnginePort({ onMsg: (p) => engine.removePort(p) });
    engine.addPort(port);
    let resolved = false;
    const done = engine.run().then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(resolved).toBe(false);
    port.msgSend('stop');
    await done;
    expect(resolved).toBe(true);
  });
});

describe('EnginePort across worker_threads', () => {
  const build = buildPackages(['engine']);
  afterAll(() => build.cleanup());

  it('receives messages from another thread, msg() waiting for delivery', async () => {
    const script = join(build.root, 'sender.mjs');
    writeFileSync(
      script,
      `import { workerData } from 'node:worker_threads';
       import { RemotePort } from '@cluster-task/engine';
       const port = RemotePort.connect(workerData.port);
       const acks = [];
       for (let i = 0; i < 5; i++) acks.push(await port.msg({ i, from: 'thread' }));
       port.msgSend('bye');
       if (acks.some((a) => a !== true)) throw new Error('not acknowledged');
       port.close();
      `,
    );
    const engine = new Engine();
    const got: unknown[] = [];
    const port = new EnginePort({
      onMsg: (p, m) => {
        got.push(m);
        if (m === 'bye') engine.removePort(p);
      },
    });
    engine.addPort(port);
    const mp = port.remote();
    const thread = new Thread(script, { workerData: { port: mp }, transferList: [mp] });
    const exited = new Promise<number>((resolve, reject) => {
      thread.once('error', reject);
      thread.once('exit', resolve);
    });
    await engine.run();
    expect(await exited).toBe(0);
    expect(got).toEqual([...Array.from({ length: 5 }, (_, i) => ({ i, from: 'thread' })), 'bye']);
  });

  it('tells the other thread when the port is closed', async () => {
    const script = join(build.root, 'closed.mjs');
    writeFileSync(
      script,
      `import { workerData, parentPort } from 'node:worker_threads';
       import { RemotePort } from '@cluster-task/engine';
       const port = RemotePort.connect(workerData.port);
       parentPort.postMessage('ready');
       const ok = await port.msg('after close');
       parentPort.postMessage({ ok, closed: port.closed, send: port.msgSend('x') });
      `,
    );
    const engine = new Engine();
    const port = new EnginePort(undefined);
    engine.addPort(port);
    const mp = port.remote();
    engine.removePort(port);
    const thread = new Thread(script, { workerData: { port: mp }, transferList: [mp] });
    const result = await new Promise<unknown>((resolve, reject) => {
      thread.on('message', (m) => {
        if (m !== 'ready') resolve(m);
      });
      thread.once('error', reject);
    });
    await thread.terminate();
    expect(result).toEqual({ ok: false, closed: true, send: false });
  });
});
