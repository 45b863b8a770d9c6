/**
 * The unified diff of `clubak --diff`, line for line what Python's `difflib.unified_diff` prints
 * (ClusterShell calls it with `lineterm=''` and three lines of context). The matching is the
 * Ratcliff/Obershelp "gestalt" algorithm of `difflib.SequenceMatcher`, with its automatic junk
 * heuristic (in a sequence of 200 lines or more, a line seen in more than 1% of it plus one is
 * "popular" and does not seed matches), so that hunks come out exactly as Python cuts them.
 *
 * @module
 */

/** A block of equal lines: `a[a..a+size)` equals `b[b..b+size)`. */
interface Match {
  readonly a: number;
  readonly b: number;
  readonly size: number;
}

type Tag = 'replace' | 'delete' | 'insert' | 'equal';

/** An edit: turn `a[i1..i2)` into `b[j1..j2)`. */
interface Opcode {
  readonly tag: Tag;
  readonly i1: number;
  readonly i2: number;
  readonly j1: number;
  readonly j2: number;
}

/** Lines of `b` by value, without the popular ones (SequenceMatcher's `b2j`). */
function indexB(b: readonly string[]): Map<string, number[]> {
  const b2j = new Map<string, number[]>();
  for (let j = 0; j < b.length; j++) {
    const line = b[j] as string;
    const list = b2j.get(line);
    if (list === undefined) b2j.set(line, [j]);
    else list.push(j);
  }
  if (b.length >= 200) {
    const ntest = Math.floor(b.length / 100) + 1;
    for (const [line, list] of b2j) if (list.length > ntest) b2j.delete(line);
  }
  return b2j;
}

/** The longest matching block in `a[alo..ahi)` and `b[blo..bhi)`, earliest in `a`, then `b`. */
function longestMatch(
  a: readonly string[],
  b: readonly string[],
  b2j: ReadonlyMap<string, readonly number[]>,
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): Match {
  let besti = alo;
  let bestj = blo;
  let bestsize = 0;
  let j2len = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const next = new Map<number, number>();
    for (const j of b2j.get(a[i] as string) ?? []) {
      if (j < blo) continue;
      if (j >= bhi) break;
      const k = (j2len.get(j - 1) ?? 0) + 1;
      next.set(j, k);
      if (k > bestsize) {
        besti = i - k + 1;
        bestj = j - k + 1;
        bestsize = k;
      }
    }
    j2len = next;
  }
  // Popular lines never seed a match, but a match grows over them on both sides.
  while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
    besti--;
    bestj--;
    bestsize++;
  }
  while (
    besti + bestsize < ahi &&
    bestj + bestsize < bhi &&
    a[besti + bestsize] === b[bestj + bestsize]
  ) {
    bestsize++;
  }
  return { a: besti, b: bestj, size: bestsize };
}

/** The matching blocks, in order, adjacent blocks merged, ending with a `(len a, len b, 0)` sentinel. */
function matchingBlocks(a: readonly string[], b: readonly string[]): Match[] {
  const b2j = indexB(b);
  const found: Match[] = [];
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  for (let q = queue.pop(); q !== undefined; q = queue.pop()) {
    const [alo, ahi, blo, bhi] = q;
    const m = longestMatch(a, b, b2j, alo, ahi, blo, bhi);
    if (m.size === 0) continue;
    found.push(m);
    if (alo < m.a && blo < m.b) queue.push([alo, m.a, blo, m.b]);
    if (m.a + m.size < ahi && m.b + m.size < bhi)
      queue.push([m.a + m.size, ahi, m.b + m.size, bhi]);
  }
  found.sort((x, y) => x.a - y.a || x.b - y.b || x.size - y.size);
  const merged: Match[] = [];
  let cur: Match = { a: 0, b: 0, size: 0 };
  for (const m of found) {
    if (cur.a + cur.size === m.a && cur.b + cur.size === m.b) {
      cur = { a: cur.a, b: cur.b, size: cur.size + m.size };
    } else {
      if (cur.size > 0) merged.push(cur);
      cur = m;
    }
  }
  if (cur.size > 0) merged.push(cur);
  merged.push({ a: a.length, b: b.length, size: 0 });
  return merged;
}

function opcodes(a: readonly string[], b: readonly string[]): Opcode[] {
  const out: Opcode[] = [];
  let i = 0;
  let j = 0;
  for (const m of matchingBlocks(a, b)) {
    const tag: Tag | undefined =
      i < m.a && j < m.b ? 'replace' : i < m.a ? 'delete' : j < m.b ? 'insert' : undefined;
    if (tag !== undefined) out.push({ tag, i1: i, i2: m.a, j1: j, j2: m.b });
    i = m.a + m.size;
    j = m.b + m.size;
    if (m.size > 0) out.push({ tag: 'equal', i1: m.a, i2: i, j1: m.b, j2: j });
  }
  return out;
}

/** The edits cut into hunks with `n` lines of context (SequenceMatcher's grouped opcodes). */
function groupedOpcodes(a: readonly string[], b: readonly string[], n: number): Opcode[][] {
  const codes = opcodes(a, b);
  if (codes.length === 0) codes.push({ tag: 'equal', i1: 0, i2: 1, j1: 0, j2: 1 });
  const first = codes[0] as Opcode;
  if (first.tag === 'equal') {
    codes[0] = {
      ...first,
      i1: Math.max(first.i1, first.i2 - n),
      j1: Math.max(first.j1, first.j2 - n),
    };
  }
  const last = codes[codes.length - 1] as Opcode;
  if (last.tag === 'equal') {
    codes[codes.length - 1] = {
      ...last,
      i2: Math.min(last.i2, last.i1 + n),
      j2: Math.min(last.j2, last.j1 + n),
    };
  }
  const groups: Opcode[][] = [];
  let group: Opcode[] = [];
  for (const c of codes) {
    let { i1, j1 } = c;
    if (c.tag === 'equal' && c.i2 - c.i1 > 2 * n) {
      group.push({ tag: 'equal', i1, i2: Math.min(c.i2, i1 + n), j1, j2: Math.min(c.j2, j1 + n) });
      groups.push(group);
      group = [];
      i1 = Math.max(i1, c.i2 - n);
      j1 = Math.max(j1, c.j2 - n);
    }
    group.push({ tag: c.tag, i1, i2: c.i2, j1, j2: c.j2 });
  }
  if (group.length > 0 && !(group.length === 1 && group[0]?.tag === 'equal')) groups.push(group);
  return groups;
}

/** A unified-diff range: `start,length`, or just `start` for one line. */
function range(start: number, stop: number): string {
  const length = stop - start;
  if (length === 1) return `${start + 1}`;
  return `${length === 0 ? start : start + 1},${length}`;
}

/**
 * The lines of the unified diff from `a` to `b` (Python's `difflib.unified_diff(a, b,
 * fromfile, tofile, lineterm='')`): nothing when they are equal, otherwise the `---`/`+++`
 * header, then each hunk's `@@` line and its ` `, `-` and `+` lines.
 *
 * @param a - the reference lines
 * @param b - the other lines
 * @param fromfile - name shown on the `---` line
 * @param tofile - name shown on the `+++` line
 * @returns the diff lines, without line ends
 */
export function unifiedDiff(
  a: readonly string[],
  b: readonly string[],
  fromfile: string,
  tofile: string,
): string[] {
  const out: string[] = [];
  for (const group of groupedOpcodes(a, b, 3)) {
    if (out.length === 0) out.push(`--- ${fromfile}`, `+++ ${tofile}`);
    const first = group[0] as Opcode;
    const last = group[group.length - 1] as Opcode;
    out.push(`@@ -${range(first.i1, last.i2)} +${range(first.j1, last.j2)} @@`);
    for (const c of group) {
      if (c.tag === 'equal') {
        for (let i = c.i1; i < c.i2; i++) out.push(` ${a[i]}`);
        continue;
      }
      if (c.tag !== 'insert') for (let i = c.i1; i < c.i2; i++) out.push(`-${a[i]}`);
      if (c.tag !== 'delete') for (let j = c.j1; j < c.j2; j++) out.push(`+${b[j]}`);
    }
  }
  return out;
}
