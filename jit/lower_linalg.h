/* jit/lower_linalg.h - what the linear algebra lowering shares
 * (lower_linalg.c): work types, passing arrays to linalg_runtime.c,
 * turning its return codes into NumPy's exceptions, and dot/@ through
 * BLAS (called from lower_numpy.c's dot lowering). */
#ifndef JP_LOWER_LINALG_H
#define JP_LOWER_LINALG_H

#include "jit/lower.h"

/* the LAPACK work type (JP_LA_S/D/C/Z) for a result dtype */
int jp_la_work_type(jp_type *dtype);
/* the dtype of a work type (real: its real part's type) */
jp_type *jp_la_type(int t, int real);
/* (data, dtype code, [ndim,] shape *, strides *) of array v into out; the count */
int jp_la_operand(lctx *c, LLVMValueRef v, jp_type *t, int with_ndim, LLVMValueRef *out);
/* the same with the two dimensions of a 2-d array swapped (its transpose) */
int jp_la_operand_t(lctx *c, LLVMValueRef v, jp_type *t, LLVMValueRef *out);
/* a call to a linalg_runtime.c function (up to 24 arguments) */
LLVMValueRef jp_la_call(lctx *c, const char *name, LLVMTypeRef ret, LLVMValueRef *args, int n);
/* raise ValueError / MemoryError / RuntimeError when rc says so, and
 * numpy.linalg.LinAlgError when linalg (its class is a process address:
 * the code is then not written to the on-disk cache) */
void jp_la_check(lctx *c, LLVMValueRef rc, int linalg);
/* dot/@ of float or complex operands through BLAS; NULL (nothing emitted)
 * for integer results or when NumPy's BLAS lacks the routines */
LLVMValueRef jp_lower_dot_blas(lctx *c, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb, jp_type *rt,
                               int np_dot);
/* ValueError with NumPy's text when the contracted dimensions differ */
void jp_lower_dot_check(lctx *c, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb, int np_dot);

#endif
