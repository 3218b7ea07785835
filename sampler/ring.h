/* sampler/ring.h - per-thread single-producer single-consumer sample rings.
 *
 * The producer is the signal handler running on the sampled thread; the
 * consumer is the collector thread.  Records are variable-length runs of
 * 64-bit words and never straddle the end of the buffer: when a record
 * would not fit before the end, the producer writes a pad record that
 * covers the tail and starts again at word 0.  No locks, no allocation on
 * the producer side; positions are monotonic counters published with
 * release/acquire atomics.
 */
#ifndef JP_RING_H
#define JP_RING_H

#include <stddef.h>
#include <stdint.h>

typedef struct jp_ring {
    uint64_t *buf;          /* capacity words, mmap'd by jp_ring_init */
    uint64_t capacity;      /* power of two, in words */
    uint64_t head;          /* producer position (words written) */
    uint64_t tail;          /* consumer position (words consumed) */
    uint64_t dropped;       /* records lost because the ring was full */
} jp_ring;

/* Record word 0: words (low 32 bits), kind (bits 56..63). */
#define JP_REC_SAMPLE 1u
#define JP_REC_PAD 2u
#define JP_REC_WORD0(kind, words) (((uint64_t)(kind) << 56) | (uint64_t)(uint32_t)(words))
#define JP_REC_KIND(w0) ((unsigned)((w0) >> 56))
#define JP_REC_WORDS(w0) ((uint32_t)(w0))

/* Map a ring of capacity_words (rounded up to a power of two). 0 or -1. */
int jp_ring_init(jp_ring *r, uint64_t capacity_words);
void jp_ring_free(jp_ring *r);
/* Forget everything in the ring (only when neither side is active). */
void jp_ring_reset(jp_ring *r);

/* Producer: a contiguous region of at least min_words and at most
 * want_words; *got is its size.  NULL (and dropped++) when full. */
uint64_t *jp_ring_reserve(jp_ring *r, uint64_t min_words, uint64_t want_words,
                          uint64_t *got);
/* Producer: publish `words` words of the reserved region (<= *got). */
void jp_ring_commit(jp_ring *r, uint64_t words);

/* Consumer: the next record (pads skipped), or NULL when empty. */
const uint64_t *jp_ring_peek(jp_ring *r);
/* Consumer: release the record returned by jp_ring_peek. */
void jp_ring_pop(jp_ring *r);

#endif
