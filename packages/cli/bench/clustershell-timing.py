#!/usr/bin/python3
"""ClusterShell 1.9.1's side of the nodeset group benchmark (bench/nodeset-groups.bench.ts).

Reads {"cases": [{"name", "args", "runs", "cap", "calls"}]} as JSON on stdin. For each case,
runs ClusterShell's own `nodeset` entry point (ClusterShell.CLI.Nodeset.main) `runs` times in
this process, timing each run with time.perf_counter(); `--groupsconf` in the arguments gives
every run a fresh resolver, so nothing is cached between runs, as between two nodeset
processes. A run longer than `cap` seconds is stopped (SIGALRM) and reported as capped. The
upcall commands of the benchmark configuration append their kind to the file `calls`, which
is emptied before each run and counted after it.

Writes [{"name", "times": [s...], "capped": bool, "calls": {kind: n}, "stdout", "code"}] on
stdout.
"""

import io
import json
import os
import signal
import sys
import time

sys.argv = ["nodeset"]

from ClusterShell.CLI import Nodeset as CLI  # noqa: E402


class Capped(BaseException):
    """Raised by SIGALRM when a run goes past its cap."""


def on_alarm(_signum, _frame):
    raise Capped()


def count_calls(path):
    counts = {}
    try:
        with open(path) as calls:
            for line in calls:
                kind = line.strip()
                counts[kind] = counts.get(kind, 0) + 1
    except FileNotFoundError:
        pass
    return counts


def run_once(case):
    if os.path.exists(case["calls"]):
        os.unlink(case["calls"])
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.argv = ["nodeset"] + case["args"]
    sys.stdout, sys.stderr = out, err
    code = 0
    capped = False
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, case["cap"])
    start = time.perf_counter()
    try:
        CLI.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except Capped:
        capped = True
    finally:
        elapsed = time.perf_counter() - start
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout, sys.stderr = saved
    return elapsed, capped, code, out.getvalue(), count_calls(case["calls"])


def main():
    doc = json.load(sys.stdin)
    results = []
    for case in doc["cases"]:
        times = []
        first = None
        capped = False
        for _ in range(case["runs"]):
            elapsed, capped, code, stdout, calls = run_once(case)
            times.append(elapsed)
            if first is None:
                first = {"stdout": stdout, "code": code, "calls": calls}
            if capped:
                break
        results.append({"name": case["name"], "times": times, "capped": capped, **first})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
