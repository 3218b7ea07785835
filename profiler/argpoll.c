/* profiler/argpoll.c - sampled mode's driver: every so often (a SIGALRM
 * timer whose handler is this C function, so no Python frame of ours lands
 * in the samples; or a daemon thread where the signal is taken) read the
 * sampler's profile, watch each Python function whose total share passed
 * the threshold, record the parameters of hot calls already running (a
 * function called once, such as a main loop, is hot only while it runs),
 * then open a short recording window (arghooks.c) that the next tick
 * closes.  Windows open every period (16 of them, then the period doubles
 * up to one second: enough windows for a short run's call estimates, a
 * small cost for a long one); the profile is read on a schedule that
 * doubles up to one second, so the cost of reading a long profile stays
 * small.
 *
 * The SIGALRM timer is a POSIX timer aimed at the main thread
 * (SIGEV_THREAD_ID), not ITIMER_REAL: exec deletes it (an ITIMER_REAL
 * survives exec and killed the new program), fork does not pass it on, and
 * the program's own alarm()/ITIMER_REAL stays untouched beside it. */
#define _GNU_SOURCE
#include "profiler/argpoll.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "profiler/arghooks.h"
#include "profiler/calltree.h"
#include "profiler/profile_object.h"
#include "sampler/sampler.h"

#define WINDOWS_STEADY 16        /* windows every period before it doubles */

static struct {
    PyObject *recorder;         /* the ArgRecorder object (strong) */
    jp_argrec *rec;
    PyObject *profile;          /* the ProfileData object (strong) */
    double hot_share;
    int min_samples;
    double period, max_period, window;
    int windows;                /* windows closed: after WINDOWS_STEADY of them ... */
    double poll_period;         /* the profile is read this often (doubling) ... */
    double next_poll;           /* ... next at this time (CLOCK_MONOTONIC s) */
    int timer;                  /* posix_timer exists (SIGALRM, ours) */
    timer_t posix_timer;
    pid_t timer_pid;            /* its process: a forked child has no such timer */
} P;

/* Delete our timer, if this process has it (fork does not copy timers, and
 * in a child the same id may name one of the child's own). */
static void
drop_timer(void)
{
    if (P.timer && P.timer_pid == getpid())
        timer_delete(P.posix_timer);
    P.timer = 0;
}

static void
arm(double seconds)
{
    struct itimerspec it = {{0, 0}, {(time_t)seconds,
                                     (long)((seconds - (time_t)seconds) * 1e9)}};
    if (it.it_value.tv_sec == 0 && it.it_value.tv_nsec < 1000000)
        it.it_value.tv_nsec = 1000000;
    /* and again every period until the handler re-arms it: a signal that
     * came while the main thread waited for the GIL (a join on a worker
     * thread) runs its handler only when the next one interrupts the wait;
     * one-shot, the window stayed open to the end of the profile */
    it.it_interval = it.it_value;
    if (P.timer && P.timer_pid == getpid())
        timer_settime(P.posix_timer, 0, &it, NULL);
}

/* A one-shot SIGALRM timer for the calling thread; 0 or -1 with errno. */
static int
make_timer(void)
{
    struct sigevent sev;

    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = SIGALRM;
    sev._sigev_un._tid = (pid_t)gettid();
    P.timer_pid = getpid();
    return timer_create(CLOCK_MONOTONIC, &sev, &P.posix_timer);
}

/* Record running frames of the codes named in `fresh` (a set of keys). */
static int
record_running(PyObject *fresh)
{
    PyInterpreterState *interp = PyThreadState_GetInterpreter(PyThreadState_Get());

    for (PyThreadState *ts = PyInterpreterState_ThreadHead(interp); ts != NULL;
         ts = PyThreadState_Next(ts)) {
        PyFrameObject *f = PyThreadState_GetFrame(ts);
        while (f != NULL) {
            PyCodeObject *co = PyFrame_GetCode(f);
            PyObject *key = Py_BuildValue("(OOi)", co->co_qualname, co->co_filename,
                                          co->co_firstlineno);
            PyFrameObject *back;
            int hit = key ? PySet_Contains(fresh, key) : -1;
            Py_DECREF(co);
            if (hit > 0) {
                if (PySet_Discard(fresh, key) < 0
                    || jp_arghooks_record_frame(P.rec, f) < 0)
                    hit = -1;
            }
            Py_XDECREF(key);
            if (hit < 0) {
                Py_DECREF(f);
                return -1;
            }
            back = PyFrame_GetBack(f);
            Py_DECREF(f);
            f = back;
        }
    }
    return 0;
}

int
jp_argpoll_once(void)
{
    jp_profile *prof;
    jp_func_stat *stats = NULL;
    size_t n = 0;
    uint64_t total = 0;
    PyObject *fresh = NULL;
    int watched = 0;

    /* busy: the poll interrupted a recording (a finalizer run by one of its
     * allocations reached the signal handler): records may move under it */
    if (P.rec == NULL || !P.rec->running_flag || P.rec->busy)
        return 0;
    prof = jp_profile_of(P.profile);
    if (prof == NULL)
        return -1;
    if (jp_S.running && jp_S.profile == prof && !jp_S.draining)
        jp_collector_drain();
    if (jp_calltree_stats(prof, (int)getpid(), -1, &stats, &n, &total) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    fresh = PySet_New(NULL);
    if (fresh == NULL)
        goto fail;
    for (size_t i = 0; i < n && total > 0; i++) {
        const jp_func *fn = &prof->funcs.v[stats[i].func];
        const char *file = jp_profile_str(prof, fn->file);
        PyObject *key;
        int had;
        if (fn->category != JP_CAT_PYTHON || stats[i].total < (uint64_t)P.min_samples
            || (double)stats[i].total < P.hot_share * (double)total
            || (file[0] == '<' && strncmp(file, "<ipython-input-", 15) != 0))
            continue;
        key = Py_BuildValue("(ssi)", jp_profile_str(prof, fn->name), file, fn->first_line);
        if (key == NULL)
            goto fail;
        had = PySet_Contains(P.rec->hot_names, key);
        if (had == 0) {
            PyObject *q = PyTuple_GET_ITEM(key, 0), *f = PyTuple_GET_ITEM(key, 1);
            int rc = jp_arghooks_watch(P.rec, q, f, fn->first_line);
            if (rc < 0 || PySet_Add(fresh, key) < 0)
                had = -1;
            else
                watched++;
        }
        Py_DECREF(key);
        if (had < 0)
            goto fail;
    }
    free(stats);
    stats = NULL;
    if (watched && record_running(fresh) < 0)
        goto fail;
    Py_DECREF(fresh);
    return watched;
fail:
    free(stats);
    Py_XDECREF(fresh);
    return -1;
}

static PyObject *
argrec_poll_start(PyObject *mod, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"recorder", "profile", "hot_share", "min_samples", "period",
                             "window", "timer", NULL};
    PyObject *recorder, *profile;
    double hot_share = 0.05, period = 0.05, window = 0.002;
    int min_samples = 5, timer = 1;

    (void)mod;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|diddp", kwlist, &recorder, &profile,
                                     &hot_share, &min_samples, &period, &window, &timer))
        return NULL;
    if (window <= 0 || window > 1) {
        PyErr_SetString(PyExc_ValueError, "window: 0 < seconds <= 1");
        return NULL;
    }
    if (jp_profile_of(profile) == NULL)
        return NULL;
    if (!PyObject_TypeCheck(recorder, &JpArgRecorder_Type)) {
        PyErr_SetString(PyExc_TypeError, "recorder: an ArgRecorder");
        return NULL;
    }
    if (period <= 0 || period > 60) {
        PyErr_SetString(PyExc_ValueError, "period: 0 < seconds <= 60");
        return NULL;
    }
    Py_XSETREF(P.recorder, Py_NewRef(recorder));
    Py_XSETREF(P.profile, Py_NewRef(profile));
    P.rec = jp_argrec_of(recorder);
    P.rec->window_len_ns = (uint64_t)(window * 1e9);
    P.hot_share = hot_share;
    P.min_samples = min_samples;
    P.period = period;
    P.poll_period = period;
    P.windows = 0;
    P.next_poll = 0;
    P.max_period = 1.0;
    P.window = window;
    drop_timer();
    if (timer) {
        if (make_timer() < 0)
            return PyErr_SetFromErrno(PyExc_OSError);
        P.timer = 1;
        arm(period);
    }
    Py_RETURN_NONE;
}

static PyObject *
argrec_poll_stop(PyObject *mod, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"disarm", NULL};
    int disarm = 1;

    (void)mod;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|p", kwlist, &disarm))
        return NULL;
    (void)disarm;   /* the timer is ours alone: always deleted; the program's
                     * own alarm()/ITIMER_REAL is never touched */
    drop_timer();
    if (P.rec != NULL)
        jp_arghooks_window(P.rec, 0);
    P.rec = NULL;
    Py_CLEAR(P.recorder);
    Py_CLEAR(P.profile);
    Py_RETURN_NONE;
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One tick, from a thread or as the SIGALRM handler (signum, frame): close
 * the open window and wait a period; or poll, then open a window while any
 * function is watched.  Windows open every period (fixed: the call
 * estimates need many windows, a few in a short run left them to luck);
 * the profile is read on a doubling schedule (its cost grows with it). */
static PyObject *
argrec_poll(PyObject *mod, PyObject *args)
{
    int watched = 0;
    (void)mod;
    (void)args;
    if (P.rec == NULL)
        return PyLong_FromLong(0);
    if (P.rec->sampled) {
        jp_arghooks_window(P.rec, 0);
        if (P.timer)
            arm(P.period);
        /* ... the period doubles up to max_period: the windows' cost (about
         * 4% of the time at first) falls, and a long run still has many */
        if (++P.windows >= WINDOWS_STEADY)
            P.period = P.period * 2 < P.max_period ? P.period * 2 : P.max_period;
        return PyLong_FromLong(0);
    }
    if (now_s() >= P.next_poll) {
        watched = jp_argpoll_once();
        if (watched < 0) {
            PyErr_Clear();      /* a failed poll must not break the program */
            watched = 0;
        }
        P.next_poll = now_s() + P.poll_period;
        P.poll_period = P.poll_period * 2 < P.max_period ? P.poll_period * 2 : P.max_period;
    }
    /* a recorder of jitted calls (argtap.c) needs windows with no hot Python function */
    if (P.rec->running_flag && !P.rec->busy
        && (PySet_GET_SIZE(P.rec->hot_names) > 0 || P.rec->tap_jitted)) {
        jp_arghooks_window(P.rec, 1);
        if (P.timer)
            arm(P.window);
    } else if (P.timer) {
        arm(P.period);
    }
    return PyLong_FromLong(watched);
}

static PyObject *
argrec_hook_slowdown(PyObject *mod, PyObject *fn)
{
    double k;
    (void)mod;
    if (!PyCallable_Check(fn)) {
        PyErr_SetString(PyExc_TypeError, "argrec_hook_slowdown(fn): a callable");
        return NULL;
    }
    k = jp_arghooks_slowdown(fn);
    return k < 0 ? NULL : PyFloat_FromDouble(k);
}

static PyMethodDef argpoll_methods[] = {
    {"argrec_hook_slowdown", argrec_hook_slowdown, METH_O,
     "argrec_hook_slowdown(fn): how much slower fn() runs (thread CPU time) under the "
     "sampled-mode recording window's profile function: the windows' call counts are "
     "scaled up by it."},
    {"argrec_poll_start", (PyCFunction)(void (*)(void))argrec_poll_start,
     METH_VARARGS | METH_KEYWORDS,
     "argrec_poll_start(recorder, profile, hot_share=0.05, min_samples=5, period=0.05, "
     "window=0.002, timer=True): sampled mode's driver; timer: arm SIGALRM (install "
     "argrec_poll as its handler first)."},
    {"argrec_poll_stop", (PyCFunction)(void (*)(void))argrec_poll_stop,
     METH_VARARGS | METH_KEYWORDS,
     "argrec_poll_stop(disarm=True): stop the driver and delete its SIGALRM timer (a "
     "per-thread POSIX timer: the program's own alarm()/ITIMER_REAL is never touched; "
     "disarm is kept for compatibility)."},
    {"argrec_poll", argrec_poll, METH_VARARGS,
     "argrec_poll(*ignored): one tick: close the open recording window, or poll (the number "
     "of functions newly watched) and open one.  Also the SIGALRM handler."},
    {NULL, NULL, 0, NULL},
};

int
jp_argpoll_module_init(PyObject *m)
{
    return PyModule_AddFunctions(m, argpoll_methods);
}
