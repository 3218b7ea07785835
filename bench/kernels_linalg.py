"""bench/kernels_linalg.py - owns the issue-12 linear algebra kernels:
np.linalg.* and dot/@, one source for Numba and jitprofile
(examples/jitload.py sets `jit`)."""
import numpy as np

try:
    jit
except NameError:           # imported directly: plain Python
    def jit(f):
        return f


@jit
def solve(a, b):
    return np.linalg.solve(a, b)


@jit
def matmul(a, b):
    return a @ b


@jit
def matvec(a, x):
    return np.dot(a, x)


@jit
def vdot(x, y):
    return np.dot(x, y)


@jit
def solve_small_loop(As, bs):
    total = 0.0
    for i in range(As.shape[0]):
        x = np.linalg.solve(As[i], bs[i])
        total += x[0]
    return total


@jit
def inv(a):
    return np.linalg.inv(a)


@jit
def det(a):
    return np.linalg.det(a)


@jit
def eigh(a):
    return np.linalg.eigh(a)[0]


@jit
def svd(a):
    return np.linalg.svd(a)[1]


@jit
def cholesky(a):
    return np.linalg.cholesky(a)


@jit
def qr(a):
    return np.linalg.qr(a)[1]


@jit
def lstsq(a, b):
    return np.linalg.lstsq(a, b)[0]


@jit
def norm(x):
    return np.linalg.norm(x)
