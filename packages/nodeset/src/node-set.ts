import {
  NodeSetError,
  NodeSetExternalError,
  NodeSetIndexError,
  NodeSetKeyError,
  NodeSetParseError,
} from './errors.js';
import { runsFromPairs, runsHas } from './internal/intervals.js';
import {
  type Operand,
  type SetOp,
  scanPlainName,
  scanSingle,
  scanString,
  stripEscape,
} from './internal/parser.js';
import { compareStrings, formatPattern, splitSlot } from './internal/pattern.js';
import { RangeSet, sliceIndices, slicePositions, splitBounds } from './range-set.js';
import { RangeSetND } from './range-set-nd.js';
import { type GroupResolver, getDefaultGroupResolver } from './resolver.js';

/**
 * Options of a {@link NodeSet}.
 *
 * @category NodeSet
 */
export interface NodeSetOptions {
  /**
   * Use the `a-b/step` notation when at least this many equally spaced indexes are found.
   * `undefined` inherits the autostep of the sets it is built from (off by default).
   *
   * @defaultValue undefined
   */
  readonly autostep?: number | undefined;
  /**
   * Where `@group`, `@source:group`, `@*`, `@@source` and the `*`/`?` wildcards are resolved.
   * `undefined` uses the default resolver (see {@link setDefaultGroupResolver}; importing
   * `@cluster-task/groups` installs ClusterShell's config files as the default); `null` turns
   * groups off, so `@foo` is a plain node name.
   *
   * @defaultValue undefined
   */
  readonly resolver?: GroupResolver | null | undefined;
  /**
   * For names with several digit runs (nD): the 0-based axes to fold (negative ones count from
   * the end); the others are expanded. `undefined` folds every axis.
   *
   * @defaultValue undefined
   */
  readonly foldAxis?: readonly number[] | undefined;
}

/**
 * The groups found by {@link NodeSet.groups}: the whole group, and the part of it that is in
 * the node set.
 *
 * @category NodeSet
 */
export interface GroupMembership {
  readonly group: NodeSet;
  readonly nodes: NodeSet;
}

/** The indexes of one pattern: none (a name without digits), 1D or nD. */
type Indexes = RangeSet | RangeSetND | null;

/**
 * What a node set operation accepts: another NodeSet, or a node set expression to parse.
 *
 * @category NodeSet
 */
export type NodeSetLike = NodeSet | string;

const MAX_GROUP_DEPTH = 64;
const WILDCARD = /[*?]/;
/** Characters that send a name to the full parser (operators, brackets, groups, any white space). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python strips U+001C-U+001F from names, so they take the full parser
const PLAIN_REJECT = /[[\],!&^%@\s\u001c-\u001f\u0085]/;

/**
 * A mutable set of node names with ClusterShell 1.9's syntax and semantics: ranges in brackets
 * (`node[1-100,200]`), padding (`n[01-10]`), steps, several ranges per name (`rack[1-4]n[01-32]`),
 * the operators `,` `!` `&` `^` read left to right, groups (`@compute`, `@source:group`, `@*`,
 * `@@source`) and wildcards through a {@link GroupResolver}. The folded text is ClusterShell's,
 * byte for byte. Counting, membership and set algebra work on ranges and never expand the set.
 *
 * @category NodeSet
 * @example
 * ```ts
 * const ns = new NodeSet('node[1-10]!node[3-5],gpu[01-02]');
 * ns.toString(); // 'gpu[01-02],node[1-2,6-10]'
 * ns.size; // 9
 * ns.has('node7'); // true
 * [...new NodeSet('n[1-3]')]; // ['n1', 'n2', 'n3']
 * ```
 */
export class NodeSet implements Iterable<string> {
  #patterns = new Map<string, Indexes>();
  #autostep: number | undefined;
  #foldAxis: readonly number[] | undefined;
  #resolver: GroupResolver | null | undefined;

  /**
   * Parses a node set expression, or copies another NodeSet.
   *
   * @param pattern - the expression (`n[1-4],gpu1`, `@compute!n3`), a NodeSet, or nothing
   * @param options - autostep, group resolver and fold axes
   * @throws {NodeSetParseError} on a malformed expression, with ClusterShell's message
   * @throws {NodeSetParseRangeError} on a malformed range inside brackets
   * @throws {NodeSetExternalError} when groups cannot be resolved
   * @example
   * ```ts
   * new NodeSet('n[1-5]!n2,n7&n[1-6]').toString(); // 'n[1,3-5]'
   * ```
   */
  constructor(pattern?: NodeSetLike, options?: NodeSetOptions) {
    this.#autostep = normalizeAutostep(options?.autostep);
    this.#foldAxis = options?.foldAxis;
    this.#resolver = options?.resolver;
    if (pattern !== undefined) this.update(pattern);
  }

  /**
   * Creates a NodeSet from a list of expressions (each item may be a name, a range or a full
   * expression). Plain names are gathered and folded in one pass, so a list of 100,000 names
   * costs O(n log n).
   *
   * @param names - the items
   * @param options - autostep, group resolver and fold axes
   * @returns the union of every item
   * @throws {NodeSetParseError} when an item is malformed
   * @example
   * ```ts
   * NodeSet.fromList(['n3', 'n1', 'n2', 'gpu1']).toString(); // 'gpu1,n[1-3]'
   * ```
   */
  static fromList(names: Iterable<string>, options?: NodeSetOptions): NodeSet {
    const ns = new NodeSet(undefined, options);
    const pending = new Map<string, PendingIndexes>();
    for (const name of names) {
      if (!ns.#addPlainName(name, pending)) ns.update(name);
    }
    ns.#flushPending(pending);
    return ns;
  }

  /**
   * Creates a NodeSet from single node names taken literally: no operator, bracket, group or
   * wildcard is interpreted, only the digit runs (ClusterShell's `_fromlist1`, used by
   * `nodeset -O` to fold formatted names such as `[cn11p]`).
   *
   * @param names - the node names
   * @param options - autostep and fold axes
   * @returns the NodeSet of those names
   * @throws {NodeSetParseError} when a name is empty
   * @example
   * ```ts
   * NodeSet.fromNodeNames(['[cn11p]', '[cn12p]']).toString(); // '[cn[11-12]p]'
   * ```
   */
  static fromNodeNames(names: Iterable<string>, options?: NodeSetOptions): NodeSet {
    const ns = new NodeSet(undefined, { ...options, resolver: null });
    ns.#resolver = options?.resolver;
    const pending = new Map<string, PendingIndexes>();
    for (const name of names) {
      const s = stripEscape(name);
      const cls: number[] = [];
      const val: number[] = [];
      const pat = s.includes('%') ? undefined : scanPlainName(s, cls, val);
      if (pat !== undefined && pat.length > 0) {
        ns.#pend(pending, pat, cls, val);
      } else {
        const [p, rsets] = scanSingle(s, ns.#autostep, { input: name });
        const single = new NodeSet(undefined, { resolver: null });
        single.#patterns.set(p, indexesOf(rsets, ns.#autostep));
        ns.#apply('update', single);
      }
    }
    ns.#flushPending(pending);
    return ns;
  }

  /**
   * Every node of a group source (the `all` upcall, or every group), as `nodeset -a`.
   *
   * @param options - the source (default: the resolver's default one), autostep and resolver
   * @returns the node set
   * @throws {NodeSetExternalError} when there is no resolver or it cannot list every node
   * @example
   * ```ts
   * NodeSet.fromAll({ resolver }).size;
   * ```
   */
  static fromAll(options?: NodeSetOptions & { readonly source?: string | undefined }): NodeSet {
    const ns = new NodeSet(undefined, options);
    const resolver = ns.#activeResolver();
    if (resolver === null) throw new NodeSetExternalError('Group resolver is not defined');
    for (const item of allNodes(resolver, options?.source)) ns.update(item);
    return ns;
  }

  /**
   * Number of nodes.
   *
   * @example
   * ```ts
   * new NodeSet('n[1-3],foo').size; // 4
   * new NodeSet('node[1-1000000000]').size; // 1000000000
   * ```
   */
  get size(): number {
    let n = 0;
    for (const rs of this.#patterns.values()) n += rs === null ? 1 : rs.size;
    return n;
  }

  /**
   * The autostep threshold (see {@link NodeSetOptions.autostep}); setting it applies to every
   * range of the set.
   *
   * @example
   * ```ts
   * const ns = new NodeSet('n[1,3,5,7]'); ns.autostep = 3; ns.toString(); // 'n[1-7/2]'
   * ```
   */
  get autostep(): number | undefined {
    return this.#autostep;
  }

  set autostep(value: number | undefined) {
    this.#autostep = normalizeAutostep(value);
    for (const rs of this.#patterns.values()) if (rs !== null) rs.autostep = this.#autostep;
  }

  /**
   * The axes folded in nD names (see {@link NodeSetOptions.foldAxis}).
   *
   * @example
   * ```ts
   * const ns = new NodeSet('a[1-2]b[3-4]'); ns.foldAxis = [0]; ns.toString(); // 'a[1-2]b3,a[1-2]b4'
   * ```
   */
  get foldAxis(): readonly number[] | undefined {
    return this.#foldAxis;
  }

  set foldAxis(value: readonly number[] | undefined) {
    this.#foldAxis = value;
  }

  /**
   * The folded form, exactly as ClusterShell prints it: patterns in string order, ranges folded.
   *
   * @returns the node set string
   * @example
   * ```ts
   * new NodeSet('b2 b1 b0 b c a0 a'.split(' ').join(',')).toString(); // 'a,a0,b,b[0-2],c'
   * ```
   */
  toString(): string {
    const out: string[] = [];
    for (const [pat, rs] of this.#sorted()) {
      if (rs === null) out.push(formatPattern(pat, []));
      else if (rs instanceof RangeSet) {
        const fa = this.#foldAxis;
        if (fa === undefined || fa.some((x) => -1 <= x && x < 1)) {
          const text = rs.toString();
          out.push(formatPattern(pat, [rs.size > 1 ? `[${text}]` : text]));
        } else {
          for (const idx of rs) out.push(formatPattern(pat, [idx]));
        }
      } else {
        this.#foldND(pat, rs, out);
      }
    }
    return out.join(',');
  }

  /**
   * Iterates over the node names, patterns in string order and indexes in RangeSet order.
   *
   * @returns an iterator of names
   * @example
   * ```ts
   * [...new NodeSet('n[9-11],n[08-09]')]; // ['n9', 'n08', 'n09', 'n10', 'n11']
   * ```
   */
  *[Symbol.iterator](): IterableIterator<string> {
    for (const [pat, rs] of this.#sorted()) {
      if (rs === null) yield formatPattern(pat, []);
      else if (rs instanceof RangeSet) {
        const [before, after] = splitSlot(pat);
        yield* rs.toStrings(before, after);
      } else for (const vec of rs) yield formatPattern(pat, vec);
    }
  }

  /**
   * The node names in order, in one array (the fastest way to expand a large set).
   *
   * @returns the node names
   * @example
   * ```ts
   * new NodeSet('n[1-3]').toArray(); // ['n1', 'n2', 'n3']
   * ```
   */
  toArray(): string[] {
    const out: string[] = [];
    for (const [pat, rs] of this.#sorted()) {
      if (rs instanceof RangeSet) {
        const [before, after] = splitSlot(pat);
        const names = rs.toStrings(before, after);
        for (let i = 0; i < names.length; i++) out.push(names[i] as string);
      } else if (rs === null) out.push(formatPattern(pat, []));
      else for (const vec of rs) out.push(formatPattern(pat, vec));
    }
    return out;
  }

  /**
   * Iterates over the node names (the same as iterating the set).
   *
   * @returns an iterator of names
   * @example
   * ```ts
   * [...new NodeSet('n[1-2]').striter()]; // ['n1', 'n2']
   * ```
   */
  striter(): IterableIterator<string> {
    return this[Symbol.iterator]();
  }

  /**
   * Iterates over one-node NodeSets.
   *
   * @returns an iterator of NodeSets of one node each
   * @example
   * ```ts
   * [...new NodeSet('n[1-2]').nsiter()].map(String); // ['n1', 'n2']
   * ```
   */
  *nsiter(): IterableIterator<NodeSet> {
    for (const name of this) yield new NodeSet(name, { resolver: null, autostep: this.#autostep });
  }

  /**
   * The contiguous sub-sets: one per pattern and run of consecutive indexes.
   *
   * @returns the NodeSets, in order
   * @example
   * ```ts
   * new NodeSet('foo[1-3,5-6],bar').contiguous().map(String); // ['bar', 'foo[1-3]', 'foo[5-6]']
   * ```
   */
  contiguous(): NodeSet[] {
    const out: NodeSet[] = [];
    for (const [pat, rs] of this.#sorted()) {
      if (rs === null) out.push(this.#single(pat, null));
      else for (const part of rs.contiguous()) out.push(this.#single(pat, part));
    }
    return out;
  }

  /**
   * The node at position `i` (negative counts from the end), or undefined when out of range.
   *
   * @param i - a position
   * @returns the node name, or undefined
   * @example
   * ```ts
   * new NodeSet('a[1-3],b[1-3]').at(-1); // 'b3'
   * ```
   */
  at(i: number): string | undefined {
    const n = this.size;
    const pos = i < 0 ? i + n : i;
    if (!Number.isInteger(pos) || pos < 0 || pos >= n) return undefined;
    let base = 0;
    for (const [pat, rs] of this.#sorted()) {
      const cnt = rs === null ? 1 : rs.size;
      if (pos < base + cnt) {
        if (rs === null) return formatPattern(pat, []);
        if (rs instanceof RangeSet) return formatPattern(pat, [rs.at(pos - base) as string]);
        return formatPattern(pat, rs.at(pos - base) as string[]);
      }
      base += cnt;
    }
    return undefined;
  }

  /**
   * A sub-NodeSet by positions, with Python's slice semantics over the nodes in iteration order
   * (ClusterShell's `ns[start:stop:step]`; a negative step is only allowed alone, as there).
   *
   * @param start - first position
   * @param stop - position to stop before
   * @param step - step between positions
   * @returns the new NodeSet
   * @throws {NodeSetValueError} when step is 0
   * @throws {NodeSetIndexError} when a negative step comes with a start or a stop
   * @example
   * ```ts
   * new NodeSet('a[1-3],b[1-3]').slice(2, 5).toString(); // 'a3,b[1-2]'
   * new NodeSet('n[1-10]').slice(undefined, undefined, 2).toString(); // 'n[1,3,5,7,9]'
   * ```
   */
  slice(start?: number, stop?: number, step?: number): NodeSet {
    if (step !== undefined && step < 0 && (start !== undefined || stop !== undefined)) {
      throw new NodeSetIndexError('illegal start and stop when negative step is used');
    }
    const n = this.size;
    const [a, b, s] = sliceIndices(n, start, stop, step);
    const { first, count, step: st } = slicePositions(a, b, s);
    // like ClusterShell, a slice keeps the autostep and resolver, not the fold axes
    const out = new NodeSet(undefined, { autostep: this.#autostep, resolver: this.#resolver });
    if (count === 0) return out;
    const lastPos = first + (count - 1) * st;
    let base = 0;
    for (const [pat, rs] of this.#sorted()) {
      const cnt = rs === null ? 1 : rs.size;
      const end = base + cnt - 1;
      if (end >= first && base <= lastPos) {
        const from = base <= first ? first : first + Math.ceil((base - first) / st) * st;
        const to = Math.min(end, lastPos);
        if (from <= to) {
          if (rs === null) out.#patterns.set(pat, null);
          else {
            const part = rs.slice(from - base, to - base + 1, st);
            if (part.size > 0) out.#patterns.set(pat, part);
          }
        }
      }
      base += cnt;
      if (base > lastPos) break;
    }
    return out;
  }

  /**
   * Splits the set into at most `n` parts of sizes that differ by at most one, the larger first.
   *
   * @param n - the number of parts wanted (at least 1)
   * @returns the parts
   * @throws {NodeSetValueError} when n is less than 1
   * @example
   * ```ts
   * new NodeSet('foo[1-5]').split(3).map(String); // ['foo[1-2]', 'foo[3-4]', 'foo5']
   * ```
   */
  split(n: number): NodeSet[] {
    return splitBounds(this.size, n).map(([a, b]) => this.slice(a, b));
  }

  /**
   * Whether a node, or every node of an expression or NodeSet, is in this set.
   *
   * @param nodes - a name, an expression (`n[2-3]`) or a NodeSet
   * @returns true when contained
   * @throws {NodeSetParseError} when `nodes` is malformed
   * @example
   * ```ts
   * new NodeSet('n[1-3]').has('n[2-3]'); // true
   * ```
   */
  has(nodes: NodeSetLike): boolean {
    if (typeof nodes === 'string') {
      const quick = this.#hasPlain(nodes);
      if (quick !== undefined) return quick;
    }
    return this.isSupersetOf(nodes);
  }

  /**
   * Whether every node of this set is in `other`.
   *
   * @param other - a NodeSet or an expression
   * @returns true when a subset
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('n[2-3]').isSubsetOf('n[1-5]'); // true
   * ```
   */
  isSubsetOf(other: NodeSetLike): boolean {
    return this.#parse(other).#contains(this);
  }

  /**
   * Whether every node of `other` is in this set.
   *
   * @param other - a NodeSet or an expression
   * @returns true when a superset
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('n[1-5]').isSupersetOf('n[2-3]'); // true
   * ```
   */
  isSupersetOf(other: NodeSetLike): boolean {
    return this.#contains(this.#parse(other));
  }

  /**
   * Whether the two sets share no node.
   *
   * @param other - a NodeSet or an expression
   * @returns true when disjoint
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('n[1-3]').isDisjointFrom('n[4-5]'); // true
   * ```
   */
  isDisjointFrom(other: NodeSetLike): boolean {
    return this.intersection(other).size === 0;
  }

  /**
   * Whether both sets hold the same nodes. Unlike ClusterShell's `==`, a string is parsed.
   *
   * @param other - a NodeSet or an expression
   * @returns true when equal
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('n[1-2]').equals('n1,n2'); // true
   * ```
   */
  equals(other: NodeSetLike): boolean {
    const o = this.#parse(other);
    return this.size === o.size && this.#contains(o);
  }

  /**
   * A new set with the nodes of both sets.
   *
   * @param other - a NodeSet or an expression
   * @returns the union
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('n[1-2]').union('n3').toString(); // 'n[1-3]'
   * ```
   */
  union(other: NodeSetLike): NodeSet {
    return this.copy().update(other);
  }

  /**
   * A new set with the nodes common to both sets.
   *
   * @param other - a NodeSet or an expression
   * @returns the intersection
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('node[0-10]').intersection('node[5-13]').toString(); // 'node[5-10]'
   * ```
   */
  intersection(other: NodeSetLike): NodeSet {
    return this.copy().intersectionUpdate(other);
  }

  /**
   * A new set with the nodes of this set that are not in `other`.
   *
   * @param other - a NodeSet or an expression
   * @returns the difference
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('node[0-10]').difference('node[8-10]').toString(); // 'node[0-7]'
   * ```
   */
  difference(other: NodeSetLike): NodeSet {
    return this.copy().differenceUpdate(other);
  }

  /**
   * A new set with the nodes in exactly one of the two sets.
   *
   * @param other - a NodeSet or an expression
   * @returns the symmetric difference
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('node[0-10]').symmetricDifference('node[5-13]').toString(); // 'node[0-4,11-13]'
   * ```
   */
  symmetricDifference(other: NodeSetLike): NodeSet {
    return this.copy().symmetricDifferenceUpdate(other);
  }

  /**
   * Adds the nodes of `other` (in place).
   *
   * @param other - a NodeSet or an expression
   * @returns this set
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('n1').update('n[2-3]').toString(); // 'n[1-3]'
   * ```
   */
  update(other: NodeSetLike): this {
    this.#apply('update', this.#parse(other), typeof other === 'string');
    return this;
  }

  /**
   * Adds the nodes of several sets or expressions.
   *
   * @param others - NodeSets and expressions
   * @returns this set
   * @throws {NodeSetParseError} when an expression is malformed
   * @example
   * ```ts
   * new NodeSet().updateN(['n1', 'n2']).toString(); // 'n[1-2]'
   * ```
   */
  updateN(others: Iterable<NodeSetLike>): this {
    for (const o of others) this.update(o);
    return this;
  }

  /**
   * Keeps only the nodes also in `other` (in place).
   *
   * @param other - a NodeSet or an expression
   * @returns this set
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('n[1-5]').intersectionUpdate('n[3-9]').toString(); // 'n[3-5]'
   * ```
   */
  intersectionUpdate(other: NodeSetLike): this {
    this.#apply('intersection', this.#parse(other));
    return this;
  }

  /**
   * Removes the nodes of `other` (in place); with `strict`, each must be in this set.
   *
   * @param other - a NodeSet or an expression
   * @param options - `strict` to refuse removing what is not there
   * @returns this set
   * @throws {NodeSetKeyError} in strict mode, naming what is not in this set
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('n[1-5]').differenceUpdate('n[2-3]').toString(); // 'n[1,4-5]'
   * ```
   */
  differenceUpdate(other: NodeSetLike, options?: { readonly strict?: boolean }): this {
    const o = this.#parse(other);
    if (options?.strict) {
      const missing = o.difference(this);
      if (missing.size > 0) throw new NodeSetKeyError(missing.at(0) as string);
    }
    this.#apply('difference', o);
    return this;
  }

  /**
   * Removes the nodes of `other`, which must all be in this set (ClusterShell's `remove`).
   *
   * @param other - a NodeSet or an expression
   * @returns this set
   * @throws {NodeSetKeyError} naming a node that is not in this set
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('blue[1-50]').remove('blue[36-40]').toString(); // 'blue[1-35,41-50]'
   * ```
   */
  remove(other: NodeSetLike): this {
    return this.differenceUpdate(other, { strict: true });
  }

  /**
   * Keeps the nodes in exactly one of the two sets (in place).
   *
   * @param other - a NodeSet or an expression
   * @returns this set
   * @throws {NodeSetParseError} when `other` is malformed
   * @example
   * ```ts
   * new NodeSet('n[1-5]').symmetricDifferenceUpdate('n[4-7]').toString(); // 'n[1-3,6-7]'
   * ```
   */
  symmetricDifferenceUpdate(other: NodeSetLike): this {
    this.#apply('symmetricDifference', this.#parse(other), typeof other === 'string');
    return this;
  }

  /**
   * Removes every node.
   *
   * @returns this set
   * @example
   * ```ts
   * new NodeSet('n[1-3]').clear().size; // 0
   * ```
   */
  clear(): this {
    this.#patterns.clear();
    return this;
  }

  /**
   * A copy with the same options.
   *
   * @returns the copy
   * @example
   * ```ts
   * const a = new NodeSet('n1'); const b = a.copy(); b.update('n2'); a.size; // 1
   * ```
   */
  copy(): NodeSet {
    const c = new NodeSet(undefined, this.#childOptions());
    for (const [pat, rs] of this.#patterns) c.#patterns.set(pat, rs === null ? null : rs.copy());
    return c;
  }

  /**
   * The groups this set's nodes belong to (ClusterShell's `groups()`): for each group, the
   * whole group and the nodes of this set in it. Keys are `@group`, or `@source:group` when a
   * source is given (unless `noprefix`).
   *
   * @param options - the group source and the key style
   * @returns a map from group key to {@link GroupMembership}
   * @throws {NodeSetExternalError} when there is no resolver or a query fails
   * @example
   * ```ts
   * new NodeSet('n[1-2]', { resolver }).groups(); // Map { '@compute' => { group, nodes } }
   * ```
   */
  groups(options?: {
    readonly source?: string | undefined;
    readonly noprefix?: boolean;
  }): Map<string, GroupMembership> {
    const source = options?.source;
    const found = this.#findGroups(source, this.#autostep);
    const out = new Map<string, GroupMembership>();
    for (const [grp, { nodes }] of found) {
      const key = source && !options?.noprefix ? `@${source}:${grp}` : `@${grp}`;
      out.set(key, {
        group: new NodeSet(nodes, { resolver: this.#resolver }),
        nodes: this.intersection(nodes),
      });
    }
    return out;
  }

  /**
   * Folds the set using the groups it fully contains, largest first (ClusterShell's
   * `regroup()`): `n[1-4,9]` → `@compute,n9`. Without any group, the same as `toString()`.
   *
   * @param options - source, autostep, whether groups may overlap, and the key style
   * @returns the regrouped string
   * @throws {NodeSetExternalError} when there is no resolver or a query fails
   * @example
   * ```ts
   * new NodeSet('example[4-6,32-159]', { resolver }).regroup(); // '@compute,@io'
   * ```
   */
  regroup(options?: {
    readonly source?: string | undefined;
    readonly autostep?: number | undefined;
    readonly overlap?: boolean;
    readonly noprefix?: boolean;
  }): string {
    const source = options?.source;
    const found = this.#findGroups(source, options?.autostep);
    if (found.size === 0) return this.toString();
    const fulls: [number, string][] = [];
    for (const [grp, { count, nodes }] of found) if (count === nodes.size) fulls.push([count, grp]);
    fulls.sort((x, y) => y[0] - x[0] || compareStrings(x[1], y[1]));
    const rest = new NodeSet(this, { resolver: null });
    const regrouped = new NodeSet(undefined, { resolver: null });
    for (const [, grp] of fulls) {
      const nodes = (found.get(grp) as { nodes: NodeSet }).nodes;
      if (!options?.overlap && !rest.isSupersetOf(nodes)) continue;
      regrouped.update(source && !options?.noprefix ? `@${source}:${grp}` : `@${grp}`);
      rest.differenceUpdate(nodes);
      if (rest.size === 0) return regrouped.toString();
    }
    if (regrouped.size > 0) return `${regrouped},${rest}`;
    return rest.toString();
  }

  /**
   * Applies a set operation with a parsed operand (for the parser).
   *
   * @internal
   */
  static applyRaw(target: NodeSet, op: SetOp, other: NodeSet): void {
    target.#apply(op, other, true);
  }

  /**
   * Adds one pattern's indexes without copying them (for the parser).
   *
   * @internal
   */
  static addRaw(target: NodeSet, pat: string, rs: Indexes): void {
    target.#add(pat, rs, false);
  }

  // ---- internals ----

  #childOptions(): NodeSetOptions {
    return { autostep: this.#autostep, resolver: this.#resolver, foldAxis: this.#foldAxis };
  }

  #single(pat: string, rs: Indexes): NodeSet {
    const ns = new NodeSet(undefined, { resolver: this.#resolver });
    ns.#patterns.set(pat, rs);
    return ns;
  }

  #sorted(): [string, Indexes][] {
    return [...this.#patterns].sort((a, b) => compareStrings(a[0], b[0]));
  }

  #activeResolver(): GroupResolver | null {
    if (this.#resolver === null) return null;
    return this.#resolver ?? getDefaultGroupResolver() ?? NO_RESOLVER;
  }

  /** Parses an operand with this set's autostep and resolver (a NodeSet is used as is). */
  #parse(other: NodeSetLike): NodeSet {
    if (other instanceof NodeSet) return other;
    if (typeof other !== 'string') throw new TypeError(`Unsupported NodeSet input ${typeof other}`);
    const lazy = { resolver: undefined as GroupResolver | null | undefined, self: this };
    const resolve = (): GroupResolver | null => {
      if (lazy.resolver === undefined) lazy.resolver = lazy.self.#activeResolver();
      return lazy.resolver;
    };
    try {
      return parseString(other, this.#autostep, undefined, resolve, other, 0, { all: undefined });
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      if (code === 'ERR_GROUPS_QUERY_FAILED' || code === 'ERR_NODESET_GROUP_DEPTH') {
        throw new NodeSetParseError((e as Error).message, { input: other, part: other, cause: e });
      }
      throw e;
    }
  }

  #contains(other: NodeSet): boolean {
    for (const [pat, ers] of other.#patterns) {
      const rs = this.#patterns.get(pat);
      if (rs === undefined) return false;
      if (rs === null || ers === null) {
        if ((rs === null) !== (ers === null)) return false;
        continue;
      }
      if (rs instanceof RangeSet) {
        if (!(ers instanceof RangeSet) || !rs.isSupersetOf(ers)) return false;
      } else if (!(ers instanceof RangeSetND) || !rs.isSupersetOf(ers)) return false;
    }
    return true;
  }

  /**
   * Adds one pattern's indexes and applies this set's autostep. Without `copy` (indexes of a
   * fresh operand), the result is the same as ClusterShell's copy, which drops an nD set's own
   * autostep.
   */
  #add(pat: string, rs: Indexes, copy: boolean): void {
    const cur = this.#patterns.get(pat);
    if (cur !== undefined) {
      if ((cur === null) !== (rs === null)) throw new NodeSetError('Invalid operation');
      if (cur !== null) {
        if (cur instanceof RangeSet) cur.update(rs as RangeSet);
        else cur.update(rs as RangeSetND);
      }
      return;
    }
    let v = rs;
    if (v !== null) {
      if (copy) v = v.copy();
      else if (v instanceof RangeSetND) v.dropOwnAutostep();
      if (this.#autostep !== undefined) v.autostep = this.#autostep;
    }
    this.#patterns.set(pat, v);
  }

  /** Applies one set operation with a parsed operand; a `fresh` operand's indexes may be taken over. */
  #apply(op: SetOp, other: NodeSet, fresh = false): void {
    switch (op) {
      case 'update':
        for (const [pat, rs] of other.#patterns) this.#add(pat, rs, !fresh);
        return;
      case 'intersection': {
        if (other === this) return;
        const next = new Map<string, Indexes>();
        for (const [pat, ors] of other.#patterns) {
          const rs = this.#patterns.get(pat);
          if (rs === undefined) continue;
          if (rs === null || ors === null) {
            if (rs === null && ors === null) next.set(pat, null);
            continue;
          }
          const inter =
            rs instanceof RangeSet
              ? rs.intersection(ors as RangeSet)
              : rs.intersection(ors as RangeSetND);
          if (inter.size > 0) next.set(pat, inter);
        }
        this.#patterns = next;
        return;
      }
      case 'difference': {
        const purge: string[] = [];
        for (const [pat, ors] of other.#patterns) {
          const rs = this.#patterns.get(pat);
          if (rs === undefined) continue;
          if (rs === null || ors === null) {
            purge.push(pat);
            continue;
          }
          if (rs instanceof RangeSet) rs.differenceUpdate(ors as RangeSet);
          else rs.differenceUpdate(ors as RangeSetND);
          if (rs.size === 0) purge.push(pat);
        }
        for (const pat of purge) this.#patterns.delete(pat);
        return;
      }
      case 'symmetricDifference': {
        const purge: string[] = [];
        for (const [pat, rs] of this.#patterns) {
          if (!other.#patterns.has(pat)) continue;
          const ors = other.#patterns.get(pat) as Indexes;
          if (rs !== null && ors !== null) {
            if (rs instanceof RangeSet) rs.symmetricDifferenceUpdate(ors as RangeSet);
            else rs.symmetricDifferenceUpdate(ors as RangeSetND);
          } else purge.push(pat);
        }
        for (const [pat, ors] of other.#patterns) {
          if (!this.#patterns.has(pat)) this.#add(pat, ors, !fresh);
        }
        for (const [pat, rs] of this.#patterns) if (rs !== null && rs.size === 0) purge.push(pat);
        for (const pat of purge) this.#patterns.delete(pat);
        return;
      }
    }
  }

  /** Prints one nD pattern, expanding the axes that are not folded. */
  #foldND(pat: string, rs: RangeSetND, out: string[]): void {
    const dim = rs.dim();
    const fa = this.#foldAxis;
    const axes =
      fa === undefined
        ? undefined
        : new Set(fa.filter((x) => -dim <= x && x < dim).map((x) => ((x % dim) + dim) % dim));
    for (const vec of rs.vectors()) {
      let combos: string[][] = [[]];
      vec.forEach((rg, axis) => {
        let texts: string[];
        if (rg.size > 1) texts = axes === undefined || axes.has(axis) ? [`[${rg}]`] : [...rg];
        else texts = [rg.toString()];
        const next: string[][] = [];
        for (const t of texts) for (const c of combos) next.push([...c, t]);
        combos = next;
      });
      for (const c of combos) out.push(formatPattern(pat, c));
    }
  }

  /** Membership of one plain node name without parsing it as an expression; undefined if not plain. */
  #hasPlain(name: string): boolean | undefined {
    const s = name;
    if (s.length === 0 || PLAIN_REJECT.test(s) || WILDCARD.test(s)) return undefined;
    const cls: number[] = [];
    const val: number[] = [];
    const pat = scanPlainName(s, cls, val);
    if (pat === undefined) return undefined;
    const rs = this.#patterns.get(pat);
    if (rs === undefined) return false;
    if (rs === null) return val.length === 0;
    if (rs instanceof RangeSet) return runsHas(rs.runs, cls[0] as number, val[0] as number);
    return rs.hasTuple(cls, val);
  }

  /** Gathers a plain node name for {@link NodeSet.fromList}; false when it is not plain. */
  #addPlainName(name: string, pending: Map<string, PendingIndexes>): boolean {
    const s = name;
    if (s.length === 0 || PLAIN_REJECT.test(s)) return false;
    if (this.#resolver !== null && WILDCARD.test(s)) return false;
    const cls: number[] = [];
    const val: number[] = [];
    const pat = scanPlainName(s, cls, val);
    if (pat === undefined) return false;
    this.#pend(pending, pat, cls, val);
    return true;
  }

  #pend(
    pending: Map<string, PendingIndexes>,
    pat: string,
    cls: readonly number[],
    val: readonly number[],
  ): void {
    let p = pending.get(pat);
    if (p === undefined) {
      p = { dim: val.length, cls: [], val: [] };
      pending.set(pat, p);
    }
    for (let i = 0; i < val.length; i++) {
      p.cls.push(cls[i] as number);
      p.val.push(val[i] as number);
    }
  }

  #flushPending(pending: Map<string, PendingIndexes>): void {
    for (const [pat, p] of pending) {
      if (p.dim === 0) {
        this.#add(pat, null, false);
      } else if (p.dim === 1) {
        this.#add(pat, RangeSet.fromRuns(runsFromPairs(p.cls, p.val), this.#autostep), false);
      } else {
        this.#add(pat, RangeSetND.fromPoints(p, this.#autostep), false);
      }
    }
  }

  /**
   * ClusterShell's `_groups2`: for each group holding some of our nodes, how many of them and
   * the group's nodes. Groups are intersected with this set by ranges, not node by node.
   */
  #findGroups(
    source: string | undefined,
    autostep: number | undefined,
  ): Map<string, { count: number; nodes: NodeSet }> {
    const resolver = this.#activeResolver();
    if (resolver === null || resolver === NO_RESOLVER) {
      throw new NodeSetExternalError('No node group resolver');
    }
    let all: string[] | undefined;
    try {
      all = groupListOf(resolver, source);
    } catch (e) {
      if (!isSourceError(e)) throw e;
      all = undefined;
    }
    const out = new Map<string, { count: number; nodes: NodeSet }>();
    const parseGroup = (grp: string): NodeSet =>
      new NodeSet(resolver.groupNodes(grp, source).join(','), { resolver, autostep });
    if (resolver.hasNodeGroups(source) && (!all || all.length >= this.size)) {
      for (const node of this) {
        let groups: readonly string[];
        try {
          groups = resolver.nodeGroups(node, source);
        } catch (e) {
          if (codeOf(e) === 'ERR_GROUPS_QUERY_FAILED') {
            throw new NodeSetExternalError(`Group source query failed: ${(e as Error).message}`, {
              cause: e,
            });
          }
          throw e;
        }
        for (const grp of groups) {
          const cur = out.get(grp);
          if (cur === undefined) out.set(grp, { count: 1, nodes: parseGroup(grp) });
          else cur.count++;
        }
      }
      return out;
    }
    if (!all || all.length === 0) return out;
    for (const grp of all) {
      let members: NodeSet;
      try {
        members = new NodeSet(resolver.groupNodes(grp, source).join(','), { resolver });
      } catch (e) {
        if (codeOf(e) === 'ERR_GROUPS_QUERY_FAILED') {
          throw new NodeSetExternalError(
            `Unable to map a group previously listed\n\tFailed command: ${(e as Error).message}`,
            { cause: e },
          );
        }
        throw e;
      }
      const count = this.intersection(members).size;
      if (count > 0) out.set(grp, { count, nodes: parseGroup(grp) });
    }
    return out;
  }
}

/** Plain names gathered by fromList, per pattern: flat (class, value) per axis. */
interface PendingIndexes {
  readonly dim: number;
  readonly cls: number[];
  readonly val: number[];
}

/** The resolver used when none is set: every group lookup fails as ClusterShell's empty one. */
const NO_RESOLVER: GroupResolver = {
  defaultSource: undefined,
  sources: () => [],
  groupNodes: () => {
    throw new NodeSetExternalError('No node group resolver');
  },
  allNodes: () => {
    throw new NodeSetExternalError('No node group resolver');
  },
  groupList: () => {
    throw new NodeSetExternalError('No node group resolver');
  },
  hasNodeGroups: () => false,
  nodeGroups: () => {
    throw new NodeSetExternalError('No node group resolver');
  },
};

function codeOf(e: unknown): unknown {
  return (e as { code?: unknown } | null)?.code;
}

/** Whether `e` is a GroupSourceError of `@cluster-task/groups` (a source that cannot answer). */
function isSourceError(e: unknown): boolean {
  const code = codeOf(e);
  return (
    code === 'ERR_GROUPS_SOURCE' ||
    code === 'ERR_GROUPS_NO_UPCALL' ||
    code === 'ERR_GROUPS_QUERY_FAILED'
  );
}

function normalizeAutostep(value: number | undefined): number | undefined {
  if (value === undefined || value === null || !Number.isFinite(value) || value >= 1e100)
    return undefined;
  return Math.trunc(value);
}

/** Every node of a source, with ClusterShell's error messages. */
function allNodes(resolver: GroupResolver, source: string | undefined): readonly string[] {
  try {
    return resolver.allNodes(source || undefined);
  } catch (e) {
    const code = codeOf(e);
    if (code === 'ERR_GROUPS_NO_UPCALL') {
      throw new NodeSetExternalError(
        'Not enough working methods (all or map + list) to get all nodes',
        { cause: e },
      );
    }
    // only a failure of the `all` upcall itself; a failed list + map fallback goes through as is
    const upcall = (e as { upcall?: unknown }).upcall;
    if (code === 'ERR_GROUPS_QUERY_FAILED' && (upcall === undefined || upcall === 'all')) {
      throw new NodeSetExternalError(`Failed to get all nodes: ${(e as Error).message}`, {
        cause: e,
      });
    }
    throw e;
  }
}

/** The group names of a source, ranges expanded and sorted (ClusterShell's `grouplist`). */
function groupListOf(resolver: GroupResolver, source: string | undefined): string[] {
  const set = new NodeSet(undefined, { resolver: null });
  for (const raw of resolver.groupList(source || undefined)) {
    for (const operand of scanString(stripEscape(raw), undefined, raw))
      applyOperand(set, operand, undefined);
  }
  return [...set];
}

function operandSet(operand: Operand, autostep: number | undefined): NodeSet {
  const ns = new NodeSet(undefined, { resolver: null });
  NodeSet.addRaw(ns, operand.pat, indexesOf(operand.rsets, autostep));
  return ns;
}

function applyOperand(target: NodeSet, operand: Operand, autostep: number | undefined): void {
  NodeSet.applyRaw(target, operand.op, operandSet(operand, autostep));
}

function indexesOf(rsets: RangeSet[], autostep: number | undefined): Indexes {
  if (rsets.length > 1) return RangeSetND.fromVectors([rsets], autostep);
  return rsets[0] ?? null;
}

/** Converts a `*`/`?` mask to a regular expression (fnmatch without brackets, which the scanner took). */
function maskRegExp(mask: string): RegExp {
  let re = '';
  for (const c of mask) {
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/**
 * Parses an expression in a namespace, resolving groups and wildcards (ClusterShell's
 * `ParsingEngine.parse_string`).
 */
function parseString(
  text: string,
  autostep: number | undefined,
  namespace: string | undefined,
  resolve: () => GroupResolver | null,
  input: string,
  depth: number,
  cache: { all: Set<string> | undefined; noWildcard?: boolean },
): NodeSet {
  if (depth > MAX_GROUP_DEPTH) {
    throw Object.assign(
      new NodeSetError(`maximum recursion depth exceeded while resolving groups`),
      {
        code: 'ERR_NODESET_GROUP_DEPTH',
      },
    );
  }
  const result = new NodeSet(undefined, { resolver: null });
  const nsstr = stripEscape(text);
  for (const operand of scanString(nsstr, autostep, input)) {
    const { pat } = operand;
    const wantsGroup = pat[0] === '@';
    const wantsWildcard = !cache.noWildcard && WILDCARD.test(pat);
    const resolver = wantsGroup || wantsWildcard ? resolve() : null;
    if (resolver !== null && wantsGroup) {
      const groupSet = new NodeSet(undefined, { resolver: null });
      for (const nodegroup of operandSet(operand, autostep)) {
        const [str, ns] = resolveGroupString(resolver, nodegroup, namespace);
        if (str)
          groupSet.update(
            parseString(str, autostep, ns, resolve, input, depth + 1, { all: undefined }),
          );
      }
      NodeSet.applyRaw(result, operand.op, groupSet);
    } else if (resolver !== null && wantsWildcard) {
      if (cache.all === undefined) {
        const everyone = new NodeSet(undefined, { resolver: null });
        for (const item of allNodes(resolver, namespace)) {
          everyone.update(
            parseString(item, autostep, namespace, resolve, input, depth + 1, {
              all: undefined,
              noWildcard: true,
            }),
          );
        }
        cache.all = new Set(everyone);
      }
      const pool = new Set(cache.all);
      const matched = new NodeSet(undefined, { resolver: null });
      for (const mask of operandSet(operand, undefined)) {
        const re = maskRegExp(mask);
        for (const node of pool) {
          if (!re.test(node)) continue;
          pool.delete(node);
          const [p, rsets] = scanSingle(stripEscape(node), autostep, { input });
          NodeSet.addRaw(matched, p, indexesOf(rsets, autostep));
        }
      }
      NodeSet.applyRaw(result, operand.op, matched);
    } else {
      applyOperand(result, operand, autostep);
    }
  }
  return result;
}

/** One `@…` operand: `[nodes string, namespace]` (ClusterShell's `parse_group_string`). */
function resolveGroupString(
  resolver: GroupResolver,
  nodegroup: string,
  namespace: string | undefined,
): [string, string | undefined] {
  const grpstr = nodegroup.slice(1);
  let group = grpstr;
  let ns = namespace;
  const colon = grpstr.indexOf(':');
  if (colon >= 0) {
    ns = grpstr.slice(0, colon);
    group = grpstr.slice(colon + 1);
  }
  let list: readonly string[];
  if (group === '*') list = allNodes(resolver, ns);
  else if (group.startsWith('@')) list = groupListOf(resolver, grpstr.slice(1));
  else list = resolver.groupNodes(group, ns || undefined);
  return [list.join(','), ns];
}

/**
 * Expands an expression into node names (ClusterShell's `expand()`).
 *
 * @param pattern - a node set expression
 * @param options - autostep, resolver, fold axes
 * @returns the node names, in order
 * @throws {NodeSetParseError} on a malformed expression
 * @category NodeSet
 * @example
 * ```ts
 * expand('n[1-3]'); // ['n1', 'n2', 'n3']
 * ```
 */
export function expand(pattern: string, options?: NodeSetOptions): string[] {
  return new NodeSet(pattern, options).toArray();
}

/**
 * Folds an expression (ClusterShell's `fold()`).
 *
 * @param pattern - a node set expression
 * @param options - autostep, resolver, fold axes
 * @returns the folded string
 * @throws {NodeSetParseError} on a malformed expression
 * @category NodeSet
 * @example
 * ```ts
 * fold('n1,n2,n3'); // 'n[1-3]'
 * ```
 */
export function fold(pattern: string, options?: NodeSetOptions): string {
  return new NodeSet(pattern, options).toString();
}

/**
 * The group names of a source, without `@`, ranges expanded (ClusterShell's `grouplist()`).
 *
 * @param options - the source (default: the default one) and the resolver (default: the
 * default resolver)
 * @returns the sorted group names
 * @throws {NodeSetExternalError} when there is no resolver
 * @category NodeSet
 * @example
 * ```ts
 * groupList({ resolver }); // ['adm', 'all', 'compute', 'rk1', 'rk2']
 * ```
 */
export function groupList(options?: {
  readonly source?: string | undefined;
  readonly resolver?: GroupResolver | undefined;
}): string[] {
  const resolver = options?.resolver ?? getDefaultGroupResolver();
  if (resolver === undefined) throw new NodeSetExternalError('No node group resolver');
  return groupListOf(resolver, options?.source);
}
