"""Monte Carlo estimate of pi with the random module inside jit code (a statistical check)."""
import random
from _backend import numba


@numba.njit
def estimate_pi(n, seed):
    random.seed(seed)
    hits = 0
    for _ in range(n):
        x = random.random()
        y = random.random()
        if x * x + y * y <= 1.0:
            hits += 1
    return 4.0 * hits / n


def main():
    return {"pi": estimate_pi(200000, 42), "__atol__": 0.02}
