/* jit/np_unsupported.h - the hint for a NumPy name jit code cannot compile
 * (np_unsupported.c). */
#ifndef JP_NP_UNSUPPORTED_H
#define JP_NP_UNSUPPORTED_H

#include <Python.h>

/* NULL when value is not a NumPy function, ufunc or method (no error set) */
const char *jp_numpy_unsupported_hint(PyObject *value, const char *name);

#endif
