/* jit/nrt.c - the reference-counted memory blocks behind arrays allocated
 * in jit code (see nrt.h).  Pure C with atomics: safe without the GIL. */
#include "jit/nrt.h"

#include <stdlib.h>
#include <string.h>

static int64_t live;

jp_meminfo *
jp_nrt_alloc(int64_t nbytes)
{
    jp_meminfo *mi;
    size_t size;
    if (nbytes < 0)
        return NULL;
    size = (size_t)nbytes;
    mi = malloc(sizeof *mi);
    if (mi == NULL)
        return NULL;
    /* aligned_alloc wants a multiple of the alignment (and never 0 bytes) */
    mi->data = aligned_alloc(64, size ? (size + 63) & ~(size_t)63 : 64);
    if (mi->data == NULL) {
        free(mi);
        return NULL;
    }
    mi->refcount = 1;
    mi->size = size;
    __atomic_add_fetch(&live, 1, __ATOMIC_RELAXED);
    return mi;
}

void
jp_nrt_incref(jp_meminfo *mi)
{
    if (mi)
        __atomic_add_fetch(&mi->refcount, 1, __ATOMIC_RELAXED);
}

void
jp_nrt_decref(jp_meminfo *mi)
{
    if (mi && __atomic_sub_fetch(&mi->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
        free(mi->data);
        free(mi);
        __atomic_sub_fetch(&live, 1, __ATOMIC_RELAXED);
    }
}

int64_t
jp_nrt_live_count(void)
{
    return __atomic_load_n(&live, __ATOMIC_RELAXED);
}
