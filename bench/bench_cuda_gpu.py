"""jitprofile.cuda against numba-cuda on the same GPU, side by side in one
process (issue 17): kernel time of the suite's kernels, launch overhead of
an empty kernel, and first-call compile+load time (fresh processes).

Needs an NVIDIA GPU and numba-cuda; without either it says which is
missing and exits with status 2 (no GPU) or 3 (no numba-cuda), measuring
nothing.  tests/gpu/run_on_device.sh runs it on the device machine:
    python bench/bench_cuda_gpu.py [--json out.json] [--quick]

Method: the same Python source is compiled by both (the suite's kernels in
tests/python/cuda_kernels.py, loaded with `cuda` bound to jitprofile.cuda or
numba.cuda); inputs live on
the device; each timing is the wall clock of launch + synchronize, the
median of R runs after 2 warm-ups (the kernels are sized so a run is
well past launch overhead).  Launch overhead: N back-to-back launches of
an empty kernel then one synchronize (asynchronous), and launch +
synchronize each (synchronous), per launch.  First call: in a fresh
process, (first launch + synchronize) - (second launch + synchronize), the
median of 3 processes: compile, load and argument typing of a new kernel.
Targets (issue 17): kernel time <= numba-cuda's, launch overhead <=,
compile+load >= 5x faster.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "python"))


def load(which):
    """(cuda module, namespace with the suite's kernels as plain functions):
    tests/python/cuda_kernels.py, the kernels tests/python/test_cuda_gpu.py
    checks against NumPy, bound to jitprofile.cuda or numba.cuda."""
    import cuda_kernels
    if which == "numba":
        from numba import cuda, float32, float64
        return cuda, vars(cuda_kernels.load(cuda, float32, float64, "cuda_kernels_numba"))
    return cuda_kernels.cuda, vars(cuda_kernels)


def cases(np, quick):
    """(name, kernel, blocks, threads, host arguments builder)."""
    n = 1 << (20 if quick else 24)
    rng = np.random.default_rng(0)
    x = rng.random(n) + 0.1
    y = rng.random(n)
    xf = x.astype(np.float32)
    a2 = rng.random((2048, 2048) if quick else (4096, 4096)).astype(np.float32)
    vals = rng.integers(0, 1 << 20, n).astype(np.int64)
    h, w = (512, 768) if quick else (1536, 2048)
    nm = n // 4
    return [
        ("axpy f64", "k_axpy", (n + 255) // 256, 256, lambda: (2.0, x, y, np.empty(n))),
        ("mandelbrot 200 iters (device function)", "k_mandel", ((w + 15) // 16, (h + 15) // 16), (16, 16),
         lambda: (np.zeros((h, w), np.uint8), 200)),
        ("block sum (shared, syncthreads)", "k_block_sum", (n + 127) // 128, 128,
         lambda: (x, np.empty((n + 127) // 128))),
        ("transpose f32 (shared tile)", "k_transpose", (a2.shape[1] // 16, a2.shape[0] // 16), (16, 16),
         lambda: (a2, np.empty(a2.T.shape, np.float32))),
        ("local array", "k_local", (n + 255) // 256, 256, lambda: (xf, np.empty(n, np.float32))),
        ("histogram (atomics, grid stride)", "k_histogram", 1024, 256, lambda: (vals, np.zeros(256, np.int64))),
        ("libdevice math f64 (16 functions)", "k_math64", (nm + 255) // 256, 256, lambda: (x[:nm].copy(), np.empty((16, nm)))),
    ]


def timed(fn, repeat):
    for _ in range(2):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def kernel_times(which, np, quick, repeat):
    cuda, ns = load(which)
    res = {}
    for name, kname, blocks, threads, make in cases(np, quick):
        k = cuda.jit(ns[kname])
        args = tuple(cuda.to_device(a) if isinstance(a, np.ndarray) else a for a in make())

        def run():
            k[blocks, threads](*args)
            cuda.synchronize()
        res[name] = timed(run, repeat)
    return res


def launch_overhead(which, n_launch):
    cuda, ns = load(which)
    k = cuda.jit(ns["k_empty"])
    k[1, 1]()
    cuda.synchronize()
    t = time.perf_counter()
    for _ in range(n_launch):
        k[1, 1]()
    cuda.synchronize()
    asynchronous = (time.perf_counter() - t) / n_launch
    t = time.perf_counter()
    for _ in range(n_launch // 4):
        k[1, 1]()
        cuda.synchronize()
    synchronous = (time.perf_counter() - t) / (n_launch // 4)
    import numpy as np
    ax = cuda.jit(ns["k_axpy"])
    d = [cuda.to_device(np.ones(1024)) for _ in range(3)]
    ax[4, 256](2.0, *d)
    cuda.synchronize()
    t = time.perf_counter()
    for _ in range(n_launch):
        ax[4, 256](2.0, *d)
    cuda.synchronize()
    with_args = (time.perf_counter() - t) / n_launch
    return {"empty kernel, async": asynchronous, "empty kernel, launch+sync": synchronous,
            "axpy 1024 (4 args), async": with_args}


CHILD = r'''
import json, sys, time
sys.path.insert(0, sys.argv[2])
import bench_cuda_gpu as b
import numpy as np
which = sys.argv[1]
t0 = time.perf_counter()
cuda, ns = b.load(which)
t1 = time.perf_counter()
x = cuda.to_device(np.ones(4096)); y = cuda.to_device(np.ones(4096)); out = cuda.device_array(4096)
img = cuda.device_array((64, 64), np.uint8)
res = {"import": t1 - t0}
for name, kname, args, blocks, threads in [("axpy", "k_axpy", (2.0, x, y, out), 16, 256),
                                            ("mandelbrot", "k_mandel", (img, 50), (4, 4), (16, 16))]:
    k = cuda.jit(ns[kname])
    t = time.perf_counter(); k[blocks, threads](*args); cuda.synchronize(); first = time.perf_counter() - t
    t = time.perf_counter(); k[blocks, threads](*args); cuda.synchronize(); second = time.perf_counter() - t
    res[name] = first - second
print(json.dumps(res))
'''


def first_call(which, repeat=3):
    here = os.path.dirname(os.path.abspath(__file__))
    runs = []
    for _ in range(repeat):
        r = subprocess.run([sys.executable, "-c", CHILD, which, here], capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"{which} first-call child failed:\n{r.stderr[-3000:]}")
        runs.append(json.loads(r.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(run[k] for run in runs) for k in runs[0]}


def fmt(s):
    return f"{s * 1e6:.1f} us" if s < 1e-3 else f"{s * 1e3:.3f} ms"


def table(title, jp, nb, better_if="lower"):
    print(f"\n{title}\n")
    print("| case | jitprofile | numba-cuda | jp/numba |")
    print("|---|---:|---:|---:|")
    for k in jp:
        print(f"| {k} | {fmt(jp[k])} | {fmt(nb[k])} | {jp[k] / nb[k]:.3f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", help="write the raw figures here")
    ap.add_argument("--quick", action="store_true", help="smaller inputs, fewer repeats")
    args = ap.parse_args()
    import numpy as np
    from jitprofile import cuda as jcuda
    if not jcuda.is_available():
        import jitprofile
        print(f"bench_cuda_gpu: no GPU here ({jitprofile._core.cuda_available()[1]}): nothing measured")
        return 2
    try:
        from numba import cuda as ncuda
        if not ncuda.is_available():
            raise ImportError("numba.cuda.is_available() is False")
    except Exception as e:      # ImportError, or numba-cuda failing to find its CUDA
        print(f"bench_cuda_gpu: numba-cuda is not usable here ({e}): nothing measured "
              "(install numba-cuda in the benchmark environment)")
        return 3
    import jitprofile
    gpu, cc = jitprofile._core.cuda_device()
    repeat = 5 if args.quick else 20
    print(f"bench_cuda_gpu: {gpu} (sm_{cc}), numba-cuda {getattr(sys.modules.get('numba_cuda'), '__version__', '?')}, "
          f"Python {sys.version.split()[0]}")
    first_jp, first_nb = first_call("jitprofile"), first_call("numba")
    kt_jp = kernel_times("jitprofile", np, args.quick, repeat)
    kt_nb = kernel_times("numba", np, args.quick, repeat)
    n_launch = 2000 if args.quick else 10000
    lo_jp, lo_nb = launch_overhead("jitprofile", n_launch), launch_overhead("numba", n_launch)
    table("Kernel time (launch + synchronize, median)", kt_jp, kt_nb)
    table("Launch overhead, per launch", lo_jp, lo_nb)
    table("First call: compile + load (fresh process, median of 3)", first_jp, first_nb)
    verdict = {
        "kernel time <= numba-cuda": all(kt_jp[k] <= kt_nb[k] * 1.02 for k in kt_jp),
        "launch overhead <= numba-cuda": lo_jp["empty kernel, async"] <= lo_nb["empty kernel, async"],
        "compile+load >= 5x faster": all(first_nb[k] >= 5 * first_jp[k] for k in ("axpy", "mandelbrot")),
    }
    print("\nTargets (issue 17): " + "; ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in verdict.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"gpu": gpu, "cc": cc, "kernel_time": [kt_jp, kt_nb], "launch": [lo_jp, lo_nb],
                       "first_call": [first_jp, first_nb], "targets": verdict}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
