#!/usr/bin/env node
import { NodeSet } from '../packages/nodeset/dist/index.js';
import { Task } from '../packages/task/dist/index.js';
// The demo's remote part: starts a private OpenSSH fleet of 16 nodes on loopback (tools/fleet),
// runs a command on every node through the Task API with both transports, prints the outputs
// gathered as `clush -b` does (identical outputs once, under their folded node set), and stops.
import { startFleet } from '../tools/fleet/dist/index.js';

const fleet = await startFleet({ nodes: 16 });
try {
  const nodes = NodeSet.fromList(fleet.nodes).toString();
  const runs = [
    ['ssh', 'uname -s'],
    ['ssh2', 'echo $SSH_CONNECTION | cut -d" " -f3'],
  ];
  for (const [transport, command] of runs) {
    const task = new Task();
    task.setDefault('distant_workername', transport);
    task.setInfo('ssh_options', fleet.sshOptions.join(' '));
    task.setInfo('fanout', 8);
    console.log(`\n$ clush -w ${nodes} -b -R ${transport} '${command}'   (the Task API, for now)`);
    const t0 = performance.now();
    task.shell(command, { nodes });
    await task.resume();
    for (const [msg, keys] of task.iterBuffers()) {
      const header = NodeSet.fromList(keys).toString();
      console.log(
        `${'-'.repeat(15)}\n${header} (${keys.length})\n${'-'.repeat(15)}\n${msg.toString()}`,
      );
    }
    const ms = Math.round(performance.now() - t0);
    console.log(
      `(${fleet.nodes.length} nodes over ${transport}, max rc ${task.maxRetcode()}, ${ms} ms)`,
    );
  }
} finally {
  await fleet.stop();
}
