/**
 * Both remote transports (`ssh`: OpenSSH's client, `ssh2`: in process) on a real OpenSSH fleet
 * (tools/fleet: 128 nodes, each its own 127.77.x.y address), through the same worker API:
 * per-node answers, failures isolated on their node with a typed error, timeouts and aborts that
 * also end the remote command, stdin broadcast, copies and reverse copies checked by checksum on
 * every node, and nothing left behind (processes, sockets).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Engine } from '@cluster-task/engine';
import { type Fleet, startFleet } from '@cluster-task/fleet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CopyProgress,
  closeSsh2Connections,
  type DistantWorkerOptions,
  Ssh2Worker,
  SshAuthError,
  SshConfigError,
  SshConnectError,
  type SshError,
  SshHostKeyError,
  SshSignalError,
  SshTimeoutError,
  SshWorker,
} from '../src/index.js';
import { RecordingHost, recorder } from './fixtures/host.js';

const NODES = 128;
let fleet: Fleet;
let tmp: string;
let config: string;
let silent: Server;
let baselineSockets: number;

/** Distant workers with the failure getters of both transports. */
type RemoteWorker = SshWorker | Ssh2Worker;
type RemoteClass = new (options: DistantWorkerOptions) => RemoteWorker;

function sockets(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n += 1;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/** Child processes of this process that are not the fleet's sshd listeners. */
function strayChildren(): string[] {
  const out: string[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    let text = '';
    try {
      text = readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim();
    } catch {
      continue;
    }
    for (const pid of text === '' ? [] : text.split(/\s+/).map(Number)) {
      if (fleet.pids.includes(pid)) continue;
      try {
        out.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ')}`);
      } catch {
        // gone
      }
    }
  }
  return out;
}

/** Processes of this machine whose command line holds `tag` (the fleet's commands are local). */
function processesWith(tag: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(tag)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

async function until(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function fileSha256(path: string): string {
  return execFileSync('sha256sum', [path]).toString().split(' ')[0] as string;
}

/** `<sha256>  ./relative/path` for each file of a tree, sorted (what `find | sha256sum` prints). */
function treeSums(root: string): string {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(`${sha256(readFileSync(p))}  ./${relative(root, p)}`);
    }
  };
  walk(root);
  return out.sort().join('\n');
}

const TREE_SUMS = 'find . -type f -exec sha256sum {} + | LC_ALL=C sort';

beforeAll(async () => {
  fleet = await startFleet({ nodes: NODES });
  tmp = mkdtempSync(join(tmpdir(), 'ct-sshfleet-'));
  // a port nothing listens on, and a server that accepts and never speaks (banner timeout)
  const dead = await freePort();
  // (it reads, so that it sees the client's EOF and closes its side)
  silent = createServer((sock) => sock.resume());
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const silentPort = (silent.address() as { port: number }).port;
  // a key the fleet does not authorize, and a known_hosts holding another key for one node
  const wrongKey = join(tmp, 'wrong_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
  const otherHostKey = join(tmp, 'other_host_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherHostKey]);
  const changedKh = join(tmp, 'known_hosts_changed');
  const otherPub = readFileSync(`${otherHostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(changedKh, `changedkey1 ${otherPub}\n`);
  // the fleet's configuration, plus the faulty nodes; the fleet key for every host but wrongkey1
  const text = readFileSync(fleet.sshConfig, 'utf8');
  const at = text.search(/^Host \*$/m);
  const nodeBlocks = text.slice(0, at);
  const common = text
    .slice(at)
    .split('\n')
    .filter((l) => !/^\s*IdentityFile\s/i.test(l))
    .join('\n');
  config = join(tmp, 'ssh_config');
  writeFileSync(
    config,
    [
      nodeBlocks,
      `Host dead1\n  HostName 127.0.0.1\n  Port ${dead}\n`,
      `Host silent1\n  HostName 127.0.0.1\n  Port ${silentPort}\n  ConnectTimeout 2\n`,
      `Host wrongkey1\n  HostName ${fleet.addressOf('node2')}\n  IdentityFile ${wrongKey}\n`,
      `Host changedkey1\n  HostName ${fleet.addressOf('node3')}\n  HostKeyAlias changedkey1\n  UserKnownHostsFile ${changedKh}\n`,
      `Host * !wrongkey1\n  IdentityFile ${fleet.identityFile}\n`,
      common,
    ].join('\n'),
  );
  baselineSockets = sockets();
}, 60_000);

afterAll(async () => {
  silent?.close();
  await fleet?.stop();
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

function hostFor(info: Record<string, unknown> = {}): RecordingHost {
  const host = new RecordingHost(new Engine({ fanout: 64 }));
  host.infos.set('ssh_options', `-F ${config}`);
  host.infos.set('connect_timeout', 10);
  for (const [k, v] of Object.entries(info)) host.infos.set(k, v);
  return host;
}

async function runOn(host: RecordingHost, ...workers: RemoteWorker[]): Promise<void> {
  try {
    await host.run(...workers);
  } finally {
    await closeSsh2Connections(host.engine);
  }
}

const TRANSPORTS: readonly [string, RemoteClass][] = [
  ['ssh', SshWorker],
  ['ssh2', Ssh2Worker],
];

describe.each(TRANSPORTS)('%s transport on the fleet', (name, Worker) => {
  it(`${NODES} nodes each answer their own address; each faulty node fails alone, with its typed error`, async () => {
    // no -oConnectTimeout: the configuration gives silent1 2 s (both transports read it)
    const host = hostFor({ connect_timeout: 0 });
    const faulty = ['dead1', 'silent1', 'wrongkey1', 'changedkey1', 'nosuch.invalid'];
    const worker = new Worker({
      nodes: [...faulty, ...fleet.nodes],
      command: 'echo $SSH_CONNECTION',
      stderr: true,
    });
    await runOn(host, worker);
    for (const node of fleet.nodes) {
      const fields = worker.nodeBuffer(node)?.toString().split(' ');
      expect(fields?.[2], node).toBe(fleet.addressOf(node));
      expect(fields?.[3], node).toBe(String(fleet.port));
      expect(worker.nodeRetcode(node), node).toBe(0);
      expect(worker.nodeFailure(node), node).toBeUndefined();
    }
    const failure = (node: string): SshError | undefined => worker.nodeFailure(node);
    for (const node of faulty) {
      expect(worker.nodeRetcode(node), node).toBe(255);
      expect(worker.nodeBuffer(node), node).toBeUndefined();
      expect(worker.nodeError(node)?.toString(), node).not.toBe('');
    }
    expect(failure('dead1')).toBeInstanceOf(SshConnectError);
    expect(failure('dead1')).toMatchObject({ reason: 'refused', node: 'dead1' });
    expect(failure('silent1')).toBeInstanceOf(SshTimeoutError);
    expect(failure('silent1')).toMatchObject({ phase: 'connect' });
    expect(failure('wrongkey1')).toBeInstanceOf(SshAuthError);
    expect(failure('changedkey1')).toBeInstanceOf(SshHostKeyError);
    expect(failure('changedkey1')).toMatchObject({ reason: 'changed' });
    expect(failure('nosuch.invalid')).toBeInstanceOf(SshConnectError);
    expect(failure('nosuch.invalid')).toMatchObject({ reason: 'dns' });
    expect([...worker.iterFailures()].map(([n]) => n).sort()).toEqual([...faulty].sort());
  }, 60_000);

  it('one configuration drives both: -p, -l in ssh_options and ssh_user apply', async () => {
    const dead = await freePort();
    const host = hostFor({ ssh_options: `-F ${config} -p ${dead}` });
    const refused = new Worker({ nodes: 'node[1-2]', command: 'true', stderr: true });
    const host2 = hostFor({ ssh_user: 'nobody' });
    const denied = new Worker({ nodes: 'node[3-4]', command: 'true', stderr: true });
    await runOn(host, refused);
    await runOn(host2, denied);
    for (const node of ['node1', 'node2']) {
      expect(refused.nodeRetcode(node)).toBe(255);
      expect(refused.nodeFailure(node)).toMatchObject({
        code: 'ERR_SSH_CONNECT',
        reason: 'refused',
      });
    }
    for (const node of ['node3', 'node4']) {
      expect(denied.nodeRetcode(node)).toBe(255);
      expect(denied.nodeFailure(node)).toBeInstanceOf(SshAuthError);
    }
    // an option OpenSSH does not know: every node fails with a configuration error, not the run
    const host3 = hostFor({ ssh_options: `-F ${config} -o NoSuchOption=1` });
    const bad = new Worker({ nodes: 'node[5-6]', command: 'true', stderr: true });
    await runOn(host3, bad);
    for (const node of ['node5', 'node6']) {
      expect(bad.nodeRetcode(node)).toBe(255);
      expect(bad.nodeFailure(node)).toBeInstanceOf(SshConfigError);
    }
  }, 30_000);

  it('reports the remote rc, stdout and stderr apart or merged', async () => {
    const host = hostFor();
    const apart = new Worker({
      nodes: 'node[1-4]',
      command: 'echo out; echo err >&2; exit 7',
      stderr: true,
    });
    const merged = new Worker({ nodes: 'node[5-6]', command: 'echo out; echo err >&2' });
    await runOn(host, apart, merged);
    expect(apart.nodeBuffer('node3')?.toString()).toBe('out');
    expect(apart.nodeError('node3')?.toString()).toBe('err');
    expect([...apart.iterRetcodes()]).toEqual([[7, expect.arrayContaining(['node1', 'node4'])]]);
    expect(merged.nodeBuffer('node5')?.toString().split('\n').sort()).toEqual(['err', 'out']);
    expect(merged.nodeRetcode('node6')).toBe(0);
  }, 30_000);

  it('a command timeout ends the remote command too; the other nodes finish', async () => {
    const tag = `ct-timeout-${name}-${process.pid}`;
    const host = hostFor();
    const log: string[] = [];
    const slow = new Worker({
      nodes: 'node[1-8]',
      command: `echo started; sleep 30; echo ${tag}`,
      timeout: 1.5,
      handler: recorder(log),
    });
    const fast = new Worker({ nodes: 'node[9-12]', command: 'echo fine' });
    await runOn(host, slow, fast);
    expect(slow.numTimeout()).toBe(8);
    expect(slow.nodeRetcode('node1')).toBeUndefined();
    expect(slow.nodeBuffer('node1')?.toString()).toBe('started');
    expect(log.filter((l) => l.startsWith('hup'))).toEqual([]);
    expect(log.at(-1)).toBe('close true');
    expect(fast.nodeBuffer('node12')?.toString()).toBe('fine');
    expect(await until(() => processesWith(tag).length === 0)).toBe(true);
  }, 30_000);

  it('abort in the middle of output: no rc, close(false), remote commands gone', async () => {
    const tag = `ct-abort-${name}-${process.pid}`;
    const host = hostFor();
    const log: string[] = [];
    let lines = 0;
    const worker: RemoteWorker = new Worker({
      nodes: 'node[1-8]',
      command: `i=0; while :; do echo ${tag} $i; i=$((i+1)); sleep 0.02; done`,
      handler: {
        ...recorder(log),
        onRead: () => {
          lines += 1;
          if (lines === 80) worker.abort();
        },
      },
    });
    const other = new Worker({ nodes: 'node[9-10]', command: 'sleep 1; echo intact' });
    await runOn(host, worker, other);
    expect(lines).toBeGreaterThanOrEqual(80);
    expect(log.filter((l) => l.startsWith('hup') || l.startsWith('timeout'))).toEqual([]);
    expect(log.at(-1)).toBe('close false');
    expect(other.nodeBuffer('node10')?.toString()).toBe('intact');
    expect(other.nodeRetcode('node9')).toBe(0);
    expect(await until(() => processesWith(tag).length === 0)).toBe(true);
  }, 30_000);

  it('a remote command killed, and sshd dying in the middle: only that node fails', async () => {
    const host = hostFor();
    const killed = new Worker({ nodes: 'node1', command: 'echo before; kill -9 $$', stderr: true });
    const dying = new Worker({
      nodes: 'node2',
      command: 'echo before; sleep 0.3; kill -9 $PPID; sleep 2; echo after',
      stderr: true,
    });
    const busy = new Worker({ nodes: 'node[3-10]', command: 'seq 1 20000 | tail -1; sleep 1' });
    await runOn(host, killed, dying, busy);
    expect(killed.nodeBuffer('node1')?.toString()).toBe('before');
    if (name === 'ssh') {
      // OpenSSH's client exits 255 for a command killed by a signal, without saying why
      expect(killed.nodeRetcode('node1')).toBe(255);
    } else {
      expect(killed.nodeRetcode('node1')).toBe(137);
      expect(killed.nodeFailure('node1')).toBeInstanceOf(SshSignalError);
      expect(killed.nodeFailure('node1')).toMatchObject({ signal: 'SIGKILL' });
    }
    expect(dying.nodeBuffer('node2')?.toString()).toBe('before');
    expect(dying.nodeRetcode('node2')).toBe(255);
    expect(dying.nodeFailure('node2')).toMatchObject({ code: 'ERR_SSH_CONNECT' });
    for (const node of ['node3', 'node10']) {
      expect(busy.nodeBuffer(node)?.toString()).toBe('20000');
      expect(busy.nodeRetcode(node)).toBe(0);
    }
  }, 30_000);

  it('broadcasts stdin to every node (1 MiB, then EOF)', async () => {
    const data = randomBytes(1 << 20);
    const host = hostFor();
    const worker = new Worker({ nodes: 'node[1-32]', command: 'sha256sum' });
    worker.write(data.subarray(0, 1000));
    worker.write(data.subarray(1000));
    worker.setWriteEof();
    await runOn(host, worker);
    const expected = `${sha256(data)}  -`;
    expect([...worker.iterBuffers()].map(([m, nodes]) => [m.toString(), nodes.length])).toEqual([
      [expected, 32],
    ]);
  }, 30_000);

  it('copies a 50 MB file to 4 nodes and back (rcopy to dest/<name>.<node>), checksums equal', async () => {
    const src = join(tmp, `big-${name}.bin`);
    const out = createWriteStream(src);
    for (let i = 0; i < 50; i++) out.write(randomBytes(1 << 20));
    out.end();
    await once(out, 'finish');
    const sum = fileSha256(src);
    const nodes = fleet.nodes.slice(0, 4);
    const host = hostFor();
    const progress = new Map<string, CopyProgress>();
    const push = nodes.map(
      (node) =>
        new Worker({
          nodes: node,
          source: src,
          dest: join(fleet.homeOf(node), 'big.bin'),
          handler: {
            onCopyProgress: (_w: unknown, n: string, p: CopyProgress) => progress.set(n, p),
          },
        } as DistantWorkerOptions),
    );
    await runOn(host, ...push);
    for (const w of push) expect(w.nodeRetcode(w.nodes[0] as string)).toBe(0);
    if (name === 'ssh2') {
      for (const node of nodes) {
        expect(progress.get(node)).toMatchObject({ bytesDone: 50 << 20, bytesTotal: 50 << 20 });
      }
    }
    // checked on each node, through the transport
    const check = new Worker({ nodes, command: 'sha256sum "$HOME/big.bin" | cut -d" " -f1' });
    await runOn(hostFor(), check);
    expect([...check.iterBuffers()].map(([m, n]) => [m.toString(), n.length])).toEqual([[sum, 4]]);
    // and back
    const back = join(tmp, `back-${name}`);
    mkdirSync(back);
    const pull = nodes.map(
      (node) =>
        new Worker({
          nodes: node,
          source: join(fleet.homeOf(node), 'big.bin'),
          dest: back,
          reverse: true,
        }),
    );
    await runOn(hostFor(), ...pull);
    expect(readdirSync(back).sort()).toEqual(nodes.map((n) => `big.bin.${n}`).sort());
    for (const node of nodes) expect(fileSha256(join(back, `big.bin.${node}`))).toBe(sum);
    rmSync(back, { recursive: true });
    rmSync(src);
    for (const node of nodes) rmSync(join(fleet.homeOf(node), 'big.bin'));
  }, 90_000);

  it('copies a directory tree to 16 nodes and back, with preserve; checksums on every node', async () => {
    const src = join(tmp, `tree-${name}`);
    for (let d = 0; d < 4; d++) {
      mkdirSync(join(src, `dir${d}`, 'sub'), { recursive: true });
      for (let f = 0; f < 5; f++) {
        writeFileSync(join(src, `dir${d}`, `f${f}.txt`), `file ${d}/${f}\n`.repeat(f * 100));
        writeFileSync(join(src, `dir${d}`, 'sub', `b${f}.bin`), randomBytes(1000 * (f + 1)));
      }
    }
    writeFileSync(join(src, 'top.txt'), 'top\n');
    const sums = treeSums(src);
    const nodes = fleet.nodes.slice(0, 16);
    const push = nodes.map(
      (node) =>
        new Worker({
          nodes: node,
          source: src,
          dest: join(fleet.homeOf(node), 'tree'),
          preserve: true,
        }),
    );
    await runOn(hostFor(), ...push);
    for (const w of push) expect(w.nodeRetcode(w.nodes[0] as string)).toBe(0);
    const check = new Worker({ nodes, command: `cd "$HOME/tree" && ${TREE_SUMS}` });
    await runOn(hostFor(), check);
    expect([...check.iterBuffers()].map(([m, n]) => [m.toString(), n.length])).toEqual([
      [sums, 16],
    ]);
    const mtime = statSync(join(src, 'dir1', 'f2.txt')).mtimeMs;
    const copied = statSync(join(fleet.homeOf('node5'), 'tree', 'dir1', 'f2.txt')).mtimeMs;
    expect(Math.floor(copied / 1000)).toBe(Math.floor(mtime / 1000));
    const back = join(tmp, `tree-back-${name}`);
    mkdirSync(back);
    const pull = nodes.map(
      (node) =>
        new Worker({
          nodes: node,
          source: join(fleet.homeOf(node), 'tree'),
          dest: back,
          reverse: true,
        }),
    );
    await runOn(hostFor(), ...pull);
    for (const node of nodes) expect(treeSums(join(back, `tree.${node}`)), node).toBe(sums);
    for (const node of nodes) rmSync(join(fleet.homeOf(node), 'tree'), { recursive: true });
    rmSync(back, { recursive: true });
    rmSync(src, { recursive: true });
  }, 90_000);

  it('a copy to a missing directory fails on that node only (rc ≠ 0), the others succeed', async () => {
    const src = join(tmp, `small-${name}`);
    writeFileSync(src, 'small\n');
    const host = hostFor();
    const good = new Worker({
      nodes: 'node1',
      source: src,
      dest: join(fleet.homeOf('node1'), 's'),
    });
    const bad = new Worker({
      nodes: 'node2',
      source: src,
      dest: join(fleet.homeOf('node2'), 'no', 'such', 'dir', 's'),
      stderr: true,
    });
    await runOn(host, good, bad);
    expect(good.nodeRetcode('node1')).toBe(0);
    expect(readFileSync(join(fleet.homeOf('node1'), 's'), 'utf8')).toBe('small\n');
    expect(bad.nodeRetcode('node2')).toBe(1);
    expect(bad.nodeError('node2')?.toString()).toMatch(/^scp: /);
    rmSync(join(fleet.homeOf('node1'), 's'));
  }, 30_000);

  it('a copy that times out is stopped: the node timed out, no rc', async () => {
    const src = join(tmp, `slow-${name}.bin`);
    writeFileSync(src, randomBytes(32 << 20));
    const log: string[] = [];
    const worker = new Worker({
      nodes: 'node1',
      source: src,
      dest: join(fleet.homeOf('node1'), 'slow.bin'),
      timeout: 0.05,
      handler: recorder(log),
    });
    await runOn(hostFor(), worker);
    expect(worker.numTimeout()).toBe(1);
    expect(worker.nodeRetcode('node1')).toBeUndefined();
    expect(log.at(-1)).toBe('close true');
    rmSync(src);
    rmSync(join(fleet.homeOf('node1'), 'slow.bin'), { force: true });
  }, 30_000);

  it('leaves no process and no socket behind', async () => {
    await until(() => strayChildren().length === 0);
    expect(strayChildren()).toEqual([]);
    await until(() => sockets() <= baselineSockets);
    expect(sockets()).toBeLessThanOrEqual(baselineSockets);
  });
});

describe('ssh2 transport: connection reuse', () => {
  it('runs the commands of a task on one connection per node, kept between runs', async () => {
    const host = hostFor();
    const first = new Ssh2Worker({ nodes: 'node[1-16]', command: 'echo $SSH_CONNECTION' });
    await host.run(first);
    const second = new Ssh2Worker({ nodes: 'node[1-16]', command: 'echo $SSH_CONNECTION' });
    await host.run(second);
    // same client port: same TCP connection
    for (const node of ['node1', 'node16']) {
      const a = first.nodeBuffer(node)?.toString().split(' ')[1];
      expect(second.nodeBuffer(node)?.toString().split(' ')[1]).toBe(a);
    }
    await closeSsh2Connections(host.engine);
    const third = new Ssh2Worker({ nodes: 'node1', command: 'echo $SSH_CONNECTION' });
    await runOn(host, third);
    expect(third.nodeBuffer('node1')?.toString().split(' ')[1]).not.toBe(
      first.nodeBuffer('node1')?.toString().split(' ')[1],
    );
    expect(await until(() => sockets() <= baselineSockets)).toBe(true);
  }, 30_000);

  it('with ssh2_persist 0, connections close when the task is idle', async () => {
    const host = hostFor({ ssh2_persist: 0 });
    await host.run(new Ssh2Worker({ nodes: 'node[1-8]', command: 'true' }));
    expect(await until(() => sockets() <= baselineSockets)).toBe(true);
  }, 30_000);
});
