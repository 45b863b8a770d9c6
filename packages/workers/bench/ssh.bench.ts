/**
 * The remote transports against ClusterShell 1.9.1 and pdsh on the same fleet, in one run.
 *
 * A 512-node fleet (tools/fleet: real sshd, curve25519, ed25519 keys, loopback) and one
 * ssh_config for every tool. Cases:
 * - `echo $SSH_CONNECTION` on 512 nodes at fanout 64 and 256: `clush -b -o "-F cfg"`,
 *   `pdsh -R ssh` (PDSH_SSH_ARGS_APPEND="-F cfg"), ours with `distant_workername` `ssh` and
 *   `ssh2` through the Task API (bench/ssh-run.mjs; the worker level when the task package does
 *   not load); every answer is checked (each node must print its own address);
 * - warm: a second command on the same 512 nodes in the same task (ssh2 keeps its connections);
 * - a 100 MB file pushed to 16 nodes: `clush --copy` against `task.copy` on both transports.
 *
 * Each tool runs in a process of its own under bench/rusage.py (getrusage of the children: the
 * tool plus every ssh it started): wall time, client CPU time, peak RSS of the largest process.
 * Ours run from the package sources transpiled to a temporary node_modules. Rounds are
 * interleaved so that every tool sees the same load; the best run counts, the median is shown in
 * brackets. `SSH_BENCH_ROUNDS` sets the rounds (default 2), `SSH_BENCH_NODES` the fleet size.
 *
 * Run: cd packages/workers && pnpm bench   (or `pnpm bench` at the root)
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  copyFileSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFleet } from '@cluster-task/fleet';
import ts from 'typescript';
import { bench, describe } from 'vitest';
import { sshArgv } from '../src/internal/ssh-args.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGES = join(HERE, '..', '..');
const ROUNDS = Number(process.env.SSH_BENCH_ROUNDS ?? 2);
const NODES = Number(process.env.SSH_BENCH_NODES ?? 512);
const FANOUTS = [64, 256] as const;
const COPY_NODES = 16;
const COPY_MB = 100;

// --- our packages, transpiled for plain Node processes ---

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

function buildPackages(root: string): void {
  for (const name of ['engine', 'msgtree', 'nodeset', 'workers', 'task']) {
    const src = join(PACKAGES, name, 'src');
    const out = join(root, 'node_modules', '@cluster-task', name);
    for (const file of sources(src)) {
      const js = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          useDefineForClassFields: true,
          verbatimModuleSyntax: true,
        },
        fileName: file,
      }).outputText;
      const dest = join(out, relative(src, file).replace(/\.ts$/, '.js'));
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, js);
    }
    writeFileSync(
      join(out, 'package.json'),
      JSON.stringify({ name: `@cluster-task/${name}`, type: 'module', exports: './index.js' }),
    );
  }
  const ssh2 = dirname(
    createRequire(join(PACKAGES, 'workers', 'package.json')).resolve('ssh2/package.json'),
  );
  symlinkSync(realpathSync(ssh2), join(root, 'node_modules', 'ssh2'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  copyFileSync(join(HERE, 'ssh-run.mjs'), join(root, 'ssh-run.mjs'));
}

// --- measuring a process ---

interface Usage {
  readonly wall: number;
  readonly cpu: number;
  readonly rss: number;
  readonly output: string;
  readonly own?:
    | { level: string; ok: number; wall_ms: number; cpu_ms?: number; lag_ms: number }
    | undefined;
}

async function measure(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Usage> {
  const out = join(work, `usage-${randomBytes(4).toString('hex')}.json`);
  const child = spawn('/usr/bin/python3', [join(HERE, 'rusage.py'), out, '--', ...argv], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env },
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`rusage.py failed (${code}) for ${argv.join(' ')}`);
  const u = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number>;
  const output = readFileSync(`${out}.out`, 'utf8');
  rmSync(out);
  rmSync(`${out}.out`);
  if (u.rc !== 0) throw new Error(`${argv[0]} exited ${u.rc}: ${output.slice(-2000)}`);
  const wall = (u.wall ?? 0) * 1000;
  const cpu = ((u.user ?? 0) + (u.sys ?? 0)) * 1000;
  const rss = (u.maxrss_kb ?? 0) / 1024;
  const last = output.trim().split('\n').at(-1) ?? '';
  return last.startsWith('{"level"')
    ? { wall, cpu, rss, output, own: JSON.parse(last) as Usage['own'] }
    : { wall, cpu, rss, output };
}

// --- the fleet and the tools ---

const work = mkdtempSync(join(tmpdir(), 'ct-sshbench-'));
buildPackages(work);
const fleet = await startFleet({ nodes: NODES });
const nodes = `node[1-${NODES}]`;
const expectedFile = join(work, 'expected.json');
writeFileSync(
  expectedFile,
  JSON.stringify(Object.fromEntries(fleet.nodes.map((n) => [n, fleet.addressOf(n)]))),
);
const ADDRESS = /(?:^|: )127\.0\.0\.1 \d+ (127\.77\.\d+\.\d+) \d+$/gm;

/** Checks that every node printed its own address (clush -b gathers, pdsh prefixes). */
function checkAnswers(tool: string, output: string): void {
  const seen = new Set([...output.matchAll(ADDRESS)].map((m) => m[1]));
  const missing = fleet.nodes.filter((n) => !seen.has(fleet.addressOf(n)));
  if (missing.length > 0) throw new Error(`${tool}: ${missing.length} nodes did not answer`);
}

function ours(spec: Record<string, unknown>): Promise<Usage> {
  return measure([
    process.execPath,
    join(work, 'ssh-run.mjs'),
    JSON.stringify({ sshConfig: fleet.sshConfig, nodes, expected: expectedFile, ...spec }),
  ]);
}

type Tool = (fanout: number) => Promise<Usage>;

const COMMAND = 'echo $SSH_CONNECTION';
const TOOLS: Record<string, Tool> = {
  clush: async (fanout) => {
    const u = await measure([
      '/usr/bin/clush',
      '-b',
      '-f',
      String(fanout),
      '-w',
      nodes,
      '-o',
      `-F ${fleet.sshConfig}`,
      COMMAND,
    ]);
    checkAnswers('clush', u.output);
    return u;
  },
  'pdsh -R ssh': async (fanout) => {
    const u = await measure(['pdsh', '-R', 'ssh', '-f', String(fanout), '-w', nodes, COMMAND], {
      PDSH_SSH_ARGS_APPEND: `-F ${fleet.sshConfig}`,
    });
    checkAnswers('pdsh', u.output);
    return u;
  },
  'ours ssh': async (fanout) => {
    const u = await ours({ mode: 'cold', transport: 'ssh', fanout });
    if (u.own?.ok !== NODES) throw new Error(`ours ssh: ${u.own?.ok} nodes answered`);
    return u;
  },
  'ours ssh2': async (fanout) => {
    const u = await ours({ mode: 'cold', transport: 'ssh2', fanout });
    if (u.own?.ok !== NODES) throw new Error(`ours ssh2: ${u.own?.ok} nodes answered`);
    return u;
  },
};

// the copy: one 100 MB file, the same destination directory on every node (as clush --copy)
const bigFile = join(fleet.dir, 'bench-100M.bin');
{
  const out = createWriteStream(bigFile);
  for (let i = 0; i < COPY_MB; i++) out.write(randomBytes(1 << 20));
  out.end();
  await once(out, 'finish');
}
const bigSum = execFileSync('sha256sum', [bigFile]).toString().split(' ')[0];
const copyDir = join(fleet.dir, 'home', 'bench-copy');
const copyNodes = `node[1-${COPY_NODES}]`;

function checkCopy(tool: string): void {
  const target = join(copyDir, 'bench-100M.bin');
  const sum = execFileSync('sha256sum', [target]).toString().split(' ')[0];
  if (sum !== bigSum) throw new Error(`${tool}: the copy differs`);
  rmSync(target);
}

const COPIES: Record<string, () => Promise<Usage>> = {
  'clush --copy': async () => {
    const u = await measure([
      '/usr/bin/clush',
      '-w',
      copyNodes,
      '-o',
      `-F ${fleet.sshConfig}`,
      '--copy',
      bigFile,
      '--dest',
      copyDir,
    ]);
    checkCopy('clush --copy');
    return u;
  },
  'ours ssh (scp)': async () => {
    const u = await ours({
      mode: 'copy',
      transport: 'ssh',
      fanout: 64,
      nodes: copyNodes,
      source: bigFile,
      dest: copyDir,
    });
    if (u.own?.ok !== COPY_NODES) throw new Error(`ours ssh copy: ${u.own?.ok} nodes`);
    checkCopy('ours ssh');
    return u;
  },
  'ours ssh2 (sftp)': async () => {
    const u = await ours({
      mode: 'copy',
      transport: 'ssh2',
      fanout: 64,
      nodes: copyNodes,
      source: bigFile,
      dest: copyDir,
    });
    if (u.own?.ok !== COPY_NODES) throw new Error(`ours ssh2 copy: ${u.own?.ok} nodes`);
    checkCopy('ours ssh2');
    return u;
  },
};

// --- the rounds ---

const runs = new Map<string, Usage[]>();
const record = (key: string, u: Usage): void => {
  runs.set(key, [...(runs.get(key) ?? []), u]);
};
const load: number[] = [];
let level = 'unknown';

try {
  mkdirSync(copyDir, { recursive: true });
  for (let round = 0; round < ROUNDS; round++) {
    load.push(loadavg()[0] ?? 0);
    const names = Object.keys(TOOLS);
    // rotate the order each round, so that no tool always runs first
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const fanout of FANOUTS) {
      for (const name of order) record(`${name}|${fanout}`, await (TOOLS[name] as Tool)(fanout));
      const warm = await ours({ mode: 'warm', transport: 'ssh2', fanout });
      if (warm.own?.ok !== NODES) throw new Error(`warm ssh2: ${warm.own?.ok} nodes`);
      record(`warm ssh2|${fanout}`, warm);
      level = warm.own.level;
    }
    for (const [name, copy] of Object.entries(COPIES)) record(`${name}|copy`, await copy());
  }
} finally {
  await fleet.stop();
  rmSync(work, { recursive: true, force: true });
}

// --- the table ---

const best = (xs: readonly number[]): number => Math.min(...xs);
const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const fmt = (xs: readonly number[], unit = 's'): string =>
  unit === 's'
    ? `${(best(xs) / 1000).toFixed(2)} (${(median(xs) / 1000).toFixed(2)})`
    : `${Math.max(...xs).toFixed(0)}`;
const walls = (key: string): number[] =>
  (runs.get(key) ?? []).map((u) => (key.startsWith('warm') ? (u.own?.wall_ms ?? 0) : u.wall));
const cpus = (key: string): number[] =>
  (runs.get(key) ?? []).map((u) => (key.startsWith('warm') ? (u.own?.cpu_ms ?? 0) : u.cpu));
const rsss = (key: string): number[] => (runs.get(key) ?? []).map((u) => u.rss);
const lags = (key: string): number[] => (runs.get(key) ?? []).map((u) => u.own?.lag_ms ?? 0);

const lines: string[] = [
  `ssh bench: ${NODES} nodes, ${ROUNDS} rounds, load average at each round ${load.map((l) => l.toFixed(1)).join(', ')}, ours through the ${level} API`,
  '',
  '| case | tool | wall s, best (median) | client CPU s | peak RSS MB | ×wall vs best of clush/pdsh | ×CPU | max loop lag ms |',
  '|---|---|---:|---:|---:|---:|---:|---:|',
];
const ratios: Record<string, number> = {};
for (const fanout of FANOUTS) {
  const ref = ['clush', 'pdsh -R ssh'].map((t) => `${t}|${fanout}`);
  const refKey = best(walls(ref[0] as string)) <= best(walls(ref[1] as string)) ? ref[0] : ref[1];
  const refWall = best(walls(refKey as string));
  const refCpu = best(cpus(refKey as string));
  const clushWall = best(walls(`clush|${fanout}`));
  for (const name of [...Object.keys(TOOLS), 'warm ssh2']) {
    const key = `${name}|${fanout}`;
    const w = best(walls(key)) / (name === 'warm ssh2' ? clushWall : refWall);
    const c = best(cpus(key)) / refCpu;
    ratios[key] = w;
    ratios[`${key}|cpu`] = c;
    const label = name === 'warm ssh2' ? 'ours ssh2, warm (2nd command, ×clush)' : name;
    lines.push(
      `| echo, fanout ${fanout} | ${label} | ${fmt(walls(key))} | ${fmt(cpus(key))} | ${fmt(rsss(key), 'MB')} | ${w.toFixed(2)} | ${c.toFixed(2)} | ${name.startsWith('ours') || name.startsWith('warm') ? best(lags(key)).toFixed(0) : ''} |`,
    );
  }
}
const copyRef = best(walls('clush --copy|copy'));
const copyCpu = best(cpus('clush --copy|copy'));
for (const name of Object.keys(COPIES)) {
  const key = `${name}|copy`;
  const w = best(walls(key)) / copyRef;
  ratios[key] = w;
  lines.push(
    `| ${COPY_MB} MB to ${COPY_NODES} nodes | ${name} | ${fmt(walls(key))} | ${fmt(cpus(key))} | ${fmt(rsss(key), 'MB')} | ${w.toFixed(2)} (×clush --copy) | ${(best(cpus(key)) / copyCpu).toFixed(2)} | |`,
  );
}
const table = lines.join('\n');
console.log(`\n${table}\n`);
mkdirSync(join(HERE, 'results'), { recursive: true });
writeFileSync(
  join(HERE, 'results', 'ssh.json'),
  `${JSON.stringify({ date: new Date().toISOString(), nodes: NODES, rounds: ROUNDS, load, level, ratios, table }, null, 2)}\n`,
);

describe('command lines (in the vitest process)', () => {
  const host = {
    info: (key: string) => ({ ssh_options: '-F /etc/ssh/cfg', connect_timeout: 10 })[key],
  } as unknown as Parameters<typeof sshArgv>[0];
  bench('ssh argv for 512 nodes', () => {
    for (let i = 1; i <= 512; i++) sshArgv(host, `node${i}`, COMMAND);
  });
});
