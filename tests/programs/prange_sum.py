"""A parallel reduction with prange, and a parallel map writing one element per iteration."""
import numpy as np
from _backend import numba
from numba import njit, prange


@njit(parallel=True)
def sum_of_squares(x):
    s = 0.0
    for i in prange(x.shape[0]):
        s += x[i] * x[i]
    return s


@njit(parallel=True)
def scaled(x, a):
    out = np.empty_like(x)
    for i in prange(x.shape[0]):
        out[i] = a * x[i] + 1.0
    return out


def main():
    x = np.arange(100000, dtype=np.float64) / 1000.0
    return {"ss": sum_of_squares(x), "scaled": scaled(x, 2.0), "__rtol__": 1e-10}
