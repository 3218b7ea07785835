/* jit/runtime_safety.h - run-time helpers of the safety guards compiled code
 * calls by name (see runtime_safety.c; emitted by lower_safety.c). */
#ifndef JP_RUNTIME_SAFETY_H
#define JP_RUNTIME_SAFETY_H

#include <stdint.h>

/* Nonzero when the calling thread's C stack is nearly full (a recursive
 * call must raise RecursionError instead of going deeper). */
int jp_rt_stack_exhausted(void);
/* NumPy's texts, in a per-thread buffer valid until the next call. */
const char *jp_rt_reshape_message(int64_t size, const int64_t *shape, int64_t ndim);
const char *jp_rt_int_bounds_message(int64_t value, int64_t value_unsigned, const char *dtype);
const char *jp_rt_mask_mismatch_message(int64_t axis, int64_t size, int64_t mask_size);
const char *jp_rt_linspace_message(int64_t num);
/* A RuntimeWarning (takes the GIL). */
void jp_rt_warn(const char *text);

#endif
