import { hostname } from 'node:os';
import { EngineTimer, type Worker, WorkerError } from '@cluster-task/engine';
import { NodeSet } from '@cluster-task/nodeset';
import {
  type ExecWorker,
  PopenWorker,
  StreamWorker,
  UnknownWorkerError,
} from '@cluster-task/workers';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Task,
  TaskAlreadyRunningError,
  TaskArgumentError,
  TaskError,
  TaskTerminatedError,
  TaskTimeoutError,
  taskCleanup,
  taskSelf,
  taskTerminate,
  taskWait,
} from '../src/index.js';

afterEach(() => taskCleanup());

const HOST = hostname();

describe('Task: shell, run, resume', () => {
  it('runs local commands, and taskSelf() stays the same task', async () => {
    const task0 = taskSelf();
    const w1 = task0.shell('/bin/hostname') as PopenWorker;
    const w2 = task0.shell('echo two');
    await task0.resume();
    expect(w1.read()?.toString()).toBe(HOST);
    expect(w2.read()?.toString()).toBe('two');
    const task1 = taskSelf();
    expect(task1).toBe(task0);
    const w3 = task1.shell('/bin/hostname', { nodes: undefined, handler: undefined });
    await task1.resume();
    expect(w3.read()?.toString()).toBe(HOST);
  });

  it('runs 100 commands and reads each one', async () => {
    const task = taskSelf();
    const workers = Array.from({ length: 100 }, (_, i) => task.shell(`echo ${i}`));
    await task.resume();
    for (const [i, w] of workers.entries()) expect(w.read()?.toString()).toBe(String(i));
  });

  it('reports its settings with ClusterShell defaults', () => {
    const task = taskSelf();
    expect(task.info('fanout')).toBe(64);
    expect(task.info('connect_timeout')).toBe(10);
    expect(task.info('command_timeout')).toBe(0);
    expect(task.info('grooming_delay')).toBe(0.25);
    expect(task.info('debug')).toBe(false);
    expect(task.info('engine')).toBe('libuv');
    expect(task.info('unknown', 'def')).toBe('def');
    expect(task.default('stderr')).toBe(false);
    expect(task.default('stdin')).toBe(true);
    expect(task.default('stdout_msgtree')).toBe(true);
    expect(task.default('local_workername')).toBe('exec');
    expect(task.default('distant_workername')).toBe('ssh');
    expect(task.default('port_qlimit')).toBe(100);
    expect(task.default('USER_x', 3)).toBe(3);
    task.setDefault('USER_x', 'mine');
    expect(task.default('USER_x')).toBe('mine');
  });

  it('runs a command per node with distant_workername exec', async () => {
    const task = taskSelf();
    task.setDefault('distant_workername', 'exec');
    task.shell('echo %h', { nodes: `localhost,${HOST}` });
    await task.resume();
    expect(task.nodeBuffer('localhost').toString()).toBe('localhost');
    expect(task.nodeBuffer(HOST).toString()).toBe(HOST);
    expect(task.maxRetcode()).toBe(0);
  });

  it('runs locally per node with remote: false (local_workername)', async () => {
    const task = taskSelf();
    const w = task.shell('echo %n', { nodes: 'n[1-2]', remote: false });
    await task.resume();
    expect(w.constructor.name).toBe('ExecWorker');
    expect(task.nodeBuffer('n2').toString()).toBe('1');
  });

  it('refuses an unknown worker name, a key with nodes, and forced tree mode', () => {
    const task = taskSelf();
    expect(() => task.setDefault('distant_workername', 'nope')).toThrow(UnknownWorkerError);
    expect(() => task.shell('true', { nodes: 'n1', key: 'k' })).toThrow(TaskArgumentError);
    task.setDefault('distant_workername', 'exec');
    expect(() => task.shell('true', { nodes: 'n1', tree: true })).toThrow(TaskError);
    expect(() => task.shell('true', { nodes: 'n1', tree: true })).toThrow(
      'tree mode required for distant shell command with unknown topology!',
    );
  });

  it('treats empty nodes as a local command, as ClusterShell does', async () => {
    const task = taskSelf();
    expect(task.shell('true', { nodes: '' })).toBeInstanceOf(PopenWorker);
    expect(task.shell('true', { nodes: new NodeSet() })).toBeInstanceOf(PopenWorker);
    await task.resume();
  });

  it('escapes like a shell', async () => {
    const task = taskSelf();
    const w1 = task.shell("export CSTEST=foobar; /bin/echo \\$CSTEST | sed 's/\\ foo/bar/'");
    const w2 = task.shell("export CSTEST=foobar; /bin/echo $CSTEST | sed 's/\\ foo/bar/'");
    await task.resume();
    expect(w1.read()?.toString()).toBe('$CSTEST');
    expect(w2.read()?.toString()).toBe('foobar');
  });

  it('rejects a second resume while running', async () => {
    const task = taskSelf();
    task.shell('sleep 0.1');
    const first = task.resume();
    await expect(task.resume()).rejects.toBeInstanceOf(TaskAlreadyRunningError);
    expect(task.running()).toBe(true);
    await first;
    expect(task.running()).toBe(false);
  });

  it('run() without command is resume(); run(command) resolves to its results', async () => {
    const task = taskSelf();
    task.shell('true');
    await expect(task.run()).resolves.toBeUndefined();
    const r = await task.run('false');
    expect(r.worker).toBeInstanceOf(PopenWorker);
    expect(task.maxRetcode()).toBe(1);
    expect(r.exitCode).toBe(1);
    const t = await task.run('sleep 1', { timeout: 0.3 });
    expect(task.numTimeout()).toBe(1);
    expect(t.timedOut).toBe(true);
  });
});

describe('Task: scheduling from handlers', () => {
  it('starts a command scheduled from onClose within the same run', async () => {
    const task = taskSelf();
    task.setDefault('distant_workername', 'exec');
    const order: string[] = [];
    task.shell('echo first', {
      nodes: 'n1',
      handler: {
        onClose: () => {
          order.push('first closed');
          task.shell('echo second', {
            nodes: 'n2',
            handler: { onClose: () => order.push('second closed') },
          });
        },
      },
    });
    await task.resume();
    expect(order).toEqual(['first closed', 'second closed']);
    expect(task.nodeBuffer('n2').toString()).toBe('second');
  });

  it('aborts the task from onPickup before anything else runs', async () => {
    const task = taskSelf();
    task.setInfo('fanout', 1);
    let reads = 0;
    for (let i = 0; i < 3; i++) {
      task.shell(`echo ${i}`, {
        handler: { onPickup: () => task.abort(), onRead: () => (reads += 1) },
      });
    }
    await task.resume();
    expect(reads).toBe(0);
    expect(task.engine.clients().size).toBe(0);
  });
});

describe('Task: timeouts', () => {
  it('raises TaskTimeoutError on a task timeout, not before', async () => {
    const task = taskSelf();
    task.shell('/bin/sleep 30');
    const err = await task.resume(0.5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskTimeoutError);
    expect((err as TaskTimeoutError).timeout).toBe(0.5);
    task.shell('/bin/sleep 0.2');
    await expect(task.resume(3)).resolves.toBeUndefined();
    task.shell('sleep 1');
    await expect(task.run(0.3)).rejects.toBeInstanceOf(TaskTimeoutError);
    task.shell('sleep 1');
    await expect(task.run({ timeout: 0.3 })).rejects.toBeInstanceOf(TaskTimeoutError);
  });

  it('times out workers without a task timeout', async () => {
    const task = taskSelf();
    const w1 = task.shell('/bin/sleep 6', { timeout: 0.6 });
    const w2 = task.shell('/bin/sleep 6', { timeout: 0.3 });
    await task.resume();
    expect(w1.didTimeout()).toBe(true);
    expect(w2.didTimeout()).toBe(true);
    expect(task.numTimeout()).toBe(2);
    expect(task.maxRetcode()).toBeUndefined();
  });

  it('a task timeout shorter than worker timeouts wins', async () => {
    const task = taskSelf();
    task.shell('/bin/sleep 10', { timeout: 5 });
    task.shell('/bin/sleep 10', { timeout: 3 });
    await expect(task.resume(0.5)).rejects.toBeInstanceOf(TaskTimeoutError);
    expect(task.numTimeout()).toBe(2);
  });
});

describe('Task: buffers and return codes', () => {
  it('has empty buffers for a silent command', async () => {
    const task = taskSelf();
    task.shell('true', { key: 'empty' });
    await task.resume();
    expect(task.keyBuffer('empty').length).toBe(0);
    expect(task.keyError('empty').length).toBe(0);
    expect([...task.iterBuffers()]).toEqual([]);
    expect([...task.iterErrors()]).toEqual([]);
    expect(task.keyRetcode('not_known')).toBeUndefined();
    expect(task.keyBuffer('not_known').length).toBe(0);
  });

  it('gathers identical single-line outputs', async () => {
    const task = taskSelf();
    for (const [cmd, key] of [
      ['foo', 'foo'],
      ['bar', 'bar'],
      ['bar', 'bar2'],
      ['foobar', 'foobar'],
      ['foobar', 'foobar2'],
      ['foobar', 'foobar3'],
    ]) {
      task.shell(`/bin/echo ${cmd}`, { key });
    }
    await task.resume();
    expect(task.keyBuffer('foobar').toString()).toBe('foobar');
    const got = new Map([...task.iterBuffers()].map(([m, keys]) => [m.toString(), keys.sort()]));
    expect(got).toEqual(
      new Map([
        ['foo', ['foo']],
        ['bar', ['bar', 'bar2']],
        ['foobar', ['foobar', 'foobar2', 'foobar3']],
      ]),
    );
  });

  it('gathers multi-line outputs and errors', async () => {
    const task = taskSelf();
    const out: [string, string][] = [
      ["'foo\\nbar\\n'", 'foobar'],
      ["'foo\\nbar\\n'", 'foobar2'],
      ["'foo\\nbar\\n'", 'foobar3'],
      ["'foo\\nbar\\nxxx\\n'", 'foobarX'],
      ["'foo\\nfuu\\n'", 'foofuu'],
      ["'faa\\nber\\n'", 'faaber'],
      ["'foo\\nfuu\\n'", 'foofuu2'],
    ];
    for (const [text, key] of out)
      task.shell(`/usr/bin/printf ${text} 1>&2`, { key, stderr: true });
    await task.resume();
    const got = new Map([...task.iterErrors()].map(([m, keys]) => [m.toString(), keys.sort()]));
    expect(got).toEqual(
      new Map([
        ['foo\nbar', ['foobar', 'foobar2', 'foobar3']],
        ['foo\nbar\nxxx', ['foobarX']],
        ['foo\nfuu', ['foofuu', 'foofuu2']],
        ['faa\nber', ['faaber']],
      ]),
    );
    expect([...task.iterBuffers()]).toEqual([]);
    const w = task.shell("/usr/bin/printf 'foo bar\\n' 1>&2", {
      key: 'e',
      stderr: true,
    }) as PopenWorker;
    await task.resume();
    expect(w.error()?.toString()).toBe('foo bar');
  });

  it('gathers return codes, max and per key', async () => {
    const task = taskSelf();
    const cmds: [string, string][] = [
      ['true', 'worker0'],
      ['false', 'worker1'],
      ["/bin/sh -c 'exit 1'", 'worker1bis'],
      ["/bin/sh -c 'exit 2'", 'worker2'],
      ["/bin/sh -c 'exit 3'", 'worker3'],
      ["/bin/sh -c 'exit 3'", 'worker3bis'],
      ["/bin/sh -c 'exit 4'", 'worker4'],
      ["/bin/sh -c 'exit 1'", 'worker4'],
      ["/bin/sh -c 'exit 5'", 'worker5'],
      ["/bin/sh -c 'exit 5'", 'worker5bis'],
    ];
    for (const [cmd, key] of cmds) task.shell(cmd, { key });
    await task.resume();
    expect(task.keyRetcode('worker2')).toBe(2);
    expect(task.keyRetcode('worker4')).toBe(4);
    expect(task.nodeRetcode('worker9')).toBeUndefined();
    const got = new Map([...task.iterRetcodes()].map(([rc, keys]) => [rc, keys.sort()]));
    expect(got).toEqual(
      new Map([
        [0, ['worker0']],
        [1, ['worker1', 'worker1bis', 'worker4']],
        [2, ['worker2']],
        [3, ['worker3', 'worker3bis']],
        [4, ['worker4']],
        [5, ['worker5', 'worker5bis']],
      ]),
    );
    expect(task.maxRetcode()).toBe(5);
  });

  it('crosses buffers and return codes with matchKeys (ClusterShell counts)', async () => {
    const task = taskSelf();
    for (const [text, rc, key] of [
      ['foo\\nbar', 1, 'foobar5'],
      ['foo\\nbur', 1, 'foobar2'],
      ['foo\\nbar', 1, 'foobar3'],
      ['foo\\nfuu', 5, 'foofuu'],
      ['foo\\nbar', 4, 'faaber'],
      ['foo\\nfuu', 1, 'foofuu2'],
    ] as const) {
      task.shell(`/usr/bin/printf '${text}\\n' && exit ${rc}`, { key });
    }
    await task.resume();
    let byRc = 0;
    for (const [rc, keys] of task.iterRetcodes()) {
      for (const [buf] of task.iterBuffers(keys)) {
        byRc += 1;
        const text = buf.toString();
        if (text === 'foo\nbar') expect([1, 4]).toContain(rc);
        else if (text === 'foo\nbur') expect(rc).toBe(1);
        else expect([1, 5]).toContain(rc);
      }
    }
    expect(byRc).toBe(5);
    let byBuf = 0;
    for (const [, keys] of task.iterBuffers()) for (const _ of task.iterRetcodes(keys)) byBuf += 1;
    expect(byBuf).toBe(9); // every rc is yielded for each buffer, empty key lists included
  });

  it('refuses a string as matchKeys', async () => {
    const task = taskSelf();
    task.shell('echo x', { key: 'x' });
    await task.resume();
    expect(() => [...task.iterBuffers('x' as unknown as string[])]).toThrow(
      "Sequence of keys/nodes expected for 'match_keys'.",
    );
    expect([...task.iterBuffers(['x'])]).toHaveLength(1);
    expect([...task.iterBuffers(new NodeSet('x'))]).toHaveLength(1);
    expect([...task.iterBuffers(['y'])]).toHaveLength(0);
  });

  it('reads a last line without EOL and a huge output', async () => {
    const task = taskSelf();
    const w = task.shell('/bin/echo -n okay');
    const huge = task.shell('seq 1 100000') as PopenWorker;
    await task.resume();
    expect(w.read()?.toString()).toBe('okay');
    expect(huge.retcode()).toBe(0);
    expect(huge.read()?.length).toBe(588894);
  });

  it('changes a worker key with setKey', async () => {
    const task = taskSelf();
    task.shell('/bin/echo foo', { key: 'foo' });
    const w = task.shell('/bin/echo foobar') as PopenWorker;
    w.setKey('bar');
    await task.resume();
    expect(task.keyBuffer('bar').toString()).toBe('foobar');
  });

  it('joins the buffers of one key over several workers', async () => {
    const task = taskSelf();
    task.setDefault('distant_workername', 'exec');
    task.shell('echo one', { nodes: 'n1' });
    task.shell('echo two', { nodes: 'n1' });
    await task.resume();
    const text = task.nodeBuffer('n1').toString();
    expect(['onetwo', 'twoone']).toContain(text);
  });

  it('resets results at each resume and flushes on demand', async () => {
    const task = taskSelf();
    task.shell('echo a', { key: 'a' });
    task.shell('echo e >&2', { key: 'e', stderr: true });
    await task.resume();
    expect(task.keyBuffer('a').toString()).toBe('a');
    task.flushBuffers();
    task.flushErrors();
    expect(task.keyBuffer('a').length).toBe(0);
    expect(task.keyError('e').length).toBe(0);
    task.shell('echo b', { key: 'b' });
    await task.resume();
    expect(task.keyBuffer('a').length).toBe(0);
    expect(task.keyBuffer('b').toString()).toBe('b');
    expect([...task.iterRetcodes()]).toEqual([[0, ['b']]]);
  });
});

describe('Task: writes', () => {
  it('writes to a local command before the start, then EOF', async () => {
    const task = taskSelf();
    const w = task.shell('cat') as PopenWorker;
    w.write('foobar\n');
    w.write('deadbeaf\n');
    w.setWriteEof();
    await task.resume();
    expect(w.read()?.toString()).toBe('foobar\ndeadbeaf');
  });

  it('closes stdin at once with stdin: false (default("stdin") too)', async () => {
    const task = taskSelf();
    const w = task.shell('cat; echo done', { stdin: false });
    task.setDefault('stdin', false);
    const w2 = task.shell('cat; echo done2');
    await task.resume();
    expect(w.read()?.toString()).toBe('done');
    expect(w2.read()?.toString()).toBe('done2');
  });

  it('writes a lot from a timer, and reacts to reads (delayed I/O)', async () => {
    const task = taskSelf();
    let counter = 0;
    const reader = task.shell('cat', {
      handler: {
        onRead: (w) => {
          counter += 1;
          if (counter === 100) {
            (w as PopenWorker).write('another thing to read\n');
            (w as PopenWorker).setWriteEof();
          }
        },
      },
    }) as PopenWorker;
    task.timer(0.2, () => reader.write('something to read\n'.repeat(300)));
    await task.resume();
    expect(counter).toBe(301);
  });
});

describe('Task: fanout, abort, autoclose', () => {
  it('respects the fanout, also when changed during the run', async () => {
    const task = taskSelf();
    task.setInfo('fanout', 3);
    let live = 0;
    let peak = 0;
    const handler = {
      onPickup: () => {
        live += 1;
        peak = Math.max(peak, live);
      },
      onHup: () => (live -= 1),
    };
    for (let i = 0; i < 10; i++) task.shell(`/bin/echo test ${i}`, { handler });
    await task.resume();
    expect(peak).toBe(3);
    peak = 0;
    task.timer(0.25, () => task.setInfo('fanout', 1));
    for (let i = 0; i < 8; i++) task.shell('sleep 0.1', { handler });
    await task.resume();
    expect(peak).toBe(3);
    expect(task.info('fanout')).toBe(1);
    expect(() => task.setInfo('fanout', 0)).toThrow();
  });

  it('aborts a worker from a timer', async () => {
    const task = taskSelf();
    const w = task.shell('sleep 10');
    let fired = false;
    task.timer(0.2, () => {
      w.abort();
      fired = true;
    });
    await task.resume();
    expect(fired).toBe(true);
    expect((w as PopenWorker).retcode()).toBeUndefined();
    const idle = new PopenWorker('sleep 1');
    idle.abort(); // not scheduled: no effect
  });

  it('abort() from a handler ends the run and clears results', async () => {
    const task = taskSelf();
    let reads = 0;
    task.shell('/bin/echo test; sleep 5', {
      handler: {
        onRead: () => {
          reads += 1;
          task.abort();
        },
      },
    });
    await task.resume();
    expect(reads).toBe(1);
    expect([...task.iterBuffers()]).toEqual([]);
    expect(task.running()).toBe(false);
  });

  it('abort(kill) terminates: taskSelf() then gives a new task', async () => {
    const task = taskSelf();
    task.abort();
    expect(taskSelf()).toBe(task);
    task.abort(true);
    expect(task.terminated).toBe(true);
    expect(taskSelf()).not.toBe(task);
    await expect(task.resume()).rejects.toBeInstanceOf(TaskTerminatedError);
    expect(() => task.shell('true')).toThrow(TaskTerminatedError);
    const again = taskSelf();
    again.shell('/bin/echo should not run');
    again.abort();
    expect(taskSelf()).toBe(again);
    taskTerminate();
    expect(taskSelf()).not.toBe(again);
  });

  it('runs autoclose workers until the others are done, then aborts them', async () => {
    const task = taskSelf();
    const w1 = task.shell('/bin/sleep 0.2; /bin/echo ok');
    const w2 = task.shell('/bin/sleep 3; /bin/uname', { autoclose: true });
    const w3 = task.shell('sleep 0.1; echo blah | cat', { autoclose: true });
    await task.resume();
    expect(w1.read()?.toString()).toBe('ok');
    expect(w2.read()).toBeUndefined();
    expect(w3.read()?.toString()).toBe('blah');
    const alone = task.shell('/bin/sleep 3; /bin/uname', { autoclose: true });
    await task.resume();
    expect(alone.read()).toBeUndefined();
  });

  it('turns a handler exception into a rejected run, and the next run is clean', async () => {
    const task = taskSelf();
    const boom = new Error('interrupted');
    task.shell('echo test; sleep 5', {
      handler: {
        onRead: () => {
          throw boom;
        },
      },
    });
    await expect(task.resume()).rejects.toBe(boom);
    expect([...task.iterBuffers()]).toHaveLength(1);
    expect(task.engine.clients().size).toBe(0);
    const r = await task.run('echo newrun');
    expect(task.engine.clients().size).toBe(0);
    expect([...task.iterRetcodes()]).toHaveLength(1);
    expect([...task.iterBuffers()].map(([m]) => m.toString())).toEqual(['newrun']);
    expect(r.stdout[0]?.output.toString()).toBe('newrun');
  });
});

describe('Task: other tasks, debug, workers by hand', () => {
  it('runs independent tasks, and taskWait() waits for the others', async () => {
    const other = new Task();
    const w = other.shell('sleep 0.2; echo other');
    void other.resume();
    expect(other.running()).toBe(true);
    await taskWait();
    expect(other.running()).toBe(false);
    expect(w.read()?.toString()).toBe('other');
    await other.join();
  });

  it('joins a running task, immediately when idle', async () => {
    const task = taskSelf();
    await task.join();
    task.shell('sleep 0.1');
    const done = task.resume();
    await task.join();
    expect(task.running()).toBe(false);
    await done;
  });

  it('prints debug lines through print_debug only when debug is set', async () => {
    const task = taskSelf();
    const lines: string[] = [];
    task.setInfo('print_debug', (_t, line) => lines.push(line));
    task.shell('true');
    await task.resume();
    expect(lines).toEqual([]);
    task.setInfo('debug', true);
    task.shell('true');
    task.setDefault('distant_workername', 'exec');
    task.shell('echo %h', { nodes: 'n1' });
    await task.resume();
    expect(lines).toEqual(['POPEN: true', 'EXECCLIENT: echo n1']);
  });

  it('schedules hand-built workers, once', async () => {
    const task = taskSelf();
    const w = new PopenWorker('echo hand', { key: 'hand' });
    task.schedule(w);
    expect(() => task.schedule(w)).toThrow(WorkerError);
    await task.resume();
    expect(task.keyBuffer('hand').toString()).toBe('hand');
    expect(w.task).toBe(task);
  });

  it('runs a StreamWorker and keeps custom streams only with <sname>_msgtree', async () => {
    const { PassThrough } = await import('node:stream');
    const task = taskSelf();
    const src = new PassThrough();
    const w = new StreamWorker({ key: 'pipe' });
    w.setReader('pipe1', src);
    src.end('Some data\n');
    task.schedule(w);
    await task.resume();
    expect(() => w.read(undefined, 'pipe1')).toThrow('pipe1_msgtree not set');
    task.setDefault('pipe1_msgtree', true);
    const src2 = new PassThrough();
    const w2 = new StreamWorker({ key: 'pipe' });
    w2.setReader('pipe1', src2);
    src2.end('Some data\n');
    task.schedule(w2);
    await task.resume();
    expect(w2.read(undefined, 'pipe1')?.toString()).toBe('Some data');
    expect(task.maxRetcode()).toBeUndefined();
  });

  it('creates timers and ports bound to the task', async () => {
    const task = taskSelf();
    const got: unknown[] = [];
    const port = task.port({ onMsg: (_p, m) => got.push(m) }, { autoclose: true });
    expect(port.queueLimit).toBe(100);
    const timer = task.timer(0.05, () => port.msgSend('tick'));
    expect(timer).toBeInstanceOf(EngineTimer);
    task.shell('sleep 0.3');
    await task.resume();
    expect(got).toEqual(['tick']);
    task.removePort(port);
    expect(port.closed).toBe(true);
  });

  it('suspends and resumes a running task', async () => {
    const task = taskSelf();
    const w = task.shell('echo one; sleep 0.2; echo two') as PopenWorker;
    const done = task.resume();
    expect(task.suspend()).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(w.read()).toBeUndefined(); // data held while suspended
    await task.resume();
    await done;
    expect(w.read()?.toString()).toBe('one\ntwo');
    expect(task.suspend()).toBe(false);
  });

  it('distant workers expose per-node getters through the task', async () => {
    const task = taskSelf();
    task.setDefault('distant_workername', 'exec');
    const w = task.shell('echo %h; echo e%h >&2; exit %n', {
      nodes: 'n[1-3]',
      stderr: true,
    }) as ExecWorker;
    await task.resume();
    expect(w.nodeBuffer('n2')?.toString()).toBe('n2');
    expect(w.nodeError('n2')?.toString()).toBe('en2');
    expect(w.nodeRetcode('n3')).toBe(2);
    expect(new Map(w.iterNodeRetcodes())).toEqual(
      new Map([
        ['n1', 0],
        ['n2', 1],
        ['n3', 2],
      ]),
    );
    expect([...w.iterBuffers(['n1'])].map(([m, k]) => [m.toString(), k])).toEqual([['n1', ['n1']]]);
    expect([...w.iterNodeBuffers()].map(([k, m]) => `${k}=${m}`).sort()).toEqual([
      'n1=n1',
      'n2=n2',
      'n3=n3',
    ]);
    expect([...w.iterNodeErrors()]).toHaveLength(3);
    expect([...w.iterErrors()].map(([m]) => m.toString()).sort()).toEqual(['en1', 'en2', 'en3']);
    expect([...w.iterRetcodes()].map(([rc, k]) => [rc, k])).toEqual([
      [0, ['n1']],
      [1, ['n2']],
      [2, ['n3']],
    ]);
    expect(w.numTimeout()).toBe(0);
    expect(w.didTimeout()).toBe(false);
    w.flushBuffers();
    expect(w.nodeBuffer('n2')).toBeUndefined();
    w.flushErrors();
    expect(w.nodeError('n2')).toBeUndefined();
    const lonely: Worker = new PopenWorker('true');
    expect(() => lonely.read()).toThrow('worker is not task bound');
  });
});
