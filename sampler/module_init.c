/* sampler/module_init.c - the sampler's Python-facing functions in
 * jitprofile._core: start/stop a session into a ProfileData, register a
 * thread, statistics, and the fork handling (a child has no timers and no
 * collector: its session is reset, and the Python side may start anew). */
#define _GNU_SOURCE
#include "sampler/sampler.h"
#include "jit/symbols.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profiler/profile_object.h"
#include "sampler/perf_clock.h"
#include "sampler/symbolize_elf.h"
#include "sampler/unwind.h"

jp_session jp_S;

static int atfork_installed;

static void
after_fork_child(void)
{
    /* Only the forking thread survives; the collector, its thread state
     * and every timer are gone.  Forget the session without touching
     * anything that belonged to other threads (rings are our own memory
     * and stay mapped for reuse). */
    if (jp_S.slots != NULL) {
        for (int i = 0; i < JP_MAX_THREADS; i++) {
            jp_S.slots[i].state = JP_SLOT_FREE;
            jp_S.slots[i].busy = 0;
            jp_S.slots[i].has_timer = 0;
            jp_S.slots[i].has_perf = 0;
        }
    }
    jp_perf_after_fork();       /* the parent's threads' events */
    pthread_mutex_init(&jp_S.slots_lock, NULL);
    jp_unwind_after_fork();
    jp_collector_after_fork();
    if (jp_S.running)
        jp_symbols_readers_forget();    /* no collector here to drain */
    jp_S.running = 0;
    jp_S.stop_requested = 0;
    jp_S.collector_ts = NULL;
    jp_S.collector_tid = -1;
    jp_S.owner = NULL;          /* the parent's reference: leaked, never used */
    jp_S.profile = NULL;
    jp_S.draining = 0;
}

static PyObject *
sampler_start(PyObject *mod, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"profile", "hz", "wall", "native", "ring_kb", "root", NULL};
    PyObject *owner, *root = NULL;
    int hz = 1000, wall = 0, native = 1, ring_kb = 1024;
    jp_profile *prof;

    (void)mod;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|ippiO", kwlist, &owner, &hz, &wall,
                                     &native, &ring_kb, &root))
        return NULL;
    if (root == Py_None)
        root = NULL;
    if (root != NULL && !PyCode_Check(root)) {
        PyErr_SetString(PyExc_TypeError, "root must be a code object or None");
        return NULL;
    }
    prof = jp_profile_of(owner);
    if (prof == NULL)
        return NULL;
    if (hz < 1 || hz > 10000) {
        PyErr_Format(PyExc_ValueError, "sampling rate must be 1..10000 Hz, not %d", hz);
        return NULL;
    }
    if (ring_kb < 64 || ring_kb > 65536) {
        PyErr_SetString(PyExc_ValueError, "ring_kb must be 64..65536");
        return NULL;
    }
    if (jp_S.running) {
        PyErr_SetString(PyExc_RuntimeError, "the sampler is already running");
        return NULL;
    }
    if (!atfork_installed) {
        if (pthread_atfork(NULL, NULL, after_fork_child) != 0)
            return PyErr_NoMemory();
        atfork_installed = 1;
    }
    if (jp_S.slots == NULL) {
        jp_S.slots = calloc(JP_MAX_THREADS, sizeof(jp_slot));
        if (jp_S.slots == NULL)
            return PyErr_NoMemory();
        pthread_mutex_init(&jp_S.slots_lock, NULL);
    }
    for (int i = 0; i < JP_MAX_THREADS; i++) {
        jp_slot *s = &jp_S.slots[i];
        if (s->ring.buf && s->ring.capacity * 8 != (uint64_t)ring_kb * 1024)
            jp_ring_free(&s->ring);
        s->state = JP_SLOT_FREE;
        s->busy = 0;
        s->has_timer = 0;
        s->has_perf = 0;
        s->handler_ns = s->handler_calls = 0;
    }
    jp_codes_clear();
    jp_collector_reset_caches();
    jp_codes_init();
    jp_S.hz = hz;
    jp_S.wall = wall;
    jp_S.native = native;
    jp_S.ring_words = (uint64_t)ring_kb * 1024 / 8;
    jp_S.pid = getpid();
    jp_S.samples = jp_S.dropped = jp_S.unresolved_code = jp_S.timer_errors = 0;
    jp_S.drain_ns = jp_S.drains = jp_S.handler_ns = jp_S.handler_calls = 0;
    jp_S.period_mult = 1;
    jp_S.pace_ns = jp_S.pace_calls = 0;
    jp_S.pace_strikes = 0;
    jp_S.signal_lost = 0;
    {   /* JITPROFILE_CPU_CLOCK=timer: the POSIX CPU-clock timers only */
        const char *want = getenv("JITPROFILE_CPU_CLOCK");
        jp_S.no_perf = want != NULL && strcmp(want, "timer") == 0;
    }
    jp_S.perf_threads = jp_S.timer_threads = 0;
    jp_S.perf_errno = 0;
    jp_S.profile = prof;
    jp_S.root_code = (uintptr_t)root;   /* kept alive by jp_codes below */
    prof->interval_s = 1.0 / hz;
    jp_S.interp = PyThreadState_Get()->interp;
    if (jp_signal_install() < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        goto fail;
    }
    Py_INCREF(owner);
    jp_S.owner = owner;
    jp_S.stop_requested = 0;
    __atomic_store_n(&jp_S.running, 1, __ATOMIC_RELEASE);
    jp_symbols_reader_begin();      /* JIT code freed from now on waits for drains */
    if (jp_collector_start() < 0) {
        jp_symbols_reader_end();
        __atomic_store_n(&jp_S.running, 0, __ATOMIC_RELEASE);
        Py_CLEAR(jp_S.owner);
        PyErr_SetString(PyExc_RuntimeError, "cannot start the collector thread");
        goto fail;
    }
    if (root != NULL && jp_codes_resolve((uintptr_t)root, 0, &(int){0}) == NULL)
        jp_S.root_code = 0;
    /* the caller's thread first, so that even a short run is sampled */
    jp_threads_add((pid_t)gettid(), NULL);
    Py_RETURN_NONE;
fail:
    jp_S.profile = NULL;
    return NULL;
}

static PyObject *
sampler_stop(PyObject *mod, PyObject *noargs)
{
    (void)mod;
    (void)noargs;
    if (!jp_S.running)
        Py_RETURN_NONE;
    Py_BEGIN_ALLOW_THREADS
    jp_collector_join();        /* deletes every timer, waits for handlers */
    Py_END_ALLOW_THREADS
    jp_collector_drain();
    __atomic_store_n(&jp_S.running, 0, __ATOMIC_RELEASE);
    jp_symbols_reader_end();        /* every sample is named */
    jp_codes_clear();
    jp_signal_restore();
    jp_S.profile = NULL;
    Py_CLEAR(jp_S.owner);
    Py_RETURN_NONE;
}

static PyObject *
sampler_release_signal(PyObject *mod, PyObject *noargs)
{
    (void)mod;
    (void)noargs;
    if (jp_S.running) {
        PyErr_SetString(PyExc_RuntimeError, "the sampler is running");
        return NULL;
    }
    jp_signal_release();
    Py_RETURN_NONE;
}

static PyObject *
sampler_yield_signal(PyObject *mod, PyObject *noargs)
{
    (void)mod;
    (void)noargs;
    if (jp_S.running && !jp_S.signal_lost) {
        jp_S.signal_lost = 1;       /* before the lock: no thread is added again */
        Py_BEGIN_ALLOW_THREADS
        jp_threads_stop_all();      /* every timer deleted, no handler running */
        Py_END_ALLOW_THREADS
    }
    Py_RETURN_NONE;
}

static PyObject *
sampler_running(PyObject *mod, PyObject *noargs)
{
    (void)mod;
    (void)noargs;
    return PyBool_FromLong(jp_S.running);
}

static PyObject *
sampler_register_thread(PyObject *mod, PyObject *args)
{
    const char *name = "";
    (void)mod;
    if (!PyArg_ParseTuple(args, "|s", &name))
        return NULL;
    if (jp_S.running && jp_threads_add((pid_t)gettid(), name) < 0)
        Py_RETURN_FALSE;
    return PyBool_FromLong(jp_S.running);
}

static PyObject *
sampler_ignore_thread(PyObject *mod, PyObject *noargs)
{
    (void)mod;
    (void)noargs;
    if (jp_S.running && jp_threads_ignore((pid_t)gettid()) < 0)
        Py_RETURN_FALSE;
    return PyBool_FromLong(jp_S.running);
}

static PyObject *
sampler_stats(PyObject *mod, PyObject *noargs)
{
    int active = 0;
    uint64_t hns = jp_S.handler_ns, hcalls = jp_S.handler_calls;
    (void)mod;
    (void)noargs;
    if (jp_S.slots)
        for (int i = 0; i < JP_MAX_THREADS; i++) {
            jp_slot *s = &jp_S.slots[i];
            active += s->state == JP_SLOT_ACTIVE;
            if (s->state != JP_SLOT_FREE) {
                hns += __atomic_load_n(&s->handler_ns, __ATOMIC_RELAXED);
                hcalls += __atomic_load_n(&s->handler_calls, __ATOMIC_RELAXED);
            }
        }
    int mult = jp_S.period_mult > 0 ? jp_S.period_mult : 1;
    const char *clock = jp_S.wall ? "wall"
                        : jp_S.perf_threads > 0 && jp_S.timer_threads == 0 ? "task-clock"
                        : jp_S.perf_threads == 0 ? "cpu-timer" : "task-clock+cpu-timer";
    return Py_BuildValue("{sKsKsKsKsisisisisKsKsKsKsKsisisisisssssisK}",
                         "samples", (unsigned long long)jp_S.samples,
                         "dropped", (unsigned long long)jp_S.dropped,
                         "unresolved_code", (unsigned long long)jp_S.unresolved_code,
                         "timer_errors", (unsigned long long)jp_S.timer_errors,
                         "active_threads", active, "hz", jp_S.hz,
                         "wall", jp_S.wall, "native", jp_S.native,
                         "handler_calls", (unsigned long long)hcalls,
                         "handler_ns", (unsigned long long)hns,
                         "drains", (unsigned long long)jp_S.drains,
                         "drain_ns", (unsigned long long)jp_S.drain_ns,
                         "unwind_busy_skips", (unsigned long long)jp_unwind_busy_skips(),
                         "signal", jp_S.signo, "period_mult", mult,
                         "effective_hz", jp_S.hz / mult,
                         "signal_taken", jp_S.signal_lost || jp_signal_taken(),
                         "clock", clock,
                         "clock_fallback_reason",
                         jp_S.perf_errno ? strerror(jp_S.perf_errno) : "",
                         "clock_counts_kernel", jp_perf_counts_kernel(),
                         "hook_drains", (unsigned long long)jp_codes_hook_drains());
}

static PyObject *
sampler_drain(PyObject *mod, PyObject *noargs)
{
    (void)mod;
    (void)noargs;
    if (jp_S.running)
        jp_collector_drain();
    Py_RETURN_NONE;
}

static PyMethodDef sampler_methods[] = {
    {"sampler_start", (PyCFunction)(void (*)(void))sampler_start, METH_VARARGS | METH_KEYWORDS,
     "sampler_start(profile, hz=1000, wall=False, native=True, ring_kb=1024, root=None)\n"
     "root: a code object whose frame and its callers are left out of every stack."},
    {"sampler_stop", sampler_stop, METH_NOARGS, "Stop sampling; every sample is in the profile."},
    {"sampler_running", sampler_running, METH_NOARGS, "Whether a session is running."},
    {"sampler_yield_signal", sampler_yield_signal, METH_NOARGS,
     "The program is about to take the sampling signal over: stop every timer now "
     "(the session stays, without samples; sampler_stats()['signal_taken'] says so)."},
    {"sampler_release_signal", sampler_release_signal, METH_NOARGS,
     "After sampler_stop, before an exec: give the sampling signal its old disposition "
     "back, dropping an instance still pending (a later session installs it again)."},
    {"sampler_register_thread", sampler_register_thread, METH_VARARGS,
     "sampler_register_thread(name=''): sample the calling thread now."},
    {"sampler_ignore_thread", sampler_ignore_thread, METH_NOARGS,
     "Never sample the calling thread in this session (the profiler's own threads)."},
    {"sampler_stats", sampler_stats, METH_NOARGS, "Counters of the current/last session."},
    {"sampler_drain", sampler_drain, METH_NOARGS, "Move pending samples into the profile now."},
    {NULL, NULL, 0, NULL},
};

int jp_memory_module_init(PyObject *m);     /* memory.c */

int
jp_sampler_module_init(PyObject *m)
{
    if (jp_memory_module_init(m) < 0)
        return -1;
    return PyModule_AddFunctions(m, sampler_methods);
}
