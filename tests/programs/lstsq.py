"""Fitting a polynomial by least squares through the normal equations and np.linalg."""
import numpy as np
from _backend import numba


@numba.njit
def vander(x, degree):
    V = np.empty((x.shape[0], degree + 1))
    for i in range(x.shape[0]):
        v = 1.0
        for j in range(degree + 1):
            V[i, j] = v
            v *= x[i]
    return V


@numba.njit
def fit(x, y, degree):
    V = vander(x, degree)
    coef = np.linalg.solve(V.T @ V, V.T @ y)
    resid = y - V @ coef
    return coef, np.linalg.norm(resid)


def main():
    x = np.linspace(-1, 1, 200)
    y = 1.0 - 2.0 * x + 0.5 * x ** 3 + np.random.default_rng(6).normal(0, 0.01, 200)
    coef, r = fit(x, y, 3)
    return {"coef": coef, "resid": r, "__rtol__": 1e-7}
