"""bench/bench_arrays.py - owns the issue-3 array benchmark: CPython (pure
Python loops), NumPy (vectorised), Numba and jitprofile side by side, in
one run, on the seed's four numerical examples (bench/kernels_arrays.py):
  Black-Scholes       N options, call and put prices (Numba's classic cnd);
  Check Neighbours    live-neighbour count of every interior cell of a 0/1
                      int8 grid (game of life), into an int32 grid;
  IS Distance         Itakura-Saito distance of two positive spectra;
  Pairwise distances  (M, 3) points -> (M, M) Euclidean distance matrix.
The loop kernels are one source file loaded three times (no decorator,
numba.njit, jitprofile.njit) by examples/jitload.py.  Every result is
checked against the CPython loop's (np.allclose; exact for integer grids).
Times are the minimum over repeats; first-call compile latency is the
median over fresh processes (bench/first_call_arrays.py).
Run it in .venv-bench (bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_arrays.py [--quick] [--json F] [--dump-ir DIR]
A JIT that cannot compile a kernel, or computes a wrong result, is
reported as 'unsupported' / 'WRONG' in the table, with the error below it.
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE))
from jitload import load_kernels  # noqa: E402
from bench_scalar import Outcome, jit_of, machine, short  # noqa: E402

KERNELS = HERE / "kernels_arrays.py"
IMPLS = ("cpython", "numpy", "numba", "jitprofile")
RISKFREE, VOLATILITY = 0.02, 0.30


# ------------------------------------------------------------------- inputs

def sizes(quick):
    if quick:
        return {"black_scholes": 20_000, "check_neighbours": 200,
                "is_distance": 200_000, "pairwise": 300}
    return {"black_scholes": 100_000, "check_neighbours": 500,
            "is_distance": 1_000_000, "pairwise": 1000}


def make_inputs(case, n, seed=0):
    rng = np.random.default_rng(seed)
    if case == "black_scholes":
        return {"S": rng.uniform(5.0, 30.0, n), "X": rng.uniform(1.0, 100.0, n),
                "T": rng.uniform(0.25, 10.0, n)}
    if case == "check_neighbours":
        return {"grid": rng.integers(0, 2, (n, n), dtype=np.int8)}
    if case == "is_distance":
        return {"a": rng.uniform(0.1, 10.0, n), "b": rng.uniform(0.1, 10.0, n)}
    if case == "pairwise":
        return {"X": rng.random((n, 3))}
    raise KeyError(case)


# ------------------------------------------- loop runners (CPython / JITs)

def loop_runner(case, k, inp):
    """A no-argument callable running kernel module k's `case` on inp, and
    a function returning its result (after a run)."""
    if case == "black_scholes":
        n = inp["S"].shape[0]
        call, put = np.zeros(n), np.zeros(n)

        def run():
            k.black_scholes(call, put, inp["S"], inp["X"], inp["T"], RISKFREE, VOLATILITY)
        return run, lambda: (call.copy(), put.copy())
    if case == "check_neighbours":
        counts = np.zeros(inp["grid"].shape, dtype=np.int32)

        def run():
            k.check_neighbours(inp["grid"], counts)
        return run, lambda: counts.copy()
    box = {}
    if case == "is_distance":
        def run():
            box["r"] = k.is_distance(inp["a"], inp["b"])
    else:
        def run():
            box["r"] = k.pairwise(inp["X"])
    return run, lambda: box["r"]


# --------------------------------------------------- vectorised NumPy versions

def np_cnd(d):
    A1, A2, A3, A4, A5 = 0.31938153, -0.356563782, 1.781477937, -1.821255978, 1.330274429
    RSQRT2PI = 0.39894228040143267793994605993438
    K = 1.0 / (1.0 + 0.2316419 * np.abs(d))
    ret_val = RSQRT2PI * np.exp(-0.5 * d * d) * (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5)))))
    return np.where(d > 0, 1.0 - ret_val, ret_val)


def np_black_scholes(S, X, T, R, V):
    sqrtT = np.sqrt(T)
    d1 = (np.log(S / X) + (R + 0.5 * V * V) * T) / (V * sqrtT)
    d2 = d1 - V * sqrtT
    cndd1, cndd2 = np_cnd(d1), np_cnd(d2)
    expRT = np.exp(-R * T)
    return S * cndd1 - X * expRT * cndd2, X * expRT * (1.0 - cndd2) - S * (1.0 - cndd1)


def np_check_neighbours(grid):
    g = (grid != 0).astype(np.int32)
    counts = np.zeros(grid.shape, dtype=np.int32)
    inner = counts[1:-1, 1:-1]
    n, m = grid.shape
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                inner += g[1 + di:n - 1 + di, 1 + dj:m - 1 + dj]
    return counts


def np_is_distance(a, b):
    r = a / b
    return float(np.sum(r - np.log(r) - 1.0))


def np_pairwise(X):
    diff = X[:, None, :] - X[None, :, :]
    return np.sqrt((diff * diff).sum(axis=-1))


def numpy_runner(case, inp):
    box = {}
    if case == "black_scholes":
        def run():
            box["r"] = np_black_scholes(inp["S"], inp["X"], inp["T"], RISKFREE, VOLATILITY)
    elif case == "check_neighbours":
        def run():
            box["r"] = np_check_neighbours(inp["grid"])
    elif case == "is_distance":
        def run():
            box["r"] = np_is_distance(inp["a"], inp["b"])
    else:
        def run():
            box["r"] = np_pairwise(inp["X"])
    return run, lambda: box["r"]


# ------------------------------------------------------------------ checking

def agree(got, want, exact):
    if isinstance(want, tuple):
        return all(agree(g, w, exact) for g, w in zip(got, want))
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape:
        return False
    return bool(np.array_equal(got, want) if exact else np.allclose(got, want, rtol=1e-9, atol=1e-12))


def best_time(run, min_total, min_reps=3, max_reps=200):
    times = []
    while len(times) < min_reps or (sum(times) < min_total and len(times) < max_reps):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_case(case, n, quick, dump_ir):
    """Runs `case` on every implementation: {impl: Outcome}."""
    inp = make_inputs(case, n)
    exact = case == "check_neighbours"
    cells, want = {}, None
    for impl in IMPLS:
        print(f"running {case} (n={n}) on {impl} ...", file=sys.stderr)
        if impl == "numpy":
            run, result = numpy_runner(case, inp)
        else:
            jit = jit_of(impl)
            if isinstance(jit, Outcome):
                cells[impl] = jit
                continue
            k = load_kernels(jit, f"{impl}_{case}", path=KERNELS)
            run, result = loop_runner(case, k, inp)
        try:
            run()  # the JITs compile here
        except Exception as exc:
            cells[impl] = Outcome(why=f"unsupported ({short(exc)})")
            continue
        got = result()
        if impl == "cpython":
            want = got
        elif not agree(got, want, exact):
            cells[impl] = Outcome(why=f"WRONG result on {case} (differs from the CPython loop)")
            continue
        slow = impl == "cpython"
        seconds = best_time(run, min_total=(0.3 if quick else 1.0) if slow else (0.2 if quick else 1.0),
                            min_reps=2 if slow else 5)
        cells[impl] = Outcome(seconds)
        if dump_ir and impl in ("numba", "jitprofile"):
            dump_llvm(k, case, impl, dump_ir)
    return cells


def dump_llvm(k, case, impl, folder):
    folder.mkdir(parents=True, exist_ok=True)
    names = {"black_scholes": ["black_scholes", "cnd"],
             "check_neighbours": ["check_neighbours", "alive_neighbours"]}.get(case, [case])
    for name in names:
        f = getattr(k, name)
        try:
            sig = f.signatures[0]
            text = f.inspect_llvm(sig)
        except Exception as exc:
            text = f"; inspect_llvm failed: {short(exc)}\n"
        (folder / f"{name}.{impl}.ll").write_text(text if isinstance(text, str) else str(text))


# ----------------------------------------------------- first-call latency

def bench_first_call(impl, case, processes):
    samples = []
    for _ in range(processes):
        proc = subprocess.run([sys.executable, str(HERE / "first_call_arrays.py"), impl, case],
                              capture_output=True, text=True, timeout=300)
        lines = proc.stdout.strip().splitlines()
        if proc.returncode != 0 or not lines:
            why = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            return Outcome(why=f"failed ({why})")
        sample = json.loads(lines[-1])
        if "error" in sample:
            return Outcome(why=f"unsupported ({sample['error']})")
        samples.append(sample["first_call_s"])
    return Outcome(statistics.median(samples))


# --------------------------------------------------------------------- table

TITLES = {"black_scholes": "Black-Scholes", "check_neighbours": "Check Neighbours",
          "is_distance": "IS Distance", "pairwise": "Pairwise distances"}
SEED = {"black_scholes": 2.2, "check_neighbours": 19.9, "is_distance": 5.4, "pairwise": 5.1}


def size_text(case, n):
    return {"black_scholes": f"N={n:,}", "check_neighbours": f"{n}x{n}",
            "is_distance": f"n={n:,}", "pairwise": f"({n}, 3)"}[case]


def fmt_ms(o):
    return o.why.split(" (")[0] if o.seconds is None else f"{o.seconds * 1e3:.3f} ms"


def ratio(a, b, fmt="{:.3g}"):
    if a.seconds is None or b.seconds is None or b.seconds == 0:
        return "-"
    return fmt.format(a.seconds / b.seconds)


def print_rows(head, body):
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    for r in [head, ["-" * w for w in widths]] + body:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))


def print_tables(results, first, info, processes):
    print(f"\nmachine: {info['cpu']}, {info['cores']} cores; {info['date']}; "
          f"Python {info['python']}, NumPy {info['numpy']}, "
          f"Numba {info['numba']}, jitprofile {info['jitprofile']}")
    print("\nhot loops (min of repeats); speedups are CPython-loop time / time")
    head = ["benchmark", "CPython", "NumPy", "Numba", "jitprofile", "jp/Numba",
            "jp speedup", "Numba speedup", "NumPy speedup", "seed (Numba)"]
    body = []
    for case, n, c in results:
        body.append([f"{TITLES[case]} {size_text(case, n)}",
                     fmt_ms(c["cpython"]), fmt_ms(c["numpy"]), fmt_ms(c["numba"]),
                     fmt_ms(c["jitprofile"]), ratio(c["jitprofile"], c["numba"]),
                     ratio(c["cpython"], c["jitprofile"], "{:.1f}x"),
                     ratio(c["cpython"], c["numba"], "{:.1f}x"),
                     ratio(c["cpython"], c["numpy"], "{:.1f}x"),
                     f"{SEED[case]}x"])
    print_rows(head, body)
    print("jp/Numba below 1: jitprofile faster.  'seed (Numba)' is the speedup over "
          "CPython the seed's table gives for Numba (its machine, its baseline)")
    print("\nthe same, as speedups over the vectorised NumPy version (NumPy time / time)")
    head = ["benchmark", "jitprofile", "Numba", "seed (Numba)"]
    body = [[f"{TITLES[case]} {size_text(case, n)}",
             ratio(c["numpy"], c["jitprofile"], "{:.2f}x"),
             ratio(c["numpy"], c["numba"], "{:.2f}x"), f"{SEED[case]}x"]
            for case, n, c in results]
    print_rows(head, body)
    if first:
        print(f"\nfirst call, fresh process (compile + run on a small input; median of {processes})")
        head = ["kernel", "Numba", "jitprofile", "jp/Numba"]
        body = [[TITLES[case], fmt_ms(f["numba"]), fmt_ms(f["jitprofile"]),
                 ratio(f["jitprofile"], f["numba"])] for case, f in first]
        print_rows(head, body)
    notes = sorted({f"{impl} on {TITLES[case]}: {o.why}"
                    for case, _, c in results for impl, o in c.items() if o.why} |
                   {f"first call, {impl} on {TITLES[case]}: {o.why}"
                    for case, f in first for impl, o in f.items() if o.why})
    for note in notes:
        print(f"  note: {note}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller inputs, fewer repeats")
    parser.add_argument("--cases", default=",".join(TITLES), help="comma-separated subset")
    parser.add_argument("--no-first-call", action="store_true", help="skip the fresh-process latency")
    parser.add_argument("--processes", type=int, default=3, help="fresh processes per first call")
    parser.add_argument("--json", type=pathlib.Path, help="also write results here")
    parser.add_argument("--dump-ir", type=pathlib.Path, help="write both JITs' LLVM IR here")
    args = parser.parse_args()
    cases = [c for c in args.cases.split(",") if c]
    n_of = sizes(args.quick)

    results = [(case, n_of[case], bench_case(case, n_of[case], args.quick, args.dump_ir))
               for case in cases]
    first = []
    if not args.no_first_call:
        for case in cases:
            f = {}
            for impl in ("numba", "jitprofile"):
                print(f"running first call of {case} on {impl} x{args.processes} ...", file=sys.stderr)
                f[impl] = bench_first_call(impl, case, args.processes)
            first.append((case, f))

    info = machine()
    print_tables(results, first, info, args.processes)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "machine": info,
            "hot": [{"case": case, "n": n, **{i: o.to_json() for i, o in c.items()}}
                    for case, n, c in results],
            "first_call": [{"case": case, **{i: o.to_json() for i, o in f.items()}}
                           for case, f in first]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
