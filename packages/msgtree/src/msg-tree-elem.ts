import { Buffer } from 'node:buffer';
import { toBytes } from './internal/lines.js';
import type { LineInput } from './msg-tree.js';

/**
 * One element of a {@link MsgTree}: a line, and through its parents the whole message that ends
 * with it. Keys whose outputs are identical point to the very same element, so an element stands
 * for the shared output of all of them.
 *
 * Elements are made by the tree only; you get them from `get()`, `walk()`, `messages()` and
 * `items()`. Lines are bytes: `message()`, `lines()`, `at()`, `line` and iteration return new
 * `Buffer`s (safe to modify). Unlike ClusterShell under Python 3, where `str(elem)` raises a
 * `TypeError`, `toString()` is allowed here and decodes the message as UTF-8 (invalid sequences
 * become U+FFFD).
 *
 * @category MsgTree
 * @example
 * ```ts
 * const tree = new MsgTree();
 * tree.add('n1', 'hello');
 * tree.add('n1', 'world');
 * const elem = tree.get('n1')!;
 * elem.message();          // <Buffer 68 65 6c 6c 6f 0a 77 6f 72 6c 64> ("hello\nworld")
 * elem.depth;              // 2
 * elem.at(-1)?.toString(); // 'world'
 * ```
 */
export class MsgTreeElem implements Iterable<Buffer> {
  /**
   * The element of the previous line, or `undefined` for a first line.
   *
   * @example
   * ```ts
   * tree.get('n1')?.parent?.toString(); // all lines but the last
   * ```
   */
  readonly parent: MsgTreeElem | undefined;
  /**
   * Number of lines of the message (1 for a first line).
   *
   * @example
   * ```ts
   * tree.get('n1')?.depth; // 2 after two add('n1', …)
   * ```
   */
  readonly depth: number;
  /** Byte length of the whole message up to this element. */
  private readonly size: number;
  /** The element of the line above, including the (hidden) root. */
  private readonly up: MsgTreeElem | undefined;
  /** The store chunk that holds this line's bytes. */
  private readonly chunk: Buffer;
  /** Offset of the line in {@link chunk}. */
  private readonly offset: number;
  /** Byte length of the line. */
  private readonly length: number;
  /**
   * Next lines: none, one child inline, or a Map keyed by the binary string of each line
   * (insertion ordered). Only the tree reads it, through `internal/elem-state.ts`.
   */
  declare private kids: MsgTreeElem | Map<string, MsgTreeElem> | undefined;
  /**
   * Keys attached to this element (SHIFT: keys ending here; TRACE: keys that passed here). Only
   * the tree reads it, through `internal/elem-state.ts`.
   */
  declare private keys: Set<unknown> | undefined;

  /**
   * Elements are created by their tree only.
   *
   * @param up - the element of the previous line (the root for a first line), none for the root
   * @param chunk - the store chunk that holds the line
   * @param offset - where the line starts in `chunk`
   * @param length - the byte length of the line
   */
  private constructor(up: MsgTreeElem | undefined, chunk: Buffer, offset: number, length: number) {
    this.up = up;
    this.chunk = chunk;
    this.offset = offset;
    this.length = length;
    this.kids = undefined;
    this.keys = undefined;
    if (up === undefined) {
      this.parent = undefined;
      this.depth = 0;
      this.size = 0;
    } else if (up.depth === 0) {
      this.parent = undefined;
      this.depth = 1;
      this.size = length;
    } else {
      this.parent = up;
      this.depth = up.depth + 1;
      this.size = up.size + 1 + length;
    }
  }

  /**
   * Byte length of the whole message (lines joined with `\n`), like `len(elem)` in ClusterShell.
   *
   * @example
   * ```ts
   * tree.add('n1', 'ab'); tree.add('n1', 'c');
   * tree.get('n1')?.byteLength; // 4 ("ab\nc")
   * ```
   */
  get byteLength(): number {
    return this.size;
  }

  /**
   * The last line of the message (ClusterShell's `msgline`), as a new Buffer.
   *
   * @example
   * ```ts
   * tree.add('n1', 'a'); tree.add('n1', 'b');
   * tree.get('n1')?.line.toString(); // 'b'
   * ```
   */
  get line(): Buffer {
    return this.copyLine();
  }

  /**
   * Number of distinct lines that follow this one in the tree (over all keys).
   *
   * @example
   * ```ts
   * tree.add('n1', 'a'); tree.add('n1', 'b'); tree.add('n2', 'a'); tree.add('n2', 'c');
   * tree.get('n1')?.parent?.childCount; // 2
   * ```
   */
  get childCount(): number {
    const kids = this.kids;
    if (kids === undefined) return 0;
    return kids instanceof Map ? kids.size : 1;
  }

  /**
   * The whole message: the lines from the first to this one, joined with `\n` (no trailing `\n`).
   *
   * @returns a new Buffer
   * @example
   * ```ts
   * tree.add('n1', 'a'); tree.add('n1', 'b');
   * tree.get('n1')?.message().toString(); // 'a\nb'
   * ```
   */
  message(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    let end = this.size;
    for (let e: MsgTreeElem = this; e.depth > 0; e = e.up as MsgTreeElem) {
      const start = end - e.length;
      e.chunk.copy(out, start, e.offset, e.offset + e.length);
      if (start > 0) out[start - 1] = 0x0a;
      end = start - 1;
    }
    return out;
  }

  /**
   * The lines of the message, first to last.
   *
   * @returns new Buffers, one a line, without `\n`
   * @example
   * ```ts
   * tree.add('n1', 'a'); tree.add('n1', 'b');
   * tree.get('n1')?.lines().map(String); // ['a', 'b']
   * ```
   */
  lines(): Buffer[] {
    const out = new Array<Buffer>(this.depth);
    for (let e: MsgTreeElem = this; e.depth > 0; e = e.up as MsgTreeElem) {
      out[e.depth - 1] = e.copyLine();
    }
    return out;
  }

  /**
   * Iterates over the lines of the message, first to last (same as {@link MsgTreeElem.lines}).
   *
   * @returns an iterator of Buffers
   * @example
   * ```ts
   * for (const line of tree.get('n1')!) console.log(line.toString());
   * ```
   */
  [Symbol.iterator](): Iterator<Buffer> {
    return this.lines()[Symbol.iterator]();
  }

  /**
   * One line of the message by index; a negative index counts from the last line, like
   * `Array.prototype.at` (ClusterShell's `elem[i]`, which raises `IndexError` where this returns
   * `undefined`).
   *
   * @param index - 0 for the first line, -1 for the last
   * @returns the line as a new Buffer, or `undefined` when the index is out of range
   * @example
   * ```ts
   * tree.add('n1', 'a'); tree.add('n1', 'b');
   * tree.get('n1')?.at(0)?.toString();  // 'a'
   * tree.get('n1')?.at(-1)?.toString(); // 'b'
   * tree.get('n1')?.at(2);              // undefined
   * ```
   */
  at(index: number): Buffer | undefined {
    const n = Math.trunc(index) || 0; // NaN counts as 0, like Array.prototype.at
    const i = n < 0 ? this.depth + n : n;
    if (!(i >= 0 && i < this.depth)) return undefined;
    let e: MsgTreeElem = this;
    while (e.depth > i + 1) e = e.up as MsgTreeElem;
    return e.copyLine();
  }

  /**
   * Compares whole messages byte by byte (ClusterShell's `==`). Two different elements can hold
   * equal messages when lines contain `\n`.
   *
   * @param other - an element, bytes, or a string (compared as its UTF-8 encoding)
   * @returns true when the bytes are the same
   * @throws {MsgTreeArgumentError} when `other` is none of those
   * @example
   * ```ts
   * tree.get('n1')?.equals(tree.get('n2')!); // true when n1 and n2 printed the same
   * tree.get('n1')?.equals('a\nb');          // true when n1 printed the lines a and b
   * ```
   */
  equals(other: MsgTreeElem | LineInput): boolean {
    if (other === this) return true;
    const bytes = other instanceof MsgTreeElem ? undefined : toBytes(other);
    const size = bytes === undefined ? (other as MsgTreeElem).size : bytes.length;
    if (size !== this.size) return false;
    return this.message().equals(bytes ?? (other as MsgTreeElem).message());
  }

  /**
   * Decodes the message as UTF-8 (invalid byte sequences become U+FFFD). ClusterShell refuses
   * `str(elem)` under Python 3; we allow it because JavaScript code usually wants text.
   *
   * @returns the message as a string
   * @example
   * ```ts
   * tree.add('n1', 'héllo');
   * `${tree.get('n1')}`; // 'héllo'
   * ```
   */
  toString(): string {
    return this.message().toString('utf8');
  }

  /**
   * What `console.log` and `util.inspect` show: the depth, the size and the start of the message,
   * instead of the internal fields.
   *
   * @returns a short description
   * @example
   * ```ts
   * tree.add('n1', 'hello');
   * util.inspect(tree.get('n1')); // 'MsgTreeElem<1 line, 5 bytes> "hello"'
   * ```
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const text = this.message().subarray(0, 80).toString('utf8');
    const more = this.size > 80 ? '…' : '';
    const lines = this.depth === 1 ? '1 line' : `${this.depth} lines`;
    return `MsgTreeElem<${lines}, ${this.size} bytes> ${JSON.stringify(text)}${more}`;
  }

  /** A copy of this element's own line. */
  private copyLine(): Buffer {
    return Buffer.from(this.chunk.subarray(this.offset, this.offset + this.length));
  }
}
