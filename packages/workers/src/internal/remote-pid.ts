/**
 * How the ssh workers end a remote command on abort or timeout. Killing the local `ssh` (or
 * closing an `ssh2` channel) does not end a remote command that prints nothing: sshd gives it no
 * terminal, so no SIGHUP, and OpenSSH refuses `signal` channel requests for root logins. So the
 * command is prefixed with `echo <marker>$$;`: the remote shell reports its pid, which sshd made
 * a session and process group leader (`setsid()`), and an abort runs `kill -9 -<pid>` on the
 * node, which ends the command and everything it started in its group.
 *
 * The prefix is plain `echo` and `$$` (sh, bash, dash, zsh, ksh, csh, tcsh); the marker line is
 * taken out of the output. Set the info key `ssh_remote_kill` to false to send commands exactly
 * as ClusterShell does (forced commands, restricted or non-POSIX login shells such as fish).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { WorkerHost } from '@cluster-task/engine';

/** A marker unlikely to be printed by anything else: fixed text plus 6 random bytes. */
const MARKER = `__ct_rpid_${randomBytes(6).toString('hex')}=`;
const MARKER_BYTES = Buffer.from(MARKER);

/** Lines looked at for the marker before giving up (startup files may print before it). */
export const MARKER_SEARCH_LINES = 64;

/**
 * Whether the remote kill is enabled for the worker's host (info `ssh_remote_kill`, default
 * true).
 *
 * @param host - the worker's host
 * @returns true unless the info key is false (or `'no'`, `'0'`)
 */
export function remoteKillEnabled(host: WorkerHost | undefined): boolean {
  const value = host?.info('ssh_remote_kill');
  if (value === undefined || value === null) return true;
  if (value === false || value === 0) return false;
  if (typeof value === 'string' && /^(?:no|false|0|off)$/iu.test(value.trim())) return false;
  return true;
}

/**
 * Prefixes a command with the pid report; an empty command is left alone (ssh would open a
 * login shell).
 *
 * @param command - the remote command
 * @returns the command to send
 */
export function withPidReport(command: string): string {
  if (command.trim() === '') return command;
  return `echo ${MARKER}$$; ${command}`;
}

/**
 * Reads the pid out of a marker line.
 *
 * @param line - an output line (without end of line)
 * @returns the pid, or undefined when the line is not the marker
 */
export function parsePidReport(line: Buffer): number | undefined {
  if (line.length <= MARKER_BYTES.length || line.length > MARKER_BYTES.length + 12)
    return undefined;
  if (line.compare(MARKER_BYTES, 0, MARKER_BYTES.length, 0, MARKER_BYTES.length) !== 0) {
    return undefined;
  }
  const digits = line.toString('latin1', MARKER_BYTES.length).trim();
  if (!/^\d+$/u.test(digits)) return undefined;
  const pid = Number(digits);
  return pid > 1 ? pid : undefined;
}

/**
 * The command that kills a remote process group.
 *
 * @param pid - the remote shell's pid (its process group id)
 * @returns the command line
 */
export function killGroupCommand(pid: number): string {
  return `kill -9 -${pid}`;
}
