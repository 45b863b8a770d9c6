import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EventHandler, Worker } from '@cluster-task/engine';
import { ExecWorker } from '@cluster-task/workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Task, taskCleanup, taskSelf } from '../src/index.js';

type Ev = (string | number | boolean | null)[];

const ORACLE = fileURLToPath(new URL('./fixtures/events_oracle.py', import.meta.url));

function recorder(log: Ev[]): EventHandler {
  return {
    onStart: () => log.push(['start']),
    onPickup: (_w, node) => log.push(['pickup', node]),
    onRead: (_w, node, sname, msg) => log.push(['read', node, sname, msg.toString()]),
    onWritten: (_w, node, sname, size) => log.push(['written', node, sname, size]),
    onHup: (_w, node, rc) => log.push(['hup', node, rc ?? null]),
    onClose: (_w, timedout) => log.push(['close', timedout]),
    onTimer: () => log.push(['timer']),
  };
}

const SCENARIOS: Record<string, (task: Task, h: EventHandler) => void> = {
  merged: (t, h) => t.shell('echo %h; echo err >&2; exit %n', { nodes: 'n[1-3]', handler: h }),
  separate: (t, h) =>
    t.shell('echo %h; echo err >&2; exit %n', { nodes: 'n[1-3]', handler: h, stderr: true }),
  write: (t, h) => {
    const w = t.shell('cat', { nodes: 'n[1-2]', handler: h }) as ExecWorker;
    w.write(Buffer.from('line1\n'));
    w.write(Buffer.from('line2\n'));
    w.setWriteEof();
  },
  timeout: (t, h) =>
    t.shell('echo x; printf partial; sleep 5', { nodes: 'n1', handler: h, timeout: 0.5 }),
  popen: (t, h) => t.shell('echo a; echo b; exit 3', { key: 'k', handler: h }),
  hosts: (t, h) => t.shell('echo %hosts', { nodes: 'n[1-3]', handler: h }),
  timer: (t, h) => {
    t.shell('sleep 0.6; echo late', { nodes: 'n1', handler: h });
    t.timer(0.2, h);
  },
  nostdin: (t, h) => t.shell('cat; echo done', { nodes: 'n1', handler: h, stdin: false }),
  signal: (t, h) => t.shell('kill -9 $$', { nodes: 'n1', handler: h }),
  crlf: (t, h) => t.shell("printf 'a\\r\\nb\\n\\nlast'", { nodes: 'n1', handler: h }),
};

async function ours(name: string): Promise<Ev[]> {
  const task = taskSelf();
  task.setDefault('distant_workername', 'exec');
  const log: Ev[] = [];
  SCENARIOS[name]?.(task, recorder(log));
  await task.resume();
  return log;
}

/** The events of one node, in order (reads of stdout and stderr apart: two pipes race). */
function ofNode(log: Ev[], node: string): Ev[] {
  const mine = log.filter((e) => e[1] === node && e[0] !== 'close');
  const rank = (e: Ev): number => (e[0] !== 'read' ? 0 : e[2] === 'stdout' ? 1 : 2);
  const reads = mine.filter((e) => e[0] === 'read').sort((a, b) => rank(a) - rank(b));
  return [
    ...mine.filter((e) => e[0] === 'pickup'),
    ...reads,
    ...mine.filter((e) => e[0] === 'hup'),
  ];
}

function nodesOf(log: Ev[]): string[] {
  return [...new Set(log.filter((e) => e[0] === 'pickup').map((e) => String(e[1])))].sort();
}

describe('event order against ClusterShell 1.9.1', () => {
  let oracle: Record<string, Ev[]> = {};
  beforeAll(() => {
    const run = spawnSync('/usr/bin/python3', [ORACLE], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    oracle = JSON.parse(run.stdout) as Record<string, Ev[]>;
  });
  afterEach(() => taskCleanup());

  it.each(['timeout', 'popen', 'hosts', 'timer', 'nostdin', 'signal', 'crlf'])(
    'single process scenario %s: same events, same order',
    async (name) => {
      expect(await ours(name)).toEqual(oracle[name]);
    },
  );

  it.each(['merged', 'separate', 'write'])(
    'multi-node scenario %s: same events per node, start first and close last',
    async (name) => {
      const log = await ours(name);
      const ref = oracle[name] as Ev[];
      expect(log[0]).toEqual(['start']);
      expect(log.at(-1)).toEqual(ref.at(-1));
      expect(nodesOf(log)).toEqual(nodesOf(ref));
      for (const node of nodesOf(ref)) expect(ofNode(log, node)).toEqual(ofNode(ref, node));
      // pickups come before any read, as in ClusterShell when the fanout allows them all
      const firstRead = log.findIndex((e) => e[0] === 'read');
      const lastPickup = log.map((e) => e[0]).lastIndexOf('pickup');
      expect(lastPickup).toBeLessThan(firstRead);
    },
  );
});

describe('events beyond ClusterShell', () => {
  afterEach(() => taskCleanup());

  it('adds onTimeout before onClose, and yields the same events from worker.events()', async () => {
    const task = taskSelf();
    task.setDefault('distant_workername', 'exec');
    const names: string[] = [];
    const worker: Worker = task.shell('echo x; sleep 5', {
      nodes: 'n1',
      timeout: 0.3,
      handler: {
        onTimeout: (_w, node) => names.push(`timeout ${node}`),
        onClose: () => names.push('close'),
      },
    });
    const seen: string[] = [];
    const events = worker.events(); // before the run: start and pickup fire as it starts
    const done = task.resume();
    for await (const ev of events) seen.push(ev.type);
    await done;
    expect(names).toEqual(['timeout n1', 'close']);
    expect(seen).toEqual(['start', 'pickup', 'read', 'timeout', 'close']);
  });

  it('task.events() sees every worker and timer', async () => {
    const task = taskSelf();
    task.setDefault('distant_workername', 'exec');
    task.shell('echo a', { nodes: 'n[1-2]' });
    task.shell('echo b', { key: 'local' });
    task.timer(0, () => {});
    const events = task.events();
    const done = task.resume();
    const counts = new Map<string, number>();
    for await (const ev of events) counts.set(ev.type, (counts.get(ev.type) ?? 0) + 1);
    await done;
    expect(Object.fromEntries(counts)).toEqual({
      start: 2,
      pickup: 3,
      read: 3,
      hup: 3,
      close: 2,
      timer: 1,
    });
    expect(new ExecWorker({ nodes: 'x', command: 'true' }).events).toBeTypeOf('function');
  });
});
