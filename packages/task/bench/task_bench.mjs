// Times our Task in a plain Node process, for bench/task.bench.ts: the twin of task_bench.py
// (same requests, same commands, same checks), timed with performance.now around the whole
// resume() (plus the gathering where the case has one). One JSON answer per request line.
import { createInterface } from 'node:readline';
import { taskSelf } from '@cluster-task/task';

function task() {
  const t = taskSelf();
  t.setDefault('distant_workername', 'exec');
  return t;
}

async function fork(n, fanout) {
  const t = task();
  t.setInfo('fanout', fanout);
  const start = performance.now();
  t.shell('true', { nodes: `n[1-${n}]` });
  await t.resume();
  const elapsed = performance.now() - start;
  if (t.maxRetcode() !== 0) throw new Error(`rc ${t.maxRetcode()}`);
  t.setInfo('fanout', 64);
  return elapsed;
}

async function read(lines) {
  const t = task();
  let count = 0;
  const start = performance.now();
  t.shell(`seq 1 ${lines}`, { handler: { onRead: () => (count += 1) } });
  await t.resume();
  const elapsed = performance.now() - start;
  if (count !== lines) throw new Error(`${count} lines`);
  return elapsed;
}

async function gather(procs, lines) {
  const t = task();
  const start = performance.now();
  t.shell(`seq 1 ${lines}`, { nodes: `n[1-${procs}]` });
  await t.resume();
  let count = 0;
  for (const [msg, keys] of t.iterBuffers()) count += msg.lines().length * keys.length;
  const elapsed = performance.now() - start;
  if (count !== procs * lines) throw new Error(`${count} lines`);
  return elapsed;
}

async function stdin(nbytes, procs) {
  const t = task();
  const line = Buffer.from(`${'x'.repeat(1023)}\n`);
  const payload = Buffer.alloc(Math.floor(nbytes / line.length) * line.length);
  for (let o = 0; o < payload.length; o += line.length) line.copy(payload, o);
  const start = performance.now();
  const w = t.shell('wc -c', { nodes: `n[1-${procs}]` });
  w.write(payload);
  w.setWriteEof();
  await t.resume();
  const elapsed = performance.now() - start;
  const outs = [...t.iterBuffers()].map(([m]) => m.toString());
  if (outs.length !== 1 || outs[0] !== String(payload.length)) throw new Error(`wc said ${outs}`);
  return elapsed;
}

const CASES = { fork, read, gather, stdin };
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, ...args] = line.trim().split(/\s+/);
  if (cmd === 'quit') break;
  const answer =
    cmd === 'info' ? { node: process.versions.node } : await CASES[cmd](...args.map(Number));
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
