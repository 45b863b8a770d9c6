/**
 * `@cluster-task/workers/ssh2`: the in-process SSH layer of the `ssh2` transport (OpenSSH
 * configuration, known_hosts, connections and pools, SFTP copy). Only this entry loads the `ssh2`
 * library, so users of the exec worker never do.
 *
 * @packageDocumentation
 */

export type {
  SshConnectOptions,
  SshExecOptions,
  SshExitStatus,
  SshRunOptions,
  SshRunResult,
} from './connection.js';
export {
  SshConnection,
  SshExecution,
} from './connection.js';
export type {
  SshAuthReason,
  SshConfigErrorContext,
  SshConnectReason,
  SshErrorCode,
  SshErrorContext,
  SshHostKeyReason,
  SshTimeoutPhase,
} from './errors.js';
export {
  isSshConnectionFailure,
  isSshError,
  SshAuthError,
  SshChannelError,
  SshConfigError,
  SshConnectError,
  SshError,
  SshHostKeyError,
  SshProtocolError,
  SshSftpError,
  SshSignalError,
  SshTimeoutError,
} from './errors.js';
export type {
  HostKeyVerification,
  KnownHostEntry,
  KnownHostsCheck,
  KnownHostsStatus,
  VerifyHostKeyOptions,
} from './known-hosts.js';
export {
  fingerprint,
  hashHostName,
  KnownHosts,
  keyTypeOf,
  knownHostsName,
  verifyHostKey,
} from './known-hosts.js';
export type { SshPoolOptions, SshPoolStats } from './pool.js';
export { SshPool } from './pool.js';
export type { SftpProgress, SftpTransferOptions, SftpTransferResult } from './sftp.js';
export { sftpPull, sftpPush } from './sftp.js';
export type {
  AlgorithmSpec,
  SshCommandLine,
  SshConfigLoadOptions,
  SshHostConfig,
  SshJumpHost,
  SshOptionLine,
  SshResolveOptions,
  StrictHostKeyChecking,
} from './ssh-config.js';
export {
  applyAlgorithmSpec,
  parseProxyJump,
  parseSshOptions,
  resolveSshConfig,
  SshConfig,
} from './ssh-config.js';
