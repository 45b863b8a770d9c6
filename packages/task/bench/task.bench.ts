/**
 * Task against ClusterShell 1.9.1's Task, in the same run, plus the machine's floor.
 *
 * Cases (the same commands on both sides, the same checks of the results):
 * - fork: 1,000 × `true` through the exec worker at fanout 64; the floor is
 *   `seq 1000 | xargs -P 64 -n 1 sh -c true` (the same 1,000 shells, 64 at a time).
 * - read: one process printing 100,000 lines, a read event handler counting each line.
 * - gather: 10 processes × 10,000 lines (identical), gathered with iterBuffers.
 * - stdin: 4 MiB written to the stdin of 8 processes (`wc -c`), then EOF.
 *
 * Each side runs in its own plain process and times itself: ClusterShell in Python with
 * time.perf_counter (bench/task_bench.py), ours in Node with performance.now
 * (bench/task_bench.mjs, on the package sources transpiled to a temporary node_modules), so that
 * neither pays for the other's runtime (a fork costs more from a bigger process, and vitest's
 * worker is a big one). Runs are interleaved round by round (ours, theirs, the floor) so that
 * all see the same load; the ratios use the best run of each, medians are shown in brackets.
 * The table is printed; vitest's own bench stats (in-process, smaller cases) follow it.
 *
 * Run: cd packages/task && pnpm bench
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';
import { buildPackages } from '../../engine/test/fixtures/thread-build.js';
import { taskSelf } from '../src/index.js';

interface Server {
  ask(request: string): Promise<unknown>;
  stop(): void;
}

function serve(child: ChildProcess, name: string): Server {
  const answers = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> })[
    Symbol.asyncIterator
  ]();
  return {
    async ask(request) {
      child.stdin?.write(`${request}\n`);
      const answer = await answers.next();
      if (answer.done === true) throw new Error(`${name} bench stopped at: ${request}`);
      return JSON.parse(answer.value) as unknown;
    },
    stop() {
      child.stdin?.end('quit\n');
    },
  };
}

const build = buildPackages(['engine', 'msgtree', 'nodeset', 'workers', 'task']);
const oursScript = join(build.root, 'task_bench.mjs');
copyFileSync(fileURLToPath(new URL('./task_bench.mjs', import.meta.url)), oursScript);
const ours = serve(
  spawn(process.execPath, [oursScript], { stdio: ['pipe', 'pipe', 'inherit'] }),
  'ours',
);
const theirs = serve(
  spawn('/usr/bin/python3', [fileURLToPath(new URL('./task_bench.py', import.meta.url))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  }),
  'ClusterShell',
);

async function xargs(n: number, fanout: number): Promise<number> {
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const p = spawn('/bin/sh', ['-c', `seq ${n} | xargs -P ${fanout} -n 1 sh -c true`], {
      stdio: 'ignore',
    });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`xargs exited ${code}`))));
  });
  return performance.now() - start;
}

interface Case {
  readonly label: string;
  readonly request: string;
  readonly rounds: number;
  readonly floor?: () => Promise<number>;
}

const CASES: readonly Case[] = [
  {
    label: '1,000 × `true`, exec worker, fanout 64',
    request: 'fork 1000 64',
    rounds: 3,
    floor: () => xargs(1000, 64),
  },
  { label: '1 process × 100,000 lines, a read event each', request: 'read 100000', rounds: 3 },
  { label: '10 processes × 10,000 lines, iterBuffers', request: 'gather 10 10000', rounds: 5 },
  { label: '4 MiB of stdin broadcast to 8 processes', request: 'stdin 4194304 8', rounds: 5 },
];

const oursInfo = (await ours.ask('info')) as { node: string };
const theirInfo = (await theirs.ask('info')) as { version: string; python: string };
const samples = CASES.map(() => ({
  ours: [] as number[],
  theirs: [] as number[],
  floor: [] as number[],
}));
// warm-up: one run of each case on both sides
for (const c of CASES) {
  await ours.ask(c.request);
  await theirs.ask(c.request);
}
const maxRounds = Math.max(...CASES.map((c) => c.rounds));
for (let round = 0; round < maxRounds; round++) {
  for (const [i, c] of CASES.entries()) {
    if (round >= c.rounds) continue;
    const s = samples[i] as (typeof samples)[number];
    s.ours.push((await ours.ask(c.request)) as number);
    s.theirs.push((await theirs.ask(c.request)) as number);
    if (c.floor !== undefined) s.floor.push(await c.floor());
  }
}
ours.stop();
theirs.stop();
build.cleanup();

const best = (xs: readonly number[]): number => Math.min(...xs);
const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const ms = (xs: readonly number[]): string =>
  xs.length === 0 ? '' : `${best(xs).toFixed(0)} (${median(xs).toFixed(0)}) ms`;
const ratio = (a: readonly number[], b: readonly number[]): string =>
  b.length === 0 ? '' : (best(a) / best(b)).toFixed(2);
console.log(
  [
    `| case | ours (Node ${oursInfo.node}) | ClusterShell ${theirInfo.version} (Python ${theirInfo.python}) | ours/ClusterShell | floor | ours/floor |`,
    '|---|---:|---:|---:|---:|---:|',
    ...CASES.map((c, i) => {
      const s = samples[i] as (typeof samples)[number];
      return `| ${c.label} | ${ms(s.ours)} | ${ms(s.theirs)} | ${ratio(s.ours, s.theirs)} | ${ms(s.floor)} | ${ratio(s.ours, s.floor)} |`;
    }),
  ].join('\n'),
);

describe('Task in the vitest process (ours only)', () => {
  const task = taskSelf();
  task.setDefault('distant_workername', 'exec');
  bench(
    '1 process × 100,000 lines, a read event each',
    async () => {
      let n = 0;
      task.shell('seq 1 100000', { handler: { onRead: () => (n += 1) } });
      await task.resume();
      if (n !== 100_000) throw new Error(`${n} lines`);
    },
    { time: 1000, iterations: 3 },
  );
  bench(
    '10 processes × 10,000 lines, iterBuffers',
    async () => {
      task.shell('seq 1 10000', { nodes: 'n[1-10]' });
      await task.resume();
      let n = 0;
      for (const [msg, keys] of task.iterBuffers()) n += msg.lines().length * keys.length;
      if (n !== 100_000) throw new Error(`${n} lines`);
    },
    { time: 1000, iterations: 3 },
  );
});
