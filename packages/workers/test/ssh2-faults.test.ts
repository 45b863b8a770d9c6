/**
 * Fault injection with in-process servers on 127.0.0.1:0: a server that stalls, drops
 * mid-stream, rejects authentication, presents a changed host key, refuses channels.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isSshConnectionFailure,
  SshAuthError,
  SshChannelError,
  SshConnectError,
  SshConnection,
  SshHostKeyError,
  SshPool,
  SshTimeoutError,
} from '../src/ssh2/index.js';

const { Server } = ssh2;

let dir: string;
let clientKeyPath: string;
// keys come from ssh-keygen: ssh2's own generateKeyPairSync now and then writes an ed25519 key
// that its parser then refuses ("Malformed OpenSSH private key")
let hostKey: { private: string; public: string };
let otherHostKey: { private: string; public: string };

function keygen(path: string): { private: string; public: string } {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path]);
  return {
    private: readFileSync(path, 'utf8'),
    public: readFileSync(`${path}.pub`, 'utf8').trim(),
  };
}
const servers: NetServer[] = [];

type Behaviour = {
  readonly auth?: 'accept' | 'reject' | 'stall';
  readonly hostKey?: string;
  readonly onExec?: (
    command: string,
    channel: import('ssh2').ServerChannel,
    socket: Socket,
    signals: string[],
  ) => void;
  readonly refuseSessions?: boolean;
};

/** Starts an ssh2 server on 127.0.0.1:0 with the given behaviour; returns its port. */
async function fakeServer(
  b: Behaviour,
): Promise<{ port: number; signals: string[]; sockets: Socket[] }> {
  const signals: string[] = [];
  const sockets: Socket[] = [];
  const ssh = new Server({ hostKeys: [b.hostKey ?? hostKey.private] }, (client) => {
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      if (b.auth === 'stall') return;
      if (b.auth === 'reject' || ctx.method !== 'publickey') ctx.reject(['publickey']);
      else ctx.accept();
    });
    client.on('session', (accept, reject) => {
      if (b.refuseSessions === true) {
        reject();
        return;
      }
      const session = accept();
      session.on('signal', (_a, _r, info) => signals.push(info.name));
      session.on('exec', (acceptExec, _rejectExec, info) => {
        const channel = acceptExec();
        b.onExec?.(info.command, channel, sockets.at(-1) as Socket, signals);
      });
    });
  });
  const net = createServer((sock) => {
    sockets.push(sock);
    sock.on('error', () => {});
    ssh.injectSocket(sock);
  });
  servers.push(net);
  await new Promise<void>((resolve) => net.listen(0, '127.0.0.1', resolve));
  const addr = net.address();
  return { port: typeof addr === 'object' && addr !== null ? addr.port : 0, signals, sockets };
}

/** An ssh_config naming the fake server `fault`, knowing `hostKey` as its key. */
function configFor(port: number, extra: string[] = []): string {
  const kh = join(dir, `kh-${port}`);
  writeFileSync(kh, `[127.0.0.1]:${port} ${hostKey.public}\n`);
  const path = join(dir, `cfg-${port}-${extra.length}`);
  writeFileSync(
    path,
    [
      ...extra,
      'Host fault*',
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      '  User tester',
      `  IdentityFile ${clientKeyPath}`,
      '  IdentityAgent none',
      `  UserKnownHostsFile ${kh}`,
      '  StrictHostKeyChecking yes',
      '  ConnectTimeout 2',
      '',
    ].join('\n'),
  );
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-ssh2-faults-'));
  clientKeyPath = join(dir, 'id_ed25519');
  keygen(clientKeyPath);
  hostKey = keygen(join(dir, 'host_a'));
  otherHostKey = keygen(join(dir, 'host_b'));
});

afterAll(async () => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fault injection', { timeout: 20_000 }, () => {
  it('a server that never speaks: SshTimeoutError after ConnectTimeout', async () => {
    const silent = createServer((sock) => sock.on('error', () => {}));
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const addr = silent.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    const e = await SshConnection.connect('fault', {
      sshOptions: ['-F', configFor(port), '-o', 'ConnectTimeout=1'],
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SshTimeoutError);
    expect(e).toMatchObject({ phase: 'connect', timeoutMs: 1000, node: 'fault', port });
    expect(isSshConnectionFailure(e)).toBe(true);
  });

  it('an AbortSignal abandons a connection attempt and a pool wait', async () => {
    const { port } = await fakeServer({ auth: 'stall' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(
      SshConnection.connect('fault', { sshOptions: ['-F', configFor(port)], signal: ac.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    await using pool = new SshPool({ sshOptions: ['-F', configFor(port)] });
    await expect(
      pool.run('fault', 'true', { signal: AbortSignal.abort(new Error('stop')) }),
    ).rejects.toThrow('stop');
  });

  it('a server that stalls in authentication: SshTimeoutError', async () => {
    const { port } = await fakeServer({ auth: 'stall' });
    await expect(
      SshConnection.connect('fault', { sshOptions: ['-F', configFor(port), '-oConnectTimeout=1'] }),
    ).rejects.toBeInstanceOf(SshTimeoutError);
  });

  it('a server that rejects authentication: SshAuthError', async () => {
    const { port } = await fakeServer({ auth: 'reject' });
    const e = await SshConnection.connect('fault', { sshOptions: ['-F', configFor(port)] }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SshAuthError);
    expect(e).toMatchObject({ code: 'ERR_SSH_AUTH', reason: 'rejected', node: 'fault' });
  });

  it('a server presenting another host key: SshHostKeyError (changed)', async () => {
    const { port } = await fakeServer({ hostKey: otherHostKey.private });
    const e = await SshConnection.connect('fault', { sshOptions: ['-F', configFor(port)] }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SshHostKeyError);
    expect(e).toMatchObject({ reason: 'changed', line: 1, port });
  });

  it('a connection dropped mid-stream fails that exec only', async () => {
    let dropSocket: Socket | undefined;
    const dropping = await fakeServer({
      onExec: (_cmd, channel, socket) => {
        channel.write('partial output\n');
        dropSocket = socket;
      },
    });
    const healthy = await fakeServer({
      onExec: (cmd, channel) => {
        channel.write(`ran ${cmd}\n`);
        setTimeout(() => {
          channel.exit(0);
          channel.end();
        }, 200);
      },
    });
    await using a = await SshConnection.connect('fault', {
      sshOptions: ['-F', configFor(dropping.port)],
    });
    await using b = await SshConnection.connect('fault', {
      sshOptions: ['-F', configFor(healthy.port)],
    });
    const xa = await a.exec('long');
    xa.stderr.resume();
    const first = await new Promise<string>((resolve) =>
      xa.stdout.once('data', (d: Buffer) => resolve(d.toString())),
    );
    xa.stdout.resume();
    expect(first).toBe('partial output\n');
    const rb = b.run('long');
    dropSocket?.destroy();
    const err = await xa.done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshConnectError);
    expect(err).toMatchObject({ node: 'fault', port: dropping.port });
    expect((err as Error).message).toMatch(/while running "long"/u);
    const okb = await rb;
    expect(okb).toMatchObject({ rc: 0 });
    expect(okb.stdout.toString()).toBe('ran long\n');
    expect(a.closed).toBe(true);
    expect(b.closed).toBe(false);
  });

  it('a server that stops answering: the keepalive fails the connection (SshTimeoutError)', async () => {
    const server = await fakeServer({
      onExec: (_cmd, channel, socket) => {
        channel.write('started\n');
        setTimeout(() => socket.pause(), 20);
      },
    });
    await using conn = await SshConnection.connect('fault', {
      sshOptions: [
        '-F',
        configFor(server.port),
        '-o',
        'ServerAliveInterval=1',
        '-o',
        'ServerAliveCountMax=1',
      ],
    });
    expect(conn.config).toMatchObject({ serverAliveInterval: 1, serverAliveCountMax: 1 });
    const e = await conn.run('hang').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SshTimeoutError);
    expect(e).toMatchObject({ phase: 'keepalive', node: 'fault' });
    expect(conn.closed).toBe(true);
  });

  it('exit signals and core dumps from the server; kill() sends a signal request', async () => {
    const server = await fakeServer({
      onExec: (cmd, channel, _socket, signals) => {
        if (cmd === 'segv') {
          channel.exit('SEGV', true, 'boom');
          channel.end();
          return;
        }
        const timer = setInterval(() => {
          if (signals.includes('INT')) {
            clearInterval(timer);
            channel.exit('INT');
            channel.end();
          }
        }, 10);
      },
    });
    await using conn = await SshConnection.connect('fault', {
      sshOptions: ['-F', configFor(server.port)],
    });
    expect(await conn.run('segv')).toMatchObject({ signal: 'SIGSEGV', coreDumped: true, rc: 139 });
    const x = await conn.exec('wait');
    x.stdout.resume();
    x.stderr.resume();
    x.kill('INT');
    expect(await x.done).toMatchObject({ signal: 'SIGINT', rc: 130 });
    expect(server.signals).toEqual(['INT']);
  });

  it('a server refusing sessions: SshChannelError, the connection stays up', async () => {
    const { port } = await fakeServer({ refuseSessions: true });
    await using conn = await SshConnection.connect('fault', {
      sshOptions: ['-F', configFor(port)],
    });
    await expect(conn.run('x')).rejects.toBeInstanceOf(SshChannelError);
    expect(conn.closed).toBe(false);
    expect(conn.activeSessions).toBe(0);
  });

  it('a pool reports each node on its own: refused, timed out, fine', async () => {
    const ok = await fakeServer({
      onExec: (_c, channel) => {
        channel.exit(0);
        channel.end();
      },
    });
    const stalled = await fakeServer({ auth: 'stall' });
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadAddr = dead.address();
    const deadPort = typeof deadAddr === 'object' && deadAddr !== null ? deadAddr.port : 0;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const cfg = join(dir, 'pool-cfg');
    const kh = join(dir, 'pool-kh');
    writeFileSync(
      kh,
      [ok.port, stalled.port].map((p) => `[127.0.0.1]:${p} ${hostKey.public}`).join('\n'),
    );
    writeFileSync(
      cfg,
      [
        `Host fault-ok\n  Port ${ok.port}`,
        `Host fault-stalled\n  Port ${stalled.port}`,
        `Host fault-dead\n  Port ${deadPort}`,
        'Host *',
        '  HostName 127.0.0.1',
        `  IdentityFile ${clientKeyPath}`,
        '  IdentityAgent none',
        `  UserKnownHostsFile ${kh}`,
        '  ConnectTimeout 1',
        '',
      ].join('\n'),
    );
    await using pool = new SshPool({ sshOptions: ['-F', cfg] });
    const results = await Promise.allSettled(
      ['fault-ok', 'fault-stalled', 'fault-dead'].map((n) => pool.run(n, 'true')),
    );
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { rc: 0 } });
    expect(results[1]).toMatchObject({
      status: 'rejected',
      reason: { code: 'ERR_SSH_TIMEOUT', node: 'fault-stalled' },
    });
    expect(results[2]).toMatchObject({
      status: 'rejected',
      reason: { code: 'ERR_SSH_CONNECT', reason: 'refused', node: 'fault-dead' },
    });
    expect(pool.stats).toMatchObject({ opened: 1, failed: 2, open: 1 });
  });
});
