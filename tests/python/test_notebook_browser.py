"""The notebook front in a real browser (issue 6): JupyterLab on 127.0.0.1
(a free port, a token), Debian's headless Chromium driven by Playwright
(the system browser: never `playwright install`).  Opens the Mandelbrot
notebook, runs the %%jitprofile cell, sees the widget update while the cell
runs (ipykernel >= 7.0.2: updates from a background thread), checks that
the flame graph and the hotspot table have `mandel` on top, clicks Apply on
its suggestion and sees the measured speedup, then Undo.  Also opens a
Profile.to_html() page from disk.  Screenshots go to build/test-artifacts/."""
from browser_lab import ARTIFACTS, browser, lab, notebook_page, run_cells, shot  # noqa: F401
from browser_lab import click_settled, watch_widget


def test_mandelbrot_widget_live_then_apply(lab, browser):
    with notebook_page(browser, lab, "01_mandelbrot.ipynb", final_shot="mandelbrot-final.png") as page:
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                               timeout=90_000)
        # markdown, %load_ext, the definitions, markdown, then the %%jitprofile cell
        run_cells(page, range(4), start=4)
        page.locator(".jp-prof .jp-status").first.wait_for(timeout=90_000)
        page.locator(".jp-prof .jp-status").first.scroll_into_view_if_needed()
        live = watch_widget(page, on_running=lambda seen: len(seen) == 3
                            and shot(page, "mandelbrot-live.png"))
        # several updates reached the browser while the cell was still running
        assert len(live) >= 2, live
        flame = page.locator(".jp-prof canvas.jp-flame").first
        assert flame.get_attribute("data-hottest") == "mandel"
        assert int(flame.get_attribute("data-frames")) >= 3
        top_row = page.locator(".jp-prof table.jp-hot tr[data-func]").first
        assert top_row.get_attribute("data-func") == "mandel"
        rec = page.locator(".jp-prof .jp-rec[data-function='mandel'][data-kind='jit']").first
        widget = page.locator(".jp-prof").first
        widget.scroll_into_view_if_needed()
        widget.screenshot(path=str(ARTIFACTS / "mandelbrot-done-widget.png"))
        click_settled(page, rec.locator("button.jp-apply"))
        applied = rec.locator(".jp-applied")
        applied.wait_for(timeout=60_000)
        text = applied.inner_text()
        assert "applied: mandel compiled, measured" in text and "x faster" in text, text
        assert rec.locator(".jp-speedup").inner_text().startswith("measured speedup")
        widget.screenshot(path=str(ARTIFACTS / "mandelbrot-applied-widget.png"))
        rec.locator("button.jp-undo").click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-rec .jp-applied')]"
            ".some(e => e.textContent.startsWith('undone: mandel'))", timeout=60_000)
        assert rec.locator("button.jp-apply").count() == 1
        assert not page.errors, page.errors


def mandel(x, y, n):
    c, z = complex(x, y), 0j
    for i in range(n):
        z = z * z + c
        if abs(z) > 2:
            return i
    return n


def grid():
    return sum(mandel(-2 + x / 40, -1 + y / 40, 30) for x in range(120) for y in range(80))


def test_static_html_export(browser, tmp_path):
    """to_html: the same view from a file, no kernel, no network."""
    from jitprofile.profile import Profile

    with Profile(hz=2000, args=None) as prof:
        grid()
        grid()
    path = tmp_path / "profile.html"
    prof.to_html(path)
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".jp-prof canvas.jp-flame[data-hottest]", timeout=30_000)
        assert page.locator("canvas.jp-flame").get_attribute("data-hottest") == "mandel"
        assert page.locator("table.jp-hot tr[data-func]").first.get_attribute("data-func") == "mandel"
        page.fill(".jp-search", "mand")                   # search: other rows filtered out
        assert {r.get_attribute("data-func") for r in
                page.locator("table.jp-hot tr[data-func]").all()} == {"mandel"}
        assert not [u for u in requests if u.startswith("http")]
        shot(page, "static-export.png")
    finally:
        page.close()
