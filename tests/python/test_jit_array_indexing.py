"""Array indexing (issue 3): integer and tuple indices (negative too), slices with steps as
views that alias the argument, row views, item and slice assignment with broadcasting,
attributes, len, iteration, and boundscheck=True."""
import numpy as np
import pytest

from jitprofile import njit


def layouts2d(dtype=np.float64):
    """(name, array) pairs of the same 4x5 values in C, F and strided layouts."""
    base = (np.arange(20) * 1.5 - 7).astype(dtype).reshape(4, 5)
    big = np.zeros((8, 10), dtype=dtype)
    big[::2, ::2] = base
    return [("C", base.copy()), ("F", np.asfortranarray(base)), ("strided", big[::2, ::2]),
            ("reversed", base[::-1, ::-1].copy()[::-1, ::-1])]


def layouts1d(dtype=np.float64):
    base = (np.arange(10) * 2 - 5).astype(dtype)
    big = np.zeros(30, dtype=dtype)
    big[::3] = base
    rev = base[::-1].copy()
    return [("C", base.copy()), ("strided", big[::3]), ("reversed", rev[::-1])]


LAY2 = [n for n, _ in layouts2d()]
LAY1 = [n for n, _ in layouts1d()]
DTYPES = [np.int32, np.int64, np.uint8, np.float32, np.float64, np.complex128]


def get2(name, dtype=np.float64):
    return dict(layouts2d(dtype))[name]


def get1(name, dtype=np.float64):
    return dict(layouts1d(dtype))[name]


# ---- reading -----------------------------------------------------------------------------

@njit
def at1(a, i):
    return a[i]


@njit
def at2(a, i, j):
    return a[i, j]


@njit
def at2_tuple(a, t):
    return a[t]


@njit
def at2_chain(a, i, j):
    return a[i][j]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("lay", LAY1)
def test_int_index_1d(lay, dtype):
    a = get1(lay, dtype)
    for i in list(range(-10, 10)):
        assert at1(a, i) == a[i]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("lay", LAY2)
def test_tuple_index_2d(lay, dtype):
    a = get2(lay, dtype)
    for i in range(-4, 4):
        for j in range(-5, 5):
            assert at2(a, i, j) == a[i, j]
            assert at2_chain(a, i, j) == a[i, j]


@pytest.mark.parametrize("lay", LAY2)
def test_index_by_tuple_variable(lay):
    a = get2(lay)
    for t in [(2, -1), (0, 0), (-4, 4)]:
        assert at2_tuple(a, t) == a[t]


def test_3d_index():
    @njit
    def at3(a, i, j, k):
        return a[i, j, k]

    a = np.arange(60.0).reshape(3, 4, 5)
    for arr in (a, np.asfortranarray(a), a[:, ::2, ::-1]):
        for idx in [(0, 0, 0), (2, -1, 1), (-3, 1, -2)]:
            assert at3(arr, *idx) == arr[idx]


@njit
def slice_step(a, start, stop, step):
    return a[start:stop:step]


@pytest.mark.parametrize("lay", LAY1)
@pytest.mark.parametrize("sl", [(0, 10, 1), (1, 9, 2), (9, 0, -1), (8, 1, -3), (-1, -11, -1),
                                (-3, 10, 1), (0, 100, 4), (5, 5, 1), (-100, 100, 3),
                                (7, 2, 1)])
def test_slice_with_steps_1d(lay, sl):
    a = get1(lay)
    r = slice_step(a, *sl)
    np.testing.assert_array_equal(r, a[slice(*sl)])
    assert r.shape == a[slice(*sl)].shape


def test_open_slices():
    @njit
    def tails(a):
        return a[2:], a[:3], a[::-1], a[::2], a[:]

    a = np.arange(7.0)
    for got, exp in zip(tails(a), (a[2:], a[:3], a[::-1], a[::2], a[:])):
        np.testing.assert_array_equal(got, exp)


@pytest.mark.parametrize("lay", LAY2)
def test_2d_slices_and_rows(lay):
    @njit
    def parts(a):
        return a[1], a[:, 0], a[1:3, ::2], a[::-1, 1], a[-1, ::-2], a[:, -1]

    a = get2(lay)
    exp = (a[1], a[:, 0], a[1:3, ::2], a[::-1, 1], a[-1, ::-2], a[:, -1])
    got = parts(a)
    for g, e in zip(got, exp):
        np.testing.assert_array_equal(g, e)
        assert g.shape == e.shape


# ---- views alias the argument --------------------------------------------------------------

@njit
def write_through_slice(a):
    v = a[1:8:3]
    v[0] = 100.0
    v[-1] = 200.0
    return v


@pytest.mark.parametrize("lay", LAY1)
def test_writes_through_view_visible_in_caller(lay):
    a = get1(lay)
    exp = a.copy()
    exp[1:8:3][0] = 100.0
    exp[1:8:3][-1] = 200.0
    v = write_through_slice(a)
    np.testing.assert_array_equal(a, exp)
    np.testing.assert_array_equal(v, exp[1:8:3])
    # the returned view still aliases the caller's array
    v[1] = -1.0
    assert a[4] == -1.0


def test_returned_view_has_argument_as_base():
    @njit
    def view(a):
        return a[1:]

    a = np.arange(6.0)
    v = view(a)
    assert np.shares_memory(v, a)
    assert v.base is a or v.base is a.base or (v.base is not None and v.base.base is a)
    assert v.base is a, f"base is {type(v.base)}"


def test_negative_step_view_writes():
    @njit
    def rev_fill(a):
        r = a[::-1]
        for i in range(r.shape[0]):
            r[i] = i

    a = np.zeros(5)
    rev_fill(a)
    np.testing.assert_array_equal(a, [4.0, 3.0, 2.0, 1.0, 0.0])


@pytest.mark.parametrize("lay", LAY2)
def test_row_view_write_visible(lay):
    @njit
    def bump_row(m, i):
        r = m[i]
        for j in range(r.shape[0]):
            r[j] += 1.0

    a = get2(lay)
    exp = a.copy()
    exp[2] += 1.0
    bump_row(a, 2)
    np.testing.assert_array_equal(a, exp)


# ---- assignment ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("lay", LAY2)
def test_item_assignment_and_augmented(lay, dtype):
    @njit
    def upd(a, v):
        a[0, 0] = v
        a[1, -1] += v
        a[-1, 2] *= 2
        a[2][3] = v + v

    a = get2(lay, dtype)
    exp = a.copy()
    v = dtype(3)
    upd.py_func(exp, v)
    upd(a, v)
    np.testing.assert_array_equal(a, exp)


@pytest.mark.parametrize("lay", LAY1)
def test_item_assignment_negative_1d(lay):
    @njit
    def setn(a):
        a[-1] = 7.0
        a[-2] += 1.5

    a = get1(lay)
    exp = a.copy()
    setn.py_func(exp)
    setn(a)
    np.testing.assert_array_equal(a, exp)


@pytest.mark.parametrize("lay", LAY1)
def test_slice_assignment_scalar_broadcast(lay):
    @njit
    def z(a):
        a[1:3] = 0.0
        a[5::2] = -1.0

    a = get1(lay)
    exp = a.copy()
    z.py_func(exp)
    z(a)
    np.testing.assert_array_equal(a, exp)


@pytest.mark.parametrize("lay", LAY2)
def test_column_and_block_assignment(lay):
    @njit
    def cols(m, v):
        m[:, 0] = v
        m[1:3, 1:4] = 9.0
        m[-1] = m[0]

    m = get2(lay)
    v = np.array([10.0, 20.0, 30.0, 40.0])
    exp = m.copy()
    cols.py_func(exp, v)
    cols(m, v)
    np.testing.assert_array_equal(m, exp)


def test_slice_assignment_array_broadcast_rows():
    @njit
    def setrows(m, row):
        m[:] = row

    m = np.zeros((3, 4))
    row = np.array([1.0, 2.0, 3.0, 4.0])
    setrows(m, row)
    np.testing.assert_array_equal(m, np.tile(row, (3, 1)))
    mf = np.zeros((3, 4), order="F")
    setrows(mf, row[::-1].copy())
    np.testing.assert_array_equal(mf, np.tile(row[::-1], (3, 1)))


def test_slice_assignment_shape_mismatch_is_value_error():
    @njit
    def bad(a, b):
        a[0:3] = b

    with pytest.raises(ValueError):
        bad(np.zeros(5), np.ones(4))


def test_assignment_casts_like_numpy():
    @njit
    def put(a, x):
        a[0] = x
        a[1:] = x

    a = np.zeros(3, dtype=np.int32)
    put(a, 7)
    np.testing.assert_array_equal(a, [7, 7, 7])
    f = np.zeros(3, dtype=np.float32)
    put(f, 0.1)
    np.testing.assert_array_equal(f, np.full(3, 0.1, dtype=np.float32))


# ---- attributes, len, iteration --------------------------------------------------------------

@njit
def attrs(a):
    return a.shape, a.ndim, a.size, a.strides, a.itemsize, a.nbytes, len(a)


@pytest.mark.parametrize("lay", LAY2)
@pytest.mark.parametrize("dtype", [np.float64, np.int8, np.complex64], ids=str)
def test_attributes_2d(lay, dtype):
    a = get2(lay, dtype)
    shape, ndim, size, strides, itemsize, nbytes, n = attrs(a)
    assert tuple(shape) == a.shape
    assert ndim == a.ndim
    assert size == a.size
    assert tuple(strides) == a.strides
    assert itemsize == a.itemsize
    assert nbytes == a.nbytes
    assert n == len(a)


@pytest.mark.parametrize("lay", LAY1)
def test_attributes_1d(lay):
    a = get1(lay)
    shape, ndim, size, strides, itemsize, nbytes, n = attrs(a)
    assert tuple(shape) == a.shape and ndim == 1 and size == a.size
    assert tuple(strides) == a.strides and n == len(a)


def test_transpose_attribute():
    @njit
    def tr(a):
        t = a.T
        return t, t.shape, t[1, 0]

    a = np.arange(6.0).reshape(2, 3)
    t, shape, x = tr(a)
    np.testing.assert_array_equal(t, a.T)
    assert tuple(shape) == (3, 2)
    assert x == a.T[1, 0]
    assert np.shares_memory(t, a)


def test_dtype_attribute():
    @njit
    def like(a):
        out = np.empty(3, dtype=a.dtype)
        out[:] = 1
        return out

    for dt in (np.float32, np.int16, np.complex128):
        r = like(np.zeros(2, dtype=dt))
        assert r.dtype == dt
        np.testing.assert_array_equal(r, np.ones(3, dtype=dt))


@pytest.mark.parametrize("lay", LAY1)
def test_iterate_1d(lay):
    @njit
    def it(a):
        s = 0.0
        k = 0.0
        for x in a:
            s += x * k
            k += 1.0
        return s

    a = get1(lay)
    assert it(a) == it.py_func(a)


@pytest.mark.parametrize("lay", LAY2)
def test_iterate_rows_2d(lay):
    @njit
    def rowsums(m):
        out = np.zeros(m.shape[0])
        i = 0
        for row in m:
            for x in row:
                out[i] += x
            i += 1
        return out

    m = get2(lay)
    np.testing.assert_array_equal(rowsums(m), m.sum(axis=1))


def test_iterate_rows_are_views():
    @njit
    def zero_rows(m):
        for row in m:
            row[0] = 0.0

    m = np.ones((3, 2))
    zero_rows(m)
    np.testing.assert_array_equal(m[:, 0], 0.0)
    np.testing.assert_array_equal(m[:, 1], 1.0)


def test_empty_array_len_and_loop():
    @njit
    def count(a):
        n = 0
        for _ in a:
            n += 1
        return n, len(a)

    assert tuple(count(np.zeros(0))) == (0, 0)


# ---- boundscheck ------------------------------------------------------------------------------

@njit(boundscheck=True)
def bc_get(a, i):
    return a[i]


@njit(boundscheck=True)
def bc_get2(a, i, j):
    return a[i, j]


@njit(boundscheck=True)
def bc_set(a, i, v):
    a[i] = v


def test_boundscheck_message_matches_numpy():
    a = np.zeros(10)
    with pytest.raises(IndexError) as ei:
        bc_get(a, 10)
    assert str(ei.value) == "index 10 is out of bounds for axis 0 with size 10"
    with pytest.raises(IndexError) as ei2:
        a[10]
    assert str(ei.value) == str(ei2.value)


def test_boundscheck_negative_out_of_range():
    a = np.zeros(10)
    with pytest.raises(IndexError) as ei:
        bc_get(a, -11)
    with pytest.raises(IndexError) as ei2:
        a[-11]
    assert str(ei.value) == str(ei2.value)
    assert bc_get(a, -10) == 0.0


def test_boundscheck_axis1_and_store():
    m = np.zeros((3, 4))
    with pytest.raises(IndexError) as ei:
        bc_get2(m, 1, 4)
    assert str(ei.value) == "index 4 is out of bounds for axis 1 with size 4"
    with pytest.raises(IndexError) as ei:
        bc_get2(m, 3, 0)
    assert str(ei.value) == "index 3 is out of bounds for axis 0 with size 3"
    with pytest.raises(IndexError) as ei:
        bc_set(np.zeros(5), 5, 1.0)
    assert str(ei.value) == "index 5 is out of bounds for axis 0 with size 5"


def test_boundscheck_in_range_is_fine_and_recovers():
    a = np.arange(10.0)
    with pytest.raises(IndexError):
        bc_get(a, 100)
    assert bc_get(a, 9) == 9.0
    assert bc_get(a, -1) == 9.0
    b = np.zeros(3)
    bc_set(b, 2, 4.0)
    assert b[2] == 4.0


# ---- more combinations ------------------------------------------------------------------------

def test_slice_of_slice_and_mixed_3d():
    @njit
    def nest(a):
        v = a[1:, ::-1]
        w = v[::2, 1:]
        return w, a[1, :, ::2], a[:, 2, 1], a[-1][1:3]

    a = np.arange(60.0).reshape(3, 4, 5)
    for arr in (a, np.asfortranarray(a), a[:, :, ::-1]):
        got = nest(arr)
        exp = (arr[1:, ::-1][::2, 1:], arr[1, :, ::2], arr[:, 2, 1], arr[-1][1:3])
        for g, e in zip(got, exp):
            np.testing.assert_array_equal(g, e)
            assert np.shares_memory(g, arr)


def test_row_assignment_from_scalar_2d():
    @njit
    def setrow(m, i, v):
        m[i] = v

    m = np.zeros((3, 4))
    setrow(m, -1, 5.0)
    exp = np.zeros((3, 4))
    exp[-1] = 5.0
    np.testing.assert_array_equal(m, exp)


def test_view_of_view_returned_keeps_values():
    @njit
    def vv(a):
        return a[::2][1:]

    a = np.arange(10.0)
    v = vv(a)
    del a
    import gc
    gc.collect()
    np.testing.assert_array_equal(v, np.arange(10.0)[::2][1:])


def test_zero_slice_step_is_value_error():
    a = np.arange(5.0)
    with pytest.raises(ValueError) as ei:
        slice_step(a, 0, 5, 0)
    with pytest.raises(ValueError) as ei2:
        a[0:5:0]
    assert str(ei.value) == str(ei2.value)


def test_inplace_add_of_view_row():
    @njit
    def acc(m):
        m[0] += m[1]
        m[:, 1] *= 2.0

    m = np.arange(12.0).reshape(3, 4)
    exp = m.copy()
    acc.py_func(exp)
    acc(m)
    np.testing.assert_array_equal(m, exp)
