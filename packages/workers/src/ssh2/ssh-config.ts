/**
 * OpenSSH client configuration for the in-process transport: `~/.ssh/config`, `/etc/ssh/ssh_config`
 * and `-F` files (Host and Match blocks, Include with globs, first-obtained-value-wins), plus the
 * ssh command-line options found in ClusterShell's `ssh_options` (`-F`, `-o`, `-p`, `-i`, `-l`, `-J`),
 * so one configuration drives both the `ssh` and the `ssh2` transports.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname as osHostname, userInfo } from 'node:os';
import { isAbsolute } from 'node:path';
import { SshConfigError } from './errors.js';
import { globSync } from './internal/glob.js';
import { matchPattern, matchPatternList } from './internal/patterns.js';
import { splitConfigArgs, splitKeyword, splitShellWords } from './internal/words.js';

/** `StrictHostKeyChecking` as this layer applies it (`ask` behaves as `yes`: nobody is asked). */
export type StrictHostKeyChecking = 'yes' | 'no' | 'accept-new';

/** One hop of `ProxyJump` (`[user@]host[:port]` or `ssh://[user@]host[:port]`). */
export interface SshJumpHost {
  /** User for this hop, when given in the spec. */
  readonly user: string | undefined;
  /** Host name or address of this hop (resolved through the configuration at connect time). */
  readonly host: string;
  /** Port for this hop, when given in the spec. */
  readonly port: number | undefined;
}

/**
 * An algorithm list as written in the configuration: a replacement list, or `+` (append to the
 * defaults), `-` (remove from the defaults) or `^` (put first), each entry possibly a wildcard.
 */
export interface AlgorithmSpec {
  /** How the names combine with the defaults. */
  readonly op: 'set' | 'append' | 'remove' | 'prepend';
  /** The names or patterns, in order. */
  readonly names: readonly string[];
}

/** The configuration resolved for one host, with OpenSSH's defaults filled in. */
export interface SshHostConfig {
  /** The host name as given by the caller (`%n`). */
  readonly host: string;
  /** The address to connect to: `HostName` with `%h` expanded, lower-cased, or `host`. */
  readonly hostName: string;
  /** Remote user: `User`, `-l`, or the local user. */
  readonly user: string;
  /** Port: `Port`, `-p`, or 22. */
  readonly port: number;
  /** Identity files, `~` and `%` tokens expanded, in the order OpenSSH tries them (defaults when none). */
  readonly identityFiles: readonly string[];
  /** Whether the identity files were configured (false: OpenSSH's default list). */
  readonly identityFilesConfigured: boolean;
  /** `IdentitiesOnly`. */
  readonly identitiesOnly: boolean;
  /** Agent socket: `IdentityAgent` or `$SSH_AUTH_SOCK`; `undefined` when there is none. */
  readonly identityAgent: string | undefined;
  /** `ProxyJump` hops, first hop first; empty when direct. */
  readonly proxyJump: readonly SshJumpHost[];
  /** `ProxyCommand` when one is configured (not supported by the in-process transport). */
  readonly proxyCommand: string | undefined;
  /** `ConnectTimeout` in seconds, `undefined` for none. */
  readonly connectTimeout: number | undefined;
  /** `StrictHostKeyChecking` (`ask`, the default, is `yes`). */
  readonly strictHostKeyChecking: StrictHostKeyChecking;
  /** `UserKnownHostsFile` entries, expanded (empty for `none`). */
  readonly userKnownHostsFiles: readonly string[];
  /** `GlobalKnownHostsFile` entries (empty for `none`). */
  readonly globalKnownHostsFiles: readonly string[];
  /** `HashKnownHosts`: whether accepted keys are written hashed. */
  readonly hashKnownHosts: boolean;
  /** `HostKeyAlias`, the name looked up in known_hosts instead of the host name. */
  readonly hostKeyAlias: string | undefined;
  /** `ServerAliveInterval` in seconds (0: off). */
  readonly serverAliveInterval: number;
  /** `ServerAliveCountMax`. */
  readonly serverAliveCountMax: number;
  /** `BatchMode`. */
  readonly batchMode: boolean;
  /** `AddressFamily`. */
  readonly addressFamily: 'any' | 'inet' | 'inet6';
  /** `KexAlgorithms`, unresolved (the transport applies it to its own defaults). */
  readonly kexAlgorithms: AlgorithmSpec | undefined;
  /** `HostKeyAlgorithms`. */
  readonly hostKeyAlgorithms: AlgorithmSpec | undefined;
  /** `Ciphers`. */
  readonly ciphers: AlgorithmSpec | undefined;
  /** `MACs`. */
  readonly macs: AlgorithmSpec | undefined;
  /** Things this layer read but does not apply (`Match exec`, missing `-i` files, …). */
  readonly warnings: readonly string[];
}

/** One option as given on the command line (`-o Key=Value`, `-p`, `-l`, `-i`, `-J`). */
export interface SshOptionLine {
  /** The keyword, lower-cased. */
  readonly keyword: string;
  /** The arguments after the keyword. */
  readonly args: readonly string[];
  /** The raw text after the keyword (ProxyJump and ProxyCommand read it whole). */
  readonly text: string;
  /** True for an identity file given with `-i` (kept only when the file exists, as ssh does). */
  readonly fromDashI?: boolean;
}

/** ssh command-line options, parsed. */
export interface SshCommandLine {
  /** `-F FILE` (the last one wins, as in ssh). */
  readonly configFile: string | undefined;
  /** Options in command-line order; the first obtained value wins over the files. */
  readonly options: readonly SshOptionLine[];
  /** Options that ssh accepts but this layer ignores (`-v`, `-T`, `-L …`). */
  readonly ignored: readonly string[];
}

/** Where configuration comes from; all optional. */
export interface SshConfigLoadOptions {
  /**
   * `-F FILE`: read only this file (neither the user nor the system configuration).
   * @defaultValue undefined
   */
  readonly configFile?: string | undefined;
  /**
   * Home directory for `~`, `%d` and the user configuration `~/.ssh/config`.
   * @defaultValue the home directory of the process's user
   */
  readonly homeDir?: string;
  /**
   * System configuration file; `null` to skip it.
   * @defaultValue `/etc/ssh/ssh_config`
   */
  readonly systemConfig?: string | null;
  /**
   * User configuration file; `null` to skip it.
   * @defaultValue `<homeDir>/.ssh/config`
   */
  readonly userConfig?: string | null;
}

/** Context for {@link SshConfig.resolve}. */
export interface SshResolveOptions {
  /** Command-line options, applied before the files (they win). */
  readonly commandLine?: SshCommandLine | undefined;
  /**
   * Local user name (`%u`, default `User`).
   * @defaultValue the process's user
   */
  readonly localUser?: string;
  /**
   * Environment for `${VAR}` and `SSH_AUTH_SOCK`.
   * @defaultValue `process.env`
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type Directive =
  | {
      readonly kind: 'host';
      readonly patterns: readonly string[];
      /** The patterns when none has a wildcard or a negation (a set lookup then). */
      readonly literal: ReadonlySet<string> | undefined;
      readonly line: number;
    }
  | { readonly kind: 'match'; readonly args: readonly string[]; readonly line: number }
  | {
      readonly kind: 'include';
      readonly files: readonly ConfigFile[];
      readonly line: number;
    }
  | {
      readonly kind: 'option';
      readonly keyword: string;
      readonly args: readonly string[];
      readonly text: string;
      readonly line: number;
      readonly fromDashI?: boolean;
    };

interface ConfigFile {
  readonly path: string;
  readonly directives: readonly Directive[];
  /** Identity files from user configurations count as user-provided (OpenSSH's dedup key). */
  readonly user: boolean;
}

/** Keywords OpenSSH knows that this layer reads without applying. */
const OTHER_KEYWORDS: ReadonlySet<string> = new Set([
  'addkeystoagent',
  'bindaddress',
  'bindinterface',
  'canonicaldomains',
  'canonicalizefallbacklocal',
  'canonicalizehostname',
  'canonicalizemaxdots',
  'canonicalizepermittedcnames',
  'casignaturealgorithms',
  'certificatefile',
  'channeltimeout',
  'checkhostip',
  'clearallforwardings',
  'compression',
  'connectionattempts',
  'controlmaster',
  'controlpath',
  'controlpersist',
  'dynamicforward',
  'enableescapecommandline',
  'enablesshkeysign',
  'escapechar',
  'exitonforwardfailure',
  'fingerprinthash',
  'forkafterauthentication',
  'forwardagent',
  'forwardx11',
  'forwardx11timeout',
  'forwardx11trusted',
  'gatewayports',
  'gssapiauthentication',
  'gssapidelegatecredentials',
  'gssapikeyexchange',
  'gssapiclientidentity',
  'gssapiserveridentity',
  'gssapirenewalforcesrekey',
  'gssapitrustdns',
  'gssapikexalgorithms',
  'hostbasedacceptedalgorithms',
  'hostbasedkeytypes',
  'hostbasedauthentication',
  'ipqos',
  'kbdinteractiveauthentication',
  'kbdinteractivedevices',
  'knownhostscommand',
  'localcommand',
  'localforward',
  'loglevel',
  'logverbose',
  'nohostauthenticationforlocalhost',
  'numberofpasswordprompts',
  'obscurekeystroketiming',
  'passwordauthentication',
  'permitlocalcommand',
  'permitremoteopen',
  'pkcs11provider',
  'preferredauthentications',
  'proxyusefdpass',
  'pubkeyacceptedalgorithms',
  'pubkeyacceptedkeytypes',
  'pubkeyauthentication',
  'rekeylimit',
  'remotecommand',
  'remoteforward',
  'requesttty',
  'requiredrsasize',
  'revokedhostkeys',
  'securitykeyprovider',
  'sendenv',
  'serveralivecountmax',
  'sessiontype',
  'setenv',
  'stdinnull',
  'streamlocalbindmask',
  'streamlocalbindunlink',
  'syslogfacility',
  'tag',
  'tcpkeepalive',
  'tunnel',
  'tunneldevice',
  'updatehostkeys',
  'usekeychain',
  'verifyhostkeydns',
  'visualhostkey',
  'xauthlocation',
  'challengeresponseauthentication',
  'skeyauthentication',
  'tisauthentication',
  'dsaauthentication',
  'rsaauthentication',
  'rhostsrsaauthentication',
  'compressionlevel',
  'usersh',
  'fallbacktorsh',
  'useprivilegedport',
  'protocol',
  'cipher',
  'useroaming',
  'uselogin',
  'gssapikeyexchange',
  'smartcarddevice',
  'refuseconnection',
  'warnweakcrypto',
]);

const APPLIED_KEYWORDS: ReadonlySet<string> = new Set([
  'hostname',
  'user',
  'port',
  'identityfile',
  'identitiesonly',
  'identityagent',
  'proxyjump',
  'proxycommand',
  'connecttimeout',
  'stricthostkeychecking',
  'userknownhostsfile',
  'globalknownhostsfile',
  'hashknownhosts',
  'hostkeyalias',
  'serveraliveinterval',
  'serveralivecountmax',
  'batchmode',
  'addressfamily',
  'kexalgorithms',
  'hostkeyalgorithms',
  'ciphers',
  'macs',
  'ignoreunknown',
]);

const MAX_INCLUDE_DEPTH = 16;

/** The files OpenSSH tries when no `IdentityFile` is configured, in its order. */
const DEFAULT_IDENTITY_FILES = [
  '~/.ssh/id_rsa',
  '~/.ssh/id_ecdsa',
  '~/.ssh/id_ecdsa_sk',
  '~/.ssh/id_ed25519',
  '~/.ssh/id_ed25519_sk',
  '~/.ssh/id_xmss',
  '~/.ssh/id_dsa',
] as const;

/**
 * Parses an OpenSSH time value (`30`, `1m`, `1h30m`, units s m h d w, case-insensitive).
 *
 * @param text - the value
 * @returns seconds, or `undefined` when the value is not a time
 */
function parseTime(text: string): number | undefined {
  if (/^\d+$/u.test(text)) return Number(text);
  const re = /(\d+)([smhdw]?)/giy;
  let total = 0;
  let pos = 0;
  const units: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m === null) return undefined;
    total += Number(m[1]) * (units[(m[2] ?? '').toLowerCase()] ?? 1);
    pos = re.lastIndex;
  }
  return text.length === 0 ? undefined : total;
}

function parsePort(text: string): number | undefined {
  if (/^\d+$/u.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= 65535 ? n : undefined;
  }
  return text === 'ssh' ? 22 : undefined;
}

function parseFlag(text: string): boolean | undefined {
  const v = text.toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  return undefined;
}

/**
 * Splits `[user@]host[:port]` (IPv6 addresses in brackets) or `ssh://[user@]host[:port]`.
 *
 * @param spec - one hop
 * @returns the hop, or `undefined` when malformed
 */
function parseJumpHop(spec: string): SshJumpHost | undefined {
  let s = spec;
  if (s.toLowerCase().startsWith('ssh://')) {
    s = s.slice(6);
    if (s.endsWith('/')) s = s.slice(0, -1);
    if (s.includes('/')) return undefined;
  }
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
    if (user === '') return undefined;
  }
  let host: string;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return undefined;
    host = s.slice(1, end);
    const after = s.slice(end + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return undefined;
      portText = after.slice(1);
    }
  } else {
    const colon = s.indexOf(':');
    if (colon >= 0) {
      host = s.slice(0, colon);
      portText = s.slice(colon + 1);
    } else host = s;
  }
  if (host === '') return undefined;
  let port: number | undefined;
  if (portText !== undefined) {
    port = parsePort(portText);
    if (port === undefined) return undefined;
  }
  return { user, host, port };
}

/**
 * Parses a `ProxyJump` value (a comma-separated list of hops, or `none`).
 *
 * @param text - the value
 * @returns the hops (empty for `none`)
 * @throws {SshConfigError} when a hop is malformed
 * @example
 * ```ts
 * parseProxyJump('admin@bastion:2222,gw'); // [{ user: 'admin', host: 'bastion', port: 2222 }, { host: 'gw', … }]
 * ```
 */
export function parseProxyJump(text: string): SshJumpHost[] {
  const clean = (text.split('#')[0] ?? '').trim();
  if (clean.toLowerCase() === 'none') return [];
  const hops: SshJumpHost[] = [];
  for (const part of clean.split(',')) {
    const hop = parseJumpHop(part.trim());
    if (hop === undefined) throw new SshConfigError(`invalid ProxyJump "${clean}"`);
    hops.push(hop);
  }
  return hops;
}

function parseAlgorithmSpec(text: string): AlgorithmSpec {
  const first = text[0];
  const op =
    first === '+' ? 'append' : first === '-' ? 'remove' : first === '^' ? 'prepend' : 'set';
  const body = op === 'set' ? text : text.slice(1);
  return { op, names: body.split(',').filter((n) => n !== '') };
}

/**
 * Applies an algorithm list from the configuration to a transport's defaults, as OpenSSH's
 * `kex_assemble_names` does: `+` appends, `-` removes (wildcards allowed), `^` puts first, a plain
 * list replaces; wildcards select every supported name they match; unsupported names drop out.
 *
 * @param spec - the configured list, or `undefined` for the defaults
 * @param defaults - the transport's default list
 * @param supported - every name the transport supports, in preference order
 * @returns the resulting list (possibly empty when nothing configured is supported)
 * @example
 * ```ts
 * applyAlgorithmSpec({ op: 'remove', names: ['hmac-sha1*'] }, defaults, supported);
 * ```
 */
export function applyAlgorithmSpec(
  spec: AlgorithmSpec | undefined,
  defaults: readonly string[],
  supported: readonly string[],
): string[] {
  if (spec === undefined) return [...defaults];
  if (spec.op === 'remove') {
    return defaults.filter((d) => !spec.names.some((p) => matchPattern(d, p)));
  }
  const cat = (a: readonly string[], b: readonly string[]): string[] => {
    const out = [...a];
    for (const x of b) if (!out.includes(x)) out.push(x);
    return out;
  };
  const list =
    spec.op === 'append'
      ? cat(defaults, spec.names)
      : spec.op === 'prepend'
        ? cat(spec.names, defaults)
        : [...spec.names];
  let out: string[] = [];
  for (const pattern of list) {
    out = cat(
      out,
      supported.filter((s) => matchPattern(s, pattern)),
    );
  }
  return out;
}

/**
 * Parses ssh command-line options as they appear in ClusterShell's `ssh_options` info key and
 * `clush -o`: `-F FILE`, `-o Key=Value` (or `-oKey=Value`, `-o "Key Value"`), `-p PORT`, `-l USER`,
 * `-i FILE`, `-J JUMPS`, `-c`, `-m`, `-4`, `-6`; the other ssh options are accepted and listed
 * in `ignored`. A string is split like `shlex.split` with `~` expanded per word, as ClusterShell
 * does; an array is taken as already split.
 *
 * @param input - the options string or words
 * @param homeDir - home directory for `~` in string input (default: the process user's)
 * @returns the parsed options, in order
 * @throws {SshConfigError} on a missing argument, an unknown option, bad quoting or a host argument
 * @example
 * ```ts
 * const cl = parseSshOptions('-F ~/fleet.conf -oStrictHostKeyChecking=no -p 2222');
 * ```
 */
export function parseSshOptions(
  input: string | readonly string[],
  homeDir: string = userInfo().homedir,
): SshCommandLine {
  let words: readonly string[];
  if (typeof input === 'string') {
    try {
      words = splitShellWords(input).map((w) => expandUser(w, homeDir));
    } catch (e) {
      throw new SshConfigError(`cannot split ssh options: ${(e as Error).message}`, {
        file: 'command-line',
        cause: e,
      });
    }
  } else words = input;
  const withArg = new Set([...'BbcDEeFIiJLlmOopQRSWw']);
  const flags = new Set([...'46AaCfGgKkMNnqsTtVvXxYy']);
  const options: SshOptionLine[] = [];
  const ignored: string[] = [];
  let configFile: string | undefined;
  const where = { file: 'command-line' };
  const pushOption = (keyword: string, value: string, fromDashI = false): void => {
    options.push({
      keyword,
      args: [value],
      text: value,
      ...(fromDashI ? { fromDashI } : {}),
    });
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (!word.startsWith('-') || word === '-') {
      throw new SshConfigError(`unexpected argument "${word}" in ssh options`, where);
    }
    if (word === '--') throw new SshConfigError('"--" is not allowed in ssh options', where);
    let j = 1;
    while (j < word.length) {
      const letter = word[j] as string;
      if (flags.has(letter)) {
        if (letter === '4') pushOption('addressfamily', 'inet');
        else if (letter === '6') pushOption('addressfamily', 'inet6');
        else ignored.push(`-${letter}`);
        j++;
        continue;
      }
      if (!withArg.has(letter)) {
        throw new SshConfigError(`unknown ssh option -${letter}`, where);
      }
      let value: string;
      if (j + 1 < word.length) value = word.slice(j + 1);
      else {
        const next = words[i + 1];
        if (next === undefined) {
          throw new SshConfigError(`ssh option -${letter} requires an argument`, where);
        }
        value = next;
        i++;
      }
      switch (letter) {
        case 'F':
          configFile = value;
          break;
        case 'o':
          options.push(parseOptionText(value));
          break;
        case 'p':
          pushOption('port', value);
          break;
        case 'l':
          pushOption('user', value);
          break;
        case 'i':
          pushOption('identityfile', value, true);
          break;
        case 'J':
          pushOption('proxyjump', value);
          break;
        case 'c':
          pushOption('ciphers', value);
          break;
        case 'm':
          pushOption('macs', value);
          break;
        default:
          ignored.push(`-${letter} ${value}`);
      }
      break;
    }
  }
  for (const o of options) validateOption(o.keyword, o.args, o.text, where);
  return { configFile, options, ignored };
}

function parseOptionText(text: string): SshOptionLine {
  const where = { file: 'command-line' };
  let split: { keyword: string; rest: string } | undefined;
  try {
    split = splitKeyword(text);
  } catch (e) {
    throw new SshConfigError('invalid quotes in -o option', { ...where, cause: e });
  }
  if (split === undefined) throw new SshConfigError(`empty -o option "${text}"`, where);
  const keyword = split.keyword.toLowerCase();
  if (keyword === 'include' || keyword === 'host' || keyword === 'match') {
    throw new SshConfigError(`${split.keyword} is not allowed as a command-line option`, where);
  }
  let args: string[];
  try {
    args = splitConfigArgs(split.rest);
  } catch (e) {
    throw new SshConfigError('invalid quotes in -o option', { ...where, cause: e });
  }
  return { keyword, args, text: split.rest };
}

/**
 * Checks an option's arguments as OpenSSH does on every line, active or not.
 *
 * @throws {SshConfigError} on a missing or bad value
 */
function validateOption(
  keyword: string,
  args: readonly string[],
  text: string,
  where: { readonly file: string; readonly line?: number },
): void {
  const bad = (what: string): never => {
    throw new SshConfigError(what, where);
  };
  if (args.length === 0 || args[0] === '') bad(`no argument after keyword "${keyword}"`);
  const single = (): string => {
    if (args.length > 1) bad(`keyword ${keyword} extra arguments at end of line`);
    return args[0] as string;
  };
  switch (keyword) {
    case 'port':
      if (parsePort(single()) === undefined) bad(`Bad port '${args[0]}'`);
      break;
    case 'identitiesonly':
    case 'batchmode':
    case 'hashknownhosts':
      if (parseFlag(single()) === undefined) bad(`unsupported option "${args[0]}"`);
      break;
    case 'stricthostkeychecking':
      if (
        !['yes', 'no', 'true', 'false', 'ask', 'off', 'accept-new'].includes(single().toLowerCase())
      ) {
        bad(`unsupported option "${args[0]}"`);
      }
      break;
    case 'connecttimeout':
    case 'serveraliveinterval': {
      const v = single();
      if (v !== 'none' && parseTime(v) === undefined) bad(`invalid time value "${v}"`);
      break;
    }
    case 'serveralivecountmax':
      if (!/^\d+$/u.test(single())) bad(`invalid integer "${args[0]}"`);
      break;
    case 'addressfamily':
      if (!['any', 'inet', 'inet6'].includes(single().toLowerCase())) {
        bad(`unsupported option "${args[0]}"`);
      }
      break;
    case 'proxyjump':
      try {
        parseProxyJump(text);
      } catch {
        bad(`Invalid ProxyJump "${text}"`);
      }
      break;
    case 'userknownhostsfile':
    case 'globalknownhostsfile':
      if (args.some((a) => a.toLowerCase() === 'none') && args.length > 1) {
        bad(`keyword ${keyword} "none" argument must appear alone.`);
      }
      break;
    case 'kexalgorithms':
    case 'hostkeyalgorithms':
    case 'ciphers':
    case 'macs': {
      // as OpenSSH: wildcards only in a removal list (`-`)
      const v = single();
      if (keyword !== 'hostkeyalgorithms' && !v.startsWith('-') && /[*?!]/u.test(v))
        bad(`Bad SSH2 algorithm spec for ${keyword}: '${v}'`);
      break;
    }
    case 'hostname':
    case 'user':
    case 'identityagent':
    case 'hostkeyalias':
      single();
      break;
    default:
      break;
  }
}

function parseFile(text: string, path: string, user: boolean, depth: number): ConfigFile {
  if (depth > MAX_INCLUDE_DEPTH) {
    throw new SshConfigError('Include nesting too deep', { file: path });
  }
  const directives: Directive[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const where = { file: path, line };
    let split: { keyword: string; rest: string } | undefined;
    try {
      split = splitKeyword(lines[index] as string);
    } catch (e) {
      throw new SshConfigError('invalid quotes', { ...where, cause: e });
    }
    if (split === undefined) continue;
    const keyword = split.keyword.toLowerCase();
    if (split.rest === '')
      throw new SshConfigError(`no argument after keyword "${keyword}"`, where);
    let args: string[];
    try {
      args = splitConfigArgs(split.rest);
    } catch (e) {
      throw new SshConfigError('invalid quotes', { ...where, cause: e });
    }
    if (keyword === 'host') {
      if (args.some((a) => a === '')) throw new SshConfigError('Host has an empty argument', where);
      const literal = args.some((a) => /[*?!]/u.test(a)) ? undefined : new Set(args);
      directives.push({ kind: 'host', patterns: args, literal, line });
    } else if (keyword === 'match') {
      directives.push({ kind: 'match', args, line });
    } else if (keyword === 'include') {
      const files: ConfigFile[] = [];
      for (const arg of args) {
        if (arg.startsWith('~') && !user) {
          throw new SshConfigError(`Include "${arg}": ~ is only allowed in user files`, where);
        }
        const home = process.env.HOME ?? userInfo().homedir;
        const pattern = arg.startsWith('~')
          ? `${home}${arg.slice(1)}`
          : isAbsolute(arg)
            ? arg
            : user
              ? `${home}/.ssh/${arg}`
              : `/etc/ssh/${arg}`;
        for (const match of globSync(pattern)) {
          let body: string;
          try {
            body = readFileSync(match, 'utf8');
          } catch (e) {
            throw new SshConfigError(`cannot read included file ${match}`, { ...where, cause: e });
          }
          files.push(parseFile(body, match, user, depth + 1));
        }
      }
      directives.push({ kind: 'include', files, line });
    } else {
      validateOption(keyword, args, split.rest, where);
      directives.push({ kind: 'option', keyword, args, text: split.rest, line });
    }
  }
  return { path, directives, user };
}

/** Mutable state of one resolution (first obtained value wins). */
interface Settings {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: { path: string; user: boolean }[];
  identitiesOnly?: boolean;
  identityAgent?: string;
  jump?: readonly SshJumpHost[] | 'none';
  proxyCommand?: string;
  connectTimeout?: number;
  strict?: StrictHostKeyChecking;
  userKnownHostsFiles?: readonly string[];
  globalKnownHostsFiles?: readonly string[];
  hashKnownHosts?: boolean;
  hostKeyAlias?: string;
  serverAliveInterval?: number;
  serverAliveCountMax?: number;
  batchMode?: boolean;
  addressFamily?: 'any' | 'inet' | 'inet6';
  kex?: AlgorithmSpec;
  hostKeyAlgorithms?: AlgorithmSpec;
  ciphers?: AlgorithmSpec;
  macs?: AlgorithmSpec;
  ignoreUnknown?: string;
  warnings: string[];
}

function applyOption(s: Settings, o: SshOptionLine, user: boolean, where: string): void {
  const a0 = o.args[0] as string;
  switch (o.keyword) {
    case 'hostname':
      s.hostName ??= a0;
      break;
    case 'user':
      s.user ??= a0;
      break;
    case 'port':
      s.port ??= parsePort(a0) as number;
      break;
    case 'identityfile':
      for (const path of o.args) {
        if (!s.identityFiles.some((f) => f.path === path && f.user === user)) {
          s.identityFiles.push({ path, user });
        }
      }
      break;
    case 'identitiesonly':
      s.identitiesOnly ??= parseFlag(a0) as boolean;
      break;
    case 'identityagent':
      s.identityAgent ??= a0;
      break;
    case 'proxyjump':
      if (s.jump === undefined && s.proxyCommand === undefined) {
        const hops = parseProxyJump(o.text);
        s.jump = hops.length === 0 ? 'none' : hops;
      }
      break;
    case 'proxycommand':
      if (s.jump === undefined) s.proxyCommand ??= o.text;
      break;
    case 'connecttimeout':
      if (s.connectTimeout === undefined && a0 !== 'none')
        s.connectTimeout = parseTime(a0) as number;
      break;
    case 'serveraliveinterval':
      if (s.serverAliveInterval === undefined && a0 !== 'none') {
        s.serverAliveInterval = parseTime(a0) as number;
      }
      break;
    case 'serveralivecountmax':
      s.serverAliveCountMax ??= Number(a0);
      break;
    case 'stricthostkeychecking': {
      const v = a0.toLowerCase();
      s.strict ??=
        v === 'accept-new' ? 'accept-new' : ['no', 'false', 'off'].includes(v) ? 'no' : 'yes';
      break;
    }
    case 'userknownhostsfile':
      s.userKnownHostsFiles ??= a0.toLowerCase() === 'none' ? [] : o.args;
      break;
    case 'globalknownhostsfile':
      s.globalKnownHostsFiles ??= a0.toLowerCase() === 'none' ? [] : o.args;
      break;
    case 'hashknownhosts':
      s.hashKnownHosts ??= parseFlag(a0) as boolean;
      break;
    case 'hostkeyalias':
      s.hostKeyAlias ??= a0;
      break;
    case 'batchmode':
      s.batchMode ??= parseFlag(a0) as boolean;
      break;
    case 'addressfamily':
      s.addressFamily ??= a0.toLowerCase() as 'any' | 'inet' | 'inet6';
      break;
    case 'kexalgorithms':
      s.kex ??= parseAlgorithmSpec(a0);
      break;
    case 'hostkeyalgorithms':
      s.hostKeyAlgorithms ??= parseAlgorithmSpec(a0);
      break;
    case 'ciphers':
      s.ciphers ??= parseAlgorithmSpec(a0);
      break;
    case 'macs':
      s.macs ??= parseAlgorithmSpec(a0);
      break;
    case 'ignoreunknown':
      s.ignoreUnknown ??= a0;
      break;
    default:
      checkKnown(s, o.keyword, where);
  }
}

/**
 * Refuses a keyword OpenSSH does not know (on every line, active or not, as OpenSSH does),
 * unless `IgnoreUnknown` (as obtained so far) matches it.
 *
 * @throws {SshConfigError} Bad configuration option
 */
function isKnownKeyword(keyword: string): boolean {
  return APPLIED_KEYWORDS.has(keyword) || OTHER_KEYWORDS.has(keyword);
}

function checkKnown(s: Settings, keyword: string, where: string): void {
  if (APPLIED_KEYWORDS.has(keyword) || OTHER_KEYWORDS.has(keyword)) return;
  if (s.ignoreUnknown !== undefined && matchPatternList(keyword, s.ignoreUnknown, true) === 1) {
    return;
  }
  throw new SshConfigError(`Bad configuration option: ${keyword}`, { file: where });
}

interface MatchContext {
  readonly originalHost: string;
  readonly localUser: string;
}

function evaluateMatch(
  s: Settings,
  args: readonly string[],
  ctx: MatchContext,
  where: { readonly file: string; readonly line: number },
): boolean {
  if (args.length === 0) throw new SshConfigError('Match: missing criteria', where);
  let result = true;
  for (let i = 0; i < args.length; i++) {
    let criterion = (args[i] as string).toLowerCase();
    const negate = criterion.startsWith('!');
    if (negate) criterion = criterion.slice(1);
    if (criterion === 'all') {
      if (negate) result = false;
      continue;
    }
    if (criterion === 'canonical' || criterion === 'final') {
      s.warnings.push(`${where.file} line ${where.line}: Match ${criterion} is not supported`);
      if (!negate) result = false;
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) {
      throw new SshConfigError(`Match ${criterion}: missing argument`, where);
    }
    i++;
    let matched: boolean;
    switch (criterion) {
      case 'host': {
        const h =
          s.hostName === undefined
            ? ctx.originalHost
            : expandHostName(s.hostName, ctx.originalHost);
        matched = matchPatternList(h, value, true) === 1;
        break;
      }
      case 'originalhost':
        matched = matchPatternList(ctx.originalHost, value, true) === 1;
        break;
      case 'user':
        matched = matchPatternList(s.user ?? ctx.localUser, value) === 1;
        break;
      case 'localuser':
        matched = matchPatternList(ctx.localUser, value) === 1;
        break;
      case 'exec':
      case 'localnetwork':
      case 'tagged':
        s.warnings.push(`${where.file} line ${where.line}: Match ${criterion} is not supported`);
        matched = false;
        break;
      default:
        throw new SshConfigError(`Unsupported Match attribute ${criterion}`, where);
    }
    if (matched === negate) result = false;
  }
  return result;
}

function expandHostName(template: string, host: string): string {
  return template.replace(/%([%h])/gu, (_m, c: string) => (c === '%' ? '%' : host));
}

function expandUser(word: string, home: string): string {
  if (word === '~') return home;
  if (word.startsWith('~/')) return `${home}${word.slice(1)}`;
  return word;
}

/** Values for `%` tokens of `IdentityFile`, `UserKnownHostsFile` and `IdentityAgent`. */
interface TokenValues {
  readonly C: string;
  readonly d: string;
  readonly h: string;
  readonly i: string;
  readonly j: string;
  readonly k: string;
  readonly L: string;
  readonly l: string;
  readonly n: string;
  readonly p: string;
  readonly r: string;
  readonly u: string;
}

function expandPath(
  template: string,
  tokens: TokenValues,
  env: Readonly<Record<string, string | undefined>>,
): string {
  let s = expandUser(template, tokens.d);
  s = s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/gu, (_m, name: string) => {
    const v = env[name];
    if (v === undefined) throw new SshConfigError(`env var \${${name}} has no value`);
    return v;
  });
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '%') {
      out += c;
      continue;
    }
    const k = s[i + 1];
    i++;
    if (k === '%') out += '%';
    else if (k !== undefined && Object.hasOwn(tokens, k)) out += tokens[k as keyof TokenValues];
    else throw new SshConfigError(`unknown key %${k ?? ''} in "${template}"`);
  }
  return out;
}

/**
 * An OpenSSH client configuration: the files of one `-F FILE`, or the user and system files, with
 * their Includes read. Resolve it per host with {@link SshConfig.resolve}; it is immutable and
 * can be shared by every connection of a task.
 *
 * @example
 * ```ts
 * const config = await SshConfig.load({ configFile: '/etc/fleet/ssh_config' });
 * const n1 = config.resolve('node1', { commandLine: parseSshOptions('-p 2222') });
 * ```
 */
export class SshConfig {
  readonly #files: readonly ConfigFile[];
  readonly #homeDir: string;

  private constructor(files: readonly ConfigFile[], homeDir: string) {
    this.#files = files;
    this.#homeDir = homeDir;
  }

  /** Files read, top-level first (Includes not listed). */
  get files(): readonly string[] {
    return this.#files.map((f) => f.path);
  }

  /**
   * Parses configuration text (as a user configuration: relative Includes are read from
   * `~/.ssh`, synchronously).
   *
   * @param text - the configuration
   * @param options - `file`: the name used in errors; `homeDir` for `~` and `%d`
   * @returns the configuration
   * @throws {SshConfigError} on a malformed line, with file and line
   * @example
   * ```ts
   * const config = SshConfig.parse('Host n*\n  User admin\n');
   * ```
   */
  static parse(
    text: string,
    options: { readonly file?: string; readonly homeDir?: string } = {},
  ): SshConfig {
    const file = parseFile(text, options.file ?? '<string>', true, 0);
    return new SshConfig([file], options.homeDir ?? userInfo().homedir);
  }

  /**
   * Reads the configuration as ssh does: the `-F` file only when given (it must exist),
   * otherwise `~/.ssh/config` then `/etc/ssh/ssh_config` (each skipped when absent).
   *
   * @param options - which files, and the home directory
   * @returns the configuration
   * @throws {SshConfigError} when the `-F` file cannot be read or a line is malformed
   * @example
   * ```ts
   * const config = await SshConfig.load({ configFile: '/tmp/fleet/ssh_config' });
   * ```
   */
  static async load(options: SshConfigLoadOptions = {}): Promise<SshConfig> {
    const homeDir = options.homeDir ?? userInfo().homedir;
    const files: ConfigFile[] = [];
    if (options.configFile !== undefined) {
      let text: string;
      try {
        text = await readFile(options.configFile, 'utf8');
      } catch (e) {
        throw new SshConfigError(`cannot read config file: ${(e as Error).message}`, {
          file: options.configFile,
          cause: e,
        });
      }
      files.push(parseFile(text, options.configFile, true, 0));
    } else {
      const userPath =
        options.userConfig === undefined ? `${homeDir}/.ssh/config` : options.userConfig;
      const systemPath =
        options.systemConfig === undefined ? '/etc/ssh/ssh_config' : options.systemConfig;
      for (const [path, user] of [
        [userPath, true],
        [systemPath, false],
      ] as const) {
        if (path === null) continue;
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw new SshConfigError(`cannot read config file: ${(e as Error).message}`, {
            file: path,
            cause: e,
          });
        }
        files.push(parseFile(text, path, user, 0));
      }
    }
    return new SshConfig(files, homeDir);
  }

  /**
   * Resolves the configuration for one host: command-line options first, then each file in
   * order, the first obtained value of each keyword winning (IdentityFile accumulates); then
   * OpenSSH's defaults and token expansion (`%h %p %r %u %d %n %k %i %l %L %j %C %%`, `${VAR}`, `~`).
   *
   * @param host - the host name as given (the node name)
   * @param options - command-line options, local user, environment
   * @returns the resolved configuration
   * @throws {SshConfigError} on an unknown keyword (unless `IgnoreUnknown`), a bad token or
   *   an unsupported `Match` attribute
   * @example
   * ```ts
   * const { hostName, port, user, identityFiles } = config.resolve('node7');
   * ```
   */
  resolve(host: string, options: SshResolveOptions = {}): SshHostConfig {
    const env = options.env ?? process.env;
    const localUser = options.localUser ?? userInfo().username;
    const s: Settings = { identityFiles: [], warnings: [] };
    const commandLine = options.commandLine;
    if (commandLine !== undefined) {
      for (const o of commandLine.options) {
        if (o.fromDashI === true) {
          const path = expandUser(o.args[0] as string, this.#homeDir);
          if (!existsSync(path)) {
            s.warnings.push(`Identity file ${path} not accessible`);
            continue;
          }
          applyOption(s, { ...o, args: [path] }, true, 'command-line');
        } else applyOption(s, o, true, 'command-line');
      }
    }
    const ctx: MatchContext = { originalHost: host, localUser };
    const walk = (file: ConfigFile, state: { active: boolean }, neverMatch: boolean): void => {
      for (const d of file.directives) {
        switch (d.kind) {
          case 'host': {
            if (neverMatch) {
              state.active = false;
              break;
            }
            if (d.literal !== undefined) {
              state.active = d.literal.has(host);
              break;
            }
            let active = false;
            for (const raw of d.patterns) {
              const negated = raw.startsWith('!');
              if (matchPattern(host, negated ? raw.slice(1) : raw)) {
                if (negated) {
                  active = false;
                  break;
                }
                active = true;
              }
            }
            state.active = active;
            break;
          }
          case 'match':
            state.active = neverMatch
              ? false
              : evaluateMatch(s, d.args, ctx, { file: file.path, line: d.line });
            break;
          case 'include': {
            const saved = state.active;
            for (const f of d.files) {
              walk(f, state, neverMatch || !saved);
              state.active = saved;
            }
            break;
          }
          case 'option':
            if (state.active) applyOption(s, d, file.user, `${file.path} line ${d.line}`);
            // (the message is built only for an unknown keyword: this runs for every line of
            // every Host block that does not match, for every node)
            else if (!isKnownKeyword(d.keyword)) {
              checkKnown(s, d.keyword, `${file.path} line ${d.line}`);
            }
            break;
        }
      }
    };
    for (const file of this.#files) walk(file, { active: true }, false);

    const hostName = (
      s.hostName === undefined ? host : expandHostName(s.hostName, host)
    ).toLowerCase();
    const user = s.user ?? localUser;
    const port = s.port ?? 22;
    const jumps = s.jump === undefined || s.jump === 'none' ? [] : s.jump;
    const jumpText = jumps
      .map(
        (j) =>
          `${j.user === undefined ? '' : `${j.user}@`}${j.host}${j.port === undefined ? '' : `:${j.port}`}`,
      )
      .join(',');
    const localHost = osHostname();
    const baseTokens = {
      d: this.#homeDir,
      h: hostName,
      i: String(process.getuid?.() ?? 0),
      j: jumpText,
      k: s.hostKeyAlias?.toLowerCase() ?? host,
      L: localHost.split('.')[0] ?? localHost,
      l: localHost,
      n: host,
      p: String(port),
      r: user,
      u: localUser,
    };
    const tokens: TokenValues = {
      ...baseTokens,
      C: createHash('sha1')
        .update(`${localHost}${hostName}${port}${user}${jumpText}`)
        .digest('hex'),
    };
    const identityFilesConfigured = s.identityFiles.length > 0;
    const identityFiles = (
      identityFilesConfigured ? s.identityFiles.map((f) => f.path) : [...DEFAULT_IDENTITY_FILES]
    ).map((p) => expandPath(p, tokens, env));
    const userKnownHostsFiles = (
      s.userKnownHostsFiles ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']
    ).map((p) => expandPath(p, tokens, env));
    const globalKnownHostsFiles = (
      s.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']
    ).map((p) => expandPath(p, tokens, env));
    let identityAgent: string | undefined;
    if (s.identityAgent === undefined || s.identityAgent === 'SSH_AUTH_SOCK') {
      identityAgent = env.SSH_AUTH_SOCK === '' ? undefined : env.SSH_AUTH_SOCK;
    } else if (s.identityAgent.toLowerCase() === 'none') {
      identityAgent = undefined;
    } else if (s.identityAgent.startsWith('$')) {
      identityAgent = env[s.identityAgent.slice(1)];
    } else identityAgent = expandPath(s.identityAgent, tokens, env);
    const proxyCommand =
      s.proxyCommand === undefined || s.proxyCommand.toLowerCase() === 'none'
        ? undefined
        : s.proxyCommand;
    return {
      host,
      hostName,
      user,
      port,
      identityFiles,
      identityFilesConfigured,
      identitiesOnly: s.identitiesOnly ?? false,
      identityAgent,
      proxyJump: jumps,
      proxyCommand,
      connectTimeout: s.connectTimeout,
      strictHostKeyChecking: s.strict ?? 'yes',
      userKnownHostsFiles,
      globalKnownHostsFiles,
      hashKnownHosts: s.hashKnownHosts ?? false,
      hostKeyAlias: s.hostKeyAlias?.toLowerCase(),
      // as OpenSSH: BatchMode makes the default ServerAliveInterval 300 s
      serverAliveInterval: s.serverAliveInterval ?? (s.batchMode === true ? 300 : 0),
      serverAliveCountMax: s.serverAliveCountMax ?? 3,
      batchMode: s.batchMode ?? false,
      addressFamily: s.addressFamily ?? 'any',
      kexAlgorithms: s.kex,
      hostKeyAlgorithms: s.hostKeyAlgorithms,
      ciphers: s.ciphers,
      macs: s.macs,
      warnings: s.warnings,
    };
  }
}

/**
 * Loads the configuration and resolves one host in one call (the `-F` file of the command line,
 * if any, replaces the user and system files, as in ssh).
 *
 * @param host - the host name as given
 * @param options - `sshOptions` (string as in `ssh_options`, or words) plus load options
 * @returns the resolved configuration
 * @throws {SshConfigError} on bad options or configuration
 * @example
 * ```ts
 * const cfg = await resolveSshConfig('node1', { sshOptions: '-F /tmp/fleet/ssh_config' });
 * ```
 */
export async function resolveSshConfig(
  host: string,
  options: SshConfigLoadOptions &
    SshResolveOptions & { readonly sshOptions?: string | readonly string[] } = {},
): Promise<SshHostConfig> {
  const commandLine =
    options.commandLine ??
    (options.sshOptions === undefined
      ? undefined
      : parseSshOptions(options.sshOptions, options.homeDir));
  const config = await SshConfig.load({
    ...options,
    configFile: commandLine?.configFile ?? options.configFile,
  });
  return config.resolve(host, { ...options, commandLine });
}
