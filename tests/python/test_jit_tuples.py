"""Tuples: UniTuple and heterogeneous Tuple as arguments, locals and return values."""
import pytest

from jitprofile import njit


@njit
def make_pair(a, b):
    return a, b


def test_return_homogeneous_tuple():
    r = make_pair(1.5, 2.5)
    assert r == (1.5, 2.5)
    assert type(r) is tuple


def test_return_heterogeneous_tuple():
    r = make_pair(3, 2.5)
    assert r == (3, 2.5)
    assert type(r) is tuple
    assert isinstance(r[0], int) and isinstance(r[1], float)


@njit
def stats(a, b):
    return a + b, a * 1.5, a > b, complex(a, b)


def test_return_mixed_tuple_int_float_bool_complex():
    r = stats(4, 3)
    assert r == (7, 6.0, True, 4 + 3j)
    assert [type(v) for v in r] == [int, float, bool, complex]


@njit
def unpack3(t):
    a, b, c = t
    return a + b * c


def test_unituple_argument_unpacking():
    assert unpack3((1.0, 2.0, 3.0)) == 7.0
    assert unpack3((1, 2, 3)) == 7


@njit
def index_tuple(t):
    return t[0] - t[1]


def test_tuple_argument_constant_indexing():
    assert index_tuple((5.0, 1.5)) == 3.5
    assert index_tuple((5, 1.5)) == 3.5


@njit
def negative_index(t):
    return t[-1]


def test_tuple_negative_constant_index():
    assert negative_index((1, 2, 3)) == 3
    assert negative_index((1, 2.5)) == 2.5


@njit
def sum_unituple_loop(t):
    s = 0.0
    for i in range(len(t)):
        s += t[i]
    return s


def test_unituple_variable_index():
    assert sum_unituple_loop((1.0, 2.0, 3.5)) == 6.5


@njit
def iterate_unituple(t):
    s = 0
    for v in t:
        s += v
    return s


def test_iterate_over_unituple():
    assert iterate_unituple((1, 2, 3, 4)) == 10


@njit
def hetero_arg(t):
    i, x = t
    return x * i


def test_heterogeneous_tuple_argument():
    assert hetero_arg((3, 1.5)) == 4.5


@njit
def tuple_local(x):
    t = (x, x + 1.0, x + 2.0)
    a, b, c = t
    return c - a, t


def test_tuple_local_and_return():
    r = tuple_local(1.0)
    assert r == (2.0, (1.0, 2.0, 3.0))


@njit
def rotate(a, b, c):
    a, b, c = b, c, a
    return a, b, c


def test_multiple_assignment_rotation():
    assert rotate(1, 2, 3) == (2, 3, 1)


@njit
def tuple_len_and_bool(t):
    return len(t)


def test_len_of_tuple_argument():
    assert tuple_len_and_bool((1, 2, 3, 4, 5)) == 5
    assert tuple_len_and_bool((1.0, 2)) == 2


@njit
def pass_through(t):
    return t


@pytest.mark.parametrize("t", [(1, 2, 3), (1.0, 2.0), (1, 2.5), (True, 1, 2.0), (1j, 2j),
                               (1, 2.0, 3j, False)])
def test_tuple_roundtrip(t):
    r = pass_through(t)
    assert r == t
    assert [type(v) for v in r] == [type(v) for v in t]


@njit
def build_from_loop(n):
    lo, hi = 0, 0
    for i in range(n):
        if i % 2:
            lo, hi = lo + i, hi
        else:
            lo, hi = lo, hi + i
    return lo, hi


def test_tuple_assignment_in_loop():
    assert build_from_loop(10) == build_from_loop.py_func(10)


@njit
def pair_or_pair(x):
    if x > 0:
        return x, 1.0
    return 0.0, x


def test_tuple_return_from_two_branches_unifies():
    assert pair_or_pair(2.0) == (2.0, 1.0)
    assert pair_or_pair(-2.0) == (0.0, -2.0)


@njit
def tuple_of_divmod(a, b):
    q, r = divmod(a, b)
    return q * b + r


def test_unpack_builtin_tuple():
    for a, b in ((17, 5), (-17, 5), (17, -5)):
        assert tuple_of_divmod(a, b) == a


@njit
def tuple_equality(a, b):
    return a == b


def test_tuple_equality():
    assert tuple_equality((1, 2), (1, 2)) is True
    assert tuple_equality((1, 2), (1, 3)) is False


@njit
def tuple_arg_with_scalar(t, k):
    a, b = t
    return a * k, b * k


def test_tuple_and_scalar_args():
    assert tuple_arg_with_scalar((1.0, 2.0), 3) == (3.0, 6.0)
