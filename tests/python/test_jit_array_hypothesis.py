"""Property-based array tests (issue 3): random slices, broadcast shapes, layouts and values;
jit results equal NumPy's.  Few overloads (one per ndim/layout), modest example counts."""
import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from jitprofile import njit

SETTINGS = settings(max_examples=60, deadline=None)

small_floats = st.floats(-1e6, 1e6, allow_nan=False, width=64)
idx = st.one_of(st.none(), st.integers(-25, 25))
steps = st.one_of(st.none(), st.integers(-5, 5).filter(lambda s: s != 0))


@njit
def sl1(a, start, stop, step):
    return a[start:stop:step]


@njit
def sl1_open_start(a, stop, step):
    return a[:stop:step]


@njit
def sl2(a, s0, e0, t0, s1, e1, t1):
    return a[s0:e0:t0, s1:e1:t1]


@njit
def add(a, b):
    return a + b


@njit
def set_slice(a, start, stop, step, v):
    a[start:stop:step] = v


@njit
def red(x):
    return x.sum(), x.min(), x.max(), x.argmin(), x.argmax(), x.mean()


def to_layout(a, layout):
    if layout == "F":
        return np.asfortranarray(a)
    if layout == "strided":
        big = np.zeros(tuple(2 * s + 1 for s in a.shape), dtype=a.dtype)
        v = big[tuple(slice(1, None, 2) for _ in a.shape)]
        v[...] = a
        return v
    return np.ascontiguousarray(a)


@SETTINGS
@given(n=st.integers(0, 20), start=st.integers(-25, 25), stop=st.integers(-25, 25),
       step=st.integers(-5, 5).filter(lambda s: s != 0))
def test_random_1d_slices(n, start, stop, step):
    a = np.arange(float(n))
    got = sl1(a, start, stop, step)
    exp = a[start:stop:step]
    assert got.shape == exp.shape
    np.testing.assert_array_equal(got, exp)


@SETTINGS
@given(n=st.integers(0, 20), stop=st.integers(-25, 25),
       step=st.integers(-5, 5).filter(lambda s: s != 0))
def test_random_1d_slices_open_start(n, stop, step):
    a = np.arange(float(n))
    np.testing.assert_array_equal(sl1_open_start(a, stop, step), a[:stop:step])


@SETTINGS
@given(shape=st.tuples(st.integers(1, 6), st.integers(1, 6)),
       layout=st.sampled_from(["C", "F", "strided"]),
       s=st.tuples(st.integers(-7, 7), st.integers(-7, 7),
                   st.integers(-3, 3).filter(bool), st.integers(-7, 7), st.integers(-7, 7),
                   st.integers(-3, 3).filter(bool)))
def test_random_2d_slices(shape, layout, s):
    a = to_layout(np.arange(float(np.prod(shape))).reshape(shape), layout)
    got = sl2(a, *s)
    exp = a[s[0]:s[1]:s[2], s[3]:s[4]:s[5]]
    assert got.shape == exp.shape
    np.testing.assert_array_equal(got, exp)
    if got.size:
        assert np.shares_memory(got, a)


@st.composite
def broadcast_pair(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    other = [1 if draw(st.booleans()) else d for d in shape]
    drop = draw(st.integers(0, len(other) - 1))
    other = other[drop:]
    if draw(st.booleans()):
        shape, other = other, shape
    return tuple(shape), tuple(other)


@SETTINGS
@given(shapes=broadcast_pair(), la=st.sampled_from(["C", "F", "strided"]),
       lb=st.sampled_from(["C", "strided"]), data=st.data())
def test_random_broadcast_add(shapes, la, lb, data):
    sa, sb = shapes
    a = data.draw(hnp.arrays(np.float64, sa, elements=small_floats))
    b = data.draw(hnp.arrays(np.float64, sb, elements=small_floats))
    a, b = to_layout(a, la), to_layout(b, lb)
    got = add(a, b)
    exp = a + b
    assert got.shape == exp.shape
    np.testing.assert_array_equal(got, exp)


@SETTINGS
@given(a=hnp.arrays(np.float64, st.integers(1, 40), elements=small_floats),
       layout=st.sampled_from(["C", "strided"]))
def test_random_reductions_1d(a, layout):
    x = to_layout(a, layout)
    s, mn, mx, amn, amx, mean = red(x)
    np.testing.assert_allclose(s, x.sum(), rtol=1e-9, atol=1e-6)
    assert mn == x.min() and mx == x.max()
    assert amn == x.argmin() and amx == x.argmax()
    np.testing.assert_allclose(mean, x.mean(), rtol=1e-9, atol=1e-6)


@SETTINGS
@given(n=st.integers(0, 15), start=idx, stop=idx, step=steps, v=small_floats)
def test_random_slice_assignment(n, start, stop, step, v):
    a = np.arange(float(n))
    exp = a.copy()
    exp[start:stop:step] = v
    # the bounds as explicit ints (Python's slice.indices), -1 spelled -n-1
    sl = slice(start, stop, step).indices(n)
    b = a.copy()
    lo, hi, st_ = sl
    if st_ < 0 and hi == -1:
        hi = -n - 1      # a[lo::-k] written with an explicit stop
    if lo < 0:
        lo = -n - 1      # indices() says "before the start": an empty slice
    set_slice(b, lo, hi, st_, v)
    np.testing.assert_array_equal(b, exp)
