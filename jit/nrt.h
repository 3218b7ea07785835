/* jit/nrt.h - memory of arrays that jit code allocates: a reference-counted
 * block (meminfo).  Compiled code increfs/decrefs through the runtime; an
 * array handed to Python owns one reference through a capsule base. */
#ifndef JP_NRT_H
#define JP_NRT_H

#include <stdint.h>
#include <stddef.h>

typedef struct jp_meminfo {
    int64_t refcount;       /* atomic */
    void *data;             /* 64-byte aligned */
    size_t size;
} jp_meminfo;

jp_meminfo *jp_nrt_alloc(int64_t nbytes);       /* refcount 1; NULL on failure */
void jp_nrt_incref(jp_meminfo *mi);             /* NULL is a no-op */
void jp_nrt_decref(jp_meminfo *mi);
/* Live blocks, for leak tests. */
int64_t jp_nrt_live_count(void);

#endif
