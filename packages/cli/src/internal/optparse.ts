/**
 * A small command-line parser that behaves like Python's optparse as ClusterShell configures it.
 *
 * Why not `node:util` `parseArgs`: ClusterShell's tools are optparse programs and scripts depend
 * on optparse's grammar, which parseArgs cannot express: parsing stops at the first operand
 * (`disable_interspersed_args`), long options may be abbreviated to any unique prefix (`--cou`),
 * counted flags (`-ll`), typed values with optparse's own error texts (`option --split: invalid
 * integer value: 'x'`), `--help`/`--version` acting the moment they are met, and a help text
 * wrapped to `$COLUMNS` by optparse's formatter. Matching those byte for byte is the point.
 *
 * @module
 */

import { CliUsageError } from '../errors.js';
import { optparseInt, pyParseFloat, pyParseInt, pyRepr } from './py-str.js';
import { wrapText } from './textwrap.js';

/** How an option stores what it reads. */
export type OptionAction =
  | 'store'
  | 'store_true'
  | 'store_false'
  | 'count'
  | 'append'
  | 'help'
  | 'version';

/** The types an option value may be checked against (optparse types, plus ClusterShell's). */
export type OptionType = 'string' | 'int' | 'autostep' | 'safestring';

/** The `--autostep` value: a node count, a fraction of the node count (`50%`), or `auto`. */
export type AutostepValue =
  | { readonly kind: 'count'; readonly value: number }
  | { readonly kind: 'percent'; readonly factor: number }
  | { readonly kind: 'auto' };

/** A parsed option value. */
export type OptionValue = string | number | boolean | readonly string[] | AutostepValue;

/** One option, described as optparse's `add_option()` would. */
export interface OptionSpec {
  /** Option strings, short (`-c`) and long (`--count`), in declaration order. */
  readonly names: readonly string[];
  /** Attribute that receives the value. */
  readonly dest: string;
  /** What the option does. */
  readonly action: OptionAction;
  /** Type of the value, for options that take one. */
  readonly type?: OptionType;
  /** Name of the value in the help text (default: `dest` in upper case). */
  readonly metavar?: string;
  /** Help text. */
  readonly help: string;
  /** The accepted values (optparse's `choices`, which makes the option a `choice` option). */
  readonly choices?: readonly string[];
}

/** A titled group of options in the help text. */
export interface OptionGroup {
  /** The group title. */
  readonly title: string;
  /** The options of the group. */
  readonly options: readonly OptionSpec[];
}

/** The whole parser description. */
export interface ParserSpec {
  /** The usage line, with `%prog` for the program name. */
  readonly usage: string;
  /** The version line, with `%prog` for the program name. */
  readonly version: string;
  /** Options listed before the groups (after `--version` and `-h/--help`). */
  readonly options: readonly OptionSpec[];
  /** The option groups. */
  readonly groups: readonly OptionGroup[];
}

/** What {@link parseOptions} found. */
export type ParseOutcome =
  | {
      readonly kind: 'parsed';
      /** Values by `dest`; options never given are absent. */
      readonly values: ReadonlyMap<string, OptionValue>;
      /** The operands (everything from the first non-option on). */
      readonly args: readonly string[];
    }
  /** `--help` or `--version` was met: print `text` on stdout and exit 0. */
  | { readonly kind: 'exit'; readonly text: string };

const VERSION_OPTION: OptionSpec = {
  names: ['--version'],
  dest: 'version',
  action: 'version',
  help: "show program's version number and exit",
};

const HELP_OPTION: OptionSpec = {
  names: ['-h', '--help'],
  dest: 'help',
  action: 'help',
  help: 'show this help message and exit',
};

function allOptions(spec: ParserSpec): OptionSpec[] {
  return [VERSION_OPTION, HELP_OPTION, ...spec.options, ...spec.groups.flatMap((g) => g.options)];
}

function takesValue(opt: OptionSpec): boolean {
  return opt.action === 'store' || opt.action === 'append';
}

function checkValue(opt: OptionSpec, name: string, value: string): OptionValue {
  if (opt.choices !== undefined) {
    if (!opt.choices.includes(value)) {
      const choices = opt.choices.map((c) => pyRepr(c)).join(', ');
      throw new CliUsageError(
        `option ${name}: invalid choice: ${pyRepr(value)} (choose from ${choices})`,
      );
    }
    return value;
  }
  switch (opt.type) {
    case 'int': {
      const n = optparseInt(value);
      if (n === undefined) {
        throw new CliUsageError(`option ${name}: invalid integer value: ${pyRepr(value)}`);
      }
      return n;
    }
    case 'autostep':
      return checkAutostep(name, value);
    case 'safestring':
      if (value === '' || value.startsWith('-')) {
        throw new CliUsageError(`option ${name}: invalid value: ${pyRepr(value)}`);
      }
      return value;
    default:
      return value;
  }
}

function checkAutostep(name: string, value: string): AutostepValue {
  let parsed: AutostepValue | undefined;
  if (value.includes('%')) {
    const chars = [...value];
    chars.pop();
    const f = pyParseFloat(chars.join(''));
    if (f !== undefined) parsed = { kind: 'percent', factor: f / 100.0 };
  } else {
    const n = pyParseInt(value, 10);
    if (n !== undefined) parsed = { kind: 'count', value: n };
  }
  if (parsed !== undefined) return parsed;
  if (value === 'auto') return { kind: 'auto' };
  throw new CliUsageError(
    `option ${name}: invalid value: ${pyRepr(value)}, should be node count, node percentage or 'auto'`,
  );
}

function matchLong(name: string, longNames: readonly string[]): string {
  if (longNames.includes(name)) return name;
  const possible = longNames.filter((w) => w.startsWith(name));
  if (possible.length === 1) return possible[0] ?? name;
  if (possible.length === 0) throw new CliUsageError(`no such option: ${name}`);
  possible.sort();
  throw new CliUsageError(`ambiguous option: ${name} (${possible.join(', ')}?)`);
}

/**
 * Parses `argv` as ClusterShell's optparse does (interspersed arguments disabled).
 *
 * @param spec - the parser description
 * @param argv - the arguments, without the program name
 * @param prog - the program name, for `--help` and `--version`
 * @param columns - the `COLUMNS` environment value, for `--help`
 * @returns the values and operands, or the text to print for `--help`/`--version`
 * @throws {CliUsageError} on a usage error
 */
export function parseOptions(
  spec: ParserSpec,
  argv: readonly string[],
  prog: string,
  columns: string | undefined,
): ParseOutcome {
  const options = allOptions(spec);
  const byName = new Map<string, OptionSpec>();
  for (const opt of options) for (const n of opt.names) byName.set(n, opt);
  const longNames = [...byName.keys()].filter((n) => n.startsWith('--'));
  const values = new Map<string, OptionValue>();
  const rargs = [...argv];

  const apply = (opt: OptionSpec, name: string, raw: string | undefined): ParseOutcome | null => {
    switch (opt.action) {
      case 'store':
        values.set(opt.dest, checkValue(opt, name, raw ?? ''));
        return null;
      case 'append': {
        const prev = values.get(opt.dest);
        const list = Array.isArray(prev) ? (prev as readonly string[]) : [];
        values.set(opt.dest, [...list, String(checkValue(opt, name, raw ?? ''))]);
        return null;
      }
      case 'store_true':
        values.set(opt.dest, true);
        return null;
      case 'store_false':
        values.set(opt.dest, false);
        return null;
      case 'count': {
        const prev = values.get(opt.dest);
        values.set(opt.dest, (typeof prev === 'number' ? prev : 0) + 1);
        return null;
      }
      case 'help':
        return { kind: 'exit', text: formatHelp(spec, prog, columns) };
      case 'version':
        return { kind: 'exit', text: `${spec.version.replaceAll('%prog', prog)}\n` };
    }
  };

  while (rargs.length > 0) {
    const arg = rargs[0] ?? '';
    if (arg === '--') {
      rargs.shift();
      break;
    }
    if (arg.startsWith('--')) {
      rargs.shift();
      let name = arg;
      let explicit = false;
      const eq = arg.indexOf('=');
      if (eq >= 0) {
        name = arg.slice(0, eq);
        rargs.unshift(arg.slice(eq + 1));
        explicit = true;
      }
      name = matchLong(name, longNames);
      const opt = byName.get(name);
      if (opt === undefined) throw new CliUsageError(`no such option: ${name}`);
      let raw: string | undefined;
      if (takesValue(opt)) {
        if (rargs.length < 1) throw new CliUsageError(`${name} option requires 1 argument`);
        raw = rargs.shift();
      } else if (explicit) {
        throw new CliUsageError(`${name} option does not take a value`);
      }
      const out = apply(opt, name, raw);
      if (out) return out;
    } else if (arg.startsWith('-') && arg.length > 1) {
      rargs.shift();
      const chars = [...arg.slice(1)];
      for (let i = 0; i < chars.length; i++) {
        const name = `-${chars[i]}`;
        const opt = byName.get(name);
        if (opt === undefined) throw new CliUsageError(`no such option: ${name}`);
        let raw: string | undefined;
        let stop = false;
        if (takesValue(opt)) {
          if (i + 1 < chars.length) {
            rargs.unshift(chars.slice(i + 1).join(''));
            stop = true;
          }
          if (rargs.length < 1) throw new CliUsageError(`${name} option requires 1 argument`);
          raw = rargs.shift();
        }
        const out = apply(opt, name, raw);
        if (out) return out;
        if (stop) break;
      }
    } else {
      break;
    }
  }
  return { kind: 'parsed', values, args: rargs };
}

/**
 * The usage line as optparse prints it before an error (`Usage: ...`, then an empty line).
 *
 * @param spec - the parser description
 * @param prog - the program name
 * @returns the text to print on stderr before `prog: error: ...`
 */
export function formatUsage(spec: ParserSpec, prog: string): string {
  return `Usage: ${spec.usage.replaceAll('%prog', prog)}\n\n`;
}

function optionStrings(opt: OptionSpec): string {
  if (!takesValue(opt)) return opt.names.join(', ');
  const metavar = opt.metavar ?? opt.dest.toUpperCase();
  const shorts = opt.names.filter((n) => !n.startsWith('--')).map((n) => `${n} ${metavar}`);
  const longs = opt.names.filter((n) => n.startsWith('--')).map((n) => `${n}=${metavar}`);
  return [...shorts, ...longs].join(', ');
}

/**
 * The `--help` text, formatted as optparse's IndentedHelpFormatter does for `$COLUMNS`.
 *
 * @param spec - the parser description
 * @param prog - the program name
 * @param columns - the `COLUMNS` environment value
 * @returns the whole help text
 */
export function formatHelp(spec: ParserSpec, prog: string, columns: string | undefined): string {
  const cols = columns === undefined ? undefined : pyParseInt(columns, 10);
  const width = (cols ?? 80) - 2;
  const indentIncrement = 2;
  const maxHelpPosition = Math.min(24, Math.max(width - 20, indentIncrement * 2));
  let maxLen = 0;
  const top = [VERSION_OPTION, HELP_OPTION, ...spec.options];
  for (const o of top) maxLen = Math.max(maxLen, optionStrings(o).length + 2);
  for (const g of spec.groups) {
    for (const o of g.options) maxLen = Math.max(maxLen, optionStrings(o).length + 4);
  }
  const helpPosition = Math.min(maxLen + 2, maxHelpPosition);
  const helpWidth = Math.max(width - helpPosition, 11);

  const formatOption = (o: OptionSpec, indent: number): string => {
    let opts = optionStrings(o);
    const optWidth = helpPosition - indent - 2;
    let indentFirst: number;
    if (opts.length > optWidth) {
      opts = `${' '.repeat(indent)}${opts}\n`;
      indentFirst = helpPosition;
    } else {
      opts = `${' '.repeat(indent)}${opts.padEnd(optWidth)}  `;
      indentFirst = 0;
    }
    const lines = wrapText(o.help, helpWidth);
    let out = `${opts}${' '.repeat(indentFirst)}${lines[0] ?? ''}\n`;
    for (const line of lines.slice(1)) out += `${' '.repeat(helpPosition)}${line}\n`;
    return out;
  };

  let text = `Usage: ${spec.usage.replaceAll('%prog', prog)}\n\n`;
  const parts: string[] = ['Options:\n'];
  parts.push(top.map((o) => formatOption(o, 2)).join(''));
  parts.push('\n');
  for (const g of spec.groups) {
    parts.push(`  ${g.title}:\n`);
    parts.push(g.options.map((o) => formatOption(o, 4)).join(''));
    parts.push('\n');
  }
  parts.pop();
  text += parts.join('');
  return text;
}
