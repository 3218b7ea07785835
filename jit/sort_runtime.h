/* jit/sort_runtime.h - the C half of NumPy's sorting and statistics in jit
 * code (np.sort, argsort, median, quantile, unique, searchsorted, digitize,
 * bincount, histogram, cumsum, diff, the nan* reductions): lib_np_sort.c
 * types and lowers the calls, these functions do the work.
 *
 * An array is passed as (data, dtype code, ndim, shape, strides) and read in
 * C order; dtype codes are JP_SDT_*.  Functions that can fail return a
 * negative code (JP_SORT_ENOMEM, ...) that the caller turns into Python's
 * exception; none of them touches Python. */
#ifndef JP_SORT_RUNTIME_H
#define JP_SORT_RUNTIME_H

#include <stdint.h>

enum {
    JP_SDT_BOOL, JP_SDT_I8, JP_SDT_I16, JP_SDT_I32, JP_SDT_I64,
    JP_SDT_U8, JP_SDT_U16, JP_SDT_U32, JP_SDT_U64, JP_SDT_F32, JP_SDT_F64,
};

enum { JP_SORT_ENOMEM = -1, JP_SORT_ERANGE = -2, JP_SORT_EMONO = -3, JP_SORT_ENEG = -4,
       JP_SORT_ENONFINITE = -5, JP_SORT_EEMPTY = -6 };

/* nan-reduction operators */
enum { JP_NAN_SUM, JP_NAN_PROD, JP_NAN_MIN, JP_NAN_MAX, JP_NAN_MEAN, JP_NAN_VAR, JP_NAN_STD };

/* Copy src (any layout) into the C-contiguous dst, converting dtypes; the item count. */
int64_t jp_sort_gather(void *dst, int32_t ddt, const char *src, int32_t sdt, int64_t ndim,
                       const int64_t *shape, const int64_t *strides);
/* Sort each row of a C-contiguous block in place (NaN last); stable: merge sort. */
int32_t jp_sort_rows(void *data, int32_t dt, int64_t nrows, int64_t rowlen, int32_t stable);
/* Sort an array in place along its last axis (any strides). */
int32_t jp_sort_inplace(char *data, int32_t dt, int64_t ndim, const int64_t *shape, const int64_t *strides,
                        int32_t stable);
/* The indices that sort each row along the last axis, into the C-contiguous int64 out. */
int32_t jp_sort_argsort(int64_t *out, const char *src, int32_t dt, int64_t ndim, const int64_t *shape,
                        const int64_t *strides, int32_t stable);
/* NumPy's 'linear' quantiles (q in [0, 1]) of all items; median: the middle
 * mean as np.median; skipnan: nanmedian/nanquantile.  out[i] for q[i]. */
int32_t jp_sort_quantiles(double *out, const double *q, int64_t nq, const char *src, int32_t dt, int64_t ndim,
                          const int64_t *shape, const int64_t *strides, int32_t median, int32_t skipnan);
/* Running sum (prod) of all items in C order into the C-contiguous dst of type ddt. */
void jp_sort_cumulate(void *dst, int32_t ddt, const char *src, int32_t sdt, int64_t ndim, const int64_t *shape,
                      const int64_t *strides, int32_t prod);
/* n-th discrete difference of a 1-d array into dst (len - n items, same dtype). */
int32_t jp_sort_diff(void *dst, const char *src, int32_t dt, int64_t len, int64_t stride, int64_t n);
/* Sort a C-contiguous block and keep its distinct values (NaNs as one); the count. */
int64_t jp_sort_unique(void *data, int32_t dt, int64_t n);
/* searchsorted of each v item into the 1-d a; right: side='right'. */
void jp_sort_searchsorted(int64_t *out, const char *a, int32_t adt, int64_t alen, int64_t astride,
                          const char *v, int32_t vdt, int64_t ndim, const int64_t *shape,
                          const int64_t *strides, int32_t right);
/* np.digitize(x, bins, right) */
int32_t jp_sort_digitize(int64_t *out, const char *bins, int32_t bdt, int64_t blen, int64_t bstride,
                         const char *x, int32_t xdt, int64_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t right);
/* bincount: the output length (max + 1, at least minlength), or JP_SORT_ENEG */
int64_t jp_sort_bincount_len(const int64_t *x, int64_t n, int64_t minlength);
void jp_sort_bincount(void *out, int32_t weighted, const int64_t *x, int64_t n, const double *w);
/* histogram with nbins equal bins over [lo, hi] (has_range) or the data's range */
int32_t jp_sort_histogram(int64_t *hist, double *edges, int64_t nbins, const double *a, int64_t n,
                          int32_t has_range, double lo, double hi);
/* histogram over given edges (increasing) */
int32_t jp_sort_histogram_edges(int64_t *hist, const double *edges, int64_t nedges, const double *a, int64_t n);
/* nansum ... nanstd of all items: floats and mean/var/std in *f, integer sum/prod/min/max in *i */
int32_t jp_sort_nanreduce(double *f, int64_t *i, int32_t op, int64_t ddof, const char *src, int32_t dt,
                          int64_t ndim, const int64_t *shape, const int64_t *strides);

#endif
