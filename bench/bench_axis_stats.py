"""bench/bench_axis_stats.py - owns the timings of issue 12's statistics
along an axis (np.median, percentile, nanmean, nanstd with axis=) and of
np.random.shuffle / permutation / choice in jit code, jitprofile against
NumPy itself (and Numba, when run in .venv-bench where it is installed and
the form compiles there: Numba has no axis= for these), side by side in one
process.  Every deterministic jit result is checked against NumPy's first.
Times: the thread's CPU time of the mean over enough calls to fill about
5 ms, the median of --rounds; ratios below 1.0 mean jitprofile is faster.

    .venv/bin/python bench/bench_axis_stats.py [--rounds N]
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


def median_axis0(a):
    return np.median(a, axis=0)


def median_axis1(a):
    return np.median(a, axis=1)


def percentile_axis1(a):
    return np.percentile(a, 90.0, axis=1)


def nanmean_axis0(a):
    return np.nanmean(a, axis=0)


def nanstd_axis1(a):
    return np.nanstd(a, axis=1)


def shuffle(x):
    np.random.shuffle(x)


def permutation(n):
    return np.random.permutation(n)


def choice_p(n, k, p):
    return np.random.choice(n, k, True, p)


def choice_noreplace(n, k):
    return np.random.choice(n, k, replace=False)


def cases():
    rng = np.random.default_rng(1)
    m = rng.random((500, 500))
    m[::7, ::5] = np.nan
    full = rng.random((500, 500))
    p = rng.random(1000)
    p /= p.sum()
    return [
        (median_axis0, (full,), True),
        (median_axis1, (full,), True),
        (percentile_axis1, (full,), True),
        (nanmean_axis0, (m,), True),
        (nanstd_axis1, (m,), True),
        (shuffle, (np.arange(100000.0),), False),
        (permutation, (100000,), False),
        (choice_p, (1000, 10000, p), False),
        (choice_noreplace, (100000, 1000), False),
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
    for fn, args, check in cases():
        impls = [("numpy", fn), ("jit", jitprofile.njit(fn))]
        if numba:
            try:
                nf = numba.njit(fn)
                nf(*args)
                impls.append(("numba", nf))
            except Exception:   # noqa: BLE001 - the form Numba does not compile
                pass
        exp = fn(*args)
        for name, f in impls[1:]:
            got = f(*args)
            if check:
                assert np.allclose(got, exp, equal_nan=True), (fn.__name__, name)
        times = {name: [] for name, _ in impls}
        for _ in range(opts.rounds):
            for name, f in impls:
                times[name].append(per_call(f, args))
        t = {k: statistics.median(v) * 1e6 for k, v in times.items()}
        row = f"{fn.__name__:20s} {t['numpy']:10.1f} {t['jit']:10.1f} {t['jit'] / t['numpy']:10.2f}"
        if "numba" in t:
            row += f" {t['numba']:10.1f} {t['jit'] / t['numba']:10.2f}"
        elif numba:
            row += f" {'n/a':>10s} {'-':>10s}"
        print(row)


if __name__ == "__main__":
    main()
