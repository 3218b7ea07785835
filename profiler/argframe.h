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
/* The same for a frame's array of fast locals. */
int jp_locals_params(PyObject **locals, PyObject **out, int n);

/* Called (GIL held) at the start of every Python function call while the
 * frame-evaluation hook is installed: the code object and the frame's fast
 * locals (the arguments).  Generator resumptions are not reported. */
typedef void (*jp_frame_start_fn)(PyObject *code, PyObject **locals);

/* Install (fn non-NULL) or remove the frame-evaluation hook (PEP 523) of
 * the current interpreter: 0, or -1 (no exception) when another frame
 * evaluator is installed.  The hook tail-calls CPython's evaluator, so it
 * leaves no native frame on the stack of the functions it runs. */
int jp_eval_hook_set(jp_frame_start_fn fn);

/* Install (func non-NULL) or remove a C profile function in every thread
 * of the interpreter. */
void jp_set_profile_all_threads(Py_tracefunc func, PyObject *arg);

#endif
