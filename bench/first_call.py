"""bench/first_call.py IMPL - owns one fresh-process probe: for IMPL
(cpython, numba or jitprofile) it times, in this new process, the import of
the package, the loading (decorating) of the Mandelbrot kernels, and the
first call of `mandel` (compile + run), and prints them as one JSON line.
bench_scalar.py runs it several times and takes medians.
"""
import json
import pathlib
import sys
import time

IMPL = sys.argv[1]
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "examples"))


def main():
    out = {"impl": IMPL}
    try:
        t0 = time.perf_counter()
        if IMPL == "cpython":
            jit = None
        elif IMPL == "numba":
            import numba
            jit = numba.njit
        elif IMPL == "jitprofile":
            from jitprofile import njit
            jit = njit
        else:
            raise SystemExit(f"unknown implementation {IMPL!r}")
        t1 = time.perf_counter()
        from jitload import load_kernels
        t2 = time.perf_counter()
        kernels = load_kernels(jit, IMPL)
        t3 = time.perf_counter()
        result = kernels.mandel(-0.5, 0.5, 20)
        t4 = time.perf_counter()
    except Exception as exc:  # reported, not raised: the table says why
        out["error"] = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    else:
        out.update(import_s=t1 - t0, define_s=t3 - t2, first_call_s=t4 - t3,
                   result=result)
    print(json.dumps(out))


main()
