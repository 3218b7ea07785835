/* jit/lib_numba.c - functions of the jitprofile (numba) namespace itself that
 * jit code can call: get_thread_id(), the thread pool's number of the
 * calling thread (0 outside the workers, 1... for them). */
#include "jit/lib.h"

static jp_type *
type_thread_id(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    (void)c, (void)call, (void)fn, (void)args, (void)at, (void)nargs;
    return jp_type_int(64, 1);
}

static LLVMValueRef
lower_thread_id(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    (void)call, (void)fn, (void)args, (void)nargs;
    return jp_call_extern(c, "jp_pool_thread_id", LLVMInt64TypeInContext(c->ctx), NULL, 0);
}

const jp_lib_fn jp_lib_numba[] = {
    {"jitprofile", "get_thread_id", "", 0, 0, type_thread_id, lower_thread_id, 0, RW_NONE},
};
const int jp_lib_numba_count = (int)(sizeof jp_lib_numba / sizeof jp_lib_numba[0]);
