/**
 * Package-private access to the state of {@link MsgTreeElem}. The fields are TypeScript-private
 * (hidden from users' types and from the docs) but plain properties at run time; the tree reaches
 * them through this one typed view instead of scattering casts.
 *
 * @module
 */
import type { Buffer } from 'node:buffer';
import { MsgTreeElem } from '../msg-tree-elem.js';
import { binaryOf, EMPTY, type LineStore, type LoadedLine, sameBytes } from './lines.js';

/** The run-time shape of a {@link MsgTreeElem}. */
export interface ElemState {
  readonly up: MsgTreeElem | undefined;
  readonly depth: number;
  readonly chunk: Buffer;
  readonly offset: number;
  readonly length: number;
  kids: MsgTreeElem | Map<string, MsgTreeElem> | undefined;
  keys: Set<unknown> | undefined;
}

type ElemConstructor = new (
  up: MsgTreeElem | undefined,
  chunk: Buffer,
  offset: number,
  length: number,
) => MsgTreeElem;

const Elem = MsgTreeElem as unknown as ElemConstructor;

/**
 * Views an element as its state.
 *
 * @param elem - an element
 * @returns the same object, typed with its private fields
 */
export function state(elem: MsgTreeElem): ElemState {
  return elem as unknown as ElemState;
}

/**
 * Creates the root of a new tree: an element without a line, never shown to users.
 *
 * @returns the root
 */
export function newRoot(): MsgTreeElem {
  return new Elem(undefined, EMPTY, 0, 0);
}

function binaryKey(elem: ElemState): string {
  return elem.chunk.toString('latin1', elem.offset, elem.offset + elem.length);
}

/**
 * Finds the child of `parent` for a line.
 *
 * @param parent - the element of the previous line
 * @param line - the line
 * @returns the child, or undefined when that line never followed `parent`
 */
export function findChild(parent: ElemState, line: LoadedLine): MsgTreeElem | undefined {
  const kids = parent.kids;
  if (kids === undefined) return undefined;
  if (kids instanceof Map) return kids.get(binaryOf(line.bytes, line.length));
  const kid = state(kids);
  return sameBytes(kid.chunk, kid.offset, kid.length, line.bytes, line.length) ? kids : undefined;
}

/**
 * Creates a new child of `parent` for the line loaded in `store`, which is not there yet,
 * copying the line into the store.
 *
 * @param parent - the element of the previous line
 * @param store - the tree's line store, with the line loaded
 * @returns the new child
 */
export function createChild(parent: MsgTreeElem, store: LineStore): MsgTreeElem {
  const offset = store.append();
  const child = new Elem(parent, store.chunk, offset, store.length);
  const p = state(parent);
  const kids = p.kids;
  if (kids === undefined) {
    p.kids = child;
  } else if (kids instanceof Map) {
    kids.set(binaryKey(state(child)), child);
  } else {
    p.kids = new Map([
      [binaryKey(state(kids)), kids],
      [binaryKey(state(child)), child],
    ]);
  }
  return child;
}

/**
 * Pushes the children of an element on a stack, oldest first (so the newest is popped first).
 *
 * @param elem - the element
 * @param stack - the stack of a depth-first walk
 */
export function pushChildren(elem: ElemState, stack: MsgTreeElem[]): void {
  const kids = elem.kids;
  if (kids === undefined) return;
  if (kids instanceof Map) {
    for (const child of kids.values()) stack.push(child);
  } else {
    stack.push(kids);
  }
}

/**
 * Counts the elements of a tree below (and without) its root.
 *
 * @param root - the root
 * @returns the number of elements, that is of distinct (prefix, line) pairs stored
 */
export function countElements(root: MsgTreeElem): number {
  let count = 0;
  const stack: MsgTreeElem[] = [];
  pushChildren(state(root), stack);
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    count++;
    pushChildren(state(e), stack);
  }
  return count;
}

/** What tests and benches may look at inside a tree. */
export interface TreeInternals {
  readonly root: MsgTreeElem;
  readonly store: LineStore;
}

type Peek = (tree: object) => TreeInternals;
let peek: Peek | undefined;

/**
 * Called once by `MsgTree` (from a static block, the only code that can read its `#` fields) to
 * give tests and benches a way to look inside trees, at no cost per tree.
 *
 * @param fn - reads the insides of a tree
 */
export function setTreePeek(fn: Peek): void {
  peek = fn;
}

/**
 * Looks inside a tree, for tests and benches (see {@link countElements}).
 *
 * @param tree - a MsgTree
 * @returns its root and line store
 */
export function treeInternals(tree: object): TreeInternals {
  if (peek === undefined) throw new Error('MsgTree is not loaded');
  return peek(tree);
}
