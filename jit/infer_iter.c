/* jit/infer_iter.c - typing of the for-loop iterators of jit/iter.h:
 * recognises zip / .flat / np.ndenumerate / np.ndindex / np.nditer as the
 * iterable of a for loop and records their JP_ITER type.  Anywhere else
 * those forms are a TypingError naming the line (infer.c, infer_array.c). */
#include "jit/infer.h"
#include "jit/errors.h"
#include "jit/iter.h"
#include "jit/numpy_funcs.h"
#include "jit/resolve.h"

#include <string.h>

static const char *const kind_names[] = {"flat", "ndenumerate", "ndindex", "nditer", "zip"};

static jp_type *
scalar_of(jp_type *dtype)
{
    return dtype->kind == JP_RECORD ? jp_type_record_ref(dtype) : dtype;
}

static jp_type *
iter(jp_iter_kind kind, int n, jp_type **ops, jp_type *elem)
{
    if (elem == NULL)
        return NULL;
    return jp_type_iter((int)kind, kind_names[kind], n, ops, elem);
}

/* The type one zip operand yields per iteration. */
static jp_type *
zip_element(ictx *c, jp_node *n, jp_type *t)
{
    if (t->kind == JP_RANGE)
        return jp_type_int(64, 1);
    if (t->kind == JP_ITER && t->bits == IT_FLAT)
        return t->dtype;
    if (t->kind == JP_ARRAY)
        return jp_infer_iter_element(c, n, t);
    return jp_error_at(JpTypingError, c->ir, n, "zip arrays, ranges and a.flat",
                       "zip() of a %s is not supported in jit code", t->name);
}

static jp_type *
type_flat(ictx *c, jp_node *it, int *handled)
{
    jp_type *t = jp_ioperand(c, it->u.attr.value);
    if (t == NULL || UNKNOWN(t))
        return t;
    if (t->kind != JP_ARRAY) {
        *handled = 0;
        return NULL;
    }
    return iter(IT_FLAT, 1, &t, scalar_of(t->dtype));
}

/* zip() whose operands are all arrays, ranges or a.flat is a counted
 * iterator here; any other operand (a list, a tuple, enumerate(...)) leaves
 * the whole zip to the indexable sources of lib_iter.c (*handled = 0). */
static int
zip_declines(jp_type *t)
{
    return !(t->kind == JP_RANGE || t->kind == JP_ARRAY || (t->kind == JP_ITER && t->bits == IT_FLAT));
}

static jp_type *
type_zip(ictx *c, jp_node *it, int *handled)
{
    jp_type *ops[16], *elems[16];
    int n = it->u.call.nargs;
    if (it->u.call.nkw)
        return jp_error_at(JpTypingError, c->ir, it, NULL, "zip() takes no keyword arguments in jit code");
    if (n < 1 || n > 16)
        return jp_error_at(JpTypingError, c->ir, it, NULL, "zip() of 1 to 16 iterables in jit code");
    for (int i = 0; i < n; i++) {
        jp_node *a = it->u.call.args[i];
        int inner = 0;
        jp_type *t;
        if (jp_is_iter_call(a)) {           /* zip(enumerate(x), ...): lib_iter.c's */
            *handled = 0;
            return NULL;
        }
        t = jp_infer_iterator(c, a, &inner);
        if (!inner)
            t = jp_ioperand(c, a);
        if (t == NULL || UNKNOWN(t))
            return t;
        if (zip_declines(t)) {
            *handled = 0;
            return NULL;
        }
        if ((elems[i] = zip_element(c, a, t)) == NULL)
            return NULL;
        ops[i] = t;
    }
    return iter(IT_ZIP, n, ops, jp_type_tuple(n, elems));
}

static jp_type *
type_numpy_iter(ictx *c, jp_node *it, jp_np_id id)
{
    jp_node **args = it->u.call.args;
    int nargs = it->u.call.nargs;
    jp_type *ops[16], *elems[32];
    if (it->u.call.nkw)
        return jp_error_at(JpTypingError, c->ir, it, NULL, "np.%s() takes no keyword arguments in jit code",
                           jp_np_table[id].name);
    if (id == NP_NDINDEX) {
        /* np.ndindex(3, 4) or np.ndindex((3, 4)) or np.ndindex(a.shape) */
        int nd = 0;
        if (nargs > 16)
            return jp_error_at(JpTypingError, c->ir, it, NULL, "np.ndindex() of at most 16 dimensions");
        for (int i = 0; i < nargs; i++) {
            jp_type *t = jp_ioperand(c, args[i]);
            if (t == NULL || UNKNOWN(t))
                return t;
            if (nargs == 1 && t->kind == JP_TUPLE) {
                for (int k = 0; k < t->n; k++)
                    if (t->elems[k]->kind != JP_INT && t->elems[k]->kind != JP_BOOL)
                        return jp_error_at(JpTypingError, c->ir, args[i], NULL,
                                           "np.ndindex() needs integer sizes, not %s", t->name);
                nd = t->n;
            } else if (t->kind == JP_INT || t->kind == JP_BOOL) {
                nd++;
            } else {
                return jp_error_at(JpTypingError, c->ir, args[i], NULL,
                                   "np.ndindex() needs integer sizes, not %s", t->name);
            }
            ops[i] = t;
        }
        for (int k = 0; k < nd; k++)
            elems[k] = jp_type_int(64, 1);
        return iter(IT_NDINDEX, nargs, ops, jp_type_tuple(nd, elems));
    }
    if (nargs != 1)
        return jp_error_at(JpTypingError, c->ir, it, NULL, "np.%s() takes one argument in jit code",
                           jp_np_table[id].name);
    if (id == NP_NDENUMERATE) {
        jp_type *t = jp_ioperand(c, args[0]), *pair[2];
        if (t == NULL || UNKNOWN(t))
            return t;
        if (t->kind != JP_ARRAY || t->ndim < 1)
            return jp_error_at(JpTypingError, c->ir, args[0], NULL,
                               "np.ndenumerate() needs an array of 1 or more dimensions, not %s", t->name);
        for (int k = 0; k < t->ndim; k++)
            elems[k] = jp_type_int(64, 1);
        pair[0] = jp_type_tuple(t->ndim, elems);
        pair[1] = scalar_of(t->dtype);
        return iter(IT_NDENUMERATE, 1, &t, jp_type_tuple(2, pair));
    }
    /* np.nditer(a) or np.nditer((a, b, c)): the operands' elements, broadcast */
    {
        jp_node *a = args[0];
        int n;
        if (a->kind == E_TUPLE) {
            n = a->u.tuple.n;
            if (n < 1 || n > 3)
                return jp_error_at(JpTypingError, c->ir, a, NULL, "np.nditer() of 1 to 3 operands in jit code");
            for (int i = 0; i < n; i++) {
                jp_type *t = jp_ioperand(c, a->u.tuple.elts[i]);
                if (t == NULL || UNKNOWN(t))
                    return t;
                ops[i] = t;
            }
            jp_irecord(c, a, jp_type_tuple(n, ops));
        } else {
            jp_type *t = jp_ioperand(c, a);
            if (t == NULL || UNKNOWN(t))
                return t;
            n = 1;
            ops[0] = t;
        }
        for (int i = 0; i < n; i++) {
            if (ops[i]->kind == JP_ARRAY && jp_is_number(ops[i]->dtype))
                elems[i] = ops[i]->dtype;
            else if (jp_is_number(ops[i]))
                elems[i] = ops[i];
            else
                return jp_error_at(JpTypingError, c->ir, a, "pass numeric arrays as a tuple: np.nditer((a, b))",
                                   "np.nditer() of a %s is not supported in jit code", ops[i]->name);
        }
        return iter(IT_NDITER, n, ops, n == 1 ? elems[0] : jp_type_tuple(n, elems));
    }
}

jp_type *
jp_infer_iterator(ictx *c, jp_node *it, int *handled)
{
    jp_type *t = NULL;
    *handled = 1;
    if (it->kind == E_ATTR && strcmp(it->u.attr.name, "flat") == 0) {
        t = type_flat(c, it, handled);
    } else if (it->kind == E_CALL && it->u.call.func->kind == E_CALLEE
               && it->u.call.func->u.callee.kind == CALLEE_BUILTIN && it->u.call.func->u.callee.id == B_ZIP) {
        t = type_zip(c, it, handled);
    } else if (it->kind == E_CALL && it->u.call.func->kind == E_CALLEE
               && it->u.call.func->u.callee.kind == CALLEE_NUMPY
               && jp_np_table[it->u.call.func->u.callee.id].kind == NPK_ITER) {
        t = type_numpy_iter(c, it, (jp_np_id)it->u.call.func->u.callee.id);
    } else {
        *handled = 0;
        return NULL;
    }
    if (t == NULL || !*handled)
        return t;
    return UNKNOWN(t) ? t : jp_irecord(c, it, t);
}
