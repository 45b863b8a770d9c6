/**
 * The group resolver interface: how a NodeSet asks for `@group`, `@source:group`, `@*`, `@@source`
 * and node wildcards. `@cluster-task/nodeset` ships no resolver that reads files;
 * `@cluster-task/groups` implements this interface from ClusterShell's config files.
 *
 * @module
 */

/**
 * A source of node groups, as ClusterShell's `GroupResolver`. Every method is synchronous: the
 * parser calls it while it reads an expression. A resolver throws its own typed errors (unknown
 * source, failed upcall); the parser lets them through, except a failed query, which it wraps as
 * ClusterShell does.
 *
 * Every `source` argument is optional: `undefined` means the default source.
 *
 * @category Groups
 * @example
 * ```ts
 * const groups: Record<string, string> = { compute: 'n[1-4]', gpu: 'n[3-4]' };
 * const resolver: GroupResolver = {
 *   defaultSource: 'local',
 *   sources: () => ['local'],
 *   groupNodes: (g) => (groups[g] ? [groups[g]] : []),
 *   allNodes: () => ['n[1-4]'],
 *   groupList: () => Object.keys(groups),
 *   hasNodeGroups: () => false,
 *   nodeGroups: () => [],
 * };
 * new NodeSet('@compute!@gpu', { resolver }).toString(); // 'n[1-2]'
 * ```
 */
export interface GroupResolver {
  /** Name of the default source, or undefined when there is none. */
  readonly defaultSource: string | undefined;
  /** Characters that may not appear in a group name (ClusterShell: `@,!&^*`). */
  readonly illegalChars?: string | undefined;
  /** Names of the known sources, the default first. */
  sources(): readonly string[];
  /**
   * The nodes of one group, as node set strings (each token may itself be a node set, and may
   * name other groups of the same source). An unknown group gives an empty list.
   */
  groupNodes(group: string, source?: string): readonly string[];
  /**
   * Every node of the source (the `all` upcall, or `map` of every `list`ed group). A resolver
   * that cannot answer throws an error with `code` `'ERR_GROUPS_NO_UPCALL'`; a failed query
   * throws one with `code` `'ERR_GROUPS_QUERY_FAILED'` and, when it knows it, the `upcall`
   * that failed (`'all'`, `'list'`, `'map'`), which decides how ClusterShell reports it.
   */
  allNodes(source?: string): readonly string[];
  /** The group names of the source, without `@`. */
  groupList(source?: string): readonly string[];
  /** Whether the source can answer `nodeGroups` by itself (ClusterShell's `reverse` upcall). */
  hasNodeGroups(source?: string): boolean;
  /** The groups (names without `@`) that contain `node`. */
  nodeGroups(node: string, source?: string): readonly string[];
}

/** A way to get the default resolver when it is first needed. */
export type GroupResolverFactory = () => GroupResolver | undefined;

let defaultFactory: GroupResolverFactory | undefined;
let defaultResolver: GroupResolver | undefined;
let defaultLoaded = false;

/**
 * Sets the resolver that node sets use when none is given in their options. Pass a factory to
 * load it lazily (a program that never meets a group never calls it), or `undefined` to remove it.
 * `@cluster-task/groups` calls this with a factory that reads ClusterShell's config files.
 *
 * @param resolver - a resolver, a factory returning one, or undefined
 * @category Groups
 * @example
 * ```ts
 * setDefaultGroupResolver(() => myResolver);
 * new NodeSet('@compute'); // asks myResolver
 * ```
 */
export function setDefaultGroupResolver(
  resolver: GroupResolver | GroupResolverFactory | undefined,
): void {
  if (typeof resolver === 'function') {
    defaultFactory = resolver;
    defaultResolver = undefined;
    defaultLoaded = false;
  } else {
    defaultFactory = undefined;
    defaultResolver = resolver;
    defaultLoaded = true;
  }
}

/**
 * The default resolver, loading it through its factory on the first call.
 *
 * @returns the default resolver, or undefined when none is set
 * @category Groups
 * @example
 * ```ts
 * const r = getDefaultGroupResolver();
 * r?.sources();
 * ```
 */
export function getDefaultGroupResolver(): GroupResolver | undefined {
  if (!defaultLoaded) {
    defaultResolver = defaultFactory?.();
    defaultLoaded = true;
  }
  return defaultResolver;
}
