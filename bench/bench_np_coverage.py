"""bench/bench_np_coverage.py - owns the timings of the NumPy functions
issue 12's coverage work added (cumsum along an axis, concatenate, interp,
convolve, the new ufuncs, isclose, eye), jitprofile against NumPy itself
(and Numba, when run in .venv-bench where it is installed), side by side in
one process.  Every jit result is checked against NumPy's first.  Times:
the thread's CPU time (the machine is shared) of the mean over enough calls
to fill about 5 ms, the median of --rounds; ratios below 1.0 mean
jitprofile is faster.

    .venv/bin/python bench/bench_np_coverage.py [--rounds N]
"""
import argparse
import statistics
import time

import numpy as np

import jitprofile

try:
    import numba
except ImportError:     # .venv has no Numba; .venv-bench has
    numba = None


def cumsum_axis1(a):
    return np.cumsum(a, axis=1)


def concat_axis1(a, b):
    return np.concatenate((a, b), axis=1)


def interp(x, xp, fp):
    return np.interp(x, xp, fp)


def convolve(a, v):
    return np.convolve(a, v)


def logaddexp(a, b):
    return np.logaddexp(a, b)


def fmod_floor_divide(a, b):
    return np.fmod(a, b) + np.floor_divide(a, b)


def isclose(a, b):
    return np.isclose(a, b)


def eye(n):
    return np.eye(n)


def cases():
    rng = np.random.default_rng(1)
    m = rng.random((1000, 1000))
    x = rng.random(10 ** 6) * 10
    xp = np.sort(rng.random(1000) * 10)
    return [
        (cumsum_axis1, (m,)),
        (concat_axis1, (m, m[:, :500])),
        (interp, (x, xp, np.sin(xp))),
        (convolve, (x[:100000], rng.random(32))),
        (logaddexp, (x, x[::-1].copy())),
        (fmod_floor_divide, (x, x[::-1] + 1.0)),
        (isclose, (x, x + 1e-9)),
        (eye, (1000,)),
    ]


def per_call(fn, args):
    n, start = 0, time.thread_time()
    while True:
        fn(*args)
        n += 1
        el = time.thread_time() - start
        if el > 0.005:
            return el / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    opts = ap.parse_args()
    print(f"{'function':20s} {'numpy us':>10s} {'jit us':>10s} {'jit/numpy':>10s}"
          + (f" {'numba us':>10s} {'jit/numba':>10s}" if numba else ""))
    for fn, args in cases():
        jf = jitprofile.njit(fn)
        impls = [("numpy", fn), ("jit", jf)]
        if numba:
            impls.append(("numba", numba.njit(fn)))
        exp = fn(*args)
        for name, f in impls[1:]:
            got = f(*args)
            assert np.allclose(got, exp, equal_nan=True), (fn.__name__, name)
        times = {name: [] for name, _ in impls}
        for _ in range(opts.rounds):
            for name, f in impls:
                times[name].append(per_call(f, args))
        t = {k: statistics.median(v) * 1e6 for k, v in times.items()}
        row = f"{fn.__name__:20s} {t['numpy']:10.1f} {t['jit']:10.1f} {t['jit'] / t['numpy']:10.2f}"
        if numba:
            row += f" {t['numba']:10.1f} {t['jit'] / t['numba']:10.2f}"
        print(row)


if __name__ == "__main__":
    main()
