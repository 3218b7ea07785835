"""Counting with a dict: occurrences of small integer codes, then the most common ones."""
import numpy as np
from _backend import numba


@numba.njit
def count(codes):
    counts = {}
    for c in codes:
        counts[c] = counts.get(c, 0) + 1
    return counts


@numba.njit
def top(counts, k):
    items = [(v, key) for key, v in counts.items()]
    items.sort(reverse=True)
    return items[:k]


def main():
    codes = np.random.default_rng(12).integers(0, 50, 5000)
    counts = count(codes)
    return {"counts": sorted(dict(counts).items()), "top": top(counts, 5)}
