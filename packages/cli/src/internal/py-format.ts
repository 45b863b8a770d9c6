/**
 * Python's `fmt % value` for the single, non-tuple values that nodeset's `-O/--output-format`
 * meets: a node name (str), a node count (int), or a RangeSet object (`-R -f`). The errors carry
 * Python's messages and kinds, since ClusterShell prints them.
 *
 * @module
 */

import { CliPythonError } from '../errors.js';
import { pyLen, pyRepr } from './py-str.js';

/** A value given to {@link pyPercentFormat}. */
export type PyFormatValue =
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'int'; readonly value: number }
  /** A RangeSet: `str()` is its folded form, and it is a mapping (it has `__getitem__`). */
  | { readonly kind: 'rangeset'; readonly value: string };

interface Spec {
  left: boolean;
  sign: '' | '+' | ' ';
  alt: boolean;
  zero: boolean;
  width: number;
  prec: number | undefined;
}

function typeName(v: PyFormatValue): string {
  return v.kind === 'rangeset' ? 'RangeSet' : v.kind;
}

function pad(body: string, spec: Spec): string {
  const len = pyLen(body);
  if (len >= spec.width) return body;
  const fill = ' '.repeat(spec.width - len);
  return spec.left ? body + fill : fill + body;
}

/** Pads a number: sign and prefix first, then zeros when the `0` flag is set. */
function padNumber(sign: string, prefix: string, digits: string, spec: Spec): string {
  const len = sign.length + prefix.length + digits.length;
  if (len >= spec.width) return sign + prefix + digits;
  if (spec.left) return sign + prefix + digits + ' '.repeat(spec.width - len);
  if (spec.zero) return sign + prefix + '0'.repeat(spec.width - len) + digits;
  return ' '.repeat(spec.width - len) + sign + prefix + digits;
}

/** Rounds the decimal digits of an integer to `keep` significant digits (half to even). */
function roundDigits(digits: string, keep: number): { digits: string; carry: boolean } {
  if (digits.length <= keep) return { digits: digits.padEnd(keep, '0'), carry: false };
  const head = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const tail = /[1-9]/.test(rest.slice(1));
  const lastHead = keep > 0 ? head.charCodeAt(keep - 1) - 48 : 0;
  const up = first > 5 || (first === 5 && (tail || lastHead % 2 === 1));
  if (!up) return { digits: head, carry: false };
  const bumped = (BigInt(head || '0') + 1n).toString();
  if (bumped.length > keep && keep > 0) return { digits: bumped.slice(0, keep), carry: true };
  if (keep === 0) return { digits: '', carry: true };
  return { digits: bumped.padStart(keep, '0'), carry: false };
}

/** `%e` of a non-negative integer with `prec` decimals. */
function formatExp(n: number, prec: number, alt: boolean, upper: boolean): string {
  const all = BigInt(n).toString();
  let exp = all.length - 1;
  let { digits, carry } = roundDigits(all, prec + 1);
  if (carry) {
    exp++;
    digits = `1${'0'.repeat(prec)}`;
  }
  if (n === 0) exp = 0;
  const mant = digits.charAt(0) + (prec > 0 || alt ? '.' : '') + digits.slice(1);
  const e = `${upper ? 'E' : 'e'}+${String(exp).padStart(2, '0')}`;
  return mant + e;
}

/** `%g` of a non-negative integer. */
function formatGeneral(n: number, precIn: number, alt: boolean, upper: boolean): string {
  const prec = precIn === 0 ? 1 : precIn;
  const all = BigInt(n).toString();
  let exp = n === 0 ? 0 : all.length - 1;
  const r = roundDigits(all, prec);
  if (r.carry) exp++;
  if (exp >= -4 && exp < prec) {
    // fixed notation with prec - 1 - exp decimals
    const decimals = prec - 1 - exp;
    let intPart: string;
    if (r.carry) intPart = `1${'0'.repeat(exp)}`;
    else if (n === 0) intPart = '0';
    else intPart = r.digits.slice(0, exp + 1);
    let frac = n === 0 ? '0'.repeat(decimals) : r.digits.slice(exp + 1).padEnd(decimals, '0');
    if (!alt) frac = frac.replace(/0+$/, '');
    return intPart + (frac.length > 0 || alt ? '.' : '') + frac;
  }
  let s = formatExp(n, prec - 1, alt, upper);
  if (!alt) {
    const [m = '', e = ''] = s.split(upper ? 'E' : 'e');
    const trimmed = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    s = `${trimmed}${upper ? 'E' : 'e'}${e}`;
  }
  return s;
}

function formatOne(conv: string, v: PyFormatValue, spec: Spec, index: number): string {
  switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      let body: string;
      if (v.kind === 'str') body = conv === 's' ? v.value : pyRepr(v.value, conv === 'a');
      else body = String(v.value);
      if (spec.prec !== undefined) body = [...body].slice(0, spec.prec).join('');
      return pad(body, spec);
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      if (v.kind !== 'int') {
        const what = 'dui'.includes(conv) ? 'a real number' : 'an integer';
        throw new CliPythonError(
          'TypeError',
          `%${conv} format: ${what} is required, not ${typeName(v)}`,
        );
      }
      const n = Math.abs(v.value);
      const sign = v.value < 0 ? '-' : spec.sign;
      const radix = conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10;
      let digits = BigInt(n).toString(radix);
      if (conv === 'X') digits = digits.toUpperCase();
      if (spec.prec !== undefined) digits = digits.padStart(spec.prec, '0');
      let prefix = '';
      if (spec.alt && radix !== 10) prefix = conv === 'o' ? '0o' : conv === 'x' ? '0x' : '0X';
      return padNumber(sign, prefix, digits, spec);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (v.kind !== 'int') {
        throw new CliPythonError('TypeError', `must be real number, not ${typeName(v)}`);
      }
      const n = Math.abs(v.value);
      const sign = v.value < 0 ? '-' : spec.sign;
      const prec = spec.prec ?? 6;
      let body: string;
      if (conv === 'f' || conv === 'F') {
        body = BigInt(n).toString() + (prec > 0 || spec.alt ? '.' : '') + '0'.repeat(prec);
      } else if (conv === 'e' || conv === 'E') {
        body = formatExp(n, prec, spec.alt, conv === 'E');
      } else {
        body = formatGeneral(n, prec, spec.alt, conv === 'G');
      }
      return padNumber(sign, '', body, spec);
    }
    case 'c': {
      let ch: string;
      if (v.kind === 'int') {
        if (v.value < 0 || v.value > 0x10ffff) {
          throw new CliPythonError('OverflowError', '%c arg not in range(0x110000)');
        }
        ch = String.fromCodePoint(v.value);
      } else if (v.kind === 'str' && pyLen(v.value) === 1) {
        ch = v.value;
      } else {
        throw new CliPythonError('TypeError', '%c requires int or char');
      }
      return pad(ch, spec);
    }
    default: {
      const cp = conv.codePointAt(0) ?? 0;
      const shown = cp >= 32 && cp <= 126 ? conv : '?';
      throw new CliPythonError(
        'ValueError',
        `unsupported format character '${shown}' (0x${cp.toString(16)}) at index ${index}`,
      );
    }
  }
}

/**
 * Python's `fmt % value` where `value` is not a tuple.
 *
 * @param fmt - the format string
 * @param value - the single value
 * @returns the formatted string
 * @throws {CliPythonError} with Python's exception kind and message
 */
export function pyPercentFormat(fmt: string, value: PyFormatValue): string {
  // Python indexes the format by code point; work on an array of code points.
  const chars = [...fmt];
  const isMapping = value.kind === 'rangeset';
  let used = false;
  const nextArg = (): PyFormatValue => {
    if (used) throw new CliPythonError('TypeError', 'not enough arguments for format string');
    used = true;
    return value;
  };
  let out = '';
  let i = 0;
  const incomplete = (): never => {
    throw new CliPythonError('ValueError', 'incomplete format');
  };
  while (i < chars.length) {
    const c = chars[i] ?? '';
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    i++;
    if (i >= chars.length) incomplete();
    if (chars[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    if (chars[i] === '(') {
      if (!isMapping) throw new CliPythonError('TypeError', 'format requires a mapping');
      let depth = 1;
      i++;
      while (i < chars.length && depth > 0) {
        if (chars[i] === '(') depth++;
        else if (chars[i] === ')') depth--;
        i++;
      }
      if (depth > 0) throw new CliPythonError('ValueError', 'incomplete format key');
      // RangeSet.__getitem__ with a str key
      throw new CliPythonError('TypeError', 'RangeSet indices must be integers');
    }
    const spec: Spec = {
      left: false,
      sign: '',
      alt: false,
      zero: false,
      width: 0,
      prec: undefined,
    };
    for (; i < chars.length; i++) {
      const f = chars[i];
      if (f === '-') spec.left = true;
      else if (f === '+') spec.sign = '+';
      else if (f === ' ') {
        if (spec.sign !== '+') spec.sign = ' ';
      } else if (f === '#') spec.alt = true;
      else if (f === '0') spec.zero = true;
      else break;
    }
    if (chars[i] === '*') {
      const w = nextArg();
      if (w.kind !== 'int') throw new CliPythonError('TypeError', '* wants int');
      if (w.value < 0) spec.left = true;
      spec.width = Math.abs(w.value);
      i++;
    } else {
      let w = '';
      while (i < chars.length && /^[0-9]$/.test(chars[i] ?? '')) w += chars[i++];
      if (w) spec.width = Number(w);
    }
    if (chars[i] === '.') {
      i++;
      if (chars[i] === '*') {
        const p = nextArg();
        if (p.kind !== 'int') throw new CliPythonError('TypeError', '* wants int');
        spec.prec = Math.max(0, p.value);
        i++;
      } else {
        let p = '';
        while (i < chars.length && /^[0-9]$/.test(chars[i] ?? '')) p += chars[i++];
        spec.prec = p ? Number(p) : 0;
      }
    }
    while (i < chars.length && (chars[i] === 'h' || chars[i] === 'l' || chars[i] === 'L')) i++;
    if (i >= chars.length) incomplete();
    const conv = chars[i] ?? '';
    out += formatOne(conv, nextArg(), spec, i);
    i++;
  }
  if (!used && !isMapping) {
    throw new CliPythonError('TypeError', 'not all arguments converted during string formatting');
  }
  return out;
}
