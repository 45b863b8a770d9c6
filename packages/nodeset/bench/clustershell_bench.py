#!/usr/bin/python3
"""ClusterShell 1.9.1 side of the nodeset benchmark (bench/nodeset.bench.ts runs it).

Reads {"cases": [{"name", "op", "warmup", "reps", "minRun", ...data}]} as JSON on stdin,
times each case in-process with time.perf_counter() with the same scheme as the
TypeScript side (see time_case) and writes {"version", "python", "results": {name:
{"median": seconds, "inner": n, "runs": [...]}}, "memory": {name: bytes}} on stdout.
Memory is what tracemalloc sees allocated, and still held, by building the set.
"""

import gc
import json
import statistics
import sys
import time
import tracemalloc

import ClusterShell
from ClusterShell.NodeSet import NodeSet, RESOLVER_NOGROUP

R = RESOLVER_NOGROUP


def op_parse(c):
    pattern = c["pattern"]
    return lambda: NodeSet(pattern, resolver=R)


def op_parse_fold(c):
    pattern = c["pattern"]
    return lambda: str(NodeSet(pattern, resolver=R))


def op_fromlist_fold(c):
    names = c["names"]
    return lambda: str(NodeSet.fromlist(names, resolver=R))


def op_membership(c):
    nodeset = NodeSet(c["pattern"], resolver=R)
    probes = c["probes"]

    def run():
        hits = 0
        for name in probes:
            if name in nodeset:
                hits += 1
        return hits
    return run


def op_expand(c):
    nodeset = NodeSet(c["pattern"], resolver=R)
    return lambda: list(nodeset)


OPS = {
    "parse": op_parse,
    "parseFold": op_parse_fold,
    "fromListFold": op_fromlist_fold,
    "membership": op_membership,
    "expand": op_expand,
}


def timed(fn, inner):
    start = time.perf_counter()
    for _ in range(inner):
        fn()
    return time.perf_counter() - start


def time_case(c):
    """Calibrate inner (doubling until a run lasts minRun seconds; the calibration runs are
    warm-up too), `warmup` more runs, then the median of `reps` runs, each after a full
    garbage collection, divided by inner."""
    fn = OPS[c["op"]](c)
    inner = 1
    while timed(fn, inner) < c["minRun"] and inner < (1 << 20):
        inner *= 2
    for _ in range(c["warmup"]):
        timed(fn, inner)
    runs = []
    for _ in range(c["reps"]):
        gc.collect()
        runs.append(timed(fn, inner) / inner)
    return {"median": statistics.median(runs), "inner": inner, "runs": runs}


def memory_case(c):
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    held = NodeSet(c["pattern"], resolver=R)
    len(held)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del held
    return after - before


def main():
    doc = json.load(sys.stdin)
    results, memory = {}, {}
    for c in doc["cases"]:
        if c["op"] == "memory":
            memory[c["name"]] = memory_case(c)
        else:
            results[c["name"]] = time_case(c)
    json.dump({"version": ClusterShell.__version__,
               "python": sys.version.split()[0],
               "results": results, "memory": memory}, sys.stdout)


if __name__ == "__main__":
    main()
