/* sampler/unwind.c - native stack capture for the signal handler.
 *
 * libunwind (local-only, UNW_INIT_SIGNAL_FRAME) steps through code that has
 * unwind tables.  JIT code has none that libunwind can find, but it keeps
 * frame pointers, so while the IP is inside a registered JIT range we walk
 * the rbp chain ourselves, then restart libunwind from the first non-JIT
 * return address with a context built from the recovered registers.
 *
 * One thread at a time: libunwind holds its cache lock while it calls
 * dl_iterate_phdr (the loader's lock).  A second handler waiting for that
 * cache lock in a thread that was interrupted inside dl_iterate_phdr (the
 * collector symbolizing, an import's dlopen) would wait forever for the
 * first, which waits for the loader lock that thread holds.  So a handler
 * that finds another one unwinding waits for its turn as long as that one
 * makes progress (it counts its steps), but gives up after 200 us without a
 * step, or 2 ms in all, and then records only the interrupted address.
 * (A fixed 200 us made one thread lose every native frame when another
 * thread, sampled on the same tick, unwound more slowly than that: issue
 * 13, item 21.)
 */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

#include "jit/symbols.h"
#include "sampler/unwind.h"

/* How far above the stack pointer a frame pointer may plausibly point. */
#define JP_MAX_FRAME_SPAN (64u << 20)

/* Step through consecutive JIT frames by their frame pointers.  On entry
 * *ip is in JIT code and has been recorded; on return ip, sp and bp describe
 * the first caller outside JIT code (recorded as well), or 0 is returned
 * when the chain is implausible. */
static int
walk_jit_frames(uint64_t *ips, int *n, int max, unw_word_t *ip,
                unw_word_t *sp, unw_word_t *bp)
{
    for (;;) {
        unw_word_t fp = *bp, next_ip, next_bp;

        if (fp == 0 || (fp & 7) != 0 || fp < *sp
            || fp - *sp > JP_MAX_FRAME_SPAN)
            return 0;
        next_bp = ((unw_word_t *)fp)[0];
        next_ip = ((unw_word_t *)fp)[1];
        if (next_ip < 4096)
            return 0;
        *sp = fp + 16;
        *bp = next_bp;
        *ip = next_ip;
        if (*n >= max)
            return 0;
        ips[(*n)++] = next_ip;
        if (jp_symbols_find(next_ip - 1) == NULL)
            return 1;
    }
}

static int unwinding;           /* a handler is inside libunwind */
static unsigned long progress;  /* its steps, for the handlers waiting */
static uint64_t busy_skips;     /* samples taken without a full native stack */

/* to_jit: stop at the first caller of the first run of JIT frames, or after
 * JP_TO_JIT_MAX frames without one (jp_unwind_capture_to_jit). */
#define JP_TO_JIT_MAX 24

static int
unwind(void *ucontext, uint64_t *ips, int max, int *truncated, int to_jit)
{
    unw_cursor_t cursor;
    ucontext_t resumed;
    int n = 0;

    *truncated = 0;
    if (unw_init_local2(&cursor, (unw_context_t *)ucontext,
                        UNW_INIT_SIGNAL_FRAME) < 0)
        return 0;
    for (;;) {
        unw_word_t ip = 0, sp = 0, bp = 0;

        if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 || ip == 0)
            break;
        if (n >= max) {
            *truncated = 1;
            break;
        }
        ips[n++] = ip;
        if (jp_symbols_find(n == 1 ? ip : ip - 1) != NULL) {
            unw_get_reg(&cursor, UNW_REG_SP, &sp);
            unw_get_reg(&cursor, UNW_X86_64_RBP, &bp);
            if (!walk_jit_frames(ips, &n, max, &ip, &sp, &bp) || to_jit)
                break;
            /* Resume libunwind at the first non-JIT caller; its callee-saved
             * registers other than rbp are unknown, which CFI-based
             * unwinding of the frames above rarely needs. */
            memcpy(&resumed, ucontext, sizeof resumed);
            resumed.uc_mcontext.gregs[REG_RIP] = (greg_t)ip;
            resumed.uc_mcontext.gregs[REG_RSP] = (greg_t)sp;
            resumed.uc_mcontext.gregs[REG_RBP] = (greg_t)bp;
            if (unw_init_local2(&cursor, (unw_context_t *)&resumed, 0) < 0)
                break;
        }
        if ((to_jit && n >= JP_TO_JIT_MAX) || unw_step(&cursor) <= 0)
            break;
        __atomic_add_fetch(&progress, 1, __ATOMIC_RELAXED);
    }
    return n;
}

/* Wait for the other handler while it steps (an unwind takes 10-100 us),
 * but never longer than JP_UNWIND_STALL_NS without a step of it (it may be
 * waiting for a lock this thread holds) nor JP_UNWIND_WAIT_NS in all. */
#define JP_UNWIND_STALL_NS 200000
#define JP_UNWIND_WAIT_NS 2000000

static long
ns_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

static int
take_turn(void)
{
    struct timespec t0, seen_at, t;
    unsigned long seen;

    if (!__atomic_exchange_n(&unwinding, 1, __ATOMIC_ACQUIRE))
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    seen_at = t0;
    seen = __atomic_load_n(&progress, __ATOMIC_RELAXED);
    for (;;) {
        unsigned long now_seen;
        for (int i = 0; i < 64; i++) {
            __builtin_ia32_pause();
            if (!__atomic_load_n(&unwinding, __ATOMIC_RELAXED)
                && !__atomic_exchange_n(&unwinding, 1, __ATOMIC_ACQUIRE))
                return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
        now_seen = __atomic_load_n(&progress, __ATOMIC_RELAXED);
        if (now_seen != seen) {
            seen = now_seen;
            seen_at = t;
        }
        if (ns_between(&seen_at, &t) > JP_UNWIND_STALL_NS
            || ns_between(&t0, &t) > JP_UNWIND_WAIT_NS)
            return 0;
    }
}

int
jp_unwind_capture(void *ucontext, uint64_t *ips, int max, int *truncated)
{
    int n;

    *truncated = 0;
    if (!take_turn()) {
        /* the interrupted address at least (no libunwind needed): the
         * sample keeps its leaf function and its category */
        __atomic_add_fetch(&busy_skips, 1, __ATOMIC_RELAXED);
        if (max < 1)
            return 0;
        ips[0] = (uint64_t)((ucontext_t *)ucontext)->uc_mcontext.gregs[REG_RIP];
        *truncated = ips[0] != 0;
        return ips[0] != 0;
    }
    n = unwind(ucontext, ips, max, truncated, 0);
    __atomic_store_n(&unwinding, 0, __ATOMIC_RELEASE);
    return n;
}

int
jp_unwind_capture_to_jit(void *ucontext, uint64_t *ips, int max)
{
    int n, truncated = 0;

    if (!take_turn())
        return 0;
    n = unwind(ucontext, ips, max, &truncated, 1);
    __atomic_store_n(&unwinding, 0, __ATOMIC_RELEASE);
    return n;
}

void
jp_unwind_after_fork(void)
{
    /* a handler of another thread may have held the turn at the fork:
     * that thread is gone, and the child would never unwind again */
    __atomic_store_n(&unwinding, 0, __ATOMIC_RELEASE);
}

uint64_t
jp_unwind_busy_skips(void)
{
    return __atomic_load_n(&busy_skips, __ATOMIC_RELAXED);
}
