/**
 * `@cluster-task/engine`: the event engine of cluster-task on Node's own event loop (clients
 * under a fanout window, line splitting, timeouts, timers, ports, abort), with the `Worker` base
 * classes and the `EventHandler` interface a custom worker needs — and nothing else.
 *
 * @packageDocumentation
 */
export { Engine, type EngineOptions, type EngineRunOptions } from './engine.js';
export {
  type ClientState,
  EngineClient,
  type EngineClientOptions,
  type StreamOptions,
  type WriteData,
} from './engine-client.js';
export { EnginePort, type EnginePortOptions, RemotePort } from './engine-port.js';
export { EngineTimer, type EngineTimerOptions, type TimerHandler } from './engine-timer.js';
export {
  EngineAbortError,
  EngineAlreadyRunningError,
  EngineArgumentError,
  EngineClientError,
  EngineClientNotSupportedError,
  EngineError,
  type EngineErrorCode,
  EngineIllegalOperationError,
  EngineTimeoutError,
  isEngineError,
  isWorkerError,
  WorkerArgumentError,
  WorkerError,
  type WorkerErrorCode,
} from './errors.js';
export type { EngineEvent, EngineEventType, EventHandler } from './event-handler.js';
export {
  DistantWorker,
  FANOUT_UNLIMITED,
  type OutputMessage,
  Worker,
  type WorkerHost,
  type WorkerResults,
} from './worker.js';
