/* viz_server/aggregate.h - the subscriber's side of the stream: validates
 * each message and rebuilds the publisher's profile from it (tables,
 * per-interval counts, process metadata, statistics, recommendations).
 * Pure C: no ZeroMQ, no Python; every input is untrusted.
 */
#ifndef JP_AGGREGATE_H
#define JP_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "profiler/profile_data.h"
#include "viz_server/wire.h"

typedef struct jp_agg_thread {
    int32_t pid, tid;
    uint32_t name;
    uint64_t weight;
} jp_agg_thread;

typedef struct jp_agg_sample {
    uint32_t thread, node;
    uint64_t interval;      /* interval index: ts / interval_ns */
    uint64_t weight;
} jp_agg_sample;

typedef struct jp_agg_state {
    char **strings;
    size_t n_strings, cap_strings;
    jp_func *funcs;
    size_t n_funcs, cap_funcs;
    jp_frame *frames;
    size_t n_frames, cap_frames;
    uint32_t *nodes;        /* parent, frame per node; node 0 is the root */
    size_t n_nodes, cap_nodes;
    jp_agg_thread *threads;
    size_t n_threads, cap_threads;
    jp_agg_sample *samples;
    size_t n_samples, cap_samples;
    uint64_t total_weight, last_interval;
} jp_agg_state;

/* What happened to one message. */
enum { JP_AGG_APPLIED = 0, JP_AGG_SKIPPED = 1, JP_AGG_REJECTED = 2 };

typedef struct jp_agg_counts {
    uint64_t received;      /* messages given to jp_agg_apply */
    uint64_t applied;
    uint64_t skipped;       /* valid but not applicable (waiting for a snapshot,
                               a snapshot while in sync, a newer minor type) */
    uint64_t rejected;      /* malformed, truncated, bad ids, replayed */
    uint64_t rejected_version;  /* of which: unknown major version */
    uint64_t lost;          /* messages missing from the sequence */
    uint64_t resyncs;       /* state rebuilt from a snapshot */
    uint64_t inconsistent;  /* a snapshot disagreed with the state */
    uint64_t streams;       /* publisher sessions seen */
    uint64_t foreign;       /* messages of another stream, ignored */
    uint64_t oversize;      /* frames over the wire limit (counted in rejected too) */
    uint64_t bad_sequence;  /* sequence jumps beyond JP_AGG_MAX_SEQ_GAP either way:
                               forged or a reset; the sequence restarts there, the
                               state resyncs from the next snapshot, nothing is
                               counted as lost.  Numbers above 2^63 are only
                               counted and rejected (never followed). */
    uint64_t reconnects;    /* connections dropped and made again (sub_object.c) */
} jp_agg_counts;

/* A gap larger than this (about a million messages) is not believed to be
 * loss: it is counted in bad_sequence instead of lost. */
#define JP_AGG_MAX_SEQ_GAP (1ull << 20)

typedef struct jp_agg {
    jp_agg_state cur, snap;
    int have_stream, synced, building, finished;
    uint64_t stream_id, next_seq, snap_interval;
    jp_agg_counts c;
    /* process metadata (PROCESS) */
    int have_process;
    int64_t pid;
    uint64_t sample_period_ns, interval_ns, start_mono_ns;
    char **info;            /* key, value, key, value, ... */
    size_t n_info;
    /* latest recommendation document, and the publisher's counters */
    char *reco;
    size_t reco_len;
    uint64_t pub_stats[JP_ST_COUNT];
    int have_pub_stats;
    uint64_t end_total;     /* END's total weight */
} jp_agg;

void jp_agg_init(jp_agg *a);
void jp_agg_free(jp_agg *a);
/* Validate and apply one whole message: JP_AGG_*. */
int jp_agg_apply(jp_agg *a, const uint8_t *msg, size_t len);

#endif
