"""Reductions, np.dot / @ and np.random in jit code (issue 3), against NumPy's results.
Summation order differs from NumPy's pairwise sum, so float results use assert_allclose."""
import numpy as np
import pytest

import jitprofile
from jitprofile import njit


def layouts(a):
    out = [("C", np.ascontiguousarray(a))]
    if a.ndim == 2:
        out.append(("F", np.asfortranarray(a)))
    big = np.zeros(tuple(2 * s for s in a.shape), dtype=a.dtype)
    view = big[tuple(slice(None, None, 2) for _ in a.shape)]
    view[...] = a
    out.append(("strided", view))
    if a.ndim == 2:
        out.append(("reversed", np.ascontiguousarray(a[::-1, ::-1])[::-1, ::-1]))
    return out


def values(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if dtype is np.bool_:
        return (rng.integers(0, 2, n) == 1).reshape(shape)
    if np.issubdtype(dtype, np.integer):
        lo = 0 if np.issubdtype(dtype, np.unsignedinteger) else -20
        return rng.integers(lo, 20, n).astype(dtype).reshape(shape)
    if np.issubdtype(dtype, np.complexfloating):
        return (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dtype).reshape(shape)
    return (rng.standard_normal(n) * 3).astype(dtype).reshape(shape)


def check(got, exp, rtol):
    got = np.asarray(got)
    exp = np.asarray(exp)
    assert got.shape == exp.shape, (got.shape, exp.shape)
    assert got.dtype == exp.dtype, (got.dtype, exp.dtype)
    if exp.dtype.kind in "biu":
        np.testing.assert_array_equal(got, exp)
    else:
        np.testing.assert_allclose(got, exp, rtol=rtol, atol=rtol)


def check_reduction(jf, a, exp, rtol):
    """A reduction's result: arrays by dtype and values; a scalar result comes back to
    Python as a Python number, so its type is checked on the compiled overload."""
    got = jf(a)
    if np.ndim(exp) == 0:
        ret = jf.overloads[(jitprofile.typeof(a),)]["return_type"]
        assert str(ret) == str(np.asarray(exp).dtype), (str(ret), np.asarray(exp).dtype)
        check(np.asarray(got, dtype=np.asarray(exp).dtype), exp, rtol)
    else:
        check(got, exp, rtol)


RTOL = {np.float64: 1e-12, np.float32: 1e-4, np.complex128: 1e-12}


# ---- reductions: functions and methods, whole array --------------------------------------

NAMES = ["sum", "prod", "min", "max", "mean", "var", "std", "argmin", "argmax"]


def make_func(fn):
    @njit
    def f(a):
        return fn(a)
    return f


def make_func_axis0(fn):
    @njit
    def f(a):
        return fn(a, axis=0)
    return f


def make_func_axis1(fn):
    @njit
    def f(a):
        return fn(a, axis=1)
    return f


@njit
def m_sum(a):
    return a.sum()


@njit
def m_prod(a):
    return a.prod()


@njit
def m_min(a):
    return a.min()


@njit
def m_max(a):
    return a.max()


@njit
def m_mean(a):
    return a.mean()


@njit
def m_var(a):
    return a.var()


@njit
def m_std(a):
    return a.std()


@njit
def m_argmin(a):
    return a.argmin()


@njit
def m_argmax(a):
    return a.argmax()


@njit
def m0_sum(a):
    return a.sum(axis=0)


@njit
def m0_prod(a):
    return a.prod(axis=0)


@njit
def m0_min(a):
    return a.min(axis=0)


@njit
def m0_max(a):
    return a.max(axis=0)


@njit
def m0_mean(a):
    return a.mean(axis=0)


@njit
def m0_var(a):
    return a.var(axis=0)


@njit
def m0_std(a):
    return a.std(axis=0)


@njit
def m0_argmin(a):
    return a.argmin(axis=0)


@njit
def m0_argmax(a):
    return a.argmax(axis=0)


@njit
def m1_sum(a):
    return a.sum(axis=1)


@njit
def m1_prod(a):
    return a.prod(axis=1)


@njit
def m1_min(a):
    return a.min(axis=1)


@njit
def m1_max(a):
    return a.max(axis=1)


@njit
def m1_mean(a):
    return a.mean(axis=1)


@njit
def m1_var(a):
    return a.var(axis=1)


@njit
def m1_std(a):
    return a.std(axis=1)


@njit
def m1_argmin(a):
    return a.argmin(axis=1)


@njit
def m1_argmax(a):
    return a.argmax(axis=1)


JIT = {}
for _n in NAMES:
    JIT[("function", None, _n)] = make_func(getattr(np, _n))
    JIT[("function", 0, _n)] = make_func_axis0(getattr(np, _n))
    JIT[("function", 1, _n)] = make_func_axis1(getattr(np, _n))
    JIT[("method", None, _n)] = globals()["m_" + _n]
    JIT[("method", 0, _n)] = globals()["m0_" + _n]
    JIT[("method", 1, _n)] = globals()["m1_" + _n]


def tol(name, dtype):
    return RTOL.get(dtype, 1e-12 if name in ("mean", "var", "std") else 0)


def int_values(dtype, shape):
    return (values(np.int64, shape) % 4 + 1).astype(dtype)   # prod stays inside the range


# methods share the functions' lowering: two dtypes are enough for them
KIND_DTYPE = ([("function", d) for d in (np.float64, np.float32, np.int64, np.int32, np.uint8)]
              + [("method", np.float32), ("method", np.int32)])


@pytest.mark.parametrize("shape", [(7,), (3, 5)], ids=str)
@pytest.mark.parametrize("kind, dtype", KIND_DTYPE, ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("name", NAMES)
def test_whole_array_reduction(name, kind, dtype, shape):
    jf = JIT[(kind, None, name)]
    a0 = int_values(dtype, shape) if np.issubdtype(dtype, np.integer) else values(dtype, shape)
    for lay, a in layouts(a0):
        exp = getattr(np, name)(a)
        try:
            check_reduction(jf, a, exp, tol(name, dtype))
        except AssertionError as err:
            raise AssertionError(f"{name} on {lay}: {err}") from None


@pytest.mark.parametrize("name", ["sum", "max", "min", "argmax", "argmin"])
def test_reductions_bool(name):
    b = values(np.bool_, (9,))
    check_reduction(JIT[("method", None, name)], b, getattr(np, name)(b), 0)


@pytest.mark.parametrize("name", ["sum", "prod", "mean", "var", "std"])
def test_reductions_complex(name):
    c = values(np.complex128, (6,))
    check_reduction(JIT[("method", None, name)], c, getattr(np, name)(c), 1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_reductions_with_nan(name):
    a = np.array([1.0, np.nan, -3.0, np.nan, 2.0])
    g = JIT[("function", None, name)](a)
    e = getattr(np, name)(a)
    if name in ("argmin", "argmax"):
        assert g == e, (name, g, e)      # NumPy: the first NaN
    else:
        assert np.isnan(g), (name, g)


def test_argmin_argmax_ties_first_occurrence():
    a = np.array([3, 1, 1, 5, 5, 0, 0], dtype=np.int64)
    assert JIT[("function", None, "argmin")](a) == np.argmin(a) == 5
    assert JIT[("function", None, "argmax")](a) == np.argmax(a) == 3


def test_min_of_empty_is_value_error():
    with pytest.raises(ValueError):
        m_min(np.zeros(0))
    with pytest.raises(ValueError):
        m_argmax(np.zeros(0))


def test_sum_prod_of_empty():
    assert m_sum(np.zeros(0)) == 0.0
    assert m_prod(np.zeros(0)) == 1.0


# ---- reductions with axis --------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64], ids=str)
@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("kind", ["function", "method"])
@pytest.mark.parametrize("name", NAMES)
def test_axis_reduction_2d(name, kind, axis, dtype):
    jf = JIT[(kind, axis, name)]
    a0 = int_values(dtype, (4, 6)) if dtype is np.int64 else values(dtype, (4, 6))
    for lay, a in layouts(a0):
        exp = getattr(np, name)(a, axis=axis)
        try:
            check(jf(a), exp, tol(name, dtype))
        except AssertionError as err:
            raise AssertionError(f"{name} axis={axis} on {lay}: {err}") from None


def test_sum_axis_from_argument():
    @njit
    def s(a, ax):
        return a.sum(axis=ax)

    a = np.arange(12.0).reshape(3, 4)
    check(s(a, 0), a.sum(axis=0), 1e-15)
    check(s(a, 1), a.sum(axis=1), 1e-15)


# ---- dot and @ ----------------------------------------------------------------------------------

@njit
def jdot(a, b):
    return np.dot(a, b)


@njit
def jmatmul(a, b):
    return a @ b


DOT_SHAPES = [((5,), (5,)), ((3, 5), (5,)), ((5,), (5, 4)), ((3, 5), (5, 4)), ((1, 1), (1, 1)),
              ((4, 7), (7, 1))]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128, np.int64], ids=str)
@pytest.mark.parametrize("shapes", DOT_SHAPES, ids=str)
@pytest.mark.parametrize("fn", ["dot", "matmul"])
def test_dot_and_matmul(fn, shapes, dtype):
    jf = jdot if fn == "dot" else jmatmul
    a0 = values(dtype, shapes[0], seed=1)
    b0 = values(dtype, shapes[1], seed=2)
    la_, lb_ = layouts(a0), layouts(b0)
    n = max(len(la_), len(lb_))
    pairs = [(la_[i % len(la_)], lb_[(i + k) % len(lb_)]) for i in range(n) for k in (0, 1)]
    for (la, a), (lb, b) in pairs:
        if True:
            exp = np.dot(a, b)
            got = jf(a, b)
            try:
                if np.ndim(exp) == 0:
                    ret = jf.overloads[(jitprofile.typeof(a), jitprofile.typeof(b))]
                    assert str(ret["return_type"]) == str(exp.dtype), (ret, exp.dtype)
                    got = np.asarray(got, dtype=exp.dtype)
                check(got, exp, {np.float32: 1e-4}.get(dtype, 1e-12))
            except AssertionError as err:
                raise AssertionError(f"{la} x {lb}: {err}") from None


def test_dot_mixed_dtypes_promote():
    a = values(np.float32, (3, 4))
    b = values(np.float64, (4,))
    check(jdot(a, b), np.dot(a, b), 1e-6)
    i = values(np.int64, (4,))
    check(jdot(a.astype(np.float64), i), np.dot(a.astype(np.float64), i), 1e-12)


def test_dot_shape_mismatch_is_value_error():
    with pytest.raises(ValueError):
        jdot(np.zeros((3, 4)), np.zeros(5))
    with pytest.raises(ValueError):
        jmatmul(np.zeros((3, 4)), np.zeros((3, 4)))
    with pytest.raises(ValueError):
        jdot(np.zeros(3), np.zeros(4))


def test_dot_result_is_fresh_array():
    a = np.eye(3)
    b = np.arange(9.0).reshape(3, 3)
    r = jdot(a, b)
    r[0, 0] = 100.0
    assert b[0, 0] == 0.0 and a[0, 0] == 1.0


def test_dot_larger_matrix():
    a = values(np.float64, (64, 48), seed=3)
    b = values(np.float64, (48, 33), seed=4)
    check(jmatmul(a, b), a @ b, 1e-11)
    check(jmatmul(a.T, a), a.T @ a, 1e-11)


# ---- np.random -------------------------------------------------------------------------------------

@njit
def j_seed_random(s, n):
    np.random.seed(s)
    out = np.empty(n)
    for i in range(n):
        out[i] = np.random.random()
    return out


@njit
def j_seed_random_array(s, n):
    np.random.seed(s)
    return np.random.random(n), np.random.rand(n), np.random.rand(2, 3)


@njit
def j_seed_randn(s, n):
    np.random.seed(s)
    out = np.empty(n)
    for i in range(n):
        out[i] = np.random.randn()
    return out, np.random.randn(n)


@njit
def j_seed_normal(s, n):
    np.random.seed(s)
    a = np.empty(n)
    for i in range(n):
        a[i] = np.random.normal(1.5, 2.0)
    return a, np.random.normal(0.0, 1.0, n), np.random.normal()


@njit
def j_seed_uniform(s, n):
    np.random.seed(s)
    a = np.empty(n)
    for i in range(n):
        a[i] = np.random.uniform(-2.0, 5.0)
    return a, np.random.uniform(0.0, 1.0, n)


@njit
def j_seed_randint(s, n, lo, hi):
    np.random.seed(s)
    a = np.empty(n, dtype=np.int64)
    for i in range(n):
        a[i] = np.random.randint(lo, hi)
    return a


@pytest.mark.parametrize("seed", [0, 1, 42, 2**31 - 1, 123456789])
def test_random_sequence_matches_numpy_legacy(seed):
    got = j_seed_random(seed, 20)
    np.random.seed(seed)
    exp = np.array([np.random.random() for _ in range(20)])
    np.testing.assert_array_equal(got, exp)


def test_random_array_forms_match_numpy():
    a, b, c = j_seed_random_array(7, 5)
    np.random.seed(7)
    np.testing.assert_array_equal(a, np.random.random(5))
    np.testing.assert_array_equal(b, np.random.rand(5))
    np.testing.assert_array_equal(c, np.random.rand(2, 3))
    assert c.shape == (2, 3)


@pytest.mark.parametrize("seed", [0, 5, 99])
def test_randn_matches_numpy(seed):
    a, b = j_seed_randn(seed, 7)          # odd count: the cached second gaussian matters
    np.random.seed(seed)
    ea = np.array([np.random.randn() for _ in range(7)])
    eb = np.random.randn(7)
    np.testing.assert_array_equal(a, ea)
    np.testing.assert_array_equal(b, eb)


@pytest.mark.parametrize("seed", [0, 3])
def test_normal_matches_numpy(seed):
    a, b, c = j_seed_normal(seed, 5)
    np.random.seed(seed)
    ea = np.array([np.random.normal(1.5, 2.0) for _ in range(5)])
    eb = np.random.normal(0.0, 1.0, 5)
    ec = np.random.normal()
    np.testing.assert_array_equal(a, ea)
    np.testing.assert_array_equal(b, eb)
    assert c == ec


@pytest.mark.parametrize("seed", [0, 11])
def test_uniform_matches_numpy(seed):
    a, b = j_seed_uniform(seed, 6)
    np.random.seed(seed)
    ea = np.array([np.random.uniform(-2.0, 5.0) for _ in range(6)])
    eb = np.random.uniform(0.0, 1.0, 6)
    np.testing.assert_array_equal(a, ea)
    np.testing.assert_array_equal(b, eb)


@pytest.mark.parametrize("lo, hi", [(0, 10), (-5, 5), (0, 2), (0, 1000003), (-2**40, 2**40),
                                    (0, 2**32 + 5)], ids=str)
def test_randint_matches_numpy(lo, hi):
    got = j_seed_randint(17, 30, lo, hi)
    np.random.seed(17)
    exp = np.array([np.random.randint(lo, hi) for _ in range(30)], dtype=np.int64)
    np.testing.assert_array_equal(got, exp)
    assert ((got >= lo) & (got < hi)).all()


def test_random_without_seed_is_in_range_and_varies():
    @njit
    def draw(n):
        return np.random.random(n)

    a = draw(1000)
    b = draw(1000)
    assert ((a >= 0) & (a < 1)).all()
    assert not np.array_equal(a, b)
    assert 0.4 < a.mean() < 0.6


def test_jit_seed_does_not_touch_numpy_global_state():
    np.random.seed(1234)
    expected = np.random.random(3)
    np.random.seed(1234)
    j_seed_random(99, 4)                     # the jit generator has its own state
    np.testing.assert_array_equal(np.random.random(3), expected)


def test_jit_random_state_persists_between_calls():
    @njit
    def seed(s):
        np.random.seed(s)

    @njit
    def one():
        return np.random.random()

    seed(5)
    got = [one() for _ in range(4)]
    np.random.seed(5)
    exp = [np.random.random() for _ in range(4)]
    assert got == exp
