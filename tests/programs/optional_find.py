"""A search that returns an index or None, and a default-None output argument."""
import numpy as np
from _backend import numba


@numba.njit
def find_first(x, threshold):
    for i in range(x.shape[0]):
        if x[i] > threshold:
            return i
    return None


@numba.njit
def clipped(x, out=None):
    if out is None:
        out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = min(max(x[i], -1.0), 1.0)
    return out


def main():
    x = np.sin(np.linspace(0, 6, 100)) * 2
    return {"found": find_first(x, 1.5), "none": find_first(x, 5.0),
            "clipped": clipped(x), "into": clipped(x, np.zeros(100))}
