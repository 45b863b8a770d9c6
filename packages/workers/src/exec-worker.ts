import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  DistantWorker,
  EngineClient,
  EngineClientError,
  type EventHandler,
  WorkerArgumentError,
  type WriteData,
} from '@cluster-task/engine';
import { NodeSet, type NodeSetLike } from '@cluster-task/nodeset';
import { debugCommand } from './internal/debug.js';
import {
  type CommandSpec,
  type ExitStatus,
  type LocalProcess,
  launch,
} from './internal/process.js';
import { replacePlaceholders, usesAllHosts } from './internal/template.js';

/**
 * Nodes as a worker takes them: a node set expression, a `NodeSet`, or any iterable of names.
 *
 * @category Workers
 * @example
 * ```ts
 * const a: NodesInput = 'n[1-4]';
 * const b: NodesInput = new NodeSet('n[1-4]');
 * const c: NodesInput = ['n1', 'n2'];
 * ```
 */
export type NodesInput = NodeSetLike | Iterable<string>;

/**
 * Options of the node-based workers ({@link ExecWorker} and the workers registered by name):
 * what ClusterShell passes to a distant worker class.
 *
 * @category Workers
 * @example
 * ```ts
 * const options: DistantWorkerOptions = { nodes: 'n[1-8]', command: 'uptime', timeout: 10 };
 * ```
 */
export interface DistantWorkerOptions {
  /** The nodes: one command per node (or one for all with `%hosts`). */
  readonly nodes?: NodesInput | null | undefined;
  /** The command, run through `/bin/sh -c`, with `%h`/`%n`/`%hosts` placeholders. */
  readonly command?: string | undefined;
  /** Copy mode: the source path (placeholders allowed). */
  readonly source?: string | undefined;
  /** Copy mode: the destination path (placeholders allowed). */
  readonly dest?: string | undefined;
  /**
   * Copy mode: keep modification times and modes (`cp -p`).
   *
   * @defaultValue false
   */
  readonly preserve?: boolean | undefined;
  /**
   * Copy mode: copy from the nodes to `dest`, a local directory (rcopy).
   *
   * @defaultValue false
   */
  readonly reverse?: boolean | undefined;
  /** The event handler. */
  readonly handler?: EventHandler | undefined;
  /**
   * Per-command timeout in seconds; undefined or negative for none, 0 times out at once.
   *
   * @defaultValue undefined
   */
  readonly timeout?: number | null | undefined;
  /**
   * Keep stderr apart (`'stderr'` stream) instead of merging it into stdout.
   *
   * @defaultValue false
   */
  readonly stderr?: boolean | undefined;
  /**
   * Let the run end without this worker (it is then aborted).
   *
   * @defaultValue false
   */
  readonly autoclose?: boolean | undefined;
  /** Accepted for ClusterShell compatibility (`task.shell(…, remote=False)`); unused here. */
  readonly remote?: boolean | undefined;
}

/**
 * A worker class that can be registered by name (`distant_workername`), constructed from
 * {@link DistantWorkerOptions}.
 *
 * @category Workers
 * @example
 * ```ts
 * const cls: DistantWorkerClass = ExecWorker;
 * const worker = new cls({ nodes: 'n1', command: 'true' });
 * ```
 */
export type DistantWorkerClass = new (options: DistantWorkerOptions) => DistantWorker;

/**
 * Turns {@link NodesInput} into a NodeSet.
 *
 * @param nodes - the nodes
 * @returns a new NodeSet (empty for null or undefined)
 * @throws {NodeSetParseError} on a malformed expression
 * @category Workers
 * @example
 * ```ts
 * toNodeSet(['n2', 'n1']).toString(); // 'n[1-2]'
 * ```
 */
export function toNodeSet(nodes: NodesInput | null | undefined): NodeSet {
  if (nodes === undefined || nodes === null) return new NodeSet();
  if (typeof nodes === 'string' || nodes instanceof NodeSet) return new NodeSet(nodes);
  return NodeSet.fromList(nodes);
}

/**
 * Options of an {@link ExecClient}.
 *
 * @category Workers
 * @example
 * ```ts
 * const options: ExecClientOptions = { stderr: true, timeout: 5 };
 * ```
 */
export interface ExecClientOptions {
  /** Separate stderr. */
  readonly stderr?: boolean | undefined;
  /** Timeout in seconds. */
  readonly timeout?: number | undefined;
  /** Autoclose. */
  readonly autoclose?: boolean | undefined;
}

/**
 * The engine client of an {@link ExecWorker}: one local process for one node (or for all nodes
 * with `%hosts`, its lines then attributed to each node). Subclasses of remote workers override
 * {@link ExecClient.buildCommand} to wrap the command (ssh, rsh…).
 *
 * @category Workers
 * @example
 * ```ts
 * class EchoClient extends ExecClient {
 *   protected override buildCommand(): CommandSpec { return { argv: ['echo', this.key] }; }
 * }
 * ```
 */
export class ExecClient extends EngineClient {
  /**
   * The nodes this client stands for: its key alone, or every node for `%hosts`.
   *
   * @example
   * ```ts
   * client.nodes; // ['n1']
   * ```
   */
  readonly nodes: readonly string[];
  /**
   * The rank of the node in the worker's node set (0-based), 0 for `%hosts`.
   *
   * @example
   * ```ts
   * client.rank; // 0
   * ```
   */
  readonly rank: number;
  /**
   * The command with its placeholders replaced (undefined in copy mode).
   *
   * @example
   * ```ts
   * client.command; // 'echo n1'
   * ```
   */
  readonly command: string | undefined;
  /** Separate stderr. */
  protected readonly separateStderr: boolean;
  #proc: LocalProcess | undefined;
  #exit: ExitStatus | undefined;

  /**
   * Creates the client of one node (or of all nodes).
   *
   * @param worker - the owning worker
   * @param key - the node name (or the folded node set for `%hosts`)
   * @param nodes - the nodes it stands for
   * @param rank - rank of the node
   * @param command - the command, placeholders already replaced (undefined for copies)
   * @param options - stderr, timeout, autoclose
   * @example
   * ```ts
   * new ExecClient(worker, 'n1', ['n1'], 0, 'uname -r', { timeout: 5 });
   * ```
   */
  constructor(
    worker: ExecWorker,
    key: string,
    nodes: readonly string[],
    rank: number,
    command: string | undefined,
    options: ExecClientOptions = {},
  ) {
    super(worker, key, { timeout: options.timeout, autoclose: options.autoclose });
    this.nodes = nodes;
    this.rank = rank;
    this.command = command;
    this.separateStderr = options.stderr ?? false;
    this.declareWriter(worker.snameStdin, { retain: false });
  }

  /**
   * The process id, once started.
   *
   * @example
   * ```ts
   * client.pid; // 12345
   * ```
   */
  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  /**
   * What to spawn: the command line through `/bin/sh -c`, or an argument vector.
   *
   * @returns the command to run
   * @example
   * ```ts
   * protected override buildCommand(): CommandSpec { return { argv: ['ssh', this.key, this.command ?? ''] }; }
   * ```
   */
  protected buildCommand(): CommandSpec {
    return { shell: this.command ?? 'true' };
  }

  protected _start(): void {
    const worker = this.worker as ExecWorker;
    const spec = this.buildCommand();
    debugCommand(worker, this.constructor.name, spec);
    const proc = launch(spec, this.separateStderr);
    this.#proc = proc;
    proc.onError(
      this.guarded((err: Error) => {
        if (proc.pid === undefined) {
          this.fail(
            new EngineClientError(`cannot run ${describe(spec)}: ${err.message}`, { cause: err }),
          );
        }
      }),
    );
    this.addReader(worker.snameStdout, proc.stdout);
    if (proc.stderr !== undefined) this.addReader(worker.snameStderr, proc.stderr);
    this.addWriter(worker.snameStdin, proc.stdin, { retain: false });
    const release = this.hold();
    void proc.exited.then(
      this.guarded((status: ExitStatus) => {
        this.#exit = status;
        release();
      }),
    );
    for (const node of this.nodes) worker.emitPickup(node);
  }

  protected override _onLine(sname: string, line: Buffer): void {
    const nodes = this.nodes;
    if (nodes.length === 1) {
      this.worker.emitRead(nodes[0] as string, sname, line);
      return;
    }
    for (const node of nodes) {
      if (this.state !== 'running') return;
      this.worker.emitRead(node, sname, line);
    }
  }

  protected _close(abort: boolean, timedout: boolean): void {
    const worker = this.worker as ExecWorker;
    const proc = this.#proc;
    const exit = this.#exit;
    if (proc !== undefined && exit === undefined) {
      proc.kill();
      this.drain(proc.exited);
    }
    // As ClusterShell: a process that had exited by itself reports its rc, even on abort or
    // timeout; a killed one reports a timeout, or nothing when aborted.
    let timeoutRecorded = false;
    if (exit !== undefined && (!exit.signaled || !abort)) {
      for (const node of this.nodes) worker.emitHup(node, exit.rc);
    } else if (timedout) {
      timeoutRecorded = true;
      for (const node of this.nodes) worker.emitTimeout(node);
    }
    worker._clientDone(this, timeoutRecorded);
  }

  protected override _onDrop(): void {
    (this.worker as ExecWorker)._clientDone(this, false);
  }
}

/**
 * The engine client of a local copy: `cp [-r] [-p] source dest`, placeholders replaced. A
 * reverse copy (rcopy) copies `source` to `dest/<basename(source)>.<node>`, like scp's reverse
 * copy, where ClusterShell's local worker swaps its arguments.
 *
 * @category Workers
 * @example
 * ```ts
 * const worker = new ExecWorker({ nodes: 'n[1-2]', source: '/etc/hosts', dest: '/tmp/hosts.%h' });
 * worker.clients[0] instanceof CopyClient; // true
 * ```
 */
export class CopyClient extends ExecClient {
  /**
   * The source path (placeholders replaced).
   *
   * @example
   * ```ts
   * client.source; // '/etc/hosts'
   * ```
   */
  readonly source: string;
  /**
   * The destination path (placeholders replaced).
   *
   * @example
   * ```ts
   * client.dest; // '/tmp/hosts.n1'
   * ```
   */
  readonly dest: string;
  /**
   * Whether `cp -p` is used.
   *
   * @example
   * ```ts
   * client.preserve; // false
   * ```
   */
  readonly preserve: boolean;
  /**
   * Whether this is a reverse copy.
   *
   * @example
   * ```ts
   * client.reverse; // false
   * ```
   */
  readonly reverse: boolean;
  /**
   * Whether `-r` is used (the source is a directory, or a reverse copy).
   *
   * @example
   * ```ts
   * client.isDir; // false for a file
   * ```
   */
  readonly isDir: boolean;

  /**
   * Creates the copy client of one node.
   *
   * @param worker - the owning worker
   * @param key - node name
   * @param rank - rank of the node
   * @param source - source path, placeholders replaced
   * @param dest - destination path, placeholders replaced
   * @param isDir - copy recursively
   * @param options - stderr, timeout, autoclose, preserve and reverse
   * @example
   * ```ts
   * new CopyClient(worker, 'n1', 0, '/etc/hosts', '/tmp/hosts.n1', false, { preserve: true });
   * ```
   */
  constructor(
    worker: ExecWorker,
    key: string,
    rank: number,
    source: string,
    dest: string,
    isDir: boolean,
    options: ExecClientOptions & { readonly preserve?: boolean; readonly reverse?: boolean } = {},
  ) {
    super(worker, key, [key], rank, undefined, options);
    this.source = source;
    this.dest = dest;
    this.preserve = options.preserve ?? false;
    this.reverse = options.reverse ?? false;
    this.isDir = isDir;
  }

  protected override buildCommand(): CommandSpec {
    const argv = ['cp'];
    if (this.isDir) argv.push('-r');
    if (this.preserve) argv.push('-p');
    if (this.reverse)
      argv.push(this.source, join(this.dest, `${basename(this.source)}.${this.key}`));
    else argv.push(this.source, this.dest);
    return { argv };
  }
}

/**
 * Options of an {@link ExecWorker}: {@link DistantWorkerOptions}.
 *
 * @category Workers
 * @example
 * ```ts
 * const options: ExecWorkerOptions = { nodes: 'n[1-4]', command: 'echo %h' };
 * ```
 */
export type ExecWorkerOptions = DistantWorkerOptions;

/**
 * Runs one local command per node (ClusterShell's `ExecWorker`), through `/bin/sh -c`, with the
 * placeholders `%h`/`%host` (node name), `%n`/`%rank` (0-based rank), `%%` (a `%`); a command
 * holding `%hosts` runs once for the whole node set, its output attributed to every node. With
 * `source`/`dest` instead of `command`, it copies files with `cp`.
 *
 * Return codes are exit statuses, or 128 + signal number. A timed-out node gets no rc and no
 * `onHup`; an aborted node neither. Writes go to every node's stdin (before the start too).
 *
 * @category Workers
 * @example
 * ```ts
 * const worker = new ExecWorker({ nodes: 'n[1-3]', command: 'echo %h is number %n', handler });
 * task.schedule(worker); // or engine.schedule(worker)
 * await task.resume();
 * ```
 */
export class ExecWorker extends DistantWorker {
  /**
   * The nodes, as a NodeSet.
   *
   * @example
   * ```ts
   * worker.nodeSet.toString(); // 'n[1-3]'
   * ```
   */
  readonly nodeSet: NodeSet;
  /**
   * The command pattern (undefined in copy mode).
   *
   * @example
   * ```ts
   * worker.command; // 'echo %h'
   * ```
   */
  readonly command: string | undefined;
  /**
   * The copy source pattern.
   *
   * @example
   * ```ts
   * worker.source; // '/etc/hosts'
   * ```
   */
  readonly source: string | undefined;
  /**
   * The copy destination pattern.
   *
   * @example
   * ```ts
   * worker.dest; // '/tmp/hosts.%h'
   * ```
   */
  readonly dest: string | undefined;
  readonly #clients: ExecClient[] = [];
  #done = 0;
  #timedout = false;

  /**
   * Creates the worker and its clients (one per node, or one for `%hosts`).
   *
   * @param options - nodes, command or copy paths, handler, timeout, stderr, autoclose
   * @throws {WorkerArgumentError} without command nor source ("missing command or source
   *   parameter in worker constructor"), or for a reverse copy whose `dest` is not a directory
   *   ("reverse copy dest must be a directory")
   * @throws {WorkerPatternError} on a bad placeholder (ClusterShell raises it when the command
   *   starts; here it comes from the constructor)
   * @throws {NodeSetParseError} on a malformed node set
   * @example
   * ```ts
   * new ExecWorker({ nodes: 'n[1-2]', source: '/etc/motd', dest: '/tmp/motd.%h' });
   * ```
   */
  constructor(options: ExecWorkerOptions) {
    const nodeSet = toNodeSet(options.nodes);
    super(nodeSet, options.handler);
    this.nodeSet = nodeSet;
    this.command = options.command ?? undefined;
    this.source = options.source ?? undefined;
    this.dest = options.dest ?? undefined;
    const timeout = options.timeout ?? undefined;
    const common = {
      stderr: options.stderr ?? false,
      timeout,
      autoclose: options.autoclose ?? false,
    };
    const command = this.command;
    if (command !== undefined) {
      if (usesAllHosts(command)) {
        const all = nodeSet.toString();
        const cmd = this.expandPattern(command, { host: all, rank: 0 });
        if (nodeSet.size > 0)
          this.#clients.push(this.createShellClient(all, this.nodes, 0, cmd, common));
      } else {
        this.nodes.forEach((node, rank) => {
          const cmd = this.expandPattern(command, { host: node, rank });
          this.#clients.push(this.createShellClient(node, [node], rank, cmd, common));
        });
      }
    } else if (this.source) {
      const source = this.source;
      const dest = this.dest ?? '';
      const reverse = options.reverse ?? false;
      let isDir: boolean;
      if (reverse) {
        if (!isDirectory(dest))
          throw new WorkerArgumentError('reverse copy dest must be a directory');
        isDir = true;
      } else {
        isDir = isDirectory(source);
      }
      const copyOptions = { ...common, preserve: options.preserve ?? false, reverse };
      this.nodes.forEach((node, rank) => {
        const values = { host: node, rank };
        const src = this.expandPattern(source, values);
        const dst = this.expandPattern(dest, values);
        this.#clients.push(this.createCopyClient(node, rank, src, dst, isDir, copyOptions));
      });
    } else {
      throw new WorkerArgumentError('missing command or source parameter in worker constructor');
    }
  }

  /**
   * Replaces the placeholders of a command, source or destination for one client (called from
   * the constructor). The exec worker replaces `%h`, `%n`, `%hosts`…; ClusterShell's ssh worker
   * sends its command as given, so `SshWorker` overrides this to return the pattern unchanged.
   *
   * @param pattern - the command or path
   * @param values - the node (or folded node set) and rank
   * @returns the text for this client
   * @throws {WorkerPatternError} on a bad placeholder
   * @example
   * ```ts
   * protected override expandPattern(pattern: string): string { return pattern; }
   * ```
   */
  protected expandPattern(
    pattern: string,
    values: { readonly host: string; readonly rank: number },
  ): string {
    return replacePlaceholders(pattern, values);
  }

  /**
   * Creates the client of a command; override to use another client class (ClusterShell's
   * `SHELL_CLASS`).
   *
   * @param key - node name, or the folded node set for `%hosts`
   * @param nodes - the nodes the client stands for
   * @param rank - the rank
   * @param command - the command with placeholders replaced
   * @param options - stderr, timeout, autoclose
   * @returns the client
   * @example
   * ```ts
   * protected override createShellClient(key, nodes, rank, command, options) {
   *   return new SshClient(this, key, nodes, rank, command, options);
   * }
   * ```
   */
  protected createShellClient(
    key: string,
    nodes: readonly string[],
    rank: number,
    command: string,
    options: ExecClientOptions,
  ): ExecClient {
    return new ExecClient(this, key, nodes, rank, command, options);
  }

  /**
   * Creates the client of a copy; override to use another client class (ClusterShell's
   * `COPY_CLASS`).
   *
   * @param key - node name
   * @param rank - the rank
   * @param source - source, placeholders replaced
   * @param dest - destination, placeholders replaced
   * @param isDir - recursive copy
   * @param options - stderr, timeout, autoclose, preserve, reverse
   * @returns the client
   * @example
   * ```ts
   * protected override createCopyClient(key, rank, source, dest, isDir, options) {
   *   return new ScpClient(this, key, rank, source, dest, isDir, options);
   * }
   * ```
   */
  protected createCopyClient(
    key: string,
    rank: number,
    source: string,
    dest: string,
    isDir: boolean,
    options: ExecClientOptions & { readonly preserve?: boolean; readonly reverse?: boolean },
  ): ExecClient {
    return new CopyClient(this, key, rank, source, dest, isDir, options);
  }

  /**
   * The clients, one per node (or one for `%hosts`).
   *
   * @example
   * ```ts
   * worker.clients.length; // 3 for n[1-3]
   * ```
   */
  get clients(): readonly ExecClient[] {
    return this.#clients;
  }

  /**
   * Writes to the stdin (or `sname`) of every node's process; writes made before the start are
   * kept and written at the start. Nodes already done are skipped.
   *
   * @param data - bytes, or a string written as UTF-8
   * @param sname - stream name (stdin by default)
   * @example
   * ```ts
   * worker.write('y\n');
   * worker.setWriteEof();
   * ```
   */
  write(data: WriteData, sname?: string): void {
    const name = sname ?? this.snameStdin;
    for (const client of this.#clients) client.write(data, name);
  }

  /**
   * Closes every node's stdin (or `sname`) once what was written is flushed.
   *
   * @param sname - stream name (stdin by default)
   * @example
   * ```ts
   * worker.setWriteEof();
   * ```
   */
  setWriteEof(sname?: string): void {
    const name = sname ?? this.snameStdin;
    for (const client of this.#clients) client.setWriteEof(name);
  }

  /**
   * Counts a finished client and raises `onClose` after the last one (ClusterShell's
   * `_check_fini`).
   *
   * @param _client - the client
   * @param timedout - it timed out
   * @internal
   */
  _clientDone(_client: ExecClient, timedout: boolean): void {
    this.#done += 1;
    if (timedout) this.#timedout = true;
    if (this.#done === this.#clients.length && this.started) this.emitClose(this.#timedout);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function describe(spec: CommandSpec): string {
  return 'shell' in spec ? spec.shell : spec.argv.join(' ');
}
