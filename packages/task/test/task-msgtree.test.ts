import { afterEach, describe, expect, it } from 'vitest';
import { TaskMsgTreeError, taskCleanup, taskSelf } from '../src/index.js';

afterEach(() => taskCleanup());

describe('Task MsgTrees on and off (TaskMsgTreeTest)', () => {
  it('gathers stdout by default', async () => {
    const task = taskSelf();
    task.shell('echo foo', { key: 'k' });
    await task.resume();
    expect([...task.iterBuffers()].map(([m, k]) => [m.toString(), k])).toEqual([['foo', ['k']]]);
  });

  it('with stdout_msgtree off, getters throw TaskMsgTreeError but events still flow', async () => {
    const task = taskSelf();
    task.setDefault('stdout_msgtree', false);
    const lines: string[] = [];
    const w = task.shell('echo foo', {
      key: 'k',
      handler: { onRead: (_w, _k, _s, m) => lines.push(`${m}`) },
    });
    await task.resume();
    expect(lines).toEqual(['foo']);
    expect(() => task.iterBuffers()).toThrow(TaskMsgTreeError);
    expect(() => task.iterBuffers()).toThrow('stdout_msgtree not set');
    expect(() => task.keyBuffer('k')).toThrow(TaskMsgTreeError);
    expect(() => w.read()).toThrow(TaskMsgTreeError);
    expect(task.keyRetcode('k')).toBe(0);
    task.flushBuffers(); // no-op, no error
  });

  it('with stderr_msgtree off, only errors are refused', async () => {
    const task = taskSelf();
    task.setDefault('stderr_msgtree', false);
    task.shell('echo out; echo err >&2', { key: 'k', stderr: true });
    await task.resume();
    expect(task.keyBuffer('k').toString()).toBe('out');
    expect(() => task.iterErrors()).toThrow('stderr_msgtree not set');
    expect(() => task.keyError('k')).toThrow(TaskMsgTreeError);
    task.flushErrors();
  });

  it('turning a tree back on keeps working for the next run', async () => {
    const task = taskSelf();
    task.setDefault('stdout_msgtree', false);
    task.shell('echo a', { key: 'a' });
    await task.resume();
    task.setDefault('stdout_msgtree', true);
    task.shell('echo b', { key: 'b' });
    await task.resume();
    expect(task.keyBuffer('b').toString()).toBe('b');
    expect(task.keyBuffer('a').length).toBe(0);
  });
});
