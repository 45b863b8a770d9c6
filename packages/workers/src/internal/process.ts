/**
 * Local processes for the exec and popen workers: spawned through `/bin/sh` (as ClusterShell's
 * `shell=True`), with stderr either on its own pipe or merged into stdout at the descriptor level
 * (so their lines keep their order), and exit statuses mapped to ClusterShell's return codes.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';

/**
 * What a process client runs: a command line for `/bin/sh -c`, or an argument vector (run
 * without a shell), with extra environment variables.
 *
 * @category Workers
 * @example
 * ```ts
 * const line: CommandSpec = { shell: 'uname -r' };
 * const argv: CommandSpec = { argv: ['cp', '-p', '/etc/hosts', '/tmp/hosts'], env: { LC_ALL: 'C' } };
 * ```
 */
export type CommandSpec =
  | { readonly shell: string; readonly env?: Readonly<Record<string, string>> | undefined }
  | {
      readonly argv: readonly string[];
      readonly env?: Readonly<Record<string, string>> | undefined;
    };

/** How a process ended: its return code, and whether a signal killed it. */
export interface ExitStatus {
  /** Exit status, or 128 + signal number. */
  readonly rc: number;
  /** True when a signal ended the process. */
  readonly signaled: boolean;
}

/** A started local process, as the clients use it. */
export interface LocalProcess {
  readonly pid: number | undefined;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable | undefined;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  /** True once the process has exited. */
  readonly done: () => boolean;
  /** Sends SIGKILL if still running. */
  kill(): void;
  /** Listens for a spawn failure (ENOENT, EAGAIN…). */
  onError(listener: (err: Error) => void): void;
}

/** The shell used for command lines (ClusterShell: `/bin/sh`). */
export const SHELL = '/bin/sh';

/**
 * Spawns a command.
 *
 * @param spec - the command
 * @param separateStderr - true for a stderr pipe of its own, false to merge it into stdout
 * @returns the process
 */
export function launch(spec: CommandSpec, separateStderr: boolean): LocalProcess {
  let args: string[];
  if ('shell' in spec) {
    args = ['-c', separateStderr ? spec.shell : `exec 2>&1; ${spec.shell}`];
  } else if (separateStderr) {
    const [file, ...rest] = spec.argv;
    args = ['-c', 'exec "$0" "$@"', file ?? 'true', ...rest];
  } else {
    const [file, ...rest] = spec.argv;
    args = ['-c', 'exec 2>&1; exec "$0" "$@"', file ?? 'true', ...rest];
  }
  const env = spec.env === undefined ? undefined : { ...process.env, ...spec.env };
  const child: ChildProcess = spawn(SHELL, args, {
    stdio: ['pipe', 'pipe', separateStderr ? 'pipe' : 'ignore'],
    ...(env === undefined ? {} : { env }),
  });
  let status: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      status =
        code === null
          ? { rc: 128 + signalNumber(signal), signaled: true }
          : { rc: code, signaled: false };
      resolve(status);
    });
    child.once('error', () => {
      if (status === undefined && child.pid === undefined) {
        status = { rc: 127, signaled: false };
        resolve(status);
      }
    });
  });
  return {
    pid: child.pid,
    stdin: child.stdin as Writable,
    stdout: child.stdout as Readable,
    stderr: separateStderr ? (child.stderr as Readable) : undefined,
    exited,
    done: () => status !== undefined,
    kill: () => {
      if (status === undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    },
    onError: (listener) => {
      child.once('error', listener);
    },
  };
}

/**
 * The number of a signal name (`SIGTERM` → 15), 0 when unknown.
 *
 * @param signal - the name
 * @returns its number
 */
export function signalNumber(signal: NodeJS.Signals | null): number {
  if (signal === null) return 0;
  return (constants.signals as Record<string, number | undefined>)[signal] ?? 0;
}
