/* sampler/sampler.h - the sampler's shared state: thread slots, the
 * session configuration, and the entry points that its files give each
 * other.  One session at a time per process. */
#ifndef JP_SAMPLER_H
#define JP_SAMPLER_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "profiler/profile_data.h"
#include "sampler/ring.h"

#define JP_MAX_THREADS 1024

enum { JP_SLOT_FREE = 0, JP_SLOT_ACTIVE = 1, JP_SLOT_RETIRED = 2 };

typedef struct jp_slot {
    jp_ring ring;
    int state;              /* JP_SLOT_*, atomic */
    int busy;               /* handlers running on this slot, atomic */
    pid_t tid;
    timer_t timer;
    int has_timer;
    int seen;               /* mark of the last /proc scan */
    char name[64];
    int name_dirty;         /* name changed since the collector looked */
    uint64_t handler_ns;    /* time spent capturing (the profiler's own cost) */
    uint64_t handler_calls;
    int perf_fd;            /* CPU time through a task-clock event (perf_clock.h) */
    int has_perf;           /* instead of timer */
} jp_slot;

/* The clock that paces the samples (sampler_stats()["clock"]). */
enum { JP_CLOCK_WALL = 0, JP_CLOCK_PERF = 1, JP_CLOCK_CPU_TIMER = 2 };

typedef struct jp_session {
    int running;            /* atomic */
    int stop_requested;     /* atomic */
    int hz;
    int wall;
    int native;
    uint64_t ring_words;
    pid_t pid;
    jp_slot *slots;         /* JP_MAX_THREADS, calloc'ed, never moves */
    pthread_mutex_t slots_lock;     /* allocation of slots (not the handler) */
    pthread_t collector;
    pid_t collector_tid;
    PyInterpreterState *interp;     /* the collector's thread state's */
    PyThreadState *collector_ts;    /* created and deleted by the collector */
    PyObject *owner;        /* the ProfileData that owns profile */
    jp_profile *profile;
    uintptr_t root_code;    /* frames from this code object rootward are hidden */
    int draining;           /* the GIL holder is inside jp_collector_drain */
    uint64_t samples, dropped, unresolved_code, timer_errors;
    uint64_t drain_ns, drains;      /* time the collector held the GIL */
    uint64_t handler_ns, handler_calls;     /* of slots since reused */
    int signo;              /* the timers' signal: a free real-time one (signal_handler.c) */
    int period_mult;        /* atomic: timers tick at hz / period_mult (threads.c pacing) */
    uint64_t pace_ns, pace_calls;   /* handler totals at the last pacing decision */
    int pace_strikes;       /* consecutive windows over budget */
    int signal_lost;        /* the program took the signal over: no timers any more */
    int no_perf;            /* CPU time: task-clock refused (or not wanted): timers */
    uint64_t perf_threads, timer_threads;   /* threads armed each way */
    int perf_errno;         /* why task-clock was refused */
} jp_session;

extern jp_session jp_S;

/* signal_handler.c */
int jp_signal_install(void);            /* 0, or -1 with errno; sets jp_S.signo */
void jp_signal_restore(void);
int jp_signal_taken(void);              /* the program replaced our handler */
void jp_signal_release(void);           /* before exec: the old disposition, nothing pending */

/* threads.c */
int jp_threads_add(pid_t tid, const char *name);    /* 0 or -1 */
void jp_threads_scan(void);             /* follow /proc/self/task */
void jp_threads_stop_all(void);         /* delete every timer, wait handlers */
int jp_threads_ignore(pid_t tid);       /* never sample tid in this session */
void jp_threads_free_retired(void);     /* after a drain */
jp_slot *jp_threads_from_value(void *value);    /* async-signal-safe */
/* collector, every tick: lower the rate when handlers cost too much; stop
 * every timer when the program took the sampling signal over */
void jp_threads_pace(void);

/* collector.c */
int jp_collector_start(void);
void jp_collector_join(void);
void jp_collector_drain(void);          /* GIL held */
/* GIL held, during a drain: the merged stack of one capture (native ips
 * leaf first, Python (code, offset) pairs leaf first), interned into the
 * session's profile; a node id or JP_NONE.  memory.c shares it. */
uint32_t jp_collector_stack(const uint64_t *ips, uint32_t n_native,
                            const uint64_t *py, uint32_t n_py, uint64_t ts);
void jp_collector_reset_caches(void);   /* new profile: forget ids */
void jp_collector_after_fork(void);     /* in a forked child */
/* Called at the end of every drain, GIL held, with the session's profile
 * (the stream publisher, viz_server/, copies what is new).  NULL: none. */
extern void (*jp_drain_hook)(jp_profile *profile);

/* code_table.c (GIL held) */
int jp_codes_init(void);
void jp_codes_clear(void);
/* The code object for a sampled pointer taken at time ts, or NULL when it
 * was freed.  *transient: the object is being deallocated right now; read
 * it, but keep nothing keyed by its address. */
PyCodeObject *jp_codes_resolve(uintptr_t ptr, uint64_t ts, int *transient);
/* A drain starts: the new epoch (any thread).  At its end: forget deaths
 * whose dealloc ended before drain_start; every sample marked with an
 * epoch below the drain's is drained. */
uint32_t jp_codes_drain_begin(void);
void jp_codes_after_drain(uint64_t drain_start, uint32_t epoch);
/* The handler recorded a sample naming this code pointer (after its
 * commit; async-signal-safe). */
void jp_codes_mark(uintptr_t ptr);
uint64_t jp_codes_hook_drains(void);    /* drains forced by a dealloc */
uint64_t jp_now_ns(void);

#endif
