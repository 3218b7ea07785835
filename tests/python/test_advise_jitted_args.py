"""Issue 20: the argument recorder keeps sample arguments of jitted
functions (the dispatcher's tap, profiler/argtap.c) when asked, and
`python -m jitprofile advise` measures the loop advice on them."""
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from jitprofile import njit, Profile


@njit
def jsum(x):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i]
    return acc


def _profiled(mode, **options):
    x = np.arange(1000, dtype=np.float64)
    jsum(x)                                         # compiled before the profile
    p = Profile(hz=1000, args=mode, args_options=options)
    p.start()
    try:
        for _ in range(200):
            jsum(x)
    finally:
        p.stop()
    return p, x


def test_jitted_calls_recorded_in_exact_mode():
    p, x = _profiled("exact", jitted=True)
    (sig,) = p.signatures(jsum)
    assert sig.signature == "(array(float64, 1d, C))"
    assert sig.calls == 200 and sig.compilable
    assert sig.samples and np.array_equal(sig.samples[0][0], x)
    assert sig.samples[0][0] is not x                # a copy: later writes do not change it


def test_jitted_calls_not_recorded_unless_asked():
    p, _x = _profiled("exact")
    assert p.signatures(jsum) == []


def test_sampled_mode_records_jitted_calls_in_its_windows():
    x = np.arange(1000, dtype=np.float64)
    jsum(x)
    p = Profile(hz=1000, args="sampled", args_options={"jitted": True, "period": 60.0})
    p.start()
    try:
        for _ in range(20):
            p.args.poll()                            # a window opens (the driver's
            #                                          first tick is 60 s away) ...
            jsum(x)
            p.args.poll()                            # ... and closes
    finally:
        p.stop()
    (sig,) = p.signatures(jsum)
    assert sig.calls == 20 and np.array_equal(sig.samples[0][0], x)


def test_advise_in_process_gives_the_loop_advice():
    """jitprofile.advise(profile) (the notebook's): the loop advice of the hot
    jitted function follows the other recommendations, measured on the
    recorded call."""
    import jitprofile
    from jitprofile import vectorization
    x = np.random.default_rng(3).random(200_000)
    jsum(x)
    p = Profile(hz=1000, args="exact", args_options={"jitted": True})
    p.start()
    try:
        for _ in range(1000):
            jsum(x)
    finally:
        p.stop()
    if not vectorization.hot_loops(p, min_share=0.05):
        pytest.skip("the sampler recorded no samples in jitted code here")
    sug = [s for s in jitprofile.advise(p, fp_tolerance=1e-9) if s.kind == "loop"]
    (fm,) = [s for s in sug if s.detail == "fastmath"]
    assert fm.func is jsum.py_func and fm.applicable and 0.0 < fm.max_rel_diff < 1e-9
    assert fm.signatures == ["(array(float64, 1d, C))"] and fm.share > 0.05
    assert fm.replacement(x) == pytest.approx(x.sum(), rel=1e-9)
    (fm,) = [s for s in jitprofile.advise(p) if s.detail == "fastmath"]
    assert not fm.applicable and "fp_tolerance" in fm.reason
    # the advice's fastmath copy is not the program's: the report keeps the loop scalar
    (loop,) = [h for h in vectorization.hot_loops(p) if h.function == "jsum"]
    assert loop.state.startswith("scalar: a floating-point reduction") and "vectorized" not in loop.state


SCRIPT = textwrap.dedent('''\
    import numpy as np
    from jitprofile import njit

    @njit
    def total(x):
        acc = 0.0
        for i in range(x.shape[0]):
            acc += x[i]
        return acc

    @njit
    def scale(x, out):
        for i in range(x.shape[0]):
            out[i] = x[i] * 3.0

    x = np.random.default_rng(0).random(200_000)
    out = np.empty(100_000)
    t = 0.0
    for _ in range(1500):
        t += total(x)
        scale(x[::2], out)
    print(t > 0, out[0] == 3.0 * x[0])
''')


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    path = tmp_path_factory.mktemp("loopadv") / "loops.py"
    path.write_text(SCRIPT)
    return path


def _advise(script, *extra):
    r = subprocess.run([sys.executable, "-m", "jitprofile", "advise", *extra, str(script)],
                       capture_output=True, text=True, timeout=300, cwd=script.parent)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_advise_cli_measures_the_loop_advice(script):
    report = json.loads(_advise(script, "--json", "--fp-tolerance", "1e-9"))
    if not report["loops"]:
        pytest.skip("the sampler recorded no samples in jitted code here")
    assert report["fp_tolerance"] == 1e-9
    advice = {(a["function"], a["detail"]): a for a in report["loop_advice"]}
    fm = advice[("total", "fastmath")]
    assert fm["applicable"] and 0.0 < fm["max_rel_diff"] < 1e-9
    assert fm["signatures"] == ["(array(float64, 1d, C))"]
    assert f"{fm['max_rel_diff']:.3g}" in fm["why"]
    assert fm["speedup"] > 0 and fm["line"] == 4
    cont = advice[("scale", "contiguous")]
    assert cont["signatures"] == ["(array(float64, 1d, A), array(float64, 1d, C))"]
    assert "np.ascontiguousarray(x)" in cont["code"] and cont["max_rel_diff"] == 0.0
    assert cont["speedup"] > 0 and not cont["applicable"]


def test_advise_cli_fastmath_needs_the_tolerance(script):
    text = _advise(script)
    if "loops of hot jitted functions" not in text:
        pytest.skip("the sampler recorded no samples in jitted code here")
    assert "loop advice, measured on the recorded arguments:" in text
    assert "fastmath     total(array(float64, 1d, C)):" in text
    assert "state the tolerance you accept" in text
    assert "contiguous   scale" in text


def test_fp_tolerance_is_checked(script):
    r = subprocess.run([sys.executable, "-m", "jitprofile", "advise", "--fp-tolerance", "-1",
                        str(script)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "--fp-tolerance" in r.stderr
