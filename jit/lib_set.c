/* jit/lib_set.c - typing of sets (`set(T)`, `reflected set(T)` from
 * Python): literals, set() and set(iterable), the method table (add
 * discard remove pop clear copy update union intersection difference
 * symmetric_difference), `| & - ^` and their in-place forms.  Items are
 * what a dict key may be (numbers, tuples of numbers).  `s = set()` takes
 * its item type from the first add, as Numba infers it. */
#include "jit/dict.h"
#include "jit/target.h"
#include "jit/hashtable.h"
#include "jit/resolve.h"
#include "jit/errors.h"

#include <string.h>

static int
convertible(jp_type *from, jp_type *to)
{
    if (UNKNOWN(to) || from == to || jp_type_can_convert(from, to))
        return 1;
    if ((from->kind == JP_INT || from->kind == JP_BOOL) && to->kind == JP_INT)
        return 1;
    if (from->kind == JP_TUPLE && to->kind == JP_TUPLE && from->n == to->n) {
        for (int i = 0; i < from->n; i++)
            if (!convertible(from->elems[i], to->elems[i]))
                return 0;
        return 1;
    }
    return 0;
}

int
jp_set_item_accepts(jp_type *item, jp_type *set)
{
    return UNKNOWN(set->dtype) || (jp_ht_key_ok(item) && convertible(item, set->dtype));
}

static int
check_item(ictx *c, jp_node *where, jp_type *t)
{
    if (!jp_ht_key_ok(t)) {
        jp_error_at(JpTypingError, c->ir, where, "use numbers, strings or tuples of those",
                    "a set cannot hold a %s in jit code", t->name);
        return -1;
    }
    return 0;
}

/* recv must take items of type it: refines an empty set's item type
 * through the variable holding it. */
static jp_type *
accept(ictx *c, jp_node *recv_node, jp_type *recv, jp_type *it, jp_node *where)
{
    if (UNKNOWN(it))
        return recv;
    if (check_item(c, where, it) < 0)
        return NULL;
    if (UNKNOWN(recv->dtype)) {
        jp_type *nt = jp_type_set(it, recv->reflected), *u;
        if (recv_node->kind != E_LOCAL)
            return jp_error_at(JpTypingError, c->ir, recv_node, "assign the empty set to a variable first",
                               "cannot infer the item type of this empty set");
        if (c->inst->var_types[recv_node->u.local.index] != nt) {
            if ((u = jp_type_unify(c->inst->var_types[recv_node->u.local.index], nt)) == NULL)
                return jp_error_at(JpTypingError, c->ir, where, NULL, "cannot add a %s to a %s", it->name,
                                   c->inst->var_types[recv_node->u.local.index]->name);
            c->inst->var_types[recv_node->u.local.index] = u;
            c->inst->changed = 1;
        }
        return nt;
    }
    if (!convertible(it, recv->dtype))
        return jp_error_at(JpTypingError, c->ir, where, "a set keeps one item type in jit code: convert the value",
                           "cannot add a %s to a %s", it->name, recv->name);
    return recv;
}

/* ---- literals, set(), set(iterable) ------------------------------------------------- */

jp_type *
jp_infer_set_literal(ictx *c, jp_node *n)
{
    jp_type *et = jp_type_unknown();
    if (c->session->gpu)
        return jp_device_unsupported(c, n, "use a local array", "sets are");
    for (int i = 0; i < n->u.tuple.n; i++) {
        jp_type *t = jp_ioperand(c, n->u.tuple.elts[i]), *u;
        if (t == NULL)
            return NULL;
        if (UNKNOWN(t))
            return t;
        if (check_item(c, n->u.tuple.elts[i], t) < 0)
            return NULL;
        if ((u = jp_type_unify(et, t)) == NULL)
            return jp_error_at(JpTypingError, c->ir, n->u.tuple.elts[i], "a set keeps one item type in jit code",
                               "set items of types %s and %s do not unify", et->name, t->name);
        et = u;
    }
    return jp_type_set(et, 0);
}

void
jp_infer_set_refine_literal(ictx *c, jp_node *s)
{
    jp_node *v = s->u.assign.value, *t = s->u.assign.target;
    jp_type *vt;
    if (t->kind == E_LOCAL && v->kind == E_LOCAL) {
        jp_type *a = c->inst->var_types[t->u.local.index], *b = c->inst->var_types[v->u.local.index], *u;
        if (a->kind == JP_SET && b->kind == JP_SET && a->dtype != b->dtype && UNKNOWN(b->dtype)
            && (u = jp_type_unify(a, b)) != NULL) {
            c->inst->var_types[v->u.local.index] = jp_type_set(u->dtype, b->reflected);
            c->inst->changed = 1;
        }
        return;
    }
    if (t->kind != E_LOCAL || v->kind != E_CALL || v->u.call.func->kind != E_CALLEE
        || v->u.call.func->u.callee.kind != CALLEE_BUILTIN || v->u.call.func->u.callee.id != B_SET
        || v->u.call.nargs != 0)
        return;
    vt = c->inst->var_types[t->u.local.index];
    if (vt->kind == JP_SET)
        jp_irecord(c, v, vt);
}

jp_type *
jp_infer_set_builtin(ictx *c, jp_node *call)
{
    jp_type *t, *et;
    if (call->u.call.nkw || call->u.call.nargs > 1)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "set() takes at most one positional argument");
    if (c->session->gpu)
        return jp_device_unsupported(c, call, "use a local array", "sets are");
    if (call->u.call.nargs == 0)
        return jp_type_set(jp_type_unknown(), 0);
    if ((t = jp_ioperand(c, call->u.call.args[0])) == NULL || UNKNOWN(t))
        return t;
    if (t->kind == JP_SET)
        return jp_type_set(t->dtype, 0);
    if (t->kind == JP_ARRAY && t->ndim != 1)
        return jp_error_at(JpUnsupportedError, c->ir, call->u.call.args[0], "pass a.ravel()",
                           "set() of a %dd array is not supported in jit code", t->ndim);
    if (t->kind != JP_LIST && t->kind != JP_ARRAY && t->kind != JP_TUPLE)
        return jp_error_at(JpUnsupportedError, c->ir, call->u.call.args[0], "add the items in a loop",
                           "set() of a %s is not supported in jit code", t->name);
    if ((et = jp_iter_item(c, call->u.call.args[0])) == NULL || UNKNOWN(et))
        return et;
    if (check_item(c, call->u.call.args[0], et) < 0)
        return NULL;
    return jp_type_set(et, 0);
}

/* ---- operators ------------------------------------------------------------------------ */

static int
set_op(jp_binop op)
{
    return op == OP_BITOR || op == OP_BITAND || op == OP_SUB || op == OP_BITXOR;
}

static jp_type *
both(ictx *c, jp_node *where, jp_type *a, jp_type *b)
{
    jp_type *e;
    if (a->kind != JP_SET || b->kind != JP_SET)
        return jp_error_at(JpTypingError, c->ir, where, "convert the other operand with set(...)",
                           "unsupported operand types for a set operator: %s and %s", a->name, b->name);
    e = a->dtype == b->dtype ? a->dtype : UNKNOWN(a->dtype) ? b->dtype : UNKNOWN(b->dtype) ? a->dtype : NULL;
    if (e == NULL)
        return jp_error_at(JpTypingError, c->ir, where, "a set keeps one item type in jit code",
                           "sets of %s and %s cannot be combined", a->dtype->name, b->dtype->name);
    return e;
}

jp_type *
jp_infer_set_binop(ictx *c, jp_node *n, jp_binop op, jp_type *a, jp_type *b)
{
    jp_type *e;
    if (!set_op(op))
        return jp_error_at(JpTypingError, c->ir, n, "sets support | & - ^",
                           "unsupported operand types for this operator: %s and %s", a->name, b->name);
    if ((e = both(c, n, a, b)) == NULL)
        return NULL;
    return jp_type_set(e, 0);
}

int
jp_infer_set_augassign(ictx *c, jp_node *s, jp_type *a, jp_type *b)
{
    if (s->u.augassign.target->kind != E_LOCAL || !set_op(s->u.augassign.op)) {
        jp_error_at(JpUnsupportedError, c->ir, s, "write s = s | t, or use s.update(t)",
                    "this in-place operator on a set is not supported in jit code");
        return -1;
    }
    if (both(c, s, a, b) == NULL)
        return -1;
    if (UNKNOWN(a->dtype) && !UNKNOWN(b->dtype) && !accept(c, s->u.augassign.target, a, b->dtype, s))
        return -1;
    jp_irecord(c, s, a);
    return 0;
}

/* ---- methods ----------------------------------------------------------------------------- */

static jp_node *
recv_of(jp_node *call)
{
    return call->u.call.func->u.attr.value;
}

static jp_type *
t_add(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *it = jp_ioperand(c, call->u.call.args[0]);
    if (it == NULL)
        return NULL;
    return accept(c, recv_of(call), recv, it, call->u.call.args[0]) ? jp_type_none() : NULL;
}

static jp_type *
t_remove(ictx *c, jp_node *call, jp_type *recv)      /* remove, discard */
{
    jp_type *it = jp_ioperand(c, call->u.call.args[0]);
    if (it == NULL || UNKNOWN(it))
        return it;
    if (!jp_set_item_accepts(it, recv))
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], NULL, "a %s item does not fit %s",
                           it->name, recv->name);
    return jp_type_none();
}

static jp_type *
t_pop(ictx *c, jp_node *call, jp_type *recv)
{
    (void)c, (void)call;
    return recv->dtype;
}

static jp_type *
t_none(ictx *c, jp_node *call, jp_type *recv)
{
    (void)c, (void)call, (void)recv;
    return jp_type_none();
}

static jp_type *
t_copy(ictx *c, jp_node *call, jp_type *recv)
{
    (void)c, (void)call;
    return jp_type_set(recv->dtype, 0);
}

static jp_type *
t_binary(ictx *c, jp_node *call, jp_type *recv)     /* union intersection difference symmetric_difference update */
{
    jp_type *ot = jp_ioperand(c, call->u.call.args[0]), *e;
    if (ot == NULL || UNKNOWN(ot))
        return ot;
    if ((e = both(c, call->u.call.args[0], recv, ot)) == NULL)
        return NULL;
    if (strcmp(call->u.call.func->u.attr.name, "update") == 0) {
        if (UNKNOWN(recv->dtype) && !UNKNOWN(e) && !accept(c, recv_of(call), recv, e, call))
            return NULL;
        return jp_type_none();
    }
    return jp_type_set(e, 0);
}

LLVMValueRef jp_lower_set_add(lctx *c, jp_node *call);
LLVMValueRef jp_lower_set_remove(lctx *c, jp_node *call);
LLVMValueRef jp_lower_set_pop(lctx *c, jp_node *call);
LLVMValueRef jp_lower_set_binary(lctx *c, jp_node *call);
LLVMValueRef jp_lower_dict_clear(lctx *c, jp_node *call);
LLVMValueRef jp_lower_dict_copy(lctx *c, jp_node *call);

static const jp_lib_entry set_methods[] = {
    {"add", 1, 1, NULL, t_add, jp_lower_set_add},
    {"discard", 1, 1, NULL, t_remove, jp_lower_set_remove},
    {"remove", 1, 1, NULL, t_remove, jp_lower_set_remove},
    {"pop", 0, 0, NULL, t_pop, jp_lower_set_pop},
    {"clear", 0, 0, NULL, t_none, jp_lower_dict_clear},
    {"copy", 0, 0, NULL, t_copy, jp_lower_dict_copy},
    {"update", 1, 1, NULL, t_binary, jp_lower_set_binary},
    {"union", 1, 1, NULL, t_binary, jp_lower_set_binary},
    {"intersection", 1, 1, NULL, t_binary, jp_lower_set_binary},
    {"difference", 1, 1, NULL, t_binary, jp_lower_set_binary},
    {"symmetric_difference", 1, 1, NULL, t_binary, jp_lower_set_binary},
    {NULL, 0, 0, NULL, NULL, NULL},
};

jp_type *
jp_infer_set_method(ictx *c, jp_node *call, jp_type *recv)
{
    jp_node *attr = call->u.call.func;
    const jp_lib_entry *e = jp_lib_find(set_methods, attr->u.attr.name);
    if (e == NULL)
        return jp_error_at(JpTypingError, c->ir, attr,
                           "sets support add discard remove pop clear copy update union intersection difference "
                           "symmetric_difference",
                           "%s has no method '%s' in jit code", recv->name, attr->u.attr.name);
    if (jp_lib_bind(c, call, e) < 0)
        return NULL;
    jp_irecord(c, attr, recv);
    return e->type(c, call, recv);
}
