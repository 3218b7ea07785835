/* sampler/unwind.h - native stack capture from a signal context. */
#ifndef JP_UNWIND_H
#define JP_UNWIND_H

#include <stdint.h>

/* Walk the interrupted thread's native stack from the signal's ucontext,
 * leaf first, into ips[0..max).  libunwind local unwinding; frames whose IP
 * lies in JIT code (jp_symbols_find) are stepped by their frame pointers.
 * Async-signal-safe; waits for another thread's handler to finish unwinding
 * while that one makes progress (at most 200 us without a step of it, 2 ms
 * in all), then returns only the interrupted address, marked truncated
 * (counted by jp_unwind_busy_skips).  Returns the number of frames;
 * *truncated is set when the stack was deeper than max. */
int jp_unwind_capture(void *ucontext, uint64_t *ips, int max, int *truncated);
/* The same from a normal context (getcontext), only as far as the caller
 * of the first run of JIT frames (or JP_TO_JIT_MAX frames without one):
 * allocation sampling (memory.c) takes the rest from the Python frames,
 * and a short walk costs a few microseconds, not a whole stack's. */
int jp_unwind_capture_to_jit(void *ucontext, uint64_t *ips, int max);
/* In a forked child: forget a turn held by a thread that did not survive. */
void jp_unwind_after_fork(void);
/* Samples taken with the interrupted address only for that, since the
 * process started. */
uint64_t jp_unwind_busy_skips(void);

#endif
