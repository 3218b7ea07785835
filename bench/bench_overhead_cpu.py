"""CPU-time overhead of record per run, on a loaded machine (issue 16).

    python bench/bench_overhead_cpu.py WORKLOAD UNITS ROUNDS [BASE_PYTHON] [PY_SPY]

WORKLOAD is one of bench_overhead.py's (mandel, churn).  Per tool, over
ROUNDS interleaved rounds: the median CPU time (user + system of the process
tree, from wait4) of the workload, and of an empty script; per-run overhead
= (tool - bare) - (tool on the empty script - bare on it), so that the fixed
start-up cost (imports) does not count.  BASE_PYTHON (optional): another
build's interpreter with jitprofile (e.g. main's), run as "record (base)".
Wall times are not used: on a shared machine they swing by tens of per cent.
"""
import os, sys, statistics, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_overhead as bo
wl_name, n, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
tmp = tempfile.mkdtemp(prefix="jp-ovh-cpu-")
wl = os.path.join(tmp, f"{wl_name}.py"); open(wl, "w").write(bo.WORKLOADS[wl_name])
empty = os.path.join(tmp, "empty.py"); open(empty, "w").write("import sys\n")
new = sys.executable
main = sys.argv[4] if len(sys.argv) > 4 else None
spy = sys.argv[5] if len(sys.argv) > 5 else None
def rec(py, extra=()):
    return lambda s, a: [py, "-m", "jitprofile", "record", "-r", "1000", *extra, "-o", os.devnull, "--format", "collapsed", s, a]
tools = {"bare": lambda s, a: [new, s, a],
         "record": rec(new), "record --no-native": rec(new, ["--no-native"])}
if main:
    tools["record (base)"] = rec(main)
if spy:
    tools["py-spy -r 1000"] = lambda s, a: [spy, "record", "-r", "1000", "-o", os.devnull,
                                            "-f", "raw", "--", new, s, a]
res = {}
for r in range(rounds):
    for t, mk in tools.items():
        res.setdefault((t, "wl"), []).append(bo.run(mk(wl, n))[1])
        try:
            res.setdefault((t, "empty"), []).append(bo.run(mk(empty, "0"))[1])
        except RuntimeError:
            pass
med = lambda k: statistics.median(res[k]) if res.get(k) else 0.0
b, be = med(("bare", "wl")), med(("bare", "empty"))
print(f"workload {wl_name} x{n}, {rounds} rounds, load {os.getloadavg()[0]:.1f}")
for t in tools:
    c, ce = med((t, "wl")), med((t, "empty"))
    fixed = ce - be if res.get((t, "empty")) else 0.0
    print(f"{t:<34} cpu {c:7.3f} s ({min(res[(t,'wl')]):.3f}..{max(res[(t,'wl')]):.3f})  total {100*(c/b-1):+6.1f}%  fixed {fixed:+.3f} s  per-run {100*((c-fixed)/b-1):+6.1f}%")
