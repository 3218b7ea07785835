"""Linear algebra in jit code (issue 12): dot/@, np.vdot/outer/inner and
np.linalg.* through NumPy's own BLAS/LAPACK, each against NumPy's result
for float32/float64/complex64/complex128 (and integers where NumPy keeps
them), C- and F-ordered, strided and transposed inputs; NumPy's errors
(LinAlgError for singular / not positive definite matrices, ValueError for
mismatched shapes); inputs never modified; dot inside prange."""
import numpy as np
import pytest

import jitprofile
from jitprofile import TypingError, UnsupportedError, njit, prange

FLOATS = [np.float32, np.float64, np.complex64, np.complex128]
LA = np.linalg


def tol(dtype):
    return 2e-4 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-10


def close(got, want, dtype):
    t = tol(dtype)
    np.testing.assert_allclose(got, want, rtol=t, atol=t)


def rand(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    if np.dtype(dtype).kind in "iu":
        a = np.round(a * 5)
    return a.astype(dtype)


def layouts(a):
    """C order, F order, a strided view and (2-d) a transposed view, all equal to a"""
    out = [("C", np.ascontiguousarray(a)), ("F", np.asfortranarray(a))]
    big = np.zeros(tuple(2 * s for s in a.shape), a.dtype)
    big[tuple(slice(None, None, 2) for _ in a.shape)] = a
    out.append(("strided", big[tuple(slice(None, None, 2) for _ in a.shape)]))
    if a.ndim == 2:
        out.append(("transposed", np.ascontiguousarray(a.T).T))
    return out


def ret_type(f, *args):
    """the compiled return type (scalars come back as Python numbers, as Numba's do)"""
    return str(f.overloads[tuple(jitprofile.typeof(a) for a in args)]["return_type"])


def by_value(w):
    w = np.asarray(w, dtype=np.complex128)
    return w[np.lexsort((np.round(w.imag, 4), np.round(w.real, 4)))]


def spd(dtype, n, seed=0):
    a = rand(dtype, (n, n), seed)
    return (a @ a.conj().T + n * np.eye(n)).astype(dtype)


# ---- dot, @, vdot, outer, inner -----------------------------------------------------------

@njit
def j_dot(a, b):
    return np.dot(a, b)


@njit
def j_matmul(a, b):
    return a @ b


@njit
def j_vdot(a, b):
    return np.vdot(a, b)


@njit
def j_outer(a, b):
    return np.outer(a, b)


@njit
def j_inner(a, b):
    return np.inner(a, b)


SHAPES = [((6,), (6,)), ((4, 6), (6,)), ((6,), (6, 3)), ((4, 6), (6, 3)), ((1, 1), (1, 1)), ((5, 0), (0, 2))]


@pytest.mark.parametrize("dtype", FLOATS + [np.int64, np.int32], ids=str)
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_dot_matmul_every_layout(shapes, dtype):
    a0, b0 = rand(dtype, shapes[0], 1), rand(dtype, shapes[1], 2)
    for la, a in layouts(a0):
        for lb, b in layouts(b0):
            want = np.dot(a, b)
            for f in (j_dot, j_matmul):
                got = f(a, b)
                if want.ndim:       # scalars come back as Python numbers, as Numba's do
                    assert got.dtype == want.dtype, (la, lb)
                close(got, want, dtype)


def test_dot_mixed_dtypes_and_ints_as_numpy():
    a, b = rand(np.float32, (3, 4)), rand(np.float64, (4, 2))
    close(j_matmul(a, b), a @ b, np.float64)
    i = rand(np.int64, (4,))
    close(j_dot(b.T, i), np.dot(b.T, i), np.float64)
    c = rand(np.complex64, (4,))
    close(j_dot(a, c), np.dot(a, c), np.complex64)
    x = np.array([2**40, 3], dtype=np.int64)
    assert j_dot(x, x) == np.dot(x, x)          # integer products wrap as NumPy's


def test_dot_matmul_mismatch_is_numpys_value_error():
    a, b = np.zeros((2, 3)), np.zeros(4)
    for f, np_f in ((j_dot, np.dot), (j_matmul, np.matmul)):
        for x, y in ((a, b), (a, np.zeros((4, 2))), (np.zeros(3), b), (b, a)):
            with pytest.raises(ValueError) as want:
                np_f(x, y)
            with pytest.raises(ValueError) as got:
                f(x, y)
            assert str(got.value) == str(want.value)
    ai = a.astype(np.int64)
    with pytest.raises(ValueError, match=r"shapes \(2,3\) and \(4,\) not aligned"):
        j_dot(ai, b.astype(np.int64))


@pytest.mark.parametrize("dtype", FLOATS + [np.int64], ids=str)
def test_vdot_outer_inner(dtype):
    a0, b0 = rand(dtype, (7,), 3), rand(dtype, (7,), 4)
    for _, a in layouts(a0):
        for _, b in layouts(b0):
            close(j_vdot(a, b), np.vdot(a, b), dtype)
            close(j_outer(a, b), np.outer(a, b), dtype)
            close(j_inner(a, b), np.inner(a, b), dtype)
            assert j_outer(a, b).dtype == np.outer(a, b).dtype
    m0 = rand(dtype, (3, 4), 5)
    close(j_vdot(m0, m0[::-1]), np.vdot(m0, m0[::-1]), dtype)      # 2-d: flattened in C order
    if np.dtype(dtype).kind != "i":
        n0 = rand(dtype, (5, 4), 6)
        for _, m in layouts(m0):
            for _, n in layouts(n0):
                close(j_inner(m, n), np.inner(m, n), dtype)
            close(j_inner(m, a0[:4]), np.inner(m, a0[:4]), dtype)
            close(j_inner(a0[:4], m), np.inner(a0[:4], m), dtype)


def test_vdot_size_mismatch():
    with pytest.raises(ValueError):
        j_vdot(np.zeros(3), np.zeros(4))


# ---- np.linalg ------------------------------------------------------------------------------

@njit
def j_solve(a, b):
    return LA.solve(a, b)


@njit
def j_inv(a):
    return LA.inv(a)


@njit
def j_det(a):
    return LA.det(a)


@njit
def j_slogdet(a):
    return LA.slogdet(a)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_solve_inv_det_slogdet(dtype):
    a0 = rand(dtype, (5, 5), 7) + 3 * np.eye(5, dtype=dtype)
    b1, b2 = rand(dtype, (5,), 8), rand(dtype, (5, 3), 9)
    for la, a in layouts(a0):
        keep = a.copy()
        for _, b in layouts(b1) + layouts(b2):
            got, want = j_solve(a, b), LA.solve(a, b)
            assert got.dtype == want.dtype and got.shape == want.shape
            close(got, want, dtype)
        close(j_inv(a), LA.inv(a), dtype)
        assert j_inv(a).dtype == LA.inv(a).dtype
        d = j_det(a)
        close(d, LA.det(a), dtype)
        s, ld = j_slogdet(a)
        ws, wld = LA.slogdet(a)
        close(s, ws, dtype)
        close(ld, wld, dtype)
        np.testing.assert_array_equal(a, keep)      # LAPACK overwrites its copy, never the input


def test_solve_ints_become_float64_and_mixed_types_promote():
    a = np.array([[3, 1], [1, 2]])
    b = np.array([9, 8])
    got = j_solve(a, b)
    assert got.dtype == np.float64
    close(got, LA.solve(a, b), np.float64)
    a32 = a.astype(np.float32)
    assert j_solve(a32, b.astype(np.float64)).dtype == LA.solve(a32, b.astype(np.float64)).dtype
    assert j_solve(a32, b.astype(np.float32)).dtype == np.float32
    assert j_det(a) == pytest.approx(LA.det(a))
    assert ret_type(j_det, a) == "float64" and ret_type(j_det, a32) == "float32"


def test_singular_matrix_is_linalgerror():
    s = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        j_solve(s, np.ones(2))
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        j_inv(s)
    assert j_det(s) == 0.0
    sign, logdet = j_slogdet(s)
    assert sign == 0.0 and logdet == -np.inf


def test_non_square_and_mismatched_shapes():
    with pytest.raises(np.linalg.LinAlgError, match="Last 2 dimensions of the array must be square"):
        j_inv(np.ones((2, 3)))
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        j_det(np.ones((3, 2)))
    with pytest.raises(ValueError) as want:
        LA.solve(np.eye(3), np.ones(2))
    with pytest.raises(ValueError) as got:
        j_solve(np.eye(3), np.ones(2))
    assert str(got.value) == str(want.value)


def test_one_d_input_is_a_typing_error_with_the_location():
    with pytest.raises(TypingError, match="1-dimensional array given"):
        j_inv(np.ones(3))


@njit
def j_norm(a):
    return LA.norm(a)


@njit
def j_norms_vec(a):
    return (LA.norm(a, 1), LA.norm(a, 2), LA.norm(a, np.inf), LA.norm(a, -np.inf), LA.norm(a, 0),
            LA.norm(a, 3), LA.norm(a, -1))


@njit
def j_norms_mat(a):
    return (LA.norm(a, "fro"), LA.norm(a, 1), LA.norm(a, -1), LA.norm(a, 2), LA.norm(a, -2),
            LA.norm(a, np.inf), LA.norm(a, -np.inf), LA.norm(a, "nuc"), LA.norm(a, None))


@pytest.mark.parametrize("dtype", FLOATS + [np.int64], ids=str)
def test_norm_vector_and_matrix(dtype):
    v0, m0 = rand(dtype, (9,), 10), rand(dtype, (4, 6), 11)
    for _, v in layouts(v0):
        got, want = j_norm(v), LA.norm(v)
        close(got, want, dtype)
        assert ret_type(j_norm, v) == str(np.asarray(want).dtype)
        for g, w in zip(j_norms_vec(v), [LA.norm(v, o) for o in (1, 2, np.inf, -np.inf, 0, 3, -1)]):
            close(g, w, dtype)
    for _, m in layouts(m0):
        close(j_norm(m), LA.norm(m), dtype)
        for g, w in zip(j_norms_mat(m),
                        [LA.norm(m, o) for o in ("fro", 1, -1, 2, -2, np.inf, -np.inf, "nuc", None)]):
            close(g, w, dtype)


def test_norm_bad_order_is_numpys_error_at_compile_time():
    @njit
    def f(a):
        return LA.norm(a, "fro")

    with pytest.raises(TypingError, match="Invalid norm order 'fro' for vectors"):
        f(np.ones(3))

    @njit
    def g(a):
        return LA.norm(a, 3)

    with pytest.raises(TypingError, match="Invalid norm order for matrices"):
        g(np.ones((3, 3)))

    @njit
    def h(a):
        return LA.norm(a, axis=0)

    with pytest.raises(UnsupportedError, match="axis"):
        h(np.ones((3, 3)))


@njit
def j_eigh(a):
    return LA.eigh(a)


@njit
def j_eigh_upper(a):
    return LA.eigh(a, "U")


@njit
def j_eigvalsh(a):
    return LA.eigvalsh(a, UPLO="U")


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_eigh_eigvalsh(dtype):
    a0 = spd(dtype, 6, 12)
    for _, a in layouts(a0):
        w, v = j_eigh(a)
        ww, _ = LA.eigh(a)
        assert w.dtype == ww.dtype and v.dtype == a.dtype
        close(w, ww, dtype)
        close((v * w) @ v.conj().T, a, dtype)      # v diag(w) v^H == a
        close(j_eigvalsh(a), LA.eigvalsh(a, UPLO="U"), dtype)
    # only the named triangle is read
    lower = np.tril(a0)
    close(j_eigh(lower)[0], LA.eigh(lower)[0], dtype)
    close(j_eigh_upper(np.triu(a0))[0], LA.eigh(np.triu(a0), "U")[0], dtype)


@njit
def j_eig(a):
    return LA.eig(a)


@njit
def j_eigvals(a):
    return LA.eigvals(a)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_eig_eigvals(dtype):
    a0 = spd(dtype, 5, 13) if np.dtype(dtype).kind == "f" else rand(dtype, (5, 5), 13)
    for _, a in layouts(a0):
        w, v = j_eig(a)
        ww = LA.eigvals(a)
        if np.dtype(dtype).kind == "f" and np.iscomplexobj(ww):
            # real input, real eigenvalues: real arrays, as Numba (NumPy >= 2.5
            # returns complex ones with zero imaginary parts)
            assert np.all(ww.imag == 0)
            ww = ww.real
        assert w.dtype == ww.dtype
        close(by_value(w), by_value(ww), dtype)
        close(a @ v, v * w, dtype)
        close(by_value(j_eigvals(a)), by_value(ww), dtype)


def test_eig_of_real_matrix_with_complex_eigenvalues_is_value_error_as_numba():
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="domain change"):
        j_eig(rot)
    w = j_eigvals(rot.astype(np.complex128))
    close(by_value(w), by_value(LA.eigvals(rot)), np.float64)


@njit
def j_svd(a):
    return LA.svd(a)


@njit
def j_svd_thin(a):
    return LA.svd(a, full_matrices=False)


@njit
def j_svd_s(a):
    return LA.svd(a, compute_uv=False)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)], ids=str)
def test_svd(shape, dtype):
    a0 = rand(dtype, shape, 14)
    for _, a in layouts(a0):
        u, s, vh = j_svd(a)
        wu, ws, wvh = LA.svd(a)
        assert (u.shape, s.shape, vh.shape) == (wu.shape, ws.shape, wvh.shape)
        assert u.dtype == wu.dtype and s.dtype == ws.dtype
        close(s, ws, dtype)
        k = min(shape)
        close((u[:, :k] * s) @ vh[:k], a, dtype)
        close(u.conj().T @ u, np.eye(shape[0]), dtype)
        close(vh @ vh.conj().T, np.eye(shape[1]), dtype)
        u2, s2, vh2 = j_svd_thin(a)
        assert u2.shape == (shape[0], k) and vh2.shape == (k, shape[1])
        close((u2 * s2) @ vh2, a, dtype)
        close(j_svd_s(a), ws, dtype)


@njit
def j_qr(a):
    return LA.qr(a)


@njit
def j_qr_complete(a):
    return LA.qr(a, mode="complete")


@njit
def j_qr_r(a):
    return LA.qr(a, "r")


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)], ids=str)
def test_qr(shape, dtype):
    a0 = rand(dtype, shape, 15)
    for _, a in layouts(a0):
        q, r = j_qr(a)
        wq, wr = LA.qr(a)
        assert q.shape == wq.shape and r.shape == wr.shape and q.dtype == wq.dtype
        close(q, wq, dtype)        # same Householder convention as NumPy: equal, signs included
        close(r, wr, dtype)
        q, r = j_qr_complete(a)
        wq, wr = LA.qr(a, mode="complete")
        assert q.shape == wq.shape and r.shape == wr.shape
        close(q @ r, a, dtype)
        close(r, wr, dtype)
        close(j_qr_r(a), LA.qr(a, "r"), dtype)


@njit
def j_chol(a):
    return LA.cholesky(a)


@njit
def j_chol_upper(a):
    return LA.cholesky(a, upper=True)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_cholesky(dtype):
    a0 = spd(dtype, 6, 16)
    for _, a in layouts(a0):
        keep = a.copy()
        close(j_chol(a), LA.cholesky(a), dtype)
        close(j_chol_upper(a), LA.cholesky(a, upper=True), dtype)
        np.testing.assert_array_equal(a, keep)


def test_cholesky_not_positive_definite_is_linalgerror():
    with pytest.raises(np.linalg.LinAlgError, match="Matrix is not positive definite"):
        j_chol(np.array([[1.0, 2.0], [2.0, 1.0]]))


@njit
def j_lstsq(a, b):
    return LA.lstsq(a, b)


@njit
def j_lstsq_rcond(a, b, r):
    return LA.lstsq(a, b, rcond=r)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_lstsq(dtype):
    a0 = rand(dtype, (7, 3), 17)
    for bshape in [(7,), (7, 2)]:
        b0 = rand(dtype, bshape, 18)
        for _, a in layouts(a0):
            for _, b in layouts(b0)[:3]:
                x, res, rank, s = j_lstsq(a, b)
                wx, wres, wrank, ws = LA.lstsq(a, b)
                assert x.shape == wx.shape and res.shape == wres.shape and x.dtype == wx.dtype
                assert res.dtype == wres.dtype and s.dtype == ws.dtype
                close(x, wx, dtype)
                close(res, wres, dtype)
                assert rank == wrank
                close(s, ws, dtype)
    # rank deficient: no residuals, as NumPy
    a = np.ones((4, 2))
    b = np.arange(4.0)
    x, res, rank, s = j_lstsq(a, b)
    wx, wres, wrank, ws = LA.lstsq(a, b)
    assert res.shape == wres.shape == (0,) and rank == wrank == 1
    close(x, wx, np.float64)
    # underdetermined
    a, b = rand(np.float64, (2, 4), 19), rand(np.float64, (2,), 20)
    close(j_lstsq(a, b)[0], LA.lstsq(a, b)[0], np.float64)
    close(j_lstsq_rcond(a, b, 1e-3)[0], LA.lstsq(a, b, rcond=1e-3)[0], np.float64)


@njit
def j_pinv(a):
    return LA.pinv(a)


@njit
def j_rank(a):
    return LA.matrix_rank(a)


@njit
def j_power(a, n):
    return LA.matrix_power(a, n)


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_pinv_matrix_rank_matrix_power(dtype):
    a0 = rand(dtype, (5, 3), 21)
    sq0 = rand(dtype, (4, 4), 22) + 2 * np.eye(4, dtype=dtype)
    for _, a in layouts(a0):
        close(j_pinv(a), LA.pinv(a), dtype)
        assert j_rank(a) == LA.matrix_rank(a)
    low = np.outer(a0[:, 0], a0[0]).astype(dtype)
    assert j_rank(low) == LA.matrix_rank(low) == 1
    for _, sq in layouts(sq0):
        for n in (0, 1, 2, 5, -1, -3):
            close(j_power(sq, n), LA.matrix_power(sq, n), dtype)


def test_inputs_are_never_modified():
    rng = np.random.default_rng(23)
    a = rng.standard_normal((5, 5)) + 5 * np.eye(5)
    s = a @ a.T
    b = rng.standard_normal(5)
    keep = [x.copy() for x in (a, s, b)]
    j_solve(a, b)
    j_inv(a)
    j_det(a)
    j_eig(s)
    j_eigh(s)
    j_svd(a)
    j_qr(a)
    j_chol(s)
    j_lstsq(a, b)
    j_pinv(a)
    for x, k in zip((a, s, b), keep):
        np.testing.assert_array_equal(x, k)


def test_stacked_arrays_are_unsupported_with_an_alternative():
    with pytest.raises(UnsupportedError, match="stack of matrices"):
        j_inv(np.ones((2, 3, 3)))


def test_empty_matrices_as_numpy():
    e = np.zeros((0, 0))
    assert j_inv(e).shape == (0, 0)
    assert j_det(e) == LA.det(e) == 1.0
    assert j_solve(e, np.zeros(0)).shape == (0,)


# ---- threads ----------------------------------------------------------------------------------

@njit(parallel=True)
def p_dots(a, b, eye, out):
    for i in prange(out.shape[0]):
        out[i] = np.dot(a[i], b).sum() + LA.det(b[:3, :3] + 5 * eye)


def test_dot_and_lapack_inside_prange():
    rng = np.random.default_rng(24)
    a = rng.standard_normal((64, 40, 40))
    b = rng.standard_normal((40, 40))
    out = np.zeros(64)
    for _ in range(3):      # BLAS stays on each worker's thread: no deadlock, right answers
        p_dots(a, b, np.eye(3), out)
    want = np.array([np.dot(a[i], b).sum() + LA.det(b[:3, :3] + 5 * np.eye(3)) for i in range(64)])
    close(out, want, np.float64)



# ---- the on-disk cache ---------------------------------------------------------------------

CACHED = '''
import numpy as np
from jitprofile import njit

@njit(cache=True)
def mm(a, b):
    return a @ b

a = np.arange(40000.0).reshape(200, 200) / 40000
r = mm(a, a.T)
assert np.allclose(r, a @ a.T)
print("HITS", mm.stats.cache_hits)
'''


def test_blas_matmul_loaded_from_the_cache_finds_numpys_blas(tmp_path):
    """code from the on-disk cache resolves NumPy's BLAS on its first call (no compile ran)"""
    import os
    import subprocess
    import sys
    script = tmp_path / "cached_mm.py"
    script.write_text(CACHED)
    env = dict(os.environ, JITPROFILE_CACHE_DIR=str(tmp_path / "cache"))
    outs = []
    for _ in range(2):
        p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env,
                           cwd=str(tmp_path))
        assert p.returncode == 0, p.stdout + p.stderr
        outs.append(p.stdout.strip())
    assert outs == ["HITS 0", "HITS 1"]


def test_other_linalg_functions_are_unsupported_with_an_alternative():
    @njit
    def f(a):
        return LA.multi_dot([a, a])

    with pytest.raises(UnsupportedError, match=r"numpy.linalg.multi_dot\(\) is not supported") as e:
        f(np.eye(2))
    assert "test_jit_linalg.py:" in str(e.value) and "a @ b @ c" in str(e.value)

    @njit
    def g(a):
        return LA.cond(a)

    with pytest.raises(UnsupportedError, match="compute_uv=False"):
        g(np.eye(2))


@pytest.mark.parametrize("dtype", FLOATS, ids=str)
def test_solve_inv_det_large_matrices(dtype):
    """n > 32 takes the getrf + getrs('T') / getri path on A's C-order memory"""
    a0 = rand(dtype, (60, 60), 25) + 8 * np.eye(60, dtype=dtype)
    b0 = rand(dtype, (60, 4), 26)
    for _, a in layouts(a0):
        close(j_inv(a), LA.inv(a), dtype)
        close(j_solve(a, b0), LA.solve(a, b0), dtype)
        close(j_solve(a, b0[:, 0]), LA.solve(a, b0[:, 0]), dtype)
        s, ld = j_slogdet(a)
        ws, wld = LA.slogdet(a)
        close(s, ws, dtype)
        close(ld, wld, dtype)
    sing = np.ones((40, 40), dtype)
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        j_inv(sing)
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        j_solve(sing, np.ones(40, dtype))


@njit
def n_fro(a):
    return LA.norm(a, "fro")


@njit
def n_1(a):
    return LA.norm(a, 1)


@njit
def n_m1(a):
    return LA.norm(a, -1)


@njit
def n_2(a):
    return LA.norm(a, 2)


@njit
def n_m2(a):
    return LA.norm(a, -2)


@njit
def n_inf(a):
    return LA.norm(a, np.inf)


@njit
def n_minf(a):
    return LA.norm(a, -np.inf)


@njit
def n_nuc(a):
    return LA.norm(a, "nuc")


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)], ids=str)
def test_norm_of_empty_matrices_as_numpy(shape):
    e = np.zeros(shape)
    assert j_norm(e) == LA.norm(e) == 0.0
    for jf, o in ((n_fro, "fro"), (n_1, 1), (n_m1, -1), (n_2, 2), (n_m2, -2), (n_inf, np.inf),
                  (n_minf, -np.inf), (n_nuc, "nuc")):
        try:
            want = LA.norm(e, o)
        except ValueError as err:
            with pytest.raises(ValueError) as got:
                jf(e)
            assert str(got.value) == str(err), o
        else:
            assert jf(e) == want, o
