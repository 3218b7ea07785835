"""Assignment forms (issue 11): unpacking into subscripts and attributes,
chained and nested assignment, starred targets, augmented assignment on
every kind of target.  Each result is compared with CPython's (py_func)."""
import numpy as np
import pytest

import jitprofile
from jitprofile import float64, int64, jitclass, njit

DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
          np.uint64, np.float32, np.float64, np.complex64, np.complex128]


@njit
def swap_adjacent(X, i):
    X[i], X[i + 1] = X[i + 1], X[i]
    return X


@pytest.mark.parametrize("dtype", DTYPES)
def test_swap_elements_every_dtype(dtype):
    a = (np.arange(5) % 2 if dtype is np.bool_ else np.arange(5)).astype(dtype)
    b = a.copy()
    swap_adjacent(a, 1)
    swap_adjacent.py_func(b, 1)
    assert a.dtype == b.dtype and np.array_equal(a, b)


@njit
def bubble(X):
    n = len(X)
    for i in range(n):
        for j in range(n - 1 - i):
            if X[j] > X[j + 1]:
                X[j], X[j + 1] = X[j + 1], X[j]
    return X


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
def test_bubble_sort_swaps(dtype):
    a = np.random.default_rng(1).permutation(20).astype(dtype)
    assert np.array_equal(bubble(a.copy()), np.sort(a))


@njit
def swap_2d(A, i, j):
    A[i, 0], A[j, 1] = A[j, 1], A[i, 0]
    return A


def test_swap_2d_items():
    a = np.arange(6.0).reshape(3, 2)
    b = a.copy()
    assert np.array_equal(swap_2d(a, 0, 2), swap_2d.py_func(b, 0, 2))


@njit
def swap_rows(a):
    a[0], a[1] = a[1], a[0]     # views: NumPy's well-known result (both rows equal)
    return a


def test_swap_rows_views_like_numpy():
    a = np.arange(6.0).reshape(3, 2)
    b = a.copy()
    assert np.array_equal(swap_rows(a), swap_rows.py_func(b))


@njit
def store_then_rebind(X):
    i = 0
    X[i], i = 5.0, 1          # X[0] uses the old i: targets store left to right
    return i


def test_targets_store_left_to_right():
    a, b = np.zeros(3), np.zeros(3)
    assert store_then_rebind(a) == store_then_rebind.py_func(b) == 1
    assert np.array_equal(a, b)


@njit
def rhs_first(X):
    X[0], X[1] = X[1] + 1, X[0] + 1   # the right side is evaluated completely first
    return X


def test_right_side_evaluated_before_stores():
    a = np.array([1, 2, 3])
    assert np.array_equal(rhs_first(a.copy()), rhs_first.py_func(a.copy()))


@jitclass([('x', float64), ('y', float64), ('n', int64)])
class Pt:
    def __init__(self, x, y):
        self.x = x
        self.y = y
        self.n = 0

    def flip(self):
        self.x, self.y = self.y, self.x
        self.n += 1


@njit
def class_fields(p):
    p.x, p.y = p.y, p.x
    p.n += 5
    p.n -= 2
    p.x *= 3.0
    p.flip()
    return p.x, p.y, p.n


def test_jitclass_field_unpacking_and_augassign():
    assert class_fields(Pt(1.0, 2.0)) == (1.0, 6.0, 4)


@njit
def record_fields(r):
    r[0].a, r[0].b = r[0].b, r[0].a
    r[1].a += 1.5
    r[1]['b'] -= 2.0
    return r


def test_record_fields():
    dt = np.dtype([('a', np.float64), ('b', np.float64)])
    r = np.zeros(2, dtype=dt)
    r[0] = (1.0, 2.0)
    q = r.copy()
    q[0]['a'], q[0]['b'] = q[0]['b'], q[0]['a']     # what CPython does, spelled for NumPy
    q[1]['a'] += 1.5
    q[1]['b'] -= 2.0
    assert np.array_equal(record_fields(r), q)


@njit
def chained(n):
    a = b = c = n * 2
    x = y = (n, 1.5)
    return a + b + c, x, y


def test_chained_assignment():
    assert chained(3) == chained.py_func(3)


@njit
def chained_into_array(X, v):
    X[0] = X[2] = t = v
    return t


def test_chained_into_subscripts():
    a, b = np.zeros(3), np.zeros(3)
    assert chained_into_array(a, 4.0) == chained_into_array.py_func(b, 4.0)
    assert np.array_equal(a, b)


@njit
def nested(t):
    (a, b), c = t
    [d, (e, f)] = c, (a, b)
    return a + b + c + d + e + f


def test_nested_unpacking():
    assert nested(((1, 2.5), 3)) == nested.py_func(((1, 2.5), 3))


@njit
def nested_mixed(X):
    (X[0], b), X[1] = (7.0, 2), 8.0
    return b


def test_nested_unpacking_into_subscripts():
    a, b = np.zeros(2), np.zeros(2)
    assert nested_mixed(a) == nested_mixed.py_func(b)
    assert np.array_equal(a, b)


@njit
def starred(t):
    a, *b, c = t
    first, *rest = t
    *init, last = t
    return a, b, c, first, rest, init, last


def test_starred_unpacking_of_tuples():
    got = starred((1, 2, 3, 4))
    want = starred.py_func((1, 2, 3, 4))
    # CPython binds the starred name to a list; jit code binds a tuple
    assert got == tuple(tuple(v) if isinstance(v, list) else v for v in want)


@njit
def aug_items(a, m, i):
    a[i] += 1
    a[-1] -= 2
    m[i, 1] *= 3
    m[1:, 0] += 10
    a[i:] //= 2
    return a, m


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
def test_augmented_subscripts(dtype):
    a, m = np.arange(5).astype(dtype), np.arange(6).reshape(3, 2).astype(dtype)
    r1 = aug_items(a.copy(), m.copy(), 1)
    r2 = aug_items.py_func(a.copy(), m.copy(), 1)
    assert all(np.array_equal(x, y) for x, y in zip(r1, r2))


@njit
def tuple_slices(t):
    return t[1:], t[:-1], t[::-1], t[::2], t[5:]


def test_constant_tuple_slices():
    t = (1, 2.5, 3, 4)
    assert tuple_slices(t) == tuple_slices.py_func(t)


def test_two_starred_is_a_syntax_error_in_python_too():
    # Python rejects two stars at parse time; one star outside a tuple target
    # is rejected by jit code with its location
    src = "def g(t):\n    [*a] = t\n    return a\n"
    ns = {}
    import linecache, tempfile, os, importlib.util
    d = tempfile.mkdtemp()
    path = os.path.join(d, "star_mod.py")
    with open(path, "w") as fh:
        fh.write("from jitprofile import njit\n@njit\n" + src)
    spec = importlib.util.spec_from_file_location("star_mod", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    # `[*a] = t` is a starred target in a list: binds a tuple here
    assert mod.g((1, 2)) == (1, 2)


@njit
def dyn_slice(t, k):
    return t[k:]


def test_tuple_slice_needs_constant_bounds():
    with pytest.raises(jitprofile.TypingError, match=r"test_jit_assign.py:\d+:\d+: .*constant bounds"):
        dyn_slice((1, 2, 3), 1)
