"""Horner evaluation with coefficients in a tuple, and Newton's method on the polynomial."""
from _backend import numba

COEFFS = (1.0, -6.0, 11.0, -6.0)   # (x-1)(x-2)(x-3)


@numba.njit
def horner(coeffs, x):
    acc = 0.0
    for c in coeffs:
        acc = acc * x + c
    return acc


@numba.njit
def derivative_at(coeffs, x):
    n = len(coeffs) - 1
    acc = 0.0
    for i, c in enumerate(coeffs[:-1]):
        acc = acc * x + c * (n - i)
    return acc


@numba.njit
def newton(x0, tol, maxit):
    x = x0
    for it in range(maxit):
        fx = horner(COEFFS, x)
        if abs(fx) < tol:
            return x, it
        x = x - fx / derivative_at(COEFFS, x)
    return x, maxit


def main():
    return {"roots": [newton(x0, 1e-12, 50) for x0 in (0.0, 1.6, 2.4, 5.0)]}
