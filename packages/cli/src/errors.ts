/**
 * Errors of `@cluster-task/cli`. The tools never let them escape: `nodesetMain()` turns every
 * error into ClusterShell's message and exit status (see `internal/errors-map.ts`). They are
 * exported for code that drives the CLI pieces directly, and for tests.
 *
 * @module
 */

/** Stable codes of the errors of `@cluster-task/cli`. */
export type CliErrorCode =
  | 'ERR_CLI'
  | 'ERR_CLI_USAGE'
  | 'ERR_CLI_PYTHON'
  | 'ERR_CLI_SEPARATOR'
  | 'ERR_CLI_OUTPUT';

/**
 * Base class of the errors of `@cluster-task/cli`.
 *
 * @category Errors
 * @example
 * ```ts
 * const e = new CliUsageError('No command specified.');
 * e instanceof CliError; // true
 * ```
 */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  /** Stable error code. */
  readonly code: CliErrorCode = 'ERR_CLI';
}

/**
 * A command-line usage error (optparse's `parser.error()`): the tool prints its usage line and
 * `<prog>: error: <message>` on stderr and exits with status 2.
 *
 * @category Errors
 * @example
 * ```ts
 * throw new CliUsageError('Multiple commands not allowed.');
 * ```
 */
export class CliUsageError extends CliError {
  override readonly name = 'CliUsageError';
  override readonly code = 'ERR_CLI_USAGE';
}

/** The Python exception classes that ClusterShell's CLI code can raise and report. */
export type PythonErrorKind =
  | 'TypeError'
  | 'ValueError'
  | 'IndexError'
  | 'OverflowError'
  | 'AttributeError';

/**
 * An error that ClusterShell's Python code raises as a built-in exception (a bad `-O` format, a
 * bad `--pick` value, a missing operand after `-x`...). ClusterShell prints `ERROR: <message>`
 * for ValueError and IndexError, and `<prog>: <message>` for TypeError; exit status 1.
 *
 * @category Errors
 * @example
 * ```ts
 * throw new CliPythonError('ValueError', 'incomplete format');
 * ```
 */
export class CliPythonError extends CliError {
  override readonly name = 'CliPythonError';
  override readonly code = 'ERR_CLI_PYTHON';
  /** The Python exception class ClusterShell would raise. */
  readonly kind: PythonErrorKind;

  /**
   * @param kind - the Python exception class
   * @param message - Python's message
   */
  constructor(kind: PythonErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * The `-S/--separator` value cannot be read as a Python string literal body
 * (`ERROR: invalid separator`, exit status 1).
 *
 * @category Errors
 * @example
 * ```ts
 * throw new CliSeparatorError('\\x4');
 * ```
 */
export class CliSeparatorError extends CliError {
  override readonly name = 'CliSeparatorError';
  override readonly code = 'ERR_CLI_SEPARATOR';
  /** The separator as given on the command line. */
  readonly separator: string;

  /**
   * @param separator - the separator as given
   * @param options - the underlying error
   */
  constructor(separator: string, options?: { cause?: unknown }) {
    super('invalid separator', options);
    this.separator = separator;
  }
}

/**
 * Writing to stdout failed. A broken pipe (`EPIPE`) ends the tool silently with status 1; other
 * failures print `ERROR: [Errno N] <text>` as Python does.
 *
 * @category Errors
 * @example
 * ```ts
 * new CliOutputError('EPIPE').errno; // 'EPIPE'
 * ```
 */
export class CliOutputError extends CliError {
  override readonly name = 'CliOutputError';
  override readonly code = 'ERR_CLI_OUTPUT';
  /** The system error code (`EPIPE`, `ENOSPC`, ...). */
  readonly errno: string;

  /**
   * @param errno - the system error code
   * @param options - the underlying error
   */
  constructor(errno: string, options?: { cause?: unknown }) {
    super(errno, options);
    this.errno = errno;
  }
}

const CODES: ReadonlySet<string> = new Set<CliErrorCode>([
  'ERR_CLI',
  'ERR_CLI_USAGE',
  'ERR_CLI_PYTHON',
  'ERR_CLI_SEPARATOR',
  'ERR_CLI_OUTPUT',
]);

/**
 * Tells whether `e` is an error of `@cluster-task/cli`, by its `code`.
 *
 * @param e - any thrown value
 * @returns true when `e` is a {@link CliError}
 * @category Errors
 * @example
 * ```ts
 * isCliError(new CliUsageError('x')); // true
 * ```
 */
export function isCliError(e: unknown): e is CliError {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as { code?: unknown }).code;
  return typeof code === 'string' && CODES.has(code);
}
