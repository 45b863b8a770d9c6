import { Writable } from 'node:stream';
import {
  type Engine,
  EngineClientError,
  type EventHandler,
  type WorkerHost,
} from '@cluster-task/engine';
import {
  CopyClient,
  ExecClient,
  type ExecClientOptions,
  ExecWorker,
  type ExecWorkerOptions,
} from './exec-worker.js';
import { debugCommand } from './internal/debug.js';
import {
  killGroupCommand,
  MARKER_SEARCH_LINES,
  parsePidReport,
  remoteKillEnabled,
  withPidReport,
} from './internal/remote-pid.js';
import {
  connectTimeoutOf,
  copyOptionWords,
  reverseTarget,
  sshOptionWords,
} from './internal/ssh-args.js';
import type { SshExecution, SshExitStatus } from './ssh2/connection.js';
import {
  isSshError,
  type SshError,
  SshProtocolError,
  SshSftpError,
  SshSignalError,
} from './ssh2/errors.js';
import type { PoolLease } from './ssh2/internal/worker-runtime.js';
import type { SftpProgress } from './ssh2/sftp.js';

type Runtime = typeof import('./ssh2/internal/worker-runtime.js');

let runtime: Promise<Runtime> | undefined;

/** Loads the part that uses the `ssh2` library, once, on first use. */
function loadRuntime(): Promise<Runtime> {
  runtime ??= import('./ssh2/internal/worker-runtime.js');
  return runtime;
}

/** Default seconds an idle task's connections stay open (info `ssh2_persist`). */
const DEFAULT_PERSIST = 10;

/** Internal reader names; lines are renamed to the worker's stream names. */
const OUT = 'ssh2:stdout';
const ERR = 'ssh2:stderr';

/**
 * Progress of a copy on one node (`ssh2` transport): bytes and files done and to do, and the
 * file being copied.
 *
 * @category Workers
 * @example
 * ```ts
 * const p: CopyProgress = { bytesDone: 1024, bytesTotal: 4096, filesDone: 0, filesTotal: 1, file: '/tmp/f' };
 * ```
 */
export type CopyProgress = SftpProgress;

/**
 * An {@link EventHandler} that also receives copy progress from an {@link Ssh2Worker}.
 *
 * @category Workers
 * @example
 * ```ts
 * const handler: Ssh2EventHandler = {
 *   onCopyProgress: (worker, node, p) => console.log(node, `${p.bytesDone}/${p.bytesTotal}`),
 * };
 * task.copy('/data/big', '/scratch/big', 'n[1-16]', { handler });
 * ```
 */
export interface Ssh2EventHandler extends EventHandler {
  /**
   * Bytes of a node's copy were acknowledged (called often: every SFTP write or read).
   *
   * @param worker - the worker
   * @param node - the node
   * @param progress - bytes and files done and to do
   */
  onCopyProgress?(worker: Ssh2Worker, node: string, progress: CopyProgress): void;
}

function poolSettings(host: WorkerHost | undefined, words: readonly string[]) {
  const persist = Number(host?.info('ssh2_persist') ?? DEFAULT_PERSIST);
  const maxSessions = host?.info('ssh2_max_sessions');
  return {
    words,
    persist: Number.isFinite(persist) ? persist : DEFAULT_PERSIST,
    maxSessions: typeof maxSessions === 'number' && maxSessions >= 1 ? maxSessions : undefined,
  };
}

function asSshError(e: unknown, node: string): SshError {
  if (isSshError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new SshProtocolError(`ssh error with ${node}: ${message}`, { node, cause: e });
}

/** A writable that forwards to a channel's stdin without ever destroying the channel. */
function stdinOf(execution: SshExecution): Writable {
  const sink = execution.stdin;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (sink.destroyed || sink.writableEnded) {
        callback();
        return;
      }
      sink.write(chunk, (err) => callback(err ?? null));
    },
    final(callback) {
      if (!sink.destroyed && !sink.writableEnded) sink.end();
      callback();
    },
  });
}

/**
 * The engine client of one node of an {@link Ssh2Worker}: a command on a channel of the node's
 * pooled connection (the `ssh2` library, in process). Same command, info keys and return codes
 * as {@link SshClient}: the remote exit status, 128 + signal when killed (an
 * {@link SshSignalError} then), 255 when the connection fails (with the typed error, also
 * printed as one stderr line `ssh2: <message>`).
 *
 * @category Workers
 * @example
 * ```ts
 * const worker = new Ssh2Worker({ nodes: 'n[1-2]', command: 'uname -r' });
 * worker.clients[0] instanceof Ssh2Client; // true
 * ```
 */
export class Ssh2Client extends ExecClient {
  #lease: PoolLease | undefined;
  #rt: Runtime | undefined;
  #controller: AbortController | undefined;
  #status: SshExitStatus | undefined;
  #failure: SshError | undefined;
  #remotePid: number | undefined;
  #searching = 0;

  /**
   * Creates the client of one node.
   *
   * @param worker - the owning worker
   * @param key - the node name
   * @param nodes - the nodes it stands for
   * @param rank - rank of the node
   * @param command - the command, placeholders replaced
   * @param options - stderr, timeout, autoclose
   * @example
   * ```ts
   * new Ssh2Client(worker, 'n1', ['n1'], 0, 'uptime', { timeout: 10 });
   * ```
   */
  constructor(
    worker: Ssh2Worker,
    key: string,
    nodes: readonly string[],
    rank: number,
    command: string,
    options: ExecClientOptions = {},
  ) {
    super(worker, key, nodes, rank, command, options);
  }

  /**
   * The pid of the remote shell (its process group), once reported; see {@link SshClient.remotePid}.
   *
   * @example
   * ```ts
   * client.remotePid; // 48211
   * ```
   */
  get remotePid(): number | undefined {
    return this.#remotePid;
  }

  protected override _start(): void {
    const worker = this.worker as Ssh2Worker;
    const host = worker.task;
    const words = sshOptionWords(host);
    const kill = remoteKillEnabled(host);
    this.#searching = kill ? MARKER_SEARCH_LINES : 0;
    const command = kill ? withPidReport(this.command ?? '') : (this.command ?? '');
    debugCommand(worker, 'Ssh2Client', { argv: ['ssh2', ...words, this.key, command] });
    for (const node of this.nodes) worker.emitPickup(node);
    const release = this.hold();
    const controller = new AbortController();
    this.#controller = controller;
    const engine = (host?.engine ?? worker) as object;
    void loadRuntime().then(
      this.guarded((rt: Runtime) => {
        if (this.state !== 'running') {
          release();
          return;
        }
        this.#rt = rt;
        let lease: PoolLease;
        try {
          lease = rt.leasePool(engine, poolSettings(host, words));
        } catch (e) {
          // malformed ssh options: this node fails like ssh would (rc 255), not the run
          this.#fail(e, release);
          return;
        }
        this.#lease = lease;
        rt.execOn(lease, this.key, command, controller.signal).then(
          this.guarded((x: SshExecution) => this.#attach(x, release)),
          this.guarded((e: unknown) => this.#fail(e, release)),
        );
      }),
      this.guarded((e: unknown) => {
        release();
        this.fail(
          new EngineClientError(`cannot load the ssh2 transport: ${(e as Error).message}`, {
            cause: e,
          }),
        );
      }),
    );
  }

  #attach(x: SshExecution, release: () => void): void {
    if (this.state !== 'running') {
      x.close();
      release();
      return;
    }
    const worker = this.worker as Ssh2Worker;
    this.addReader(OUT, x.stdout);
    this.addReader(ERR, x.stderr);
    this.addWriter(worker.snameStdin, stdinOf(x), { retain: false });
    x.done.then(
      this.guarded((status: SshExitStatus) => {
        this.#status = status;
        if (status.signal !== null) {
          this.#failure = new SshSignalError(
            status.signal,
            `remote command on ${this.key} killed by ${status.signal}`,
            { node: this.key, coreDumped: status.coreDumped },
          );
        }
        release();
      }),
      this.guarded((e: unknown) => this.#fail(e, release)),
    );
  }

  #fail(e: unknown, release: () => void): void {
    if (this.state !== 'running') {
      release();
      return;
    }
    const failure = asSshError(e, this.key);
    this.#failure = failure;
    const worker = this.worker as Ssh2Worker;
    const sname = this.separateStderr ? worker.snameStderr : worker.snameStdout;
    const line = Buffer.from(`ssh2: ${failure.message}`);
    for (const node of this.nodes) worker.emitRead(node, sname, line);
    release();
  }

  protected override _onLine(sname: string, line: Buffer): void {
    const worker = this.worker;
    if (this.#searching > 0 && sname === OUT) {
      const pid = parsePidReport(line);
      if (pid !== undefined) {
        this.#remotePid = pid;
        this.#searching = 0;
        return;
      }
      this.#searching -= 1;
    }
    const target = sname === OUT || !this.separateStderr ? worker.snameStdout : worker.snameStderr;
    for (const node of this.nodes) {
      if (this.state !== 'running') return;
      worker.emitRead(node, target, line);
    }
  }

  protected override _close(abort: boolean, timedout: boolean): void {
    const worker = this.worker as Ssh2Worker;
    const status = this.#status;
    const failure = this.#failure;
    const lease = this.#lease;
    let kill: Promise<void> | undefined;
    if (status === undefined && (failure === undefined || abort)) {
      this.#controller?.abort();
      const pid = this.#remotePid;
      if (abort && pid !== undefined && lease !== undefined && this.#rt !== undefined) {
        const limit = ((connectTimeoutOf(worker.task) ?? 10) + 5) * 1000;
        kill = this.#rt.runQuietly(lease, this.key, killGroupCommand(pid), limit);
      }
    }
    if (lease !== undefined) {
      if (kill === undefined) lease.release();
      else this.drain(kill.finally(() => lease.release()));
    }
    let timeoutRecorded = false;
    if (status !== undefined && (status.signal === null || !abort)) {
      for (const node of this.nodes) {
        if (failure !== undefined) worker._setFailure(node, failure);
        worker.emitHup(node, status.rc);
      }
    } else if (failure !== undefined && status === undefined && !abort) {
      for (const node of this.nodes) {
        worker._setFailure(node, failure);
        worker.emitHup(node, 255);
      }
    } else if (timedout) {
      timeoutRecorded = true;
      for (const node of this.nodes) worker.emitTimeout(node);
    }
    worker._clientDone(this, timeoutRecorded);
  }
}

/**
 * The engine client of one node's copy over SFTP (`ssh2` transport): push a file or a tree to
 * `dest` (into `dest/<basename>` when it is a directory, as scp), or pull into
 * `dest/<basename(source)>.<node>` (rcopy). Streamed in chunks, never read whole, with progress
 * through {@link Ssh2EventHandler.onCopyProgress}. rc 0 when done, 1 on a file error (with an
 * `scp: …` line), 255 when the connection fails.
 *
 * @category Workers
 * @example
 * ```ts
 * const worker = new Ssh2Worker({ nodes: 'n1', source: '/etc/hosts', dest: '/tmp/hosts' });
 * worker.clients[0] instanceof Ssh2CopyClient; // true
 * ```
 */
export class Ssh2CopyClient extends CopyClient {
  #lease: PoolLease | undefined;
  #controller: AbortController | undefined;
  #rc: number | undefined;
  #failure: SshError | undefined;

  protected override _start(): void {
    const worker = this.worker as Ssh2Worker;
    const host = worker.task;
    const words = copyOptionWords(host);
    const target = this.reverse ? reverseTarget(this.source, this.dest, this.key) : this.dest;
    debugCommand(worker, 'Ssh2CopyClient', {
      argv: this.reverse
        ? ['sftp', ...words, `${this.key}:${this.source}`, target]
        : ['sftp', ...words, this.source, `${this.key}:${target}`],
    });
    worker.emitPickup(this.key);
    const release = this.hold();
    const controller = new AbortController();
    this.#controller = controller;
    const engine = (host?.engine ?? worker) as object;
    void loadRuntime().then(
      this.guarded((rt: Runtime) => {
        if (this.state !== 'running') {
          release();
          return;
        }
        let lease: PoolLease;
        try {
          lease = rt.leasePool(engine, poolSettings(host, words));
        } catch (e) {
          this.#fail(e, release);
          return;
        }
        this.#lease = lease;
        rt.copyOn(lease, {
          node: this.key,
          source: this.source,
          target,
          reverse: this.reverse,
          preserve: this.preserve,
          signal: controller.signal,
          onProgress: this.guarded((p: SftpProgress) => {
            if (this.state === 'running') worker._progress(this.key, p);
          }),
        }).then(
          this.guarded(() => {
            this.#rc = 0;
            release();
          }),
          this.guarded((e: unknown) => this.#fail(e, release)),
        );
      }),
      this.guarded((e: unknown) => {
        release();
        this.fail(
          new EngineClientError(`cannot load the ssh2 transport: ${(e as Error).message}`, {
            cause: e,
          }),
        );
      }),
    );
  }

  #fail(e: unknown, release: () => void): void {
    if (this.state === 'running') {
      const worker = this.worker as Ssh2Worker;
      const failure = asSshError(e, this.key);
      this.#failure = failure;
      this.#rc = failure instanceof SshSftpError ? 1 : 255;
      const sname = this.separateStderr ? worker.snameStderr : worker.snameStdout;
      const prefix = failure instanceof SshSftpError ? 'scp' : 'ssh2';
      worker.emitRead(this.key, sname, Buffer.from(`${prefix}: ${failure.message}`));
    }
    release();
  }

  protected override _close(abort: boolean, timedout: boolean): void {
    const worker = this.worker as Ssh2Worker;
    const rc = this.#rc;
    if (rc === undefined) this.#controller?.abort();
    this.#lease?.release();
    let timeoutRecorded = false;
    if (rc !== undefined) {
      if (this.#failure !== undefined) worker._setFailure(this.key, this.#failure);
      worker.emitHup(this.key, rc);
    } else if (timedout) {
      timeoutRecorded = true;
      worker.emitTimeout(this.key);
    } else if (!abort) {
      worker.emitHup(this.key, 255);
    }
    worker._clientDone(this, timeoutRecorded);
  }
}

/**
 * Options of an {@link Ssh2Worker}: those of every distant worker.
 *
 * @category Workers
 * @example
 * ```ts
 * const options: Ssh2WorkerOptions = { nodes: 'n[1-512]', command: 'uptime' };
 * ```
 */
export type Ssh2WorkerOptions = ExecWorkerOptions;

/**
 * Runs a command on many nodes, or copies files, through the `ssh2` library inside this process
 * (`distant_workername: 'ssh2'`): no `ssh` process per node, far less client CPU, and one
 * connection per node reused by every command and copy of the task.
 *
 * It reads the same info keys as {@link SshWorker}: `ssh_user`, `ssh_options` (with `-F FILE`,
 * `-o Key=Value`, `-p`, `-i`, `-l`, `-J`, parsed like OpenSSH, and the OpenSSH configuration
 * files: Host, HostName, User, Port, IdentityFile, IdentitiesOnly, ProxyJump, ConnectTimeout,
 * StrictHostKeyChecking, UserKnownHostsFile…), `connect_timeout`, `scp_user`/`scp_options` for
 * copies, `ssh_remote_kill`; `ssh_path` and `scp_path` do not apply. Its own: `ssh2_persist`
 * (seconds idle connections stay open between runs, default 10; 0 closes them when idle) and
 * `ssh2_max_sessions` (channels at once per connection, default 10, sshd's `MaxSessions`).
 *
 * Each node fails alone, with a typed error ({@link Ssh2Worker.nodeFailure}) and rc 255 for the
 * connection kinds; copies use SFTP with scp's semantics and report progress. The `ssh2` library
 * is loaded when the first command starts (a dynamic import), never by the exec path.
 *
 * @category Workers
 * @example
 * ```ts
 * task.setDefault('distant_workername', 'ssh2');
 * task.setInfo('ssh_options', '-F ~/.ssh/cluster_config');
 * await task.run('uname -r', { nodes: 'n[1-512]' });
 * await task.run('uptime', { nodes: 'n[1-512]' }); // same connections
 * await closeSsh2Connections(task);
 * ```
 */
export class Ssh2Worker extends ExecWorker {
  #failures: Map<string, SshError> | undefined;
  #progress: Map<string, CopyProgress> | undefined;

  /**
   * Creates the worker and one client per node.
   *
   * @param options - nodes, command or copy paths, handler, timeout, stderr, autoclose
   * @throws {WorkerArgumentError} without command nor source, or for a reverse copy whose
   *   `dest` is not a directory
   * @throws {WorkerPatternError} on a bad placeholder
   * @throws {NodeSetParseError} on a malformed node set
   * @example
   * ```ts
   * new Ssh2Worker({ nodes: 'n[1-16]', source: '/data/big', dest: '/scratch/big' });
   * ```
   */
  constructor(options: Ssh2WorkerOptions) {
    super(options);
  }

  /**
   * Keeps commands and copy paths as given: like ClusterShell's ssh worker, `%h`, `%n` and
   * `%hosts` are not replaced (a `%` needs no escaping); `%hosts` still makes one client for
   * all nodes, as in ClusterShell.
   *
   * @param pattern - the command or path
   * @returns the pattern, unchanged
   * @example
   * ```ts
   * new SshWorker({ nodes: 'n1', command: 'echo 100%' }); // sends "echo 100%"
   * ```
   */
  protected override expandPattern(pattern: string): string {
    return pattern;
  }

  protected override createShellClient(
    key: string,
    nodes: readonly string[],
    rank: number,
    command: string,
    options: ExecClientOptions,
  ): ExecClient {
    return new Ssh2Client(this, key, nodes, rank, command, options);
  }

  protected override createCopyClient(
    key: string,
    rank: number,
    source: string,
    dest: string,
    isDir: boolean,
    options: ExecClientOptions & { readonly preserve?: boolean; readonly reverse?: boolean },
  ): ExecClient {
    return new Ssh2CopyClient(this, key, rank, source, dest, isDir, options);
  }

  /**
   * Why a node failed, as a typed error: a connection failure (`SshConnectError`,
   * `SshTimeoutError`, `SshAuthError`, `SshHostKeyError`, `SshProtocolError`, `SshChannelError`,
   * `SshConfigError`: rc 255), a copy error (`SshSftpError`: rc 1) or a command killed by a
   * signal (`SshSignalError`: rc 128 + signal).
   *
   * @param node - node name
   * @returns the error, or undefined when the node did not fail
   * @example
   * ```ts
   * const e = worker.nodeFailure('n3');
   * if (e instanceof SshHostKeyError) console.error(e.reason, e.fingerprint);
   * ```
   */
  nodeFailure(node: string): SshError | undefined {
    return this.#failures?.get(node);
  }

  /**
   * Each failed node with its typed error (see {@link Ssh2Worker.nodeFailure}).
   *
   * @returns `[node, error]` pairs
   * @example
   * ```ts
   * for (const [node, e] of worker.iterFailures()) console.error(node, e.code, e.message);
   * ```
   */
  iterFailures(): Iterable<readonly [string, SshError]> {
    return this.#failures ?? new Map<string, SshError>();
  }

  /**
   * The last progress of a node's copy.
   *
   * @param node - node name
   * @returns the progress, or undefined before the first bytes (or for commands)
   * @example
   * ```ts
   * const p = worker.copyProgress('n1');
   * if (p) console.log(`${Math.round((100 * p.bytesDone) / p.bytesTotal)}%`);
   * ```
   */
  copyProgress(node: string): CopyProgress | undefined {
    return this.#progress?.get(node);
  }

  /**
   * Records a node's failure (called by the clients before `onHup`).
   *
   * @param node - node name
   * @param failure - the error
   * @internal
   */
  _setFailure(node: string, failure: SshError): void {
    this.#failures ??= new Map();
    this.#failures.set(node, failure);
  }

  /**
   * Records a node's copy progress and raises `onCopyProgress`.
   *
   * @param node - node name
   * @param progress - the progress
   * @internal
   */
  _progress(node: string, progress: CopyProgress): void {
    this.#progress ??= new Map();
    this.#progress.set(node, progress);
    (this.handler as Ssh2EventHandler | undefined)?.onCopyProgress?.(this, node, progress);
  }
}

/**
 * Closes the pooled `ssh2` connections of a task (or engine) now, instead of after the
 * `ssh2_persist` delay. Safe to call at any time; resolves at once when the `ssh2` transport was
 * never used. Commands still running on those connections fail.
 *
 * @param owner - the task (any worker host) or its engine
 * @returns once every socket is closed
 * @category Workers
 * @example
 * ```ts
 * await task.run('hostname', { nodes: 'n[1-64]' });
 * await closeSsh2Connections(task);
 * ```
 */
export async function closeSsh2Connections(
  owner: { readonly engine: Engine } | Engine,
): Promise<void> {
  if (runtime === undefined) return;
  const rt = await runtime;
  const engine: object = (owner as { readonly engine?: Engine }).engine ?? owner;
  await rt.closePools(engine);
}
