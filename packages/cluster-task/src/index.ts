/**
 * `cluster-task`: ClusterShell for Node.js, in one import. This meta-package has no logic of
 * its own: it re-exports the public API of `@cluster-task/nodeset`, `@cluster-task/groups`
 * (which installs ClusterShell's config files as the default group resolver, read lazily) and
 * `@cluster-task/msgtree`.
 *
 * @example
 * ```ts
 * import { NodeSet } from 'cluster-task';
 * new NodeSet('@compute!node[1-4]').toString(); // groups from /etc/clustershell/groups.conf
 * ```
 *
 * @packageDocumentation
 */

export * from '@cluster-task/groups';
export * from '@cluster-task/msgtree';
export * from '@cluster-task/nodeset';
