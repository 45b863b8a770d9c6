/**
 * The `clubak` command-line tool: ClusterShell 1.9.1's `clubak`, which reads `key: line` lines
 * (the output of `pdsh`, `clush` or any `dsh`-like tool) and prints them gathered by key, with
 * the same options, output bytes, messages and exit statuses.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import type { UpcallEvent } from '@cluster-task/groups';
import { loadGroupResolver } from '@cluster-task/groups';
import { MsgTree, MsgTreeMode } from '@cluster-task/msgtree';
import type { NodeSetOptions } from '@cluster-task/nodeset';
import { NodeSet } from '@cluster-task/nodeset';
import { CliPythonError, CliUsageError } from './errors.js';
import type { Label, Verbosity } from './internal/clubak-display.js';
import { ClubakDisplay, useColor } from './internal/clubak-display.js';
import { reportClubakError } from './internal/clubak-errors.js';
import { ByteOutput, readByteLines } from './internal/clubak-io.js';
import type { ClubakOptions } from './internal/clubak-options.js';
import { CLUBAK_PARSER, toClubakOptions } from './internal/clubak-options.js';
import { decodeUtf8, utf8EncodeErrorMessage, utf8ErrorMessage } from './internal/clubak-utf8.js';
import { defaultFoldAxis } from './internal/defaults-conf.js';
import { EXIT } from './internal/errors-map.js';
import { encodeBackslashReplace, writeFully } from './internal/io.js';
import { formatUsage, parseOptions } from './internal/optparse.js';
import { compareCodePoints } from './internal/py-str.js';
import type { CliIo } from './nodeset-cli.js';

/** Python's `bytes.strip()` white space. */
function isAsciiSpace(b: number | undefined): boolean {
  return b === 0x20 || (b !== undefined && b >= 0x09 && b <= 0x0d);
}

/** Python's `bytes.strip()`. */
function stripBytes(b: Buffer): Buffer {
  let start = 0;
  let end = b.length;
  while (start < end && isAsciiSpace(b[start])) start++;
  while (end > start && isAsciiSpace(b[end - 1])) end--;
  return b.subarray(start, end);
}

/** Python's `bytes.rstrip(b'\r\n')`. */
function stripLineEnd(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0x0a || b[end - 1] === 0x0d)) end--;
  return b.subarray(0, end);
}

function valueError(message: string): CliPythonError {
  return new CliPythonError('ValueError', message);
}

function isValueError(e: unknown): e is CliPythonError {
  return e instanceof CliPythonError && e.kind === 'ValueError';
}

/** ClusterShell's auto mode falls back to raw keys on a NodeSetParseError only. */
function isNodeSetParseError(e: unknown): boolean {
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  return code === 'ERR_NODESET_PARSE' || code === 'ERR_NODESET_PARSE_RANGE';
}

/** Whether a name holds U+FEFF or U+001C-U+001F (see {@link nodeSetOfKeys}). */
function hasOddSpace(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0xfeff || (c >= 0x1c && c <= 0x1f)) return true;
  }
  return false;
}

/**
 * ClusterShell's `NodeSet.fromlist(keys)`: the union of the keys, each parsed as a node set.
 * `NodeSet.fromList()` folds plain names faster, but trims them as JavaScript does (U+FEFF
 * removed, U+001C-U+001F kept, where Python does the opposite): such names are parsed one by one.
 */
function nodeSetOfKeys(keys: Iterable<string>, options: NodeSetOptions): NodeSet {
  const plain: string[] = [];
  const odd: string[] = [];
  for (const key of keys) (hasOddSpace(key) ? odd : plain).push(key);
  const nodes = NodeSet.fromList(plain, options);
  for (const key of odd) nodes.update(key);
  return nodes;
}

function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** One run: streams and helpers. */
class Run {
  readonly io: CliIo;
  readonly out: ByteOutput;

  constructor(io: CliIo) {
    this.io = io;
    this.out = new ByteOutput(io.stdout);
  }

  /**
   * What a group upcall wrote on its stderr (ClusterShell lets upcalls inherit its own). Upcalls
   * run inside synchronous NodeSet parsing, so this writes without waiting; the stream keeps the
   * order of writes.
   */
  upcallDone(event: UpcallEvent): void {
    if (event.stderr === '') return;
    try {
      this.io.stderr.write(encodeBackslashReplace(event.stderr), () => undefined);
    } catch {
      // Nothing sensible to do when stderr itself is gone.
    }
  }

  /** Python's `print(text, file=sys.stderr)`. */
  async warn(text: string): Promise<void> {
    try {
      await writeFully(this.io.stderr, encodeBackslashReplace(text));
    } catch {
      // Nothing sensible to do when stderr itself is gone.
    }
  }
}

function resolveIo(io: Partial<CliIo> | undefined): CliIo {
  return {
    stdin: io?.stdin ?? process.stdin,
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
    env: io?.env ?? process.env,
    progName: io?.progName ?? 'clubak',
  };
}

/**
 * Runs `clubak` with the given arguments, as ClusterShell 1.9.1's `clubak` would: it reads
 * `key: line` lines on stdin and prints them gathered, with the same bytes on stdout, the same
 * messages on stderr and the same exit status. Lines are bytes: invalid UTF-8 passes through.
 * It never exits the process and can be called many times in one process.
 *
 * @param argv - the arguments, without the program name (`process.argv.slice(2)`)
 * @param io - streams, environment and program name to use instead of the process's own
 * @returns the exit status: 0 on success, 1 on error, 2 on a usage error
 * @category CLI
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * const stdin = Readable.from([Buffer.from('n1: up\nn2: up\nn3: down\n')]);
 * const code = await clubakMain(['-b'], { stdin });
 * // ---------------
 * // n[1-2] (2)
 * // ---------------
 * //  up
 * // ---------------
 * // n3
 * // ---------------
 * //  down
 * ```
 */
export async function clubakMain(argv: readonly string[], io?: Partial<CliIo>): Promise<number> {
  const cli = resolveIo(io);
  const run = new Run(cli);
  let code: number;
  try {
    code = await clubak(argv, run);
    await run.out.flush();
  } catch (e) {
    try {
      await run.out.flush();
    } catch {
      // The error being reported matters more than a failed flush.
    }
    const report = reportClubakError(e, {
      prog: cli.progName,
      usage: formatUsage(CLUBAK_PARSER, cli.progName),
    });
    if (report.stderr) await run.warn(report.stderr);
    code = report.exitCode;
  }
  return code;
}

async function clubak(argv: readonly string[], run: Run): Promise<number> {
  const { io, out } = run;
  const parsed = parseOptions(CLUBAK_PARSER, argv, io.progName, io.env.COLUMNS);
  if (parsed.kind === 'exit') {
    await out.write(parsed.text);
    return EXIT.OK;
  }
  const opts = toClubakOptions(parsed.values);
  const resolver = loadGroupResolver({
    ...(opts.groupsconf ? { groupsConf: opts.groupsconf } : {}),
    env: io.env,
    onUpcall: (event) => run.upcallDone(event),
  });
  const nsOptions: NodeSetOptions = { resolver, foldAxis: defaultFoldAxis(io.env) };

  // true: keys are node sets; false: raw keys; undefined: node sets until one does not parse.
  let interpret: boolean | undefined =
    opts.interpretKeys === 'auto' ? undefined : opts.interpretKeys === 'always';
  const tree = new MsgTree({ mode: opts.traceMode ? MsgTreeMode.TRACE : MsgTreeMode.DEFER });
  if (opts.fastMode && (opts.traceMode || opts.lineMode)) {
    throw new CliUsageError('incompatible tree options');
  }
  const preload = new Map<string, Buffer[]>();
  const unencodable = utf8EncodeErrorMessage(opts.separator);
  if (unencodable !== undefined) throw valueError(unencodable);
  const separator = Buffer.from(opts.separator, 'utf8');
  const echo = opts.verbose || opts.debug;

  for await (const raw of readByteLines(io.stdin)) {
    const line = stripLineEnd(raw);
    if (echo) await out.write('INPUT ', line, '\n');
    let keys: Iterable<string>;
    let content: Buffer;
    try {
      if (separator.length === 0) throw valueError('empty separator');
      const at = line.indexOf(separator);
      if (at < 0) throw valueError('not enough values to unpack (expected 2, got 1)');
      const keyBytes = stripBytes(line.subarray(0, at));
      content = line.subarray(at + separator.length);
      const decoded = decodeUtf8(keyBytes);
      if (decoded.error !== undefined) {
        throw valueError(utf8ErrorMessage(keyBytes, decoded.error));
      }
      const key = decoded.text;
      if (key === '') throw valueError('no node found');
      if (interpret === false) {
        keys = [key];
      } else {
        try {
          keys = new NodeSet(key, nsOptions);
        } catch (e) {
          if (interpret === true || !isNodeSetParseError(e)) throw e;
          interpret = false;
          keys = [key];
        }
      }
    } catch (e) {
      if (!isValueError(e)) throw e;
      // ClusterShell words the error with the whole line, which must decode first.
      const whole = decodeUtf8(line);
      if (whole.error !== undefined) throw valueError(utf8ErrorMessage(line, whole.error));
      throw valueError(`${e.message}: "${whole.text}"`);
    }
    if (opts.fastMode) {
      for (const node of keys) {
        const msgs = preload.get(node);
        if (msgs === undefined) preload.set(node, [content]);
        else msgs.push(content);
      }
    } else {
      for (const node of keys) tree.add(node, content);
    }
  }
  if (opts.fastMode) {
    const nl = Buffer.from('\n');
    for (const [node, msgs] of preload) {
      tree.add(node, Buffer.concat(msgs.flatMap((m, i) => (i === 0 ? [m] : [nl, m]))));
    }
  }

  if (opts.diff && opts.lineMode) {
    throw new CliUsageError('option mismatch (diff not supported in line_mode)');
  }
  const gather = opts.gatherall || opts.gather || opts.diff;
  const verbosity: Verbosity = opts.debug ? 3 : opts.verbose ? 2 : opts.quiet ? 0 : 1;
  const isTTY = (io.stdout as { isTTY?: unknown }).isTTY === true;
  const disp = new ClubakDisplay(
    {
      diff: opts.diff,
      lineMode: opts.lineMode,
      label: opts.label,
      regroup: opts.regroup,
      groupsource: opts.groupsource,
      groupbase: opts.groupbase,
      verbosity,
      color: useColor(opts.whencolor, io.env, isTTY),
    },
    out,
  );
  if (opts.debug) {
    // ClusterShell sets the (deprecated) resolver verbosity here, which loads groups.conf.
    resolver.configFiles();
    await run.warn(
      `clubak: line_mode=${pyBool(opts.lineMode)} gather=${pyBool(gather)} tree_depth=${tree.depth()}\n`,
    );
  }

  if (opts.traceMode) {
    await displayTree(tree, disp, opts, out, nsOptions);
  } else if (gather || opts.regroup) {
    await displayGathered(tree, disp, interpret !== false, nsOptions);
  } else {
    await displayByKey(tree, disp, interpret !== false, nsOptions);
  }
  return EXIT.OK;
}

/** `-T`: every line once, under the header of the keys that share it, indented by depth. */
async function displayTree(
  tree: MsgTree,
  disp: ClubakDisplay,
  opts: ClubakOptions,
  out: ByteOutput,
  nsOptions: NodeSetOptions,
): Promise<void> {
  const offset = 2;
  let header = true;
  let indent = -offset;
  const indents = new Map<number, number>();
  for (const t of tree.walkTrace()) {
    if (header) {
      const known = indents.get(t.depth);
      if (known !== undefined) {
        indent = known;
      } else {
        indent += offset;
        indents.set(t.depth, indent);
      }
      const nodes = nodeSetOfKeys(t.keys, nsOptions);
      if (opts.lineMode) await out.write(`${nodes}:\n`);
      else await out.write(disp.formatHeader({ kind: 'nodes', nodes }, indent));
    }
    await out.write(' '.repeat(Math.max(0, indent)), t.line, '\n');
    header = t.childCount !== 1;
  }
}

/** `-b`/`-r`/`--diff`: one block per distinct output, the largest node sets first. */
async function displayGathered(
  tree: MsgTree,
  disp: ClubakDisplay,
  nodesetKeys: boolean,
  nsOptions: NodeSetOptions,
): Promise<void> {
  if (!nodesetKeys) {
    for (const { elem, keys } of tree.walk()) await disp.printGather({ kind: 'keys', keys }, elem);
    return;
  }
  const blocks = [...tree.walk()].map(({ elem, keys }) => {
    const nodes = nodeSetOfKeys(keys, nsOptions);
    return { nodes, first: nodes.at(0) ?? '', elem };
  });
  blocks.sort((x, y) => y.nodes.size - x.nodes.size || compareCodePoints(x.first, y.first));
  for (const b of blocks) {
    const label: Label = { kind: 'nodes', nodes: b.nodes };
    await disp.printGather(label, tree.get(b.first) ?? b.elem);
  }
}

/** Default mode: one block per key, in node set order (or input order for raw keys). */
async function displayByKey(
  tree: MsgTree,
  disp: ClubakDisplay,
  nodesetKeys: boolean,
  nsOptions: NodeSetOptions,
): Promise<void> {
  if (!nodesetKeys) {
    for (const [key, elem] of tree.items())
      await disp.printGather({ kind: 'keys', keys: [key] }, elem);
    return;
  }
  for (const node of nodeSetOfKeys(tree.keys(), nsOptions)) {
    const elem = tree.get(node);
    if (elem === undefined) continue;
    // One node: its name is the label (-r, which would regroup it, always gathers).
    await disp.printGather({ kind: 'keys', keys: [node] }, elem);
  }
}
