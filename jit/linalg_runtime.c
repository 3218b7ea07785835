/* jit/linalg_runtime.c - linear algebra for jit code through NumPy's own
 * BLAS/LAPACK (linalg_runtime.h).  Each function copies its operands into
 * column-major work buffers of the work type (LAPACK overwrites them, and
 * any strides or dtype are accepted), calls the routine, and writes the
 * results in C order into the arrays the caller allocated.  Matrix products
 * pass BLAS-compatible operands (unit stride in one dimension) straight to
 * gemm/gemv as row-major or transposed, and copy the others.
 *
 * Inside a parallel loop (threadpool.h) OpenBLAS is asked to stay on the
 * calling thread, so prange + dot does not start threads per worker. */
#include "jit/linalg_runtime.h"
#include "jit/lapack.h"
#include "jit/threadpool.h"

#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef float complex cf;
typedef double complex cd;

static __thread char message[320];

const char *
jp_la_message(void)
{
    return message;
}

static int32_t
fail(int32_t code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return code;
}

static int32_t
nomem(void)
{
    return fail(JP_LA_ENOMEM, "out of memory for a linear algebra work buffer");
}

#define FN(r, t) (jp_la.fn[(r)][(t)])

/* work memory: on the stack when small (a 4x4 solve in a hot loop calls no malloc) */
typedef struct scratch {
    _Alignas(64) char stack[2048];
    char *heap;
} scratch;

static char *
scratch_get(scratch *s, size_t bytes)
{
    s->heap = NULL;
    if (bytes <= sizeof s->stack)
        return s->stack;
    return s->heap = malloc(bytes);
}

static size_t
round_up(size_t n)
{
    return (n + 63) / 64 * 64;
}

/* the routines a function calls are there (for type t), or the error that says which is not */
static int32_t
missing(int t, jp_la_routine r1, jp_la_routine r2, jp_la_routine r3)
{
    jp_la_routine rs[3] = {r1, r2, r3};
    jp_lapack_load();
    for (int i = 0; i < 3; i++)
        if (rs[i] != LA__COUNT && jp_la.fn[rs[i]][t] == NULL) {
            char name[32];
            return fail(JP_LA_ERUNTIME, "NumPy's BLAS/LAPACK (%s) has no ILP64 %s", jp_la.origin,
                        jp_lapack_name(rs[i], t, name, sizeof name));
        }
    return JP_LA_OK;
}

#define NEED(r1, r2, r3) \
    do { \
        int32_t need_rc_ = missing(t, r1, r2, r3); \
        if (need_rc_ != JP_LA_OK) \
            return need_rc_; \
    } while (0)

static size_t
tsize(int t)
{
    static const size_t s[] = {4, 8, 8, 16};
    return s[t];
}

static int
is_cx(int t)
{
    return t >= JP_LA_C;
}

static int
real_of(int t)
{
    return t == JP_LA_C ? JP_LA_S : t == JP_LA_Z ? JP_LA_D : t;
}

/* the work type a dtype is already in, or -1 */
static int
native_type(int dt)
{
    switch (dt) {
    case JP_LADT_F32: return JP_LA_S;
    case JP_LADT_F64: return JP_LA_D;
    case JP_LADT_C64: return JP_LA_C;
    case JP_LADT_C128: return JP_LA_Z;
    default: return -1;
    }
}

static void
load_pair(const char *p, int dt, double *re, double *im)
{
    *im = 0;
    switch (dt) {
    case JP_LADT_BOOL: *re = *(const uint8_t *)p != 0; break;
    case JP_LADT_I8: *re = *(const int8_t *)p; break;
    case JP_LADT_I16: *re = *(const int16_t *)p; break;
    case JP_LADT_I32: *re = *(const int32_t *)p; break;
    case JP_LADT_I64: *re = (double)*(const int64_t *)p; break;
    case JP_LADT_U8: *re = *(const uint8_t *)p; break;
    case JP_LADT_U16: *re = *(const uint16_t *)p; break;
    case JP_LADT_U32: *re = *(const uint32_t *)p; break;
    case JP_LADT_U64: *re = (double)*(const uint64_t *)p; break;
    case JP_LADT_F32: *re = *(const float *)p; break;
    case JP_LADT_F64: *re = *(const double *)p; break;
    case JP_LADT_C64: *re = ((const float *)p)[0]; *im = ((const float *)p)[1]; break;
    default: *re = ((const double *)p)[0]; *im = ((const double *)p)[1]; break;
    }
}

static int64_t
load_int(const char *p, int dt)
{
    switch (dt) {
    case JP_LADT_BOOL: return *(const uint8_t *)p != 0;
    case JP_LADT_I8: return *(const int8_t *)p;
    case JP_LADT_I16: return *(const int16_t *)p;
    case JP_LADT_I32: return *(const int32_t *)p;
    case JP_LADT_U8: return *(const uint8_t *)p;
    case JP_LADT_U16: return *(const uint16_t *)p;
    case JP_LADT_U32: return *(const uint32_t *)p;
    default: return *(const int64_t *)p;        /* int64, uint64 (same bits) */
    }
}

static void
store_pair(char *p, int t, double re, double im)
{
    switch (t) {
    case JP_LA_S: *(float *)p = (float)re; break;
    case JP_LA_D: *(double *)p = re; break;
    case JP_LA_C: ((float *)p)[0] = (float)re; ((float *)p)[1] = (float)im; break;
    default: ((double *)p)[0] = re; ((double *)p)[1] = im; break;
    }
}

static void
get_pair(const char *p, int t, double *re, double *im)
{
    static const int dts[] = {JP_LADT_F32, JP_LADT_F64, JP_LADT_C64, JP_LADT_C128};
    load_pair(p, dts[t], re, im);
}

/* rows x cols of src (byte strides rs, cs; dtype sdt) -> column-major dst of type t, leading dim ld */
static void
gather_cm(char *dst, int t, int64_t ld, const char *src, int sdt, int64_t rows, int64_t cols, int64_t rs,
          int64_t cs)
{
    size_t es = tsize(t);
    if (native_type(sdt) == t && rs == (int64_t)es && cs == rows * (int64_t)es && ld == rows) {
        memcpy(dst, src, (size_t)(rows * cols) * es);      /* already column-major */
        return;
    }
    if (native_type(sdt) == t) {
        if (es == 8) {
            for (int64_t j = 0; j < cols; j++)
                for (int64_t i = 0; i < rows; i++)
                    memcpy(dst + (size_t)(i + j * ld) * 8, src + i * rs + j * cs, 8);
        } else {
            for (int64_t j = 0; j < cols; j++)
                for (int64_t i = 0; i < rows; i++)
                    memcpy(dst + (size_t)(i + j * ld) * es, src + i * rs + j * cs, es);
        }
        return;
    }
    for (int64_t j = 0; j < cols; j++)
        for (int64_t i = 0; i < rows; i++) {
            double re, im;
            load_pair(src + i * rs + j * cs, sdt, &re, &im);
            store_pair(dst + (size_t)(i + j * ld) * es, t, re, im);
        }
}

/* column-major w (ld) rows x cols -> C-contiguous out, same type t */
static void
scatter_cm(char *out, int t, const char *w, int64_t ld, int64_t rows, int64_t cols)
{
    size_t es = tsize(t);
    if (cols == 1 || rows == 1) {
        for (int64_t k = 0; k < rows * cols; k++)
            memcpy(out + (size_t)k * es, w + (size_t)(rows == 1 ? k * ld : k) * es, es);
        return;
    }
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++)
            memcpy(out + (size_t)(i * cols + j) * es, w + (size_t)(i + j * ld) * es, es);
}

/* all items of an n-d array in C order -> contiguous dst of type t */
static void
gather_flat(char *dst, int t, const char *src, int sdt, int64_t ndim, const int64_t *shape, const int64_t *strides)
{
    int64_t idx[32] = {0}, n = 1;
    size_t es = tsize(t);
    for (int64_t d = 0; d < ndim; d++)
        n *= shape[d];
    for (int64_t k = 0; k < n; k++) {
        const char *p = src;
        double re, im;
        for (int64_t d = 0; d < ndim; d++)
            p += idx[d] * strides[d];
        load_pair(p, sdt, &re, &im);
        store_pair(dst + (size_t)k * es, t, re, im);
        for (int64_t d = ndim - 1; d >= 0; d--) {
            if (++idx[d] < shape[d])
                break;
            idx[d] = 0;
        }
    }
}

static int64_t
size_of(int64_t ndim, const int64_t *shape)
{
    int64_t n = 1;
    for (int64_t d = 0; d < ndim; d++)
        n *= shape[d];
    return n;
}

/* BLAS may start threads; inside a parallel loop it stays on this thread */
typedef struct threads_guard { int saved, set; } threads_guard;

static void
threads_enter(threads_guard *g)
{
    g->set = 0;
    if (jp_la.set_threads_local && jp_pool_in_parallel()) {
        g->saved = jp_la.set_threads_local(1);
        g->set = 1;
    }
}

static void
threads_leave(threads_guard *g)
{
    if (g->set)
        jp_la.set_threads_local(g->saved);
}

/* ---- matrix products ------------------------------------------------------------------ */

enum { RowMajor = 101, NoTrans = 111, Trans = 112, ConjTrans = 113 };

typedef void (*gemm_r4)(int, int, int, jp_lint, jp_lint, jp_lint, float, const void *, jp_lint, const void *,
                        jp_lint, float, void *, jp_lint);
typedef void (*gemm_r8)(int, int, int, jp_lint, jp_lint, jp_lint, double, const void *, jp_lint, const void *,
                        jp_lint, double, void *, jp_lint);
typedef void (*gemm_cx)(int, int, int, jp_lint, jp_lint, jp_lint, const void *, const void *, jp_lint,
                        const void *, jp_lint, const void *, void *, jp_lint);
typedef void (*gemv_r4)(int, int, jp_lint, jp_lint, float, const void *, jp_lint, const void *, jp_lint, float,
                        void *, jp_lint);
typedef void (*gemv_r8)(int, int, jp_lint, jp_lint, double, const void *, jp_lint, const void *, jp_lint, double,
                        void *, jp_lint);
typedef void (*gemv_cx)(int, int, jp_lint, jp_lint, const void *, const void *, jp_lint, const void *, jp_lint,
                        const void *, void *, jp_lint);
typedef float (*dot_r4)(jp_lint, const void *, jp_lint, const void *, jp_lint);
typedef double (*dot_r8)(jp_lint, const void *, jp_lint, const void *, jp_lint);
typedef void (*dot_cx)(jp_lint, const void *, jp_lint, const void *, jp_lint, void *);

static const double one_z[2] = {1, 0}, zero_z[2] = {0, 0};
static const float one_c[2] = {1, 0}, zero_c[2] = {0, 0};

static void
gemm(int t, int ta, int tb, jp_lint m, jp_lint n, jp_lint k, const void *a, jp_lint lda, const void *b,
     jp_lint ldb, void *c, jp_lint ldc)
{
    switch (t) {
    case JP_LA_S: ((gemm_r4)FN(LA_GEMM, t))(RowMajor, ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, ldc); break;
    case JP_LA_D: ((gemm_r8)FN(LA_GEMM, t))(RowMajor, ta, tb, m, n, k, 1, a, lda, b, ldb, 0, c, ldc); break;
    case JP_LA_C:
        ((gemm_cx)FN(LA_GEMM, t))(RowMajor, ta, tb, m, n, k, one_c, a, lda, b, ldb, zero_c, c, ldc);
        break;
    default:
        ((gemm_cx)FN(LA_GEMM, t))(RowMajor, ta, tb, m, n, k, one_z, a, lda, b, ldb, zero_z, c, ldc);
        break;
    }
}

static void
gemv(int t, int ta, jp_lint m, jp_lint n, const void *a, jp_lint lda, const void *x, jp_lint incx, void *y)
{
    switch (t) {
    case JP_LA_S: ((gemv_r4)FN(LA_GEMV, t))(RowMajor, ta, m, n, 1, a, lda, x, incx, 0, y, 1); break;
    case JP_LA_D: ((gemv_r8)FN(LA_GEMV, t))(RowMajor, ta, m, n, 1, a, lda, x, incx, 0, y, 1); break;
    case JP_LA_C: ((gemv_cx)FN(LA_GEMV, t))(RowMajor, ta, m, n, one_c, a, lda, x, incx, zero_c, y, 1); break;
    default: ((gemv_cx)FN(LA_GEMV, t))(RowMajor, ta, m, n, one_z, a, lda, x, incx, zero_z, y, 1); break;
    }
}

static void
dot(int t, int conj, jp_lint n, const void *x, jp_lint incx, const void *y, jp_lint incy, void *out)
{
    jp_la_routine r = conj ? LA_DOTC : LA_DOTU;
    switch (t) {
    case JP_LA_S: *(float *)out = ((dot_r4)FN(r, t))(n, x, incx, y, incy); break;
    case JP_LA_D: *(double *)out = ((dot_r8)FN(r, t))(n, x, incx, y, incy); break;
    default: ((dot_cx)FN(r, t))(n, x, incx, y, incy, out); break;
    }
}

/* A matrix operand as BLAS sees it: data, leading dimension, whether it is
 * stored transposed; owned: a copy this call made (free it). */
typedef struct mat {
    const char *data;
    jp_lint ld;
    int trans;
    char *owned;
} mat;

/* rows x cols at p with byte strides (rs, cs), dtype dt, as a row-major or
 * transposed matrix of type t (copied when its dtype or strides do not fit) */
static int
as_matrix(mat *m, int t, const char *p, int dt, int64_t rows, int64_t cols, int64_t rs, int64_t cs)
{
    int64_t es = (int64_t)tsize(t);
    memset(m, 0, sizeof *m);
    if (native_type(dt) == t) {
        if ((cs == es || cols <= 1) && rs % es == 0 && rs / es >= (cols > 1 ? cols : 1)) {
            m->data = p;
            m->ld = rs / es;
            return 0;
        }
        if ((rs == es || rows <= 1) && cs % es == 0 && cs / es >= (rows > 1 ? rows : 1)) {
            m->data = p;
            m->ld = cs / es;
            m->trans = 1;
            return 0;
        }
    }
    /* a C-order copy is the column-major copy of the transpose: store it transposed-free */
    m->owned = malloc((size_t)(rows * cols > 0 ? rows * cols : 1) * (size_t)es);
    if (m->owned == NULL)
        return -1;
    gather_cm(m->owned, t, cols > 0 ? cols : 1, p, dt, cols, rows, cs, rs);    /* (cols x rows) column-major */
    m->data = m->owned;
    m->ld = cols > 1 ? cols : 1;
    return 0;
}

/* a vector of n items: data and increment, or a copy */
static int
as_vector(mat *v, int t, const char *p, int dt, int64_t n, int64_t stride)
{
    int64_t es = (int64_t)tsize(t);
    memset(v, 0, sizeof *v);
    if (native_type(dt) == t && stride > 0 && stride % es == 0) {
        v->data = p;
        v->ld = stride / es;
        return 0;
    }
    v->owned = malloc((size_t)(n > 0 ? n : 1) * (size_t)es);
    if (v->owned == NULL)
        return -1;
    gather_cm(v->owned, t, n > 0 ? n : 1, p, dt, n, 1, stride, 0);
    v->data = v->owned;
    v->ld = 1;
    return 0;
}

static int32_t
mismatch(int32_t np_dot, int64_t an, const int64_t *ash, int64_t bn, const int64_t *bsh)
{
    int64_t ka = ash[an - 1], kb = bsh[bn == 2 ? 0 : 0];
    if (np_dot) {
        char as[64], bs[64];
        if (an == 2)
            snprintf(as, sizeof as, "(%lld,%lld)", (long long)ash[0], (long long)ash[1]);
        else
            snprintf(as, sizeof as, "(%lld,)", (long long)ash[0]);
        if (bn == 2)
            snprintf(bs, sizeof bs, "(%lld,%lld)", (long long)bsh[0], (long long)bsh[1]);
        else
            snprintf(bs, sizeof bs, "(%lld,)", (long long)bsh[0]);
        return fail(JP_LA_EVALUE, "shapes %s and %s not aligned: %lld (dim %d) != %lld (dim 0)", as, bs,
                    (long long)ka, (int)an - 1, (long long)kb);
    }
    return fail(JP_LA_EVALUE,
                "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                "(n?,k),(k,m?)->(n?,m?) (size %lld is different from %lld)", (long long)kb, (long long)ka);
}

int32_t
jp_la_matmul(int32_t t, void *out, const char *a, int32_t adt, int64_t an, const int64_t *ash,
             const int64_t *ast, const char *b, int32_t bdt, int64_t bn, const int64_t *bsh,
             const int64_t *bst, int32_t np_dot)
{
    NEED(LA_GEMM, LA_GEMV, LA_DOTU);    /* code from the on-disk cache, another NumPy */
    int64_t m = an == 2 ? ash[0] : 1, k = ash[an - 1], n = bn == 2 ? bsh[1] : 1;
    size_t es = tsize(t);
    mat A, B;
    threads_guard g;
    int32_t rc = JP_LA_OK;
    if (bsh[0] != k)
        return mismatch(np_dot, an, ash, bn, bsh);
    if (m == 0 || n == 0)
        return JP_LA_OK;
    if (k == 0) {
        memset(out, 0, (size_t)(m * n) * es);
        return JP_LA_OK;
    }
    memset(&A, 0, sizeof A);
    memset(&B, 0, sizeof B);
    threads_enter(&g);
    if (an == 1 && bn == 1) {
        if (as_vector(&A, t, a, adt, k, ast[0]) < 0 || as_vector(&B, t, b, bdt, k, bst[0]) < 0)
            goto oom;
        dot(t, 0, k, A.data, A.ld, B.data, B.ld, out);
    } else if (an == 2 && bn == 1) {
        if (as_matrix(&A, t, a, adt, m, k, ast[0], ast[1]) < 0 || as_vector(&B, t, b, bdt, k, bst[0]) < 0)
            goto oom;
        if (A.trans)    /* stored as the (k x m) row-major A^T */
            gemv(t, Trans, k, m, A.data, A.ld, B.data, B.ld, out);
        else
            gemv(t, NoTrans, m, k, A.data, A.ld, B.data, B.ld, out);
    } else if (an == 1 && bn == 2) {
        if (as_vector(&A, t, a, adt, k, ast[0]) < 0 || as_matrix(&B, t, b, bdt, k, n, bst[0], bst[1]) < 0)
            goto oom;
        if (B.trans)    /* (n x k) row-major B^T: y = B^T x */
            gemv(t, NoTrans, n, k, B.data, B.ld, A.data, A.ld, out);
        else
            gemv(t, Trans, k, n, B.data, B.ld, A.data, A.ld, out);
    } else {
        if (as_matrix(&A, t, a, adt, m, k, ast[0], ast[1]) < 0 || as_matrix(&B, t, b, bdt, k, n, bst[0], bst[1]) < 0)
            goto oom;
        gemm(t, A.trans ? Trans : NoTrans, B.trans ? Trans : NoTrans, m, n, k, A.data, A.ld, B.data, B.ld, out, n);
    }
    goto done;
oom:
    rc = nomem();
done:
    threads_leave(&g);
    free(A.owned);
    free(B.owned);
    return rc;
}

int32_t
jp_la_vdot(int32_t t, void *out, const char *a, int32_t adt, int64_t an, const int64_t *ash,
           const int64_t *ast, const char *b, int32_t bdt, int64_t bn, const int64_t *bsh,
           const int64_t *bst, int32_t conj)
{
    NEED(LA_DOTU, LA_DOTC, LA__COUNT);    /* code from the on-disk cache, another NumPy */
    int64_t na = size_of(an, ash), nb = size_of(bn, bsh);
    char *x, *y;
    threads_guard g;
    if (na != nb) {
        if (conj)
            return fail(JP_LA_EVALUE, "cannot reshape array of size %lld into shape (%lld,)", (long long)nb,
                        (long long)na);
        return fail(JP_LA_EVALUE, "shapes (%lld,) and (%lld,) not aligned: %lld (dim 0) != %lld (dim 0)",
                    (long long)na, (long long)nb, (long long)na, (long long)nb);
    }
    x = malloc((size_t)(na > 0 ? na : 1) * tsize(t));
    y = malloc((size_t)(na > 0 ? na : 1) * tsize(t));
    if (x == NULL || y == NULL) {
        free(x);
        free(y);
        return nomem();
    }
    gather_flat(x, t, a, adt, an, ash, ast);
    gather_flat(y, t, b, bdt, bn, bsh, bst);
    threads_enter(&g);
    if (na == 0)
        memset(out, 0, tsize(t));
    else
        dot(t, conj, na, x, 1, y, 1, out);
    threads_leave(&g);
    free(x);
    free(y);
    return JP_LA_OK;
}

/* integers: sum of a[i] * b[i] over all items in C order, wrapping as the result's
 * integer type does (the caller truncates the 64-bit sum) */
int32_t
jp_la_vdot_int(int64_t *out, const char *a, int32_t adt, int64_t an, const int64_t *ash, const int64_t *ast,
               const char *b, int32_t bdt, int64_t bn, const int64_t *bsh, const int64_t *bst)
{
    int64_t na = size_of(an, ash), nb = size_of(bn, bsh), ia[32] = {0}, ib[32] = {0};
    uint64_t acc = 0;
    if (na != nb)
        return fail(JP_LA_EVALUE, "shapes (%lld,) and (%lld,) not aligned: %lld (dim 0) != %lld (dim 0)",
                    (long long)na, (long long)nb, (long long)na, (long long)nb);
    for (int64_t k = 0; k < na; k++) {
        const char *pa = a, *pb = b;
        for (int64_t d = 0; d < an; d++)
            pa += ia[d] * ast[d];
        for (int64_t d = 0; d < bn; d++)
            pb += ib[d] * bst[d];
        acc += (uint64_t)load_int(pa, adt) * (uint64_t)load_int(pb, bdt);
        for (int64_t d = an - 1; d >= 0; d--) {
            if (++ia[d] < ash[d])
                break;
            ia[d] = 0;
        }
        for (int64_t d = bn - 1; d >= 0; d--) {
            if (++ib[d] < bsh[d])
                break;
            ib[d] = 0;
        }
    }
    *out = (int64_t)acc;
    return JP_LA_OK;
}

const char *
jp_la_dot_mismatch(int32_t np_dot, int64_t an, const int64_t *ash, int64_t bn, const int64_t *bsh)
{
    mismatch(np_dot, an, ash, bn, bsh);
    return message;
}

/* ---- LAPACK ------------------------------------------------------------------------------- */

typedef void (*gesv_fn)(const jp_lint *, const jp_lint *, void *, const jp_lint *, jp_lint *, void *,
                        const jp_lint *, jp_lint *);
typedef void (*getrs_fn)(const char *, const jp_lint *, const jp_lint *, const void *, const jp_lint *,
                         const jp_lint *, void *, const jp_lint *, jp_lint *, size_t);
typedef void (*getri_fn)(const jp_lint *, void *, const jp_lint *, const jp_lint *, void *, const jp_lint *,
                         jp_lint *);
typedef void (*getrf_fn)(const jp_lint *, const jp_lint *, void *, const jp_lint *, jp_lint *, jp_lint *);
typedef void (*potrf_fn)(const char *, const jp_lint *, void *, const jp_lint *, jp_lint *, size_t);
typedef void (*syevd_fn)(const char *, const char *, const jp_lint *, void *, const jp_lint *, void *, void *,
                         const jp_lint *, jp_lint *, const jp_lint *, jp_lint *, size_t, size_t);
typedef void (*heevd_fn)(const char *, const char *, const jp_lint *, void *, const jp_lint *, void *, void *,
                         const jp_lint *, void *, const jp_lint *, jp_lint *, const jp_lint *, jp_lint *, size_t,
                         size_t);
typedef void (*geev_r_fn)(const char *, const char *, const jp_lint *, void *, const jp_lint *, void *, void *,
                          void *, const jp_lint *, void *, const jp_lint *, void *, const jp_lint *, jp_lint *,
                          size_t, size_t);
typedef void (*geev_c_fn)(const char *, const char *, const jp_lint *, void *, const jp_lint *, void *, void *,
                          const jp_lint *, void *, const jp_lint *, void *, const jp_lint *, void *, jp_lint *,
                          size_t, size_t);
typedef void (*gesdd_r_fn)(const char *, const jp_lint *, const jp_lint *, void *, const jp_lint *, void *,
                           void *, const jp_lint *, void *, const jp_lint *, void *, const jp_lint *, jp_lint *,
                           jp_lint *, size_t);
typedef void (*gesdd_c_fn)(const char *, const jp_lint *, const jp_lint *, void *, const jp_lint *, void *,
                           void *, const jp_lint *, void *, const jp_lint *, void *, const jp_lint *, void *,
                           jp_lint *, jp_lint *, size_t);
typedef void (*geqrf_fn)(const jp_lint *, const jp_lint *, void *, const jp_lint *, void *, void *,
                         const jp_lint *, jp_lint *);
typedef void (*orgqr_fn)(const jp_lint *, const jp_lint *, const jp_lint *, void *, const jp_lint *, void *,
                         void *, const jp_lint *, jp_lint *);
typedef void (*gelsd_r_fn)(const jp_lint *, const jp_lint *, const jp_lint *, void *, const jp_lint *, void *,
                           const jp_lint *, void *, const void *, jp_lint *, void *, const jp_lint *, jp_lint *,
                           jp_lint *);
typedef void (*gelsd_c_fn)(const jp_lint *, const jp_lint *, const jp_lint *, void *, const jp_lint *, void *,
                           const jp_lint *, void *, const void *, jp_lint *, void *, const jp_lint *, void *,
                           jp_lint *, jp_lint *);

static int32_t
not_square(const int64_t *ash)
{
    if (ash[0] != ash[1])
        return fail(JP_LA_ELINALG, "Last 2 dimensions of the array must be square");
    return JP_LA_OK;
}

/* a column-major copy of the m x n matrix a, with leading dimension ld >= m */
static char *
work_copy(int t, const char *a, int adt, int64_t m, int64_t n, int64_t ld, const int64_t *ast)
{
    size_t cnt = (size_t)(ld > 0 ? ld : 1) * (size_t)(n > 0 ? n : 1);
    char *w = malloc(cnt * tsize(t));
    if (w)
        gather_cm(w, t, ld > 0 ? ld : 1, a, adt, m, n, ast[0], ast[1]);
    return w;
}

/* a workspace size LAPACK returned in a (real or complex) work item */
static jp_lint
lwork_of(const void *w, int t)
{
    double re, im;
    get_pair(w, t, &re, &im);
    return (jp_lint)re + 1;
}

int32_t
jp_la_solve(int32_t t, void *out, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast,
            const char *b, int32_t bdt, int64_t bn, const int64_t *bsh, const int64_t *bst)
{
    NEED(LA_GETRF, LA_GETRS, LA_GESV);    /* code from the on-disk cache, another NumPy */
    jp_lint n = ash[0], nrhs, info = 0, ld;
    int small;
    size_t es = tsize(t), abytes, bbytes;
    char *wa, *wb;
    jp_lint *ipiv;
    scratch sc;
    threads_guard g;
    int32_t rc;
    if ((rc = not_square(ash)) != JP_LA_OK)
        return rc;
    if (b && bsh[0] != n)
        return fail(JP_LA_EVALUE, bn == 1
                    ? "solve1: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                      "(m,m),(m)->(m) (size %lld is different from %lld)"
                    : "solve: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                      "(m,m),(m,n)->(m,n) (size %lld is different from %lld)",
                    (long long)bsh[0], (long long)n);
    nrhs = b == NULL ? n : bn == 2 ? bsh[1] : 1;
    if (n == 0 || nrhs == 0)
        return JP_LA_OK;
    ld = n;
    abytes = round_up((size_t)(n * n) * es);
    bbytes = round_up((size_t)(n * nrhs) * es);
    if ((wa = scratch_get(&sc, abytes + bbytes + (size_t)n * sizeof *ipiv)) == NULL)
        return nomem();
    wb = wa + abytes;
    ipiv = (jp_lint *)(wb + bbytes);
    /* large: A^T in column-major order is A's C-order memory, so factor that (one
     * memcpy) and solve with its transpose (getrs 'T'); small: one gesv call (one
     * OpenBLAS buffer, not two) on a transposed copy */
    small = n <= 32;
    if (small)
        gather_cm(wa, t, n, a, adt, n, n, ast[0], ast[1]);
    else
        gather_cm(wa, t, n, a, adt, n, n, ast[1], ast[0]);
    if (b == NULL) {
        memset(wb, 0, (size_t)(n * n) * es);
        for (jp_lint i = 0; i < n; i++)
            store_pair(wb + (size_t)(i + i * n) * es, t, 1, 0);
    } else {
        gather_cm(wb, t, n, b, bdt, n, nrhs, bst[0], bn == 2 ? bst[1] : 0);
    }
    threads_enter(&g);
    if (small) {
        ((gesv_fn)FN(LA_GESV, t))(&n, &nrhs, wa, &ld, ipiv, wb, &ld, &info);
    } else if (b == NULL && FN(LA_GETRI, t)) {
        /* inv: getri on the factors of A^T gives inv(A)^T in column-major order,
         * which is inv(A) in C order (2n^3 flops, not 8/3 n^3 with the identity) */
        jp_lint lwork = -1;
        char q[16], *work;
        ((getrf_fn)FN(LA_GETRF, t))(&n, &n, wa, &ld, ipiv, &info);
        if (info == 0) {
            ((getri_fn)FN(LA_GETRI, t))(&n, wa, &ld, ipiv, q, &lwork, &info);
            lwork = lwork_of(q, t);
            if ((work = malloc((size_t)lwork * es)) == NULL) {
                threads_leave(&g);
                free(sc.heap);
                return nomem();
            }
            ((getri_fn)FN(LA_GETRI, t))(&n, wa, &ld, ipiv, work, &lwork, &info);
            free(work);
        }
        threads_leave(&g);
        if (info > 0)
            rc = fail(JP_LA_ELINALG, "Singular matrix");
        else
            memcpy(out, wa, (size_t)(n * n) * es);
        free(sc.heap);
        return rc;
    } else {
        ((getrf_fn)FN(LA_GETRF, t))(&n, &n, wa, &ld, ipiv, &info);
        if (info == 0)
            ((getrs_fn)FN(LA_GETRS, t))("T", &n, &nrhs, wa, &ld, ipiv, wb, &ld, &info, 1);
    }
    threads_leave(&g);
    if (info > 0)
        rc = fail(JP_LA_ELINALG, "Singular matrix");
    else
        scatter_cm(out, t, wb, n, n, nrhs);
    free(sc.heap);
    return rc;
}

int32_t
jp_la_det(int32_t t, void *sign, void *logdet, const char *a, int32_t adt, const int64_t *ash,
          const int64_t *ast, int32_t want_det)
{
    NEED(LA_GETRF, LA__COUNT, LA__COUNT);    /* code from the on-disk cache, another NumPy */
    jp_lint n = ash[0], info = 0;
    char *w;
    jp_lint *ipiv;
    double sr = 1, si = 0, ld = 0;
    threads_guard g;
    scratch sc;
    int32_t rc;
    if ((rc = not_square(ash)) != JP_LA_OK)
        return rc;
    if ((w = scratch_get(&sc, round_up((size_t)(n * n) * tsize(t)) + (size_t)(n > 0 ? n : 1) * sizeof *ipiv))
        == NULL)
        return nomem();
    ipiv = (jp_lint *)(w + round_up((size_t)(n * n) * tsize(t)));
    gather_cm(w, t, n, a, adt, n, n, ast[1], ast[0]);     /* A^T: det(A^T) == det(A) */
    if (n > 0) {
        threads_enter(&g);
        ((getrf_fn)FN(LA_GETRF, t))(&n, &n, w, &n, ipiv, &info);
        threads_leave(&g);
    }
    if (info > 0) {
        sr = 0;
        ld = -INFINITY;
    } else {
        for (jp_lint i = 0; i < n; i++) {
            double re, im, ab;
            if (ipiv[i] != i + 1)
                sr = -sr, si = -si;
            get_pair(w + (size_t)(i + i * n) * tsize(t), t, &re, &im);
            ab = is_cx(t) ? hypot(re, im) : fabs(re);
            if (is_cx(t)) {     /* sign *= d / |d| */
                double ur = re / ab, ui = im / ab, nr = sr * ur - si * ui;
                si = sr * ui + si * ur;
                sr = nr;
            } else if (re < 0) {
                sr = -sr;
            }
            ld += log(ab);
        }
    }
    if (want_det) {
        double e = exp(ld);
        store_pair(sign, t, sr * e, si * e);
    } else {
        store_pair(sign, t, sr, si);
        store_pair(logdet, real_of(t), ld, 0);
    }
    free(sc.heap);
    return JP_LA_OK;
}

/* singular values of a (m x n) into s (min(m, n) doubles); -1 no memory, 1 no convergence */
static int
singular_values(int t, double *s, const char *a, int adt, int64_t m, int64_t n, const int64_t *ast)
{
    jp_lint M = m, N = n, k = m < n ? m : n, info = 0, lwork = -1, one = 1;
    char *w = work_copy(t, a, adt, m, n, m > 0 ? m : 1, ast), *sv, *work = NULL;
    jp_lint *iwork = malloc((size_t)(8 * (k > 0 ? k : 1)) * sizeof *iwork);
    void *rwork = NULL;
    char q[16];
    jp_lint lda = m > 0 ? m : 1;
    int rc = -1;
    sv = malloc((size_t)(k > 0 ? k : 1) * tsize(real_of(t)));
    if (is_cx(t))
        rwork = malloc((size_t)(7 * (k > 0 ? k : 1)) * tsize(real_of(t)));
    if (w == NULL || iwork == NULL || sv == NULL || (is_cx(t) && rwork == NULL))
        goto done;
    if (k == 0) {
        rc = 0;
        goto done;
    }
    if (is_cx(t))
        ((gesdd_c_fn)FN(LA_GESDD, t))("N", &M, &N, w, &lda, sv, NULL, &one, NULL, &one, q, &lwork, rwork, iwork,
                                      &info, 1);
    else
        ((gesdd_r_fn)FN(LA_GESDD, t))("N", &M, &N, w, &lda, sv, NULL, &one, NULL, &one, q, &lwork, iwork, &info, 1);
    lwork = lwork_of(q, t);
    if ((work = malloc((size_t)lwork * tsize(t))) == NULL)
        goto done;
    if (is_cx(t))
        ((gesdd_c_fn)FN(LA_GESDD, t))("N", &M, &N, w, &lda, sv, NULL, &one, NULL, &one, work, &lwork, rwork,
                                      iwork, &info, 1);
    else
        ((gesdd_r_fn)FN(LA_GESDD, t))("N", &M, &N, w, &lda, sv, NULL, &one, NULL, &one, work, &lwork, iwork,
                                      &info, 1);
    for (jp_lint i = 0; i < k; i++) {
        double re, im;
        get_pair(sv + (size_t)i * tsize(real_of(t)), real_of(t), &re, &im);
        s[i] = re;
    }
    rc = info > 0 ? 1 : 0;
done:
    free(w);
    free(iwork);
    free(sv);
    free(rwork);
    free(work);
    return rc;
}

/* sum of |x|^2 over n items stride st apart: BLAS dot for float/complex (as NumPy's
 * norm), a loop for the rest */
static double
sumsq(int t, const char *x, int dt, int64_t n, int64_t st)
{
    int64_t es = (int64_t)tsize(t);
    double acc = 0;
    if (native_type(dt) == t && st > 0 && st % es == 0 && jp_la.fn[LA_DOTC][t]) {
        char r[16];
        double re, im;
        dot(t, 1, n, x, st / es, x, st / es, r);
        get_pair(r, t, &re, &im);
        return re;
    }
    for (int64_t i = 0; i < n; i++) {
        double re, im;
        load_pair(x + i * st, dt, &re, &im);
        acc += re * re + im * im;
    }
    return acc;
}

int32_t
jp_la_norm(int32_t t, double *out, const char *a, int32_t adt, int64_t an, const int64_t *ash,
           const int64_t *ast, int32_t kind, double p)
{
    jp_lapack_load();
    if (kind == JP_NORM_NONE || kind == JP_NORM_FRO || (an == 1 && kind == JP_NORM_P && p == 2)) {
        /* sqrt(sum |x|^2) over all items, as NumPy (no scaling) */
        double acc = 0;
        if (an == 1)
            acc = sumsq(t, a, adt, ash[0], ast[0]);
        else if (ast[1] > 0 && ast[0] == ash[1] * ast[1])
            acc = sumsq(t, a, adt, ash[0] * ash[1], ast[1]);       /* rows back to back */
        else
            for (int64_t i = 0; i < ash[0]; i++)
                acc += sumsq(t, a + i * ast[0], adt, ash[1], ast[1]);
        *out = sqrt(acc);
        return JP_LA_OK;
    }
    if (an == 1 || kind == JP_NORM_NONE || kind == JP_NORM_FRO) {
        /* all items: sqrt(sum |x|^2) (ord None/'fro'), or the vector norms */
        int64_t n = size_of(an, ash), idx[2] = {0, 0};
        double acc = kind == JP_NORM_INF ? 0 : kind == JP_NORM_NINF ? INFINITY : 0, scale = 0, ssq = 1;
        for (int64_t i = 0; i < n; i++) {
            const char *q = a + idx[0] * ast[0] + (an == 2 ? idx[1] * ast[1] : 0);
            double re, im, ab;
            load_pair(q, adt, &re, &im);
            ab = im != 0 ? hypot(re, im) : fabs(re);
            switch (kind) {
            case JP_NORM_INF: if (ab > acc || isnan(ab)) acc = ab; break;
            case JP_NORM_NINF: if (ab < acc || isnan(ab)) acc = ab; break;
            case JP_NORM_P:
                if (p == 0)
                    acc += ab != 0;
                else if (p == 1)
                    acc += ab;
                else if (p == 2)
                    goto two;
                else
                    acc += pow(ab, p);
                break;
            default:
            two:    /* scaled sum of squares (LAPACK's lassq): no overflow for large items */
                if (ab != 0 || isnan(ab)) {
                    if (scale < ab || isnan(ab)) {
                        ssq = 1 + ssq * (scale / ab) * (scale / ab);
                        scale = ab;
                    } else {
                        ssq += (ab / scale) * (ab / scale);
                    }
                }
                break;
            }
            if (an == 2) {
                if (++idx[1] == ash[1])
                    idx[1] = 0, idx[0]++;
            } else {
                idx[0]++;
            }
        }
        if (kind == JP_NORM_NONE || kind == JP_NORM_FRO || (kind == JP_NORM_P && p == 2))
            *out = scale * sqrt(ssq);
        else if (kind == JP_NORM_P && p != 0 && p != 1)
            *out = pow(acc, 1.0 / p);
        else
            *out = acc;
        return JP_LA_OK;
    }
    /* matrix norms */
    {
        int64_t m = ash[0], n = ash[1];
        if (kind == JP_NORM_NUC || (kind == JP_NORM_P && (p == 2 || p == -2))) {
            int64_t k = m < n ? m : n;
            double *s, r;
            int rc;
            NEED(LA_GESDD, LA__COUNT, LA__COUNT);
            if ((s = malloc((size_t)(k > 0 ? k : 1) * sizeof *s)) == NULL)
                return nomem();
            rc = singular_values(t, s, a, adt, m, n, ast);
            if (rc < 0) {
                free(s);
                return nomem();
            }
            if (rc > 0) {
                free(s);
                return fail(JP_LA_ELINALG, "SVD did not converge");
            }
            if (k == 0) {       /* NumPy: the sum or max of no singular values is 0; their min an error */
                free(s);
                if (kind == JP_NORM_NUC || p > 0) {
                    *out = 0;
                    return JP_LA_OK;
                }
                return fail(JP_LA_EVALUE, "zero-size array to reduction operation minimum which has no identity");
            }
            r = kind == JP_NORM_NUC ? 0 : s[0];
            for (int64_t i = 0; i < k; i++) {
                if (kind == JP_NORM_NUC)
                    r += s[i];
                else if (p == 2 ? s[i] > r : s[i] < r)
                    r = s[i];
            }
            free(s);
            *out = r;
            return JP_LA_OK;
        }
        /* 1, -1: max/min column sum of |a|; inf, -inf: max/min row sum */
        {
            int rows = kind == JP_NORM_INF || kind == JP_NORM_NINF;
            int wantmax = kind == JP_NORM_INF || (kind == JP_NORM_P && p == 1);
            int64_t outer_n = rows ? m : n, inner_n = rows ? n : m;
            double best = 0;
            if (outer_n == 0) {     /* NumPy: the max of nothing is 0 here, the min an error */
                if (wantmax) {
                    *out = 0;
                    return JP_LA_OK;
                }
                return fail(JP_LA_EVALUE, "zero-size array to reduction operation minimum which has no identity");
            }
            for (int64_t o = 0; o < outer_n; o++) {
                double sum = 0;
                for (int64_t i = 0; i < inner_n; i++) {
                    const char *q = a + (rows ? o * ast[0] + i * ast[1] : i * ast[0] + o * ast[1]);
                    double re, im;
                    load_pair(q, adt, &re, &im);
                    sum += im != 0 ? hypot(re, im) : fabs(re);
                }
                if (o == 0 || (wantmax ? sum > best : sum < best) || isnan(sum))
                    best = sum;
            }
            *out = best;
            return JP_LA_OK;
        }
    }
}

int32_t
jp_la_eigh(int32_t t, void *w, void *v, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast,
           int32_t upper)
{
    NEED(LA_SYEVD, LA__COUNT, LA__COUNT);    /* code from the on-disk cache, another NumPy */
    jp_lint n = ash[0], info = 0, lwork = -1, liwork = -1, lrwork = -1, iq = 0, ld;
    const char *jobz = v ? "V" : "N", *uplo = upper ? "U" : "L";
    char *wa, *work = NULL, *rwork = NULL, *wr;
    jp_lint *iwork = NULL;
    char q[16], rq[16];
    int rt = real_of(t);
    int32_t rc;
    threads_guard g;
    if ((rc = not_square(ash)) != JP_LA_OK)
        return rc;
    if (n == 0)
        return JP_LA_OK;
    ld = n;
    wa = work_copy(t, a, adt, n, n, n, ast);
    wr = malloc((size_t)n * tsize(rt));
    if (wa == NULL || wr == NULL)
        goto oom;
    threads_enter(&g);
    if (is_cx(t))
        ((heevd_fn)FN(LA_SYEVD, t))(jobz, uplo, &n, wa, &ld, wr, q, &lwork, rq, &lrwork, &iq, &liwork, &info, 1, 1);
    else
        ((syevd_fn)FN(LA_SYEVD, t))(jobz, uplo, &n, wa, &ld, wr, q, &lwork, &iq, &liwork, &info, 1, 1);
    lwork = lwork_of(q, t);
    liwork = iq > 0 ? iq : 1;
    lrwork = is_cx(t) ? lwork_of(rq, rt) : 1;
    work = malloc((size_t)lwork * tsize(t));
    iwork = malloc((size_t)liwork * sizeof *iwork);
    rwork = malloc((size_t)lrwork * tsize(rt));
    if (work == NULL || iwork == NULL || rwork == NULL) {
        threads_leave(&g);
        goto oom;
    }
    if (is_cx(t))
        ((heevd_fn)FN(LA_SYEVD, t))(jobz, uplo, &n, wa, &ld, wr, work, &lwork, rwork, &lrwork, iwork, &liwork, &info,
                                    1, 1);
    else
        ((syevd_fn)FN(LA_SYEVD, t))(jobz, uplo, &n, wa, &ld, wr, work, &lwork, iwork, &liwork, &info, 1, 1);
    threads_leave(&g);
    if (info > 0) {
        rc = fail(JP_LA_ELINALG, "Eigenvalues did not converge");
        goto done;
    }
    memcpy(w, wr, (size_t)n * tsize(rt));
    if (v)
        scatter_cm(v, t, wa, n, n, n);
    goto done;
oom:
    rc = nomem();
done:
    free(wa);
    free(wr);
    free(work);
    free(iwork);
    free(rwork);
    return rc;
}

int32_t
jp_la_eig(int32_t t, void *w, void *v, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast)
{
    NEED(LA_GEEV, LA__COUNT, LA__COUNT);    /* code from the on-disk cache, another NumPy */
    jp_lint n = ash[0], info = 0, lwork = -1, one = 1, ld;
    const char *jobvr = v ? "V" : "N";
    char *wa, *work = NULL, *wr = NULL, *wi = NULL, *vr = NULL, *rwork = NULL;
    char q[16];
    int32_t rc;
    size_t es = tsize(t);
    threads_guard g;
    if ((rc = not_square(ash)) != JP_LA_OK)
        return rc;
    if (n == 0)
        return JP_LA_OK;
    ld = n;
    wa = work_copy(t, a, adt, n, n, n, ast);
    wr = malloc((size_t)n * es);
    wi = malloc((size_t)n * es);
    vr = v ? malloc((size_t)(n * n) * es) : NULL;
    rwork = is_cx(t) ? malloc((size_t)(2 * n) * tsize(real_of(t))) : NULL;
    if (wa == NULL || wr == NULL || wi == NULL || (v && vr == NULL) || (is_cx(t) && rwork == NULL))
        goto oom;
    threads_enter(&g);
    if (is_cx(t))
        ((geev_c_fn)FN(LA_GEEV, t))("N", jobvr, &n, wa, &ld, wr, NULL, &one, vr, v ? &ld : &one, q, &lwork, rwork,
                                    &info, 1, 1);
    else
        ((geev_r_fn)FN(LA_GEEV, t))("N", jobvr, &n, wa, &ld, wr, wi, NULL, &one, vr, v ? &ld : &one, q, &lwork,
                                    &info, 1, 1);
    lwork = lwork_of(q, t);
    if ((work = malloc((size_t)lwork * es)) == NULL) {
        threads_leave(&g);
        goto oom;
    }
    if (is_cx(t))
        ((geev_c_fn)FN(LA_GEEV, t))("N", jobvr, &n, wa, &ld, wr, NULL, &one, vr, v ? &ld : &one, work, &lwork,
                                    rwork, &info, 1, 1);
    else
        ((geev_r_fn)FN(LA_GEEV, t))("N", jobvr, &n, wa, &ld, wr, wi, NULL, &one, vr, v ? &ld : &one, work, &lwork,
                                    &info, 1, 1);
    threads_leave(&g);
    if (info > 0) {
        rc = fail(JP_LA_ELINALG, "Eigenvalues did not converge");
        goto done;
    }
    if (!is_cx(t))
        for (jp_lint i = 0; i < n; i++) {
            double re, im;
            get_pair(wi + (size_t)i * es, t, &re, &im);
            if (re != 0) {
                rc = fail(JP_LA_EVALUE, "eig() argument must not cause a domain change.");
                goto done;
            }
        }
    memcpy(w, wr, (size_t)n * es);
    if (v)
        scatter_cm(v, t, vr, n, n, n);
    goto done;
oom:
    rc = nomem();
done:
    free(wa);
    free(wr);
    free(wi);
    free(vr);
    free(rwork);
    free(work);
    return rc;
}

static void
set_identity(char *out, int t, int64_t n)
{
    memset(out, 0, (size_t)(n * n) * tsize(t));
    for (int64_t i = 0; i < n; i++)
        store_pair(out + (size_t)(i * n + i) * tsize(t), t, 1, 0);
}

int32_t
jp_la_svd(int32_t t, void *u, void *s, void *vh, const char *a, int32_t adt, const int64_t *ash,
          const int64_t *ast, int32_t full_matrices, int32_t compute_uv)
{
    NEED(LA_GESDD, LA__COUNT, LA__COUNT);    /* code from the on-disk cache, another NumPy */
    jp_lint m = ash[0], n = ash[1], k = m < n ? m : n, info = 0, lwork = -1, lda = m > 0 ? m : 1;
    jp_lint ucols = full_matrices ? m : k, vrows = full_matrices ? n : k;
    jp_lint ldu = m > 0 ? m : 1, ldvt = vrows > 0 ? vrows : 1, one = 1;
    const char *jobz = !compute_uv ? "N" : full_matrices ? "A" : "S";
    char *wa = NULL, *wu = NULL, *wvt = NULL, *work = NULL, *rwork = NULL;
    jp_lint *iwork = NULL;
    char q[16];
    int rt = real_of(t);
    int32_t rc = JP_LA_OK;
    threads_guard g;
    if (k == 0) {   /* NumPy: empty s; u, vh identities (full) or empty */
        if (compute_uv && full_matrices) {
            set_identity(u, t, m);
            set_identity(vh, t, n);
        }
        return JP_LA_OK;
    }
    wa = work_copy(t, a, adt, m, n, m, ast);
    iwork = malloc((size_t)(8 * k) * sizeof *iwork);
    if (compute_uv) {
        wu = malloc((size_t)(m * ucols) * tsize(t));
        wvt = malloc((size_t)(vrows * n) * tsize(t));
    }
    if (is_cx(t)) {
        jp_lint mx = m > n ? m : n;
        jp_lint lr = compute_uv ? (k * (5 * k + 7) > 2 * mx * k + 2 * k * k + k ? k * (5 * k + 7)
                                                                               : 2 * mx * k + 2 * k * k + k)
                                : 7 * k;
        rwork = malloc((size_t)lr * tsize(rt));
    }
    if (wa == NULL || iwork == NULL || (compute_uv && (wu == NULL || wvt == NULL)) || (is_cx(t) && rwork == NULL))
        goto oom;
    threads_enter(&g);
    for (int pass = 0; pass < 2; pass++) {
        void *wk = pass ? (void *)work : (void *)q;
        if (is_cx(t))
            ((gesdd_c_fn)FN(LA_GESDD, t))(jobz, &m, &n, wa, &lda, s, wu, compute_uv ? &ldu : &one, wvt,
                                          compute_uv ? &ldvt : &one, wk, &lwork, rwork, iwork, &info, 1);
        else
            ((gesdd_r_fn)FN(LA_GESDD, t))(jobz, &m, &n, wa, &lda, s, wu, compute_uv ? &ldu : &one, wvt,
                                          compute_uv ? &ldvt : &one, wk, &lwork, iwork, &info, 1);
        if (pass == 0) {
            lwork = lwork_of(q, t);
            if ((work = malloc((size_t)lwork * tsize(t))) == NULL) {
                threads_leave(&g);
                goto oom;
            }
        }
    }
    threads_leave(&g);
    if (info > 0) {
        rc = fail(JP_LA_ELINALG, "SVD did not converge");
        goto done;
    }
    if (compute_uv) {
        scatter_cm(u, t, wu, m, m, ucols);
        scatter_cm(vh, t, wvt, vrows, vrows, n);
    }
    goto done;
oom:
    rc = nomem();
done:
    free(wa);
    free(wu);
    free(wvt);
    free(work);
    free(rwork);
    free(iwork);
    return rc;
}

int32_t
jp_la_qr(int32_t t, void *q, void *r, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast,
         int32_t complete)
{
    NEED(LA_GEQRF, LA_ORGQR, LA__COUNT);    /* code from the on-disk cache, another NumPy */
    jp_lint m = ash[0], n = ash[1], k = m < n ? m : n, info = 0, lwork = -1, ld = m > 0 ? m : 1;
    jp_lint qcols = complete ? m : k, rrows = complete ? m : k, wcols = n > qcols ? n : qcols;
    char *wa = NULL, *tau = NULL, *work = NULL, wq[16];
    size_t es = tsize(t);
    int32_t rc = JP_LA_OK;
    threads_guard g;
    if (m == 0 || n == 0) {     /* r is all zeros; q the identity part */
        memset(r, 0, (size_t)(rrows * n) * es);
        if (q) {
            memset(q, 0, (size_t)(m * qcols) * es);
            for (jp_lint i = 0; i < m && i < qcols; i++)
                store_pair((char *)q + (size_t)(i * qcols + i) * es, t, 1, 0);
        }
        return JP_LA_OK;
    }
    wa = calloc((size_t)(ld * wcols), es);
    tau = malloc((size_t)k * es);
    if (wa == NULL || tau == NULL)
        goto oom;
    gather_cm(wa, t, ld, a, adt, m, n, ast[0], ast[1]);
    threads_enter(&g);
    ((geqrf_fn)FN(LA_GEQRF, t))(&m, &n, wa, &ld, tau, wq, &lwork, &info);
    lwork = lwork_of(wq, t);
    if (q) {
        jp_lint l2 = -1;
        ((orgqr_fn)FN(LA_ORGQR, t))(&m, &qcols, &k, wa, &ld, tau, wq, &l2, &info);
        if (lwork_of(wq, t) > lwork)
            lwork = lwork_of(wq, t);
    }
    if ((work = malloc((size_t)lwork * es)) == NULL) {
        threads_leave(&g);
        goto oom;
    }
    ((geqrf_fn)FN(LA_GEQRF, t))(&m, &n, wa, &ld, tau, work, &lwork, &info);
    /* r: the upper triangle of the first rrows rows */
    for (jp_lint i = 0; i < rrows; i++)
        for (jp_lint j = 0; j < n; j++) {
            char *dst = (char *)r + (size_t)(i * n + j) * es;
            if (j >= i && i < m)
                memcpy(dst, wa + (size_t)(i + j * ld) * es, es);
            else
                memset(dst, 0, es);
        }
    if (q) {
        ((orgqr_fn)FN(LA_ORGQR, t))(&m, &qcols, &k, wa, &ld, tau, work, &lwork, &info);
        scatter_cm(q, t, wa, ld, m, qcols);
    }
    threads_leave(&g);
    goto done;
oom:
    rc = nomem();
done:
    free(wa);
    free(tau);
    free(work);
    return rc;
}

int32_t
jp_la_cholesky(int32_t t, void *out, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast,
               int32_t upper)
{
    NEED(LA_POTRF, LA__COUNT, LA__COUNT);    /* code from the on-disk cache, another NumPy */
    jp_lint n = ash[0], info = 0;
    char *w;
    size_t es = tsize(t);
    int32_t rc;
    threads_guard g;
    if ((rc = not_square(ash)) != JP_LA_OK)
        return rc;
    if (n == 0)
        return JP_LA_OK;
    /* M = A^T in column-major order is A's C-order memory (one memcpy); M is A
     * (real) or conj(A) (Hermitian), so factoring M with the other triangle
     * ('U' for NumPy's lower L) leaves L (or U) in C order: out[k] = w[k] */
    if ((w = malloc((size_t)(n * n) * es)) == NULL)
        return nomem();
    gather_cm(w, t, n, a, adt, n, n, ast[1], ast[0]);
    threads_enter(&g);
    ((potrf_fn)FN(LA_POTRF, t))(upper ? "L" : "U", &n, w, &n, &info, 1);
    threads_leave(&g);
    if (info > 0) {
        free(w);
        return fail(JP_LA_ELINALG, "Matrix is not positive definite");
    }
    for (jp_lint r = 0; r < n; r++) {
        jp_lint lo = upper ? r : 0, hi = upper ? n : r + 1;      /* the kept columns of row r */
        char *row = (char *)out + (size_t)(r * n) * es;
        memset(row, 0, (size_t)n * es);
        memcpy(row + (size_t)lo * es, w + (size_t)(r * n + lo) * es, (size_t)(hi - lo) * es);
    }
    free(w);
    return JP_LA_OK;
}

int32_t
jp_la_lstsq(int32_t t, void *x, void *resid, int64_t *nresid, int64_t *rank, void *s, const char *a,
            int32_t adt, const int64_t *ash, const int64_t *ast, const char *b, int32_t bdt, int64_t bn,
            const int64_t *bsh, const int64_t *bst, double rcond)
{
    NEED(LA_GELSD, LA__COUNT, LA__COUNT);    /* code from the on-disk cache, another NumPy */
    jp_lint m = ash[0], n = ash[1], k = m < n ? m : n, nrhs = bn == 2 ? bsh[1] : 1, info = 0, lwork = -1;
    jp_lint lda = m > 0 ? m : 1, ldb = m > n ? m : n, rk = 0, iq = 0;
    char *wa = NULL, *wb = NULL, *work = NULL, *rwork = NULL, *sv = NULL, q[16], rq[16];
    jp_lint *iwork = NULL;
    int rt = real_of(t);
    size_t es = tsize(t);
    float rc4;
    double rc8;
    int32_t rc = JP_LA_OK;
    threads_guard g;
    *nresid = 0;
    *rank = 0;
    if (bsh[0] != m)
        return fail(JP_LA_EVALUE, "Incompatible dimensions");
    if (ldb < 1)
        ldb = 1;
    if (rcond < 0)
        rcond = (rt == JP_LA_S ? FLT_EPSILON : DBL_EPSILON) * (double)(m > n ? m : n);
    rc4 = (float)rcond;
    rc8 = rcond;
    if (k == 0 || nrhs == 0) {
        /* x is zeros; residuals are |b|^2 when n == 0 < m */
        memset(x, 0, (size_t)(n * nrhs) * es);
        if (n == 0 && m > 0 && nrhs > 0) {
            for (jp_lint j = 0; j < nrhs; j++) {
                double acc = 0;
                for (jp_lint i = 0; i < m; i++) {
                    double re, im;
                    load_pair(b + i * bst[0] + (bn == 2 ? j * bst[1] : 0), bdt, &re, &im);
                    acc += re * re + im * im;
                }
                store_pair((char *)resid + (size_t)j * tsize(rt), rt, acc, 0);
            }
            *nresid = nrhs;
        }
        return JP_LA_OK;
    }
    wa = work_copy(t, a, adt, m, n, lda, ast);
    wb = calloc((size_t)(ldb * nrhs), es);
    sv = malloc((size_t)k * tsize(rt));
    if (wa == NULL || wb == NULL || sv == NULL)
        goto oom;
    gather_cm(wb, t, ldb, b, bdt, m, nrhs, bst[0], bn == 2 ? bst[1] : 0);
    threads_enter(&g);
    if (is_cx(t))
        ((gelsd_c_fn)FN(LA_GELSD, t))(&m, &n, &nrhs, wa, &lda, wb, &ldb, sv, rt == JP_LA_S ? (void *)&rc4
                                      : (void *)&rc8, &rk, q, &lwork, rq, &iq, &info);
    else
        ((gelsd_r_fn)FN(LA_GELSD, t))(&m, &n, &nrhs, wa, &lda, wb, &ldb, sv, rt == JP_LA_S ? (void *)&rc4
                                      : (void *)&rc8, &rk, q, &lwork, &iq, &info);
    lwork = lwork_of(q, t);
    work = malloc((size_t)lwork * es);
    iwork = malloc((size_t)(iq > 0 ? iq : 1) * sizeof *iwork);
    if (is_cx(t))
        rwork = malloc((size_t)lwork_of(rq, rt) * tsize(rt));
    if (work == NULL || iwork == NULL || (is_cx(t) && rwork == NULL)) {
        threads_leave(&g);
        goto oom;
    }
    if (is_cx(t))
        ((gelsd_c_fn)FN(LA_GELSD, t))(&m, &n, &nrhs, wa, &lda, wb, &ldb, sv, rt == JP_LA_S ? (void *)&rc4
                                      : (void *)&rc8, &rk, work, &lwork, rwork, iwork, &info);
    else
        ((gelsd_r_fn)FN(LA_GELSD, t))(&m, &n, &nrhs, wa, &lda, wb, &ldb, sv, rt == JP_LA_S ? (void *)&rc4
                                      : (void *)&rc8, &rk, work, &lwork, iwork, &info);
    threads_leave(&g);
    if (info > 0) {
        rc = fail(JP_LA_ELINALG, "SVD did not converge in Linear Least Squares");
        goto done;
    }
    scatter_cm(x, t, wb, ldb, n, nrhs);
    memcpy(s, sv, (size_t)k * tsize(rt));
    *rank = rk;
    if (rk == n && m > n) {
        for (jp_lint j = 0; j < nrhs; j++) {
            double acc = 0;
            for (jp_lint i = n; i < m; i++) {
                double re, im;
                get_pair(wb + (size_t)(i + j * ldb) * es, t, &re, &im);
                acc += re * re + im * im;
            }
            store_pair((char *)resid + (size_t)j * tsize(rt), rt, acc, 0);
        }
        *nresid = nrhs;
    }
    goto done;
oom:
    rc = nomem();
done:
    free(wa);
    free(wb);
    free(sv);
    free(work);
    free(iwork);
    free(rwork);
    return rc;
}

int32_t
jp_la_pinv(int32_t t, void *out, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast,
           double rcond)
{
    NEED(LA_GESDD, LA__COUNT, LA__COUNT);    /* code from the on-disk cache, another NumPy */
    int64_t m = ash[0], n = ash[1], k = m < n ? m : n;
    size_t es = tsize(t);
    int rt = real_of(t);
    char *u = NULL, *s = NULL, *vh = NULL;
    int32_t rc;
    double smax = 0;
    if (k == 0) {
        memset(out, 0, (size_t)(n * m) * es);
        return JP_LA_OK;
    }
    u = malloc((size_t)(m * k) * es);
    s = malloc((size_t)k * tsize(rt));
    vh = malloc((size_t)(k * n) * es);
    if (u == NULL || s == NULL || vh == NULL) {
        rc = nomem();
        goto done;
    }
    if ((rc = jp_la_svd(t, u, s, vh, a, adt, ash, ast, 0, 1)) != JP_LA_OK)
        goto done;
    for (int64_t l = 0; l < k; l++) {
        double re, im;
        get_pair(s + (size_t)l * tsize(rt), rt, &re, &im);
        if (re > smax)
            smax = re;
    }
    /* out[i][j] = sum_l conj(vh[l][i]) / s[l] * conj(u[j][l]), small singular values dropped */
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++) {
            double accr = 0, acci = 0;
            for (int64_t l = 0; l < k; l++) {
                double sr, si, vr, vi, ur, ui, pr, pi;
                get_pair(s + (size_t)l * tsize(rt), rt, &sr, &si);
                if (!(sr > rcond * smax))
                    continue;
                get_pair(vh + (size_t)(l * n + i) * es, t, &vr, &vi);
                get_pair(u + (size_t)(j * k + l) * es, t, &ur, &ui);
                /* conj(v) * conj(u) = conj(v * u) */
                pr = vr * ur - vi * ui;
                pi = -(vr * ui + vi * ur);
                accr += pr / sr;
                acci += pi / sr;
            }
            store_pair((char *)out + (size_t)(i * m + j) * es, t, accr, acci);
        }
done:
    free(u);
    free(s);
    free(vh);
    return rc;
}

int32_t
jp_la_matrix_rank(int32_t t, int64_t *rank, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast,
                  double tol)
{
    NEED(LA_GESDD, LA__COUNT, LA__COUNT);    /* code from the on-disk cache, another NumPy */
    int64_t m = ash[0], n = ash[1], k = m < n ? m : n, r = 0;
    double *s = malloc((size_t)(k > 0 ? k : 1) * sizeof *s), smax = 0;
    int rc;
    if (s == NULL)
        return nomem();
    rc = singular_values(t, s, a, adt, m, n, ast);
    if (rc != 0) {
        free(s);
        return rc < 0 ? nomem() : fail(JP_LA_ELINALG, "SVD did not converge");
    }
    for (int64_t i = 0; i < k; i++)
        if (s[i] > smax)
            smax = s[i];
    if (tol < 0)
        tol = smax * (double)(m > n ? m : n) * (real_of(t) == JP_LA_S ? FLT_EPSILON : DBL_EPSILON);
    for (int64_t i = 0; i < k; i++)
        r += s[i] > tol;
    free(s);
    *rank = r;
    return JP_LA_OK;
}

int32_t
jp_la_matrix_power(int32_t t, void *out, const char *a, int32_t adt, const int64_t *ash, const int64_t *ast,
                   int64_t p)
{
    NEED(LA_GEMM, LA_GETRF, LA_GETRS);    /* code from the on-disk cache, another NumPy */
    int64_t n = ash[0];
    size_t es = tsize(t), bytes;
    char *base = NULL, *acc = NULL, *tmp = NULL;
    int32_t rc;
    int have = 0;
    threads_guard g;
    if ((rc = not_square(ash)) != JP_LA_OK)
        return rc;
    bytes = (size_t)(n * n > 0 ? n * n : 1) * es;
    base = malloc(bytes);
    acc = malloc(bytes);
    tmp = malloc(bytes);
    if (base == NULL || acc == NULL || tmp == NULL) {
        rc = nomem();
        goto done;
    }
    if (p < 0) {
        if ((rc = jp_la_solve(t, base, a, adt, ash, ast, NULL, 0, 0, NULL, NULL)) != JP_LA_OK)
            goto done;
        p = -p;
    } else {
        gather_cm(base, t, n, a, adt, n, n, ast[1], ast[0]);    /* C order: the transpose's column-major */
    }
    if (n == 0) {
        rc = JP_LA_OK;
        goto done;
    }
    threads_enter(&g);
    while (p > 0) {
        if (p & 1) {
            if (have) {
                gemm(t, NoTrans, NoTrans, n, n, n, acc, n, base, n, tmp, n);
                memcpy(acc, tmp, bytes);
            } else {
                memcpy(acc, base, bytes);
                have = 1;
            }
        }
        p >>= 1;
        if (p) {
            gemm(t, NoTrans, NoTrans, n, n, n, base, n, base, n, tmp, n);
            memcpy(base, tmp, bytes);
        }
    }
    threads_leave(&g);
    if (have)
        memcpy(out, acc, bytes);
    else
        set_identity(out, t, n);
done:
    free(base);
    free(acc);
    free(tmp);
    return rc;
}
