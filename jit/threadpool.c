/* jit/threadpool.c - a fixed pool of worker threads (one fewer than the
 * requested thread count: the caller works too).  One parallel-for at a
 * time; chunks are handed out with an atomic counter so faster threads
 * take more.  Started lazily on the first parallel loop. */
#include "jit/threadpool.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct job {
    jp_chunk_fn fn;
    void *ctx;
    int64_t n, chunk;
    int64_t next;           /* atomic: next chunk start */
    int pending;            /* workers still on this job */
    int active;             /* workers 1..active take chunks (set_num_threads may have lowered it) */
} job;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;   /* one job at a time */
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static job *current;
static unsigned long generation;
static int nworkers, started, requested;
static __thread int in_worker;     /* 0 outside the pool, else the worker's number (1...) */
static int64_t stat_jobs, stat_worker_chunks;  /* atomic: jp_pool_stats */

static __thread int in_loop;       /* the calling thread is running chunks of a parallel loop */

static void
run_chunks(job *j)
{
    for (;;) {
        int64_t start = __atomic_fetch_add(&j->next, j->chunk, __ATOMIC_RELAXED);
        int64_t end;
        if (start >= j->n)
            return;
        end = start + j->chunk < j->n ? start + j->chunk : j->n;
        if (in_worker)
            __atomic_add_fetch(&stat_worker_chunks, 1, __ATOMIC_RELAXED);
        j->fn(j->ctx, start, end);
    }
}

static void *
worker_main(void *arg)
{
    unsigned long seen = 0;
    in_worker = (int)(intptr_t)arg;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (generation == seen)
            pthread_cond_wait(&work_cv, &lock);
        seen = generation;
        {
            job *j = current;
            pthread_mutex_unlock(&lock);
            if (in_worker <= j->active)
                run_chunks(j);
            pthread_mutex_lock(&lock);
            if (--j->pending == 0)
                pthread_cond_signal(&done_cv);
        }
    }
    return NULL;
}

int
jp_pool_num_threads(void)
{
    if (requested > 0)
        return requested;
    {
        const char *env = getenv("JITPROFILE_NUM_THREADS");
        if (env == NULL || *env == '\0')
            env = getenv("NUMBA_NUM_THREADS");     /* Numba's name (jitprofile.config) */
        long n = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
        return n > 0 ? (int)n : 1;
    }
}

int64_t
jp_pool_thread_id(void)
{
    return in_worker;
}

int
jp_pool_in_parallel(void)
{
    return in_worker != 0 || in_loop;
}

void
jp_pool_set_num_threads(int n)
{
    requested = n;
}

/* A forked child has none of the parent's workers: start afresh. */
static void
after_fork_child(void)
{
    pthread_mutex_init(&lock, NULL);
    pthread_mutex_init(&run_lock, NULL);
    pthread_cond_init(&work_cv, NULL);
    pthread_cond_init(&done_cv, NULL);
    nworkers = 0;
    started = 0;
    current = NULL;
}

static void
start_workers(void)
{
    static int atfork_done;
    if (!atfork_done) {
        pthread_atfork(NULL, NULL, after_fork_child);
        atfork_done = 1;
    }
    int want = jp_pool_num_threads() - 1;
    while (nworkers < want) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, worker_main, (void *)(intptr_t)(nworkers + 1)) != 0) {
            pthread_attr_destroy(&attr);
            break;
        }
        pthread_attr_destroy(&attr);
        nworkers++;
    }
    started = 1;
}

void
jp_pool_parallel_for(int64_t n, jp_chunk_fn fn, void *ctx)
{
    job j;
    int threads;
    if (n <= 0)
        return;
    if (in_worker || jp_pool_num_threads() <= 1 || pthread_mutex_trylock(&run_lock) != 0) {
        fn(ctx, 0, n);          /* nested, single-threaded, or another loop is running */
        return;
    }
    pthread_mutex_lock(&lock);
    if (!started || nworkers < jp_pool_num_threads() - 1)
        start_workers();
    /* the pool never shrinks: after set_num_threads(k) lowered the count,
     * only workers 1..k-1 take chunks (the others just acknowledge) */
    j.active = jp_pool_num_threads() - 1 < nworkers ? jp_pool_num_threads() - 1 : nworkers;
    threads = j.active + 1;
    j.fn = fn;
    j.ctx = ctx;
    j.n = n;
    j.chunk = n / (threads * 4) > 0 ? n / (threads * 4) : 1;
    j.next = 0;
    j.pending = nworkers;
    current = &j;
    generation++;
    __atomic_add_fetch(&stat_jobs, 1, __ATOMIC_RELAXED);
    pthread_cond_broadcast(&work_cv);
    pthread_mutex_unlock(&lock);

    in_loop = 1;
    run_chunks(&j);
    in_loop = 0;

    pthread_mutex_lock(&lock);
    while (j.pending > 0)
        pthread_cond_wait(&done_cv, &lock);
    current = NULL;
    pthread_mutex_unlock(&lock);
    pthread_mutex_unlock(&run_lock);
}

void
jp_pool_stats(int64_t *jobs, int64_t *worker_chunks)
{
    *jobs = __atomic_load_n(&stat_jobs, __ATOMIC_RELAXED);
    *worker_chunks = __atomic_load_n(&stat_worker_chunks, __ATOMIC_RELAXED);
}
