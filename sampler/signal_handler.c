/* sampler/signal_handler.c - the sampling signal's handler: one sample of
 * the interrupted thread into its ring.  Nothing else happens here: no
 * allocation, no locks, no reference counts, no C-API beyond a
 * thread-specific-data read.  Signals that are not our timers' are passed
 * to the previous handler.
 *
 * The signal is not SIGPROF but a real-time signal nobody handles, taken
 * from the top of the range: a program's own SIGPROF (a handler, an
 * ITIMER_PROF, SIG_IGN then SIG_DFL) then works as if the profiler were not
 * there, and exec clears the per-thread timers that raise ours. */
#define _GNU_SOURCE
#include "sampler/sampler.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sampler/perf_clock.h"
#include "sampler/pyframes.h"
#include "sampler/sample.h"
#include "sampler/unwind.h"

static struct sigaction old_action;
static int installed;

static void
capture(jp_slot *slot, void *uc, int overrun)
{
    const uint64_t want = JP_SAMPLE_HDR_WORDS + JP_MAX_NATIVE + 2 * JP_MAX_PYFRAMES;
    uint64_t got = 0, room;
    uint64_t *rec = jp_ring_reserve(&slot->ring, JP_SAMPLE_HDR_WORDS + 8,
                                    want < slot->ring.capacity / 4 ? want
                                    : slot->ring.capacity / 4, &got);
    int n_native = 0, n_py = 0, trunc = 0;
    unsigned flags = 0;
    void *tstate;
    struct timespec now, done;
    uint64_t cost;

    if (rec == NULL)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);   /* when the chain is read */
    room = got - JP_SAMPLE_HDR_WORDS;
    if (jp_S.native) {
        int max = room / 2 < JP_MAX_NATIVE ? (int)(room / 2) : JP_MAX_NATIVE;
        n_native = jp_unwind_capture(uc, rec + JP_SAMPLE_HDR_WORDS, max, &trunc);
        if (trunc)
            flags |= JP_SF_NATIVE_TRUNC;
        room -= (uint64_t)n_native;
    } else {
        flags |= JP_SF_NO_NATIVE;
    }
    tstate = jp_pyframes_tstate();
    if (tstate != NULL) {
        int max = room / 2 < JP_MAX_PYFRAMES ? (int)(room / 2) : JP_MAX_PYFRAMES;
        flags |= JP_SF_HAS_PY;
        n_py = jp_pyframes_capture(tstate, rec + JP_SAMPLE_HDR_WORDS + n_native,
                                   max, &trunc);
        if (trunc)
            flags |= JP_SF_PY_TRUNC;
    }
    rec[1] = (uint64_t)(uint32_t)n_native | (uint64_t)(uint32_t)n_py << 32;
    rec[2] = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
    rec[0] = JP_REC_WORD0(JP_REC_SAMPLE,
                          JP_SAMPLE_HDR_WORDS + n_native + 2 * n_py)
             | (uint64_t)flags << 32
             | (uint64_t)(overrun < 0 ? 0 : overrun > 0xffff ? 0xffff : overrun) << 40;
    jp_ring_commit(&slot->ring, JP_SAMPLE_HDR_WORDS + n_native + 2 * (uint64_t)n_py);
    /* the commit, then the epoch read (code_table.c: a dealloc drains
     * first when one of these pointers dies before the next drain) */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (int i = 0; i < n_py; i++)
        jp_codes_mark((uintptr_t)rec[JP_SAMPLE_HDR_WORDS + n_native + 2 * i]);
    clock_gettime(CLOCK_MONOTONIC, &done);
    cost = (uint64_t)(done.tv_sec - now.tv_sec) * 1000000000ull
           + (uint64_t)done.tv_nsec - (uint64_t)now.tv_nsec;
    /* the handler's cost, for pacing.  Sampling CPU time, a handler that
     * was descheduled on a loaded machine cost the thread no CPU: counted
     * at most one period (CLOCK_THREAD_CPUTIME_ID would say it exactly,
     * but it is a system call, about 3 us here, twice per sample) */
    if (!jp_S.wall && jp_S.hz > 0 && cost > 1000000000ull / (uint64_t)jp_S.hz)
        cost = 1000000000ull / (uint64_t)jp_S.hz;
    slot->handler_ns += cost;
    slot->handler_calls++;
}

static void
on_sigprof(int sig, siginfo_t *si, void *uc)
{
    int saved_errno = errno;
    jp_slot *slot = NULL;
    int perf = 0;

    if (si != NULL && si->si_code == SI_TIMER)
        slot = jp_threads_from_value(si->si_value.sival_ptr);
    else if (si != NULL && si->si_code >= POLL_IN && si->si_code <= POLL_HUP) {
        slot = jp_perf_slot(si->si_fd);     /* a task-clock event's overflow */
        perf = 1;
    }
    if (slot == NULL) {
        /* not one of ours: hand it to whoever had SIGPROF before */
        if ((old_action.sa_flags & SA_SIGINFO) && old_action.sa_sigaction)
            old_action.sa_sigaction(sig, si, uc);
        else if (old_action.sa_handler != SIG_DFL
                 && old_action.sa_handler != SIG_IGN && old_action.sa_handler)
            old_action.sa_handler(sig);
        errno = saved_errno;
        return;
    }
    __atomic_add_fetch(&slot->busy, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&slot->state, __ATOMIC_SEQ_CST) == JP_SLOT_ACTIVE
        && slot->tid == (pid_t)gettid()) {
        /* a paced timer's tick stands for period_mult requested periods */
        int mult = __atomic_load_n(&jp_S.period_mult, __ATOMIC_RELAXED);
        capture(slot, uc, perf ? (mult > 0 ? mult : 1) - 1
                                : (si->si_overrun + 1) * (mult > 0 ? mult : 1) - 1);
        if (perf && slot->has_perf && slot->perf_fd == si->si_fd)
            jp_perf_rearm(si->si_fd);       /* one overflow at a time (perf_clock.c) */
    }
    __atomic_sub_fetch(&slot->busy, 1, __ATOMIC_SEQ_CST);
    errno = saved_errno;
}

/* The highest real-time signal left at its default (glibc keeps the lowest
 * ones); SIGPROF only when every one is taken. */
static int
pick_signal(void)
{
    for (int sig = SIGRTMAX; sig >= SIGRTMIN + 4; sig--) {
        struct sigaction cur;
        if (sigaction(sig, NULL, &cur) == 0 && !(cur.sa_flags & SA_SIGINFO)
            && cur.sa_handler == SIG_DFL)
            return sig;
    }
    return SIGPROF;
}

int
jp_signal_install(void)
{
    struct sigaction sa;

    if (installed)
        return 0;           /* left in place by the last session: same signal */
    jp_S.signo = pick_signal();
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigprof;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(jp_S.signo, &sa, &old_action) < 0)
        return -1;
    installed = 1;
    return 0;
}

void
jp_signal_restore(void)
{
    /* Leave our handler in place when the old disposition was the default
     * (terminate): a timer signal still in flight must not kill the
     * process.  Inactive, the handler only forwards foreign signals. */
    if (!installed)
        return;
    if (old_action.sa_handler == SIG_DFL && !(old_action.sa_flags & SA_SIGINFO))
        return;
    sigaction(jp_S.signo, &old_action, NULL);
    installed = 0;
}

int
jp_signal_taken(void)
{
    struct sigaction cur;

    if (!installed || sigaction(jp_S.signo, NULL, &cur) < 0)
        return 0;
    return !(cur.sa_flags & SA_SIGINFO) || cur.sa_sigaction != on_sigprof;
}

void
jp_signal_release(void)
{
    struct sigaction ign;

    if (!installed)
        return;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(jp_S.signo, &ign, NULL);      /* drops an instance still pending */
    sigaction(jp_S.signo, &old_action, NULL);
    installed = 0;
}
