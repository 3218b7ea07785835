/* gpu/hsa/roc_target.h - the roc (HSA, AMD GPU) target's descriptor
 * (jit/target.h) and the hooks it is made of: intrinsics typed in
 * infer_roc.c, lowered in lower_roc.c, emission to a code object in
 * roc_compile.c (with codeobj.c); Python functions in roc_module.c,
 * the HSA runtime's in runtime_module.c (runtime.c).
 * Registered by gpu/targets.c. */
#ifndef JP_HSA_ROC_TARGET_H
#define JP_HSA_ROC_TARGET_H

#include "jit/target.h"

extern const jp_target jp_target_roc;

/* jitprofile.roc's intrinsics: call 0 the value n, call 1 the call n
 * (roc.get_global_id(0), roc.atomic.add(...)). */
jp_type *jp_roc_infer_intrinsic(struct ictx *c, jp_node *n, int call);
LLVMValueRef jp_roc_lower_intrinsic(struct lctx *c, jp_node *n, int call);

/* Adds roc_compile, roc_isas, roc_device_libs, ... to _core. */
int jp_roc_module_init(PyObject *m);
/* Adds the HSA runtime's roc_available, roc_malloc, roc_load, roc_launch,
 * ... to _core (runtime_module.c). */
int jp_roc_runtime_module_init(PyObject *m);

#endif
