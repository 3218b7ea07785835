"""bench/bench_parallel.py - owns the issue-12 parallel=True benchmark:
`a + b * c` (into a new array, and into an existing one),
`np.sum(a * b)` on 10^7 float64 values and a 4-point
@stencil over a 3000x3000 float64 grid, each under @jit(parallel=True),
jitprofile and Numba side by side in one process (one source,
bench/kernels_parallel.py), with the serial @jit versions and NumPy beside.
Every result is checked against NumPy's.  The clock is wall time (the work
is spread over threads: a thread's CPU time would miss the workers'); each
figure is the median of --rounds best-of-3 means over calls filling about
50 ms, the implementations interleaved.  Both JITs use the same number of
threads (--threads, default: all cores).  Ratios jitprofile/Numba below 1.0
mean jitprofile is faster.
Run it in .venv-bench (bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_parallel.py [--threads N] [--rounds R]
"""
import argparse
import importlib.util
import os
import pathlib
import statistics
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
KERNELS = HERE / "kernels_parallel.py"


def load(tag, jit, stencil):
    spec = importlib.util.spec_from_file_location(f"_kernels_parallel_{tag}", KERNELS)
    module = importlib.util.module_from_spec(spec)
    module.jit = jit
    module.stencil = stencil
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def per_call(fn, args):
    fn(*args)
    t0 = time.perf_counter()
    fn(*args)
    one = max(time.perf_counter() - t0, 1e-6)
    number = max(1, int(0.05 / one))
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(number):
            fn(*args)
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n", type=int, default=10_000_000)
    opts = ap.parse_args()

    import numba
    import jitprofile
    numba.set_num_threads(min(opts.threads, numba.config.NUMBA_NUM_THREADS))
    jitprofile.set_num_threads(opts.threads)
    impls = {
        "jitprofile": load("jp", jitprofile.njit(parallel=True), jitprofile.stencil),
        "numba": load("nb", numba.njit(parallel=True), numba.stencil),
        "jitprofile serial": load("jps", jitprofile.njit, jitprofile.stencil),
        "numba serial": load("nbs", numba.njit, numba.stencil),
    }
    rng = np.random.default_rng(0)
    a, b, c = (rng.random(opts.n) for _ in range(3))
    g = rng.random((3000, 3000))
    ref_smooth = np.zeros_like(g)
    ref_smooth[1:-1, 1:-1] = 0.25 * (g[1:-1, 2:] + g[2:, 1:-1] + g[1:-1, :-2] + g[:-2, 1:-1])
    rows = [
        ("a + b * c", "axpy", (a, b, c), a + b * c),
        ("out[:] = a + b * c (no allocation)", "axpy_into", (a, b, c, np.empty_like(a)), a + b * c),
        ("np.sum(a * b)", "dot_sum", (a, b), np.sum(a * b)),
        ("@stencil 4-point, 3000x3000", "smooth", (g,), ref_smooth),
    ]
    numpy_fns = {"axpy": lambda a, b, c: a + b * c, "dot_sum": lambda a, b: np.sum(a * b),
                 "axpy_into": lambda a, b, c, out: np.add(a, b * c, out=out)}
    print(f"threads: {opts.threads} (os.cpu_count() = {os.cpu_count()}); numba {numba.__version__}, "
          f"numpy {np.__version__}; wall time, median of {opts.rounds} rounds")
    print(f"{'row':36s} {'jitprofile':>11s} {'numba':>11s} {'jp/numba':>9s} {'jp serial':>10s} "
          f"{'nb serial':>10s} {'numpy':>10s} {'jp par/serial':>13s}")
    for label, name, args, ref in rows:
        for k, m in impls.items():
            np.testing.assert_allclose(getattr(m, name)(*args), ref, rtol=1e-9, err_msg=f"{k} {label}")
        times = {k: [] for k in impls}
        times["numpy"] = []
        for _ in range(opts.rounds):
            for k, m in impls.items():
                times[k].append(per_call(getattr(m, name), args))
            if name in numpy_fns:
                times["numpy"].append(per_call(numpy_fns[name], args))
        med = {k: statistics.median(v) if v else float("nan") for k, v in times.items()}
        print(f"{label:36s} {med['jitprofile'] * 1e3:9.2f}ms {med['numba'] * 1e3:9.2f}ms "
              f"{med['jitprofile'] / med['numba']:9.2f} {med['jitprofile serial'] * 1e3:8.2f}ms "
              f"{med['numba serial'] * 1e3:8.2f}ms {med['numpy'] * 1e3:8.2f}ms "
              f"{med['jitprofile'] / med['jitprofile serial']:13.2f}")


if __name__ == "__main__":
    main()
