"""Times ClusterShell's MsgTree in-process, for bench/msgtree.bench.ts.

One process serves requests, one a line on stdin, and answers each with one JSON line on stdout,
so that the TypeScript side can interleave its own runs with these (both then see the same load):

  info                  -> {"version": ..., "python": ...}
  time <workload> <n>   -> [ms, ...]: n runs of add + walk, each timed with time.perf_counter
                           (workload: identical | unique)
  memory <keys> <lines> -> {"current_bytes": ..., "peak_bytes": ...} from tracemalloc while adding
                           <lines> identical lines to <keys> keys
  quit

The workloads: 128 keys x 100 lines, the same on every key or unique per key, added line-major
(line r of every key, then line r + 1) to a MsgTree in the default mode (MODE_DEFER), then one
walk(). Every (key, line) is its own bytes object, as when read from separate nodes.
"""
import json
import sys
import time
import tracemalloc

import ClusterShell
from ClusterShell.MsgTree import MsgTree

KEYS = 128
LINES = 100
KEY_NAMES = ["node%d" % i for i in range(KEYS)]
PLANS = {
    "identical": [(k, b"line %d of the output, the same on every node" % r)
                  for r in range(LINES) for k in KEY_NAMES],
    "unique": [(k, ("%s line %d of the output, unique to this node" % (k, r)).encode())
               for r in range(LINES) for k in KEY_NAMES],
}


def add_and_walk(plan):
    tree = MsgTree()
    for key, line in plan:
        tree.add(key, line)
    count = 0
    for _elem, keys in tree.walk():
        count += len(keys)
    if count != KEYS:
        raise AssertionError(count)


def timed(plan, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        add_and_walk(plan)
        samples.append((time.perf_counter() - start) * 1000.0)
    return samples


def memory(nkeys, nlines):
    keys = ["node%d" % i for i in range(nkeys)]
    lines = [b"line %d of the output, the same on every node" % r for r in range(nlines)]
    tracemalloc.start()
    tree = MsgTree()
    for line in lines:
        for key in keys:
            tree.add(key, line)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if len(tree) != nkeys:
        raise AssertionError(len(tree))
    return {"current_bytes": current, "peak_bytes": peak}


def main():
    for request in sys.stdin:
        words = request.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "info":
            answer = {"version": ClusterShell.__version__, "python": sys.version.split()[0]}
        elif words[0] == "time":
            answer = timed(PLANS[words[1]], int(words[2]))
        elif words[0] == "memory":
            answer = memory(int(words[1]), int(words[2]))
        else:
            raise ValueError(request)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
