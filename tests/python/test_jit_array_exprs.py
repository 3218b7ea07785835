"""Array expressions (issue 3): arithmetic and comparisons with broadcasting, NEP 50
promotion, unary minus, in-place operators, and NumPy's elementwise functions on arrays
and on scalars, each checked against NumPy's own result (values and dtype)."""
import operator
import subprocess
import sys

import numpy as np
import pytest

from jitprofile import njit


def make_unary(fn):
    @njit
    def f(a):
        return fn(a)
    return f


def make_binary(fn):
    @njit
    def f(a, b):
        return fn(a, b)
    return f


def check_same(got, exp, rtol=None):
    got = np.asarray(got)
    exp = np.asarray(exp)
    assert got.shape == exp.shape, (got.shape, exp.shape)
    assert got.dtype == exp.dtype, (got.dtype, exp.dtype)
    if rtol is None:
        rtol = {4: 2e-6, 8: 1e-13}.get(exp.dtype.itemsize if exp.dtype.kind == "f" else
                                       exp.dtype.itemsize // 2 if exp.dtype.kind == "c" else 0, 0)
    if rtol == 0 or exp.dtype.kind in "biu":
        np.testing.assert_array_equal(got, exp)
    else:
        np.testing.assert_allclose(got, exp, rtol=rtol, atol=0, equal_nan=True)


def layouts(a):
    """The same values as C, Fortran (2-d) and a strided view."""
    out = [("C", np.ascontiguousarray(a))]
    if a.ndim == 2:
        out.append(("F", np.asfortranarray(a)))
    big = np.zeros(tuple(2 * s for s in a.shape), dtype=a.dtype)
    view = big[tuple(slice(None, None, 2) for _ in a.shape)]
    view[...] = a
    out.append(("strided", view))
    return out


def layout_pairs(a, b):
    """A few (layout of a, layout of b) combinations: every layout appears on each side."""
    la, lb = layouts(a), layouts(b)
    n = max(len(la), len(lb))
    pairs = [(la[i % len(la)], lb[i % len(lb)]) for i in range(n)]
    pairs += [(la[i % len(la)], lb[(i + 1) % len(lb)]) for i in range(n)]
    return pairs


# ---- binary arithmetic -------------------------------------------------------------------

BINOPS = [("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
          ("truediv", operator.truediv), ("floordiv", operator.floordiv),
          ("mod", operator.mod), ("pow", operator.pow)]


@njit
def j_add(a, b):
    return a + b


@njit
def j_sub(a, b):
    return a - b


@njit
def j_mul(a, b):
    return a * b


@njit
def j_truediv(a, b):
    return a / b


@njit
def j_floordiv(a, b):
    return a // b


@njit
def j_mod(a, b):
    return a % b


@njit
def j_pow(a, b):
    return a ** b


BIN_JIT = {"add": j_add, "sub": j_sub, "mul": j_mul, "truediv": j_truediv,
           "floordiv": j_floordiv, "mod": j_mod, "pow": j_pow}


def operands(dtype, shape):
    n = int(np.prod(shape))
    v = (np.arange(n) % 9) - 4
    if np.issubdtype(dtype, np.unsignedinteger):
        v = v + 5
    if np.issubdtype(dtype, np.floating):
        v = v * 0.75
    return v.astype(dtype).reshape(shape)


def divisors(dtype, shape):
    d = operands(dtype, shape)
    d = np.where(d == 0, dtype(3), d).astype(dtype)
    return d


def exponents(dtype, shape):
    n = int(np.prod(shape))
    return (np.arange(n) % 4).astype(dtype).reshape(shape)


def right_operand(name, dtype, shape):
    if name in ("truediv", "floordiv", "mod"):
        return divisors(dtype, shape)
    if name == "pow":
        return exponents(dtype, shape)
    return operands(dtype, shape)[::-1].copy() if len(shape) == 1 else operands(dtype, shape)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.float64, np.float32],
                         ids=str)
@pytest.mark.parametrize("name", [n for n, _ in BINOPS])
def test_binop_same_shape(name, dtype):
    op = dict(BINOPS)[name]
    a = operands(dtype, (3, 4))
    b = right_operand(name, dtype, (3, 4))
    with np.errstate(all="ignore"):
        exp = op(a, b)
    for (la, aa), (lb, bb) in layout_pairs(a, b):
        check_same(BIN_JIT[name](aa, bb), exp)


@pytest.mark.parametrize("name", [n for n, _ in BINOPS])
def test_binop_complex(name):
    if name in ("floordiv", "mod"):
        pytest.skip("NumPy has no complex // or %")
    op = dict(BINOPS)[name]
    a = (operands(np.float64, (5,)) + 1j * np.arange(5)).astype(np.complex128)
    b = (divisors(np.float64, (5,)) - 0.5j).astype(np.complex128)
    if name == "pow":
        b = exponents(np.complex128, (5,))
    exp = op(a, b)
    check_same(BIN_JIT[name](a, b), exp, rtol=1e-12)
    check_same(BIN_JIT[name](a.astype(np.complex64), b.astype(np.complex64)),
               op(a.astype(np.complex64), b.astype(np.complex64)), rtol=1e-5)


@pytest.mark.parametrize("name", [n for n, _ in BINOPS])
@pytest.mark.parametrize("shapes", [((3, 4), (4,)), ((3, 1), (1, 4)), ((4,), (3, 4)),
                                    ((2, 3, 4), (3, 1)), ((1,), (5,))], ids=str)
def test_binop_broadcasting_arrays(name, shapes):
    op = dict(BINOPS)[name]
    a = operands(np.float64, shapes[0])
    b = right_operand(name, np.float64, shapes[1])
    check_same(BIN_JIT[name](a, b), op(a, b))


@pytest.mark.parametrize("name", [n for n, _ in BINOPS])
@pytest.mark.parametrize("dtype", [np.int64, np.float64], ids=str)
def test_binop_with_scalar_both_sides(name, dtype):
    op = dict(BINOPS)[name]
    a = right_operand(name, dtype, (2, 5))
    s = 3 if dtype is np.int64 else 2.5
    check_same(BIN_JIT[name](a, s), op(a, s))
    if name != "pow":
        check_same(BIN_JIT[name](s, a), op(s, a))
    else:
        check_same(BIN_JIT[name](s, a), op(s, a))


@pytest.mark.parametrize("da, db", [(np.int32, np.float32), (np.int8, np.int64),
                                    (np.uint64, np.int64), (np.uint8, np.int8),
                                    (np.float32, np.float64), (np.int64, np.float32),
                                    (np.bool_, np.int16), (np.float32, np.complex64),
                                    (np.float64, np.complex64)], ids=str)
def test_mixed_dtype_promotion(da, db):
    a = operands(da, (6,)) if da is not np.bool_ else np.arange(6) % 2 == 0
    b = divisors(db, (6,))
    for name in ("add", "mul", "truediv"):
        exp = dict(BINOPS)[name](a, b)
        check_same(BIN_JIT[name](a, b), exp, rtol=1e-6)


# ---- NEP 50: Python scalars are weak --------------------------------------------------------

def test_nep50_literal_float_keeps_float32():
    @njit
    def f(a):
        return a * 2.5, a + 1.0, 3.0 - a, a / 2.0

    a = np.arange(4, dtype=np.float32)
    for got, exp in zip(f(a), (a * 2.5, a + 1.0, 3.0 - a, a / 2.0)):
        check_same(got, exp)
        assert got.dtype == np.float32


def test_nep50_python_float_argument_keeps_float32():
    a = np.arange(4, dtype=np.float32)
    got = BIN_JIT["mul"](a, 2.5)
    assert got.dtype == (a * 2.5).dtype == np.float32
    check_same(got, a * 2.5)


def test_nep50_literal_int_keeps_small_int_dtype():
    @njit
    def f(a):
        return a + 1, a * 2

    a = np.arange(5, dtype=np.int8)
    for got, exp in zip(f(a), (a + 1, a * 2)):
        check_same(got, exp)
        assert got.dtype == np.int8


def test_nep50_int_array_times_float_scalar_is_float64():
    @njit
    def f(a):
        return a * 0.5

    a = np.arange(5, dtype=np.int32)
    check_same(f(a), a * 0.5)


# ---- comparisons, unary, in-place --------------------------------------------------------------

CMPS = [operator.lt, operator.le, operator.eq, operator.ne, operator.gt, operator.ge]


@njit
def j_lt(a, b):
    return a < b


@njit
def j_le(a, b):
    return a <= b


@njit
def j_eq(a, b):
    return a == b


@njit
def j_ne(a, b):
    return a != b


@njit
def j_gt(a, b):
    return a > b


@njit
def j_ge(a, b):
    return a >= b


CMP_JIT = [j_lt, j_le, j_eq, j_ne, j_gt, j_ge]


@pytest.mark.parametrize("k", range(len(CMPS)), ids=[op.__name__ for op in CMPS])
@pytest.mark.parametrize("dtype", [np.int64, np.float64, np.float32, np.uint8], ids=str)
def test_comparisons_give_bool_arrays(k, dtype):
    a = operands(dtype, (3, 4))
    b = operands(dtype, (4,))[::-1].copy()
    op, jf = CMPS[k], CMP_JIT[k]
    for lay, aa in layouts(a):
        check_same(jf(aa, b), op(aa, b))
        if lay == "F":
            check_same(jf(aa, dtype(1)), op(aa, dtype(1)))
            check_same(jf(1, aa), op(1, aa))


def test_comparisons_with_nan():
    a = np.array([1.0, np.nan, 3.0])
    b = np.array([np.nan, np.nan, 3.0])
    for op, jf in zip(CMPS, CMP_JIT):
        check_same(jf(a, b), op(a, b))


@pytest.mark.parametrize("dtype", [np.int64, np.int16, np.float32, np.float64, np.complex128],
                         ids=str)
def test_unary_minus(dtype):
    @njit
    def neg(a):
        return -a

    a = operands(dtype, (3, 4))
    for _, aa in layouts(a):
        check_same(neg(aa), -aa)


@pytest.mark.parametrize("lay", ["C", "F", "strided"])
def test_inplace_operators_visible_to_caller(lay):
    @njit
    def upd(a, b):
        a += b
        a *= 2.0
        a -= 1.0
        a /= 4.0

    a0 = operands(np.float64, (3, 4))
    b = operands(np.float64, (4,))
    exp = a0.copy()
    upd.py_func(exp, b)
    a = dict(layouts(a0))[lay]
    upd(a, b)
    np.testing.assert_array_equal(a, exp)


def test_inplace_int_and_scalar_broadcast():
    @njit
    def upd(a, k):
        a += k
        a //= 2
        a %= 5

    a = np.arange(-6, 6, dtype=np.int64).reshape(3, 4)
    exp = a.copy()
    upd.py_func(exp, 7)
    upd(a, 7)
    np.testing.assert_array_equal(a, exp)


def test_inplace_on_view_updates_argument():
    @njit
    def upd(a):
        v = a[1:-1]
        v += 10.0

    a = np.zeros(5)
    upd(a)
    np.testing.assert_array_equal(a, [0, 10, 10, 10, 0])


def test_compound_expression():
    @njit
    def expr(x, y, z):
        return (x * y + z) / (1.0 + x * x) - y ** 2 * 0.5

    x = np.linspace(-2, 2, 7)
    y = np.linspace(0, 1, 7)[::-1].copy()
    z = 3.0
    check_same(expr(x, y, z), expr.py_func(x, y, z))


def test_broadcast_mismatch_is_value_error():
    with pytest.raises(ValueError):
        BIN_JIT["add"](np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError):
        BIN_JIT["mul"](np.zeros((2, 3)), np.zeros((3, 2)))


INPLACE_BAD = """
import numpy as np
from jitprofile import njit

@njit
def upd(a, b):
    a += b

try:
    upd(np.zeros(3), np.zeros((2, 3)))
except ValueError as e:
    print("ValueError", e)
else:
    print("no error")
"""


def test_inplace_broadcast_into_smaller_is_value_error(tmp_path):
    # in a child process: a wrong kernel writes past the end of `a` and may crash
    script = tmp_path / "inplace_bad.py"
    script.write_text(INPLACE_BAD)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, f"child died with {r.returncode}: {r.stderr[-2000:]}"
    assert r.stdout.startswith("ValueError"), r.stdout


# ---- NumPy elementwise functions ---------------------------------------------------------------

UNARY = ["sqrt", "exp", "log", "log2", "log10", "log1p", "expm1", "sin", "cos", "tan",
         "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "abs", "absolute", "floor",
         "ceil", "trunc", "isnan", "isinf", "isfinite", "negative", "square"]
UNARY_JIT = {name: make_unary(getattr(np, name)) for name in UNARY}


def unary_input(name, dtype):
    if name in ("arcsin", "arccos"):
        v = np.linspace(-1, 1, 9)
    elif name in ("sqrt", "log", "log2", "log10"):
        v = np.linspace(0.25, 20, 9)
    elif name == "log1p":
        v = np.linspace(-0.5, 5, 9)
    elif name in ("isnan", "isinf", "isfinite") and np.issubdtype(dtype, np.floating):
        v = np.array([0.0, np.nan, np.inf, -np.inf, 1.5, -2.0, np.nan, 1e308, -0.0])
    else:
        v = np.linspace(-3, 3, 9)
    if np.issubdtype(dtype, np.integer):
        v = np.round(v * 3)
        if name in ("sqrt", "log", "log2", "log10", "log1p"):
            v = np.abs(v) + 1
        if name in ("arcsin", "arccos"):
            v = np.clip(v, -1, 1)
    return v.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32], ids=str)
@pytest.mark.parametrize("name", UNARY)
def test_unary_ufunc_on_arrays(name, dtype):
    fn = getattr(np, name)
    v = unary_input(name, dtype)
    a = v.reshape(3, 3)
    exp = fn(a)
    for lay, aa in layouts(a):
        if lay == "F" and dtype is not np.float64:
            continue
        check_same(UNARY_JIT[name](aa), exp)


@pytest.mark.parametrize("name", ["sqrt", "exp", "log", "sin", "cos", "tan", "arctan", "sinh",
                                  "cosh", "tanh", "abs", "negative", "square", "isnan",
                                  "isfinite", "log10", "expm1", "log1p"])
def test_unary_ufunc_on_complex_arrays(name):
    fn = getattr(np, name)
    a = (np.linspace(-1.5, 1.5, 6) + 1j * np.linspace(0.5, -2, 6)).astype(np.complex128)
    exp = fn(a)
    check_same(UNARY_JIT[name](a), exp, rtol=1e-12 if exp.dtype.kind in "fc" else None)


@pytest.mark.parametrize("name", UNARY)
def test_unary_ufunc_on_scalars(name):
    fn = getattr(np, name)
    jf = UNARY_JIT[name]
    for x in unary_input(name, np.float64)[[0, 3, 5]]:
        x = float(x)
        got = jf(x)
        exp = fn(x)
        if isinstance(exp, (np.bool_, bool)):
            assert bool(got) == bool(exp)
        else:
            assert np.isclose(got, exp, rtol=1e-13, atol=0, equal_nan=True), (x, got, exp)
    for x in (2, -3):
        if name in ("sqrt", "log", "log2", "log10", "log1p", "arcsin", "arccos") and x < 0:
            continue
        if name in ("arcsin", "arccos"):
            continue
        got = jf(x)
        exp = fn(x)
        assert np.isclose(got, exp, rtol=1e-13), (x, got, exp)


def test_numpy_functions_outside_domain_give_nan_not_error():
    @njit
    def f(x):
        return np.sqrt(x), np.log(x), np.arcsin(x * 10.0)

    with np.errstate(all="ignore"):
        exp = (np.sqrt(-1.0), np.log(-1.0), np.arcsin(-10.0))
    got = f(-1.0)
    for g, e in zip(got, exp):
        assert np.isnan(g) and np.isnan(e)
    a = np.array([-1.0, 0.0, 4.0])
    with np.errstate(all="ignore"):
        check_same(UNARY_JIT["log"](a), np.log(a))
        check_same(UNARY_JIT["sqrt"](a), np.sqrt(a))


BINARY_FUNCS = ["arctan2", "minimum", "maximum", "hypot", "power", "add", "subtract",
                "multiply", "divide"]
BINARY_JIT = {name: make_binary(getattr(np, name)) for name in BINARY_FUNCS}


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64], ids=str)
@pytest.mark.parametrize("name", BINARY_FUNCS)
def test_binary_numpy_functions(name, dtype):
    fn = getattr(np, name)
    a = operands(dtype, (3, 4))
    b = exponents(dtype, (4,)) if name == "power" else divisors(dtype, (4,))
    exp = fn(a, b)
    for _, aa in layouts(a):
        check_same(BINARY_JIT[name](aa, b), exp)
    # with scalars
    check_same(BINARY_JIT[name](a, dtype(2)), fn(a, dtype(2)))
    got = BINARY_JIT[name](1.5, 2.0)
    assert np.isclose(got, fn(1.5, 2.0), rtol=1e-14)


def test_minimum_maximum_propagate_nan():
    a = np.array([1.0, np.nan, 3.0, np.nan])
    b = np.array([np.nan, 2.0, 1.0, np.nan])
    check_same(BINARY_JIT["minimum"](a, b), np.minimum(a, b))
    check_same(BINARY_JIT["maximum"](a, b), np.maximum(a, b))


def test_abs_of_complex_is_float_and_of_int_is_int():
    c = np.array([3 + 4j, -1j, 0j], dtype=np.complex64)
    check_same(UNARY_JIT["abs"](c), np.abs(c))
    i = np.array([-3, 4, 0], dtype=np.int16)
    check_same(UNARY_JIT["abs"](i), np.abs(i))


@pytest.mark.parametrize("lay", ["C", "F", "strided"])
def test_where(lay):
    @njit
    def w(c, a, b):
        return np.where(c, a, b), np.where(c, a, 0.0), np.where(a > 0, 1, -1)

    a = operands(np.float64, (3, 4))
    b = -operands(np.float64, (4,))
    c = (np.arange(12).reshape(3, 4) % 3) == 0
    aa = dict(layouts(a))[lay]
    cc = dict(layouts(c))[lay]
    got = w(cc, aa, b)
    exp = (np.where(cc, aa, b), np.where(cc, aa, 0.0), np.where(aa > 0, 1, -1))
    for g, e in zip(got, exp):
        check_same(g, e)


def test_where_on_scalars():
    @njit
    def w(x):
        return np.where(x > 0, x, -x)

    assert w(-2.5) == 2.5
    assert w(3.0) == 3.0


def test_ufunc_chain_matches_numpy():
    @njit
    def f(x):
        return np.sqrt(np.abs(np.sin(x))) + np.exp(-x * x) * np.cos(x)

    x = np.linspace(-4, 4, 33)
    check_same(f(x), f.py_func(x))
    xf = x.astype(np.float32)
    check_same(f(xf), f.py_func(xf))
