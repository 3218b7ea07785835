/* jit/nrt.c - the reference-counted memory blocks behind arrays and
 * jitclass instances allocated in jit code (see nrt.h).  Atomics only:
 * safe without the GIL, except adopted Python objects, whose release takes
 * the GIL. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "jit/nrt.h"

#include <stdlib.h>
#include <string.h>

static int64_t live;
static int64_t allocated;       /* blocks allocated since the process started */
void (*jp_nrt_alloc_hook)(void *block, size_t size, void *const *frame);
void (*jp_nrt_free_hook)(void *block);

static jp_meminfo *
new_block(int64_t nbytes, int zeroed, void *const *frame)
{
    jp_meminfo *mi;
    size_t size, rounded;
    if (nbytes < 0)
        return NULL;
    size = (size_t)nbytes;
    mi = malloc(sizeof *mi);
    if (mi == NULL)
        return NULL;
    /* aligned_alloc wants a multiple of the alignment (and never 0 bytes) */
    rounded = size ? (size + 63) & ~(size_t)63 : 64;
    mi->data = aligned_alloc(64, rounded);
    if (mi->data == NULL) {
        free(mi);
        return NULL;
    }
    if (zeroed)
        memset(mi->data, 0, rounded);
    mi->refcount = 1;
    mi->size = size;
    mi->dtor = NULL;
    mi->adopted = 0;
    __atomic_add_fetch(&live, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&allocated, 1, __ATOMIC_RELAXED);
    if (jp_nrt_alloc_hook != NULL)
        jp_nrt_alloc_hook(mi, size, frame);
    return mi;
}

jp_meminfo *
jp_nrt_alloc(int64_t nbytes)
{
    return new_block(nbytes, 0, __builtin_frame_address(0));
}

jp_meminfo *
jp_nrt_alloc_dtor(int64_t nbytes, void (*dtor)(void *))
{
    jp_meminfo *mi = new_block(nbytes, 1, __builtin_frame_address(0));
    if (mi)
        mi->dtor = dtor;
    return mi;
}

jp_meminfo *
jp_nrt_alloc_inline(int64_t nbytes)
{
    jp_meminfo *mi;
    size_t head = (sizeof *mi + 15) & ~(size_t)15;
    if (nbytes < 0 || (uint64_t)nbytes > SIZE_MAX - head)
        return NULL;
    if ((mi = malloc(head + (size_t)nbytes)) == NULL)
        return NULL;
    mi->refcount = 1;
    mi->data = (char *)mi + head;
    mi->size = (size_t)nbytes;
    mi->dtor = NULL;
    mi->adopted = 2;
    __atomic_add_fetch(&live, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&allocated, 1, __ATOMIC_RELAXED);
    if (jp_nrt_alloc_hook != NULL)
        jp_nrt_alloc_hook(mi, (size_t)nbytes, __builtin_frame_address(0));
    return mi;
}

jp_meminfo *
jp_nrt_adopt(void *pyobject)
{
    jp_meminfo *mi;
    PyGILState_STATE st;
    if (pyobject == NULL)
        return NULL;
    mi = malloc(sizeof *mi);
    if (mi == NULL)
        return NULL;
    st = PyGILState_Ensure();
    Py_INCREF((PyObject *)pyobject);
    PyGILState_Release(st);
    mi->refcount = 1;
    mi->data = pyobject;
    mi->size = 0;
    mi->dtor = NULL;
    mi->adopted = 1;
    __atomic_add_fetch(&live, 1, __ATOMIC_RELAXED);
    return mi;
}

void
jp_nrt_incref(jp_meminfo *mi)
{
    if (mi)
        __atomic_add_fetch(&mi->refcount, 1, __ATOMIC_RELAXED);
}

/* Releasing a block runs its destructor, which may release the blocks its
 * fields hold (a linked list of jitclass nodes, a list of lists).  Done
 * recursively, a list of a million nodes overflows the C stack; so a block
 * whose count reaches zero goes on this thread's pending list, and only the
 * outermost release on the thread drains it: the C stack stays one
 * destructor deep whatever the nesting. */
static _Thread_local jp_meminfo *pending;
static _Thread_local int draining;

static void
release_block(jp_meminfo *mi)
{
    if (mi->adopted == 1) {
        PyGILState_STATE st = PyGILState_Ensure();
        Py_DECREF((PyObject *)mi->data);
        PyGILState_Release(st);
    } else if (mi->adopted == 2) {
        if (mi->dtor)
            mi->dtor(mi->data);
    } else {
        if (mi->dtor)
            mi->dtor(mi->data);
        free(mi->data);
    }
    if (jp_nrt_free_hook != NULL)
        jp_nrt_free_hook(mi);
    free(mi);
    __atomic_sub_fetch(&live, 1, __ATOMIC_RELAXED);
}

void
jp_nrt_decref(jp_meminfo *mi)
{
    if (mi == NULL || __atomic_sub_fetch(&mi->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    mi->next_free = pending;
    pending = mi;
    if (draining)
        return;         /* an outer jp_nrt_decref on this thread frees it */
    draining = 1;
    while (pending != NULL) {
        mi = pending;
        pending = mi->next_free;
        release_block(mi);
    }
    draining = 0;
}

int64_t
jp_nrt_live_count(void)
{
    return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

int64_t
jp_nrt_alloc_total(void)
{
    return __atomic_load_n(&allocated, __ATOMIC_RELAXED);
}
