/**
 * Errors raised by `@cluster-task/msgtree`.
 *
 * Every class carries a stable `code` (Node style) so that {@link isMsgTreeError} keeps working
 * across duplicate copies of the package.
 *
 * @module
 */

/**
 * Stable codes of the errors of `@cluster-task/msgtree`.
 *
 * @category Errors
 * @example
 * ```ts
 * const code: MsgTreeErrorCode = 'ERR_MSGTREE_MODE';
 * ```
 */
export type MsgTreeErrorCode = 'ERR_MSGTREE' | 'ERR_MSGTREE_MODE' | 'ERR_MSGTREE_INVALID_ARG';

/**
 * Base class of every error thrown by `@cluster-task/msgtree`.
 *
 * @category Errors
 * @example
 * ```ts
 * try { tree.walkTrace(); } catch (e) { if (e instanceof MsgTreeError) console.log(e.code); }
 * ```
 */
export class MsgTreeError extends Error {
  override readonly name: string = 'MsgTreeError';
  /** Stable error code. */
  readonly code: MsgTreeErrorCode = 'ERR_MSGTREE';
}

/**
 * An operation needs another mode than the tree's: `walkTrace()` only works on a tree built in
 * `MsgTreeMode.TRACE` (ClusterShell fails an assertion there).
 *
 * @category Errors
 * @example
 * ```ts
 * try { new MsgTree().walkTrace(); } catch (e) { (e as MsgTreeModeError).required; } // 'trace'
 * ```
 */
export class MsgTreeModeError extends MsgTreeError {
  override readonly name = 'MsgTreeModeError';
  override readonly code = 'ERR_MSGTREE_MODE';
  /** The operation that was refused (`walkTrace`). */
  readonly operation: string;
  /** The mode the operation needs. */
  readonly required: string;
  /** The mode the tree is in. */
  readonly actual: string;

  /**
   * @param operation - the refused method
   * @param required - the mode it needs
   * @param actual - the tree's current mode
   */
  constructor(operation: string, required: string, actual: string) {
    super(`${operation}() is only callable in ${required} mode (the tree is in ${actual} mode)`);
    this.operation = operation;
    this.required = required;
    this.actual = actual;
  }
}

/**
 * A bad argument: an unknown mode given to the constructor, or a line that is neither a
 * `Uint8Array` nor a string.
 *
 * @category Errors
 * @example
 * ```ts
 * try { tree.add('n1', 42 as never); } catch (e) { (e as MsgTreeArgumentError).argument; } // 'line'
 * ```
 */
export class MsgTreeArgumentError extends MsgTreeError {
  override readonly name = 'MsgTreeArgumentError';
  override readonly code = 'ERR_MSGTREE_INVALID_ARG';
  /** The name of the bad argument (`mode`, `line`). */
  readonly argument: string;
  /** The value that was refused. */
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

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

const CODES: ReadonlySet<string> = new Set<MsgTreeErrorCode>([
  'ERR_MSGTREE',
  'ERR_MSGTREE_MODE',
  'ERR_MSGTREE_INVALID_ARG',
]);

/**
 * Tells whether `e` is an error of `@cluster-task/msgtree`, by its `code`, so that it works even
 * across two copies of the package.
 *
 * @param e - any thrown value
 * @returns true when `e` is a {@link MsgTreeError}
 * @category Errors
 * @example
 * ```ts
 * try { tree.walkTrace(); } catch (e) { if (isMsgTreeError(e)) console.error(e.code); }
 * ```
 */
export function isMsgTreeError(e: unknown): e is MsgTreeError {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as { code?: unknown }).code;
  return typeof code === 'string' && CODES.has(code);
}
