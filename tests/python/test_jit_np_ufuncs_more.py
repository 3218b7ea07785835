"""The standard ufuncs of Numba's "Supported NumPy features" beyond the first
table (jit/lower_np_ufunc.c), on arrays, scalars and in fused expressions,
compared with NumPy's own result for int32, int64, float32, float64 (and
bool where NumPy has a loop); inputs NumPy has no loop for are a
TypingError naming the call."""
import warnings

import numpy as np
import pytest

import jitprofile
from jitprofile import njit

UNARY = "fabs rint sign exp2 cbrt reciprocal arcsinh arccosh arctanh deg2rad rad2deg degrees radians " \
        "signbit logical_not bitwise_not invert positive conj conjugate".split()
BINARY = "logaddexp logaddexp2 floor_divide remainder mod fmod fmax fmin copysign nextafter greater " \
         "greater_equal less less_equal not_equal equal logical_and logical_or logical_xor bitwise_and " \
         "bitwise_or bitwise_xor left_shift right_shift float_power gcd lcm heaviside".split()
DTYPES = [np.int32, np.int64, np.float32, np.float64, np.bool_]


def values(dt, shift=0):
    if dt is np.bool_:
        return (np.arange(12).reshape(3, 4) + shift) % 3 == 0
    if np.dtype(dt).kind == "f":
        v = np.array([-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.5, np.nan, np.inf, -np.inf, 3.25])
        return np.roll(v, shift).reshape(3, 4).astype(dt)
    return (np.arange(12).reshape(3, 4) * 5 % 11 - 4 + shift).astype(dt)


def numpy_result(uf, *args):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return uf(*args)
        except TypeError:
            return TypeError


def same(got, exp):
    got, exp = np.asarray(got), np.asarray(exp)
    assert got.shape == exp.shape
    assert got.dtype == exp.dtype or (exp.ndim == 0), (got.dtype, exp.dtype)
    if exp.dtype.kind in "fc":
        np.testing.assert_allclose(got, exp, rtol=2e-6 if exp.dtype.itemsize <= 4 else 1e-13, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, exp)


def compiled(name, nin):
    uf = getattr(np, name)
    if nin == 1:
        src = f"def f(a):\n    return np.{name}(a)\n"
    else:
        src = f"def f(a, b):\n    return np.{name}(a, b)\n"
    return uf, src


_cache = {}


def jitted(name, nin):
    if (name, nin) not in _cache:
        import linecache
        uf, src = compiled(name, nin)
        fname = f"<ufunc test {name}>"
        linecache.cache[fname] = (len(src), None, src.splitlines(True), fname)
        ns = {"np": np}
        exec(compile(src, fname, "exec"), ns)
        _cache[(name, nin)] = (uf, njit(ns["f"]))
    return _cache[(name, nin)]


@pytest.mark.parametrize("name", UNARY)
def test_unary_ufuncs_match_numpy(name):
    uf, f = jitted(name, 1)
    for dt in DTYPES:
        a = values(dt)
        exp = numpy_result(uf, a)
        if exp is TypeError:
            with pytest.raises(jitprofile.TypingError, match=name):
                f(a)
            continue
        if name in ("arcsinh", "arccosh", "arctanh", "exp2", "rint", "fabs", "cbrt", "deg2rad", "rad2deg",
                    "degrees", "radians") and np.dtype(dt).kind in "ib" and np.dtype(dt).itemsize < 8:
            # small integers: NumPy computes in float16/float32, jit code in float64 (conformance.md)
            same(f(a).astype(exp.dtype), exp)
            continue
        with np.errstate(all="ignore"):
            same(f(a), exp)
            if dt is np.float64:
                same(f(a[::2, ::-1]), uf(a[::2, ::-1]))         # a strided view
                same(f(np.asfortranarray(a)), uf(a))
                same(f(a[1, 2]), uf(a[1, 2]))                   # a scalar


@pytest.mark.parametrize("name", BINARY)
def test_binary_ufuncs_match_numpy(name):
    uf, f = jitted(name, 2)
    for dt in DTYPES:
        a, b = values(dt), values(dt, 3)
        if name in ("left_shift", "right_shift") and np.dtype(dt).kind == "i":
            b = np.abs(b) % 70      # shifts by 0..69: NumPy gives 0 (or -1) past the width
        exp = numpy_result(uf, a, b)
        if exp is TypeError:
            with pytest.raises(jitprofile.TypingError, match=name):
                f(a, b)
            continue
        got = f(a, b)
        if name in ("logaddexp", "logaddexp2", "copysign", "nextafter", "heaviside") and \
                np.dtype(dt).kind in "ib" and np.dtype(dt).itemsize < 8:
            same(got.astype(exp.dtype), exp)
            continue
        same(got, exp)
        if dt is np.float64:
            same(f(a[::2, ::-1], b[::2, :]), uf(a[::2, ::-1], b[::2, :]))
            same(f(a, 1.5), uf(a, 1.5))                          # broadcast with a scalar
            same(f(a[:, :1], b[0]), uf(a[:, :1], b[0]))          # broadcast (3,1) with (4,)


def fused(a, b):
    return np.logaddexp(a, b) * 2.0 + np.fmax(a, b) - np.copysign(a, -1.0)


def test_new_ufuncs_in_fused_expressions():
    a, b = values(np.float64), values(np.float64, 5)
    with np.errstate(all="ignore"):
        same(njit(fused)(a, b), fused(a, b))


def test_comparison_ufuncs_on_mixed_dtypes():
    f = njit(lambda a, b: (np.greater(a, b), np.equal(a, b), np.logical_and(a, b)))
    a = np.arange(6, dtype=np.int32)
    b = np.linspace(0.0, 6.0, 6)
    for g, e in zip(f(a, b), (np.greater(a, b), np.equal(a, b), np.logical_and(a, b))):
        same(g, e)
