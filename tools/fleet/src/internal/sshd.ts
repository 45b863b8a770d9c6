/**
 * Running sshd instances: locate the binaries, generate keys, spawn, wait until every address of an
 * instance listens, reconfigure (SIGHUP) and kill a whole instance tree.
 *
 * @module
 */

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { FleetError } from '../errors.js';
import { descendantsOf, isOurSshd, isRunning, listeningAddressesOf, signal } from './proc.js';
import type { InstanceState } from './state.js';

const execFileP = promisify(execFile);

/** Where Debian's openssh-server (and most distributions) put sshd. */
const SSHD_CANDIDATES = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/sbin/sshd'];

/** sshd's privilege separation directory on Debian (must exist, root-owned, not writable by others). */
const PRIVSEP_DIR = '/run/sshd';

/** The sshd children this process spawned, with a promise of their reaping. */
const children = new Map<
  number,
  { readonly child: ChildProcess; readonly exited: Promise<void> }
>();

/**
 * The sshd binary to run.
 *
 * @param requested - an explicit path, if any
 * @returns an absolute path to an executable sshd
 * @throws {FleetError} `ERR_FLEET_SSHD_MISSING` when there is none
 */
export function findSshd(requested?: string): string {
  for (const path of requested === undefined ? SSHD_CANDIDATES : [requested]) {
    try {
      accessSync(path, constants.X_OK);
      if (path.startsWith('/')) return path;
    } catch {
      // next
    }
  }
  throw new FleetError(
    'ERR_FLEET_SSHD_MISSING',
    `no OpenSSH sshd found (${requested ?? SSHD_CANDIDATES.join(', ')}): run tools/setup.sh, which installs Debian's openssh-server`,
  );
}

/**
 * Creates sshd's privilege separation directory when it is missing (sshd refuses to start without
 * it; the system sshd would create it the same way).
 *
 * @throws {FleetError} `ERR_FLEET_SSHD_FAILED` when it is missing and cannot be created
 */
export function ensurePrivsepDir(): void {
  if (existsSync(PRIVSEP_DIR)) return;
  try {
    mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
  } catch (e) {
    throw new FleetError(
      'ERR_FLEET_SSHD_FAILED',
      `sshd needs ${PRIVSEP_DIR} and it cannot be created (run as root)`,
      { cause: e },
    );
  }
}

/**
 * Generates an unencrypted ed25519 key pair.
 *
 * @param path - the private key's path (`.pub` is added for the public one)
 * @param comment - the key comment
 * @returns the public key as `ssh-ed25519 AAAA…` (comment dropped)
 * @throws {FleetError} `ERR_FLEET_SSHD_MISSING` when ssh-keygen is missing
 */
export async function generateKey(path: string, comment: string): Promise<string> {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  try {
    await execFileP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  } catch (e) {
    throw new FleetError('ERR_FLEET_SSHD_MISSING', `ssh-keygen failed: ${String(e)}`, { cause: e });
  }
  const [type = '', key = ''] = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/);
  return `${type} ${key}`;
}

/** Memo of the PerSourcePenalties probe, by sshd path. */
const penaltiesSupport = new Map<string, boolean>();

/**
 * Whether this sshd knows `PerSourcePenalties` (OpenSSH ≥ 9.8), which must then be turned off: every
 * client of the fleet comes from 127.0.0.1, and failing-auth tests would get it blocked.
 *
 * @param sshd - the sshd binary
 * @param dir - a scratch directory
 * @param hostKey - a host key sshd -t can load
 * @returns `true` when the option is accepted
 */
export async function supportsPerSourcePenalties(
  sshd: string,
  dir: string,
  hostKey: string,
): Promise<boolean> {
  const known = penaltiesSupport.get(sshd);
  if (known !== undefined) return known;
  const probe = join(dir, 'probe.conf');
  writeFileSync(probe, `HostKey ${hostKey}\nListenAddress 127.0.0.1\nPerSourcePenalties no\n`);
  let ok = true;
  try {
    await execFileP(sshd, ['-t', '-f', probe]);
  } catch {
    ok = false;
  } finally {
    rmSync(probe, { force: true });
  }
  penaltiesSupport.set(sshd, ok);
  return ok;
}

/**
 * A TCP port the kernel reports free on `address`.
 *
 * @param address - a loopback address
 * @returns the port
 */
export function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: address, exclusive: true }, () => {
      const a = server.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts one sshd listener (`sshd -D -f <config> -E <log>`).
 *
 * @param sshd - the sshd binary
 * @param inst - the instance (its config must be written)
 * @param detached - own session, outliving this process (CLI and shared fleets)
 * @returns the pid
 * @throws {FleetError} `ERR_FLEET_SSHD_FAILED` when it cannot be spawned
 */
export function spawnSshd(sshd: string, inst: InstanceState, detached: boolean): number {
  rmSync(inst.pidFile, { force: true });
  const child = spawn(sshd, ['-D', '-f', inst.config, '-E', inst.log], {
    detached,
    stdio: 'ignore',
  });
  child.on('error', () => {
    // reported through the readiness wait
  });
  if (child.pid === undefined) {
    throw new FleetError('ERR_FLEET_SSHD_FAILED', `cannot spawn ${sshd}`);
  }
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  children.set(pid, { child, exited });
  void exited.then(() => children.delete(pid));
  if (detached) child.unref();
  return pid;
}

/**
 * Whether a process spawned here (or elsewhere) has exited.
 *
 * @param pid - the listener's pid
 * @returns `true` once it is gone or a zombie
 */
function hasExited(pid: number): boolean {
  const child = children.get(pid)?.child;
  if (child !== undefined) return child.exitCode !== null || child.signalCode !== null;
  return !isRunning(pid);
}

/**
 * The end of an instance's log (why it failed).
 *
 * @param inst - the instance
 * @returns up to 600 characters
 */
export function logTail(inst: InstanceState): string {
  try {
    return readFileSync(inst.log, 'utf8').slice(-600).trim();
  } catch {
    return '';
  }
}

/** How a readiness wait ended. */
export type Readiness = 'ready' | 'conflict';

/**
 * Waits until each instance listens on exactly its expected addresses (sshd writes its pid file
 * after binding all of them). `conflict` means a bind failed: the port is taken on some address.
 *
 * @param list - instances with their pid and expected addresses
 * @param port - the port
 * @param timeoutMs - how long to wait
 * @returns one result per instance
 * @throws {FleetError} `ERR_FLEET_SSHD_FAILED` when an instance dies for another reason or times out
 */
export async function waitReady(
  list: ReadonlyArray<{ readonly inst: InstanceState; readonly expected: readonly string[] }>,
  port: number,
  timeoutMs = 20_000,
): Promise<Readiness[]> {
  const out: Array<Readiness | undefined> = list.map(() => undefined);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    list.forEach(({ inst, expected }, i) => {
      if (out[i] !== undefined || inst.pid === null) return;
      if (existsSync(inst.pidFile)) {
        const got = listeningAddressesOf(inst.pid, port);
        const want = [...expected].sort();
        out[i] =
          got.length === want.length && got.every((a, k) => a === want[k]) ? 'ready' : 'conflict';
      } else if (hasExited(inst.pid)) {
        const log = logTail(inst);
        if (/Bind to port|Cannot bind any address|Address already in use/.test(log)) {
          out[i] = 'conflict';
        } else {
          throw new FleetError('ERR_FLEET_SSHD_FAILED', `sshd (${inst.config}) exited: ${log}`);
        }
      }
    });
    if (out.every((r) => r !== undefined)) return out as Readiness[];
    if (Date.now() > deadline) {
      const late = list.find((_, i) => out[i] === undefined);
      throw new FleetError(
        'ERR_FLEET_SSHD_FAILED',
        `sshd (${late?.inst.config}) not ready after ${timeoutMs} ms: ${late ? logTail(late.inst) : ''}`,
      );
    }
    await sleep(10);
  }
}

/**
 * Makes a running listener re-read its config (SIGHUP: sshd re-executes itself, same pid, and
 * binds the new address list; its other addresses refuse connections for a few milliseconds).
 *
 * @param inst - the instance, config already rewritten
 */
export function reloadSshd(inst: InstanceState): void {
  if (inst.pid === null || !isOurSshd(inst.pid, inst.config)) return;
  rmSync(inst.pidFile, { force: true });
  signal(inst.pid, 'SIGHUP');
}

/**
 * Waits until a pid is gone (reaped when it is our child, else gone or a zombie).
 *
 * @param pid - the process
 * @param timeoutMs - how long to wait
 * @returns `true` when it is gone
 */
async function waitGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const own = children.get(pid);
  if (own !== undefined) {
    const timeout = sleep(timeoutMs, false, { ref: false });
    return Promise.race([own.exited.then(() => true), timeout]);
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await sleep(10);
  }
  return false;
}

/**
 * Kills a listener and every process under it (sessions and their commands), checking first that
 * the pid is still our sshd (a crashed run's pid may have been reused). The tree is frozen with
 * SIGSTOP before anything is killed, so no new session can slip out.
 *
 * @param inst - the instance
 * @returns once the listener is gone
 * @throws {FleetError} `ERR_FLEET_SSHD_FAILED` when it outlives SIGKILL (10 s)
 */
export async function killSshd(inst: InstanceState): Promise<void> {
  const pid = inst.pid;
  if (pid === null || !isOurSshd(pid, inst.config)) return;
  killTree(pid);
  if (!(await waitGone(pid))) {
    throw new FleetError('ERR_FLEET_SSHD_FAILED', `sshd ${pid} (${inst.config}) survived SIGKILL`);
  }
}

/**
 * SIGSTOPs a process and its descendants until the tree is stable, then SIGKILLs them, deepest
 * first. Synchronous, so it also serves the exit hook.
 *
 * @param pid - the tree's root
 */
export function killTree(pid: number): void {
  signal(pid, 'SIGSTOP');
  const frozen: number[] = [];
  const seen = new Set<number>();
  for (let round = 0; round < 50; round++) {
    const fresh = descendantsOf(pid).filter((p) => !seen.has(p));
    if (fresh.length === 0) break;
    for (const p of fresh) {
      signal(p, 'SIGSTOP');
      seen.add(p);
      frozen.push(p);
    }
  }
  for (const p of frozen.reverse()) signal(p, 'SIGKILL');
  signal(pid, 'SIGKILL');
}
