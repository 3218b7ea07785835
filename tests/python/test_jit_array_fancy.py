"""Advanced indexing (issue 12), as Numba supports it: one integer-array (or list of
ints) or boolean-mask index per subscript, with ints, slices, None / np.newaxis and
`...` around it; reads give a new C-contiguous array, writes and augmented writes are
buffered as NumPy's; np.nonzero / where(cond) / flatnonzero / argwhere / take,
a.item(); a[None], a[...] views.  Every result is compared with NumPy's own, for
several dtypes and layouts (C, F, strided and reversed views)."""
import re

import numpy as np
import pytest

import jitprofile
from jitprofile import _core, njit

DTYPES = [np.int32, np.int64, np.uint8, np.float32, np.float64, np.complex128, np.bool_]


def layouts2d(dtype):
    base = (np.arange(20) * 3 % 7 - 2).astype(dtype).reshape(4, 5)
    big = np.zeros((8, 10), dtype=dtype)
    big[::2, ::2] = base
    return {"C": base.copy(), "F": np.asfortranarray(base), "strided": big[::2, ::2],
            "reversed": base[::-1, ::-1].copy()[::-1, ::-1]}


def layouts1d(dtype):
    base = (np.arange(10) * 3 % 7 - 2).astype(dtype)
    big = np.zeros(30, dtype=dtype)
    big[::3] = base
    return {"C": base.copy(), "strided": big[::3], "reversed": base[::-1].copy()[::-1]}


LAY2 = list(layouts2d(np.float64))
LAY1 = list(layouts1d(np.float64))


def same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.array_equal(got, want)


def live():
    return _core.nrt_stats()[0]


# ---- integer-array reads ---------------------------------------------------------------

@njit
def take0(a, i):
    return a[i]


@njit
def idx_then_int(a, i):
    return a[i, 2]


@njit
def int_then_idx(a, i):
    return a[1, i]


@njit
def slice_then_idx(a, i):
    return a[:, i]


@njit
def step_then_idx(a, i):
    return a[::-2, i]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAY2)
def test_int_array_reads_2d(dtype, lay):
    a = layouts2d(dtype)[lay]
    for idx in (np.array([3, 0, -1, 3]), np.array([1], np.int32), np.array([], np.int64),
                np.array([2, 2], np.uint8)):
        same(take0(a, idx), a[idx])
        same(idx_then_int(a, idx), a[idx, 2])
    for idx in (np.array([4, 0, -5, 2]), np.array([1, 1], np.int16)):
        same(int_then_idx(a, idx), a[1, idx])
        same(slice_then_idx(a, idx), a[:, idx])
        same(step_then_idx(a, idx), a[::-2, idx])
    r = take0(a, np.array([0, 1]))
    assert r.flags.c_contiguous and r.flags.owndata is not None
    r[0, 0] = r[0, 0]       # a new array, not a view: writing to it leaves a alone


@pytest.mark.parametrize("dtype", [np.int64, np.float64, np.complex128])
@pytest.mark.parametrize("lay", LAY1)
def test_int_array_reads_1d(dtype, lay):
    a = layouts1d(dtype)[lay]
    idx = np.array([9, -10, 0, 5, 5])
    same(take0(a, idx), a[idx])
    same(take0(a, idx[::2]), a[idx[::2]])       # a strided index array


def test_int_array_read_is_a_copy():
    a = np.arange(6.0)
    r = take0(a, np.array([1, 2]))
    r[0] = 100.0
    assert a[1] == 1.0


@njit
def three_d(a, i):
    return a[1, i, ::2]


def test_int_array_3d():
    a = np.arange(60).reshape(3, 4, 5)
    idx = np.array([3, 0, -2])
    same(three_d(a, idx), a[1, idx, ::2])
    same(three_d(np.asfortranarray(a), idx), a[1, idx, ::2])


@pytest.mark.parametrize("bad", [10, -11])
def test_int_array_out_of_bounds(bad):
    a = np.arange(10.0)
    with pytest.raises(IndexError, match=f"index {bad} is out of bounds for axis 0 with size 10"):
        take0(a, np.array([0, bad]))
    b = np.zeros((3, 4))
    with pytest.raises(IndexError, match="index 4 is out of bounds for axis 1 with size 4"):
        int_then_idx(b, np.array([4]))


@njit
def list_index(a):
    return a[[2, 0, -1]]


@njit
def list_index2(a):
    return a[1, [3, 0]]


def test_list_of_ints_index():
    a = np.arange(12.0).reshape(3, 4)
    same(list_index(a), a[[2, 0, -1]])
    same(list_index2(a), a[1, [3, 0]])


# ---- boolean masks ---------------------------------------------------------------------

@njit
def mask_gt(a, t):
    return a[a > t]


@njit
def row_mask(a, m):
    return a[m]


@njit
def col_mask(a, m):
    return a[:, m]


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.float32, np.float64])
@pytest.mark.parametrize("lay", LAY2)
def test_mask_reads(dtype, lay):
    a = layouts2d(dtype)[lay]
    same(mask_gt(a, 1), a[a > 1])
    same(mask_gt(a, 100), a[a > 100])           # nothing selected
    m = np.array([True, False, True, True])
    same(row_mask(a, m), a[m])
    same(row_mask(a, np.ones((4, 5), bool)), a[np.ones((4, 5), bool)])
    mc = np.array([False, True, False, False, True])
    same(col_mask(a, mc), a[:, mc])
    same(row_mask(a, a.T.T != 0), a[a != 0])


def test_mask_strided_mask():
    a = np.arange(10.0)
    m = np.zeros(20, bool)
    m[::4] = True
    same(row_mask(a, m[::2]), a[m[::2]])


def test_mask_shape_mismatch():
    a = np.zeros((3, 4))
    with pytest.raises(IndexError) as e:
        row_mask(a, np.array([True, False]))
    with pytest.raises(IndexError) as want:
        a[np.array([True, False])]
    assert str(e.value) == str(want.value)
    with pytest.raises(IndexError, match="boolean index did not match indexed array along axis 1"):
        row_mask(a, np.ones((3, 5), bool))


# ---- writes ----------------------------------------------------------------------------

@njit
def set_idx(a, i, v):
    a[i] = v


@njit
def set_idx_col(a, i, v):
    a[:, i] = v


@njit
def set_mask_gt(a, t, v):
    a[a > t] = v


@njit
def iadd_idx(a, i, v):
    a[i] += v


@njit
def iadd_mask(a):
    a[a > 2] += 1


@njit
def imul_mask_col(a, m):
    a[:, m] *= 2


@pytest.mark.parametrize("dtype", [np.int32, np.float32, np.float64, np.complex128])
@pytest.mark.parametrize("lay", LAY2)
def test_writes(dtype, lay):
    def both(f, *args):
        a, b = layouts2d(dtype)[lay], layouts2d(dtype)[lay]
        f(a, *args)
        f.py_func(b, *args)
        same(a, b)

    idx = np.array([3, 0, -1])
    both(set_idx, idx, 7)
    both(set_idx, idx, np.arange(5).astype(dtype))                       # broadcast a row
    both(set_idx, idx, np.arange(15).astype(dtype).reshape(3, 5))
    both(set_idx_col, np.array([4, 1]), np.arange(8).astype(dtype).reshape(4, 2))
    both(set_idx, layouts2d(dtype)["C"].real > 1, 0)                     # a mask argument
    if dtype is not np.complex128:      # (complex `a > t` in jit code is a separate bug)
        both(set_mask_gt, 1, 0)
    both(iadd_idx, np.array([1, 1, 3]), 5)                               # a repeated index: once
    both(iadd_idx, np.array([0, 2]), np.ones(5, dtype))
    both(imul_mask_col, np.array([True, False, True, False, True]))


def test_mask_write_from_array():
    a = np.arange(10.0)
    b = a.copy()
    vals = np.arange(100.0, 104.0)
    set_idx(a, a > 5, vals)
    b[b > 5] = vals
    same(a, b)
    with pytest.raises(ValueError):
        set_idx(a, a > 5, np.arange(3.0))


def test_iadd_mask_ints():
    for dtype in (np.int64, np.int8, np.uint16):
        a = np.arange(6, dtype=dtype)
        b = a.copy()
        iadd_mask(a)
        b[b > 2] += 1
        same(a, b)


def test_write_aliasing_rhs():
    a = np.arange(8.0)
    b = a.copy()
    set_idx(a, np.array([0, 1, 2, 3]), a[::-1][:4])
    b[np.array([0, 1, 2, 3])] = b[::-1][:4]
    same(a, b)


def test_write_out_of_bounds():
    a = np.arange(5.0)
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 5"):
        set_idx(a, np.array([5]), 1.0)
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_write_readonly_rejected():
    a = np.arange(5.0)
    a.flags.writeable = False
    with pytest.raises(jitprofile.TypingError, match="read-only"):
        set_idx(a, np.array([0]), 1.0)


# ---- nonzero, where(cond), flatnonzero, argwhere, take, item ------------------------------

@njit
def nz(a):
    return np.nonzero(a)


@njit
def nz_method(a):
    return a.nonzero()


@njit
def where1(a):
    return np.where(a > 1)


@njit
def flatnz(a):
    return np.flatnonzero(a)


@njit
def argw(a):
    return np.argwhere(a)


@njit
def take_f(a, i):
    return np.take(a, i)


@njit
def take_m(a, i):
    return a.take(i)


@njit
def item0(a):
    return a.item()


@njit
def item1(a, i):
    return a.item(i)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lay", LAY2)
def test_nonzero_family(dtype, lay):
    a = layouts2d(dtype)[lay]
    for got, want in zip(nz(a), np.nonzero(a)):
        same(got, want)
    for got, want in zip(nz_method(a), a.nonzero()):
        same(got, want)
    same(flatnz(a), np.flatnonzero(a))
    same(argw(a), np.argwhere(a))
    if dtype not in (np.complex128, np.bool_):
        for got, want in zip(where1(a), np.where(a > 1)):
            same(got, want)
    idx = np.array([0, 19, -1, 7])
    same(take_f(a, idx), np.take(a, idx))
    same(take_m(a, idx), a.take(idx))
    assert take_f(a, 7) == np.take(a, 7)
    assert item1(a, 7) == a.item(7) and item1(a, -1) == a.item(-1)


def test_nonzero_1d_and_3d():
    a = np.array([0, 2, 0, -1, 0])
    for got, want in zip(nz(a), np.nonzero(a)):
        same(got, want)
    b = (np.arange(24) % 5 == 0).reshape(2, 3, 4)
    for got, want in zip(nz(b), np.nonzero(b)):
        same(got, want)
    same(argw(b), np.argwhere(b))
    same(argw(np.zeros(3)), np.argwhere(np.zeros(3)))


def test_take_item_errors():
    a = np.arange(6.0).reshape(2, 3)
    with pytest.raises(IndexError, match="index 6 is out of bounds for axis 0 with size 6"):
        take_f(a, np.array([6]))
    with pytest.raises(IndexError, match="index -7 is out of bounds"):
        take_f(a, -7)
    with pytest.raises(IndexError, match="index 6 is out of bounds for axis 0 with size 6"):
        item1(a, 6)
    with pytest.raises(ValueError, match="can only convert an array of size 1 to a Python scalar"):
        item0(a)
    assert item0(np.array([[2.5]])) == 2.5
    assert item0(np.array([3], np.int16)) == 3


# ---- None / np.newaxis / ... -------------------------------------------------------------

@njit
def newaxis_front(a):
    return a[None]


@njit
def newaxis_mid(a):
    return a[:, np.newaxis]


@njit
def newaxis_lead(a):
    return a[np.newaxis, :]


@njit
def ellipsis_all(a):
    return a[...]


@njit
def ellipsis_last(a):
    return a[..., 1]


@njit
def ellipsis_idx(a, i):
    return a[..., i]


@njit
def ellipsis_write(a, v):
    a[...] = v


@njit
def newaxis_sum(a):
    return (a[:, None] * a[None, :]).sum()


@pytest.mark.parametrize("lay", LAY2)
def test_newaxis_and_ellipsis_views(lay):
    a = layouts2d(np.float64)[lay]
    for f, want in ((newaxis_front, a[None]), (newaxis_mid, a[:, np.newaxis]),
                    (newaxis_lead, a[np.newaxis, :]), (ellipsis_all, a[...]), (ellipsis_last, a[..., 1])):
        r = f(a)
        same(r, want)
        assert np.shares_memory(r, a)       # views
    same(ellipsis_idx(a, np.array([4, 0])), a[..., [4, 0]])
    v = np.arange(5.0)
    assert newaxis_sum(v) == (v[:, None] * v[None, :]).sum()


def test_ellipsis_write():
    a = np.zeros((2, 3))
    ellipsis_write(a, np.arange(3.0))
    same(a, np.tile(np.arange(3.0), (2, 1)))


def test_views_alias():
    a = np.arange(6.0)
    r = newaxis_mid(a)
    r[2, 0] = 100.0
    assert a[2] == 100.0


# ---- what is not supported: a clear error, never a wrong answer -------------------------

def _err(f, *args):
    with pytest.raises((jitprofile.TypingError, jitprofile.UnsupportedError)) as e:
        f(*args)
    return str(e.value)


def test_two_advanced_indices_unsupported():
    @njit
    def two(a, i, j):
        return a[i, j]

    msg = _err(two, np.zeros((3, 3)), np.array([0]), np.array([1]))
    assert re.search(r"test_jit_array_fancy\.py:\d+:\d+", msg)
    assert "more than one advanced (array) index" in msg and "a[i][:, j]" in msg


def test_2d_int_index_unsupported():
    msg = _err(take0, np.zeros(5), np.zeros((2, 2), np.int64))
    assert "2-d integer array" in msg and "ravel" in msg


def test_float_index_array_rejected():
    msg = _err(take0, np.zeros(5), np.zeros(2))
    assert "integer or boolean type" in msg


def test_two_ellipses_rejected():
    @njit
    def ee(a):
        return a[..., ...]

    assert "single ellipsis" in _err(ee, np.zeros((2, 2)))


def test_ellipsis_outside_subscript_rejected():
    @njit
    def e(a):
        x = ...
        return a

    assert "ellipsis" in _err(e, np.zeros(2))


# ---- reference counting ------------------------------------------------------------------

def test_no_leaks():
    a = np.arange(20.0).reshape(4, 5)
    idx = np.array([1, 3])
    m = a > 5
    for f, args in ((take0, (a, idx)), (row_mask, (a, m)), (nz, (a,)), (argw, (a,)),
                    (flatnz, (a,)), (take_f, (a, idx)), (newaxis_mid, (a,)), (ellipsis_all, (a,)),
                    (list_index, (a,))):
        f(*args)
        before = live()
        for _ in range(50):
            f(*args)
        assert live() == before, f.__name__
    b = a.copy()
    iadd_idx(b, idx, 1.0)
    before = live()
    for _ in range(50):
        iadd_idx(b, idx, 1.0)
        set_idx(b, m, 0.0)
        iadd_mask(b)
    assert live() == before


@njit
def fancy_in_loop(a, idx):
    s = 0.0
    for k in range(10):
        r = a[idx]
        r = a[a > k]
        s += r.sum()
    return s


def test_rebinding_fancy_results():
    a = np.arange(12.0)
    idx = np.array([1, 5])
    fancy_in_loop(a, idx)
    before = live()
    assert fancy_in_loop(a, idx) == fancy_in_loop.py_func(a, idx)
    assert live() == before


def test_take_axis_and_item_two_args_rejected():
    @njit
    def take_axis(a, i):
        return np.take(a, i, axis=0)

    @njit
    def item2(a):
        return a.item(0, 1)

    assert "unexpected keyword argument 'axis'" in _err(take_axis, np.zeros((2, 2)), np.array([0]))
    assert "item()" in _err(item2, np.zeros((2, 2)))


def test_mask_write_shape_mismatch_writes_nothing():
    a = np.arange(6.0)
    with pytest.raises(IndexError, match="boolean index did not match indexed array along axis 0"):
        set_idx(a, np.array([True, False]), 1.0)
    b = np.zeros((2, 3))
    with pytest.raises(IndexError, match="size of axis is 3 but size of corresponding boolean axis is 2"):
        set_idx_col(b, np.array([True, True]), 1.0)
    assert a.tolist() == list(np.arange(6.0)) and not b.any()


def test_mask_scalar_store_nd_and_strided():
    for a in (np.arange(24.0).reshape(2, 3, 4), np.asfortranarray(np.arange(24.0).reshape(2, 3, 4)),
              np.arange(48.0).reshape(4, 3, 4)[::2]):
        b = a.copy()
        m = (a % 3 == 0)
        set_idx(a, m, -1.0)
        b[m] = -1.0
        same(a, b)
        m1 = np.array([False, True, True])
        set_idx_col(a, m1, 7)
        b[:, m1] = 7
        same(a, b)


def test_list_argument_as_index():
    a = np.arange(10.0)
    same(take0(a, [3, -1, 0]), a[[3, -1, 0]])
    with pytest.raises(IndexError, match="index 20 is out of bounds for axis 0 with size 10"):
        take0(a, [1, 20])


@njit
def complex_orders(a, b):
    return a < b, a <= b, a > b, a >= b


def test_complex_array_ordering_is_numpys():
    # found while testing masks: `a > t` on complex arrays was `a != t`
    nan = float("nan")
    a = np.array([-2, 0, 1, 2, 1 + 1j, 1 - 1j, complex(1, nan), complex(3, nan), complex(nan, 0), 2j])
    b = np.array([1, 1, 1, 1, 1, 1, 2, 2, 2, 2j], complex)
    with np.errstate(invalid="ignore"):
        want = (a < b, a <= b, a > b, a >= b)
    for got, w in zip(complex_orders(a, b), want):
        same(got, w)
    c = a.copy()
    set_mask_gt(c, 1, 0)
    d = a.copy()
    with np.errstate(invalid="ignore"):
        d[d > 1] = 0
    np.testing.assert_array_equal(c, d)
