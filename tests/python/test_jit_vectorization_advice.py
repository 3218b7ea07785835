"""Issue 20, the profiler's side: hot loops joined with their vectorization
state (Profile.text, vectorization.hot_loops, `python -m jitprofile advise`)
and the loop advice measured on the call's own arguments, applied and undone."""
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import jitprofile
from jitprofile import njit, Profile
from jitprofile.advise_loops import advise_loops
from jitprofile import vectorization


@njit
def fsum(x):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i]
    return acc


@njit
def scale(x, out):
    for i in range(x.shape[0]):
        out[i] = x[i] * 3.0


@njit(boundscheck=True)
def axpy(a, x, y, out):
    for i in range(x.shape[0]):
        out[i] = a * x[i] + y[i]


def line_in(disp, text):
    """The file line of the first line of disp's source holding text."""
    import inspect
    lines, start = inspect.getsourcelines(disp.py_func)
    return start + next(i for i, ln in enumerate(lines) if text in ln)


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(1).random(200_000)


def test_fastmath_needs_a_stated_tolerance(x):
    (s,) = [s for s in advise_loops(fsum, (x,)) if s.detail == "fastmath"]
    assert s.kind == "loop" and not s.applicable
    assert "fp_tolerance" in s.reason
    assert 0.0 < s.max_rel_diff < 1e-9          # a reordered sum of 2e5 values in [0, 1)
    assert f"{s.max_rel_diff:.3g}" in s.why
    assert s.speedup is not None and s.speedup > 0
    assert s.reason_line == line_in(fsum, "for i in")
    with pytest.raises(ValueError, match="fp_tolerance"):
        jitprofile.apply(s, namespace=globals())


def test_fastmath_applied_and_undone(x):
    (s,) = [s for s in advise_loops(fsum, (x,), fp_tolerance=1e-9) if s.detail == "fastmath"]
    assert s.applicable
    original = fsum
    jitprofile.apply(s, namespace=globals())
    try:
        assert globals()["fsum"] is s.replacement
        assert globals()["fsum"].targetoptions["fastmath"] is True
        assert globals()["fsum"](x) == pytest.approx(x.sum(), rel=1e-9)
        (row,) = globals()["fsum"].inspect_vectorization()
        assert row.vectorized               # what the advice promised
    finally:
        assert jitprofile.undo(s) == 1
    assert globals()["fsum"] is original


def test_tolerance_smaller_than_the_difference_is_refused(x):
    (s,) = [s for s in advise_loops(fsum, (x,), fp_tolerance=1e-30) if s.detail == "fastmath"]
    assert not s.applicable and "more than fp_tolerance" in s.reason


def test_contiguous_copy_for_a_strided_argument(x):
    out = np.empty(x.shape[0] // 2)
    sug = advise_loops(scale, (x[::2], out))
    (s,) = [s for s in sug if s.detail == "contiguous"]
    assert "np.ascontiguousarray(x)" in s.code and s.speedup > 0
    assert s.max_rel_diff == 0.0
    with pytest.raises(ValueError, match="by hand"):
        jitprofile.apply(s)


def test_boundscheck_and_float32(x):
    sug = {s.detail: s for s in advise_loops(axpy, (2.0, x, x, np.empty_like(x)))}
    assert sug["boundscheck"].max_rel_diff == 0.0 and sug["boundscheck"].speedup > 0
    if "float32" in sug:                        # offered only where it measured faster
        f = sug["float32"]
        assert not f.applicable and "not exact in float32" in f.reason
        assert "x = x.astype(np.float32)" in f.code


def test_hot_loops_in_the_profile(x):
    out = np.empty_like(x)
    big = np.random.default_rng(2).random(2_000_000)
    fsum(big)
    scale(big, np.empty_like(big))
    p = Profile(hz=1000)
    p.start()
    for _ in range(40):
        fsum(big)
        scale(big, np.empty_like(big))
    p.stop()
    hot = {h.function: h for h in vectorization.hot_loops(p)}
    if not hot:
        pytest.skip("the sampler recorded no samples in jitted code here")
    assert hot["fsum"].line == line_in(fsum, "for i in")
    assert hot["fsum"].state.startswith("scalar: a floating-point reduction on `acc`")
    assert hot["scale"].state.startswith("vectorized x")
    text = p.text()
    assert "Loops in jitted code" in text and "fastmath=True" in text
    del out


SCRIPT = textwrap.dedent('''\
    import numpy as np
    from jitprofile import njit

    @njit
    def total(x):
        acc = 0.0
        for i in range(x.shape[0]):
            acc += x[i]
        return acc

    x = np.random.rand(2_000_000)
    t = 0.0
    for _ in range(60):
        t += total(x)
    print(t > 0)
''')


def test_advise_cli_lists_the_hot_loops(tmp_path):
    script = tmp_path / "loops.py"
    script.write_text(SCRIPT)
    r = subprocess.run([sys.executable, "-m", "jitprofile", "advise", "--json", str(script)],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    if not report["loops"]:
        pytest.skip("the sampler recorded no samples in jitted code here")
    (loop,) = report["loops"]
    assert (loop["file"], loop["line"], loop["function"]) == (str(script), 7, "total")
    assert loop["source"] == "for i in range(x.shape[0]):"
    assert loop["reasons"][0]["kind"] == "fp-reduction" and loop["reasons"][0]["name"] == "acc"
    r = subprocess.run([sys.executable, "-m", "jitprofile", "advise", str(script)],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert "loops of hot jitted functions" in r.stdout
    assert "loops.py:7 in total" in r.stdout and "scalar: a floating-point reduction" in r.stdout
