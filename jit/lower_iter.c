/* jit/lower_iter.c - for loops over the iterators of jit/iter.h (zip,
 * a.flat, np.ndenumerate, np.ndindex, np.nditer) as plain counted loops.
 *
 * The operands are evaluated once, before the loop; arrays among them are
 * held in owned slots for the loop's duration (as `for v in a` holds a).
 * One counter k runs over the trip count; elements of C-contiguous arrays
 * are read at k (the loop vectorises where the body allows), others
 * through a C-order multi-index advanced at the latch (an odometer).
 * break, continue and else behave as in any for loop. */
#include "jit/lower.h"
#include "jit/iter.h"

#include <string.h>

#define MAX_SRC 16

typedef struct odo {            /* a C-order multi-index over shape[0..nd) */
    int nd;
    LLVMValueRef shape[32];
    LLVMValueRef idx[32];       /* int64 allocas */
} odo;

typedef enum { SRC_ROWS, SRC_FLAT, SRC_RANGE, SRC_BCAST, SRC_SCALAR } src_kind;

typedef struct src {
    src_kind kind;
    jp_type *t;                 /* the array's type */
    LLVMValueRef arr, slot;     /* the array, and the slot holding it */
    LLVMValueRef start, step;   /* a range */
    LLVMValueRef value;         /* a scalar nditer operand */
    int contiguous;             /* flat, single nditer operand: element k */
    odo *walk;                  /* flat over any other layout: the multi-index
                                 * (the loop's nest, or o inside a zip) */
    odo o;
    LLVMValueRef eff[32];       /* nditer: strides, 0 where broadcast */
} src;

typedef struct iloop {
    jp_iter_kind kind;
    int nsrc;
    src s[MAX_SRC];
    LLVMValueRef trips;
    odo nest;                   /* ndenumerate, ndindex, nditer: the loop's multi-index */
    int has_nest;
    LLVMValueRef flat_ok;       /* nditer: i1, every operand C-contiguous and unbroadcast
                                 * at run time, so element k (LLVM unswitches on it) */
} iloop;

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMValueRef
min_i64(lctx *c, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, a, b, ""), a, b, "");
}

/* Evaluate an array operand and hold it in an owned slot for the loop. */
static void
hold(lctx *c, src *s, jp_node *n, jp_type *t)
{
    int mark = c->ntemps;
    s->t = t;
    s->arr = jp_lower_expr(c, n);
    s->slot = jp_alloca(c, jp_llvm_type(c->ctx, t), "iter.array");
    jp_own_slots(c, s->slot, t);
    jp_incref(c, s->arr, t);
    LLVMBuildStore(c->b, s->arr, s->slot);
    jp_release_temps(c, mark);
}

static void
odo_init(lctx *c, odo *o)
{
    for (int d = 0; d < o->nd; d++) {
        o->idx[d] = jp_alloca(c, i64t(c), "iter.idx");
        LLVMBuildStore(c->b, jp_const_i64(c, 0), o->idx[d]);
    }
}

static LLVMValueRef
odo_size(lctx *c, odo *o)
{
    LLVMValueRef n = jp_const_i64(c, 1);
    for (int d = 0; d < o->nd; d++)
        n = LLVMBuildMul(c->b, n, o->shape[d], "");
    return n;
}

/* idx += 1 in C order: the last index fastest, carrying into the ones before. */
static void
odo_step(lctx *c, odo *o)
{
    LLVMBasicBlockRef done;
    if (o->nd == 0)
        return;
    done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "odo.done");
    for (int d = o->nd - 1; d >= 0; d--) {
        LLVMValueRef v = LLVMBuildNSWAdd(c->b, LLVMBuildLoad2(c->b, i64t(c), o->idx[d], ""), jp_const_i64(c, 1), "");
        LLVMBasicBlockRef carry, keep;
        if (d == 0) {
            LLVMBuildStore(c->b, v, o->idx[0]);
            break;
        }
        carry = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "odo.carry");
        keep = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "odo.keep");
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSGE, v, o->shape[d], ""), carry, keep);
        LLVMPositionBuilderAtEnd(c->b, keep);
        LLVMBuildStore(c->b, v, o->idx[d]);
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, carry);
        LLVMBuildStore(c->b, jp_const_i64(c, 0), o->idx[d]);
    }
    LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
}

static void
odo_load(lctx *c, odo *o, LLVMValueRef *idx)
{
    for (int d = 0; d < o->nd; d++)
        idx[d] = LLVMBuildLoad2(c->b, i64t(c), o->idx[d], "");
}

/* ---- operands ----------------------------------------------------------------------------------- */

/* walk: where a non-contiguous array's multi-index lives (the loop's nest
 * for `for v in a.flat`, the operand's own odometer inside a zip) */
static void
setup_flat(lctx *c, src *s, jp_node *array_node, jp_type *t, odo *walk)
{
    s->kind = SRC_FLAT;
    hold(c, s, array_node, t);
    s->contiguous = t->layout == 'C' || t->ndim <= 1;
    if (!s->contiguous) {
        s->walk = walk;
        walk->nd = t->ndim;
        for (int d = 0; d < t->ndim; d++)
            walk->shape[d] = jp_arr_field(c, s->arr, 3, d);
        if (walk == &s->o)
            odo_init(c, &s->o);
    }
}

static LLVMValueRef
flat_trips(lctx *c, src *s)
{
    return jp_arr_size(c, s->arr, s->t);
}

static void
setup_range(lctx *c, src *s, jp_node *call)
{
    jp_node **args = call->u.call.args;
    int nargs = call->u.call.nargs;
    LLVMValueRef v[3] = {NULL, NULL, NULL};
    for (int k = 0; k < nargs; k++)
        v[k] = jp_cast(c, jp_lower_expr(c, args[k]), jp_node_type(c, args[k]), jp_type_int(64, 1));
    s->kind = SRC_RANGE;
    s->start = nargs == 1 ? jp_const_i64(c, 0) : v[0];
    s->value = nargs == 1 ? v[0] : v[1];       /* stop */
    s->step = nargs == 3 ? v[2] : jp_const_i64(c, 1);
    if (nargs == 3)
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, s->step, jp_const_i64(c, 0), ""), PyExc_ValueError,
                 "range() arg 3 must not be zero");
}

static LLVMValueRef
range_trips(lctx *c, src *s)
{
    LLVMValueRef zero = jp_const_i64(c, 0), one = jp_const_i64(c, 1);
    LLVMValueRef start = s->start, stop = s->value, step = s->step;
    LLVMValueRef n_up = LLVMBuildAdd(c->b, LLVMBuildUDiv(c->b, LLVMBuildSub(c->b, LLVMBuildSub(c->b, stop, start, ""), one, ""),
                                                         step, ""), one, "");
    LLVMValueRef n_down = LLVMBuildAdd(c->b, LLVMBuildUDiv(c->b, LLVMBuildSub(c->b, LLVMBuildSub(c->b, start, stop, ""), one, ""),
                                                           LLVMBuildNeg(c->b, step, ""), ""), one, "");
    return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSGT, step, zero, ""),
                           LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSGT, stop, start, ""), n_up, zero, ""),
                           LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, stop, start, ""), n_down, zero, ""), "");
}

/* ---- elements ------------------------------------------------------------------------------------ */

static LLVMValueRef
at_offset(lctx *c, src *s, LLVMValueRef off)
{
    LLVMValueRef p = LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), jp_arr_field(c, s->arr, 2, 0), &off, 1, "");
    return jp_arr_load(c, p, s->t->dtype);
}

static LLVMValueRef
flat_value(lctx *c, src *s, LLVMValueRef k)
{
    LLVMValueRef idx[32];
    if (s->contiguous) {
        LLVMValueRef stride = s->t->ndim == 1 && s->t->layout != 'C' ? jp_arr_field(c, s->arr, 4, 0)
                              : jp_const_i64(c, (long long)s->t->dtype->size);
        if (s->t->ndim == 0)
            return at_offset(c, s, jp_const_i64(c, 0));
        return at_offset(c, s, LLVMBuildMul(c->b, k, stride, ""));
    }
    odo_load(c, s->walk, idx);
    return jp_arr_load(c, jp_arr_elem_ptr(c, s->arr, s->t, idx, s->t->ndim), s->t->dtype);
}

static LLVMValueRef
src_value(lctx *c, iloop *L, src *s, LLVMValueRef k)
{
    switch (s->kind) {
    case SRC_ROWS:
        return jp_array_iter_item(c, s->arr, s->t, k);
    case SRC_FLAT:
        return flat_value(c, s, k);
    case SRC_RANGE:
        return LLVMBuildAdd(c->b, s->start, LLVMBuildMul(c->b, k, s->step, ""), "");
    case SRC_SCALAR:
        return s->value;
    case SRC_BCAST: {
        LLVMValueRef idx[32], off = jp_const_i64(c, 0);
        int R = L->nest.nd;
        if (s->contiguous)
            return at_offset(c, s, LLVMBuildMul(c->b, k, jp_const_i64(c, (long long)s->t->dtype->size), ""));
        odo_load(c, &L->nest, idx);
        for (int d = 0; d < s->t->ndim; d++)
            off = LLVMBuildAdd(c->b, off, LLVMBuildMul(c->b, idx[R - s->t->ndim + d], s->eff[d], ""), "");
        if (L->flat_ok)
            off = LLVMBuildSelect(c->b, L->flat_ok,
                                  LLVMBuildMul(c->b, k, jp_const_i64(c, (long long)s->t->dtype->size), ""), off, "");
        return at_offset(c, s, off);
    }
    }
    return NULL;
}

static LLVMValueRef
index_tuple(lctx *c, odo *o)
{
    jp_type *elems[32];
    LLVMValueRef idx[32], t;
    for (int d = 0; d < o->nd; d++)
        elems[d] = jp_type_int(64, 1);
    t = LLVMGetUndef(jp_llvm_type(c->ctx, jp_type_tuple(o->nd, elems)));   /* filled below */
    odo_load(c, o, idx);
    for (int d = 0; d < o->nd; d++)
        t = LLVMBuildInsertValue(c->b, t, idx[d], (unsigned)d, "");
    return t;
}

static LLVMValueRef
element(lctx *c, iloop *L, jp_type *et, LLVMValueRef k)
{
    LLVMValueRef v;
    switch (L->kind) {
    case IT_FLAT:
        return src_value(c, L, &L->s[0], k);
    case IT_NDINDEX:
        return index_tuple(c, &L->nest);
    case IT_NDENUMERATE: {
        src *s = &L->s[0];
        LLVMValueRef val;
        if (s->contiguous) {
            val = at_offset(c, s, LLVMBuildMul(c->b, k, jp_const_i64(c, (long long)s->t->dtype->size), ""));
        } else {
            LLVMValueRef idx[32];
            odo_load(c, &L->nest, idx);
            val = jp_arr_load(c, jp_arr_elem_ptr(c, s->arr, s->t, idx, s->t->ndim), s->t->dtype);
        }
        v = LLVMGetUndef(jp_llvm_type(c->ctx, et));   /* filled below */
        v = LLVMBuildInsertValue(c->b, v, index_tuple(c, &L->nest), 0, "");
        return LLVMBuildInsertValue(c->b, v, val, 1, "");
    }
    case IT_NDITER:
        if (L->nsrc == 1)
            return src_value(c, L, &L->s[0], k);
        __attribute__((fallthrough));   /* a tuple of the operands' elements */
    case IT_ZIP:
    default:
        v = LLVMGetUndef(jp_llvm_type(c->ctx, et));   /* filled below */
        for (int i = 0; i < L->nsrc; i++)
            v = LLVMBuildInsertValue(c->b, v, src_value(c, L, &L->s[i], k), (unsigned)i, "");
        return v;
    }
}

/* ---- setting up each iterator ------------------------------------------------------------------------ */

static void
setup_zip(lctx *c, iloop *L, jp_node *it, jp_type *itype)
{
    L->nsrc = it->u.call.nargs;
    L->trips = NULL;
    for (int i = 0; i < L->nsrc; i++) {
        jp_node *a = it->u.call.args[i];
        jp_type *t = itype->elems[i];
        src *s = &L->s[i];
        LLVMValueRef n;
        if (t->kind == JP_ITER) {       /* a.flat */
            setup_flat(c, s, a->u.attr.value, t->elems[0], &s->o);
            n = flat_trips(c, s);
        } else if (t->kind == JP_RANGE) {
            setup_range(c, s, a);
            n = range_trips(c, s);
        } else {
            s->kind = SRC_ROWS;
            hold(c, s, a, t);
            n = jp_arr_field(c, s->arr, 3, 0);
        }
        L->trips = L->trips ? min_i64(c, L->trips, n) : n;
    }
}

static void
setup_ndindex(lctx *c, iloop *L, jp_node *it, jp_type *itype)
{
    int nd = 0;
    LLVMValueRef neg = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0);
    for (int i = 0; i < it->u.call.nargs; i++) {
        jp_node *a = it->u.call.args[i];
        jp_type *t = itype->elems[i];
        LLVMValueRef v = jp_lower_expr(c, a);
        if (t->kind == JP_TUPLE) {
            for (int k = 0; k < t->n; k++)
                L->nest.shape[nd++] = jp_cast(c, LLVMBuildExtractValue(c->b, v, (unsigned)k, ""), t->elems[k],
                                              jp_type_int(64, 1));
        } else {
            L->nest.shape[nd++] = jp_cast(c, v, t, jp_type_int(64, 1));
        }
    }
    for (int d = 0; d < nd; d++)
        neg = LLVMBuildOr(c->b, neg, LLVMBuildICmp(c->b, LLVMIntSLT, L->nest.shape[d], jp_const_i64(c, 0), ""), "");
    jp_check(c, neg, PyExc_ValueError, "negative dimensions are not allowed");
    L->nest.nd = nd;
    L->has_nest = 1;
    L->trips = odo_size(c, &L->nest);
}

static void
setup_ndenumerate(lctx *c, iloop *L, jp_node *it, jp_type *itype)
{
    src *s = &L->s[0];
    jp_type *t = itype->elems[0];
    L->nsrc = 1;
    s->kind = SRC_FLAT;
    hold(c, s, it->u.call.args[0], t);
    s->contiguous = t->layout == 'C';
    L->nest.nd = t->ndim;
    for (int d = 0; d < t->ndim; d++)
        L->nest.shape[d] = jp_arr_field(c, s->arr, 3, d);
    L->has_nest = 1;
    L->trips = odo_size(c, &L->nest);
}

static void
setup_nditer(lctx *c, iloop *L, jp_node *it, jp_type *itype)
{
    jp_node *a = it->u.call.args[0];
    int R = 0;
    LLVMValueRef one = jp_const_i64(c, 1), bad = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0);
    L->nsrc = itype->n;
    for (int i = 0; i < L->nsrc; i++) {
        jp_node *op = a->kind == E_TUPLE ? a->u.tuple.elts[i] : a;
        jp_type *t = itype->elems[i];
        src *s = &L->s[i];
        if (t->kind == JP_ARRAY) {
            s->kind = SRC_BCAST;
            hold(c, s, op, t);
            if (t->ndim > R)
                R = t->ndim;
        } else {
            s->kind = SRC_SCALAR;
            s->value = jp_lower_expr(c, op);
        }
    }
    /* the broadcast shape, NumPy's rule: sizes agree or are 1 */
    for (int d = 0; d < R; d++)
        L->nest.shape[d] = one;
    for (int i = 0; i < L->nsrc; i++) {
        src *s = &L->s[i];
        if (s->kind != SRC_BCAST)
            continue;
        for (int k = 0; k < s->t->ndim; k++) {
            int d = R - s->t->ndim + k;
            LLVMValueRef n = jp_arr_field(c, s->arr, 3, k);
            L->nest.shape[d] = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, L->nest.shape[d], one, ""), n,
                                               L->nest.shape[d], "");
        }
    }
    for (int i = 0; i < L->nsrc; i++) {
        src *s = &L->s[i];
        if (s->kind != SRC_BCAST)
            continue;
        for (int k = 0; k < s->t->ndim; k++) {
            int d = R - s->t->ndim + k;
            LLVMValueRef n = jp_arr_field(c, s->arr, 3, k);
            LLVMValueRef is1 = LLVMBuildICmp(c->b, LLVMIntEQ, n, one, "");
            bad = LLVMBuildOr(c->b, bad, LLVMBuildAnd(c->b, LLVMBuildNot(c->b, is1, ""),
                                                      LLVMBuildICmp(c->b, LLVMIntNE, n, L->nest.shape[d], ""), ""), "");
            s->eff[k] = LLVMBuildSelect(c->b, is1, jp_const_i64(c, 0), jp_arr_field(c, s->arr, 4, k), "");
        }
        /* one C-contiguous operand alone: element k */
        s->contiguous = L->nsrc == 1 && s->t->layout == 'C';
    }
    jp_check(c, bad, PyExc_ValueError, "operands could not be broadcast together");
    if (L->nsrc > 1) {
        int all_c = 1;
        LLVMValueRef ok = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0);
        for (int i = 0; i < L->nsrc; i++) {
            src *s = &L->s[i];
            if (s->kind == SRC_BCAST && (s->t->layout != 'C' || s->t->ndim != R))
                all_c = 0;
            for (int k = 0; s->kind == SRC_BCAST && k < s->t->ndim; k++)
                ok = LLVMBuildAnd(c->b, ok, LLVMBuildICmp(c->b, LLVMIntEQ, jp_arr_field(c, s->arr, 3, k),
                                                          L->nest.shape[k], ""), "");
        }
        if (all_c)
            L->flat_ok = ok;
    }
    L->nest.nd = R;
    L->has_nest = 1;
    L->trips = odo_size(c, &L->nest);
}

/* ---- the loop ------------------------------------------------------------------------------------------- */

static void
close_to(lctx *c, LLVMBasicBlockRef bb)
{
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, bb);
}

void
jp_lower_iterator_for(lctx *c, jp_node *s)
{
    jp_node *it = s->u.loop.iter;
    jp_type *itype = jp_node_type(c, it);
    iloop L;
    LLVMValueRef counter, k;
    LLVMBasicBlockRef body, latch_bb, orelse, done;

    memset(&L, 0, sizeof L);
    L.kind = (jp_iter_kind)itype->bits;
    switch (L.kind) {
    case IT_FLAT:
        L.nsrc = 1;
        setup_flat(c, &L.s[0], it->u.attr.value, itype->elems[0], &L.nest);
        L.has_nest = !L.s[0].contiguous;
        L.trips = flat_trips(c, &L.s[0]);
        break;
    case IT_ZIP:
        setup_zip(c, &L, it, itype);
        break;
    case IT_NDINDEX:
        setup_ndindex(c, &L, it, itype);
        break;
    case IT_NDENUMERATE:
        setup_ndenumerate(c, &L, it, itype);
        break;
    case IT_NDITER:
        setup_nditer(c, &L, it, itype);
        break;
    }
    counter = jp_alloca(c, i64t(c), "iter.k");
    LLVMBuildStore(c->b, jp_const_i64(c, 0), counter);
    body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.body");
    orelse = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.else");
    done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.done");
    if (L.has_nest && L.nest.nd > 0) {
        /* a multi-index: real nested loops, the last index innermost, so
         * the inner loop is a plain counted loop (LLVM strength-reduces the
         * addresses and can vectorise it) */
        int nd = L.nest.nd;
        LLVMBasicBlockRef head[32], latch[32];
        odo_init(c, &L.nest);
        for (int d = 0; d < nd; d++) {
            head[d] = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.nest.head");
            latch[d] = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.nest.latch");
        }
        LLVMBuildBr(c->b, head[0]);
        for (int d = 0; d < nd; d++) {
            LLVMBasicBlockRef in = d + 1 < nd ? LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.nest.in") : body;
            LLVMPositionBuilderAtEnd(c->b, head[d]);
            LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, LLVMBuildLoad2(c->b, i64t(c), L.nest.idx[d], ""),
                                                L.nest.shape[d], ""),
                            in, d == 0 ? orelse : latch[d - 1]);
            if (d + 1 < nd) {
                LLVMPositionBuilderAtEnd(c->b, in);
                LLVMBuildStore(c->b, jp_const_i64(c, 0), L.nest.idx[d + 1]);
                LLVMBuildBr(c->b, head[d + 1]);
            }
            LLVMPositionBuilderAtEnd(c->b, latch[d]);
            LLVMBuildStore(c->b, LLVMBuildNSWAdd(c->b, LLVMBuildLoad2(c->b, i64t(c), L.nest.idx[d], ""),
                                                 jp_const_i64(c, 1), ""), L.nest.idx[d]);
            if (d == nd - 1)
                LLVMBuildStore(c->b, LLVMBuildNSWAdd(c->b, LLVMBuildLoad2(c->b, i64t(c), counter, ""),
                                                     jp_const_i64(c, 1), ""), counter);
            LLVMBuildBr(c->b, head[d]);
        }
        latch_bb = latch[nd - 1];
        LLVMPositionBuilderAtEnd(c->b, body);
        k = LLVMBuildLoad2(c->b, i64t(c), counter, "k");
    } else {
        /* one counter over the trip count (zip advances its operands'
         * odometers at the latch) */
        LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.head");
        if (L.has_nest)
            odo_init(c, &L.nest);       /* 0-d: one iteration */
        latch_bb = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.latch");
        LLVMBuildBr(c->b, head);
        LLVMPositionBuilderAtEnd(c->b, head);
        k = LLVMBuildLoad2(c->b, i64t(c), counter, "k");
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, k, L.trips, ""), body, orelse);
        LLVMPositionBuilderAtEnd(c->b, latch_bb);
        LLVMBuildStore(c->b, LLVMBuildNSWAdd(c->b, LLVMBuildLoad2(c->b, i64t(c), counter, ""), jp_const_i64(c, 1), ""),
                       counter);
        for (int i = 0; i < L.nsrc; i++)
            if (L.s[i].kind == SRC_FLAT && !L.s[i].contiguous && L.s[i].walk == &L.s[i].o)
                odo_step(c, &L.s[i].o);
        LLVMBuildBr(c->b, head);
        LLVMPositionBuilderAtEnd(c->b, body);
    }

    {
        int mark = c->ntemps;
        jp_store_target(c, s->u.loop.target, element(c, &L, itype->dtype, k), itype->dtype);
        jp_release_temps(c, mark);
    }
    c->break_bb[c->loop_depth] = done;
    c->continue_bb[c->loop_depth] = latch_bb;
    c->loop_depth++;
    jp_lower_block(c, &s->u.loop.body);
    c->loop_depth--;
    close_to(c, latch_bb);

    LLVMPositionBuilderAtEnd(c->b, orelse);
    jp_lower_block(c, &s->u.loop.orelse);
    close_to(c, done);

    LLVMPositionBuilderAtEnd(c->b, done);
    for (int i = 0; i < L.nsrc; i++) {
        if (L.s[i].slot) {
            LLVMTypeRef at = jp_llvm_type(c->ctx, L.s[i].t);
            jp_decref(c, LLVMBuildLoad2(c->b, at, L.s[i].slot, ""), L.s[i].t);
            LLVMBuildStore(c->b, LLVMConstNull(at), L.s[i].slot);
        }
    }
}
