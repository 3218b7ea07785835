/* gpu/hsa/infer_roc.c - typing of jitprofile.roc's intrinsics: work-item
 * and work-group ids and sizes, barriers and fences, shared and local arrays,
 * atomics: the roc target's infer_intrinsic hook.  jit/target.c calls it
 * only in a roc compile; elsewhere each is a TypingError there. */
#include "gpu/device_intrinsics.h"
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
        if (nargs != 1 || call->u.call.nkw || !jp_device_const_int(call->u.call.args[0], &dim) || dim < 0 || dim > 2)
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
    if (strcmp(name, "shared.array") == 0 || strcmp(name, "local.array") == 0)
        return jp_device_infer_fixed_array(c, call, "roc", name);
    if (strncmp(name, "atomic.", 7) == 0)
        return jp_device_infer_atomic(c, call, "roc", name);
    return jp_error_at(JpTypingError, c->ir, call, NULL, "roc.%s is not supported in jit code", name);
}

jp_type *
jp_roc_infer_intrinsic(ictx *c, jp_node *n, int call)
{
    if (call)
        return jp_infer_roc_call(c, n, n->u.call.func->u.callee.name);
    return jp_infer_roc_value(c, n, n->u.callee.name);
}
