"""Unaligned array arguments (a buffer at an odd offset, as Dask's
deserializer hands out): jit code runs on aligned copies, writes reach the
caller's array, and the results equal NumPy's."""
import numpy as np
import pytest

import jitprofile


def unaligned(values, dtype=np.float64, writeable=True):
    values = np.asarray(values, dtype=dtype)
    buf = bytearray(values.nbytes + 1)
    a = np.frombuffer(buf, dtype, offset=1, count=values.size).reshape(values.shape)
    a[...] = values
    if not writeable:
        a.flags.writeable = False
    assert not a.flags.aligned
    return a


@jitprofile.njit
def total(xs):
    s = 0.0
    for x in xs:
        s += x
    return s


@jitprofile.njit
def scale(xs, k):
    for i in range(xs.shape[0]):
        xs[i] *= k


@jitprofile.njit
def colsum(m):
    return m.sum(axis=0)


@jitprofile.njit
def fail_after_write(xs):
    xs[0] = 42.0
    raise ValueError("after the write")


def test_read_unaligned_1d():
    a = unaligned(np.arange(10.0))
    assert total(a) == np.arange(10.0).sum()


def test_write_reaches_the_callers_array():
    a = unaligned(np.arange(6.0))
    scale(a, 2.0)
    np.testing.assert_array_equal(a, np.arange(6.0) * 2)


def test_write_before_raise_reaches_the_callers_array():
    a = unaligned(np.zeros(3))
    with pytest.raises(ValueError, match="after the write"):
        fail_after_write(a)
    assert a[0] == 42.0


def test_unaligned_2d_int32_and_readonly():
    m = np.arange(12, dtype=np.int32).reshape(3, 4)
    a = unaligned(m, np.int32, writeable=False)
    np.testing.assert_array_equal(colsum(a), m.sum(axis=0))
    assert not a.flags.writeable


def test_keyword_argument_unaligned():
    a = unaligned(np.ones(4))
    scale(xs=a, k=3.0)
    np.testing.assert_array_equal(a, np.full(4, 3.0))


def test_byteswapped_still_a_clear_error():
    a = np.arange(4.0).astype(">f8")
    with pytest.raises(TypeError, match="native byte order"):
        total(a)


def test_profiler_counts_an_unaligned_call_once():
    # the aligned-copy path used to re-enter the dispatcher: the data
    # profiler's tap saw every such call twice, once with the copy
    from jitprofile import Profile
    x = unaligned(np.arange(100.0))
    total(x)
    p = Profile(hz=1000, args="exact", args_options={"jitted": True})
    p.start()
    try:
        for _ in range(50):
            total(x)
    finally:
        p.stop()
    sigs = p.signatures(total)
    assert sum(s.calls for s in sigs) == 50, [(s.signature, s.calls) for s in sigs]
