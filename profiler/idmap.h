/* profiler/idmap.h - an open-addressing hash map from a 128-bit key to a
 * 32-bit id: the interning tables of the profile (frames, call-tree nodes,
 * functions, strings by hash). */
#ifndef JP_IDMAP_H
#define JP_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct jp_idmap_entry {
    uint64_t k0, k1;
    uint32_t id;            /* UINT32_MAX: empty */
} jp_idmap_entry;

typedef struct jp_idmap {
    jp_idmap_entry *slots;
    size_t cap;             /* power of two */
    size_t used;
} jp_idmap;

void jp_idmap_free(jp_idmap *m);
/* The id stored for (k0, k1), or UINT32_MAX. */
uint32_t jp_idmap_get(const jp_idmap *m, uint64_t k0, uint64_t k1);
/* Store id for (k0, k1) (which must be absent).  0, or -1 without memory. */
int jp_idmap_put(jp_idmap *m, uint64_t k0, uint64_t k1, uint32_t id);
uint64_t jp_hash_bytes(const void *p, size_t n);

#endif
