/* profiler/module_init.c - registers the profiler's Python-facing functions
 * in jitprofile._core. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

int
jp_profiler_module_init(PyObject *m)
{
    (void)m;
    return 0;
}
