/* sampler/ring.c - the lock-free SPSC sample ring (see ring.h).
 *
 * Async-signal-safe on the producer side: only loads, stores and atomics.
 */
#include "sampler/ring.h"

#include <string.h>
#include <sys/mman.h>

int
jp_ring_init(jp_ring *r, uint64_t capacity_words)
{
    uint64_t cap = 64;
    void *p;

    while (cap < capacity_words)
        cap <<= 1;
    p = mmap(NULL, cap * sizeof(uint64_t), PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    memset(r, 0, sizeof *r);
    r->buf = p;
    r->capacity = cap;
    return 0;
}

void
jp_ring_free(jp_ring *r)
{
    if (r->buf)
        munmap(r->buf, r->capacity * sizeof(uint64_t));
    memset(r, 0, sizeof *r);
}

void
jp_ring_reset(jp_ring *r)
{
    __atomic_store_n(&r->head, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&r->tail, 0, __ATOMIC_RELEASE);
    r->dropped = 0;
}

uint64_t *
jp_ring_reserve(jp_ring *r, uint64_t min_words, uint64_t want_words,
                uint64_t *got)
{
    uint64_t head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
    uint64_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    uint64_t free_words = r->capacity - (head - tail);
    uint64_t pos = head & (r->capacity - 1);
    uint64_t to_end = r->capacity - pos;
    uint64_t avail;

    if (to_end < want_words && to_end < free_words
        && free_words - to_end >= min_words) {
        /* wrap: pad the tail so the record is contiguous from word 0 */
        r->buf[pos] = JP_REC_WORD0(JP_REC_PAD, to_end);
        head += to_end;
        __atomic_store_n(&r->head, head, __ATOMIC_RELEASE);
        free_words -= to_end;
        pos = 0;
        to_end = r->capacity;
    }
    avail = free_words < to_end ? free_words : to_end;
    if (avail < min_words) {
        r->dropped++;
        return NULL;
    }
    *got = avail < want_words ? avail : want_words;
    return &r->buf[pos];
}

void
jp_ring_commit(jp_ring *r, uint64_t words)
{
    uint64_t head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
    __atomic_store_n(&r->head, head + words, __ATOMIC_RELEASE);
}

const uint64_t *
jp_ring_peek(jp_ring *r)
{
    for (;;) {
        uint64_t tail = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
        uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
        const uint64_t *rec;

        if (tail == head)
            return NULL;
        rec = &r->buf[tail & (r->capacity - 1)];
        if (JP_REC_KIND(rec[0]) != JP_REC_PAD)
            return rec;
        __atomic_store_n(&r->tail, tail + JP_REC_WORDS(rec[0]),
                         __ATOMIC_RELEASE);
    }
}

void
jp_ring_pop(jp_ring *r)
{
    uint64_t tail = __atomic_load_n(&r->tail, __ATOMIC_RELAXED);
    const uint64_t *rec = &r->buf[tail & (r->capacity - 1)];
    __atomic_store_n(&r->tail, tail + JP_REC_WORDS(rec[0]), __ATOMIC_RELEASE);
}
