"""Errors and apply state in IPython (issue 19): a %%jitprofile cell that
raises fails like any cell with a traceback trimmed to the user's code and
cells named as the notebook numbers them (terminal IPython and a real
ipykernel); one registry of applied functions per kernel: %jitprofile_undo
undoes what earlier cells applied, %jitprofile_status lists it; the
"Apply and keep" edit of a cell's source; %jitprofile_keep's set_next_input.
The browser side: tests/python/test_apply_browser.py."""
import sys

import pytest

pytest.importorskip("IPython")

from jitprofile.apply_state import keep_edit  # noqa: E402
from test_magics import run_ipython  # noqa: E402 - a terminal IPython in a fresh process


RAISING = "%%jitprofile --no-widget\ny = 2\ndef f(v):\n    raise ValueError(v)\nf(y)\n"


def test_raising_cell_fails_with_the_users_traceback_only():
    out = run_ipython(f"""
        ip.run_cell("x = 1", store_history=True)
        r = ip.run_cell({RAISING!r}, store_history=True)
        print("RESULT", type(r.error_in_exec).__name__, r.execution_count, r.success)
        print("HANDLER", ip.custom_exceptions)
        r = ip.run_cell("1/0", store_history=True)
        print("NEXT", type(r.error_in_exec).__name__)
    """)
    tb, rest = out.split("RESULT", 1)
    assert "RESULT ValueError 2 False" in "RESULT" + rest
    # the magic's header line, the cell's numbering (line 1 is %%jitprofile)
    assert "jitprofile: the cell raised ValueError at In[2], line 4" in tb
    assert "Cell In[2], line 5" in tb and "Cell In[2], line 4, in f(v)" in tb
    for magic_frame in ("run_cell_magic", "magics.py", "exec(code", "get_ipython()"):
        assert magic_frame not in tb, tb
    # the handler was for that cell only: the next error is IPython's own
    assert "HANDLER ()" in rest
    assert "Cell In[3], line 1" in rest and "NEXT ZeroDivisionError" in rest


def test_syntax_error_in_the_cell_shows_like_a_plain_cells():
    out = run_ipython("""
        r = ip.run_cell("%%jitprofile --no-widget\\nx = 1\\ny = (2\\n", store_history=True)
        print("RESULT", type(r.error_in_exec).__name__, ip.custom_exceptions)
    """)
    assert "Cell In[1], line 3" in out and "SyntaxError: '(' was never closed" in out, out
    for magic_frame in ("run_cell_magic", "magics.py", "ast.py", "get_ipython()"):
        assert magic_frame not in out, out
    assert "RESULT SyntaxError ()" in out


def test_a_users_custom_exception_handler_survives():
    out = run_ipython(f"""
        def mine(shell, etype, value, tb, tb_offset=None):
            print("MINE", etype.__name__)
        ip.set_custom_exc((KeyError,), mine)
        ip.run_cell({RAISING!r}, store_history=True)
        ip.run_cell("{{}}['k']", store_history=True)
        print("TYPES", ip.custom_exceptions)
    """)
    assert "MINE KeyError" in out
    assert "TYPES (<class 'KeyError'>,)" in out


def test_keep_edit_writes_decorator_and_import():
    src = "import numpy as np\n\ndef pairwise(p):\n    return p\n"
    new = keep_edit(src, "pairwise")
    assert new == "from jitprofile import njit\nimport numpy as np\n\n@njit\ndef pairwise(p):\n    return p\n"
    assert keep_edit(new, "pairwise") == new                      # already kept
    # an import already there; other decorators kept above; a cell magic stays first
    src = "%%time\nfrom jitprofile import jit, njit\n@cache\ndef g(x):\n    return x\n"
    assert keep_edit(src, "g") == "%%time\nfrom jitprofile import jit, njit\n@cache\n@njit\ndef g(x):\n    return x\n"
    assert keep_edit("def gg(x):\n    pass\n", "g") is None         # not that function
    assert keep_edit("class A:\n    def g(self):\n        pass\n", "g") is None   # a method


def test_card_messages_are_failures_successes_or_notes():
    """Only a real failure is red on the card; "applied, not kept" and the
    other outcomes that are not failures are notes (issue 19)."""
    from jitprofile.actions import message_kind
    assert message_kind("apply failed: LookupError: f is not bound") == "failure"
    assert message_kind("undo failed: CommClosedError: workers gone") == "failure"
    assert message_kind("applied: pairwise compiled, measured 350.0x faster") == "success"
    assert message_kind("applied and kept: @njit written into In[2]") == "success"
    assert message_kind("undone: pairwise is the original Python function again") == "success"
    for note in ("applied, not kept: pairwise is defined in m.py, not in a notebook cell",
                 "applied; writing @njit into In[2]…",
                 "(remote process: read-only)"):
        assert message_kind(note) == "note", note
    assert message_kind("") == "" and message_kind(None) == ""


PAIRWISE = '''def pairwise(n):
    s = 0.0
    for i in range(n):
        for j in range(n):
            d = (i - j) * 0.5
            s += d * d
    return s
'''


def need_applied(out):
    """The jit advice comes from the sampled shares: on a Python whose frames
    the sampler cannot read yet (3.12/3.13, see test_advise_apply.need_samples)
    there is nothing to apply."""
    if "nothing applicable to apply" in out and sys.version_info >= (3, 12):
        pytest.skip("the sampler records no Python frames on this Python yet")


def test_registry_spans_cells_undo_all_status_and_keep():
    """Apply from one cell's recommendations, run another %%jitprofile cell
    (a new last profile), then %jitprofile_status and %jitprofile_undo still
    see it (before: "nothing applied")."""
    out = run_ipython(f"""
        ip.run_cell({PAIRWISE!r}, store_history=True)
        ip.run_cell("%%jitprofile --no-widget -r 2000\\nimport time\\nt0 = time.process_time()\\nwhile time.process_time() - t0 < 0.4:\\n    pairwise(300)\\n",
                    store_history=True)
        ip.run_line_magic("jitprofile_apply", "")
        print("APPLIED", type(ip.user_ns["pairwise"]).__name__)
        ip.run_cell("%%jitprofile --no-widget\\nz = sum(range(1000))\\n", store_history=True)
        print("LAST", len(ip.user_ns["_jitprofile"].suggestions))
        ip.run_line_magic("jitprofile_status", "")
        ip.run_line_magic("jitprofile_keep", "")
        print("NEXT-INPUT", repr(ip.rl_next_input))
        ip.run_line_magic("jitprofile_undo", "")
        print("UNDONE", type(ip.user_ns["pairwise"]).__name__, hasattr(ip.user_ns["pairwise"], "py_func"))
        ip.run_line_magic("jitprofile_status", "")
        ip.run_line_magic("jitprofile_undo", "")
    """)
    need_applied(out)
    assert "APPLIED Dispatcher" in out, out
    assert "LAST 0" in out
    status = out.split("LAST 0", 1)[1]
    assert "jitprofile: 1 applied in this kernel" in status
    row = next(ln for ln in status.splitlines() if ln.strip().startswith("pairwise "))
    assert "@njit" in row and "x measured" in row, row
    assert "defined In[1], line 1" in row and "measured by the profile of In[2]" in row, row
    assert ("NEXT-INPUT 'from jitprofile import njit\\n@njit\\ndef pairwise(n):" in out), out
    assert "undone: pairwise is the original Python function again" in out
    assert "UNDONE function False" in out
    assert "jitprofile: nothing applied in this kernel" in out
    assert out.rstrip().endswith("jitprofile: nothing applied to undo")


def test_undo_by_name():
    out = run_ipython(f"""
        ip.run_cell({PAIRWISE!r}, store_history=True)
        ip.run_cell("%%jitprofile --no-widget -r 2000\\nimport time\\nt0 = time.process_time()\\nwhile time.process_time() - t0 < 0.4:\\n    pairwise(300)\\n",
                    store_history=True)
        ip.run_line_magic("jitprofile_apply", "")
        ip.run_line_magic("jitprofile_undo", "nosuch")
        print("STILL", type(ip.user_ns["pairwise"]).__name__)
        ip.run_line_magic("jitprofile_undo", "pairwise")
        print("NOW", type(ip.user_ns["pairwise"]).__name__)
    """)
    need_applied(out)
    assert "jitprofile: nosuch is not applied" in out
    assert "STILL Dispatcher" in out and "NOW function" in out


PAIRWISE_FILE = PAIRWISE + """

def run():
    return pairwise(250) + pairwise(250)
"""


def test_widget_messages_banner_undo_link_and_keep_outside_a_notebook(tmp_path):
    """The widget's messages as the browser sends them (ipywidgets' own
    dispatch: ProfileWidget's handler, then apply_state's): Apply fills the
    banner of every tracked widget; "Apply and keep" on a function from a
    file applies it and says why nothing was written; the banner's undo link
    undoes everything."""
    pytest.importorskip("anywidget")
    import importlib.util

    import jitprofile
    from jitprofile import apply_state
    from jitprofile.widget import ProfileWidget
    path = tmp_path / "pw_mod.py"
    path.write_text(PAIRWISE_FILE)
    spec = importlib.util.spec_from_file_location("pw_mod", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["pw_mod"] = mod
    spec.loader.exec_module(mod)
    try:
        with jitprofile.Profile(args="exact") as prof:
            mod.run()
        sugs = jitprofile.advise(prof)
        i = next((k for k, s in enumerate(sugs) if s.function == "pairwise" and s.applicable), None)
        if i is None:
            pytest.skip("no applicable pairwise suggestion (no samples of it here)")
        w1, w2 = ProfileWidget(), ProfileWidget()
        w1.show_recommendations(sugs)
        apply_state.track(w1)
        apply_state.track(w2)
        assert w1.applied == [] and w2.applied == []
        w1._handle_custom_msg({"type": "apply_keep", "index": i}, [])
        assert type(mod.pairwise).__name__ == "Dispatcher"
        assert sugs[i].message.startswith(
            f"applied, not kept: pairwise is defined in {path}, not in a notebook cell"), sugs[i].message
        for w in (w1, w2):
            assert [a["name"] for a in w.applied] == ["pairwise"]
            assert w.applied[0]["decorator"] == "@njit" and w.applied[0]["defined"] == "pw_mod.py:1"
        assert w1.recs[i]["applied"] is True
        assert w1.recs[i]["message_kind"] == "note"          # neither green nor red
        w2._handle_custom_msg({"type": "undo_applied"}, [])          # the banner's undo link
        assert type(mod.pairwise).__name__ == "function"
        assert w1.applied == [] and w2.applied == [] and w1.recs[i]["applied"] is False
        w1._handle_custom_msg({"type": "apply", "index": i}, [])     # the card's own Apply
        assert [a["name"] for a in w2.applied] == ["pairwise"]
        assert w1.recs[i]["applied"] is True and w1.recs[i]["kept"] == ""    # offers Keep
    finally:
        jitprofile.undo()
        del sys.modules["pw_mod"]


# -- a real kernel (ipykernel): the cell numbers IPython 9 holds while a cell runs --
jupyter_client = pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")


@pytest.fixture(scope="module")
def kernel():
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc, code):
    """Execute code; (reply content, the error message's traceback, stdout)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=120)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=120)
    tb, out = [], []
    while True:
        m = kc.get_iopub_msg(timeout=30)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "error":
            tb = m["content"]["traceback"]
        elif m["msg_type"] == "stream":
            out.append(m["content"]["text"])
        elif m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    return reply["content"], "\n".join(tb), "".join(out)


def test_kernel_cell_numbers_error_state_and_trimmed_traceback(kernel):
    import re
    strip = lambda s: re.sub(r"\x1b\[[0-9;]*m", "", s)     # noqa: E731 - ANSI colours
    run(kernel, "%load_ext jitprofile")                       # [1]
    reply, tb, _ = run(kernel, "%%jitprofile\nx = 1\ndef f(v):\n    raise ValueError(v)\nf(x)\n")
    tb = strip(tb)
    assert reply["status"] == "error" and reply["ename"] == "ValueError"
    n = reply["execution_count"]
    assert n == 2
    assert f"Cell In[{n}], line 5" in tb and f"Cell In[{n}], line 4, in f(v)" in tb, tb
    for magic_frame in ("run_cell_magic", "magics.py", "get_ipython()"):
        assert magic_frame not in tb, tb
    reply, _, out = run(kernel, "m = get_ipython().magics_manager.registry['JitprofileMagics']\n"
                                "print(m.widget.title, '|', m.widget.status, '|', m.widget.error)")
    assert out.strip() == f"%%jitprofile (In[{n}]) | error | raised ValueError at In[{n}], line 4", out
    reply, _, out = run(kernel, "%%jitprofile\nsum(range(10))\n")
    assert reply["status"] == "ok"
    k = reply["execution_count"]
    reply, _, out = run(kernel, "print(m.widget.title, '|', m.widget.status, '|', m.widget.error)")
    assert out.strip() == f"%%jitprofile (In[{k}]) | done |", out


def test_kernel_keep_fallback_is_a_set_next_input_payload(kernel):
    """%jitprofile_keep in a real kernel: the execute reply carries IPython's
    set_next_input payload (JupyterLab inserts it as a new cell below)."""
    reply, _, _ = run(kernel, PAIRWISE)
    n = reply["execution_count"]
    run(kernel, "%%jitprofile\nimport time\nt0 = time.process_time()\nwhile time.process_time() - t0 < 0.4:\n    pairwise(300)\n")
    _, _, out = run(kernel, "%jitprofile_apply")
    if "nothing applicable" in out and sys.version_info >= (3, 12):
        pytest.skip("the sampler records no Python frames on this Python yet")
    assert "applied: pairwise compiled" in out, out
    reply, _, out = run(kernel, "%jitprofile_keep pairwise")
    assert f"In[{n}] with @njit written in is the next cell" in out, out
    (payload,) = [p for p in reply["payload"] if p["source"] == "set_next_input"]
    assert payload["replace"] is False
    assert payload["text"] == "from jitprofile import njit\n@njit\n" + PAIRWISE.rstrip("\n")
    _, _, out = run(kernel, "%jitprofile_status")
    assert "decorator written into In[%d] (edited copy below)" % n in out, out
    run(kernel, "%jitprofile_undo")
