/**
 * Differential suite of nodeset's group options against ClusterShell 1.9.1, on generated
 * configurations: each scenario is a temporary directory given to both sides as
 * CLUSTERSHELL_CFGDIR (HOME is an empty directory; /etc/clustershell/groups.conf is read by both
 * sides alike), holding YAML sources, upcall sources with and without list/all/reverse, shared
 * sections, ranged group names and failing upcalls (see fixtures/groups-config-gen.ts). Every
 * generated command line must give the same stdout, stderr and exit status. A second part runs
 * broken configurations (unknown source or default, missing upcall, bad YAML, bad INI, confdir
 * or autodir that is not a directory...).
 *
 * The seed comes from NODESET_DIFF_SEED (see fixtures/nodeset-argv-gen.ts).
 */

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupsScenarios } from './fixtures/groups-config-gen.js';
import { seedFromEnv } from './fixtures/nodeset-argv-gen.js';
import {
  baseEnv,
  type Case,
  label,
  type Outcome,
  oracleBatch,
  oracleProcess,
  ours,
} from './harness.js';

const seed = seedFromEnv();

/** Writes a configuration directory and returns its path. */
function writeTree(files: Readonly<Record<string, string | Buffer>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-groups-diff-'));
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

const ENV = baseEnv();

const scenarios = groupsScenarios(seed, 6).map((s) => {
  const dir = writeTree(s.files);
  const env = { CLUSTERSHELL_CFGDIR: dir };
  const runs: Case[] = s.cases.map((c) => ({
    args: c.args.map((a) => a.replaceAll('{CFG}', dir)),
    ...(c.stdin === undefined ? {} : { stdin: c.stdin }),
    env,
  }));
  return { ...s, dir, runs };
});
// one Python process answers every scenario (each case carries its CLUSTERSHELL_CFGDIR)
const generatedExpected = oracleBatch(
  scenarios.flatMap((s) => s.runs),
  ENV,
);
let offset = 0;
const answered = scenarios.map((s) => {
  const expected = generatedExpected.slice(offset, offset + s.runs.length);
  offset += s.runs.length;
  return { ...s, expected };
});

describe(`generated group configurations (seed ${seed})`, () => {
  it('generate hundreds of command lines over every group option, with errors among them', () => {
    const all = answered.flatMap((s) => s.cases.map((c, i) => ({ c, o: s.expected[i] })));
    expect(all.length).toBeGreaterThanOrEqual(300);
    const categories = new Map<string, number>();
    for (const { c } of all) categories.set(c.category, (categories.get(c.category) ?? 0) + 1);
    for (const cat of ['sources', 'list', 'listall', 'regroup', 'all', 'operands', 'debug'])
      expect(categories.get(cat) ?? 0).toBeGreaterThan(5);
    const options = new Set(all.flatMap(({ c }) => c.args));
    for (const opt of ['-s', '-G', '-l', '-ll', '-lll', '-L', '-r', '-a', '-d', '--groupsconf'])
      expect(options).toContain(opt);
    const ok = all.filter(({ o }) => o?.code === 0).length;
    expect(ok).toBeGreaterThan(all.length * 0.6);
    expect(all.length - ok).toBeGreaterThan(20);
    // upcall stderr reaches nodeset's stderr on both sides
    expect(all.some(({ o }) => o !== undefined && o.code === 0 && o.stderr !== '')).toBe(true);
  });

  it('the batch oracle answers as /usr/bin/nodeset does', () => {
    const diffs: string[] = [];
    for (const s of answered) {
      for (const i of [0, Math.floor(s.runs.length / 2)]) {
        const c = s.runs[i] as Case;
        const real = oracleProcess(c, ENV);
        if (JSON.stringify(real) !== JSON.stringify(s.expected[i]))
          diffs.push(
            `${label(c)}\n  real:  ${JSON.stringify(real)}\n  batch: ${JSON.stringify(s.expected[i])}`,
          );
      }
    }
    expect(diffs).toEqual([]);
  }, 60_000);

  for (const s of answered) {
    describe(s.name, () => {
      it.each(s.runs.map((c, i) => [label(c), c, i] as const))('%s', async (_n, c, i) => {
        expect(await ours(c, ENV)).toEqual(s.expected[i]);
      });
    });
  }
});

/** Broken or unusual configurations, each with its own CLUSTERSHELL_CFGDIR. */
const BROKEN: Readonly<Record<string, Readonly<Record<string, string | Buffer>>>> = {
  'unknown default source': { 'groups.conf': '[Main]\ndefault: nosuch\n[a]\nmap: echo x1\n' },
  'empty default source': { 'groups.conf': '[Main]\ndefault:\n[a]\nmap: echo x1\nlist: echo g\n' },
  'section without map in groups.conf': {
    'groups.conf': '[Main]\ndefault: a\n[a]\nlist: echo x1\n',
  },
  'section without map in a confdir file': {
    'groups.conf': '[Main]\nconfdir: $CFGDIR/c\n[a]\nmap: echo x1\n',
    'c/part.conf': '[ok]\nmap: echo y\n\n[bad,worse]\nlist: echo g\n',
  },
  'no section header': { 'groups.conf': 'default: a\n' },
  'INI parsing errors': {
    'groups.conf': '[Main]\ndefault: a\n[a]\nmap: echo x1\nbad line\nanother one\n',
  },
  'INI error in a confdir file': {
    'groups.conf': '[Main]\nconfdir: $CFGDIR/c\n[a]\nmap: echo x1\n',
    'c/bad.conf': '[b]\nmap: echo y\n[b]\nmap: echo z\n',
  },
  'duplicate option': { 'groups.conf': '[a]\nmap: echo x\nMAP: echo y\n' },
  'bad interpolation in confdir': {
    'groups.conf': '[Main]\nconfdir: %(nope)s/c\n[a]\nmap: echo x1\n',
  },
  'bad cache_time': { 'groups.conf': '[Main]\ndefault: a\n[a]\nmap: echo x\ncache_time: abc\n' },
  'confdir is a file': {
    'groups.conf': '[Main]\ndefault: a\nconfdir: $CFGDIR/file\n[a]\nmap: echo x1\n',
    file: 'not a directory\n',
  },
  'autodir is a file': {
    'groups.conf': '[Main]\nautodir: $CFGDIR/file\n[a]\nmap: echo x1\n',
    file: 'not a directory\n',
  },
  'confdir with an unclosed quote': {
    'groups.conf': '[Main]\nconfdir: "$CFGDIR/c\n[a]\nmap: echo x1\n',
  },
  'missing confdir and autodir are skipped': {
    'groups.conf':
      '[Main]\nconfdir: $CFGDIR/none1 $CFGDIR/c\nautodir: $CFGDIR/none2\n[a]\nmap: echo x1\nlist: echo g\n',
    'c/b.conf': '[b]\nmap: echo y$GROUP\nlist: echo h\n',
  },
  'source name collision between sections': {
    'groups.conf': '[Main]\nconfdir: $CFGDIR/c\n[a]\nmap: echo x1\n',
    'c/b.conf': '[a]\nmap: echo y\n',
  },
  'YAML source colliding with a confdir source': {
    'groups.conf': '[Main]\nconfdir: $CFGDIR/c\nautodir: $CFGDIR/y\n',
    'c/b.conf': '[a]\nmap: echo y\n',
    'y/a.yaml': 'a:\n  g: n1\n',
  },
  'YAML base is not a dict': {
    'groups.conf': '[Main]\nautodir: $CFGDIR/y\n',
    'y/a.yaml': '- n1\n- n2\n',
  },
  'YAML source is not a dict': {
    'groups.conf': '[Main]\nautodir: $CFGDIR/y\n',
    'y/a.yaml': 'src: n[1-2]\n',
  },
  'YAML group name is not a string': {
    'groups.conf': '[Main]\nautodir: $CFGDIR/y\n',
    'y/a.yaml': 'src:\n  1: n1\n  g: n2\n',
  },
  'YAML source name is not a string': {
    'groups.conf': '[Main]\nautodir: $CFGDIR/y\n',
    'y/a.yaml': '2.5:\n  g: n1\n',
  },
  'source without list upcall as default': {
    'groups.conf': '[Main]\ndefault: a\n[a]\nmap: echo x1\n[b]\nmap: echo y1\nlist: echo g\n',
  },
  'upcall command not found, shell syntax error': {
    'groups.conf':
      '[Main]\ndefault: up\n[up]\nmap: nosuchcommand_xyz $GROUP\nlist: echo a b\nall: echo ok; foo(\n',
  },
  'groups.conf that is not UTF-8': {
    'groups.conf': Buffer.from('[Main]\ndefault: a\n[a]\nmap: echo caf\xe9\n', 'latin1'),
  },
  'YAML file that is not UTF-8': {
    'groups.conf': '[Main]\nautodir: $CFGDIR/y\n',
    'y/a.yaml': Buffer.from('src:\n  caf\xe9: n1\n', 'latin1'),
  },
  'unknown group and unknown source': {
    'groups.conf':
      '[Main]\nautodir: $CFGDIR/y\n[up]\nmap: sed -n "s/^$GROUP: //p" $CFGDIR/m\nlist: echo a b\n',
    m: 'a: n1\nb: n2\n',
    'y/a.yaml': 'yml:\n  g: n[1-3]\n',
  },
};

const BROKEN_CASES: readonly Case[] = [
  { args: ['-f', 'n1'] },
  { args: ['-f', '@x'] },
  { args: ['-f', '@nosuch:x'] },
  { args: ['-c', '@yml:nosuchgroup'] },
  { args: ['--list-sources'] },
  { args: ['-l'] },
  { args: ['-L'] },
  { args: ['-r', 'n[1-2]'] },
  { args: ['-a', '-f'] },
  { args: ['-s', 'a', '-f', 'n1'] },
  { args: ['-d', '-s', 'up', '-ll'] },
];

const broken = Object.entries(BROKEN).map(([name, files]) => {
  const env = { CLUSTERSHELL_CFGDIR: writeTree(files) };
  return { name, runs: BROKEN_CASES.map((c) => ({ ...c, env })) };
});
const brokenExpected = oracleBatch(
  broken.flatMap((b) => b.runs),
  ENV,
);

describe('broken and unusual configurations', () => {
  for (const [k, b] of broken.entries()) {
    describe(b.name, () => {
      it.each(b.runs.map((c, i) => [label(c), c, i] as const))('%s', async (_n, c, i) => {
        expect(await ours(c, ENV)).toEqual(brokenExpected[k * BROKEN_CASES.length + i]);
      });
    });
  }
});

/**
 * YAML syntax errors: a deliberate difference. ClusterShell prints PyYAML's own wording of the
 * problem; we print the `yaml` package's, in the same frame: same stdout and exit status, the
 * same `Group resolver error: <file>: ` start, and a PyYAML-style `in "<file>", line L, column C`
 * mark.
 */
const BAD_YAML: readonly string[] = [
  'src:\n  a: "n1\n  b: n2\n',
  'src:\n  a: [n1\n',
  'src:\n\ta: n1\n',
  'src:\n  a: n1\n b: x\n',
  'src:\n  a: n1\n  - n2\n',
  'src: {a: n1\n',
  'src:\n  a: *nope\n',
];

const yamlCases: readonly Case[] = [{ args: ['-f', '@src:a'] }, { args: ['-L'] }];
const badYaml = BAD_YAML.map((text) => {
  const dir = writeTree({ 'groups.conf': '[Main]\nautodir: $CFGDIR/y\n', 'y/bad.yaml': text });
  const env = { CLUSTERSHELL_CFGDIR: dir };
  return { file: join(dir, 'y/bad.yaml'), runs: yamlCases.map((c) => ({ ...c, env })) };
});
const badYamlExpected = oracleBatch(
  badYaml.flatMap((b) => b.runs),
  ENV,
);

describe('YAML syntax errors (deliberate difference: the wording of the YAML parser)', () => {
  for (const [k, { file, runs }] of badYaml.entries()) {
    it.each(runs.map((c, i) => [label(c), c, i] as const))(
      `bad YAML #${k}: %s`,
      async (_n, c, i) => {
        const py = badYamlExpected[k * yamlCases.length + i] as Outcome;
        const got = await ours(c, ENV);
        const start = `nodeset: Group resolver error: ${file}: `;
        const mark = new RegExp(
          `\\n {2}in "${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}", line \\d+, column \\d+\\n$`,
        );
        expect({ stdout: got.stdout, code: got.code }).toEqual({
          stdout: py.stdout,
          code: py.code,
        });
        expect(py.stderr.startsWith(start)).toBe(true);
        expect(py.stderr).toMatch(mark);
        expect(got.stderr.startsWith(start)).toBe(true);
        expect(got.stderr).toMatch(mark);
      },
    );
  }
});
