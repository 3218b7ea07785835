"""math and cmath functions inside jitted code, compared with CPython.

Functions that CPython computes by calling the C library (sqrt, exp, log, sin, ...,
erf, erfc, pow, atan2, fmod) must match bit for bit. CPython computes gamma, lgamma
and the cmath functions with its own algorithms, so those get a tight tolerance.
"""
import cmath
import math

import pytest

from jitprofile import njit
from conftest import same_float

INF = math.inf
NAN = math.nan


@njit
def m_sqrt(x): return math.sqrt(x)
@njit
def m_exp(x): return math.exp(x)
@njit
def m_log(x): return math.log(x)
@njit
def m_log_base(x, b): return math.log(x, b)
@njit
def m_log10(x): return math.log10(x)
@njit
def m_log2(x): return math.log2(x)
@njit
def m_log1p(x): return math.log1p(x)
@njit
def m_expm1(x): return math.expm1(x)
@njit
def m_sin(x): return math.sin(x)
@njit
def m_cos(x): return math.cos(x)
@njit
def m_tan(x): return math.tan(x)
@njit
def m_asin(x): return math.asin(x)
@njit
def m_acos(x): return math.acos(x)
@njit
def m_atan(x): return math.atan(x)
@njit
def m_atan2(y, x): return math.atan2(y, x)
@njit
def m_sinh(x): return math.sinh(x)
@njit
def m_cosh(x): return math.cosh(x)
@njit
def m_tanh(x): return math.tanh(x)
@njit
def m_floor(x): return math.floor(x)
@njit
def m_ceil(x): return math.ceil(x)
@njit
def m_trunc(x): return math.trunc(x)
@njit
def m_fabs(x): return math.fabs(x)
@njit
def m_hypot(x, y): return math.hypot(x, y)
@njit
def m_copysign(x, y): return math.copysign(x, y)
@njit
def m_fmod(x, y): return math.fmod(x, y)
@njit
def m_pow(x, y): return math.pow(x, y)
@njit
def m_degrees(x): return math.degrees(x)
@njit
def m_radians(x): return math.radians(x)
@njit
def m_gamma(x): return math.gamma(x)
@njit
def m_lgamma(x): return math.lgamma(x)
@njit
def m_erf(x): return math.erf(x)
@njit
def m_erfc(x): return math.erfc(x)
@njit
def m_isnan(x): return math.isnan(x)
@njit
def m_isinf(x): return math.isinf(x)
@njit
def m_isfinite(x): return math.isfinite(x)


GENERAL = [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, 3.141592653589793, 10.0, -10.0, 1e-300,
           5e-324, 1e300, -1e300, 0.1, 123.456, -7.25, INF, -INF, NAN, 1e-8, 700.0, -700.0]

UNARY_LIBM = [
    ("sqrt", m_sqrt, math.sqrt), ("exp", m_exp, math.exp), ("log", m_log, math.log),
    ("log10", m_log10, math.log10), ("log2", m_log2, math.log2), ("log1p", m_log1p, math.log1p),
    ("expm1", m_expm1, math.expm1), ("sin", m_sin, math.sin), ("cos", m_cos, math.cos),
    ("tan", m_tan, math.tan), ("asin", m_asin, math.asin), ("acos", m_acos, math.acos),
    ("atan", m_atan, math.atan), ("sinh", m_sinh, math.sinh), ("cosh", m_cosh, math.cosh),
    ("tanh", m_tanh, math.tanh), ("fabs", m_fabs, math.fabs), ("erf", m_erf, math.erf),
    ("erfc", m_erfc, math.erfc), ("degrees", m_degrees, math.degrees),
    ("radians", m_radians, math.radians),
]


def _cpython(fn, *args):
    """CPython's value, or None when CPython raises (domain/overflow error)."""
    try:
        return fn(*args)
    except (ValueError, OverflowError):
        return None


@pytest.mark.parametrize("name, jf, pf", UNARY_LIBM, ids=[u[0] for u in UNARY_LIBM])
def test_unary_math_bit_exact(name, jf, pf):
    checked = 0
    for x in GENERAL:
        expected = _cpython(pf, x)
        if expected is None:
            continue
        got = jf(x)
        assert same_float(got, expected), (name, x, got, expected)
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("name, jf, pf", [("gamma", m_gamma, math.gamma),
                                          ("lgamma", m_lgamma, math.lgamma)])
def test_gamma_lgamma_close(name, jf, pf):
    for x in [0.5, 1.0, 2.0, 3.5, 10.0, 20.5, 100.25, -0.5, -2.5, 1e-10, 170.5, INF]:
        expected = _cpython(pf, x)
        if expected is None:
            continue
        got = jf(x)
        assert isinstance(got, float)
        assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-15), (name, x, got, expected)
    assert math.isnan(jf(NAN))


@pytest.mark.parametrize("name, jf, pf", [("gamma", m_gamma, math.gamma),
                                          ("lgamma", m_lgamma, math.lgamma)])
def test_gamma_lgamma_poles_are_domain_errors(name, jf, pf):
    # found by tests/fuzz/difffuzz.py: CPython raises ValueError at a pole
    # (0, -0, a negative integer), OverflowError only past the float range
    for x in [0.0, -0.0, -1.0, -5.0, -1e20, 1e308, 200.0, -INF]:
        try:
            pf(x)
            expected = None
        except (ValueError, OverflowError) as e:
            expected = type(e)
        if expected is None:
            continue
        with pytest.raises(expected):
            jf(x)


def test_math_functions_accept_int_arguments():
    r = m_sqrt(16)
    assert r == 4.0 and isinstance(r, float)
    assert same_float(m_exp(1), math.exp(1))
    assert same_float(m_log(8), math.log(8))


@pytest.mark.parametrize("x", [2.5, -2.5, 0.0, -0.0, 3.0, -3.0, 0.999999, -1e-300, 1e15 + 0.5,
                               -4503599627370495.5, 9.2e18, -9.2e18])
def test_floor_ceil_trunc_return_int(x):
    for jf, pf in ((m_floor, math.floor), (m_ceil, math.ceil), (m_trunc, math.trunc)):
        r = jf(x)
        assert isinstance(r, int), (jf, x, r)
        assert r == pf(x)


def test_floor_ceil_of_int():
    assert m_floor(7) == 7 and isinstance(m_floor(7), int)
    assert m_ceil(-7) == -7


BINARY_PAIRS = [(1.0, 2.0), (-1.0, 2.0), (1.0, -2.0), (-1.0, -2.0), (0.0, 0.0), (-0.0, 0.0),
                (0.0, -0.0), (-0.0, -0.0), (3.0, 0.5), (INF, 1.0), (1.0, INF), (INF, INF),
                (-INF, INF), (NAN, 1.0), (1.0, NAN), (1e300, 1e-300), (5.5, -1.25),
                (2.0, 0.5), (-8.0, 3.0), (10.0, -0.5), (0.5, 1024.0)]

BINARY_LIBM = [("atan2", m_atan2, math.atan2), ("copysign", m_copysign, math.copysign),
               ("fmod", m_fmod, math.fmod), ("pow", m_pow, math.pow)]


@pytest.mark.parametrize("name, jf, pf", BINARY_LIBM, ids=[b[0] for b in BINARY_LIBM])
def test_binary_math_bit_exact(name, jf, pf):
    checked = 0
    for x, y in BINARY_PAIRS:
        expected = _cpython(pf, x, y)
        if expected is None:
            continue
        got = jf(x, y)
        assert same_float(got, expected), (name, x, y, got, expected)
        checked += 1
    assert checked >= 10


def test_hypot():
    for x, y in [(3.0, 4.0), (1e300, 1e300), (1e-320, 1e-320), (-5.0, 12.0), (INF, NAN),
                 (NAN, -INF), (0.0, -0.0), (1.5, 2.5)]:
        got = m_hypot(x, y)
        expected = math.hypot(x, y)
        if math.isnan(expected) or math.isinf(expected) or expected == 0.0:
            assert same_float(got, expected), (x, y, got, expected)
        else:
            assert math.isclose(got, expected, rel_tol=4e-16), (x, y, got, expected)


@pytest.mark.parametrize("x, b", [(8.0, 2.0), (100.0, 10.0), (2.0, 8.0), (0.5, 3.0), (1e300, 7.5),
                                  (81, 3)])
def test_log_with_base(x, b):
    assert same_float(m_log_base(x, b), math.log(x, b))


def test_isnan_isinf_isfinite():
    for x in GENERAL:
        assert m_isnan(x) is math.isnan(x)
        assert m_isinf(x) is math.isinf(x)
        assert m_isfinite(x) is math.isfinite(x)


def test_isnan_of_int():
    assert m_isnan(3) is False
    assert m_isfinite(3) is True


# ---- cmath -------------------------------------------------------------------------------

@njit
def c_sqrt(z): return cmath.sqrt(z)
@njit
def c_exp(z): return cmath.exp(z)
@njit
def c_log(z): return cmath.log(z)
@njit
def c_phase(z): return cmath.phase(z)
@njit
def c_polar(z): return cmath.polar(z)
@njit
def c_rect(r, phi): return cmath.rect(r, phi)
@njit
def c_abs(z): return abs(z)


COMPLEX_VALUES = [1 + 1j, -1 + 0j, -1 - 0j, 3 - 4j, 0.5j, -2.5 - 1e-3j, 1e-300 + 1e-300j,
                  1e300 + 1e300j, 2 + 0j, -0.0 + 2j]


def _close(a, b):
    return cmath.isclose(a, b, rel_tol=1e-14, abs_tol=1e-300)


@pytest.mark.parametrize("jf, pf", [(c_sqrt, cmath.sqrt), (c_exp, cmath.exp), (c_log, cmath.log)],
                         ids=["sqrt", "exp", "log"])
def test_cmath_functions(jf, pf):
    for z in COMPLEX_VALUES:
        try:
            expected = pf(z)
        except (ValueError, OverflowError):
            continue
        got = jf(z)
        assert isinstance(got, complex)
        assert _close(got, expected), (z, got, expected)


def test_cmath_sqrt_branch_cut_sign():
    # cmath.sqrt keeps the sign of a zero imaginary part: sqrt(-1-0j) == -1j
    assert c_sqrt(complex(-1.0, -0.0)) == cmath.sqrt(complex(-1.0, -0.0))
    assert c_sqrt(complex(-1.0, 0.0)) == cmath.sqrt(complex(-1.0, 0.0))


def test_cmath_phase_polar_rect_abs():
    for z in COMPLEX_VALUES:
        assert same_float(c_phase(z), cmath.phase(z)), z
        r, phi = c_polar(z)
        er, ephi = cmath.polar(z)
        assert math.isclose(r, er, rel_tol=1e-15) and same_float(phi, ephi), z
        assert math.isclose(c_abs(z), abs(z), rel_tol=1e-15)
    for r, phi in [(1.0, 0.0), (2.0, math.pi / 3), (0.5, -2.0), (3.0, math.pi)]:
        assert _close(c_rect(r, phi), cmath.rect(r, phi)), (r, phi)


def test_cmath_accepts_float_argument():
    r = c_sqrt(4.0)
    assert r == 2 + 0j and isinstance(r, complex)
    assert c_sqrt(-4.0) == cmath.sqrt(-4.0)


@njit
def mandel(x, y, max_iters):
    i = 0
    c = complex(x, y)
    z = 0.0j
    for i in range(max_iters):
        z = z * z + c
        if (z.real * z.real + z.imag * z.imag) >= 4:
            return i
    return 255


def test_mandel_grid_matches_cpython():
    xs = [-2.0 + 2.5 * k / 23 for k in range(24)]
    ys = [-1.25 + 2.5 * k / 15 for k in range(16)]
    got = [[mandel(x, y, 80) for x in xs] for y in ys]
    expected = [[mandel.py_func(x, y, 80) for x in xs] for y in ys]
    assert got == expected
    assert any(v == 255 for row in got for v in row)
    assert any(v < 5 for row in got for v in row)


@njit
def m_pow_const_base(y):
    b = 2147483648.0            # 2**31, known to LLVM once b is propagated
    return b ** y, math.pow(b, y), 8.0 ** y


def test_pow_with_a_constant_power_of_two_base_is_libms():
    # found by tests/fuzz/difffuzz.py: LLVM rewrote pow(2**31, y) as
    # exp2(31 * y), tens of ulps away from CPython's pow
    for y in [-7.546720276984287, 0.1, 1.0 / 3.0, 2.5, -0.5, 17.25, 1e-5]:
        got = m_pow_const_base(y)
        want = (2147483648.0 ** y, math.pow(2147483648.0, y), 8.0 ** y)
        assert all(same_float(g, w) for g, w in zip(got, want)), (y, got, want)
