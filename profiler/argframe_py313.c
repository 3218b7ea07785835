/* profiler/argframe_py313.c - argframe.h for CPython 3.13: f_executable and instr_ptr (at _PyCode_CODE(code) in a frame that has not started). */
#define Py_BUILD_CORE 1
#include <Python.h>

#if PY_VERSION_HEX >= 0x030D0000 && PY_VERSION_HEX < 0x030E0000
#include <internal/pycore_frame.h>

#include "profiler/argframe.h"

int
jp_locals_params(PyObject **locals, PyObject **out, int n)
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
    return jp_locals_params(_PyFrame_GetLocalsArray(frame->f_frame), out, n);
}

static jp_frame_start_fn on_start;

/* Whether f is a call that starts now (not a resumed generator). */
static inline int
starting(_PyInterpreterFrame *f, int throwflag, PyObject **codep)
{
    PyCodeObject *code;
    if (throwflag || !PyCode_Check(f->f_executable))
        return 0;
    code = (PyCodeObject *)f->f_executable;
    *codep = (PyObject *)code;
    return f->instr_ptr == _PyCode_CODE(code);
}

static PyObject *
eval_hook(PyThreadState *ts, _PyInterpreterFrame *f, int throwflag)
{
    PyObject *code;
    if (starting(f, throwflag, &code) && on_start != NULL)
        on_start(code, _PyFrame_GetLocalsArray(f));
    return _PyEval_EvalFrameDefault(ts, f, throwflag);
}

int
jp_eval_hook_set(jp_frame_start_fn fn)
{
    PyInterpreterState *interp = PyThreadState_GetInterpreter(PyThreadState_Get());
    _PyFrameEvalFunction cur = _PyInterpreterState_GetEvalFrameFunc(interp);

    if (fn != NULL) {
        if (cur != eval_hook && cur != _PyEval_EvalFrameDefault)
            return -1;
        on_start = fn;
        _PyInterpreterState_SetEvalFrameFunc(interp, eval_hook);
    } else if (cur == eval_hook) {
        _PyInterpreterState_SetEvalFrameFunc(interp, _PyEval_EvalFrameDefault);
        on_start = NULL;
    }
    return 0;
}

void
jp_set_profile_all_threads(Py_tracefunc func, PyObject *arg)
{
    PyEval_SetProfileAllThreads(func, arg);
}
#endif
