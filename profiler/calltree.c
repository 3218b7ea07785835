/* profiler/calltree.c - self/total per function and folded stacks (see
 * calltree.h).  Work is proportional to distinct (thread, stack) pairs
 * times stack depth, not to the number of samples. */
#include "profiler/calltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pair {
    uint32_t thread, node;
    uint64_t weight;
} pair;

static int
pair_cmp(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->thread != y->thread)
        return x->thread < y->thread ? -1 : 1;
    return (x->node > y->node) - (x->node < y->node);
}

static int
matches(const jp_profile *p, uint32_t thread, int pid, int tid)
{
    const jp_thread_rec *t = &p->threads.v[thread];
    return (pid < 0 || t->pid == pid) && (tid < 0 || t->tid == tid);
}

/* Distinct (thread, node) pairs of the matching samples, sorted. */
static pair *
collect_pairs(const jp_profile *p, int pid, int tid, size_t *npairs,
              uint64_t *total)
{
    jp_idmap map = {0};
    pair *pairs = NULL;
    size_t n = 0, cap = 0;

    *total = 0;
    for (size_t i = 0; i < p->samples.n; i++) {
        const jp_sample_rec *s = &p->samples.v[i];
        uint32_t id;
        if (!matches(p, s->thread, pid, tid))
            continue;
        *total += s->weight;
        id = jp_idmap_get(&map, s->thread, s->node);
        if (id != JP_NONE) {
            pairs[id].weight += s->weight;
            continue;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            pair *np = realloc(pairs, ncap * sizeof *np);
            if (np == NULL)
                goto fail;
            pairs = np;
            cap = ncap;
        }
        if (jp_idmap_put(&map, s->thread, s->node, (uint32_t)n) < 0)
            goto fail;
        pairs[n++] = (pair){s->thread, s->node, s->weight};
    }
    jp_idmap_free(&map);
    if (n > 0)
        qsort(pairs, n, sizeof *pairs, pair_cmp);
    *npairs = n;
    if (pairs == NULL)
        pairs = malloc(sizeof *pairs);     /* an empty, freeable result */
    return pairs;
fail:
    jp_idmap_free(&map);
    free(pairs);
    return NULL;
}

static int
stat_cmp(const void *a, const void *b)
{
    const jp_func_stat *x = a, *y = b;
    if (x->self != y->self)
        return x->self > y->self ? -1 : 1;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    return (x->func > y->func) - (x->func < y->func);
}

int
jp_calltree_stats(const jp_profile *p, int pid, int tid, jp_func_stat **out,
                  size_t *nout, uint64_t *total)
{
    size_t nf = p->funcs.n, npairs = 0, k = 0;
    pair *pairs = collect_pairs(p, pid, tid, &npairs, total);
    jp_func_stat *st = calloc(nf ? nf : 1, sizeof *st);
    uint64_t *stamp = calloc(nf ? nf : 1, sizeof *stamp);
    uint32_t *last_thread = malloc((nf ? nf : 1) * sizeof *last_thread);

    if (pairs == NULL || st == NULL || stamp == NULL || last_thread == NULL)
        goto fail;
    for (size_t f = 0; f < nf; f++)
        last_thread[f] = JP_NONE;
    for (size_t i = 0; i < npairs; i++) {
        uint32_t node = pairs[i].node;
        int leaf = 1;
        while (node != JP_ROOT_NODE && node < p->nodes.n) {
            uint32_t f = p->frames.v[p->nodes.v[node].frame].func;
            if (leaf)
                st[f].self += pairs[i].weight;
            leaf = 0;
            if (stamp[f] != i + 1) {        /* recursion counts once */
                stamp[f] = i + 1;
                st[f].total += pairs[i].weight;
                if (last_thread[f] != pairs[i].thread) {
                    last_thread[f] = pairs[i].thread;
                    st[f].threads++;
                }
            }
            node = p->nodes.v[node].parent;
        }
    }
    for (size_t f = 0; f < nf; f++) {
        if (st[f].total == 0)
            continue;
        st[k] = st[f];
        st[k].func = (uint32_t)f;
        k++;
    }
    qsort(st, k, sizeof *st, stat_cmp);
    free(pairs);
    free(stamp);
    free(last_thread);
    *out = st;
    *nout = k;
    return 0;
fail:
    free(pairs);
    free(st);
    free(stamp);
    free(last_thread);
    return -1;
}

typedef struct strbuf {
    char *s;
    size_t n, cap;
} strbuf;

static int
sb_put(strbuf *b, const char *s, size_t len)
{
    if (b->n + len + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 4096;
        char *ns;
        while (ncap < b->n + len + 1)
            ncap *= 2;
        ns = realloc(b->s, ncap);
        if (ns == NULL)
            return -1;
        b->s = ns;
        b->cap = ncap;
    }
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
    return 0;
}

/* One frame's folded name: ';' and newlines would break the format. */
static int
put_name(strbuf *b, const char *name)
{
    for (const char *c = name; *c; c++) {
        char ch = (*c == ';' || *c == '\n') ? ':' : *c;
        if (sb_put(b, &ch, 1) < 0)
            return -1;
    }
    return 0;
}

typedef struct folded {
    char *text;             /* "a;b;c" */
    uint64_t weight;
} folded;

static int
folded_cmp(const void *a, const void *b)
{
    return strcmp(((const folded *)a)->text, ((const folded *)b)->text);
}

/* Several nodes can fold to the same names (same functions, other lines):
 * sort the lines and add up equal ones. */
static char *
merge_folded(char *raw)
{
    size_t n = 0, k = 0;
    folded *v;
    strbuf b = {0};
    char *line, *save = NULL;

    for (char *c = raw; *c; c++)
        n += *c == '\n';
    v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL || sb_put(&b, "", 0) < 0)
        goto fail;
    for (line = strtok_r(raw, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sp = strrchr(line, ' ');
        if (sp == NULL)
            continue;
        *sp = '\0';
        v[k].text = line;
        v[k++].weight = strtoull(sp + 1, NULL, 10);
    }
    qsort(v, k, sizeof *v, folded_cmp);
    for (size_t i = 0; i < k;) {
        uint64_t w = 0;
        size_t j = i;
        char num[32];
        while (j < k && strcmp(v[j].text, v[i].text) == 0)
            w += v[j++].weight;
        snprintf(num, sizeof num, " %llu\n", (unsigned long long)w);
        if (sb_put(&b, v[i].text, strlen(v[i].text)) < 0 || sb_put(&b, num, strlen(num)) < 0)
            goto fail;
        i = j;
    }
    free(v);
    free(raw);
    return b.s;
fail:
    free(v);
    free(raw);
    free(b.s);
    return NULL;
}

char *
jp_calltree_collapsed(const jp_profile *p, int pid, int tid)
{
    size_t npairs = 0;
    uint64_t total;
    pair *pairs = collect_pairs(p, pid, tid, &npairs, &total);
    uint64_t *weight = calloc(p->nodes.n, sizeof *weight);
    uint32_t *path = malloc((p->nodes.n + 1) * sizeof *path);
    strbuf b = {0};

    if (pairs == NULL || weight == NULL || path == NULL || sb_put(&b, "", 0) < 0)
        goto fail;
    for (size_t i = 0; i < npairs; i++)
        weight[pairs[i].node] += pairs[i].weight;
    for (size_t node = 1; node < p->nodes.n; node++) {
        size_t depth = 0;
        char num[32];
        if (weight[node] == 0)
            continue;
        for (uint32_t x = (uint32_t)node; x != JP_ROOT_NODE; x = p->nodes.v[x].parent)
            path[depth++] = x;
        while (depth-- > 0) {
            const jp_frame *fr = &p->frames.v[p->nodes.v[path[depth]].frame];
            if (put_name(&b, jp_profile_str(p, p->funcs.v[fr->func].name)) < 0
                || (depth > 0 && sb_put(&b, ";", 1) < 0))
                goto fail;
        }
        snprintf(num, sizeof num, " %llu\n", (unsigned long long)weight[node]);
        if (sb_put(&b, num, strlen(num)) < 0)
            goto fail;
    }
    free(pairs);
    free(weight);
    free(path);
    return merge_folded(b.s);
fail:
    free(pairs);
    free(weight);
    free(path);
    free(b.s);
    return NULL;
}
