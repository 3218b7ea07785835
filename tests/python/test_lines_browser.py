"""The widget's source pane in a real browser (issue 16): a %%jitprofile cell
runs a jitted function with a hot (libm) line and a cold (add) line in
JupyterLab; selecting the function in the hotspot table shows its source
with a heat gutter, and the gutter's hot line holds >= 3x the cold line's
time, with its native callees beneath.  The static HTML export shows the
same pane.  JupyterLab and Chromium from tests/python/browser_lab.py."""
import math
import time

from browser_lab import ARTIFACTS, browser, lab, notebook_page, run_cells, shot  # noqa: F401
from browser_lab import click_settled, watch_widget, write_notebook

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
    write_notebook(lab[2] / "lines.ipynb", ["%load_ext jitprofile\nimport time", HOTCOLD, RUN])
    with notebook_page(browser, lab, "lines.ipynb", (1400, 1200), final_shot="lines-final.png") as page:
        run_cells(page, range(3))
        watch_widget(page, timeout=120)
        page.wait_for_function("() => document.querySelector('.jp-source tr.jp-src-line')")
        # select the jitted function in the hotspot table
        row = page.locator(".jp-prof table.jp-hot tr[data-func^='hotcold [jit']").first
        click_settled(page, row)
        src = page.locator(".jp-prof .jp-source").first
        assert src.get_attribute("data-func").startswith("hotcold [jit")
        rows, marked = _gutter(page)
        _check_pane(rows, marked)
        src.scroll_into_view_if_needed()
        src.screenshot(path=str(ARTIFACTS / "lines-source-pane.png"))
        assert not page.errors, page.errors


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
