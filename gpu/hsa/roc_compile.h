/* gpu/hsa/roc_compile.h - compiling a jitted function to an AMD GPU code
 * object (roc_compile.c). */
#ifndef JP_HSA_ROC_COMPILE_H
#define JP_HSA_ROC_COMPILE_H

#include "gpu/hsa/isa.h"
#include "jit/dispatcher.h"

/* The code object (malloc'd, *len bytes) of `d` at argtypes for isa.
 * kernel: a kernel entry named `entry` (return type none); else a device
 * function, with a C-ABI wrapper named entry, or (entry NULL) only its
 * Numba-ABI body visible.  ir: when not NULL, receives the optimised LLVM
 * IR text (malloc'd).  NULL + Python error. */
char *jp_roc_compile(JpDispatcher *d, int nargs, jp_type **argtypes, const jp_roc_isa *isa, int kernel,
                     const char *entry, jp_type **ret, size_t *len, char **ir);

#endif
