/* jit/infer_array.c - typing of NumPy arrays: indexing and slicing (views),
 * attributes and methods, array expressions with NumPy's promotion and
 * broadcasting, the NumPy functions of numpy_funcs.h, and item assignment
 * (including the compile-time rejection of writes to read-only arrays). */
#include "jit/infer.h"
#include "jit/infer_optional.h"
#include "jit/class_setter.h"
#include "jit/resolve.h"
#include "jit/errors.h"
#include "jit/numpy_funcs.h"
#include "jit/dict.h"

#include <string.h>

static int
rank(const jp_type *t)
{
    switch (t->kind) {
    case JP_BOOL: return 1;
    case JP_INT: return 2;
    case JP_FLOAT: return 3;
    case JP_COMPLEX: return 4;
    default: return 0;
    }
}

static jp_type *
default_of_rank(int r)
{
    switch (r) {
    case 1: return jp_type_bool();
    case 2: return jp_type_int(64, 1);
    case 3: return jp_type_float(64);
    default: return jp_type_complex(128);
    }
}

jp_type *
jp_np_promote(jp_type *a, jp_type *b)
{
    int ra = rank(a), rb = rank(b);
    if (a == b)
        return a;
    if (!ra || !rb)
        return NULL;
    if (ra == 1)
        return b;
    if (rb == 1)
        return a;
    if (ra == 2 && rb == 2) {
        if (a->is_signed == b->is_signed)
            return jp_type_int(a->bits > b->bits ? a->bits : b->bits, a->is_signed);
        {
            jp_type *u = a->is_signed ? b : a, *sg = a->is_signed ? a : b;
            if (u->bits < sg->bits)
                return sg;
            if (u->bits == 64)
                return jp_type_float(64);
            return jp_type_int(u->bits * 2, 1);
        }
    }
    if (ra == 2 || rb == 2) {
        jp_type *i = ra == 2 ? a : b, *f = ra == 2 ? b : a;
        int small = i->bits <= 16;
        if (f->kind == JP_FLOAT)
            return (f->bits == 32 && small) ? f : jp_type_float(64);
        return (f->bits == 64 && small) ? f : jp_type_complex(128);
    }
    if (ra == 3 && rb == 3)
        return jp_type_float(a->bits > b->bits ? a->bits : b->bits);
    {
        int bits32 = (a->kind == JP_FLOAT ? a->bits == 32 : a->bits == 64)
                     && (b->kind == JP_FLOAT ? b->bits == 32 : b->bits == 64);
        return jp_type_complex(bits32 ? 64 : 128);
    }
}

/* NEP 50: a scalar operand only lifts the kind, never the width. */
static jp_type *
promote_with_scalar(jp_type *dtype, jp_type *scalar)
{
    if (rank(scalar) <= rank(dtype))
        return dtype;
    if (rank(scalar) == 4 && dtype->kind == JP_FLOAT && dtype->bits == 32)
        return jp_type_complex(64);
    return default_of_rank(rank(scalar));
}

static jp_type *
elem_of(jp_type *t)
{
    return t->kind == JP_ARRAY ? t->dtype : t;
}

/* The element type of `a op b`, NumPy's rules. */
static jp_type *
result_dtype(jp_binop op, jp_type *a, jp_type *b)
{
    jp_type *ea = elem_of(a), *eb = elem_of(b), *t;
    if (!rank(ea) || !rank(eb))
        return NULL;
    if (jp_is_array(a) && jp_is_array(b))
        t = jp_np_promote(ea, eb);
    else if (jp_is_array(a))
        t = promote_with_scalar(ea, eb);
    else
        t = promote_with_scalar(eb, ea);
    switch (op) {
    case OP_TRUEDIV:
        if (t->kind == JP_INT || t->kind == JP_BOOL)
            return jp_type_float(64);
        return t;
    case OP_FLOORDIV: case OP_MOD:
        return t->kind == JP_COMPLEX ? NULL : t->kind == JP_BOOL ? jp_type_int(8, 1) : t;
    case OP_LSHIFT: case OP_RSHIFT:
        return t->kind == JP_INT ? t : NULL;
    case OP_BITAND: case OP_BITOR: case OP_BITXOR:
        return (t->kind == JP_INT || t->kind == JP_BOOL) ? t : NULL;
    case OP_ADD: case OP_MUL:
        return t;       /* NumPy: bool + bool is `or`, bool * bool `and` (lower_ops.c) */
    case OP_POW:
        return t->kind == JP_BOOL ? jp_type_int(8, 1) : t;
    case OP_SUB:
        return t->kind == JP_BOOL ? jp_type_int(64, 1) : t;
    default:
        return NULL;
    }
}

static int
ndim_of(jp_type *t)
{
    return t->kind == JP_ARRAY ? t->ndim : 0;
}

static jp_type *
dot_type(ictx *c, jp_node *n, jp_type *a, jp_type *b)
{
    jp_type *dt;
    int na = ndim_of(a), nb = ndim_of(b);
    if (!jp_is_array(a) || !jp_is_array(b) || na < 1 || nb < 1 || na > 2 || nb > 2)
        return jp_error_at(JpTypingError, c->ir, n, NULL,
                           "dot/@ needs 1-d or 2-d arrays, not %s and %s", a->name, b->name);
    if ((dt = jp_np_promote(a->dtype, b->dtype)) == NULL || dt->kind == JP_BOOL)
        return jp_error_at(JpTypingError, c->ir, n, NULL, "dot/@ of %s and %s", a->name, b->name);
    if (na == 1 && nb == 1)
        return dt;
    return jp_type_array(dt, na + nb - 2, 'C', 0);
}

jp_type *
jp_infer_array_binop(ictx *c, jp_node *n, jp_binop op, jp_type *a, jp_type *b)
{
    jp_type *dt;
    int nd = ndim_of(a) > ndim_of(b) ? ndim_of(a) : ndim_of(b);
    if (op == OP_MATMUL)
        return dot_type(c, n, a, b);
    if ((!jp_is_array(a) && !jp_is_number(a)) || (!jp_is_array(b) && !jp_is_number(b))
        || (dt = result_dtype(op, a, b)) == NULL)
        return jp_error_at(JpTypingError, c->ir, n, NULL,
                           "unsupported operand types for an array operation: %s and %s",
                           a->name, b->name);
    return jp_type_array(dt, nd, 'C', 0);
}

jp_type *
jp_infer_array_unary(ictx *c, jp_node *n, jp_unop op, jp_type *a)
{
    if (op == UOP_NOT)
        return jp_error_at(JpTypingError, c->ir, n, "use np.logical_not or compare explicitly",
                           "the truth value of an array is ambiguous");
    if (op == UOP_INVERT && a->dtype->kind != JP_INT && a->dtype->kind != JP_BOOL)
        return jp_error_at(JpTypingError, c->ir, n, NULL, "~ needs an integer or bool array");
    if (!rank(a->dtype))
        return jp_error_at(JpTypingError, c->ir, n, NULL, "arithmetic on %s", a->name);
    return jp_type_array(a->dtype->kind == JP_BOOL && op == UOP_NEG ? jp_type_int(64, 1) : a->dtype,
                         a->ndim, 'C', 0);
}

jp_type *
jp_infer_array_compare(ictx *c, jp_node *n, jp_type *a, jp_type *b)
{
    int nd = ndim_of(a) > ndim_of(b) ? ndim_of(a) : ndim_of(b);
    jp_cmpop op = n->u.compare.ops[0];
    if (!rank(elem_of(a)) || !rank(elem_of(b)) || op == CMP_IS || op == CMP_ISNOT
        || op == CMP_IN || op == CMP_NOTIN)
        return jp_error_at(JpTypingError, c->ir, n, NULL, "cannot compare %s and %s", a->name, b->name);
    return jp_type_array(jp_type_bool(), nd, 'C', 0);
}

/* ---- indexing ------------------------------------------------------------------ */

static int
is_intlike(jp_type *t)
{
    return t->kind == JP_INT || t->kind == JP_BOOL;
}

static jp_type *
record_field(ictx *c, jp_node *n, jp_type *rec, const char *field)
{
    jp_type *r = rec->dtype;
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->field_names[i], field) == 0)
            return r->elems[i];
    return jp_error_at(JpTypingError, c->ir, n, NULL, "the record %s has no field '%s'", r->name, field);
}

jp_type *
jp_infer_subscript(ictx *c, jp_node *n, jp_type *v)
{
    jp_node *idx = n->u.subscript.index;
    jp_node **items = &idx;
    int nitems = 1, nints = 0, nslices = 0, layout_ok;
    char layout;

    if (v->kind == JP_RECORD_REF) {
        if (idx->kind != E_STR)
            return jp_error_at(JpTypingError, c->ir, idx, "index a record with a constant field name",
                               "a record is indexed by a field name");
        return record_field(c, n, v, idx->u.str.text);
    }
    if (idx->kind == E_TUPLE) {
        items = idx->u.tuple.elts;
        nitems = idx->u.tuple.n;
        jp_irecord(c, idx, jp_type_none());
    } else {
        /* a tuple value as the index: a[t] with t = (i, j) */
        jp_type *it = jp_ioperand(c, idx);
        if (it == NULL || UNKNOWN(it))
            return it;
        if (it->kind == JP_TUPLE) {
            for (int i = 0; i < it->n; i++)
                if (!is_intlike(it->elems[i]))
                    return jp_error_at(JpTypingError, c->ir, idx, NULL,
                                       "an index tuple must hold integers, not %s", it->name);
            if (it->n > v->ndim)
                return jp_error_at(JpTypingError, c->ir, n, NULL,
                                   "too many indices for an array of %d dimensions: %d given", v->ndim, it->n);
            if (it->n == v->ndim)
                return v->dtype->kind == JP_RECORD ? jp_type_record_ref(v->dtype) : v->dtype;
            return jp_type_array(v->dtype, v->ndim - it->n, v->layout == 'C' ? 'C' : 'A', v->readonly);
        }
    }
    for (int i = 0; i < nitems; i++) {
        jp_type *t = jp_ioperand(c, items[i]);
        if (t == NULL)
            return NULL;
        if (UNKNOWN(t))
            return t;
        if (t->kind == JP_SLICE)
            nslices++;
        else if (is_intlike(t))
            nints++;
        else if (t->kind == JP_ARRAY || t->kind == JP_NONE || t->kind == JP_ELLIPSIS || t->kind == JP_LIST)
            continue;   /* advanced indexing, None / np.newaxis, ...: infer_fancy.c */
        else
            return jp_error_at(JpTypingError, c->ir, items[i], NULL,
                               "array indices must be integers or slices, not %s", t->name);
    }
    if (jp_infer_is_fancy(c, items, nitems))
        return jp_infer_fancy_subscript(c, n, v, items, nitems);
    if (nitems > v->ndim)
        return jp_error_at(JpTypingError, c->ir, n, NULL,
                           "too many indices for an array of %d dimension%s: %d given",
                           v->ndim, v->ndim == 1 ? "" : "s", nitems);
    if (nints == v->ndim)
        return v->dtype->kind == JP_RECORD ? jp_type_record_ref(v->dtype) : v->dtype;
    /* a view: C order survives ints first, then at most one stepless slice
     * followed by full slices (and the untouched trailing dimensions) */
    layout_ok = v->layout == 'C';
    {
        int seen_slice = 0;
        for (int i = 0; i < nitems && layout_ok; i++) {
            jp_node *it = items[i];
            if (it->kind == E_SLICE) {
                if (it->u.slice.step)
                    layout_ok = 0;
                if (seen_slice && (it->u.slice.lower || it->u.slice.upper))
                    layout_ok = 0;
                seen_slice = 1;
            } else if (seen_slice) {
                layout_ok = 0;
            }
        }
    }
    layout = layout_ok ? 'C' : 'A';
    return jp_type_array(v->dtype, v->ndim - nints, layout, v->readonly);
}

jp_type *
jp_infer_iter_element(ictx *c, jp_node *iter, jp_type *t)
{
    (void)c;
    (void)iter;
    if (t->ndim == 0)
        return jp_error_at(JpTypingError, c->ir, iter, NULL, "iteration over a 0-d array");
    if (t->ndim == 1)
        return t->dtype->kind == JP_RECORD ? jp_type_record_ref(t->dtype) : t->dtype;
    return jp_type_array(t->dtype, t->ndim - 1, t->layout == 'C' ? 'C' : 'A', t->readonly);
}

jp_type *
jp_infer_attr(ictx *c, jp_node *n, jp_type *a)
{
    const char *name = n->u.attr.name;
    if (a->kind == JP_RECORD_REF)
        return record_field(c, n, a, name);
    if (strcmp(name, "shape") == 0 || strcmp(name, "strides") == 0) {
        jp_type *elems[32];
        for (int i = 0; i < a->ndim; i++)
            elems[i] = jp_type_int(64, 1);
        return jp_type_tuple(a->ndim, elems);
    }
    if (strcmp(name, "ndim") == 0 || strcmp(name, "size") == 0 || strcmp(name, "itemsize") == 0
        || strcmp(name, "nbytes") == 0)
        return jp_type_int(64, 1);
    if (strcmp(name, "T") == 0)
        return jp_type_array(a->dtype, a->ndim, a->layout == 'C' && a->ndim > 1 ? 'F'
                             : a->layout == 'F' ? 'C' : a->layout, a->readonly);
    if (strcmp(name, "dtype") == 0)
        return jp_type_dtype(a->dtype);
    if ((strcmp(name, "real") == 0 || strcmp(name, "imag") == 0) && a->dtype->kind == JP_COMPLEX)
        return jp_type_array(jp_type_float(a->dtype->bits / 2), a->ndim, 'A', a->readonly);  /* a view */
    if ((strcmp(name, "real") == 0 || strcmp(name, "imag") == 0) && a->dtype->kind != JP_COMPLEX)
        return strcmp(name, "real") == 0 ? a : jp_error_at(JpTypingError, c->ir, n, NULL,
                                                           ".imag of a real array is not supported");
    if (strcmp(name, "flat") == 0)
        return jp_error_at(JpTypingError, c->ir, n, "loop over it: for v in a.flat",
                           "a.flat is supported only as the iterable of a for loop in jit code");
    return jp_error_at(JpTypingError, c->ir, n, NULL, "%s has no attribute '%s' in jit code",
                       a->name, name);
}

jp_type *
jp_infer_dtype_arg(ictx *c, jp_node *n)
{
    jp_type *t;
    if (n->kind == E_CALLEE && n->u.callee.kind == CALLEE_BUILTIN) {
        switch (n->u.callee.id) {
        case B_INT: return jp_type_int(64, 1);
        case B_FLOAT: return jp_type_float(64);
        case B_COMPLEX: return jp_type_complex(128);
        case B_BOOL: return jp_type_bool();
        default: break;
        }
    }
    if (n->kind == E_STR) {
        t = jp_parse_type(n->u.str.text);
        if (t == NULL) {
            PyErr_Clear();
            return jp_error_at(JpTypingError, c->ir, n, NULL, "unknown dtype '%s'", n->u.str.text);
        }
        return t;
    }
    t = jp_ioperand(c, n);
    if (t == NULL)
        return NULL;
    if (t->kind == JP_DTYPE && (jp_is_number(t->dtype) || t->dtype->kind == JP_RECORD))
        return t->dtype;
    if (t->kind == JP_DTYPE)    /* a container type (typed Dict.empty's key_type=) is no dtype */
        return jp_error_at(JpTypingError, c->ir, n, "pass np.float64, np.int32, float, ...",
                           "expected a dtype, got the type %s", t->dtype->name);
    return jp_error_at(JpTypingError, c->ir, n, "pass np.float64, np.int32, float, ...",
                       "expected a dtype, got %s", t->name);
}

/* ---- calls: NumPy functions and array methods ---------------------------------- */

/* Argument `pos` or keyword `kw` of a call, or NULL. */
static jp_node *
arg_of(jp_node *call, int pos, const char *kw)
{
    if (pos >= 0 && pos < call->u.call.nargs)
        return call->u.call.args[pos];
    for (int i = 0; kw && i < call->u.call.nkw; i++)
        if (strcmp(call->u.call.kwnames[i], kw) == 0)
            return call->u.call.kwvalues[i];
    return NULL;
}

static int
check_keywords(ictx *c, jp_node *call, const char *fname, const char *const *allowed)
{
    for (int i = 0; i < call->u.call.nkw; i++) {
        int ok = 0;
        for (const char *const *a = allowed; a && *a; a++)
            if (strcmp(*a, call->u.call.kwnames[i]) == 0)
                ok = 1;
        if (!ok) {
            jp_error_at(JpTypingError, c->ir, call->u.call.kwvalues[i], NULL,
                        "%s() got an unsupported keyword argument '%s' in jit code", fname,
                        call->u.call.kwnames[i]);
            return -1;
        }
    }
    return 0;
}

/* The ndim a shape argument gives: an int (1) or a tuple of ints (k). */
static int
shape_ndim(ictx *c, jp_node *shape_node, jp_type *t)
{
    if (is_intlike(t))
        return 1;
    if (t->kind == JP_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (!is_intlike(t->elems[i]))
                goto bad;
        return t->n;
    }
bad:
    jp_error_at(JpTypingError, c->ir, shape_node, NULL,
                "a shape must be an int or a tuple of ints, not %s", t->name);
    return -1;
}

static jp_type *
unary_result(jp_np_id id, jp_type *e)
{
    if (id >= NP_FIRST_MORE_UFUNC)
        return jp_np_more_ufunc_result(id, e, NULL);      /* lower_np_ufunc.c */
    switch (id) {
    case NP_ISNAN: case NP_ISINF: case NP_ISFINITE:
        return jp_type_bool();
    case NP_ABS: case NP_ABSOLUTE:
        if (e->kind == JP_COMPLEX)
            return jp_type_float(e->bits / 2);
        return e->kind == JP_BOOL ? e : e;
    case NP_NEGATIVE: case NP_SQUARE:
        return e->kind == JP_BOOL ? jp_type_int(64, 1) : e;
    case NP_FLOOR: case NP_CEIL: case NP_TRUNC:
        if (e->kind == JP_COMPLEX)
            return NULL;
        return e->kind == JP_BOOL ? jp_type_int(8, 1) : e;      /* NumPy 2 keeps integer dtypes */
    default:
        if (e->kind == JP_FLOAT || e->kind == JP_COMPLEX)
            return e;
        return jp_np_float_loop(e);
    }
}

static jp_type *
reduce_result(jp_np_id id, jp_type *e)
{
    switch (id) {
    case NP_ARGMIN: case NP_ARGMAX:
        return jp_type_int(64, 1);
    case NP_SUM: case NP_PROD:
        if (e->kind == JP_BOOL || (e->kind == JP_INT && e->is_signed))
            return jp_type_int(64, 1);
        if (e->kind == JP_INT)
            return jp_type_int(64, 0);
        return e;
    case NP_MEAN: case NP_VAR: case NP_STD:
        if (e->kind == JP_FLOAT)
            return e;
        if (e->kind == JP_COMPLEX)
            return id == NP_MEAN ? e : jp_type_float(e->bits / 2);
        return jp_type_float(64);
    default:
        return e;
    }
}

static jp_type *
reduce_type(ictx *c, jp_node *call, jp_np_id id, jp_type *a, jp_node *axis_node)
{
    jp_type *r;
    if (a->kind != JP_ARRAY || !rank(a->dtype))
        return jp_error_at(JpTypingError, c->ir, call, NULL, "%s() needs a numeric array, not %s",
                           jp_np_table[id].name, a->name);
    r = reduce_result(id == NP_AMIN ? NP_MIN : id == NP_AMAX ? NP_MAX : id, a->dtype);
    if (axis_node == NULL || (axis_node->kind == E_CONST && axis_node->u.cnst.type->kind == JP_NONE))
        return r;
    {
        long long axis;
        if (axis_node->kind == E_CONST && axis_node->u.cnst.type->kind == JP_INT)
            axis = axis_node->u.cnst.v.i;
        else if (axis_node->kind == E_UNARY && axis_node->u.unary.op == UOP_NEG
                 && axis_node->u.unary.operand->kind == E_CONST)
            axis = -axis_node->u.unary.operand->u.cnst.v.i;
        else {
            /* an axis known at run time: the result still has ndim - 1 dimensions */
            jp_type *at = jp_ioperand(c, axis_node);
            if (at == NULL)
                return NULL;
            if (!is_intlike(at))
                return jp_error_at(JpTypingError, c->ir, axis_node, NULL, "axis must be an integer, not %s", at->name);
            return a->ndim == 1 ? r : jp_type_array(r, a->ndim - 1, 'C', 0);
        }
        if (axis < -a->ndim || axis >= a->ndim)
            return jp_error_at(JpTypingError, c->ir, axis_node, NULL,
                               "axis %lld is out of bounds for an array of dimension %d", axis, a->ndim);
        jp_irecord(c, axis_node, jp_type_int(64, 1));
        if (a->ndim == 1)
            return r;
        return jp_type_array(r, a->ndim - 1, 'C', 0);
    }
}

static jp_type *
random_type(ictx *c, jp_node *call, jp_np_id id)
{
    jp_node *size = NULL;
    jp_type *elem = jp_type_float(64), *t;
    int nd = 0;
    static const char *const kws_normal[] = {"loc", "scale", "size", NULL};
    static const char *const kws_uniform[] = {"low", "high", "size", NULL};
    static const char *const kws_randint[] = {"low", "high", "size", "dtype", NULL};
    static const char *const kws_size[] = {"size", NULL};

    for (int i = 0; i < call->u.call.nargs; i++)
        if ((t = jp_ioperand(c, call->u.call.args[i])) == NULL)
            return NULL;
    for (int i = 0; i < call->u.call.nkw; i++)
        if (strcmp(call->u.call.kwnames[i], "dtype") != 0
            && jp_ioperand(c, call->u.call.kwvalues[i]) == NULL)
            return NULL;
    switch (id) {
    case NP_RANDOM_SEED:
        if (call->u.call.nargs != 1 || !is_intlike(jp_ioperand(c, call->u.call.args[0])))
            return jp_error_at(JpTypingError, c->ir, call, NULL, "np.random.seed() takes one integer");
        return jp_type_none();
    case NP_RANDOM_RANDOM:
        if (check_keywords(c, call, "random", kws_size) < 0)
            return NULL;
        size = arg_of(call, 0, "size");
        break;
    case NP_RANDOM_RAND:
    case NP_RANDOM_RANDN:
        if (call->u.call.nkw || call->u.call.nargs > 32)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "rand/randn take dimensions");
        for (int i = 0; i < call->u.call.nargs; i++)
            if (!is_intlike(jp_ioperand(c, call->u.call.args[i])))
                return jp_error_at(JpTypingError, c->ir, call->u.call.args[i], NULL,
                                   "dimensions must be integers");
        return call->u.call.nargs ? jp_type_array(elem, call->u.call.nargs, 'C', 0) : elem;
    case NP_RANDOM_NORMAL:
        if (check_keywords(c, call, "normal", kws_normal) < 0)
            return NULL;
        size = arg_of(call, 2, "size");
        break;
    case NP_RANDOM_UNIFORM:
        if (check_keywords(c, call, "uniform", kws_uniform) < 0)
            return NULL;
        size = arg_of(call, 2, "size");
        break;
    case NP_RANDOM_RANDINT:
        if (check_keywords(c, call, "randint", kws_randint) < 0)
            return NULL;
        size = arg_of(call, 2, "size");
        elem = jp_type_int(64, 1);
        if (arg_of(call, -1, "dtype") && (elem = jp_infer_dtype_arg(c, arg_of(call, -1, "dtype"))) == NULL)
            return NULL;
        if (elem->kind != JP_INT)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "randint() needs an integer dtype");
        break;
    default:
        return jp_error_at(JpTypingError, c->ir, call, NULL, "np.random.%s is not supported in jit code",
                           jp_np_table[id].name);
    }
    if (size == NULL || (size->kind == E_CONST && size->u.cnst.type->kind == JP_NONE))
        return elem;
    if ((t = jp_ioperand(c, size)) == NULL || (nd = shape_ndim(c, size, t)) < 0)
        return NULL;
    return jp_type_array(elem, nd, 'C', 0);
}

static jp_type *
numpy_call(ictx *c, jp_node *call, jp_np_id id, jp_node *self_arg)
{
    const jp_np_fn *fn = &jp_np_table[id];
    jp_type *at[8] = {0}, *t, *dt;
    int nargs = call->u.call.nargs + (self_arg != NULL);
    jp_node *args[8];
    static const char *const kws_dtype[] = {"dtype", NULL};
    static const char *const kws_fill[] = {"fill_value", "dtype", NULL};
    static const char *const kws_axis[] = {"axis", NULL};
    static const char *const kws_ddof[] = {"axis", "ddof", NULL};
    static const char *const kws_linspace[] = {"num", "endpoint", NULL};

    if (fn->kind == NPK_RANDOM)
        return random_type(c, call, id);
    if (nargs > 8)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "too many arguments");
    {
        int k = 0;
        if (self_arg)
            args[k++] = self_arg;
        for (int i = 0; i < call->u.call.nargs; i++)
            args[k++] = call->u.call.args[i];
    }
    for (int i = 0; i < nargs; i++) {
        if ((at[i] = jp_ioperand(c, args[i])) == NULL)
            return NULL;
        if (UNKNOWN(at[i]))
            return at[i];
    }
    switch (fn->kind) {
    case NPK_CREATE: {
        int nd;
        jp_node *dtn = arg_of(call, -1, "dtype"), *fill = NULL;
        if (check_keywords(c, call, fn->name, id == NP_FULL ? kws_fill : kws_dtype) < 0)
            return NULL;
        if (nargs < 1)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "%s() needs a shape", fn->name);
        if ((nd = shape_ndim(c, args[0], at[0])) < 0)
            return NULL;
        if (id == NP_FULL) {
            fill = nargs > 1 ? args[1] : arg_of(call, -1, "fill_value");
            if (fill == NULL)
                return jp_error_at(JpTypingError, c->ir, call, NULL, "full() needs a fill value");
            if ((t = jp_ioperand(c, fill)) == NULL)
                return NULL;
            if (!rank(t))
                return jp_error_at(JpTypingError, c->ir, fill, NULL, "fill value of type %s", t->name);
            dt = t;
            if (nargs > 2)
                dtn = args[2];
        } else {
            dt = jp_type_float(64);
            if (nargs > 1)
                dtn = args[1];
        }
        if (dtn && (dt = jp_infer_dtype_arg(c, dtn)) == NULL)
            return NULL;
        return jp_type_array(dt, nd, 'C', 0);
    }
    case NPK_CREATE_LIKE: {
        jp_node *dtn = arg_of(call, -1, "dtype");
        if (check_keywords(c, call, fn->name, id == NP_FULL_LIKE ? kws_fill : kws_dtype) < 0)
            return NULL;
        if (nargs < 1 || at[0]->kind != JP_ARRAY)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "%s() needs an array", fn->name);
        dt = at[0]->dtype;
        if (id == NP_FULL_LIKE && nargs < 2 && !arg_of(call, -1, "fill_value"))
            return jp_error_at(JpTypingError, c->ir, call, NULL, "full_like() needs a fill value");
        if (id == NP_FULL_LIKE && nargs > 2)
            dtn = args[2];
        if (id != NP_FULL_LIKE && nargs > 1)
            dtn = args[1];
        if (dtn && (dt = jp_infer_dtype_arg(c, dtn)) == NULL)
            return NULL;
        return jp_type_array(dt, at[0]->ndim, 'C', 0);
    }
    case NPK_ARANGE: {
        jp_node *dtn = arg_of(call, -1, "dtype");
        if (check_keywords(c, call, fn->name, kws_dtype) < 0)
            return NULL;
        if (nargs < 1 || nargs > 3)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "arange() takes 1 to 3 numbers");
        dt = jp_type_int(64, 1);
        for (int i = 0; i < nargs; i++) {
            if (!rank(at[i]) || at[i]->kind == JP_COMPLEX)
                return jp_error_at(JpTypingError, c->ir, args[i], NULL, "arange() of %s", at[i]->name);
            if (at[i]->kind == JP_FLOAT)
                dt = jp_type_float(64);
        }
        if (dtn && (dt = jp_infer_dtype_arg(c, dtn)) == NULL)
            return NULL;
        return jp_type_array(dt, 1, 'C', 0);
    }
    case NPK_LINSPACE:
        if (check_keywords(c, call, fn->name, kws_linspace) < 0)
            return NULL;
        if (nargs < 2 || !rank(at[0]) || !rank(at[1]) || at[0]->kind == JP_COMPLEX || at[1]->kind == JP_COMPLEX)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "linspace(start, stop, num) needs real numbers");
        {
            jp_node *num = nargs > 2 ? args[2] : arg_of(call, -1, "num");
            jp_node *ep = arg_of(call, -1, "endpoint");
            if (num && ((t = jp_ioperand(c, num)) == NULL || !is_intlike(t)))
                return t ? jp_error_at(JpTypingError, c->ir, num, NULL, "num must be an integer") : NULL;
            if (ep && (t = jp_ioperand(c, ep)) == NULL)
                return NULL;
        }
        return jp_type_array(jp_type_float(64), 1, 'C', 0);
    case NPK_COPY:
        if (nargs != 1 || at[0]->kind != JP_ARRAY)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "copy() needs an array");
        return jp_type_array(at[0]->dtype, at[0]->ndim, 'C', 0);
    case NPK_UNARY:
        if (nargs != 1 || call->u.call.nkw)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "np.%s() takes one argument in jit code", fn->name);
        if (!rank(elem_of(at[0])) || (t = unary_result(id, elem_of(at[0]))) == NULL)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "np.%s() of %s", fn->name, at[0]->name);
        return at[0]->kind == JP_ARRAY ? jp_type_array(t, at[0]->ndim, 'C', 0) : t;
    case NPK_BINARY: {
        jp_type *ea, *eb;
        int nd;
        if (nargs != 2 || call->u.call.nkw)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "np.%s() takes two arguments in jit code", fn->name);
        ea = elem_of(at[0]);
        eb = elem_of(at[1]);
        if (!rank(ea) || !rank(eb))
            return jp_error_at(JpTypingError, c->ir, call, NULL, "np.%s() of %s and %s", fn->name,
                               at[0]->name, at[1]->name);
        if (jp_is_array(at[0]) && jp_is_array(at[1]))
            t = jp_np_promote(ea, eb);
        else if (jp_is_array(at[0]))
            t = promote_with_scalar(ea, eb);
        else if (jp_is_array(at[1]))
            t = promote_with_scalar(eb, ea);
        else
            t = jp_np_promote(ea, eb);
        if (id >= NP_FIRST_MORE_UFUNC) {
            jp_type *r = jp_np_more_ufunc_result(id, t, t);     /* lower_np_ufunc.c */
            if (r == NULL)
                return jp_error_at(JpTypingError, c->ir, call, NULL, "np.%s() of %s and %s is not supported "
                                   "(NumPy has no loop for them)", fn->name, at[0]->name, at[1]->name);
            t = r;
        } else if (id == NP_ARCTAN2 || id == NP_HYPOT || id == NP_DIVIDE) {
            if (t->kind == JP_COMPLEX && id != NP_DIVIDE)
                return jp_error_at(JpTypingError, c->ir, call, NULL, "np.%s() of complex", fn->name);
            if (t->kind != JP_FLOAT && t->kind != JP_COMPLEX)
                t = id == NP_DIVIDE ? jp_type_float(64) : jp_np_float_loop(t);  /* NumPy: int16/int16 -> f8 */
        } else if (t->kind == JP_BOOL && (id == NP_POWER || id == NP_SUBTRACT)) {     /* add, multiply: bool */
            t = id == NP_POWER ? jp_type_int(8, 1) : jp_type_int(64, 1);    /* NumPy: power(?, ?) -> int8 */
        }
        nd = ndim_of(at[0]) > ndim_of(at[1]) ? ndim_of(at[0]) : ndim_of(at[1]);
        return nd ? jp_type_array(t, nd, 'C', 0) : t;
    }
    case NPK_WHERE: {
        int nd = 0;
        if (nargs == 1)
            return jp_infer_np_where1(c, call, at[0]);      /* lib_np_index.c */
        if (nargs != 3)
            return jp_error_at(JpTypingError, c->ir, call, "use where(cond, x, y)",
                               "np.where() takes one or three arguments");
        for (int i = 0; i < 3; i++)
            if (ndim_of(at[i]) > nd)
                nd = ndim_of(at[i]);
        if (!rank(elem_of(at[0])) || !rank(elem_of(at[1])) || !rank(elem_of(at[2])))
            return jp_error_at(JpTypingError, c->ir, call, NULL, "np.where() of non-numbers");
        if (jp_is_array(at[1]) == jp_is_array(at[2]))
            t = jp_np_promote(elem_of(at[1]), elem_of(at[2]));
        else if (jp_is_array(at[1]))
            t = promote_with_scalar(elem_of(at[1]), at[2]);
        else
            t = promote_with_scalar(elem_of(at[2]), at[1]);
        return nd ? jp_type_array(t, nd, 'C', 0) : t;
    }
    case NPK_REDUCE: {
        jp_node *axis = nargs > 1 ? args[1] : arg_of(call, -1, "axis");
        if (check_keywords(c, call, fn->name, (id == NP_VAR || id == NP_STD) ? kws_ddof : kws_axis) < 0)
            return NULL;
        if (nargs < 1)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "%s() needs an array", fn->name);
        {
            jp_node *ddof = arg_of(call, -1, "ddof");
            if (ddof && (t = jp_ioperand(c, ddof)) == NULL)
                return NULL;
        }
        return reduce_type(c, call, id, at[0], axis);
    }
    case NPK_DOT:
        if (nargs != 2)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "%s() takes two arrays", fn->name);
        return dot_type(c, call, at[0], at[1]);
    case NPK_SHAPE:
        if (nargs < 1 || at[0]->kind != JP_ARRAY)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "%s() needs an array", fn->name);
        if (id == NP_RAVEL)
            return jp_type_array(at[0]->dtype, 1, 'C', 0);
        if (id == NP_TRANSPOSE && nargs > 1) {
            /* transpose(a, axes) / a.transpose(axes) / a.transpose(i, j, k): a view, 'A' */
            int nd = 0;
            if (nargs == 2) {
                if ((nd = shape_ndim(c, args[1], at[1])) < 0)
                    return NULL;
            } else {
                for (int i = 1; i < nargs; i++)
                    if (!is_intlike(at[i]))
                        return jp_error_at(JpTypingError, c->ir, args[i], NULL, "transpose() axes must be integers");
                nd = nargs - 1;
            }
            if (nd != at[0]->ndim)
                return jp_error_at(JpTypingError, c->ir, call, "give one axis per dimension, e.g. (1, 0, 2)",
                                   "transpose(): axes don't match array (%d axes for a %d-d array)", nd, at[0]->ndim);
            return jp_type_array(at[0]->dtype, nd, nd == 1 ? at[0]->layout : 'A', at[0]->readonly);
        }
        if (id == NP_TRANSPOSE)
            return jp_type_array(at[0]->dtype, at[0]->ndim, at[0]->layout == 'C' && at[0]->ndim > 1 ? 'F'
                                 : at[0]->layout == 'F' ? 'C' : at[0]->layout, at[0]->readonly);
        {
            int nd = 0;
            if (nargs == 2) {
                if ((nd = shape_ndim(c, args[1], at[1])) < 0)
                    return NULL;
            } else {
                for (int i = 1; i < nargs; i++)
                    if (!is_intlike(at[i]))
                        return jp_error_at(JpTypingError, c->ir, args[i], NULL, "reshape() sizes must be integers");
                nd = nargs - 1;
            }
            if (nd == 0)
                return jp_error_at(JpTypingError, c->ir, call, NULL, "reshape() needs a shape");
            return jp_type_array(at[0]->dtype, nd, 'C', at[0]->readonly);
        }
    case NPK_ITER:
        return jp_error_at(JpTypingError, c->ir, call, "loop over it: for ... in np.%s(...)",
                           "np.%s() is supported only as the iterable of a for loop in jit code", fn->name);
    default:
        return jp_error_at(JpTypingError, c->ir, call, NULL, "np.%s is not supported", fn->name);
    }
}

jp_type *
jp_infer_numpy_call(ictx *c, jp_node *call)
{
    return numpy_call(c, call, (jp_np_id)call->u.call.func->u.callee.id, NULL);
}

jp_type *
jp_infer_method(ictx *c, jp_node *call, jp_type *recv)
{
    static const struct { const char *name; jp_np_id id; } methods[] = {
        {"sum", NP_SUM}, {"prod", NP_PROD}, {"min", NP_MIN}, {"max", NP_MAX}, {"mean", NP_MEAN},
        {"var", NP_VAR}, {"std", NP_STD}, {"argmin", NP_ARGMIN}, {"argmax", NP_ARGMAX},
        {"copy", NP_COPY}, {"ravel", NP_RAVEL}, {"flatten", NP_COPY}, {"reshape", NP_RESHAPE},
        {"transpose", NP_TRANSPOSE}, {"dot", NP_DOT},
    };
    jp_node *attr = call->u.call.func;
    const char *name = attr->u.attr.name;
    jp_irecord(c, attr, recv);
    if (jp_is_sort_method(name))
        return jp_infer_sort_method(c, call, recv);        /* lib_np_sort.c */
    if (strcmp(name, "flatten") == 0) {
        if (call->u.call.nargs || call->u.call.nkw)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "flatten() takes no arguments in jit code");
        return jp_type_array(recv->dtype, 1, 'C', 0);
    }
    if (strcmp(name, "astype") == 0) {
        jp_type *dt;
        if (call->u.call.nargs != 1)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "astype() takes a dtype");
        if ((dt = jp_infer_dtype_arg(c, call->u.call.args[0])) == NULL)
            return NULL;
        return jp_type_array(dt, recv->ndim, 'C', 0);
    }
    if (strcmp(name, "fill") == 0) {
        jp_type *t;
        if (call->u.call.nargs != 1 || (t = jp_ioperand(c, call->u.call.args[0])) == NULL)
            return call->u.call.nargs != 1 ? jp_error_at(JpTypingError, c->ir, call, NULL, "fill() takes a value") : NULL;
        if (recv->readonly)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "cannot write to a read-only array");
        if (!rank(t))
            return jp_error_at(JpTypingError, c->ir, call, NULL, "fill() with a %s", t->name);
        return jp_type_none();
    }
    if (strcmp(name, "reshape") == 0 && call->u.call.nargs == 1) {
        jp_type *t = jp_ioperand(c, call->u.call.args[0]);
        int nd;
        if (t == NULL || (nd = shape_ndim(c, call->u.call.args[0], t)) < 0)
            return NULL;
        return jp_type_array(recv->dtype, nd, 'C', recv->readonly);
    }
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].name, name) == 0)
            return numpy_call(c, call, methods[i].id, attr->u.attr.value);
    {
        int handled;
        jp_type *t = jp_infer_index_method(c, call, recv, &handled);   /* lib_np_index.c */
        if (handled)
            return t;
    }
    return jp_error_at(JpTypingError, c->ir, attr, NULL, "%s has no method '%s' in jit code",
                       recv->name, name);
}

/* ---- item assignment -------------------------------------------------------------- */

int
jp_infer_setitem(ictx *c, jp_node *s)
{
    jp_node *target = s->u.augassign.target;
    jp_type *tt, *vt, *base;
    if (s->kind == S_AUGASSIGN)
        vt = c->inst->node_types[s->id];
    else if ((vt = jp_ioperand(c, s->u.augassign.value)) == NULL)
        return -1;
    if (UNKNOWN(vt))
        return 0;
    if (target->kind == E_ATTR) {
        base = jp_ioperand(c, target->u.attr.value);
        if (base == NULL)
            return -1;
        if (UNKNOWN(base))
            return 0;
        if (base->kind == JP_CLASS) {
            int fi = -1;
            for (int i = 0; i < base->n; i++)
                if (strcmp(base->field_names[i], target->u.attr.name) == 0)
                    fi = i;
            if (fi < 0)
                return jp_infer_class_setter(c, s, base, vt);      /* a property (class_setter.c) */
            tt = base->elems[fi];
            jp_irecord(c, target, tt);
            if (tt->kind == JP_OPTIONAL && s->kind != S_AUGASSIGN)     /* infer_optional.c */
                vt = jp_infer_optional_keep(c, s->u.augassign.value, vt);
            if (!jp_type_can_convert(vt, tt) && !(tt->kind == JP_INT && vt->kind == JP_INT)) {
                jp_error_at(JpTypingError, c->ir, s, NULL, "cannot assign %s to field '%s' of type %s",
                            vt->name, target->u.attr.name, tt->name);
                return -1;
            }
            return 0;
        }
        if (base->kind != JP_RECORD_REF) {
            jp_error_at(JpUnsupportedError, c->ir, target, NULL,
                        "assignment to an attribute of a %s is not supported in jit code", base->name);
            return -1;
        }
        if ((tt = jp_ioperand(c, target)) == NULL)
            return -1;
    } else {
        base = jp_ioperand(c, target->u.subscript.value);
        if (base == NULL)
            return -1;
        if (UNKNOWN(base))
            return 0;
        if (base->kind == JP_TUPLE) {
            jp_error_at(JpTypingError, c->ir, target, NULL, "tuples are immutable: cannot assign to an item");
            return -1;
        }
        if (base->kind == JP_LIST)
            return jp_infer_list_setitem(c, s, base, vt);      /* lib_list.c */
        if (base->kind == JP_DICT)
            return jp_infer_dict_setitem(c, s, base, vt);      /* lib_dict.c */
        if (base->kind != JP_ARRAY && base->kind != JP_RECORD_REF) {
            jp_error_at(JpTypingError, c->ir, target, NULL, "a %s does not support item assignment", base->name);
            return -1;
        }
        if ((tt = jp_ioperand(c, target)) == NULL)
            return -1;
    }
    if (UNKNOWN(tt))
        return 0;
    if (base->kind == JP_ARRAY && base->readonly) {
        int global = target->kind == E_SUBSCRIPT && target->u.subscript.value->kind == E_ARRAYCONST;
        jp_error_at(JpTypingError, c->ir, target,
                    global ? "a global array is a constant frozen into the code: pass it as an argument to write to it"
                           : "copy it first (a.copy()), or pass a writeable array",
                    "cannot write to a read-only array (%s)", base->name);
        return -1;
    }
    if (tt->kind == JP_ARRAY) {
        /* a[1:3] = 0.0 or a[:, 0] = b: broadcast into the view */
        if (!rank(elem_of(vt)) || (vt->kind == JP_ARRAY && vt->ndim > tt->ndim)) {
            jp_error_at(JpTypingError, c->ir, s, NULL, "cannot assign %s to %s", vt->name, tt->name);
            return -1;
        }
        return 0;
    }
    if (!rank(vt) || !rank(tt) || (rank(vt) > rank(tt) && !(rank(vt) == 3 && rank(tt) == 2))) {
        if (rank(vt) == 4 && rank(tt) < 4) {
            jp_error_at(JpTypingError, c->ir, s, NULL,
                        "cannot store a complex value into an element of type %s", tt->name);
            return -1;
        }
        if (!rank(vt) || !rank(tt)) {
            jp_error_at(JpTypingError, c->ir, s, NULL, "cannot store a %s into an element of type %s",
                        vt->name, tt->name);
            return -1;
        }
    }
    return 0;
}
