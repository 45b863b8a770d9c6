/**
 * Side-by-side benchmark of nodeset's group queries, ours against ClusterShell 1.9.1, in one run
 * (`pnpm bench` in packages/cli):
 *
 * 1. `nodeset -r` of 100k nodes against a YAML source of 1,000 groups;
 * 2. `nodeset -lll` over an upcall source of 1,000 groups (map, list, all, and mapall, which
 *    ClusterShell 1.9.1 ignores), counting the upcall processes each side runs;
 * 3. `nodeset -f '@*'` on that source;
 * 4. for reference, `-lll` again over the same source without mapall (ClusterShell 1.9.1's
 *    upcalls only), where both sides must run one map upcall per group.
 *
 * Both sides run in-process and are timed around the tool's main function: ours with
 * performance.now() around nodesetMain(), ClusterShell's with time.perf_counter() around
 * ClusterShell.CLI.Nodeset.main() in one Python process (bench/clustershell-timing.py). Each run
 * reads the configuration afresh (--groupsconf), as a new nodeset process does. Every upcall
 * appends its kind to a `calls` file, counted after each run. ClusterShell's `-r` checks every
 * node against every group (100M membership tests, about 100 s here): it is stopped after
 * BENCH_CAP seconds (default 15) and its time is then a lower bound; BENCH_CAP=600 runs it out.
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';
import { nodesetMain } from '../src/index.js';

const CAP = Number(process.env.BENCH_CAP ?? 15);
const root = mkdtempSync(join(tmpdir(), 'ct-nodeset-bench-'));
const home = join(root, 'home');
mkdirSync(home);
const ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: home };

/** A mulberry32 generator, so that the groups are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// 1,000 YAML groups over n[1-100000]: 500 racks of 200 nodes, 300 stepped groups, 200 scattered.
const random = rng(7);
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
const yamlLines = ['yml:'];
for (let r = 0; r < 500; r++) yamlLines.push(`  rk${r + 1}: "n[${r * 200 + 1}-${r * 200 + 200}]"`);
for (let g = 0; g < 300; g++) {
  const a = int(1, 99000);
  const step = int(2, 4);
  yamlLines.push(`  st${g}: "n[${a}-${a + step * 50}/${step}]"`);
}
for (let g = 0; g < 200; g++) {
  const nodes = new Set<number>();
  while (nodes.size < 20) nodes.add(int(1, 100000));
  yamlLines.push(`  sc${g}: "n[${[...nodes].sort((x, y) => x - y).join(',')}]"`);
}
const yamlDir = join(root, 'yaml');
mkdirSync(join(yamlDir, 'groups.d'), { recursive: true });
writeFileSync(join(yamlDir, 'groups.d', 'big.yaml'), `${yamlLines.join('\n')}\n`);
const yamlConf = join(yamlDir, 'groups.conf');
writeFileSync(yamlConf, '[Main]\ndefault: yml\nautodir: $CFGDIR/groups.d\n');

// An upcall source of 1,000 groups, g1..g1000, of 100 nodes each; every upcall logs its kind.
function upcallConf(dir: string, withMapall: boolean): string {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (let g = 0; g < 1000; g++) lines.push(`g${g + 1}: n[${g * 100 + 1}-${g * 100 + 100}]`);
  writeFileSync(join(dir, 'up.txt'), `${lines.join('\n')}\n`);
  const conf = join(dir, 'groups.conf');
  writeFileSync(
    conf,
    [
      '[Main]',
      'default: up',
      '',
      '[up]',
      "map: echo map >> $CFGDIR/calls; sed -n 's/^$GROUP: *//p' $CFGDIR/up.txt",
      "list: echo list >> $CFGDIR/calls; sed -n 's/:.*//p' $CFGDIR/up.txt",
      "all: echo all >> $CFGDIR/calls; sed -n 's/^[^:]*: *//p' $CFGDIR/up.txt",
      ...(withMapall ? ['mapall: echo mapall >> $CFGDIR/calls; cat $CFGDIR/up.txt'] : []),
      '',
    ].join('\n'),
  );
  return conf;
}
const upDir = join(root, 'up');
const upConf = upcallConf(upDir, true);
const plainDir = join(root, 'plain');
const plainConf = upcallConf(plainDir, false);

interface BenchCase {
  readonly name: string;
  readonly args: readonly string[];
  /** The directory whose `calls` file the upcalls append to. */
  readonly dir: string;
  readonly pyRuns: number;
  readonly ourRuns: number;
  /** Whether the goal (ratio ≤ 0.2) applies. */
  readonly goal: boolean;
}

const CASES: readonly BenchCase[] = [
  {
    name: '-r 100k nodes, 1,000 YAML groups',
    args: ['--groupsconf', yamlConf, '-r', 'n[1-100000]'],
    dir: yamlDir,
    pyRuns: 1,
    ourRuns: 5,
    goal: true,
  },
  {
    name: '-lll, upcall source of 1,000 groups',
    args: ['--groupsconf', upConf, '-lll'],
    dir: upDir,
    pyRuns: 1,
    ourRuns: 5,
    goal: true,
  },
  {
    name: "-f '@*' on that source",
    args: ['--groupsconf', upConf, '-f', '@*'],
    dir: upDir,
    pyRuns: 5,
    ourRuns: 10,
    goal: true,
  },
  {
    name: '-lll, same source without mapall',
    args: ['--groupsconf', plainConf, '-lll'],
    dir: plainDir,
    pyRuns: 1,
    ourRuns: 1,
    goal: false,
  },
];

interface PyResult {
  readonly name: string;
  readonly times: readonly number[];
  readonly capped: boolean;
  readonly calls: Readonly<Record<string, number>>;
  readonly stdout: string;
  readonly code: number;
}

function countCalls(dir: string): Record<string, number> {
  const counts: Record<string, number> = {};
  let text = '';
  try {
    text = readFileSync(join(dir, 'calls'), 'utf8');
  } catch {
    return counts;
  }
  for (const line of text.split('\n')) if (line) counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}

class Sink extends Writable {
  readonly chunks: Buffer[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    cb();
  }
}

async function runOurs(args: readonly string[]): Promise<{ stdout: string; code: number }> {
  const stdout = new Sink();
  const stdin = new PassThrough();
  stdin.end();
  const code = await nodesetMain(args, {
    stdin,
    stdout,
    stderr: new Sink(),
    env: ENV,
    progName: 'nodeset',
  });
  return { stdout: Buffer.concat(stdout.chunks).toString('utf8'), code };
}

function runClusterShell(): PyResult[] {
  const script = fileURLToPath(new URL('./clustershell-timing.py', import.meta.url));
  const input = {
    cases: CASES.map((c) => ({
      name: c.name,
      args: c.args,
      runs: c.pyRuns,
      cap: CAP,
      calls: join(c.dir, 'calls'),
    })),
  };
  const r = spawnSync('/usr/bin/python3', [script], {
    input: JSON.stringify(input),
    env: ENV,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`ClusterShell timing failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PyResult[];
}

function ms(seconds: number): string {
  const v = seconds * 1000;
  return v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`;
}

function calls(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts)
    .sort()
    .map(([k, n]) => `${n} ${k}`);
  return parts.length === 0 ? 'none' : parts.join(' + ');
}

const python = runClusterShell();
const rows: string[] = [
  '| query | ClusterShell 1.9.1 | cluster-task | ratio | upcalls ClusterShell | upcalls ours | same output |',
  '|---|---|---|---|---|---|---|',
];
for (const [i, c] of CASES.entries()) {
  const py = python[i] as PyResult;
  const times: number[] = [];
  let first: { stdout: string; code: number } | undefined;
  let ourCalls: Record<string, number> = {};
  for (let k = 0; k < c.ourRuns; k++) {
    rmSync(join(c.dir, 'calls'), { force: true });
    const start = performance.now();
    const out = await runOurs(c.args);
    times.push((performance.now() - start) / 1000);
    if (first === undefined) {
      first = out;
      ourCalls = countCalls(c.dir);
    }
  }
  const ours = Math.min(...times);
  const theirs = Math.min(...py.times);
  const ratio = ours / theirs;
  const pyTime = py.capped ? `> ${ms(theirs)} (stopped)` : ms(theirs);
  const ratioText = `${py.capped ? '< ' : ''}${ratio < 0.01 ? ratio.toFixed(4) : ratio.toFixed(3)}`;
  const same = py.capped
    ? 'n/a (stopped)'
    : first?.stdout === py.stdout && first?.code === py.code
      ? 'yes'
      : 'NO';
  rows.push(
    `| \`${c.name}\`${c.goal ? '' : ' (no goal)'} | ${pyTime} | ${ms(ours)} | ${ratioText} | ${calls(py.calls)} | ${calls(ourCalls)} | ${same} |`,
  );
}
console.log(
  `\nnodeset group queries, best of N in-process runs (cap ${CAP} s):\n${rows.join('\n')}\n`,
);

describe('nodeset group queries (ours, in-process)', () => {
  for (const c of CASES.filter((x) => x.goal)) {
    bench(
      c.name,
      async () => {
        await runOurs(c.args);
      },
      { iterations: 3, time: 0, warmupIterations: 0, warmupTime: 0 },
    );
  }
});
