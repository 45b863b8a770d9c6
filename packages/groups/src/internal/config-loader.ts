/**
 * Builds the group sources from groups.conf files, as ClusterShell's `GroupResolverConfig` does
 * on its first use: merge every groups.conf, then add the sources of `[Main] confdir` files,
 * of `[Main] autodir` YAML files and of the other groups.conf sections, in that order, and pick
 * the default source.
 *
 * @module
 */

import type { ConfigErrorLocation } from '../errors.js';
import { GroupResolverConfigError, GroupResolverConfigValueError } from '../errors.js';
import type { GroupSourceBackend, UpcallTemplates } from './group-source.js';
import { DEFAULT_CACHE_TIME, UpcallGroupSource } from './group-source.js';
import { IniConfig } from './ini-parser.js';
import { io } from './io.js';
import { normPath, pyDirname, pyFloat, pyRepr, pyUtf8DecodeError } from './py-text.js';
import { ShlexError, shlexSplit } from './shlex.js';
import { safeSubstitute } from './template.js';
import { isReadError, YamlGroupLoader } from './yaml-source.js';

const MAIN = 'Main';
const UPCALLS = ['map', 'mapall', 'all', 'list', 'reverse'] as const;

/** The sources built from the configuration. */
export interface LoadedConfig {
  /** The sources by name, in ClusterShell's order. */
  readonly sources: ReadonlyMap<string, GroupSourceBackend>;
  /** The default source, if any. */
  readonly defaultSource: string | undefined;
  /** The groups.conf files that were read, lowest priority first. */
  readonly files: readonly string[];
  /** `$CFGDIR`: the directory of the last groups.conf read. */
  readonly cfgdir: string | undefined;
}

/**
 * Reads a text file, or returns undefined when it cannot be opened (ConfigParser.read() skips
 * such files silently).
 */
function readText(file: string): string | undefined {
  let bytes: Uint8Array;
  try {
    bytes = io.readFile(file);
  } catch {
    return undefined;
  }
  const bad = pyUtf8DecodeError(bytes);
  // Python's UnicodeDecodeError, a ValueError that ClusterShell lets escape.
  if (bad !== undefined) throw new GroupResolverConfigValueError(bad, { file });
  return new TextDecoder('utf-8').decode(bytes);
}

class SourceSet {
  readonly sources = new Map<string, GroupSourceBackend>();

  /**
   * Adds a source; a name already taken is an error, which ClusterShell wraps in a resolver
   * error for upcall sources and lets escape as a ValueError for YAML sources.
   */
  add(source: GroupSourceBackend, where: ConfigErrorLocation, fromYaml = false): void {
    if (this.sources.has(source.name)) {
      const message = `GroupSource '${source.name}': name collision`;
      throw fromYaml
        ? new GroupResolverConfigValueError(message, where)
        : new GroupResolverConfigError(message, where);
    }
    this.sources.set(source.name, source);
  }

  /** Adds one upcall source per name of every section of `cfg` but Main. */
  addFromIni(cfg: IniConfig, cfgdir: string): void {
    for (const section of cfg.sections()) {
      const where: ConfigErrorLocation = cfg.origin(section) ?? {};
      for (const name of section.split(',')) {
        if (name === MAIN) continue;
        if (!cfg.hasOption(section, 'map') && !cfg.hasOption(section, 'mapall')) {
          // ClusterShell 1.9.1's message (configparser's NoOptionError): it knows no mapall.
          throw new GroupResolverConfigError(
            `No option 'map' in section: ${pyRepr(section)}`,
            where,
          );
        }
        const upcalls: UpcallTemplates = {};
        for (const upcall of UPCALLS) {
          const value = cfg.get(section, upcall, true);
          if (value !== undefined) upcalls[upcall] = value;
        }
        let cacheTime = DEFAULT_CACHE_TIME;
        const rawCacheTime = cfg.get(section, 'cache_time', true);
        if (rawCacheTime !== undefined) {
          const parsed = pyFloat(rawCacheTime);
          if (parsed === undefined) {
            throw new GroupResolverConfigError(
              `could not convert string to float: ${pyRepr(rawCacheTime)}`,
              where,
            );
          }
          cacheTime = parsed;
        }
        this.add(new UpcallGroupSource(name, upcalls, cfgdir, cacheTime), where);
      }
    }
  }
}

/** Expands a `[Main]` directory list option into normalised, de-duplicated directories. */
function dirList(config: IniConfig, option: string, cfgdir: string): string[] {
  const value = config.get(MAIN, option);
  if (value === undefined) return [];
  let words: string[];
  try {
    words = shlexSplit(value);
  } catch (e) {
    if (e instanceof ShlexError) {
      // ClusterShell lets shlex's ValueError escape, with shlex's bare message.
      throw new GroupResolverConfigValueError(e.message, {
        file: config.origin(MAIN)?.file,
        cause: e,
      });
    }
    throw e;
  }
  const dirs: string[] = [];
  for (const word of words) {
    const dir = normPath(safeSubstitute(word, { CFGDIR: cfgdir }));
    if (dirs.includes(dir)) continue;
    dirs.push(dir);
  }
  return dirs;
}

/** Whether `dir` should be scanned: missing ones are skipped, non-directories are an error. */
function isUsableDir(dir: string, label: string): boolean {
  const kind = io.kind(dir);
  if (kind === 'directory') return true;
  if (kind === 'missing') return false;
  throw new GroupResolverConfigError(`Defined ${label} ${dir} is not a directory`);
}

/** The entries of `dir` named `*<ext>` (not hidden), sorted, as full paths. */
function globSorted(dir: string, ext: string): string[] {
  let names: string[];
  try {
    names = io.readDir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(ext) && !n.startsWith('.'))
    .sort()
    .map((n) => `${dir}/${n}`);
}

/**
 * Reads the groups.conf files and builds the sources.
 *
 * @param files - groups.conf candidates, lowest priority first; missing ones are skipped
 * @returns the sources and the default source
 * @throws {GroupResolverConfigError} on any configuration error
 */
export function loadConfig(files: readonly string[]): LoadedConfig {
  const config = new IniConfig();
  const parsed: string[] = [];
  for (const file of files) {
    const text = readText(file);
    if (text === undefined) continue;
    config.read(text, file);
    parsed.push(file);
  }
  const last = parsed.at(-1);
  if (last === undefined) {
    return { sources: new Map(), defaultSource: undefined, files: parsed, cfgdir: undefined };
  }
  const cfgdir = pyDirname(last);
  const set = new SourceSet();

  const confdirOption = config.hasOption(MAIN, 'groupsdir') ? 'groupsdir' : 'confdir';
  if (config.hasSection(MAIN)) {
    for (const dir of dirList(config, confdirOption, cfgdir)) {
      if (!isUsableDir(dir, 'confdir')) continue;
      for (const file of globSorted(dir, '.conf')) {
        const text = readText(file);
        if (text === undefined) continue;
        const part = new IniConfig();
        part.read(text, file);
        set.addFromIni(part, dir);
      }
    }
    for (const dir of dirList(config, 'autodir', cfgdir)) {
      if (!isUsableDir(dir, 'autodir')) continue;
      for (const file of globSorted(dir, '.yaml')) {
        let loader: YamlGroupLoader;
        try {
          loader = new YamlGroupLoader(file);
        } catch (e) {
          if (isReadError(e)) continue;
          throw e;
        }
        for (const source of loader.sources) set.add(source, { file }, true);
      }
    }
  }
  set.addFromIni(config, cfgdir);

  let defaultSource: string | undefined;
  const wanted = config.hasSection(MAIN) ? config.get(MAIN, 'default') : undefined;
  if (wanted !== undefined && set.sources.has(wanted)) defaultSource = wanted;
  else if (wanted !== undefined && wanted !== '') {
    throw new GroupResolverConfigError(`Default group source not found: "${wanted}"`);
  }
  if (!defaultSource) defaultSource = set.sources.keys().next().value;
  return { sources: set.sources, defaultSource, files: parsed, cfgdir };
}
