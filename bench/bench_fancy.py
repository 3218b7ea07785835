"""bench/bench_fancy.py - owns the issue-12 indexing benchmark: integer-array
and boolean-mask reads and writes, np.nonzero and np.take on 10^6 float64
elements (bench/kernels_fancy.py), NumPy, Numba and jitprofile side by side
in one process.  Results must agree; times are the thread's CPU time
(time.thread_time), best of --repeat interleaved calls.
Run it in .venv-bench (bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_fancy.py [--repeat N]
"""
import argparse
import pathlib
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE))
from jitload import load_kernels  # noqa: E402
from bench_scalar import machine  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=9)
    opts = ap.parse_args()
    import numba
    import jitprofile
    py = load_kernels(None, "python", HERE / "kernels_fancy.py")
    nb = load_kernels(numba.njit, "numba", HERE / "kernels_fancy.py")
    jp = load_kernels(jitprofile.njit, "jp", HERE / "kernels_fancy.py")
    rng = np.random.default_rng(0)
    a = rng.random(10 ** 6)
    m = rng.random((1000, 1000))
    idx = rng.integers(0, 10 ** 6, 10 ** 5)
    rows = rng.integers(0, 1000, 300)
    cases = [("a[idx] (10^5 of 10^6)", "gather", (a, idx), False),
             ("m[rows, 1:] (300 rows)", "gather_rows", (m, rows), False),
             ("a[a > 0.5]", "mask_read", (a,), False),
             ("a[a > 0.9] = 0", "mask_write", (a,), True),
             ("a[idx] += 1", "scatter_add", (a, idx), True),
             ("np.nonzero(a > 0.5)[0]", "nonzero", (a,), False),
             ("np.take(a, idx)", "take", (a, idx), False)]
    print(f"# {machine()}")
    print(f"{'operation':26s} {'numpy':>10s} {'numba':>10s} {'jitprofile':>10s} {'jp/numba':>9s} {'jp/numpy':>9s}")
    for label, name, args, writes in cases:
        fns = (getattr(py, name), getattr(nb, name), getattr(jp, name))
        if writes:
            got = []
            for f in fns:
                w = (args[0].copy(),) + args[1:]
                f(*w)
                got.append(w[0])
        else:
            got = [f(*args) for f in fns]
        best = [float("inf")] * 3
        for _ in range(opts.repeat):
            for k, f in enumerate(fns):
                w = (args[0].copy(),) + args[1:] if writes else args
                t0 = time.thread_time()
                f(*w)
                best[k] = min(best[k], time.thread_time() - t0)
        ok = all(np.array_equal(g, got[0]) for g in got)
        flag = "" if ok else "  WRONG"
        print(f"{label:26s} {best[0] * 1e6:8.0f}us {best[1] * 1e6:8.0f}us {best[2] * 1e6:8.0f}us "
              f"{best[2] / best[1]:9.2f} {best[2] / best[0]:9.2f}{flag}")


if __name__ == "__main__":
    main()
