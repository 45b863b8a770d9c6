/**
 * YAML group files of `[Main] autodir` (ClusterShell's `YAMLGroupLoader` and `FileGroupSource`):
 * one file holds several sources, each a mapping of group names to node sets.
 *
 * @module
 */

import { isMap, isScalar, parseDocument, visit } from 'yaml';
import {
  GroupResolverConfigError,
  GroupResolverConfigValueError,
  GroupSourceNoUpcallError,
} from '../errors.js';
import type { GroupSourceBackend, RawResult } from './group-source.js';
import { DEFAULT_CACHE_TIME } from './group-source.js';
import { io } from './io.js';
import { pyStr, pyUtf8DecodeError } from './py-text.js';
import type { Query } from './query.js';
import { immediate } from './query.js';

type Groups = ReadonlyMap<string, unknown>;

/** The errors thrown because a YAML file could not be read (rather than parsed). */
const READ_FAILURES = new WeakSet<GroupResolverConfigError>();

/**
 * A YAML syntax error, framed as ClusterShell frames PyYAML's: `<file>: <problem>` then a mark
 * `  in "<file>", line L, column C` (1-based). The problem is worded by the `yaml` package.
 */
function syntaxError(
  file: string,
  text: string,
  problem: string,
  offset: number,
  cause?: unknown,
): GroupResolverConfigError {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return new GroupResolverConfigError(
    `${file}: ${problem}\n  in "${file}", line ${line}, column ${column}`,
    { file, line, cause },
  );
}

/**
 * Loads (and reloads after its cache time) one YAML group file.
 */
export class YamlGroupLoader {
  /** The file path. */
  readonly file: string;
  /** Seconds before the file is read again. */
  readonly cacheTime: number;
  /** The sources found at the first load; a reload never adds any. */
  readonly sources: readonly YamlGroupSource[];
  #groups = new Map<string, Groups>();
  #expiry = 0;

  /**
   * Reads the file at once.
   *
   * @param file - the YAML file
   * @param cacheTime - seconds before the file is read again (default 3600)
   * @throws {GroupResolverConfigError} when the file is not valid YAML or not a dict of dicts
   */
  constructor(file: string, cacheTime = DEFAULT_CACHE_TIME) {
    this.file = file;
    this.cacheTime = cacheTime;
    this.#load(true);
    this.sources = [...this.#groups.keys()].map((name) => new YamlGroupSource(name, this));
  }

  #load(first: boolean): void {
    const file = this.file;
    let bytes: Uint8Array;
    try {
      bytes = io.readFile(file);
    } catch (e) {
      const error = new GroupResolverConfigError(`${file}: ${(e as Error).message}`, {
        file,
        cause: e,
      });
      READ_FAILURES.add(error);
      throw error;
    }
    const bad = pyUtf8DecodeError(bytes);
    // Python's UnicodeDecodeError, a ValueError that ClusterShell lets escape.
    if (bad !== undefined) throw new GroupResolverConfigValueError(bad, { file });
    const text = new TextDecoder('utf-8').decode(bytes);
    const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: false });
    const error = doc.errors[0];
    if (error !== undefined) throw syntaxError(file, text, error.message, error.pos[0], error);
    // An alias to an anchor that does not exist (PyYAML: `found undefined alias`).
    let undefinedAlias: { name: string; offset: number } | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (node.resolve(doc) !== undefined) return undefined;
        undefinedAlias = { name: node.source, offset: node.range?.[0] ?? 0 };
        return visit.BREAK;
      },
    });
    if (undefinedAlias !== undefined) {
      throw syntaxError(
        file,
        text,
        `found undefined alias '${undefinedAlias.name}'`,
        undefinedAlias.offset,
      );
    }
    // Key source texts, to print non-string keys as Python would (1.0 is a float, 1 an int).
    const keySources = new Map<unknown, string>();
    const contents = doc.contents;
    if (isMap(contents)) {
      for (const pair of contents.items) {
        if (isScalar(pair.key) && pair.key.source !== undefined) {
          keySources.set(pair.key.value, pair.key.source);
        }
        if (isMap(pair.value)) {
          for (const inner of pair.value.items) {
            if (isScalar(inner.key) && inner.key.source !== undefined) {
              keySources.set(inner.key.value, inner.key.source);
            }
          }
        }
      }
    }
    let data: unknown;
    try {
      data = doc.toJS({ mapAsMap: true, maxAliasCount: 10000 });
    } catch (e) {
      throw new GroupResolverConfigError(`${file}: ${(e as Error).message}`, { file, cause: e });
    }
    if (!(data instanceof Map)) {
      throw new GroupResolverConfigError(`${file}: invalid content (base is not a dict)`, { file });
    }
    const loaded = new Map<string, Groups>();
    for (const [source, groups] of data as Map<unknown, unknown>) {
      if (typeof source !== 'string') {
        throw new GroupResolverConfigError(
          `${file}: group source ${pyStr(source, keySources.get(source))} not a string (add quotes?)`,
          { file },
        );
      }
      if (!(groups instanceof Map)) {
        throw new GroupResolverConfigError(
          `${file}: invalid content (group source '${source}' is not a dict)`,
          { file },
        );
      }
      for (const group of (groups as Map<unknown, unknown>).keys()) {
        if (typeof group !== 'string') {
          throw new GroupResolverConfigError(
            `${file}: ${source}: group name ${pyStr(group, keySources.get(group))} not a string (add quotes?)`,
            { file },
          );
        }
      }
      loaded.set(source, groups as Groups);
    }
    if (first) {
      this.#groups = loaded;
    } else {
      // Sources are fixed at the first load: refresh the known ones, ignore new ones.
      for (const [source, groups] of loaded) {
        if (this.#groups.has(source)) this.#groups.set(source, groups);
      }
    }
    this.#expiry = Date.now() + this.cacheTime * 1000;
  }

  /**
   * The groups of one source, reading the file again when its cache time has passed.
   *
   * @param source - a source of this file
   * @returns its groups
   * @throws {GroupResolverConfigError} when a reload fails
   */
  groups(source: string): Groups {
    if (this.#expiry < Date.now()) this.#load(false);
    return this.#groups.get(source) ?? new Map();
  }

  /** Makes the next access read the file again. */
  expire(): void {
    this.#expiry = Number.NEGATIVE_INFINITY;
  }
}

/**
 * Tells whether a YAML file error means "skip this file": ClusterShell skips the YAML files it
 * cannot open or read (any OSError), and logs only permission errors.
 *
 * @param e - the error thrown by the loader
 * @returns true when the file could not be read
 */
export function isReadError(e: unknown): boolean {
  return e instanceof GroupResolverConfigError && READ_FAILURES.has(e);
}

/**
 * One source of a YAML file.
 */
export class YamlGroupSource implements GroupSourceBackend {
  readonly name: string;
  readonly hasReverse = false;
  readonly #loader: YamlGroupLoader;

  /**
   * @param name - the source name (a top-level key of the file)
   * @param loader - the file loader
   */
  constructor(name: string, loader: YamlGroupLoader) {
    this.name = name;
    this.#loader = loader;
  }

  #value(groups: Groups, group: string): RawResult {
    const value = groups.get(group);
    if (value === null || value === undefined) return '';
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string'))
      return value;
    const file = this.#loader.file;
    throw new GroupResolverConfigError(
      `${file}: ${this.name}: group ${group} is not a string or a list of strings (add quotes?)`,
      { file },
    );
  }

  map(group: string): Query<RawResult> {
    return immediate(() => this.#value(this.#loader.groups(this.name), group));
  }

  list(): Query<RawResult> {
    return immediate(() => [...this.#loader.groups(this.name).keys()]);
  }

  all(): Query<RawResult> {
    return immediate(() => {
      const groups = this.#loader.groups(this.name);
      if (!groups.has('all')) throw new GroupSourceNoUpcallError('all', this.name);
      return this.#value(groups, 'all');
    });
  }

  reverse(): Query<RawResult> {
    return immediate(() => {
      throw new GroupSourceNoUpcallError('reverse', this.name);
    });
  }

  clearCache(): void {
    this.#loader.expire();
  }
}
