"""The seed's numerical examples (issue 3) on small inputs, against CPython (py_func) and
NumPy: Black-Scholes (loop and array expression), a 2-D neighbour-counting stencil, the
Itakura-Saito distance, pairwise Euclidean distances; and the loop vectoriser firing on a
simple element-wise loop (inspect_llvm shows a <N x double> vector type)."""
import math
import re

import numpy as np
import pytest

from jitprofile import njit


# ---- Black-Scholes -------------------------------------------------------------------------

@njit
def cnd(d):
    return 0.5 * (1.0 + math.erf(d / math.sqrt(2.0)))


@njit
def black_scholes_loop(S, K, T, r, sigma, call, put):
    for i in range(S.shape[0]):
        sqrt_t = math.sqrt(T[i])
        d1 = (math.log(S[i] / K[i]) + (r + 0.5 * sigma * sigma) * T[i]) / (sigma * sqrt_t)
        d2 = d1 - sigma * sqrt_t
        disc = math.exp(-r * T[i])
        call[i] = S[i] * cnd(d1) - K[i] * disc * cnd(d2)
        put[i] = K[i] * disc * cnd(-d2) - S[i] * cnd(-d1)


@njit
def cnd_array(d):
    # Abramowitz-Stegun polynomial, the usual vectorized Black-Scholes kernel
    A1, A2, A3, A4, A5 = 0.31938153, -0.356563782, 1.781477937, -1.821255978, 1.330274429
    RSQRT2PI = 0.39894228040143267794
    K = 1.0 / (1.0 + 0.2316419 * np.abs(d))
    ret = RSQRT2PI * np.exp(-0.5 * d * d) * (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5)))))
    return np.where(d > 0, 1.0 - ret, ret)


@njit
def black_scholes_array(S, K, T, r, sigma):
    sqrt_t = np.sqrt(T)
    d1 = (np.log(S / K) + (r + 0.5 * sigma * sigma) * T) / (sigma * sqrt_t)
    d2 = d1 - sigma * sqrt_t
    disc = np.exp(-r * T)
    call = S * cnd_array(d1) - K * disc * cnd_array(d2)
    put = K * disc * (1.0 - cnd_array(d2)) - S * (1.0 - cnd_array(d1))
    return call, put


def bs_inputs(n, seed=0):
    rng = np.random.default_rng(seed)
    S = rng.uniform(5.0, 30.0, n)
    K = rng.uniform(1.0, 100.0, n)
    T = rng.uniform(0.25, 10.0, n)
    return S, K, T, 0.02, 0.30


def test_black_scholes_loop_matches_cpython():
    S, K, T, r, sigma = bs_inputs(64)
    call, put = np.zeros(64), np.zeros(64)
    black_scholes_loop(S, K, T, r, sigma, call, put)
    ecall, eput = np.zeros(64), np.zeros(64)
    black_scholes_loop.py_func(S, K, T, r, sigma, ecall, eput)
    np.testing.assert_allclose(call, ecall, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(put, eput, rtol=1e-12, atol=1e-12)
    # put-call parity: C - P = S - K e^{-rT}
    np.testing.assert_allclose(call - put, S - K * np.exp(-r * T), rtol=1e-9, atol=1e-9)


def test_black_scholes_loop_strided_inputs():
    S, K, T, r, sigma = bs_inputs(40, seed=1)
    call, put = np.zeros(40), np.zeros(40)
    black_scholes_loop(S[::2], K[::2], T[::2], r, sigma, call[::2], put[::2])
    ecall, eput = np.zeros(20), np.zeros(20)
    black_scholes_loop.py_func(S[::2], K[::2], T[::2], r, sigma, ecall, eput)
    np.testing.assert_allclose(call[::2], ecall, rtol=1e-12, atol=1e-12)
    assert (call[1::2] == 0).all() and (put[1::2] == 0).all()


def test_black_scholes_array_matches_numpy():
    S, K, T, r, sigma = bs_inputs(50, seed=2)
    call, put = black_scholes_array(S, K, T, r, sigma)
    ecall, eput = black_scholes_array.py_func(S, K, T, r, sigma)
    np.testing.assert_allclose(call, ecall, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(put, eput, rtol=1e-12, atol=1e-12)


def test_black_scholes_array_float32():
    S, K, T, r, sigma = bs_inputs(32, seed=3)
    S, K, T = S.astype(np.float32), K.astype(np.float32), T.astype(np.float32)
    call, put = black_scholes_array(S, K, T, r, sigma)
    ecall, eput = black_scholes_array.py_func(S, K, T, r, sigma)
    assert call.dtype == ecall.dtype
    np.testing.assert_allclose(call, ecall, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(put, eput, rtol=1e-4, atol=1e-4)


def test_black_scholes_loop_and_array_agree():
    S, K, T, r, sigma = bs_inputs(30, seed=4)
    call, put = np.zeros(30), np.zeros(30)
    black_scholes_loop(S, K, T, r, sigma, call, put)
    c2, p2 = black_scholes_array(S, K, T, r, sigma)
    np.testing.assert_allclose(call, c2, atol=1e-5)       # the polynomial cnd is ~1e-7 accurate


# ---- check neighbours (2-D stencil) ----------------------------------------------------------

@njit
def count_neighbours(grid):
    n, m = grid.shape
    out = np.zeros((n, m), dtype=np.int64)
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            out[i, j] = (grid[i - 1, j - 1] + grid[i - 1, j] + grid[i - 1, j + 1]
                         + grid[i, j - 1] + grid[i, j + 1]
                         + grid[i + 1, j - 1] + grid[i + 1, j] + grid[i + 1, j + 1])
    return out


def neighbours_numpy(grid):
    g = grid.astype(np.int64)
    out = np.zeros(g.shape, dtype=np.int64)
    out[1:-1, 1:-1] = (g[:-2, :-2] + g[:-2, 1:-1] + g[:-2, 2:] + g[1:-1, :-2] + g[1:-1, 2:]
                       + g[2:, :-2] + g[2:, 1:-1] + g[2:, 2:])
    return out


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.uint8, np.float64, np.bool_], ids=str)
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_check_neighbours(dtype, layout):
    rng = np.random.default_rng(5)
    grid = (rng.random((9, 12)) < 0.4).astype(dtype)
    if layout == "F":
        grid = np.asfortranarray(grid)
    elif layout == "strided":
        big = np.zeros((18, 24), dtype=dtype)
        big[::2, ::2] = grid
        grid = big[::2, ::2]
    got = count_neighbours(grid)
    exp = neighbours_numpy(grid)
    np.testing.assert_array_equal(got, exp)
    if dtype is not np.bool_:      # NumPy's bool scalars add as logical or: no reference
        np.testing.assert_array_equal(got, count_neighbours.py_func(grid))


def test_game_of_life_step():
    @njit
    def life_step(grid):
        counts = count_neighbours(grid)
        new = np.zeros_like(grid)
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                c = counts[i, j]
                if grid[i, j] == 1 and (c == 2 or c == 3):
                    new[i, j] = 1
                elif grid[i, j] == 0 and c == 3:
                    new[i, j] = 1
        return new

    glider = np.zeros((8, 8), dtype=np.int64)
    glider[1, 2] = glider[2, 3] = glider[3, 1] = glider[3, 2] = glider[3, 3] = 1
    g = glider
    for _ in range(4):
        g = life_step(g)
    # after 4 steps a glider has moved one cell down and right
    np.testing.assert_array_equal(g, np.roll(np.roll(glider, 1, 0), 1, 1))


# ---- Itakura-Saito distance --------------------------------------------------------------------

@njit
def is_distance_loop(a, b):
    s = 0.0
    for i in range(a.shape[0]):
        q = a[i] / b[i]
        s += q - math.log(q) - 1.0
    return s


@njit
def is_distance_array(a, b):
    q = a / b
    return np.sum(q - np.log(q) - 1.0)


def spectra(n, seed=6):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.1, 5.0, n), rng.uniform(0.1, 5.0, n)


@pytest.mark.parametrize("fn", [is_distance_loop, is_distance_array],
                         ids=["loop", "array"])
def test_itakura_saito(fn):
    a, b = spectra(257)
    exp = float(np.sum(a / b - np.log(a / b) - 1))
    np.testing.assert_allclose(fn(a, b), exp, rtol=1e-12)
    np.testing.assert_allclose(fn(a, b), fn.py_func(a, b), rtol=1e-12)
    assert fn(a, a) == 0.0
    # strided spectra
    np.testing.assert_allclose(fn(a[::3], b[::3]),
                               float(np.sum(a[::3] / b[::3] - np.log(a[::3] / b[::3]) - 1)),
                               rtol=1e-12)


def test_itakura_saito_float32():
    a, b = spectra(100)
    a, b = a.astype(np.float32), b.astype(np.float32)
    exp = np.sum(a / b - np.log(a / b) - 1)
    np.testing.assert_allclose(is_distance_array(a, b), exp, rtol=1e-4)


# ---- pairwise distances ------------------------------------------------------------------------

@njit
def pairwise_loop(X, D):
    n, d = X.shape
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                t = X[i, k] - X[j, k]
                s += t * t
            D[i, j] = math.sqrt(s)


@njit
def pairwise_alloc(X):
    n = X.shape[0]
    D = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            D[i, j] = np.sqrt(np.sum((X[i] - X[j]) ** 2))
    return D


def pairwise_numpy(X):
    return np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_pairwise_distances(layout):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((15, 4))
    if layout == "F":
        X = np.asfortranarray(X)
    elif layout == "strided":
        X = np.repeat(X, 2, axis=1)[:, ::2]
    exp = pairwise_numpy(X)
    D = np.zeros((15, 15))
    pairwise_loop(X, D)
    np.testing.assert_allclose(D, exp, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(pairwise_alloc(X), exp, rtol=1e-12, atol=1e-12)
    assert (np.diag(D) == 0).all()
    np.testing.assert_array_equal(D, D.T)


def test_pairwise_into_fortran_output():
    X = np.arange(12.0).reshape(6, 2)
    D = np.zeros((6, 6), order="F")
    pairwise_loop(X, D)
    np.testing.assert_allclose(D, pairwise_numpy(X), rtol=1e-12)


# ---- the loop vectoriser --------------------------------------------------------------------------

@njit
def axpy(a, x, y, out):
    for i in range(x.shape[0]):
        out[i] = a * x[i] + y[i]


def test_inspect_llvm_shows_vector_loop():
    x, y, out = np.arange(100.0), np.ones(100), np.zeros(100)
    axpy(2.0, x, y, out)
    np.testing.assert_array_equal(out, 2.0 * x + 1.0)
    llvm = axpy.inspect_llvm()
    if isinstance(llvm, dict):
        llvm = "\n".join(llvm.values())
    assert re.search(r"<(2|4|8|16) x double>", llvm), \
        "no <N x double> vector type in the optimised IR: the loop vectoriser did not fire"


def test_inspect_llvm_vector_loop_for_ufunc_expression():
    @njit
    def scaled(x):
        out = np.empty_like(x)
        for i in range(x.shape[0]):
            out[i] = x[i] * 3.0 + 1.0
        return out

    x = np.arange(64.0)
    np.testing.assert_array_equal(scaled(x), x * 3.0 + 1.0)
    llvm = scaled.inspect_llvm()
    if isinstance(llvm, dict):
        llvm = "\n".join(llvm.values())
    assert re.search(r"<(2|4|8|16) x double>", llvm)


def test_axpy_aliasing_inputs_still_correct():
    # out aliases x: whatever noalias proof or runtime overlap check the compiler uses,
    # the result must be the sequential loop's
    x = np.arange(20.0)
    y = np.ones(20)
    exp = x.copy()
    axpy.py_func(2.0, exp, y, exp)
    axpy(2.0, x, y, x)
    np.testing.assert_array_equal(x, exp)
    # shifted overlap: out[i] = a*x[i] + y[i] where out = x[1:], x = x[:-1]
    z = np.arange(21.0)
    ez = z.copy()
    axpy.py_func(1.0, ez[:-1], np.zeros(20), ez[1:])
    axpy(1.0, z[:-1], np.zeros(20), z[1:])
    np.testing.assert_array_equal(z, ez)
