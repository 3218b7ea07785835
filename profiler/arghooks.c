/* profiler/arghooks.c - see arghooks.h. */
#include "profiler/arghooks.h"

#include "profiler/argframe.h"
#include "profiler/argtap.h"

#include <time.h>

static jp_argrec *active;

/* The process's CPU time: the windows' share of it scales the call counts
 * (on a loaded machine a 2 ms window may have been spent descheduled). */
static uint64_t
cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}


int
jp_arghooks_activate(jp_argrec *r)
{
    if (active == r)
        return 0;
    if (active != NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "another argument recorder is active (one at a time)");
        return -1;
    }
    active = r;
    /* the time base of the windows' share is the whole recording, not the
     * time since the first watch: calls made before a function was found hot
     * are then covered by the scaled estimate (they were left out, biasing it
     * low) */
    if (r->first_watch_ns == 0) {
        r->first_watch_ns = now_ns();
        r->start_cpu_ns = cpu_ns();
    }
    return 0;
}

void
jp_arghooks_deactivate(jp_argrec *r)
{
    if (active != r)
        return;
    jp_arghooks_exact(r, 0);
    jp_arghooks_window(r, 0);
    jp_argtap_off(r);
    active = NULL;
}

int
jp_arghooks_nparams(PyCodeObject *co)
{
    int n = co->co_argcount + co->co_kwonlyargcount
            + !!(co->co_flags & CO_VARARGS) + !!(co->co_flags & CO_VARKEYWORDS);
    return n > JP_ARG_MAX ? -1 : n;
}

static int
is_generator_code(PyCodeObject *co)
{
    return (co->co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR
                            | CO_ITERABLE_COROUTINE)) != 0;
}

/* Record args[0..n) for fn.  Recording allocates (copies), and a finalizer
 * run by an allocation may call back in: r->busy keeps that out. */
static void
record(jp_argrec *r, jp_argfunc *fn, PyObject *const *args, int n)
{
    r->busy = 1;
    if (jp_argrec_record(r, fn, args, n) < 0)
        PyErr_Clear();
    r->busy = 0;
}

/* Whether v is a Python int beyond int64, or a tuple holding one at its
 * top level: the JIT's int64 would wrap where Python's result grew. */
static int
wider_than_int64(PyObject *v)
{
    int overflow = 0;

    if (v == NULL)
        return 0;
    if (PyLong_CheckExact(v)) {
        (void)PyLong_AsLongLongAndOverflow(v, &overflow);
        return overflow != 0;
    }
    if (PyTuple_CheckExact(v))
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(v); i++)
            if (wider_than_int64(PyTuple_GET_ITEM(v, i)))
                return 1;
    return 0;
}

/* A return from a recorded function: count a result int64 cannot hold. */
static void
note_return(jp_argrec *r, PyFrameObject *frame, PyObject *value)
{
    PyCodeObject *co;
    uint32_t id;

    if (!wider_than_int64(value))
        return;
    co = PyFrame_GetCode(frame);
    id = jp_idmap_get(&r->by_code, (uintptr_t)co, 0);
    if (id != UINT32_MAX && id < r->n)
        r->funcs[id].wide_returns++;
    Py_DECREF(co);
}

/* ---- exact mode: a C profile function -------------------------------- */

static int
profile_hook(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    jp_argrec *r = active;
    PyCodeObject *co;
    PyObject *args[JP_ARG_MAX];
    jp_argfunc *fn;
    int n;

    (void)obj;
    if (what == PyTrace_RETURN && r != NULL && r->exact && !r->busy) {
        note_return(r, frame, arg);
        return 0;
    }
    if (what != PyTrace_CALL || r == NULL || !r->exact || r->busy || PyErr_Occurred())
        return 0;
    co = PyFrame_GetCode(frame);
    n = jp_arghooks_nparams(co);
    if (n < 0 || is_generator_code(co) || jp_frame_params(frame, args, n) < 0)
        goto done;
    r->busy = 1;
    fn = jp_argrec_func(r, (PyObject *)co);
    r->busy = 0;
    if (fn == NULL) {
        PyErr_Clear();
        goto done;
    }
    fn->seen++;
    record(r, fn, args, n);
done:
    Py_DECREF(co);
    return 0;
}

void
jp_arghooks_exact(jp_argrec *r, int on)
{
    if (active != r || r->exact == on)
        return;
    if (on)
        jp_arghooks_window(r, 0);
    r->exact = on;
    jp_set_profile_all_threads(on ? profile_hook : NULL, NULL);
}

void
jp_arghooks_thread_start(void)
{
    if (active != NULL && active->exact)
        PyEval_SetProfile(profile_hook, NULL);
}

/* ---- sampled mode: recording windows on the hot functions ------------ */

/* The index of a code object seen for the first time: its record when its
 * name is hot, else JP_ARGREC_COLD.  Remembered in seen_codes. */
static uint32_t
classify(jp_argrec *r, PyObject *code)
{
    PyCodeObject *co = (PyCodeObject *)code;
    uint32_t id = JP_ARGREC_COLD;
    PyObject *key;
    int hot = 0;

    if (PyList_Append(r->held, code) < 0)
        goto fail;
    if (jp_arghooks_nparams(co) >= 0 && !is_generator_code(co)) {
        key = Py_BuildValue("(OOi)", co->co_qualname, co->co_filename, co->co_firstlineno);
        if (key == NULL)
            goto fail;
        hot = PySet_Contains(r->hot_names, key);
        Py_DECREF(key);
        if (hot < 0)
            goto fail;
    }
    if (hot) {
        jp_argfunc *fn = jp_argrec_func(r, code);
        if (fn == NULL)
            goto fail;
        fn->hot = 1;
        id = (uint32_t)(fn - r->funcs);
    }
    if (jp_idmap_put(&r->seen_codes, (uintptr_t)code, 0, id) < 0)
        goto fail;
    return id;
fail:
    PyErr_Clear();
    return JP_ARGREC_COLD;
}

/* Sampled mode: a C profile function, installed for short windows (the
 * driver opens and closes them), that records the calls of hot functions
 * only.  Calls keep their usual path through the interpreter. */
static int
sampled_hook(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    jp_argrec *r = active;
    PyObject *args[JP_ARG_MAX];
    PyObject *code;
    jp_argfunc *fn;
    uint32_t id;
    int n;

    (void)obj;
    if (what == PyTrace_RETURN && r != NULL && r->sampled && !r->busy) {
        note_return(r, frame, arg);
        return 0;
    }
    if (what != PyTrace_CALL || r == NULL || !r->sampled || r->busy || PyErr_Occurred())
        return 0;
    code = (PyObject *)PyFrame_GetCode(frame);
    id = jp_idmap_get(&r->seen_codes, (uintptr_t)code, 0);
    if (id == UINT32_MAX) {
        r->busy = 1;
        id = classify(r, code);
        r->busy = 0;
    }
    if (id == JP_ARGREC_COLD)
        goto done;
    fn = &r->funcs[id];
    /* counted only in the window's own span of the process's CPU time: its
     * close may come late (a signal handler waiting for the GIL), and a
     * loaded machine may deschedule the process in the middle of it */
    if (r->window_len_ns == 0)
        fn->seen++;
    else if (!r->window_end_cpu_ns) {
        if (cpu_ns() - r->window_start_cpu_ns <= r->window_len_ns)
            fn->seen++;
        else
            r->window_end_cpu_ns = r->window_start_cpu_ns + r->window_len_ns;
    }
    if (fn->seen > r->warm && fn->seen % r->every != 0)
        goto done;
    n = jp_arghooks_nparams((PyCodeObject *)code);
    if (jp_frame_params(frame, args, n) == n)
        record(r, fn, args, n);
done:
    Py_DECREF(code);
    return 0;
}

/* The CPU time of the open window's counting span so far: its length once
 * a hot call found it over (a close that came late, the GIL held
 * elsewhere, counts no more). */
static uint64_t
window_cpu(jp_argrec *r)
{
    uint64_t cpu = cpu_ns() - r->window_start_cpu_ns;
    if (r->window_len_ns && (r->window_end_cpu_ns || cpu > r->window_len_ns))
        cpu = r->window_len_ns;
    return cpu;
}

static uint64_t
thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Thread CPU time of one call of fn(), with the sampled-mode profile
 * function installed on this thread or not; -1 with an error. */
static int64_t
time_call(PyObject *fn, int hooked)
{
    uint64_t t0;
    PyObject *res;

    if (hooked)
        PyEval_SetProfile(sampled_hook, NULL);
    t0 = thread_cpu_ns();
    res = PyObject_CallNoArgs(fn);
    t0 = thread_cpu_ns() - t0;
    if (hooked)
        PyEval_SetProfile(NULL, NULL);
    if (res == NULL)
        return -1;
    Py_DECREF(res);
    return (int64_t)t0;
}

double
jp_arghooks_slowdown(PyObject *fn)
{
    int64_t best[2] = {INT64_MAX, INT64_MAX};

    if ((active != NULL && (active->sampled || active->exact))
        || PyThreadState_Get()->c_profilefunc != NULL) {
        /* the thread's own profile function (cProfile, sys.setprofile) stays */
        PyErr_SetString(PyExc_RuntimeError, "a recording or profile function is running");
        return -1;
    }
    for (int i = 0; i < 6; i++) {
        int64_t t = time_call(fn, i & 1);
        if (t < 0)
            return -1;
        if (t < best[i & 1])
            best[i & 1] = t;
    }
    return best[0] > 0 ? (double)best[1] / (double)best[0] : 1.0;
}

void
jp_arghooks_window(jp_argrec *r, int open)
{
    if (active != r || r->exact || r->sampled == open)
        return;
    r->sampled = open;
    jp_set_profile_all_threads(open ? sampled_hook : NULL, NULL);
    if (open) {
        r->window_start_ns = now_ns();
        r->window_start_cpu_ns = cpu_ns();
        r->window_end_cpu_ns = 0;
        r->window_end_ns = r->window_start_ns + r->window_len_ns;
    } else {
        uint64_t span = now_ns() - r->window_start_ns;
        r->window_ns += r->window_len_ns && span > r->window_len_ns ? r->window_len_ns : span;
        r->window_cpu_ns += window_cpu(r);
    }
}

double
jp_arghooks_duty(jp_argrec *r)
{
    uint64_t on = r->window_cpu_ns, now = cpu_ns();
    if (r->first_watch_ns == 0 || now <= r->start_cpu_ns)
        return 1.0;
    if (r->sampled)
        on += window_cpu(r);
    return (double)on / (double)(now - r->start_cpu_ns);
}

int
jp_arghooks_watch(jp_argrec *r, PyObject *qualname, PyObject *filename, int firstlineno)
{
    PyObject *key;
    int had;

    if (active != r) {
        PyErr_SetString(PyExc_RuntimeError, "the recorder is not running");
        return -1;
    }
    if (r->busy)
        return 1;           /* re-entered from a recording: the next poll does it */
    key = Py_BuildValue("(OOi)", qualname, filename, firstlineno);
    if (key == NULL)
        return -1;
    r->busy = 1;
    had = PySet_Contains(r->hot_names, key);
    if (had == 0 && PySet_Add(r->hot_names, key) < 0)
        had = -1;
    Py_DECREF(key);
    if (had == 0) {
        /* codes classified cold may have this name now: classify anew */
        jp_idmap_free(&r->seen_codes);
        if (PyList_SetSlice(r->held, 0, PyList_GET_SIZE(r->held), NULL) < 0)
            had = -1;
    }
    r->busy = 0;
    if (had < 0)
        return -1;
    if (r->first_watch_ns == 0)
        r->first_watch_ns = now_ns();
    return 1;
}

int
jp_arghooks_record_frame(jp_argrec *r, PyFrameObject *frame)
{
    PyCodeObject *co = PyFrame_GetCode(frame);
    PyObject *args[JP_ARG_MAX];
    jp_argfunc *fn;
    int n = jp_arghooks_nparams(co), ok = 0;

    if (r->busy || n < 0 || is_generator_code(co) || jp_frame_params(frame, args, n) < 0)
        goto done;
    r->busy = 1;
    fn = jp_argrec_func(r, (PyObject *)co);
    r->busy = 0;
    if (fn == NULL) {
        Py_DECREF(co);
        return -1;
    }
    fn->from_frame++;
    record(r, fn, args, n);
    ok = 1;
done:
    Py_DECREF(co);
    return ok;
}
