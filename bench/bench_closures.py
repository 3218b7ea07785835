"""bench/bench_closures.py - owns the issue-11 functions benchmark: CPython,
Numba and jitprofile side by side, in one process, on the kernels of
bench/kernels_closures.py (an inner function in a hot loop, a sort with a
lambda key, map/filter, a jitted function passed as an argument).  Every
result is checked against CPython's; times are the minimum over repeats
(after a warm-up call that compiles); the first call (compile + run) is
timed once per implementation.  Run it in .venv-bench (bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_closures.py [--n N]
"""
import argparse
import math
import pathlib
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
from jitload import load_kernels  # noqa: E402

KERNELS = HERE / "kernels_closures.py"


def jit_of(impl):
    if impl == "numba":
        import numba
        return numba.njit
    if impl == "jitprofile":
        from jitprofile import njit
        return njit
    return None


def best(run, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--reps", type=int, default=7)
    opts = ap.parse_args()
    a = np.random.default_rng(0).random(opts.n)
    rows = {
        "inner function in a loop": lambda k: k.inner_loop(a, 2.0),
        "list.sort(key=lambda)": lambda k: k.sort_lambda_key(a),
        "map/filter with lambdas": lambda k: k.map_filter(a),
        "jitted function as argument": lambda k: k.function_argument(a),
    }
    impls = ["cpython", "numba", "jitprofile"]
    mods = {impl: load_kernels(jit_of(impl), impl, KERNELS) for impl in impls}
    print(f"n = {opts.n}; best of {opts.reps}; first call = compile + one run")
    print(f"{'kernel':30s} {'CPython':>10s} {'Numba':>10s} {'jitprofile':>11s} {'jp/Numba':>9s}"
          f" {'1st Numba':>10s} {'1st jp':>8s}")
    for name, call in rows.items():
        want = call(mods["cpython"])
        first, t = {}, {}
        for impl in impls:
            t0 = time.perf_counter()
            got = call(mods[impl])
            first[impl] = time.perf_counter() - t0
            assert math.isclose(got, want, rel_tol=1e-9), (name, impl, got, want)
            t[impl] = best(lambda: call(mods[impl]), opts.reps if impl != "cpython" else 2)
        print(f"{name:30s} {t['cpython'] * 1e3:8.2f}ms {t['numba'] * 1e3:8.2f}ms {t['jitprofile'] * 1e3:9.2f}ms"
              f" {t['jitprofile'] / t['numba']:9.2f} {first['numba'] * 1e3:8.0f}ms {first['jitprofile'] * 1e3:6.0f}ms")


if __name__ == "__main__":
    main()
