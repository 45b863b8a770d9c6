/**
 * The scanner of node set strings: splits an expression into operands and operators, and each
 * operand into a pattern and its RangeSets, with ClusterShell 1.9.1's rules and error messages
 * (including its quirks: digits touching brackets, left-to-right operators, where whitespace is
 * kept).
 *
 * @internal
 */

import { NodeSetParseError, NodeSetParseRangeError, RangeSetParseError } from '../errors.js';
import { RangeSet } from '../range-set.js';
import { MAX_INDEX } from './elements.js';
import { decimalValue, exceedsGoogol, isDecimal, pyLstrip, pyRstrip, pyStrip } from './py-int.js';

/** The set operations of the string syntax. */
export type SetOp = 'update' | 'difference' | 'intersection' | 'symmetricDifference';

const OPS: Readonly<Record<string, SetOp>> = {
  ',': 'update',
  '!': 'difference',
  '&': 'intersection',
  '^': 'symmetricDifference',
};

/** One operand of an expression: the operation that applies it, its pattern and RangeSets. */
export interface Operand {
  readonly op: SetOp;
  readonly pat: string;
  readonly rsets: RangeSet[];
}

/** Trims the expression and escapes `%`, as the parser works on escaped patterns. */
export function stripEscape(s: string): string {
  return pyStrip(s).replaceAll('%', '%%');
}

/** Context of one scan, for error positions. */
interface ScanContext {
  readonly input: string;
}

function parseError(ctx: ScanContext, reason: string, part: string | undefined): NodeSetParseError {
  const shown = part ? part : undefined;
  const position = shown === undefined ? undefined : Math.max(0, ctx.input.indexOf(shown));
  return new NodeSetParseError(reason, { input: ctx.input, part: shown, position });
}

function rangeError(ctx: ScanContext, e: RangeSetParseError): NodeSetParseRangeError {
  const at = e.part === undefined ? -1 : ctx.input.indexOf(e.part);
  return new NodeSetParseRangeError('bad range', {
    input: ctx.input,
    part: e.message,
    position: at < 0 ? undefined : at,
    cause: e,
  });
}

function wrapRange<T>(ctx: ScanContext, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeSetParseError) throw rangeError(ctx, e);
    throw e;
  }
}

/** Index and character of the first operator in `s`, or [-1, undefined]. */
function nextOp(s: string): [number, string | undefined] {
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === ',' || c === '!' || c === '&' || c === '^') return [i, c];
  }
  return [-1, undefined];
}

function splitOnce(s: string, sep: string): [string, string] | undefined {
  const i = s.indexOf(sep);
  return i < 0 ? undefined : [s.slice(0, i), s.slice(i + sep.length)];
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Scans one node name with no bracket and no operator: every digit run becomes an axis.
 * Digit runs too long to be kept exactly stay in the pattern as text.
 */
export function scanSingle(
  s: string,
  autostep: number | undefined,
  ctx: ScanContext,
): [string, RangeSet[]] {
  if (s.length === 0) throw parseError(ctx, 'parse error', undefined);
  let pat = '';
  const rsets: RangeSet[] = [];
  // alternate runs of non-digits and digits (Python's `(\D*)(\d*)`, Unicode digits included)
  const chars = Array.from(s);
  let i = 0;
  while (i < chars.length) {
    let j = i;
    while (j < chars.length && !isDecimal((chars[j] as string).codePointAt(0) as number)) j++;
    const pfx = chars.slice(i, j).join('');
    let k = j;
    while (k < chars.length && isDecimal((chars[k] as string).codePointAt(0) as number)) k++;
    i = k;
    if (k === j) {
      pat += pfx;
      continue;
    }
    const digits = chars.slice(j, k);
    let value = 0;
    for (const d of digits) value = value * 10 + decimalValue(d.codePointAt(0) as number);
    if (value > MAX_INDEX) {
      const idx = digits.join('');
      if (exceedsGoogol(digits)) {
        throw rangeError(
          ctx,
          new RangeSetParseError('invalid rangeset index', { input: idx, part: idx }),
        );
      }
      pat += pfx + idx;
      continue;
    }
    // padding counts only ASCII leading zeros, as Python's lstrip('0')
    const pad = digits.length > 1 && (value === 0 || digits[0] === '0') ? digits.length : 0;
    pat += `${pfx}%s`;
    rsets.push(RangeSet.fromOne(value, { autostep, pad }));
  }
  return [pat, rsets];
}

/** Leading digits of a bracket (`n1[0-2]`) folded into the range: `n[10-12]`. */
function amendLeading(outer: string, inner: string): [string, string] {
  let cut = outer.length;
  while (cut > 0 && isDigit(outer.charCodeAt(cut - 1))) cut--;
  if (cut === outer.length) return [outer, inner];
  const digits = outer.slice(cut);
  const parts = new RangeSet(inner).contiguous().map((sub) =>
    String(sub)
      .split('-')
      .map((bound) => digits + bound)
      .join('-'),
  );
  return [outer.slice(0, cut), parts.join(',')];
}

/** Trailing digits of a bracket (`n[0-2]0`) folded into the range with a step: `n[00-20/10]`. */
function amendTrailing(outer: string, inner: string, ctx: ScanContext): [string, string] {
  let cut = 0;
  while (cut < outer.length && isDigit(outer.charCodeAt(cut))) cut++;
  if (cut === 0) return [outer, inner];
  if (inner.includes('/'))
    throw parseError(ctx, 'illegal trailing digits after range with steps', outer);
  const digits = outer.slice(0, cut);
  const amended = inner
    .split(',')
    .map((elem) =>
      elem
        .split('-')
        .map((bound) => bound + digits)
        .join('-'),
    )
    .map((s) => (s.includes('-') ? `${s}/1${'0'.repeat(digits.length)}` : s));
  return [outer.slice(cut), amended.join(',')];
}

/**
 * Scans an escaped expression into operands, left to right.
 *
 * @param nsstr - the expression, already passed through {@link stripEscape}
 * @param autostep - autostep of the RangeSets created
 * @param input - the text shown in errors
 */
export function* scanString(
  nsstr: string,
  autostep: number | undefined,
  input: string,
): Generator<Operand> {
  const ctx: ScanContext = { input };
  let rest: string | undefined = nsstr;
  let nextCode: string | undefined = ',';
  while (rest) {
    let s: string = pyLstrip(rest);
    const rsets: RangeSet[] = [];
    const op = OPS[nextCode as string] as SetOp;
    let opIdx: number;
    [opIdx, nextCode] = nextOp(s);
    let bracketIdx = s.indexOf('[');
    let newpat = '';
    if (bracketIdx >= 0 && (opIdx > bracketIdx || opIdx < 0)) {
      let sfx = s;
      while (bracketIdx >= 0 && (opIdx > bracketIdx || opIdx < 0)) {
        const open = splitOnce(sfx, '[') as [string, string];
        let pfx = open[0];
        const close = splitOnce(open[1], ']');
        if (close === undefined) throw parseError(ctx, 'missing bracket', s);
        let rng = close[0];
        sfx = close[1];
        if (pfx.includes(']')) throw parseError(ctx, 'illegal closing bracket', pfx);
        if (sfx.length > 0) {
          const braEnd = sfx.indexOf(']');
          let braStart = sfx.indexOf('[');
          if (braStart === -1) braStart = braEnd + 1;
          if (braEnd >= 0 && braEnd < braStart)
            throw parseError(ctx, 'illegal closing bracket', sfx);
        }
        const pfxLen = pfx.length;
        if (sfx.length > 0) [sfx, rng] = amendTrailing(sfx, rng, ctx);
        if (pfxLen > 0) {
          [pfx, rng] = wrapRange(ctx, () => amendLeading(pfx, rng));
          if (pfx) {
            const [p, vec] = scanSingle(pfx, autostep, ctx);
            pfx = p;
            rsets.push(...vec);
          }
        }
        bracketIdx = sfx.indexOf('[');
        [opIdx, nextCode] = nextOp(sfx);
        if (sfx.length > 0 && sfx[0] === '[')
          throw parseError(ctx, 'illegal reopening bracket', sfx);
        newpat += `${pfx}%s`;
        const range = rng;
        rsets.push(wrapRange(ctx, () => new RangeSet(range, { autostep })));
      }
      [opIdx, nextCode] = nextOp(sfx);
      if (opIdx < 0) {
        rest = undefined;
      } else {
        rest = sfx.slice(opIdx + 1);
        sfx = sfx.slice(0, opIdx);
        if (!rest)
          throw parseError(ctx, `missing nodeset operand with '${nextCode}' operator`, undefined);
      }
      sfx = pyRstrip(sfx);
      if (sfx) {
        const [p, vec] = scanSingle(sfx, autostep, ctx);
        newpat += p;
        rsets.push(...vec);
      }
    } else {
      let node: string;
      if (opIdx < 0) {
        node = s;
        rest = undefined;
      } else {
        node = s.slice(0, opIdx);
        rest = s.slice(opIdx + 1);
        if (!node || !rest) {
          throw parseError(
            ctx,
            `missing nodeset operand with '${nextCode}' operator`,
            node || rest,
          );
        }
      }
      if (node.includes(']')) throw parseError(ctx, 'illegal closing bracket', node);
      s = pyRstrip(node);
      const [p, vec] = scanSingle(s, autostep, ctx);
      newpat = p;
      rsets.push(...vec);
    }
    yield { op, pat: newpat, rsets };
  }
}

/**
 * Fast path of {@link scanSingle} for lists of plain names: pushes each digit run's (class,
 * value) to `cls`/`val` instead of building RangeSets. Returns the pattern, or undefined when
 * the name needs the full scanner.
 */
export function scanPlainName(s: string, cls: number[], val: number[]): string | undefined {
  let pat = '';
  let i = 0;
  const n = s.length;
  let textStart = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c > 127) return undefined;
    if (!isDigit(c)) {
      i++;
      continue;
    }
    let k = i + 1;
    while (k < n && isDigit(s.charCodeAt(k))) k++;
    const len = k - i;
    if (len > 15) return undefined;
    let v = 0;
    for (let j = i; j < k; j++) v = v * 10 + (s.charCodeAt(j) - 48);
    cls.push(len > 1 && c === 48 ? len : 0);
    val.push(v);
    pat += `${s.slice(textStart, i)}%s`;
    textStart = k;
    i = k;
  }
  return pat + s.slice(textStart);
}
