import type { Buffer } from 'node:buffer';
import type { EnginePort } from './engine-port.js';
import type { EngineTimer } from './engine-timer.js';
import type { Worker } from './worker.js';

/**
 * The events of workers, timers and ports, as ClusterShell 1.9's `EventHandler` methods in
 * camelCase (`ev_read` → `onRead`). Every method is optional: implement the ones you need, on a
 * class or a plain object. They are called synchronously from the engine, in ClusterShell's
 * order: for each worker `onStart` once, then per node `onPickup`, `onRead`…, `onHup`, and
 * `onClose` once every node is done.
 *
 * A method may schedule more work (`task.shell()`), write to the worker, abort it or abort the
 * whole task. An exception thrown by a method aborts the run, whose Promise then rejects with it.
 *
 * @category Events
 * @example
 * ```ts
 * const handler: EventHandler = {
 *   onRead(worker, node, sname, msg) { console.log(`${node}: ${msg}`); },
 *   onHup(worker, node, rc) { if (rc !== 0) console.log(`${node} exited with ${rc}`); },
 *   onClose(worker, timedout) { console.log('done', timedout ? '(some timed out)' : ''); },
 * };
 * task.shell('uname -r', { nodes: 'n[1-4]', handler });
 * ```
 */
export interface EventHandler {
  /**
   * The worker has started (its first command started). Called once per worker.
   *
   * @param worker - the worker
   */
  onStart?(worker: Worker): void;
  /**
   * The command for one node (or key) has started.
   *
   * @param worker - the worker
   * @param node - the node name or key
   */
  onPickup?(worker: Worker, node: string): void;
  /**
   * One line was received, without its end of line (LF and CRLF are trimmed; a last line without
   * LF is delivered when its stream ends).
   *
   * @param worker - the worker
   * @param node - the node name or key
   * @param sname - the stream name: `'stdout'`, `'stderr'` or a custom name
   * @param msg - the line's bytes: a view into the chunk that was read (safe to keep; it keeps
   *   that chunk alive)
   */
  onRead?(worker: Worker, node: string, sname: string, msg: Buffer): void;
  /**
   * Bytes given with `write()` were written to a node's stream.
   *
   * @param worker - the worker
   * @param node - the node name or key
   * @param sname - the written stream (`'stdin'`)
   * @param size - how many bytes were written
   */
  onWritten?(worker: Worker, node: string, sname: string, size: number): void;
  /**
   * The command for one node finished.
   *
   * @param worker - the worker
   * @param node - the node name or key
   * @param rc - exit status (128 + signal number when killed by a signal), or undefined when the
   *   worker cannot know it (stream workers)
   */
  onHup?(worker: Worker, node: string, rc: number | undefined): void;
  /**
   * The command for one node timed out (it gets no `onHup`). Beyond ClusterShell, whose
   * deprecated `ev_timeout(worker)` had no node; called before `onClose`.
   *
   * @param worker - the worker
   * @param node - the node name or key
   */
  onTimeout?(worker: Worker, node: string): void;
  /**
   * The worker has finished: every node is done, timed out or aborted.
   *
   * @param worker - the worker
   * @param timedout - true when at least one node timed out
   */
  onClose?(worker: Worker, timedout: boolean): void;
  /**
   * A timer fired.
   *
   * @param timer - the timer
   */
  onTimer?(timer: EngineTimer): void;
  /**
   * A port has started: messages sent to it are delivered from now on.
   *
   * @param port - the port
   */
  onPortStart?(port: EnginePort): void;
  /**
   * A message arrived on a port.
   *
   * @param port - the port
   * @param msg - the message (structured-cloned when it came from another thread)
   */
  onMsg?(port: EnginePort, msg: unknown): void;
}

/**
 * One event of a worker, timer or port, as yielded by `engine.events()`, `worker.events()` and
 * the task's event streams: the {@link EventHandler} calls as a discriminated union on `type`.
 *
 * @category Events
 * @example
 * ```ts
 * for await (const ev of task.events()) {
 *   if (ev.type === 'read') console.log(`${ev.node}: ${ev.msg}`);
 *   else if (ev.type === 'hup') console.log(`${ev.node} -> ${ev.rc}`);
 * }
 * ```
 */
export type EngineEvent =
  | { readonly type: 'start'; readonly worker: Worker }
  | { readonly type: 'pickup'; readonly worker: Worker; readonly node: string }
  | {
      readonly type: 'read';
      readonly worker: Worker;
      readonly node: string;
      readonly sname: string;
      readonly msg: Buffer;
    }
  | {
      readonly type: 'written';
      readonly worker: Worker;
      readonly node: string;
      readonly sname: string;
      readonly size: number;
    }
  | {
      readonly type: 'hup';
      readonly worker: Worker;
      readonly node: string;
      readonly rc: number | undefined;
    }
  | { readonly type: 'timeout'; readonly worker: Worker; readonly node: string }
  | { readonly type: 'close'; readonly worker: Worker; readonly timedout: boolean }
  | { readonly type: 'timer'; readonly timer: EngineTimer }
  | { readonly type: 'portStart'; readonly port: EnginePort }
  | { readonly type: 'msg'; readonly port: EnginePort; readonly msg: unknown };

/**
 * The `type` of an {@link EngineEvent}.
 *
 * @category Events
 * @example
 * ```ts
 * const wanted: ReadonlySet<EngineEventType> = new Set(['read', 'hup']);
 * ```
 */
export type EngineEventType = EngineEvent['type'];

/**
 * Turns handler calls into {@link EngineEvent} objects and gives them to `push`.
 *
 * @param push - receives each event
 * @returns an event handler implementing every method
 * @internal
 */
export function eventRecorder(push: (event: EngineEvent) => void): Required<EventHandler> {
  return {
    onStart: (worker) => push({ type: 'start', worker }),
    onPickup: (worker, node) => push({ type: 'pickup', worker, node }),
    onRead: (worker, node, sname, msg) => push({ type: 'read', worker, node, sname, msg }),
    onWritten: (worker, node, sname, size) => push({ type: 'written', worker, node, sname, size }),
    onHup: (worker, node, rc) => push({ type: 'hup', worker, node, rc }),
    onTimeout: (worker, node) => push({ type: 'timeout', worker, node }),
    onClose: (worker, timedout) => push({ type: 'close', worker, timedout }),
    onTimer: (timer) => push({ type: 'timer', timer }),
    onPortStart: (port) => push({ type: 'portStart', port }),
    onMsg: (port, msg) => push({ type: 'msg', port, msg }),
  };
}
