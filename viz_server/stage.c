/* viz_server/stage.c - the bounded staging queue (see stage.h): the
 * producer's copy of new profile entries and the publisher's buffer swap. */
#include "viz_server/stage.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "viz_server/wire.h"

#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)

int
jp_stage_init(jp_stage *s, size_t cap_bytes)
{
    pthread_condattr_t ca;

    memset(s, 0, sizeof *s);
    s->cap = ALIGN8(cap_bytes);
    s->buf[0] = malloc(s->cap);
    s->buf[1] = malloc(s->cap);
    if (s->buf[0] == NULL || s->buf[1] == NULL)
        goto fail;
    if (pthread_mutex_init(&s->lock, NULL) != 0)
        goto fail;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (pthread_cond_init(&s->wake, &ca) != 0) {
        pthread_condattr_destroy(&ca);
        pthread_mutex_destroy(&s->lock);
        goto fail;
    }
    pthread_condattr_destroy(&ca);
    return 0;
fail:
    free(s->buf[0]);
    free(s->buf[1]);
    memset(s, 0, sizeof *s);
    return -1;
}

void
jp_stage_destroy(jp_stage *s)
{
    if (s->buf[0] == NULL)
        return;
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    free(s->buf[0]);
    free(s->buf[1]);
    free(s->thread_names);
    memset(s, 0, sizeof *s);
}

/* Room for a record of len payload bytes in the front buffer (lock held),
 * or NULL when it does not fit. */
static uint8_t *
rec_alloc(jp_stage *s, unsigned type, size_t len)
{
    size_t need = sizeof(jp_rec_hdr) + ALIGN8(len);
    uint8_t *p;
    jp_rec_hdr h = {type, (uint32_t)len};

    if (len > UINT32_MAX || s->used[s->front] + need > s->cap)
        return NULL;
    p = s->buf[s->front] + s->used[s->front];
    memcpy(p, &h, sizeof h);
    s->used[s->front] += need;
    return p + sizeof h;
}

static size_t
rec_room(const jp_stage *s)
{
    size_t left = s->cap - s->used[s->front];
    /* header, the record's own 8-byte prefix, alignment slack */
    return left > sizeof(jp_rec_hdr) + 16 ? left - sizeof(jp_rec_hdr) - 16 : 0;
}

/* Copy the table entries [*cursor, n) of item_size bytes in batches. */
static int
copy_table(jp_stage *s, unsigned type, const void *items, size_t item_size,
           size_t *cursor, size_t n)
{
    while (*cursor < n) {
        size_t k = n - *cursor, room = rec_room(s) / item_size;
        uint8_t *p;
        if (k > room)
            k = room;
        if (k > 65536)
            k = 65536;
        if (k == 0)
            return -1;
        p = rec_alloc(s, type, 8 + k * item_size);
        if (p == NULL)
            return -1;
        memcpy(p, &(uint32_t){(uint32_t)*cursor}, 4);
        memcpy(p + 4, &(uint32_t){(uint32_t)k}, 4);
        memcpy(p + 8, (const uint8_t *)items + *cursor * item_size, k * item_size);
        *cursor += k;
    }
    return 0;
}

static int
copy_thread(jp_stage *s, const jp_profile *p, size_t i)
{
    const jp_thread_rec *t = &p->threads.v[i];
    uint32_t rec[4] = {(uint32_t)i, (uint32_t)t->pid, (uint32_t)t->tid, t->name};
    uint8_t *q = rec_alloc(s, JP_R_THREAD, sizeof rec);

    if (q == NULL)
        return -1;
    memcpy(q, rec, sizeof rec);
    s->thread_names[i] = t->name;
    return 0;
}

static int
copy_threads(jp_stage *s, const jp_profile *p)
{
    if (p->threads.n > s->thread_names_cap) {
        size_t ncap = p->threads.n + 64;
        uint32_t *nv = realloc(s->thread_names, ncap * sizeof *nv);
        if (nv == NULL)
            return -1;
        s->thread_names = nv;
        s->thread_names_cap = ncap;
    }
    for (size_t i = 0; i < s->n_threads; i++)     /* renamed */
        if (p->threads.v[i].name != s->thread_names[i] && copy_thread(s, p, i) < 0)
            return -1;
    for (; s->n_threads < p->threads.n; s->n_threads++)
        if (copy_thread(s, p, s->n_threads) < 0)
            return -1;
    return 0;
}

static int
copy_defs(jp_stage *s, const jp_profile *p)
{
    uint8_t *q;

    if (p->interval_s != s->last_interval_s) {
        q = rec_alloc(s, JP_R_SAMPLE_PERIOD, 8);
        if (q == NULL)
            return -1;
        memcpy(q, &(uint64_t){(uint64_t)(p->interval_s * 1e9 + 0.5)}, 8);
        s->last_interval_s = p->interval_s;
    }
    for (; s->n_strings < p->strings.n; s->n_strings++) {
        const char *str = p->strings.v[s->n_strings];
        size_t len = strlen(str);
        if (len > JP_WIRE_MAX_STRING)
            len = JP_WIRE_MAX_STRING;
        q = rec_alloc(s, JP_R_STRING, 4 + len);
        if (q == NULL)
            return -1;
        memcpy(q, &(uint32_t){(uint32_t)s->n_strings}, 4);
        memcpy(q + 4, str, len);
    }
    if (copy_table(s, JP_R_FUNCS, p->funcs.v, sizeof(jp_func), &s->n_funcs, p->funcs.n) < 0
        || copy_table(s, JP_R_FRAMES, p->frames.v, sizeof(jp_frame), &s->n_frames,
                      p->frames.n) < 0)
        return -1;
    if (s->n_nodes == 0)
        s->n_nodes = 1;             /* the root is implicit */
    while (s->n_nodes < p->nodes.n) {
        size_t k = p->nodes.n - s->n_nodes, room = rec_room(s) / 8;
        if (k > room)
            k = room;
        if (k > 65536)
            k = 65536;
        if (k == 0 || (q = rec_alloc(s, JP_R_NODES, 8 + 8 * k)) == NULL)
            return -1;
        memcpy(q, &(uint32_t){(uint32_t)s->n_nodes}, 4);
        memcpy(q + 4, &(uint32_t){(uint32_t)k}, 4);
        for (size_t i = 0; i < k; i++) {
            const jp_node *n = &p->nodes.v[s->n_nodes + i];
            uint32_t pf[2] = {n->parent, n->frame};
            memcpy(q + 8 + 8 * i, pf, 8);
        }
        s->n_nodes += k;
    }
    return copy_threads(s, p);
}

static void
drop_samples(jp_stage *s, const jp_profile *p, size_t from)
{
    for (size_t i = from; i < p->samples.n; i++) {
        s->dropped_samples++;
        s->dropped_weight += p->samples.v[i].weight;
    }
}

int
jp_stage_collect(jp_stage *s, const jp_profile *p,
                 uint64_t sampler_samples, uint64_t sampler_dropped, int wait)
{
    if (wait)
        pthread_mutex_lock(&s->lock);
    else if (pthread_mutex_trylock(&s->lock) != 0) {
        __atomic_fetch_add(&s->busy, 1, __ATOMIC_RELAXED);
        return -1;
    }
    if (copy_defs(s, p) < 0) {
        drop_samples(s, p, s->n_samples);
        s->n_samples = p->samples.n;
        goto out;
    }
    while (s->n_samples < p->samples.n) {
        size_t k = p->samples.n - s->n_samples, room = rec_room(s);
        jp_stage_sample *out;
        uint8_t *q;
        room /= sizeof(jp_stage_sample);
        if (k > room)
            k = room;
        if (k > 65536)
            k = 65536;
        if (k == 0 || (q = rec_alloc(s, JP_R_SAMPLES, 8 + k * sizeof *out)) == NULL) {
            drop_samples(s, p, s->n_samples);
            s->n_samples = p->samples.n;
            break;
        }
        memcpy(q, &(uint32_t){(uint32_t)k}, 4);
        memset(q + 4, 0, 4);
        out = (jp_stage_sample *)(void *)(q + 8);
        for (size_t i = 0; i < k; i++) {
            const jp_sample_rec *r = &p->samples.v[s->n_samples + i];
            out[i] = (jp_stage_sample){r->thread, r->node, r->weight, 0, r->ts};
        }
        s->n_samples += k;
    }
    if (sampler_samples != s->last_sampler_samples
        || sampler_dropped != s->last_sampler_dropped) {
        uint8_t *q = rec_alloc(s, JP_R_COUNTERS, 16);
        if (q != NULL) {
            memcpy(q, &sampler_samples, 8);
            memcpy(q + 8, &sampler_dropped, 8);
            s->last_sampler_samples = sampler_samples;
            s->last_sampler_dropped = sampler_dropped;
        }
    }
out:
    pthread_mutex_unlock(&s->lock);
    return 0;
}

int
jp_stage_put_bytes(jp_stage *s, unsigned type, const void *data, size_t n)
{
    uint8_t *q;
    int rc = -1;

    pthread_mutex_lock(&s->lock);
    q = rec_alloc(s, type, 8 + n);
    if (q != NULL) {
        memcpy(q, &(uint64_t){n}, 8);
        memcpy(q + 8, data, n);
        rc = 0;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

const uint8_t *
jp_stage_take(jp_stage *s, size_t *n)
{
    int back;

    pthread_mutex_lock(&s->lock);
    back = s->front;
    s->front ^= 1;
    pthread_mutex_unlock(&s->lock);
    *n = s->used[back];
    return s->buf[back];
}

void
jp_stage_release(jp_stage *s)
{
    pthread_mutex_lock(&s->lock);
    s->used[s->front ^ 1] = 0;
    pthread_mutex_unlock(&s->lock);
}
