/**
 * Package-private calls between the engine and the objects it drives (timers, clients, ports,
 * workers). The engine fills these slots in its static initializer; the other classes call them
 * without importing the engine at run time (no import cycle, nothing public).
 *
 * @module
 */

import type { Engine } from '../engine.js';
import type { EngineClient } from '../engine-client.js';
import type { EnginePort } from '../engine-port.js';
import type { EngineTimer } from '../engine-timer.js';
import type { EventHandler } from '../event-handler.js';

/** Monotonic clock in milliseconds (faked by vitest's fake timers). */
function now(): number {
  return performance.now();
}

function unset(): never {
  throw new Error('@cluster-task/engine: engine hooks used before the Engine class was loaded');
}

/** Calls made by {@link EngineTimer}. */
export const timerHooks = {
  now,
  /** True when timers may fire now (engine running, not suspended). */
  canFire: (_engine: Engine): boolean => unset(),
  /** Runs an engine callback, turning an exception into a failed run. */
  guard: (_engine: Engine, _fn: () => void): void => unset(),
  /** The timer is no longer armed (fired once, or invalidated). */
  released: (_engine: Engine, _timer: EngineTimer): void => unset(),
  /** Reports the firing to the engine's observers. */
  observe: (_engine: Engine, _timer: EngineTimer): void => unset(),
};

/** Calls made by {@link EngineClient}. */
export const clientHooks = {
  now,
  guard: (_engine: Engine, _fn: () => void): void => unset(),
  /** The client has finished (or is aborted): the engine removes and closes it. */
  remove: (_engine: Engine, _client: EngineClient, _abort: boolean, _timedout: boolean): void =>
    unset(),
  /** Background work the run must wait for before it resolves (reaping a killed process). */
  drain: (_engine: Engine, _work: Promise<unknown>): void => unset(),
  /** True while the engine is suspended (data must be held). */
  suspended: (_engine: Engine): boolean => unset(),
  /** Fails the run with an infrastructure error. */
  fail: (_engine: Engine, _error: Error): void => unset(),
};

/** Calls made by {@link EnginePort}. */
export const portHooks = {
  guard: (_engine: Engine, _fn: () => void): void => unset(),
  /** True when messages may be delivered now. */
  canDeliver: (_engine: Engine): boolean => unset(),
  /** The port was closed by itself. */
  remove: (_engine: Engine, _port: EnginePort): void => unset(),
  /** Reports a port event to the engine's observers. */
  observe: (_engine: Engine, _call: (h: EventHandler) => void): void => unset(),
};

/** Calls made by {@link Worker}. */
export const workerHooks = {
  /** True when the engine has observers (`engine.events()`, listeners). */
  observed: (_engine: Engine): boolean => unset(),
  /** Reports a worker event to the engine's observers. */
  observe: (_engine: Engine, _call: (h: EventHandler) => void): void => unset(),
};
