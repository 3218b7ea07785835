"""Builtins over iterables (issue 11) and np.array from sequences: each
result is compared with CPython's / NumPy's own."""
import numpy as np
import pytest

import jitprofile
from jitprofile import njit


def check(f, *args):
    r1, r2 = f(*args), f.py_func(*args)
    assert r1 == r2 and type(r1) is type(r2)
    return r1


@njit
def zips(a, xs, n):
    s = 0.0
    for x, y in zip(a, xs):
        s += x * y
    for i, j, k in zip(range(n), xs, (1, 2, 3, 4)):
        s += i * j - k
    return s, list(zip(xs, range(10, 20)))


def test_zip_over_arrays_lists_ranges_tuples():
    check(zips, np.arange(4.0), [1, 2, 3], 5)


@njit
def enums(xs, t):
    s = 0
    for i, x in enumerate(xs):
        s += i * x
    for i, x in enumerate(t, 5):
        s += i * x
    for i, x in enumerate(xs, start=-2):
        s += i - x
    for i, (a, b) in enumerate(zip(xs, t)):
        s += i * a * b
    return s, list(enumerate(xs))


def test_enumerate_with_start():
    check(enums, [3, 1, 4], (1, 5, 9))


@njit
def revs(n, xs, a):
    out = [0 for _ in range(0)]
    for i in reversed(range(n)):
        out.append(i)
    for x in reversed(xs):
        out.append(x)
    for i in reversed(range(1, n, 2)):
        out.append(i)
    s = 0.0
    for v in reversed(a):
        s = s * 2 + v
    return out, s


def test_reversed_range_list_array():
    check(revs, 5, [7, 8, 9], np.arange(3.0))


@njit
def negative_ranges(n):
    out = []
    for i in range(n, 0, -1):
        out.append(i)
    for i in range(10, -10, -7):
        out.append(i)
    for i in range(0, 10, -1):
        out.append(i)
    return out, list(range(5, -6, -3))


def test_range_with_negative_steps():
    check(negative_ranges, 4)


@njit
def key_second(p):
    return p[1]


@njit
def sorts(xs, a, t):
    return (sorted(xs), sorted(xs, reverse=True), sorted(a), sorted(t), sorted(t, reverse=True),
            sorted([(2, 1.0), (1, 3.0), (2, 0.5)]), sorted([(2, 1.0), (1, 3.0), (2, 0.5)], key=key_second))


def test_sorted_lists_arrays_tuples_with_key_and_reverse():
    r1 = sorts([3, 1, 2], np.array([2.5, -1.0, 0.0]), (5, 4, 9))
    r2 = sorts.py_func([3, 1, 2], np.array([2.5, -1.0, 0.0]), (5, 4, 9))
    assert r1[:2] == r2[:2] and r1[2] == [float(v) for v in r2[2]] and r1[3:] == r2[3:]


@njit
def reductions(xs, a, n):
    return (min(xs), max(xs), min(a), max(range(n)), sum(xs), sum(xs, 10), sum(a), sum(a, 0.5),
            sum(range(n)), any(xs), all(xs), any([0, 0]), all(xs[:0]), all([1, 2]),
            min(x * 2 for x in xs), sum(x * x for x in range(n) if x % 2), any(x > 2 for x in xs))


def test_min_max_sum_any_all_over_iterables():
    r1 = reductions([3, -1, 2], np.array([1.5, 0.5]), 4)
    r2 = reductions.py_func([3, -1, 2], np.array([1.5, 0.5]), 4)
    assert r1 == r2


@njit
def empty_min(xs):
    return min(xs)


def test_min_of_empty_raises_like_cpython():
    with pytest.raises(ValueError, match=r"min\(\) arg is an empty sequence"):
        empty_min(np.zeros(0))


@njit
def numbers(a, b, x):
    return divmod(a, b), divmod(-a, b), divmod(x, 0.75), round(x, 2), round(-x, 1), round(x), round(2.5), round(3.5)


def test_divmod_and_round_with_ndigits():
    assert numbers(17, 5, 2.675) == numbers.py_func(17, 5, 2.675)
    assert numbers(-7, 3, 1.005) == numbers.py_func(-7, 3, 1.005)


@njit
def kinds(x, xs):
    return (isinstance(x, int), isinstance(x, float), isinstance(x, (int, float)), isinstance(xs, list),
            isinstance(x, complex), isinstance(True, int), isinstance(x, bool))


def test_isinstance_on_typed_values():
    check(kinds, 3, [1])
    check(kinds, 2.5, [1])


@njit
def zip_as_value(a, b):
    z = zip(a, b)
    return z


def test_zip_outside_a_loop_names_the_alternative():
    with pytest.raises(jitprofile.UnsupportedError,
                       match=r"test_jit_builtins_iter.py:\d+:\d+: .*zip\(\) is supported as the iterable"):
        zip_as_value([1], [2])


@njit
def bad_isinstance(x):
    return isinstance(x, bytes)


def test_isinstance_with_unsupported_class():
    # (isinstance(x, str) is supported since strings are: test_jit_strings.py)
    with pytest.raises(jitprofile.CompileError, match=r"test_jit_builtins_iter.py:\d+:\d+: .*'bytes'"):
        bad_isinstance(1)


# ---- np.array from sequences -----------------------------------------------------------

@njit
def hot(x):
    c = np.array([-1.0, 2.0, 5.0])
    return c * x


@njit
def literals():
    return (np.array([[1, 2], [3, 4]]), np.array((1, 2.5)), np.array([1, 2], dtype=np.float32),
            np.asarray([True, False]), np.array([1 + 2j, 3]), np.array(((1, 2), (3, 4)), np.int8),
            np.array([[[1.0], [2.0]]]))


def test_np_array_literals_match_numpy():
    assert np.array_equal(hot(2.0), hot.py_func(2.0))
    for r1, r2 in zip(literals(), literals.py_func()):
        assert r1.dtype == r2.dtype and r1.shape == r2.shape and np.array_equal(r1, r2)


@njit
def from_values(xs, t, a):
    return np.array(xs), np.asarray(xs, dtype=np.int32), np.array(t), np.array(a), np.asarray(a, np.float32)


@pytest.mark.parametrize("xs", [[1.5, 2.5, -3.0], [[1, 2, 3], [4, 5, 6]], [True, False]])
def test_np_array_from_list_tuple_and_array_values(xs):
    t = ((1, 2), (3, 4))
    a = np.arange(6).reshape(2, 3)
    for r1, r2 in zip(from_values(xs, t, a), from_values.py_func(xs, t, a)):
        assert r1.dtype == r2.dtype and r1.shape == r2.shape and np.array_equal(r1, r2)


@njit
def copies(a):
    b = np.asarray(a)
    c = np.array(a)
    b[0] = 7.0
    c[1] = 9.0
    return c


def test_np_array_copies_and_asarray_does_not():
    a = np.zeros(3)
    c = copies(a)
    assert a.tolist() == [7.0, 0.0, 0.0] and c.tolist() == [0.0, 9.0, 0.0]


@njit
def ragged(xs):
    return np.array(xs)


def test_np_array_of_ragged_lists_is_a_value_error():
    with pytest.raises(ValueError, match="inhomogeneous shape"):
        ragged([[1, 2], [3]])


@njit
def scalar_array(x):
    return np.array(x)


def test_np_array_of_a_scalar_names_the_line():
    with pytest.raises(jitprofile.UnsupportedError, match=r"test_jit_builtins_iter.py:\d+:\d+: .*scalar"):
        scalar_array(1.0)


@njit
def rows_of(m):
    m = m + 0.0                 # rows of an array jit code owns: each view holds a reference
    out = list(m)
    s = 0.0
    for i, r in enumerate(m):
        s += i * r.sum()
    return len(out), s, sum([r.sum() for r in m])


def test_iterating_rows_of_2d_arrays_does_not_leak():
    from jitprofile import _core
    m = np.arange(12.0).reshape(4, 3)
    before = _core.nrt_stats()[0]
    assert rows_of(m) == rows_of.py_func(m)
    assert _core.nrt_stats()[0] == before


@njit
def uses_type(xs):
    return type(xs)


@njit
def uses_frozenset(xs):
    return len(frozenset(xs))


@njit
def uses_next(xs):
    return next(iter(xs))


@pytest.mark.parametrize("fn, name, hint", [
    (uses_type, "type", "isinstance"),     # map/filter work now (test_jit_closures.py)
    (uses_frozenset, "frozenset", "use a set"),
    (uses_next, "next", "for x in"),
])
def test_missing_builtins_say_what_to_write_instead(fn, name, hint):
    with pytest.raises(jitprofile.UnsupportedError) as ei:
        fn([1, 2])
    msg = str(ei.value)
    assert f"'{name}' is not supported in jit code" in msg
    assert "test_jit_builtins_iter.py:" in msg and hint in msg
