"""Object mode (issue 11): @jit(forceobj=True), @jit(nopython=False) with its
fallback, looplift, and `with objmode(...)` blocks inside jit code."""
import warnings

import numpy as np
import pytest

import jitprofile
from jitprofile import jit, njit, objmode, UnsupportedError, TypingError
from jitprofile.errors import NumbaWarning, ObjectModeWarning

from conftest import line_of


def uses_python_objects(n):
    d = {}
    for i in range(n):
        d[frozenset((i,))] = [i] * i      # frozenset keys (string keys compile now)
    return sum(len(v) for v in d.values())


def test_forceobj_runs_python_and_warns_once():
    f = jit(forceobj=True)(uses_python_objects)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert f(10) == uses_python_objects(10)
        assert f(5) == uses_python_objects(5)
    objw = [x for x in w if issubclass(x.category, ObjectModeWarning)]
    assert len(objw) == 1
    assert issubclass(ObjectModeWarning, NumbaWarning)
    assert "uses_python_objects" in str(objw[0].message)
    assert "forceobj" in str(objw[0].message)
    assert f.py_func is uses_python_objects
    assert f.__name__ == "uses_python_objects"


def test_forceobj_decorating_does_not_break_import():
    # a module with one forceobj function imports: decoration neither raises nor warns
    with warnings.catch_warnings():
        warnings.simplefilter("error")

        @jit(forceobj=True, looplift=True)
        def g(x):
            return {"a": x}["a"]

        @jit(nopython=False, looplift=False)
        def h(x):
            return x + 1
    with pytest.warns(ObjectModeWarning):
        assert g(3) == 3
    assert h(2) == 3


def test_nopython_false_compiles_when_it_can():
    @jit(nopython=False)
    def add(a, b):
        return a + b

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert add(2, 3) == 5
        assert add(2.5, 1.0) == 3.5
    assert len(add.signatures) == 2


def test_nopython_false_falls_back_with_warning():
    f = jit(nopython=False)(uses_python_objects)
    with pytest.warns(ObjectModeWarning, match="compilation failed"):
        assert f(7) == uses_python_objects(7)
    # the failing types are remembered: no second warning, same answers
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert f(8) == uses_python_objects(8)


def test_nopython_false_eager_signature_falls_back():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = jit("int64(int64)", nopython=False)(uses_python_objects)
    with pytest.warns(ObjectModeWarning):
        assert f(4) == uses_python_objects(4)


def test_runtime_errors_are_not_swallowed_by_fallback():
    @jit(nopython=False)
    def div(a, b):
        return a // b

    with pytest.raises(ZeroDivisionError):
        div(1, 0)
    assert div(7, 2) == 3


def test_plain_jit_stays_nopython():
    @jit
    def f(n):
        return uses_python_objects(n)

    with pytest.raises(TypingError):
        f(3)


def test_forceobj_method_binding_and_numpy():
    f = jit(forceobj=True)(lambda a: a.tolist())
    with pytest.warns(ObjectModeWarning):
        assert f(np.arange(3)) == [0, 1, 2]


def test_objmode_is_noop_context_in_python():
    with objmode(x="float64[:]"):
        x = 1
    assert x == 1
    assert jitprofile.objmode is objmode


def test_disable_jit_leaves_objmode_block_running(monkeypatch):
    monkeypatch.setattr(jitprofile.config, "DISABLE_JIT", 1)

    @njit
    def f(a):
        with objmode(y="float64"):
            y = float(np.sum(a))
        return y

    assert f(np.ones(3)) == 3.0


def py_sorted_desc(a):
    return np.sort(a)[::-1].copy()


def objmode_block(a, k):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
    with objmode(b="float64[:]", t="float64"):
        b = py_sorted_desc(a) * k        # any Python: a function jit code cannot compile
        t = float(len(str(s)))
    return b.sum() + t, b


def test_objmode_block_runs_python_and_converts_outputs():
    f = njit(objmode_block)
    a = np.array([3.0, 1.0, 2.0])
    got = f(a, 2)
    want = objmode_block(a, 2)
    assert got[0] == want[0]
    assert np.array_equal(got[1], want[1])


def test_objmode_outputs_of_many_types():
    from jitprofile import types

    @njit
    def f(n):
        with objmode(i="int64", x=types.float64, z="complex128", t="UniTuple(float64, 2)",
                     m="int32[:, ::1]", flag="bool"):
            i = int(sum(range(n)))
            x = n / 3
            z = complex(n, -n)
            t = (1.5, float(n))
            m = np.arange(6, dtype=np.int32).reshape(2, 3)
            flag = n > 2
        return i, x, z, t, m.sum(), flag

    assert f(4) == (6, 4 / 3, complex(4, -4), (1.5, 4.0), 15, True)


def test_objmode_int_output_accepts_numpy_int_and_float_accepts_int():
    @njit
    def f(a):
        with objmode(n="int64", x="float64"):
            n = np.int64(a.size)        # a NumPy integer
            x = 7                       # an int where float64 is declared: converts
        return n + x

    assert f(np.zeros(5)) == 12.0


def test_objmode_output_type_mismatch_raises_type_error():
    @njit
    def f(x):
        with objmode(y="int64"):
            y = x * 2.5
        return y

    with pytest.raises(TypeError, match="objmode output 'y' was declared int64 but the block produced float64"):
        f(3)

    @njit
    def g(n):
        with objmode(a="float64[:]"):
            a = np.arange(n)            # int64, not float64
        return a.sum()

    with pytest.raises(TypeError, match=r"declared array\(float64, 1d, A\)"):
        g(3)

    @njit
    def h(n):
        with objmode(a="float64[:, ::1]"):
            a = np.zeros((n, n)).T      # not C-contiguous
        return a.sum()

    with pytest.raises(TypeError, match="objmode output 'a'"):
        h(3)


def test_objmode_exception_reaches_the_caller_as_itself():
    @njit
    def f(x):
        with objmode(y="int64"):
            y = {}["missing %d" % x]
        return y

    with pytest.raises(KeyError, match="missing 3"):
        f(3)


def test_objmode_in_a_loop_under_nogil_keeps_references_balanced():
    import sys

    @njit(nogil=True)
    def f(a, n):
        acc = 0.0
        for i in range(n):
            with objmode(b="float64[:]", v="float64"):
                b = a + i
                v = float(i) ** 0.5
            acc += b.sum() + v
        return acc

    a = np.ones(10)
    before = sys.getrefcount(a)
    assert f(a, 50) == sum((a + i).sum() + float(i) ** 0.5 for i in range(50))
    assert sys.getrefcount(a) == before


def returns_in_block(x):
    with objmode(y="float64"):  # RETURN_BLOCK_LINE
        y = x
        return y
    return y


def test_objmode_block_with_return_is_a_clear_error():
    with pytest.raises(UnsupportedError) as ei:
        njit(returns_in_block)(1.0)
    msg = str(ei.value)
    assert f"test_jit_objmode.py:{line_of(__file__, 'RETURN_BLOCK_LINE')}:" in msg
    assert "return after the block" in msg


def bad_type_spelling(x):
    with objmode(y="float65"):  # BAD_TYPE_LINE
        y = x
    return y


def test_objmode_bad_type_is_a_typing_error():
    with pytest.raises(TypingError) as ei:
        njit(bad_type_spelling)(1.0)
    msg = str(ei.value)
    assert f"test_jit_objmode.py:{line_of(__file__, 'BAD_TYPE_LINE')}:" in msg
    assert "float65" in msg


@jit(forceobj=True)
def objmode_function(x):
    return x + 1


def calls_objmode_function(x):
    return objmode_function(x)  # CALLS_OBJ_LINE


def test_calling_an_object_mode_function_from_jit_code_says_what_to_do():
    with pytest.raises(TypingError) as ei:
        njit(calls_objmode_function)(1)
    msg = str(ei.value)
    assert f"test_jit_objmode.py:{line_of(__file__, 'CALLS_OBJ_LINE')}:" in msg
    assert "with objmode(...)" in msg


def test_objmode_block_calling_an_object_mode_function():
    @njit
    def f(x):
        with objmode(y="int64"):
            y = objmode_function(x)
        return y

    with pytest.warns(ObjectModeWarning):
        assert f(1) == 2


def _cached_with_objmode(x):
    with objmode(y='float64'):
        y = float(np.sqrt(x))
    return y + 1.0


def test_cache_true_with_an_objmode_block_compiles_and_runs():
    # docs/conformance.md: compiles; the block is a process object, so the code is not stored on disk
    f = njit(cache=True)(_cached_with_objmode)
    assert f(4.0) == 3.0
    assert f(9.0) == 4.0


# a block that reads an output it has just set: the output is the block's own
# value, not an input from jit code (was UnboundLocalError on `a`)

def _reads_its_own_output(x):
    with objmode(a='int64', b='int64'):
        a = x + 1
        b = a + 1
    return a, b


def _updates_a_value_from_jit_code(x):
    a = x * 10
    with objmode(a='int64', b='int64'):
        a = a + 1           # read before set: an input
        b = a * 2
    return a, b


def _sets_in_a_branch_then_reads(x):
    c = 7
    with objmode(c='int64', d='int64'):
        if x > 0:
            c = x
        d = c + 1           # c may be jit code's: still an input
    return c, d


def test_objmode_block_reads_an_output_it_set():
    assert njit(_reads_its_own_output)(1) == _reads_its_own_output(1) == (2, 3)
    assert njit(_updates_a_value_from_jit_code)(2) == _updates_a_value_from_jit_code(2) == (21, 42)
    f = njit(_sets_in_a_branch_then_reads)
    assert f(5) == _sets_in_a_branch_then_reads(5) == (5, 6)
    assert f(-1) == _sets_in_a_branch_then_reads(-1) == (7, 8)
