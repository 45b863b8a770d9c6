/**
 * Differential tests of nodeset's group options (`-s`, `--groupsconf`, `-l`, `-L`, `-r`, `-a`,
 * `-G`, `--list-sources`, `@` operands) and of the group error messages. The configuration is
 * test/fixtures/groups (through CLUSTERSHELL_CFGDIR, on top of /etc/clustershell, for
 * ClusterShell and for us alike), or small broken configurations written to temp directories.
 */

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { baseEnv, type Case, label, oracleBatch, ours } from './harness.js';

const CFGDIR = fileURLToPath(new URL('./fixtures/groups', import.meta.url));

const CASES: readonly Case[] = [
  // sources
  { args: ['--list-sources'] },
  { args: ['--groupsources'] },
  { args: ['-q', '--list-sources'] },
  { args: ['-d', '--list-sources'] },
  { args: ['-s', 'rack', '--list-sources'] },
  { args: ['-s', 'nosuch', '--list-sources'] },
  // listing one source
  { args: ['-l'] },
  { args: ['-ll'] },
  { args: ['-lll'] },
  { args: ['-llll'] },
  { args: ['--list'] },
  { args: ['-l', '-'], stdin: '' },
  { args: ['-l', '-s', 'yml'] },
  { args: ['-ll', '-s', 'yml'] },
  { args: ['-ll', '-G', '-s', 'yml'] },
  { args: ['-lll', '-s', 'ext'] },
  { args: ['-l', 'n1'] },
  { args: ['-ll', 'n[1-2]'] },
  { args: ['-lll', 'n[1-2]', 'n9'] },
  { args: ['-lll', '-s', 'yml', 'c[8-10]'] },
  { args: ['-lll', '-G', '-s', 'yml', 'c[8-10]'] },
  { args: ['-l', '-s', 'ext', 'x3'] },
  { args: ['-l', '-a'] },
  { args: ['-ll', '-s', 'yml', '-a'] },
  { args: ['-l', '-x', 'n1'] },
  { args: ['-l', 'n[1-4]', '-x', 'n1'] },
  { args: ['-l', '-'], stdin: 'n5 n6\n' },
  { args: ['-l', '-s', 'nolist'] },
  { args: ['-l', '-s', 'nolist', 'z1'] },
  { args: ['-l', '-s', 'broken'] },
  { args: ['-l', '-s', 'broken', 'x1'] },
  { args: ['-l', '-s', 'illegal'] },
  { args: ['-l', '-s', 'nosuch'] },
  // listing every source
  { args: ['-L'] },
  { args: ['-LL'] },
  { args: ['-LLL'] },
  { args: ['--list-all'] },
  { args: ['-LG'] },
  { args: ['-L', 'x3'] },
  { args: ['-LG', 'x3'] },
  { args: ['-L', '-s', 'yml'] },
  { args: ['-L', '-s', 'yml', 'c1'] },
  { args: ['-LL', '-s', 'yml', '-G'] },
  // regroup
  { args: ['-r', 'n[1-8]'] },
  { args: ['-r', 'n[1-12]'] },
  { args: ['-r', 'n[1-12]', 'm1'] },
  { args: ['-r', '-s', 'yml', 'c[1-10],login1'] },
  { args: ['-r', '-G', '-s', 'yml', 'c[1-10],login1'] },
  { args: ['-r', '-s', 'ext', 'x[1-6]'] },
  { args: ['-r', '-s', 'nolist', 'z[1-3]'] },
  { args: ['-r', '-O', '<%s>', 'n[1-8]'] },
  { args: ['-r', '--split', '2', 'n[1-8]'] },
  { args: ['-r', '-s', 'broken', 'x1'] },
  // all nodes
  { args: ['-a', '-c'] },
  { args: ['-a', '-f'] },
  { args: ['-a', '-f', '-s', 'yml'] },
  { args: ['-a', '-c', '-s', 'ext'] },
  { args: ['-a', '-f', '-x', 'n[2-11]'] },
  { args: ['-a', '-f', 'm1'] },
  { args: ['-a', '-c', '-s', 'nolist'] },
  { args: ['-a', '-c', '-s', 'broken'] },
  { args: ['--autostep=3', '-a', '-f', '-s', 'yml'] },
  // group operands
  { args: ['-f', '@r1'] },
  { args: ['-f', '@r[1-2]'] },
  { args: ['-f', '@rack:r3', '@yml:gpu'] },
  { args: ['-f', '-s', 'yml', '@gpu,@login'] },
  { args: ['-e', '@yml:login'] },
  { args: ['-c', '@yml:compute!@yml:gpu'] },
  { args: ['-f', '@ext:a&@ext:b'] },
  { args: ['-f', '@nosuchgroup'] },
  { args: ['-f', '@nosuch:io'] },
  { args: ['-f', '@@rack'] },
  { args: ['-f', '@@yml'] },
  { args: ['-f', '@@nosuch'] },
  { args: ['-f', '@@nolist'] },
  { args: ['-f', '@@broken'] },
  { args: ['-f', '@*'] },
  { args: ['-f', '@yml:*'] },
  { args: ['-f', '@nolist:*'] },
  { args: ['-f', '@broken:a'] },
  { args: ['-f', '@broken:*'] },
  { args: ['-f', '-s', 'yml', '@'] },
  { args: ['-c', '-s', 'yml', '@yml:'] },
  { args: ['-f', '-s', 'nosuch', 'n1'] },
  { args: ['-f'], stdin: '@r1 @yml:gpu # @r2\n' },
  { args: ['-f', 'n[1-12]', '-x', '@r2', '-i', '@yml:all'] },
  { args: ['-f', '-x', '@r2', 'n[1-12]'] },
  { args: ['-f', '--groupsconf', join(CFGDIR, 'groups.conf'), '@r1'] },
  { args: ['--groupsconf', join(CFGDIR, 'groups.conf'), '--list-sources'] },
  { args: ['--groupsconf', '/nonexistent/groups.conf', '--list-sources'] },
  { args: ['--groupsconf', '/nonexistent/groups.conf', '-f', '@r1'] },
  { args: ['--groupsconf', '/nonexistent/groups.conf', '-f', 'n1'] },
  { args: ['--groupsconf', '/nonexistent/groups.conf', '-l'] },
  { args: ['--groupsconf=', '-f', '@r1'] },
  { prog: 'cluset', args: ['-f', '@nosuch:x'] },
  { prog: 'cluset', args: ['-l', '-s', 'nolist'] },
];

const ENV = baseEnv({ CLUSTERSHELL_CFGDIR: CFGDIR });
const EXPECTED = oracleBatch(CASES, ENV);

describe('group options match ClusterShell 1.9.1', () => {
  it.each(CASES.map((c, i) => [label(c), c, i] as const))('%s', async (_name, c, i) => {
    expect(await ours(c, ENV)).toEqual(EXPECTED[i]);
  });
});

/** Broken configurations: each one gets its own CLUSTERSHELL_CFGDIR. */
const BROKEN: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'unknown default source': {
    'groups.conf': '[Main]\ndefault: nosuch\n[a]\nmap: echo x1\n',
  },
  'source without map': {
    'groups.conf': '[Main]\ndefault: a\n[a]\nlist: echo x1\n',
  },
  'no section header': { 'groups.conf': 'default: a\n' },
  'parsing errors': { 'groups.conf': '[Main]\ndefault: a\n[a]\nmap: echo x1\nbad line\n' },
  'duplicate section': {
    'groups.conf': '[Main]\ndefault: a\n[a]\nmap: echo x\n[a]\nmap: echo y\n',
  },
  'bad cache_time': {
    'groups.conf': '[Main]\ndefault: a\n[a]\nmap: echo x\ncache_time: abc\n',
  },
  'confdir is a file': {
    'groups.conf': '[Main]\ndefault: a\nconfdir: /etc/passwd\n[a]\nmap: echo x1\n',
  },
  'default without list upcall': {
    'groups.conf': '[Main]\ndefault: a\n[a]\nmap: echo x1\n',
  },
};

const BROKEN_CASES: readonly Case[] = [
  { args: ['-f', 'n1'] },
  { args: ['-f', '@x'] },
  { args: ['--list-sources'] },
  { args: ['-l'] },
  { args: ['-L'] },
  { args: ['-s', 'a', '-f', 'n1'] },
];

describe('configuration errors match ClusterShell 1.9.1', () => {
  for (const [name, files] of Object.entries(BROKEN)) {
    const dir = mkdtempSync(join(tmpdir(), 'cli-groups-'));
    mkdirSync(join(dir, 'groups.d'));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    const env = baseEnv({ CLUSTERSHELL_CFGDIR: dir });
    const expected = oracleBatch(BROKEN_CASES, env);
    describe(name, () => {
      it.each(BROKEN_CASES.map((c, i) => [label(c), c, i] as const))('%s', async (_n, c, i) => {
        expect(await ours(c, env)).toEqual(expected[i]);
      });
    });
  }
});
