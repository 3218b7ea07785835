"""Issue 7: @njit(parallel=True) with prange loops: reductions (+=, -=, *=, min, max),
writes into arrays, exceptions, unsupported return/break, prange == range without
parallel=True.  Results are compared with the function's py_func (prange is range in
Python); which threads ran is observed through libc's gettid() (no timing).
"""
import ctypes
import math
import threading

import numpy as np
import pytest

import jitprofile
from jitprofile import njit, prange, UnsupportedError

N = 300_001                                   # long enough to be split over the pool

_libc = ctypes.CDLL(None)
gettid = _libc.gettid
gettid.argtypes = []
gettid.restype = ctypes.c_int


@pytest.fixture(autouse=True)
def two_threads():
    old = jitprofile.get_num_threads()
    jitprofile.set_num_threads(2)
    yield
    jitprofile.set_num_threads(old)


def _data(n=N, seed=0):
    return np.random.default_rng(seed).random(n)


@njit(parallel=True)
def sum_sq(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i] * a[i]
    return s


@njit(parallel=True)
def int_sum(n):
    s = 0
    for i in prange(n):
        s += i * i % 7
    return s


@njit(parallel=True)
def minus(a):
    d = 100.0
    for i in prange(a.shape[0]):
        d -= a[i]
    return d


@njit(parallel=True)
def product(a):
    p = 1.0
    for i in prange(a.shape[0]):
        p *= 1.0 + a[i] * 1e-6
    return p


@njit(parallel=True)
def int_product(n):
    p = 1
    for i in prange(n):
        p *= 1 + (i % 50_000 == 0)
    return p


@njit(parallel=True)
def min_max(a):
    lo = np.inf
    hi = -np.inf
    for i in prange(a.shape[0]):
        lo = min(lo, a[i])
        hi = max(a[i], hi)
    return lo, hi


@njit(parallel=True)
def int_min_max(a):
    lo = 1 << 60
    hi = -(1 << 60)
    for i in prange(a.shape[0]):
        lo = min(lo, a[i])
        hi = max(hi, a[i])
    return lo, hi


@njit(parallel=True)
def several(a):
    s = 0.0
    c = 0
    m = -1.0
    for i in prange(a.shape[0]):
        v = a[i] * 2.0               # private temporary
        if v > 1.0:
            c += 1
        s += v
        m = max(m, v)
    return s, c, m


def test_sum_reduction():
    a = _data()
    assert math.isclose(sum_sq(a), float(np.dot(a, a)), rel_tol=1e-12)
    assert math.isclose(sum_sq(a), sum_sq.py_func(a), rel_tol=1e-12)
    assert int_sum(N) == int_sum.py_func(N)


def test_minus_reduction_keeps_initial_value():
    a = _data()
    assert math.isclose(minus(a), 100.0 - a.sum(), rel_tol=1e-12)


def test_product_reduction():
    a = _data()
    assert math.isclose(product(a), product.py_func(a), rel_tol=1e-12)
    assert int_product(N) == int_product.py_func(N) == 2 ** len(range(0, N, 50_000))


def test_min_max_reductions():
    a = _data()
    assert min_max(a) == (a.min(), a.max())
    ai = np.random.default_rng(1).integers(-10**9, 10**9, N)
    assert int_min_max(ai) == (ai.min(), ai.max())
    # the extreme values in the first and last elements
    b = np.ones(N)
    b[0], b[-1] = -5.0, 9.0
    assert min_max(b) == (-5.0, 9.0)


def test_several_reductions_and_private_temporaries():
    a = _data(seed=3)
    s, c, m = several(a)
    es, ec, em = several.py_func(a)
    assert math.isclose(s, es, rel_tol=1e-12)
    assert c == ec
    assert m == em


@njit(parallel=True)
def sum_rebind(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s = s + a[i]
    return s


def test_reduction_written_as_rebinding():
    # Numba infers a reduction from `s = s + v` as well as from `s += v`
    a = _data()
    assert math.isclose(sum_rebind(a), a.sum(), rel_tol=1e-12)


def test_small_and_empty_ranges():
    for n in (0, 1, 2, 3, 7):
        a = np.arange(float(n))
        assert sum_sq(a) == sum_sq.py_func(a)
        assert int_sum(n) == int_sum.py_func(n)
    assert min_max(np.empty(0)) == (math.inf, -math.inf)


@njit(parallel=True)
def scale_into(a, out, k):
    for i in prange(a.shape[0]):
        out[i] = math.sqrt(a[i]) * k


@njit(parallel=True)
def rows(m, out):
    for i in prange(m.shape[0]):
        acc = 0.0
        for j in range(m.shape[1]):
            acc += m[i, j]
        out[i] = acc


@njit(parallel=True)
def start_stop(n):
    out = np.zeros(n)
    for i in prange(3, n - 2):
        out[i] = i
    return out


def test_writes_into_arrays():
    a = _data()
    out = np.zeros_like(a)
    scale_into(a, out, 3.0)
    np.testing.assert_array_equal(out, np.sqrt(a) * 3.0)
    m = _data(N // 100 * 100).reshape(-1, 100)
    r = np.zeros(m.shape[0])
    rows(m, r)
    np.testing.assert_allclose(r, m.sum(axis=1), rtol=1e-12)
    np.testing.assert_array_equal(start_stop(N), start_stop.py_func(N))
    np.testing.assert_array_equal(start_stop(4), start_stop.py_func(4))


@njit(parallel=True)
def tids(out):
    for i in prange(out.shape[0]):
        out[i] = gettid()


def test_prange_runs_on_several_threads():
    out = np.zeros(N, np.int64)
    tids(out)
    ids = np.unique(out)
    assert len(ids) == 2, ids
    assert threading.get_native_id() in ids
    jitprofile.set_num_threads(1)
    tids(out)
    assert np.unique(out).tolist() == [threading.get_native_id()]
    jitprofile.set_num_threads(2)
    # same result with 1 or 2 threads
    a = _data()
    two = int_sum(N), min_max(a)
    jitprofile.set_num_threads(1)
    assert (int_sum(N), min_max(a)) == two


@njit(parallel=True)
def raising(a):
    s = 0.0
    for i in prange(a.shape[0]):
        if a[i] < 0.0:
            raise ValueError("negative element")
        s += a[i]
    return s


def test_exception_inside_prange_propagates():
    a = np.ones(N)
    assert raising(a) == float(N)
    missed = []
    for pos in [0, 1] + [N * k // 12 + 1 for k in range(1, 12)] + [N - 1]:
        for _ in range(2):
            a[pos] = -1.0
            try:
                raising(a)
                missed.append(pos)
            except ValueError as e:
                assert "negative element" in str(e)
            a[pos] = 1.0
    assert missed == [], f"no ValueError when the negative element was at {missed}"
    assert raising(a) == float(N)


def test_jitted_call_raising_inside_prange():
    @njit
    def check(x):
        if x > 0.5:
            raise KeyError("too big")
        return x

    @njit(parallel=True)
    def f(a):
        s = 0.0
        for i in prange(a.shape[0]):
            s += check(a[i])
        return s

    a = np.full(N, 0.25)
    assert f(a) == 0.25 * N
    a[N // 2 + 7] = 0.9
    with pytest.raises(KeyError):
        f(a)


def test_return_inside_prange_is_unsupported():
    @njit(parallel=True)
    def first_positive(a):
        for i in prange(a.shape[0]):
            if a[i] > 0:
                return i
        return -1

    with pytest.raises(UnsupportedError, match="prange") as ei:
        first_positive(np.ones(5))
    assert "first_positive" in str(ei.value)
    assert "return" in str(ei.value)


def test_break_inside_prange_is_unsupported():
    @njit(parallel=True)
    def brk(a):
        s = 0.0
        for i in prange(a.shape[0]):
            if a[i] > 0:
                break
            s += a[i]
        return s

    with pytest.raises(UnsupportedError, match="break"):
        brk(np.ones(5))


def test_prange_without_parallel_is_range():
    @njit
    def first_positive(a):
        for i in prange(a.shape[0]):
            if a[i] > 0:
                return i
        return -1

    @njit
    def seq(n):
        out = np.zeros(n, np.int64)
        for i in prange(n):
            out[i] = gettid()
        return out

    assert first_positive(np.array([-1.0, 0.0, 3.0, 4.0])) == 2
    assert first_positive(np.zeros(3)) == -1
    assert np.unique(seq(N)).tolist() == [threading.get_native_id()]
    # a plain Python call: prange is range
    assert list(prange(2, 5)) == [2, 3, 4]
    assert sum_sq.py_func(np.arange(4.0)) == 14.0


def test_parallel_function_called_from_several_python_threads():
    a = _data()
    expected = float(np.dot(a, a))
    errors = []

    def work():
        try:
            for _ in range(5):
                if not math.isclose(sum_sq(a), expected, rel_tol=1e-12):
                    errors.append("mismatch")
        except BaseException as e:  # noqa: BLE001
            errors.append(repr(e))

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []


@njit
def calls_parallel(a):
    return sum_sq(a) + 1.0


def test_parallel_function_called_from_jitted_code():
    a = _data()
    assert math.isclose(calls_parallel(a), float(np.dot(a, a)) + 1.0, rel_tol=1e-12)
