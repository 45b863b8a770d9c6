import {
  EngineClient,
  EngineClientError,
  type EventHandler,
  Worker,
  WorkerArgumentError,
  type WriteData,
} from '@cluster-task/engine';
import { debugCommand } from './internal/debug.js';
import { type ExitStatus, type LocalProcess, launch } from './internal/process.js';

/**
 * Options of a {@link PopenWorker}.
 *
 * @category Workers
 * @example
 * ```ts
 * const options: PopenWorkerOptions = { key: 'kernel', stderr: true, timeout: 5 };
 * ```
 */
export interface PopenWorkerOptions {
  /**
   * The key results are recorded under.
   *
   * @defaultValue a unique key made from the worker's id (ClusterShell uses the worker object)
   */
  readonly key?: string | number | undefined;
  /** The event handler. */
  readonly handler?: EventHandler | undefined;
  /**
   * Keep stderr apart (`'stderr'` stream) instead of merging it into stdout.
   *
   * @defaultValue false
   */
  readonly stderr?: boolean | undefined;
  /**
   * Timeout in seconds; undefined or negative for none.
   *
   * @defaultValue undefined
   */
  readonly timeout?: number | null | undefined;
  /**
   * Let the run end without this worker.
   *
   * @defaultValue false
   */
  readonly autoclose?: boolean | undefined;
}

class PopenClient extends EngineClient {
  readonly #command: string;
  readonly #stderr: boolean;
  #proc: LocalProcess | undefined;
  #exit: ExitStatus | undefined;
  rc: number | undefined;

  constructor(worker: PopenWorker, key: string, command: string, options: PopenWorkerOptions) {
    super(worker, key, { timeout: options.timeout ?? undefined, autoclose: options.autoclose });
    this.#command = command;
    this.#stderr = options.stderr ?? false;
    this.declareWriter(worker.snameStdin, { retain: false });
  }

  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  protected _start(): void {
    const worker = this.worker;
    const spec = { shell: this.#command };
    debugCommand(worker, 'POPEN', spec);
    const proc = launch(spec, this.#stderr);
    this.#proc = proc;
    proc.onError(
      this.guarded((err: Error) => {
        if (proc.pid === undefined) {
          this.fail(
            new EngineClientError(`cannot run ${this.#command}: ${err.message}`, { cause: err }),
          );
        }
      }),
    );
    this.addReader(worker.snameStdout, proc.stdout);
    if (proc.stderr !== undefined) this.addReader(worker.snameStderr, proc.stderr);
    this.addWriter(worker.snameStdin, proc.stdin, { retain: false });
    const release = this.hold();
    void proc.exited.then(
      this.guarded((status: ExitStatus) => {
        this.#exit = status;
        release();
      }),
    );
    worker.emitPickup(this.key);
  }

  protected _close(abort: boolean, timedout: boolean): void {
    const worker = this.worker;
    const proc = this.#proc;
    const exit = this.#exit;
    if (proc !== undefined && exit === undefined) {
      proc.kill();
      this.drain(proc.exited);
    }
    let timeoutRecorded = false;
    if (exit !== undefined && (!exit.signaled || !abort)) {
      this.rc = exit.rc;
      worker.emitHup(this.key, exit.rc);
    } else if (timedout) {
      timeoutRecorded = true;
      worker.emitTimeout(this.key);
    }
    worker.emitClose(timeoutRecorded);
  }
}

/**
 * Runs one local shell command (ClusterShell's `WorkerPopen`, what `task.shell(cmd)` without
 * nodes creates), identified by a key. Its output is read with `read()` (or `task.keyBuffer(key)`)
 * and its return code with `retcode()`.
 *
 * @category Workers
 * @example
 * ```ts
 * const worker = new PopenWorker('uname -r', { key: 'kernel' });
 * task.schedule(worker);
 * await task.resume();
 * worker.retcode(); // 0
 * worker.read()?.toString(); // '6.1.0-…'
 * ```
 */
export class PopenWorker extends Worker {
  /**
   * The command, run with `/bin/sh -c`.
   *
   * @example
   * ```ts
   * worker.command; // 'uname -r'
   * ```
   */
  readonly command: string;
  readonly #client: PopenClient;

  /**
   * Creates the worker.
   *
   * @param command - the shell command
   * @param options - key, handler, stderr, timeout, autoclose
   * @throws {WorkerArgumentError} when the command is empty ("missing command parameter in
   *   WorkerPopen constructor")
   * @example
   * ```ts
   * const worker = new PopenWorker('hostname', { handler: { onRead: (w, k, s, m) => console.log(`${m}`) } });
   * ```
   */
  constructor(command: string, options: PopenWorkerOptions = {}) {
    super(options.handler);
    if (typeof command !== 'string' || command === '') {
      throw new WorkerArgumentError('missing command parameter in WorkerPopen constructor');
    }
    this.command = command;
    const key = options.key === undefined ? `popen#${this.id}` : String(options.key);
    this.#client = new PopenClient(this, key, command, options);
  }

  /**
   * The engine client (one).
   *
   * @example
   * ```ts
   * worker.clients.length; // 1
   * ```
   */
  get clients(): readonly EngineClient[] {
    return [this.#client];
  }

  /**
   * The key the results are recorded under.
   *
   * @example
   * ```ts
   * new PopenWorker('true', { key: 'k' }).key; // 'k'
   * ```
   */
  get key(): string {
    return this.#client.key;
  }

  override get defaultKey(): string {
    return this.#client.key;
  }

  /**
   * Changes the key (before the worker runs).
   *
   * @param key - the new key
   * @example
   * ```ts
   * worker.setKey('bar');
   * ```
   */
  setKey(key: string | number): void {
    this.#client.key = String(key);
  }

  /**
   * The process id once started.
   *
   * @example
   * ```ts
   * worker.pid; // 4242
   * ```
   */
  get pid(): number | undefined {
    return this.#client.pid;
  }

  /**
   * The return code: exit status, or 128 + signal number.
   *
   * @returns the rc, or undefined while running, after a timeout or an abort
   * @example
   * ```ts
   * worker.retcode(); // 0
   * ```
   */
  retcode(): number | undefined {
    return this.#client.rc;
  }

  /**
   * The standard error buffer (with `stderr: true`).
   *
   * @returns the lines joined with `\n`, or undefined
   * @throws {WorkerError} when the worker is not bound to a task that keeps results
   * @example
   * ```ts
   * worker.error()?.toString();
   * ```
   */
  error(): Buffer | undefined {
    return this.read(this.key, this.snameStderr);
  }

  /**
   * Writes to the command's stdin (or `sname`); kept until the start when called before.
   *
   * @param data - bytes, or a string written as UTF-8
   * @param sname - stream name (stdin by default)
   * @example
   * ```ts
   * worker.write('2+2\n');
   * worker.setWriteEof();
   * ```
   */
  write(data: WriteData, sname?: string): void {
    this.#client.write(data, sname ?? this.snameStdin);
  }

  /**
   * Closes the command's stdin once flushed.
   *
   * @param sname - stream name (stdin by default)
   * @example
   * ```ts
   * worker.setWriteEof();
   * ```
   */
  setWriteEof(sname?: string): void {
    this.#client.setWriteEof(sname ?? this.snameStdin);
  }
}
