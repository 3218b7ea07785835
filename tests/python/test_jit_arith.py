"""Scalar arithmetic semantics: must equal CPython's (ints, floats, complex, bool)."""
import math

import pytest

from jitprofile import njit
from conftest import same_float, same_complex

INT64_MIN = -2**63
INT64_MAX = 2**63 - 1


@njit
def add(a, b):
    return a + b


@njit
def sub(a, b):
    return a - b


@njit
def mul(a, b):
    return a * b


@njit
def truediv(a, b):
    return a / b


@njit
def floordiv(a, b):
    return a // b


@njit
def mod(a, b):
    return a % b


@njit
def power(a, b):
    return a ** b


@njit
def neg(a):
    return -a


@njit
def pos(a):
    return +a


@njit
def invert(a):
    return ~a


@njit
def lnot(a):
    return not a


@njit
def band(a, b):
    return a & b


@njit
def bor(a, b):
    return a | b


@njit
def bxor(a, b):
    return a ^ b


@njit
def lshift(a, b):
    return a << b


@njit
def rshift(a, b):
    return a >> b


INT_PAIRS = [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 3), (0, -3), (6, 3), (-6, 3),
             (1, 1), (INT64_MAX, 7), (INT64_MIN, 7), (INT64_MIN + 1, -1), (123456789, -1000)]


@pytest.mark.parametrize("a, b", INT_PAIRS)
def test_int_floordiv_sign_rules(a, b):
    r = floordiv(a, b)
    assert r == a // b
    assert isinstance(r, int)


@pytest.mark.parametrize("a, b", INT_PAIRS)
def test_int_mod_sign_rules(a, b):
    r = mod(a, b)
    assert r == a % b
    assert isinstance(r, int)


@pytest.mark.parametrize("a, b", [(7, 2), (-7, 2), (1, 3), (-1, 3), (0, 5), (10, -4), (2**40, 3)])
def test_int_true_division_gives_float(a, b):
    r = truediv(a, b)
    assert isinstance(r, float)
    assert same_float(r, a / b)


@pytest.mark.parametrize("a, b", [(3, 4), (-3, 5), (2**31, 2**31 - 7), (0, 0)])
def test_int_add_sub_mul(a, b):
    assert add(a, b) == a + b
    assert sub(a, b) == a - b
    assert mul(a, b) == a * b
    assert isinstance(add(a, b), int)


def test_int_overflow_wraps_twos_complement():
    assert add(INT64_MAX, 1) == INT64_MIN
    assert sub(INT64_MIN, 1) == INT64_MAX
    assert mul(2**62, 4) == 0
    assert mul(2**62 + 1, 2) == INT64_MIN + 2
    assert neg(INT64_MIN) == INT64_MIN


def test_int_unary_ops():
    assert neg(5) == -5
    assert pos(-5) == -5
    assert invert(5) == -6
    assert invert(-1) == 0
    assert invert(0) == -1
    assert lnot(0) is True
    assert lnot(3) is False


def test_int_bit_ops():
    assert band(0b1100, 0b1010) == 0b1000
    assert bor(0b1100, 0b1010) == 0b1110
    assert bxor(0b1100, 0b1010) == 0b0110
    assert band(-1, 12345) == 12345
    assert bxor(-8, 3) == -8 ^ 3
    assert lshift(1, 62) == 2**62
    assert lshift(-3, 4) == -48
    assert rshift(-17, 2) == -17 >> 2
    assert rshift(INT64_MIN, 62) == -2
    assert rshift(1000, 3) == 125


@pytest.mark.parametrize("a, b", [(3, 4), (2, 10), (-2, 3), (-3, 2), (0, 0), (0, 5), (1, 0),
                                  (7, 1), (-1, 63), (3, 39)])
def test_int_pow(a, b):
    r = power(a, b)
    assert r == a ** b
    assert isinstance(r, int)


def test_int_pow_negative_exponent_raises_clear_error():
    # documented divergence from CPython (which returns a float): a clear error
    with pytest.raises((ValueError, ArithmeticError)) as ei:
        power(2, -1)
    assert "negative" in str(ei.value).lower()


FLOAT_PAIRS = [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (-7.5, -2.0), (0.0, 3.0), (-0.0, 3.0),
               (0.0, -3.0), (-0.0, -3.0), (6.0, 3.0), (-6.0, 3.0), (6.0, -3.0), (1e300, 1e-300),
               (5e-324, 3.0), (1.0, math.inf), (-1.0, math.inf), (1.0, -math.inf),
               (-1.0, -math.inf), (math.inf, 2.0), (math.nan, 2.0), (2.0, math.nan),
               (0.1, 0.01), (1e16, 3.0), (-1e-17, 1.0), (3.0, 0.1)]


@pytest.mark.parametrize("a, b", FLOAT_PAIRS)
def test_float_floordiv_matches_cpython_exactly(a, b):
    r = floordiv(a, b)
    assert same_float(r, a // b), (r, a // b)


@pytest.mark.parametrize("a, b", FLOAT_PAIRS)
def test_float_mod_matches_cpython_exactly(a, b):
    r = mod(a, b)
    assert same_float(r, a % b), (r, a % b)


@pytest.mark.parametrize("a, b", FLOAT_PAIRS)
def test_float_add_sub_mul_div(a, b):
    assert same_float(add(a, b), a + b)
    assert same_float(sub(a, b), a - b)
    assert same_float(mul(a, b), a * b)
    assert same_float(truediv(a, b), a / b)


@pytest.mark.parametrize("a, b", [(2.0, 0.5), (2.0, -2.0), (-8.0, 3.0), (-8.0, 2.0), (10.0, 0.0),
                                  (0.0, 0.0), (1.0, math.nan), (math.nan, 0.0), (0.5, math.inf),
                                  (-1.0, math.inf), (1.5, 3.25), (1e-10, 0.3)])
def test_float_pow(a, b):
    r = power(a, b)
    assert same_float(r, a ** b), (r, a ** b)


def test_float_pow_int_exponent():
    r = power(2.0, -2)
    assert same_float(r, 0.25)
    r = power(1.5, 3)
    assert same_float(r, 1.5 ** 3)


def test_float_unary():
    assert same_float(neg(0.0), -0.0)
    assert same_float(neg(-2.5), 2.5)
    assert same_float(pos(-2.5), -2.5)
    assert lnot(0.0) is True
    assert lnot(-0.0) is True
    assert lnot(0.1) is False
    assert lnot(math.nan) is False


def test_mixed_int_float_promotes():
    r = add(1, 2.5)
    assert r == 3.5 and isinstance(r, float)
    r = mul(2.5, 4)
    assert r == 10.0 and isinstance(r, float)
    r = floordiv(7, 2.0)
    assert same_float(r, 7 // 2.0)
    r = mod(-7, 2.5)
    assert same_float(r, -7 % 2.5)


def test_mixed_int_complex_promotes():
    r = add(1, 2j)
    assert r == 1 + 2j and isinstance(r, complex)
    r = mul(2.5, 1 - 1j)
    assert r == 2.5 - 2.5j and isinstance(r, complex)


@pytest.mark.parametrize("a, b", [(1 + 2j, 3 - 4j), (-1.5 + 0.5j, 2j), (0j, 1 + 1j),
                                  (1e300 + 1e300j, 1e-300 + 1j)])
def test_complex_arith(a, b):
    assert same_complex(add(a, b), a + b)
    assert same_complex(sub(a, b), a - b)
    assert same_complex(mul(a, b), a * b)
    assert same_complex(truediv(a, b), a / b), (truediv(a, b), a / b)
    assert same_complex(neg(a), -a)


@pytest.mark.parametrize("a, b", [(1 + 2j, 2), (1 + 1j, 2 + 0j), (2j, 0.5), (3 - 1j, 1 + 1j),
                                  (1.5 + 0j, -2), (0j, 0j)])
def test_complex_pow(a, b):
    import cmath
    r = power(a, b)
    e = a ** b
    assert isinstance(r, complex)
    assert cmath.isclose(r, e, rel_tol=1e-13, abs_tol=1e-300), (r, e)


def test_bool_arithmetic_like_python():
    assert add(True, True) == 2
    assert isinstance(add(True, True), int)
    assert sub(False, True) == -1
    assert neg(True) == -1
    assert band(True, False) is False
    assert bor(True, False) is True
    assert bxor(True, True) is False
    assert lnot(True) is False


@njit
def aug_ops(a, b):
    x = a
    x += b
    x -= 1
    x *= 3
    x //= 2
    x %= 1000
    x **= 2
    x &= 0xFFFF
    x |= 0x10000
    x ^= 0b1010
    x <<= 3
    x >>= 1
    return x


@njit
def aug_float(a, b):
    y = a
    y += b
    y *= 1.5
    y /= 4
    y -= 0.25
    y //= 0.5
    y %= 7.5
    y **= 2
    return y


def test_augmented_assignment_int():
    for a, b in [(3, 4), (-100, 7), (123456, -999), (0, 0)]:
        assert aug_ops(a, b) == aug_ops.py_func(a, b)


def test_augmented_assignment_float():
    for a, b in [(3.0, 4.5), (-100.25, 7.0), (1e10, -3.0), (0.0, 0.0)]:
        assert same_float(aug_float(a, b), aug_float.py_func(a, b))


def test_augmented_int_true_division_changes_type():
    @njit
    def f(a):
        x = a
        x /= 2
        return x
    r = f(5)
    assert r == 2.5 and isinstance(r, float)


@njit
def compare_all(a, b):
    return (a < b, a <= b, a == b, a != b, a > b, a >= b)


@pytest.mark.parametrize("a, b", [(1, 2), (2, 1), (3, 3), (-1, 1), (1.5, 1.5), (math.nan, 1.0),
                                  (1.0, math.nan), (-0.0, 0.0), (math.inf, 1e308), (2, 2.0),
                                  (1, 1.5), (True, 1)])
def test_comparisons(a, b):
    assert compare_all(a, b) == compare_all.py_func(a, b)


def test_complex_equality():
    @njit
    def eq(a, b):
        return a == b, a != b
    assert eq(1 + 2j, 1 + 2j) == (True, False)
    assert eq(1 + 2j, 1 - 2j) == (False, True)


@njit
def chain(a, b, c):
    return a < b < c


@njit
def chain2(a, b, c, d):
    return a <= b > c != d


def test_chained_comparisons():
    for args in [(1, 2, 3), (1, 3, 2), (3, 2, 1), (1, 1, 2), (1.0, 2.5, 2.5)]:
        assert chain(*args) == chain.py_func(*args)
    for args in [(1, 2, 0, 1), (1, 2, 0, 0), (2, 1, 0, 5), (0, 5, 5, 1)]:
        assert chain2(*args) == chain2.py_func(*args)


@njit
def safe_ratio(x):
    return x != 0 and 10 // x > 1


@njit
def safe_ratio_or(x):
    return x == 0 or 10 // x > 1


def test_and_short_circuits():
    assert safe_ratio(0) is False
    assert safe_ratio(3) is True
    assert safe_ratio(20) is False


def test_or_short_circuits():
    assert safe_ratio_or(0) is True
    assert safe_ratio_or(3) is True
    assert safe_ratio_or(20) is False


@njit
def and_value(a, b):
    return a and b


@njit
def or_value(a, b):
    return a or b


def test_and_or_return_operand_values():
    assert or_value(0, 5) == 5
    assert or_value(3, 5) == 3
    assert and_value(0, 5) == 0
    assert and_value(3, 5) == 5
    assert or_value(0.0, 2.5) == 2.5
    assert and_value(1.5, 0.0) == 0.0


@njit
def not_of_expr(a, b):
    return not (a > b or a == 0)


def test_not_of_expression():
    for a, b in [(1, 2), (3, 2), (0, -1)]:
        assert not_of_expr(a, b) == not_of_expr.py_func(a, b)


@njit
def cond_expr(x):
    return x * 2 if x > 0 else -x


def test_conditional_expression():
    assert cond_expr(3) == 6
    assert cond_expr(-4) == 4
    assert cond_expr(0) == 0


@njit
def cond_expr_mixed(x):
    return 1 if x > 0 else 0.5


def test_conditional_expression_unifies_to_float():
    r = cond_expr_mixed(1)
    assert r == 1.0 and isinstance(r, float)
    assert cond_expr_mixed(-1) == 0.5


def test_zero_to_negative_infinity_power_is_inf():
    # CPython: 0.0 ** -inf == inf (the infinite-exponent rule comes before the
    # zero-base ZeroDivisionError rule)
    assert power(0.0, -math.inf) == 0.0 ** -math.inf == math.inf
    assert power(-0.0, -math.inf) == math.inf


SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 1.5, -2.5, 5e-324, -5e-324,
           1e308, -1e308, math.inf, -math.inf, math.nan]


def _outcome(fn, a, b):
    try:
        v = fn(a, b)
    except Exception as e:  # noqa: BLE001
        return (type(e).__name__, str(e))
    if isinstance(v, tuple):
        return ("ok",) + tuple(("nan" if x != x else (x, math.copysign(1, x))) for x in v)
    if isinstance(v, complex):
        return ("complex",)
    return ("ok", "nan" if v != v else (v, math.copysign(1, v)))


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "//", "%", "**", "divmod"])
def test_float_special_value_grid_matches_cpython(op):
    jf, pf = {"+": (add, lambda a, b: a + b), "-": (sub, lambda a, b: a - b),
              "*": (mul, lambda a, b: a * b), "/": (truediv, lambda a, b: a / b),
              "//": (floordiv, lambda a, b: a // b), "%": (mod, lambda a, b: a % b),
              "**": (power, lambda a, b: a ** b), "divmod": (divmod_f, divmod)}[op]
    bad = []
    for a in SPECIAL:
        for b in SPECIAL:
            expected = _outcome(pf, a, b)
            if expected[0] == "complex" or expected == ("OverflowError", "complex exponentiation"):
                continue       # negative ** fractional: documented divergence (ValueError)
            got = _outcome(jf, a, b)
            if got != expected:
                bad.append((a, b, got, expected))
    assert bad == []


@njit
def divmod_f(a, b):
    return divmod(a, b)
