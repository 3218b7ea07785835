"""jitprofile.dask in a real browser (issue 14): JupyterLab + Debian's
headless Chromium (fixtures of test_notebook_browser.py).  A notebook starts
a LocalCluster of two spawned workers, runs a `%%jitprofile --dask` cell
whose tasks spend their time in a jitted kernel, and the widget shows one
timeline lane per worker, the worker filter, and the kernel in the hotspot
table with both workers in its Workers column."""
import pathlib
import time

import pytest

pytest.importorskip("distributed")
from test_notebook_browser import ARTIFACTS, browser, lab, shot  # noqa: E402,F401

nbformat = pytest.importorskip("nbformat")
TASKS = str(pathlib.Path(__file__).resolve().parent)


def write_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext jitprofile"),
        nbformat.v4.new_code_cell(
            "import logging, sys\n"
            f"sys.path.insert(0, {TASKS!r})\n"
            "from dask.distributed import Client, LocalCluster\n"
            "import dask_tasks\n"
            "cluster = LocalCluster(processes=True, n_workers=2, threads_per_worker=1,\n"
            "                       dashboard_address=None, silence_logs=logging.ERROR,\n"
            f"                       env={{'PYTHONPATH': {TASKS!r}}})\n"
            "client = Client(cluster)"),
        nbformat.v4.new_code_cell(
            "%%jitprofile --dask\n"
            "futs = [client.submit(dask_tasks.spin_task, 0.6, i, pure=False) for i in range(6)]\n"
            "futs += [client.submit(dask_tasks.py_task, 2_000_000, i, pure=False) for i in range(2)]\n"
            "total = sum(client.gather(futs))"),
        nbformat.v4.new_code_cell("client.close(); cluster.close()"),
    ]
    nbformat.write(nb, str(path))


def test_cluster_widget_has_a_lane_per_worker(lab, browser):
    base, token, work = lab
    write_notebook(work / "dask_cluster.ipynb")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base}/lab/tree/dask_cluster.ipynb?token={token}&reset")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.content")
        page.evaluate("""async () => {
            const app = window.jupyterapp, panel = app.shell.currentWidget;
            await panel.sessionContext.ready;
            for (let i = 0; i < 2; i++) {
                panel.content.activeCellIndex = i;
                await app.commands.execute("notebook:run-cell");
            }
            panel.content.activeCellIndex = 2;
            app.commands.execute("notebook:run-cell");     // not awaited: watch it run
        }""")
        status = page.locator(".jp-prof .jp-status").first
        status.wait_for(timeout=120_000)
        live = set()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            state = status.get_attribute("data-state")
            if state == "running":
                live.add(status.get_attribute("data-updates"))
            elif state == "done":
                break
            page.wait_for_timeout(50)
        assert status.get_attribute("data-state") == "done"
        assert len(live) >= 2, live         # the workers' profiles arrived while running
        timeline = page.locator(".jp-prof canvas.jp-timeline").first
        assert timeline.get_attribute("data-lanes") == "0,1"
        assert timeline.get_attribute("data-threads") == "2"
        sel = page.locator(".jp-prof select.jp-worker").first
        assert sel.is_visible()
        assert [o.inner_text() for o in sel.locator("option").all()] == \
            ["all workers", "worker 0", "worker 1"]
        row = page.locator(".jp-prof table.jp-hot tr[data-func^='dask_spin_kernel']").first
        workers = row.locator("td.jp-workers").inner_text()
        assert "0:" in workers and "1:" in workers, workers
        page.locator(".jp-prof").first.screenshot(path=str(ARTIFACTS / "dask-cluster-widget.png"))
        sel.select_option("1")                  # one worker: its flame graph and table
        page.wait_for_timeout(300)
        assert page.locator(".jp-prof table.jp-hot tr[data-func^='dask_spin_kernel']").count() == 1
        # the task filter: one kind of task (key prefix), its flame graph and table
        tasks = page.locator(".jp-prof select.jp-task").first
        assert tasks.is_visible()
        opts = [o.inner_text() for o in tasks.locator("option").all()]
        assert opts[0] == "all tasks" and set(opts[1:]) == {"task spin_task", "task py_task"}, opts
        tasks.select_option(str(opts.index("task py_task") - 1))
        page.wait_for_timeout(300)
        hot = page.locator(".jp-prof table.jp-hot")
        assert hot.locator("tr[data-func^='py_kernel']").count() == 1
        # its hottest function (the table sorted by self time); the kernel of the
        # other tasks only at the 10 ms label boundaries, if at all
        assert hot.locator("tr[data-func]").first.get_attribute("data-func") == "py_kernel"
        assert sel.input_value() == "-1"        # the worker filter went back to all
        assert not errors, errors
    finally:
        shot(page, "dask-cluster-final.png")
        page.evaluate("""async () => {
            const app = window.jupyterapp, panel = app.shell.currentWidget;
            panel.content.activeCellIndex = 3;
            await app.commands.execute("notebook:run-cell");
        }""")
        page.close()
