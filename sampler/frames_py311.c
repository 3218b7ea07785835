/* sampler/frames_py311.c - CPython 3.11's frame chain for the signal
 * handler: tstate->cframe->current_frame, _PyInterpreterFrame.previous,
 * is_entry marking the first frame of each C-level eval call. */
#define Py_BUILD_CORE 1
#include <Python.h>

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
#include <internal/pycore_frame.h>

#include "sampler/pyframes.h"
#include "sampler/safe_read.h"
#include "sampler/sample.h"

void *
jp_pyframes_tstate(void)
{
    return PyGILState_GetThisThreadState();
}

static int
capture(void *ts, uint64_t *out, int max, int *truncated, int own)
{
    PyThreadState *tstate = ts;
    _PyInterpreterFrame *f;
    int n = 0, steps = 0;

    *truncated = 0;
    if (tstate == NULL || tstate->cframe == NULL)
        return 0;
    f = tstate->cframe->current_frame;
    /* at the entry of _PyEval_EvalFrameDefault tstate->cframe is published
     * before its current_frame is set: check the newest frame's code object
     * without faulting before following the chain (safe_read.c) */
    if (!own && f != NULL && !jp_safe_points_to_type(&f->f_code, &PyCode_Type))
        return 0;
    while (f != NULL) {
        PyCodeObject *code = f->f_code;
        _Py_CODEUNIT *first;
        intptr_t off;

        if (((uintptr_t)f & 7) != 0 || code == NULL || ++steps > 4 * max)
            break;
        first = _PyCode_CODE(code);
        off = (char *)f->prev_instr - (char *)first;
        if (f->owner == FRAME_OWNED_BY_GENERATOR
            || f->prev_instr >= first + code->_co_firsttraceable) {
            if (n == max) {
                *truncated = 1;
                break;
            }
            if (off < 0 || off >= Py_SIZE(code) * 2)
                off = 0;
            out[2 * n] = (uint64_t)(uintptr_t)code;
            out[2 * n + 1] = (uint64_t)(uint32_t)off
                             | ((uint64_t)(f->is_entry ? JP_PYF_ENTRY : 0) << 32);
            n++;
        } else if (f->is_entry && n > 0) {
            out[2 * n - 1] |= (uint64_t)JP_PYF_ENTRY << 32;
        }
        f = f->previous;
    }
    return n;
}

int
jp_pyframes_capture(void *ts, uint64_t *out, int max, int *truncated)
{
    return capture(ts, out, max, truncated, 0);
}

/* The calling thread's own chain from normal context (allocation sampling,
 * memory.c): no frame can be half-published under its own feet, so no
 * check through the kernel. */
int
jp_pyframes_capture_own(void *ts, uint64_t *out, int max, int *truncated)
{
    return capture(ts, out, max, truncated, 1);
}
#endif
