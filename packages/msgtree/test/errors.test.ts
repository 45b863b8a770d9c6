import { describe, expect, it } from 'vitest';
import {
  isMsgTreeError,
  MsgTree,
  MsgTreeArgumentError,
  MsgTreeError,
  MsgTreeModeError,
} from '../src/index.js';

describe('errors', () => {
  it.each([
    { mode: 'defer' as const, walked: false, actual: 'defer' },
    { mode: 'defer' as const, walked: true, actual: 'shift' },
    { mode: 'shift' as const, walked: false, actual: 'shift' },
  ])(
    'walkTrace() throws MsgTreeModeError at call time in $actual mode',
    ({ mode, walked, actual }) => {
      const tree = new MsgTree({ mode });
      tree.add('n1', 'a');
      if (walked) [...tree.walk()];
      let caught: unknown;
      try {
        tree.walkTrace();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(MsgTreeModeError);
      expect(caught).toBeInstanceOf(MsgTreeError);
      expect(caught).toMatchObject({
        name: 'MsgTreeModeError',
        code: 'ERR_MSGTREE_MODE',
        operation: 'walkTrace',
        required: 'trace',
        actual,
        message: `walkTrace() is only callable in trace mode (the tree is in ${actual} mode)`,
      });
      expect(isMsgTreeError(caught)).toBe(true);
    },
  );

  it.each([
    { value: 'fast', shown: '"fast"' },
    { value: 0, shown: 'number 0' },
    { value: null, shown: 'null' },
  ])('an unknown mode ($shown) is a MsgTreeArgumentError', ({ value, shown }) => {
    expect(() => new MsgTree({ mode: value as never })).toThrow(
      expect.objectContaining({
        name: 'MsgTreeArgumentError',
        code: 'ERR_MSGTREE_INVALID_ARG',
        argument: 'mode',
        value,
        message: `invalid mode: expected 'defer', 'shift' or 'trace', got ${shown}`,
      }),
    );
  });

  it.each([
    { line: 42, shown: 'number 42' },
    { line: undefined, shown: 'undefined undefined' },
    { line: [104, 105], shown: 'Array' },
    { line: new ArrayBuffer(2), shown: 'ArrayBuffer' },
    { line: Object.create(null) as object, shown: 'object' },
  ])('a line that is not bytes nor text ($shown) is refused, tree unchanged', ({ line, shown }) => {
    const tree = new MsgTree();
    expect(() => tree.add('n1', line as never)).toThrow(MsgTreeArgumentError);
    expect(() => tree.add('n1', line as never)).toThrow(
      `invalid line: expected a Uint8Array or a string, got ${shown}`,
    );
    expect(tree.size).toBe(0);
  });

  it.each([
    { value: new Error('x'), expected: false },
    { value: Object.assign(new Error('x'), { code: 'ERR_OTHER' }), expected: false },
    { value: { code: 'ERR_MSGTREE' }, expected: false },
    { value: Object.assign(new Error('copy'), { code: 'ERR_MSGTREE_MODE' }), expected: true },
    { value: new MsgTreeError('base'), expected: true },
    { value: 'ERR_MSGTREE', expected: false },
  ])('isMsgTreeError($value) is $expected', ({ value, expected }) => {
    expect(isMsgTreeError(value)).toBe(expected);
  });
});
