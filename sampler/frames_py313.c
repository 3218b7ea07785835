/* sampler/frames_py313.c - CPython 3.13's frame chain for the signal
 * handler: tstate->current_frame, f_executable (a code object for Python
 * frames), instr_ptr; entry shims owned by FRAME_OWNED_BY_CSTACK. */
#define Py_BUILD_CORE 1
#include <Python.h>

#if PY_VERSION_HEX >= 0x030D0000 && PY_VERSION_HEX < 0x030E0000
#include <internal/pycore_frame.h>

#include "sampler/pyframes.h"
#include "sampler/sample.h"

void *
jp_pyframes_tstate(void)
{
    return PyGILState_GetThisThreadState();
}

int
jp_pyframes_capture(void *ts, uint64_t *out, int max, int *truncated)
{
    PyThreadState *tstate = ts;
    _PyInterpreterFrame *f;
    int n = 0, steps = 0;

    *truncated = 0;
    if (tstate == NULL)
        return 0;
    f = tstate->current_frame;
    while (f != NULL) {
        PyObject *exe;
        PyCodeObject *code;
        _Py_CODEUNIT *first;
        intptr_t off;

        if (((uintptr_t)f & 7) != 0 || ++steps > 4 * max)
            break;
        if (f->owner == FRAME_OWNED_BY_CSTACK) {
            if (n > 0)
                out[2 * n - 1] |= (uint64_t)JP_PYF_ENTRY << 32;
            f = f->previous;
            continue;
        }
        exe = f->f_executable;
        if (exe == NULL || Py_TYPE(exe) != &PyCode_Type) {
            f = f->previous;
            continue;
        }
        code = (PyCodeObject *)exe;
        first = _PyCode_CODE(code);
        if (f->owner == FRAME_OWNED_BY_GENERATOR
            || f->instr_ptr >= first + code->_co_firsttraceable) {
            if (n == max) {
                *truncated = 1;
                break;
            }
            off = (char *)f->instr_ptr - (char *)first;
            if (off < 0 || off >= Py_SIZE(code) * 2)
                off = 0;
            out[2 * n] = (uint64_t)(uintptr_t)code;
            out[2 * n + 1] = (uint64_t)(uint32_t)off;
            n++;
        }
        f = f->previous;
    }
    return n;
}

/* The calling thread's own chain from normal context (allocation sampling,
 * memory.c): no frame can be half-published under its own feet, so no
 * check through the kernel. */
int
jp_pyframes_capture_own(void *ts, uint64_t *out, int max, int *truncated)
{
    return jp_pyframes_capture(ts, out, max, truncated);
}
#endif
