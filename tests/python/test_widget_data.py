"""The notebook widget's data (issue 6): a profile as interned tables
(kernel_ext/jitprofile/widget_data.py), read incrementally while it grows,
the live updater against a real sampler session, and the static HTML export
(Profile.to_html)."""
import json
import re
import time

import pytest

from jitprofile import _core
from jitprofile.profile import Profile
from jitprofile.widget_data import TableBuilder, recommendation_rows


def small_profile():
    d = _core.ProfileData()
    d.interval = 0.001
    main = d.intern_func("main", "/x/app.py", "app", 1, "python")
    work = d.intern_func("work", "/x/app.py", "app", 10, "python")
    sort = d.intern_func("npy_sort", "/usr/lib/libnp.so", "libnp.so", 0, "native")
    n_main = d.intern_node(0, d.intern_frame(main, 3))
    n_work_a = d.intern_node(n_main, d.intern_frame(work, 12))
    n_work_b = d.intern_node(n_main, d.intern_frame(work, 14))   # same function, other line
    n_sort = d.intern_node(n_work_a, d.intern_frame(sort, 0))
    t = d.add_thread(100, 101, "MainThread")
    for i, (node, w) in enumerate([(n_sort, 5), (n_work_a, 2), (n_work_b, 3), (n_main, 1)]):
        d.add_sample(t, node, 1_000_000_000 + i * 20_000_000, w)
    return d, (main, work, sort), (n_main, n_work_a, n_work_b, n_sort)


def test_tables_are_interned_and_weights_per_node():
    d, (main, work, sort), (n_main, n_work_a, n_work_b, n_sort) = small_profile()
    tb = TableBuilder(d).tables()
    s = tb["strings"]
    assert len(s) == len(set(s))                       # each string once
    assert s.count("/x/app.py") == 1
    funcs = [tb["funcs"][i:i + 5] for i in range(0, len(tb["funcs"]), 5)]
    assert [s[f[0]] for f in funcs] == ["main", "work", "npy_sort"]
    assert [s[f[4]] for f in funcs] == ["python", "python", "native"]
    nodes = [tb["nodes"][i:i + 2] for i in range(0, len(tb["nodes"]), 2)]
    assert nodes[n_work_a] == [n_main, work] and nodes[n_work_b] == [n_main, work]
    assert nodes[n_sort] == [n_work_a, sort]
    assert tb["weights"][n_sort] == 5 and tb["weights"][n_work_b] == 3
    assert tb["total"] == 11
    hot = {r[0]: r for r in tb["hot"]}                 # [func, self, total, calls, threads]
    assert hot[sort][1:3] == [5, 5]
    assert hot[work][1:3] == [5, 10] and hot[main][1:3] == [1, 11]
    assert tb["hot"][-1][0] == main                    # sorted by self time
    (name, pid, tid, vals), = tb["timeline"]["threads"]
    assert (name, pid, tid) == ("MainThread", 100, 101)
    assert sum(vals) * tb["timeline"]["bucket"] == pytest.approx(11 * 0.001, rel=1e-3)


def test_samples_are_read_incrementally():
    d, _funcs, (n_main, *_rest) = small_profile()
    assert len(d.samples(3)) == 1 and d.samples(99) == [] and len(d.samples()) == 4
    b = TableBuilder(d)
    first = b.tables()
    d.add_sample(0, n_main, 1_100_000_000, 7)
    second = b.tables()
    assert second["weights"][n_main] == first["weights"][n_main] + 7
    assert second["total"] == first["total"] + 7
    assert second["strings"] == first["strings"]       # nothing new to send


def test_recommendation_rows_carry_index_and_state():
    class S:
        applied = True
        message = "applied: f"

        def to_dict(self):
            return {"function": "f", "kind": "jit", "speedup": 3.0}
    rows = recommendation_rows([S(), S()])
    assert [r["index"] for r in rows] == [0, 1]
    assert rows[0]["applied"] is True and rows[0]["message"] == "applied: f"


def spin(seconds):
    end = time.process_time() + seconds
    x = 0
    while time.process_time() < end:
        x += 1
    return x


def test_live_view_updates_while_the_profile_runs():
    pytest.importorskip("anywidget")
    from jitprofile.widget import LiveView, ProfileWidget
    prof = Profile(hz=1000, wall=True, args=None)      # wall time: idle threads sampled too
    w = ProfileWidget()
    seen = []
    w.observe(lambda ch: seen.append((ch["new"], w.total, w.status)), names="updates")
    view = LiveView(prof, w, period=0.05)
    prof.start()
    view.start()
    spin(0.6)
    prof.stop()
    view.finish([])
    running = [s for s in seen if s[2] == "running"]
    assert len(running) >= 3
    assert running[-1][1] > running[0][1] > 0          # the totals grew while it ran
    assert w.status == "done" and seen[-1][2] == "done"
    names = {w.strings[w.funcs[5 * r[0]]] for r in w.hot}
    assert "spin" in names
    # the updater thread keeps itself out of the profile
    assert "LiveView._loop" not in names and "LiveView.update" not in names
    assert [n for _p, _t, name, n in prof.data.threads() if name == "jitprofile-widget"] in ([], [0])


def test_to_html_inlines_the_widget_and_the_tables(tmp_path):
    d, _funcs, _nodes = small_profile()
    prof = Profile(hz=1000, args=None)
    prof.data.merge(d)
    assert prof.to_html(tmp_path / "p.html") == tmp_path / "p.html"     # the path back
    page = (tmp_path / "p.html").read_text()
    assert page == str(prof.to_html())
    assert "function render" in page and ".jp-prof" in page      # JS and CSS inlined
    assert "http://" not in page and "https://" not in page       # no network
    state = json.loads(re.search(r"const state = (.*);\n", page).group(1))
    assert "npy_sort" in state["strings"] and state["status"] == "done"
    assert "</script>" not in page.split("const source = ", 1)[1].split(";\nconst handlers")[0]
