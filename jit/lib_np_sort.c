/* jit/lib_np_sort.c - sorting and statistics in jit code: typing and
 * lowering of arr.sort(), np.sort, np.argsort, np.median, np.percentile,
 * np.quantile, np.nanmedian, np.cumsum, np.cumprod, np.diff, np.unique,
 * np.searchsorted, np.digitize, np.bincount, np.histogram and the nan*
 * reductions, as entries of the resolver's table of module-level functions
 * (resolve.h).  The work is done in C by sort_runtime.c; the lowering here
 * passes arrays as (data, dtype code, ndim, shape, strides), allocates the
 * results and turns the runtime's error codes into NumPy's exceptions.
 *
 * What is not supported (axis= other than the default, other methods, ...)
 * is a TypingError/UnsupportedError at the call, naming what to write. */
#include "jit/resolve.h"
#include "jit/target.h"
#include "jit/errors.h"
#include "jit/sort_runtime.h"
#include "jit/axis_stats_runtime.h"

#include <string.h>

/* ---- typing helpers ----------------------------------------------------------------- */

static const char *
fname(jp_node *call)
{
    jp_node *f = call->u.call.func;
    return f->kind == E_ATTR ? f->u.attr.name : f->u.callee.name;
}

/* the i-th argument, positional or by keyword, or NULL */
static jp_node *
arg(jp_node *call, int i, const char *kw)
{
    if (i >= 0 && i < call->u.call.nargs)
        return call->u.call.args[i];
    return kw ? jp_lib_keyword(call, kw) : NULL;
}

static int
is_none(jp_node *n)
{
    return n == NULL || (n->kind == E_CONST && n->u.cnst.type->kind == JP_NONE);
}

static jp_type *
array_arg(ictx *c, jp_node *call, jp_node *n)
{
    jp_type *t;
    if (c->session->gpu)
        return jp_device_unsupported(c, call, "sort or reduce on the host, before or after the kernel", "%s() is",
                                     fname(call));
    t = jp_ioperand(c, n);
    if (t == NULL || UNKNOWN(t))
        return t;
    if (t->kind != JP_ARRAY)
        return jp_error_at(JpTypingError, c->ir, n, "convert it first: np.asarray(x)",
                           "%s() takes an array in jit code, not a %s", fname(call), t->name);
    if (t->dtype->kind != JP_INT && t->dtype->kind != JP_FLOAT && t->dtype->kind != JP_BOOL)
        return jp_error_at(JpUnsupportedError, c->ir, n, "use an integer, bool or float array",
                           "%s() of a %s array is not supported in jit code", fname(call), t->dtype->name);
    return t;
}

/* axis= must be absent or None (whole array) */
static int
no_axis(ictx *c, jp_node *call, const char *instead)
{
    jp_node *ax = jp_lib_keyword(call, "axis");
    if (is_none(ax))
        return 0;
    jp_error_at(JpUnsupportedError, c->ir, ax, instead, "%s(..., axis=...) is not supported in jit code",
                fname(call));
    return -1;
}

/* keywords accepted for NumPy's signature but refused unless at their default */
static int
refuse_kw(ictx *c, jp_node *call, const char *kw, const char *instead)
{
    jp_node *v = jp_lib_keyword(call, kw);
    if (v == NULL)
        return 0;
    if (v->kind == E_CONST && (v->u.cnst.type->kind == JP_NONE ||
                               (v->u.cnst.type->kind == JP_BOOL && v->u.cnst.v.i == 0)))
        return 0;
    jp_error_at(JpUnsupportedError, c->ir, v, instead, "%s(..., %s=...) is not supported in jit code",
                fname(call), kw);
    return -1;
}

static jp_type *
float_result(jp_type *dt)
{
    return dt->kind == JP_FLOAT ? dt : jp_type_float(64);
}

/* NumPy's accumulator type for sum/prod (and cumsum/cumprod): small ints widen */
static jp_type *
sum_result(jp_type *dt)
{
    if (dt->kind == JP_BOOL)
        return jp_type_int(64, 1);
    if (dt->kind == JP_INT)
        return jp_type_int(64, dt->is_signed);
    return dt;
}

/* a constant string argument (kind=, side=), or NULL after an error */
static const char *
str_arg(ictx *c, jp_node *call, jp_node *n, const char *what)
{
    if (n->kind != E_STR) {
        jp_error_at(JpTypingError, c->ir, n, "write the string literally", "%s() %s must be a constant string",
                    fname(call), what);
        return NULL;
    }
    return n->u.str.text;
}

static int
const_bool(ictx *c, jp_node *call, jp_node *n, const char *what, int *out)
{
    *out = 0;
    if (n == NULL)
        return 0;
    if (n->kind == E_CONST && (n->u.cnst.type->kind == JP_BOOL || n->u.cnst.type->kind == JP_INT)) {
        *out = n->u.cnst.v.i != 0;
        return 0;
    }
    jp_error_at(JpTypingError, c->ir, n, "write True or False", "%s() %s must be a constant True or False",
                fname(call), what);
    return -1;
}

/* ---- lowering helpers ----------------------------------------------------------------- */

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMTypeRef
i32t(lctx *c)
{
    return LLVMInt32TypeInContext(c->ctx);
}

static LLVMTypeRef
ptrt(lctx *c)
{
    return LLVMPointerTypeInContext(c->ctx, 0);
}

static LLVMValueRef
i32(lctx *c, int v)
{
    return LLVMConstInt(i32t(c), (unsigned long long)(long long)v, 1);
}

static int
dtcode(jp_type *dt)
{
    if (dt->kind == JP_BOOL)
        return JP_SDT_BOOL;
    if (dt->kind == JP_FLOAT)
        return dt->bits == 32 ? JP_SDT_F32 : JP_SDT_F64;
    switch (dt->bits) {
    case 8: return dt->is_signed ? JP_SDT_I8 : JP_SDT_U8;
    case 16: return dt->is_signed ? JP_SDT_I16 : JP_SDT_U16;
    case 32: return dt->is_signed ? JP_SDT_I32 : JP_SDT_U32;
    default: return dt->is_signed ? JP_SDT_I64 : JP_SDT_U64;
    }
}

/* An array as the runtime's (data, dtype, ndim, shape *, strides *): 5 arguments. */
static void
desc(lctx *c, LLVMValueRef v, jp_type *t, LLVMValueRef *out)
{
    LLVMValueRef sh = LLVMBuildExtractValue(c->b, v, 3, ""), st = LLVMBuildExtractValue(c->b, v, 4, "");
    LLVMValueRef psh = jp_alloca(c, LLVMTypeOf(sh), "sort.shape"), pst = jp_alloca(c, LLVMTypeOf(st), "sort.strides");
    LLVMBuildStore(c->b, sh, psh);
    LLVMBuildStore(c->b, st, pst);
    out[0] = jp_arr_field(c, v, 2, 0);
    out[1] = i32(c, dtcode(t->dtype));
    out[2] = jp_const_i64(c, t->ndim);
    out[3] = psh;
    out[4] = pst;
}

/* a call to a runtime function of up to 16 arguments (declared on first use) */
static LLVMValueRef
call_rt(lctx *c, const char *name, LLVMTypeRef ret, LLVMValueRef *args, int n)
{
    LLVMTypeRef params[16], fty;
    LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
    for (int i = 0; i < n; i++)
        params[i] = LLVMTypeOf(args[i]);
    fty = LLVMFunctionType(ret, params, (unsigned)n, 0);
    if (fn == NULL)
        fn = LLVMAddFunction(c->mod, name, fty);
    return LLVMBuildCall2(c->b, fty, fn, args, (unsigned)n, "");
}

static void
check_rc(lctx *c, LLVMValueRef rc, int code, PyObject *cls, const char *msg)
{
    LLVMValueRef k = LLVMConstInt(LLVMTypeOf(rc), (unsigned long long)(long long)code, 1);
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, rc, k, ""), cls, msg);
}

static void
check_nomem(lctx *c, LLVMValueRef rc)
{
    check_rc(c, rc, JP_SORT_ENOMEM, PyExc_MemoryError, "cannot allocate memory for the sort");
}

/* A new C-contiguous array of type rt with the shape of v (type t). */
static LLVMValueRef
alloc_like(lctx *c, jp_type *rt, LLVMValueRef v, jp_type *t)
{
    LLVMValueRef shape[32];
    for (int k = 0; k < t->ndim; k++)
        shape[k] = jp_arr_field(c, v, 3, k);
    return jp_arr_alloc(c, rt, shape);
}

static LLVMValueRef
alloc_1d(lctx *c, jp_type *dtype, LLVMValueRef n)
{
    return jp_arr_alloc(c, jp_type_array(dtype, 1, 'C', 0), &n);
}

/* A C-contiguous copy of all of v's items, as a 1-d array of dtype dt. */
static LLVMValueRef
flat_copy(lctx *c, LLVMValueRef v, jp_type *t, jp_type *dt)
{
    LLVMValueRef d[5], out, args[7];
    out = alloc_1d(c, dt, jp_arr_size(c, v, t));
    desc(c, v, t, d);
    args[0] = jp_arr_field(c, out, 2, 0);
    args[1] = i32(c, dtcode(dt));
    args[2] = d[0];
    args[3] = d[1];
    args[4] = d[2];
    args[5] = d[3];
    args[6] = d[4];
    call_rt(c, "jp_sort_gather", i64t(c), args, 7);
    return out;
}

/* ---- sort, argsort ------------------------------------------------------------------- */

static const char *const sort_kw[] = {"axis", "kind", "order", "stable", NULL};

/* kind=: 0 quicksort/heapsort, 1 stable; -1 after an error */
static int
sort_kind(ictx *c, jp_node *call, int kind_pos)
{
    jp_node *k = arg(call, kind_pos, "kind");
    jp_node *st = jp_lib_keyword(call, "stable");
    const char *s;
    int stable = 0;
    if (refuse_kw(c, call, "order", "sort a structured array's fields in Python") < 0)
        return -1;
    if (st && const_bool(c, call, st, "stable", &stable) < 0)
        return -1;
    if (is_none(k))
        return stable;
    if ((s = str_arg(c, call, k, "kind")) == NULL)
        return -1;
    if (strcmp(s, "quicksort") == 0 || strcmp(s, "heapsort") == 0)
        return stable;
    if (strcmp(s, "mergesort") == 0 || strcmp(s, "stable") == 0)
        return 1;
    jp_error_at(JpTypingError, c->ir, k, "use kind='quicksort', 'mergesort' or 'stable'",
                "%s() got an unknown kind '%s'", fname(call), s);
    return -1;
}

/* axis=: 1 along the last axis, 0 flattened (None); -1 after an error */
static int
sort_axis(ictx *c, jp_node *call, jp_type *t, int pos, int allow_none)
{
    jp_node *ax = arg(call, pos, "axis");
    if (ax == NULL)
        return 1;
    if (is_none(ax) && allow_none)
        return 0;
    if (ax->kind == E_CONST && ax->u.cnst.type->kind == JP_INT
        && (ax->u.cnst.v.i == t->ndim - 1 || ax->u.cnst.v.i == -1))
        return 1;
    if (ax->kind == E_UNARY && ax->u.unary.operand->kind == E_CONST
        && ax->u.unary.operand->u.cnst.type->kind == JP_INT && ax->u.unary.operand->u.cnst.v.i == 1)
        return 1;
    jp_error_at(JpUnsupportedError, c->ir, ax,
                allow_none ? "sort along the last axis (axis=-1, the default), or flatten with axis=None; for another axis transpose first: np.sort(a.T).T"
                           : "sort along the last axis (axis=-1, the default); for another axis transpose first",
                "%s(..., axis=...) is supported only for the last axis in jit code", fname(call));
    return -1;
}

static jp_type *
t_sort(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *t = array_arg(c, call, call->u.call.args[0]);
    int ax;
    (void)recv;
    if (t == NULL || UNKNOWN(t))
        return t;
    if (t->ndim == 0)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "Cannot sort a 0-d array");
    if ((ax = sort_axis(c, call, t, 1, 1)) < 0 || sort_kind(c, call, 2) < 0)
        return NULL;
    return jp_type_array(t->dtype, ax ? t->ndim : 1, 'C', 0);
}

static LLVMValueRef
l_sort(lctx *c, jp_node *call)
{
    jp_node *src = call->u.call.args[0];
    jp_type *t = jp_node_type(c, src), *rt = jp_node_type(c, call);
    const char *k = NULL;
    jp_node *kn = arg(call, 2, "kind"), *st = jp_lib_keyword(call, "stable");
    LLVMValueRef v = jp_lower_expr(c, src), out, args[5], rows, len;
    int stable = 0;
    if (kn && kn->kind == E_STR)
        k = kn->u.str.text;
    stable = (k && (strcmp(k, "mergesort") == 0 || strcmp(k, "stable") == 0))
             || (st && st->kind == E_CONST && st->u.cnst.v.i);
    out = flat_copy(c, v, t, t->dtype);
    if (rt->ndim == t->ndim && t->ndim > 1) {
        /* the C-order copy holds the rows along the last axis one after another */
        LLVMValueRef view = alloc_like(c, rt, v, t), a2[7], d[5];
        desc(c, v, t, d);
        a2[0] = jp_arr_field(c, view, 2, 0);
        a2[1] = d[1];
        a2[2] = d[0];
        a2[3] = d[1];
        a2[4] = d[2];
        a2[5] = d[3];
        a2[6] = d[4];
        call_rt(c, "jp_sort_gather", i64t(c), a2, 7);
        out = view;
        len = jp_arr_field(c, v, 3, t->ndim - 1);
        rows = LLVMBuildSDiv(c->b, jp_arr_size(c, v, t),
                             LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, len, jp_const_i64(c, 0), ""),
                                             jp_const_i64(c, 1), len, ""), "");
    } else {
        len = jp_arr_size(c, v, t);
        rows = jp_const_i64(c, 1);
    }
    args[0] = jp_arr_field(c, out, 2, 0);
    args[1] = i32(c, dtcode(t->dtype));
    args[2] = rows;
    args[3] = len;
    args[4] = i32(c, stable);
    check_nomem(c, call_rt(c, "jp_sort_rows", i32t(c), args, 5));
    return out;
}

static jp_type *
t_argsort(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *t = array_arg(c, call, call->u.call.args[0]);
    (void)recv;
    if (t == NULL || UNKNOWN(t))
        return t;
    if (t->ndim == 0)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "Cannot sort a 0-d array");
    if (sort_axis(c, call, t, 1, 0) < 0 || sort_kind(c, call, 2) < 0)
        return NULL;
    return jp_type_array(jp_type_int(64, 1), t->ndim, 'C', 0);
}

static LLVMValueRef
lower_argsort(lctx *c, jp_node *call, jp_node *src)
{
    jp_type *t = jp_node_type(c, src), *rt = jp_node_type(c, call);
    LLVMValueRef v = jp_lower_expr(c, src), out = alloc_like(c, rt, v, t), d[5], args[7];
    desc(c, v, t, d);
    args[0] = jp_arr_field(c, out, 2, 0);
    for (int k = 0; k < 5; k++)
        args[k + 1] = d[k];
    args[6] = i32(c, 1);
    check_nomem(c, call_rt(c, "jp_sort_argsort", i32t(c), args, 7));
    return out;
}

static LLVMValueRef
l_argsort(lctx *c, jp_node *call)
{
    return lower_argsort(c, call, call->u.call.args[0]);
}

/* a.argsort(axis=-1, kind=None) */
static jp_type *
t_argsort_method(ictx *c, jp_node *call, jp_type *recv)
{
    if (recv->ndim == 0)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "Cannot sort a 0-d array");
    if (recv->dtype->kind != JP_INT && recv->dtype->kind != JP_FLOAT && recv->dtype->kind != JP_BOOL)
        return jp_error_at(JpUnsupportedError, c->ir, call, "use an integer, bool or float array",
                           "argsort() of a %s array is not supported in jit code", recv->dtype->name);
    if (sort_axis(c, call, recv, 0, 0) < 0 || sort_kind(c, call, 1) < 0)
        return NULL;
    return jp_type_array(jp_type_int(64, 1), recv->ndim, 'C', 0);
}

static LLVMValueRef
l_argsort_method(lctx *c, jp_node *call)
{
    return lower_argsort(c, call, call->u.call.func->u.attr.value);
}

/* arr.sort(): in place along the last axis */
static jp_type *
t_sort_method(ictx *c, jp_node *call, jp_type *recv)
{
    if (recv->readonly)
        return jp_error_at(JpTypingError, c->ir, call, "sort a copy: b = np.sort(a)",
                           "cannot sort a read-only array in place");
    if (recv->dtype->kind != JP_INT && recv->dtype->kind != JP_FLOAT && recv->dtype->kind != JP_BOOL)
        return jp_error_at(JpUnsupportedError, c->ir, call, "use an integer, bool or float array",
                           "sort() of a %s array is not supported in jit code", recv->dtype->name);
    if (recv->ndim == 0)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "Cannot sort a 0-d array");
    if (sort_axis(c, call, recv, 0, 0) < 0 || sort_kind(c, call, 1) < 0)
        return NULL;
    return jp_type_none();
}

static LLVMValueRef
l_sort_method(lctx *c, jp_node *call)
{
    jp_node *self = call->u.call.func->u.attr.value;
    jp_type *t = jp_node_type(c, self);
    jp_node *kn = arg(call, 1, "kind");
    LLVMValueRef v = jp_lower_expr(c, self), d[5], args[6];
    int stable = kn && kn->kind == E_STR && (strcmp(kn->u.str.text, "mergesort") == 0
                                             || strcmp(kn->u.str.text, "stable") == 0);
    desc(c, v, t, d);
    for (int k = 0; k < 5; k++)
        args[k] = d[k];
    args[5] = i32(c, stable);
    check_nomem(c, call_rt(c, "jp_sort_inplace", i32t(c), args, 6));
    return LLVMConstNull(jp_llvm_type(c->ctx, jp_type_none()));
}

/* ---- along an integer axis (axis_stats_runtime.c) ------------------------------------- */

/* the axis argument of a median/quantile/nan-reduction call, or NULL */
static jp_node *
stat_axis(const jp_lib_entry *e, jp_node *call)
{
    int pos = strstr(e->name, "quantile") || strstr(e->name, "percentile") ? 2 : 1;
    return arg(call, pos, "axis");
}

/* the result type: rt for the whole array, an array of one dimension less
 * (C order) along an integer axis of an n-d array; keepdims=True (a
 * constant, with an axis): the array keeps the axis with length 1 */
static jp_type *
along_axis(ictx *c, jp_node *call, jp_type *t, jp_type *rt)
{
    jp_node *ax = stat_axis(c->inst->resolved[call->id], call), *kd = jp_lib_keyword(call, "keepdims");
    jp_type *at;
    int keep = 0;
    if (rt == NULL)
        return rt;
    if (kd) {
        if (!(kd->kind == E_CONST && kd->u.cnst.type->kind == JP_BOOL))
            return jp_error_at(JpUnsupportedError, c->ir, kd, "write keepdims=True or leave it out",
                               "%s(..., keepdims=...) takes a constant True or False in jit code", fname(call));
        keep = kd->u.cnst.v.i != 0;
        if (keep && is_none(ax))
            return jp_error_at(JpUnsupportedError, c->ir, kd, "reshape the result: f(a).reshape((1,) * a.ndim)",
                               "%s(..., keepdims=True) without an integer axis= is not supported in jit code",
                               fname(call));
    }
    if (is_none(ax))
        return rt;
    if ((at = jp_ioperand(c, ax)) == NULL || UNKNOWN(at))
        return at;
    if (at->kind != JP_INT)
        return jp_error_at(JpUnsupportedError, c->ir, ax, "reduce one axis at a time: f(f(a, axis=1), axis=0)",
                           "%s(..., axis=...) takes one integer axis in jit code, not %s", fname(call), at->name);
    if (rt->kind == JP_ARRAY)
        return jp_error_at(JpUnsupportedError, c->ir, ax, "one q at a time: f(a, q[i], axis=k)",
                           "%s() of an array q along an axis is not supported in jit code", fname(call));
    if (keep)
        return jp_type_array(rt, t->ndim, 'C', 0);
    return t->ndim == 1 ? rt : jp_type_array(rt, t->ndim - 1, 'C', 0);
}

/* f(a, [q,] axis=k): each lane along axis k reduced by the whole-array code */
static LLVMValueRef
lower_along_axis(lctx *c, jp_node *call, jp_node *ax, int kind, double scale, int op, jp_node *ddof)
{
    jp_node *src = call->u.call.args[0];
    jp_type *t = jp_node_type(c, src), *rt = jp_node_type(c, call), *i64 = jp_type_int(64, 1);
    jp_type *odt = rt->kind == JP_ARRAY ? rt->dtype : rt;
    LLVMValueRef v = jp_lower_expr(c, src), q = jp_const_f64(c, 0.5), k, neg, d[5], args[12], shape[32], out = NULL;
    LLVMValueRef data, rc;
    int nd = t->ndim;
    if (kind == JP_AXS_QUANTILE || kind == JP_AXS_NANQUANTILE) {
        jp_node *qn = call->u.call.args[1];
        q = jp_cast(c, jp_lower_expr(c, qn), jp_node_type(c, qn), jp_type_float(64));
        q = LLVMBuildFDiv(c->b, q, LLVMConstReal(LLVMDoubleTypeInContext(c->ctx), scale), "");
    }
    k = jp_cast(c, jp_lower_expr(c, ax), jp_node_type(c, ax), i64);
    neg = LLVMBuildICmp(c->b, LLVMIntSLT, k, jp_const_i64(c, 0), "");
    k = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, k, jp_const_i64(c, nd), ""), k, "");
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntUGE, k, jp_const_i64(c, nd), ""), PyExc_ValueError,
             "axis is out of bounds for the array");
    if (rt->kind == JP_ARRAY && rt->ndim == nd) {      /* keepdims=True: the axis stays, length 1 */
        for (int j = 0; j < nd; j++)
            shape[j] = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, jp_const_i64(c, j), k, ""),
                                       jp_const_i64(c, 1), jp_arr_field(c, v, 3, j), "");
        out = jp_arr_alloc(c, rt, shape);
        data = jp_arr_field(c, out, 2, 0);
    } else if (rt->kind == JP_ARRAY) {
        for (int j = 0; j < nd - 1; j++)
            shape[j] = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, jp_const_i64(c, j), k, ""),
                                       jp_arr_field(c, v, 3, j), jp_arr_field(c, v, 3, j + 1), "");
        out = jp_arr_alloc(c, rt, shape);
        data = jp_arr_field(c, out, 2, 0);
    } else {
        data = jp_alloca(c, jp_llvm_type(c->ctx, odt), "axis.out");
    }
    desc(c, v, t, d);
    args[0] = data;
    args[1] = i32(c, dtcode(odt));
    args[2] = i32(c, kind);
    args[3] = q;
    args[4] = i32(c, op);
    args[5] = ddof ? jp_cast(c, jp_lower_expr(c, ddof), jp_node_type(c, ddof), i64) : jp_const_i64(c, 0);
    for (int j = 0; j < 5; j++)
        args[6 + j] = d[j];
    args[11] = k;
    rc = call_rt(c, "jp_axis_stat", i32t(c), args, 12);
    check_nomem(c, rc);
    check_rc(c, rc, JP_SORT_ERANGE, PyExc_ValueError,
             scale == 100.0 ? "Percentiles must be in the range [0, 100]" : "Quantiles must be in the range [0, 1]");
    if (kind == JP_AXS_NANREDUCE)
        check_rc(c, rc, JP_SORT_EEMPTY, PyExc_ValueError,
                 "zero-size array to reduction operation which has no identity");
    else
        check_rc(c, rc, JP_SORT_EEMPTY, PyExc_IndexError, "index -1 is out of bounds for axis 0 with size 0");
    return out ? out : jp_arr_load(c, data, odt);
}

/* ---- median, percentile, quantile ----------------------------------------------------- */

static const char *const quantile_kw[] = {"axis", "out", "overwrite_input", "method", "keepdims", "interpolation",
                                          "weights", NULL};
static const char *const median_kw[] = {"axis", "out", "overwrite_input", "keepdims", NULL};


static int
quantile_opts(ictx *c, jp_node *call)
{
    jp_node *m = jp_lib_keyword(call, "method");
    if (refuse_kw(c, call, "out", "assign the result: out[...] = f(a)") < 0
        || refuse_kw(c, call, "interpolation", "leave it out: the default method is 'linear'") < 0
        || refuse_kw(c, call, "weights", "weights are not supported in jit code; leave them out") < 0)
        return -1;
    if (m && !(m->kind == E_STR && strcmp(m->u.str.text, "linear") == 0)) {
        jp_error_at(JpUnsupportedError, c->ir, m, "leave method= out (NumPy's default 'linear')",
                    "%s(..., method=...) other than 'linear' is not supported in jit code", fname(call));
        return -1;
    }
    return 0;
}

static jp_type *
t_median(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *t = array_arg(c, call, call->u.call.args[0]);
    (void)recv;
    if (t == NULL || UNKNOWN(t))
        return t;
    if (quantile_opts(c, call) < 0)
        return NULL;
    return along_axis(c, call, t, float_result(t->dtype));
}

static jp_type *
t_quantile(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *t = array_arg(c, call, call->u.call.args[0]), *q;
    (void)recv;
    if (t == NULL || UNKNOWN(t))
        return t;
    if ((q = jp_ioperand(c, call->u.call.args[1])) == NULL || UNKNOWN(q))
        return q;
    if (t->dtype->kind == JP_BOOL)
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], "convert it: a.astype(np.int64)",
                           "%s() of a bool array is not supported (NumPy: boolean subtract is not supported)",
                           fname(call));
    if (quantile_opts(c, call) < 0)
        return NULL;
    if (q->kind == JP_ARRAY && (q->dtype->kind == JP_INT || q->dtype->kind == JP_FLOAT)) {
        /* NumPy promotes with q's dtype: float32 data, float64 q -> float64 */
        jp_type *r = float_result(t->dtype);
        if (q->dtype->kind == JP_FLOAT && q->dtype->bits > r->bits)
            r = q->dtype;
        return along_axis(c, call, t, jp_type_array(r, q->ndim, 'C', 0));
    }
    if (q->kind != JP_INT && q->kind != JP_FLOAT)
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[1], "pass a number or an array: np.array([...])",
                           "%s() q must be a number or an array of numbers in jit code, not %s", fname(call),
                           q->name);
    return along_axis(c, call, t, float_result(t->dtype));
}

static LLVMValueRef
lower_quantile(lctx *c, jp_node *call, int median, int skipnan, double scale)
{
    jp_node *src = call->u.call.args[0], *qn = median ? NULL : call->u.call.args[1];
    jp_type *t = jp_node_type(c, src), *rt = jp_node_type(c, call), *qt = qn ? jp_node_type(c, qn) : NULL;
    jp_type *f64 = jp_type_float(64);
    jp_node *ax = stat_axis(c->inst->resolved[call->id], call);
    LLVMValueRef v, d[5], args[10], qbuf, nq, outbuf, out = NULL, rc;
    LLVMTypeRef dbl = LLVMDoubleTypeInContext(c->ctx);
    if (!is_none(ax))
        return lower_along_axis(c, call, ax, median ? (skipnan ? JP_AXS_NANMEDIAN : JP_AXS_MEDIAN)
                                                    : (skipnan ? JP_AXS_NANQUANTILE : JP_AXS_QUANTILE),
                                scale, 0, NULL);
    v = jp_lower_expr(c, src);
    if (qt && qt->kind == JP_ARRAY) {
        LLVMValueRef qv = jp_lower_expr(c, qn), qarr = flat_copy(c, qv, qt, f64);
        nq = jp_arr_size(c, qv, qt);
        qbuf = jp_arr_field(c, qarr, 2, 0);
        out = alloc_like(c, rt, qv, qt);
        outbuf = rt->dtype->bits == 64 ? jp_arr_field(c, out, 2, 0)
                                       : jp_arr_field(c, alloc_1d(c, f64, nq), 2, 0);
        if (scale != 1.0) {
            /* percentiles: each q / 100, in the copy */
            {
                LLVMValueRef ctr = jp_alloca(c, i64t(c), "q.i"), i;
                LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "q.head");
                LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "q.body");
                LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "q.done");
                LLVMBuildStore(c->b, jp_const_i64(c, 0), ctr);
                LLVMBuildBr(c->b, head);
                LLVMPositionBuilderAtEnd(c->b, head);
                i = LLVMBuildLoad2(c->b, i64t(c), ctr, "");
                LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, i, nq, ""), body, done);
                LLVMPositionBuilderAtEnd(c->b, body);
                {
                    LLVMValueRef p = LLVMBuildGEP2(c->b, dbl, qbuf, &i, 1, "");
                    LLVMBuildStore(c->b, LLVMBuildFDiv(c->b, LLVMBuildLoad2(c->b, dbl, p, ""),
                                                       LLVMConstReal(dbl, scale), ""), p);
                }
                LLVMBuildStore(c->b, LLVMBuildNSWAdd(c->b, i, jp_const_i64(c, 1), ""), ctr);
                LLVMBuildBr(c->b, head);
                LLVMPositionBuilderAtEnd(c->b, done);
            }
        }
    } else {
        LLVMValueRef q = qn ? jp_cast(c, jp_lower_expr(c, qn), qt, f64) : jp_const_f64(c, 0.5);
        qbuf = jp_alloca(c, dbl, "q");
        LLVMBuildStore(c->b, LLVMBuildFDiv(c->b, q, LLVMConstReal(dbl, scale), ""), qbuf);
        nq = jp_const_i64(c, 1);
        outbuf = jp_alloca(c, dbl, "q.out");
    }
    desc(c, v, t, d);
    args[0] = outbuf;
    args[1] = qbuf;
    args[2] = nq;
    for (int k = 0; k < 5; k++)
        args[3 + k] = d[k];
    args[8] = i32(c, median);
    args[9] = i32(c, skipnan);
    rc = call_rt(c, "jp_sort_quantiles", i32t(c), args, 10);
    check_nomem(c, rc);
    check_rc(c, rc, JP_SORT_ERANGE, PyExc_ValueError,
             scale == 100.0 ? "Percentiles must be in the range [0, 100]" : "Quantiles must be in the range [0, 1]");
    check_rc(c, rc, JP_SORT_EEMPTY, PyExc_IndexError, "index -1 is out of bounds for axis 0 with size 0");
    if (out == NULL)
        return jp_cast(c, LLVMBuildLoad2(c->b, dbl, outbuf, ""), f64, rt);
    if (rt->dtype->bits != 64) {
        /* float32 results: cast the doubles into the result */
        LLVMValueRef a2[7], shp = jp_alloca(c, i64t(c), "n"), str = jp_alloca(c, i64t(c), "s");
        LLVMBuildStore(c->b, nq, shp);
        LLVMBuildStore(c->b, jp_const_i64(c, 8), str);
        a2[0] = jp_arr_field(c, out, 2, 0);
        a2[1] = i32(c, JP_SDT_F32);
        a2[2] = outbuf;
        a2[3] = i32(c, JP_SDT_F64);
        a2[4] = jp_const_i64(c, 1);
        a2[5] = shp;
        a2[6] = str;
        call_rt(c, "jp_sort_gather", i64t(c), a2, 7);
    }
    return out;
}

static LLVMValueRef
l_median(lctx *c, jp_node *call)
{
    return lower_quantile(c, call, 1, 0, 1.0);
}

static LLVMValueRef
l_nanmedian(lctx *c, jp_node *call)
{
    return lower_quantile(c, call, 1, 1, 1.0);
}

static LLVMValueRef
l_quantile(lctx *c, jp_node *call)
{
    return lower_quantile(c, call, 0, 0, 1.0);
}

static LLVMValueRef
l_percentile(lctx *c, jp_node *call)
{
    return lower_quantile(c, call, 0, 0, 100.0);
}

static LLVMValueRef
l_nanquantile(lctx *c, jp_node *call)
{
    return lower_quantile(c, call, 0, 1, 1.0);
}

static LLVMValueRef
l_nanpercentile(lctx *c, jp_node *call)
{
    return lower_quantile(c, call, 0, 1, 100.0);
}

/* ---- cumsum, cumprod, diff ------------------------------------------------------------ */

static const char *const cum_kw[] = {"axis", "dtype", "out", NULL};

static jp_type *
t_cumsum(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *t = array_arg(c, call, call->u.call.args[0]);
    (void)recv;
    if (t == NULL || UNKNOWN(t))
        return t;
    if (!is_none(arg(call, 1, "axis")) && t->ndim > 1) {   /* along an axis: lower_np_reduce.c */
        if (refuse_kw(c, call, "dtype", "cast the result: np.cumsum(a, axis).astype(t)") < 0
            || refuse_kw(c, call, "out", "assign the result: out[:] = np.cumsum(a, axis)") < 0)
            return NULL;
        return jp_infer_cum_axis(c, call, arg(call, 1, "axis"), t, sum_result(t->dtype));
    }
    if (!is_none(arg(call, 1, "axis")) && !(t->ndim == 1 && arg(call, 1, "axis")->kind == E_CONST
                                            && arg(call, 1, "axis")->u.cnst.type->kind == JP_INT
                                            && arg(call, 1, "axis")->u.cnst.v.i == 0))
        return jp_error_at(JpUnsupportedError, c->ir, arg(call, 1, "axis"),
                           "leave axis out (the flattened running total), or loop over rows",
                           "%s(..., axis=...) of a %d-d array is not supported in jit code", fname(call), t->ndim);
    if (refuse_kw(c, call, "dtype", "cast the result: np.cumsum(a).astype(t)") < 0
        || refuse_kw(c, call, "out", "assign the result: out[:] = np.cumsum(a)") < 0)
        return NULL;
    return jp_type_array(sum_result(t->dtype), 1, 'C', 0);
}

static LLVMValueRef
lower_cum_of(lctx *c, jp_node *call, jp_node *src, int prod)
{
    jp_type *t = jp_node_type(c, src), *rt = jp_node_type(c, call);
    if (rt->ndim > 1) {     /* along an axis (typing chose it) */
        jp_node *ax = call->u.call.func->kind == E_ATTR ? arg(call, 0, "axis") : arg(call, 1, "axis");
        return jp_lower_cum_axis(c, jp_lower_expr(c, src), t, ax, rt, prod);
    }
    LLVMValueRef v = jp_lower_expr(c, src), out = alloc_1d(c, rt->dtype, jp_arr_size(c, v, t)), d[5], args[8];
    desc(c, v, t, d);
    args[0] = jp_arr_field(c, out, 2, 0);
    args[1] = i32(c, dtcode(rt->dtype));
    args[2] = d[0];
    args[3] = d[1];
    args[4] = d[2];
    args[5] = d[3];
    args[6] = d[4];
    args[7] = i32(c, prod);
    call_rt(c, "jp_sort_cumulate", LLVMVoidTypeInContext(c->ctx), args, 8);
    return out;
}

static LLVMValueRef
lower_cum(lctx *c, jp_node *call, int prod)
{
    return lower_cum_of(c, call, call->u.call.args[0], prod);
}

/* a.cumsum(), a.cumprod(): flattened (axis=None) */
static jp_type *
t_cum_method(ictx *c, jp_node *call, jp_type *recv)
{
    jp_node *ax = arg(call, 0, "axis");
    if (recv->dtype->kind != JP_INT && recv->dtype->kind != JP_FLOAT && recv->dtype->kind != JP_BOOL)
        return jp_error_at(JpUnsupportedError, c->ir, call, "use an integer, bool or float array",
                           "%s() of a %s array is not supported in jit code", fname(call), recv->dtype->name);
    if (!is_none(ax) && recv->ndim > 1) {  /* along an axis: lower_np_reduce.c */
        if (refuse_kw(c, call, "dtype", "cast the result: a.cumsum(axis).astype(t)") < 0
            || refuse_kw(c, call, "out", "assign the result: out[:] = a.cumsum(axis)") < 0)
            return NULL;
        return jp_infer_cum_axis(c, call, ax, recv, sum_result(recv->dtype));
    }
    if (!is_none(ax) && !(recv->ndim == 1 && ax->kind == E_CONST && ax->u.cnst.type->kind == JP_INT
                          && ax->u.cnst.v.i == 0))
        return jp_error_at(JpUnsupportedError, c->ir, ax, "leave axis out (the flattened running total), or loop over rows",
                           "%s(axis=...) of a %d-d array is not supported in jit code", fname(call), recv->ndim);
    if (refuse_kw(c, call, "dtype", "cast the result: a.cumsum().astype(t)") < 0
        || refuse_kw(c, call, "out", "assign the result: out[:] = a.cumsum()") < 0)
        return NULL;
    return jp_type_array(sum_result(recv->dtype), 1, 'C', 0);
}

static LLVMValueRef
l_cumsum_method(lctx *c, jp_node *call)
{
    return lower_cum_of(c, call, call->u.call.func->u.attr.value, 0);
}

static LLVMValueRef
l_cumprod_method(lctx *c, jp_node *call)
{
    return lower_cum_of(c, call, call->u.call.func->u.attr.value, 1);
}

static LLVMValueRef
l_cumsum(lctx *c, jp_node *call)
{
    return lower_cum(c, call, 0);
}

static LLVMValueRef
l_cumprod(lctx *c, jp_node *call)
{
    return lower_cum(c, call, 1);
}

static const char *const diff_kw[] = {"n", "axis", "prepend", "append", NULL};

static jp_type *
t_diff(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *t = array_arg(c, call, call->u.call.args[0]), *nt;
    jp_node *n = arg(call, 1, "n");
    (void)recv;
    if (t == NULL || UNKNOWN(t))
        return t;
    if (t->ndim != 1)
        return jp_error_at(JpUnsupportedError, c->ir, call, "for the last axis write a[..., 1:] - a[..., :-1]",
                           "np.diff() of a %d-d array is not supported in jit code", t->ndim);
    if (!is_none(arg(call, 2, "axis"))) {
        jp_node *ax = arg(call, 2, "axis");
        if (!(ax->kind == E_CONST && ax->u.cnst.type->kind == JP_INT && ax->u.cnst.v.i == 0)
            && !(ax->kind == E_UNARY && ax->u.unary.operand->kind == E_CONST && ax->u.unary.operand->u.cnst.v.i == 1))
            return jp_error_at(JpTypingError, c->ir, ax, NULL, "np.diff() axis out of range for a 1-d array");
    }
    if (refuse_kw(c, call, "prepend", "concatenate first, then diff") < 0
        || refuse_kw(c, call, "append", "concatenate first, then diff") < 0)
        return NULL;
    if (n && ((nt = jp_ioperand(c, n)) == NULL || nt->kind != JP_INT))
        return nt == NULL ? NULL : jp_error_at(JpTypingError, c->ir, n, NULL, "np.diff() n must be an integer");
    return jp_type_array(t->dtype, 1, 'C', 0);
}

static LLVMValueRef
l_diff(lctx *c, jp_node *call)
{
    jp_node *src = call->u.call.args[0], *nn = arg(call, 1, "n");
    jp_type *t = jp_node_type(c, src), *rt = jp_node_type(c, call);
    LLVMValueRef v = jp_lower_expr(c, src), len = jp_arr_field(c, v, 3, 0), n, m, out, args[6];
    n = nn ? jp_cast(c, jp_lower_expr(c, nn), jp_node_type(c, nn), jp_type_int(64, 1)) : jp_const_i64(c, 1);
    {
        LLVMValueRef bad = LLVMBuildICmp(c->b, LLVMIntSLT, n, jp_const_i64(c, 0), "");
        jp_check(c, bad, PyExc_ValueError, "order must be non-negative");
    }
    m = LLVMBuildSub(c->b, len, n, "");
    m = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, m, jp_const_i64(c, 0), ""), jp_const_i64(c, 0), m, "");
    out = alloc_1d(c, rt->dtype, m);
    args[0] = jp_arr_field(c, out, 2, 0);
    args[1] = jp_arr_field(c, v, 2, 0);
    args[2] = i32(c, dtcode(t->dtype));
    args[3] = len;
    args[4] = jp_arr_field(c, v, 4, 0);
    args[5] = n;
    check_nomem(c, call_rt(c, "jp_sort_diff", i32t(c), args, 6));
    return out;
}

/* ---- unique, searchsorted, digitize ---------------------------------------------------------- */

static const char *const unique_kw[] = {"return_index", "return_inverse", "return_counts", "axis", "equal_nan",
                                        "sorted", NULL};

static jp_type *
t_unique(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *t = array_arg(c, call, call->u.call.args[0]);
    (void)recv;
    if (t == NULL || UNKNOWN(t))
        return t;
    if (refuse_kw(c, call, "return_index", "compute indices with np.searchsorted(np.unique(a), a)") < 0
        || refuse_kw(c, call, "return_inverse", "use np.searchsorted(np.unique(a), a)") < 0
        || refuse_kw(c, call, "return_counts", "count with np.searchsorted on np.sort(a)") < 0
        || no_axis(c, call, "leave axis out: the flattened unique values") < 0)
        return NULL;
    {
        jp_node *en = jp_lib_keyword(call, "equal_nan");
        if (en && !(en->kind == E_CONST && en->u.cnst.v.i))
            return jp_error_at(JpUnsupportedError, c->ir, en, "leave equal_nan out (True)",
                               "np.unique(..., equal_nan=False) is not supported in jit code");
    }
    return jp_type_array(t->dtype, 1, 'C', 0);
}

static LLVMValueRef
l_unique(lctx *c, jp_node *call)
{
    jp_node *src = call->u.call.args[0];
    jp_type *t = jp_node_type(c, src), *rt = jp_node_type(c, call);
    LLVMValueRef v = jp_lower_expr(c, src), buf = flat_copy(c, v, t, t->dtype), args[3], k, shape[1], strides[1];
    args[0] = jp_arr_field(c, buf, 2, 0);
    args[1] = i32(c, dtcode(t->dtype));
    args[2] = jp_arr_size(c, v, t);
    k = call_rt(c, "jp_sort_unique", i64t(c), args, 3);
    check_nomem(c, k);
    /* the same block, shortened to the distinct values */
    shape[0] = k;
    strides[0] = jp_const_i64(c, (long long)t->dtype->size);
    return jp_arr_make(c, rt, jp_arr_field(c, buf, 0, 0), jp_arr_field(c, buf, 1, 0), jp_arr_field(c, buf, 2, 0),
                       shape, strides);
}

static const char *const searchsorted_kw[] = {"side", "sorter", NULL};

static jp_type *
scalar_or_array_result(ictx *c, jp_node *call, jp_node *vn, jp_type *rdt)
{
    jp_type *vt = jp_ioperand(c, vn);
    if (vt == NULL || UNKNOWN(vt))
        return vt;
    if (vt->kind == JP_ARRAY && (vt->dtype->kind == JP_INT || vt->dtype->kind == JP_FLOAT
                                 || vt->dtype->kind == JP_BOOL))
        return jp_type_array(rdt, vt->ndim, 'C', 0);
    if (vt->kind == JP_INT || vt->kind == JP_FLOAT || vt->kind == JP_BOOL)
        return rdt;
    return jp_error_at(JpTypingError, c->ir, vn, "pass a number or an array: np.array([...])",
                       "%s() takes a number or an array of numbers in jit code, not %s", fname(call), vt->name);
}

static jp_type *
t_searchsorted(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *t = array_arg(c, call, call->u.call.args[0]);
    jp_node *side = arg(call, 2, "side");
    (void)recv;
    if (t == NULL || UNKNOWN(t))
        return t;
    if (t->ndim != 1)
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], NULL, "np.searchsorted() needs a 1-d array");
    if (refuse_kw(c, call, "sorter", "sort first: np.searchsorted(a[sorter], v)") < 0)
        return NULL;
    if (side) {
        const char *s = str_arg(c, call, side, "side");
        if (s == NULL)
            return NULL;
        if (strcmp(s, "left") && strcmp(s, "right"))
            return jp_error_at(JpTypingError, c->ir, side, "use side='left' or side='right'",
                               "np.searchsorted() side must be 'left' or 'right', not '%s'", s);
    }
    return scalar_or_array_result(c, call, call->u.call.args[1], jp_type_int(64, 1));
}

/* v (scalar or array) as a runtime descriptor; scalars through a stack slot */
static void
value_desc(lctx *c, jp_node *vn, LLVMValueRef *d, LLVMValueRef *vv)
{
    jp_type *vt = jp_node_type(c, vn);
    LLVMValueRef v = jp_lower_expr(c, vn);
    *vv = v;
    if (vt->kind == JP_ARRAY) {
        desc(c, v, vt, d);
        return;
    }
    {
        jp_type *ft = vt->kind == JP_FLOAT ? jp_type_float(64)
                      : jp_type_int(64, !(vt->kind == JP_INT && !vt->is_signed));
        LLVMValueRef slot = jp_alloca(c, jp_llvm_type(c->ctx, ft), "v"), one = jp_alloca(c, i64t(c), "one");
        LLVMBuildStore(c->b, jp_cast(c, v, vt, ft), slot);
        LLVMBuildStore(c->b, jp_const_i64(c, 1), one);
        d[0] = slot;
        d[1] = i32(c, dtcode(ft));
        d[2] = jp_const_i64(c, 1);
        d[3] = one;
        d[4] = one;
    }
}

static LLVMValueRef
l_searchsorted(lctx *c, jp_node *call)
{
    jp_node *an = call->u.call.args[0], *vn = call->u.call.args[1], *side = arg(call, 2, "side");
    jp_type *at = jp_node_type(c, an), *vt = jp_node_type(c, vn), *rt = jp_node_type(c, call);
    LLVMValueRef a = jp_lower_expr(c, an), d[5], v, out, outp, args[11];
    value_desc(c, vn, d, &v);
    if (vt->kind == JP_ARRAY) {
        out = alloc_like(c, rt, v, vt);
        outp = jp_arr_field(c, out, 2, 0);
    } else {
        outp = jp_alloca(c, i64t(c), "pos");
        out = NULL;
    }
    args[0] = outp;
    args[1] = jp_arr_field(c, a, 2, 0);
    args[2] = i32(c, dtcode(at->dtype));
    args[3] = jp_arr_field(c, a, 3, 0);
    args[4] = jp_arr_field(c, a, 4, 0);
    for (int k = 0; k < 5; k++)
        args[5 + k] = d[k];
    args[10] = i32(c, side && strcmp(side->u.str.text, "right") == 0);
    call_rt(c, "jp_sort_searchsorted", LLVMVoidTypeInContext(c->ctx), args, 11);
    return out ? out : LLVMBuildLoad2(c->b, i64t(c), outp, "");
}

static const char *const digitize_kw[] = {"right", NULL};

static jp_type *
t_digitize(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *b = array_arg(c, call, call->u.call.args[1]);
    int right;
    (void)recv;
    if (b == NULL || UNKNOWN(b))
        return b;
    if (b->ndim != 1)
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[1], NULL, "bins must be 1-dimensional");
    if (const_bool(c, call, arg(call, 2, "right"), "right", &right) < 0)
        return NULL;
    return scalar_or_array_result(c, call, call->u.call.args[0], jp_type_int(64, 1));
}

static LLVMValueRef
l_digitize(lctx *c, jp_node *call)
{
    jp_node *xn = call->u.call.args[0], *bn = call->u.call.args[1], *rn = arg(call, 2, "right");
    jp_type *xt = jp_node_type(c, xn), *bt = jp_node_type(c, bn), *rt = jp_node_type(c, call);
    LLVMValueRef d[5], x, b, out, outp, args[11], rc;
    value_desc(c, xn, d, &x);
    b = jp_lower_expr(c, bn);
    if (xt->kind == JP_ARRAY) {
        out = alloc_like(c, rt, x, xt);
        outp = jp_arr_field(c, out, 2, 0);
    } else {
        outp = jp_alloca(c, i64t(c), "bin");
        out = NULL;
    }
    args[0] = outp;
    args[1] = jp_arr_field(c, b, 2, 0);
    args[2] = i32(c, dtcode(bt->dtype));
    args[3] = jp_arr_field(c, b, 3, 0);
    args[4] = jp_arr_field(c, b, 4, 0);
    for (int k = 0; k < 5; k++)
        args[5 + k] = d[k];
    args[10] = i32(c, rn && rn->kind == E_CONST && rn->u.cnst.v.i);
    rc = call_rt(c, "jp_sort_digitize", i32t(c), args, 11);
    check_rc(c, rc, JP_SORT_EMONO, PyExc_ValueError, "bins must be monotonically increasing or decreasing");
    return out ? out : LLVMBuildLoad2(c->b, i64t(c), outp, "");
}

/* ---- bincount, histogram ---------------------------------------------------------------- */

static const char *const bincount_kw[] = {"weights", "minlength", NULL};

static jp_type *
t_bincount(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *t = array_arg(c, call, call->u.call.args[0]), *wt = NULL, *mt;
    jp_node *w = arg(call, 1, "weights"), *ml = arg(call, 2, "minlength");
    (void)recv;
    if (t == NULL || UNKNOWN(t))
        return t;
    if (t->ndim != 1)
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], "flatten it: np.bincount(x.ravel())",
                           "object too deep for desired array: np.bincount() needs a 1-d array");
    if (t->dtype->kind == JP_FLOAT)
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], "cast it: np.bincount(x.astype(np.int64))",
                           "Cannot cast array data from dtype('%s') to dtype('int64') according to the rule 'safe'",
                           t->dtype->name);
    if (!is_none(w)) {
        if ((wt = array_arg(c, call, w)) == NULL || UNKNOWN(wt))
            return wt;
    }
    if (ml && ((mt = jp_ioperand(c, ml)) == NULL || mt->kind != JP_INT))
        return mt == NULL ? NULL : jp_error_at(JpTypingError, c->ir, ml, NULL, "minlength must be an integer");
    return jp_type_array(wt ? jp_type_float(64) : jp_type_int(64, 1), 1, 'C', 0);
}

static LLVMValueRef
l_bincount(lctx *c, jp_node *call)
{
    jp_node *xn = call->u.call.args[0], *wn = arg(call, 1, "weights"), *ml = arg(call, 2, "minlength");
    jp_type *xt = jp_node_type(c, xn), *rt = jp_node_type(c, call), *i64 = jp_type_int(64, 1);
    LLVMValueRef x = jp_lower_expr(c, xn), xs = flat_copy(c, x, xt, i64), n = jp_arr_size(c, x, xt), len, out, args[5];
    LLVMValueRef wbuf = LLVMConstNull(ptrt(c)), minl = jp_const_i64(c, 0);
    int weighted = !is_none(wn);
    if (weighted) {
        jp_type *wt = jp_node_type(c, wn);
        LLVMValueRef w = jp_lower_expr(c, wn);
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntNE, jp_arr_size(c, w, wt), n, ""), PyExc_ValueError,
                 "The weights and list don't have the same length.");
        wbuf = jp_arr_field(c, flat_copy(c, w, wt, jp_type_float(64)), 2, 0);
    }
    if (ml) {
        minl = jp_cast(c, jp_lower_expr(c, ml), jp_node_type(c, ml), i64);
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, minl, jp_const_i64(c, 0), ""), PyExc_ValueError,
                 "'minlength' must not be negative");
    }
    args[0] = jp_arr_field(c, xs, 2, 0);
    args[1] = n;
    args[2] = minl;
    len = call_rt(c, "jp_sort_bincount_len", i64t(c), args, 3);
    check_rc(c, len, JP_SORT_ENEG, PyExc_ValueError, "'list' argument must have no negative elements");
    out = alloc_1d(c, rt->dtype, len);
    {
        LLVMValueRef z = LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
        LLVMBuildMemSet(c->b, jp_arr_field(c, out, 2, 0), z, LLVMBuildMul(c->b, len, jp_const_i64(c, 8), ""), 8);
    }
    args[0] = jp_arr_field(c, out, 2, 0);
    args[1] = i32(c, weighted);
    args[2] = jp_arr_field(c, xs, 2, 0);
    args[3] = n;
    args[4] = wbuf;
    call_rt(c, "jp_sort_bincount", LLVMVoidTypeInContext(c->ctx), args, 5);
    return out;
}

static const char *const histogram_kw[] = {"bins", "range", "density", "weights", NULL};

static jp_type *
t_histogram(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *t = array_arg(c, call, call->u.call.args[0]), *bt = NULL, *elems[2];
    jp_node *bins = arg(call, 1, "bins"), *range = arg(call, 2, "range");
    (void)recv;
    if (t == NULL || UNKNOWN(t))
        return t;
    if (refuse_kw(c, call, "density", "divide yourself: h / (h.sum() * np.diff(edges))") < 0
        || refuse_kw(c, call, "weights", "use np.bincount(np.digitize(a, edges) - 1, weights=w)") < 0)
        return NULL;
    if (t->dtype->kind == JP_FLOAT && t->dtype->bits == 32)
        return jp_error_at(JpUnsupportedError, c->ir, call->u.call.args[0],
                           "histogram the float64 values: np.histogram(a.astype(np.float64), ...)",
                           "np.histogram() of a float32 array is not supported in jit code (NumPy bins it in float32)");
    if (bins) {
        if ((bt = jp_ioperand(c, bins)) == NULL || UNKNOWN(bt))
            return bt;
        if (bt->kind == JP_ARRAY) {
            if (bt->ndim != 1 || bt->dtype->kind == JP_COMPLEX)
                return jp_error_at(JpTypingError, c->ir, bins, NULL, "`bins` must be 1d, when an array");
        } else if (bt->kind != JP_INT) {
            return jp_error_at(JpUnsupportedError, c->ir, bins, "pass a number of bins or an array of edges",
                               "np.histogram() bins=%s is not supported in jit code", bt->name);
        }
    }
    if (!is_none(range)) {
        jp_type *r = jp_ioperand(c, range);
        if (r == NULL || UNKNOWN(r))
            return r;
        if (r->kind != JP_TUPLE || r->n != 2 || !jp_is_number(r->elems[0]) || !jp_is_number(r->elems[1]))
            return jp_error_at(JpTypingError, c->ir, range, "pass range=(lo, hi)",
                               "np.histogram() range must be a pair of numbers");
        if (bt && bt->kind == JP_ARRAY)
            return jp_error_at(JpUnsupportedError, c->ir, range, "leave range out when bins is an array",
                               "np.histogram() with bins as an array and range= is not supported in jit code");
    }
    elems[0] = jp_type_array(jp_type_int(64, 1), 1, 'C', 0);
    elems[1] = jp_type_array(bt && bt->kind == JP_ARRAY ? bt->dtype : jp_type_float(64), 1, 'C', 0);
    return jp_type_tuple(2, elems);
}

static LLVMValueRef
l_histogram(lctx *c, jp_node *call)
{
    jp_node *an = call->u.call.args[0], *bins = arg(call, 1, "bins"), *range = arg(call, 2, "range");
    jp_type *at = jp_node_type(c, an), *rt = jp_node_type(c, call), *f64 = jp_type_float(64);
    jp_type *bt = bins ? jp_node_type(c, bins) : NULL;
    LLVMValueRef a = jp_lower_expr(c, an), abuf = flat_copy(c, a, at, f64), n = jp_arr_size(c, a, at);
    LLVMValueRef hist, edges, rc, tup;
    if (bt && bt->kind == JP_ARRAY) {
        LLVMValueRef b = jp_lower_expr(c, bins), nb = jp_arr_field(c, b, 3, 0), eb = flat_copy(c, b, bt, f64), args[5];
        LLVMValueRef nh = LLVMBuildSub(c->b, nb, jp_const_i64(c, 1), "");
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, nh, jp_const_i64(c, 0), ""), PyExc_ValueError,
                 "`bins` must have at least one edge");
        hist = alloc_1d(c, jp_type_int(64, 1), nh);
        edges = flat_copy(c, b, bt, bt->dtype);
        args[0] = jp_arr_field(c, hist, 2, 0);
        args[1] = jp_arr_field(c, eb, 2, 0);
        args[2] = nb;
        args[3] = jp_arr_field(c, abuf, 2, 0);
        args[4] = n;
        rc = call_rt(c, "jp_sort_histogram_edges", i32t(c), args, 5);
        check_rc(c, rc, JP_SORT_EMONO, PyExc_ValueError, "`bins` must increase monotonically, when an array");
    } else {
        LLVMValueRef nb = bins ? jp_cast(c, jp_lower_expr(c, bins), bt, jp_type_int(64, 1)) : jp_const_i64(c, 10);
        LLVMValueRef args[8], lo = jp_const_f64(c, 0), hi = jp_const_f64(c, 0);
        int has_range = !is_none(range);
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, nb, jp_const_i64(c, 1), ""), PyExc_ValueError,
                 "`bins` must be positive, when an integer");
        if (has_range) {
            jp_type *r = jp_node_type(c, range);
            LLVMValueRef rv = jp_lower_expr(c, range);
            lo = jp_cast(c, LLVMBuildExtractValue(c->b, rv, 0, ""), r->elems[0], f64);
            hi = jp_cast(c, LLVMBuildExtractValue(c->b, rv, 1, ""), r->elems[1], f64);
        }
        hist = alloc_1d(c, jp_type_int(64, 1), nb);
        edges = alloc_1d(c, f64, LLVMBuildAdd(c->b, nb, jp_const_i64(c, 1), ""));
        args[0] = jp_arr_field(c, hist, 2, 0);
        args[1] = jp_arr_field(c, edges, 2, 0);
        args[2] = nb;
        args[3] = jp_arr_field(c, abuf, 2, 0);
        args[4] = n;
        args[5] = i32(c, has_range);
        args[6] = lo;
        args[7] = hi;
        rc = call_rt(c, "jp_sort_histogram", i32t(c), args, 8);
        check_rc(c, rc, JP_SORT_ERANGE, PyExc_ValueError, "max must be larger than min in range parameter.");
        check_rc(c, rc, JP_SORT_ENONFINITE, PyExc_ValueError,
                 has_range ? "supplied range is not finite" : "autodetected range is not finite");
    }
    tup = LLVMGetUndef(jp_llvm_type(c->ctx, rt));
    tup = LLVMBuildInsertValue(c->b, tup, hist, 0, "");
    return LLVMBuildInsertValue(c->b, tup, edges, 1, "");
}

/* ---- nan reductions --------------------------------------------------------------------- */

static const char *const nanred_kw[] = {"axis", "dtype", "out", "keepdims", "ddof", "initial", "where", NULL};

/* the operator from the entry typing chose ("numpy.nanstd") */
static int
nan_op(const jp_lib_entry *e)
{
    static const char *const names[] = {"numpy.nansum", "numpy.nanprod", "numpy.nanmin", "numpy.nanmax",
                                        "numpy.nanmean", "numpy.nanvar", "numpy.nanstd"};
    for (int i = 0; i < 7; i++)
        if (strcmp(e->name, names[i]) == 0)
            return i;
    return 0;
}

static jp_type *
t_nanreduce(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *t = array_arg(c, call, call->u.call.args[0]);
    int op = nan_op(c->inst->resolved[call->id]);
    jp_node *ddof = jp_lib_keyword(call, "ddof");
    (void)recv;
    if (t == NULL || UNKNOWN(t))
        return t;
    if (refuse_kw(c, call, "dtype", "cast the input: f(a.astype(t))") < 0
        || refuse_kw(c, call, "out", "assign the result") < 0
        || refuse_kw(c, call, "initial", "combine the result with it yourself") < 0
        || refuse_kw(c, call, "where", "mask first: f(a[mask])") < 0)
        return NULL;
    if (ddof && op != JP_NAN_VAR && op != JP_NAN_STD)
        return jp_error_at(JpTypingError, c->ir, ddof, NULL, "%s() got an unexpected keyword argument 'ddof'",
                           fname(call));
    if (ddof) {
        jp_type *dt = jp_ioperand(c, ddof);
        if (dt == NULL || dt->kind != JP_INT)
            return dt == NULL ? NULL : jp_error_at(JpTypingError, c->ir, ddof, NULL, "ddof must be an integer");
    }
    switch (op) {
    case JP_NAN_SUM: case JP_NAN_PROD: return along_axis(c, call, t, sum_result(t->dtype));
    case JP_NAN_MIN: case JP_NAN_MAX: return along_axis(c, call, t, t->dtype);
    default: return along_axis(c, call, t, float_result(t->dtype));
    }
}

static LLVMValueRef
l_nanreduce(lctx *c, jp_node *call)
{
    jp_node *src = call->u.call.args[0], *ddof = jp_lib_keyword(call, "ddof");
    jp_type *t = jp_node_type(c, src), *rt = jp_node_type(c, call);
    int op = nan_op(c->inst->resolved[call->id]);
    LLVMValueRef v, d[5], args[9], rc, fslot, islot;
    jp_node *ax = stat_axis(c->inst->resolved[call->id], call);
    if (!is_none(ax))
        return lower_along_axis(c, call, ax, JP_AXS_NANREDUCE, 1.0, op, ddof);
    v = jp_lower_expr(c, src);
    fslot = jp_alloca(c, LLVMDoubleTypeInContext(c->ctx), "nan.f");
    islot = jp_alloca(c, i64t(c), "nan.i");
    desc(c, v, t, d);
    args[0] = fslot;
    args[1] = islot;
    args[2] = i32(c, op);
    args[3] = ddof ? jp_cast(c, jp_lower_expr(c, ddof), jp_node_type(c, ddof), jp_type_int(64, 1)) : jp_const_i64(c, 0);
    for (int k = 0; k < 5; k++)
        args[4 + k] = d[k];
    rc = call_rt(c, "jp_sort_nanreduce", i32t(c), args, 9);
    check_rc(c, rc, JP_SORT_EEMPTY, PyExc_ValueError,
             "zero-size array to reduction operation which has no identity");
    if (t->dtype->kind != JP_FLOAT && op <= JP_NAN_MAX)
        return jp_cast(c, LLVMBuildLoad2(c->b, i64t(c), islot, ""), jp_type_int(64, 1), rt);
    return jp_cast(c, LLVMBuildLoad2(c->b, LLVMDoubleTypeInContext(c->ctx), fslot, ""), jp_type_float(64), rt);
}

/* ---- the tables ------------------------------------------------------------------------ */

const jp_lib_entry jp_np_sort_functions[] = {
    {"numpy.sort", 1, 3, sort_kw, t_sort, l_sort},
    {"numpy.argsort", 1, 3, sort_kw, t_argsort, l_argsort},
    {"numpy.median", 1, 2, median_kw, t_median, l_median},
    {"numpy.nanmedian", 1, 2, median_kw, t_median, l_nanmedian},
    {"numpy.quantile", 2, 3, quantile_kw, t_quantile, l_quantile},
    {"numpy.percentile", 2, 3, quantile_kw, t_quantile, l_percentile},
    {"numpy.nanquantile", 2, 3, quantile_kw, t_quantile, l_nanquantile},
    {"numpy.nanpercentile", 2, 3, quantile_kw, t_quantile, l_nanpercentile},
    {"numpy.cumsum", 1, 2, cum_kw, t_cumsum, l_cumsum},
    {"numpy.cumprod", 1, 2, cum_kw, t_cumsum, l_cumprod},
    {"numpy.diff", 1, 3, diff_kw, t_diff, l_diff},
    {"numpy.unique", 1, 1, unique_kw, t_unique, l_unique},
    {"numpy.searchsorted", 2, 3, searchsorted_kw, t_searchsorted, l_searchsorted},
    {"numpy.digitize", 2, 3, digitize_kw, t_digitize, l_digitize},
    {"numpy.bincount", 1, 3, bincount_kw, t_bincount, l_bincount},
    {"numpy.histogram", 1, 3, histogram_kw, t_histogram, l_histogram},
    {"numpy.nansum", 1, 2, nanred_kw, t_nanreduce, l_nanreduce},
    {"numpy.nanprod", 1, 2, nanred_kw, t_nanreduce, l_nanreduce},
    {"numpy.nanmin", 1, 2, nanred_kw, t_nanreduce, l_nanreduce},
    {"numpy.nanmax", 1, 2, nanred_kw, t_nanreduce, l_nanreduce},
    {"numpy.nanmean", 1, 2, nanred_kw, t_nanreduce, l_nanreduce},
    {"numpy.nanvar", 1, 2, nanred_kw, t_nanreduce, l_nanreduce},
    {"numpy.nanstd", 1, 2, nanred_kw, t_nanreduce, l_nanreduce},
    {NULL, 0, 0, NULL, NULL, NULL},
};

/* array methods: a.sort(), a.argsort(), a.cumsum(), a.cumprod() */
static const char *const sort_method_kw[] = {"axis", "kind", "order", "stable", NULL};
static const jp_lib_entry sort_methods[] = {
    {"sort", 0, 2, sort_method_kw, t_sort_method, l_sort_method},
    {"argsort", 0, 2, sort_method_kw, t_argsort_method, l_argsort_method},
    {"cumsum", 0, 1, cum_kw, t_cum_method, l_cumsum_method},
    {"cumprod", 0, 1, cum_kw, t_cum_method, l_cumprod_method},
    {NULL, 0, 0, NULL, NULL, NULL},
};

jp_type *
jp_infer_sort_method(ictx *c, jp_node *call, jp_type *recv)
{
    const jp_lib_entry *e = jp_lib_find(sort_methods, call->u.call.func->u.attr.name);
    if (e == NULL)
        return NULL;
    if (c->session->gpu)
        return jp_device_unsupported(c, call, "sort on the host, before or after the kernel", "%s() is", e->name);
    if (jp_lib_bind(c, call, e) < 0)
        return NULL;
    return e->type(c, call, recv);
}

int
jp_is_sort_method(const char *name)
{
    return jp_lib_find(sort_methods, name) != NULL;
}
