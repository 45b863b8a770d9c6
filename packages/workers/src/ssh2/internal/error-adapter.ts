/**
 * The one place where errors of the `ssh2` library (plain `Error`s tagged with a `level` string
 * and sometimes a `code`) become the typed errors of this layer.
 */
import {
  isSshError,
  SshAuthError,
  SshChannelError,
  SshConnectError,
  type SshError,
  type SshErrorContext,
  SshProtocolError,
  SshSftpError,
  SshTimeoutError,
} from '../errors.js';

/** Context known where the error is caught. */
export interface AdapterContext extends SshErrorContext {
  /** The connect timeout in force, milliseconds. */
  readonly timeoutMs?: number | undefined;
  /** Whether the connection had completed authentication. */
  readonly ready?: boolean;
}

/** SSH disconnect reason codes (RFC 4253 §11.1) that mean an authentication failure. */
const AUTH_DISCONNECTS: ReadonlySet<number> = new Set([14]);

interface Ssh2ErrorShape {
  readonly message?: unknown;
  readonly level?: unknown;
  readonly code?: unknown;
  readonly errno?: unknown;
}

function describeTarget(ctx: AdapterContext): string {
  const host = ctx.host ?? ctx.node ?? 'host';
  return ctx.port === undefined || ctx.port === 22 ? host : `${host} port ${ctx.port}`;
}

/**
 * Turns anything thrown or emitted by `ssh2` (or `net`) into an {@link SshError}.
 *
 * @param err - the raw error
 * @param ctx - node, host, port and timeout
 * @returns the typed error (the same object when it already is one)
 */
export function toSshError(err: unknown, ctx: AdapterContext): SshError {
  if (isSshError(err)) return err;
  const raw: Ssh2ErrorShape = typeof err === 'object' && err !== null ? err : {};
  const message = typeof raw.message === 'string' ? raw.message : String(err);
  const level = typeof raw.level === 'string' ? raw.level : undefined;
  const code = typeof raw.code === 'string' ? raw.code : undefined;
  const context: SshErrorContext = {
    node: ctx.node,
    host: ctx.host,
    port: ctx.port,
    cause: err,
  };
  const target = describeTarget(ctx);
  switch (level) {
    case 'client-socket':
    case 'client-dns':
      return socketError(code, message, target, context, level === 'client-dns');
    case 'client-timeout':
      if (/keepalive/iu.test(message)) {
        return new SshTimeoutError(
          'keepalive',
          `connection to ${target} timed out: no answer to keepalive`,
          context,
        );
      }
      return new SshTimeoutError(
        'connect',
        `connection to ${target} timed out${ctx.timeoutMs === undefined ? '' : ` after ${ctx.timeoutMs} ms`} (connect, handshake and authentication)`,
        { ...context, timeoutMs: ctx.timeoutMs },
      );
    case 'client-authentication':
      return new SshAuthError('rejected', `permission denied for ${target}: ${message}`, context);
    case 'agent':
      return new SshAuthError('rejected', `ssh-agent failed for ${target}: ${message}`, context);
    case 'handshake':
      return new SshProtocolError(`handshake with ${target} failed: ${message}`, context);
    case 'protocol':
      if (/before handshake/iu.test(message)) {
        return new SshConnectError(
          'closed',
          `connection to ${target} closed by the remote host before the SSH handshake`,
          context,
        );
      }
      return new SshProtocolError(`protocol error with ${target}: ${message}`, context);
    case 'sftp-protocol':
      return new SshSftpError(
        'remote',
        '',
        `SFTP protocol error with ${target}: ${message}`,
        context,
      );
    default:
      break;
  }
  if (typeof raw.code === 'number') {
    if (AUTH_DISCONNECTS.has(raw.code)) {
      return new SshAuthError('rejected', `permission denied for ${target}: ${message}`, context);
    }
    return new SshProtocolError(`${target} disconnected: ${message}`, context);
  }
  if (code !== undefined && /^E[A-Z]+$/u.test(code)) {
    return socketError(code, message, target, context, false);
  }
  if (/no response from server|not connected/iu.test(message)) {
    return new SshConnectError('closed', `connection to ${target} lost: ${message}`, context);
  }
  if (/open failed|channel open|unable to (exec|start subsystem)/iu.test(message)) {
    return new SshChannelError(`channel request on ${target} failed: ${message}`, context);
  }
  return new SshProtocolError(`ssh error with ${target}: ${message}`, context);
}

function socketError(
  code: string | undefined,
  message: string,
  target: string,
  context: SshErrorContext,
  dns: boolean,
): SshError {
  switch (code) {
    case 'ECONNREFUSED':
      return new SshConnectError('refused', `connect to ${target}: Connection refused`, context);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
      return new SshConnectError(
        'dns',
        `could not resolve hostname ${context.host ?? target}: ${message}`,
        context,
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new SshConnectError('unreachable', `connect to ${target}: ${message}`, context);
    case 'ETIMEDOUT':
      return new SshTimeoutError('connect', `connect to ${target}: Connection timed out`, context);
    case 'ECONNRESET':
    case 'EPIPE':
      return new SshConnectError('reset', `connection to ${target} reset: ${message}`, context);
    default:
      return new SshConnectError(
        dns ? 'dns' : 'other',
        `connection to ${target} failed: ${message}`,
        context,
      );
  }
}

/**
 * The error to reject with when an AbortSignal fires: its reason when that is an Error,
 * otherwise an `AbortError` carrying it as cause.
 *
 * @param signal - the aborted signal
 * @returns an Error
 */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const e = new Error('The operation was aborted', { cause: reason });
  e.name = 'AbortError';
  return e;
}
