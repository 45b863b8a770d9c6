/**
 * Errors raised by `@cluster-task/nodeset`.
 *
 * Every class carries a stable `code` (Node style) so that the type guards keep working across
 * duplicate copies of the package, and the structured context of the failure (the input, the part
 * that failed and its position).
 *
 * @module
 */

/** Stable codes of the errors of `@cluster-task/nodeset`. */
export type NodeSetErrorCode =
  | 'ERR_NODESET'
  | 'ERR_NODESET_PARSE'
  | 'ERR_NODESET_PARSE_RANGE'
  | 'ERR_NODESET_EXTERNAL'
  | 'ERR_NODESET_KEY'
  | 'ERR_NODESET_INDEX'
  | 'ERR_NODESET_VALUE'
  | 'ERR_RANGESET'
  | 'ERR_RANGESET_PARSE';

/**
 * Base class of every error thrown by `@cluster-task/nodeset`.
 *
 * @category Errors
 * @example
 * ```ts
 * try { new NodeSet('n[1-3'); } catch (e) { if (e instanceof NodeSetError) console.log(e.code); }
 * ```
 */
export class NodeSetError extends Error {
  override readonly name: string = 'NodeSetError';
  /** Stable error code. */
  readonly code: NodeSetErrorCode = 'ERR_NODESET';
}

/** Context of a parse error. */
export interface ParseErrorContext {
  /** The whole input that was being parsed. */
  readonly input: string;
  /** The part of the input that failed (ClusterShell shows it between quotes), if any. */
  readonly part?: string | undefined;
  /** 0-based position of `part` (or of the failure) in `input`, when known. */
  readonly position?: number | undefined;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * A RangeSet error that is not a parse error (for example a bad argument).
 *
 * @category Errors
 * @example
 * ```ts
 * isNodeSetError(new RangeSetError('bad')); // true
 * ```
 */
export class RangeSetError extends NodeSetError {
  override readonly name: string = 'RangeSetError';
  override readonly code: NodeSetErrorCode = 'ERR_RANGESET';
}

/**
 * A range set string could not be parsed. Its message has ClusterShell's form
 * `<reason> : "<part>"` (note the space before the colon).
 *
 * @category Errors
 * @example
 * ```ts
 * try { new RangeSet('3-1'); } catch (e) { (e as RangeSetParseError).part; } // '3-1'
 * ```
 */
export class RangeSetParseError extends RangeSetError {
  override readonly name = 'RangeSetParseError';
  override readonly code = 'ERR_RANGESET_PARSE';
  /** The reason alone, without the part (`invalid values in range`). */
  readonly reason: string;
  /** The input being parsed. */
  readonly input: string;
  /** The failing part of the input. */
  readonly part: string | undefined;
  /** 0-based position of the failing part in `input`, when known. */
  readonly position: number | undefined;

  /**
   * @param reason - what is wrong, in ClusterShell's words
   * @param context - the input, the failing part and its position
   */
  constructor(reason: string, context: ParseErrorContext) {
    super(
      context.part === undefined ? reason : `${reason} : "${context.part}"`,
      context.cause === undefined ? undefined : { cause: context.cause },
    );
    this.reason = reason;
    this.input = context.input;
    this.part = context.part;
    this.position = context.position;
  }
}

/**
 * A node set string could not be parsed. Its message has ClusterShell's form
 * `<reason>: "<part>"`, or the reason alone when no part is shown.
 *
 * @category Errors
 * @example
 * ```ts
 * try { new NodeSet('node[1-3'); } catch (e) { console.log((e as Error).message); }
 * // missing bracket: "node[1-3"
 * ```
 */
export class NodeSetParseError extends NodeSetError {
  override readonly name: string = 'NodeSetParseError';
  override readonly code: NodeSetErrorCode = 'ERR_NODESET_PARSE';
  /** The reason alone, without the part (`missing bracket`). */
  readonly reason: string;
  /** The input being parsed. */
  readonly input: string;
  /** The failing part of the input, if ClusterShell shows one. */
  readonly part: string | undefined;
  /** 0-based position of the failure in `input`, when known. */
  readonly position: number | undefined;

  /**
   * @param reason - what is wrong, in ClusterShell's words
   * @param context - the input, the failing part and its position
   */
  constructor(reason: string, context: ParseErrorContext) {
    super(
      context.part === undefined ? reason : `${reason}: "${context.part}"`,
      context.cause === undefined ? undefined : { cause: context.cause },
    );
    this.reason = reason;
    this.input = context.input;
    this.part = context.part;
    this.position = context.position;
  }
}

/**
 * A bad range inside a node set (`node[3-1]`). Its message is
 * `bad range: "<RangeSetParseError message>"`, and its `cause` is the RangeSetParseError.
 *
 * @category Errors
 * @example
 * ```ts
 * try { new NodeSet('n[a]'); } catch (e) { (e as NodeSetParseRangeError).cause; }
 * ```
 */
export class NodeSetParseRangeError extends NodeSetParseError {
  override readonly name = 'NodeSetParseRangeError';
  override readonly code = 'ERR_NODESET_PARSE_RANGE';
}

/**
 * A group resolver (an external source) failed to answer, or cannot answer at all
 * (`Not enough working methods (all or map + list) to get all nodes`).
 *
 * @category Errors
 * @example
 * ```ts
 * try { NodeSet.fromAll(); } catch (e) { isNodeSetError(e) && e.code === 'ERR_NODESET_EXTERNAL'; }
 * ```
 */
export class NodeSetExternalError extends NodeSetError {
  override readonly name = 'NodeSetExternalError';
  override readonly code = 'ERR_NODESET_EXTERNAL';
}

/**
 * A strict removal named an element that is not in the set (Python's `KeyError`).
 * `key` is the missing element.
 *
 * @category Errors
 * @example
 * ```ts
 * try { new NodeSet('n[1-5]').remove('n9'); } catch (e) { (e as NodeSetKeyError).key; } // 'n9'
 * ```
 */
export class NodeSetKeyError extends NodeSetError {
  override readonly name = 'NodeSetKeyError';
  override readonly code = 'ERR_NODESET_KEY';
  /** The missing element. */
  readonly key: string;

  /**
   * @param key - the missing element
   */
  constructor(key: string) {
    super(`'${key}'`);
    this.key = key;
  }
}

/**
 * An index out of range (Python's `IndexError`).
 *
 * @category Errors
 * @example
 * ```ts
 * try { new RangeSet('1-3').get(7); } catch (e) { isNodeSetError(e); }
 * ```
 */
export class NodeSetIndexError extends NodeSetError {
  override readonly name = 'NodeSetIndexError';
  override readonly code = 'ERR_NODESET_INDEX';
}

/**
 * A bad argument value (Python's `ValueError`), such as a split into 0 parts.
 *
 * @category Errors
 * @example
 * ```ts
 * try { new NodeSet('n[1-3]').split(0); } catch (e) { isNodeSetError(e); }
 * ```
 */
export class NodeSetValueError extends NodeSetError {
  override readonly name = 'NodeSetValueError';
  override readonly code = 'ERR_NODESET_VALUE';
}

const CODES: ReadonlySet<string> = new Set<NodeSetErrorCode>([
  'ERR_NODESET',
  'ERR_NODESET_PARSE',
  'ERR_NODESET_PARSE_RANGE',
  'ERR_NODESET_EXTERNAL',
  'ERR_NODESET_KEY',
  'ERR_NODESET_INDEX',
  'ERR_NODESET_VALUE',
  'ERR_RANGESET',
  'ERR_RANGESET_PARSE',
]);

/**
 * Tells whether `e` is an error of `@cluster-task/nodeset`, by its `code`, so that it works even
 * across two copies of the package.
 *
 * @param e - any thrown value
 * @returns true when `e` is a {@link NodeSetError}
 * @category Errors
 * @example
 * ```ts
 * try { new NodeSet('n['); } catch (e) { if (isNodeSetError(e)) console.error(e.message); }
 * ```
 */
export function isNodeSetError(e: unknown): e is NodeSetError {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as Error & { code?: unknown }).code;
  return typeof code === 'string' && CODES.has(code);
}

/**
 * Tells whether `e` is a node set or range set parse error, by its `code`.
 *
 * @param e - any thrown value
 * @returns true when `e` is a {@link NodeSetParseError} or a {@link RangeSetParseError}
 * @category Errors
 * @example
 * ```ts
 * try { new NodeSet('n[3-1]'); } catch (e) { isParseError(e); } // true
 * ```
 */
export function isParseError(e: unknown): e is NodeSetParseError | RangeSetParseError {
  if (!isNodeSetError(e)) return false;
  return (
    e.code === 'ERR_NODESET_PARSE' ||
    e.code === 'ERR_NODESET_PARSE_RANGE' ||
    e.code === 'ERR_RANGESET_PARSE'
  );
}
