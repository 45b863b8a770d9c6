import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExecWorker, WorkerPatternError } from '../src/index.js';
import { replacePlaceholders, usesAllHosts } from '../src/internal/template.js';

const ORACLE = fileURLToPath(new URL('./fixtures/template_oracle.py', import.meta.url));

type Case = [pattern: string, node: string, rank: number];

const CASES: Case[] = [
  ['echo %h %n', 'n1', 3],
  ['echo %host %rank', 'gpu12', 7],
  ['echo %{h}-%{n}', 'n1', 2],
  ['echo %%h %h %% %%%h', 'n1', 0],
  ['echo 100%', 'n1', 0],
  ['echo %', 'n1', 0],
  ['echo %u', 'n1', 0],
  ['echo %{x}', 'n1', 0],
  ['echo %H', 'n1', 0],
  ['echo %hx %h', 'n1', 0],
  ['echo %1', 'n1', 0],
  ['echo %{ h}', 'n1', 0],
  ['echo %{1}', 'n1', 0],
  ['echo a\nb %', 'n1', 0],
  ['a\r\nb\rc %', 'n1', 0],
  ['a\u2028b%', 'n1', 0],
  ['éé %', 'n1', 0],
  ['😀 %', 'n1', 0],
  ['%_x', 'n', 1],
  ['%h_x', 'n', 1],
  ['%rank%RANK', 'n', 2],
  ['%hosts and %{hosts}', 'n[1-2]', 0],
  ['no placeholder', 'n1', 0],
  ['%%', 'n1', 0],
  ['cp /etc/%h.conf /tmp/%n', 'node-1', 5],
];

function ours(pattern: string, node: string, rank: number): [string, string] {
  try {
    return ['ok', replacePlaceholders(pattern, { host: node, rank })];
  } catch (e) {
    if (e instanceof WorkerPatternError) return ['err', e.message];
    throw e;
  }
}

describe('placeholders', () => {
  it('expands and fails exactly as ClusterShell 1.9.1 (differential)', () => {
    const run = spawnSync('/usr/bin/python3', [ORACLE], {
      input: JSON.stringify(CASES),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as [string, string][];
    expect(CASES.map(([p, n, r]) => ours(p, n, r))).toEqual(expected);
  });

  it.each([
    ['echo %h', 'n1', 'echo n1'],
    ['echo %%', 'n1', 'echo %'],
    ['echo %{host}:%{rank}', 'n1', 'echo n1:4'],
  ])('expands %j for %s', (pattern, node, out) => {
    expect(replacePlaceholders(pattern, { host: node, rank: 4 })).toBe(out);
  });

  it('reports the unknown name and the position of a lone %', () => {
    const e1 = (() => {
      try {
        replacePlaceholders('echo %u', { host: 'n', rank: 0 });
      } catch (e) {
        return e as WorkerPatternError;
      }
      return undefined;
    })();
    expect(e1?.placeholder).toBe('u');
    expect(e1?.code).toBe('ERR_WORKER_PATTERN');
    expect(() => replacePlaceholders('echo 100%', { host: 'n', rank: 0 })).toThrow(
      "Invalid placeholder in string: line 1, col 9 is not a valid pattern, use '%%' to escape '%'",
    );
  });

  it('detects %hosts as ClusterShell does (a plain substring test)', () => {
    expect(usesAllHosts('echo %hosts')).toBe(true);
    expect(usesAllHosts('echo %{hosts}')).toBe(true);
    expect(usesAllHosts('echo %host')).toBe(false);
  });

  it('raises the error from the ExecWorker constructor', () => {
    expect(() => new ExecWorker({ nodes: 'n1', command: 'echo %x' })).toThrow(WorkerPatternError);
    expect(() => new ExecWorker({ nodes: 'n1', source: '/tmp/%', dest: '/tmp' })).toThrow(
      WorkerPatternError,
    );
  });
});
