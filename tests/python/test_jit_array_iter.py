"""Iterating arrays as plain counted loops (issue 12): `for v in a` (1-d
elements, n-d rows), a.flat, np.ndenumerate, np.ndindex, np.nditer with one
to three operands (broadcast), and zip of arrays, ranges and .flat
iterators.  Each loop's result is compared with the same function run by
CPython and NumPy, over dtypes and layouts (C, F, strided, transposed);
break / continue / else; errors where NumPy raises; no leaked blocks."""
import numpy as np
import pytest

from jitprofile import TypingError, UnsupportedError, njit
from jitprofile import _core

DTYPES = [np.bool_, np.int32, np.int64, np.float32, np.float64]


def sample(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if np.issubdtype(dtype, np.integer):
        return rng.integers(-9, 10, shape).astype(dtype)
    return rng.uniform(-3, 3, shape).astype(dtype)


def layouts(a):
    out = [a, np.asfortranarray(a), a[..., ::2], a.T]
    big = np.zeros(tuple(2 * s for s in a.shape), dtype=a.dtype)
    view = big[tuple(slice(None, None, 2) for _ in a.shape)]
    view[...] = a
    return out + [view, view.T]


def order_hash(values):
    """A result that depends on the order of the values (a polynomial hash)."""
    h = 0.0
    for v in values:
        h = h * 0.75 + float(v)
    return h


# ---- for v in a ------------------------------------------------------------------------------------

def rows_sum(a):
    h = 0.0
    for row in a:
        for v in row:
            h = h * 0.75 + v
    return h


def elems_hash(a):
    h = 0.0
    for v in a:
        h = h * 0.75 + v
    return h


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
def test_for_over_rows_and_elements(dtype):
    a = sample(dtype, (5, 4), 1)
    for x in layouts(a):
        assert njit(rows_sum)(x) == pytest.approx(rows_sum(x), rel=1e-6)
        assert njit(elems_hash)(x[0]) == pytest.approx(elems_hash(x[0]), rel=1e-6)


# ---- a.flat ----------------------------------------------------------------------------------------

def flat_hash(a):
    h = 0.0
    for v in a.flat:
        h = h * 0.75 + v
    return h


@pytest.mark.parametrize("dtype", DTYPES)
def test_flat_in_c_order_every_layout(dtype):
    jf = njit(flat_hash)
    for shape in [(7,), (3, 4), (2, 3, 4)]:
        a = sample(dtype, shape, 2)
        for x in layouts(a):
            assert jf(x) == pytest.approx(order_hash(x.flat), rel=1e-6), (shape, x.strides)


def test_flat_of_empty_and_0d():
    jf = njit(flat_hash)
    assert jf(np.zeros((0, 3))) == 0.0
    assert jf(np.array(2.5)) == 2.5


# ---- np.ndenumerate ---------------------------------------------------------------------------------

def ndenum_hash(a):
    h = 0.0
    for idx, v in np.ndenumerate(a):
        h = h * 0.75 + v * (1 + idx[0]) - idx[-1]
    return h


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64, np.bool_])
def test_ndenumerate(dtype):
    jf = njit(ndenum_hash)
    for shape in [(6,), (3, 4), (2, 3, 2)]:
        for x in layouts(sample(dtype, shape, 3)):
            assert jf(x) == pytest.approx(ndenum_hash(x), rel=1e-6)


# ---- np.ndindex ------------------------------------------------------------------------------------------

def ndindex_hash(n, m, k):
    h = 0
    for i, j in np.ndindex(n, m):
        h = (h * 31 + i * 7 + j) % 1000003
    for t in np.ndindex((n, k, m)):
        h = (h * 31 + t[0] + 3 * t[1] + 5 * t[2]) % 1000003
    for u in np.ndindex(k):
        h = (h * 31 + u[0]) % 1000003
    return h


def test_ndindex():
    jf = njit(ndindex_hash)
    for args in [(3, 4, 2), (0, 3, 2), (1, 1, 1), (5, 0, 3)]:
        assert jf(*args) == ndindex_hash(*args)


def ndindex_shape(a):
    s = 0
    for idx in np.ndindex(a.shape):
        s += a[idx] * (idx[0] + 1)
    return s


def test_ndindex_of_a_shape_indexes_the_array():
    a = sample(np.int64, (3, 4, 5), 4)
    assert njit(ndindex_shape)(a) == ndindex_shape(a)


def test_ndindex_negative_is_numpys_error():
    with pytest.raises(ValueError):
        list(np.ndindex(-1, 2))
    with pytest.raises(ValueError, match="negative dimensions"):
        njit(ndindex_hash)(-1, 2, 2)


# ---- np.nditer -----------------------------------------------------------------------------------------

def nditer1(a):
    h = 0.0
    for x in np.nditer(a):
        h = h * 0.75 + x
    return h


def nditer2(a, b):
    h = 0.0
    for x, y in np.nditer((a, b)):
        h = h * 0.75 + x * y
    return h


def nditer3(a, b, c):
    h = 0.0
    for x, y, z in np.nditer((a, b, c)):
        h = h * 0.75 + x * y - z
    return h


def py_nditer(ops):
    """NumPy's nditer in C order (jit code iterates in C order, as Numba)."""
    h = 0.0
    its = np.nditer(ops, order="C") if isinstance(ops, tuple) else np.nditer(ops, order="C")
    for vals in its:
        if isinstance(ops, tuple):
            prod = float(vals[0])
            for v in vals[1:-1] if len(vals) == 3 else vals[1:]:
                prod *= float(v)
            h = h * 0.75 + prod - (float(vals[2]) if len(vals) == 3 else 0.0)
        else:
            h = h * 0.75 + float(vals)
    return h


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
def test_nditer_one_operand(dtype):
    jf = njit(nditer1)
    for x in layouts(sample(dtype, (3, 5), 5)):
        assert jf(x) == pytest.approx(py_nditer(x), rel=1e-6)


@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((2, 3, 4), (3, 1))])
def test_nditer_broadcasts_two_operands(shapes):
    a, b = sample(np.float64, shapes[0], 6), sample(np.int32, shapes[1], 7)
    assert njit(nditer2)(a, b) == pytest.approx(py_nditer((a, b)), rel=1e-12)
    assert njit(nditer2)(a.T.copy().T, b) == pytest.approx(py_nditer((a, b)), rel=1e-12)


def test_nditer_three_operands_with_a_scalar():
    a, b = sample(np.float64, (4, 3), 8), sample(np.float32, (3,), 9)
    exp = py_nditer((a, b, np.float64(2.0)))
    assert njit(nditer3)(a, b, 2.0) == pytest.approx(exp, rel=1e-6)


def test_nditer_shape_mismatch_is_numpys_error():
    a, b = np.ones((3, 4)), np.ones((3, 2))
    with pytest.raises(ValueError):
        np.nditer((a, b))
    with pytest.raises(ValueError, match="could not be broadcast"):
        njit(nditer2)(a, b)


# ---- zip --------------------------------------------------------------------------------------------------

def zip_hash(a, b):
    h = 0.0
    for x, y, i in zip(a, b, range(10, 0, -2)):
        h = h * 0.75 + x * y + i
    return h


def zip_flat(a, b):
    h = 0.0
    for x, y in zip(a.flat, b.flat):
        h = h * 0.75 + x - y
    return h


def zip_rows(a, b):
    h = 0.0
    for row, v in zip(a, b):
        h = h * 0.75 + row.sum() * v
    return h


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.float64])
def test_zip_arrays_and_ranges(dtype):
    jf = njit(zip_hash)
    for n, m in [(5, 7), (7, 3), (0, 4), (9, 9)]:
        a, b = sample(dtype, (n,), 1), sample(np.float64, (m,), 2)
        assert jf(a, b) == pytest.approx(zip_hash(a, b), rel=1e-6)
        assert jf(a[::-1], b[::2]) == pytest.approx(zip_hash(a[::-1], b[::2]), rel=1e-6)


def test_zip_flat_iterators_and_rows():
    a = sample(np.float64, (3, 4), 3)
    for x in layouts(a):
        for y in layouts(sample(np.int32, (4, 3), 4)):
            assert njit(zip_flat)(x, y) == pytest.approx(zip_flat(x, y), rel=1e-12)
    b = sample(np.float64, (5,), 5)
    assert njit(zip_rows)(a, b) == pytest.approx(zip_rows(a, b), rel=1e-12)


# ---- control flow, lifetimes, errors ------------------------------------------------------------------

def control(a):
    s = 0.0
    for idx, v in np.ndenumerate(a):
        if v > 4:
            break
        if idx[-1] == 1:
            continue
        s += v
    else:
        s = -s
    for x, y in zip(a.flat, range(3)):
        if x < 0:
            break
        s += y
    else:
        s += 100.0
    return s


def test_break_continue_else():
    jf = njit(control)
    for a in [np.arange(12.0).reshape(3, 4), np.arange(6.0).reshape(2, 3) - 2, np.zeros((2, 2))]:
        assert jf(a) == control(a)


def rebinds(a):
    s = 0.0
    for v in a.flat:
        a = np.zeros((2, 2))    # the loop keeps iterating the first array
        s += v
    for x, y in zip(a.flat, a.flat):
        a = np.ones((5, 1))
        s += x * y
    return s


def test_rebinding_inside_the_loop_keeps_the_iterable_alive():
    a = np.arange(6.0).reshape(2, 3)
    before = _core.nrt_stats()[0]
    assert njit(rebinds)(a) == rebinds(a)
    assert _core.nrt_stats()[0] == before       # nothing leaked


def temp_iterable(a):
    s = 0.0
    for x, y in zip((a * 2).flat, a + 1):
        s += x * y
    return s


def test_temporaries_as_iterables_are_freed():
    a = np.arange(4.0)
    jf = njit(temp_iterable)
    jf(a)
    before = _core.nrt_stats()[0]
    assert jf(a) == temp_iterable(a)
    assert _core.nrt_stats()[0] == before


def flat_as_value(a):
    it = a.flat
    return it


def zip_as_value(a):
    z = zip(a, a)
    return z


def ndenumerate_as_value(a):
    return np.ndenumerate(a)


@pytest.mark.parametrize("fn,word,error", [(flat_as_value, "flat", TypingError),
                                           (zip_as_value, "zip", UnsupportedError),
                                           (ndenumerate_as_value, "ndenumerate", TypingError)])
def test_iterators_outside_a_for_loop_are_typing_errors(fn, word, error):
    with pytest.raises(error, match=word):
        njit(fn)(np.arange(3.0))


def zip_of_a_float(a):
    s = 0.0
    for x, y in zip(a, 2.0):
        s += x
    return s


def test_zip_of_a_number_is_a_typing_error():
    with pytest.raises(TypingError, match="zip"):
        njit(zip_of_a_float)(np.arange(3.0))
