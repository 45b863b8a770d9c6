import { describe, expect, it } from 'vitest';
import {
  EngineAbortError,
  EngineAlreadyRunningError,
  EngineArgumentError,
  EngineClientError,
  EngineClientNotSupportedError,
  EngineError,
  EngineIllegalOperationError,
  EngineTimeoutError,
  isEngineError,
  isWorkerError,
  WorkerArgumentError,
  WorkerError,
} from '../src/index.js';

describe('errors', () => {
  it.each([
    [new EngineError('x'), 'ERR_ENGINE', 'EngineError'],
    [new EngineTimeoutError(5), 'ERR_ENGINE_TIMEOUT', 'EngineTimeoutError'],
    [new EngineAbortError('why'), 'ERR_ENGINE_ABORTED', 'EngineAbortError'],
    [
      new EngineIllegalOperationError('x'),
      'ERR_ENGINE_ILLEGAL_OPERATION',
      'EngineIllegalOperationError',
    ],
    [new EngineAlreadyRunningError(), 'ERR_ENGINE_ALREADY_RUNNING', 'EngineAlreadyRunningError'],
    [new EngineClientError('x'), 'ERR_ENGINE_CLIENT', 'EngineClientError'],
    [
      new EngineClientNotSupportedError('write'),
      'ERR_ENGINE_CLIENT_NOT_SUPPORTED',
      'EngineClientNotSupportedError',
    ],
    [
      new EngineArgumentError('fanout', 0, 'a positive integer'),
      'ERR_ENGINE_INVALID_ARG',
      'EngineArgumentError',
    ],
  ])('%s has code %s and name %s', (err, code, name) => {
    expect(err).toBeInstanceOf(EngineError);
    expect(err.code).toBe(code);
    expect(err.name).toBe(name);
    expect(isEngineError(err)).toBe(true);
    expect(isWorkerError(err)).toBe(false);
  });

  it('describes the context', () => {
    expect(new EngineTimeoutError(2.5).message).toBe('engine run timed out after 2.5 s');
    expect(new EngineTimeoutError(2.5).timeout).toBe(2.5);
    expect(new EngineAbortError('r').cause).toBe('r');
    expect(new EngineClientNotSupportedError('write').operation).toBe('write');
    const arg = new EngineArgumentError('fanout', 'x', 'a positive integer');
    expect(arg.message).toBe('invalid fanout: expected a positive integer, got "x"');
    expect([arg.argument, arg.value]).toEqual(['fanout', 'x']);
  });

  it('recognizes worker errors by code, subclasses included', () => {
    const e = new WorkerError('worker is not task bound');
    expect(e.code).toBe('ERR_WORKER');
    expect(isWorkerError(e)).toBe(true);
    expect(isWorkerError(new WorkerArgumentError('x'))).toBe(true);
    expect(new WorkerArgumentError('x').code).toBe('ERR_WORKER_INVALID_ARG');
    const foreign = Object.assign(new Error('x'), { code: 'ERR_WORKER_PATTERN' });
    expect(isWorkerError(foreign)).toBe(true);
    expect(isEngineError(Object.assign(new Error('x'), { code: 'ERR_ENGINE_TIMEOUT' }))).toBe(true);
    expect(isEngineError('ERR_ENGINE')).toBe(false);
    expect(isWorkerError({ code: 'ERR_WORKER' })).toBe(false);
  });
});
