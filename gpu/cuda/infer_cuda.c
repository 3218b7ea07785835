/* gpu/cuda/infer_cuda.c - typing of jitprofile.cuda's intrinsics:
 * thread/block indices, cuda.grid/gridsize, syncthreads, shared and local
 * arrays, atomics: the CUDA target's infer_intrinsic hook.  jit/target.c
 * calls it only in a CUDA compile; elsewhere each is a TypingError there. */
#include "gpu/cuda/cuda_target.h"
#include "gpu/device_intrinsics.h"
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

static jp_type *
jp_infer_cuda_call(ictx *c, jp_node *call)
{
    const char *id = call->u.call.func->u.callee.name;
    jp_type *t;
    if (strcmp(id, "grid") == 0 || strcmp(id, "gridsize") == 0) {
        long long nd = 0;
        int ok = call->u.call.nargs == 1 && jp_device_const_int(call->u.call.args[0], &nd);
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
    if (strcmp(id, "shared.array") == 0) {
        /* numba-cuda's dynamic shared memory is shape 0; here it would be an
         * empty static array that every index overruns: refuse it */
        jp_node *shape = jp_device_arg_or_kw(call, 0, "shape");
        long long n0;
        if (shape && jp_device_const_int(shape, &n0) && n0 == 0)
            return jp_error_at(JpUnsupportedError, c->ir, shape,
                               "give the array its size as a constant, e.g. cuda.shared.array(256, float32)",
                               "dynamic shared memory (cuda.shared.array(0, ...)) is not supported by "
                               "jitprofile.cuda yet");
    }
    if (strcmp(id, "shared.array") == 0 || strcmp(id, "local.array") == 0)
        return jp_device_infer_fixed_array(c, call, "cuda", id);
    if (strncmp(id, "atomic.", 7) == 0)
        return jp_device_infer_atomic(c, call, "cuda", id);
    t = jp_error_at(JpTypingError, c->ir, call, NULL, "cuda.%s is not supported in jit code", id);
    return t;
}

jp_type *
jp_cuda_infer_intrinsic(ictx *c, jp_node *n, int call)
{
    return call ? jp_infer_cuda_call(c, n) : jp_infer_cuda_value(c, n);
}
