"""Allocation in jit code (issue 3): np.empty/zeros/ones/full/*_like/arange/linspace/copy,
array methods, dtype= spellings, ownership of returned arrays, and memory that stays flat
over 10^5 allocating calls (RSS; the JIT's memory is malloc'd in C, so tracemalloc cannot
see it), including calls that raise after allocating."""
import gc
import os
import sys

import numpy as np
import pytest

from jitprofile import njit


# ---- constructors --------------------------------------------------------------------------

def test_zeros_ones_empty_full_shapes():
    @njit
    def make(n, m):
        return (np.zeros(n), np.ones((n, m)), np.empty(n).shape, np.full((m, n), 2.5),
                np.zeros((n, m, 2)))

    z, o, eshape, f, z3 = make(3, 4)
    np.testing.assert_array_equal(z, np.zeros(3))
    assert z.dtype == np.float64
    np.testing.assert_array_equal(o, np.ones((3, 4)))
    assert tuple(eshape) == (3,)
    np.testing.assert_array_equal(f, np.full((4, 3), 2.5))
    assert f.dtype == np.float64
    np.testing.assert_array_equal(z3, np.zeros((3, 4, 2)))
    for arr in (z, o, f, z3):
        assert arr.flags.c_contiguous and arr.flags.writeable and arr.flags.aligned


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int8, np.int32, np.int64, np.uint16,
                                np.complex64, np.complex128, np.bool_], ids=str)
def test_dtype_keyword_numpy_types(dt):
    @njit
    def make(n):
        return np.zeros(n, dtype=dt), np.ones(n, dt), np.empty((n, 2), dtype=dt)

    z, o, e = make(4)
    assert z.dtype == dt and o.dtype == dt and e.dtype == dt
    np.testing.assert_array_equal(z, np.zeros(4, dt))
    np.testing.assert_array_equal(o, np.ones(4, dt))
    assert e.shape == (4, 2)


@pytest.mark.parametrize("dt", [float, int, complex, bool], ids=lambda t: t.__name__)
def test_dtype_keyword_builtin_types(dt):
    @njit
    def make(n):
        return np.ones(n, dtype=dt)

    r = make(3)
    exp = np.ones(3, dtype=dt)
    assert r.dtype == exp.dtype
    np.testing.assert_array_equal(r, exp)


def test_full_infers_dtype_from_fill_value():
    @njit
    def make():
        return np.full(3, 7), np.full(3, 1.5), np.full(2, 1j), np.full((2, 2), True)

    for got, exp in zip(make(), (np.full(3, 7), np.full(3, 1.5), np.full(2, 1j),
                                 np.full((2, 2), True))):
        assert got.dtype == exp.dtype, (got.dtype, exp.dtype)
        np.testing.assert_array_equal(got, exp)


@pytest.mark.parametrize("order", ["C", "F", "strided"])
@pytest.mark.parametrize("dt", [np.float32, np.int16, np.complex128], ids=str)
def test_like_functions(order, dt):
    @njit
    def likes(a):
        return np.empty_like(a), np.zeros_like(a), np.ones_like(a), np.full_like(a, 3)

    base = np.arange(12).reshape(3, 4).astype(dt)
    a = {"C": base, "F": np.asfortranarray(base), "strided": base[:, ::2]}[order]
    e, z, o, f = likes(a)
    for r in (e, z, o, f):
        assert r.shape == a.shape and r.dtype == a.dtype
    np.testing.assert_array_equal(z, np.zeros_like(a))
    np.testing.assert_array_equal(o, np.ones_like(a))
    np.testing.assert_array_equal(f, np.full_like(a, 3))
    # the result is a new array, not the argument
    assert not np.shares_memory(z, a)


def test_like_functions_dtype_keyword():
    @njit
    def likes(a):
        return np.zeros_like(a, dtype=np.int32), np.full_like(a, 2.5, dtype=np.float32)

    z, f = likes(np.arange(4.0))
    assert z.dtype == np.int32 and f.dtype == np.float32
    np.testing.assert_array_equal(f, np.full(4, 2.5, np.float32))


@pytest.mark.parametrize("args", [(5,), (2, 9), (2, 9, 3), (10, 0, -3), (0.5, 3.0, 0.5),
                                  (1.0, 2.0, 0.1), (3, 3), (5, 1)], ids=str)
def test_arange(args):
    @njit
    def ar1(a):
        return np.arange(a)

    @njit
    def ar2(a, b):
        return np.arange(a, b)

    @njit
    def ar3(a, b, c):
        return np.arange(a, b, c)

    got = (ar1, ar2, ar3)[len(args) - 1](*args)
    exp = np.arange(*args)
    assert got.dtype == exp.dtype, (got.dtype, exp.dtype)
    assert got.shape == exp.shape
    np.testing.assert_allclose(got, exp, rtol=0, atol=1e-12)


def test_arange_dtype():
    @njit
    def ar(n):
        return np.arange(n, dtype=np.float32)

    r = ar(5)
    assert r.dtype == np.float32
    np.testing.assert_array_equal(r, np.arange(5, dtype=np.float32))


@pytest.mark.parametrize("args", [(0.0, 1.0, 5), (0, 10, 11), (-1.0, 1.0, 2), (2.0, 2.0, 3),
                                  (1.0, 0.0, 7), (0.0, 1.0, 1), (0.0, 1.0, 0)], ids=str)
def test_linspace(args):
    @njit
    def ls(a, b, n):
        return np.linspace(a, b, n)

    got = ls(*args)
    exp = np.linspace(*args)
    assert got.dtype == exp.dtype and got.shape == exp.shape
    np.testing.assert_allclose(got, exp, rtol=1e-15, atol=1e-15)
    if len(exp):
        assert got[-1] == exp[-1] and got[0] == exp[0]


@pytest.mark.parametrize("order", ["C", "F", "strided"])
def test_copy_function_and_method(order):
    @njit
    def cp(a):
        b = np.copy(a)
        c = a.copy()
        b[0, 0] = -99.0
        c[0, 0] = -98.0
        return b, c

    base = np.arange(12.0).reshape(3, 4)
    a = {"C": base, "F": np.asfortranarray(base), "strided": base[:, ::2]}[order]
    orig = a.copy()
    b, c = cp(a)
    np.testing.assert_array_equal(a, orig)     # the argument is untouched
    exp = orig.copy()
    exp[0, 0] = -99.0
    np.testing.assert_array_equal(b, exp)
    exp[0, 0] = -98.0
    np.testing.assert_array_equal(c, exp)
    assert not np.shares_memory(b, a) and not np.shares_memory(c, a)


# ---- methods -----------------------------------------------------------------------------

@pytest.mark.parametrize("order", ["C", "F", "strided"])
def test_reshape_ravel_flatten(order):
    @njit
    def r(a):
        return a.reshape(4, 3), a.reshape((2, 6)), a.ravel(), a.flatten(), a.reshape(-1)

    base = np.arange(24.0).reshape(3, 8)
    if order == "C":
        a = base[:, :4].copy()
    elif order == "F":
        a = np.asfortranarray(base[:, :4])
    else:
        a = base[:, ::2]
    got = r(a)
    exp = (a.reshape(4, 3), a.reshape((2, 6)), a.ravel(), a.flatten(), a.reshape(-1))
    for g, e in zip(got, exp):
        assert g.shape == e.shape
        np.testing.assert_array_equal(g, e)


def test_reshape_of_contiguous_is_a_view():
    @njit
    def rv(a):
        b = a.reshape(2, 3)
        b[0, 0] = 42.0
        return b

    a = np.arange(6.0)
    b = rv(a)
    assert a[0] == 42.0
    assert np.shares_memory(a, b)


def test_flatten_is_a_copy():
    @njit
    def fl(a):
        f = a.flatten()
        f[0] = 42.0
        return f

    a = np.arange(6.0).reshape(2, 3)
    f = fl(a)
    assert a[0, 0] == 0.0 and f[0] == 42.0


def test_reshape_wrong_size_is_value_error():
    @njit
    def bad(a):
        return a.reshape(4, 4)

    with pytest.raises(ValueError):
        bad(np.arange(6.0))


@pytest.mark.parametrize("src, dst", [(np.float64, np.float32), (np.float64, np.int32),
                                      (np.int64, np.float64), (np.int32, np.complex128),
                                      (np.float32, np.int8), (np.int64, np.bool_),
                                      (np.uint8, np.int16)], ids=str)
def test_astype(src, dst):
    @njit
    def cast(a):
        return a.astype(dst)

    a = (np.arange(-4, 6) * 1.75).astype(src) if np.issubdtype(src, np.floating) else \
        np.arange(0, 10).astype(src)
    got = cast(a)
    exp = a.astype(dst)
    assert got.dtype == exp.dtype
    np.testing.assert_array_equal(got, exp)


def test_astype_builtin_and_strided():
    @njit
    def cast(a):
        return a.astype(int), a.astype(float)

    a = (np.arange(12.0) * 0.7).reshape(3, 4)[:, ::2]
    i, f = cast(a)
    np.testing.assert_array_equal(i, a.astype(int))
    np.testing.assert_array_equal(f, a)
    assert i.dtype == np.dtype(int)


@pytest.mark.parametrize("order", ["C", "F", "strided"])
def test_fill(order):
    @njit
    def fl(a, v):
        a.fill(v)

    base = np.zeros((4, 6))
    a = {"C": base, "F": np.asfortranarray(base), "strided": base[::2, ::3]}[order]
    fl(a, 3.5)
    assert (a == 3.5).all()
    if order == "strided":
        assert base.sum() == 3.5 * a.size      # only the view's elements


def test_transpose_method():
    @njit
    def tr(a):
        return a.transpose(), a.transpose().copy()

    a = np.arange(12.0).reshape(3, 4)
    t, tc = tr(a)
    np.testing.assert_array_equal(t, a.T)
    np.testing.assert_array_equal(tc, a.T)
    assert np.shares_memory(t, a)


# ---- ownership ------------------------------------------------------------------------------

@njit
def make_tmp_and_return(n):
    tmp = np.ones(n)
    out = np.zeros(n)
    for i in range(n):
        out[i] = tmp[i] * i
    return out


def test_returned_array_survives_temporaries():
    out = make_tmp_and_return(1000)
    gc.collect()
    junk = [np.ones(1000) * 7 for _ in range(50)]     # reuse freed memory if any was freed
    del junk
    gc.collect()
    np.testing.assert_array_equal(out, np.arange(1000.0))
    # NumPy does not own the memory: a base object keeps the jit allocation alive
    assert out.flags.owndata is False
    assert out.base is not None
    assert out.flags.writeable


def test_many_returned_arrays_stay_independent():
    outs = [make_tmp_and_return(100) * 1 for _ in range(3)]
    raw = [make_tmp_and_return(100) for _ in range(20)]
    gc.collect()
    for r in raw:
        np.testing.assert_array_equal(r, np.arange(100.0))
    raw[0][:] = -1
    np.testing.assert_array_equal(raw[1], np.arange(100.0))
    del outs


def test_view_of_argument_returned_has_argument_as_base():
    @njit
    def sub(a):
        return a[2:5]

    a = np.arange(10.0)
    v = sub(a)
    assert v.base is a
    del a
    gc.collect()
    np.testing.assert_array_equal(v, [2.0, 3.0, 4.0])


def test_view_of_jit_allocated_array_keeps_block_alive():
    @njit
    def part(n):
        a = np.arange(n) * 2.0
        return a[::3]

    v = part(30)
    gc.collect()
    _ = [np.ones(30) for _ in range(20)]
    np.testing.assert_array_equal(v, (np.arange(30) * 2.0)[::3])


def test_returned_pair_sharing_one_block():
    @njit
    def two(n):
        a = np.arange(float(n))
        return a, a[1:]

    a, b = two(5)
    b[0] = 100.0
    assert a[1] == 100.0
    del a
    gc.collect()
    np.testing.assert_array_equal(b, [100.0, 2.0, 3.0, 4.0])


# ---- memory stays flat ------------------------------------------------------------------------

def rss_bytes():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


pytestmark_linux = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                      reason="RSS through /proc/self/statm")


def _growth(fn, calls, *args):
    for _ in range(2000):             # warm up: compile, allocator pools
        fn(*args)
    gc.collect()
    before = rss_bytes()
    for _ in range(calls):
        fn(*args)
    gc.collect()
    return rss_bytes() - before


@njit
def alloc_internal(n):
    a = np.empty(n)          # 800 bytes for n=100, freed before returning
    for i in range(n):
        a[i] = i
    b = a * 2.0
    return b.sum()


@njit
def alloc_returned(n):
    return np.zeros(n)


@njit
def alloc_views(n):
    a = np.ones((n, 10))
    r = a[1:]
    s = r[:, ::2].copy()
    return s.reshape(-1)[3]


@pytestmark_linux
@pytest.mark.parametrize("fn", [alloc_internal, alloc_returned, alloc_views],
                         ids=["internal", "returned", "views"])
def test_allocating_function_does_not_leak(fn):
    # 10^5 calls x >= 800 bytes = >= 80 MB if leaked
    growth = _growth(fn, 100_000, 100)
    assert growth < 20 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB over 10^5 calls"


@njit
def raise_after_alloc(n, bad):
    a = np.ones(n)
    b = a + 1.0
    if bad:
        raise ValueError("bad input")
    return b.sum()


@njit
def raise_mid_loop(n):
    a = np.zeros(n)
    s = 0.0
    for i in range(n):
        t = np.ones(n)
        s += t[i]
        if i == n // 2:
            raise RuntimeError("halfway")
    return s + a[0]


def _raise_calls(fn, *args):
    try:
        fn(*args)
    except (ValueError, RuntimeError):
        pass


@pytestmark_linux
def test_exception_after_allocation_does_not_leak():
    assert raise_after_alloc(4, False) == 8.0
    with pytest.raises(ValueError):
        raise_after_alloc(4, True)
    growth = _growth(lambda: _raise_calls(raise_after_alloc, 100, True), 100_000)
    assert growth < 20 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB over 10^5 raising calls"


@pytestmark_linux
def test_exception_in_loop_with_temporaries_does_not_leak():
    with pytest.raises(RuntimeError):
        raise_mid_loop(10)
    growth = _growth(lambda: _raise_calls(raise_mid_loop, 100), 20_000)
    # 20000 calls x ~51 temporaries x 800 bytes = ~800 MB if leaked
    assert growth < 20 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB"


@pytestmark_linux
def test_returned_arrays_are_freed_when_python_drops_them():
    @njit
    def big(n):
        return np.ones(n)

    big(10)
    gc.collect()
    before = rss_bytes()
    for _ in range(200):
        a = big(1_000_000)      # 8 MB each: 1.6 GB if never freed
        del a
    gc.collect()
    growth = rss_bytes() - before
    assert growth < 64 * 2**20, f"RSS grew by {growth / 2**20:.1f} MiB"
