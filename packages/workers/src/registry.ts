import { UnknownWorkerError } from './errors.js';
import { type DistantWorkerClass, ExecWorker } from './exec-worker.js';
import { SshWorker } from './ssh-worker.js';
import { Ssh2Worker } from './ssh2-worker.js';

// 'ssh2' is registered eagerly but costs nothing: Ssh2Worker loads the ssh2 library by dynamic
// import when its first command starts.
const registry = new Map<string, DistantWorkerClass>([
  ['exec', ExecWorker],
  ['ssh', SshWorker],
  ['ssh2', Ssh2Worker],
]);

/**
 * Registers a worker class under a name, for `task.setDefault('distant_workername', name)` and
 * `local_workername` (ClusterShell loads `ClusterShell.Worker.<Name>`). The exec worker is
 * registered as `'exec'`; the ssh workers register themselves when their module is imported.
 * Registering an existing name replaces it.
 *
 * @param name - the worker name
 * @param cls - a class constructed from {@link DistantWorkerOptions}
 * @category Registry
 * @example
 * ```ts
 * registerWorker('tcpcheck', TcpCheckWorker);
 * task.setDefault('distant_workername', 'tcpcheck');
 * ```
 */
export function registerWorker(name: string, cls: DistantWorkerClass): void {
  registry.set(name, cls);
}

/**
 * The worker class registered under a name.
 *
 * @param name - the worker name
 * @returns the class
 * @throws {UnknownWorkerError} when no worker has that name
 * @category Registry
 * @example
 * ```ts
 * const Exec = getWorkerClass('exec');
 * new Exec({ nodes: 'n1', command: 'true' });
 * ```
 */
export function getWorkerClass(name: string): DistantWorkerClass {
  const cls = registry.get(name);
  if (cls === undefined) throw new UnknownWorkerError(name, [...registry.keys()]);
  return cls;
}

/**
 * Tells whether a worker name is registered.
 *
 * @param name - the worker name
 * @returns true when {@link getWorkerClass} would succeed
 * @category Registry
 * @example
 * ```ts
 * hasWorker('exec'); // true
 * ```
 */
export function hasWorker(name: string): boolean {
  return registry.has(name);
}

/**
 * The registered worker names.
 *
 * @returns the names, in registration order
 * @category Registry
 * @example
 * ```ts
 * workerNames(); // ['exec', …]
 * ```
 */
export function workerNames(): string[] {
  return [...registry.keys()];
}
