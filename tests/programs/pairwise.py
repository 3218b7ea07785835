"""Pairwise Euclidean distances, the classic 2-d loop nest over a point cloud."""
import numpy as np
from _backend import numba


@numba.njit(fastmath=False)
def pairwise(X):
    M, N = X.shape
    D = np.empty((M, M), dtype=X.dtype)
    for i in range(M):
        for j in range(M):
            d = 0.0
            for k in range(N):
                tmp = X[i, k] - X[j, k]
                d += tmp * tmp
            D[i, j] = np.sqrt(d)
    return D


def main():
    X = np.random.default_rng(5).standard_normal((80, 3))
    return {"D": pairwise(X), "D_fortran": pairwise(np.asfortranarray(X))}
