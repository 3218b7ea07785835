"""bench/bench_dispatch_call.py - the dispatcher's per-call cost: best-of-7 of
200k calls of a jitted add(1, 2) and of first(x) on a float64 array, in ns.
Compare two builds in alternating processes, e.g.
    PYTHONPATH=<old build> .venv/bin/python bench/bench_dispatch_call.py
    .venv/bin/python bench/bench_dispatch_call.py"""
import sys, timeit, numpy as np, jitprofile
from jitprofile import njit
@njit
def add(a, b): return a + b
@njit
def first(x): return x[0]
x = np.ones(8)
add(1, 2); first(x)
r1 = min(timeit.repeat(lambda: add(1, 2), number=200000, repeat=7)) / 200000
r2 = min(timeit.repeat(lambda: first(x), number=200000, repeat=7)) / 200000
print(f"{r1*1e9:.1f} {r2*1e9:.1f}")
