/* gpu/device_module.h - the last steps every device target runs on its
 * linked module before codegen (device_module.c): only the entry stays
 * visible, then unused code goes and the O3 pipeline runs. */
#ifndef JP_GPU_DEVICE_MODULE_H
#define JP_GPU_DEVICE_MODULE_H

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

/* Give every defined function but keep, and every defined global,
 * internal linkage. */
void jp_device_internalise(LLVMModuleRef mod, const char *keep);

/* globaldce (drops the library functions nobody calls), then default<O3>,
 * vectorizer remarks quiet.  0, or -1 + RuntimeError "LLVM (what): ...". */
int jp_device_optimise(LLVMModuleRef mod, LLVMTargetMachineRef tm, const char *what);

#endif
