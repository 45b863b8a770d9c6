/**
 * Byte-level I/O of the CLI, as Python does it under a UTF-8 locale: stdin is decoded with
 * `surrogateescape` (an undecodable byte 0xNN becomes the lone surrogate U+DCNN), stdout encodes
 * those back to the original bytes, and stderr shows them as `\udcNN` (`backslashreplace`).
 *
 * @module
 */

import { CliOutputError } from '../errors.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes UTF-8 as Python's `surrogateescape` handler does.
 *
 * @param bytes - the raw bytes
 * @returns the text, with each undecodable byte 0xNN as U+DCNN
 */
export function decodeSurrogateEscape(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    // fall through to the byte-by-byte decoder
  }
  let out = '';
  let i = 0;
  const n = bytes.length;
  const byte = (k: number): number => bytes[k] ?? -1;
  const cont = (k: number): boolean => (byte(k) & 0xc0) === 0x80 && byte(k) >= 0;
  while (i < n) {
    const b = byte(i);
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    let cp = -1;
    let len = 0;
    if (b >= 0xc2 && b <= 0xdf && cont(i + 1)) {
      cp = ((b & 0x1f) << 6) | (byte(i + 1) & 0x3f);
      len = 2;
    } else if (b >= 0xe0 && b <= 0xef && cont(i + 1) && cont(i + 2)) {
      cp = ((b & 0x0f) << 12) | ((byte(i + 1) & 0x3f) << 6) | (byte(i + 2) & 0x3f);
      len = 3;
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) cp = -1;
    } else if (b >= 0xf0 && b <= 0xf4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      cp =
        ((b & 0x07) << 18) |
        ((byte(i + 1) & 0x3f) << 12) |
        ((byte(i + 2) & 0x3f) << 6) |
        (byte(i + 3) & 0x3f);
      len = 4;
      if (cp < 0x10000 || cp > 0x10ffff) cp = -1;
    }
    if (cp < 0) {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    } else {
      out += String.fromCodePoint(cp);
      i += len;
    }
  }
  return out;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Encodes text for stdout as Python's `surrogateescape` does.
 *
 * @param text - the text
 * @returns the bytes
 */
export function encodeSurrogateEscape(text: string): Buffer {
  if (!LONE_SURROGATE.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const isHigh = c >= 0xd800 && c <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      run += text.slice(i, i + 2);
      i++;
    } else if (c >= 0xdc80 && c <= 0xdcff) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.from([c - 0xdc00]));
      run = '';
    } else {
      run += text.charAt(i);
    }
  }
  parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/**
 * Encodes text for stderr as Python's `backslashreplace` does (lone surrogates as `\udcNN`).
 *
 * @param text - the text
 * @returns the bytes
 */
export function encodeBackslashReplace(text: string): Buffer {
  if (!LONE_SURROGATE.test(text)) return Buffer.from(text, 'utf8');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += text.slice(i, i + 2);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else {
      out += text.charAt(i);
    }
  }
  return Buffer.from(out, 'utf8');
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EIO';
}

/**
 * Writes `data` and waits until the stream has taken it.
 *
 * @param stream - the destination
 * @param data - the bytes
 * @throws {CliOutputError} when the write fails (EPIPE, ENOSPC, ...)
 */
export function writeFully(stream: NodeJS.WritableStream, data: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const onError = (err: unknown): void => {
      if (settled) return;
      settled = true;
      reject(new CliOutputError(errorCode(err), { cause: err }));
    };
    stream.once('error', onError);
    try {
      stream.write(data, (err?: Error | null) => {
        // A failed write is followed by an 'error' event: leave our listener to take it, so
        // that it is not reported as an uncaught exception.
        if (!err) stream.removeListener('error', onError);
        if (settled) return;
        settled = true;
        if (err) reject(new CliOutputError(errorCode(err), { cause: err }));
        else resolve();
      });
    } catch (err) {
      stream.removeListener('error', onError);
      onError(err);
    }
  });
}

/** Size at which buffered stdout text is written out (as Python flushes its buffer). */
const FLUSH_THRESHOLD = 1 << 16;

/** The CLI's stdout: text is buffered, then written out in large blocks. */
export class BufferedOutput {
  readonly #stream: NodeJS.WritableStream;
  #chunks: string[] = [];
  #size = 0;

  /**
   * @param stream - the destination
   */
  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }

  /**
   * Buffers `text`, writing the buffer out when it is large.
   *
   * @param text - the text to print
   * @throws {CliOutputError} when a write fails
   */
  async write(text: string): Promise<void> {
    this.#chunks.push(text);
    this.#size += text.length;
    if (this.#size >= FLUSH_THRESHOLD) await this.flush();
  }

  /**
   * Writes out everything buffered.
   *
   * @throws {CliOutputError} when the write fails
   */
  async flush(): Promise<void> {
    if (this.#chunks.length === 0) return;
    const text = this.#chunks.join('');
    this.#chunks = [];
    this.#size = 0;
    await writeFully(this.#stream, encodeSurrogateEscape(text));
  }
}

/** Splits text into lines, each ending with its `\n` (the last one may have none). */
function splitLinesKeepEnds(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    out.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/**
 * The CLI's stdin, read as Python's `for line in sys.stdin` does on POSIX: lines end at `\n`
 * only (`\r` is kept), decoded with `surrogateescape`. Stdin is read once; later reads see end
 * of file.
 */
export class StdinReader {
  readonly #stream: NodeJS.ReadableStream;
  #consumed = false;

  /**
   * @param stream - the source
   */
  constructor(stream: NodeJS.ReadableStream) {
    this.#stream = stream;
  }

  /**
   * Reads what is left of stdin, line by line.
   *
   * @returns the lines, each with its `\n` except maybe the last one
   */
  async *lines(): AsyncGenerator<string> {
    if (this.#consumed) return;
    this.#consumed = true;
    let pending: Buffer[] = [];
    for await (const chunk of this.#stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      const cut = buf.lastIndexOf(0x0a) + 1;
      if (cut === 0) {
        pending.push(buf);
        continue;
      }
      pending.push(buf.subarray(0, cut));
      const text = decodeSurrogateEscape(Buffer.concat(pending));
      pending = cut < buf.length ? [buf.subarray(cut)] : [];
      yield* splitLinesKeepEnds(text);
    }
    if (pending.length > 0)
      yield* splitLinesKeepEnds(decodeSurrogateEscape(Buffer.concat(pending)));
  }
}
