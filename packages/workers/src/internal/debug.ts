/**
 * Debug output of the workers: always to `debuglog('clustershell:worker')` (NODE_DEBUG), and,
 * when the task's `debug` info is set, through its `print_debug(task, line)` function, as
 * ClusterShell does (`EXECCLIENT: uname -r`, `POPEN: hostname`).
 *
 * @module
 */
import { debuglog } from 'node:util';
import type { Worker } from '@cluster-task/engine';
import type { CommandSpec } from './process.js';

const debug = debuglog('clustershell:worker');

/**
 * Reports a command about to start.
 *
 * @param worker - the worker (its task gives `debug` and `print_debug`)
 * @param label - the prefix (`EXECCLIENT`, `POPEN`…), upper-cased
 * @param spec - the command
 */
export function debugCommand(worker: Worker, label: string, spec: CommandSpec): void {
  const text = 'shell' in spec ? spec.shell : spec.argv.join(' ');
  const line = `${label.toUpperCase()}: ${text}`;
  debug('%s', line);
  const task = worker.task;
  if (task === undefined || task.info('debug') !== true) return;
  const print = task.info('print_debug');
  if (typeof print === 'function') print(task, line);
}
