"""The your-code view and the flame graph that fits (issue 19) in a real
browser.  In JupyterLab: two plain-Python functions (a kernel density
estimate calling NumPy on 3-element arrays per element, a triple-loop
pairwise distance), profiled by a %%jitprofile cell that first imports
numpy.random lazily (a deep, narrow stack): the first screen of the widget
shows the user's top function's flame-graph box, the your-code table's first
row is that user function with its folded "numpy (C)" row beneath, and the
toggle shows the native frames.  In a static page (Profile.to_html) of a
profile with a deep narrow chain: the chain is one "…" box that opens on a
click, the canvas is fitted, zoom fits the clicked subtree, and the search
says its matched share.  JupyterLab and Chromium as
tests/python/test_notebook_browser.py."""
import json
import time

from test_notebook_browser import ARTIFACTS, browser, lab, shot  # noqa: F401 - fixtures

DEFS = '''import numpy as np

def kde(xs, pts, bw=0.5):
    """A kernel density estimate, NumPy on 3-element arrays per element."""
    out = []
    for p in pts:
        s = 0.0
        for x in xs:
            d = np.array([x - p, bw, 1.0])
            s += float(np.exp(-np.sum(d * d)))
        out.append(s)
    return out

def pairwise(a):
    """Sum of squared pairwise distances, three nested loops."""
    t = 0.0
    for i in range(len(a)):
        for j in range(len(a)):
            for k in range(3):
                t += (a[i][k] - a[j][k]) ** 2
    return t

xs = [i * 0.01 for i in range(300)]
pts = [i * 0.1 for i in range(20)]
a = [[i, i + 1.0, i + 2.0] for i in range(120)]'''

RUN = '''%%jitprofile
import numpy.random          # a lazy, deep import inside the profiled cell
import time
t0 = time.process_time()
while time.process_time() - t0 < 1.2:
    kde(xs, pts)
pairwise(a)'''


def _notebook(cells):
    return {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                       "outputs": [], "source": c} for c in cells],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                        "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


BOX = """(name) => {
    const c = document.querySelector('.jp-prof canvas.jp-flame');
    const r = c.getBoundingClientRect();
    const boxes = JSON.parse(c.dataset.boxes || '[]').filter((b) => b[0] === name);
    if (!boxes.length) return null;
    const b = boxes.sort((p, q) => q[3] - p[3])[0];            // its widest box
    const nb = document.querySelector('.jp-NotebookPanel-notebook') || document.body;
    const v = nb.getBoundingClientRect();
    return { x: r.left + b[1], y: r.top + b[2], w: b[3], h: b[4], canvasH: r.height,
             innerH: window.innerHeight, innerW: window.innerWidth,
             top: Math.max(0, v.top), bottom: Math.min(window.innerHeight, v.bottom) };
}"""


def _visible(box):
    return (box is not None and box["y"] >= box["top"] and box["y"] + box["h"] <= box["bottom"]
            and box["x"] >= 0 and box["x"] + box["w"] <= box["innerW"] + 1 and box["w"] >= 20)


def test_your_code_first_screen_in_jupyterlab(lab, browser):
    base, token, work = lab
    (work / "yourcode.ipynb").write_text(json.dumps(_notebook(
        ["%load_ext jitprofile", DEFS, RUN])))
    page = browser.new_page(viewport={"width": 1300, "height": 760})
    page.set_default_timeout(60_000)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base}/lab/tree/yourcode.ipynb?token={token}&reset")
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
        deadline = time.monotonic() + 150
        while status.get_attribute("data-state") != "done" and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert status.get_attribute("data-state") == "done"
        flame = page.locator(".jp-prof canvas.jp-flame").first
        assert flame.get_attribute("data-view") == "yours"
        # the widget's first screen: its top reached, nothing scrolled inside it
        page.locator(".jp-prof").first.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
        shot(page, "yourcode-first-screen.png")
        # the your-code table: its first row is the user's function, with the
        # NumPy time folded beneath it
        first = page.locator(".jp-prof table.jp-hot tr[data-func]").first
        top = first.get_attribute("data-func")
        assert top == "kde", page.locator(".jp-prof table.jp-hot").inner_text()
        assert first.get_attribute("data-kind") == "user"
        folded = page.locator(".jp-prof table.jp-hot tr.jp-folded[data-parent='kde']")
        labels = [r.get_attribute("data-folded") for r in folded.all()]
        assert "numpy (C)" in labels, labels
        # the row right after kde's is one of its folded rows
        assert first.evaluate("e => e.nextElementSibling.classList.contains('jp-folded')")
        # no row of the your-code table is a native, library or kernel frame
        names = [r.get_attribute("data-func") for r in
                 page.locator(".jp-prof table.jp-hot tr[data-func]").all()]
        assert set(names) <= {"kde", "pairwise", "<module>"}, names
        # the user's top function's box is on the first screen, no scrolling
        box = page.evaluate(BOX, top)
        assert _visible(box), box
        assert flame.get_attribute("data-hottest") == "kde"
        # the toggle: every native frame, as before
        toggle = page.locator(".jp-prof button.jp-view").first
        assert toggle.inner_text() == "Show native detail"
        toggle.click()
        page.wait_for_function(
            "() => document.querySelector('.jp-prof canvas.jp-flame').dataset.view === 'all'")
        cats = page.locator(".jp-prof table.jp-hot tr[data-func] td:nth-child(5)").all_inner_texts()
        assert "native" in cats, cats
        assert toggle.inner_text() == "Your code only"
        all_names = [r.get_attribute("data-func") for r in
                     page.locator(".jp-prof table.jp-hot tr[data-func]").all()]
        assert len(set(all_names) - {"kde", "pairwise", "<module>"}) >= 3, all_names
        # the kernel's threads and the profiler's own frames are hidden here too
        assert not [n for n in all_names if n.startswith(("LiveView", "TableBuilder"))], all_names
        shot(page, "yourcode-native-detail.png")
        toggle.click()
        page.wait_for_function(
            "() => document.querySelector('.jp-prof canvas.jp-flame').dataset.view === 'yours'")
        assert not errors, errors
    finally:
        shot(page, "yourcode-final.png")
        page.close()


def _deep_profile():
    """A profile with a user function holding most samples and a deep,
    narrow chain (an import: 40 single-child frames, 2% of the samples)."""
    import jitprofile
    prof = jitprofile.Profile(args=None)
    d = prof.data
    d.interval = 0.001
    cell = d.intern_func("<module>", "/home/u/work.py", "work", 1, "python")
    kde = d.intern_func("kde", "/home/u/work.py", "work", 3, "python")
    pair = d.intern_func("pairwise", "/home/u/work.py", "work", 12, "python")
    boot = [d.intern_func(f"_load_{i}", "/home/u/deep.py", "deep", 10 + i, "python")
            for i in range(40)]

    def path(*funcs):
        node = 0
        for f in funcs:
            node = d.intern_node(node, d.intern_frame(f, 0))
        return node

    t = d.add_thread(1, 1, "MainThread")
    d.add_sample(t, path(cell, kde), 1, 700)
    d.add_sample(t, path(cell, pair), 2, 280)
    d.add_sample(t, path(cell, *boot), 3, 20)
    return prof


def test_flame_graph_fits_static_html(browser, tmp_path):
    prof = _deep_profile()
    path = tmp_path / "deep.html"
    prof.to_html(path)
    page = browser.new_page(viewport={"width": 1200, "height": 700})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".jp-prof canvas.jp-flame[data-boxes]", timeout=30_000)
        flame = page.locator("canvas.jp-flame")
        # the 40-frame chain is one "…" box: the canvas is 4 rows, not 42
        assert int(flame.get_attribute("data-folds")) == 1
        h0 = flame.bounding_box()["height"]
        assert h0 <= 5 * 18 + 4, h0
        box = page.evaluate(BOX, "kde")
        assert _visible(box), box
        shot(page, "flame-folded.png")
        # a click on the "…" box opens the chain
        fold = [b for b in json.loads(flame.get_attribute("data-boxes")) if b[0] == "…"][0]
        r = flame.bounding_box()
        page.mouse.click(r["x"] + fold[1] + 2, r["y"] + fold[2] + 5)
        page.wait_for_function(
            "() => document.querySelector('canvas.jp-flame').dataset.folds === '0'")
        assert flame.bounding_box()["height"] > 40 * 18
        names = {b[0] for b in json.loads(flame.get_attribute("data-boxes"))}
        assert {"_load_0", "_load_39"} <= names
        # zoom: the clicked subtree fills the width, its callers above it
        kde = [b for b in json.loads(flame.get_attribute("data-boxes")) if b[0] == "kde"][0]
        page.mouse.click(r["x"] + kde[1] + 5, r["y"] + kde[2] + 5)
        page.wait_for_function(
            "() => document.querySelector('canvas.jp-flame').dataset.zoom === 'kde'")
        zoomed = [b for b in json.loads(flame.get_attribute("data-boxes")) if b[0] == "kde"][0]
        assert zoomed[3] >= r["width"] - 2 and zoomed[2] <= 2 + 2 * 18, zoomed
        assert flame.bounding_box()["height"] <= 5 * 18 + 4
        page.click(".jp-reset")
        # search: the matched share of the samples
        page.fill(".jp-search", "pairwise")
        matched = page.locator(".jp-matched").inner_text()
        assert matched == "matched 28% of samples", matched
        assert page.locator(".jp-status").get_attribute("data-matched") == "28.0"
        page.fill(".jp-search", "_load")         # nested matches counted once
        assert page.locator(".jp-matched").inner_text() == "matched 2.0% of samples"
        assert not errors, errors
        shot(page, "flame-search.png")
    finally:
        page.close()

