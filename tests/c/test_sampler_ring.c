/* tests/c/test_sampler_ring.c - the SPSC ring: records come out whole, in
 * order, across wrap-arounds, with a concurrent producer and consumer. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "sampler/ring.h"

#define N_RECORDS 200000

static jp_ring ring;
static unsigned long long produced_dropped;

static void *
producer(void *arg)
{
    (void)arg;
    for (uint64_t i = 0; i < N_RECORDS;) {
        uint64_t words = 2 + i % 37, got = 0;
        uint64_t *r = jp_ring_reserve(&ring, words, words, &got);
        if (r == NULL)
            continue;           /* full: retry the same record */
        r[0] = JP_REC_WORD0(JP_REC_SAMPLE, words);
        for (uint64_t k = 1; k < words; k++)
            r[k] = i * 1000 + k;
        jp_ring_commit(&ring, words);
        i++;
    }
    return NULL;
}

int
main(void)
{
    pthread_t t;
    uint64_t expect = 0;

    if (jp_ring_init(&ring, 1000) < 0 || ring.capacity != 1024) {
        fprintf(stderr, "init failed\n");
        return 1;
    }
    pthread_create(&t, NULL, producer, NULL);
    while (expect < N_RECORDS) {
        const uint64_t *r = jp_ring_peek(&ring);
        uint64_t words;
        if (r == NULL)
            continue;
        words = JP_REC_WORDS(r[0]);
        if (JP_REC_KIND(r[0]) != JP_REC_SAMPLE || words != 2 + expect % 37) {
            fprintf(stderr, "record %llu: bad header\n", (unsigned long long)expect);
            return 1;
        }
        for (uint64_t k = 1; k < words; k++)
            if (r[k] != expect * 1000 + k) {
                fprintf(stderr, "record %llu: bad word %llu\n", (unsigned long long)expect,
                        (unsigned long long)k);
                return 1;
            }
        jp_ring_pop(&ring);
        expect++;
    }
    pthread_join(t, NULL);
    if (jp_ring_peek(&ring) != NULL) {
        fprintf(stderr, "ring not empty at the end\n");
        return 1;
    }
    /* a full ring refuses and counts the drop */
    {
        uint64_t got;
        produced_dropped = ring.dropped;
        while (jp_ring_reserve(&ring, 100, 100, &got) != NULL) {
            ((uint64_t *)jp_ring_reserve(&ring, 100, 100, &got))[0] = JP_REC_WORD0(JP_REC_SAMPLE, 100);
            jp_ring_commit(&ring, 100);
        }
        if (ring.dropped <= produced_dropped) {
            fprintf(stderr, "full ring did not count a drop\n");
            return 1;
        }
    }
    jp_ring_free(&ring);
    printf("ok: %d records\n", N_RECORDS);
    return 0;
}
