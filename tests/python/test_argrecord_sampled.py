"""Sampled-mode argument recording: only the functions the sampler finds hot
are recorded (the first few calls, then every Nth, inside short windows), a
hot call that was already running has its parameters read from its frame,
and the driver leaves no Python frame of its own in the profile."""
import sys

import numpy as np
import pytest

import jitprofile
from jitprofile import _core


def hot_kernel(x, n):
    s = 0.0
    for i in range(n):
        s += (x + i) * 0.5
    return s


def cold(x):
    return x + 1


def main_loop(a, n):
    t = 0.0
    for i in range(a.shape[0]):
        t += hot_kernel(a[i], n)
    cold(1)
    return t


def need_samples(prof):
    """Sampling-based shares drive the advice: on a Python whose frames the
    sampler cannot read yet (3.12/3.13 until the sampler's fix lands), say so."""
    if sys.version_info >= (3, 12) and not any(r.category == "python" for r in prof.top(50)):
        pytest.skip("the sampler records no Python frames on this Python yet")


def test_hot_functions_recorded_cold_ones_not():
    with jitprofile.Profile(args="sampled") as prof:
        main_loop(np.arange(3000.0), 300)
    need_samples(prof)
    sigs = prof.signatures(hot_kernel)
    assert [s.signature for s in sigs] == ["(float64, int64)"]
    # an estimate in sampled mode (calls in the windows, scaled by their share)
    assert prof.args.calls(hot_kernel) > 0
    # recorded: the first `warm` calls in the windows, then every `every`th
    code, seen, recorded, _frm, hot = next(r for r in prof.args.rec.functions()
                                           if r[0] is hot_kernel.__code__)
    assert hot and 0 < sigs[0].calls == recorded <= 32 + seen // 16 + 1 and seen < 3000
    assert prof.signatures(cold) == []
    # main_loop was called once, before it was hot: read from its frame
    (m,) = prof.signatures(main_loop)
    assert m.signature == "(array(float64, 1d, C), int64)" and m.shapes[0] == [((3000,), 1)]
    # the driver's polls and windows run without a Python frame of ours
    names = {r.name for r in prof.top(200) if r.category == "python"}
    assert not names & {"ArgSession.poll", "ArgSession._thread_loop", "ArgSession._on_alarm"}


def test_watch_by_name_and_every_nth():
    rec = _core.ArgRecorder(every=10, warm=5)
    rec.start()
    try:
        assert rec.watch(cold)
        cold(-1)                        # no window open: not even counted
        rec.window(True)
        for i in range(100):
            cold(i)
            hot_kernel(1.0, 1)          # not watched: not recorded
        rec.window(False)
        cold(-2)
    finally:
        rec.stop()
    assert rec.signatures(hot_kernel) == []
    assert 0 < rec.duty <= 1
    (code, seen, recorded, from_frame, hot), = [r for r in rec.functions()
                                                 if r[0] is cold.__code__]
    assert hot and seen == 100 and from_frame == 0
    assert recorded == 5 + 10          # calls 1..5, then 10, 20, ..., 100


def test_no_hook_left_after_stop():
    rec = _core.ArgRecorder()
    rec.start()
    rec.watch(cold)
    rec.window(True)
    rec.stop()
    for i in range(10):
        cold(i)
    assert rec.signatures(cold) == []


def test_a_program_that_takes_sigalrm_over_keeps_it():
    import signal

    def mine(_signum, _frame):
        pass

    prof = jitprofile.Profile()
    prof.start()
    try:
        assert signal.getsignal(signal.SIGALRM) is _core.argrec_poll
        signal.signal(signal.SIGALRM, mine)
    finally:
        prof.stop()
    try:
        assert signal.getsignal(signal.SIGALRM) is mine
    finally:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
    with jitprofile.Profile():
        pass
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
