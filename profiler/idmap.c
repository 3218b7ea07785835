/* profiler/idmap.c - see idmap.h. */
#include "profiler/idmap.h"

#include <stdlib.h>

static size_t
slot_of(uint64_t k0, uint64_t k1, size_t cap)
{
    uint64_t h = k0 * 0x9E3779B97F4A7C15ull ^ (k1 + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    return (size_t)h & (cap - 1);
}

uint64_t
jp_hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

void
jp_idmap_free(jp_idmap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->used = 0;
}

uint32_t
jp_idmap_get(const jp_idmap *m, uint64_t k0, uint64_t k1)
{
    if (m->cap == 0)
        return UINT32_MAX;
    for (size_t i = slot_of(k0, k1, m->cap);; i = (i + 1) & (m->cap - 1)) {
        const jp_idmap_entry *e = &m->slots[i];
        if (e->id == UINT32_MAX)
            return UINT32_MAX;
        if (e->k0 == k0 && e->k1 == k1)
            return e->id;
    }
}

static int
grow(jp_idmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 256;
    jp_idmap_entry *ns = malloc(ncap * sizeof *ns);

    if (ns == NULL)
        return -1;
    for (size_t i = 0; i < ncap; i++)
        ns[i].id = UINT32_MAX;
    for (size_t i = 0; i < m->cap; i++) {
        jp_idmap_entry *e = &m->slots[i];
        size_t j;
        if (e->id == UINT32_MAX)
            continue;
        for (j = slot_of(e->k0, e->k1, ncap); ns[j].id != UINT32_MAX;
             j = (j + 1) & (ncap - 1))
            ;
        ns[j] = *e;
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return 0;
}

int
jp_idmap_put(jp_idmap *m, uint64_t k0, uint64_t k1, uint32_t id)
{
    size_t i;

    if ((m->used + 1) * 4 > m->cap * 3 && grow(m) < 0)
        return -1;
    for (i = slot_of(k0, k1, m->cap); m->slots[i].id != UINT32_MAX;
         i = (i + 1) & (m->cap - 1))
        ;
    m->slots[i].k0 = k0;
    m->slots[i].k1 = k1;
    m->slots[i].id = id;
    m->used++;
    return 0;
}
