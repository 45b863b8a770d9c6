/**
 * The fleet directory's `fleet.json` (what runs, so that any process can attach to, repair or stop
 * a fleet) and its lock file.
 *
 * @module
 */

import { mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FleetError } from '../errors.js';
import { isRunning } from './proc.js';

/** One sshd instance: a contiguous run of nodes (at most 16). */
export interface InstanceState {
  readonly config: string;
  readonly pidFile: string;
  readonly log: string;
  /** Index of its first node (1-based). */
  readonly first: number;
  readonly count: number;
  /** The listener's pid, `null` while it is not running (all its nodes stopped). */
  pid: number | null;
}

/** The content of `fleet.json`. */
export interface FleetState {
  readonly version: 1;
  readonly nodes: number;
  port: number;
  readonly user: string;
  readonly nodesPerSshd: number;
  readonly maxSessions: number;
  readonly maxStartups: number;
  readonly sshd: string;
  /** Created by `startFleet()` without `dir`: removed when its owner process is gone. */
  readonly ephemeral: boolean;
  /** The process that created an ephemeral fleet. */
  readonly owner: number | null;
  /** Whether the configs carry `PerSourcePenalties no` (OpenSSH ≥ 9.8). */
  penalties: boolean;
  /** Nodes whose listener was stopped with `stopNode()`. */
  stopped: string[];
  instances: InstanceState[];
}

/** Name of the state file inside the fleet directory. */
export const STATE_FILE = 'fleet.json';

/** Name of the lock file inside the fleet directory. */
export const LOCK_FILE = '.lock';

/**
 * Whether a parsed JSON value looks like a {@link FleetState} (enough to act on it safely).
 *
 * @param v - parsed JSON
 * @returns `true` for a version-1 state
 */
function isState(v: unknown): v is FleetState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    s.version === 1 &&
    typeof s.nodes === 'number' &&
    typeof s.port === 'number' &&
    typeof s.sshd === 'string' &&
    Array.isArray(s.instances) &&
    Array.isArray(s.stopped) &&
    s.instances.every(
      (i: unknown) =>
        typeof i === 'object' &&
        i !== null &&
        typeof (i as Record<string, unknown>).config === 'string' &&
        typeof (i as Record<string, unknown>).pidFile === 'string',
    )
  );
}

/**
 * Reads `fleet.json`.
 *
 * @param dir - the fleet directory
 * @returns the state, or `undefined` when there is none (or it is unreadable)
 */
export function readState(dir: string): FleetState | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8'));
    return isState(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes `fleet.json` atomically (write then rename).
 *
 * @param dir - the fleet directory
 * @param state - the state
 */
export function writeState(dir: string, state: FleetState): void {
  const tmp = join(dir, `${STATE_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, join(dir, STATE_FILE));
}

/**
 * Runs `fn` holding the fleet directory's lock (a `.lock` file with the holder's pid; a lock whose
 * holder is dead is broken). Creates the directory when missing; removes it afterwards when only
 * the lock was left in it.
 *
 * @param dir - the fleet directory
 * @param fn - the critical section
 * @param timeoutMs - how long to wait for another holder
 * @returns what `fn` returns
 * @throws {FleetError} `ERR_FLEET_LOCKED` after `timeoutMs`
 */
export async function withLock<T>(
  dir: string,
  fn: () => Promise<T>,
  timeoutMs = 60_000,
): Promise<T> {
  const lock = join(dir, LOCK_FILE);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue; // the directory was removed by a stop meanwhile
      if (code !== 'EEXIST') throw e;
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(lock, 'utf8'));
      } catch {
        continue;
      }
      if (Number.isInteger(holder) && holder > 0 && !isRunning(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new FleetError('ERR_FLEET_LOCKED', `${lock} is held by process ${holder}`);
      }
      await sleep(25);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
    try {
      rmdirSync(dir);
    } catch {
      // not empty: a fleet lives there
    }
  }
}
