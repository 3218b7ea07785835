"""bench/bench_arrayexprs.py - owns the issue-12 benchmark: array
expressions and three explicit loops, NumPy, Numba and jitprofile side by
side in one process (bench/kernels_arrayexprs.py, one source loaded under
each JIT by examples/jitload.py).

Rows: the five classic expressions (a + b, (a - b) * (a + b),
(a - b) / (a + b), a ** 2, a ** 3) in float32 and float64 on 10^5
elements; a histogram loop (`for v in x: h[int((v - lo) * scale)] += 1`,
10^6 values); an n-body step in float32 (np.float32 module constants,
math.sqrt; 1000 bodies); a game-of-life step over a 1000x1000 bool grid
(`for d in (-1, 0, 1)`, ends with `(n == 3) | (X & (n == 2))`);
np.median and np.sort of 10^5 float64 values.
Every result is checked against NumPy's (exact, or allclose for a ** 3 and
the float32 n-body).  Times: the best of --repeat runs of the mean over
enough calls to fill about 5 ms, the implementations' runs interleaved;
the median of --rounds such measurements.  The clock is the thread's CPU
time (time.thread_time): the machine these figures come from is shared, and
wall time there mostly measured the wait for a core (--wall for wall time).  Ratios jitprofile/Numba and
jitprofile/NumPy below 1.0 mean jitprofile is faster.
Run it in .venv-bench (bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_arrayexprs.py [--quick] [--json F]
Still missing (later work of issue 12): the np.linalg.solve row.
"""
import argparse
import json
import pathlib
import statistics
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE))
from jitload import load_kernels  # noqa: E402
from bench_scalar import machine, short  # noqa: E402

KERNELS = HERE / "kernels_arrayexprs.py"
# CPU time of this thread: on a shared machine wall time also counts the
# time spent waiting for a core (--wall to measure wall time instead)
CLOCK = time.thread_time
EXPRS = ("expr_add", "expr_diff_prod", "expr_diff_ratio", "expr_square", "expr_cube")
LABEL = {"expr_add": "a + b", "expr_diff_prod": "(a - b) * (a + b)",
         "expr_diff_ratio": "(a - b) / (a + b)", "expr_square": "a ** 2", "expr_cube": "a ** 3"}


def timeit_interleaved(fns, args, repeat):
    """Best time per call of each fn: the repeats of the implementations
    alternate, so a noisy stretch of the (shared) machine hits all of them."""
    number = {}
    for k, fn in fns.items():
        fn(*args[k])
        t0 = CLOCK()
        fn(*args[k])
        one = max(CLOCK() - t0, 1e-7)
        number[k] = max(1, int(0.005 / one))
    best = {k: float("inf") for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            a, n = args[k], number[k]
            t0 = CLOCK()
            for _ in range(n):
                fn(*a)
            best[k] = min(best[k], (CLOCK() - t0) / n)
    return best


# ------------------------------------------------------------ NumPy versions

def np_histogram(x, lo, hi, nbins):
    scale = nbins / (hi - lo)
    return np.bincount(((x - lo) * scale).astype(np.int64), minlength=nbins)


def np_nbody_step(pos, vel, mass, G, SOFT, DT):
    d = pos[None, :, :] - pos[:, None, :]
    r2 = (d * d).sum(axis=2) + SOFT
    inv = np.float32(1.0) / (r2 * np.sqrt(r2))
    f = G * mass[None, :] * inv
    vel += DT * (f[:, :, None] * d).sum(axis=1)
    pos += DT * vel


def np_life_step(X):
    n = np.zeros(X.shape, np.int64)
    c = X.astype(np.int64)
    n[1:-1, 1:-1] = (c[:-2, :-2] + c[:-2, 1:-1] + c[:-2, 2:] + c[1:-1, :-2] + c[1:-1, 2:]
                     + c[2:, :-2] + c[2:, 1:-1] + c[2:, 2:])
    return (n == 3) | (X & (n == 2))


# ------------------------------------------------------------------- rows

def rows(quick):
    rng = np.random.default_rng(0)
    n = 10_000 if quick else 100_000
    out = []
    for dt in (np.float32, np.float64):
        a = rng.uniform(0.5, 2.0, n).astype(dt)
        b = rng.uniform(0.5, 2.0, n).astype(dt)
        for name in EXPRS:
            out.append((f"{LABEL[name]} {np.dtype(dt).name}", name, (a, b), None))
    x = rng.random(100_000 if quick else 1_000_000)
    out.append(("histogram loop", "histogram", (x, 0.0, 1.0, 100), np_histogram))
    nb = 200 if quick else 1000
    pos = rng.random((nb, 3), dtype=np.float32)
    vel = np.zeros((nb, 3), np.float32)
    mass = rng.random(nb, dtype=np.float32)
    out.append(("n-body step float32", "nbody_step", (pos, vel, mass), "nbody"))
    g = 200 if quick else 1000
    X = rng.random((g, g)) < 0.3
    out.append(("game-of-life step", "life_step", (X,), np_life_step))
    m = rng.standard_normal(n)
    out.append(("median float64", "median", (m,), None))
    out.append(("sort float64", "sort", (m,), None))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--rounds", type=int, default=3,
                    help="independent measurements per row; the median is reported")
    ap.add_argument("--json")
    ap.add_argument("--wall", action="store_true", help="wall-clock time instead of thread CPU time")
    opts = ap.parse_args()
    global CLOCK
    if opts.wall:
        CLOCK = time.perf_counter

    mods = {"numpy": load_kernels(None, "np", KERNELS)}
    import numba
    import jitprofile
    mods["numba"] = load_kernels(numba.njit, "numba", KERNELS)
    mods["jitprofile"] = load_kernels(jitprofile.njit, "jp", KERNELS)
    K = mods["numpy"]
    results = []
    print(f"# {machine()}")
    print(f"{'row':28s} {'numpy':>10s} {'numba':>10s} {'jitprofile':>10s} {'jp/numba':>9s} {'jp/numpy':>9s}")
    for label, name, args, npfn in rows(opts.quick):
        times, why, fns, fargs = {}, {}, {}, {}
        for impl in ("numpy", "numba", "jitprofile"):
            if impl == "numpy":
                if npfn == "nbody":
                    fn = lambda p, v, m: np_nbody_step(p, v, m, K.G, K.SOFTENING, K.DT)  # noqa: E731
                else:
                    fn = npfn or getattr(K, name)
            else:
                fn = getattr(mods[impl], name)
            call_args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
            try:
                got = fn(*call_args)
                if name == "nbody_step":
                    got = call_args[:2]
                check_args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
                ref = (np_nbody_step(*check_args, K.G, K.SOFTENING, K.DT) or check_args[:2]) \
                    if name == "nbody_step" else (npfn or getattr(K, name))(*check_args)
                exact = name not in ("expr_cube", "nbody_step")
                ok = all(np.array_equal(g, r) if exact else np.allclose(g, r, rtol=1e-5, atol=1e-6)
                         for g, r in zip(got if isinstance(got, tuple) else (got,),
                                         ref if isinstance(ref, tuple) else (ref,)))
                if not ok:
                    why[impl] = "WRONG"
                fns[impl], fargs[impl] = fn, call_args
            except Exception as exc:  # noqa: BLE001 - reported in the table
                why[impl] = short(exc)
        rounds = [timeit_interleaved(fns, fargs, opts.repeat) for _ in range(opts.rounds)]
        times = {k: statistics.median(r[k] for r in rounds) for k in fns}
        cell = {k: (f"{times[k] * 1e6:8.1f}us" if k in times and k not in why else why.get(k, "-")[:10])
                for k in ("numpy", "numba", "jitprofile")}
        r_nb = times["jitprofile"] / times["numba"] if "jitprofile" in times and "numba" in times else None
        r_np = times["jitprofile"] / times["numpy"] if "jitprofile" in times and "numpy" in times else None
        print(f"{label:28s} {cell['numpy']:>10s} {cell['numba']:>10s} {cell['jitprofile']:>10s} "
              f"{(f'{r_nb:.2f}' if r_nb else '-'):>9s} {(f'{r_np:.2f}' if r_np else '-'):>9s}")
        for k, v in why.items():
            print(f"    {k}: {v}")
        results.append({"row": label, "seconds": times, "errors": why,
                        "jp_over_numba": r_nb, "jp_over_numpy": r_np})
    print("not measured yet (later issue-12 work): np.linalg.solve 200x200")
    if opts.json:
        pathlib.Path(opts.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
