"""Standardising the columns of a data matrix with reductions along an axis."""
import numpy as np
from _backend import numba


@numba.njit
def standardize(X):
    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    return (X - mu) / sd, mu, sd


@numba.njit
def row_max(X):
    return np.max(X, axis=1), X.sum(axis=1)


def main():
    X = np.random.default_rng(14).normal(3.0, 2.0, (200, 5))
    Z, mu, sd = standardize(X)
    m, s = row_max(X)
    return {"Z": Z, "mu": mu, "sd": sd, "rowmax": m, "rowsum": s}
