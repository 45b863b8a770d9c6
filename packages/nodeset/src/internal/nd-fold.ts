/**
 * ClusterShell's multivariate nD fold, on light run sets.
 *
 * ClusterShell folds a union of boxes by expanding it into single tuples, then merging vectors
 * that differ on one axis (where the two sets of that axis are disjoint, or one holds the
 * other): linear passes over the sorted list first, then full passes, until nothing changes. The
 * result depends only on the set of tuples, and we must give the very same vectors in the same
 * order to print the same text. We do the same merges, but on interned one-index sets ranked
 * once per axis, so sorting compares integers and almost nothing is allocated per tuple.
 *
 * @internal
 */

import { digitCount, formatElement } from './elements.js';
import { type Runs, runsEqual, runsIsDisjoint, runsIsSubset, runsUnion } from './intervals.js';

/** A set of indexes of one axis during the fold. Never mutated once built. */
export interface AxisSet {
  readonly runs: Runs;
  readonly size: number;
  /** First and last element strings, in ClusterShell's element order. */
  readonly first: string;
  readonly last: string;
  /** For one-index sets: the rank of the index on its axis (string order); -1 otherwise. */
  readonly rank: number;
}

/** Tuples given as flat arrays: `cls[i * dim + d]`, `val[i * dim + d]`. */
export interface PointBuffer {
  readonly dim: number;
  readonly cls: number[];
  readonly val: number[];
}

/** Order key of an element: negatives by value, then by written width, padded before plain. */
function orderBefore(c1: number, v1: number, c2: number, v2: number): boolean {
  const n1 = c1 === 0 && v1 < 0;
  const n2 = c2 === 0 && v2 < 0;
  if (n1 || n2) return n1 && n2 ? v1 < v2 : n1;
  const w1 = c1 > 0 ? c1 : digitCount(v1);
  const w2 = c2 > 0 ? c2 : digitCount(v2);
  if (w1 !== w2) return w1 < w2;
  const k1 = c1 > 0 ? 0 : 1;
  const k2 = c2 > 0 ? 0 : 1;
  if (k1 !== k2) return k1 < k2;
  return v1 < v2;
}

/** Builds an AxisSet from normalized runs. */
export function axisSet(runs: Runs): AxisSet {
  let size = 0;
  let fc = runs[0] as number;
  let fv = runs[1] as number;
  let lc = fc;
  let lv = runs[2] as number;
  for (let i = 0; i < runs.length; i += 3) {
    const c = runs[i] as number;
    const lo = runs[i + 1] as number;
    const hi = runs[i + 2] as number;
    size += hi - lo + 1;
    if (orderBefore(c, lo, fc, fv)) {
      fc = c;
      fv = lo;
    }
    if (orderBefore(lc, lv, c, hi)) {
      lc = c;
      lv = hi;
    }
  }
  return { runs, size, first: formatElement(fc, fv), last: formatElement(lc, lv), rank: -1 };
}

interface FoldVec {
  readonly axes: AxisSet[];
  key: (number | string)[] | undefined;
}

function vecSize(axes: readonly AxisSet[]): number {
  let n = 1;
  for (const a of axes) n *= a.size;
  return n;
}

function keyOf(v: FoldVec): (number | string)[] {
  if (v.key === undefined) {
    const key: (number | string)[] = [-vecSize(v.axes)];
    for (const a of v.axes) key.push(-a.size, a.first, a.last);
    v.key = key;
  }
  return v.key;
}

function compareVecs(a: FoldVec, b: FoldVec): number {
  const ka = keyOf(a);
  const kb = keyOf(b);
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i] as number | string;
    const y = kb[i] as number | string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function sameSet(a: AxisSet, b: AxisSet): boolean {
  if (a === b) return true;
  if (a.rank >= 0 && b.rank >= 0) return false; // two distinct interned indexes
  return a.size === b.size && runsEqual(a.runs, b.runs);
}

/** ClusterShell's pairwise merge rule; undefined when the vectors cannot merge. */
function tryMerge(a: readonly AxisSet[], b: readonly AxisSet[]): AxisSet[] | undefined {
  let diff = -1;
  for (let d = 0; d < a.length; d++) {
    if (!sameSet(a[d] as AxisSet, b[d] as AxisSet)) {
      if (diff >= 0) return undefined;
      diff = d;
    }
  }
  const out = a.slice();
  if (diff < 0) return out;
  const ra = a[diff] as AxisSet;
  const rb = b[diff] as AxisSet;
  if (runsIsDisjoint(ra.runs, rb.runs)) out[diff] = axisSet(runsUnion(ra.runs, rb.runs));
  else if (ra.size > rb.size && runsIsSubset(rb.runs, ra.runs)) out[diff] = ra;
  else if (rb.size > ra.size && runsIsSubset(ra.runs, rb.runs)) out[diff] = rb;
  else return undefined;
  return out;
}

/**
 * Folds tuples (given as boxes and as single points) the way ClusterShell does.
 *
 * @param dim - number of axes
 * @param boxes - vectors of run sets (their tuples are expanded)
 * @param points - single tuples
 * @returns the folded vectors, each a run set per axis, in ClusterShell's order
 */
export function foldTuples(
  dim: number,
  boxes: readonly (readonly Runs[])[],
  points: PointBuffer | undefined,
): Runs[][] {
  // intern one-index sets per axis, keyed by their element string
  const interned: Map<string, AxisSet>[] = Array.from({ length: dim }, () => new Map());
  const tuples: AxisSet[][] = [];
  const intern = (d: number, cls: number, v: number): AxisSet => {
    const s = formatElement(cls, v);
    const map = interned[d] as Map<string, AxisSet>;
    let a = map.get(s);
    if (a === undefined) {
      a = { runs: [cls, v, v], size: 1, first: s, last: s, rank: 0 };
      map.set(s, a);
    }
    return a;
  };
  if (points !== undefined) {
    const n = points.val.length / dim;
    for (let i = 0; i < n; i++) {
      const t: AxisSet[] = new Array(dim);
      for (let d = 0; d < dim; d++)
        t[d] = intern(d, points.cls[i * dim + d] as number, points.val[i * dim + d] as number);
      tuples.push(t);
    }
  }
  for (const box of boxes) {
    const axes = box.map((runs, d) => {
      const out: AxisSet[] = [];
      for (let i = 0; i < runs.length; i += 3) {
        for (let v = runs[i + 1] as number; v <= (runs[i + 2] as number); v++)
          out.push(intern(d, runs[i] as number, v));
      }
      return out;
    });
    if (axes.some((a) => a.length === 0)) continue;
    const idx = new Array<number>(dim).fill(0);
    for (;;) {
      tuples.push(idx.map((k, d) => (axes[d] as AxisSet[])[k] as AxisSet));
      let d = dim - 1;
      while (d >= 0) {
        idx[d] = (idx[d] as number) + 1;
        if ((idx[d] as number) < (axes[d] as AxisSet[]).length) break;
        idx[d] = 0;
        d--;
      }
      if (d < 0) break;
    }
  }
  // rank the one-index sets of each axis by their string, so tuples sort on integers
  for (const map of interned) {
    const all = [...map.values()].sort((a, b) =>
      a.first < b.first ? -1 : a.first > b.first ? 1 : 0,
    );
    all.forEach((a, i) => {
      (a as { rank: number }).rank = i;
    });
  }
  tuples.sort((a, b) => {
    for (let d = 0; d < dim; d++) {
      const x = (a[d] as AxisSet).rank - (b[d] as AxisSet).rank;
      if (x !== 0) return x;
    }
    return 0;
  });
  // drop duplicates (now adjacent), and run the first linear pass, which needs no sort
  let list: FoldVec[] = [];
  let changed = false;
  let cur: AxisSet[] | undefined;
  let prev: AxisSet[] | undefined;
  for (const t of tuples) {
    if (prev !== undefined && t.every((a, d) => a === (prev as AxisSet[])[d])) continue;
    prev = t;
    if (cur === undefined) {
      cur = t;
      continue;
    }
    const merged = tryMerge(cur, t);
    if (merged !== undefined) {
      cur = merged;
      changed = true;
    } else {
      list.push({ axes: cur, key: undefined });
      cur = t;
    }
  }
  if (cur !== undefined) list.push({ axes: cur, key: undefined });
  let full = false;
  if (!changed) {
    changed = true;
    full = true;
  }
  while (changed) {
    changed = false;
    list.sort(compareVecs);
    if (!full) {
      const out: FoldVec[] = [];
      let c = list[0] as FoldVec;
      for (let j = 1; j < list.length; j++) {
        const next = list[j] as FoldVec;
        const merged = tryMerge(c.axes, next.axes);
        if (merged !== undefined) {
          c = { axes: merged, key: undefined };
          changed = true;
        } else {
          out.push(c);
          c = next;
        }
      }
      if (list.length > 0) out.push(c);
      list = out;
    } else {
      const removed = new Uint8Array(list.length);
      for (let i = 0; i < list.length; i++) {
        if (removed[i]) continue;
        let c = list[i] as FoldVec;
        for (let j = i + 1; j < list.length; j++) {
          if (removed[j]) continue;
          const merged = tryMerge(c.axes, (list[j] as FoldVec).axes);
          if (merged !== undefined) {
            c = { axes: merged, key: undefined };
            removed[j] = 1;
            changed = true;
          }
        }
        list[i] = c;
      }
      list = list.filter((_, i) => !removed[i]);
    }
    if (!changed && !full) {
      changed = true;
      full = true;
    }
  }
  return list.map((v) => v.axes.map((a) => a.runs.slice()));
}
