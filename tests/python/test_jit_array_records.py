"""Structured dtypes (issue 3): record arrays with field access v[i]['x'] and v[i].x, field
assignment, the seed's AoS example (an array of (x, y) points; set_x scales every x)."""
import numpy as np
import pytest

import jitprofile
from jitprofile import njit

POINT = np.dtype([("x", np.float64), ("y", np.float64)])
MIXED = np.dtype([("id", np.int32), ("w", np.float32), ("flag", np.bool_), ("z", np.complex128)],
                 align=True)


def points(n):
    p = np.zeros(n, dtype=POINT)
    p["x"] = np.arange(n) * 1.5
    p["y"] = -np.arange(n) * 0.25
    return p


# ---- the seed's AoS example ---------------------------------------------------------------

@njit
def set_x(v, k):
    for i in range(v.shape[0]):
        v[i].x = v[i].x * k


@njit
def set_x_item(v, k):
    for i in range(v.shape[0]):
        v[i]["x"] *= k


def test_aos_set_x_attribute():
    p = points(10)
    exp = p.copy()
    exp["x"] *= 3.0
    set_x(p, 3.0)
    np.testing.assert_array_equal(p["x"], exp["x"])
    np.testing.assert_array_equal(p["y"], exp["y"])     # the other field is untouched


def test_aos_set_x_item():
    p = points(7)
    exp = p.copy()
    exp["x"] *= -2.0
    set_x_item(p, -2.0)
    np.testing.assert_array_equal(p, exp)


def test_aos_matches_python():
    p = points(5)
    q = p.copy().view(np.recarray)        # CPython needs a recarray for v[i].x
    set_x(p, 0.5)
    set_x.py_func(q, 0.5)
    assert p.tobytes() == q.tobytes()


def test_aos_on_recarray_argument():
    r = points(6).view(np.recarray)
    exp = r.copy()
    set_x.py_func(exp, 4.0)
    set_x(r, 4.0)
    assert r.tobytes() == exp.tobytes()


# ---- reading fields ------------------------------------------------------------------------

@njit
def sum_fields(v):
    sx = 0.0
    sy = 0.0
    for i in range(len(v)):
        sx += v[i]["x"]
        sy += v[i].y
    return sx, sy


def test_field_read_item_and_attribute():
    p = points(9)
    sx, sy = sum_fields(p)
    assert sx == p["x"].sum()
    assert sy == p["y"].sum()


def test_field_read_strided_record_view():
    p = points(12)[::3]
    assert str(jitprofile.typeof(p)).startswith("array(")
    sx, sy = sum_fields(p)
    assert sx == p["x"].sum() and sy == p["y"].sum()


def test_record_typeof_mentions_fields():
    t = str(jitprofile.typeof(points(3)))
    assert "x" in t and "y" in t and "1d" in t, t


@njit
def mixed_read(v, i):
    r = v[i]
    return r.id, r.w, r.flag, r.z


@njit
def mixed_write(v, i, idv, w, flag, z):
    v[i].id = idv
    v[i].w = w
    v[i]["flag"] = flag
    v[i]["z"] = z


def test_mixed_field_types_read_write():
    v = np.zeros(4, dtype=MIXED)
    mixed_write(v, 2, 7, 1.25, True, 3 - 4j)
    assert v[2]["id"] == 7 and v[2]["w"] == np.float32(1.25)
    assert v[2]["flag"] and v[2]["z"] == 3 - 4j
    assert v[1]["id"] == 0 and v[3]["w"] == 0
    r = mixed_read(v, 2)
    assert tuple(r) == (7, 1.25, True, 3 - 4j)


def test_mixed_unaligned_record_layout():
    dt = np.dtype([("a", np.int8), ("b", np.float64), ("c", np.int16)])   # packed: offsets 0,1,9
    v = np.zeros(3, dtype=dt)
    v["b"] = [1.5, 2.5, 3.5]
    v["c"] = [1, 2, 3]

    @njit
    def f(v):
        s = 0.0
        for i in range(v.shape[0]):
            v[i].a = i + 1
            s += v[i].b * v[i].c
        return s

    try:
        got = f(v)
    except TypeError as e:           # a packed dtype may be refused, but by name, not a crash
        assert "v" in str(e)
        return
    assert got == (v["b"] * v["c"]).sum()
    np.testing.assert_array_equal(v["a"], [1, 2, 3])


def test_record_2d_array():
    v = np.zeros((3, 4), dtype=POINT)

    @njit
    def fill(v):
        for i in range(v.shape[0]):
            for j in range(v.shape[1]):
                v[i, j].x = i
                v[i, j].y = j

    fill(v)
    ii, jj = np.meshgrid(np.arange(3), np.arange(4), indexing="ij")
    np.testing.assert_array_equal(v["x"], ii)
    np.testing.assert_array_equal(v["y"], jj)


def test_unknown_field_is_typing_error():
    @njit
    def bad(v):
        return v[0].nope

    with pytest.raises(jitprofile.TypingError) as ei:
        bad(points(2))
    assert "nope" in str(ei.value)


def test_record_array_slice_and_loop():
    @njit
    def total_x(v):
        s = 0.0
        for r in v[1:]:
            s += r.x
        return s

    p = points(6)
    assert total_x(p) == p["x"][1:].sum()
