"""Array errors (issue 3): writes into read-only arrays are TypingError at compile time with
FILE:LINE; two advanced indices in one subscript are an error with a hint; run-time shape errors
(broadcasting, reshape) are ValueError; bad dtypes are TypeError naming the argument."""
import numpy as np
import pytest

import jitprofile
from jitprofile import njit, TypingError
from conftest import line_of

HERE = __file__


def readonly(a):
    a = np.array(a)
    a.setflags(write=False)
    return a


# ---- read-only arrays ---------------------------------------------------------------------

@njit
def ro_store(a):
    a[0] = 1.0  # RO-STORE
    return a[1]


@njit
def ro_aug(a):
    s = a[0]
    a[1] += s  # RO-AUG


@njit
def ro_slice(a):
    a[1:] = 0.0  # RO-SLICE


@njit
def ro_view_store(a):
    v = a[::2]
    v[0] = 5.0  # RO-VIEW


@njit
def ro_inplace(a):
    a *= 2.0  # RO-INPLACE


@njit
def ro_fill(a):
    a.fill(1.0)  # RO-FILL


@pytest.mark.parametrize("fn, tag", [(ro_store, "RO-STORE"), (ro_aug, "RO-AUG"),
                                     (ro_slice, "RO-SLICE"), (ro_view_store, "RO-VIEW"),
                                     (ro_inplace, "RO-INPLACE"), (ro_fill, "RO-FILL")],
                         ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_write_to_readonly_is_typing_error_with_location(fn, tag):
    a = readonly(np.arange(6.0))
    with pytest.raises(TypingError) as ei:
        fn(a)
    err = ei.value
    msg = str(err)
    assert "read" in msg.lower() and "only" in msg.lower(), msg
    assert err.filename == HERE, (err.filename, msg)
    assert err.lineno == line_of(HERE, tag), (err.lineno, msg)
    assert f"{HERE}:{line_of(HERE, tag)}" in msg
    # nothing was written
    np.testing.assert_array_equal(a, np.arange(6.0))


def test_readonly_error_does_not_prevent_writeable_overload():
    a = np.arange(6.0)
    assert ro_store(a) == 1.0 and a[0] == 1.0
    with pytest.raises(TypingError):
        ro_store(readonly(np.arange(6.0)))
    b = np.arange(6.0)
    assert ro_store(b) == 1.0


def test_readonly_read_only_function_compiles():
    @njit
    def total(a):
        s = 0.0
        for x in a:
            s += x
        return s + a.sum()

    a = readonly(np.arange(5.0))
    assert total(a) == 20.0


def test_view_of_readonly_returned_is_readonly():
    @njit
    def tail(a):
        return a[1:]

    v = tail(readonly(np.arange(4.0)))
    np.testing.assert_array_equal(v, [1.0, 2.0, 3.0])
    assert not v.flags.writeable


def test_copy_of_readonly_is_writeable():
    @njit
    def cp(a):
        b = a.copy()
        b[0] = 9.0
        return b

    b = cp(readonly(np.arange(3.0)))
    np.testing.assert_array_equal(b, [9.0, 1.0, 2.0])
    assert b.flags.writeable


# ---- fancy and boolean indexing -------------------------------------------------------------

@njit
def fancy_get(a, idx):
    return a[idx]  # FANCY


@njit
def bool_get(a):
    return a[a > 0]  # BOOLMASK


@njit
def bool_set(a):
    a[a < 0] = 0.0  # BOOLSET


def test_fancy_and_boolean_indexing_now_match_numpy():
    # issue 12: these were TypingErrors; they are supported now (test_jit_array_fancy.py)
    a = np.arange(5.0)
    np.testing.assert_array_equal(fancy_get(a, np.array([0, 2])), a[np.array([0, 2])])
    b = np.arange(-2.0, 3.0)
    np.testing.assert_array_equal(bool_get(b), b[b > 0])
    c = b.copy()
    bool_set(c)
    b[b < 0] = 0.0
    np.testing.assert_array_equal(c, b)


@njit
def two_advanced(a, i, j):
    return a[i, j]  # TWOADV


def test_two_advanced_indices_are_an_error_with_hint():
    with pytest.raises(jitprofile.UnsupportedError) as ei:
        two_advanced(np.zeros((3, 3)), np.array([0]), np.array([1]))
    msg = str(ei.value)
    assert ei.value.lineno == line_of(HERE, "TWOADV"), msg
    assert "hint" in msg.lower(), msg
    assert "index" in msg.lower(), msg


# ---- shape errors at run time ----------------------------------------------------------------

@njit
def add(a, b):
    return a + b


def test_broadcast_mismatch_message_like_numpy():
    a, b = np.zeros((2, 3)), np.zeros(4)
    with pytest.raises(ValueError) as ei:
        add(a, b)
    msg = str(ei.value)
    assert "broadcast" in msg, msg
    # the function keeps working
    np.testing.assert_array_equal(add(np.ones(3), np.ones(3)), np.full(3, 2.0))


@njit
def reshape_to(a, n, m):
    return a.reshape(n, m)


def test_reshape_wrong_size_message():
    with pytest.raises(ValueError) as ei:
        reshape_to(np.arange(6.0), 4, 2)
    assert "reshape" in str(ei.value) or "size" in str(ei.value), str(ei.value)
    np.testing.assert_array_equal(reshape_to(np.arange(6.0), 2, 3), np.arange(6.0).reshape(2, 3))


def test_negative_dimension_allocation_is_value_error():
    @njit
    def mk(n):
        return np.zeros(n)

    with pytest.raises(ValueError):
        mk(-1)


def test_raise_inside_array_function_propagates_and_recovers():
    @njit
    def checked(a):
        for i in range(a.shape[0]):
            if a[i] < 0:
                raise ValueError("negative entry")
        return a.sum()

    with pytest.raises(ValueError, match="negative entry"):
        checked(np.array([1.0, -1.0]))
    assert checked(np.array([1.0, 2.0])) == 3.0


# ---- bad dtypes ------------------------------------------------------------------------------

@njit
def two_args(first, second):
    return first[0] + second[0]


def test_bad_dtype_names_the_right_argument():
    with pytest.raises(TypeError) as ei:
        two_args(np.zeros(2), np.array([None, 1], dtype=object))
    msg = str(ei.value)
    assert "second" in msg and "first" not in msg.replace("first[", ""), msg


def test_bad_dtype_in_keyword_argument():
    bad = np.array(["2020-01-01"], dtype="datetime64[D]")
    with pytest.raises(TypeError) as ei:
        two_args(np.zeros(2), second=bad)
    assert "second" in str(ei.value)
    assert str(bad.dtype) in str(ei.value) or repr(bad.dtype) in str(ei.value)


@pytest.mark.parametrize("arr", [np.array([None], dtype=object),
                                 np.array(["2020-01-01"], dtype="datetime64[D]")],
                         ids=["object", "datetime64"])
def test_bad_dtype_message_uses_numpy_dtype_name(arr):
    # the name users know: str(dtype) ('object', 'datetime64[D]'), as NumPy prints it
    with pytest.raises(TypeError) as ei:
        two_args(np.zeros(2), arr)
    assert str(arr.dtype) in str(ei.value), str(ei.value)


def test_typeof_unsupported_array_is_none_or_raises():
    a = np.array([None], dtype=object)
    try:
        t = jitprofile.typeof(a)
    except TypeError:
        return
    assert t is None


# ---- order of evaluation of a store (found by tests/fuzz/difffuzz.py) ------------------------

import math  # noqa: E402


@njit
def store_sqrt(a, i, x):
    a[i % len(a)] = math.sqrt(x)
    return a


@njit
def store_sqrt_view(a, x):
    a[2 // len(a):] = math.sqrt(x)
    return a


def test_store_evaluates_the_value_before_the_index():
    # CPython evaluates the right-hand side first: sqrt(-1) raises ValueError
    # before `i % len(a)` would divide by zero
    for fn, args in ((store_sqrt, (np.empty(0), 3, -1.0)), (store_sqrt_view, (np.empty(0), -1.0))):
        with pytest.raises(ValueError):
            fn.py_func(*args)
        with pytest.raises(ValueError):
            fn(*args)
    # and the usual order when both sides are fine
    assert store_sqrt(np.zeros(3), 4, 4.0).tolist() == [0.0, 2.0, 0.0]
    assert store_sqrt_view(np.zeros(2), 9.0).tolist() == [0.0, 3.0]
