/**
 * Recognizes OpenSSH client messages in a node's output, to give the `ssh` transport the same
 * typed per-node errors as the `ssh2` transport when `ssh` exits 255 (refused, timed out, unknown
 * host name, permission denied, host key refused, connection lost).
 *
 * Only lines that can be ssh's own are kept (a cheap prefix test on each line), at most a few per
 * node; a command that exits 255 by itself without such a line gets no error.
 *
 * @module
 */
import {
  SshAuthError,
  SshConfigError,
  SshConnectError,
  type SshError,
  SshHostKeyError,
  SshProtocolError,
  SshTimeoutError,
} from '../ssh2/errors.js';

/** Lines kept per node at most. */
const MAX_KEPT = 24;

const PREFIXES = [
  'ssh: ',
  'scp: ',
  'Permission denied',
  'Host key verification failed',
  '@',
  'No ',
  'Offending ',
  'The fingerprint',
  'SHA256:',
  'Connection ',
  'kex_exchange_identification',
  'client_loop',
  'Timeout, server',
  'Unable to negotiate',
  'Bad configuration option',
  'command-line',
  'Load key',
  'Received disconnect',
  'Disconnected from',
  'banner exchange',
];

const PERMISSION_DENIED = Buffer.from('Permission denied (');

/**
 * Tells whether a line may be an OpenSSH client message (worth keeping).
 *
 * @param line - the line as received
 * @returns true when its start matches a known ssh message
 */
export function mayBeSshMessage(line: Buffer): boolean {
  if (line.length < 3 || line.length > 512) return false;
  // "user@host: Permission denied (publickey)." starts with the user name
  if (line.includes(PERMISSION_DENIED)) return true;
  const c = line[0];
  // every message above starts with one of these letters (fast path for plain output)
  if (
    c !== 0x73 && // s
    c !== 0x50 && // P
    c !== 0x48 && // H
    c !== 0x40 && // @
    c !== 0x57 && // W
    c !== 0x4e && // N
    c !== 0x4f && // O
    c !== 0x54 && // T
    c !== 0x53 && // S
    c !== 0x43 && // C
    c !== 0x6b && // k
    c !== 0x63 && // c
    c !== 0x55 && // U
    c !== 0x42 && // B
    c !== 0x4c && // L
    c !== 0x52 && // R
    c !== 0x44 && // D
    c !== 0x62 // b
  ) {
    return false;
  }
  const text = line.toString('latin1', 0, Math.min(line.length, 40));
  return PREFIXES.some((p) => text.startsWith(p));
}

/** Keeps candidate ssh messages of one node. */
export class SshMessageLog {
  readonly #lines: string[] = [];

  /**
   * Looks at one output line and keeps it when it may be ssh's.
   *
   * @param line - the line
   */
  observe(line: Buffer): void {
    if (this.#lines.length >= MAX_KEPT || !mayBeSshMessage(line)) return;
    this.#lines.push(line.toString('utf8'));
  }

  /** The kept lines. */
  get lines(): readonly string[] {
    return this.#lines;
  }
}

const CONNECT = /^ssh: connect to host (\S+) port (\d+): (.*)$/u;
const RESOLVE = /^ssh: Could not resolve hostname ([^:]+): (.*)$/u;
const CLOSED_BY_REMOTE = /^Connection to (\S+) closed by remote host/u;
const CLOSED_BY = /^Connection closed by (?:authenticating user \S+ )?(\S+) port (\d+)/u;
const RESET = /(?:^Connection reset by (\S+) port (\d+))|(?:Connection reset by peer)/u;
const OFFENDING = /^Offending \S+ key in (.+):(\d+)\s*$/u;

/**
 * Builds the typed error of a node whose `ssh` exited 255, from the messages it printed.
 *
 * @param node - the node name
 * @param lines - the kept candidate lines (see {@link SshMessageLog})
 * @returns the error, or undefined when no line explains the exit
 */
export function classifySshFailure(node: string, lines: readonly string[]): SshError | undefined {
  const ctx = { node };
  const all = lines.join('\n');
  if (lines.some((l) => l.startsWith('Host key verification failed'))) {
    const fingerprint = lines.find((l) => l.startsWith('SHA256:'))?.replace(/\.$/u, '') ?? '';
    const offending = lines.map((l) => OFFENDING.exec(l)).find((m) => m !== null);
    const changed = all.includes('REMOTE HOST IDENTIFICATION HAS CHANGED');
    return new SshHostKeyError(
      changed ? 'changed' : 'unknown',
      changed
        ? `host key of ${node} has changed${offending ? ` (known in ${offending[1]}:${offending[2]})` : ''}: host key verification failed`
        : `host key of ${node} is not known: host key verification failed`,
      {
        ...ctx,
        fingerprint,
        ...(offending
          ? { file: offending[1] as string, line: Number(offending[2] as string) }
          : {}),
      },
    );
  }
  for (const line of lines) {
    const connect = CONNECT.exec(line);
    if (connect !== null) {
      const [, host, port, why = ''] = connect;
      const where = { ...ctx, host, port: Number(port) };
      const message = line.slice('ssh: '.length);
      if (/timed out/iu.test(why)) return new SshTimeoutError('connect', message, where);
      if (/refused/iu.test(why)) return new SshConnectError('refused', message, where);
      if (/unreachable|no route/iu.test(why)) {
        return new SshConnectError('unreachable', message, where);
      }
      return new SshConnectError('other', message, where);
    }
    const resolve = RESOLVE.exec(line);
    if (resolve !== null) {
      return new SshConnectError('dns', line.slice('ssh: '.length), { ...ctx, host: resolve[1] });
    }
    if (line.includes('Permission denied')) {
      return new SshAuthError('rejected', line.replace(/^[^:]*: (?=Permission)/u, ''), ctx);
    }
    if (/^Connection (?:to \S+ port \d+ )?timed out/u.test(line)) {
      return new SshTimeoutError('connect', line, ctx);
    }
    if (line.startsWith('Timeout, server')) {
      return new SshTimeoutError('keepalive', line, ctx);
    }
    if (line.startsWith('Unable to negotiate')) return new SshProtocolError(line, ctx);
    if (line.includes('Bad configuration option') || line.startsWith('command-line')) {
      return new SshConfigError(line, ctx);
    }
  }
  for (const line of lines) {
    const remote = CLOSED_BY_REMOTE.exec(line);
    if (remote !== null) return new SshConnectError('closed', line, { ...ctx, host: remote[1] });
    const reset = RESET.exec(line);
    if (reset !== null) {
      return new SshConnectError('reset', line, {
        ...ctx,
        ...(reset[1] === undefined ? {} : { host: reset[1], port: Number(reset[2]) }),
      });
    }
    const closed = CLOSED_BY.exec(line);
    if (closed !== null) {
      return new SshConnectError('closed', line, {
        ...ctx,
        host: closed[1],
        port: Number(closed[2]),
      });
    }
    if (line.startsWith('client_loop') || line.startsWith('kex_exchange_identification')) {
      return new SshConnectError('closed', line, ctx);
    }
  }
  return undefined;
}
