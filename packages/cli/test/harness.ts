/**
 * Test harness: runs ClusterShell's nodeset (the oracle) and ours on the same cases.
 *
 * The oracle runs in batches through test/fixtures/nodeset-oracle.py (ClusterShell's own CLI
 * entry point, one interpreter per batch); a few tests also spawn /usr/bin/nodeset itself to
 * check that the batch runner gives the same answers.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { nodesetMain } from '../src/index.js';

/** One invocation. */
export interface Case {
  readonly args: readonly string[];
  readonly stdin?: string | Buffer;
  readonly prog?: string;
  /** Variables that override the batch environment for this case only. */
  readonly env?: Readonly<Record<string, string>>;
}

/** What an invocation produced. */
export interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

const ORACLE = fileURLToPath(new URL('./fixtures/nodeset-oracle.py', import.meta.url));

/** A private, empty HOME so that no user configuration leaks into the tests. */
export const EMPTY_HOME = mkdtempSync(join(tmpdir(), 'cli-home-'));

/** The base environment of every test run (oracle and ours alike). */
export function baseEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: EMPTY_HOME,
    ...extra,
  };
}

function toBuffer(data: string | Buffer | undefined): Buffer {
  if (data === undefined) return Buffer.alloc(0);
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * Runs cases through the oracle, in one Python process.
 *
 * @param cases - the invocations
 * @param env - the environment of the whole batch
 * @returns one outcome per case, stdout/stderr decoded as latin1 when `raw` (byte exact)
 */
export function oracleBatch(
  cases: readonly Case[],
  env: Readonly<Record<string, string>>,
): Outcome[] {
  const input = JSON.stringify(
    cases.map((c) => ({
      args: c.args,
      stdin: toBuffer(c.stdin).toString('base64'),
      prog: c.prog ?? 'nodeset',
      env: c.env ?? {},
    })),
  );
  const r = spawnSync('/usr/bin/python3', [ORACLE], {
    input,
    env: { ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(`oracle batch failed (${r.status}): ${r.stderr.toString()}`);
  }
  const out = JSON.parse(r.stdout.toString('utf8')) as {
    stdout: string;
    stderr: string;
    code: number;
  }[];
  return out.map((o) => ({
    stdout: Buffer.from(o.stdout, 'base64').toString('latin1'),
    stderr: Buffer.from(o.stderr, 'base64').toString('latin1'),
    code: o.code,
  }));
}

/**
 * Runs /usr/bin/nodeset itself (slow: one interpreter per call).
 *
 * @param c - the invocation
 * @param env - its environment
 * @returns what it produced (latin1-decoded, byte exact)
 */
export function oracleProcess(c: Case, env: Readonly<Record<string, string>>): Outcome {
  const r = spawnSync(`/usr/bin/${c.prog ?? 'nodeset'}`, [...c.args], {
    input: toBuffer(c.stdin),
    env: { ...env, ...c.env },
  });
  return {
    stdout: r.stdout.toString('latin1'),
    stderr: r.stderr.toString('latin1'),
    code: r.status ?? -1,
  };
}

/** A writable that keeps everything written to it. */
class Sink extends Writable {
  readonly chunks: Buffer[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
}

/**
 * Runs our nodeset in-process.
 *
 * @param c - the invocation
 * @param env - its environment
 * @returns what it produced (latin1-decoded, byte exact)
 */
export async function ours(c: Case, env: Readonly<Record<string, string>>): Promise<Outcome> {
  const stdin = new PassThrough();
  stdin.end(toBuffer(c.stdin));
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await nodesetMain(c.args, {
    stdin,
    stdout,
    stderr,
    env: { ...env, ...c.env },
    progName: c.prog ?? 'nodeset',
  });
  return { stdout: stdout.text(), stderr: stderr.text(), code };
}

/** A readable label for a case in test names. */
export function label(c: Case): string {
  const args = c.args.map((a) => (/^[\w@%,.:/[\]=+-]+$/.test(a) ? a : JSON.stringify(a)));
  const input =
    c.stdin === undefined ? '' : ` <<< ${JSON.stringify(toBuffer(c.stdin).toString('latin1'))}`;
  return `${c.prog ?? 'nodeset'} ${args.join(' ')}${input}`;
}
