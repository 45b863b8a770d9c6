import { Buffer } from 'node:buffer';
import type { Readable, Writable } from 'node:stream';
import { debuglog } from 'node:util';
import type { Engine } from './engine.js';
import { EngineArgumentError } from './errors.js';
import { clientHooks } from './internal/hooks.js';
import { LineSplitter } from './internal/line-splitter.js';
import type { Worker } from './worker.js';

const debug = debuglog('clustershell:engine');

/**
 * Options of an {@link EngineClient}.
 *
 * @category Clients
 * @example
 * ```ts
 * const options: EngineClientOptions = { timeout: 30, autoclose: false };
 * ```
 */
export interface EngineClientOptions {
  /**
   * Seconds the client may run before it is aborted as timed out; undefined or negative for no
   * limit, 0 to time out at once (as ClusterShell).
   *
   * @defaultValue undefined (no limit)
   */
  readonly timeout?: number | undefined;
  /**
   * When true, the client does not keep the run alive: it is aborted once every other
   * (non-autoclose) client, timer and port is done.
   *
   * @defaultValue false
   */
  readonly autoclose?: boolean | undefined;
  /**
   * Whether the client counts against the fanout (it may then wait for a free slot).
   *
   * @defaultValue true
   */
  readonly delayable?: boolean | undefined;
}

/**
 * Options of a stream of an {@link EngineClient}.
 *
 * @category Clients
 * @example
 * ```ts
 * this.addWriter('stdin', child.stdin, { retain: false });
 * ```
 */
export interface StreamOptions {
  /**
   * Whether the stream keeps the client alive while it is open: a client ends when all its
   * retained streams (and holds) are done.
   *
   * @defaultValue true
   */
  readonly retain?: boolean | undefined;
}

/**
 * Where a client is in its life: created (`idle`), scheduled and waiting for a fanout slot
 * (`pending`), started (`running`), finished or aborted (`closed`).
 *
 * @category Clients
 * @example
 * ```ts
 * if (client.state === 'running') client.write('more\n', 'stdin');
 * ```
 */
export type ClientState = 'idle' | 'pending' | 'running' | 'closed';

/**
 * Bytes to write: a Buffer or any Uint8Array, or a string (written as UTF-8).
 *
 * @category Clients
 * @example
 * ```ts
 * const data: WriteData = 'line\n';
 * ```
 */
export type WriteData = Uint8Array | string;

interface ReaderState {
  readonly retain: boolean;
  readonly splitter: LineSplitter;
  open: boolean;
  source: Readable | undefined;
}

interface WriterState {
  readonly retain: boolean;
  open: boolean;
  sink: Writable | undefined;
  queue: Buffer[];
  eof: boolean;
}

/**
 * One unit of work of a worker, driven by the engine (ClusterShell's `EngineClient`): usually a
 * process for one node. The engine starts it when the fanout allows, splits its readable
 * streams into lines, times it out, aborts it, and removes it once every retained stream has
 * ended and every {@link EngineClient.hold | hold} is released.
 *
 * To implement a client, extend this class and write:
 * - `_start()`: begin the work (spawn, connect…), attach streams with `addReader()` /
 *   `addWriter()` (or push data with `feed()` / `endReader()`), take a `hold()` for anything
 *   else the end must wait for (a process exit), and call `this.worker.emitPickup(this.key)`.
 * - `_close(abort, timedout)`: called once at the end; report the outcome with
 *   `worker.emitHup()` or `worker.emitTimeout()`, stop what still runs when `abort` is set, and
 *   tell the worker it may close.
 * - optionally `_onLine(sname, line)` to route lines (the default raises `onRead` for the key).
 *
 * Engine callbacks must run through {@link EngineClient.guarded} so that an exception in a user
 * handler fails the run instead of crashing the process.
 *
 * @category Clients
 * @example
 * ```ts
 * class EchoClient extends EngineClient {
 *   readonly #text: string;
 *   constructor(worker: Worker, key: string, text: string) { super(worker, key); this.#text = text; }
 *   protected _start(): void {
 *     this.worker.emitPickup(this.key);
 *     this.openReader('stdout');
 *     this.feed('stdout', Buffer.from(`${this.#text}\n`));
 *     this.endReader('stdout'); // the client ends: no retained stream left
 *   }
 *   protected _close(abort: boolean): void {
 *     if (!abort) this.worker.emitHup(this.key, 0);
 *     this.worker.emitClose(false);
 *   }
 * }
 * ```
 */
export abstract class EngineClient {
  /**
   * The worker this client belongs to.
   *
   * @example
   * ```ts
   * client.worker.handler;
   * ```
   */
  readonly worker: Worker;
  /**
   * The key results are recorded under: a node name, or a worker's key.
   *
   * @example
   * ```ts
   * client.key; // 'n1'
   * ```
   */
  key: string;
  /**
   * The command timeout in seconds, or undefined for none.
   *
   * @example
   * ```ts
   * client.timeout; // 30
   * ```
   */
  readonly timeout: number | undefined;
  /**
   * Whether the client lets the run end without it.
   *
   * @example
   * ```ts
   * client.autoclose; // false
   * ```
   */
  readonly autoclose: boolean;
  /**
   * Whether the client counts against the fanout.
   *
   * @example
   * ```ts
   * client.delayable; // true
   * ```
   */
  readonly delayable: boolean;
  /**
   * When true, a partial last line is still delivered when the client times out (StreamWorker
   * does; process clients drop it, as ClusterShell).
   *
   * @example
   * ```ts
   * this.flushOnTimeout = true;
   * ```
   */
  protected flushOnTimeout = false;
  #engine: Engine | undefined;
  #state: ClientState = 'idle';
  readonly #readers = new Map<string, ReaderState>();
  readonly #writers = new Map<string, WriterState>();
  #holds = 0;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  /**
   * Initializes the base; call it from subclasses.
   *
   * @param worker - the worker owning the client
   * @param key - the key results are recorded under
   * @param options - timeout, autoclose, delayable
   * @throws {EngineArgumentError} when `timeout` is not a number
   * @example
   * ```ts
   * super(worker, node, { timeout: 10 });
   * ```
   */
  constructor(worker: Worker, key: string, options: EngineClientOptions = {}) {
    const timeout = options.timeout ?? undefined;
    if (timeout !== undefined && (typeof timeout !== 'number' || Number.isNaN(timeout))) {
      throw new EngineArgumentError('timeout', timeout, 'a number of seconds');
    }
    this.worker = worker;
    this.key = key;
    this.timeout = timeout !== undefined && timeout >= 0 ? timeout : undefined;
    this.autoclose = options.autoclose ?? false;
    this.delayable = options.delayable ?? true;
  }

  /**
   * The engine the client was added to, if any.
   *
   * @example
   * ```ts
   * client.engine?.running;
   * ```
   */
  get engine(): Engine | undefined {
    return this.#engine;
  }

  /**
   * Where the client is in its life.
   *
   * @example
   * ```ts
   * client.state; // 'pending' while waiting for a fanout slot
   * ```
   */
  get state(): ClientState {
    return this.#state;
  }

  // --- to implement ---

  /**
   * Starts the work. Called once by the engine when the fanout allows.
   *
   * @example
   * ```ts
   * protected _start(): void { this.#child = spawn(...); this.addReader('stdout', this.#child.stdout); }
   * ```
   */
  protected abstract _start(): void;

  /**
   * Ends the client; called once by the engine, after its streams were closed. `abort` is set
   * when the client was aborted or timed out (`timedout`) rather than done.
   *
   * @param abort - the client is stopped before its end
   * @param timedout - the stop is a timeout
   * @example
   * ```ts
   * protected _close(abort: boolean, timedout: boolean): void {
   *   if (timedout) this.worker.emitTimeout(this.key);
   *   else if (!abort) this.worker.emitHup(this.key, this.#rc);
   * }
   * ```
   */
  protected abstract _close(abort: boolean, timedout: boolean): void;

  /**
   * Receives each line of a readable stream; the default raises `onRead` for the client's key.
   *
   * @param sname - stream name
   * @param line - the line, without end of line
   * @example
   * ```ts
   * protected override _onLine(sname: string, line: Buffer): void {
   *   for (const node of this.#nodes) this.worker.emitRead(node, sname, line);
   * }
   * ```
   */
  protected _onLine(sname: string, line: Buffer): void {
    this.worker.emitRead(this.key, sname, line);
  }

  /**
   * Receives each completed write; the default raises `onWritten` for the client's key.
   *
   * @param sname - stream name
   * @param size - bytes written
   * @example
   * ```ts
   * protected override _onWritten(sname: string, size: number): void { this.#sent += size; }
   * ```
   */
  protected _onWritten(sname: string, size: number): void {
    this.worker.emitWritten(this.key, sname, size);
  }

  /**
   * Called when the client is dropped before it started (its worker was aborted while it waited
   * for a fanout slot): no `_start`, no `_close`. Workers that count their closed clients count
   * this too; the default does nothing.
   *
   * @example
   * ```ts
   * protected override _onDrop(): void { this.#worker.clientDone(false); }
   * ```
   */
  protected _onDrop(): void {}

  // --- tools for implementations ---

  /**
   * Wraps an engine callback (a stream, process or socket event): the call is held while the
   * engine is suspended, and an exception fails the run instead of escaping to Node.
   *
   * @param fn - the callback
   * @returns the wrapped callback
   * @example
   * ```ts
   * child.once('exit', this.guarded((code, signal) => this.#exited(code, signal)));
   * ```
   */
  protected guarded<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      const engine = this.#engine;
      if (engine === undefined) fn(...args);
      else clientHooks.guard(engine, () => fn(...args));
    };
  }

  /**
   * Fails the whole run with an infrastructure error (a process that cannot be spawned).
   *
   * @param error - the error the run rejects with
   * @example
   * ```ts
   * child.once('error', this.guarded((err) => this.fail(new EngineClientError('spawn failed', { cause: err }))));
   * ```
   */
  protected fail(error: Error): void {
    const engine = this.#engine;
    if (engine === undefined) throw error;
    clientHooks.fail(engine, error);
  }

  /**
   * Declares a readable stream fed with {@link EngineClient.feed} and ended with
   * {@link EngineClient.endReader} (for sources that are not Node streams).
   *
   * @param sname - stream name
   * @param options - whether it keeps the client alive (default true)
   * @example
   * ```ts
   * this.openReader('stdout');
   * channel.on('data', this.guarded((d: Buffer) => this.feed('stdout', d)));
   * ```
   */
  protected openReader(sname: string, options: StreamOptions = {}): void {
    this.#readers.set(sname, {
      retain: options.retain ?? true,
      splitter: new LineSplitter(),
      open: true,
      source: undefined,
    });
  }

  /**
   * Attaches a Node readable stream: its data is split into lines for `_onLine`, its end ends
   * the stream (delivering a last partial line).
   *
   * @param sname - stream name
   * @param source - the readable stream (a child's stdout…)
   * @param options - whether it keeps the client alive (default true)
   * @example
   * ```ts
   * this.addReader('stdout', child.stdout);
   * ```
   */
  protected addReader(sname: string, source: Readable, options: StreamOptions = {}): void {
    this.openReader(sname, options);
    const reader = this.#readers.get(sname) as ReaderState;
    reader.source = source;
    const end = this.guarded(() => this.endReader(sname));
    source.on(
      'data',
      this.guarded((chunk: Buffer | string) => this.feed(sname, chunk)),
    );
    source.once('end', end);
    source.once('close', end);
    source.once('error', (err: Error) => {
      debug('reader %s of %s: %s', sname, this.key, err.message);
      end();
    });
    if (this.#engine !== undefined && clientHooks.suspended(this.#engine)) source.pause();
  }

  /**
   * Gives bytes read from a stream declared with `openReader()`; complete lines go to
   * `_onLine`, a partial line waits for more.
   *
   * @param sname - stream name
   * @param chunk - the bytes (a string is taken as UTF-8)
   * @example
   * ```ts
   * this.feed('stdout', Buffer.from('a\nb'));
   * ```
   */
  protected feed(sname: string, chunk: Buffer | string): void {
    if (this.#state !== 'running') return;
    const reader = this.#readers.get(sname);
    if (reader === undefined || !reader.open) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    reader.splitter.push(bytes, (line) => {
      this._onLine(sname, line);
      return this.#state === 'running' && reader.open;
    });
  }

  /**
   * Ends a readable stream: its partial last line is delivered, and the client ends when no
   * retained stream nor hold remains. Safe to call twice.
   *
   * @param sname - stream name
   * @example
   * ```ts
   * channel.once('end', this.guarded(() => this.endReader('stdout')));
   * ```
   */
  protected endReader(sname: string): void {
    const reader = this.#readers.get(sname);
    if (reader === undefined || !reader.open) return;
    reader.open = false;
    if (this.#state !== 'running') return;
    const rest = reader.splitter.flush();
    if (rest !== undefined) this._onLine(sname, rest);
    this.#check();
  }

  /**
   * Declares a writable stream before it exists, so that writes made before the start are kept
   * and written once it is attached (ClusterShell's early buffering).
   *
   * @param sname - stream name
   * @param options - whether it keeps the client alive (default true)
   * @example
   * ```ts
   * constructor(...) { super(...); this.declareWriter('stdin', { retain: false }); }
   * ```
   */
  protected declareWriter(sname: string, options: StreamOptions = {}): void {
    const existing = this.#writers.get(sname);
    if (existing !== undefined) return;
    this.#writers.set(sname, {
      retain: options.retain ?? true,
      open: true,
      sink: undefined,
      queue: [],
      eof: false,
    });
  }

  /**
   * Attaches a Node writable stream: writes kept so far are written, then EOF if it was asked.
   *
   * @param sname - stream name
   * @param sink - the writable stream (a child's stdin…)
   * @param options - whether it keeps the client alive (default: as declared, else true)
   * @example
   * ```ts
   * this.addWriter('stdin', child.stdin, { retain: false });
   * ```
   */
  protected addWriter(sname: string, sink: Writable, options: StreamOptions = {}): void {
    let writer = this.#writers.get(sname);
    if (writer === undefined || options.retain !== undefined) {
      const queue = writer?.queue ?? [];
      const eof = writer?.eof ?? false;
      writer = { retain: options.retain ?? true, open: true, sink: undefined, queue, eof };
      this.#writers.set(sname, writer);
    }
    const w = writer;
    w.sink = sink;
    const closed = this.guarded(() => this.#writerClosed(sname, w));
    sink.once('error', (err: Error) => {
      debug('writer %s of %s: %s', sname, this.key, err.message);
      closed();
    });
    sink.once('close', closed);
    sink.once('finish', closed);
    const queue = w.queue;
    w.queue = [];
    // Writes kept until now go out as one, as ClusterShell flushes its write buffer at once.
    if (queue.length === 1) this.#writeTo(sname, w, queue[0] as Buffer);
    else if (queue.length > 1) this.#writeTo(sname, w, Buffer.concat(queue));
    if (w.eof) sink.end();
  }

  /**
   * Keeps the client alive until the returned function is called (once), for an end that is
   * not a stream: a process exit, a remote exit status.
   *
   * @returns the release function
   * @example
   * ```ts
   * const release = this.hold();
   * child.once('exit', this.guarded(() => { this.#rc = child.exitCode; release(); }));
   * ```
   */
  protected hold(): () => void {
    this.#holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds -= 1;
      this.#check();
    };
  }

  /**
   * Arms a timer tied to the client (a connect timeout, a keep-alive): it is cancelled when the
   * client ends, and its callback is guarded.
   *
   * @param seconds - delay in seconds
   * @param fn - what to run
   * @returns a function that cancels the timer
   * @example
   * ```ts
   * const cancel = this.armTimer(connectTimeout, () => this.abort());
   * socket.once('connect', cancel);
   * ```
   */
  protected armTimer(seconds: number, fn: () => void): () => void {
    const handle = setTimeout(
      () => {
        this.#timers.delete(handle);
        this.guarded(fn)();
      },
      Math.max(0, seconds * 1000),
    );
    this.#timers.add(handle);
    return () => {
      clearTimeout(handle);
      this.#timers.delete(handle);
    };
  }

  /**
   * Tells the engine to wait for background work (reaping a killed process) before its run
   * resolves.
   *
   * @param work - the pending work
   * @example
   * ```ts
   * this.drain(new Promise((resolve) => child.once('close', resolve)));
   * ```
   */
  protected drain(work: Promise<unknown>): void {
    const engine = this.#engine;
    if (engine !== undefined) clientHooks.drain(engine, work);
  }

  // --- public operations ---

  /**
   * Tells whether the client has a writable stream of that name still open.
   *
   * @param sname - stream name
   * @returns true when writes to it are accepted
   * @example
   * ```ts
   * if (client.hasWriter('stdin')) client.write('y\n', 'stdin');
   * ```
   */
  hasWriter(sname: string): boolean {
    const writer = this.#writers.get(sname);
    return writer?.open === true && this.#state !== 'closed';
  }

  /**
   * The names of the writable streams still open.
   *
   * @returns stream names
   * @example
   * ```ts
   * client.writerNames(); // ['stdin']
   * ```
   */
  writerNames(): string[] {
    if (this.#state === 'closed') return [];
    return [...this.#writers].filter(([, w]) => w.open).map(([name]) => name);
  }

  /**
   * Writes bytes to a writable stream, or keeps them until the stream is attached. Writes to a
   * closed or unknown stream are ignored.
   *
   * @param data - the bytes (a string is written as UTF-8)
   * @param sname - stream name
   * @returns true when the data was accepted
   * @example
   * ```ts
   * client.write('yes\n', 'stdin');
   * ```
   */
  write(data: WriteData, sname: string): boolean {
    const writer = this.#writers.get(sname);
    if (writer === undefined || !writer.open || writer.eof || this.#state === 'closed') {
      return false;
    }
    const buf = typeof data === 'string' ? Buffer.from(data) : toBuffer(data);
    if (writer.sink === undefined) writer.queue.push(buf);
    else this.#writeTo(sname, writer, buf);
    return true;
  }

  /**
   * Closes a writable stream once what was written is flushed (ClusterShell's
   * `set_write_eof`). Ignored for a closed or unknown stream.
   *
   * @param sname - stream name
   * @example
   * ```ts
   * client.write(data, 'stdin');
   * client.setWriteEof('stdin');
   * ```
   */
  setWriteEof(sname: string): void {
    const writer = this.#writers.get(sname);
    if (writer === undefined || !writer.open || writer.eof) return;
    writer.eof = true;
    writer.sink?.end();
  }

  /**
   * Aborts the client: it is removed from the engine and closed with `abort` set; nothing
   * happens when it is not scheduled or already closed. A pending client is dropped without
   * any event.
   *
   * @example
   * ```ts
   * client.abort();
   * ```
   */
  abort(): void {
    const engine = this.#engine;
    if (engine === undefined) return;
    if (this.#state === 'pending' || this.#state === 'running') {
      clientHooks.remove(engine, this, true, false);
    }
  }

  // --- engine protocol ---

  /**
   * Binds the client to an engine.
   *
   * @param engine - the engine
   * @throws {EngineArgumentError} when the client was already added to an engine
   * @internal
   */
  _bind(engine: Engine): void {
    if (this.#engine !== undefined) {
      throw new EngineArgumentError('client', this, 'a client not yet added to an engine');
    }
    this.#engine = engine;
    this.#state = 'pending';
  }

  /**
   * Drops a client that never started (aborted while pending): no event.
   *
   * @internal
   */
  _drop(): void {
    this.#state = 'closed';
    for (const writer of this.#writers.values()) {
      writer.open = false;
      writer.queue = [];
    }
    this._onDrop();
  }

  /**
   * Starts the client (engine side).
   *
   * @internal
   */
  _engineStart(): void {
    this.#state = 'running';
    const timeout = this.timeout;
    if (timeout !== undefined) {
      const engine = this.#engine as Engine;
      this.armTimer(timeout, () => {
        if (this.#state === 'running') clientHooks.remove(engine, this, true, true);
      });
    }
    this._start();
    this.#check();
  }

  /**
   * Closes the client (engine side), after it was removed.
   *
   * @param abort - stopped before its end
   * @param timedout - stopped by its timeout
   * @internal
   */
  _engineClose(abort: boolean, timedout: boolean): void {
    for (const handle of this.#timers) clearTimeout(handle);
    this.#timers.clear();
    if (!abort || (timedout && this.flushOnTimeout)) {
      for (const [sname, reader] of this.#readers) {
        if (!reader.open) continue;
        const rest = reader.splitter.flush();
        if (rest !== undefined && this.#state === 'running') this._onLine(sname, rest);
      }
    }
    this.#state = 'closed';
    for (const reader of this.#readers.values()) {
      reader.open = false;
      reader.splitter.reset();
      reader.source?.destroy();
    }
    for (const writer of this.#writers.values()) {
      writer.open = false;
      writer.queue = [];
      writer.sink?.destroy();
    }
    this._close(abort, timedout);
  }

  /**
   * Pauses the readable streams (engine suspended).
   *
   * @internal
   */
  _pause(): void {
    for (const reader of this.#readers.values()) if (reader.open) reader.source?.pause();
  }

  /**
   * Resumes the readable streams.
   *
   * @internal
   */
  _unpause(): void {
    for (const reader of this.#readers.values()) if (reader.open) reader.source?.resume();
  }

  #writeTo(sname: string, writer: WriterState, buf: Buffer): void {
    const sink = writer.sink as Writable;
    const size = buf.length;
    sink.write(
      buf,
      this.guarded((err?: Error | null) => {
        if (err == null && this.#state === 'running') this._onWritten(sname, size);
      }),
    );
  }

  #writerClosed(sname: string, writer: WriterState): void {
    if (!writer.open || this.#writers.get(sname) !== writer) return;
    writer.open = false;
    writer.queue = [];
    writer.sink?.destroy();
    if (this.#state === 'running') this.#check();
  }

  #check(): void {
    if (this.#state !== 'running' || this.#holds > 0) return;
    for (const reader of this.#readers.values()) if (reader.open && reader.retain) return;
    for (const writer of this.#writers.values()) if (writer.open && writer.retain) return;
    clientHooks.remove(this.#engine as Engine, this, false, false);
  }
}

function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
