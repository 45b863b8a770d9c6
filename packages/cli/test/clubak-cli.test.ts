/**
 * clubak, option by option: each case runs through ClusterShell 1.9.1's clubak (in one Python
 * process, see fixtures/clubak_oracle.py) and through our `clubakMain`; stdout, stderr (bytes)
 * and exit status must be identical. A sample also runs through the real /usr/bin/clubak, to
 * check the in-process oracle itself. The pieces that must match Python exactly (difflib's
 * unified diff, UTF-8 error messages) are also compared with Python directly.
 */

import { PassThrough, Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { clubakMain } from '../src/index.js';
import { unifiedDiff } from '../src/internal/clubak-difflib.js';
import { decodeUtf8, utf8ErrorMessage } from '../src/internal/clubak-utf8.js';
import {
  type ClubakCase,
  label,
  type OracleOutcome,
  oracleBatch,
  ourClubak,
  pythonUnifiedDiffs,
  pythonUtf8,
  realClubak,
} from './fixtures/clubak-harness.js';

const BASIC = 'n1: a\nn2: a\nn3: b\nn1: x\nn2: x\nn3: x\n';
const RANGES = 'n[1-4]: up\nn5: up\nn[6-7]: down\nn[1-7]: load\nn6,n8: extra\n';
const TREE = 'n1: a\nn2: a\nn3: a\nn1: b\nn2: c\nn3: c\nn2: d\nn3: d\nn4: a\n';
const RAW = 'foo[: a\nbar: a\nbaz: b\nbar: c\n';
const DIFF =
  'n1: same\nn2: same\nn3: same\nn1: -- dashes\nn2: ++ plus\nn3: other\n' +
  'n1: tail \nn2: tail \nn3: tail\nn1: 1\nn2: 1\nn3: 1\n';
const NOISY = 'n1: caf\xe9\nn2: café\nn3: caf\xe9\nn1: \xff\xfe\xe2\x82\n';
const GROUPS = 'n[1-4]: a\nn5: a\nn[9-12]: b\nn6: c\n';

const C = (argv: readonly string[], stdin: string | Buffer = BASIC, more?: Partial<ClubakCase>) =>
  ({ argv, stdin, ...more }) as ClubakCase;
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

const CASES: readonly ClubakCase[] = [
  // parser
  C(['--version'], ''),
  C(['--help'], ''),
  C(['-h'], ''),
  C(['--help'], '', { env: { COLUMNS: '60' } }),
  C(['--nope'], ''),
  C(['-x'], ''),
  C(['--color=rainbow'], ''),
  C(['--color'], ''),
  C(['--interpret-keys', 'sometimes'], ''),
  C(['-s', ''], ''),
  C(['-s', '-b'], ''),
  C(['-S'], ''),
  C(['--inter=never', '--col=never', '-b']),
  C(['--dsh']),
  C(['-b', 'ignored', '-L']),
  C(['--', '-L']),
  // layouts
  C([]),
  C([], RANGES),
  C(['-b']),
  C(['-c'], RANGES),
  C(['--dshbak'], RANGES),
  C(['-B'], RANGES),
  C(['-L']),
  C(['-L'], RANGES),
  C(['-N']),
  C(['-bN'], RANGES),
  C(['-LN']),
  C(['-bL'], RANGES),
  C(['-b', '-L', '-N'], RANGES),
  // tree mode
  C(['-T'], TREE),
  C(['--tree'], RANGES),
  C(['-TL'], TREE),
  C(['-TN'], TREE),
  C(['-TLN'], TREE),
  C(['-T', '-q'], TREE),
  C(['-T', '-r'], GROUPS),
  C(['-T', '-b'], TREE),
  C(['-T', '--diff'], TREE),
  C(['-T', '--color=always'], TREE),
  C(['-T', '--interpret-keys=never'], 'n[1-2]: a\nn3: a\nn3: b\n'),
  C(['-T'], RAW),
  // diff
  C(['--diff'], DIFF),
  C(['--diff'], RANGES),
  C(['--diff'], 'n1: a\nn2: a\n'),
  C(['--diff', '-q'], DIFF),
  C(['--diff', '-N'], DIFF),
  C(['--diff', '-r'], GROUPS),
  C(['--diff', '--color=always'], DIFF),
  C(['--diff', '-L'], DIFF),
  C(['--diff', '-F'], DIFF),
  C(['--diff'], NOISY),
  C(['--diff'], 'n1: x\xff\nn2: x\n'),
  // fast mode
  C(['-F'], RANGES),
  C(['-F', '-b'], TREE),
  C(['--fast', '-bN'], TREE),
  C(['-F', '-T'], TREE),
  C(['-F', '-L'], TREE),
  // verbosity
  C(['-q', '-b'], RANGES),
  C(['-v'], RANGES),
  C(['-v', '-b']),
  C(['-d']),
  C(['-d', '-bL'], RANGES),
  C(['-d', '-T'], TREE),
  C(['-d'], ''),
  C(['-v', '-q', '-b'], RANGES),
  C(['-v'], 'n1 no separator\n'),
  // groups
  C(['-r'], GROUPS),
  C(['-b', '-r'], GROUPS),
  C(['-L', '-r'], GROUPS),
  C(['-r', '-q'], GROUPS),
  C(['-r', '-s', 'rack'], GROUPS),
  C(['-r', '-s', 'rack', '-G'], GROUPS),
  C(['-r', '-s', 'nosuch'], GROUPS),
  C(['-s', 'nosuch'], GROUPS),
  C(['-r', '-s', 'yml', '-S', '='], 'c[1-10]= a\nlogin1= a\nc11= b\n'),
  C(['-r', '-G', '-s', 'yml', '-S', '='], 'c[1-10]= a\nlogin1= a\n'),
  C(['-b', '-S', '='], '@r1= a\n@r2= b\n@odd= c\n'),
  C(['-b', '-S', '='], '@yml:gpu= a\n@ext:a= b\n'),
  C(['-b', '-S', '='], '@nosuch:x= a\n'),
  C(['-b', '-S', '='], '@broken:x= a\n'),
  C(['-b', '-S', '='], 'n1= a\n@illegal:x= a\n'),
  C(['-r', '-s', 'broken'], 'n1: a\n'),
  C(['-d', '-r', '-s', 'broken'], 'n1: a\n'),
  C(['--groupsconf', '/nonexistent/groups.conf'], '@r1: a\n'),
  C(['--groupsconf', '/nonexistent/groups.conf', '-d'], 'n1: a\n'),
  C(['--groupsconf', ''], '@r1: a\n'),
  C(['-b'], '@r[1-2]: a\nn*: b\n'),
  // keys
  C(['-b'], RAW),
  C(['-L'], RAW),
  C([], RAW),
  C(['--diff'], RAW),
  C(['-b', '-r'], RAW),
  C(['-L', '-r'], RAW),
  C(['--diff', '-r'], RAW),
  C(['--diff', '-r'], 'foo[: a\nbar: a\n'),
  C(['--interpret-keys=never', '-b'], RANGES),
  C(['--interpret-keys=never'], RANGES),
  C(['--interpret-keys='], RANGES),
  C(['--interpret-keys=always', '-b'], RANGES),
  C(['--interpret-keys=always'], RAW),
  C(['--interpret-keys=auto', '-b'], RAW),
  C(['-b'], 'n1: a\nn[2-3]: a\nn]: a\nn4: a\n'),
  C(['-b'], 'a b: x\nn 1: x\n é: y\n\tn2\t: z\n'),
  C(['-b'], 'n01: a\nn1: a\nn[001-002]: a\n'),
  C(['-b'], 'x[1-2]y[1-2]: a\nx3y1: a\n'),
  C(['-b'], 'n1!n2: a\nn[1-4]&n[3-6]: b\nn1^n2: c\n'),
  C(['-b'], 'n[1-3: a\n'),
  C(['-b'], 'n[3-1]: a\n'),
  // separators
  C(['-S', '='], 'n1=a=b\nn2 = c\n'),
  C(['-S', '::'], 'n1::a:b\nn2:: c\n'),
  C(['--separator', ' | '], 'n1 | a\nn2 | b | c\n'),
  C(['-S', '\t'], 'n1\ta\nn2\tb\n'),
  C(['-S', 'é', '-b'], 'n1éa\nn2éa\n'),
  C(['-S', ''], 'n1: a\n'),
  C(['-S', ''], ''),
  C(['-S', '\\n'], 'n1\\na\n'),
  // lone surrogates: undecodable bytes of a command line, as Python (and our io layer) holds them
  C(['-S', '\udcff'], 'n1: a\n'),
  C(['-S', 'a\udcff\udcfeb'], ''),
  C(['-S', '\ud834\udd1e\udc80', '-b'], ''),
  // line ends and odd lines
  C(['-b'], 'n1: a\r\nn2: a\r\r\nn3: a'),
  C([], 'n1: a\n\nn2: b\n'),
  C([], 'n1 a\n'),
  C([], ' : a\n'),
  C([], ':a\n'),
  C(['-b'], 'n1:\nn2:\nn3: \n'),
  C(['-L'], 'n1: a: b: c\nn2:: x\n'),
  C([], ''),
  C(['-b'], ''),
  C(['-T'], ''),
  C(['--diff'], ''),
  // bytes
  C(['-b'], latin1(NOISY)),
  C(['-L'], latin1(NOISY)),
  C(['-T'], latin1(NOISY)),
  C([], latin1('n1\xff: a\n')),
  C([], latin1('n1: a\nn1 a\xff\n')),
  C([], latin1('n1\xe2\x82: a\n')),
  C([], latin1('\xf0\x90\x80: a\n')),
  C(['--interpret-keys=always'], latin1('n[1: \xff\n')),
  C([], latin1(' : \xc3\n')),
  C(['-b'], latin1('\xef\xbb\xbfn1: bom\nn2: \xef\xbb\xbfbom\n')),
  C(['-v'], latin1('n1: \xff\nbad\xfe\n')),
  C(['-T', '--interpret-keys=never'], '\x1cn1: a\nn2: a\n\ufeffn3: a\n'),
  C(['-b'], '\x1cn1: a\nn2\x1f: a\n\u0085n3: a\n\u00a0n4: a\n'),
  // colours
  C(['--color=always']),
  C(['--color=always', '-b'], RANGES),
  C(['--color=always', '-L'], RANGES),
  C(['--color=always', '-bN'], RANGES),
  C(['--color=always', '-T', '-L'], TREE),
  C(['--color=never', '-b'], RANGES),
  C(['--color=auto', '-b'], RANGES),
  C(['--color=', '-b'], RANGES),
  C(['-b'], RANGES, { tty: true }),
  C(['-b', '--color=auto'], RANGES, { tty: true }),
  C(['-b', '--color='], RANGES, { tty: true }),
  C(['-b', '--color=never'], RANGES, { tty: true }),
  C(['-b'], RANGES, { tty: true, env: { NO_COLOR: '' } }),
  C(['-b'], RANGES, { tty: true, env: { NO_COLOR: '1', CLICOLOR_FORCE: '1' } }),
  C(['-b', '--color=always'], RANGES, { env: { NO_COLOR: '1' } }),
  C(['-b'], RANGES, { env: { CLICOLOR_FORCE: '1' } }),
  C(['-b'], RANGES, { env: { CLICOLOR_FORCE: '' } }),
  C(['-b'], RANGES, { env: { CLICOLOR_FORCE: '0' } }),
  C(['-b'], RANGES, { tty: true, env: { CLICOLOR: '0' } }),
  C(['-b'], RANGES, { tty: true, env: { CLICOLOR: '1' } }),
  C(['-b'], RANGES, { env: { CLICOLOR: '1' } }),
  C(['-b', '--color=auto'], RANGES, { env: { CLICOLOR_FORCE: '1' } }),
  // unused options
  C(['--outdir', '/nonexistent', '--errdir=/nonexistent', '-b'], RANGES),
];

/** Table cases also run through the real /usr/bin/clubak (deterministic, no tty). */
const REAL_SAMPLE: readonly ClubakCase[] = [
  C(['--help'], ''),
  C(['--color=rainbow'], ''),
  C([]),
  C(['-b'], RANGES),
  C(['-L'], RANGES),
  C(['-bN'], RANGES),
  C(['-T'], TREE),
  C(['-TL'], TREE),
  C(['--diff'], DIFF),
  C(['--diff', '--color=always'], DIFF),
  C(['-F', '-b'], TREE),
  C(['-d', '-bL'], RANGES),
  C(['-r', '-s', 'rack', '-G'], GROUPS),
  C(['-b', '-S', '='], '@broken:x= a\n'),
  C(['--interpret-keys=always'], RAW),
  C(['-b', '-r'], RAW),
  C(['-b'], latin1(NOISY)),
  C([], latin1('n1: a\nn1 a\xff\n')),
  C(['--color=always', '-b'], RANGES),
  C(['-b'], RANGES, { env: { CLICOLOR_FORCE: '1' } }),
  C(['-S', ''], 'n1: a\n'),
];

let expected: OracleOutcome[] = [];

beforeAll(() => {
  expected = oracleBatch(CASES);
}, 120_000);

describe('clubak options, against ClusterShell 1.9.1', () => {
  it.each(CASES.map((c, i) => [label(c), i] as const))('%s', async (_name, i) => {
    const c = CASES[i] as ClubakCase;
    const want = expected[i] as OracleOutcome;
    const got = await ourClubak(c);
    expect(got).toEqual({ stdout: want.stdout, stderr: want.stderr, status: want.status });
  });

  it('covers successes, errors and usage errors', () => {
    const count = (status: number): number => expected.filter((o) => o.status === status).length;
    expect(count(0)).toBeGreaterThan(100);
    expect(count(1)).toBeGreaterThan(15);
    expect(count(2)).toBeGreaterThan(10);
    // -r with raw keys crashes ClusterShell: those answers come from /usr/bin/clubak itself
    expect(expected.filter((o) => o.crashed).length).toBe(3);
  });
});

describe('the in-process oracle', () => {
  it('agrees with the real /usr/bin/clubak, and so do we', async () => {
    const oracle = oracleBatch(REAL_SAMPLE);
    for (const [i, c] of REAL_SAMPLE.entries()) {
      const real = realClubak(c);
      const o = oracle[i] as OracleOutcome;
      expect({ stdout: o.stdout, stderr: o.stderr, status: o.status }, label(c)).toEqual(real);
      expect(await ourClubak(c), label(c)).toEqual(real);
    }
  }, 120_000);
});

describe('clubakMain', () => {
  it('defaults its program name to clubak and reads a Readable', async () => {
    const chunks: Buffer[] = [];
    const stdout = new PassThrough();
    stdout.on('data', (b: Buffer) => chunks.push(b));
    const stdin = Readable.from([Buffer.from('n1: up\nn2: up\n')]);
    const stderr = new PassThrough();
    const errs: Buffer[] = [];
    stderr.on('data', (b: Buffer) => errs.push(b));
    expect(await clubakMain(['-b', '--bad'], { stdin, stdout, stderr, env: {} })).toBe(2);
    expect(Buffer.concat(errs).toString()).toBe(
      'Usage: clubak [options]\n\nclubak: error: no such option: --bad\n',
    );
    const stdin2 = Readable.from([Buffer.from('n1: up\n'), Buffer.from('n2: up\n')]);
    expect(await clubakMain(['-b'], { stdin: stdin2, stdout, stderr, env: {} })).toBe(0);
    expect(Buffer.concat(chunks).toString()).toBe(
      '---------------\nn[1-2] (2)\n---------------\n up\n',
    );
  });
});

/** A small seeded generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('unified diff, against Python difflib', () => {
  it('gives the same lines on 400 random pairs (autojunk included)', () => {
    const rand = rng(20240611);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const pairs: [string[], string[]][] = [];
    for (let n = 0; n < 400; n++) {
      const alphabet = ['a', 'b', 'c', 'd', '', ' x', 'é', '---', '++'].slice(0, 2 + (n % 8));
      const len = n % 10 === 0 ? 150 + Math.floor(rand() * 200) : Math.floor(rand() * 25);
      const a = Array.from({ length: len }, () => pick(alphabet));
      const b = a.filter(() => rand() > 0.15).map((l) => (rand() < 0.1 ? pick(alphabet) : l));
      for (let k = Math.floor(rand() * 4); k > 0; k--) {
        b.splice(Math.floor(rand() * (b.length + 1)), 0, pick(alphabet));
      }
      pairs.push(rand() < 0.5 ? [a, b] : [b, a]);
    }
    pairs.push([[], []], [['a'], []], [[], ['a']], [['a'], ['a']]);
    const want = pythonUnifiedDiffs(pairs);
    const got = pairs.map(([a, b]) => unifiedDiff(a, b, 'A', 'B'));
    expect(got).toEqual(want);
  });
});

describe('UTF-8 decoding, against CPython', () => {
  it('reports the same first error and drops the same bytes', () => {
    const rand = rng(7);
    const interesting = [
      0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0,
      0xf1, 0xf4, 0xf5, 0xff, 0x90, 0x9f, 0xa0,
    ];
    const inputs: Buffer[] = [];
    for (let n = 0; n < 3000; n++) {
      const len = 1 + Math.floor(rand() * 6);
      inputs.push(
        Buffer.from(
          Array.from(
            { length: len },
            () => interesting[Math.floor(rand() * interesting.length)] as number,
          ),
        ),
      );
    }
    inputs.push(Buffer.from('café €𝄞', 'utf8'), Buffer.from([0xef, 0xbb, 0xbf, 0x41]));
    const want = pythonUtf8(inputs);
    const got = inputs.map((b) => {
      const d = decodeUtf8(b);
      return {
        error: d.error === undefined ? null : utf8ErrorMessage(b, d.error),
        ignore: d.text,
      };
    });
    expect(got).toEqual(want);
  });
});
