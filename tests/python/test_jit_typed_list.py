"""numba.typed.List (issue 11, "Containers: typed.List"): built in Python and
in jit code, shared with jit code without copies (mutations visible both
ways), returned to Python as a List, typed ListType[T] by typeof (so the
argument profiler records what the JIT compiles).  Results are compared
with CPython's list."""
import importlib.util
import sys

import numpy as np
import pytest

import jitprofile as numba
from jitprofile import _core, njit, types
from jitprofile.typed import List


@pytest.fixture
def no_leak():
    before = _core.nrt_stats()[0]
    yield
    assert _core.nrt_stats()[0] == before


def test_import_under_the_numba_alias():
    from jitprofile.typed import List as L2
    assert L2 is List
    assert numba.typed.List is List


def test_type_spelling_is_numbas():
    assert str(numba.typeof(List([1, 2, 3]))) == "ListType[int64]"
    assert str(numba.typeof(List([1.5]))) == "ListType[float64]"
    assert types.ListType(types.int64) is _core.Type("ListType[int64]")
    assert isinstance(numba.typeof(List([1])), types.ListType)
    assert numba.typeof(List()) is None            # untyped until its first item


def test_python_side_operations_match_list(no_leak):
    ref = [5, 1, 4]
    tl = List(ref)
    for op in (lambda l: l.append(7), lambda l: l.insert(1, 9), lambda l: l.extend([2, 8]),
               lambda l: l.__setitem__(0, -3), lambda l: l.sort(), lambda l: l.reverse(),
               lambda l: l.remove(9), lambda l: l.sort(reverse=True)):
        op(ref)
        op(tl)
        assert list(tl) == ref
    assert tl.pop() == ref.pop()
    assert tl.pop(0) == ref.pop(0)
    assert len(tl) == len(ref)
    assert tl[1] == ref[1] and tl[-1] == ref[-1]
    assert (4 in tl) == (4 in ref) and (99 in tl) is False
    assert tl.index(ref[1]) == ref.index(ref[1]) and tl.count(4) == ref.count(4)
    assert list(tl[1:]) == ref[1:]
    assert tl == ref
    assert repr(List([1, 2])) == "ListType[int64]([1, 2])"
    with pytest.raises(IndexError):
        tl[100]
    with pytest.raises(IndexError):
        List().pop()
    del tl


def test_empty_list_with_a_type(no_leak):
    e = List.empty_list(types.float64)
    assert len(e) == 0 and str(numba.typeof(e)) == "ListType[float64]"
    e.append(2)                    # converted to the item type, as Numba
    assert list(e) == [2.0] and type(e[0]) is float


@njit
def mutate(lst):
    lst.append(100)
    lst[0] = -1
    s = 0
    for v in lst:
        s += v
    return s, len(lst)


def test_passed_into_jit_without_copy(no_leak):
    tl = List([1, 2, 3])
    assert mutate(tl) == (104, 4)
    assert list(tl) == [-1, 2, 3, 100]          # jit's mutations are the caller's list
    tl.append(5)                                # and Python's are jit's
    assert mutate(tl) == (209, 6)
    assert mutate.py_func(List([1, 2, 3])) == (104, 4)
    del tl


@njit
def build(n):
    r = List()
    for i in range(n):
        r.append(i * 1.5)
    return r


@njit
def build_sorted(n):
    r = List.empty_list(types.int64)
    for i in range(n):
        r.append((i * 7) % n)
    r.sort()
    r.insert(0, -1)
    r.pop()
    return r


def test_built_in_jit_returned_as_typed_list(no_leak):
    r = build(4)
    assert isinstance(r, List) and str(numba.typeof(r)) == "ListType[float64]"
    assert list(r) == list(build.py_func(4)) == [0.0, 1.5, 3.0, 4.5]
    s = build_sorted(5)
    assert list(s) == list(build_sorted.py_func(5)) == [-1, 0, 1, 2, 3]
    assert mutate(s) == mutate.py_func(List([-1, 0, 1, 2, 3]))
    del r, s


@njit
def pass_through(lst):
    return lst


def test_returned_argument_is_the_same_list(no_leak):
    tl = List([1.0])
    r = pass_through(tl)
    r.append(2.0)
    assert list(tl) == [1.0, 2.0]
    del tl, r


def test_wrong_item_type_is_a_type_error():
    tl = List([1, 2])
    with pytest.raises(TypeError):
        tl.append("x")


def test_profiler_records_list_type_the_advisor_can_compile(tmp_path):
    path = tmp_path / "typed_list_target.py"
    path.write_text(
        "def total(xs, scale):\n"
        "    s = 0.0\n"
        "    for i in range(len(xs)):\n"
        "        s += xs[i] * scale\n"
        "    xs.append(s)\n"
        "    return s\n")
    spec = importlib.util.spec_from_file_location("typed_list_target", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["typed_list_target"] = mod
    try:
        spec.loader.exec_module(mod)
        from jitprofile.advisor import jit_closure
        rec = _core.ArgRecorder()
        xs = List([float(i) for i in range(20)])
        rec.record(mod.total, (xs, 0.5))
        (row,) = rec.signatures(mod.total)
        assert "ListType[float64]" in row["signature"]
        disp, callees, err = jit_closure(mod.total, [row["signature"]])
        assert err is None
        a, b = List([1.0, 2.0]), List([1.0, 2.0])
        assert disp(a, 2.0) == mod.total(b, 2.0) == 6.0
        assert list(a) == list(b) == [1.0, 2.0, 6.0]
    finally:
        del sys.modules["typed_list_target"]


@njit
def sum_and_grow(lst):
    s = 0.0
    for a in lst:
        s += a.sum()
    lst.append(np.full(2, 5.0))
    return s


def test_list_of_arrays_from_python_owns_them(no_leak):
    # the arrays given by Python are adopted by the list, which outlives the
    # call that stored them (the literal list below is gone at once)
    tl = List([np.zeros(3), np.ones(2)])
    assert str(numba.typeof(tl)) == "ListType[array(float64, 1d, C)]"
    np.testing.assert_array_equal(tl[1], np.ones(2))
    assert sum_and_grow(tl) == 2.0 and len(tl) == 3
    np.testing.assert_array_equal(tl[2], np.full(2, 5.0))
    tl.append(np.arange(3.0))
    assert sum_and_grow(tl) == 15.0
    del tl


def test_list_of_tuples():
    tl = List([(1, 2.0), (3, 4.0)])
    assert str(numba.typeof(tl)) == "ListType[Tuple(int64, float64)]"
    assert list(tl) == [(1, 2.0), (3, 4.0)]
    tl.sort(reverse=True)
    assert tl[0] == (3, 4.0)
