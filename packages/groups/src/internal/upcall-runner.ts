/**
 * Runs upcall command lines, synchronously (the NodeSet parser is synchronous) or asynchronously,
 * the way ClusterShell does: `sh -c <cmdline>`, in the source's config directory, with stdin from
 * /dev/null; stdout is decoded, its newlines normalised and its whitespace stripped; a non-zero
 * exit is a failure. Unlike ClusterShell, stderr is captured (for the error), and a timeout kills
 * the whole process group of the command.
 *
 * @module
 */

import type { SpawnSyncOptions } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { debuglog } from 'node:util';
import type { UpcallName } from '../errors.js';
import { GroupSourceQueryFailedError } from '../errors.js';
import type { UpcallEvent } from '../upcall-event.js';
import { pyStrip } from './py-text.js';

const debug = debuglog('clustershell:groups');

/** Largest output read from one upcall (bytes). */
const MAX_OUTPUT = 256 * 1024 * 1024;

/** One upcall to run. */
export interface UpcallRequest {
  /** The group source name. */
  readonly source: string;
  /** Which upcall this is. */
  readonly upcall: UpcallName;
  /** The command line, after `$VAR` substitution. */
  readonly cmdline: string;
  /** The working directory (the source's config directory). */
  readonly cwd: string;
}

/** How upcalls are run. */
export interface UpcallRunOptions {
  /** Kill the command after this many milliseconds. */
  readonly timeoutMs: number;
  /** The environment of the command; undefined inherits the process environment. */
  readonly env: NodeJS.ProcessEnv | undefined;
  /** Called with every outcome, before the result is returned or the failure thrown. */
  readonly onResult?: ((outcome: UpcallEvent) => void) | undefined;
}

function decode(data: Buffer | string | null | undefined): string {
  if (data === null || data === undefined) return '';
  return (typeof data === 'string' ? data : data.toString('utf8')).replace(/\r\n?/g, '\n');
}

interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly error: Error | undefined;
}

function settle(req: UpcallRequest, options: UpcallRunOptions, o: Outcome): string {
  const { timeoutMs } = options;
  const stdout = pyStrip(o.stdout);
  options.onResult?.({
    source: req.source,
    upcall: req.upcall,
    command: req.cmdline,
    cwd: req.cwd,
    stdout,
    stderr: o.stderr,
    exitCode: o.status ?? undefined,
    signal: o.timedOut ? (o.signal ?? 'SIGKILL') : (o.signal ?? undefined),
    timedOut: o.timedOut,
    error: o.error,
  });
  debug(
    '%s %s upcall %j: status %s signal %s',
    req.source,
    req.upcall,
    req.cmdline,
    o.status,
    o.signal,
  );
  if (o.timedOut) {
    throw new GroupSourceQueryFailedError(req.source, {
      command: req.cmdline,
      upcall: req.upcall,
      stderr: o.stderr,
      signal: o.signal ?? 'SIGKILL',
      timedOut: true,
      message: `${req.cmdline} (timed out after ${timeoutMs} ms)`,
    });
  }
  if (o.error !== undefined) {
    throw new GroupSourceQueryFailedError(req.source, {
      command: req.cmdline,
      upcall: req.upcall,
      stderr: o.stderr === '' ? `cannot run upcall in ${req.cwd}: ${o.error.message}` : o.stderr,
      cause: o.error,
    });
  }
  if (o.status !== 0) {
    throw new GroupSourceQueryFailedError(req.source, {
      command: req.cmdline,
      upcall: req.upcall,
      stderr: o.stderr,
      exitCode: o.status ?? undefined,
      signal: o.signal ?? undefined,
    });
  }
  return stdout;
}

/**
 * Runs an upcall and waits for it, blocking the thread.
 *
 * @param req - the upcall
 * @param options - timeout and environment
 * @returns its stripped standard output
 * @throws {GroupSourceQueryFailedError} when it fails, is killed or times out
 */
export function runUpcallSync(req: UpcallRequest, options: UpcallRunOptions): string {
  debug('%s %s upcall: sh -c %j (cwd %s)', req.source, req.upcall, req.cmdline, req.cwd);
  // `detached` (setsid) works with spawnSync although @types/node does not declare it there: the
  // shell leads a new process group, so that everything the command started can be killed.
  const spawnOptions: SpawnSyncOptions & { readonly detached: boolean } = {
    cwd: req.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: MAX_OUTPUT,
    windowsHide: true,
  };
  // One process, as ClusterShell's Popen(shell=True): `$0` is /bin/sh, so the shell's own
  // messages (`/bin/sh: 1: foo: not found`) are the same.
  const r = spawnSync('/bin/sh', ['-c', req.cmdline], spawnOptions);
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (r.error !== undefined && r.pid) {
    // spawnSync stopped waiting (timeout, output too large) and killed the shell only: kill
    // what it started too (it may hold the pipes, or run on).
    try {
      process.kill(-r.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  }
  return settle(req, options, {
    stdout: decode(r.stdout),
    stderr: decode(r.stderr),
    status: r.status,
    signal: r.signal,
    timedOut: code === 'ETIMEDOUT',
    error: code === 'ETIMEDOUT' ? undefined : r.error,
  });
}

/**
 * Runs an upcall without blocking. On timeout the command's whole process group is killed.
 *
 * @param req - the upcall
 * @param options - timeout and environment
 * @returns its stripped standard output
 * @throws {GroupSourceQueryFailedError} (as a rejection) when it fails, is killed or times out
 */
export function runUpcallAsync(req: UpcallRequest, options: UpcallRunOptions): Promise<string> {
  debug('%s %s upcall (async): sh -c %j (cwd %s)', req.source, req.upcall, req.cmdline, req.cwd);
  return new Promise<string>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let spawnError: Error | undefined;
    let finished = false;
    const child = spawn('/bin/sh', ['-c', req.cmdline], {
      cwd: req.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      windowsHide: true,
    });
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
      // A process that left the group may still hold the pipes: stop reading them.
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, options.timeoutMs);
    const finish = (status: number | null, signal: string | null): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      try {
        resolve(
          settle(req, options, {
            stdout: decode(Buffer.concat(stdout)),
            stderr: decode(Buffer.concat(stderr)),
            status,
            signal,
            timedOut,
            error: spawnError,
          }),
        );
      } catch (e) {
        reject(e);
      }
    };
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (e) => {
      spawnError = e;
      finish(null, null);
    });
    child.on('close', (status, signal) => finish(status, signal));
  });
}
