import { writeFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupResolverConfig, GroupResolverConfigError } from '../src/index.js';
import { io } from '../src/internal/io.js';
import type { OracleAnswer, OracleQuery, TempTree } from './helpers.js';
import { oracle, oracleMany, ours, tempTree } from './helpers.js';

const CONF = '[Main]\nautodir: $CFGDIR/auto\n';

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const BAD: readonly (readonly [string, string])[] = [
  ['a list', '- a\n- b\n'],
  ['a scalar', 'just text\n'],
  ['empty', ''],
  ['a boolean source', 'yes:\n  g: n1\n'],
  ['an integer source', '12:\n  g: n1\n'],
  ['a float source', '1.50:\n  g: n1\n'],
  ['a null source', '~:\n  g: n1\n'],
  ['a date source', '2020-01-02:\n  g: n1\n'],
  ['a source that is not a dict', 'src: n1\n'],
  ['a source that is empty', 'src:\n'],
  ['an integer group', 'src:\n  1: n1\n'],
  ['a boolean group', 'src:\n  on: n1\n'],
];

describe('YAML group sources (autodir)', () => {
  let t: TempTree;
  const load = () => GroupResolverConfig.load({ groupsConf: t.write('cfg/groups.conf', CONF) });

  beforeEach(() => {
    t = tempTree();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
    t.cleanup();
  });

  it('reads sources of every *.yaml file, files sorted, groups as strings or lists', () => {
    t.write(
      'cfg/auto/b.yaml',
      [
        'roles:',
        '  web: www[1-4]',
        '  db: [db1, "db2", "db[3-4]"]',
        '  nested: "@web,@db!db1"',
        '  all: www[1-4],db[1-4]',
        'racks:',
        '  rack1: n[01-10]',
        '  "rk[2-3]": n[11-30]',
      ].join('\n'),
    );
    t.write('cfg/auto/a.yaml', 'first:\n  g: x1\n');
    const file = t.path('cfg/groups.conf');
    const r = load();
    const queries: readonly OracleQuery[] = [
      ['sources'],
      ['map', 'db', 'roles'],
      ['map', 'nested', 'roles'],
      ['list', 'roles'],
      ['all', 'roles'],
      ['list', 'racks'],
      ['all', 'racks'],
      ['map', 'nosuch', 'racks'],
      ['groups', 'db2', 'roles'],
      ['groups', 'n25', 'racks'],
    ];
    const got = ours(r, queries);
    expect(got).toEqual(oracle([file], queries));
    expect(got[0]).toEqual({ ok: ['first', 'roles', 'racks'] });
    expect(got[1]).toEqual({ ok: ['db1,db2,db[3-4]'] });
    // `@racks:*` maps rk2 and rk3, which are not groups of the file (its key is 'rk[2-3]').
    expect(got[6]).toEqual({ ok: ['n[01-10]'] });
    expect(r.hasNodeGroups('roles')).toBe(false);
  });

  it('treats a null group as empty (ClusterShell 1.9.2)', () => {
    t.write('cfg/auto/s.yaml', 'src:\n  empty:\n  tilde: ~\n  all: null\n');
    const r = load();
    expect(r.groupNodes('empty', 'src')).toEqual([]);
    expect(r.groupNodes('tilde', 'src')).toEqual([]);
    expect(r.allNodes('src')).toEqual([]);
  });

  describe('bad files', () => {
    let expected: OracleAnswer[][] = [];
    beforeAll(() => {
      const v = tempTree();
      try {
        expected = oracleMany(
          BAD.map(([, content], i) => {
            v.write(`b${i}/auto/bad.yaml`, content);
            return { files: [v.write(`b${i}/groups.conf`, CONF)], queries: [['sources']] };
          }),
        );
      } finally {
        v.cleanup();
      }
    });

    it.each(BAD.map(([name, content], i) => [name, content, i] as const))(
      'rejects %s with ClusterShell message',
      (_name, content, i) => {
        const yamlFile = t.write('cfg/auto/bad.yaml', content);
        const r = load();
        let error: unknown;
        try {
          r.sources();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(GroupResolverConfigError);
        expect(error).toMatchObject({ file: yamlFile });
        // The oracle saw the same content under another directory.
        const want = expected[i]?.[0] as { error: string; message: string };
        const wantMessage = want.message.replace(/^.*\/auto\/bad\.yaml/, yamlFile);
        expect({ error: 'GroupResolverConfigError', message: (error as Error).message }).toEqual({
          error: want.error,
          message: wantMessage,
        });
      },
    );
  });

  it('names the file and line of YAML syntax errors', () => {
    const yamlFile = t.write('cfg/auto/broken.yaml', 'src:\n  g: [n1, n2\n  h: x\n');
    const r = load();
    let error: unknown;
    try {
      r.sources();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GroupResolverConfigError);
    expect((error as Error).message.startsWith(`${yamlFile}: `)).toBe(true);
    expect((error as GroupResolverConfigError).line).toBe(3);
    const expected = oracle([t.path('cfg/groups.conf')], [['sources']])[0];
    expect(expected).toMatchObject({ error: 'GroupResolverConfigError' });
  });

  it('frames YAML syntax errors as ClusterShell frames PyYAML errors, with a line and column', () => {
    const cases: readonly (readonly [string, number, number])[] = [
      ['src:\n  a: "n1\n  b: n2\n', 4, 1],
      ['src:\n\ta: n1\n', 2, 1],
      ['src:\n  a: *nope\n', 2, 6],
    ];
    for (const [text, line, column] of cases) {
      const yamlFile = t.write('cfg/auto/bad.yaml', text);
      let error: unknown;
      try {
        load().sources();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GroupResolverConfigError);
      const message = (error as Error).message;
      // ClusterShell's frame: `<file>: <problem...>\n  in "<file>", line L, column C`
      const oracleMessage = (
        oracle([t.path('cfg/groups.conf')], [['sources']])[0] as { message: string }
      ).message;
      const frame = new RegExp(
        `^${escapeRe(yamlFile)}: [^]*\n {2}in "${escapeRe(yamlFile)}", line \\d+, column \\d+$`,
      );
      expect(oracleMessage).toMatch(frame);
      expect(message).toMatch(frame);
      expect(message.endsWith(`\n  in "${yamlFile}", line ${line}, column ${column}`)).toBe(true);
      expect((error as GroupResolverConfigError).line).toBe(line);
    }
    expect(() => load().sources()).toThrow(/found undefined alias 'nope'/);
  });

  it("lets Python's UnicodeDecodeError message through for a file that is not UTF-8", () => {
    const yamlFile = t.write('cfg/auto/latin1.yaml', 'src:\n  g: n1\n');
    writeFileSync(yamlFile, Buffer.from('src:\n  caf\xe9: n1\n', 'latin1'));
    const r = load();
    const expected = oracle([t.path('cfg/groups.conf')], [['sources']])[0];
    expect(expected).toEqual({
      error: 'UnicodeDecodeError',
      message: "'utf-8' codec can't decode byte 0xe9 in position 10: invalid continuation byte",
    });
    expect(() => r.sources()).toThrow(
      expect.objectContaining({
        name: 'GroupResolverConfigValueError',
        message: (expected as { message: string }).message,
        file: yamlFile,
      }),
    );
  });

  it('skips YAML paths it cannot read for any reason (a directory named x.yaml)', () => {
    t.write('cfg/auto/a.yaml', 'a:\n  g: n1\n');
    t.mkdir('cfg/auto/dir.yaml');
    const queries: readonly OracleQuery[] = [['sources']];
    expect(ours(load(), queries)).toEqual(oracle([t.path('cfg/groups.conf')], queries));
    expect(load().sources()).toEqual(['a']);
  });

  it('lets a YAML source whose name is taken fail as a ValueError, as ClusterShell does', () => {
    t.write('cfg/auto/a.yaml', 'dup:\n  g: n1\n');
    t.write('cfg/auto/b.yaml', 'dup:\n  g: n2\n');
    const r = load();
    const queries: readonly OracleQuery[] = [['sources']];
    const expected = oracle([t.path('cfg/groups.conf')], queries);
    expect(expected).toEqual([
      { error: 'GroupResolverConfigValueError', message: "GroupSource 'dup': name collision" },
    ]);
    expect(ours(r, queries)).toEqual(expected);
  });

  it('rejects a group value that is not a string or a list of strings, when it is used', () => {
    const yamlFile = t.write('cfg/auto/s.yaml', 'src:\n  good: n1\n  num: 5\n  deep: {a: b}\n');
    const r = load();
    expect(r.groupNodes('good', 'src')).toEqual(['n1']);
    expect(() => r.groupNodes('num', 'src')).toThrow(
      `${yamlFile}: src: group num is not a string or a list of strings (add quotes?)`,
    );
    expect(() => r.groupNodes('deep', 'src')).toThrow(GroupResolverConfigError);
  });

  it('skips YAML files it may not read', () => {
    t.write('cfg/auto/a.yaml', 'a:\n  g: n1\n');
    const secret = t.write('cfg/auto/b.yaml', 'b:\n  g: n2\n');
    const readFile = io.readFile.bind(io);
    vi.spyOn(io, 'readFile').mockImplementation((path: string) => {
      if (path === secret)
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return readFile(path);
    });
    expect(load().sources()).toEqual(['a']);
  });

  it('reloads a file after its cache time, keeping the sources seen first', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    t.write('cfg/auto/s.yaml', 'one:\n  g: n1\ntwo:\n  g: n2\n');
    const r = load();
    expect(r.groupNodes('g', 'one')).toEqual(['n1']);
    t.write('cfg/auto/s.yaml', 'one:\n  g: n9\n  h: n10\nthree:\n  g: n3\n');
    vi.advanceTimersByTime(3_600_000);
    expect(r.groupNodes('g', 'one')).toEqual(['n1']);
    vi.advanceTimersByTime(1);
    expect(r.groupNodes('g', 'one')).toEqual(['n9']);
    expect(r.groupList('one')).toEqual(['g', 'h']);
    // 'two' vanished from the file but stays a (now empty) source; 'three' is never added.
    expect(r.sources()).toEqual(['one', 'two']);
    expect(r.groupNodes('g', 'two')).toEqual(['n2']);
    expect(() => r.groupNodes('g', 'three')).toThrow('three');
    // clearCache() makes the next query read the file again.
    t.write('cfg/auto/s.yaml', 'one:\n  g: n42\n');
    expect(r.groupNodes('g', 'one')).toEqual(['n9']);
    r.clearCache();
    expect(r.groupNodes('g', 'one')).toEqual(['n42']);
  });
});
