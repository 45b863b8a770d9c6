import {
  NodeSetIndexError,
  NodeSetKeyError,
  NodeSetValueError,
  RangeSetParseError,
} from './errors.js';
import {
  classOf,
  digitCount,
  formatElement,
  formatIndex,
  MAX_INDEX,
  parseElement,
  type Segment,
} from './internal/elements.js';
import {
  type Runs,
  type RunsView,
  runsCount,
  runsDifference,
  runsEqual,
  runsHas,
  runsIntersection,
  runsIsDisjoint,
  runsIsSubset,
  runsNormalize,
  runsSymmetricDifference,
  runsUnion,
} from './internal/intervals.js';
import { exceedsGoogol, pyInt, pyLen, pyStrip } from './internal/py-int.js';

/**
 * Options of a {@link RangeSet}.
 *
 * @category RangeSet
 */
export interface RangeSetOptions {
  /**
   * Use the `a-b/step` notation when at least this many equally spaced indexes are found
   * (ClusterShell's `autostep`). `undefined` turns it off.
   *
   * @defaultValue undefined
   */
  readonly autostep?: number | undefined;
}

/**
 * A Python-style slice, as returned by {@link RangeSet.slices}: `start` included, `stop` excluded.
 *
 * @category RangeSet
 */
export interface RangeSlice {
  readonly start: number;
  readonly stop: number;
  readonly step: number;
}

/** One folded run: `start..last` by `step`, printed with `pad` digits. */
interface FoldRun {
  readonly start: number;
  readonly last: number;
  readonly step: number;
  readonly pad: number;
}

/**
 * What a RangeSet operation accepts: another RangeSet, or a range set string to parse.
 *
 * @category RangeSet
 */
export type RangeSetLike = RangeSet | string;

/** Python's `slice.indices(length)`: normalized start, stop and step. */
export function sliceIndices(
  length: number,
  start: number | undefined,
  stop: number | undefined,
  step: number | undefined,
): [number, number, number] {
  const st = step ?? 1;
  if (st === 0) throw new NodeSetValueError('slice step cannot be zero');
  const lower = st < 0 ? -1 : 0;
  const upper = st < 0 ? length - 1 : length;
  const norm = (v: number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    if (v < 0) return Math.max(v + length, lower);
    return Math.min(v, upper);
  };
  return [norm(start, st < 0 ? upper : lower), norm(stop, st < 0 ? lower : upper), st];
}

/**
 * The `[start, stop)` positions of the parts of ClusterShell's `split(n)`: at most `n` parts,
 * sizes differing by one at most, the larger first.
 *
 * @throws {NodeSetValueError} when n is less than 1
 */
export function splitBounds(length: number, n: number): [number, number][] {
  if (!(n >= 1)) throw new NodeSetValueError(`cannot split into ${n} parts`);
  const parts = Math.trunc(n);
  const size = Math.floor(length / parts);
  const left = length % parts;
  const out: [number, number][] = [];
  let begin = 0;
  for (let i = 0; i < Math.min(parts, length); i++) {
    const end = begin + size + (i < left ? 1 : 0);
    out.push([begin, end]);
    begin = end;
  }
  return out;
}

/** Positions selected by a normalized slice, as an ascending progression. */
export function slicePositions(
  start: number,
  stop: number,
  step: number,
): { first: number; count: number; step: number } {
  if (step > 0) {
    const count = start < stop ? Math.ceil((stop - start) / step) : 0;
    return { first: start, count, step };
  }
  const count = start > stop ? Math.ceil((start - stop) / -step) : 0;
  return { first: start + (count - 1) * step, count, step: -step };
}

/**
 * A mutable set of indexes (the numbers inside node set brackets), with ClusterShell 1.9's
 * semantics: elements are strings, so `1`, `01` and `001` are distinct; steps, negative numbers
 * and mixed padding are supported; folding gives ClusterShell's exact text. Storage is by runs:
 * `new RangeSet('0-999999999')` holds three numbers, and counting, membership and set algebra
 * never expand the set.
 *
 * @category RangeSet
 * @example
 * ```ts
 * const rs = new RangeSet('1-10/2,12');
 * rs.toString(); // '1,3,5,7,9,12'
 * rs.size; // 6
 * new RangeSet('1,3,5,7', { autostep: 3 }).toString(); // '1-7/2'
 * ```
 */
export class RangeSet implements Iterable<string> {
  #runs: Runs = [];
  #autostep: number | undefined;
  #segments: Segment[] | undefined;
  #size = -1;

  /**
   * Creates a RangeSet from a range set string (`1-10/2,12`), an iterable of indexes (numbers or
   * strings), or another RangeSet (whose autostep is kept unless `options` gives one).
   *
   * @param pattern - what to read; omitted for an empty set
   * @param options - the autostep
   * @throws {RangeSetParseError} on a malformed string, with ClusterShell's message
   * @example
   * ```ts
   * new RangeSet('01-03,1-3').toString(); // '1-3,01-03'
   * ```
   */
  constructor(pattern?: string | Iterable<string | number> | RangeSet, options?: RangeSetOptions) {
    this.#autostep = normalizeAutostep(options?.autostep);
    if (pattern === undefined) return;
    if (pattern instanceof RangeSet) {
      this.#runs = pattern.#runs.slice();
      if (options?.autostep === undefined) this.#autostep = pattern.#autostep;
      return;
    }
    const text = typeof pattern === 'string' ? pattern : Array.from(pattern, String).join(',');
    this.#runs = parseRangeSet(text);
  }

  /**
   * Parses a range set string.
   *
   * @param pattern - a string such as `1-10/2,12`
   * @param options - the autostep
   * @returns the new RangeSet
   * @throws {RangeSetParseError} on a malformed string
   * @example
   * ```ts
   * RangeSet.parse('0-10/5').toString(); // '0,5,10'
   * ```
   */
  static parse(pattern: string, options?: RangeSetOptions): RangeSet {
    return new RangeSet(pattern, options);
  }

  /**
   * Creates a RangeSet from a list of range set strings or RangeSets (ClusterShell's `fromlist`).
   *
   * @param items - strings and RangeSets, all unioned
   * @param options - the autostep
   * @returns the new RangeSet
   * @throws {RangeSetParseError} on a malformed string
   * @example
   * ```ts
   * RangeSet.fromList(['1-3', new RangeSet('5')]).toString(); // '1-3,5'
   * ```
   */
  static fromList(items: Iterable<string | RangeSet>, options?: RangeSetOptions): RangeSet {
    const rs = new RangeSet(undefined, options);
    rs.updateN(items);
    return rs;
  }

  /**
   * Creates a RangeSet of one index (ClusterShell's `fromone`). A string keeps its own padding;
   * a number is padded to `pad` digits.
   *
   * @param index - the index
   * @param options - the autostep and the padding of a numeric index
   * @returns the new RangeSet
   * @throws {RangeSetParseError} when a string index is not an index
   * @example
   * ```ts
   * RangeSet.fromOne(5, { pad: 3 }).toString(); // '005'
   * ```
   */
  static fromOne(
    index: number | string,
    options?: RangeSetOptions & { readonly pad?: number },
  ): RangeSet {
    const rs = new RangeSet(undefined, options);
    rs.add(index, options?.pad ?? 0);
    return rs;
  }

  /**
   * Number of indexes.
   *
   * @example
   * ```ts
   * new RangeSet('0-999999999').size; // 1000000000
   * ```
   */
  get size(): number {
    if (this.#size < 0) this.#size = runsCount(this.#runs);
    return this.#size;
  }

  /**
   * The autostep threshold, or undefined when the `/step` notation is off.
   *
   * @example
   * ```ts
   * const rs = new RangeSet('1,3,5'); rs.autostep = 3; rs.toString(); // '1-5/2'
   * ```
   */
  get autostep(): number | undefined {
    return this.#autostep;
  }

  set autostep(value: number | undefined) {
    this.#autostep = normalizeAutostep(value);
  }

  /**
   * The largest padding length of the set (`1-3,001` → 3), or undefined when nothing is padded.
   * Setting it re-pads every index (undefined means no padding).
   *
   * @example
   * ```ts
   * const rs = new RangeSet('1-5'); rs.padding = 3; rs.toString(); // '001-005'
   * ```
   */
  get padding(): number | undefined {
    let pad: number | undefined;
    for (let i = 0; i < this.#runs.length; i += 3) {
      const cls = this.#runs[i] as number;
      if (cls > 0) pad = cls;
    }
    return pad;
  }

  set padding(value: number | undefined) {
    const pad = value ?? 1;
    const values: Runs = [];
    for (let i = 0; i < this.#runs.length; i += 3)
      values.push(0, this.#runs[i + 1] as number, this.#runs[i + 2] as number);
    const all = runsNormalize(values);
    const out: Runs = [];
    for (let i = 0; i < all.length; i += 3)
      addRunTo(out, all[i + 1] as number, all[i + 2] as number, pad);
    this.#set(runsNormalize(out));
  }

  /**
   * The number of dimensions: 1, or 0 when the set is empty.
   *
   * @returns 0 or 1
   * @example
   * ```ts
   * new RangeSet().dim(); // 0
   * ```
   */
  dim(): number {
    return this.#runs.length > 0 ? 1 : 0;
  }

  /**
   * The folded form, exactly as ClusterShell prints it.
   *
   * @returns the range set string, without brackets
   * @example
   * ```ts
   * new RangeSet('098-101').toString(); // '098-101'
   * ```
   */
  toString(): string {
    const runs = this.#fold(autostepThreshold(this.#autostep));
    const parts: string[] = new Array(runs.length);
    for (let i = 0; i < runs.length; i++) {
      const r = runs[i] as FoldRun;
      if (r.start === r.last) parts[i] = formatIndex(r.start, r.pad);
      else if (r.step === 1)
        parts[i] = `${formatIndex(r.start, r.pad)}-${formatIndex(r.last, r.pad)}`;
      else parts[i] = `${formatIndex(r.start, r.pad)}-${formatIndex(r.last, r.pad)}/${r.step}`;
    }
    return parts.join(',');
  }

  /**
   * Iterates over the indexes as strings, in ClusterShell's order (negative first, then by
   * length and value: `1,2,01,02`).
   *
   * @returns an iterator of index strings
   * @example
   * ```ts
   * [...new RangeSet('1-2,01')]; // ['1', '2', '01']
   * ```
   */
  *[Symbol.iterator](): IterableIterator<string> {
    for (const seg of this.segments()) {
      for (let v = seg.lo; v <= seg.hi; v++) yield formatElement(seg.cls, v);
    }
  }

  /**
   * The indexes as strings in order, in one array (faster than iterating for large sets).
   *
   * @internal
   */
  toStrings(prefix = '', suffix = ''): string[] {
    const out: string[] = new Array(this.size);
    let k = 0;
    for (const seg of this.segments()) {
      if (seg.cls === 0) for (let v = seg.lo; v <= seg.hi; v++) out[k++] = prefix + v + suffix;
      else
        for (let v = seg.lo; v <= seg.hi; v++)
          out[k++] = prefix + String(v).padStart(seg.cls, '0') + suffix;
    }
    return out;
  }

  /**
   * Iterates over the indexes as strings (the same as iterating the set).
   *
   * @returns an iterator of index strings
   * @example
   * ```ts
   * [...new RangeSet('9-10').striter()]; // ['9', '10']
   * ```
   */
  striter(): IterableIterator<string> {
    return this[Symbol.iterator]();
  }

  /**
   * Iterates over the indexes as numbers, padding dropped.
   *
   * @returns an iterator of numbers
   * @example
   * ```ts
   * [...new RangeSet('01-02').intiter()]; // [1, 2]
   * ```
   */
  *intiter(): IterableIterator<number> {
    for (const seg of this.segments()) {
      for (let v = seg.lo; v <= seg.hi; v++) yield v;
    }
  }

  /**
   * The index at position `i` (negative counts from the end), or undefined when out of range.
   *
   * @param i - a position
   * @returns the index string, or undefined
   * @example
   * ```ts
   * new RangeSet('1-10').at(-1); // '10'
   * ```
   */
  at(i: number): string | undefined {
    const n = this.size;
    const pos = i < 0 ? i + n : i;
    if (!Number.isInteger(pos) || pos < 0 || pos >= n) return undefined;
    let base = 0;
    for (const seg of this.segments()) {
      const cnt = seg.hi - seg.lo + 1;
      if (pos < base + cnt) return formatElement(seg.cls, seg.lo + pos - base);
      base += cnt;
    }
    return undefined;
  }

  /**
   * The index at position `i`, throwing when it is out of range (Python's `rs[i]`).
   *
   * @param i - a position; negative counts from the end
   * @returns the index string
   * @throws {NodeSetIndexError} when `i` is out of range
   * @example
   * ```ts
   * new RangeSet('1-10').get(2); // '3'
   * ```
   */
  get(i: number): string {
    const v = this.at(i);
    if (v === undefined) throw new NodeSetIndexError(`${i} out of range`);
    return v;
  }

  /**
   * A sub-RangeSet by positions, with Python's slice semantics (`rs[start:stop:step]`).
   *
   * @param start - first position (negative from the end)
   * @param stop - position to stop before
   * @param step - step between positions (negative walks backwards; the result is a set)
   * @returns a new RangeSet with the same autostep
   * @throws {NodeSetValueError} when step is 0
   * @example
   * ```ts
   * new RangeSet('1-10').slice(2, 5).toString(); // '3-5'
   * new RangeSet('1-10').slice(undefined, undefined, 3).toString(); // '1,4,7,10'
   * ```
   */
  slice(start?: number, stop?: number, step?: number): RangeSet {
    const [a, b, s] = sliceIndices(this.size, start, stop, step);
    const { first, count, step: st } = slicePositions(a, b, s);
    const out = new RangeSet(undefined, { autostep: this.#autostep });
    if (count === 0) return out;
    const lastPos = first + (count - 1) * st;
    const triples: Runs = [];
    let base = 0;
    for (const seg of this.segments()) {
      const cnt = seg.hi - seg.lo + 1;
      const segEnd = base + cnt - 1;
      if (segEnd >= first && base <= lastPos) {
        // first selected position inside this segment
        const from = base <= first ? first : first + Math.ceil((base - first) / st) * st;
        const to = Math.min(segEnd, lastPos);
        if (from <= to) {
          if (st === 1) triples.push(seg.cls, seg.lo + from - base, seg.lo + to - base);
          else
            for (let p = from; p <= to; p += st)
              triples.push(seg.cls, seg.lo + p - base, seg.lo + p - base);
        }
      }
      base += cnt;
      if (base > lastPos) break;
    }
    out.#set(runsNormalize(triples));
    return out;
  }

  /**
   * Splits the set into at most `n` parts of sizes that differ by at most one, the larger first.
   *
   * @param n - the number of parts wanted (at least 1)
   * @returns the parts, in order
   * @throws {NodeSetValueError} when n is less than 1
   * @example
   * ```ts
   * new RangeSet('1-5').split(3).map(String); // ['1-2', '3-4', '5']
   * ```
   */
  split(n: number): RangeSet[] {
    return splitBounds(this.size, n).map(([a, b]) => this.slice(a, b));
  }

  /**
   * The contiguous sub-ranges of the set (`1-3,5-7,9` → `1-3`, `5-7`, `9`).
   *
   * @returns one RangeSet per contiguous run, in order
   * @example
   * ```ts
   * new RangeSet('1-3,5-7,9').contiguous().map(String); // ['1-3', '5-7', '9']
   * ```
   */
  contiguous(): RangeSet[] {
    // as in ClusterShell, the last run is kept whole when it meets the set's own autostep
    const runs = this.#fold(Number.POSITIVE_INFINITY, autostepThreshold(this.#autostep));
    return runs.map((r) => {
      const rs = new RangeSet();
      const out: Runs = [];
      if (r.step === 1) addRunTo(out, r.start, r.last, r.pad);
      else for (let v = r.start; v <= r.last; v += r.step) addRunTo(out, v, v, r.pad);
      rs.#set(runsNormalize(out));
      return rs;
    });
  }

  /**
   * The folded runs as slices (`start`, `stop` excluded, `step`), padding dropped, as
   * ClusterShell's `slices()`.
   *
   * @returns the slices, in order
   * @example
   * ```ts
   * new RangeSet('1-3,5').slices(); // [{start: 1, stop: 4, step: 1}, {start: 5, stop: 6, step: 1}]
   * ```
   */
  slices(): RangeSlice[] {
    return this.#fold(autostepThreshold(this.#autostep)).map((r) => ({
      start: r.start,
      stop: r.last + 1,
      step: r.step,
    }));
  }

  /**
   * Whether an index (a number, or a string with its own padding) or every index of another
   * RangeSet is in this set.
   *
   * @param x - an index or a RangeSet
   * @returns true when contained
   * @example
   * ```ts
   * new RangeSet('1-5').has(3); // true
   * new RangeSet('1-5').has('03'); // false
   * ```
   */
  has(x: number | string | RangeSet): boolean {
    if (x instanceof RangeSet) return runsIsSubset(x.#runs, this.#runs);
    const e = parseElement(String(x));
    return e !== undefined && runsHas(this.#runs, e[0], e[1]);
  }

  /**
   * A new set with the indexes of both sets.
   *
   * @param other - a RangeSet or a range set string
   * @returns the union, with this set's autostep
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('1-3').union('5').toString(); // '1-3,5'
   * ```
   */
  union(other: RangeSetLike): RangeSet {
    return this.#derive(runsUnion(this.#runs, toRuns(other)));
  }

  /**
   * A new set with the indexes common to both sets.
   *
   * @param other - a RangeSet or a range set string
   * @returns the intersection
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('1-5').intersection('4-9').toString(); // '4-5'
   * ```
   */
  intersection(other: RangeSetLike): RangeSet {
    return this.#derive(runsIntersection(this.#runs, toRuns(other)));
  }

  /**
   * A new set with the indexes of this set that are not in `other`.
   *
   * @param other - a RangeSet or a range set string
   * @returns the difference
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('1-5').difference('2').toString(); // '1,3-5'
   * ```
   */
  difference(other: RangeSetLike): RangeSet {
    return this.#derive(runsDifference(this.#runs, toRuns(other)));
  }

  /**
   * A new set with the indexes in exactly one of the two sets.
   *
   * @param other - a RangeSet or a range set string
   * @returns the symmetric difference
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('1-5').symmetricDifference('4-7').toString(); // '1-3,6-7'
   * ```
   */
  symmetricDifference(other: RangeSetLike): RangeSet {
    return this.#derive(runsSymmetricDifference(this.#runs, toRuns(other)));
  }

  /**
   * Adds every index of `other` (in place).
   *
   * @param other - a RangeSet, a range set string, or an iterable of indexes
   * @returns this set
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('1').update('2-3').toString(); // '1-3'
   * ```
   */
  update(other: RangeSetLike | Iterable<string | number>): this {
    this.#set(runsUnion(this.#runs, toRuns(other)));
    return this;
  }

  /**
   * Adds every index of several sets or strings (ClusterShell's `updaten`).
   *
   * @param others - RangeSets and range set strings
   * @returns this set
   * @throws {RangeSetParseError} when a string is malformed
   * @example
   * ```ts
   * new RangeSet().updateN(['1', '3-4']).toString(); // '1,3-4'
   * ```
   */
  updateN(others: Iterable<RangeSetLike>): this {
    let runs = this.#runs;
    for (const o of others) runs = runsUnion(runs, toRuns(o));
    this.#set(runs);
    return this;
  }

  /**
   * Keeps only the indexes also in `other` (in place).
   *
   * @param other - a RangeSet or a range set string
   * @returns this set
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('1-5').intersectionUpdate('3-9').toString(); // '3-5'
   * ```
   */
  intersectionUpdate(other: RangeSetLike): this {
    this.#set(runsIntersection(this.#runs, toRuns(other)));
    return this;
  }

  /**
   * Removes the indexes of `other` (in place). With `strict`, every index of `other` must be in
   * this set.
   *
   * @param other - a RangeSet or a range set string
   * @param options - `strict` to refuse removing what is not there
   * @returns this set
   * @throws {NodeSetKeyError} in strict mode, naming an index that is not in this set
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('1-5').differenceUpdate('4-9').toString(); // '1-3'
   * ```
   */
  differenceUpdate(other: RangeSetLike, options?: { readonly strict?: boolean }): this {
    const o = toRuns(other);
    if (options?.strict) {
      const missing = runsDifference(o, this.#runs);
      if (missing.length > 0)
        throw new NodeSetKeyError(formatElement(missing[0] as number, missing[1] as number));
    }
    this.#set(runsDifference(this.#runs, o));
    return this;
  }

  /**
   * Keeps the indexes in exactly one of the two sets (in place).
   *
   * @param other - a RangeSet or a range set string
   * @returns this set
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('1-5').symmetricDifferenceUpdate('4-7').toString(); // '1-3,6-7'
   * ```
   */
  symmetricDifferenceUpdate(other: RangeSetLike): this {
    this.#set(runsSymmetricDifference(this.#runs, toRuns(other)));
    return this;
  }

  /**
   * Adds one index: a string is kept as written (`'05'`), a number is padded to `pad` digits.
   *
   * @param elem - the index
   * @param pad - zero padding for a numeric index
   * @returns this set
   * @throws {RangeSetParseError} when `elem` is not an index
   * @example
   * ```ts
   * new RangeSet().add(7, 2).toString(); // '07'
   * ```
   */
  add(elem: number | string, pad = 0): this {
    const [cls, v] = elementOf(elem, pad);
    if (!runsHas(this.#runs, cls, v)) this.#set(runsUnion(this.#runs, [cls, v, v]));
    return this;
  }

  /**
   * Adds the indexes `start`, `start + step`, … below `stop` (like Python's `range()`), padded to
   * `pad` digits.
   *
   * @param start - first index
   * @param stop - the bound, excluded
   * @param step - the step, at least 1
   * @param pad - zero padding
   * @returns this set
   * @throws {NodeSetValueError} when start is not below stop or step is below 1
   * @example
   * ```ts
   * new RangeSet().addRange(1, 10, 4).toString(); // '1,5,9'
   * ```
   */
  addRange(start: number, stop: number, step = 1, pad = 0): this {
    if (!(start < stop)) throw new NodeSetValueError('please provide ordered node index ranges');
    if (!(step >= 1)) throw new NodeSetValueError('step must be at least 1');
    const out: Runs = [];
    if (step === 1) addRunTo(out, start, stop - 1, pad);
    else for (let v = start; v < stop; v += step) addRunTo(out, v, v, pad);
    this.#set(runsUnion(this.#runs, runsNormalize(out)));
    return this;
  }

  /**
   * Removes one index, which must be in the set.
   *
   * @param elem - the index (a string as written, or a number padded to `pad`)
   * @param pad - zero padding for a numeric index
   * @returns this set
   * @throws {NodeSetKeyError} when the index is not in the set
   * @example
   * ```ts
   * new RangeSet('1-3').remove(2).toString(); // '1,3'
   * ```
   */
  remove(elem: number | string, pad = 0): this {
    const e = tryElementOf(elem, pad);
    if (e === undefined || !runsHas(this.#runs, e[0], e[1]))
      throw new NodeSetKeyError(String(elem));
    this.#set(runsDifference(this.#runs, [e[0], e[1], e[1]]));
    return this;
  }

  /**
   * Removes one index if it is in the set.
   *
   * @param elem - the index (a string as written, or a number padded to `pad`)
   * @param pad - zero padding for a numeric index
   * @returns this set
   * @example
   * ```ts
   * new RangeSet('1-3').discard(9).toString(); // '1-3'
   * ```
   */
  discard(elem: number | string, pad = 0): this {
    const e = tryElementOf(elem, pad);
    if (e !== undefined && runsHas(this.#runs, e[0], e[1])) {
      this.#set(runsDifference(this.#runs, [e[0], e[1], e[1]]));
    }
    return this;
  }

  /**
   * Removes every index.
   *
   * @returns this set
   * @example
   * ```ts
   * new RangeSet('1-3').clear().size; // 0
   * ```
   */
  clear(): this {
    this.#set([]);
    return this;
  }

  /**
   * A copy of this set, with the same autostep.
   *
   * @returns the copy
   * @example
   * ```ts
   * const a = new RangeSet('1-3'); const b = a.copy(); b.add(4); a.size; // 3
   * ```
   */
  copy(): RangeSet {
    return this.#derive(this.#runs.slice());
  }

  /**
   * Whether both sets hold the same indexes (padding counts: `1-3` differs from `01-03`).
   *
   * @param other - a RangeSet or a range set string
   * @returns true when equal
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('1-3').equals('1,2,3'); // true
   * ```
   */
  equals(other: RangeSetLike): boolean {
    return runsEqual(this.#runs, toRuns(other));
  }

  /**
   * Whether every index of this set is in `other`.
   *
   * @param other - a RangeSet or a range set string
   * @returns true when this set is a subset
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('2-3').isSubsetOf('1-5'); // true
   * ```
   */
  isSubsetOf(other: RangeSetLike): boolean {
    return runsIsSubset(this.#runs, toRuns(other));
  }

  /**
   * Whether every index of `other` is in this set.
   *
   * @param other - a RangeSet or a range set string
   * @returns true when this set is a superset
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('1-5').isSupersetOf('2-3'); // true
   * ```
   */
  isSupersetOf(other: RangeSetLike): boolean {
    return runsIsSubset(toRuns(other), this.#runs);
  }

  /**
   * Whether the two sets share no index.
   *
   * @param other - a RangeSet or a range set string
   * @returns true when disjoint
   * @throws {RangeSetParseError} when `other` is a malformed string
   * @example
   * ```ts
   * new RangeSet('1-3').isDisjointFrom('4-5'); // true
   * ```
   */
  isDisjointFrom(other: RangeSetLike): boolean {
    return runsIsDisjoint(this.#runs, toRuns(other));
  }

  /**
   * The runs of the set in ClusterShell's order, split where the written width changes.
   *
   * @internal
   */
  segments(): readonly Segment[] {
    if (this.#segments === undefined) this.#segments = buildSegments(this.#runs);
    return this.#segments;
  }

  /** @internal The raw runs (do not mutate). */
  get runs(): Readonly<Runs> {
    return this.#runs;
  }

  /**
   * Creates a RangeSet from runs that are already normalized (no copy).
   *
   * @internal
   */
  static fromRuns(runs: Runs, autostep?: number): RangeSet {
    const rs = new RangeSet(undefined, { autostep });
    rs.#runs = runs;
    return rs;
  }

  /** First element string in ClusterShell order (the set must not be empty). @internal */
  firstString(): string {
    const s = this.segments()[0] as Segment;
    return formatElement(s.cls, s.lo);
  }

  /** Last element string in ClusterShell order (the set must not be empty). @internal */
  lastString(): string {
    const segs = this.segments();
    const s = segs[segs.length - 1] as Segment;
    return formatElement(s.cls, s.hi);
  }

  #derive(runs: Runs): RangeSet {
    return RangeSet.fromRuns(runs, this.#autostep);
  }

  #set(runs: Runs): void {
    this.#runs = runs;
    this.#segments = undefined;
    this.#size = -1;
  }

  /**
   * Folds the set into runs, as ClusterShell does, given the internal autostep threshold (and the
   * one ClusterShell applies to the last run, which differs for `contiguous()`).
   */
  #fold(threshold: number, lastThreshold = threshold): FoldRun[] {
    const out: FoldRun[] = [];
    let started = false;
    let curStart = 0;
    let curStep = 0; // 0 means no step yet
    let last = 0;
    let curPadded = false;
    let curPad = 0;
    const feed = (idx: number, width: number, padded: boolean): void => {
      if (!started) {
        started = true;
        curPadded = padded;
        curPad = width;
        curStart = idx;
        curStep = 0;
        last = idx;
        return;
      }
      const padMismatch = curPadded ? width !== curPad : padded;
      const stepMismatch = !padMismatch && curStep !== 0 && curStep !== idx - last;
      if (padMismatch || stepMismatch) {
        const pad = curPadded ? curPad : 0;
        const step = curStep === 0 ? 1 : curStep;
        const stepped = curStep === 0 || curStep === 1 || last - curStart >= threshold * curStep;
        if (stepped) {
          out.push({ start: curStart, last, step, pad });
          curStart = idx;
          curPadded = padded;
          curPad = width;
        } else {
          const stop = padMismatch ? last : last - step;
          for (let j = curStart; j <= stop; j += step)
            out.push({ start: j, last: j, step: 1, pad });
          if (padMismatch) {
            curStart = idx;
            curPadded = padded;
            curPad = width;
          } else {
            curStart = last;
          }
        }
        curStep = stepMismatch ? idx - last : 0;
        last = idx;
        return;
      }
      curStep = idx - last;
      last = idx;
    };
    for (const seg of this.segments()) {
      feed(seg.lo, seg.width, seg.padded);
      if (seg.hi > seg.lo) feed(seg.lo + 1, seg.width, seg.padded);
      if (seg.hi > seg.lo + 1) {
        // inside a segment every next index continues a run of step 1
        curStep = 1;
        last = seg.hi;
      }
    }
    if (started) {
      const pad = curPadded ? curPad : 0;
      if (curStep === 0) out.push({ start: curStart, last, step: 1, pad });
      else if (curStep === 1 || last - curStart >= lastThreshold * curStep) {
        out.push({ start: curStart, last, step: curStep, pad });
      } else {
        for (let j = curStart; j <= last; j += curStep)
          out.push({ start: j, last: j, step: 1, pad });
      }
    }
    return out;
  }
}

/** `a` or `a-b` in ASCII digits, nothing else: most range strings. */
const SIMPLE_RANGE = /^(\d{1,15})(?:-(\d{1,15}))?$/;

/** The internal threshold of ClusterShell's fold: autostep - 1, or +Infinity when off. */
function autostepThreshold(autostep: number | undefined): number {
  return autostep === undefined ? Number.POSITIVE_INFINITY : autostep - 1;
}

function normalizeAutostep(value: number | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isFinite(value) || value >= 1e100) return undefined;
  return Math.trunc(value);
}

/** Adds the run `lo..hi` written with `pad` digits: values that get a leading zero go to class `pad`. */
function addRunTo(out: Runs, lo: number, hi: number, pad: number): void {
  if (pad < 2 || hi < 0) {
    out.push(0, lo, hi);
    return;
  }
  if (lo < 0) {
    out.push(0, lo, -1);
    lo = 0;
  }
  const limit = 10 ** (pad - 1);
  if (lo < limit) out.push(pad, lo, Math.min(hi, limit - 1));
  if (hi >= limit) out.push(0, Math.max(lo, limit), hi);
}

function tryElementOf(elem: number | string, pad: number): [number, number] | undefined {
  if (typeof elem === 'string') return parseElement(elem);
  if (!Number.isSafeInteger(elem)) return undefined;
  return [classOf(elem, pad), elem];
}

function elementOf(elem: number | string, pad: number): [number, number] {
  const e = tryElementOf(elem, pad);
  if (e === undefined) {
    throw new RangeSetParseError('cannot convert string to integer', {
      input: String(elem),
      part: String(elem),
    });
  }
  return e;
}

function toRuns(other: RangeSetLike | Iterable<string | number>): Runs {
  if (other instanceof RangeSet) return other.runs as Runs;
  if (typeof other === 'string') return parseRangeSet(other);
  return parseRangeSet(Array.from(other, String).join(','));
}

/** Splits the runs into segments in ClusterShell's element order. */
function buildSegments(runs: RunsView): Segment[] {
  const out: Segment[] = [];
  let sorted = true;
  let prevKey = -Infinity;
  for (let i = 0; i < runs.length; i += 3) {
    const cls = runs[i] as number;
    let lo = runs[i + 1] as number;
    const hi = runs[i + 2] as number;
    if (cls > 0) {
      out.push({ cls, lo, hi, width: cls, padded: true });
    } else {
      if (lo < 0) {
        out.push({ cls: 0, lo, hi: Math.min(hi, -1), width: 0, padded: false });
        if (hi < 0) continue;
        lo = 0;
      }
      let w = digitCount(lo);
      while (lo <= hi) {
        const top = Math.min(hi, w >= 16 ? MAX_INDEX : 10 ** w - 1);
        out.push({ cls: 0, lo, hi: top, width: w, padded: false });
        lo = top + 1;
        w++;
      }
    }
  }
  // order: negatives, then by width, padded before plain, then by value
  for (const seg of out) {
    const key = segmentKey(seg);
    if (key < prevKey) {
      sorted = false;
      break;
    }
    prevKey = key;
  }
  if (!sorted) out.sort((a, b) => segmentKey(a) - segmentKey(b) || a.lo - b.lo);
  return out;
}

/** Sort key of a segment by (negative first, width, padded first); `lo` breaks ties. */
function segmentKey(seg: Segment): number {
  if (seg.lo < 0 && !seg.padded) return -1;
  return seg.width * 2 + (seg.padded ? 0 : 1);
}

/**
 * Parses a range set string into runs, with ClusterShell 1.9.1's rules and error messages.
 *
 * @internal
 */
export function parseRangeSet(pattern: string): Runs {
  const triples: Runs = [];
  let offset = 0;
  for (const raw of pattern.split(',')) {
    const position = offset + (raw.length - raw.trimStart().length);
    offset += raw.length + 1;
    const simple = SIMPLE_RANGE.exec(raw);
    if (simple !== null) {
      // fast path for `a` and `a-b` in plain ASCII digits, same rules as below
      const a = simple[1] as string;
      const b = simple[2] ?? a;
      const padA = a.length > 1 && a.charCodeAt(0) === 48 ? a.length : 0;
      const padB = b.length > 1 && b.charCodeAt(0) === 48 ? b.length : 0;
      const va = Number(a);
      const vb = Number(b);
      if ((padA === 0 && padB === 0) || (a.length === b.length && va > 0 && vb > 0)) {
        if (va <= vb && vb <= MAX_INDEX) {
          addRunTo(triples, va, vb, padA);
          continue;
        }
      }
    }
    const subrange = pyStrip(raw);
    const fail = (reason: string): never => {
      throw new RangeSetParseError(reason, {
        input: pattern,
        part: subrange || undefined,
        position,
      });
    };
    let baserange: string;
    let stepText: string;
    const slash = subrange.indexOf('/');
    if (slash < 0) {
      baserange = subrange;
      stepText = '1';
    } else {
      baserange = subrange.slice(0, slash);
      stepText = subrange.slice(slash + 1);
    }
    const step = pyInt(stepText);
    if (step === undefined) fail('cannot convert string to integer');
    let beginSign = 1;
    let endSign = 1;
    let begin: string;
    let end: string;
    if (!baserange.includes('-')) {
      if (step !== 1) fail('invalid step usage');
      begin = baserange;
      end = baserange;
    } else {
      const parts = baserange.split('-').map(pyStrip);
      if (parts.length === 2) {
        begin = parts[0] as string;
        end = parts[1] as string;
        if (!begin) {
          begin = end;
          beginSign = -1;
          endSign = -1;
        }
      } else if (parts.length === 3) {
        begin = parts[1] as string;
        end = parts[2] as string;
        beginSign = -1;
      } else if (parts.length === 4) {
        begin = parts[1] as string;
        end = parts[3] as string;
        beginSign = -1;
        endSign = -1;
      } else {
        // ClusterShell lets Python's unpacking error through (the CLI prints `ERROR: …`)
        throw new NodeSetValueError('too many values to unpack (expected 4)');
      }
    }
    const convFail = (): never =>
      fail(subrange.length === 0 ? 'empty range' : 'cannot convert string to integer');
    const beginInt = pyInt(begin);
    if (beginInt === undefined) convFail();
    let pad = 0;
    let start: number;
    if (beginInt !== 0) {
      const begins = begin.replace(/^0+/, '');
      if (begin.length - begins.length > 0) pad = pyLen(begin);
      const s = pyInt(begins);
      if (s === undefined) convFail();
      start = s as number;
    } else {
      if (pyLen(begin) > 1) pad = pyLen(begin);
      start = 0;
    }
    const endInt = pyInt(end);
    if (endInt === undefined) convFail();
    const ends = endInt !== 0 ? end.replace(/^0+/, '') : end;
    const endpad = end.length - ends.length > 0 ? pyLen(end) : 0;
    if ((pad > 0 || endpad > 0) && pyLen(begin) !== pyLen(end)) fail('padding length mismatch');
    const stopAbs = pyInt(ends);
    if (stopAbs === undefined) convFail();
    if (pad > 0 && beginSign < 0) fail('padding not supported in negative ranges');
    const first = start * beginSign;
    const last = (stopAbs as number) * endSign;
    if (exceedsGoogol(Array.from(ends.trim())) || first > last || (step as number) < 1)
      fail('invalid values in range');
    if (Math.abs(first) > MAX_INDEX || Math.abs(last) > MAX_INDEX) {
      fail('index too large (above 2^53)');
    }
    const st = step as number;
    if (st === 1) addRunTo(triples, first, last, pad);
    else for (let v = first; v <= last; v += st) addRunTo(triples, v, v, pad);
  }
  return runsNormalize(triples);
}
