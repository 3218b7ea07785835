/* jit/hashtable.c - the hash table runtime (see hashtable.h): layouts,
 * CPython-compatible hashing, probing, insertion, deletion, resizing, and
 * the key's repr for KeyError.  Nothing here touches Python objects; the
 * typed Dict object and boxing live in dict_object.c. */
#include "jit/hashtable.h"
#include "jit/list_runtime.h"
#include "jit/str_runtime.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EMPTY (-1)
#define DUMMY (-2)
#define HASH_BITS 61
#define HASH_MOD ((uint64_t)(((uint64_t)1 << HASH_BITS) - 1))
#define HASH_INF 314159

/* ---- layouts ------------------------------------------------------------------ */

int
jp_ht_key_ok(const jp_type *t)
{
    if (t->kind == JP_INT || t->kind == JP_FLOAT || t->kind == JP_BOOL || t->kind == JP_STR)
        return 1;
    if (t->kind == JP_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (!jp_ht_key_ok(t->elems[i]))
                return 0;
        return 1;
    }
    return 0;
}

static int
key_fields(const jp_type *t, size_t base, int32_t *out, int n)
{
    if (n < 0 || n + 3 > JP_HT_MAX_LAYOUT)
        return -1;
    switch (t->kind) {
    case JP_INT:
        out[n] = t->is_signed ? JP_HK_INT : JP_HK_UINT;
        break;
    case JP_FLOAT:
        out[n] = JP_HK_FLOAT;
        break;
    case JP_BOOL:
        out[n] = JP_HK_BOOL;
        break;
    case JP_STR:
        out[n] = JP_HK_STR;
        break;
    case JP_TUPLE:
        out[n] = JP_HK_TUPLE;
        out[n + 1] = t->n;
        out[n + 2] = (int32_t)base;
        n += 3;
        for (int i = 0; i < t->n && n >= 0; i++)
            n = key_fields(t->elems[i], base + t->offsets[i], out, n);
        return n;
    default:
        return -1;
    }
    out[n + 1] = (int32_t)t->size;
    out[n + 2] = (int32_t)base;
    return n + 3;
}

static int64_t
round8(int64_t n)
{
    return (n + 7) / 8 * 8;
}

int
jp_ht_layout(const jp_type *key, const jp_type *value, int32_t *out)
{
    int32_t refs[JP_LIST_MAX_REFS];
    int nrefs = value ? jp_list_ref_offsets(value, refs) : 0, n;
    int64_t vsize = value ? (int64_t)value->size : 0;
    if (nrefs < 0 || !jp_ht_key_ok(key))
        return -1;
    out[JP_HL_KEYSIZE] = (int32_t)key->size;
    out[JP_HL_VALSIZE] = (int32_t)vsize;
    out[JP_HL_VALOFF] = (int32_t)(JP_HT_KEYOFF + round8((int64_t)key->size));
    out[JP_HL_ENTRYSIZE] = (int32_t)(out[JP_HL_VALOFF] + round8(vsize));
    out[JP_HL_NREFS] = nrefs;
    for (int k = 0; k < nrefs; k++)
        out[JP_HL_REFS + k] = refs[k];
    n = key_fields(key, 0, out, JP_HL_REFS + nrefs);
    return n;
}

static const int32_t *
key_ops(const int32_t *layout)
{
    return layout + JP_HL_REFS + layout[JP_HL_NREFS];
}

/* ---- hashing -------------------------------------------------------------------- */

int64_t
jp_hash_uint64(uint64_t v)
{
    return (int64_t)(v % HASH_MOD);
}

int64_t
jp_hash_int64(int64_t v)
{
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int64_t h = (int64_t)(u % HASH_MOD);
    if (v < 0)
        h = -h;
    return h == -1 ? -2 : h;
}

int64_t
jp_hash_double(double v)
{
    int e, sign = 1;
    double m;
    uint64_t x = 0, y;
    if (!isfinite(v))
        return isinf(v) ? (v > 0 ? HASH_INF : -HASH_INF) : 0;
    m = frexp(v, &e);
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    while (m) {
        x = ((x << 28) & HASH_MOD) | x >> (HASH_BITS - 28);
        m *= 268435456.0;
        e -= 28;
        y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= HASH_MOD)
            x -= HASH_MOD;
    }
    e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
    x = ((x << e) & HASH_MOD) | x >> (HASH_BITS - e);
    x = x * (uint64_t)(int64_t)sign;
    if (x == (uint64_t)-1)
        x = (uint64_t)-2;
    return (int64_t)x;
}

/* FNV-1a over the code points, finalised, cached in the string (immortal strings are
 * shared between threads: the cache is written atomically, always with the
 * same value). */
int64_t
jp_hash_str(jp_meminfo *mi)
{
    jp_str *s = mi->data;
    int64_t h = __atomic_load_n(&s->hash, __ATOMIC_RELAXED);
    uint64_t x = 14695981039346656037ULL;
    if (h != -1)
        return h;
    for (int64_t i = 0; i < s->length; i++) {
        x ^= s->data[i];
        x *= 1099511628211ULL;
    }
    /* FNV's low bits depend on the inputs' low bits only: murmur3's finaliser
     * spreads every bit into the index's low ones */
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    h = (int64_t)x;
    if (h == -1)
        h = -2;
    __atomic_store_n(&s->hash, h, __ATOMIC_RELAXED);
    return h;
}

static int
str_eq(jp_meminfo *a, jp_meminfo *b)
{
    jp_str *x, *y;
    if (a == b)
        return 1;
    x = a->data;
    y = b->data;
    return x->length == y->length && memcmp(x->data, y->data, (size_t)x->length * 4) == 0;
}

static int64_t
load_int(const char *p, int size, int is_signed)
{
    switch (size) {
    case 1: return is_signed ? (int64_t)*(const int8_t *)p : (int64_t)*(const uint8_t *)p;
    case 2: return is_signed ? (int64_t)*(const int16_t *)p : (int64_t)*(const uint16_t *)p;
    case 4: return is_signed ? (int64_t)*(const int32_t *)p : (int64_t)*(const uint32_t *)p;
    default: return *(const int64_t *)p;
    }
}

static double
load_float(const char *p, int size)
{
    return size == 4 ? (double)*(const float *)p : *(const double *)p;
}

/* The hash of the field at ops[*i] (advancing *i past it and its children). */
static int64_t
hash_field(const int32_t *ops, int *i, const char *key)
{
    const int32_t *op = ops + *i;
    *i += 3;
    switch (op[0]) {
    case JP_HK_INT: return jp_hash_int64(load_int(key + op[2], op[1], 1));
    case JP_HK_UINT:
        return op[1] == 8 ? jp_hash_uint64(*(const uint64_t *)(key + op[2])) : load_int(key + op[2], op[1], 0);
    case JP_HK_BOOL: return *(const uint8_t *)(key + op[2]) != 0;
    case JP_HK_FLOAT: return jp_hash_double(load_float(key + op[2], op[1]));
    case JP_HK_STR: return jp_hash_str(*(jp_meminfo *const *)(key + op[2]));
    default: {
        /* CPython's tuple hash (xxHash-based, 3.8+) */
        uint64_t acc = 2870177450012600261ULL;
        int n = op[1];
        for (int k = 0; k < n; k++) {
            uint64_t lane = (uint64_t)hash_field(ops, i, key);
            acc += lane * 14029467366897019727ULL;
            acc = (acc << 31) | (acc >> 33);
            acc *= 11400714785074694791ULL;
        }
        acc += (uint64_t)n ^ (2870177450012600261ULL ^ 3527539ULL);
        if (acc == (uint64_t)-1)
            return 1546275796;
        return (int64_t)acc;
    }
    }
}

int64_t
jp_ht_hash(const int32_t *layout, const void *key)
{
    int i = 0;
    return hash_field(key_ops(layout), &i, key);
}

static int
field_eq(const int32_t *ops, int *i, const char *a, const char *b)
{
    const int32_t *op = ops + *i;
    int eq = 1;
    *i += 3;
    switch (op[0]) {
    case JP_HK_FLOAT: return load_float(a + op[2], op[1]) == load_float(b + op[2], op[1]);
    case JP_HK_STR: return str_eq(*(jp_meminfo *const *)(a + op[2]), *(jp_meminfo *const *)(b + op[2]));
    case JP_HK_TUPLE:
        for (int k = 0; k < op[1]; k++)
            eq &= field_eq(ops, i, a, b);
        return eq;
    default: return memcmp(a + op[2], b + op[2], (size_t)op[1]) == 0;
    }
}

static int
key_eq(const jp_ht *h, const char *a, const char *b)
{
    int i = 0;
    if (h->fast_int64)
        return *(const int64_t *)a == *(const int64_t *)b;
    if (h->nkey == 1 && h->nkeyrefs == 1)       /* one string */
        return str_eq(*(jp_meminfo *const *)a, *(jp_meminfo *const *)b);
    return field_eq(key_ops(h->layout), &i, a, b);
}

static int64_t
hash_key(const jp_ht *h, const void *key)
{
    if (h->fast_int64)
        return jp_hash_int64(*(const int64_t *)key);
    if (h->nkey == 1 && h->nkeyrefs == 1)
        return jp_hash_str(*(jp_meminfo *const *)key);
    return jp_ht_hash(h->layout, key);
}

/* ---- the block -------------------------------------------------------------------- */

static char *
entry(const jp_ht *h, int64_t ix)
{
    return h->entries + ix * h->entrysize;
}

static void
release_value(const jp_ht *h, char *v)
{
    for (int k = 0; k < h->layout[JP_HL_NREFS]; k++)
        jp_nrt_decref(*(jp_meminfo **)(v + h->layout[JP_HL_REFS + k]));
}

static void
incref_value(const jp_ht *h, char *v)
{
    for (int k = 0; k < h->layout[JP_HL_NREFS]; k++)
        jp_nrt_incref(*(jp_meminfo **)(v + h->layout[JP_HL_REFS + k]));
}

static void
release_key(const jp_ht *h, char *k)
{
    for (int j = 0; j < h->nkeyrefs; j++)
        jp_nrt_decref(*(jp_meminfo **)(k + h->keyref_off[j]));
}

static void
incref_key(const jp_ht *h, char *k)
{
    for (int j = 0; j < h->nkeyrefs; j++)
        jp_nrt_incref(*(jp_meminfo **)(k + h->keyref_off[j]));
}

void
jp_ht_release_key(jp_meminfo *mi, void *key)
{
    release_key(mi->data, key);
}

void
jp_ht_incref_key(jp_meminfo *mi, void *key)
{
    incref_key(mi->data, key);
}

static void
release_all(jp_ht *h)
{
    if (h->layout[JP_HL_NREFS] || h->nkeyrefs)
        for (int64_t i = 0; i < h->nentries; i++)
            if (*(int64_t *)entry(h, i) != JP_HT_DELETED) {
                release_key(h, entry(h, i) + JP_HT_KEYOFF);
                release_value(h, entry(h, i) + h->layout[JP_HL_VALOFF]);
            }
}

static void
ht_dtor(void *data)
{
    jp_ht *h = data;
    release_all(h);
    free(h->entries);
    free(h->index);
}

/* Rebuild with room for `want` entries: live entries compacted in order. */
static int
resize(jp_ht *h, int64_t want)
{
    int64_t slots = 8, n = 0;
    int32_t *index;
    char *entries;
    while (slots * 2 / 3 < want)
        slots *= 2;
    if (slots > ((int64_t)1 << 31))
        return -1;      /* entry numbers are int32 (a compact index is cache friendly) */
    index = malloc((size_t)slots * sizeof *index);
    entries = malloc((size_t)(slots * 2 / 3 * h->entrysize));
    if (index == NULL || entries == NULL) {
        free(index);
        free(entries);
        return -1;
    }
    memset(index, 0xff, (size_t)slots * sizeof *index);        /* EMPTY */
    for (int64_t i = 0; i < h->nentries; i++) {
        const char *e = entry(h, i);
        uint64_t hash = (uint64_t)*(const int64_t *)e, perturb = hash;
        uint64_t j = hash & (uint64_t)(slots - 1);
        if ((int64_t)hash == JP_HT_DELETED)
            continue;
        while (index[j] != EMPTY) {
            perturb >>= 5;
            j = (j * 5 + perturb + 1) & (uint64_t)(slots - 1);
        }
        index[j] = (int32_t)n;
        memcpy(entries + n * h->entrysize, e, (size_t)h->entrysize);
        n++;
    }
    free(h->index);
    free(h->entries);
    h->index = index;
    h->entries = entries;
    h->mask = slots - 1;
    h->allocated = slots * 2 / 3;
    h->nentries = n;
    h->used = n;
    h->filled = n;
    return 0;
}

jp_meminfo *
jp_ht_new(const int32_t *layout)
{
    jp_meminfo *mi = jp_nrt_alloc_dtor((int64_t)sizeof(jp_ht), ht_dtor);
    jp_ht *h;
    int len = JP_HL_REFS + layout[JP_HL_NREFS];
    if (mi == NULL)
        return NULL;
    h = mi->data;
    /* the key's field triples follow the refs; count them to copy the layout */
    {
        int i = 0, pending = 1;
        const int32_t *ops = layout + len;
        while (pending > 0) {
            if (ops[i] == JP_HK_TUPLE)
                pending += ops[i + 1];
            pending--;
            i += 3;
        }
        h->nkey = i / 3;
        len += i;
    }
    memcpy(h->layout, layout, (size_t)len * sizeof *layout);
    h->entrysize = layout[JP_HL_ENTRYSIZE];
    {
        const int32_t *ops = key_ops(h->layout);
        h->fast_int64 = h->nkey == 1 && ops[0] == JP_HK_INT && ops[1] == 8;
        for (int j = 0; j < h->nkey; j++)
            if (ops[3 * j] == JP_HK_STR)
                h->keyref_off[h->nkeyrefs++] = ops[3 * j + 2];
    }
    if (resize(h, 0) < 0) {
        jp_nrt_decref(mi);
        return NULL;
    }
    return mi;
}

/* The entry number of key (hash hv), or -1; *slot: its index slot, or
 * where it would go. */
static int64_t
find(const jp_ht *h, const void *key, int64_t hv, int64_t *slot)
{
    uint64_t perturb = (uint64_t)hv, j = (uint64_t)hv & (uint64_t)h->mask;
    int64_t first_dummy = -1;
    for (;;) {
        int64_t ix = h->index[j];        /* int32 widened: EMPTY and DUMMY stay negative */
        if (ix == EMPTY) {
            *slot = first_dummy >= 0 ? first_dummy : (int64_t)j;
            return -1;
        }
        if (ix == DUMMY) {
            if (first_dummy < 0)
                first_dummy = (int64_t)j;
        } else {
            const char *e = entry(h, ix);
            if (*(const int64_t *)e == hv && key_eq(h, e + JP_HT_KEYOFF, key)) {
                *slot = (int64_t)j;
                return ix;
            }
        }
        perturb >>= 5;
        j = (j * 5 + perturb + 1) & (uint64_t)h->mask;
    }
}

char *
jp_ht_lookup(jp_meminfo *mi, const void *key)
{
    jp_ht *h = mi->data;
    int64_t slot, ix = find(h, key, hash_key(h, key), &slot);
    return ix < 0 ? NULL : entry(h, ix) + h->layout[JP_HL_VALOFF];
}

char *
jp_ht_slot(jp_meminfo *mi, const void *key, int64_t *is_new)
{
    jp_ht *h = mi->data;
    int64_t hv = hash_key(h, key), slot, ix = find(h, key, hv, &slot);
    char *e;
    if (ix >= 0) {
        *is_new = 0;
        return entry(h, ix) + h->layout[JP_HL_VALOFF];
    }
    if (h->nentries >= h->allocated || h->filled >= h->allocated) {
        if (resize(h, h->used * 3 + 1) < 0)
            return NULL;
        find(h, key, hv, &slot);
    }
    if (h->index[slot] == EMPTY)
        h->filled++;
    ix = h->nentries++;
    h->index[slot] = (int32_t)ix;
    e = entry(h, ix);
    memset(e, 0, (size_t)h->entrysize);
    *(int64_t *)e = hv;
    memcpy(e + JP_HT_KEYOFF, key, (size_t)h->layout[JP_HL_KEYSIZE]);
    incref_key(h, e + JP_HT_KEYOFF);        /* the caller keeps its own reference */
    h->used++;
    h->dirty = 1;
    *is_new = 1;
    return e + h->layout[JP_HL_VALOFF];
}

int64_t
jp_ht_set(jp_meminfo *mi, const void *key, const void *value)
{
    jp_ht *h = mi->data;
    int64_t is_new;
    char *v = jp_ht_slot(mi, key, &is_new);
    if (v == NULL)
        return -1;
    if (!is_new)
        release_value(h, v);
    memcpy(v, value, (size_t)h->layout[JP_HL_VALSIZE]);
    return 0;
}

/* key_out: the key's references move to the caller (popitem), else released */
static void
remove_at(jp_ht *h, int64_t slot, int64_t ix, void *out, int key_out)
{
    char *e = entry(h, ix), *v = e + h->layout[JP_HL_VALOFF];
    if (!key_out)
        release_key(h, e + JP_HT_KEYOFF);
    if (out)
        memcpy(out, v, (size_t)h->layout[JP_HL_VALSIZE]);
    else
        release_value(h, v);
    h->index[slot] = DUMMY;
    *(int64_t *)e = JP_HT_DELETED;
    h->used--;
    h->dirty = 1;
    /* trailing deleted entries go, so popitem and appends stay O(1) */
    while (h->nentries > 0 && *(int64_t *)entry(h, h->nentries - 1) == JP_HT_DELETED)
        h->nentries--;
}

int64_t
jp_ht_delete(jp_meminfo *mi, const void *key, void *out)
{
    jp_ht *h = mi->data;
    int64_t slot, ix = find(h, key, hash_key(h, key), &slot);
    if (ix < 0)
        return 0;
    remove_at(h, slot, ix, out, 0);
    return 1;
}

int64_t
jp_ht_popitem(jp_meminfo *mi, void *key, void *value)
{
    jp_ht *h = mi->data;
    int64_t ix = h->nentries - 1, slot;
    char *e;
    if (h->used == 0)
        return 0;
    e = entry(h, ix);       /* the last entry is live (remove_at trims) */
    memcpy(key, e + JP_HT_KEYOFF, (size_t)h->layout[JP_HL_KEYSIZE]);
    find(h, e + JP_HT_KEYOFF, *(int64_t *)e, &slot);
    remove_at(h, slot, ix, value, 1);
    return 1;
}

void
jp_ht_clear(jp_meminfo *mi)
{
    jp_ht *h = mi->data;
    release_all(h);
    h->nentries = 0;
    h->used = 0;
    h->filled = 0;
    h->dirty = 1;
    memset(h->index, 0xff, (size_t)(h->mask + 1) * sizeof *h->index);
}

jp_meminfo *
jp_ht_copy(jp_meminfo *mi)
{
    jp_ht *h = mi->data;
    jp_meminfo *out = jp_ht_new(h->layout);
    if (out == NULL)
        return NULL;
    if (jp_ht_update(out, mi) < 0) {
        jp_nrt_decref(out);
        return NULL;
    }
    return out;
}

int64_t
jp_ht_update(jp_meminfo *mi, jp_meminfo *other)
{
    jp_ht *src = other->data;
    for (int64_t i = 0; i < src->nentries; i++) {
        char *e = entry(src, i), *v = e + src->layout[JP_HL_VALOFF];
        if (*(int64_t *)e == JP_HT_DELETED)
            continue;
        incref_value(src, v);
        if (jp_ht_set(mi, e + JP_HT_KEYOFF, v) < 0) {
            release_value(src, v);
            return -1;
        }
    }
    return 0;
}

jp_meminfo *
jp_ht_to_list(jp_meminfo *mi, int64_t which, int64_t itemsize, int64_t voff, int64_t nrefs,
              const int32_t *ref_off)
{
    jp_ht *h = mi->data;
    jp_meminfo *lm = jp_list_new(itemsize, h->used, nrefs, ref_off);
    jp_list *l;
    if (lm == NULL)
        return NULL;
    l = lm->data;
    for (int64_t i = 0; i < h->nentries; i++) {
        char *e = entry(h, i), *item = l->items + l->size * itemsize;
        if (*(int64_t *)e == JP_HT_DELETED)
            continue;
        memset(item, 0, (size_t)itemsize);
        if (which & 1)
            memcpy(item, e + JP_HT_KEYOFF, (size_t)h->layout[JP_HL_KEYSIZE]);
        if (which & 2)
            memcpy(item + voff, e + h->layout[JP_HL_VALOFF], (size_t)h->layout[JP_HL_VALSIZE]);
        jp_list_incref_item(l, item);
        l->size++;
    }
    return lm;
}

/* ---- sets ------------------------------------------------------------------------- */

int64_t
jp_ht_add(jp_meminfo *mi, const void *key)
{
    int64_t is_new;
    return jp_ht_slot(mi, key, &is_new) == NULL ? -1 : is_new;
}

static int
has(jp_meminfo *mi, const char *key)
{
    return jp_ht_lookup(mi, key) != NULL;
}

int64_t
jp_ht_setop_inplace(jp_meminfo *a, jp_meminfo *b, int64_t op)
{
    jp_ht *ha = a->data, *hb = b->data;
    if (op == 1) {          /* a &= b: drop what b lacks */
        for (int64_t i = 0; i < ha->nentries; i++) {
            char *e = entry(ha, i);
            if (*(int64_t *)e != JP_HT_DELETED && !has(b, e + JP_HT_KEYOFF))
                jp_ht_delete(a, e + JP_HT_KEYOFF, NULL);
        }
        return 0;
    }
    if (a == b) {
        if (op != 0)        /* a -= a, a ^= a */
            jp_ht_clear(a);
        return 0;
    }
    for (int64_t i = 0; i < hb->nentries; i++) {
        char *e = entry(hb, i), *k = e + JP_HT_KEYOFF;
        if (*(int64_t *)e == JP_HT_DELETED)
            continue;
        if (op == 2 || (op == 3 && has(a, k)))
            jp_ht_delete(a, k, NULL);
        else if (jp_ht_add(a, k) < 0)
            return -1;
    }
    return 0;
}

jp_meminfo *
jp_ht_setop(jp_meminfo *a, jp_meminfo *b, int64_t op)
{
    jp_meminfo *r = jp_ht_copy(a);
    if (r == NULL)
        return NULL;
    if (jp_ht_setop_inplace(r, b, op) < 0) {
        jp_nrt_decref(r);
        return NULL;
    }
    ((jp_ht *)r->data)->dirty = 0;
    return r;
}

/* ---- KeyError's text ------------------------------------------------------------ */

/* Python's repr of a float: the shortest digits that read back, in fixed
 * notation for exponents -4..15, else scientific. */
static int
float_repr(char *out, size_t size, double v)
{
    char buf[40], digits[24];
    int prec, exp, nd = 0;
    if (isnan(v))
        return snprintf(out, size, "nan");
    if (isinf(v))
        return snprintf(out, size, v > 0 ? "inf" : "-inf");
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    {
        const char *p = buf;
        char *ep = strchr(buf, 'e');
        int neg = *p == '-';
        if (neg)
            p++;
        for (; p < ep; p++)
            if (*p != '.')
                digits[nd++] = *p;
        digits[nd] = '\0';
        exp = atoi(ep + 1);
        while (nd > 1 && digits[nd - 1] == '0')
            digits[--nd] = '\0';
        if (exp >= -4 && exp < 16) {
            char *o = out;
            size_t left = size;
            int w;
#define PUT(...) do { w = snprintf(o, left, __VA_ARGS__); if (w < 0 || (size_t)w >= left) return -1; o += w; left -= (size_t)w; } while (0)
            if (neg)
                PUT("-");
            if (exp < 0) {
                PUT("0.");
                for (int k = 0; k < -exp - 1; k++)
                    PUT("0");
                PUT("%s", digits);
            } else {
                for (int k = 0; k <= exp; k++)
                    PUT("%c", k < nd ? digits[k] : '0');
                PUT(".");
                if (nd > exp + 1)
                    PUT("%s", digits + exp + 1);
                else
                    PUT("0");
            }
#undef PUT
            return (int)(o - out);
        }
        if (nd == 1)
            return snprintf(out, size, "%s%ce%c%02d", neg ? "-" : "", digits[0], exp < 0 ? '-' : '+', abs(exp));
        return snprintf(out, size, "%s%c.%se%c%02d", neg ? "-" : "", digits[0], digits + 1, exp < 0 ? '-' : '+',
                        abs(exp));
    }
}

/* A string's text as UTF-8 into out (quoted, as repr() writes it, when
 * quote), cut short when out is full. */
static void
str_text(jp_meminfo *mi, char *out, size_t size, int quote)
{
    jp_str *s = mi->data;
    size_t k = 0;
    char ch[8];
    for (int64_t i = -quote; i <= s->length - 1 + quote; i++) {
        uint32_t c = i < 0 || i == s->length ? '\'' : s->data[i];
        int n = 0;
        if (quote && i >= 0 && i < s->length && (c == '\'' || c == '\\'))
            ch[n++] = '\\';
        if (c < 0x80) {
            ch[n++] = (char)c;
        } else if (c < 0x800) {
            ch[n++] = (char)(0xC0 | (c >> 6));
            ch[n++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            ch[n++] = (char)(0xE0 | (c >> 12));
            ch[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
            ch[n++] = (char)(0x80 | (c & 0x3F));
        } else {
            ch[n++] = (char)(0xF0 | (c >> 18));
            ch[n++] = (char)(0x80 | ((c >> 12) & 0x3F));
            ch[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
            ch[n++] = (char)(0x80 | (c & 0x3F));
        }
        if (k + (size_t)n + 1 > size)
            break;
        memcpy(out + k, ch, (size_t)n);
        k += (size_t)n;
    }
    if (size)
        out[k] = '\0';
}

static void
repr_field(const int32_t *ops, int *i, const char *key, char *out, size_t size)
{
    const int32_t *op = ops + *i;
    size_t len;
    *i += 3;
    switch (op[0]) {
    case JP_HK_INT: snprintf(out, size, "%lld", (long long)load_int(key + op[2], op[1], 1)); return;
    case JP_HK_UINT:
        snprintf(out, size, "%llu", op[1] == 8 ? (unsigned long long)*(const uint64_t *)(key + op[2])
                                               : (unsigned long long)load_int(key + op[2], op[1], 0));
        return;
    case JP_HK_BOOL: snprintf(out, size, *(const uint8_t *)(key + op[2]) ? "True" : "False"); return;
    case JP_HK_FLOAT: float_repr(out, size, load_float(key + op[2], op[1])); return;
    case JP_HK_STR: str_text(*(jp_meminfo *const *)(key + op[2]), out, size, 1); return;
    default:
        snprintf(out, size, "(");
        for (int k = 0; k < op[1]; k++) {
            len = strlen(out);
            if (k)
                snprintf(out + len, size - len, ", ");
            len = strlen(out);
            repr_field(ops, i, key, out + len, size - len);
        }
        len = strlen(out);
        snprintf(out + len, size - len, op[1] == 1 ? ",)" : ")");
    }
}

static __thread char key_message[512];

const char *
jp_ht_key_message(jp_meminfo *mi, const void *key)
{
    jp_ht *h = mi->data;
    int i = 0;
    if (key_ops(h->layout)[0] == JP_HK_STR)       /* KeyError('k') as CPython raises it */
        str_text(*(jp_meminfo *const *)key, key_message, sizeof key_message, 0);
    else
        repr_field(key_ops(h->layout), &i, key, key_message, sizeof key_message);
    return key_message;
}

#define SYM(fn) {#fn, (void *)fn}

const jp_runtime_symbol jp_ht_runtime_symbols[] = {
    SYM(jp_ht_new), SYM(jp_ht_lookup), SYM(jp_ht_set), SYM(jp_ht_slot), SYM(jp_ht_delete),
    SYM(jp_ht_popitem), SYM(jp_ht_clear), SYM(jp_ht_copy), SYM(jp_ht_update), SYM(jp_ht_to_list),
    SYM(jp_ht_hash), SYM(jp_hash_int64), SYM(jp_hash_uint64), SYM(jp_hash_double), SYM(jp_ht_key_message),
    SYM(jp_ht_add), SYM(jp_ht_setop), SYM(jp_ht_setop_inplace), SYM(jp_hash_str),
    {NULL, NULL},
};
