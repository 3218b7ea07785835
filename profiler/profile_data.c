/* profiler/profile_data.c - interning tables of the profile (see
 * profile_data.h).  One owner: the jp_profile; strings are strdup'ed. */
#include "profiler/profile_data.h"

#include <stdlib.h>
#include <string.h>

#define VEC_PUSH(vec, item, fail)                                          \
    do {                                                                   \
        if ((vec).n == (vec).cap) {                                        \
            size_t ncap_ = (vec).cap ? (vec).cap * 2 : 64;                 \
            void *nv_ = realloc((vec).v, ncap_ * sizeof *(vec).v);         \
            if (nv_ == NULL)                                               \
                fail;                                                      \
            (vec).v = nv_;                                                 \
            (vec).cap = ncap_;                                             \
        }                                                                  \
        (vec).v[(vec).n++] = (item);                                       \
    } while (0)

int
jp_profile_init(jp_profile *p)
{
    memset(p, 0, sizeof *p);
    p->interval_s = 0.001;
    /* node 0 is the root of the call tree; string 0 is "" */
    if (jp_profile_string(p, "") != 0)
        return -1;
    VEC_PUSH(p->nodes, ((jp_node){JP_NONE, JP_NONE, 0}), return -1);
    return 0;
}

void
jp_profile_clear(jp_profile *p)
{
    for (size_t i = 0; i < p->strings.n; i++)
        free(p->strings.v[i]);
    free(p->strings.v);
    free(p->funcs.v);
    free(p->frames.v);
    free(p->nodes.v);
    free(p->threads.v);
    free(p->samples.v);
    jp_idmap_free(&p->string_map);
    jp_idmap_free(&p->func_map);
    jp_idmap_free(&p->frame_map);
    jp_idmap_free(&p->node_map);
    jp_idmap_free(&p->thread_map);
    memset(p, 0, sizeof *p);
}

const char *
jp_profile_str(const jp_profile *p, uint32_t id)
{
    return id < p->strings.n ? p->strings.v[id] : "";
}

uint32_t
jp_profile_string(jp_profile *p, const char *s)
{
    size_t len = strlen(s);
    uint64_t h = jp_hash_bytes(s, len);
    uint32_t id = jp_idmap_get(&p->string_map, h, len);
    char *copy;

    if (id != JP_NONE)
        return id;
    copy = strdup(s);
    if (copy == NULL)
        return JP_NONE;
    id = (uint32_t)p->strings.n;
    VEC_PUSH(p->strings, copy, goto fail);
    if (jp_idmap_put(&p->string_map, h, len, id) < 0) {
        p->strings.n--;
        goto fail;
    }
    return id;
fail:
    free(copy);
    return JP_NONE;
}

uint32_t
jp_profile_func(jp_profile *p, const char *name, const char *file,
                const char *module, int first_line, unsigned category)
{
    uint32_t n = jp_profile_string(p, name), f = jp_profile_string(p, file);
    uint32_t m = jp_profile_string(p, module), id;
    uint64_t k0, k1;

    if (n == JP_NONE || f == JP_NONE || m == JP_NONE)
        return JP_NONE;
    k0 = (uint64_t)n << 32 | f;
    k1 = (uint64_t)m << 32 | (uint64_t)(category & 0xff) << 24
         | ((uint32_t)first_line & 0xffffff);
    id = jp_idmap_get(&p->func_map, k0, k1);
    if (id != JP_NONE)
        return id;
    id = (uint32_t)p->funcs.n;
    VEC_PUSH(p->funcs, ((jp_func){n, f, m, first_line, category}), return JP_NONE);
    if (jp_idmap_put(&p->func_map, k0, k1, id) < 0) {
        p->funcs.n--;
        return JP_NONE;
    }
    return id;
}

uint32_t
jp_profile_frame(jp_profile *p, uint32_t func, int line)
{
    uint32_t id = jp_idmap_get(&p->frame_map, func, (uint32_t)line);

    if (id != JP_NONE)
        return id;
    if (func >= p->funcs.n)
        return JP_NONE;
    id = (uint32_t)p->frames.n;
    VEC_PUSH(p->frames, ((jp_frame){func, line}), return JP_NONE);
    if (jp_idmap_put(&p->frame_map, func, (uint32_t)line, id) < 0) {
        p->frames.n--;
        return JP_NONE;
    }
    return id;
}

uint32_t
jp_profile_node(jp_profile *p, uint32_t parent, uint32_t frame)
{
    uint32_t id = jp_idmap_get(&p->node_map, parent, frame);

    if (id != JP_NONE)
        return id;
    if (parent >= p->nodes.n || frame >= p->frames.n)
        return JP_NONE;
    id = (uint32_t)p->nodes.n;
    VEC_PUSH(p->nodes, ((jp_node){parent, frame, p->nodes.v[parent].depth + 1}),
             return JP_NONE);
    if (jp_idmap_put(&p->node_map, parent, frame, id) < 0) {
        p->nodes.n--;
        return JP_NONE;
    }
    return id;
}

uint32_t
jp_profile_path(jp_profile *p, const uint32_t *frames, size_t n)
{
    uint32_t node = JP_ROOT_NODE;
    for (size_t i = 0; i < n && node != JP_NONE; i++)
        node = jp_profile_node(p, node, frames[i]);
    return node;
}

uint32_t
jp_profile_thread(jp_profile *p, int pid, int tid)
{
    uint32_t id = jp_idmap_get(&p->thread_map, (uint32_t)pid, (uint32_t)tid);

    if (id != JP_NONE)
        return id;
    id = (uint32_t)p->threads.n;
    VEC_PUSH(p->threads, ((jp_thread_rec){pid, tid, 0, 0}), return JP_NONE);
    if (jp_idmap_put(&p->thread_map, (uint32_t)pid, (uint32_t)tid, id) < 0) {
        p->threads.n--;
        return JP_NONE;
    }
    return id;
}

void
jp_profile_thread_name(jp_profile *p, uint32_t thread, const char *name)
{
    uint32_t s = jp_profile_string(p, name);
    if (thread < p->threads.n && s != JP_NONE)
        p->threads.v[thread].name = s;
}

int
jp_profile_add_sample(jp_profile *p, uint32_t thread, uint32_t node,
                      uint64_t ts, uint32_t weight)
{
    if (thread >= p->threads.n || node >= p->nodes.n)
        return -1;
    VEC_PUSH(p->samples, ((jp_sample_rec){ts, thread, node, weight}), return -1);
    p->threads.v[thread].samples += weight;
    return 0;
}
