"""What jitprofile.roc's runtime costs on a machine without an AMD GPU, and
what a kernel's gpu frames cost the profiler (issue 15, helper R).

    .venv/bin/python bench/bench_roc_runtime.py

- first roc_available() in a fresh process: dlopen("libhsa-runtime64.so.1")
  + hsa_init failing with 0x1008 (no /dev/kfd), and with the library hidden
  (JITPROFILE_HSA_LIBRARY=/nonexistent); measured inside the child around
  the one call, median of 7 processes
- a later roc_available() (the answer is kept): ns per call
- kernargs_pack of 9 arguments (2 arrays): the packer cuda_launch and
  roc_launch share, ns per call
- device_activity.record_kernel while a Profile runs: what one launch adds
No AMD compiler or runtime can be compared against here: absolute figures.
"""
import os
import statistics
import subprocess
import sys
import time

from jitprofile import _core, device_activity
import jitprofile

CHILD = ("import time; from jitprofile import _core; t=time.perf_counter_ns(); "
         "ok, why = _core.roc_available(); print(time.perf_counter_ns()-t)")


def first_call(env_extra):
    out = []
    for _ in range(7):
        r = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                           env={**os.environ, **env_extra}, check=True)
        out.append(int(r.stdout))
    return statistics.median(out)


def per_call(fn, n):
    best = None
    for _ in range(5):
        t = time.perf_counter_ns()
        for _ in range(n):
            fn()
        dt = (time.perf_counter_ns() - t) / n
        best = dt if best is None else min(best, dt)
    return best


class Dev:
    def __init__(self, p, shape, strides):
        self._devptr, self.shape, self.strides = p, shape, strides


def main():
    print("roc_available() reason here:", _core.roc_available()[1][:100])
    print(f"first roc_available(), library present, no /dev/kfd: {first_call({}) / 1e6:.2f} ms")
    print(f"first roc_available(), library hidden:               "
          f"{first_call({'JITPROFILE_HSA_LIBRARY': '/nonexistent'}) / 1e6:.3f} ms")
    print(f"later roc_available():                               {per_call(_core.roc_available, 200000):.0f} ns")
    types = ("int32", "array(float32, 1d, C)", "float64", "UniTuple(int32, 3)", "int8",
             "array(float64, 2d, A)", "complex128", "bool", "int64")
    vals = (1, Dev(4096, (10,), (4,)), 2.0, (1, 2, 3), 3, Dev(8192, (3, 4), (64, 16)), 1j, True, 5)
    print(f"kernargs_pack, 9 arguments:                          "
          f"{per_call(lambda: _core.kernargs_pack(types, vals), 100000):.0f} ns")

    def launcher():
        t = time.monotonic_ns()
        device_activity.record_kernel("k", t, t + 50_000, device="gfx90a")

    with jitprofile.Profile(hz=1000):
        ns = per_call(launcher, 20000)
    print(f"record_kernel while profiling (one launch's report): {ns:.0f} ns")


if __name__ == "__main__":
    main()
