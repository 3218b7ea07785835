/* profiler/argrecord_object.h - the Python type jitprofile._core.ArgRecorder
 * and the module functions of the data profiler. */
#ifndef JP_ARGRECORD_OBJECT_H
#define JP_ARGRECORD_OBJECT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

extern PyTypeObject JpArgRecorder_Type;
int jp_argrecord_module_init(PyObject *m);

#endif
