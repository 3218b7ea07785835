"""Calls between jitted functions, recursion, module-level constants, builtins."""
import math
import sys

import pytest

from jitprofile import njit, TypingError, UnsupportedError

THIS = sys.modules[__name__]

SCALE = 2.0
OFFSET = 7
ENABLED = True


@njit
def double(x):
    return 2 * x


@njit
def call_double(x):
    return double(x) + 1


def test_call_other_jitted_function():
    assert call_double(5) == 11
    assert call_double(0.5) == 2.0


@njit
def caller_defined_before_callee(x):
    return callee_defined_later(x) * 3


@njit
def callee_defined_later(x):
    return x - 1


def test_callee_resolved_at_compile_time_not_definition_time():
    assert caller_defined_before_callee(5) == 12


@njit
def chain_a(x):
    return chain_b(x) + chain_b(x + 1)


@njit
def chain_b(x):
    return chain_c(x) * 2


@njit
def chain_c(x):
    return x + 0.5


def test_chain_of_jitted_calls():
    assert chain_a(1) == chain_a.py_func(1)


@njit
def callee_two_types(x):
    return x * 2


@njit
def caller_two_types(i, f):
    return callee_two_types(i), callee_two_types(f)


def test_callee_used_with_two_types():
    r = caller_two_types(3, 1.5)
    assert r == (6, 3.0)
    assert isinstance(r[0], int) and isinstance(r[1], float)


@njit
def callee_with_defaults(a, b=10, c=0.5):
    return a + b * c


@njit
def caller_kwargs(x):
    return callee_with_defaults(x) + callee_with_defaults(x, c=2.0) + callee_with_defaults(x, 1, 1.0)


def test_keyword_and_default_arguments_in_jitted_call():
    assert caller_kwargs(1) == caller_kwargs.py_func(1)


@njit
def returns_tuple_callee(x):
    return x, x * x


@njit
def uses_tuple_callee(x):
    a, b = returns_tuple_callee(x)
    return a + b


def test_call_returning_tuple():
    assert uses_tuple_callee(3) == 12


@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def test_direct_recursion_fib():
    assert fib(0) == 0
    assert fib(1) == 1
    assert fib(20) == 6765
    assert [fib(i) for i in range(10)] == [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]


@njit
def fact(n):
    if n <= 1:
        return 1.0
    return n * fact(n - 1)


def test_recursion_float_result():
    assert fact(10) == 3628800.0
    assert fact(20) == math.factorial(20)


@njit
def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


@njit
def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


def test_mutual_recursion():
    assert is_even(10) is True
    assert is_even(7) is False
    assert is_odd(7) is True
    assert is_odd(0) is False


@njit
def uses_constants(x):
    return x * SCALE + OFFSET


@njit
def uses_bool_constant(x):
    if ENABLED:
        return x
    return -x


def test_module_constants():
    assert uses_constants(1.0) == 9.0
    assert uses_bool_constant(3) == 3


@njit
def frozen_scale(x):
    return x * SCALE


def test_globals_frozen_at_compile_time_until_recompile():
    saved = THIS.SCALE
    try:
        assert frozen_scale(3.0) == 6.0          # compiles with SCALE == 2.0
        THIS.SCALE = 10.0
        assert frozen_scale(3.0) == 6.0          # frozen: old value still used
        frozen_scale.recompile()
        assert frozen_scale(3.0) == 30.0         # recompile picks up the new value
    finally:
        THIS.SCALE = saved
        frozen_scale.recompile()
    assert frozen_scale(3.0) == 6.0


@njit
def uses_math_constants():
    return math.pi, math.e, math.inf, -math.inf


def test_math_constants():
    pi, e, inf, ninf = uses_math_constants()
    assert pi == math.pi and e == math.e and inf == math.inf and ninf == -math.inf


@njit
def uses_nan():
    return math.nan


def test_math_nan_constant():
    assert math.isnan(uses_nan())


def _plain_python_helper(x):
    return x + 1


@njit
def calls_plain_python(x):
    return _plain_python_helper(x)


def test_calling_non_jitted_python_function_is_a_clear_error():
    # never a silent object-mode fallback
    with pytest.raises((TypingError, UnsupportedError)) as ei:
        calls_plain_python(1)
    assert "_plain_python_helper" in str(ei.value)


# ---- builtins ---------------------------------------------------------------------------

@njit
def b_abs(x):
    return abs(x)


def test_builtin_abs():
    assert b_abs(-3) == 3 and isinstance(b_abs(-3), int)
    assert b_abs(-2.5) == 2.5
    r = b_abs(-0.0)
    assert r == 0.0 and math.copysign(1.0, r) == 1.0
    r = b_abs(3 + 4j)
    assert r == 5.0 and isinstance(r, float)


@njit
def b_min2(a, b):
    return min(a, b)


@njit
def b_max2(a, b):
    return max(a, b)


@njit
def b_min3(a, b, c):
    return min(a, b, c)


@njit
def b_max3(a, b, c):
    return max(a, b, c)


def test_builtin_min_max():
    assert b_min2(3, -2) == -2
    assert b_max2(3, -2) == 3
    assert b_min2(1.5, 0.5) == 0.5
    assert b_max2(1.5, 0.5) == 1.5
    assert b_min3(5, 1, 3) == 1
    assert b_max3(5, 1, 3) == 5
    assert b_min3(2.0, -1.0, 3.0) == -1.0
    assert b_max2(2, 2.5) == 2.5
    assert b_min2(2, 2.5) == 2


@njit
def b_int(x):
    return int(x)


@njit
def b_float(x):
    return float(x)


@njit
def b_bool(x):
    return bool(x)


@njit
def b_complex2(a, b):
    return complex(a, b)


@njit
def b_complex1(a):
    return complex(a)


def test_builtin_conversions():
    assert b_int(3.7) == 3 and isinstance(b_int(3.7), int)
    assert b_int(-3.7) == -3
    assert b_int(True) == 1
    assert b_int(42) == 42
    r = b_float(3)
    assert r == 3.0 and isinstance(r, float)
    assert b_bool(0) is False and b_bool(5) is True
    assert b_bool(0.0) is False and b_bool(0.25) is True
    assert b_bool(0j) is False and b_bool(1j) is True
    assert b_complex2(1.0, 2.0) == 1 + 2j
    assert b_complex2(1, 2) == 1 + 2j
    assert b_complex1(2.5) == 2.5 + 0j and isinstance(b_complex1(2.5), complex)


@njit
def b_round0(x):
    return round(x)


@njit
def b_round(x, n):
    return round(x, n)


def test_builtin_round():
    for x in (2.5, 3.5, -0.5, -1.5, 0.4999999999999999, 1e15 + 0.5, -2.6, 7.0):
        r = b_round0(x)
        assert r == round(x) and isinstance(r, int), x
    for x, n in ((1.25, 1), (0.125, 2), (-2.5, 0), (1234.5678, -2), (0.5, 0)):
        r = b_round(x, n)
        assert isinstance(r, float)
        assert r == round(x, n), (x, n, r)


@njit
def b_pow(a, b):
    return pow(a, b)


def test_builtin_pow():
    assert b_pow(2, 10) == 1024 and isinstance(b_pow(2, 10), int)
    assert b_pow(2.0, 0.5) == 2.0 ** 0.5
    assert b_pow(9.0, 2) == 81.0


@njit
def b_divmod(a, b):
    return divmod(a, b)


@pytest.mark.parametrize("a, b", [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 5),
                                  (7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (-0.0, 1.0), (1.0, -3.0)])
def test_builtin_divmod(a, b):
    r = b_divmod(a, b)
    assert isinstance(r, tuple) and len(r) == 2
    q, m = divmod(a, b)
    assert r == (q, m)
    assert all(type(x) is type(y) for x, y in zip(r, (q, m)))
    assert [math.copysign(1, x) for x in r] == [math.copysign(1, x) for x in (q, m)]


@njit
def b_len(t):
    return len(t)


def test_builtin_len_of_tuples():
    assert b_len((1, 2, 3)) == 3
    assert b_len((1.0, 2)) == 2


@njit
def complex_parts(z):
    return z.real, z.imag, z.conjugate()


def test_complex_attributes():
    assert complex_parts(1.5 - 2j) == (1.5, -2.0, 1.5 + 2j)
    r = complex_parts(3j)
    assert isinstance(r[0], float) and isinstance(r[2], complex)


@njit
def real_of_float(x):
    return x.real, x.imag


def test_real_imag_of_float_like_python():
    assert real_of_float(2.5) == (2.5, 0.0)


# ---- print --------------------------------------------------------------------------------

@njit
def p_three(a, b, c):
    print(a, b, c)


@njit
def p_one(x):
    print(x)


@njit
def p_str_const(x):
    print("x =", x)


@njit
def p_empty():
    print()


def test_print_mixed_scalars(capsys):
    p_three(1, 2.5, True)
    assert capsys.readouterr().out == "1 2.5 True\n"


@pytest.mark.parametrize("value", [0, -7, 2**62, 0.1, -0.0, 1e16, 1e-7, 123456789.0, 1.0 / 3,
                                   math.inf, -math.inf, math.nan, False, 1 + 2j, -1.5 - 0.5j,
                                   3j, 2.5 + 0j])
def test_print_scalar_like_cpython(capsys, value):
    p_one(value)
    out = capsys.readouterr().out
    print(value)
    expected = capsys.readouterr().out
    assert out == expected


def test_print_string_constant(capsys):
    p_str_const(3)
    assert capsys.readouterr().out == "x = 3\n"


def test_print_no_args(capsys):
    p_empty()
    assert capsys.readouterr().out == "\n"


def test_print_order_interleaves_with_python(capsys):
    print("before")
    p_one(1)
    print("after")
    p_one(2.5)
    assert capsys.readouterr().out == "before\n1\nafter\n2.5\n"


@njit
def apply_twice(g, x):
    return g(g(x))


def test_jitted_function_as_argument():
    # Numba's first-class dispatcher arguments (the type language's function(name))
    assert apply_twice(double, 3) == 12
    assert apply_twice(double, 1.5) == 6.0
