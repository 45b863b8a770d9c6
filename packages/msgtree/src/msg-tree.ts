import type { Buffer } from 'node:buffer';
import { MsgTreeArgumentError, MsgTreeModeError } from './errors.js';
import {
  createChild,
  type ElemState,
  findChild,
  newRoot,
  pushChildren,
  setTreePeek,
  state,
} from './internal/elem-state.js';
import { LineStore } from './internal/lines.js';
import type { MsgTreeElem } from './msg-tree-elem.js';

/**
 * How a {@link MsgTree} keeps track of keys (ClusterShell's `MODE_DEFER`, `MODE_SHIFT`,
 * `MODE_TRACE`).
 *
 * - `DEFER` (default): lines are stored at once, but keys are attached to elements only at the
 *   first `walk()`; the tree then switches to `SHIFT`. Cheapest while adding.
 * - `SHIFT`: every `add()` moves the key down to its new element.
 * - `TRACE`: every element keeps all the keys that went through it, which enables `walkTrace()`;
 *   `walk()` then also yields the prefixes of messages.
 *
 * @category MsgTree
 * @example
 * ```ts
 * const tree = new MsgTree({ mode: MsgTreeMode.TRACE });
 * tree.mode === MsgTreeMode.TRACE; // true
 * ```
 */
export const MsgTreeMode = {
  DEFER: 'defer',
  SHIFT: 'shift',
  TRACE: 'trace',
} as const;

/**
 * One of the {@link MsgTreeMode} values: `'defer' | 'shift' | 'trace'`.
 *
 * @category MsgTree
 * @example
 * ```ts
 * const mode: MsgTreeMode = MsgTreeMode.SHIFT;
 * ```
 */
export type MsgTreeMode = (typeof MsgTreeMode)[keyof typeof MsgTreeMode];

/**
 * Options of the {@link MsgTree} constructor.
 *
 * @category MsgTree
 * @example
 * ```ts
 * const options: MsgTreeOptions = { mode: MsgTreeMode.SHIFT };
 * ```
 */
export interface MsgTreeOptions {
  /**
   * How keys are tracked.
   *
   * @defaultValue `MsgTreeMode.DEFER`
   */
  readonly mode?: MsgTreeMode | undefined;
}

/**
 * A line, as {@link MsgTree.add} takes it: bytes (any `Uint8Array`, a `Buffer` included), or a
 * string, stored as its UTF-8 encoding.
 *
 * @category MsgTree
 * @example
 * ```ts
 * const lines: LineInput[] = ['text', Buffer.from([0xff]), new Uint8Array([0x61])];
 * ```
 */
export type LineInput = Uint8Array | string;

/**
 * A key filter: keeps the keys for which it returns true.
 *
 * @category MsgTree
 * @example
 * ```ts
 * const match: KeyMatch<string> = (key) => key.startsWith('n1');
 * ```
 */
export type KeyMatch<K> = (key: K) => boolean;

/**
 * A key mapper: turns each key into what the caller wants back (a node name out of a composite
 * key, for example).
 *
 * @category MsgTree
 * @example
 * ```ts
 * const mapper: KeyMapper<[number, string], string> = ([, node]) => node;
 * ```
 */
export type KeyMapper<K, M> = (key: K) => M;

/**
 * What {@link MsgTree.walk} yields for each distinct message.
 *
 * @category MsgTree
 * @example
 * ```ts
 * for (const { elem, keys } of tree.walk()) console.log(keys.join(','), elem.toString());
 * ```
 */
export interface MsgTreeWalkEntry<M> {
  /** The element whose message is shared by `keys`. */
  readonly elem: MsgTreeElem;
  /** The (matching, mapped) keys whose message is `elem`; never empty. */
  readonly keys: readonly M[];
}

/**
 * What {@link MsgTree.walkTrace} yields for each element that keys went through (ClusterShell's
 * `(msgline, keys, depth, num_children)`).
 *
 * @category MsgTree
 * @example
 * ```ts
 * for (const { line, keys, depth } of tree.walkTrace()) {
 *   console.log(' '.repeat(depth), line.toString(), keys);
 * }
 * ```
 */
export interface MsgTreeTraceEntry<M> {
  /** The element (its message ends with `line`). */
  readonly elem: MsgTreeElem;
  /** The element's own line, as a new Buffer. */
  readonly line: Buffer;
  /** The (matching, mapped) keys that went through this element; never empty. */
  readonly keys: readonly M[];
  /** Number of lines of the message up to here (1 for a first line). */
  readonly depth: number;
  /** Number of distinct lines that follow this one. */
  readonly childCount: number;
}

const MODES: ReadonlySet<unknown> = new Set<unknown>(Object.values(MsgTreeMode));

/**
 * A prefix tree of output lines that gathers identical outputs: each key (a node name, or
 * anything else compared like `Map` keys) points to the element of its last line, and keys with
 * the same output share that element. Memory grows with the distinct lines, not with the keys:
 * 10,000 keys that print the same 1,000 lines cost one copy of the lines plus one entry per key.
 *
 * Lines are bytes; a string line is stored as its UTF-8 encoding. Iteration orders follow
 * ClusterShell 1.9.1: `keys()`/`items()` in first-insertion order, `walk()` depth-first with the
 * newest branch first. Within one element, keys come in the order they reached it (ClusterShell's
 * order there depends on Python's set hashing).
 *
 * Two deliberate differences with ClusterShell: `walk()` and `remove()` without a `match` keep
 * or remove every key (Python's `filter(None, …)` also drops falsy keys such as `''` or `0`), and
 * `walkTrace()` outside TRACE mode throws a {@link MsgTreeModeError} instead of failing an assert.
 *
 * @typeParam K - type of the keys (default `string`)
 * @category MsgTree
 * @example
 * ```ts
 * const tree = new MsgTree();
 * tree.add('n1', 'a'); tree.add('n2', 'a'); tree.add('n3', 'b');
 * tree.add('n1', 'x'); tree.add('n2', 'x');
 * for (const { elem, keys } of tree.walk()) console.log(keys, elem.toString());
 * // [ 'n3' ] b
 * // [ 'n1', 'n2' ] a\nx
 * tree.get('n1') === tree.get('n2'); // true
 * ```
 */
export class MsgTree<K = string> implements Iterable<K> {
  #mode: MsgTreeMode;
  #root: MsgTreeElem;
  #maxDepth = 0;
  #store = new LineStore();
  readonly #keys = new Map<K, MsgTreeElem>();

  /**
   * Creates an empty tree.
   *
   * @param options - the mode (DEFER by default)
   * @throws {MsgTreeArgumentError} when `options.mode` is not a {@link MsgTreeMode}
   * @example
   * ```ts
   * const byNode = new MsgTree();                                   // keys are strings
   * const traced = new MsgTree<number>({ mode: MsgTreeMode.TRACE }); // keys are numbers
   * ```
   */
  constructor(options: MsgTreeOptions = {}) {
    const mode = options.mode === undefined ? MsgTreeMode.DEFER : options.mode;
    if (!MODES.has(mode)) {
      throw new MsgTreeArgumentError('mode', mode, "'defer', 'shift' or 'trace'");
    }
    this.#mode = mode;
    this.#root = newRoot();
  }

  static {
    setTreePeek((tree) => {
      const t = tree as MsgTree<unknown>;
      return { root: t.#root, store: t.#store };
    });
  }

  /**
   * The current mode. A DEFER tree reports SHIFT once it has been walked.
   *
   * @example
   * ```ts
   * const tree = new MsgTree();
   * [...tree.walk()];
   * tree.mode; // 'shift'
   * ```
   */
  get mode(): MsgTreeMode {
    return this.#mode;
  }

  /**
   * Number of keys (ClusterShell's `len(tree)`).
   *
   * @example
   * ```ts
   * tree.add('n1', 'a'); tree.add('n1', 'b'); tree.add('n2', 'a');
   * tree.size; // 2
   * ```
   */
  get size(): number {
    return this.#keys.size;
  }

  /**
   * Appends a line to the message of a key.
   *
   * @param key - who printed the line
   * @param line - the line, without its `\n`: bytes, or a string (stored as UTF-8)
   * @throws {MsgTreeArgumentError} when `line` is neither a `Uint8Array` nor a string
   * @example
   * ```ts
   * tree.add('n1', 'text line');
   * tree.add('n1', Buffer.from([0xff, 0xfe])); // any bytes
   * ```
   */
  add(key: K, line: LineInput): void {
    const store = this.#store;
    store.load(line);
    const current = this.#keys.get(key);
    const from = current ?? this.#root;
    let next = findChild(state(from), store);
    if (next === undefined) {
      next = createChild(from, store);
      if (next.depth > this.#maxDepth) this.#maxDepth = next.depth;
    }
    if (this.#mode === MsgTreeMode.SHIFT) {
      shiftKey(key, current, next);
    } else if (this.#mode === MsgTreeMode.TRACE) {
      attachKey(key, state(next));
    }
    this.#keys.set(key, next);
    store.unload();
  }

  /**
   * The element of a key's message.
   *
   * @param key - a key
   * @returns its element, or `undefined` when the key is not in the tree
   * @example
   * ```ts
   * tree.get('n1')?.toString(); // the output of n1
   * ```
   */
  get(key: K): MsgTreeElem | undefined {
    return this.#keys.get(key);
  }

  /**
   * Tells whether a key is in the tree.
   *
   * @param key - a key
   * @returns true when the key has at least one line
   * @example
   * ```ts
   * tree.add('n1', 'a');
   * tree.has('n1'); // true
   * ```
   */
  has(key: K): boolean {
    return this.#keys.has(key);
  }

  /**
   * The keys, in the order they were first added.
   *
   * @returns an iterator of keys
   * @example
   * ```ts
   * [...tree.keys()]; // ['n1', 'n2']
   * ```
   */
  keys(): IterableIterator<K> {
    return this.#keys.keys();
  }

  /**
   * Iterates over the keys (same as {@link MsgTree.keys}).
   *
   * @returns an iterator of keys
   * @example
   * ```ts
   * for (const key of tree) console.log(key);
   * ```
   */
  [Symbol.iterator](): IterableIterator<K> {
    return this.#keys.keys();
  }

  /**
   * The distinct messages, in {@link MsgTree.walk} order.
   *
   * @param match - keeps only the messages of the keys it accepts
   * @returns an iterator of elements
   * @example
   * ```ts
   * for (const elem of tree.messages()) console.log(elem.toString());
   * ```
   */
  *messages(match?: KeyMatch<K>): Generator<MsgTreeElem, void, undefined> {
    for (const entry of this.walk(match)) yield entry.elem;
  }

  /**
   * The `[key, element]` pairs, in the order keys were first added.
   *
   * @param match - keeps only the keys it accepts
   * @returns an iterator of pairs
   * @example
   * ```ts
   * for (const [node, elem] of tree.items()) console.log(`${node}: ${elem}`);
   * ```
   */
  items(match?: KeyMatch<K>): Generator<readonly [K, MsgTreeElem], void, undefined>;
  /**
   * The `[mapped key, element]` pairs, in the order keys were first added.
   *
   * @param match - keeps only the keys it accepts (all keys when undefined)
   * @param mapper - turns each key into what is yielded
   * @returns an iterator of pairs
   * @example
   * ```ts
   * const byNode = new MsgTree<{ worker: number; node: string }>();
   * for (const [node, elem] of byNode.items(undefined, (k) => k.node)) console.log(node, `${elem}`);
   * ```
   */
  items<M>(
    match: KeyMatch<K> | undefined,
    mapper: KeyMapper<K, M>,
  ): Generator<readonly [M, MsgTreeElem], void, undefined>;
  *items<M>(
    match?: KeyMatch<K>,
    mapper?: KeyMapper<K, M>,
  ): Generator<readonly [K | M, MsgTreeElem], void, undefined> {
    for (const [key, elem] of this.#keys) {
      if (match === undefined || match(key)) {
        yield [mapper === undefined ? key : mapper(key), elem];
      }
    }
  }

  /**
   * Walks the distinct messages, depth-first with the newest branch first (ClusterShell's
   * order), yielding each element with its keys. In DEFER mode the first walk attaches the keys
   * and switches the tree to SHIFT. In TRACE mode every element that keys went through is
   * yielded, prefixes included.
   *
   * @param match - keeps only the keys it accepts; elements left without keys are skipped
   * @returns an iterator of `{ elem, keys }`
   * @example
   * ```ts
   * for (const { elem, keys } of tree.walk()) console.log(keys, elem.toString());
   * ```
   */
  walk(match?: KeyMatch<K>): Generator<MsgTreeWalkEntry<K>, void, undefined>;
  /**
   * Walks the distinct messages like the one-argument form, with each key mapped.
   *
   * @param match - keeps only the keys it accepts (all keys when undefined)
   * @param mapper - turns each key into what is yielded
   * @returns an iterator of `{ elem, keys }` with mapped keys
   * @example
   * ```ts
   * for (const { elem, keys } of tree.walk((k) => k !== 'n9', (k) => k.toUpperCase())) {
   *   console.log(keys, elem.toString());
   * }
   * ```
   */
  walk<M>(
    match: KeyMatch<K> | undefined,
    mapper: KeyMapper<K, M>,
  ): Generator<MsgTreeWalkEntry<M>, void, undefined>;
  *walk<M>(
    match?: KeyMatch<K>,
    mapper?: KeyMapper<K, M>,
  ): Generator<MsgTreeWalkEntry<K | M>, void, undefined> {
    if (this.#mode === MsgTreeMode.DEFER) this.#attachAllKeys();
    const stack: MsgTreeElem[] = [this.#root];
    for (let elem = stack.pop(); elem !== undefined; elem = stack.pop()) {
      const st = state(elem);
      pushChildren(st, stack);
      const keys = selectKeys(st.keys as Set<K> | undefined, match, mapper);
      if (keys !== undefined) yield { elem, keys };
    }
  }

  /**
   * Walks every element that keys went through, in {@link MsgTree.walk} order, with its line,
   * keys, depth and number of children (ClusterShell's `walk_trace`). Needs TRACE mode.
   *
   * @param match - keeps only the keys it accepts; elements left without keys are skipped
   * @returns an iterator of `{ elem, line, keys, depth, childCount }`
   * @throws {MsgTreeModeError} when the tree is not in TRACE mode (thrown by the call itself)
   * @example
   * ```ts
   * const tree = new MsgTree({ mode: MsgTreeMode.TRACE });
   * tree.add('n1', 'a'); tree.add('n2', 'a'); tree.add('n1', 'b'); tree.add('n2', 'c');
   * [...tree.walkTrace()].map((t) => [`${t.line}`, t.keys, t.depth, t.childCount]);
   * // [['a', ['n1', 'n2'], 1, 2], ['c', ['n2'], 2, 0], ['b', ['n1'], 2, 0]]
   * ```
   */
  walkTrace(match?: KeyMatch<K>): Generator<MsgTreeTraceEntry<K>, void, undefined>;
  /**
   * Walks every element that keys went through like the one-argument form, with each key mapped.
   *
   * @param match - keeps only the keys it accepts (all keys when undefined)
   * @param mapper - turns each key into what is yielded
   * @returns an iterator of `{ elem, line, keys, depth, childCount }` with mapped keys
   * @throws {MsgTreeModeError} when the tree is not in TRACE mode (thrown by the call itself)
   * @example
   * ```ts
   * for (const t of tree.walkTrace(undefined, (k) => k.toUpperCase())) console.log(t.depth, t.keys);
   * ```
   */
  walkTrace<M>(
    match: KeyMatch<K> | undefined,
    mapper: KeyMapper<K, M>,
  ): Generator<MsgTreeTraceEntry<M>, void, undefined>;
  walkTrace<M>(
    match?: KeyMatch<K>,
    mapper?: KeyMapper<K, M>,
  ): Generator<MsgTreeTraceEntry<K | M>, void, undefined> {
    if (this.#mode !== MsgTreeMode.TRACE) {
      throw new MsgTreeModeError('walkTrace', MsgTreeMode.TRACE, this.#mode);
    }
    return this.#trace(match, mapper);
  }

  /**
   * Removes the keys that `match` accepts (all keys without `match`). Their lines stay in the
   * tree (as in ClusterShell) until {@link MsgTree.clear}; other keys keep their messages.
   *
   * @param match - selects the keys to remove
   * @example
   * ```ts
   * tree.remove((key) => key.startsWith('gw'));
   * ```
   */
  remove(match?: KeyMatch<K>): void {
    for (const [key, elem] of this.#keys) {
      if (match !== undefined && !match(key)) continue;
      this.#keys.delete(key);
      if (this.#mode === MsgTreeMode.SHIFT) {
        detachKey(key, state(elem));
      } else if (this.#mode === MsgTreeMode.TRACE) {
        // In TRACE mode a key sits on every element of its path, and nowhere else.
        for (let e: MsgTreeElem | undefined = elem; e !== undefined; e = state(e).up) {
          detachKey(key, state(e));
        }
      }
    }
  }

  /**
   * Removes every key and line. The mode stays what it is now (a walked DEFER tree stays SHIFT,
   * as in ClusterShell).
   *
   * @example
   * ```ts
   * tree.clear();
   * tree.size; // 0
   * ```
   */
  clear(): void {
    this.#root = newRoot();
    this.#store = new LineStore();
    this.#keys.clear();
    this.#maxDepth = 0;
  }

  /**
   * The depth of the tree: the largest number of lines stored for a message (ClusterShell's
   * `_depth()`; lines of removed keys still count until `clear()`).
   *
   * @returns 0 for an empty tree
   * @example
   * ```ts
   * tree.add('n1', 'a'); tree.add('n1', 'b'); tree.add('n2', 'c');
   * tree.depth(); // 2
   * ```
   */
  depth(): number {
    return this.#maxDepth;
  }

  *#trace<M>(
    match: KeyMatch<K> | undefined,
    mapper: KeyMapper<K, M> | undefined,
  ): Generator<MsgTreeTraceEntry<K | M>, void, undefined> {
    const stack: MsgTreeElem[] = [this.#root];
    for (let elem = stack.pop(); elem !== undefined; elem = stack.pop()) {
      const st = state(elem);
      pushChildren(st, stack);
      const keys = selectKeys(st.keys as Set<K> | undefined, match, mapper);
      if (keys !== undefined) {
        yield { elem, line: elem.line, keys, depth: elem.depth, childCount: elem.childCount };
      }
    }
  }

  /** DEFER mode: attaches every key to its element, then switches to SHIFT. */
  #attachAllKeys(): void {
    for (const [key, elem] of this.#keys) attachKey(key, state(elem));
    this.#mode = MsgTreeMode.SHIFT;
  }
}

function attachKey(key: unknown, elem: ElemState): void {
  if (elem.keys === undefined) elem.keys = new Set([key]);
  else elem.keys.add(key);
}

function detachKey(key: unknown, elem: ElemState): void {
  const keys = elem.keys;
  if (keys === undefined) return;
  keys.delete(key);
  if (keys.size === 0) elem.keys = undefined;
}

/** SHIFT mode: moves a key from its old element (if any) to its new one. */
function shiftKey(key: unknown, from: MsgTreeElem | undefined, to: MsgTreeElem): void {
  const dest = state(to);
  if (from !== undefined) {
    const src = state(from);
    const moving = src.keys;
    // A key alone on its element: hand the whole set over instead of making a new one.
    if (moving !== undefined && moving.size === 1 && dest.keys === undefined && moving.has(key)) {
      src.keys = undefined;
      dest.keys = moving;
      return;
    }
    detachKey(key, src);
  }
  attachKey(key, dest);
}

function selectKeys<K, M>(
  keys: Set<K> | undefined,
  match: KeyMatch<K> | undefined,
  mapper: KeyMapper<K, M> | undefined,
): (K | M)[] | undefined {
  if (keys === undefined) return undefined;
  const out: (K | M)[] = [];
  for (const key of keys) {
    if (match === undefined || match(key)) out.push(mapper === undefined ? key : mapper(key));
  }
  return out.length > 0 ? out : undefined;
}
