/* profiler/profile_data.h - the aggregated profile: interned strings,
 * functions, frames (function + line), call-tree nodes (parent + frame),
 * threads (pid + tid) and samples (thread, node, timestamp, weight).
 *
 * The collector fills it from raw samples; child processes' profiles are
 * merged into it through the same calls.  Not thread-safe: the owner
 * serialises access (the GIL).
 */
#ifndef JP_PROFILE_DATA_H
#define JP_PROFILE_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "profiler/idmap.h"

enum { JP_CAT_PYTHON = 0, JP_CAT_NATIVE = 1, JP_CAT_JIT = 2, JP_CAT_GPU = 3,
       JP_CAT_COUNT };

#define JP_ROOT_NODE 0u
#define JP_NONE UINT32_MAX

typedef struct jp_func {
    uint32_t name, file, module;    /* string ids */
    int32_t first_line;
    uint32_t category;
} jp_func;

typedef struct jp_frame {
    uint32_t func;
    int32_t line;
} jp_frame;

typedef struct jp_node {
    uint32_t parent;        /* JP_NONE for the root */
    uint32_t frame;         /* JP_NONE for the root */
    uint32_t depth;
} jp_node;

typedef struct jp_thread_rec {
    int32_t pid, tid;
    uint32_t name;          /* string id */
    uint64_t samples;
} jp_thread_rec;

typedef struct jp_sample_rec {
    uint64_t ts;            /* ns, CLOCK_MONOTONIC of the process */
    uint32_t thread;        /* index into threads */
    uint32_t node;
    uint32_t weight;
} jp_sample_rec;

#define JP_VEC(T) struct { T *v; size_t n, cap; }

typedef struct jp_profile {
    JP_VEC(char *) strings;
    JP_VEC(jp_func) funcs;
    JP_VEC(jp_frame) frames;
    JP_VEC(jp_node) nodes;
    JP_VEC(jp_thread_rec) threads;
    JP_VEC(jp_sample_rec) samples;
    jp_idmap string_map, func_map, frame_map, node_map, thread_map;
    double interval_s;      /* time one sample of weight 1 stands for */
} jp_profile;

int jp_profile_init(jp_profile *p);     /* 0 or -1 */
void jp_profile_clear(jp_profile *p);
/* Interning: each returns an id, or JP_NONE when out of memory. */
uint32_t jp_profile_string(jp_profile *p, const char *s);
uint32_t jp_profile_func(jp_profile *p, const char *name, const char *file,
                         const char *module, int first_line, unsigned category);
uint32_t jp_profile_frame(jp_profile *p, uint32_t func, int line);
uint32_t jp_profile_node(jp_profile *p, uint32_t parent, uint32_t frame);
/* Intern the path frames[0..n) (root first) under the root; a node id. */
uint32_t jp_profile_path(jp_profile *p, const uint32_t *frames, size_t n);
uint32_t jp_profile_thread(jp_profile *p, int pid, int tid);
void jp_profile_thread_name(jp_profile *p, uint32_t thread, const char *name);
int jp_profile_add_sample(jp_profile *p, uint32_t thread, uint32_t node,
                          uint64_t ts, uint32_t weight);
const char *jp_profile_str(const jp_profile *p, uint32_t id);

#endif
