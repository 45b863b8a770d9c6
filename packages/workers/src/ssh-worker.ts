import { spawn } from 'node:child_process';
import {
  CopyClient,
  ExecClient,
  type ExecClientOptions,
  ExecWorker,
  type ExecWorkerOptions,
} from './exec-worker.js';
import type { CommandSpec } from './internal/process.js';
import {
  killGroupCommand,
  MARKER_SEARCH_LINES,
  parsePidReport,
  remoteKillEnabled,
  withPidReport,
} from './internal/remote-pid.js';
import { connectTimeoutOf, scpArgv, sshArgv } from './internal/ssh-args.js';
import { classifySshFailure, SshMessageLog } from './internal/ssh-failure.js';
import type { SshError } from './ssh2/errors.js';

/** Seconds a remote kill may take beyond the connect timeout before its ssh is killed. */
const KILL_GRACE = 5;

/**
 * The engine client of one node of an {@link SshWorker}: an OpenSSH `ssh` process, with
 * ClusterShell's command line (`ssh_path`, `ssh_options`, `-oForwardAgent=no -oForwardX11=no`,
 * `-l ssh_user`, `-oConnectTimeout=N`, `-oBatchMode=yes`, the node, the command). Its return
 * code is the remote command's, or 255 when ssh itself fails.
 *
 * Unless the info key `ssh_remote_kill` is false, the command is prefixed with a pid report
 * (`echo <marker>$$;`, removed from the output), so that an abort or a timeout also kills the
 * remote process group, through a second `ssh … kill -9 -<pid>`.
 *
 * @category Workers
 * @example
 * ```ts
 * const worker = new SshWorker({ nodes: 'n[1-2]', command: 'uname -r' });
 * worker.clients[0] instanceof SshClient; // true
 * ```
 */
export class SshClient extends ExecClient {
  #remotePid: number | undefined;
  #searching = 0;
  #killed = false;
  readonly #log = new SshMessageLog();

  /**
   * Creates the client of one node (or of all nodes with `%hosts`, as ClusterShell).
   *
   * @param worker - the owning worker
   * @param key - the node name
   * @param nodes - the nodes it stands for
   * @param rank - rank of the node
   * @param command - the command, placeholders replaced
   * @param options - stderr, timeout, autoclose
   * @example
   * ```ts
   * new SshClient(worker, 'n1', ['n1'], 0, 'uptime', { timeout: 10 });
   * ```
   */
  constructor(
    worker: SshWorker,
    key: string,
    nodes: readonly string[],
    rank: number,
    command: string,
    options: ExecClientOptions = {},
  ) {
    super(worker, key, nodes, rank, command, options);
  }

  /**
   * The pid of the remote shell (its process group), once it reported it; undefined before, or
   * when `ssh_remote_kill` is false.
   *
   * @example
   * ```ts
   * client.remotePid; // 48211
   * ```
   */
  get remotePid(): number | undefined {
    return this.#remotePid;
  }

  /**
   * The OpenSSH messages this node printed (candidates for {@link SshWorker.nodeFailure}).
   *
   * @example
   * ```ts
   * client.sshMessages; // ['ssh: connect to host 10.0.0.7 port 22: Connection refused']
   * ```
   */
  get sshMessages(): readonly string[] {
    return this.#log.lines;
  }

  protected override buildCommand(): CommandSpec {
    const host = this.worker.task;
    const kill = remoteKillEnabled(host);
    this.#searching = kill ? MARKER_SEARCH_LINES : 0;
    const command = this.command ?? '';
    return { argv: sshArgv(host, this.key, kill ? withPidReport(command) : command) };
  }

  protected override _onLine(sname: string, line: Buffer): void {
    if (this.#searching > 0 && sname === this.worker.snameStdout) {
      const pid = parsePidReport(line);
      if (pid !== undefined) {
        this.#remotePid = pid;
        this.#searching = 0;
        return;
      }
      this.#searching -= 1;
    }
    this.#log.observe(line);
    super._onLine(sname, line);
  }

  protected override _close(abort: boolean, timedout: boolean): void {
    if (abort && this.#remotePid !== undefined && !this.#killed) {
      this.#killed = true;
      this.#killRemote(this.#remotePid);
    }
    super._close(abort, timedout);
  }

  #killRemote(pid: number): void {
    const host = this.worker.task;
    let argv: string[];
    try {
      argv = sshArgv(host, this.key, killGroupCommand(pid));
    } catch {
      return;
    }
    const [file, ...args] = argv;
    if (file === undefined) return;
    const limit = ((connectTimeoutOf(host) ?? 10) + KILL_GRACE) * 1000;
    this.drain(
      new Promise<void>((resolve) => {
        const child = spawn(file, args, { stdio: 'ignore' });
        const timer = setTimeout(() => child.kill('SIGKILL'), limit);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        child.once('error', done);
        child.once('exit', done);
      }),
    );
  }
}

/**
 * The engine client of one node's copy through OpenSSH `scp`, with ClusterShell's command line:
 * `scp_path`, `scp_options` (else `ssh_options`), `-r` for a directory (and every reverse copy),
 * `-p` to preserve, `-oConnectTimeout=N`, then `source [user@][node]:dest`, or in reverse
 * `[user@][node]:source dest/<basename(source)>.<node>`.
 *
 * @category Workers
 * @example
 * ```ts
 * const worker = new SshWorker({ nodes: 'n1', source: '/etc/hosts', dest: '/tmp/hosts' });
 * worker.clients[0] instanceof ScpClient; // true
 * ```
 */
export class ScpClient extends CopyClient {
  readonly #log = new SshMessageLog();

  /**
   * The OpenSSH messages this node printed (candidates for {@link SshWorker.nodeFailure}).
   *
   * @example
   * ```ts
   * client.sshMessages; // ['ssh: connect to host 10.0.0.7 port 22: Connection refused']
   * ```
   */
  get sshMessages(): readonly string[] {
    return this.#log.lines;
  }

  protected override buildCommand(): CommandSpec {
    return {
      argv: scpArgv(this.worker.task, {
        node: this.key,
        source: this.source,
        dest: this.dest,
        isDir: this.isDir,
        preserve: this.preserve,
        reverse: this.reverse,
      }),
    };
  }

  protected override _onLine(sname: string, line: Buffer): void {
    this.#log.observe(line);
    super._onLine(sname, line);
  }
}

/**
 * Options of an {@link SshWorker}: those of every distant worker.
 *
 * @category Workers
 * @example
 * ```ts
 * const options: SshWorkerOptions = { nodes: 'n[1-64]', command: 'uptime', timeout: 30 };
 * ```
 */
export type SshWorkerOptions = ExecWorkerOptions;

/**
 * Runs a command on many nodes through OpenSSH's `ssh` client, one process per node under the
 * fanout, or copies files with `scp` (ClusterShell's `WorkerSsh`, the default
 * `distant_workername`). Everything of OpenSSH works unchanged: `~/.ssh/config`, ProxyJump,
 * ProxyCommand, certificates, ControlMaster, the agent.
 *
 * Info keys read when each command starts: `ssh_path`, `ssh_user`, `ssh_options` (split like a
 * shell, first so they override the rest), `connect_timeout` (`-oConnectTimeout=N` when > 0);
 * for copies `scp_path`, `scp_user`, `scp_options` (falling back to the ssh ones); and
 * `ssh_remote_kill` (default true: abort and timeout also kill the remote command, see
 * {@link SshClient}).
 *
 * Return codes: the remote command's exit status; 255 when ssh itself fails (then
 * {@link SshWorker.nodeFailure} tells why) — and also, as OpenSSH reports it, when the remote
 * command is killed by a signal.
 *
 * @category Workers
 * @example
 * ```ts
 * task.setInfo('ssh_options', '-F ~/.ssh/cluster_config');
 * const worker = new SshWorker({ nodes: 'n[1-64]', command: 'uname -r', timeout: 30 });
 * task.schedule(worker);
 * await task.resume();
 * for (const [rc, nodes] of worker.iterRetcodes()) console.log(rc, nodes.length);
 * ```
 */
export class SshWorker extends ExecWorker {
  #byNode: Map<string, SshClient | ScpClient> | undefined;
  #failures: Map<string, SshError> | undefined;

  /**
   * Creates the worker and one ssh (or scp) client per node.
   *
   * @param options - nodes, command or copy paths, handler, timeout, stderr, autoclose
   * @throws {WorkerArgumentError} without command nor source, or for a reverse copy whose
   *   `dest` is not a directory
   * @throws {WorkerPatternError} on a bad placeholder
   * @throws {NodeSetParseError} on a malformed node set
   * @example
   * ```ts
   * new SshWorker({ nodes: 'n[1-8]', source: '/etc/motd', dest: '/etc/motd', preserve: true });
   * ```
   */
  constructor(options: SshWorkerOptions) {
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
    return new SshClient(this, key, nodes, rank, command, options);
  }

  protected override createCopyClient(
    key: string,
    rank: number,
    source: string,
    dest: string,
    isDir: boolean,
    options: ExecClientOptions & { readonly preserve?: boolean; readonly reverse?: boolean },
  ): ExecClient {
    return new ScpClient(this, key, rank, source, dest, isDir, options);
  }

  /**
   * Records why a node failed (when ssh exited 255, or scp failed, with a recognized OpenSSH
   * message) before raising `onHup`, so that handlers can call {@link SshWorker.nodeFailure}.
   *
   * @param key - node name
   * @param rc - the return code
   * @throws {WorkerError} when the worker is not scheduled
   * @example
   * ```ts
   * // called by the clients; handlers see: onHup(w, node, 255) → w.nodeFailure(node)
   * ```
   */
  override emitHup(key: string, rc: number | undefined): void {
    if (rc !== undefined && rc !== 0) {
      const client = this.#clientOf(key);
      const copy = client instanceof ScpClient;
      if (client !== undefined && (rc === 255 || copy)) {
        const failure = classifySshFailure(key, client.sshMessages);
        if (failure !== undefined) {
          this.#failures ??= new Map();
          this.#failures.set(key, failure);
        }
      }
    }
    super.emitHup(key, rc);
  }

  /**
   * Why ssh (or scp) failed on a node, as a typed error: `SshConnectError` (refused,
   * unreachable, unknown host name, connection closed), `SshTimeoutError`, `SshAuthError`,
   * `SshHostKeyError`, `SshProtocolError`, `SshConfigError` — recognized from OpenSSH's message.
   *
   * @param node - node name
   * @returns the error, or undefined when the node did not fail that way
   * @example
   * ```ts
   * const e = worker.nodeFailure('n3');
   * if (e?.code === 'ERR_SSH_CONNECT') console.log(e.message);
   * ```
   */
  nodeFailure(node: string): SshError | undefined {
    return this.#failures?.get(node);
  }

  /**
   * Each failed node with its typed error (see {@link SshWorker.nodeFailure}).
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

  #clientOf(key: string): SshClient | ScpClient | undefined {
    if (this.#byNode === undefined) {
      const map = new Map<string, SshClient | ScpClient>();
      for (const client of this.clients) {
        if (client instanceof SshClient || client instanceof ScpClient) {
          for (const node of client.nodes) map.set(node, client);
        }
      }
      this.#byNode = map;
    }
    return this.#byNode.get(key);
  }
}
