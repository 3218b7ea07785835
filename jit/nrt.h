/* jit/nrt.h - memory that jit code allocates: a reference-counted block
 * (meminfo) behind arrays and jitclass instances.  Compiled code
 * increfs/decrefs through the runtime; an array handed to Python owns one
 * reference through a capsule base.  A block can carry a destructor (a
 * jitclass releasing its fields), and can stand for a Python object it
 * keeps alive (an array from Python stored in a jitclass field). */
#ifndef JP_NRT_H
#define JP_NRT_H

#include <stdint.h>
#include <stddef.h>

typedef struct jp_meminfo {
    int64_t refcount;       /* atomic */
    void *data;             /* 64-byte aligned (or the adopted PyObject) */
    size_t size;
    void (*dtor)(void *data);   /* run before the data is freed, or NULL */
    int adopted;            /* 1: data is a PyObject reference, not malloc'd;
                             * 2: data lies in the same allocation, after the header */
    struct jp_meminfo *next_free;   /* nrt.c: the thread's pending-release list */
} jp_meminfo;

jp_meminfo *jp_nrt_alloc(int64_t nbytes);       /* refcount 1; NULL on failure */
/* Zeroed, with a destructor (jitclass instances). */
jp_meminfo *jp_nrt_alloc_dtor(int64_t nbytes, void (*dtor)(void *));
/* One allocation for header and data (16-byte aligned, uninitialised, no
 * destructor): small immutable blocks such as strings (str_runtime.c). */
jp_meminfo *jp_nrt_alloc_inline(int64_t nbytes);
/* A block that owns a reference to a Python object (taken with the GIL). */
jp_meminfo *jp_nrt_adopt(void *pyobject);
void jp_nrt_incref(jp_meminfo *mi);             /* NULL is a no-op */
void jp_nrt_decref(jp_meminfo *mi);
/* Allocation sampling (sampler/memory.c sets these while a memory session
 * runs): called with each new block, its data size and the allocating
 * entry point's frame (its __builtin_frame_address(0): frame[0] is the
 * caller's frame pointer, frame[1] the return address into the caller,
 * jit code that keeps frame pointers), and with each block released.
 * NULL: none. */
extern void (*jp_nrt_alloc_hook)(void *block, size_t size, void *const *frame);
extern void (*jp_nrt_free_hook)(void *block);
/* Live blocks, for leak tests. */
int64_t jp_nrt_live_count(void);
/* Blocks allocated since the process started (tests: no temporaries). */
int64_t jp_nrt_alloc_total(void);

#endif
