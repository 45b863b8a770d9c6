import { Buffer } from 'node:buffer';
import type { Worker } from '@cluster-task/engine';
import type { MsgTreeElem } from '@cluster-task/msgtree';
import { NodeSet } from '@cluster-task/nodeset';

/**
 * What one node (or a local command's key) did in a {@link RunResult}.
 *
 * @category Results
 * @example
 * ```ts
 * const n1: NodeResult | undefined = result.nodes.get('n1');
 * if (n1?.timedOut) console.log('n1 timed out');
 * else console.log(n1?.exitCode, n1?.stdout.toString());
 * ```
 */
export interface NodeResult {
  /** The node name or key. */
  readonly node: string;
  /** Exit status (128 + signal number when killed), undefined when timed out or aborted. */
  readonly exitCode: number | undefined;
  /** True when the command timed out on this node. */
  readonly timedOut: boolean;
  /** Standard output, lines joined with `\n` (stderr too unless `stderr: true`). */
  readonly stdout: Buffer;
  /** Standard error with `stderr: true`, empty otherwise. */
  readonly stderr: Buffer;
}

/**
 * One distinct output and the nodes that printed it, as `clush -b` shows them.
 *
 * @category Results
 * @example
 * ```ts
 * for (const { output, nodes } of result.stdout) console.log(`---\n${nodes}\n---\n${output}`);
 * ```
 */
export interface GatheredOutput {
  /** The output (lines joined with `\n`). */
  readonly output: Buffer;
  /** The nodes (or keys) that printed it, folded. */
  readonly nodes: NodeSet;
  /** The same keys, unfolded, in gathering order. */
  readonly keys: readonly string[];
}

/**
 * The outcome of `await task.run(command, options)`: per-node results and gathered outputs,
 * copied out of the task (they survive the next run). A failed command is data here, not an
 * exception.
 *
 * @category Results
 * @example
 * ```ts
 * const result = await task.run('systemctl is-active sshd', { nodes: 'n[1-32]' });
 * if (result.exitCode !== 0) {
 *   const bad = [...result.nodes.values()].filter((n) => n.exitCode !== 0).map((n) => n.node);
 *   console.error('not active on', NodeSet.fromList(bad).toString());
 * }
 * ```
 */
export interface RunResult {
  /** The worker that ran the command. */
  readonly worker: Worker;
  /** Each node (or the local key) and its result, in node set order. */
  readonly nodes: ReadonlyMap<string, NodeResult>;
  /** The highest exit code, undefined when no node finished (all timed out). */
  readonly exitCode: number | undefined;
  /** True when at least one node timed out. */
  readonly timedOut: boolean;
  /** Standard outputs gathered: identical outputs of many nodes once, ClusterShell's order. */
  readonly stdout: readonly GatheredOutput[];
  /** Standard errors gathered (with `stderr: true`). */
  readonly stderr: readonly GatheredOutput[];
}

/** What the task hands to {@link buildRunResult}. */
export interface RunResultSource {
  readonly worker: Worker;
  readonly keys: readonly string[];
  exitCode(key: string): number | undefined;
  timedOut(key: string): boolean;
  message(sname: 'stdout' | 'stderr', key: string): Buffer | undefined;
  gathered(sname: 'stdout' | 'stderr'): Array<[MsgTreeElem, string[]]>;
}

const EMPTY = Buffer.alloc(0);

/**
 * Copies a worker's results out of the task.
 *
 * @param src - accessors on the task's tables
 * @returns the result
 */
export function buildRunResult(src: RunResultSource): RunResult {
  const nodes = new Map<string, NodeResult>();
  let exitCode: number | undefined;
  let timedOut = false;
  for (const key of src.keys) {
    const rc = src.exitCode(key);
    const to = src.timedOut(key);
    if (rc !== undefined && (exitCode === undefined || rc > exitCode)) exitCode = rc;
    if (to) timedOut = true;
    nodes.set(key, {
      node: key,
      exitCode: rc,
      timedOut: to,
      stdout: src.message('stdout', key) ?? EMPTY,
      stderr: src.message('stderr', key) ?? EMPTY,
    });
  }
  const gather = (sname: 'stdout' | 'stderr'): GatheredOutput[] =>
    src.gathered(sname).map(([elem, keys]) => ({
      output: elem.message(),
      nodes: NodeSet.fromList(keys),
      keys,
    }));
  return {
    worker: src.worker,
    nodes,
    exitCode,
    timedOut,
    stdout: gather('stdout'),
    stderr: gather('stderr'),
  };
}
