"""A generator function consumed inside jit code and returned to Python."""
from _backend import numba


@numba.njit
def fib_gen(n):
    a, b = 0, 1
    for _ in range(n):
        yield a
        a, b = b, a + b


@numba.njit
def sum_even_fib(n):
    s = 0
    for v in fib_gen(n):
        if v % 2 == 0:
            s += v
    return s


def main():
    return {"sum": sum_even_fib(60), "first": list(fib_gen(15))}
