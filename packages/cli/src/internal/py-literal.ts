/**
 * ClusterShell's nodeset reads `-S/--separator` by evaluating `'''<separator>'''` as a Python
 * expression, so that `-S '\n'` means a newline. This module evaluates that source when it is a
 * sequence of adjacent Python string literals (the only case that yields a string in practice).
 *
 * @module
 */

/** The separator cannot be evaluated (Python's SyntaxError, or a form we do not evaluate). */
export class InvalidLiteralError extends Error {
  override readonly name = 'InvalidLiteralError';
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

const HEX = /^[0-9a-fA-F]+$/;

/** Decodes the escapes of a non-raw Python `str` literal body. */
function decodeEscapes(body: string): string {
  let out = '';
  let i = 0;
  while (i < body.length) {
    const ch = body.charAt(i);
    if (ch !== '\\') {
      out += ch;
      i++;
      continue;
    }
    const next = body.charAt(i + 1);
    i += 2;
    if (next === '\n') continue;
    if (next === '\r') {
      if (body.charAt(i) === '\n') i++;
      continue;
    }
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
    } else if (next >= '0' && next <= '7') {
      let digits = next;
      while (digits.length < 3 && body.charAt(i) >= '0' && body.charAt(i) <= '7') {
        digits += body.charAt(i);
        i++;
      }
      out += String.fromCodePoint(Number.parseInt(digits, 8));
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const len = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const digits = body.slice(i, i + len);
      if (digits.length !== len || !HEX.test(digits)) {
        throw new InvalidLiteralError(`truncated \\${next} escape`);
      }
      const cp = Number.parseInt(digits, 16);
      if (cp > 0x10ffff) throw new InvalidLiteralError('illegal Unicode character');
      out += String.fromCodePoint(cp);
      i += len;
    } else if (next === 'N') {
      // \N{NAME} needs the Unicode name database, which Node does not ship.
      throw new InvalidLiteralError('\\N{...} escapes are not supported');
    } else {
      out += `\\${next}`;
    }
  }
  return out;
}

/** Skips blanks, line continuations and a comment; returns the new position. */
function skipBlanks(src: string, pos: number): number {
  let i = pos;
  for (;;) {
    const ch = src.charAt(i);
    if (ch === ' ' || ch === '\t' || ch === '\f') i++;
    else if (ch === '\\' && (src.charAt(i + 1) === '\n' || src.charAt(i + 1) === '\r')) {
      i += src.charAt(i + 1) === '\r' && src.charAt(i + 2) === '\n' ? 3 : 2;
    } else if (ch === '#') {
      while (i < src.length && src.charAt(i) !== '\n' && src.charAt(i) !== '\r') i++;
    } else return i;
  }
}

/**
 * Evaluates Python source made of adjacent string literals (`'a' "b" '''c'''`), as `eval()` would.
 *
 * @param src - the Python source
 * @returns the concatenated string value
 * @throws {InvalidLiteralError} when Python would raise SyntaxError, or for forms not evaluated
 *   here (bytes and f-string prefixes, `\N{...}`, operators)
 */
export function evalPyStringLiterals(src: string): string {
  let pos = 0;
  let out = '';
  let count = 0;
  for (;;) {
    pos = skipBlanks(src, pos);
    if (pos >= src.length) break;
    let ch = src.charAt(pos);
    if (ch === '\n' || ch === '\r') {
      // A NEWLINE token is only allowed at the very end of an eval() input.
      let rest = pos;
      while (rest < src.length) {
        rest = skipBlanks(src, rest);
        const c = src.charAt(rest);
        if (c === '\n' || c === '\r') rest++;
        else if (rest < src.length) throw new InvalidLiteralError('invalid syntax');
      }
      break;
    }
    let raw = false;
    if (/[rRuU]/.test(ch)) {
      raw = ch === 'r' || ch === 'R';
      pos++;
      ch = src.charAt(pos);
    }
    if (ch !== "'" && ch !== '"') throw new InvalidLiteralError('invalid syntax');
    const triple = src.startsWith(ch.repeat(3), pos);
    const quote = triple ? ch.repeat(3) : ch;
    pos += quote.length;
    const start = pos;
    let end = -1;
    while (pos < src.length) {
      const c = src.charAt(pos);
      if (c === '\\') {
        pos += 2;
        continue;
      }
      if (!triple && (c === '\n' || c === '\r')) break;
      if (src.startsWith(quote, pos)) {
        end = pos;
        break;
      }
      pos++;
    }
    if (end < 0) throw new InvalidLiteralError('unterminated string literal');
    const body = src.slice(start, end);
    out += raw ? body : decodeEscapes(body);
    pos = end + quote.length;
    count++;
  }
  if (count === 0) throw new InvalidLiteralError('invalid syntax');
  return out;
}

/**
 * Evaluates a nodeset `-S` separator as ClusterShell does (`eval("'''%s'''" % separator)`).
 *
 * @param separator - the raw option value
 * @returns the separator with its escapes interpreted
 * @throws {InvalidLiteralError} when ClusterShell would report `invalid separator`
 */
export function evalSeparator(separator: string): string {
  if (separator.includes('\0')) throw new InvalidLiteralError('null byte');
  return evalPyStringLiterals(`'''${separator}'''`);
}
