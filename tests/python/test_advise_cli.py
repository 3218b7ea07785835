"""python -m jitprofile advise: the table, --json, and the Mandelbrot target
(ranked first with the observed signature; --apply at least 50x faster by
the feature's own measurement of the two runs)."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MANDEL = ROOT / "examples" / "mandelbrot_plain.py"


def advise(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "jitprofile", "advise", *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def mandel_apply():
    r = advise("--json", "--apply", MANDEL, 240, 160, 20)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    if not report["recommendations"] and sys.version_info >= (3, 12):
        pytest.skip("the sampler records no samples on this Python yet")
    return report, r.stderr


def test_mandelbrot_ranked_first_with_its_signature(mandel_apply):
    report, stderr = mandel_apply
    assert "checksum" in stderr                     # the script's output stays out of the JSON
    recs = report["recommendations"]
    assert {r["function"] for r in recs[:2]} == {"create_fractal", "mandel"}
    mandel = next(r for r in recs if r["function"] == "mandel" and r["kind"] == "jit")
    assert mandel["signatures"] == ["(float64, float64, int64)"]
    fractal = next(r for r in recs if r["function"] == "create_fractal" and r["kind"] == "jit")
    assert fractal["signatures"] == [
        "(float64, float64, float64, float64, array(uint8, 2d, C), int64)"]
    for r in recs:
        for key in ("function", "file", "line", "kind", "code", "signatures", "share"):
            assert key in r
        assert "speedup" in r or "reason" in r or r["kind"] in ("type-unstable", "advice")
    assert fractal["file"] == str(MANDEL) and fractal["line"] == 26
    assert "@njit\ndef mandel(x, y, max_iters):" in fractal["code"]


def test_mandelbrot_apply_is_at_least_50x_faster(mandel_apply):
    report, _ = mandel_apply
    a = report["apply"]
    assert "create_fractal" in a["applied"]
    assert a["before_s"] > 0 and a["after_s"] > 0
    assert a["speedup"] >= 50, a                    # the feature's own measurement


def test_table_and_a_dict_function_not_applicable(tmp_path):
    script = tmp_path / "dicty.py"
    script.write_text(
        "def count(n):\n"
        "    seen = {k: 0 for k in range(13)}\n"       # a dict comprehension: not in jit code
        "    for i in range(n):\n"
        "        seen[i % 13] = seen.get(i % 13, 0) + 1\n"
        "    return len(seen)\n"
        "\n"
        "print(count(400000))\n")
    r = advise("--exact", script, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    if "no hot Python function" in r.stdout and sys.version_info >= (3, 12):
        pytest.skip("the sampler records no samples on this Python yet")
    assert "13" in r.stdout                         # the script ran
    assert "jit" in r.stdout and "count" in r.stdout
    assert "reason: UnsupportedError:" in r.stdout and "dicty.py:2:" in r.stdout
    rj = advise("--json", "--exact", script, cwd=tmp_path)
    entry = next(e for e in json.loads(rj.stdout)["recommendations"] if e["function"] == "count")
    assert entry["applicable"] is False and entry["reason_line"] == 2 and "speedup" not in entry


def test_usage_errors():
    r = advise()
    assert r.returncode == 2 and "no script given" in r.stderr
    r = advise("/nonexistent/x.py")
    assert r.returncode == 2 and "cannot find script" in r.stderr
    r = subprocess.run([sys.executable, "-m", "jitprofile"], capture_output=True, text=True)
    assert "advise" in r.stdout
