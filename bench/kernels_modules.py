"""Plain-Python kernels for bench/bench_modules.py (issue 11): Python's
random, math.gcd, operator and a global array, decorated by each JIT."""
import math
import operator
import random

import numpy as np

TABLE = np.sin(np.arange(256) * 0.1)


def mc_pi(n, seed):
    random.seed(seed)
    inside = 0
    for _ in range(n):
        x = random.random()
        y = random.random()
        if x * x + y * y < 1.0:
            inside += 1
    return 4.0 * inside / n


def gauss_sum(n, seed):
    random.seed(seed)
    s = 0.0
    for _ in range(n):
        s += random.gauss(0.0, 1.0)
    return s


def shuffle_sum(a, seed):
    random.seed(seed)
    random.shuffle(a)
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * i
    return s


def gcd_sum(n):
    s = 0
    for i in range(1, n):
        s += math.gcd(i, n)
    return s


def table_lookup(idx):
    s = 0.0
    for i in range(idx.shape[0]):
        s = operator.add(s, TABLE[idx[i] & 255])
    return s
