"""bench/bench_safety.py - owns the issue-13 "compiled code safety" benchmark:
what the new guards cost, Numba and jitprofile side by side in one process:
  (a) recursion: fib(27) (a recursive function now carries a C-stack guard
      in its prologue and can fail, so each call checks its callee's status);
  (b) the Jacobi double buffer `grid, new = new, grid` in a loop that
      allocates (tuple assignment now holds its elements while it stores);
  (c) allocation: np.empty(n) in a loop (every size product is now
      overflow-checked).
Each row is the best of --repeat runs; results are checked against each other.
Run it in .venv-bench (bench/setup_bench.sh):  .venv-bench/bin/python bench/bench_safety.py
"""
import argparse
import pathlib
import platform
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
from jitload import load_kernels  # noqa: E402

CASES = [("fib(27)", "fib", (27,)), ("jacobi double buffer", "jacobi", (256, 2000)),
         ("np.empty in a loop", "allocs", (16, 200000))]


def best(f, args, repeat):
    f(*args)
    t = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = f(*args)
        t = min(t, time.perf_counter() - t0)
    return t, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    opts = ap.parse_args()
    import numba
    import jitprofile
    impls = {name: load_kernels(deco, tag=name, path=HERE / "kernels_safety.py")
             for name, deco in (("numba", numba.njit), ("jitprofile", jitprofile.njit))}
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"numba {numba.__version__}, numpy {np.__version__}")
    print("| case | Numba | jitprofile | jp/numba |")
    print("| --- | --- | --- | --- |")
    for label, fname, args in CASES:
        tn, rn = best(getattr(impls["numba"], fname), args, opts.repeat)
        tj, rj = best(getattr(impls["jitprofile"], fname), args, opts.repeat)
        assert rn == rj, (label, rn, rj)
        print(f"| {label} | {tn * 1e3:.2f} ms | {tj * 1e3:.2f} ms | {tj / tn:.2f} |")


if __name__ == "__main__":
    main()
