/**
 * Line bytes: input normalization, the per-tree byte store, and comparisons.
 *
 * Every distinct line is copied once into a chunk of a {@link LineStore} (a few large Buffers per
 * tree), and an element refers to it by (chunk, offset, length). So the tree never keeps the
 * caller's buffers alive, stores each distinct line exactly once, and compares incoming bytes to
 * stored ones without decoding them. A string line is UTF-8 encoded into a scratch buffer first.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { MsgTreeArgumentError } from '../errors.js';
import type { LineInput } from '../msg-tree.js';

/** Scratch space where string lines are encoded, so that adding text allocates nothing. */
const SCRATCH: Buffer = Buffer.allocUnsafeSlow(16 * 1024);
const encoder = new TextEncoder();

/**
 * The bytes of the line being added: `bytes[0, length)`. Filled by {@link LineStore.load} and
 * valid until the next load (it may point into the shared scratch buffer).
 */
export interface LoadedLine {
  readonly bytes: Uint8Array;
  readonly length: number;
}

/**
 * Returns the bytes of a line: itself, or the UTF-8 encoding of a string (a new Buffer).
 *
 * @param line - the line as bytes or text
 * @returns the bytes (not a copy when `line` is already bytes)
 * @throws {MsgTreeArgumentError} when `line` is neither a `Uint8Array` nor a string
 */
export function toBytes(line: LineInput): Uint8Array {
  if (line instanceof Uint8Array) return line;
  if (typeof line === 'string') return Buffer.from(line, 'utf8');
  throw invalidLine(line);
}

function invalidLine(line: unknown): MsgTreeArgumentError {
  return new MsgTreeArgumentError('line', line, 'a Uint8Array or a string');
}

/**
 * Returns the "binary string" of bytes (one UTF-16 code unit per byte, Node's `latin1`): a
 * one-to-one image of the bytes that can key a `Map`.
 *
 * @param bytes - the bytes
 * @param length - how many of them (from the start)
 * @returns one character per byte
 */
export function binaryOf(bytes: Uint8Array, length: number): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, length);
  return buf.toString('latin1', 0, length);
}

/** Longest line compared byte by byte in JavaScript; longer ones use Buffer#compare. */
const SHORT_LINE = 64;

/**
 * Tells whether `bytes[0, length)` equal the `length` bytes of `chunk` at `offset`.
 *
 * @param chunk - a chunk of a store
 * @param offset - where the stored line starts
 * @param stored - the stored line's length
 * @param bytes - the bytes to compare
 * @param length - how many of them
 * @returns true when they are equal
 */
export function sameBytes(
  chunk: Buffer,
  offset: number,
  stored: number,
  bytes: Uint8Array,
  length: number,
): boolean {
  if (stored !== length) return false;
  if (length > SHORT_LINE) {
    return chunk.compare(bytes, 0, length, offset, offset + length) === 0;
  }
  for (let i = 0; i < length; i++) {
    if (chunk[offset + i] !== bytes[i]) return false;
  }
  return true;
}

/** Size of the first chunk of a store; each new chunk doubles, up to {@link MAX_CHUNK}. */
const FIRST_CHUNK = 1024;
const MAX_CHUNK = 256 * 1024;

/**
 * An append-only store of line bytes, in chunks. A line that does not fit in the room left gets
 * a new chunk (lines longer than a chunk get one of their own). It also holds the line being
 * added ({@link LoadedLine}).
 */
export class LineStore implements LoadedLine {
  /** The chunk being filled. */
  chunk: Buffer = EMPTY;
  bytes: Uint8Array = EMPTY;
  length = 0;
  /** Bytes of lines copied into the store so far. */
  storedBytes = 0;
  /** Bytes of all the chunks allocated so far. */
  allocatedBytes = 0;
  #used = 0;
  #nextSize = FIRST_CHUNK;

  /**
   * Loads a line to add into {@link LineStore.bytes} and {@link LineStore.length}, without
   * copying bytes and without allocating for a string of up to 5,461 UTF-16 units.
   *
   * @param line - the line
   * @throws {MsgTreeArgumentError} when `line` is neither a `Uint8Array` nor a string
   */
  load(line: LineInput): void {
    if (line instanceof Uint8Array) {
      this.bytes = line;
      this.length = line.length;
    } else if (typeof line === 'string') {
      // at most 3 bytes per UTF-16 unit (a surrogate pair is 2 units for 4 bytes)
      if (line.length * 3 <= SCRATCH.length) {
        this.bytes = SCRATCH;
        this.length = encoder.encodeInto(line, SCRATCH).written;
      } else {
        this.bytes = Buffer.from(line, 'utf8');
        this.length = this.bytes.length;
      }
    } else {
      throw invalidLine(line);
    }
  }

  /** Forgets the loaded line, so that the store does not keep the caller's buffer alive. */
  unload(): void {
    this.bytes = EMPTY;
    this.length = 0;
  }

  /**
   * Copies the loaded line into the store.
   *
   * @returns the offset of the copy in {@link LineStore.chunk} (read it right after)
   */
  append(): number {
    const n = this.length;
    if (n === 0) return 0;
    if (this.#used + n > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(Math.max(this.#nextSize, n));
      this.allocatedBytes += this.chunk.length;
      this.#used = 0;
      if (this.#nextSize < MAX_CHUNK) this.#nextSize *= 2;
    }
    const offset = this.#used;
    const bytes = this.bytes;
    if (Buffer.isBuffer(bytes)) bytes.copy(this.chunk, offset, 0, n);
    else this.chunk.set(bytes, offset);
    this.#used = offset + n;
    this.storedBytes += n;
    return offset;
  }
}

/** The chunk of the root, and the initial one of a store. */
export const EMPTY: Buffer = Buffer.alloc(0);
