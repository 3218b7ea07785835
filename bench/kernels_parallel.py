"""bench/kernels_parallel.py - owns the issue-12 parallel kernels: whole-array
expressions and a reduction under @jit(parallel=True), and a @stencil called
from parallel jit code; one source run under Numba and jitprofile
(bench/bench_parallel.py sets `jit` and `stencil`)."""
import numpy as np


@jit
def axpy(a, b, c):
    return a + b * c


@jit
def axpy_into(a, b, c, out):
    out[:] = a + b * c
    return out


@jit
def dot_sum(a, b):
    return np.sum(a * b)


@stencil
def cross(a):
    return 0.25 * (a[0, 1] + a[1, 0] + a[0, -1] + a[-1, 0])


@jit
def smooth(a):
    return cross(a)
