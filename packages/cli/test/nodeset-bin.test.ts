/**
 * The real executables: `dist/bin/nodeset.js` and `dist/bin/cluset.js` run as processes (built
 * by `tsc -b packages/cli` first, which is quick when nothing changed), for exit statuses,
 * stdin, program names and a reader that goes away (EPIPE). Plus the in-process EPIPE path.
 */

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodesetMain } from '../src/index.js';
import { baseEnv, type Case, oracleProcess } from './harness.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = (name: string): string =>
  fileURLToPath(new URL(`../dist/bin/${name}.js`, import.meta.url));

const ENV = baseEnv();

function runBin(name: string, c: Case): { stdout: string; stderr: string; code: number } {
  const r = spawnSync(process.execPath, [BIN(name), ...c.args], {
    input: c.stdin ?? '',
    env: ENV,
  });
  return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), code: r.status ?? -1 };
}

beforeAll(() => {
  const r = spawnSync('pnpm', ['exec', 'tsc', '-b', 'packages/cli'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`tsc -b packages/cli failed:\n${r.stdout}${r.stderr}`);
  if (!existsSync(BIN('nodeset'))) throw new Error('dist/bin/nodeset.js was not built');
}, 120_000);

describe('the executables behave as /usr/bin/nodeset and /usr/bin/cluset', () => {
  it.each([
    ['nodeset', { args: ['-f', 'n1', 'n2', 'n3'] }],
    ['nodeset', { args: ['-c'], stdin: 'n[1-5] # comment\nn9\n' }],
    ['nodeset', { args: [] }],
    ['nodeset', { args: ['-f', 'n[1-3'] }],
    ['nodeset', { args: ['--version'] }],
    ['nodeset', { args: ['-e', '-S', '\\x4', 'n1'] }],
    ['cluset', { args: ['--version'] }],
    ['cluset', { args: ['-c', '-e'] }],
    ['cluset', { args: ['-e', '-S', '\\n', '-'], stdin: 'n[1-3]\n' }],
  ] as const)('%s %j', (name, c) => {
    expect(runBin(name, c)).toEqual(oracleProcess({ ...c, prog: name }, ENV));
  });

  it('starts with a node shebang', () => {
    const r = spawnSync('head', ['-1', BIN('nodeset')], { encoding: 'utf8' });
    expect(r.stdout).toBe('#!/usr/bin/env node\n');
  });

  it('exits 1 without a word when its reader goes away (EPIPE)', async () => {
    const child = spawn(process.execPath, [BIN('nodeset'), '-e', '-S', '\\n', 'n[1-300000]'], {
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const first = await new Promise<string>((resolve) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().split('\n')[0] ?? ''));
    });
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first).toBe('n1');
    expect(code).toBe(1);
    expect(stderr).toBe('');
  });
});

describe('nodesetMain in-process', () => {
  it('returns 1 silently when stdout fails with EPIPE', async () => {
    const stdout = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const stderr = new PassThrough();
    const chunks: Buffer[] = [];
    stderr.on('data', (d: Buffer) => chunks.push(d));
    const code = await nodesetMain(['-f', 'n1'], { stdout, stderr, env: ENV, progName: 'nodeset' });
    expect(code).toBe(1);
    expect(Buffer.concat(chunks).toString()).toBe('');
  });

  it('reports other write errors as Python does', async () => {
    const stdout = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write ENOSPC'), { code: 'ENOSPC' }));
      },
    });
    const stderr = new PassThrough();
    const chunks: Buffer[] = [];
    stderr.on('data', (d: Buffer) => chunks.push(d));
    const args = ['-e', 'n[1-5000]'];
    const code = await nodesetMain(args, { stdout, stderr, env: ENV, progName: 'nodeset' });
    expect(code).toBe(1);
    expect(Buffer.concat(chunks).toString()).toBe('ERROR: [Errno 28] No space left on device\n');
    // the same words and status as ClusterShell writing more than its buffer to a full device
    const full = spawnSync('sh', ['-c', `/usr/bin/nodeset ${args.join(' ')} > /dev/full`], {
      env: ENV,
    });
    expect(full.stderr.toString()).toBe('ERROR: [Errno 28] No space left on device\n');
    expect(full.status).toBe(1);
  });

  it('can run many times in one process with independent state', async () => {
    const results: string[] = [];
    for (let i = 0; i < 200; i++) {
      const stdin = new PassThrough();
      stdin.end(`n${i}\n`);
      const out: Buffer[] = [];
      const stdout = new Writable({
        write(chunk: Buffer, _enc, cb) {
          out.push(chunk);
          cb();
        },
      });
      const code = await nodesetMain(['-f', `m${i}`, '-'], {
        stdin,
        stdout,
        stderr: new PassThrough(),
        env: ENV,
        progName: 'nodeset',
      });
      expect(code).toBe(0);
      results.push(Buffer.concat(out).toString());
    }
    expect(results[0]).toBe('m0,n0\n');
    expect(results[199]).toBe('m199,n199\n');
  });
});
