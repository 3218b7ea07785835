"""A jitclass holding particle state, advanced by its own methods."""
import numpy as np
from _backend import numba
from numba import float64
from numba.experimental import jitclass


@jitclass([("x", float64[:]), ("v", float64[:]), ("t", float64)])
class Particles:
    def __init__(self, n):
        self.x = np.zeros(n)
        self.v = np.linspace(-1.0, 1.0, n)
        self.t = 0.0

    def step(self, dt):
        for i in range(self.x.shape[0]):
            self.v[i] -= 0.5 * self.x[i] * dt
            self.x[i] += self.v[i] * dt
        self.t += dt

    @property
    def energy(self):
        return 0.5 * np.sum(self.v ** 2) + 0.25 * np.sum(self.x ** 2)


def main():
    p = Particles(50)
    for _ in range(100):
        p.step(0.01)
    return {"x": p.x, "t": p.t, "energy": p.energy}
