"""Strings as dict keys and set items (issue 11): the word count, typed Dicts
with unicode_type keys shared with Python, tuples holding strings as keys,
sets of strings.  Results are compared with CPython's own (py_func); every
test checks that the key strings the tables hold are released (NRT live
count back where it started)."""
import pytest

import jitprofile
from jitprofile import _core, njit, types
from jitprofile.typed import Dict

WORDS = ("the quick brown fox jumps over the lazy dog and the dog sleeps "
         "ünïcödé 文字 😀 the fox").split()


@pytest.fixture(autouse=True)
def no_leak():
    before = _core.nrt_stats()[0]
    yield
    assert _core.nrt_stats()[0] == before


def as_py(x):
    if isinstance(x, Dict):
        return {k: as_py(v) for k, v in x.items()}
    if isinstance(x, tuple):
        return tuple(as_py(v) for v in x)
    if isinstance(x, list):
        return [as_py(v) for v in x]
    return x


@njit
def count(words):
    d = {}
    for w in words:
        d[w] = d.get(w, 0) + 1
    return d


def test_word_count_matches_cpython():
    r = count(WORDS)
    assert isinstance(r, Dict)
    assert as_py(r) == count.py_func(WORDS)
    assert list(r.keys()) == list(count.py_func(WORDS).keys())     # insertion order
    del r


def test_word_count_of_words_built_in_jit_code():
    @njit
    def f(text):
        d = {}
        for w in text.split():
            w = w.lower()
            if w in d:
                d[w] += 1
            else:
                d[w] = 1
        return d
    text = "A a b B c a " * 50 + " ünï Ünï"
    assert as_py(f(text)) == f.py_func(text)


def test_literal_keys_subscript_del_and_overwrite():
    @njit
    def f():
        d = {"a": 1, "b": 2, "c": 3}
        d["a"] += 10
        d["b"] = 20                   # overwrite: the old key stays, the new one is not kept
        del d["c"]
        d["x" + "y"] = 7
        return d["a"], d["b"], len(d), "c" in d, "xy" in d, d.get("zz", -1)
    assert f() == f.py_func()


def test_keyerror_names_the_string():
    @njit
    def f(k):
        d = {"a": 1}
        return d[k]
    with pytest.raises(KeyError) as ei:
        f("missing")
    assert ei.value.args == ("missing",)


def test_iteration_keys_values_items_give_strings_back():
    @njit
    def f(words):
        d = count(words)
        out = []
        for k in d:
            out.append(k + "!")
        ks = d.keys()
        its = d.items()
        total = 0
        for k, v in d.items():
            total += len(k) * v
        return out, ks, its, total
    assert as_py(f(WORDS)) == as_py(f.py_func(WORDS))


def test_pop_popitem_setdefault_copy_update_clear():
    @njit
    def f(words):
        d = count(words)
        a = d.pop("the")
        b = d.pop("nope", -1)
        k, v = d.popitem()
        e = d.copy()
        e.setdefault("new", 99)
        e.setdefault("fox", 99)
        g = {"zz": 1}
        g.update(e)
        n = len(g)
        d.clear()
        return a, b, k, v, len(d), e["new"], e["fox"], n, g
    assert as_py(f(WORDS)) == as_py(f.py_func(WORDS))


def test_tuples_holding_strings_as_keys():
    @njit
    def f(words):
        d = {}
        for i in range(len(words) - 1):
            key = (words[i], words[i + 1])
            d[key] = d.get(key, 0) + 1
        best = ("", "")
        n = 0
        for k, v in d.items():
            if v > n:
                best, n = k, v
        m = {(1, "a"): 1.5}
        return best, n, len(d), m[(1, "a")], (words[0], words[1]) in d
    assert f(WORDS) == f.py_func(WORDS)


def test_hash_of_strings_is_by_content_and_stable():
    @njit
    def f(a, b):
        return hash(a) == hash(b), hash(a), hash((a, 1)) == hash((b, 1))
    same, h1, tup = f("abc", "ab" + "c")
    assert same and tup
    assert f("abc", "abd")[0] is False
    assert f("abc", "x")[1] == h1        # consistent within the process


def test_typed_dict_with_str_keys_from_python():
    d = Dict.empty(key_type=types.unicode_type, value_type=types.int64)
    d["a"] = 1
    d["b"] = 2
    d["a"] = 3
    assert d["a"] == 3 and "b" in d and "z" not in d and len(d) == 2
    del d["b"]
    with pytest.raises(KeyError):
        d["b"]

    @njit
    def add(d, words):
        for w in words:
            d[w] = d.get(w, 0) + 1
        return d

    r = add(d, ["a", "x", "x", "ü"])
    assert r is not None
    assert dict(d.items()) == {"a": 4, "x": 2, "ü": 1}      # the same table: mutations visible
    assert dict(r.items()) == dict(d.items())
    assert list(d) == ["a", "x", "ü"]
    e = d.copy()
    e["q"] = 5
    assert "q" not in d
    del d, r, e


def test_typed_dict_with_str_values_and_tuple_keys_from_python():
    d = Dict.empty(key_type=types.UniTuple(types.unicode_type, 2), value_type=types.unicode_type)
    d[("a", "b")] = "ab"
    d[("c", "d")] = "cd"

    @njit
    def f(d):
        d[("e", "f")] = d[("a", "b")] + d[("c", "d")]
        return len(d)

    assert f(d) == 3
    assert dict(d.items()) == {("a", "b"): "ab", ("c", "d"): "cd", ("e", "f"): "abcd"}
    del d


def test_sets_of_strings():
    @njit
    def f(words):
        s = set(words)
        t = {"fox", "cat"}
        s.add("extra")
        s.discard("the")
        n = 0
        for w in s:
            n += len(w)
        return len(s), "fox" in s, "the" in s, sorted([x for x in s & t]), sorted([x for x in t - s]), len(s | t), len(s ^ t), n
    assert f(WORDS) == f.py_func(WORDS)


def test_set_of_strings_pop_and_remove():
    @njit
    def f():
        s = {"a" + "b"}
        x = s.pop()
        s.add(x)
        s.remove("ab")
        return x, len(s)
    assert f() == f.py_func()


def test_set_of_strings_passed_in_and_returned():
    @njit
    def f(s, w):
        s.add(w)
        return set(["p", "q"])
    s = {"a", "b"}
    r = f(s, "c")
    assert s == {"a", "b", "c"}          # reflected, as Numba's reflected sets
    assert r == {"p", "q"}


def test_array_keys_are_still_unsupported_with_location():
    import numpy as np

    @njit
    def f(a):
        d = {a: 1}
        return len(d)
    with pytest.raises(jitprofile.TypingError,
                       match=r"test_jit_dict_strkeys\.py:\d+:\d+.*a dict key cannot be a"):
        f(np.zeros(3))


def test_typed_dict_popitem_in_python_is_lifo_like_dict():
    # MutableMapping.popitem pops the first item; dict's (and jit code's) the last
    d = Dict.empty(key_type=types.unicode_type, value_type=types.int64)
    ref = {}
    for i, w in enumerate(["a", "b", "c"]):
        d[w] = ref[w] = i
    assert d.popitem() == ref.popitem() == ("c", 2)
    assert dict(d.items()) == ref
    d.clear()
    with pytest.raises(KeyError):
        d.popitem()
    del d


def test_many_string_keys_grow_delete_and_reinsert_without_leaks():
    @njit
    def f(n):
        d = {}
        for i in range(n):
            d["k" + str(i)] = "v" + str(i)          # string values too
        for i in range(0, n, 2):
            del d["k" + str(i)]
        for i in range(0, n, 4):
            d["k" + str(i)] = "again"
        total = 0
        for k, v in d.items():
            total += len(k) + len(v)
        s = set()
        for k in d:
            s.add(k[:2])
        return len(d), total, d["k1"], d["k4"], len(s)
    assert f(5000) == f.py_func(5000)


def test_string_dict_as_a_dict_value_and_a_list_item():
    @njit
    def f(words):
        outer = {}
        for w in words:
            first = w[:1]
            if first not in outer:
                outer[first] = {w: 0}
            inner = outer[first]
            inner[w] = inner.get(w, 0) + 1
        ds = [count(words), count(words[:3])]
        return len(outer), outer["t"]["the"], len(ds[1])
    assert f(WORDS) == f.py_func(WORDS)


def test_dict_empty_with_unicode_keys_in_jit_code_and_untyped_dict_from_python():
    @njit
    def f(words):
        d = Dict.empty(key_type=types.unicode_type, value_type=types.float64)
        for w in words:
            d[w] = d.get(w, 0.0) + 0.5
        return d
    assert dict(f(["x", "y", "x"]).items()) == {"x": 1.0, "y": 0.5}

    d = Dict()                  # the types come from the first item
    d["a"] = 1
    d["b"] = 2
    assert str(d._dict_type) == "DictType[unicode_type, int64]"

    @njit
    def g(d):
        v = d.pop("a")
        return v + d.get("zz", 100)
    assert g(d) == 101
    assert dict(d.items()) == {"b": 2}
    del d
