import { debuglog } from 'node:util';
import type { EngineClient } from './engine-client.js';
import type { EnginePort } from './engine-port.js';
import type { EngineTimer } from './engine-timer.js';
import {
  EngineAbortError,
  EngineAlreadyRunningError,
  EngineArgumentError,
  EngineError,
  EngineTimeoutError,
} from './errors.js';
import { type EngineEvent, type EventHandler, eventRecorder } from './event-handler.js';
import { AsyncQueue } from './internal/async-queue.js';
import { clientHooks, portHooks, timerHooks, workerHooks } from './internal/hooks.js';
import { FANOUT_UNLIMITED, type Worker, type WorkerHost } from './worker.js';

const debug = debuglog('clustershell:engine');

/**
 * Options of an {@link Engine}.
 *
 * @category Engine
 * @example
 * ```ts
 * const engine = new Engine({ fanout: 128 });
 * ```
 */
export interface EngineOptions {
  /**
   * How many delayable clients may run at a time (the shared window).
   *
   * @defaultValue 64
   */
  readonly fanout?: number | undefined;
}

/**
 * Options of {@link Engine.run}.
 *
 * @category Engine
 * @example
 * ```ts
 * await engine.run({ timeout: 60, signal: AbortSignal.timeout(120_000) });
 * ```
 */
export interface EngineRunOptions {
  /**
   * Hard limit of the whole run in seconds; on expiry every client is aborted as timed out and
   * the run rejects with {@link EngineTimeoutError}. Undefined, 0 or negative: no limit.
   *
   * @defaultValue undefined
   */
  readonly timeout?: number | undefined;
  /**
   * Cancels the run: everything is aborted and the run rejects with {@link EngineAbortError}.
   *
   * @defaultValue undefined
   */
  readonly signal?: AbortSignal | undefined;
}

type FanoutKey = Worker | 'default' | 'unlimited';

/** A FIFO of pending clients with O(1) shift. */
class ClientQueue {
  #items: (EngineClient | undefined)[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(client: EngineClient): void {
    this.#items.push(client);
  }

  shift(): EngineClient | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const client = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head += 1;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return client;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}

interface RunState {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly cleanup: () => void;
}

/**
 * The event engine (ClusterShell's `Engine`), built on Node's own event loop: it starts clients
 * under a fanout window (a new one starts as one ends; per-worker windows and unlimited clients
 * too), splits their streams into lines, runs their timeouts, timers and ports, and ends its
 * run when no client, non-autoclose timer or non-autoclose port is left.
 *
 * A `Task` owns one engine; use an engine directly to drive workers without a task (their
 * events still fire, their results are not kept).
 *
 * @category Engine
 * @example
 * ```ts
 * const engine = new Engine({ fanout: 8 });
 * engine.schedule(new ExecWorker({ nodes: 'n[1-32]', command: 'echo %h', handler }));
 * await engine.run({ timeout: 30 });
 * ```
 */
export class Engine {
  /**
   * The name `task.info('engine')` reports (ClusterShell reports `epoll`, `poll` or `select`).
   *
   * @example
   * ```ts
   * Engine.identifier; // 'libuv'
   * ```
   */
  static readonly identifier = 'libuv';

  #fanout: number;
  #running = false;
  #suspended = false;
  #closing = false;
  #finishing = false;
  #run: RunState | undefined;
  readonly #clients = new Set<EngineClient>();
  readonly #queues = new Map<FanoutKey, ClientQueue>();
  readonly #active = new Map<FanoutKey, number>();
  #refClients = 0;
  #refTimers = 0;
  #refPorts = 0;
  readonly #timers = new Set<EngineTimer>();
  readonly #ports = new Set<EnginePort>();
  readonly #workers = new Set<Worker>();
  #observers: EventHandler[] = [];
  readonly #eventQueues = new Set<AsyncQueue<EngineEvent>>();
  readonly #drains = new Set<Promise<unknown>>();
  #held: (() => void)[] = [];
  #checkScheduled = false;
  #starting = false;
  #restart = false;
  #bareHost: WorkerHost | undefined;

  /**
   * Creates an idle engine.
   *
   * @param options - the fanout
   * @throws {EngineArgumentError} when the fanout is not a positive integer
   * @example
   * ```ts
   * const engine = new Engine({ fanout: 16 });
   * ```
   */
  constructor(options: EngineOptions = {}) {
    this.#fanout = checkFanout(options.fanout ?? 64);
  }

  static {
    timerHooks.canFire = (engine) => engine.#running && !engine.#suspended && !engine.#closing;
    timerHooks.guard = (engine, fn) => engine.#guard(fn);
    timerHooks.released = (engine, timer) => engine.#timerReleased(timer);
    timerHooks.observe = (engine, timer) => {
      if (engine.#observers.length > 0) for (const h of engine.#observers) h.onTimer?.(timer);
    };
    clientHooks.guard = (engine, fn) => engine.#guard(fn);
    clientHooks.remove = (engine, client, abort, timedout) =>
      engine.#remove(client, abort, timedout);
    clientHooks.drain = (engine, work) => engine.#drain(work);
    clientHooks.suspended = (engine) => engine.#suspended;
    clientHooks.fail = (engine, error) => engine.#fail(error);
    portHooks.guard = (engine, fn) => engine.#guard(fn);
    portHooks.canDeliver = (engine) => engine.#running && !engine.#suspended && !engine.#closing;
    portHooks.remove = (engine, port) => engine.removePort(port);
    portHooks.observe = (engine, call) => {
      for (const h of engine.#observers) call(h);
    };
    workerHooks.observed = (engine) => engine.#observers.length > 0;
    workerHooks.observe = (engine, call) => {
      for (const h of engine.#observers) call(h);
    };
  }

  /**
   * True while a run is in progress.
   *
   * @example
   * ```ts
   * const done = engine.run();
   * engine.running; // true
   * ```
   */
  get running(): boolean {
    return this.#running;
  }

  /**
   * True while the run is suspended (see {@link Engine.suspend}).
   *
   * @example
   * ```ts
   * engine.suspended; // false
   * ```
   */
  get suspended(): boolean {
    return this.#suspended;
  }

  /**
   * The shared fanout: how many delayable clients run at a time. Raising it during a run starts
   * waiting clients at once.
   *
   * @throws {EngineArgumentError} when set to something else than a positive integer (or
   *   Infinity)
   * @example
   * ```ts
   * engine.fanout = 256;
   * ```
   */
  get fanout(): number {
    return this.#fanout;
  }

  set fanout(value: number) {
    this.#fanout = checkFanout(value);
    if (this.#running) this.#guard(() => this.#startPending('default'));
  }

  /**
   * Number of delayable clients running now (for one fanout window).
   *
   * @param worker - a worker with its own fanout; the shared window when omitted
   * @returns the number of started, not yet finished clients
   * @example
   * ```ts
   * engine.activeCount(); // never above engine.fanout
   * ```
   */
  activeCount(worker?: Worker): number {
    return this.#active.get(worker ?? 'default') ?? 0;
  }

  /**
   * The clients added and not yet finished (pending or running).
   *
   * @returns a copy of the set
   * @example
   * ```ts
   * engine.clients().size;
   * ```
   */
  clients(): Set<EngineClient> {
    return new Set(this.#clients);
  }

  /**
   * The ports added and not removed.
   *
   * @returns a copy of the set
   * @example
   * ```ts
   * engine.ports().size;
   * ```
   */
  ports(): Set<EnginePort> {
    return new Set(this.#ports);
  }

  /**
   * Schedules a worker: binds it to `host` and adds its clients. During a run they start at
   * once when the fanout allows.
   *
   * @param worker - the worker
   * @param host - the task keeping its results; by default a host that keeps nothing
   * @throws {WorkerError} when the worker was already scheduled
   * @example
   * ```ts
   * engine.schedule(worker);
   * await engine.run();
   * ```
   */
  schedule(worker: Worker, host?: WorkerHost): void {
    worker._bind(host ?? this.#defaultHost());
    this.#workers.add(worker);
    for (const client of worker.clients) this.add(client);
  }

  /**
   * Adds one client (its worker must be scheduled on a host already; `schedule()` does both).
   *
   * @param client - the client
   * @throws {EngineArgumentError} when the client was already added
   * @example
   * ```ts
   * engine.add(client);
   * ```
   */
  add(client: EngineClient): void {
    client._bind(this);
    this.#clients.add(client);
    if (!client.autoclose) this.#refClients += 1;
    const key = fanoutKey(client);
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      queue = new ClientQueue();
      this.#queues.set(key, queue);
    }
    queue.push(client);
    if (this.#running && !this.#closing) this.#guard(() => this.#startPending(key));
  }

  /**
   * Adds a timer and arms it (its delay counts from now). Timers fire only while the engine
   * runs.
   *
   * @param timer - the timer
   * @throws {EngineIllegalOperationError} when the timer is already bound
   * @example
   * ```ts
   * engine.addTimer(new EngineTimer(1, () => console.log('1 s')));
   * ```
   */
  addTimer(timer: EngineTimer): void {
    timer._bind(this);
    this.#timers.add(timer);
    if (!timer.autoclose) this.#refTimers += 1;
  }

  /**
   * Removes a timer (same as `timer.invalidate()`).
   *
   * @param timer - the timer
   * @example
   * ```ts
   * engine.removeTimer(timer);
   * ```
   */
  removeTimer(timer: EngineTimer): void {
    timer.invalidate();
  }

  /**
   * Adds a port. During a run it starts at once (`onPortStart`), otherwise at the next run.
   *
   * @param port - the port
   * @throws {EngineArgumentError} when the port is already bound or closed
   * @example
   * ```ts
   * engine.addPort(new EnginePort({ onMsg: (p, m) => console.log(m) }));
   * ```
   */
  addPort(port: EnginePort): void {
    port._bind(this);
    this.#ports.add(port);
    if (!port.autoclose) this.#refPorts += 1;
    if (this.#running && !this.#closing) {
      this.#guard(() => {
        port._start();
        port._wake(true);
      });
    }
  }

  /**
   * Closes and removes a port; messages still queued are dropped.
   *
   * @param port - the port
   * @example
   * ```ts
   * engine.removePort(port);
   * ```
   */
  removePort(port: EnginePort): void {
    if (!this.#ports.delete(port)) return;
    if (!port.autoclose) this.#refPorts -= 1;
    port._engineClose();
    this.#scheduleCheck();
  }

  /**
   * Adds a handler that receives every event of every worker, timer and port of this engine,
   * after their own handlers.
   *
   * @param handler - the handler
   * @example
   * ```ts
   * engine.addListener({ onHup: (w, node, rc) => console.log(node, rc) });
   * ```
   */
  addListener(handler: EventHandler): void {
    this.#observers = [...this.#observers, handler];
  }

  /**
   * Removes a handler added with {@link Engine.addListener}.
   *
   * @param handler - the handler
   * @example
   * ```ts
   * engine.removeListener(handler);
   * ```
   */
  removeListener(handler: EventHandler): void {
    this.#observers = this.#observers.filter((h) => h !== handler);
  }

  /**
   * Every event of this engine as an async iterable, from now until the end of the run in
   * progress (or of the next run when idle). Events are queued, none is lost.
   *
   * @returns an async iterator of {@link EngineEvent}s
   * @example
   * ```ts
   * const events = engine.events();
   * const done = engine.run();
   * for await (const ev of events) console.log(ev.type);
   * await done;
   * ```
   */
  events(): AsyncIterableIterator<EngineEvent> {
    const recorder = eventRecorder((ev) => queue.push(ev));
    const queue: AsyncQueue<EngineEvent> = new AsyncQueue(() => {
      this.removeListener(recorder);
      this.#eventQueues.delete(queue);
    });
    this.addListener(recorder);
    this.#eventQueues.add(queue);
    return queue;
  }

  /**
   * Runs until no work is left: starts the ports, fires due timers, starts clients under the
   * fanout, and resolves once every non-autoclose client, timer and port is done (autoclose
   * clients are then aborted and every timer invalidated), and killed processes are reaped.
   *
   * An explicit {@link Engine.abort} ends the run normally; a run timeout rejects with
   * {@link EngineTimeoutError}, an aborted signal with {@link EngineAbortError}, and an exception
   * thrown by an event handler with that exception.
   *
   * @param options - whole-run timeout and abort signal
   * @returns a Promise resolved when the run is over
   * @throws {EngineAlreadyRunningError} (rejection) when a run is in progress
   * @throws {EngineTimeoutError} (rejection) when the run timeout expires
   * @throws {EngineAbortError} (rejection) when the signal aborts
   * @example
   * ```ts
   * engine.schedule(worker);
   * await engine.run({ timeout: 600 });
   * ```
   */
  run(options: EngineRunOptions = {}): Promise<void> {
    if (this.#running) return Promise.reject(new EngineAlreadyRunningError());
    const timeout = options.timeout;
    if (timeout !== undefined && (typeof timeout !== 'number' || Number.isNaN(timeout))) {
      return Promise.reject(new EngineArgumentError('timeout', timeout, 'a number of seconds'));
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new EngineAbortError(signal.reason));
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort: (() => void) | undefined;
      if (timeout !== undefined && timeout > 0) {
        timer = setTimeout(
          () => this.#interrupt(new EngineTimeoutError(timeout), true),
          timeout * 1000,
        );
      }
      if (signal !== undefined) {
        onAbort = () => this.#interrupt(new EngineAbortError(signal.reason), false);
        signal.addEventListener('abort', onAbort, { once: true });
      }
      const cleanup = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
      };
      this.#run = { resolve, reject, cleanup };
      this.#running = true;
      this.#closing = false;
      this.#suspended = false;
      debug(
        'run start: %d clients, %d timers, %d ports',
        this.#clients.size,
        this.#timers.size,
        this.#ports.size,
      );
      this.#guard(() => {
        for (const port of [...this.#ports]) port._start();
        for (const port of [...this.#ports]) port._wake(true);
        const due = [...this.#timers].sort((a, b) => a._fireDate - b._fireDate);
        for (const t of due) {
          if (this.#closing) break;
          t._fireIfDue();
        }
        this.#startAll();
      });
      this.#scheduleCheck();
    });
  }

  /**
   * Aborts everything: running clients are aborted (their workers get `onClose`), pending ones
   * are dropped without events, timers are invalidated, and with `kill` the ports are removed
   * too. During a run, the run then ends normally (its Promise resolves).
   *
   * @param kill - also remove the ports
   * @example
   * ```ts
   * engine.addTimer(new EngineTimer(10, () => engine.abort()));
   * ```
   */
  abort(kill = false): void {
    if (this.#running) {
      this.#guard(() => {
        this.#clearClients(false);
        if (kill) for (const port of [...this.#ports]) this.removePort(port);
        this.#finish(undefined);
      });
      return;
    }
    this.#clearClients(false);
    if (kill) for (const port of [...this.#ports]) this.removePort(port);
  }

  /**
   * Suspends the run: readable streams are paused, and stream data, exits, timers and port
   * messages are held until {@link Engine.unsuspend}.
   *
   * @returns true when the engine was running and is now suspended
   * @example
   * ```ts
   * if (engine.suspend()) setTimeout(() => engine.unsuspend(), 1000);
   * ```
   */
  suspend(): boolean {
    if (!this.#running || this.#closing) return false;
    if (this.#suspended) return true;
    this.#suspended = true;
    for (const client of this.#clients) if (client.state === 'running') client._pause();
    return true;
  }

  /**
   * Ends a suspension: held events are processed in order, streams flow again.
   *
   * @returns true when the engine was suspended
   * @example
   * ```ts
   * engine.unsuspend();
   * ```
   */
  unsuspend(): boolean {
    if (!this.#suspended) return false;
    this.#suspended = false;
    for (const client of this.#clients) if (client.state === 'running') client._unpause();
    const held = this.#held;
    this.#held = [];
    for (const fn of held) this.#guard(fn);
    for (const timer of [...this.#timers]) {
      if (this.#closing || this.#suspended) break;
      this.#guard(() => timer._fireIfDue());
    }
    for (const port of this.#ports) port._wake(this.#running);
    if (this.#running && !this.#closing) this.#guard(() => this.#startAll());
    this.#scheduleCheck();
    return true;
  }

  // --- internals ---

  #defaultHost(): WorkerHost {
    if (this.#bareHost === undefined) {
      this.#bareHost = {
        engine: this,
        info: (key) => {
          if (key === 'fanout') return this.fanout;
          return key === 'engine' ? Engine.identifier : undefined;
        },
        recordMessage: () => {},
        recordRetcode: () => {},
        recordTimeout: () => {},
        results: undefined,
      };
    }
    return this.#bareHost;
  }

  #guard(fn: () => void): void {
    if (this.#suspended) {
      this.#held.push(fn);
      return;
    }
    try {
      fn();
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    const err =
      error instanceof Error
        ? error
        : new EngineError('a handler threw a non-Error value', { cause: error });
    if (!this.#running || this.#run === undefined) {
      queueMicrotask(() => {
        throw err;
      });
      return;
    }
    debug('run failed: %s', err.message);
    this.#interrupt(err, false);
  }

  /** Stops the run with an error: clients aborted (as timed out for a run timeout). */
  #interrupt(error: Error, timedout: boolean): void {
    if (!this.#running || this.#run === undefined) return;
    const wasSuspended = this.#suspended;
    this.#suspended = false;
    this.#held = [];
    if (wasSuspended)
      for (const client of this.#clients) if (client.state === 'running') client._unpause();
    try {
      this.#clearClients(timedout);
    } catch (secondary) {
      debug('error while clearing after a failure: %s', String(secondary));
    }
    this.#finish(error);
  }

  #clearClients(timedout: boolean): void {
    this.#closing = true;
    for (const client of [...this.#clients]) {
      if (client.state === 'pending') this.#dropPending(client);
    }
    for (const client of [...this.#clients]) {
      if (client.state === 'running') this.#remove(client, true, timedout);
    }
    for (const queue of this.#queues.values()) queue.clear();
  }

  #dropPending(client: EngineClient): void {
    if (!this.#clients.delete(client)) return;
    if (!client.autoclose) this.#refClients -= 1;
    client._drop();
  }

  #remove(client: EngineClient, abort: boolean, timedout: boolean): void {
    if (client.state === 'pending') {
      this.#dropPending(client);
      this.#scheduleCheck();
      return;
    }
    if (client.state !== 'running' || !this.#clients.delete(client)) return;
    if (!client.autoclose) this.#refClients -= 1;
    const key = fanoutKey(client);
    if (client.delayable) this.#active.set(key, (this.#active.get(key) ?? 1) - 1);
    client._engineClose(abort, timedout);
    if (this.#running && !this.#closing) this.#startPending(key);
    this.#scheduleCheck();
  }

  #startAll(): void {
    for (const key of [...this.#queues.keys()]) {
      if (this.#closing) return;
      this.#startPending(key);
    }
  }

  #startPending(key: FanoutKey): void {
    if (this.#starting) {
      this.#restart = true;
      return;
    }
    this.#starting = true;
    try {
      do {
        this.#restart = false;
        this.#startPendingOnce(key);
        if (this.#restart) {
          for (const k of [...this.#queues.keys()]) this.#startPendingOnce(k);
        }
      } while (this.#restart);
    } finally {
      this.#starting = false;
    }
  }

  #startPendingOnce(key: FanoutKey): void {
    const queue = this.#queues.get(key);
    if (queue === undefined) return;
    while (
      queue.size > 0 &&
      this.#running &&
      !this.#closing &&
      !this.#suspended &&
      this.#canStart(key)
    ) {
      const client = queue.shift() as EngineClient;
      if (client.state !== 'pending') continue;
      if (client.delayable) this.#active.set(key, (this.#active.get(key) ?? 0) + 1);
      client._engineStart();
    }
  }

  #canStart(key: FanoutKey): boolean {
    if (key === 'unlimited') return true;
    const active = this.#active.get(key) ?? 0;
    if (key === 'default') return active < this.#fanout;
    return active < (key.fanout ?? this.#fanout);
  }

  #timerReleased(timer: EngineTimer): void {
    if (!this.#timers.delete(timer)) return;
    if (!timer.autoclose) this.#refTimers -= 1;
    this.#scheduleCheck();
  }

  #drain(work: Promise<unknown>): void {
    const tracked = work.then(
      () => undefined,
      () => undefined,
    );
    this.#drains.add(tracked);
    void tracked.then(() => this.#drains.delete(tracked));
  }

  #scheduleCheck(): void {
    if (!this.#running || this.#checkScheduled) return;
    this.#checkScheduled = true;
    queueMicrotask(() => {
      this.#checkScheduled = false;
      if (!this.#running || this.#suspended || this.#closing) return;
      if (this.#refClients + this.#refTimers + this.#refPorts > 0) return;
      this.#guard(() => this.#finish(undefined));
    });
  }

  /** Ends the run: autoclose clients aborted, timers invalidated, then settles after drains. */
  #finish(error: Error | undefined): void {
    const run = this.#run;
    if (!this.#running || run === undefined || this.#finishing) return;
    this.#finishing = true;
    this.#closing = true;
    try {
      for (const client of [...this.#clients]) {
        if (client.state === 'pending') this.#dropPending(client);
      }
      for (const client of [...this.#clients]) {
        if (client.state === 'running') this.#remove(client, true, false);
      }
      for (const queue of this.#queues.values()) queue.clear();
      for (const timer of [...this.#timers]) timer.invalidate();
    } finally {
      this.#run = undefined;
      this.#finishing = false;
      this.#running = false;
      this.#suspended = false;
      this.#closing = false;
      this.#held = [];
      run.cleanup();
      for (const port of this.#ports) port._wake(false);
      for (const worker of this.#workers) worker._settle();
      this.#workers.clear();
      for (const queue of [...this.#eventQueues]) queue.end();
      debug('run end%s', error === undefined ? '' : ` (${error.message})`);
      const drains = [...this.#drains];
      const settle = (): void => {
        if (error === undefined) run.resolve();
        else run.reject(error);
      };
      if (drains.length === 0) settle();
      else void Promise.all(drains).then(settle);
    }
  }
}

function fanoutKey(client: EngineClient): FanoutKey {
  if (!client.delayable) return 'unlimited';
  const fanout = client.worker.fanout;
  if (fanout === undefined) return 'default';
  if (fanout === FANOUT_UNLIMITED || fanout === Number.POSITIVE_INFINITY) return 'unlimited';
  return client.worker;
}

function checkFanout(value: number): number {
  if (value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 1)) return value;
  throw new EngineArgumentError('fanout', value, 'a positive integer');
}
