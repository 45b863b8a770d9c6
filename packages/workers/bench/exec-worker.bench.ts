/**
 * ExecWorker set-up cost without running anything (ours only; runs are compared with ClusterShell
 * in packages/task/bench): building the clients of 10,000 nodes, placeholders expanded.
 *
 * Run: cd packages/workers && pnpm bench
 */
import { NodeSet } from '@cluster-task/nodeset';
import { bench, describe } from 'vitest';
import { ExecWorker } from '../src/index.js';

const NODES = new NodeSet('rack[1-100]n[1-100]');

describe('ExecWorker', () => {
  bench('10,000 nodes, `echo %h %n` expanded per node', () => {
    const w = new ExecWorker({ nodes: NODES, command: 'echo %h %n' });
    if (w.clients.length !== 10_000) throw new Error('clients');
  });
  bench('10,000 nodes, `%hosts`: one client', () => {
    const w = new ExecWorker({ nodes: NODES, command: 'echo %hosts' });
    if (w.clients.length !== 1) throw new Error('clients');
  });
});
