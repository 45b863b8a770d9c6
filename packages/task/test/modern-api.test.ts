import { EngineAbortError } from '@cluster-task/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { type TaskStreamEvent, TaskTimeoutError, taskCleanup, taskSelf } from '../src/index.js';

afterEach(() => taskCleanup());

function execTask() {
  const task = taskSelf();
  task.setDefault('distant_workername', 'exec');
  return task;
}

describe('task.run(command, options): a result object', () => {
  it('gives per-node exit codes, buffers, and gathered outputs', async () => {
    const task = execTask();
    const result = await task.run('echo same; echo "%h" >&2; exit %n', {
      nodes: 'n[1-3]',
      stderr: true,
    });
    expect(result.exitCode).toBe(2);
    expect(result.timedOut).toBe(false);
    expect([...result.nodes.keys()]).toEqual(['n1', 'n2', 'n3']);
    expect(result.nodes.get('n2')).toEqual({
      node: 'n2',
      exitCode: 1,
      timedOut: false,
      stdout: Buffer.from('same'),
      stderr: Buffer.from('n2'),
    });
    expect(result.stdout).toHaveLength(1);
    expect(result.stdout[0]?.output.toString()).toBe('same');
    expect(result.stdout[0]?.nodes.toString()).toBe('n[1-3]');
    expect(result.stderr.map((g) => g.nodes.toString()).sort()).toEqual(['n1', 'n2', 'n3']);
  });

  it('keeps its results after the next run resets the task', async () => {
    const task = execTask();
    const first = await task.run('echo first', { nodes: 'n1' });
    await task.run('echo second', { nodes: 'n1' });
    expect(task.nodeBuffer('n1').toString()).toBe('second');
    expect(first.nodes.get('n1')?.stdout.toString()).toBe('first');
  });

  it('reports timeouts per node, without exit code', async () => {
    const task = execTask();
    const result = await task.run('case %h in n1) exit 0;; *) exec sleep 10;; esac', {
      nodes: 'n[1-2]',
      timeout: 0.3,
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.nodes.get('n2')).toMatchObject({ exitCode: undefined, timedOut: true });
    expect(result.nodes.get('n1')).toMatchObject({ exitCode: 0, timedOut: false });
  });

  it('runs a local command under its key', async () => {
    const task = execTask();
    const result = await task.run('printf "a\\nb"', { key: 'local' });
    expect([...result.nodes.keys()]).toEqual(['local']);
    expect(result.nodes.get('local')?.stdout.toString()).toBe('a\nb');
  });

  it('cancels with an AbortSignal', async () => {
    const task = execTask();
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('enough')), 100);
    const err = await task
      .run('sleep 10', { nodes: 'n[1-2]', signal: ac.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineAbortError);
    expect(task.running()).toBe(false);
    await expect(task.resume({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      EngineAbortError,
    );
    task.shell('sleep 10');
    await expect(task.resume({ timeout: 0.2 })).rejects.toBeInstanceOf(TaskTimeoutError);
  });
});

describe('task.stream(command, options): an async iterable', () => {
  it('yields lines, exits and timeouts as they happen', async () => {
    const task = execTask();
    const events: TaskStreamEvent[] = [];
    for await (const ev of task.stream('echo out %h; echo err >&2; exit %n', {
      nodes: 'n[1-2]',
      stderr: true,
    })) {
      events.push(ev);
    }
    const show = (e: TaskStreamEvent): string =>
      e.type === 'exit'
        ? `exit ${e.node} ${e.exitCode}`
        : e.type === 'timeout'
          ? `timeout ${e.node}`
          : `${e.type} ${e.node} ${e.line}`;
    const shown = events.map(show);
    for (const [i, n] of ['n1', 'n2'].entries()) {
      const mine = shown.filter((s) => s.includes(` ${n}`));
      expect([...mine].sort()).toEqual(
        [`exit ${n} ${i}`, `stderr ${n} err`, `stdout ${n} out ${n}`].sort(),
      );
      expect(mine.at(-1)).toBe(`exit ${n} ${i}`);
    }
    const slow: string[] = [];
    for await (const ev of task.stream('echo hi; sleep 5', { nodes: 'n1', timeout: 0.3 }))
      slow.push(show(ev));
    expect(slow).toEqual(['stdout n1 hi', 'timeout n1']);
  });

  it('aborts the command when the loop breaks early', async () => {
    const task = execTask();
    const seen: string[] = [];
    for await (const ev of task.stream('seq 1 100000; sleep 10', { nodes: 'n1' })) {
      if (ev.type === 'stdout') seen.push(ev.line.toString());
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['1', '2', '3']);
    expect(task.running()).toBe(false);
  });

  it('ends when the task is aborted, and throws the error of a cancelled run', async () => {
    const task = execTask();
    const aborted = (async () => {
      for await (const _ of task.stream('sleep 10', { nodes: 'n1' })) {
        // nothing is printed
      }
    })();
    setTimeout(() => task.abort(), 100);
    await expect(aborted).resolves.toBeUndefined();
    const ac = new AbortController();
    const cancelled = (async () => {
      for await (const _ of task.stream('sleep 10', { nodes: 'n1', signal: ac.signal })) {
        // nothing is printed
      }
    })();
    setTimeout(() => ac.abort(), 100);
    await expect(cancelled).rejects.toBeInstanceOf(EngineAbortError);
  });
});
