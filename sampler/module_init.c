/* sampler/module_init.c - registers the sampler's Python-facing functions in
 * jitprofile._core. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

int
jp_sampler_module_init(PyObject *m)
{
    (void)m;
    return 0;
}
