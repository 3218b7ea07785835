/* jit/lower_fancy.c - lowering of NumPy's advanced indexing (typed by
 * infer_fancy.c): one integer-array or boolean-mask index per subscript,
 * with ints, slices and None items around it.
 *
 * A subscript becomes a selection: a strided view of the base (ints and
 * slices applied, None adding a length-1 axis of stride 0) in which the
 * advanced index occupies one axis, `adv`, whose positions are a new int64
 * array of byte offsets (`offs`, a statement temp): idx[j] * stride for an
 * integer array (always bounds-checked, as NumPy), and the offsets of the
 * True elements in C order for a mask over one or more axes.  A read
 * gathers the selection into a new C-contiguous array (an integer index is
 * then read in the gather loop itself, no offsets array); a write broadcasts
 * the value into such a buffer first and scatters it (so the right-hand
 * side may alias the target), and `a[idx] += x` gathers, adds and
 * scatters, NumPy's buffered semantics: a repeated index is updated once.
 * `a[mask] = scalar` is one masked loop over the mask's axes.
 */
#include "jit/lower.h"
#include "jit/resolve.h"
#include "jit/compiler.h"
#include "jit/errors.h"

#include <string.h>

#define MAXD 32

typedef struct sel {
    int ndim;
    LLVMValueRef shape[MAXD], strides[MAXD];
    LLVMValueRef data;
    int adv;                /* axis of the advanced index, -1: none (a view) */
    LLVMValueRef offs;      /* int64[count] byte offsets along adv */
    /* lazy selections (no offsets array): an integer index read element by
     * element (reads: nothing is written before a bad index raises), or a
     * mask whose dimensions stay in the selection (a scalar store) */
    int lazy_int, lazy_mask;
    LLVMValueRef idx, isize, istride, mask;
    jp_type *it, *mt;
    int iaxis;
} sel;

static LLVMValueRef
i64c(lctx *c, long long v)
{
    return jp_const_i64(c, v);
}

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMValueRef
gep(lctx *c, LLVMValueRef base, LLVMValueRef off)
{
    return LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), base, &off, 1, "");
}

static void
raise_if(lctx *c, LLVMValueRef failed, PyObject *cls, int format, LLVMValueRef a0, LLVMValueRef a1,
         LLVMValueRef a2)
{
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "raise");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ok");
    LLVMBuildCondBr(c->b, failed, bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    jp_raise_formatted(c, cls, format, a0, a1, a2);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

int
jp_lower_is_fancy(lctx *c, jp_node *idx)
{
    jp_node **items = &idx;
    int n = 1;
    if (idx->kind == E_TUPLE) {
        items = idx->u.tuple.elts;
        n = idx->u.tuple.n;
    }
    for (int i = 0; i < n; i++) {
        jp_type *t = jp_node_type(c, items[i]);
        if (t->kind == JP_ARRAY || t->kind == JP_NONE || t->kind == JP_ELLIPSIS || t->kind == JP_LIST)
            return 1;
    }
    return 0;
}

/* ---- integer index arrays ------------------------------------------------------------- */

typedef struct int_ctx {
    LLVMValueRef idx, offs, size, stride;
    jp_type *it, *ot;
    int axis;
} int_ctx;

/* the byte offset of idx[j] along an axis of size/stride, bounds-checked */
static LLVMValueRef
index_offset(lctx *c, LLVMValueRef idx, jp_type *it, LLVMValueRef j, LLVMValueRef size, LLVMValueRef stride,
             int axis)
{
    LLVMValueRef i, neg, w;
    if (it->kind == JP_LIST) {
        i = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, it->dtype), jp_list_item_ptr(c, idx, it, j), "");
        i = jp_cast(c, i, it->dtype, jp_type_int(64, 1));
    } else {
        i = jp_cast(c, jp_arr_load(c, jp_arr_elem_ptr(c, idx, it, &j, 1), it->dtype), it->dtype,
                    jp_type_int(64, 1));
    }
    neg = LLVMBuildICmp(c->b, LLVMIntSLT, i, i64c(c, 0), "");
    w = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, i, size, ""), i, "");
    raise_if(c, LLVMBuildICmp(c->b, LLVMIntUGE, w, size, ""), PyExc_IndexError, JP_EXC_INDEX, i,
             i64c(c, axis), size);
    return LLVMBuildMul(c->b, w, stride, "");
}

static void
int_body(lctx *c, void *vctx, LLVMValueRef *j)
{
    int_ctx *x = vctx;
    LLVMValueRef off = index_offset(c, x->idx, x->it, j[0], x->size, x->stride, x->axis);
    jp_arr_store(c, jp_arr_elem_ptr(c, x->offs, x->ot, j, 1), x->ot->dtype, off);
}

/* ---- boolean masks -------------------------------------------------------------------- */

typedef struct mask_ctx {
    LLVMValueRef mask, counter, offs, *strides;
    jp_type *mt, *ot;
} mask_ctx;

static void
count_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    mask_ctx *x = vctx;
    LLVMValueRef b = jp_arr_load(c, jp_arr_elem_ptr(c, x->mask, x->mt, idx, x->mt->ndim), x->mt->dtype);
    LLVMValueRef n = LLVMBuildLoad2(c->b, i64t(c), x->counter, "");
    LLVMBuildStore(c->b, LLVMBuildAdd(c->b, n, LLVMBuildZExt(c->b, b, i64t(c), ""), ""), x->counter);
}

static void
fill_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    mask_ctx *x = vctx;
    LLVMValueRef b = jp_arr_load(c, jp_arr_elem_ptr(c, x->mask, x->mt, idx, x->mt->ndim), x->mt->dtype);
    LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "mask.yes");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "mask.next");
    LLVMValueRef n, off = i64c(c, 0);
    LLVMBuildCondBr(c->b, b, yes, next);
    LLVMPositionBuilderAtEnd(c->b, yes);
    for (int d = 0; d < x->mt->ndim; d++)
        off = LLVMBuildAdd(c->b, off, LLVMBuildMul(c->b, idx[d], x->strides[d], ""), "");
    n = LLVMBuildLoad2(c->b, i64t(c), x->counter, "");
    jp_arr_store(c, jp_arr_elem_ptr(c, x->offs, x->ot, &n, 1), x->ot->dtype, off);
    LLVMBuildStore(c->b, LLVMBuildAdd(c->b, n, i64c(c, 1), ""), x->counter);
    LLVMBuildBr(c->b, next);
    LLVMPositionBuilderAtEnd(c->b, next);
}

/* ---- the selection -------------------------------------------------------------------- */

static void
slice_dim(lctx *c, jp_node *it, LLVMValueRef size, LLVMValueRef stride, LLVMValueRef *off, sel *s)
{
    jp_lower_slice_dim(c, it, size, stride, off, &s->shape[s->ndim], &s->strides[s->ndim]);
    s->ndim++;
}

/* lazy: 0 resolve the advanced index into offsets; 1 read an integer index
 * in place; 2 also keep a mask's axes (a[mask] = scalar) */
static void
build_sel(lctx *c, LLVMValueRef arr, jp_type *t, jp_node *idx, sel *s, int lazy)
{
    jp_node **items = &idx;
    int nitems = 1, k = 0, consumed = 0;
    LLVMValueRef off = i64c(c, 0);
    jp_type *ot = jp_type_array(jp_type_int(64, 1), 1, 'C', 0);
    if (idx->kind == E_TUPLE) {
        items = idx->u.tuple.elts;
        nitems = idx->u.tuple.n;
    }
    s->ndim = 0;
    s->adv = -1;
    s->offs = NULL;
    s->lazy_int = s->lazy_mask = 0;
    for (int i = 0; i < nitems; i++) {
        jp_type *tt = jp_node_type(c, items[i]);
        if (tt->kind != JP_NONE && tt->kind != JP_ELLIPSIS)
            consumed += tt->kind == JP_ARRAY && tt->dtype->kind == JP_BOOL ? tt->ndim : 1;
    }
    for (int i = 0; i < nitems; i++) {
        jp_node *it = items[i];
        jp_type *tt = jp_node_type(c, it);
        if (tt->kind == JP_ELLIPSIS) {
            /* full slices over the dimensions the other items leave */
            for (int e = 0; e < t->ndim - consumed; e++, k++) {
                s->shape[s->ndim] = jp_arr_field(c, arr, 3, k);
                s->strides[s->ndim++] = jp_arr_field(c, arr, 4, k);
            }
            continue;
        }
        if (tt->kind == JP_NONE) {
            s->shape[s->ndim] = i64c(c, 1);
            s->strides[s->ndim++] = i64c(c, 0);
            continue;
        }
        if (tt->kind == JP_SLICE) {
            slice_dim(c, it, jp_arr_field(c, arr, 3, k), jp_arr_field(c, arr, 4, k), &off, s);
            k++;
        } else if (tt->kind == JP_LIST || (tt->kind == JP_ARRAY && tt->dtype->kind != JP_BOOL)) {
            int_ctx x;
            LLVMValueRef n;
            x.idx = jp_lower_expr(c, it);
            x.it = tt;
            x.ot = ot;
            x.size = jp_arr_field(c, arr, 3, k);
            x.stride = jp_arr_field(c, arr, 4, k);
            x.axis = k;
            n = tt->kind == JP_LIST ? jp_list_len(c, x.idx) : jp_arr_field(c, x.idx, 3, 0);
            if (lazy) {
                s->lazy_int = 1;
                s->idx = x.idx;
                s->it = tt;
                s->isize = x.size;
                s->istride = x.stride;
                s->iaxis = k;
                s->adv = s->ndim;
                s->shape[s->ndim] = n;
                s->strides[s->ndim++] = i64c(c, 0);
                k++;
                continue;
            }
            x.offs = jp_arr_alloc(c, ot, &n);
            jp_loop_nest(c, 1, &n, int_body, &x);
            s->adv = s->ndim;
            s->offs = x.offs;
            s->shape[s->ndim] = n;
            s->strides[s->ndim++] = i64c(c, 0);
            k++;
        } else if (tt->kind == JP_ARRAY) {
            mask_ctx x;
            LLVMValueRef ext[MAXD], strides[MAXD], n;
            x.mask = jp_lower_expr(c, it);
            x.mt = tt;
            x.ot = ot;
            x.strides = strides;
            for (int d = 0; d < tt->ndim; d++) {
                LLVMValueRef want = jp_arr_field(c, arr, 3, k + d);
                ext[d] = jp_arr_field(c, x.mask, 3, d);
                strides[d] = jp_arr_field(c, arr, 4, k + d);
                jp_check_dynamic(c, LLVMBuildICmp(c->b, LLVMIntNE, ext[d], want, ""), PyExc_IndexError,
                                 "jp_rt_mask_mismatch_message",
                                 (LLVMValueRef[]){i64c(c, k + d), want, ext[d]}, 3);
            }
            if (lazy == 2) {
                s->lazy_mask = 1;
                s->mask = x.mask;
                s->mt = tt;
                s->adv = s->ndim;
                for (int d = 0; d < tt->ndim; d++) {
                    s->shape[s->ndim] = ext[d];
                    s->strides[s->ndim++] = strides[d];
                }
                k += tt->ndim;
                continue;
            }
            x.counter = jp_alloca(c, i64t(c), "count");
            LLVMBuildStore(c->b, i64c(c, 0), x.counter);
            jp_loop_nest(c, tt->ndim, ext, count_body, &x);
            n = LLVMBuildLoad2(c->b, i64t(c), x.counter, "");
            x.offs = jp_arr_alloc(c, ot, &n);
            LLVMBuildStore(c->b, i64c(c, 0), x.counter);
            jp_loop_nest(c, tt->ndim, ext, fill_body, &x);
            s->adv = s->ndim;
            s->offs = x.offs;
            s->shape[s->ndim] = n;
            s->strides[s->ndim++] = i64c(c, 0);
            k += tt->ndim;
        } else {
            LLVMValueRef size = jp_arr_field(c, arr, 3, k);
            LLVMValueRef i = jp_cast(c, jp_lower_expr(c, it), tt, jp_type_int(64, 1));
            LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, i, i64c(c, 0), "");
            LLVMValueRef w = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, i, size, ""), i, "");
            raise_if(c, LLVMBuildICmp(c->b, LLVMIntUGE, w, size, ""), PyExc_IndexError, JP_EXC_INDEX, i,
                     i64c(c, k), size);
            off = LLVMBuildAdd(c->b, off, LLVMBuildMul(c->b, w, jp_arr_field(c, arr, 4, k), ""), "");
            k++;
        }
    }
    for (; k < t->ndim; k++) {
        s->shape[s->ndim] = jp_arr_field(c, arr, 3, k);
        s->strides[s->ndim++] = jp_arr_field(c, arr, 4, k);
    }
    s->data = gep(c, jp_arr_field(c, arr, 2, 0), off);
}

/* the byte offset of the selection's dimensions [from, to) at idx */
static LLVMValueRef
sel_off(lctx *c, sel *s, LLVMValueRef *idx, int from, int to)
{
    LLVMValueRef off = i64c(c, 0);
    jp_type *ot = jp_type_array(jp_type_int(64, 1), 1, 'C', 0);
    for (int d = from; d < to; d++) {
        if (d == s->adv && s->lazy_int)
            off = LLVMBuildAdd(c->b, off, index_offset(c, s->idx, s->it, idx[d], s->isize, s->istride, s->iaxis), "");
        else if (d == s->adv && !s->lazy_mask)
            off = LLVMBuildAdd(c->b, off, jp_arr_load(c, jp_arr_elem_ptr(c, s->offs, ot, &idx[d], 1),
                                                      ot->dtype), "");
        else
            off = LLVMBuildAdd(c->b, off, LLVMBuildMul(c->b, idx[d], s->strides[d], ""), "");
    }
    return off;
}

/* Copy between the selection and a C buffer of its shape.  The loops over
 * the dimensions up to the advanced one compute its offset (an index read,
 * a bounds check) once per position, outside the inner loops. */
typedef struct move_ctx {
    sel *s;
    LLVMValueRef buf, outer_off, full[MAXD];
    jp_type *bt;
    int to_buf;
} move_ctx;

static void
move_inner(lctx *c, void *vctx, LLVMValueRef *inner)
{
    move_ctx *x = vctx;
    sel *s = x->s;
    int a = s->adv + 1;
    LLVMValueRef sp, bp;
    jp_type *dt = x->bt->dtype;
    for (int d = a; d < s->ndim; d++)
        x->full[d] = inner[d - a];
    sp = gep(c, s->data, LLVMBuildAdd(c->b, x->outer_off, sel_off(c, s, x->full, a, s->ndim), ""));
    bp = jp_arr_elem_ptr(c, x->buf, x->bt, x->full, x->bt->ndim);
    if (dt->kind == JP_RECORD) {
        LLVMBuildMemCpy(c->b, x->to_buf ? bp : sp, 1, x->to_buf ? sp : bp, 1, i64c(c, (long long)dt->size));
        return;
    }
    if (x->to_buf)
        jp_arr_store(c, bp, dt, jp_arr_load(c, sp, dt));
    else
        jp_arr_store(c, sp, dt, jp_arr_load(c, bp, dt));
}

static void
move_outer(lctx *c, void *vctx, LLVMValueRef *outer)
{
    move_ctx *x = vctx;
    sel *s = x->s;
    for (int d = 0; d <= s->adv; d++)
        x->full[d] = outer[d];
    x->outer_off = sel_off(c, s, x->full, 0, s->adv + 1);
    jp_loop_nest(c, s->ndim - s->adv - 1, s->shape + s->adv + 1, move_inner, x);
}

static void
move(lctx *c, sel *s, LLVMValueRef buf, jp_type *bt, int to_buf)
{
    move_ctx x;
    x.s = s;
    x.buf = buf;
    x.bt = bt;
    x.to_buf = to_buf;
    jp_loop_nest(c, s->adv + 1, s->shape, move_outer, &x);
}

static LLVMValueRef
as_view(lctx *c, LLVMValueRef arr, jp_type *rt, sel *s)
{
    LLVMValueRef r = jp_arr_make(c, rt, jp_arr_field(c, arr, 0, 0), jp_arr_field(c, arr, 1, 0), s->data,
                                 s->shape, s->strides);
    jp_incref(c, r, rt);
    jp_register_temp(c, r, rt);
    return r;
}

LLVMValueRef
jp_lower_fancy_subscript(lctx *c, jp_node *n, LLVMValueRef arr, jp_type *at, jp_type *rt)
{
    sel s;
    LLVMValueRef out;
    build_sel(c, arr, at, n->u.subscript.index, &s, 1);
    if (s.adv < 0)
        return as_view(c, arr, rt, &s);
    out = jp_arr_alloc(c, rt, s.shape);
    move(c, &s, out, rt, 1);
    return out;
}

static LLVMValueRef
cast_kernel(lctx *c, void *vctx, LLVMValueRef *vals, jp_type **types)
{
    return jp_cast(c, vals[0], types[0], (jp_type *)vctx);
}

/* the subscript's advanced item is a boolean mask */
static int
mask_index(lctx *c, jp_node *idx)
{
    jp_node **items = &idx;
    int n = 1;
    if (idx->kind == E_TUPLE) {
        items = idx->u.tuple.elts;
        n = idx->u.tuple.n;
    }
    for (int i = 0; i < n; i++) {
        jp_type *t = jp_node_type(c, items[i]);
        if (t->kind == JP_ARRAY && t->dtype->kind == JP_BOOL)
            return 1;
    }
    return 0;
}

typedef struct masked_store_ctx {
    sel *s;
    LLVMValueRef v;
    jp_type *dt;
} masked_store_ctx;

static void
masked_store_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    masked_store_ctx *x = vctx;
    sel *s = x->s;
    LLVMValueRef m = jp_arr_load(c, jp_arr_elem_ptr(c, s->mask, s->mt, idx + s->adv, s->mt->ndim), s->mt->dtype);
    LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "mask.store");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "mask.next");
    LLVMValueRef off = i64c(c, 0);
    LLVMBuildCondBr(c->b, m, yes, next);
    LLVMPositionBuilderAtEnd(c->b, yes);
    for (int d = 0; d < s->ndim; d++)
        off = LLVMBuildAdd(c->b, off, LLVMBuildMul(c->b, idx[d], s->strides[d], ""), "");
    jp_arr_store(c, gep(c, s->data, off), x->dt, x->v);
    LLVMBuildBr(c->b, next);
    LLVMPositionBuilderAtEnd(c->b, next);
}

/* a Python int written in the source: checked against the dtype (NEP 50) */
static int
is_int_literal(lctx *c, jp_node *n)
{
    if (n->kind == E_UNARY && n->u.unary.op == UOP_NEG)
        n = n->u.unary.operand;
    return n->kind == E_CONST && jp_node_type(c, n)->kind == JP_INT;
}

void
jp_lower_fancy_setitem(lctx *c, jp_node *st, LLVMValueRef base, jp_type *bt, int is_aug)
{
    jp_node *target = st->u.augassign.target;
    jp_type *tt = jp_node_type(c, target), *vt = jp_node_type(c, st->u.augassign.value);
    jp_type *buft = jp_type_array(bt->dtype, tt->ndim, 'C', 0);
    LLVMValueRef value, buf;
    sel s;
    value = jp_lower_expr(c, st->u.augassign.value);
    if (!is_aug && vt->kind != JP_ARRAY && mask_index(c, target->u.subscript.index)) {
        /* a[mask] = scalar: one masked loop, no offsets, no buffer */
        masked_store_ctx x;
        if (is_int_literal(c, st->u.augassign.value))
            jp_check_int_bounds(c, value, vt, bt->dtype);
        build_sel(c, base, bt, target->u.subscript.index, &s, 2);
        x.s = &s;
        x.v = jp_cast(c, value, vt, bt->dtype);
        x.dt = bt->dtype;
        jp_loop_nest(c, s.ndim, s.shape, masked_store_body, &x);
        return;
    }
    build_sel(c, base, bt, target->u.subscript.index, &s, 0);
    if (s.adv < 0) {
        /* only None items: a view of the base */
        LLVMValueRef dst = as_view(c, base, tt, &s);
        if (is_aug)
            jp_lower_array_binop(c, st, st->u.augassign.op, dst, tt, value, vt, tt, dst);
        else
            jp_elementwise(c, tt, dst, 1, &value, &vt, cast_kernel, tt->dtype);
        return;
    }
    buf = jp_arr_alloc(c, buft, s.shape);
    if (is_aug) {
        move(c, &s, buf, buft, 1);
        jp_lower_array_binop(c, st, st->u.augassign.op, buf, buft, value, vt, buft, buf);
    } else {
        if (is_int_literal(c, st->u.augassign.value))
            jp_check_int_bounds(c, value, vt, bt->dtype);
        jp_elementwise(c, buft, buf, 1, &value, &vt, cast_kernel, bt->dtype);
    }
    move(c, &s, buf, buft, 0);
}
