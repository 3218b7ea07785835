"""Arrays across calls and references (issue 3): Python reference counts of arguments stay
balanced, arrays pass between jitted functions, overlapping assignments behave as NumPy's
(as if the right-hand side were copied first), arrays shared between threads."""
import gc
import sys
import threading

import numpy as np
import pytest

from jitprofile import njit


# ---- Python reference counts ----------------------------------------------------------------

@njit
def view_of(a):
    return a[1:]


@njit
def read_only(a):
    return a[0] + a.shape[0]


@njit
def reshape_view(a):
    return a.reshape(2, -1)


def test_argument_refcount_balanced_after_reads():
    a = np.arange(10.0)
    read_only(a)
    before = sys.getrefcount(a)
    for _ in range(1000):
        read_only(a)
    assert sys.getrefcount(a) == before


def test_argument_refcount_balanced_after_views_dropped():
    a = np.arange(10.0)
    view_of(a)
    gc.collect()
    before = sys.getrefcount(a)
    views = [view_of(a) for _ in range(100)]
    assert all(v.base is a for v in views)
    assert sys.getrefcount(a) == before + 100
    del views
    gc.collect()
    assert sys.getrefcount(a) == before


def test_argument_refcount_after_reshape_views():
    a = np.arange(10.0)
    reshape_view(a)
    gc.collect()
    before = sys.getrefcount(a)
    for _ in range(200):
        r = reshape_view(a)
        assert r.shape == (2, 5)
    del r
    gc.collect()
    assert sys.getrefcount(a) == before


def test_argument_refcount_after_exception():
    @njit
    def boom(a):
        b = a[2:]
        if b[0] > 0:
            raise ValueError("positive")
        return b

    a = np.arange(5.0)
    with pytest.raises(ValueError):
        boom(a)
    gc.collect()
    before = sys.getrefcount(a)
    for _ in range(200):
        with pytest.raises(ValueError):
            boom(a)
    gc.collect()
    assert sys.getrefcount(a) == before


# ---- arrays between jitted functions --------------------------------------------------------------

@njit
def callee_alloc(n):
    out = np.empty(n)
    for i in range(n):
        out[i] = i * 0.5
    return out


@njit
def callee_inplace(a, k):
    for i in range(a.shape[0]):
        a[i] *= k


@njit
def callee_view(a):
    return a[::2]


@njit
def caller(n):
    a = callee_alloc(n)
    callee_inplace(a, 4.0)
    v = callee_view(a)
    v[0] = -1.0
    return a, v.sum()


def test_arrays_pass_between_jitted_functions():
    a, s = caller(7)
    exp = np.arange(7) * 2.0
    exp[0] = -1.0
    np.testing.assert_array_equal(a, exp)
    assert s == exp[::2].sum()


def test_view_from_callee_keeps_parent_alive():
    @njit
    def outer(n):
        return callee_view(callee_alloc(n))

    v = outer(9)
    gc.collect()
    _ = [np.ones(9) for _ in range(20)]
    np.testing.assert_array_equal(v, (np.arange(9) * 0.5)[::2])


def test_array_in_returned_tuple_and_loop_carried():
    @njit
    def accumulate(n):
        acc = np.zeros(3)
        for i in range(n):
            acc = acc + np.ones(3) * i       # rebinding: the old acc is released
        return acc, n

    acc, n = accumulate(10)
    np.testing.assert_array_equal(acc, np.full(3, 45.0))
    assert n == 10


def test_shape_tuple_allocation_patterns():
    @njit
    def like_shape(a):
        out = np.zeros(a.shape)
        out2 = np.empty((a.shape[0], 2), dtype=np.int64)
        out2[:, 0] = 1
        out2[:, 1] = 2
        n, m = a.shape
        for i in range(n):
            for j in range(m):
                out[i, j] = a[i, j] * 2
        return out, out2

    a = np.arange(6.0).reshape(2, 3)
    out, out2 = like_shape(a)
    np.testing.assert_array_equal(out, a * 2)
    np.testing.assert_array_equal(out2, [[1, 2], [1, 2]])


# ---- overlapping assignments -----------------------------------------------------------------------

def test_overlapping_slice_assignment_shift_right():
    @njit
    def shift(a):
        a[1:] = a[:-1]

    a = np.arange(6.0)
    exp = a.copy()
    exp[1:] = exp[:-1]          # NumPy: as if the source were copied first
    shift(a)
    np.testing.assert_array_equal(a, exp)


def test_overlapping_slice_assignment_reverse():
    @njit
    def rev(a):
        a[:] = a[::-1]

    a = np.arange(7.0)
    rev(a)
    np.testing.assert_array_equal(a, np.arange(7.0)[::-1])


def test_overlapping_inplace_add_reversed_view():
    @njit
    def f(a):
        a += a[::-1]

    a = np.arange(6.0)
    exp = a.copy()
    exp += exp[::-1]
    f(a)
    np.testing.assert_array_equal(a, exp)


def test_overlapping_expression_into_column():
    @njit
    def f(m):
        m[:, 1] = m[:, 0] + m[:, 1]
        m[1:, :] = m[:-1, :] * 2.0

    m = np.arange(12.0).reshape(4, 3)
    exp = m.copy()
    exp[:, 1] = exp[:, 0] + exp[:, 1]
    exp[1:, :] = exp[:-1, :] * 2.0
    f(m)
    np.testing.assert_array_equal(m, exp)


# ---- threads --------------------------------------------------------------------------------------

@njit
def thread_work(a, n):
    s = 0.0
    for _ in range(n):
        t = a * 2.0
        v = t[1:]
        s += v.sum()
    return s


def test_shared_array_across_threads():
    a = np.arange(50.0)
    thread_work(a, 1)
    expected = thread_work.py_func(a, 200)
    results = []
    errors = []

    def run():
        try:
            results.append(thread_work(a, 200))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(4)]
    before = sys.getrefcount(a)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [expected] * 4
    gc.collect()
    assert sys.getrefcount(a) == before


# ---- memory across jitted calls ---------------------------------------------------------------------

def _rss():
    import os
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@njit
def chain_temporaries(n):
    acc = np.zeros(n)
    for i in range(10):
        acc = acc + callee_alloc(n)        # 2 x 800-byte temporaries per iteration for n=100
    v = callee_view(acc)
    return v[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RSS through /proc")
def test_no_leak_across_jitted_calls_and_rebinding():
    for _ in range(1000):
        chain_temporaries(100)
    gc.collect()
    before = _rss()
    for _ in range(10_000):                # 10^4 x ~21 blocks x 800 bytes = ~170 MB if leaked
        chain_temporaries(100)
    gc.collect()
    growth = _rss() - before
    assert growth < 20 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB"
