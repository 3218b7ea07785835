"""Sets (issue 11): `set(T)` built in jit code and `reflected set(T)` passed
from Python (changes written back after the call, as Numba's reflected
sets), on the dict's hash table.  Results are compared with CPython's."""
import numpy as np
import pytest

import jitprofile
from jitprofile import _core, njit


@pytest.fixture
def no_leak():
    before = _core.nrt_stats()[0]
    yield
    assert _core.nrt_stats()[0] == before


def check(f, *args):
    r1, r2 = f(*args), f.py_func(*args)
    assert r1 == r2
    return r1


def test_typeof_spells_as_numba():
    assert str(jitprofile.typeof({1, 2})) == "reflected set(int64)"
    assert str(jitprofile.typeof({1.5, 2})) == "reflected set(float64)"
    assert str(jitprofile.typeof({(1, 2.0)})) == "reflected set(Tuple(int64, float64))"
    assert jitprofile.typeof(set()) is None
    assert jitprofile.typeof({1, "a"}) is None


def test_build_add_discard_remove(no_leak):
    @njit
    def f(a):
        s = set()
        for x in a:
            s.add(x)
        s.discard(3)
        s.discard(1000)
        s.remove(5)
        return s, len(s), 7 in s, 3 in s, 3 not in s, bool(s), bool(set([1]))
    check(f, np.array([5, 3, 7, 7, 9, 3]))

    @njit
    def g(x):
        s = {1, 2}
        s.remove(x)
        return s
    with pytest.raises(KeyError, match="42"):
        g(42)


def test_literals_and_set_of_iterables(no_leak):
    @njit
    def f(a, lst):
        return {1, 2, 2, 3}, set(a), set(lst), set((4, 4, 5)), set({9, 8}), {(1, 2.5), (1, 2.5), (2, 0.5)}
    check(f, np.array([3, 1, 3]), [2.5, 2.5, 1.0])


def test_operators_and_in_place_forms(no_leak):
    @njit
    def f(a, b):
        s, t = set(a), set(b)
        r = (s | t, s & t, s - t, t - s, s ^ t, s.union(t), s.intersection(t), s.difference(t),
             s.symmetric_difference(t))
        u = set(a)
        u |= t
        v = set(a)
        v &= t
        w = set(a)
        w -= t
        z = set(a)
        z ^= t
        self_diff = set(a)
        self_diff -= self_diff
        c = s.copy()
        c.update(t)
        return r, u, v, w, z, self_diff, c, s
    check(f, np.array([1, 2, 3, 4]), np.array([3, 4, 5]))


def test_pop_clear_iteration(no_leak):
    @njit
    def f():
        s = {5}
        x = s.pop()
        t = {1, 2, 3}
        total = 0
        for v in t:
            total += v
        t.clear()
        return x, len(s), total, len(t)
    check(f)

    @njit
    def empty_pop():
        s = {1}
        s.pop()
        return s.pop()
    with pytest.raises(KeyError, match="pop from an empty set"):
        empty_pop()


def test_reflected_set_changes_are_visible(no_leak):
    @njit
    def f(s):
        s.add(99)
        s.discard(1)
        return len(s)
    s = {1, 2, 3}
    assert f(s) == 3 and s == {2, 3, 99}

    @njit
    def same(s):
        s.add(4)
        return s
    s = {1}
    r = same(s)
    assert r is s and s == {1, 4}

    @njit
    def untouched(s):
        return 2 in s
    s = {1, 2}
    assert untouched(s) and s == {1, 2}


def test_returned_set_is_a_python_set(no_leak):
    @njit
    def f(n):
        s = set()
        for i in range(n):
            s.add(i % 4)
        return s
    r = check(f, 10)
    assert type(r) is set


def test_set_arguments_that_cannot_be_typed_say_why():
    @njit
    def f(s):
        return len(s)
    with pytest.raises(TypeError, match="an empty set"):
        f(set())
    with pytest.raises(TypeError, match="mixed"):
        f({1, "a"})


def test_unsupported_set_forms_name_the_line():
    @njit
    def comp(n):
        return {i for i in range(n)}
    with pytest.raises(jitprofile.UnsupportedError, match=r"test_jit_sets\.py:\d+:\d+.*set comprehension"):
        comp(3)

    @njit
    def bad_item(a):
        s = set()
        s.add(a)
        return s
    with pytest.raises(jitprofile.TypingError, match="a set cannot hold"):
        bad_item(np.zeros(2))


@njit
def _set_replay(ops, keys):
    s = set()
    t = set()
    total = 0
    for i in range(len(ops)):
        k = keys[i]
        op = ops[i]
        if op == 0:
            s.add(k)
        elif op == 1:
            s.discard(k)
        elif op == 2:
            t.add(k)
        elif op == 3:
            if k in s:
                total += 1
        elif op == 4:
            s ^= t
        else:
            t = t - s
    return s, t, total


@pytest.mark.parametrize("seed", range(4))
def test_random_set_operations_match_cpython(seed, no_leak):
    rng = np.random.default_rng(seed)
    n = 5000
    ops = rng.choice(6, n, p=[0.4, 0.25, 0.2, 0.1, 0.03, 0.02])
    keys = rng.integers(-50, 50 * (seed + 1), n)
    assert _set_replay(ops, keys) == _set_replay.py_func(ops, keys)
