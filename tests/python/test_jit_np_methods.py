"""Array methods and attributes of Numba's "Supported NumPy features" page,
compared with NumPy for several dtypes and for C, Fortran and strided
arrays: the reductions as methods and functions with an integer axis, and
the methods compiled as NumPy functions (jit/infer_np_method.c)."""
import numpy as np
import pytest

import jitprofile
from jitprofile import njit

from test_jit_np_construct import layouts, same, check

DTYPES = [np.int32, np.int64, np.float32, np.float64]


def m2(dt):
    return (np.arange(12).reshape(3, 4) * 5 % 7 - 3).astype(dt)


def red_methods(a):
    return (a.sum(), a.prod(), a.min(), a.max(), a.mean(), a.std(), a.var(), a.argmin(), a.argmax(),
            a.sum(axis=0), a.prod(1), a.min(axis=1), a.max(0), a.mean(axis=1), a.std(0), a.var(axis=1),
            a.argmin(axis=0), a.argmax(1))


def red_functions(a):
    return (np.sum(a, axis=1), np.prod(a, 0), np.min(a, axis=-1), np.max(a, axis=0), np.mean(a, 1),
            np.std(a, axis=0), np.var(a, -1), np.argmin(a, axis=1), np.argmax(a, 0), np.amin(a, 0),
            np.amax(a, axis=1))


def red_3d(a):
    return np.sum(a, axis=0), a.sum(1), np.max(a, -1), a.mean(axis=2), np.argmax(a, 1)


@pytest.mark.parametrize("dt", DTYPES)
def test_reductions_with_axis_match_numpy(dt):
    for a in layouts(m2(dt)).values():
        check(red_methods, a)
        check(red_functions, a)
    a3 = np.arange(24).reshape(2, 3, 4).astype(dt)
    for a in layouts(a3).values():
        check(red_3d, a)


def logic_methods(a):
    return a.all(), a.any(), a.all(axis=0), a.any(1), a.all(-1)


@pytest.mark.parametrize("dt", DTYPES + [np.bool_])
def test_all_any_methods(dt):
    m = m2(np.int64) > 0 if dt is np.bool_ else m2(dt)
    for a in layouts(m).values():
        check(logic_methods, a)


def other_methods(a):
    return a.repeat(2), a.clip(-1, 2), a.round(), a.swapaxes(0, 1), a.conj(), a.conjugate(), a.diagonal(), \
        a.copy(), a.flatten(), a.ravel(), a.reshape(4, 3), a.reshape((2, -1)), a.reshape(-1), a.T, \
        a.transpose(), a.astype(np.float32), a.argsort(), a.cumsum(), a.cumprod()


@pytest.mark.parametrize("dt", DTYPES)
def test_other_methods_match_numpy(dt):
    for a in layouts(m2(dt)).values():
        check(other_methods, a)


def complex_parts(z):
    return z.conj(), np.conjugate(z), np.conj(z[1])


def test_conj_of_complex():
    z = np.array([1 + 2j, -3 - 1j, 0.5j, 2.0])
    check(complex_parts, z)
    check(complex_parts, z[::-1])


def swap3(a):
    return a.swapaxes(0, 2), np.swapaxes(a, 1, -1), a.swapaxes(1, 1)


def test_swapaxes_is_a_view_on_any_ndim():
    a = np.arange(24.0).reshape(2, 3, 4)
    for x in layouts(a).values():
        check(swap3, x)
    v = njit(lambda a: a.swapaxes(0, 2))(a)
    v[1, 0, 0] = -7.0
    assert a[0, 0, 1] == -7.0


def attributes(a):
    return a.shape, a.ndim, a.size, a.itemsize, a.nbytes, a.strides


@pytest.mark.parametrize("dt", DTYPES)
def test_attributes(dt):
    for a in layouts(m2(dt)).values():
        assert njit(attributes)(a) == attributes(a)


def test_unsupported_methods_are_clear_errors():
    with pytest.raises(jitprofile.UnsupportedError, match=r"cumsum\(\.\.\., dtype=\.\.\.\)"):
        njit(lambda a: a.cumsum(axis=0, dtype=np.float32))(np.zeros((2, 2)))
    with pytest.raises(jitprofile.TypingError, match="has no method 'view'") as e:
        njit(lambda a: a.view(np.int64))(np.zeros(2))
    assert "test_jit_np_methods.py:" in str(e.value)


def test_real_of_a_real_array():
    a = np.arange(6.0).reshape(2, 3)
    check(lambda a: a.real, a)
    with pytest.raises(jitprofile.TypingError, match="imag of a real array"):
        njit(lambda a: a.imag)(a)


def cums(a):
    return np.cumsum(a, axis=0), np.cumsum(a, 1), np.cumprod(a, axis=-1), a.cumsum(axis=1), a.cumprod(0)


def cum_runtime_axis(a, k):
    return np.cumsum(a, axis=k), a.cumprod(k)


@pytest.mark.parametrize("dt", DTYPES + [np.bool_, np.int8, np.uint16])
def test_cumsum_cumprod_along_an_axis(dt):
    # regression: an axis on an n-d array was an UnsupportedError
    m = m2(np.int64) > 0 if dt is np.bool_ else (m2(np.int64) % 4 + 1).astype(dt)
    for a in layouts(m).values():
        check(cums, a)
        for k in (0, 1, -1, -2):
            check(cum_runtime_axis, a, k)
    a3 = (np.arange(24).reshape(2, 3, 4) % 5).astype(dt) if dt is not np.bool_ else np.arange(24).reshape(2, 3, 4) % 3 == 0
    for a in layouts(a3).values():
        for k in (0, 1, 2):
            check(cum_runtime_axis, a, k)
    check(cums, np.zeros((0, 3), dtype=dt))
    with pytest.raises(ValueError, match="out of bounds"):
        njit(cum_runtime_axis)(m, 2)


def parts(z):
    return z.real, z.imag, z.real.sum() + z.imag[1:].sum()


def zero_imag(z):
    z.imag[:] = 0.0
    z.real[0] = 5.0


@pytest.mark.parametrize("dt", [np.complex64, np.complex128])
def test_real_and_imag_of_complex_arrays_are_views(dt):
    # regression: `.real` of a complex argument came back as the complex array itself
    # (the boxing took a view starting at the argument's data for the argument)
    z = (np.arange(6) + 1j * np.arange(6)[::-1]).astype(dt).reshape(2, 3)
    for x in layouts(z).values():
        check(parts, x)
    y, e = z.copy(), z.copy()
    njit(zero_imag)(y)
    e.imag[:] = 0.0
    e.real[0] = 5.0
    same(y, e)


def live():
    from jitprofile import _core
    return _core.nrt_stats()[0]         # live NRT allocations


def mixed_work(a, z, k):
    c = np.cumsum(a, axis=k)
    t = a.transpose((1, 0)).sum()
    r = z.real.sum() + z.imag.sum()
    cat = np.concatenate((a, a.T.copy()), axis=1)
    s = np.swapaxes(a, 0, 1)
    e = np.eye(3)
    return c[0, 0] + t + r + cat.sum() + s.sum() + e.sum() + a.all(0).sum() + np.logaddexp(a, a).sum()


def test_new_functions_do_not_leak():
    a = np.arange(9.0).reshape(3, 3)
    z = a + 1j
    f = njit(mixed_work)
    f(a, z, 1)
    before = live()
    for _ in range(50):
        f(a, z, 1)
        f(a, z, -2)
    assert live() == before
