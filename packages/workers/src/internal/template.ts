/**
 * The `%` placeholders of commands and copy paths, with the grammar and the errors of
 * ClusterShell 1.9 (a `string.Template` whose delimiter is `%`, case-insensitive ASCII
 * identifiers, `%{name}` braces, `%%` for `%`).
 *
 * @module
 */
import { WorkerPatternError } from '../errors.js';

const PLACEHOLDER = /%(?:(%)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\}|())/gi;
/** Python's `str.splitlines()` boundaries. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python's line boundaries include x1c-x1e
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;

/** Values of the placeholders for one client. */
export interface TemplateValues {
  /** `%h`, `%host`, `%hosts`: the node name (or the folded node set for `%hosts`). */
  readonly host: string;
  /** `%n`, `%rank`: 0-based rank of the node (0 for `%hosts`). */
  readonly rank: number;
}

/**
 * Tells whether a command runs once for all nodes (it contains `%hosts` or `%{hosts}`).
 *
 * @param command - the command
 * @returns true for a single client holding every node
 */
export function usesAllHosts(command: string): boolean {
  return command.includes('%hosts') || command.includes('%{hosts}');
}

/**
 * Replaces the placeholders of `pattern`.
 *
 * @param pattern - the command or path
 * @param values - node name and rank
 * @returns the expanded string
 * @throws {WorkerPatternError} on an unknown name or a lone `%`, with ClusterShell's message
 */
export function replacePlaceholders(pattern: string, values: TemplateValues): string {
  if (!pattern.includes('%')) return pattern;
  return pattern.replace(
    PLACEHOLDER,
    (
      _m,
      escaped: string | undefined,
      named: string | undefined,
      braced: string | undefined,
      _inv,
      offset: number,
    ) => {
      if (escaped !== undefined) return '%';
      const name = named ?? braced;
      if (name === undefined) throw invalid(pattern, offset + 1);
      switch (name) {
        case 'h':
        case 'host':
        case 'hosts':
          return values.host;
        case 'n':
        case 'rank':
          return String(values.rank);
        default:
          throw new WorkerPatternError(
            `'${name}' is not a valid pattern, use '%%' to escape '%'`,
            pattern,
            name,
          );
      }
    },
  );
}

/** A lone `%`: ClusterShell reports its line and column (in code points, after the `%`). */
function invalid(pattern: string, index: number): WorkerPatternError {
  const before = pattern.slice(0, index);
  let line = 1;
  let lineStart = 0;
  LINE_BREAK.lastIndex = 0;
  for (let m = LINE_BREAK.exec(before); m !== null; m = LINE_BREAK.exec(before)) {
    const end = m.index + m[0].length;
    if (end >= before.length) break; // a break ending the prefix still belongs to its line
    line += 1;
    lineStart = end;
  }
  const col = [...before.slice(lineStart)].length;
  return new WorkerPatternError(
    `Invalid placeholder in string: line ${line}, col ${col} is not a valid pattern, use '%%' to escape '%'`,
    pattern,
  );
}
