"""bench/bench_exc_gen.py - owns the issue-11 exceptions/generators
benchmark: CPython, Numba and jitprofile side by side, in one process, on
the kernels of bench/kernels_exc_gen.py:
  generator sum   for x in gen(n) inside jit code (n = 10^6 items);
  try in a loop   try/except Exception around an integer division, 1% of
                  the divisors zero (the handler runs 10^4 times);
  callee raises   a jit callee raising ValueError for 10% of 10^6 items,
                  caught by the caller.
Every result is checked against CPython's.  Times are the minimum over
repeats; first-call latency (compile + one small call) is the median of
fresh processes.  Run it in .venv-bench (bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_exc_gen.py [--quick]
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE))
from jitload import load_kernels  # noqa: E402

KERNELS = HERE / "kernels_exc_gen.py"
IMPLS = ("cpython", "numba", "jitprofile")


def jit_of(impl):
    if impl == "cpython":
        return None
    if impl == "numba":
        import numba
        return numba.njit
    from jitprofile import njit
    return njit


def best_time(run, min_total, min_reps=5, max_reps=300):
    times = []
    while len(times) < min_reps or (sum(times) < min_total and len(times) < max_reps):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def cases(n):
    rng = np.random.default_rng(0)
    a = rng.integers(-1000, 1000, n).astype(np.float64)
    b = rng.integers(1, 50, n).astype(np.float64)
    b[rng.choice(n, n // 100, replace=False)] = 0.0
    c = rng.integers(-1, 9, n).astype(np.float64)
    return {
        "generator sum": lambda k: (lambda: k.gen_sum(n)),
        "try in a loop": lambda k: (lambda: k.try_in_loop(a, b)),
        "callee raises": lambda k: (lambda: k.catch_callee(c)),
    }


FIRST_CALL = r'''
import json, sys, time
sys.path.insert(0, {examples!r}); sys.path.insert(0, {here!r})
import numpy as np
if {impl!r} == "numba":
    import numba; jit = numba.njit
else:
    from jitprofile import njit as jit
from jitload import load_kernels
k = load_kernels(jit, "fc", path={kernels!r})
t1 = time.perf_counter()
{call}
t2 = time.perf_counter()
print(json.dumps({{"first_call": t2 - t1}}))
'''

FIRST_CALLS = {
    "generator sum": "k.gen_sum(10)",
    "try in a loop": "k.try_in_loop(np.ones(3), np.zeros(3))",
    "callee raises": "k.catch_callee(np.ones(3))",
}


def first_call(impl, case, runs):
    src = FIRST_CALL.format(examples=str(HERE.parent / "examples"), here=str(HERE), impl=impl,
                            kernels=str(KERNELS), call=FIRST_CALLS[case])
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", src], capture_output=True, text=True)
        if out.returncode != 0:
            return None
        times.append(json.loads(out.stdout.strip().splitlines()[-1])["first_call"])
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n = 100_000 if args.quick else 1_000_000
    table = {}
    for case, make in cases(n).items():
        row, want = {}, None
        for impl in IMPLS:
            try:
                k = load_kernels(jit_of(impl), f"{impl}_{case.split()[0]}", path=KERNELS)
            except ImportError:
                row[impl] = None
                continue
            run = make(k)
            got = run()
            if impl == "cpython":
                want = got
            elif got != want:
                row[impl] = f"WRONG ({got} != {want})"
                continue
            row[impl] = best_time(run, 0.3 if impl == "cpython" else (0.3 if args.quick else 1.0),
                                  min_reps=3 if impl == "cpython" else 5)
        table[case] = row
    runs = 3 if args.quick else 5
    fc = {case: {impl: first_call(impl, case, runs) for impl in ("numba", "jitprofile")} for case in FIRST_CALLS}

    def fmt(v):
        if v is None:
            return "-"
        if isinstance(v, str):
            return v
        return f"{v * 1e3:.3f} ms"

    print(f"n = {n}")
    print(f"{'case':16} {'CPython':>12} {'Numba':>12} {'jitprofile':>12} {'jp/Numba':>9} {'jp/CPython':>10}")
    for case, row in table.items():
        jp, nb, cp = row.get("jitprofile"), row.get("numba"), row.get("cpython")
        r1 = f"{jp / nb:.2f}x" if isinstance(jp, float) and isinstance(nb, float) and nb else "-"
        r2 = f"{jp / cp:.3f}x" if isinstance(jp, float) and isinstance(cp, float) and cp else "-"
        print(f"{case:16} {fmt(cp):>12} {fmt(nb):>12} {fmt(jp):>12} {r1:>9} {r2:>10}")
    print("\nfirst call (compile + one small call), median of fresh processes:")
    for case, row in fc.items():
        nb, jp = row["numba"], row["jitprofile"]
        ratio = f"{jp / nb:.3f}x" if nb and jp else "-"
        print(f"{case:16} Numba {fmt(nb):>12}  jitprofile {fmt(jp):>12}  jp/Numba {ratio}")


if __name__ == "__main__":
    main()
