"""bench/bench_issue7.py - owns the issue-7 benchmark: jitprofile vs Numba, side by
side in one run, on the seed's parallel examples:

  rel_diff     @vectorize(['float64(float64, float64)'], target=cpu|parallel)
               2 * (x - y) / (x + y) over N float64 elements (seed: 10^8;
               556 ms serial vs 272 ms parallel on 2 cores), written into a
               preallocated out= array; jitprofile's signature-less
               @vectorize(target='parallel') as an extra row.
  sin_sum      a compute-bound companion (20 math.sin per element, n/100
               elements), cpu vs parallel: the speedup where memory
               bandwidth does not cap it.
  set_x        the seed's AoS vs SoA example: multiply every point's x by k,
               in a record array of (x, y, z) points (AoS, an njit loop over
               points[i].x) and in a jitclass holding three arrays (SoA,
               a set_x method).
  sum_sq       a prange reduction: sum of a[i] * a[i] with parallel=True vs the
               same loop with range (serial), and NumPy's dot as a reference.

Results are checked to agree between the JITs (and NumPy) before timing.
Times are the minimum (and median) over repeats, in ms.  Both JITs use the
same number of threads (--threads, default: all online CPUs).  The machine
is reported (lscpu model name, CPUs, date) with the load average before and
after the run, since a shared machine distorts parallel speedups.

Numba's threading layer matters on a loaded machine (its OpenMP layer spins):
the layer used is printed; NUMBA_THREADING_LAYER=workqueue selects Numba's own.
Run it in .venv-bench (bench/setup_bench.sh):
    .venv-bench/bin/python bench/bench_issue7.py [--n 100000000] [--quick] [--json F]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np


def machine():
    model = "?"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return {"cpu": model, "cpus": os.cpu_count(), "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "loadavg": os.getloadavg()}


def timeit(fn, repeat):
    """(min ms, median ms, CPU/wall): CPU time of the whole process over wall time, all
    repeats together: about the number of threads that really ran at once (1.0 for a
    serial loop; below the thread count when other jobs take the cores)."""
    ts = []
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    cpu = (time.process_time() - c0) / max(time.perf_counter() - w0, 1e-9)
    return min(ts), statistics.median(ts), cpu


def capacity(jitprofile, threads):
    """CPU/wall of `threads` Python threads each running a nogil jitted spin (~0.3 s):
    how many cores this process really gets right now (2.0 on an idle 2-core box)."""
    import threading

    def spin(n):
        x = 0.0
        for i in range(n):
            x = x * 0.999999 + 1.0
        return x
    f = jitprofile.njit(nogil=True)(spin)
    f(10)
    ts = [threading.Thread(target=f, args=(100_000_000,)) for _ in range(threads)]
    c0, w0 = time.process_time(), time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return (time.process_time() - c0) / (time.perf_counter() - w0)


# ------------------------------------------------------------------ kernels per JIT

def build(jit):
    """The benchmark kernels compiled by one JIT module (numba or jitprofile)."""
    k = {}

    def rel_diff(x, y):
        return 2 * (x - y) / (x + y)

    sig = ["float64(float64, float64)"]
    k["rel_diff_cpu"] = jit.vectorize(sig, target="cpu")(rel_diff)
    k["rel_diff_par"] = jit.vectorize(sig, target="parallel")(rel_diff)
    import math

    def sin_sum(x, y):
        # compute-bound companion of rel_diff (20 sin per element): shows the pool's
        # speedup where memory bandwidth does not cap it
        s = 0.0
        for k in range(20):
            s += math.sin(x + k * y)
        return s

    k["sin_sum_cpu"] = jit.vectorize(sig, target="cpu")(sin_sum)
    k["sin_sum_par"] = jit.vectorize(sig, target="parallel")(sin_sum)
    if jit.__name__ == "jitprofile":
        # beyond Numba: parallel vectorize without signatures (compiled on first call)
        k["rel_diff_par_lazy"] = jit.vectorize(target="parallel")(rel_diff)

    def set_x_aos(points, factor):
        for i in range(points.shape[0]):
            points[i].x = points[i].x * factor
    k["set_x_aos"] = jit.njit(set_x_aos)

    spec = [("x", jit.float64[:]), ("y", jit.float64[:]), ("z", jit.float64[:])]

    class PointsSoA:
        def __init__(self, x, y, z):
            self.x = x
            self.y = y
            self.z = z

        def set_x(self, factor):
            for i in range(self.x.shape[0]):
                self.x[i] = self.x[i] * factor

    jitclass = jit.experimental.jitclass
    k["PointsSoA"] = jitclass(spec)(PointsSoA)

    def sum_sq_serial(a):
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i] * a[i]
        return s

    prange = jit.prange

    def sum_sq_par(a):
        s = 0.0
        for i in prange(a.shape[0]):
            s += a[i] * a[i]
        return s

    k["sum_sq_serial"] = jit.njit(sum_sq_serial)
    k["sum_sq_par"] = jit.njit(parallel=True)(sum_sq_par)
    return k


POINT = np.dtype([("x", np.float64), ("y", np.float64), ("z", np.float64)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000_000, help="rel_diff elements")
    ap.add_argument("--points", type=int, default=10_000_000, help="set_x points")
    ap.add_argument("--nsum", type=int, default=100_000_000, help="sum_sq elements")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--quick", action="store_true", help="10^6-element sizes, 3 repeats")
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.quick:
        args.n, args.points, args.nsum, args.repeat = 1_000_000, 200_000, 1_000_000, 3

    import numba
    import numba.experimental  # noqa: F401
    import jitprofile
    import jitprofile.experimental  # noqa: F401
    numba.set_num_threads(args.threads)
    jitprofile.set_num_threads(args.threads)
    jits = {"numba": numba, "jitprofile": jitprofile}

    info = machine()
    info.update(numba=numba.__version__, numpy=np.__version__, jitprofile=jitprofile.__version__,
                threads=args.threads, cmd=" ".join([os.path.basename(sys.executable)] + sys.argv))
    info["capacity_before"] = capacity(jitprofile, args.threads)
    print(f"# {info['cpu']}, {info['cpus']} CPUs, {info['date']}, load {info['loadavg']}, "
          f"threads {args.threads}; cores this process gets (CPU/wall of {args.threads} "
          f"nogil spinning threads): {info['capacity_before']:.2f}", flush=True)

    t0 = time.perf_counter()
    kernels = {name: build(mod) for name, mod in jits.items()}
    rows = []

    def row(bench, variant, jit, ms, ref=None):
        r = {"bench": bench, "variant": variant, "jit": jit, "min_ms": ms[0], "median_ms": ms[1],
             "cpu_per_wall": ms[2]}
        rows.append(r)
        print(f"{bench:9s} {variant:32s} {jit:10s} {ms[0]:9.1f} {ms[1]:9.1f}  cpu/wall {ms[2]:.2f}",
              flush=True)

    # ---------------------------------------------------------------- rel_diff
    rng = np.random.default_rng(0)
    x = rng.random(args.n) + 0.5
    y = rng.random(args.n) + 0.5
    outs = {name: np.empty(args.n) for name in jits}
    ref = np.empty(args.n)
    np.subtract(x, y, out=ref)
    ref *= 2
    ref /= x + y                               # NumPy reference, agreement check
    for name, k in kernels.items():
        for v in [v for v in ("rel_diff_cpu", "rel_diff_par", "rel_diff_par_lazy") if v in k]:
            f = k[v]
            outs[name].fill(np.nan)
            f(x, y, out=outs[name])
            assert np.array_equal(outs[name], ref), (name, v)
            ms = timeit(lambda: f(x, y, out=outs[name]), args.repeat)
            label = {"rel_diff_cpu": "target cpu", "rel_diff_par": "target parallel",
                     "rel_diff_par_lazy": "target parallel, no signatures"}[v]
            row("rel_diff", label, name, ms)
    ms = timeit(lambda: np.divide(np.multiply(np.subtract(x, y, out=outs["numba"]), 2,
                                              out=outs["numba"]), np.add(x, y, out=ref),
                                  out=outs["numba"]), args.repeat)
    row("rel_diff", "NumPy expression (reference)", "numpy", ms)
    # compute-bound companion on n/100 elements
    m = max(args.n // 100, 1000)
    xs, ys = x[:m], y[:m]
    souts = {name: np.empty(m) for name in jits}
    for name, k in kernels.items():
        for v in ("sin_sum_cpu", "sin_sum_par"):
            f = k[v]
            f(xs, ys, out=souts[name])
            ms = timeit(lambda: f(xs, ys, out=souts[name]), args.repeat)
            row("sin_sum", "target cpu" if v.endswith("cpu") else "target parallel", name, ms)
    assert np.allclose(souts["numba"], souts["jitprofile"], rtol=1e-13, atol=1e-13)
    del x, y, outs, ref, xs, ys, souts
    info["numba_threading_layer"] = numba.threading_layer()
    print(f"# numba threading layer: {info['numba_threading_layer']} "
          "(set NUMBA_THREADING_LAYER=workqueue|omp|tbb to choose)", flush=True)

    # ---------------------------------------------------------------- set_x AoS vs SoA
    rng = np.random.default_rng(1)
    base = rng.random((3, args.points))
    factor = 1.0000001
    results = {}
    for name, k in kernels.items():
        aos = np.zeros(args.points, dtype=POINT)
        aos["x"], aos["y"], aos["z"] = base
        soa = k["PointsSoA"](base[0].copy(), base[1].copy(), base[2].copy())
        k["set_x_aos"](aos, factor)             # compile + one step
        soa.set_x(factor)
        ms_aos = timeit(lambda: k["set_x_aos"](aos, factor), args.repeat)
        ms_soa = timeit(lambda: soa.set_x(factor), args.repeat)
        row("set_x", "AoS (record array)", name, ms_aos)
        row("set_x", "SoA (jitclass of arrays)", name, ms_soa)
        results[name] = (aos["x"].copy(), soa.x.copy())
        assert np.array_equal(results[name][0], results[name][1]), name
    assert np.array_equal(results["numba"][0], results["jitprofile"][0])
    del results, base

    # ---------------------------------------------------------------- prange reduction
    a = np.random.default_rng(2).random(args.nsum)
    expect = float(np.dot(a, a))
    for name, k in kernels.items():
        for v in ("sum_sq_serial", "sum_sq_par"):
            got = k[v](a)
            assert abs(got - expect) <= 1e-9 * expect, (name, v, got, expect)
            ms = timeit(lambda: k[v](a), args.repeat)
            row("sum_sq", "range (serial)" if v.endswith("serial") else "prange parallel=True",
                name, ms)
    row("sum_sq", "np.dot(a, a) (reference)", "numpy", timeit(lambda: np.dot(a, a), args.repeat))

    info["loadavg_after"] = os.getloadavg()
    info["capacity_after"] = capacity(jitprofile, args.threads)
    info["wall_s"] = round(time.perf_counter() - t0, 1)
    print(f"# load after {info['loadavg_after']}, cores this process gets "
          f"{info['capacity_after']:.2f}, {info['wall_s']} s", flush=True)

    # ---------------------------------------------------------------- table
    def get(bench, variant, jit, field="min_ms"):
        for r in rows:
            if r["bench"] == bench and r["variant"] == variant and r["jit"] == jit:
                return r[field]
        return None

    print()
    print("| benchmark | variant | Numba ms | jitprofile ms | jp/Numba | CPU/wall Numba, jp |")
    print("|---|---|---:|---:|---:|---:|")
    seen = []
    for r in rows:
        key = (r["bench"], r["variant"])
        if key in seen:
            continue
        seen.append(key)
        nb, jp, npy = get(*key, "numba"), get(*key, "jitprofile"), get(*key, "numpy")
        if npy is not None:
            print(f"| {key[0]} | {key[1]} | {npy:.1f} (NumPy) | | |")
            continue
        ratio = f"{jp / nb:.2f}" if nb and jp else ""
        cw = get(*key, "numba", "cpu_per_wall"), get(*key, "jitprofile", "cpu_per_wall")
        cws = ", ".join("-" if c is None else f"{c:.2f}" for c in cw)
        print(f"| {key[0]} | {key[1]} | {nb:.1f} | {jp:.1f} | {ratio} | {cws} |" if nb is not None
              else f"| {key[0]} | {key[1]} | - | {jp:.1f} | | {cws} |")
    print()
    for name in jits:
        s, p = get("rel_diff", "target cpu", name), get("rel_diff", "target parallel", name)
        a_, b_ = get("sum_sq", "range (serial)", name), get("sum_sq", "prange parallel=True", name)
        c_, d_ = get("sin_sum", "target cpu", name), get("sin_sum", "target parallel", name)
        print(f"{name}: parallel/serial speedup: rel_diff {s / p:.2f}x, sin_sum {c_ / d_:.2f}x, "
              f"sum_sq prange {a_ / b_:.2f}x")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": info, "rows": rows}, fh, indent=1)


if __name__ == "__main__":
    main()
