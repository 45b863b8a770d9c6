/**
 * Python's `int()` on strings, as ClusterShell relies on it to read range bounds: surrounding
 * white space, one sign, and single underscores between digits are accepted.
 *
 * @internal
 */

const PY_INT = /^[ \t\n\r\f\v]*([+-]?)(\d(?:_?\d)*)[ \t\n\r\f\v]*$/;

/** Python's `int(s)` for base 10, or undefined where Python raises ValueError. */
export function pyInt(s: string): number | undefined {
  const m = PY_INT.exec(s);
  if (m === null) return undefined;
  const v = Number((m[2] as string).replaceAll('_', ''));
  return m[1] === '-' ? -v : v;
}

/** Python's `str.strip()` with no argument (ASCII white space is enough here). */
export function pyStrip(s: string): string {
  return s.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
}

/** Python's `str.lstrip()` with no argument. */
export function pyLstrip(s: string): string {
  return s.replace(/^[ \t\n\r\f\v]+/, '');
}

/** Python's `str.rstrip()` with no argument. */
export function pyRstrip(s: string): string {
  return s.replace(/[ \t\n\r\f\v]+$/, '');
}
