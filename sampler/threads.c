/* sampler/threads.c - which threads are sampled: one slot per thread (its
 * ring and its timer), found by following /proc/self/task and by Python
 * threads registering themselves when they start.
 *
 * CPU-time mode opens a task-clock perf event on the thread
 * (perf_clock.h: sampled at the requested rate) or, where that is refused,
 * arms a timer on the thread's own CPU clock (scheduler ticks only);
 * wall-time mode a timer on CLOCK_MONOTONIC; either way the signal is
 * directed at that thread
 * (SIGEV_THREAD_ID) and carries its slot in si_value.  Slots are never
 * freed while the session lives; a slot is reused only after its timer is
 * deleted, no handler runs on it and its ring has been drained.
 *
 * Pacing (wall time): when the handlers' mean cost passes a quarter of the
 * period (10 kHz with native stacks on a loaded machine: a thread then does
 * little but take samples, and import numpy never ends), every timer's
 * period is doubled until it fits (judged over two windows of at least
 * JP_PACE_MIN_CALLS samples in a row); each tick then weighs period_mult
 * requested periods, so seconds stay right, and the effective rate is
 * reported (sampler_stats()["effective_hz"]).  The same tick stops every
 * timer once the program has put a handler of its own on the sampling
 * signal (sampler_stats()["signal_taken"]).
 */
#define _GNU_SOURCE
#include "sampler/sampler.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sampler/perf_clock.h"

jp_slot *
jp_threads_from_value(void *value)
{
    jp_slot *base = jp_S.slots;
    uintptr_t v = (uintptr_t)value, b = (uintptr_t)base;

    if (base == NULL || v < b || v >= b + JP_MAX_THREADS * sizeof(jp_slot)
        || (v - b) % sizeof(jp_slot) != 0)
        return NULL;
    return (jp_slot *)value;
}

static void
read_comm(pid_t tid, char *out, size_t cap)
{
    char path[64];
    int fd;
    ssize_t n;

    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    out[0] = '\0';
    if (fd < 0)
        return;
    n = read(fd, out, cap - 1);
    close(fd);
    if (n <= 0)
        n = 0;
    out[n] = '\0';
    if (n > 0 && out[n - 1] == '\n')
        out[n - 1] = '\0';
}

/* The timers' period now, in ns. */
static long
period_ns(void)
{
    int mult = __atomic_load_n(&jp_S.period_mult, __ATOMIC_RELAXED);
    return 1000000000L / jp_S.hz * (mult > 0 ? mult : 1);
}

static int
arm_timer(jp_slot *s)
{
    struct sigevent sev;
    struct itimerspec its;
    clockid_t clk;
    long ns = period_ns();

    if (!jp_S.wall && !jp_S.no_perf) {
        int fd = jp_perf_open(s->tid, jp_S.signo > 0 ? jp_S.signo : SIGPROF, ns, s);
        if (fd >= 0) {
            s->perf_fd = fd;
            s->has_perf = 1;
            jp_S.perf_threads++;
            return 0;
        }
        if (errno != ESRCH) {       /* not a thread that just ended */
            jp_S.perf_errno = errno;
            jp_S.no_perf = 1;
        }
    }
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = jp_S.signo > 0 ? jp_S.signo : SIGPROF;
    sev.sigev_value.sival_ptr = s;
    sev._sigev_un._tid = s->tid;
    /* the thread's CPU clock, as pthread_getcpuclockid builds it */
    clk = jp_S.wall ? CLOCK_MONOTONIC
                    : (clockid_t)((~(unsigned)s->tid << 3) | 6);
    if (timer_create(clk, &sev, &s->timer) < 0)
        return -1;
    s->has_timer = 1;
    its.it_interval.tv_sec = ns / 1000000000L;
    its.it_interval.tv_nsec = ns % 1000000000L;
    /* stagger the first tick so that threads do not fire in lockstep */
    its.it_value.tv_sec = 0;
    its.it_value.tv_nsec = 1 + (long)(((unsigned)s->tid * 2654435761u) % (unsigned)ns);
    if (timer_settime(s->timer, 0, &its, NULL) < 0) {
        timer_delete(s->timer);
        s->has_timer = 0;
        return -1;
    }
    if (!jp_S.wall)
        jp_S.timer_threads++;
    return 0;
}

/* Threads of the profiler's own front (the notebook widget's updater) that
 * ask not to be sampled: kept until the session stops. */
#define JP_MAX_IGNORED 16
static pid_t ignored[JP_MAX_IGNORED];
static int nignored;

static int
is_ignored(pid_t tid)
{
    for (int i = 0; i < nignored; i++)
        if (ignored[i] == tid)
            return 1;
    return 0;
}

static jp_slot *
find_slot(pid_t tid)
{
    for (int i = 0; i < JP_MAX_THREADS; i++) {
        jp_slot *s = &jp_S.slots[i];
        if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == JP_SLOT_ACTIVE
            && s->tid == tid)
            return s;
    }
    return NULL;
}

int
jp_threads_add(pid_t tid, const char *name)
{
    jp_slot *s = NULL;
    int rc = -1;

    if (tid == jp_S.collector_tid || jp_S.slots == NULL || jp_S.signal_lost)
        return 0;
    pthread_mutex_lock(&jp_S.slots_lock);
    if (is_ignored(tid) || jp_S.signal_lost) {
        rc = 0;
        goto out;
    }
    s = find_slot(tid);
    if (s != NULL) {
        if (name && name[0]) {
            snprintf(s->name, sizeof s->name, "%s", name);
            s->name_dirty = 1;
        }
        s->seen = 1;
        rc = 0;
        goto out;
    }
    for (int i = 0; i < JP_MAX_THREADS; i++) {
        if (__atomic_load_n(&jp_S.slots[i].state, __ATOMIC_ACQUIRE) == JP_SLOT_FREE) {
            s = &jp_S.slots[i];
            break;
        }
    }
    if (s == NULL)
        goto out;
    if (s->ring.buf == NULL && jp_ring_init(&s->ring, jp_S.ring_words) < 0)
        goto out;
    jp_ring_reset(&s->ring);
    s->tid = tid;
    s->seen = 1;
    if (name && name[0])
        snprintf(s->name, sizeof s->name, "%s", name);
    else
        read_comm(tid, s->name, sizeof s->name);
    s->name_dirty = 1;
    __atomic_store_n(&s->state, JP_SLOT_ACTIVE, __ATOMIC_SEQ_CST);
    if (arm_timer(s) < 0) {
        __atomic_store_n(&s->state, JP_SLOT_FREE, __ATOMIC_SEQ_CST);
        jp_S.timer_errors++;
        goto out;
    }
    rc = 0;
out:
    pthread_mutex_unlock(&jp_S.slots_lock);
    return rc;
}

/* Stop sampling one slot: no handler may use it after this returns. */
static void
retire(jp_slot *s)
{
    __atomic_store_n(&s->state, JP_SLOT_RETIRED, __ATOMIC_SEQ_CST);
    if (s->has_timer) {
        timer_delete(s->timer);     /* also discards a pending signal */
        s->has_timer = 0;
    }
    while (__atomic_load_n(&s->busy, __ATOMIC_SEQ_CST) != 0)
        sched_yield();
    /* after the handlers: none re-arms a closed (maybe reused) fd */
    if (s->has_perf) {
        jp_perf_close(s->perf_fd);  /* a signal still queued finds no slot */
        s->has_perf = 0;
    }
}

/* One entry of getdents64(2). */
struct jp_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Follows /proc/self/task with getdents64 on a stack buffer, not opendir:
 * no malloc, so a forked child's collector cannot block on an allocator
 * lock that a thread of its parent held at the fork (AddressSanitizer's
 * allocator has no fork handlers: the child's os._exit then waited forever
 * for this thread). */
void
jp_threads_scan(void)
{
    char buf[4096] __attribute__((aligned(8)));
    int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    long n;

    if (fd < 0)
        return;
    pthread_mutex_lock(&jp_S.slots_lock);
    for (int i = 0; i < JP_MAX_THREADS; i++)
        jp_S.slots[i].seen = 0;
    pthread_mutex_unlock(&jp_S.slots_lock);
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < n;) {
            struct jp_dirent64 *e = (struct jp_dirent64 *)(buf + off);
            pid_t tid = (pid_t)atoi(e->d_name);
            if (tid > 0)
                jp_threads_add(tid, NULL);
            off += e->d_reclen;
        }
    }
    close(fd);
    pthread_mutex_lock(&jp_S.slots_lock);
    for (int i = 0; i < JP_MAX_THREADS; i++) {
        jp_slot *s = &jp_S.slots[i];
        if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == JP_SLOT_ACTIVE && !s->seen)
            retire(s);
    }
    pthread_mutex_unlock(&jp_S.slots_lock);
}

/* Stop sampling thread tid and never sample it again in this session;
 * 0, or -1 when the list is full. */
int
jp_threads_ignore(pid_t tid)
{
    int rc = 0;
    jp_slot *s;

    if (jp_S.slots == NULL)
        return 0;
    pthread_mutex_lock(&jp_S.slots_lock);
    if (!is_ignored(tid)) {
        if (nignored < JP_MAX_IGNORED)
            ignored[nignored++] = tid;
        else
            rc = -1;
    }
    if (rc == 0 && (s = find_slot(tid)) != NULL)
        retire(s);
    pthread_mutex_unlock(&jp_S.slots_lock);
    return rc;
}

void
jp_threads_stop_all(void)
{
    pthread_mutex_lock(&jp_S.slots_lock);
    for (int i = 0; i < JP_MAX_THREADS; i++) {
        jp_slot *s = &jp_S.slots[i];
        if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == JP_SLOT_ACTIVE)
            retire(s);
    }
    nignored = 0;
    pthread_mutex_unlock(&jp_S.slots_lock);
}

void
jp_threads_free_retired(void)
{
    pthread_mutex_lock(&jp_S.slots_lock);
    for (int i = 0; i < JP_MAX_THREADS; i++) {
        jp_slot *s = &jp_S.slots[i];
        if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == JP_SLOT_RETIRED
            && jp_ring_peek(&s->ring) == NULL) {
            jp_S.handler_ns += s->handler_ns;
            jp_S.handler_calls += s->handler_calls;
            s->handler_ns = s->handler_calls = 0;
            __atomic_store_n(&s->state, JP_SLOT_FREE, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&jp_S.slots_lock);
}

/* Lowest rate pacing goes down to (or the requested one, if lower). */
#define JP_PACE_MIN_HZ 100
/* Handler calls a pacing decision needs. */
#define JP_PACE_MIN_CALLS 64

void
jp_threads_pace(void)
{
    uint64_t ns = jp_S.handler_ns, calls = jp_S.handler_calls, dns, dcalls;
    int mult = __atomic_load_n(&jp_S.period_mult, __ATOMIC_RELAXED);
    long period;
    struct itimerspec its;

    /* the program installed its own handler for our signal: our ticks
     * would land in it, so sampling ends here (the report says so) */
    if (jp_S.slots != NULL && !jp_S.signal_lost && jp_signal_taken()) {
        jp_S.signal_lost = 1;
        jp_threads_stop_all();
        return;
    }
    /* CPU-clock timers fire at most once per scheduler tick and a thread's
     * handler time is CPU time that delays its next tick: only wall time
     * and task-clock events can outrun the handlers */
    if (jp_S.slots == NULL || (!jp_S.wall && jp_S.perf_threads == 0)
        || jp_S.hz / (mult * 2) < JP_PACE_MIN_HZ)
        return;
    pthread_mutex_lock(&jp_S.slots_lock);
    for (int i = 0; i < JP_MAX_THREADS; i++) {
        jp_slot *s = &jp_S.slots[i];
        if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != JP_SLOT_FREE) {
            ns += __atomic_load_n(&s->handler_ns, __ATOMIC_RELAXED);
            calls += __atomic_load_n(&s->handler_calls, __ATOMIC_RELAXED);
        }
    }
    dns = ns - jp_S.pace_ns;
    dcalls = calls - jp_S.pace_calls;
    period = period_ns();
    if (dcalls >= JP_PACE_MIN_CALLS) {
        jp_S.pace_ns = ns;
        jp_S.pace_calls = calls;
        /* mean cost above a quarter of the period in two windows running
         * (one alone may be the first unwinds, which fill libunwind's and
         * the loader's caches): halve the rate */
        if (dns * 4 <= dcalls * (uint64_t)period)
            jp_S.pace_strikes = 0;
        else if (++jp_S.pace_strikes >= 2) {
            jp_S.pace_strikes = 0;
            __atomic_store_n(&jp_S.period_mult, mult * 2, __ATOMIC_RELAXED);
            period = period_ns();
            its.it_interval.tv_sec = its.it_value.tv_sec = period / 1000000000L;
            its.it_interval.tv_nsec = its.it_value.tv_nsec = period % 1000000000L;
            for (int i = 0; i < JP_MAX_THREADS; i++) {
                jp_slot *s = &jp_S.slots[i];
                if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != JP_SLOT_ACTIVE)
                    continue;
                if (s->has_timer)
                    timer_settime(s->timer, 0, &its, NULL);
                if (s->has_perf)
                    jp_perf_set_period(s->perf_fd, period);
            }
        }
    }
    pthread_mutex_unlock(&jp_S.slots_lock);
}
