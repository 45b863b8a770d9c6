import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlgorithmSpec,
  applyAlgorithmSpec,
  parseProxyJump,
  parseSshOptions,
  SshConfig,
  SshConfigError,
  type SshHostConfig,
} from '../src/ssh2/index.js';
import { SSH2_ALGORITHMS } from '../src/ssh2/internal/algorithms.js';
import { matchPattern, matchPatternList } from '../src/ssh2/internal/patterns.js';
import { splitConfigArgs, splitKeyword, splitShellWords } from '../src/ssh2/internal/words.js';

const home = userInfo().homedir;
const me = userInfo().username;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-ssh2-config-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function parse(text: string): SshConfig {
  return SshConfig.parse(text, { file: 'test_config' });
}

describe('word splitting', () => {
  it.each([
    ['a b\tc', ['a', 'b', 'c']],
    ['"a b" c', ['a b', 'c']],
    ["'a b'c", ['a bc']],
    ['a\\ b', ['a b']],
    ['a # comment', ['a']],
    ['a#b', ['a#b']],
    ['"x\\"y"', ['x"y']],
    ['\\q', ['\\q']],
  ])('splitConfigArgs(%j)', (input, expected) => {
    expect(splitConfigArgs(input)).toEqual(expected);
  });

  it('refuses an unterminated quote', () => {
    expect(() => splitConfigArgs('"abc')).toThrow(/unterminated/u);
  });

  it.each([
    ['Port 22', { keyword: 'Port', rest: '22' }],
    ['Port=22', { keyword: 'Port', rest: '22' }],
    ['  Port = 22  ', { keyword: 'Port', rest: '22' }],
    ['Port\t=\t22', { keyword: 'Port', rest: '22' }],
    ['HostName =x=y', { keyword: 'HostName', rest: 'x=y' }],
    ['# comment', undefined],
    ['   ', undefined],
  ])('splitKeyword(%j)', (input, expected) => {
    expect(splitKeyword(input)).toEqual(expected);
  });

  it.each([
    ['-p 22 -oX=y', ['-p', '22', '-oX=y']],
    [`-o "ProxyJump a,b" -i '~/k'`, ['-o', 'ProxyJump a,b', '-i', '~/k']],
    ['a\\ b "c\\"d" \'e\\f\'', ['a b', 'c"d', 'e\\f']],
    ['', []],
  ])('splitShellWords(%j) as shlex.split', (input, expected) => {
    expect(splitShellWords(input)).toEqual(expected);
    const py = spawnSync(
      '/usr/bin/python3',
      ['-c', 'import json,shlex,sys; print(json.dumps(shlex.split(sys.argv[1])))', input],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(py.stdout)).toEqual(expected);
  });
});

describe('patterns', () => {
  it.each([
    ['node1', 'node*', true],
    ['node1', 'node?', true],
    ['node12', 'node?', false],
    ['node1', '*1', true],
    ['node1', 'n*d*1', true],
    ['node1', 'NODE*', false],
    ['', '*', true],
    ['abc', 'a*c*', true],
  ])('matchPattern(%j, %j) = %j', (s, p, expected) => {
    expect(matchPattern(s, p)).toBe(expected);
  });

  it('pattern lists: negation wins, host names compare lower-case', () => {
    expect(matchPatternList('node1', 'node*,!node1')).toBe(-1);
    expect(matchPatternList('node2', 'node*,!node1')).toBe(1);
    expect(matchPatternList('other', 'node*,!node1')).toBe(0);
    expect(matchPatternList('NODE2', 'node*', true)).toBe(1);
  });
});

describe('SshConfig', () => {
  it('first obtained value wins; IdentityFile accumulates; Host negation', () => {
    const c = parse(
      [
        'Host node* !node3',
        '  User first',
        '  IdentityFile ~/a',
        'Host *',
        '  User second',
        '  Port 2200',
        '  IdentityFile /b',
        '  identityfile ~/a',
      ].join('\n'),
    );
    const n1 = c.resolve('node1', { env: {} });
    expect(n1).toMatchObject({ user: 'first', port: 2200, hostName: 'node1' });
    expect(n1.identityFiles).toEqual([`${home}/a`, '/b']);
    const n3 = c.resolve('node3', { env: {} });
    expect(n3.user).toBe('second');
    expect(n3.identityFiles).toEqual(['/b', `${home}/a`]);
  });

  it('command-line options win over the files, in command-line order', () => {
    const c = parse('Port 22\nUser cfg\n');
    const cl = parseSshOptions(['-oPort=2222', '-p', '3333', '-l', 'bob', '-o', 'User alice']);
    expect(c.resolve('x', { commandLine: cl, env: {} })).toMatchObject({ port: 2222, user: 'bob' });
  });

  it('HostName %h and %% ; host name lower-cased; tokens in paths', () => {
    const c = parse(
      [
        'Host *',
        '  HostName %h.Example.COM',
        '  IdentityFile %d/k_%h_%p_%r_%u_%n_%%',
        '  UserKnownHostsFile ~/kh_%k %d/kh2',
        '  User ruser',
      ].join('\n'),
    );
    const r = c.resolve('Node7', { env: {}, localUser: 'luser' });
    expect(r.hostName).toBe('node7.example.com');
    expect(r.identityFiles).toEqual([`${home}/k_node7.example.com_22_ruser_luser_Node7_%`]);
    expect(r.userKnownHostsFiles).toEqual([`${home}/kh_Node7`, `${home}/kh2`]);
  });

  it('refuses an unknown %-token and an unknown keyword (unless IgnoreUnknown)', () => {
    expect(() => parse('IdentityFile /k_%z').resolve('x', { env: {} })).toThrow(SshConfigError);
    expect(() => parse('Host *\n  FooBar yes\n').resolve('x')).toThrow(/Bad configuration option/u);
    expect(() => parse('IgnoreUnknown Foo*\nFooBar yes\n').resolve('x')).not.toThrow();
  });

  it('validates values even in inactive blocks, with file and line', () => {
    expect(() => parse('Host nomatch\n  Port 99999\n')).toThrow(/test_config line 2: Bad port/u);
    expect(() => parse('Host x\n  Port\n')).toThrow(/no argument/u);
    expect(() => parse('User a b\n')).toThrow(/extra arguments/u);
  });

  it('StrictHostKeyChecking: ask is yes, off is no; accept-new kept', () => {
    for (const [v, want] of [
      ['ask', 'yes'],
      ['yes', 'yes'],
      ['true', 'yes'],
      ['off', 'no'],
      ['no', 'no'],
      ['accept-new', 'accept-new'],
    ] as const) {
      expect(parse(`StrictHostKeyChecking ${v}`).resolve('x').strictHostKeyChecking).toBe(want);
    }
  });

  it('defaults as OpenSSH', () => {
    const r = parse('').resolve('h', { env: {}, localUser: 'lu' });
    expect(r).toMatchObject({
      user: 'lu',
      port: 22,
      identitiesOnly: false,
      strictHostKeyChecking: 'yes',
      serverAliveInterval: 0,
      serverAliveCountMax: 3,
      batchMode: false,
      connectTimeout: undefined,
      identityAgent: undefined,
      proxyJump: [],
    });
    expect(r.identityFiles[0]).toBe(`${home}/.ssh/id_rsa`);
    expect(r.userKnownHostsFiles).toEqual([
      `${home}/.ssh/known_hosts`,
      `${home}/.ssh/known_hosts2`,
    ]);
  });

  it('IdentityAgent: SSH_AUTH_SOCK by default, none, a path', () => {
    expect(parse('').resolve('h', { env: { SSH_AUTH_SOCK: '/s' } }).identityAgent).toBe('/s');
    expect(
      parse('IdentityAgent none').resolve('h', { env: { SSH_AUTH_SOCK: '/s' } }).identityAgent,
    ).toBeUndefined();
    expect(parse('IdentityAgent ~/a.sock').resolve('h', { env: {} }).identityAgent).toBe(
      `${home}/a.sock`,
    );
  });

  it('Include: globs, relative to ~/.ssh, inactive Host blocks never match inside', () => {
    const fakeHome = join(dir, 'home');
    mkdirSync(join(fakeHome, '.ssh', 'conf.d'), { recursive: true });
    writeFileSync(join(fakeHome, '.ssh', 'conf.d', 'a.conf'), 'Host a\n  Port 1001\n');
    writeFileSync(join(fakeHome, '.ssh', 'conf.d', 'b.conf'), 'Host *\n  User fromb\n');
    writeFileSync(join(fakeHome, '.ssh', 'conf.d', '.hidden.conf'), 'User hidden\n');
    const saved = process.env.HOME;
    process.env.HOME = fakeHome;
    try {
      const c = parse('Include conf.d/*.conf\nHost *\n  Port 22\n  User last\n');
      expect(c.resolve('a', { env: {} })).toMatchObject({ port: 1001, user: 'fromb' });
      expect(c.resolve('z', { env: {} })).toMatchObject({ port: 22, user: 'fromb' });
      const inactive = parse('Host nope\n  Include conf.d/*.conf\nHost *\n  User last\n');
      expect(inactive.resolve('a', { env: {} }).user).toBe('last');
    } finally {
      process.env.HOME = saved;
    }
  });

  it('Match all / host / originalhost / user / localuser; exec unsupported (warning)', () => {
    const c = parse(
      [
        'HostName real.%h',
        'Match host real.a',
        '  Port 1',
        'Match originalhost b',
        '  Port 2',
        'Match user bob localuser lu',
        '  Port 3',
        'Match exec "true"',
        '  Port 4',
        'Match all',
        '  Port 5',
      ].join('\n'),
    );
    expect(c.resolve('a', { localUser: 'lu' }).port).toBe(1);
    expect(c.resolve('b', { localUser: 'lu' }).port).toBe(2);
    expect(
      c.resolve('c', { localUser: 'lu', commandLine: parseSshOptions(['-l', 'bob']) }).port,
    ).toBe(3);
    const d = c.resolve('d', { localUser: 'lu' });
    expect(d.port).toBe(5);
    expect(d.warnings.join()).toMatch(/Match exec is not supported/u);
  });

  it('ProxyJump and ProxyCommand: the first one wins', () => {
    expect(parse('ProxyJump a@b:2,c\nProxyCommand nc %h %p').resolve('x').proxyJump).toEqual([
      { user: 'a', host: 'b', port: 2 },
      { user: undefined, host: 'c', port: undefined },
    ]);
    const pc = parse('ProxyCommand nc %h %p\nProxyJump a').resolve('x');
    expect(pc).toMatchObject({ proxyJump: [], proxyCommand: 'nc %h %p' });
    expect(parse('ProxyJump none\nProxyJump a').resolve('x').proxyJump).toEqual([]);
  });

  it('loads -F, or the user and system files (missing ones skipped)', async () => {
    const f = join(dir, 'cfg');
    writeFileSync(f, 'Host *\n  User fromfile\n');
    expect((await SshConfig.load({ configFile: f })).resolve('x').user).toBe('fromfile');
    await expect(SshConfig.load({ configFile: join(dir, 'missing') })).rejects.toThrow(
      SshConfigError,
    );
    const none = await SshConfig.load({ userConfig: join(dir, 'nope'), systemConfig: null });
    expect(none.files).toEqual([]);
  });
});

describe('parseProxyJump', () => {
  it.each([
    ['h', [{ user: undefined, host: 'h', port: undefined }]],
    ['u@h:2', [{ user: 'u', host: 'h', port: 2 }]],
    ['ssh://u@h:2', [{ user: 'u', host: 'h', port: 2 }]],
    [
      '[::1]:22,u@x@y',
      [
        { user: undefined, host: '::1', port: 22 },
        { user: 'u@x', host: 'y', port: undefined },
      ],
    ],
    ['none', []],
  ])('%j', (input, expected) => {
    expect(parseProxyJump(input)).toEqual(expected);
  });

  it.each(['h:0', 'h:x', '@h', ''])('refuses %j', (input) => {
    expect(() => parseProxyJump(input)).toThrow(SshConfigError);
  });
});

describe('parseSshOptions', () => {
  it('reads ClusterShell ssh_options strings (shlex, ~ expanded per word)', () => {
    const cl = parseSshOptions(
      '-F ~/fleet.conf -oStrictHostKeyChecking=no -o "User bob" -p2222 -i ~/k -qT -J j1,j2 -L 1:h:2',
    );
    expect(cl.configFile).toBe(`${home}/fleet.conf`);
    expect(cl.options.map((o) => [o.keyword, o.args])).toEqual([
      ['stricthostkeychecking', ['no']],
      ['user', ['bob']],
      ['port', ['2222']],
      ['identityfile', [`${home}/k`]],
      ['proxyjump', ['j1,j2']],
    ]);
    expect(cl.ignored).toEqual(['-q', '-T', '-L 1:h:2']);
  });

  it.each([['-o'], ['node1'], ['-Z'], ['-o Include=x'], ['-oPort=0'], ['-p abc']])(
    'refuses %j',
    (input) => {
      expect(() => parseSshOptions(input)).toThrow(SshConfigError);
    },
  );
});

describe('algorithm lists', () => {
  const supported = ['a1', 'a2', 'b1', 'b2', 'c'];
  const defaults = ['a1', 'b1', 'c'];
  it.each<[AlgorithmSpec, string[]]>([
    [{ op: 'set', names: ['b*', 'a1'] }, ['b1', 'b2', 'a1']],
    [{ op: 'append', names: ['a2'] }, ['a1', 'b1', 'c', 'a2']],
    [{ op: 'remove', names: ['b*'] }, ['a1', 'c']],
    [{ op: 'prepend', names: ['c', 'a2'] }, ['c', 'a2', 'a1', 'b1']],
    [{ op: 'set', names: ['zzz'] }, []],
  ])('%j', (spec, expected) => {
    expect(applyAlgorithmSpec(spec, defaults, supported)).toEqual(expected);
  });

  it('our copies of ssh2 1.17 lists match the library', async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const c = require('ssh2/lib/protocol/constants.js') as Record<string, string[]>;
    expect(SSH2_ALGORITHMS.kex.defaults).toEqual(c.DEFAULT_KEX);
    expect([...SSH2_ALGORITHMS.kex.defaults, ...SSH2_ALGORITHMS.kex.extra]).toEqual(
      c.SUPPORTED_KEX,
    );
    expect(SSH2_ALGORITHMS.serverHostKey.defaults).toEqual(c.DEFAULT_SERVER_HOST_KEY);
    expect([
      ...SSH2_ALGORITHMS.serverHostKey.defaults,
      ...SSH2_ALGORITHMS.serverHostKey.extra,
    ]).toEqual(c.SUPPORTED_SERVER_HOST_KEY);
    expect(SSH2_ALGORITHMS.cipher.defaults).toEqual(c.DEFAULT_CIPHER);
    expect([...SSH2_ALGORITHMS.cipher.defaults, ...SSH2_ALGORITHMS.cipher.extra]).toEqual(
      c.SUPPORTED_CIPHER,
    );
    expect(SSH2_ALGORITHMS.hmac.defaults).toEqual(c.DEFAULT_MAC);
    expect([...SSH2_ALGORITHMS.hmac.defaults, ...SSH2_ALGORITHMS.hmac.extra]).toEqual(
      c.SUPPORTED_MAC,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Differential: our resolution against `ssh -G -F file [options] host` (OpenSSH prints the
// resolved configuration) on generated configurations.

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

const sshQuery = (what: string): string[] =>
  execFileSync('ssh', ['-Q', what], { encoding: 'utf8' }).trim().split('\n');

function sshG(file: string, args: readonly string[], host: string): Map<string, string[]> | string {
  const r = spawnSync('ssh', ['-G', '-F', file, ...args, host], { encoding: 'utf8' });
  if (r.status !== 0) return r.stderr;
  const out = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const k = line.slice(0, sp);
    const list = out.get(k) ?? [];
    list.push(line.slice(sp + 1));
    out.set(k, list);
  }
  return out;
}

describe('differential against ssh -G', () => {
  const HOSTS = ['node1', 'node3', 'NODE1', 'web.example', 'bastion'];
  const PATTERNS = [
    '*',
    'node*',
    'node?',
    '!node3',
    'NODE*',
    '*.example',
    'n*1',
    'bastion',
    'web.*',
    'zzz',
  ];
  const supported = {
    kexalgorithms: sshQuery('kex'),
    hostkeyalgorithms: sshQuery('HostKeyAlgorithms'),
    ciphers: sshQuery('cipher'),
    macs: sshQuery('mac'),
  };
  const baseline = sshG('/dev/null', [], 'x') as Map<string, string[]>;
  const defaults = Object.fromEntries(
    Object.keys(supported).map((k) => [k, (baseline.get(k)?.[0] ?? '').split(',')]),
  ) as Record<keyof typeof supported, string[]>;

  function generate(r: () => number, includePath: string): { text: string; args: string[] } {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const kw = (k: string): string =>
      r() < 0.3 ? k.toLowerCase() : r() < 0.1 ? k.toUpperCase() : k;
    const sep = (): string => pick([' ', '=', ' = ', '\t', '  ']);
    const alg = (k: keyof typeof supported): string => {
      const names = supported[k];
      const op = pick(['', '', '+', '-', '^']);
      const list = Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
        const n = pick(names);
        // OpenSSH takes wildcards in removal lists only (and refuses them elsewhere)
        const wild = op === '-' || k === 'hostkeyalgorithms';
        return r() < (wild ? 0.3 : 0.02) ? `${n.slice(0, 6)}*` : n;
      });
      return `${op}${[...new Set(list)].join(',')}`;
    };
    const options: (() => string)[] = [
      () =>
        `${kw('HostName')}${sep()}${pick(['%h.example', 'real-%h', '10.0.0.1', 'Mixed.Case', '%h'])}`,
      () => `${kw('User')}${sep()}${pick(['alice', 'bob', '"carol"'])}`,
      () => `${kw('Port')}${sep()}${pick(['22', '2222', '65535', '1'])}`,
      () => `${kw('IdentityFile')}${sep()}${pick(['~/.ssh/k1', '/k2', '"/k 3"', '~/k4'])}`,
      () => `${kw('IdentitiesOnly')}${sep()}${pick(['yes', 'no', 'true', 'NO'])}`,
      () =>
        `${kw('ProxyJump')}${sep()}${pick(['none', 'j1', 'u@j1:2222', 'j1,u2@j2', 'ssh://u@j3:23'])}`,
      () => `${kw('ConnectTimeout')}${sep()}${pick(['5', '1m', '1m30s', 'none', '0'])}`,
      () =>
        `${kw('StrictHostKeyChecking')}${sep()}${pick(['yes', 'no', 'accept-new', 'ask', 'off', 'true'])}`,
      () =>
        `${kw('UserKnownHostsFile')}${sep()}${pick(['~/kh_%h_%p', '%d/kh_%r %d/kh2_%u', 'none', '/kh_%n_%k_%%', '~/kh_%i_%L_%l'])}`,
      () => `${kw('ServerAliveInterval')}${sep()}${pick(['0', '15', '2m'])}`,
      () => `${kw('ServerAliveCountMax')}${sep()}${pick(['0', '3', '10'])}`,
      () => `${kw('BatchMode')}${sep()}${pick(['yes', 'no'])}`,
      () => `${kw('KexAlgorithms')}${sep()}${alg('kexalgorithms')}`,
      () => `${kw('HostKeyAlgorithms')}${sep()}${alg('hostkeyalgorithms')}`,
      () => `${kw('Ciphers')}${sep()}${alg('ciphers')}`,
      () => `${kw('MACs')}${sep()}${alg('macs')}`,
      () => `${kw('ForwardAgent')} no # a comment`,
      () => `${kw('HostKeyAlias')}${sep()}${pick(['alias1', 'Alias2'])}`,
    ];
    const lines: string[] = [];
    const blocks = 1 + Math.floor(r() * 4);
    for (let b = 0; b < blocks; b++) {
      if (b > 0 || r() < 0.7) {
        if (r() < 0.15) {
          lines.push(
            `Match ${pick(['all', 'host node*', 'originalhost NODE1', 'user alice', 'host !node3,*'])}`,
          );
        } else {
          const pats = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(PATTERNS));
          lines.push(`${kw('Host')} ${pats.join(' ')}`);
        }
      }
      const n = 1 + Math.floor(r() * 6);
      for (let i = 0; i < n; i++) lines.push(`  ${pick(options)()}`);
      if (r() < 0.1) lines.push(`  Include ${includePath}`);
      if (r() < 0.1) lines.push('');
    }
    const args: string[] = [];
    if (r() < 0.3) args.push('-p', pick(['2200', '2201']));
    if (r() < 0.3) args.push('-l', pick(['cli', 'other']));
    if (r() < 0.3)
      args.push(
        '-o',
        pick(['User=ouser', 'Port=2300', 'ConnectTimeout=7', 'StrictHostKeyChecking=accept-new']),
      );
    return { text: `${lines.join('\n')}\n`, args };
  }

  function compare(ours: SshHostConfig, theirs: Map<string, string[]>, tag: string): void {
    const one = (k: string): string => theirs.get(k)?.[0] ?? '';
    const expandTilde = (p: string): string => (p.startsWith('~/') ? `${home}${p.slice(1)}` : p);
    const shk = one('stricthostkeychecking');
    expect(
      {
        hostname: ours.hostName,
        user: ours.user,
        port: String(ours.port),
        identityfile: ours.identityFiles,
        identitiesonly: ours.identitiesOnly ? 'yes' : 'no',
        proxyjump: ours.proxyJump,
        connecttimeout: ours.connectTimeout === undefined ? 'none' : String(ours.connectTimeout),
        stricthostkeychecking: ours.strictHostKeyChecking,
        userknownhostsfile:
          ours.userKnownHostsFiles.length === 0 ? 'none' : ours.userKnownHostsFiles.join(' '),
        serveraliveinterval: String(ours.serverAliveInterval),
        serveralivecountmax: String(ours.serverAliveCountMax),
        batchmode: ours.batchMode ? 'yes' : 'no',
        kexalgorithms: applyAlgorithmSpec(
          ours.kexAlgorithms,
          defaults.kexalgorithms,
          supported.kexalgorithms,
        ).join(','),
        hostkeyalgorithms: applyAlgorithmSpec(
          ours.hostKeyAlgorithms,
          defaults.hostkeyalgorithms,
          supported.hostkeyalgorithms,
        ).join(','),
        ciphers: applyAlgorithmSpec(ours.ciphers, defaults.ciphers, supported.ciphers).join(','),
        macs: applyAlgorithmSpec(ours.macs, defaults.macs, supported.macs).join(','),
      },
      tag,
    ).toEqual({
      hostname: one('hostname'),
      user: one('user'),
      port: one('port'),
      identityfile: (theirs.get('identityfile') ?? []).map(expandTilde),
      identitiesonly: one('identitiesonly'),
      proxyjump: theirs.has('proxyjump') ? parseProxyJump(one('proxyjump')) : [],
      connecttimeout: one('connecttimeout'),
      stricthostkeychecking: shk === 'true' || shk === 'ask' ? 'yes' : shk === 'false' ? 'no' : shk,
      userknownhostsfile: one('userknownhostsfile'),
      serveraliveinterval: one('serveraliveinterval'),
      serveralivecountmax: one('serveralivecountmax'),
      batchmode: one('batchmode'),
      kexalgorithms: one('kexalgorithms'),
      hostkeyalgorithms: one('hostkeyalgorithms'),
      ciphers: one('ciphers'),
      macs: one('macs'),
    });
  }

  it('resolves 240 generated configurations × hosts like OpenSSH 9 (same values, same refusals)', () => {
    const r = rng(20240611);
    const inc = join(dir, 'inc');
    mkdirSync(inc, { recursive: true });
    writeFileSync(join(inc, 'one.conf'), 'Host node*\n  User included\n  Port 2022\n');
    writeFileSync(join(inc, 'two.conf'), 'Host *\n  IdentityFile /inc_key\n');
    let compared = 0;
    let refusedBoth = 0;
    for (let i = 0; i < 240; i++) {
      const { text, args } = generate(r, join(inc, '*.conf'));
      const file = join(dir, `gen_${i}`);
      writeFileSync(file, text, { mode: 0o600 });
      const host = HOSTS[i % HOSTS.length] as string;
      const theirs = sshG(file, args, host);
      const tag = `config #${i} for ${host} ${args.join(' ')}:\n${text}`;
      let ours: SshHostConfig | Error;
      try {
        ours = SshConfig.parse(text, { file }).resolve(host, {
          commandLine: parseSshOptions(args),
          env: { SSH_AUTH_SOCK: undefined },
          localUser: me,
        });
      } catch (e) {
        ours = e as Error;
      }
      if (typeof theirs === 'string') {
        expect(ours, `${tag}\nssh said: ${theirs}`).toBeInstanceOf(SshConfigError);
        refusedBoth++;
        continue;
      }
      if (ours instanceof Error) throw new Error(`${tag}\nwe refused: ${ours.message}`);
      compare(ours, theirs, tag);
      compared++;
    }
    expect(compared).toBeGreaterThan(150);
    expect(refusedBoth + compared).toBe(240);
    expect(hostname()).not.toBe('');
  }, 60_000);
});
