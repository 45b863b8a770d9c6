/**
 * One SSH connection through the `ssh2` library, set up from the resolved OpenSSH configuration:
 * agent and key-file authentication (never a prompt), known_hosts verification, ConnectTimeout,
 * keepalive, ProxyJump chains through `forwardOut`, the configured algorithms; then commands
 * (`exec`, `run`) on channels bounded by the server's `MaxSessions`.
 */
import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { Duplex, Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type {
  AnyAuthMethod,
  AuthenticationType,
  ClientChannel,
  ConnectConfig,
  SFTPWrapper,
} from 'ssh2';
import ssh2 from 'ssh2';
import {
  SshAuthError,
  SshChannelError,
  SshConfigError,
  SshConnectError,
  type SshError,
  SshTimeoutError,
} from './errors.js';
import { ssh2Algorithms } from './internal/algorithms.js';
import { type ContextOptions, SshContext } from './internal/context.js';
import { abortReason, toSshError } from './internal/error-adapter.js';
import { createFilteredAgent, type LoadedIdentity } from './internal/identities.js';
import { Semaphore } from './internal/semaphore.js';
import { knownHostsName, verifyHostKey } from './known-hosts.js';
import type { SshCommandLine, SshConfig, SshHostConfig, SshJumpHost } from './ssh-config.js';

/** Options of {@link SshConnection.connect}. */
export interface SshConnectOptions {
  /**
   * ssh command-line options as in ClusterShell's `ssh_options` (a string split like a shell),
   * as words, or already parsed; `-F FILE` chooses the configuration file.
   * @defaultValue none
   */
  readonly sshOptions?: string | readonly string[] | SshCommandLine;
  /**
   * A configuration already loaded (otherwise `~/.ssh/config` and `/etc/ssh/ssh_config`, or
   * the `-F` file of `sshOptions`).
   * @defaultValue loaded on first use
   */
  readonly config?: SshConfig;
  /**
   * Channels open at once on the connection (sshd's `MaxSessions`); more wait their turn.
   * @defaultValue 10
   */
  readonly maxSessions?: number;
  /**
   * Handshake timeout, in seconds, when the configuration has no `ConnectTimeout`.
   * @defaultValue 20
   */
  readonly defaultConnectTimeout?: number;
  /** Aborts the connection attempt. */
  readonly signal?: AbortSignal;
  /**
   * Home directory for `~`, `%d` and `~/.ssh/config`.
   * @defaultValue the process user's
   */
  readonly homeDir?: string;
  /**
   * Environment (`SSH_AUTH_SOCK`, `${VAR}` in the configuration).
   * @defaultValue `process.env`
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Local user name (`%u`, default remote user).
   * @defaultValue the process user's
   */
  readonly localUser?: string;
  /** Receives `ssh2`'s debug lines (for `debuglog`-style tracing). */
  readonly debug?: (line: string) => void;
}

/** Options of {@link SshConnection.exec}. */
export interface SshExecOptions {
  /** Environment variables to send (the server keeps only those its `AcceptEnv` allows). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * No pseudo-terminal is ever allocated (ClusterShell's default); only `false` is accepted.
   * @defaultValue false
   */
  readonly pty?: false;
  /** Aborts the command: sends SIGTERM to it, closes the channel, rejects `done`. */
  readonly signal?: AbortSignal;
}

/** How a remote command ended. */
export interface SshExitStatus {
  /** The exit status, or `null` when it was killed by a signal (or none was sent). */
  readonly exitCode: number | null;
  /** The signal name (`SIGTERM`), or `null`. */
  readonly signal: string | null;
  /** Whether the server reported a core dump. */
  readonly coreDumped: boolean;
  /** ClusterShell's rc: the exit status, 128 + signal number when killed, 255 when unknown. */
  readonly rc: number;
}

/** The output of {@link SshConnection.run}. */
export interface SshRunResult extends SshExitStatus {
  /** Everything written to standard output. */
  readonly stdout: Buffer;
  /** Everything written to standard error. */
  readonly stderr: Buffer;
}

/** Options of {@link SshConnection.run}. */
export interface SshRunOptions extends SshExecOptions {
  /** Data written to the command's standard input, then EOF (EOF at once when absent). */
  readonly stdin?: string | Buffer | Readable;
}

/** Internals shared with `sftp.ts` and the pool, not part of the public API. */
export interface ConnectionInternals {
  /** Opens an SFTP channel (holding a session slot until released). */
  readonly openSftp: (signal?: AbortSignal) => Promise<{ sftp: SFTPWrapper; release: () => void }>;
  /** Error context. */
  readonly context: () => { node: string; host: string; port: number };
}

const internals = new WeakMap<SshConnection, ConnectionInternals>();

/**
 * Internal access to a connection's SFTP channel (used by `sftp.ts`; not re-exported).
 *
 * @param connection - the connection
 * @returns its internals
 * @throws {TypeError} when `connection` is not an {@link SshConnection}
 * @example
 * ```ts
 * const { sftp, release } = await connectionInternals(conn).openSftp();
 * ```
 * @internal
 */
export function connectionInternals(connection: SshConnection): ConnectionInternals {
  const i = internals.get(connection);
  if (i === undefined) throw new TypeError('not an SshConnection');
  return i;
}

function rcOf(exitCode: number | null, signal: string | null): number {
  if (exitCode !== null) return exitCode;
  if (signal !== null) {
    const n = (osConstants.signals as Record<string, number | undefined>)[signal];
    if (n !== undefined) return 128 + n;
  }
  return 255;
}

/**
 * A remote command started by {@link SshConnection.exec}: its streams and how it ended.
 * Consume `stdout` and `stderr` (or they fill up and the command blocks); `done` settles after
 * the channel closes.
 *
 * @example
 * ```ts
 * const x = await conn.exec('wc -l');
 * x.stdin.end('a\nb\n');
 * x.stdout.pipe(process.stdout);
 * const { rc } = await x.done;
 * ```
 */
export class SshExecution {
  /** The command's standard output. */
  readonly stdout: Readable;
  /** The command's standard error. */
  readonly stderr: Readable;
  /** The command's standard input; `end()` sends EOF. */
  readonly stdin: Writable;
  /** Settles when the channel closes: the exit status, or a connection error, or the abort reason. */
  readonly done: Promise<SshExitStatus>;
  readonly #channel: ClientChannel;

  /** @internal */
  constructor(channel: ClientChannel, done: Promise<SshExitStatus>) {
    this.#channel = channel;
    this.stdout = channel;
    this.stderr = channel.stderr;
    this.stdin = channel;
    this.done = done;
  }

  /**
   * Sends a signal to the remote command (OpenSSH's sshd delivers it).
   *
   * @param signal - the name without `SIG`
   * @example
   * ```ts
   * x.kill('INT');
   * ```
   */
  kill(signal = 'TERM'): void {
    try {
      this.#channel.signal(signal.replace(/^SIG/u, ''));
    } catch {
      // the channel is already closed
    }
  }

  /**
   * Closes the channel (the remote side sees its streams close).
   *
   * @example
   * ```ts
   * x.close();
   * ```
   */
  close(): void {
    try {
      this.#channel.close();
    } catch {
      // already closed
    }
  }
}

interface OpenParams {
  readonly node: string;
  readonly cfg: SshHostConfig;
  readonly ctx: SshContext;
  readonly sock: Duplex | undefined;
  readonly signal: AbortSignal | undefined;
  readonly maxSessions: number;
  readonly defaultConnectTimeout: number;
  readonly debug: ((line: string) => void) | undefined;
  readonly owned: readonly SshConnection[];
}

/**
 * One authenticated SSH connection. Get one with {@link SshConnection.connect} (or from an
 * {@link SshPool}); run commands with {@link SshConnection.exec} / {@link SshConnection.run}; close
 * it with {@link SshConnection.close} or `await using`.
 *
 * @example
 * ```ts
 * await using conn = await SshConnection.connect('node1', { sshOptions: '-F /tmp/fleet/ssh_config' });
 * const { stdout, rc } = await conn.run('echo $SSH_CONNECTION');
 * ```
 */
export class SshConnection implements AsyncDisposable {
  /** The node name as given. */
  readonly node: string;
  /** The configuration it was made with. */
  readonly config: SshHostConfig;
  /** Non-fatal notes (a changed key let through by `StrictHostKeyChecking no`, a key added). */
  readonly warnings: readonly string[];
  readonly #client: InstanceType<typeof ssh2.Client>;
  readonly #slots: Semaphore;
  readonly #owned: readonly SshConnection[];
  #closed = false;
  #failure: SshError | undefined;
  readonly #closeWaiters: (() => void)[] = [];
  readonly #closeListeners: (() => void)[] = [];
  #channelClosed: (() => void)[] = [];

  private constructor(
    node: string,
    config: SshHostConfig,
    client: InstanceType<typeof ssh2.Client>,
    maxSessions: number,
    warnings: readonly string[],
    owned: readonly SshConnection[],
  ) {
    this.node = node;
    this.config = config;
    this.#client = client;
    this.#slots = new Semaphore(maxSessions);
    this.warnings = warnings;
    this.#owned = owned;
    client.on('error', (err: unknown) => {
      this.#failure ??= toSshError(err, this.#context());
    });
    client.on('close', () => {
      this.#closed = true;
      this.#slots.fail(
        this.#failure ??
          new SshConnectError('closed', `connection to ${this.#target()} closed`, this.#context()),
      );
      for (const w of this.#closeWaiters.splice(0)) w();
      for (const l of this.#closeListeners.splice(0)) l();
      for (const o of this.#owned) void o.close();
    });
    if (config.serverAliveInterval > 0) {
      this.#keepalive(config.serverAliveInterval * 1000, config.serverAliveCountMax);
    }
    coalesceWrites(client);
    internals.set(this, {
      openSftp: (signal) => this.#openSftp(signal),
      context: () => this.#context(),
    });
  }

  /**
   * Connects to a host with its resolved OpenSSH configuration (through its ProxyJump hops,
   * which this connection owns and closes).
   *
   * @param host - the node name (the `Host` of the configuration)
   * @param options - ssh options, configuration, session limit, abort signal
   * @returns the authenticated connection
   * @throws {SshConfigError} bad configuration or options (ProxyCommand is not supported)
   * @throws {SshConnectError} refused, unreachable, unknown host name, closed before handshake
   * @throws {SshTimeoutError} ConnectTimeout ran out
   * @throws {SshAuthError} every identity refused, or no usable identity (encrypted key without agent)
   * @throws {SshHostKeyError} changed, unknown, revoked host key
   * @throws {SshProtocolError} handshake or protocol failure
   * @example
   * ```ts
   * const conn = await SshConnection.connect('node1', { sshOptions: ['-p', '2222'], signal: AbortSignal.timeout(30_000) });
   * ```
   */
  static async connect(host: string, options: SshConnectOptions = {}): Promise<SshConnection> {
    const ctx = new SshContext(toContextOptions(options));
    const owned: SshConnection[] = [];
    const base = {
      ctx,
      signal: options.signal,
      maxSessions: options.maxSessions ?? 10,
      defaultConnectTimeout: options.defaultConnectTimeout ?? 20,
      debug: options.debug,
    };
    try {
      return await establish(host, base, owned, async (hop, via, signal) => {
        const cfg = await ctx.resolveHop(hop);
        const sock = via === undefined ? undefined : await via.forwardOut(cfg.hostName, cfg.port);
        const conn = await SshConnection.open({
          ...base,
          signal,
          node: hop.host,
          cfg,
          sock,
          owned: [],
        });
        owned.push(conn);
        return conn;
      });
    } catch (e) {
      for (const o of owned) await o.close();
      throw e;
    }
  }

  /**
   * Opens a connection with an already resolved configuration (what {@link SshPool} and
   * ProxyJump hops use; prefer {@link SshConnection.connect}).
   *
   * @param p - node, resolved configuration, shared context, socket (a forwarded channel for
   *   ProxyJump), abort signal, session limit
   * @returns the authenticated connection
   * @throws {SshError} as {@link SshConnection.connect}
   * @example
   * ```ts
   * const conn = await SshConnection.open({ node, cfg, ctx, sock: undefined, signal, maxSessions: 10, defaultConnectTimeout: 20, debug: undefined, owned: [] });
   * ```
   * @internal
   */
  static async open(p: OpenParams): Promise<SshConnection> {
    const { cfg, ctx, node } = p;
    const where = { node, host: cfg.hostName, port: cfg.port };
    if (p.signal?.aborted === true) throw abortReason(p.signal);
    if (cfg.proxyCommand !== undefined && cfg.proxyJump.length === 0 && p.sock === undefined) {
      throw new SshConfigError(
        `ProxyCommand "${cfg.proxyCommand}" is not supported by the ssh2 transport (use ProxyJump, or the ssh transport)`,
        where,
      );
    }
    const knownHosts = await ctx.knownHosts([
      ...cfg.userKnownHostsFiles,
      ...cfg.globalKnownHostsFiles,
    ]);
    const identities = await Promise.all(cfg.identityFiles.map((f) => ctx.identity(f)));
    const usable = identities.filter((i) => i.status === 'ok');
    const skipped = identities.filter(
      (i) => i.status === 'encrypted' || (i.status === 'invalid' && cfg.identityFilesConfigured),
    );
    const agentPath =
      cfg.identityAgent !== undefined && existsSync(cfg.identityAgent)
        ? cfg.identityAgent
        : undefined;
    let agent: ReturnType<typeof createFilteredAgent> | string | undefined;
    if (agentPath !== undefined) {
      if (cfg.identitiesOnly) {
        const allowed = identities.flatMap((i) =>
          i.publicBlob === undefined ? [] : [i.publicBlob],
        );
        agent = allowed.length === 0 ? undefined : createFilteredAgent(agentPath, allowed);
      } else agent = agentPath;
    }
    if (agent === undefined && usable.length === 0) {
      throw noIdentityError(cfg, skipped, where, agentPath === undefined);
    }
    const methods: AnyAuthMethod[] = [];
    if (agent !== undefined) methods.push({ type: 'agent', username: cfg.user, agent });
    for (const id of usable) {
      methods.push({
        type: 'publickey',
        username: cfg.user,
        key: id.key as NonNullable<LoadedIdentity['key']>,
      });
    }
    const lookupName = cfg.hostKeyAlias ?? knownHostsName(cfg.hostName, cfg.port);
    const algorithms = ssh2Algorithms(cfg, knownHosts.preferredAlgorithms(lookupName));
    const timeoutMs = (cfg.connectTimeout ?? p.defaultConnectTimeout) * 1000;
    const warnings: string[] = [...cfg.warnings];
    let hostKeyError: SshError | undefined;
    const client = new ssh2.Client();
    const connectConfig: ConnectConfig = {
      host: cfg.hostName,
      port: cfg.port,
      username: cfg.user,
      readyTimeout: timeoutMs,
      // ServerAliveInterval runs in SshConnection (an unreferenced timer), not in ssh2
      keepaliveInterval: 0,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        verifyHostKey(key, {
          knownHosts,
          host: cfg.hostName,
          port: cfg.port,
          hostKeyAlias: cfg.hostKeyAlias,
          strict: cfg.strictHostKeyChecking,
          userKnownHostsFile: cfg.userKnownHostsFiles[0],
          hash: cfg.hashKnownHosts,
          node,
        }).then(
          (r) => {
            if (r.warning !== undefined) warnings.push(r.warning);
            if (r.added) warnings.push(`added ${r.fingerprint} for ${lookupName} to ${r.addedTo}`);
            verify(true);
          },
          (e: unknown) => {
            hostKeyError = toSshError(e, where);
            verify(false);
          },
        );
      },
      authHandler: (
        _left: AuthenticationType[],
        _partial: boolean,
        next: (m: AnyAuthMethod | false) => void,
      ) => {
        next(methods.shift() ?? false);
      },
      ...(algorithms === undefined ? {} : { algorithms }),
      ...(p.sock === undefined ? {} : { sock: p.sock }),
      ...(cfg.addressFamily === 'inet' ? { forceIPv4: true } : {}),
      ...(cfg.addressFamily === 'inet6' ? { forceIPv6: true } : {}),
      ...(p.debug === undefined ? {} : { debug: p.debug }),
    } as ConnectConfig;
    return new Promise<SshConnection>((resolve, reject) => {
      let settled = false;
      let firstError: SshError | undefined;
      const fail = (e: SshError | Error): void => {
        if (settled) return;
        settled = true;
        p.signal?.removeEventListener('abort', onAbort);
        client.removeAllListeners();
        client.on('error', () => {});
        client.destroy();
        reject(e);
      };
      const onAbort = (): void => fail(abortReason(p.signal as AbortSignal));
      p.signal?.addEventListener('abort', onAbort, { once: true });
      client.on('error', (err: unknown) => {
        const level = (err as { level?: unknown }).level;
        if (level === 'agent') {
          warnings.push(`ssh-agent: ${(err as Error).message}`);
          return;
        }
        let mapped = hostKeyError ?? toSshError(err, { ...where, timeoutMs });
        if (mapped.code === 'ERR_SSH_AUTH' && skipped.length > 0) {
          mapped = new SshAuthError(
            'rejected',
            `${mapped.message}; not tried: ${describeSkipped(skipped, agentPath === undefined)}`,
            { ...where, cause: err, skippedKeys: skipped.map((s) => s.path) },
          );
        }
        firstError ??= mapped;
        fail(mapped);
      });
      client.on('close', () => {
        fail(
          firstError ??
            new SshConnectError(
              'closed',
              `connection to ${where.host} port ${where.port} closed during the handshake`,
              where,
            ),
        );
      });
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        p.signal?.removeEventListener('abort', onAbort);
        client.removeAllListeners('error');
        client.removeAllListeners('close');
        resolve(new SshConnection(node, cfg, client, p.maxSessions, warnings, p.owned));
      });
      try {
        client.connect(connectConfig);
        // small SSH packets (channel requests, window adjusts) must not wait for Nagle
        client.setNoDelay(true);
      } catch (e) {
        fail(toSshError(e, where));
      }
    });
  }

  /**
   * ServerAliveInterval: a `keepalive@openssh.com` request every `intervalMs`; more than
   * `countMax` unanswered ones close the connection with an {@link SshTimeoutError}. Run here
   * rather than by `ssh2` (whose interval timer cannot be unreferenced) so that an idle pooled
   * connection never keeps the process alive; it uses the same internals `ssh2`'s own keepalive
   * uses, and stops (TCP keepalive only) if they are missing.
   */
  #keepalive(intervalMs: number, countMax: number): void {
    const inner = this.#client as unknown as {
      _protocol?: { ping?: () => void };
      _callbacks?: unknown[];
    };
    let missed = 0;
    const timer = setInterval(() => {
      const proto = inner._protocol;
      const callbacks = inner._callbacks;
      if (this.#closed || typeof proto?.ping !== 'function' || !Array.isArray(callbacks)) {
        clearInterval(timer);
        return;
      }
      missed += 1;
      if (missed > countMax) {
        clearInterval(timer);
        this.#failure ??= new SshTimeoutError(
          'keepalive',
          `connection to ${this.#target()} timed out: no answer to keepalive`,
          { ...this.#context(), timeoutMs: intervalMs * countMax },
        );
        this.#client.destroy();
        return;
      }
      callbacks.push(() => {
        missed = 0;
      });
      try {
        proto.ping();
      } catch {
        clearInterval(timer);
      }
    }, intervalMs);
    timer.unref();
    this.#closeListeners.push(() => clearInterval(timer));
  }

  /** Whether the connection is closed (by either side). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Channels open now. */
  get activeSessions(): number {
    return this.#slots.used;
  }

  /** Commands waiting for a channel (beyond `maxSessions`). */
  get pendingSessions(): number {
    return this.#slots.waiting;
  }

  #target(): string {
    return this.config.port === 22
      ? this.config.hostName
      : `${this.config.hostName} port ${this.config.port}`;
  }

  #context(): { node: string; host: string; port: number } {
    return { node: this.node, host: this.config.hostName, port: this.config.port };
  }

  #lostError(what: string): SshError {
    return (
      this.#failure ??
      new SshConnectError('closed', `connection to ${this.#target()} lost ${what}`, this.#context())
    );
  }

  /** Called whenever one of our channels closes (wakes opens waiting after a refusal). */
  #notifyChannelClosed(): void {
    const waiters = this.#channelClosed;
    this.#channelClosed = [];
    for (const w of waiters) w();
  }

  /**
   * Opens a channel, retrying when the server refuses it while other channels of ours are open:
   * sshd counts a closed session against `MaxSessions` until its next main-loop pass, so an open
   * right after a close can be refused (reason 2, administratively prohibited).
   */
  async #openChannel<T>(open: () => Promise<T>, what: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await open();
      } catch (e) {
        const cause = (e as { cause?: { reason?: unknown } }).cause;
        const refused = cause?.reason === 2;
        if (!refused || this.#closed || attempt >= 50 || this.#slots.used <= 1) {
          if (refused && this.#slots.used <= 1) {
            throw new SshChannelError(
              `${this.#target()} refused to open a channel for ${what} (MaxSessions, or sessions not allowed)`,
              { ...this.#context(), cause: e },
            );
          }
          throw e;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 20 + attempt * 5);
          this.#channelClosed.push(() => {
            clearTimeout(timer);
            setTimeout(resolve, 1);
          });
        });
      }
    }
  }

  /**
   * Lets the connection's socket keep the process alive (`true`, the default) or not (`false`:
   * an idle connection kept for reuse, as the ssh2 worker's pool does between runs). The
   * keepalive timer never holds the process.
   *
   * @param ref - whether the socket holds the event loop
   * @example
   * ```ts
   * conn.setRef(false); // the process may exit while this connection is idle
   * ```
   */
  setRef(ref: boolean): void {
    const sock = (this.#client as unknown as { _sock?: { ref?: () => void; unref?: () => void } })
      ._sock;
    if (ref) sock?.ref?.();
    else sock?.unref?.();
  }

  /**
   * Registers a callback for when the connection closes (the pool forgets it then).
   *
   * @param listener - called once
   * @example
   * ```ts
   * conn.onClose(() => console.log('gone'));
   * ```
   */
  onClose(listener: () => void): void {
    if (this.#closed) queueMicrotask(listener);
    else this.#closeListeners.push(listener);
  }

  /**
   * Starts a command on a new channel (waiting for a free session when `maxSessions` are open).
   *
   * @param command - the command line, run by the remote user's shell
   * @param options - environment, abort signal
   * @returns the running command
   * @throws {SshChannelError} the server refused the channel or the exec request
   * @throws {SshConnectError} the connection is closed
   * @example
   * ```ts
   * const x = await conn.exec('cat > /tmp/f'); x.stdin.end('data'); await x.done;
   * ```
   */
  async exec(command: string, options: SshExecOptions = {}): Promise<SshExecution> {
    const { signal } = options;
    if (options.pty !== undefined && options.pty !== false) {
      throw new TypeError('pty is not supported');
    }
    if (this.#closed) throw this.#lostError('before the command started');
    await this.#slots.acquire(signal);
    let opened: { channel: ClientChannel; done: Promise<SshExitStatus> };
    try {
      opened = await this.#openChannel(
        () =>
          new Promise<{ channel: ClientChannel; done: Promise<SshExitStatus> }>(
            (resolve, reject) => {
              const execOptions = options.env === undefined ? {} : { env: { ...options.env } };
              try {
                this.#client.exec(command, execOptions, (err, ch) => {
                  if (err !== undefined && err !== null) {
                    reject(
                      this.#closed
                        ? this.#lostError('before the command started')
                        : new SshChannelError(
                            `cannot run a command on ${this.#target()}: ${err.message}`,
                            { ...this.#context(), cause: err },
                          ),
                    );
                  } else {
                    // watch at once: exit-status may arrive in the same packet batch
                    resolve({ channel: ch, done: this.#watch(ch, command, signal) });
                  }
                });
              } catch (e) {
                reject(this.#lostError('before the command started') ?? e);
              }
            },
          ),
        'a command',
      );
    } catch (e) {
      this.#slots.release();
      throw e;
    }
    return new SshExecution(opened.channel, opened.done);
  }

  /**
   * Follows a command channel from the moment it opens: exit status, stream errors, abort;
   * gives its session slot back when it closes.
   */
  #watch(
    channel: ClientChannel,
    command: string,
    signal: AbortSignal | undefined,
  ): Promise<SshExitStatus> {
    const done = new Promise<SshExitStatus>((resolve, reject) => {
      let exit: SshExitStatus | undefined;
      let settled = false;
      let streamError: unknown;
      const settle = (f: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        f();
      };
      const onAbort = (): void => {
        try {
          channel.signal('TERM');
        } catch {
          // closed already
        }
        channel.close();
        settle(() => reject(abortReason(signal as AbortSignal)));
      };
      if (signal?.aborted === true) queueMicrotask(onAbort);
      else signal?.addEventListener('abort', onAbort, { once: true });
      channel.on('exit', (code: number | null, sig?: string, dump?: boolean) => {
        const s = code === null ? (sig ?? null) : null;
        exit = { exitCode: code, signal: s, coreDumped: dump === true, rc: rcOf(code, s) };
      });
      const onStreamError = (e: unknown): void => {
        streamError ??= e;
      };
      channel.on('error', onStreamError);
      channel.stderr.on('error', onStreamError);
      channel.on('close', () => {
        this.#slots.release();
        this.#notifyChannelClosed();
        if (exit !== undefined) {
          const status = exit;
          settle(() => resolve(status));
        } else if (this.#closed || this.#failure !== undefined) {
          settle(() => reject(this.#lostError(`while running "${command}"`)));
        } else if (streamError !== undefined) {
          settle(() => reject(toSshError(streamError, this.#context())));
        } else {
          settle(() => resolve({ exitCode: null, signal: null, coreDumped: false, rc: 255 }));
        }
      });
    });
    done.catch(() => {});
    return done;
  }

  /**
   * Runs a command to its end and gathers its output.
   *
   * @param command - the command line
   * @param options - standard input, environment, abort signal
   * @returns output and exit status (a failing command is a result, not an exception)
   * @throws {SshChannelError} the server refused the channel or the exec request
   * @throws {SshConnectError} the connection closed before the command ended
   * @example
   * ```ts
   * const { stdout, rc } = await conn.run('uname -r');
   * ```
   */
  async run(command: string, options: SshRunOptions = {}): Promise<SshRunResult> {
    const x = await this.exec(command, options);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    x.stdout.on('data', (b: Buffer) => out.push(b));
    x.stderr.on('data', (b: Buffer) => err.push(b));
    const stdin = options.stdin;
    if (stdin === undefined) x.stdin.end();
    else if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) x.stdin.end(stdin);
    else stdin.pipe(x.stdin);
    const status = await x.done;
    await Promise.all([
      finished(x.stdout, { writable: false }).catch(() => {}),
      finished(x.stderr).catch(() => {}),
    ]);
    return { ...status, stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
  }

  /**
   * Opens a `direct-tcpip` channel to `host:port` as seen from the server (what ProxyJump uses).
   *
   * @param host - destination host
   * @param port - destination port
   * @returns the stream
   * @throws {SshChannelError} the server refused (AllowTcpForwarding, unreachable target)
   * @example
   * ```ts
   * const sock = await bastion.forwardOut('10.0.0.7', 22);
   * ```
   */
  forwardOut(host: string, port: number): Promise<Duplex> {
    if (this.#closed) return Promise.reject(this.#lostError('before forwarding'));
    return new Promise<Duplex>((resolve, reject) => {
      try {
        this.#client.forwardOut('127.0.0.1', 0, host, port, (err, ch) => {
          if (err !== undefined && err !== null) {
            reject(
              new SshChannelError(
                `${this.#target()} could not open a forwarded connection to ${host}:${port}: ${err.message}`,
                { ...this.#context(), cause: err },
              ),
            );
          } else resolve(ch);
        });
      } catch (e) {
        reject(toSshError(e, this.#context()));
      }
    });
  }

  async #openSftp(signal?: AbortSignal): Promise<{ sftp: SFTPWrapper; release: () => void }> {
    if (this.#closed) throw this.#lostError('before SFTP started');
    await this.#slots.acquire(signal);
    try {
      const sftp = await this.#openChannel(
        () =>
          new Promise<SFTPWrapper>((resolve, reject) => {
            try {
              this.#client.sftp((err, s) => {
                if (err !== undefined && err !== null) {
                  reject(
                    this.#closed
                      ? this.#lostError('before SFTP started')
                      : new SshChannelError(
                          `cannot start SFTP on ${this.#target()}: ${err.message}`,
                          {
                            ...this.#context(),
                            cause: err,
                          },
                        ),
                  );
                } else resolve(s);
              });
            } catch (e) {
              reject(toSshError(e, this.#context()));
            }
          }),
        'SFTP',
      );
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        this.#slots.release();
        this.#notifyChannelClosed();
        try {
          sftp.end();
        } catch {
          // closed already
        }
      };
      sftp.on('close', release);
      sftp.on('error', () => {});
      return { sftp, release };
    } catch (e) {
      this.#slots.release();
      throw e;
    }
  }

  /**
   * Closes the connection (and its ProxyJump hops); running commands see their channel close.
   *
   * @returns when the socket is closed
   * @example
   * ```ts
   * await conn.close();
   * ```
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#closeWaiters.push(resolve);
      this.#client.end();
      setTimeout(() => {
        if (!this.#closed) this.#client.destroy();
      }, 2000).unref();
    });
  }

  /**
   * Same as {@link SshConnection.close}, for `await using`.
   *
   * @returns when closed
   * @example
   * ```ts
   * await using conn = await SshConnection.connect('n1');
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Makes the packets `ssh2` writes in one turn of the event loop leave in one `writev` call
 * instead of one `write` each: a bulk transfer (SFTP) then costs far fewer system calls and TCP
 * segments. The socket is corked at the first write of a turn and uncorked on the next tick.
 */
function coalesceWrites(client: InstanceType<typeof ssh2.Client>): void {
  const sock = (client as unknown as { _sock?: unknown })._sock;
  if (
    sock === null ||
    typeof sock !== 'object' ||
    typeof (sock as { cork?: unknown }).cork !== 'function' ||
    typeof (sock as { write?: unknown }).write !== 'function'
  ) {
    return;
  }
  const socket = sock as Writable;
  const write = socket.write;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Writable, ...args: unknown[]): boolean {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Writable['write'];
}

function toContextOptions(o: SshConnectOptions): ContextOptions {
  return {
    sshOptions: o.sshOptions,
    config: o.config,
    homeDir: o.homeDir,
    env: o.env,
    localUser: o.localUser,
  };
}

function describeSkipped(skipped: readonly LoadedIdentity[], noAgent: boolean): string {
  return skipped
    .map((s) =>
      s.status === 'encrypted'
        ? `${s.path} (encrypted${noAgent ? ', and no ssh-agent is available' : ''})`
        : `${s.path} (${s.message ?? 'unusable'})`,
    )
    .join(', ');
}

function noIdentityError(
  cfg: SshHostConfig,
  skipped: readonly LoadedIdentity[],
  where: { node: string; host: string; port: number },
  noAgent: boolean,
): SshAuthError {
  const encrypted = skipped.filter((s) => s.status === 'encrypted');
  const agentNote = noAgent
    ? 'no ssh-agent is available (SSH_AUTH_SOCK unset or IdentityAgent none)'
    : 'the ssh-agent holds none of the configured keys (IdentitiesOnly)';
  if (encrypted.length > 0) {
    return new SshAuthError(
      'encrypted-key',
      `cannot authenticate to ${cfg.user}@${cfg.hostName}: identity file ${encrypted.map((e) => e.path).join(', ')} is encrypted (passphrase-protected) and ${agentNote}; the ssh2 transport never prompts: load the key with ssh-add, or use an unencrypted key`,
      { ...where, skippedKeys: skipped.map((s) => s.path) },
    );
  }
  return new SshAuthError(
    'no-identity',
    `cannot authenticate to ${cfg.user}@${cfg.hostName}: no usable identity (tried ${cfg.identityFiles.join(', ')}${skipped.length > 0 ? `; unusable: ${describeSkipped(skipped, noAgent)}` : ''}) and ${agentNote}`,
    { ...where, skippedKeys: skipped.map((s) => s.path) },
  );
}

/** How a jump hop is obtained (shared by a pool, owned by a standalone connection). */
export type JumpProvider = (
  hop: SshJumpHost,
  via: SshConnection | undefined,
  signal: AbortSignal | undefined,
) => Promise<SshConnection>;

/**
 * Connects to a target through its ProxyJump chain (used by {@link SshConnection.connect} and
 * {@link SshPool}; not re-exported).
 *
 * @param node - the target node name
 * @param base - shared parameters
 * @param owned - hops owned by the result (closed with it)
 * @param jump - provides each hop
 * @returns the connection
 * @throws {SshError} as {@link SshConnection.connect}
 * @example
 * ```ts
 * const conn = await establish('node1', base, [], (hop, via, signal) => openHop(hop, via, signal));
 * ```
 * @internal
 */
export async function establish(
  node: string,
  base: {
    readonly ctx: SshContext;
    readonly signal: AbortSignal | undefined;
    readonly maxSessions: number;
    readonly defaultConnectTimeout: number;
    readonly debug: ((line: string) => void) | undefined;
  },
  owned: readonly SshConnection[],
  jump: JumpProvider,
): Promise<SshConnection> {
  const cfg = await base.ctx.resolve(node);
  let via: SshConnection | undefined;
  for (const hop of cfg.proxyJump) via = await jump(hop, via, base.signal);
  const sock = via === undefined ? undefined : await via.forwardOut(cfg.hostName, cfg.port);
  return SshConnection.open({ ...base, node, cfg, sock, owned });
}
