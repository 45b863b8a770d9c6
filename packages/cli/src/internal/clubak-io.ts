/**
 * Byte-level streams of clubak, which (unlike nodeset) reads and writes bytes, not text:
 * ClusterShell's clubak iterates over `sys.stdin.buffer` and writes to `sys.stdout.buffer`, so
 * any byte sequence, valid UTF-8 or not, passes through unchanged.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { writeFully } from './io.js';

/**
 * The lines of a byte stream, split after each `\n` as Python's binary line iterator does
 * (the `\n` is kept; the last line may have none).
 *
 * @param stream - the source
 * @returns the lines, as Buffers
 */
export async function* readByteLines(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  let pending: Buffer | undefined;
  for await (const chunk of stream) {
    let buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    if (pending !== undefined) {
      buf = Buffer.concat([pending, buf]);
      pending = undefined;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      yield buf.subarray(start, nl + 1);
      start = nl + 1;
    }
    if (start < buf.length) pending = buf.subarray(start);
  }
  if (pending !== undefined && pending.length > 0) yield pending;
}

/** Size at which buffered output is written out in one block. */
const FLUSH_THRESHOLD = 1 << 16;

/** A buffered byte output (clubak's `sys.stdout.buffer`). */
export class ByteOutput {
  readonly #stream: NodeJS.WritableStream;
  #chunks: Buffer[] = [];
  #size = 0;

  /**
   * @param stream - the destination
   */
  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }

  /**
   * Buffers bytes (or text, as UTF-8), writing the buffer out when it is large.
   *
   * @param data - what to write
   * @throws {CliOutputError} when a write fails
   */
  write(...data: readonly (Uint8Array | string)[]): Promise<void> {
    return this.writeAll(data);
  }

  /**
   * Buffers a list of pieces (bytes, or text as UTF-8), writing the buffer out when it is large.
   *
   * @param data - what to write, in order
   * @throws {CliOutputError} when a write fails
   */
  async writeAll(data: readonly (Uint8Array | string)[]): Promise<void> {
    for (const d of data) {
      const b = typeof d === 'string' ? Buffer.from(d, 'utf8') : d;
      this.#chunks.push(b as Buffer);
      this.#size += b.length;
    }
    if (this.#size >= FLUSH_THRESHOLD) await this.flush();
  }

  /**
   * Writes out everything buffered.
   *
   * @throws {CliOutputError} when the write fails
   */
  async flush(): Promise<void> {
    if (this.#chunks.length === 0) return;
    const data = Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [];
    this.#size = 0;
    await writeFully(this.#stream, data);
  }
}
