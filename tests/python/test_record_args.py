"""record's command line (issue 16): the words after the script or after
-m MODULE belong to the target, as with python -m cProfile."""
import json
import subprocess
import sys
import textwrap


def record(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "jitprofile", "record", *args],
                          capture_output=True, text=True, timeout=300, cwd=cwd)


def test_module_options_go_to_the_module(tmp_path):
    pkg = tmp_path / "src"
    pkg.mkdir()
    for i in range(3):
        (pkg / f"m{i}.py").write_text(f"X = {i}\n")
    out = tmp_path / "p.json"
    r = record("-o", str(out), "-m", "compileall", "-q", "-j", "2", str(pkg))
    assert r.returncode == 0, r.stderr
    assert "unrecognized arguments" not in r.stderr
    assert list((pkg / "__pycache__").glob("m0.*.pyc"))
    doc = json.loads(out.read_text())
    assert doc["samples"] is not None


def test_script_options_go_to_the_script(tmp_path):
    script = tmp_path / "echo_args.py"
    script.write_text(textwrap.dedent("""
        import json, sys
        print(json.dumps(sys.argv))
    """))
    out = tmp_path / "p.txt"
    r = record("--rate", "500", "-o", str(out), str(script), "-o", "x", "--wall", "-m", "y", "--")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.strip()) == [str(script), "-o", "x", "--wall", "-m", "y", "--"]
    assert out.read_text().startswith("jitprofile:")


def test_module_argv_and_double_dash(tmp_path):
    (tmp_path / "show_argv.py").write_text("import sys, json\nprint(json.dumps(sys.argv[1:]))\n")
    r = record("-m", "show_argv", "-q", "--format", "json", cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == json.dumps(["-q", "--format", "json"])
    r = record("-mshow_argv", "-j", "2", cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == json.dumps(["-j", "2"])


def test_record_options_still_work_and_bad_ones_are_refused(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("x = sum(range(1000))\n")
    r = record("--format", "collapsed", "--no-native", str(script))
    assert r.returncode == 0, r.stderr
    r = record("--bogus", str(script))
    assert r.returncode == 2 and "unrecognized arguments: --bogus" in r.stderr


def test_options_with_values_before_the_script(tmp_path):
    """--memory-interval VALUE and --lines [FUNC] take their word; the
    script after them and its own words still go to the script."""
    script = tmp_path / "echo_args.py"
    script.write_text("import json, sys\n\ndef main():\n    print(json.dumps(sys.argv))\n\nmain()\n")
    r = record("--memory", "--memory-interval", "1m", str(script), "a", "--lines")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.splitlines()[0]) == [str(script), "a", "--lines"]
    r = record("--lines", "main", str(script), "b")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.splitlines()[0]) == [str(script), "b"]
    r = record("--lines", str(script), "c")             # --lines without FUNC
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.splitlines()[0]) == [str(script), "c"]
