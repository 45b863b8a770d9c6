/**
 * The few Python string behaviours that ClusterShell's parser relies on: `int()` on strings
 * (white space, one sign, single underscores, and every Unicode decimal digit), `str.strip()`
 * and its white space, and `len()` in code points.
 *
 * @internal
 */

/** Python's white space for `str.strip()` and `int()`. */
const WS =
  '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');
const LSTRIP = new RegExp(`^[${WS}]+`);
const RSTRIP = new RegExp(`[${WS}]+$`);
const ND = /\p{Nd}/u;

/** Whether a code point is a Unicode decimal digit (Python's `\d` and `str.isdecimal()`). */
export function isDecimal(cp: number): boolean {
  if (cp < 128) return cp >= 48 && cp <= 57;
  return ND.test(String.fromCodePoint(cp));
}

/** The value (0-9) of a decimal digit code point: Unicode keeps each digit set as 10 in a row. */
export function decimalValue(cp: number): number {
  if (cp < 128) return cp - 48;
  let start = cp;
  while (start > 0 && isDecimal(start - 1)) start--;
  return (cp - start) % 10;
}

/** Python's `int(s)` for base 10, or undefined where Python raises ValueError. */
export function pyInt(s: string): number | undefined {
  const t = pyStrip(s);
  let i = 0;
  let sign = 1;
  if (t[0] === '+' || t[0] === '-') {
    if (t[0] === '-') sign = -1;
    i = 1;
  }
  let v = 0;
  let digits = 0;
  let lastUnderscore = false;
  for (const ch of t.slice(i)) {
    if (ch === '_') {
      if (digits === 0 || lastUnderscore) return undefined;
      lastUnderscore = true;
      continue;
    }
    const cp = ch.codePointAt(0) as number;
    if (!isDecimal(cp)) return undefined;
    v = v * 10 + decimalValue(cp);
    digits++;
    lastUnderscore = false;
  }
  if (digits === 0 || lastUnderscore) return undefined;
  return sign * v;
}

/** Python's `str.strip()` with no argument. */
export function pyStrip(s: string): string {
  const n = s.length;
  if (
    n === 0 ||
    (s.charCodeAt(0) > 32 &&
      s.charCodeAt(n - 1) > 32 &&
      s.charCodeAt(0) < 127 &&
      s.charCodeAt(n - 1) < 127)
  ) {
    return s;
  }
  return s.replace(STRIP, '');
}

/** Python's `str.lstrip()` with no argument. */
export function pyLstrip(s: string): string {
  return s.replace(LSTRIP, '');
}

/** Python's `str.rstrip()` with no argument. */
export function pyRstrip(s: string): string {
  return s.replace(RSTRIP, '');
}

/** Python's `len(s)`: the number of code points. */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Whether a run of decimal digits is above 1e100 (exactly, as Python compares int and float). */
export function exceedsGoogol(digits: readonly string[]): boolean {
  let text = '';
  for (const d of digits) text += decimalValue(d.codePointAt(0) as number);
  const trimmed = text.replace(/^0+/, '');
  if (trimmed.length !== 101) return trimmed.length > 101;
  // 1e100 as a double is 10^100 + 1.59e83, so compare with that exact value
  return BigInt(trimmed) > GOOGOL_DOUBLE;
}

const GOOGOL_DOUBLE = BigInt(1e100);
