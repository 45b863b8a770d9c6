/**
 * The one place where errors become messages and exit statuses, following ClusterShell's
 * `nodeset` (`CLI/Nodeset.py` `main()` and `CLI/Error.py` `handle_generic_error()`).
 * Errors of the other packages are recognised by their `code`, so that duplicate package copies
 * still map correctly.
 *
 * | error (code)                                   | stderr                                           | exit |
 * |------------------------------------------------|--------------------------------------------------|------|
 * | usage (`ERR_CLI_USAGE`)                        | usage line, empty line, `<prog>: error: <msg>`   | 2    |
 * | parse (`ERR_NODESET_PARSE*`, `ERR_RANGESET_PARSE`) | `<prog>: Parse error: <msg>`                 | 1    |
 * | `ERR_NODESET_EXTERNAL`                         | `<prog>: External error: <msg>`                  | 1    |
 * | `ERR_GROUPS_UNKNOWN_SOURCE`                    | `<prog>: Unknown group source: "<msg>"`          | 1    |
 * | `ERR_GROUPS_ILLEGAL_CHAR`                      | `<prog>: Illegal group character: "<msg>"`       | 1    |
 * | `ERR_GROUPS_CONFIG`                            | `<prog>: Group resolver error: <msg>`            | 1    |
 * | `ERR_GROUPS_CONFIG_PARSER` (configparser's)    | `<prog>: <msg>`                                  | 1    |
 * | `ERR_GROUPS_CONFIG_VALUE` (Python ValueError)  | `ERROR: <msg>`                                   | 1    |
 * | `ERR_GROUPS_NO_UPCALL`                         | `<prog>: No <upcall> upcall defined for group source "<src>"` | 1 |
 * | `ERR_GROUPS_QUERY_FAILED`, `ERR_GROUPS_SOURCE` | `<prog>: Group error: <msg>` (the upcall's stderr was shown as it ran) | 1 |
 * | ValueError, IndexError (`ERR_CLI_PYTHON`, `ERR_NODESET_VALUE`, `ERR_NODESET_INDEX`) | `ERROR: <msg>` | 1 |
 * | TypeError (`ERR_CLI_PYTHON`)                   | `<prog>: <msg>`                                  | 1    |
 * | `ERR_CLI_SEPARATOR`                            | `ERROR: invalid separator`                       | 1    |
 * | `ERR_CLI_OUTPUT` EPIPE                         | nothing                                          | 1    |
 * | `ERR_CLI_OUTPUT` other                         | `ERROR: [Errno <n>] <text>`                      | 1    |
 * | anything else (a bug)                          | `<prog>: <name>: <msg>`                          | 1    |
 *
 * @module
 */

import { constants } from 'node:os';

/** Exit statuses of the tools. */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** Any runtime error (ClusterShell's generic failure). */
  FAILURE: 1,
  /** A command-line usage error (optparse). */
  USAGE: 2,
} as const;

/** What to print on stderr and which status to exit with. */
export interface ErrorReport {
  /** Text for stderr (may be empty). */
  readonly stderr: string;
  /** Exit status. */
  readonly exitCode: number;
}

/** Context needed to word a report. */
export interface ErrorContext {
  /** Program name (`nodeset` or `cluset`). */
  readonly prog: string;
  /** The usage text printed before a usage error (`Usage: ...\n\n`). */
  readonly usage: string;
}

/** Python's `strerror()` texts for the errors a write to stdout may meet. */
const STRERROR: Readonly<Record<string, string>> = {
  EIO: 'Input/output error',
  ENOSPC: 'No space left on device',
  EBADF: 'Bad file descriptor',
  EFBIG: 'File too large',
  EDQUOT: 'Disk quota exceeded',
  EAGAIN: 'Resource temporarily unavailable',
  EINVAL: 'Invalid argument',
  EACCES: 'Permission denied',
  EROFS: 'Read-only file system',
  ECONNRESET: 'Connection reset by peer',
};

interface Coded {
  readonly code: string;
  readonly message: string;
  readonly name: string;
}

function asCoded(e: unknown): Coded | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? (e as Error & { code: string }) : undefined;
}

function field(e: unknown, name: string): string {
  const v = (e as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}

function line(text: string): string {
  return `${text}\n`;
}

/**
 * Words an error as ClusterShell's nodeset would report it.
 *
 * @param e - the thrown value
 * @param ctx - program name and usage text
 * @returns the stderr text and the exit status
 */
export function reportError(e: unknown, ctx: ErrorContext): ErrorReport {
  return wordError(e, ctx);
}

function wordError(e: unknown, ctx: ErrorContext): ErrorReport {
  const { prog } = ctx;
  const failure = (stderr: string): ErrorReport => ({ stderr, exitCode: EXIT.FAILURE });
  const err = asCoded(e);
  if (err === undefined) {
    const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return failure(line(`${prog}: ${text}`));
  }
  const msg = err.message;
  switch (err.code) {
    case 'ERR_CLI_USAGE':
      return { stderr: `${ctx.usage}${prog}: error: ${msg}\n`, exitCode: EXIT.USAGE };
    case 'ERR_CLI_SEPARATOR':
      return failure(line('ERROR: invalid separator'));
    case 'ERR_CLI_PYTHON': {
      const kind = field(e, 'kind');
      if (kind === 'ValueError' || kind === 'IndexError') return failure(line(`ERROR: ${msg}`));
      if (kind === 'TypeError') return failure(line(`${prog}: ${msg}`));
      // Python lets these escape as a traceback; its last line is what we print.
      return failure(line(`${kind}: ${msg}`));
    }
    case 'ERR_CLI_OUTPUT': {
      const errno = field(e, 'errno');
      if (errno === 'EPIPE') return failure('');
      const num = (constants.errno as Readonly<Record<string, number>>)[errno] ?? 5;
      return failure(line(`ERROR: [Errno ${num}] ${STRERROR[errno] ?? errno}`));
    }
    case 'ERR_NODESET_PARSE':
    case 'ERR_NODESET_PARSE_RANGE':
    case 'ERR_RANGESET_PARSE':
      return failure(line(`${prog}: Parse error: ${msg}`));
    case 'ERR_NODESET_EXTERNAL':
      return failure(line(`${prog}: External error: ${msg}`));
    case 'ERR_NODESET_VALUE':
    case 'ERR_NODESET_INDEX':
      return failure(line(`ERROR: ${msg}`));
    case 'ERR_NODESET_KEY':
      return failure(line(`KeyError: ${msg}`));
    case 'ERR_GROUPS_UNKNOWN_SOURCE':
      return failure(line(`${prog}: Unknown group source: "${msg}"`));
    case 'ERR_GROUPS_ILLEGAL_CHAR':
      return failure(line(`${prog}: Illegal group character: "${msg}"`));
    case 'ERR_GROUPS_CONFIG':
      return failure(line(`${prog}: Group resolver error: ${msg}`));
    case 'ERR_GROUPS_CONFIG_PARSER':
      // Python's configparser errors, which ClusterShell does not wrap.
      return failure(line(`${prog}: ${msg}`));
    case 'ERR_GROUPS_CONFIG_VALUE':
      // ValueErrors (shlex, YAML name collision), caught by nodeset's main().
      return failure(line(`ERROR: ${msg}`));
    case 'ERR_GROUPS_NO_UPCALL':
      return failure(
        line(
          `${prog}: No ${field(e, 'upcall') || msg} upcall defined for group source "${field(e, 'source')}"`,
        ),
      );
    case 'ERR_GROUPS_QUERY_FAILED':
    case 'ERR_GROUPS_SOURCE':
      return failure(line(`${prog}: Group error: ${msg}`));
    default:
      return failure(line(`${prog}: ${msg}`));
  }
}
