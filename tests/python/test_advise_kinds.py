"""The recommendation engine (profiler/recommend.c + jitprofile.advisor):
each kind of suggestion, from a workload made to trigger it."""
import math
import os
import sys

import numpy as np
import pytest

import jitprofile
from jitprofile import _core


# ---- workloads (module level: the JIT reads their source) -----------------

def uses_dict(n):
    d = {k: 0 for k in range(7)}      # a dict comprehension: not in jit code
    s = 0.0
    for i in range(n):
        d[i % 7] = i
        s += d[i % 7] * 0.5
    return s


def uses_dict_loop(n):
    d = {}
    s = 0.0
    for i in range(n):
        d[i % 7] = i
        s += d[i % 7] * 0.5
    return s


def inner(x, n):
    s = 0.0
    for i in range(n):
        s += math.sqrt(x + i)
    return s


def outer(a, n):
    t = 0.0
    for i in range(a.shape[0]):
        t += inner(a[i] * 0.0 + i, n)
    return t


def poly(x):
    return 3.0 * x * x - 2.0 * x + 1.0


def apply_poly(a):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        out[i] = poly(a[i])
    return out


def norm3(v):
    return math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])


def norms(pts):
    out = np.empty(pts.shape[0])
    for i in range(pts.shape[0]):
        out[i] = norm3(pts[i])
    return out


def wobble(x, n):
    s = 0
    for i in range(n):
        s += x * i
    return s


def stream(a, b):
    return (a * b).sum() + (a - b).sum()


def need_samples(prof):
    """Sampling-based shares drive the advice: on a Python whose frames the
    sampler cannot read yet (3.12/3.13 until the sampler's fix lands), say so."""
    if sys.version_info >= (3, 12) and not any(r.category == "python" for r in prof.top(50)):
        pytest.skip("the sampler records no Python frames on this Python yet")


def profiled(work, mode="exact"):
    with jitprofile.Profile(args=mode) as prof:
        work()
    need_samples(prof)
    return prof, jitprofile.advise(prof)


def pick(suggestions, kind, function):
    found = [s for s in suggestions if s.kind == kind and s.function == function]
    assert found, [(s.kind, s.function) for s in suggestions]
    return found[0]


# ---- kinds ----------------------------------------------------------------

def test_jit_for_a_caller_and_its_plain_callee():
    _prof, sugs = profiled(lambda: outer(np.arange(60.0), 4000))  # ~50 ms: a dozen CPU-time ticks even on a loaded box
    # (the lambda that runs the workload is hot and compilable too)
    top = {s.function for s in sugs[:3] if s.kind == "jit" and s.applicable}
    assert {"outer", "inner"} <= top, sugs
    caller = pick(sugs, "jit", "outer")
    assert caller.applicable and caller.signatures == ["(array(float64, 1d, C), int64)"]
    assert set(caller.callees) == {"inner"}         # the code jits the callee too
    assert "@njit\ndef inner(x, n):" in caller.code and "@njit\ndef outer(a, n):" in caller.code
    assert caller.speedup is not None and caller.speedup > 0
    callee = pick(sugs, "jit", "inner")
    assert callee.signatures == ["(float64, int64)"]
    d = caller.to_dict()
    for key in ("function", "file", "line", "kind", "code", "signatures", "share", "speedup"):
        assert key in d
    assert d["file"] == __file__ and d["line"] == outer.__code__.co_firstlineno
    # `profiled` was running before recording began: no signature, not applicable
    runner = [s for s in sugs if s.function == "profiled"]
    assert all(not s.applicable and "no call of it was recorded" in s.reason for s in runner)


def test_hot_function_with_a_dict_names_the_line_and_is_not_applicable():
    _prof, sugs = profiled(lambda: uses_dict(150000))
    s = pick(sugs, "jit", "uses_dict")
    assert not s.applicable and s.speedup is None
    assert s.reason_line == uses_dict.__code__.co_firstlineno + 1     # `d = {k: 0 for ...}`
    assert "dict" in s.reason and f":{s.reason_line}:" in s.reason
    with pytest.raises(ValueError, match="cannot be compiled"):
        jitprofile.apply(s)


def test_hot_function_with_a_dict_built_in_a_loop_is_applicable():
    # dicts compile (issue 11): the advisor applies @jit to a function building one
    _prof, sugs = profiled(lambda: uses_dict_loop(150000))
    s = pick(sugs, "jit", "uses_dict_loop")
    assert s.applicable, s.reason


def test_vectorize_for_a_scalar_function_in_an_elementwise_loop():
    a = np.random.rand(60000)
    for _attempt in range(3):       # poly's sampled share must pass the 5 % threshold
        _prof, sugs = profiled(lambda: [apply_poly(a) for _ in range(2)])
        if any(s.kind == "vectorize" for s in sugs):
            break
    s = pick(sugs, "vectorize", "poly")
    assert s.detail == "cpu"                        # 60000 elements: not 'parallel'
    assert "vectorize(['float64(float64)'], target='cpu')" in s.code
    if hasattr(jitprofile, "vectorize"):
        assert s.speedup is not None
    else:
        assert s.reason.startswith("vectorize not available") and s.speedup is None
    with pytest.raises(ValueError, match="only 'jit'"):
        jitprofile.apply(s)


def test_batch_for_many_calls_on_tiny_arrays():
    _prof, sugs = profiled(lambda: norms(np.random.rand(30000, 3)))
    s = pick(sugs, "batch", "norm3")
    assert "def norm3_batch(vs):" in s.code
    assert s.speedup is not None and s.speedup > 0  # measured: stacked call vs the loop
    assert not any(x.kind == "vectorize" and x.function == "norm3" for x in sugs)


def test_type_unstable_when_several_signatures():
    def work():
        for i in range(400):
            wobble(i, 300)
            wobble(float(i), 300)
    _prof, sugs = profiled(work)
    s = pick(sugs, "type-unstable", "wobble")
    assert sorted(s.signatures) == ["(float64, int64)", "(int64, int64)"]
    assert "2 different signatures" in s.why and not s.applicable
    jit = pick(sugs, "jit", "wobble")               # compiled for both signatures
    assert jit.applicable and len(jit.signatures) == 2


def test_float32_advice_for_large_float64_arrays_and_gpu_only_with_a_gpu():
    a, b = np.random.rand(300000), np.random.rand(300000)

    def work():
        for _ in range(60):
            stream(a, b)
    _prof, sugs = profiled(work)
    s = pick(sugs, "advice", "stream")
    assert s.detail == "float32" and not s.applicable and "halves" in s.why
    gpu = [x for x in sugs if x.kind == "advice" and x.detail == "gpu"]
    has_gpu = any(os.path.exists(p) for p in ("/dev/nvidia0", "/dev/nvidiactl", "/dev/kfd"))
    assert not gpu or has_gpu
    slow = pick(sugs, "jit", "stream")              # NumPy does the work: jit is slower
    if slow.speedup is not None and slow.speedup < 1:
        assert not slow.applicable and "slower" in slow.reason


def test_engine_thresholds_and_ranking_in_c():
    th = _core.advise_thresholds
    cold = _core.advise_classify({"total_share": th["hot_share"] / 2})
    assert cold == []
    kinds = _core.advise_classify({"total_share": 0.5, "calls": 5000, "scalar_only": True,
                                   "elementwise": True, "signatures": 2,
                                   "loop_elements": th["parallel_elements"]})
    assert ("vectorize", "parallel") in kinds and ("type-unstable", "") in kinds
    ranked = _core.advise_rank([
        {"kind": "jit", "function": "a", "total_share": 0.9, "applicable": False},
        {"kind": "jit", "function": "b", "total_share": 0.5, "applicable": True, "speedup": 20.0},
        {"kind": "advice", "detail": "float32", "function": "c", "total_share": 0.9},
    ])
    assert [r[0] for r in ranked] == [1, 0, 2]
    assert ranked[0][1] == pytest.approx(0.5 * (1 - 1 / 20))
