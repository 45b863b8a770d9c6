/**
 * YAML group files of `[Main] autodir` (ClusterShell's `YAMLGroupLoader` and `FileGroupSource`):
 * one file holds several sources, each a mapping of group names to node sets.
 *
 * @module
 */

import { isMap, isScalar, parseDocument } from 'yaml';
import { GroupResolverConfigError, GroupSourceNoUpcallError } from '../errors.js';
import type { GroupSourceBackend, RawResult } from './group-source.js';
import { DEFAULT_CACHE_TIME } from './group-source.js';
import { io } from './io.js';
import { pyStr } from './py-text.js';
import type { Query } from './query.js';
import { immediate } from './query.js';

type Groups = ReadonlyMap<string, unknown>;

function errnoOf(e: unknown): string | undefined {
  const code: unknown = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
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
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(io.readFile(file));
    } catch (e) {
      throw new GroupResolverConfigError(`${file}: ${(e as Error).message}`, { file, cause: e });
    }
    const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: false });
    const error = doc.errors[0];
    if (error !== undefined) {
      const offset = error.pos[0];
      throw new GroupResolverConfigError(`${file}: ${error.message}`, {
        file,
        line: text.slice(0, offset).split('\n').length,
        cause: error,
      });
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
 * Tells whether a YAML file error means "skip this file" (ClusterShell skips YAML files it may not read).
 *
 * @param e - the error thrown by the loader
 * @returns true for permission errors
 */
export function isPermissionError(e: unknown): boolean {
  const cause = e instanceof GroupResolverConfigError ? e.cause : e;
  const code = errnoOf(cause);
  return code === 'EACCES' || code === 'EPERM';
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
