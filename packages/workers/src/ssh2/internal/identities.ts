/**
 * Identity files and agents for authentication: keys are read and parsed once per process
 * context (a pool shares them), encrypted keys are recognised without ever prompting.
 */
import { readFile } from 'node:fs/promises';
import type { ParsedKey } from 'ssh2';
import ssh2 from 'ssh2';

/** An identity file after reading. */
export interface LoadedIdentity {
  /** The file. */
  readonly path: string;
  /** What was found. */
  readonly status: 'ok' | 'missing' | 'encrypted' | 'invalid';
  /** The private key when `ok`. */
  readonly key: ParsedKey | undefined;
  /** The public blob, from the key or from `<path>.pub` (lets IdentitiesOnly pick agent keys). */
  readonly publicBlob: Buffer | undefined;
  /** Why it is unusable. */
  readonly message: string | undefined;
}

function parseOne(data: Buffer): ParsedKey | Error {
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) return parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return key ?? new Error('no key in file');
}

async function readPublicBlob(path: string): Promise<Buffer | undefined> {
  try {
    const parsed = parseOne(await readFile(`${path}.pub`));
    return parsed instanceof Error ? undefined : parsed.getPublicSSH();
  } catch {
    return undefined;
  }
}

/**
 * Reads and parses one identity file (no passphrase: an encrypted key is reported as such).
 *
 * @param path - the file
 * @returns what was found
 */
export async function loadIdentity(path: string): Promise<LoadedIdentity> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      path,
      status: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'invalid',
      key: undefined,
      publicBlob: undefined,
      message: (e as Error).message,
    };
  }
  const parsed = parseOne(data);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/iu.test(parsed.message);
    return {
      path,
      status: encrypted ? 'encrypted' : 'invalid',
      key: undefined,
      publicBlob: await readPublicBlob(path),
      message: parsed.message,
    };
  }
  if (!parsed.isPrivateKey()) {
    return {
      path,
      status: 'invalid',
      key: undefined,
      publicBlob: parsed.getPublicSSH(),
      message: 'not a private key',
    };
  }
  return { path, status: 'ok', key: parsed, publicBlob: parsed.getPublicSSH(), message: undefined };
}

/**
 * An ssh-agent client limited to some public keys (`IdentitiesOnly yes`: only the agent keys
 * whose public half matches a configured identity file).
 *
 * @param socketPath - the agent socket
 * @param allowed - public blobs allowed
 * @returns the agent
 */
export function createFilteredAgent(
  socketPath: string,
  allowed: readonly Buffer[],
): InstanceType<typeof ssh2.OpenSSHAgent> {
  const agent = new ssh2.OpenSSHAgent(socketPath);
  const getIdentities = agent.getIdentities.bind(agent);
  agent.getIdentities = (cb) => {
    getIdentities((err, keys) => {
      if (err !== undefined && err !== null) {
        cb(err);
        return;
      }
      cb(
        undefined,
        (keys ?? []).filter((k) => {
          const blob = publicBlobOf(k);
          return blob !== undefined && allowed.some((b) => b.equals(blob));
        }),
      );
    });
  };
  return agent;
}

function publicBlobOf(entry: unknown): Buffer | undefined {
  const e = entry as { getPublicSSH?: () => Buffer; pubKey?: unknown };
  if (typeof e.getPublicSSH === 'function') return e.getPublicSSH();
  if (e.pubKey !== undefined) return publicBlobOf(e.pubKey);
  return Buffer.isBuffer(entry) ? entry : undefined;
}
