/* jit/threadpool.h - the process's worker threads for parallel ufuncs and
 * prange loops.  Plain pthreads; workers never touch Python. */
#ifndef JP_THREADPOOL_H
#define JP_THREADPOOL_H

#include <stdint.h>

typedef void (*jp_chunk_fn)(void *ctx, int64_t start, int64_t end);

/* Run fn over [0, n) split in chunks across the workers and the calling
 * thread; returns when every chunk is done.  Calls from inside a worker run
 * serially (no nested parallelism). */
void jp_pool_parallel_for(int64_t n, jp_chunk_fn fn, void *ctx);
int jp_pool_num_threads(void);
void jp_pool_set_num_threads(int n);
/* The calling thread's number: 0 for any thread outside the pool (the one
 * that starts a parallel loop works as 0), 1... for the workers. */
int64_t jp_pool_thread_id(void);
/* Counters since the process started: parallel loops handed to the pool,
 * and chunks the workers (not the calling thread) ran. */
void jp_pool_stats(int64_t *jobs, int64_t *worker_chunks);

/* Whether the calling thread is running a parallel loop's chunks (a worker,
 * or the thread that started the loop): BLAS calls there stay single-threaded. */
int jp_pool_in_parallel(void);

#endif
