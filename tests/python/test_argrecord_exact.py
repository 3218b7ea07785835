"""Exact-mode argument recording (profiler/argrecord.c, arghooks.c): every
call's signature through the JIT's own typeof, counts and shares, shape
histograms and bytes of arrays, the reservoir of copied values, threads."""
import threading

import numpy as np
import pytest

import jitprofile
from jitprofile import _core


def scale(a, k):
    return a * k


def kw(x, y=2.5, *, z=1):
    return x + y + z


def takes_dict(d, n):
    return len(d) + n


def test_counts_shares_shapes_and_bytes():
    rec = _core.ArgRecorder()
    rec.start(exact=True)
    try:
        for _ in range(3):
            scale(np.ones((4, 5)), 2.0)
        scale(np.ones(7, dtype=np.float32), 3)
        scale(np.ones((4, 5)), 2)
    finally:
        rec.stop()
    from jitprofile.argrecord import signatures_of
    sigs = {s.signature: s for s in signatures_of(rec, scale)}
    assert set(sigs) == {"(array(float64, 2d, C), float64)", "(array(float32, 1d, C), int64)",
                         "(array(float64, 2d, C), int64)"}
    s = sigs["(array(float64, 2d, C), float64)"]
    assert s.calls == 3 and s.share == pytest.approx(3 / 5)
    assert s.shapes[0] == [((4, 5), 3)] and s.shapes[1] is None
    assert s.bytes == 3 * 4 * 5 * 8
    assert s.compilable
    assert sigs["(array(float32, 1d, C), int64)"].bytes == 7 * 4
    # the recorded types are the JIT's own objects: the compiler takes them
    assert str(s.types[0]) == str(_core.typeof(np.ones((4, 5))))


def test_reservoir_keeps_copies_not_the_callers_arrays():
    rec = _core.ArgRecorder(reservoir=2)
    a = np.arange(6.0)
    rec.start(exact=True)
    try:
        scale(a, 1.5)
    finally:
        rec.stop()
    a[:] = -1.0                         # the caller mutates its array afterwards
    (s,) = rec.signatures(scale)
    (sample,) = s["samples"]
    assert sample[1] == 1.5
    assert sample[0] is not a and list(sample[0]) == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_reservoir_is_bounded_and_large_arrays_are_not_copied():
    rec = _core.ArgRecorder(reservoir=3, copy_limit=1000)
    rec.start(exact=True)
    try:
        for i in range(50):
            scale(np.ones(10), float(i))
        scale(np.ones(1000), 1.0)       # 8000 bytes > copy_limit
        kw(np.ones(1000))               # alone in its reservoir
    finally:
        rec.stop()
    rows = {r["signature"]: r for r in rec.signatures(scale)}
    small = rows["(array(float64, 1d, C), float64)"]
    assert small["calls"] == 51 and len(small["samples"]) == 3
    assert dict(small["shapes"][0][0]) == {(10,): 50, (1000,): 1}
    assert small["bytes"] == 50 * 80 + 8000
    (big,) = rec.signatures(kw)
    assert big["samples"] == [(None, 2.5, 1)]   # shape recorded, value not copied


def test_defaults_and_keywords_are_bound_like_a_call():
    rec = _core.ArgRecorder()
    rec.start(exact=True)
    try:
        kw(1)
        kw(1.0, z=2.0)
    finally:
        rec.stop()
    got = sorted(r["signature"] for r in rec.signatures(kw))
    assert got == ["(float64, float64, float64)", "(int64, float64, int64)"]


def test_untyped_argument_is_named():
    rec = _core.ArgRecorder()
    rec.start(exact=True)
    try:
        takes_dict({"a": 1}, 2)
    finally:
        rec.stop()
    (r,) = rec.signatures(takes_dict)
    assert r["signature"] == "(pyobject(dict), int64)"


def test_exact_mode_records_new_threads_through_profile():
    def work(x):
        return x * 2

    with jitprofile.Profile(args="exact") as prof:
        t = threading.Thread(target=lambda: [work(i) for i in range(10)])
        t.start()
        t.join()
        work(1.5)
    sigs = {s.signature: s.calls for s in prof.signatures(work)}
    assert sigs == {"(int64)": 10, "(float64)": 1}
    assert prof.args.calls(work) == 11


def test_one_active_recorder_and_hooks_removed_on_stop():
    a, b = _core.ArgRecorder(), _core.ArgRecorder()
    a.start(exact=True)
    try:
        with pytest.raises(RuntimeError):
            b.start()
    finally:
        a.stop()
    scale(np.ones(2), 1.0)              # after stop: not recorded
    assert a.signatures(scale) == []
    b.start()
    b.stop()
