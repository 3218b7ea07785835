/* gpu/hsa/infer_roc.c - typing of jitprofile.roc's intrinsics: work-item
 * and work-group ids and sizes, barriers and fences, shared arrays,
 * atomics: the roc target's infer_intrinsic hook.  jit/target.c calls it
 * only in a roc compile; elsewhere each is a TypingError there. */
#include "gpu/hsa/roc_intrinsics.h"
#include "gpu/hsa/roc_target.h"
#include "jit/errors.h"

#include <string.h>

jp_type *
jp_infer_roc_value(ictx *c, jp_node *n, const char *name)
{
    return jp_error_at(JpTypingError, c->ir, n, "call it", "roc.%s is a function", name);
}

static int
const_int(jp_node *n, long long *v)
{
    if (n->kind == E_CONST && (n->u.cnst.type->kind == JP_INT || n->u.cnst.type->kind == JP_BOOL)) {
        *v = n->u.cnst.v.i;
        return 1;
    }
    return 0;
}

static jp_node *
arg_or_kw(jp_node *call, int pos, const char *kw)
{
    if (pos < call->u.call.nargs)
        return call->u.call.args[pos];
    for (int i = 0; i < call->u.call.nkw; i++)
        if (strcmp(call->u.call.kwnames[i], kw) == 0)
            return call->u.call.kwvalues[i];
    return NULL;
}

/* The (constant) shape of a shared array: an int or a tuple of ints. */
static int
const_shape(ictx *c, jp_node *n)
{
    long long v;
    if (n->kind == E_TUPLE) {
        if (n->u.tuple.n < 1 || n->u.tuple.n > 8)
            return -1;
        for (int i = 0; i < n->u.tuple.n; i++)
            if (!const_int(n->u.tuple.elts[i], &v) || v < 0)
                return -1;
        jp_irecord(c, n, jp_type_none());
        return n->u.tuple.n;
    }
    return const_int(n, &v) && v >= 0 ? 1 : -1;
}

static int
is_dim_query(const char *name)
{
    static const char *names[] = {"get_global_id", "get_local_id", "get_group_id", "get_local_size",
                                  "get_global_size", "get_num_groups", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

jp_type *
jp_infer_roc_call(ictx *c, jp_node *call, const char *name)
{
    int nargs = call->u.call.nargs;
    if (is_dim_query(name)) {
        long long dim;
        if (nargs != 1 || call->u.call.nkw || !const_int(call->u.call.args[0], &dim) || dim < 0 || dim > 2)
            return jp_error_at(JpTypingError, c->ir, call, "write roc.get_global_id(0) for x, 1 for y, 2 for z",
                               "roc.%s() takes a constant dimension 0, 1 or 2", name);
        jp_irecord(c, call->u.call.args[0], jp_type_int(64, 1));
        return jp_type_int(64, 1);
    }
    if (strcmp(name, "get_work_dim") == 0) {
        if (nargs || call->u.call.nkw)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "roc.get_work_dim() takes no arguments");
        return jp_type_int(64, 1);
    }
    if (strcmp(name, "barrier") == 0 || strcmp(name, "mem_fence") == 0 || strcmp(name, "wavebarrier") == 0) {
        int most = strcmp(name, "wavebarrier") == 0 ? 0 : 1;
        if (nargs > most || call->u.call.nkw)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "roc.%s() takes %s", name,
                               most ? "at most one argument (the CLK_*_MEM_FENCE flags)" : "no arguments");
        for (int i = 0; i < nargs; i++) {
            jp_type *ft = jp_ioperand(c, call->u.call.args[i]);
            if (ft == NULL)
                return NULL;
            if (!UNKNOWN(ft) && ft->kind != JP_INT)
                return jp_error_at(JpTypingError, c->ir, call->u.call.args[i], NULL,
                                   "roc.%s(flags): the flags are an int (roc.CLK_GLOBAL_MEM_FENCE ...), not %s",
                                   name, ft->name);
        }
        return jp_type_none();
    }
    if (strcmp(name, "shared.array") == 0) {
        jp_node *shape = arg_or_kw(call, 0, "shape"), *dtype = arg_or_kw(call, 1, "dtype");
        int nd;
        jp_type *dt;
        if (shape == NULL || dtype == NULL)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "roc.shared.array(shape, dtype)");
        if ((nd = const_shape(c, shape)) < 0)
            return jp_error_at(JpTypingError, c->ir, shape, "write the shape as numbers",
                               "the shape of roc.shared.array must be a constant int or tuple of ints");
        if ((dt = jp_infer_dtype_arg(c, dtype)) == NULL)
            return NULL;
        if (!jp_is_number(dt))
            return jp_error_at(JpTypingError, c->ir, dtype, NULL, "roc.shared.array of %s", dt->name);
        return jp_type_array(dt, nd, 'C', 0);
    }
    if (strncmp(name, "atomic.", 7) == 0) {
        int want = strcmp(name, "atomic.cas") == 0 ? 4 : 3;
        jp_type *at, *it;
        if (nargs != want)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "roc.%s() takes %d arguments", name, want);
        if ((at = jp_ioperand(c, call->u.call.args[0])) == NULL || (it = jp_ioperand(c, call->u.call.args[1])) == NULL)
            return NULL;
        for (int i = 2; i < want; i++)
            if (jp_ioperand(c, call->u.call.args[i]) == NULL)
                return NULL;
        if (UNKNOWN(at) || UNKNOWN(it))
            return jp_type_unknown();
        if (at->kind != JP_ARRAY || !jp_is_number(at->dtype) || at->dtype->kind == JP_COMPLEX
            || at->dtype->kind == JP_BOOL)
            return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], NULL,
                               "roc.%s() needs an integer or float array, not %s", name, at->name);
        if (!(it->kind == JP_INT || (it->kind == JP_TUPLE && it->n == at->ndim)) || (it->kind == JP_INT && at->ndim != 1))
            return jp_error_at(JpTypingError, c->ir, call->u.call.args[1], NULL,
                               "roc.%s(): index a %dd array with %d integer(s)", name, at->ndim, at->ndim);
        if (at->dtype->kind == JP_FLOAT && strcmp(name, "atomic.cas") == 0)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "roc.atomic.cas() needs an integer array");
        return at->dtype;
    }
    return jp_error_at(JpTypingError, c->ir, call, NULL, "roc.%s is not supported in jit code", name);
}

jp_type *
jp_roc_infer_intrinsic(ictx *c, jp_node *n, int call)
{
    if (call)
        return jp_infer_roc_call(c, n, n->u.call.func->u.callee.name);
    return jp_infer_roc_value(c, n, n->u.callee.name);
}
