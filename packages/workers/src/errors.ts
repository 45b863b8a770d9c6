/**
 * Errors thrown by `@cluster-task/workers`. They extend the engine's `WorkerError`, so
 * `isWorkerError()` of `@cluster-task/engine` recognizes them too.
 *
 * @module
 */
import { WorkerError } from '@cluster-task/engine';

/**
 * A command, source or destination holds a bad `%` placeholder (ClusterShell's `WorkerError`
 * "… is not a valid pattern, use '%%' to escape '%'"). Known placeholders are `%h`, `%host`,
 * `%n`, `%rank`, `%hosts` (also braced, `%{h}`), and `%%` for a literal `%`.
 *
 * @category Errors
 * @example
 * ```ts
 * try { new ExecWorker({ nodes: 'n1', command: 'echo 100%' }); }
 * catch (e) { (e as WorkerPatternError).message; }
 * // "Invalid placeholder in string: line 1, col 9 is not a valid pattern, use '%%' to escape '%'"
 * ```
 */
export class WorkerPatternError extends WorkerError {
  override readonly name = 'WorkerPatternError';
  override readonly code = 'ERR_WORKER_PATTERN';
  /** The pattern that was refused. */
  readonly pattern: string;
  /** The unknown placeholder name, when that is the fault (`u` for `%u`). */
  readonly placeholder: string | undefined;

  /**
   * @param message - ClusterShell's message
   * @param pattern - the refused pattern
   * @param placeholder - the unknown name, if any
   */
  constructor(message: string, pattern: string, placeholder?: string) {
    super(message);
    this.pattern = pattern;
    this.placeholder = placeholder;
  }
}

/**
 * No worker is registered under that name (`distant_workername`, `local_workername`).
 *
 * @category Errors
 * @example
 * ```ts
 * try { getWorkerClass('rsh'); } catch (e) { (e as UnknownWorkerError).workerName; } // 'rsh'
 * ```
 */
export class UnknownWorkerError extends WorkerError {
  override readonly name = 'UnknownWorkerError';
  override readonly code = 'ERR_WORKER_UNKNOWN';
  /** The name that was asked. */
  readonly workerName: string;

  /**
   * @param workerName - the unknown name
   * @param known - the registered names
   */
  constructor(workerName: string, known: readonly string[]) {
    super(`unknown worker '${workerName}' (registered: ${known.join(', ')})`);
    this.workerName = workerName;
  }
}
