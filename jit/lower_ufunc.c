/* jit/lower_ufunc.c - NumPy inner loops around a compiled kernel:
 * `void @sym.ufunc(char **args, npy_intp *dims, npy_intp *steps, void *data)`
 * in the kernel's own module, so O3 inlines the kernel and vectorises the
 * loop.  Elementwise loops have a unit-stride version (all steps equal the
 * item sizes, the common case) and a strided one; gufunc loops build array
 * views of the core dimensions for each outer iteration.  A kernel that
 * raises stops the loop and reports through jp_rt_ufunc_error(exc, data),
 * data being the parallel call's error slot (or NULL). */
#include "jit/lower.h"

static LLVMTypeRef
ptrt(lctx *c)
{
    return LLVMPointerTypeInContext(c->ctx, 0);
}

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMValueRef
load_index(lctx *c, LLVMTypeRef t, LLVMValueRef base, int i)
{
    LLVMValueRef idx = jp_const_i64(c, i);
    return LLVMBuildLoad2(c->b, t, LLVMBuildGEP2(c->b, t, base, &idx, 1, ""), "");
}

typedef struct loop_state {
    LLVMValueRef fn, kernel, exc, retslot;
    LLVMValueRef base[64], step[64];
    LLVMBasicBlockRef fail;
    int contiguous;
} loop_state;

static LLVMValueRef
elem_ptr(lctx *c, loop_state *ls, int k, LLVMValueRef i, size_t size)
{
    LLVMValueRef off = LLVMBuildMul(c->b, i, ls->contiguous ? jp_const_i64(c, (long long)size) : ls->step[k], "");
    return LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), ls->base[k], &off, 1, "");
}

static void
call_kernel(lctx *c, loop_state *ls, LLVMValueRef *argv)
{
    jp_instance *inst = c->inst;
    LLVMValueRef status;
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, ls->fn, "ok");
    argv[0] = ls->retslot;
    argv[1] = ls->exc;
    status = LLVMBuildCall2(c->b, jp_llvm_fn_type(c->ctx, inst), ls->kernel, argv, (unsigned)inst->nargs + 2, "");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, status, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 0, 0), ""),
                    ls->fail, ok);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

/* One counted loop 0..n with a body emitted by `body`. */
static void
counted_loop(lctx *c, loop_state *ls, LLVMValueRef n, void (*body)(lctx *, loop_state *, LLVMValueRef))
{
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(c->b);
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(c->ctx, ls->fn, "loop.head");
    LLVMBasicBlockRef bodyb = LLVMAppendBasicBlockInContext(c->ctx, ls->fn, "loop.body");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, ls->fn, "loop.done");
    LLVMValueRef i, next;
    LLVMBuildBr(c->b, head);
    LLVMPositionBuilderAtEnd(c->b, head);
    i = LLVMBuildPhi(c->b, i64t(c), "i");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, i, n, ""), bodyb, done);
    LLVMPositionBuilderAtEnd(c->b, bodyb);
    body(c, ls, i);
    next = LLVMBuildNSWAdd(c->b, i, jp_const_i64(c, 1), "");
    {
        LLVMBasicBlockRef latch = LLVMGetInsertBlock(c->b);
        LLVMValueRef zero = jp_const_i64(c, 0);
        LLVMBuildBr(c->b, head);
        LLVMAddIncoming(i, &zero, &pre, 1);
        LLVMAddIncoming(i, &next, &latch, 1);
    }
    LLVMPositionBuilderAtEnd(c->b, done);
}

static void
elementwise_body(lctx *c, loop_state *ls, LLVMValueRef i)
{
    jp_instance *inst = c->inst;
    jp_loop_spec *spec = inst->loop;
    LLVMValueRef argv[66], r;
    for (int k = 0; k < inst->nargs; k++) {
        jp_type *t = inst->argtypes[k];
        argv[k + 2] = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, t), elem_ptr(c, ls, k, i, t->size), "");
    }
    call_kernel(c, ls, argv);
    r = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, inst->ret), ls->retslot, "");
    r = jp_cast(c, r, inst->ret, spec->out_type);
    LLVMBuildStore(c->b, r, elem_ptr(c, ls, inst->nargs, i, spec->out_type->size));
}

static void
gufunc_body(lctx *c, loop_state *ls, LLVMValueRef i)
{
    jp_instance *inst = c->inst;
    jp_loop_spec *spec = inst->loop;
    LLVMValueRef argv[66];
    int nargs = inst->nargs, core_step = nargs, di = 0;
    LLVMValueRef dims = LLVMGetParam(ls->fn, 1), steps = LLVMGetParam(ls->fn, 2);
    for (int k = 0; k < nargs; k++) {
        jp_type *t = inst->argtypes[k];
        LLVMValueRef p = elem_ptr(c, ls, k, i, 0);
        int nd = spec->core_ndim[k];
        if (t->kind == JP_ARRAY && nd == 0) {
            /* a scalar core slot declared as an array (Numba's `res[0] = ...`) */
            LLVMValueRef one = jp_const_i64(c, 1), size = jp_const_i64(c, (long long)t->dtype->size);
            LLVMValueRef shape[32], strides[32];
            for (int d = 0; d < t->ndim; d++) {
                shape[d] = one;
                strides[d] = size;
            }
            argv[k + 2] = jp_arr_make(c, t, LLVMConstNull(ptrt(c)), LLVMConstNull(ptrt(c)), p, shape, strides);
        } else if (t->kind == JP_ARRAY) {
            LLVMValueRef shape[32], strides[32];
            for (int d = 0; d < nd; d++) {
                shape[d] = load_index(c, i64t(c), dims, 1 + spec->core_dim[di + d]);
                strides[d] = load_index(c, i64t(c), steps, core_step + d);
            }
            argv[k + 2] = jp_arr_make(c, t, LLVMConstNull(ptrt(c)), LLVMConstNull(ptrt(c)), p, shape, strides);
        } else {
            argv[k + 2] = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, t), p, "");
        }
        core_step += nd;
        di += nd;
    }
    call_kernel(c, ls, argv);
}

void
jp_lower_ufunc_loop(lctx *c, LLVMValueRef kernel)
{
    jp_instance *inst = c->inst;
    jp_loop_spec *spec = inst->loop;
    LLVMTypeRef params[4] = {ptrt(c), ptrt(c), ptrt(c), ptrt(c)};
    LLVMTypeRef fty = LLVMFunctionType(LLVMVoidTypeInContext(c->ctx), params, 4, 0);
    char name[512];
    loop_state ls = {0};
    LLVMValueRef n;
    int nbuf = spec->kind == 1 ? inst->nargs + 1 : inst->nargs;

    snprintf(name, sizeof name, "%s.ufunc", inst->symbol);
    ls.fn = LLVMAddFunction(c->mod, name, fty);
    ls.kernel = kernel;
    c->fn = ls.fn;
    LLVMPositionBuilderAtEnd(c->b, LLVMAppendBasicBlockInContext(c->ctx, ls.fn, "entry"));
    jp_dbg_begin_function(c->dbg, c->b, ls.fn, name, c->ir->filename, c->ir->def_line);
    ls.exc = LLVMBuildAlloca(c->b, LLVMArrayType2(i64t(c), 6), "exc");
    ls.retslot = LLVMBuildAlloca(c->b, jp_llvm_type(c->ctx, inst->ret), "ret");
    for (int k = 0; k < nbuf; k++) {
        ls.base[k] = load_index(c, ptrt(c), LLVMGetParam(ls.fn, 0), k);
        ls.step[k] = load_index(c, i64t(c), LLVMGetParam(ls.fn, 2), k);
    }
    n = load_index(c, i64t(c), LLVMGetParam(ls.fn, 1), 0);
    ls.fail = LLVMAppendBasicBlockInContext(c->ctx, ls.fn, "kernel.raised");
    if (spec->kind == 1) {
        LLVMValueRef contiguous = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0);
        LLVMBasicBlockRef fast = LLVMAppendBasicBlockInContext(c->ctx, ls.fn, "unit");
        LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(c->ctx, ls.fn, "strided");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, ls.fn, "done");
        for (int k = 0; k < nbuf; k++) {
            size_t size = k < inst->nargs ? inst->argtypes[k]->size : spec->out_type->size;
            contiguous = LLVMBuildAnd(c->b, contiguous,
                                      LLVMBuildICmp(c->b, LLVMIntEQ, ls.step[k], jp_const_i64(c, (long long)size), ""), "");
        }
        LLVMBuildCondBr(c->b, contiguous, fast, slow);
        LLVMPositionBuilderAtEnd(c->b, fast);
        ls.contiguous = 1;
        counted_loop(c, &ls, n, elementwise_body);
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, slow);
        ls.contiguous = 0;
        counted_loop(c, &ls, n, elementwise_body);
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, done);
    } else {
        counted_loop(c, &ls, n, gufunc_body);
    }
    LLVMBuildRetVoid(c->b);
    LLVMPositionBuilderAtEnd(c->b, ls.fail);
    {
        /* the loop's data: the parallel call it belongs to, or NULL */
        LLVMValueRef eargs[2] = {ls.exc, LLVMGetParam(ls.fn, 3)};
        jp_call_extern(c, "jp_rt_ufunc_error", LLVMVoidTypeInContext(c->ctx), eargs, 2);
    }
    LLVMBuildRetVoid(c->b);
}
