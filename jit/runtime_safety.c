/* jit/runtime_safety.c - the run-time side of the guards that keep compiled
 * code from crashing (lower_safety.c emits the calls):
 *   - the C-stack guard of recursive calls: a per-thread lowest safe address,
 *     computed once per thread from the thread's own stack bounds;
 *   - error messages that carry run-time values (a reshape's shape, a Python
 *     integer out of an array's bounds), formatted into a per-thread buffer
 *     that lives until the thread's next such error (the dispatcher reads it
 *     on the same thread, right after the call returns);
 *   - NumPy's RuntimeWarnings (mean of an empty array), issued with the GIL.
 * Nothing here needs the GIL except jp_rt_warn, which takes it. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "jit/runtime_safety.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

/* ---- the C stack ---------------------------------------------------------------- */

/* 0: not computed yet for this thread.  (Not initial-exec: the module is
 * dlopen'ed, and the static TLS block has no room for it.) */
static __thread uintptr_t stack_limit;

static uintptr_t
compute_limit(uintptr_t here)
{
    pthread_attr_t attr;
    void *low = NULL;
    size_t size = 0, margin;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        if (pthread_attr_getstack(&attr, &low, &size) != 0)
            low = NULL;
        pthread_attr_destroy(&attr);
    }
    if (low == NULL || size == 0 || here < (uintptr_t)low || here > (uintptr_t)low + size) {
        /* unknown bounds: assume the smallest stack CPython's threads get
         * by default on Linux (8 MiB main, 8 MiB threads; be modest) */
        low = (void *)(here > ((uintptr_t)1 << 20) ? here - ((uintptr_t)1 << 20) : 0);
        size = (size_t)(here - (uintptr_t)low);
    }
    /* keep room below the limit for what runs without a guard: the
     * non-recursive callees, the runtime (print takes the GIL and calls
     * Python), the unwinding of the error */
    margin = size / 4;
    if (margin < ((size_t)64 << 10))
        margin = (size_t)64 << 10;
    if (margin > ((size_t)1 << 20))
        margin = (size_t)1 << 20;
    if (margin >= size)
        margin = size / 2;
    return (uintptr_t)low + margin;
}

int
jp_rt_stack_exhausted(void)
{
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (__builtin_expect(stack_limit == 0, 0))
        stack_limit = compute_limit(here);
    return here < stack_limit;
}

/* ---- messages with values ----------------------------------------------------------- */

static __thread char message[256];

const char *
jp_rt_reshape_message(int64_t size, const int64_t *shape, int64_t ndim)
{
    size_t used = (size_t)snprintf(message, sizeof message, "cannot reshape array of size %lld into shape (",
                                   (long long)size);
    for (int64_t k = 0; k < ndim && used < sizeof message; k++)
        used += shape[k] == -1
                ? (size_t)snprintf(message + used, sizeof message - used, "%snewaxis", k ? "," : "")
                : (size_t)snprintf(message + used, sizeof message - used, "%s%lld", k ? "," : "",
                                   (long long)shape[k]);
    if (used < sizeof message)
        snprintf(message + used, sizeof message - used, "%s)", ndim == 1 ? "," : "");
    return message;
}

const char *
jp_rt_int_bounds_message(int64_t value, int64_t value_unsigned, const char *dtype)
{
    if (value_unsigned)
        snprintf(message, sizeof message, "Python integer %llu out of bounds for %s",
                 (unsigned long long)value, dtype);
    else
        snprintf(message, sizeof message, "Python integer %lld out of bounds for %s", (long long)value, dtype);
    return message;
}

const char *
jp_rt_linspace_message(int64_t num)
{
    snprintf(message, sizeof message, "Number of samples, %lld, must be non-negative.", (long long)num);
    return message;
}

/* ---- warnings ---------------------------------------------------------------------------- */

void
jp_rt_warn(const char *text)
{
    PyGILState_STATE st;
    /* a worker of the thread pool (prange, parallel ufuncs) has no Python
     * thread state, and the thread that started it may hold the GIL while
     * it waits: taking the GIL there could deadlock, so no warning */
    if (PyGILState_GetThisThreadState() == NULL)
        return;
    st = PyGILState_Ensure();
    /* compiled code cannot raise from here: a warnings filter of "error"
     * becomes an unraisable report, never a pending exception */
    if (PyErr_WarnEx(PyExc_RuntimeWarning, text, 1) < 0)
        PyErr_WriteUnraisable(NULL);
    PyGILState_Release(st);
}

const char *
jp_rt_mask_mismatch_message(int64_t axis, int64_t size, int64_t mask_size)
{
    snprintf(message, sizeof message,
             "boolean index did not match indexed array along axis %lld; size of axis is %lld but size of "
             "corresponding boolean axis is %lld", (long long)axis, (long long)size, (long long)mask_size);
    return message;
}
