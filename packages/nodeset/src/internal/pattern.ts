/**
 * Node name patterns, kept as ClusterShell keeps them so that they sort the same way: the name
 * with `%` doubled and each digit run (or bracket) replaced by `%s`.
 *
 * @internal
 */

/** Fills the `%s` slots of a pattern with `args`, and undoes `%%`. */
export function formatPattern(pat: string, args: readonly string[]): string {
  if (pat.indexOf('%') < 0) return pat;
  let out = '';
  let k = 0;
  let from = 0;
  for (let i = pat.indexOf('%'); i >= 0; i = pat.indexOf('%', from)) {
    out += pat.slice(from, i);
    const c = pat[i + 1];
    if (c === 's') out += args[k++] ?? '';
    else out += '%';
    from = i + 2;
  }
  return out + pat.slice(from);
}

/** Number of `%s` slots of a pattern. */
export function slotCount(pat: string): number {
  let n = 0;
  for (let i = pat.indexOf('%'); i >= 0; i = pat.indexOf('%', i + 2)) if (pat[i + 1] === 's') n++;
  return n;
}

/** Python's plain string order (by UTF-16 code unit, which matches code points for BMP text). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The text before and after the single `%s` slot of a 1D pattern, `%%` undone. */
export function splitSlot(pat: string): [string, string] {
  let i = -1;
  for (let k = pat.indexOf('%'); k >= 0; k = pat.indexOf('%', k + 2)) {
    if (pat[k + 1] === 's') {
      i = k;
      break;
    }
  }
  if (i < 0) return [formatPattern(pat, []), ''];
  return [pat.slice(0, i).replaceAll('%%', '%'), pat.slice(i + 2).replaceAll('%%', '%')];
}
