import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  configPaths,
  GroupResolverConfig,
  GroupResolverConfigError,
  GroupResolverSourceError,
} from '../src/index.js';
import type { OracleAnswer, OracleQuery, TempTree } from './helpers.js';
import { oracle, oracleMany, ours, tempTree } from './helpers.js';

const LOCAL_CFG = `# flat groups
adm: example0
all: example[0,4-6,32-159]
compute: example[32-159]
gpu: example[156-159]
io: example[4-6]
mds: example6
oss: example[4-5]
rk1: example[0-10]
rk2: @io,example99
`;

const GROUPS_CONF = String.raw`# test groups.conf
[Main]
default: local
confdir: $CFGDIR/conf.d "$CFGDIR/missing dir" $CFGDIR/conf.d/ ${'$'}{CFGDIR}/conf.d/../conf.d
autodir: $CFGDIR/auto

[local]
map: sed -n 's/^$GROUP:\(.*\)/\1/p' $CFGDIR/local.cfg
all: sed -n 's/^all:\(.*\)/\1/p' $CFGDIR/local.cfg
list: sed -n 's/^\([0-9A-Za-z_-]*\):.*/\1/p' $CFGDIR/local.cfg

[rev,rev2]
map: echo "$SOURCE-$GROUP"
list: echo g1 g2
reverse: echo "r-$NODE"

[fail]
map: echo oops >&2; exit 3
list: false
`;

function fullTree(): TempTree {
  const t = tempTree();
  t.write('cfg/groups.conf', GROUPS_CONF);
  t.write('cfg/local.cfg', LOCAL_CFG);
  t.write('cfg/conf.d/10-b.conf', '[b]\nmap: echo b$GROUP\nlist: echo x y\n');
  t.write('cfg/conf.d/05-a.conf', '# only map\n[a]\nmap: echo a $CFGDIR\n[Main]\nignored: yes\n');
  t.write('cfg/conf.d/.hidden.conf', '[hidden]\nmap: echo h\n');
  t.write('cfg/conf.d/README', 'not a conf file');
  t.write('cfg/auto/z.yaml', 'ysrc:\n  g1: n[1-2]\n  g2: [n3, "n4"]\n  g3: \'\'\n  all: n[1-4]\n');
  t.write('cfg/auto/a.yaml', 'racks:\n  rack1: n[1-2]\n  rack2: n[3-4]\n  "rk[3-4]": n[5-8]\n');
  t.write('cfg/auto/notyaml.yml', 'ignored: {g: n1}\n');
  return t;
}

const FULL_QUERIES: readonly OracleQuery[] = [
  ['sources'],
  ['default'],
  ['map', 'compute'],
  ['map', 'rk2', 'local'],
  ['map', 'nosuchgroup'],
  ['list'],
  ['all'],
  ['list', 'rev'],
  ['reverse', 'n1', 'rev'],
  ['hasrev', 'rev'],
  ['hasrev', 'local'],
  ['hasrev', 'nosuch'],
  ['map', 'x', 'rev2'],
  ['map', 'g1', 'ysrc'],
  ['map', 'g2', 'ysrc'],
  ['map', 'g3', 'ysrc'],
  ['map', 'nope', 'ysrc'],
  ['all', 'ysrc'],
  ['list', 'ysrc'],
  ['list', 'racks'],
  ['all', 'racks'],
  ['map', 'x', 'b'],
  ['all', 'b'],
  ['map', 'x', 'a'],
  ['all', 'a'],
  ['map', 'x', 'fail'],
  ['list', 'fail'],
  ['map', 'x', 'nosuch'],
  ['groups', 'example5'],
  ['groups', 'example99'],
  ['groups', 'n6', 'racks'],
  ['groups', 'n3', 'ysrc'],
];

const VARIANTS: readonly (readonly [string, string, Record<string, string>?])[] = [
  ['unknown default', '[Main]\ndefault: zz\n[a]\nmap: echo a\n'],
  ['empty default', '[Main]\ndefault:\n[a]\nmap: echo a\n[b]\nmap: echo b\n'],
  ['no Main', '[b]\nmap: echo b\n[a]\nmap: echo a\n'],
  ['interpolated default', '[Main]\nname: b\ndefault: %(name)s\n[a]\nmap: x\n[b]\nmap: y\n'],
  ['bad interpolation', '[Main]\ndefault: %(nope)s\n[a]\nmap: x\n'],
  ['missing map', '[a]\nlist: echo x\n'],
  ['bad cache_time', '[a]\nmap: x\ncache_time: soon\n'],
  ['numeric cache_time', '[a]\nmap: x\ncache_time: 1e2\n'],
  ['DEFAULT map', '[DEFAULT]\nmap: echo dflt\n[a]\n[b]\nlist: echo l\n'],
  ['spaces in section', '[a, b]\nmap: echo $SOURCE\n'],
  ['Main in section list', '[Main,x]\nmap: echo x\n'],
  ['lower-case main', '[main]\nmap: echo m\n'],
  ['no section header', 'map: x\n[a]\nmap: y\n'],
  ['duplicate option', '[a]\nmap: x\nMAP: y\n'],
  ['confdir is a file', '[Main]\nconfdir: $CFGDIR/groups.conf\n[a]\nmap: x\n'],
  ['autodir is a file', '[Main]\nautodir: $CFGDIR/groups.conf\n[a]\nmap: x\n'],
  ['groupsdir alias', '[Main]\ngroupsdir: $CFGDIR/gd\nconfdir: $CFGDIR/nothere\n'],
  ['collision', '[Main]\nconfdir: $CFGDIR/gd\n[dup]\nmap: echo 2\n'],
  ['yaml collision', '[Main]\nautodir: $CFGDIR/yd\n[ys]\nmap: echo 2\n'],
];

/** Writes variant `i` (and the directories it may point to) under `tree`; returns its groups.conf. */
function writeVariant(tree: TempTree, i: number): string {
  const file = tree.write(`v${i}/groups.conf`, VARIANTS[i]?.[1] ?? '');
  tree.write(`v${i}/gd/x.conf`, '[dup]\nmap: echo 1\n[gsrc]\nmap: echo g\n');
  tree.write(`v${i}/yd/x.yaml`, 'ys:\n  g: n1\n');
  return file;
}

describe('GroupResolverConfig against ClusterShell 1.9.1', () => {
  let t: TempTree;
  beforeEach(() => {
    t = fullTree();
  });
  afterEach(() => t.cleanup());

  it('answers a full configuration like the oracle', () => {
    const files = [t.path('cfg/groups.conf')];
    const expected = oracle(files, FULL_QUERIES);
    const got = ours(GroupResolverConfig.load({ groupsConf: files }), FULL_QUERIES);
    expect(got).toEqual(expected);
    // A few answers spelled out, so that a broken oracle cannot hide a regression.
    expect(got[0]).toEqual({ ok: ['local', 'a', 'b', 'racks', 'ysrc', 'rev', 'rev2', 'fail'] });
    expect(got[2]).toEqual({ ok: ['example[32-159]'] });
    expect(got[23]).toEqual({ ok: ['a', t.path('cfg/conf.d')] });
    expect(got[25]).toEqual({ error: 'GroupSourceQueryFailed', message: 'echo oops >&2; exit 3' });
  });

  describe('configuration variants', () => {
    const queries: readonly OracleQuery[] = [['sources'], ['default'], ['map', 'g']];
    let expected: OracleAnswer[][] = [];
    let v: TempTree;
    beforeAll(() => {
      v = tempTree();
      expected = oracleMany(VARIANTS.map((_, i) => ({ files: [writeVariant(v, i)], queries })));
    });
    afterAll(() => v.cleanup());

    it.each(VARIANTS.map((variant, i) => [variant[0], i] as const))(
      'handles %s like the oracle',
      (_name, i) => {
        const file = v.path(`v${i}/groups.conf`);
        const got = ours(GroupResolverConfig.load({ groupsConf: file }), queries);
        const want = expected[i] ?? [];
        // After a config error ClusterShell keeps a half-initialised resolver; we keep the error.
        if ('error' in (want[0] ?? {})) expect(got[0]).toEqual(want[0]);
        else expect(got).toEqual(want);
      },
    );
  });

  it('has no source and no default without any groups.conf', () => {
    const queries: readonly OracleQuery[] = [['sources'], ['default'], ['map', 'g'], ['hasrev']];
    const missing = [t.path('nothing/groups.conf')];
    const expected = oracle(missing, queries);
    const got = ours(GroupResolverConfig.load({ groupsConf: missing }), queries);
    expect(got).toEqual(expected);
    expect(got[2]).toEqual({ error: 'GroupResolverSourceError', message: '<default>' });
  });

  it('names the file and line of syntax errors in confdir files', () => {
    t.write('e/groups.conf', '[Main]\nconfdir: $CFGDIR/c\n');
    const bad = t.write('e/c/bad.conf', '[a]\nmap: x\nwhat is this\n');
    const r = GroupResolverConfig.load({ groupsConf: t.path('e/groups.conf') });
    expect(() => r.sources()).toThrow(GroupResolverConfigError);
    try {
      r.sources();
    } catch (e) {
      expect(e).toMatchObject({ file: bad, line: 3 });
    }
  });

  it('names the file and line of the section of a bad source', () => {
    t.write('s/groups.conf', '[Main]\nconfdir: $CFGDIR/c\n[ok]\nmap: x\n');
    const part = t.write('s/c/a.conf', '# comment\n[good]\nmap: x\n\n[bad]\nlist: y\n');
    const r = GroupResolverConfig.load({ groupsConf: t.path('s/groups.conf') });
    expect(() => r.sources()).toThrow(
      expect.objectContaining({
        message: "No option 'map' in section: 'bad'",
        file: part,
        line: 5,
      }),
    );
    const top = t.write('s2/groups.conf', '[a]\nmap: x\n[a,b]\nmap: y\ncache_time: 1\n');
    expect(() => GroupResolverConfig.load({ groupsConf: top }).sources()).toThrow(
      expect.objectContaining({ message: "GroupSource 'a': name collision", file: top, line: 3 }),
    );
  });

  it('reports a badly quoted confdir', () => {
    const file = t.write('q/groups.conf', '[Main]\nconfdir: "$CFGDIR/open\n[a]\nmap: x\n');
    // ClusterShell lets shlex's ValueError('No closing quotation') escape.
    expect(oracle([file], [['sources']])).toEqual([
      { error: 'GroupResolverConfigValueError', message: 'No closing quotation' },
    ]);
    expect(() => GroupResolverConfig.load({ groupsConf: file }).sources()).toThrow(
      expect.objectContaining({
        name: 'GroupResolverConfigValueError',
        code: 'ERR_GROUPS_CONFIG_VALUE',
        message: 'No closing quotation',
        file,
      }),
    );
  });

  it('reports "Defined confdir X is not a directory" with the normalised path', () => {
    t.write('f/groups.conf', '[Main]\nconfdir: $CFGDIR/./plain//\n');
    t.write('f/plain', 'x');
    const r = GroupResolverConfig.load({ groupsConf: t.path('f/groups.conf') });
    expect(() => r.defaultSource).toThrow(
      `Defined confdir ${t.path('f/plain')} is not a directory`,
    );
  });
});

describe('config search path', () => {
  let t: TempTree;
  beforeEach(() => {
    t = tempTree();
  });
  afterEach(() => t.cleanup());

  it('lists ClusterShell 1.9.1 paths, lowest priority first', () => {
    expect(configPaths('groups.conf', { HOME: '/home/u' })).toEqual([
      '/etc/clustershell/groups.conf',
      '/home/u/.local/etc/clustershell/groups.conf',
      '/home/u/.config/clustershell/groups.conf',
    ]);
    expect(
      configPaths('clush.conf', {
        HOME: '/home/u/',
        XDG_CONFIG_HOME: '/x',
        CLUSTERSHELL_CFGDIR: '/c/',
      }),
    ).toEqual([
      '/etc/clustershell/clush.conf',
      '/home/u/.local/etc/clustershell/clush.conf',
      '/x/clustershell/clush.conf',
      '/c/clush.conf',
    ]);
    // Empty variables count as unset (ClusterShell would build relative paths from them).
    expect(configPaths('g', { HOME: '/h', XDG_CONFIG_HOME: '', CLUSTERSHELL_CFGDIR: '' })).toEqual([
      '/etc/clustershell/g',
      '/h/.local/etc/clustershell/g',
      '/h/.config/clustershell/g',
    ]);
  });

  it('merges every groups.conf, later files winning, $CFGDIR from the last one', () => {
    const home = t.mkdir('home');
    t.write(
      'home/.local/etc/clustershell/groups.conf',
      '[Main]\ndefault: low\n[low]\nmap: echo low $CFGDIR\n[shared]\nmap: echo fromlocal\n',
    );
    t.write(
      'home/.config/clustershell/groups.conf',
      '[mid]\nmap: echo mid\n[shared]\nmap: echo fromxdg\n',
    );
    t.write(
      'cfg/groups.conf',
      '[Main]\ndefault: top\nautodir: $CFGDIR/auto\n[top]\nmap: echo top\n',
    );
    t.write('cfg/auto/s.yaml', 'ysrc:\n  g: n1\n');
    const env = { HOME: home, CLUSTERSHELL_CFGDIR: t.path('cfg') };
    const queries: readonly OracleQuery[] = [
      ['sources'],
      ['default'],
      ['map', 'x', 'shared'],
      ['map', 'x', 'low'],
      ['map', 'g', 'ysrc'],
    ];
    const expected = oracle(null, queries, env);
    const resolver = GroupResolverConfig.load({ env });
    expect(ours(resolver, queries)).toEqual(expected);
    expect(resolver.defaultSource).toBe('top');
    expect(resolver.groupNodes('x', 'shared')).toEqual(['fromxdg']);
    expect(resolver.groupNodes('x', 'low')).toEqual(['low', t.path('cfg')]);
    expect(resolver.configFiles().slice(-3)).toEqual([
      t.path('home/.local/etc/clustershell/groups.conf'),
      t.path('home/.config/clustershell/groups.conf'),
      t.path('cfg/groups.conf'),
    ]);
  });

  it('uses $XDG_CONFIG_HOME instead of ~/.config when it is set', () => {
    const home = t.mkdir('home');
    t.write(
      'home/.config/clustershell/groups.conf',
      '[Main]\ndefault: hidden\n[hidden]\nmap: echo no\n',
    );
    t.write('xdg/clustershell/groups.conf', '[Main]\ndefault: xdg\n[xdg]\nmap: echo $CFGDIR\n');
    const env = { HOME: home, XDG_CONFIG_HOME: t.path('xdg') };
    const queries: readonly OracleQuery[] = [['default'], ['map', 'x'], ['map', 'x', 'hidden']];
    const expected = oracle(null, queries, env);
    const resolver = GroupResolverConfig.load({ env });
    expect(ours(resolver, queries)).toEqual(expected);
    expect(resolver.groupNodes('x')).toEqual([t.path('xdg/clustershell')]);
    expect(() => resolver.groupNodes('x', 'hidden')).toThrow(GroupResolverSourceError);
  });
});
