/* gpu/cuda/infer_cuda.c - typing of jitprofile.cuda's intrinsics:
 * thread/block indices, cuda.grid/gridsize, syncthreads, shared and local
 * arrays, atomics: the CUDA target's infer_intrinsic hook.  jit/target.c
 * calls it only in a CUDA compile; elsewhere each is a TypingError there. */
#include "gpu/cuda/cuda_target.h"
#include "jit/infer.h"
#include "jit/errors.h"

#include <string.h>

static jp_type *
jp_infer_cuda_value(ictx *c, jp_node *n)
{
    const char *id = n->u.callee.name;
    if (strncmp(id, "sreg:", 5) != 0)
        return jp_error_at(JpTypingError, c->ir, n, "call it", "cuda.%s is a function", id);
    return jp_type_int(64, 1);
}

static long long
const_int_arg(jp_node *n, int *ok)
{
    *ok = 1;
    if (n->kind == E_CONST && (n->u.cnst.type->kind == JP_INT || n->u.cnst.type->kind == JP_BOOL))
        return n->u.cnst.v.i;
    *ok = 0;
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

/* The (constant) shape of a shared/local array: an int or a tuple of ints. */
static int
const_shape(ictx *c, jp_node *n, long long *dims)
{
    int ok;
    if (n->kind == E_TUPLE) {
        if (n->u.tuple.n < 1 || n->u.tuple.n > 8)
            return -1;
        for (int i = 0; i < n->u.tuple.n; i++) {
            dims[i] = const_int_arg(n->u.tuple.elts[i], &ok);
            if (!ok || dims[i] < 0)
                return -1;
        }
        jp_irecord(c, n, jp_type_none());
        return n->u.tuple.n;
    }
    dims[0] = const_int_arg(n, &ok);
    return ok && dims[0] >= 0 ? 1 : -1;
}

static jp_type *
jp_infer_cuda_call(ictx *c, jp_node *call)
{
    const char *id = call->u.call.func->u.callee.name;
    jp_type *t;
    if (strcmp(id, "grid") == 0 || strcmp(id, "gridsize") == 0) {
        int ok;
        long long nd = call->u.call.nargs == 1 ? const_int_arg(call->u.call.args[0], &ok) : (ok = 0);
        jp_type *elems[3] = {jp_type_int(64, 1), jp_type_int(64, 1), jp_type_int(64, 1)};
        if (!ok || nd < 1 || nd > 3)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "cuda.%s() takes a constant 1, 2 or 3", id);
        jp_irecord(c, call->u.call.args[0], jp_type_int(64, 1));
        return nd == 1 ? elems[0] : jp_type_tuple((int)nd, elems);
    }
    if (strcmp(id, "syncthreads") == 0 || strcmp(id, "threadfence") == 0 || strcmp(id, "syncwarp") == 0) {
        if (call->u.call.nargs)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "cuda.%s() takes no arguments", id);
        return jp_type_none();
    }
    if (strcmp(id, "shared.array") == 0 || strcmp(id, "local.array") == 0) {
        jp_node *shape = arg_or_kw(call, 0, "shape"), *dtype = arg_or_kw(call, 1, "dtype");
        long long dims[8];
        int nd;
        jp_type *dt;
        if (shape == NULL || dtype == NULL)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "cuda.%s(shape, dtype)", id);
        if ((nd = const_shape(c, shape, dims)) < 0)
            return jp_error_at(JpTypingError, c->ir, shape, "write the shape as numbers",
                               "the shape of cuda.%s must be a constant int or tuple of ints", id);
        if ((dt = jp_infer_dtype_arg(c, dtype)) == NULL)
            return NULL;
        if (!jp_is_number(dt))
            return jp_error_at(JpTypingError, c->ir, dtype, NULL, "cuda.%s of %s", id, dt->name);
        return jp_type_array(dt, nd, 'C', 0);
    }
    if (strncmp(id, "atomic.", 7) == 0) {
        int want = strcmp(id, "atomic.cas") == 0 ? 4 : 3;
        jp_type *at, *it, *vt;
        if (call->u.call.nargs != want)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "cuda.%s() takes %d arguments", id, want);
        if ((at = jp_ioperand(c, call->u.call.args[0])) == NULL || (it = jp_ioperand(c, call->u.call.args[1])) == NULL)
            return NULL;
        for (int i = 2; i < want; i++)
            if ((vt = jp_ioperand(c, call->u.call.args[i])) == NULL)
                return NULL;
        if (UNKNOWN(at) || UNKNOWN(it))
            return jp_type_unknown();
        if (at->kind != JP_ARRAY || !jp_is_number(at->dtype) || at->dtype->kind == JP_COMPLEX
            || at->dtype->kind == JP_BOOL)
            return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], NULL,
                               "cuda.%s() needs an integer or float array, not %s", id, at->name);
        if (!(it->kind == JP_INT || (it->kind == JP_TUPLE && it->n == at->ndim)) || (it->kind == JP_INT && at->ndim != 1))
            return jp_error_at(JpTypingError, c->ir, call->u.call.args[1], NULL,
                               "cuda.%s(): index a %dd array with %d integer(s)", id, at->ndim, at->ndim);
        if (at->dtype->kind == JP_FLOAT && (strcmp(id, "atomic.cas") == 0))
            return jp_error_at(JpTypingError, c->ir, call, NULL, "cuda.atomic.cas() needs an integer array");
        return at->dtype;
    }
    t = jp_error_at(JpTypingError, c->ir, call, NULL, "cuda.%s is not supported in jit code", id);
    return t;
}

jp_type *
jp_cuda_infer_intrinsic(ictx *c, jp_node *n, int call)
{
    return call ? jp_infer_cuda_call(c, n) : jp_infer_cuda_value(c, n);
}
