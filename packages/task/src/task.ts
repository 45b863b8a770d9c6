import { Buffer } from 'node:buffer';
import { debuglog } from 'node:util';
import {
  DistantWorker,
  Engine,
  type EngineEvent,
  EnginePort,
  type EnginePortOptions,
  EngineTimeoutError,
  EngineTimer,
  type EngineTimerOptions,
  type EventHandler,
  type OutputMessage,
  type TimerHandler,
  type Worker,
  type WorkerHost,
  type WorkerResults,
} from '@cluster-task/engine';
import { MsgTree, type MsgTreeElem } from '@cluster-task/msgtree';
import { NodeSet } from '@cluster-task/nodeset';
import { getWorkerClass, type NodesInput, PopenWorker, toNodeSet } from '@cluster-task/workers';
import {
  TaskAlreadyRunningError,
  TaskArgumentError,
  TaskError,
  TaskMsgTreeError,
  TaskTerminatedError,
  TaskTimeoutError,
} from './errors.js';
import { buildRunResult, type RunResult } from './run-result.js';

const debug = debuglog('clustershell:task');

/**
 * The task's "default" settings (ClusterShell's `task.default()` keys), with their types. Other
 * keys (`USER_*`, `<sname>_msgtree` for custom streams) are allowed too.
 *
 * @category Task
 * @example
 * ```ts
 * const d: Partial<TaskDefaults> = { stderr: true, distant_workername: 'exec' };
 * ```
 */
export interface TaskDefaults {
  /** Keep stderr apart in `shell()` when not given (default false). */
  stderr: boolean;
  /** Give commands a stdin in `shell()` when not given; false closes it at once (default true). */
  stdin: boolean;
  /** Gather standard output in a MsgTree (default true). */
  stdout_msgtree: boolean;
  /** Gather standard error in a MsgTree (default true). */
  stderr_msgtree: boolean;
  /** Engine choice; kept for compatibility, there is one engine (default 'auto'). */
  engine: string;
  /** Queue size of the ports `port()` creates (default 100). */
  port_qlimit: number;
  /** Use tree mode when a topology is configured (default true; no topology is loaded yet). */
  auto_tree: boolean;
  /** Worker name for `shell(…, { nodes, remote: false })` (default 'exec'). */
  local_workername: string;
  /** Worker name for commands with nodes (default 'ssh'). */
  distant_workername: string;
}

/**
 * Prints a debug line (the `print_debug` info): receives the task and the line.
 *
 * @category Task
 * @example
 * ```ts
 * const printDebug: PrintDebug = (task, line) => console.error(`[debug] ${line}`);
 * task.setInfo('print_debug', printDebug);
 * ```
 */
export type PrintDebug = (task: Task, line: string) => void;

/**
 * The task's "info" settings (ClusterShell's `task.info()` keys), with their types.
 *
 * @category Task
 * @example
 * ```ts
 * const i: Partial<TaskInfo> = { fanout: 128, debug: true };
 * ```
 */
export interface TaskInfo {
  /** Enable debug lines through `print_debug` (default false). */
  debug: boolean;
  /** Debug line printer (default: `debuglog('clustershell:task')`, as libraries do not print). */
  print_debug: PrintDebug;
  /** Maximum number of commands running at a time (default 64). */
  fanout: number;
  /** Tree mode message grooming delay in seconds (default 0.25). */
  grooming_delay: number;
  /** Connection timeout of remote workers, seconds (default 10). */
  connect_timeout: number;
  /** Command timeout applied by clush, seconds, 0 for none (default 0). */
  command_timeout: number;
  /** Engine in use: `'libuv'` (read-only meaning). */
  engine: string;
}

/**
 * Options of {@link Task.shell} (ClusterShell's `shell()` keyword arguments).
 *
 * @category Task
 * @example
 * ```ts
 * task.shell('uptime', { nodes: 'n[1-8]', timeout: 10, stderr: true });
 * ```
 */
export interface ShellOptions {
  /** Nodes to run on; without (or empty), the command runs once locally. */
  readonly nodes?: NodesInput | null | undefined;
  /** Key of a local command (not with `nodes`). */
  readonly key?: string | number | undefined;
  /** Event handler. */
  readonly handler?: EventHandler | undefined;
  /** Per-command timeout in seconds (undefined: none; 0 times out at once). */
  readonly timeout?: number | null | undefined;
  /**
   * Let the run end without this worker.
   *
   * @defaultValue false
   */
  readonly autoclose?: boolean | undefined;
  /**
   * Keep stderr apart.
   *
   * @defaultValue `default('stderr')`
   */
  readonly stderr?: boolean | undefined;
  /**
   * Give the command a stdin; false closes it at once.
   *
   * @defaultValue `default('stdin')`
   */
  readonly stdin?: boolean | undefined;
  /** Tree mode: undefined for auto, true to force (fails: no topology yet), false to disable. */
  readonly tree?: boolean | undefined;
  /**
   * With nodes, false runs the command locally once per node with `local_workername`.
   *
   * @defaultValue true
   */
  readonly remote?: boolean | undefined;
}

/**
 * Options of {@link Task.copy} and {@link Task.rcopy}.
 *
 * @category Task
 * @example
 * ```ts
 * task.copy('/etc/hosts', '/etc/hosts', 'n[1-8]', { preserve: true });
 * ```
 */
export interface CopyOptions {
  /** Event handler. */
  readonly handler?: EventHandler | undefined;
  /** Keep stderr apart (default: `default('stderr')`). */
  readonly stderr?: boolean | undefined;
  /** Per-copy timeout in seconds. */
  readonly timeout?: number | null | undefined;
  /** Keep modification times and modes. */
  readonly preserve?: boolean | undefined;
  /** Copy from the nodes into the local directory `dest` (what `rcopy()` sets). */
  readonly reverse?: boolean | undefined;
  /** Tree mode (see {@link ShellOptions.tree}). */
  readonly tree?: boolean | undefined;
}

/**
 * Options of {@link Task.resume} and of {@link Task.run} without a command.
 *
 * @category Task
 * @example
 * ```ts
 * await task.resume({ timeout: 60, signal: AbortSignal.timeout(90_000) });
 * ```
 */
export interface ResumeOptions {
  /** Hard limit of the run in seconds; on expiry it rejects with {@link TaskTimeoutError}. */
  readonly timeout?: number | undefined;
  /** Cancels the run (it rejects with the engine's `EngineAbortError`). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Options of {@link Task.run} with a command and of {@link Task.stream}: the shell options,
 * plus an abort signal.
 *
 * @category Task
 * @example
 * ```ts
 * await task.run('uname -r', { nodes: 'n[1-64]', timeout: 10, signal });
 * ```
 */
export interface RunOptions extends ShellOptions {
  /** Cancels the run. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * One event of {@link Task.stream}: a line of a node, its exit, or its timeout.
 *
 * @category Task
 * @example
 * ```ts
 * for await (const ev of task.stream('dmesg | tail -1', { nodes: 'n[1-4]' })) {
 *   if (ev.type === 'stdout') console.log(`${ev.node}: ${ev.line}`);
 *   else if (ev.type === 'exit') console.log(`${ev.node} exited ${ev.exitCode}`);
 * }
 * ```
 */
export type TaskStreamEvent =
  | { readonly type: 'stdout' | 'stderr'; readonly node: string; readonly line: Buffer }
  | { readonly type: 'exit'; readonly node: string; readonly exitCode: number | undefined }
  | { readonly type: 'timeout'; readonly node: string };

/** A result source: one key of one worker (interned, compared by identity). */
interface Source {
  readonly worker: Worker;
  readonly key: string;
}

const keyOf = (s: Source): string => s.key;

function defaultPrintDebug(_task: Task, line: string): void {
  debug('%s', line);
}

const TASK_DEFAULTS: TaskDefaults = {
  stderr: false,
  stdin: true,
  stdout_msgtree: true,
  stderr_msgtree: true,
  engine: 'auto',
  port_qlimit: 100,
  auto_tree: true,
  local_workername: 'exec',
  distant_workername: 'ssh',
};

/**
 * Options of the {@link Task} constructor and of {@link taskSelf}.
 *
 * @category Task
 * @example
 * ```ts
 * const task = new Task({ defaults: { distant_workername: 'exec' }, info: { fanout: 16 } });
 * ```
 */
export interface TaskOptions {
  /** Initial "default" settings. */
  readonly defaults?: Partial<TaskDefaults> & Readonly<Record<string, unknown>>;
  /** Initial "info" settings. */
  readonly info?: Partial<TaskInfo> & Readonly<Record<string, unknown>>;
}

const tasks = new Set<Task>();
let selfTask: Task | undefined;

/**
 * ClusterShell's Task: schedules workers (commands on many nodes, copies, local commands),
 * timers and ports on one engine, runs them, and gathers what they produce: outputs in MsgTrees
 * (identical outputs of many nodes kept once), return codes and timeouts, all keyed by worker
 * and node. Results are reset at each `resume()`.
 *
 * In ClusterShell a task is bound to a thread; in Node, {@link taskSelf} gives the task of the
 * current thread (the main thread, or a `worker_threads` thread), and `new Task()` makes an
 * independent one in the same thread. Ports carry messages between threads (see
 * `docs/task.md`).
 *
 * @category Task
 * @example
 * ```ts
 * const task = taskSelf();
 * task.setDefault('distant_workername', 'exec'); // run locally, once per node
 * task.shell('echo %h: $(uname -r)', { nodes: 'n[1-4]' });
 * await task.resume();
 * for (const [msg, nodes] of task.iterBuffers()) console.log(NodeSet.fromList(nodes).toString(), `${msg}`);
 * ```
 */
export class Task implements WorkerHost {
  /**
   * The engine running this task's workers, timers and ports.
   *
   * @example
   * ```ts
   * task.engine.activeCount(); // commands running now
   * ```
   */
  readonly engine: Engine;
  readonly #defaults = new Map<string, unknown>();
  readonly #info = new Map<string, unknown>();
  #trees = new Map<string, MsgTree<Source>>();
  readonly #treeCache = new Map<string, MsgTree<Source> | null>();
  #rcBySource = new Map<Source, number>();
  #sourcesByRc = new Map<number, Set<Source>>();
  #maxRc: number | undefined;
  #timeouts = new Set<Source>();
  #sources = new WeakMap<Worker, Map<string, Source>>();
  #current: Promise<void> | undefined;
  #terminated = false;

  /**
   * The result getters of the workers scheduled on this task.
   *
   * @example
   * ```ts
   * worker.nodeBuffer('n1'); // answered through task.results
   * ```
   */
  readonly results: WorkerResults;

  /**
   * Creates an independent task (ClusterShell's `Task()` also creates a thread; here the task
   * lives in the calling thread). Most code uses {@link taskSelf} instead.
   *
   * @param options - initial defaults and info
   * @example
   * ```ts
   * const other = new Task({ info: { fanout: 8 } });
   * ```
   */
  constructor(options: TaskOptions = {}) {
    for (const [k, v] of Object.entries(TASK_DEFAULTS)) this.#defaults.set(k, v);
    const info: TaskInfo = {
      debug: false,
      print_debug: defaultPrintDebug,
      fanout: 64,
      grooming_delay: 0.25,
      connect_timeout: 10,
      command_timeout: 0,
      engine: Engine.identifier,
    };
    for (const [k, v] of Object.entries(info)) this.#info.set(k, v);
    for (const [k, v] of Object.entries(options.defaults ?? {})) this.setDefault(k, v);
    for (const [k, v] of Object.entries(options.info ?? {})) this.#info.set(k, v);
    this.engine = new Engine({ fanout: this.#info.get('fanout') as number });
    this.results = this.#makeResults();
    tasks.add(this);
  }

  // --- settings ---

  /**
   * A "default" setting (ClusterShell's `default()`).
   *
   * @param key - the setting
   * @returns its value
   * @example
   * ```ts
   * task.default('distant_workername'); // 'ssh'
   * ```
   */
  default<K extends keyof TaskDefaults>(key: K): TaskDefaults[K];
  /**
   * A "default" setting, or `defVal` when not set (user keys).
   *
   * @param key - the setting
   * @param defVal - returned when the key is not set
   * @returns its value
   * @example
   * ```ts
   * task.default('USER_color', 'auto');
   * ```
   */
  default(key: string, defVal?: unknown): unknown;
  default(key: string, defVal?: unknown): unknown {
    return this.#defaults.has(key) ? this.#defaults.get(key) : defVal;
  }

  /**
   * Sets a "default" setting (ClusterShell's `set_default()`). Setting `local_workername` or
   * `distant_workername` checks that the worker name is registered.
   *
   * @param key - the setting
   * @param value - its value
   * @throws {UnknownWorkerError} for an unregistered worker name
   * @example
   * ```ts
   * task.setDefault('distant_workername', 'exec');
   * task.setDefault('stderr', true);
   * ```
   */
  setDefault<K extends keyof TaskDefaults>(key: K, value: TaskDefaults[K]): void;
  /**
   * Sets a user "default" setting.
   *
   * @param key - the setting
   * @param value - its value
   * @example
   * ```ts
   * task.setDefault('USER_stdin_worker', true);
   * ```
   */
  setDefault(key: string, value: unknown): void;
  setDefault(key: string, value: unknown): void {
    if (key === 'local_workername' || key === 'distant_workername') getWorkerClass(String(value));
    this.#defaults.set(key, value);
    if (key.endsWith('_msgtree')) this.#treeCache.clear();
  }

  /**
   * An "info" setting (ClusterShell's `info()`).
   *
   * @param key - the setting
   * @returns its value
   * @example
   * ```ts
   * task.info('fanout'); // 64
   * ```
   */
  info<K extends keyof TaskInfo>(key: K): TaskInfo[K];
  /**
   * An "info" setting, or `defVal` when not set (user keys).
   *
   * @param key - the setting
   * @param defVal - returned when the key is not set
   * @returns its value
   * @example
   * ```ts
   * task.info('user_last', null);
   * ```
   */
  info(key: string, defVal?: unknown): unknown;
  info(key: string, defVal?: unknown): unknown {
    return this.#info.has(key) ? this.#info.get(key) : defVal;
  }

  /**
   * Sets an "info" setting (ClusterShell's `set_info()`). A new `fanout` applies at once, even
   * during a run.
   *
   * @param key - the setting
   * @param value - its value
   * @throws {EngineArgumentError} for a fanout that is not a positive integer
   * @example
   * ```ts
   * task.setInfo('fanout', 128);
   * task.setInfo('debug', true);
   * ```
   */
  setInfo<K extends keyof TaskInfo>(key: K, value: TaskInfo[K]): void;
  /**
   * Sets a user "info" setting.
   *
   * @param key - the setting
   * @param value - its value
   * @example
   * ```ts
   * task.setInfo('user_print_debug_last', line);
   * ```
   */
  setInfo(key: string, value: unknown): void;
  setInfo(key: string, value: unknown): void {
    if (key === 'fanout') this.engine.fanout = value as number;
    this.#info.set(key, value);
  }

  // --- scheduling ---

  /**
   * Schedules a shell command (ClusterShell's `shell()`): with `nodes`, one command per node
   * through the `distant_workername` worker (or `local_workername` with `remote: false`);
   * without, a local {@link PopenWorker}. During a run the command starts at once when the
   * fanout allows; otherwise at the next `resume()`.
   *
   * @param command - the command, with `%h`/`%n`/`%hosts` placeholders for node workers
   * @param options - nodes, key, handler, timeout, stderr, stdin, autoclose, tree, remote
   * @returns the worker
   * @throws {TaskArgumentError} for a key with nodes
   * @throws {TaskError} for `tree: true` (no topology is loaded)
   * @throws {UnknownWorkerError} when the worker name is not registered
   * @throws {WorkerPatternError} on a bad placeholder
   * @throws {TaskTerminatedError} on a terminated task
   * @example
   * ```ts
   * const w = task.shell('uname -r', { nodes: 'n[1-10]', timeout: 5 });
   * const local = task.shell('hostname', { key: 'me' });
   * ```
   */
  shell(command: string, options: ShellOptions = {}): Worker {
    this.#alive();
    const stderr = options.stderr ?? (this.default('stderr') as boolean);
    const stdin = options.stdin ?? (this.default('stdin') as boolean);
    const timeout = options.timeout ?? undefined;
    const autoclose = options.autoclose ?? false;
    let worker: Worker & { setWriteEof?: () => void };
    if (hasNodes(options.nodes)) {
      if (options.key !== undefined && options.key !== null) {
        throw new TaskArgumentError("'key' argument not supported for distant command");
      }
      this.#checkTree(options.tree);
      const name = options.remote === false ? 'local_workername' : 'distant_workername';
      const Cls = getWorkerClass(String(this.default(name)));
      worker = new Cls({
        nodes: toNodeSet(options.nodes),
        command,
        handler: options.handler,
        stderr,
        timeout,
        autoclose,
        remote: options.remote ?? true,
      });
    } else {
      worker = new PopenWorker(command, {
        key: options.key ?? undefined,
        handler: options.handler,
        stderr,
        timeout,
        autoclose,
      });
    }
    if (!stdin && typeof worker.setWriteEof === 'function') worker.setWriteEof();
    this.schedule(worker);
    return worker;
  }

  /**
   * Copies a local file or directory to nodes (ClusterShell's `copy()`), with the
   * `distant_workername` worker.
   *
   * @param source - local path
   * @param dest - remote path (placeholders allowed)
   * @param nodes - the nodes
   * @param options - handler, stderr, timeout, preserve, reverse, tree
   * @returns the worker
   * @throws {TaskArgumentError} without nodes ("local copy not supported")
   * @throws {WorkerArgumentError} for a reverse copy whose dest is not a directory
   * @example
   * ```ts
   * task.copy('/etc/hosts', '/etc/hosts', 'n[1-64]', { preserve: true });
   * ```
   */
  copy(source: string, dest: string, nodes: NodesInput, options: CopyOptions = {}): Worker {
    this.#alive();
    if (nodes === undefined || nodes === null)
      throw new TaskArgumentError('local copy not supported');
    this.#checkTree(options.tree);
    const Cls = getWorkerClass(String(this.default('distant_workername')));
    const worker = new Cls({
      nodes: toNodeSet(nodes),
      source,
      dest,
      handler: options.handler,
      stderr: options.stderr ?? (this.default('stderr') as boolean),
      timeout: options.timeout ?? undefined,
      preserve: options.preserve ?? false,
      reverse: options.reverse ?? false,
    });
    this.schedule(worker);
    return worker;
  }

  /**
   * Copies a file or directory from nodes into a local directory (ClusterShell's `rcopy()`):
   * each node's copy is named `<basename>.<node>`.
   *
   * @param source - remote path
   * @param dest - local directory
   * @param nodes - the nodes
   * @param options - handler, stderr, timeout, preserve, tree
   * @returns the worker
   * @throws {WorkerArgumentError} when `dest` is not a directory
   * @example
   * ```ts
   * task.rcopy('/var/log/messages', '/tmp/logs', 'n[1-8]'); // /tmp/logs/messages.n1, …
   * ```
   */
  rcopy(source: string, dest: string, nodes: NodesInput, options: CopyOptions = {}): Worker {
    return this.copy(source, dest, nodes, { ...options, reverse: true });
  }

  /**
   * Schedules a worker built by hand (ClusterShell's `schedule()`).
   *
   * @param worker - the worker
   * @throws {WorkerError} when it was already scheduled
   * @throws {TaskTerminatedError} on a terminated task
   * @example
   * ```ts
   * task.schedule(new ExecWorker({ nodes: 'n[1-2]', command: 'date' }));
   * ```
   */
  schedule(worker: Worker): void {
    this.#alive();
    this.engine.schedule(worker, this);
  }

  /**
   * Creates a timer on this task (ClusterShell's `timer()`): it fires `handler` after `fire`
   * seconds, then every `interval` seconds if given.
   *
   * @param fire - delay in seconds (>= 0)
   * @param handler - an {@link EventHandler} with `onTimer`, or a function
   * @param options - interval and autoclose
   * @returns the timer
   * @throws {EngineArgumentError} for a negative delay
   * @example
   * ```ts
   * task.timer(5, () => console.log('still running…'), { interval: 5, autoclose: true });
   * ```
   */
  timer(fire: number, handler: TimerHandler, options: EngineTimerOptions = {}): EngineTimer {
    this.#alive();
    const timer = new EngineTimer(fire, handler, options);
    this.engine.addTimer(timer);
    return timer;
  }

  /**
   * Creates a port on this task (ClusterShell's `port()`), to receive messages from timers,
   * other tasks or other threads.
   *
   * @param handler - receives `onPortStart` and `onMsg`
   * @param options - autoclose, queue limit (default `default('port_qlimit')`)
   * @returns the port
   * @example
   * ```ts
   * const port = task.port({ onMsg: (p, msg) => console.log(msg) }, { autoclose: true });
   * ```
   */
  port(handler?: EventHandler, options: EnginePortOptions = {}): EnginePort {
    this.#alive();
    const queueLimit = options.queueLimit ?? (this.default('port_qlimit') as number);
    const port = new EnginePort(handler, { ...options, queueLimit });
    this.engine.addPort(port);
    return port;
  }

  /**
   * Closes and removes a port (ClusterShell's `remove_port()`).
   *
   * @param port - the port
   * @example
   * ```ts
   * task.removePort(port);
   * ```
   */
  removePort(port: EnginePort): void {
    this.engine.removePort(port);
  }

  // --- running ---

  /**
   * Runs the task until its workers, non-autoclose timers and ports are done (ClusterShell's
   * `resume()`). Results of the previous run are reset first. On a suspended task, it resumes
   * it and returns the run in progress.
   *
   * @param options - hard time limit in seconds, or `{ timeout, signal }`
   * @returns a Promise resolved at the end of the run (also after `abort()`)
   * @throws {TaskTimeoutError} (rejection) when the time limit expires
   * @throws {TaskAlreadyRunningError} (rejection) when running and not suspended
   * @throws {EngineAbortError} (rejection) when the signal aborts
   * @throws {TaskTerminatedError} (rejection) on a terminated task
   * @example
   * ```ts
   * task.shell('sleep 30');
   * await task.resume(10).catch((e) => console.error(e.message)); // 'task timed out after 10 s'
   * ```
   */
  resume(options?: number | ResumeOptions): Promise<void> {
    if (this.#terminated) return Promise.reject(new TaskTerminatedError());
    const opts: ResumeOptions =
      typeof options === 'number' ? { timeout: options } : (options ?? {});
    if (this.engine.suspended && this.#current !== undefined) {
      this.engine.unsuspend();
      return this.#current;
    }
    if (this.engine.running) return Promise.reject(new TaskAlreadyRunningError());
    this.#reset();
    const run = this.engine
      .run({ timeout: opts.timeout, signal: opts.signal })
      .catch((error: unknown) => {
        if (error instanceof EngineTimeoutError)
          throw new TaskTimeoutError(error.timeout, { cause: error });
        throw error;
      });
    const tracked = run.finally(() => {
      if (this.#current === tracked) this.#current = undefined;
    });
    this.#current = tracked;
    return tracked;
  }

  /**
   * Runs the task (ClusterShell's `run()` without a command = `resume()`).
   *
   * @param options - hard time limit in seconds, or `{ timeout, signal }`
   * @returns a Promise resolved at the end of the run
   * @throws {TaskTimeoutError} (rejection) when the time limit expires
   * @example
   * ```ts
   * task.shell('hostname', { nodes: 'n[1-4]' });
   * await task.run();
   * ```
   */
  run(options?: number | ResumeOptions): Promise<void>;
  /**
   * Schedules a command and runs the task (ClusterShell's `run(command, …)`), then resolves to
   * the command's results: per node `exitCode`, `timedOut`, `stdout`, `stderr`, and the gathered
   * outputs. A failing command is a result, not an exception. The `timeout` option is the
   * per-command timeout, as in `shell()`.
   *
   * @param command - the command
   * @param options - the shell options and an abort signal
   * @returns a Promise of the {@link RunResult}
   * @throws {EngineAbortError} (rejection) when the signal aborts
   * @example
   * ```ts
   * const result = await task.run('uname -r', { nodes: 'n[1-64]', timeout: 10 });
   * for (const { output, nodes } of result.stdout) console.log(`${nodes}: ${output}`);
   * console.log('failed:', [...result.nodes.values()].filter((n) => n.exitCode !== 0).map((n) => n.node));
   * ```
   */
  run(command: string, options?: RunOptions): Promise<RunResult>;
  async run(
    command?: string | number | ResumeOptions,
    options: RunOptions = {},
    // biome-ignore lint/suspicious/noConfusingVoidType: the overload without a command resolves to void
  ): Promise<RunResult | void> {
    if (typeof command !== 'string') {
      await this.resume(command);
      return undefined;
    }
    const { signal, ...shell } = options;
    const worker = this.shell(command, shell);
    await this.resume({ signal });
    return this.#resultOf(worker);
  }

  /**
   * Runs a command (starting the task if it is idle) and yields its lines, exits and timeouts
   * as they happen; the streaming form of {@link Task.run}. Breaking out of the loop aborts the
   * command.
   *
   * @param command - the command
   * @param options - the shell options and an abort signal
   * @returns an async iterable of {@link TaskStreamEvent}s
   * @throws {TaskTimeoutError} (while iterating) when a run timeout expires
   * @example
   * ```ts
   * for await (const ev of task.stream('tail -n 3 /var/log/syslog', { nodes: 'n[1-4]' })) {
   *   if (ev.type === 'stdout') console.log(`${ev.node}: ${ev.line}`);
   * }
   * ```
   */
  async *stream(command: string, options: RunOptions = {}): AsyncGenerator<TaskStreamEvent, void> {
    const { signal, ...shell } = options;
    const worker = this.shell(command, shell);
    const events = worker.events();
    const done = this.running() ? undefined : this.resume({ signal });
    let failure: { error: unknown } | undefined;
    void done?.catch((error: unknown) => {
      failure = { error };
      void events.return?.();
    });
    try {
      for await (const ev of events) {
        const out = toStreamEvent(worker, ev);
        if (out !== undefined) yield out;
      }
    } finally {
      if (!worker.closed) worker.abort();
      if (done !== undefined) await done.catch(() => undefined);
    }
    if (failure !== undefined) throw failure.error;
  }

  /**
   * Every event of this task's workers, timers and ports, from now to the end of the run in
   * progress (or of the next one).
   *
   * @returns an async iterable of `EngineEvent`s
   * @example
   * ```ts
   * const events = task.events();
   * const done = task.resume();
   * for await (const ev of events) if (ev.type === 'hup') console.log(ev.node, ev.rc);
   * await done;
   * ```
   */
  events(): AsyncIterableIterator<EngineEvent> {
    return this.engine.events();
  }

  /**
   * Suspends a running task (ClusterShell's `suspend()`): its streams pause and its events wait
   * until `resume()`.
   *
   * @returns true when the task was running and is now suspended
   * @example
   * ```ts
   * if (task.suspend()) setTimeout(() => task.resume(), 1000);
   * ```
   */
  suspend(): boolean {
    return this.engine.suspend();
  }

  /**
   * Aborts the task (ClusterShell's `abort()`): every worker is stopped or dropped, timers are
   * invalidated and the results are reset; a run in progress then resolves. With `kill`, ports
   * are removed too and the task is terminated: {@link taskSelf} then returns a new task.
   *
   * @param kill - also terminate the task
   * @example
   * ```ts
   * task.timer(60, () => task.abort()); // give up after a minute
   * ```
   */
  abort(kill = false): void {
    this.engine.abort(kill);
    this.#reset();
    if (kill) {
      this.#terminated = true;
      tasks.delete(this);
      if (selfTask === this) selfTask = undefined;
    }
  }

  /**
   * Waits for the run in progress to end (ClusterShell's `join()`); resolves at once when idle.
   * Never rejects: the run's own Promise carries its error.
   *
   * @returns a Promise resolved when the task is idle
   * @example
   * ```ts
   * void task.resume();
   * await task.join();
   * ```
   */
  join(): Promise<void> {
    const current = this.#current;
    return current === undefined ? Promise.resolve() : current.then(noop, noop);
  }

  /**
   * Tells whether the task is running (ClusterShell's `running()`).
   *
   * @returns true during a run
   * @example
   * ```ts
   * task.running(); // false when idle
   * ```
   */
  running(): boolean {
    return this.engine.running;
  }

  /**
   * True once the task was terminated (`abort(true)`).
   *
   * @example
   * ```ts
   * task.abort(true);
   * task.terminated; // true
   * ```
   */
  get terminated(): boolean {
    return this.#terminated;
  }

  // --- results ---

  /**
   * The standard output of a key (a node or a local command's key), all workers joined
   * (ClusterShell's `key_buffer()`).
   *
   * @param key - node name or key
   * @returns the bytes (empty when nothing was received)
   * @throws {TaskMsgTreeError} when `stdout_msgtree` is disabled
   * @example
   * ```ts
   * task.keyBuffer('n1').toString();
   * ```
   */
  keyBuffer(key: string): Buffer {
    return this.#keyMessages(this.#tree('stdout', true) as MsgTree<Source>, key);
  }

  /**
   * Same as {@link Task.keyBuffer} (ClusterShell's `node_buffer`).
   *
   * @param node - node name
   * @returns the bytes
   * @throws {TaskMsgTreeError} when `stdout_msgtree` is disabled
   * @example
   * ```ts
   * task.nodeBuffer('n1').toString();
   * ```
   */
  nodeBuffer(node: string): Buffer {
    return this.keyBuffer(node);
  }

  /**
   * The standard error of a key, all workers joined (ClusterShell's `key_error()`).
   *
   * @param key - node name or key
   * @returns the bytes (empty when nothing was received)
   * @throws {TaskMsgTreeError} when `stderr_msgtree` is disabled
   * @example
   * ```ts
   * task.keyError('n1').toString();
   * ```
   */
  keyError(key: string): Buffer {
    return this.#keyMessages(this.#tree('stderr', true) as MsgTree<Source>, key);
  }

  /**
   * Same as {@link Task.keyError} (ClusterShell's `node_error`).
   *
   * @param node - node name
   * @returns the bytes
   * @throws {TaskMsgTreeError} when `stderr_msgtree` is disabled
   * @example
   * ```ts
   * task.nodeError('n1').toString();
   * ```
   */
  nodeError(node: string): Buffer {
    return this.keyError(node);
  }

  /**
   * The return code of a key, the highest over its workers (ClusterShell's `key_retcode()`,
   * which raises `KeyError` where this returns undefined).
   *
   * @param key - node name or key
   * @returns the rc, or undefined when no worker finished for that key
   * @example
   * ```ts
   * task.keyRetcode('n1'); // 0
   * ```
   */
  keyRetcode(key: string): number | undefined {
    let max: number | undefined;
    for (const [source, rc] of this.#rcBySource) {
      if (source.key === key && (max === undefined || rc > max)) max = rc;
    }
    return max;
  }

  /**
   * Same as {@link Task.keyRetcode} (ClusterShell's `node_retcode`).
   *
   * @param node - node name
   * @returns the rc, or undefined
   * @example
   * ```ts
   * task.nodeRetcode('n1');
   * ```
   */
  nodeRetcode(node: string): number | undefined {
    return this.keyRetcode(node);
  }

  /**
   * The highest return code of the last run (ClusterShell's `max_retcode()`).
   *
   * @returns the rc, or undefined when nothing ran or every command timed out
   * @example
   * ```ts
   * process.exitCode = task.maxRetcode() ?? 0;
   * ```
   */
  maxRetcode(): number | undefined {
    return this.#maxRc;
  }

  /**
   * The standard outputs, gathered: each distinct output with the keys that printed it, in
   * ClusterShell's order (ClusterShell's `iter_buffers()`).
   *
   * @param matchKeys - only these keys (an empty list, as in ClusterShell, means all)
   * @returns `[message, keys]` pairs; use `NodeSet.fromList(keys)` to fold the keys
   * @throws {TaskMsgTreeError} when `stdout_msgtree` is disabled
   * @throws {TaskArgumentError} when `matchKeys` is a string
   * @example
   * ```ts
   * for (const [msg, keys] of task.iterBuffers()) console.log(NodeSet.fromList(keys).toString(), `${msg}`);
   * ```
   */
  iterBuffers(matchKeys?: Iterable<string>): Iterable<[MsgTreeElem, string[]]> {
    return this.#iterTree('stdout', matchKeys);
  }

  /**
   * The standard errors, gathered like {@link Task.iterBuffers} (ClusterShell's `iter_errors()`).
   *
   * @param matchKeys - only these keys
   * @returns `[message, keys]` pairs
   * @throws {TaskMsgTreeError} when `stderr_msgtree` is disabled
   * @throws {TaskArgumentError} when `matchKeys` is a string
   * @example
   * ```ts
   * for (const [msg, keys] of task.iterErrors()) console.error(keys, `${msg}`);
   * ```
   */
  iterErrors(matchKeys?: Iterable<string>): Iterable<[MsgTreeElem, string[]]> {
    return this.#iterTree('stderr', matchKeys);
  }

  /**
   * The return codes, gathered: each rc with its keys, rcs in the order they first appeared
   * (ClusterShell's `iter_retcodes()`; with `matchKeys`, every rc is yielded, possibly with no
   * key, as ClusterShell does).
   *
   * @param matchKeys - only these keys
   * @returns `[rc, keys]` pairs
   * @throws {TaskArgumentError} when `matchKeys` is a string
   * @example
   * ```ts
   * for (const [rc, keys] of task.iterRetcodes()) console.log(rc, NodeSet.fromList(keys).toString());
   * ```
   */
  *iterRetcodes(matchKeys?: Iterable<string>): Generator<[number, string[]], void> {
    const keep = keySet(matchKeys);
    for (const [rc, sources] of this.#sourcesByRc) {
      if (keep === undefined || keep.size === 0) {
        yield [rc, [...sources].map(keyOf)];
      } else {
        yield [rc, [...sources].filter((s) => keep.has(s.key)).map(keyOf)];
      }
    }
  }

  /**
   * How many keys timed out in the last run (ClusterShell's `num_timeout()`).
   *
   * @returns the count
   * @example
   * ```ts
   * if (task.numTimeout() > 0) console.error('timeouts:', [...task.iterKeysTimeout()]);
   * ```
   */
  numTimeout(): number {
    return this.#timeouts.size;
  }

  /**
   * The keys that timed out in the last run (ClusterShell's `iter_keys_timeout()`).
   *
   * @returns the keys
   * @example
   * ```ts
   * NodeSet.fromList(task.iterKeysTimeout()).toString();
   * ```
   */
  *iterKeysTimeout(): Generator<string, void> {
    for (const source of this.#timeouts) yield source.key;
  }

  /**
   * Forgets every standard output message (ClusterShell's `flush_buffers()`).
   *
   * @example
   * ```ts
   * task.flushBuffers();
   * ```
   */
  flushBuffers(): void {
    this.#tree('stdout', false)?.clear();
  }

  /**
   * Forgets every standard error message (ClusterShell's `flush_errors()`).
   *
   * @example
   * ```ts
   * task.flushErrors();
   * ```
   */
  flushErrors(): void {
    this.#tree('stderr', false)?.clear();
  }

  /** The MsgTree gathering a stream, created when first needed (ClusterShell's `_msgtree()`). */
  #tree(sname: string, strict: boolean): MsgTree<Source> | undefined {
    let tree = this.#treeCache.get(sname);
    if (tree === undefined) {
      if (this.default(`${sname}_msgtree`)) {
        tree = this.#trees.get(sname) ?? null;
        if (tree === null) {
          tree = new MsgTree<Source>();
          this.#trees.set(sname, tree);
        }
      } else {
        tree = null;
      }
      this.#treeCache.set(sname, tree);
    }
    if (tree === null) {
      if (strict) throw new TaskMsgTreeError(sname);
      return undefined;
    }
    return tree;
  }

  // --- WorkerHost ---

  /**
   * Records a line (called by workers).
   *
   * @param worker - the worker
   * @param key - node name or key
   * @param sname - stream name
   * @param msg - the line
   * @internal
   */
  recordMessage(worker: Worker, key: string, sname: string, msg: Buffer): void {
    const tree = this.#tree(sname, false);
    if (tree !== undefined) tree.add(this.#source(worker, key), msg);
  }

  /**
   * Records a return code (called by workers).
   *
   * @param worker - the worker
   * @param key - node name or key
   * @param rc - the rc
   * @internal
   */
  recordRetcode(worker: Worker, key: string, rc: number): void {
    const source = this.#source(worker, key);
    const previous = this.#rcBySource.get(source);
    if (previous !== undefined) this.#sourcesByRc.get(previous)?.delete(source);
    this.#rcBySource.set(source, rc);
    let set = this.#sourcesByRc.get(rc);
    if (set === undefined) {
      set = new Set();
      this.#sourcesByRc.set(rc, set);
    }
    set.add(source);
    if (this.#maxRc === undefined || rc > this.#maxRc) this.#maxRc = rc;
  }

  /**
   * Records a timed-out key (called by workers).
   *
   * @param worker - the worker
   * @param key - node name or key
   * @internal
   */
  recordTimeout(worker: Worker, key: string): void {
    this.#timeouts.add(this.#source(worker, key));
  }

  // --- internals ---

  #alive(): void {
    if (this.#terminated) throw new TaskTerminatedError();
  }

  #checkTree(tree: boolean | undefined): void {
    if (tree === true) {
      throw new TaskError('tree mode required for distant shell command with unknown topology!');
    }
  }

  #reset(): void {
    this.#trees = new Map();
    this.#treeCache.clear();
    this.#rcBySource = new Map();
    this.#sourcesByRc = new Map();
    this.#maxRc = undefined;
    this.#timeouts = new Set();
    this.#sources = new WeakMap();
  }

  #source(worker: Worker, key: string): Source {
    let byKey = this.#sources.get(worker);
    if (byKey === undefined) {
      byKey = new Map();
      this.#sources.set(worker, byKey);
    }
    let source = byKey.get(key);
    if (source === undefined) {
      source = Object.freeze({ worker, key });
      byKey.set(key, source);
    }
    return source;
  }

  #keyMessages(tree: MsgTree<Source>, key: string): Buffer {
    const parts: Buffer[] = [];
    for (const elem of tree.messages((s) => s.key === key)) parts.push(elem.message());
    return Buffer.concat(parts);
  }

  #iterTree(
    sname: string,
    matchKeys: Iterable<string> | undefined,
  ): Iterable<[MsgTreeElem, string[]]> {
    const keep = keySet(matchKeys);
    const tree = this.#trees.get(sname);
    if (tree === undefined) {
      if (!this.default(`${sname}_msgtree`)) throw new TaskMsgTreeError(sname);
      return [];
    }
    const match =
      keep === undefined || keep.size === 0 ? undefined : (s: Source) => keep.has(s.key);
    return walkPairs(tree, match);
  }

  #resultOf(worker: Worker): RunResult {
    const stdout = this.#tree(worker.snameStdout, false);
    const stderr = this.#tree(worker.snameStderr, false);
    const keys: string[] = [];
    const seen = new Set<string>();
    const add = (k: string): void => {
      if (!seen.has(k)) {
        seen.add(k);
        keys.push(k);
      }
    };
    if (worker instanceof DistantWorker) for (const n of worker.nodes) add(n);
    if (worker.defaultKey !== undefined) add(worker.defaultKey);
    for (const source of this.#rcBySource.keys()) if (source.worker === worker) add(source.key);
    for (const source of this.#timeouts) if (source.worker === worker) add(source.key);
    const byKey = this.#sources.get(worker);
    const timedOut = new Set<string>();
    for (const source of this.#timeouts) if (source.worker === worker) timedOut.add(source.key);
    return buildRunResult({
      worker,
      keys,
      exitCode: (key) => {
        const source = byKey?.get(key);
        return source === undefined ? undefined : this.#rcBySource.get(source);
      },
      timedOut: (key) => timedOut.has(key),
      message: (sname, key) => {
        const tree = sname === 'stdout' ? stdout : stderr;
        const source = byKey?.get(key);
        if (tree === undefined || source === undefined) return undefined;
        return tree.get(source)?.message();
      },
      gathered: (sname) => {
        const tree = sname === 'stdout' ? stdout : stderr;
        if (tree === undefined) return [];
        return [...walkPairs(tree, (s) => s.worker === worker)];
      },
    });
  }

  #makeResults(): WorkerResults {
    return {
      message: (worker, key, sname) => {
        const source = this.#sources.get(worker)?.get(key);
        const tree = this.#tree(sname, true) as MsgTree<Source>;
        if (source === undefined) return undefined;
        return tree.get(source)?.message();
      },
      retcode: (worker, key) => {
        const source = this.#sources.get(worker)?.get(key);
        return source === undefined ? undefined : this.#rcBySource.get(source);
      },
      iterMessages: (worker, sname, matchKeys) => {
        const keep = keySet(matchKeys);
        const tree = this.#tree(sname, true) as MsgTree<Source>;
        const match =
          keep === undefined
            ? (s: Source) => s.worker === worker
            : (s: Source) => s.worker === worker && keep.has(s.key);
        return walkPairs(tree, match) as Iterable<[OutputMessage, string[]]>;
      },
      iterKeyMessages: (worker, sname, matchKeys) => {
        const keep = keySet(matchKeys);
        const tree = this.#tree(sname, true) as MsgTree<Source>;
        const match =
          keep === undefined
            ? (s: Source) => s.worker === worker
            : (s: Source) => s.worker === worker && keep.has(s.key);
        return tree.items(match, keyOf);
      },
      iterRetcodes: (worker, matchKeys) => this.#iterWorkerRetcodes(worker, matchKeys),
      iterKeyRetcodes: (worker) => this.#iterWorkerKeyRetcodes(worker),
      timeouts: (worker) => [...this.#timeouts].filter((s) => s.worker === worker).map(keyOf),
      flush: (worker, sname) => {
        this.#tree(sname, false)?.remove((s) => s.worker === worker);
      },
    };
  }

  *#iterWorkerRetcodes(
    worker: Worker,
    matchKeys?: Iterable<string>,
  ): Generator<[number, string[]]> {
    const keep = keySet(matchKeys);
    for (const [rc, sources] of this.#sourcesByRc) {
      const keys: string[] = [];
      for (const s of sources) {
        if (s.worker === worker && (keep === undefined || keep.size === 0 || keep.has(s.key))) {
          keys.push(s.key);
        }
      }
      if (keys.length > 0) yield [rc, keys];
    }
  }

  *#iterWorkerKeyRetcodes(worker: Worker): Generator<[string, number]> {
    for (const [rc, sources] of this.#sourcesByRc) {
      for (const s of sources) if (s.worker === worker) yield [s.key, rc];
    }
  }
}

function* walkPairs(
  tree: MsgTree<Source>,
  match: ((s: Source) => boolean) | undefined,
): Generator<[MsgTreeElem, string[]], void> {
  for (const { elem, keys } of tree.walk(match, keyOf)) yield [elem, [...keys]];
}

function keySet(matchKeys: Iterable<string> | undefined): Set<string> | undefined {
  if (matchKeys === undefined || matchKeys === null) return undefined;
  if (typeof matchKeys === 'string') {
    throw new TaskArgumentError("Sequence of keys/nodes expected for 'match_keys'.");
  }
  return matchKeys instanceof Set ? (matchKeys as Set<string>) : new Set(matchKeys);
}

function hasNodes(nodes: NodesInput | null | undefined): boolean {
  if (nodes === undefined || nodes === null || nodes === '') return false;
  if (nodes instanceof NodeSet) return nodes.size > 0;
  if (Array.isArray(nodes)) return nodes.length > 0;
  return true;
}

function toStreamEvent(worker: Worker, ev: EngineEvent): TaskStreamEvent | undefined {
  switch (ev.type) {
    case 'read':
      return {
        type: ev.sname === worker.snameStderr ? 'stderr' : 'stdout',
        node: ev.node,
        line: ev.msg,
      };
    case 'hup':
      return { type: 'exit', node: ev.node, exitCode: ev.rc };
    case 'timeout':
      return { type: 'timeout', node: ev.node };
    default:
      return undefined;
  }
}

function noop(): void {}

/**
 * The task of the current thread (ClusterShell's `task_self()`), created on first use. After
 * `taskTerminate()` (or `abort(true)`) a new one is created.
 *
 * @param options - initial defaults and info, used only when the task is created
 * @returns the task
 * @category Task
 * @example
 * ```ts
 * const task = taskSelf();
 * task === taskSelf(); // true
 * ```
 */
export function taskSelf(options?: TaskOptions): Task {
  if (selfTask === undefined || selfTask.terminated) selfTask = new Task(options);
  return selfTask;
}

/**
 * Waits until every other task of this thread is idle (ClusterShell's `task_wait()`, which joins
 * the tasks of the other threads).
 *
 * @returns a Promise resolved when they are
 * @category Task
 * @example
 * ```ts
 * const other = new Task();
 * other.shell('sleep 1');
 * void other.resume();
 * await taskWait();
 * ```
 */
export async function taskWait(): Promise<void> {
  for (;;) {
    const running = [...tasks].filter((t) => t !== selfTask && t.running());
    if (running.length === 0) return;
    await Promise.all(running.map((t) => t.join()));
  }
}

/**
 * Terminates the task of the current thread (ClusterShell's `task_terminate()`:
 * `taskSelf().abort(true)`); the next `taskSelf()` makes a new one.
 *
 * @category Task
 * @example
 * ```ts
 * taskTerminate();
 * ```
 */
export function taskTerminate(): void {
  taskSelf().abort(true);
}

/**
 * Terminates every task of this thread (ClusterShell's `task_cleanup()`, meant for tests).
 *
 * @category Task
 * @example
 * ```ts
 * afterEach(() => taskCleanup());
 * ```
 */
export function taskCleanup(): void {
  for (const task of [...tasks]) task.abort(true);
  selfTask = undefined;
}
