/**
 * ClusterShell's configuration search path (`ClusterShell.Defaults.config_paths`).
 *
 * @module
 */

import { homedir } from 'node:os';

/**
 * Environment variables the search path depends on (HOME, XDG_CONFIG_HOME, CLUSTERSHELL_CFGDIR).
 *
 * @category Config
 * @example
 * ```ts
 * const env: ConfigEnv = { HOME: '/home/me', CLUSTERSHELL_CFGDIR: '/opt/cs' };
 * ```
 */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

function expandHome(env: ConfigEnv, rest: string): string {
  const home = (env.HOME ?? homedir()).replace(/\/+$/, '');
  return `${home}${rest}` || '/';
}

function join(dir: string, name: string): string {
  if (name.startsWith('/')) return name;
  return dir === '' || dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

/**
 * The paths where ClusterShell 1.9.1 looks for a configuration file, lowest priority first:
 * `/etc/clustershell/<name>`, `~/.local/etc/clustershell/<name>`,
 * `$XDG_CONFIG_HOME/clustershell/<name>` (`~/.config` when unset or empty), and
 * `$CLUSTERSHELL_CFGDIR/<name>` when that variable is set and not empty. ClusterShell's
 * `{sys.prefix}/etc/clustershell` entry (a Python virtual environment) has no equivalent here.
 * groups.conf, clush.conf and defaults.conf read every existing path in this order, later files
 * overriding earlier ones; topology.conf uses the last existing one only.
 *
 * @param name - the file name, such as `groups.conf` or `clush.conf`
 * @param env - the environment to read HOME, XDG_CONFIG_HOME and CLUSTERSHELL_CFGDIR from
 *   (default `process.env`)
 * @returns the candidate paths, lowest priority first (they may not exist)
 * @category Config
 * @example
 * ```ts
 * configPaths('groups.conf', { HOME: '/home/me' });
 * // ['/etc/clustershell/groups.conf', '/home/me/.local/etc/clustershell/groups.conf',
 * //  '/home/me/.config/clustershell/groups.conf']
 * ```
 */
export function configPaths(name: string, env: ConfigEnv = process.env): string[] {
  const xdg = env.XDG_CONFIG_HOME;
  const paths = [
    join('/etc/clustershell', name),
    expandHome(env, `/.local/etc/clustershell/${name}`),
    join(
      join(xdg === undefined || xdg === '' ? expandHome(env, '/.config') : xdg, 'clustershell'),
      name,
    ),
  ];
  const cfgdir = env.CLUSTERSHELL_CFGDIR;
  if (cfgdir !== undefined && cfgdir !== '') paths.push(join(cfgdir, name));
  return paths;
}
