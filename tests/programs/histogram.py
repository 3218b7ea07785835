"""A fixed-bin histogram filled by iterating the array and indexing with int()."""
import numpy as np
from _backend import numba
from numba import njit


@njit
def histogram(x, lo, hi, nbins):
    counts = np.zeros(nbins, dtype=np.int64)
    scale = nbins / (hi - lo)
    for v in x:
        if lo <= v < hi:
            counts[int((v - lo) * scale)] += 1
    return counts


def main():
    x = np.random.default_rng(11).normal(0.0, 1.0, 20000)
    return {"counts": histogram(x, -3.0, 3.0, 30)}
