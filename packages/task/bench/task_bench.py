"""Times ClusterShell 1.9.1's Task in-process, for bench/task.bench.ts.

One process serves requests, one a line on stdin, and answers each with one JSON line on stdout,
so that the TypeScript side can interleave its runs with these (both then see the same load).
Every run is timed with time.perf_counter around the whole task.resume() (plus the gathering
where the case has one):

  info                      -> {"version": ..., "python": ...}
  fork <n> <fanout>         -> ms: `true` on n nodes with the exec worker at that fanout
  read <lines>              -> ms: one local process printing <lines> lines (seq), an ev_read
                               handler counting them
  gather <procs> <lines>    -> ms: <procs> exec nodes printing the same <lines> lines each, then
                               iter_buffers() over the result
  stdin <bytes> <procs>     -> ms: <bytes> written to the stdin of <procs> exec nodes (wc -c)
  quit
"""
import json
import platform
import sys
import time

import ClusterShell
from ClusterShell.Event import EventHandler
from ClusterShell.NodeSet import NodeSet
from ClusterShell.Task import task_self


class Counter(EventHandler):
    def __init__(self):
        self.lines = 0

    def ev_read(self, worker, node, sname, msg):
        self.lines += 1


def task():
    t = task_self()
    t.set_default("distant_workername", "exec")
    return t


def fork(n, fanout):
    t = task()
    t.set_info("fanout", fanout)
    start = time.perf_counter()
    t.shell("true", nodes=NodeSet("n[1-%d]" % n))
    t.resume()
    elapsed = time.perf_counter() - start
    assert t.max_retcode() == 0
    t.set_info("fanout", 64)
    return elapsed


def read(lines):
    t = task()
    h = Counter()
    start = time.perf_counter()
    t.shell("seq 1 %d" % lines, handler=h)
    t.resume()
    elapsed = time.perf_counter() - start
    assert h.lines == lines, h.lines
    return elapsed


def gather(procs, lines):
    t = task()
    start = time.perf_counter()
    t.shell("seq 1 %d" % lines, nodes=NodeSet("n[1-%d]" % procs))
    t.resume()
    count = 0
    for msg, keys in t.iter_buffers():
        count += len(list(msg.lines())) * len(keys)
    elapsed = time.perf_counter() - start
    assert count == procs * lines, count
    return elapsed


def stdin(nbytes, procs):
    t = task()
    data = b"x" * 1023 + b"\n"
    payload = data * (nbytes // len(data))
    start = time.perf_counter()
    w = t.shell("wc -c", nodes=NodeSet("n[1-%d]" % procs))
    w.write(payload)
    w.set_write_eof()
    t.resume()
    elapsed = time.perf_counter() - start
    outs = [bytes(msg) for msg, _ in t.iter_buffers()]
    assert outs == [str(len(payload)).encode()], outs
    return elapsed


def main():
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        cmd, args = words[0], [int(w) for w in words[1:]]
        if cmd == "quit":
            break
        if cmd == "info":
            answer = {"version": ClusterShell.__version__, "python": platform.python_version()}
        else:
            answer = {"fork": fork, "read": read, "gather": gather, "stdin": stdin}[cmd](*args) * 1000
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


main()
