/* sampler/memory.c - allocation sampling (see memory.h): the hooks' slow
 * paths, the table of sampled blocks still live, the event buffer, its
 * drain into profile stacks, and the Python functions of a memory session
 * (memory_start, memory_stop, memory_take, ...).
 *
 * Locking: one mutex (ev_lock) guards the event buffer and the writers of
 * the live table.  Readers of the live table (every free) probe it without
 * the lock: a slot's key is published with release order after its id, a
 * removed key becomes a tombstone, never empty, and no probe goes past the
 * longest chain an insert made (max_probe).  The lock is never held while
 * waiting for the GIL, so a hook without the GIL and the collector with it
 * cannot deadlock.
 */
#define _GNU_SOURCE
#include "sampler/sampler.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "jit/nrt.h"
#include "jit/symbols.h"
#include "sampler/memory.h"
#include "sampler/pyframes.h"
#include "sampler/unwind.h"

#define MEM_NATIVE 128          /* native frames kept per allocation sample */
#define MEM_PYFRAMES 256        /* Python frames kept per allocation sample */
#define EV_ALLOC 1u
#define EV_FREE 2u
#define EV_ALLOC_HDR 8          /* w0 kind|words, ts, tid, id, size, bytes, count, n */
#define EV_MAX_WORDS (8u << 20) /* 64 MiB of pending events at most */
#define LIVE_BITS 16
#define LIVE_CAP (1u << LIVE_BITS)
#define KEY_EMPTY 0u
#define KEY_GONE 1u

int jp_mem_on;
unsigned jp_mem_gen;
_Thread_local int64_t jp_mem_countdown;
_Thread_local unsigned jp_mem_thread_gen;
static _Thread_local pid_t t_tid;       /* gettid() is a system call */
static _Thread_local uint64_t t_rng;

static double interval = 262144.0;
static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *ev;                    /* pending events, ev_n words of ev_cap */
static size_t ev_n, ev_cap;
/* The drain swaps the two buffers and keeps both: freeing a large buffer
 * at every drain moved glibc's mmap threshold under the program's own
 * allocations. */
static uint64_t *ev_spare;
static size_t ev_spare_cap;
static uint64_t next_id;
static uint64_t n_sampled, n_freed, n_dropped, n_untracked;

static struct { uint64_t key, id; } live[LIVE_CAP];
static unsigned live_n, max_probe;

/* What the drain made of the events, until memory_take() hands it out. */
typedef struct {
    uint32_t kind, thread, node;
    uint64_t ts, id, size;
    double bytes, count;
} mem_row;
static JP_VEC(mem_row) rows;

static pid_t
my_tid(void)
{
    if (t_tid == 0)
        t_tid = (pid_t)gettid();
    return t_tid;
}

static uint64_t
next_random(void)
{
    if (t_rng == 0)
        t_rng = ((uint64_t)my_tid() << 32) ^ jp_now_ns() ^ 0x9e3779b97f4a7c15ull;
    t_rng ^= t_rng >> 12;
    t_rng ^= t_rng << 25;
    t_rng ^= t_rng >> 27;
    return t_rng * 0x2545f4914f6cdd1dull;
}

/* Bytes until the next sample: exponential with mean `interval`. */
static int64_t
draw_countdown(void)
{
    double u = ((next_random() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
    double d = -log(u) * interval;
    return d < 1.0 ? 1 : d > 4e18 ? (int64_t)4e18 : (int64_t)d;
}

static unsigned
live_hash(uint64_t key)
{
    return (unsigned)(((key >> 4) * 0x9e3779b97f4a7c15ull) >> (64 - LIVE_BITS));
}

/* ev_lock held.  Room for `words` more words, or NULL (counted as dropped). */
static uint64_t *
ev_reserve(size_t words)
{
    if (ev_n + words > ev_cap) {
        size_t cap = ev_cap ? ev_cap : 4096;
        uint64_t *nev;
        while (cap < ev_n + words)
            cap *= 2;
        if (cap > EV_MAX_WORDS || (nev = realloc(ev, cap * sizeof *ev)) == NULL) {
            n_dropped++;
            return NULL;
        }
        ev = nev;
        ev_cap = cap;
    }
    return ev + ev_n;
}

/* ev_lock held. */
static void
live_insert(uint64_t key, uint64_t id)
{
    unsigned h = live_hash(key), probe;

    if (live_n >= LIVE_CAP / 2) {
        n_untracked++;          /* its free goes unseen: counted as still live */
        return;
    }
    for (probe = 0; probe < LIVE_CAP; probe++) {
        unsigned i = (h + probe) & (LIVE_CAP - 1);
        uint64_t k = __atomic_load_n(&live[i].key, __ATOMIC_RELAXED);
        if (k == KEY_EMPTY || k == KEY_GONE || k == key) {
            live[i].id = id;
            __atomic_store_n(&live[i].key, key, __ATOMIC_RELEASE);
            live_n += k != key;
            if (probe > max_probe)
                __atomic_store_n(&max_probe, probe, __ATOMIC_RELEASE);
            return;
        }
    }
}

/* The calling thread's native stack, leaf first (getcontext returns twice:
 * kept in a frame of its own, which stays live while it is unwound). */
static __attribute__((noinline)) unsigned
capture_native(uint64_t *out, int max)
{
    ucontext_t uc;
    if (getcontext(&uc) != 0)
        return 0;
    return (unsigned)jp_unwind_capture_to_jit(&uc, out, max);
}

/* When the allocating entry point was called by jit code: that code's
 * frames by their frame pointers, leaf first, up to and including the first
 * return address outside jit code (the rest comes from the Python frames).
 * 0 when the caller is not jit code or the chain is implausible. */
static unsigned
jit_frames(void *const *frame, uint64_t *out, unsigned max)
{
    uintptr_t lo = (uintptr_t)frame, bp;
    uintptr_t ip = (uintptr_t)frame[1];
    unsigned n = 0;

    if (max < 2 || jp_symbols_find(ip - 1) == NULL)
        return 0;
    out[n++] = ip - 1;          /* exact enough for the line: inside the call */
    bp = (uintptr_t)frame[0];
    while (n < max) {
        uintptr_t next_ip;
        if (bp <= lo || (bp & 7) != 0 || bp - lo > (64u << 20))
            return n > 1 ? n : 0;
        next_ip = ((uintptr_t *)bp)[1];
        if (next_ip < 4096)
            return n;
        out[n++] = next_ip;
        if (jp_symbols_find(next_ip - 1) == NULL)
            return n;
        lo = bp;
        bp = ((uintptr_t *)bp)[0];
    }
    return n;
}

void
jp_mem_sampled(void *key, size_t size, int native, void *const *frame)
{
    sigset_t block, old;
    uint64_t *rec, id, *out;
    unsigned n_native = 0, n_py = 0;
    int trunc = 0, masked = 0;
    double p;
    void *tstate;

    if (jp_mem_thread_gen != __atomic_load_n(&jp_mem_gen, __ATOMIC_RELAXED)) {
        /* this thread's first allocation of the session: a fresh count */
        jp_mem_thread_gen = __atomic_load_n(&jp_mem_gen, __ATOMIC_RELAXED);
        jp_mem_countdown = draw_countdown() - (int64_t)size;
        if (jp_mem_countdown > 0)
            return;
    }
    jp_mem_countdown = draw_countdown();
    p = -expm1(-(double)size / interval);
    if (!(p > 1e-12))
        p = 1e-12;
    if (native && jp_S.signo > 0
        && (frame == NULL || jp_symbols_find((uintptr_t)frame[1] - 1) == NULL)) {
        /* this thread's sampling signal would find the unwinder busy */
        sigemptyset(&block);
        sigaddset(&block, jp_S.signo);
        masked = pthread_sigmask(SIG_BLOCK, &block, &old) == 0;
    }
    pthread_mutex_lock(&ev_lock);
    if (!__atomic_load_n(&jp_mem_on, __ATOMIC_RELAXED))
        goto done;
    rec = ev_reserve(EV_ALLOC_HDR + (native ? MEM_NATIVE : 0) + 2 * MEM_PYFRAMES);
    if (rec == NULL)
        goto done;
    out = rec + EV_ALLOC_HDR;
    if (native && frame != NULL)
        n_native = jit_frames(frame, out, MEM_NATIVE);
    if (native && n_native == 0)
        n_native = capture_native(out, MEM_NATIVE);
    tstate = jp_pyframes_tstate();
    if (tstate != NULL)
        n_py = (unsigned)jp_pyframes_capture_own(tstate, out + n_native, MEM_PYFRAMES,
                                                &trunc);
    id = ++next_id;
    rec[0] = JP_REC_WORD0(EV_ALLOC, EV_ALLOC_HDR + n_native + 2 * n_py);
    rec[1] = jp_now_ns();
    rec[2] = (uint64_t)my_tid();
    rec[3] = id;
    rec[4] = size;
    memcpy(&rec[5], &(double){(double)size / p}, sizeof(double));
    memcpy(&rec[6], &(double){1.0 / p}, sizeof(double));
    rec[7] = (uint64_t)n_native | (uint64_t)n_py << 32;
    ev_n += EV_ALLOC_HDR + n_native + 2 * n_py;
    n_sampled++;
    live_insert((uint64_t)(uintptr_t)key, id);
done:
    pthread_mutex_unlock(&ev_lock);
    if (masked)
        pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void
jp_mem_forget(void *key)
{
    uint64_t k = (uint64_t)(uintptr_t)key, *rec;
    unsigned h = live_hash(k), limit;

    if (__atomic_load_n(&live_n, __ATOMIC_RELAXED) == 0 || k <= KEY_GONE)
        return;
    limit = __atomic_load_n(&max_probe, __ATOMIC_ACQUIRE);
    for (unsigned probe = 0; probe <= limit; probe++) {
        unsigned i = (h + probe) & (LIVE_CAP - 1);
        uint64_t cur = __atomic_load_n(&live[i].key, __ATOMIC_ACQUIRE);
        if (cur == KEY_EMPTY)
            return;
        if (cur != k)
            continue;
        pthread_mutex_lock(&ev_lock);
        if (live[i].key == k) {
            __atomic_store_n(&live[i].key, (uint64_t)KEY_GONE, __ATOMIC_RELEASE);
            live_n--;
            if ((rec = ev_reserve(4)) != NULL) {
                rec[0] = JP_REC_WORD0(EV_FREE, 4);
                rec[1] = jp_now_ns();
                rec[2] = (uint64_t)my_tid();
                rec[3] = live[i].id;
                ev_n += 4;
                n_freed++;
            }
        }
        pthread_mutex_unlock(&ev_lock);
        return;
    }
}

static void
nrt_alloc_hook(void *block, size_t size, void *const *frame)
{
    jp_mem_alloc(block, size, 1, frame);
}

static void
nrt_free_hook(void *block)
{
    jp_mem_free(block);
}

static int
push_row(const mem_row *r)
{
    if (rows.n == rows.cap) {
        size_t cap = rows.cap ? rows.cap * 2 : 1024;
        mem_row *nv = realloc(rows.v, cap * sizeof *nv);
        if (nv == NULL)
            return -1;
        rows.v = nv;
        rows.cap = cap;
    }
    rows.v[rows.n++] = *r;
    return 0;
}

void
jp_memory_drain(void)
{
    uint64_t *buf;
    size_t n, cap, at = 0;

    pthread_mutex_lock(&ev_lock);
    buf = ev;
    n = ev_n;
    cap = ev_cap;
    ev = ev_spare;
    ev_cap = ev_spare_cap;
    ev_n = 0;
    ev_spare = NULL;            /* the drain's own until it ends */
    ev_spare_cap = 0;
    pthread_mutex_unlock(&ev_lock);
    while (at < n) {
        const uint64_t *rec = buf + at;
        uint32_t words = JP_REC_WORDS(rec[0]);
        mem_row r;
        if (words < 4 || at + words > n)
            break;              /* never happens: the buffer is ours */
        memset(&r, 0, sizeof r);
        r.kind = JP_REC_KIND(rec[0]);
        r.ts = rec[1];
        r.id = rec[3];
        r.node = JP_NONE;
        if (r.kind == EV_ALLOC) {
            uint32_t n_native = (uint32_t)rec[7], n_py = (uint32_t)(rec[7] >> 32);
            r.size = rec[4];
            memcpy(&r.bytes, &rec[5], sizeof(double));
            memcpy(&r.count, &rec[6], sizeof(double));
            r.thread = jp_profile_thread(jp_S.profile, jp_S.pid, (int)rec[2]);
            r.node = jp_collector_stack(rec + EV_ALLOC_HDR, n_native,
                                        rec + EV_ALLOC_HDR + n_native, n_py, r.ts);
        }
        if (push_row(&r) < 0)
            n_dropped++;
        at += words;
    }
    pthread_mutex_lock(&ev_lock);
    if (ev_spare == NULL) {
        ev_spare = buf;
        ev_spare_cap = cap;
        buf = NULL;
    }
    pthread_mutex_unlock(&ev_lock);
    free(buf);
}

static void
after_fork_child(void)
{
    pthread_mutex_init(&ev_lock, NULL);
    t_tid = 0;                  /* the one thread left has a new id */
    __atomic_store_n(&jp_mem_on, 0, __ATOMIC_RELAXED);
    jp_nrt_alloc_hook = NULL;
    jp_nrt_free_hook = NULL;
    ev_n = 0;
}

static PyObject *
memory_start(PyObject *mod, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"interval", "numpy", NULL};
    static int atfork_installed;
    long long bytes = 262144;
    int numpy = 1, hooked = 0;

    (void)mod;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|Lp", kwlist, &bytes, &numpy))
        return NULL;
    if (bytes < 1 || bytes > (1ll << 40)) {
        PyErr_Format(PyExc_ValueError, "memory sampling interval must be 1..2**40 bytes, "
                     "not %lld", bytes);
        return NULL;
    }
    if (!jp_S.running) {
        PyErr_SetString(PyExc_RuntimeError, "memory sampling needs a running sampler session");
        return NULL;
    }
    if (jp_mem_on) {
        PyErr_SetString(PyExc_RuntimeError, "memory sampling is already on");
        return NULL;
    }
    if (!atfork_installed) {
        if (pthread_atfork(NULL, NULL, after_fork_child) != 0)
            return PyErr_NoMemory();
        atfork_installed = 1;
    }
    pthread_mutex_lock(&ev_lock);
    interval = (double)bytes;
    memset(live, 0, sizeof live);
    live_n = max_probe = 0;
    n_sampled = n_freed = n_dropped = n_untracked = 0;
    ev_n = 0;
    __atomic_add_fetch(&jp_mem_gen, 1, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&ev_lock);
    rows.n = 0;
    jp_nrt_alloc_hook = nrt_alloc_hook;
    jp_nrt_free_hook = nrt_free_hook;
    __atomic_store_n(&jp_mem_on, 1, __ATOMIC_RELEASE);
    if (numpy) {
        if (jp_memory_numpy_install(1) < 0) {
            if (PyErr_Occurred()) {
                __atomic_store_n(&jp_mem_on, 0, __ATOMIC_RELEASE);
                jp_nrt_alloc_hook = NULL;
                jp_nrt_free_hook = NULL;
                return NULL;
            }
        } else {
            hooked = 1;
        }
    }
    return PyBool_FromLong(hooked);
}

static PyObject *
memory_stop(PyObject *mod, PyObject *noargs)
{
    (void)mod;
    (void)noargs;
    if (!jp_mem_on)
        Py_RETURN_NONE;
    __atomic_store_n(&jp_mem_on, 0, __ATOMIC_RELEASE);
    jp_nrt_alloc_hook = NULL;
    jp_nrt_free_hook = NULL;
    jp_memory_numpy_restore();
    Py_RETURN_NONE;
}

static PyObject *
memory_thread_start(PyObject *mod, PyObject *noargs)
{
    (void)mod;
    (void)noargs;
    if (jp_mem_on && jp_memory_numpy_install(0) < 0 && PyErr_Occurred())
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
memory_take(PyObject *mod, PyObject *noargs)
{
    PyObject *list = PyList_New((Py_ssize_t)rows.n);

    (void)mod;
    (void)noargs;
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < rows.n; i++) {
        const mem_row *r = &rows.v[i];
        PyObject *t = Py_BuildValue("(IKlkKddK)", r->kind, (unsigned long long)r->ts,
                                    r->node == JP_NONE ? -1L : (long)r->thread,
                                    (unsigned long)r->node, (unsigned long long)r->id,
                                    r->bytes, r->count, (unsigned long long)r->size);
        if (t == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    rows.n = 0;
    return list;
}

static PyObject *
memory_stats(PyObject *mod, PyObject *noargs)
{
    PyObject *d;
    (void)mod;
    (void)noargs;
    pthread_mutex_lock(&ev_lock);
    d = Py_BuildValue("{sisdsKsKsKsKsI}", "on", jp_mem_on, "interval", interval,
                      "sampled", (unsigned long long)n_sampled,
                      "freed", (unsigned long long)n_freed,
                      "dropped", (unsigned long long)n_dropped,
                      "untracked", (unsigned long long)n_untracked,
                      "live_tracked", live_n);
    pthread_mutex_unlock(&ev_lock);
    return d;
}

static PyObject *
memory_numpy_handler(PyObject *mod, PyObject *noargs)
{
    (void)mod;
    (void)noargs;
    return jp_memory_numpy_current();
}

static PyMethodDef memory_methods[] = {
    {"memory_start", (PyCFunction)(void (*)(void))memory_start, METH_VARARGS | METH_KEYWORDS,
     "memory_start(interval=262144, numpy=True) -> bool: sample allocations of compiled "
     "code (and NumPy array data, wrapping this thread's NumPy handler) every `interval` "
     "bytes on average; the sampler must run.  True when NumPy's handler was wrapped."},
    {"memory_stop", memory_stop, METH_NOARGS,
     "Stop allocation sampling; NumPy's handler of this thread is put back."},
    {"memory_thread_start", memory_thread_start, METH_NOARGS,
     "In a thread started during a memory session: wrap its NumPy handler too."},
    {"memory_take", memory_take, METH_NOARGS,
     "Drained events since the last call: [(kind, ts, thread, node, id, bytes, count, size)]"
     "; kind 1 = a sampled allocation (bytes and count it stands for), 2 = its free."},
    {"memory_stats", memory_stats, METH_NOARGS, "Counters of the current/last memory session."},
    {"memory_numpy_handler", memory_numpy_handler, METH_NOARGS,
     "NumPy's allocator handler (capsule) current in this thread's context, or None."},
    {NULL, NULL, 0, NULL},
};

int
jp_memory_module_init(PyObject *m)
{
    return PyModule_AddFunctions(m, memory_methods);
}
