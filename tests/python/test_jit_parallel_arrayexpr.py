"""Issue 12: @jit(parallel=True) runs whole-array expressions (a * b + c, ufunc calls,
in-place forms) and whole-array sums (np.sum(a * b), a.sum(), mean, var, std) on the
thread pool (jit/lower_parallel.c).  Results equal the serial @njit ones and NumPy's;
that the pool really ran the work is observed through jitprofile's thread-pool counters
(loops handed to the pool, chunks its worker threads ran), not through timing.
"""
import warnings

import numpy as np
import pytest

import jitprofile
from jitprofile import njit, prange

DTYPES = [np.float64, np.float32, np.int64, np.int32]
BIG = 200_003                 # above the size that goes to the pool


@pytest.fixture(autouse=True)
def two_threads():
    old = jitprofile.get_num_threads()
    jitprofile.set_num_threads(2)
    yield
    jitprofile.set_num_threads(old)


def _arr(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    return (rng.random(shape) * 50 + 1).astype(dtype)


def expr(a, b, c):
    return a * b + c


def ufuncs(a, b):
    return np.sqrt(a) + np.where(a > b, a - b, np.exp(-b / 100.0))


def reductions(a, b):
    return np.sum(a * b), a.sum(), b.sum()


def stats(a):
    return a.mean(), np.var(a), np.std(a)


def inplace(a, b, c):
    a += b * c
    a[1:-1] = a[1:-1] - 0.5 * (b[2:] + b[:-2])
    return a


par_expr, ser_expr = njit(parallel=True)(expr), njit(expr)
par_ufuncs, ser_ufuncs = njit(parallel=True)(ufuncs), njit(ufuncs)
par_red, ser_red = njit(parallel=True)(reductions), njit(reductions)
par_stats, ser_stats = njit(parallel=True)(stats), njit(stats)
par_inplace, ser_inplace = njit(parallel=True)(inplace), njit(inplace)


def _stats():
    return jitprofile._core.thread_pool_stats()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 7, 1000, BIG])
def test_expression_equals_serial_and_numpy(dtype, n):
    a, b, c = _arr(n, dtype, 1), _arr(n, dtype, 2), _arr(n, dtype, 3)
    got = par_expr(a, b, c)
    np.testing.assert_array_equal(got, ser_expr(a, b, c))
    np.testing.assert_array_equal(got, a * b + c)
    assert got.dtype == (a * b + c).dtype


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_2d_views_and_broadcasting(dtype):
    A = _arr((700, 600), dtype, 4)
    for a, b, c in [(A, A, A), (A[:, ::2], A[:, 1::2], A[0, ::2]), (A.T, A.T, 2.0),
                    (A[1:-1, 1:-1], A[2:, :-2], A[:-2, 2:])]:
        got = par_expr(a, b, c)
        np.testing.assert_array_equal(got, ser_expr(a, b, c))
        np.testing.assert_array_equal(got, a * b + c)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ufunc_calls(dtype):
    a, b = _arr(BIG, dtype, 5), _arr(BIG, dtype, 6)
    got = par_ufuncs(a, b)
    np.testing.assert_array_equal(got, ser_ufuncs(a, b))
    np.testing.assert_allclose(got, ufuncs(a, b), rtol=1e-6 if dtype == np.float32 else 1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
def test_inplace_and_slices(dtype):
    if np.dtype(dtype).kind == "i":
        return      # `- 0.5 * ...` into an integer array is a casting error in NumPy
    a, b, c = _arr(BIG, dtype, 7), _arr(BIG, dtype, 8), _arr(BIG, dtype, 9)
    got = par_inplace(a.copy(), b, c)
    np.testing.assert_array_equal(got, ser_inplace(a.copy(), b, c))
    np.testing.assert_array_equal(got, inplace(a.copy(), b, c))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 5, BIG])
def test_reductions(dtype, n):
    a, b = _arr(n, dtype, 10), _arr(n, dtype, 11)
    got = par_red(a, b)
    ser = ser_red(a, b)
    ref = reductions(a, b)
    for g, s, r in zip(got, ser, ref):
        if np.dtype(dtype).kind == "i":
            assert g == s == r                  # integer sums are exact in any order
        else:
            np.testing.assert_allclose(g, s, rtol=1e-6 if dtype == np.float32 else 1e-12)
            np.testing.assert_allclose(g, r, rtol=1e-6 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_mean_var_std(dtype):
    a = _arr((500, 450), dtype, 12)
    for g, s, r in zip(par_stats(a), ser_stats(a), stats(a)):
        np.testing.assert_allclose(g, s, rtol=1e-12)
        np.testing.assert_allclose(g, r, rtol=1e-10)


def test_mean_of_empty_is_nan_with_warning():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m = par_stats(np.zeros(0))[0]
    assert np.isnan(m) and any("Mean of empty slice" in str(x.message) for x in w)


def test_axis_reductions_unchanged():
    @njit(parallel=True)
    def f(a):
        return a.sum(axis=0), a.sum(axis=1), a.max()
    a = _arr((300, 200), np.float64, 13)
    got = f(a)
    np.testing.assert_allclose(got[0], a.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(got[1], a.sum(axis=1), rtol=1e-12)
    assert got[2] == a.max()


def test_array_expression_inside_prange_body():
    # nested: the inner whole-array loop runs serially inside the prange chunk
    @njit(parallel=True)
    def f(m):
        out = np.zeros(m.shape[0])
        for i in prange(m.shape[0]):
            row = m[i] * 2.0 + 1.0
            out[i] = row.sum()
        return out
    m = _arr((64, 40_000), np.float64, 14)
    np.testing.assert_allclose(f(m), (m * 2.0 + 1.0).sum(axis=1), rtol=1e-12)


def test_work_goes_to_the_pool_and_its_workers():
    a, b, c = _arr(2_000_000, np.float64, 15), _arr(2_000_000, np.float64, 16), 1.5
    jobs0, chunks0 = _stats()
    par_expr(a, b, c)
    jobs1, _ = _stats()
    assert jobs1 == jobs0 + 1                   # one parallel loop handed to the pool
    par_red(a, b)
    assert _stats()[0] == jobs1 + 3             # np.sum(a * b) (one fused loop), a.sum(), b.sum()
    # the calling thread works too: a worker takes at least one chunk within a few calls
    for _ in range(200):
        if _stats()[1] > chunks0:
            break
        par_expr(a, b, c)
    assert _stats()[1] > chunks0


def test_serial_jit_and_small_arrays_stay_off_the_pool():
    a = _arr(BIG, np.float64, 17)
    jobs0 = _stats()[0]
    ser_expr(a, a, a)
    ser_red(a, a)
    par_expr(a[:100], a[:100], a[:100])
    par_red(a[:100], a[:100])
    assert _stats()[0] == jobs0


def test_one_thread_runs_serially():
    jitprofile.set_num_threads(1)
    a = _arr(BIG, np.float64, 18)
    jobs0 = _stats()[0]
    np.testing.assert_array_equal(par_expr(a, a, a), a * a + a)
    assert _stats()[0] == jobs0


# ---- np.sum of an array expression: one loop, no temporary array ------------------------

def fsum_prod(a, b):
    return np.sum(a * b)


def fsum_diff_method(a, b):
    return (a - b).sum()


def fsum_count(a, b):
    return np.sum(a > b)


FUSED = [fsum_prod, fsum_diff_method, fsum_count]
ELEMENTS = {fsum_prod: lambda a, b: a * b, fsum_diff_method: lambda a, b: a - b, fsum_count: lambda a, b: a > b}


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32, np.int8, np.bool_, np.complex128])
def test_fused_sum_matches_numpy(parallel, dtype):
    for fn in FUSED:
        if dtype == np.bool_ and fn is fsum_diff_method:
            continue            # NumPy: boolean subtract is a TypeError
        jf = njit(parallel=parallel)(fn)
        for n in (0, 1, 1001, BIG):
            a, b = _arr(n, dtype, 20), _arr(n, dtype, 21)
            got, ref = jf(a, b), fn(a, b)
            if dtype == np.float32:
                # float32 elements are summed in float64 (as whole-array sums, docs/jit.md):
                # the reference is their float64 sum, not NumPy's float32 pairwise sum
                # (rounded to float32 at the end, as np.sum of float32 is float32)
                ref = np.float32(ELEMENTS[fn](a, b).astype(np.float64).sum())
            if np.dtype(dtype).kind in "iub":
                assert got == ref, (fn.__name__, dtype, n)      # int8 products wrap as NumPy's
            else:
                np.testing.assert_allclose(got, ref, rtol=2e-7 if dtype == np.float32 else 1e-12)   # 1 ulp


@pytest.mark.parametrize("parallel", [False, True])
def test_fused_sum_broadcast_and_views(parallel):
    f = njit(parallel=parallel)(fsum_prod)
    A = _arr((500, 300), np.float64, 22)
    for a, b in [(A, A[0]), (A.T, A.T), (A[:, ::2], 2.0), (A[::-1], A[:, 5:6])]:
        np.testing.assert_allclose(f(a, b), np.sum(a * b), rtol=1e-12)


@pytest.mark.parametrize("parallel", [False, True])
def test_fused_sum_allocates_no_array(parallel):
    f = njit(parallel=parallel)(fsum_prod)
    a, b = _arr(BIG, np.float64, 23), _arr(BIG, np.float64, 24)
    f(a, b)
    live0, total0 = jitprofile._core.nrt_stats()
    f(a, b)
    live1, total1 = jitprofile._core.nrt_stats()
    assert (live1, total1) == (live0, total0)


def test_error_inside_a_parallel_chunk_is_raised_and_frees_the_result():
    def power(a, b):
        return a ** b
    par, ser = njit(parallel=True)(power), njit(power)
    a = np.arange(1, BIG + 1)
    b = np.ones(BIG, dtype=np.int64)
    b[BIG * 2 // 3] = -1                 # an integer to a negative power, in a late chunk
    with pytest.raises(ValueError) as serial_error:
        ser(a, b)
    live0 = jitprofile._core.nrt_stats()[0]
    with pytest.raises(ValueError) as parallel_error:
        par(a, b)
    assert str(parallel_error.value) == str(serial_error.value)
    assert jitprofile._core.nrt_stats()[0] == live0
    b[BIG * 2 // 3] = 2
    np.testing.assert_array_equal(par(a, b), a ** b)


def test_prange_stencil_loop_compiles_in_a_fresh_process(tmp_path):
    # On main this aborted the process in LLVM ("Instruction Combining did not
    # reach a fixpoint"): the prange body's allocas were built below its env
    # loads instead of at the top of the entry block.  A subprocess, so an abort
    # fails this test instead of the session.
    import subprocess
    import sys
    import textwrap
    code = textwrap.dedent("""
        import numpy as np
        from jitprofile import njit, prange
        def lap(a):
            out = np.zeros(a.shape)
            for i in prange(1, a.shape[0] - 1):
                for j in range(1, a.shape[1] - 1):
                    out[i, j] = 0.25 * (a[i, j + 1] + a[i + 1, j] + a[i, j - 1] + a[i - 1, j])
            return out
        a = np.arange(30.0).reshape(5, 6)
        print(repr(njit(parallel=True)(lap)(a).tolist() == lap(a).tolist()))
    """)
    script = tmp_path / "prange_lap.py"       # jit reads the source: a file, not -c
    script.write_text(code)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "True", r.stderr[-2000:]
