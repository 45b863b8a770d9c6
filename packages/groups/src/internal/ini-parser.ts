/**
 * An INI reader with the behaviour of Python's `configparser.ConfigParser()` that matters for
 * ClusterShell's groups.conf: `[section]` headers, `key: value` and `key = value`, indented
 * continuation lines, full-line `#`/`;` comments (no inline comments), a `[DEFAULT]` section whose
 * keys every section inherits, lower-cased keys, strict duplicate checks within one file, later
 * files overriding earlier ones, and `%(name)s` interpolation (BasicInterpolation) for non-raw reads.
 *
 * @module
 */

import { GroupResolverConfigParserError } from '../errors.js';
import { pyRepr, pyStrip } from './py-text.js';

const DEFAULT_SECTION = 'DEFAULT';
const MAX_INTERPOLATION_DEPTH = 10;
const SECTION_HEADER = /^\[(.+)\]/;
const OPTION_LINE = /^(.*?)\s*([=:])\s*(.*)$/s;
const KEY_REFERENCE = /^%\(([^)]+)\)s/;

type Values = Map<string, string>;

/** The file and line of a section header. */
export interface SectionOrigin {
  readonly file: string;
  readonly line: number;
}

/**
 * The merged content of one or more INI files.
 */
export class IniConfig {
  readonly #defaults: Values = new Map();
  readonly #sections = new Map<string, Values>();
  readonly #origins = new Map<string, SectionOrigin>();

  /**
   * Reads one file's text into this config. Options of a section already read are overridden
   * one by one; new sections are appended.
   *
   * @param text - the file content
   * @param file - the file name, for error messages
   * @throws {GroupResolverConfigParserError} with ConfigParser's message, `file` and `line`
   */
  read(text: string, file: string): void {
    const pending = new Map<Values, Map<string, string[]>>();
    const added = new Set<string>();
    const badLines: { line: number; text: string }[] = [];
    let current: Values | undefined;
    let currentName = '';
    let option: string | undefined;
    let indentLevel = 0;

    const lines = text.replace(/\r\n?/g, '\n').match(/[^\n]*\n|[^\n]+$/g) ?? [];
    lines.forEach((raw, index) => {
      const lineno = index + 1;
      const stripped = pyStrip(raw);
      const isComment = stripped.startsWith('#') || stripped.startsWith(';');
      const value = isComment ? '' : stripped;
      if (value === '') {
        // Empty lines belong to the value being read, unless the line was a comment.
        if (!isComment && current !== undefined && option !== undefined) {
          pending.get(current)?.get(option)?.push('');
        }
        return;
      }
      const indent = raw.search(/\S/);
      const curIndent = Math.max(indent, 0);
      if (current !== undefined && option !== undefined && curIndent > indentLevel) {
        pending.get(current)?.get(option)?.push(value);
        return;
      }
      indentLevel = curIndent;
      const header = SECTION_HEADER.exec(value);
      if (header) {
        const name = header[1] ?? '';
        if (name === DEFAULT_SECTION) {
          current = this.#defaults;
        } else {
          const existing = this.#sections.get(name);
          if (existing !== undefined && added.has(name)) {
            throw new GroupResolverConfigParserError(
              `While reading from ${pyRepr(file)} [line ${pad2(lineno)}]: section ${pyRepr(name)} already exists`,
              { file, line: lineno },
            );
          }
          current = existing ?? new Map();
          if (existing === undefined) this.#sections.set(name, current);
          this.#origins.set(name, { file, line: lineno });
          added.add(name);
        }
        currentName = name;
        option = undefined;
        return;
      }
      if (current === undefined) {
        throw new GroupResolverConfigParserError(
          `File contains no section headers.\nfile: ${pyRepr(file)}, line: ${lineno}\n${pyRepr(raw)}`,
          { file, line: lineno },
        );
      }
      const match = OPTION_LINE.exec(value);
      if (!match) {
        badLines.push({ line: lineno, text: raw });
        return;
      }
      const rawName = match[1] ?? '';
      if (rawName === '') badLines.push({ line: lineno, text: raw });
      const name = rawName.trimEnd().toLowerCase();
      const key = `${currentName}\0${name}`;
      if (added.has(key)) {
        throw new GroupResolverConfigParserError(
          `While reading from ${pyRepr(file)} [line ${pad2(lineno)}]: option ${pyRepr(name)} in section ${pyRepr(currentName)} already exists`,
          { file, line: lineno },
        );
      }
      added.add(key);
      option = name;
      let sectionPending = pending.get(current);
      if (sectionPending === undefined) {
        sectionPending = new Map();
        pending.set(current, sectionPending);
      }
      sectionPending.set(name, [pyStrip(match[3] ?? '')]);
    });

    for (const [values, options] of pending) {
      for (const [name, parts] of options) values.set(name, parts.join('\n').trimEnd());
    }
    const firstBad = badLines[0];
    if (firstBad !== undefined) {
      const details = badLines.map((b) => `\n\t[line ${pad2(b.line)}]: ${pyRepr(b.text)}`).join('');
      throw new GroupResolverConfigParserError(
        `Source contains parsing errors: ${pyRepr(file)}${details}`,
        { file, line: firstBad.line },
      );
    }
  }

  /**
   * The section names in the order they were first read, without `DEFAULT`.
   *
   * @returns the section names
   */
  sections(): string[] {
    return [...this.#sections.keys()];
  }

  /**
   * Where `section` was last defined.
   *
   * @param section - a section name
   * @returns the file and the line of its header, or undefined for an unknown section
   */
  origin(section: string): SectionOrigin | undefined {
    return this.#origins.get(section);
  }

  /**
   * The option names of `section`, its own first, then those inherited from `[DEFAULT]`.
   *
   * @param section - a section name
   * @returns the option names, or undefined when the section does not exist
   */
  options(section: string): string[] | undefined {
    const values = this.#sections.get(section);
    if (values === undefined) return undefined;
    const names = [...values.keys()];
    for (const name of this.#defaults.keys()) if (!values.has(name)) names.push(name);
    return names;
  }

  /**
   * Whether `section` exists (`DEFAULT` never does, as in ConfigParser).
   *
   * @param section - a section name
   * @returns true when the section was read
   */
  hasSection(section: string): boolean {
    return this.#sections.has(section);
  }

  /**
   * Whether `option` is set in `section` or in `[DEFAULT]`.
   *
   * @param section - a section name
   * @param option - an option name (case-insensitive)
   * @returns true when a value exists
   */
  hasOption(section: string, option: string): boolean {
    const name = option.toLowerCase();
    if (section === '' || section === DEFAULT_SECTION) return this.#defaults.has(name);
    const values = this.#sections.get(section);
    if (values === undefined) return false;
    return values.has(name) || this.#defaults.has(name);
  }

  /**
   * The value of `option` in `section` (falling back on `[DEFAULT]`), interpolated unless `raw`.
   *
   * @param section - a section name
   * @param option - an option name (case-insensitive)
   * @param raw - true to skip `%(name)s` interpolation
   * @returns the value, or undefined when the section or the option does not exist
   * @throws {GroupResolverConfigParserError} on a bad interpolation, with ConfigParser's message
   */
  get(section: string, option: string, raw = false): string | undefined {
    const name = option.toLowerCase();
    const values = section === DEFAULT_SECTION ? this.#defaults : this.#sections.get(section);
    if (values === undefined) return undefined;
    const value = values.get(name) ?? this.#defaults.get(name);
    if (value === undefined || raw) return value;
    const lookup = (key: string): string | undefined => values.get(key) ?? this.#defaults.get(key);
    const out: string[] = [];
    interpolate(out, value, 1, { section, option: name, rawValue: value, lookup });
    return out.join('');
  }
}

interface InterpolationContext {
  readonly section: string;
  readonly option: string;
  readonly rawValue: string;
  readonly lookup: (key: string) => string | undefined;
}

function interpolate(out: string[], text: string, depth: number, ctx: InterpolationContext): void {
  if (depth > MAX_INTERPOLATION_DEPTH) {
    throw new GroupResolverConfigParserError(
      `Recursion limit exceeded in value substitution: option ${pyRepr(ctx.option)} in section ${pyRepr(ctx.section)} contains an interpolation key which cannot be substituted in ${MAX_INTERPOLATION_DEPTH} steps. Raw value: ${pyRepr(ctx.rawValue)}`,
    );
  }
  let rest = text;
  while (rest !== '') {
    const p = rest.indexOf('%');
    if (p < 0) {
      out.push(rest);
      return;
    }
    if (p > 0) {
      out.push(rest.slice(0, p));
      rest = rest.slice(p);
    }
    const c = rest.charAt(1);
    if (c === '%') {
      out.push('%');
      rest = rest.slice(2);
    } else if (c === '(') {
      const m = KEY_REFERENCE.exec(rest);
      if (!m) {
        throw new GroupResolverConfigParserError(
          `bad interpolation variable reference ${pyRepr(rest)}`,
        );
      }
      const key = (m[1] ?? '').toLowerCase();
      rest = rest.slice(m[0].length);
      const v = ctx.lookup(key);
      if (v === undefined) {
        throw new GroupResolverConfigParserError(
          `Bad value substitution: option ${pyRepr(ctx.option)} in section ${pyRepr(ctx.section)} contains an interpolation key ${pyRepr(key)} which is not a valid option name. Raw value: ${pyRepr(ctx.rawValue)}`,
        );
      }
      if (v.includes('%')) interpolate(out, v, depth + 1, ctx);
      else out.push(v);
    } else {
      throw new GroupResolverConfigParserError(
        `'%' must be followed by '%' or '(', found: ${pyRepr(rest)}`,
      );
    }
  }
}

function pad2(n: number): string {
  return String(n).padStart(2, ' ');
}
