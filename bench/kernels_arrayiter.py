"""bench/kernels_arrayiter.py - owns the issue-12 iteration kernels: loops
over a.flat, np.ndenumerate, np.ndindex, np.nditer, zip and rows, one source
for Numba and jitprofile (examples/jitload.py sets `jit`).  ITEM(x) is
x.item() under Numba, whose np.nditer yields 0-d arrays; bench_arrayiter.py
strips ITEM for jitprofile, whose np.nditer yields the elements (docs/jit.md)."""
import numpy as np

try:
    jit
except NameError:           # imported directly: plain Python
    def jit(f):
        return f


@jit
def flat_sum(a):
    s = 0
    for v in a.flat:
        s += v
    return s


@jit
def ndenumerate_sum(a):
    s = 0
    for idx, v in np.ndenumerate(a):
        s += v * idx[1]
    return s


@jit
def ndindex_sum(a):
    s = 0
    for i, j in np.ndindex(a.shape):
        s += a[i, j]
    return s


@jit
def nditer1_sum(a):
    s = 0
    for x in np.nditer(a):
        s += ITEM(x)
    return s


@jit
def nditer2_dot(a, b):
    s = 0
    for x, y in np.nditer((a, b)):
        s += ITEM(x) * ITEM(y)
    return s


@jit
def zip_dot(a, b):
    s = 0
    for x, y in zip(a, b):
        s += x * y
    return s


@jit
def rows_sum(a):
    s = 0
    for row in a:
        for v in row:
            s += v
    return s
