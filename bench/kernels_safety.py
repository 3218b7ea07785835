"""bench/kernels_safety.py - owns the issue-13 safety kernels (bench/bench_safety.py),
loaded under each `jit` by examples/jitload.py: a recursive function, the Jacobi
double buffer that swaps arrays in a loop that allocates, and an allocation loop."""
import numpy as np

if "jit" not in globals():
    def jit(func):
        return func


@jit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@jit
def jacobi(n, steps):
    grid = np.zeros(n)
    new = np.zeros(n)
    grid[0] = 1.0
    for _ in range(steps):
        tmp = grid * 0.5
        for i in range(1, n - 1):
            new[i] = tmp[i - 1] + tmp[i + 1]
        grid, new = new, grid
    return grid.sum()


@jit
def allocs(n, k):
    s = 0.0
    for i in range(k):
        a = np.empty(n + (i & 7))
        a[0] = 1.0
        s += a[0]
    return s
