"""Array-expression fusion and constant powers (issue 12): a tree of elementwise
operations compiles to one loop that writes the result once.  Every result is
compared with NumPy's own (values and dtype) over dtypes, layouts (C, F,
strided views) and broadcasting; in-place forms with overlapping operands give
NumPy's result (NumPy computes the right-hand side fully first); the fused
code allocates only the result (counted by the runtime) and vectorises."""
import math
import re

import numpy as np
import pytest

from jitprofile import TypingError, njit
from jitprofile import _core

FLOATS = [np.float32, np.float64]
NUMERIC = [np.int32, np.int64, np.float32, np.float64]


def values(dtype, shape, seed=0, positive=False):
    rng = np.random.default_rng(seed)
    if np.issubdtype(dtype, np.integer):
        v = rng.integers(1 if positive else -5, 9, shape)
    elif dtype == np.bool_:
        v = rng.random(shape) < 0.5
    else:
        v = rng.uniform(0.25 if positive else -2.0, 2.0, shape)
    return np.asarray(v).astype(dtype)


def layouts(a):
    out = [np.ascontiguousarray(a)]
    if a.ndim == 2:
        out.append(np.asfortranarray(a))
    big = np.zeros(tuple(2 * s for s in a.shape), dtype=a.dtype)
    view = big[tuple(slice(None, None, 2) for _ in a.shape)]
    view[...] = a
    out.append(view)
    return out


def check(got, exp, ulps=0):
    got, exp = np.asarray(got), np.asarray(exp)
    assert got.shape == exp.shape, (got.shape, exp.shape)
    assert got.dtype == exp.dtype, (got.dtype, exp.dtype)
    if ulps == 0 or exp.dtype.kind not in "fc":
        np.testing.assert_array_equal(got, exp)
    else:
        np.testing.assert_array_max_ulp(got, exp, maxulp=ulps)


def allocations():
    return _core.nrt_stats()[1]


# ---- expression trees ------------------------------------------------------------------------

@njit
def diff_prod(a, b):
    return (a - b) * (a + b)


@njit
def diff_ratio(a, b):
    return (a - b) / (a + b)


@njit
def mixed(a, b):
    return np.where(a > b, a * 2.5 + 1, np.minimum(a, b) - np.maximum(b, 1)) + (a - b) * (a - 1)


@njit
def ufuncs(a, b):
    return np.sqrt(np.abs(a)) + np.exp(-a * 0.5) * b - np.log1p(b * b)


@njit
def life_rule(n, x):
    return (n == 3) | (x & (n == 2))


@njit
def unary_tree(a, b):
    return -(a - b) * +a


@njit
def bool_tree(a, b):
    return (a > b) & ~(b > 1) | (a == b)


def py_diff_prod(a, b):
    return (a - b) * (a + b)


def py_diff_ratio(a, b):
    return (a - b) / (a + b)


def py_mixed(a, b):
    return np.where(a > b, a * 2.5 + 1, np.minimum(a, b) - np.maximum(b, 1)) + (a - b) * (a - 1)


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("jf,pf", [(diff_prod, py_diff_prod), (mixed, py_mixed)])
def test_tree_matches_numpy_every_layout(dtype, jf, pf):
    a0, b0 = values(dtype, (5, 6), 1), values(dtype, (5, 6), 2)
    for a in layouts(a0):
        for b in layouts(b0):
            check(jf(a, b), pf(a, b))


@pytest.mark.parametrize("dtype", NUMERIC)
def test_ratio_matches_numpy(dtype):
    a, b = values(dtype, (7, 3), 3, positive=True), values(dtype, (7, 3), 4, positive=True)
    exp = py_diff_ratio(a, b)
    check(diff_ratio(a, b), exp)
    check(diff_ratio(a.T, b.T), py_diff_ratio(a.T, b.T))


@pytest.mark.parametrize("dtype", FLOATS)
def test_ufunc_tree(dtype):
    a, b = values(dtype, (40,), 5), values(dtype, (40,), 6)
    exp = np.sqrt(np.abs(a)) + np.exp(-a * 0.5) * b - np.log1p(b * b)
    # exp and log1p: the C library's, where NumPy has its own SIMD versions
    check(ufuncs(a, b), exp, ulps=8)


@pytest.mark.parametrize("shapes", [((4, 5), (5,)), ((4, 1), (1, 5)), ((3, 4, 5), (4, 1)), ((6,), ())])
@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.float64])
def test_broadcasting(shapes, dtype):
    a, b = values(dtype, shapes[0], 7), values(dtype, shapes[1], 8)
    check(diff_prod(a, b), py_diff_prod(a, b))
    check(mixed(a, b), py_mixed(a, b))
    check(mixed(b, a), py_mixed(b, a))


@njit
def with_scalar(a, s):
    return np.where(a > s, a * 2.5 + 1, np.minimum(a, s) - s) + (a - s) * (a - 1)


def py_with_scalar(a, s):
    return np.where(a > s, a * 2.5 + 1, np.minimum(a, s) - s) + (a - s) * (a - 1)


def test_scalars_in_the_tree_keep_nep50():
    a = values(np.float32, (10,), 9)
    check(with_scalar(a, 1.5), py_with_scalar(a, 1.5))      # float32 array, Python float: float32
    i = values(np.int32, (10,), 9)
    check(with_scalar(i, 3), py_with_scalar(i, 3))          # int32 array, Python int: int32
    check(diff_prod(i, 2.0), py_diff_prod(i, 2.0))          # int32 array, Python float: float64


def test_bool_and_int_rules():
    rng = np.random.default_rng(0)
    x = rng.random((30, 20)) < 0.4
    n = rng.integers(0, 6, (30, 20))
    check(life_rule(n, x), (n == 3) | (x & (n == 2)))
    check(life_rule(n.astype(np.int32), x.T.copy().T), (n.astype(np.int32) == 3) | (x & (n == 2)))
    a, b = values(np.float64, (9,), 1), values(np.float64, (9,), 2)
    check(bool_tree(a, b), (a > b) & ~(b > 1) | (a == b))
    for dt in NUMERIC:
        a, b = values(dt, (9,), 3), values(dt, (9,), 4)
        check(unary_tree(a, b), -(a - b) * +a)


@njit
def with_reductions(a, m):
    return np.sqrt(np.abs(a.sum(axis=0))) + a * 2 - (m @ m)[0] * 0.5


def test_non_elementwise_leaves():
    a = values(np.float64, (4, 3), 1)
    m = values(np.float64, (3, 3), 2)
    exp = np.sqrt(np.abs(a.sum(axis=0))) + a * 2 - (m @ m)[0] * 0.5
    got = with_reductions(a, m)
    assert got.dtype == exp.dtype and got.shape == exp.shape
    np.testing.assert_allclose(got, exp, rtol=1e-13, atol=1e-13)     # sum/matmul order


@njit
def many_leaves(a):
    return (a + 1) * (a + 2) + (a + 3) * (a + 4) + (a + 5) * (a + 6) + (a + 7) * (a + 8) \
        + (a + 9) * (a + 10) + (a + 11) * (a + 12) + (a + 13) * (a + 14) + (a + 15) * (a + 16) \
        + (a + 17) * (a + 18)


def test_more_leaves_than_one_loop_takes():
    a = values(np.int64, (11,), 1)
    check(many_leaves(a), many_leaves.py_func(a))


def test_broadcast_error_is_numpys():
    with pytest.raises(ValueError):
        diff_prod(np.ones(3), np.ones(4))
    with pytest.raises(ValueError):
        mixed(np.ones((2, 3)), np.ones((3, 2)))


# ---- no temporaries, vectorised ----------------------------------------------------------------

@njit
def inplace_aug(a, b, c):
    a += b * c - 1.0


@njit
def inplace_slice(a, b, c, d):
    a[:] = b * c + d


def test_one_allocation_for_a_fused_tree():
    a, b = values(np.float64, (1000,), 1), values(np.float64, (1000,), 2)
    mixed(a, b)
    before = allocations()
    mixed(a, b)
    assert allocations() - before == 1       # the result only, no temporary per operator
    ufuncs(a, b)
    before = allocations()
    ufuncs(a, b)
    assert allocations() - before == 1


def test_no_allocation_in_place():
    a, b, c, d = (values(np.float64, (1000,), s) for s in range(4))
    inplace_aug(a, b, c)
    inplace_slice(a, b, c, d)
    before = allocations()
    inplace_aug(a, b, c)
    inplace_slice(a, b, c, d)
    assert allocations() == before


@njit
def diff_prod_once(a, b):
    return (a - b) * (a + b)


def test_fused_loop_vectorises_and_allocates_once():
    a, b = values(np.float64, (64,), 1), values(np.float64, (64,), 2)
    diff_prod_once(a, b)
    ir = diff_prod_once.inspect_llvm()
    assert len(ir) == 1
    text = ir if isinstance(ir, str) else "\n".join(ir.values())
    assert re.search(r"<\d+ x double>", text), "the fused loop did not vectorise"
    assert len(re.findall(r"call [^\n]*@jp_nrt_alloc\(", text)) == 1


# ---- in place, with NumPy's overlap semantics ----------------------------------------------------

@njit
def smooth(a):
    a[1:-1] = (a[:-2] + a[2:]) * 0.5


@njit
def reverse_into(a):
    a[::-1] = a * 2 + 1


@njit
def shift_add(a):
    a[1:] += a[:-1] * 2


@njit
def add_first(a):
    a += a[:1]


@njit
def add_first_slice(a):
    a[:] = a[:1] * 2 + a


@njit
def transpose_into(a):
    a[:] = a.T - a


@pytest.mark.parametrize("dtype", NUMERIC)
def test_overlapping_in_place(dtype):
    base = values(dtype, (12,), 5)
    for jf, pf in [(smooth, lambda a: a.__setitem__(slice(1, -1), (a[:-2] + a[2:]) * 0.5)),
                   (reverse_into, lambda a: a.__setitem__(slice(None, None, -1), a * 2 + 1)),
                   (shift_add, lambda a: a[1:].__iadd__(a[:-1] * 2)),
                   (add_first_slice, lambda a: a.__setitem__(slice(None), a[:1] * 2 + a))]:
        if jf is smooth and dtype in (np.int32, np.int64):
            continue        # float result into an int array: a casting error in NumPy
        got, exp = base.copy(), base.copy()
        jf(got)
        pf(exp)
        check(got, exp)


def test_a_slice_broadcast_over_the_same_memory():
    # a += a[:1]: the first element is read before the loop writes it (regression:
    # same data and strides but another shape was taken for an exact alias)
    a = np.arange(1.0, 6.0)
    exp = a + a[0]
    add_first(a)
    check(a, exp)


def test_transpose_into_itself():
    a = values(np.float64, (5, 5), 3)
    exp = a.T - a
    transpose_into(a)
    check(a, exp)


@pytest.mark.parametrize("dtype", NUMERIC)
def test_in_place_forms(dtype):
    a, b, c, d = (values(dtype, (6, 4), s) for s in range(4))
    if dtype in (np.int32, np.int64):
        with pytest.raises(Exception):
            np.add(a.copy(), b * c - 1.0, out=a.copy(), casting="same_kind")
    got = a.astype(np.float64)
    exp = got.copy()
    inplace_aug(got, b, c)
    exp += b * c - 1.0
    check(got, exp)
    got, exp = a.copy(), a.copy()
    inplace_slice(got, b, c, d)
    exp[:] = b * c + d
    check(got, exp)
    got, exp = a.copy(), a.copy()
    inplace_slice(got[::2], b[::2], c[::2], 1)
    exp[::2] = b[::2] * c[::2] + 1
    check(got, exp)
    got, exp = np.asfortranarray(a), np.asfortranarray(a)
    inplace_slice(got, b[0], c, d[:, :1])           # broadcast 1-d and column operands
    exp[:] = b[0] * c + d[:, :1]
    check(got, exp)


# ---- x ** constant -------------------------------------------------------------------------------

@njit
def pw2(a):
    return a ** 2


@njit
def pw3(a):
    return a ** 3


@njit
def pw4(a):
    return a ** 4


@njit
def pw5(a):
    return a ** 5


@njit
def pwm1(a):
    return a ** -1


@njit
def pwm2(a):
    return a ** -2


@njit
def pw_half(a):
    return a ** 0.5


@njit
def pw0(a):
    return a ** 0


@njit
def pw2f(a):
    return a ** 2.0


@pytest.mark.parametrize("dtype", FLOATS)
def test_float_array_powers(dtype):
    a = values(dtype, (200,), 1)
    a[:3] = [0.0, -0.0, np.inf]
    pos = np.abs(a)
    with np.errstate(all="ignore"):
        # NumPy's own fast paths: square, reciprocal, sqrt -- exactly equal
        check(pw2(a), a ** 2)
        check(pw2f(a), a ** 2.0)
        check(pwm1(a), a ** -1)
        check(pw_half(pos), pos ** 0.5)
        check(pw_half(a), a ** 0.5)         # nan for negatives, -0.0 for -0.0, as np.sqrt
        check(pw0(a), a ** 0)
        # multiplications, as Numba: within a few ulp of NumPy's pow()
        check(pw3(a), a ** 3, ulps=2)
        check(pw4(a), a ** 4, ulps=3)
        check(pw5(a), a ** 5, ulps=4)
        check(pwm2(a[3:]), a[3:] ** -2, ulps=3)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8])
def test_integer_array_powers(dtype):
    a = values(dtype, (50,), 2, positive=True)
    check(pw2(a), a ** 2)
    check(pw3(a), a ** 3)
    check(pw5(a), a ** 5)
    check(pw0(a), a ** 0)
    big = np.array([3, 7, 2**20 + 1], dtype=np.int64)
    check(pw5(big), big ** 5)       # wraps, as NumPy


def test_integer_array_negative_power_raises():
    with pytest.raises(ValueError):
        np.arange(3) ** -1
    with pytest.raises(ValueError):
        pwm1(np.arange(1, 4))


@njit
def s_pow(x, n):
    return x ** 3, x ** 2, x ** -1, x ** 0.5, x ** 0, x ** 5


@njit
def s_half(x):
    return x ** 0.5


def test_scalar_powers_follow_cpython():
    for x in (1.1, 2.5, 1e-3, 7.0, 0.3):
        got = s_pow(x, 0)
        exp = (x ** 3, x ** 2, x ** -1, x ** 0.5, x ** 0, x ** 5)
        for g, e in zip(got, exp):
            assert g == pytest.approx(e, rel=4e-16, abs=0)
        assert got[1] == x * x and got[2] == 1 / x and got[3] == math.sqrt(x)
    # C pow's special cases, as CPython: (-0.0) ** 0.5 is +0.0, (-inf) ** 0.5 is inf
    assert math.copysign(1.0, s_half(-0.0)) == 1.0 and math.copysign(1.0, (-0.0) ** 0.5) == 1.0
    assert s_half(-math.inf) == math.inf == (-math.inf) ** 0.5
    assert s_pow(math.nan, 0)[4] == 1.0
    with pytest.raises(ZeroDivisionError):
        s_pow(0.0, 0)
    with pytest.raises(ValueError):
        s_half(-2.0)                # (-2.0) ** 0.5 is complex in CPython
    with pytest.raises(OverflowError):
        s_pow(1e200, 0)


@njit
def i_pow(n):
    return n ** 3, n ** 2, n ** 0, n ** 13


def test_integer_scalar_powers():
    for n in (0, 1, -3, 7, 11, -12):
        assert i_pow(n) == (n ** 3, n ** 2, n ** 0, n ** 13)


@njit
def f32_pow(a):
    return a ** 3 + a ** -1


def test_float32_powers_stay_float32():
    a = values(np.float32, (20,), 3, positive=True)
    check(f32_pow(a), a ** 3 + a ** -1, ulps=3)


# ---- float32 scalars: np.float32(x) and math functions of float32 ------------------------------

@njit
def f32_norm(v):
    s = np.float32(0.0)
    for x in v:
        s += x * x
    return math.sqrt(s) * np.float32(2.0)


@njit
def conversions(x):
    return np.float32(x), np.int32(x), np.float64(x), np.int8(x)


def test_float32_scalar_arithmetic_stays_float32():
    v = values(np.float32, (33,), 5)
    s = np.float32(0.0)
    for x in v:
        s += x * x
    exp = np.sqrt(s) * np.float32(2.0)
    got = f32_norm(v)
    assert got == exp
    text = "\n".join(f32_norm.inspect_llvm().values())
    assert "llvm.sqrt.f32" in text and "fpext" not in text      # no detour through float64


def test_numpy_scalar_type_calls():
    got = conversions(3.7)
    assert got[0] == np.float32(3.7) and got[1] == 3 and got[2] == 3.7 and got[3] == 3
    assert conversions(-2.5)[1] == -2


@njit
def f32_sqrt(x):
    return math.sqrt(x)


def test_math_sqrt_of_float32_checks_the_domain():
    assert f32_sqrt(np.float32(2.0)) == np.sqrt(np.float32(2.0))
    with pytest.raises(ValueError):
        f32_sqrt(np.float32(-1.0))


def test_np_scalar_type_of_an_array_is_an_error():
    @njit
    def bad(a):
        return np.float32(a)
    with pytest.raises(TypingError):
        bad(np.ones(3))


@njit
def max_of_0d(b):
    return np.maximum(b, 1) + np.sqrt(b * 1.0)


def test_elementwise_function_of_a_0d_array_is_a_scalar():
    # regression: np.maximum(0-d array, 1) is a scalar (as NumPy's), and was
    # computed as an array, crashing the process
    b = np.array(4)
    assert max_of_0d(b) == np.maximum(b, 1) + np.sqrt(b * 1.0)


# ---- random trees ---------------------------------------------------------------------------------

def random_tree(rng, depth, need_array=True):
    """Source of a random elementwise tree; every subtree holds an array (a
    NumPy function of scalars alone is a strong NumPy scalar, a documented
    difference)."""
    if depth == 0 or rng.random() < 0.2:
        leaves = ["a", "b", "c", "a[::-1]"] + ([] if need_array else ["2", "1.5"])
        return str(rng.choice(leaves))
    first = rng.random() < 0.5
    x, y = random_tree(rng, depth - 1, first), random_tree(rng, depth - 1, not first)
    form = rng.integers(0, 9)
    return ["({} + {})", "({} - {})", "({} * {})", "np.minimum({}, {})", "np.maximum({}, {})",
            "np.where({0} > {1}, {0}, {1})", "np.sqrt(np.abs({} + {}))", "(-{} * {})",
            "({} ** 2 - {})"][form].format(x, y)


def test_random_trees_equal_numpy_exactly(tmp_path, monkeypatch):
    rng = np.random.default_rng(12)
    trees = [random_tree(rng, 4) for _ in range(30)]
    src = "import numpy as np\nfrom jitprofile import njit\n\n"
    for i, t in enumerate(trees):
        src += f"def t{i}(a, b, c):\n    return {t}\n\n"
    (tmp_path / "fuse_trees.py").write_text(src)
    monkeypatch.syspath_prepend(str(tmp_path))
    import fuse_trees
    cases = [(np.float64, (6, 5), (5,), ()), (np.int64, (4, 3), (4, 1), (3,)),
             (np.float32, (7,), (7,), (1,))]
    for i, t in enumerate(trees):
        py = getattr(fuse_trees, f"t{i}")
        jf = njit(py)
        for dtype, sa, sb, sc in cases:
            a, b, c = values(dtype, sa, 1), values(dtype, sb, 2), values(dtype, sc, 3)
            with np.errstate(all="ignore"):
                exp = py(a, b, c)
            if np.ndim(exp) == 0:
                continue
            check(jf(a, b, c), exp)
