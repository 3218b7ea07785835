"""bench/kernels_arrays.py - owns the issue-3 array kernels (the seed's
numerical examples), written once as plain loops: Black-Scholes, Check
Neighbours, IS Distance, Pairwise distances.  Each kernel carries `@jit`;
examples/jitload.load_kernels() chooses the decorator (none: CPython,
numba.njit, jitprofile.njit), exactly as for the Mandelbrot kernels.  The
vectorised NumPy counterparts live in bench/bench_arrays.py.
"""
import math

import numpy as np

if "jit" not in globals():
    def jit(func):
        return func


# ---------------------------------------------------------------- Black-Scholes
# Numba's classic example (numba/tests/test_blackscholes.py): cumulative
# normal by the Abramowitz-Stegun polynomial, scalar riskfree/volatility.

@jit
def cnd(d):
    A1 = 0.31938153
    A2 = -0.356563782
    A3 = 1.781477937
    A4 = -1.821255978
    A5 = 1.330274429
    RSQRT2PI = 0.39894228040143267793994605993438
    K = 1.0 / (1.0 + 0.2316419 * math.fabs(d))
    ret_val = (RSQRT2PI * math.exp(-0.5 * d * d) *
               (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5))))))
    if d > 0:
        ret_val = 1.0 - ret_val
    return ret_val


@jit
def black_scholes(callResult, putResult, stockPrice, optionStrike,
                  optionYears, Riskfree, Volatility):
    S = stockPrice
    X = optionStrike
    T = optionYears
    R = Riskfree
    V = Volatility
    for i in range(len(S)):
        sqrtT = math.sqrt(T[i])
        d1 = (math.log(S[i] / X[i]) + (R + 0.5 * V * V) * T[i]) / (V * sqrtT)
        d2 = d1 - V * sqrtT
        cndd1 = cnd(d1)
        cndd2 = cnd(d2)
        expRT = math.exp((-1. * R) * T[i])
        callResult[i] = (S[i] * cndd1 - X[i] * expRT * cndd2)
        putResult[i] = (X[i] * expRT * (1.0 - cndd2) - S[i] * (1.0 - cndd1))


# ------------------------------------------------------------ Check Neighbours
# Game-of-life neighbour count: for each interior cell of a 0/1 grid, how
# many of its 8 neighbours are alive.

@jit
def alive_neighbours(grid, i, j):
    count = 0
    for di in range(-1, 2):
        for dj in range(-1, 2):
            if (di != 0 or dj != 0) and grid[i + di, j + dj] != 0:
                count += 1
    return count


@jit
def check_neighbours(grid, counts):
    n = grid.shape[0]
    m = grid.shape[1]
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            counts[i, j] = alive_neighbours(grid, i, j)


# ------------------------------------------------------------------ IS Distance
# Itakura-Saito distance between two positive spectra.

@jit
def is_distance(a, b):
    total = 0.0
    for i in range(a.shape[0]):
        r = a[i] / b[i]
        total += r - math.log(r) - 1.0
    return total


# ------------------------------------------------------------ Pairwise distances
# Jake VanderPlas's "Numba vs Cython" example: (M, N) points -> (M, M)
# Euclidean distance matrix, allocated inside the kernel.

@jit
def pairwise(X):
    M = X.shape[0]
    N = X.shape[1]
    D = np.empty((M, M), dtype=np.float64)
    for i in range(M):
        for j in range(M):
            d = 0.0
            for k in range(N):
                tmp = X[i, k] - X[j, k]
                d += tmp * tmp
            D[i, j] = math.sqrt(d)
    return D
