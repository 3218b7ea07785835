/* gpu/cuda/ptx.h - compiling a jitted function to PTX (ptx.c). */
#ifndef JP_CUDA_PTX_H
#define JP_CUDA_PTX_H

#include "jit/dispatcher.h"

/* PTX for `d` at argtypes, for compute capability cc (75 = sm_75).
 * kernel: add a kernel entry `entry_name` (return type must be none); a
 * device function (kernel 0) with an entry_name gets a C-ABI wrapper of
 * that name, without one only its Numba-ABI body is visible.  lineinfo:
 * .file/.loc directives mapping the PTX to the Python source.  Returns a
 * malloc'd PTX text and the return type, or NULL + a Python error. */
char *jp_cuda_compile(JpDispatcher *d, int nargs, jp_type **argtypes, int cc, int kernel,
                      const char *entry_name, int lineinfo, jp_type **ret);
/* Where libdevice was looked for, and whether it was found. */
const char *jp_cuda_libdevice_path(void);

#endif
