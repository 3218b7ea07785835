"""Optional(T) values (issue 11, "Functions: optional values"): None on one
path and a value on another, functions returning a value or None, default
None arguments, `is None` tests, an Optional used where a value is needed
(TypeError when it is None, as Numba), Optional returned to Python.
Results are compared with CPython's own (py_func)."""
import numpy as np
import pytest

import jitprofile
from jitprofile import _core, njit, types


def check(f, *args):
    r1, r2 = f(*args), f.py_func(*args)
    if isinstance(r2, np.generic):      # NumPy scalars come back as Python numbers, as in Numba
        r2 = r2.item()
    if isinstance(r2, np.ndarray):
        np.testing.assert_array_equal(r1, r2)
    else:
        assert r1 == r2
        assert type(r1) is type(r2)
    return r1


@pytest.fixture
def no_leak():
    before = _core.nrt_stats()[0]
    yield
    assert _core.nrt_stats()[0] == before


# ---- the type language -------------------------------------------------------------

def test_optional_spelling_is_numbas():
    t = types.optional(types.float64)
    assert str(t) == "Optional(float64)"
    assert t is jitprofile.optional(jitprofile.float64)
    assert t.kind == "optional" and t.dtype is types.float64
    assert str(_core.Type("Optional(int64)")) == "Optional(int64)"
    assert types.optional(types.none) is types.none          # Optional(None) is None
    assert types.optional(t) is t


# ---- a variable that is None on one path -------------------------------------------

@njit
def maybe(c):
    x = None
    if c:
        x = 1.5
    return x


def test_none_or_value_returned_to_python():
    assert check(maybe, True) == 1.5
    assert check(maybe, False) is None


@njit
def narrowed(c, v):
    x = None
    if c:
        x = v
    if x is not None:
        return x * 2 + 1
    return -1


def test_is_not_none_narrows():
    assert check(narrowed, True, 4) == 9
    assert check(narrowed, False, 4) == -1
    assert check(narrowed, True, 2.5) == 6.0


@njit
def eq_none(c):
    x = 3 if c else None
    return x == None, x != None, x is None  # noqa: E711


def test_eq_none_and_ifexp():
    assert check(eq_none, True) == (False, True, False)
    assert check(eq_none, False) == (True, False, True)


@njit
def truth(c):
    x = None
    if c:
        x = 7
    if x:
        return 1
    return 0


@njit
def negated(c):
    x = None
    if c:
        x = 0.0
    return not x, (1 if x else 2)


def test_truth_of_optional():
    assert check(truth, True) == 1
    assert check(truth, False) == 0
    assert check(negated, True) == (True, 2)
    assert check(negated, False) == (True, 2)


@njit
def use_as_value(c):
    x = None
    if c:
        x = 2.0
    return x * 2


def test_none_used_as_value_raises_type_error():
    assert use_as_value(True) == 4.0
    with pytest.raises(TypeError, match="expected float64, got None"):
        use_as_value(False)
    with pytest.raises(TypeError):
        use_as_value.py_func(False)


# ---- functions returning a value or None ----------------------------------------------

@njit
def find(a, v):
    for i in range(a.size):
        if a[i] == v:
            return i
    return None


@njit
def find_or(a, v, default):
    r = find(a, v)
    if r is None:
        return default
    return r * 10


def test_function_returning_value_or_none():
    a = np.arange(5)
    assert check(find, a, 3) == 3
    assert check(find, a, 9) is None
    assert check(find_or, a, 3, -1) == 30
    assert check(find_or, a, 9, -1) == -1


@njit
def add_one(x):
    if x is None:
        return 0.0
    return x + 1.0


@njit
def pass_optional(c):
    x = None
    if c:
        x = 2.5
    return add_one(x)          # the callee is compiled for Optional(float64)


def test_optional_passed_to_a_jit_function():
    assert check(pass_optional, True) == 3.5
    assert check(pass_optional, False) == 0.0


@njit("float64(Optional(float64))")
def declared(x):
    if x is None:
        return -1.0
    return x


def test_explicit_optional_signature():
    assert declared(None) == -1.0
    assert declared(2.0) == 2.0


@njit
def pair(c):
    x = None
    if c:
        x = 4
    return (x, 1)


def test_tuple_with_optional_element():
    assert check(pair, True) == (4, 1)
    assert check(pair, False) == (None, 1)


# ---- default None arguments ----------------------------------------------------------

@njit
def scale(a, out=None):
    if out is None:
        out = np.empty_like(a)
    for i in range(a.size):
        out[i] = a[i] * 2
    return out


def test_default_none_argument(no_leak):
    a = np.arange(4.0)
    np.testing.assert_array_equal(scale(a), a * 2)
    out = np.zeros(4)
    r = scale(a, out)
    np.testing.assert_array_equal(out, a * 2)
    assert r is out or np.shares_memory(r, out)
    np.testing.assert_array_equal(scale(a, None), a * 2)


@njit
def optional_array(n, c):
    a = None
    if c:
        a = np.ones(n)
    if a is None:
        return 0.0
    return a.sum()


def test_optional_array_no_leak(no_leak):
    assert check(optional_array, 3, True) == 3.0
    assert check(optional_array, 3, False) == 0.0


@njit
def return_optional_array(n, c):
    a = None
    if c:
        a = np.arange(n)
    return a


def test_optional_array_returned(no_leak):
    np.testing.assert_array_equal(return_optional_array(3, True), np.arange(3))
    assert return_optional_array(3, False) is None


@njit
def loop_optional(a):
    best = None
    for v in a:
        if best is None or v > best:
            best = v
    return best


def test_running_optional_in_a_loop():
    assert check(loop_optional, np.array([3.0, 9.0, 2.0])) == 9.0
    assert check(loop_optional, np.zeros(0)) is None


@njit
def show(c):
    x = None
    if c:
        x = 2.5
    print("x =", x, (x, 1))


def test_print_of_optional_matches_cpython(capsys):
    for c in (True, False):
        show(c)
        got = capsys.readouterr().out
        show.py_func(c)
        assert got == capsys.readouterr().out
