"""bench/kernels_arrayexprs.py - owns the issue-12 kernels: array
expressions and three explicit loops, one source run under Numba and
jitprofile (examples/jitload.py sets `jit`; plain Python without it).
Written in the style of public Numba examples."""
import math

import numpy as np

try:
    jit
except NameError:           # imported directly: plain Python
    def jit(f):
        return f

# n-body constants: module-level float32 values, frozen at compile time
G = np.float32(6.674e-3)
SOFTENING = np.float32(1e-2)
DT = np.float32(1e-3)


@jit
def expr_add(a, b):
    return a + b


@jit
def expr_diff_prod(a, b):
    return (a - b) * (a + b)


@jit
def expr_diff_ratio(a, b):
    return (a - b) / (a + b)


@jit
def expr_square(a, b):
    return a ** 2


@jit
def expr_cube(a, b):
    return a ** 3


@jit
def median(a):
    return np.median(a)


@jit
def sort(a):
    return np.sort(a)


@jit
def histogram(x, lo, hi, nbins):
    h = np.zeros(nbins, np.int64)
    scale = nbins / (hi - lo)
    for v in x:
        h[int((v - lo) * scale)] += 1
    return h


@jit
def nbody_step(pos, vel, mass):
    n = pos.shape[0]
    for i in range(n):
        ax = np.float32(0.0)
        ay = np.float32(0.0)
        az = np.float32(0.0)
        xi = pos[i, 0]
        yi = pos[i, 1]
        zi = pos[i, 2]
        for j in range(n):
            dx = pos[j, 0] - xi
            dy = pos[j, 1] - yi
            dz = pos[j, 2] - zi
            r2 = dx * dx + dy * dy + dz * dz + SOFTENING
            inv = np.float32(1.0) / (r2 * math.sqrt(r2))
            f = G * mass[j] * inv
            ax += f * dx
            ay += f * dy
            az += f * dz
        vel[i, 0] += DT * ax
        vel[i, 1] += DT * ay
        vel[i, 2] += DT * az
    for i in range(n):
        pos[i, 0] += DT * vel[i, 0]
        pos[i, 1] += DT * vel[i, 1]
        pos[i, 2] += DT * vel[i, 2]


@jit
def life_step(X):
    rows, cols = X.shape
    n = np.zeros((rows, cols), np.int64)
    for i in range(1, rows - 1):
        for j in range(1, cols - 1):
            s = 0
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    s += X[i + di, j + dj]
            n[i, j] = s - X[i, j]
    return (n == 3) | (X & (n == 2))
