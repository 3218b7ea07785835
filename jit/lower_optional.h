/* jit/lower_optional.h - Optional(T) values in compiled code (lower_optional.c). */
#ifndef JP_LOWER_OPTIONAL_H
#define JP_LOWER_OPTIONAL_H

#include "jit/lower.h"

/* None, T or Optional -> Optional, or Optional -> T (TypeError when None). */
LLVMValueRef jp_lower_optional_cast(lctx *c, LLVMValueRef v, jp_type *from, jp_type *to);
LLVMValueRef jp_lower_optional_unwrap(lctx *c, LLVMValueRef v, jp_type *from, jp_type *to);
LLVMValueRef jp_lower_optional_truth(lctx *c, LLVMValueRef v, jp_type *t);
/* a op b where either is Optional: is/==/!= compare the flags first */
LLVMValueRef jp_lower_optional_compare(lctx *c, jp_cmpop op, LLVMValueRef a, jp_type *ta,
                                       LLVMValueRef b, jp_type *tb);
/* Lower n, whose use typing unwrapped (inst->opt_natural[n->id]), and unwrap it. */
LLVMValueRef jp_lower_optional_expr(lctx *c, jp_node *n, LLVMValueRef (*lower_node)(lctx *, jp_node *));

#endif
