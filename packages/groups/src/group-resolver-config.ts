/**
 * ClusterShell's standard group resolver (`GroupResolverConfig`): node groups from groups.conf
 * files, their confdir `*.conf` upcall sources and autodir `*.yaml` sources.
 *
 * @module
 */

import type { GroupResolver } from '@cluster-task/nodeset';
import { NodeSet, setDefaultGroupResolver } from '@cluster-task/nodeset';
import { configPaths } from './config-paths.js';
import {
  GroupResolverIllegalCharError,
  GroupResolverSourceError,
  GroupSourceNoUpcallError,
} from './errors.js';
import type { LoadedConfig } from './internal/config-loader.js';
import { loadConfig } from './internal/config-loader.js';
import type { GroupSourceBackend, RawResult } from './internal/group-source.js';
import { splitWords } from './internal/py-text.js';
import type { Query } from './internal/query.js';
import { runQueryAsync, runQuerySync } from './internal/query.js';
import type { UpcallRequest, UpcallRunOptions } from './internal/upcall-runner.js';
import { runUpcallAsync, runUpcallSync } from './internal/upcall-runner.js';
import type { UpcallEvent } from './upcall-event.js';

/**
 * The characters a group name may not hold, because the node set syntax uses them
 * (ClusterShell's `ILLEGAL_GROUP_CHARS`).
 *
 * @category Groups
 * @example
 * ```ts
 * [...'a,b'].some((c) => ILLEGAL_GROUP_CHARS.includes(c)); // true
 * ```
 */
export const ILLEGAL_GROUP_CHARS = '@,!&^*';

/** Default upcall timeout, in milliseconds. */
const DEFAULT_UPCALL_TIMEOUT = 60_000;

/** How many upcalls the async methods run at once when they need one per group. */
const ASYNC_CONCURRENCY = 4;

/**
 * Options of {@link GroupResolverConfig.load}, {@link loadGroupResolver} and
 * {@link installDefaultGroupResolver}.
 *
 * @category Groups
 * @example
 * ```ts
 * const options: GroupsLoadOptions = { groupsConf: './groups.conf', upcallTimeout: 10_000 };
 * ```
 */
export interface GroupsLoadOptions {
  /**
   * Explicit groups.conf path(s), lowest priority first, instead of ClusterShell's search path
   * (`nodeset --groupsconf`). Files that do not exist are skipped, as ClusterShell does.
   *
   * @defaultValue {@link configPaths}('groups.conf', env)
   */
  readonly groupsConf?: string | readonly string[] | undefined;
  /**
   * The environment: HOME, XDG_CONFIG_HOME and CLUSTERSHELL_CFGDIR locate the config files, and
   * upcalls run with it (undefined entries are dropped).
   *
   * @defaultValue `process.env` (upcalls inherit the process environment)
   */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * Milliseconds an upcall may run before its process group is killed and the query fails.
   *
   * @defaultValue 60000
   */
  readonly upcallTimeout?: number | undefined;
  /**
   * Called after every upcall process ends (or fails to start), with its command, output and
   * status, before the resolver uses or rejects its output. An exception thrown here propagates
   * to the query. Upcall standard error is captured, so this is where a program shows it.
   *
   * @defaultValue none
   */
  readonly onUpcall?: ((event: UpcallEvent) => void) | undefined;
}

/**
 * Options of the asynchronous queries.
 *
 * @category Groups
 * @example
 * ```ts
 * await resolver.groupNodesAsync('io', undefined, { signal: AbortSignal.timeout(5000) });
 * ```
 */
export interface GroupQueryOptions {
  /**
   * Stops waiting when aborted (the promise rejects with the signal's reason). A shared upcall
   * keeps running for the other callers and its result is still cached.
   */
  readonly signal?: AbortSignal | undefined;
}

function illegalChars(name: string): string[] {
  const found: string[] = [];
  for (const ch of name) {
    if (ILLEGAL_GROUP_CHARS.includes(ch) && !found.includes(ch)) found.push(ch);
  }
  return found;
}

function nodeTokens(raw: RawResult): string[] {
  return splitWords(typeof raw === 'string' ? raw : raw.join(','));
}

function groupTokens(raw: RawResult): string[] {
  const lines = typeof raw === 'string' ? [raw] : raw;
  const out: string[] = [];
  for (const line of lines) {
    for (const name of splitWords(line)) {
      const bad = illegalChars(name);
      if (bad.length > 0) throw new GroupResolverIllegalCharError(name, bad);
      out.push(name);
    }
  }
  return out;
}

/** Group names with their ranges expanded (`rk[1-2]` → `rk1`, `rk2`), in node set order. */
function expandGroupNames(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  return [...new NodeSet(names.join(','), { resolver: null })];
}

function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  // The query goes on for other callers (and the cache); its outcome no longer concerns us.
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * ClusterShell's standard resolver (`GroupResolverConfig`): groups.conf files, confdir `*.conf`
 * upcall sources and autodir `*.yaml` sources. Nothing is read until the resolver is first
 * asked something (ClusterShell's lazy initialisation); a configuration error is then thrown by
 * that call and by every later one.
 *
 * Sync methods serve the NodeSet parser; their `…Async` twins run upcalls without blocking and
 * share one process between concurrent identical queries. Results are cached per upcall and key
 * for the source's `cache_time` (default 3600 s, measured with `Date.now()`).
 *
 * @category Groups
 * @example
 * ```ts
 * const resolver = GroupResolverConfig.load({ groupsConf: '/etc/clustershell/groups.conf' });
 * resolver.sources();               // ['local', 'slurm']
 * resolver.groupNodes('compute');   // ['node[1-100]']
 * new NodeSet('@compute!@slurm:down', { resolver }).toString();
 * ```
 */
export class GroupResolverConfig implements GroupResolver {
  /** The characters a group name may not hold: `@,!&^*`. */
  readonly illegalChars: string = ILLEGAL_GROUP_CHARS;
  readonly #files: readonly string[];
  readonly #run: UpcallRunOptions;
  #state: LoadedConfig | undefined;
  #defaultOverride: string | undefined;
  #loadError: unknown;
  readonly #inflight = new Map<string, Promise<string>>();

  /**
   * Creates a resolver; no file is read until it is first used.
   *
   * @param options - where the config is and how upcalls run
   */
  constructor(options: GroupsLoadOptions = {}) {
    const env = options.env ?? process.env;
    const conf = options.groupsConf;
    this.#files =
      conf === undefined
        ? configPaths('groups.conf', env)
        : typeof conf === 'string'
          ? [conf]
          : [...conf];
    let childEnv: NodeJS.ProcessEnv | undefined;
    if (options.env !== undefined) {
      childEnv = {};
      for (const [k, v] of Object.entries(options.env)) if (v !== undefined) childEnv[k] = v;
    }
    this.#run = {
      timeoutMs: options.upcallTimeout ?? DEFAULT_UPCALL_TIMEOUT,
      env: childEnv,
      onResult: options.onUpcall,
    };
  }

  /**
   * Creates a resolver from ClusterShell's config files (read lazily, on first use).
   *
   * @param options - where the config is and how upcalls run
   * @returns the resolver
   * @example
   * ```ts
   * const resolver = GroupResolverConfig.load({ env: { ...process.env, CLUSTERSHELL_CFGDIR: '/opt/cs' } });
   * ```
   */
  static load(options?: GroupsLoadOptions): GroupResolverConfig {
    return new GroupResolverConfig(options);
  }

  #load(): LoadedConfig {
    if (this.#state !== undefined) return this.#state;
    if (this.#loadError !== undefined) throw this.#loadError;
    try {
      this.#state = loadConfig(this.#files);
    } catch (e) {
      this.#loadError = e;
      throw e;
    }
    return this.#state;
  }

  #source(name: string | undefined): GroupSourceBackend {
    const state = this.#load();
    const key = name === undefined || name === '' ? this.#defaultName(state) : name;
    const source = key === undefined ? undefined : state.sources.get(key);
    if (source === undefined) throw new GroupResolverSourceError(name || '<default>');
    return source;
  }

  #runSync<T>(query: Query<T>): T {
    return runQuerySync(query, (req) => runUpcallSync(req, this.#run));
  }

  #runAsync<T>(query: Query<T>): Promise<T> {
    return runQueryAsync(query, (req: UpcallRequest) => {
      const key = `${req.cwd}\0${req.cmdline}`;
      let pending = this.#inflight.get(key);
      if (pending === undefined) {
        pending = runUpcallAsync(req, this.#run).finally(() => this.#inflight.delete(key));
        this.#inflight.set(key, pending);
      }
      return pending;
    });
  }

  #defaultName(state: LoadedConfig): string | undefined {
    return this.#defaultOverride ?? state.defaultSource;
  }

  /**
   * The name of the default source: the one chosen by {@link GroupResolverConfig.setDefaultSource},
   * else `[Main] default`, else the first source found; undefined when there is no source at
   * all. Reading it loads the configuration.
   *
   * @throws {GroupResolverConfigError} when the configuration is wrong
   */
  get defaultSource(): string | undefined {
    return this.#defaultName(this.#load());
  }

  /**
   * Makes `source` the default source: groups without a `source:` prefix are looked up there,
   * and {@link GroupResolverConfig.sources} lists it first, the others keeping their order
   * (ClusterShell's `default_source_name = ...`, what `nodeset -s` does). Loads the configuration.
   *
   * @param source - the name of an existing source
   * @throws {GroupResolverSourceError} when no source has that name
   * @throws {GroupResolverConfigError} when the configuration is wrong
   * @example
   * ```ts
   * resolver.setDefaultSource('slurm');
   * resolver.groupNodes('debug'); // the nodes of @slurm:debug
   * ```
   */
  setDefaultSource(source: string): void {
    const state = this.#load();
    if (!state.sources.has(source)) throw new GroupResolverSourceError(source);
    this.#defaultOverride = source;
  }

  /**
   * The groups.conf files that were read, lowest priority first (loads the configuration).
   *
   * @returns the file paths
   * @throws {GroupResolverConfigError} when the configuration is wrong
   * @example
   * ```ts
   * resolver.configFiles(); // ['/etc/clustershell/groups.conf']
   * ```
   */
  configFiles(): readonly string[] {
    return this.#load().files;
  }

  /**
   * The source names: the default source first, then the others in ClusterShell's order
   * (confdir sources, autodir YAML sources, groups.conf sections).
   *
   * @returns the source names
   * @throws {GroupResolverConfigError} when the configuration is wrong
   * @example
   * ```ts
   * resolver.sources(); // ['local', 'slurm', 'racks']
   * ```
   */
  sources(): readonly string[] {
    const state = this.#load();
    const names = [...state.sources.keys()];
    const def = this.#defaultName(state);
    return def === undefined ? names : [def, ...names.filter((n) => n !== def)];
  }

  /**
   * The nodes of a group, as the words of the source's answer (each may be a node set, and may
   * name other groups of the same source). An unknown group usually gives `[]`.
   *
   * @param group - the group name, without `@`
   * @param source - the source (default source when undefined or empty)
   * @returns node set strings
   * @throws {GroupResolverSourceError} for an unknown source
   * @throws {GroupSourceNoUpcallError} when the source has neither `map` nor `mapall`
   * @throws {GroupSourceQueryFailedError} when the upcall fails or times out
   * @throws {GroupResolverConfigError} when the configuration is wrong
   * @example
   * ```ts
   * resolver.groupNodes('io', 'local'); // ['example[4-6]']
   * ```
   */
  groupNodes(group: string, source?: string): readonly string[] {
    return nodeTokens(this.#runSync(this.#source(source).map(group)));
  }

  /**
   * Every node of a source: its `all` upcall (or the YAML group `all`); without one, the nodes of
   * every group of its list, as ClusterShell's parser does.
   *
   * @param source - the source (default source when undefined or empty)
   * @returns node set strings
   * @throws {GroupSourceNoUpcallError} when neither `all` nor `list` + `map` are available
   * @throws {GroupResolverSourceError} for an unknown source
   * @throws {GroupSourceQueryFailedError} when an upcall fails
   * @throws {GroupResolverIllegalCharError} when a listed group name is illegal
   * @example
   * ```ts
   * resolver.allNodes(); // ['example[0,4-6,32-159]']
   * ```
   */
  allNodes(source?: string): readonly string[] {
    const src = this.#source(source);
    try {
      return nodeTokens(this.#runSync(src.all()));
    } catch (e) {
      if (!(e instanceof GroupSourceNoUpcallError)) throw e;
    }
    const nodes: string[] = [];
    for (const group of expandGroupNames(groupTokens(this.#runSync(src.list())))) {
      nodes.push(...nodeTokens(this.#runSync(src.map(group))));
    }
    return nodes;
  }

  /**
   * The group names of a source, as it lists them (ranges such as `rk[1-4]` are left as given).
   *
   * @param source - the source (default source when undefined or empty)
   * @returns group names without `@`
   * @throws {GroupSourceNoUpcallError} when the source has neither `list` nor `mapall`
   * @throws {GroupResolverIllegalCharError} when a name holds one of `@,!&^*`
   * @throws {GroupResolverSourceError} for an unknown source
   * @throws {GroupSourceQueryFailedError} when the upcall fails
   * @example
   * ```ts
   * resolver.groupList(); // ['adm', 'compute', 'io', 'rk[1-2]']
   * ```
   */
  groupList(source?: string): readonly string[] {
    return groupTokens(this.#runSync(this.#source(source).list()));
  }

  /**
   * Whether the source has a `reverse` upcall (false for an unknown source, as in ClusterShell).
   *
   * @param source - the source (default source when undefined or empty)
   * @returns true when {@link GroupResolverConfig.nodeGroups} runs a single reverse upcall
   * @throws {GroupResolverConfigError} when the configuration is wrong
   * @example
   * ```ts
   * resolver.hasNodeGroups('slurm'); // true
   * ```
   */
  hasNodeGroups(source?: string): boolean {
    try {
      return this.#source(source).hasReverse;
    } catch (e) {
      if (e instanceof GroupResolverSourceError) return false;
      throw e;
    }
  }

  /**
   * The groups that contain a node: the `reverse` upcall when the source has one, otherwise
   * every listed group (ranges expanded) is resolved and tested in memory, as ClusterShell's
   * `NodeSet.groups()` does (a nested `@group` in a group's nodes names a default-source group).
   *
   * @param node - a node name
   * @param source - the source (default source when undefined or empty)
   * @returns group names without `@`
   * @throws {GroupResolverSourceError} for an unknown source
   * @throws {GroupSourceNoUpcallError} without `reverse` nor `list`/`mapall`
   * @throws {GroupSourceQueryFailedError} when an upcall fails
   * @throws {GroupResolverIllegalCharError} when a group name holds one of `@,!&^*`
   * @example
   * ```ts
   * resolver.nodeGroups('example5'); // ['all', 'io', 'oss']
   * ```
   */
  nodeGroups(node: string, source?: string): readonly string[] {
    const src = this.#source(source);
    if (src.hasReverse) return groupTokens(this.#runSync(src.reverse(node)));
    const names = expandGroupNames(groupTokens(this.#runSync(src.list())));
    return names.filter((g) => this.#groupHas(src.name, g, node));
  }

  #groupHas(source: string, group: string, node: string): boolean {
    // As ClusterShell's NodeSet.groups(): the group's nodes are parsed with this resolver, so a
    // nested `@group` in them names a group of the default source.
    const nodes = this.groupNodes(group, source);
    return nodes.length > 0 && new NodeSet(nodes.join(','), { resolver: this }).has(node);
  }

  /**
   * Async twin of {@link GroupResolverConfig.groupNodes}.
   *
   * @param group - the group name, without `@`
   * @param source - the source (default source when undefined or empty)
   * @param options - an abort signal
   * @returns node set strings
   * @throws {GroupResolverSourceError} for an unknown source (as a rejection, like every error)
   * @throws {GroupSourceQueryFailedError} when the upcall fails or times out
   * @example
   * ```ts
   * await resolver.groupNodesAsync('io'); // ['example[4-6]']
   * ```
   */
  async groupNodesAsync(
    group: string,
    source?: string,
    options: GroupQueryOptions = {},
  ): Promise<readonly string[]> {
    const src = this.#source(source);
    return nodeTokens(await withSignal(this.#runAsync(src.map(group)), options.signal));
  }

  /**
   * Async twin of {@link GroupResolverConfig.groupList}.
   *
   * @param source - the source (default source when undefined or empty)
   * @param options - an abort signal
   * @returns group names without `@`
   * @throws {GroupSourceNoUpcallError} when the source cannot list its groups (as a rejection)
   * @throws {GroupResolverIllegalCharError} when a name holds one of `@,!&^*`
   * @example
   * ```ts
   * await resolver.groupListAsync('slurm'); // ['debug', 'normal']
   * ```
   */
  async groupListAsync(
    source?: string,
    options: GroupQueryOptions = {},
  ): Promise<readonly string[]> {
    const src = this.#source(source);
    return groupTokens(await withSignal(this.#runAsync(src.list()), options.signal));
  }

  /**
   * Async twin of {@link GroupResolverConfig.allNodes}; the fallback maps up to 4 groups at once.
   *
   * @param source - the source (default source when undefined or empty)
   * @param options - an abort signal
   * @returns node set strings
   * @throws {GroupSourceNoUpcallError} when neither `all` nor `list` + `map` work (as a rejection)
   * @throws {GroupSourceQueryFailedError} when an upcall fails
   * @example
   * ```ts
   * await resolver.allNodesAsync('slurm'); // ['node[1-100]']
   * ```
   */
  async allNodesAsync(
    source?: string,
    options: GroupQueryOptions = {},
  ): Promise<readonly string[]> {
    const src = this.#source(source);
    try {
      return nodeTokens(await withSignal(this.#runAsync(src.all()), options.signal));
    } catch (e) {
      if (!(e instanceof GroupSourceNoUpcallError)) throw e;
    }
    const names = expandGroupNames(
      groupTokens(await withSignal(this.#runAsync(src.list()), options.signal)),
    );
    const lists = await mapLimit(names, ASYNC_CONCURRENCY, (g) =>
      withSignal(this.#runAsync(src.map(g)), options.signal),
    );
    return lists.flatMap(nodeTokens);
  }

  /**
   * Async twin of {@link GroupResolverConfig.nodeGroups}. Without a reverse upcall, the groups are
   * fetched concurrently (up to 4 at once) before being tested.
   *
   * @param node - a node name
   * @param source - the source (default source when undefined or empty)
   * @param options - an abort signal
   * @returns group names without `@`
   * @throws {GroupResolverSourceError} for an unknown source (as a rejection, like every error)
   * @throws {GroupSourceQueryFailedError} when an upcall fails
   * @example
   * ```ts
   * await resolver.nodeGroupsAsync('example5'); // ['all', 'io', 'oss']
   * ```
   */
  async nodeGroupsAsync(
    node: string,
    source?: string,
    options: GroupQueryOptions = {},
  ): Promise<readonly string[]> {
    const src = this.#source(source);
    if (src.hasReverse) {
      return groupTokens(await withSignal(this.#runAsync(src.reverse(node)), options.signal));
    }
    const names = expandGroupNames(
      groupTokens(await withSignal(this.#runAsync(src.list()), options.signal)),
    );
    await mapLimit(names, ASYNC_CONCURRENCY, (g) =>
      withSignal(this.#runAsync(src.map(g)), options.signal),
    );
    return names.filter((g) => this.#groupHas(src.name, g, node));
  }

  /**
   * Forgets every cached upcall result and makes YAML files be read again on next use. The
   * configuration itself is not read again.
   *
   * @example
   * ```ts
   * resolver.clearCache();
   * ```
   */
  clearCache(): void {
    for (const source of this.#state?.sources.values() ?? []) source.clearCache();
  }
}

/**
 * Creates ClusterShell's standard resolver (same as {@link GroupResolverConfig.load}); files are
 * read on first use.
 *
 * @param options - where the config is and how upcalls run
 * @returns the resolver
 * @category Groups
 * @example
 * ```ts
 * const resolver = loadGroupResolver({ groupsConf: './groups.conf' });
 * new NodeSet('@io', { resolver }).toString();
 * ```
 */
export function loadGroupResolver(options?: GroupsLoadOptions): GroupResolverConfig {
  return GroupResolverConfig.load(options);
}

/**
 * Makes ClusterShell's standard resolver the default of every NodeSet, lazily: the resolver is
 * created when a NodeSet first needs one, and reads its files when first asked about a group.
 * Importing `@cluster-task/groups` calls this once with no options.
 *
 * @param options - where the config is and how upcalls run
 * @category Groups
 * @example
 * ```ts
 * installDefaultGroupResolver({ groupsConf: '/opt/cluster/groups.conf' });
 * new NodeSet('@compute').size;
 * ```
 */
export function installDefaultGroupResolver(options?: GroupsLoadOptions): void {
  setDefaultGroupResolver(() => GroupResolverConfig.load(options));
}
