"""Task functions for tests/python/test_dask_*.py and bench/bench_dask.py:
an importable module, so Dask workers import it by reference (a jitprofile
Dispatcher itself does not pickle yet: issue 14's pickling part)."""
import math
import time

from jitprofile import njit


@njit
def dask_spin_kernel(n):
    """A GIL-holding jitted loop calling libm (exp, log1p are calls, not
    inlined) - what Dask's own profiler cannot see into."""
    s = 0.0
    for i in range(n):
        s += math.exp(-(i % 1000) * 1e-3) * math.log1p(i % 97 + 1.0)
    return s


def spin_task(seconds, _tag=None):
    """Run dask_spin_kernel for about `seconds` of CPU time."""
    n = 200_000
    total = 0.0
    t_end = time.process_time() + seconds
    while time.process_time() < t_end:
        total += dask_spin_kernel(n)
    return total


def spin_python(n):
    """The same arithmetic in plain Python (for the reference result)."""
    s = 0.0
    for i in range(n):
        s += math.exp(-(i % 1000) * 1e-3) * math.log1p(i % 97 + 1.0)
    return s


def spin_calls(calls, _tag=None):
    """A fixed amount of work: `calls` calls of dask_spin_kernel (the
    benchmark's task: process_time would count the profiler's own threads)."""
    total = 0.0
    for _ in range(calls):
        total += dask_spin_kernel(200_000)
    return total


def py_kernel(n):
    """Plain Python at first; jitprofile.dask.apply_jit compiles it on the
    workers (tests/python/test_dask_profile.py)."""
    s = 0.0
    for i in range(n):
        s += math.sqrt(i % 1000 + 1.0)
    return s


def py_task(n, _tag=None):
    return py_kernel(n)


def py_many(calls, n, _tag=None):
    """`calls` calls of the plain-Python py_kernel: hot, with many calls for
    the workers' argument recording (the cluster advisor's measurement)."""
    return sum(py_kernel(n) for _ in range(calls))


def py_inner(i):
    return math.sqrt(i % 1000 + 1.0)


def py_outer(n):
    """Plain Python calling plain Python: jitted, py_inner goes along."""
    s = 0.0
    for i in range(n):
        s += py_inner(i)
    return s


def py_outer_many(calls, n, _tag=None):
    return sum(py_outer(n) for _ in range(calls))
