/* jit/axis_stats_runtime.c - statistics along one axis (np.median(a, axis=k),
 * np.quantile, np.percentile, np.nanmedian, nansum ... nanstd): walks the
 * lanes along the axis in C order of the other axes and hands each lane, as
 * a 1-d (data, length, stride) view, to sort_runtime.c's whole-array
 * function, so a lane gives exactly what the whole-array call gives.  The
 * nan reductions of float arrays instead sweep the array once in C order,
 * adding each item into its lane's accumulator (the same items in the same
 * order per lane, without a strided walk per lane). */
#include "jit/axis_stats_runtime.h"
#include "jit/sort_runtime.h"

#include <math.h>
#include <stdlib.h>

static void
put(char *p, int32_t dt, double f, int64_t i, int use_f)
{
    switch (dt) {
    case JP_SDT_BOOL: *(uint8_t *)p = use_f ? f != 0 : i != 0; break;
    case JP_SDT_I8: *(int8_t *)p = (int8_t)i; break;
    case JP_SDT_I16: *(int16_t *)p = (int16_t)i; break;
    case JP_SDT_I32: *(int32_t *)p = (int32_t)i; break;
    case JP_SDT_I64: *(int64_t *)p = i; break;
    case JP_SDT_U8: *(uint8_t *)p = (uint8_t)i; break;
    case JP_SDT_U16: *(uint16_t *)p = (uint16_t)i; break;
    case JP_SDT_U32: *(uint32_t *)p = (uint32_t)i; break;
    case JP_SDT_U64: *(uint64_t *)p = (uint64_t)i; break;
    case JP_SDT_F32: *(float *)p = use_f ? (float)f : (float)i; break;
    default: *(double *)p = use_f ? f : (double)i; break;
    }
}

static int
item_size(int32_t dt)
{
    switch (dt) {
    case JP_SDT_BOOL: case JP_SDT_I8: case JP_SDT_U8: return 1;
    case JP_SDT_I16: case JP_SDT_U16: return 2;
    case JP_SDT_I32: case JP_SDT_U32: case JP_SDT_F32: return 4;
    default: return 8;
    }
}


/* every item of src in C order: v its value, o its lane (C order of the other axes) */
#define SWEEP(BODY)                                                                             \
    do {                                                                                        \
        int64_t idx_[32] = {0};                                                                 \
        for (int64_t outer_ = 0; outer_ < n_outer; outer_++) {                                  \
            const char *p_ = src;                                                               \
            int64_t o = 0;                                                                      \
            for (int64_t d_ = 0; d_ < last; d_++) {                                             \
                p_ += idx_[d_] * strides[d_];                                                   \
                o += idx_[d_] * ost[d_];                                                        \
            }                                                                                   \
            if (dt == JP_SDT_F64) {                                                             \
                for (int64_t j_ = 0; j_ < n_last; j_++, p_ += s_last, o += o_last) {            \
                    double v = *(const double *)p_;                                             \
                    BODY                                                                        \
                }                                                                               \
            } else {                                                                            \
                for (int64_t j_ = 0; j_ < n_last; j_++, p_ += s_last, o += o_last) {            \
                    double v = *(const float *)p_;                                              \
                    BODY                                                                        \
                }                                                                               \
            }                                                                                   \
            for (int64_t d_ = last - 1; d_ >= 0; d_--) {                                        \
                if (++idx_[d_] < shape[d_])                                                     \
                    break;                                                                      \
                idx_[d_] = 0;                                                                   \
            }                                                                                   \
        }                                                                                       \
    } while (0)

/* nansum ... nanstd of a float array along axis, in one sweep (two for var/std) */
static int32_t
sweep_nanreduce(char *out, int32_t odt, int32_t op, int64_t ddof, const char *src, int32_t dt, int64_t ndim,
                const int64_t *shape, const int64_t *strides, int64_t axis, int64_t lanes, int osz)
{
    int64_t ost[32], m = 1, last = ndim - 1, n_outer = 1, n_last = shape[last], s_last = strides[last], o_last;
    double *acc, *ss;
    int64_t *cnt;
    if ((op == JP_NAN_MIN || op == JP_NAN_MAX) && shape[axis] == 0 && lanes > 0)
        return JP_SORT_EEMPTY;
    for (int64_t d = ndim - 1; d >= 0; d--) {
        ost[d] = d == axis ? 0 : m;
        if (d != axis)
            m *= shape[d];
    }
    for (int64_t d = 0; d < last; d++)
        n_outer *= shape[d];
    if (n_last == 0)
        n_outer = 0;
    o_last = ost[last];
    if ((acc = malloc((size_t)(lanes + 1) * (2 * sizeof(double) + sizeof(int64_t)))) == NULL)
        return JP_SORT_ENOMEM;
    ss = acc + lanes + 1;
    cnt = (int64_t *)(ss + lanes + 1);
    for (int64_t o = 0; o < lanes; o++) {
        acc[o] = op == JP_NAN_PROD ? 1.0 : (op == JP_NAN_MIN || op == JP_NAN_MAX) ? NAN : 0.0;
        ss[o] = 0.0;
        cnt[o] = 0;
    }
    switch (op) {
    case JP_NAN_PROD:
        SWEEP(if (v == v) acc[o] *= v;);
        break;
    case JP_NAN_MIN:
        SWEEP(if (v == v) { if (cnt[o] == 0 || v < acc[o]) acc[o] = v; cnt[o]++; });
        break;
    case JP_NAN_MAX:
        SWEEP(if (v == v) { if (cnt[o] == 0 || v > acc[o]) acc[o] = v; cnt[o]++; });
        break;
    default:
        SWEEP(if (v == v) { acc[o] += v; cnt[o]++; });
        break;
    }
    if (op == JP_NAN_MEAN || op == JP_NAN_VAR || op == JP_NAN_STD)
        for (int64_t o = 0; o < lanes; o++)
            acc[o] = acc[o] / (double)cnt[o];       /* the mean (NaN for no items, as the whole-array code) */
    if (op == JP_NAN_VAR || op == JP_NAN_STD) {
        SWEEP(if (v == v) ss[o] += (v - acc[o]) * (v - acc[o]););
        for (int64_t o = 0; o < lanes; o++) {
            acc[o] = cnt[o] - ddof <= 0 ? NAN : ss[o] / (double)(cnt[o] - ddof);
            if (op == JP_NAN_STD)
                acc[o] = sqrt(acc[o]);
        }
    }
    for (int64_t o = 0; o < lanes; o++)
        put(out + o * osz, odt, acc[o], 0, 1);
    free(acc);
    return 0;
}

int32_t
jp_axis_stat(char *out, int32_t odt, int32_t kind, double q, int32_t op, int64_t ddof, const char *src,
             int32_t dt, int64_t ndim, const int64_t *shape, const int64_t *strides, int64_t axis)
{
    int64_t idx[32] = {0}, lanes = 1, len = shape[axis], stride = strides[axis];
    int osz = item_size(odt);
    int is_float = dt == JP_SDT_F32 || dt == JP_SDT_F64;

    if (kind == JP_AXS_QUANTILE || kind == JP_AXS_NANQUANTILE) {
        if (!(q >= 0.0 && q <= 1.0))
            return JP_SORT_ERANGE;
    }
    for (int64_t d = 0; d < ndim; d++)
        if (d != axis)
            lanes *= shape[d];
    if (kind == JP_AXS_NANREDUCE && is_float)
        return sweep_nanreduce(out, odt, op, ddof, src, dt, ndim, shape, strides, axis, lanes, osz);
    for (int64_t n = 0; n < lanes; n++) {
        const char *p = src;
        double f = 0.0;
        int64_t i = 0;
        int32_t rc;
        int use_f = 1;
        for (int64_t d = 0; d < ndim; d++)
            p += idx[d] * strides[d];
        if (kind == JP_AXS_NANREDUCE) {
            rc = jp_sort_nanreduce(&f, &i, op, ddof, p, dt, 1, &len, &stride);
            use_f = is_float || op > JP_NAN_MAX;
        } else {
            rc = jp_sort_quantiles(&f, &q, 1, p, dt, 1, &len, &stride,
                                   kind == JP_AXS_MEDIAN || kind == JP_AXS_NANMEDIAN,
                                   kind == JP_AXS_NANMEDIAN || kind == JP_AXS_NANQUANTILE);
        }
        if (rc < 0)
            return rc;
        put(out + n * osz, odt, f, i, use_f);
        /* the next lane: the other axes' index in C order */
        for (int64_t d = ndim - 1; d >= 0; d--) {
            if (d == axis)
                continue;
            if (++idx[d] < shape[d])
                break;
            idx[d] = 0;
        }
    }
    return 0;
}
