"""CPU-time sampling at the requested rate (issue 16): per-thread task-clock
perf events instead of POSIX CPU-clock timers, which fire on scheduler ticks
only (about 250 distinct samples per second per thread, whatever the rate);
the timers stay as the fallback, and the profile says which clock it used."""
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import jitprofile
from jitprofile import _core


def busy(seconds):
    """Spin for `seconds` of this thread's CPU time; the CPU time spent."""
    t0 = time.thread_time()
    s = 0
    while time.thread_time() - t0 < seconds:
        for i in range(1000):
            s += i
    return time.thread_time() - t0


def distinct_per_cpu_s(prof, tid, cpu_s):
    threads = prof.data.threads()
    stamps = {ts for th, _node, ts, _w in prof.data.samples()
              if threads[th][1] == tid}
    return len(stamps) / cpu_s


def task_clock_available():
    with jitprofile.Profile(hz=100, args=None) as prof:
        busy(0.02)
    return prof.clock == "task-clock"


needs_task_clock = pytest.mark.skipif(not task_clock_available(),
                                      reason="perf_event_open(task-clock) is refused here")


@needs_task_clock
def test_a_busy_thread_gets_the_requested_rate_of_distinct_samples():
    with jitprofile.Profile(hz=1000, args=None) as prof:
        cpu = busy(1.0)
    assert prof.clock == "task-clock"
    assert _core.sampler_stats()["clock"] == "task-clock"
    rate = distinct_per_cpu_s(prof, threading.get_native_id(), cpu)
    assert rate >= 800, rate
    # every sample weighs one period: seconds stay right
    total = sum(w for *_x, w in prof.data.samples()) * prof.data.interval
    assert total >= 0.8 * cpu


@needs_task_clock
def test_a_thread_started_later_gets_its_own_event():
    out = {}

    def worker():
        out["tid"] = threading.get_native_id()
        out["cpu"] = busy(0.6)

    with jitprofile.Profile(hz=1000, args=None) as prof:
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    rate = distinct_per_cpu_s(prof, out["tid"], out["cpu"])
    assert rate >= 800, rate


@needs_task_clock
def test_the_clock_is_named_in_the_report_and_the_json():
    with jitprofile.Profile(hz=500, args=None) as prof:
        busy(0.05)
    assert "(task-clock)" in prof.text().splitlines()[0]
    d = prof.to_dict()
    assert d["clock"] == "task-clock"
    assert jitprofile.Profile.from_dict(d).clock == "task-clock"
    assert not any("CPU-clock timers" in w for w in prof.warnings())


def test_the_fallback_timers_are_used_and_said(tmp_path):
    script = tmp_path / "fb.py"
    script.write_text(textwrap.dedent("""
        import time
        t0 = time.thread_time()
        while time.thread_time() - t0 < 0.3:
            sum(range(1000))
    """))
    env = dict(os.environ, JITPROFILE_CPU_CLOCK="timer")
    r = subprocess.run([sys.executable, "-m", "jitprofile", "record", "--format", "json",
                        str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    import json
    doc = json.loads(r.stdout)
    assert doc["clock"] == "cpu-timer"
    assert any("POSIX CPU-clock timers" in w for w in doc["warnings"])
    assert "CPU-clock timers" in r.stderr
    assert sum(s[3] for s in doc["samples"]) > 0


def test_wall_mode_names_its_clock():
    with jitprofile.Profile(hz=200, wall=True, args=None) as prof:
        time.sleep(0.05)
    assert prof.clock == "wall"
    assert "(wall)" in prof.text().splitlines()[0]



def test_a_thread_blocking_the_signal_does_not_pile_up_pending_signals():
    # every task-clock overflow queues a real-time signal of its own: a
    # thread that blocks ours while it computes would queue a thousand a
    # second until RLIMIT_SIGPENDING ran out, and the kernel would then
    # send SIGIO, which kills the program.  The events are armed for one
    # overflow at a time, so at most one is pending per thread: when the
    # thread unblocks, one sample lands at once, not five hundred.
    out = {}

    def worker(signo):
        import signal
        out["tid"] = threading.get_native_id()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signo})
        busy(0.5)
        out["unblock"] = time.monotonic_ns()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signo})
        out["after"] = time.monotonic_ns()
        busy(0.05)

    with jitprofile.Profile(hz=1000, args=None) as prof:
        t = threading.Thread(target=worker, args=(_core.sampler_stats()["signal"],))
        t.start()
        t.join()
    threads = prof.data.threads()
    burst = [ts for th, _n, ts, _w in prof.data.samples()
             if threads[th][1] == out["tid"] and out["unblock"] <= ts <= out["after"]]
    assert len(burst) <= 2, len(burst)
