/**
 * The fleet: `startFleet()`, `openFleet()`, `stopFleet()`, `fleetStatus()` and the {@link Fleet}
 * handle.
 *
 * @module
 */

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { FleetError } from './errors.js';
import { addressOfIndex, indexOfNode, MAX_NODES, nodeName } from './internal/addresses.js';
import {
  type NodeEntry,
  renderAuthorizedKeys,
  renderKnownHosts,
  renderSshConfig,
  renderSshdConfig,
} from './internal/config.js';
import { isOurSshd, isRunning, listeningAddressesOf } from './internal/proc.js';
import {
  ensurePrivsepDir,
  findSshd,
  freePort,
  generateKey,
  killSshd,
  killTree,
  reloadSshd,
  spawnSshd,
  supportsPerSourcePenalties,
  waitReady,
} from './internal/sshd.js';
import {
  type FleetState,
  type InstanceState,
  LOCK_FILE,
  readState,
  withLock,
  writeState,
} from './internal/state.js';

/**
 * Options of {@link startFleet}.
 *
 * @category Fleet
 * @example
 * ```ts
 * const options: FleetOptions = { nodes: 128 };
 * ```
 */
export interface FleetOptions {
  /** How many nodes: node1…nodeN (1…65024). */
  readonly nodes: number;
  /**
   * The fleet directory (configs, keys, pid files, logs, homes). Without it, a fresh directory
   * under the OS temp dir, private to this call and this process. With it, the fleet is shared:
   * a later `startFleet` with the same directory and settings (from any process) attaches to the
   * running fleet, and its sshd processes outlive this process until `stop()`. Removed by `stop()`.
   * @defaultValue a new `$TMPDIR/cluster-task-fleet-XXXXXX`
   */
  readonly dir?: string;
  /**
   * The TCP port every node listens on.
   * @defaultValue a free port picked by the kernel
   */
  readonly port?: number;
  /**
   * Nodes per sshd instance: OpenSSH 9.2 listens on at most 16 sockets (MAX_LISTEN_SOCKS).
   * @defaultValue 16
   */
  readonly nodesPerSshd?: number;
  /**
   * sshd `MaxSessions`: channels (exec, sftp) open at once on one connection.
   * @defaultValue 10 (OpenSSH's default, what real clusters run)
   */
  readonly maxSessions?: number;
  /**
   * sshd `MaxStartups` (unauthenticated connections at once, per instance; hard limit).
   * @defaultValue 1024
   */
  readonly maxStartups?: number;
  /**
   * The sshd binary (absolute path).
   * @defaultValue the first of /usr/sbin/sshd, /usr/local/sbin/sshd, /sbin/sshd
   */
  readonly sshd?: string;
}

/**
 * A running fleet: node1…nodeN served by private sshd listeners on distinct loopback addresses.
 *
 * @category Fleet
 * @example
 * ```ts
 * await using fleet = await startFleet({ nodes: 4 });
 * execFileSync('ssh', [...fleet.sshOptions, 'node3', 'echo $SSH_CONNECTION']); // … 127.77.0.3 <port>
 * ```
 */
export interface Fleet extends AsyncDisposable {
  /** The fleet directory. */
  readonly dir: string;
  /** node1…nodeN. */
  readonly nodes: readonly string[];
  /** The port every node listens on. */
  readonly port: number;
  /** The remote user (the user running the fleet). */
  readonly user: string;
  /** Path of the client ssh_config: `Host nodeK` entries and every shared option. */
  readonly sshConfig: string;
  /** `['-F', sshConfig]`: the arguments to give OpenSSH `ssh`, `scp` and `sftp`. */
  readonly sshOptions: readonly string[];
  /** The client's private key (ed25519, unencrypted). */
  readonly identityFile: string;
  /** The private known_hosts naming every node (`[nodeK]:port` and `[address]:port`). */
  readonly knownHosts: string;
  /** The fleet's host public key, `ssh-ed25519 AAAA…`. */
  readonly hostPublicKey: string;
  /** Pids of the sshd listeners, read from the fleet directory at each access. */
  readonly pids: readonly number[];
  /**
   * The loopback address of a node (the third field of its `$SSH_CONNECTION`).
   * @param node - `nodeK`
   * @returns `127.77.x.y`
   * @throws {FleetError} `ERR_FLEET_UNKNOWN_NODE`
   */
  addressOf(node: string): string;
  /**
   * The node's `$HOME` in its sessions (an empty directory under the fleet directory).
   * @param node - `nodeK`
   * @returns the path
   * @throws {FleetError} `ERR_FLEET_UNKNOWN_NODE`
   */
  homeOf(node: string): string;
  /**
   * Stops a node's listener: connections to it are refused (ssh exits 255). Its sshd instance is
   * reloaded, so the other nodes of the instance refuse connections for a few milliseconds.
   * @param node - `nodeK`
   * @returns once the address no longer listens
   * @throws {FleetError} `ERR_FLEET_UNKNOWN_NODE`, `ERR_FLEET_NOT_RUNNING`
   */
  stopNode(node: string): Promise<void>;
  /**
   * Starts a node's listener again after {@link Fleet.stopNode}.
   * @param node - `nodeK`
   * @returns once the address listens
   * @throws {FleetError} `ERR_FLEET_UNKNOWN_NODE`, `ERR_FLEET_NOT_RUNNING`, `ERR_FLEET_PORT_IN_USE`
   */
  startNode(node: string): Promise<void>;
  /**
   * Stops every listener and every session under it, then removes the fleet directory.
   * Idempotent.
   * @returns once no process of the fleet is left
   */
  stop(): Promise<void>;
}

/**
 * What {@link fleetStatus} reports.
 *
 * @category Fleet
 * @example
 * ```ts
 * const s: FleetStatus | undefined = fleetStatus(defaultFleetDir());
 * ```
 */
export interface FleetStatus {
  readonly dir: string;
  /** Every listener runs and listens on all its nodes' addresses (stopped nodes excepted). */
  readonly running: boolean;
  readonly nodes: number;
  readonly port: number;
  readonly sshConfig: string;
  /** Nodes stopped with `stopNode()`. */
  readonly stoppedNodes: readonly string[];
  /** One entry per sshd instance. */
  readonly instances: ReadonlyArray<{
    readonly pid: number | null;
    readonly running: boolean;
    /** `nodeK-nodeL`. */
    readonly nodes: string;
    readonly listening: number;
    readonly expected: number;
  }>;
}

const DEFAULT_NODES_PER_SSHD = 16;
const DEFAULT_MAX_SESSIONS = 10;
const DEFAULT_MAX_STARTUPS = 1024;
const EPHEMERAL_PREFIX = 'cluster-task-fleet-';
const PORT_ATTEMPTS = 5;

/**
 * The directory the CLI uses: `$CLUSTER_TASK_FLEET_DIR`, else `$TMPDIR/cluster-task-fleet`.
 *
 * @returns an absolute path
 * @category Fleet
 * @example
 * ```ts
 * const fleet = await startFleet({ nodes: 128, dir: defaultFleetDir() }); // shared with the CLI
 * ```
 */
export function defaultFleetDir(): string {
  const env = process.env.CLUSTER_TASK_FLEET_DIR;
  return resolve(env !== undefined && env !== '' ? env : join(tmpdir(), 'cluster-task-fleet'));
}

/** Paths of the files shared by all instances. */
function paths(dir: string) {
  return {
    hostKey: join(dir, 'ssh_host_ed25519_key'),
    identityFile: join(dir, 'id_ed25519'),
    authorizedKeys: join(dir, 'authorized_keys'),
    knownHosts: join(dir, 'known_hosts'),
    sshConfig: join(dir, 'ssh_config'),
    homes: join(dir, 'home'),
  };
}

/**
 * Checks an integer option.
 *
 * @param name - option name
 * @param value - its value
 * @param min - lowest allowed
 * @param max - highest allowed
 * @returns the value
 * @throws {FleetError} `ERR_FLEET_OPTION`
 */
function int(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new FleetError(
      'ERR_FLEET_OPTION',
      `${name} must be an integer in ${min}…${max}: ${value}`,
    );
  }
  return value;
}

/** Options with defaults applied. */
interface Settings {
  readonly nodes: number;
  readonly port: number | undefined;
  readonly nodesPerSshd: number;
  readonly maxSessions: number;
  readonly maxStartups: number;
  readonly sshd: string;
}

/**
 * Validates options and applies defaults.
 *
 * @param o - the options
 * @returns the settings
 * @throws {FleetError} `ERR_FLEET_OPTION`, `ERR_FLEET_SSHD_MISSING`
 */
function settings(o: FleetOptions): Settings {
  return {
    nodes: int('nodes', o.nodes, 1, MAX_NODES),
    port: o.port === undefined ? undefined : int('port', o.port, 1, 65535),
    nodesPerSshd: int('nodesPerSshd', o.nodesPerSshd ?? DEFAULT_NODES_PER_SSHD, 1, 16),
    maxSessions: int('maxSessions', o.maxSessions ?? DEFAULT_MAX_SESSIONS, 1, 100_000),
    maxStartups: int('maxStartups', o.maxStartups ?? DEFAULT_MAX_STARTUPS, 1, 100_000),
    sshd: findSshd(o.sshd),
  };
}

/**
 * Refuses directory names that sshd_config or ssh_config would split or expand.
 *
 * @param dir - an absolute path
 * @throws {FleetError} `ERR_FLEET_DIR`
 */
function checkDirName(dir: string): void {
  if (!/^[A-Za-z0-9._/+@=:-]+$/.test(dir)) {
    throw new FleetError(
      'ERR_FLEET_DIR',
      `fleet directory must not contain spaces, quotes, % or #: ${JSON.stringify(dir)}`,
    );
  }
}

/** All nodes of a fleet. */
function entries(count: number): NodeEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    name: nodeName(i + 1),
    address: addressOfIndex(i + 1),
  }));
}

/** The nodes an instance serves (its range minus the stopped ones). */
function servedBy(st: FleetState, inst: InstanceState): NodeEntry[] {
  const out: NodeEntry[] = [];
  for (let i = inst.first; i < inst.first + inst.count; i++) {
    if (!st.stopped.includes(nodeName(i)))
      out.push({ name: nodeName(i), address: addressOfIndex(i) });
  }
  return out;
}

/** The addresses an instance must listen on (its nodes minus the stopped ones). */
function expectedOf(st: FleetState, inst: InstanceState): string[] {
  return servedBy(st, inst).map((n) => n.address);
}

/**
 * Writes one instance's sshd_config.
 *
 * @param dir - the fleet directory
 * @param st - the fleet state
 * @param inst - the instance
 * @param index - its number
 */
function writeInstanceConfig(
  dir: string,
  st: FleetState,
  inst: InstanceState,
  index: number,
): void {
  const p = paths(dir);
  const nodes = servedBy(st, inst);
  writeFileSync(
    inst.config,
    renderSshdConfig({
      index,
      port: st.port,
      nodes,
      hostKey: p.hostKey,
      pidFile: inst.pidFile,
      authorizedKeys: p.authorizedKeys,
      user: st.user,
      homes: p.homes,
      maxSessions: st.maxSessions,
      maxStartups: st.maxStartups,
      perSourcePenalties: st.penalties,
    }),
  );
}

/** Ephemeral fleets of this process, stopped by the exit hook if still running. */
const ephemeral = new Set<string>();
let exitHookInstalled = false;

/**
 * Kills a fleet's listeners synchronously and removes its directory (exit hook and orphan sweep).
 *
 * @param dir - the fleet directory
 */
function killSync(dir: string): void {
  const st = readState(dir);
  for (const inst of st?.instances ?? []) {
    if (inst.pid !== null && isOurSshd(inst.pid, inst.config)) killTree(inst.pid);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Registers a fleet to be killed when this process exits without stopping it.
 *
 * @param dir - the fleet directory
 */
function watchEphemeral(dir: string): void {
  ephemeral.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const d of ephemeral) killSync(d);
  });
}

/**
 * Removes the ephemeral fleets of processes that died without stopping them (a crashed test run).
 */
function sweepOrphans(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(EPHEMERAL_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    const st = readState(dir);
    if (st?.ephemeral === true && st.owner !== null && !isRunning(st.owner)) killSync(dir);
  }
}

/**
 * Kills a fleet's listeners and empties its directory (the lock excepted).
 *
 * @param dir - the fleet directory
 * @param st - its state
 */
async function teardown(dir: string, st: FleetState): Promise<void> {
  await Promise.all(st.instances.map((inst) => killSshd(inst)));
  for (const name of readdirSync(dir)) {
    if (name !== LOCK_FILE) rmSync(join(dir, name), { recursive: true, force: true });
  }
  ephemeral.delete(dir);
}

/**
 * Whether every instance runs and listens on exactly its expected addresses.
 *
 * @param st - the fleet state
 * @returns `true` when healthy
 */
function healthy(st: FleetState): boolean {
  return st.instances.every((inst) => {
    const expected = expectedOf(st, inst);
    if (expected.length === 0) return inst.pid === null || !isOurSshd(inst.pid, inst.config);
    if (inst.pid === null || !isOurSshd(inst.pid, inst.config)) return false;
    const got = listeningAddressesOf(inst.pid, st.port);
    return got.length === expected.length && [...expected].sort().every((a, i) => a === got[i]);
  });
}

/**
 * Creates a fleet in an empty (or emptied) directory.
 *
 * @param dir - the directory (locked by the caller)
 * @param s - the settings
 * @param isEphemeral - private to this process
 * @returns the state of the running fleet
 * @throws {FleetError} `ERR_FLEET_SSHD_FAILED`, `ERR_FLEET_PORT_IN_USE`, `ERR_FLEET_SSHD_MISSING`
 */
async function create(dir: string, s: Settings, isEphemeral: boolean): Promise<FleetState> {
  const p = paths(dir);
  const st: FleetState = {
    version: 1,
    nodes: s.nodes,
    port: 0,
    user: userInfo().username,
    nodesPerSshd: s.nodesPerSshd,
    maxSessions: s.maxSessions,
    maxStartups: s.maxStartups,
    sshd: s.sshd,
    ephemeral: isEphemeral,
    owner: isEphemeral ? process.pid : null,
    penalties: false,
    stopped: [],
    instances: [],
  };
  // the state file first: a crash from here on leaves a directory recognisably ours
  writeState(dir, st);
  if (isEphemeral) watchEphemeral(dir);
  try {
    mkdirSync(p.homes, { recursive: true });
    const nodes = entries(s.nodes);
    for (const n of nodes) mkdirSync(join(p.homes, n.name));
    const [hostPublicKey, clientPublicKey] = await Promise.all([
      generateKey(p.hostKey, 'cluster-task-fleet-host'),
      generateKey(p.identityFile, 'cluster-task-fleet-client'),
    ]);
    writeFileSync(p.authorizedKeys, renderAuthorizedKeys(clientPublicKey), { mode: 0o600 });
    const penalties = await supportsPerSourcePenalties(s.sshd, dir, p.hostKey);
    for (let attempt = 1; ; attempt++) {
      const port = s.port ?? (await freePort(addressOfIndex(1)));
      const ready = st;
      ready.port = port;
      ready.penalties = penalties;
      ready.instances = [];
      for (let first = 1, k = 0; first <= s.nodes; first += s.nodesPerSshd, k++) {
        ready.instances.push({
          config: join(dir, `sshd-${k}.conf`),
          pidFile: join(dir, `sshd-${k}.pid`),
          log: join(dir, `sshd-${k}.log`),
          first,
          count: Math.min(s.nodesPerSshd, s.nodes - first + 1),
          pid: null,
        });
      }
      writeFileSync(p.knownHosts, renderKnownHosts(nodes, port, hostPublicKey));
      writeFileSync(
        p.sshConfig,
        renderSshConfig({
          port,
          user: ready.user,
          nodes,
          identityFile: p.identityFile,
          knownHosts: p.knownHosts,
        }),
      );
      ready.instances.forEach((inst, k) => {
        writeInstanceConfig(dir, ready, inst, k);
      });
      for (const inst of ready.instances) inst.pid = spawnSshd(s.sshd, inst, !isEphemeral);
      writeState(dir, ready);
      const results = await waitReady(
        ready.instances.map((inst) => ({ inst, expected: expectedOf(ready, inst) })),
        port,
      );
      if (results.every((r) => r === 'ready')) return ready;
      await Promise.all(ready.instances.map((inst) => killSshd(inst)));
      if (s.port !== undefined || attempt >= PORT_ATTEMPTS) {
        throw new FleetError(
          'ERR_FLEET_PORT_IN_USE',
          `port ${port} is taken on some of 127.77.0.0/16 (${attempt} attempt${attempt > 1 ? 's' : ''})`,
        );
      }
    }
  } catch (e) {
    await teardown(dir, readState(dir) ?? st);
    throw e;
  }
}

/**
 * Starts a fleet of `nodes` nodes, or attaches to the one already running in `dir` with the same
 * settings (a fleet found there with other settings, or unhealthy, or left by a crashed run, is
 * stopped and replaced).
 *
 * Each call without `dir` gets its own directory and its own port, so concurrent test files never
 * share a fleet; with `dir`, processes share one fleet (and one lock serialises them).
 *
 * @param options - node count and optional directory, port, limits
 * @returns the running fleet
 * @throws {FleetError} `ERR_FLEET_OPTION`, `ERR_FLEET_SSHD_MISSING`, `ERR_FLEET_SSHD_FAILED`,
 *   `ERR_FLEET_PORT_IN_USE`, `ERR_FLEET_DIR` (a directory holding other files), `ERR_FLEET_LOCKED`
 * @category Fleet
 * @example
 * ```ts
 * await using fleet = await startFleet({ nodes: 128 });
 * spawnSync('ssh', [...fleet.sshOptions, 'node7', 'echo $SSH_CONNECTION']); // "127.0.0.1 … 127.77.0.7 …"
 * ```
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const s = settings(options);
  ensurePrivsepDir();
  if (options.dir === undefined) {
    sweepOrphans();
    const dir = mkdtempSync(join(tmpdir(), EPHEMERAL_PREFIX));
    checkDirName(dir);
    return withLock(dir, async () => new FleetHandle(dir, await create(dir, s, true)));
  }
  const dir = resolve(options.dir);
  checkDirName(dir);
  return withLock(dir, async () => {
    const st = readState(dir);
    if (st !== undefined) {
      const same =
        st.nodes === s.nodes &&
        (s.port === undefined || st.port === s.port) &&
        st.nodesPerSshd === s.nodesPerSshd &&
        st.maxSessions === s.maxSessions &&
        st.maxStartups === s.maxStartups &&
        st.sshd === s.sshd &&
        st.stopped.length === 0;
      if (same && healthy(st)) return new FleetHandle(dir, st);
      await teardown(dir, st);
    } else {
      const others = readdirSync(dir).filter((n) => n !== LOCK_FILE);
      if (others.length > 0) {
        throw new FleetError(
          'ERR_FLEET_DIR',
          `${dir} is neither empty nor a fleet directory (it holds ${others.slice(0, 3).join(', ')})`,
        );
      }
    }
    return new FleetHandle(dir, await create(dir, s, false));
  });
}

/**
 * Attaches to the fleet running in `dir` (started by the CLI or another process), whatever its size.
 *
 * @param dir - the fleet directory
 * @returns the fleet
 * @throws {FleetError} `ERR_FLEET_NOT_RUNNING` when no healthy fleet runs there
 * @category Fleet
 * @example
 * ```ts
 * const fleet = openFleet(defaultFleetDir()); // after `node tools/fleet/dist/cli.js start`
 * ```
 */
export function openFleet(dir: string): Fleet {
  const abs = resolve(dir);
  const st = readState(abs);
  if (st === undefined || st.instances.length === 0 || !healthy(st)) {
    throw new FleetError('ERR_FLEET_NOT_RUNNING', `no running fleet in ${abs}`);
  }
  return new FleetHandle(abs, st);
}

/**
 * Stops the fleet of `dir` (its listeners and every session under them) and removes the directory.
 *
 * @param dir - the fleet directory
 * @returns `true` when there was a fleet to stop
 * @throws {FleetError} `ERR_FLEET_LOCKED`
 * @category Fleet
 * @example
 * ```ts
 * await stopFleet(defaultFleetDir());
 * ```
 */
export async function stopFleet(dir: string): Promise<boolean> {
  const abs = resolve(dir);
  return withLock(abs, async () => {
    const st = readState(abs);
    if (st === undefined) return false;
    await teardown(abs, st);
    return true;
  });
}

/**
 * Reports on the fleet of `dir` without changing anything.
 *
 * @param dir - the fleet directory
 * @returns the status, or `undefined` when there is no fleet there
 * @category Fleet
 * @example
 * ```ts
 * fleetStatus(defaultFleetDir())?.running; // true after `cli.js start`
 * ```
 */
export function fleetStatus(dir: string): FleetStatus | undefined {
  const abs = resolve(dir);
  const st = readState(abs);
  if (st === undefined) return undefined;
  const instances = st.instances.map((inst) => {
    const running = inst.pid !== null && isOurSshd(inst.pid, inst.config);
    return {
      pid: inst.pid,
      running,
      nodes: `${nodeName(inst.first)}-${nodeName(inst.first + inst.count - 1)}`,
      listening: running && inst.pid !== null ? listeningAddressesOf(inst.pid, st.port).length : 0,
      expected: expectedOf(st, inst).length,
    };
  });
  return {
    dir: abs,
    running: st.instances.length > 0 && healthy(st),
    nodes: st.nodes,
    port: st.port,
    sshConfig: paths(abs).sshConfig,
    stoppedNodes: [...st.stopped],
    instances,
  };
}

/** The {@link Fleet} handle. */
class FleetHandle implements Fleet {
  readonly dir: string;
  readonly nodes: readonly string[];
  readonly port: number;
  readonly user: string;
  readonly sshConfig: string;
  readonly sshOptions: readonly string[];
  readonly identityFile: string;
  readonly knownHosts: string;
  readonly hostPublicKey: string;

  /**
   * @param dir - the fleet directory
   * @param st - its state
   */
  constructor(dir: string, st: FleetState) {
    const p = paths(dir);
    this.dir = dir;
    this.nodes = Object.freeze(entries(st.nodes).map((n) => n.name));
    this.port = st.port;
    this.user = st.user;
    this.sshConfig = p.sshConfig;
    this.sshOptions = Object.freeze(['-F', p.sshConfig]);
    this.identityFile = p.identityFile;
    this.knownHosts = p.knownHosts;
    this.hostPublicKey = readFileSync(`${p.hostKey}.pub`, 'utf8')
      .trim()
      .split(/\s+/)
      .slice(0, 2)
      .join(' ');
  }

  get pids(): readonly number[] {
    const st = readState(this.dir);
    return (st?.instances ?? []).flatMap((i) => (i.pid === null ? [] : [i.pid]));
  }

  #index(node: string): number {
    const i = indexOfNode(node);
    if (i === undefined || i > this.nodes.length) {
      throw new FleetError('ERR_FLEET_UNKNOWN_NODE', `${node} is not a node of this fleet`);
    }
    return i;
  }

  addressOf(node: string): string {
    return addressOfIndex(this.#index(node));
  }

  homeOf(node: string): string {
    this.#index(node);
    return join(paths(this.dir).homes, node);
  }

  stopNode(node: string): Promise<void> {
    return this.#setNode(node, false);
  }

  startNode(node: string): Promise<void> {
    return this.#setNode(node, true);
  }

  async #setNode(node: string, up: boolean): Promise<void> {
    const index = this.#index(node);
    await withLock(this.dir, async () => {
      const st = readState(this.dir);
      if (st === undefined || st.instances.length === 0) {
        throw new FleetError('ERR_FLEET_NOT_RUNNING', `the fleet of ${this.dir} is stopped`);
      }
      if (st.stopped.includes(node) !== up) return;
      st.stopped = up ? st.stopped.filter((n) => n !== node) : [...st.stopped, node];
      const k = st.instances.findIndex((i) => index >= i.first && index < i.first + i.count);
      const inst = st.instances[k];
      if (inst === undefined) throw new FleetError('ERR_FLEET_UNKNOWN_NODE', node);
      const expected = expectedOf(st, inst);
      if (expected.length === 0) {
        await killSshd(inst);
        inst.pid = null;
        rmSync(inst.pidFile, { force: true });
        writeState(this.dir, st);
        return;
      }
      writeInstanceConfig(this.dir, st, inst, k);
      if (inst.pid !== null && isOurSshd(inst.pid, inst.config)) reloadSshd(inst);
      else inst.pid = spawnSshd(st.sshd, inst, !st.ephemeral);
      writeState(this.dir, st);
      const [result] = await waitReady([{ inst, expected }], st.port);
      if (result !== 'ready') {
        throw new FleetError('ERR_FLEET_PORT_IN_USE', `${node}: port ${st.port} is taken`);
      }
    });
  }

  async stop(): Promise<void> {
    await stopFleet(this.dir);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
