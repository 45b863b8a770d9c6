/**
 * The display of clubak's gathered outputs, as ClusterShell 1.9.1's `CLI/Display.py` prints them
 * for clubak: dshbak-like header blocks, `node: line` lines (`-L`), unified diffs against the
 * first block (`--diff`), node counts, `-r` regrouping and ANSI colours.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import type { MsgTreeElem } from '@cluster-task/msgtree';
import type { NodeSet } from '@cluster-task/nodeset';
import { unifiedDiff } from './clubak-difflib.js';
import type { RegroupCrashSite } from './clubak-errors.js';
import { ClubakRegroupCrash } from './clubak-errors.js';
import type { ByteOutput } from './clubak-io.js';
import { decodeUtf8 } from './clubak-utf8.js';
import { compareCodePoints, isPySpace } from './py-str.js';

/** Display verbosity: `-q` 0, default 1, `-v` 2, `-d` 3. */
export type Verbosity = 0 | 1 | 2 | 3;

/**
 * Who printed a block: a node set, or raw keys (when keys are not read as node sets; shown
 * joined with commas, in code point order where ClusterShell's order is Python's set order).
 */
export type Label =
  | { readonly kind: 'nodes'; readonly nodes: NodeSet }
  | { readonly kind: 'keys'; readonly keys: readonly string[] };

/** What the display needs to know. */
export interface DisplayOptions {
  /** `--diff`: print diffs against the first block instead of the blocks. */
  readonly diff: boolean;
  /** `-L`: `label: line` lines instead of header blocks. */
  readonly lineMode: boolean;
  /** Not `-N`: show headers and prefixes. */
  readonly label: boolean;
  /** `-r`: show node sets regrouped. */
  readonly regroup: boolean;
  /** `-s`: the group source of `-r`. */
  readonly groupsource: string | undefined;
  /** `-G`: no `@source:` prefix in `-r` output. */
  readonly groupbase: boolean;
  /** `-q`/`-v`/`-d`. */
  readonly verbosity: Verbosity;
  /** Whether to colour the output. */
  readonly color: boolean;
}

const SEP = '-'.repeat(15);
const NEWLINE = Buffer.from('\n');

/** ANSI colour formats of ClusterShell's Display. */
const COLOR = {
  stdout: '\x1b[94m',
  diffHeader: '\x1b[1m',
  diffHunk: '\x1b[96m',
  diffAdd: '\x1b[92m',
  diffDel: '\x1b[91m',
  reset: '\x1b[0m',
} as const;

/**
 * Whether clubak colours its output, by ClusterShell 1.9.1's rules: `--color` wins
 * (`always`, `never`; `auto` or empty means "if stdout is a terminal"); without it, `NO_COLOR`
 * (set at all) disables colours, `CLICOLOR_FORCE` (set and not `0`) forces them, `CLICOLOR=0`
 * disables them, and otherwise colours follow the terminal.
 *
 * @param whencolor - the `--color` value, undefined when absent
 * @param env - the environment
 * @param isTTY - whether stdout is a terminal
 * @returns true to colour
 */
export function useColor(
  whencolor: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
): boolean {
  if (whencolor === undefined) {
    if (env.NO_COLOR !== undefined) return false;
    if ((env.CLICOLOR_FORCE ?? '0') !== '0') return true;
    const cli = env.CLICOLOR;
    if (cli !== undefined) return cli !== '0' && isTTY;
    return isTTY;
  }
  if (whencolor === 'always') return true;
  if (whencolor === 'never') return false;
  return isTTY;
}

/** Python's `str.rstrip()`. */
function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPySpace(s.charAt(end - 1))) end--;
  return s.slice(0, end);
}

/** The number of nodes (or distinct keys) of a label. */
function labelSize(label: Label): number {
  return label.kind === 'nodes' ? label.nodes.size : label.keys.length;
}

/** clubak's Display, for one run. */
export class ClubakDisplay {
  readonly #opts: DisplayOptions;
  readonly #out: ByteOutput;
  #diffRef: { readonly label: Label; readonly elem: MsgTreeElem } | undefined;

  /**
   * @param options - what to show
   * @param out - stdout
   */
  constructor(options: DisplayOptions, out: ByteOutput) {
    this.#opts = options;
    this.#out = out;
  }

  #paint(code: string, text: string): string {
    return this.#opts.color ? `${code}${text}${COLOR.reset}` : text;
  }

  /** The text of a label: the node set (regrouped with `-r`), or the raw keys. */
  #labelText(label: Label, site: RegroupCrashSite): string {
    if (label.kind === 'keys') {
      if (this.#opts.regroup) throw new ClubakRegroupCrash(site);
      return [...label.keys].sort(compareCodePoints).join(',');
    }
    if (!this.#opts.regroup) return label.nodes.toString();
    return label.nodes.regroup({
      source: this.#opts.groupsource,
      noprefix: this.#opts.groupbase,
    });
  }

  /**
   * The header block of a label (empty with `-N`), indented for `-T`.
   *
   * @param label - who printed the block
   * @param indent - number of spaces before each header line
   * @returns the header, ending with a newline
   */
  formatHeader(label: Label, indent = 0): string {
    if (!this.#opts.label) return '';
    const ind = ' '.repeat(indent);
    const size = labelSize(label);
    const count = this.#opts.verbosity >= 1 && size > 1 ? ` (${size})` : '';
    const text = `${ind}${SEP}\n${ind}${this.#labelText(label, 'content')}${count}\n${ind}${SEP}`;
    return `${this.#paint(COLOR.stdout, text)}\n`;
  }

  /**
   * Prints a gathered block in the current style: header block, `-L` lines, or diff.
   *
   * @param label - who printed it
   * @param elem - the message
   * @throws {ClubakRegroupCrash} when `-r` meets raw keys
   * @throws {CliOutputError} when writing fails
   */
  async printGather(label: Label, elem: MsgTreeElem): Promise<void> {
    if (this.#opts.lineMode) return this.#printLines(label, elem);
    if (this.#opts.diff) return this.#printDiff(label, elem);
    const header = this.formatHeader(label);
    await this.#out.write(header, elem.message(), '\n');
  }

  async #printLines(label: Label, elem: MsgTreeElem): Promise<void> {
    const parts: Uint8Array[] = [];
    const prefix = this.#opts.label
      ? Buffer.from(this.#paint(COLOR.stdout, `${this.#labelText(label, 'lines')}: `))
      : undefined;
    for (const line of elem) {
      if (prefix !== undefined) parts.push(prefix);
      parts.push(line, NEWLINE);
    }
    await this.#out.writeAll(parts);
  }

  async #printDiff(label: Label, elem: MsgTreeElem): Promise<void> {
    const ref = this.#diffRef;
    if (ref === undefined) {
      this.#diffRef = { label, elem };
      return;
    }
    let refName = this.#labelText(ref.label, 'diff');
    let name = this.#labelText(label, 'diff');
    if (this.#opts.verbosity >= 1) {
      const refSize = labelSize(ref.label);
      const size = labelSize(label);
      if (refSize > 1) refName += ` (${refSize})`;
      if (size > 1) name += ` (${size})`;
    }
    // ClusterShell compares the lines decoded as UTF-8, invalid bytes dropped.
    const a = ref.elem.lines().map((l) => decodeUtf8(l).text);
    const b = elem.lines().map((l) => decodeUtf8(l).text);
    let text = '';
    for (const line of unifiedDiff(a, b, refName, name)) {
      if (line.startsWith('---') || line.startsWith('+++')) {
        text += this.#paint(COLOR.diffHeader, pyRstrip(line));
      } else if (line.startsWith('@@')) {
        text += this.#paint(COLOR.diffHunk, line);
      } else if (line.startsWith('+')) {
        text += this.#paint(COLOR.diffAdd, line);
      } else if (line.startsWith('-')) {
        text += this.#paint(COLOR.diffDel, line);
      } else {
        text += line;
      }
      text += '\n';
    }
    await this.#out.write(text);
  }
}
