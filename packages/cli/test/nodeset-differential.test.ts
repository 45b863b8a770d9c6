/**
 * Differential suite of the `nodeset` command: generated command lines (arguments and stdin)
 * run through ClusterShell 1.9.1's own CLI main (in ONE python process, see
 * `fixtures/nodeset_oracle.py`) and through our `nodesetMain` in-process; stdout, stderr and
 * exit status must be identical. The in-process oracle is itself checked against the real
 * `/usr/bin/nodeset` on a sample. The seed is printed in every failure; replay with
 * `NODESET_DIFF_SEED=<seed>`.
 */
import { spawnSync } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { NodeSet } from '@cluster-task/nodeset';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, nodesetMain } from '../src/index.js';
import {
  CLI_CATEGORY_SIZES,
  type CliCase,
  cliCases,
  seedFromEnv,
} from './fixtures/nodeset-argv-gen.js';

const PYTHON = '/usr/bin/python3';
const REAL_NODESET = '/usr/bin/nodeset';
const ORACLE = fileURLToPath(new URL('./fixtures/nodeset_oracle.py', import.meta.url));
const SHOWN = 20;
const REAL_SAMPLE = 20;

const seed = seedFromEnv();
const cases = cliCases(seed);

/** What one run of a command line gives. */
interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

/** An oracle answer; `fallback` is ClusterShell's intended answer when it crashed on a known bug. */
interface OracleOutcome extends Outcome {
  readonly fallback?: Outcome;
}

interface OracleRun {
  readonly version: string;
  readonly results: readonly OracleOutcome[];
}

/** For each `--pick` case, the same operands with `-f` and with `-c`, without `--pick`. */
function pickCompanions(c: CliCase): { argv: string[]; stdin: string }[] {
  if (c.pick === undefined) return [];
  return [
    { argv: ['-f', ...c.pick.of], stdin: '' },
    { argv: ['-c', ...c.pick.of], stdin: '' },
  ];
}

const oracleInput = [
  ...cases.map((c) => ({ argv: c.argv, stdin: c.stdin })),
  ...cases.flatMap(pickCompanions),
];

function runOracle(): OracleRun {
  const res = spawnSync(PYTHON, [ORACLE], {
    input: JSON.stringify({ cases: oracleInput }),
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const hint =
    'The nodeset differential suite needs python3 and ClusterShell 1.9.1 (Debian: apt-get install clustershell).';
  if (res.error !== undefined) {
    throw new Error(
      `cannot run the ClusterShell oracle (${PYTHON} ${ORACLE}): ${res.error.message}. ${hint}`,
    );
  }
  if (res.status !== 0) {
    throw new Error(
      `the ClusterShell oracle failed (exit ${String(res.status)}): ${res.stderr.trim()}. ${hint}`,
    );
  }
  const doc = JSON.parse(res.stdout) as OracleRun;
  if (doc.results.length !== oracleInput.length) {
    throw new Error(`the oracle answered ${doc.results.length} runs out of ${oracleInput.length}`);
  }
  return doc;
}

/** A writable that keeps what it is given as text. */
class Sink extends Writable {
  text = '';

  constructor() {
    super({ decodeStrings: false });
  }

  override _write(
    chunk: unknown,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.text +=
      typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    callback();
  }
}

async function runOurs(argv: readonly string[], stdinText: string): Promise<Outcome> {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const stdout = new Sink();
  const stderr = new Sink();
  const io: CliIo = { stdin, stdout, stderr, env: { ...process.env }, progName: 'nodeset' };
  let status: number;
  try {
    status = await nodesetMain([...argv], io);
  } catch (e) {
    // an exception escaping nodesetMain is a bug: show it as the outcome
    stderr.text += `<<nodesetMain threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}>>`;
    status = -1;
  }
  return { stdout: stdout.text, stderr: stderr.text, status };
}

function show(v: unknown, max = 1200): string {
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

interface Mismatch {
  readonly index: number;
  readonly input: CliCase;
  readonly expected: Outcome;
  readonly actual: Outcome;
}

function report(category: string, mismatches: readonly Mismatch[], total: number): string {
  const lines = [
    `${mismatches.length}/${total} mismatches in category "${category}" (seed ${seed}; replay with NODESET_DIFF_SEED=${seed}; ` +
      `${clusterShellBugs.length} ClusterShell 1.9.1 crashes so far were replaced by its intended answer)`,
  ];
  for (const m of mismatches.slice(0, SHOWN)) {
    lines.push(
      `#${m.index} nodeset ${show(m.input.argv)}${m.input.stdin === '' ? '' : ` <<< ${show(m.input.stdin, 300)}`}`,
    );
    lines.push(`   expected: ${show(m.expected)}`);
    lines.push(`   actual:   ${show(m.actual)}`);
  }
  if (mismatches.length > SHOWN) lines.push(`… and ${mismatches.length - SHOWN} more`);
  return lines.join('\n');
}

let oracle: OracleRun | undefined;
let oracleError: unknown;

beforeAll(() => {
  try {
    oracle = runOracle();
  } catch (e) {
    oracleError = e;
  }
}, 120_000);

function requireOracle(): OracleRun {
  if (oracle === undefined) throw oracleError ?? new Error('the ClusterShell oracle did not run');
  return oracle;
}

/** Cases where ClusterShell crashed on a known bug and its intended answer is used instead. */
const clusterShellBugs: string[] = [];

function expectedOf(index: number): Outcome {
  const r = requireOracle().results[index];
  if (r === undefined) throw new Error(`no oracle result for case #${index}`);
  if (r.fallback !== undefined) {
    clusterShellBugs.push(`#${index}: ${r.stderr.trim()}`);
    return r.fallback;
  }
  return r;
}

describe(`nodeset CLI differential vs ClusterShell (seed ${seed})`, () => {
  it('runs ClusterShell 1.9.1 as the oracle', () => {
    expect(requireOracle().version).toBe('1.9.1');
  });

  it('generates at least 1500 command lines, with errors and usage errors among them', () => {
    const results = requireOracle().results.slice(0, cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(1500);
    const byStatus = new Map<number, number>();
    for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    expect(byStatus.get(0) ?? 0).toBeGreaterThan(cases.length * 0.7);
    expect(byStatus.get(1) ?? 0).toBeGreaterThan(100);
    expect(byStatus.get(2) ?? 0).toBeGreaterThan(40);
  });

  it('in-process oracle agrees with the real /usr/bin/nodeset', () => {
    requireOracle();
    const step = Math.floor(cases.length / REAL_SAMPLE);
    const sample: number[] = [];
    for (let i = 0; sample.length < REAL_SAMPLE && i < cases.length; i += step) {
      let j = i;
      while (cases[j]?.pick !== undefined) j++;
      sample.push(j);
    }
    // and a few that exercise stdin, usage errors, -d and groups
    for (const cat of ['stdin', 'usage', 'groups', 'misc']) {
      const j = cases.findIndex((c) => c.category === cat);
      if (j >= 0) sample.push(j);
    }
    const diffs: string[] = [];
    for (const index of sample) {
      const c = cases[index];
      if (c === undefined) continue;
      const real = spawnSync(REAL_NODESET, [...c.argv], {
        input: c.stdin,
        encoding: 'utf8',
        env: process.env,
      });
      if (real.error !== undefined)
        throw new Error(`cannot run ${REAL_NODESET}: ${real.error.message}`);
      const got: Outcome = { stdout: real.stdout, stderr: real.stderr, status: real.status ?? -1 };
      // ClusterShell's raw answer (crash included), not the intended one
      const exp = requireOracle().results[index];
      if (exp === undefined) throw new Error(`no oracle result for case #${index}`);
      if (got.stdout !== exp.stdout || got.stderr !== exp.stderr || got.status !== exp.status) {
        diffs.push(
          `#${index} ${show(c.argv)}\n   real:       ${show(got)}\n   in-process: ${show(exp)}`,
        );
      }
    }
    expect(sample.length).toBeGreaterThanOrEqual(REAL_SAMPLE);
    if (diffs.length > 0)
      expect.fail(`the in-process oracle differs from ${REAL_NODESET}:\n${diffs.join('\n')}`);
  }, 60_000);

  for (const category of Object.keys(CLI_CATEGORY_SIZES).filter((k) => k !== 'pick')) {
    it(`matches ClusterShell on category ${category}`, async () => {
      requireOracle();
      const mismatches: Mismatch[] = [];
      let total = 0;
      for (const [index, c] of cases.entries()) {
        if (c.category !== category) continue;
        total++;
        const expected = expectedOf(index);
        const actual = await runOurs(c.argv, c.stdin);
        if (
          actual.stdout !== expected.stdout ||
          actual.stderr !== expected.stderr ||
          actual.status !== expected.status
        ) {
          mismatches.push({ index, input: c, expected, actual });
        }
      }
      expect(total).toBeGreaterThan(0);
      if (mismatches.length > 0) expect.fail(report(category, mismatches, total));
    }, 60_000);
  }

  it('--pick keeps the requested count of nodes, all from the set', async () => {
    const results = requireOracle().results;
    let companion = cases.length;
    const problems: string[] = [];
    let total = 0;
    for (const [index, c] of cases.entries()) {
      if (c.pick === undefined) continue;
      total++;
      const fold = results[companion++];
      const count = results[companion++];
      const py = results[index];
      if (fold === undefined || count === undefined || py === undefined)
        throw new Error('missing oracle runs');
      const full = new NodeSet(fold.stdout.trim(), { resolver: null });
      const n = Number(count.stdout.trim());
      const want = c.pick.n > 0 && c.pick.n < n ? c.pick.n : n;
      // ClusterShell re-parses the picked names: a name that does not parse back into the set
      // (`gpu-3`, a negative index, reads as pattern `gpu-%s`) is lost, so fewer may come out
      const exact = [...full].every((node) =>
        new NodeSet(node, { resolver: null }).isSubsetOf(full),
      );
      const check = (who: string, o: Outcome): void => {
        const got = new NodeSet(o.stdout.trim(), { resolver: null });
        const countOk = exact ? got.size === want : got.size <= want;
        if (o.status !== 0 || o.stderr !== '' || !countOk || !got.isSubsetOf(full)) {
          problems.push(
            `#${index} ${who}: nodeset ${show(c.argv)} gave ${show(o)}; want ${exact ? '' : 'at most '}${want} nodes out of ${show(fold.stdout.trim())}`,
          );
        }
      };
      check('ClusterShell', py);
      check('ours', await runOurs(c.argv, c.stdin));
    }
    expect(total).toBeGreaterThan(0);
    if (problems.length > 0) expect.fail(`seed ${seed}:\n${problems.slice(0, SHOWN).join('\n')}`);
  }, 60_000);
});
