"""Game of life steps: a neighbour count over a tuple of offsets, then a boolean rule."""
import numpy as np
from _backend import numba


@numba.njit
def step(X):
    n = np.zeros(X.shape, dtype=np.int64)
    rows, cols = X.shape
    for i in range(rows):
        for j in range(cols):
            c = 0
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    if di == 0 and dj == 0:
                        continue
                    c += X[(i + di) % rows, (j + dj) % cols]
            n[i, j] = c
    return (n == 3) | (X & (n == 2))


def main():
    X = np.random.default_rng(8).random((40, 40)) < 0.3
    for _ in range(10):
        X = step(X)
    return {"X": X, "alive": int(X.sum())}
