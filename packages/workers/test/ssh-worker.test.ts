import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  getWorkerClass,
  ScpClient,
  Ssh2Worker,
  SshAuthError,
  SshClient,
  SshConnectError,
  SshHostKeyError,
  SshTimeoutError,
  SshWorker,
  workerNames,
} from '../src/index.js';
import { scpArgv, sshArgv } from '../src/internal/ssh-args.js';
import { classifySshFailure, mayBeSshMessage } from '../src/internal/ssh-failure.js';
import { RecordingHost } from './fixtures/host.js';

const ORACLE = new URL('./fixtures/ssh_cmd_oracle.py', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'ct-sshw-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Info = Record<string, string | number>;
type SshCase = { kind: 'ssh'; info: Info; key: string; command: string };
type ScpCase = {
  kind: 'scp';
  info: Info;
  key: string;
  source: string;
  dest: string;
  isdir: boolean;
  preserve: boolean;
  reverse: boolean;
};
type Case = SshCase | ScpCase;

/** ClusterShell's own argv for each case (its SshClient/ScpClient._build_cmd). */
function oracle(cases: readonly Case[]): (string[] | { error: string })[] {
  const r = spawnSync('/usr/bin/python3', [ORACLE], { input: JSON.stringify(cases) });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as (string[] | { error: string })[];
}

function hostWith(info: Info): RecordingHost {
  const host = new RecordingHost();
  for (const [k, v] of Object.entries(info)) host.infos.set(k, v);
  return host;
}

/** A deterministic spread of info settings (paths, quoting, `~`, users, timeouts). */
function infoCases(): Info[] {
  const paths = [undefined, 'ssh', '/usr/bin/ssh -q', '~/bin/my ssh'];
  const options = [
    undefined,
    '',
    '-p 2222',
    '-F "/tmp/my cfg" -oStrictHostKeyChecking=no',
    "-i ~/.ssh/id_x -o 'ProxyJump=gw1,gw2' -l alice",
    '-oBatchMode=no -4',
  ];
  const users = [undefined, 'bob'];
  const timeouts = [undefined, 0, 3, 2.7, -1];
  const out: Info[] = [];
  let i = 0;
  for (const p of paths) {
    for (const o of options) {
      for (const u of users) {
        const t = timeouts[i++ % timeouts.length];
        const info: Info = {};
        if (p !== undefined) info.ssh_path = p;
        if (o !== undefined) info.ssh_options = o;
        if (u !== undefined) info.ssh_user = u;
        if (t !== undefined) info.connect_timeout = t;
        out.push(info);
      }
    }
  }
  return out;
}

describe('command lines, compared with ClusterShell 1.9.1 (differential)', () => {
  it('ssh: the same argv as SshClient._build_cmd for 48 info settings × 2 nodes', () => {
    const cases: SshCase[] = [];
    for (const info of infoCases()) {
      for (const key of ['n1', 'host-7.example']) {
        cases.push({ kind: 'ssh', info, key, command: 'echo "a b" | wc -c; exit 3' });
      }
    }
    const expected = oracle(cases);
    expect(cases.length).toBe(96);
    cases.forEach((c, i) => {
      expect(sshArgv(hostWith(c.info), c.key, c.command)).toEqual(expected[i]);
    });
  });

  it('scp: the same argv as ScpClient._build_cmd (options and user fallbacks, -r, -p, reverse)', () => {
    const cases: ScpCase[] = [];
    const infos: Info[] = [
      {},
      { ssh_options: '-p 2222', ssh_user: 'bob', connect_timeout: 5 },
      { ssh_options: '-p 2222', scp_options: '-P 2200 -q', scp_user: 'carol' },
      { scp_path: '/usr/bin/scp -T', ssh_path: 'ignored', connect_timeout: 1.5 },
      { scp_options: '', ssh_options: '-i ~/.ssh/k', scp_user: '', ssh_user: 'dave' },
    ];
    for (const info of infos) {
      for (const isdir of [false, true]) {
        for (const preserve of [false, true]) {
          for (const reverse of [false, true]) {
            cases.push({
              kind: 'scp',
              info,
              key: 'n3',
              source: '/etc/my file',
              dest: '/tmp/dest',
              isdir,
              preserve,
              reverse,
            });
          }
        }
      }
    }
    const expected = oracle(cases);
    cases.forEach((c, i) => {
      expect(
        scpArgv(hostWith(c.info), {
          node: c.key,
          source: c.source,
          dest: c.dest,
          isDir: c.isdir,
          preserve: c.preserve,
          reverse: c.reverse,
        }),
      ).toEqual(expected[i]);
    });
  });

  it('the running client prints the same debug line as ClusterShell (SSHCLIENT: …)', async () => {
    const info: Info = {
      ssh_path: '/bin/echo',
      ssh_options: '-p 2222',
      ssh_user: 'bob',
      connect_timeout: 3,
      ssh_remote_kill: 0,
    };
    const host = hostWith(info);
    const lines: string[] = [];
    host.infos.set('debug', true);
    host.infos.set('print_debug', (_t: unknown, line: string) => lines.push(line));
    const worker = new SshWorker({ nodes: 'n[1-2]', command: 'uname -a' });
    await host.run(worker);
    const [n1] = oracle([{ kind: 'ssh', info, key: 'n1', command: 'uname -a' }]);
    expect(lines).toContain(`SSHCLIENT: ${(n1 as string[]).join(' ')}`);
    // /bin/echo stands for ssh: its output is the argv after the program
    expect(worker.nodeBuffer('n1')?.toString()).toBe((n1 as string[]).slice(1).join(' '));
    expect(worker.nodeRetcode('n2')).toBe(0);
  });

  it('sends the command as given: no %h/%n replacement, a lone % is fine (as clush -R ssh)', async () => {
    const host = hostWith({ ssh_path: '/bin/echo', ssh_remote_kill: 'no' });
    const worker = new SshWorker({ nodes: 'n[1-2]', command: 'echo %h %n 100%' });
    await host.run(worker);
    expect(worker.clients.map((c) => c.command)).toEqual(['echo %h %n 100%', 'echo %h %n 100%']);
    expect(worker.nodeBuffer('n2')?.toString()).toMatch(/ n2 echo %h %n 100%$/);
    // and %hosts makes a single client keyed by the folded node set, as ClusterShell
    const all = new SshWorker({ nodes: 'n[1-3]', command: 'echo %hosts' });
    expect(all.clients.map((c) => c.key)).toEqual(['n[1-3]']);
  });

  it('prefixes the command with the pid report unless ssh_remote_kill is false', async () => {
    const host = hostWith({ ssh_path: '/bin/echo' });
    const worker = new SshWorker({ nodes: 'n1', command: 'uptime' });
    await host.run(worker);
    expect(worker.nodeBuffer('n1')?.toString()).toMatch(
      /-oBatchMode=yes n1 echo __ct_rpid_[0-9a-f]{12}=\$\$; uptime$/,
    );
  });

  it('copies build scp clients; reverse copies write dest/<name>.<node>', async () => {
    const host = hostWith({ scp_path: '/bin/echo' });
    const worker = new SshWorker({
      nodes: 'n[1-2]',
      source: '/etc/hosts',
      dest: tmp,
      reverse: true,
    });
    expect(worker.clients.every((c) => c instanceof ScpClient)).toBe(true);
    await host.run(worker);
    expect(worker.nodeBuffer('n2')?.toString()).toBe(`-r [n2]:/etc/hosts ${tmp}/hosts.n2`);
  });
});

describe('worker names', () => {
  it("registers 'ssh' and 'ssh2' next to 'exec'", () => {
    expect(workerNames()).toEqual(expect.arrayContaining(['exec', 'ssh', 'ssh2']));
    expect(getWorkerClass('ssh')).toBe(SshWorker);
    expect(getWorkerClass('ssh2')).toBe(Ssh2Worker);
    expect(new SshWorker({ nodes: 'n1', command: 'true' }).clients[0]).toBeInstanceOf(SshClient);
  });
});

describe('OpenSSH messages → typed errors (ssh transport)', () => {
  const cases: readonly [string, readonly string[], string, string][] = [
    [
      'refused',
      ['ssh: connect to host 127.77.0.9 port 2: Connection refused'],
      'SshConnectError',
      'refused',
    ],
    [
      'connect timeout',
      ['ssh: connect to host 10.9.9.9 port 22: Connection timed out'],
      'SshTimeoutError',
      'connect',
    ],
    [
      'banner timeout',
      ['Connection timed out during banner exchange', 'Connection to UNKNOWN port 65535 timed out'],
      'SshTimeoutError',
      'connect',
    ],
    [
      'unknown host name',
      ['ssh: Could not resolve hostname nosuch.invalid: Name or service not known'],
      'SshConnectError',
      'dns',
    ],
    ['auth', ['root@127.77.0.3: Permission denied (publickey).'], 'SshAuthError', 'rejected'],
    [
      'changed host key',
      [
        '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
        '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
        'SHA256:abcdefABCDEF0123456789.',
        'Offending ED25519 key in /tmp/kh:7',
        'Host key verification failed.',
      ],
      'SshHostKeyError',
      'changed',
    ],
    [
      'unknown host key',
      [
        'No ED25519 host key is known for [n1]:22 and you have requested strict checking.',
        'Host key verification failed.',
      ],
      'SshHostKeyError',
      'unknown',
    ],
    ['lost', ['Connection to 127.77.0.4 closed by remote host.'], 'SshConnectError', 'closed'],
    [
      'reset',
      ['kex_exchange_identification: read: Connection reset by peer'],
      'SshConnectError',
      'reset',
    ],
  ];

  it.each(cases)('%s', (_label, lines, name, reason) => {
    for (const l of lines) expect(mayBeSshMessage(Buffer.from(l))).toBe(true);
    const e = classifySshFailure('n1', lines);
    expect(e?.name).toBe(name);
    expect(e?.node).toBe('n1');
    const detail = e as { reason?: string; phase?: string };
    expect(detail.reason ?? detail.phase).toBe(reason);
  });

  it('keeps the details: host key file, line and fingerprint; timeout and auth classes', () => {
    const e = classifySshFailure('n1', cases[5]?.[1] ?? []);
    expect(e).toBeInstanceOf(SshHostKeyError);
    expect(e).toMatchObject({
      file: '/tmp/kh',
      line: 7,
      fingerprint: 'SHA256:abcdefABCDEF0123456789',
    });
    expect(classifySshFailure('n', cases[1]?.[1] ?? [])).toBeInstanceOf(SshTimeoutError);
    expect(classifySshFailure('n', cases[4]?.[1] ?? [])).toBeInstanceOf(SshAuthError);
    expect(classifySshFailure('n', cases[0]?.[1] ?? [])).toBeInstanceOf(SshConnectError);
  });

  it('ignores ordinary output', () => {
    expect(mayBeSshMessage(Buffer.from('127.0.0.1 4242 127.77.0.1 22'))).toBe(false);
    expect(classifySshFailure('n1', ['some output', 'Segmentation fault'])).toBeUndefined();
  });
});
