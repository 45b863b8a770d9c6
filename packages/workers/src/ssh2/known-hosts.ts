/**
 * known_hosts reading and host key verification, as OpenSSH does it: plain and hashed
 * (`|1|salt|hash`) host fields, `[host]:port` names, comma lists with wildcards and `!` negation,
 * `@revoked` (always refused) and `@cert-authority` (host certificates are not supported by the
 * in-process transport: said so in the error), `StrictHostKeyChecking` yes / accept-new / no.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SshHostKeyError } from './errors.js';
import { matchPatternList } from './internal/patterns.js';
import type { StrictHostKeyChecking } from './ssh-config.js';

/** One line of a known_hosts file. */
export interface KnownHostEntry {
  /** The file it was read from. */
  readonly file: string;
  /** Its 1-based line number. */
  readonly line: number;
  /** `@revoked` or `@cert-authority`, when the line has a marker. */
  readonly marker: 'revoked' | 'cert-authority' | undefined;
  /** The host field as written (a pattern list, or `|1|salt|hash`). */
  readonly hosts: string;
  /** The key type as written (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …). */
  readonly keyType: string;
  /** The public key blob (SSH wire format). */
  readonly key: Buffer;
}

/** What known_hosts says about a presented key. */
export type KnownHostsStatus = 'ok' | 'changed' | 'unknown' | 'revoked';

/** The result of {@link KnownHosts.check}. */
export interface KnownHostsCheck {
  /** The verdict. */
  readonly status: KnownHostsStatus;
  /** The matching entry (`ok`, `revoked`) or the first conflicting one (`changed`). */
  readonly entry: KnownHostEntry | undefined;
  /** `@cert-authority` lines that match the host (their certificates cannot be checked here). */
  readonly certAuthorities: readonly KnownHostEntry[];
  /** Key types known for the host (plain entries). */
  readonly knownTypes: readonly string[];
}

/** What {@link verifyHostKey} did. */
export interface HostKeyVerification {
  /** The verdict before any acceptance. */
  readonly status: KnownHostsStatus;
  /** True when the key was appended to a known_hosts file (`accept-new`, `no`). */
  readonly added: boolean;
  /** The file it was appended to. */
  readonly addedTo: string | undefined;
  /** The server key's fingerprint (`SHA256:…`). */
  readonly fingerprint: string;
  /** Set when a changed key was let through under `StrictHostKeyChecking no`. */
  readonly warning: string | undefined;
}

/**
 * The fingerprint OpenSSH prints for a key blob (`SHA256:` and unpadded base64).
 *
 * @param key - the public key blob (SSH wire format)
 * @returns `SHA256:…`
 * @example
 * ```ts
 * fingerprint(Buffer.from(base64, 'base64')); // 'SHA256:abc…'
 * ```
 */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/u, '')}`;
}

/**
 * The type name inside an SSH public key blob (`ssh-ed25519`, `ssh-rsa`, …).
 *
 * @param key - the blob
 * @returns the type, or `''` when the blob is malformed
 * @example
 * ```ts
 * keyTypeOf(blob); // 'ssh-ed25519'
 * ```
 */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return '';
  const len = key.readUInt32BE(0);
  if (len > key.length - 4) return '';
  return key.subarray(4, 4 + len).toString('latin1');
}

/**
 * The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise.
 *
 * @param host - host name or address
 * @param port - port
 * @returns the lookup name
 * @example
 * ```ts
 * knownHostsName('n1', 2222); // '[n1]:2222'
 * ```
 */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * Hashes a host name as `ssh-keygen -H` and `HashKnownHosts yes` do.
 *
 * @param name - the lookup name (see {@link knownHostsName})
 * @param salt - 20 random bytes (a new salt when omitted)
 * @returns the `|1|salt|hash` field
 * @example
 * ```ts
 * hashHostName('[n1]:2222');
 * ```
 */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const mac = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${mac}`;
}

function hostsFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const parts = hosts.split('|');
    if (parts.length !== 4) return false;
    const salt = Buffer.from(parts[2] as string, 'base64');
    const mac = createHmac('sha1', salt).update(name).digest('base64');
    return mac === parts[3];
  }
  return matchPatternList(name, hosts, true) === 1;
}

/** The plain key types a negotiated host key algorithm can present. */
function algorithmsForType(keyType: string): string[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [keyType];
}

/**
 * The entries of a set of known_hosts files, ready for lookups. Immutable except for
 * {@link KnownHosts.add}, which records keys accepted during the process's life.
 *
 * @example
 * ```ts
 * const kh = await KnownHosts.load(['/root/.ssh/known_hosts']);
 * const { status } = kh.check('node1', 22, blob);
 * ```
 */
export class KnownHosts {
  readonly #entries: KnownHostEntry[];
  /** Entries whose host field is a list of plain names, by lower-cased name (entry indexes). */
  readonly #byName = new Map<string, number[]>();
  /** Indexes of the other entries (wildcards, negations, hashed names): scanned every time. */
  readonly #scanned: number[] = [];

  private constructor(entries: KnownHostEntry[]) {
    this.#entries = [];
    for (const e of entries) this.add(e);
  }

  /** Every entry, in file order. */
  get entries(): readonly KnownHostEntry[] {
    return this.#entries;
  }

  /**
   * Parses known_hosts text; malformed lines are skipped, as OpenSSH does.
   *
   * @param text - the file's content
   * @param file - its name, for errors
   * @returns the entries
   * @example
   * ```ts
   * const kh = KnownHosts.parse(await readFile(p, 'utf8'), p);
   * ```
   */
  static parse(text: string, file = '<string>'): KnownHosts {
    return new KnownHosts(parseEntries(text, file));
  }

  /**
   * Reads known_hosts files; missing ones are skipped.
   *
   * @param files - paths, in lookup order (user files, then global files)
   * @returns the entries of all files
   * @throws {Error} when a file exists but cannot be read (the `fs` error)
   * @example
   * ```ts
   * const kh = await KnownHosts.load(cfg.userKnownHostsFiles.concat(cfg.globalKnownHostsFiles));
   * ```
   */
  static async load(files: readonly string[]): Promise<KnownHosts> {
    const entries: KnownHostEntry[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') continue;
        throw e;
      }
      entries.push(...parseEntries(text, file));
    }
    return new KnownHosts(entries);
  }

  /**
   * Records an entry (what {@link verifyHostKey} wrote to disk, for later lookups).
   *
   * @param entry - the new entry
   * @example
   * ```ts
   * kh.add({ file, line: 0, marker: undefined, hosts: 'n1', keyType: 'ssh-ed25519', key });
   * ```
   */
  add(entry: KnownHostEntry): void {
    const index = this.#entries.length;
    this.#entries.push(entry);
    if (entry.hosts.startsWith('|') || /[*?!]/u.test(entry.hosts)) {
      this.#scanned.push(index);
      return;
    }
    for (const name of new Set(entry.hosts.toLowerCase().split(','))) {
      const list = this.#byName.get(name);
      if (list === undefined) this.#byName.set(name, [index]);
      else list.push(index);
    }
  }

  /** Entries whose host field matches `name`, in file order. */
  #matching(name: string): KnownHostEntry[] {
    const direct = this.#byName.get(name.toLowerCase()) ?? [];
    const scanned = this.#scanned.filter((i) =>
      hostsFieldMatches((this.#entries[i] as KnownHostEntry).hosts, name),
    );
    const indexes = scanned.length === 0 ? direct : [...direct, ...scanned].sort((a, b) => a - b);
    return indexes.map((i) => this.#entries[i] as KnownHostEntry);
  }

  /**
   * Looks a presented host key up.
   *
   * @param name - the lookup name (`host`, `[host]:port` or the `HostKeyAlias`)
   * @param key - the blob the server presented
   * @returns the verdict with the entry concerned
   * @example
   * ```ts
   * kh.check(knownHostsName('n1', 2222), blob).status; // 'ok' | 'changed' | 'unknown' | 'revoked'
   * ```
   */
  check(name: string, key: Buffer): KnownHostsCheck {
    const type = keyTypeOf(key);
    let ok: KnownHostEntry | undefined;
    let changed: KnownHostEntry | undefined;
    const cas: KnownHostEntry[] = [];
    const types: string[] = [];
    for (const entry of this.#matching(name)) {
      if (entry.marker === 'revoked') {
        if (entry.key.equals(key)) {
          return { status: 'revoked', entry, certAuthorities: cas, knownTypes: types };
        }
        continue;
      }
      if (entry.marker === 'cert-authority') {
        cas.push(entry);
        continue;
      }
      if (!types.includes(entry.keyType)) types.push(entry.keyType);
      if (entry.key.equals(key)) ok ??= entry;
      else if (keyTypeOf(entry.key) === type) changed ??= entry;
    }
    if (ok !== undefined)
      return { status: 'ok', entry: ok, certAuthorities: cas, knownTypes: types };
    if (changed !== undefined) {
      return { status: 'changed', entry: changed, certAuthorities: cas, knownTypes: types };
    }
    return { status: 'unknown', entry: undefined, certAuthorities: cas, knownTypes: types };
  }

  /**
   * Host key algorithms to offer first for a host, so the server presents a key type that is
   * already known (OpenSSH orders its `HostKeyAlgorithms` the same way).
   *
   * @param name - the lookup name
   * @returns algorithm names (`rsa-sha2-512`, `rsa-sha2-256`, `ssh-rsa` for an RSA key)
   * @example
   * ```ts
   * kh.preferredAlgorithms('[n1]:2222'); // ['ssh-ed25519']
   * ```
   */
  preferredAlgorithms(name: string): string[] {
    const out: string[] = [];
    for (const entry of this.#matching(name)) {
      if (entry.marker !== undefined) continue;
      for (const alg of algorithmsForType(entry.keyType)) if (!out.includes(alg)) out.push(alg);
    }
    return out;
  }
}

function parseEntries(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/[ \t]+/u);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue;
    }
    const [hosts, keyType, b64] = fields;
    if (hosts === undefined || keyType === undefined || b64 === undefined) continue;
    if (!/^[A-Za-z0-9+/]+={0,2}$/u.test(b64)) continue;
    const key = Buffer.from(b64, 'base64');
    if (keyTypeOf(key) === '') continue;
    entries.push({ file, line: i + 1, marker, hosts, keyType, key });
  }
  return entries;
}

/** Inputs of {@link verifyHostKey}. */
export interface VerifyHostKeyOptions {
  /** The known_hosts entries (user then global files). */
  readonly knownHosts: KnownHosts;
  /** Host name (after `HostName`) as connected to. */
  readonly host: string;
  /** Port connected to. */
  readonly port: number;
  /** `HostKeyAlias`, looked up instead of the host (without port), as OpenSSH does. */
  readonly hostKeyAlias?: string | undefined;
  /** The policy. */
  readonly strict: StrictHostKeyChecking;
  /** Where `accept-new`/`no` append new keys (OpenSSH's first `UserKnownHostsFile`). */
  readonly userKnownHostsFile: string | undefined;
  /** Write the new entry hashed (`HashKnownHosts`). */
  readonly hash?: boolean;
  /** The node name, for errors. */
  readonly node?: string | undefined;
}

/**
 * Verifies the key a server presented, OpenSSH style: a known key passes; a revoked key is
 * refused; a changed key is refused (naming the known_hosts file and line) unless
 * `StrictHostKeyChecking no`; an unknown key is refused under `yes` and appended to the user
 * known_hosts file under `accept-new` and `no`.
 *
 * @param key - the blob the server presented
 * @param options - known hosts, host, port and policy
 * @returns what was decided (and written)
 * @throws {SshHostKeyError} when the key is refused
 * @example
 * ```ts
 * await verifyHostKey(blob, { knownHosts, host: 'n1', port: 22, strict: 'accept-new', userKnownHostsFile });
 * ```
 */
export async function verifyHostKey(
  key: Buffer,
  options: VerifyHostKeyOptions,
): Promise<HostKeyVerification> {
  const name = options.hostKeyAlias ?? knownHostsName(options.host, options.port);
  const fp = fingerprint(key);
  const type = keyTypeOf(key);
  const result = options.knownHosts.check(name, key);
  const ctx = {
    node: options.node,
    host: options.host,
    port: options.port,
    fingerprint: fp,
  };
  switch (result.status) {
    case 'ok':
      return {
        status: 'ok',
        added: false,
        addedTo: undefined,
        fingerprint: fp,
        warning: undefined,
      };
    case 'revoked': {
      const e = result.entry as KnownHostEntry;
      throw new SshHostKeyError(
        'revoked',
        `host key for ${name} (${type} ${fp}) is marked as revoked in ${e.file}:${e.line}; refusing to connect`,
        { ...ctx, file: e.file, line: e.line },
      );
    }
    case 'changed': {
      const e = result.entry as KnownHostEntry;
      if (options.strict === 'no') {
        return {
          status: 'changed',
          added: false,
          addedTo: undefined,
          fingerprint: fp,
          warning: `host key for ${name} has changed (offending ${e.keyType} key in ${e.file}:${e.line}); accepted because StrictHostKeyChecking is no`,
        };
      }
      throw new SshHostKeyError(
        'changed',
        `REMOTE HOST IDENTIFICATION HAS CHANGED for ${name}: the server presented ${type} ${fp}, but ${e.file}:${e.line} holds a different ${e.keyType} key; refusing to connect (remove the line with ssh-keygen -R if the change is expected)`,
        { ...ctx, file: e.file, line: e.line },
      );
    }
    case 'unknown':
      break;
  }
  if (options.strict === 'yes') {
    const ca = result.certAuthorities[0];
    if (ca !== undefined) {
      throw new SshHostKeyError(
        'unsupported',
        `host key for ${name} (${type} ${fp}) can only be checked through the @cert-authority line ${ca.file}:${ca.line}, and host certificates are not supported by the ssh2 transport; use the ssh transport or add the host key to known_hosts`,
        { ...ctx, file: ca.file, line: ca.line },
      );
    }
    const also =
      result.knownTypes.length > 0
        ? ` (known key types for it: ${result.knownTypes.join(', ')})`
        : '';
    throw new SshHostKeyError(
      'unknown',
      `no ${type} host key is known for ${name}${also} and StrictHostKeyChecking is yes: host key verification failed (server key ${fp})`,
      ctx,
    );
  }
  const file = options.userKnownHostsFile;
  if (file === undefined) {
    return {
      status: 'unknown',
      added: false,
      addedTo: undefined,
      fingerprint: fp,
      warning: undefined,
    };
  }
  const hosts = options.hash === true ? hashHostName(name) : name;
  const line = `${hosts} ${type} ${key.toString('base64')}\n`;
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await appendFile(file, line, { mode: 0o600 });
  } catch (e) {
    return {
      status: 'unknown',
      added: false,
      addedTo: undefined,
      fingerprint: fp,
      warning: `could not add the host key for ${name} to ${file}: ${(e as Error).message}`,
    };
  }
  options.knownHosts.add({ file, line: 0, marker: undefined, hosts, keyType: type, key });
  return { status: 'unknown', added: true, addedTo: file, fingerprint: fp, warning: undefined };
}
