/**
 * File copy over SFTP, with scp's semantics: push a file or a directory tree to a node, or pull one
 * from it (reverse copy), streamed in chunks (never read whole into memory), optionally
 * preserving modes and times, with progress callbacks.
 */
import { chmod, mkdir, readdir, stat, utimes } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { SFTPWrapper, Stats as SftpStats } from 'ssh2';
import { connectionInternals, type SshConnection } from './connection.js';
import { isSshError, SshSftpError } from './errors.js';
import { abortReason } from './internal/error-adapter.js';
import { putFile } from './internal/put-file.js';

/** Progress of a transfer. */
export interface SftpProgress {
  /** Bytes copied so far (all files). */
  readonly bytesDone: number;
  /** Bytes to copy in total. */
  readonly bytesTotal: number;
  /** Files completed so far. */
  readonly filesDone: number;
  /** Files to copy in total. */
  readonly filesTotal: number;
  /** The file being copied (destination path). */
  readonly file: string;
}

/** Options of {@link sftpPush} and {@link sftpPull}. */
export interface SftpTransferOptions {
  /**
   * Keep modification and access times (scp `-p`); modes are always copied, as scp does.
   * @defaultValue false
   */
  readonly preserve?: boolean;
  /** Aborts the transfer (the SFTP channel is closed; partial files stay). */
  readonly signal?: AbortSignal;
  /** Called as bytes are acknowledged. */
  readonly onProgress?: (progress: SftpProgress) => void;
  /**
   * Requests in flight per file (SFTP pipelining).
   * @defaultValue 64
   */
  readonly concurrency?: number;
  /**
   * Bytes per request.
   * @defaultValue 32768
   */
  readonly chunkSize?: number;
  /**
   * Files copied at once in a tree.
   * @defaultValue 4
   */
  readonly parallelFiles?: number;
}

/** What a transfer did. */
export interface SftpTransferResult {
  /** The path written: the destination, or `destination/<basename>` when it was a directory. */
  readonly target: string;
  /** Regular files copied. */
  readonly files: number;
  /** Directories created or updated. */
  readonly directories: number;
  /** Bytes copied. */
  readonly bytes: number;
  /** Entries skipped (sockets, FIFOs, devices). */
  readonly skipped: readonly string[];
}

interface Entry {
  readonly rel: string;
  readonly kind: 'dir' | 'file';
  readonly size: number;
  readonly mode: number;
  readonly atime: number;
  readonly mtime: number;
}

function call<T>(fn: (cb: (err: Error | undefined | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, value) => {
      if (err !== undefined && err !== null) reject(err);
      else resolve(value as T);
    });
  });
}

function remoteError(e: unknown, path: string, what: string, ctx: object): SshSftpError {
  if (isSshError(e) && e instanceof SshSftpError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new SshSftpError('remote', path, `${what} ${path}: ${message}`, { ...ctx, cause: e });
}

function localError(e: unknown, path: string, what: string, ctx: object): SshSftpError {
  if (e instanceof SshSftpError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new SshSftpError('local', path, `${what} ${path}: ${message}`, { ...ctx, cause: e });
}

async function remoteStat(sftp: SFTPWrapper, path: string): Promise<SftpStats | undefined> {
  try {
    return await call<SftpStats>((cb) => sftp.stat(path, cb));
  } catch (e) {
    if ((e as { code?: unknown }).code === 2) return undefined;
    throw e;
  }
}

async function walkLocal(root: string, skipped: string[]): Promise<Entry[]> {
  const entries: Entry[] = [];
  const visit = async (rel: string): Promise<void> => {
    const abs = rel === '' ? root : join(root, rel);
    const st = await stat(abs);
    const base = {
      rel,
      mode: st.mode & 0o7777,
      atime: Math.floor(st.atimeMs / 1000),
      mtime: Math.floor(st.mtimeMs / 1000),
    };
    if (st.isDirectory()) {
      entries.push({ ...base, kind: 'dir', size: 0 });
      const names = (await readdir(abs)).sort();
      for (const name of names) await visit(rel === '' ? name : join(rel, name));
    } else if (st.isFile()) {
      entries.push({ ...base, kind: 'file', size: st.size });
    } else skipped.push(abs);
  };
  await visit('');
  return entries;
}

async function walkRemote(sftp: SFTPWrapper, root: string, skipped: string[]): Promise<Entry[]> {
  const entries: Entry[] = [];
  const visit = async (rel: string, known?: SftpStats): Promise<void> => {
    const abs = rel === '' ? root : posix.join(root, rel);
    const st = known ?? (await call<SftpStats>((cb) => sftp.stat(abs, cb)));
    const base = { rel, mode: st.mode & 0o7777, atime: st.atime, mtime: st.mtime };
    if (st.isDirectory()) {
      entries.push({ ...base, kind: 'dir', size: 0 });
      const list = await call<{ filename: string; attrs: SftpStats }[]>((cb) =>
        sftp.readdir(abs, cb),
      );
      list.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
      for (const item of list) {
        if (item.filename === '.' || item.filename === '..') continue;
        const childRel = rel === '' ? item.filename : posix.join(rel, item.filename);
        await visit(childRel, item.attrs.isSymbolicLink() ? undefined : item.attrs);
      }
    } else if (st.isFile()) {
      entries.push({ ...base, kind: 'file', size: st.size });
    } else skipped.push(abs);
  };
  await visit('');
  return entries;
}

async function runLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure;
}

interface Direction {
  readonly push: boolean;
}

async function transfer(
  connection: SshConnection,
  source: string,
  destination: string,
  options: SftpTransferOptions,
  dir: Direction,
): Promise<SftpTransferResult> {
  const { signal } = options;
  if (signal?.aborted === true) throw abortReason(signal);
  const inner = connectionInternals(connection);
  const ctx = inner.context();
  const { sftp, release } = await inner.openSftp(signal);
  let aborted = false;
  const onAbort = (): void => {
    aborted = true;
    release();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const skipped: string[] = [];
    let entries: Entry[];
    if (dir.push) {
      try {
        entries = await walkLocal(source, skipped);
      } catch (e) {
        throw localError(e, source, 'cannot read', ctx);
      }
    } else {
      try {
        entries = await walkRemote(sftp, source, skipped);
      } catch (e) {
        throw remoteError(e, source, 'cannot read', ctx);
      }
    }
    const rootIsDir = entries[0]?.kind === 'dir';
    const sourceBase = dir.push ? basename(source) : posix.basename(source);
    let target = destination;
    if (dir.push) {
      let st: SftpStats | undefined;
      try {
        st = await remoteStat(sftp, destination);
      } catch (e) {
        throw remoteError(e, destination, 'cannot stat', ctx);
      }
      if (st?.isDirectory() === true) target = posix.join(destination, sourceBase);
    } else {
      const st = await stat(destination).catch(() => undefined);
      if (st?.isDirectory() === true) target = join(destination, sourceBase);
    }
    const targetOf = (rel: string): string =>
      rel === '' ? target : dir.push ? posix.join(target, rel) : join(target, rel);
    const sourceOf = (rel: string): string =>
      rel === '' ? source : dir.push ? join(source, rel) : posix.join(source, rel);
    const files = entries.filter((e) => e.kind === 'file');
    const dirs = entries.filter((e) => e.kind === 'dir');
    const bytesTotal = files.reduce((n, f) => n + f.size, 0);
    let bytesDone = 0;
    let filesDone = 0;
    const progress = (file: string): void => {
      options.onProgress?.({ bytesDone, bytesTotal, filesDone, filesTotal: files.length, file });
    };

    for (const d of dirs) {
      const path = targetOf(d.rel);
      if (dir.push) {
        const st = await remoteStat(sftp, path).catch((e: unknown) => {
          throw remoteError(e, path, 'cannot stat', ctx);
        });
        if (st === undefined) {
          await call<void>((cb) => sftp.mkdir(path, { mode: d.mode | 0o700 }, cb)).catch(
            (e: unknown) => {
              throw remoteError(e, path, 'cannot create directory', ctx);
            },
          );
        } else if (!st.isDirectory()) {
          throw new SshSftpError('remote', path, `${path} exists and is not a directory`, ctx);
        }
      } else {
        await mkdir(path, { recursive: true, mode: d.mode | 0o700 }).catch((e: unknown) => {
          throw localError(e, path, 'cannot create directory', ctx);
        });
      }
    }

    await runLimited(files, rootIsDir ? (options.parallelFiles ?? 4) : 1, async (f) => {
      const from = sourceOf(f.rel);
      const to = targetOf(f.rel);
      let last = 0;
      const transferOptions = {
        concurrency: options.concurrency ?? 64,
        chunkSize: options.chunkSize ?? 32768,
        mode: f.mode,
        step: (total: number) => {
          bytesDone += total - last;
          last = total;
          progress(to);
        },
      };
      try {
        if (dir.push) {
          await putFile(sftp, from, to, {
            mode: f.mode,
            chunkSize: transferOptions.chunkSize,
            concurrency: transferOptions.concurrency,
            step: transferOptions.step,
            signal,
          });
        } else {
          await call<void>((cb) => sftp.fastGet(from, to, transferOptions, cb));
        }
      } catch (e) {
        const local = typeof (e as { code?: unknown }).code === 'string';
        throw local
          ? localError(e, dir.push ? from : to, dir.push ? 'cannot read' : 'cannot write', ctx)
          : remoteError(e, dir.push ? to : from, dir.push ? 'cannot write' : 'cannot read', ctx);
      }
      if (dir.push && f.size === 0) {
        await call<void>((cb) => sftp.chmod(to, f.mode, cb)).catch((e: unknown) => {
          throw remoteError(e, to, 'cannot chmod', ctx);
        });
      }
      if (!dir.push) {
        await chmod(to, f.mode).catch((e: unknown) => {
          throw localError(e, to, 'cannot chmod', ctx);
        });
      }
      if (options.preserve === true) await setTimes(sftp, dir, to, f, ctx);
      bytesDone += f.size - last;
      filesDone++;
      progress(to);
    });

    for (const d of [...dirs].reverse()) {
      const path = targetOf(d.rel);
      if (dir.push) {
        await call<void>((cb) => sftp.chmod(path, d.mode, cb)).catch((e: unknown) => {
          throw remoteError(e, path, 'cannot chmod', ctx);
        });
      } else {
        await chmod(path, d.mode).catch((e: unknown) => {
          throw localError(e, path, 'cannot chmod', ctx);
        });
      }
      if (options.preserve === true) await setTimes(sftp, dir, path, d, ctx);
    }
    return { target, files: files.length, directories: dirs.length, bytes: bytesTotal, skipped };
  } catch (e) {
    if (aborted && signal !== undefined) throw abortReason(signal);
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    release();
  }
}

async function setTimes(
  sftp: SFTPWrapper,
  dir: Direction,
  path: string,
  e: Entry,
  ctx: object,
): Promise<void> {
  if (dir.push) {
    await call<void>((cb) => sftp.utimes(path, e.atime, e.mtime, cb)).catch((err: unknown) => {
      throw remoteError(err, path, 'cannot set times of', ctx);
    });
  } else {
    await utimes(path, e.atime, e.mtime).catch((err: unknown) => {
      throw localError(err, path, 'cannot set times of', ctx);
    });
  }
}

/**
 * Copies a local file or directory tree to a node (ClusterShell's `task.copy`): into
 * `destination/<basename>` when `destination` is an existing remote directory, else to
 * `destination` itself; directories are copied recursively, symbolic links followed.
 *
 * @param connection - the node's connection
 * @param source - local file or directory
 * @param destination - remote path (relative paths start at the remote home)
 * @param options - preserve, progress, abort signal
 * @returns what was written
 * @throws {SshSftpError} a local or remote file error (with the path)
 * @throws {SshChannelError} the server refused the SFTP subsystem
 * @example
 * ```ts
 * await sftpPush(conn, './dist', '/opt/app', { preserve: true, onProgress: (p) => bar.update(p.bytesDone / p.bytesTotal) });
 * ```
 */
export function sftpPush(
  connection: SshConnection,
  source: string,
  destination: string,
  options: SftpTransferOptions = {},
): Promise<SftpTransferResult> {
  return transfer(connection, source, destination, options, { push: true });
}

/**
 * Copies a remote file or directory tree from a node to a local path (ClusterShell's
 * `task.rcopy` uses `dest/<basename>.<node>` as `destination`): into
 * `destination/<basename>` when `destination` is an existing local directory, else to
 * `destination` itself.
 *
 * @param connection - the node's connection
 * @param source - remote file or directory
 * @param destination - local path
 * @param options - preserve, progress, abort signal
 * @returns what was written
 * @throws {SshSftpError} a local or remote file error (with the path)
 * @throws {SshChannelError} the server refused the SFTP subsystem
 * @example
 * ```ts
 * await sftpPull(conn, '/var/log/syslog', `/tmp/logs/syslog.${conn.node}`);
 * ```
 */
export function sftpPull(
  connection: SshConnection,
  source: string,
  destination: string,
  options: SftpTransferOptions = {},
): Promise<SftpTransferResult> {
  return transfer(connection, source, destination, options, { push: false });
}
