import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerArgumentError } from '@cluster-task/engine';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TaskArgumentError, taskCleanup, taskSelf } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ct-copy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => taskCleanup());

describe('Task copy and rcopy (exec worker)', () => {
  it('copies a file to each node path and gathers the return codes', async () => {
    const src = join(dir, 'motd');
    writeFileSync(src, 'hello');
    const task = taskSelf();
    task.setDefault('distant_workername', 'exec');
    const worker = task.copy(src, join(dir, 'motd.%h'), 'n[1-3]', { preserve: true });
    await task.resume();
    expect(task.maxRetcode()).toBe(0);
    expect([...task.iterRetcodes()].map(([rc, keys]) => [rc, [...keys].sort()])).toEqual([
      [0, ['n1', 'n2', 'n3']],
    ]);
    for (const n of ['n1', 'n2', 'n3'])
      expect(readFileSync(join(dir, `motd.${n}`), 'utf8')).toBe('hello');
    expect(worker.task).toBe(task);
  });

  it('rcopies into a directory as <basename>.<node>, and refuses a file as destination', async () => {
    const src = join(dir, 'app.log');
    writeFileSync(src, 'log line');
    const into = join(dir, 'logs');
    mkdirSync(into);
    const task = taskSelf();
    task.setDefault('distant_workername', 'exec');
    task.rcopy(src, into, 'n[1-2]');
    await task.resume();
    expect(readFileSync(join(into, 'app.log.n1'), 'utf8')).toBe('log line');
    expect(readFileSync(join(into, 'app.log.n2'), 'utf8')).toBe('log line');
    expect(() => task.rcopy(src, src, 'n1')).toThrow(WorkerArgumentError);
  });

  it('reports a failed copy with its rc and cp message', async () => {
    const task = taskSelf();
    task.setDefault('distant_workername', 'exec');
    task.copy(join(dir, 'missing'), join(dir, 'x'), 'n1', { stderr: true });
    await task.resume();
    expect(task.nodeRetcode('n1')).toBe(1);
    expect(task.nodeError('n1').toString()).toMatch(/missing/);
  });

  it('needs nodes', () => {
    const task = taskSelf();
    expect(() => task.copy('/etc/hosts', '/tmp', null as never)).toThrow(TaskArgumentError);
    expect(() => task.copy('/etc/hosts', '/tmp', null as never)).toThrow(
      'local copy not supported',
    );
  });
});
