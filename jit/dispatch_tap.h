/* jit/dispatch_tap.h - one optional observer of dispatcher calls: the data
 * profiler (profiler/argtap.c) sets it to record the arguments of jitted
 * functions, which run no Python frame a profile hook could see.  NULL (the
 * default) costs the call one load and a branch. */
#ifndef JP_DISPATCH_TAP_H
#define JP_DISPATCH_TAP_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Called with the GIL, before the compiled code runs, with the function's
 * Python original and its bound arguments args[0..n).  Must leave no
 * Python error set. */
typedef void (*jp_dispatch_tap_fn)(PyObject *py_func, PyObject *const *args, int n);

extern jp_dispatch_tap_fn jp_dispatch_tap;

#endif
