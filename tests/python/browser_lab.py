"""tests/python/browser_lab.py - what every browser test shares: a JupyterLab
server on 127.0.0.1 (a free port, a token, its own config and runtime
folders) serving a copy of notebooks/, Debian's headless Chromium driven by
Playwright (the system browser: never `playwright install`), and the steps
the tests repeat: write a notebook, open it, run its cells through
JupyterLab's own commands (keystrokes can be lost), wait for a widget to
finish, keep screenshots in build/test-artifacts/.

A test module imports the fixtures by name:
    from browser_lab import ARTIFACTS, browser, lab, shot  # noqa: F401
Importing this module skips the importing test module when Chromium or
Playwright is missing; the `lab` fixture skips its tests without JupyterLab
or anywidget (a static to_html() page needs neither)."""
import contextlib
import json
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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on loopback serving a copy of notebooks/:
    (base url, token, its root folder)."""
    pytest.importorskip("jupyterlab")
    pytest.importorskip("anywidget")
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


def write_notebook(path, cells):
    """A Python 3 notebook of code cells (sources as strings)."""
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                     "outputs": [], "source": c} for c in cells],
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                      "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    pathlib.Path(path).write_text(json.dumps(nb))


@contextlib.contextmanager
def notebook_page(browser, lab, name, viewport=(1400, 1000), final_shot=None):
    """A page with the notebook `name` (in the lab's folder) open and its
    kernel ready; page.errors collects the page's JavaScript errors."""
    base, token, _work = lab
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.set_default_timeout(60_000)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    try:
        page.goto(f"{base}/lab/tree/{name}?token={token}&reset")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.content")
        yield page
    finally:
        if final_shot:
            shot(page, final_shot)
        page.close()


def run_cells(page, cells, start=None):
    """Run the cells at the indices `cells` one after the other (each to its
    end), then start the cell `start` without waiting for it."""
    page.evaluate("""async ([cells, start]) => {
        const app = window.jupyterapp, panel = app.shell.currentWidget;
        await panel.sessionContext.ready;
        for (const i of cells) {
            panel.content.activeCellIndex = i;
            await app.commands.execute("notebook:run-cell");       // resolves when done
        }
        if (start !== null) {
            panel.content.activeCellIndex = start;
            app.commands.execute("notebook:run-cell");             // not awaited: watch it run
        }
    }""", [list(cells), start])


def watch_widget(page, timeout=180, on_running=None):
    """Wait for the first profile widget's status to say done; returns the
    set of update counts seen while it was running (live updates)."""
    status = page.locator(".jp-prof .jp-status").first
    status.wait_for(timeout=120_000)
    live = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = status.get_attribute("data-state")
        if state == "running":
            live.add(status.get_attribute("data-updates"))
            if on_running:
                on_running(live)
        elif state == "done":
            break
        page.wait_for_timeout(50)
    assert status.get_attribute("data-state") == "done"
    return live


def click_settled(page, locator, attempts=5):
    """Scroll locator into view and click it, again if a redraw of the
    widget (a late model update after the cell's end) detached the element
    between finding and clicking it."""
    for attempt in range(attempts):
        try:
            locator.scroll_into_view_if_needed()
            locator.click()
            return
        except playwright.Error as e:
            if "not attached" not in str(e) or attempt == attempts - 1:
                raise
            page.wait_for_timeout(200)
