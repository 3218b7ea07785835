/* jit/lib_iter.c - iterables and the builtins over them.
 *
 * An iterable in jit code is an indexable source: a list, a tuple, a
 * range, a 1-d array (or the rows of an n-d one), or zip / enumerate /
 * reversed of sources.  Each has a length fixed when the loop starts and
 * an item at index i, so every consumer (for loops over zip/enumerate/
 * reversed, list(), extend(), sum, min/max, any/all, sorted) lowers to one
 * counted loop with no iterator object.  (A list mutated while zip or
 * enumerate walks it is read up to its length at the start; a plain
 * `for x in lst` rereads the length each trip, as CPython does.) */
#include "jit/resolve.h"
#include "jit/target.h"
#include "jit/errors.h"
#include "jit/list_runtime.h"
#include "jit/lib_func.h"
#include "jit/dict.h"

#include <string.h>

static int
builtin_call(jp_node *n, jp_builtin id)
{
    return n->kind == E_CALL && n->u.call.func->kind == E_CALLEE
           && n->u.call.func->u.callee.kind == CALLEE_BUILTIN && n->u.call.func->u.callee.id == (int)id;
}

int
jp_is_iter_call(jp_node *n)
{
    return builtin_call(n, B_ZIP) || builtin_call(n, B_ENUMERATE) || builtin_call(n, B_REVERSED)
           || builtin_call(n, B_MAP) || builtin_call(n, B_FILTER);
}

static int
is_none(jp_node *n)
{
    return n->kind == E_CONST && n->u.cnst.type->kind == JP_NONE;
}

/* map(f, it, ...): f's result over the items (zipped); filter(f, it): the
 * items f finds true (filter(None, it): the true items).  The function is a
 * jitted function, an inner function or a lambda (lib_func.c). */
static jp_type *
map_filter_item(ictx *c, jp_node *n, int is_map)
{
    jp_type *items[16], *r;
    int nit = n->u.call.nargs - 1;
    if (is_map ? nit < 1 || nit > 16 : nit != 1)
        return jp_error_at(JpTypingError, c->ir, n, NULL, is_map ? "map() takes a function and 1 to 16 iterables"
                                                                  : "filter() takes a function and one iterable");
    for (int i = 0; i < nit; i++) {
        if ((items[i] = jp_iter_item(c, n->u.call.args[i + 1])) == NULL || UNKNOWN(items[i]))
            return items[i];
    }
    if (!is_map && is_none(n->u.call.args[0]))
        r = items[0];
    else if ((r = jp_infer_fn_call(c, n->u.call.args[0], nit, items,
                                   is_map ? "map()'s first argument" : "filter()'s first argument")) == NULL
             || UNKNOWN(r))
        return r;
    if (!is_map && !jp_is_number(r) && r->kind != JP_BOOL)
        return jp_error_at(JpTypingError, c->ir, n->u.call.args[0], "return a bool or a number from the function",
                           "filter() needs a true/false result, not %s", r->name);
    jp_irecord(c, n, jp_type_none());
    return is_map ? r : items[0];
}

static int
is_intlike(jp_type *t)
{
    return t->kind == JP_INT || t->kind == JP_BOOL;
}

/* ---- typing ----------------------------------------------------------------------- */

/* The item type of an iterable node (undefined while typing runs; NULL on error). */
jp_type *
jp_iter_item(ictx *c, jp_node *n)
{
    jp_type *t;
    if (n->u.call.nkw && jp_is_iter_call(n) && !builtin_call(n, B_ENUMERATE))
        return jp_error_at(JpTypingError, c->ir, n, NULL, "%s() takes no keyword arguments",
                           n->u.call.func->u.callee.name);
    if (builtin_call(n, B_ZIP)) {
        jp_type *elems[64];
        if (n->u.call.nargs > 64)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "zip() of too many iterables");
        for (int i = 0; i < n->u.call.nargs; i++) {
            if ((elems[i] = jp_iter_item(c, n->u.call.args[i])) == NULL)
                return NULL;
            if (UNKNOWN(elems[i]))
                return elems[i];
        }
        jp_irecord(c, n, jp_type_none());
        return jp_type_tuple(n->u.call.nargs, elems);
    }
    if (builtin_call(n, B_MAP) || builtin_call(n, B_FILTER))
        return map_filter_item(c, n, builtin_call(n, B_MAP));
    if (builtin_call(n, B_ENUMERATE)) {
        jp_type *pair[2] = {jp_type_int(64, 1), NULL};
        jp_node *start = n->u.call.nargs == 2 ? n->u.call.args[1] : jp_lib_keyword(n, "start");
        if (n->u.call.nargs < 1 || n->u.call.nargs > 2 || (n->u.call.nkw && (n->u.call.nkw > 1 || !jp_lib_keyword(n, "start"))))
            return jp_error_at(JpTypingError, c->ir, n, NULL, "enumerate() takes an iterable and an optional start");
        if (start) {
            jp_type *st = jp_ioperand(c, start);
            if (st == NULL)
                return NULL;
            if (!UNKNOWN(st) && !is_intlike(st))
                return jp_error_at(JpTypingError, c->ir, start, NULL, "enumerate() start must be an integer");
        }
        if ((pair[1] = jp_iter_item(c, n->u.call.args[0])) == NULL || UNKNOWN(pair[1]))
            return pair[1];
        jp_irecord(c, n, jp_type_none());
        return jp_type_tuple(2, pair);
    }
    if (builtin_call(n, B_REVERSED)) {
        jp_type *it;
        if (n->u.call.nargs != 1)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "reversed() takes one argument");
        if ((it = jp_ioperand(c, n->u.call.args[0])) == NULL || UNKNOWN(it))
            return it;
        if (it->kind != JP_LIST && it->kind != JP_RANGE && it->kind != JP_TUPLE && it->kind != JP_ARRAY)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "reversed() of a %s is not supported", it->name);
        jp_irecord(c, n, jp_type_none());
        return jp_iter_item(c, n->u.call.args[0]);
    }
    if ((t = jp_ioperand(c, n)) == NULL || UNKNOWN(t))
        return t;
    switch (t->kind) {
    case JP_LIST:
        return t->dtype;
    case JP_DICT:           /* its keys, as iter(d) (lowered through a list of them) */
        return t->key;
    case JP_SET:
        return t->dtype;
    case JP_RANGE:
        return jp_type_int(64, 1);
    case JP_ARRAY:
        if (t->ndim == 0)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "iteration over a 0-d array");
        return t->ndim == 1 ? (t->dtype->kind == JP_RECORD ? jp_type_record_ref(t->dtype) : t->dtype)
                            : jp_type_array(t->dtype, t->ndim - 1, t->layout == 'C' ? 'C' : 'A', t->readonly);
    case JP_TUPLE: {
        jp_type *e = t->n ? t->elems[0] : jp_type_unknown();
        for (int i = 1; i < t->n && e; i++)
            e = jp_type_unify(e, t->elems[i]);
        if (e == NULL)
            return jp_error_at(JpTypingError, c->ir, n, "index a heterogeneous tuple with constants instead",
                               "cannot iterate over a heterogeneous %s here", t->name);
        return e;
    }
    case JP_GENERATOR:      /* for, list(), sum() ... take it (lower_generator.c) */
        return jp_error_at(JpUnsupportedError, c->ir, n, "iterate it with for, or make a list first: list(gen(...))",
                           "zip(), enumerate() and reversed() of a generator are not supported");
    default:
        return jp_error_at(JpTypingError, c->ir, n, NULL, "a %s is not iterable in jit code", t->name);
    }
}

/* for target in zip(...) / enumerate(...) / reversed(...) */
int
jp_infer_iter_for(ictx *c, jp_node *s, jp_type **item)
{
    return (*item = jp_iter_item(c, s->u.loop.iter)) ? 0 : -1;
}

/* isinstance(x, cls) decided by x's type: 1 or 0, -1 with an error. */
static int
isinstance_of(ictx *c, jp_type *t, jp_node *cls)
{
    if (cls->kind == E_TUPLE) {
        int any = 0;
        for (int i = 0; i < cls->u.tuple.n; i++) {
            int r = isinstance_of(c, t, cls->u.tuple.elts[i]);
            if (r < 0)
                return -1;
            any |= r;
        }
        return any;
    }
    if (cls->kind == E_CALLEE && cls->u.callee.kind == CALLEE_BUILTIN) {
        switch (cls->u.callee.id) {
        case B_INT: return t->kind == JP_INT || t->kind == JP_BOOL;
        case B_FLOAT: return t->kind == JP_FLOAT;
        case B_COMPLEX: return t->kind == JP_COMPLEX;
        case B_BOOL: return t->kind == JP_BOOL;
        case B_LIST: return t->kind == JP_LIST;
        case B_STR: return t->kind == JP_STR;
        default: break;
        }
    }
    if (cls->kind == E_CALLEE && cls->u.callee.kind == CALLEE_CLASS)
        return t->kind == JP_CLASS && t->pyclass == cls->u.callee.obj;
    jp_error_at(JpUnsupportedError, c->ir, cls, "test against int, float, complex, bool, list, str, a jitclass, or a tuple of them",
                "isinstance() with this class is not supported in jit code");
    return -1;
}

/* list(it), sum(it[, start]), any(it), all(it), sorted(it, key=, reverse=),
 * min(it), max(it), isinstance(x, T) */
jp_type *jp_infer_sort_options(ictx *c, jp_node *call, jp_type *item);   /* lib_list.c */

static jp_type *
sum_type(ictx *c, jp_node *n, jp_type *acc, jp_type *et)
{
    jp_type *r = jp_binop_type(OP_ADD, acc, et, NULL);
    if (r == NULL)
        return jp_error_at(JpTypingError, c->ir, n, NULL, "sum() of %s items is not supported", et->name);
    return r;
}

jp_type *
jp_infer_iter_builtin(ictx *c, jp_node *n, jp_builtin id)
{
    const char *name = n->u.call.func->u.callee.name;
    jp_type *et;
    if (id == B_ZIP || id == B_ENUMERATE || id == B_REVERSED || id == B_MAP || id == B_FILTER)
        return jp_error_at(JpUnsupportedError, c->ir, n,
                           "use it directly in a for loop or a comprehension, or wrap it in list(...)",
                           "%s() is supported as the iterable of a for loop, list() or sorted() in jit code", name);
    if (id == B_ISINSTANCE) {
        jp_type *t;
        if (n->u.call.nargs != 2)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "isinstance() takes 2 arguments");
        if ((t = jp_ioperand(c, n->u.call.args[0])) == NULL || UNKNOWN(t))
            return t;
        {
            int r = isinstance_of(c, t, n->u.call.args[1]);
            if (r < 0)
                return NULL;
            c->inst->branch[n->id] = (signed char)r;
        }
        return jp_type_bool();
    }
    if ((id == B_LIST || id == B_SORTED) && c->session->gpu)
        return jp_device_unsupported(c, n, "use a local array (%s) instead", "lists are");
    if (id == B_LIST && n->u.call.nargs == 0 && n->u.call.nkw == 0)
        return jp_type_list(jp_type_unknown(), 0);
    if (id == B_SORTED) {
        if (n->u.call.nargs != 1)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "sorted() takes one positional argument");
        for (int k = 0; k < n->u.call.nkw; k++)
            if (strcmp(n->u.call.kwnames[k], "key") && strcmp(n->u.call.kwnames[k], "reverse"))
                return jp_error_at(JpTypingError, c->ir, n, NULL, "sorted() got an unexpected keyword argument '%s'",
                                   n->u.call.kwnames[k]);
    } else if ((id == B_MIN || id == B_MAX) && n->u.call.nkw == 1 && jp_lib_keyword(n, "key")) {
        /* min(it, key=f): typed below */
    } else if (n->u.call.nkw) {
        return jp_error_at(JpTypingError, c->ir, n, NULL, "%s() takes no keyword arguments in jit code", name);
    }
    if (n->u.call.nargs < 1 || n->u.call.nargs > (id == B_SUM ? 2 : 1))
        return jp_error_at(JpTypingError, c->ir, n, NULL, "%s() takes %s", name,
                           id == B_SUM ? "an iterable and an optional start" : "one iterable");
    if (!jp_is_iter_call(n->u.call.args[0]) && (et = jp_ioperand(c, n->u.call.args[0])) != NULL
        && et->kind == JP_GENERATOR)
        et = et->dtype;     /* list(gen), sum(gen), ...: jp_lower_generator_each */
    else if ((et = jp_iter_item(c, n->u.call.args[0])) == NULL || UNKNOWN(et))
        return et;
    switch (id) {
    case B_LIST:
        if (et->kind == JP_RECORD_REF)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "list() of record items is not supported");
        return jp_type_list(et->kind == JP_LIST ? jp_type_list(et->dtype, 0) : et, 0);
    case B_SORTED:
        if (jp_infer_sort_options(c, n, et) == NULL)
            return NULL;
        return jp_type_list(et, 0);
    case B_ANY:
    case B_ALL:
        if (!jp_is_number(et) && et->kind != JP_TUPLE)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "%s() of %s items is not supported", name, et->name);
        return jp_type_bool();
    case B_SUM: {
        jp_type *acc = jp_type_int(64, 1);
        if (n->u.call.nargs == 2) {
            if ((acc = jp_ioperand(c, n->u.call.args[1])) == NULL || UNKNOWN(acc))
                return acc;
        }
        if (!jp_is_number(et) || !jp_is_number(acc))
            return jp_error_at(JpTypingError, c->ir, n, NULL, "sum() needs numbers, not %s", et->name);
        /* the accumulator's type is reached after one addition (int -> float) */
        return sum_type(c, n, sum_type(c, n, acc, et), et);
    }
    case B_MIN:
    case B_MAX:
        if (jp_lib_keyword(n, "key")) {
            jp_node *key = jp_lib_keyword(n, "key");
            jp_type *kt = jp_infer_fn_call(c, key, 1, &et, "key");
            if (kt == NULL || UNKNOWN(kt))
                return kt;
            if (!jp_is_number(kt) || kt->kind == JP_COMPLEX)
                return jp_error_at(JpTypingError, c->ir, key, NULL, "%s() needs a key that returns a real number, not %s",
                                   name, kt->name);
            jp_irecord(c, key, et);
            return et;
        }
        if ((!jp_is_number(et) || et->kind == JP_COMPLEX) && et->kind != JP_STR)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "%s() needs real numbers or strings, not %s", name,
                               et->name);
        return et;
    default:
        return jp_error_at(JpTypingError, c->ir, n, NULL, "%s() is not supported", name);
    }
}

/* ---- lowering: sources ------------------------------------------------------------- */

enum { SRC_LIST, SRC_TUPLE, SRC_RANGE, SRC_ARRAY, SRC_ZIP, SRC_ENUM, SRC_REV, SRC_MAP };

typedef struct src {
    int kind;
    jp_type *t, *item;
    LLVMValueRef v, n, start, step, mem;
    struct src *sub;
    int nsub;
    jp_node *fn;            /* SRC_MAP: the function */
} src;

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMValueRef
range_len(lctx *c, LLVMValueRef start, LLVMValueRef stop, LLVMValueRef step)
{
    LLVMValueRef zero = jp_const_i64(c, 0), one = jp_const_i64(c, 1);
    LLVMValueRef up = LLVMBuildICmp(c->b, LLVMIntSGT, stop, start, "");
    LLVMValueRef down = LLVMBuildICmp(c->b, LLVMIntSLT, stop, start, "");
    LLVMValueRef n_up = LLVMBuildAdd(c->b, LLVMBuildUDiv(c->b, LLVMBuildSub(c->b, LLVMBuildSub(c->b, stop, start, ""), one, ""), step, ""), one, "");
    LLVMValueRef n_down = LLVMBuildAdd(c->b, LLVMBuildUDiv(c->b, LLVMBuildSub(c->b, LLVMBuildSub(c->b, start, stop, ""), one, ""),
                                                           LLVMBuildNeg(c->b, step, ""), ""), one, "");
    return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSGT, step, zero, ""),
                           LLVMBuildSelect(c->b, up, n_up, zero, ""), LLVMBuildSelect(c->b, down, n_down, zero, ""), "");
}

static LLVMValueRef
smin(lctx *c, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, a, b, ""), a, b, "");
}

static void open_filter(lctx *c, jp_node *n, src *s);

static void
open_src(lctx *c, jp_node *n, src *s)
{
    memset(s, 0, sizeof *s);
    if (builtin_call(n, B_FILTER)) {
        open_filter(c, n, s);
        return;
    }
    if (builtin_call(n, B_MAP)) {
        int count = n->u.call.nargs - 1;
        s->kind = SRC_MAP;
        s->fn = n->u.call.args[0];
        s->sub = calloc((size_t)count, sizeof *s->sub);
        s->nsub = count;
        for (int i = 0; i < count; i++) {
            open_src(c, n->u.call.args[i + 1], &s->sub[i]);
            s->n = i ? smin(c, s->n, s->sub[i].n) : s->sub[i].n;
        }
        s->item = c->inst->callees[s->fn->id]->ret;
        return;
    }
    if (jp_is_iter_call(n)) {
        jp_builtin id = (jp_builtin)n->u.call.func->u.callee.id;
        int count = id == B_ZIP ? n->u.call.nargs : 1;
        s->kind = id == B_ZIP ? SRC_ZIP : id == B_ENUMERATE ? SRC_ENUM : SRC_REV;
        s->sub = calloc((size_t)(count ? count : 1), sizeof *s->sub);
        s->nsub = count;
        for (int i = 0; i < count; i++)
            open_src(c, n->u.call.args[i], &s->sub[i]);
        if (s->kind == SRC_ZIP) {
            jp_type *elems[64];
            s->n = count ? s->sub[0].n : jp_const_i64(c, 0);
            for (int i = 0; i < count; i++) {
                elems[i] = s->sub[i].item;
                if (i)
                    s->n = smin(c, s->n, s->sub[i].n);
            }
            s->item = jp_type_tuple(count, elems);
        } else if (s->kind == SRC_ENUM) {
            jp_node *start = n->u.call.nargs == 2 ? n->u.call.args[1] : jp_lib_keyword(n, "start");
            jp_type *pair[2] = {jp_type_int(64, 1), s->sub[0].item};
            s->start = start ? jp_cast(c, jp_lower_expr(c, start), jp_node_type(c, start), jp_type_int(64, 1))
                             : jp_const_i64(c, 0);
            s->n = s->sub[0].n;
            s->item = jp_type_tuple(2, pair);
        } else {
            s->n = s->sub[0].n;
            s->item = s->sub[0].item;
        }
        return;
    }
    s->t = jp_node_type(c, n);
    switch (s->t->kind) {
    case JP_LIST:
        s->kind = SRC_LIST;
        s->v = jp_lower_expr(c, n);
        s->n = jp_list_len(c, s->v);
        s->item = s->t->dtype;
        break;
    case JP_RANGE: {
        jp_node **args = n->u.call.args;
        LLVMValueRef v[3] = {NULL, NULL, NULL}, stop;
        jp_type *i64 = jp_type_int(64, 1);
        int nargs = n->u.call.nargs;
        for (int k = 0; k < nargs; k++)
            v[k] = jp_cast(c, jp_lower_expr(c, args[k]), jp_node_type(c, args[k]), i64);
        s->kind = SRC_RANGE;
        s->start = nargs == 1 ? jp_const_i64(c, 0) : v[0];
        stop = nargs == 1 ? v[0] : v[1];
        s->step = nargs == 3 ? v[2] : jp_const_i64(c, 1);
        if (nargs == 3)
            jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, s->step, jp_const_i64(c, 0), ""),
                     PyExc_ValueError, "range() arg 3 must not be zero");
        s->n = range_len(c, s->start, stop, s->step);
        s->item = i64;
        break;
    }
    case JP_DICT:
    case JP_SET: {      /* its keys or items, copied into a list first */
        jp_type *kt = s->t->kind == JP_DICT ? s->t->key : s->t->dtype;
        s->t = jp_type_list(kt, 0);
        s->kind = SRC_LIST;
        s->v = jp_lower_ht_keys_list(c, jp_lower_expr(c, n), s->t);
        s->n = jp_list_len(c, s->v);
        s->item = kt;
        break;
    }
    case JP_ARRAY:
        s->kind = SRC_ARRAY;
        s->v = jp_lower_expr(c, n);
        s->n = jp_arr_field(c, s->v, 3, 0);
        s->item = s->t->ndim == 1 ? (s->t->dtype->kind == JP_RECORD ? jp_type_record_ref(s->t->dtype) : s->t->dtype)
                                  : jp_type_array(s->t->dtype, s->t->ndim - 1, s->t->layout == 'C' ? 'C' : 'A',
                                                  s->t->readonly);
        break;
    default: {      /* a tuple: its items, unified, in memory */
        LLVMValueRef tv = jp_lower_expr(c, n);
        jp_type *e = s->t->n ? s->t->elems[0] : jp_type_int(64, 1);
        for (int i = 1; i < s->t->n; i++)
            e = jp_type_unify(e, s->t->elems[i]);
        s->kind = SRC_TUPLE;
        s->item = e;
        s->mem = jp_alloca(c, LLVMArrayType2(jp_llvm_type(c->ctx, e), (unsigned long long)(s->t->n ? s->t->n : 1)), "tuple.items");
        for (int i = 0; i < s->t->n; i++) {
            LLVMValueRef idx[2] = {jp_const_i64(c, 0), jp_const_i64(c, i)};
            LLVMValueRef p = LLVMBuildGEP2(c->b, LLVMArrayType2(jp_llvm_type(c->ctx, e), (unsigned long long)s->t->n),
                                           s->mem, idx, 2, "");
            LLVMBuildStore(c->b, jp_cast(c, LLVMBuildExtractValue(c->b, tv, (unsigned)i, ""), s->t->elems[i], e), p);
        }
        s->n = jp_const_i64(c, s->t->n);
        break;
    }
    }
}

static void
close_src(src *s)
{
    for (int i = 0; i < s->nsub; i++)
        close_src(&s->sub[i]);
    free(s->sub);
}

static LLVMValueRef
item_at(lctx *c, src *s, LLVMValueRef i)
{
    switch (s->kind) {
    case SRC_LIST: {
        LLVMValueRef v = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, s->item), jp_list_item_ptr(c, s->v, s->t, i), "");
        jp_tbaa(c, v, JP_TBAA_ARRAY_DATA);
        return v;
    }
    case SRC_RANGE:
        return LLVMBuildAdd(c->b, s->start, LLVMBuildMul(c->b, i, s->step, ""), "");
    case SRC_ARRAY:
        return jp_array_iter_item(c, s->v, s->t, i);
    case SRC_TUPLE: {
        LLVMTypeRef at = LLVMArrayType2(jp_llvm_type(c->ctx, s->item), (unsigned long long)(s->t->n ? s->t->n : 1));
        LLVMValueRef idx[2] = {jp_const_i64(c, 0), i};
        return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, s->item), LLVMBuildGEP2(c->b, at, s->mem, idx, 2, ""), "");
    }
    case SRC_ZIP: {
        LLVMValueRef r = LLVMGetUndef(jp_llvm_type(c->ctx, s->item));   /* filled below */
        for (int k = 0; k < s->nsub; k++)
            r = LLVMBuildInsertValue(c->b, r, item_at(c, &s->sub[k], i), (unsigned)k, "");
        return r;
    }
    case SRC_ENUM: {
        LLVMValueRef r = LLVMGetUndef(jp_llvm_type(c->ctx, s->item));   /* filled below */
        r = LLVMBuildInsertValue(c->b, r, LLVMBuildAdd(c->b, s->start, i, ""), 0, "");
        return LLVMBuildInsertValue(c->b, r, item_at(c, &s->sub[0], i), 1, "");
    }
    case SRC_MAP: {
        LLVMValueRef v[16];
        jp_type *t[16];
        for (int k = 0; k < s->nsub; k++) {
            v[k] = item_at(c, &s->sub[k], i);
            t[k] = s->sub[k].item;
        }
        return jp_lower_fn_call(c, s->fn, s->nsub, v, t);
    }
    default:        /* SRC_REV */
        return item_at(c, &s->sub[0], LLVMBuildSub(c->b, LLVMBuildSub(c->b, s->n, jp_const_i64(c, 1), ""), i, ""));
    }
}

typedef struct counted {
    LLVMValueRef counter;
    LLVMBasicBlockRef head, body, latch, done;
} counted;

static LLVMValueRef
counted_begin(lctx *c, counted *l, LLVMValueRef n)
{
    LLVMValueRef i;
    l->counter = jp_alloca(c, i64t(c), "k");
    LLVMBuildStore(c->b, jp_const_i64(c, 0), l->counter);
    l->head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.head");
    l->body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.body");
    l->latch = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.latch");
    l->done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "iter.done");
    LLVMBuildBr(c->b, l->head);
    LLVMPositionBuilderAtEnd(c->b, l->head);
    i = LLVMBuildLoad2(c->b, i64t(c), l->counter, "");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, i, n, ""), l->body, l->done);
    LLVMPositionBuilderAtEnd(c->b, l->body);
    return i;
}

static void
counted_end(lctx *c, counted *l)
{
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, l->latch);
    LLVMPositionBuilderAtEnd(c->b, l->latch);
    LLVMBuildStore(c->b, LLVMBuildNSWAdd(c->b, LLVMBuildLoad2(c->b, i64t(c), l->counter, ""), jp_const_i64(c, 1), ""),
                   l->counter);
    LLVMBuildBr(c->b, l->head);
    LLVMPositionBuilderAtEnd(c->b, l->done);
}

/* filter(f, it): the items f finds true, gathered into a list first (f runs
 * on every item before the consumer sees the first one) */
static void
open_filter(lctx *c, jp_node *n, src *s)
{
    src in;
    counted l;
    jp_node *fn = n->u.call.args[0];
    LLVMValueRef i, list, v, keep;
    LLVMBasicBlockRef yes, next;
    open_src(c, n->u.call.args[1], &in);
    s->kind = SRC_LIST;
    s->item = in.item;
    s->t = jp_type_list(in.item, 0);
    list = jp_list_new_value(c, s->t, jp_const_i64(c, 0));
    i = counted_begin(c, &l, in.n);
    {
        int mark = c->ntemps;
        v = item_at(c, &in, i);
        if (is_none(fn)) {
            keep = jp_truth(c, v, in.item);
        } else {
            jp_type *rt = c->inst->callees[fn->id]->ret;
            keep = jp_truth(c, jp_lower_fn_call(c, fn, 1, &v, &in.item), rt);
        }
        yes = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "filter.keep");
        next = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "filter.next");
        LLVMBuildCondBr(c->b, keep, yes, next);
        LLVMPositionBuilderAtEnd(c->b, yes);
        jp_list_append_value(c, list, s->t, v, in.item);
        LLVMBuildBr(c->b, next);
        LLVMPositionBuilderAtEnd(c->b, next);
        jp_release_temps(c, mark);
    }
    counted_end(c, &l);
    close_src(&in);
    s->v = list;
    s->n = jp_list_len(c, list);
}

LLVMValueRef
jp_lower_iter_each(lctx *c, jp_node *iter, void (*fn)(lctx *, void *, LLVMValueRef, jp_type *), void *ctx)
{
    src s;
    counted l;
    LLVMValueRef i;
    if (jp_node_type(c, iter)->kind == JP_GENERATOR) {
        jp_lower_generator_each(c, iter, fn, ctx);      /* lower_generator.c */
        return NULL;
    }
    open_src(c, iter, &s);
    i = counted_begin(c, &l, s.n);
    {
        int mark = c->ntemps;       /* a row view made for this item dies with it */
        fn(c, ctx, item_at(c, &s, i), s.item);
        jp_release_temps(c, mark);
    }
    counted_end(c, &l);
    close_src(&s);
    return NULL;
}

/* for target in zip(...)/enumerate(...)/reversed(...) */
void
jp_lower_iter_for(lctx *c, jp_node *st)
{
    src s;
    counted l;
    LLVMValueRef i;
    LLVMBasicBlockRef orelse, done;
    open_src(c, st->u.loop.iter, &s);
    i = counted_begin(c, &l, s.n);
    {
        int mark = c->ntemps;
        jp_store_target(c, st->u.loop.target, item_at(c, &s, i), s.item);
        jp_release_temps(c, mark);
    }
    orelse = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "for.else");
    done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "for.done");
    c->break_bb[c->loop_depth] = done;
    c->continue_bb[c->loop_depth] = l.latch;
    c->loop_depth++;
    jp_lower_block(c, &st->u.loop.body);
    c->loop_depth--;
    counted_end(c, &l);
    LLVMBuildBr(c->b, orelse);
    LLVMPositionBuilderAtEnd(c->b, orelse);
    jp_lower_block(c, &st->u.loop.orelse);
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    close_src(&s);
}

/* ---- lowering: builtins -------------------------------------------------------------- */

typedef struct acc_ctx {
    LLVMValueRef slot;      /* accumulator / flag / list */
    jp_type *t;
    int id;
    jp_node *key;           /* min/max(it, key=f): f, and the best key in a[2] */
} acc_ctx;

static void
acc_list(lctx *c, void *vctx, LLVMValueRef v, jp_type *vt)
{
    acc_ctx *a = vctx;
    jp_list_append_value(c, LLVMBuildLoad2(c->b, LLVMPointerTypeInContext(c->ctx, 0), a->slot, ""), a->t, v, vt);
}

static void
acc_sum(lctx *c, void *vctx, LLVMValueRef v, jp_type *vt)
{
    acc_ctx *a = vctx;
    LLVMValueRef cur = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, a->t), a->slot, "");
    LLVMBuildStore(c->b, jp_lower_binop(c, OP_ADD, cur, a->t, v, vt, a->t, NULL), a->slot);
}

static void
acc_anyall(lctx *c, void *vctx, LLVMValueRef v, jp_type *vt)
{
    acc_ctx *a = vctx;
    LLVMValueRef truth = jp_truth(c, v, vt), cur = LLVMBuildLoad2(c->b, LLVMInt1TypeInContext(c->ctx), a->slot, "");
    LLVMBuildStore(c->b, a->id == B_ANY ? LLVMBuildOr(c->b, cur, truth, "") : LLVMBuildAnd(c->b, cur, truth, ""),
                   a->slot);
}

static void
acc_minmax(lctx *c, void *vctx, LLVMValueRef v, jp_type *vt)
{
    acc_ctx *a = vctx;
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);
    LLVMValueRef cur = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, a->t), a->slot, "");
    LLVMValueRef first = LLVMBuildLoad2(c->b, i1, a[1].slot, "");
    /* CPython keeps the first of equal items: replace only when strictly better */
    LLVMValueRef better = jp_lower_compare(c, a->id == B_MIN ? CMP_LT : CMP_GT, v, vt, cur, a->t);
    v = jp_cast(c, v, vt, a->t);
    LLVMBuildStore(c->b, LLVMBuildSelect(c->b, LLVMBuildOr(c->b, first, better, ""), v, cur, ""), a->slot);
    LLVMBuildStore(c->b, LLVMConstInt(i1, 0, 0), a[1].slot);
}

/* min/max with key=f: the first item whose key is strictly better */
static void
acc_minmax_key(lctx *c, void *vctx, LLVMValueRef v, jp_type *vt)
{
    acc_ctx *a = vctx;
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);
    LLVMValueRef k = jp_lower_fn_call(c, a->key, 1, &v, &vt);
    LLVMValueRef cur = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, a->t), a->slot, "");
    LLVMValueRef curk = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, a[2].t), a[2].slot, "");
    LLVMValueRef first = LLVMBuildLoad2(c->b, i1, a[1].slot, "");
    LLVMValueRef better = jp_lower_compare(c, a->id == B_MIN ? CMP_LT : CMP_GT, k, a[2].t, curk, a[2].t);
    LLVMValueRef take = LLVMBuildOr(c->b, first, better, "");
    LLVMBuildStore(c->b, LLVMBuildSelect(c->b, take, jp_cast(c, v, vt, a->t), cur, ""), a->slot);
    LLVMBuildStore(c->b, LLVMBuildSelect(c->b, take, k, curk, ""), a[2].slot);
    LLVMBuildStore(c->b, LLVMConstInt(i1, 0, 0), a[1].slot);
}

void jp_lower_list_sort_h(lctx *c, LLVMValueRef list, jp_type *lt, jp_node *call);  /* lower_list.c */

LLVMValueRef
jp_lower_iter_builtin(lctx *c, jp_node *n, jp_builtin id)
{
    jp_type *rt = jp_node_type(c, n);
    acc_ctx a[3] = {{NULL, rt, (int)id, NULL}, {NULL, NULL, 0, NULL}, {NULL, NULL, 0, NULL}};
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);
    if (id == B_ISINSTANCE) {
        jp_lower_expr(c, n->u.call.args[0]);
        return LLVMConstInt(i1, (unsigned long long)c->inst->branch[n->id], 0);
    }
    switch (id) {
    case B_LIST:
    case B_SORTED: {
        LLVMValueRef list = jp_list_new_value(c, rt, jp_const_i64(c, 0));
        a[0].slot = jp_alloca(c, LLVMPointerTypeInContext(c->ctx, 0), "list");
        LLVMBuildStore(c->b, list, a[0].slot);
        if (n->u.call.nargs)
            jp_lower_iter_each(c, n->u.call.args[0], acc_list, a);
        if (id == B_SORTED)
            jp_lower_list_sort_h(c, list, rt, n);
        return list;
    }
    case B_SUM: {
        LLVMValueRef init = n->u.call.nargs == 2
                                ? jp_cast(c, jp_lower_expr(c, n->u.call.args[1]), jp_node_type(c, n->u.call.args[1]), rt)
                                : jp_cast(c, jp_const_i64(c, 0), jp_type_int(64, 1), rt);
        a[0].slot = jp_alloca(c, jp_llvm_type(c->ctx, rt), "sum");
        LLVMBuildStore(c->b, init, a[0].slot);
        jp_lower_iter_each(c, n->u.call.args[0], acc_sum, a);
        return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, rt), a[0].slot, "");
    }
    case B_ANY:
    case B_ALL:
        a[0].slot = jp_alloca(c, i1, "anyall");
        LLVMBuildStore(c->b, LLVMConstInt(i1, id == B_ALL, 0), a[0].slot);
        jp_lower_iter_each(c, n->u.call.args[0], acc_anyall, a);
        return LLVMBuildLoad2(c->b, i1, a[0].slot, "");
    default: {      /* min/max of one iterable */
        a[0].slot = jp_alloca(c, jp_llvm_type(c->ctx, rt), "best");
        a[1].slot = jp_alloca(c, i1, "first");
        LLVMBuildStore(c->b, LLVMConstNull(jp_llvm_type(c->ctx, rt)), a[0].slot);
        LLVMBuildStore(c->b, LLVMConstInt(i1, 1, 0), a[1].slot);
        if ((a[0].key = jp_lib_keyword(n, "key")) != NULL) {
            a[2].t = c->inst->callees[a[0].key->id]->ret;
            a[2].slot = jp_alloca(c, jp_llvm_type(c->ctx, a[2].t), "bestkey");
            LLVMBuildStore(c->b, LLVMConstNull(jp_llvm_type(c->ctx, a[2].t)), a[2].slot);
        }
        jp_lower_iter_each(c, n->u.call.args[0], a[0].key ? acc_minmax_key : acc_minmax, a);
        jp_check(c, LLVMBuildLoad2(c->b, i1, a[1].slot, ""), PyExc_ValueError,
                 id == B_MIN ? "min() arg is an empty sequence" : "max() arg is an empty sequence");
        return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, rt), a[0].slot, "");
    }
    }
}
