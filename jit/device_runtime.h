/* jit/device_runtime.h - what a device image gets in place of the CPU
 * runtime (device_runtime.c). */
#ifndef JP_DEVICE_RUNTIME_H
#define JP_DEVICE_RUNTIME_H

#include "jit/target.h"

#include <llvm-c/Core.h>

/* After lowering s's instances into mod for device target t: define the
 * runtime helpers they call that device code can have; for one it cannot
 * (allocation, print, ...) raise UnsupportedError "... not supported in
 * <kernel_noun>" at the def of the function calling it.  0, or -1. */
int jp_device_runtime_define(LLVMModuleRef mod, const jp_target *t, jp_session *s);

#endif
