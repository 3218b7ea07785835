"""The profiler's own threads and frames are hidden from reports by default
and shown with show_internal=True (issue 16)."""
import os
import threading
import time

import jitprofile
from jitprofile import _core, _internal
from jitprofile.widget_data import TableBuilder

PKG = os.path.dirname(jitprofile.__file__)


def spin(seconds):
    t0 = time.thread_time()
    while time.thread_time() - t0 < seconds:
        sum(range(1000))


def user_work_here(seconds):
    spin(seconds)


def synthetic():
    """A ProfileData with user, profiler and kernel samples (real tables)."""
    d = _core.ProfileData()
    d.interval = 0.001
    main = d.intern_func("main", "/app/script.py", "script", 1, "python")
    work = d.intern_func("work", "/app/script.py", "script", 5, "python")
    stop = d.intern_func("Profile.stop", os.path.join(PKG, "profile.py"), "jitprofile.profile",
                         270, "python")
    runner = d.intern_func("Profile.__enter__", os.path.join(PKG, "profile.py"),
                           "jitprofile.profile", 300, "python")
    hook = d.intern_func("code_dealloc_hook", "/x/_core.cpython-311-x86_64-linux-gnu.so",
                         "_core.cpython-311-x86_64-linux-gnu.so", 0, "native")
    libm = d.intern_func("sin", "/lib/libm.so.6", "libm.so.6", 0, "native")

    def path(*funcs):
        node = 0
        for f in funcs:
            node = d.intern_node(node, d.intern_frame(f, 0))
        return node

    t_main = d.add_thread(1, 1, "MainThread")
    t_iopub = d.add_thread(1, 2, "IOPub")
    t_widget = d.add_thread(1, 3, "jitprofile-widget")
    d.add_sample(t_main, path(main, work, libm), 10, 5)      # user, with a native leaf
    d.add_sample(t_main, path(main, stop), 11, 2)             # the profiler's frame at the leaf
    d.add_sample(t_main, path(main, work, hook), 12, 3)       # the dealloc hook under user code
    d.add_sample(t_main, path(runner, work), 13, 4)           # user code the profiler runs
    d.add_sample(t_iopub, path(main), 14, 6)
    d.add_sample(t_widget, path(main), 15, 7)
    return d


def test_classification_on_real_tables():
    d = synthetic()
    m = _internal.Mirror(d).sync()
    assert sum(s[3] for s in m.samples()) == 5 + 4
    total, rows = m.stats()
    names = {d.functions()[f][0] for f, *_ in rows}
    assert names >= {"work", "sin", "main", "Profile.__enter__"}
    assert "Profile.stop" not in names and "code_dealloc_hook" not in names
    # ids are the source's: the widget's function indices stay valid
    assert m.functions() == d.functions() and m.nodes() == d.nodes()
    full_total, _ = d.stats()
    assert full_total == 5 + 2 + 3 + 4 + 6 + 7


def test_reports_hide_the_profilers_threads_unless_asked():
    stop = threading.Event()

    def updater():
        while not stop.is_set():
            spin(0.01)

    # started before the session: found by following /proc, not by the
    # thread hook (which keeps jitprofile-* threads unsampled from the start)
    t = threading.Thread(target=updater, name="jitprofile-widget", daemon=True)
    t.start()
    try:
        for show in (False, True):
            with jitprofile.Profile(hz=500, args=None, show_internal=show) as prof:
                user_work_here(0.3)
            names = [r.name.rsplit(".", 1)[-1] for r in prof.top(50)]
            threads = [r["name"] for r in prof.by_thread()]
            assert "user_work_here" in names
            if show:
                assert "jitprofile-widget" in threads, threads
                assert "updater" in names
            else:
                assert "jitprofile-widget" not in threads, threads
                assert "updater" not in names
                assert "updater" not in prof.to_collapsed()
                assert "updater" not in prof.text()
                assert not any("jitprofile-widget" in p["name"]
                               for p in prof.to_speedscope()["profiles"])
            # the widget's tables follow the same choice
            tables = TableBuilder(prof.data, show_internal=show).tables()
            hot = {tables["strings"][tables["funcs"][5 * row[0]]].rsplit(".", 1)[-1]
                   for row in tables["hot"]}
            assert ("updater" in hot) == show
            # the raw data keeps everything either way
            assert any(f[0].endswith("updater") for f in prof.data.functions())
            prof.show_internal = not show
            assert ("updater" in [r.name.rsplit(".", 1)[-1] for r in prof.top(50)]) == (not show)
    finally:
        stop.set()
        t.join()
