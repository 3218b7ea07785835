"""The widget's Export button in a real browser (issue 19): a %%jitprofile
cell in JupyterLab, Export clicked, the page the kernel wrote next to the
notebook opened from disk; its hotspot table (names, times and the "~"
call estimates), sample count, status line and recommendations (with the
measured speedups and the cell-level projections) equal the widget's.
JupyterLab and Chromium as tests/python/test_notebook_browser.py."""
import pathlib
import time

from browser_lab import ARTIFACTS, browser, lab, shot  # noqa: F401 - fixtures
from browser_lab import click_settled, notebook_page, run_cells, watch_widget, write_notebook

DEFS = '''import time

def step(i):
    return i * 0.5 + 1.0

def pairwise(n):
    s = 0.0
    for i in range(n):
        for j in range(n):
            s += (i - j) * (i - j) * 0.5
    return s

def work(seconds):
    t0 = time.process_time()
    s = 0.0
    while time.process_time() - t0 < seconds:
        for i in range(500):
            s += step(i)
        s += pairwise(30)
    return s'''

RUN = '''%%jitprofile
work(1.0)'''

# the numbers a view shows, read from the DOM (the same for the widget and the page)
READ = """(root) => {
  const q = (s) => [...root.querySelectorAll(s)];
  return {
    rows: q('table.jp-hot tr[data-func]').map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent)),
    calls: q('table.jp-hot tr[data-func] td.jp-calls').map(td => td.textContent),
    samples: root.querySelector('.jp-status').dataset.samples,
    status: root.querySelector('.jp-status').textContent.replace(/^\\S+ /, ''),
    recs: q('.jp-rec').map(r => ({f: r.dataset.function, kind: r.dataset.kind,
        head: r.querySelector('.jp-rec-head').textContent,
        speedup: (r.querySelector('.jp-speedup') || {}).textContent || '',
        projection: (r.querySelector('.jp-projection') || {}).textContent || ''})),
    all: (root.querySelector('.jp-projection-all') || {}).textContent || '',
    none: q('.jp-recs em').map(e => e.textContent),
  };
}"""


def test_export_button_page_equals_the_widget(lab, browser):
    work = lab[2]
    write_notebook(work / "export.ipynb", ["%load_ext jitprofile", DEFS, RUN])
    with notebook_page(browser, lab, "export.ipynb", (1400, 1200)) as page:
        errors = page.errors
        static = None
        try:
            run_cells(page, range(3))
            watch_widget(page)
            page.wait_for_function("() => document.querySelector('.jp-prof .jp-status').dataset.samples"
                                   " && document.querySelector('.jp-prof .jp-rec')")
            widget = page.locator(".jp-prof").first
            shown = widget.evaluate(READ)
            # the widget itself: estimates marked, the sample count, the split status line
            assert int(shown["samples"]) >= 50, shown
            assert shown["calls"] and all(c == "" or c.startswith(("~", "\u2265")) for c in shown["calls"]), shown
            assert any(c.startswith("~") for c in shown["calls"]), shown
            assert "cell " in shown["status"] and "samples)" in shown["status"] \
                and "advisor measured" in shown["status"], shown["status"]
            pw = next(r for r in shown["recs"] if r["f"] == "pairwise" and r["kind"] == "jit")
            assert pw["speedup"].startswith("measured speedup") and "alone, per call" in pw["speedup"]
            assert "\u2192 ~" in pw["projection"], pw
            assert shown["all"].startswith("applying all: "), shown["all"]
            # Export: the kernel writes the page next to the notebook
            btn = widget.locator("button.jp-export")
            click_settled(page, btn)
            saved = widget.locator(".jp-exported")
            page.wait_for_function("() => document.querySelector('.jp-prof .jp-exported').dataset.path")
            path = pathlib.Path(saved.get_attribute("data-path"))
            assert path.parent == work and path.name.endswith(".html") and path.exists(), path
            widget.screenshot(path=str(ARTIFACTS / "export-widget.png"))
            static = browser.new_page(viewport={"width": 1400, "height": 1200})
            static.on("pageerror", lambda e: errors.append("static: " + str(e)))
            static.goto(path.as_uri())
            static.wait_for_selector(".jp-prof .jp-rec", timeout=30_000)
            exported = static.locator(".jp-prof").first.evaluate(READ)
            shot(static, "export-static.png")
            assert exported == shown, (exported, shown)
            assert "none" not in exported["none"]
            assert static.locator("button.jp-export").first.is_hidden()
            assert not errors, errors
        finally:
            shot(page, "export-final.png")
            if static is not None:
                static.close()


def test_too_short_profile_page_says_so(browser, tmp_path):
    """A 10 ms profile: the page shows the sample count and "too short to
    profile reliably" where the recommendations would be."""
    from jitprofile.profile import Profile
    with Profile(args="sampled") as prof:
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 0.01:
            pass
    path = prof.to_html(tmp_path / "short.html")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        page.goto(path.as_uri())
        note = page.locator(".jp-recs .jp-too-short")
        note.wait_for(timeout=30_000)
        assert note.inner_text().startswith("too short to profile reliably")
        status = page.locator(".jp-status")
        assert int(status.get_attribute("data-samples")) < 50
        assert "samples)" in status.inner_text()
        assert page.locator(".jp-rec").count() == 0
    finally:
        page.close()
