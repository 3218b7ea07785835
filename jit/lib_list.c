/* jit/lib_list.c - typing of lists: literals, comprehensions, indexing,
 * slicing, `+`/`*`, and the method table (the resolver's list entries:
 * append extend insert pop remove index count reverse sort clear copy).
 *
 * A list literal with no items types as list(undefined); the first
 * append/extend/insert on the variable holding it fixes the element type
 * (as in Numba: `res = []` then `res.append(x)`).  Items convert to the
 * element type as an assignment would (int64 into a float64 list); a list
 * passed from Python is `reflected list(T)`, one built here `list(T)`. */
#include "jit/resolve.h"
#include "jit/target.h"
#include "jit/errors.h"
#include "jit/list_runtime.h"
#include "jit/lib_func.h"

#include <string.h>

const jp_lib_entry *
jp_lib_find(const jp_lib_entry *table, const char *name)
{
    for (; table->name; table++)
        if (strcmp(table->name, name) == 0)
            return table;
    return NULL;
}

jp_node *
jp_lib_keyword(jp_node *call, const char *name)
{
    for (int k = 0; k < call->u.call.nkw; k++)
        if (strcmp(call->u.call.kwnames[k], name) == 0)
            return call->u.call.kwvalues[k];
    return NULL;
}

int
jp_lib_bind(ictx *c, jp_node *call, const jp_lib_entry *e)
{
    int n = call->u.call.nargs;
    for (int k = 0; k < call->u.call.nkw; k++) {
        int ok = 0;
        for (const char *const *kw = e->keywords; kw && *kw && !ok; kw++)
            ok = strcmp(*kw, call->u.call.kwnames[k]) == 0;
        if (!ok) {
            jp_error_at(JpTypingError, c->ir, call->u.call.kwvalues[k], NULL,
                        "%s() got an unexpected keyword argument '%s'", e->name, call->u.call.kwnames[k]);
            return -1;
        }
    }
    if (n < e->min_args || n > e->max_args) {
        if (e->min_args == e->max_args)
            jp_error_at(JpTypingError, c->ir, call, NULL, "%s() takes %d argument%s (%d given)", e->name,
                        e->min_args, e->min_args == 1 ? "" : "s", n);
        else
            jp_error_at(JpTypingError, c->ir, call, NULL, "%s() takes from %d to %d arguments (%d given)",
                        e->name, e->min_args, e->max_args, n);
        return -1;
    }
    c->inst->resolved[call->id] = e;
    return 0;
}

/* ---- items ------------------------------------------------------------------ */

static int
is_intlike(jp_type *t)
{
    return t->kind == JP_INT || t->kind == JP_BOOL;
}

/* Whether a value of type vt can be stored as an item of type et. */
static int
storable(jp_type *vt, jp_type *et)
{
    if (et->kind == JP_UNKNOWN || vt == et)
        return 1;
    if (et->kind == JP_INT && vt->kind == JP_INT)
        return 1;
    if (vt->kind == JP_LIST && et->kind == JP_LIST)
        return vt->dtype == et->dtype || vt->dtype->kind == JP_UNKNOWN;
    return jp_type_can_convert(vt, et);
}

static int
check_item_type(ictx *c, jp_node *where, jp_type *t)
{
    int32_t off[JP_LIST_MAX_REFS];
    if (t->kind == JP_RANGE || t->kind == JP_SLICE || t->kind == JP_DTYPE || t->kind == JP_FUNCTION
        || t->kind == JP_NONE || t->kind == JP_RECORD_REF) {
        jp_error_at(JpTypingError, c->ir, where, NULL, "a list cannot hold a %s in jit code", t->name);
        return -1;
    }
    if (t->size > 512 || jp_list_ref_offsets(t, off) < 0) {
        jp_error_at(JpTypingError, c->ir, where, "use a tuple of fewer arrays, or an array",
                    "list items of type %s are too large", t->name);
        return -1;
    }
    return 0;
}

/* The receiver `recv` (a list) must accept an item of type vt: refines an
 * empty literal's undefined element type through the variable holding it. */
static jp_type *
accept_item(ictx *c, jp_node *recv_node, jp_type *recv, jp_type *vt, jp_node *where)
{
    if (UNKNOWN(vt))
        return recv;
    if (check_item_type(c, where, vt) < 0)
        return NULL;
    if (recv->dtype->kind == JP_UNKNOWN) {
        jp_type *nt = jp_type_list(vt->kind == JP_LIST ? jp_type_list(vt->dtype, 0) : vt, recv->reflected);
        if (recv_node->kind != E_LOCAL)
            return jp_error_at(JpTypingError, c->ir, recv_node, "assign the empty list to a variable first",
                               "cannot infer the item type of this empty list");
        if (c->inst->var_types[recv_node->u.local.index] != nt) {
            jp_type *u = jp_type_unify(c->inst->var_types[recv_node->u.local.index], nt);
            if (u == NULL)
                return jp_error_at(JpTypingError, c->ir, where, NULL, "cannot add a %s to a %s",
                                   vt->name, c->inst->var_types[recv_node->u.local.index]->name);
            c->inst->var_types[recv_node->u.local.index] = u;
            c->inst->changed = 1;
        }
        return nt;
    }
    if (!storable(vt, recv->dtype))
        return jp_error_at(JpTypingError, c->ir, where,
                           "a list keeps one item type in jit code: convert the value first",
                           "cannot store a %s in a %s", vt->name, recv->name);
    return recv;
}

/* ---- literals and comprehensions --------------------------------------------- */

static jp_type *
no_gpu_lists(ictx *c, jp_node *n)
{
    return jp_device_unsupported(c, n, "use a local array (%s) instead", "lists are");
}

jp_type *
jp_infer_list_literal(ictx *c, jp_node *n)
{
    jp_type *et = jp_type_unknown();
    if (c->session->gpu)
        return no_gpu_lists(c, n);
    for (int i = 0; i < n->u.tuple.n; i++) {
        jp_type *t = jp_ioperand(c, n->u.tuple.elts[i]), *u;
        if (t == NULL)
            return NULL;
        if (UNKNOWN(t))
            return t;
        if (check_item_type(c, n->u.tuple.elts[i], t) < 0)
            return NULL;
        if (t->kind == JP_LIST)
            t = jp_type_list(t->dtype, 0);
        if ((u = jp_type_unify(et, t)) == NULL)
            return jp_error_at(JpTypingError, c->ir, n->u.tuple.elts[i],
                               "a list keeps one item type in jit code (use a tuple for mixed values)",
                               "list items of types %s and %s do not unify", et->name, t->name);
        et = u;
    }
    return jp_type_list(et, 0);
}

/* `l = []`: the literal takes the variable's (refined) type, so lowering
 * allocates items of the right size. */
void
jp_infer_list_refine_literal(ictx *c, jp_node *s)
{
    jp_node *v = s->u.assign.value, *t = s->u.assign.target;
    jp_type *vt;
    if (t->kind == E_LOCAL && v->kind == E_LOCAL) {
        /* y = x: an alias of a list whose item type a later use of y
         * fixes; x gets the same item type */
        jp_type *a = c->inst->var_types[t->u.local.index], *b = c->inst->var_types[v->u.local.index], *u;
        if (a->kind == JP_LIST && b->kind == JP_LIST && a->dtype != b->dtype
            && (UNKNOWN(b->dtype) || UNKNOWN(a->dtype)) && (u = jp_type_unify(a, b)) != NULL) {
            c->inst->var_types[v->u.local.index] = jp_type_list(u->dtype, b->reflected);
            c->inst->changed = 1;
        }
        return;
    }
    if (t->kind != E_LOCAL || (v->kind != E_LIST && v->kind != E_LISTCOMP))
        return;
    vt = c->inst->var_types[t->u.local.index];
    if (vt->kind == JP_LIST && v->kind == E_LIST && v->u.tuple.n == 0)
        jp_irecord(c, v, vt);
}

jp_type *
jp_infer_listcomp(ictx *c, jp_node *n)
{
    if (c->session->gpu)
        return no_gpu_lists(c, n);
    for (int i = 0; i < n->u.comp.body.n; i++)
        if (jp_infer_stmt(c, n->u.comp.body.stmts[i]) < 0)
            return NULL;
    return c->inst->var_types[n->u.comp.local];
}

/* ---- indexing and operators ------------------------------------------------------ */

jp_type *
jp_infer_list_subscript(ictx *c, jp_node *n, jp_type *recv)
{
    jp_node *ix = n->u.subscript.index;
    jp_type *it = c->inst->node_types[ix->id];
    if (ix->kind == E_SLICE)
        return jp_type_list(recv->dtype, 0);
    if (!is_intlike(it))
        return jp_error_at(JpTypingError, c->ir, ix, NULL, "list indices must be integers or slices, not %s",
                           it->name);
    if (UNKNOWN(recv->dtype))
        return jp_type_unknown();
    return recv->dtype;
}

int
jp_infer_list_setitem(ictx *c, jp_node *s, jp_type *recv, jp_type *vt)
{
    jp_node *target = s->u.augassign.target, *ix = target->u.subscript.index;
    jp_type *it = jp_ioperand(c, ix);
    if (it == NULL)
        return -1;
    if (UNKNOWN(it))
        return 0;
    if (ix->kind == E_SLICE) {
        jp_error_at(JpUnsupportedError, c->ir, target, "assign the items one by one in a loop",
                    "slice assignment to a list is not supported in jit code");
        return -1;
    }
    if (!is_intlike(it)) {
        jp_error_at(JpTypingError, c->ir, ix, NULL, "list indices must be integers, not %s", it->name);
        return -1;
    }
    jp_irecord(c, target, recv->dtype);
    return accept_item(c, target->u.subscript.value, recv, vt, s) ? 0 : -1;
}

jp_type *
jp_infer_list_binop(ictx *c, jp_node *n, jp_binop op, jp_type *a, jp_type *b)
{
    if (op == OP_ADD && a->kind == JP_LIST && b->kind == JP_LIST) {
        jp_type *e = a->dtype == b->dtype ? a->dtype : UNKNOWN(a->dtype) ? b->dtype
                     : UNKNOWN(b->dtype) ? a->dtype : NULL;
        if (e == NULL)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "cannot concatenate %s and %s", a->name, b->name);
        return jp_type_list(e, 0);
    }
    if (op == OP_MUL && ((a->kind == JP_LIST && is_intlike(b)) || (b->kind == JP_LIST && is_intlike(a))))
        return jp_type_list(a->kind == JP_LIST ? a->dtype : b->dtype, 0);
    return jp_error_at(JpTypingError, c->ir, n, NULL, "unsupported operand types for this operator: %s and %s",
                       a->name, b->name);
}

/* ---- methods ------------------------------------------------------------------------- */

static jp_node *
recv_of(jp_node *call)
{
    return call->u.call.func->u.attr.value;
}

static jp_type *
arg(ictx *c, jp_node *call, int i)
{
    return jp_ioperand(c, call->u.call.args[i]);
}

static jp_type *
t_append(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *vt = arg(c, call, 0);
    if (vt == NULL)
        return NULL;
    return accept_item(c, recv_of(call), recv, vt, call->u.call.args[0]) ? jp_type_none() : NULL;
}

static jp_type *
t_insert(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *it = arg(c, call, 0), *vt;
    if (it == NULL || (vt = arg(c, call, 1)) == NULL)
        return NULL;
    if (!UNKNOWN(it) && !is_intlike(it))
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], NULL,
                           "insert() index must be an integer, not %s", it->name);
    return accept_item(c, recv_of(call), recv, vt, call->u.call.args[1]) ? jp_type_none() : NULL;
}

static jp_type *
t_extend(ictx *c, jp_node *call, jp_type *recv)
{
    jp_node *a0 = call->u.call.args[0];
    jp_type *et = jp_iter_item(c, a0), *it;
    if (et == NULL)
        return NULL;
    if (UNKNOWN(et))
        return jp_type_none();
    it = c->inst->node_types[a0->id];
    if (it->kind == JP_LIST && !UNKNOWN(recv->dtype) && it->dtype != recv->dtype
        && !(it->dtype->kind == JP_LIST && recv->dtype->kind == JP_LIST))
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], NULL, "cannot extend a %s with a %s",
                           recv->name, it->name);
    return accept_item(c, recv_of(call), recv, et, call->u.call.args[0]) ? jp_type_none() : NULL;
}

static jp_type *
t_pop(ictx *c, jp_node *call, jp_type *recv)
{
    if (call->u.call.nargs == 1) {
        jp_type *it = arg(c, call, 0);
        if (it == NULL || UNKNOWN(it))
            return it;
        if (!is_intlike(it))
            return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], NULL,
                               "pop() index must be an integer, not %s", it->name);
    }
    return recv->dtype;
}

static jp_type *
t_find(ictx *c, jp_node *call, jp_type *recv)     /* remove, index, count */
{
    jp_type *vt = arg(c, call, 0);
    const char *name = call->u.call.func->u.attr.name;
    if (vt == NULL || UNKNOWN(vt) || UNKNOWN(recv->dtype))
        return vt == NULL ? NULL : UNKNOWN(vt) ? vt : jp_type_unknown();
    if (!(jp_is_number(vt) && jp_is_number(recv->dtype)) && vt != recv->dtype
        && !(vt->kind == JP_TUPLE && recv->dtype->kind == JP_TUPLE && vt->n == recv->dtype->n))
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], NULL,
                           "%s() compares items by value: a %s cannot be compared with %s", name,
                           vt->name, recv->dtype->name);
    if (recv->dtype->kind == JP_ARRAY || recv->dtype->kind == JP_LIST || recv->dtype->kind == JP_CLASS)
        return jp_error_at(JpUnsupportedError, c->ir, call, "loop over the indices and compare explicitly",
                           "%s() on a list of %s is not supported in jit code", name, recv->dtype->name);
    return name[0] == 'r' ? jp_type_none() : jp_type_int(64, 1);
}

static jp_type *
t_none(ictx *c, jp_node *call, jp_type *recv)
{
    (void)c;
    (void)call;
    (void)recv;
    return jp_type_none();
}

static int
sortable(jp_type *t)
{
    if (t->kind == JP_COMPLEX)
        return 0;
    if (jp_is_number(t) || t->kind == JP_STR)     /* strings: a compiled `<` (lower_str.c) */
        return 1;
    if (t->kind == JP_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (!sortable(t->elems[i]))
                return 0;
        return 1;
    }
    return 0;
}

/* sort(reverse=..., key=...): key is a jitted function of one item. */
jp_type *
jp_infer_sort_options(ictx *c, jp_node *call, jp_type *item)
{
    jp_node *rev = jp_lib_keyword(call, "reverse"), *key = jp_lib_keyword(call, "key");
    jp_type *kt = item;
    if (rev) {
        jp_type *rt = jp_ioperand(c, rev);
        if (rt == NULL)
            return NULL;
        if (!UNKNOWN(rt) && !is_intlike(rt))
            return jp_error_at(JpTypingError, c->ir, rev, NULL, "reverse must be a bool, not %s", rt->name);
    }
    if (key && !(key->kind == E_CONST && key->u.cnst.type->kind == JP_NONE)) {
        /* a jitted function, an inner function or a lambda (lib_func.c) */
        if (UNKNOWN(item))
            return item;
        if ((kt = jp_infer_fn_call(c, key, 1, &item, "sort key")) == NULL)
            return NULL;
        jp_irecord(c, key, item);
        if (UNKNOWN(kt))
            return kt;
    }
    if (!UNKNOWN(kt) && !sortable(kt))
        return jp_error_at(JpTypingError, c->ir, call, "sort numbers or tuples of numbers, or give a key",
                           "cannot sort items of type %s in jit code", kt->name);
    return jp_type_none();
}

static jp_type *
t_sort(ictx *c, jp_node *call, jp_type *recv)
{
    return jp_infer_sort_options(c, call, recv->dtype);
}

static jp_type *
t_copy(ictx *c, jp_node *call, jp_type *recv)
{
    (void)c;
    (void)call;
    return jp_type_list(recv->dtype, 0);
}

/* Defined in lower_list.c. */
LLVMValueRef jp_lower_list_append(lctx *c, jp_node *call);
LLVMValueRef jp_lower_list_extend(lctx *c, jp_node *call);
LLVMValueRef jp_lower_list_insert(lctx *c, jp_node *call);
LLVMValueRef jp_lower_list_pop(lctx *c, jp_node *call);
LLVMValueRef jp_lower_list_find(lctx *c, jp_node *call);
LLVMValueRef jp_lower_list_reverse(lctx *c, jp_node *call);
LLVMValueRef jp_lower_list_sort(lctx *c, jp_node *call);
LLVMValueRef jp_lower_list_clear(lctx *c, jp_node *call);
LLVMValueRef jp_lower_list_copy(lctx *c, jp_node *call);

static const char *const sort_kw[] = {"key", "reverse", NULL};

static const jp_lib_entry list_methods[] = {
    {"append", 1, 1, NULL, t_append, jp_lower_list_append},
    {"extend", 1, 1, NULL, t_extend, jp_lower_list_extend},
    {"insert", 2, 2, NULL, t_insert, jp_lower_list_insert},
    {"pop", 0, 1, NULL, t_pop, jp_lower_list_pop},
    {"remove", 1, 1, NULL, t_find, jp_lower_list_find},
    {"index", 1, 1, NULL, t_find, jp_lower_list_find},
    {"count", 1, 1, NULL, t_find, jp_lower_list_find},
    {"reverse", 0, 0, NULL, t_none, jp_lower_list_reverse},
    {"sort", 0, 0, sort_kw, t_sort, jp_lower_list_sort},
    {"clear", 0, 0, NULL, t_none, jp_lower_list_clear},
    {"copy", 0, 0, NULL, t_copy, jp_lower_list_copy},
    {NULL, 0, 0, NULL, NULL, NULL},
};

jp_type *
jp_infer_list_method(ictx *c, jp_node *call, jp_type *recv)
{
    jp_node *attr = call->u.call.func;
    const jp_lib_entry *e = jp_lib_find(list_methods, attr->u.attr.name);
    if (e == NULL)
        return jp_error_at(JpTypingError, c->ir, attr,
                           "lists support append extend insert pop remove index count reverse sort clear copy",
                           "%s has no method '%s' in jit code", recv->name, attr->u.attr.name);
    if (jp_lib_bind(c, call, e) < 0)
        return NULL;
    jp_irecord(c, attr, recv);
    return e->type(c, call, recv);
}
