/**
 * Group sources: the interface the resolver uses, and the upcall-backed source of groups.conf
 * sections (ClusterShell's `UpcallGroupSource`), with its result cache and the `mapall` upcall of
 * ClusterShell 1.10.
 *
 * @module
 */

import type { UpcallName } from '../errors.js';
import { GroupSourceNoUpcallError, GroupSourceQueryFailedError } from '../errors.js';
import { pyRepr, pyStrip, splitWords } from './py-text.js';
import type { Query } from './query.js';
import { safeSubstitute } from './template.js';

/**
 * What a source returns: upcall output (a string of whitespace-separated words on lines) or,
 * from YAML, a list of strings.
 */
export type RawResult = string | readonly string[];

/** One group source, as the resolver sees it. */
export interface GroupSourceBackend {
  /** The source name. */
  readonly name: string;
  /** Whether the source can find the groups of a node by itself (a `reverse` upcall). */
  readonly hasReverse: boolean;
  /** The nodes of a group (empty for an unknown group). */
  map(group: string): Query<RawResult>;
  /** The group names. */
  list(): Query<RawResult>;
  /** All the nodes; throws GroupSourceNoUpcallError('all') when the source cannot tell. */
  all(): Query<RawResult>;
  /** The groups of a node; throws GroupSourceNoUpcallError('reverse') without a reverse upcall. */
  reverse(node: string): Query<RawResult>;
  /** Forgets cached results. */
  clearCache(): void;
}

/** Default cache time of upcall results and YAML files, in seconds. */
export const DEFAULT_CACHE_TIME = 3600;

interface CacheEntry {
  readonly value: string;
  /** Date.now() value after which the entry is stale. */
  readonly expiry: number;
}

type SingleKey = 'list' | 'all' | 'mapall';

/** The upcall command templates of a source. */
export type UpcallTemplates = Partial<Record<UpcallName, string>>;

/**
 * A source whose groups come from shell commands (groups.conf sections and confdir files).
 */
export class UpcallGroupSource implements GroupSourceBackend {
  readonly name: string;
  readonly hasReverse: boolean;
  /** The directory the commands run in, also `$CFGDIR`. */
  readonly cfgdir: string;
  /** Seconds a result stays in the cache. */
  readonly cacheTime: number;
  readonly #upcalls: UpcallTemplates;
  #map = new Map<string, CacheEntry>();
  #reverse = new Map<string, CacheEntry>();
  #single = new Map<SingleKey, CacheEntry>();

  /**
   * @param name - the source name
   * @param upcalls - the command templates (empty ones count as undefined)
   * @param cfgdir - the working directory of the commands and the value of `$CFGDIR`
   * @param cacheTime - seconds a result stays cached (ClusterShell's `cache_time`, default 3600)
   */
  constructor(
    name: string,
    upcalls: UpcallTemplates,
    cfgdir: string,
    cacheTime = DEFAULT_CACHE_TIME,
  ) {
    this.name = name;
    const defined: UpcallTemplates = {};
    for (const [k, v] of Object.entries(upcalls) as [UpcallName, string | undefined][]) {
      if (v !== undefined && v !== '') defined[k] = v;
    }
    this.#upcalls = defined;
    this.hasReverse = defined.reverse !== undefined;
    this.cfgdir = cfgdir;
    this.cacheTime = cacheTime;
  }

  /**
   * Which upcalls this source defines.
   *
   * @returns the names of the defined upcalls
   */
  upcalls(): UpcallName[] {
    return Object.keys(this.#upcalls) as UpcallName[];
  }

  clearCache(): void {
    this.#map = new Map();
    this.#reverse = new Map();
    this.#single = new Map();
  }

  #fresh(entry: CacheEntry | undefined): entry is CacheEntry {
    return entry !== undefined && this.cacheTime > 0 && Date.now() <= entry.expiry;
  }

  #cmdline(upcall: UpcallName, vars: Readonly<Record<string, string>>): string {
    const template = this.#upcalls[upcall];
    if (template === undefined) throw new GroupSourceNoUpcallError(upcall, this.name);
    return safeSubstitute(template, { ...vars, CFGDIR: this.cfgdir, SOURCE: this.name });
  }

  *#cached<K>(
    upcall: UpcallName,
    table: Map<K, CacheEntry>,
    key: K,
    vars: Readonly<Record<string, string>>,
  ): Query<string> {
    const hit = table.get(key);
    if (this.#fresh(hit)) return hit.value;
    if (hit !== undefined) table.delete(key);
    const cmdline = this.#cmdline(upcall, vars);
    const expiry = Date.now() + this.cacheTime * 1000;
    const value: string = yield { source: this.name, upcall, cmdline, cwd: this.cfgdir || '.' };
    table.set(key, { value, expiry });
    return value;
  }

  /** Runs `mapall` when it is defined and its last result is stale, filling the map and list caches. */
  *#populateFromMapall(): Query<void> {
    if (this.#upcalls.mapall === undefined) return;
    if (this.#fresh(this.#single.get('mapall'))) return;
    const content = yield* this.#cached('mapall', this.#single, 'mapall', {});
    const expiry = this.#single.get('mapall')?.expiry ?? Date.now();
    const groups = new Map<string, CacheEntry>();
    for (const rawLine of content.split('\n')) {
      const line = pyStrip(rawLine);
      if (line === '') continue;
      const colon = line.indexOf(':');
      const group = colon < 0 ? '' : pyStrip(line.slice(0, colon));
      if (colon < 0 || group === '' || splitWords(group).length > 1) {
        this.#single.delete('mapall');
        throw new GroupSourceQueryFailedError(this.name, {
          command: this.#cmdline('mapall', {}),
          upcall: 'mapall',
          message: `mapall: invalid line ${pyRepr(line)} (expected 'group: nodes')`,
        });
      }
      const nodes = pyStrip(line.slice(colon + 1));
      const previous = groups.get(group)?.value;
      const merged =
        previous === undefined ? nodes : [previous, nodes].filter((n) => n !== '').join(',');
      groups.set(group, { value: merged, expiry });
    }
    this.#map = groups;
    this.#single.set('list', { value: [...groups.keys()].join(' '), expiry });
  }

  *map(group: string): Query<RawResult> {
    yield* this.#populateFromMapall();
    if (this.#upcalls.map === undefined && this.#upcalls.mapall !== undefined) {
      return this.#map.get(group)?.value ?? '';
    }
    return yield* this.#cached('map', this.#map, group, { GROUP: group });
  }

  *list(): Query<RawResult> {
    yield* this.#populateFromMapall();
    if (this.#upcalls.list === undefined && this.#upcalls.mapall !== undefined) {
      return this.#single.get('list')?.value ?? '';
    }
    return yield* this.#cached('list', this.#single, 'list', {});
  }

  *all(): Query<RawResult> {
    return yield* this.#cached('all', this.#single, 'all', {});
  }

  *reverse(node: string): Query<RawResult> {
    return yield* this.#cached('reverse', this.#reverse, node, { NODE: node });
  }
}
