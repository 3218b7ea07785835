/* jit/lower_parallel.c - whole-array loops on the thread pool under parallel=True.
 *
 * jp_parallel_loop_nest is jp_loop_nest with the outer dimension split over
 * the thread pool: the nest is outlined into
 *   i32 @sym.parloop.N(ptr env, i64 lo, i64 hi, i64 start, i64 step, ptr exc)
 * (the prange body's signature, so jp_rt_prange in runtime.c runs it) which
 * runs outer iterations [lo, hi).  The loop body is ordinary lowering code
 * written against the values it reads from the enclosing function (array
 * structs, strides, extents): the caller names those "captures" by the
 * address of the variable holding them; they travel through env and, while
 * the body is generated inside the outlined function, each variable holds
 * its copy there (then its own value again).  A "reduction" is an alloca of
 * the enclosing function that the body accumulates into with + : each chunk
 * accumulates from zero in its own alloca and adds its result into the
 * shared one under jp_rt_prange_lock.
 *
 * Used by jp_elementwise (every fused array expression, a * b + c, np.sqrt(a)
 * ...) and by the whole-array reductions np.sum / a.sum() / np.mean
 * (lower_numpy.c).  Loops over fewer than JP_PAR_MIN_ELEMS elements call the
 * outlined function directly on the whole range: starting the pool costs
 * more than such a loop.
 */
#include "jit/lower.h"
#include "jit/lower_parallel.h"

#include <stdlib.h>

#define JP_PAR_MIN_ELEMS 32768

int
jp_parallel_enabled(lctx *c)
{
    return !c->gpu && c->opts && c->opts->parallel;
}

typedef struct outer_ctx {
    LLVMValueRef k;
    jp_elem_fn body;
    void *ctx;
} outer_ctx;

static void
inner_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    outer_ctx *o = vctx;
    LLVMValueRef full[32];
    full[0] = o->k;
    for (int d = 0; d < 31; d++)
        full[d + 1] = idx[d];
    o->body(c, o->ctx, full);
}

static LLVMValueRef
zero_of(lctx *c, jp_type *t)
{
    return jp_cast(c, jp_const_i64(c, 0), jp_type_int(64, 1), t);
}

void
jp_parallel_loop_nest(lctx *c, int ndim, LLVMValueRef *extent, jp_elem_fn body, void *ctx,
                      LLVMValueRef **caps, int ncaps, LLVMValueRef **reds, jp_type **red_types, int nreds)
{
    static unsigned long counter;
    LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0), i64 = LLVMInt64TypeInContext(c->ctx);
    LLVMTypeRef i32 = LLVMInt32TypeInContext(c->ctx);
    LLVMTypeRef params[6] = {ptr, i64, i64, i64, i64, ptr};
    LLVMTypeRef fty = LLVMFunctionType(i32, params, 6, 0);
    int nslots = ncaps + ndim + nreds;
    LLVMTypeRef *ftypes = malloc(sizeof(LLVMTypeRef) * (size_t)(nslots ? nslots : 1));
    LLVMValueRef *saved = malloc(sizeof(LLVMValueRef) * (size_t)(ncaps + nreds + 1));
    LLVMValueRef ext[32], fn, env, total, status_slot;
    LLVMTypeRef envt;
    LLVMBasicBlockRef saved_block = LLVMGetInsertBlock(c->b);
    LLVMMetadataRef saved_loc = LLVMGetCurrentDebugLocation2(c->b), saved_scope = jp_dbg_scope(c->dbg);
    lctx sub = *c;
    char name[512];

    for (int i = 0; i < ncaps; i++)
        ftypes[i] = LLVMTypeOf(*caps[i]);
    for (int d = 0; d < ndim; d++)
        ftypes[ncaps + d] = i64;
    for (int r = 0; r < nreds; r++)
        ftypes[ncaps + ndim + r] = ptr;
    envt = LLVMStructTypeInContext(c->ctx, ftypes, (unsigned)nslots, 0);

    snprintf(name, sizeof name, "%s.parloop.%lu", c->inst->symbol, ++counter);
    fn = LLVMAddFunction(c->mod, name, fty);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                            LLVMCreateStringAttribute(c->ctx, "frame-pointer", 13, "all", 3));

    /* ---- the outlined nest ---- */
    sub.fn = fn;
    sub.exc = LLVMGetParam(fn, 5);
    sub.out = LLVMConstNull(ptr);
    sub.owned = sub.temps = NULL;
    sub.nowned = sub.cap_owned = sub.ntemps = sub.cap_temps = 0;
    sub.loop_depth = 0;
    sub.vars = NULL;        /* the body reads captures only, never locals */
    sub.defined = NULL;
    sub.try_scope = NULL;   /* the outlined body is a function of its own */
    sub.gen = NULL;
    sub.out_held = NULL;
    LLVMPositionBuilderAtEnd(sub.b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    jp_dbg_begin_function(sub.dbg, sub.b, fn, name, c->ir->filename, c->at ? c->at->line : 1);
    {
        LLVMValueRef envp = LLVMGetParam(fn, 0);
        LLVMValueRef mine[32 + 1];
        LLVMValueRef counter_slot, k;
        LLVMBasicBlockRef head, bodyb, done;
        outer_ctx o = {NULL, body, ctx};
        for (int i = 0; i < ncaps; i++) {
            saved[i] = *caps[i];
            *caps[i] = LLVMBuildLoad2(sub.b, ftypes[i], LLVMBuildStructGEP2(sub.b, envt, envp, (unsigned)i, ""), "");
        }
        for (int d = 0; d < ndim; d++)
            ext[d] = LLVMBuildLoad2(sub.b, i64, LLVMBuildStructGEP2(sub.b, envt, envp, (unsigned)(ncaps + d), ""), "");
        for (int r = 0; r < nreds && r < 32; r++) {
            saved[ncaps + r] = *reds[r];
            mine[r] = jp_alloca(&sub, jp_llvm_type(c->ctx, red_types[r]), "chunk.acc");
            LLVMBuildStore(sub.b, zero_of(&sub, red_types[r]), mine[r]);
            *reds[r] = mine[r];
        }
        counter_slot = jp_alloca(&sub, i64, "k");
        head = LLVMAppendBasicBlockInContext(c->ctx, fn, "par.head");
        bodyb = LLVMAppendBasicBlockInContext(c->ctx, fn, "par.body");
        done = LLVMAppendBasicBlockInContext(c->ctx, fn, "par.done");
        LLVMBuildStore(sub.b, LLVMGetParam(fn, 1), counter_slot);
        LLVMBuildBr(sub.b, head);
        LLVMPositionBuilderAtEnd(sub.b, head);
        k = LLVMBuildLoad2(sub.b, i64, counter_slot, "");
        LLVMBuildCondBr(sub.b, LLVMBuildICmp(sub.b, LLVMIntSLT, k, LLVMGetParam(fn, 2), ""), bodyb, done);
        LLVMPositionBuilderAtEnd(sub.b, bodyb);
        o.k = k;
        jp_loop_nest(&sub, ndim - 1, ext + 1, inner_body, &o);
        LLVMBuildStore(sub.b, LLVMBuildNSWAdd(sub.b, LLVMBuildLoad2(sub.b, i64, counter_slot, ""),
                                              jp_const_i64(&sub, 1), ""), counter_slot);
        LLVMBuildBr(sub.b, head);
        LLVMPositionBuilderAtEnd(sub.b, done);
        if (nreds)
            jp_call_extern(&sub, "jp_rt_prange_lock", LLVMVoidTypeInContext(c->ctx), NULL, 0);
        for (int r = 0; r < nreds; r++) {
            LLVMTypeRef lt = jp_llvm_type(c->ctx, red_types[r]);
            LLVMValueRef shared = LLVMBuildLoad2(sub.b, ptr, LLVMBuildStructGEP2(sub.b, envt, envp,
                                                                                 (unsigned)(ncaps + ndim + r), ""), "");
            LLVMValueRef sum = jp_lower_binop(&sub, OP_ADD, LLVMBuildLoad2(sub.b, lt, shared, ""), red_types[r],
                                              LLVMBuildLoad2(sub.b, lt, mine[r], ""), red_types[r], red_types[r], NULL);
            LLVMBuildStore(sub.b, sum, shared);
        }
        if (nreds)
            jp_call_extern(&sub, "jp_rt_prange_unlock", LLVMVoidTypeInContext(c->ctx), NULL, 0);
        jp_emit_exit_cleanup(&sub);
        LLVMBuildRet(sub.b, LLVMConstInt(i32, 0, 0));
        for (int i = 0; i < ncaps; i++)
            *caps[i] = saved[i];
        for (int r = 0; r < nreds; r++)
            *reds[r] = saved[ncaps + r];
        c->failed |= sub.failed;
        free(sub.owned);
        free(sub.temps);
    }

    /* ---- the call site ---- */
    LLVMPositionBuilderAtEnd(c->b, saved_block);
    jp_dbg_set_scope(c->dbg, saved_scope);
    LLVMSetCurrentDebugLocation2(c->b, saved_loc);
    env = jp_alloca(c, envt, "par.env");
    for (int i = 0; i < ncaps; i++)
        LLVMBuildStore(c->b, *caps[i], LLVMBuildStructGEP2(c->b, envt, env, (unsigned)i, ""));
    total = jp_const_i64(c, 1);
    for (int d = 0; d < ndim; d++) {
        LLVMBuildStore(c->b, extent[d], LLVMBuildStructGEP2(c->b, envt, env, (unsigned)(ncaps + d), ""));
        total = LLVMBuildMul(c->b, total, extent[d], "");
    }
    for (int r = 0; r < nreds; r++)
        LLVMBuildStore(c->b, *reds[r], LLVMBuildStructGEP2(c->b, envt, env, (unsigned)(ncaps + ndim + r), ""));
    status_slot = jp_alloca(c, i32, "par.status");
    {
        LLVMBasicBlockRef small = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "par.serial");
        LLVMBasicBlockRef pool = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "par.pool");
        LLVMBasicBlockRef joined = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "par.joined");
        LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "par.raised");
        LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "par.ok");
        LLVMValueRef st;
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, total, jp_const_i64(c, JP_PAR_MIN_ELEMS), ""),
                        small, pool);
        LLVMPositionBuilderAtEnd(c->b, small);
        st = LLVMBuildCall2(c->b, fty, fn, (LLVMValueRef[]){env, jp_const_i64(c, 0), extent[0], jp_const_i64(c, 0),
                                                             jp_const_i64(c, 1), c->exc}, 6, "");
        LLVMBuildStore(c->b, st, status_slot);
        LLVMBuildBr(c->b, joined);
        LLVMPositionBuilderAtEnd(c->b, pool);
        st = jp_call_extern(c, "jp_rt_prange", i32,
                            (LLVMValueRef[]){jp_const_i64(c, 0), extent[0], jp_const_i64(c, 1), fn, env, c->exc}, 6);
        LLVMBuildStore(c->b, st, status_slot);
        LLVMBuildBr(c->b, joined);
        LLVMPositionBuilderAtEnd(c->b, joined);
        st = LLVMBuildLoad2(c->b, i32, status_slot, "");
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, st, LLVMConstInt(i32, 0, 0), ""), bad, ok);
        LLVMPositionBuilderAtEnd(c->b, bad);
        jp_emit_raised(c, LLVMConstInt(i32, 1, 0));
        LLVMPositionBuilderAtEnd(c->b, ok);
    }
    free(ftypes);
    free(saved);
}
