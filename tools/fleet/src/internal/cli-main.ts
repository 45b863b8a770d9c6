/**
 * The fleet CLI's logic, testable without a build: `main(argv, output)` returns the exit code.
 *
 * @module
 */

import { parseArgs } from 'node:util';
import { defaultFleetDir, fleetStatus, openFleet, startFleet, stopFleet } from '../fleet.js';

/** Where the CLI prints. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const USAGE = `usage: node tools/fleet/dist/cli.js <command> [options]

commands:
  start    start the fleet (or keep the running one when it already matches)
  stop     stop every sshd of the fleet and remove its directory
  status   report the fleet (exit 0 when running, 3 when not)
  env      print shell exports: eval "$(node tools/fleet/dist/cli.js env)"

options:
  --nodes N          node1…nodeN (start; default 128)
  --port P           the port every node listens on (start; default: a free one)
  --max-sessions M   sshd MaxSessions (start; default 10)
  --dir DIR          the fleet directory (default $CLUSTER_TASK_FLEET_DIR or $TMPDIR/cluster-task-fleet)
  -h, --help         this help`;

/**
 * Quotes a value for a POSIX shell.
 *
 * @param value - any string
 * @returns the value in single quotes
 */
function sh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The folded node set of a fleet of `n` nodes.
 *
 * @param n - node count
 * @returns `node[1-n]`
 */
function nodeSet(n: number): string {
  return n === 1 ? 'node1' : `node[1-${n}]`;
}

/**
 * Parses an optional positive integer option.
 *
 * @param name - the option
 * @param value - its text
 * @returns the number, or undefined when absent
 * @throws {Error} on a malformed value
 */
function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value)) throw new Error(`--${name} needs a positive integer: ${value}`);
  return Number(value);
}

/**
 * Runs one CLI command.
 *
 * @param argv - the arguments after the script
 * @param out - where to print
 * @returns the exit code
 * @throws {FleetError} from the fleet functions (the caller prints it)
 */
export async function main(argv: readonly string[], out: Output): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    out.err(`fleet: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    out.out(`${USAGE}\n`);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (command === undefined || extra.length > 0) {
    out.err(`${USAGE}\n`);
    return 2;
  }
  const dir = values.dir ?? defaultFleetDir();
  switch (command) {
    case 'start': {
      const started = Date.now();
      const maxSessions = intOption('max-sessions', values['max-sessions']);
      const port = intOption('port', values.port);
      const fleet = await startFleet({
        nodes: intOption('nodes', values.nodes) ?? 128,
        dir,
        ...(port === undefined ? {} : { port }),
        ...(maxSessions === undefined ? {} : { maxSessions }),
      });
      const n = fleet.nodes.length;
      out.out(
        `fleet: ${nodeSet(n)} on ${fleet.addressOf('node1')}…${fleet.addressOf(`node${n}`)} port ${fleet.port}, ` +
          `${fleet.pids.length} sshd, ready in ${Date.now() - started} ms\n` +
          `  dir ${fleet.dir}\n` +
          `  try: ssh -F ${fleet.sshConfig} node1 'echo $SSH_CONNECTION'\n`,
      );
      return 0;
    }
    case 'stop': {
      const stopped = await stopFleet(dir);
      out.out(stopped ? `fleet: stopped (${dir})\n` : `fleet: none in ${dir}\n`);
      return 0;
    }
    case 'status': {
      const status = fleetStatus(dir);
      if (status === undefined) {
        out.out(`fleet: none in ${dir}\n`);
        return 3;
      }
      const listening = status.instances.reduce((sum, i) => sum + i.listening, 0);
      out.out(
        `fleet: ${status.running ? 'running' : 'NOT running'}: ${nodeSet(status.nodes)} port ${status.port}, ` +
          `${listening}/${status.nodes} addresses listening, ` +
          `${status.instances.filter((i) => i.running).length}/${status.instances.length} sshd\n` +
          (status.stoppedNodes.length > 0
            ? `  stopped nodes: ${status.stoppedNodes.join(',')}\n`
            : '') +
          `  dir ${status.dir}\n`,
      );
      return status.running ? 0 : 3;
    }
    case 'env': {
      const fleet = openFleet(dir);
      const exports: Array<[string, string]> = [
        ['CLUSTER_TASK_FLEET_DIR', fleet.dir],
        ['CLUSTER_TASK_FLEET_NODES', nodeSet(fleet.nodes.length)],
        ['CLUSTER_TASK_FLEET_PORT', String(fleet.port)],
        ['CLUSTER_TASK_FLEET_SSH_CONFIG', fleet.sshConfig],
        ['CLUSTER_TASK_FLEET_IDENTITY', fleet.identityFile],
        ['CLUSTER_TASK_FLEET_KNOWN_HOSTS', fleet.knownHosts],
        // pdsh -R ssh reads these
        ['PDSH_RCMD_TYPE', 'ssh'],
        ['PDSH_SSH_ARGS_APPEND', `-F ${fleet.sshConfig}`],
      ];
      out.out(exports.map(([k, v]) => `export ${k}=${sh(v)}\n`).join(''));
      return 0;
    }
    default:
      out.err(`fleet: unknown command ${command}\n${USAGE}\n`);
      return 2;
  }
}

/**
 * Parses the command line.
 *
 * @param argv - the arguments
 * @returns parseArgs' result
 * @throws {TypeError} on an unknown option
 */
function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      nodes: { type: 'string' },
      port: { type: 'string' },
      'max-sessions': { type: 'string' },
      dir: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
