/**
 * Typed errors of the in-process SSH layer. Every failure of the `ssh2` library reaches users as
 * one of these classes (the mapping lives in one adapter, `internal/error-adapter.ts`); the
 * worker layer turns the connection kinds into rc 255 for the node, as ClusterShell does.
 */

/** Stable codes of {@link SshError} and its subclasses. */
export type SshErrorCode =
  | 'ERR_SSH_CONFIG'
  | 'ERR_SSH_CONNECT'
  | 'ERR_SSH_TIMEOUT'
  | 'ERR_SSH_AUTH'
  | 'ERR_SSH_HOST_KEY'
  | 'ERR_SSH_PROTOCOL'
  | 'ERR_SSH_CHANNEL'
  | 'ERR_SSH_SFTP'
  | 'ERR_SSH_SIGNAL';

const SSH_ERROR_CODES: ReadonlySet<string> = new Set<SshErrorCode>([
  'ERR_SSH_CONFIG',
  'ERR_SSH_CONNECT',
  'ERR_SSH_TIMEOUT',
  'ERR_SSH_AUTH',
  'ERR_SSH_HOST_KEY',
  'ERR_SSH_PROTOCOL',
  'ERR_SSH_CHANNEL',
  'ERR_SSH_SFTP',
  'ERR_SSH_SIGNAL',
]);

/** Context every SSH error carries. */
export interface SshErrorContext {
  /** The node name as the caller gave it (the `Host` of the configuration). */
  readonly node?: string | undefined;
  /** The address connected to (after `HostName`). */
  readonly host?: string | undefined;
  /** The port connected to. */
  readonly port?: number | undefined;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * Base class of the SSH layer's errors.
 *
 * @example
 * ```ts
 * try { await pool.run('n1', 'true'); } catch (e) { if (e instanceof SshError) console.log(e.code, e.node); }
 * ```
 * @category Errors
 */
export class SshError extends Error {
  override readonly name: string = 'SshError';
  /** Stable code, Node style. */
  readonly code: SshErrorCode;
  /** Node name as given by the caller. */
  readonly node: string | undefined;
  /** Address connected to. */
  readonly host: string | undefined;
  /** Port connected to. */
  readonly port: number | undefined;

  /**
   * @param code - the stable code
   * @param message - a sentence for humans
   * @param context - node, host, port and cause
   */
  constructor(code: SshErrorCode, message: string, context: SshErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.code = code;
    this.node = context.node;
    this.host = context.host;
    this.port = context.port;
  }
}

/** Where a configuration error was found. */
export interface SshConfigErrorContext extends SshErrorContext {
  /** The file (or `command-line`). */
  readonly file?: string | undefined;
  /** 1-based line number in `file`. */
  readonly line?: number | undefined;
}

/**
 * A bad OpenSSH configuration file, command-line option or `ssh_options` string.
 *
 * @example
 * ```ts
 * try { parseSshOptions('-o'); } catch (e) { if (e instanceof SshConfigError) console.log(e.message); }
 * ```
 * @category Errors
 */
export class SshConfigError extends SshError {
  override readonly name = 'SshConfigError';
  /** The file (or `command-line`). */
  readonly file: string | undefined;
  /** 1-based line number in `file`. */
  readonly line: number | undefined;

  /**
   * @param message - what is wrong
   * @param context - file, line and cause
   */
  constructor(message: string, context: SshConfigErrorContext = {}) {
    const where =
      context.file === undefined
        ? ''
        : context.line === undefined
          ? `${context.file}: `
          : `${context.file} line ${context.line}: `;
    super('ERR_SSH_CONFIG', `${where}${message}`, context);
    this.file = context.file;
    this.line = context.line;
  }
}

/** Why a connection could not be made or was lost. */
export type SshConnectReason = 'refused' | 'unreachable' | 'dns' | 'reset' | 'closed' | 'other';

/**
 * The TCP connection failed (refused, unreachable, unknown host name) or was lost.
 *
 * @example
 * ```ts
 * catch (e) { if (isSshError(e) && e.code === 'ERR_SSH_CONNECT') console.log((e as SshConnectError).reason); }
 * ```
 * @category Errors
 */
export class SshConnectError extends SshError {
  override readonly name = 'SshConnectError';
  /** Why. */
  readonly reason: SshConnectReason;

  /**
   * @param reason - why
   * @param message - a sentence for humans
   * @param context - node, host, port and cause
   */
  constructor(reason: SshConnectReason, message: string, context: SshErrorContext = {}) {
    super('ERR_SSH_CONNECT', message, context);
    this.reason = reason;
  }
}

/** Which wait ran out. */
export type SshTimeoutPhase = 'connect' | 'keepalive';

/**
 * `ConnectTimeout` (TCP connect, handshake and authentication) or the keepalive
 * (`ServerAliveInterval` × `ServerAliveCountMax`) ran out.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof SshTimeoutError) console.log(e.phase, e.timeoutMs); }
 * ```
 * @category Errors
 */
export class SshTimeoutError extends SshError {
  override readonly name = 'SshTimeoutError';
  /** Which wait ran out. */
  readonly phase: SshTimeoutPhase;
  /** The limit, in milliseconds, when known. */
  readonly timeoutMs: number | undefined;

  /**
   * @param phase - which wait ran out
   * @param message - a sentence for humans
   * @param context - node, host, port, cause and the limit
   */
  constructor(
    phase: SshTimeoutPhase,
    message: string,
    context: SshErrorContext & { readonly timeoutMs?: number | undefined } = {},
  ) {
    super('ERR_SSH_TIMEOUT', message, context);
    this.phase = phase;
    this.timeoutMs = context.timeoutMs;
  }
}

/** Why authentication failed. */
export type SshAuthReason = 'rejected' | 'encrypted-key' | 'no-identity' | 'bad-key';

/**
 * The server refused every identity offered (agent keys and key files), or no usable identity
 * was found (an encrypted key with no agent holding it is named in the message).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof SshAuthError) console.log(e.reason, e.skippedKeys); }
 * ```
 * @category Errors
 */
export class SshAuthError extends SshError {
  override readonly name = 'SshAuthError';
  /** Why. */
  readonly reason: SshAuthReason;
  /** Identity files that could not be used (encrypted without agent, unreadable, bad format). */
  readonly skippedKeys: readonly string[];

  /**
   * @param reason - why
   * @param message - a sentence for humans
   * @param context - node, host, port, cause and the skipped key files
   */
  constructor(
    reason: SshAuthReason,
    message: string,
    context: SshErrorContext & { readonly skippedKeys?: readonly string[] } = {},
  ) {
    super('ERR_SSH_AUTH', message, context);
    this.reason = reason;
    this.skippedKeys = context.skippedKeys ?? [];
  }
}

/** Why a host key was refused. */
export type SshHostKeyReason = 'changed' | 'unknown' | 'revoked' | 'unsupported';

/**
 * The server's host key is not acceptable: it differs from the known one (`changed`, naming the
 * known_hosts file and line), is not known under `StrictHostKeyChecking yes` (`unknown`), is
 * marked `@revoked`, or can only be checked through a `@cert-authority` line (`unsupported`).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof SshHostKeyError) console.log(e.reason, e.file, e.line, e.fingerprint); }
 * ```
 * @category Errors
 */
export class SshHostKeyError extends SshError {
  override readonly name = 'SshHostKeyError';
  /** Why. */
  readonly reason: SshHostKeyReason;
  /** SHA256 fingerprint of the key the server presented (OpenSSH's `SHA256:…` form). */
  readonly fingerprint: string;
  /** The known_hosts file of the conflicting (or revoking) entry. */
  readonly file: string | undefined;
  /** 1-based line of that entry. */
  readonly line: number | undefined;

  /**
   * @param reason - why
   * @param message - a sentence for humans
   * @param context - node, host, port, fingerprint and the known_hosts location
   */
  constructor(
    reason: SshHostKeyReason,
    message: string,
    context: SshErrorContext & {
      readonly fingerprint: string;
      readonly file?: string | undefined;
      readonly line?: number | undefined;
    },
  ) {
    super('ERR_SSH_HOST_KEY', message, context);
    this.reason = reason;
    this.fingerprint = context.fingerprint;
    this.file = context.file;
    this.line = context.line;
  }
}

/**
 * The SSH protocol failed: no common algorithm, a malformed packet, a disconnect from the server.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof SshProtocolError) console.log(e.message); }
 * ```
 * @category Errors
 */
export class SshProtocolError extends SshError {
  override readonly name = 'SshProtocolError';

  /**
   * @param message - a sentence for humans
   * @param context - node, host, port and cause
   */
  constructor(message: string, context: SshErrorContext = {}) {
    super('ERR_SSH_PROTOCOL', message, context);
  }
}

/**
 * A channel could not be opened or a request on it was refused (`MaxSessions` reached,
 * subsystem missing, exec refused), or the connection was already closed.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof SshChannelError) console.log(e.message); }
 * ```
 * @category Errors
 */
export class SshChannelError extends SshError {
  override readonly name = 'SshChannelError';

  /**
   * @param message - a sentence for humans
   * @param context - node, host, port and cause
   */
  constructor(message: string, context: SshErrorContext = {}) {
    super('ERR_SSH_CHANNEL', message, context);
  }
}

/**
 * A file transfer failed, on the remote side (`side: 'remote'`, with the SFTP status code) or on
 * the local one (`side: 'local'`, with the `fs` error as cause).
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof SshSftpError) console.log(e.side, e.path); }
 * ```
 * @category Errors
 */
export class SshSftpError extends SshError {
  override readonly name = 'SshSftpError';
  /** Which side failed. */
  readonly side: 'local' | 'remote';
  /** The path concerned. */
  readonly path: string;

  /**
   * @param side - which side failed
   * @param path - the path concerned
   * @param message - a sentence for humans
   * @param context - node, host, port and cause
   */
  constructor(
    side: 'local' | 'remote',
    path: string,
    message: string,
    context: SshErrorContext = {},
  ) {
    super('ERR_SSH_SFTP', message, context);
    this.side = side;
    this.path = path;
  }
}

/**
 * The remote command was killed by a signal. The `ssh2` transport reports it on the node (its rc
 * is then 128 + the signal number, as for a local command); OpenSSH's `ssh` client exits 255
 * instead, without saying why. Not a connection failure.
 *
 * @example
 * ```ts
 * const e = worker.nodeFailure('n1');
 * if (e instanceof SshSignalError) console.log(e.signal, e.coreDumped); // 'SIGKILL' false
 * ```
 * @category Errors
 */
export class SshSignalError extends SshError {
  override readonly name = 'SshSignalError';
  /** The signal name (`SIGKILL`). */
  readonly signal: string;
  /** Whether the server reported a core dump. */
  readonly coreDumped: boolean;

  /**
   * @param signal - the signal name
   * @param message - a sentence for humans
   * @param context - node, host, port, and whether a core was dumped
   */
  constructor(
    signal: string,
    message: string,
    context: SshErrorContext & { readonly coreDumped?: boolean } = {},
  ) {
    super('ERR_SSH_SIGNAL', message, context);
    this.signal = signal;
    this.coreDumped = context.coreDumped ?? false;
  }
}

/**
 * Whether `value` is an error of the SSH layer (checks `code`, so duplicate package copies work).
 *
 * @param value - anything caught
 * @returns true for every {@link SshError} subclass
 * @example
 * ```ts
 * if (isSshError(e)) console.log(e.code);
 * ```
 * @category Errors
 */
export function isSshError(value: unknown): value is SshError {
  return (
    value instanceof Error &&
    typeof (value as { code?: unknown }).code === 'string' &&
    SSH_ERROR_CODES.has((value as unknown as { code: string }).code)
  );
}

/**
 * Whether `value` is one of the errors that make a node fail as OpenSSH's own failure (rc 255
 * in ClusterShell): connect, timeout, auth, host key and protocol errors.
 *
 * @param value - anything caught
 * @returns true when the worker should report rc 255 for the node
 * @example
 * ```ts
 * const rc = isSshConnectionFailure(e) ? 255 : 1;
 * ```
 * @category Errors
 */
export function isSshConnectionFailure(value: unknown): value is SshError {
  return (
    isSshError(value) &&
    (value.code === 'ERR_SSH_CONNECT' ||
      value.code === 'ERR_SSH_TIMEOUT' ||
      value.code === 'ERR_SSH_AUTH' ||
      value.code === 'ERR_SSH_HOST_KEY' ||
      value.code === 'ERR_SSH_PROTOCOL' ||
      value.code === 'ERR_SSH_CHANNEL')
  );
}
