import type { Engine } from './engine.js';
import { EngineArgumentError, EngineIllegalOperationError } from './errors.js';
import type { EventHandler } from './event-handler.js';
import { timerHooks } from './internal/hooks.js';

/**
 * What fires when an {@link EngineTimer} expires: an {@link EventHandler} with `onTimer`, or a
 * plain function.
 *
 * @category Timers
 * @example
 * ```ts
 * const byFunction: TimerHandler = (timer) => console.log('tick', timer.isValid());
 * const byHandler: TimerHandler = { onTimer(timer) { timer.invalidate(); } };
 * ```
 */
export type TimerHandler = EventHandler | ((timer: EngineTimer) => void);

/**
 * Options of an {@link EngineTimer}.
 *
 * @category Timers
 * @example
 * ```ts
 * const options: EngineTimerOptions = { interval: 0.5, autoclose: true };
 * ```
 */
export interface EngineTimerOptions {
  /**
   * Seconds between two firings after the first; 0 or less fires once.
   *
   * @defaultValue -1 (fires once)
   */
  readonly interval?: number | undefined;
  /**
   * When true, the timer does not keep the run alive: it is invalidated as soon as everything
   * else (workers, ports, other timers) is done.
   *
   * @defaultValue false
   */
  readonly autoclose?: boolean | undefined;
}

const EPSILON = 1e-3;

/**
 * A timer bound to an engine (ClusterShell's `EngineTimer`): it fires its handler `fireDelay`
 * seconds after it is added, then every `interval` seconds if set. Repeats are computed from the
 * previous firing date, so a slow handler does not make the timer drift. A timer fires only while
 * its engine runs (a timer due in between fires at the start of the next run); a run ends by
 * invalidating every timer left.
 *
 * Create timers with `task.timer()` or `engine.addTimer(new EngineTimer(…))`.
 *
 * @category Timers
 * @example
 * ```ts
 * let n = 0;
 * const timer = new EngineTimer(0.5, (t) => { if (++n === 3) t.invalidate(); }, { interval: 0.2 });
 * engine.addTimer(timer);
 * await engine.run(); // fires at 0.5 s, 0.7 s and 0.9 s
 * ```
 */
export class EngineTimer {
  /**
   * Whether the timer lets the run end without it.
   *
   * @example
   * ```ts
   * new EngineTimer(10, () => {}, { autoclose: true }).autoclose; // true
   * ```
   */
  readonly autoclose: boolean;
  /**
   * The handler called when the timer fires.
   *
   * @example
   * ```ts
   * timer.handler = { onTimer() { console.log('fired'); } };
   * ```
   */
  handler: TimerHandler;
  #fireDelay: number;
  #interval: number;
  #engine: Engine | undefined;
  #fireDate = 0;
  #handle: ReturnType<typeof setTimeout> | undefined;
  #firing = false;
  #due = false;

  /**
   * Creates a timer; add it to an engine to arm it.
   *
   * @param fireDelay - seconds before the first firing (0 fires at the next loop turn)
   * @param handler - what to call when the timer fires
   * @param options - repeat interval and autoclose
   * @throws {EngineArgumentError} when `fireDelay` is negative or not a number
   * @example
   * ```ts
   * const timer = new EngineTimer(1.5, { onTimer: () => console.log('1.5 s later') });
   * ```
   */
  constructor(fireDelay: number, handler: TimerHandler, options: EngineTimerOptions = {}) {
    if (!(typeof fireDelay === 'number' && fireDelay >= 0)) {
      throw new EngineArgumentError('fireDelay', fireDelay, 'a number of seconds >= 0');
    }
    this.#fireDelay = fireDelay;
    this.#interval = options.interval ?? -1;
    this.autoclose = options.autoclose ?? false;
    this.handler = handler;
  }

  /**
   * The repeat interval in seconds (0 or less: the timer fires once).
   *
   * @example
   * ```ts
   * new EngineTimer(1, () => {}, { interval: 2 }).interval; // 2
   * ```
   */
  get interval(): number {
    return this.#interval;
  }

  /**
   * The delay of the next firing as last set, in seconds (-1 while firing or invalid).
   *
   * @example
   * ```ts
   * new EngineTimer(1, () => {}).fireDelay; // 1
   * ```
   */
  get fireDelay(): number {
    return this.#fireDelay;
  }

  /**
   * Tells whether the timer is still armed (added to an engine and not invalidated).
   *
   * @returns true while the timer can fire
   * @example
   * ```ts
   * timer.invalidate();
   * timer.isValid(); // false
   * ```
   */
  isValid(): boolean {
    return this.#engine !== undefined;
  }

  /**
   * Stops the timer for good; safe to call more than once, from anywhere (its own handler
   * included).
   *
   * @example
   * ```ts
   * const timer = task.timer(10, () => console.log('never'));
   * timer.invalidate();
   * ```
   */
  invalidate(): void {
    const engine = this.#engine;
    if (engine === undefined) return;
    this.#clear();
    this.#engine = undefined;
    this.#due = false;
    if (!this.#firing) this.#fireDelay = -1;
    timerHooks.released(engine, this);
  }

  /**
   * Sets the delay of the next firing, and the new interval (ClusterShell's `set_nextfire`).
   * Called from the timer's own handler, it re-arms the timer instead of letting it end.
   *
   * @param fireDelay - seconds from now to the next firing
   * @param interval - seconds between later firings; 0 or less fires once
   * @throws {EngineIllegalOperationError} when the timer was invalidated ("Operation on invalid
   *   timer.")
   * @throws {EngineArgumentError} when `fireDelay` is negative
   * @example
   * ```ts
   * const timer = task.timer(60, (t) => console.log('fired'));
   * timer.setNextFire(1); // fire in 1 s instead
   * ```
   */
  setNextFire(fireDelay: number, interval = -1): void {
    if (this.#engine === undefined) {
      throw new EngineIllegalOperationError('Operation on invalid timer.');
    }
    if (!(typeof fireDelay === 'number' && fireDelay >= 0)) {
      throw new EngineArgumentError('fireDelay', fireDelay, 'a number of seconds >= 0');
    }
    this.#fireDelay = fireDelay;
    this.#interval = interval;
    if (this.#firing) return; // re-armed once the handler returns
    this.#clear();
    this.#due = false;
    this.#arm(timerHooks.now() + fireDelay * 1000);
  }

  /**
   * Binds to an engine and arms the first firing.
   *
   * @param engine - the engine adding this timer
   * @throws {EngineIllegalOperationError} when the timer is already bound
   * @internal
   */
  _bind(engine: Engine): void {
    if (this.#engine !== undefined) {
      throw new EngineIllegalOperationError('Already bound to engine.');
    }
    if (this.#fireDelay < -EPSILON) {
      throw new EngineIllegalOperationError('Operation on invalid timer.');
    }
    this.#engine = engine;
    this.#arm(timerHooks.now() + this.#fireDelay * 1000);
  }

  /**
   * Fires now if the timer came due while its engine was not running or was suspended.
   *
   * @returns true when the timer fired
   * @internal
   */
  _fireIfDue(): boolean {
    if (!this.#due || this.#engine === undefined) return false;
    this.#due = false;
    this.#fire();
    return true;
  }

  /**
   * The date the timer is armed for (performance.now() milliseconds), for ordering due timers.
   *
   * @internal
   */
  get _fireDate(): number {
    return this.#fireDate;
  }

  #arm(date: number): void {
    this.#fireDate = date;
    const delay = Math.max(0, date - timerHooks.now());
    this.#handle = setTimeout(() => this.#expire(), delay);
  }

  #clear(): void {
    if (this.#handle !== undefined) {
      clearTimeout(this.#handle);
      this.#handle = undefined;
    }
  }

  #expire(): void {
    this.#handle = undefined;
    const engine = this.#engine;
    if (engine === undefined) return;
    if (!timerHooks.canFire(engine)) {
      this.#due = true;
      return;
    }
    timerHooks.guard(engine, () => this.#fire());
  }

  #fire(): void {
    const engine = this.#engine;
    if (engine === undefined) return;
    this.#fireDelay = -1;
    this.#firing = true;
    try {
      const handler = this.handler;
      if (typeof handler === 'function') handler(this);
      else handler.onTimer?.(this);
      timerHooks.observe(engine, this);
    } finally {
      this.#firing = false;
    }
    if (this.#engine === undefined) return; // invalidated by its handler
    if (this.#fireDelay >= -EPSILON) {
      this.#arm(timerHooks.now() + this.#fireDelay * 1000);
    } else if (this.#interval > EPSILON) {
      this.#arm(this.#fireDate + this.#interval * 1000);
    } else {
      this.invalidate();
    }
  }
}
