// A job for a worker_threads thread (see docs/task.md): it runs commands with the thread's own
// task, then reports each node's result to the main thread's task through a port.
import { workerData } from 'node:worker_threads';
import { RemotePort } from '@cluster-task/engine';
import { taskSelf } from '@cluster-task/task';

const port = RemotePort.connect(workerData.port);
const task = taskSelf(); // this thread's task: independent from the main thread's
task.setDefault('distant_workername', workerData.worker ?? 'exec');

const result = await task.run(workerData.command, { nodes: workerData.nodes });
for (const [node, r] of result.nodes) {
  // msg() resolves once the main task has handled the message
  await port.msg({ node, rc: r.exitCode, output: r.stdout.toString() });
}
await port.msg({ done: true });
port.close();
