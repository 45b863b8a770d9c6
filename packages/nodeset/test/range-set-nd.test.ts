import { describe, expect, it } from 'vitest';
import { NodeSetKeyError, RangeSet, RangeSetND } from '../src/index.js';

describe('RangeSetND (ClusterShell 1.9.1 reference)', () => {
  it('prints one line per folded vector', () => {
    expect(new RangeSetND([['0-3', '4-10']]).toString()).toBe('0-3; 4-10\n');
    expect(
      new RangeSetND([
        [0, 4],
        [0, 5],
        [1, 4],
        [1, 5],
      ]).toString(),
    ).toBe('0-1; 4-5\n');
    expect(
      new RangeSetND([['0-3', '4-5']]).difference(new RangeSetND([['1', '4']])).toString(),
    ).toBe('0,2-3; 4-5\n1; 5\n');
    expect(new RangeSetND([[1, 2]], { pads: [3, 2] }).toString()).toBe('001; 02\n');
  });

  it('counts, iterates and indexes', () => {
    const nd = new RangeSetND([['0-3', '4-10']]);
    expect(nd.size).toBe(28);
    expect(nd.dim()).toBe(2);
    expect([...new RangeSetND([['0-1', '4-5']])]).toEqual([
      ['0', '4'],
      ['0', '5'],
      ['1', '4'],
      ['1', '5'],
    ]);
    expect(nd.at(1)).toEqual(['0', '5']);
    expect(nd.get(-1)).toEqual(['3', '10']);
    expect(nd.at(28)).toBeUndefined();
    expect(() => nd.get(28)).toThrow(/out of range/);
    expect(new RangeSetND([['0-1', '4-5']]).slice(0, 2).toString()).toBe('0; 4-5\n');
    expect(new RangeSetND([['01-02', '3']]).pads()).toEqual([2, 0]);
    expect(new RangeSetND().dim()).toBe(0);
  });

  it('does set algebra', () => {
    const a = new RangeSetND([['1-5', '1']]);
    const b = new RangeSetND([['3-9', '1']]);
    expect(a.intersection(b).toString()).toBe('3-5; 1\n');
    expect(a.union(b).toString()).toBe('1-9; 1\n');
    expect(a.symmetricDifference(b).toString()).toBe('1-2,6-9; 1\n');
    expect(a.difference(b).toString()).toBe('1-2; 1\n');
    expect(a.has(['2', '1'])).toBe(true);
    expect(a.has(new RangeSetND([['1-2', '1']]))).toBe(true);
    expect(a.isSubsetOf(new RangeSetND([['0-9', '0-9']]))).toBe(true);
    expect(a.isSupersetOf(b)).toBe(false);
    expect(a.isDisjointFrom(new RangeSetND([['1-5', '2']]))).toBe(true);
    expect(
      new RangeSetND([['1-2', '1']]).equals(
        new RangeSetND([
          ['1', '1'],
          ['2', '1'],
        ]),
      ),
    ).toBe(true);
    expect(() => a.copy().differenceUpdate(new RangeSetND([['7', '7']]), { strict: true })).toThrow(
      NodeSetKeyError,
    );
    const c = a.copy();
    c.clear();
    expect(c.size).toBe(0);
    expect(a.size).toBe(5);
  });

  it('folds irregular shapes as ClusterShell, larger vectors first', () => {
    const nd = new RangeSetND([
      ['1-2', '1-2'],
      ['3-4', '1-3'],
    ]);
    expect(nd.toString()).toBe('3-4; 1-3\n1-2; 1-2\n');
    const contig = new RangeSetND([['1-2,4', '1']]).contiguous().map(String);
    expect(contig).toEqual(['1-2; 1\n', '4; 1\n']);
    expect(nd.vectors().length).toBe(2);
  });

  it('keeps autostep on its RangeSets', () => {
    const nd = new RangeSetND([['1,3,5', '1']], { autostep: 3 });
    expect(nd.toString()).toBe('1-5/2; 1\n');
    expect(nd.autostep).toBe(3);
    nd.autostep = undefined;
    expect(nd.toString()).toBe('1,3,5; 1\n');
    const rs = new RangeSet('1,3,5', { autostep: 2 });
    expect(new RangeSetND([[rs, '7']]).toString()).toBe('1-5/2; 7\n');
  });
});
