/* gpu/device_runtime.h - device definitions of the runtime helpers the
 * lowering calls (device_runtime.c), for every device target. */
#ifndef JP_GPU_DEVICE_RUNTIME_H
#define JP_GPU_DEVICE_RUNTIME_H

#include <Python.h>
#include <llvm-c/Core.h>

/* Define the jp_rt_* helpers mod declares that device code can have;
 * -1 + JpUnsupportedError "<what> is not supported in <kernel_noun>" for
 * the others.  kernel_noun: "CUDA kernels", "ROC kernels". */
int jp_device_runtime_define(LLVMModuleRef mod, const char *kernel_noun);

#endif
