/**
 * Splits a byte stream into lines: LF ends a line, a CR just before the LF is dropped too
 * (CRLF), and whatever follows the last LF waits for the next chunk or for {@link
 * LineSplitter.flush} at the end of the stream.
 *
 * ClusterShell splits with `bytes.splitlines()`, which also breaks on a lone CR, and then loses
 * the text before that CR (`printf 'a\rb\n'` yields `b`); we keep it (`a\rb`), as a line-based
 * reader of a terminal would.
 *
 * @module
 */
import { Buffer } from 'node:buffer';

const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/** Receives each complete line; returns false to stop the current chunk (client closed). */
export type LineSink = (line: Buffer) => boolean;

/** Per-stream line splitter with a carried-over partial line. */
export class LineSplitter {
  #rest: Buffer = EMPTY;

  /** True when a partial line (no LF yet) is waiting. */
  get pending(): boolean {
    return this.#rest.length > 0;
  }

  /**
   * Feeds a chunk; calls `sink` for each complete line, in order.
   *
   * @param chunk - bytes read from the stream
   * @param sink - receives lines without their EOL; returning false stops the delivery
   */
  push(chunk: Buffer, sink: LineSink): void {
    let start = 0;
    let nl = chunk.indexOf(LF);
    if (nl < 0) {
      this.#rest = this.#rest.length === 0 ? chunk : Buffer.concat([this.#rest, chunk]);
      return;
    }
    if (this.#rest.length > 0) {
      const head = Buffer.concat([this.#rest, chunk.subarray(0, nl)]);
      this.#rest = EMPTY;
      if (!sink(trimCR(head, head.length))) return;
      start = nl + 1;
      nl = chunk.indexOf(LF, start);
    }
    while (nl >= 0) {
      const end = nl > start && chunk[nl - 1] === CR ? nl - 1 : nl;
      if (!sink(chunk.subarray(start, end))) return;
      start = nl + 1;
      nl = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) {
      // Copy the tail so the (possibly large) chunk can be collected.
      this.#rest = Buffer.from(chunk.subarray(start));
    }
  }

  /**
   * Takes the partial line left at the end of the stream, if any.
   *
   * @returns the last line without EOL, or undefined when the stream ended with an LF
   */
  flush(): Buffer | undefined {
    if (this.#rest.length === 0) return undefined;
    const rest = this.#rest;
    this.#rest = EMPTY;
    return rest;
  }

  /** Drops any partial line. */
  reset(): void {
    this.#rest = EMPTY;
  }
}

function trimCR(buf: Buffer, end: number): Buffer {
  return end > 0 && buf[end - 1] === CR ? buf.subarray(0, end - 1) : buf.subarray(0, end);
}
