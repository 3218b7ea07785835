/* jit/inline_chains.c - the interned inlining chains (see inline_chains.h).
 * A chain is stored once; lookups by content go through a small open
 * hash table of ids, lookups by id through an array. */
#include "jit/inline_chains.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static jp_inline_chain **chains;        /* chains[id - 1] */
static uint32_t nchains, capchains;
static uint32_t *slots;                 /* hash table of ids, 0 = empty */
static uint32_t nslots;

static uint64_t
hash_chain(const jp_inline_chain *c)
{
    uint64_t h = 1469598103934665603ull;
#define MIX(v) (h = (h ^ (uint64_t)(v)) * 1099511628211ull)
    MIX(c->call_line);
    MIX(c->n);
    for (int i = 0; i < c->n; i++) {
        for (const char *p = c->frames[i].filename ? c->frames[i].filename : ""; *p; p++)
            MIX((unsigned char)*p);
        MIX(c->frames[i].def_line);
        MIX(c->frames[i].line);
    }
#undef MIX
    return h;
}

static int
same_chain(const jp_inline_chain *a, const jp_inline_chain *b)
{
    if (a->call_line != b->call_line || a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++) {
        const char *fa = a->frames[i].filename ? a->frames[i].filename : "";
        const char *fb = b->frames[i].filename ? b->frames[i].filename : "";
        if (a->frames[i].def_line != b->frames[i].def_line
            || a->frames[i].line != b->frames[i].line || strcmp(fa, fb) != 0)
            return 0;
    }
    return 1;
}

static int
grow_slots(void)
{
    uint32_t n = nslots ? nslots * 2 : 256;
    uint32_t *s = calloc(n, sizeof *s);
    if (s == NULL)
        return -1;
    for (uint32_t id = 1; id <= nchains; id++) {
        uint32_t i = (uint32_t)hash_chain(chains[id - 1]) & (n - 1);
        while (s[i])
            i = (i + 1) & (n - 1);
        s[i] = id;
    }
    free(slots);
    slots = s;
    nslots = n;
    return 0;
}

static jp_inline_chain *
copy_chain(const jp_inline_chain *c)
{
    jp_inline_chain *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->call_line = c->call_line;
    d->n = c->n;
    for (int i = 0; i < c->n; i++) {
        d->frames[i] = c->frames[i];
        d->frames[i].filename = strdup(c->frames[i].filename ? c->frames[i].filename : "");
        if (d->frames[i].filename == NULL)
            goto fail;
    }
    return d;
fail:
    for (int i = 0; i < d->n; i++)
        free((void *)d->frames[i].filename);
    free(d);
    return NULL;
}

uint32_t
jp_inline_chain_intern(const jp_inline_chain *chain)
{
    uint32_t id = 0, i;
    jp_inline_chain *copy;

    if (chain == NULL || chain->n < 1 || chain->n > JP_INLINE_MAX_DEPTH)
        return 0;
    pthread_mutex_lock(&lock);
    if ((nchains + 1) * 2 > nslots && grow_slots() < 0)
        goto done;
    for (i = (uint32_t)hash_chain(chain) & (nslots - 1); slots[i]; i = (i + 1) & (nslots - 1))
        if (same_chain(chains[slots[i] - 1], chain)) {
            id = slots[i];
            goto done;
        }
    if (nchains >= JP_INLINE_MAX_IDS)
        goto done;
    if (nchains == capchains) {
        uint32_t cap = capchains ? capchains * 2 : 64;
        jp_inline_chain **c = realloc(chains, cap * sizeof *c);
        if (c == NULL)
            goto done;
        chains = c;
        capchains = cap;
    }
    if ((copy = copy_chain(chain)) == NULL)
        goto done;
    chains[nchains++] = copy;
    id = slots[i] = nchains;
done:
    pthread_mutex_unlock(&lock);
    return id;
}

const jp_inline_chain *
jp_inline_chain_get(uint32_t id)
{
    const jp_inline_chain *c = NULL;
    pthread_mutex_lock(&lock);
    if (id >= 1 && id <= nchains)
        c = chains[id - 1];
    pthread_mutex_unlock(&lock);
    return c;
}
