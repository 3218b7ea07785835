/* gpu/hsa/roc_intrinsics.h - typing (infer_roc.c) and lowering
 * (lower_roc.c) of jitprofile.roc's intrinsics.  `name` is the
 * intrinsic's name without "roc.": "get_global_id", "barrier",
 * "shared.array", "atomic.add", ... */
#ifndef JP_HSA_ROC_INTRINSICS_H
#define JP_HSA_ROC_INTRINSICS_H

#include "jit/infer.h"
#include "jit/lower.h"

jp_type *jp_infer_roc_value(ictx *c, jp_node *n, const char *name);
jp_type *jp_infer_roc_call(ictx *c, jp_node *call, const char *name);
LLVMValueRef jp_lower_roc_value(lctx *c, jp_node *n, const char *name);
LLVMValueRef jp_lower_roc_call(lctx *c, jp_node *call, const char *name);

#endif
