"""A few Lloyd iterations of k-means with explicit loops, argmin by hand and np.argmin."""
import numpy as np
from _backend import numba
from numba import njit


@njit
def assign(X, centers, labels):
    n = X.shape[0]
    k = centers.shape[0]
    dist = np.empty(k)
    for i in range(n):
        for c in range(k):
            d = 0.0
            for f in range(X.shape[1]):
                t = X[i, f] - centers[c, f]
                d += t * t
            dist[c] = d
        labels[i] = np.argmin(dist)


@njit
def update(X, labels, k):
    centers = np.zeros((k, X.shape[1]))
    counts = np.zeros(k, dtype=np.int64)
    for i in range(X.shape[0]):
        centers[labels[i]] += X[i]
        counts[labels[i]] += 1
    for c in range(k):
        if counts[c] > 0:
            centers[c] /= counts[c]
    return centers


@njit
def kmeans(X, centers, iters):
    labels = np.zeros(X.shape[0], dtype=np.int64)
    for _ in range(iters):
        assign(X, centers, labels)
        centers = update(X, labels, centers.shape[0])
    return centers, labels


def main():
    rng = np.random.default_rng(2)
    X = np.concatenate([rng.normal(m, 0.3, (100, 2)) for m in (-2.0, 0.0, 2.0)])
    centers, labels = kmeans(X, X[[0, 150, 299]].copy(), 8)
    return {"centers": centers, "labels": labels}
