/* gpu/targets.c - the device targets this build has: each is registered
 * with jit/'s target registry (jit/target.h) and adds its Python functions
 * to _core.  A new target is one more line in each list below. */
#include "jit/target.h"
#include "gpu/cuda/cuda_target.h"
#include "gpu/hsa/roc_target.h"

int
jp_device_targets_init(PyObject *m)
{
    jp_target_register(&jp_target_cuda);
    jp_target_register(&jp_target_roc);
    if (jp_cuda_module_init(m) < 0 || jp_roc_module_init(m) < 0 || jp_roc_runtime_module_init(m) < 0)
        return -1;
    return 0;
}
