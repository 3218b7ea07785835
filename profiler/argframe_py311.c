/* profiler/argframe_py311.c - argframe.h for CPython 3.11: a frame's fast
 * locals through its _PyInterpreterFrame; the profile function of every
 * thread. */
#define Py_BUILD_CORE 1
#include <Python.h>

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
#include <internal/pycore_frame.h>

#include "profiler/argframe.h"

static int
locals_params(PyObject **locals, PyObject **out, int n)
{
    for (int i = 0; i < n; i++) {
        PyObject *v = locals[i];
        if (v != NULL && PyCell_Check(v))
            v = PyCell_GET(v);
        if (v == NULL)
            return -1;
        out[i] = v;
    }
    return n;
}

int
jp_frame_params(PyFrameObject *frame, PyObject **out, int n)
{
    return locals_params(_PyFrame_GetLocalsArray(frame->f_frame), out, n);
}

void
jp_set_profile_all_threads(Py_tracefunc func, PyObject *arg)
{
    PyInterpreterState *interp = PyThreadState_GetInterpreter(PyThreadState_Get());
    for (PyThreadState *ts = PyInterpreterState_ThreadHead(interp); ts != NULL;
         ts = PyThreadState_Next(ts))
        if (_PyEval_SetProfile(ts, func, arg) < 0)
            PyErr_Clear();
}
#endif
