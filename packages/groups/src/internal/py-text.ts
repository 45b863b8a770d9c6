/**
 * Small text helpers that reproduce what ClusterShell's Python code does with strings: `repr()`
 * in messages, `str.split()` on whitespace, `float()`, `os.path.normpath()` and `str()` of YAML keys.
 *
 * @module
 */

// Python's str.isspace() characters (str.split() with no argument splits on runs of them; the
// information separators U+001C-U+001F are among them).
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WHITESPACE_RUN = new RegExp(`[${PY_SPACE}]+`);
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

/**
 * Splits `text` on runs of whitespace, dropping empty words (Python's `str.split()`), which is
 * also what ClusterShell's line-by-line `strip().split()` of upcall output amounts to.
 *
 * @param text - the text to split
 * @returns the words
 */
export function splitWords(text: string): string[] {
  return text.split(PY_WHITESPACE_RUN).filter((w) => w !== '');
}

/**
 * Strips leading and trailing whitespace like Python's `str.strip()`.
 *
 * @param text - the text to strip
 * @returns the stripped text
 */
export function pyStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

/**
 * Python's `repr()` of a string, as shown in ClusterShell and ConfigParser messages.
 *
 * @param text - the string
 * @returns the quoted, escaped string
 */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
      out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * Python's `str()` of a value loaded from YAML, for messages about keys that are not strings
 * (`group source True not a string (add quotes?)`).
 *
 * @param value - the loaded value
 * @param source - the key as written in the file, to tell `1.0` (float) from `1` (int)
 * @returns the text Python would print
 */
export function pyStr(value: unknown, source?: string): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    const isFloat = source !== undefined && /[.eE]|inf|nan/i.test(source) && !/^0x/i.test(source);
    if (isFloat && Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) {
    const iso = value.toISOString();
    const day = iso.slice(0, 10);
    const time = iso.slice(11, 19);
    return iso.slice(11, 23) === '00:00:00.000' ? day : `${day} ${time}`;
  }
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map((v) => pyStr(v)).join(', ')}]`;
  return String(value);
}

const PY_FLOAT =
  /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.|inf|infinity|nan)$/i;

/**
 * Python's `float()` of a string: surrounding whitespace allowed, `inf`/`nan` accepted.
 *
 * @param text - the text to convert
 * @returns the number, or undefined when Python would raise ValueError
 */
export function pyFloat(text: string): number | undefined {
  const t = pyStrip(text);
  if (!PY_FLOAT.test(t)) return undefined;
  const lower = t.toLowerCase().replace(/_/g, '');
  const sign = lower.startsWith('-') ? -1 : 1;
  const bare = lower.replace(/^[+-]/, '');
  if (bare === 'inf' || bare === 'infinity') return sign * Number.POSITIVE_INFINITY;
  if (bare === 'nan') return Number.NaN;
  return Number(lower);
}

/**
 * Python's `os.path.normpath()` on POSIX paths: collapses `//` and `.`, resolves `..` lexically,
 * drops the trailing slash; an empty path gives `.`.
 *
 * @param path - the path to normalise
 * @returns the normalised path
 */
export function normPath(path: string): string {
  if (path === '') return '.';
  const initial = path.startsWith('/')
    ? path.startsWith('//') && !path.startsWith('///')
      ? 2
      : 1
    : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && (initial === 0 ? parts.length > 0 && parts.at(-1) !== '..' : true)) {
      if (parts.length > 0) parts.pop();
      continue;
    }
    parts.push(part);
  }
  const joined = '/'.repeat(initial) + parts.join('/');
  return joined === '' ? '.' : joined;
}

/**
 * Python's `os.path.dirname()` on POSIX paths (the part before the last `/`, trailing slashes of
 * that part removed unless it is all slashes).
 *
 * @param path - a file path
 * @returns its directory part, possibly empty
 */
export function pyDirname(path: string): string {
  const i = path.lastIndexOf('/') + 1;
  let head = path.slice(0, i);
  if (head !== '' && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return head;
}

/** Whether `b` is a UTF-8 continuation byte within `[lo, hi]`. */
function inRange(b: number | undefined, lo = 0x80, hi = 0xbf): boolean {
  return b !== undefined && b >= lo && b <= hi;
}

/**
 * The message of Python's `UnicodeDecodeError` for the first invalid UTF-8 sequence of `bytes`
 * (`'utf-8' codec can't decode byte 0xff in position 3: invalid start byte`), as Python's strict
 * decoder words it; undefined when `bytes` is valid UTF-8. Positions are byte offsets from the
 * start of `bytes`.
 *
 * @param bytes - the raw bytes
 * @returns the message, or undefined
 */
export function pyUtf8DecodeError(bytes: Uint8Array): string | undefined {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else {
      return decodeMessage(bytes, i, i + 1, 'invalid start byte');
    }
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined) return decodeMessage(bytes, i, n, 'unexpected end of data');
      const ok = k === 1 ? inRange(next, lo, hi) : inRange(next);
      if (!ok) return decodeMessage(bytes, i, i + k, 'invalid continuation byte');
    }
    i += need + 1;
  }
  return undefined;
}

function decodeMessage(bytes: Uint8Array, start: number, end: number, reason: string): string {
  const what =
    end - start === 1
      ? `byte 0x${(bytes[start] as number).toString(16).padStart(2, '0')} in position ${start}`
      : `bytes in position ${start}-${end - 1}`;
  return `'utf-8' codec can't decode ${what}: ${reason}`;
}
