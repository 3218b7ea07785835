"""The notebook front in a real browser (issue 6): JupyterLab on 127.0.0.1
(a free port, a token), Debian's headless Chromium driven by Playwright
(the system browser: never `playwright install`).  Opens the Mandelbrot
notebook, runs the %%jitprofile cell, sees the widget update while the cell
runs (ipykernel >= 7.0.2: updates from a background thread), checks that
the flame graph and the hotspot table have `mandel` on top, clicks Apply on
its suggestion and sees the measured speedup, then Undo.  Also opens a
Profile.to_html() page from disk.  Screenshots go to build/test-artifacts/."""
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

if not os.path.exists(CHROMIUM):
    pytest.skip("no system chromium (apt-get install chromium; scripts/system_deps.sh)",
                allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")
pytest.importorskip("jupyterlab")
pytest.importorskip("anywidget")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on loopback serving a copy of notebooks/."""
    work = tmp_path_factory.mktemp("lab")
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, work / nb.name)
    home = work / ".home"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"))
    port, token = free_port(), os.urandom(12).hex()
    log = open(work / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
         "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
         "--LabApp.expose_app_in_browser=True"]
        + (["--allow-root"] if os.geteuid() == 0 else []),
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("JupyterLab did not start:\n" + (work / "lab.log").read_text()[-3000:])
            time.sleep(0.3)
    yield base, token, work
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(work / "lab.log", ARTIFACTS / "jupyterlab.log")


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)


def test_mandelbrot_widget_live_then_apply(lab, browser):
    base, token, _work = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base}/lab/tree/01_mandelbrot.ipynb?token={token}&reset")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                               timeout=90_000)
        # markdown, %load_ext, the definitions, markdown, then the %%jitprofile cell:
        # run through JupyterLab's own commands (keystrokes can be lost)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.content")
        page.evaluate("""async () => {
            const app = window.jupyterapp, panel = app.shell.currentWidget;
            await panel.sessionContext.ready;
            for (let i = 0; i < 4; i++) {
                panel.content.activeCellIndex = i;
                await app.commands.execute("notebook:run-cell");   // resolves when done
            }
            panel.content.activeCellIndex = 4;
            app.commands.execute("notebook:run-cell");             // not awaited: watch it run
        }""")
        status = page.locator(".jp-prof .jp-status").first
        status.wait_for(timeout=90_000)
        status.scroll_into_view_if_needed()
        live = set()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            state = status.get_attribute("data-state")
            if state == "running":
                live.add(status.get_attribute("data-updates"))
                if len(live) == 3:
                    shot(page, "mandelbrot-live.png")
            elif state == "done":
                break
            page.wait_for_timeout(50)
        assert status.get_attribute("data-state") == "done"
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
        rec.scroll_into_view_if_needed()
        rec.locator("button.jp-apply").click()
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
        assert not errors, errors
    finally:
        shot(page, "mandelbrot-final.png")
        page.close()


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
