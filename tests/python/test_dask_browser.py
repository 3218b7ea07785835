"""jitprofile.dask in a real browser (issue 14): JupyterLab + Debian's
headless Chromium (tests/python/browser_lab.py).  A notebook starts
a LocalCluster of two spawned workers, runs a `%%jitprofile --dask` cell
whose tasks spend their time in a jitted kernel, and the widget shows one
timeline lane per worker, the worker filter, and the kernel in the hotspot
table with both workers in its Workers column; once the cell ends, the
status line splits cell and sampled time over the two workers, and Export
writes the page (issue 19)."""
import pathlib

import pytest

pytest.importorskip("distributed")
from browser_lab import ARTIFACTS, browser, lab, notebook_page, run_cells, shot  # noqa: E402,F401
from browser_lab import watch_widget, write_notebook  # noqa: E402

TASKS = str(pathlib.Path(__file__).resolve().parent)
CELLS = [
    "%load_ext jitprofile",
    "import logging, sys\n"
    f"sys.path.insert(0, {TASKS!r})\n"
    "from dask.distributed import Client, LocalCluster\n"
    "import dask_tasks\n"
    "cluster = LocalCluster(processes=True, n_workers=2, threads_per_worker=1,\n"
    "                       dashboard_address=None, silence_logs=logging.ERROR,\n"
    f"                       env={{'PYTHONPATH': {TASKS!r}}})\n"
    "client = Client(cluster)",
    "%%jitprofile --dask\n"
    "futs = [client.submit(dask_tasks.spin_task, 0.6, i, pure=False) for i in range(6)]\n"
    "futs += [client.submit(dask_tasks.py_task, 2_000_000, i, pure=False) for i in range(2)]\n"
    "total = sum(client.gather(futs))",
    "client.close(); cluster.close()",
]


def test_cluster_widget_has_a_lane_per_worker(lab, browser):
    write_notebook(lab[2] / "dask_cluster.ipynb", CELLS)
    with notebook_page(browser, lab, "dask_cluster.ipynb", final_shot="dask-cluster-final.png") as page:
        try:
            run_cells(page, range(2), start=2)
            live = watch_widget(page)
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
            # issue 19: the split status line of the whole cluster, and Export
            status = page.locator(".jp-prof .jp-status").first
            text = status.inner_text()
            assert text.startswith("done \u00b7 cell ") and "samples) on 2 workers" in text, text
            assert int(status.get_attribute("data-samples")) >= 50
            page.locator(".jp-prof button.jp-export").first.click()
            page.wait_for_function("() => document.querySelector('.jp-prof .jp-exported').dataset.path")
            path = page.locator(".jp-prof .jp-exported").first.get_attribute("data-path")
            assert path.endswith("jitprofile-dask-in-3.html") and pathlib.Path(path).is_file(), path
            assert not page.errors, page.errors
        finally:
            run_cells(page, [3])            # close the cluster
