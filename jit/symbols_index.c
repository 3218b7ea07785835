/* jit/symbols_index.c - the address index of the JIT symbol registry: find
 * the symbol containing an address in O(log n), from a signal handler.
 *
 * The sampler looks up every native frame of every sample here, with the
 * one-unwinder lock held (sampler/unwind.c).  A linear scan over thousands
 * of registered functions (a long session, a test suite) made one unwind
 * cost over a millisecond, and a second thread sampled on the same tick
 * gave up waiting for the lock every time: that thread lost all its native
 * frames (issue 13, item 21).
 *
 * The index is an immutable array of (start, end, symbol number) sorted by
 * start, published through one atomic pointer.  It covers the first
 * `covered` symbols; the few registered since (fewer than REBUILD_TAIL) are
 * scanned linearly.  Writers (registration, under the GIL) build a new
 * array, publish it, wait until no reader is inside the old one (`readers`
 * counts lookups in progress; a lookup never blocks while counted) and free
 * it.  Readers take no lock.
 *
 * Slots are reclaimed and reused when compiled code is freed (the compile
 * service): the registry rebuilds the whole index then (jp_symindex_rebuild),
 * and every candidate the index or the tail gives is checked against the
 * slot's current range under its sequence count, so a stale entry is at
 * worst a miss for the moment between a reuse and its rebuild.
 */
#include "jit/symbols_index.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#define REBUILD_TAIL 16         /* rebuild once this many are unindexed */

typedef struct idx_entry {
    uintptr_t start, end;
    size_t sym;                 /* jp_symbols_at(sym) */
} idx_entry;

typedef struct idx_snapshot {
    size_t n;                   /* entries */
    size_t covered;             /* symbols [0, covered) are indexed (reclaimed ones have no entry) */
    idx_entry e[];
} idx_snapshot;

static idx_snapshot *current;   /* published with release */
static int readers;             /* lookups reading `current` */

static int
entry_cmp(const void *a, const void *b)
{
    const idx_entry *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->sym > y->sym) - (x->sym < y->sym);
}

/* Index symbols [0, count): keep the first `keep` entries of the old index
 * (0: rebuild from the registry), add the rest, publish, free the old. */
static void
publish(idx_snapshot *old, size_t keep, size_t count)
{
    idx_snapshot *fresh = malloc(sizeof *fresh + (count ? count : 1) * sizeof(idx_entry));
    size_t n = keep;
    if (fresh == NULL)
        return;                 /* lookups scan the longer tail meanwhile */
    if (keep)
        memcpy(fresh->e, old->e, keep * sizeof(idx_entry));
    for (size_t i = keep ? old->covered : 0; i < count; i++) {
        const jp_jit_symbol *s = jp_symbols_at(i);
        if (s->start == s->end)
            continue;           /* a reclaimed slot */
        fresh->e[n].start = s->start;
        fresh->e[n].end = s->end;
        fresh->e[n].sym = i;
        n++;
    }
    fresh->n = n;
    fresh->covered = count;
    /* the old part is sorted; sorting the whole is simple and rare */
    qsort(fresh->e, n, sizeof(idx_entry), entry_cmp);
    __atomic_store_n(&current, fresh, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&readers, __ATOMIC_SEQ_CST) != 0)
        sched_yield();          /* a lookup in progress may read `old` */
    free(old);
}

void
jp_symindex_update(size_t count)
{
    idx_snapshot *old = __atomic_load_n(&current, __ATOMIC_ACQUIRE);
    size_t have = old ? old->covered : 0;
    if (count < have + REBUILD_TAIL)
        return;
    publish(old, old ? old->n : 0, count);
}

void
jp_symindex_rebuild(void)
{
    publish(__atomic_load_n(&current, __ATOMIC_ACQUIRE), 0, jp_symbols_count());
}

const jp_jit_symbol *
jp_symindex_find(uintptr_t ip)
{
    return jp_symindex_find_counted(ip, NULL);
}

const jp_jit_symbol *
jp_symindex_find_counted(uintptr_t ip, size_t *probes)
{
    const jp_jit_symbol *found = NULL;
    size_t covered = 0, n, seen = 0;
    idx_snapshot *s;

    __atomic_add_fetch(&readers, 1, __ATOMIC_SEQ_CST);
    s = __atomic_load_n(&current, __ATOMIC_SEQ_CST);
    if (s != NULL) {
        size_t lo = 0, hi = s->n;
        covered = s->covered;
        while (lo < hi) {       /* first entry with start > ip */
            size_t mid = lo + (hi - lo) / 2;
            seen++;
            if (s->e[mid].start <= ip)
                lo = mid + 1;
            else
                hi = mid;
        }
        /* ranges do not overlap today; look a few back in case one does */
        for (size_t k = lo, back = 0; k > 0 && back < 4; k--, back++, seen++)
            if (ip < s->e[k - 1].end && jp_symbols_contains(jp_symbols_at(s->e[k - 1].sym), ip)) {
                found = jp_symbols_at(s->e[k - 1].sym);
                break;
            }
    }
    __atomic_sub_fetch(&readers, 1, __ATOMIC_SEQ_CST);
    n = jp_symbols_count();
    for (size_t i = covered; i < n && found == NULL; i++, seen++) {
        const jp_jit_symbol *sym = jp_symbols_at(i);
        if (jp_symbols_contains(sym, ip))
            found = sym;
    }
    if (probes != NULL)
        *probes = seen;
    return found;
}
