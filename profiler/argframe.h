/* profiler/argframe.h - the few CPython internals the data profiler needs,
 * behind one interface; exactly one argframe_py3XX.c has content: the one
 * for the Python built against. */
#ifndef JP_ARGFRAME_H
#define JP_ARGFRAME_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Borrowed references to the first n fast locals of a frame (its
 * parameters, cells unwrapped) into out[]; n, or -1 when a slot is empty.
 * For a frame that has just started these are the call's arguments; for a
 * running frame, the parameters' current values. */
int jp_frame_params(PyFrameObject *frame, PyObject **out, int n);
/* Install (func non-NULL) or remove a C profile function in every thread
 * of the interpreter. */
void jp_set_profile_all_threads(Py_tracefunc func, PyObject *arg);

#endif
