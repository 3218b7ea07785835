/* jit/lib_np_index.c - NumPy's index-producing functions and element
 * access: np.nonzero(a) / a.nonzero() / np.where(cond) with one argument
 * (a tuple of int64 index arrays, one per dimension), np.flatnonzero(a),
 * np.argwhere(a), np.take(a, idx) / a.take(idx) (on the flattened array,
 * indices bounds-checked as NumPy), a.item() / a.item(i).
 *
 * The np.* functions are a table of the module-function registry (lib.h);
 * np.where is NumPy's table's (numpy_funcs.c) and comes here with one
 * argument; the methods come from jp_infer_method / jp_lower_array_method.
 * Every loop walks the array in C order (any layout), so positions come
 * out in NumPy's order. */
#include "jit/lib.h"
#include "jit/errors.h"
#include "jit/compiler.h"

#include <string.h>

enum { IX_NONZERO, IX_FLATNONZERO, IX_ARGWHERE, IX_TAKE, IX_ITEM };

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static jp_type *
i64arr(int ndim)
{
    return jp_type_array(jp_type_int(64, 1), ndim, 'C', 0);
}

/* ---- typing -------------------------------------------------------------------- */

static jp_type *
need_array(ictx *c, jp_node *arg, jp_type *t, const char *fname)
{
    if (t->kind != JP_ARRAY || t->dtype->kind == JP_RECORD)
        return jp_error_at(JpTypingError, c->ir, arg, NULL, "%s() takes a numeric array in jit code, not %s",
                           fname, t->name);
    if (t->ndim == 0)
        return jp_error_at(JpTypingError, c->ir, arg, "use a.reshape(1)",
                           "%s() of a 0-d array is not supported in jit code", fname);
    return t;
}

static jp_type *
type_of(ictx *c, jp_node *call, int which, jp_node *a, jp_type *at, jp_node *i, jp_type *it)
{
    static const char *const names[] = {"nonzero", "flatnonzero", "argwhere", "take", "item"};
    if (which != IX_ITEM && need_array(c, a, at, names[which]) == NULL)
        return NULL;
    switch (which) {
    case IX_NONZERO: {
        jp_type *elems[32];
        for (int d = 0; d < at->ndim; d++)
            elems[d] = i64arr(1);
        return jp_type_tuple(at->ndim, elems);
    }
    case IX_FLATNONZERO:
        return i64arr(1);
    case IX_ARGWHERE:
        return i64arr(2);
    case IX_TAKE:
        if (it->kind == JP_INT)
            return at->dtype;
        if (it->kind != JP_ARRAY || it->dtype->kind != JP_INT || it->ndim != 1)
            return jp_error_at(JpTypingError, c->ir, i, "pass an int or a 1-d integer array",
                               "take() indices must be an int or a 1-d integer array in jit code, not %s", it->name);
        return jp_type_array(at->dtype, 1, 'C', 0);
    default:    /* item */
        if (at->dtype->kind == JP_RECORD)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "item() of a record array in jit code");
        if (i != NULL && it->kind != JP_INT)
            return jp_error_at(JpTypingError, c->ir, i, "pass one int (the flat index)",
                               "item() takes no argument or one int in jit code, not %s", it->name);
        return at->dtype;
    }
}

static jp_type *
type_lib(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    (void)nargs;
    return type_of(c, call, fn->id, args[0], at[0], args[1], at[1]);
}

jp_type *
jp_infer_np_where1(ictx *c, jp_node *call, jp_type *cond)
{
    return type_of(c, call, IX_NONZERO, call->u.call.args[0], cond, NULL, NULL);
}

/* a.nonzero(), a.take(idx), a.item(), a.item(i); *handled = 0 for other names */
jp_type *
jp_infer_index_method(ictx *c, jp_node *call, jp_type *recv, int *handled)
{
    const char *name = call->u.call.func->u.attr.name;
    int which = strcmp(name, "nonzero") == 0 ? IX_NONZERO : strcmp(name, "take") == 0 ? IX_TAKE
              : strcmp(name, "item") == 0 ? IX_ITEM : -1;
    int nargs = call->u.call.nargs;
    jp_type *it = NULL;
    *handled = which >= 0;
    if (which < 0)
        return NULL;
    if (call->u.call.nkw || nargs > 1 || (which == IX_NONZERO && nargs) || (which == IX_TAKE && nargs != 1))
        return jp_error_at(JpTypingError, c->ir, call, NULL, "wrong arguments to %s() in jit code", name);
    if (nargs && (it = jp_ioperand(c, call->u.call.args[0])) == NULL)
        return NULL;
    if (it && UNKNOWN(it))
        return it;
    return type_of(c, call, which, call->u.call.func->u.attr.value, recv, nargs ? call->u.call.args[0] : NULL, it);
}

/* ---- lowering ------------------------------------------------------------------ */

typedef struct nz_ctx {
    int which;
    LLVMValueRef a, counter, flat, outs[32];
    jp_type *at;
} nz_ctx;

static void
nz_count(lctx *c, void *vctx, LLVMValueRef *idx)
{
    nz_ctx *x = vctx;
    LLVMValueRef v = jp_arr_load(c, jp_arr_elem_ptr(c, x->a, x->at, idx, x->at->ndim), x->at->dtype);
    LLVMValueRef n = LLVMBuildLoad2(c->b, i64t(c), x->counter, "");
    LLVMBuildStore(c->b, LLVMBuildAdd(c->b, n, LLVMBuildZExt(c->b, jp_truth(c, v, x->at->dtype), i64t(c), ""), ""),
                   x->counter);
}

static void
nz_fill(lctx *c, void *vctx, LLVMValueRef *idx)
{
    nz_ctx *x = vctx;
    LLVMValueRef v = jp_arr_load(c, jp_arr_elem_ptr(c, x->a, x->at, idx, x->at->ndim), x->at->dtype);
    LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "nz.yes");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "nz.next");
    LLVMValueRef n = LLVMBuildLoad2(c->b, i64t(c), x->counter, "");
    LLVMValueRef flat = LLVMBuildLoad2(c->b, i64t(c), x->flat, "");
    jp_type *dt = jp_type_int(64, 1);
    LLVMBuildStore(c->b, LLVMBuildAdd(c->b, flat, jp_const_i64(c, 1), ""), x->flat);
    LLVMBuildCondBr(c->b, jp_truth(c, v, x->at->dtype), yes, next);
    LLVMPositionBuilderAtEnd(c->b, yes);
    if (x->which == IX_FLATNONZERO) {
        jp_arr_store(c, jp_arr_elem_ptr(c, x->outs[0], i64arr(1), &n, 1), dt, flat);
    } else if (x->which == IX_ARGWHERE) {
        for (int d = 0; d < x->at->ndim; d++)
            jp_arr_store(c, jp_arr_elem_ptr(c, x->outs[0], i64arr(2), (LLVMValueRef[]){n, jp_const_i64(c, d)}, 2),
                         dt, idx[d]);
    } else {
        for (int d = 0; d < x->at->ndim; d++)
            jp_arr_store(c, jp_arr_elem_ptr(c, x->outs[d], i64arr(1), &n, 1), dt, idx[d]);
    }
    LLVMBuildStore(c->b, LLVMBuildAdd(c->b, n, jp_const_i64(c, 1), ""), x->counter);
    LLVMBuildBr(c->b, next);
    LLVMPositionBuilderAtEnd(c->b, next);
}

static LLVMValueRef
lower_nonzero(lctx *c, int which, LLVMValueRef a, jp_type *at, jp_type *rt)
{
    nz_ctx x;
    LLVMValueRef ext[32], n, r;
    memset(&x, 0, sizeof x);
    x.which = which;
    x.a = a;
    x.at = at;
    for (int d = 0; d < at->ndim; d++)
        ext[d] = jp_arr_field(c, a, 3, d);
    x.counter = jp_alloca(c, i64t(c), "nz.count");
    x.flat = jp_alloca(c, i64t(c), "nz.flat");
    LLVMBuildStore(c->b, jp_const_i64(c, 0), x.counter);
    jp_loop_nest(c, at->ndim, ext, nz_count, &x);
    n = LLVMBuildLoad2(c->b, i64t(c), x.counter, "");
    if (which == IX_ARGWHERE)
        x.outs[0] = jp_arr_alloc(c, rt, (LLVMValueRef[]){n, jp_const_i64(c, at->ndim)});
    else if (which == IX_FLATNONZERO)
        x.outs[0] = jp_arr_alloc(c, rt, &n);
    else
        for (int d = 0; d < at->ndim; d++)
            x.outs[d] = jp_arr_alloc(c, rt->elems[d], &n);
    LLVMBuildStore(c->b, jp_const_i64(c, 0), x.counter);
    LLVMBuildStore(c->b, jp_const_i64(c, 0), x.flat);
    jp_loop_nest(c, at->ndim, ext, nz_fill, &x);
    if (which != IX_NONZERO)
        return x.outs[0];
    r = LLVMGetUndef(jp_llvm_type(c->ctx, rt));
    for (int d = 0; d < at->ndim; d++)
        r = LLVMBuildInsertValue(c->b, r, x.outs[d], (unsigned)d, "");
    return r;
}

/* the address of flat (C-order) element i of a, i already in [0, size) */
static LLVMValueRef
flat_ptr(lctx *c, LLVMValueRef a, jp_type *at, LLVMValueRef i)
{
    LLVMValueRef idx[32], rest = i;
    for (int d = at->ndim - 1; d >= 0; d--) {
        LLVMValueRef ext = jp_arr_field(c, a, 3, d);
        idx[d] = d ? LLVMBuildSRem(c->b, rest, ext, "") : rest;
        if (d)
            rest = LLVMBuildSDiv(c->b, rest, ext, "");
    }
    return jp_arr_elem_ptr(c, a, at, idx, at->ndim);
}

/* i wrapped and bounds-checked against size (NumPy's IndexError for take and item) */
static LLVMValueRef
checked_flat(lctx *c, LLVMValueRef i, LLVMValueRef size)
{
    LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, i, jp_const_i64(c, 0), "");
    LLVMValueRef w = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, i, size, ""), i, "");
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "raise");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ok");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntUGE, w, size, ""), bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    jp_raise_formatted(c, PyExc_IndexError, JP_EXC_INDEX, i, jp_const_i64(c, 0), size);
    LLVMPositionBuilderAtEnd(c->b, ok);
    return w;
}

typedef struct take_ctx {
    LLVMValueRef a, idx, out, size;
    jp_type *at, *it, *rt;
} take_ctx;

static void
take_body(lctx *c, void *vctx, LLVMValueRef *j)
{
    take_ctx *x = vctx;
    LLVMValueRef i = jp_cast(c, jp_arr_load(c, jp_arr_elem_ptr(c, x->idx, x->it, j, 1), x->it->dtype),
                             x->it->dtype, jp_type_int(64, 1));
    LLVMValueRef p = flat_ptr(c, x->a, x->at, checked_flat(c, i, x->size));
    jp_arr_store(c, jp_arr_elem_ptr(c, x->out, x->rt, j, 1), x->at->dtype, jp_arr_load(c, p, x->at->dtype));
}

static LLVMValueRef
lower_of(lctx *c, int which, jp_node *an, jp_node *in, jp_type *rt)
{
    jp_type *at = jp_node_type(c, an);
    LLVMValueRef a = jp_lower_expr(c, an);
    if (which == IX_NONZERO || which == IX_FLATNONZERO || which == IX_ARGWHERE)
        return lower_nonzero(c, which, a, at, rt);
    if (which == IX_ITEM) {
        LLVMValueRef size = jp_arr_size(c, a, at), i;
        if (in == NULL) {
            jp_check(c, LLVMBuildICmp(c->b, LLVMIntNE, size, jp_const_i64(c, 1), ""), PyExc_ValueError,
                     "can only convert an array of size 1 to a Python scalar");
            i = jp_const_i64(c, 0);
        } else {
            i = checked_flat(c, jp_cast(c, jp_lower_expr(c, in), jp_node_type(c, in), jp_type_int(64, 1)), size);
        }
        return jp_arr_load(c, flat_ptr(c, a, at, i), at->dtype);
    }
    {   /* take */
        jp_type *it = jp_node_type(c, in);
        LLVMValueRef size = jp_arr_size(c, a, at), idx = jp_lower_expr(c, in), n;
        take_ctx x;
        if (it->kind == JP_INT) {
            LLVMValueRef i = checked_flat(c, jp_cast(c, idx, it, jp_type_int(64, 1)), size);
            return jp_arr_load(c, flat_ptr(c, a, at, i), at->dtype);
        }
        n = jp_arr_field(c, idx, 3, 0);
        x.a = a;
        x.idx = idx;
        x.size = size;
        x.at = at;
        x.it = it;
        x.rt = rt;
        x.out = jp_arr_alloc(c, rt, &n);
        jp_loop_nest(c, 1, &n, take_body, &x);
        return x.out;
    }
}

static LLVMValueRef
lower_lib(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    (void)nargs;
    return lower_of(c, fn->id, args[0], args[1], jp_node_type(c, call));
}

LLVMValueRef
jp_lower_np_where1(lctx *c, jp_node *call)
{
    return lower_of(c, IX_NONZERO, call->u.call.args[0], NULL, jp_node_type(c, call));
}

/* NULL when the method is not one of this file's */
LLVMValueRef
jp_lower_index_method(lctx *c, jp_node *call)
{
    const char *name = call->u.call.func->u.attr.name;
    int which = strcmp(name, "nonzero") == 0 ? IX_NONZERO : strcmp(name, "take") == 0 ? IX_TAKE
              : strcmp(name, "item") == 0 ? IX_ITEM : -1;
    if (which < 0)
        return NULL;
    return lower_of(c, which, call->u.call.func->u.attr.value, call->u.call.nargs ? call->u.call.args[0] : NULL,
                    jp_node_type(c, call));
}

const jp_lib_fn jp_lib_np_index[] = {
    {"numpy", "nonzero", "a", 1, 1, type_lib, lower_lib, IX_NONZERO, RW_NONE},
    {"numpy", "flatnonzero", "a", 1, 1, type_lib, lower_lib, IX_FLATNONZERO, RW_NONE},
    {"numpy", "argwhere", "a", 1, 1, type_lib, lower_lib, IX_ARGWHERE, RW_NONE},
    {"numpy", "take", "a, indices", 2, 2, type_lib, lower_lib, IX_TAKE, RW_NONE},
};
const int jp_lib_np_index_count = (int)(sizeof jp_lib_np_index / sizeof jp_lib_np_index[0]);
