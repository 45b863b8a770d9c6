import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MsgTree, MsgTreeArgumentError, type MsgTreeElem } from '../src/index.js';

function elemOf(...lines: (string | Uint8Array)[]): MsgTreeElem {
  const tree = new MsgTree();
  for (const line of lines) tree.add('k', line);
  const elem = tree.get('k');
  if (elem === undefined) throw new Error('no element');
  return elem;
}

describe('MsgTreeElem', () => {
  it.each([
    { lines: ['a'], message: 'a' },
    { lines: ['a', 'b', 'c'], message: 'a\nb\nc' },
    { lines: ['', ''], message: '\n' },
    { lines: ['héllo', '✓'], message: 'héllo\n✓' },
  ])('message(), lines(), iteration and byteLength of $lines', ({ lines, message }) => {
    const elem = elemOf(...lines);
    expect(elem.message()).toEqual(Buffer.from(message));
    expect(elem.lines()).toEqual(lines.map((l) => Buffer.from(l)));
    expect([...elem]).toEqual(lines.map((l) => Buffer.from(l)));
    expect(elem.byteLength).toBe(Buffer.byteLength(message));
    expect(elem.depth).toBe(lines.length);
    expect(elem.toString()).toBe(message);
    expect(`${elem}`).toBe(message);
    expect(elem.line).toEqual(Buffer.from(lines.at(-1) as string));
  });

  it.each([
    { index: 0, line: 'a' },
    { index: 1, line: 'b' },
    { index: 2, line: 'c' },
    { index: -1, line: 'c' },
    { index: -3, line: 'a' },
    { index: 1.7, line: 'b' },
    { index: 3, line: undefined },
    { index: -4, line: undefined },
    { index: Number.NaN, line: 'a' },
  ])('at($index) is $line', ({ index, line }) => {
    expect(elemOf('a', 'b', 'c').at(index)?.toString()).toBe(line);
  });

  it('parent, depth and childCount describe the path', () => {
    const tree = new MsgTree();
    tree.add('n1', 'a');
    tree.add('n1', 'b');
    tree.add('n2', 'a');
    tree.add('n2', 'c');
    tree.add('n3', 'z');
    const b = tree.get('n1') as MsgTreeElem;
    const a = b.parent as MsgTreeElem;
    expect(a).toBe((tree.get('n2') as MsgTreeElem).parent);
    expect(a.toString()).toBe('a');
    expect(a.parent).toBeUndefined();
    expect([a.depth, b.depth]).toEqual([1, 2]);
    expect([a.childCount, b.childCount, tree.get('n3')?.childCount]).toEqual([2, 0, 0]);
  });

  it('returns copies: changing them does not change the tree', () => {
    const elem = elemOf('abc', 'def');
    elem.message().fill(0);
    (elem.lines()[0] as Buffer).fill(0);
    (elem.at(1) as Buffer).fill(0);
    elem.line.fill(0);
    expect(elem.toString()).toBe('abc\ndef');
  });

  it('toString() decodes UTF-8 and replaces invalid bytes with U+FFFD', () => {
    expect(elemOf(new Uint8Array([0x61, 0xff, 0x62])).toString()).toBe('a\ufffdb');
  });

  it.each([
    { other: () => elemOf('a', 'b'), expected: true, why: 'same lines, other tree' },
    { other: () => elemOf('a\nb'), expected: true, why: 'one line with \\n, same bytes' },
    { other: () => elemOf('a', 'c'), expected: false, why: 'other bytes, same length' },
    { other: () => elemOf('a', 'bc'), expected: false, why: 'other length' },
    { other: () => Buffer.from('a\nb'), expected: true, why: 'a Buffer' },
    { other: () => new Uint8Array([0x61, 0x0a, 0x62]), expected: true, why: 'a Uint8Array' },
    { other: () => new Uint8Array([0x61]), expected: false, why: 'shorter bytes' },
    { other: () => 'a\nb', expected: true, why: 'a string' },
    { other: () => 'a\nB', expected: false, why: 'another string' },
  ])('equals(): $why → $expected', ({ other, expected }) => {
    const elem = elemOf('a', 'b');
    expect(elem.equals(other())).toBe(expected);
    expect(elem.equals(elem)).toBe(true);
  });

  it('equals() refuses what is not bytes, text nor an element', () => {
    expect(() => elemOf('a').equals(1 as never)).toThrow(MsgTreeArgumentError);
  });

  it.each([
    { lines: ['hello'], shown: 'MsgTreeElem<1 line, 5 bytes> "hello"' },
    { lines: ['a', 'b'], shown: 'MsgTreeElem<2 lines, 3 bytes> "a\\nb"' },
    { lines: ['x'.repeat(100)], shown: `MsgTreeElem<1 line, 100 bytes> "${'x'.repeat(80)}"…` },
  ])('util.inspect shows $shown', ({ lines, shown }) => {
    expect(inspect(elemOf(...lines))).toBe(shown);
  });
});
