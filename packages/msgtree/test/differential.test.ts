import { describe, expect, it } from 'vitest';
import { type Case, type Output, prng, randomCase, runOracle, runOurs } from './fixtures/oracle.js';

// 400 random sequences of (key, line) adds mixed with walks, removes, clears and queries, in the
// three modes; ClusterShell's MsgTree runs them all in one Python process. The oracle is
// required: without /usr/bin/python3 and ClusterShell these tests fail, they are not skipped.
const SEEDS = Array.from({ length: 400 }, (_, i) => 0x5eed + i * 7919);
const cases: Case[] = SEEDS.map((seed) => randomCase(prng(seed)));
let oracle: { version: string; results: Output[][] } | Error | undefined;

/** ClusterShell's outputs, computed once; every test fails (none is skipped) without the oracle. */
function oracleResults(): { version: string; results: Output[][] } {
  if (oracle === undefined) {
    try {
      oracle = runOracle(cases);
    } catch (e) {
      oracle = e instanceof Error ? e : new Error(String(e));
    }
  }
  if (oracle instanceof Error) throw oracle;
  return oracle;
}

describe('MsgTree against ClusterShell 1.9.1 (differential)', () => {
  it('runs the oracle of the expected version', () => {
    expect(oracleResults().version).toBe('1.9.1');
    expect(oracleResults().results).toHaveLength(cases.length);
  });

  it('covers every mode and query', () => {
    const modes = new Set(cases.map((c) => c.mode));
    const ops = new Set(cases.flatMap((c) => c.ops.map((op) => op[0])));
    expect([...modes].sort()).toEqual(['defer', 'shift', 'trace']);
    expect([...ops].sort()).toEqual(
      [
        'add',
        'clear',
        'depth',
        'get',
        'ident',
        'items',
        'keys',
        'len',
        'messages',
        'remove',
        'walk',
        'walk_trace',
      ].sort(),
    );
  });

  it.each(SEEDS.map((seed, i) => ({ seed, i })))(
    'seed $seed gives the same walk/walkTrace/items/messages outputs',
    ({ i }) => {
      const c = cases[i] as Case;
      expect(runOurs(c)).toEqual(oracleResults().results[i]);
    },
  );
});
