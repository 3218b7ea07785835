/* jit/lower_parallel.h - whole-array loops split over the thread pool under
 * parallel=True (lower_parallel.c). */
#ifndef JP_LOWER_PARALLEL_H
#define JP_LOWER_PARALLEL_H

#include "jit/lower.h"

/* Whether whole-array loops of this function run on the thread pool. */
int jp_parallel_enabled(lctx *c);

/* jp_loop_nest(c, ndim, extent, body, ctx) (ndim >= 1) with the outer
 * dimension split over the thread pool.  caps: the addresses of the
 * variables holding every value of the enclosing function the body reads
 * (each holds its copy inside the outlined loop while body is generated);
 * reds: allocas of the enclosing function the body only adds into (each
 * chunk adds into its own, then into the shared one under a lock). */
void jp_parallel_loop_nest(lctx *c, int ndim, LLVMValueRef *extent, jp_elem_fn body, void *ctx,
                           LLVMValueRef **caps, int ncaps, LLVMValueRef **reds, jp_type **red_types, int nreds);

#endif
