"""bench/kernels_fancy.py - owns the issue-12 indexing kernels: integer-array
and boolean-mask reads and writes, np.nonzero and np.take, one source for
Numba and jitprofile (examples/jitload.py sets `jit`)."""
import numpy as np

try:
    jit
except NameError:           # imported directly: plain Python
    def jit(f):
        return f


@jit
def gather(a, idx):
    return a[idx]


@jit
def gather_rows(a, idx):
    return a[idx, 1:]


@jit
def mask_read(a):
    return a[a > 0.5]


@jit
def mask_write(a):
    a[a > 0.9] = 0.0


@jit
def scatter_add(a, idx):
    a[idx] += 1.0


@jit
def nonzero(a):
    return np.nonzero(a > 0.5)[0]


@jit
def take(a, idx):
    return np.take(a, idx)
