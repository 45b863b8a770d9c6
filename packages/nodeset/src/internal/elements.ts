/**
 * RangeSet elements: ClusterShell 1.9 keeps indexes as strings, so that `1`, `01` and `001` are
 * three elements. We keep each as a pair (class, value): class 0 for an unpadded value (negative
 * values included), class `p >= 2` for a value written with `p` digits and leading zeros.
 *
 * @internal
 */

/** A segment of elements in ClusterShell order: values `lo..hi` of one class and one width. */
export interface Segment {
  readonly cls: number;
  readonly lo: number;
  readonly hi: number;
  /** Number of characters of each element (digits, or digits and sign). */
  readonly width: number;
  /** Whether the elements are written with leading zeros. */
  readonly padded: boolean;
}

/** The largest index we keep exactly. */
export const MAX_INDEX = Number.MAX_SAFE_INTEGER;

/** Number of decimal digits of a non-negative integer. */
export function digitCount(v: number): number {
  let n = 1;
  while (n < POW10.length && v >= (POW10[n] as number)) n++;
  return n;
}

const POW10: readonly number[] = Array.from({ length: 17 }, (_, i) => 10 ** i);

/**
 * The (class, value) of an element string, or undefined when it is not an index ClusterShell
 * could have produced (`12`, `012`, `-12`).
 */
export function parseElement(s: string): [cls: number, value: number] | undefined {
  const n = s.length;
  if (n === 0) return undefined;
  if (s.charCodeAt(0) === 45 /* - */) {
    if (n < 2 || s.charCodeAt(1) === 48 /* 0 */) return undefined;
    for (let i = 1; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
    }
    const v = Number(s);
    return v < -MAX_INDEX ? undefined : [0, v];
  }
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const v = Number(s);
  if (v > MAX_INDEX) return undefined;
  return n > 1 && s.charCodeAt(0) === 48 ? [n, v] : [0, v];
}

/** The class of value `v` written with zero padding `pad` (Python's `"%0*d" % (pad, v)`). */
export function classOf(v: number, pad: number): number {
  if (pad < 2 || v < 0) return 0;
  return v < 10 ** (pad - 1) ? pad : 0;
}

/** Python's `"%0*d" % (pad, v)`. */
export function formatIndex(v: number, pad: number): string {
  if (v < 0) return `-${String(-v).padStart(pad - 1, '0')}`;
  return String(v).padStart(pad, '0');
}

/** The element string of (class, value). */
export function formatElement(cls: number, v: number): string {
  return cls === 0 ? String(v) : String(v).padStart(cls, '0');
}
