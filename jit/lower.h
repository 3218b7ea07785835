/* jit/lower.h - what the lowering files share: the per-function lowering
 * context and the helpers that turn typed IR into LLVM IR.  lower.c owns
 * statements and expressions; lower_ops.c the arithmetic with Python's
 * semantics; lower_math.c the math/cmath calls and builtins. */
#ifndef JP_LOWER_H
#define JP_LOWER_H

#include "jit/compiler.h"
#include "jit/debuginfo.h"

#include <llvm-c/Core.h>

typedef struct lctx {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    jp_instance *inst;
    jp_func_ir *ir;
    const jp_options *opts;
    LLVMValueRef fn, out, exc;
    LLVMValueRef *vars;             /* alloca per local */
    LLVMBasicBlockRef break_bb[64], continue_bb[64];
    int loop_depth;
    jp_dbg *dbg;                    /* debug locations (NULL: none) */
} lctx;

LLVMTypeRef jp_llvm_type(LLVMContextRef ctx, jp_type *t);
LLVMTypeRef jp_llvm_fn_type(LLVMContextRef ctx, jp_instance *inst);

/* helpers (lower.c) */
LLVMValueRef jp_lower_expr(lctx *c, jp_node *n);
LLVMValueRef jp_cast(lctx *c, LLVMValueRef v, jp_type *from, jp_type *to);
LLVMValueRef jp_truth(lctx *c, LLVMValueRef v, jp_type *t);
jp_type *jp_node_type(lctx *c, jp_node *n);
/* Branch to a raise of cls(msg) when `failed` (i1) is true. */
void jp_check(lctx *c, LLVMValueRef failed, PyObject *cls, const char *msg);
void jp_emit_raise(lctx *c, PyObject *cls, const char *msg);
/* A call to a runtime or libm function by name (declared on first use). */
LLVMValueRef jp_call_extern(lctx *c, const char *name, LLVMTypeRef ret,
                            LLVMValueRef *args, int nargs);
LLVMValueRef jp_const_f64(lctx *c, double v);
LLVMValueRef jp_const_i64(lctx *c, long long v);
LLVMValueRef jp_make_complex(lctx *c, jp_type *t, LLVMValueRef re, LLVMValueRef im);
LLVMValueRef jp_alloca(lctx *c, LLVMTypeRef t, const char *name);
LLVMValueRef jp_lower_pyconst(lctx *c, PyObject *value, jp_type *t);

/* arithmetic with Python semantics (lower_ops.c) */
LLVMValueRef jp_lower_binop(lctx *c, jp_binop op, LLVMValueRef a, jp_type *ta,
                            LLVMValueRef b, jp_type *tb, jp_type *result, jp_node *right);
LLVMValueRef jp_lower_compare(lctx *c, jp_cmpop op, LLVMValueRef a, jp_type *ta,
                              LLVMValueRef b, jp_type *tb);
LLVMValueRef jp_lower_float_to_int(lctx *c, LLVMValueRef v, jp_type *from);

/* math, cmath and builtin calls (lower_math.c) */
LLVMValueRef jp_lower_math_call(lctx *c, jp_node *n);
LLVMValueRef jp_lower_builtin_call(lctx *c, jp_node *n);

#endif
