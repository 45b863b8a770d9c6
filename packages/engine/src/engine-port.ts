import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Engine } from './engine.js';
import { EngineArgumentError } from './errors.js';
import type { EventHandler } from './event-handler.js';
import { portHooks } from './internal/hooks.js';

/**
 * Options of an {@link EnginePort}.
 *
 * @category Ports
 * @example
 * ```ts
 * const options: EnginePortOptions = { autoclose: true, queueLimit: 10 };
 * ```
 */
export interface EnginePortOptions {
  /**
   * When true, the port does not keep the run alive.
   *
   * @defaultValue false
   */
  readonly autoclose?: boolean | undefined;
  /**
   * How many messages may wait for delivery (ClusterShell's `port_qlimit`).
   *
   * @defaultValue 100
   */
  readonly queueLimit?: number | undefined;
}

/** Messages of the cross-thread protocol. */
type Wire =
  | { readonly t: 'hello'; readonly limit: number }
  | { readonly t: 'msg'; readonly id: number; readonly msg: unknown }
  | { readonly t: 'ack'; readonly id: number; readonly ok: boolean }
  | { readonly t: 'closed' };

interface Pending {
  readonly msg: unknown;
  readonly ack: ((ok: boolean) => void) | undefined;
}

/**
 * A message queue into a running task (ClusterShell's `EnginePort`): messages sent with
 * {@link EnginePort.msg} or {@link EnginePort.msgSend} are delivered to the port's handler
 * (`onMsg`) by the engine, in order, while it runs. Other threads send through
 * {@link EnginePort.remote}, which hands out a `MessagePort` for a {@link RemotePort}.
 *
 * Create ports with `task.port()` or `engine.addPort(new EnginePort(…))`.
 *
 * @category Ports
 * @example
 * ```ts
 * const port = task.port({ onMsg: (p, msg) => console.log('got', msg) });
 * task.shell('sleep 1');
 * setTimeout(() => port.msgSend({ hello: 'world' }), 100);
 * await task.resume();
 * ```
 */
export class EnginePort {
  /**
   * The handler receiving `onPortStart` and `onMsg`.
   *
   * @example
   * ```ts
   * port.handler = { onMsg: (p, msg) => queue.push(msg) };
   * ```
   */
  handler: EventHandler | undefined;
  /**
   * Whether the port lets the run end without it.
   *
   * @example
   * ```ts
   * port.autoclose; // false
   * ```
   */
  readonly autoclose: boolean;
  /**
   * How many messages may wait for delivery.
   *
   * @example
   * ```ts
   * port.queueLimit; // 100
   * ```
   */
  readonly queueLimit: number;
  #engine: Engine | undefined;
  #started = false;
  #closed = false;
  #queue: Pending[] = [];
  #roomWaiters: (() => void)[] = [];
  #scheduled = false;
  readonly #remotes = new Set<MessagePort>();
  #refed = false;

  /**
   * Creates a port; add it to an engine (or use `task.port()`) to receive messages.
   *
   * @param handler - receives `onPortStart` and `onMsg`
   * @param options - autoclose and queue limit
   * @throws {EngineArgumentError} when `queueLimit` is not a positive integer
   * @example
   * ```ts
   * const port = new EnginePort({ onMsg: (p, m) => console.log(m) }, { autoclose: true });
   * engine.addPort(port);
   * ```
   */
  constructor(handler?: EventHandler, options: EnginePortOptions = {}) {
    const limit = options.queueLimit ?? 100;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new EngineArgumentError('queueLimit', limit, 'a positive integer');
    }
    this.handler = handler;
    this.autoclose = options.autoclose ?? false;
    this.queueLimit = limit;
  }

  /**
   * True once the port was removed: sends then return false.
   *
   * @example
   * ```ts
   * task.removePort(port);
   * port.closed; // true
   * ```
   */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * True once `onPortStart` was raised (the engine ran with the port).
   *
   * @example
   * ```ts
   * port.started; // false before the first run
   * ```
   */
  get started(): boolean {
    return this.#started;
  }

  /**
   * Number of messages waiting for delivery.
   *
   * @example
   * ```ts
   * port.pending; // 0
   * ```
   */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Sends a message without waiting for its delivery (ClusterShell's `msg_send`).
   *
   * @param msg - any value (kept by reference within the thread)
   * @returns false when the port is closed or its queue is full
   * @example
   * ```ts
   * port.msgSend({ cmd: 'stop' });
   * ```
   */
  msgSend(msg: unknown): boolean {
    if (this.#closed || this.#queue.length >= this.queueLimit) return false;
    this.#enqueue({ msg, ack: undefined });
    return true;
  }

  /**
   * Sends a message and waits until the receiving engine has handled it (ClusterShell's `msg`,
   * which blocks the sending thread); waits first for room when the queue is full.
   *
   * @param msg - any value
   * @returns a Promise of true once handled, false when the port is (or gets) closed
   * @example
   * ```ts
   * await port.msg('reload'); // resolved after the handler's onMsg returned
   * ```
   */
  async msg(msg: unknown): Promise<boolean> {
    while (!this.#closed && this.#queue.length >= this.queueLimit) {
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
    }
    if (this.#closed) return false;
    return new Promise<boolean>((resolve) => this.#enqueue({ msg, ack: resolve }));
  }

  /**
   * Opens a channel for another thread: transfer the returned `MessagePort` to a
   * `worker_threads` thread (in `transferList`) and wrap it there with
   * {@link RemotePort.connect}. Messages are structured-cloned.
   *
   * @returns the `MessagePort` to transfer
   * @throws {EngineArgumentError} when the port is closed
   * @example
   * ```ts
   * const remote = port.remote();
   * new Worker('./job.js', { workerData: { port: remote }, transferList: [remote] });
   * ```
   */
  remote(): MessagePort {
    if (this.#closed) throw new EngineArgumentError('port', 'closed', 'an open port');
    const { port1, port2 } = new MessageChannel();
    this.#remotes.add(port1);
    port1.on('message', (wire: Wire) => {
      if (wire.t === 'msg') {
        if (this.#closed) {
          port1.postMessage({ t: 'ack', id: wire.id, ok: false } satisfies Wire);
          return;
        }
        this.#enqueue({
          msg: wire.msg,
          ack: (ok) => port1.postMessage({ t: 'ack', id: wire.id, ok } satisfies Wire),
        });
      }
    });
    port1.once('close', () => this.#remotes.delete(port1));
    port1.postMessage({ t: 'hello', limit: this.queueLimit } satisfies Wire);
    if (!this.#refed) port1.unref();
    return port2;
  }

  // --- engine protocol ---

  /**
   * Binds to an engine.
   *
   * @param engine - the engine
   * @throws {EngineArgumentError} when already bound or closed
   * @internal
   */
  _bind(engine: Engine): void {
    if (this.#engine !== undefined || this.#closed) {
      throw new EngineArgumentError('port', this, 'a port not yet added to an engine');
    }
    this.#engine = engine;
  }

  /**
   * Starts the port (once): raises `onPortStart`.
   *
   * @internal
   */
  _start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.handler?.onPortStart?.(this);
    const engine = this.#engine;
    if (engine !== undefined) portHooks.observe(engine, (h) => h.onPortStart?.(this));
  }

  /**
   * The engine can deliver again (run started, resumed): delivers what waits.
   *
   * @param running - whether the engine now runs (refs the cross-thread channels)
   * @internal
   */
  _wake(running: boolean): void {
    this.#setRef(running && !this.autoclose);
    if (running) this.#schedule();
  }

  /**
   * Closes the port: messages still queued are dropped (their senders get false), remote
   * senders are told.
   *
   * @internal
   */
  _engineClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const queue = this.#queue;
    this.#queue = [];
    for (const item of queue) item.ack?.(false);
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const wake of waiters) wake();
    for (const mp of this.#remotes) {
      mp.postMessage({ t: 'closed' } satisfies Wire);
      mp.close();
    }
    this.#remotes.clear();
  }

  #setRef(on: boolean): void {
    this.#refed = on;
    for (const mp of this.#remotes) {
      if (on) mp.ref();
      else mp.unref();
    }
  }

  #enqueue(item: Pending): void {
    this.#queue.push(item);
    this.#schedule();
  }

  #schedule(): void {
    const engine = this.#engine;
    if (this.#scheduled || engine === undefined || this.#queue.length === 0) return;
    if (!this.#started || !portHooks.canDeliver(engine)) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      portHooks.guard(engine, () => this.#deliver(engine));
    });
  }

  #deliver(engine: Engine): void {
    let count = this.#queue.length;
    while (count > 0 && this.#queue.length > 0 && !this.#closed) {
      if (!portHooks.canDeliver(engine)) return;
      count -= 1;
      const item = this.#queue.shift() as Pending;
      const wake = this.#roomWaiters.shift();
      wake?.();
      try {
        this.handler?.onMsg?.(this, item.msg);
        portHooks.observe(engine, (h) => h.onMsg?.(this, item.msg));
      } finally {
        item.ack?.(true);
      }
    }
    this.#schedule();
  }
}

/**
 * The sending side of an {@link EnginePort} in another thread: built from the `MessagePort`
 * that {@link EnginePort.remote} returned, it sends messages to the port's task (ClusterShell's
 * `port.msg()` / `port.msg_send()` called from another thread). Messages are structured-cloned.
 *
 * @category Ports
 * @example
 * ```ts
 * // in a worker_threads thread
 * import { workerData } from 'node:worker_threads';
 * const port = RemotePort.connect(workerData.port);
 * await port.msg({ node: 'n1', status: 'ok' }); // resolved once the main task handled it
 * port.close();
 * ```
 */
export class RemotePort {
  readonly #mp: MessagePort;
  #limit = 100;
  #inFlight = 0;
  #nextId = 0;
  #closed = false;
  readonly #acks = new Map<number, (ok: boolean) => void>();
  #roomWaiters: (() => void)[] = [];

  /**
   * Wraps a `MessagePort` received from {@link EnginePort.remote}.
   *
   * @param mp - the transferred message port
   * @returns the sending side
   * @example
   * ```ts
   * const port = RemotePort.connect(workerData.port);
   * ```
   */
  static connect(mp: MessagePort): RemotePort {
    return new RemotePort(mp);
  }

  /**
   * Prefer {@link RemotePort.connect}.
   *
   * @param mp - the transferred message port
   * @example
   * ```ts
   * const port = new RemotePort(workerData.port);
   * ```
   */
  constructor(mp: MessagePort) {
    this.#mp = mp;
    mp.on('message', (wire: Wire) => {
      if (wire.t === 'hello') {
        this.#limit = wire.limit;
      } else if (wire.t === 'ack') {
        this.#inFlight -= 1;
        const ack = this.#acks.get(wire.id);
        this.#acks.delete(wire.id);
        ack?.(wire.ok);
        this.#roomWaiters.shift()?.();
        this.#updateRef();
      } else if (wire.t === 'closed') {
        this.#shut();
      }
    });
    mp.once('close', () => this.#shut());
    mp.unref();
  }

  /**
   * True once the port or this side was closed.
   *
   * @example
   * ```ts
   * if (!port.closed) port.msgSend('ping');
   * ```
   */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a message without waiting for its delivery.
   *
   * @param msg - a structured-cloneable value
   * @returns false when closed, or when as many messages as the port's queue limit are not yet
   *   delivered
   * @example
   * ```ts
   * port.msgSend({ progress: 50 });
   * ```
   */
  msgSend(msg: unknown): boolean {
    if (this.#closed || this.#inFlight >= this.#limit) return false;
    this.#post(msg, undefined);
    return true;
  }

  /**
   * Sends a message and waits until the receiving task has handled it; waits first for room
   * when the port's queue is full.
   *
   * @param msg - a structured-cloneable value
   * @returns a Promise of true once handled, false when the port is closed
   * @example
   * ```ts
   * const ok = await port.msg({ done: true });
   * ```
   */
  async msg(msg: unknown): Promise<boolean> {
    while (!this.#closed && this.#inFlight >= this.#limit) {
      this.#mp.ref();
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
    }
    if (this.#closed) return false;
    return new Promise<boolean>((resolve) => this.#post(msg, resolve));
  }

  /**
   * Closes this side; the thread may then exit. Messages already sent are still delivered.
   *
   * @example
   * ```ts
   * port.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#mp.close();
    this.#shut();
  }

  #post(msg: unknown, ack: ((ok: boolean) => void) | undefined): void {
    this.#nextId += 1;
    const id = this.#nextId;
    this.#inFlight += 1;
    if (ack !== undefined) this.#acks.set(id, ack);
    this.#updateRef();
    this.#mp.postMessage({ t: 'msg', id, msg } satisfies Wire);
  }

  #updateRef(): void {
    if (this.#closed) return;
    if (this.#acks.size > 0 || this.#roomWaiters.length > 0) this.#mp.ref();
    else this.#mp.unref();
  }

  #shut(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const ack of this.#acks.values()) ack(false);
    this.#acks.clear();
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const wake of waiters) wake();
  }
}
