/* jit/pycompat.h - the few C-API differences between CPython 3.11 and 3.13
 * that the JIT meets, each behind one name. */
#ifndef JP_PYCOMPAT_H
#define JP_PYCOMPAT_H
#include <Python.h>

/* Take the raised exception (normalised), clearing the error indicator. */
static inline PyObject *
jp_take_exception(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value && tb)
        PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
#endif
}
#endif
