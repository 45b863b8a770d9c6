import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprint,
  hashHostName,
  KnownHosts,
  keyTypeOf,
  knownHostsName,
  SshHostKeyError,
  verifyHostKey,
} from '../src/ssh2/index.js';
import { startSshd, type TestSshd } from './fixtures/ssh2/sshd.js';

let sshd: TestSshd;
/** The keys the test sshd presents, as ssh-keyscan wrote them. */
let scanned: string;
let hostKey: Buffer;
let otherKey: Buffer;
let otherLine: string;

function blobOf(pubLine: string): Buffer {
  return Buffer.from(pubLine.trim().split(/\s+/u)[1] as string, 'base64');
}

beforeAll(async () => {
  sshd = await startSshd();
  scanned = execFileSync('ssh-keyscan', ['-p', String(sshd.port), '-t', 'ed25519', '127.0.0.1'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  hostKey = blobOf(sshd.hostKeyEd25519);
  otherLine = readFileSync(`${sshd.keys.unauthorized}.pub`, 'utf8');
  otherKey = blobOf(otherLine);
}, 30_000);

afterAll(async () => {
  await sshd?.stop();
});

describe('KnownHosts', { timeout: 20_000 }, () => {
  it('reads what ssh-keyscan writes ([host]:port form)', () => {
    expect(scanned).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 `, 'mu'));
    const kh = KnownHosts.parse(scanned, 'scan');
    expect(kh.entries).toHaveLength(1);
    const name = knownHostsName('127.0.0.1', sshd.port);
    expect(kh.check(name, hostKey)).toMatchObject({ status: 'ok', entry: { line: 1 } });
    expect(kh.check(name, otherKey).status).toBe('changed');
    expect(kh.check('127.0.0.1', hostKey).status).toBe('unknown');
    expect(kh.preferredAlgorithms(name)).toEqual(['ssh-ed25519']);
  });

  it('reads entries hashed by ssh-keygen -H', () => {
    const file = join(sshd.dir, 'kh-hash');
    writeFileSync(file, `${scanned}plainhost,other ${otherLine}`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\|1\|/mu);
    expect(text).not.toContain('127.0.0.1');
    const kh = KnownHosts.parse(text, file);
    expect(kh.check(knownHostsName('127.0.0.1', sshd.port), hostKey).status).toBe('ok');
    expect(kh.check('plainhost', otherKey).status).toBe('ok');
    expect(kh.check('other', otherKey).status).toBe('ok');
    expect(kh.check('nothere', otherKey).status).toBe('unknown');
  });

  it('hashes names as ssh-keygen does (ssh-keygen -F finds our entries)', () => {
    const file = join(sshd.dir, 'kh-ours');
    const name = knownHostsName('127.0.0.1', sshd.port);
    writeFileSync(file, `${hashHostName(name)} ${sshd.hostKeyEd25519}\n`);
    const out = execFileSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' });
    expect(out).toContain('ssh-ed25519');
  });

  it('comma lists, wildcards, negation, case-insensitive names, comments and bad lines', () => {
    const key = sshd.hostKeyEd25519;
    const kh = KnownHosts.parse(
      [
        '# comment',
        '',
        `web*,!web3,DB1 ${key}`,
        `[gw]:2222 ${key} a comment`,
        'garbage line',
        `x ssh-ed25519 not-base64!`,
        `@unknown-marker y ${key}`,
      ].join('\n'),
      'f',
    );
    expect(kh.entries).toHaveLength(2);
    expect(kh.check('web1', hostKey).status).toBe('ok');
    expect(kh.check('WEB2', hostKey).status).toBe('ok');
    expect(kh.check('web3', hostKey).status).toBe('unknown');
    expect(kh.check('db1', hostKey).status).toBe('ok');
    expect(kh.check('[gw]:2222', hostKey)).toMatchObject({ status: 'ok', entry: { line: 4 } });
    expect(kh.check('gw', hostKey).status).toBe('unknown');
  });

  it('@revoked refuses the key; @cert-authority is reported', () => {
    const kh = KnownHosts.parse(
      [
        `@revoked * ${sshd.hostKeyEd25519}`,
        `n1 ${sshd.hostKeyEd25519}`,
        `@cert-authority *.lab ${otherLine.trim()}`,
      ].join('\n'),
      'f',
    );
    expect(kh.check('n1', hostKey)).toMatchObject({ status: 'revoked', entry: { line: 1 } });
    const ca = kh.check('a.lab', otherKey);
    expect(ca.status).toBe('unknown');
    expect(ca.certAuthorities).toHaveLength(1);
  });

  it('loads several files, skipping missing ones', async () => {
    const a = join(sshd.dir, 'kh-a');
    writeFileSync(a, scanned);
    const kh = await KnownHosts.load([join(sshd.dir, 'missing'), a, '/nonexistent/dir/kh']);
    expect(kh.entries.map((e) => e.file)).toEqual([a]);
  });

  it('keyTypeOf and fingerprint agree with ssh-keygen', () => {
    expect(keyTypeOf(hostKey)).toBe('ssh-ed25519');
    const file = join(sshd.dir, 'host.pub');
    writeFileSync(file, `${sshd.hostKeyEd25519}\n`);
    const out = execFileSync('ssh-keygen', ['-l', '-f', file], { encoding: 'utf8' });
    expect(out.split(' ')[1]).toBe(fingerprint(hostKey));
  });
});

describe('verifyHostKey', { timeout: 20_000 }, () => {
  const base = (kh: KnownHosts, file: string) => ({
    knownHosts: kh,
    host: '127.0.0.1',
    port: sshd.port,
    userKnownHostsFile: file,
    node: 'n1',
  });

  it('changed key: refused under yes and accept-new, naming file and line; let through under no', async () => {
    const file = join(sshd.dir, 'kh-changed');
    writeFileSync(file, `# x\n[127.0.0.1]:${sshd.port} ${otherLine}`);
    const kh = await KnownHosts.load([file]);
    for (const strict of ['yes', 'accept-new'] as const) {
      const e = await verifyHostKey(hostKey, { ...base(kh, file), strict }).catch(
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(SshHostKeyError);
      expect(e).toMatchObject({
        reason: 'changed',
        file,
        line: 2,
        node: 'n1',
        fingerprint: fingerprint(hostKey),
      });
      expect((e as Error).message).toContain(`${file}:2`);
    }
    const r = await verifyHostKey(hostKey, { ...base(kh, file), strict: 'no' });
    expect(r).toMatchObject({ status: 'changed', added: false });
    expect(r.warning).toContain(`${file}:2`);
  });

  it('unknown key: refused under yes, appended under accept-new (hashed when asked)', async () => {
    const file = join(sshd.dir, 'sub', 'kh-new');
    const kh = await KnownHosts.load([file]);
    await expect(
      verifyHostKey(hostKey, { ...base(kh, file), strict: 'yes' }),
    ).rejects.toMatchObject({
      reason: 'unknown',
    });
    const r = await verifyHostKey(hostKey, { ...base(kh, file), strict: 'accept-new', hash: true });
    expect(r).toMatchObject({ status: 'unknown', added: true, addedTo: file });
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\|1\|[^ ]+ ssh-ed25519 /u);
    // OpenSSH reads it back
    const name = `[127.0.0.1]:${sshd.port}`;
    expect(execFileSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' })).toContain(
      'ssh-ed25519',
    );
    // and so do we, in memory, at once
    expect(kh.check(name, hostKey).status).toBe('ok');
    // a real ssh accepts the connection with that file under StrictHostKeyChecking yes
    const cfgFile = join(sshd.dir, 'cfg-strict');
    copyFileSync(sshd.sshConfig, cfgFile);
    const out = execFileSync(
      'ssh',
      ['-F', cfgFile, '-o', `UserKnownHostsFile=${file}`, 'sshd-test', 'echo ok'],
      { encoding: 'utf8' },
    );
    expect(out).toBe('ok\n');
  });

  it('revoked key: refused whatever the policy', async () => {
    const file = join(sshd.dir, 'kh-rev');
    writeFileSync(file, `@revoked * ${sshd.hostKeyEd25519}\n`);
    const kh = await KnownHosts.load([file]);
    await expect(verifyHostKey(hostKey, { ...base(kh, file), strict: 'no' })).rejects.toMatchObject(
      {
        reason: 'revoked',
        line: 1,
      },
    );
  });

  it('@cert-authority only: says host certificates are unsupported', async () => {
    const file = join(sshd.dir, 'kh-ca');
    writeFileSync(file, `@cert-authority * ${otherLine}`);
    const kh = await KnownHosts.load([file]);
    const e = await verifyHostKey(hostKey, { ...base(kh, file), strict: 'yes' }).catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ reason: 'unsupported', file, line: 1 });
    expect((e as Error).message).toMatch(/certificates are not supported/u);
  });

  it('HostKeyAlias is looked up without the port', async () => {
    const kh = KnownHosts.parse(`fleet ${sshd.hostKeyEd25519}\n`, 'f');
    const r = await verifyHostKey(hostKey, {
      ...base(kh, join(sshd.dir, 'unused')),
      hostKeyAlias: 'fleet',
      strict: 'yes',
    });
    expect(r.status).toBe('ok');
  });
});
