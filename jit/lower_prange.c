/* jit/lower_prange.c - `for i in prange(...)` under parallel=True.
 *
 * The loop body is outlined into
 *   i32 @sym.prange.N(ptr env, i64 lo, i64 hi, i64 start, i64 step, ptr exc)
 * which runs iterations [lo, hi) of the range; env holds pointers to the
 * enclosing function's locals.  Variables the body assigns are private to
 * each chunk; a variable the body only updates with += / -= / *= or
 * x = min(x, ...) / max(...) is a reduction: each chunk accumulates from
 * the identity and adds its result into the shared variable under a lock.
 * jp_rt_prange (runtime.c) splits the range over the thread pool and
 * reports the first exception a chunk raised.
 */
#include "jit/lower.h"

#include <math.h>
#include <stdlib.h>

enum { PRIVATE = 1, RED_ADD, RED_MUL, RED_MIN, RED_MAX, SHARED_READ = 0 };

static void classify_block(jp_block *b, int *kind, int nlocals);

static void
mark_private(int *kind, jp_node *target)
{
    if (target->kind == E_LOCAL)
        kind[target->u.local.index] = PRIVATE;
    else if (target->kind == E_TUPLE)
        for (int i = 0; i < target->u.tuple.n; i++)
            mark_private(kind, target->u.tuple.elts[i]);
}

static int
reduction_of_assign(jp_node *s)
{
    jp_node *v = s->u.assign.value;
    int idx = s->u.assign.target->u.local.index;
    if (v->kind == E_BINOP) {      /* s = s + x, s = x + s, s = s - x, s = s * x */
        jp_node *l = v->u.binop.left, *r = v->u.binop.right;
        int left = l->kind == E_LOCAL && l->u.local.index == idx;
        int right = r->kind == E_LOCAL && r->u.local.index == idx;
        if (v->u.binop.op == OP_ADD && (left || right))
            return RED_ADD;
        if (v->u.binop.op == OP_SUB && left)
            return RED_ADD;
        if (v->u.binop.op == OP_MUL && (left || right))
            return RED_MUL;
    }
    if (v->kind == E_CALL && v->u.call.func->kind == E_CALLEE && v->u.call.func->u.callee.kind == CALLEE_BUILTIN
        && (v->u.call.func->u.callee.id == B_MIN || v->u.call.func->u.callee.id == B_MAX) && v->u.call.nargs == 2)
        for (int k = 0; k < 2; k++)
            if (v->u.call.args[k]->kind == E_LOCAL && v->u.call.args[k]->u.local.index == idx)
                return v->u.call.func->u.callee.id == B_MIN ? RED_MIN : RED_MAX;
    return PRIVATE;
}

static void
update(int *kind, int idx, int k)
{
    if (kind[idx] == SHARED_READ)
        kind[idx] = k;
    else if (kind[idx] != k)
        kind[idx] = PRIVATE;
}

static void
classify_stmt(jp_node *s, int *kind, int nlocals)
{
    switch (s->kind) {
    case S_ASSIGN:
        if (s->u.assign.target->kind == E_LOCAL)
            update(kind, s->u.assign.target->u.local.index, reduction_of_assign(s));
        else
            mark_private(kind, s->u.assign.target);
        break;
    case S_AUGASSIGN:
        if (s->u.augassign.target->kind == E_LOCAL) {
            jp_binop op = s->u.augassign.op;
            update(kind, s->u.augassign.target->u.local.index,
                   op == OP_ADD || op == OP_SUB ? RED_ADD : op == OP_MUL ? RED_MUL : PRIVATE);
        }
        break;
    case S_IF:
    case S_WHILE:
        classify_block(&s->u.cond.body, kind, nlocals);
        classify_block(&s->u.cond.orelse, kind, nlocals);
        break;
    case S_FOR:
        mark_private(kind, s->u.loop.target);
        classify_block(&s->u.loop.body, kind, nlocals);
        classify_block(&s->u.loop.orelse, kind, nlocals);
        break;
    default:
        break;
    }
}

static void
classify_block(jp_block *b, int *kind, int nlocals)
{
    for (int i = 0; i < b->n; i++)
        classify_stmt(b->stmts[i], kind, nlocals);
}

static LLVMValueRef
identity_of(lctx *c, int kind, jp_type *t)
{
    LLVMTypeRef lt = jp_llvm_type(c->ctx, t);
    switch (kind) {
    case RED_MUL:
        return jp_cast(c, jp_const_i64(c, 1), jp_type_int(64, 1), t);
    case RED_MIN:
    case RED_MAX:
        if (t->kind == JP_FLOAT)
            return LLVMConstReal(lt, kind == RED_MIN ? INFINITY : -INFINITY);
        if (t->kind == JP_INT)
            return kind == RED_MIN ? LLVMConstInt(lt, t->is_signed ? (~0ULL >> (65 - t->bits)) : ~0ULL, 0)
                                   : LLVMConstInt(lt, t->is_signed ? (1ULL << (t->bits - 1)) : 0, 0);
        return LLVMConstNull(lt);
    default:
        return LLVMConstNull(lt);
    }
}

static LLVMValueRef
combine(lctx *c, int kind, jp_type *t, LLVMValueRef shared, LLVMValueRef mine)
{
    switch (kind) {
    case RED_MUL:
        return jp_lower_binop(c, OP_MUL, shared, t, mine, t, t, NULL);
    case RED_MIN:
    case RED_MAX: {
        LLVMValueRef better = jp_lower_compare(c, kind == RED_MIN ? CMP_LT : CMP_GT, mine, t, shared, t);
        return LLVMBuildSelect(c->b, better, mine, shared, "");
    }
    default:
        return jp_lower_binop(c, OP_ADD, shared, t, mine, t, t, NULL);
    }
}

void
jp_lower_prange(lctx *c, jp_node *s, LLVMValueRef start, LLVMValueRef stop, LLVMValueRef step)
{
    static unsigned long counter;
    jp_func_ir *ir = c->ir;
    int n = ir->nlocals;
    int *kind = calloc((size_t)(n ? n : 1), sizeof(int));
    LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0), i64 = LLVMInt64TypeInContext(c->ctx);
    LLVMTypeRef i32 = LLVMInt32TypeInContext(c->ctx);
    LLVMTypeRef params[6] = {ptr, i64, i64, i64, i64, ptr};
    LLVMTypeRef fty = LLVMFunctionType(i32, params, 6, 0);
    LLVMTypeRef envt = LLVMArrayType2(ptr, (unsigned long long)(n ? n : 1));
    LLVMValueRef fn, env, status;
    LLVMBasicBlockRef saved_block = LLVMGetInsertBlock(c->b);
    LLVMMetadataRef saved_loc = LLVMGetCurrentDebugLocation2(c->b), saved_scope = jp_dbg_scope(c->dbg);
    lctx sub = *c;
    char name[512];

    classify_block(&s->u.loop.body, kind, n);
    mark_private(kind, s->u.loop.target);

    snprintf(name, sizeof name, "%s.prange.%lu", c->inst->symbol, ++counter);
    fn = LLVMAddFunction(c->mod, name, fty);
    {
        LLVMAttributeRef fp = LLVMCreateStringAttribute(c->ctx, "frame-pointer", 13, "all", 3);
        LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, fp);
    }

    /* ---- the outlined body ---- */
    sub.fn = fn;
    sub.exc = LLVMGetParam(fn, 5);
    sub.out = LLVMConstNull(ptr);
    sub.owned = sub.temps = NULL;
    sub.nowned = sub.cap_owned = sub.ntemps = sub.cap_temps = 0;
    sub.loop_depth = 0;
    sub.try_scope = NULL;       /* the outlined body is a function of its own */
    sub.gen = NULL;
    sub.out_held = NULL;
    sub.vars = calloc((size_t)(n ? n : 1), sizeof(LLVMValueRef));
    sub.defined = NULL;     /* the body's reads were checked when the loop was typed as a whole */
    LLVMPositionBuilderAtEnd(sub.b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    jp_dbg_begin_function(sub.dbg, sub.b, fn, name, ir->filename, s->line);
    for (int i = 0; i < n; i++) {
        jp_type *t = c->inst->var_types[i];
        LLVMValueRef shared = LLVMBuildLoad2(sub.b, ptr, LLVMBuildGEP2(sub.b, ptr, LLVMGetParam(fn, 0),
                                                                        (LLVMValueRef[]){jp_const_i64(&sub, i)}, 1, ""), "");
        if (kind[i] == SHARED_READ) {
            /* a copy of its value: no iteration assigns it, and a private
             * copy lets LLVM keep it in registers (array strides and data
             * pointers hoisted, the inner loops vectorised) where loads
             * through the env pointer might alias the arrays' stores.  Not
             * owned: the enclosing function holds the reference. */
            LLVMTypeRef lt = jp_llvm_type(c->ctx, t);
            sub.vars[i] = jp_alloca(&sub, lt, ir->local_names[i]);
            LLVMBuildStore(sub.b, LLVMBuildLoad2(sub.b, lt, shared, ""), sub.vars[i]);
            continue;
        }
        /* at the top of the entry block, where jp_own_slots expects the allocas */
        sub.vars[i] = jp_alloca(&sub, jp_llvm_type(c->ctx, t), ir->local_names[i]);
        if (kind[i] == PRIVATE && jp_type_is_managed(t))
            jp_own_slots(&sub, sub.vars[i], t);
        else if (kind[i] != PRIVATE)
            LLVMBuildStore(sub.b, identity_of(&sub, kind[i], t), sub.vars[i]);
    }
    {
        LLVMValueRef counter_slot = LLVMBuildAlloca(sub.b, i64, "k");
        LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(c->ctx, fn, "prange.head");
        LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(c->ctx, fn, "prange.body");
        LLVMBasicBlockRef latch = LLVMAppendBasicBlockInContext(c->ctx, fn, "prange.latch");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, fn, "prange.done");
        LLVMValueRef k, iv;
        LLVMBuildStore(sub.b, LLVMGetParam(fn, 1), counter_slot);
        LLVMBuildBr(sub.b, head);
        LLVMPositionBuilderAtEnd(sub.b, head);
        k = LLVMBuildLoad2(sub.b, i64, counter_slot, "");
        LLVMBuildCondBr(sub.b, LLVMBuildICmp(sub.b, LLVMIntSLT, k, LLVMGetParam(fn, 2), ""), body, done);
        LLVMPositionBuilderAtEnd(sub.b, body);
        iv = LLVMBuildAdd(sub.b, LLVMGetParam(fn, 3), LLVMBuildMul(sub.b, k, LLVMGetParam(fn, 4), ""), "");
        jp_store_target(&sub, s->u.loop.target, iv, jp_type_int(64, 1));
        sub.continue_bb[0] = latch;
        sub.break_bb[0] = done;
        sub.loop_depth = 1;
        jp_lower_block(&sub, &s->u.loop.body);
        c->failed |= sub.failed;
        sub.loop_depth = 0;
        if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(sub.b)))
            LLVMBuildBr(sub.b, latch);
        LLVMPositionBuilderAtEnd(sub.b, latch);
        LLVMBuildStore(sub.b, LLVMBuildNSWAdd(sub.b, LLVMBuildLoad2(sub.b, i64, counter_slot, ""),
                                              jp_const_i64(&sub, 1), ""), counter_slot);
        LLVMBuildBr(sub.b, head);
        LLVMPositionBuilderAtEnd(sub.b, done);
    }
    /* fold this chunk's reductions into the shared variables */
    {
        int any = 0;
        for (int i = 0; i < n; i++)
            any |= kind[i] >= RED_ADD;
        if (any)
            jp_call_extern(&sub, "jp_rt_prange_lock", LLVMVoidTypeInContext(c->ctx), NULL, 0);
        for (int i = 0; i < n; i++) {
            jp_type *t = c->inst->var_types[i];
            LLVMValueRef shared_ptr, mine, shared;
            if (kind[i] < RED_ADD)
                continue;
            shared_ptr = LLVMBuildLoad2(sub.b, ptr, LLVMBuildGEP2(sub.b, ptr, LLVMGetParam(fn, 0),
                                                                  (LLVMValueRef[]){jp_const_i64(&sub, i)}, 1, ""), "");
            mine = LLVMBuildLoad2(sub.b, jp_llvm_type(c->ctx, t), sub.vars[i], "");
            shared = LLVMBuildLoad2(sub.b, jp_llvm_type(c->ctx, t), shared_ptr, "");
            LLVMBuildStore(sub.b, combine(&sub, kind[i], t, shared, mine), shared_ptr);
        }
        if (any)
            jp_call_extern(&sub, "jp_rt_prange_unlock", LLVMVoidTypeInContext(c->ctx), NULL, 0);
    }
    jp_emit_exit_cleanup(&sub);
    LLVMBuildRet(sub.b, LLVMConstInt(i32, 0, 0));
    free(sub.vars);
    free(sub.owned);
    free(sub.temps);

    /* ---- the call site ---- */
    LLVMPositionBuilderAtEnd(c->b, saved_block);
    jp_dbg_set_scope(c->dbg, saved_scope);
    LLVMSetCurrentDebugLocation2(c->b, saved_loc);
    env = jp_alloca(c, envt, "prange.env");
    for (int i = 0; i < n; i++)
        LLVMBuildStore(c->b, c->vars[i], LLVMBuildGEP2(c->b, ptr, env, (LLVMValueRef[]){jp_const_i64(c, i)}, 1, ""));
    status = jp_call_extern(c, "jp_rt_prange", i32,
                            (LLVMValueRef[]){start, stop, step, fn, env, c->exc}, 6);
    {
        LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "prange.raised");
        LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "prange.ok");
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, status, LLVMConstInt(i32, 0, 0), ""), bad, ok);
        LLVMPositionBuilderAtEnd(c->b, bad);
        jp_emit_raised(c, LLVMConstInt(i32, 1, 0));
        LLVMPositionBuilderAtEnd(c->b, ok);
    }
    free(kind);
}
