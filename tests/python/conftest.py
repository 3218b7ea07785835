"""Shared helpers and configuration for the scalar-JIT test suite (issue 2).

Test modules import the helpers below with ``from conftest import ...``
(pytest's default "prepend" import mode puts this directory on sys.path).
"""
import math
import struct


def same_float(a, b):
    """Bit-for-bit equality of two floats, NaN == NaN (any payload)."""
    if not isinstance(a, float) or not isinstance(b, float):
        return False
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return struct.pack("<d", a) == struct.pack("<d", b)


def same_complex(a, b):
    return (isinstance(a, complex) and isinstance(b, complex)
            and same_float(a.real, b.real) and same_float(a.imag, b.imag))


def line_of(path, tag):
    """1-based line number of the unique line of ``path`` carrying the comment ``# TAG``.

    Callers pass the bare tag, so the call site itself never matches."""
    marker = "# " + tag
    with open(path) as fh:
        hits = [i for i, line in enumerate(fh, 1)
                if marker in line and (line.split(marker, 1)[1][:1] in ("", " ", "\n"))]
    assert len(hits) == 1, (marker, hits)
    return hits[0]


def source_line(path, lineno):
    with open(path) as fh:
        return fh.read().splitlines()[lineno - 1]


def code_part(line):
    """The code of a source line without its trailing comment, stripped."""
    return line.split("#", 1)[0].strip()


def py_error(fn, *args):
    """(type, str) of the exception CPython raises for fn(*args)."""
    try:
        fn(*args)
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)
    raise AssertionError("CPython did not raise")


def run_isolated(tmp_path, source, timeout=60):
    """Run ``source`` as a script in a fresh interpreter (for code that may hang or crash
    the process); returns the CompletedProcess (stdout/stderr as text)."""
    import subprocess
    import sys
    import textwrap
    script = tmp_path / "isolated_case.py"
    script.write_text(textwrap.dedent(source))
    try:
        return subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              timeout=timeout, cwd=str(tmp_path))
    except subprocess.TimeoutExpired as e:
        partial = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        raise AssertionError(f"timed out after {timeout} s (hang?); output so far:\n{partial}") \
            from None


def pytest_configure(config):
    # "slow" tests run in the 3.11 suite only (scripts/test.sh: -m "not slow" elsewhere)
    config.addinivalue_line("markers", "slow: long test, run by the CPython 3.11 suite only")
