"""Errors and apply state in a real browser (issue 19): JupyterLab and
Chromium as tests/python/test_notebook_browser.py, one notebook, one page.

- a %%jitprofile cell that raises: its widget's header says
  "raised ValueError at In[4], line 4" (state "error"), the cell fails with
  a traceback naming In[4] and none of the magic's frames;
- Apply in the first widget -> the next %%jitprofile cell's widget shows the
  banner "applied: pairwise (@njit, ...x measured) · undo" -> %jitprofile_undo
  (another cell) undoes it: pairwise is the plain Python function again;
- "Apply and keep": the defining cell's source gets `@njit` and the import
  (the widget edits the notebook model), the kernel restarts (JupyterLab's
  command and its dialog), the cells run again and pairwise is jitted.

The tests run in order on one page (each builds on the state before)."""
import re
import sys
import time

import pytest

from browser_lab import ARTIFACTS, browser, lab, shot  # noqa: F401 - fixtures
from browser_lab import click_settled, notebook_page, write_notebook
from browser_lab import run_cells as _run_cells

PAIRWISE = '''def pairwise(n):
    s = 0.0
    for i in range(n):
        for j in range(n):
            d = (i - j) * 0.5
            s += d * d
    return s'''

CELLS = [
    "%load_ext jitprofile",                                             # 0: [1]
    PAIRWISE,                                                           # 1: [2]
    # 2: [3] - half a second of CPU: enough samples for advice (figures.MIN_SAMPLES)
    "%%jitprofile\nimport time\nt0 = time.process_time()\n"
    "while time.process_time() - t0 < 0.5:\n    pairwise(300)",
    "%%jitprofile\ndef boom(v):\n    pairwise(400)\n    raise ValueError(v)\nboom(3)",   # 3: [4]
    "%%jitprofile\nz = sum(range(100_000))",                            # 4
    "%jitprofile_undo",                                                 # 5
    'print("KIND", type(pairwise).__name__, hasattr(pairwise, "py_func"))',   # 6
]


@pytest.fixture(scope="module")
def page(lab, browser):
    write_notebook(lab[2] / "apply_state.ipynb", CELLS)
    with notebook_page(browser, lab, "apply_state.ipynb", (1400, 1200),
                       final_shot="apply-state-final.png") as p:
        p.evaluate("async () => { await window.jupyterapp.shell.currentWidget.sessionContext.ready; }")
        yield p


def run_cells(page, *indices):
    """Run the cells through JupyterLab's command (resolves when each is done)."""
    _run_cells(page, indices)


def cell(page, i):
    return page.locator(".jp-Notebook .jp-Cell").nth(i)


def output_text(page, i):
    return cell(page, i).locator(".jp-OutputArea").inner_text()


def cell_source(page, i):
    return page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.model"
                         ".sharedModel.cells[i].source", i)


def wait_state(widget, states, timeout=120):
    status = widget.locator(".jp-status")
    status.wait_for(timeout=90_000)
    deadline = time.monotonic() + timeout
    while status.get_attribute("data-state") not in states and time.monotonic() < deadline:
        time.sleep(0.1)
    return status.get_attribute("data-state")


def test_failing_cell_header(page):
    run_cells(page, 0, 1, 2, 3)
    assert wait_state(cell(page, 2).locator(".jp-prof"), ("done",)) == "done"
    w = cell(page, 3).locator(".jp-prof")
    assert wait_state(w, ("error",)) == "error"
    err = w.locator(".jp-error")
    assert err.is_visible()
    assert err.inner_text() == "raised ValueError at In[4], line 4"
    # the profile up to the error is still there
    hottest = w.locator("canvas.jp-flame").get_attribute("data-hottest")
    if hottest or sys.version_info < (3, 12):     # (3.12+: no Python frames sampled yet)
        assert hottest == "pairwise"
    # the exception reached the notebook like any cell's, without the magic's frames
    out = output_text(page, 3)
    assert "ValueError" in out and "Cell In[4], line 5" in out and "Cell In[4], line 4, in boom" in out, out
    assert "run_cell_magic" not in out and "magics.py" not in out, out
    # the hotspot rows name functions by cell and line as the notebook numbers them
    where = {r.get_attribute("data-func"): r.locator(".jp-where").inner_text()
             for r in w.locator("table.jp-hot tr[data-func]").all()}
    if where or sys.version_info < (3, 12):
        assert where.get("boom") == "In[4], line 2", where
    # advice names the cell, not its temp file (boom's compiler error, if advised)
    recs = w.locator(".jp-recs").inner_text()
    assert "ipykernel_" not in recs and ".py:" not in recs, recs
    w.screenshot(path=str(ARTIFACTS / "apply-state-error-widget.png"))
    assert not page.errors, page.errors


def test_apply_banner_in_next_widget_then_undo_all(page):
    first = cell(page, 2).locator(".jp-prof")
    rec = first.locator(".jp-rec[data-function='pairwise'][data-kind='jit']")
    if rec.count() == 0 and sys.version_info >= (3, 12):
        pytest.skip("the sampler records no Python frames on this Python yet (no jit advice)")
    click_settled(page, rec.locator("button.jp-apply"))
    rec.locator(".jp-applied").wait_for(timeout=60_000)
    assert rec.locator(".jp-applied").inner_text().startswith("applied: pairwise compiled")
    rec.locator("button.jp-apply-keep:text-is('Keep')").wait_for(timeout=30_000)   # not kept yet
    run_cells(page, 4)
    nxt = cell(page, 4).locator(".jp-prof")
    assert wait_state(nxt, ("done",)) == "done"
    banner = nxt.locator(".jp-applied-banner")
    assert banner.is_visible() and banner.get_attribute("data-names") == "pairwise"
    text = banner.inner_text()
    assert re.fullmatch(r"applied: pairwise \(@njit, [0-9.]+x measured\) · undo", text), text
    # the earlier widgets show it too
    assert first.locator(".jp-applied-banner").get_attribute("data-names") == "pairwise"
    banner.screenshot(path=str(ARTIFACTS / "apply-state-banner.png"))
    run_cells(page, 5, 6)
    assert "undone: pairwise is the original Python function again" in output_text(page, 5)
    assert output_text(page, 6).strip() == "KIND function False"
    page.wait_for_function("(el) => el.style.display === 'none'",
                           arg=banner.element_handle(), timeout=30_000)
    # the first widget's card offers Apply again (the undo came from another cell)
    rec.locator("button.jp-apply").wait_for(timeout=30_000)
    assert not page.errors, page.errors


def test_apply_and_keep_survives_a_kernel_restart(page):
    rec = cell(page, 2).locator(".jp-prof .jp-rec[data-function='pairwise'][data-kind='jit']")
    if rec.count() == 0 and sys.version_info >= (3, 12):
        pytest.skip("the sampler records no Python frames on this Python yet (no jit advice)")
    rec.scroll_into_view_if_needed()
    # JupyterLab does not expose window.jupyterapp by default: hide it, so
    # the widget reaches the notebook through its widget manager, as it must
    page.evaluate("() => { window.__app = window.jupyterapp; delete window.jupyterapp; }")
    try:
        rec.locator("button.jp-apply-keep").click()
        deadline = time.monotonic() + 60         # the card is redrawn: poll the locator
        while "kept" not in rec.inner_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        page.evaluate("() => { window.jupyterapp = window.__app; }")
    msg = rec.locator(".jp-applied, .jp-msg").first.inner_text()
    assert msg.startswith("applied and kept: @njit written into In[2]"), msg
    src = cell_source(page, 1)
    assert src == "from jitprofile import njit\n@njit\n" + PAIRWISE, src
    rec.screenshot(path=str(ARTIFACTS / "apply-state-kept.png"))
    # restart the kernel with JupyterLab's command (it asks first)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-kernel'); }")
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext"
                           ".session.kernel.status === 'idle'", timeout=90_000)
    run_cells(page, 0, 1, 6)
    assert output_text(page, 6).strip() == "KIND Dispatcher True"
    assert not page.errors, page.errors
