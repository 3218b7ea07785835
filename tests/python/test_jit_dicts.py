"""Dicts (issue 11): `DictType[K, V]` built in jit code (literals, dict(), {}
then stores) and numba.typed.Dict shared with Python without a copy.
Results are compared with CPython's own (py_func); hash() with CPython's."""
import math
import re
from collections.abc import Mapping, MutableMapping

import numpy as np
import pytest

import jitprofile
import jitprofile as numba
from jitprofile import _core, njit, types
from jitprofile.typed import Dict


@pytest.fixture
def no_leak():
    before = _core.nrt_stats()[0]
    yield
    assert _core.nrt_stats()[0] == before


def as_py(x):
    """A typed Dict (and tuples of them) as plain Python values, for comparing with CPython."""
    if isinstance(x, Dict):
        return {k: as_py(v) for k, v in x.items()}
    if isinstance(x, tuple):
        return tuple(as_py(v) for v in x)
    return x


def check(f, *args):
    r1, r2 = f(*args), f.py_func(*args)
    assert as_py(r1) == as_py(r2)
    if isinstance(r1, Dict):
        assert list(r1.items()) == list(r2.items())     # insertion order, as CPython
    return r1


# ---- the type language ---------------------------------------------------------------

def test_typeof_spells_as_numba():
    d = Dict.empty(key_type=types.int64, value_type=types.float64)
    assert str(jitprofile.typeof(d)) == "DictType[int64, float64]"
    t = Dict.empty(key_type=jitprofile.typeof((1, 2.0)), value_type=types.int64)
    assert str(jitprofile.typeof(t)) == "DictType[Tuple(int64, float64), int64]"
    assert jitprofile.typeof({1: 2.0}) is None       # no reflected dicts, as in Numba


def test_explicit_signature_with_a_dict():
    @njit("float64(DictType[int64, float64])")
    def total(d):
        s = 0.0
        for k in d:
            s += d[k]
        return s
    d = Dict.empty(key_type=types.int64, value_type=types.float64)
    d[1] = 1.5
    d[2] = 2.0
    assert total(d) == 3.5


# ---- built in jit code -----------------------------------------------------------------

def test_empty_literal_typed_by_first_store(no_leak):
    @njit
    def f(n):
        d = {}
        for i in range(n):
            d[i % 5] = i * 0.5
        return d
    r = check(f, 12)
    assert str(jitprofile.typeof(r)) == "DictType[int64, float64]"


def test_literal_and_dict_builtin(no_leak):
    @njit
    def lit():
        return {1: 2.0, 3: 4.0, 1: 5.0}

    @njit
    def empty():
        d = dict()
        d[2] = 7
        d[1] = 8
        return d
    check(lit)
    check(empty)


def test_getitem_keyerror_names_the_key():
    @njit
    def f(k):
        d = {1: 2.0}
        return d[k]
    assert f(1) == 2.0
    with pytest.raises(KeyError, match="42"):
        f(42)

    @njit
    def g(k):
        d = {(1, 2.5): 1}
        return d[k]
    with pytest.raises(KeyError, match=re.escape("(3, 2.5)")):
        g((3, 2.5))


def test_contains_len_del(no_leak):
    @njit
    def f():
        d = {1: 1.0, 2: 2.0, 3: 3.0}
        del d[2]
        return len(d), 1 in d, 2 in d, 2 not in d, 7 not in d, bool(d), bool({0: 0})
    check(f)

    @njit
    def g(k):
        d = {1: 1.0}
        del d[k]
        return len(d)
    assert g(1) == 0
    with pytest.raises(KeyError, match="5"):
        g(5)


def test_get_pop_setdefault(no_leak):
    @njit
    def f():
        d = {1: 10, 2: 20}
        a = d.get(1, -1)
        b = d.get(9, -1)
        c = d.pop(1)
        e = d.pop(9, 99)
        s1 = d.setdefault(2, 0)
        s2 = d.setdefault(5, 50)
        return a, b, c, e, s1, s2, len(d), d.get(2, 0.5)
    check(f)

    @njit
    def pop_missing():
        d = {1: 10}
        return d.pop(3)
    with pytest.raises(KeyError, match="3"):
        pop_missing()


def test_update_clear_copy_popitem(no_leak):
    @njit
    def f():
        d = {1: 1.0, 2: 2.0}
        e = {2: 20.0, 3: 30.0}
        d.update(e)
        c = d.copy()
        c[9] = 9.0
        last = d.popitem()
        n = len(d)
        e.clear()
        return d, c, e, last, n
    check(f)

    @njit
    def empty_popitem():
        d = {1: 1}
        d.popitem()
        return d.popitem()
    with pytest.raises(KeyError, match="dictionary is empty"):
        empty_popitem()


def test_iteration_order_after_deletes_matches_cpython(no_leak):
    @njit
    def f(n):
        d = {}
        for i in range(n):
            d[(i * 7) % 13] = i
        for i in range(0, n, 3):
            k = (i * 7) % 13
            if k in d:
                del d[k]
        d[100] = -1
        d[(1 * 7) % 13] = 5
        ks = [k for k in d]
        return ks, list(d.keys()), list(d.values()), list(d.items())
    check(f, 13)


def test_items_loop_unpacks(no_leak):
    @njit
    def f():
        d = {1: 2.5, 3: 4.5}
        s = 0.0
        for k, v in d.items():
            s += k * v
        return s
    check(f)


def test_augmented_store(no_leak):
    @njit
    def f(a):
        d = {}
        for x in a:
            if x in d:
                d[x] += 1
            else:
                d[x] = 1
        d[a[0]] *= 10
        return d
    check(f, np.array([3, 1, 3, 2, 3, 1]))


def test_keys_of_every_kind(no_leak):
    @njit
    def floats():
        d = {0.0: 1, 1.5: 2}
        d[-0.0] = 3          # -0.0 == 0.0: the same key, as in CPython
        d[1] = 4             # an int key into a float64-keyed dict: 1 == 1.0
        return d

    @njit
    def bools():
        return {True: 1, False: 0}

    @njit
    def tuples():
        d = {(1, 2.5): 'a' == 'a'}
        d[(2, -1.0)] = False
        return d, (1, 2.5) in d, (1, 2.0) in d

    @njit
    def nested():
        d = {(1, (2, 3.5)): 1.0}
        return d[(1, (2, 3.5))], (1, (2, 3.0)) in d
    check(floats)
    check(bools)
    check(nested)


def test_values_tuples_arrays_lists(no_leak):
    @njit
    def tuples():
        d = {1: (1, 2.5)}
        d[2] = (3, 4.5)
        return d

    @njit
    def arrays(n):
        d = {}
        for i in range(n):
            d[i] = np.arange(i + 1) * 1.0
        d[0] = np.ones(3)
        s = 0.0
        for k in d:
            s += d[k].sum()
        return s, d

    @njit
    def lists():
        d = {}
        d[1] = [1, 2]
        d[1].append(3)
        return len(d[1]), d[1][2]
    check(tuples)
    s, d = arrays(4)
    assert s == arrays.py_func(4)[0]
    assert sorted(d.keys()) == [0, 1, 2, 3]
    np.testing.assert_array_equal(d[3], np.arange(4.0))
    del d
    check(lists)


def test_array_from_python_outlives_the_call(no_leak):
    @njit
    def put(d, a):
        d[1] = a
    d = Dict.empty(key_type=types.int64, value_type=jitprofile.typeof(np.zeros(2)))
    a = np.arange(3.0)
    put(d, a)
    del a
    np.testing.assert_array_equal(d[1], [0.0, 1.0, 2.0])
    del d


# ---- hash() -------------------------------------------------------------------------------

HASHABLE = [0, 1, -1, -2, 7, 2**61 - 2, 2**61 - 1, 2**61, 2**62 + 5, -(2**63), 2**63 - 1,
            0.0, -0.0, 1.0, 1.5, -2.25, 1e300, -1e-300, 5e-324, math.inf, -math.inf, 0.1,
            True, False, (), (1,), (1, 2.5), (True, (3, -4)), ((1, 2), (3.5, -0.0))]


@pytest.mark.parametrize("x", HASHABLE, ids=repr)
def test_hash_matches_cpython(x):
    @njit
    def h(v):
        return hash(v)
    assert h(x) == hash(x)


def test_hash_of_nan_is_stable():
    @njit
    def h(v):
        return hash(v)
    assert h(math.nan) == h(math.nan)


# ---- returned to Python -----------------------------------------------------------------------

def test_returned_dict_is_a_typed_mapping():
    @njit
    def f():
        return {3: 1.5, 1: 2.5}
    d = f()
    assert isinstance(d, Dict) and isinstance(d, Mapping) and isinstance(d, MutableMapping)
    assert dict(d) == {3: 1.5, 1: 2.5}
    assert list(d) == [3, 1] and len(d) == 2 and d[1] == 2.5
    assert repr(d) == "{3: 1.5, 1: 2.5}"
    assert d == {3: 1.5, 1: 2.5}
    d[7] = 0.5
    assert d.pop(3) == 1.5 and list(d.items()) == [(1, 2.5), (7, 0.5)]
    with pytest.raises(KeyError):
        d[99]


# ---- numba.typed.Dict -------------------------------------------------------------------------

def test_typed_dict_shared_both_ways(no_leak):
    @njit
    def bump(d, k):
        d[k] = d.get(k, 0.0) + 1.0
        return d

    d = Dict.empty(key_type=types.int64, value_type=types.float64)
    d[5] = 2.0
    r = bump(d, 5)
    bump(d, 6)
    assert dict(d) == {5: 3.0, 6: 1.0}       # jit code changed the caller's dict
    d[7] = 9.0
    assert bump(d, 7)[7] == 10.0              # and sees Python's changes
    assert r[7] == 10.0                       # the returned dict is the same table
    del d, r


def test_typed_dict_made_in_jit_code(no_leak):
    @njit
    def make():
        d = Dict.empty(key_type=types.int64, value_type=types.float64)
        d[1] = 1
        e = Dict()
        e[2.5] = 3
        return d, e
    d, e = make()
    assert dict(d) == {1: 1.0} and str(jitprofile.typeof(d)) == "DictType[int64, float64]"
    assert dict(e) == {2.5: 3} and str(jitprofile.typeof(e)) == "DictType[float64, int64]"


def test_typed_dict_without_types_takes_them_from_the_first_item():
    d = Dict()
    assert len(d) == 0 and list(d) == []
    d[(1, 2)] = 3.0
    assert str(jitprofile.typeof(d)) == "DictType[UniTuple(int64, 2), float64]"
    with pytest.raises(TypeError, match="keys must be"):
        d[1.5] = 1.0


def test_numba_spelling_under_the_alias():
    from jitprofile.typed import Dict as D2
    assert D2 is numba.typed.Dict
    d = D2.empty(key_type=numba.types.int64, value_type=numba.types.int64)
    d[1] = 2
    assert d.get(1) == 2 and d.get(3) is None and 1 in d and 3 not in d
    assert d.setdefault(4, 5) == 5 and sorted(d.items()) == [(1, 2), (4, 5)]


def test_plain_dict_argument_says_to_use_typed_dict():
    @njit
    def f(d):
        return len(d)
    with pytest.raises(TypeError, match=r"numba\.typed\.Dict"):
        f({1: 2})


def test_profiler_typeof_records_the_dict_type():
    # the argument recorder uses the JIT's typeof: the type it records compiles
    d = Dict.empty(key_type=types.int64, value_type=types.float64)
    t = jitprofile.typeof(d)

    @njit(f"float64({t})")
    def f(x):
        return len(x) * 1.0
    assert f(d) == 0.0


# ---- unsupported neighbours ---------------------------------------------------------------------

def test_dict_comprehension_is_unsupported_with_location():
    @njit
    def f(n):
        return {i: i for i in range(n)}
    with pytest.raises(jitprofile.UnsupportedError, match=r"test_jit_dicts\.py:\d+:\d+.*dict comprehension"):
        f(3)


def test_get_without_default_is_unsupported_with_hint():
    @njit
    def f():
        d = {1: 2}
        return d.get(1)
    with pytest.raises(jitprofile.UnsupportedError, match="give a default"):
        f()


def test_unhashable_key_is_a_typing_error():
    @njit
    def f(a):
        d = {}
        d[a] = 1
        return d
    with pytest.raises(jitprofile.TypingError, match="dict key cannot be a array"):
        f(np.zeros(2))


def test_tuple_target_loop_over_a_list_literal():
    # regression: a temp's null store split the entry block's allocas, and the
    # loop's own slot (made before the temp) was used before its definition
    @njit
    def f(x):
        s = 0.0
        for k, v in [(1, 2.5), (3, 4.5)]:
            s += k * v
        return s
    assert f(1) == f.py_func(1)


def test_types_dicttype_spelling():
    t = numba.types.DictType(numba.types.int64, numba.types.UniTuple(numba.types.float64, 2))
    assert str(t) == "DictType[int64, UniTuple(float64, 2)]"
    assert t.kind == "dict" and isinstance(t, numba.types.DictType)
    assert jitprofile.typeof([1]).kind == "list"       # the kind table covers every kind
    d = Dict.empty(key_type=numba.types.int64, value_type=numba.types.UniTuple(numba.types.float64, 2))
    assert jitprofile.typeof(d) == t


def test_typed_dict_copies_and_pickles():
    import copy
    import pickle
    d = Dict.empty(key_type=types.int64, value_type=types.float64)
    d[1] = 2.0
    for c in (copy.copy(d), copy.deepcopy(d), pickle.loads(pickle.dumps(d)), d.copy()):
        assert isinstance(c, Dict) and dict(c) == {1: 2.0}
        assert jitprofile.typeof(c) == jitprofile.typeof(d)
        c[5] = 1.0
        assert 5 not in d


def test_profiler_records_dict_types_the_advisor_can_compile(tmp_path):
    import importlib.util
    import sys
    path = tmp_path / "dict_target.py"
    path.write_text(
        "def histogram(counts, xs):\n"
        "    for x in xs:\n"
        "        counts[x % 7] = counts.get(x % 7, 0.0) + 1.0\n"
        "    total = 0.0\n"
        "    for k in counts:\n"
        "        total += k * counts[k]\n"
        "    return total\n")
    spec = importlib.util.spec_from_file_location("dict_target", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["dict_target"] = mod
    try:
        spec.loader.exec_module(mod)
        from jitprofile.advisor import jit_closure, measure
        rec = _core.ArgRecorder()
        d = Dict.empty(key_type=types.int64, value_type=types.float64)
        xs = np.arange(100)
        rec.record(mod.histogram, (d, xs))
        (row,) = rec.signatures(mod.histogram)
        assert "DictType[int64, float64]" in row["signature"]
        disp, callees, err = jit_closure(mod.histogram, [row["signature"]])
        assert err is None
        d1, d2 = Dict.empty(key_type=types.int64, value_type=types.float64), Dict.empty(
            key_type=types.int64, value_type=types.float64)
        assert disp(d1, xs) == mod.histogram(d2, xs)
        assert dict(d1) == dict(d2)
        speedup, why_not = measure(mod.histogram, disp, [row["samples"][0]])
        assert why_not is None and speedup > 0
    finally:
        del sys.modules["dict_target"]


def test_string_keys_work_and_list_keys_are_unsupported_with_location():
    @njit
    def f():
        d = {"a": 1}
        return len(d), d["a"]
    # strings are keys now (tests/python/test_jit_dict_strkeys.py has the rest)
    assert f() == (1, 1)

    @njit
    def g():
        d = {[1]: 1}
        return len(d)
    with pytest.raises(jitprofile.TypingError,
                       match=r"test_jit_dicts\.py:\d+:\d+.*a dict key cannot be a list"):
        g()


def test_print_of_a_dict_is_a_typing_error():
    @njit
    def f():
        print({1: 2})
    with pytest.raises(jitprofile.TypingError, match=r"print\(\) of a DictType\[int64, int64\] is not supported"):
        f()


def test_dicts_of_dicts(no_leak):
    @njit
    def f():
        d = {1: {2: 3.0}}
        d[1][5] = 1.0
        d[7] = {0: 0.5}
        return d, len(d[1])
    check(f)


@njit
def _replay(d, ops, keys):
    out = 0
    for i in range(len(ops)):
        k = keys[i]
        op = ops[i]
        if op == 0:
            d[k] = i
        elif op == 1:
            if k in d:
                del d[k]
        elif op == 2:
            out += d.get(k, -1)
        elif op == 3:
            if len(d) > 0:
                kk, vv = d.popitem()
                out += kk + vv
        else:
            out += d.pop(k, 7)
    return out


def _replay_py(d, ops, keys):
    out = 0
    for i in range(len(ops)):
        k, op = int(keys[i]), ops[i]
        if op == 0:
            d[k] = i
        elif op == 1:
            d.pop(k, None)
        elif op == 2:
            out += d.get(k, -1)
        elif op == 3:
            if d:
                kk, vv = d.popitem()
                out += kk + vv
        else:
            out += d.pop(k, 7)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_random_operations_match_cpython_dict(seed, no_leak):
    # many inserts and deletes through growth, dummies and compaction: same
    # results and the same insertion order as CPython's dict
    rng = np.random.default_rng(seed)
    n = 20000
    span = [8, 64, 5000][seed % 3]
    ops = rng.choice(5, n, p=[0.45, 0.25, 0.15, 0.05, 0.10])
    keys = rng.integers(-span, span, n)
    d = Dict.empty(key_type=types.int64, value_type=types.int64)
    ref = {}
    assert _replay(d, ops, keys) == _replay_py(ref, ops, keys)
    assert list(d.items()) == list(ref.items())
    del d


TUPLE_KEY = types.UniTuple(types.int64, 2)
ARRAY_VALUE = types.float64[:]


def test_dict_empty_with_tuple_keys_and_array_values_in_jit_code(no_leak):
    @njit
    def f(n):
        d = Dict.empty(key_type=TUPLE_KEY, value_type=ARRAY_VALUE)
        for i in range(n):
            d[(i, i + 1)] = np.ones(i + 1)
        return d
    d = f(3)
    assert str(jitprofile.typeof(d)) == "DictType[UniTuple(int64, 2), array(float64, 1d, A)]"
    assert [(k, v.tolist()) for k, v in d.items()] == [((0, 1), [1.0]), ((1, 2), [1.0, 1.0]),
                                                      ((2, 3), [1.0, 1.0, 1.0])]
    del d

    @njit
    def not_a_dtype(n):
        return np.zeros(n, TUPLE_KEY)
    with pytest.raises(jitprofile.TypingError, match="expected a dtype, got the type UniTuple"):
        not_a_dtype(2)


def test_untyped_empty_typed_dict_argument_says_what_to_do():
    @njit
    def f(d):
        return len(d)
    with pytest.raises(TypeError, match=r"without key and value types yet.*Dict\.empty"):
        f(Dict())


def test_dicts_sets_and_hash_in_cuda_kernels_are_refused_with_the_line():
    from jitprofile import cuda

    def lit(out):
        d = {1: 2.0}
        out[0] = d[1]

    def builtin(out):
        out[0] = hash(3)

    def a_set(out):
        s = {1, 2}
        out[0] = len(s)

    for kern, what in ((lit, "dicts"), (builtin, "hash"), (a_set, "sets")):
        with pytest.raises(jitprofile.UnsupportedError, match=rf"test_jit_dicts.py:\d+:\d+: .*{what}.*CUDA"):
            cuda.compile_ptx(kern, "void(float64[::1])")


def test_reflected_arguments_cannot_be_kept_in_a_dict():
    # regression: a dict returned with a reflected set argument inside handed
    # back the caller's (possibly freed) set object later
    @njit
    def keep_set(s):
        return {1: s}

    @njit
    def keep_list(lst):
        d = {}
        d[1] = lst
        return d

    @njit
    def keep_copy(s, lst):
        return {1: set(s)}, {1: list(lst)}
    with pytest.raises(jitprofile.TypingError, match=r"cannot keep a reflected set\(int64\) argument(.|\n)*set\(x\)"):
        keep_set({1, 2})
    with pytest.raises(jitprofile.TypingError, match=r"cannot keep a reflected list\(int64\) argument(.|\n)*list\(x\)"):
        keep_list([1, 2])
    a, b = keep_copy({1, 2}, [3])
    assert a[1] == {1, 2} and b[1] == [3]
