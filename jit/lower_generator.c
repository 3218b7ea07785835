/* jit/lower_generator.c - generator functions as LLVM switched-resume
 * coroutines, and `for x in gen(...)` in jit code.
 *
 * A generator instance keeps the signature of every instance,
 * `i32 @sym(ptr out, ptr exc, args...)`, and its body is lowered as any
 * function's; three things differ (see generator.h for the state block):
 *   - jp_generator_begin, after the prologue: allocate the state, store it
 *     in *out (what the call returns), point c->out at the state's value
 *     slot and c->exc at its excinfo, begin the coroutine and suspend.
 *   - a yield stores the value and status 0 and suspends.
 *   - jp_generator_end rewrites every `ret i32 s` of the body into "status
 *     = s ? s : 2, go to the final suspend point".
 * LLVM's coroutine passes (CoroSplit, in every default<On> pipeline) then
 * build the state machine: the locals live across a yield move into a heap
 * frame, a resume function switches to the yield that suspended.
 * Destroying a coroutine suspended at a yield releases the references its
 * locals hold; at the final suspend point they are already released.
 */
#include "jit/lower.h"
#include "jit/generator.h"

typedef struct jp_gen_lower {
    LLVMValueRef id, handle, state;
    LLVMBasicBlockRef suspend;      /* coro.end; ret: the ramp's and resumes' way out */
    LLVMBasicBlockRef destroy_live; /* destroyed at a yield: release the locals */
    LLVMBasicBlockRef free_frame;
    LLVMValueRef out_param, exc_param;
} jp_gen_lower;

static LLVMTypeRef
ptrt(lctx *c)
{
    return LLVMPointerTypeInContext(c->ctx, 0);
}

static LLVMTypeRef
i8t(lctx *c)
{
    return LLVMInt8TypeInContext(c->ctx);
}

static LLVMValueRef
intrinsic(lctx *c, const char *name, LLVMTypeRef ret, LLVMTypeRef *params, unsigned n, LLVMValueRef *args)
{
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->mod, id, NULL, 0);
    LLVMTypeRef fty = LLVMFunctionType(ret, params, n, 0);
    return LLVMBuildCall2(c->b, fty, fn, args, n, "");
}

static LLVMValueRef
word_ptr(lctx *c, LLVMValueRef st, int word)
{
    return LLVMBuildGEP2(c->b, LLVMInt64TypeInContext(c->ctx), st, (LLVMValueRef[]){jp_const_i64(c, word)}, 1, "");
}

/* void @name(ptr h) { llvm.coro.resume/destroy(h) }: C-callable */
static LLVMValueRef
wrapper(lctx *c, const char *suffix, const char *intr)
{
    char name[512];
    LLVMTypeRef ptr = ptrt(c), vt = LLVMVoidTypeInContext(c->ctx);
    LLVMTypeRef fty = LLVMFunctionType(vt, &ptr, 1, 0);
    LLVMValueRef fn;
    LLVMBuilderRef b = LLVMCreateBuilderInContext(c->ctx), saved = c->b;
    snprintf(name, sizeof name, "%s.%s", c->inst->symbol, suffix);
    fn = LLVMAddFunction(c->mod, name, fty);
    LLVMSetLinkage(fn, LLVMPrivateLinkage);
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    c->b = b;
    {
        LLVMValueRef h = LLVMGetParam(fn, 0);
        intrinsic(c, intr, vt, &ptr, 1, &h);
    }
    LLVMBuildRetVoid(b);
    c->b = saved;
    LLVMDisposeBuilder(b);
    return fn;
}

/* Suspend (final: at the end); a resume continues at `resume` (NULL: never). */
static void
suspend(lctx *c, int final, LLVMBasicBlockRef resume, LLVMBasicBlockRef destroy)
{
    jp_gen_lower *g = c->gen;
    LLVMTypeRef params[2] = {LLVMTokenTypeInContext(c->ctx), LLVMInt1TypeInContext(c->ctx)};
    LLVMValueRef args[2] = {LLVMConstNull(params[0]), LLVMConstInt(params[1], (unsigned long long)final, 0)};
    LLVMValueRef s = intrinsic(c, "llvm.coro.suspend", i8t(c), params, 2, args), sw;
    if (resume == NULL) {
        resume = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.never");
        LLVMBasicBlockRef here = LLVMGetInsertBlock(c->b);
        LLVMPositionBuilderAtEnd(c->b, resume);
        LLVMBuildUnreachable(c->b);
        LLVMPositionBuilderAtEnd(c->b, here);
    }
    sw = LLVMBuildSwitch(c->b, s, g->suspend, 2);
    LLVMAddCase(sw, LLVMConstInt(i8t(c), 0, 0), resume);
    LLVMAddCase(sw, LLVMConstInt(i8t(c), 1, 0), destroy);
}

void
jp_generator_begin(lctx *c)
{
    jp_gen_lower *g = calloc(1, sizeof *g);
    LLVMTypeRef ptr = ptrt(c), i64 = LLVMInt64TypeInContext(c->ctx), i32 = LLVMInt32TypeInContext(c->ctx);
    LLVMTypeRef yt = jp_llvm_type(c->ctx, c->inst->ret->dtype);
    LLVMValueRef mi, st, mem, args[4];
    LLVMBasicBlockRef start, here;
    if (g == NULL) {
        jp_lower_unhandled(c, i8t(c), "out of memory");
        return;
    }
    c->gen = g;
    g->out_param = c->out;
    g->exc_param = c->exc;
    LLVMAddAttributeAtIndex(c->fn, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(c->ctx, LLVMGetEnumAttributeKindForName("presplitcoroutine", 17), 0));
    g->suspend = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.suspend");
    g->destroy_live = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.destroy");
    g->free_frame = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.free");

    /* the state: what the call returns */
    args[0] = LLVMSizeOf(yt);
    mi = jp_call_extern(c, "jp_rt_gen_new", ptr, args, 1);
    st = LLVMBuildLoad2(c->b, ptr, word_ptr(c, mi, 1), "gen.state");    /* mi->data */
    g->state = st;
    LLVMBuildStore(c->b, mi, c->out);
    c->out = LLVMBuildGEP2(c->b, i8t(c), st, (LLVMValueRef[]){jp_const_i64(c, JP_GEN_VALUE)}, 1, "gen.value");
    c->exc = word_ptr(c, st, JP_GEN_EXC);

    /* the coroutine */
    {
        LLVMTypeRef p[4] = {i32, ptr, ptr, ptr};
        args[0] = LLVMConstInt(i32, 16, 0);
        args[1] = args[2] = args[3] = LLVMConstNull(ptr);
        g->id = intrinsic(c, "llvm.coro.id", LLVMTokenTypeInContext(c->ctx), p, 4, args);
    }
    {
        LLVMValueRef size;
        unsigned id = LLVMLookupIntrinsicID("llvm.coro.size", 14);
        LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->mod, id, &i64, 1);
        size = LLVMBuildCall2(c->b, LLVMFunctionType(i64, NULL, 0, 0), fn, NULL, 0, "");
        mem = jp_call_extern(c, "jp_rt_gen_frame_alloc", ptr, &size, 1);
    }
    {
        LLVMTypeRef p[2] = {LLVMTokenTypeInContext(c->ctx), ptr};
        args[0] = g->id;
        args[1] = mem;
        g->handle = intrinsic(c, "llvm.coro.begin", ptr, p, 2, args);
    }
    LLVMBuildStore(c->b, g->handle, word_ptr(c, st, JP_GEN_HANDLE));
    LLVMBuildStore(c->b, wrapper(c, "resume", "llvm.coro.resume"), word_ptr(c, st, JP_GEN_RESUME));
    LLVMBuildStore(c->b, wrapper(c, "destroy", "llvm.coro.destroy"), word_ptr(c, st, JP_GEN_DESTROY));

    /* the shared way out: the ramp returns 0 (the state is in *out) */
    here = LLVMGetInsertBlock(c->b);
    LLVMPositionBuilderAtEnd(c->b, g->suspend);
    {
        LLVMTypeRef p[3] = {ptr, LLVMInt1TypeInContext(c->ctx), LLVMTokenTypeInContext(c->ctx)};
        LLVMValueRef a[3] = {g->handle, LLVMConstInt(p[1], 0, 0), LLVMConstNull(p[2])};
        intrinsic(c, "llvm.coro.end", LLVMInt1TypeInContext(c->ctx), p, 3, a);
        LLVMBuildRet(c->b, LLVMConstInt(i32, 0, 0));
    }
    LLVMPositionBuilderAtEnd(c->b, g->free_frame);
    {
        LLVMTypeRef p[2] = {LLVMTokenTypeInContext(c->ctx), ptr};
        LLVMValueRef a[2] = {g->id, g->handle};
        LLVMValueRef frame = intrinsic(c, "llvm.coro.free", ptr, p, 2, a);
        jp_call_extern(c, "jp_rt_gen_frame_free", LLVMVoidTypeInContext(c->ctx), &frame, 1);
        LLVMBuildBr(c->b, g->suspend);
    }
    LLVMPositionBuilderAtEnd(c->b, here);

    /* a generator starts suspended, before its first statement */
    start = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.start");
    suspend(c, 0, start, g->destroy_live);
    LLVMPositionBuilderAtEnd(c->b, start);
}

LLVMValueRef
jp_lower_yield(lctx *c, jp_node *n)
{
    jp_gen_lower *g = c->gen;
    jp_type *yt = c->inst->ret->dtype;
    LLVMBasicBlockRef resume;
    if (g == NULL)
        return jp_lower_unhandled(c, i8t(c), "yield outside a generator");
    if (n->u.expr.value && yt->kind != JP_NONE) {
        LLVMValueRef v = jp_cast(c, jp_lower_expr(c, n->u.expr.value), jp_node_type(c, n->u.expr.value), yt);
        if (jp_type_is_managed(yt))
            jp_incref(c, v, yt);            /* the consumer's reference */
        LLVMBuildStore(c->b, v, c->out);
    } else if (n->u.expr.value) {
        jp_lower_expr(c, n->u.expr.value);
    }
    LLVMBuildStore(c->b, jp_const_i64(c, 0), word_ptr(c, g->state, JP_GEN_STATUS));
    resume = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.resume");
    suspend(c, 0, resume, g->destroy_live);
    LLVMPositionBuilderAtEnd(c->b, resume);
    return LLVMConstInt(i8t(c), 0, 0);      /* None */
}

void
jp_generator_end(lctx *c)
{
    jp_gen_lower *g = c->gen;
    LLVMBasicBlockRef final;
    LLVMTypeRef i64 = LLVMInt64TypeInContext(c->ctx);
    if (g == NULL)
        return;
    final = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.final");
    /* every return of the body (0: the end, 1: an exception) ends here */
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(c->fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
        LLVMValueRef term = LLVMGetBasicBlockTerminator(bb), status;
        if (bb == g->suspend || term == NULL || LLVMGetInstructionOpcode(term) != LLVMRet)
            continue;
        status = LLVMGetOperand(term, 0);
        LLVMInstructionEraseFromParent(term);
        LLVMPositionBuilderAtEnd(c->b, bb);
        status = LLVMBuildZExt(c->b, status, i64, "");
        status = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, status, jp_const_i64(c, 0), ""),
                                 jp_const_i64(c, 2), status, "");
        LLVMBuildStore(c->b, status, word_ptr(c, g->state, JP_GEN_STATUS));
        LLVMBuildBr(c->b, final);
    }
    LLVMPositionBuilderAtEnd(c->b, final);
    suspend(c, 1, NULL, g->free_frame);
    LLVMPositionBuilderAtEnd(c->b, g->destroy_live);
    jp_emit_exit_cleanup(c);            /* the locals an unfinished generator holds */
    LLVMBuildBr(c->b, g->free_frame);
    c->out = g->out_param;
    c->exc = g->exc_param;
    c->gen = NULL;
    free(g);
}

/* ---- for x in gen(...), sum(gen(...)), list(gen(...)) ... ------------------------------- */

typedef void (*item_fn)(lctx *c, void *ctx, LLVMValueRef v, jp_type *vt);

/* Iterate the generator `it` evaluates to: each item goes to the loop
 * statement s (target, body with break/continue, else) or, s NULL, to fn. */
static void
iterate(lctx *c, jp_node *it, jp_node *s, item_fn fn, void *ctx)
{
    jp_type *gt = jp_node_type(c, it), *yt = gt->dtype;
    LLVMTypeRef ptr = ptrt(c), i32 = LLVMInt32TypeInContext(c->ctx);
    LLVMValueRef slot, st, status, sw;
    LLVMBasicBlockRef head, body, raised, orelse, done;
    int mark = c->ntemps;

    /* hold the generator for the whole loop in a hidden owned slot */
    {
        LLVMValueRef mi = jp_lower_expr(c, it);
        slot = jp_alloca(c, ptr, "gen.iter");
        jp_own_slots(c, slot, gt);
        jp_incref(c, mi, gt);
        LLVMBuildStore(c->b, mi, slot);
        jp_release_temps(c, mark);
    }
    head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.next");
    body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.body");
    raised = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.raised");
    orelse = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.else");
    done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gen.done");
    LLVMBuildBr(c->b, head);

    LLVMPositionBuilderAtEnd(c->b, head);
    st = LLVMBuildLoad2(c->b, ptr, word_ptr(c, LLVMBuildLoad2(c->b, ptr, slot, ""), 1), "gen.state");
    status = jp_call_extern(c, "jp_rt_gen_next", i32, &st, 1);
    sw = LLVMBuildSwitch(c->b, status, orelse, 2);
    LLVMAddCase(sw, LLVMConstInt(i32, 0, 0), body);
    LLVMAddCase(sw, LLVMConstInt(i32, 1, 0), raised);

    LLVMPositionBuilderAtEnd(c->b, raised);
    {
        /* the generator's exception is now this function's */
        LLVMTypeRef et = LLVMArrayType2(LLVMInt64TypeInContext(c->ctx), 6);
        LLVMValueRef src = word_ptr(c, st, JP_GEN_EXC);
        LLVMBuildStore(c->b, LLVMBuildLoad2(c->b, et, src, ""), c->exc);
        LLVMBuildStore(c->b, LLVMConstNull(ptr), src);
        jp_emit_raised(c, LLVMConstInt(i32, 1, 0));
    }

    LLVMPositionBuilderAtEnd(c->b, body);
    {
        int m = c->ntemps;
        LLVMValueRef vp = LLVMBuildGEP2(c->b, i8t(c), st, (LLVMValueRef[]){jp_const_i64(c, JP_GEN_VALUE)}, 1, "");
        LLVMValueRef v = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, yt), vp, "gen.item");
        if (jp_type_is_managed(yt))
            jp_register_temp(c, v, yt);     /* the reference the yield made */
        if (s)
            jp_store_target(c, s->u.loop.target, v, yt);
        else
            fn(c, ctx, v, yt);
        jp_release_temps(c, m);
    }
    if (s) {
        c->break_bb[c->loop_depth] = done;
        c->continue_bb[c->loop_depth] = head;
        c->loop_depth++;
        jp_lower_block(c, &s->u.loop.body);
        c->loop_depth--;
    }
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, head);

    LLVMPositionBuilderAtEnd(c->b, orelse);
    if (s)
        jp_lower_block(c, &s->u.loop.orelse);
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    jp_decref(c, LLVMBuildLoad2(c->b, ptr, slot, ""), gt);
    LLVMBuildStore(c->b, LLVMConstNull(ptr), slot);
}

void
jp_lower_generator_for(lctx *c, jp_node *s)
{
    iterate(c, s->u.loop.iter, s, NULL, NULL);
}

void
jp_lower_generator_each(lctx *c, jp_node *it, void (*fn)(lctx *, void *, LLVMValueRef, jp_type *), void *ctx)
{
    iterate(c, it, NULL, fn, ctx);
}
