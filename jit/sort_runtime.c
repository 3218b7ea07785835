/* jit/sort_runtime.c - the C half of sorting and statistics in jit code
 * (see sort_runtime.h): per-dtype sorts (introsort for kind='quicksort',
 * a stable merge sort for 'mergesort'/'stable'; NaN sorts last, as in
 * NumPy), selection for quantiles, and the counting helpers.  Plain C, no
 * Python: the lowering raises the exceptions for the codes returned here. */
#include "jit/sort_runtime.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const int64_t itemsizes[] = {1, 1, 2, 4, 8, 1, 2, 4, 8, 4, 8};

static int
is_float(int32_t dt)
{
    return dt == JP_SDT_F32 || dt == JP_SDT_F64;
}

static double
load_f(const char *p, int32_t dt)
{
    switch (dt) {
    case JP_SDT_BOOL: return *(const uint8_t *)p != 0;
    case JP_SDT_I8: return *(const int8_t *)p;
    case JP_SDT_I16: return *(const int16_t *)p;
    case JP_SDT_I32: return *(const int32_t *)p;
    case JP_SDT_I64: return (double)*(const int64_t *)p;
    case JP_SDT_U8: return *(const uint8_t *)p;
    case JP_SDT_U16: return *(const uint16_t *)p;
    case JP_SDT_U32: return *(const uint32_t *)p;
    case JP_SDT_U64: return (double)*(const uint64_t *)p;
    case JP_SDT_F32: return *(const float *)p;
    default: return *(const double *)p;
    }
}

static int64_t
load_i(const char *p, int32_t dt)
{
    switch (dt) {
    case JP_SDT_BOOL: return *(const uint8_t *)p != 0;
    case JP_SDT_I8: return *(const int8_t *)p;
    case JP_SDT_I16: return *(const int16_t *)p;
    case JP_SDT_I32: return *(const int32_t *)p;
    case JP_SDT_I64: return *(const int64_t *)p;
    case JP_SDT_U8: return *(const uint8_t *)p;
    case JP_SDT_U16: return *(const uint16_t *)p;
    case JP_SDT_U32: return *(const uint32_t *)p;
    case JP_SDT_U64: return (int64_t)*(const uint64_t *)p;
    case JP_SDT_F32: return (int64_t)*(const float *)p;
    default: return (int64_t)*(const double *)p;
    }
}

static void
store(char *p, int32_t dt, double f, int64_t i, int use_f)
{
    switch (dt) {
    case JP_SDT_BOOL: *(uint8_t *)p = use_f ? f != 0 : i != 0; break;
    case JP_SDT_I8: *(int8_t *)p = (int8_t)(use_f ? (int64_t)f : i); break;
    case JP_SDT_I16: *(int16_t *)p = (int16_t)(use_f ? (int64_t)f : i); break;
    case JP_SDT_I32: *(int32_t *)p = (int32_t)(use_f ? (int64_t)f : i); break;
    case JP_SDT_I64: *(int64_t *)p = use_f ? (int64_t)f : i; break;
    case JP_SDT_U8: *(uint8_t *)p = (uint8_t)(use_f ? (int64_t)f : i); break;
    case JP_SDT_U16: *(uint16_t *)p = (uint16_t)(use_f ? (int64_t)f : i); break;
    case JP_SDT_U32: *(uint32_t *)p = (uint32_t)(use_f ? (int64_t)f : i); break;
    case JP_SDT_U64: *(uint64_t *)p = use_f ? (uint64_t)f : (uint64_t)i; break;
    case JP_SDT_F32: *(float *)p = use_f ? (float)f : (float)i; break;
    default: *(double *)p = use_f ? f : (double)i; break;
    }
}

/* ---- walking an array in C order ----------------------------------------------- */

typedef struct walk {
    const char *p;
    int64_t ndim, idx[32], n, left;
    const int64_t *shape, *strides;
} walk;

static void
walk_init(walk *w, const char *data, int64_t ndim, const int64_t *shape, const int64_t *strides)
{
    w->p = data;
    w->ndim = ndim;
    w->shape = shape;
    w->strides = strides;
    w->n = 1;
    for (int64_t k = 0; k < ndim; k++) {
        w->idx[k] = 0;
        w->n *= shape[k];
    }
    w->left = w->n;
}

/* the next item's address, or NULL at the end */
static const char *
walk_next(walk *w)
{
    const char *p;
    if (w->left <= 0)
        return NULL;
    p = w->p;
    if (--w->left > 0) {
        for (int64_t k = w->ndim - 1; k >= 0; k--) {
            if (++w->idx[k] < w->shape[k]) {
                w->p += w->strides[k];
                break;
            }
            w->p -= w->strides[k] * (w->shape[k] - 1);
            w->idx[k] = 0;
        }
    }
    return p;
}

int64_t
jp_sort_gather(void *dst, int32_t ddt, const char *src, int32_t sdt, int64_t ndim, const int64_t *shape,
               const int64_t *strides)
{
    walk w;
    const char *p;
    char *d = dst;
    int64_t isz = itemsizes[ddt];
    int use_f = is_float(sdt) || is_float(ddt);
    walk_init(&w, src, ndim, shape, strides);
    while ((p = walk_next(&w)) != NULL) {
        if (ddt == sdt)
            memcpy(d, p, (size_t)isz);
        else if (use_f)
            store(d, ddt, load_f(p, sdt), 0, 1);
        else
            store(d, ddt, 0, load_i(p, sdt), 0);
        d += isz;
    }
    return w.n;
}

/* ---- sorts per dtype -------------------------------------------------------------- */

#define INT_LT(a, b) ((a) < (b))
#define FLT_LT(a, b) ((a) < (b) || ((b) != (b) && (a) == (a)))

#define DEFINE_SORTS(SUF, T, LT)                                                              \
    static inline void ins_##SUF(T *a, int64_t n)                                                    \
    {                                                                                         \
        for (int64_t i = 1; i < n; i++) {                                                     \
            T v = a[i];                                                                       \
            int64_t j = i;                                                                    \
            while (j > 0 && LT(v, a[j - 1])) {                                                \
                a[j] = a[j - 1];                                                              \
                j--;                                                                          \
            }                                                                                 \
            a[j] = v;                                                                         \
        }                                                                                     \
    }                                                                                         \
    static inline void sift_##SUF(T *a, int64_t i, int64_t n)                                        \
    {                                                                                         \
        T v = a[i];                                                                           \
        for (int64_t ch; (ch = 2 * i + 1) < n; i = ch) {                                      \
            if (ch + 1 < n && LT(a[ch], a[ch + 1]))                                           \
                ch++;                                                                         \
            if (!LT(v, a[ch]))                                                                \
                break;                                                                        \
            a[i] = a[ch];                                                                     \
        }                                                                                     \
        a[i] = v;                                                                             \
    }                                                                                         \
    static inline void heap_##SUF(T *a, int64_t n)                                                   \
    {                                                                                         \
        for (int64_t i = n / 2 - 1; i >= 0; i--)                                              \
            sift_##SUF(a, i, n);                                                              \
        for (int64_t e = n - 1; e > 0; e--) {                                                 \
            T t = a[0];                                                                       \
            a[0] = a[e];                                                                      \
            a[e] = t;                                                                         \
            sift_##SUF(a, 0, e);                                                              \
        }                                                                                     \
    }                                                                                         \
    static inline void intro_##SUF(T *a, int64_t n, int depth)                                       \
    {                                                                                         \
        while (n > 16) {                                                                      \
            T p, t;                                                                           \
            int64_t i, j, m = n / 2;                                                          \
            if (depth-- == 0) {                                                               \
                heap_##SUF(a, n);                                                             \
                return;                                                                       \
            }                                                                                 \
            /* median of three into a[m] */                                                   \
            if (LT(a[m], a[0])) { t = a[m]; a[m] = a[0]; a[0] = t; }                          \
            if (LT(a[n - 1], a[m])) { t = a[m]; a[m] = a[n - 1]; a[n - 1] = t; }              \
            if (LT(a[m], a[0])) { t = a[m]; a[m] = a[0]; a[0] = t; }                          \
            p = a[m];                                                                         \
            i = 0;                                                                            \
            j = n - 1;                                                                        \
            for (;;) {                                                                        \
                while (LT(a[i], p))                                                           \
                    i++;                                                                      \
                while (LT(p, a[j]))                                                           \
                    j--;                                                                      \
                if (i >= j)                                                                   \
                    break;                                                                    \
                t = a[i]; a[i] = a[j]; a[j] = t;                                              \
                i++;                                                                          \
                j--;                                                                          \
            }                                                                                 \
            /* [0, j] <= p <= [j + 1, n) */                                                   \
            if (j + 1 < n - j - 1) {                                                          \
                intro_##SUF(a, j + 1, depth);                                                 \
                a += j + 1;                                                                   \
                n -= j + 1;                                                                   \
            } else {                                                                          \
                intro_##SUF(a + j + 1, n - j - 1, depth);                                     \
                n = j + 1;                                                                    \
            }                                                                                 \
        }                                                                                     \
        ins_##SUF(a, n);                                                                      \
    }                                                                                         \
    static inline void merge_##SUF(T *a, T *tmp, int64_t n)                                          \
    {                                                                                         \
        int64_t h = n / 2, i = 0, j = h, k = 0;                                               \
        if (n <= 16) {                                                                        \
            ins_##SUF(a, n);                                                                  \
            return;                                                                           \
        }                                                                                     \
        merge_##SUF(a, tmp, h);                                                               \
        merge_##SUF(a + h, tmp, n - h);                                                       \
        if (!LT(a[h], a[h - 1]))                                                              \
            return;                                                                           \
        memcpy(tmp, a, (size_t)h * sizeof(T));                                                \
        while (i < h && j < n)                                                                \
            a[k++] = LT(a[j], tmp[i]) ? a[j++] : tmp[i++];                                    \
        while (i < h)                                                                         \
            a[k++] = tmp[i++];                                                                \
    }                                                                                         \
    static inline void amerge_##SUF(const T *v, int64_t *a, int64_t *tmp, int64_t n)                 \
    {                                                                                         \
        int64_t h = n / 2, i = 0, j = h, k = 0;                                               \
        if (n <= 16) {                                                                        \
            for (int64_t x = 1; x < n; x++) {                                                 \
                int64_t w = a[x], y = x;                                                      \
                while (y > 0 && LT(v[w], v[a[y - 1]])) {                                      \
                    a[y] = a[y - 1];                                                          \
                    y--;                                                                      \
                }                                                                             \
                a[y] = w;                                                                     \
            }                                                                                 \
            return;                                                                           \
        }                                                                                     \
        amerge_##SUF(v, a, tmp, h);                                                           \
        amerge_##SUF(v, a + h, tmp, n - h);                                                   \
        if (!LT(v[a[h]], v[a[h - 1]]))                                                        \
            return;                                                                           \
        memcpy(tmp, a, (size_t)h * sizeof(int64_t));                                          \
        while (i < h && j < n)                                                                \
            a[k++] = LT(v[a[j]], v[tmp[i]]) ? a[j++] : tmp[i++];                              \
        while (i < h)                                                                         \
            a[k++] = tmp[i++];                                                                \
    }                                                                                         \
    static inline int sort_##SUF(void *data, int64_t n, int stable)                                  \
    {                                                                                         \
        T *tmp;                                                                               \
        int depth = 0;                                                                        \
        if (!stable) {                                                                        \
            for (int64_t m = n; m > 1; m >>= 1)                                               \
                depth += 2;                                                                   \
            intro_##SUF(data, n, depth);                                                      \
            return 0;                                                                         \
        }                                                                                     \
        if ((tmp = malloc((size_t)(n / 2 + 1) * sizeof(T))) == NULL)                          \
            return JP_SORT_ENOMEM;                                                            \
        merge_##SUF(data, tmp, n);                                                            \
        free(tmp);                                                                            \
        return 0;                                                                             \
    }                                                                                         \
    static inline int argsort_##SUF(const void *v, int64_t *idx, int64_t n)                          \
    {                                                                                         \
        int64_t *tmp = malloc((size_t)(n / 2 + 1) * sizeof(int64_t));                         \
        if (tmp == NULL)                                                                      \
            return JP_SORT_ENOMEM;                                                            \
        for (int64_t i = 0; i < n; i++)                                                       \
            idx[i] = i;                                                                       \
        amerge_##SUF(v, idx, tmp, n);                                                         \
        free(tmp);                                                                            \
        return 0;                                                                             \
    }

/* LSD radix sorts of unsigned keys (8-bit digits; a digit every key shares
 * is skipped): the large value sorts of 32- and 64-bit items, whose order
 * maps onto the unsigned order of a transformed key.  Stable. */
#define DEFINE_RADIX(BITS, U)                                                                 \
    static int radix##BITS(U *a, int64_t n)                                                   \
    {                                                                                         \
        U *tmp = malloc((size_t)n * sizeof(U)), *src = a, *dst = tmp;                         \
        int64_t count[256];                                                                   \
        if (tmp == NULL)                                                                      \
            return JP_SORT_ENOMEM;                                                            \
        for (int shift = 0; shift < BITS; shift += 8) {                                       \
            int64_t sum = 0;                                                                  \
            U *t;                                                                             \
            memset(count, 0, sizeof count);                                                   \
            for (int64_t i = 0; i < n; i++)                                                   \
                count[(src[i] >> shift) & 0xff]++;                                            \
            if (count[(src[0] >> shift) & 0xff] == n)                                         \
                continue;                                                                     \
            for (int d = 0; d < 256; d++) {                                                   \
                int64_t c = count[d];                                                         \
                count[d] = sum;                                                               \
                sum += c;                                                                     \
            }                                                                                 \
            for (int64_t i = 0; i < n; i++)                                                   \
                dst[count[(src[i] >> shift) & 0xff]++] = src[i];                              \
            t = src;                                                                          \
            src = dst;                                                                        \
            dst = t;                                                                          \
        }                                                                                     \
        if (src != a)                                                                         \
            memcpy(a, src, (size_t)n * sizeof(U));                                            \
        free(tmp);                                                                            \
        return 0;                                                                             \
    }

DEFINE_RADIX(64, uint64_t)
DEFINE_RADIX(32, uint32_t)

#define RADIX_MIN 512

/* 64-bit items through radix64: kind 0 signed int, 1 float (no NaN) */
static int
radix_keys64(uint64_t *a, int64_t n, int is_flt)
{
    const uint64_t top = 1ULL << 63;
    int rc;
    for (int64_t i = 0; i < n; i++)
        a[i] = is_flt ? ((a[i] & top) ? ~a[i] : a[i] | top) : a[i] ^ top;
    rc = radix64(a, n);
    for (int64_t i = 0; i < n; i++)
        a[i] = is_flt ? ((a[i] & top) ? a[i] & ~top : ~a[i]) : a[i] ^ top;
    return rc;
}

static int
radix_keys32(uint32_t *a, int64_t n, int is_flt)
{
    const uint32_t top = 1U << 31;
    int rc;
    for (int64_t i = 0; i < n; i++)
        a[i] = is_flt ? ((a[i] & top) ? ~a[i] : a[i] | top) : a[i] ^ top;
    rc = radix32(a, n);
    for (int64_t i = 0; i < n; i++)
        a[i] = is_flt ? ((a[i] & top) ? a[i] & ~top : ~a[i]) : a[i] ^ top;
    return rc;
}

DEFINE_SORTS(b, uint8_t, INT_LT)
DEFINE_SORTS(i8, int8_t, INT_LT)
DEFINE_SORTS(i16, int16_t, INT_LT)
DEFINE_SORTS(i32, int32_t, INT_LT)
DEFINE_SORTS(i64, int64_t, INT_LT)
DEFINE_SORTS(u16, uint16_t, INT_LT)
DEFINE_SORTS(u32, uint32_t, INT_LT)
DEFINE_SORTS(u64, uint64_t, INT_LT)
DEFINE_SORTS(f32n, float, FLT_LT)
DEFINE_SORTS(f64n, double, FLT_LT)
/* value sorts of floats: the NaNs moved to the end first, then plain `<` */
DEFINE_SORTS(f32p, float, INT_LT)
DEFINE_SORTS(f64p, double, INT_LT)

#define DEFINE_NAN_LAST(SUF, T)                                                               \
    static int sort_##SUF(void *data, int64_t n, int stable)                                  \
    {                                                                                         \
        T *a = data;                                                                          \
        int64_t k = 0;                                                                        \
        for (int64_t i = 0; i < n; i++)                                                       \
            if (a[i] == a[i]) {                                                               \
                T t = a[k];                                                                   \
                a[k++] = a[i];                                                                \
                a[i] = t;                                                                     \
            }                                                                                 \
        if (k >= RADIX_MIN)                                                                   \
            return sizeof(T) == 8 ? radix_keys64((uint64_t *)a, k, 1)                         \
                                  : radix_keys32((uint32_t *)a, k, 1);                        \
        return sort_##SUF##p(a, k, stable);                                                   \
    }                                                                                         \
    static int argsort_##SUF(const void *v, int64_t *idx, int64_t n)                          \
    {                                                                                         \
        return argsort_##SUF##n(v, idx, n);                                                   \
    }

DEFINE_NAN_LAST(f32, float)
DEFINE_NAN_LAST(f64, double)

static int
sort_any(void *data, int32_t dt, int64_t n, int stable)
{
    switch (dt) {
    case JP_SDT_BOOL: case JP_SDT_U8: return sort_b(data, n, stable);
    case JP_SDT_I8: return sort_i8(data, n, stable);
    case JP_SDT_I16: return sort_i16(data, n, stable);
    case JP_SDT_I32: return n >= RADIX_MIN ? radix_keys32(data, n, 0) : sort_i32(data, n, stable);
    case JP_SDT_I64: return n >= RADIX_MIN ? radix_keys64(data, n, 0) : sort_i64(data, n, stable);
    case JP_SDT_U16: return sort_u16(data, n, stable);
    case JP_SDT_U32: return n >= RADIX_MIN ? radix32(data, n) : sort_u32(data, n, stable);
    case JP_SDT_U64: return n >= RADIX_MIN ? radix64(data, n) : sort_u64(data, n, stable);
    case JP_SDT_F32: return sort_f32(data, n, stable);
    default: return sort_f64(data, n, stable);
    }
}

static int
argsort_any(const void *v, int32_t dt, int64_t *idx, int64_t n)
{
    switch (dt) {
    case JP_SDT_BOOL: case JP_SDT_U8: return argsort_b(v, idx, n);
    case JP_SDT_I8: return argsort_i8(v, idx, n);
    case JP_SDT_I16: return argsort_i16(v, idx, n);
    case JP_SDT_I32: return argsort_i32(v, idx, n);
    case JP_SDT_I64: return argsort_i64(v, idx, n);
    case JP_SDT_U16: return argsort_u16(v, idx, n);
    case JP_SDT_U32: return argsort_u32(v, idx, n);
    case JP_SDT_U64: return argsort_u64(v, idx, n);
    case JP_SDT_F32: return argsort_f32(v, idx, n);
    default: return argsort_f64(v, idx, n);
    }
}

int32_t
jp_sort_rows(void *data, int32_t dt, int64_t nrows, int64_t rowlen, int32_t stable)
{
    char *p = data;
    for (int64_t r = 0; r < nrows; r++, p += rowlen * itemsizes[dt])
        if (sort_any(p, dt, rowlen, stable) < 0)
            return JP_SORT_ENOMEM;
    return 0;
}

/* Call fn(row start) for every row along the last axis of an n-d array. */
static int
each_row(const char *data, int64_t ndim, const int64_t *shape, const int64_t *strides,
         int (*fn)(void *ctx, const char *row, int64_t r), void *ctx)
{
    walk w;
    const char *p;
    int64_t r = 0;
    if (ndim == 0)
        return fn(ctx, data, 0);
    for (int64_t k = 0; k < ndim; k++)
        if (shape[k] == 0)
            return 0;
    walk_init(&w, data, ndim - 1, shape, strides);
    while ((p = walk_next(&w)) != NULL) {
        int rc = fn(ctx, p, r++);
        if (rc < 0)
            return rc;
    }
    return 0;
}

typedef struct row_ctx {
    int32_t dt, stable;
    int64_t len, stride;
    char *buf;
    int64_t *out;
} row_ctx;

static int
sort_row(void *vctx, const char *row, int64_t r)
{
    row_ctx *x = vctx;
    int64_t isz = itemsizes[x->dt];
    int rc;
    (void)r;
    if (x->stride == isz)
        return sort_any((void *)row, x->dt, x->len, x->stable);
    for (int64_t i = 0; i < x->len; i++)
        memcpy(x->buf + i * isz, row + i * x->stride, (size_t)isz);
    if ((rc = sort_any(x->buf, x->dt, x->len, x->stable)) < 0)
        return rc;
    for (int64_t i = 0; i < x->len; i++)
        memcpy((char *)row + i * x->stride, x->buf + i * isz, (size_t)isz);
    return 0;
}

int32_t
jp_sort_inplace(char *data, int32_t dt, int64_t ndim, const int64_t *shape, const int64_t *strides,
                int32_t stable)
{
    row_ctx x = {dt, stable, ndim ? shape[ndim - 1] : 1, ndim ? strides[ndim - 1] : 0, NULL, NULL};
    int rc;
    if ((x.buf = malloc((size_t)(x.len + 1) * 8)) == NULL)
        return JP_SORT_ENOMEM;
    rc = each_row(data, ndim, shape, strides, sort_row, &x);
    free(x.buf);
    return rc;
}

static int
argsort_row(void *vctx, const char *row, int64_t r)
{
    row_ctx *x = vctx;
    int64_t isz = itemsizes[x->dt];
    for (int64_t i = 0; i < x->len; i++)
        memcpy(x->buf + i * isz, row + i * x->stride, (size_t)isz);
    return argsort_any(x->buf, x->dt, x->out + r * x->len, x->len);
}

int32_t
jp_sort_argsort(int64_t *out, const char *src, int32_t dt, int64_t ndim, const int64_t *shape,
                const int64_t *strides, int32_t stable)
{
    row_ctx x = {dt, stable, ndim ? shape[ndim - 1] : 1, ndim ? strides[ndim - 1] : 0, NULL, out};
    int rc;
    if ((x.buf = malloc((size_t)(x.len + 1) * 8)) == NULL)
        return JP_SORT_ENOMEM;
    rc = each_row(src, ndim, shape, strides, argsort_row, &x);
    free(x.buf);
    return rc;
}

/* ---- quantiles -------------------------------------------------------------------- */

/* Rearrange a[0, n) so that a[k] is the k-th smallest (no NaN in a). */
static void
select_k(double *a, int64_t n, int64_t k)
{
    int64_t lo = 0, hi = n - 1;
    while (hi - lo > 16) {
        int64_t m = lo + (hi - lo) / 2, i = lo, j = hi;
        double p, t;
        if (a[m] < a[lo]) { t = a[m]; a[m] = a[lo]; a[lo] = t; }
        if (a[hi] < a[m]) { t = a[m]; a[m] = a[hi]; a[hi] = t; }
        if (a[m] < a[lo]) { t = a[m]; a[m] = a[lo]; a[lo] = t; }
        p = a[m];
        for (;;) {
            while (a[i] < p)
                i++;
            while (p < a[j])
                j--;
            if (i >= j)
                break;
            t = a[i]; a[i] = a[j]; a[j] = t;
            i++;
            j--;
        }
        if (k <= j)
            hi = j;
        else
            lo = j + 1;
    }
    ins_f64p(a + lo, hi - lo + 1);
}

/* the smallest item of a[from, n) */
static double
min_from(const double *a, int64_t from, int64_t n)
{
    double m = a[from];
    for (int64_t i = from + 1; i < n; i++)
        if (a[i] < m)
            m = a[i];
    return m;
}

int32_t
jp_sort_quantiles(double *out, const double *q, int64_t nq, const char *src, int32_t dt, int64_t ndim,
                  const int64_t *shape, const int64_t *strides, int32_t median, int32_t skipnan)
{
    walk w;
    const char *p;
    double *a;
    int64_t n = 0;
    int has_nan = 0;
    for (int64_t i = 0; i < nq; i++)
        if (!(q[i] >= 0.0 && q[i] <= 1.0))
            return JP_SORT_ERANGE;
    walk_init(&w, src, ndim, shape, strides);
    if (w.n == 0 && !median && !skipnan)
        return JP_SORT_EEMPTY;      /* NumPy's quantile of nothing is an IndexError */
    if ((a = malloc((size_t)(w.n + 1) * sizeof(double))) == NULL)
        return JP_SORT_ENOMEM;
    if (dt == JP_SDT_F64 && ndim == 1 && strides[0] == 8) {
        /* the common case: contiguous float64, copied without conversion */
        const double *s = (const double *)src;
        for (int64_t i = 0; i < w.n; i++) {
            double v = s[i];
            if (v != v) {
                has_nan = 1;
                if (skipnan)
                    continue;
            }
            a[n++] = v;
        }
    } else {
        while ((p = walk_next(&w)) != NULL) {
            double v = load_f(p, dt);
            if (v != v) {
                has_nan = 1;
                if (skipnan)
                    continue;
            }
            a[n++] = v;
        }
    }
    for (int64_t i = 0; i < nq; i++) {
        if (n == 0 || (has_nan && !skipnan)) {
            out[i] = NAN;
            continue;
        }
        if (median) {
            int64_t h = n / 2;
            select_k(a, n, h);
            if (n % 2)
                out[i] = a[h];
            else {
                /* the largest item below a[h] */
                double lo = a[0];
                for (int64_t j = 1; j < h; j++)
                    if (a[j] > lo)
                        lo = a[j];
                out[i] = (lo + a[h]) / 2.0;
            }
        } else {
            /* NumPy's 'linear' method: virtual index q * (n - 1) */
            double vi = q[i] * (double)(n - 1), g, lo, hi;
            int64_t k = (int64_t)floor(vi);
            if (k >= n - 1)
                k = n - 1;
            g = vi - (double)k;
            select_k(a, n, k);
            lo = a[k];
            hi = k + 1 < n ? min_from(a, k + 1, n) : lo;
            /* NumPy's _lerp: a + (b - a) * t, from the other end when t >= 0.5 */
            out[i] = g >= 0.5 ? hi - (hi - lo) * (1.0 - g) : lo + (hi - lo) * g;
            if (lo == hi)
                out[i] = lo;
        }
    }
    free(a);
    return 0;
}

/* ---- cumulative sums, differences ---------------------------------------------------- */

void
jp_sort_cumulate(void *dst, int32_t ddt, const char *src, int32_t sdt, int64_t ndim, const int64_t *shape,
                 const int64_t *strides, int32_t prod)
{
    walk w;
    const char *p;
    int64_t k = 0, isz = itemsizes[ddt];
    char *d = dst;
    walk_init(&w, src, ndim, shape, strides);
    if (ddt == JP_SDT_F32) {
        float acc = prod ? 1.0f : 0.0f;
        while ((p = walk_next(&w)) != NULL) {
            float v = (float)load_f(p, sdt);
            acc = prod ? acc * v : acc + v;
            ((float *)dst)[k++] = acc;
        }
    } else if (is_float(ddt)) {
        double acc = prod ? 1.0 : 0.0;
        while ((p = walk_next(&w)) != NULL) {
            double v = load_f(p, sdt);
            acc = prod ? acc * v : acc + v;
            ((double *)dst)[k++] = acc;
        }
    } else {
        /* integers wrap as NumPy's do: the arithmetic in uint64 */
        uint64_t acc = prod ? 1 : 0;
        while ((p = walk_next(&w)) != NULL) {
            uint64_t v = (uint64_t)load_i(p, sdt);
            acc = prod ? acc * v : acc + v;
            store(d, ddt, 0, (int64_t)acc, 0);
            d += isz;
        }
    }
}

int32_t
jp_sort_diff(void *dst, const char *src, int32_t dt, int64_t len, int64_t stride, int64_t n)
{
    int64_t isz = itemsizes[dt];
    char *buf;
    if (n >= len)
        return 0;
    if ((buf = malloc((size_t)(len + 1) * (size_t)isz)) == NULL)
        return JP_SORT_ENOMEM;
    for (int64_t i = 0; i < len; i++)
        memcpy(buf + i * isz, src + i * stride, (size_t)isz);
    for (int64_t r = 0; r < n; r++, len--) {
        for (int64_t i = 0; i + 1 < len; i++) {
            char *x = buf + i * isz, *y = x + isz;
            if (dt == JP_SDT_BOOL)
                *(uint8_t *)x = (*(uint8_t *)x != 0) != (*(uint8_t *)y != 0);
            else if (dt == JP_SDT_F32)
                *(float *)x = *(float *)y - *(float *)x;
            else if (dt == JP_SDT_F64)
                *(double *)x = *(double *)y - *(double *)x;
            else
                store(x, dt, 0, (int64_t)((uint64_t)load_i(y, dt) - (uint64_t)load_i(x, dt)), 0);
        }
    }
    memcpy(dst, buf, (size_t)(len * isz));
    free(buf);
    return 0;
}

/* ---- unique, searchsorted, digitize ------------------------------------------------------- */

int64_t
jp_sort_unique(void *data, int32_t dt, int64_t n)
{
    int64_t isz = itemsizes[dt], k = 0;
    char *a = data;
    if (n == 0)
        return 0;
    if (sort_any(data, dt, n, 0) < 0)
        return JP_SORT_ENOMEM;
    for (int64_t i = 0; i < n; i++) {
        const char *p = a + i * isz;
        if (k > 0) {
            const char *last = a + (k - 1) * isz;
            if (is_float(dt)) {
                double x = load_f(p, dt), y = load_f(last, dt);
                if (x == y || (x != x && y != y))
                    continue;
            } else if (memcmp(p, last, (size_t)isz) == 0 && dt != JP_SDT_BOOL) {
                continue;
            } else if (dt == JP_SDT_BOOL && (*p != 0) == (*last != 0)) {
                continue;
            }
        }
        memmove(a + k * isz, p, (size_t)isz);
        k++;
    }
    return k;
}

/* a < b with NaN last (as doubles) */
static int
lt_f(double a, double b)
{
    return a < b || (b != b && a == a);
}

static int64_t
search(const char *a, int32_t adt, int64_t alen, int64_t astride, const char *vp, int32_t vdt, int right)
{
    int64_t lo = 0, hi = alen;
    int u64 = adt == JP_SDT_U64 || vdt == JP_SDT_U64;
    int sgn = (adt >= JP_SDT_I8 && adt <= JP_SDT_I64) || (vdt >= JP_SDT_I8 && vdt <= JP_SDT_I64);
    if (u64 && !sgn && !is_float(adt) && !is_float(vdt)) {
        /* uint64 with unsigned or bool: compared unsigned */
        uint64_t v = (uint64_t)load_i(vp, vdt);
        while (lo < hi) {
            int64_t m = lo + (hi - lo) / 2;
            uint64_t x = (uint64_t)load_i(a + m * astride, adt);
            if (right ? !(v < x) : x < v)
                lo = m + 1;
            else
                hi = m;
        }
        return lo;
    }
    if (is_float(adt) || is_float(vdt) || u64) {
        /* NumPy promotes uint64 with a signed int to float64 */
        double v = load_f(vp, vdt);
        while (lo < hi) {
            int64_t m = lo + (hi - lo) / 2;
            double x = load_f(a + m * astride, adt);
            if (right ? !lt_f(v, x) : lt_f(x, v))
                lo = m + 1;
            else
                hi = m;
        }
    } else {
        int64_t v = load_i(vp, vdt);
        while (lo < hi) {
            int64_t m = lo + (hi - lo) / 2;
            int64_t x = load_i(a + m * astride, adt);
            if (right ? !(v < x) : x < v)
                lo = m + 1;
            else
                hi = m;
        }
    }
    return lo;
}

void
jp_sort_searchsorted(int64_t *out, const char *a, int32_t adt, int64_t alen, int64_t astride, const char *v,
                     int32_t vdt, int64_t ndim, const int64_t *shape, const int64_t *strides, int32_t right)
{
    walk w;
    const char *p;
    walk_init(&w, v, ndim, shape, strides);
    while ((p = walk_next(&w)) != NULL)
        *out++ = search(a, adt, alen, astride, p, vdt, right);
}

int32_t
jp_sort_digitize(int64_t *out, const char *bins, int32_t bdt, int64_t blen, int64_t bstride, const char *x,
                 int32_t xdt, int64_t ndim, const int64_t *shape, const int64_t *strides, int32_t right)
{
    int inc = 1, dec = 1;
    walk w;
    const char *p;
    /* NumPy's _monotonicity: non-decreasing or non-increasing, NaN-aware */
    for (int64_t i = 0; i + 1 < blen; i++) {
        double u = load_f(bins + i * bstride, bdt), v = load_f(bins + (i + 1) * bstride, bdt);
        if (lt_f(v, u))
            inc = 0;
        if (lt_f(u, v))
            dec = 0;
    }
    if (!inc && !dec)
        return JP_SORT_EMONO;
    walk_init(&w, x, ndim, shape, strides);
    while ((p = walk_next(&w)) != NULL) {
        if (inc)
            *out++ = search(bins, bdt, blen, bstride, p, xdt, !right);
        else
            *out++ = blen - search(bins + (blen - 1) * bstride, bdt, blen, -bstride, p, xdt, !right);
    }
    return 0;
}

/* ---- bincount, histogram -------------------------------------------------------------- */

int64_t
jp_sort_bincount_len(const int64_t *x, int64_t n, int64_t minlength)
{
    int64_t m = -1;
    for (int64_t i = 0; i < n; i++) {
        if (x[i] < 0)
            return JP_SORT_ENEG;
        if (x[i] > m)
            m = x[i];
    }
    return m + 1 > minlength ? m + 1 : minlength;
}

void
jp_sort_bincount(void *out, int32_t weighted, const int64_t *x, int64_t n, const double *w)
{
    for (int64_t i = 0; i < n; i++) {
        if (weighted)
            ((double *)out)[x[i]] += w[i];
        else
            ((int64_t *)out)[x[i]]++;
    }
}

int32_t
jp_sort_histogram(int64_t *hist, double *edges, int64_t nbins, const double *a, int64_t n, int32_t has_range,
                  double lo, double hi)
{
    double norm, step;
    if (!has_range) {
        if (n == 0) {
            lo = 0.0;
            hi = 1.0;
        } else {
            lo = hi = a[0];
            for (int64_t i = 0; i < n; i++) {
                if (a[i] != a[i])
                    return JP_SORT_ENONFINITE;
                if (a[i] < lo)
                    lo = a[i];
                if (a[i] > hi)
                    hi = a[i];
            }
        }
    } else if (lo > hi) {
        return JP_SORT_ERANGE;
    }
    if (!isfinite(lo) || !isfinite(hi))
        return JP_SORT_ENONFINITE;
    if (lo == hi) {
        lo -= 0.5;
        hi += 0.5;
    }
    /* np.linspace(lo, hi, nbins + 1) */
    step = (hi - lo) / (double)nbins;
    for (int64_t i = 0; i <= nbins; i++)
        edges[i] = step == 0.0 ? (double)i / (double)nbins * (hi - lo) + lo : (double)i * step + lo;
    edges[nbins] = hi;
    memset(hist, 0, (size_t)nbins * sizeof(int64_t));
    norm = (double)nbins / (hi - lo);
    for (int64_t i = 0; i < n; i++) {
        double v = a[i];
        int64_t k;
        if (!(v >= lo && v <= hi))
            continue;
        /* NumPy's _histogram fast path, with its edge corrections */
        k = (int64_t)((v - lo) * norm);
        if (k == nbins)
            k--;
        if (v < edges[k])
            k--;
        else if (v >= edges[k + 1] && k != nbins - 1)
            k++;
        hist[k]++;
    }
    return 0;
}

int32_t
jp_sort_histogram_edges(int64_t *hist, const double *edges, int64_t nedges, const double *a, int64_t n)
{
    for (int64_t i = 0; i + 1 < nedges; i++)
        if (edges[i + 1] < edges[i])
            return JP_SORT_EMONO;
    memset(hist, 0, (size_t)(nedges > 1 ? nedges - 1 : 0) * sizeof(int64_t));
    if (nedges < 2)
        return 0;
    for (int64_t i = 0; i < n; i++) {
        double v = a[i];
        int64_t lo = 0, hi = nedges;
        if (!(v >= edges[0] && v <= edges[nedges - 1]))
            continue;
        /* the last edge e with e <= v; v at the last edge goes to the last bin */
        while (lo < hi) {
            int64_t m = lo + (hi - lo) / 2;
            if (edges[m] <= v)
                lo = m + 1;
            else
                hi = m;
        }
        if (v == edges[nedges - 1])
            lo = nedges - 1;      /* the last bin is closed on the right */
        hist[lo - 1]++;
    }
    return 0;
}

/* ---- nan reductions -------------------------------------------------------------------- */

int32_t
jp_sort_nanreduce(double *f, int64_t *i, int32_t op, int64_t ddof, const char *src, int32_t dt, int64_t ndim,
                  const int64_t *shape, const int64_t *strides)
{
    walk w;
    const char *p;
    int64_t cnt = 0;
    walk_init(&w, src, ndim, shape, strides);
    if (!is_float(dt) && op <= JP_NAN_MAX) {
        uint64_t acc = op == JP_NAN_PROD ? 1 : 0;
        int64_t m = 0;
        while ((p = walk_next(&w)) != NULL) {
            int64_t v = load_i(p, dt);
            if (op == JP_NAN_SUM)
                acc += (uint64_t)v;
            else if (op == JP_NAN_PROD)
                acc *= (uint64_t)v;
            else if (cnt == 0 || (op == JP_NAN_MIN ? v < m : v > m))
                m = v;
            cnt++;
        }
        if (op >= JP_NAN_MIN && cnt == 0)
            return JP_SORT_EEMPTY;
        *i = op >= JP_NAN_MIN ? m : (int64_t)acc;
        return 0;
    }
    if (op <= JP_NAN_MAX) {
        double acc = op == JP_NAN_PROD ? 1.0 : 0.0, m = NAN;
        while ((p = walk_next(&w)) != NULL) {
            double v = load_f(p, dt);
            if (v != v)
                continue;
            if (op == JP_NAN_SUM)
                acc += v;
            else if (op == JP_NAN_PROD)
                acc *= v;
            else if (cnt == 0 || (op == JP_NAN_MIN ? v < m : v > m))
                m = v;
            cnt++;
        }
        if (op >= JP_NAN_MIN && w.n == 0)
            return JP_SORT_EEMPTY;
        *f = op >= JP_NAN_MIN ? m : acc;
        return 0;
    }
    {
        /* mean, var, std: two passes over the non-NaN items */
        double sum = 0.0, mean, ss = 0.0;
        while ((p = walk_next(&w)) != NULL) {
            double v = load_f(p, dt);
            if (v == v) {
                sum += v;
                cnt++;
            }
        }
        mean = sum / (double)cnt;
        if (op == JP_NAN_MEAN) {
            *f = cnt ? mean : NAN;
            return 0;
        }
        walk_init(&w, src, ndim, shape, strides);
        while ((p = walk_next(&w)) != NULL) {
            double v = load_f(p, dt);
            if (v == v)
                ss += (v - mean) * (v - mean);
        }
        /* integers go through np.var: ss / max(n - ddof, 0), inf (or 0/0) with no degrees left */
        if (cnt - ddof <= 0)
            *f = is_float(dt) ? NAN : ss / 0.0;
        else
            *f = ss / (double)(cnt - ddof);
        if (op == JP_NAN_STD)
            *f = sqrt(*f);
        return 0;
    }
}
