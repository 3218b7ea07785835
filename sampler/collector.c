/* sampler/collector.c - the collector thread and the drain.
 *
 * The thread follows the process's threads every 20 ms and, every 100 ms
 * (sooner when a ring fills up), takes the GIL to drain the rings: taking
 * the GIL costs the sampled threads a hand-over each time, so it is done
 * rarely.  Each raw sample is symbolized (native
 * addresses through the ELF symbolizer and the JIT registry, Python frames
 * through their code objects) and merged into one stack, root first, that
 * is interned into the profile's call tree.
 *
 * The merge: walking the native stack from the leaf, every
 * _PyEval_EvalFrameDefault frame is replaced by the run of Python frames it
 * was executing (up to and including the one marked as its entry frame);
 * other interpreter frames are dropped when the thread runs Python code,
 * and so are the native frames below its outermost Python frame (thread
 * start-up).  Python frames left over (native unwinding stopped early) go
 * at the root.
 */
#define _GNU_SOURCE
#include "sampler/sampler.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "jit/symbols.h"
#include "profiler/idmap.h"
#include "sampler/inline_frames.h"
#include "sampler/memory.h"
#include "sampler/sample.h"
#include "sampler/symbolize_elf.h"

#define TICK_NS 10000000L               /* the collector wakes every 10 ms */
#define SCAN_EVERY 2                    /* follows threads every 2 ticks */
#define DRAIN_EVERY 10                  /* drains every 10 ticks (100 ms), */
#define DRAIN_FILL_DIV 8                /* or when a ring is 1/8 full */

/* The collector sleeps on this condition; stopping wakes it at once. */
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond;
static int wake_ready;

enum { NK_OTHER = 0, NK_EVAL = 1, NK_INTERP = 2,
       NK_INLINED = 3 };        /* JIT code with inlined jitted callees (inline_frames.h) */

static jp_idmap native_cache;       /* ip -> frame id | kind << 30 */
static jp_idmap pyframe_cache;      /* (code ptr, offset) -> frame id */
static jp_idmap thread_index;       /* slot index -> profile thread id + 1 */
static uint32_t scratch[JP_MAX_NATIVE + JP_MAX_PYFRAMES + 2];
static uint32_t freed_frame = JP_NONE, unknown_frame = JP_NONE;
void (*jp_drain_hook)(jp_profile *profile);

static uint32_t
special_frame(uint32_t *cache, const char *name)
{
    if (*cache == JP_NONE) {
        uint32_t f = jp_profile_func(jp_S.profile, name, "", "", 0, JP_CAT_NATIVE);
        if (f != JP_NONE)
            *cache = jp_profile_frame(jp_S.profile, f, 0);
    }
    return *cache;
}

/* Dotted module name from a source path: the part under site-packages or
 * lib/pythonX.Y, else the file's stem. */
static void
module_from_path(const char *path, char *out, size_t cap)
{
    const char *marks[] = {"/site-packages/", "/dist-packages/", "/lib/python3."};
    const char *start = NULL;
    size_t k = 0;

    if (path[0] == '<') {
        snprintf(out, cap, "%s", path);
        return;
    }
    for (size_t i = 0; i < sizeof marks / sizeof *marks && !start; i++) {
        const char *m = strstr(path, marks[i]);
        if (m) {
            start = m + strlen(marks[i]);
            if (i == 2) {           /* skip "11/" of lib/python3.11/ */
                const char *slash = strchr(start, '/');
                start = slash ? slash + 1 : start;
            }
        }
    }
    if (start == NULL)
        start = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    for (const char *c = start; *c && k + 1 < cap; c++)
        out[k++] = *c == '/' ? '.' : *c;
    out[k] = '\0';
    if (k > 3 && strcmp(out + k - 3, ".py") == 0)
        out[k -= 3] = '\0';
    if (k > 9 && strcmp(out + k - 9, ".__init__") == 0)
        out[k - 9] = '\0';
}

static uint32_t
python_frame(uintptr_t ptr, uint32_t offset, uint64_t ts)
{
    uint32_t id = jp_idmap_get(&pyframe_cache, ptr, offset);
    int transient = 0, line;
    PyCodeObject *code;
    const char *name, *file;
    char module[256];
    uint32_t func;

    if (id != JP_NONE)
        return id;
    code = jp_codes_resolve(ptr, ts, &transient);
    if (code == NULL) {
        jp_S.unresolved_code++;
        return special_frame(&freed_frame, "<freed code>");
    }
    name = PyUnicode_Check(code->co_qualname) ? PyUnicode_AsUTF8(code->co_qualname) : NULL;
    file = PyUnicode_Check(code->co_filename) ? PyUnicode_AsUTF8(code->co_filename) : NULL;
    if (name == NULL || file == NULL) {
        PyErr_Clear();
        return special_frame(&unknown_frame, "[unknown]");
    }
    line = PyCode_Addr2Line(code, (int)offset);
    if (line < 0)
        line = code->co_firstlineno;
    module_from_path(file, module, sizeof module);
    func = jp_profile_func(jp_S.profile, name, file, module, code->co_firstlineno,
                           JP_CAT_PYTHON);
    id = func == JP_NONE ? JP_NONE : jp_profile_frame(jp_S.profile, func, line);
    if (id != JP_NONE && !transient)
        jp_idmap_put(&pyframe_cache, ptr, offset, id);
    return id;
}

/* Frame id and kind (NK_*) of a native address (a call site for frames
 * above the leaf). */
static uint32_t
native_frame(uintptr_t ip, int *kind)
{
    uint32_t v = jp_idmap_get(&native_cache, ip, 1);
    const jp_jit_symbol *js;
    jp_native_sym ns;
    uint32_t func, id;
    char buf[512];

    if (v != JP_NONE) {
        *kind = (int)(v >> 30);
        return v & 0x3fffffff;
    }
    *kind = NK_OTHER;
    js = jp_symbols_find(ip);
    if (js != NULL) {
        char module[256];
        module_from_path(js->filename, module, sizeof module);
        func = jp_profile_func(jp_S.profile, js->display, js->filename, module,
                               js->first_line, JP_CAT_JIT);
        id = func == JP_NONE ? JP_NONE
             : jp_profile_frame(jp_S.profile, func, jp_symbols_line(js, ip));
        if (jp_symbols_inlined(js, ip))
            *kind = NK_INLINED;
    } else {
        jp_symbolize(ip, &ns);
        if (ns.function == NULL) {
            snprintf(buf, sizeof buf, "[%s+0x%lx]",
                     ns.object_short[0] ? ns.object_short : "unknown",
                     (unsigned long)ns.offset);
        }
        if (ns.function && strncmp(ns.function, "_PyEval_EvalFrameDefault", 24) == 0)
            *kind = NK_EVAL;
        else if (ns.is_interpreter)
            *kind = NK_INTERP;
        func = jp_profile_func(jp_S.profile, ns.function ? ns.function : buf,
                               ns.object, ns.object_short, 0, JP_CAT_NATIVE);
        id = func == JP_NONE ? JP_NONE : jp_profile_frame(jp_S.profile, func, 0);
    }
    if (id != JP_NONE && id < (1u << 30))
        jp_idmap_put(&native_cache, ip, 1, id | (uint32_t)*kind << 30);
    return id;
}

static uint32_t
profile_thread(int slot_index, jp_slot *slot)
{
    uint32_t v = jp_idmap_get(&thread_index, (uint64_t)slot_index, (uint64_t)slot->tid);
    if (v == JP_NONE) {
        v = jp_profile_thread(jp_S.profile, jp_S.pid, slot->tid);
        if (v == JP_NONE)
            return JP_NONE;
        jp_idmap_put(&thread_index, (uint64_t)slot_index, (uint64_t)slot->tid, v);
        slot->name_dirty = 1;
    }
    if (slot->name_dirty) {
        slot->name_dirty = 0;
        jp_profile_thread_name(jp_S.profile, v, slot->name);
    }
    return v;
}

/* The merged stack of one capture (see the file's comment), interned into
 * the profile: a node id, or JP_NONE. */
uint32_t
jp_collector_stack(const uint64_t *ips, uint32_t n_native, const uint64_t *py,
                   uint32_t n_py, uint64_t ts)
{
    uint32_t n = 0, pi = 0;
    const uint32_t cap = sizeof scratch / sizeof *scratch;
    int rooted = 0;             /* the root's own frame runs native/JIT code directly */

    if (jp_S.root_code != 0) {  /* hide the launcher (e.g. the CLI) */
        for (uint32_t i = 0; i < n_py; i++)
            if ((uintptr_t)py[2 * i] == jp_S.root_code) {
                /* the root (a %%jitprofile cell) calling a jitted or C
                 * function: keep the native frames above its eval loop */
                n_py = i;
                rooted = n_py == 0;
                break;
            }
    }
    for (uint32_t i = 0; i < n_native && n < cap; i++) {
        int kind;
        uint32_t id = native_frame((uintptr_t)ips[i] - (i > 0), &kind);
        if (rooted && kind == NK_EVAL)
            break;              /* the root's frame and its callers: hidden */
        if (rooted && kind == NK_INTERP)
            continue;
        if (kind == NK_EVAL && n_py > 0) {
            while (pi < n_py && n < cap) {
                uint64_t meta = py[2 * pi + 1];
                uint32_t f = python_frame((uintptr_t)py[2 * pi], (uint32_t)meta, ts);
                pi++;
                if (f != JP_NONE)
                    scratch[n++] = f;
                if ((meta >> 32) & JP_PYF_ENTRY)
                    break;
            }
            continue;
        }
        if (n_py > 0 && (pi >= n_py || kind == NK_INTERP))
            continue;
        if (kind == NK_INLINED) {
            uintptr_t ip = (uintptr_t)ips[i] - (i > 0);
            const jp_jit_symbol *js = jp_symbols_find(ip);
            if (js != NULL)
                n += (uint32_t)jp_inline_frames(jp_S.profile, js, ip, module_from_path,
                                                scratch + n, (int)(cap - n));
        }
        if (id != JP_NONE && n < cap)
            scratch[n++] = id;
    }
    while (pi < n_py && n < cap) {
        uint32_t f = python_frame((uintptr_t)py[2 * pi], (uint32_t)py[2 * pi + 1], ts);
        pi++;
        if (f != JP_NONE)
            scratch[n++] = f;
    }
    if (n == 0) {
        uint32_t f = special_frame(&unknown_frame, "[unknown]");
        if (f == JP_NONE)
            return JP_NONE;
        scratch[n++] = f;
    }
    for (uint32_t i = 0; i < n / 2; i++) {     /* root first */
        uint32_t t = scratch[i];
        scratch[i] = scratch[n - 1 - i];
        scratch[n - 1 - i] = t;
    }
    return jp_profile_path(jp_S.profile, scratch, n);
}

static void
process_sample(int slot_index, jp_slot *slot, const uint64_t *rec)
{
    uint32_t n_native = (uint32_t)rec[1], n_py = (uint32_t)(rec[1] >> 32);
    const uint64_t *ips = rec + JP_SAMPLE_HDR_WORDS, *py = ips + n_native;
    uint32_t thread, node;

    if (JP_REC_WORDS(rec[0]) != JP_SAMPLE_HDR_WORDS + n_native + 2 * n_py)
        return;                 /* corrupt: never trust it */
    thread = profile_thread(slot_index, slot);
    if (thread == JP_NONE)
        return;
    node = jp_collector_stack(ips, n_native, py, n_py, rec[2]);
    if (node != JP_NONE && jp_profile_add_sample(jp_S.profile, thread, node, rec[2],
                                                    JP_SAMPLE_WEIGHT(rec[0])) == 0)
        jp_S.samples++;
}

void
jp_collector_drain(void)
{
    uint64_t start = jp_now_ns();

    uint64_t epoch = jp_symbols_epoch();
    static uint64_t symbols_generation;
    uint32_t code_epoch;

    if (jp_S.slots == NULL || jp_S.profile == NULL || jp_S.draining)
        return;
    jp_S.draining = 1;
    code_epoch = jp_codes_drain_begin();    /* before any ring is read */
    if (jp_symbols_generation() != symbols_generation) {
        /* JIT code was freed since: its addresses may now hold new code */
        symbols_generation = jp_symbols_generation();
        jp_idmap_free(&native_cache);
    }
    for (int i = 0; i < JP_MAX_THREADS; i++) {
        jp_slot *s = &jp_S.slots[i];
        const uint64_t *rec;
        int st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
        if (st == JP_SLOT_FREE)
            continue;
        while ((rec = jp_ring_peek(&s->ring)) != NULL) {
            if (JP_REC_KIND(rec[0]) == JP_REC_SAMPLE)
                process_sample(i, s, rec);
            jp_ring_pop(&s->ring);
        }
        if (s->ring.dropped) {
            jp_S.dropped += s->ring.dropped;
            s->ring.dropped = 0;
        }
    }
    jp_memory_drain();                  /* allocation samples (memory.c) */
    jp_codes_after_drain(start, code_epoch);
    jp_threads_free_retired();
    jp_symbols_reader_drained(epoch);   /* JIT code retired before is named */
    jp_S.drain_ns += jp_now_ns() - start;
    jp_S.drains++;
    if (jp_drain_hook != NULL)
        jp_drain_hook(jp_S.profile);
    jp_S.draining = 0;
}

/* 0: the rings are empty; 1: they hold samples; 2: one of them is filling
 * up (past 1/DRAIN_FILL_DIV of its capacity) and should be drained now. */
static int
rings_fill(void)
{
    int any = 0;
    for (int i = 0; i < JP_MAX_THREADS; i++) {
        jp_slot *s = &jp_S.slots[i];
        uint64_t used;
        if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == JP_SLOT_FREE)
            continue;
        used = __atomic_load_n(&s->ring.head, __ATOMIC_ACQUIRE)
               - __atomic_load_n(&s->ring.tail, __ATOMIC_ACQUIRE);
        if (used > s->ring.capacity / DRAIN_FILL_DIV)
            return 2;
        any |= used != 0;
    }
    return any;
}

/* Sleep one tick, or less when a stop is requested. */
static void
sleep_tick(void)
{
    struct timespec until;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += TICK_NS;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&wake_lock);
    while (!__atomic_load_n(&jp_S.stop_requested, __ATOMIC_ACQUIRE))
        if (pthread_cond_timedwait(&wake_cond, &wake_lock, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&wake_lock);
}

/* Draining takes the GIL from the sampled threads, so it happens rarely:
 * every DRAIN_EVERY ticks, or sooner when a ring is filling up (deep
 * stacks at high rates). */
static void *
collector_main(void *arg)
{
    sigset_t all;
    unsigned tick = 0, since_drain = 0;

    (void)arg;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    pthread_setname_np(pthread_self(), "jitprofile-coll");
    for (;;) {
        int stop = __atomic_load_n(&jp_S.stop_requested, __ATOMIC_ACQUIRE), fill;

        if (stop) {
            jp_threads_stop_all();
            break;
        }
        if (tick++ % SCAN_EVERY == 0)
            jp_threads_scan();
        jp_threads_pace();
        fill = rings_fill();
        if (fill == 2 || (fill == 1 && ++since_drain >= DRAIN_EVERY)) {
            since_drain = 0;
            PyEval_RestoreThread(jp_S.collector_ts);
            jp_collector_drain();
            PyEval_SaveThread();
        }
        sleep_tick();
    }
    return NULL;
}

/* The collector's thread state is created and deleted in the collector
 * thread itself.  From 3.12 on, deleting a thread state that is bound to
 * a thread's PyGILState slot clears that slot in the *calling* thread:
 * deleted from the thread that stops the session, it left that thread
 * with no PyGILState_GetThisThreadState(), and every later sample of it
 * without Python frames. */
static void *
collector_boot(void *arg)
{
    PyThreadState *ts = PyThreadState_New(jp_S.interp);

    if (ts == NULL) {
        __atomic_store_n((int *)arg, -1, __ATOMIC_RELEASE);
        return NULL;
    }
    jp_S.collector_ts = ts;
    jp_S.collector_tid = (pid_t)gettid();
    __atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
    collector_main(NULL);
    PyEval_RestoreThread(ts);
    PyThreadState_Clear(ts);
    jp_S.collector_ts = NULL;
    PyThreadState_DeleteCurrent();      /* releases the GIL */
    return NULL;
}

int
jp_collector_start(void)
{
    int ready = 0;
    pthread_attr_t attr;

    jp_S.collector_tid = -1;
    if (!wake_ready) {
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        if (pthread_cond_init(&wake_cond, &ca) != 0) {
            pthread_condattr_destroy(&ca);
            return -1;
        }
        pthread_condattr_destroy(&ca);
        wake_ready = 1;
    }
    pthread_attr_init(&attr);
    if (pthread_create(&jp_S.collector, &attr, collector_boot, &ready) != 0) {
        pthread_attr_destroy(&attr);
        return -1;
    }
    pthread_attr_destroy(&attr);
    while (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
        sched_yield();
    if (ready < 0) {
        pthread_join(jp_S.collector, NULL);
        return -1;
    }
    return 0;
}

void
jp_collector_join(void)
{
    pthread_mutex_lock(&wake_lock);
    __atomic_store_n(&jp_S.stop_requested, 1, __ATOMIC_RELEASE);
    pthread_cond_signal(&wake_cond);
    pthread_mutex_unlock(&wake_lock);
    pthread_join(jp_S.collector, NULL);
}

void
jp_collector_after_fork(void)
{
    /* the collector is gone; its lock may have been held at the fork */
    pthread_mutex_init(&wake_lock, NULL);
    wake_ready = 0;
}

void
jp_collector_reset_caches(void)
{
    jp_idmap_free(&native_cache);
    jp_idmap_free(&pyframe_cache);
    jp_idmap_free(&thread_index);
    jp_inline_frames_reset();
    freed_frame = unknown_frame = JP_NONE;
}
