"""bench/first_call_arrays.py IMPL CASE - owns one fresh-process probe for
bench_arrays.py: imports IMPL's jit (numba or jitprofile), loads
bench/kernels_arrays.py under it, and times the first call of kernel CASE
(compile, callees included, + a run on a small input), printing one JSON
line.  bench_arrays.py runs it several times and takes the median.
"""
import json
import pathlib
import sys
import time

IMPL, CASE = sys.argv[1], sys.argv[2]
HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
sys.path.insert(0, str(HERE))


def main():
    out = {"impl": IMPL, "case": CASE}
    try:
        if IMPL == "numba":
            import numba
            jit = numba.njit
        elif IMPL == "jitprofile":
            from jitprofile import njit
            jit = njit
        else:
            raise SystemExit(f"unknown implementation {IMPL!r}")
        import numpy as np
        from jitload import load_kernels
        from bench_arrays import RISKFREE, VOLATILITY, make_inputs
        k = load_kernels(jit, IMPL, path=HERE / "kernels_arrays.py")
        n = {"black_scholes": 100, "check_neighbours": 10, "is_distance": 100, "pairwise": 10}[CASE]
        inp = make_inputs(CASE, n)
        if CASE == "black_scholes":
            call, put = np.zeros(n), np.zeros(n)
            args = (call, put, inp["S"], inp["X"], inp["T"], RISKFREE, VOLATILITY)
        elif CASE == "check_neighbours":
            args = (inp["grid"], np.zeros((n, n), dtype=np.int32))
        elif CASE == "is_distance":
            args = (inp["a"], inp["b"])
        else:
            args = (inp["X"],)
        func = getattr(k, CASE)
        t0 = time.perf_counter()
        func(*args)
        t1 = time.perf_counter()
    except Exception as exc:  # reported, not raised: the table says why
        text = str(exc).strip()
        out["error"] = f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"
    else:
        out["first_call_s"] = t1 - t0
    print(json.dumps(out))


main()
