/**
 * Linux `/proc` readers: which loopback addresses a process listens on, whether a pid is (still)
 * a given sshd, and a process's descendants.
 *
 * @module
 */

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The contents of a `/proc` file, or `undefined` when it vanished or is unreadable.
 *
 * @param path - a path under /proc
 * @returns the text, or undefined
 */
function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/**
 * Decodes an IPv4 `local_address` of /proc/net/tcp (`0100007F:0016`: little-endian hex address,
 * big-endian hex port).
 *
 * @param field - the `local_address` column
 * @returns the address and port
 */
function decodeAddress(field: string): { address: string; port: number } {
  const [hex = '', portHex = ''] = field.split(':');
  const n = Number.parseInt(hex, 16);
  // /proc prints the network-order word as a host-order integer (x86 and arm64 are little-endian)
  const address = [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
  return { address, port: Number.parseInt(portHex, 16) };
}

/**
 * The IPv4 sockets in LISTEN state on `port`, by socket inode.
 *
 * @param port - the TCP port
 * @returns inode → listening address
 */
export function listeningSockets(port: number): Map<string, string> {
  const out = new Map<string, string>();
  const text = readProc('/proc/net/tcp') ?? '';
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
    if (cols.length < 10 || cols[3] !== '0A') continue;
    const local = decodeAddress(cols[1] ?? '');
    if (local.port === port) out.set(cols[9] ?? '', local.address);
  }
  return out;
}

/**
 * The socket inodes a process holds open.
 *
 * @param pid - a process id
 * @returns the inodes (empty when the process is gone or not readable)
 */
export function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1] !== undefined) out.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

/**
 * The addresses a process listens on with `port` (its own sockets only).
 *
 * @param pid - a process id
 * @param port - the TCP port
 * @returns the addresses, sorted
 */
export function listeningAddressesOf(pid: number, port: number): string[] {
  const mine = socketInodes(pid);
  const out: string[] = [];
  for (const [inode, address] of listeningSockets(port)) if (mine.has(inode)) out.push(address);
  return out.sort();
}

/** What `/proc/<pid>/stat` says of a process. */
interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly ppid: number;
}

/**
 * Parses `/proc/<pid>/stat` (the command name may hold spaces and parentheses).
 *
 * @param pid - a process id
 * @returns state and parent, or undefined when the process is gone
 */
function stat(pid: number): ProcStat | undefined {
  const text = readProc(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, state: rest[0] ?? '?', ppid: Number(rest[1]) };
}

/**
 * Whether a process exists and is not a zombie.
 *
 * @param pid - a process id
 * @returns `true` while the process runs (or is stopped)
 */
export function isRunning(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

/**
 * Whether a process has a `/proc` entry at all (zombies included).
 *
 * @param pid - a process id
 * @returns `true` until the process has been reaped
 */
export function exists(pid: number): boolean {
  return stat(pid) !== undefined;
}

/**
 * The command line of a process, arguments joined by spaces (sshd rewrites it as its title, keeping
 * the original arguments: `sshd: /usr/sbin/sshd -D -f /x/sshd-0.conf … [listener] …`).
 *
 * @param pid - a process id
 * @returns the command line, or undefined when the process is gone
 */
export function cmdline(pid: number): string | undefined {
  return readProc(`/proc/${pid}/cmdline`)?.replaceAll('\0', ' ');
}

/**
 * Whether `pid` is a live sshd started with the config file `config` (guards every kill against pid
 * reuse after a crash).
 *
 * @param pid - a process id
 * @param config - the absolute path of the instance's sshd config
 * @returns `true` for our sshd
 */
export function isOurSshd(pid: number, config: string): boolean {
  if (!isRunning(pid)) return false;
  const cmd = cmdline(pid);
  return cmd?.includes('sshd') === true && cmd.includes(` -f ${config} `);
}

/**
 * Every live descendant of a process (one scan of /proc), deepest last.
 *
 * @param root - the ancestor
 * @returns the pids of its children, grandchildren…
 */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s === undefined || s.state === 'Z') continue;
    const list = children.get(s.ppid);
    if (list === undefined) children.set(s.ppid, [s.pid]);
    else list.push(s.pid);
  }
  const out: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/**
 * Sends a signal, ignoring a process that is already gone.
 *
 * @param pid - a process id
 * @param signal - the signal
 */
export function signal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone
  }
}
