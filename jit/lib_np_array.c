/* jit/lib_np_array.c - np.array / np.asarray from sequences: lists, tuples
 * and nested lists/tuples of numbers (`np.array([-1.0, 2.0, 5.0])`), with
 * or without dtype=, and from arrays (np.array copies, np.asarray does
 * not).  Also the resolver's table of module-level functions (CALLEE_LIB):
 * the frontend finds the Python object here, typing records the entry,
 * lowering calls it.
 *
 * The shape comes from the first item at each level; every other item is
 * checked against it at run time (ValueError with NumPy's words, as NumPy
 * refuses ragged input).  The dtype is NumPy's default for the items
 * (bool, int64, float64, complex128) unless dtype= says otherwise. */
#include "jit/resolve.h"
#include "jit/target.h"
#include "jit/errors.h"
#include "jit/list_runtime.h"
#include "jit/numpy_api.h"

#include <string.h>

/* ---- typing -------------------------------------------------------------------- */

/* Nesting depth and leaf type of a sequence type; -1 when not numeric. */
static int
seq_shape(jp_type *t, jp_type **leaf)
{
    if (jp_is_number(t)) {
        *leaf = t;
        return 0;
    }
    if (t->kind == JP_LIST) {
        int d = seq_shape(t->dtype, leaf);
        return d < 0 ? -1 : d + 1;
    }
    if (t->kind == JP_TUPLE && t->n > 0) {
        jp_type *l0 = NULL;
        int d0 = -2;
        for (int i = 0; i < t->n; i++) {
            jp_type *l;
            int d = seq_shape(t->elems[i], &l);
            if (d < 0 || (d0 != -2 && d != d0))
                return -1;
            d0 = d;
            l0 = l0 ? jp_type_unify(l0, l) : l;
            if (l0 == NULL)
                return -1;
        }
        *leaf = l0;
        return d0 + 1;
    }
    return -1;
}

static jp_type *
default_dtype(jp_type *leaf)
{
    switch (leaf->kind) {
    case JP_BOOL: return leaf;
    case JP_INT: return leaf->bits == 64 ? leaf : jp_type_int(64, 1);
    case JP_FLOAT: return jp_type_float(64);
    default: return jp_type_complex(128);
    }
}

static jp_type *
t_array(ictx *c, jp_node *call, jp_type *recv)
{
    jp_node *src = call->u.call.args[0];
    jp_node *dtn = call->u.call.nargs > 1 ? call->u.call.args[1] : jp_lib_keyword(call, "dtype");
    const char *name = call->u.call.func->u.callee.name;
    jp_type *t, *leaf = NULL, *dt = NULL;
    int nd;
    (void)recv;
    if (c->session->gpu)
        return jp_device_unsupported(c, call, "use %s in a kernel", "%s() is", name);
    t = jp_ioperand(c, src);
    if (t == NULL || UNKNOWN(t))
        return t;
    if (dtn && !(dtn->kind == E_CONST && dtn->u.cnst.type->kind == JP_NONE)
        && (dt = jp_infer_dtype_arg(c, dtn)) == NULL)
        return NULL;
    if (t->kind == JP_ARRAY) {
        int copy = strstr(name, "asarray") == NULL;
        if (dt && dt != t->dtype)
            return jp_type_array(dt, t->ndim, 'C', 0);
        return copy ? jp_type_array(t->dtype, t->ndim, 'C', 0) : t;
    }
    if ((nd = seq_shape(t, &leaf)) <= 0) {
        if (nd == 0)
            return jp_error_at(JpUnsupportedError, c->ir, src, "use np.full((), x) or pass a list",
                               "%s() of a scalar is not supported in jit code", name);
        return jp_error_at(JpTypingError, c->ir, src,
                           "pass a list or tuple of numbers (nested to any depth) or an array",
                           "%s() cannot make an array from a %s", name, t->name);
    }
    if (dt == NULL)
        dt = default_dtype(leaf);
    if (!jp_is_number(dt))
        return jp_error_at(JpTypingError, c->ir, dtn, NULL, "%s() dtype must be a number type", name);
    if (leaf->kind == JP_COMPLEX && dt->kind != JP_COMPLEX)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "cannot store complex items in an array of %s",
                           dt->name);
    return jp_type_array(dt, nd, 'C', 0);
}

/* ---- lowering: sequences as (value, type) ------------------------------------------ */

static LLVMValueRef
seq_len(lctx *c, LLVMValueRef v, jp_type *t)
{
    return t->kind == JP_LIST ? jp_list_len(c, v) : jp_const_i64(c, t->n);
}

/* Item i of a list, or of a tuple (all items share nesting; at a run-time
 * index the tuple goes through memory, items converted to `as`). */
static LLVMValueRef
seq_item(lctx *c, LLVMValueRef v, jp_type *t, LLVMValueRef i, jp_type **it)
{
    if (t->kind == JP_LIST) {
        *it = t->dtype;
        return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, t->dtype), jp_list_item_ptr(c, v, t, i), "");
    }
    if (LLVMIsAConstantInt(i)) {
        unsigned k = (unsigned)LLVMConstIntGetZExtValue(i);
        *it = t->elems[k];
        return LLVMBuildExtractValue(c->b, v, k, "");
    }
    return NULL;
}

typedef struct fill_ctx {
    jp_type *rt;                /* the array */
    LLVMValueRef arr;
    LLVMValueRef idx[32];
    LLVMValueRef *shape;
} fill_ctx;

static void fill(lctx *c, fill_ctx *f, LLVMValueRef v, jp_type *t, int level);

static void
fill_item(lctx *c, fill_ctx *f, LLVMValueRef v, jp_type *t, int level, LLVMValueRef i)
{
    jp_type *it;
    LLVMValueRef item = seq_item(c, v, t, i, &it);
    f->idx[level] = i;
    fill(c, f, item, it, level + 1);
}

static void
fill(lctx *c, fill_ctx *f, LLVMValueRef v, jp_type *t, int level)
{
    if (level == f->rt->ndim) {
        LLVMValueRef p = jp_arr_elem_ptr(c, f->arr, f->rt, f->idx, f->rt->ndim);
        jp_arr_store(c, p, f->rt->dtype, jp_cast(c, v, t, f->rt->dtype));
        return;
    }
    /* every sequence at this level has the length the first one had */
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntNE, seq_len(c, v, t), f->shape[level], ""), PyExc_ValueError,
             "setting an array element with a sequence: the nested sequences have an inhomogeneous shape");
    if (t->kind == JP_TUPLE) {
        for (int k = 0; k < t->n; k++)
            fill_item(c, f, v, t, level, jp_const_i64(c, k));
        return;
    }
    {
        /* a list: a counted loop */
        LLVMTypeRef i64 = LLVMInt64TypeInContext(c->ctx);
        LLVMValueRef ctr = jp_alloca(c, i64, "np.i"), i;
        LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "np.head");
        LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "np.body");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "np.done");
        LLVMBuildStore(c->b, jp_const_i64(c, 0), ctr);
        LLVMBuildBr(c->b, head);
        LLVMPositionBuilderAtEnd(c->b, head);
        i = LLVMBuildLoad2(c->b, i64, ctr, "");
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, i, f->shape[level], ""), body, done);
        LLVMPositionBuilderAtEnd(c->b, body);
        fill_item(c, f, v, t, level, i);
        LLVMBuildStore(c->b, LLVMBuildNSWAdd(c->b, i, jp_const_i64(c, 1), ""), ctr);
        LLVMBuildBr(c->b, head);
        LLVMPositionBuilderAtEnd(c->b, done);
    }
}

/* v ? len(v) : 0 for a list that may be a null placeholder */
static LLVMValueRef
safe_len(lctx *c, LLVMValueRef v, jp_type *t)
{
    LLVMBasicBlockRef from, has, join, from2;
    LLVMValueRef n, phi, vals[2];
    LLVMBasicBlockRef bbs[2];
    if (t->kind != JP_LIST)
        return seq_len(c, v, t);
    from = LLVMGetInsertBlock(c->b);
    has = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "np.len");
    join = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "np.lenj");
    LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, v, ""), join, has);
    LLVMPositionBuilderAtEnd(c->b, has);
    n = jp_list_len(c, v);
    from2 = LLVMGetInsertBlock(c->b);
    LLVMBuildBr(c->b, join);
    LLVMPositionBuilderAtEnd(c->b, join);
    phi = LLVMBuildPhi(c->b, LLVMInt64TypeInContext(c->ctx), "");
    vals[0] = jp_const_i64(c, 0);
    vals[1] = n;
    bbs[0] = from;
    bbs[1] = from2;
    LLVMAddIncoming(phi, vals, bbs, 2);
    return phi;
}

/* The first item of a sequence, or a zero value when it has none. */
static LLVMValueRef
first_item(lctx *c, LLVMValueRef v, jp_type *t, jp_type **it)
{
    LLVMBasicBlockRef from, has, join, from2;
    LLVMValueRef item, phi, vals[2];
    LLVMBasicBlockRef bbs[2];
    if (t->kind != JP_LIST)
        return seq_item(c, v, t, jp_const_i64(c, 0), it);
    LLVMValueRef empty = LLVMBuildICmp(c->b, LLVMIntEQ, safe_len(c, v, t), jp_const_i64(c, 0), "");
    *it = t->dtype;
    from = LLVMGetInsertBlock(c->b);
    has = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "np.first");
    join = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "np.firstj");
    LLVMBuildCondBr(c->b, empty, join, has);
    LLVMPositionBuilderAtEnd(c->b, has);
    item = seq_item(c, v, t, jp_const_i64(c, 0), it);
    from2 = LLVMGetInsertBlock(c->b);
    LLVMBuildBr(c->b, join);
    LLVMPositionBuilderAtEnd(c->b, join);
    phi = LLVMBuildPhi(c->b, jp_llvm_type(c->ctx, *it), "");
    vals[0] = LLVMConstNull(jp_llvm_type(c->ctx, *it));
    vals[1] = item;
    bbs[0] = from;
    bbs[1] = from2;
    LLVMAddIncoming(phi, vals, bbs, 2);
    return phi;
}

static LLVMValueRef
copy_cast(lctx *c, void *vctx, LLVMValueRef *vals, jp_type **types)
{
    return jp_cast(c, vals[0], types[0], ((jp_type *)vctx)->dtype);
}

static LLVMValueRef
l_array(lctx *c, jp_node *call)
{
    jp_node *src = call->u.call.args[0];
    jp_type *rt = jp_node_type(c, call), *t = jp_node_type(c, src);
    LLVMValueRef v = jp_lower_expr(c, src), shape[32], cur;
    jp_type *ct = t;
    fill_ctx f;
    if (t->kind == JP_ARRAY) {
        if (rt == t && strstr(c->inst->resolved[call->id]->name, "asarray"))
            return v;       /* np.asarray of an array of that dtype: the same array */
        for (int k = 0; k < t->ndim; k++)
            shape[k] = jp_arr_field(c, v, 3, k);
        {
            LLVMValueRef out = jp_arr_alloc(c, rt, shape);
            return jp_elementwise(c, rt, out, 1, &v, &t, copy_cast, rt);
        }
    }
    /* the shape: the length at each level along the first items (an empty
     * list has none: its inner lengths read as 0) */
    cur = v;
    for (int k = 0; k < rt->ndim; k++) {
        shape[k] = safe_len(c, cur, ct);
        if (k + 1 < rt->ndim)
            cur = first_item(c, cur, ct, &ct);
    }
    memset(&f, 0, sizeof f);
    f.rt = rt;
    f.shape = shape;
    f.arr = jp_arr_alloc(c, rt, shape);
    fill(c, &f, v, t, 0);
    return f.arr;
}

/* ---- the table of module-level functions ---------------------------------------- */

static const char *const array_kw[] = {"dtype", NULL};

static const jp_lib_entry lib_functions[] = {
    {"numpy.array", 1, 2, array_kw, t_array, l_array},
    {"numpy.asarray", 1, 2, array_kw, t_array, l_array},
    {NULL, 0, 0, NULL, NULL, NULL},
};

int
jp_lib_function_lookup(PyObject *obj)
{
    PyObject *np;
    int found = -1;
    if (!jp_numpy_ready())
        return -1;
    {
        PyObject *mname = PyUnicode_FromString("numpy");
        np = mname ? PyImport_GetModule(mname) : NULL;
        Py_XDECREF(mname);
    }
    if (np == NULL) {
        PyErr_Clear();
        return -1;
    }
    for (int i = 0; lib_functions[i].name && found < 0; i++) {
        PyObject *f = PyObject_GetAttrString(np, lib_functions[i].name + 6);
        if (f == NULL)
            PyErr_Clear();
        else if (f == obj)
            found = i;
        Py_XDECREF(f);
    }
    for (int i = 0; jp_np_sort_functions[i].name && found < 0; i++) {
        PyObject *f = PyObject_GetAttrString(np, jp_np_sort_functions[i].name + 6);
        if (f == NULL)
            PyErr_Clear();
        else if (f == obj)
            found = JP_LIB_SORT_BASE + i;
        Py_XDECREF(f);
    }
    Py_DECREF(np);
    return found;
}

jp_type *
jp_infer_lib_call(ictx *c, jp_node *call)
{
    int id = call->u.call.func->u.callee.id;
    const jp_lib_entry *e = id >= JP_LIB_SORT_BASE ? &jp_np_sort_functions[id - JP_LIB_SORT_BASE] : &lib_functions[id];
    if (jp_lib_bind(c, call, e) < 0)
        return NULL;
    return e->type(c, call, NULL);
}

LLVMValueRef
jp_lower_lib_call(lctx *c, jp_node *call)
{
    return c->inst->resolved[call->id]->lower(c, call);
}
