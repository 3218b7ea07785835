/* profiler/calltree.h - reductions over the profile's call tree: per
 * function self/total weight (recursion counted once), thread counts, and
 * Brendan Gregg's folded stacks. */
#ifndef JP_CALLTREE_H
#define JP_CALLTREE_H

#include "profiler/profile_data.h"

typedef struct jp_func_stat {
    uint32_t func;
    uint64_t self, total;
    uint32_t threads;       /* threads in which the function was on a stack */
} jp_func_stat;

/* Stats of every function seen in the samples of (pid, tid) (-1: any),
 * sorted by self then total weight, descending.  *out is malloc'ed (free
 * it); *total is the matching samples' weight.  0, or -1 without memory. */
int jp_calltree_stats(const jp_profile *p, int pid, int tid,
                      jp_func_stat **out, size_t *n, uint64_t *total);

/* Folded stacks "root;child;leaf weight\n" of (pid, tid), one line per
 * distinct stack, NUL-terminated, malloc'ed.  NULL without memory. */
char *jp_calltree_collapsed(const jp_profile *p, int pid, int tid);

#endif
