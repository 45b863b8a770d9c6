import { NodeSetIndexError, NodeSetKeyError } from './errors.js';
import { type Runs, runsHas } from './internal/intervals.js';
import { foldTuples, type PointBuffer } from './internal/nd-fold.js';
import { RangeSet, type RangeSetOptions, sliceIndices, slicePositions } from './range-set.js';

/**
 * Options of a {@link RangeSetND}.
 *
 * @category RangeSet
 */
export interface RangeSetNDOptions extends RangeSetOptions {
  /** Zero padding of each axis, for vectors given as numbers. */
  readonly pads?: readonly number[] | undefined;
}

/** One vector of the set: a cartesian product of one RangeSet per axis. */
type Vector = RangeSet[];

/**
 * A mutable set of n-dimensional indexes (the digit runs of names like `r1c2n3`), held as a
 * union of cartesian products of RangeSets ("vectors"), with ClusterShell 1.9's semantics.
 * The folded form is ClusterShell's, to the byte: the same vectors in the same order.
 *
 * @category RangeSet
 * @example
 * ```ts
 * const nd = new RangeSetND([['0-3', '4-10']]);
 * nd.size; // 28
 * nd.toString(); // '0-3; 4-10\n'
 * new RangeSetND([[0, 4], [0, 5], [1, 4], [1, 5]]).toString(); // '0-1; 4-5\n'
 * ```
 */
export class RangeSetND implements Iterable<string[]> {
  #vecs: Vector[] = [];
  /** Single tuples not yet folded into #vecs (from NodeSet.fromList). */
  #points: PointBuffer | undefined;
  #dirty = true;
  #autostep: number | undefined;
  #multivarHint = false;

  /**
   * Creates a RangeSetND from vectors: each vector is a list of range set strings, of RangeSets
   * (copied), or of numbers (padded with `options.pads`).
   *
   * @param vectors - the vectors, all of the same length
   * @param options - the autostep and the paddings
   * @throws {RangeSetParseError} on a malformed range set string
   * @example
   * ```ts
   * new RangeSetND([['1-2', '3'], ['4', '3']]).toString(); // '1-2,4; 3\n'
   * ```
   */
  constructor(
    vectors?: Iterable<ReadonlyArray<string | number | RangeSet>>,
    options?: RangeSetNDOptions,
  ) {
    this.#autostep = options?.autostep;
    if (vectors === undefined) return;
    const pads = options?.pads;
    for (const vec of vectors) {
      if (vec.length === 0) continue;
      this.#vecs.push(
        vec.map((rg, axis) => {
          // a RangeSet keeps its own autostep, as in ClusterShell
          if (rg instanceof RangeSet) return rg.copy();
          if (typeof rg === 'string') return new RangeSet(rg, { autostep: this.#autostep });
          return RangeSet.fromOne(rg, { autostep: this.#autostep, pad: pads?.[axis] ?? 0 });
        }),
      );
    }
  }

  /**
   * Creates a RangeSetND that takes ownership of its vectors (no copy).
   *
   * @internal
   */
  static fromVectors(vecs: RangeSet[][], autostep: number | undefined): RangeSetND {
    const nd = new RangeSetND(undefined, { autostep });
    nd.#vecs = vecs;
    nd.#dirty = true;
    return nd;
  }

  /**
   * Creates a RangeSetND from single tuples given as flat arrays (folded when first needed).
   *
   * @internal
   */
  static fromPoints(points: PointBuffer, autostep: number | undefined): RangeSetND {
    const nd = new RangeSetND(undefined, { autostep });
    if (points.val.length > 0) nd.#points = points;
    return nd;
  }

  /**
   * Number of n-dimensional indexes.
   *
   * @example
   * ```ts
   * new RangeSetND([['1-10', '1-10']]).size; // 100
   * ```
   */
  get size(): number {
    let n = 0;
    for (const vec of this.#folded()) n += vectorSize(vec);
    return n;
  }

  /**
   * The autostep threshold of every axis, or undefined when the `/step` notation is off.
   *
   * @example
   * ```ts
   * new RangeSetND([['1,3,5', '1']], { autostep: 3 }).toString(); // '1-5/2; 1\n'
   * ```
   */
  get autostep(): number | undefined {
    return this.#autostep;
  }

  set autostep(value: number | undefined) {
    this.#autostep = value;
    for (const vec of this.#vecs) for (const rg of vec) rg.autostep = value;
  }

  /**
   * The number of axes, or 0 when empty.
   *
   * @returns the dimension
   * @example
   * ```ts
   * new RangeSetND([['1', '2', '3']]).dim(); // 3
   * ```
   */
  dim(): number {
    return this.#vecs[0]?.length ?? this.#points?.dim ?? 0;
  }

  /**
   * The largest padding of each axis (0 where nothing is padded).
   *
   * @returns one padding per axis
   * @example
   * ```ts
   * new RangeSetND([['01-02', '3']]).pads(); // [2, 0]
   * ```
   */
  pads(): number[] {
    const vecs = this.#folded();
    const out: number[] = [];
    for (const vec of vecs) {
      vec.forEach((rg, i) => {
        out[i] = Math.max(out[i] ?? 0, rg.padding ?? 0);
      });
    }
    return out;
  }

  /**
   * The folded vectors, as ClusterShell orders them (largest first).
   *
   * @returns the vectors; do not modify their RangeSets
   * @example
   * ```ts
   * new RangeSetND([['1', '1'], ['2', '2']]).vectors().length; // 2
   * ```
   */
  vectors(): readonly (readonly RangeSet[])[] {
    return this.#folded();
  }

  /**
   * The folded form: one line per vector, axes joined by `; `, each line ending with a newline.
   *
   * @returns the text
   * @example
   * ```ts
   * new RangeSetND([['0-3', '4-10']]).toString(); // '0-3; 4-10\n'
   * ```
   */
  toString(): string {
    let out = '';
    for (const vec of this.#folded()) out += `${vec.map(String).join('; ')}\n`;
    return out;
  }

  /**
   * Iterates over the indexes as tuples of strings, vector by vector, the last axis fastest.
   *
   * @returns an iterator of tuples
   * @example
   * ```ts
   * [...new RangeSetND([['0-1', '4']])]; // [['0', '4'], ['1', '4']]
   * ```
   */
  *[Symbol.iterator](): IterableIterator<string[]> {
    for (const vec of this.#folded()) yield* product(vec.map((rg) => [...rg]));
  }

  /**
   * Iterates over the tuples with the largest padding of each axis of their vector
   * (ClusterShell's `iter_padding()`).
   *
   * @returns an iterator of `[tuple, paddings]` pairs
   * @example
   * ```ts
   * [...new RangeSetND([['01-02', '3']]).iterPadding()][0]; // [['01', '3'], [2, undefined]]
   * ```
   */
  *iterPadding(): IterableIterator<[string[], (number | undefined)[]]> {
    for (const vec of this.#folded()) {
      const pads = vec.map((rg) => rg.padding);
      for (const t of product(vec.map((rg) => [...rg]))) yield [t, pads];
    }
  }

  /**
   * Folds the vectors now (ClusterShell's explicit `fold()`); folding otherwise happens when
   * the vectors are first read.
   *
   * @returns this set
   * @example
   * ```ts
   * new RangeSetND([['1', '1'], ['2', '1']]).fold().vectors().length; // 1
   * ```
   */
  fold(): this {
    this.#folded();
    return this;
  }

  /**
   * The tuple at position `i` (negative from the end), or undefined when out of range.
   *
   * @param i - a position
   * @returns the tuple, or undefined
   * @example
   * ```ts
   * new RangeSetND([['0-1', '4-5']]).at(1); // ['0', '5']
   * ```
   */
  at(i: number): string[] | undefined {
    const n = this.size;
    const pos = i < 0 ? i + n : i;
    if (!Number.isInteger(pos) || pos < 0 || pos >= n) return undefined;
    let base = 0;
    for (const vec of this.#folded()) {
      const cnt = vectorSize(vec);
      if (pos < base + cnt) return vectorAt(vec, pos - base);
      base += cnt;
    }
    return undefined;
  }

  /**
   * The tuple at position `i`, throwing when out of range.
   *
   * @param i - a position; negative counts from the end
   * @returns the tuple
   * @throws {NodeSetIndexError} when `i` is out of range
   * @example
   * ```ts
   * new RangeSetND([['0-1', '4-5']]).get(-1); // ['1', '5']
   * ```
   */
  get(i: number): string[] {
    const v = this.at(i);
    if (v === undefined) throw new NodeSetIndexError(`${i} out of range`);
    return v;
  }

  /**
   * A sub-RangeSetND by positions, with Python's slice semantics.
   *
   * @param start - first position
   * @param stop - position to stop before
   * @param step - step between positions
   * @returns the new RangeSetND
   * @throws {NodeSetValueError} when step is 0
   * @example
   * ```ts
   * new RangeSetND([['0-1', '4-5']]).slice(0, 2).toString(); // '0; 4-5\n'
   * ```
   */
  slice(start?: number, stop?: number, step?: number): RangeSetND {
    const [a, b, s] = sliceIndices(this.size, start, stop, step);
    const { first, count, step: st } = slicePositions(a, b, s);
    const points: string[][] = [];
    let base = 0;
    for (const vec of this.#folded()) {
      const cnt = vectorSize(vec);
      const lastPos = first + (count - 1) * st;
      for (let p = Math.max(first, base); p <= Math.min(lastPos, base + cnt - 1); p++) {
        if ((p - first) % st === 0) points.push(vectorAt(vec, p - base));
      }
      base += cnt;
    }
    return new RangeSetND(points, { autostep: this.#autostep });
  }

  /**
   * The contiguous sub-sets, axis after axis (ClusterShell's `contiguous()`).
   *
   * @returns one RangeSetND per contiguous box
   * @example
   * ```ts
   * new RangeSetND([['1-2,4', '1']]).contiguous().map(String); // ['1-2; 1\n', '4; 1\n']
   * ```
   */
  contiguous(): RangeSetND[] {
    let vecs: RangeSet[][] = this.#folded().map((v) => v.slice());
    const dim = this.dim();
    for (let d = 0; d < dim; d++) {
      const next: RangeSet[][] = [];
      for (const vec of vecs) {
        for (const part of (vec[d] as RangeSet).contiguous()) {
          const nv = vec.slice();
          nv[d] = part;
          next.push(nv);
        }
      }
      vecs = next;
    }
    return vecs.map((v) => new RangeSetND([v]));
  }

  /**
   * Whether a tuple (of index strings) or every tuple of another RangeSetND is in this set.
   *
   * @param x - a tuple or a RangeSetND
   * @returns true when contained
   * @example
   * ```ts
   * new RangeSetND([['1-3', '1-3']]).has(['2', '2']); // true
   * ```
   */
  has(x: RangeSetND | readonly (string | number)[]): boolean {
    const other = x instanceof RangeSetND ? x : new RangeSetND([x.map(String)]);
    return this.isSupersetOf(other);
  }

  /**
   * Forgets the set's own autostep but keeps each RangeSet's (what ClusterShell's copy does).
   *
   * @internal
   */
  dropOwnAutostep(): void {
    this.#autostep = undefined;
  }

  /**
   * Whether the tuple given as (class, value) per axis is in the set.
   *
   * @internal
   */
  hasTuple(cls: readonly number[], val: readonly number[]): boolean {
    for (const vec of this.#folded()) {
      let inside = true;
      for (let d = 0; d < vec.length; d++) {
        if (!runsHas((vec[d] as RangeSet).runs as Runs, cls[d] as number, val[d] as number)) {
          inside = false;
          break;
        }
      }
      if (inside) return true;
    }
    return false;
  }

  /**
   * Whether every tuple of this set is in `other`.
   *
   * @param other - a RangeSetND
   * @returns true when a subset
   * @example
   * ```ts
   * new RangeSetND([['1', '1']]).isSubsetOf(new RangeSetND([['1-2', '1-2']])); // true
   * ```
   */
  isSubsetOf(other: RangeSetND): boolean {
    return other.isSupersetOf(this);
  }

  /**
   * Whether every tuple of `other` is in this set.
   *
   * @param other - a RangeSetND
   * @returns true when a superset
   * @example
   * ```ts
   * new RangeSetND([['1-2', '1-2']]).isSupersetOf(new RangeSetND([['1', '1']])); // true
   * ```
   */
  isSupersetOf(other: RangeSetND): boolean {
    if (other.#raw().length === 0) return true;
    return subtractVectors(other.#raw(), this.#raw()).length === 0;
  }

  /**
   * Whether the two sets share no tuple.
   *
   * @param other - a RangeSetND
   * @returns true when disjoint
   * @example
   * ```ts
   * new RangeSetND([['1', '1']]).isDisjointFrom(new RangeSetND([['2', '1']])); // true
   * ```
   */
  isDisjointFrom(other: RangeSetND): boolean {
    return intersectVectors(this.#raw(), other.#raw()).length === 0;
  }

  /**
   * Whether both sets hold the same tuples.
   *
   * @param other - a RangeSetND
   * @returns true when equal
   * @example
   * ```ts
   * new RangeSetND([['1-2', '1']]).equals(new RangeSetND([['1', '1'], ['2', '1']])); // true
   * ```
   */
  equals(other: RangeSetND): boolean {
    return this.size === other.size && this.isSubsetOf(other);
  }

  /**
   * A copy, folded the same way.
   *
   * @returns the copy
   * @example
   * ```ts
   * new RangeSetND([['1', '1']]).copy().size; // 1
   * ```
   */
  copy(): RangeSetND {
    // ClusterShell's copy keeps each RangeSet's autostep but not the set's own
    const nd = RangeSetND.fromVectors(
      this.#vecs.map((v) => v.map((rg) => rg.copy())),
      undefined,
    );
    nd.#points = this.#points;
    nd.#dirty = this.#dirty;
    return nd;
  }

  /**
   * Adds every tuple of `other` (in place).
   *
   * @param other - a RangeSetND
   * @returns this set
   * @example
   * ```ts
   * new RangeSetND([['1', '1']]).update(new RangeSetND([['2', '1']])).toString(); // '1-2; 1\n'
   * ```
   */
  update(other: RangeSetND): this {
    const vecs = this.#raw();
    for (const vec of other.#raw()) {
      vecs.push(
        vec.map((rg) => {
          const c = rg.copy();
          c.autostep = this.#autostep;
          return c;
        }),
      );
    }
    this.#dirty = true;
    if (!this.#multivarHint) this.#foldUnivariate();
    return this;
  }

  /**
   * A new set with the tuples of both sets.
   *
   * @param other - a RangeSetND
   * @returns the union
   * @example
   * ```ts
   * new RangeSetND([['1', '1']]).union(new RangeSetND([['1', '2']])).toString(); // '1; 1-2\n'
   * ```
   */
  union(other: RangeSetND): RangeSetND {
    return this.copy().update(other);
  }

  /**
   * Removes the tuples of `other` (in place); with `strict`, each must be in this set.
   *
   * @param other - a RangeSetND
   * @param options - `strict` to refuse removing what is not there
   * @returns this set
   * @throws {NodeSetKeyError} in strict mode, naming a tuple that is not in this set
   * @example
   * ```ts
   * new RangeSetND([['0-3', '4-5']]).differenceUpdate(new RangeSetND([['1', '4']])).toString();
   * // '0,2-3; 4-5\n1; 5\n'
   * ```
   */
  differenceUpdate(other: RangeSetND, options?: { readonly strict?: boolean }): this {
    if (options?.strict) {
      const missing = subtractVectors(other.#raw(), this.#raw());
      if (missing.length > 0) {
        const first = vectorAt(missing[0] as Vector, 0);
        throw new NodeSetKeyError(first.join(','));
      }
    }
    this.#replace(subtractVectors(this.#raw(), other.#raw()));
    return this;
  }

  /**
   * A new set with the tuples of this set that are not in `other`.
   *
   * @param other - a RangeSetND
   * @returns the difference
   * @example
   * ```ts
   * new RangeSetND([['1-2', '1']]).difference(new RangeSetND([['2', '1']])).toString(); // '1; 1\n'
   * ```
   */
  difference(other: RangeSetND): RangeSetND {
    return this.copy().differenceUpdate(other);
  }

  /**
   * Keeps only the tuples also in `other` (in place).
   *
   * @param other - a RangeSetND
   * @returns this set
   * @example
   * ```ts
   * new RangeSetND([['1-5', '1']]).intersectionUpdate(new RangeSetND([['3-9', '1']])).toString(); // '3-5; 1\n'
   * ```
   */
  intersectionUpdate(other: RangeSetND): this {
    if (other === this) return this;
    const vecs = intersectVectors(this.#raw(), other.#raw());
    // ClusterShell gathers the pieces in a fresh set, so they lose their autostep
    for (const vec of vecs) for (const rg of vec) rg.autostep = undefined;
    this.#replace(vecs);
    return this;
  }

  /**
   * A new set with the tuples common to both sets.
   *
   * @param other - a RangeSetND
   * @returns the intersection
   * @example
   * ```ts
   * new RangeSetND([['1-5', '1']]).intersection(new RangeSetND([['3-9', '1']])).size; // 3
   * ```
   */
  intersection(other: RangeSetND): RangeSetND {
    return this.copy().intersectionUpdate(other);
  }

  /**
   * Keeps the tuples in exactly one of the two sets (in place).
   *
   * @param other - a RangeSetND
   * @returns this set
   * @example
   * ```ts
   * new RangeSetND([['1-2', '1']]).symmetricDifferenceUpdate(new RangeSetND([['2-3', '1']])).toString(); // '1,3; 1\n'
   * ```
   */
  symmetricDifferenceUpdate(other: RangeSetND): this {
    const extra = other.difference(this);
    this.differenceUpdate(other);
    return this.update(extra);
  }

  /**
   * A new set with the tuples in exactly one of the two sets.
   *
   * @param other - a RangeSetND
   * @returns the symmetric difference
   * @example
   * ```ts
   * new RangeSetND([['1-2', '1']]).symmetricDifference(new RangeSetND([['2-3', '1']])).size; // 2
   * ```
   */
  symmetricDifference(other: RangeSetND): RangeSetND {
    return this.copy().symmetricDifferenceUpdate(other);
  }

  /**
   * Removes every tuple.
   *
   * @returns this set
   * @example
   * ```ts
   * new RangeSetND([['1', '1']]).clear().size; // 0
   * ```
   */
  clear(): this {
    this.#replace([]);
    return this;
  }

  #replace(vecs: Vector[]): void {
    this.#vecs = vecs;
    this.#points = undefined;
    this.#dirty = true;
  }

  /** The vectors, unfolded but with pending single tuples folded in. */
  #raw(): Vector[] {
    if (this.#points !== undefined) this.#folded();
    return this.#vecs;
  }

  /** The vectors, folded as ClusterShell folds them. */
  #folded(): Vector[] {
    if (this.#points !== undefined) {
      this.#multivariate();
    } else if (this.#dirty) {
      if (this.#vecs.length > 1 && !this.#foldUnivariate()) this.#multivariate();
      this.#dirty = false;
    }
    return this.#vecs;
  }

  #multivariate(): void {
    const dim = this.dim();
    const boxes = this.#vecs.map((vec) => vec.map((rg) => rg.runs as Runs));
    const folded = foldTuples(dim, boxes, this.#points);
    this.#vecs = folded.map((vec) => vec.map((runs) => RangeSet.fromRuns(runs, this.#autostep)));
    this.#points = undefined;
    this.#dirty = false;
    this.#multivarHint = true;
  }

  /** Merges the vectors when they differ on one axis at most; false when they do not. */
  #foldUnivariate(): boolean {
    const vecs = this.#vecs;
    const dim = this.dim();
    let varying = -1;
    // ClusterShell merges only when exactly one axis differs (identical vectors are not "univariate")
    let univariate = dim === 1;
    if (dim > 1 && vecs.length > 1) {
      univariate = true;
      const first = vecs[0] as Vector;
      for (let d = 0; d < dim; d++) {
        const ref = first[d] as RangeSet;
        let same = true;
        for (let i = 1; i < vecs.length; i++) {
          if (!ref.equals((vecs[i] as Vector)[d] as RangeSet)) {
            same = false;
            break;
          }
        }
        if (!same) {
          if (varying >= 0) {
            univariate = false;
            break;
          }
          varying = d;
        }
      }
      if (varying < 0) univariate = false;
    }
    if (univariate) {
      if (vecs.length > 1) {
        const axis = Math.max(varying, 0);
        const merged = (vecs[0] as Vector).slice();
        merged[axis] = (merged[axis] as RangeSet)
          .copy()
          .updateN(vecs.slice(1).map((v) => v[axis] as RangeSet));
        this.#vecs = [merged];
      }
      this.#dirty = false;
    }
    this.#multivarHint = !univariate;
    return univariate;
  }
}

function vectorSize(vec: readonly RangeSet[]): number {
  let n = 1;
  for (const rg of vec) n *= rg.size;
  return n;
}

function vectorAt(vec: readonly RangeSet[], pos: number): string[] {
  const out: string[] = new Array(vec.length);
  let rest = pos;
  for (let d = vec.length - 1; d >= 0; d--) {
    const rg = vec[d] as RangeSet;
    const n = rg.size;
    out[d] = rg.at(rest % n) as string;
    rest = Math.floor(rest / n);
  }
  return out;
}

function* product(axes: string[][]): IterableIterator<string[]> {
  const n = axes.length;
  if (n === 0 || axes.some((a) => a.length === 0)) return;
  const idx = new Array<number>(n).fill(0);
  for (;;) {
    yield idx.map((k, d) => (axes[d] as string[])[k] as string);
    let d = n - 1;
    while (d >= 0) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (axes[d] as string[]).length) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

/** Pairwise intersections of two vector lists (empty ones dropped). */
function intersectVectors(a: readonly Vector[], b: readonly Vector[]): Vector[] {
  const out: Vector[] = [];
  for (const va of a) {
    for (const vb of b) {
      const v: Vector = [];
      let empty = false;
      for (let d = 0; d < va.length; d++) {
        const rg = (va[d] as RangeSet).intersection(vb[d] as RangeSet);
        if (rg.size === 0) {
          empty = true;
          break;
        }
        v.push(rg);
      }
      if (!empty) out.push(v);
    }
  }
  return out;
}

/** Every tuple of `a` not in `b`, as disjoint boxes. */
function subtractVectors(a: readonly Vector[], b: readonly Vector[]): Vector[] {
  let cur: Vector[] = a.map((v) => v.slice());
  for (const vb of b) {
    const next: Vector[] = [];
    for (const va of cur) {
      // disjoint on some axis: kept whole
      let overlaps = true;
      for (let d = 0; d < va.length; d++) {
        if ((va[d] as RangeSet).isDisjointFrom(vb[d] as RangeSet)) {
          overlaps = false;
          break;
        }
      }
      if (!overlaps) {
        next.push(va);
        continue;
      }
      // box minus box: slice axis by axis
      const rest = va.slice();
      for (let d = 0; d < va.length; d++) {
        const outside = (rest[d] as RangeSet).difference(vb[d] as RangeSet);
        if (outside.size > 0) {
          const piece = rest.slice();
          piece[d] = outside;
          next.push(piece);
        }
        rest[d] = (rest[d] as RangeSet).intersection(vb[d] as RangeSet);
      }
    }
    cur = next;
  }
  return cur;
}
