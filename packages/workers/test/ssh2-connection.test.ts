import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isSshConnectionFailure,
  SshAuthError,
  SshConnectError,
  SshConnection,
  SshHostKeyError,
  SshPool,
} from '../src/ssh2/index.js';
import { freePort, startSshd, type TestSshd } from './fixtures/ssh2/sshd.js';

const execFileP = promisify(execFile);

let sshd: TestSshd;
let options: string[];

beforeAll(async () => {
  sshd = await startSshd();
  options = ['-F', sshd.sshConfig];
}, 30_000);

afterAll(async () => {
  await sshd?.stop();
});

describe('exec on a real OpenSSH sshd', { timeout: 20_000 }, () => {
  it('runs a command and reports its output and exit status', async () => {
    await using conn = await SshConnection.connect('sshd-test', { sshOptions: options });
    const r = await conn.run('echo out; echo err >&2; exit 3');
    expect(r.stdout.toString()).toBe('out\n');
    expect(r.stderr.toString()).toBe('err\n');
    expect(r).toMatchObject({ exitCode: 3, signal: null, rc: 3 });
    const ok = await conn.run('echo $SSH_CONNECTION');
    const fields = ok.stdout.toString().trim().split(' ');
    expect(fields[2]).toBe('127.0.0.1');
    expect(fields[3]).toBe(String(sshd.port));
    expect(ok.rc).toBe(0);
  });

  it('reports a signal as 128 + its number', async () => {
    await using conn = await SshConnection.connect('sshd-test', { sshOptions: options });
    const r = await conn.run('kill -TERM $$');
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGTERM', rc: 143 });
    const k = await conn.run('kill -KILL $$');
    expect(k).toMatchObject({ signal: 'SIGKILL', rc: 137 });
  });

  it('forwards stdin and EOF', async () => {
    await using conn = await SshConnection.connect('sshd-test', { sshOptions: options });
    const r = await conn.run('wc -c; cat >/dev/null; echo done', { stdin: 'x'.repeat(100_000) });
    expect(r.stdout.toString()).toBe('100000\ndone\n');
    const x = await conn.exec('tr a-z A-Z');
    const out: Buffer[] = [];
    x.stdout.on('data', (b: Buffer) => out.push(b));
    x.stderr.resume();
    x.stdin.write('hello ');
    x.stdin.end('world\n');
    expect((await x.done).rc).toBe(0);
    expect(Buffer.concat(out).toString()).toBe('HELLO WORLD\n');
  });

  it('sends environment variables the server accepts', async () => {
    await using conn = await SshConnection.connect('sshd-test', { sshOptions: options });
    const r = await conn.run('echo "$CT_VALUE:$HOME"', { env: { CT_VALUE: 'v1' } });
    expect(r.stdout.toString()).toBe(`v1:${sshd.home}\n`);
  });

  it('aborts a running command: the channel closes, done rejects, the remote side ends', async () => {
    // OpenSSH refuses signal requests for root logins (no post-auth privilege separation), so a
    // command that writes dies of SIGPIPE once its channel is closed
    await using conn = await SshConnection.connect('sshd-test', { sshOptions: options });
    const ac = new AbortController();
    const marker = `ct-abort-${process.pid}-${Date.now()}`;
    const x = await conn.exec(`while :; do echo ${marker}; sleep 0.05; done`, {
      signal: ac.signal,
    });
    x.stderr.resume();
    await new Promise<void>((resolve) => x.stdout.once('data', () => resolve()));
    x.stdout.resume();
    ac.abort();
    await expect(x.done).rejects.toMatchObject({ name: 'AbortError' });
    let left = 'unknown';
    for (let i = 0; i < 40 && left !== ''; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const pattern = `${marker.slice(0, -1)}[${marker.slice(-1)}]`;
      left = (await conn.run(`pgrep -f '${pattern}' || true`)).stdout.toString().trim();
    }
    expect(left).toBe('');
    expect(conn.activeSessions).toBe(0);
  });

  it.each([
    ['ed25519', 'ssh-ed25519'],
    ['ecdsa', 'ecdsa-sha2-nistp256'],
    ['rsa', 'ssh-rsa'],
  ] as const)('authenticates with an %s key file (and only with it)', async (name, type) => {
    await using conn = await SshConnection.connect('sshd-test', {
      sshOptions: ['-F', writeConfig('IdentityFile', sshd.keys[name])],
    });
    expect((await conn.run('true')).rc).toBe(0);
    expect(readFileSync(`${sshd.keys[name]}.pub`, 'utf8')).toContain(type);
  });

  it('an encrypted key without an agent is a clear SshAuthError (no prompt, no hang)', async () => {
    const e = await SshConnection.connect('sshd-test', {
      sshOptions: ['-F', writeConfig('IdentityFile', sshd.keys.encrypted)],
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SshAuthError);
    expect(e).toMatchObject({ code: 'ERR_SSH_AUTH', reason: 'encrypted-key', node: 'sshd-test' });
    expect((e as Error).message).toContain(sshd.keys.encrypted);
    expect((e as Error).message).toContain('encrypted');
  });

  it('tries the other keys when one is encrypted, and names it if all fail', async () => {
    const cfg = writeConfig('IdentityFile', `${sshd.keys.encrypted} ${sshd.keys.unauthorized}`);
    const e = await SshConnection.connect('sshd-test', { sshOptions: ['-F', cfg] }).catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'ERR_SSH_AUTH', reason: 'rejected' });
    expect((e as SshAuthError).skippedKeys).toEqual([sshd.keys.encrypted]);
    expect((e as Error).message).toContain('encrypted');
  });

  it('uses the ssh-agent for an encrypted key', async () => {
    const agentDir = sshd.dir;
    const sock = join(agentDir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50; i++) {
        try {
          readFileSync(sock);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const askpass = join(agentDir, 'askpass.sh');
      writeFileSync(askpass, '#!/bin/sh\necho secret\n', { mode: 0o700 });
      await execFileP('ssh-add', [sshd.keys.encrypted], {
        env: {
          ...process.env,
          SSH_AUTH_SOCK: sock,
          SSH_ASKPASS: askpass,
          SSH_ASKPASS_REQUIRE: 'force',
          DISPLAY: ':0',
        },
      });
      const cfg = writeConfig('IdentityFile', sshd.keys.encrypted, ['IdentityAgent', sock]);
      await using conn = await SshConnection.connect('sshd-test', { sshOptions: ['-F', cfg] });
      expect((await conn.run('echo via-agent')).stdout.toString()).toBe('via-agent\n');
    } finally {
      agent.kill();
    }
  });

  it('refuses a wrong key with SshAuthError', async () => {
    const cfg = writeConfig('IdentityFile', sshd.keys.unauthorized);
    const e = await SshConnection.connect('sshd-test', { sshOptions: ['-F', cfg] }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SshAuthError);
    expect(isSshConnectionFailure(e)).toBe(true);
  });

  it('refuses a changed host key, naming the known_hosts file and line', async () => {
    const kh = join(sshd.dir, 'kh-changed');
    const other = readFileSync(`${sshd.keys.unauthorized}.pub`, 'utf8')
      .split(' ')
      .slice(0, 2)
      .join(' ');
    writeFileSync(kh, `# comment\nother ${other}\n[127.0.0.1]:${sshd.port} ${other}\n`);
    const cfg = writeConfig('UserKnownHostsFile', kh);
    const e = await SshConnection.connect('sshd-test', { sshOptions: ['-F', cfg] }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SshHostKeyError);
    expect(e).toMatchObject({ reason: 'changed', file: kh, line: 3 });
    expect((e as Error).message).toContain(`${kh}:3`);
  });

  it('refuses an unknown host key unless accept-new, which records it', async () => {
    const kh = join(sshd.dir, 'kh-empty');
    writeFileSync(kh, '');
    const strict = writeConfig('UserKnownHostsFile', kh);
    await expect(
      SshConnection.connect('sshd-test', { sshOptions: ['-F', strict] }),
    ).rejects.toMatchObject({ code: 'ERR_SSH_HOST_KEY', reason: 'unknown' });
    const accept = writeConfig('UserKnownHostsFile', kh, ['StrictHostKeyChecking', 'accept-new']);
    const conn = await SshConnection.connect('sshd-test', { sshOptions: ['-F', accept] });
    await conn.close();
    expect(readFileSync(kh, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostKeyEd25519}\n`);
    // OpenSSH itself finds the entry we wrote
    const { stdout } = await execFileP('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', kh]);
    expect(stdout).toContain('ssh-ed25519');
    await using again = await SshConnection.connect('sshd-test', { sshOptions: ['-F', strict] });
    expect(again.closed).toBe(false);
  });

  it('reports a refused port and an unknown host name as SshConnectError', async () => {
    const port = await freePort();
    const refused = await SshConnection.connect('sshd-test', {
      sshOptions: [...options, '-p', String(port)],
    }).catch((x: unknown) => x);
    expect(refused).toBeInstanceOf(SshConnectError);
    expect(refused).toMatchObject({ reason: 'refused', port, host: '127.0.0.1' });
    const dns = await SshConnection.connect('no-such-host.invalid', {
      sshOptions: ['-F', '/dev/null', '-i', sshd.keys.ed25519, '-o', 'IdentityAgent=none'],
    }).catch((x: unknown) => x);
    expect(dns).toMatchObject({ code: 'ERR_SSH_CONNECT', reason: 'dns' });
  });

  it('goes through ProxyJump chains (forwardOut)', async () => {
    const cfg = writeConfig('ProxyJump', 'jump1,jump2');
    await using conn = await SshConnection.connect('sshd-test', { sshOptions: ['-F', cfg] });
    const r = await conn.run('echo $SSH_CONNECTION');
    expect(r.rc).toBe(0);
    // the last hop is sshd itself: the target sees a connection from 127.0.0.1
    expect(r.stdout.toString().split(' ')[0]).toBe('127.0.0.1');
  });
});

describe('SshPool', { timeout: 20_000 }, () => {
  it('reuses one connection per host for many commands, with MaxSessions channels at once', async () => {
    const before = sshd.acceptedLogins();
    await using pool = new SshPool({ sshOptions: options, maxSessions: 10 });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_v, i) => pool.run('sshd-test', `sleep 0.1; echo ${i}`)),
    );
    expect(results.map((r) => r.stdout.toString())).toEqual(
      Array.from({ length: 30 }, (_v, i) => `${i}\n`),
    );
    expect(pool.stats).toMatchObject({ opened: 1, failed: 0, open: 1 });
    const conn = await pool.connect('sshd-test');
    expect(conn.activeSessions).toBe(0);
    await pool.close();
    expect(conn.closed).toBe(true);
    expect(pool.stats.open).toBe(0);
    await expect(pool.run('sshd-test', 'true')).rejects.toMatchObject({ code: 'ERR_SSH_CONNECT' });
    // one TCP connection, one login
    await new Promise((r) => setTimeout(r, 200));
    expect(sshd.acceptedLogins() - before).toBe(1);
  });

  it('a failed node does not affect the others', async () => {
    const port = await freePort();
    await using pool = new SshPool({ sshOptions: options });
    const [good, bad] = await Promise.allSettled([
      pool.run('sshd-test', 'echo ok'),
      pool
        .connect('sshd-test')
        .then(() =>
          SshConnection.connect('sshd-test', { sshOptions: [...options, '-p', String(port)] }),
        ),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
  });
});

let configCount = 0;

/**
 * A copy of the test ssh_config where `keyword` (and the pair in `more`) replace the lines
 * of the same keywords, put first.
 */
function writeConfig(keyword: string, value: string, more: readonly string[] = []): string {
  const path = join(sshd.dir, `ssh_config.${++configCount}`);
  const pairs: [string, string][] = [[keyword, value]];
  if (more.length === 2) pairs.push([more[0] as string, more[1] as string]);
  const drop = new Set(pairs.map(([k]) => k.toLowerCase()));
  const base = readFileSync(sshd.sshConfig, 'utf8')
    .split('\n')
    .filter((l) => !drop.has(l.trim().split(/\s+/u)[0]?.toLowerCase() ?? ''))
    .join('\n');
  writeFileSync(path, `${pairs.map(([k, v]) => `${k} ${v}`).join('\n')}\n${base}`);
  return path;
}
