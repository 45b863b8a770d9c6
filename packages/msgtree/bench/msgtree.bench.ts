/**
 * MsgTree against ClusterShell 1.9.1's MsgTree, in the same run.
 *
 * - Time: 128 keys × 100 lines, identical on every key or unique per key, add + walk in the
 *   default (DEFER) mode. Every (key, line) is its own Buffer / bytes object, as when read from
 *   separate nodes. Ours is timed with performance.now, ClusterShell in-process with
 *   time.perf_counter (bench/msgtree_bench.py: one Python process answering requests). The runs
 *   are interleaved (a few of ours, a few of ClusterShell's, and again) so that both see the
 *   same load; the ratio uses the best run of each (as Python's timeit advises), medians shown.
 * - Memory: 10,000 keys × 1,000 identical lines: delta of live memory (heapUsed + arrayBuffers
 *   after a forced GC), sampled every 100 lines for the peak and at the end for what is retained
 *   (lower of two runs), against tracemalloc's peak and current.
 *
 * The ratio table is printed; vitest's own bench stats for our side follow it.
 * Run: cd packages/msgtree && pnpm vitest bench --run
 */
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bench, describe } from 'vitest';
import { MsgTree } from '../src/index.js';

const KEYS = 128;
const LINES = 100;
const ROUNDS = 8;
const RUNS_PER_ROUND = 5;
const WARMUP = 10;

type Plan = readonly (readonly [string, Buffer])[];
type Workload = 'identical' | 'unique';

const keyNames = Array.from({ length: KEYS }, (_, i) => `node${i}`);
function makePlan(line: (key: string, rank: number) => string): Plan {
  const plan: [string, Buffer][] = [];
  for (let r = 0; r < LINES; r++) for (const k of keyNames) plan.push([k, Buffer.from(line(k, r))]);
  return plan;
}
const PLANS: Readonly<Record<Workload, Plan>> = {
  identical: makePlan((_k, r) => `line ${r} of the output, the same on every node`),
  unique: makePlan((k, r) => `${k} line ${r} of the output, unique to this node`),
};

function addAndWalk(plan: Plan): number {
  const tree = new MsgTree();
  for (const [key, line] of plan) tree.add(key, line);
  let count = 0;
  for (const { keys } of tree.walk()) count += keys.length;
  if (count !== KEYS) throw new Error(`walk gave ${count} keys`);
  return count;
}

function timed(plan: Plan, runs: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    addAndWalk(plan);
    samples.push(performance.now() - start);
  }
  return samples;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live bytes of the heap plus off-heap ArrayBuffers (where the line store keeps its chunks). */
function liveBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function memory(nkeys: number, nlines: number): { peak: number; retained: number } {
  const keys = Array.from({ length: nkeys }, (_, i) => `node${i}`);
  const lines = Array.from({ length: nlines }, (_, r) =>
    Buffer.from(`line ${r} of the output, the same on every node`),
  );
  const base = liveBytes();
  let peak = 0;
  const tree = new MsgTree();
  for (let r = 0; r < nlines; r++) {
    const line = lines[r] as Buffer;
    for (const key of keys) tree.add(key, line);
    if (r % 100 === 99) peak = Math.max(peak, liveBytes() - base);
  }
  const retained = liveBytes() - base;
  if (tree.size !== nkeys || tree.get('node0') !== tree.get(`node${nkeys - 1}`)) {
    throw new Error('the tree lost or split keys');
  }
  return { peak: Math.max(peak, retained), retained };
}

/** The ClusterShell side: one Python process, one JSON answer a request. */
function startClusterShell(): { ask: (request: string) => Promise<unknown>; stop: () => void } {
  const script = fileURLToPath(new URL('./msgtree_bench.py', import.meta.url));
  const py = spawn('/usr/bin/python3', [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  return {
    async ask(request) {
      py.stdin.write(`${request}\n`);
      const answer = await answers.next();
      if (answer.done === true) throw new Error(`ClusterShell bench stopped at: ${request}`);
      return JSON.parse(answer.value) as unknown;
    },
    stop() {
      py.stdin.end('quit\n');
    },
  };
}

const py = startClusterShell();
const info = (await py.ask('info')) as { version: string; python: string };
const samples: Record<Workload, { ours: number[]; theirs: number[] }> = {
  identical: { ours: [], theirs: [] },
  unique: { ours: [], theirs: [] },
};
for (const w of ['identical', 'unique'] as const) {
  timed(PLANS[w], WARMUP);
  await py.ask(`time ${w} ${WARMUP}`);
}
for (let round = 0; round < ROUNDS; round++) {
  for (const w of ['identical', 'unique'] as const) {
    samples[w].ours.push(...timed(PLANS[w], RUNS_PER_ROUND));
    samples[w].theirs.push(...((await py.ask(`time ${w} ${RUNS_PER_ROUND}`)) as number[]));
  }
}
const pyMem = (await py.ask('memory 10000 1000')) as { current_bytes: number; peak_bytes: number };
py.stop();
// twice, keeping the lower figures: the first run also pays for compiling the code it runs
const memRuns = [memory(10_000, 1_000), memory(10_000, 1_000)];
const mem = {
  peak: Math.min(...memRuns.map((m) => m.peak)),
  retained: Math.min(...memRuns.map((m) => m.retained)),
};

const best = (xs: readonly number[]): number => Math.min(...xs);
const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const ms = (xs: readonly number[]): string =>
  `${best(xs).toFixed(2)} (${median(xs).toFixed(2)}) ms`;
const kb = (x: number): string => `${(x / 1024).toFixed(0)} KiB`;
const ratio = (a: number, b: number): string => (a / b).toFixed(2);
const rows: [string, string, string, string][] = [
  ...(['identical', 'unique'] as const).map((w): [string, string, string, string] => [
    `add+walk ${KEYS} keys × ${LINES} ${w} lines, best (median) of ${ROUNDS * RUNS_PER_ROUND}`,
    ms(samples[w].ours),
    ms(samples[w].theirs),
    ratio(best(samples[w].ours), best(samples[w].theirs)),
  ]),
  [
    'memory 10,000 keys × 1,000 identical lines, peak (live)',
    kb(mem.peak),
    kb(pyMem.peak_bytes),
    ratio(mem.peak, pyMem.peak_bytes),
  ],
  [
    'memory 10,000 keys × 1,000 identical lines, retained',
    kb(mem.retained),
    kb(pyMem.current_bytes),
    ratio(mem.retained, pyMem.current_bytes),
  ],
];
console.log(
  [
    `| case | ours (Node ${process.versions.node}) | ClusterShell ${info.version} (Python ${info.python}) | ours/ClusterShell |`,
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n'),
);

describe('MsgTree add + walk (ours, vitest stats)', () => {
  for (const w of ['identical', 'unique'] as const) {
    bench(
      `${KEYS} keys × ${LINES} ${w} lines`,
      () => {
        addAndWalk(PLANS[w]);
      },
      { time: 300 },
    );
  }
});
