"""A scalar function made into a ufunc with @vectorize, broadcasting over arrays."""
import math
import numpy as np
from _backend import numba


@numba.vectorize(["float64(float64, float64)", "float32(float32, float32)"])
def logistic_blend(x, t):
    return 1.0 / (1.0 + math.exp(-(x - t)))


def main():
    x = np.linspace(-5, 5, 101)
    grid = logistic_blend(x[:, None], x[None, ::10])
    return {"grid": grid, "f32": logistic_blend(x.astype(np.float32), np.float32(0.5)),
            "__rtol__": 1e-6}
