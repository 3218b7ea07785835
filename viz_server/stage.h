/* viz_server/stage.h - the bounded staging queue between the profile's
 * owner (the collector's drain, or a Python call, GIL held) and the
 * publisher thread.
 *
 * Two buffers of fixed capacity: producers append records to the front one
 * under a mutex held only for the copy; the publisher swaps the buffers and
 * reads the back one without the lock.  A producer never waits for the
 * publisher and never allocates: when the front buffer is full, samples are
 * dropped and counted; definitions (strings, functions, frames, stacks,
 * threads) are never dropped, they stay in the profile and are copied on a
 * later call (the samples of that call are dropped and counted instead).
 */
#ifndef JP_STAGE_H
#define JP_STAGE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "profiler/profile_data.h"

enum jp_rec_type {
    JP_R_STRING = 1,    /* u32 id, bytes */
    JP_R_FUNCS,         /* u32 first, u32 n, n x jp_func */
    JP_R_FRAMES,        /* u32 first, u32 n, n x jp_frame */
    JP_R_NODES,         /* u32 first, u32 n, n x (u32 parent, u32 frame) */
    JP_R_THREAD,        /* u32 index, i32 pid, i32 tid, u32 name */
    JP_R_SAMPLES,       /* u32 n, u32 pad, n x jp_stage_sample */
    JP_R_COUNTERS,      /* u64 sampler samples, u64 sampler dropped */
    JP_R_RECOMMEND,     /* u64 n, n bytes (JSON) */
    JP_R_RAW,           /* u64 n, n bytes sent as one message, verbatim (tests) */
    JP_R_SAMPLE_PERIOD, /* u64 ns that one sample of weight 1 stands for */
    JP_R_INFO           /* u64 n, n bytes: the encoded key/value list of PROCESS */
};

typedef struct jp_rec_hdr {
    uint32_t type, len;     /* len: payload bytes; records are 8-aligned */
} jp_rec_hdr;

typedef struct jp_stage_sample {
    uint32_t thread, node, weight, pad;
    uint64_t ts;
} jp_stage_sample;

typedef struct jp_stage {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    uint8_t *buf[2];
    size_t used[2], cap;
    int front;
    /* producer side (GIL held): how much of the profile was copied */
    size_t n_strings, n_funcs, n_frames, n_nodes, n_threads, n_samples;
    uint32_t *thread_names;     /* name id sent for each thread */
    size_t thread_names_cap;
    uint64_t last_sampler_samples, last_sampler_dropped;
    double last_interval_s;
    /* counters (under lock) */
    uint64_t dropped_samples, dropped_weight;
    uint64_t busy;              /* collects skipped: the lock was held */
} jp_stage;

int jp_stage_init(jp_stage *s, size_t cap_bytes);   /* 0 or -1 */
void jp_stage_destroy(jp_stage *s);
/* Copy what is new in p since the last call (strings, functions, frames,
 * stacks, threads and renamed threads, samples) and the sampler's
 * counters.  Never allocates except for the thread name table.  wait=0
 * (the collector's drain): when the publisher holds the lock (a buffer
 * swap; or it was preempted there), return at once and copy it all on the
 * next call - the profile itself is the buffer - so the caller never
 * waits; counted in busy.  0 when copied, -1 when skipped. */
int jp_stage_collect(jp_stage *s, const jp_profile *p,
                     uint64_t sampler_samples, uint64_t sampler_dropped, int wait);
/* Append one record of bytes (JP_R_RECOMMEND, JP_R_RAW); 0, or -1 when the
 * buffer is full. */
int jp_stage_put_bytes(jp_stage *s, unsigned type, const void *data, size_t n);
/* Publisher side: swap the buffers; *n is the size of the returned one,
 * which the caller reads and then hands back with jp_stage_release. */
const uint8_t *jp_stage_take(jp_stage *s, size_t *n);
void jp_stage_release(jp_stage *s);

#endif
