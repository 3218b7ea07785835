"""Builtins over a dict's keys and a set's items (issue 11): list(), sorted(),
sum(), min(), max(), any(), all(), zip(), enumerate() and comprehensions see them
as CPython's iter(d) does, in insertion order.  Each compared with CPython, and
no memory left behind (the keys are copied into a temporary list)."""
import pytest

from jitprofile import _core, njit


@pytest.fixture(autouse=True)
def no_leaks():
    before = _core.nrt_stats()[0]
    yield
    assert _core.nrt_stats()[0] == before


def over_set():
    s = {5, 3, 9, 1}
    s.add(7)
    return (sorted(s), sorted(s, reverse=True), sum(s), min(s), max(s), len(list(s)),
            any(x > 8 for x in s), all(x > 0 for x in s))


def over_dict():
    d = {3: 1.5, 1: 2.5, 2: 0.5}
    d[7] = 4.0
    del d[1]
    pairs = [(k, v) for k, v in zip(d, d.values())]
    return list(d), sorted(d), sum(d), max(d), pairs, [(i, k) for i, k in enumerate(d)]


def over_str_keys():
    d = {"pear": 3, "apple": 1, "fig": 2}
    s = {"b", "a", "c"}
    return sorted(d), sorted(d, key=lambda k: d[k]), sorted(s), list(d)


def sorted_of_an_argument(s):
    return sorted(s)


@pytest.mark.parametrize("fn", [over_set, over_dict, over_str_keys])
def test_builtins_over_tables_match_cpython(fn):
    # Regression: sorted(s) / list(s) of a set or dict was "a set(int64) is not
    # iterable in jit code" (only for loops and comprehensions took them).
    assert njit(fn)() == fn()


def test_sorted_of_a_reflected_set_argument():
    s = {4, 2, 8}
    assert njit(sorted_of_an_argument)(s) == [2, 4, 8]
    assert s == {4, 2, 8}
