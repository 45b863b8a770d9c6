import { describe, expect, it } from 'vitest';
import {
  expand,
  fold,
  isNodeSetError,
  NodeSet,
  NodeSetError,
  NodeSetIndexError,
  NodeSetKeyError,
  NodeSetParseError,
  NodeSetParseRangeError,
  RangeSetParseError,
} from '../src/index.js';

const plain = { resolver: null } as const;

describe('NodeSet parsing and folding (ClusterShell 1.9.1 reference)', () => {
  it.each([
    ['node[1-100,200]', 'node[1-100,200]', 101],
    ['rack[1-4]n[01-32]', 'rack[1-4]n[01-32]', 128],
    ['node[0-10]!node[8-10]', 'node[0-7]', 8],
    ['node[0-10]&node[5-13]', 'node[5-10]', 6],
    ['node[0-10]^node[5-13]', 'node[0-4,11-13]', 8],
    ['n[1-5]!n2,n7&n[1-6]', 'n[1,3-5]', 4],
    ['b2,b1,b0,b,c,a0,a', 'a,a0,b,b[0-2],c', 7],
    ['foo,bar,foo', 'bar,foo', 2],
    ['a[1-2]b[1-2],a[3-4]b[1-3]', 'a[3-4]b[1-3],a[1-2]b[1-2]', 10],
    ['a1b3,a1b4,a2b3', 'a1b[3-4],a2b3', 3],
    ['node[001-003],node5', 'node[5,001-003]', 4],
    ['node001,node1,node01', 'node[1,01,001]', 3],
    ['n1[0-2]', 'n[10-12]', 3],
    ['x0[1-2]', 'x[01-02]', 2],
    ['node0[1-3]', 'node[01-03]', 3],
    ['n[0-2]0', 'n[00,10,20]', 3],
    ['x[00-02]9', 'x[009,019,029]', 3],
    ['[1-3]', '[1-3]', 3],
    ['1,2,3', '[1-3]', 3],
    ['1-2', '1-2', 1],
    ['node-[-2-1]', 'node-[-2-1]', 4],
    ['da[1-3]c[1-2]-ib[0-1]', 'da[1-3]c[1-2]-ib[0-1]', 12],
    ['tigrou [1-5] & tigrou [0,2,4]', 'tigrou [2,4]', 2],
    ['n[9-11],n[08-09]', 'n[9,08-11]', 5],
    ['foo5', 'foo5', 1],
    ['n%d[1-2]', 'n%d[1-2]', 2],
    ['  n1 ,  n2  ', 'n[1-2]', 2],
    ['', '', 0],
    ['node١٢', 'node12', 1],
  ])('%j folds to %j (%i nodes)', (input, folded, size) => {
    const ns = new NodeSet(input, plain);
    expect(ns.toString()).toBe(folded);
    expect(ns.size).toBe(size);
  });

  it('iterates in ClusterShell order', () => {
    expect([...new NodeSet('n[9-11],n[08-09]', plain)]).toEqual(['n9', 'n08', 'n09', 'n10', 'n11']);
    expect(expand('a[1-2]b[3-4]', plain)).toEqual(['a1b3', 'a1b4', 'a2b3', 'a2b4']);
    expect(fold('n1,n2,n3', plain)).toBe('n[1-3]');
    expect([...new NodeSet('n[1-2]', plain).nsiter()].map(String)).toEqual(['n1', 'n2']);
    expect([...new NodeSet('n%[1-2]', plain).striter()]).toEqual(['n%1', 'n%2']);
  });

  it.each([
    ['node[1-3', NodeSetParseError, 'missing bracket: "node[1-3"'],
    ['node1-3]', NodeSetParseError, 'illegal closing bracket: "node1-3]"'],
    ['node[1-3]]', NodeSetParseError, 'illegal closing bracket: "]"'],
    ['node[1-3][4]', NodeSetParseError, 'illegal reopening bracket: "[4]"'],
    ['n[1-4]0[3-4]', NodeSetParseError, 'illegal reopening bracket: "[3-4]"'],
    ['node[1-3],', NodeSetParseError, "missing nodeset operand with ',' operator"],
    ['node[1-3]!', NodeSetParseError, "missing nodeset operand with '!' operator"],
    ['foo&', NodeSetParseError, 'missing nodeset operand with \'&\' operator: "foo"'],
    [',node', NodeSetParseError, 'missing nodeset operand with \',\' operator: "node"'],
    ['foo,,bar', NodeSetParseError, 'missing nodeset operand with \',\' operator: "bar"'],
    ['node[3-1]', NodeSetParseRangeError, 'bad range: "invalid values in range : "3-1""'],
    ['node[a]', NodeSetParseRangeError, 'bad range: "cannot convert string to integer : "a""'],
    ['node[]', NodeSetParseRangeError, 'bad range: "empty range"'],
    ['n[01-100]', NodeSetParseRangeError, 'bad range: "padding length mismatch : "01-100""'],
    ['n[1-2/2]0', NodeSetParseError, 'illegal trailing digits after range with steps: "0"'],
  ])('rejects %j', (input, type, message) => {
    let err: unknown;
    try {
      new NodeSet(input, plain);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toBe(message);
    expect(isNodeSetError(err)).toBe(true);
    expect((err as NodeSetParseError).input).toBe(input);
  });

  it('chains the range error and locates it', () => {
    try {
      new NodeSet('ok[1-2],bad[5-3]', plain);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NodeSetParseRangeError);
      expect((e as Error).cause).toBeInstanceOf(RangeSetParseError);
      expect((e as NodeSetParseRangeError).position).toBe(12);
    }
  });
});

describe('NodeSet options', () => {
  it('folds with autostep', () => {
    expect(new NodeSet('n[1,3,5,7]', { autostep: 3, resolver: null }).toString()).toBe('n[1-7/2]');
    expect(
      new NodeSet('node1,node3,node5,node6,node7', { autostep: 3, resolver: null }).toString(),
    ).toBe('node[1-5/2,6-7]');
    const ns = new NodeSet('n[2,4,6]', plain);
    expect(ns.toString()).toBe('n[2,4,6]');
    ns.autostep = 3;
    expect(ns.autostep).toBe(3);
    expect(ns.toString()).toBe('n[2-6/2]');
  });

  it('folds only the chosen axes', () => {
    expect(new NodeSet('a[1-2]b[3-4]', { foldAxis: [0], resolver: null }).toString()).toBe(
      'a[1-2]b3,a[1-2]b4',
    );
    expect(new NodeSet('a[1-2]b[3-4]', { foldAxis: [1], resolver: null }).toString()).toBe(
      'a1b[3-4],a2b[3-4]',
    );
    expect(new NodeSet('a[1-2]b[3-4]', { foldAxis: [-1], resolver: null }).toString()).toBe(
      'a1b[3-4],a2b[3-4]',
    );
    const ns = new NodeSet('n[1-3]', plain);
    ns.foldAxis = [5];
    expect(ns.foldAxis).toEqual([5]);
    expect(ns.toString()).toBe('n1,n2,n3');
  });
});

describe('NodeSet API', () => {
  it('counts and tests huge sets without expanding them', () => {
    const ns = new NodeSet('node[1-1000000000]', plain);
    expect(ns.size).toBe(1_000_000_000);
    expect(ns.has('node999999999')).toBe(true);
    expect(ns.has('node0')).toBe(false);
    expect(ns.difference('node[2-999999999]').toString()).toBe('node[1,1000000000]');
    expect(new NodeSet('r[1-100000]n[1-100000]', plain).size).toBe(10_000_000_000);
  });

  it('indexes, slices and splits', () => {
    const ns = new NodeSet('a[1-3],b[1-3]', plain);
    expect(ns.at(0)).toBe('a1');
    expect(ns.at(-1)).toBe('b3');
    expect(ns.at(6)).toBeUndefined();
    expect(ns.slice(2, 5).toString()).toBe('a3,b[1-2]');
    expect(new NodeSet('n[1-10]', plain).slice(undefined, undefined, 2).toString()).toBe(
      'n[1,3,5,7,9]',
    );
    expect(new NodeSet('n[1-10]', plain).slice(undefined, undefined, -3).toString()).toBe(
      'n[1,4,7,10]',
    );
    expect(() => ns.slice(1, undefined, -1)).toThrow(NodeSetIndexError);
    expect(new NodeSet('a[1-3],b[1-4],c', plain).slice(0, 6, 2).toString()).toBe('a[1,3],b2');
    expect(new NodeSet('foo[1-5]', plain).split(3).map(String)).toEqual([
      'foo[1-2]',
      'foo[3-4]',
      'foo5',
    ]);
    expect(() => ns.split(0)).toThrow(NodeSetError);
    expect(new NodeSet('foo[1-3,5-6],bar', plain).contiguous().map(String)).toEqual([
      'bar',
      'foo[1-3]',
      'foo[5-6]',
    ]);
    expect(new NodeSet('r[1-2]n[1-2,4]', plain).at(2)).toBe('r1n4');
  });

  it('tests membership and inclusion with names and expressions', () => {
    const ns = new NodeSet('n[1-3],foo', plain);
    expect(ns.has('n2')).toBe(true);
    expect(ns.has('n[2-3]')).toBe(true);
    expect(ns.has('n[3-4]')).toBe(false);
    expect(ns.has('foo')).toBe(true);
    expect(ns.has('bar')).toBe(false);
    expect(ns.has('n02')).toBe(false);
    expect(ns.has(new NodeSet('foo,n1', plain))).toBe(true);
    expect(new NodeSet('n[2-3]', plain).isSubsetOf('n[1-5]')).toBe(true);
    expect(ns.isSupersetOf('n1')).toBe(true);
    expect(ns.isDisjointFrom('n[4-5]')).toBe(true);
    expect(ns.equals('foo,n1,n2,n3')).toBe(true);
    expect(new NodeSet('a1b[1-2]', plain).has('a1b2')).toBe(true);
    expect(new NodeSet('a1b[1-2]', plain).has('a1b3')).toBe(false);
  });

  it('does set algebra', () => {
    const a = new NodeSet('n[1-10],x', plain);
    expect(a.union('n[20-21]').toString()).toBe('n[1-10,20-21],x');
    expect(a.intersection('n[5-15],x').toString()).toBe('n[5-10],x');
    expect(a.difference('n[2-9],x').toString()).toBe('n[1,10]');
    expect(a.symmetricDifference('n[9-12],y').toString()).toBe('n[1-8,11-12],x,y');
    expect(a.toString()).toBe('n[1-10],x');
    expect(new NodeSet('r[1-4]n[1-4]', plain).difference('r[2-3]n[2-3]').toString()).toBe(
      'r[1,4]n[1-4],r[2-3]n[1,4]',
    );
    expect(new NodeSet('r[1-4]n[1-4]', plain).intersection('r[3-9]n[3-9]').toString()).toBe(
      'r[3-4]n[3-4]',
    );
  });

  it('mutates in place', () => {
    const ns = new NodeSet(undefined, plain);
    ns.update('n1').updateN(['n[2-5]', new NodeSet('m1', plain)]);
    ns.intersectionUpdate('n[2-9],m1').differenceUpdate('n3').symmetricDifferenceUpdate('n[5-6]');
    expect(ns.toString()).toBe('m1,n[2,4,6]');
    ns.remove('n4');
    expect(ns.toString()).toBe('m1,n[2,6]');
    expect(() => ns.remove('n99')).toThrow(NodeSetKeyError);
    expect(() => ns.differenceUpdate('m[1-2]', { strict: true })).toThrow(/m2/);
    const c = ns.copy();
    ns.clear();
    expect(ns.size).toBe(0);
    expect(c.toString()).toBe('m1,n[2,6]');
  });

  it('builds from long lists of names', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `node${(i * 7919) % 5000}`);
    expect(NodeSet.fromList(names, plain).toString()).toBe('node[0-4999]');
    // every item is an expression of its own: 'n2!n1' adds n2 and removes nothing added before
    expect(NodeSet.fromList(['n3', 'n1', 'gpu[1-2]', 'n2!n1', 'x'], plain).toString()).toBe(
      'gpu[1-2],n[1-3],x',
    );
    const nd = Array.from({ length: 64 }, (_, i) => `r${i >> 3}n${i & 7}`).reverse();
    expect(NodeSet.fromList(nd, plain).toString()).toBe('r[0-7]n[0-7]');
  });

  it('rejects unsupported input types', () => {
    expect(() => new NodeSet(42 as unknown as string, plain)).toThrow(TypeError);
  });
});
