/**
 * The part of ClusterShell's `defaults.conf` that nodeset uses: `[nodeset] fold_axis`, the
 * default fold axes of every NodeSet (0-based, comma separated; empty means fold every axis).
 * Every existing defaults.conf of the configuration search path is read, later files winning.
 *
 * @module
 */

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { CliPythonError } from '../errors.js';
import { pyParseInt, pyRepr, pyStrip } from './py-str.js';

/**
 * The defaults.conf paths, lowest priority first, as ClusterShell's `config_paths()` (without
 * its Python `sys.prefix` entry).
 */
function defaultsPaths(env: Readonly<Record<string, string | undefined>>): string[] {
  // Python's os.path.join: an empty directory gives a relative path.
  const join = (dir: string, name: string): string =>
    dir === '' || dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
  const home = env.HOME ?? homedir();
  const xdg = env.XDG_CONFIG_HOME;
  const paths = [
    '/etc/clustershell/defaults.conf',
    join(home, '.local/etc/clustershell/defaults.conf'),
    join(xdg ?? join(home, '.config'), 'clustershell/defaults.conf'),
  ];
  const cfgdir = env.CLUSTERSHELL_CFGDIR;
  if (cfgdir !== undefined) paths.push(join(cfgdir, 'defaults.conf'));
  return paths;
}

/** Reads `[nodeset] fold_axis` from one INI text (ConfigParser syntax, enough for this key). */
function readFoldAxis(text: string): string | undefined {
  let section: string | undefined;
  let key: string | undefined;
  let value: string | undefined;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    if (/^\s*[#;]/.test(raw) || pyStrip(raw) === '') {
      continue;
    }
    if (/^\s/.test(raw) && key !== undefined) {
      if (section === 'nodeset' && key === 'fold_axis') value = `${value ?? ''}\n${pyStrip(raw)}`;
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header) {
      section = header[1];
      key = undefined;
      continue;
    }
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!m) continue;
    key = (m[1] ?? '').toLowerCase();
    if (section === 'nodeset' && key === 'fold_axis') value = pyStrip(m[2] ?? '');
  }
  return value;
}

/**
 * The default fold axes from defaults.conf (ClusterShell's `DEFAULTS.fold_axis`).
 *
 * @param env - the environment (HOME, XDG_CONFIG_HOME, CLUSTERSHELL_CFGDIR)
 * @returns the 0-based axes, or undefined when none is configured
 * @throws {CliPythonError} when a value is not an integer
 */
export function defaultFoldAxis(
  env: Readonly<Record<string, string | undefined>>,
): readonly number[] | undefined {
  let value: string | undefined;
  for (const path of defaultsPaths(env)) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    value = readFoldAxis(text) ?? value;
  }
  if (value === undefined) return undefined;
  const axes: number[] = [];
  for (const part of value.split(',')) {
    if (pyStrip(part) === '') continue;
    const n = pyParseInt(part, 10);
    if (n === undefined) {
      throw new CliPythonError(
        'ValueError',
        `invalid literal for int() with base 10: ${pyRepr(part)}`,
      );
    }
    axes.push(n);
  }
  return axes.length > 0 ? axes : undefined;
}
