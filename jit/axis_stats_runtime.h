/* jit/axis_stats_runtime.h - np.median, quantile, percentile, nanmedian and
 * the nan* reductions along one axis of an n-d array: each lane along the
 * axis is reduced by sort_runtime.c's whole-array function, the results
 * written in C order of the remaining axes (lib_np_sort.c lowers the calls). */
#ifndef JP_AXIS_STATS_RUNTIME_H
#define JP_AXIS_STATS_RUNTIME_H

#include <stdint.h>

/* what each lane computes */
enum { JP_AXS_MEDIAN, JP_AXS_NANMEDIAN, JP_AXS_QUANTILE, JP_AXS_NANQUANTILE, JP_AXS_NANREDUCE };

/* Reduce src (ndim, shape, strides, dtype dt) along `axis` (0 <= axis < ndim)
 * into the C-contiguous out of dtype odt (one item per lane).  q: the
 * quantile in [0, 1] (quantile kinds); op, ddof: the nan reduction.  0, or
 * sort_runtime.h's negative error code. */
int32_t jp_axis_stat(char *out, int32_t odt, int32_t kind, double q, int32_t op, int64_t ddof, const char *src,
                     int32_t dt, int64_t ndim, const int64_t *shape, const int64_t *strides, int64_t axis);

#endif
