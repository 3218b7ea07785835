/* jit/linalg_runtime.h - the C half of linear algebra in jit code: dot/@,
 * np.vdot/outer/inner and np.linalg.* (lib_np_linalg.c types and lowers the
 * calls; lower_linalg.c lowers dot/@ here).  The work goes to NumPy's own
 * BLAS/LAPACK (lapack.h).
 *
 * An operand is passed as (data, dtype code JP_LADT_*, shape *, strides *)
 * with its ndim fixed by the function; any strides and any numeric dtype
 * are accepted (copied and converted as needed: LAPACK overwrites its
 * inputs, so the caller's arrays are never written).  Results go into
 * C-contiguous arrays the caller allocated, of work type `t` (JP_LA_S/D/C/Z:
 * float32, float64, complex64, complex128; real results of a complex type
 * use its real type).
 *
 * Return codes: JP_LA_OK, or an error whose message jp_la_message() gives
 * (the calling thread's, until its next call): JP_LA_ELINALG for
 * numpy.linalg.LinAlgError, JP_LA_EVALUE for ValueError, JP_LA_ENOMEM,
 * JP_LA_ERUNTIME (RuntimeError: a routine NumPy's BLAS/LAPACK lacks). */
#ifndef JP_LINALG_RUNTIME_H
#define JP_LINALG_RUNTIME_H

#include <stdint.h>

enum {
    JP_LADT_BOOL, JP_LADT_I8, JP_LADT_I16, JP_LADT_I32, JP_LADT_I64,
    JP_LADT_U8, JP_LADT_U16, JP_LADT_U32, JP_LADT_U64,
    JP_LADT_F32, JP_LADT_F64, JP_LADT_C64, JP_LADT_C128,
};

enum { JP_LA_OK = 0, JP_LA_ELINALG = 1, JP_LA_EVALUE = 2, JP_LA_ENOMEM = 3, JP_LA_ERUNTIME = 4 };

/* norm kinds: ord=None, a number p, inf, -inf, 'fro', 'nuc' */
enum { JP_NORM_NONE, JP_NORM_P, JP_NORM_INF, JP_NORM_NINF, JP_NORM_FRO, JP_NORM_NUC };

const char *jp_la_message(void);

/* a @ b (an, bn: 1 or 2 dimensions) into out (a scalar for 1-d @ 1-d);
 * np_dot: NumPy's np.dot message for a mismatch, else matmul's */
int32_t jp_la_matmul(int32_t t, void *out, const char *a, int32_t adt, int64_t an, const int64_t *ash,
                     const int64_t *ast, const char *b, int32_t bdt, int64_t bn, const int64_t *bsh,
                     const int64_t *bst, int32_t np_dot);
/* np.vdot (conj: conjugate a) and np.inner of 1-d (conj 0): all items in C order */
int32_t jp_la_vdot(int32_t t, void *out, const char *a, int32_t adt, int64_t an, const int64_t *ash,
                   const int64_t *ast, const char *b, int32_t bdt, int64_t bn, const int64_t *bsh,
                   const int64_t *bst, int32_t conj);
/* integer np.vdot / 1-d np.inner: the wrapped 64-bit sum of products */
int32_t jp_la_vdot_int(int64_t *out, const char *a, int32_t adt, int64_t an, const int64_t *ash,
                       const int64_t *ast, const char *b, int32_t bdt, int64_t bn, const int64_t *bsh,
                       const int64_t *bst);
/* the ValueError text of a dot/@ shape mismatch (np_dot: np.dot's, else matmul's) */
const char *jp_la_dot_mismatch(int32_t np_dot, int64_t an, const int64_t *ash, int64_t bn, const int64_t *bsh);

/* solve(a, b), b with bn = 1 or 2 dimensions; inv(a) when b is NULL */
int32_t jp_la_solve(int32_t t, void *out, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast,
                    const char *b, int32_t bdt, int64_t bn, const int64_t *bsh, const int64_t *bst);
/* slogdet: *sign (type t) and *logdet (real type of t); det: *sign = det */
int32_t jp_la_det(int32_t t, void *sign, void *logdet, const char *a, int32_t adt, const int64_t *ash,
                  const int64_t *ast, int32_t want_det);
/* norm of a 1-d or 2-d array as a double */
int32_t jp_la_norm(int32_t t, double *out, const char *a, int32_t adt, int64_t an, const int64_t *ash,
                   const int64_t *ast, int32_t kind, double p);
/* eigh/eigvalsh: w (n, real type), v (n, n) or NULL; upper: UPLO='U' */
int32_t jp_la_eigh(int32_t t, void *w, void *v, const char *a, int32_t adt, const int64_t *ash,
                   const int64_t *ast, int32_t upper);
/* eig/eigvals: w (n), v (n, n) or NULL, both of type t (real t: a complex
 * eigenvalue is a ValueError, as Numba) */
int32_t jp_la_eig(int32_t t, void *w, void *v, const char *a, int32_t adt, const int64_t *ash,
                  const int64_t *ast);
/* svd: s (k = min(m, n), real type), u (m, m or k) and vh (n or k, n) when compute_uv */
int32_t jp_la_svd(int32_t t, void *u, void *s, void *vh, const char *a, int32_t adt, const int64_t *ash,
                  const int64_t *ast, int32_t full_matrices, int32_t compute_uv);
/* qr: q (m, k or m) or NULL, r (k or m, n); complete: mode='complete' */
int32_t jp_la_qr(int32_t t, void *q, void *r, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast,
                 int32_t complete);
/* cholesky: out (n, n) lower (or upper) triangular */
int32_t jp_la_cholesky(int32_t t, void *out, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast,
                       int32_t upper);
/* lstsq: x (n[, k]), resid (k or 1 items; *nresid: how many are valid, 0 or
 * that), *rank, s (min(m, n), real type); rcond < 0: eps * max(m, n) */
int32_t jp_la_lstsq(int32_t t, void *x, void *resid, int64_t *nresid, int64_t *rank, void *s, const char *a,
                    int32_t adt, const int64_t *ash, const int64_t *ast, const char *b, int32_t bdt, int64_t bn,
                    const int64_t *bsh, const int64_t *bst, double rcond);
/* pinv: out (n, m); rcond relative to the largest singular value */
int32_t jp_la_pinv(int32_t t, void *out, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast,
                   double rcond);
/* matrix_rank: *rank; tol < 0: S.max() * max(m, n) * eps */
int32_t jp_la_matrix_rank(int32_t t, int64_t *rank, const char *a, int32_t adt, const int64_t *ash,
                          const int64_t *ast, double tol);
/* matrix_power(a, n) into out (n, n) of work type t (float/complex; n < 0 inverts) */
int32_t jp_la_matrix_power(int32_t t, void *out, const char *a, int32_t adt, const int64_t *ash,
                           const int64_t *ast, int64_t n);

#endif
