/**
 * Our side of bench/ssh.bench.ts: one command (or copy) on the fleet through the Task API, in a
 * plain Node process of its own (the bench transpiles the packages next to this file), so that
 * its wall time, CPU time and RSS are measured like clush's and pdsh's.
 *
 * Argument: a JSON object
 *   { mode: 'cold' | 'warm' | 'copy', transport: 'ssh' | 'ssh2', fanout, nodes, sshConfig,
 *     expected: path of a JSON { node: address } (commands), source, dest (copies) }
 * Prints one JSON line: { level, ok, wall_ms, cpu_ms, lag_ms } where, in warm mode, wall_ms and
 * cpu_ms are those of the second command only (the first opened the connections).
 */
import { readFileSync } from 'node:fs';

const spec = JSON.parse(process.argv[2]);
const COMMAND = 'echo $SSH_CONNECTION';
const workers = await import('@cluster-task/workers');
let taskApi;
try {
  taskApi = await import('@cluster-task/task');
} catch {
  taskApi = undefined;
}

/** CPU time of this process and of its reaped children (ssh processes), in ms. */
function cpuMs() {
  const self = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // proc(5): cutime and cstime are fields 16 and 17; fields[0] is field 3; USER_HZ is 100
  const children = (Number(fields[13]) + Number(fields[14])) * 10;
  return (self.user + self.system) / 1000 + children;
}

let maxLag = 0;
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  maxLag = Math.max(maxLag, now - last - 10);
  last = now;
}, 10);
ticker.unref();

const info = { fanout: spec.fanout, ssh_options: `-F ${spec.sshConfig}`, connect_timeout: 15 };

/** The Task API when the task package loads, else the worker level on a bare engine. */
async function makeRunner() {
  if (taskApi !== undefined) {
    const task = new taskApi.Task({
      defaults: { distant_workername: spec.transport, stderr: true },
      info,
    });
    return {
      level: 'task',
      owner: task,
      async command() {
        const result = await task.run(COMMAND, { nodes: spec.nodes });
        const out = new Map();
        for (const [node, r] of result.nodes) {
          if (r.exitCode === 0) out.set(node, r.stdout.toString());
        }
        return out;
      },
      async copy() {
        const worker = task.copy(spec.source, spec.dest, spec.nodes);
        await task.resume();
        return [...worker.iterRetcodes()].map(([rc, nodes]) => [rc, nodes.length]);
      },
    };
  }
  const { Engine } = await import('@cluster-task/engine');
  const engine = new Engine({ fanout: spec.fanout });
  const Cls = workers.getWorkerClass(spec.transport);
  const out = new Map();
  const rcs = new Map();
  const host = {
    engine,
    results: undefined,
    info: (key) => info[key],
    recordMessage: (_w, key, _sname, msg) => out.set(key, msg.toString()),
    recordRetcode: (_w, key, rc) => rcs.set(key, rc),
    recordTimeout: () => {},
  };
  return {
    level: 'worker',
    owner: engine,
    async command() {
      out.clear();
      rcs.clear();
      engine.schedule(new Cls({ nodes: spec.nodes, command: COMMAND, stderr: true }), host);
      await engine.run();
      return new Map([...out].filter(([node]) => rcs.get(node) === 0));
    },
    async copy() {
      rcs.clear();
      engine.schedule(new Cls({ nodes: spec.nodes, source: spec.source, dest: spec.dest }), host);
      await engine.run();
      const counts = new Map();
      for (const rc of rcs.values()) counts.set(rc, (counts.get(rc) ?? 0) + 1);
      return [...counts];
    },
  };
}

const runner = await makeRunner();
const expected = spec.expected === undefined ? {} : JSON.parse(readFileSync(spec.expected, 'utf8'));

function countOk(out) {
  let ok = 0;
  for (const [node, text] of out) if (text.split(' ')[2] === expected[node]) ok += 1;
  return ok;
}

let result;
if (spec.mode === 'copy') {
  const t0 = performance.now();
  const rcs = await runner.copy();
  result = {
    ok: rcs.length === 1 && rcs[0][0] === 0 ? rcs[0][1] : 0,
    wall_ms: performance.now() - t0,
  };
} else {
  if (spec.mode === 'warm') await runner.command();
  const c0 = cpuMs();
  const t0 = performance.now();
  const out = await runner.command();
  result = { ok: countOk(out), wall_ms: performance.now() - t0, cpu_ms: cpuMs() - c0 };
}
await workers.closeSsh2Connections(runner.owner);
console.log(JSON.stringify({ level: runner.level, ...result, lag_ms: maxLag }));
