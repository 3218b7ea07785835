/* sampler/code_table.c - which sampled code-object pointers are safe to
 * read.
 *
 * A sample holds a raw code pointer that was alive when the handler copied
 * it.  The collector keeps a strong reference to every code object it has
 * resolved, so those stay valid.  For a pointer it has not seen yet, the
 * code object may have died in between: a hook on code-object deallocation
 * (PyCode_Type.tp_dealloc, which always runs with the GIL) drains every
 * ring before the object is freed when a sample not drained yet may name
 * it, and remembers the death.  Whether one may is an O(1) look-up: the
 * handler marks each code pointer it records, after committing the
 * sample, in a table of 2^16 slots (by a hash of the pointer) with the
 * drain epoch it reads then; a drain increments the epoch before it reads
 * the rings, so a mark below the epoch of the last finished drain belongs
 * to a drained sample (a fence in the handler orders the commit before its
 * read of the epoch).  Code objects that were never sampled (compile(),
 * exec and eval churn) die without a drain; a slot shared with a sampled
 * pointer costs one drain, at most one per sample.  A sample taken
 * during that death that names the pointer (a dealloc racing with its own
 * frame's teardown: the frame is unlinked right after the dealloc returns,
 * on the same thread, before anything else runs) is reported as a freed
 * frame instead of being read.  Outside that window the address may name a
 * new code object (pymalloc reuses blocks at once), which is read normally.
 */
#include "sampler/sampler.h"

#include <stdlib.h>
#include <time.h>

#include "profiler/idmap.h"

/* slack after a dealloc ends, for the frame to be unlinked */
#define DEATH_SLACK_NS 1000000ull

typedef struct death {
    uintptr_t ptr;
    uint64_t ts;            /* the dealloc started */
    uint64_t end_ts;        /* it finished (0: still running) */
} death;

static jp_idmap known;              /* code ptr -> index in held */
static PyObject **held;             /* strong references */
static size_t nheld, capheld;
static jp_idmap dead_map;           /* code ptr -> index in deaths */
static death *deaths;
static size_t ndeaths, capdeaths;
static destructor orig_dealloc;
static PyObject *dying;             /* inside its tp_dealloc right now */

#define MARK_BITS 16
static uint32_t marks[1u << MARK_BITS];     /* newest epoch a sample named the slot */
static uint32_t drain_epoch = 1;            /* handlers mark with it (atomic) */
static uint32_t drained_below = 1;          /* marks below it are drained */
static uint64_t hook_drains;                /* drains the dealloc hook had to do */

static size_t
mark_slot(uintptr_t ptr)
{
    return (size_t)(((uint64_t)ptr * 0x9E3779B97F4A7C15ull) >> (64 - MARK_BITS));
}

void
jp_codes_mark(uintptr_t ptr)
{
    uint32_t *m = &marks[mark_slot(ptr)];
    uint32_t e = __atomic_load_n(&drain_epoch, __ATOMIC_SEQ_CST);
    uint32_t old = __atomic_load_n(m, __ATOMIC_RELAXED);

    while (old < e && !__atomic_compare_exchange_n(m, &old, e, 1, __ATOMIC_SEQ_CST,
                                                   __ATOMIC_RELAXED))
        ;
}

uint32_t
jp_codes_drain_begin(void)
{
    return __atomic_add_fetch(&drain_epoch, 1, __ATOMIC_SEQ_CST);
}

uint64_t
jp_codes_hook_drains(void)
{
    return hook_drains;
}

uint64_t
jp_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static uint32_t
note_death(uintptr_t ptr, uint64_t ts)
{
    uint32_t i = jp_idmap_get(&dead_map, ptr, 0);
    if (i != JP_NONE) {
        deaths[i].ts = ts;
        deaths[i].end_ts = 0;
        return i;
    }
    if (ndeaths == capdeaths) {
        size_t ncap = capdeaths ? capdeaths * 2 : 256;
        death *nd = realloc(deaths, ncap * sizeof *nd);
        if (nd == NULL)
            return JP_NONE;
        deaths = nd;
        capdeaths = ncap;
    }
    if (jp_idmap_put(&dead_map, ptr, 0, (uint32_t)ndeaths) < 0)
        return JP_NONE;
    deaths[ndeaths] = (death){ptr, ts, 0};
    return (uint32_t)ndeaths++;
}

void
jp_codes_after_drain(uint64_t drain_start, uint32_t epoch)
{
    size_t w = 0;

    drained_below = epoch;
    if (ndeaths == 0)
        return;
    jp_idmap_free(&dead_map);
    for (size_t r = 0; r < ndeaths; r++) {
        if ((deaths[r].end_ts == 0
             || deaths[r].end_ts + DEATH_SLACK_NS + 10000000ull >= drain_start)
            && jp_idmap_put(&dead_map, deaths[r].ptr, 0, (uint32_t)w) == 0)
            deaths[w++] = deaths[r];
    }
    ndeaths = w;
}

static void
code_dealloc_hook(PyObject *op)
{
    if (__atomic_load_n(&jp_S.running, __ATOMIC_ACQUIRE)) {
        PyObject *outer = dying;
        uint32_t d = note_death((uintptr_t)op, jp_now_ns());
        dying = op;
        if (!jp_S.draining
            && __atomic_load_n(&marks[mark_slot((uintptr_t)op)], __ATOMIC_SEQ_CST)
               >= drained_below) {
            hook_drains++;
            jp_collector_drain();
        }
        dying = outer;
        orig_dealloc(op);
        if (d != JP_NONE && d < ndeaths && deaths[d].ptr == (uintptr_t)op)
            deaths[d].end_ts = jp_now_ns();
        return;
    }
    orig_dealloc(op);
}

int
jp_codes_init(void)
{
    hook_drains = 0;                /* per session (sampler_stats) */
    if (orig_dealloc == NULL) {
        orig_dealloc = PyCode_Type.tp_dealloc;
        PyCode_Type.tp_dealloc = code_dealloc_hook;
    }
    return 0;
}

void
jp_codes_clear(void)
{
    for (size_t i = 0; i < nheld; i++)
        Py_DECREF(held[i]);
    free(held);
    held = NULL;
    nheld = capheld = 0;
    jp_idmap_free(&known);
    jp_idmap_free(&dead_map);
    free(deaths);
    deaths = NULL;
    ndeaths = capdeaths = 0;
}

PyCodeObject *
jp_codes_resolve(uintptr_t ptr, uint64_t ts, int *transient)
{
    uint32_t i = jp_idmap_get(&known, ptr, 0);
    PyObject *op = (PyObject *)ptr;

    *transient = 0;
    if (i != JP_NONE)
        return (PyCodeObject *)held[i];
    if (op == dying && dying != NULL) {
        /* readable for the length of its dealloc, never to be retained */
        *transient = 1;
        return (PyCodeObject *)op;
    }
    i = jp_idmap_get(&dead_map, ptr, 0);
    if (i != JP_NONE && ts >= deaths[i].ts
        && (deaths[i].end_ts == 0 || ts <= deaths[i].end_ts + DEATH_SLACK_NS))
        return NULL;
    if (ptr == 0 || (ptr & 7) != 0 || !PyCode_Check(op))
        return NULL;
    if (nheld == capheld) {
        size_t ncap = capheld ? capheld * 2 : 256;
        PyObject **nh = realloc(held, ncap * sizeof *nh);
        if (nh == NULL)
            return NULL;
        held = nh;
        capheld = ncap;
    }
    if (jp_idmap_put(&known, ptr, 0, (uint32_t)nheld) < 0)
        return NULL;
    Py_INCREF(op);
    held[nheld++] = op;
    return (PyCodeObject *)op;
}
