/* jit/numpy_api.h - the one way C files include NumPy's C API.  The API
 * table is imported once, by jp_jit_module_init() (jit/jit_module.c). */
#ifndef JP_NUMPY_API_H
#define JP_NUMPY_API_H
#define PY_ARRAY_UNIQUE_SYMBOL JP_ARRAY_API
#define PY_UFUNC_UNIQUE_SYMBOL JP_UFUNC_API
#ifndef JP_IMPORT_NUMPY
#define NO_IMPORT_ARRAY
#define NO_IMPORT_UFUNC
#endif
#include <numpy/arrayobject.h>
#include <numpy/ufuncobject.h>

/* Load NumPy's C API if NumPy is imported; 1 when usable. */
int jp_numpy_ready(void);
#endif
