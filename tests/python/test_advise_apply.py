"""jitprofile.apply / undo: the suggested function is replaced where it
lives (module globals, or a given namespace such as a notebook's), callers
that look the name up pick the compiled version, undo puts it back."""
import importlib.util
import sys
import textwrap

import numpy as np
import pytest

import jitprofile
from jitprofile import _core

SOURCE = textwrap.dedent('''
    def step(x, n):
        s = 0.0
        for i in range(n):
            s += (x * i) % 7.0
        return s

    def total(a, n):
        t = 0.0
        for i in range(a.shape[0]):
            t += step(a[i], n)
        return t

    def run():
        return total(np.arange(40.0), 3000)

    def fill(a, v):
        for i in range(a.shape[0]):
            a[i] = v * i
        return a.sum()
''')


@pytest.fixture
def mod(tmp_path):
    path = tmp_path / "apply_target.py"
    path.write_text("import numpy as np\n" + SOURCE)
    spec = importlib.util.spec_from_file_location("apply_target", path)
    m = importlib.util.module_from_spec(spec)
    sys.modules["apply_target"] = m
    spec.loader.exec_module(m)
    yield m
    jitprofile.undo()
    del sys.modules["apply_target"]


def need_samples(prof):
    """Sampling-based shares drive the advice: on a Python whose frames the
    sampler cannot read yet (3.12/3.13 until the sampler's fix lands), say so."""
    if sys.version_info >= (3, 12) and not any(r.category == "python" for r in prof.top(50)):
        pytest.skip("the sampler records no Python frames on this Python yet")


def suggestions_for(mod):
    with jitprofile.Profile(args="exact") as prof:
        want = mod.run()
    need_samples(prof)
    return want, {(s.kind, s.function): s for s in jitprofile.advise(prof)}


def test_apply_replaces_in_module_globals_and_undo_restores(mod):
    want, sugs = suggestions_for(mod)
    s = sugs[("jit", "total")]
    orig_total, orig_step = mod.total, mod.step
    speedup = jitprofile.apply(s)
    assert speedup == s.speedup and speedup is not None
    assert isinstance(mod.total, _core.Dispatcher) and isinstance(mod.step, _core.Dispatcher)
    assert mod.total.py_func is orig_total
    assert mod.run() == pytest.approx(want)         # run() looks `total` up: compiled now
    assert mod.total.signatures                     # compiled for the observed signature
    assert jitprofile.applied() == [s]
    assert jitprofile.apply(s) == speedup           # applying twice is a no-op
    assert jitprofile.undo(s) == 1
    assert mod.total is orig_total and mod.step is orig_step
    assert jitprofile.applied() == [] and not s.applied


def test_callee_suggestion_after_its_caller_is_already_in_effect(mod):
    _want, sugs = suggestions_for(mod)
    jitprofile.apply(sugs[("jit", "total")])
    step = sugs[("jit", "step")]
    assert jitprofile.apply(step) == step.speedup   # step was jitted with total
    assert jitprofile.undo() == 2
    assert not isinstance(mod.step, _core.Dispatcher)


def test_apply_in_a_namespace_like_a_notebooks(mod):
    _want, sugs = suggestions_for(mod)
    s = sugs[("jit", "step")]
    original = mod.step
    user_ns = {"step": original}                    # bound in the notebook's namespace
    jitprofile.apply(s, namespace=user_ns)
    assert isinstance(user_ns["step"], _core.Dispatcher)
    assert user_ns["step"](2.5, 10) == pytest.approx(original(2.5, 10))
    jitprofile.undo(s)
    assert user_ns["step"] is original


def test_apply_fails_cleanly_when_the_name_is_gone(mod):
    _want, sugs = suggestions_for(mod)
    s = sugs[("jit", "step")]
    mod.step = lambda x, n: 0.0                     # rebound by the user meanwhile
    with pytest.raises(LookupError):
        jitprofile.apply(s)
    assert jitprofile.applied() == []


def test_measuring_leaves_the_recorded_arrays_alone(mod):
    from jitprofile.advisor import jit_closure, measure
    rec = _core.ArgRecorder()
    rec.record(mod.fill, (np.zeros(8), 2.0))
    (row,) = rec.signatures(mod.fill)
    sample = row["samples"][0]
    disp, callees, err = jit_closure(mod.fill, [row["signature"]])
    assert err is None and callees == {}
    speedup, why_not = measure(mod.fill, disp, [sample])
    assert why_not is None and speedup > 0
    assert not sample[0].any()          # each timed call got its own copy
