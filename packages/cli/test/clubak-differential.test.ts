/**
 * Differential suite of `clubak`: generated inputs (see fixtures/clubak-gen.ts) run through
 * ClusterShell 1.9.1's own clubak main (in ONE python process, fixtures/clubak_oracle.py) and
 * through our `clubakMain` in-process; stdout and stderr bytes and the exit status must be
 * identical. A sample also runs through the real /usr/bin/clubak. The seed is printed in every
 * failure; replay with `CLUBAK_DIFF_SEED=<seed>`.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import {
  CATEGORY_SIZES,
  type Category,
  generateCases,
  seedFromEnv,
} from './fixtures/clubak-gen.js';
import {
  type ClubakOutcome,
  label,
  type OracleOutcome,
  oracleBatch,
  ourClubak,
  realClubak,
} from './fixtures/clubak-harness.js';

const seed = seedFromEnv();
const cases = generateCases(seed);
const SHOWN = 10;
const REAL_SAMPLE = 6;

let expected: OracleOutcome[] = [];
const actual: ClubakOutcome[] = [];

beforeAll(async () => {
  expected = oracleBatch(cases);
  for (const c of cases) actual.push(await ourClubak(c));
}, 300_000);

function show(o: ClubakOutcome): string {
  const cut = (s: string): string => JSON.stringify(s.length > 600 ? `${s.slice(0, 600)}…` : s);
  return `status ${o.status}, stdout ${cut(o.stdout)}, stderr ${cut(o.stderr)}`;
}

describe(`clubak differential vs ClusterShell 1.9.1 (seed ${seed})`, () => {
  it('generates hundreds of cases with successes and errors', () => {
    expect(cases.length).toBeGreaterThanOrEqual(600);
    const byStatus = new Map<number, number>();
    for (const r of expected) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    expect(byStatus.get(0) ?? 0).toBeGreaterThan(cases.length * 0.6);
    expect(byStatus.get(1) ?? 0).toBeGreaterThan(60);
    expect(byStatus.get(2) ?? 0).toBeGreaterThan(5);
  });

  it.each(Object.keys(CATEGORY_SIZES) as Category[])(
    'category %s: identical bytes and status',
    (category) => {
      const lines: string[] = [];
      let total = 0;
      for (const [i, c] of cases.entries()) {
        if (c.category !== category) continue;
        total++;
        const want = expected[i] as OracleOutcome;
        const got = actual[i] as ClubakOutcome;
        if (
          got.stdout === want.stdout &&
          got.stderr === want.stderr &&
          got.status === want.status
        ) {
          continue;
        }
        if (lines.length < SHOWN * 3) {
          lines.push(
            `#${i} ${label(c)}`,
            `   expected: ${show(want)}`,
            `   actual:   ${show(got)}`,
          );
        }
      }
      expect(total).toBe(CATEGORY_SIZES[category]);
      expect(
        lines,
        `seed ${seed} (replay with CLUBAK_DIFF_SEED=${seed})\n${lines.join('\n')}`,
      ).toEqual([]);
    },
  );

  it('the in-process oracle agrees with the real /usr/bin/clubak on a sample', () => {
    const gather = cases.flatMap((c, i) => (c.category === 'gather' ? [i] : []));
    const step = Math.floor(gather.length / REAL_SAMPLE);
    for (let k = 0; k < REAL_SAMPLE; k++) {
      const i = gather[k * step] as number;
      const c = cases[i];
      if (c === undefined) continue;
      const want = expected[i] as OracleOutcome;
      expect(realClubak(c), `#${i} ${label(c)}`).toEqual({
        stdout: want.stdout,
        stderr: want.stderr,
        status: want.status,
      });
    }
  }, 120_000);
});
