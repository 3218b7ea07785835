/* viz_server/publisher.c - the publisher thread (see publisher.h).
 *
 * It owns a mirror of the profile's tables as far as they were staged, the
 * open aggregation intervals, and the cumulative counts per (thread,
 * stack) of every interval already sent (for snapshots).  Each turn of its
 * loop (every 5 ms, or when woken) it swaps the staging buffers, sends the
 * new definitions, flushes the intervals that ended more than grace_ns ago,
 * and sends statistics (every 100 ms) and a snapshot (every snapshot_ns,
 * longer when snapshots are large).  zmq_send never blocks: PUB drops
 * messages for a subscriber whose queue (SNDHWM) is full, and subscribers
 * see the gap in the sequence numbers.
 */
#define _GNU_SOURCE
#include "viz_server/publisher.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "profiler/idmap.h"
#include "viz_server/endpoint.h"

#define MAX_OPEN 64
#define CHUNK_ITEMS 4096
#define STATS_NS 100000000ull
#define TICK_NS 5000000L
#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)

typedef struct entry {
    uint32_t thread, node;
    uint64_t weight;
} entry;

typedef struct ivl {
    uint64_t index;
    jp_idmap map;           /* (thread, node) -> entry index */
    entry *e;
    size_t n, cap;
} ivl;

typedef struct mthread {
    int32_t pid, tid;
    uint32_t name;
    int dirty;
} mthread;

struct jp_publisher {
    jp_pub_config cfg;
    char endpoint[512];
    void *ctx, *sock;
    jp_stage stage;
    pthread_t thread;
    int started, stop, kicked;
    pid_t owner;
    uint64_t stream_id, seq;
    jp_wbuf wb;
    /* mirror of the staged tables; sent_*: how much went out */
    char **strings;
    size_t n_strings, cap_strings, sent_strings;
    jp_func *funcs;
    size_t n_funcs, cap_funcs, sent_funcs;
    jp_frame *frames;
    size_t n_frames, cap_frames, sent_frames;
    uint32_t *nodes;        /* parent, frame per node; node 0 is the root */
    size_t n_nodes, cap_nodes, sent_nodes;
    mthread *threads;
    size_t n_threads, cap_threads;
    int threads_dirty, process_dirty;
    uint64_t sample_period_ns, start_mono_ns;
    uint8_t *info, *reco;
    size_t info_len, reco_len;
    /* aggregation */
    ivl open[MAX_OPEN];
    int n_open;
    jp_idmap totals_map;
    entry *totals;
    size_t n_totals, cap_totals;
    uint64_t first_interval, last_interval;
    int have_interval;
    uint64_t last_stats_ns, last_snap_ns, snap_period_ns;
    uint64_t st[JP_ST_COUNT];   /* read by other threads: atomics */
};

static uint64_t
mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
st_add(jp_publisher *p, int i, uint64_t v)
{
    __atomic_fetch_add(&p->st[i], v, __ATOMIC_RELAXED);
}

static void
st_set(jp_publisher *p, int i, uint64_t v)
{
    __atomic_store_n(&p->st[i], v, __ATOMIC_RELAXED);
}

static int
grow(void **v, size_t *cap, size_t need, size_t size)
{
    size_t ncap;
    void *nv;
    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap : 64;
    while (ncap < need)
        ncap *= 2;
    nv = realloc(*v, ncap * size);
    if (nv == NULL)
        return -1;
    *v = nv;
    *cap = ncap;
    return 0;
}

/* --- sending ------------------------------------------------------------ */

static void
send_msg(jp_publisher *p)
{
    if (p->wb.err) {
        st_add(p, JP_ST_SEND_FAILED, 1);
        return;
    }
    jp_w_finish(&p->wb, p->stream_id, ++p->seq);
    if (zmq_send(p->sock, p->wb.p, p->wb.n, ZMQ_DONTWAIT) < 0)
        st_add(p, JP_ST_SEND_FAILED, 1);
    st_add(p, JP_ST_MESSAGES, 1);
    st_add(p, JP_ST_BYTES, p->wb.n);
}

static void
send_process(jp_publisher *p, unsigned flags)
{
    jp_w_begin(&p->wb, JP_MSG_PROCESS, flags);
    jp_w_svarint(&p->wb, p->owner);
    jp_w_varint(&p->wb, p->sample_period_ns);
    jp_w_varint(&p->wb, p->cfg.interval_ns);
    jp_w_varint(&p->wb, p->start_mono_ns);
    if (p->info_len)
        jp_w_raw(&p->wb, p->info, p->info_len);    /* count + key/value pairs */
    else
        jp_w_varint(&p->wb, 0);
    send_msg(p);
}

static void
send_strings(jp_publisher *p, size_t from, size_t to, unsigned flags)
{
    while (from < to) {
        size_t k = 0, bytes = 0;
        while (from + k < to && k < CHUNK_ITEMS && bytes < JP_WIRE_SPLIT)
            bytes += strlen(p->strings[from + k++]) + 2;
        jp_w_begin(&p->wb, JP_MSG_STRINGS, flags);
        jp_w_varint(&p->wb, from);
        jp_w_varint(&p->wb, k);
        for (size_t i = 0; i < k; i++)
            jp_w_bytes(&p->wb, p->strings[from + i], strlen(p->strings[from + i]));
        send_msg(p);
        from += k;
    }
}

static void
send_funcs(jp_publisher *p, size_t from, size_t to, unsigned flags)
{
    while (from < to) {
        size_t k = to - from < CHUNK_ITEMS ? to - from : CHUNK_ITEMS;
        jp_w_begin(&p->wb, JP_MSG_FUNCS, flags);
        jp_w_varint(&p->wb, from);
        jp_w_varint(&p->wb, k);
        for (size_t i = from; i < from + k; i++) {
            const jp_func *f = &p->funcs[i];
            jp_w_varint(&p->wb, f->name);
            jp_w_varint(&p->wb, f->file);
            jp_w_varint(&p->wb, f->module);
            jp_w_svarint(&p->wb, f->first_line);
            jp_w_u8(&p->wb, f->category);
        }
        send_msg(p);
        from += k;
    }
}

static void
send_frames(jp_publisher *p, size_t from, size_t to, unsigned flags)
{
    while (from < to) {
        size_t k = to - from < CHUNK_ITEMS ? to - from : CHUNK_ITEMS;
        jp_w_begin(&p->wb, JP_MSG_FRAMES, flags);
        jp_w_varint(&p->wb, from);
        jp_w_varint(&p->wb, k);
        for (size_t i = from; i < from + k; i++) {
            jp_w_varint(&p->wb, p->frames[i].func);
            jp_w_svarint(&p->wb, p->frames[i].line);
        }
        send_msg(p);
        from += k;
    }
}

static void
send_stacks(jp_publisher *p, size_t from, size_t to, unsigned flags)
{
    while (from < to) {
        size_t k = to - from < CHUNK_ITEMS ? to - from : CHUNK_ITEMS;
        jp_w_begin(&p->wb, JP_MSG_STACKS, flags);
        jp_w_varint(&p->wb, from);
        jp_w_varint(&p->wb, k);
        for (size_t i = from; i < from + k; i++) {
            jp_w_varint(&p->wb, p->nodes[2 * i]);
            jp_w_varint(&p->wb, p->nodes[2 * i + 1]);
        }
        send_msg(p);
        from += k;
    }
}

static void
send_threads(jp_publisher *p, int all, unsigned flags)
{
    size_t i = 0;
    while (i < p->n_threads) {
        size_t k = 0, j;
        for (j = i; j < p->n_threads && k < CHUNK_ITEMS; j++)
            k += all || p->threads[j].dirty;
        if (k == 0)
            break;
        jp_w_begin(&p->wb, JP_MSG_THREADS, flags);
        jp_w_varint(&p->wb, k);
        for (; i < j; i++) {
            mthread *t = &p->threads[i];
            if (!all && !t->dirty)
                continue;
            jp_w_varint(&p->wb, i);
            jp_w_svarint(&p->wb, t->pid);
            jp_w_svarint(&p->wb, t->tid);
            jp_w_varint(&p->wb, t->name);
            if (!all)
                t->dirty = 0;
        }
        send_msg(p);
    }
    if (!all)
        p->threads_dirty = 0;
}

/* Everything staged and not yet sent, in dependency order. */
static void
send_defs(jp_publisher *p)
{
    if (p->process_dirty) {
        send_process(p, 0);
        p->process_dirty = 0;
    }
    send_strings(p, p->sent_strings, p->n_strings, 0);
    p->sent_strings = p->n_strings;
    send_funcs(p, p->sent_funcs, p->n_funcs, 0);
    p->sent_funcs = p->n_funcs;
    send_frames(p, p->sent_frames, p->n_frames, 0);
    p->sent_frames = p->n_frames;
    send_stacks(p, p->sent_nodes, p->n_nodes, 0);
    p->sent_nodes = p->n_nodes;
    if (p->threads_dirty)
        send_threads(p, 0, 0);
}

static int
entry_cmp(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->thread != y->thread)
        return x->thread < y->thread ? -1 : 1;
    return (x->node > y->node) - (x->node < y->node);
}

/* INTERVAL or TOTALS messages of sorted entries, grouped by thread. */
static void
send_groups(jp_publisher *p, unsigned type, unsigned flags, uint64_t index,
            const entry *e, size_t n)
{
    for (size_t a = 0; a < n;) {
        size_t b = n - a < CHUNK_ITEMS ? n : a + CHUNK_ITEMS, groups = 0;
        for (size_t i = a; i < b; i++)
            groups += i == a || e[i].thread != e[i - 1].thread;
        jp_w_begin(&p->wb, type, flags);
        if (type == JP_MSG_INTERVAL)
            jp_w_varint(&p->wb, index);
        jp_w_varint(&p->wb, groups);
        for (size_t i = a; i < b;) {
            size_t j = i;
            uint32_t prev = 0;
            while (j < b && e[j].thread == e[i].thread)
                j++;
            jp_w_varint(&p->wb, e[i].thread);
            jp_w_varint(&p->wb, j - i);
            for (; i < j; i++) {
                jp_w_varint(&p->wb, e[i].node - prev);
                jp_w_varint(&p->wb, e[i].weight);
                prev = e[i].node;
            }
        }
        send_msg(p);
        a = b;
    }
}

static void
add_total(jp_publisher *p, const entry *e)
{
    uint32_t id = jp_idmap_get(&p->totals_map, e->thread, e->node);
    if (id != UINT32_MAX) {
        p->totals[id].weight += e->weight;
        return;
    }
    if (grow((void **)&p->totals, &p->cap_totals, p->n_totals + 1, sizeof *p->totals) < 0
        || jp_idmap_put(&p->totals_map, e->thread, e->node, (uint32_t)p->n_totals) < 0)
        return;             /* out of memory: the snapshot lacks it */
    p->totals[p->n_totals++] = *e;
}

static void
flush_interval(jp_publisher *p, int k)
{
    ivl *v = &p->open[k];

    send_defs(p);
    qsort(v->e, v->n, sizeof *v->e, entry_cmp);
    send_groups(p, JP_MSG_INTERVAL, 0, v->index, v->e, v->n);
    for (size_t i = 0; i < v->n; i++)
        add_total(p, &v->e[i]);
    if (!p->have_interval || v->index < p->first_interval)
        p->first_interval = v->index;
    if (!p->have_interval || v->index > p->last_interval)
        p->last_interval = v->index;
    p->have_interval = 1;
    jp_idmap_free(&v->map);
    free(v->e);
    p->open[k] = p->open[--p->n_open];
    memset(&p->open[p->n_open], 0, sizeof(ivl));
}

static void
flush_due(jp_publisher *p, uint64_t now, int all)
{
    for (int k = 0; k < p->n_open;) {
        if (all || (p->open[k].index + 1) * p->cfg.interval_ns + p->cfg.grace_ns <= now)
            flush_interval(p, k);   /* moves the last one to k */
        else
            k++;
    }
}

static void
send_stats(jp_publisher *p)
{
    jp_w_begin(&p->wb, JP_MSG_STATS, 0);
    jp_w_varint(&p->wb, JP_ST_COUNT);
    for (int i = 0; i < JP_ST_COUNT; i++)
        jp_w_varint(&p->wb, __atomic_load_n(&p->st[i], __ATOMIC_RELAXED)
                            + (i == JP_ST_MESSAGES));  /* this one included */
    send_msg(p);
}

static void
send_snapshot(jp_publisher *p)
{
    const unsigned F = JP_FLAG_SNAPSHOT;
    uint64_t bytes0 = __atomic_load_n(&p->st[JP_ST_BYTES], __ATOMIC_RELAXED), total = 0;
    entry *sorted;

    send_defs(p);
    sorted = malloc((p->n_totals + 1) * sizeof *sorted);
    if (sorted == NULL)
        return;
    memcpy(sorted, p->totals, p->n_totals * sizeof *sorted);
    qsort(sorted, p->n_totals, sizeof *sorted, entry_cmp);
    for (size_t i = 0; i < p->n_totals; i++)
        total += sorted[i].weight;
    jp_w_begin(&p->wb, JP_MSG_SNAP_BEGIN, F);
    jp_w_varint(&p->wb, __atomic_load_n(&p->st[JP_ST_SNAPSHOTS], __ATOMIC_RELAXED) + 1);
    jp_w_varint(&p->wb, p->have_interval ? p->first_interval : 0);
    jp_w_varint(&p->wb, p->have_interval ? p->last_interval : 0);
    send_msg(p);
    send_process(p, F);
    send_strings(p, 0, p->n_strings, F);
    send_funcs(p, 0, p->n_funcs, F);
    send_frames(p, 0, p->n_frames, F);
    send_stacks(p, 1, p->n_nodes, F);
    send_threads(p, 1, F);
    send_groups(p, JP_MSG_TOTALS, F, 0, sorted, p->n_totals);
    free(sorted);
    if (p->reco) {
        jp_w_begin(&p->wb, JP_MSG_RECOMMEND, F);
        jp_w_bytes(&p->wb, p->reco, p->reco_len);
        send_msg(p);
    }
    jp_w_begin(&p->wb, JP_MSG_SNAP_END, F);
    jp_w_varint(&p->wb, p->n_strings);
    jp_w_varint(&p->wb, p->n_funcs);
    jp_w_varint(&p->wb, p->n_frames);
    jp_w_varint(&p->wb, p->n_nodes);
    jp_w_varint(&p->wb, p->n_threads);
    jp_w_varint(&p->wb, total);
    send_msg(p);
    st_add(p, JP_ST_SNAPSHOTS, 1);
    /* large snapshots: at most about 2 MB/s of them */
    bytes0 = __atomic_load_n(&p->st[JP_ST_BYTES], __ATOMIC_RELAXED) - bytes0;
    p->snap_period_ns = p->cfg.snapshot_ns;
    if (bytes0 > (1u << 20))
        p->snap_period_ns = (uint64_t)((double)p->cfg.snapshot_ns * (double)bytes0 / (1 << 20));
}

/* --- staged records -------------------------------------------------------- */

static void
add_sample(jp_publisher *p, const jp_stage_sample *s)
{
    uint64_t index;
    ivl *v = NULL;
    uint32_t id;

    if (s->thread >= p->n_threads || s->node >= p->n_nodes)
        return;
    st_add(p, JP_ST_SAMPLES_IN, 1);
    st_add(p, JP_ST_WEIGHT_IN, s->weight);
    index = s->ts / p->cfg.interval_ns;
    for (int k = p->n_open - 1; k >= 0; k--)
        if (p->open[k].index == index) {
            v = &p->open[k];
            break;
        }
    if (v == NULL) {
        if (p->n_open == MAX_OPEN) {
            int oldest = 0;
            for (int k = 1; k < p->n_open; k++)
                if (p->open[k].index < p->open[oldest].index)
                    oldest = k;
            flush_interval(p, oldest);
        }
        v = &p->open[p->n_open++];
        memset(v, 0, sizeof *v);
        v->index = index;
    }
    id = jp_idmap_get(&v->map, s->thread, s->node);
    if (id != UINT32_MAX) {
        v->e[id].weight += s->weight;
        return;
    }
    if (grow((void **)&v->e, &v->cap, v->n + 1, sizeof *v->e) < 0
        || jp_idmap_put(&v->map, s->thread, s->node, (uint32_t)v->n) < 0) {
        st_add(p, JP_ST_STAGE_DROPPED, 1);
        st_add(p, JP_ST_STAGE_DROPPED_WEIGHT, s->weight);
        return;
    }
    v->e[v->n++] = (entry){s->thread, s->node, s->weight};
}

static void
keep_bytes(uint8_t **dst, size_t *dst_len, const uint8_t *q)
{
    uint64_t n;
    uint8_t *copy;
    memcpy(&n, q, 8);
    copy = malloc(n ? n : 1);
    if (copy == NULL)
        return;
    memcpy(copy, q + 8, n);
    free(*dst);
    *dst = copy;
    *dst_len = n;
}

static void
process_record(jp_publisher *p, const jp_rec_hdr *h, const uint8_t *q)
{
    uint32_t first = 0, k = 0;
    uint64_t v64;

    if (h->type == JP_R_FUNCS || h->type == JP_R_FRAMES || h->type == JP_R_NODES) {
        memcpy(&first, q, 4);
        memcpy(&k, q + 4, 4);
    }
    switch (h->type) {
    case JP_R_STRING: {
        size_t len = h->len - 4;
        char *s;
        memcpy(&first, q, 4);
        if (first != p->n_strings
            || grow((void **)&p->strings, &p->cap_strings, p->n_strings + 1, sizeof(char *)) < 0
            || (s = malloc(len + 1)) == NULL)
            return;
        memcpy(s, q + 4, len);
        s[len] = '\0';
        p->strings[p->n_strings++] = s;
        return;
    }
    case JP_R_FUNCS:
        if (first != p->n_funcs
            || grow((void **)&p->funcs, &p->cap_funcs, p->n_funcs + k, sizeof(jp_func)) < 0)
            return;
        memcpy(p->funcs + p->n_funcs, q + 8, (size_t)k * sizeof(jp_func));
        p->n_funcs += k;
        return;
    case JP_R_FRAMES:
        if (first != p->n_frames
            || grow((void **)&p->frames, &p->cap_frames, p->n_frames + k, sizeof(jp_frame)) < 0)
            return;
        memcpy(p->frames + p->n_frames, q + 8, (size_t)k * sizeof(jp_frame));
        p->n_frames += k;
        return;
    case JP_R_NODES:
        if (first != p->n_nodes
            || grow((void **)&p->nodes, &p->cap_nodes, 2 * (p->n_nodes + k), 4) < 0)
            return;
        memcpy(p->nodes + 2 * p->n_nodes, q + 8, (size_t)k * 8);
        p->n_nodes += k;
        return;
    case JP_R_THREAD: {
        uint32_t r[4];
        memcpy(r, q, sizeof r);
        if (r[0] > p->n_threads)
            return;
        if (r[0] == p->n_threads) {
            if (grow((void **)&p->threads, &p->cap_threads, p->n_threads + 1,
                     sizeof(mthread)) < 0)
                return;
            p->n_threads++;
        }
        p->threads[r[0]] = (mthread){(int32_t)r[1], (int32_t)r[2], r[3], 1};
        p->threads_dirty = 1;
        return;
    }
    case JP_R_SAMPLES: {
        const jp_stage_sample *s = (const jp_stage_sample *)(const void *)(q + 8);
        memcpy(&k, q, 4);
        for (uint32_t i = 0; i < k; i++)
            add_sample(p, &s[i]);
        return;
    }
    case JP_R_COUNTERS:
        memcpy(&v64, q, 8);
        st_set(p, JP_ST_SAMPLER_SAMPLES, v64);
        memcpy(&v64, q + 8, 8);
        st_set(p, JP_ST_SAMPLER_DROPPED, v64);
        return;
    case JP_R_SAMPLE_PERIOD:
        memcpy(&p->sample_period_ns, q, 8);
        p->process_dirty = 1;
        return;
    case JP_R_INFO:
        keep_bytes(&p->info, &p->info_len, q);
        p->process_dirty = 1;
        return;
    case JP_R_RECOMMEND:
        keep_bytes(&p->reco, &p->reco_len, q);
        if (p->reco) {
            jp_w_begin(&p->wb, JP_MSG_RECOMMEND, 0);
            jp_w_bytes(&p->wb, p->reco, p->reco_len);
            send_msg(p);
        }
        return;
    case JP_R_RAW:
        memcpy(&v64, q, 8);
        zmq_send(p->sock, q + 8, v64, ZMQ_DONTWAIT);
        return;
    default:
        return;
    }
}

static void
drain_stage(jp_publisher *p)
{
    size_t n, off = 0;
    const uint8_t *buf = jp_stage_take(&p->stage, &n);

    while (off + sizeof(jp_rec_hdr) <= n) {
        jp_rec_hdr h;
        memcpy(&h, buf + off, sizeof h);
        process_record(p, &h, buf + off + sizeof h);
        off += sizeof h + ALIGN8(h.len);
    }
    jp_stage_release(&p->stage);
    pthread_mutex_lock(&p->stage.lock);
    st_set(p, JP_ST_STAGE_DROPPED, p->stage.dropped_samples);
    st_set(p, JP_ST_STAGE_DROPPED_WEIGHT, p->stage.dropped_weight);
    pthread_mutex_unlock(&p->stage.lock);
}

static void *
pub_main(void *arg)
{
    jp_publisher *p = arg;
    sigset_t all;

    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;) {
        int stop = __atomic_load_n(&p->stop, __ATOMIC_ACQUIRE);
        uint64_t now;
        struct timespec until;

        drain_stage(p);
        now = mono_ns();
        flush_due(p, now, stop);
        send_defs(p);
        if (stop)
            break;
        if (now - p->last_stats_ns >= STATS_NS) {
            send_stats(p);
            p->last_stats_ns = now;
        }
        if (now - p->last_snap_ns >= p->snap_period_ns) {
            send_snapshot(p);
            p->last_snap_ns = now;
        }
        now += TICK_NS;
        until.tv_sec = (time_t)(now / 1000000000ull);
        until.tv_nsec = (long)(now % 1000000000ull);
        pthread_mutex_lock(&p->stage.lock);
        while (!p->kicked && !p->stop
               && pthread_cond_timedwait(&p->stage.wake, &p->stage.lock, &until) == 0)
            ;
        p->kicked = 0;
        pthread_mutex_unlock(&p->stage.lock);
    }
    send_stats(p);
    send_snapshot(p);
    jp_w_begin(&p->wb, JP_MSG_END, 0);
    {
        uint64_t total = 0;
        for (size_t i = 0; i < p->n_totals; i++)
            total += p->totals[i].weight;
        jp_w_varint(&p->wb, total);
    }
    send_msg(p);
    zmq_close(p->sock);
    p->sock = NULL;
    return NULL;
}

/* --- lifetime ------------------------------------------------------------- */

static void
pub_free(jp_publisher *p)
{
    for (size_t i = 0; i < p->n_strings; i++)
        free(p->strings[i]);
    free(p->strings);
    free(p->funcs);
    free(p->frames);
    free(p->nodes);
    free(p->threads);
    free(p->info);
    free(p->reco);
    for (int k = 0; k < p->n_open; k++) {
        jp_idmap_free(&p->open[k].map);
        free(p->open[k].e);
    }
    jp_idmap_free(&p->totals_map);
    free(p->totals);
    jp_wbuf_free(&p->wb);
    jp_stage_destroy(&p->stage);
    free(p);
}

jp_publisher *
jp_pub_open(const jp_pub_config *cfg, char *err, size_t err_cap)
{
    jp_publisher *p = calloc(1, sizeof *p);
    int ipv6 = 0, one = 1, inmax;
    int64_t inmax64 = 256;     /* inbound: subscriptions only */
    size_t len;

    if (p == NULL) {
        snprintf(err, err_cap, "out of memory");
        return NULL;
    }
    p->cfg = *cfg;
    if (p->cfg.interval_ns == 0)
        p->cfg.interval_ns = 100000000ull;
    if (p->cfg.snapshot_ns == 0)
        p->cfg.snapshot_ns = 500000000ull;
    if (jp_endpoint_check(cfg->endpoint, cfg->allow_remote, p->endpoint, sizeof p->endpoint,
                          &ipv6, err, err_cap) < 0)
        goto fail;
    if (jp_stage_init(&p->stage, cfg->queue_bytes) < 0) {
        snprintf(err, err_cap, "out of memory (stream queue)");
        goto fail;
    }
    p->ctx = zmq_ctx_new();
    if (p->ctx == NULL || (p->sock = zmq_socket(p->ctx, ZMQ_PUB)) == NULL) {
        snprintf(err, err_cap, "zmq: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    inmax = cfg->linger_ms;
    zmq_setsockopt(p->sock, ZMQ_SNDHWM, &cfg->sndhwm, sizeof cfg->sndhwm);
    zmq_setsockopt(p->sock, ZMQ_LINGER, &inmax, sizeof inmax);
    zmq_setsockopt(p->sock, ZMQ_MAXMSGSIZE, &inmax64, sizeof inmax64);
    if (ipv6)
        zmq_setsockopt(p->sock, ZMQ_IPV6, &one, sizeof one);
    if (zmq_bind(p->sock, p->endpoint) < 0) {
        snprintf(err, err_cap, "cannot bind %s: %s", p->endpoint, zmq_strerror(zmq_errno()));
        goto fail;
    }
    len = sizeof p->endpoint;
    zmq_getsockopt(p->sock, ZMQ_LAST_ENDPOINT, p->endpoint, &len);
    if (getrandom(&p->stream_id, sizeof p->stream_id, 0) != sizeof p->stream_id)
        p->stream_id = mono_ns() ^ ((uint64_t)getpid() << 40);
    p->stream_id |= 1;
    p->owner = getpid();
    p->start_mono_ns = mono_ns();
    p->n_nodes = p->sent_nodes = 1;
    if (grow((void **)&p->nodes, &p->cap_nodes, 2, 4) < 0) {
        snprintf(err, err_cap, "out of memory");
        goto fail;
    }
    p->nodes[0] = p->nodes[1] = UINT32_MAX;
    p->process_dirty = 1;
    p->snap_period_ns = p->cfg.snapshot_ns;
    /* the first snapshot soon: subscribers that connected before the bind
     * miss the first messages (ZeroMQ's slow joiner) */
    p->last_snap_ns = p->start_mono_ns - p->snap_period_ns + 200000000ull;
    if (pthread_create(&p->thread, NULL, pub_main, p) != 0) {
        snprintf(err, err_cap, "cannot start the publisher thread");
        goto fail;
    }
    /* named, so that reports can hide it (kernel_ext/jitprofile/_internal.py) */
    pthread_setname_np(p->thread, "jitprofile-pub");
    p->started = 1;
    return p;
fail:
    if (p->sock)
        zmq_close(p->sock);
    if (p->ctx)
        zmq_ctx_term(p->ctx);
    pub_free(p);
    return NULL;
}

void
jp_pub_kick(jp_publisher *p)
{
    pthread_mutex_lock(&p->stage.lock);
    p->kicked = 1;
    pthread_cond_signal(&p->stage.wake);
    pthread_mutex_unlock(&p->stage.lock);
}

void
jp_pub_close(jp_publisher *p)
{
    if (p == NULL || p->owner != getpid())
        return;             /* a forked child: no thread; leave it all */
    pthread_mutex_lock(&p->stage.lock);
    __atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
    pthread_cond_signal(&p->stage.wake);
    pthread_mutex_unlock(&p->stage.lock);
    pthread_join(p->thread, NULL);
    zmq_ctx_term(p->ctx);
    pub_free(p);
}

jp_stage *
jp_pub_stage(jp_publisher *p)
{
    return &p->stage;
}

const char *
jp_pub_endpoint(const jp_publisher *p)
{
    return p->endpoint;
}

uint64_t
jp_pub_stream_id(const jp_publisher *p)
{
    return p->stream_id;
}

void
jp_pub_stats(jp_publisher *p, uint64_t out[JP_ST_COUNT])
{
    for (int i = 0; i < JP_ST_COUNT; i++)
        out[i] = __atomic_load_n(&p->st[i], __ATOMIC_RELAXED);
    pthread_mutex_lock(&p->stage.lock);
    out[JP_ST_STAGE_DROPPED] = p->stage.dropped_samples;
    out[JP_ST_STAGE_DROPPED_WEIGHT] = p->stage.dropped_weight;
    pthread_mutex_unlock(&p->stage.lock);
}
