/* jit/lower_dict.c - dicts in LLVM IR.  A dict value is its meminfo pointer;
 * the table (hashtable.h) does hashing, probing and growth in C, called
 * with the key stored in a stack slot; len and iteration read the header
 * inline.
 *
 * References: the table owns one reference through each meminfo pointer of
 * a value.  Storing a value takes a new one (an array that came from Python
 * without a block adopts its object, so the table may outlive the call); a
 * value read with d[k] or get() is borrowed from the table; pop() and
 * popitem() hand the table's reference to the statement (a temp). */
#include "jit/dict.h"
#include "jit/hashtable.h"
#include "jit/list_runtime.h"
#include "jit/resolve.h"

#include <string.h>

enum { F_USED = 0, F_NENTRIES = 8, F_ENTRIES = 16 };

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
byte_gep(lctx *c, LLVMValueRef p, LLVMValueRef off)
{
    return LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), p, &off, 1, "");
}

static LLVMValueRef
load_at(lctx *c, LLVMValueRef p, int off, LLVMTypeRef t)
{
    LLVMValueRef v = LLVMBuildLoad2(c->b, t, byte_gep(c, p, jp_const_i64(c, off)), "");
    jp_tbaa(c, v, JP_TBAA_OBJECT_FIELDS);
    return v;
}

static LLVMValueRef
header(lctx *c, LLVMValueRef mi)
{
    return load_at(c, mi, 8, ptrt(c));      /* jp_meminfo.data */
}

/* The dict type of a node: a variable's final type (an empty literal's
 * types come from later statements). */
static jp_type *
dict_type(lctx *c, jp_node *n)
{
    if (n->kind == E_LOCAL && (c->inst->var_types[n->u.local.index]->kind == JP_DICT
                               || c->inst->var_types[n->u.local.index]->kind == JP_SET))
        return c->inst->var_types[n->u.local.index];
    return jp_node_type(c, n);
}

/* the key type (a set's item type) */
static jp_type *
key_of(jp_type *t)
{
    jp_type *k = t->kind == JP_SET ? t->dtype : t->key;
    return UNKNOWN(k) ? jp_type_int(64, 1) : k;
}

static jp_type *
val_of(jp_type *t)
{
    return UNKNOWN(t->dtype) ? jp_type_int(64, 1) : t->dtype;
}

static LLVMValueRef
i32_array(lctx *c, const int32_t *v, int n, const char *name)
{
    LLVMTypeRef i32 = LLVMInt32TypeInContext(c->ctx);
    LLVMValueRef vals[JP_HT_MAX_LAYOUT], init, g;
    for (int k = 0; k < n; k++)
        vals[k] = LLVMConstInt(i32, (unsigned long long)(uint32_t)v[k], 0);
    init = LLVMConstArray2(i32, vals, (uint64_t)n);
    g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), name);
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, 1);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    return g;
}

static LLVMValueRef
layout_const(lctx *c, jp_type *k, jp_type *v)
{
    int32_t layout[JP_HT_MAX_LAYOUT];
    int n = jp_ht_layout(k, v, layout);     /* v NULL: a set */
    if (n < 0)
        n = jp_ht_layout(jp_type_int(64, 1), v ? jp_type_int(64, 1) : NULL, layout);     /* refused by typing */
    return i32_array(c, layout, n, "dict.layout");
}

static void
check_memory(lctx *c, LLVMValueRef failed)
{
    jp_check(c, failed, PyExc_MemoryError, NULL);
}

LLVMValueRef
jp_dict_new_value(lctx *c, jp_type *t)
{
    LLVMValueRef lay = layout_const(c, key_of(t), t->kind == JP_SET ? NULL : val_of(t));
    LLVMValueRef mi = jp_call_extern(c, "jp_ht_new", ptrt(c), &lay, 1);
    check_memory(c, LLVMBuildIsNull(c->b, mi, ""));
    jp_register_temp(c, mi, t);
    return mi;
}

/* v (type vt) converted to t in a stack slot */
static LLVMValueRef
spill(lctx *c, LLVMValueRef v, jp_type *vt, jp_type *t, const char *name)
{
    LLVMValueRef slot = jp_alloca(c, jp_llvm_type(c->ctx, t), name);
    LLVMBuildStore(c->b, jp_cast(c, v, vt, t), slot);
    return slot;
}

/* A value the table will own: new references (arrays from Python adopt their object). */
static LLVMValueRef
own_value(lctx *c, LLVMValueRef v, jp_type *t)
{
    if (t->kind == JP_ARRAY) {
        LLVMValueRef mi = jp_arr_field(c, v, 0, 0), parent = jp_arr_field(c, v, 1, 0);
        LLVMValueRef none = LLVMBuildIsNull(c->b, mi, "");
        LLVMBasicBlockRef adopt = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "dict.adopt");
        LLVMBasicBlockRef have = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "dict.incref");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "dict.owned");
        LLVMBasicBlockRef from[2];
        LLVMValueRef vals[2], phi;
        LLVMBuildCondBr(c->b, none, adopt, have);
        LLVMPositionBuilderAtEnd(c->b, adopt);
        vals[0] = jp_call_extern(c, "jp_nrt_adopt", ptrt(c), &parent, 1);   /* NULL parent: NULL */
        from[0] = LLVMGetInsertBlock(c->b);
        LLVMBuildBr(c->b, join);
        LLVMPositionBuilderAtEnd(c->b, have);
        jp_incref(c, v, t);
        vals[1] = mi;
        from[1] = LLVMGetInsertBlock(c->b);
        LLVMBuildBr(c->b, join);
        LLVMPositionBuilderAtEnd(c->b, join);
        phi = LLVMBuildPhi(c->b, ptrt(c), "");
        LLVMAddIncoming(phi, vals, from, 2);
        return LLVMBuildInsertValue(c->b, v, phi, 0, "");
    }
    if (t->kind == JP_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (jp_type_is_managed(t->elems[i]))
                v = LLVMBuildInsertValue(c->b, v,
                                         own_value(c, LLVMBuildExtractValue(c->b, v, (unsigned)i, ""), t->elems[i]),
                                         (unsigned)i, "");
        return v;
    }
    if (jp_type_is_managed(t))
        jp_incref(c, v, t);
    return v;
}

static void
key_error(lctx *c, LLVMValueRef failed, LLVMValueRef mi, LLVMValueRef kp)
{
    LLVMValueRef args[2] = {mi, kp};
    jp_check_dynamic(c, failed, PyExc_KeyError, "jp_ht_key_message", args, 2);
}

static LLVMValueRef
lookup(lctx *c, LLVMValueRef mi, LLVMValueRef kp)
{
    LLVMValueRef args[2] = {mi, kp};
    return jp_call_extern(c, "jp_ht_lookup", ptrt(c), args, 2);
}

static LLVMValueRef
load_value(lctx *c, LLVMValueRef p, jp_type *t)
{
    LLVMValueRef v = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, t), p, "");
    jp_tbaa(c, v, JP_TBAA_ARRAY_DATA);
    return v;
}

/* d[k] = v with k, v already evaluated */
static void
store(lctx *c, LLVMValueRef mi, jp_type *dt, LLVMValueRef k, jp_type *kt, LLVMValueRef v, jp_type *vt)
{
    jp_type *K = key_of(dt), *V = val_of(dt);
    LLVMValueRef args[3], rc;
    args[0] = mi;
    args[1] = spill(c, k, kt, K, "dict.key");
    args[2] = jp_alloca(c, jp_llvm_type(c->ctx, V), "dict.value");
    LLVMBuildStore(c->b, own_value(c, jp_cast(c, v, vt, V), V), args[2]);
    rc = jp_call_extern(c, "jp_ht_set", i64t(c), args, 3);
    check_memory(c, LLVMBuildICmp(c->b, LLVMIntNE, rc, jp_const_i64(c, 0), ""));
}

/* ---- literals, d[k], d[k] = v, del d[k], in, len ------------------------------------ */

LLVMValueRef
jp_lower_dict_literal(lctx *c, jp_node *n)
{
    jp_type *dt = jp_node_type(c, n);
    LLVMValueRef mi, *vals;
    if (n->u.tuple.n == 0)
        return jp_dict_new_value(c, dt);
    if ((vals = calloc((size_t)n->u.tuple.n, sizeof *vals)) == NULL)
        return jp_dict_new_value(c, dt);
    for (int i = 0; i < n->u.tuple.n; i++)      /* k1, v1, k2, v2 ... as Python evaluates them */
        vals[i] = jp_lower_expr(c, n->u.tuple.elts[i]);
    mi = jp_dict_new_value(c, dt);
    for (int i = 0; i < n->u.tuple.n; i += 2)
        store(c, mi, dt, vals[i], jp_node_type(c, n->u.tuple.elts[i]), vals[i + 1],
              jp_node_type(c, n->u.tuple.elts[i + 1]));
    free(vals);
    return mi;
}

LLVMValueRef
jp_lower_dict_subscript(lctx *c, jp_node *n)
{
    jp_type *dt = dict_type(c, n->u.subscript.value);
    jp_node *ix = n->u.subscript.index;
    LLVMValueRef mi = jp_lower_expr(c, n->u.subscript.value);
    LLVMValueRef kp = spill(c, jp_lower_expr(c, ix), jp_node_type(c, ix), key_of(dt), "dict.key");
    LLVMValueRef p = lookup(c, mi, kp);
    key_error(c, LLVMBuildIsNull(c->b, p, ""), mi, kp);
    return load_value(c, p, val_of(dt));
}

static int
pure(jp_node *n)
{
    return n->kind == E_CONST || n->kind == E_LOCAL;
}

void
jp_lower_dict_setitem(lctx *c, jp_node *s, int is_aug)
{
    jp_node *target = s->u.augassign.target, *vn = s->u.augassign.value, *ix = target->u.subscript.index;
    jp_type *dt = dict_type(c, target->u.subscript.value), *V = val_of(dt);
    LLVMValueRef mi, k, v = NULL, kp, p, old, b;
    jp_type *rt;
    if (!is_aug) {
        /* Python evaluates the value before the target's parts */
        v = jp_lower_expr(c, vn);
        mi = jp_lower_expr(c, target->u.subscript.value);
        k = jp_lower_expr(c, ix);
        store(c, mi, dt, k, jp_node_type(c, ix), v, jp_node_type(c, vn));
        return;
    }
    mi = jp_lower_expr(c, target->u.subscript.value);
    k = jp_lower_expr(c, ix);
    kp = spill(c, k, jp_node_type(c, ix), key_of(dt), "dict.key");
    p = lookup(c, mi, kp);
    key_error(c, LLVMBuildIsNull(c->b, p, ""), mi, kp);
    old = load_value(c, p, V);
    b = jp_lower_expr(c, vn);
    rt = jp_node_type(c, s);
    v = jp_cast(c, jp_lower_binop(c, s->u.augassign.op, old, V, b, jp_node_type(c, vn), rt, vn), rt, V);
    if (pure(vn) && !jp_type_is_managed(V)) {
        /* d[k] += 1: nothing ran since the lookup, the slot is still the key's */
        jp_tbaa(c, LLVMBuildStore(c->b, v, p), JP_TBAA_ARRAY_DATA);
        return;
    }
    store(c, mi, dt, k, jp_node_type(c, ix), v, V);
}

void
jp_lower_dict_delitem(lctx *c, jp_node *s)
{
    jp_node *target = s->u.expr.value, *ix = target->u.subscript.index;
    jp_type *dt = dict_type(c, target->u.subscript.value);
    LLVMValueRef mi = jp_lower_expr(c, target->u.subscript.value), args[3], rc;
    args[0] = mi;
    args[1] = spill(c, jp_lower_expr(c, ix), jp_node_type(c, ix), key_of(dt), "dict.key");
    args[2] = LLVMConstNull(ptrt(c));
    rc = jp_call_extern(c, "jp_ht_delete", i64t(c), args, 3);
    key_error(c, LLVMBuildICmp(c->b, LLVMIntEQ, rc, jp_const_i64(c, 0), ""), mi, args[1]);
}

LLVMValueRef
jp_lower_dict_contains(lctx *c, LLVMValueRef key, jp_type *kt, LLVMValueRef dict, jp_type *dt)
{
    LLVMValueRef kp = spill(c, key, kt, key_of(dt), "dict.key");
    return LLVMBuildIsNotNull(c->b, lookup(c, dict, kp), "");
}

LLVMValueRef
jp_lower_dict_len(lctx *c, LLVMValueRef dict)
{
    return load_at(c, header(c, dict), F_USED, i64t(c));
}

/* ---- for k in d ------------------------------------------------------------------------ */

void
jp_lower_dict_for(lctx *c, jp_node *s)
{
    jp_node *it = s->u.loop.iter;
    jp_type *dt = dict_type(c, it), *K = key_of(dt);
    int32_t layout[JP_HT_MAX_LAYOUT];
    LLVMValueRef slot = jp_alloca(c, ptrt(c), "iter.dict"), counter = jp_alloca(c, i64t(c), "i"), d, i, h, e;
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "dict.head");
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "dict.entry");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "dict.body");
    LLVMBasicBlockRef latch = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "dict.latch");
    LLVMBasicBlockRef orelse = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "for.else");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "for.done");
    int mark = c->ntemps;
    jp_ht_layout(K, dt->kind == JP_SET ? NULL : val_of(dt), layout);
    d = jp_lower_expr(c, it);
    jp_own_slots(c, slot, dt);
    jp_incref(c, d, dt);
    LLVMBuildStore(c->b, d, slot);
    jp_release_temps(c, mark);
    LLVMBuildStore(c->b, jp_const_i64(c, 0), counter);
    LLVMBuildBr(c->b, head);
    /* head: i < nentries (reread each trip: the body may change the dict) */
    LLVMPositionBuilderAtEnd(c->b, head);
    i = LLVMBuildLoad2(c->b, i64t(c), counter, "");
    h = header(c, LLVMBuildLoad2(c->b, ptrt(c), slot, ""));
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, i, load_at(c, h, F_NENTRIES, i64t(c)), ""), entry, orelse);
    /* entry: skip deleted ones */
    LLVMPositionBuilderAtEnd(c->b, entry);
    e = byte_gep(c, load_at(c, h, F_ENTRIES, ptrt(c)),
                 LLVMBuildMul(c->b, i, jp_const_i64(c, layout[JP_HL_ENTRYSIZE]), ""));
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, load_at(c, e, 0, i64t(c)), jp_const_i64(c, JP_HT_DELETED), ""),
                    latch, body);
    LLVMPositionBuilderAtEnd(c->b, body);
    {
        int m2 = c->ntemps;
        jp_store_target(c, s->u.loop.target, load_value(c, byte_gep(c, e, jp_const_i64(c, JP_HT_KEYOFF)), K), K);
        jp_release_temps(c, m2);
    }
    c->break_bb[c->loop_depth] = done;
    c->continue_bb[c->loop_depth] = latch;
    c->loop_depth++;
    jp_lower_block(c, &s->u.loop.body);
    c->loop_depth--;
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, latch);
    LLVMPositionBuilderAtEnd(c->b, latch);
    LLVMBuildStore(c->b, LLVMBuildNSWAdd(c->b, LLVMBuildLoad2(c->b, i64t(c), counter, ""), jp_const_i64(c, 1), ""),
                   counter);
    LLVMBuildBr(c->b, head);
    LLVMPositionBuilderAtEnd(c->b, orelse);
    jp_lower_block(c, &s->u.loop.orelse);
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    jp_decref(c, LLVMBuildLoad2(c->b, ptrt(c), slot, ""), dt);
    LLVMBuildStore(c->b, LLVMConstNull(ptrt(c)), slot);
}

/* ---- methods ------------------------------------------------------------------------------ */

static jp_node *
recv_of(jp_node *call)
{
    return call->u.call.func->u.attr.value;
}

/* cond ? then_v : else_v with each computed in its own block by the caller:
 * the two values and the blocks they come from */
static LLVMValueRef
phi2(lctx *c, LLVMTypeRef t, LLVMValueRef a, LLVMBasicBlockRef ba, LLVMValueRef b, LLVMBasicBlockRef bb)
{
    LLVMValueRef phi = LLVMBuildPhi(c->b, t, ""), vals[2] = {a, b};
    LLVMBasicBlockRef from[2] = {ba, bb};
    LLVMAddIncoming(phi, vals, from, 2);
    return phi;
}

LLVMValueRef
jp_lower_dict_get(lctx *c, jp_node *call)
{
    jp_type *dt = dict_type(c, recv_of(call)), *rt = jp_node_type(c, call), *V = val_of(dt);
    jp_node *kn = call->u.call.args[0], *dn = call->u.call.args[1];
    LLVMValueRef mi = jp_lower_expr(c, recv_of(call));
    LLVMValueRef kp = spill(c, jp_lower_expr(c, kn), jp_node_type(c, kn), key_of(dt), "dict.key");
    LLVMValueRef dflt = jp_cast(c, jp_lower_expr(c, dn), jp_node_type(c, dn), rt), p = lookup(c, mi, kp), found;
    LLVMBasicBlockRef hit = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "get.hit");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "get.join");
    LLVMBasicBlockRef miss = LLVMGetInsertBlock(c->b);
    LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, p, ""), join, hit);
    LLVMPositionBuilderAtEnd(c->b, hit);
    found = jp_cast(c, load_value(c, p, V), V, rt);
    hit = LLVMGetInsertBlock(c->b);
    LLVMBuildBr(c->b, join);
    LLVMPositionBuilderAtEnd(c->b, join);
    return phi2(c, jp_llvm_type(c->ctx, rt), found, hit, dflt, miss);
}

LLVMValueRef
jp_lower_dict_pop(lctx *c, jp_node *call)
{
    jp_type *dt = dict_type(c, recv_of(call)), *rt = jp_node_type(c, call), *V = val_of(dt);
    jp_node *kn = call->u.call.args[0];
    LLVMValueRef mi = jp_lower_expr(c, recv_of(call)), args[3], rc, r;
    LLVMValueRef dflt = call->u.call.nargs > 1 ? jp_lower_expr(c, call->u.call.args[1]) : NULL;
    args[0] = mi;
    args[1] = spill(c, jp_lower_expr(c, kn), jp_node_type(c, kn), key_of(dt), "dict.key");
    args[2] = jp_alloca(c, jp_llvm_type(c->ctx, V), "dict.popped");
    rc = jp_call_extern(c, "jp_ht_delete", i64t(c), args, 3);
    if (dflt == NULL) {
        key_error(c, LLVMBuildICmp(c->b, LLVMIntEQ, rc, jp_const_i64(c, 0), ""), mi, args[1]);
        r = load_value(c, args[2], V);
    } else {
        LLVMBasicBlockRef hit = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "pop.hit");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "pop.join"), miss;
        LLVMValueRef d = jp_cast(c, dflt, jp_node_type(c, call->u.call.args[1]), rt), found;
        if (jp_type_is_managed(rt))
            jp_incref(c, d, rt);        /* both ways the statement owns one reference */
        miss = LLVMGetInsertBlock(c->b);
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, rc, jp_const_i64(c, 0), ""), join, hit);
        LLVMPositionBuilderAtEnd(c->b, hit);
        found = jp_cast(c, load_value(c, args[2], V), V, rt);
        hit = LLVMGetInsertBlock(c->b);
        LLVMBuildBr(c->b, join);
        LLVMPositionBuilderAtEnd(c->b, join);
        r = phi2(c, jp_llvm_type(c->ctx, rt), found, hit, d, miss);
    }
    if (jp_type_is_managed(rt))
        jp_register_temp(c, r, rt);
    return r;
}

LLVMValueRef
jp_lower_dict_setdefault(lctx *c, jp_node *call)
{
    jp_type *dt = dict_type(c, recv_of(call)), *V = val_of(dt);
    jp_node *kn = call->u.call.args[0], *dn = call->u.call.args[1];
    LLVMValueRef mi = jp_lower_expr(c, recv_of(call)), args[3], p, dflt;
    LLVMBasicBlockRef fill = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "setdefault.new");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "setdefault.join");
    args[0] = mi;
    args[1] = spill(c, jp_lower_expr(c, kn), jp_node_type(c, kn), key_of(dt), "dict.key");
    dflt = jp_cast(c, jp_lower_expr(c, dn), jp_node_type(c, dn), V);
    args[2] = jp_alloca(c, i64t(c), "is_new");
    p = jp_call_extern(c, "jp_ht_slot", ptrt(c), args, 3);
    check_memory(c, LLVMBuildIsNull(c->b, p, ""));
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, LLVMBuildLoad2(c->b, i64t(c), args[2], ""),
                                        jp_const_i64(c, 0), ""), fill, join);
    LLVMPositionBuilderAtEnd(c->b, fill);
    jp_tbaa(c, LLVMBuildStore(c->b, own_value(c, dflt, V), p), JP_TBAA_ARRAY_DATA);
    LLVMBuildBr(c->b, join);
    LLVMPositionBuilderAtEnd(c->b, join);
    return load_value(c, p, V);
}

LLVMValueRef
jp_lower_dict_update(lctx *c, jp_node *call)
{
    LLVMValueRef args[2], rc;
    args[0] = jp_lower_expr(c, recv_of(call));
    args[1] = jp_lower_expr(c, call->u.call.args[0]);
    rc = jp_call_extern(c, "jp_ht_update", i64t(c), args, 2);
    check_memory(c, LLVMBuildICmp(c->b, LLVMIntNE, rc, jp_const_i64(c, 0), ""));
    return LLVMConstInt(LLVMInt8TypeInContext(c->ctx), 0, 0);
}

LLVMValueRef
jp_lower_dict_clear(lctx *c, jp_node *call)
{
    LLVMValueRef mi = jp_lower_expr(c, recv_of(call));
    jp_call_extern(c, "jp_ht_clear", LLVMVoidTypeInContext(c->ctx), &mi, 1);
    return LLVMConstInt(LLVMInt8TypeInContext(c->ctx), 0, 0);
}

static LLVMValueRef
copy_of(lctx *c, LLVMValueRef mi, jp_type *t)
{
    LLVMValueRef r = jp_call_extern(c, "jp_ht_copy", ptrt(c), &mi, 1);
    check_memory(c, LLVMBuildIsNull(c->b, r, ""));
    jp_register_temp(c, r, t);
    return r;
}

LLVMValueRef
jp_lower_dict_copy(lctx *c, jp_node *call)
{
    return copy_of(c, jp_lower_expr(c, recv_of(call)), jp_node_type(c, call));
}

LLVMValueRef
jp_lower_dict_popitem(lctx *c, jp_node *call)
{
    jp_type *dt = dict_type(c, recv_of(call)), *rt = jp_node_type(c, call), *K = key_of(dt), *V = val_of(dt);
    LLVMValueRef args[3], rc, r;
    args[0] = jp_lower_expr(c, recv_of(call));
    args[1] = jp_alloca(c, jp_llvm_type(c->ctx, K), "dict.key");
    args[2] = jp_alloca(c, jp_llvm_type(c->ctx, V), "dict.popped");
    rc = jp_call_extern(c, "jp_ht_popitem", i64t(c), args, 3);
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, rc, jp_const_i64(c, 0), ""), PyExc_KeyError,
             "popitem(): dictionary is empty");
    r = LLVMGetUndef(jp_llvm_type(c->ctx, rt));        /* both fields are inserted below */
    r = LLVMBuildInsertValue(c->b, r, load_value(c, args[1], K), 0, "");
    r = LLVMBuildInsertValue(c->b, r, load_value(c, args[2], V), 1, "");
    if (jp_type_is_managed(rt))
        jp_register_temp(c, r, rt);
    return r;
}

/* The table's keys (which 1), values (2) or (key, value) pairs (3) as a
 * new list of type lt (a temporary of the statement), in insertion order;
 * voff: where a pair's value sits in the item. */
static LLVMValueRef
table_to_list(lctx *c, LLVMValueRef table, jp_type *lt, int which, long long voff)
{
    jp_type *et = lt->dtype;
    int32_t off[JP_LIST_MAX_REFS] = {0};
    int nrefs = jp_list_ref_offsets(et, off);
    LLVMValueRef args[6], r;
    args[0] = table;
    args[1] = jp_const_i64(c, which);
    args[2] = jp_const_i64(c, (long long)et->size);
    args[3] = jp_const_i64(c, voff);
    args[4] = jp_const_i64(c, nrefs < 0 ? 0 : nrefs);
    args[5] = i32_array(c, off, JP_LIST_MAX_REFS, "dict.list.refs");
    r = jp_call_extern(c, "jp_ht_to_list", ptrt(c), args, 6);
    check_memory(c, LLVMBuildIsNull(c->b, r, ""));
    jp_register_temp(c, r, lt);
    return r;
}

/* A dict's keys, or a set's items, as a new list: what list(), sorted(),
 * sum(), min(), zip() ... iterate (lib_iter.c), as CPython's iter(d). */
LLVMValueRef
jp_lower_ht_keys_list(lctx *c, LLVMValueRef table, jp_type *lt)
{
    return table_to_list(c, table, lt, 1, 0);
}

LLVMValueRef
jp_lower_dict_view(lctx *c, jp_node *call)
{
    const char *name = call->u.call.func->u.attr.name;
    jp_type *lt = jp_node_type(c, call);
    int which = name[0] == 'k' ? 1 : name[0] == 'v' ? 2 : 3;
    return table_to_list(c, jp_lower_expr(c, recv_of(call)), lt, which,
                         which == 3 ? (long long)lt->dtype->offsets[1] : 0);
}

LLVMValueRef
jp_lower_dict_method(lctx *c, jp_node *call)
{
    const jp_lib_entry *e = c->inst->resolved[call->id];
    return e->lower(c, call);
}

/* ---- dict(), hash() ------------------------------------------------------------------------- */

LLVMValueRef
jp_lower_dict_builtin(lctx *c, jp_node *call, jp_builtin id)
{
    jp_type *t = jp_node_type(c, call);
    if (id == B_DICT) {
        if (call->u.call.nargs == 0)
            return jp_dict_new_value(c, t);
        return copy_of(c, jp_lower_expr(c, call->u.call.args[0]), t);
    }
    {
        jp_node *a = call->u.call.args[0];
        jp_type *at = jp_node_type(c, a);
        LLVMValueRef v = jp_lower_expr(c, a), args[2];
        if (at->kind == JP_BOOL)
            return LLVMBuildZExt(c->b, v, i64t(c), "");
        if (at->kind == JP_INT && at->is_signed)
            return jp_call_extern(c, "jp_hash_int64", i64t(c), (LLVMValueRef[]){jp_cast(c, v, at, jp_type_int(64, 1))}, 1);
        if (at->kind == JP_STR)
            return jp_call_extern(c, "jp_hash_str", i64t(c), &v, 1);
        if (at->kind == JP_FLOAT)
            return jp_call_extern(c, "jp_hash_double", i64t(c), (LLVMValueRef[]){jp_cast(c, v, at, jp_type_float(64))}, 1);
        args[0] = layout_const(c, at, jp_type_bool());
        args[1] = spill(c, v, at, at, "hash.key");
        return jp_call_extern(c, "jp_ht_hash", i64t(c), args, 2);
    }
}
