"""Bubble sort in place, the swap written as a tuple assignment into subscripts."""
import numpy as np
from _backend import numba


@numba.njit
def bubblesort(X):
    N = len(X)
    for end in range(N, 1, -1):
        for i in range(end - 1):
            cur = X[i]
            if cur > X[i + 1]:
                X[i], X[i + 1] = X[i + 1], X[i]


def main():
    rng = np.random.default_rng(1)
    X = rng.standard_normal(300)
    bubblesort(X)
    Y = rng.integers(-50, 50, 200)
    bubblesort(Y)
    return {"floats": X, "ints": Y}
