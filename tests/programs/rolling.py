"""Rolling mean and an exponentially weighted mean, the bread and butter of time series."""
import numpy as np
from _backend import numba


@numba.njit
def rolling_mean(x, w):
    out = np.full(len(x), np.nan)
    s = 0.0
    for i in range(len(x)):
        s += x[i]
        if i >= w:
            s -= x[i - w]
        if i >= w - 1:
            out[i] = s / w
    return out


@numba.njit
def ewma(x, alpha):
    out = np.empty_like(x)
    out[0] = x[0]
    for i in range(1, x.shape[0]):
        out[i] = alpha * x[i] + (1 - alpha) * out[i - 1]
    return out


def main():
    x = np.cumsum(np.random.default_rng(9).normal(0, 1, 3000))
    return {"roll": rolling_mean(x, 20), "ewma": ewma(x, 0.1)}
