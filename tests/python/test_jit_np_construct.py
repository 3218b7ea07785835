"""NumPy construction, joining, reordering and small math functions in jit
code (kernel_ext/jitprofile/_np_lib.py), each compared with NumPy's own
result for several dtypes and for C, Fortran and strided (non-contiguous)
inputs."""
import numpy as np
import pytest

import jitprofile
from jitprofile import njit

DTYPES = [np.int32, np.int64, np.float32, np.float64]


def layouts(a):
    """a as C, F and a strided view with the same values."""
    big = np.zeros(tuple(2 * s for s in a.shape), a.dtype)
    view = big[tuple(slice(None, None, 2) for _ in a.shape)]
    view[...] = a
    return {"C": np.ascontiguousarray(a), "F": np.asfortranarray(a), "strided": view}


def same(got, exp):
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp)
        for g, e in zip(got, exp):
            same(g, e)
        return
    if np.ndim(exp) == 0:       # scalars come back as Python numbers (as from Numba)
        assert not isinstance(got, np.ndarray)
        assert got == exp or (got != got and exp != exp), (got, exp)
        return
    got, exp = np.asarray(got), np.asarray(exp)
    assert got.shape == exp.shape
    assert got.dtype == exp.dtype, (got.dtype, exp.dtype)
    if exp.dtype.kind in "fc":
        np.testing.assert_allclose(got, exp, rtol=1e-6 if exp.dtype.itemsize <= 4 else 1e-12, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, exp)


def check(fn, *args):
    same(njit(fn)(*args), fn(*args))


def m2(dt):
    return (np.arange(12).reshape(3, 4) * 3 % 7 - 2).astype(dt)


# ---- construction ---------------------------------------------------------------

def eye_all(n):
    return np.eye(n), np.eye(n, 4, 1), np.eye(n, k=-1), np.eye(n, dtype=np.int32), np.eye(n, n + 2, -5)


def identity_tri(n):
    return np.identity(n), np.identity(n, np.float32), np.tri(n), np.tri(n, 5, -1), np.tri(n, k=2, dtype=np.int64)


def test_eye_identity_tri():
    for n in (0, 1, 3, 5):
        check(eye_all, n)
        check(identity_tri, n)


def tril_triu(m):
    return np.tril(m), np.tril(m, 1), np.tril(m, -2), np.triu(m), np.triu(m, 2), np.triu(m, k=-1)


def diags(m):
    return np.diag(m), np.diag(m, 1), np.diag(m, -2), np.diag(m, 7)


def diag_of_vector(v):
    return np.diag(v), np.diag(v, 2), np.diag(v, k=-1), np.diagflat(v)


@pytest.mark.parametrize("dt", DTYPES)
def test_tril_triu_diag(dt):
    for name, a in layouts(m2(dt)).items():
        check(tril_triu, a)
        check(diags, a)
        check(diag_of_vector, a[1])
        check(diag_of_vector, a[:, 2])


def grid(x, y):
    return np.meshgrid(x, y)


@pytest.mark.parametrize("dt", DTYPES)
def test_meshgrid(dt):
    m = m2(dt)
    for a in layouts(m).values():
        check(grid, a[0], a[:, 1])


# ---- joining ---------------------------------------------------------------------

def cat2(a, b):
    return np.concatenate((a, b)), np.concatenate((a, b), axis=0)


def cat2_axis1(a, b):
    return np.concatenate((a, b), axis=1), np.concatenate((a, b), -1), np.concatenate((a, b, a), 0)


def stacks(a, b):
    return np.vstack((a, b)), np.hstack((a, b)), np.column_stack((a, b)), np.dstack((a, b))


def stack_axes(a, b):
    return np.stack((a, b)), np.stack((a, b), axis=1), np.stack((a, b), -1)


@pytest.mark.parametrize("dt", DTYPES)
def test_concatenate_and_stacks_of_mixed_layouts(dt):
    m = m2(dt)
    lay = list(layouts(m).values())
    for a in lay:
        for b in lay:
            check(cat2, a, b)
            check(cat2_axis1, a, b)
            check(stacks, a, b)
            check(stack_axes, a, b)
            check(cat2, a[0], b[:, 1])
            check(stacks, a[0], b[1])
            check(stack_axes, a[0], b[2])


def cat_mixed_dtypes(a, b):
    return np.concatenate((a, b)), np.vstack((a, b))


def test_concatenate_promotes_as_numpy():
    check(cat_mixed_dtypes, np.arange(3, dtype=np.int32), np.arange(3.0))
    check(cat_mixed_dtypes, np.arange(3, dtype=np.int8), np.arange(3, dtype=np.int64))


def test_concatenate_shape_mismatch_is_numpys_value_error():
    with pytest.raises(ValueError, match="must match exactly"):
        njit(cat2_axis1)(np.zeros((2, 3)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="axis"):
        njit(lambda a: np.concatenate((a, a), axis=2))(np.zeros((2, 2)))


def appends(a, b):
    return np.append(a, b), np.append(a, 2.5)


def test_append():
    for a in layouts(m2(np.float64)).values():
        check(appends, a, a[0])


# ---- reordering ------------------------------------------------------------------

def expand(a):
    return np.expand_dims(a, 0), np.expand_dims(a, 1), np.expand_dims(a, -1)


def flips(a):
    return np.flip(a), np.flip(a, 0), np.flip(a, axis=1), np.fliplr(a), np.flipud(a)


def swap(a):
    return np.swapaxes(a, 0, 1), np.swapaxes(a, 1, 1), np.swapaxes(a, -1, 0)


def rolls(a):
    return np.roll(a, 2), np.roll(a, -5), np.roll(a, 1, 0), np.roll(a, 3, axis=1), np.roll(a, -1, -1)


def repeats(a):
    return np.repeat(a, 2), np.repeat(a, 0), np.repeat(a[0], np.arange(a.shape[1]))


def tiles(v):
    return np.tile(v, 3), np.tile(v, 0)


def at_least(a):
    return np.atleast_1d(a), np.atleast_2d(a[0]), np.atleast_2d(a), np.ascontiguousarray(a)


@pytest.mark.parametrize("dt", DTYPES)
def test_reordering_functions(dt):
    for a in layouts(m2(dt)).values():
        check(expand, a)
        check(expand, a[0])
        check(flips, a)
        check(swap, a)
        check(rolls, a)
        check(repeats, a)
        check(tiles, a[1])
        check(at_least, a)


def test_unsupported_reorderings_name_the_alternative():
    with pytest.raises(jitprofile.TypingError, match=r"reshape\(") as e:
        njit(lambda a: np.squeeze(a))(np.zeros((1, 3)))
    assert "test_jit_np_construct.py:" in str(e.value)
    with pytest.raises(jitprofile.TypingError, match="1-d array and an integer"):
        njit(lambda a: np.tile(a, 2))(np.zeros((2, 2)))


# ---- elementwise helpers and comparisons -------------------------------------------

def clip_round(a):
    return np.clip(a, -1, 3), np.round(a), np.around(a, 1), np.round(a, -1)


@pytest.mark.parametrize("dt", DTYPES)
def test_clip_and_round(dt):
    base = (np.arange(12).reshape(3, 4) * 1.37 - 5.5)
    if np.dtype(dt).kind == "f":
        base = np.concatenate([base.ravel()[:10], [0.5, 2.5]]).reshape(3, 4)   # halves round to even
    for a in layouts(base.astype(dt)).values():
        check(clip_round, a)


def closeness(a, b):
    return np.isclose(a, b), np.allclose(a, b), np.allclose(a, b, 0.0, 0.0), np.array_equal(a, b), \
        np.isclose(a, b, equal_nan=True)


def test_isclose_allclose_array_equal():
    a = np.array([1.0, np.nan, np.inf, -np.inf, 1e-9, 3.0])
    for b in (a.copy(), a + 1e-7, a[::-1].copy(), np.array([1.0, np.nan, np.inf, np.inf, 0.0, 3.0])):
        check(closeness, a, b)
    check(lambda a, b: np.array_equal(a, b), np.zeros((2, 3)), np.zeros((3, 2)))
    check(lambda a, b: np.array_equal(a, b), np.zeros(3), np.zeros((3, 1)))


def reductions_py(a):
    return np.all(a), np.any(a), np.count_nonzero(a), np.ptp(a), np.all(a, axis=0), np.any(a, 1), \
        np.all(a, axis=-1)


@pytest.mark.parametrize("dt", DTYPES + [np.bool_])
def test_all_any_count_ptp(dt):
    m = m2(dt) if dt is not np.bool_ else m2(np.int64) > 1
    for a in layouts(m).values():
        if dt is np.bool_:
            check(lambda a: (np.all(a), np.any(a), np.count_nonzero(a), np.all(a, axis=0), np.any(a, 1)), a)
        else:
            check(reductions_py, a)
    check(lambda v: (np.all(v), np.any(v), np.all(v, 0)), np.zeros(0))


# ---- math ------------------------------------------------------------------------

def interps(x, xp, fp):
    return np.interp(x, xp, fp), np.interp(2.5, xp, fp), np.interp(-10.0, xp, fp), np.interp(x[0], xp, fp)


def test_interp():
    xp = np.array([0.0, 1.0, 2.5, 4.0, 10.0])
    fp = np.array([1.0, -2.0, 3.0, 3.0, 0.5])
    x = np.array([[-1.0, 0.0, 0.5, 1.0], [2.0, 4.0, 9.9, 11.0]])
    for a in layouts(x).values():
        check(interps, a, xp, fp)
    check(interps, x, xp.astype(np.int64), fp.astype(np.float32))
    check(lambda x, xp, fp: np.interp(x, xp, fp), np.array([np.nan, 1.0]), xp, fp)
    with pytest.raises(ValueError, match="same length"):
        njit(interps)(x, xp, fp[:3])


def convs(a, v):
    return np.convolve(a, v), np.convolve(v, a), np.correlate(a, v), np.correlate(v, a)


@pytest.mark.parametrize("dt", DTYPES)
def test_convolve_correlate(dt):
    a = (np.arange(7) * 3 % 5 - 1).astype(dt)
    v = np.array([1, 2, -1], dtype=dt)
    check(convs, a, v)
    check(convs, a[::2], v[::-1])
    with pytest.raises(ValueError, match="cannot be empty"):
        njit(convs)(a, v[:0])


trapezoid = np.trapezoid if hasattr(np, "trapezoid") else np.trapz


def small_math(a, b):
    return np.cross(a, b), trapezoid(a), \
        np.polyval(a, 2.0), np.polyval(a, b), np.ediff1d(a), np.ediff1d(b[::-1])


@pytest.mark.parametrize("dt", DTYPES)
def test_cross_trapezoid_polyval_ediff1d(dt):
    a = np.array([1, -2, 3], dtype=dt)
    b = np.array([4, 5, -6], dtype=dt)
    check(small_math, a, b)
    big = np.zeros(6, dtype=dt)
    big[::2] = a
    check(small_math, big[::2], b)


def trapz_x(y, x):
    return trapezoid(y, x)


def test_trapezoid_with_x():
    y = np.array([1.0, 4.0, 9.0, 16.0])
    x = np.array([0.0, 0.5, 2.0, 3.0])
    check(trapz_x, y, x)
    check(trapz_x, y[::-1], x)


def test_a_users_overload_of_a_numpy_function_goes_first_then_falls_back():
    # extending.overload: the user's generator first; the types it declines reach _np_lib's
    from jitprofile import extending
    extending._load_np_lib()

    def roll_user(a, shift, axis=None):
        if getattr(a, "ndim", 0) == 1:
            return lambda a, shift, axis=None: a * 0.0 + 42.0
        return None

    saved = extending._registry[np.roll]
    try:
        extending.overload(np.roll)(roll_user)
        f = njit(lambda a: np.roll(a, 1))
        assert np.array_equal(f(np.arange(3.0)), np.full(3, 42.0))             # the user's
        check(lambda a: np.roll(a, 1), np.arange(6.0).reshape(2, 3))            # ours, for 2-d
    finally:
        extending._registry[np.roll] = saved


def transposes(a):
    return a.transpose((1, 0, 2)), a.transpose(2, 0, 1), np.transpose(a, (2, 0, 1)), \
        np.transpose(a, (-1, 0, 1)), a.transpose()


def test_transpose_with_axes_is_numpys_view():
    # regression: the axes argument was ignored (the reversed-axes view came back)
    a = np.arange(24.0).reshape(2, 3, 4)
    for x in layouts(a).values():
        check(transposes, x)
    f = njit(lambda a, ax: a.transpose(ax))
    with pytest.raises(ValueError, match="repeated axis"):
        f(a, (0, 0, 1))
    with pytest.raises(ValueError, match="out of bounds"):
        f(a, (0, 3, 1))
    v = njit(lambda a: a.transpose((1, 0, 2)))(a)
    v[0, 0, 0] = 99.0        # a view: writes reach the array
    assert a[0, 0, 0] == 99.0
