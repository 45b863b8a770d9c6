import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetError, fleetStatus, openFleet, startFleet, stopFleet } from '../src/index.js';
import { main } from '../src/internal/cli-main.js';
import { isRunning } from '../src/internal/proc.js';
import { ssh } from './run-ssh.js';

const base = mkdtempSync(join(tmpdir(), 'fleet-test-'));
afterAll(async () => {
  // a failed test may leave a detached fleet behind: stop them before removing their directories
  for (const name of readdirSync(base)) await stopFleet(join(base, name));
  rmSync(base, { recursive: true, force: true });
});

/** Runs the CLI's main and captures what it prints. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

describe('a fleet in a shared directory', () => {
  it('is attached to (same pids) by a second start with the same settings', async () => {
    const dir = join(base, 'attach');
    const first = await startFleet({ nodes: 20, dir });
    const firstPids = first.pids; // a snapshot: `pids` always reads the directory's current fleet
    const second = await startFleet({ nodes: 20, dir });
    expect(second.pids).toEqual(first.pids);
    expect(second.port).toBe(first.port);
    expect(openFleet(dir).pids).toEqual(first.pids);
    // two instances: 16 + 4 nodes
    expect(first.pids).toHaveLength(2);
    const r = await ssh(second.sshOptions, 'node20', 'echo $SSH_CONNECTION');
    expect(r.stdout.split(' ')[2]).toBe('127.77.0.20');
    // other settings replace the fleet
    const third = await startFleet({ nodes: 4, dir });
    expect(third.pids).toHaveLength(1);
    for (const pid of firstPids) expect(isRunning(pid)).toBe(false);
    await third.stop();
    await second.stop(); // already stopped: no-op
    expect(await stopFleet(dir)).toBe(false);
  });

  it('recovers from a crashed run: dead listeners and stale pid files are replaced', async () => {
    const dir = join(base, 'crash');
    const first = await startFleet({ nodes: 8, dir });
    const firstPids = first.pids;
    const [pid] = firstPids;
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGKILL');
    while (isRunning(pid as number)) await new Promise((r) => setTimeout(r, 10));
    expect(fleetStatus(dir)?.running).toBe(false);
    await using again = await startFleet({ nodes: 8, dir });
    expect(again.pids).not.toEqual(firstPids);
    expect(fleetStatus(dir)?.running).toBe(true);
    const r = await ssh(again.sshOptions, 'node8', 'echo $SSH_CONNECTION');
    expect(r.code).toBe(0);
  });

  it('never kills a process whose pid a stale state file names but that is not its sshd', async () => {
    const dir = join(base, 'reused-pid');
    const fleet = await startFleet({ nodes: 2, dir });
    const state = JSON.parse(readFileSync(join(dir, 'fleet.json'), 'utf8')) as {
      instances: Array<{ pid: number }>;
    };
    const real = state.instances[0]?.pid as number;
    // pretend a crash left our own pid (a live non-sshd process) in the state file
    for (const inst of state.instances) inst.pid = process.pid;
    writeFileSync(join(dir, 'fleet.json'), JSON.stringify(state));
    process.kill(real, 'SIGKILL');
    await using again = await startFleet({ nodes: 2, dir });
    expect(isRunning(process.pid)).toBe(true);
    expect((await ssh(again.sshOptions, 'node2', 'true')).code).toBe(0);
    expect(fleet.dir).toBe(again.dir);
  });

  it('refuses a directory that holds other files, and leaves them alone', async () => {
    const dir = join(base, 'foreign');
    mkdirSync(dir);
    writeFileSync(join(dir, 'precious.txt'), 'keep me');
    await expect(startFleet({ nodes: 1, dir })).rejects.toMatchObject({ code: 'ERR_FLEET_DIR' });
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
  });
});

describe('options', () => {
  it.each([
    [{ nodes: 0 }],
    [{ nodes: 1.5 }],
    [{ nodes: 70_000 }],
    [{ nodes: 1, port: 0 }],
    [{ nodes: 1, nodesPerSshd: 17 }],
  ])('rejects %j', async (options) => {
    await expect(startFleet(options)).rejects.toBeInstanceOf(FleetError);
    await expect(startFleet(options)).rejects.toMatchObject({ code: 'ERR_FLEET_OPTION' });
  });

  it('rejects a port already taken on the fleet addresses', async () => {
    await using one = await startFleet({ nodes: 1 });
    await expect(startFleet({ nodes: 1, port: one.port })).rejects.toMatchObject({
      code: 'ERR_FLEET_PORT_IN_USE',
    });
  });

  it('names only its own nodes', async () => {
    await using fleet = await startFleet({ nodes: 3 });
    expect(() => fleet.addressOf('node4')).toThrow(
      expect.objectContaining({ code: 'ERR_FLEET_UNKNOWN_NODE' }),
    );
    expect(() => fleet.addressOf('node01')).toThrow(FleetError);
    expect(fleet.addressOf('node3')).toBe('127.77.0.3');
  });
});

describe('the CLI', () => {
  it('starts, reports, exports and stops a fleet', async () => {
    const dir = join(base, 'cli');
    const start = await cli('start', '--nodes', '17', '--dir', dir);
    expect(start.code).toBe(0);
    expect(start.out).toMatch(
      /^fleet: node\[1-17\] on 127\.77\.0\.1…127\.77\.0\.17 port \d+, 2 sshd/,
    );
    const again = await cli('start', '--nodes', '17', '--dir', dir);
    expect(again.out).toContain(start.out.split(',')[0] as string);
    const status = await cli('status', '--dir', dir);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(
      /running: node\[1-17\] port \d+, 17\/17 addresses listening, 2\/2 sshd/,
    );
    const env = await cli('env', '--dir', dir);
    expect(env.out).toContain(`export CLUSTER_TASK_FLEET_SSH_CONFIG='${dir}/ssh_config'\n`);
    expect(env.out).toContain("export CLUSTER_TASK_FLEET_NODES='node[1-17]'\n");
    expect(env.out).toContain(`export PDSH_SSH_ARGS_APPEND='-F ${dir}/ssh_config'\n`);
    const pids = openFleet(dir).pids;
    const stop = await cli('stop', '--dir', dir);
    expect(stop.code).toBe(0);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    expect((await cli('status', '--dir', dir)).code).toBe(3);
    await expect(cli('env', '--dir', dir)).rejects.toMatchObject({ code: 'ERR_FLEET_NOT_RUNNING' });
  });

  it('rejects unknown commands and options with exit code 2', async () => {
    expect((await cli('launch')).code).toBe(2);
    expect((await cli('start', '--frobnicate')).code).toBe(2);
    expect((await cli()).code).toBe(2);
    expect((await cli('--help')).out).toContain('usage:');
  });
});
