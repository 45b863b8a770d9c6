import { describe, expect, it } from 'vitest';
import {
  isParseError,
  NodeSetKeyError,
  NodeSetValueError,
  RangeSet,
  RangeSetParseError,
} from '../src/index.js';

describe('RangeSet parsing and folding (ClusterShell 1.9.1 reference)', () => {
  it.each([
    ['1-10/2', '1,3,5,7,9', 5],
    ['00-10/2', '00,02,04,06,08,10', 6],
    [' 1 - 3 , 5 ', '1-3,5', 4],
    ['098-101', '098-101', 4],
    ['001-010', '001-010', 10],
    ['01-03,1-3', '1-3,01-03', 6],
    ['9-11,009-011', '9-11,009-011', 6],
    ['-5', '-5', 1],
    ['-5--2', '-5--2', 4],
    ['-2-3', '-2-3', 6],
    ['-10-10/5', '-10,-5,0,5,10', 5],
    ['5,-10--8', '-10--8,5', 4],
    ['1-2-3', '-2-3', 6],
    ['0', '0', 1],
    ['00', '00', 1],
    ['0-0', '0', 1],
    ['1_0', '10', 1],
    ['+5', '5', 1],
    ['99-101,0099-0101', '99-101,0099-0101', 6],
    ['0-999999999', '0-999999999', 1_000_000_000],
  ])('%j folds to %j (%i indexes)', (input, folded, size) => {
    const rs = new RangeSet(input);
    expect(rs.toString()).toBe(folded);
    expect(rs.size).toBe(size);
  });

  it('lists indexes in ClusterShell order: negatives, then by length, padded first', () => {
    expect([...new RangeSet('098-101')]).toEqual(['098', '099', '100', '101']);
    expect([...new RangeSet('-2-3')]).toEqual(['-2', '-1', '0', '1', '2', '3']);
    expect([...new RangeSet('10,2,01,001,-3')]).toEqual(['-3', '2', '01', '10', '001']);
    expect([...new RangeSet('01-02').intiter()]).toEqual([1, 2]);
  });

  it.each([
    ['3-1', 'invalid values in range : "3-1"'],
    ['1-5/0', 'invalid values in range : "1-5/0"'],
    ['5/2', 'invalid step usage : "5/2"'],
    ['a', 'cannot convert string to integer : "a"'],
    ['1-a', 'cannot convert string to integer : "1-a"'],
    ['1-5/x', 'cannot convert string to integer : "1-5/x"'],
    ['', 'empty range'],
    ['1,,2', 'empty range'],
    ['01-1000', 'padding length mismatch : "01-1000"'],
    ['-01', 'padding not supported in negative ranges : "-01"'],
  ])('rejects %j with %j', (input, message) => {
    let err: unknown;
    try {
      new RangeSet(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RangeSetParseError);
    expect((err as Error).message).toBe(message);
    expect(isParseError(err)).toBe(true);
    expect((err as RangeSetParseError).input).toBe(input);
  });

  it('gives the position of the failing part', () => {
    try {
      new RangeSet('1-3, 7-5');
      expect.unreachable();
    } catch (e) {
      expect((e as RangeSetParseError).part).toBe('7-5');
      expect((e as RangeSetParseError).position).toBe(5);
    }
  });

  it('rejects a range with too many dashes as ClusterShell (a ValueError)', () => {
    expect(() => new RangeSet('1-2-3-4-5')).toThrow(NodeSetValueError);
  });
});

describe('RangeSet autostep', () => {
  it.each([
    ['1,3,5,7', 3, '1-7/2'],
    ['1,3,5', 4, '1,3,5'],
    ['1-10/2', 3, '1-9/2'],
    ['1,3,5,6,7', 3, '1-5/2,6-7'],
    ['1,2,4,6,8', 3, '1-2,4-8/2'],
    ['1-3,5,7', 3, '1-3,5,7'],
    ['1-3,5,7,9', 3, '1-3,5-9/2'],
    ['1,2,3,5,7,9', 4, '1-3,5,7,9'],
    ['1,3,5,7,8,9,10', 3, '1-7/2,8-10'],
    ['1,3,5,6,8,10', 3, '1-5/2,6,8,10'],
    ['2,4,6,7,8', 3, '2-6/2,7-8'],
    ['01,03,05,7,9,11', 3, '7,9,01-05/2,11'],
    ['098-101/2', 2, '098-100/2'],
    ['1,3', 2, '1-3/2'],
    ['1,3,4', 2, '1-3/2,4'],
    ['-10--2/2', 3, '-10--2/2'],
    ['1-100/3', 1, '1-100/3'],
  ])('%j with autostep %i folds to %j', (input, autostep, folded) => {
    expect(new RangeSet(input, { autostep }).toString()).toBe(folded);
  });

  it('can be set afterwards and read back', () => {
    const rs = new RangeSet('1,3,5');
    expect(rs.autostep).toBeUndefined();
    rs.autostep = 3;
    expect(rs.autostep).toBe(3);
    expect(rs.toString()).toBe('1-5/2');
    expect(new RangeSet(rs).autostep).toBe(3);
  });
});

describe('RangeSet API', () => {
  it('builds from lists, single indexes and iterables', () => {
    expect(RangeSet.fromList(['1-3', new RangeSet('5')]).toString()).toBe('1-3,5');
    expect(RangeSet.fromOne(5, { pad: 3 }).toString()).toBe('005');
    expect(RangeSet.fromOne('07').toString()).toBe('07');
    expect(new RangeSet([3, 6, 8, 7, 1]).toString()).toBe('1,3,6-8');
    expect(RangeSet.parse('0-10/5').toString()).toBe('0,5,10');
  });

  it('reads and sets the padding', () => {
    expect(new RangeSet('1-3').padding).toBeUndefined();
    expect(new RangeSet('01-03').padding).toBe(2);
    expect(new RangeSet('1-3,001').padding).toBe(3);
    const rs = new RangeSet('1-5');
    rs.padding = 3;
    expect(rs.toString()).toBe('001-005');
    rs.padding = undefined;
    expect(rs.toString()).toBe('1-5');
    const mixed = new RangeSet('8-12');
    mixed.padding = 2;
    expect(mixed.toString()).toBe('08-12');
  });

  it('indexes and slices like a Python list', () => {
    const rs = new RangeSet('1-10');
    expect(rs.at(2)).toBe('3');
    expect(rs.at(-1)).toBe('10');
    expect(rs.at(10)).toBeUndefined();
    expect(rs.get(0)).toBe('1');
    expect(() => rs.get(42)).toThrow(/42 out of range/);
    expect(rs.slice(2, 5).toString()).toBe('3-5');
    expect(rs.slice(undefined, undefined, 3).toString()).toBe('1,4,7,10');
    expect(rs.slice(undefined, undefined, -3).toString()).toBe('1,4,7,10');
    expect(rs.slice(-3).toString()).toBe('8-10');
    expect(rs.slice(8, 2).size).toBe(0);
    expect(() => rs.slice(0, 5, 0)).toThrow(NodeSetValueError);
    expect(new RangeSet('098-101').slice(1, 3).toString()).toBe('099-100');
  });

  it('splits, and lists contiguous runs and slices', () => {
    expect(new RangeSet('1-5').split(3).map(String)).toEqual(['1-2', '3-4', '5']);
    expect(new RangeSet('1-2').split(5).map(String)).toEqual(['1', '2']);
    expect(() => new RangeSet('1-2').split(0)).toThrow(NodeSetValueError);
    expect(new RangeSet('1-3,5-7,9').contiguous().map(String)).toEqual(['1-3', '5-7', '9']);
    expect(new RangeSet('098-101,5').contiguous().map(String)).toEqual(['5', '098-101']);
    expect(new RangeSet('1-3,5').slices()).toEqual([
      { start: 1, stop: 4, step: 1 },
      { start: 5, stop: 6, step: 1 },
    ]);
    expect(new RangeSet('1,3,5', { autostep: 2 }).slices()).toEqual([
      { start: 1, stop: 6, step: 2 },
    ]);
  });

  it('tests membership by string, number and set, padding included', () => {
    const rs = new RangeSet('1-5');
    expect(rs.has(3)).toBe(true);
    expect(rs.has('3')).toBe(true);
    expect(rs.has('03')).toBe(false);
    expect(new RangeSet('01-05').has('03')).toBe(true);
    expect(rs.has(new RangeSet('2-3'))).toBe(true);
    expect(rs.has('x')).toBe(false);
  });

  it('does set algebra on ranges', () => {
    const a = new RangeSet('1-10');
    expect(a.union('20').toString()).toBe('1-10,20');
    expect(a.intersection('5-15').toString()).toBe('5-10');
    expect(a.difference('3-4').toString()).toBe('1-2,5-10');
    expect(a.symmetricDifference('8-12').toString()).toBe('1-7,11-12');
    expect(a.toString()).toBe('1-10');
    expect(new RangeSet('1-3').union('01-03').toString()).toBe('1-3,01-03');
    expect(new RangeSet('0-999999999').difference('500000000').toString()).toBe(
      '0-499999999,500000001-999999999',
    );
    expect(a.isSupersetOf('2-3')).toBe(true);
    expect(new RangeSet('2-3').isSubsetOf(a)).toBe(true);
    expect(a.isDisjointFrom('11-12')).toBe(true);
    expect(a.isDisjointFrom('10-12')).toBe(false);
    expect(new RangeSet('1-3').equals('1,2,3')).toBe(true);
    expect(new RangeSet('1-3').equals('01-03')).toBe(false);
  });

  it('mutates in place', () => {
    const rs = new RangeSet('1-5');
    rs.update('7').intersectionUpdate('2-7').differenceUpdate('3').symmetricDifferenceUpdate('7-8');
    expect(rs.toString()).toBe('2,4-5,8');
    rs.add(9).add(3, 2).addRange(20, 30, 5);
    expect(rs.toString()).toBe('2,4-5,8-9,03,20,25');
    rs.remove(9).discard(100).discard('03');
    expect(rs.toString()).toBe('2,4-5,8,20,25');
    expect(() => rs.remove(99)).toThrow(NodeSetKeyError);
    expect(() => rs.differenceUpdate('1-2', { strict: true })).toThrow(NodeSetKeyError);
    rs.updateN(['30', new RangeSet('31')]);
    expect(rs.toString()).toBe('2,4-5,8,20,25,30-31');
    const copy = rs.copy();
    rs.clear();
    expect(rs.size).toBe(0);
    expect(rs.dim()).toBe(0);
    expect(copy.dim()).toBe(1);
    expect(copy.size).toBe(8);
  });

  it('refuses bad ranges to addRange', () => {
    expect(() => new RangeSet().addRange(5, 5)).toThrow(NodeSetValueError);
    expect(() => new RangeSet().addRange(1, 5, 0)).toThrow(NodeSetValueError);
  });
});
