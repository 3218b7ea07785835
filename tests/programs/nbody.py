"""A few leapfrog steps of a small gravitational n-body system (float32 constants)."""
import math
import numpy as np
from _backend import numba

G = np.float32(6.674e-3)
SOFT = np.float32(1e-2)


@numba.njit
def accelerations(pos, mass, acc):
    n = pos.shape[0]
    for i in range(n):
        ax = np.float32(0.0)
        ay = np.float32(0.0)
        az = np.float32(0.0)
        for j in range(n):
            if i == j:
                continue
            dx = pos[j, 0] - pos[i, 0]
            dy = pos[j, 1] - pos[i, 1]
            dz = pos[j, 2] - pos[i, 2]
            r2 = dx * dx + dy * dy + dz * dz + SOFT
            inv = G * mass[j] / (r2 * math.sqrt(r2))
            ax += dx * inv
            ay += dy * inv
            az += dz * inv
        acc[i, 0] = ax
        acc[i, 1] = ay
        acc[i, 2] = az


@numba.njit
def simulate(pos, vel, mass, dt, steps):
    acc = np.zeros_like(pos)
    for _ in range(steps):
        accelerations(pos, mass, acc)
        vel += acc * dt
        pos += vel * dt
    return pos, vel


def main():
    rng = np.random.default_rng(7)
    pos = rng.standard_normal((64, 3)).astype(np.float32)
    vel = np.zeros((64, 3), np.float32)
    mass = rng.uniform(0.5, 1.5, 64).astype(np.float32)
    p, v = simulate(pos, vel, mass, np.float32(0.01), 5)
    return {"pos": p, "vel": v, "__rtol__": 2e-4}
