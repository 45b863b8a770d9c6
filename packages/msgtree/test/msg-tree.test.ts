import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { MsgTree, type MsgTreeElem, MsgTreeMode } from '../src/index.js';
import { countElements, type TreeInternals, treeInternals } from '../src/internal/elem-state.js';

type Add = readonly [string, string];

const SPEC_ADDS: readonly Add[] = [
  ['n1', 'a'],
  ['n2', 'a'],
  ['n3', 'b'],
  ['n1', 'x'],
  ['n2', 'x'],
];

function build(mode: MsgTreeMode, adds: readonly Add[]): MsgTree {
  const tree = new MsgTree({ mode });
  for (const [key, line] of adds) tree.add(key, line);
  return tree;
}

/** walk() as [message, keys] pairs, keys sorted. */
function walked(
  tree: MsgTree,
  match?: (key: string) => boolean,
  mapper: (key: string) => string = (k) => k,
): [string, string[]][] {
  return [...tree.walk(match, mapper)].map(({ elem, keys }) => [elem.toString(), [...keys].sort()]);
}

function insides(tree: MsgTree<unknown>): TreeInternals {
  return treeInternals(tree);
}

function elementCount(tree: MsgTree<unknown>): number {
  return countElements(insides(tree).root);
}

// Expected values below come from ClusterShell 1.9.1 (the same inputs run through the oracle).
describe('MsgTree: the spec example (§4) in every mode', () => {
  it.each([
    {
      mode: MsgTreeMode.DEFER,
      walk: [
        ['b', ['n3']],
        ['a\nx', ['n1', 'n2']],
      ],
    },
    {
      mode: MsgTreeMode.SHIFT,
      walk: [
        ['b', ['n3']],
        ['a\nx', ['n1', 'n2']],
      ],
    },
    {
      mode: MsgTreeMode.TRACE,
      walk: [
        ['b', ['n3']],
        ['a', ['n1', 'n2']],
        ['a\nx', ['n1', 'n2']],
      ],
    },
  ])('$mode: walk, items, identity, size, depth', ({ mode, walk }) => {
    const tree = build(mode, SPEC_ADDS);
    expect(walked(tree)).toEqual(walk);
    expect([...tree.items()].map(([k, e]) => [k, e.toString()])).toEqual([
      ['n1', 'a\nx'],
      ['n2', 'a\nx'],
      ['n3', 'b'],
    ]);
    expect(tree.get('n1')).toBe(tree.get('n2'));
    expect(tree.get('n1')?.equals(tree.get('n2') as MsgTreeElem)).toBe(true);
    expect(tree.size).toBe(3);
    expect(tree.depth()).toBe(2);
    expect([...tree.messages()].map(String)).toEqual(walk.map(([m]) => m));
  });

  it('walkTrace gives (line, keys, depth, children) for every element', () => {
    const tree = build(MsgTreeMode.TRACE, [
      ['n1', 'a'],
      ['n2', 'a'],
      ['n1', 'b'],
      ['n2', 'c'],
    ]);
    expect(
      [...tree.walkTrace()].map((t) => [t.line.toString(), [...t.keys], t.depth, t.childCount]),
    ).toEqual([
      ['a', ['n1', 'n2'], 1, 2],
      ['c', ['n2'], 2, 0],
      ['b', ['n1'], 2, 0],
    ]);
    const mapped = [
      ...tree.walkTrace(
        (k) => k === 'n1',
        (k) => k.toUpperCase(),
      ),
    ];
    expect(mapped.map((t) => [t.elem.toString(), t.keys])).toEqual([
      ['a', ['N1']],
      ['a\nb', ['N1']],
    ]);
  });
});

describe('MsgTree: remove, re-add, match and mapper', () => {
  it.each([
    {
      mode: MsgTreeMode.DEFER,
      afterRemove: [
        ['b', ['n3']],
        ['a\nx', ['n2']],
      ],
      afterReadd: [
        ['z', ['n1']],
        ['b\nq', ['n3']],
        ['a\nx', ['n2']],
      ],
      mapped: [
        ['z', ['N1']],
        ['a\nx', ['N2']],
      ],
    },
    {
      mode: MsgTreeMode.SHIFT,
      afterRemove: [
        ['b', ['n3']],
        ['a\nx', ['n2']],
      ],
      afterReadd: [
        ['z', ['n1']],
        ['b\nq', ['n3']],
        ['a\nx', ['n2']],
      ],
      mapped: [
        ['z', ['N1']],
        ['a\nx', ['N2']],
      ],
    },
    {
      mode: MsgTreeMode.TRACE,
      afterRemove: [
        ['b', ['n3']],
        ['a', ['n2']],
        ['a\nx', ['n2']],
      ],
      afterReadd: [
        ['z', ['n1']],
        ['b', ['n3']],
        ['b\nq', ['n3']],
        ['a', ['n2']],
        ['a\nx', ['n2']],
      ],
      mapped: [
        ['z', ['N1']],
        ['a', ['N2']],
        ['a\nx', ['N2']],
      ],
    },
  ])('$mode', ({ mode, afterRemove, afterReadd, mapped }) => {
    const tree = build(mode, SPEC_ADDS);
    tree.remove((k) => k === 'n1');
    expect(walked(tree)).toEqual(afterRemove);
    expect([...tree.keys()]).toEqual(['n2', 'n3']);
    expect(tree.has('n1')).toBe(false);
    expect(tree.get('n1')).toBeUndefined();
    expect(tree.depth()).toBe(2);
    tree.add('n1', 'z');
    tree.add('n3', 'q');
    expect(walked(tree)).toEqual(afterReadd);
    // a removed then re-added key goes to the end of the key order
    expect([...tree.keys()]).toEqual(['n2', 'n3', 'n1']);
    expect([...tree.items()].map(([k, e]) => `${k}=${e}`)).toEqual(['n2=a\nx', 'n3=b\nq', 'n1=z']);
    expect(
      walked(
        tree,
        (k) => k !== 'n3',
        (k) => k.toUpperCase(),
      ),
    ).toEqual(mapped);
    expect([...tree.messages((k) => k === 'n3')].map(String)).toEqual(
      mode === MsgTreeMode.TRACE ? ['b', 'b\nq'] : ['b\nq'],
    );
  });

  it.each([MsgTreeMode.DEFER, MsgTreeMode.SHIFT, MsgTreeMode.TRACE])(
    '%s: remove() without match removes every key, lines stay until clear()',
    (mode) => {
      const tree = build(mode, SPEC_ADDS);
      tree.remove();
      expect(tree.size).toBe(0);
      expect(walked(tree)).toEqual([]);
      expect(tree.depth()).toBe(2);
      expect(elementCount(tree)).toBe(3);
      tree.clear();
      expect(tree.depth()).toBe(0);
      expect(elementCount(tree)).toBe(0);
    },
  );

  it('items() filters and maps keys, in first-insertion order', () => {
    const tree = build(MsgTreeMode.DEFER, SPEC_ADDS);
    expect(
      [
        ...tree.items(
          (k) => k !== 'n2',
          (k) => `<${k}>`,
        ),
      ].map(([k, e]) => [k, `${e}`]),
    ).toEqual([
      ['<n1>', 'a\nx'],
      ['<n3>', 'b'],
    ]);
  });

  it('walk() skips elements whose keys are all filtered out', () => {
    const tree = build(MsgTreeMode.SHIFT, SPEC_ADDS);
    expect(walked(tree, (k) => k === 'n3')).toEqual([['b', ['n3']]]);
    expect(walked(tree, () => false)).toEqual([]);
  });

  it('keys of one element come in the order they reached it', () => {
    const tree = new MsgTree<string>({ mode: MsgTreeMode.SHIFT });
    for (const key of ['c', 'a', 'b']) tree.add(key, 'same');
    expect([...tree.walk()].map(({ keys }) => keys)).toEqual([['c', 'a', 'b']]);
  });
});

describe('MsgTree: modes', () => {
  it('DEFER switches to SHIFT when a walk starts, not before', () => {
    const tree = build(MsgTreeMode.DEFER, SPEC_ADDS);
    const walk = tree.walk();
    expect(tree.mode).toBe(MsgTreeMode.DEFER);
    walk.next();
    expect(tree.mode).toBe(MsgTreeMode.SHIFT);
    // later adds are tracked at once
    tree.add('n3', 'x');
    expect(walked(tree)).toEqual([
      ['b\nx', ['n3']],
      ['a\nx', ['n1', 'n2']],
    ]);
  });

  it.each([
    { mode: MsgTreeMode.DEFER, walkFirst: false, after: MsgTreeMode.DEFER },
    { mode: MsgTreeMode.DEFER, walkFirst: true, after: MsgTreeMode.SHIFT },
    { mode: MsgTreeMode.SHIFT, walkFirst: true, after: MsgTreeMode.SHIFT },
    { mode: MsgTreeMode.TRACE, walkFirst: true, after: MsgTreeMode.TRACE },
  ])('clear() keeps the current mode ($mode, walked: $walkFirst)', ({ mode, walkFirst, after }) => {
    const tree = build(mode, SPEC_ADDS);
    if (walkFirst) [...tree.walk()];
    tree.clear();
    expect(tree.mode).toBe(after);
    expect(tree.size).toBe(0);
    expect([...tree]).toEqual([]);
    tree.add('n9', 'again');
    expect(walked(tree)).toEqual([['again', ['n9']]]);
  });

  it('defaults to DEFER', () => {
    expect(new MsgTree().mode).toBe('defer');
    expect(new MsgTree({}).mode).toBe('defer');
    expect(new MsgTree({ mode: undefined }).mode).toBe('defer');
  });

  it('in TRACE mode a key that comes back after remove() is traced afresh', () => {
    const tree = build(MsgTreeMode.TRACE, SPEC_ADDS);
    tree.remove((k) => k === 'n2');
    tree.add('n2', 'a');
    expect([...tree.walkTrace()].map((t) => [`${t.elem}`, [...t.keys]])).toEqual([
      ['b', ['n3']],
      ['a', ['n1', 'n2']],
      ['a\nx', ['n1']],
    ]);
  });
});

/** A plain Uint8Array over part of a Buffer's memory (not a Buffer, not at offset 0). */
function view(buf: Buffer, start: number, length: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + start, length);
}

describe('MsgTree: lines are bytes', () => {
  const long = `${'é'.repeat(3000)}✓${'x'.repeat(3000)}`; // past the string scratch space
  it.each([
    { name: 'string', text: 'héllo', line: 'héllo' },
    { name: 'Buffer', text: 'héllo', line: Buffer.from('héllo') },
    { name: 'Uint8Array', text: 'héllo', line: new Uint8Array(Buffer.from('héllo')) },
    { name: 'subarray', text: 'héllo', line: Buffer.from('xxhéllo!').subarray(2, 8) },
    {
      name: 'Uint8Array view',
      text: 'héllo',
      line: view(Buffer.from('xhéllo!'), 1, 6),
    },
    { name: 'long string', text: long, line: long },
    { name: 'long Uint8Array', text: long, line: new Uint8Array(Buffer.from(long)) },
    { name: 'lone surrogate', text: '\ufffd', line: '\ud800' },
  ])('a line given as $name goes to the same element as its UTF-8 bytes', ({ text, line }) => {
    for (const first of ['ref', 'n1'] as const) {
      const tree = new MsgTree();
      // in both orders: the stored line is either the reference bytes or the tested input
      const adds: [string, string | Uint8Array][] = [
        ['ref', Buffer.from(text)],
        ['n1', line],
      ];
      if (first === 'n1') adds.reverse();
      for (const [key, l] of adds) tree.add(key, l);
      tree.add('other', 'something else'); // reuses the scratch space of string lines
      expect(tree.get('n1')).toBe(tree.get('ref'));
      expect(tree.get('n1')?.message()).toEqual(Buffer.from(text));
    }
  });

  it('keeps its own copy of the bytes', () => {
    const chunk = Buffer.from('line one\nline two');
    const tree = new MsgTree();
    tree.add('n1', chunk.subarray(0, 8));
    chunk.fill(0x21);
    expect(tree.get('n1')?.toString()).toBe('line one');
  });

  it('stores any bytes, including invalid UTF-8 and empty lines', () => {
    const tree = new MsgTree();
    tree.add('n1', new Uint8Array([0xff, 0x00, 0x80]));
    tree.add('n1', '');
    tree.add('n2', Buffer.from([0xff, 0x00, 0x80]));
    expect(tree.get('n1')?.message()).toEqual(Buffer.from([0xff, 0x00, 0x80, 0x0a]));
    expect(tree.get('n2')).toBe(tree.get('n1')?.parent);
  });
});

describe('MsgTree: keys', () => {
  it('accepts any key compared like Map keys, falsy ones included', () => {
    const tree = new MsgTree<number>({ mode: MsgTreeMode.SHIFT });
    tree.add(0, 'zero');
    tree.add(1, 'zero');
    expect([...tree.walk()].map(({ keys }) => keys)).toEqual([[0, 1]]);
    const empty = new MsgTree();
    empty.add('', 'line');
    expect(walked(empty)).toEqual([['line', ['']]]);
    empty.remove();
    expect(empty.size).toBe(0);
  });

  it('maps composite keys (Task-style (worker, node) pairs)', () => {
    const w1 = { id: 1 };
    const w2 = { id: 2 };
    const k = (w: object, node: string) => ({ worker: w, node });
    const keys = [k(w1, 'n1'), k(w1, 'n2'), k(w2, 'n1')];
    const tree = new MsgTree<(typeof keys)[number]>();
    for (const key of keys) tree.add(key, 'out');
    expect(tree.size).toBe(3);
    const byNode = [
      ...tree.walk(
        (key) => key.worker === w1,
        (key) => key.node,
      ),
    ];
    expect(byNode.map(({ keys }) => keys)).toEqual([['n1', 'n2']]);
    tree.remove((key) => key.worker === w1);
    expect([...tree.items(undefined, (key) => key.node)].map(([n]) => n)).toEqual(['n1']);
  });
});

describe('MsgTree: memory', () => {
  it('10,000 keys × 1,000 identical lines share one element and store each line once', () => {
    const tree = new MsgTree();
    const lines = Array.from({ length: 1000 }, (_, i) => Buffer.from(`line ${i} of the output`));
    const keys = Array.from({ length: 10_000 }, (_, i) => `node${i}`);
    for (const line of lines) for (const key of keys) tree.add(key, line);
    const first = tree.get('node0');
    expect(first?.depth).toBe(1000);
    for (const key of keys) {
      if (tree.get(key) !== first) throw new Error(`${key} has its own element`);
    }
    expect(elementCount(tree)).toBe(1000);
    expect(tree.depth()).toBe(1000);
    // one copy of the lines in the store, in chunks at most twice that size
    const oneCopy = lines.reduce((n, l) => n + l.length, 0);
    expect(insides(tree).store.storedBytes).toBe(oneCopy);
    expect(insides(tree).store.allocatedBytes).toBeLessThan(2 * oneCopy + 1024);
    const walk = [...tree.walk()];
    expect(walk).toHaveLength(1);
    expect(walk[0]?.keys).toHaveLength(10_000);
    expect(walk[0]?.elem.byteLength).toBe(
      Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])).length - 1,
    );
    expect(walk[0]?.elem.message()).toEqual(
      Buffer.concat(lines.flatMap((l, i) => (i ? [Buffer.from('\n'), l] : [l]))),
    );
  }, 60_000);

  it.each([MsgTreeMode.DEFER, MsgTreeMode.SHIFT, MsgTreeMode.TRACE])(
    '%s: 128 keys × 100 unique lines make 12,800 elements',
    (mode) => {
      const tree = new MsgTree({ mode });
      for (let l = 0; l < 100; l++)
        for (let k = 0; k < 128; k++) tree.add(`n${k}`, `n${k} line ${l}`);
      expect(elementCount(tree)).toBe(12_800);
      expect([...tree.walk()]).toHaveLength(mode === MsgTreeMode.TRACE ? 12_800 : 128);
      expect(new Set([...tree.keys()].map((k) => tree.get(k))).size).toBe(128);
    },
  );

  it('outputs that diverge late share their common prefix', () => {
    const tree = new MsgTree({ mode: MsgTreeMode.SHIFT });
    for (let k = 0; k < 50; k++) {
      for (let l = 0; l < 20; l++) tree.add(`n${k}`, `common ${l}`);
      tree.add(`n${k}`, `rc=${k % 2}`);
    }
    expect(elementCount(tree)).toBe(22);
    expect(walked(tree).map(([m, keys]) => [m.split('\n').at(-1), keys.length])).toEqual([
      ['rc=1', 25],
      ['rc=0', 25],
    ]);
  });
});
