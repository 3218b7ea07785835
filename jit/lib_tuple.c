/* jit/lib_tuple.c - tuple slices with constant bounds: `t[1:]`, `t[::-1]`,
 * and the middle of a starred target (`a, *rest = t` binds rest = t[1:]).
 * The result is a tuple whose length typing knows; lowering picks the
 * elements out of the aggregate. */
#include "jit/infer.h"
#include "jit/lower.h"
#include "jit/errors.h"

/* A constant (possibly negated) integer, or absent (NULL node). */
static int
const_part(jp_node *n, long long *v, int *present)
{
    *present = n != NULL;
    if (n == NULL)
        return 1;
    if (n->kind == E_CONST && (n->u.cnst.type->kind == JP_INT || n->u.cnst.type->kind == JP_BOOL)) {
        *v = n->u.cnst.v.i;
        return 1;
    }
    if (n->kind == E_CONST && n->u.cnst.type->kind == JP_NONE) {
        *present = 0;
        return 1;
    }
    if (n->kind == E_UNARY && n->u.unary.op == UOP_NEG && n->u.unary.operand->kind == E_CONST
        && n->u.unary.operand->u.cnst.type->kind == JP_INT) {
        *v = -n->u.unary.operand->u.cnst.v.i;
        return 1;
    }
    return 0;
}

/* The element indices a constant slice of an n-tuple selects (Python's
 * PySlice_AdjustIndices); -1 when a bound is not a constant. */
static int
slice_indices(jp_node *sl, int n, int *out)
{
    long long lo = 0, hi = 0, step = 1;
    int has_lo, has_hi, has_step, count = 0;
    if (!const_part(sl->u.slice.lower, &lo, &has_lo) || !const_part(sl->u.slice.upper, &hi, &has_hi)
        || !const_part(sl->u.slice.step, &step, &has_step) || step == 0)
        return -1;
    if (!has_step)
        step = 1;
    if (!has_lo)
        lo = step < 0 ? n - 1 : 0;
    else if (lo < 0)
        lo = lo + n < 0 ? (step < 0 ? -1 : 0) : lo + n;
    else if (lo >= n)
        lo = step < 0 ? n - 1 : n;
    if (!has_hi)
        hi = step < 0 ? -1 : n;
    else if (hi < 0)
        hi = hi + n < 0 ? (step < 0 ? -1 : 0) : hi + n;
    else if (hi >= n)
        hi = step < 0 ? n - 1 : n;
    for (long long i = lo; step > 0 ? i < hi : i > hi; i += step)
        out[count++] = (int)i;
    return count;
}

jp_type *
jp_infer_tuple_slice(ictx *c, jp_node *n, jp_type *v)
{
    int idx[64], k = slice_indices(n->u.subscript.index, v->n, idx);
    jp_type *elems[64];
    if (k < 0)
        return jp_error_at(JpTypingError, c->ir, n->u.subscript.index,
                           "slice a tuple with constant bounds (t[1:], t[:-1], t[::-1])",
                           "a tuple can only be sliced with constant bounds");
    for (int i = 0; i < k; i++)
        elems[i] = v->elems[idx[i]];
    return jp_type_tuple(k, elems);
}

LLVMValueRef
jp_lower_tuple_slice(lctx *c, jp_node *n)
{
    jp_type *tt = jp_node_type(c, n->u.subscript.value), *rt = jp_node_type(c, n);
    LLVMValueRef tv = jp_lower_expr(c, n->u.subscript.value), r;
    int idx[64], k = slice_indices(n->u.subscript.index, tt->n, idx);
    r = LLVMGetUndef(jp_llvm_type(c->ctx, rt));   /* filled below */
    for (int i = 0; i < k; i++)
        r = LLVMBuildInsertValue(c->b, r, LLVMBuildExtractValue(c->b, tv, (unsigned)idx[i], ""),
                                 (unsigned)i, "");
    return r;
}
