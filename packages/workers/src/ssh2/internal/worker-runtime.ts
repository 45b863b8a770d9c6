/**
 * The part of the `ssh2` worker that loads the `ssh2` library: loaded by dynamic import when
 * the first `Ssh2Worker` client starts, never by the exec path.
 *
 * One {@link SshPool} per engine (so per task) and per set of ssh options: every command and copy
 * of the task reuses the node's connection. While no ssh2 client of the task runs, the pool's
 * sockets are unreferenced (they never keep the process alive) and the pool is closed after the
 * `ssh2_persist` delay, or at once with {@link closePools}.
 *
 * @module
 */
import type { SshExecution } from '../connection.js';
import { SshPool } from '../pool.js';
import { type SftpProgress, type SftpTransferResult, sftpPull, sftpPush } from '../sftp.js';

/** Bytes per SFTP write when pushing (OpenSSH's max-write-length). */
const PUSH_CHUNK = 261_120;
/** SFTP writes in flight per file when pushing (4 MiB). */
const PUSH_CONCURRENCY = 16;

/** What selects and configures a pool. */
export interface PoolSettings {
  /** The ssh option words (`ssh_options` and the hardwired ones). */
  readonly words: readonly string[];
  /** Seconds an idle pool stays open; 0 closes it as soon as it is idle. */
  readonly persist: number;
  /** Channels at once per connection. */
  readonly maxSessions: number | undefined;
}

/** A client's use of a pool: released once, when the client is done with it. */
export interface PoolLease {
  /** The pool. */
  readonly pool: SshPool;
  /** Gives the lease back (idempotent). */
  release(): void;
}

class SharedPool {
  readonly pool: SshPool;
  readonly #persist: number;
  readonly #forget: () => void;
  #users = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closing: Promise<void> | undefined;

  constructor(settings: PoolSettings, forget: () => void) {
    this.pool = new SshPool({
      sshOptions: settings.words,
      ...(settings.maxSessions === undefined ? {} : { maxSessions: settings.maxSessions }),
    });
    this.#persist = settings.persist;
    this.#forget = forget;
  }

  get closing(): boolean {
    return this.#closing !== undefined;
  }

  lease(): PoolLease {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#users === 0) this.pool.setRef(true);
    this.#users += 1;
    let released = false;
    return {
      pool: this.pool,
      release: () => {
        if (released) return;
        released = true;
        this.#users -= 1;
        if (this.#users === 0) this.#idle();
      },
    };
  }

  #idle(): void {
    this.pool.setRef(false);
    if (this.#persist <= 0) {
      void this.close();
      return;
    }
    this.#timer = setTimeout(() => void this.close(), this.#persist * 1000);
    this.#timer.unref();
  }

  close(): Promise<void> {
    if (this.#closing === undefined) {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#forget();
      // closing waits for each socket's close: keep the process alive until then
      this.pool.setRef(true);
      this.#closing = this.pool.close();
    }
    return this.#closing;
  }
}

const pools = new WeakMap<object, Map<string, SharedPool>>();

/**
 * Leases the pool of an engine for these settings (created on first use).
 *
 * @param owner - the engine (one pool family per task)
 * @param settings - ssh option words, persistence, session limit
 * @returns the lease
 */
export function leasePool(owner: object, settings: PoolSettings): PoolLease {
  let byKey = pools.get(owner);
  if (byKey === undefined) {
    byKey = new Map();
    pools.set(owner, byKey);
  }
  const key = JSON.stringify([settings.words, settings.maxSessions ?? null]);
  let shared = byKey.get(key);
  if (shared === undefined || shared.closing) {
    const map = byKey;
    const created: SharedPool = new SharedPool(settings, () => {
      if (map.get(key) === created) map.delete(key);
    });
    shared = created;
    byKey.set(key, shared);
  }
  return shared.lease();
}

/**
 * Closes every pool of an engine (their connections and sockets).
 *
 * @param owner - the engine
 * @returns once every socket is closed
 */
export async function closePools(owner: object): Promise<void> {
  const byKey = pools.get(owner);
  if (byKey === undefined) return;
  pools.delete(owner);
  await Promise.all([...byKey.values()].map((p) => p.close()));
}

/**
 * Starts a command on a node.
 *
 * @param lease - the pool lease
 * @param node - node name
 * @param command - the command line
 * @param signal - aborts the connection wait or the command
 * @returns the running command
 * @throws {SshError} connection and channel errors
 */
export function execOn(
  lease: PoolLease,
  node: string,
  command: string,
  signal: AbortSignal,
): Promise<SshExecution> {
  return lease.pool.exec(node, command, { signal });
}

/**
 * Kills a remote process group through the node's connection (`kill -9 -<pid>`); never rejects.
 *
 * @param lease - the pool lease
 * @param node - node name
 * @param command - the kill command
 * @param timeoutMs - give up after this long
 * @returns once done or given up
 */
export async function runQuietly(
  lease: PoolLease,
  node: string,
  command: string,
  timeoutMs: number,
): Promise<void> {
  try {
    await lease.pool.run(node, command, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    // the node is gone or the connection broke: nothing more to kill through it
  }
}

/** A copy to or from a node. */
export interface CopySpec {
  readonly node: string;
  readonly source: string;
  /** Remote destination (push), or the local target path (pull). */
  readonly target: string;
  readonly reverse: boolean;
  readonly preserve: boolean;
  readonly signal: AbortSignal;
  readonly onProgress: (progress: SftpProgress) => void;
}

/**
 * Copies over SFTP: push a local file or tree, or pull a remote one (scp's semantics).
 *
 * @param lease - the pool lease
 * @param spec - node, paths, flags, abort signal, progress callback
 * @returns what was copied
 * @throws {SshError} connection, channel and file errors
 */
export async function copyOn(lease: PoolLease, spec: CopySpec): Promise<SftpTransferResult> {
  const conn = await lease.pool.connect(spec.node, { signal: spec.signal });
  const options = { preserve: spec.preserve, signal: spec.signal, onProgress: spec.onProgress };
  return spec.reverse
    ? sftpPull(conn, spec.source, spec.target, options)
    : sftpPush(conn, spec.source, spec.target, {
        ...options,
        // OpenSSH accepts writes of up to 255 KiB (limits@openssh.com); fewer, larger requests
        // cost less CPU on both sides. Other servers get them split by ssh2.
        chunkSize: PUSH_CHUNK,
        concurrency: PUSH_CONCURRENCY,
      });
}
