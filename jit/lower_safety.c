/* jit/lower_safety.c - guards lowering adds so that compiled code neither
 * crashes nor computes garbage:
 *   - overflow-checked size products (an array's byte count never wraps);
 *   - the C-stack guard before a call that can recurse (RecursionError, as
 *     CPython, instead of SIGSEGV);
 *   - raises whose message carries run-time values (runtime_safety.c formats);
 *   - a Python integer out of an integer array's bounds (NEP 50: OverflowError);
 *   - the internal error for a construct lowering does not handle, instead of
 *     an undef placeholder that would silently compute garbage.
 * The run-time halves live in runtime_safety.c. */
#include "jit/lower.h"
#include "jit/errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMTypeRef
i1t(lctx *c)
{
    return LLVMInt1TypeInContext(c->ctx);
}

/* ---- sizes -------------------------------------------------------------------------- */

LLVMValueRef
jp_checked_mul(lctx *c, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *overflow)
{
    LLVMTypeRef st = LLVMStructTypeInContext(c->ctx, (LLVMTypeRef[]){i64t(c), i1t(c)}, 2, 0);
    LLVMValueRef args[2] = {a, b};
    LLVMValueRef r = jp_call_extern(c, "llvm.smul.with.overflow.i64", st, args, 2);
    *overflow = LLVMBuildOr(c->b, *overflow, LLVMBuildExtractValue(c->b, r, 1, ""), "");
    return LLVMBuildExtractValue(c->b, r, 0, "");
}

LLVMValueRef
jp_size_overflows(lctx *c, LLVMValueRef *shape, int ndim, long long itemsize)
{
    /* as NumPy: the non-zero extents times the item size must fit an intp
     * (a zero extent does not hide the overflow of the others) */
    LLVMValueRef over = LLVMConstInt(i1t(c), 0, 0), total = jp_const_i64(c, itemsize ? itemsize : 1);
    for (int k = 0; k < ndim; k++) {
        LLVMValueRef zero = LLVMBuildICmp(c->b, LLVMIntEQ, shape[k], jp_const_i64(c, 0), "");
        total = jp_checked_mul(c, total, LLVMBuildSelect(c->b, zero, jp_const_i64(c, 1), shape[k], ""), &over);
    }
    return over;
}

/* ---- raises with run-time text -------------------------------------------------------- */

void
jp_check_dynamic(lctx *c, LLVMValueRef failed, PyObject *cls, const char *formatter, LLVMValueRef *args,
                 int nargs)
{
    LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0);
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "raise");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ok");
    LLVMValueRef msg;
    LLVMBuildCondBr(c->b, failed, bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    msg = jp_call_extern(c, formatter, ptr, args, nargs);
    LLVMBuildStore(c->b, jp_exception_class(c, cls), c->exc);
    LLVMBuildStore(c->b, msg, LLVMBuildGEP2(c->b, ptr, c->exc, (LLVMValueRef[]){jp_const_i64(c, 1)}, 1, ""));
    LLVMBuildStore(c->b, jp_const_i64(c, 0), LLVMBuildGEP2(c->b, ptr, c->exc, (LLVMValueRef[]){jp_const_i64(c, 2)}, 1, ""));
    jp_emit_raised(c, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 1, 0));
    LLVMPositionBuilderAtEnd(c->b, ok);
}

/* ---- Python integers and integer arrays ------------------------------------------------ */

void
jp_check_int_bounds(lctx *c, LLVMValueRef v, jp_type *vt, jp_type *dtype)
{
    LLVMValueRef x, bad;
    int b = dtype->bits;
    unsigned long long top;
    if (c->gpu || vt->kind != JP_INT || dtype->kind != JP_INT)
        return;
    if ((vt->is_signed == dtype->is_signed && vt->bits <= b) || (!vt->is_signed && dtype->is_signed && vt->bits < b))
        return;         /* always fits */
    x = vt->bits >= 64 ? v
        : vt->is_signed ? LLVMBuildSExt(c->b, v, i64t(c), "") : LLVMBuildZExt(c->b, v, i64t(c), "");
    top = dtype->is_signed ? (1ULL << (b - 1)) - 1 : b >= 64 ? ~0ULL : (1ULL << b) - 1;
    if (!vt->is_signed) {
        bad = LLVMBuildICmp(c->b, LLVMIntUGT, x, LLVMConstInt(i64t(c), top, 0), "");
    } else if (dtype->is_signed) {          /* b < 64 here */
        bad = LLVMBuildOr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, x, jp_const_i64(c, -(1LL << (b - 1))), ""),
                          LLVMBuildICmp(c->b, LLVMIntSGT, x, jp_const_i64(c, (long long)top), ""), "");
    } else {
        bad = LLVMBuildICmp(c->b, LLVMIntSLT, x, jp_const_i64(c, 0), "");
        if (b < 64)
            bad = LLVMBuildOr(c->b, bad, LLVMBuildICmp(c->b, LLVMIntSGT, x, jp_const_i64(c, (long long)top), ""), "");
    }
    {
        LLVMValueRef args[3] = {x, jp_const_i64(c, !vt->is_signed), jp_module_string(c, dtype->name)};
        jp_check_dynamic(c, bad, PyExc_OverflowError, "jp_rt_int_bounds_message", args, 3);
    }
}

/* ---- recursion ---------------------------------------------------------------------------- */

typedef struct seen_set {
    jp_instance **v;
    int n, cap;
} seen_set;

static int
reaches(jp_instance *from, jp_instance *target, seen_set *seen)
{
    if (from == target)
        return 1;
    if (from == NULL || from->callees == NULL || from->ir == NULL)
        return 0;
    for (int i = 0; i < seen->n; i++)
        if (seen->v[i] == from)
            return 0;
    if (seen->n == seen->cap) {
        int cap = seen->cap ? seen->cap * 2 : 16;
        jp_instance **grown = realloc(seen->v, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            return 1;       /* out of memory: guard anyway */
        seen->v = grown;
        seen->cap = cap;
    }
    seen->v[seen->n++] = from;
    for (int i = 0; i < from->ir->nnodes; i++)
        if (from->callees[i] && reaches(from->callees[i], target, seen))
            return 1;
    return 0;
}

void
jp_recursion_guard(lctx *c)
{
    seen_set seen = {NULL, 0, 0};
    int cycle = 0;
    if (c->gpu)
        return;
    for (int i = 0; i < c->ir->nnodes && !cycle; i++)
        if (c->inst->callees[i])
            cycle = reaches(c->inst->callees[i], c->inst, &seen);
    free(seen.v);
    if (!cycle)
        return;     /* not recursive: no guard, so no failure path, and inlining stays free */
    {
        /* Fast path, no call: the exception record every compiled function
         * receives lives in the frame that entered compiled code (the
         * dispatcher's), on this thread's stack; while this frame is less
         * than SHALLOW bytes below it the recursion is shallow.  Deeper (or
         * when the record is elsewhere: the difference is then huge) the
         * runtime compares with this thread's real stack bounds. */
        enum { SHALLOW = 16 << 10 };
        LLVMTypeRef i32 = LLVMInt32TypeInContext(c->ctx);
        LLVMValueRef zero = LLVMConstInt(i32, 0, 0);
        LLVMValueRef frame = jp_call_extern(c, "llvm.frameaddress.p0", LLVMPointerTypeInContext(c->ctx, 0), &zero, 1);
        LLVMValueRef used = LLVMBuildSub(c->b, LLVMBuildPtrToInt(c->b, c->exc, i64t(c), ""),
                                         LLVMBuildPtrToInt(c->b, frame, i64t(c), ""), "stack.used");
        LLVMBasicBlockRef deep = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "stack.deep");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "stack.ok");
        LLVMValueRef expect_args[2] = {LLVMBuildICmp(c->b, LLVMIntUGT, used, jp_const_i64(c, SHALLOW), ""),
                                       LLVMConstInt(i1t(c), 0, 0)};
        LLVMBuildCondBr(c->b, jp_call_extern(c, "llvm.expect.i1", i1t(c), expect_args, 2), deep, done);
        LLVMPositionBuilderAtEnd(c->b, deep);
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntNE, jp_call_extern(c, "jp_rt_stack_exhausted", i32, NULL, 0), zero, ""),
                 PyExc_RecursionError, "maximum recursion depth exceeded (the C stack of this thread is nearly full)");
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, done);
    }
}

/* ---- constructs lowering does not handle ----------------------------------------------------- */

LLVMValueRef
jp_lower_unhandled(lctx *c, LLVMTypeRef t, const char *fmt, ...)
{
    if (!c->failed) {
        char what[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        c->failed = 1;
        if (c->at)
            jp_error_at(JpInternalError, c->ir, c->at, "this is a bug in jitprofile, not in your code: please report it",
                        "internal compiler error: lowering does not handle %s", what);
        else
            jp_error_span(JpInternalError, c->ir, c->ir->def_line, 0, c->ir->def_line, 0,
                          "this is a bug in jitprofile, not in your code: please report it",
                          "internal compiler error: lowering does not handle %s", what);
    }
    /* the compile is abandoned (jp_lower_instance fails); the poison only
     * keeps the builder's operands well formed until then */
    return LLVMGetPoison(t);
}
