"""The memory timeline in a real browser (issue 16): a Profile(memory=True)
exported with to_html() is the widget's own view (widget.js) without a
kernel; Debian's headless Chromium through Playwright (the system browser,
tests/python/browser_lab.py) shows the memory canvas on the CPU
timeline's buckets, its peak, and the allocating line on top of the memory
rows; a profile without memory sampling keeps the view hidden.  The
JupyterLab path shares the same drawing code (memory trait, LiveView)."""
import numpy as np

from browser_lab import ARTIFACTS, browser  # noqa: F401 - fixtures


def allocate():
    keep = []
    for i in range(60):
        keep.append(np.ones(125_000))       # 60 MB kept
        sum(range(20_000))                  # CPU between allocations
    return keep


def test_memory_timeline_in_static_export(browser, tmp_path):
    from jitprofile.profile import Profile

    with Profile(hz=2000, args=None, memory=True) as prof:
        kept = allocate()
    line = allocate.__code__.co_firstlineno + 3
    path = tmp_path / "memory.html"
    prof.to_html(path)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("canvas.jp-memory[data-peak]", timeout=30_000)
        canvas = page.locator("canvas.jp-memory")
        assert canvas.is_visible()
        assert int(canvas.get_attribute("data-buckets")) >= 1
        assert abs(float(canvas.get_attribute("data-peak")) - 60e6) <= 8e6
        first = page.locator("table.jp-memory-rows tr[data-line]").first
        assert first.get_attribute("data-line") == f"test_memory_browser.py:{line}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "memory-timeline.png"), full_page=True)
        assert not errors
    finally:
        page.close()
    del kept

    with Profile(hz=2000, args=None) as plain:
        allocate()
    plain.to_html(tmp_path / "plain.html")
    page = browser.new_page()
    try:
        page.goto((tmp_path / "plain.html").as_uri())
        page.wait_for_selector(".jp-prof canvas.jp-flame", timeout=30_000)
        assert not page.locator("canvas.jp-memory").is_visible()
    finally:
        page.close()
