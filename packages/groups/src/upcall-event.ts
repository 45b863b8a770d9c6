/**
 * What an upcall did, as reported to {@link GroupsLoadOptions.onUpcall}.
 *
 * @module
 */

import type { UpcallName } from './errors.js';

/**
 * One finished upcall: its command, where it ran, what it printed and how it ended. Reported
 * once its process has ended (or could not start), before the resolver uses or rejects its
 * output; `nodeset -d` prints ClusterShell's `EXEC`/`READ`/`ERROR` debug lines from it, and the
 * CLI shows `stderr` as ClusterShell does (upcalls inherit its standard error).
 *
 * @category Groups
 * @example
 * ```ts
 * const resolver = loadGroupResolver({
 *   onUpcall: (e) => console.error(`${e.source} ${e.upcall}: ${e.command} -> ${e.exitCode}`),
 * });
 * ```
 */
export interface UpcallEvent {
  /** The group source name. */
  readonly source: string;
  /** Which upcall this was. */
  readonly upcall: UpcallName;
  /** The command line, after `$VAR` substitution. */
  readonly command: string;
  /** The working directory it ran in (the source's config directory). */
  readonly cwd: string;
  /** Its standard output, stripped of surrounding white space (what the resolver reads). */
  readonly stdout: string;
  /** What it wrote on its standard error. */
  readonly stderr: string;
  /** Its exit status, or undefined when a signal ended it or it could not start. */
  readonly exitCode: number | undefined;
  /** The signal that ended it (`SIGKILL` after a timeout), if any. */
  readonly signal: string | undefined;
  /** Whether it was killed for running past the upcall timeout. */
  readonly timedOut: boolean;
  /** Why it could not start, if it could not. */
  readonly error: Error | undefined;
}
