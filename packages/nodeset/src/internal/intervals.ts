/**
 * Sets of integers kept as sorted runs, the storage under RangeSet.
 *
 * A set is a flat array of triples `[cls, lo, hi, cls, lo, hi, …]`: every triple is the closed
 * run `lo..hi` of values of one padding class `cls` (0 for unpadded values, `p >= 2` for values
 * written with `p` digits and a leading zero). Triples are sorted by class, then by `lo`; inside
 * a class two runs never overlap nor touch. Every operation is linear in the number of runs, never
 * in the number of values.
 *
 * @internal
 */

/** A flat array of `[cls, lo, hi]` triples, sorted and normalized. */
export type Runs = number[];

/** A read-only view of runs. */
export type RunsView = readonly number[];

/** Number of values held by `runs`. */
export function runsCount(runs: RunsView): number {
  let n = 0;
  for (let i = 0; i < runs.length; i += 3)
    n += (runs[i + 2] as number) - (runs[i + 1] as number) + 1;
  return n;
}

/** Whether value `v` of class `cls` is in `runs` (binary search). */
export function runsHas(runs: RunsView, cls: number, v: number): boolean {
  let lo = 0;
  let hi = runs.length / 3 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = runs[mid * 3] as number;
    const a = runs[mid * 3 + 1] as number;
    const b = runs[mid * 3 + 2] as number;
    if (c < cls || (c === cls && b < v)) lo = mid + 1;
    else if (c > cls || a > v) hi = mid - 1;
    else return true;
  }
  return false;
}

/** Appends run `lo..hi` of class `cls` to `out`, merging it with the last run when they touch. */
function push(out: Runs, cls: number, lo: number, hi: number): void {
  const n = out.length;
  if (n > 0 && out[n - 3] === cls && (out[n - 1] as number) >= lo - 1) {
    if ((out[n - 1] as number) < hi) out[n - 1] = hi;
    return;
  }
  out.push(cls, lo, hi);
}

/** Compares the position of run `i` of `a` with run `j` of `b` by (class, lo). */
function before(a: RunsView, i: number, b: RunsView, j: number): boolean {
  const ca = a[i] as number;
  const cb = b[j] as number;
  return ca < cb || (ca === cb && (a[i + 1] as number) <= (b[j + 1] as number));
}

/** The union of two run sets. */
export function runsUnion(a: RunsView, b: RunsView): Runs {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a.slice();
  const out: Runs = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && before(a, i, b, j))) {
      push(out, a[i] as number, a[i + 1] as number, a[i + 2] as number);
      i += 3;
    } else {
      push(out, b[j] as number, b[j + 1] as number, b[j + 2] as number);
      j += 3;
    }
  }
  return out;
}

/** The intersection of two run sets. */
export function runsIntersection(a: RunsView, b: RunsView): Runs {
  const out: Runs = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a[i] as number;
    const cb = b[j] as number;
    if (ca < cb) {
      i += 3;
      continue;
    }
    if (cb < ca) {
      j += 3;
      continue;
    }
    const lo = Math.max(a[i + 1] as number, b[j + 1] as number);
    const ahi = a[i + 2] as number;
    const bhi = b[j + 2] as number;
    const hi = Math.min(ahi, bhi);
    if (lo <= hi) out.push(ca, lo, hi);
    if (ahi < bhi) i += 3;
    else j += 3;
  }
  return out;
}

/** The values of `a` that are not in `b`. */
export function runsDifference(a: RunsView, b: RunsView): Runs {
  if (b.length === 0) return a.slice();
  const out: Runs = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 3) {
    const cls = a[i] as number;
    let lo = a[i + 1] as number;
    const hi = a[i + 2] as number;
    // skip runs of b entirely before this run
    while (
      j < b.length &&
      ((b[j] as number) < cls || ((b[j] as number) === cls && (b[j + 2] as number) < lo))
    ) {
      j += 3;
    }
    let k = j;
    while (k < b.length && (b[k] as number) === cls && (b[k + 1] as number) <= hi && lo <= hi) {
      const blo = b[k + 1] as number;
      const bhi = b[k + 2] as number;
      if (blo > lo) out.push(cls, lo, blo - 1);
      lo = bhi + 1;
      if (bhi > hi) break;
      k += 3;
    }
    if (lo <= hi) out.push(cls, lo, hi);
  }
  return out;
}

/** The values in exactly one of `a` and `b`. */
export function runsSymmetricDifference(a: RunsView, b: RunsView): Runs {
  return runsUnion(runsDifference(a, b), runsDifference(b, a));
}

/** Whether every value of `a` is in `b`. */
export function runsIsSubset(a: RunsView, b: RunsView): boolean {
  let j = 0;
  for (let i = 0; i < a.length; i += 3) {
    const cls = a[i] as number;
    const lo = a[i + 1] as number;
    const hi = a[i + 2] as number;
    while (
      j < b.length &&
      ((b[j] as number) < cls || ((b[j] as number) === cls && (b[j + 2] as number) < lo))
    ) {
      j += 3;
    }
    if (j >= b.length) return false;
    if ((b[j] as number) !== cls || (b[j + 1] as number) > lo || (b[j + 2] as number) < hi) {
      return false;
    }
  }
  return true;
}

/** Whether `a` and `b` share no value. */
export function runsIsDisjoint(a: RunsView, b: RunsView): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a[i] as number;
    const cb = b[j] as number;
    if (ca < cb) i += 3;
    else if (cb < ca) j += 3;
    else {
      if (
        Math.max(a[i + 1] as number, b[j + 1] as number) <=
        Math.min(a[i + 2] as number, b[j + 2] as number)
      ) {
        return false;
      }
      if ((a[i + 2] as number) < (b[j + 2] as number)) i += 3;
      else j += 3;
    }
  }
  return true;
}

/** Whether two normalized run sets hold the same values. */
export function runsEqual(a: RunsView, b: RunsView): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Builds runs from `(cls, value)` pairs given as two parallel arrays, in any order, with
 * duplicates allowed. Sorting costs O(n log n); nothing else is quadratic.
 */
export function runsFromPairs(classes: ArrayLike<number>, values: ArrayLike<number>): Runs {
  const n = values.length;
  // group by class (almost always one), then sort each group's values natively
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = classes[i] as number;
    let g = groups.get(c);
    if (g === undefined) {
      g = [];
      groups.set(c, g);
    }
    g.push(values[i] as number);
  }
  const out: Runs = [];
  for (const cls of [...groups.keys()].sort((a, b) => a - b)) {
    const sorted = Float64Array.from(groups.get(cls) as number[]).sort();
    for (let i = 0; i < sorted.length; i++)
      push(out, cls, sorted[i] as number, sorted[i] as number);
  }
  return out;
}

/** Builds runs from already sorted triples that may touch or overlap. */
export function runsNormalize(triples: RunsView): Runs {
  const idx: number[] = [];
  for (let i = 0; i < triples.length; i += 3) idx.push(i);
  idx.sort((x, y) => {
    const d = (triples[x] as number) - (triples[y] as number);
    return d !== 0 ? d : (triples[x + 1] as number) - (triples[y + 1] as number);
  });
  const out: Runs = [];
  for (const i of idx)
    push(out, triples[i] as number, triples[i + 1] as number, triples[i + 2] as number);
  return out;
}
