"""Issue 7: @vectorize (real numpy.ufunc objects and lazy DUFuncs), targets cpu and
parallel, @guvectorize, set_num_threads/get_num_threads.

Results are compared with NumPy running the same expression (or the kernel's
``py_func``-style Python body element by element).  Which threads run a parallel
loop is observed through libc's gettid() called from the kernel (no timing).
"""
import ctypes
import math
import threading
import warnings

import numpy as np
import pytest

import jitprofile
from jitprofile import vectorize, guvectorize, njit, TypingError, CompileError

# big enough that a parallel loop is split over the pool
BIG = 400_000

_libc = ctypes.CDLL(None)
gettid = _libc.gettid
gettid.argtypes = []
gettid.restype = ctypes.c_int


@pytest.fixture
def two_threads():
    old = jitprofile.get_num_threads()
    jitprofile.set_num_threads(2)
    yield
    jitprofile.set_num_threads(old)


# ---------------------------------------------------------------- ufuncs with signatures

@vectorize(["int64(int64, int64)", "float32(float32, float32)", "float64(float64, float64)"],
           identity=0)
def vadd(x, y):
    return x + y


@vectorize(["float64(float64, float64)"])
def rel_diff(x, y):
    return 2 * (x - y) / (x + y)


@vectorize(["float64(float64, float64)"], target="parallel")
def rel_diff_par(x, y):
    return 2 * (x - y) / (x + y)


def rel_diff_np(x, y):
    with np.errstate(all="ignore"):
        return 2 * (x - y) / (x + y)


def test_vectorize_returns_real_ufunc():
    assert isinstance(vadd, np.ufunc)
    assert isinstance(rel_diff_par, np.ufunc)
    assert vadd.nin == 2 and vadd.nout == 1
    assert vadd.ntypes == 3
    assert vadd.types == ["ll->l", "ff->f", "dd->d"]
    assert vadd.__name__ == "vadd"
    assert vadd.identity == 0


def test_dtype_dispatch_picks_the_loop():
    i = np.arange(5, dtype=np.int64)
    f32 = np.arange(5, dtype=np.float32) / 3
    f64 = np.arange(5, dtype=np.float64) / 3
    r = vadd(i, i)
    assert r.dtype == np.int64 and np.array_equal(r, i + i)
    r = vadd(f32, f32)
    assert r.dtype == np.float32 and np.array_equal(r, f32 + f32)
    r = vadd(f64, f64)
    assert r.dtype == np.float64 and np.array_equal(r, f64 + f64)
    # mixed int/float: NumPy's type resolution selects the float64 loop
    r = vadd(i, f64)
    assert r.dtype == np.float64 and np.array_equal(r, i + f64)
    # int32 is safely cast to the int64 loop
    r = vadd(np.arange(3, dtype=np.int32), np.arange(3, dtype=np.int32))
    assert r.dtype == np.int64 and r.tolist() == [0, 2, 4]


def test_unsupported_input_dtype_is_numpy_type_error():
    with pytest.raises(TypeError):
        rel_diff(np.array([1j]), np.array([2j]))


def test_broadcasting():
    a = np.arange(12.0).reshape(3, 4) + 1
    b = np.arange(4.0) + 0.5
    np.testing.assert_array_equal(rel_diff(a, b), rel_diff_np(a, b))
    np.testing.assert_array_equal(rel_diff(a, 2.0), rel_diff_np(a, 2.0))
    c = np.arange(3.0).reshape(3, 1) + 7
    r = rel_diff(c, b)
    assert r.shape == (3, 4)
    np.testing.assert_array_equal(r, rel_diff_np(c, b))
    with pytest.raises(ValueError):
        rel_diff(np.ones(3), np.ones(4))


def test_scalars_and_zero_d_and_empty():
    r = rel_diff(3.0, 1.0)
    assert isinstance(r, (float, np.floating)) and r == 1.0
    assert rel_diff(np.float64(3.0), np.array(1.0)) == 1.0
    e = rel_diff(np.empty(0), np.empty(0))
    assert e.shape == (0,) and e.dtype == np.float64
    e = rel_diff(np.empty((0, 3)), np.empty(3))
    assert e.shape == (0, 3)


def test_non_contiguous_inputs():
    base = np.arange(1.0, 61.0).reshape(6, 10)
    a = base[::2, ::3]
    b = base[::-2, 1::3][:, :3]
    a = a[:, :3]
    np.testing.assert_array_equal(rel_diff(a, b), rel_diff_np(a, b))
    np.testing.assert_array_equal(rel_diff(base.T, base.T[::-1]), rel_diff_np(base.T, base.T[::-1]))


def test_out_argument():
    a = np.arange(1.0, 7.0)
    out = np.full(6, -1.0)
    r = rel_diff(a, 1.0, out=out)
    assert r is out
    np.testing.assert_array_equal(out, rel_diff_np(a, 1.0))
    out2 = np.zeros((2, 6))
    rel_diff(a, np.ones((2, 1)), out=out2)
    np.testing.assert_array_equal(out2, rel_diff_np(a, np.ones((2, 1))))
    # a strided output view
    buf = np.zeros(12)
    rel_diff(a, 2.0, out=buf[::2])
    np.testing.assert_array_equal(buf[::2], rel_diff_np(a, 2.0))
    assert not buf[1::2].any()
    # the int loop writing into a float64 out (safe cast)
    o = np.zeros(3)
    vadd(np.arange(3), np.arange(3), out=o)
    assert o.tolist() == [0.0, 2.0, 4.0]


def test_reduce_and_accumulate_with_identity():
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    assert vadd.reduce(np.arange(10)) == 45
    np.testing.assert_array_equal(vadd.reduce(a, axis=0), a.sum(axis=0))
    np.testing.assert_array_equal(vadd.reduce(a, axis=1), a.sum(axis=1))
    # identity 0 declared: empty reductions and multi-axis reductions work
    assert vadd.reduce(np.array([], dtype=np.int64)) == 0
    assert vadd.reduce(np.array([], dtype=np.float64)) == 0.0
    assert vadd.reduce(a, axis=None) == a.sum()
    assert vadd.reduce(a, axis=(0, 1)) == a.sum()
    f = np.linspace(0, 1, 7)
    np.testing.assert_allclose(vadd.accumulate(f), np.cumsum(f))
    np.testing.assert_array_equal(vadd.accumulate(a, axis=1), np.cumsum(a, axis=1))
    np.testing.assert_array_equal(vadd.outer(np.arange(3), np.arange(4)),
                                  np.add.outer(np.arange(3), np.arange(4)))
    np.testing.assert_array_equal(vadd.reduceat(np.arange(8), [0, 4, 6]),
                                  np.add.reduceat(np.arange(8), [0, 4, 6]))


@vectorize(["float64(float64, float64)"], identity=1)
def vmul(x, y):
    return x * y


@vectorize(["float64(float64, float64)"])
def vmax_noid(x, y):
    return x if x > y else y


def test_reduce_identity_one_and_without_identity():
    assert vmul.identity == 1
    assert vmul.reduce(np.array([1.0, 2.0, 3.0, 4.0])) == 24.0
    assert vmul.reduce(np.array([])) == 1.0
    assert vmax_noid.identity is None
    assert vmax_noid.reduce(np.array([3.0, 9.0, -1.0])) == 9.0
    # no identity: an empty reduction is NumPy's ValueError
    with pytest.raises(ValueError):
        vmax_noid.reduce(np.array([]))


@vectorize(["float64(float64, float64)"], identity="reorderable")
def vmax_reorder(x, y):
    return x if x > y else y


def test_identity_reorderable_allows_multi_axis():
    a = np.random.default_rng(1).random((4, 5))
    assert vmax_reorder.reduce(a, axis=(0, 1)) == a.max()
    with pytest.raises(ValueError):
        vmax_reorder.reduce(np.array([]))


def test_several_signatures_string_and_list():
    @vectorize("float64(float64)")
    def one(x):
        return x + 0.5
    assert isinstance(one, np.ufunc) and one.types == ["d->d"]
    assert one(np.array([1.0]))[0] == 1.5

    @vectorize([jitprofile.float64(jitprofile.float64), jitprofile.int64(jitprofile.int64)])
    def sig_objects(x):
        return x * 3
    assert sig_objects.types == ["d->d", "l->l"]
    assert sig_objects(np.array([2])).dtype == np.int64


@njit
def helper_sq(x):
    return x * x


@vectorize(["float64(float64)"])
def uses_math_and_helper(x):
    return math.sqrt(helper_sq(x) + 1.0) + math.sin(x)


def test_kernel_calls_math_and_jitted_functions():
    x = np.linspace(-3, 3, 17)
    np.testing.assert_allclose(uses_math_and_helper(x), np.sqrt(x * x + 1) + np.sin(x),
                               rtol=1e-15, atol=0)


@vectorize(["float64(float64, float64)", "int64(int64, int64)"])
def vdiv(x, y):
    return x / y


@vectorize(["float64(float64, float64)", "int64(int64, int64)"])
def vfloordiv(x, y):
    return x // y


@vectorize(["float64(float64, float64)", "int64(int64, int64)"])
def vmod(x, y):
    return x % y


@vectorize(["float64(float64)"])
def vlog(x):
    return math.log(x)


def test_numpy_error_rules_division_by_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = vdiv(np.array([1.0, -1.0, 0.0]), 0.0)
    assert r[0] == math.inf and r[1] == -math.inf and math.isnan(r[2])


def test_numpy_error_rules_floor_division_by_zero():
    x = np.array([1.0, -1.0, 0.0, 7.0])
    y = np.array([0.0, 0.0, 0.0, 2.0])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(vfloordiv(x, y), x // y)          # [inf, -inf, nan, 3]
        xi, yi = np.array([7, -7, 5]), np.array([0, 2, 0])
        np.testing.assert_array_equal(vfloordiv(xi, yi), xi // yi)      # int: 0 for /0


def test_numpy_error_rules_modulo_and_math():
    x = np.array([1.0, -3.0, 7.0, 5.5])
    y = np.array([0.0, 2.0, -3.0, 0.0])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(vmod(x, y), x % y)
        xi, yi = np.array([1, -3, 7]), np.array([0, 2, -3])
        np.testing.assert_array_equal(vmod(xi, yi), xi % yi)
        r = vlog(np.array([0.0, -1.0, math.e]))
    # math.log under NumPy's rules: no ValueError, -inf and nan like np.log
    assert r[0] == -math.inf and math.isnan(r[1]) and r[2] == 1.0


@vectorize(["float64(float64)"])
def raises_on_negative(x):
    if x < 0:
        raise ValueError("negative input")
    return x * 2


@vectorize(["float64(float64)"], target="parallel")
def raises_on_negative_par(x):
    if x < 0:
        raise ValueError("negative input")
    return x * 2


def test_explicit_raise_propagates():
    assert raises_on_negative(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]
    with pytest.raises(ValueError, match="negative input"):
        raises_on_negative(np.array([1.0, -2.0, 3.0]))
    with pytest.raises(ValueError, match="negative input"):
        raises_on_negative(-1.0)
    # the ufunc still works afterwards
    assert raises_on_negative(np.array([5.0]))[0] == 10.0


def test_explicit_raise_propagates_from_parallel_chunks(two_threads):
    # wherever the bad element lies (whichever thread runs its chunk) the call raises
    x = np.ones(BIG)
    missed = []
    for pos in [0, 5] + [BIG * k // 16 + 1 for k in range(1, 16)] + [BIG - 3, BIG - 1]:
        x[pos] = -1.0
        try:
            raises_on_negative_par(x)
            missed.append(pos)
        except ValueError as e:
            assert "negative input" in str(e)
        x[pos] = 1.0
    assert missed == [], f"no ValueError when the negative element was at {missed}"
    assert (raises_on_negative_par(x) == 2.0).all()


def test_kernel_typing_error_at_decoration():
    with pytest.raises(TypingError):
        @vectorize(["float64(float64)"])
        def bad(x):
            return x + undefined_name_in_kernel  # noqa: F821


def test_bad_target_and_bad_options():
    with pytest.raises(ValueError, match="target"):
        @vectorize(["float64(float64)"], target="gpu-ish")
        def f(x):
            return x
    with pytest.raises(ValueError):
        @vectorize(["float64(float64)"], nopython=False)
        def g(x):
            return x


# ---------------------------------------------------------------- parallel target

def test_parallel_matches_serial_and_numpy_big(two_threads):
    rng = np.random.default_rng(7)
    x = rng.random(BIG) + 0.1
    y = rng.random(BIG) + 0.1
    expected = rel_diff_np(x, y)
    np.testing.assert_array_equal(rel_diff_par(x, y), expected)
    np.testing.assert_array_equal(rel_diff(x, y), expected)
    # broadcasting, strided and out= on the parallel target
    x2 = x.reshape(400, 1000)
    np.testing.assert_array_equal(rel_diff_par(x2, y[:1000]), rel_diff_np(x2, y[:1000]))
    np.testing.assert_array_equal(rel_diff_par(x[::2], y[1::2]), rel_diff_np(x[::2], y[1::2]))
    out = np.empty_like(x)
    assert rel_diff_par(x, y, out=out) is out
    np.testing.assert_array_equal(out, expected)
    # odd length (chunk remainders)
    n = BIG + 13
    xo = np.arange(1.0, n + 1.0)
    np.testing.assert_array_equal(rel_diff_par(xo, 2.0), rel_diff_np(xo, 2.0))


@vectorize(["int64(float64)"], target="parallel")
def tid_par(x):
    return gettid()


@vectorize(["int64(float64)"])
def tid_ser(x):
    return gettid()


def test_parallel_target_uses_several_threads(two_threads):
    ids = np.unique(tid_par(np.zeros(BIG)))
    assert len(ids) == 2, ids
    assert threading.get_native_id() in ids
    jitprofile.set_num_threads(1)
    ids1 = np.unique(tid_par(np.zeros(BIG)))
    assert ids1.tolist() == [threading.get_native_id()]
    # the cpu target never leaves the calling thread
    jitprofile.set_num_threads(2)
    assert np.unique(tid_ser(np.zeros(BIG))).tolist() == [threading.get_native_id()]


def test_lowering_num_threads_after_the_pool_grew():
    # the pool never shrinks, but set_num_threads(2) after a 4-thread call
    # must run on at most 2 threads (it ran on all 4 before)
    old = jitprofile.get_num_threads()
    try:
        jitprofile.set_num_threads(4)
        tid_par(np.zeros(4 * BIG))
        jitprofile.set_num_threads(2)
        for _ in range(10):
            assert len(np.unique(tid_par(np.zeros(4 * BIG)))) <= 2
        jitprofile.set_num_threads(1)
        assert np.unique(tid_par(np.zeros(BIG))).tolist() == [threading.get_native_id()]
    finally:
        jitprofile.set_num_threads(old)


def test_set_get_num_threads():
    old = jitprofile.get_num_threads()
    assert isinstance(old, int) and old >= 1
    try:
        jitprofile.set_num_threads(1)
        assert jitprofile.get_num_threads() == 1
        jitprofile.set_num_threads(3)
        assert jitprofile.get_num_threads() == 3
        for bad in (0, -1):
            with pytest.raises(ValueError):
                jitprofile.set_num_threads(bad)
        assert jitprofile.get_num_threads() == 3
        with pytest.raises((TypeError, ValueError)):
            jitprofile.set_num_threads("two")
    finally:
        jitprofile.set_num_threads(old)


def test_parallel_ufunc_called_from_several_python_threads(two_threads):
    x = np.arange(1.0, BIG + 1.0)
    expected = rel_diff_np(x, 3.0)
    errors = []

    def work():
        try:
            for _ in range(3):
                if not np.array_equal(rel_diff_par(x, 3.0), expected):
                    errors.append("mismatch")
        except BaseException as e:  # noqa: BLE001
            errors.append(repr(e))

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == []


@vectorize(["float64(float64, float64)"], identity=0, target="parallel")
def vadd_par(x, y):
    return x + y


def test_parallel_reduce_and_accumulate(two_threads):
    a = np.arange(BIG, dtype=np.float64).reshape(4, -1)
    np.testing.assert_array_equal(vadd_par.reduce(a, axis=0), a.sum(axis=0))
    np.testing.assert_array_equal(vadd_par.accumulate(a[0]), np.cumsum(a[0]))
    assert vadd_par.reduce(np.array([])) == 0.0
    # a 1-d reduce (an output of stride 0) and accumulate carry a value from one
    # iteration to the next: whatever the scheduling, the pool must not split them
    ints = np.arange(BIG, dtype=np.float64) % 7
    for _ in range(5):
        assert vadd_par.reduce(ints) == ints.sum()
        np.testing.assert_array_equal(vadd_par.accumulate(ints), np.cumsum(ints))
    # an output overlapping an input gives what np.add gives (as if from copies)
    b = np.arange(BIG, dtype=np.float64)
    expect = b[:-1] + b[1:]
    vadd_par(b[:-1], b[1:], out=b[1:])
    np.testing.assert_array_equal(b[1:], expect)


# ---------------------------------------------------------------- lazy DUFunc (no signatures)

def test_dufunc_compiles_per_input_types():
    @vectorize
    def mul_add(x, y):
        return x * y + 1

    assert not isinstance(mul_add, np.ufunc) or mul_add.ntypes == 0
    assert mul_add.ntypes == 0
    r = mul_add(np.arange(4), 3)
    assert r.tolist() == [1, 4, 7, 10] and r.dtype.kind == "i"
    assert mul_add.ntypes == 1
    r = mul_add(np.arange(4.0), 2.5)
    np.testing.assert_array_equal(r, np.arange(4.0) * 2.5 + 1)
    assert r.dtype == np.float64
    assert mul_add.ntypes == 2
    mul_add(np.arange(3), 5)                         # already compiled: no new loop
    assert mul_add.ntypes == 2
    # .reduce compiles the (T, T) loop
    assert mul_add.reduce(np.arange(1, 5)) == ((1 * 2 + 1) * 3 + 1) * 4 + 1
    assert mul_add(2, 3) == 7
    assert mul_add.__name__ == "mul_add"


def test_dufunc_with_identity_reduce_and_accumulate():
    @vectorize(identity=0)
    def plus(x, y):
        return x + y

    assert plus.reduce(np.arange(10)) == 45
    assert plus.reduce(np.arange(10.0)) == 45.0
    np.testing.assert_array_equal(plus.accumulate(np.arange(6)), np.cumsum(np.arange(6)))
    assert plus.reduce(np.zeros((0,))) == 0.0
    a = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(plus.reduce(a, axis=1), a.sum(axis=1))
    np.testing.assert_array_equal(plus(a, np.arange(4.0)), a + np.arange(4.0))
    out = np.zeros((3, 4))
    plus(a, 1.0, out=out)
    np.testing.assert_array_equal(out, a + 1)


def test_dufunc_parallel_target_without_signatures(two_threads):
    @vectorize(target="parallel")
    def rd(x, y):
        return 2 * (x - y) / (x + y)

    rng = np.random.default_rng(3)
    x = rng.random(BIG) + 0.5
    y = rng.random(BIG) + 0.5
    np.testing.assert_array_equal(rd(x, y), rel_diff_np(x, y))
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    r32 = rd(x32, y32)
    np.testing.assert_allclose(r32, rel_diff_np(x32, y32), rtol=1e-6)
    assert rd.ntypes == 2

    @vectorize(target="parallel")
    def tid(x):
        return gettid()
    assert len(np.unique(tid(np.zeros(BIG)))) == 2


def test_dufunc_raise_and_errors():
    @vectorize
    def checked(x):
        if x < 0:
            raise ValueError("negative in dufunc")
        return x + 1

    assert checked(np.array([1, 2])).tolist() == [2, 3]
    with pytest.raises(ValueError, match="negative in dufunc"):
        checked(np.array([1, -2]))

    @vectorize
    def two(x, y):
        return x + y
    with pytest.raises(TypeError):
        two(np.arange(3))                          # too few arguments

    @vectorize
    def untypable(x):
        return x + undefined_name_in_dufunc  # noqa: F821
    with pytest.raises(TypingError):
        untypable(np.arange(3))


def test_dufunc_division_follows_numpy_rules():
    @vectorize
    def d(x, y):
        return x / y
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = d(np.array([1.0, -2.0]), np.array([0.0, 0.0]))
    assert r.tolist() == [math.inf, -math.inf]


# ---------------------------------------------------------------- guvectorize

@guvectorize(["void(int64[:], int64, int64[:])", "void(float64[:], float64, float64[:])"],
             "(n),()->(n)")
def g_add(x, y, res):
    for i in range(x.shape[0]):
        res[i] = x[i] + y


@guvectorize(["void(float64[:], float64[:])"], "(n)->()")
def g_sum(x, res):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i]
    res[0] = s


@guvectorize(["void(float64[:], float64[:])"], "(n)->()", target="parallel")
def g_sum_par(x, res):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i]
    res[0] = s


@guvectorize(["void(float64[:,:], float64[:,:], float64[:,:])"], "(m,n),(n,p)->(m,p)")
def g_matmul(a, b, out):
    for i in range(a.shape[0]):
        for j in range(b.shape[1]):
            s = 0.0
            for k in range(a.shape[1]):
                s += a[i, k] * b[k, j]
            out[i, j] = s


def test_guvectorize_is_gufunc():
    assert isinstance(g_add, np.ufunc)
    assert g_add.signature == "(n),()->(n)"
    assert g_add.nin == 2 and g_add.nout == 1
    assert g_add.ntypes == 2


def test_guvectorize_elementwise_with_scalar():
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(g_add(x, 10.0), x + 10)
    # one scalar per row: the loop dimension of y broadcasts against x's
    np.testing.assert_array_equal(g_add(x, np.array([1.0, 2.0, 3.0])),
                                  x + np.array([[1.0], [2.0], [3.0]]))
    xi = np.arange(6).reshape(2, 3)
    r = g_add(xi, 5)
    assert r.dtype == np.int64 and np.array_equal(r, xi + 5)
    # 1-d input: one core call
    np.testing.assert_array_equal(g_add(np.arange(3.0), 1.0), [1.0, 2.0, 3.0])


def test_guvectorize_output_passed_in_place():
    x = np.arange(8.0).reshape(2, 4)
    out = np.zeros_like(x)
    g_add(x, 2.0, out)
    np.testing.assert_array_equal(out, x + 2)
    out2 = np.zeros_like(x)
    g_add(x, 3.0, out=out2)
    np.testing.assert_array_equal(out2, x + 3)


def test_guvectorize_reduction_layout():
    x = np.arange(20.0).reshape(4, 5)
    r = g_sum(x)
    assert r.shape == (4,)
    np.testing.assert_array_equal(r, x.sum(axis=1))
    assert g_sum(np.arange(5.0)) == 10.0
    np.testing.assert_array_equal(g_sum(x.T), x.T.sum(axis=1))      # strided core dim
    big = np.random.default_rng(2).random((BIG // 100, 100))
    np.testing.assert_allclose(g_sum(big), big.sum(axis=1), rtol=1e-12)


def test_guvectorize_matmul_layout():
    rng = np.random.default_rng(5)
    a = rng.random((3, 2, 4))
    b = rng.random((4, 5))
    np.testing.assert_allclose(g_matmul(a, b), a @ b, rtol=1e-13)
    with pytest.raises(ValueError):
        g_matmul(rng.random((2, 3)), rng.random((4, 2)))       # core dims disagree


def test_guvectorize_parallel_target(two_threads):
    big = np.random.default_rng(4).random((BIG // 50, 50))
    np.testing.assert_array_equal(g_sum_par(big), g_sum(big))
    np.testing.assert_allclose(g_sum_par(big), big.sum(axis=1), rtol=1e-12)


@guvectorize(["void(float64[:], int64[:])"], "(n)->()", target="parallel")
def g_tid(x, res):
    res[0] = gettid()


def test_guvectorize_parallel_uses_several_threads(two_threads):
    # chunks are taken by whichever thread is free: on a loaded machine the
    # calling thread can take them all before the worker wakes, so a call may
    # see one thread; some call must see two, and none more than two
    seen = []
    for _ in range(20):
        ids = np.unique(g_tid(np.zeros((BIG // 10, 10))))
        assert len(ids) <= 2, ids
        seen.append(len(ids))
        if len(ids) == 2:
            break
    assert 2 in seen, seen


@guvectorize(["void(float64[:], float64[:])"], "(n)->()")
def g_checked(x, res):
    for i in range(x.shape[0]):
        if x[i] < 0:
            raise ValueError("negative in gufunc")
    res[0] = 1.0


def test_guvectorize_raise_propagates():
    assert g_checked(np.ones((2, 3))).tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="negative in gufunc"):
        g_checked(np.array([[1.0, 2.0], [3.0, -4.0]]))


def test_guvectorize_clear_errors():
    with pytest.raises(ValueError):
        guvectorize(["void(float64[:], float64[:])"], "(n)(n)")       # no '->'
    with pytest.raises(TypeError):
        @guvectorize(["void(float64[:], float64[:])"], "(n),()->(n)")   # 2 args, 3 operands
        def f(x, res):
            res[0] = x[0]
    with pytest.raises(CompileError):
        @guvectorize(["void(float64[:], float64[:])"], "(n)->()")
        def g(x, res):
            res[0] = x + undefined_in_gufunc  # noqa: F821


# ---------------------------------------------------------------- more signatures and shapes

@vectorize(["float64(float64, float64, float64)"])
def fma3(a, b, c):
    return a * b + c


@vectorize(["complex128(complex128)", "float64(float64)"])
def csq(z):
    return z * z


@vectorize(["boolean(float64, float64)"])
def close_to(a, b):
    return abs(a - b) < 0.5


def test_three_inputs_complex_and_bool_outputs():
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(fma3(a, 2.0, np.arange(3.0)), a * 2 + np.arange(3.0))
    z = np.array([1 + 2j, -0.5j, 3.0 + 0j])
    r = csq(z)
    assert r.dtype == np.complex128 and np.array_equal(r, z * z)
    assert csq(np.array([3.0])).dtype == np.float64
    b = close_to(np.array([0.0, 1.0, 2.0]), np.array([0.2, 2.0, 2.4]))
    assert b.dtype == np.bool_ and b.tolist() == [True, False, True]


def test_vectorized_functions_callable_from_jitted_code():
    # Numba lets jitted code call @vectorize functions (with or without signatures)
    @vectorize
    def lazy_inc(x):
        return x + 1

    @njit
    def use_arrays(a, b):
        return rel_diff(a, b)

    @njit
    def use_scalar(a):
        return rel_diff(a, 1.0) + lazy_inc(a)

    a = np.arange(1.0, 5.0)
    np.testing.assert_array_equal(use_arrays(a, a[::-1]), rel_diff_np(a, a[::-1]))
    assert use_scalar(3.0) == 1.0 + 4.0


try:
    from hypothesis import given, settings, strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError:  # pragma: no cover
    given = None

if given is not None:
    @settings(max_examples=60, deadline=None)
    @given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=5),
           data=st.data())
    def test_broadcasting_matches_numpy_property(shapes, data):
        floats = st.floats(-1e6, 1e6, allow_nan=False, width=64)
        x = data.draw(hnp.arrays(np.float64, shapes.input_shapes[0], elements=floats))
        y = data.draw(hnp.arrays(np.float64, shapes.input_shapes[1], elements=floats))
        with np.errstate(all="ignore"):
            expected = x + y
            np.testing.assert_array_equal(vadd(x, y), expected)
            np.testing.assert_array_equal(vadd_par(x, y), expected)
            np.testing.assert_array_equal(rel_diff(x, y), rel_diff_np(x, y))
