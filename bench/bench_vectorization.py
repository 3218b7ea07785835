"""bench/bench_vectorization.py - owns the vectorization-report benchmark
(issue 20):

1. the compile-time cost of capturing the vectorizers' remarks: the first
   calls of 12 loop kernels (the shapes of tests/python/
   test_jit_vectorization_report.py, each compiled as a fresh notebook-cell
   function), in fresh processes with remarks on and off
   (JITPROFILE_VEC_REMARKS=0), alternated, median of --repeat each;
2. for each fixable reason, the speedup of the advice on the same data, side
   by side in one process: as written, as advised, and Numba with the same
   change (its own fastmath/boundscheck flags, the same contiguous or
   float32 data).

    .venv-bench/bin/python bench/bench_vectorization.py [--repeat 5] [--n 1000000]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

KERNELS = '''
import math
def k_axpy(a, x, y, out):
    for i in range(x.shape[0]):
        out[i] = a * x[i] + y[i]
def k_sum(x):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i]
    return acc
def k_prefix(x, out):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i]
        out[i] = acc
def k_running(a):
    for i in range(1, a.shape[0]):
        a[i] = a[i - 1] + a[i]
def k_sin(x, out):
    for i in range(x.shape[0]):
        out[i] = math.sin(x[i])
def k_every_other(x, out):
    for i in range(out.shape[0]):
        out[i] = x[2 * i] * 2.0
def k_add(a, b, out):
    for i in range(a.shape[0]):
        out[i] = a[i] + b[i]
def k_scatter(idx, x, out):
    for i in range(x.shape[0]):
        out[idx[i]] += x[i]
def k_mod(x, m, out):
    for i in range(x.shape[0]):
        out[i] = x[i] % m
def k_cond(x, out):
    for i in range(x.shape[0]):
        if x[i] > 0.5:
            out[i] = x[i]
def k_dot(x, y):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i] * y[i]
    return acc
def k_stencil(x, out):
    for i in range(1, x.shape[0] - 1):
        out[i] = 0.25 * x[i - 1] + 0.5 * x[i] + 0.25 * x[i + 1]
'''

PROBE = r'''
import json, linecache, sys, time
import numpy as np
from jitprofile import njit
src = sys.argv[1]
name = "<cell-bench>"
linecache.cache[name] = (len(src), None, src.splitlines(True), name)
x = np.random.rand(64); y = np.random.rand(64); out = np.empty(64)
xi = np.arange(-32, 32); idx = np.arange(64)
calls = {
    "k_axpy": (2.0, x, y, out), "k_sum": (x,), "k_prefix": (x, out), "k_running": (out,),
    "k_sin": (x, out), "k_every_other": (x, out[:32]), "k_add": (x, y, out),
    "k_scatter": (idx, x, out), "k_mod": (xi, 7, xi.copy()), "k_cond": (x, out),
    "k_dot": (x, y), "k_stencil": (x, out),
}
t0 = time.process_time()        # CPU time: the machine may be shared
ns = {}
exec(compile(src, name, "exec"), ns)
for k, args in calls.items():
    njit(ns[k])(*args)
print(json.dumps({"seconds": time.process_time() - t0}))
'''


def compile_cost(repeat: int) -> dict:
    import json
    res = {"on": [], "off": []}
    for _ in range(repeat):
        for mode in ("on", "off"):
            env = dict(os.environ, JITPROFILE_VEC_REMARKS="1" if mode == "on" else "0")
            r = subprocess.run([sys.executable, "-c", PROBE, KERNELS], env=env,
                               capture_output=True, text=True, timeout=300)
            if r.returncode:
                raise SystemExit(r.stderr)
            res[mode].append(json.loads(r.stdout)["seconds"])
    return {k: statistics.median(v) for k, v in res.items()}


def best(fn, args, repeat):
    t = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args)
        t.append(time.perf_counter() - t0)
    return min(t)


def advice_speedups(n: int, repeat: int) -> list:
    import linecache
    import numpy as np
    import jitprofile
    try:
        import numba
    except ImportError:
        numba = None
    name = "<cell-advice>"
    linecache.cache[name] = (len(KERNELS), None, KERNELS.splitlines(True), name)
    ns = {}
    exec(compile(KERNELS, name, "exec"), ns)
    rng = np.random.default_rng(0)
    x, y = rng.random(n), rng.random(n)
    xs = rng.random(2 * n)[::2]                 # strided view
    out = np.empty(n)

    def make(lib, f, **o):
        return lib.njit(**o)(f) if lib is not None else None

    rows = []
    cases = [
        ("float sum: fastmath=True", ns["k_sum"], (x,), {}, {"fastmath": True}, None),
        ("dot: fastmath=True", ns["k_dot"], (x, y), {}, {"fastmath": True}, None),
        ("axpy: boundscheck off", ns["k_axpy"], (2.0, x, y, out), {"boundscheck": True},
         {"boundscheck": False}, None),
        ("axpy, strided x: np.ascontiguousarray(x) before the call", ns["k_axpy"],
         (2.0, xs, y, out), {}, {}, "contiguous"),
        ("axpy: float32 data", ns["k_axpy"], (2.0, x, y, out), {}, {}, "float32"),
        ("dot: float32 data + fastmath", ns["k_dot"], (x, y), {}, {"fastmath": True}, "float32"),
    ]
    for label, f, args, before, after, data in cases:
        r = {"case": label}
        for lib, tag in ((jitprofile, "jp"), (numba, "nb")):
            if lib is None:
                r[tag] = None
                continue
            f0, f1 = make(lib, f, **before), make(lib, f, **after, **{
                k: v for k, v in before.items() if k not in after})
            a1 = args
            if data == "contiguous":
                a1 = tuple(np.ascontiguousarray(a) if isinstance(a, np.ndarray) else a
                           for a in args)

                def f1c(*a, _f=f1):
                    return _f(*[np.ascontiguousarray(v) if isinstance(v, np.ndarray) else v
                                for v in a])
                f1(*a1)
                f0(*args)
                r[tag] = (best(f0, args, repeat), best(f1c, args, repeat))
                continue
            if data == "float32":
                a1 = tuple(a.astype(np.float32) if isinstance(a, np.ndarray) else a for a in args)
            f0(*args)
            f1(*a1)
            r[tag] = (best(f0, args, repeat), best(f1, a1, repeat))
        if r.get("jp"):
            v = jitprofile.njit(**before)(f)
            v(*args)
            rows_ = v.inspect_vectorization()
            r["state"] = rows_[0].state if rows_ else "-"
        rows.append(r)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--n", type=int, default=1_000_000)
    a = ap.parse_args()
    cc = compile_cost(a.repeat)
    print(f"compile (12 loop kernels, first calls, CPU time, fresh process, median of {a.repeat}): "
          f"remarks on {cc['on'] * 1e3:.1f} ms, off {cc['off'] * 1e3:.1f} ms, "
          f"ratio {cc['on'] / cc['off']:.3f}")
    print()
    print(f"| case (n = {a.n}) | as written | as advised | speedup | Numba as written | "
          f"Numba advised | Numba speedup |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in advice_speedups(a.n, a.repeat):
        jp, nb = r["jp"], r["nb"]
        nbs = (f"{nb[0] * 1e3:.3f} ms | {nb[1] * 1e3:.3f} ms | {nb[0] / nb[1]:.2f}x"
               if nb else "- | - | -")
        print(f"| {r['case']} | {jp[0] * 1e3:.3f} ms | {jp[1] * 1e3:.3f} ms | "
              f"{jp[0] / jp[1]:.2f}x | {nbs} |")
        print(f"|   (jitprofile's report as written: {r.get('state', '-')}) | | | | | | |")


if __name__ == "__main__":
    main()
