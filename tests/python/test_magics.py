"""The IPython extension without a widget front end (issue 6): in terminal
IPython (a subprocess, so the shell singleton stays out of this process)
%%jitprofile prints the text report and the recommendations,
%jitprofile_apply / %jitprofile_undo swap the compiled functions in and out,
and %jitprofile_attach follows a `record --serve` stream."""
import socket
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("IPython")

MANDEL = '''
import numpy as np
def mandel(x, y, max_iters):
    i = 0
    c = complex(x, y)
    z = 0.0j
    for i in range(max_iters):
        z = z * z + c
        if (z.real * z.real + z.imag * z.imag) >= 4:
            return i
    return 255

def create_fractal(min_x, max_x, min_y, max_y, image, iters):
    for x in range(image.shape[1]):
        real = min_x + x * (max_x - min_x) / image.shape[1]
        for y in range(image.shape[0]):
            imag = min_y + y * (max_y - min_y) / image.shape[0]
            image[y, x] = mandel(real, imag, iters)

image = np.zeros((200, 300), dtype=np.uint8)
create_fractal(-2.0, 1.0, -1.0, 1.0, image, 20)
'''


def run_ipython(script, timeout=240):
    driver = textwrap.dedent("""
        from IPython.testing.globalipapp import start_ipython
        ip = start_ipython()
        ip.run_line_magic("load_ext", "jitprofile")
    """) + textwrap.dedent(script)
    p = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True,
                       timeout=timeout)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


def test_cell_magic_prints_report_and_apply_undo_swap_functions():
    out = run_ipython(f"""
        ip.run_cell_magic("jitprofile", "-r 2000", {MANDEL!r})
        print("TYPE-BEFORE", type(ip.user_ns["mandel"]).__name__)
        ip.run_line_magic("jitprofile_apply", "")
        print("TYPE-APPLIED", type(ip.user_ns["mandel"]).__name__)
        ip.run_cell("create_fractal(-2.0, 1.0, -1.0, 1.0, image, 20)")
        ip.run_line_magic("jitprofile_undo", "")
        print("TYPE-UNDONE", type(ip.user_ns["mandel"]).__name__)
        print("PROFILE", type(ip.user_ns["_jitprofile"]).__name__, len(ip.user_ns["_jitprofile"].suggestions))
    """)
    report = out.split("TYPE-BEFORE")[0]
    rows = [l for l in report.splitlines() if l.startswith(("mandel", "create_fractal"))]
    assert rows and rows[0].startswith("mandel"), report        # mandel has the most self time
    assert "Recommendations:" in report and "jit" in report
    assert "TYPE-BEFORE function" in out
    assert "applied: mandel compiled, measured" in out
    assert "TYPE-APPLIED Dispatcher" in out
    assert "undone: mandel" in out and "TYPE-UNDONE function" in out
    assert "PROFILE Profile" in out


def test_apply_without_a_profile_says_so():
    out = run_ipython('ip.run_line_magic("jitprofile_apply", "")')
    assert "run a %%jitprofile cell first" in out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_attach_prints_the_streamed_profile(tmp_path):
    script = tmp_path / "work.py"
    script.write_text(textwrap.dedent("""
        import time
        def busy_remote():
            return sum(i * i for i in range(200_000))
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            busy_remote()
    """))
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    driver = textwrap.dedent(f"""
        from IPython.testing.globalipapp import start_ipython
        ip = start_ipython()
        ip.run_line_magic("load_ext", "jitprofile")
        print("READY", flush=True)
        ip.run_line_magic("jitprofile_attach", "{endpoint} --timeout 60")
    """)
    shell = subprocess.Popen([sys.executable, "-c", driver], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert shell.stdout.readline().strip() == "READY"
        # the subscriber connects first (ZeroMQ retries until the bind)
        rec = subprocess.run([sys.executable, "-m", "jitprofile", "record", "--serve", endpoint,
                              "-o", str(tmp_path / "out.json"), str(script)],
                             capture_output=True, text=True, timeout=120)
        assert rec.returncode == 0, rec.stderr
        out, err = shell.communicate(timeout=90)
    finally:
        shell.kill()
    assert f"attached to {endpoint}: finished" in out, out + err
    assert "busy_remote" in out


def test_attach_widget_freezes_the_figures_and_exports(tmp_path, monkeypatch):
    """%jitprofile_attach's widget (its traits, no browser): once the stream
    ends, the same frozen figures as a %%jitprofile cell's (figures.py:
    sample count, sampled time, no cell or advisor time here) and the
    Export button, whose page holds the widget's numbers."""
    pytest.importorskip("anywidget")
    import json
    import time

    from jitprofile.attach import AttachView
    from jitprofile.widget import ProfileWidget
    script = tmp_path / "work.py"
    script.write_text(textwrap.dedent("""
        import time
        def busy_remote():
            return sum(i * i for i in range(200_000))
        end = time.process_time() + 0.6
        while time.process_time() < end:
            busy_remote()
    """))
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    w = ProfileWidget(title=f"attached to {endpoint}", status="connecting")
    view = AttachView(endpoint, widget=w, period=0.1, timeout=90).start()
    try:
        rec = subprocess.run([sys.executable, "-m", "jitprofile", "record", "--serve", endpoint,
                              "-o", str(tmp_path / "out.json"), str(script)],
                             capture_output=True, text=True, timeout=120)
        assert rec.returncode == 0, rec.stderr
        deadline = time.monotonic() + 60
        while not w.status.startswith("finished") and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        view.stop()
    assert w.status.startswith("finished"), w.status
    nums = w.numbers
    assert nums["samples"] >= 50 and not nums["too_short"], nums
    assert nums["cell_s"] is None and nums["advisor_s"] is None
    assert nums["status"] == f"sampled {nums['sampled_s']:.2f} s ({nums['samples']:,} samples)", nums
    assert w.can_export is True
    monkeypatch.chdir(tmp_path)
    w._handle_custom_msg({"type": "export"}, [])
    page = (tmp_path / f"attached-to-tcp-127-0-0-1-{endpoint.rsplit(':', 1)[1]}.html").read_text()
    state = json.loads(page.split("const state = ", 1)[1].split(";\nconst source", 1)[0])
    assert state["numbers"] == nums
    assert all(r["message_kind"] == "note" for r in w.recs)


def test_cell_value_is_returned_like_any_cell():
    out = run_ipython("""
        r = ip.run_cell("%%jitprofile --no-widget\\nx = sum(i * i for i in range(200000))\\nx + 1")
        print("VALUE", repr(r.result), "LEAK", "_jitprofile_cell_value" in ip.user_ns)
        r = ip.run_cell("%%jitprofile --no-widget\\n41 + 1;")
        print("HIDDEN", repr(r.result))
        r = ip.run_cell("%%jitprofile --no-widget\\ny = 3")
        print("STMT", repr(r.result), ip.user_ns["y"])
    """)
    expect = sum(i * i for i in range(200000)) + 1
    assert f"VALUE {expect} LEAK False" in out
    assert "HIDDEN None" in out
    assert "STMT None 3" in out


FSUM = '''
import numpy as np
from jitprofile import njit

@njit
def total(x):
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i]
    return acc

x = np.random.default_rng(0).random(200_000)
total(x)
'''


def test_cell_magic_measures_the_loop_advice_of_jitted_code():
    """Issue 20: %%jitprofile records the jitted function's arguments and its
    recommendations end with the loop advice measured on them (fastmath
    applicable within --fp-tolerance)."""
    out = run_ipython(f"""
        ip.run_cell({FSUM!r})
        ip.run_cell_magic("jitprofile", "-r 2000 --fp-tolerance 1e-9",
                          "for _ in range(1500):\\n    total(x)\\n")
        s = [s for s in ip.user_ns["_jitprofile"].suggestions if s.kind == "loop"]
        print("LOOPS", sorted(x.detail for x in s))
        fm = [x for x in s if x.detail == "fastmath"]
        print("FASTMATH", fm and fm[0].applicable, fm and 0 < fm[0].max_rel_diff < 1e-9)
    """)
    if "Loops in jitted code" not in out:
        pytest.skip("the sampler recorded no samples in jitted code here")
    assert "loop/fastmath" in out and "FASTMATH True True" in out, out
