/**
 * The algorithm lists of `ssh2` 1.17 (its `lib/protocol/constants.js`, which the package does not
 * export; a test checks these copies against the library) and the translation of the
 * configuration's KexAlgorithms / HostKeyAlgorithms / Ciphers / MACs into `ssh2`'s `algorithms`.
 */
import type { Algorithms } from 'ssh2';
import { SshConfigError } from '../errors.js';
import { type AlgorithmSpec, applyAlgorithmSpec, type SshHostConfig } from '../ssh-config.js';

/** `ssh2`'s default and supported lists, per kind. */
export const SSH2_ALGORITHMS = {
  kex: {
    defaults: [
      'curve25519-sha256@libssh.org',
      'curve25519-sha256',
      'ecdh-sha2-nistp256',
      'ecdh-sha2-nistp384',
      'ecdh-sha2-nistp521',
      'diffie-hellman-group-exchange-sha256',
      'diffie-hellman-group14-sha256',
      'diffie-hellman-group15-sha512',
      'diffie-hellman-group16-sha512',
      'diffie-hellman-group17-sha512',
      'diffie-hellman-group18-sha512',
    ],
    extra: [
      'diffie-hellman-group-exchange-sha1',
      'diffie-hellman-group14-sha1',
      'diffie-hellman-group1-sha1',
    ],
  },
  serverHostKey: {
    defaults: [
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
      'ecdsa-sha2-nistp384',
      'ecdsa-sha2-nistp521',
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ],
    extra: ['ssh-dss'],
  },
  cipher: {
    defaults: [
      'aes128-gcm@openssh.com',
      'aes256-gcm@openssh.com',
      'aes128-ctr',
      'aes192-ctr',
      'aes256-ctr',
      'chacha20-poly1305@openssh.com',
    ],
    extra: ['aes256-cbc', 'aes192-cbc', 'aes128-cbc', '3des-cbc', 'aes128-gcm', 'aes256-gcm'],
  },
  hmac: {
    defaults: [
      'hmac-sha2-256-etm@openssh.com',
      'hmac-sha2-512-etm@openssh.com',
      'hmac-sha1-etm@openssh.com',
      'hmac-sha2-256',
      'hmac-sha2-512',
      'hmac-sha1',
    ],
    extra: [
      'hmac-md5',
      'hmac-sha2-256-96',
      'hmac-sha2-512-96',
      'hmac-ripemd160',
      'hmac-sha1-96',
      'hmac-md5-96',
    ],
  },
} as const;

type Kind = keyof typeof SSH2_ALGORITHMS;

function resolveKind(
  kind: Kind,
  spec: AlgorithmSpec | undefined,
  keyword: string,
  preferred: readonly string[] = [],
): string[] | undefined {
  const { defaults, extra } = SSH2_ALGORITHMS[kind];
  const supported = [...defaults, ...extra];
  if (spec === undefined && preferred.length === 0) return undefined;
  let list = applyAlgorithmSpec(spec, defaults, supported);
  if (list.length === 0) {
    throw new SshConfigError(
      `${keyword} ${spec?.op === 'set' ? '' : `${spec?.op} `}${spec?.names.join(',') ?? ''}: no algorithm supported by the ssh2 transport (it supports ${supported.join(',')})`,
    );
  }
  if (preferred.length > 0) {
    const first = preferred.filter((p) => list.includes(p));
    list = [...first, ...list.filter((a) => !first.includes(a))];
  }
  return list;
}

/**
 * The `algorithms` option for `ssh2` from a resolved host configuration.
 *
 * @param config - the resolved configuration
 * @param preferredHostKeys - host key algorithms to put first (types already in known_hosts),
 *   applied only when HostKeyAlgorithms is not configured, as OpenSSH does
 * @returns the option, or `undefined` when everything is default
 * @throws {SshConfigError} when a configured list has no algorithm that ssh2 supports
 */
export function ssh2Algorithms(
  config: SshHostConfig,
  preferredHostKeys: readonly string[],
): Algorithms | undefined {
  const kex = resolveKind('kex', config.kexAlgorithms, 'KexAlgorithms');
  const serverHostKey = resolveKind(
    'serverHostKey',
    config.hostKeyAlgorithms,
    'HostKeyAlgorithms',
    config.hostKeyAlgorithms === undefined ? preferredHostKeys : [],
  );
  const cipher = resolveKind('cipher', config.ciphers, 'Ciphers');
  const hmac = resolveKind('hmac', config.macs, 'MACs');
  if (
    kex === undefined &&
    serverHostKey === undefined &&
    cipher === undefined &&
    hmac === undefined
  ) {
    return undefined;
  }
  const out: Record<string, string[]> = {};
  if (kex !== undefined) out.kex = kex;
  if (serverHostKey !== undefined) out.serverHostKey = serverHostKey;
  if (cipher !== undefined) out.cipher = cipher;
  if (hmac !== undefined) out.hmac = hmac;
  return out as Algorithms;
}
