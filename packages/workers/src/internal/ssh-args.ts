/**
 * The command lines of the ssh workers, built from the task's info keys exactly as ClusterShell
 * 1.9 builds them (`ssh_path`, `ssh_user`, `ssh_options`, `connect_timeout`; `scp_path`,
 * `scp_user`, `scp_options` falling back to the ssh values), and the option words the `ssh2`
 * transport parses, so that one configuration drives both transports.
 *
 * @module
 */
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { WorkerHost } from '@cluster-task/engine';
import { WorkerArgumentError } from '@cluster-task/engine';
import { splitShellWords } from '../ssh2/internal/words.js';

/** Reads an info key of the worker's host (undefined without a host). */
function info(host: WorkerHost | undefined, key: string): unknown {
  return host?.info(key);
}

/**
 * Python's `os.path.expanduser` for the forms that matter here: `~` and `~/…` (`~user` is kept).
 *
 * @param word - a path or option word
 * @returns the word with a leading `~` replaced by the home directory
 */
export function expandUser(word: string): string {
  if (word === '~') return homedir();
  if (word.startsWith('~/')) return `${homedir()}${word.slice(1)}`;
  return word;
}

/**
 * Splits an info value as ClusterShell's `shlex.split` (a string), or takes its words (an array).
 *
 * @param value - the info value
 * @param key - the info key (for the error)
 * @returns the words, `~` expanded, or an empty list when unset
 * @throws {WorkerArgumentError} on unbalanced quotes or a value of another type
 */
export function infoWords(value: unknown, key: string): string[] {
  if (value === undefined || value === null || value === '' || value === false) return [];
  let words: string[];
  if (typeof value === 'string') {
    try {
      words = splitShellWords(value);
    } catch (e) {
      throw new WorkerArgumentError(`cannot split ${key} "${value}": ${(e as Error).message}`, {
        cause: e,
      });
    }
  } else if (Array.isArray(value) && value.every((w) => typeof w === 'string')) {
    words = [...(value as string[])];
  } else {
    throw new WorkerArgumentError(`${key} must be a string or an array of strings`);
  }
  return words.map(expandUser);
}

function optionalString(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '' || value === false) return undefined;
  return String(value);
}

/**
 * The connect timeout as ClusterShell formats it (`%d`: truncated), or undefined when not > 0.
 *
 * @param host - the worker's host
 * @returns whole seconds, or undefined
 */
export function connectTimeoutOf(host: WorkerHost | undefined): number | undefined {
  const value = Number(info(host, 'connect_timeout') ?? 0);
  if (!(value > 0)) return undefined;
  return Math.trunc(value);
}

/**
 * The ssh options ClusterShell puts between `ssh_path` and the node: `ssh_options` first (the
 * first obtained value wins, so they override the rest), then `-oForwardAgent=no
 * -oForwardX11=no`, `-l USER`, `-oConnectTimeout=N` and `-oBatchMode=yes`.
 *
 * @param host - the worker's host (its info keys)
 * @returns the option words
 * @throws {WorkerArgumentError} on malformed `ssh_options`
 */
export function sshOptionWords(host: WorkerHost | undefined): string[] {
  const words = infoWords(info(host, 'ssh_options'), 'ssh_options');
  words.push('-oForwardAgent=no', '-oForwardX11=no');
  const user = optionalString(info(host, 'ssh_user'));
  if (user !== undefined) words.push('-l', user);
  const timeout = connectTimeoutOf(host);
  if (timeout !== undefined) words.push(`-oConnectTimeout=${timeout}`);
  words.push('-oBatchMode=yes');
  return words;
}

/**
 * The whole ssh command line of one node (ClusterShell's `SshClient._build_cmd`).
 *
 * @param host - the worker's host
 * @param node - the node name
 * @param command - the remote command (one argument)
 * @returns argv, starting with the ssh program
 * @throws {WorkerArgumentError} on malformed `ssh_path` or `ssh_options`
 */
export function sshArgv(host: WorkerHost | undefined, node: string, command: string): string[] {
  const path = infoWords(optionalString(info(host, 'ssh_path')) ?? 'ssh', 'ssh_path');
  return [...path, ...sshOptionWords(host), node, command];
}

/**
 * The ssh options of the `ssh2` transport for copies: `scp_options` (or `ssh_options`), the
 * `scp_user` (or `ssh_user`) and the connect timeout, with the hardwired options of `ssh`.
 *
 * @param host - the worker's host
 * @returns the option words
 * @throws {WorkerArgumentError} on malformed options
 */
export function copyOptionWords(host: WorkerHost | undefined): string[] {
  const options = optionalString(info(host, 'scp_options'))
    ? info(host, 'scp_options')
    : info(host, 'ssh_options');
  const words = infoWords(options, 'scp_options');
  words.push('-oForwardAgent=no', '-oForwardX11=no');
  const user = scpUserOf(host);
  if (user !== undefined) words.push('-l', user);
  const timeout = connectTimeoutOf(host);
  if (timeout !== undefined) words.push(`-oConnectTimeout=${timeout}`);
  words.push('-oBatchMode=yes');
  return words;
}

/**
 * The user of copies: `scp_user`, else `ssh_user`.
 *
 * @param host - the worker's host
 * @returns the user name, or undefined
 */
export function scpUserOf(host: WorkerHost | undefined): string | undefined {
  return optionalString(info(host, 'scp_user')) ?? optionalString(info(host, 'ssh_user'));
}

/** What an scp command line is made of. */
export interface ScpSpec {
  readonly node: string;
  readonly source: string;
  readonly dest: string;
  readonly isDir: boolean;
  readonly preserve: boolean;
  readonly reverse: boolean;
}

/**
 * The reverse copy target of a node: `dest/<basename(source)>.<node>`.
 *
 * @param source - the remote source path
 * @param dest - the local directory
 * @param node - the node name
 * @returns the local path
 */
export function reverseTarget(source: string, dest: string, node: string): string {
  return join(dest, `${basename(source)}.${node}`);
}

/**
 * The whole scp command line of one node (ClusterShell's `ScpClient._build_cmd`): `scp_path`,
 * `scp_options` (or `ssh_options`), `-r`, `-p`, `-oConnectTimeout=N` (no BatchMode), then
 * `source [user@][node]:dest`, or `[user@][node]:source dest/<basename>.<node>` in reverse.
 *
 * @param host - the worker's host
 * @param spec - node, paths and flags
 * @returns argv, starting with the scp program
 * @throws {WorkerArgumentError} on malformed `scp_path` or options
 */
export function scpArgv(host: WorkerHost | undefined, spec: ScpSpec): string[] {
  const path = infoWords(optionalString(info(host, 'scp_path')) ?? 'scp', 'scp_path');
  const options = optionalString(info(host, 'scp_options'))
    ? info(host, 'scp_options')
    : info(host, 'ssh_options');
  const argv = [...path, ...infoWords(options, 'scp_options')];
  if (spec.isDir) argv.push('-r');
  if (spec.preserve) argv.push('-p');
  const timeout = connectTimeoutOf(host);
  if (timeout !== undefined) argv.push(`-oConnectTimeout=${timeout}`);
  const user = scpUserOf(host);
  const remote = (path: string): string =>
    user === undefined ? `[${spec.node}]:${path}` : `${user}@[${spec.node}]:${path}`;
  if (spec.reverse) {
    argv.push(remote(spec.source), reverseTarget(spec.source, spec.dest, spec.node));
  } else {
    argv.push(spec.source, remote(spec.dest));
  }
  return argv;
}
