"""Overhead of argument recording (issue 5): sampled vs exact vs cProfile.

    python bench/bench_argrecord.py [--repeat N] [--quick] [--json FILE]

Each workload runs in this process, interleaved, N times per configuration;
the minimum wall time is kept (the machine is shared: the minimum is the
least disturbed run).  Configurations:

- none:      the workload alone
- sampler:   jitprofile.Profile(args=None): sampling only, 1000 Hz
- sampled:   jitprofile.Profile() (args="sampled", the default): sampling and
             recording the hot functions' calls (first 32, then every 16th)
- exact:     jitprofile.Profile(args="exact"): every call of every function
- exact hook: the exact-mode C hook alone, without the sampler: the
             like-for-like comparison with cProfile
- cProfile:  the standard library's deterministic profiler

Workloads: Mandelbrot 600x400 (240,000 calls of a ~4 us function from a
loop), tiny calls (3,000,000 calls of a one-line function: the worst case
for any per-call hook), NumPy-heavy (few calls, the time in C).
"""
import argparse
import cProfile
import json
import math
import sys
import time

import numpy as np

sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), "..",
                                               "examples"))
import mandelbrot_plain  # noqa: E402

import jitprofile  # noqa: E402


def add(x, y):
    return x + y


def tiny_calls(n=3_000_000):
    s = 0.0
    for i in range(n):
        s = add(s, 1.5)
    return s


def mandel_image(w=600, h=400):
    img = np.zeros((h, w), np.uint8)
    mandelbrot_plain.create_fractal(-2.0, 1.0, -1.0, 1.0, img, 20)
    return img


_rng = np.random.default_rng(0)
_A = _rng.random(1_500_000)
_M = _rng.random((300, 300))


def numpy_heavy():
    t = 0.0
    for _ in range(6):
        t += float(np.sort(_A)[0]) + float(np.exp(_A).sum()) + float((_M @ _M).trace())
    return t + math.pi


WORKLOADS = {"Mandelbrot (pure Python)": mandel_image, "tiny calls": tiny_calls,
             "NumPy-heavy": numpy_heavy}


def run(config, work):
    t0 = time.perf_counter()
    if config == "none":
        work()
    elif config == "exact hook":
        rec = jitprofile._core.ArgRecorder()
        rec.start(exact=True)
        work()
        rec.stop()
    elif config == "cProfile":
        pr = cProfile.Profile()
        pr.enable()
        work()
        pr.disable()
    else:
        mode = {"sampler": None, "sampled": "sampled", "exact": "exact"}[config]
        with jitprofile.Profile(args=mode):
            work()
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    repeat = 2 if a.quick else a.repeat
    configs = ["none", "sampler", "sampled", "exact", "exact hook", "cProfile"]
    results = {}
    for name, work in WORKLOADS.items():
        work()                                      # warm caches
        times = {c: [] for c in configs}
        for _ in range(repeat):
            for c in configs:
                times[c].append(run(c, work))
        best = {c: min(v) for c, v in times.items()}
        results[name] = best
        base = best["none"]
        cells = "  ".join(f"{c} {best[c] * 1e3:8.1f} ms ({100 * (best[c] / base - 1):+6.1f}%)"
                          for c in configs)
        print(f"{name:<26} {cells}", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"python": sys.version.split()[0], "repeat": repeat, "results": results},
                      f, indent=1)


if __name__ == "__main__":
    main()
