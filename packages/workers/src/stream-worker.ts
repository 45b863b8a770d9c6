import { constants, createReadStream, createWriteStream, fstatSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import {
  EngineClient,
  type EventHandler,
  Worker,
  WorkerArgumentError,
  WorkerError,
  type WriteData,
} from '@cluster-task/engine';

/**
 * Options of {@link StreamWorker.setReader} and {@link StreamWorker.setWriter}.
 *
 * @category Workers
 * @example
 * ```ts
 * worker.setReader('events', fd, { retain: false, closefd: false });
 * ```
 */
export interface StreamBindOptions {
  /**
   * Whether the stream keeps the worker alive while open.
   *
   * @defaultValue true
   */
  readonly retain?: boolean | undefined;
  /**
   * For a file descriptor: close it when the stream ends (false leaves it open to the caller).
   *
   * @defaultValue true
   */
  readonly closefd?: boolean | undefined;
}

/**
 * Options of a {@link StreamWorker}.
 *
 * @category Workers
 * @example
 * ```ts
 * const options: StreamWorkerOptions = { key: 'pipe', timeout: 5 };
 * ```
 */
export interface StreamWorkerOptions {
  /** The event handler. */
  readonly handler?: EventHandler | undefined;
  /**
   * The key results are recorded under.
   *
   * @defaultValue a unique key made from the worker's id
   */
  readonly key?: string | number | undefined;
  /**
   * Timeout in seconds; undefined or negative for none.
   *
   * @defaultValue undefined
   */
  readonly timeout?: number | null | undefined;
  /**
   * Let the run end without this worker.
   *
   * @defaultValue false
   */
  readonly autoclose?: boolean | undefined;
}

type Source = Readable | number;
type Sink = Writable | number;

interface Binding<T> {
  readonly target: T;
  readonly retain: boolean;
  readonly closefd: boolean;
}

class StreamClient extends EngineClient {
  readonly readers = new Map<string, Binding<Source>>();
  readonly writers = new Map<string, Binding<Sink>>();

  constructor(worker: StreamWorker, key: string, options: StreamWorkerOptions) {
    super(worker, key, { timeout: options.timeout ?? undefined, autoclose: options.autoclose });
    this.flushOnTimeout = true;
  }

  declare(sname: string, retain: boolean): void {
    this.declareWriter(sname, { retain });
  }

  protected _start(): void {
    for (const [sname, b] of this.readers) {
      this.addReader(sname, toReadable(b.target, b.closefd), { retain: b.retain });
    }
    for (const [sname, b] of this.writers) {
      this.addWriter(sname, toWritable(b.target, b.closefd), { retain: b.retain });
    }
    this.worker.emitPickup(this.key);
  }

  protected _close(_abort: boolean, timedout: boolean): void {
    if (timedout) this.worker.emitTimeout(this.key);
    this.worker.emitHup(this.key, undefined);
    this.worker.emitClose(timedout);
  }
}

/**
 * A pipe or socket is read without blocking through a `net.Socket`, which closes its descriptor
 * at the end; with `closefd: false` a pipe is reopened through `/proc/self/fd` (same pipe, a
 * descriptor of our own), so the caller's stays open. Files and terminals use fs streams.
 */
function toReadable(source: Source, closefd: boolean): Readable {
  if (typeof source !== 'number') return source;
  const st = fstatSync(source);
  if (st.isFIFO() || st.isSocket()) {
    const fd = closefd || st.isSocket() ? source : reopen(source, constants.O_RDONLY);
    return new Socket({ fd, readable: true, writable: false });
  }
  return createReadStream('', { fd: source, autoClose: closefd });
}

function toWritable(sink: Sink, closefd: boolean): Writable {
  if (typeof sink !== 'number') return sink;
  const st = fstatSync(sink);
  if (st.isFIFO() || st.isSocket()) {
    const fd = closefd || st.isSocket() ? sink : reopen(sink, constants.O_WRONLY);
    return new Socket({ fd, readable: false, writable: true });
  }
  return createWriteStream('', { fd: sink, autoClose: closefd });
}

function reopen(fd: number, mode: number): number {
  return openSync(`/proc/self/fd/${fd}`, mode | constants.O_NONBLOCK);
}

/**
 * A worker bound to existing streams rather than a command (ClusterShell's `StreamWorker`):
 * give it readable streams (Node `Readable`s or file descriptors) with {@link
 * StreamWorker.setReader} and writable ones with {@link StreamWorker.setWriter}, schedule it,
 * and it raises `onRead` with each line and the stream's name, `onHup(worker, key, undefined)`
 * when every retained stream is done, then `onClose`. On a timeout, a partial last line is still
 * delivered (as ClusterShell).
 *
 * @category Workers
 * @example
 * ```ts
 * const worker = new StreamWorker({ handler: { onRead: (w, key, sname, msg) => console.log(sname, `${msg}`) } });
 * worker.setReader('journal', spawn('journalctl', ['-f']).stdout, { retain: true });
 * task.schedule(worker);
 * ```
 */
export class StreamWorker extends Worker {
  readonly #client: StreamClient;

  /**
   * Creates a worker with no stream yet.
   *
   * @param options - handler, key, timeout, autoclose
   * @example
   * ```ts
   * const worker = new StreamWorker({ key: 'pipe', timeout: 10 });
   * ```
   */
  constructor(options: StreamWorkerOptions = {}) {
    super(options.handler);
    const key = options.key === undefined ? `stream#${this.id}` : String(options.key);
    this.#client = new StreamClient(this, key, options);
  }

  /**
   * The engine client (one).
   *
   * @example
   * ```ts
   * worker.clients.length; // 1
   * ```
   */
  get clients(): readonly EngineClient[] {
    return [this.#client];
  }

  /**
   * The key results are recorded under.
   *
   * @example
   * ```ts
   * new StreamWorker({ key: 'k' }).key; // 'k'
   * ```
   */
  get key(): string {
    return this.#client.key;
  }

  override get defaultKey(): string {
    return this.#client.key;
  }

  /**
   * Changes the key.
   *
   * @param key - the new key
   * @example
   * ```ts
   * worker.setKey('pipe');
   * ```
   */
  setKey(key: string | number): void {
    this.#client.key = String(key);
  }

  /**
   * Adds a readable stream; its lines are raised with `sname`.
   *
   * @param sname - the stream name
   * @param source - a Node `Readable`, or a file descriptor
   * @param options - retain (default true), closefd (default true)
   * @throws {WorkerError} when the worker has started ("cannot add new stream at runtime")
   * @throws {WorkerArgumentError} when the source is neither a stream nor a descriptor
   * @example
   * ```ts
   * worker.setReader('stdout', child.stdout);
   * ```
   */
  setReader(sname: string, source: Readable | number, options: StreamBindOptions = {}): void {
    this.#checkIdle();
    if (typeof source !== 'number' && typeof (source as Readable)?.on !== 'function') {
      throw new WorkerArgumentError(`reader ${sname}: expected a Readable or a file descriptor`);
    }
    this.#client.readers.set(sname, {
      target: source,
      retain: options.retain ?? true,
      closefd: options.closefd ?? true,
    });
  }

  /**
   * Adds a writable stream, for {@link StreamWorker.write}.
   *
   * @param sname - the stream name
   * @param sink - a Node `Writable`, or a file descriptor
   * @param options - retain (default true), closefd (default true)
   * @throws {WorkerError} when the worker has started ("cannot add new stream at runtime")
   * @throws {WorkerArgumentError} when the sink is neither a stream nor a descriptor
   * @example
   * ```ts
   * worker.setWriter('stdin', child.stdin, { retain: false });
   * ```
   */
  setWriter(sname: string, sink: Writable | number, options: StreamBindOptions = {}): void {
    this.#checkIdle();
    if (typeof sink !== 'number' && typeof (sink as Writable)?.write !== 'function') {
      throw new WorkerArgumentError(`writer ${sname}: expected a Writable or a file descriptor`);
    }
    const retain = options.retain ?? true;
    this.#client.writers.set(sname, { target: sink, retain, closefd: options.closefd ?? true });
    this.#client.declare(sname, retain);
  }

  /**
   * Writes to one writable stream, or to all of them without `sname`; kept until the start when
   * called before.
   *
   * @param data - bytes, or a string written as UTF-8
   * @param sname - stream name (all writers when omitted)
   * @throws {WorkerError} when `sname` names no writer
   * @example
   * ```ts
   * worker.write('ping\n', 'control');
   * ```
   */
  write(data: WriteData, sname?: string): void {
    if (sname !== undefined) {
      if (!this.#client.writers.has(sname)) throw new WorkerError(`no writable stream '${sname}'`);
      this.#client.write(data, sname);
      return;
    }
    for (const name of this.#client.writers.keys()) this.#client.write(data, name);
  }

  /**
   * Closes one writable stream, or all of them, once flushed.
   *
   * @param sname - stream name (all writers when omitted)
   * @example
   * ```ts
   * worker.setWriteEof('control');
   * ```
   */
  setWriteEof(sname?: string): void {
    if (sname !== undefined) {
      this.#client.setWriteEof(sname);
      return;
    }
    for (const name of this.#client.writers.keys()) this.#client.setWriteEof(name);
  }

  #checkIdle(): void {
    const state = this.#client.state;
    if (state === 'running' || state === 'closed') {
      throw new WorkerError('cannot add new stream at runtime');
    }
  }
}
