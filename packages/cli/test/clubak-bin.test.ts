/**
 * The real `dist/bin/clubak.js` executable (built by `tsc -b packages/cli` first, which is quick
 * when nothing changed), run as a process next to /usr/bin/clubak: outputs, exit statuses, bytes
 * that are not UTF-8, colours on a real terminal (through `script`), and a reader that goes away
 * (EPIPE).
 */

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClubakCase, ENV, label, realClubak } from './fixtures/clubak-harness.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = fileURLToPath(new URL('../dist/bin/clubak.js', import.meta.url));

function runBin(c: ClubakCase): { stdout: string; stderr: string; status: number } {
  const r = spawnSync(process.execPath, [BIN, ...c.argv], {
    input: c.stdin,
    env: { ...ENV, ...c.env },
  });
  return {
    stdout: r.stdout.toString('latin1'),
    stderr: r.stderr.toString('latin1'),
    status: r.status ?? -1,
  };
}

beforeAll(() => {
  const r = spawnSync('pnpm', ['exec', 'tsc', '-b', 'packages/cli'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`tsc -b packages/cli failed:\n${r.stdout}${r.stderr}`);
  if (!existsSync(BIN)) throw new Error('dist/bin/clubak.js was not built');
}, 120_000);

const CASES: readonly ClubakCase[] = [
  { argv: ['-b'], stdin: 'n1: a\nn2: a\nn3: b\nn[1-3]: x\n' },
  { argv: ['--diff', '--color=always'], stdin: 'n1: a\nn2: b\n' },
  { argv: ['-T'], stdin: Buffer.from('n1: caf\xe9\nn2: caf\xe9\nn2: \xff\n', 'latin1') },
  { argv: ['--version'], stdin: '' },
  { argv: ['-L', '-F'], stdin: '' },
  { argv: [], stdin: 'n1 no separator\n' },
];

describe('dist/bin/clubak.js behaves as /usr/bin/clubak', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s', (_name, c) => {
    expect(runBin(c)).toEqual(realClubak(c));
  });

  it('starts with a node shebang', () => {
    const r = spawnSync('head', ['-1', BIN], { encoding: 'utf8' });
    expect(r.stdout).toBe('#!/usr/bin/env node\n');
  });

  it('colours its output on a terminal, as /usr/bin/clubak does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clubak-tty-'));
    const input = join(dir, 'input');
    writeFileSync(input, 'n1: a\nn2: a\nn3: b\n');
    const onTty = (cmd: string): Buffer =>
      spawnSync('script', ['-qec', `${cmd} -b < '${input}'`, '/dev/null'], {
        env: { ...ENV },
      }).stdout;
    const ours = onTty(`'${process.execPath}' '${BIN}'`);
    expect(ours.toString()).toContain('\x1b[94m');
    expect(ours.toString('latin1')).toBe(onTty('/usr/bin/clubak').toString('latin1'));
  });

  it('exits 1 without a word when its reader goes away (EPIPE)', async () => {
    const child = spawn(process.execPath, [BIN, '-L'], { env: { ...ENV } });
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`n${i}: line ${i}`);
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${lines.join('\n')}\n`);
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
  }, 60_000);
});
