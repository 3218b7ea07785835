"""python -m jitprofile advise must not change what the script computes, nor
repeat its side effects silently (issue 13, items 18-19).  Real CLI runs."""
import json
import subprocess
import sys
import textwrap

import pytest


def advise(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "jitprofile", "advise", *map(str, args)],
                          capture_output=True, text=True, timeout=600, cwd=cwd)


# f's int64 result fits on every call but the last, where Python's grows past
# 2**63: compiled, the last call would wrap and the script's output change.
OVERFLOW = textwrap.dedent("""
    def f(n):
        acc = 1
        for i in range(n):
            acc = acc * 3 + i
        return acc

    total = 0
    for k in range(40_000):
        total = (total + f(30 + k % 5)) % 1_000_003
    print("total", total)
    print("last", f(60))
""")


def _f_entry(report):
    return next(r for r in report["recommendations"]
                if r["function"] == "f" and r["kind"] == "jit")


def test_exact_recording_flags_a_result_beyond_int64(tmp_path):
    script = tmp_path / "ovf.py"
    script.write_text(OVERFLOW)
    r = advise("--json", "--exact", "--apply", "--runs", "1", script)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    f = _f_entry(report)
    assert "reason" in f and "int64" in f["reason"], f
    assert "f" not in report["apply"]["applied"]
    assert "int64" in report["apply"]["skipped"]["f"]


def test_the_whole_runs_output_must_match(tmp_path):
    script = tmp_path / "ovf.py"
    script.write_text(OVERFLOW)
    r = advise("--json", "--apply", "--runs", "1", script)       # sampled recording
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    a = report["apply"]
    # either the recording saw a wide result, or the full run caught the change;
    # never "applied" with a different output
    assert "f" not in a["applied"], a
    assert "int64" in a["skipped"]["f"] or "output changed" in a["skipped"]["f"], a
    if "output changed" in a["skipped"]["f"]:
        assert a["output"].startswith("differs (line 2:")


def test_an_unchanged_output_is_said_to_be_the_same(tmp_path):
    script = tmp_path / "ok.py"
    script.write_text(textwrap.dedent("""
        def g(n):
            s = 0.0
            for i in range(n):
                s += i * 0.5
            return s
        t = 0.0
        for k in range(3000):
            t += g(300)
        print("t", t)
    """))
    r = advise("--json", "--apply", "--runs", "1", script)
    assert r.returncode == 0, r.stderr
    a = json.loads(r.stdout)["apply"]
    assert "g" in a["applied"], a
    assert a["output"] == "same as the original's"


SIDE = textwrap.dedent("""
    import sys
    with open(sys.argv[1], "a") as f:
        f.write("x\\n")
    def h(n):
        s = 0
        for i in range(n):
            s += i % 7
        return s
    for _ in range(200):
        h(2000)
""")


@pytest.mark.parametrize("runs, most", [(None, 7), (1, 3), (2, 5)])
def test_apply_says_how_often_the_script_runs(tmp_path, runs, most):
    script = tmp_path / "side.py"
    script.write_text(SIDE)
    log = tmp_path / "log"
    extra = [] if runs is None else ["--runs", runs]
    r = advise("--json", "--exact", "--apply", *extra, script, log)
    assert r.returncode == 0, r.stderr
    first = r.stderr.splitlines()[0]
    assert f"up to {most} times" in first and "side effects" in first and "repeat" in first
    n = len(log.read_text().splitlines())
    applied = json.loads(r.stdout)["apply"]["applied"]
    # the profiled run, then the original (and, when something was applied,
    # the jitted version) at most `runs` times each
    assert 2 <= n <= most
    if runs == 1:
        assert n == (3 if applied else 2)


def test_runs_must_be_at_least_one(tmp_path):
    script = tmp_path / "side.py"
    script.write_text(SIDE)
    r = advise("--apply", "--runs", "0", script, tmp_path / "log")
    assert r.returncode == 2 and "at least 1" in r.stderr
    assert not (tmp_path / "log").exists()
