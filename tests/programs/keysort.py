"""Sorting records by a key given as a lambda, and an inner helper closing over a local."""
from _backend import numba


@numba.njit
def by_distance(points, cx, cy):
    def dist2(p):
        return (p[0] - cx) ** 2 + (p[1] - cy) ** 2
    return sorted(points, key=lambda p: dist2(p))


@numba.njit
def apply_twice(f, x):
    return f(f(x))


@numba.njit
def inc(x):
    return x + 1.5


def main():
    pts = [(float(i % 7), float(i % 5)) for i in range(30)]
    return {"sorted": by_distance(pts, 3.0, 2.0), "twice": apply_twice(inc, 1.0)}
