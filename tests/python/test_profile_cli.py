"""python -m jitprofile record: formats, exit codes, bad input."""
import json
import subprocess
import sys
import textwrap

import pytest

WORK = textwrap.dedent("""
    import sys
    def hot():
        return sum(i * i for i in range(400_000))
    for _ in range(3):
        hot()
    print("args", sys.argv[1:])
""")


def record(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "jitprofile", "record", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def script(tmp_path):
    p = tmp_path / "work.py"
    p.write_text(WORK)
    return p


def test_text_report_and_script_args(script):
    r = record(str(script), "a", "--b")
    assert r.returncode == 0, r.stderr
    assert "args ['a', '--b']" in r.stdout
    assert "Self %" in r.stdout and "Category" in r.stdout
    hot = [line for line in r.stdout.splitlines() if line.startswith("hot ")]
    assert hot and "python" in hot[0]
    # the launcher's frames are hidden: the script's <module> is the root
    assert "record_cli" not in r.stdout and "runpy" not in r.stdout


@pytest.mark.parametrize("fmt", ["collapsed", "speedscope", "json"])
def test_formats_to_file(script, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    r = record("-r", "2000", "--format", fmt, "-o", str(out), str(script))
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    if fmt == "collapsed":
        assert any(line.startswith("<module>;hot") for line in text.splitlines()), text
    elif fmt == "speedscope":
        doc = json.loads(text)
        assert any(f["name"] == "hot" for f in doc["shared"]["frames"])
    else:
        doc = json.loads(text)
        assert doc["hz"] == 2000 and any(f[0] == "hot" for f in doc["functions"])


def test_module_mode(tmp_path):
    (tmp_path / "mymod.py").write_text(WORK)
    r = record("--format", "collapsed", "-m", "mymod", "x", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "args ['x']" in r.stdout and "<module>;hot" in r.stdout


def test_raising_script_keeps_profile_traceback_and_code(tmp_path):
    p = tmp_path / "bad.py"
    p.write_text(WORK + "\nraise ValueError('boom')\n")
    r = record(str(p))
    assert r.returncode == 1
    assert "Self %" in r.stdout
    assert "ValueError: boom" in r.stderr and 'bad.py", line' in r.stderr
    assert "record_cli" not in r.stderr


def test_exit_code_is_propagated(tmp_path):
    p = tmp_path / "ex.py"
    p.write_text("import sys\nsys.exit(3)\n")
    assert record(str(p)).returncode == 3


@pytest.mark.parametrize("args,msg", [
    (["/nonexistent/x.py"], "cannot find script"),
    (["--format", "xml", "X"], "unknown format"),
    (["-r", "0", "X"], "1..10000"),
    (["-r", "10001", "X"], "1..10000"),
    (["-r", "fast", "X"], "integer"),
    ([], "no script"),
    (["-m", "no_such_module_xyz"], "no module named"),
])
def test_bad_input_is_one_line_exit_2(script, args, msg):
    args = [str(script) if a == "X" else a for a in args]
    r = record(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert msg in r.stderr and r.stderr.startswith("jitprofile record: error:")


def test_unknown_subcommand():
    r = subprocess.run([sys.executable, "-m", "jitprofile", "frobnicate"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "unknown subcommand" in r.stderr
