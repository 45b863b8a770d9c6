/**
 * `@cluster-task/workers`: the workers of cluster-task. Local ones here: `ExecWorker` (a local
 * command or `cp` per node, with `%h`/`%n`/`%hosts`), `PopenWorker` (one local command) and
 * `StreamWorker` (existing streams), the remote ones: `SshWorker` (OpenSSH `ssh`/`scp`, the
 * default distant worker) and `Ssh2Worker` (the in-process `ssh2` library, loaded on first use),
 * plus the registry of worker names.
 *
 * @packageDocumentation
 */
export { UnknownWorkerError, WorkerPatternError } from './errors.js';
export {
  CopyClient,
  type DistantWorkerClass,
  type DistantWorkerOptions,
  ExecClient,
  type ExecClientOptions,
  ExecWorker,
  type ExecWorkerOptions,
  type NodesInput,
  toNodeSet,
} from './exec-worker.js';
export type { CommandSpec } from './internal/process.js';
export { PopenWorker, type PopenWorkerOptions } from './popen-worker.js';
export { getWorkerClass, hasWorker, registerWorker, workerNames } from './registry.js';
export { ScpClient, SshClient, SshWorker, type SshWorkerOptions } from './ssh-worker.js';
export type { SshErrorCode, SshErrorContext } from './ssh2/errors.js';
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
} from './ssh2/errors.js';
export {
  type CopyProgress,
  closeSsh2Connections,
  Ssh2Client,
  Ssh2CopyClient,
  type Ssh2EventHandler,
  Ssh2Worker,
  type Ssh2WorkerOptions,
} from './ssh2-worker.js';
export {
  type StreamBindOptions,
  StreamWorker,
  type StreamWorkerOptions,
} from './stream-worker.js';
