"""Compile-to-PTX latency of the CUDA suite before and after a change to the
compile path (issue 15: the compile-target interface), side by side.

Two builds of jitprofile cannot share a process, so the two run in
alternating child processes (A B A B ...) and the report is the ratio of
the medians.  Each child compiles every kernel of tests/python/test_cuda_ptx.py
and test_cuda_gpu.py for sm_75 from a fresh dispatcher (cold: nothing
reused but the LLVM initialisation and libdevice, paid once before timing),
five times; the child reports its best pass in CPU time (process_time), which
a shared machine disturbs far less than wall time.

    cp -a .venv/lib/python3.11/site-packages/jitprofile /tmp/jp_base/   # on the old build
    ... rebuild ...
    .venv/bin/python bench/bench_target_compile.py --base /tmp/jp_base [--rounds 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(os.path.dirname(HERE), "tests", "python")

CHILD = r'''
import json, sys, time
sys.path.insert(0, sys.argv[1])
from jitprofile import cuda
import test_cuda_ptx, test_cuda_gpu
suite = list(test_cuda_ptx.KERNELS) + list(test_cuda_gpu.SUITE)
cuda.compile_ptx(suite[0][0], suite[0][1], cc=(7, 5))      # LLVM, libdevice: once
times = []
for rep in range(5):
    t0 = time.process_time()        # CPU time: the machine is shared, wall time is not ours
    for f, sig in suite:
        cuda.compile_ptx(f, sig, cc=(7, 5))
    times.append(time.process_time() - t0)
print(json.dumps({"kernels": len(suite), "best": min(times)}))
'''


def run(pkg_parent):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (TESTS, pkg_parent) if p))
    out = subprocess.run([sys.executable, "-c", CHILD, pkg_parent or TESTS], env=env, cwd=TESTS,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="folder holding the other build's jitprofile package")
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    base, new = [], []
    for _ in range(a.rounds):
        base.append(run(a.base)["best"])
        r = run("")
        new.append(r["best"])
    mb, mn = statistics.median(base), statistics.median(new)
    print(f"CUDA suite, {r['kernels']} kernels to PTX (sm_75), CPU time, best of 5 per child, median of {a.rounds} children")
    print(f"  base    {mb * 1e3:8.1f} ms  ({mb / r['kernels'] * 1e3:.1f} ms/kernel)")
    print(f"  this    {mn * 1e3:8.1f} ms  ({mn / r['kernels'] * 1e3:.1f} ms/kernel)")
    print(f"  this/base {mn / mb:.3f}  (per-round ratios {', '.join(f'{n / b:.2f}' for b, n in zip(base, new))})")


if __name__ == "__main__":
    main()
