/* jit/jit_module.c - registers the JIT's types and functions in _core. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

int
jp_jit_module_init(PyObject *m)
{
    (void)m;
    return 0;
}
