/**
 * Errors thrown by `@cluster-task/task`.
 *
 * Every class carries a stable `code` (Node style), so that {@link isTaskError} keeps working
 * across duplicate copies of the package.
 *
 * @module
 */

/**
 * Stable codes of the errors of `@cluster-task/task`.
 *
 * @category Errors
 * @example
 * ```ts
 * const code: TaskErrorCode = 'ERR_TASK_TIMEOUT';
 * ```
 */
export type TaskErrorCode =
  | 'ERR_TASK'
  | 'ERR_TASK_TIMEOUT'
  | 'ERR_TASK_ALREADY_RUNNING'
  | 'ERR_TASK_MSGTREE'
  | 'ERR_TASK_TERMINATED'
  | 'ERR_TASK_INVALID_ARG';

/**
 * Base class of the task errors (ClusterShell's `TaskError`), also thrown for a tree-mode
 * request without topology.
 *
 * @category Errors
 * @example
 * ```ts
 * try { await task.resume(1); } catch (e) { if (e instanceof TaskError) console.log(e.code); }
 * ```
 */
export class TaskError extends Error {
  override readonly name: string = 'TaskError';
  /** Stable error code. */
  readonly code: TaskErrorCode = 'ERR_TASK';
}

/**
 * The task ran longer than the timeout given to `resume()`/`run()` (ClusterShell's
 * `TimeoutError`); every command still running was aborted as timed out.
 *
 * @category Errors
 * @example
 * ```ts
 * task.shell('sleep 30');
 * await task.resume(1).catch((e) => e instanceof TaskTimeoutError); // true
 * ```
 */
export class TaskTimeoutError extends TaskError {
  override readonly name = 'TaskTimeoutError';
  override readonly code = 'ERR_TASK_TIMEOUT';
  /** The task timeout, in seconds. */
  readonly timeout: number;

  /**
   * @param timeout - the timeout that expired, in seconds
   * @param options - the engine error as `cause`
   */
  constructor(timeout: number, options?: ErrorOptions) {
    super(`task timed out after ${timeout} s`, options);
    this.timeout = timeout;
  }
}

/**
 * `resume()` was called on a running task (ClusterShell's `AlreadyRunningError`).
 *
 * @category Errors
 * @example
 * ```ts
 * const first = task.resume();
 * await task.resume().catch((e) => e.message); // 'task is already running'
 * ```
 */
export class TaskAlreadyRunningError extends TaskError {
  override readonly name = 'TaskAlreadyRunningError';
  override readonly code = 'ERR_TASK_ALREADY_RUNNING';

  /** Builds the error with its fixed message. */
  constructor() {
    super('task is already running');
  }
}

/**
 * A result getter needs a MsgTree that the task's defaults disabled (ClusterShell's
 * `TaskMsgTreeError`, "stdout_msgtree not set").
 *
 * @category Errors
 * @example
 * ```ts
 * task.setDefault('stdout_msgtree', false);
 * try { task.iterBuffers(); } catch (e) { (e as TaskMsgTreeError).sname; } // 'stdout'
 * ```
 */
export class TaskMsgTreeError extends TaskError {
  override readonly name = 'TaskMsgTreeError';
  override readonly code = 'ERR_TASK_MSGTREE';
  /** The stream whose MsgTree is disabled. */
  readonly sname: string;

  /**
   * @param sname - the stream name
   */
  constructor(sname: string) {
    super(`${sname}_msgtree not set`);
    this.sname = sname;
  }
}

/**
 * The task was terminated (`abort(true)`, `taskTerminate()`, `taskCleanup()`) and cannot run
 * again; `taskSelf()` gives a new one.
 *
 * @category Errors
 * @example
 * ```ts
 * task.abort(true);
 * await task.resume().catch((e) => e.code); // 'ERR_TASK_TERMINATED'
 * ```
 */
export class TaskTerminatedError extends TaskError {
  override readonly name = 'TaskTerminatedError';
  override readonly code = 'ERR_TASK_TERMINATED';

  /** Builds the error with its fixed message. */
  constructor() {
    super('task was terminated (abort with kill); use taskSelf() for a new one');
  }
}

/**
 * A bad argument: a string given where a list of keys is expected (ClusterShell raises
 * `TypeError`), a local copy, a key with nodes.
 *
 * @category Errors
 * @example
 * ```ts
 * try { [...task.iterBuffers('n1' as never)]; } catch (e) { (e as TaskArgumentError).message; }
 * ```
 */
export class TaskArgumentError extends TaskError {
  override readonly name = 'TaskArgumentError';
  override readonly code = 'ERR_TASK_INVALID_ARG';
}

const CODES: ReadonlySet<string> = new Set<TaskErrorCode>([
  'ERR_TASK',
  'ERR_TASK_TIMEOUT',
  'ERR_TASK_ALREADY_RUNNING',
  'ERR_TASK_MSGTREE',
  'ERR_TASK_TERMINATED',
  'ERR_TASK_INVALID_ARG',
]);

/**
 * Tells whether `e` is an error of `@cluster-task/task`, by its `code`.
 *
 * @param e - any thrown value
 * @returns true when `e` is a {@link TaskError}
 * @category Errors
 * @example
 * ```ts
 * try { await task.resume(5); } catch (e) { if (isTaskError(e)) console.error(e.code); }
 * ```
 */
export function isTaskError(e: unknown): e is TaskError {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as { code?: unknown }).code;
  return typeof code === 'string' && CODES.has(code);
}
