/**
 * A pool of SSH connections keyed by user, host and port: one connection per key, reused by every
 * command of a task (at most `maxSessions` channels at once on each), shared ProxyJump hops,
 * one configuration, known_hosts and key cache for all.
 */
import {
  SshConnection as Connection,
  establish,
  type SshConnection,
  type SshExecOptions,
  type SshExecution,
  type SshRunOptions,
  type SshRunResult,
} from './connection.js';
import { SshConnectError } from './errors.js';
import { SshContext } from './internal/context.js';
import { abortReason } from './internal/error-adapter.js';
import type { SshCommandLine, SshConfig, SshHostConfig } from './ssh-config.js';

/** Options of {@link SshPool}. */
export interface SshPoolOptions {
  /**
   * ssh command-line options as in ClusterShell's `ssh_options` (`-F`, `-o`, `-p`, `-i`, `-l`, `-J`).
   * @defaultValue none
   */
  readonly sshOptions?: string | readonly string[] | SshCommandLine;
  /**
   * A configuration already loaded.
   * @defaultValue loaded on first use (the `-F` file, or the user and system files)
   */
  readonly config?: SshConfig;
  /**
   * Channels at once per connection (sshd's `MaxSessions`, 10 by default on OpenSSH).
   * @defaultValue 10
   */
  readonly maxSessions?: number;
  /**
   * Handshake timeout in seconds when the configuration has no `ConnectTimeout`.
   * @defaultValue 20
   */
  readonly defaultConnectTimeout?: number;
  /**
   * Home directory for `~`, `%d` and `~/.ssh/config`.
   * @defaultValue the process user's
   */
  readonly homeDir?: string;
  /**
   * Environment (`SSH_AUTH_SOCK`, `${VAR}`).
   * @defaultValue `process.env`
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Local user name.
   * @defaultValue the process user's
   */
  readonly localUser?: string;
  /** Receives `ssh2` debug lines. */
  readonly debug?: (line: string) => void;
}

/** Counters of a pool. */
export interface SshPoolStats {
  /** Connections opened successfully since the pool was made (targets and hops). */
  readonly opened: number;
  /** Connection attempts that failed. */
  readonly failed: number;
  /** Connections open now. */
  readonly open: number;
}

/** Waits for `promise`, or rejects with the abort reason when `signal` fires first. */
function withAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function keyOf(cfg: SshHostConfig, via: string): string {
  // two aliases of one host with other keys or host-key settings are two connections, as with
  // OpenSSH: sharing would authenticate or verify one of them with the other's settings
  const auth = JSON.stringify([
    cfg.identityFiles,
    cfg.identitiesOnly,
    cfg.identityAgent ?? null,
    cfg.hostKeyAlias ?? null,
    cfg.userKnownHostsFiles,
    cfg.globalKnownHostsFiles,
    cfg.strictHostKeyChecking,
  ]);
  return `${via}>${cfg.user}@${cfg.hostName}:${cfg.port}#${auth}`;
}

/**
 * Connections to many nodes, reused across commands. Close it (or `await using`) when the task
 * ends: every socket it opened is closed then.
 *
 * @example
 * ```ts
 * await using pool = new SshPool({ sshOptions: '-F /tmp/fleet/ssh_config' });
 * const results = await Promise.all(['n1', 'n2'].map((n) => pool.run(n, 'hostname')));
 * ```
 */
export class SshPool implements AsyncDisposable {
  readonly #ctx: SshContext;
  readonly #options: SshPoolOptions;
  readonly #connections = new Map<string, Promise<SshConnection>>();
  #opened = 0;
  #open = 0;
  #failed = 0;
  #closed = false;
  #ref = true;
  readonly #live = new Set<SshConnection>();
  /** The attempts close() waits for (it closes them itself). */
  #closingSnapshot = new Set<Promise<SshConnection>>();

  /**
   * @param options - ssh options, configuration, session limit
   * @throws {SshConfigError} when `sshOptions` is malformed
   */
  constructor(options: SshPoolOptions = {}) {
    this.#options = options;
    this.#ctx = new SshContext({
      sshOptions: options.sshOptions,
      config: options.config,
      homeDir: options.homeDir,
      env: options.env,
      localUser: options.localUser,
    });
  }

  /** Counters. */
  get stats(): SshPoolStats {
    return { opened: this.#opened, failed: this.#failed, open: this.#open };
  }

  #base(signal: AbortSignal | undefined): {
    ctx: SshContext;
    signal: AbortSignal | undefined;
    maxSessions: number;
    defaultConnectTimeout: number;
    debug: ((line: string) => void) | undefined;
  } {
    return {
      ctx: this.#ctx,
      signal,
      maxSessions: this.#options.maxSessions ?? 10,
      defaultConnectTimeout: this.#options.defaultConnectTimeout ?? 20,
      debug: this.#options.debug,
    };
  }

  #track(key: string, attempt: Promise<SshConnection>): Promise<SshConnection> {
    this.#connections.set(key, attempt);
    attempt.then(
      (conn) => {
        this.#opened++;
        this.#open++;
        this.#live.add(conn);
        // an attempt that ends after close(): nobody will use it
        if (this.#closed && !this.#closingSnapshot.has(attempt)) void conn.close();
        if (!this.#ref) conn.setRef(false);
        conn.onClose(() => {
          this.#open--;
          this.#live.delete(conn);
          if (this.#connections.get(key) === attempt) this.#connections.delete(key);
        });
      },
      () => {
        this.#failed++;
        if (this.#connections.get(key) === attempt) this.#connections.delete(key);
      },
    );
    return attempt;
  }

  /**
   * The connection to a node: the open one for its user, host and port, or a new one.
   * Concurrent calls for the same node share one attempt; an aborted signal abandons this
   * caller's wait only (the attempt goes on for the others, bounded by ConnectTimeout).
   *
   * @param node - the node name
   * @param options - abort signal
   * @returns the connection
   * @throws {SshError} the connection errors of {@link SshConnection.connect}
   * @example
   * ```ts
   * const conn = await pool.connect('node1');
   * ```
   */
  async connect(
    node: string,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<SshConnection> {
    if (this.#closed) {
      throw new SshConnectError('closed', `cannot connect to ${node}: the SshPool is closed`, {
        node,
      });
    }
    const cfg = await this.#ctx.resolve(node);
    // closed while the configuration was read: open nothing the close would not see
    if (this.#closed) {
      throw new SshConnectError('closed', `cannot connect to ${node}: the SshPool is closed`, {
        node,
      });
    }
    const jumpKey = cfg.proxyJump.map((h) => `${h.user ?? ''}@${h.host}:${h.port ?? ''}`).join(',');
    const key = keyOf(cfg, jumpKey);
    const existing = this.#connections.get(key);
    if (existing !== undefined) return withAbort(existing, options.signal);
    // the attempt is shared: it is not tied to this caller's signal, only its wait is
    const base = this.#base(undefined);
    const attempt = establish(node, base, [], async (hop, via, signal) => {
      const hopCfg = await this.#ctx.resolveHop(hop);
      const hopKey = keyOf(hopCfg, `jump:${via === undefined ? '' : via.node}`);
      const shared = this.#connections.get(hopKey);
      if (shared !== undefined) return shared;
      const sock =
        via === undefined ? undefined : await via.forwardOut(hopCfg.hostName, hopCfg.port);
      return this.#track(
        hopKey,
        Connection.open({ ...this.#base(signal), node: hop.host, cfg: hopCfg, sock, owned: [] }),
      );
    });
    return withAbort(this.#track(key, attempt), options.signal);
  }

  /**
   * Starts a command on a node (connecting first when needed).
   *
   * @param node - the node name
   * @param command - the command line
   * @param options - environment, abort signal
   * @returns the running command
   * @throws {SshError} connection and channel errors
   * @example
   * ```ts
   * const x = await pool.exec('node1', 'cat'); x.stdin.end('hi'); await x.done;
   * ```
   */
  async exec(node: string, command: string, options: SshExecOptions = {}): Promise<SshExecution> {
    const conn = await this.connect(
      node,
      options.signal === undefined ? {} : { signal: options.signal },
    );
    return conn.exec(command, options);
  }

  /**
   * Runs a command on a node to its end.
   *
   * @param node - the node name
   * @param command - the command line
   * @param options - standard input, environment, abort signal
   * @returns output and exit status
   * @throws {SshError} connection and channel errors
   * @example
   * ```ts
   * const { stdout } = await pool.run('node1', 'echo $SSH_CONNECTION');
   * ```
   */
  async run(node: string, command: string, options: SshRunOptions = {}): Promise<SshRunResult> {
    const conn = await this.connect(
      node,
      options.signal === undefined ? {} : { signal: options.signal },
    );
    return conn.run(command, options);
  }

  /**
   * Lets the pool's sockets keep the process alive or not (see {@link SshConnection.setRef});
   * connections opened later follow the last setting.
   *
   * @param ref - whether the sockets hold the event loop
   * @example
   * ```ts
   * pool.setRef(false); // idle: the process may exit, the connections stay for reuse
   * ```
   */
  setRef(ref: boolean): void {
    this.#ref = ref;
    for (const conn of this.#live) conn.setRef(ref);
  }

  /**
   * Closes every connection (targets first, then hops).
   *
   * @returns when all sockets are closed
   * @example
   * ```ts
   * await pool.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#connections.entries()];
    this.#closingSnapshot = new Set(all.map(([, p]) => p));
    this.#connections.clear();
    const settled = await Promise.allSettled(all.map(([, p]) => p));
    const conns = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const hops = new Set(all.filter(([k]) => k.includes('jump:')).map(([, p]) => p));
    const targets = conns.filter(
      (_c, i) => !hops.has((all[i] as [string, Promise<SshConnection>])[1]),
    );
    await Promise.all(targets.map((c) => c.close()));
    await Promise.all(conns.map((c) => c.close()));
  }

  /**
   * Same as {@link SshPool.close}, for `await using`.
   *
   * @returns when closed
   * @example
   * ```ts
   * await using pool = new SshPool();
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
