import { DistantWorker, type EngineClient, isWorkerError } from '@cluster-task/engine';
import { describe, expect, it } from 'vitest';
import {
  type DistantWorkerOptions,
  ExecWorker,
  getWorkerClass,
  hasWorker,
  registerWorker,
  toNodeSet,
  UnknownWorkerError,
  workerNames,
} from '../src/index.js';

class NullWorker extends DistantWorker {
  constructor(options: DistantWorkerOptions) {
    super(toNodeSet(options.nodes), options.handler);
  }
  get clients(): readonly EngineClient[] {
    return [];
  }
}

describe('worker registry', () => {
  it('knows the exec worker', () => {
    expect(hasWorker('exec')).toBe(true);
    expect(getWorkerClass('exec')).toBe(ExecWorker);
    expect(workerNames()).toContain('exec');
  });

  it('registers a worker by name and builds it from distant options', () => {
    registerWorker('null', NullWorker);
    const Cls = getWorkerClass('null');
    const w = new Cls({ nodes: 'n[1-3]', command: 'ignored' });
    expect(w).toBeInstanceOf(NullWorker);
    expect(w.nodes).toEqual(['n1', 'n2', 'n3']);
  });

  it('throws UnknownWorkerError for an unknown name', () => {
    const err = (() => {
      try {
        getWorkerClass('rsh');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UnknownWorkerError);
    expect(isWorkerError(err)).toBe(true);
    expect((err as UnknownWorkerError).workerName).toBe('rsh');
    expect((err as UnknownWorkerError).code).toBe('ERR_WORKER_UNKNOWN');
  });
});
