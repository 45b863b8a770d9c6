/**
 * Node groups for `@cluster-task/nodeset` from ClusterShell's configuration: groups.conf files,
 * confdir `*.conf` upcall sources and autodir `*.yaml` sources.
 *
 * Importing this module installs {@link GroupResolverConfig} as the default group resolver of
 * every NodeSet (lazily: no file is read before a group is needed). Call
 * {@link installDefaultGroupResolver} again to change its options.
 *
 * @module
 */

import { installDefaultGroupResolver } from './group-resolver-config.js';

export type { ConfigEnv } from './config-paths.js';
export { configPaths } from './config-paths.js';
export type {
  ConfigErrorLocation,
  GroupsErrorCode,
  QueryFailure,
  UpcallName,
} from './errors.js';
export {
  GroupResolverConfigError,
  GroupResolverConfigParserError,
  GroupResolverConfigValueError,
  GroupResolverError,
  GroupResolverIllegalCharError,
  GroupResolverSourceError,
  GroupSourceError,
  GroupSourceNoUpcallError,
  GroupSourceQueryFailedError,
  GroupsError,
  isGroupsError,
} from './errors.js';
export type { GroupQueryOptions, GroupsLoadOptions } from './group-resolver-config.js';
export {
  GroupResolverConfig,
  ILLEGAL_GROUP_CHARS,
  installDefaultGroupResolver,
  loadGroupResolver,
} from './group-resolver-config.js';
export type { UpcallEvent } from './upcall-event.js';

installDefaultGroupResolver();
