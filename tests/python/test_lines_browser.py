"""The widget's source pane in a real browser (issue 16): a %%jitprofile cell
runs a jitted function with a hot (libm) line and a cold (add) line in
JupyterLab; selecting the function in the hotspot table shows its source
with a heat gutter, and the gutter's hot line holds >= 3x the cold line's
time, with its native callees beneath.  The static HTML export shows the
same pane.  JupyterLab and Chromium as tests/python/test_notebook_browser.py."""
import json
import math
import time

import pytest

from test_notebook_browser import ARTIFACTS, browser, lab, shot  # noqa: F401 - fixtures

HOTCOLD = '''from jitprofile import njit
import math

@njit
def hotcold(n):
    s = 0.0
    for i in range(n):
        s += math.sin(i * 1e-3) * math.exp(-i * 1e-9)      # HOT
    t = 0.0
    for i in range(n):
        t = t * 0.999999 + 1.0                              # COLD
    return s + t

hotcold(1000)'''

RUN = '''%%jitprofile
t0 = time.process_time()
while time.process_time() - t0 < 2.0:
    hotcold(2_000_000)'''


def _notebook(cells):
    return {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                       "outputs": [], "source": c} for c in cells],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                        "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


def _gutter(page):
    """{marker: (line, self weight, heat, callees)} of the source pane's
    lines marked # HOT / # COLD."""
    rows = page.evaluate("""() => [...document.querySelectorAll('.jp-source tr.jp-src-line')].map(tr => ({
        line: +tr.dataset.line, self: +tr.dataset.self, heat: +tr.dataset.heat,
        code: tr.querySelector('.jp-src-code').textContent,
        bg: getComputedStyle(tr.querySelector('.jp-gutter')).backgroundColor,
        callees: [...document.querySelectorAll(`.jp-source tr.jp-src-callee[data-line="${tr.dataset.line}"]`)]
                 .map(c => c.dataset.callee)}))""")
    out = {}
    for r in rows:
        for marker in ("# HOT", "# COLD"):
            if marker in r["code"]:
                out[marker] = r
    return rows, out


def _check_pane(rows, marked):
    assert "# HOT" in marked and "# COLD" in marked, rows
    hot, cold = marked["# HOT"], marked["# COLD"]
    assert hot["self"] > 0 and hot["self"] >= 3 * cold["self"], (hot, cold)
    assert hot["self"] == max(r["self"] for r in rows), rows
    assert hot["heat"] == 1.0 and hot["bg"] != "rgba(0, 0, 0, 0)", hot
    assert any("sin" in c or "exp" in c for c in hot["callees"]), hot


def test_source_pane_in_jupyterlab(lab, browser):
    base, token, work = lab
    (work / "lines.ipynb").write_text(json.dumps(_notebook(
        ["%load_ext jitprofile\nimport time", HOTCOLD, RUN])))
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    page.set_default_timeout(60_000)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base}/lab/tree/lines.ipynb?token={token}&reset")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.content")
        page.evaluate("""async () => {
            const app = window.jupyterapp, panel = app.shell.currentWidget;
            await panel.sessionContext.ready;
            for (let i = 0; i < 3; i++) {
                panel.content.activeCellIndex = i;
                await app.commands.execute("notebook:run-cell");
            }
        }""")
        status = page.locator(".jp-prof .jp-status").first
        status.wait_for(timeout=90_000)
        deadline = time.monotonic() + 120
        while status.get_attribute("data-state") != "done" and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert status.get_attribute("data-state") == "done"
        page.wait_for_function("() => document.querySelector('.jp-source tr.jp-src-line')")
        # select the jitted function in the hotspot table
        row = page.locator(".jp-prof table.jp-hot tr[data-func^='hotcold [jit']").first
        row.scroll_into_view_if_needed()
        row.click()
        src = page.locator(".jp-prof .jp-source").first
        assert src.get_attribute("data-func").startswith("hotcold [jit")
        rows, marked = _gutter(page)
        _check_pane(rows, marked)
        src.scroll_into_view_if_needed()
        src.screenshot(path=str(ARTIFACTS / "lines-source-pane.png"))
        assert not errors, errors
    finally:
        shot(page, "lines-final.png")
        page.close()


def test_source_pane_in_static_html(browser, tmp_path):
    import jitprofile
    ns = {}
    (tmp_path / "hc_src.py").write_text(HOTCOLD)       # the JIT and linecache read it
    exec(compile(HOTCOLD, str(tmp_path / "hc_src.py"), "exec"), ns)
    with jitprofile.Profile(args=None) as prof:
        t0 = time.process_time()
        while time.process_time() - t0 < 1.5:
            ns["hotcold"](2_000_000)
    path = tmp_path / "p.html"
    prof.to_html(path)
    page = browser.new_page(viewport={"width": 1200, "height": 1200})
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".jp-source tr.jp-src-line", timeout=30_000)
        # no selection yet: the pane shows the function with the hottest lines
        assert page.locator(".jp-source").get_attribute("data-func").startswith("hotcold [jit")
        rows, marked = _gutter(page)
        _check_pane(rows, marked)
        shot(page, "lines-static.png")
    finally:
        page.close()


def test_hotspot_row_shows_the_hottest_loop_in_static_html(browser, tmp_path):
    """Issue 20 in the hotspots table: the jitted function's row says, under
    its name, the state of its hottest loop (the HOT line's loop: scalar,
    because of the calls to math.sin/exp)."""
    import jitprofile
    ns = {}
    (tmp_path / "hc_loop.py").write_text(HOTCOLD)
    exec(compile(HOTCOLD, str(tmp_path / "hc_loop.py"), "exec"), ns)
    with jitprofile.Profile(args=None) as prof:
        t0 = time.process_time()
        while time.process_time() - t0 < 1.0:
            ns["hotcold"](2_000_000)
    hot_for = HOTCOLD.splitlines().index(
        next(ln for ln in HOTCOLD.splitlines() if "# HOT" in ln))      # 0-based: the for line
    path = tmp_path / "p.html"
    prof.to_html(path)
    page = browser.new_page(viewport={"width": 1200, "height": 1200})
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("table.jp-hot tr[data-func]", timeout=30_000)
        note = page.locator("table.jp-hot tr[data-func^='hotcold [jit'] .jp-loop-note")
        assert note.count() == 1
        assert note.get_attribute("data-loop").startswith("scalar: a call to `math.sin()`")
        assert note.text_content().startswith(f"loop {hot_for}: scalar")
        shot(page, "hotspot-loop-note.png")
    finally:
        page.close()
