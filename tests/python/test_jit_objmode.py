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
        d[str(i)] = [i] * i
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


def objmode_block(a):
    s = 0.0
    with objmode(s="float64"):  # OBJMODE_LINE
        s = float(np.sum(a))
    return s


def test_objmode_block_in_jit_code_is_a_clear_error():
    f = njit(objmode_block)
    with pytest.raises(UnsupportedError) as ei:
        f(np.ones(3))
    msg = str(ei.value)
    line = line_of(__file__, "OBJMODE_LINE")
    assert f"test_jit_objmode.py:{line}:" in msg
    assert "objmode" in msg
    assert "forceobj=True" in msg            # what to write instead
