/* jit/axis_stats_runtime.c - statistics along one axis (np.median(a, axis=k),
 * np.quantile, np.percentile, np.nanmedian, nansum ... nanstd): walks the
 * lanes along the axis in C order of the other axes and hands each lane, as
 * a 1-d (data, length, stride) view, to sort_runtime.c's whole-array
 * function, so a lane gives exactly what the whole-array call gives. */
#include "jit/axis_stats_runtime.h"
#include "jit/sort_runtime.h"

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
