/* jit/lower_try.c - try/except/else/finally, bare `raise`, and every
 * raise's way out of a function (jp_emit_raised).
 *
 * Compiled code has no unwinding: a raise writes *exc and returns 1 (see
 * lower.c).  Inside a try statement the raise branches instead to the
 * landing block of the innermost scope (a jp_try_scope, a stack on the C
 * stack while the statement is lowered):
 *   EXCEPT    the try body of a statement with except clauses: the landing
 *             copies *exc into `caught` and tests the clauses in order;
 *             no match goes on to the enclosing scope.
 *   HANDLER   an except clause's body: owns `caught` (released when the
 *             body ends, raises, breaks or returns; a bare raise moves it
 *             back to *exc).
 *   FINALLY   the body, handlers and else of a statement with `finally`:
 *             every way out (falling through, an exception, return, break,
 *             continue) stores a code in `why` and runs the one copy of the
 *             finally block, which then switches on `why`.  The exception
 *             waits in `pending` meanwhile.
 *   FINALBODY the finally block itself: owns `pending` like a handler.
 * A returned array or list waits in *out while finally blocks run
 * (c->out_held): a later return replaces it, a raise drops it.
 * A raise releases the temporaries and hidden loop references made since
 * its scope began (locals stay: they outlive the exception).
 */
#include "jit/lower.h"

#include <stdlib.h>
#include <string.h>

typedef enum { SCOPE_EXCEPT, SCOPE_HANDLER, SCOPE_FINALLY, SCOPE_FINALBODY } scope_kind;

typedef struct jp_try_scope {
    struct jp_try_scope *outer;
    scope_kind kind;
    LLVMBasicBlockRef landing;      /* where an exception raised in the scope goes */
    int temp_mark, owned_mark;      /* c->ntemps, c->nowned when the scope began */
    int loop_depth;                 /* c->loop_depth when the scope began */
    LLVMValueRef caught;            /* HANDLER/FINALBODY: the excinfo it owns */
    /* FINALLY */
    LLVMValueRef why;               /* i32: 0 fell through, 1 exception, 2+k exits[k] */
    LLVMBasicBlockRef final_bb;
    LLVMBasicBlockRef *exits;
    int nexits, cap_exits;
} jp_try_scope;

#define EXC_WORDS 6                 /* sizeof(jp_excinfo) / 8 */

static LLVMTypeRef
exc_type(lctx *c)
{
    return LLVMArrayType2(LLVMInt64TypeInContext(c->ctx), EXC_WORDS);
}

static LLVMTypeRef
ptr_type(lctx *c)
{
    return LLVMPointerTypeInContext(c->ctx, 0);
}

static LLVMValueRef
i32_const(lctx *c, int v)
{
    return LLVMConstInt(LLVMInt32TypeInContext(c->ctx), (unsigned long long)v, 0);
}

static void
copy_exc(lctx *c, LLVMValueRef to, LLVMValueRef from)
{
    LLVMBuildStore(c->b, LLVMBuildLoad2(c->b, exc_type(c), from, ""), to);
}

static void
clear_exc(lctx *c, LLVMValueRef e)
{
    LLVMBuildStore(c->b, LLVMConstNull(ptr_type(c)), e);     /* cls */
}

/* Drop the exception in excinfo e: only an objmode exception object needs
 * the run time (a reference to release); the others are cleared inline. */
static void
release_exc(lctx *c, LLVMValueRef e)
{
    LLVMTypeRef i64 = LLVMInt64TypeInContext(c->ctx);
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "exc.release");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "exc.released");
    LLVMValueRef format = LLVMBuildLoad2(c->b, i64, LLVMBuildGEP2(c->b, i64, e, (LLVMValueRef[]){jp_const_i64(c, 2)}, 1, ""), "");
    LLVMValueRef cls = LLVMBuildLoad2(c->b, ptr_type(c), e, "");
    LLVMValueRef pending = LLVMBuildAnd(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, format, jp_const_i64(c, JP_EXC_PENDING), ""),
                                        LLVMBuildIsNotNull(c->b, cls, ""), "");
    LLVMBuildCondBr(c->b, pending, slow, done);
    LLVMPositionBuilderAtEnd(c->b, slow);
    jp_call_extern(c, "jp_rt_exc_release", LLVMVoidTypeInContext(c->ctx), &e, 1);
    LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    clear_exc(c, e);
}

static void
scope_begin(lctx *c, jp_try_scope *s, scope_kind kind, const char *landing)
{
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->outer = c->try_scope;
    s->temp_mark = c->ntemps;
    s->owned_mark = c->nowned;
    s->loop_depth = c->loop_depth;
    s->landing = LLVMAppendBasicBlockInContext(c->ctx, c->fn, landing);
    c->try_scope = s;
}

static void
release_slots(lctx *c, LLVMValueRef *slots, int from, int to)
{
    for (int i = from; i < to; i++) {
        LLVMValueRef mi = LLVMBuildLoad2(c->b, ptr_type(c), slots[i], "");
        LLVMBuildStore(c->b, LLVMConstNull(ptr_type(c)), slots[i]);
        jp_call_extern(c, "jp_nrt_decref", LLVMVoidTypeInContext(c->ctx), &mi, 1);
    }
}

/* The exception is in *exc: to scope s's landing (releasing the references
 * made since s began, up to the marks given), or out of the function. */
/* A returned reference *out holds is dropped (the function raises after a
 * return, from a finally block). */
static void
drop_held_return(lctx *c)
{
    jp_type *rt = c->inst->ret;
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);
    LLVMBasicBlockRef drop = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ret.drop");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ret.kept");
    LLVMBuildCondBr(c->b, LLVMBuildLoad2(c->b, i1, c->out_held, ""), drop, done);
    LLVMPositionBuilderAtEnd(c->b, drop);
    jp_decref(c, LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, rt), c->out, ""), rt);
    LLVMBuildStore(c->b, LLVMConstInt(i1, 0, 0), c->out_held);
    LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
}

void
jp_try_store_return(lctx *c, LLVMValueRef v, jp_type *rt)
{
    if (c->out_held && jp_type_is_managed(rt)) {
        drop_held_return(c);        /* a finally block's return replaces an earlier one */
        LLVMBuildStore(c->b, v, c->out);
        LLVMBuildStore(c->b, LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0), c->out_held);
        return;
    }
    LLVMBuildStore(c->b, v, c->out);
}

static void
raise_to(lctx *c, jp_try_scope *s, int temps_to, int owned_to, LLVMValueRef status)
{
    if (s == NULL) {
        if (c->out_held)
            drop_held_return(c);
        jp_emit_exit_cleanup(c);
        LLVMBuildRet(c->b, status);
        return;
    }
    if (!c->gpu) {
        release_slots(c, c->temps, s->temp_mark, temps_to);
        release_slots(c, c->owned, s->owned_mark, owned_to);
    }
    LLVMBuildBr(c->b, s->landing);
}

void
jp_emit_raised(lctx *c, LLVMValueRef status)
{
    raise_to(c, c->try_scope, c->ntemps, c->nowned, status);
}

/* ---- leaving scopes by return, break or continue ------------------------------------- */

static int
add_exit(jp_try_scope *s, LLVMBasicBlockRef bb)
{
    if (s->nexits == s->cap_exits) {
        int cap = s->cap_exits ? 2 * s->cap_exits : 8;
        LLVMBasicBlockRef *p = realloc(s->exits, (size_t)cap * sizeof *p);
        if (p == NULL)
            return -1;
        s->exits = p;
        s->cap_exits = cap;
    }
    s->exits[s->nexits++] = bb;
    return s->nexits + 1;           /* its `why` code */
}

/* Leave every scope from the innermost up to (not including) `until`:
 * caught exceptions are released, finally blocks run; then jump to
 * target, or (target NULL) return 0. */
static void
leave_scopes(lctx *c, jp_try_scope *until, LLVMBasicBlockRef target)
{
    for (jp_try_scope *s = c->try_scope; s != until; s = s->outer) {
        if (s->kind == SCOPE_HANDLER || s->kind == SCOPE_FINALBODY) {
            release_exc(c, s->caught);
        } else if (s->kind == SCOPE_FINALLY) {
            LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "finally.then");
            int code = add_exit(s, cont);
            if (code < 0) {
                jp_lower_unhandled(c, LLVMInt8TypeInContext(c->ctx), "out of memory");
                return;
            }
            LLVMBuildStore(c->b, i32_const(c, code), s->why);
            LLVMBuildBr(c->b, s->final_bb);
            LLVMPositionBuilderAtEnd(c->b, cont);
        }
    }
    if (target) {
        LLVMBuildBr(c->b, target);
    } else {
        jp_emit_exit_cleanup(c);
        LLVMBuildRet(c->b, i32_const(c, 0));
    }
}

void
jp_try_jump(lctx *c, LLVMBasicBlockRef target)
{
    jp_try_scope *until = c->try_scope;
    while (until && until->loop_depth >= c->loop_depth)     /* begun inside the loop left */
        until = until->outer;
    leave_scopes(c, until, target);
}

void
jp_try_return(lctx *c)
{
    leave_scopes(c, NULL, NULL);
}

void
jp_lower_reraise(lctx *c)
{
    jp_try_scope *s = c->try_scope;
    while (s && s->kind != SCOPE_HANDLER)
        s = s->outer;
    if (s == NULL) {
        jp_lower_unhandled(c, LLVMInt8TypeInContext(c->ctx), "bare raise outside an except block");
        return;
    }
    copy_exc(c, c->exc, s->caught);
    clear_exc(c, s->caught);        /* *exc owns it again */
    jp_emit_raised(c, i32_const(c, 1));
}

/* ---- the statement ------------------------------------------------------------------ */

static void
branch_open(lctx *c, LLVMBasicBlockRef bb)
{
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, bb);
}

static int
is_open(lctx *c)
{
    return LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)) == NULL;
}

/* Branch to `yes` when the exception class `raised` is one handler h
 * names (the class itself without a call; a subclass through the run
 * time), else to `no`. */
static void
handler_matches(lctx *c, jp_handler *h, LLVMValueRef raised, LLVMBasicBlockRef yes, LLVMBasicBlockRef no)
{
    for (int i = 0; i < h->ncls; i++) {
        LLVMValueRef cls = jp_exception_class(c, h->cls[i]), args[2] = {raised, cls}, m;
        LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "except.subclass");
        LLVMBasicBlockRef next = i + 1 < h->ncls ? LLVMAppendBasicBlockInContext(c->ctx, c->fn, "except.or") : no;
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, raised, cls, ""), yes, slow);
        LLVMPositionBuilderAtEnd(c->b, slow);
        m = jp_call_extern(c, "jp_rt_exc_matches", LLVMInt32TypeInContext(c->ctx), args, 2);
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, m, i32_const(c, 0), ""), yes, next);
        if (next != no)
            LLVMPositionBuilderAtEnd(c->b, next);
    }
}

/* The except clauses, at the EXCEPT scope's landing; each match ends at
 * `after`, no match raises on to the enclosing scope. */
static void
lower_dispatch(lctx *c, jp_node *s, jp_try_scope *e, LLVMBasicBlockRef after)
{
    LLVMValueRef caught = jp_alloca(c, exc_type(c), "caught"), raised;
    LLVMPositionBuilderAtEnd(c->b, e->landing);
    copy_exc(c, caught, c->exc);
    raised = LLVMBuildLoad2(c->b, ptr_type(c), caught, "exc.cls");
    for (int i = 0; i < s->u.try_.nhandlers; i++) {
        jp_handler *h = &s->u.try_.handlers[i];
        LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "except");
        LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "except.next");
        jp_try_scope hs;
        if (h->ncls == 0)
            LLVMBuildBr(c->b, body);
        else
            handler_matches(c, h, raised, body, next);
        LLVMPositionBuilderAtEnd(c->b, body);
        scope_begin(c, &hs, SCOPE_HANDLER, "except.raised");
        hs.caught = caught;
        jp_lower_block(c, &h->body);
        c->try_scope = hs.outer;
        if (is_open(c)) {
            release_exc(c, caught);
            LLVMBuildBr(c->b, after);
        }
        LLVMPositionBuilderAtEnd(c->b, hs.landing);
        release_exc(c, caught);
        raise_to(c, hs.outer, hs.temp_mark, hs.owned_mark, i32_const(c, 1));
        LLVMPositionBuilderAtEnd(c->b, next);
    }
    /* nothing matched: *exc still holds it */
    raise_to(c, e->outer, e->temp_mark, e->owned_mark, i32_const(c, 1));
}

void
jp_lower_try(lctx *c, jp_node *s)
{
    jp_try_scope fs, es, fb;
    int has_final = s->u.try_.final.n > 0, has_except = s->u.try_.nhandlers > 0;
    LLVMBasicBlockRef after = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "try.end");
    LLVMValueRef pending = NULL;

    if (c->gpu) {
        jp_lower_unhandled(c, LLVMInt8TypeInContext(c->ctx), "try statement in device code");
        return;
    }
    if (has_final && c->out_held == NULL && c->gen == NULL && jp_type_is_managed(c->inst->ret)) {
        /* a return through this finally block leaves a reference in *out */
        LLVMBuilderRef b = LLVMCreateBuilderInContext(c->ctx);
        LLVMValueRef first;
        c->out_held = jp_alloca(c, LLVMInt1TypeInContext(c->ctx), "ret.held");
        first = LLVMGetFirstInstruction(LLVMGetEntryBasicBlock(c->fn));
        while (first && LLVMGetInstructionOpcode(first) == LLVMAlloca)
            first = LLVMGetNextInstruction(first);
        if (first)
            LLVMPositionBuilderBefore(b, first);
        else
            LLVMPositionBuilderAtEnd(b, LLVMGetEntryBasicBlock(c->fn));
        LLVMBuildStore(b, LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0), c->out_held);
        LLVMDisposeBuilder(b);
    }
    if (has_final) {
        scope_begin(c, &fs, SCOPE_FINALLY, "finally.raised");
        fs.why = jp_alloca(c, LLVMInt32TypeInContext(c->ctx), "finally.why");
        fs.final_bb = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "finally");
        pending = jp_alloca(c, exc_type(c), "finally.exc");
        clear_exc(c, pending);
    }
    if (has_except)
        scope_begin(c, &es, SCOPE_EXCEPT, "try.raised");
    jp_lower_block(c, &s->u.try_.body);
    if (has_except)
        c->try_scope = es.outer;        /* else and the handlers are not covered by them */
    if (is_open(c))
        jp_lower_block(c, &s->u.try_.orelse);
    if (has_final && is_open(c))
        LLVMBuildStore(c->b, i32_const(c, 0), fs.why);
    branch_open(c, has_final ? fs.final_bb : after);
    if (has_except) {
        LLVMBasicBlockRef handled = has_final ? LLVMAppendBasicBlockInContext(c->ctx, c->fn, "handled") : after;
        lower_dispatch(c, s, &es, handled);
        if (has_final) {
            LLVMPositionBuilderAtEnd(c->b, handled);
            LLVMBuildStore(c->b, i32_const(c, 0), fs.why);
            LLVMBuildBr(c->b, fs.final_bb);
        }
    }
    if (!has_final) {
        LLVMPositionBuilderAtEnd(c->b, after);
        return;
    }

    /* ---- finally: one copy of the block, entered with a reason ---- */
    c->try_scope = fs.outer;
    LLVMPositionBuilderAtEnd(c->b, fs.landing);
    copy_exc(c, pending, c->exc);
    LLVMBuildStore(c->b, i32_const(c, 1), fs.why);
    LLVMBuildBr(c->b, fs.final_bb);

    LLVMPositionBuilderAtEnd(c->b, fs.final_bb);
    scope_begin(c, &fb, SCOPE_FINALBODY, "finally.body.raised");
    fb.caught = pending;
    jp_lower_block(c, &s->u.try_.final);
    c->try_scope = fb.outer;
    if (is_open(c)) {
        LLVMValueRef why = LLVMBuildLoad2(c->b, LLVMInt32TypeInContext(c->ctx), fs.why, "why");
        LLVMBasicBlockRef reraise = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "finally.reraise");
        LLVMValueRef sw = LLVMBuildSwitch(c->b, why, after, (unsigned)fs.nexits + 1);
        LLVMAddCase(sw, i32_const(c, 1), reraise);
        for (int k = 0; k < fs.nexits; k++)
            LLVMAddCase(sw, i32_const(c, k + 2), fs.exits[k]);
        LLVMPositionBuilderAtEnd(c->b, reraise);
        copy_exc(c, c->exc, pending);
        clear_exc(c, pending);
        raise_to(c, fs.outer, fs.temp_mark, fs.owned_mark, i32_const(c, 1));
    }
    LLVMPositionBuilderAtEnd(c->b, fb.landing);
    release_exc(c, pending);
    raise_to(c, fb.outer, fb.temp_mark, fb.owned_mark, i32_const(c, 1));
    free(fs.exits);
    LLVMPositionBuilderAtEnd(c->b, after);
}
