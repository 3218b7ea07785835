"""Sampled-mode argument recording: only the functions the sampler finds hot
are recorded (the first few calls, then every Nth), a hot call that was
already running has its parameters read from its frame, and the driver
leaves no Python frame of its own in the profile."""
import numpy as np

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


def test_hot_functions_recorded_cold_ones_not():
    with jitprofile.Profile(args="sampled") as prof:
        main_loop(np.arange(3000.0), 300)
    sigs = prof.signatures(hot_kernel)
    assert [s.signature for s in sigs] == ["(float64, int64)"]
    seen = prof.args.calls(hot_kernel)
    assert 0 < seen <= 3000
    # the first `warm` calls, then every `every`th: far fewer than seen
    assert sigs[0].calls <= 32 + seen // 16 + 1
    assert prof.signatures(cold) == []
    # main_loop was called once, before it was hot: read from its frame
    (m,) = prof.signatures(main_loop)
    assert m.signature == "(array(float64, 1d, C), int64)" and m.shapes[0] == [((3000,), 1)]
    names = {r.name for r in prof.top(200)}
    assert not any("argrec" in n or "ArgSession" in n or n == "poll" for n in names)


def test_watch_by_name_and_every_nth():
    rec = _core.ArgRecorder(every=10, warm=5)
    rec.start()
    try:
        assert rec.watch(cold)
        for i in range(100):
            cold(i)
    finally:
        rec.stop()
    (code, seen, recorded, from_frame, hot), = [r for r in rec.functions()
                                                 if r[0] is cold.__code__]
    assert hot and seen == 100 and from_frame == 0
    assert recorded == 5 + 10          # calls 1..5, then 10, 20, ..., 100


def test_no_hook_left_after_stop():
    rec = _core.ArgRecorder()
    rec.start()
    rec.watch(cold)
    rec.stop()
    for i in range(10):
        cold(i)
    assert rec.signatures(cold) == []
