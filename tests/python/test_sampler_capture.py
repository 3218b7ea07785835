"""The sampler end to end, in process: mixed Python + native stacks, merge,
threads, categories, accuracy of a known split."""
import threading
import time

import numpy as np
import pytest

import jitprofile
from jitprofile import _core


def busy_python(seconds):
    end = time.thread_time() + seconds
    s = 0
    while time.thread_time() < end:
        for i in range(2000):
            s += i * i
    return s


def sort_all(a, seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        np.sort(a)


def stacks_with(prof, *names):
    """Stacks (root first) that contain names in this order (not adjacent)."""
    out = []
    for stack, w in prof.stacks():
        it = iter(stack)
        if all(any(f == n or f.endswith("." + n) for f in it) for n in names):
            out.append((stack, w))
    return out


def test_python_and_numpy_native_frames_are_merged():
    a = np.random.default_rng(0).random(200_000)
    with jitprofile.Profile(hz=1000) as prof:
        busy_python(0.15)
        sort_all(a, 0.3)
    hits = stacks_with(prof, "test_python_and_numpy_native_frames_are_merged", "sort_all", "sort")
    assert hits, prof.to_collapsed()
    funcs = {f[0]: f for f in prof.data.functions()}
    # below numpy.sort (Python) comes NumPy's C sorting code, named from its symbols
    native_leaves = [s[-1] for s, _ in hits if funcs[s[-1]][4] == "native"]
    assert native_leaves, hits[:3]
    assert any("_multiarray_umath" in funcs[n][2] for n in native_leaves)
    # interpreter frames (_PyEval_EvalFrameDefault etc.) are replaced, not shown
    assert not any("_PyEval_EvalFrameDefault" in f for s, _ in prof.stacks() for f in s)
    top = {r.name: r for r in prof.top(50)}
    assert top["busy_python"].category == "python"
    assert top["busy_python"].self_pct > 10


def test_accuracy_python_vs_sort_split():
    a = np.random.default_rng(1).random(100_000)
    with jitprofile.Profile(hz=1000) as prof:
        busy_python(0.7)
        sort_all(a, 0.3)
    total = {r.name: r for r in prof.top(200)}
    py = total["busy_python"].total_pct
    srt = total["sort_all"].total_pct
    # known split 70/30 of CPU time; generous tolerance for a unit test
    assert abs(py - 70) < 10, (py, srt)
    assert abs(srt - 30) < 10, (py, srt)


def test_threads_are_sampled_and_named():
    ts = [threading.Thread(target=busy_python, args=(0.2,), name=f"worker-{i}") for i in range(2)]
    with jitprofile.Profile() as prof:
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    rows = {r["name"]: r for r in prof.by_thread()}
    for i in range(2):
        assert rows[f"worker-{i}"]["samples"] > 20, rows
        assert rows[f"worker-{i}"]["top"] == "busy_python"
    assert prof.top(1)[0].threads >= 2


def test_gil_releasing_native_thread_is_attributed():
    a = np.random.default_rng(2).random(2_000_000)
    stop = threading.Event()

    def native_worker():
        while not stop.is_set():
            np.sort(a)          # NumPy releases the GIL while sorting

    t = threading.Thread(target=native_worker, name="native-sorter")
    with jitprofile.Profile() as prof:
        t.start()
        busy_python(0.4)
        stop.set()
        t.join()
    rows = {r["name"]: r for r in prof.by_thread()}
    sorter = rows["native-sorter"]
    main = [r for r in prof.by_thread() if r["tid"] == threading.get_native_id()][0]
    # both threads ran on CPU at once: each got a comparable share
    assert sorter["samples"] > 0.5 * main["samples"], rows
    mine = prof.top(5, thread=sorter["tid"])
    assert mine[0].category == "native", mine


def test_wall_mode_sees_sleeping_thread():
    def sleeper():
        time.sleep(0.3)

    t = threading.Thread(target=sleeper, name="sleeper")
    with jitprofile.Profile(wall=True, hz=500) as prof:
        t.start()
        t.join()
    rows = {r["name"]: r for r in prof.by_thread()}
    assert rows["sleeper"]["samples"] >= 50, rows
    assert stacks_with(prof, "sleeper")


def test_cpu_mode_ignores_sleeping_thread():
    def sleeper():
        time.sleep(0.3)

    t = threading.Thread(target=sleeper, name="sleeper")
    with jitprofile.Profile(hz=1000) as prof:
        t.start()
        busy_python(0.2)
        t.join()
    rows = {r["name"]: r for r in prof.by_thread()}
    assert rows.get("sleeper", {"samples": 0})["samples"] < 10, rows


def test_no_native_gives_python_frames_only():
    a = np.random.default_rng(3).random(100_000)
    with jitprofile.Profile(native=False) as prof:
        busy_python(0.1)
        sort_all(a, 0.1)
    # this thread's samples only: a native thread (OpenBLAS's, say) that
    # ran meanwhile is rightly shown as native code
    main = prof.top(1000, thread=threading.get_native_id())
    cats = {r.category for r in main}
    assert cats == {"python"}, main
    assert stacks_with(prof, "sort_all", "sort")


def test_later_sessions_still_see_python_frames():
    # 3.12+: the collector's thread state, deleted from the thread that
    # stopped the session, cleared that thread's PyGILState slot, and every
    # later session sampled it without Python frames.
    import ctypes
    this_ts = ctypes.pythonapi.PyGILState_GetThisThreadState
    this_ts.restype = ctypes.c_void_p
    before = this_ts()
    for _ in range(3):
        with jitprofile.Profile(hz=1000) as prof:
            busy_python(0.1)
        assert this_ts() == before
        main = prof.top(1000, thread=threading.get_native_id())
        assert main, prof.to_collapsed()
        by_name = {r.name: r for r in main}
        assert by_name["busy_python"].total_pct > 90, main
        assert stacks_with(prof, "test_later_sessions_still_see_python_frames",
                           "busy_python")


def test_rate_limits_and_double_start():
    with pytest.raises(ValueError):
        jitprofile.Profile(hz=0)
    with pytest.raises(ValueError):
        jitprofile.Profile(hz=10001)
    with pytest.raises(ValueError):
        _core.sampler_start(_core.ProfileData(), hz=20000)
    with pytest.raises(TypeError):
        _core.sampler_start(object())
    with jitprofile.Profile():
        with pytest.raises(RuntimeError):
            jitprofile.Profile().start()
    assert not _core.sampler_running()


def test_timeline_and_process_view():
    with jitprofile.Profile() as prof:
        busy_python(0.2)
    tl = prof.timeline(bucket_ms=50)
    main = [v for (pid, tid), v in tl.items() if tid == threading.get_native_id()][0]
    assert len(main) >= 3
    assert sum(v for _t, v in main) == pytest.approx(
        sum(r["seconds"] for r in prof.by_thread() if r["tid"] == threading.get_native_id()))
    procs = prof.by_process()
    assert len(procs) == 1 and procs[0]["share"] == 1.0


def test_own_cost_counters():
    # the sampler reports its own cost: signals handled, time inside the
    # handler, drains and the time the collector held the GIL
    with jitprofile.Profile(hz=1000) as prof:
        busy_python(0.2)
    st = _core.sampler_stats()
    weighted = sum(t[3] for t in prof.data.threads())
    assert 0 < st["handler_calls"] <= weighted
    assert st["handler_ns"] > 0
    assert st["drains"] >= 1 and st["drain_ns"] > 0
