"""Issue 19: is the advisor's (and Apply's) speedup what its label says -
"the function alone, per call, best-of timings on the recorded arguments"?

A triple-loop pairwise distance (120 points x 3) is profiled (sampled
argument recording, as %%jitprofile does), advised, then timed here
independently: the original and jitprofile.njit's version on the same
array, single calls, median and best-of.  Prints the three ratios.

    .venv/bin/python bench/bench_speedup_label.py [runs]
"""
import statistics
import sys
import time

import numpy as np

import jitprofile


def pairwise(X):
    n = X.shape[0]
    D = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(X.shape[1]):
                t = X[i, k] - X[j, k]
                s += t * t
            D[i, j] = s ** 0.5
    return D


def one(f, X):
    t0 = time.perf_counter()
    f(X)
    return time.perf_counter() - t0


def main(runs: int) -> None:
    X = np.random.rand(120, 3)
    for _ in range(runs):
        with jitprofile.Profile(args="sampled") as prof:
            for _ in range(6):
                pairwise(X)
        s = next(s for s in jitprofile.advise(prof)
                 if s.function == "pairwise" and s.kind == "jit")
        comp = jitprofile.njit(pairwise)
        comp(X)
        py = [one(pairwise, X) for _ in range(5)]
        jt = [one(comp, X) for _ in range(200)]
        print(f"advisor: {s.speedup:.0f}x   independent single calls: median "
              f"{statistics.median(py) / statistics.median(jt):.0f}x, best-of "
              f"{min(py) / min(jt):.0f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
