/* jit/lower_set.c - sets in LLVM IR, on the dict's hash table (hashtable.h,
 * entries without values).  len, `in`, iteration, clear and copy share the
 * dict's lowering (lower_dict.c); this file adds literals, set(iterable),
 * add/discard/remove/pop, and the operators `| & - ^` (a new table) and
 * their in-place forms. */
#include "jit/dict.h"
#include "jit/hashtable.h"
#include "jit/resolve.h"

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

static jp_type *
set_type(lctx *c, jp_node *n)
{
    if (n->kind == E_LOCAL && c->inst->var_types[n->u.local.index]->kind == JP_SET)
        return c->inst->var_types[n->u.local.index];
    return jp_node_type(c, n);
}

static jp_type *
item_of(jp_type *t)
{
    return UNKNOWN(t->dtype) ? jp_type_int(64, 1) : t->dtype;
}

static LLVMValueRef
spill(lctx *c, LLVMValueRef v, jp_type *vt, jp_type *t)
{
    LLVMValueRef slot = jp_alloca(c, jp_llvm_type(c->ctx, t), "set.item");
    LLVMBuildStore(c->b, jp_cast(c, v, vt, t), slot);
    return slot;
}

static void
add(lctx *c, LLVMValueRef mi, jp_type *st, LLVMValueRef v, jp_type *vt)
{
    LLVMValueRef args[2] = {mi, spill(c, v, vt, item_of(st))};
    LLVMValueRef rc = jp_call_extern(c, "jp_ht_add", i64t(c), args, 2);
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, rc, jp_const_i64(c, 0), ""), PyExc_MemoryError, NULL);
}

LLVMValueRef
jp_lower_set_literal(lctx *c, jp_node *n)
{
    jp_type *st = jp_node_type(c, n);
    LLVMValueRef *vals = calloc((size_t)n->u.tuple.n + 1, sizeof *vals), mi;
    for (int i = 0; vals && i < n->u.tuple.n; i++)
        vals[i] = jp_lower_expr(c, n->u.tuple.elts[i]);
    mi = jp_dict_new_value(c, st);
    for (int i = 0; vals && i < n->u.tuple.n; i++)
        add(c, mi, st, vals[i], jp_node_type(c, n->u.tuple.elts[i]));
    free(vals);
    return mi;
}

typedef struct adder {
    LLVMValueRef mi;
    jp_type *st;
} adder;

static void
add_item(lctx *c, void *ctx, LLVMValueRef v, jp_type *vt)
{
    adder *a = ctx;
    add(c, a->mi, a->st, v, vt);
}

LLVMValueRef
jp_lower_set_builtin(lctx *c, jp_node *call)
{
    jp_type *st = jp_node_type(c, call), *at;
    LLVMValueRef src, mi;
    if (call->u.call.nargs == 0)
        return jp_dict_new_value(c, st);
    at = jp_node_type(c, call->u.call.args[0]);
    src = jp_lower_expr(c, call->u.call.args[0]);
    if (at->kind == JP_SET) {
        mi = jp_call_extern(c, "jp_ht_copy", ptrt(c), &src, 1);
        jp_check(c, LLVMBuildIsNull(c->b, mi, ""), PyExc_MemoryError, NULL);
        jp_register_temp(c, mi, st);
        return mi;
    }
    mi = jp_dict_new_value(c, st);
    if (at->kind == JP_LIST) {
        adder a = {mi, st};
        jp_list_each(c, src, at, add_item, &a);
    } else if (at->kind == JP_TUPLE) {
        for (int i = 0; i < at->n; i++)
            add(c, mi, st, LLVMBuildExtractValue(c->b, src, (unsigned)i, ""), at->elems[i]);
    } else {
        /* a 1-d array: a counted loop over its items */
        LLVMValueRef n = jp_arr_field(c, src, 3, 0), counter = jp_alloca(c, i64t(c), "i"), i;
        LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "set.head");
        LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "set.body");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "set.done");
        LLVMBuildStore(c->b, jp_const_i64(c, 0), counter);
        LLVMBuildBr(c->b, head);
        LLVMPositionBuilderAtEnd(c->b, head);
        i = LLVMBuildLoad2(c->b, i64t(c), counter, "");
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, i, n, ""), body, done);
        LLVMPositionBuilderAtEnd(c->b, body);
        add(c, mi, st, jp_array_iter_item(c, src, at, i), at->dtype);
        LLVMBuildStore(c->b, LLVMBuildNSWAdd(c->b, i, jp_const_i64(c, 1), ""), counter);
        LLVMBuildBr(c->b, head);
        LLVMPositionBuilderAtEnd(c->b, done);
    }
    return mi;
}

/* ---- methods ------------------------------------------------------------------------- */

static jp_node *
recv_of(jp_node *call)
{
    return call->u.call.func->u.attr.value;
}

static LLVMValueRef
none(lctx *c)
{
    return LLVMConstInt(LLVMInt8TypeInContext(c->ctx), 0, 0);
}

LLVMValueRef
jp_lower_set_add(lctx *c, jp_node *call)
{
    jp_type *st = set_type(c, recv_of(call));
    LLVMValueRef mi = jp_lower_expr(c, recv_of(call)), v = jp_lower_expr(c, call->u.call.args[0]);
    add(c, mi, st, v, jp_node_type(c, call->u.call.args[0]));
    return none(c);
}

LLVMValueRef
jp_lower_set_remove(lctx *c, jp_node *call)
{
    jp_type *st = set_type(c, recv_of(call));
    jp_node *a = call->u.call.args[0];
    LLVMValueRef args[3], rc;
    args[0] = jp_lower_expr(c, recv_of(call));
    args[1] = spill(c, jp_lower_expr(c, a), jp_node_type(c, a), item_of(st));
    args[2] = LLVMConstNull(ptrt(c));
    rc = jp_call_extern(c, "jp_ht_delete", i64t(c), args, 3);
    if (call->u.call.func->u.attr.name[0] == 'r')     /* remove: KeyError naming the item */
        jp_check_dynamic(c, LLVMBuildICmp(c->b, LLVMIntEQ, rc, jp_const_i64(c, 0), ""), PyExc_KeyError,
                         "jp_ht_key_message", args, 2);
    return none(c);
}

LLVMValueRef
jp_lower_set_pop(lctx *c, jp_node *call)
{
    jp_type *st = set_type(c, recv_of(call)), *it = item_of(st);
    LLVMValueRef args[3], rc;
    args[0] = jp_lower_expr(c, recv_of(call));
    args[1] = jp_alloca(c, jp_llvm_type(c->ctx, it), "set.popped");
    args[2] = jp_alloca(c, i64t(c), "set.novalue");
    rc = jp_call_extern(c, "jp_ht_popitem", i64t(c), args, 3);
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, rc, jp_const_i64(c, 0), ""), PyExc_KeyError, "pop from an empty set");
    rc = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, it), args[1], "");
    if (jp_type_is_managed(it))
        jp_register_temp(c, rc, it);        /* the table's reference moved out with the item */
    return rc;
}

static int
op_of_name(const char *name)
{
    switch (name[0]) {
    case 'u': return 0;     /* union, update */
    case 'i': return 1;
    case 'd': return 2;
    default: return 3;
    }
}

static LLVMValueRef
setop(lctx *c, LLVMValueRef a, LLVMValueRef b, int op, jp_type *rt)
{
    LLVMValueRef args[3] = {a, b, jp_const_i64(c, op)};
    LLVMValueRef r = jp_call_extern(c, "jp_ht_setop", ptrt(c), args, 3);
    jp_check(c, LLVMBuildIsNull(c->b, r, ""), PyExc_MemoryError, NULL);
    jp_register_temp(c, r, rt);
    return r;
}

static void
setop_inplace(lctx *c, LLVMValueRef a, LLVMValueRef b, int op)
{
    LLVMValueRef args[3] = {a, b, jp_const_i64(c, op)};
    LLVMValueRef rc = jp_call_extern(c, "jp_ht_setop_inplace", i64t(c), args, 3);
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, rc, jp_const_i64(c, 0), ""), PyExc_MemoryError, NULL);
}

LLVMValueRef
jp_lower_set_binary(lctx *c, jp_node *call)
{
    const char *name = call->u.call.func->u.attr.name;
    LLVMValueRef a = jp_lower_expr(c, recv_of(call)), b = jp_lower_expr(c, call->u.call.args[0]);
    if (name[1] == 'p') {       /* update */
        setop_inplace(c, a, b, 0);
        return none(c);
    }
    return setop(c, a, b, op_of_name(name), jp_node_type(c, call));
}

static int
op_of(jp_binop op)
{
    return op == OP_BITOR ? 0 : op == OP_BITAND ? 1 : op == OP_SUB ? 2 : 3;
}

LLVMValueRef
jp_lower_set_binop(lctx *c, jp_node *n, LLVMValueRef a, LLVMValueRef b)
{
    return setop(c, a, b, op_of(n->u.binop.op), jp_node_type(c, n));
}

void
jp_lower_set_augassign(lctx *c, jp_node *s)
{
    LLVMValueRef a = jp_lower_expr(c, s->u.augassign.target), b = jp_lower_expr(c, s->u.augassign.value);
    setop_inplace(c, a, b, op_of(s->u.augassign.op));
}
