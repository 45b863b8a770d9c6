/**
 * The `nodeset` and `cluset` command-line tools: ClusterShell 1.9.1's `nodeset`, with the same
 * options, output, messages and exit statuses.
 *
 * @module
 */

import { constants } from 'node:os';
import { basename } from 'node:path';
import type { GroupResolverConfig, UpcallEvent } from '@cluster-task/groups';
import { loadGroupResolver } from '@cluster-task/groups';
import type { GroupResolver, NodeSetOptions } from '@cluster-task/nodeset';
import { groupList, NodeSet, NodeSetExternalError, RangeSet } from '@cluster-task/nodeset';
import { CliPythonError, CliSeparatorError, CliUsageError } from './errors.js';
import { defaultFoldAxis } from './internal/defaults-conf.js';
import { EXIT, reportError } from './internal/errors-map.js';
import { BufferedOutput, encodeBackslashReplace, StdinReader, writeFully } from './internal/io.js';
import type { NodesetOptions } from './internal/nodeset-options.js';
import { NODESET_PARSER, toNodesetOptions } from './internal/nodeset-options.js';
import { formatUsage, parseOptions } from './internal/optparse.js';
import type { PyFormatValue } from './internal/py-format.js';
import { pyPercentFormat } from './internal/py-format.js';
import { evalSeparator } from './internal/py-literal.js';
import {
  compareCodePoints,
  dropLastCodePoint,
  pyParseInt,
  pyRepr,
  pySplitLines,
  pySplitWhitespace,
} from './internal/py-str.js';

/**
 * The streams and environment a CLI run uses. Every field has a default (the process's own), so
 * tests and embedders pass only what they replace.
 *
 * @category CLI
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * const stdout = new PassThrough();
 * const io: Partial<CliIo> = { stdout, env: { CLUSTERSHELL_CFGDIR: '/etc/mycluster' }, progName: 'cluset' };
 * await nodesetMain(['-c', '@compute'], io);
 * ```
 */
export interface CliIo {
  /** Standard input (read when the node sets come from stdin). */
  readonly stdin: NodeJS.ReadableStream;
  /** Standard output. */
  readonly stdout: NodeJS.WritableStream;
  /** Standard error. */
  readonly stderr: NodeJS.WritableStream;
  /** Environment: HOME, XDG_CONFIG_HOME, CLUSTERSHELL_CFGDIR (configuration), COLUMNS (`--help`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Program name used in messages (`nodeset` or `cluset`). */
  readonly progName: string;
}

/** The operations the CLI needs from a NodeSet or a RangeSet. */
interface WorkSet<T> {
  readonly size: number;
  autostep: number | undefined;
  update(other: T): unknown;
  intersectionUpdate(other: T): unknown;
  differenceUpdate(other: T): unknown;
  symmetricDifferenceUpdate(other: T): unknown;
  slice(start?: number, stop?: number, step?: number): T;
  split(n: number): T[];
  contiguous(): T[];
  striter(): Iterable<string>;
  toString(): string;
}

/** What differs between NodeSet mode and RangeSet mode (`-R`). */
interface SetMode<T extends WorkSet<T>> {
  /** `class_set(pattern, autostep=...)`. */
  create(pattern: string | undefined, autostep: number | undefined): T;
  /** `class_set.fromlist(items, autostep=...)`. */
  fromList(items: readonly string[], autostep: number | undefined): T;
  /** `NodeSet.fromall()`, for `-a` (NodeSet mode only). */
  fromAll(): T;
  /** Groups of the set's nodes, for `-l` with nodes. */
  groups(x: T, source: string | undefined, noprefix: boolean): Map<string, GroupMatch>;
  /** The regrouped form, for `-r`. */
  regroup(x: T, source: string | undefined, noprefix: boolean): string;
  /** The text `-f` prints for a set, given the `-O` format. */
  foldText(x: T, fmt: string): string;
  /** For `-f -O FMT` in NodeSet mode: a new set of the formatted node names. */
  reformat(x: T, fmt: string): T | undefined;
  /** Sets the fold axes (`--axis`). */
  setFoldAxis(x: T, axes: readonly number[]): void;
}

interface GroupMatch {
  readonly group: { readonly size: number };
  readonly nodes: { readonly size: number; toString(): string };
}

/** One run of the tool: streams, options and helpers. */
class Run {
  readonly out: BufferedOutput;
  readonly stdin: StdinReader;
  readonly io: CliIo;

  constructor(io: CliIo) {
    this.io = io;
    this.out = new BufferedOutput(io.stdout);
    this.stdin = new StdinReader(io.stdin);
  }

  /** Python's `print(text)` on stdout. */
  print(text: string): Promise<void> {
    return this.out.write(`${text}\n`);
  }

  /** Python's `print(text, file=sys.stderr)`. */
  async warn(text: string): Promise<void> {
    try {
      await writeFully(this.io.stderr, encodeBackslashReplace(`${text}\n`));
    } catch {
      // Nothing sensible to do when stderr itself is gone.
    }
  }

  /**
   * Reports a finished upcall as ClusterShell shows it: the upcall's own stderr (ClusterShell
   * lets upcalls inherit its stderr) and, with `-d`, the `EXEC`/`READ`/`ERROR` debug lines of
   * its logger. Upcalls run inside synchronous NodeSet parsing, so this writes without waiting;
   * the stream keeps the order of writes.
   */
  upcallDone(event: UpcallEvent, debug: boolean): void {
    const logger = 'DEBUG:ClusterShell.NodeUtils:';
    let text = debug ? `${logger}EXEC '${event.command}'\n` : '';
    text += event.stderr;
    if (debug) {
      text += `${logger}READ '${event.stdout}'\n`;
      if (event.exitCode !== 0) {
        text += `${logger}ERROR '${event.command}' returned ${pyReturnCode(event)}\n`;
      }
    }
    if (text === '') return;
    try {
      this.io.stderr.write(encodeBackslashReplace(text), () => undefined);
    } catch {
      // Nothing sensible to do when stderr itself is gone.
    }
  }
}

/** Python's `Popen.returncode`: the exit status, or minus the number of the killing signal. */
function pyReturnCode(event: UpcallEvent): number {
  if (event.exitCode !== undefined) return event.exitCode;
  const signals = constants.signals as Readonly<Record<string, number>>;
  const num = event.signal === undefined ? undefined : signals[event.signal];
  return num === undefined ? 1 : -num;
}

function defaultProgName(): string {
  const script = process.argv[1];
  const name = script === undefined ? 'nodeset' : basename(script).replace(/\.[cm]?[jt]s$/, '');
  return name || 'nodeset';
}

function resolveIo(io: Partial<CliIo> | undefined): CliIo {
  return {
    stdin: io?.stdin ?? process.stdin,
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
    env: io?.env ?? process.env,
    progName: io?.progName ?? defaultProgName(),
  };
}

/**
 * Runs `nodeset` (or `cluset`) with the given arguments, as ClusterShell 1.9.1's `nodeset`
 * would: same output on stdout, same messages on stderr, same exit status. It never exits the
 * process and can be called many times in one process.
 *
 * @param argv - the arguments, without the program name (`process.argv.slice(2)`)
 * @param io - streams, environment and program name to use instead of the process's own
 * @returns the exit status: 0 on success, 1 on error, 2 on a usage error
 * @category CLI
 * @example
 * ```ts
 * const code = await nodesetMain(['-f', 'n1', 'n2', 'n3']); // prints n[1-3]
 * ```
 */
export async function nodesetMain(argv: readonly string[], io?: Partial<CliIo>): Promise<number> {
  const cli = resolveIo(io);
  const run = new Run(cli);
  let code: number;
  try {
    code = await nodeset(argv, run);
    await run.out.flush();
  } catch (e) {
    try {
      await run.out.flush();
    } catch {
      // The error being reported matters more than a failed flush.
    }
    const report = reportError(e, {
      prog: cli.progName,
      usage: formatUsage(NODESET_PARSER, cli.progName),
    });
    if (report.stderr) await run.warn(report.stderr.replace(/\n$/, ''));
    code = report.exitCode;
  }
  return code;
}

async function nodeset(argv: readonly string[], run: Run): Promise<number> {
  const { io } = run;
  const parsed = parseOptions(NODESET_PARSER, argv, io.progName, io.env.COLUMNS);
  if (parsed.kind === 'exit') {
    await run.out.write(parsed.text);
    return EXIT.OK;
  }
  const opts = toNodesetOptions(parsed.values);
  const resolver = loadGroupResolver({
    ...(opts.groupsconf ? { groupsConf: opts.groupsconf } : {}),
    env: io.env,
    onUpcall: (event) => run.upcallDone(event, opts.debug),
  });

  const cmdcount =
    Number(opts.count) +
    Number(opts.expand) +
    Number(opts.fold) +
    Number(opts.list > 0) +
    Number(opts.listall > 0) +
    Number(opts.regroup) +
    Number(opts.groupsources);
  if (cmdcount === 0) throw new CliUsageError('No command specified.');
  if (cmdcount > 1) throw new CliUsageError('Multiple commands not allowed.');
  if ((opts.all || opts.regroup) && opts.rangeset) {
    throw new CliUsageError('-a/-r only supported in NodeSet mode');
  }
  if (opts.maxsplit !== undefined && opts.contiguous) {
    throw new CliUsageError('incompatible splitting options (split, contiguous)');
  }
  if (opts.axis && (!opts.fold || opts.rangeset)) {
    throw new CliUsageError('--axis option is only supported when folding nodeset');
  }
  if (opts.groupsource && !opts.quiet && opts.rangeset) {
    await run.warn(`WARNING: option group source "${opts.groupsource}" ignored`);
  }
  if (opts.groupsource) resolver.setDefaultSource(opts.groupsource);

  if (opts.groupsources) {
    let mark = opts.quiet ? '' : ' (default)';
    for (const src of resolver.sources()) {
      await run.print(`${src}${mark}`);
      mark = '';
    }
    return EXIT.OK;
  }

  if (opts.rangeset) return runMode(rangeSetMode(), run, opts, parsed.args, resolver);
  const foldAxis = defaultFoldAxis(io.env);
  return runMode(nodeSetMode(resolver, foldAxis), run, opts, parsed.args, resolver);
}

function nodeSetMode(
  resolver: GroupResolver,
  foldAxis: readonly number[] | undefined,
): SetMode<NodeSet> {
  const options = (autostep: number | undefined): NodeSetOptions => ({
    autostep,
    resolver,
    foldAxis,
  });
  return {
    create: (pattern, autostep) => new NodeSet(pattern, options(autostep)),
    fromList: (items, autostep) => NodeSet.fromList(items, options(autostep)),
    fromAll: () => {
      try {
        return NodeSet.fromAll({ resolver });
      } catch (e) {
        throw asFromAllError(e);
      }
    },
    groups: (x, source, noprefix) =>
      x.groups({ ...(source === undefined ? {} : { source }), noprefix }),
    regroup: (x, source, noprefix) =>
      x.regroup({ ...(source === undefined ? {} : { source }), noprefix }),
    foldText: (x) => x.toString(),
    reformat: (x, fmt) => {
      if (fmt === '%s') return undefined;
      // ClusterShell reads each formatted string as ONE node name (NodeSet._fromlist1: no
      // operators, no groups), even when the format adds brackets or `@` (`-O '[%s]'`).
      const names: string[] = [];
      for (const node of x.striter())
        names.push(pyPercentFormat(fmt, { kind: 'str', value: node }));
      return NodeSet.fromNodeNames(names, options(x.autostep));
    },
    setFoldAxis: (x, axes) => {
      x.foldAxis = axes;
    },
  };
}

/** ClusterShell's names of the resolver errors that `NodeSet.fromall()` wraps. */
const RESOLVER_ERROR_CLASSES: Readonly<Record<string, string>> = {
  ERR_GROUPS_UNKNOWN_SOURCE: 'GroupResolverSourceError',
  ERR_GROUPS_ILLEGAL_CHAR: 'GroupResolverIllegalCharError',
  ERR_GROUPS_CONFIG: 'GroupResolverConfigError',
};

/**
 * ClusterShell's `NodeSet.fromall()` turns every group resolver error (unknown source, illegal
 * character, configuration error) into `NodeSetExternalError("Group source error (<class>: <msg>)")`.
 */
function asFromAllError(e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  const cls = typeof code === 'string' ? RESOLVER_ERROR_CLASSES[code] : undefined;
  if (cls === undefined) return e;
  return new NodeSetExternalError(`Group source error (${cls}: ${(e as Error).message})`, {
    cause: e,
  });
}

function rangeSetMode(): SetMode<RangeSet> {
  const options = (autostep: number | undefined) => ({ autostep });
  return {
    create: (pattern, autostep) => new RangeSet(pattern, options(autostep)),
    fromList: (items, autostep) => RangeSet.fromList(items, options(autostep)),
    fromAll: () => {
      throw new CliUsageError('-a/-r only supported in NodeSet mode');
    },
    groups: () => {
      throw new CliPythonError('AttributeError', "'RangeSet' object has no attribute 'groups'");
    },
    regroup: () => {
      throw new CliPythonError('AttributeError', "'RangeSet' object has no attribute 'regroup'");
    },
    foldText: (x, fmt) =>
      fmt === '%s' ? x.toString() : pyPercentFormat(fmt, { kind: 'rangeset', value: x.toString() }),
    reformat: () => undefined,
    setFoldAxis: () => undefined,
  };
}

/** Python's truthiness of a set. */
function nonEmpty(x: { readonly size: number }): boolean {
  return x.size > 0;
}

async function runMode<T extends WorkSet<T>>(
  mode: SetMode<T>,
  run: Run,
  opts: NodesetOptions,
  operands: readonly string[],
  resolver: GroupResolverConfig,
): Promise<number> {
  // A percentage or 'auto' only applies once the result is known.
  const autostep = opts.autostep?.kind === 'count' ? opts.autostep.value : undefined;

  /** process_stdin(): every whitespace-separated token of stdin, `#` starting a comment. */
  const fromStdin = async (apply: (s: T) => unknown): Promise<void> => {
    const tmp = mode.create(undefined, autostep);
    for await (const line of run.stdin.lines()) {
      const hash = line.indexOf('#');
      const text = hash < 0 ? dropLastCodePoint(line) : line.slice(0, hash);
      for (const elem of pySplitWhitespace(text)) tmp.update(mode.create(elem, autostep));
    }
    if (nonEmpty(tmp)) apply(tmp);
  };

  let xset = mode.create(undefined, autostep);
  if (opts.all) xset.update(mode.fromAll());
  if (operands.length === 0 && !opts.all && !(opts.list > 0 || opts.listall > 0)) {
    await fromStdin((s) => xset.update(s));
  }
  const hasOps = opts.andNodes.length + opts.subNodes.length + opts.xorNodes.length > 0;
  if (!nonEmpty(xset) && hasOps && !opts.quiet) {
    await run.warn('WARNING: empty left operand for set operation');
  }
  for (const nodes of opts.andNodes) {
    if (nodes === '-') await fromStdin((s) => xset.intersectionUpdate(s));
    else xset.intersectionUpdate(mode.create(nodes, autostep));
  }
  for (const nodes of opts.subNodes) {
    if (nodes === '-') await fromStdin((s) => xset.differenceUpdate(s));
    else xset.differenceUpdate(mode.create(nodes, autostep));
  }
  for (const nodes of opts.xorNodes) {
    if (nodes === '-') await fromStdin((s) => xset.symmetricDifferenceUpdate(s));
    else xset.symmetricDifferenceUpdate(mode.create(nodes, autostep));
  }

  // compute_nodeset(): operands are unions; -x/-i/-X may sit between them.
  const args = [...operands];
  while (args.length > 0) {
    const arg = args.shift() ?? '';
    const op =
      arg === '-i' || arg === '--intersection'
        ? 'and'
        : arg === '-x' || arg === '--exclude'
          ? 'sub'
          : arg === '-X' || arg === '--xor'
            ? 'xor'
            : undefined;
    if (op !== undefined) {
      if (args.length === 0) throw new CliPythonError('IndexError', 'pop from empty list');
      const val = args.shift() ?? '';
      const apply = (s: T): unknown =>
        op === 'and'
          ? xset.intersectionUpdate(s)
          : op === 'sub'
            ? xset.differenceUpdate(s)
            : xset.symmetricDifferenceUpdate(s);
      if (val === '-') await fromStdin(apply);
      else apply(mode.fromList(pySplitLines(val), autostep));
    } else if (arg === '-') {
      await fromStdin((s) => xset.update(s));
    } else {
      xset.update(mode.fromList(pySplitLines(arg), autostep));
    }
  }

  if (opts.list > 0 || opts.listall > 0) {
    await commandList(mode, run, opts, xset, resolver, hasOps);
    return EXIT.OK;
  }

  let separator: string;
  try {
    separator = evalSeparator(opts.separator);
  } catch (e) {
    throw new CliSeparatorError(opts.separator, { cause: e });
  }

  if (opts.slice) {
    const sliced = mode.create(undefined, undefined);
    for (const s of new RangeSet(opts.slice).slices()) {
      sliced.update(xset.slice(s.start, s.stop, s.step));
    }
    xset = sliced;
  }

  if (opts.autostep?.kind === 'auto') {
    xset.autostep = Math.max(3, xset.size);
  } else if (opts.autostep?.kind === 'percent') {
    xset.autostep = pyIntOfFloat(Math.ceil(xset.size * opts.autostep.factor));
  }

  if (opts.axis) {
    if (!opts.axis.startsWith('-')) {
      const axes: number[] = [];
      for (const x of new RangeSet(opts.axis).intiter()) if (x > 0) axes.push(x - 1);
      mode.setFoldAxis(xset, axes);
    } else {
      const n = pyParseInt(opts.axis, 10);
      if (n === undefined) {
        throw new CliPythonError(
          'ValueError',
          `invalid literal for int() with base 10: ${pyRepr(opts.axis)}`,
        );
      }
      mode.setFoldAxis(xset, [n]);
    }
  }

  if (opts.pick && opts.pick < xset.size) {
    if (opts.pick < 0) {
      throw new CliPythonError('ValueError', 'Sample larger than population or is negative');
    }
    const keep = mode.create(randomSample([...xset.striter()], opts.pick).join(','), undefined);
    xset.intersectionUpdate(keep);
  }

  const fmt = opts.outputFormat;
  const format = (value: PyFormatValue): string =>
    fmt === '%s' && value.kind !== 'int' ? value.value : pyPercentFormat(fmt, value);
  let render: (x: T) => string;
  if (opts.expand) {
    render = (x) => {
      const parts: string[] = [];
      for (const s of x.striter()) parts.push(format({ kind: 'str', value: s }));
      return parts.join(separator);
    };
  } else if (opts.fold) {
    const reformatted = mode.reformat(xset, fmt);
    if (reformatted !== undefined) {
      xset = reformatted;
      render = (x) => x.toString();
    } else {
      render = (x) => mode.foldText(x, fmt);
    }
  } else if (opts.regroup) {
    render = (x) =>
      format({ kind: 'str', value: mode.regroup(x, opts.groupsource, opts.groupbase) });
  } else {
    render = (x) => format({ kind: 'int', value: x.size });
  }

  const maxsplit = opts.maxsplit ?? 1;
  if (!nonEmpty(xset) || (maxsplit <= 1 && !opts.contiguous)) {
    await run.print(render(xset));
  } else {
    const parts = opts.contiguous ? xset.contiguous() : xset.split(maxsplit);
    for (const part of parts) await run.print(render(part));
  }
  return EXIT.OK;
}

/** Python's `int(f)` of a float result: NaN and infinities raise. */
function pyIntOfFloat(f: number): number {
  if (Number.isNaN(f))
    throw new CliPythonError('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(f)) {
    throw new CliPythonError('OverflowError', 'cannot convert float infinity to integer');
  }
  return f;
}

/** `k` distinct items drawn at random (Python's `random.sample`). */
function randomSample<U>(items: U[], k: number): U[] {
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(Math.random() * (items.length - i));
    const tmp = items[i] as U;
    items[i] = items[j] as U;
    items[j] = tmp;
  }
  return items.slice(0, k);
}

/** `-l`/`-L`: list groups, of one source or of all of them. */
async function commandList<T extends WorkSet<T>>(
  mode: SetMode<T>,
  run: Run,
  opts: NodesetOptions,
  xset: T,
  resolver: GroupResolverConfig,
  hasOps: boolean,
): Promise<void> {
  const level = opts.list + opts.listall;
  let sources: (string | undefined)[];
  if (opts.listall > 0) {
    sources = [...resolver.sources()];
    // The default source is shown unprefixed, unless -s named it.
    if (sources.length > 0 && !opts.groupsource) sources[0] = undefined;
  } else {
    sources = [opts.groupsource];
  }
  const foldAxis = defaultFoldAxis(run.io.env);
  for (const source of sources) {
    try {
      if (opts.all || nonEmpty(xset) || hasOps) {
        const groups = mode.groups(xset, source, opts.groupbase);
        const names = [...groups.keys()].sort(compareCodePoints);
        for (const name of names) {
          const g = groups.get(name);
          if (g === undefined) continue;
          if (level === 1) await run.print(name);
          else if (level === 2) await run.print(`${name} ${g.nodes}`);
          else await run.print(`${name} ${g.nodes} ${g.nodes.size}/${g.group.size}`);
        }
      } else {
        const names = groupList({ ...(source === undefined ? {} : { source }), resolver });
        for (const group of names) {
          const nsgroup = source && !opts.groupbase ? `@${source}:${group}` : `@${group}`;
          if (level === 1) {
            await run.print(nsgroup);
          } else {
            const nodes = new NodeSet(nsgroup, { resolver, foldAxis });
            if (level === 2) await run.print(`${nsgroup} ${nodes}`);
            else await run.print(`${nsgroup} ${nodes} ${nodes.size}`);
          }
        }
      }
    } catch (e) {
      if (opts.listall === 0 || (e as { code?: unknown }).code !== 'ERR_GROUPS_NO_UPCALL') throw e;
      // A missing list upcall is not fatal with -L.
      const upcall = (e as { upcall?: unknown }).upcall;
      await run.warn(
        `Warning: No ${typeof upcall === 'string' ? upcall : (e as Error).message} upcall defined for group source ${source ?? 'None'}`,
      );
    }
  }
}
