"""Real Numba programs (issues 11 and 12): every program in tests/programs, written as
Numba users write them (`import jitprofile as numba`), runs under the JIT and gives
the results plain Python gives (NUMBA_DISABLE_JIT=1, or the program's reference()).

A program still waiting for a feature is listed in PENDING: it must then stop with
a clear error (a jitprofile error class, file:line), never a crash or a wrong
answer; once it runs, the test fails until it is taken off the list."""
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

PROGRAMS = Path(__file__).resolve().parent.parent / "programs"
NAMES = sorted(p.stem for p in PROGRAMS.glob("*.py") if not p.stem.startswith("_"))

# program -> the feature it waits for
PENDING = {
}

CLEAR_ERRORS = {"UnsupportedError", "TypingError", "CompileError", "NotImplementedError"}
# A name the namespace does not have yet fails at import, where Python's own
# traceback says where.
MISSING_NAME = {"AttributeError", "ImportError"}
# An argument the dispatcher cannot type is a TypeError naming the function and
# the argument (as Numba's dispatcher).
ARGUMENT_ERROR = "TypeError"


def run(name, tmp_path, mode):
    out = tmp_path / f"{name}-{mode}.pickle"
    env = dict(os.environ)
    env.pop("NUMBA_DISABLE_JIT", None)
    env.pop("JITPROFILE_DISABLE_JIT", None)
    args = [sys.executable, str(PROGRAMS / "_run.py"), name, str(out)]
    if mode == "reference":
        args.append("reference")
    proc = subprocess.run(args, cwd=PROGRAMS, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, f"{name} ({mode}) died: rc {proc.returncode}\n{proc.stderr[-3000:]}"
    with open(out, "rb") as f:
        return pickle.load(f), proc.stderr


def same(got, want, rtol, atol, where):
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray), f"{where}: {type(got).__name__}, not an array"
        assert got.shape == want.shape, f"{where}: shape {got.shape} != {want.shape}"
        assert got.dtype == want.dtype, f"{where}: dtype {got.dtype} != {want.dtype}"
        if want.dtype.kind in "biu":
            np.testing.assert_array_equal(got, want, err_msg=where)
        else:
            np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=where)
    elif isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want), f"{where}: keys differ"
        for k in want:
            same(got[k], want[k], rtol, atol, f"{where}[{k!r}]")
    elif isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)), f"{where}: {type(got).__name__}"
        assert len(got) == len(want), f"{where}: length {len(got)} != {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            same(g, w, rtol, atol, f"{where}[{i}]")
    elif isinstance(want, (bool, np.bool_, str)) or want is None:
        assert got == want, f"{where}: {got!r} != {want!r}"
    elif isinstance(want, (int, np.integer)):
        assert isinstance(got, (int, np.integer)) and not isinstance(got, bool), \
            f"{where}: {got!r} is not an integer"
        assert int(got) == int(want), f"{where}: {got!r} != {want!r}"
    else:
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=where)


@pytest.mark.parametrize("name", NAMES)
def test_program(name, tmp_path):
    want, _ = run(name, tmp_path, "reference")
    assert "__error__" not in want, f"the reference run of {name} failed: {want['__error__']}"
    got, stderr = run(name, tmp_path, "jit")
    if name in PENDING:
        assert "__error__" in got, (f"{name} runs now: take it off PENDING "
                                    f"(it waited for {PENDING[name]})")
        cls, msg = got["__error__"]
        assert cls in CLEAR_ERRORS | MISSING_NAME | {ARGUMENT_ERROR}, f"{name}: {cls}: {msg}"
        if cls == ARGUMENT_ERROR:
            assert "() argument '" in msg, f"{name}: {cls} that names no argument: {msg}"
        if cls in CLEAR_ERRORS:
            assert f"{name}.py:" in msg, f"{name}: the error does not say where: {msg}"
        pytest.xfail(f"waits for {PENDING[name]}: {cls}: {msg.splitlines()[0]}")
    assert "__error__" not in got, f"{name} failed under the JIT: {got['__error__']}\n{stderr[-3000:]}"
    rtol = want.pop("__rtol__", 1e-9)
    atol = want.pop("__atol__", 0.0)
    got.pop("__rtol__", None)
    got.pop("__atol__", None)
    same(got, want, rtol, atol, name)


def test_every_program_is_listed_once():
    assert set(PENDING) <= set(NAMES)
    assert len(NAMES) >= 20
