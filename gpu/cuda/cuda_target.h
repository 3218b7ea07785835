/* gpu/cuda/cuda_target.h - the CUDA target's descriptor (jit/target.h) and
 * the hooks it is made of: intrinsics typed in infer_cuda.c, lowered in
 * lower_cuda.c, emission to PTX in ptx.c; Python functions in
 * cuda_module.c.  Registered by gpu/targets.c. */
#ifndef JP_CUDA_TARGET_H
#define JP_CUDA_TARGET_H

#include "jit/target.h"

extern const jp_target jp_target_cuda;

/* jitprofile.cuda's intrinsics: call 0 the value n (cuda.threadIdx.x),
 * call 1 the call n (cuda.grid(1), cuda.atomic.add(...)). */
jp_type *jp_cuda_infer_intrinsic(struct ictx *c, jp_node *n, int call);
LLVMValueRef jp_cuda_lower_intrinsic(struct lctx *c, jp_node *n, int call);

/* Adds cuda_compile, cuda_load, cuda_launch, ... to _core. */
int jp_cuda_module_init(PyObject *m);

#endif
