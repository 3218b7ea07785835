"""Issue 12: @stencil as Numba documents it (kernel with relative indexing, 1-d/2-d/3-d,
inferred or given neighborhood, cval, several inputs, scalar arguments,
standard_indexing, out=, calls from Python and from jit code, parallel=True).
Every result is compared with a plain Python/NumPy reference loop on several dtypes.
"""
import numpy as np
import pytest

import jitprofile
import jitprofile as numba
from numba import stencil, njit        # the alias: `import jitprofile as numba`

DTYPES = [np.float64, np.float32, np.int64, np.int32]


def _wide(a):
    """a in the types jit scalar code computes in (Numba's rules: int32 + int32 and
    2 * float32 give int64 and float64): the reference loop's input."""
    return a.astype(np.int64 if a.dtype.kind in "iu" else np.float64)


def _close(got, ref, dtype):
    np.testing.assert_allclose(got, ref, rtol=1e-6 if np.dtype(dtype) == np.float32 else 1e-12)


def _arr(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.random(shape) * 100).astype(dtype)


def reference(kernel_py, nbhd, shape, args, cval=0, dtype=None):
    """Apply kernel_py(index_fn, ...) at every interior point, cval on the border."""
    out = None
    ranges = [range(max(0, -lo), n - max(0, hi)) for (lo, hi), n in zip(nbhd, shape)]
    vals = {}
    import itertools
    for idx in itertools.product(*ranges):
        vals[idx] = kernel_py(idx, *args)
    if dtype is None:
        dtype = np.asarray(next(iter(vals.values()))).dtype if vals else np.float64
    out = np.full(shape, cval, dtype=dtype)
    for idx, v in vals.items():
        out[idx] = v
    return out


@stencil
def lap1(a):
    return a[-1] - 2 * a[0] + a[1]


@stencil
def cross2(a):
    return 0.25 * (a[0, 1] + a[1, 0] + a[0, -1] + a[-1, 0])


@stencil
def vert2(a):
    return a[-1, 0] + a[1, 0]


@stencil
def six3(a):
    return a[-1, 0, 0] + a[1, 0, 0] + a[0, -1, 0] + a[0, 1, 0] + a[0, 0, -1] + a[0, 0, 1]


@pytest.mark.parametrize("dtype", DTYPES)
def test_1d_from_python(dtype):
    a = _arr(50, dtype)
    got = lap1(a)
    ref = reference(lambda i, a: a[i[0] - 1] - 2 * a[i[0]] + a[i[0] + 1], lap1.neighborhood, a.shape,
                    (_wide(a),))
    assert got.shape == a.shape
    assert got.dtype == (np.int64 if a.dtype.kind == "i" else np.float64)   # 2 * a[0]: Numba's scalar rules
    _close(got, ref, dtype)
    assert got[0] == 0 and got[-1] == 0


@pytest.mark.parametrize("dtype", DTYPES)
def test_2d_cross_and_inferred_neighborhood(dtype):
    a = _arr((13, 17), dtype)
    got = cross2(a)
    assert cross2.neighborhood == ((-1, 1), (-1, 1))
    ref = reference(lambda i, a: 0.25 * (a[i[0], i[1] + 1] + a[i[0] + 1, i[1]] + a[i[0], i[1] - 1]
                                        + a[i[0] - 1, i[1]]), cross2.neighborhood, a.shape, (a,))
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    assert got.dtype == np.float64 and got.shape == a.shape


@pytest.mark.parametrize("dtype", DTYPES)
def test_2d_one_axis_neighborhood(dtype):
    a = _arr((9, 7), dtype)
    got = vert2(a)
    assert vert2.neighborhood == ((-1, 1), (0, 0))
    ref = reference(lambda i, a: a[i[0] - 1, i[1]] + a[i[0] + 1, i[1]], vert2.neighborhood, a.shape,
                    (_wide(a),))
    _close(got, ref, dtype)
    # Numba's scalar rules: float32 + float32 is float32, int32 + int32 is int64
    assert got.dtype == (np.int64 if a.dtype.kind == "i" else dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.int64])
def test_3d(dtype):
    a = _arr((6, 7, 8), dtype)
    got = six3(a)
    ref = reference(lambda i, a: (a[i[0] - 1, i[1], i[2]] + a[i[0] + 1, i[1], i[2]] + a[i[0], i[1] - 1, i[2]]
                                  + a[i[0], i[1] + 1, i[2]] + a[i[0], i[1], i[2] - 1] + a[i[0], i[1], i[2] + 1]),
                    six3.neighborhood, a.shape, (a,), dtype=got.dtype)
    np.testing.assert_array_equal(got, ref)


def test_cval():
    @stencil(cval=-7.5)
    def k(a):
        return a[0, 1] - a[0, -1]
    a = _arr((5, 6), np.float64)
    got = k(a)
    ref = reference(lambda i, a: a[i[0], i[1] + 1] - a[i[0], i[1] - 1], k.neighborhood, a.shape, (a,), cval=-7.5)
    np.testing.assert_array_equal(got, ref)
    assert (got[:, 0] == -7.5).all() and (got[:, -1] == -7.5).all()


def test_given_neighborhood_with_loops():
    @stencil(neighborhood=((-1, 1), (-2, 2)))
    def box(a):
        acc = 0.0
        for i in range(-1, 2):
            for j in range(-2, 3):
                acc += a[i, j]
        return acc / 15.0
    for dtype in DTYPES:
        a = _arr((8, 11), dtype)
        got = box(a)
        ref = reference(lambda i, a: sum(float(a[i[0] + di, i[1] + dj]) for di in range(-1, 2)
                                         for dj in range(-2, 3)) / 15.0, box.neighborhood, a.shape, (a,))
        np.testing.assert_allclose(got, ref, rtol=1e-12)
        assert (got[:, :2] == 0).all() and (got[0] == 0).all()


def test_several_inputs_and_scalar():
    @stencil
    def mix(a, b, w):
        return w * a[0, 0] + b[1, 0] - b[-1, 0]
    for dtype in DTYPES:
        a, b = _arr((7, 5), dtype, 1), _arr((7, 5), dtype, 2)
        got = mix(a, b, 3)
        ref = reference(lambda i, a, b, w: w * a[i] + b[i[0] + 1, i[1]] - b[i[0] - 1, i[1]],
                        mix.neighborhood, a.shape, (_wide(a), _wide(b), 3))
        _close(got, ref, dtype)
    got = mix(_arr((7, 5), np.float64), _arr((7, 5), np.float64), 0.5)
    assert got.dtype == np.float64


def test_shape_mismatch_is_value_error():
    @stencil
    def two(a, b):
        return a[0] + b[1]
    with pytest.raises(ValueError, match="same shape"):
        two(np.ones(5), np.ones(6))


def test_standard_indexing():
    @stencil(standard_indexing=("w",))
    def weighted(a, w):
        return w[0] * a[-1] + w[1] * a[0] + w[2] * a[1]
    a = _arr(20, np.float64)
    w = np.array([0.25, 0.5, 0.25])
    got = weighted(a, w)
    ref = reference(lambda i, a, w: w[0] * a[i[0] - 1] + w[1] * a[i[0]] + w[2] * a[i[0] + 1],
                    weighted.neighborhood, a.shape, (a, w))
    np.testing.assert_allclose(got, ref, rtol=1e-14)
    assert weighted.neighborhood == ((-1, 1),)


def test_out_argument():
    a = _arr((6, 6), np.float64)
    out = np.full((6, 6), 99.0)
    r = cross2(a, out=out)
    ref = cross2(a)
    np.testing.assert_array_equal(out[1:-1, 1:-1], ref[1:-1, 1:-1])
    assert (out[0] == 99.0).all() and (out[:, -1] == 99.0).all()    # the border is left as it was
    assert r is out or np.shares_memory(r, out)


def test_called_from_jit_code():
    @njit
    def run(a):
        return cross2(a) + vert2(a)
    a = _arr((10, 12), np.float64)
    np.testing.assert_allclose(run(a), cross2(a) + vert2(a))

    @njit
    def run_out(a, o):
        cross2(a, o)
        return o
    o = np.zeros_like(a)
    np.testing.assert_allclose(run_out(a, o), cross2(a))

    @njit
    def run_out_kw(a, o):
        cross2(a, out=o)
        return o
    o = np.full_like(a, 5.0)
    got = run_out_kw(a, o)
    np.testing.assert_allclose(got[1:-1, 1:-1], cross2(a)[1:-1, 1:-1])
    assert (got[0] == 5.0).all()

    @njit
    def bad_kw(a):
        return cross2(a, bogus=a)
    with pytest.raises(numba.TypingError, match="bogus"):
        bad_kw(a)


def test_out_of_another_shape_is_value_error():
    with pytest.raises(ValueError, match="out must have"):
        cross2(np.ones((4, 4)), out=np.ones((4, 5)))


def test_parallel_jit_runs_on_the_pool():
    @njit(parallel=True)
    def run(a):
        return cross2(a)
    old = jitprofile.get_num_threads()
    jitprofile.set_num_threads(2)
    try:
        a = _arr((400, 300), np.float64)
        before = jitprofile._core.thread_pool_stats()[0]
        got = run(a)
        assert jitprofile._core.thread_pool_stats()[0] > before     # the prange loop went to the pool
    finally:
        jitprofile.set_num_threads(old)
    np.testing.assert_allclose(got, cross2(a))


def test_non_constant_index_without_neighborhood_is_an_error():
    with pytest.raises(numba.TypingError) as e:
        @stencil
        def bad(a):
            acc = 0.0
            for i in range(-1, 2):
                acc += a[i]
            return acc
    msg = str(e.value)
    assert "test_jit_stencil.py:" in msg and "neighborhood" in msg
    line = bad_line = None
    import inspect
    src, first = inspect.getsourcelines(test_non_constant_index_without_neighborhood_is_an_error)
    for k, text in enumerate(src):
        if "acc += a[i]" in text:
            bad_line = first + k
            col = first_indent = len(text) - len(text.lstrip())
            col = text.index("a[i]") + 3         # the index `i`, 1-based
            break
    assert f"test_jit_stencil.py:{bad_line}:{col}:" in msg, msg
    del line, first_indent


def test_mismatched_index_count_is_an_error():
    with pytest.raises(numba.TypingError, match="one per dimension"):
        @stencil
        def bad(a):
            return a[0, 1] + a[1]


def test_unknown_mode_and_option():
    with pytest.raises(ValueError):
        stencil("wrap")(lambda a: a[0])
    with pytest.raises(TypeError):
        stencil(bogus=1)


def test_kernel_typing_error_names_the_kernel_line():
    @stencil
    def bad(a):
        return a[0, 1] + no_such_name       # noqa: F821
    import inspect
    src, first = inspect.getsourcelines(test_kernel_typing_error_names_the_kernel_line)
    line = first + next(k for k, t in enumerate(src) if "no_such_name" in t)
    with pytest.raises(numba.TypingError) as e:
        bad(np.ones((3, 3)))
    msg = str(e.value)
    assert f"test_jit_stencil.py>:{line}:" in msg and "no_such_name" in msg, msg


def test_stencil_is_lazy_and_repr():
    assert "neighborhood=((-1, 1), (-1, 1))" in repr(cross2)
    assert jitprofile.stencil is numba.stencil


def test_out_with_cval_fills_the_border():
    @stencil(cval=3.0)
    def k(a):
        return a[-1] + a[1]
    a = _arr(10, np.float64)
    out = np.full(10, 99.0)
    k(a, out=out)
    np.testing.assert_array_equal(out, k(a))
    assert out[0] == 3.0 and out[-1] == 3.0


def test_argument_checks():
    with pytest.raises(ValueError, match="2-dimensional neighborhood"):
        cross2(np.ones(5))
    with pytest.raises(TypeError, match="must be an array"):
        cross2(3.0)
    with pytest.raises(TypeError, match="out must be a 2-dimensional array"):
        cross2(np.ones((3, 3)), out=np.ones(9))
    with pytest.raises(TypeError, match="takes 1 arguments"):
        cross2(np.ones((3, 3)), np.ones((3, 3)))
    def two(a, b):
        return a[0] + b[0]

    def one(a):
        return a[0]
    with pytest.raises(ValueError, match="first argument"):
        stencil(standard_indexing=("a",))(two)
    with pytest.raises(ValueError, match="cval must be a number"):
        stencil(cval="x")(one)
    with pytest.raises(TypeError, match="defined with def"):
        stencil(lambda a: a[0])

    @stencil(cval=1j)
    def real(a):
        return a[0] + a[1]
    with pytest.raises(ValueError, match="cval type does not match"):
        real(np.ones(4))

    @njit
    def bad_dims(a):
        return cross2(a)
    with pytest.raises(numba.TypingError, match="2-dimensional neighborhood"):
        bad_dims(np.ones(4))


def test_tiny_and_empty_inputs_are_all_border():
    assert (cross2(np.ones((2, 2))) == 0).all()
    assert cross2(np.ones((0, 5))).shape == (0, 5)
    assert (lap1(np.ones(1)) == 0).all()


def test_kernel_without_source_is_a_compile_error():
    ns = {}
    exec("def k(a):\n    return a[0] + a[1]\n", ns)       # no file behind it
    with pytest.raises(numba.CompileError, match="source code is not available"):
        stencil(ns["k"])
