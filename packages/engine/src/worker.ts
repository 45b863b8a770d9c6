import type { Buffer } from 'node:buffer';
import type { Engine } from './engine.js';
import type { EngineClient } from './engine-client.js';
import { WorkerError } from './errors.js';
import { type EngineEvent, type EventHandler, eventRecorder } from './event-handler.js';
import { AsyncQueue } from './internal/async-queue.js';
import { workerHooks } from './internal/hooks.js';

/**
 * A gathered output message, as the results of a task hand it back: ClusterShell's
 * `MsgTreeElem` (the `MsgTreeElem` of `@cluster-task/msgtree` satisfies it).
 *
 * @category Workers
 * @example
 * ```ts
 * for (const [msg, nodes] of worker.iterBuffers()) console.log(nodes.join(','), msg.toString());
 * ```
 */
export interface OutputMessage {
  /** The whole message: its lines joined with `\n`, without a trailing `\n`. */
  message(): Buffer;
  /** The lines of the message, without end of line. */
  lines(): Buffer[];
  /** The message decoded as UTF-8. */
  toString(): string;
}

/**
 * Where a worker's results are kept, to answer its getters (`read()`, `nodeBuffer()`,
 * `iterBuffers()`…). A `Task` provides one; a worker scheduled on a bare engine has none.
 *
 * @category Workers
 * @example
 * ```ts
 * const results: WorkerResults | undefined = worker.task?.results;
 * ```
 */
export interface WorkerResults {
  /**
   * The message of one key of a worker on a stream.
   *
   * @param worker - the worker
   * @param key - node name or key
   * @param sname - stream name
   * @returns the bytes, or undefined when nothing was received
   */
  message(worker: Worker, key: string, sname: string): Buffer | undefined;
  /**
   * The return code of one key of a worker.
   *
   * @param worker - the worker
   * @param key - node name or key
   * @returns the rc, or undefined when not finished (or timed out)
   */
  retcode(worker: Worker, key: string): number | undefined;
  /**
   * The messages of a worker's stream, gathered: each distinct message with its keys.
   *
   * @param worker - the worker
   * @param sname - stream name
   * @param matchKeys - only these keys (all when undefined)
   * @returns `[message, keys]` pairs
   */
  iterMessages(
    worker: Worker,
    sname: string,
    matchKeys?: Iterable<string>,
  ): Iterable<readonly [OutputMessage, string[]]>;
  /**
   * The message of each key of a worker's stream.
   *
   * @param worker - the worker
   * @param sname - stream name
   * @param matchKeys - only these keys (all when undefined)
   * @returns `[key, message]` pairs
   */
  iterKeyMessages(
    worker: Worker,
    sname: string,
    matchKeys?: Iterable<string>,
  ): Iterable<readonly [string, OutputMessage]>;
  /**
   * The return codes of a worker, gathered: each rc with its keys.
   *
   * @param worker - the worker
   * @param matchKeys - only these keys (all when undefined)
   * @returns `[rc, keys]` pairs
   */
  iterRetcodes(worker: Worker, matchKeys?: Iterable<string>): Iterable<readonly [number, string[]]>;
  /**
   * The return code of each key of a worker.
   *
   * @param worker - the worker
   * @returns `[key, rc]` pairs
   */
  iterKeyRetcodes(worker: Worker): Iterable<readonly [string, number]>;
  /**
   * The keys of a worker that timed out.
   *
   * @param worker - the worker
   * @returns the keys
   */
  timeouts(worker: Worker): Iterable<string>;
  /**
   * Forgets the messages of a worker on a stream.
   *
   * @param worker - the worker
   * @param sname - stream name
   */
  flush(worker: Worker, sname: string): void;
}

/**
 * What a worker is scheduled on: the engine that runs its clients, the settings it reads
 * (`info('debug')`, `info('ssh_user')`…) and the sinks that keep its results. A `Task`
 * implements it; `engine.schedule(worker)` alone uses a host that keeps nothing.
 *
 * @category Workers
 * @example
 * ```ts
 * const host: WorkerHost = worker.task!;
 * host.info('fanout'); // 64
 * ```
 */
export interface WorkerHost {
  /** The engine running the worker's clients. */
  readonly engine: Engine;
  /**
   * A setting (ClusterShell's `task.info(key)`).
   *
   * @param key - the setting name
   * @returns its value, or undefined
   */
  info(key: string): unknown;
  /**
   * Keeps one line received from a key (called before the handler's `onRead`).
   *
   * @param worker - the worker
   * @param key - node name or key
   * @param sname - stream name
   * @param msg - the line
   */
  recordMessage(worker: Worker, key: string, sname: string, msg: Buffer): void;
  /**
   * Keeps the return code of a key (called before the handler's `onHup`).
   *
   * @param worker - the worker
   * @param key - node name or key
   * @param rc - the return code
   */
  recordRetcode(worker: Worker, key: string, rc: number): void;
  /**
   * Keeps a timed-out key.
   *
   * @param worker - the worker
   * @param key - node name or key
   */
  recordTimeout(worker: Worker, key: string): void;
  /** The kept results, for the worker's getters; undefined when the host keeps none. */
  readonly results: WorkerResults | undefined;
}

/**
 * Per-worker fanout value meaning "no limit": the worker's clients all start at once, outside
 * the engine's fanout (ClusterShell's `FANOUT_UNLIMITED`).
 *
 * @category Workers
 * @example
 * ```ts
 * worker.fanout = FANOUT_UNLIMITED;
 * ```
 */
export const FANOUT_UNLIMITED = -1;

let workerSeq = 0;

/**
 * Base class of every worker (ClusterShell's `Worker`): a unit of work made of engine clients
 * (one per node, or one for a local command) that raises events on its {@link EventHandler}.
 *
 * To write a worker, extend {@link DistantWorker} (node-based) or this class, create one
 * {@link EngineClient} subclass instance per unit of work in the constructor, and return them
 * from {@link Worker.clients}. The client calls the `emit*` methods, which record results on the
 * host (the task) and call the handler. Nothing else of cluster-task is needed.
 *
 * @category Workers
 * @example
 * ```ts
 * class EchoWorker extends Worker {
 *   readonly #client: EchoClient;
 *   constructor(text: string, handler?: EventHandler) {
 *     super(handler);
 *     this.#client = new EchoClient(this, 'echo', text);
 *   }
 *   get clients() { return [this.#client]; }
 * }
 * ```
 */
export abstract class Worker {
  /** Default name of the standard input stream. */
  static readonly SNAME_STDIN = 'stdin';
  /** Default name of the standard output stream. */
  static readonly SNAME_STDOUT = 'stdout';
  /** Default name of the standard error stream. */
  static readonly SNAME_STDERR = 'stderr';

  /**
   * Stream name this worker uses for standard input (change it before scheduling to bypass the
   * task's buffering, as ClusterShell's gateway channels do).
   *
   * @example
   * ```ts
   * worker.snameStdin; // 'stdin'
   * ```
   */
  snameStdin: string = Worker.SNAME_STDIN;
  /**
   * Stream name this worker uses for standard output.
   *
   * @example
   * ```ts
   * worker.snameStdout = 'gw-out'; // lines are no longer gathered as 'stdout'
   * ```
   */
  snameStdout: string = Worker.SNAME_STDOUT;
  /**
   * Stream name this worker uses for standard error.
   *
   * @example
   * ```ts
   * worker.snameStderr; // 'stderr'
   * ```
   */
  snameStderr: string = Worker.SNAME_STDERR;
  /**
   * The event handler (ClusterShell's `worker.eh`); may be changed until the worker starts.
   *
   * @example
   * ```ts
   * worker.handler = { onHup: (w, node, rc) => console.log(node, rc) };
   * ```
   */
  handler: EventHandler | undefined;
  /**
   * Per-worker fanout: undefined to share the engine's fanout, a positive number for a window of
   * its own, or {@link FANOUT_UNLIMITED}. Set it before the worker is scheduled.
   *
   * @example
   * ```ts
   * worker.fanout = 4; // at most 4 of this worker's commands at a time
   * ```
   */
  fanout: number | undefined = undefined;
  /**
   * A number unique to this worker in the process (used for default keys and debugging).
   *
   * @example
   * ```ts
   * `${worker.constructor.name}#${worker.id}`;
   * ```
   */
  readonly id: number;
  #host: WorkerHost | undefined;
  #started = false;
  #closed = false;
  #observers: EventHandler[] = [];
  readonly #queues = new Set<AsyncQueue<EngineEvent>>();

  /**
   * Initializes the base; call it from subclasses.
   *
   * @param handler - the event handler, if any
   * @example
   * ```ts
   * class MyWorker extends Worker { constructor(h?: EventHandler) { super(h); } get clients() { return []; } }
   * ```
   */
  constructor(handler?: EventHandler) {
    this.handler = handler;
    workerSeq += 1;
    this.id = workerSeq;
  }

  /**
   * The engine clients that do the work; the engine starts them under its fanout.
   *
   * @example
   * ```ts
   * worker.clients.length; // one per node for an ExecWorker
   * ```
   */
  abstract get clients(): readonly EngineClient[];

  /**
   * The host (task) this worker is scheduled on, or undefined before scheduling (ClusterShell's
   * `worker.task`).
   *
   * @example
   * ```ts
   * worker.task === task; // true after task.schedule(worker)
   * ```
   */
  get task(): WorkerHost | undefined {
    return this.#host;
  }

  /**
   * True once the worker has started (its `onStart` was raised).
   *
   * @example
   * ```ts
   * worker.started; // false until the task runs
   * ```
   */
  get started(): boolean {
    return this.#started;
  }

  /**
   * True once the worker has finished (its `onClose` was raised).
   *
   * @example
   * ```ts
   * await task.resume();
   * worker.closed; // true
   * ```
   */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Aborts the worker: kills what runs, drops what did not start. Aborted nodes get no `onHup`;
   * the worker gets `onClose(worker, false)` if it had started. Safe to call more than once, and
   * on a worker that is not scheduled (no effect).
   *
   * @example
   * ```ts
   * task.timer(5, () => worker.abort());
   * ```
   */
  abort(): void {
    for (const client of this.clients) client.abort();
  }

  /**
   * Adds a handler that receives every event after the main {@link Worker.handler}.
   *
   * @param handler - the extra handler
   * @example
   * ```ts
   * worker.addListener({ onHup: (w, node, rc) => metrics.record(node, rc) });
   * ```
   */
  addListener(handler: EventHandler): void {
    this.#observers = [...this.#observers, handler];
  }

  /**
   * Removes a handler added with {@link Worker.addListener}.
   *
   * @param handler - the handler to remove
   * @example
   * ```ts
   * worker.removeListener(metricsHandler);
   * ```
   */
  removeListener(handler: EventHandler): void {
    this.#observers = this.#observers.filter((h) => h !== handler);
  }

  /**
   * The worker's events as an async iterable, ending after its `onClose` (or when the run ends
   * without it, for a worker aborted before it started). Events are queued, so a slow consumer
   * never loses one.
   *
   * @returns an async iterator of {@link EngineEvent}s
   * @example
   * ```ts
   * const worker = task.shell('uname -r', { nodes: 'n[1-4]' });
   * const done = task.resume();
   * for await (const ev of worker.events()) if (ev.type === 'read') console.log(ev.node, `${ev.msg}`);
   * await done;
   * ```
   */
  events(): AsyncIterableIterator<EngineEvent> {
    const recorder = eventRecorder((ev) => queue.push(ev));
    const queue: AsyncQueue<EngineEvent> = new AsyncQueue(() => {
      this.removeListener(recorder);
      this.#queues.delete(queue);
    });
    if (this.#closed) {
      queue.end();
    } else {
      this.addListener(recorder);
      this.#queues.add(queue);
    }
    return queue;
  }

  /**
   * Binds the worker to its host; called by `engine.schedule()`.
   *
   * @param host - the host
   * @throws {WorkerError} when the worker was already scheduled
   * @internal
   */
  _bind(host: WorkerHost): void {
    if (this.#host !== undefined) throw new WorkerError('worker has already been scheduled');
    this.#host = host;
  }

  /**
   * Ends the event iterators of a worker that will get no `onClose` (aborted before start).
   *
   * @internal
   */
  _settle(): void {
    for (const queue of [...this.#queues]) queue.end();
  }

  // --- event generators, for worker implementations ---

  /**
   * Raises `onStart` (the first time) then `onPickup` for a key whose command has started.
   *
   * @param key - node name or key
   * @throws {WorkerError} when the worker is not scheduled
   * @example
   * ```ts
   * // in a client's _start(): this.worker.emitPickup(this.key);
   * ```
   */
  emitPickup(key: string): void {
    this.#bound();
    if (!this.#started) {
      this.#started = true;
      this.handler?.onStart?.(this);
      this.#notify((h) => h.onStart?.(this));
    }
    this.handler?.onPickup?.(this, key);
    this.#notify((h) => h.onPickup?.(this, key));
  }

  /**
   * Records a line on the host then raises `onRead`.
   *
   * @param key - node name or key
   * @param sname - stream name
   * @param msg - the line, without end of line
   * @throws {WorkerError} when the worker is not scheduled
   * @example
   * ```ts
   * this.worker.emitRead(this.key, 'stdout', Buffer.from('hello'));
   * ```
   */
  emitRead(key: string, sname: string, msg: Buffer): void {
    const host = this.#bound();
    host.recordMessage(this, key, sname, msg);
    this.handler?.onRead?.(this, key, sname, msg);
    if (this.#observers.length > 0 || workerHooks.observed(host.engine)) {
      this.#notify((h) => h.onRead?.(this, key, sname, msg));
    }
  }

  /**
   * Raises `onWritten` after bytes given to `write()` were written.
   *
   * @param key - node name or key
   * @param sname - stream name
   * @param size - number of bytes written
   * @throws {WorkerError} when the worker is not scheduled
   * @example
   * ```ts
   * this.worker.emitWritten(this.key, 'stdin', 4096);
   * ```
   */
  emitWritten(key: string, sname: string, size: number): void {
    this.#bound();
    this.handler?.onWritten?.(this, key, sname, size);
    this.#notify((h) => h.onWritten?.(this, key, sname, size));
  }

  /**
   * Records the return code on the host (when known) then raises `onHup`.
   *
   * @param key - node name or key
   * @param rc - exit status, 128 + signal, or undefined when unknown
   * @throws {WorkerError} when the worker is not scheduled
   * @example
   * ```ts
   * this.worker.emitHup(this.key, 0);
   * ```
   */
  emitHup(key: string, rc: number | undefined): void {
    const host = this.#bound();
    if (rc !== undefined) host.recordRetcode(this, key, rc);
    this.handler?.onHup?.(this, key, rc);
    this.#notify((h) => h.onHup?.(this, key, rc));
  }

  /**
   * Records a timed-out key on the host then raises `onTimeout`.
   *
   * @param key - node name or key
   * @throws {WorkerError} when the worker is not scheduled
   * @example
   * ```ts
   * this.worker.emitTimeout(this.key);
   * ```
   */
  emitTimeout(key: string): void {
    const host = this.#bound();
    host.recordTimeout(this, key);
    this.handler?.onTimeout?.(this, key);
    this.#notify((h) => h.onTimeout?.(this, key));
  }

  /**
   * Raises `onClose` once every client is done; later calls are ignored.
   *
   * @param timedout - whether some key timed out
   * @throws {WorkerError} when the worker is not scheduled
   * @example
   * ```ts
   * if (++this.#closedClients === this.clients.length) this.emitClose(this.#timedout);
   * ```
   */
  emitClose(timedout: boolean): void {
    this.#bound();
    if (this.#closed) return;
    this.#closed = true;
    this.handler?.onClose?.(this, timedout);
    this.#notify((h) => h.onClose?.(this, timedout));
    this._settle();
  }

  // --- getters (ClusterShell's Worker) ---

  /**
   * Tells whether some key of this worker timed out.
   *
   * @returns true after a timeout
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * if (worker.didTimeout()) console.log([...worker.iterKeysTimeout()]);
   * ```
   */
  didTimeout(): boolean {
    for (const _ of this._results().timeouts(this)) return true;
    return false;
  }

  /**
   * The buffer of a key on a stream (ClusterShell's `worker.read()`).
   *
   * @param node - node name or key (the worker's own key when omitted, for local workers)
   * @param sname - stream name
   * @returns the lines joined with `\n`, or undefined when nothing was received
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * const worker = task.shell('uname -r');
   * await task.resume();
   * worker.read()?.toString(); // '6.1.0-…'
   * ```
   */
  read(node?: string, sname: string = Worker.SNAME_STDOUT): Buffer | undefined {
    const results = this._results();
    const key = node ?? this.defaultKey;
    return key === undefined ? undefined : results.message(this, key, sname);
  }

  /**
   * Forgets this worker's standard output messages.
   *
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * worker.flushBuffers();
   * ```
   */
  flushBuffers(): void {
    this._results().flush(this, this.snameStdout);
  }

  /**
   * Forgets this worker's standard error messages.
   *
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * worker.flushErrors();
   * ```
   */
  flushErrors(): void {
    this._results().flush(this, this.snameStderr);
  }

  /**
   * The key used by {@link Worker.read} without a node: undefined for node-based workers.
   *
   * @example
   * ```ts
   * popenWorker.defaultKey; // its key
   * ```
   */
  get defaultKey(): string | undefined {
    return undefined;
  }

  /**
   * The results of the host, for the getters.
   *
   * @returns the host's results
   * @throws {WorkerError} when unscheduled, or scheduled on a host that keeps no results
   * @internal
   */
  _results(): WorkerResults {
    const host = this.#host;
    if (host === undefined) throw new WorkerError('worker is not task bound');
    const results = host.results;
    if (results === undefined) {
      throw new WorkerError('worker results are not kept (worker scheduled on a bare engine)');
    }
    return results;
  }

  #bound(): WorkerHost {
    const host = this.#host;
    if (host === undefined) throw new WorkerError('worker is not task bound');
    return host;
  }

  #notify(call: (h: EventHandler) => void): void {
    for (const h of this.#observers) call(h);
    const host = this.#host;
    if (host !== undefined) workerHooks.observe(host.engine, call);
  }
}

/**
 * Base class of node-based workers (ClusterShell's `DistantWorker`): one key per node, with
 * per-node getters of buffers, return codes and timeouts. Subclasses create their clients from
 * {@link DistantWorker.nodes}.
 *
 * @category Workers
 * @example
 * ```ts
 * class PingWorker extends DistantWorker {
 *   readonly #clients: PingClient[];
 *   constructor(nodes: Iterable<string>, handler?: EventHandler) {
 *     super(nodes, handler);
 *     this.#clients = this.nodes.map((node) => new PingClient(this, node));
 *   }
 *   get clients() { return this.#clients; }
 * }
 * ```
 */
export abstract class DistantWorker extends Worker {
  /**
   * The node names, in the order given.
   *
   * @example
   * ```ts
   * worker.nodes; // ['n1', 'n2']
   * ```
   */
  readonly nodes: readonly string[];

  /**
   * Initializes the base with the node names.
   *
   * @param nodes - the node names (a NodeSet, an array…)
   * @param handler - the event handler, if any
   * @example
   * ```ts
   * super(new NodeSet('n[1-4]'), handler);
   * ```
   */
  constructor(nodes: Iterable<string>, handler?: EventHandler) {
    super(handler);
    this.nodes = Object.freeze([...nodes]);
  }

  /**
   * The standard output of one node.
   *
   * @param node - node name
   * @returns the lines joined with `\n`, or undefined when the node printed nothing
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * worker.nodeBuffer('n1')?.toString();
   * ```
   */
  nodeBuffer(node: string): Buffer | undefined {
    return this.read(node, this.snameStdout);
  }

  /**
   * The standard error of one node (with `stderr: true`).
   *
   * @param node - node name
   * @returns the lines joined with `\n`, or undefined when the node printed nothing
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * worker.nodeError('n1')?.toString();
   * ```
   */
  nodeError(node: string): Buffer | undefined {
    return this.read(node, this.snameStderr);
  }

  /**
   * The return code of one node. ClusterShell raises `KeyError` when it is unknown; this returns
   * undefined instead.
   *
   * @param node - node name
   * @returns the rc, or undefined when the node did not finish (timed out, aborted, running)
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * worker.nodeRetcode('n1'); // 0
   * ```
   */
  nodeRetcode(node: string): number | undefined {
    return this._results().retcode(this, node);
  }

  /**
   * The standard output messages of this worker, gathered: each distinct output with the nodes
   * that printed it (use `NodeSet.fromList(nodes)` to fold them).
   *
   * @param matchKeys - only these nodes (all when omitted)
   * @returns `[message, nodes]` pairs
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * for (const [msg, nodes] of worker.iterBuffers()) console.log(nodes, `${msg}`);
   * ```
   */
  iterBuffers(matchKeys?: Iterable<string>): Iterable<readonly [OutputMessage, string[]]> {
    return this._results().iterMessages(this, this.snameStdout, matchKeys);
  }

  /**
   * The standard error messages of this worker, gathered like {@link DistantWorker.iterBuffers}.
   *
   * @param matchKeys - only these nodes (all when omitted)
   * @returns `[message, nodes]` pairs
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * for (const [msg, nodes] of worker.iterErrors()) console.error(nodes, `${msg}`);
   * ```
   */
  iterErrors(matchKeys?: Iterable<string>): Iterable<readonly [OutputMessage, string[]]> {
    return this._results().iterMessages(this, this.snameStderr, matchKeys);
  }

  /**
   * Each node with its standard output.
   *
   * @param matchKeys - only these nodes (all when omitted)
   * @returns `[node, message]` pairs
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * for (const [node, msg] of worker.iterNodeBuffers()) console.log(`${node}: ${msg}`);
   * ```
   */
  iterNodeBuffers(matchKeys?: Iterable<string>): Iterable<readonly [string, OutputMessage]> {
    return this._results().iterKeyMessages(this, this.snameStdout, matchKeys);
  }

  /**
   * Each node with its standard error.
   *
   * @param matchKeys - only these nodes (all when omitted)
   * @returns `[node, message]` pairs
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * for (const [node, msg] of worker.iterNodeErrors()) console.error(`${node}: ${msg}`);
   * ```
   */
  iterNodeErrors(matchKeys?: Iterable<string>): Iterable<readonly [string, OutputMessage]> {
    return this._results().iterKeyMessages(this, this.snameStderr, matchKeys);
  }

  /**
   * The return codes of this worker, gathered: each rc with its nodes.
   *
   * @param matchKeys - only these nodes (all when omitted)
   * @returns `[rc, nodes]` pairs
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * for (const [rc, nodes] of worker.iterRetcodes()) console.log(rc, nodes);
   * ```
   */
  iterRetcodes(matchKeys?: Iterable<string>): Iterable<readonly [number, string[]]> {
    return this._results().iterRetcodes(this, matchKeys);
  }

  /**
   * Each node with its return code.
   *
   * @returns `[node, rc]` pairs
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * const rcs = new Map(worker.iterNodeRetcodes());
   * ```
   */
  iterNodeRetcodes(): Iterable<readonly [string, number]> {
    return this._results().iterKeyRetcodes(this);
  }

  /**
   * How many nodes of this worker timed out.
   *
   * @returns the count
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * worker.numTimeout(); // 0
   * ```
   */
  numTimeout(): number {
    let n = 0;
    for (const _ of this._results().timeouts(this)) n += 1;
    return n;
  }

  /**
   * The nodes of this worker that timed out.
   *
   * @returns the node names
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * console.log('timed out:', [...worker.iterKeysTimeout()].join(','));
   * ```
   */
  iterKeysTimeout(): Iterable<string> {
    return this._results().timeouts(this);
  }
}
