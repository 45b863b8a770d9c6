/**
 * Errors raised by `@cluster-task/groups`, modelled on ClusterShell's `NodeUtils` exceptions.
 *
 * Every class carries a stable `code` (Node style), so that {@link isGroupsError} and the NodeSet
 * parser (which cannot import this package) recognise them even across duplicate copies.
 *
 * @module
 */

/**
 * Stable codes of the errors of `@cluster-task/groups`.
 *
 * @category Errors
 * @example
 * ```ts
 * const code: GroupsErrorCode = 'ERR_GROUPS_QUERY_FAILED';
 * ```
 */
export type GroupsErrorCode =
  | 'ERR_GROUPS'
  | 'ERR_GROUPS_RESOLVER'
  | 'ERR_GROUPS_UNKNOWN_SOURCE'
  | 'ERR_GROUPS_ILLEGAL_CHAR'
  | 'ERR_GROUPS_CONFIG'
  | 'ERR_GROUPS_CONFIG_PARSER'
  | 'ERR_GROUPS_CONFIG_VALUE'
  | 'ERR_GROUPS_SOURCE'
  | 'ERR_GROUPS_NO_UPCALL'
  | 'ERR_GROUPS_QUERY_FAILED';

/**
 * The upcalls a group source may define in groups.conf (`mapall` is ClusterShell 1.10's).
 *
 * @category Errors
 * @example
 * ```ts
 * const missing: UpcallName = (err as GroupSourceNoUpcallError).upcall; // 'list'
 * ```
 */
export type UpcallName = 'map' | 'mapall' | 'all' | 'list' | 'reverse';

/**
 * Base class of every error thrown by `@cluster-task/groups`.
 *
 * @category Errors
 * @example
 * ```ts
 * try { resolver.groupNodes('io'); } catch (e) { if (e instanceof GroupsError) console.error(e.code); }
 * ```
 */
export class GroupsError extends Error {
  override readonly name: string = 'GroupsError';
  /** Stable error code. */
  readonly code: GroupsErrorCode = 'ERR_GROUPS';
}

/**
 * A group resolver error (ClusterShell's `GroupResolverError`): unknown source, illegal
 * character, or bad configuration.
 *
 * @category Errors
 * @example
 * ```ts
 * try { resolver.sources(); } catch (e) { if (e instanceof GroupResolverError) console.error(e.message); }
 * ```
 */
export class GroupResolverError extends GroupsError {
  override readonly name: string = 'GroupResolverError';
  override readonly code: GroupsErrorCode = 'ERR_GROUPS_RESOLVER';
}

/**
 * A group source that does not exist was asked for. The message is the source name, or
 * `<default>` when no default source is defined (ClusterShell's `GroupResolverSourceError`);
 * the CLI prints `Unknown group source: "<message>"`.
 *
 * @category Errors
 * @example
 * ```ts
 * try { resolver.groupNodes('io', 'nosuch'); } catch (e) { (e as GroupResolverSourceError).source; } // 'nosuch'
 * ```
 */
export class GroupResolverSourceError extends GroupResolverError {
  override readonly name = 'GroupResolverSourceError';
  override readonly code = 'ERR_GROUPS_UNKNOWN_SOURCE';
  /** The source that was asked for, or `<default>`. */
  readonly source: string;

  /**
   * @param source - the unknown source name, or `<default>`
   */
  constructor(source: string) {
    super(source);
    this.source = source;
  }
}

/**
 * A group name returned by a source holds a character that the node set syntax reserves
 * (`@,!&^*`). The message lists the offending characters separated by spaces, as ClusterShell
 * does; the CLI prints `Illegal group character: "<message>"`.
 *
 * @category Errors
 * @example
 * ```ts
 * try { resolver.groupList(); } catch (e) { (e as GroupResolverIllegalCharError).group; } // 'a,b'
 * ```
 */
export class GroupResolverIllegalCharError extends GroupResolverError {
  override readonly name = 'GroupResolverIllegalCharError';
  override readonly code = 'ERR_GROUPS_ILLEGAL_CHAR';
  /** The group name that holds illegal characters. */
  readonly group: string;
  /** The illegal characters found, in order of appearance, without duplicates. */
  readonly chars: readonly string[];

  /**
   * @param group - the offending group name
   * @param chars - the illegal characters found in it
   */
  constructor(group: string, chars: readonly string[]) {
    super(chars.join(' '));
    this.group = group;
    this.chars = chars;
  }
}

/**
 * Where a configuration error was found.
 *
 * @category Errors
 * @example
 * ```ts
 * new GroupResolverConfigError('bad', { file: '/etc/clustershell/groups.conf', line: 3 });
 * ```
 */
export interface ConfigErrorLocation {
  /** The file being read, when the error belongs to one. */
  readonly file?: string | undefined;
  /** The 1-based line of the error in `file`, when known. */
  readonly line?: number | undefined;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * The group configuration is wrong: a groups.conf syntax error, a missing `map` upcall, a bad
 * `cache_time`, an unknown `[Main] default`, a bad YAML file... The message follows
 * ClusterShell's where it has one (`Default group source not found: "x"`,
 * `<file>: invalid content (base is not a dict)`); the CLI prints `Group resolver error: <message>`.
 *
 * @category Errors
 * @example
 * ```ts
 * try { resolver.sources(); } catch (e) {
 *   if (e instanceof GroupResolverConfigError) console.error(e.file, e.line, e.message);
 * }
 * ```
 */
export class GroupResolverConfigError extends GroupResolverError {
  override readonly name: string = 'GroupResolverConfigError';
  override readonly code: GroupsErrorCode = 'ERR_GROUPS_CONFIG';
  /** The file being read, when the error belongs to one. */
  readonly file: string | undefined;
  /** The 1-based line of the error in `file`, when known. */
  readonly line: number | undefined;

  /**
   * @param message - what is wrong, in ClusterShell's words where it has some
   * @param location - the file and line of the error, and its cause
   */
  constructor(message: string, location: ConfigErrorLocation = {}) {
    super(message, location.cause === undefined ? undefined : { cause: location.cause });
    this.file = location.file;
    this.line = location.line;
  }
}

/**
 * A groups.conf file (or a confdir `*.conf` file) cannot be read as an INI file, or one of its
 * `%(name)s` references cannot be substituted: the errors of Python's `configparser`, with its
 * messages (`Source contains parsing errors: ...`, `File contains no section headers. ...`,
 * `While reading from ... already exists`, `Bad value substitution: ...`). ClusterShell lets them
 * escape unwrapped, so its CLI prints them without the `Group resolver error:` kind.
 *
 * @category Errors
 * @example
 * ```ts
 * try { resolver.sources(); } catch (e) {
 *   if (e instanceof GroupResolverConfigParserError) console.error(`${e.file}:${e.line}: ${e.message}`);
 * }
 * ```
 */
export class GroupResolverConfigParserError extends GroupResolverConfigError {
  override readonly name = 'GroupResolverConfigParserError';
  override readonly code = 'ERR_GROUPS_CONFIG_PARSER';
}

/**
 * A configuration value that ClusterShell rejects with a plain Python `ValueError` rather than a
 * resolver error: a `[Main] confdir`/`autodir` list with an unclosed quote (`No closing
 * quotation`), or a YAML source whose name is already taken (`GroupSource 'x': name collision`).
 * ClusterShell's CLI prints these as `ERROR: <message>`.
 *
 * @category Errors
 * @example
 * ```ts
 * try { resolver.sources(); } catch (e) {
 *   if (e instanceof GroupResolverConfigValueError) console.error(e.file, e.message);
 * }
 * ```
 */
export class GroupResolverConfigValueError extends GroupResolverConfigError {
  override readonly name = 'GroupResolverConfigValueError';
  override readonly code = 'ERR_GROUPS_CONFIG_VALUE';
}

/**
 * A group source failed to answer (ClusterShell's `GroupSourceError`).
 *
 * @category Errors
 * @example
 * ```ts
 * try { resolver.groupList('slurm'); } catch (e) { if (e instanceof GroupSourceError) console.error(e.source); }
 * ```
 */
export class GroupSourceError extends GroupsError {
  override readonly name: string = 'GroupSourceError';
  override readonly code: GroupsErrorCode = 'ERR_GROUPS_SOURCE';
  /** The name of the group source. */
  readonly source: string;

  /**
   * @param message - what went wrong
   * @param source - the name of the group source
   * @param options - the underlying cause, if any
   */
  constructor(message: string, source: string, options?: ErrorOptions) {
    super(message, options);
    this.source = source;
  }
}

/**
 * The group source has no such upcall (for example no `list` upcall). The message is the upcall
 * name, as ClusterShell's `GroupSourceNoUpcall`; the CLI prints
 * `No list upcall defined for group source "<source>"`.
 *
 * @category Errors
 * @example
 * ```ts
 * try { resolver.groupList('nolist'); } catch (e) { (e as GroupSourceNoUpcallError).upcall; } // 'list'
 * ```
 */
export class GroupSourceNoUpcallError extends GroupSourceError {
  override readonly name = 'GroupSourceNoUpcallError';
  override readonly code = 'ERR_GROUPS_NO_UPCALL';
  /** The missing upcall. */
  readonly upcall: UpcallName;

  /**
   * @param upcall - the missing upcall
   * @param source - the name of the group source
   */
  constructor(upcall: UpcallName, source: string) {
    super(upcall, source);
    this.upcall = upcall;
  }
}

/**
 * Details of a failed upcall.
 *
 * @category Errors
 * @example
 * ```ts
 * new GroupSourceQueryFailedError('slurm', { command: 'sinfo -h', stderr: 'down', exitCode: 1 });
 * ```
 */
export interface QueryFailure {
  /** The shell command line that was run, after `$VAR` substitution. */
  readonly command: string;
  /** Which upcall failed, when known. */
  readonly upcall?: UpcallName | undefined;
  /** What the command wrote on its standard error (empty if nothing). */
  readonly stderr?: string | undefined;
  /** Its exit code, or undefined when it was killed or could not start. */
  readonly exitCode?: number | undefined;
  /** The signal that killed it, if any. */
  readonly signal?: string | undefined;
  /** Whether it was killed because it ran past the upcall timeout. */
  readonly timedOut?: boolean | undefined;
  /** A message other than the command line (a timeout, a malformed `mapall` line). */
  readonly message?: string | undefined;
  /** The underlying error (for example a spawn failure). */
  readonly cause?: unknown;
}

/**
 * An upcall failed: it exited non-zero, was killed, timed out, could not start, or (for `mapall`)
 * printed a malformed line. As in ClusterShell the message is the command line; a timeout adds
 * ` (timed out after N ms)` and a bad `mapall` output has ClusterShell 1.10's message. The NodeSet
 * parser turns it into `NodeSetParseError('<message>: "@src:grp"')`.
 *
 * @category Errors
 * @example
 * ```ts
 * try { resolver.groupNodes('io'); } catch (e) {
 *   if (e instanceof GroupSourceQueryFailedError) console.error(e.command, e.exitCode, e.stderr);
 * }
 * ```
 */
export class GroupSourceQueryFailedError extends GroupSourceError {
  override readonly name = 'GroupSourceQueryFailedError';
  override readonly code = 'ERR_GROUPS_QUERY_FAILED';
  /** The shell command line that was run, after `$VAR` substitution. */
  readonly command: string;
  /**
   * Which upcall failed, when known. `allNodes()` falls back on `list` and `map` when a source
   * has no `all` upcall; this tells such a failure from one of `all` itself.
   */
  readonly upcall: UpcallName | undefined;
  /** What the command wrote on its standard error. */
  readonly stderr: string;
  /** Its exit code, or undefined when it was killed or could not start. */
  readonly exitCode: number | undefined;
  /** The signal that killed it, if any. */
  readonly signal: string | undefined;
  /** Whether it was killed because it ran past the upcall timeout. */
  readonly timedOut: boolean;

  /**
   * @param source - the name of the group source
   * @param failure - the command and how it failed
   */
  constructor(source: string, failure: QueryFailure) {
    super(
      failure.message ?? failure.command,
      source,
      failure.cause === undefined ? undefined : { cause: failure.cause },
    );
    this.command = failure.command;
    this.upcall = failure.upcall;
    this.stderr = failure.stderr ?? '';
    this.exitCode = failure.exitCode;
    this.signal = failure.signal;
    this.timedOut = failure.timedOut ?? false;
  }
}

const CODES: ReadonlySet<string> = new Set<GroupsErrorCode>([
  'ERR_GROUPS',
  'ERR_GROUPS_RESOLVER',
  'ERR_GROUPS_UNKNOWN_SOURCE',
  'ERR_GROUPS_ILLEGAL_CHAR',
  'ERR_GROUPS_CONFIG',
  'ERR_GROUPS_CONFIG_PARSER',
  'ERR_GROUPS_CONFIG_VALUE',
  'ERR_GROUPS_SOURCE',
  'ERR_GROUPS_NO_UPCALL',
  'ERR_GROUPS_QUERY_FAILED',
]);

/**
 * Tells whether `e` is an error of `@cluster-task/groups`, by its `code`, so that it works even
 * across two copies of the package.
 *
 * @param e - any thrown value
 * @returns true when `e` is a {@link GroupsError}
 * @category Errors
 * @example
 * ```ts
 * try { resolver.groupNodes('io'); } catch (e) { if (isGroupsError(e)) console.error(e.code); }
 * ```
 */
export function isGroupsError(e: unknown): e is GroupsError {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as { code?: unknown }).code;
  return typeof code === 'string' && CODES.has(code);
}
