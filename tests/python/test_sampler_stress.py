"""The sampler under stress: deep recursion, generators and coroutines,
code objects freed while samples are in flight, thread churn, fork, and
child processes (multiprocessing, ProcessPoolExecutor) merged by pid.
Run under AddressSanitizer with tests/run_asan.sh."""
import asyncio
import concurrent.futures
import multiprocessing
import os
import sys
import threading
import time

import pytest

import jitprofile
from jitprofile import _core


def spin(seconds):
    end = time.thread_time() + seconds
    s = 0
    while time.thread_time() < end:
        s += sum(range(200))
    return s


def rec(n):
    if n == 0:
        return spin(0.15)
    return rec(n - 1)


def test_recursion_depth_1000():
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(5000)
    try:
        with jitprofile.Profile() as prof:
            rec(1000)
    finally:
        sys.setrecursionlimit(old)
    deepest = max((s for s, _ in prof.stacks()), key=len)
    assert deepest.count("rec") >= 1001, len(deepest)
    top = {r.name: r for r in prof.top(20)}
    # the time is under spin, at the bottom of the 1000 frames (its self
    # share depends on how much of it the builtin sum() takes: not asserted)
    assert top["spin"].total_pct > 90
    assert top["rec"].total_pct > 90 and top["rec"].total_pct <= 100


def gen_work():
    for i in range(30):
        spin(0.005)
        yield i


async def coro_leaf():
    spin(0.01)
    await asyncio.sleep(0)


async def coro_main():
    for _ in range(15):
        await coro_leaf()


def test_generators_and_coroutines():
    with jitprofile.Profile() as prof:
        sum(gen_work())
        asyncio.run(coro_main())
    names = [s for s, _ in prof.stacks()]
    assert any("gen_work" in s and s[-1] == "spin" for s in names)
    assert any("coro_main" in s and "coro_leaf" in s for s in names)


def test_code_objects_freed_while_sampling():
    with jitprofile.Profile(hz=5000) as prof:
        for i in range(300):
            ns = {}
            exec(compile(f"def f{i}(n):\n    return sum(j * {i} for j in range(n))\n",
                         f"<gen{i}>", "exec"), ns)
            ns[f"f{i}"](3000)
            del ns
    st = _core.sampler_stats()
    assert st["samples"] > 0
    names = {f[0] for f in prof.data.functions()}
    assert any(n.startswith("f") and n[1:].isdigit() for n in names), names


def test_thread_churn():
    def short():
        spin(0.002)

    with jitprofile.Profile(hz=2000) as prof:
        for _ in range(20):
            ts = [threading.Thread(target=short) for _ in range(10)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
    assert len(prof.by_thread()) > 20
    assert _core.sampler_stats()["active_threads"] == 0


def test_fork_child_restarts_and_parent_continues():
    with jitprofile.Profile() as prof:
        spin(0.05)
        pid = os.fork()
        if pid == 0:            # child: sampling restarted; exits normally
            try:
                spin(0.1)
                ok = _core.sampler_running()
            finally:
                os._exit(0 if ok else 7)
        _, status = os.waitpid(pid, 0)
        spin(0.05)
    assert os.waitstatus_to_exitcode(status) == 0
    # the parent keeps sampling after the fork, and the child's own samples
    # are merged beside it (by_process() is ordered by samples: the two spin
    # about as long, so either may come first)
    procs = {p["pid"]: p for p in prof.by_process()}
    assert procs.get(os.getpid(), {}).get("samples", 0) > 0, procs
    assert procs.get(pid, {}).get("samples", 0) > 0, procs


def pi_part(args):
    k0, n = args
    s = 0.0
    for k in range(k0, k0 + n):
        s += (-1.0) ** k / (2 * k + 1)
    return 4 * s


def test_process_pool_children_are_merged():
    ctx = multiprocessing.get_context("fork")
    with jitprofile.Profile() as prof:
        with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as ex:
            parts = list(ex.map(pi_part, [(i * 300_000, 300_000) for i in range(4)]))
    assert abs(sum(parts) - 3.14159) < 1e-3
    procs = prof.by_process()
    children = [p for p in procs if p["pid"] != os.getpid()]
    assert len(children) == 2, procs
    assert all(p["samples"] > 20 for p in children), procs
    worker_top = prof.top(3, pid=children[0]["pid"])
    assert any(r.name == "pi_part" for r in worker_top), worker_top


def test_multiprocessing_pool_children_are_merged():
    ctx = multiprocessing.get_context("fork")
    with jitprofile.Profile() as prof:
        pool = ctx.Pool(2)
        pool.map(pi_part, [(i * 300_000, 300_000) for i in range(6)], chunksize=1)
        pool.close()            # workers leave normally and save their samples
        pool.join()
    pids = {p["pid"] for p in prof.by_process()}
    assert len(pids) >= 2
    assert any(r.name == "pi_part" for r in prof.top(10))


def _entry_storm(seconds):
    """C calling into Python as fast as it can: every key() call enters
    _PyEval_EvalFrameDefault, whose first instructions publish a frame
    record before its frame pointer is set (3.11, 3.12)."""
    def key(x):
        return x
    end = time.perf_counter() + seconds
    data = list(range(2000))
    while time.perf_counter() < end:
        sorted(data, key=key)
        list(map(key, data))


def test_signals_at_the_entry_of_the_eval_loop():
    # run in a child so that a crash in the handler is a failed test, not a
    # dead test run: 10 kHz wall-clock signals on two threads for 3 s.  Two
    # handlers unwinding at once while one thread held the loader lock (its
    # collector symbolizing) deadlocked here: a hang is a failure too.
    code = ("import threading, jitprofile, tests.python.test_sampler_stress as t\n"
            "with jitprofile.Profile(hz=10000, wall=True) as p:\n"
            "    th = threading.Thread(target=t._entry_storm, args=(3,)); th.start()\n"
            "    t._entry_storm(3); th.join()\n"
            "print('samples', sum(r.self_samples for r in p.top(1000)))\n")
    import subprocess
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    r = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    assert int(r.stdout.split()[-1]) > 1000
