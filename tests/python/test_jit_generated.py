"""Issue 7: @generated_jit (implementation chosen from argument *types*) and
@overload (jitted implementations for Python functions and builtins inside jitted
code).  The seed's l1_norm over scalar, vector and matrix with its TypeError fallback.
"""
import math

import numpy as np
import pytest

import jitprofile
from jitprofile import njit, generated_jit, overload, types, TypingError


# ---------------------------------------------------------------- the seed's l1_norm

@generated_jit(nopython=True)
def l1_norm(x):
    if isinstance(x, types.Float):
        return lambda x: x if x >= 0 else -x
    elif isinstance(x, types.Array) and x.ndim == 1:
        def l1_vector(x):
            s = 0.0
            for i in range(x.shape[0]):
                s += abs(x[i])
            return s
        return l1_vector
    elif isinstance(x, types.Array) and x.ndim == 2:
        def l1_matrix(x):
            s = 0.0
            for i in range(x.shape[0]):
                for j in range(x.shape[1]):
                    s += abs(x[i, j])
            return s
        return l1_matrix
    else:
        raise TypeError("Unsupported type for l1_norm.")


def test_l1_norm_scalar_vector_matrix_from_python():
    assert l1_norm(-2.5) == 2.5
    assert l1_norm(3.25) == 3.25
    v = np.array([1.0, -2.0, 3.5, -0.25])
    assert l1_norm(v) == np.abs(v).sum()
    m = np.arange(-6.0, 6.0).reshape(3, 4)
    assert l1_norm(m) == np.abs(m).sum()
    # non-contiguous and Fortran-ordered matrices
    assert l1_norm(m[:, ::2]) == np.abs(m[:, ::2]).sum()
    assert l1_norm(np.asfortranarray(m)) == np.abs(m).sum()
    assert l1_norm(np.float64(-4.0)) == 4.0


def test_l1_norm_fallback_raises_type_error():
    with pytest.raises(TypeError, match="Unsupported type for l1_norm"):
        l1_norm(np.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="Unsupported type for l1_norm"):
        l1_norm(3)                               # int64 is not types.Float
    with pytest.raises(TypeError):
        l1_norm("abc")                           # not a jit type at all


@njit
def l1_plus_one(x):
    return l1_norm(x) + 1.0


def test_l1_norm_from_jitted_code():
    assert l1_plus_one(-3.0) == 4.0
    v = np.array([1.0, -1.0, 2.0])
    assert l1_plus_one(v) == 5.0
    assert l1_plus_one(np.ones((2, 3))) == 7.0


def test_l1_norm_fallback_from_jitted_code():
    @njit
    def caller(x):
        return l1_norm(x)

    with pytest.raises((TypeError, TypingError), match="Unsupported type for l1_norm"):
        caller(np.zeros((2, 2, 2)))


# ---------------------------------------------------------------- the types the generator sees

SEEN = []


@generated_jit
def describe(x):
    SEEN.append(x)
    if isinstance(x, types.Array):
        nd, layout = x.ndim, x.layout
        is_float = isinstance(x.dtype, types.Float)
        code = (nd * 10 + {"C": 1, "F": 2, "A": 3}[layout]) * (1 if is_float else -1)
        return lambda x: code
    if isinstance(x, types.Integer):
        return lambda x: 1000
    if isinstance(x, types.Boolean):
        return lambda x: 2000
    if isinstance(x, types.Complex):
        return lambda x: 3000
    if isinstance(x, types.Float):
        return lambda x: 4000
    return None


def test_generator_receives_types():
    SEEN.clear()
    assert describe(np.zeros(3)) == 11
    assert describe(np.zeros((2, 3))) == 21
    assert describe(np.zeros((2, 3), order="F")) == 22
    assert describe(np.zeros((4, 4))[:, ::2]) == 23
    assert describe(np.zeros(3, dtype=np.int64)) == -11
    assert describe(7) == 1000
    assert describe(True) == 2000
    assert describe(1j) == 3000
    assert describe(0.5) == 4000
    t = SEEN[0]
    assert isinstance(t, types.Array) and t.ndim == 1 and t.layout == "C"
    assert t.dtype == types.float64
    assert all(isinstance(s, jitprofile.types.Type) for s in SEEN)
    assert isinstance(SEEN[-1], types.Float) and not isinstance(SEEN[-1], types.Array)


def test_generator_runs_once_per_type_combination():
    SEEN.clear()
    for _ in range(3):                         # types not seen by the other tests
        assert describe(np.ones((2, 2, 2))) == 31
        assert describe(np.ones(5, dtype=np.float32)) == 11
    assert len(SEEN) == 2


def test_generator_returning_none_is_type_error():
    with pytest.raises(TypeError):
        describe((1, 2))


@generated_jit(nopython=True)
def add_or_concat(a, b):
    if isinstance(a, types.Integer) and isinstance(b, types.Integer):
        return lambda a, b: a + b
    if isinstance(a, types.Float) or isinstance(b, types.Float):
        return lambda a, b: a * b
    raise TypeError("no")


def test_two_argument_dispatch():
    assert add_or_concat(2, 3) == 5
    assert add_or_concat(2.0, 3) == 6.0
    assert add_or_concat(2, 3.0) == 6.0

    @njit
    def both(a, b):
        return add_or_concat(a, b) + add_or_concat(a, 1.5)
    assert both(2, 3) == 5 + 3.0


@njit
def jitted_square(x):
    return x * x


@generated_jit
def returns_dispatcher(x):
    return jitted_square


def test_generator_may_return_a_dispatcher():
    assert returns_dispatcher(3) == 9
    assert returns_dispatcher(1.5) == 2.25


# ---------------------------------------------------------------- @overload

def clamp01(x):
    """A plain Python function: slow path in Python, jitted implementation in jit code."""
    return "python"


@overload(clamp01)
def _clamp01_impl(x):
    if isinstance(x, types.Float):
        def impl(x):
            return min(max(x, 0.0), 1.0)
        return impl
    if isinstance(x, types.Integer):
        return lambda x: 0 if x < 0 else (1 if x > 1 else x)
    return None


@njit
def use_clamp(x):
    return clamp01(x)


def test_overload_python_function():
    assert use_clamp(1.7) == 1.0
    assert use_clamp(-0.3) == 0.0
    assert use_clamp(0.25) == 0.25
    assert use_clamp(5) == 1 and use_clamp(-5) == 0
    # from Python the original function still runs
    assert clamp01(0.5) == "python"


def test_overload_no_implementation_for_types_is_typing_error():
    @njit
    def bad(x):
        return clamp01(x)

    with pytest.raises((TypingError, TypeError)) as ei:
        bad(1j)
    assert "clamp01" in str(ei.value)


@overload(math.comb)
def _comb_impl(n, k):
    if isinstance(n, types.Integer) and isinstance(k, types.Integer):
        def impl(n, k):
            if k < 0 or k > n:
                return 0
            r = 1
            for i in range(min(k, n - k)):
                r = r * (n - i) // (i + 1)
            return r
        return impl


@njit
def jitted_comb(n, k):
    return math.comb(n, k)


def test_overload_builtin():
    for n in range(0, 12):
        for k in range(-1, n + 2):
            assert jitted_comb(n, k) == (math.comb(n, k) if k >= 0 else 0)
    assert math.comb(5, 2) == 10                # the builtin itself is untouched


@overload(np.sinc)
def _sinc_impl(x):
    if isinstance(x, types.Float):
        def impl(x):
            if x == 0.0:
                return 1.0
            y = math.pi * x
            return math.sin(y) / y
        return impl


def test_overload_numpy_function():
    @njit
    def s(x):
        return np.sinc(x)

    for x in (0.0, 0.5, -1.25, 3.0):
        assert math.isclose(s(x), float(np.sinc(x)), rel_tol=1e-15, abs_tol=1e-16)


def outer_helper(x):
    return None


@overload(outer_helper)
def _outer_impl(x):
    return lambda x: clamp01(x) * 10          # an overload that uses another overload


def test_overload_calling_overload_and_generated():
    @njit
    def f(x):
        return outer_helper(x) + l1_norm(x)

    assert f(0.5) == 5.0 + 0.5
    assert f(-2.0) == 0.0 + 2.0
