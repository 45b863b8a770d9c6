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
  /** First and last elements as (class, value), in ClusterShell's element order. */
  readonly fc: number;
  readonly fv: number;
  readonly lc: number;
  readonly lv: number;
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

/** The union of two disjoint axis sets, with first and last found without a scan. */
function disjointUnion(a: AxisSet, b: AxisSet): AxisSet {
  const firstA = orderBefore(a.fc, a.fv, b.fc, b.fv);
  const lastB = orderBefore(a.lc, a.lv, b.lc, b.lv);
  return {
    runs: runsUnion(a.runs, b.runs),
    size: a.size + b.size,
    fc: firstA ? a.fc : b.fc,
    fv: firstA ? a.fv : b.fv,
    lc: lastB ? b.lc : a.lc,
    lv: lastB ? b.lv : a.lv,
    first: firstA ? a.first : b.first,
    last: lastB ? b.last : a.last,
    rank: -1,
  };
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
  if (runsIsDisjoint(ra.runs, rb.runs)) out[diff] = disjointUnion(ra, rb);
  else if (ra.size > rb.size && runsIsSubset(rb.runs, ra.runs)) out[diff] = ra;
  else if (rb.size > ra.size && runsIsSubset(ra.runs, rb.runs)) out[diff] = rb;
  else return undefined;
  return out;
}

/** Content key of an axis set (cached): equal sets have equal keys. */
const contentKeys = new WeakMap<AxisSet, string>();
function contentKey(a: AxisSet): string {
  let k = contentKeys.get(a);
  if (k === undefined) {
    k = a.runs.join(',');
    contentKeys.set(a, k);
  }
  return k;
}

/** The key of a vector without axis `d`: two vectors that differ on `d` alone share it. */
function signature(axes: readonly AxisSet[], d: number): string {
  let s = '';
  for (let i = 0; i < axes.length; i++) if (i !== d) s += `${contentKey(axes[i] as AxisSet)}|`;
  return s;
}

/**
 * One full pass of ClusterShell's merge: each vector, in order, absorbs every later vector it can
 * merge with, scanning forward from the last one it absorbed. Vectors here are disjoint, so two
 * of them merge exactly when they agree on all axes but one; an index by "all axes but d" finds
 * the next candidate without scanning the whole list. Absorbed vectors are emptied.
 *
 * @returns whether anything merged
 */
function fullPass(list: FoldVec[], dim: number): boolean {
  const index: Map<string, number[]>[] = Array.from({ length: dim }, () => new Map());
  list.forEach((v, i) => {
    for (let d = 0; d < dim; d++) {
      const sig = signature(v.axes, d);
      const at = (index[d] as Map<string, number[]>).get(sig);
      if (at === undefined) (index[d] as Map<string, number[]>).set(sig, [i]);
      else at.push(i);
    }
  });
  const removed = new Uint8Array(list.length);
  let changed = false;
  for (let i = 0; i < list.length; i++) {
    if (removed[i]) continue;
    let cur = list[i] as FoldVec;
    let pos = i;
    for (;;) {
      let best = -1;
      for (let d = 0; d < dim; d++) {
        const cands = (index[d] as Map<string, number[]>).get(signature(cur.axes, d));
        if (cands === undefined) continue;
        // first candidate after pos that is still there
        let lo = 0;
        let hi = cands.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((cands[mid] as number) <= pos) lo = mid + 1;
          else hi = mid;
        }
        while (lo < cands.length && removed[cands[lo] as number]) lo++;
        if (lo < cands.length && (best < 0 || (cands[lo] as number) < best))
          best = cands[lo] as number;
      }
      if (best < 0) break;
      const merged = tryMerge(cur.axes, (list[best] as FoldVec).axes);
      if (merged === undefined) break; // cannot happen for disjoint vectors; stop safely
      cur = { axes: merged, key: undefined };
      removed[best] = 1;
      pos = best;
      changed = true;
    }
    list[i] = cur;
  }
  for (let i = 0; i < list.length; i++) if (removed[i]) list[i] = { axes: [], key: undefined };
  return changed;
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
      a = {
        runs: [cls, v, v],
        size: 1,
        fc: cls,
        fv: v,
        lc: cls,
        lv: v,
        first: s,
        last: s,
        rank: 0,
      };
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
      if (fullPass(list, dim)) changed = true;
      list = list.filter((v) => v.axes.length > 0);
    }
    if (!changed && !full) {
      changed = true;
      full = true;
    }
  }
  return list.map((v) => v.axes.map((a) => a.runs.slice()));
}
