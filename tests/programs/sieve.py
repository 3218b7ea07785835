"""Primes by a sieve into a bool array, collected with list.append and returned as a list."""
import numpy as np
from _backend import numba


@numba.jit(nopython=True)
def primes_upto(n):
    is_prime = np.ones(n + 1, dtype=np.bool_)
    is_prime[:2] = False
    i = 2
    while i * i <= n:
        if is_prime[i]:
            for j in range(i * i, n + 1, i):
                is_prime[j] = False
        i += 1
    out = []
    for k in range(n + 1):
        if is_prime[k]:
            out.append(k)
    return out


@numba.njit
def twin_count(primes):
    c = 0
    for a, b in zip(primes[:-1], primes[1:]):
        if b - a == 2:
            c += 1
    return c


def main():
    p = primes_upto(5000)
    return {"primes": p, "twins": twin_count(p), "last": p[-1], "n": len(p)}
