/**
 * Errors thrown by `@cluster-task/engine` (and by the workers built on its base classes).
 *
 * Every class carries a stable `code` (Node style), so that {@link isEngineError} and
 * {@link isWorkerError} keep working across duplicate copies of the package.
 *
 * @module
 */

/**
 * Stable codes of the errors of `@cluster-task/engine`.
 *
 * @category Errors
 * @example
 * ```ts
 * const code: EngineErrorCode = 'ERR_ENGINE_TIMEOUT';
 * ```
 */
export type EngineErrorCode =
  | 'ERR_ENGINE'
  | 'ERR_ENGINE_TIMEOUT'
  | 'ERR_ENGINE_ABORTED'
  | 'ERR_ENGINE_ILLEGAL_OPERATION'
  | 'ERR_ENGINE_ALREADY_RUNNING'
  | 'ERR_ENGINE_CLIENT'
  | 'ERR_ENGINE_CLIENT_NOT_SUPPORTED'
  | 'ERR_ENGINE_INVALID_ARG';

/**
 * Stable codes of the worker errors ({@link WorkerError} and the subclasses that worker
 * packages define).
 *
 * @category Errors
 * @example
 * ```ts
 * const code: WorkerErrorCode = 'ERR_WORKER';
 * ```
 */
export type WorkerErrorCode =
  | 'ERR_WORKER'
  | 'ERR_WORKER_INVALID_ARG'
  | 'ERR_WORKER_PATTERN'
  | 'ERR_WORKER_UNKNOWN'
  | (string & { readonly __workerCode?: never });

/**
 * Base class of every error thrown by the engine (ClusterShell's `EngineException`).
 *
 * @category Errors
 * @example
 * ```ts
 * try { await engine.run({ timeout: 1 }); } catch (e) { if (e instanceof EngineError) console.log(e.code); }
 * ```
 */
export class EngineError extends Error {
  override readonly name: string = 'EngineError';
  /** Stable error code. */
  readonly code: EngineErrorCode = 'ERR_ENGINE';
}

/**
 * The whole run took longer than the `timeout` given to `Engine.run()` (ClusterShell's
 * `EngineTimeoutException`). Every client still running was aborted as timed out first.
 *
 * @category Errors
 * @example
 * ```ts
 * try { await engine.run({ timeout: 5 }); } catch (e) { if (e instanceof EngineTimeoutError) console.log(e.timeout); }
 * ```
 */
export class EngineTimeoutError extends EngineError {
  override readonly name = 'EngineTimeoutError';
  override readonly code = 'ERR_ENGINE_TIMEOUT';
  /** The run timeout, in seconds. */
  readonly timeout: number;

  /**
   * @param timeout - the run timeout that expired, in seconds
   */
  constructor(timeout: number) {
    super(`engine run timed out after ${timeout} s`);
    this.timeout = timeout;
  }
}

/**
 * The run was cancelled through the `AbortSignal` given to `Engine.run()`; `cause` holds the
 * signal's reason. (An explicit `Engine.abort()` ends a run normally, as in ClusterShell.)
 *
 * @category Errors
 * @example
 * ```ts
 * const ac = new AbortController();
 * setTimeout(() => ac.abort(), 100);
 * await engine.run({ signal: ac.signal }).catch((e) => e.code); // 'ERR_ENGINE_ABORTED'
 * ```
 */
export class EngineAbortError extends EngineError {
  override readonly name = 'EngineAbortError';
  override readonly code = 'ERR_ENGINE_ABORTED';

  /**
   * @param reason - the abort reason of the signal, kept as `cause`
   */
  constructor(reason: unknown) {
    super('engine run aborted', { cause: reason });
  }
}

/**
 * An operation that is not allowed in the current state: rescheduling an invalidated timer,
 * binding a timer twice, sending on a removed port (ClusterShell's
 * `EngineIllegalOperationError`).
 *
 * @category Errors
 * @example
 * ```ts
 * timer.invalidate();
 * try { timer.setNextFire(1); } catch (e) { (e as EngineIllegalOperationError).message; } // 'Operation on invalid timer.'
 * ```
 */
export class EngineIllegalOperationError extends EngineError {
  override readonly name: string = 'EngineIllegalOperationError';
  override readonly code: EngineErrorCode = 'ERR_ENGINE_ILLEGAL_OPERATION';
}

/**
 * `Engine.run()` was called while the engine is already running (ClusterShell's
 * `EngineAlreadyRunningError`).
 *
 * @category Errors
 * @example
 * ```ts
 * const first = engine.run();
 * await engine.run().catch((e) => e.code); // 'ERR_ENGINE_ALREADY_RUNNING'
 * ```
 */
export class EngineAlreadyRunningError extends EngineIllegalOperationError {
  override readonly name = 'EngineAlreadyRunningError';
  override readonly code = 'ERR_ENGINE_ALREADY_RUNNING';

  /** Builds the error with its fixed message. */
  constructor() {
    super('engine is already running');
  }
}

/**
 * An engine client failed (ClusterShell's `EngineClientError`), for example a process that could
 * not be spawned.
 *
 * @category Errors
 * @example
 * ```ts
 * throw new EngineClientError('cannot spawn /bin/sh', { cause: err });
 * ```
 */
export class EngineClientError extends EngineError {
  override readonly name: string = 'EngineClientError';
  override readonly code: EngineErrorCode = 'ERR_ENGINE_CLIENT';
}

/**
 * The client does not support this operation, such as writing to a worker that has no writable
 * stream (ClusterShell's `EngineClientNotSupportedError`).
 *
 * @category Errors
 * @example
 * ```ts
 * try { worker.write('data'); } catch (e) { if (e instanceof EngineClientNotSupportedError) console.log(e.operation); }
 * ```
 */
export class EngineClientNotSupportedError extends EngineClientError {
  override readonly name = 'EngineClientNotSupportedError';
  override readonly code = 'ERR_ENGINE_CLIENT_NOT_SUPPORTED';
  /** The refused operation. */
  readonly operation: string;

  /**
   * @param operation - the refused operation (`write`, `setWriteEof`, …)
   */
  constructor(operation: string) {
    super(`operation not supported by this engine client: ${operation}`);
    this.operation = operation;
  }
}

/**
 * A bad argument given to the engine: a negative timer delay, a fanout that is not a positive
 * integer, a port queue limit below 1.
 *
 * @category Errors
 * @example
 * ```ts
 * try { new EngineTimer(-1, undefined, { onTimer() {} }); } catch (e) { (e as EngineArgumentError).argument; } // 'fireDelay'
 * ```
 */
export class EngineArgumentError extends EngineError {
  override readonly name = 'EngineArgumentError';
  override readonly code = 'ERR_ENGINE_INVALID_ARG';
  /** The name of the bad argument. */
  readonly argument: string;
  /** The refused value. */
  readonly value: unknown;

  /**
   * @param argument - the name of the bad argument
   * @param value - the refused value
   * @param expected - what was expected, in words
   */
  constructor(argument: string, value: unknown, expected: string) {
    super(`invalid ${argument}: expected ${expected}, got ${describe(value)}`);
    this.argument = argument;
    this.value = value;
  }
}

/**
 * Base class of worker errors (ClusterShell's `WorkerError`): scheduling a worker twice, reading
 * results of a worker that is not bound to a task, adding a stream to a running worker. Worker
 * packages subclass it with their own codes.
 *
 * @category Errors
 * @example
 * ```ts
 * try { task.schedule(worker); task.schedule(worker); } catch (e) { (e as WorkerError).message; } // 'worker has already been scheduled'
 * ```
 */
export class WorkerError extends Error {
  override readonly name: string = 'WorkerError';
  /** Stable error code. */
  readonly code: WorkerErrorCode = 'ERR_WORKER';
}

/**
 * A bad argument given to a worker constructor or method (ClusterShell raises `ValueError`,
 * formerly `WorkerBadArgumentError`): a missing command, a reverse copy to a file.
 *
 * @category Errors
 * @example
 * ```ts
 * try { new ExecWorker({ nodes: 'n1' }); } catch (e) { (e as WorkerArgumentError).message; } // 'missing command or source parameter in worker constructor'
 * ```
 */
export class WorkerArgumentError extends WorkerError {
  override readonly name = 'WorkerArgumentError';
  override readonly code = 'ERR_WORKER_INVALID_ARG';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

const ENGINE_CODES: ReadonlySet<string> = new Set<EngineErrorCode>([
  'ERR_ENGINE',
  'ERR_ENGINE_TIMEOUT',
  'ERR_ENGINE_ABORTED',
  'ERR_ENGINE_ILLEGAL_OPERATION',
  'ERR_ENGINE_ALREADY_RUNNING',
  'ERR_ENGINE_CLIENT',
  'ERR_ENGINE_CLIENT_NOT_SUPPORTED',
  'ERR_ENGINE_INVALID_ARG',
]);

/**
 * Tells whether `e` is an error of the engine, by its `code`, so that it works across two copies
 * of the package.
 *
 * @param e - any thrown value
 * @returns true when `e` is an {@link EngineError}
 * @category Errors
 * @example
 * ```ts
 * try { await engine.run({ timeout: 1 }); } catch (e) { if (isEngineError(e)) console.error(e.code); }
 * ```
 */
export function isEngineError(e: unknown): e is EngineError {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as { code?: unknown }).code;
  return typeof code === 'string' && ENGINE_CODES.has(code);
}

/**
 * Tells whether `e` is a worker error (any code starting with `ERR_WORKER`), by its `code`, so
 * that it works across two copies of the package and for the subclasses of worker packages.
 *
 * @param e - any thrown value
 * @returns true when `e` is a {@link WorkerError}
 * @category Errors
 * @example
 * ```ts
 * try { task.shell('echo 100%', { nodes: 'n1' }); } catch (e) { if (isWorkerError(e)) console.error(e.message); }
 * ```
 */
export function isWorkerError(e: unknown): e is WorkerError {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_WORKER');
}
