/* tests/c/test_stream_wire.c - the stream's wire format and aggregator
 * (viz_server/wire.c, aggregate.c) on hand-made messages: a valid stream
 * rebuilds its tables and counts; every truncation, corrupted byte, unknown
 * major version, bad id, replay and overlong varint is rejected and
 * counted without changing the state; gaps make the subscriber wait for a
 * snapshot, which brings it back.  Also the bind policy (endpoint.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz_server/aggregate.h"
#include "viz_server/endpoint.h"
#include "viz_server/wire.h"

static int failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                        \
        }                                                                      \
    } while (0)

#define STREAM 0x1234567890abcdefull

typedef struct msg {
    uint8_t *p;
    size_t n;
} msg;

static msg
finish(jp_wbuf *w, uint64_t seq)
{
    msg m;
    jp_w_finish(w, STREAM, seq);
    m.n = w->n;
    m.p = malloc(m.n);
    memcpy(m.p, w->p, m.n);
    return m;
}

static msg
m_process(uint64_t seq, unsigned flags)
{
    jp_wbuf w = {0};
    msg m;
    jp_w_begin(&w, JP_MSG_PROCESS, flags);
    jp_w_svarint(&w, 4242);
    jp_w_varint(&w, 1000000);
    jp_w_varint(&w, 100000000);
    jp_w_varint(&w, 5);
    jp_w_varint(&w, 1);
    jp_w_bytes(&w, "hz", 2);
    jp_w_bytes(&w, "1000", 4);
    m = finish(&w, seq);
    jp_wbuf_free(&w);
    return m;
}

static msg
m_strings(uint64_t seq, unsigned flags, unsigned first, const char **s, unsigned n)
{
    jp_wbuf w = {0};
    msg m;
    jp_w_begin(&w, JP_MSG_STRINGS, flags);
    jp_w_varint(&w, first);
    jp_w_varint(&w, n);
    for (unsigned i = 0; i < n; i++)
        jp_w_bytes(&w, s[i], strlen(s[i]));
    m = finish(&w, seq);
    jp_wbuf_free(&w);
    return m;
}

/* functions: (name, file, module, line, category) */
static msg
m_funcs(uint64_t seq, unsigned flags, unsigned first, const unsigned (*f)[5], unsigned n)
{
    jp_wbuf w = {0};
    msg m;
    jp_w_begin(&w, JP_MSG_FUNCS, flags);
    jp_w_varint(&w, first);
    jp_w_varint(&w, n);
    for (unsigned i = 0; i < n; i++) {
        jp_w_varint(&w, f[i][0]);
        jp_w_varint(&w, f[i][1]);
        jp_w_varint(&w, f[i][2]);
        jp_w_svarint(&w, (int)f[i][3]);
        jp_w_u8(&w, f[i][4]);
    }
    m = finish(&w, seq);
    jp_wbuf_free(&w);
    return m;
}

/* frames (type FRAMES) or stacks (STACKS): pairs */
static msg
m_pairs(uint64_t seq, unsigned type, unsigned flags, unsigned first, const unsigned (*p)[2],
        unsigned n)
{
    jp_wbuf w = {0};
    msg m;
    jp_w_begin(&w, type, flags);
    jp_w_varint(&w, first);
    jp_w_varint(&w, n);
    for (unsigned i = 0; i < n; i++) {
        jp_w_varint(&w, p[i][0]);
        if (type == JP_MSG_FRAMES)
            jp_w_svarint(&w, (int)p[i][1]);
        else
            jp_w_varint(&w, p[i][1]);
    }
    m = finish(&w, seq);
    jp_wbuf_free(&w);
    return m;
}

static msg
m_threads(uint64_t seq, unsigned flags)
{
    jp_wbuf w = {0};
    msg m;
    jp_w_begin(&w, JP_MSG_THREADS, flags);
    jp_w_varint(&w, 2);
    jp_w_varint(&w, 0);     /* index, pid, tid, name */
    jp_w_svarint(&w, 4242);
    jp_w_svarint(&w, 4242);
    jp_w_varint(&w, 4);
    jp_w_varint(&w, 1);
    jp_w_svarint(&w, 4242);
    jp_w_svarint(&w, 4250);
    jp_w_varint(&w, 5);
    m = finish(&w, seq);
    jp_wbuf_free(&w);
    return m;
}

/* INTERVAL (index) or TOTALS: thread 0 -> nodes 1:w0, 2:w1; thread 1 -> 2:w2 */
static msg
m_counts(uint64_t seq, unsigned type, unsigned flags, uint64_t index, const uint64_t w3[3])
{
    jp_wbuf w = {0};
    msg m;
    jp_w_begin(&w, type, flags);
    if (type == JP_MSG_INTERVAL)
        jp_w_varint(&w, index);
    jp_w_varint(&w, 2);
    jp_w_varint(&w, 0);
    jp_w_varint(&w, 2);
    jp_w_varint(&w, 1);
    jp_w_varint(&w, w3[0]);
    jp_w_varint(&w, 1);
    jp_w_varint(&w, w3[1]);
    jp_w_varint(&w, 1);
    jp_w_varint(&w, 1);
    jp_w_varint(&w, 2);
    jp_w_varint(&w, w3[2]);
    m = finish(&w, seq);
    jp_wbuf_free(&w);
    return m;
}

static msg
m_simple(uint64_t seq, unsigned type, unsigned flags, const uint64_t *v, int n)
{
    jp_wbuf w = {0};
    msg m;
    jp_w_begin(&w, type, flags);
    for (int i = 0; i < n; i++)
        jp_w_varint(&w, v[i]);
    m = finish(&w, seq);
    jp_wbuf_free(&w);
    return m;
}

static const char *strs[] = {"", "hot", "/x.py", "x", "MainThread", "worker"};
static const unsigned funcs[2][5] = {{1, 2, 3, 1, 0}, {0, 2, 3, 10, 1}};
static const unsigned frames[2][2] = {{0, 2}, {1, 11}};
static const unsigned stacks[2][2] = {{0, 0}, {1, 1}};

/* The definitions of a tiny profile: seq first..first+5 */
static int
defs(msg *out, uint64_t seq, unsigned flags)
{
    int n = 0;
    out[n++] = m_process(seq++, flags);
    out[n++] = m_strings(seq++, flags, 0, strs, 6);
    out[n++] = m_funcs(seq++, flags, 0, funcs, 2);
    out[n++] = m_pairs(seq++, JP_MSG_FRAMES, flags, 0, frames, 2);
    out[n++] = m_pairs(seq++, JP_MSG_STACKS, flags, 1, stacks, 2);
    out[n++] = m_threads(seq++, flags);
    return n;
}

static int
apply(jp_agg *a, msg m)
{
    return jp_agg_apply(a, m.p, m.n);
}

static void
test_valid_stream(void)
{
    jp_agg a;
    msg m[16];
    int n = defs(m, 1, 0);
    const uint64_t w1[3] = {5, 3, 7}, w2[3] = {1, 1, 1};

    jp_agg_init(&a);
    m[n++] = m_counts(7, JP_MSG_INTERVAL, 0, 100, w1);
    m[n++] = m_counts(8, JP_MSG_INTERVAL, 0, 101, w2);
    for (int i = 0; i < n; i++)
        CHECK(apply(&a, m[i]) == JP_AGG_APPLIED);
    CHECK(a.synced && a.c.applied == (uint64_t)n && a.c.rejected == 0 && a.c.lost == 0);
    CHECK(a.cur.n_strings == 6 && strcmp(a.cur.strings[1], "hot") == 0);
    CHECK(a.cur.n_funcs == 2 && a.cur.funcs[1].first_line == 10 && a.cur.funcs[1].category == 1);
    CHECK(a.cur.n_frames == 2 && a.cur.frames[1].line == 11);
    CHECK(a.cur.n_nodes == 3 && a.cur.nodes[2 * 2] == 1 && a.cur.nodes[2 * 2 + 1] == 1);
    CHECK(a.cur.n_threads == 2 && a.cur.threads[1].tid == 4250 && a.cur.threads[1].name == 5);
    CHECK(a.cur.total_weight == 18 && a.cur.threads[0].weight == 10
          && a.cur.threads[1].weight == 8);
    CHECK(a.cur.n_samples == 6 && a.cur.samples[0].interval == 100 && a.cur.last_interval == 101);
    CHECK(a.have_process && a.pid == 4242 && a.interval_ns == 100000000 && a.n_info == 2
          && strcmp(a.info[1], "1000") == 0);

    /* every proper prefix of every message is rejected, state unchanged */
    for (int i = 0; i < n; i++)
        for (size_t len = 0; len < m[i].n; len++)
            CHECK(jp_agg_apply(&a, m[i].p, len) == JP_AGG_REJECTED);
    CHECK(a.cur.total_weight == 18 && a.cur.n_strings == 6 && a.synced);
    CHECK(a.c.rejected > 100);
    for (int i = 0; i < n; i++)
        free(m[i].p);
    jp_agg_free(&a);
}

static void
test_rejections(void)
{
    jp_agg a;
    msg m[8], bad;
    int n = defs(m, 1, 0);
    uint64_t rejected;
    const uint64_t w[3] = {1, 2, 3};
    static const unsigned bad_func[1][5] = {{99, 2, 3, 1, 0}};
    static const unsigned bad_cat[1][5] = {{1, 2, 3, 1, 7}};
    static const unsigned bad_parent[1][2] = {{5, 0}};
    uint8_t junk[64];

    jp_agg_init(&a);
    for (int i = 0; i < n; i++)
        CHECK(apply(&a, m[i]) == JP_AGG_APPLIED);

    /* unknown major version */
    bad = m_counts(7, JP_MSG_INTERVAL, 0, 1, w);
    bad.p[4] = 2;
    CHECK(apply(&a, bad) == JP_AGG_REJECTED && a.c.rejected_version == 1);
    bad.p[4] = JP_WIRE_MAJOR;
    /* bad magic, body length that lies */
    bad.p[0] = 'X';
    CHECK(apply(&a, bad) == JP_AGG_REJECTED);
    bad.p[0] = 'J';
    bad.p[24]++;
    CHECK(apply(&a, bad) == JP_AGG_REJECTED);
    bad.p[24]--;
    /* unknown type, same minor: rejected; newer minor: skipped */
    bad.p[6] = 99;
    CHECK(apply(&a, bad) == JP_AGG_REJECTED);
    bad.p[6] = JP_MSG_INTERVAL;
    free(bad.p);

    /* ids out of range: nothing changes, the subscriber waits for a snapshot */
    rejected = a.c.rejected;
    bad = m_funcs(7, 0, 2, bad_func, 1);
    CHECK(apply(&a, bad) == JP_AGG_REJECTED && a.cur.n_funcs == 2 && !a.synced);
    free(bad.p);
    a.synced = 1;
    bad = m_funcs(8, 0, 2, bad_cat, 1);          /* structure: no seq used */
    CHECK(apply(&a, bad) == JP_AGG_REJECTED && a.cur.n_funcs == 2);
    free(bad.p);
    a.synced = 1;
    bad = m_pairs(8, JP_MSG_STACKS, 0, 3, bad_parent, 1);
    CHECK(apply(&a, bad) == JP_AGG_REJECTED && a.cur.n_nodes == 3);
    free(bad.p);
    a.synced = 1;
    bad = m_strings(8, 0, 3, strs, 1);           /* not appended at the end */
    CHECK(apply(&a, bad) == JP_AGG_REJECTED && a.cur.n_strings == 6);
    free(bad.p);
    a.synced = 1;
    CHECK(a.c.rejected == rejected + 4);

    /* replayed sequence number */
    CHECK(apply(&a, m[2]) == JP_AGG_REJECTED);

    /* an overlong varint (11 bytes) and a count larger than the message */
    {
        jp_wbuf w = {0};
        jp_w_begin(&w, JP_MSG_STATS, 0);
        jp_w_varint(&w, 1);
        for (int i = 0; i < 10; i++)
            jp_w_u8(&w, 0xff);
        jp_w_u8(&w, 0x01);
        bad = finish(&w, 11);
        CHECK(apply(&a, bad) == JP_AGG_REJECTED);
        free(bad.p);
        jp_w_begin(&w, JP_MSG_STRINGS, 0);
        jp_w_varint(&w, 6);
        jp_w_varint(&w, 1ull << 40);
        bad = finish(&w, 11);
        CHECK(apply(&a, bad) == JP_AGG_REJECTED);
        free(bad.p);
        /* a string with a NUL inside */
        jp_w_begin(&w, JP_MSG_STRINGS, 0);
        jp_w_varint(&w, 6);
        jp_w_varint(&w, 1);
        jp_w_bytes(&w, "a\0b", 3);
        bad = finish(&w, 11);
        CHECK(apply(&a, bad) == JP_AGG_REJECTED && a.cur.n_strings == 6);
        free(bad.p);
        /* trailing bytes */
        jp_w_begin(&w, JP_MSG_END, 0);
        jp_w_varint(&w, 5);
        jp_w_u8(&w, 0);
        bad = finish(&w, 11);
        CHECK(apply(&a, bad) == JP_AGG_REJECTED && !a.finished);
        free(bad.p);
        /* stack deltas not ascending */
        jp_w_begin(&w, JP_MSG_INTERVAL, 0);
        jp_w_varint(&w, 1);
        jp_w_varint(&w, 1);
        jp_w_varint(&w, 0);
        jp_w_varint(&w, 2);
        jp_w_varint(&w, 2);
        jp_w_varint(&w, 1);
        jp_w_varint(&w, 0);
        jp_w_varint(&w, 1);
        bad = finish(&w, 11);
        CHECK(apply(&a, bad) == JP_AGG_REJECTED && a.cur.total_weight == 0);
        free(bad.p);
        jp_wbuf_free(&w);
    }

    /* random garbage and random corruption of valid messages: never a crash,
     * and the state's invariants hold (run under ASan by tests/run_asan.sh) */
    srand(12345);
    for (int round = 0; round < 20000; round++) {
        msg src = m[round % n];
        uint8_t *copy = malloc(src.n);
        memcpy(copy, src.p, src.n);
        for (int k = 0; k <= round % 4; k++)
            copy[JP_WIRE_HDR + (size_t)rand() % (src.n - JP_WIRE_HDR)] = (uint8_t)rand();
        jp_agg_apply(&a, copy, src.n);
        free(copy);
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (uint8_t)rand();
        if (round % 2)
            memcpy(junk, JP_WIRE_MAGIC "\x01", 5);
        jp_agg_apply(&a, junk, (size_t)rand() % sizeof junk);
    }
    for (size_t i = 1; i < a.cur.n_nodes; i++)
        CHECK(a.cur.nodes[2 * i] < i && a.cur.nodes[2 * i + 1] < a.cur.n_frames);
    for (size_t i = 0; i < a.cur.n_funcs; i++)
        CHECK(a.cur.funcs[i].name < a.cur.n_strings && a.cur.funcs[i].category < JP_CAT_COUNT);
    for (size_t i = 0; i < a.cur.n_samples; i++)
        CHECK(a.cur.samples[i].thread < a.cur.n_threads
              && a.cur.samples[i].node < a.cur.n_nodes);
    CHECK(a.c.received == a.c.applied + a.c.skipped + a.c.rejected);
    for (int i = 0; i < n; i++)
        free(m[i].p);
    jp_agg_free(&a);
}

/* A late joiner (first message is not seq 1) waits for a snapshot; a gap
 * desynchronises until the next snapshot; a newer minor type is skipped. */
static void
test_snapshots_and_gaps(void)
{
    jp_agg a;
    msg m[32];
    int n = 0;
    uint64_t seq = 40;
    const uint64_t w[3] = {5, 3, 7}, t[3] = {50, 30, 70}, one[3] = {1, 1, 1};
    uint64_t b[3] = {1, 10, 20}, e[6] = {6, 2, 2, 3, 2, 150};

    jp_agg_init(&a);
    m[n++] = m_counts(seq++, JP_MSG_INTERVAL, 0, 30, w);    /* before: skipped */
    m[n++] = m_simple(seq++, JP_MSG_SNAP_BEGIN, JP_FLAG_SNAPSHOT, b, 3);
    n += defs(m + n, seq, JP_FLAG_SNAPSHOT);
    seq += 6;
    m[n++] = m_counts(seq++, JP_MSG_TOTALS, JP_FLAG_SNAPSHOT, 0, t);
    m[n++] = m_simple(seq++, JP_MSG_SNAP_END, JP_FLAG_SNAPSHOT, e, 6);
    m[n++] = m_counts(seq++, JP_MSG_INTERVAL, 0, 31, one);  /* after: applied */
    for (int i = 0; i < n; i++)
        apply(&a, m[i]);
    CHECK(a.synced && a.c.resyncs == 1 && a.c.streams == 1 && a.c.lost == 0);
    CHECK(a.cur.total_weight == 153 && a.cur.n_strings == 6 && a.cur.n_threads == 2);
    CHECK(a.cur.samples[0].interval == 10);             /* totals at first interval */

    /* an in-sync subscriber checks later snapshots and ignores their data */
    {
        uint64_t e2[6] = {6, 2, 2, 3, 2, 153}, e_bad[6] = {6, 2, 2, 3, 2, 999};
        msg s1 = m_simple(seq++, JP_MSG_SNAP_BEGIN, JP_FLAG_SNAPSHOT, b, 3);
        msg s2 = m_simple(seq++, JP_MSG_SNAP_END, JP_FLAG_SNAPSHOT, e2, 6);
        msg s3 = m_simple(seq++, JP_MSG_SNAP_END, JP_FLAG_SNAPSHOT, e_bad, 6);
        CHECK(apply(&a, s1) == JP_AGG_SKIPPED && apply(&a, s2) == JP_AGG_SKIPPED);
        CHECK(a.synced && a.c.inconsistent == 0 && a.cur.total_weight == 153);
        CHECK(apply(&a, s3) == JP_AGG_SKIPPED && !a.synced && a.c.inconsistent == 1);
        free(s1.p);
        free(s2.p);
        free(s3.p);
        a.synced = 1;
    }

    /* a gap: lost counted, deltas skipped until the next snapshot */
    seq += 3;
    {
        msg g = m_counts(seq++, JP_MSG_INTERVAL, 0, 32, one);
        CHECK(apply(&a, g) == JP_AGG_SKIPPED && a.c.lost == 3 && !a.synced);
        CHECK(a.cur.total_weight == 153);
        free(g.p);
    }
    /* a newer minor version's unknown type is skipped, not rejected */
    {
        msg u = m_simple(seq++, 77, 0, e, 2);
        u.p[5] = JP_WIRE_MINOR + 1;
        CHECK(apply(&a, u) == JP_AGG_SKIPPED && a.c.lost == 3);
        free(u.p);
    }
    /* forged sequence numbers: a jump beyond JP_AGG_MAX_SEQ_GAP either way is
     * bad_sequence (followed, resync), above 2^63 rejected; never lost */
    {
        msg j = m_simple(seq + JP_AGG_MAX_SEQ_GAP + 10, 77, 0, e, 2);
        msg back = m_simple(seq, 77, 0, e, 2);
        msg top = m_simple(UINT64_MAX, 77, 0, e, 2);
        j.p[5] = back.p[5] = top.p[5] = JP_WIRE_MINOR + 1;
        CHECK(apply(&a, j) == JP_AGG_SKIPPED && a.c.lost == 3 && a.c.bad_sequence == 1);
        CHECK(apply(&a, back) == JP_AGG_SKIPPED && a.c.lost == 3 && a.c.bad_sequence == 2);
        CHECK(apply(&a, top) == JP_AGG_REJECTED && a.c.lost == 3 && a.c.bad_sequence == 3);
        seq++;
        free(j.p);
        free(back.p);
        free(top.p);
    }
    /* a frame over the wire limit: rejected and counted as oversize */
    {
        size_t big = (size_t)JP_WIRE_HDR + JP_WIRE_MAX_BODY + 1;
        uint8_t *p = calloc(1, big);
        msg u = m_simple(seq, 77, 0, e, 2);
        CHECK(p != NULL);
        memcpy(p, u.p, JP_WIRE_HDR);
        CHECK(jp_agg_apply(&a, p, big) == JP_AGG_REJECTED && a.c.oversize == 1 && a.c.lost == 3);
        free(p);
        free(u.p);
    }
    /* a message of another stream while this one runs: ignored */
    {
        msg f = m_counts(seq, JP_MSG_INTERVAL, 0, 33, one);
        f.p[8] ^= 0xff;
        CHECK(apply(&a, f) == JP_AGG_SKIPPED && a.c.foreign == 1 && a.c.streams == 1);
        free(f.p);
    }
    /* END carries the total; it is absolute, applied even when not in sync */
    {
        uint64_t tot = 155;
        msg end = m_simple(seq++, JP_MSG_END, 0, &tot, 1);
        CHECK(apply(&a, end) == JP_AGG_APPLIED && a.finished && a.end_total == 155);
        free(end.p);
    }
    for (int i = 0; i < n; i++)
        free(m[i].p);
    jp_agg_free(&a);
}

static void
test_endpoints(void)
{
    char out[512], why[512];
    int v6;
    CHECK(jp_endpoint_check("tcp://127.0.0.1:5555", 0, out, sizeof out, &v6, why, sizeof why) == 0);
    CHECK(jp_endpoint_check("tcp://127.0.0.1:*", 0, out, sizeof out, &v6, why, sizeof why) == 0);
    CHECK(jp_endpoint_check("tcp://localhost:7", 0, out, sizeof out, &v6, why, sizeof why) == 0
          && strcmp(out, "tcp://127.0.0.1:7") == 0);
    CHECK(jp_endpoint_check("tcp://[::1]:7", 0, out, sizeof out, &v6, why, sizeof why) == 0 && v6);
    CHECK(jp_endpoint_check("ipc:///tmp/x", 0, out, sizeof out, &v6, why, sizeof why) == 0);
    CHECK(jp_endpoint_check("ipc://", 0, out, sizeof out, &v6, why, sizeof why) < 0);
    CHECK(jp_endpoint_check("tcp://0.0.0.0:5555", 0, out, sizeof out, &v6, why, sizeof why) < 0
          && strstr(why, "refusing") != NULL);
    CHECK(jp_endpoint_check("tcp://*:5555", 0, out, sizeof out, &v6, why, sizeof why) < 0);
    CHECK(jp_endpoint_check("tcp://eth0:5555", 0, out, sizeof out, &v6, why, sizeof why) < 0);
    CHECK(jp_endpoint_check("tcp://10.1.2.3:5555", 0, out, sizeof out, &v6, why, sizeof why) < 0);
    CHECK(jp_endpoint_check("tcp://[::]:5555", 0, out, sizeof out, &v6, why, sizeof why) < 0);
    CHECK(jp_endpoint_check("tcp://127.0.0.1;10.0.0.1:5", 0, out, sizeof out, &v6, why,
                            sizeof why) < 0);
    CHECK(jp_endpoint_check("pgm://eth0;239.1.1.1:5555", 0, out, sizeof out, &v6, why,
                            sizeof why) < 0);
    CHECK(jp_endpoint_check("tcp://127.0.0.1:port", 0, out, sizeof out, &v6, why, sizeof why) < 0);
    CHECK(jp_endpoint_check("tcp://0.0.0.0:5555", 1, out, sizeof out, &v6, why, sizeof why) == 0);
    CHECK(jp_endpoint_check("tcp://*:5555", 1, out, sizeof out, &v6, why, sizeof why) == 0);
    /* ports: 1..65535 (ZeroMQ would wrap 70000 to 4464); 0 and * bind any port */
    CHECK(jp_endpoint_check("tcp://127.0.0.1:65535", 0, out, sizeof out, &v6, why, sizeof why) == 0);
    CHECK(jp_endpoint_check("tcp://127.0.0.1:0", 0, out, sizeof out, &v6, why, sizeof why) == 0);
    CHECK(jp_endpoint_check("tcp://127.0.0.1:65536", 0, out, sizeof out, &v6, why, sizeof why) < 0);
    CHECK(jp_endpoint_check("tcp://127.0.0.1:99999", 1, out, sizeof out, &v6, why, sizeof why) < 0);
    CHECK(jp_endpoint_port_check("tcp://127.0.0.1:5555", why, sizeof why) == 0);
    CHECK(jp_endpoint_port_check("tcp://127.0.0.1:70000", why, sizeof why) < 0 && strstr(why, "65535"));
    CHECK(jp_endpoint_port_check("tcp://127.0.0.1:0", why, sizeof why) < 0);
    CHECK(jp_endpoint_port_check("tcp://127.0.0.1:*", why, sizeof why) < 0);
    CHECK(jp_endpoint_port_check("ipc:///tmp/x", why, sizeof why) == 0);
}

int
main(void)
{
    test_valid_stream();
    test_rejections();
    test_snapshots_and_gaps();
    test_endpoints();
    if (failures) {
        fprintf(stderr, "test_stream_wire: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_stream_wire: ok\n");
    return 0;
}
