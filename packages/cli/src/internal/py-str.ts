/**
 * Small pieces of Python's `str` and number parsing that the nodeset CLI must reproduce byte for
 * byte, since ClusterShell's `nodeset` is a Python program: whitespace splitting, `splitlines()`,
 * `repr()`, and the `int()`/`float()` parsers that optparse uses.
 *
 * @module
 */

/** The characters for which Python's `str.isspace()` is true (used by `split()` and `strip()`). */
const PY_SPACE =
  '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

const PY_SPACE_SET: ReadonlySet<string> = new Set(PY_SPACE);

/** The line boundaries of Python's `str.splitlines()` (plus `\r\n`, handled apart). */
const PY_LINE_BREAKS: ReadonlySet<string> = new Set('\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029');

/**
 * Tells whether `ch` (one UTF-16 unit; every Python space is in the BMP) is a Python space.
 *
 * @param ch - one character
 * @returns true when Python's `ch.isspace()` is true
 */
export function isPySpace(ch: string): boolean {
  return PY_SPACE_SET.has(ch);
}

/**
 * Python's `s.split()` (no argument): the non-empty runs between Python whitespace.
 *
 * @param s - the string to split
 * @returns the words of `s`
 */
export function pySplitWhitespace(s: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    if (PY_SPACE_SET.has(s.charAt(i))) {
      if (start >= 0) {
        words.push(s.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) words.push(s.slice(start));
  return words;
}

/**
 * Python's `s.strip()` (no argument).
 *
 * @param s - the string to strip
 * @returns `s` without leading and trailing Python whitespace
 */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && PY_SPACE_SET.has(s.charAt(start))) start++;
  while (end > start && PY_SPACE_SET.has(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}

/**
 * Python's `s.splitlines()`: lines without their ends, split on every Python line boundary.
 *
 * @param s - the string to split
 * @returns the lines of `s` (an empty string gives no line)
 */
export function pySplitLines(s: string): string[] {
  const lines: string[] = [];
  let start = 0;
  let i = 0;
  while (i < s.length) {
    const ch = s.charAt(i);
    if (PY_LINE_BREAKS.has(ch)) {
      lines.push(s.slice(start, i));
      i += ch === '\r' && s.charAt(i + 1) === '\n' ? 2 : 1;
      start = i;
    } else {
      i++;
    }
  }
  if (start < s.length) lines.push(s.slice(start));
  return lines;
}

/**
 * Removes the last code point of `s` (Python's `s[:-1]`).
 *
 * @param s - a string
 * @returns `s` without its last code point
 */
export function dropLastCodePoint(s: string): string {
  if (s.length === 0) return s;
  const last = s.charCodeAt(s.length - 1);
  const prev = s.length >= 2 ? s.charCodeAt(s.length - 2) : 0;
  const pair = last >= 0xdc00 && last <= 0xdfff && prev >= 0xd800 && prev <= 0xdbff;
  return s.slice(0, pair ? -2 : -1);
}

/** Length of `s` in code points (Python's `len()`). */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * Python's `repr()` of a string (or `ascii()` when `asciiOnly`).
 *
 * @param s - the string
 * @param asciiOnly - escape every non-ASCII character, as `ascii()`
 * @returns the quoted, escaped form of `s`
 */
export function pyRepr(s: string, asciiOnly = false): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f) out += ch;
    else if (asciiOnly || (ch !== ' ' && NON_PRINTABLE.test(ch))) {
      if (cp <= 0xff) out += `\\x${hex(cp, 2)}`;
      else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
      else out += `\\U${hex(cp, 8)}`;
    } else out += ch;
  }
  return out + quote;
}

const ND = /\p{Nd}/u;

/**
 * Python's `_PyUnicode_TransformDecimalAndSpace`: Unicode decimal digits become ASCII digits and
 * Unicode spaces become ASCII spaces (what `int()` and `float()` do before parsing).
 */
function transformDecimalAndSpace(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) out += ch;
    else if (PY_SPACE_SET.has(ch)) out += ' ';
    else if (ND.test(ch)) {
      // Decimal digits come in runs of ten that start at zero: count back to the run start.
      let k = 0;
      while (k < 100 && ND.test(String.fromCodePoint(cp - k - 1))) k++;
      out += String(k % 10);
    } else out += ch;
  }
  return out;
}

/** Value of one ASCII digit or letter as a digit, or 99. */
function digitValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41 + 10;
  return 99;
}

/**
 * Python's `int(s, base)` for a string, or undefined when Python raises ValueError.
 * Accepts surrounding whitespace, a sign, `_` between digits and the base prefix.
 *
 * @param s - the text
 * @param base - 2 to 36
 * @returns the integer value, or undefined
 */
export function pyParseInt(s: string, base = 10): number | undefined {
  let t = transformDecimalAndSpace(s).trim();
  let negative = false;
  if (t.startsWith('+') || t.startsWith('-')) {
    negative = t.startsWith('-');
    t = t.slice(1);
  }
  const prefix = t.slice(0, 2).toLowerCase();
  if (
    (base === 16 && prefix === '0x') ||
    (base === 8 && prefix === '0o') ||
    (base === 2 && prefix === '0b')
  ) {
    t = t.slice(2);
    if (t.startsWith('_')) t = t.slice(1);
  }
  if (t.length === 0 || t.startsWith('_') || t.endsWith('_') || t.includes('__')) return undefined;
  let value = 0n;
  const big = BigInt(base);
  for (const ch of t) {
    if (ch === '_') continue;
    const d = digitValue(ch);
    if (d >= base) return undefined;
    value = value * big + BigInt(d);
  }
  const n = Number(value);
  return negative ? -n : n;
}

const PY_FLOAT =
  /^[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf|infinity|nan)$/i;

/**
 * Python's `float(s)` for a string, or undefined when Python raises ValueError.
 *
 * @param s - the text
 * @returns the float value, or undefined
 */
export function pyParseFloat(s: string): number | undefined {
  const t = transformDecimalAndSpace(s).trim();
  if (!PY_FLOAT.test(t)) return undefined;
  const lower = t.toLowerCase().replace(/^\+/, '');
  if (lower.endsWith('inf') || lower.endsWith('infinity')) {
    return lower.startsWith('-') ? -Infinity : Infinity;
  }
  if (lower.endsWith('nan')) return Number.NaN;
  return Number(t.replaceAll('_', ''));
}

/**
 * optparse's `int` option type (`_parse_num`): the base comes from the prefix (`0x` hex, `0b`
 * binary, a leading `0` octal), then Python's `int()` parses the text.
 *
 * @param value - the option value
 * @returns the integer, or undefined when optparse reports `invalid integer value`
 */
export function optparseInt(value: string): number | undefined {
  const head = value.slice(0, 2).toLowerCase();
  if (head === '0x') return pyParseInt(value, 16);
  if (head === '0b') return pyParseInt(value.slice(2) || '0', 2);
  if (value.startsWith('0')) return pyParseInt(value, 8);
  return pyParseInt(value, 10);
}

/**
 * Sorts strings as Python does (by code point, not by UTF-16 unit).
 *
 * @param a - a string
 * @param b - another string
 * @returns negative, zero or positive
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
