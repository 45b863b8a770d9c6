/**
 * Pushing one local file over SFTP, pipelined, with the reads shared between the transfers of
 * the same file that run at the same time (a copy to many nodes reads each chunk from the disk
 * once, not once per node). Chunks are kept only until every transfer that was running when the
 * chunk was read has taken it, and never beyond a byte budget: memory stays bounded whatever the
 * file size; a transfer that falls behind reads again from the disk.
 */
import { type FileHandle, open, stat } from 'node:fs/promises';
import type { SFTPWrapper } from 'ssh2';

/** Bytes of chunks kept at most per shared source. */
const CACHE_BUDGET = 32 * 1024 * 1024;

interface Chunk {
  readonly data: Promise<Buffer>;
  /** Transfers that still have to take it. */
  pending: number;
  readonly size: number;
}

/** One local file opened once for every concurrent transfer of it. */
class SharedSource {
  readonly key: string;
  readonly size: number;
  readonly chunkSize: number;
  readonly #handle: FileHandle;
  readonly #forget: () => void;
  readonly #chunks = new Map<number, Chunk>();
  #readers = 0;
  #cached = 0;

  constructor(
    key: string,
    handle: FileHandle,
    size: number,
    chunkSize: number,
    forget: () => void,
  ) {
    this.key = key;
    this.#handle = handle;
    this.size = size;
    this.chunkSize = chunkSize;
    this.#forget = forget;
  }

  get readers(): number {
    return this.#readers;
  }

  join(): void {
    this.#readers += 1;
  }

  async leave(): Promise<void> {
    this.#readers -= 1;
    if (this.#readers > 0) return;
    this.#forget();
    this.#chunks.clear();
    await this.#handle.close().catch(() => {});
  }

  /** The bytes of chunk `index` (read once while others want it too). */
  get(index: number): Promise<Buffer> {
    const known = this.#chunks.get(index);
    if (known !== undefined) {
      known.pending -= 1;
      if (known.pending <= 0) this.#drop(index, known);
      return known.data;
    }
    const offset = index * this.chunkSize;
    const size = Math.min(this.chunkSize, this.size - offset);
    const data = this.#read(offset, size);
    // keep it for the other transfers running now, within the budget
    if (this.#readers > 1 && this.#cached + size <= CACHE_BUDGET) {
      this.#chunks.set(index, { data, pending: this.#readers - 1, size });
      this.#cached += size;
      data.catch(() => {
        const c = this.#chunks.get(index);
        if (c !== undefined) this.#drop(index, c);
      });
    }
    return data;
  }

  #drop(index: number, chunk: Chunk): void {
    if (this.#chunks.get(index) !== chunk) return;
    this.#chunks.delete(index);
    this.#cached -= chunk.size;
  }

  async #read(offset: number, size: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await this.#handle.read(buf, done, size - done, offset + done);
      if (bytesRead === 0) throw new Error(`unexpected end of file at ${offset + done}`);
      done += bytesRead;
    }
    return buf;
  }
}

const sources = new Map<string, Promise<SharedSource>>();

async function acquire(path: string, chunkSize: number): Promise<SharedSource> {
  const st = await stat(path);
  const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${chunkSize}`;
  let pending = sources.get(key);
  if (pending === undefined) {
    pending = open(path, 'r').then(
      (handle) => new SharedSource(key, handle, st.size, chunkSize, () => sources.delete(key)),
    );
    sources.set(key, pending);
    pending.catch(() => sources.delete(key));
  }
  const source = await pending;
  source.join();
  return source;
}

function call<T>(fn: (cb: (err: Error | undefined | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, value) => {
      if (err !== undefined && err !== null) reject(err);
      else resolve(value as T);
    });
  });
}

/** Options of {@link putFile}. */
export interface PutFileOptions {
  /** Mode of the remote file (as scp: always set). */
  readonly mode: number;
  /** Bytes per SFTP write. */
  readonly chunkSize: number;
  /** Writes in flight. */
  readonly concurrency: number;
  /** Called with the bytes acknowledged so far. */
  readonly step: (bytesDone: number) => void;
  /** Stops the transfer. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Writes a local file to a remote path: open (truncate), set the mode, pipelined writes, close.
 * A local error carries the `fs` error code (`ENOENT`…), a remote one the SFTP status code.
 *
 * @param sftp - the SFTP channel
 * @param localPath - the file to read
 * @param remotePath - the file to write
 * @param options - mode, chunk size, concurrency, progress
 * @returns once the remote file is closed
 */
export async function putFile(
  sftp: SFTPWrapper,
  localPath: string,
  remotePath: string,
  options: PutFileOptions,
): Promise<void> {
  const source = await acquire(localPath, options.chunkSize);
  let handle: Buffer | undefined;
  try {
    handle = await call<Buffer>((cb) => sftp.open(remotePath, 'w', cb));
    const h = handle;
    await call<void>((cb) => sftp.fchmod(h, options.mode, cb)).catch(() =>
      call<void>((cb) => sftp.chmod(remotePath, options.mode, cb)),
    );
    const total = Math.ceil(source.size / options.chunkSize);
    let next = 0;
    let done = 0;
    await new Promise<void>((resolve, reject) => {
      let inflight = 0;
      let settled = false;
      const onClose = (): void => finish(new Error('SFTP channel closed'));
      const onAbort = (): void => finish(options.signal?.reason ?? new Error('aborted'));
      const finish = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        sftp.removeListener('close', onClose);
        options.signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const pump = (): void => {
        if (settled) return;
        if (next >= total && inflight === 0) {
          finish();
          return;
        }
        while (inflight < options.concurrency && next < total) {
          const index = next++;
          inflight += 1;
          source.get(index).then((buf) => {
            if (settled) return;
            try {
              sftp.write(h, buf, 0, buf.length, index * options.chunkSize, (err) => {
                inflight -= 1;
                if (err !== undefined && err !== null) {
                  finish(err);
                  return;
                }
                done += buf.length;
                options.step(done);
                pump();
              });
            } catch (e) {
              // the channel is closed (aborted, or the connection is gone)
              finish(e);
            }
          }, finish);
        }
      };
      sftp.once('close', onClose);
      if (options.signal?.aborted === true) finish(options.signal.reason);
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      pump();
    });
    handle = undefined;
    // a failing close (a full disk reported late) fails the copy
    await call<void>((cb) => sftp.close(h, cb));
  } finally {
    const h = handle;
    await source.leave();
    if (h !== undefined) await call<void>((cb) => sftp.close(h, cb)).catch(() => {});
  }
}
