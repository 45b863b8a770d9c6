import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildPackages } from '../../engine/test/fixtures/thread-build.js';
import { taskCleanup, taskSelf } from '../src/index.js';

// The example of docs/task.md: one task per thread, a port between them.
const JOB = fileURLToPath(new URL('../../../docs/examples/thread-job.mjs', import.meta.url));

describe('a task per worker_threads thread, talking through a port', () => {
  const build = buildPackages(['engine', 'msgtree', 'nodeset', 'workers', 'task']);
  const job = join(build.root, 'thread-job.mjs');
  copyFileSync(JOB, job);
  afterAll(() => build.cleanup());
  afterEach(() => taskCleanup());

  it('runs commands in another thread while the main task runs its own', async () => {
    const task = taskSelf();
    task.setDefault('distant_workername', 'exec');
    const reports: unknown[] = [];
    const port = task.port({
      onMsg: (p, msg) => {
        if ((msg as { done?: boolean }).done) task.removePort(p);
        else reports.push(msg);
      },
    });
    const channel = port.remote();
    const thread = new Thread(job, {
      workerData: { port: channel, nodes: 'n[1-3]', command: 'echo %h from thread; exit %n' },
      transferList: [channel],
    });
    const exited = new Promise<number>((resolve, reject) => {
      thread.once('error', reject);
      thread.once('exit', resolve);
    });
    const mine = task.shell('echo %h from main', { nodes: 'm[1-2]' });
    await task.resume(); // ends when the port is removed, after the thread's last report
    expect(await exited).toBe(0);
    expect(reports).toEqual([
      { node: 'n1', rc: 0, output: 'n1 from thread' },
      { node: 'n2', rc: 1, output: 'n2 from thread' },
      { node: 'n3', rc: 2, output: 'n3 from thread' },
    ]);
    expect(task.nodeBuffer('m2').toString()).toBe('m2 from main');
    expect(mine.task).toBe(task);
  });
});
