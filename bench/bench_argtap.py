"""Issue 20: what recording the arguments of jitted functions costs a call
(the dispatcher's tap, profiler/argtap.c).  Per-call time of a tiny jitted
function, side by side in one process, best of 7 rounds:

  off        no recorder (the tap slot is NULL: one load and a branch)
  on         a recorder started with jitted=True, no window open (sampled
             mode between windows: the tap returns at once)
  window     a sampled-mode window open (the first 32 calls recorded, then
             every 16th; a dictionary look-up for the rest)
  exact      exact mode: every call recorded (the signature, a reservoir
             offer)

    .venv/bin/python bench/bench_argtap.py
"""
import time

import numpy as np

from jitprofile import njit, _core


@njit
def add1(x):
    return x + 1.0


@njit
def first(a):
    return a[0]


def per_call(f, arg, n=200_000):
    t0 = time.perf_counter()
    for _ in range(n):
        f(arg)
    return (time.perf_counter() - t0) / n


def main():
    arr = np.ones(16)
    add1(1.0), first(arr)
    modes = ("off", "on", "window", "exact")
    best = {(m, f.__name__): float("inf") for m in modes for f in (add1, first)}
    for _round in range(7):
        for m in modes:
            rec = None
            if m != "off":
                rec = _core.ArgRecorder()
                rec.start(exact=m == "exact", jitted=True)
                if m == "window":
                    rec.window(True)
            try:
                for f, a in ((add1, 1.0), (first, arr)):
                    best[m, f.__name__] = min(best[m, f.__name__], per_call(f, a))
            finally:
                if rec is not None:
                    rec.stop()
    for name in ("add1", "first"):
        base = best["off", name]
        print(f"{name:>6}: off {base * 1e9:6.1f} ns/call; " + "; ".join(
            f"{m} {best[m, name] * 1e9:6.1f} ns ({best[m, name] / base:.2f}x)" for m in modes[1:]))


if __name__ == "__main__":
    main()
