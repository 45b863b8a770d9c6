/**
 * UTF-8 decoding as CPython does it, for clubak: the `strict` decoder's error message (clubak
 * prints it when an input line with invalid bytes is reported), and the `ignore` handler (which
 * drops the invalid bytes, as `clubak --diff` does before comparing lines). CPython reports an
 * invalid sequence as the maximal prefix that could still have started a valid character, with
 * one of three reasons; both handlers below follow those same ranges.
 *
 * @module
 */

/** Why a byte range is not UTF-8 (CPython's wording). */
export type Utf8ErrorReason =
  | 'invalid start byte'
  | 'invalid continuation byte'
  | 'unexpected end of data';

/** The first undecodable range of a byte string. */
export interface Utf8DecodeError {
  /** Offset of its first byte. */
  readonly start: number;
  /** Offset just past its last byte. */
  readonly end: number;
  /** CPython's reason. */
  readonly reason: Utf8ErrorReason;
}

/** The result of {@link decodeUtf8}. */
export interface Utf8Decoded {
  /** The text, with every undecodable range left out (the `ignore` handler). */
  readonly text: string;
  /** The first undecodable range, if any (what the `strict` handler reports). */
  readonly error: Utf8DecodeError | undefined;
}

const STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isCont(b: number | undefined): boolean {
  return b !== undefined && b >= 0x80 && b <= 0xbf;
}

/**
 * Where the character starting at `i` ends, or the error CPython reports there.
 *
 * @returns the length of a valid character, or the error
 */
function scan(bytes: Uint8Array, i: number): number | Utf8DecodeError {
  const n = bytes.length;
  const b = bytes[i] as number;
  const bad = (len: number, reason: Utf8ErrorReason): Utf8DecodeError => ({
    start: i,
    end: i + len,
    reason,
  });
  if (b < 0x80) return 1;
  if (b < 0xc2 || b > 0xf4) return bad(1, 'invalid start byte');
  const b1 = bytes[i + 1];
  // The second byte is narrower after E0 (no overlong), ED (no surrogate), F0 and F4.
  const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
  const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
  const need = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
  if (i + 1 >= n) return bad(n - i, 'unexpected end of data');
  if (!isCont(b1) || (b1 as number) < lo || (b1 as number) > hi) {
    return bad(1, 'invalid continuation byte');
  }
  for (let k = 2; k < need; k++) {
    if (i + k >= n) return bad(n - i, 'unexpected end of data');
    if (!isCont(bytes[i + k])) return bad(k, 'invalid continuation byte');
  }
  return need;
}

/**
 * Decodes UTF-8 as CPython, reporting the first error and dropping every invalid range.
 *
 * @param bytes - the raw bytes
 * @returns the text without the invalid ranges, and the first error if any
 */
export function decodeUtf8(bytes: Uint8Array): Utf8Decoded {
  try {
    return { text: STRICT.decode(bytes), error: undefined };
  } catch {
    // fall through to the byte-by-byte scan
  }
  let first: Utf8DecodeError | undefined;
  const parts: string[] = [];
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const r = scan(bytes, i);
    if (typeof r === 'number') {
      i += r;
      continue;
    }
    if (first === undefined) first = r;
    parts.push(STRICT.decode(bytes.subarray(runStart, i)));
    i = r.end;
    runStart = i;
  }
  parts.push(STRICT.decode(bytes.subarray(runStart, i)));
  return { text: parts.join(''), error: first };
}

/**
 * CPython's `UnicodeDecodeError` message for an error of {@link decodeUtf8}.
 *
 * @param bytes - the bytes that were decoded
 * @param error - the error
 * @returns `'utf-8' codec can't decode byte 0xff in position 3: invalid start byte`
 */
export function utf8ErrorMessage(bytes: Uint8Array, error: Utf8DecodeError): string {
  if (error.end - error.start === 1) {
    const b = (bytes[error.start] as number).toString(16).padStart(2, '0');
    return `'utf-8' codec can't decode byte 0x${b} in position ${error.start}: ${error.reason}`;
  }
  return `'utf-8' codec can't decode bytes in position ${error.start}-${error.end - 1}: ${error.reason}`;
}

/**
 * CPython's `UnicodeEncodeError` message when `text.encode('utf-8')` fails, which happens when
 * the text holds lone surrogates (Python's stand-ins for undecodable bytes of a command line).
 *
 * @param text - the text to encode
 * @returns the message, or undefined when the text encodes
 */
export function utf8EncodeErrorMessage(text: string): string | undefined {
  // Python indexes code points: walk them, noting where the first run of surrogates lies.
  let index = 0;
  let start = -1;
  let end = -1;
  let first = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    const surrogate = c >= 0xd800 && c <= 0xdfff;
    if (surrogate && start < 0) {
      start = index;
      first = c;
    }
    if (start >= 0) {
      if (!surrogate) break;
      end = index + 1;
    }
    index++;
  }
  if (start < 0) return undefined;
  const reason = 'surrogates not allowed';
  if (end - start === 1) {
    return `'utf-8' codec can't encode character '\\u${first.toString(16)}' in position ${start}: ${reason}`;
  }
  return `'utf-8' codec can't encode characters in position ${start}-${end - 1}: ${reason}`;
}
