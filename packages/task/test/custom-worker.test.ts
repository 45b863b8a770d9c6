import { createServer, type Server, Socket } from 'node:net';
import { registerWorker } from '@cluster-task/workers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROBE_OPEN,
  PROBE_REFUSED,
  PROBE_SILENT,
  type TcpProbeOptions,
  TcpProbeWorker,
} from '../../../docs/examples/custom-worker.js';
import { taskCleanup, taskSelf } from '../src/index.js';

// A worker written outside the packages, against @cluster-task/engine only
// (docs/examples/custom-worker.ts), driven by a Task like any built-in worker.

let server: Server;
let openPort = 0;
let closedPort = 0;

beforeAll(async () => {
  server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  openPort = (server.address() as { port: number }).port;
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
afterEach(() => taskCleanup());

const toLoopback: TcpProbeOptions['address'] = () => '127.0.0.1';

describe('custom worker from docs/examples', () => {
  it('runs when scheduled by hand, results gathered by the task', async () => {
    const task = taskSelf();
    const events: string[] = [];
    const worker = new TcpProbeWorker({
      nodes: ['n1', 'n2', 'n3'],
      port: openPort,
      address: toLoopback,
      handler: {
        onPickup: (_w, node) => events.push(`pickup ${node}`),
        onHup: (_w, node, rc) => events.push(`hup ${node} ${rc}`),
        onClose: () => events.push('close'),
      },
    });
    task.schedule(worker);
    await task.resume();
    expect(task.maxRetcode()).toBe(PROBE_OPEN);
    expect([...task.iterBuffers()].map(([m, keys]) => [m.toString(), keys.sort()])).toEqual([
      [`port ${openPort}: open`, ['n1', 'n2', 'n3']],
    ]);
    expect(events.filter((e) => e.startsWith('hup')).sort()).toEqual([
      'hup n1 0',
      'hup n2 0',
      'hup n3 0',
    ]);
    expect(events.at(-1)).toBe('close');
    expect(worker.nodeRetcode('n2')).toBe(0);
  });

  it('plugs in by name: task.shell(port, { nodes }) runs it instead of the exec worker', async () => {
    registerWorker('tcpprobe', TcpProbeWorker);
    const task = taskSelf();
    task.setDefault('distant_workername', 'tcpprobe');
    const open = await task.run(String(openPort), { nodes: 'n[1-4]' });
    expect(open.worker).toBeInstanceOf(TcpProbeWorker);
    // node names are dialled as such: use addresses that resolve locally
    const refused = await task.run(String(closedPort), { nodes: ['127.0.0.1', 'localhost'] });
    expect(refused.exitCode).toBe(PROBE_REFUSED);
    expect(refused.nodes.get('localhost')?.stdout.toString()).toMatch(/ECONNREFUSED/);
    expect(open.nodes.size).toBe(4);
  });

  it('uses the connect timeout hook of the engine, and the engine timeout', async () => {
    const task = taskSelf();
    const log: string[] = [];
    // a socket that is never connected: the host stays silent
    const dial = (): Socket => new Socket();
    const handler = {
      onHup: (_w: unknown, node: string, rc: number | undefined) => log.push(`hup ${node} ${rc}`),
      onTimeout: (_w: unknown, node: string) => log.push(`timeout ${node}`),
    };
    task.schedule(
      new TcpProbeWorker({ nodes: ['a'], port: 22, dial, connectTimeout: 0.2, handler }),
    );
    task.schedule(
      new TcpProbeWorker({
        nodes: ['b'],
        port: 22,
        dial,
        connectTimeout: 5,
        timeout: 0.3,
        handler,
      }),
    );
    await task.resume();
    expect(log).toEqual([`hup a ${PROBE_SILENT}`, 'timeout b']);
    expect(task.keyBuffer('a').toString()).toBe('port 22: no answer within 0.2 s');
    expect([...task.iterKeysTimeout()]).toEqual(['b']);
  });
});
