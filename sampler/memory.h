/* sampler/memory.h - allocation sampling: the bytes that compiled code
 * (jit/nrt.c) and NumPy (its PyDataMem handler, memory_numpy.c) allocate,
 * sampled by bytes and attributed to the stack that allocated them.
 *
 * Sampling is a Poisson process over allocated bytes (tcmalloc, memray and
 * Scalene do the same): each thread counts down a random number of bytes,
 * drawn from an exponential distribution whose mean is the interval
 * (256 KiB by default); the allocation that takes the count below zero is
 * sampled, and a fresh count is drawn.  An allocation of s bytes is so
 * sampled with probability p = 1 - exp(-s / interval), and stands for s / p
 * bytes and 1 / p allocations: the estimates are unbiased whatever the
 * sizes.
 *
 * Fast path (every allocation): one thread-local subtraction and a branch.
 * Fast path of a free: one probe of the table of sampled blocks still
 * live (lock-free reads).  Slow path (a sampled allocation, or the free of
 * a sampled block): takes the event lock, captures the Python frames (and
 * for compiled code, the native stack through jp_unwind_capture, with the
 * sampling signal blocked) into the event buffer.  Hooks run in normal
 * context, with or without the GIL, on any thread.
 *
 * The collector turns events into profile stacks (jp_collector_stack) at
 * each drain, GIL held (jp_memory_drain); Python takes them with
 * _core.memory_take().
 */
#ifndef JP_MEMORY_H
#define JP_MEMORY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>

extern int jp_mem_on;                       /* a memory session runs (atomic) */
extern unsigned jp_mem_gen;                 /* sessions started */
extern _Thread_local int64_t jp_mem_countdown;
extern _Thread_local unsigned jp_mem_thread_gen;    /* the session of the count */

/* Slow paths (memory.c). */
void jp_mem_sampled(void *key, size_t size, int native, void *const *frame);
void jp_mem_forget(void *key);

/* An allocation of size bytes, identified by key until jp_mem_free(key).
 * native: capture the native stack too (compiled code); frame: the
 * allocating entry point's frame (jit/nrt.h), whose caller, when it is jit
 * code, is walked by frame pointers without libunwind; or NULL. */
static inline void
jp_mem_alloc(void *key, size_t size, int native, void *const *frame)
{
    if (!__atomic_load_n(&jp_mem_on, __ATOMIC_RELAXED))
        return;
    if ((jp_mem_countdown -= (int64_t)size) > 0
        && jp_mem_thread_gen == __atomic_load_n(&jp_mem_gen, __ATOMIC_RELAXED))
        return;
    jp_mem_sampled(key, size, native, frame);
}

static inline void
jp_mem_free(void *key)
{
    if (__atomic_load_n(&jp_mem_on, __ATOMIC_RELAXED))
        jp_mem_forget(key);
}

/* Collector, GIL held, the session's profile set: events into stacks. */
void jp_memory_drain(void);

/* memory_numpy.c, GIL held: wrap NumPy's current allocator handler in this
 * thread's context (0, or -1 when NumPy's C API is not loaded: nothing
 * done, or with an exception set); starter: the session's thread, whose
 * handler jp_memory_numpy_restore puts back. */
int jp_memory_numpy_install(int starter);
void jp_memory_numpy_restore(void);
/* The handler capsule current in this thread's context (new reference) or
 * None. */
PyObject *jp_memory_numpy_current(void);

#endif
