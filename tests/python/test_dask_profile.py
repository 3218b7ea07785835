"""jitprofile.dask (issue 14): one live profile of a whole dask.distributed
cluster - a real LocalCluster of two spawned worker processes (module-wide),
tasks from an importable module (tests/python/dask_tasks.py) that call a
GIL-holding jitted kernel.  The merged profile names the kernel with its JIT
frames and native (libm) callees on both workers, labels samples with task
keys, follows a worker that joins later, and keeps the worker dimension in
the exports; Dask's own Client.profile() of the same run does not see the
kernel's JIT frames."""
import json
import logging
import os
import pathlib
import re
import subprocess
import sys
import time

import pytest

distributed = pytest.importorskip("distributed")

import jitprofile.dask as jpd  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import dask_tasks  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    env = {"PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                  dashboard_address=None, silence_logs=logging.ERROR,
                                  env=env) as c, distributed.Client(c) as client:
        yield c, client


def base(name):
    return name.split(" [", 1)[0]       # "f [jit int64]": a specialization


def kernel_stacks(prof):
    return [[base(f) for f in s] for s, _w in prof.stacks()
            if "dask_spin_kernel" in map(base, s)]


@pytest.fixture(scope="module")
def run(cluster):
    """One profiled run of four ~0.4 s tasks on the two workers."""
    c, client = cluster
    start = __import__("time").time()
    with jpd.profile(client) as prof:
        futs = [client.submit(dask_tasks.spin_task, 0.4, i, key=f"spin-{i}", pure=False)
                for i in range(4)]
        results = client.gather(futs)
    stop = __import__("time").time()
    dask_tree = client.profile(start=start, stop=stop)
    return prof, results, dask_tree


def test_results_match_python(run):
    _prof, results, _tree = run
    assert all(r > 0 for r in results)
    assert dask_tasks.dask_spin_kernel(5000) == pytest.approx(dask_tasks.spin_python(5000),
                                                               rel=1e-12)


def test_kernel_with_jit_and_native_frames_on_both_workers(run, cluster):
    prof, _results, _tree = run
    assert len(prof.workers) == 2
    # each worker announced its loopback endpoint through Dask's events
    _c, client = cluster
    session = {a["session"] for a in prof.workers.values()}
    ann = [m for _t, m in client.get_events(jpd.TOPIC) if m.get("session") in session]
    assert sorted(m["name"] for m in ann) == ["0", "1"]
    assert all(m["endpoint"].startswith("tcp://127.0.0.1:") for m in ann)
    per = prof.functions_by_worker("dask_spin_kernel")
    assert set(per) == {"0", "1"}, per
    assert all(w > 50 for w in per.values()), per
    funcs = {base(f[0]): f for f in prof.data.functions()}
    assert funcs["dask_spin_kernel"][4] == "jit"
    # the kernel's native callees (libm) below its JIT frame
    native_below = [s for s in kernel_stacks(prof)
                    if s.index("dask_spin_kernel") < len(s) - 1
                    and funcs[s[-1]][4] == "native"]
    assert native_below, kernel_stacks(prof)[:5]
    leaves = {s[-1] for s in native_below}
    assert any(funcs[n][2].startswith("libm") for n in leaves), leaves
    # the worker's task function is the kernel's caller (Python frames too)
    assert all("spin_task" in s[:s.index("dask_spin_kernel")] for s in kernel_stacks(prof))
    # the kernel dominates the workers' time
    total = sum(t[3] for t in prof.data.threads())
    assert sum(per.values()) > 0.5 * total


def test_dask_own_profiler_does_not_see_the_jit_frames(run):
    _prof, _results, tree = run
    names = []

    def walk(node):
        d = node.get("description") or {}
        names.append(d.get("name", ""))
        for k in node.get("children", {}).values():
            walk(k)
    walk(tree)
    assert tree["count"] > 0          # it did sample the run
    assert "spin_task" in names       # the Python caller, at best
    assert "dask_spin_kernel" not in names
    assert "exp" not in names and "log1p" not in names


def test_samples_labelled_with_task_keys_and_workers(run):
    prof, _results, _tree = run
    keys = prof.by_task(prefix=False)
    spin = {k: w for k, w in keys.items() if k.startswith("spin-")}
    assert set(spin) == {f"spin-{i}" for i in range(4)}, keys
    assert all(w > 50 for w in spin.values()), spin
    assert prof.by_task() and next(iter(prof.by_task())) == "spin"
    # a key's samples come from the one worker that ran it
    threads = prof.data.threads()
    where = {}
    for (t, _n, _ts, _w), key in zip(prof.data.samples(), prof.labels):
        if key in spin:
            where.setdefault(key, set()).add(prof.worker_of(threads[t][0]))
    assert all(len(v) == 1 for v in where.values()), where
    assert set().union(*where.values()) == {"0", "1"}
    assert all(name.split(": ", 1)[0] in ("0", "1") for _p, _t, name, _n in threads)
    text = prof.text()
    assert "Workers:" in text and "spin" in text


def test_exports_keep_the_worker_dimension(run, tmp_path):
    prof, _results, _tree = run
    doc = prof.to_speedscope(str(tmp_path / "s.json"))
    names = [p["name"] for p in doc["profiles"]]
    assert any(n.startswith("0: ") for n in names) and any(n.startswith("1: ") for n in names)
    d = prof.to_dict()
    assert {a["name"] for a in d["dask"]["workers"].values()} == {"0", "1"}
    assert len(d["dask"]["labels"]) == len(d["samples"])
    json.dumps(d)
    assert prof.to_html(str(tmp_path / "p.html")) == str(tmp_path / "p.html")
    page = (tmp_path / "p.html").read_text()
    state = json.loads(page.split("const state = ", 1)[1].split(";\nconst source", 1)[0])
    assert state["lanes"]["names"] == ["0", "1"]
    assert [r[0] for r in state["timeline"]["threads"]] == ["0", "1"]
    assert all(len(r) == 6 for r in state["hot"])
    assert state["numbers"] == prof.numbers and prof.numbers["workers"] == 2   # frozen at the end
    # the task filter's tables: per task key prefix, the weights of its samples
    assert state["tasks"]["names"] == ["spin"], state["tasks"]["names"]
    spin = sum(w for (_t, _n, _ts, w), k in zip(prof.data.samples(), prof.labels)
               if k is not None and k.startswith("spin-"))
    assert 0 < sum(state["tasks"]["weights"][0]) <= spin
    view = prof.profile.view()          # what the widget shows: less the profiler's own
    at, vthreads = prof.task_prefix_at(), view.threads()
    assert sum(state["tasks"]["weights"][0]) == sum(
        w for t, _n, ts, w in view.samples() if at(*vthreads[t][:2], ts) == "spin")


def test_worker_that_joins_later_is_profiled(cluster):
    c, client = cluster
    try:
        with jpd.profile(client) as prof:
            c.scale(3)
            client.wait_for_workers(3, timeout=60)
            new = [a for a, w in client.scheduler_info()["workers"].items() if w["name"] == 2]
            assert new
            client.submit(dask_tasks.spin_task, 0.3, key="late-0", workers=new).result()
        per = prof.functions_by_worker("dask_spin_kernel")
        assert per.get("2", 0) > 30, per
        assert "late-0" in prof.by_task(prefix=False)
    finally:
        c.scale(2)
        deadline = time.monotonic() + 60      # the next test starts on two workers
        while len(client.scheduler_info()["workers"]) > 2 and time.monotonic() < deadline:
            time.sleep(0.1)


def test_cluster_recommendation_speedup_measured_on_a_worker(cluster):
    """With args= recorded on the workers, the cluster's jit recommendation
    for hot plain Python carries the speedup measured on a worker that
    recorded the arguments (the single-process advisor's measuring code,
    run there as a task) and the recorded signature; the arguments stay on
    the worker and are dropped after the session."""
    _c, client = cluster
    with jpd.profile(client, args="sampled") as prof:
        client.gather([client.submit(dask_tasks.py_many, 150, 20_000, i, key=f"pym-{i}",
                                     pure=False) for i in range(2)])
    recs = [r for r in prof.suggestions if r.function == "py_kernel"]
    assert len(recs) == 1, [r.to_dict() for r in prof.suggestions]
    rec = recs[0]
    d = rec.to_dict()
    assert rec.applicable and rec.reason is None, d
    assert rec.speedup is not None and rec.speedup > 1, d
    assert d["speedup"] == round(rec.speedup, 2)
    assert rec.signatures == ["(int64)"], d
    workers = client.scheduler_info()["workers"]
    assert d["measured_on"] in workers
    assert prof.recorded_on[("py_kernel", rec.file, rec.line)][0] == d["measured_on"]
    from jitprofile.widget_data import recommendation_rows
    row = recommendation_rows(prof.suggestions)[prof.suggestions.index(rec)]
    assert row["speedup"] == d["speedup"] and row["signatures"] == ["(int64)"]
    # nothing kept on the workers once the session is over
    assert set(client.run(lambda: len(__import__("jitprofile.dask").dask._KEPT)).values()) == {0}


def test_cluster_recommendation_with_a_plain_callee_applies_both(cluster):
    """The measurement jits the plain Python callees along (the single-process
    advisor's jit_closure); Apply compiles them on the workers too, so the
    applied function compiles there; Undo puts both back."""
    _c, client = cluster
    with jpd.profile(client, args="sampled") as prof:
        client.gather([client.submit(dask_tasks.py_outer_many, 60, 20_000, i, key=f"pyo-{i}",
                                     pure=False) for i in range(2)])
    recs = [r for r in prof.suggestions if r.function == "py_outer"]
    assert len(recs) == 1, [r.to_dict() for r in prof.suggestions]
    rec = recs[0]
    assert rec.callees == ["py_inner"] and rec.to_dict()["includes"] == ["py_inner"], rec.to_dict()
    assert rec.applicable and rec.speedup is not None and rec.speedup > 1, rec.to_dict()
    assert "dask_tasks.py_inner" in rec.code and "dask_tasks.py_outer" in rec.code

    def kinds():
        return set(client.run(lambda: tuple(type(getattr(__import__("dask_tasks"), n)).__name__
                                            for n in ("py_outer", "py_inner"))).values())
    from jitprofile.actions import act_on
    assert act_on(rec, "apply").startswith("applied: py_outer"), rec.message
    try:
        assert kinds() == {("Dispatcher", "Dispatcher")}
        got = client.submit(dask_tasks.py_outer_many, 2, 5000, pure=False).result()
        assert got == pytest.approx(2 * dask_tasks.py_outer(5000), rel=1e-12)
    finally:
        assert act_on(rec, "undo").startswith("undone: py_outer")
    assert kinds() == {("function", "function")}


def test_remote_endpoint_needs_allow_remote(cluster):
    """Workers bind loopback by default; an announced routable endpoint is
    ignored (with a warning) unless the session opted in."""
    _c, client = cluster
    from jitprofile.stream import Publisher
    with pytest.raises(PermissionError):
        Publisher("tcp://0.0.0.0:*")
    assert jpd.ProfilerPlugin().endpoint == "tcp://127.0.0.1:*"
    ann = {"worker": "tcp://10.9.8.7:4000", "name": "x", "pid": 1, "endpoint":
           "tcp://10.9.8.7:5555", "stream_id": 1}
    closed = jpd.profile(client)
    with pytest.warns(UserWarning, match="allow_remote=True"):
        closed._on_event((0.0, dict(ann, session=closed.session)))
    assert not closed._subs and closed.rejected
    opened = jpd.profile(client, allow_remote=True)
    assert opened.plugin.endpoint == "tcp://0.0.0.0:*" and opened.plugin.allow_remote
    opened._on_event((0.0, dict(ann, session=opened.session)))
    assert list(opened._subs) == ["tcp://10.9.8.7:4000"]
    opened._subs["tcp://10.9.8.7:4000"][0].close()
    # another session's announcements are not ours
    opened._on_event((0.0, dict(ann, worker="tcp://10.9.8.7:4001", session="other")))
    assert len(opened._subs) == 1


def test_import_without_dask_says_what_to_install():
    code = ("import sys; sys.modules['distributed'] = None\n"
            "try:\n import jitprofile.dask\nexcept ImportError as e:\n print('ERR', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert "ERR" in out.stdout and "pip install 'jitprofile[dask]'" in out.stdout, out


def test_cell_magic_dask_prints_the_cluster_report(cluster):
    """%%jitprofile --dask in terminal IPython (no widget): the cell runs in
    the shell, the default Client's workers are profiled and merged."""
    _c, client = cluster
    driver = f"""
import sys
sys.path.insert(0, {str(HERE)!r})
from IPython.testing.globalipapp import start_ipython
ip = start_ipython()
ip.run_line_magic("load_ext", "jitprofile")
from distributed import Client
client = Client({client.scheduler.address!r})
import dask_tasks
ip.user_ns.update(client=client, dask_tasks=dask_tasks)
ip.run_cell_magic("jitprofile", "--dask",
    "futs = [client.submit(dask_tasks.spin_task, 0.3, i, key=f'magic-{{i}}', pure=False) for i in range(2)]\\n"
    "sum(client.gather(futs)) > 0")
prof = ip.user_ns["_jitprofile"]
print("WORKERS", sorted(prof.functions_by_worker("dask_spin_kernel")))
print("KEYS", sorted(k for k in prof.by_task(prefix=False) if k.startswith("magic-")))
client.close()
"""
    p = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True,
                       timeout=240)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "dask_spin_kernel" in p.stdout and "Workers:" in p.stdout, p.stdout
    assert "WORKERS ['0', '1']" in p.stdout, p.stdout
    assert "KEYS ['magic-0', 'magic-1']" in p.stdout, p.stdout
    # the frozen figures under the report, as a plain %%jitprofile cell's (issue 19)
    assert re.search(r"^cell [\d.]+ m?s \u00b7 sampled [\d.]+ m?s \([\d,]+ samples\) on 2 workers",
                     p.stdout, re.M), p.stdout


def test_apply_jit_compiles_on_every_worker_then_undo(cluster):
    """apply_jit: the workers' module attribute becomes a jitprofile
    dispatcher (a plugin: future workers too); the profile shows the
    function as JIT code on both workers; undo_jit puts Python back."""
    _c, client = cluster
    def kinds():
        return set(client.run(lambda: type(__import__("dask_tasks").py_kernel).__name__).values())
    assert kinds() == {"function"}
    # the cluster's recommendation: py_kernel is hot Python on both workers (long
    # enough to be advised: figures.MIN_SAMPLED_S of samples at least)
    with jpd.profile(client) as before:
        client.gather([client.submit(dask_tasks.py_task, 1_500_000, i, key=f"pyp-{i}",
                                     pure=False) for i in range(2)])
    recs = [r for r in before.suggestions if r.function == "py_kernel"]
    assert len(recs) == 1 and recs[0].applicable and recs[0].workers == ["0", "1"], \
        [r.to_dict() for r in before.suggestions]
    assert not [r for r in before.suggestions if r.function == "py_task"]
    # no arguments recorded (args=None): applicable, not measured, and says why
    assert recs[0].speedup is None and "args='sampled'" in recs[0].to_dict()["reason"]
    from jitprofile.actions import act_on
    assert act_on(recs[0], "apply").startswith("applied: py_kernel compiled on every worker")
    try:
        assert kinds() == {"Dispatcher"}
        with jpd.profile(client) as prof:
            futs = [client.submit(dask_tasks.py_task, 3_000_000, i, key=f"pyk-{i}", pure=False)
                    for i in range(4)]
            got = client.gather(futs)
        assert got[0] == pytest.approx(dask_tasks.py_kernel(3_000_000), rel=1e-12)
        jit_rows = [f for f in prof.data.functions()
                    if base(f[0]) == "py_kernel" and f[4] == "jit"]
        assert jit_rows, [f for f in prof.data.functions() if "py_kernel" in f[0]]
        assert set(prof.functions_by_worker("py_kernel")) == {"0", "1"}
        assert not [r for r in prof.suggestions if r.function == "py_kernel"]
    finally:
        assert act_on(recs[0], "undo").startswith("undone: py_kernel")
    assert kinds() == {"function"}
    name = jpd.apply_jit(client, dask_tasks.py_kernel)
    assert kinds() == {"Dispatcher"}
    client.unregister_worker_plugin(name)
    assert kinds() == {"function"}
    with pytest.raises(ValueError, match="module-level"):
        jpd.apply_jit(client, lambda x: x)


def test_kernel_dask_cell_figures_export_errors_and_worker_applies(cluster, tmp_path):
    """%%jitprofile --dask in a real kernel (ipykernel, the widget's traits
    without a browser), issue 19 for the cluster widget: the frozen figures
    (sample count, cell / sampled / advisor time, the workers, estimated
    calls, the projection next to the measured speedup) and Export equal the
    plain %%jitprofile widget's; a cell that raises fails with the user's
    traceback only and the header "raised ValueError at In[N], line L" in a
    too-short profile without recommendations; an apply on the workers is
    listed by %jitprofile_status (workers, measured speedup), shown in later
    widgets' banner and undone by %jitprofile_undo."""
    jupyter_client = pytest.importorskip("jupyter_client")
    pytest.importorskip("ipykernel")
    pytest.importorskip("anywidget")
    from test_apply_state import run as run_cell
    _c, client = cluster
    strip = lambda s: re.sub(r"\x1b\[[0-9;]*m", "", s)     # noqa: E731 - ANSI colours
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    try:
        def run(code):
            reply, tb, out = run_cell(kc, code)
            return reply, strip(tb), out
        run("%load_ext jitprofile")
        reply, _, _ = run(f"import os, sys, json; sys.path.insert(0, {str(HERE)!r}); "
                          f"os.chdir({str(tmp_path)!r})\nimport dask_tasks\n"
                          f"from distributed import Client\nclient = Client({client.scheduler.address!r})\n"
                          "m = get_ipython().magics_manager.registry['JitprofileMagics']")
        assert reply["status"] == "ok", reply
        reply, _, _ = run("%%jitprofile --dask\n"
                          "futs = [client.submit(dask_tasks.py_many, 150, 20_000, i, key=f'kpy-{i}',"
                          " pure=False) for i in range(2)]\ntotal = sum(client.gather(futs))\n")
        assert reply["status"] == "ok", reply
        n = reply["execution_count"]
        _, _, out = run("w = m.widget\nrecs = {r['function']: r for r in w.recs}\n"
                        "hot = {w.strings[w.funcs[5 * r[0]]].split(' [')[0]: r[3] for r in w.hot}\n"
                        "print(json.dumps({'status': w.status, 'title': w.title, 'numbers': w.numbers,"
                        " 'can_export': w.can_export, 'rec': recs.get('py_kernel'), 'hot': hot}))")
        got = json.loads(out)
        # the hotspot table's calls column: the workers' recorded calls (was empty)
        frozen = {c[0]: c[3] for c in got["numbers"]["calls"]}
        assert got["hot"]["py_kernel"] == frozen["py_kernel"] > 0, (got["hot"], frozen)
        nums = got["numbers"]
        assert got["status"] == "done" and got["title"] == f"%%jitprofile --dask (In[{n}])"
        assert got["can_export"] is True
        assert nums["workers"] == 2 and nums["samples"] >= 50 and not nums["too_short"], nums
        assert nums["cell_s"] > 0 and nums["advisor_s"] is not None, nums
        assert nums["sampled_s"] == pytest.approx(nums["samples"] / 1000, rel=1e-6)
        assert nums["status"].startswith(f"cell ") and f"({nums['samples']:,} samples) on 2 workers" \
            in nums["status"] and "advisor measured" in nums["status"], nums["status"]
        # the workers' recorded calls, frozen and marked as estimates (sampled recording)
        assert nums["calls_estimated"] is True
        assert [c[3] for c in nums["calls"] if c[0] == "py_kernel"] and \
            all(c[3] > 0 for c in nums["calls"]), nums["calls"]
        rec = got["rec"]
        assert rec and rec["speedup"] > 1, got
        per = nums["projection"]["per"][str(rec["index"])]
        assert per.startswith(f"cell {per.split()[1]}") and "py_kernel" in per and "x faster" in per, per
        assert nums["projection"]["all"].startswith("applying all: "), nums["projection"]
        # Export: the page holds the widget's own numbers and the worker lanes
        _, _, out = run("w._handle_custom_msg({'type': 'export'}, [])\nprint(w.exported)")
        path = out.strip()
        assert path == str(tmp_path / f"jitprofile-dask-in-{n}.html"), out
        page = pathlib.Path(path).read_text()
        state = json.loads(page.split("const state = ", 1)[1].split(";\nconst source", 1)[0])
        assert state["numbers"] == nums and state["lanes"]["names"] == ["0", "1"]
        # Apply on the workers: listed with the worker count and the measured speedup
        _, _, out = run("%jitprofile_apply")
        assert re.search(r"applied: py_kernel compiled on every worker \(2 now, and those that "
                         r"join later\), measured \d+\.\dx faster per call on tcp://", out), out
        _, _, out = run("%jitprofile_status")
        row = next(ln for ln in out.splitlines() if ln.strip().startswith("py_kernel "))
        speed = float(re.search(r"(\d+\.\d)x measured", row).group(1))
        assert "@njit on 2 workers" in row and speed == pytest.approx(rec["speedup"], abs=0.06), out
        assert "defined dask_tasks.py:" in row and f"measured by the profile of In[{n}]" in row, row
        # a --dask cell that raises: error state and header, the user's frames only
        reply, tb, _ = run("%%jitprofile --dask\ndef f(v):\n    raise ValueError(v)\n"
                           "f(client.submit(dask_tasks.py_task, 10, pure=False).result())\n")
        assert reply["status"] == "error" and reply["ename"] == "ValueError", reply
        k = reply["execution_count"]
        assert f"Cell In[{k}], line 4" in tb and f"Cell In[{k}], line 3, in f(v)" in tb, tb
        for magic_frame in ("run_cell_magic", "magics.py", "get_ipython()", "dask.py"):
            assert magic_frame not in tb, tb
        _, _, out = run("print(json.dumps({'status': m.widget.status, 'error': m.widget.error,"
                        " 'recs': m.widget.recs, 'short': m.widget.numbers['too_short'],"
                        " 'applied': m.widget.applied}))")
        got = json.loads(out)
        assert got["status"] == "error" and got["error"] == f"raised ValueError at In[{k}], line 3", got
        assert got["short"].startswith("too short to profile reliably") and got["recs"] == [], got
        assert [(a["name"], a["decorator"], a["workers"]) for a in got["applied"]] == \
            [("py_kernel", "@njit on 2 workers", 2)], got["applied"]
        # %jitprofile_undo: everything applied in the kernel, the workers' too
        _, _, out = run("%jitprofile_undo")
        assert "undone: py_kernel is the original Python function again" in out, out
        _, _, out = run("print(sorted(set(client.run(lambda: type(__import__('dask_tasks').py_kernel)"
                        ".__name__).values())))\n%jitprofile_status")
        assert "['function']" in out and "nothing applied in this kernel" in out, out
        run("client.close()")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
