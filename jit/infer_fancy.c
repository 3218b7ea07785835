/* jit/infer_fancy.c - typing of NumPy's advanced indexing in jit code: one
 * integer-array (or list of ints) or boolean-mask index per subscript (Numba's rule), mixed
 * with ints and slices, and None / np.newaxis items (views with a new axis
 * of length 1).  jp_infer_subscript (infer_array.c) routes here any
 * subscript with an array, None or `...` item (the ellipsis stands for
 * as many full slices as the other items leave); lowering is lower_fancy.c. */
#include "jit/infer.h"
#include "jit/errors.h"

static int
is_intlike(jp_type *t)
{
    return t->kind == JP_INT || t->kind == JP_BOOL;
}

int
jp_infer_is_fancy(ictx *c, jp_node **items, int nitems)
{
    for (int i = 0; i < nitems; i++) {
        jp_type *t = c->inst->node_types[items[i]->id];
        if (t && (t->kind == JP_ARRAY || t->kind == JP_NONE || t->kind == JP_ELLIPSIS || t->kind == JP_LIST))
            return 1;
    }
    return 0;
}

jp_type *
jp_infer_fancy_subscript(ictx *c, jp_node *n, jp_type *v, jp_node **items, int nitems)
{
    int nadv = 0, consumed = 0, nnone = 0, nell = 0;
    for (int i = 0; i < nitems; i++) {
        jp_type *t = c->inst->node_types[items[i]->id];
        if (t->kind == JP_NONE) {
            nnone++;
        } else if (t->kind == JP_ELLIPSIS) {
            if (++nell > 1)
                return jp_error_at(JpTypingError, c->ir, items[i], NULL,
                                   "an index can only have a single ellipsis ('...')");
        } else if (t->kind == JP_SLICE || is_intlike(t)) {
            consumed++;
        } else if (t->kind == JP_LIST) {
            if (++nadv > 1)
                return jp_error_at(JpUnsupportedError, c->ir, items[i],
                                   "index one axis at a time, e.g. a[i][:, j], or loop over the index arrays",
                                   "more than one advanced (array) index in one subscript is not supported in jit code (as in Numba)");
            if (t->dtype->kind != JP_INT)
                return jp_error_at(JpTypingError, c->ir, items[i], "index with a list of ints or an array",
                                   "a list used as an index must hold integers, not %s", t->dtype->name);
            consumed++;
        } else if (t->kind == JP_ARRAY) {
            if (++nadv > 1)
                return jp_error_at(JpUnsupportedError, c->ir, items[i],
                                   "index one axis at a time, e.g. a[i][:, j], or loop over the index arrays",
                                   "more than one advanced (array) index in one subscript is not supported in jit code (as in Numba)");
            if (t->dtype->kind == JP_BOOL) {
                consumed += t->ndim;
            } else if (t->dtype->kind == JP_INT) {
                if (t->ndim != 1)
                    return jp_error_at(JpUnsupportedError, c->ir, items[i],
                                       "index with a 1-d integer array (idx.ravel()), then reshape the result",
                                       "indexing with a %d-d integer array is not supported in jit code", t->ndim);
                consumed++;
            } else {
                return jp_error_at(JpTypingError, c->ir, items[i], NULL,
                                   "arrays used as indices must be of integer or boolean type, not %s", t->name);
            }
        } else {
            return jp_error_at(JpTypingError, c->ir, items[i], NULL,
                               "array indices must be integers, slices, None or arrays, not %s", t->name);
        }
    }
    if (consumed > v->ndim)
        return jp_error_at(JpTypingError, c->ir, n, NULL,
                           "too many indices for an array of %d dimension%s: %d given",
                           v->ndim, v->ndim == 1 ? "" : "s", consumed);
    {
        int nints = 0, advdims = 0;
        for (int i = 0; i < nitems; i++) {
            jp_type *t = c->inst->node_types[items[i]->id];
            if (is_intlike(t))
                nints++;
            else if (t->kind == JP_ARRAY)
                advdims = t->dtype->kind == JP_BOOL ? t->ndim : 1;
            else if (t->kind == JP_LIST)
                advdims = 1;
        }
        if (nadv)
            return jp_type_array(v->dtype, v->ndim - nints - advdims + 1 + nnone, 'C', 0);
        return jp_type_array(v->dtype, v->ndim - nints + nnone, 'A', v->readonly);
    }
}
