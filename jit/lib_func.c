/* jit/lib_func.c - jitted functions as values (the contract is in
 * lib_func.h): the typing and the call of a function given as key=, to
 * map()/filter(), or held in a parameter.  An inner function's captures
 * are read where the function is called. */
#include "jit/lib_func.h"
#include "jit/errors.h"

static PyObject *
dispatcher_of(ictx *c, jp_node *fn)
{
    if (fn->kind == E_CALLEE && fn->u.callee.kind == CALLEE_DISPATCHER)
        return fn->u.callee.obj;
    if (fn->kind == E_LOCAL) {
        jp_type *t = c->inst->var_types[fn->u.local.index];
        if (t && t->kind == JP_FUNCTION)
            return t->dispatcher;
    }
    return NULL;
}

jp_type *
jp_infer_function_value(ictx *c, jp_node *fn)
{
    if (fn->u.callee.ncap)
        return jp_error_at(JpUnsupportedError, c->ir, fn,
                           "call it here, or pass it as key= or to map()/filter(); to pass a function around, "
                           "define it at module level with @njit and give the values it reads as arguments",
                           "the inner function '%s' reads local variables of this function: using it as a value "
                           "(returning it, storing it, passing it to another function) is not supported "
                           "in jit code (as in Numba)", fn->u.callee.name);
    return jp_type_function(fn->u.callee.obj);
}

int
jp_is_function_value(ictx *c, jp_node *fn)
{
    if (fn->kind == E_CALLEE)
        return fn->u.callee.kind == CALLEE_DISPATCHER;
    if (fn->kind == E_LOCAL) {
        jp_type *t = jp_itype_expr(c, fn);
        return t && t->kind == JP_FUNCTION;
    }
    return 0;
}

jp_type *
jp_infer_fn_call(ictx *c, jp_node *fn, int nargs, jp_type **argtypes, const char *what)
{
    PyObject *disp;
    jp_func_ir *callee;
    jp_type *types[64];
    jp_instance *inst;
    int ncap = fn->kind == E_CALLEE ? fn->u.callee.ncap : 0, n = ncap + nargs;

    if (fn->kind == E_LOCAL && jp_itype_expr(c, fn) == NULL)
        return NULL;
    if ((disp = dispatcher_of(c, fn)) == NULL)
        return jp_error_at(JpUnsupportedError, c->ir, fn,
                           "pass a jitted function, an inner function or a lambda (lambda x: abs(x) for a builtin)",
                           "%s must be a function in jit code", what);
    if ((callee = jp_dispatcher_ir(disp)) == NULL)
        return NULL;
    if (n > 64)
        return jp_error_at(JpTypingError, c->ir, fn, NULL, "too many arguments");
    if (callee->nparams != n) {
        int fewer = callee->nparams - ncap;
        return jp_error_at(JpTypingError, c->ir, fn, NULL, "%s: the function takes %d argument%s, it is given %d",
                           what, fewer, fewer == 1 ? "" : "s", nargs);
    }
    for (int i = 0; i < ncap; i++) {
        if ((types[i] = jp_ioperand(c, fn->u.callee.cap[i])) == NULL)
            return NULL;
        if (UNKNOWN(types[i]))
            return types[i];
    }
    for (int i = 0; i < nargs; i++) {
        if (UNKNOWN(argtypes[i]))
            return argtypes[i];
        types[ncap + i] = argtypes[i];
    }
    if (jp_dispatcher_can_compile(disp))
        inst = jp_session_instance(c->session, disp, n, types);
    else if ((inst = jp_dispatcher_convertible(disp, n, types)) == NULL)
        return jp_error_at(JpTypingError, c->ir, fn, "add this signature to its @jit(...) list",
                           "%s: %s() has no compiled signature for these arguments", what, callee->name);
    if (inst == NULL)
        return NULL;
    c->inst->callees[fn->id] = inst;
    return inst->ret;
}

LLVMValueRef
jp_lower_fn_call(lctx *c, jp_node *fn, int nargs, LLVMValueRef *args, jp_type **argtypes)
{
    jp_instance *ki = c->inst->callees[fn->id];
    int ncap = fn->kind == E_CALLEE ? fn->u.callee.ncap : 0;
    LLVMTypeRef fty = jp_llvm_fn_type(c->ctx, ki), rt = jp_llvm_type(c->ctx, ki->ret);
    LLVMValueRef f = LLVMGetNamedFunction(c->mod, ki->symbol), out = jp_alloca(c, rt, "fnret"), call[66], status;
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "fn.raised");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "fn.ok");
    if (ki->compiled)
        c->inst->uncacheable = 1;       /* linked to code of another compile, by a local name */
    if (f == NULL)
        f = LLVMAddFunction(c->mod, ki->symbol, fty);
    call[0] = out;
    call[1] = c->exc;
    for (int i = 0; i < ncap; i++) {
        jp_node *cn = fn->u.callee.cap[i];
        call[2 + i] = jp_cast(c, jp_lower_expr(c, cn), jp_node_type(c, cn), ki->argtypes[i]);
    }
    for (int i = 0; i < nargs; i++)
        call[2 + ncap + i] = jp_cast(c, args[i], argtypes[i], ki->argtypes[ncap + i]);
    status = LLVMBuildCall2(c->b, fty, f, call, (unsigned)(2 + ncap + nargs), "");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, status, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 0, 0), ""),
                    bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    jp_emit_raised(c, status);
    LLVMPositionBuilderAtEnd(c->b, ok);
    {
        LLVMValueRef r = LLVMBuildLoad2(c->b, rt, out, "");
        if (jp_type_is_managed(ki->ret))
            jp_register_temp(c, r, ki->ret);
        return r;
    }
}

/* ---- *args ------------------------------------------------------------------------ */

int
jp_bind_positions(ictx *c, jp_node *call, jp_arg_source *pos, jp_type **types, int max)
{
    int n = 0;
    for (int i = 0; i < call->u.call.nargs; i++) {
        jp_node *a = call->u.call.args[i];
        jp_type *t = jp_ioperand(c, a->kind == E_STARRED ? a->u.expr.value : a);
        if (t == NULL)
            return -1;
        if (a->kind != E_STARRED) {
            if (n == max)
                goto too_many;
            pos[n] = (jp_arg_source){0, i, 0};
            types[n++] = t;
            continue;
        }
        if (UNKNOWN(t))
            return -2;
        if (t->kind != JP_TUPLE) {
            jp_error_at(JpTypingError, c->ir, a, "spread a tuple: f(*t)",
                        "*%s in a call: jit code spreads tuples only", t->name);
            return -1;
        }
        if (a->u.expr.value->kind != E_LOCAL && t->n > 1) {
            jp_error_at(JpUnsupportedError, c->ir, a, "assign the tuple to a variable first: t = ...; f(*t)",
                        "spreading an expression with *: only a variable is spread in jit code");
            return -1;
        }
        jp_irecord(c, a, t);
        for (int k = 0; k < t->n; k++) {
            if (n == max)
                goto too_many;
            pos[n] = (jp_arg_source){5, i, k};
            types[n++] = t->elems[k];
        }
    }
    return n;
too_many:
    jp_error_at(JpTypingError, c->ir, call, NULL, "too many arguments");
    return -1;
}

/* The item `elem` of the tuple spread by call argument `index`. */
static LLVMValueRef
spread_item(lctx *c, jp_node *call, int index, int elem)
{
    jp_node *v = call->u.call.args[index]->u.expr.value;
    return LLVMBuildExtractValue(c->b, jp_lower_expr(c, v), (unsigned)elem, "");
}

LLVMValueRef
jp_lower_bound_arg(lctx *c, jp_node *call, jp_arg_source src, jp_type *want)
{
    LLVMValueRef r;
    int pos = 0;
    if (src.kind == 5) {
        jp_type *tt = jp_node_type(c, call->u.call.args[src.index]->u.expr.value);
        return jp_cast(c, spread_item(c, call, src.index, src.elem), tt->elems[src.elem], want);
    }
    /* kind 4: the positions src.index .. src.index + src.elem - 1, as a tuple */
    r = LLVMGetUndef(jp_llvm_type(c->ctx, want));       /* every field set below */
    for (int i = 0; i < call->u.call.nargs; i++) {
        jp_node *a = call->u.call.args[i];
        jp_type *t = jp_node_type(c, a->kind == E_STARRED ? a->u.expr.value : a);
        int count = a->kind == E_STARRED ? t->n : 1;
        for (int k = 0; k < count; k++, pos++) {
            LLVMValueRef v;
            jp_type *vt;
            if (pos < src.index || pos >= src.index + src.elem)
                continue;
            v = a->kind == E_STARRED ? spread_item(c, call, i, k) : jp_lower_expr(c, a);
            vt = a->kind == E_STARRED ? t->elems[k] : t;
            r = LLVMBuildInsertValue(c->b, r, jp_cast(c, v, vt, want->elems[pos - src.index]),
                                     (unsigned)(pos - src.index), "");
        }
    }
    return r;
}
