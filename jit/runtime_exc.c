/* jit/runtime_exc.c - run-time support of try statements in compiled
 * code: `except C:` matching and releasing a caught exception. */
#include "jit/runtime_exc.h"

int32_t
jp_rt_exc_matches(PyObject *raised, PyObject *cls)
{
    if (raised == NULL || cls == NULL || !PyType_Check(raised) || !PyType_Check(cls))
        return 0;
    /* types are immutable here; no interpreter state is touched */
    return PyType_IsSubtype((PyTypeObject *)raised, (PyTypeObject *)cls) ? 1 : 0;
}

void
jp_rt_exc_release(jp_excinfo *exc)
{
    if (exc->cls == NULL)
        return;
    if (exc->format == JP_EXC_PENDING && exc->args[0]) {
        PyGILState_STATE st = PyGILState_Ensure();
        Py_DECREF((PyObject *)(intptr_t)exc->args[0]);
        PyGILState_Release(st);
    }
    exc->cls = NULL;
    exc->msg = NULL;
    exc->format = 0;
    exc->args[0] = 0;
}
