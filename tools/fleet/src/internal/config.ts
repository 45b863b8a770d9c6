/**
 * The text of the fleet's generated files: one `sshd_config` per sshd instance, the client
 * `ssh_config`, `known_hosts` and `authorized_keys`.
 *
 * @module
 */

import { isLoopback } from './addresses.js';

/** One node of the fleet: its name and loopback address. */
export interface NodeEntry {
  readonly name: string;
  readonly address: string;
}

/** Everything an sshd instance's config needs. */
export interface SshdConfigInput {
  /** Instance number (for the header only). */
  readonly index: number;
  readonly port: number;
  /** The nodes this instance serves (1…16: OpenSSH's MAX_LISTEN_SOCKS). */
  readonly nodes: readonly NodeEntry[];
  readonly hostKey: string;
  readonly pidFile: string;
  readonly authorizedKeys: string;
  readonly user: string;
  /** Directory holding each node's lean HOME (`<homes>/<node>`), also the SFTP start directory. */
  readonly homes: string;
  readonly maxSessions: number;
  readonly maxStartups: number;
  /** Add `PerSourcePenalties no` (OpenSSH ≥ 9.8 penalises failing sources, and all clients are 127.0.0.1). */
  readonly perSourcePenalties: boolean;
}

/** KEX pinned on both sides: OpenSSH 9.2's default sntrup761 costs ~10× the client CPU. */
export const KEX = 'curve25519-sha256';

/**
 * The sshd_config of one instance. Refuses an empty or non-loopback address list: sshd without
 * `ListenAddress` would listen on every interface.
 *
 * @param c - the instance's settings
 * @returns the config text
 * @throws {Error} when an address is not in 127.0.0.0/8 or the list is empty
 */
export function renderSshdConfig(c: SshdConfigInput): string {
  if (c.nodes.length === 0) throw new Error('an sshd instance needs at least one ListenAddress');
  for (const n of c.nodes) {
    if (!isLoopback(n.address)) throw new Error(`not a loopback address: ${n.address}`);
  }
  const lines = [
    `# cluster-task test fleet, sshd instance ${c.index} (generated: loopback only, private keys)`,
    `Port ${c.port}`,
    'AddressFamily inet',
    ...c.nodes.map((n) => `ListenAddress ${n.address}`),
    `HostKey ${c.hostKey}`,
    `PidFile ${c.pidFile}`,
    `AuthorizedKeysFile ${c.authorizedKeys}`,
    'AuthorizedPrincipalsFile none',
    'AuthenticationMethods publickey',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'HostbasedAuthentication no',
    'PermitRootLogin prohibit-password',
    `AllowUsers ${c.user}`,
    'UsePAM no',
    // the fleet directory usually lives under /tmp (sticky, world-writable)
    'StrictModes no',
    'PermitUserEnvironment no',
    'PermitUserRC no',
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    'X11Forwarding no',
    'AllowAgentForwarding no',
    'AllowStreamLocalForwarding no',
    'PermitTunnel no',
    'GatewayPorts no',
    'PermitListen none',
    // forwarding (ProxyJump between nodes) to the fleet's port only; listing every node address
    // instead cost ~8 ms of sshd CPU per connection at 512 nodes
    `PermitOpen *:${c.port}`,
    `KexAlgorithms ${KEX},curve25519-sha256@libssh.org`,
    `MaxStartups ${c.maxStartups}`,
    'PerSourceMaxStartups none',
    ...(c.perSourcePenalties ? ['PerSourcePenalties no'] : []),
    `MaxSessions ${c.maxSessions}`,
    'LogLevel ERROR',
    `Subsystem sftp internal-sftp -d ${c.homes}`,
    // a lean HOME per node: bash (run by sshd) reads $HOME/.bashrc, and commands see their own ~
    ...c.nodes.flatMap((n) => [
      `Match LocalAddress ${n.address}`,
      `  SetEnv HOME=${c.homes}/${n.name}`,
    ]),
    '',
  ];
  return lines.join('\n');
}

/** Everything the client config needs. */
export interface SshConfigInput {
  readonly port: number;
  readonly user: string;
  readonly nodes: readonly NodeEntry[];
  readonly identityFile: string;
  readonly knownHosts: string;
}

/**
 * The client ssh_config: one `Host nodeK` / `HostName 127.77.x.y` pair per node, then the options
 * shared by all.
 *
 * @param c - the fleet's settings
 * @returns the config text
 */
export function renderSshConfig(c: SshConfigInput): string {
  const lines = [
    `# cluster-task test fleet: ${c.nodes.length} nodes on ${c.nodes[0]?.address ?? '-'}… port ${c.port} (generated)`,
    '# use: ssh -F <this file> node1 …',
  ];
  for (const n of c.nodes) lines.push(`Host ${n.name}`, `  HostName ${n.address}`);
  lines.push(
    'Host *',
    `  User ${c.user}`,
    `  Port ${c.port}`,
    `  IdentityFile ${c.identityFile}`,
    '  IdentitiesOnly yes',
    '  IdentityAgent none',
    '  PasswordAuthentication no',
    '  KbdInteractiveAuthentication no',
    '  StrictHostKeyChecking yes',
    `  UserKnownHostsFile ${c.knownHosts}`,
    '  GlobalKnownHostsFile /dev/null',
    '  UpdateHostKeys no',
    '  CheckHostIP no',
    '  BatchMode yes',
    `  KexAlgorithms ${KEX}`,
    '  ControlMaster no',
    '  ControlPath none',
    '  ForwardAgent no',
    '  ForwardX11 no',
    '  LogLevel ERROR',
    '',
  );
  return lines.join('\n');
}

/**
 * known_hosts: one line per node naming it both ways (`[nodeK]:port` and `[127.77.x.y]:port`),
 * all with the fleet's one host key.
 *
 * @param nodes - the fleet's nodes
 * @param port - the sshd port
 * @param hostPublicKey - `ssh-ed25519 AAAA…` (comment dropped)
 * @returns the file text
 */
export function renderKnownHosts(
  nodes: readonly NodeEntry[],
  port: number,
  hostPublicKey: string,
): string {
  return nodes.map((n) => `[${n.name}]:${port},[${n.address}]:${port} ${hostPublicKey}\n`).join('');
}

/**
 * authorized_keys: the client key, accepted from loopback sources only.
 *
 * @param clientPublicKey - `ssh-ed25519 AAAA…`
 * @returns the file text
 */
export function renderAuthorizedKeys(clientPublicKey: string): string {
  return `from="127.0.0.0/8" ${clientPublicKey} cluster-task-fleet\n`;
}
