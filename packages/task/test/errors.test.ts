import { describe, expect, it } from 'vitest';
import {
  isTaskError,
  TaskAlreadyRunningError,
  TaskArgumentError,
  TaskError,
  TaskMsgTreeError,
  TaskTerminatedError,
  TaskTimeoutError,
} from '../src/index.js';

describe('task errors', () => {
  it.each([
    [new TaskError('x'), 'ERR_TASK', 'TaskError'],
    [new TaskTimeoutError(3), 'ERR_TASK_TIMEOUT', 'TaskTimeoutError'],
    [new TaskAlreadyRunningError(), 'ERR_TASK_ALREADY_RUNNING', 'TaskAlreadyRunningError'],
    [new TaskMsgTreeError('stdout'), 'ERR_TASK_MSGTREE', 'TaskMsgTreeError'],
    [new TaskTerminatedError(), 'ERR_TASK_TERMINATED', 'TaskTerminatedError'],
    [new TaskArgumentError('x'), 'ERR_TASK_INVALID_ARG', 'TaskArgumentError'],
  ])('%s: code %s, name %s', (err, code, name) => {
    expect(err).toBeInstanceOf(TaskError);
    expect(err.code).toBe(code);
    expect(err.name).toBe(name);
    expect(isTaskError(err)).toBe(true);
  });

  it("keeps ClusterShell's messages and the context", () => {
    expect(new TaskAlreadyRunningError().message).toBe('task is already running');
    expect(new TaskMsgTreeError('stderr').message).toBe('stderr_msgtree not set');
    expect(new TaskMsgTreeError('stderr').sname).toBe('stderr');
    const cause = new Error('engine');
    const t = new TaskTimeoutError(1.5, { cause });
    expect([t.timeout, t.cause, t.message]).toEqual([1.5, cause, 'task timed out after 1.5 s']);
    expect(isTaskError(Object.assign(new Error('x'), { code: 'ERR_TASK_TIMEOUT' }))).toBe(true);
    expect(isTaskError({ code: 'ERR_TASK' })).toBe(false);
    expect(isTaskError(new Error('x'))).toBe(false);
  });
});
