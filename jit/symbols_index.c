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
    size_t n;                   /* entries, = symbols covered */
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

void
jp_symindex_update(size_t count)
{
    idx_snapshot *old = __atomic_load_n(&current, __ATOMIC_ACQUIRE), *fresh;
    size_t have = old ? old->n : 0;

    if (count < have + REBUILD_TAIL)
        return;
    fresh = malloc(sizeof *fresh + count * sizeof(idx_entry));
    if (fresh == NULL)
        return;                 /* lookups scan the longer tail meanwhile */
    if (have)
        memcpy(fresh->e, old->e, have * sizeof(idx_entry));
    for (size_t i = have; i < count; i++) {
        const jp_jit_symbol *s = jp_symbols_at(i);
        fresh->e[i].start = s->start;
        fresh->e[i].end = s->end;
        fresh->e[i].sym = i;
    }
    fresh->n = count;
    /* the old part is sorted; sorting the whole is simple and rare */
    qsort(fresh->e, count, sizeof(idx_entry), entry_cmp);
    __atomic_store_n(&current, fresh, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&readers, __ATOMIC_SEQ_CST) != 0)
        sched_yield();          /* a lookup in progress may read `old` */
    free(old);
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
        covered = s->n;
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
            if (ip < s->e[k - 1].end) {
                found = jp_symbols_at(s->e[k - 1].sym);
                break;
            }
    }
    __atomic_sub_fetch(&readers, 1, __ATOMIC_SEQ_CST);
    n = jp_symbols_count();
    for (size_t i = covered; i < n && found == NULL; i++, seen++) {
        const jp_jit_symbol *sym = jp_symbols_at(i);
        if (ip >= sym->start && ip < sym->end)
            found = sym;
    }
    if (probes != NULL)
        *probes = seen;
    return found;
}
