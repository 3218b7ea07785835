/* viz_server/aggregate.c - validate and apply stream messages (see
 * aggregate.h and PROTOCOL.md, "Rebuilding the state").
 *
 * Each message is checked three times before it changes anything: the
 * header (magic, major version, length), the body's structure on its own
 * (well-formed varints, counts no larger than the bytes left, nothing left
 * over), then its ids against the state it applies to.  Only then is it
 * applied, so a rejected message leaves the state as it was.
 */
#include "viz_server/aggregate.h"

#include <stdlib.h>
#include <string.h>

#define INFO_MAX 65536

enum { STRUCT = 0, CHECK = 1, APPLY = 2 };

static int
reserve(void **v, size_t *cap, size_t need, size_t size)
{
    size_t ncap;
    void *nv;
    if (need <= *cap)
        return 0;
    if (need > SIZE_MAX / 2 / size)
        return -1;
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

static void
state_clear(jp_agg_state *s)
{
    for (size_t i = 0; i < s->n_strings; i++)
        free(s->strings[i]);
    free(s->strings);
    free(s->funcs);
    free(s->frames);
    free(s->nodes);
    free(s->threads);
    free(s->samples);
    memset(s, 0, sizeof *s);
}

static int
state_init(jp_agg_state *s)
{
    memset(s, 0, sizeof *s);
    if (reserve((void **)&s->nodes, &s->cap_nodes, 2, 4) < 0)
        return -1;
    s->nodes[0] = s->nodes[1] = UINT32_MAX;
    s->n_nodes = 1;
    return 0;
}

void
jp_agg_init(jp_agg *a)
{
    memset(a, 0, sizeof *a);
    state_init(&a->cur);
}

static void
free_info(jp_agg *a)
{
    for (size_t i = 0; i < a->n_info; i++)
        free(a->info[i]);
    free(a->info);
    a->info = NULL;
    a->n_info = 0;
}

void
jp_agg_free(jp_agg *a)
{
    state_clear(&a->cur);
    state_clear(&a->snap);
    free_info(a);
    free(a->reco);
    memset(a, 0, sizeof *a);
}

static char *
dup_bytes(const uint8_t *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* --- one function per message type: mode STRUCT (st is NULL), CHECK or
 * APPLY; 0, or -1 when invalid (or, in APPLY, out of memory) --------------- */

static int
m_strings(jp_agg_state *st, jp_rd *r, int mode)
{
    uint64_t first = jp_r_varint(r), k = jp_r_count(r, jp_r_left(r));

    if (r->err || (st && first != st->n_strings) || first + k > UINT32_MAX)
        return -1;
    if (mode == APPLY && reserve((void **)&st->strings, &st->cap_strings,
                                 st->n_strings + k, sizeof(char *)) < 0)
        return -1;
    for (uint64_t i = 0; i < k; i++) {
        size_t n;
        const uint8_t *s = jp_r_bytes(r, &n, JP_WIRE_MAX_STRING);
        if (r->err || memchr(s, 0, n) != NULL)
            return -1;
        if (mode == APPLY) {
            char *d = dup_bytes(s, n);
            if (d == NULL)
                return -1;
            st->strings[st->n_strings++] = d;
        }
    }
    return r->err ? -1 : 0;
}

static int
m_funcs(jp_agg_state *st, jp_rd *r, int mode)
{
    uint64_t first = jp_r_varint(r), k = jp_r_count(r, jp_r_left(r) / 5);

    if (r->err || (st && first != st->n_funcs) || first + k > UINT32_MAX)
        return -1;
    if (mode == APPLY && reserve((void **)&st->funcs, &st->cap_funcs, st->n_funcs + k,
                                 sizeof(jp_func)) < 0)
        return -1;
    for (uint64_t i = 0; i < k; i++) {
        uint64_t name = jp_r_varint(r), file = jp_r_varint(r), module = jp_r_varint(r);
        int64_t line = jp_r_svarint(r);
        unsigned cat = jp_r_u8(r);
        if (r->err || cat >= JP_CAT_COUNT || line < INT32_MIN || line > INT32_MAX)
            return -1;
        if (st && (name >= st->n_strings || file >= st->n_strings || module >= st->n_strings))
            return -1;
        if (mode == APPLY)
            st->funcs[st->n_funcs++] = (jp_func){(uint32_t)name, (uint32_t)file,
                                                 (uint32_t)module, (int32_t)line, cat};
    }
    return 0;
}

static int
m_frames(jp_agg_state *st, jp_rd *r, int mode)
{
    uint64_t first = jp_r_varint(r), k = jp_r_count(r, jp_r_left(r) / 2);

    if (r->err || (st && first != st->n_frames) || first + k > UINT32_MAX)
        return -1;
    if (mode == APPLY && reserve((void **)&st->frames, &st->cap_frames, st->n_frames + k,
                                 sizeof(jp_frame)) < 0)
        return -1;
    for (uint64_t i = 0; i < k; i++) {
        uint64_t func = jp_r_varint(r);
        int64_t line = jp_r_svarint(r);
        if (r->err || line < INT32_MIN || line > INT32_MAX || (st && func >= st->n_funcs))
            return -1;
        if (mode == APPLY)
            st->frames[st->n_frames++] = (jp_frame){(uint32_t)func, (int32_t)line};
    }
    return 0;
}

static int
m_stacks(jp_agg_state *st, jp_rd *r, int mode)
{
    uint64_t first = jp_r_varint(r), k = jp_r_count(r, jp_r_left(r) / 2);

    if (r->err || first == 0 || (st && first != st->n_nodes) || first + k > UINT32_MAX - 1)
        return -1;
    if (mode == APPLY && reserve((void **)&st->nodes, &st->cap_nodes,
                                 2 * (st->n_nodes + k), 4) < 0)
        return -1;
    for (uint64_t i = 0; i < k; i++) {
        uint64_t parent = jp_r_varint(r), frame = jp_r_varint(r);
        if (r->err || parent >= first + i || (st && frame >= st->n_frames))
            return -1;
        if (mode == APPLY) {
            st->nodes[2 * st->n_nodes] = (uint32_t)parent;
            st->nodes[2 * st->n_nodes + 1] = (uint32_t)frame;
            st->n_nodes++;
        }
    }
    return 0;
}

static int
m_threads(jp_agg_state *st, jp_rd *r, int mode)
{
    uint64_t k = jp_r_count(r, jp_r_left(r) / 4), n = st ? st->n_threads : 0;

    if (r->err)
        return -1;
    if (mode == APPLY && reserve((void **)&st->threads, &st->cap_threads, st->n_threads + k,
                                 sizeof(jp_agg_thread)) < 0)
        return -1;
    for (uint64_t i = 0; i < k; i++) {
        uint64_t index = jp_r_varint(r);
        int64_t pid = jp_r_svarint(r), tid = jp_r_svarint(r);
        uint64_t name = jp_r_varint(r);
        if (r->err || pid < INT32_MIN || pid > INT32_MAX || tid < INT32_MIN || tid > INT32_MAX
            || index > UINT32_MAX - 1)
            return -1;
        if (st && (index > n || name >= st->n_strings))
            return -1;
        if (st && index == n)
            n++;
        if (mode == APPLY) {
            if (index == st->n_threads)
                st->threads[st->n_threads++] = (jp_agg_thread){0, 0, 0, 0};
            st->threads[index].pid = (int32_t)pid;
            st->threads[index].tid = (int32_t)tid;
            st->threads[index].name = (uint32_t)name;
        }
    }
    return 0;
}

/* INTERVAL (with_index) and TOTALS: groups of (thread, [(stack delta, weight)]). */
static int
m_counts(jp_agg_state *st, jp_rd *r, int mode, int with_index, uint64_t snap_interval)
{
    uint64_t index = with_index ? jp_r_varint(r) : snap_interval;
    uint64_t groups = jp_r_count(r, jp_r_left(r) / 3);
    const uint8_t *body = r->p;
    size_t total_entries = 0;

    if (r->err)
        return -1;
    if (mode == APPLY) {
        /* entries were counted in CHECK: reserve once, then apply */
        jp_rd scan = *r;
        for (uint64_t g = 0; g < groups; g++) {
            uint64_t n;
            jp_r_varint(&scan);
            n = jp_r_varint(&scan);
            total_entries += n;
            for (uint64_t i = 0; i < 2 * n; i++)
                jp_r_varint(&scan);
        }
        if (reserve((void **)&st->samples, &st->cap_samples, st->n_samples + total_entries,
                    sizeof(jp_agg_sample)) < 0)
            return -1;
    }
    (void)body;
    for (uint64_t g = 0; g < groups; g++) {
        uint64_t thread = jp_r_varint(r), n = jp_r_count(r, jp_r_left(r) / 2), node = 0;
        if (r->err || n == 0 || (st && thread >= st->n_threads))
            return -1;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t delta = jp_r_varint(r), weight = jp_r_varint(r);
            if (r->err || (i > 0 && delta == 0) || delta > UINT32_MAX)
                return -1;
            node += delta;
            if (node > UINT32_MAX || (st && node >= st->n_nodes))
                return -1;
            if (mode == APPLY) {
                st->samples[st->n_samples++] = (jp_agg_sample){(uint32_t)thread, (uint32_t)node,
                                                               index, weight};
                st->threads[thread].weight += weight;
                st->total_weight += weight;
            }
        }
    }
    if (mode == APPLY && with_index && index > st->last_interval)
        st->last_interval = index;
    return 0;
}

static int
m_snap_end(jp_agg_state *st, jp_rd *r, int mode)
{
    uint64_t v[6];
    for (int i = 0; i < 6; i++)
        v[i] = jp_r_varint(r);
    if (r->err)
        return -1;
    (void)mode;
    if (st && (v[0] != st->n_strings || v[1] != st->n_funcs || v[2] != st->n_frames
               || v[3] != st->n_nodes || v[4] != st->n_threads || v[5] != st->total_weight))
        return -1;
    return 0;
}

/* Messages that carry absolute values, applied to a itself. */
static int
m_process(jp_agg *a, jp_rd *r, int mode)
{
    int64_t pid = jp_r_svarint(r);
    uint64_t period = jp_r_varint(r), interval = jp_r_varint(r), start = jp_r_varint(r);
    uint64_t k = jp_r_count(r, jp_r_left(r) / 2);
    char **info = NULL;

    if (r->err || interval == 0)
        return -1;
    if (mode == APPLY && (info = calloc(2 * k + 1, sizeof *info)) == NULL)
        return -1;
    for (uint64_t i = 0; i < 2 * k; i++) {
        size_t n;
        const uint8_t *s = jp_r_bytes(r, &n, INFO_MAX);
        if (r->err || memchr(s, 0, n) != NULL)
            goto fail;
        if (mode == APPLY && (info[i] = dup_bytes(s, n)) == NULL)
            goto fail;
    }
    if (mode == APPLY) {
        free_info(a);
        a->info = info;
        a->n_info = 2 * k;
        a->pid = pid;
        a->sample_period_ns = period;
        a->interval_ns = interval;
        a->start_mono_ns = start;
        a->have_process = 1;
    }
    return 0;
fail:
    if (info)
        for (uint64_t i = 0; i < 2 * k; i++)
            free(info[i]);
    free(info);
    return -1;
}

static int
m_stats(jp_agg *a, jp_rd *r, int mode)
{
    uint64_t n = jp_r_count(r, jp_r_left(r)), v[JP_ST_COUNT] = {0};
    for (uint64_t i = 0; i < n; i++) {
        uint64_t x = jp_r_varint(r);
        if (i < JP_ST_COUNT)
            v[i] = x;
    }
    if (r->err)
        return -1;
    if (mode == APPLY) {
        memcpy(a->pub_stats, v, sizeof v);
        a->have_pub_stats = 1;
    }
    return 0;
}

static int
m_recommend(jp_agg *a, jp_rd *r, int mode)
{
    size_t n;
    const uint8_t *s = jp_r_bytes(r, &n, JP_WIRE_MAX_BODY);
    char *d;
    if (r->err || memchr(s, 0, n) != NULL)
        return -1;
    if (mode == APPLY) {
        if ((d = dup_bytes(s, n)) == NULL)
            return -1;
        free(a->reco);
        a->reco = d;
        a->reco_len = n;
    }
    return 0;
}

static int
is_absolute(unsigned type)
{
    return type == JP_MSG_PROCESS || type == JP_MSG_STATS || type == JP_MSG_RECOMMEND
           || type == JP_MSG_END;
}

/* Parse one body; st is NULL in STRUCT mode.  Nothing may be left over. */
static int
parse(jp_agg *a, unsigned type, jp_agg_state *st, const uint8_t *body, size_t n, int mode)
{
    jp_rd r = {body, body + n, 0};
    int rc;

    switch (type) {
    case JP_MSG_PROCESS: rc = m_process(a, &r, mode); break;
    case JP_MSG_STRINGS: rc = m_strings(st, &r, mode); break;
    case JP_MSG_FUNCS: rc = m_funcs(st, &r, mode); break;
    case JP_MSG_FRAMES: rc = m_frames(st, &r, mode); break;
    case JP_MSG_STACKS: rc = m_stacks(st, &r, mode); break;
    case JP_MSG_THREADS: rc = m_threads(st, &r, mode); break;
    case JP_MSG_INTERVAL: rc = m_counts(st, &r, mode, 1, 0); break;
    case JP_MSG_TOTALS: rc = m_counts(st, &r, mode, 0, a->snap_interval); break;
    case JP_MSG_STATS: rc = m_stats(a, &r, mode); break;
    case JP_MSG_RECOMMEND: rc = m_recommend(a, &r, mode); break;
    case JP_MSG_SNAP_BEGIN:
        for (int i = 0; i < 3; i++)
            jp_r_varint(&r);
        rc = r.err ? -1 : 0;
        break;
    case JP_MSG_SNAP_END: rc = m_snap_end(st, &r, mode); break;
    case JP_MSG_END:
        a->end_total = mode == APPLY ? jp_r_varint(&r) : a->end_total;
        if (mode != APPLY)
            jp_r_varint(&r);
        rc = r.err ? -1 : 0;
        break;
    default: rc = -1;
    }
    return rc < 0 || r.err || r.p != r.end ? -1 : 0;
}

/* Check against st, then apply. */
static int
check_apply(jp_agg *a, unsigned type, jp_agg_state *st, const uint8_t *body, size_t n)
{
    if (parse(a, type, st, body, n, CHECK) < 0)
        return -1;
    return parse(a, type, st, body, n, APPLY);
}

static int
reject(jp_agg *a)
{
    a->c.rejected++;
    return JP_AGG_REJECTED;
}

static int
skip(jp_agg *a)
{
    a->c.skipped++;
    return JP_AGG_SKIPPED;
}

static int
applied(jp_agg *a)
{
    a->c.applied++;
    return JP_AGG_APPLIED;
}

static void
new_stream(jp_agg *a, const jp_hdr *h)
{
    state_clear(&a->cur);
    state_clear(&a->snap);
    state_init(&a->cur);
    a->have_stream = 1;
    a->stream_id = h->stream_id;
    a->next_seq = h->seq;
    a->synced = h->seq == 1;        /* from its first message on */
    a->building = 0;
    a->finished = 0;
    a->c.streams++;
}

int
jp_agg_apply(jp_agg *a, const uint8_t *msg, size_t len)
{
    jp_hdr h;
    int rc = jp_wire_header(msg, len, &h), known;
    const uint8_t *body = msg + JP_WIRE_HDR;

    a->c.received++;
    if (len > (size_t)JP_WIRE_HDR + JP_WIRE_MAX_BODY)
        a->c.oversize++;
    if (rc != JP_HDR_OK) {
        if (rc == JP_HDR_VERSION)
            a->c.rejected_version++;
        return reject(a);
    }
    known = h.type >= 1 && h.type <= JP_MSG_TYPE_MAX;
    if (!known && h.minor <= JP_WIRE_MINOR)
        return reject(a);
    if (known && parse(a, h.type, NULL, body, h.body_len, STRUCT) < 0)
        return reject(a);
    if (!a->have_stream || h.stream_id != a->stream_id) {
        if (a->have_stream && !a->finished && h.seq != 1 && h.type != JP_MSG_SNAP_BEGIN) {
            a->c.foreign++;
            return skip(a);
        }
        new_stream(a, &h);
    }
    if (h.seq > UINT64_MAX / 2) {
        a->c.bad_sequence++;        /* no stream gets there: forged, never followed */
        return reject(a);
    }
    if (h.seq > a->next_seq ? h.seq - a->next_seq > JP_AGG_MAX_SEQ_GAP
                            : a->next_seq - h.seq > JP_AGG_MAX_SEQ_GAP) {
        /* far ahead or far behind (forged, or the sequence restarted):
         * not loss; follow the new sequence and resync from a snapshot */
        a->c.bad_sequence++;
        a->next_seq = h.seq;
        a->synced = 0;
        a->building = 0;
    }
    if (h.seq < a->next_seq)
        return reject(a);           /* replayed or duplicated */
    if (h.seq > a->next_seq) {
        a->c.lost += h.seq - a->next_seq;
        a->synced = 0;
        a->building = 0;
    }
    a->next_seq = h.seq + 1;
    if (!known)
        return skip(a);             /* a newer minor version's message */
    if (is_absolute(h.type)) {
        if (parse(a, h.type, NULL, body, h.body_len, APPLY) < 0)
            return reject(a);
        if (h.type == JP_MSG_END)
            a->finished = 1;
        return applied(a);
    }
    if (h.flags & JP_FLAG_SNAPSHOT) {
        if (h.type == JP_MSG_SNAP_BEGIN) {
            jp_rd r = {body, body + h.body_len, 0};
            if (a->synced)
                return skip(a);
            jp_r_varint(&r);
            a->snap_interval = jp_r_varint(&r);
            state_clear(&a->snap);
            if (state_init(&a->snap) < 0)
                return reject(a);
            a->building = 1;
            return applied(a);
        }
        if (a->building) {
            if (check_apply(a, h.type, &a->snap, body, h.body_len) < 0) {
                a->building = 0;
                return reject(a);
            }
            if (h.type == JP_MSG_SNAP_END) {
                state_clear(&a->cur);
                a->cur = a->snap;
                memset(&a->snap, 0, sizeof a->snap);
                a->building = 0;
                a->synced = 1;
                a->c.resyncs++;
            }
            return applied(a);
        }
        if (a->synced && h.type == JP_MSG_SNAP_END
            && parse(a, h.type, &a->cur, body, h.body_len, CHECK) < 0) {
            a->c.inconsistent++;
            a->synced = 0;
        }
        return skip(a);
    }
    if (!a->synced)
        return skip(a);
    if (check_apply(a, h.type, &a->cur, body, h.body_len) < 0) {
        a->synced = 0;              /* the publisher never sends that: resync */
        return reject(a);
    }
    return applied(a);
}
