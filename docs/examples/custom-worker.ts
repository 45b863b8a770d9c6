/**
 * A custom worker, written against `@cluster-task/engine` alone: it checks that a TCP port
 * answers on every node (is sshd up on the whole rack?), without spawning any process.
 *
 * It shows the three pieces every worker has:
 * - a client per node (`EngineClient`): `_start()` opens the connection, `_close()` reports the
 *   outcome with `emitHup()` / `emitTimeout()`;
 * - lines pushed into a stream with `openReader()` / `feed()` / `endReader()`, so they are
 *   gathered by the task like any command output;
 * - a worker (`DistantWorker`) that creates the clients and raises `onClose` after the last one.
 *
 * Use it by hand (`task.schedule(new TcpProbeWorker({ nodes, port: 22 }))`), or register it by
 * name with `@cluster-task/workers` and run it with `task.shell('22', { nodes })` (the command is
 * the port). `packages/task/test/custom-worker.test.ts` runs both.
 */
import { connect, type Socket } from 'node:net';
import { DistantWorker, EngineClient, type EventHandler } from '@cluster-task/engine';

/** Options of a {@link TcpProbeWorker}; the names match what a task passes to a worker class. */
export interface TcpProbeOptions {
  /** The nodes to probe (a NodeSet or an array of names). */
  readonly nodes?: Iterable<string> | null | undefined;
  /** The port, as a string: what `task.shell(command, …)` passes when used by name. */
  readonly command?: string | undefined;
  /** The port (wins over `command`). */
  readonly port?: number | undefined;
  /** Seconds to wait for the connection (default 3). */
  readonly connectTimeout?: number | undefined;
  /** Maps a node name to the address to dial (default: the name itself). */
  readonly address?: ((node: string) => string) | undefined;
  /** Opens the connection (default `net.connect`); tests use it to simulate a silent host. */
  readonly dial?: ((port: number, address: string) => Socket) | undefined;
  /** The event handler. */
  readonly handler?: EventHandler | undefined;
  /** Overall per-node timeout in seconds, handled by the engine. */
  readonly timeout?: number | null | undefined;
}

/** Return codes: 0 open, 1 refused or unreachable, 2 no answer in time. */
export const PROBE_OPEN = 0;
export const PROBE_REFUSED = 1;
export const PROBE_SILENT = 2;

class TcpProbeClient extends EngineClient {
  readonly #port: number;
  readonly #address: string;
  readonly #connectTimeout: number;
  readonly #dial: (port: number, address: string) => Socket;
  #socket: Socket | undefined;
  #rc: number | undefined;

  constructor(worker: TcpProbeWorker, node: string, port: number, options: TcpProbeOptions) {
    super(worker, node, { timeout: options.timeout ?? undefined });
    this.#port = port;
    this.#address = options.address?.(node) ?? node;
    this.#connectTimeout = options.connectTimeout ?? 3;
    this.#dial = options.dial ?? ((p, a) => connect(p, a));
  }

  protected _start(): void {
    const stdout = this.worker.snameStdout;
    this.openReader(stdout);
    const release = this.hold();
    const finish = (rc: number, line: string): void => {
      if (this.#rc !== undefined) return;
      this.#rc = rc;
      this.#socket?.destroy();
      this.feed(stdout, `${line}\n`);
      this.endReader(stdout);
      release();
    };
    // the engine's connect timeout hook: a timer tied to this client, cancelled at its end
    const cancel = this.armTimer(this.#connectTimeout, () =>
      finish(PROBE_SILENT, `port ${this.#port}: no answer within ${this.#connectTimeout} s`),
    );
    const socket = this.#dial(this.#port, this.#address);
    this.#socket = socket;
    socket.once(
      'connect',
      this.guarded(() => {
        cancel();
        finish(PROBE_OPEN, `port ${this.#port}: open`);
      }),
    );
    socket.once(
      'error',
      this.guarded((err: NodeJS.ErrnoException) => {
        cancel();
        finish(PROBE_REFUSED, `port ${this.#port}: ${err.code ?? err.message}`);
      }),
    );
    this.worker.emitPickup(this.key);
  }

  protected _close(abort: boolean, timedout: boolean): void {
    this.#socket?.destroy();
    const worker = this.worker as TcpProbeWorker;
    if (!abort && this.#rc !== undefined) worker.emitHup(this.key, this.#rc);
    else if (timedout) worker.emitTimeout(this.key);
    worker.clientDone(timedout);
  }

  protected override _onDrop(): void {
    (this.worker as TcpProbeWorker).clientDone(false);
  }
}

/** Probes a TCP port on each node; each node prints one line and exits 0, 1 or 2. */
export class TcpProbeWorker extends DistantWorker {
  readonly #clients: TcpProbeClient[];
  #done = 0;
  #timedout = false;

  constructor(options: TcpProbeOptions) {
    super(options.nodes ?? [], options.handler);
    const port = options.port ?? Number(options.command);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError(`not a TCP port: ${options.port ?? options.command}`);
    }
    this.#clients = this.nodes.map((node) => new TcpProbeClient(this, node, port, options));
  }

  get clients(): readonly EngineClient[] {
    return this.#clients;
  }

  clientDone(timedout: boolean): void {
    this.#done += 1;
    if (timedout) this.#timedout = true;
    if (this.#done === this.#clients.length && this.started) this.emitClose(this.#timedout);
  }
}
