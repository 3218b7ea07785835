/* gpu/device_entry.h - kernel and C-ABI entry points of a device image
 * (device_entry.c). */
#ifndef JP_GPU_DEVICE_ENTRY_H
#define JP_GPU_DEVICE_ENTRY_H

#include "jit/compiler.h"
#include "jit/debuginfo.h"

#include <llvm-c/Core.h>

/* void entry(args...) in calling convention cc (PTX 71, AMDGPU 91),
 * calling root; the kernel function. */
LLVMValueRef jp_device_add_kernel(LLVMModuleRef mod, jp_instance *root, const char *entry, jp_dbg *dbg, unsigned cc);
/* The same with every array argument's data pointer in address space
 * data_as (AMDGPU global, 1) in the kernel's signature, cast to flat for
 * root; data_as 0 is jp_device_add_kernel. */
LLVMValueRef jp_device_add_kernel_as(LLVMModuleRef mod, jp_instance *root, const char *entry, jp_dbg *dbg,
                                     unsigned cc, unsigned data_as);
/* What a device compile's check step does with the typed root: a kernel
 * must return nothing (else -1 + a TypingError naming the target, "CUDA"
 * or "ROC"); *ret receives root's return type.  0 or -1. */
int jp_device_check_return(jp_instance *root, int kernel, const char *target, jp_type **ret);
/* ret name(args...) in the C ABI around root. */
void jp_device_add_c_wrapper(LLVMModuleRef mod, jp_instance *root, const char *name, jp_dbg *dbg);

#endif
