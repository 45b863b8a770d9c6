/**
 * `@cluster-task/nodeset`: ClusterShell's NodeSet and RangeSet for TypeScript, with no
 * dependency. Parse, fold, count, iterate, slice and combine node sets such as
 * `rack[1-4]n[01-32]`; resolve `@groups` through a pluggable resolver.
 *
 * @packageDocumentation
 */

export {
  isNodeSetError,
  isParseError,
  NodeSetError,
  type NodeSetErrorCode,
  NodeSetExternalError,
  NodeSetIndexError,
  NodeSetKeyError,
  NodeSetParseError,
  NodeSetParseRangeError,
  NodeSetValueError,
  type ParseErrorContext,
  RangeSetError,
  RangeSetParseError,
} from './errors.js';
export {
  expand,
  fold,
  type GroupMembership,
  groupList,
  NodeSet,
  type NodeSetLike,
  type NodeSetOptions,
} from './node-set.js';
export { RangeSet, type RangeSetLike, type RangeSetOptions, type RangeSlice } from './range-set.js';
export { RangeSetND, type RangeSetNDOptions } from './range-set-nd.js';
export {
  type GroupResolver,
  type GroupResolverFactory,
  getDefaultGroupResolver,
  setDefaultGroupResolver,
} from './resolver.js';
