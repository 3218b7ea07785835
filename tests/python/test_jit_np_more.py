"""More functions of Numba's "Supported NumPy features" page, compiled from
kernel_ext/jitprofile/_np_lib.py, compared with NumPy's own result for
several dtypes and C, Fortran and strided inputs."""
import numpy as np
import pytest

from jitprofile import njit

from test_jit_np_construct import layouts, same, check

DTYPES = [np.int32, np.int64, np.float32, np.float64]


def m2(dt):
    return (np.arange(12).reshape(3, 4) * 5 % 7 - 3).astype(dt)


def averages(a, w):
    return np.average(a), np.average(a, axis=0), np.average(a, 1), np.average(a, weights=w)


@pytest.mark.parametrize("dt", DTYPES)
def test_average(dt):
    for a in layouts(m2(dt)).values():
        check(averages, a, np.abs(m2(np.float64)) + 1)
    with pytest.raises(ZeroDivisionError):
        njit(averages)(m2(dt), np.zeros((3, 4)))


def nan_inf(x):
    return np.nan_to_num(x), np.nan_to_num(x, nan=-1.0), np.isneginf(x), np.isposinf(x), np.sinc(x), \
        np.nan_to_num(x[0]), np.isposinf(x[1]), np.sinc(x[4])


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_nan_to_num_isinf_sinc(dt):
    x = np.array([np.nan, np.inf, -np.inf, 0.0, 1.5, -2.0], dtype=dt)
    for a in layouts(x).values():
        check(nan_inf, a)


def sets(a, b):
    return np.isin(a, b), np.isin(a, b, invert=True), np.isin(a[0], b)


@pytest.mark.parametrize("dt", DTYPES)
def test_isin(dt):
    for a in layouts(m2(dt)).values():
        check(sets, a, np.array([0, 2, -3, 9], dtype=dt))


def shapes(a):
    return np.atleast_3d(a), np.atleast_3d(a[0]), np.asfortranarray(a), np.rot90(a), np.rot90(a, 2), \
        np.rot90(a, -1), np.rot90(a, k=3)


@pytest.mark.parametrize("dt", DTYPES)
def test_atleast_3d_asfortranarray_rot90(dt):
    for a in layouts(m2(dt)).values():
        check(shapes, a)
    f = njit(lambda a: np.asfortranarray(a))(m2(dt))
    assert f.flags.f_contiguous


def fill(a, v):
    np.fill_diagonal(a, v)
    return a


@pytest.mark.parametrize("dt", DTYPES)
def test_fill_diagonal(dt):
    for a in layouts(m2(dt)).values():
        check(fill, a.copy(), 7)
        check(fill, a.T.copy(), 7)


def indices(n, k):
    return np.tril_indices(n), np.tril_indices(n, k), np.triu_indices(n, k, n + 1), np.triu_indices(n)


def indices_from(a):
    return np.tril_indices_from(a), np.triu_indices_from(a, 1)


def test_tri_indices():
    for n in (0, 1, 4):
        for k in (-1, 0, 2):
            check(indices, n, k)
    check(indices_from, m2(np.float64))


def vanders(x):
    return np.vander(x), np.vander(x, 3), np.vander(x, increasing=True)


@pytest.mark.parametrize("dt", DTYPES)
def test_vander(dt):
    for a in layouts(m2(dt)).values():
        check(vanders, a[1])


def nancums(a):
    return np.nancumsum(a), np.nancumprod(a)


@pytest.mark.parametrize("dt", DTYPES)
def test_nancumsum_nancumprod(dt):
    m = m2(dt)
    if np.dtype(dt).kind == "f":
        m[1, 2] = np.nan
    for a in layouts(m).values():
        check(nancums, a)


def deletes(a):
    return np.delete(a, 2), np.delete(a, -1), np.delete(a, np.array([0, 3, 5])), np.extract(a > 0, a)


@pytest.mark.parametrize("dt", DTYPES)
def test_delete_extract(dt):
    for a in layouts(m2(dt)).values():
        check(deletes, a)
    with pytest.raises(IndexError):
        njit(deletes)(np.zeros(2, dt))


def logs():
    return np.logspace(0, 2, 5), np.logspace(0.0, 1.0, 4, endpoint=False), np.logspace(1, 3, 3, base=2.0)


def test_logspace():
    check(logs)


def covs(m):
    return np.cov(m), np.cov(m, rowvar=False), np.cov(m, bias=True), np.corrcoef(m), np.cov(m[0])


@pytest.mark.parametrize("dt", DTYPES)
def test_cov_corrcoef(dt):
    m = (np.arange(12).reshape(3, 4) ** 2 % 7).astype(dt)
    for a in layouts(m).values():
        check(covs, a)


def along(a, i):
    return np.take_along_axis(a, i, 1), np.take_along_axis(a, i, axis=-1), np.take_along_axis(a[0], i[0], 0)


@pytest.mark.parametrize("dt", DTYPES)
def test_take_along_axis(dt):
    for a in layouts(m2(dt)).values():
        check(along, a, np.argsort(m2(dt), axis=1))
    check(lambda a, i: np.take_along_axis(a, i, 0), m2(dt), np.argsort(m2(dt), axis=0))


def trims(a):
    return np.trim_zeros(a), np.unwrap(a * 1.0)


def test_trim_zeros_unwrap():
    a = np.array([0.0, 0.0, 1.0, 5.0, -4.0, 0.0, 9.0, 0.0])
    check(trims, a)
    check(trims, a[::-1])
    check(lambda p: np.unwrap(p), np.array([0.0, 3.0, 6.5, -3.0, 0.5, 7.0]))
