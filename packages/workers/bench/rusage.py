"""Runs a command and reports what it cost: wall time, CPU time of the command and of every
process it started and waited for (getrusage RUSAGE_CHILDREN: clush's or pdsh's ssh processes,
our Node process and its ssh processes), and the peak RSS of the largest of them.

Usage: rusage.py OUT_JSON -- command args...   (the command's own stdout goes to OUT_JSON.out)
Prints one JSON line: {"rc", "wall", "user", "sys", "maxrss_kb"}.
"""
import json
import resource
import subprocess
import sys
import time

out_path = sys.argv[1]
argv = sys.argv[3:]
with open(out_path + ".out", "wb") as out:
    start = time.perf_counter()
    rc = subprocess.call(argv, stdout=out, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
result = {
    "rc": rc,
    "wall": wall,
    "user": usage.ru_utime,
    "sys": usage.ru_stime,
    "maxrss_kb": usage.ru_maxrss,
}
with open(out_path, "w") as f:
    json.dump(result, f)
print(json.dumps(result))
