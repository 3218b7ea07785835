/* jit/lower_np_reduce.c - running totals along an axis: np.cumsum(a, axis)
 * and np.cumprod(a, axis) (and the methods) of n-d arrays, the axis a
 * constant or a run-time int (negative counts from the end; out of range
 * is NumPy's AxisError text as a ValueError).  The result is a new C array
 * of a's shape in NumPy's accumulator type (lib_np_sort.c: small ints
 * widen to int64/uint64, bool to int64).
 *
 * One loop nest over the result in C order: an element's predecessor along
 * the axis comes before it in that order, so each element is its
 * predecessor's total combined with a's element (the first along the axis
 * starts the total). */
#include "jit/lower.h"
#include "jit/infer.h"
#include "jit/errors.h"

jp_type *
jp_infer_cum_axis(ictx *c, jp_node *call, jp_node *axis, jp_type *at, jp_type *acc)
{
    jp_type *t = jp_ioperand(c, axis);
    if (t == NULL || UNKNOWN(t))
        return t;
    if (t->kind != JP_INT && t->kind != JP_BOOL)
        return jp_error_at(JpTypingError, c->ir, axis, "pass an int, or leave axis out for the flattened total",
                           "axis must be an integer in jit code, not %s", t->name);
    if (at->dtype->kind == JP_COMPLEX || at->dtype->kind == JP_RECORD)
        return jp_error_at(JpUnsupportedError, c->ir, call, "use an integer, bool or float array",
                           "a running total of a %s array is not supported in jit code", at->dtype->name);
    return jp_type_array(acc, at->ndim, 'C', 0);
}

typedef struct cum_ctx {
    LLVMValueRef a, out, axis;
    jp_type *at, *rt;
    int prod;
} cum_ctx;

static void
cum_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    cum_ctx *x = vctx;
    int nd = x->at->ndim;
    LLVMValueRef prev_idx[32], first = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0), v, prev, r;
    jp_type *dt = x->rt->dtype;
    int saved = c->numpy_semantics;
    for (int d = 0; d < nd; d++) {
        LLVMValueRef here = LLVMBuildICmp(c->b, LLVMIntEQ, x->axis, jp_const_i64(c, d), "");
        LLVMValueRef zero = LLVMBuildICmp(c->b, LLVMIntEQ, idx[d], jp_const_i64(c, 0), "");
        first = LLVMBuildOr(c->b, first, LLVMBuildAnd(c->b, here, zero, ""), "");
        /* the predecessor along the axis (the element itself when it is the first) */
        prev_idx[d] = LLVMBuildSelect(c->b, LLVMBuildAnd(c->b, here, LLVMBuildNot(c->b, zero, ""), ""),
                                      LLVMBuildSub(c->b, idx[d], jp_const_i64(c, 1), ""), idx[d], "");
    }
    v = jp_cast(c, jp_arr_load(c, jp_arr_elem_ptr(c, x->a, x->at, idx, nd), x->at->dtype), x->at->dtype, dt);
    prev = jp_arr_load(c, jp_arr_elem_ptr(c, x->out, x->rt, prev_idx, nd), dt);
    c->numpy_semantics = 1;         /* integers wrap, as NumPy */
    r = jp_lower_binop(c, x->prod ? OP_MUL : OP_ADD, prev, dt, v, dt, dt, NULL);
    c->numpy_semantics = saved;
    jp_arr_store(c, jp_arr_elem_ptr(c, x->out, x->rt, idx, nd), dt, LLVMBuildSelect(c->b, first, v, r, ""));
}

LLVMValueRef
jp_lower_cum_axis(lctx *c, LLVMValueRef a, jp_type *at, jp_node *axis, jp_type *rt, int prod)
{
    LLVMValueRef shape[32], k, neg, bad;
    cum_ctx x;
    int nd = at->ndim;
    k = jp_cast(c, jp_lower_expr(c, axis), jp_node_type(c, axis), jp_type_int(64, 1));
    neg = LLVMBuildICmp(c->b, LLVMIntSLT, k, jp_const_i64(c, 0), "");
    k = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, k, jp_const_i64(c, nd), ""), k, "");
    bad = LLVMBuildICmp(c->b, LLVMIntUGE, k, jp_const_i64(c, nd), "");
    jp_check(c, bad, PyExc_ValueError, "axis is out of bounds for the array");
    for (int d = 0; d < nd; d++)
        shape[d] = jp_arr_field(c, a, 3, d);
    x.a = a;
    x.at = at;
    x.rt = rt;
    x.axis = k;
    x.prod = prod;
    x.out = jp_arr_alloc(c, rt, shape);
    jp_loop_nest(c, nd, shape, cum_body, &x);
    return x.out;
}
