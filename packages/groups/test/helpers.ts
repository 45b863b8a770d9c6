/**
 * Test helpers: temporary config trees and the ClusterShell oracle.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeSet } from '@cluster-task/nodeset';
import type { GroupResolverConfig } from '../src/index.js';

const ORACLE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'oracle.py');

/** A temporary directory tree, removed by `cleanup()`. */
export interface TempTree {
  readonly root: string;
  /** Writes `content` to `root/relPath`, creating directories; returns the absolute path. */
  write(relPath: string, content: string): string;
  /** Creates `root/relPath` as a directory; returns the absolute path. */
  mkdir(relPath: string): string;
  /** The absolute path of `root/relPath`. */
  path(relPath: string): string;
  cleanup(): void;
}

/**
 * Creates a temporary directory tree.
 *
 * @returns the tree
 */
export function tempTree(): TempTree {
  const root = mkdtempSync(join(tmpdir(), 'ct-groups-'));
  return {
    root,
    write(relPath, content) {
      const p = join(root, relPath);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      return p;
    },
    mkdir(relPath) {
      const p = join(root, relPath);
      mkdirSync(p, { recursive: true });
      return p;
    },
    path(relPath) {
      return join(root, relPath);
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** One query: an operation name and its arguments. */
export type OracleQuery =
  | readonly ['sources']
  | readonly ['default']
  | readonly ['map', string, string?]
  | readonly ['all', string?]
  | readonly ['list', string?]
  | readonly ['hasrev', string?]
  | readonly ['reverse', string, string?]
  | readonly ['groups', string, string?]
  | readonly ['fold', string]
  | readonly ['regroup', string, string?];

/** The answer to one query: a value, or an error's ClusterShell class name and message. */
export type OracleAnswer =
  | { readonly ok: unknown }
  | { readonly error: string; readonly message: string };

const PY_NAMES: Readonly<Record<string, string>> = {
  GroupSourceQueryFailedError: 'GroupSourceQueryFailed',
  GroupSourceNoUpcallError: 'GroupSourceNoUpcall',
};

/**
 * Asks ClusterShell 1.9.1 (the Python library) the queries.
 *
 * @param files - groups.conf paths, or null for ClusterShell's search path
 * @param queries - the queries
 * @param env - the environment of the Python process
 * @returns one answer per query
 */
export function oracle(
  files: readonly string[] | null,
  queries: readonly OracleQuery[],
  env: Readonly<Record<string, string>> = {},
): OracleAnswer[] {
  return runOracle({ files, queries }, env) as OracleAnswer[];
}

/** One oracle request: groups.conf paths (null for the search path) and queries. */
export interface OracleRequest {
  readonly files: readonly string[] | null;
  readonly queries: readonly OracleQuery[];
}

/**
 * Asks ClusterShell several independent requests in one Python process (a fresh resolver each).
 *
 * @param requests - the requests
 * @returns one answer list per request
 */
export function oracleMany(requests: readonly OracleRequest[]): OracleAnswer[][] {
  return runOracle(requests, {}) as OracleAnswer[][];
}

function runOracle(
  payload: OracleRequest | readonly OracleRequest[],
  env: Readonly<Record<string, string>>,
): OracleAnswer[] | OracleAnswer[][] {
  const out = execFileSync('/usr/bin/python3', [ORACLE, JSON.stringify(payload)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
  });
  const parsed = JSON.parse(out) as OracleAnswer[] | OracleAnswer[][];
  return Array.isArray(payload)
    ? (parsed as OracleAnswer[][]).map((answers) => answers.map(normalize))
    : (parsed as OracleAnswer[]).map(normalize);
}

// Python's configparser errors escape ClusterShell unwrapped; we raise them as
// GroupResolverConfigParserError with the same message.
const CONFIGPARSER_ERRORS = new Set([
  'MissingSectionHeaderError',
  'ParsingError',
  'DuplicateSectionError',
  'DuplicateOptionError',
  'InterpolationMissingOptionError',
  'InterpolationSyntaxError',
  'InterpolationDepthError',
]);

/** Maps the oracle's Python class names onto ours. */
function normalize(answer: OracleAnswer): OracleAnswer {
  if (!('error' in answer)) return answer;
  if (CONFIGPARSER_ERRORS.has(answer.error)) {
    return { error: 'GroupResolverConfigParserError', message: answer.message };
  }
  // The ValueErrors ClusterShell lets escape from its configuration code.
  if (answer.error === 'ValueError') {
    return { error: 'GroupResolverConfigValueError', message: answer.message };
  }
  return answer;
}

/**
 * Asks our resolver the same queries, with answers shaped like {@link oracle}'s.
 *
 * @param resolver - our resolver
 * @param queries - the queries
 * @returns one answer per query
 */
export function ours(
  resolver: GroupResolverConfig,
  queries: readonly OracleQuery[],
): OracleAnswer[] {
  return queries.map((q) => {
    try {
      switch (q[0]) {
        case 'sources':
          return { ok: [...resolver.sources()] };
        case 'default':
          return { ok: resolver.defaultSource ?? null };
        case 'map':
          return { ok: [...resolver.groupNodes(q[1], q[2])] };
        case 'all':
          try {
            return { ok: [...resolver.allNodes(q[1])] };
          } catch (e) {
            // ClusterShell's parser (ParsingEngine.all_nodes) reports a missing method this way.
            if ((e as { code?: unknown }).code !== 'ERR_GROUPS_NO_UPCALL') throw e;
            return {
              error: 'NodeSetExternalError',
              message: 'Not enough working methods (all or map + list) to get all nodes',
            };
          }
        case 'list':
          return { ok: [...resolver.groupList(q[1])] };
        case 'hasrev':
          return { ok: resolver.hasNodeGroups(q[1]) };
        case 'reverse':
          return { ok: [...resolver.nodeGroups(q[1], q[2])] };
        case 'groups':
          return { ok: [...resolver.nodeGroups(q[1], q[2])].sort() };
        case 'fold':
          return { ok: new NodeSet(q[1], { resolver }).toString() };
        case 'regroup':
          return { ok: new NodeSet(q[1], { resolver }).regroup({ source: q[2] }) };
        default:
          throw new Error(`unknown query ${String((q as readonly unknown[])[0])}`);
      }
    } catch (e) {
      const err = e as Error;
      return { error: PY_NAMES[err.name] ?? err.name, message: err.message };
    }
  });
}
