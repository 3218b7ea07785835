"""Property-based tests: jitted scalar arithmetic equals CPython's.

Integers: on int64 ranges where CPython's exact result also fits int64.
Floats: bit for bit (NaN both-or-neither), including signed zeros of // and %.
"""
import math

import pytest
from hypothesis import assume, given, settings, strategies as st

from jitprofile import njit
from conftest import same_float

INT64_MIN = -2**63
INT64_MAX = 2**63 - 1

ints = st.integers(INT64_MIN, INT64_MAX)
small_ints = st.integers(-2**31, 2**31)
exact_ints = st.integers(-2**53, 2**53)          # exactly representable as float64
shifts = st.integers(0, 62)
floats = st.floats(allow_nan=True, allow_infinity=True)
finite = st.floats(allow_nan=False, allow_infinity=False)

SETTINGS = settings(max_examples=250, deadline=None)


def fits(v):
    return INT64_MIN <= v <= INT64_MAX


@njit
def j_add(a, b): return a + b
@njit
def j_sub(a, b): return a - b
@njit
def j_mul(a, b): return a * b
@njit
def j_truediv(a, b): return a / b
@njit
def j_floordiv(a, b): return a // b
@njit
def j_mod(a, b): return a % b
@njit
def j_pow(a, b): return a ** b
@njit
def j_and(a, b): return a & b
@njit
def j_or(a, b): return a | b
@njit
def j_xor(a, b): return a ^ b
@njit
def j_lshift(a, b): return a << b
@njit
def j_rshift(a, b): return a >> b
@njit
def j_neg(a): return -a
@njit
def j_abs(a): return abs(a)
@njit
def j_invert(a): return ~a
@njit
def j_min(a, b): return min(a, b)
@njit
def j_max(a, b): return max(a, b)
@njit
def j_lt(a, b): return a < b
@njit
def j_le(a, b): return a <= b
@njit
def j_eq(a, b): return a == b
@njit
def j_ne(a, b): return a != b
@njit
def j_gt(a, b): return a > b
@njit
def j_ge(a, b): return a >= b
@njit
def j_divmod(a, b): return divmod(a, b)


def check_int(got, expected):
    assert type(got) is int, (got, expected)
    assert got == expected


# ---- integers --------------------------------------------------------------------------------

@SETTINGS
@given(ints, ints)
def test_int_add(a, b):
    assume(fits(a + b))
    check_int(j_add(a, b), a + b)


@SETTINGS
@given(ints, ints)
def test_int_sub(a, b):
    assume(fits(a - b))
    check_int(j_sub(a, b), a - b)


@SETTINGS
@given(small_ints, small_ints)
def test_int_mul(a, b):
    check_int(j_mul(a, b), a * b)


@SETTINGS
@given(ints, ints)
def test_int_mul_full_range_when_fits(a, b):
    assume(fits(a * b))
    check_int(j_mul(a, b), a * b)


@SETTINGS
@given(ints, ints)
def test_int_add_sub_mul_wrap_twos_complement(a, b):
    def wrap(v):
        return (v + 2**63) % 2**64 - 2**63
    check_int(j_add(a, b), wrap(a + b))
    check_int(j_sub(a, b), wrap(a - b))
    check_int(j_mul(a, b), wrap(a * b))


@SETTINGS
@given(ints, ints.filter(lambda b: b != 0))
def test_int_floordiv(a, b):
    assume(fits(a // b))
    check_int(j_floordiv(a, b), a // b)


@SETTINGS
@given(ints, ints.filter(lambda b: b != 0))
def test_int_mod(a, b):
    check_int(j_mod(a, b), a % b)


@SETTINGS
@given(ints, small_ints.filter(lambda b: b != 0))
def test_int_floordiv_mod_small_divisor(a, b):
    assume(fits(a // b))
    check_int(j_floordiv(a, b), a // b)
    check_int(j_mod(a, b), a % b)


@SETTINGS
@given(ints, ints.filter(lambda b: b != 0))
def test_int_divmod(a, b):
    assume(fits(a // b))
    assert j_divmod(a, b) == divmod(a, b)


@SETTINGS
@given(exact_ints, exact_ints.filter(lambda b: b != 0))
def test_int_truediv(a, b):
    got = j_truediv(a, b)
    assert same_float(got, a / b), (got, a / b)


@SETTINGS
@given(st.integers(-50, 50), st.integers(0, 40))
def test_int_pow(a, b):
    assume(fits(a ** b))
    check_int(j_pow(a, b), a ** b)


@SETTINGS
@given(ints, ints)
def test_int_bitops(a, b):
    check_int(j_and(a, b), a & b)
    check_int(j_or(a, b), a | b)
    check_int(j_xor(a, b), a ^ b)


@SETTINGS
@given(shifts.flatmap(lambda s: st.tuples(st.integers(-2**(63 - s), 2**(63 - s) - 1),
                                          st.just(s))))
def test_int_lshift(pair):
    a, s = pair
    assert fits(a << s)
    check_int(j_lshift(a, s), a << s)


@SETTINGS
@given(ints, shifts)
def test_int_rshift(a, s):
    check_int(j_rshift(a, s), a >> s)


@SETTINGS
@given(ints)
def test_int_unary(a):
    check_int(j_invert(a), ~a)
    if a != INT64_MIN:
        check_int(j_neg(a), -a)
        check_int(j_abs(a), abs(a))


@SETTINGS
@given(ints, ints)
def test_int_min_max(a, b):
    check_int(j_min(a, b), min(a, b))
    check_int(j_max(a, b), max(a, b))


@SETTINGS
@given(ints, ints)
def test_int_comparisons(a, b):
    assert j_lt(a, b) is (a < b)
    assert j_le(a, b) is (a <= b)
    assert j_eq(a, b) is (a == b)
    assert j_ne(a, b) is (a != b)
    assert j_gt(a, b) is (a > b)
    assert j_ge(a, b) is (a >= b)


# ---- floats --------------------------------------------------------------------------------

def check_float(got, expected):
    assert same_float(got, expected), (got, expected)


@SETTINGS
@given(floats, floats)
def test_float_add_sub_mul(a, b):
    check_float(j_add(a, b), a + b)
    check_float(j_sub(a, b), a - b)
    check_float(j_mul(a, b), a * b)


@SETTINGS
@given(floats, floats.filter(lambda b: b != 0))
def test_float_truediv(a, b):
    check_float(j_truediv(a, b), a / b)


@SETTINGS
@given(floats, floats.filter(lambda b: b != 0))
def test_float_floordiv(a, b):
    check_float(j_floordiv(a, b), a // b)


@SETTINGS
@given(floats, floats.filter(lambda b: b != 0))
def test_float_mod(a, b):
    check_float(j_mod(a, b), a % b)


@SETTINGS
@given(floats, floats.filter(lambda b: b != 0))
def test_float_divmod(a, b):
    q, r = divmod(a, b)
    gq, gr = j_divmod(a, b)
    check_float(gq, q)
    check_float(gr, r)


@SETTINGS
@given(finite, st.integers(-10**6, 10**6).filter(lambda b: b != 0))
def test_float_int_floordiv_mod(a, b):
    check_float(j_floordiv(a, b), a // b)
    check_float(j_mod(a, b), a % b)


@SETTINGS
@given(floats, floats)
def test_float_pow(a, b):
    try:
        expected = a ** b
    except (ZeroDivisionError, OverflowError):
        assume(False)
    assume(isinstance(expected, float))       # negative ** fractional gives complex in CPython
    check_float(j_pow(a, b), expected)


@SETTINGS
@given(floats, floats)
def test_float_comparisons(a, b):
    assert j_lt(a, b) is (a < b)
    assert j_le(a, b) is (a <= b)
    assert j_eq(a, b) is (a == b)
    assert j_ne(a, b) is (a != b)
    assert j_gt(a, b) is (a > b)
    assert j_ge(a, b) is (a >= b)


@SETTINGS
@given(floats)
def test_float_unary(a):
    check_float(j_neg(a), -a)
    check_float(j_abs(a), abs(a))


@SETTINGS
@given(finite, finite)
def test_float_min_max(a, b):
    check_float(j_min(a, b), min(a, b))
    check_float(j_max(a, b), max(a, b))


# ---- math functions ----------------------------------------------------------------------------

@njit
def f_sqrt(x): return math.sqrt(x)
@njit
def f_exp(x): return math.exp(x)
@njit
def f_log(x): return math.log(x)
@njit
def f_log10(x): return math.log10(x)
@njit
def f_log2(x): return math.log2(x)
@njit
def f_log1p(x): return math.log1p(x)
@njit
def f_expm1(x): return math.expm1(x)
@njit
def f_sin(x): return math.sin(x)
@njit
def f_cos(x): return math.cos(x)
@njit
def f_tan(x): return math.tan(x)
@njit
def f_asin(x): return math.asin(x)
@njit
def f_acos(x): return math.acos(x)
@njit
def f_atan(x): return math.atan(x)
@njit
def f_sinh(x): return math.sinh(x)
@njit
def f_cosh(x): return math.cosh(x)
@njit
def f_tanh(x): return math.tanh(x)
@njit
def f_erf(x): return math.erf(x)
@njit
def f_erfc(x): return math.erfc(x)
@njit
def f_fabs(x): return math.fabs(x)
@njit
def f_floor(x): return math.floor(x)
@njit
def f_ceil(x): return math.ceil(x)
@njit
def f_trunc(x): return math.trunc(x)
@njit
def f_atan2(y, x): return math.atan2(y, x)
@njit
def f_fmod(x, y): return math.fmod(x, y)
@njit
def f_pow(x, y): return math.pow(x, y)
@njit
def f_copysign(x, y): return math.copysign(x, y)
@njit
def f_gamma(x): return math.gamma(x)
@njit
def f_lgamma(x): return math.lgamma(x)


UNARY = {
    "sqrt": (f_sqrt, math.sqrt), "exp": (f_exp, math.exp), "log": (f_log, math.log),
    "log10": (f_log10, math.log10), "log2": (f_log2, math.log2),
    "log1p": (f_log1p, math.log1p), "expm1": (f_expm1, math.expm1),
    "sin": (f_sin, math.sin), "cos": (f_cos, math.cos), "tan": (f_tan, math.tan),
    "asin": (f_asin, math.asin), "acos": (f_acos, math.acos), "atan": (f_atan, math.atan),
    "sinh": (f_sinh, math.sinh), "cosh": (f_cosh, math.cosh), "tanh": (f_tanh, math.tanh),
    "erf": (f_erf, math.erf), "erfc": (f_erfc, math.erfc), "fabs": (f_fabs, math.fabs),
}


def _cpython(fn, *args):
    try:
        return fn(*args)
    except (ValueError, OverflowError):
        return None


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=80, deadline=None)
@given(x=floats)
def test_libm_unary_bit_exact(name, x):
    jf, pf = UNARY[name]
    expected = _cpython(pf, x)
    assume(expected is not None)
    check_float(jf(x), expected)


@pytest.mark.parametrize("name", ["atan2", "fmod", "pow", "copysign"])
@settings(max_examples=150, deadline=None)
@given(x=floats, y=floats)
def test_libm_binary_bit_exact(name, x, y):
    jf, pf = {"atan2": (f_atan2, math.atan2), "fmod": (f_fmod, math.fmod),
              "pow": (f_pow, math.pow), "copysign": (f_copysign, math.copysign)}[name]
    expected = _cpython(pf, x, y)
    assume(expected is not None)
    check_float(jf(x, y), expected)


@SETTINGS
@given(st.floats(-9.2e18, 9.2e18))
def test_floor_ceil_trunc_int_results(x):
    for jf, pf in ((f_floor, math.floor), (f_ceil, math.ceil), (f_trunc, math.trunc)):
        check_int(jf(x), pf(x))


@settings(max_examples=150, deadline=None)
@given(st.floats(-170.0, 171.0))
def test_gamma_lgamma_close_to_cpython(x):
    # CPython uses its own gamma/lgamma (not libm): compare with a tight tolerance
    g = _cpython(math.gamma, x)
    if g is not None:
        assert math.isclose(f_gamma(x), g, rel_tol=1e-12, abs_tol=1e-300)
    lg = _cpython(math.lgamma, x)
    if lg is not None:
        assert math.isclose(f_lgamma(x), lg, rel_tol=1e-10, abs_tol=1e-13)


# ---- complex ---------------------------------------------------------------------------------

complexes = st.complex_numbers(allow_nan=False, allow_infinity=False)


def check_complex(got, expected):
    assert isinstance(got, complex), got
    assert same_float(got.real, expected.real) and same_float(got.imag, expected.imag), \
        (got, expected)


@SETTINGS
@given(complexes, complexes)
def test_complex_add_sub_mul(a, b):
    check_complex(j_add(a, b), a + b)
    check_complex(j_sub(a, b), a - b)
    check_complex(j_mul(a, b), a * b)


@SETTINGS
@given(complexes, complexes.filter(lambda b: b != 0))
def test_complex_truediv(a, b):
    # CPython's complex division algorithm (scaled, as Numba also implements it)
    check_complex(j_truediv(a, b), a / b)


@SETTINGS
@given(complexes)
def test_complex_abs_and_neg(a):
    try:
        expected = abs(a)          # CPython raises OverflowError when |a| overflows
    except OverflowError:
        expected = None
    if expected is not None:
        check_float(j_abs(a), expected)
    check_complex(j_neg(a), -a)


@SETTINGS
@given(ints, finite)
def test_mixed_int_float_arith(i, x):
    check_float(j_add(i, x), i + x if abs(i) <= 2**53 else float(i) + x)
    check_float(j_mul(x, i), x * i if abs(i) <= 2**53 else x * float(i))


@SETTINGS
@given(st.booleans(), st.booleans())
def test_bool_ops(a, b):
    assert j_and(a, b) is (a & b)
    assert j_or(a, b) is (a | b)
    assert j_xor(a, b) is (a ^ b)
    check_int(j_add(a, b), a + b)
    assert j_eq(a, b) is (a == b)
    assert j_lt(a, b) is (a < b)
