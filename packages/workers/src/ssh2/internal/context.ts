/**
 * What the connections of one pool (or one standalone connection) share: the configuration read
 * once, the resolved hosts, known_hosts files and parsed identity files.
 */
import { userInfo } from 'node:os';
import { KnownHosts } from '../known-hosts.js';
import {
  parseSshOptions,
  type SshCommandLine,
  SshConfig,
  type SshHostConfig,
  type SshJumpHost,
} from '../ssh-config.js';
import { type LoadedIdentity, loadIdentity } from './identities.js';

/** Options of a context (the public options of pools and connections carry them). */
export interface ContextOptions {
  readonly sshOptions?: string | readonly string[] | SshCommandLine | undefined;
  readonly config?: SshConfig | undefined;
  readonly homeDir?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  readonly localUser?: string | undefined;
}

/** Shared state of a set of connections. */
export class SshContext {
  readonly commandLine: SshCommandLine | undefined;
  readonly homeDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly localUser: string;
  #config: Promise<SshConfig> | undefined;
  readonly #knownHosts = new Map<string, Promise<KnownHosts>>();
  readonly #identities = new Map<string, Promise<LoadedIdentity>>();
  readonly #resolved = new Map<string, Promise<SshHostConfig>>();

  /**
   * @param options - options (parsed once here)
   * @throws {SshConfigError} on bad ssh options
   */
  constructor(options: ContextOptions) {
    this.homeDir = options.homeDir ?? userInfo().homedir;
    const o = options.sshOptions;
    this.commandLine =
      o === undefined
        ? undefined
        : typeof o === 'string' || Array.isArray(o)
          ? parseSshOptions(o as string | readonly string[], this.homeDir)
          : (o as SshCommandLine);
    this.env = options.env ?? process.env;
    this.localUser = options.localUser ?? userInfo().username;
    if (options.config !== undefined) this.#config = Promise.resolve(options.config);
  }

  /** The configuration (loaded once). */
  config(): Promise<SshConfig> {
    this.#config ??= SshConfig.load({
      configFile: this.commandLine?.configFile,
      homeDir: this.homeDir,
    });
    return this.#config;
  }

  /**
   * Resolves a target host (command-line options apply).
   *
   * @param host - the node name
   * @returns its configuration
   */
  resolve(host: string): Promise<SshHostConfig> {
    let resolved = this.#resolved.get(host);
    if (resolved === undefined) {
      resolved = this.config().then((config) =>
        config.resolve(host, {
          commandLine: this.commandLine,
          env: this.env,
          localUser: this.localUser,
        }),
      );
      this.#resolved.set(host, resolved);
      resolved.catch(() => this.#resolved.delete(host));
    }
    return resolved;
  }

  /**
   * Resolves a ProxyJump hop as OpenSSH's jump process does: the configuration applies, the
   * command-line options do not, the hop's own user and port win.
   *
   * @param hop - the hop
   * @returns its configuration (its own ProxyJump dropped)
   */
  async resolveHop(hop: SshJumpHost): Promise<SshHostConfig> {
    const config = await this.config();
    const options = [
      ...(hop.user === undefined ? [] : [{ keyword: 'user', args: [hop.user], text: hop.user }]),
      ...(hop.port === undefined
        ? []
        : [{ keyword: 'port', args: [String(hop.port)], text: String(hop.port) }]),
    ];
    const resolved = config.resolve(hop.host, {
      commandLine: { configFile: undefined, options, ignored: [] },
      env: this.env,
      localUser: this.localUser,
    });
    return { ...resolved, proxyJump: [] };
  }

  /**
   * known_hosts entries of a file list (read once per list).
   *
   * @param files - the files
   * @returns their entries
   */
  knownHosts(files: readonly string[]): Promise<KnownHosts> {
    const key = files.join('\0');
    let kh = this.#knownHosts.get(key);
    if (kh === undefined) {
      kh = KnownHosts.load(files);
      this.#knownHosts.set(key, kh);
    }
    return kh;
  }

  /**
   * An identity file, read and parsed once.
   *
   * @param path - the file
   * @returns what was found
   */
  identity(path: string): Promise<LoadedIdentity> {
    let id = this.#identities.get(path);
    if (id === undefined) {
      id = loadIdentity(path);
      this.#identities.set(path, id);
    }
    return id;
  }
}
