/**
 * `@cluster-task/task`: ClusterShell's Task for Node.js — run commands on many nodes at once
 * under a fanout, gather their outputs (identical ones once), return codes and timeouts; with
 * timers, ports between threads, and Promise/AsyncIterable forms of everything.
 *
 * @packageDocumentation
 */
export {
  isTaskError,
  TaskAlreadyRunningError,
  TaskArgumentError,
  TaskError,
  type TaskErrorCode,
  TaskMsgTreeError,
  TaskTerminatedError,
  TaskTimeoutError,
} from './errors.js';
export type { GatheredOutput, NodeResult, RunResult } from './run-result.js';
export {
  type CopyOptions,
  type PrintDebug,
  type ResumeOptions,
  type RunOptions,
  type ShellOptions,
  Task,
  type TaskDefaults,
  type TaskInfo,
  type TaskOptions,
  type TaskStreamEvent,
  taskCleanup,
  taskSelf,
  taskTerminate,
  taskWait,
} from './task.js';
