"""Jacobi relaxation of Laplace's equation with a double buffer swapped each sweep."""
import numpy as np
from _backend import numba


@numba.njit
def sweep(A, Anew):
    n, m = A.shape
    err = 0.0
    for j in range(1, n - 1):
        for i in range(1, m - 1):
            Anew[j, i] = 0.25 * (A[j, i + 1] + A[j, i - 1] + A[j - 1, i] + A[j + 1, i])
            err = max(err, abs(Anew[j, i] - A[j, i]))
    return err


@numba.njit
def solve(A, iters):
    Anew = A.copy()
    err = 0.0
    for it in range(iters):
        err = sweep(A, Anew)
        A, Anew = Anew, A
    return A, err


def main():
    A = np.zeros((40, 40))
    A[0, :] = 1.0
    A[:, 0] = np.linspace(0.0, 1.0, 40)
    out, err = solve(A, 60)
    return {"grid": out, "err": err}
