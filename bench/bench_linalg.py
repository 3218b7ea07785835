"""bench/bench_linalg.py - owns the issue-12 linear algebra benchmark:
np.linalg.solve at 200x200, a 200x200 matmul, a 4x4 solve inside a loop
and the other np.linalg functions (bench/kernels_linalg.py), NumPy, Numba
and jitprofile side by side in one process.  Results must agree.  Times are
wall-clock (BLAS may run threads), best of --repeat interleaved calls; the
first-call column is the first call's time, compile included.
Run it in .venv-bench (bench/setup_bench.sh):
    OPENBLAS_NUM_THREADS=1 .venv-bench/bin/python bench/bench_linalg.py [--repeat N]
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


def first_call(f, args):
    t0 = time.perf_counter()
    r = f(*args)
    return time.perf_counter() - t0, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=9)
    opts = ap.parse_args()
    import numba
    import jitprofile
    py = load_kernels(None, "python", HERE / "kernels_linalg.py")
    nb = load_kernels(numba.njit, "numba", HERE / "kernels_linalg.py")
    jp = load_kernels(jitprofile.njit, "jp", HERE / "kernels_linalg.py")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((200, 200)) + 20 * np.eye(200)
    b = rng.standard_normal((200, 200))
    x = rng.standard_normal(200)
    spd = a @ a.T
    As = rng.standard_normal((10000, 4, 4)) + 4 * np.eye(4)
    bs = rng.standard_normal((10000, 4))
    tall = rng.standard_normal((400, 50))
    y = rng.standard_normal(400)
    big = rng.standard_normal(10 ** 6)
    cases = [("solve 200x200", "solve", (a, x)),
             ("matmul 200x200 @ 200x200", "matmul", (a, b)),
             ("dot 200x200 . 200", "matvec", (a, x)),
             ("dot 10^6 . 10^6", "vdot", (big, big)),
             ("solve 4x4 in a loop (10^4)", "solve_small_loop", (As, bs)),
             ("inv 200x200", "inv", (a,)),
             ("det 200x200", "det", (a,)),
             ("eigh 200x200", "eigh", (spd,)),
             ("svd 200x200 (s)", "svd", (b,)),
             ("cholesky 200x200", "cholesky", (spd,)),
             ("qr 200x200 (r)", "qr", (b,)),
             ("lstsq 400x50", "lstsq", (tall, y)),
             ("norm 10^6", "norm", (big,))]
    print(f"# {machine()}")
    print(f"{'operation':28s} {'numpy':>9s} {'numba':>9s} {'jitprofile':>10s} {'jp/numba':>9s} {'jp/numpy':>9s}"
          f" {'1st numba':>10s} {'1st jp':>8s}")
    for label, name, args in cases:
        fns = (getattr(py, name), getattr(nb, name), getattr(jp, name))
        firsts = [first_call(f, args) for f in fns]
        got = [r for _, r in firsts]
        best = [float("inf")] * 3
        for _ in range(opts.repeat):
            for k, f in enumerate(fns):
                t0 = time.perf_counter()
                f(*args)
                best[k] = min(best[k], time.perf_counter() - t0)
        ok = all(np.allclose(g, got[0], rtol=1e-8, atol=1e-8) for g in got)
        flag = "" if ok else "  WRONG"
        print(f"{label:28s} {best[0] * 1e6:7.0f}us {best[1] * 1e6:7.0f}us {best[2] * 1e6:8.0f}us "
              f"{best[2] / best[1]:9.2f} {best[2] / best[0]:9.2f} {firsts[1][0] * 1e3:8.0f}ms"
              f" {firsts[2][0] * 1e3:6.0f}ms{flag}")


if __name__ == "__main__":
    main()
