/**
 * Benchmark of `@cluster-task/nodeset` against ClusterShell 1.9.1, both timed in-process with the
 * same scheme: calibrate `inner` (doubling until one run lasts MIN_RUN_SECONDS), warm-up runs, then
 * the median of N runs (each after a full GC) divided by `inner`. Ours is timed with
 * `performance.now()`, ClusterShell with `time.perf_counter()` in `clustershell_bench.py` (one
 * python process, run first so that the two never compete for the CPU). Prints the ratio table
 * ours/ClusterShell with the geometric mean and writes it to `bench/results/latest.json`. The
 * vitest `bench()` entries at the end time our side once more with tinybench, for the usual report.
 *
 * Run: `cd packages/nodeset && pnpm bench` (that is `vitest bench --run`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bench, describe } from 'vitest';
import { NodeSet } from '../src/index.js';
import { createRng } from '../test/fixtures/gen.js';

const PYTHON = '/usr/bin/python3';
const PY_BENCH = fileURLToPath(new URL('./clustershell_bench.py', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const SEED = 20_250_101;
/** A timed run lasts at least this long: short operations are repeated `inner` times to get there. */
const MIN_RUN_SECONDS = 0.02;
/** Sets held at once to measure our memory: one is too small for heapUsed to see. */
const MEMORY_COPIES = 1000;

// ---------------------------------------------------------------------------------------------
// Inputs (the same for both sides)

const rng = createRng(SEED);
const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

/** 20k distinct plain names `nodeN` (N < 100000), shuffled. */
const names20k = rng
  .shuffle(range(100_000))
  .slice(0, 20_000)
  .map((i) => `node${i}`);
/** 50 digit-free prefixes (`aanode`, `abnode`, …), so that every pattern is 1D. */
const prefixes50 = range(50).map(
  (p) => `${String.fromCharCode(97 + Math.floor(p / 26), 97 + (p % 26))}node`,
);
/** 20k distinct names over the 50 prefixes, shuffled. */
const names50p = rng
  .shuffle(prefixes50.flatMap((p) => range(2_000).map((i) => `${p}${i}`)))
  .slice(0, 20_000);
/** The 9,472 nodes of x[2000-2073]c[0-7]s[0-7]b[0-1] (74 × 8 × 8 × 2), shuffled. */
const names4d = rng.shuffle(
  range(74, 2000).flatMap((x) =>
    range(8).flatMap((c) => range(8).flatMap((s) => range(2).map((b) => `x${x}c${c}s${s}b${b}`))),
  ),
);
/** 1000 membership probes, some beyond the set. */
const probes = Array.from({ length: 1000 }, () => `node${rng.int(0, 119_999)}`);

type Op = 'parse' | 'parseFold' | 'fromListFold' | 'membership' | 'expand';

interface TimeCase {
  readonly name: string;
  readonly op: Op;
  readonly warmup: number;
  readonly reps: number;
  readonly pattern?: string;
  readonly names?: readonly string[];
  readonly probes?: readonly string[];
}

const N100K = 'node[0-99999]';
const TIME_CASES: readonly TimeCase[] = [
  { name: `parse ${N100K}`, op: 'parse', pattern: N100K, warmup: 1, reps: 7 },
  { name: `parse+fold ${N100K}`, op: 'parseFold', pattern: N100K, warmup: 1, reps: 7 },
  {
    name: 'fromList+fold 20k shuffled names',
    op: 'fromListFold',
    names: names20k,
    warmup: 1,
    reps: 7,
  },
  {
    name: 'fromList+fold 20k names, 50 prefixes',
    op: 'fromListFold',
    names: names50p,
    warmup: 1,
    reps: 7,
  },
  {
    name: 'parse+fold r[0-19]c[0-39]n[0-9]',
    op: 'parseFold',
    pattern: 'r[0-19]c[0-39]n[0-9]',
    warmup: 1,
    reps: 7,
  },
  {
    name: 'fromList+fold 9,472 shuffled x[2000-2073]c[0-7]s[0-7]b[0-1]',
    op: 'fromListFold',
    names: names4d,
    warmup: 1,
    reps: 3,
  },
  {
    name: `1000 membership tests on ${N100K}`,
    op: 'membership',
    pattern: N100K,
    probes,
    warmup: 1,
    reps: 7,
  },
  { name: `expand ${N100K}`, op: 'expand', pattern: N100K, warmup: 1, reps: 7 },
];
const MEMORY_CASE = {
  name: 'memory held by node[0-999999]',
  op: 'memory',
  pattern: 'node[0-999999]',
} as const;

// ---------------------------------------------------------------------------------------------
// Our side

let sink: unknown;

function ourOp(c: TimeCase): () => unknown {
  const pattern = c.pattern ?? '';
  switch (c.op) {
    case 'parse':
      return () => new NodeSet(pattern, { resolver: null });
    case 'parseFold':
      return () => new NodeSet(pattern, { resolver: null }).toString();
    case 'fromListFold': {
      const names = c.names ?? [];
      return () => NodeSet.fromList(names, { resolver: null }).toString();
    }
    case 'membership': {
      const set = new NodeSet(pattern, { resolver: null });
      const list = c.probes ?? [];
      return () => {
        let hits = 0;
        for (const name of list) if (set.has(name)) hits++;
        return hits;
      };
    }
    case 'expand': {
      const set = new NodeSet(pattern, { resolver: null });
      return () => [...set];
    }
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** A gc() function, exposed at run time (same effect as node --expose-gc). */
function getGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Times `inner` calls of fn, in seconds. */
function timed(fn: () => unknown, inner: number): number {
  const t0 = performance.now();
  for (let i = 0; i < inner; i++) sink = fn();
  return (performance.now() - t0) / 1000;
}

/** The scheme of both sides (the calibration runs are warm-up too). */
function timeOurs(c: TimeCase, gc: () => void): { median: number; inner: number } {
  const fn = ourOp(c);
  let inner = 1;
  while (timed(fn, inner) < MIN_RUN_SECONDS && inner < 1 << 20) inner *= 2;
  for (let i = 0; i < c.warmup; i++) timed(fn, inner);
  const runs: number[] = [];
  for (let r = 0; r < c.reps; r++) {
    gc();
    runs.push(timed(fn, inner) / inner);
  }
  return { median: median(runs), inner };
}

function memoryOurs(gc: () => void): number {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const held: NodeSet[] = [];
  for (let i = 0; i < MEMORY_COPIES; i++) {
    const set = new NodeSet(MEMORY_CASE.pattern, { resolver: null });
    void set.size;
    held.push(set);
  }
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  sink = held;
  return Math.max(1, (after - before) / MEMORY_COPIES);
}

// ---------------------------------------------------------------------------------------------
// ClusterShell side

interface PyRun {
  readonly version: string;
  readonly python: string;
  readonly results: Readonly<Record<string, { readonly median: number; readonly inner: number }>>;
  readonly memory: Readonly<Record<string, number>>;
}

function runPython(): PyRun {
  const cases = [
    ...TIME_CASES.map((c) => ({ ...c, minRun: MIN_RUN_SECONDS })),
    { name: MEMORY_CASE.name, op: MEMORY_CASE.op, pattern: MEMORY_CASE.pattern },
  ];
  const res = spawnSync(PYTHON, [PY_BENCH], {
    input: JSON.stringify({ cases }),
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  if (res.error !== undefined || res.status !== 0) {
    throw new Error(
      `cannot run the ClusterShell side (${PYTHON} ${PY_BENCH}): ${res.error?.message ?? res.stderr}`,
    );
  }
  return JSON.parse(res.stdout) as PyRun;
}

// ---------------------------------------------------------------------------------------------
// The comparison (runs once, when vitest loads this file)

interface Row {
  readonly case: string;
  readonly unit: 's' | 'bytes';
  readonly ours: number;
  readonly clustershell: number;
  readonly ratio: number;
  /** Calls per timed run: [ours, ClusterShell]. */
  readonly inner?: readonly [number, number];
}

function fmt(v: number, unit: Row['unit']): string {
  if (unit === 'bytes') {
    if (v >= 1 << 20) return `${(v / (1 << 20)).toFixed(1)} MiB`;
    return v >= 1024 ? `${(v / 1024).toFixed(1)} KiB` : `${Math.round(v)} B`;
  }
  if (v >= 1) return `${v.toFixed(2)} s`;
  return v >= 1e-3 ? `${(v * 1e3).toFixed(2)} ms` : `${(v * 1e6).toFixed(1)} µs`;
}

const geomean = (xs: readonly number[]): number =>
  Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

function compare(): void {
  const started = performance.now();
  const py = runPython();
  const gc = getGc();
  const rows: Row[] = [];
  for (const c of TIME_CASES) {
    const cs = py.results[c.name];
    if (cs === undefined) throw new Error(`no ClusterShell timing for ${c.name}`);
    const ours = timeOurs(c, gc);
    rows.push({
      case: c.name,
      unit: 's',
      ours: ours.median,
      clustershell: cs.median,
      ratio: ours.median / cs.median,
      inner: [ours.inner, cs.inner],
    });
  }
  const csMem = py.memory[MEMORY_CASE.name];
  if (csMem === undefined) throw new Error('no ClusterShell memory figure');
  const ourMem = memoryOurs(gc);
  rows.push({
    case: MEMORY_CASE.name,
    unit: 'bytes',
    ours: ourMem,
    clustershell: csMem,
    ratio: ourMem / csMem,
  });

  const timeRatios = rows.filter((r) => r.unit === 's').map((r) => r.ratio);
  const summary = {
    geomeanTime: geomean(timeRatios),
    geomeanAll: geomean(rows.map((r) => r.ratio)),
    worstTime: Math.max(...timeRatios),
    goal: 'geomean <= 0.05 and no case > 0.3',
  };
  const table = [
    '| case | ours | ClusterShell 1.9.1 | ours/ClusterShell |',
    '|---|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.case} | ${fmt(r.ours, r.unit)} | ${fmt(r.clustershell, r.unit)} | ${r.ratio.toPrecision(2)} |`,
    ),
    `| **geometric mean, time cases** | | | **${summary.geomeanTime.toPrecision(2)}** |`,
    `| geometric mean, all cases (memory included) | | | ${summary.geomeanAll.toPrecision(2)} |`,
  ].join('\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    `${RESULTS_DIR}latest.json`,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        python: py.python,
        clustershell: py.version,
        scheme:
          'both sides in-process: calibrate `inner` (doubling until a run lasts 20 ms), warm-up runs, ' +
          'then the median of N runs (each after a full GC) divided by `inner`; memory: ours is heapUsed ' +
          `growth per set over ${MEMORY_COPIES} sets held at once, ClusterShell is tracemalloc's growth for one set`,
        rows,
        summary,
        table,
      },
      null,
      2,
    )}\n`,
  );
  console.log(
    `\nnodeset vs ClusterShell ${py.version} (Python ${py.python}, Node ${process.version}):\n\n${table}\n\n` +
      `worst time ratio ${summary.worstTime.toPrecision(2)}; goal: ${summary.goal}; ` +
      `took ${((performance.now() - started) / 1000).toFixed(1)} s; written to bench/results/latest.json\n`,
  );
}

compare();

// ---------------------------------------------------------------------------------------------
// The usual vitest report for our side (kept short: the comparison above is the benchmark)

describe('nodeset (ours, tinybench)', () => {
  const opts = { time: 100, iterations: 2, warmupTime: 0, warmupIterations: 1 };
  for (const c of TIME_CASES) {
    const fn = ourOp(c);
    bench(
      c.name,
      () => {
        sink = fn();
      },
      opts,
    );
  }
});

export { sink };
