/* jit/lib_dict.c - typing of dicts (DictType[K, V]): literals, dict(),
 * typed Dict() / Dict.empty(key_type, value_type), d[k], d[k] = v,
 * del d[k], the method table, and hash().
 *
 * An empty literal (`d = {}`, `dict()`, `Dict()`) types as
 * DictType[undefined, undefined]; the first store into the variable
 * holding it fixes K and V, as Numba infers them.  Keys convert to K and
 * values to V as an assignment would (an int key into a float64-keyed dict). */
#include "jit/dict.h"
#include "jit/target.h"
#include "jit/hashtable.h"
#include "jit/resolve.h"
#include "jit/lib.h"
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
    if (from->kind == JP_LIST && to->kind == JP_LIST)
        return from->dtype == to->dtype || UNKNOWN(from->dtype);
    if (from->kind == JP_DICT && to->kind == JP_DICT)
        return jp_type_unify(from, to) == to;
    return 0;
}

int
jp_dict_key_accepts(jp_type *key, jp_type *dict)
{
    return UNKNOWN(dict->key) || (jp_ht_key_ok(key) && convertible(key, dict->key));
}

static int
check_key(ictx *c, jp_node *where, jp_type *t)
{
    if (!jp_ht_key_ok(t)) {
        jp_error_at(JpTypingError, c->ir, where,
                    t->kind == JP_ARRAY || t->kind == JP_LIST ? "use a tuple of numbers as the key"
                                                              : "use numbers, strings or tuples of those as keys",
                    "a dict key cannot be a %s in jit code", t->name);
        return -1;
    }
    return 0;
}

static int
check_value(ictx *c, jp_node *where, jp_type *t)
{
    int32_t layout[JP_HT_MAX_LAYOUT];
    if (t->kind == JP_RANGE || t->kind == JP_SLICE || t->kind == JP_DTYPE || t->kind == JP_FUNCTION
        || t->kind == JP_NONE || t->kind == JP_RECORD_REF || t->kind == JP_ITER) {
        jp_error_at(JpTypingError, c->ir, where, NULL, "a dict value cannot be a %s in jit code", t->name);
        return -1;
    }
    if ((t->kind == JP_LIST || t->kind == JP_SET) && t->reflected) {
        /* the dict may outlive the call, and with it the Python object the argument reflects into */
        jp_error_at(JpTypingError, c->ir, where, t->kind == JP_SET ? "store a copy: set(x)" : "store a copy: list(x)",
                    "a dict cannot keep a %s argument in jit code", t->name);
        return -1;
    }
    if (t->size > 512 || jp_ht_layout(jp_type_int(64, 1), t, layout) < 0) {
        jp_error_at(JpTypingError, c->ir, where, "use an array, or a tuple of fewer arrays",
                    "dict values of type %s are too large", t->name);
        return -1;
    }
    return 0;
}

/* a list value stored in a dict is a list built here (reflection ends at the call) */
static jp_type *
value_type(jp_type *t)
{
    return t->kind == JP_LIST ? jp_type_list(t->dtype, 0) : t;
}

/* The receiver (a dict) must take key kt and value vt (either may be NULL):
 * refines an empty literal's undefined types through the variable holding it. */
static jp_type *
accept(ictx *c, jp_node *recv_node, jp_type *recv, jp_type *kt, jp_type *vt, jp_node *where)
{
    jp_type *nk = recv->key, *nv = recv->dtype;
    if ((kt && UNKNOWN(kt)) || (vt && UNKNOWN(vt)))
        return recv;
    if (kt && check_key(c, where, kt) < 0)
        return NULL;
    if (vt && check_value(c, where, vt) < 0)
        return NULL;
    if (kt && UNKNOWN(nk))
        nk = kt;
    if (vt && UNKNOWN(nv))
        nv = value_type(vt);
    if (nk != recv->key || nv != recv->dtype) {
        jp_type *nt = jp_type_dict(nk, nv);
        if (recv_node->kind != E_LOCAL)
            return jp_error_at(JpTypingError, c->ir, recv_node, "assign the empty dict to a variable first",
                               "cannot infer the key and value types of this empty dict");
        if (c->inst->var_types[recv_node->u.local.index] != nt) {
            jp_type *u = jp_type_unify(c->inst->var_types[recv_node->u.local.index], nt);
            if (u == NULL)
                return jp_error_at(JpTypingError, c->ir, where, NULL, "cannot store %s: %s in a %s",
                                   kt ? kt->name : "?", vt ? vt->name : "?",
                                   c->inst->var_types[recv_node->u.local.index]->name);
            c->inst->var_types[recv_node->u.local.index] = u;
            c->inst->changed = 1;
        }
        recv = nt;
    }
    if (kt && !convertible(kt, recv->key))
        return jp_error_at(JpTypingError, c->ir, where, "a dict keeps one key type in jit code: convert the key",
                           "a %s key does not fit %s", kt->name, recv->name);
    if (vt && !convertible(vt, recv->dtype))
        return jp_error_at(JpTypingError, c->ir, where, "a dict keeps one value type in jit code: convert the value",
                           "cannot store a %s value in %s", vt->name, recv->name);
    return recv;
}

/* ---- literals ------------------------------------------------------------------- */

jp_type *
jp_infer_dict_literal(ictx *c, jp_node *n)
{
    jp_type *kt = jp_type_unknown(), *vt = jp_type_unknown();
    if (c->session->gpu)
        return jp_device_unsupported(c, n, "use a local array", "dicts are");
    for (int i = 0; i < n->u.tuple.n; i++) {
        jp_node *e = n->u.tuple.elts[i];
        jp_type *t = jp_ioperand(c, e), *u, **acc = i % 2 ? &vt : &kt;
        if (t == NULL)
            return NULL;
        if (UNKNOWN(t))
            return t;
        if ((i % 2 ? check_value(c, e, t) : check_key(c, e, t)) < 0)
            return NULL;
        t = value_type(t);
        if ((u = jp_type_unify(*acc, t)) == NULL)
            return jp_error_at(JpTypingError, c->ir, e, "a dict keeps one key type and one value type in jit code",
                               "dict %s of types %s and %s do not unify", i % 2 ? "values" : "keys",
                               (*acc)->name, t->name);
        *acc = u;
    }
    return jp_type_dict(kt, vt);
}

static int
is_empty_dict_maker(jp_node *v)
{
    if (v->kind == E_DICT)
        return v->u.tuple.n == 0;
    if (v->kind == E_CALL && v->u.call.func->kind == E_CALLEE)      /* dict(), Dict() */
        return v->u.call.nargs == 0 && (v->u.call.func->u.callee.kind == CALLEE_MODULE
                                         || (v->u.call.func->u.callee.kind == CALLEE_BUILTIN
                                             && v->u.call.func->u.callee.id == B_DICT));
    return 0;
}

void
jp_infer_dict_refine_literal(ictx *c, jp_node *s)
{
    jp_node *v = s->u.assign.value, *t = s->u.assign.target;
    jp_type *vt;
    if (t->kind == E_LOCAL && v->kind == E_LOCAL) {
        /* y = x: x gets the types a later use of y fixes */
        jp_type *a = c->inst->var_types[t->u.local.index], *b = c->inst->var_types[v->u.local.index], *u;
        if (a->kind == JP_DICT && b->kind == JP_DICT && a != b && (u = jp_type_unify(a, b)) != NULL
            && u != b) {
            c->inst->var_types[v->u.local.index] = u;
            c->inst->changed = 1;
        }
        return;
    }
    if (t->kind != E_LOCAL || !is_empty_dict_maker(v))
        return;
    vt = c->inst->var_types[t->u.local.index];
    if (vt->kind == JP_DICT && c->inst->node_types[v->id] && c->inst->node_types[v->id]->kind == JP_DICT)
        jp_irecord(c, v, vt);
}

/* ---- d[k], d[k] = v, del d[k] ----------------------------------------------------- */

jp_type *
jp_infer_dict_subscript(ictx *c, jp_node *n, jp_type *recv)
{
    jp_node *ix = n->u.subscript.index;
    jp_type *kt = c->inst->node_types[ix->id];
    if (ix->kind == E_SLICE)
        return jp_error_at(JpTypingError, c->ir, ix, NULL, "a dict cannot be sliced");
    if (UNKNOWN(recv->key))
        return jp_type_unknown();
    if (!jp_dict_key_accepts(kt, recv))
        return jp_error_at(JpTypingError, c->ir, ix, NULL, "a %s key does not fit %s", kt->name, recv->name);
    return recv->dtype;
}

int
jp_infer_dict_setitem(ictx *c, jp_node *s, jp_type *recv, jp_type *vt)
{
    jp_node *target = s->u.augassign.target, *ix = target->u.subscript.index;
    jp_type *kt = jp_ioperand(c, ix), *r;
    if (kt == NULL)
        return -1;
    if (UNKNOWN(kt) || UNKNOWN(vt))
        return 0;
    if (ix->kind == E_SLICE) {
        jp_error_at(JpTypingError, c->ir, ix, NULL, "a dict cannot be sliced");
        return -1;
    }
    if ((r = accept(c, target->u.subscript.value, recv, kt, vt, s)) == NULL)
        return -1;
    jp_irecord(c, target, r->dtype);
    return 0;
}

int
jp_infer_dict_delitem(ictx *c, jp_node *s)
{
    jp_node *target = s->u.expr.value;
    jp_type *recv = jp_ioperand(c, target->u.subscript.value), *kt;
    if (recv == NULL || (kt = jp_ioperand(c, target->u.subscript.index)) == NULL)
        return -1;
    if (UNKNOWN(recv) || UNKNOWN(kt))
        return 0;
    if (recv->kind != JP_DICT) {
        jp_error_at(JpUnsupportedError, c->ir, s,
                    recv->kind == JP_LIST ? "use lst.pop(i)" : "del works on dict items in jit code",
                    "del of an item of a %s is not supported in jit code", recv->name);
        return -1;
    }
    if (!jp_dict_key_accepts(kt, recv)) {
        jp_error_at(JpTypingError, c->ir, target->u.subscript.index, NULL, "a %s key does not fit %s",
                    kt->name, recv->name);
        return -1;
    }
    return 0;
}

/* ---- methods ------------------------------------------------------------------------ */

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

/* the key argument 0 of a lookup method */
static int
lookup_key(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *kt = arg(c, call, 0);
    if (kt == NULL)
        return -1;
    if (UNKNOWN(kt))
        return 1;
    if (!jp_dict_key_accepts(kt, recv)) {
        jp_error_at(JpTypingError, c->ir, call->u.call.args[0], NULL, "a %s key does not fit %s", kt->name,
                    recv->name);
        return -1;
    }
    return 0;
}

/* get(k, default), pop(k, default): V, or V and the default's type unified */
static jp_type *
with_default(ictx *c, jp_node *call, jp_type *recv, const char *name)
{
    jp_type *dt, *u;
    int rc = lookup_key(c, call, recv);
    if (rc)
        return rc < 0 ? NULL : jp_type_unknown();
    if (call->u.call.nargs < 2) {
        if (name[0] == 'g')
            return jp_error_at(JpUnsupportedError, c->ir, call, "give a default: d.get(k, default), or test `k in d`",
                               "d.get(k) without a default (it may return None) is not supported in jit code");
        return UNKNOWN(recv->dtype) ? jp_type_unknown() : recv->dtype;
    }
    if ((dt = arg(c, call, 1)) == NULL)
        return NULL;
    if (UNKNOWN(dt))
        return dt;
    if (UNKNOWN(recv->dtype))
        return value_type(dt);  /* d[k] = d.get(k, 0) + 1 on an empty dict: the default's type */
    if (convertible(dt, recv->dtype))
        return recv->dtype;
    if ((u = jp_type_unify(recv->dtype, dt)) == NULL)
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[1], NULL,
                           "the default of %s() must be a %s, not %s", name, recv->dtype->name, dt->name);
    return u;
}

static jp_type *
t_get(ictx *c, jp_node *call, jp_type *recv)
{
    return with_default(c, call, recv, "get");
}

static jp_type *
t_pop(ictx *c, jp_node *call, jp_type *recv)
{
    return with_default(c, call, recv, "pop");
}

static jp_type *
t_setdefault(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *kt = arg(c, call, 0), *vt, *r;
    if (kt == NULL)
        return NULL;
    if (call->u.call.nargs < 2)
        return jp_error_at(JpUnsupportedError, c->ir, call, "give a default: d.setdefault(k, default)",
                           "d.setdefault(k) without a default (a None value) is not supported in jit code");
    if ((vt = arg(c, call, 1)) == NULL)
        return NULL;
    if ((r = accept(c, recv_of(call), recv, kt, vt, call)) == NULL)
        return NULL;
    return UNKNOWN(r->dtype) ? jp_type_unknown() : r->dtype;
}

static jp_type *
t_update(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *ot = arg(c, call, 0), *r;
    if (ot == NULL || UNKNOWN(ot))
        return ot;
    if (ot->kind != JP_DICT)
        return jp_error_at(JpUnsupportedError, c->ir, call->u.call.args[0],
                           "update from another dict of the same types, or store items in a loop",
                           "d.update() of a %s is not supported in jit code", ot->name);
    if (UNKNOWN(ot->key) || UNKNOWN(ot->dtype))
        return jp_type_none();
    if ((r = accept(c, recv_of(call), recv, ot->key, ot->dtype, call)) == NULL)
        return NULL;
    if (r != ot)
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], "convert the items in a loop",
                           "cannot update a %s from a %s", r->name, ot->name);
    return jp_type_none();
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
    return recv;
}

static jp_type *
known(jp_type *recv, jp_type *t)
{
    return UNKNOWN(recv->key) || UNKNOWN(recv->dtype) ? jp_type_unknown() : t;
}

static jp_type *
t_popitem(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *e[2] = {recv->key, recv->dtype};
    (void)c, (void)call;
    return known(recv, jp_type_tuple(2, e));
}

static jp_type *
t_keys(ictx *c, jp_node *call, jp_type *recv)
{
    (void)c, (void)call;
    return known(recv, jp_type_list(recv->key, 0));
}

static jp_type *
t_values(ictx *c, jp_node *call, jp_type *recv)
{
    (void)c, (void)call;
    return known(recv, jp_type_list(recv->dtype, 0));
}

static jp_type *
t_items(ictx *c, jp_node *call, jp_type *recv)
{
    return t_popitem(c, call, recv)->kind == JP_TUPLE ? jp_type_list(t_popitem(c, call, recv), 0) : jp_type_unknown();
}

LLVMValueRef jp_lower_dict_get(lctx *c, jp_node *call);
LLVMValueRef jp_lower_dict_pop(lctx *c, jp_node *call);
LLVMValueRef jp_lower_dict_setdefault(lctx *c, jp_node *call);
LLVMValueRef jp_lower_dict_update(lctx *c, jp_node *call);
LLVMValueRef jp_lower_dict_clear(lctx *c, jp_node *call);
LLVMValueRef jp_lower_dict_copy(lctx *c, jp_node *call);
LLVMValueRef jp_lower_dict_popitem(lctx *c, jp_node *call);
LLVMValueRef jp_lower_dict_view(lctx *c, jp_node *call);

static const jp_lib_entry dict_methods[] = {
    {"get", 1, 2, NULL, t_get, jp_lower_dict_get},
    {"pop", 1, 2, NULL, t_pop, jp_lower_dict_pop},
    {"setdefault", 1, 2, NULL, t_setdefault, jp_lower_dict_setdefault},
    {"update", 1, 1, NULL, t_update, jp_lower_dict_update},
    {"clear", 0, 0, NULL, t_none, jp_lower_dict_clear},
    {"copy", 0, 0, NULL, t_copy, jp_lower_dict_copy},
    {"popitem", 0, 0, NULL, t_popitem, jp_lower_dict_popitem},
    {"keys", 0, 0, NULL, t_keys, jp_lower_dict_view},
    {"values", 0, 0, NULL, t_values, jp_lower_dict_view},
    {"items", 0, 0, NULL, t_items, jp_lower_dict_view},
    {NULL, 0, 0, NULL, NULL, NULL},
};

jp_type *
jp_infer_dict_method(ictx *c, jp_node *call, jp_type *recv)
{
    jp_node *attr = call->u.call.func;
    const jp_lib_entry *e = jp_lib_find(dict_methods, attr->u.attr.name);
    if (e == NULL)
        return jp_error_at(JpTypingError, c->ir, attr,
                           "dicts support get pop setdefault update clear copy popitem keys values items",
                           "%s has no method '%s' in jit code", recv->name, attr->u.attr.name);
    if (jp_lib_bind(c, call, e) < 0)
        return NULL;
    jp_irecord(c, attr, recv);
    return e->type(c, call, recv);
}

/* ---- dict(), hash() ------------------------------------------------------------------ */

jp_type *
jp_infer_dict_builtin(ictx *c, jp_node *call, jp_builtin id)
{
    jp_type *t;
    if (c->session->gpu)
        return jp_device_unsupported(c, call, "use a local array", "%s() is", id == B_DICT ? "dict" : "hash");
    if (call->u.call.nkw)
        return jp_error_at(JpUnsupportedError, c->ir, call, "build the dict with d[k] = v",
                           "keyword arguments of %s() are not supported in jit code", id == B_DICT ? "dict" : "hash");
    if (id == B_DICT) {
        if (call->u.call.nargs == 0)
            return jp_type_dict(jp_type_unknown(), jp_type_unknown());
        if (call->u.call.nargs > 1)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "dict() takes at most 1 argument");
        if ((t = arg(c, call, 0)) == NULL || UNKNOWN(t))
            return t;
        if (t->kind != JP_DICT)
            return jp_error_at(JpUnsupportedError, c->ir, call->u.call.args[0],
                               "build the dict with a loop: d = {} then d[k] = v",
                               "dict() of a %s is not supported in jit code", t->name);
        return t;       /* a copy */
    }
    if (call->u.call.nargs != 1)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "hash() takes exactly one argument");
    if ((t = arg(c, call, 0)) == NULL || UNKNOWN(t))
        return t;
    if (!jp_ht_key_ok(t))
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], NULL,
                           "hash() of a %s is not supported in jit code (numbers, strings and tuples of those)", t->name);
    return jp_type_int(64, 1);
}

/* ---- the typed Dict class in jit code ------------------------------------------------- */

/* key_type= / value_type=: types.int64, types.UniTuple(...), types.float64[:] ... */
static jp_type *
type_arg(ictx *c, jp_node *n)
{
    jp_type *t;
    if (n->kind == E_CONST && n->u.cnst.type->kind == JP_DTYPE)
        return n->u.cnst.type->dtype;
    if ((t = jp_infer_dtype_arg(c, n)) == NULL)
        return NULL;
    return t;
}

static jp_type *
type_dict_new(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    jp_type *k, *v;
    (void)at, (void)nargs;
    if (c->session->gpu)
        return jp_device_unsupported(c, call, "use a local array", "typed dicts are");
    if (fn->id == 0)        /* Dict() */
        return jp_type_dict(jp_type_unknown(), jp_type_unknown());
    if ((k = type_arg(c, args[0])) == NULL || (v = type_arg(c, args[1])) == NULL)
        return NULL;
    if (check_key(c, args[0], k) < 0 || check_value(c, args[1], v) < 0)
        return NULL;
    return jp_type_dict(k, v);
}

static LLVMValueRef
lower_dict_new(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    (void)fn, (void)args, (void)nargs;
    return jp_dict_new_value(c, jp_node_type(c, call));
}

const jp_lib_fn jp_lib_dict[] = {
    {"jitprofile.typed_dict", "Dict", "", 0, 0, type_dict_new, lower_dict_new, 0, RW_NONE},
    {"jitprofile.typed_dict", "_Dict_empty", "key_type, value_type", 2, 2, type_dict_new, lower_dict_new, 1,
     RW_NONE},
};
const int jp_lib_dict_count = (int)(sizeof jp_lib_dict / sizeof jp_lib_dict[0]);
