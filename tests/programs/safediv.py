"""Error handling inside jit code: catching a ZeroDivisionError and a raised ValueError."""
import numpy as np
from _backend import numba


@numba.njit
def checked_ratio(a, b):
    if b < 0:
        raise ValueError("negative denominator")
    return a // b


@numba.njit
def ratios(a, b):
    out = np.zeros(len(a), dtype=np.int64)
    failures = 0
    for i in range(len(a)):
        try:
            out[i] = checked_ratio(int(a[i]), int(b[i]))
        except ZeroDivisionError:
            out[i] = -1
            failures += 1
        except ValueError:
            out[i] = -2
            failures += 1
    return out, failures


def main():
    a = np.arange(20)
    b = np.array([3, 0, 2, -1] * 5)
    out, failures = ratios(a, b)
    return {"out": out, "failures": failures}
