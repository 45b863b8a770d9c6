/**
 * `@cluster-task/msgtree`: a prefix tree of output lines that gathers identical outputs of many
 * keys (nodes), after ClusterShell's `MsgTree`.
 *
 * @module
 */
export type { MsgTreeErrorCode } from './errors.js';
export { isMsgTreeError, MsgTreeArgumentError, MsgTreeError, MsgTreeModeError } from './errors.js';
export type {
  KeyMapper,
  KeyMatch,
  LineInput,
  MsgTreeOptions,
  MsgTreeTraceEntry,
  MsgTreeWalkEntry,
} from './msg-tree.js';
export { MsgTree, MsgTreeMode } from './msg-tree.js';
export { MsgTreeElem } from './msg-tree-elem.js';
