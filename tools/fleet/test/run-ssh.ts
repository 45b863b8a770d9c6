/**
 * Test helpers: run OpenSSH `ssh` against a fleet, many at a time.
 *
 * @module
 */

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What one ssh run gave. */
export interface SshResult {
  readonly node: string;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `ssh <options> <node> <command>`.
 *
 * @param options - ssh options, e.g. `['-F', config]`
 * @param node - the destination
 * @param command - the remote command
 * @returns exit code and output
 */
export function ssh(options: readonly string[], node: string, command: string): Promise<SshResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', [...options, node, command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ node, code, stdout, stderr }));
  });
}

/**
 * Maps over items with at most `limit` promises in flight.
 *
 * @param items - the inputs
 * @param limit - the parallelism
 * @param fn - the async work
 * @returns the results, in input order
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  });
  await Promise.all(workers);
  return out;
}

/**
 * SHA-256 of every regular file under a directory (readable ones), by path.
 *
 * @param dir - e.g. /etc/ssh
 * @returns path → hex digest (or size and mtime for unreadable files)
 */
export function checksums(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) {
        try {
          out.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
        } catch {
          out.set(path, `${st.size}:${st.mtimeMs}`);
        }
      }
    }
  };
  walk(dir);
  return out;
}
