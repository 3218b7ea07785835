/* jit/lower_list.c - lists in LLVM IR.  A list value is its meminfo
 * pointer; the header (list_runtime.h) is read inline: len, indexing, the
 * append fast path and iteration never leave compiled code.  Growth,
 * insertion, deletion, slices and sorts call the runtime.
 *
 * References: the list owns one reference through each item's meminfo
 * pointers.  Storing an item increfs it; a value read from a list is
 * borrowed from it (the statement's operands keep the list alive); pop()
 * hands its reference to the caller (a temp of the statement). */
#include "jit/resolve.h"
#include "jit/errors.h"
#include "jit/list_runtime.h"
#include "jit/lib_func.h"
#include "jit/sort_runtime.h"

#include <string.h>

enum { F_SIZE = 0, F_ALLOC = 8, F_ITEMS = 16, F_ITEMSIZE = 24, F_DIRTY = 32 };

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMTypeRef
ptrt(lctx *c)
{
    return LLVMPointerTypeInContext(c->ctx, 0);
}

static LLVMValueRef
field_ptr(lctx *c, LLVMValueRef h, int off)
{
    LLVMValueRef idx = jp_const_i64(c, off);
    return LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), h, &idx, 1, "");
}

static LLVMValueRef
load_field(lctx *c, LLVMValueRef h, int off, LLVMTypeRef t)
{
    LLVMValueRef v = LLVMBuildLoad2(c->b, t, field_ptr(c, h, off), "");
    jp_tbaa(c, v, JP_TBAA_OBJECT_FIELDS);
    return v;
}

static void
store_field(lctx *c, LLVMValueRef h, int off, LLVMValueRef v)
{
    jp_tbaa(c, LLVMBuildStore(c->b, v, field_ptr(c, h, off)), JP_TBAA_OBJECT_FIELDS);
}

LLVMValueRef
jp_list_header(lctx *c, LLVMValueRef list)
{
    /* jp_meminfo {int64 refcount; void *data; ...} */
    LLVMValueRef v = LLVMBuildLoad2(c->b, ptrt(c), field_ptr(c, list, 8), "list");
    jp_tbaa(c, v, JP_TBAA_OBJECT_FIELDS);
    return v;
}

LLVMValueRef
jp_list_len(lctx *c, LLVMValueRef list)
{
    return load_field(c, jp_list_header(c, list), F_SIZE, i64t(c));
}

static LLVMValueRef
item_ptr_h(lctx *c, LLVMValueRef h, jp_type *lt, LLVMValueRef i)
{
    LLVMValueRef items = load_field(c, h, F_ITEMS, ptrt(c));
    LLVMValueRef off = LLVMBuildMul(c->b, i, jp_const_i64(c, (long long)(lt->dtype->size ? lt->dtype->size : 1)), "");
    return LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), items, &off, 1, "item");
}

LLVMValueRef
jp_list_item_ptr(lctx *c, LLVMValueRef list, jp_type *lt, LLVMValueRef i)
{
    return item_ptr_h(c, jp_list_header(c, list), lt, i);
}

static LLVMValueRef
load_item(lctx *c, LLVMValueRef p, jp_type *et)
{
    LLVMValueRef v = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, et), p, "");
    jp_tbaa(c, v, JP_TBAA_ARRAY_DATA);
    return v;
}

static void
store_item(lctx *c, LLVMValueRef p, jp_type *et, LLVMValueRef v)
{
    if (et->kind == JP_ARRAY) {
        /* an array without a block of its own came from Python (its caller
         * keeps it alive only for the call): the list adopts its object, as a
         * jitclass field does, so a list that outlives the call (a
         * typed.List) still owns it.  (The incref before was a no-op.) */
        LLVMValueRef mi = jp_arr_field(c, v, 0, 0);
        LLVMBasicBlockRef adopt = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "list.adopt");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "list.adopted");
        LLVMBasicBlockRef from = LLVMGetInsertBlock(c->b);
        LLVMValueRef parent, adopted, phi;
        LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, mi, ""), adopt, done);
        LLVMPositionBuilderAtEnd(c->b, adopt);
        parent = jp_arr_field(c, v, 1, 0);
        adopted = jp_call_extern(c, "jp_nrt_adopt", ptrt(c), &parent, 1);
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, done);
        phi = LLVMBuildPhi(c->b, ptrt(c), "");
        LLVMAddIncoming(phi, (LLVMValueRef[]){mi, adopted}, (LLVMBasicBlockRef[]){from, adopt}, 2);
        v = LLVMBuildInsertValue(c->b, v, phi, 0, "");
    }
    jp_tbaa(c, LLVMBuildStore(c->b, v, p), JP_TBAA_ARRAY_DATA);
}

static void
mark_dirty(lctx *c, LLVMValueRef h)
{
    store_field(c, h, F_DIRTY, jp_const_i64(c, 1));
}

static void
check_memory(lctx *c, LLVMValueRef failed)
{
    jp_check(c, failed, PyExc_MemoryError, NULL);
}

LLVMValueRef
jp_list_check_index(lctx *c, LLVMValueRef list, LLVMValueRef i, const char *msg)
{
    LLVMValueRef n = jp_list_len(c, list);
    LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, i, jp_const_i64(c, 0), "");
    i = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, i, n, ""), i, "");
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntUGE, i, n, ""), PyExc_IndexError, msg);
    return i;
}

/* The item type's layout for the runtime: its size, and a constant array
 * of the offsets of its meminfo pointers (their count in *nrefs). */
static LLVMValueRef
item_layout(lctx *c, jp_type *et, int *nrefs_out)
{
    int32_t off[JP_LIST_MAX_REFS];
    int nrefs = jp_list_ref_offsets(et, off);
    LLVMTypeRef i32 = LLVMInt32TypeInContext(c->ctx);
    LLVMValueRef vals[JP_LIST_MAX_REFS], init, offs;
    if (nrefs < 0)
        nrefs = 0;      /* refused by typing */
    for (int k = 0; k < JP_LIST_MAX_REFS; k++)
        vals[k] = LLVMConstInt(i32, k < nrefs ? (unsigned long long)off[k] : 0, 0);
    init = LLVMConstArray2(i32, vals, JP_LIST_MAX_REFS);
    offs = LLVMAddGlobal(c->mod, LLVMTypeOf(init), "list.refs");
    LLVMSetInitializer(offs, init);
    LLVMSetGlobalConstant(offs, 1);
    LLVMSetLinkage(offs, LLVMPrivateLinkage);
    *nrefs_out = nrefs;
    return offs;
}

LLVMValueRef
jp_list_new_value(lctx *c, jp_type *lt, LLVMValueRef capacity)
{
    int nrefs;
    LLVMValueRef offs = item_layout(c, lt->dtype, &nrefs), args[4], mi;
    args[0] = jp_const_i64(c, lt->dtype->kind == JP_UNKNOWN ? 0 : (long long)lt->dtype->size);
    args[1] = capacity;
    args[2] = jp_const_i64(c, nrefs);
    args[3] = offs;
    mi = jp_call_extern(c, "jp_list_new", ptrt(c), args, 4);
    check_memory(c, LLVMBuildIsNull(c->b, mi, ""));
    jp_register_temp(c, mi, lt);
    return mi;
}

/* Append v (converted to the item type; the list takes a reference). */
static void
append_h(lctx *c, LLVMValueRef h, jp_type *lt, LLVMValueRef v, jp_type *vt)
{
    jp_type *et = lt->dtype;
    LLVMValueRef size = load_field(c, h, F_SIZE, i64t(c)), alloc = load_field(c, h, F_ALLOC, i64t(c));
    LLVMBasicBlockRef grow = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "list.grow");
    LLVMBasicBlockRef store = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "list.store");
    LLVMValueRef full = LLVMBuildICmp(c->b, LLVMIntSGE, size, alloc, "");
    v = jp_cast(c, v, vt, et);
    LLVMBuildCondBr(c->b, full, grow, store);
    LLVMPositionBuilderAtEnd(c->b, grow);
    {
        int nrefs;
        LLVMValueRef offs = item_layout(c, et, &nrefs);
        LLVMValueRef args[5] = {h, LLVMBuildAdd(c->b, size, jp_const_i64(c, 1), ""),
                                jp_const_i64(c, (long long)et->size), jp_const_i64(c, nrefs), offs};
        LLVMValueRef rc = jp_call_extern(c, "jp_list_grow_typed", i64t(c), args, 5);
        check_memory(c, LLVMBuildICmp(c->b, LLVMIntNE, rc, jp_const_i64(c, 0), ""));
        LLVMBuildBr(c->b, store);
    }
    LLVMPositionBuilderAtEnd(c->b, store);
    if (jp_type_is_managed(et))
        jp_incref(c, v, et);
    store_item(c, item_ptr_h(c, h, lt, size), et, v);
    store_field(c, h, F_SIZE, LLVMBuildAdd(c->b, size, jp_const_i64(c, 1), ""));
    mark_dirty(c, h);
}

void
jp_list_append_value(lctx *c, LLVMValueRef list, jp_type *lt, LLVMValueRef v, jp_type *vt)
{
    append_h(c, jp_list_header(c, list), lt, v, vt);
}

/* ---- counted loops over 0..n -------------------------------------------------- */

typedef struct loop {
    LLVMValueRef counter;
    LLVMBasicBlockRef head, body, latch, done;
} loop;

/* for i in range(n), n re-evaluated by `bound` each trip when list is given */
static LLVMValueRef
loop_begin(lctx *c, loop *l, LLVMValueRef n, LLVMValueRef list)
{
    LLVMValueRef i, cond;
    l->counter = jp_alloca(c, i64t(c), "i");
    LLVMBuildStore(c->b, jp_const_i64(c, 0), l->counter);
    l->head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "loop.head");
    l->body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "loop.body");
    l->latch = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "loop.latch");
    l->done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "loop.done");
    LLVMBuildBr(c->b, l->head);
    LLVMPositionBuilderAtEnd(c->b, l->head);
    i = LLVMBuildLoad2(c->b, i64t(c), l->counter, "");
    if (list)
        n = jp_list_len(c, list);
    cond = LLVMBuildICmp(c->b, LLVMIntSLT, i, n, "");
    LLVMBuildCondBr(c->b, cond, l->body, l->done);
    LLVMPositionBuilderAtEnd(c->b, l->body);
    return i;
}

static void
loop_end(lctx *c, loop *l)
{
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, l->latch);
    LLVMPositionBuilderAtEnd(c->b, l->latch);
    LLVMBuildStore(c->b, LLVMBuildNSWAdd(c->b, LLVMBuildLoad2(c->b, i64t(c), l->counter, ""),
                                         jp_const_i64(c, 1), ""), l->counter);
    LLVMBuildBr(c->b, l->head);
    LLVMPositionBuilderAtEnd(c->b, l->done);
}

/* ---- literals, comprehensions ---------------------------------------------------- */

LLVMValueRef
jp_lower_list_literal(lctx *c, jp_node *n)
{
    jp_type *lt = jp_node_type(c, n);
    LLVMValueRef list = jp_list_new_value(c, lt, jp_const_i64(c, n->u.tuple.n)), h;
    if (n->u.tuple.n == 0)
        return list;
    {
        LLVMValueRef *vals = calloc((size_t)n->u.tuple.n, sizeof *vals);
        if (vals == NULL)
            return list;
        for (int i = 0; i < n->u.tuple.n; i++)
            vals[i] = jp_lower_expr(c, n->u.tuple.elts[i]);
        h = jp_list_header(c, list);
        for (int i = 0; i < n->u.tuple.n; i++)
            append_h(c, h, lt, vals[i], jp_node_type(c, n->u.tuple.elts[i]));
        free(vals);
    }
    return list;
}

LLVMValueRef
jp_lower_listcomp(lctx *c, jp_node *n)
{
    jp_type *lt = c->inst->var_types[n->u.comp.local];
    jp_lower_block(c, &n->u.comp.body);
    return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, lt), c->vars[n->u.comp.local], "");
}

/* ---- indexing ------------------------------------------------------------------ */

static LLVMValueRef
slice_part(lctx *c, jp_node *p, LLVMValueRef *flags, int bit)
{
    jp_type *t;
    if (p == NULL)
        return jp_const_i64(c, 0);
    t = jp_node_type(c, p);
    if (t->kind == JP_NONE) {
        jp_lower_expr(c, p);
        return jp_const_i64(c, 0);
    }
    *flags = LLVMBuildOr(c->b, *flags, jp_const_i64(c, bit), "");
    return jp_cast(c, jp_lower_expr(c, p), t, jp_type_int(64, 1));
}

LLVMValueRef
jp_lower_list_subscript(lctx *c, jp_node *n)
{
    jp_type *lt = jp_node_type(c, n->u.subscript.value);
    LLVMValueRef list = jp_lower_expr(c, n->u.subscript.value), i;
    jp_node *ix = n->u.subscript.index;
    if (ix->kind == E_SLICE) {
        LLVMValueRef flags = jp_const_i64(c, 0), args[5], mi;
        args[1] = slice_part(c, ix->u.slice.lower, &flags, 1);
        args[2] = slice_part(c, ix->u.slice.upper, &flags, 2);
        args[3] = slice_part(c, ix->u.slice.step, &flags, 4);
        if (ix->u.slice.step && jp_node_type(c, ix->u.slice.step)->kind != JP_NONE)
            jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, args[3], jp_const_i64(c, 0), ""),
                     PyExc_ValueError, "slice step cannot be zero");
        args[0] = jp_list_header(c, list);
        args[4] = flags;
        mi = jp_call_extern(c, "jp_list_slice", ptrt(c), args, 5);
        check_memory(c, LLVMBuildIsNull(c->b, mi, ""));
        jp_register_temp(c, mi, jp_node_type(c, n));
        return mi;
    }
    i = jp_cast(c, jp_lower_expr(c, ix), jp_node_type(c, ix), jp_type_int(64, 1));
    i = jp_list_check_index(c, list, i, "list index out of range");
    return load_item(c, jp_list_item_ptr(c, list, lt, i), lt->dtype);
}

void
jp_lower_list_setitem(lctx *c, jp_node *s, int is_aug)
{
    jp_node *target = s->u.augassign.target, *vn = s->u.augassign.value;
    jp_type *lt = jp_node_type(c, target->u.subscript.value), *et = lt->dtype, *vt;
    LLVMValueRef list, i, p, v, old, h;
    /* Python evaluates the value before the target's parts */
    if (!is_aug) {
        v = jp_lower_expr(c, vn);
        vt = jp_node_type(c, vn);
    }
    list = jp_lower_expr(c, target->u.subscript.value);
    i = jp_cast(c, jp_lower_expr(c, target->u.subscript.index), jp_node_type(c, target->u.subscript.index),
                jp_type_int(64, 1));
    i = jp_list_check_index(c, list, i, "list assignment index out of range");
    h = jp_list_header(c, list);
    p = item_ptr_h(c, h, lt, i);
    old = load_item(c, p, et);
    if (is_aug) {
        LLVMValueRef b = jp_lower_expr(c, vn);
        vt = jp_node_type(c, s);
        v = jp_lower_binop(c, s->u.augassign.op, old, et, b, jp_node_type(c, vn), vt, vn);
    }
    v = jp_cast(c, v, vt, et);
    if (jp_type_is_managed(et)) {
        jp_incref(c, v, et);
        jp_decref(c, old, et);
    }
    store_item(c, p, et, v);
    mark_dirty(c, h);
}

/* ---- operators --------------------------------------------------------------- */

LLVMValueRef
jp_lower_list_binop(lctx *c, jp_node *n, LLVMValueRef a, LLVMValueRef b)
{
    jp_type *rt = jp_node_type(c, n), *ta = jp_node_type(c, n->u.binop.left), *tb = jp_node_type(c, n->u.binop.right);
    LLVMValueRef mi;
    if (n->u.binop.op == OP_ADD) {
        LLVMValueRef args[5] = {jp_list_header(c, a), jp_const_i64(c, 0), jp_const_i64(c, 0),
                                jp_const_i64(c, 0), jp_const_i64(c, 0)}, ext[2], rc;
        mi = jp_call_extern(c, "jp_list_slice", ptrt(c), args, 5);
        check_memory(c, LLVMBuildIsNull(c->b, mi, ""));
        jp_register_temp(c, mi, rt);
        ext[0] = jp_list_header(c, mi);
        ext[1] = jp_list_header(c, b);
        rc = jp_call_extern(c, "jp_list_extend", i64t(c), ext, 2);
        check_memory(c, LLVMBuildICmp(c->b, LLVMIntNE, rc, jp_const_i64(c, 0), ""));
        return mi;
    }
    {
        int list_left = ta->kind == JP_LIST;
        LLVMValueRef args[2] = {jp_list_header(c, list_left ? a : b),
                                jp_cast(c, list_left ? b : a, list_left ? tb : ta, jp_type_int(64, 1))};
        mi = jp_call_extern(c, "jp_list_repeat", ptrt(c), args, 2);
        check_memory(c, LLVMBuildIsNull(c->b, mi, ""));
        jp_register_temp(c, mi, rt);
        return mi;
    }
}

LLVMValueRef
jp_lower_list_contains(lctx *c, LLVMValueRef item, jp_type *it, LLVMValueRef list, jp_type *lt)
{
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);
    LLVMValueRef found = jp_alloca(c, i1, "found"), i;
    LLVMBasicBlockRef hit = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "in.hit");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "in.next");
    LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "in.out");
    loop l;
    LLVMBuildStore(c->b, LLVMConstInt(i1, 0, 0), found);
    i = loop_begin(c, &l, NULL, list);
    {
        LLVMValueRef v = load_item(c, jp_list_item_ptr(c, list, lt, i), lt->dtype);
        LLVMBuildCondBr(c->b, jp_lower_compare(c, CMP_EQ, v, lt->dtype, item, it), hit, next);
        LLVMPositionBuilderAtEnd(c->b, hit);
        LLVMBuildStore(c->b, LLVMConstInt(i1, 1, 0), found);
        LLVMBuildBr(c->b, out);
        LLVMPositionBuilderAtEnd(c->b, next);
    }
    loop_end(c, &l);
    LLVMBuildBr(c->b, out);
    LLVMPositionBuilderAtEnd(c->b, out);
    return LLVMBuildLoad2(c->b, i1, found, "");
}

void
jp_list_each(lctx *c, LLVMValueRef list, jp_type *lt, void (*fn)(lctx *, void *, LLVMValueRef, jp_type *), void *ctx)
{
    loop l;
    LLVMValueRef i = loop_begin(c, &l, NULL, list);
    fn(c, ctx, load_item(c, jp_list_item_ptr(c, list, lt, i), lt->dtype), lt->dtype);
    loop_end(c, &l);
}

/* a == b: the same length and equal items */
LLVMValueRef
jp_lower_list_equal(lctx *c, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb)
{
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);
    LLVMValueRef eq = jp_alloca(c, i1, "eq"), i, same_len;
    LLVMBasicBlockRef walk = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "eq.walk");
    LLVMBasicBlockRef differ = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "eq.differ");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "eq.next");
    LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "eq.out");
    loop l;
    same_len = LLVMBuildICmp(c->b, LLVMIntEQ, jp_list_len(c, a), jp_list_len(c, b), "");
    LLVMBuildStore(c->b, same_len, eq);
    LLVMBuildCondBr(c->b, same_len, walk, out);
    LLVMPositionBuilderAtEnd(c->b, walk);
    i = loop_begin(c, &l, NULL, a);
    {
        LLVMValueRef x = load_item(c, jp_list_item_ptr(c, a, ta, i), ta->dtype);
        LLVMValueRef y = load_item(c, jp_list_item_ptr(c, b, tb, i), tb->dtype);
        LLVMBuildCondBr(c->b, jp_lower_compare(c, CMP_EQ, x, ta->dtype, y, tb->dtype), next, differ);
        LLVMPositionBuilderAtEnd(c->b, differ);
        LLVMBuildStore(c->b, LLVMConstInt(i1, 0, 0), eq);
        LLVMBuildBr(c->b, out);
        LLVMPositionBuilderAtEnd(c->b, next);
    }
    loop_end(c, &l);
    LLVMBuildBr(c->b, out);
    LLVMPositionBuilderAtEnd(c->b, out);
    return LLVMBuildLoad2(c->b, i1, eq, "");
}

/* for x in lst: the list is held for the loop; its length is read on every
 * trip, as CPython's list iterator does. */
void
jp_lower_list_for(lctx *c, jp_node *s)
{
    jp_node *it = s->u.loop.iter;
    jp_type *lt = jp_node_type(c, it);
    LLVMValueRef slot = jp_alloca(c, ptrt(c), "iter.list"), list, i;
    LLVMBasicBlockRef orelse, done;
    int mark = c->ntemps;
    loop l;
    list = jp_lower_expr(c, it);
    jp_own_slots(c, slot, lt);
    jp_incref(c, list, lt);
    LLVMBuildStore(c->b, list, slot);
    jp_release_temps(c, mark);
    i = loop_begin(c, &l, NULL, LLVMBuildLoad2(c->b, ptrt(c), slot, ""));
    {
        /* loop_begin reloaded the length in the head from the slot value */
        int m2 = c->ntemps;
        LLVMValueRef cur = LLVMBuildLoad2(c->b, ptrt(c), slot, "");
        LLVMValueRef v = load_item(c, jp_list_item_ptr(c, cur, lt, i), lt->dtype);
        jp_store_target(c, s->u.loop.target, v, lt->dtype);
        jp_release_temps(c, m2);
    }
    orelse = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "for.else");
    done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "for.done");
    c->break_bb[c->loop_depth] = done;
    c->continue_bb[c->loop_depth] = l.latch;
    c->loop_depth++;
    jp_lower_block(c, &s->u.loop.body);
    c->loop_depth--;
    loop_end(c, &l);
    LLVMBuildBr(c->b, orelse);
    LLVMPositionBuilderAtEnd(c->b, orelse);
    jp_lower_block(c, &s->u.loop.orelse);
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    jp_decref(c, LLVMBuildLoad2(c->b, ptrt(c), slot, ""), lt);
    LLVMBuildStore(c->b, LLVMConstNull(ptrt(c)), slot);
}

/* ---- methods --------------------------------------------------------------------- */

static jp_node *
recv_of(jp_node *call)
{
    return call->u.call.func->u.attr.value;
}

static jp_type *
recv_type(lctx *c, jp_node *call)
{
    return jp_node_type(c, recv_of(call));
}

LLVMValueRef
jp_lower_list_append(lctx *c, jp_node *call)
{
    LLVMValueRef list = jp_lower_expr(c, recv_of(call));
    LLVMValueRef v = jp_lower_expr(c, call->u.call.args[0]);
    /* the receiver's type may be the empty literal's: use the variable's */
    jp_type *lt = recv_type(c, call);
    append_h(c, jp_list_header(c, list), lt, v, jp_node_type(c, call->u.call.args[0]));
    return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
}

LLVMValueRef jp_lower_iter_each(lctx *c, jp_node *iter, void (*fn)(lctx *, void *, LLVMValueRef, jp_type *),
                                void *ctx);     /* lib_iter.c */

typedef struct ext_ctx {
    LLVMValueRef list;
    jp_type *lt;
} ext_ctx;

static void
extend_one(lctx *c, void *vctx, LLVMValueRef v, jp_type *vt)
{
    ext_ctx *e = vctx;
    append_h(c, jp_list_header(c, e->list), e->lt, v, vt);
}

LLVMValueRef
jp_lower_list_extend(lctx *c, jp_node *call)
{
    jp_type *lt = recv_type(c, call), *at = jp_node_type(c, call->u.call.args[0]);
    LLVMValueRef list = jp_lower_expr(c, recv_of(call));
    if (!jp_is_iter_call(call->u.call.args[0]) && at->kind == JP_LIST && at->dtype == lt->dtype) {
        LLVMValueRef args[2] = {jp_list_header(c, list), jp_list_header(c, jp_lower_expr(c, call->u.call.args[0]))};
        LLVMValueRef rc = jp_call_extern(c, "jp_list_extend", i64t(c), args, 2);
        check_memory(c, LLVMBuildICmp(c->b, LLVMIntNE, rc, jp_const_i64(c, 0), ""));
    } else {
        ext_ctx e = {list, lt};
        jp_lower_iter_each(c, call->u.call.args[0], extend_one, &e);
    }
    return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
}

/* l += iterable: extends l in place */
void
jp_lower_list_iadd(lctx *c, jp_node *s)
{
    jp_node *tn = s->u.augassign.target, *vn = s->u.augassign.value;
    jp_type *lt = jp_node_type(c, tn), *vt = jp_node_type(c, vn);
    LLVMValueRef list = jp_lower_expr(c, tn);
    if (!jp_is_iter_call(vn) && vt->kind == JP_LIST && vt->dtype == lt->dtype) {
        LLVMValueRef args[2] = {jp_list_header(c, list), jp_list_header(c, jp_lower_expr(c, vn))};
        LLVMValueRef rc = jp_call_extern(c, "jp_list_extend", i64t(c), args, 2);
        check_memory(c, LLVMBuildICmp(c->b, LLVMIntNE, rc, jp_const_i64(c, 0), ""));
    } else {
        ext_ctx e = {list, lt};
        jp_lower_iter_each(c, vn, extend_one, &e);
    }
}

LLVMValueRef
jp_lower_list_insert(lctx *c, jp_node *call)
{
    jp_type *lt = recv_type(c, call), *et = lt->dtype, *vt = jp_node_type(c, call->u.call.args[1]);
    LLVMValueRef list = jp_lower_expr(c, recv_of(call));
    LLVMValueRef i = jp_cast(c, jp_lower_expr(c, call->u.call.args[0]), jp_node_type(c, call->u.call.args[0]),
                             jp_type_int(64, 1));
    LLVMValueRef v = jp_cast(c, jp_lower_expr(c, call->u.call.args[1]), vt, et), args[5], slot;
    int nrefs;
    args[4] = item_layout(c, et, &nrefs);
    args[0] = jp_list_header(c, list);
    args[1] = i;
    args[2] = jp_const_i64(c, (long long)et->size);
    args[3] = jp_const_i64(c, nrefs);
    slot = jp_call_extern(c, "jp_list_insert_slot", ptrt(c), args, 5);
    check_memory(c, LLVMBuildIsNull(c->b, slot, ""));
    if (jp_type_is_managed(et))
        jp_incref(c, v, et);
    store_item(c, slot, et, v);
    return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
}

LLVMValueRef
jp_lower_list_pop(lctx *c, jp_node *call)
{
    jp_type *lt = recv_type(c, call), *et = lt->dtype;
    LLVMValueRef list = jp_lower_expr(c, recv_of(call)), i, v, args[2];
    if (call->u.call.nargs)
        i = jp_cast(c, jp_lower_expr(c, call->u.call.args[0]), jp_node_type(c, call->u.call.args[0]),
                    jp_type_int(64, 1));
    else
        i = jp_const_i64(c, -1);
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, jp_list_len(c, list), jp_const_i64(c, 0), ""),
             PyExc_IndexError, "pop from empty list");
    i = jp_list_check_index(c, list, i, "pop index out of range");
    v = load_item(c, jp_list_item_ptr(c, list, lt, i), et);
    args[0] = jp_list_header(c, list);
    args[1] = i;
    jp_call_extern(c, "jp_list_delete", LLVMVoidTypeInContext(c->ctx), args, 2);
    if (jp_type_is_managed(et))
        jp_register_temp(c, v, et);     /* the list's reference is now the statement's */
    return v;
}

/* remove(x), index(x), count(x) */
LLVMValueRef
jp_lower_list_find(lctx *c, jp_node *call)
{
    const char *name = call->u.call.func->u.attr.name;
    jp_type *lt = recv_type(c, call), *xt = jp_node_type(c, call->u.call.args[0]);
    LLVMValueRef list = jp_lower_expr(c, recv_of(call)), x = jp_lower_expr(c, call->u.call.args[0]);
    LLVMValueRef where = jp_alloca(c, i64t(c), "where"), count = jp_alloca(c, i64t(c), "count"), i;
    LLVMBasicBlockRef hit = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "find.hit");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "find.next");
    LLVMBasicBlockRef out = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "find.out");
    int counting = name[0] == 'c';
    loop l;
    LLVMBuildStore(c->b, jp_const_i64(c, -1), where);
    LLVMBuildStore(c->b, jp_const_i64(c, 0), count);
    i = loop_begin(c, &l, NULL, list);
    {
        LLVMValueRef v = load_item(c, jp_list_item_ptr(c, list, lt, i), lt->dtype);
        LLVMBuildCondBr(c->b, jp_lower_compare(c, CMP_EQ, v, lt->dtype, x, xt), hit, next);
        LLVMPositionBuilderAtEnd(c->b, hit);
        if (counting) {
            LLVMBuildStore(c->b, LLVMBuildAdd(c->b, LLVMBuildLoad2(c->b, i64t(c), count, ""), jp_const_i64(c, 1), ""),
                           count);
            LLVMBuildBr(c->b, next);
        } else {
            LLVMBuildStore(c->b, i, where);
            LLVMBuildBr(c->b, out);
        }
        LLVMPositionBuilderAtEnd(c->b, next);
    }
    loop_end(c, &l);
    LLVMBuildBr(c->b, out);
    LLVMPositionBuilderAtEnd(c->b, out);
    if (counting)
        return LLVMBuildLoad2(c->b, i64t(c), count, "");
    i = LLVMBuildLoad2(c->b, i64t(c), where, "");
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, i, jp_const_i64(c, 0), ""), PyExc_ValueError,
             name[0] == 'r' ? "list.remove(x): x not in list" : "list.index(x): x not in list");
    if (name[0] == 'r') {
        LLVMValueRef args[2] = {jp_list_header(c, list), i};
        if (jp_type_is_managed(lt->dtype))
            jp_decref(c, load_item(c, jp_list_item_ptr(c, list, lt, i), lt->dtype), lt->dtype);
        jp_call_extern(c, "jp_list_delete", LLVMVoidTypeInContext(c->ctx), args, 2);
        return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
    }
    return i;
}

LLVMValueRef
jp_lower_list_reverse(lctx *c, jp_node *call)
{
    LLVMValueRef h = jp_list_header(c, jp_lower_expr(c, recv_of(call)));
    jp_call_extern(c, "jp_list_reverse", LLVMVoidTypeInContext(c->ctx), &h, 1);
    return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
}

LLVMValueRef
jp_lower_list_clear(lctx *c, jp_node *call)
{
    LLVMValueRef h = jp_list_header(c, jp_lower_expr(c, recv_of(call)));
    jp_call_extern(c, "jp_list_clear", LLVMVoidTypeInContext(c->ctx), &h, 1);
    return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
}

LLVMValueRef
jp_lower_list_copy(lctx *c, jp_node *call)
{
    LLVMValueRef args[5] = {jp_list_header(c, jp_lower_expr(c, recv_of(call))), jp_const_i64(c, 0),
                            jp_const_i64(c, 0), jp_const_i64(c, 0), jp_const_i64(c, 0)}, mi;
    mi = jp_call_extern(c, "jp_list_slice", ptrt(c), args, 5);
    check_memory(c, LLVMBuildIsNull(c->b, mi, ""));
    jp_register_temp(c, mi, jp_node_type(c, call));
    return mi;
}

static int
sort_code(jp_type *t)
{
    switch (t->kind) {
    case JP_BOOL: return JP_LS_BOOL;
    case JP_INT:
        switch (t->bits) {
        case 8: return t->is_signed ? JP_LS_I8 : JP_LS_U8;
        case 16: return t->is_signed ? JP_LS_I16 : JP_LS_U16;
        case 32: return t->is_signed ? JP_LS_I32 : JP_LS_U32;
        default: return t->is_signed ? JP_LS_I64 : JP_LS_U64;
        }
    case JP_FLOAT: return t->bits == 32 ? JP_LS_F32 : JP_LS_F64;
    default: return 0;
    }
}

/* i32 lt(ptr a, ptr b): items (or field `field` of tuple items) compared
 * with Python's `<`.  Numbers and tuples of numbers only: no check can fail. */
static LLVMValueRef
less_than_fn(lctx *c, jp_type *et, int field)
{
    LLVMTypeRef params[2] = {ptrt(c), ptrt(c)}, i32 = LLVMInt32TypeInContext(c->ctx);
    LLVMTypeRef fty = LLVMFunctionType(i32, params, 2, 0);
    LLVMValueRef fn = LLVMAddFunction(c->mod, "list.lt", fty), saved_fn = c->fn, r, x, y;
    LLVMBuilderRef saved_b = c->b;
    jp_type *kt = field >= 0 ? et->elems[field] : et;
    LLVMSetLinkage(fn, LLVMPrivateLinkage);
    c->fn = fn;
    c->b = LLVMCreateBuilderInContext(c->ctx);
    LLVMPositionBuilderAtEnd(c->b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    x = load_item(c, LLVMGetParam(fn, 0), et);
    y = load_item(c, LLVMGetParam(fn, 1), et);
    if (field >= 0) {
        x = LLVMBuildExtractValue(c->b, x, (unsigned)field, "");
        y = LLVMBuildExtractValue(c->b, y, (unsigned)field, "");
    }
    r = jp_lower_compare(c, CMP_LT, x, kt, y, kt);
    LLVMBuildRet(c->b, LLVMBuildZExt(c->b, r, i32, ""));
    LLVMDisposeBuilder(c->b);
    c->b = saved_b;
    c->fn = saved_fn;
    return fn;
}

/* key(v) through the instance typing chose (with an inner function's
 * captures, lib_func.c); its exception propagates. */
static LLVMValueRef
call_key(lctx *c, jp_node *key, LLVMValueRef v, jp_type *vt)
{
    return jp_lower_fn_call(c, key, 1, &v, &vt);
}

static int
ki_numeric(jp_type *t)
{
    return (t->kind == JP_FLOAT || t->kind == JP_INT) && t->bits == 64 && (t->kind == JP_FLOAT || t->is_signed);
}

/* sort(key=f) with an int64/float64 key and a constant reverse: the keys and
 * 0..n-1 in two lists, a stable argsort of the keys in C (sort_runtime.c, NaN
 * last), the items permuted to that order (what NumPy's kind='stable' does).
 * reverse=True sorts order-reversed keys (~k, -k) ascending: CPython keeps
 * equal keys in their first order then too. */
static void
sort_by_numeric_key(lctx *c, LLVMValueRef list, jp_type *lt, jp_node *key, int reverse)
{
    jp_type *kt = c->inst->callees[key->id]->ret, *i64 = jp_type_int(64, 1);
    jp_type *klt = jp_type_list(kt, 0), *ilt = jp_type_list(i64, 0);
    LLVMValueRef n = jp_list_len(c, list), keys = jp_list_new_value(c, klt, n), order = jp_list_new_value(c, ilt, n);
    LLVMValueRef i, args[7], rc, shape = jp_alloca(c, i64t(c), "shape"), stride = jp_alloca(c, i64t(c), "stride");
    loop l;
    i = loop_begin(c, &l, n, NULL);
    {
        LLVMValueRef item = load_item(c, jp_list_item_ptr(c, list, lt, i), lt->dtype);
        LLVMValueRef k = call_key(c, key, item, lt->dtype);
        if (reverse)
            k = kt->kind == JP_FLOAT ? LLVMBuildFNeg(c->b, k, "") : LLVMBuildNot(c->b, k, "");
        jp_list_append_value(c, keys, klt, k, kt);
        jp_list_append_value(c, order, ilt, i, i64);
    }
    loop_end(c, &l);
    LLVMBuildStore(c->b, n, shape);
    LLVMBuildStore(c->b, jp_const_i64(c, 8), stride);
    args[0] = jp_list_item_ptr(c, order, ilt, jp_const_i64(c, 0));
    args[1] = jp_list_item_ptr(c, keys, klt, jp_const_i64(c, 0));
    args[2] = LLVMConstInt(LLVMInt32TypeInContext(c->ctx), kt->kind == JP_FLOAT ? JP_SDT_F64 : JP_SDT_I64, 0);
    args[3] = jp_const_i64(c, 1);
    args[4] = shape;
    args[5] = stride;
    args[6] = LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 1, 0);
    rc = jp_call_extern(c, "jp_sort_argsort", LLVMInt32TypeInContext(c->ctx), args, 7);
    check_memory(c, LLVMBuildICmp(c->b, LLVMIntNE, rc, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 0, 0), ""));
    args[0] = jp_list_header(c, list);
    args[1] = jp_list_header(c, order);
    args[2] = jp_const_i64(c, 0);
    rc = jp_call_extern(c, "jp_list_permute", i64t(c), args, 3);
    check_memory(c, LLVMBuildICmp(c->b, LLVMIntNE, rc, jp_const_i64(c, 0), ""));
}

/* Sort the list in `list`: numbers in C; tuples through a compiled `<`;
 * with key=f: (f(item), index) pairs are made in jit code (f's exceptions
 * propagate), sorted by their first field (stable), and the items are
 * permuted to that order. */
void
jp_lower_list_sort_h(lctx *c, LLVMValueRef list, jp_type *lt, jp_node *call)
{
    jp_node *rev = jp_lib_keyword(call, "reverse"), *key = jp_lib_keyword(call, "key");
    jp_type *et = lt->dtype;
    LLVMValueRef r = jp_const_i64(c, 0), rc, h;
    int code = sort_code(et);
    if (key && key->kind == E_CONST)
        key = NULL;     /* key=None */
    if (rev)
        r = jp_cast(c, jp_lower_expr(c, rev), jp_node_type(c, rev), jp_type_int(64, 1));
    if (key && (ki_numeric(c->inst->callees[key->id]->ret)) && (rev == NULL || rev->kind == E_CONST)) {
        sort_by_numeric_key(c, list, lt, key, rev != NULL && rev->u.cnst.v.i != 0);
        return;
    }
    if (key) {
        jp_instance *ki = c->inst->callees[key->id];
        jp_type *pair_t[2] = {ki->ret, jp_type_int(64, 1)}, *pt = jp_type_tuple(2, pair_t), *plt = jp_type_list(pt, 0);
        LLVMValueRef n = jp_list_len(c, list), pairs = jp_list_new_value(c, plt, n), i, args[3];
        loop l;
        i = loop_begin(c, &l, n, NULL);
        {
            LLVMValueRef item = load_item(c, jp_list_item_ptr(c, list, lt, i), et);
            LLVMValueRef pair = LLVMGetUndef(jp_llvm_type(c->ctx, pt));   /* filled below */
            pair = LLVMBuildInsertValue(c->b, pair, call_key(c, key, item, et), 0, "");
            pair = LLVMBuildInsertValue(c->b, pair, i, 1, "");
            jp_list_append_value(c, pairs, plt, pair, pt);
        }
        loop_end(c, &l);
        args[0] = jp_list_header(c, pairs);
        args[1] = r;
        args[2] = less_than_fn(c, pt, 0);
        rc = jp_call_extern(c, "jp_list_sort_cmp", i64t(c), args, 3);
        check_memory(c, LLVMBuildICmp(c->b, LLVMIntNE, rc, jp_const_i64(c, 0), ""));
        args[0] = jp_list_header(c, list);
        args[1] = jp_list_header(c, pairs);
        args[2] = jp_const_i64(c, (long long)pt->offsets[1]);
        rc = jp_call_extern(c, "jp_list_permute", i64t(c), args, 3);
        check_memory(c, LLVMBuildICmp(c->b, LLVMIntNE, rc, jp_const_i64(c, 0), ""));
        return;
    }
    h = jp_list_header(c, list);
    if (code) {
        LLVMValueRef args[3] = {h, jp_const_i64(c, code), r};
        rc = jp_call_extern(c, "jp_list_sort", i64t(c), args, 3);
    } else {
        LLVMValueRef args[3] = {h, r, less_than_fn(c, et, -1)};
        rc = jp_call_extern(c, "jp_list_sort_cmp", i64t(c), args, 3);
    }
    check_memory(c, LLVMBuildICmp(c->b, LLVMIntNE, rc, jp_const_i64(c, 0), ""));
}

LLVMValueRef
jp_lower_list_sort(lctx *c, jp_node *call)
{
    jp_type *lt = recv_type(c, call);
    jp_lower_list_sort_h(c, jp_lower_expr(c, recv_of(call)), lt, call);
    return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
}

LLVMValueRef
jp_lower_list_method(lctx *c, jp_node *call)
{
    const jp_lib_entry *e = c->inst->resolved[call->id];
    /* typing resolved every list method call it accepted */
    return e->lower(c, call);
}

/* ---- unpacking ------------------------------------------------------------------ */

LLVMValueRef
jp_lower_list_unpack(lctx *c, LLVMValueRef list, jp_type *lt, int n)
{
    jp_type *elems[64], *tt;
    LLVMValueRef len = jp_list_len(c, list), args[2], v;
    for (int i = 0; i < n && i < 64; i++)
        elems[i] = lt->dtype;
    tt = jp_type_tuple(n, elems);
    args[0] = jp_const_i64(c, n);
    args[1] = len;
    jp_check_dynamic(c, LLVMBuildICmp(c->b, LLVMIntNE, len, jp_const_i64(c, n), ""), PyExc_ValueError,
                     "jp_rt_unpack_message", args, 2);
    v = LLVMGetUndef(jp_llvm_type(c->ctx, tt));    /* every element is inserted below */
    for (int i = 0; i < n; i++)
        v = LLVMBuildInsertValue(c->b, v, load_item(c, jp_list_item_ptr(c, list, lt, jp_const_i64(c, i)), lt->dtype),
                                 (unsigned)i, "");
    return v;
}
