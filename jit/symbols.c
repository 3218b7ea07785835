/* jit/symbols.c - the JIT symbol registry (see symbols.h).
 *
 * Entries live in fixed-size chunks that are allocated once and never freed,
 * so a reader that loaded `count` can index any entry below it without a lock.
 * Reclaimed slots go on a free list and are reused; their code range is
 * rewritten under the entry's sequence count.  Writers are serialised by
 * the GIL (all compiles and deallocations happen under it).
 */
#include "jit/symbols.h"
#include "jit/symbols_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK_BITS 8
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define MAX_CHUNKS 4096

static jp_jit_symbol *chunks[MAX_CHUNKS];
static size_t count;            /* published with release, read with acquire */
static FILE *perf_map;
static int perf_map_checked;

static size_t *free_slots;      /* reclaimed slot indices (a stack) */
static size_t n_free, cap_free;
static size_t n_live;
static size_t *captured;        /* jp_symbols_capture_begin/end */
static int n_captured, cap_captured, capturing;
static uint64_t epoch;          /* counts retirements */
static uint64_t generation;     /* counts reclaims */
static int readers;             /* running samplers */
static uint64_t drained_epoch;  /* the epoch at the start of their last drain */
static size_t n_retired;
static void (*reclaim_hook)(void);

/* start/end under the entry's sequence count (seqlock, one writer) */
static void
set_range(jp_jit_symbol *sym, uintptr_t start, uintptr_t end)
{
    unsigned seq = __atomic_load_n(&sym->seq, __ATOMIC_RELAXED);
    __atomic_store_n(&sym->seq, seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&sym->start, start, __ATOMIC_RELAXED);
    __atomic_store_n(&sym->end, end, __ATOMIC_RELAXED);
    __atomic_store_n(&sym->seq, seq + 2, __ATOMIC_RELEASE);
}

static char *
dup_string(const char *s)
{
    return strdup(s ? s : "");
}

static void
write_perf_map(const jp_jit_symbol *sym)
{
    if (!perf_map_checked) {
        const char *env = getenv("JITPROFILE_PERF_MAP");
        perf_map_checked = 1;
        if (env && env[0] == '1') {
            char path[64];
            snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
            perf_map = fopen(path, "a");
        }
    }
    if (perf_map) {
        fprintf(perf_map, "%lx %lx %s\n", (unsigned long)sym->start,
                (unsigned long)(sym->end - sym->start), sym->display);
        fflush(perf_map);
    }
}

static int
add_symbol(uintptr_t start, uintptr_t end, const char *name,
           const char *signature, const char *filename, int first_line,
           const jp_line_span *lines, int n_lines, int is_trampoline)
{
    size_t n = __atomic_load_n(&count, __ATOMIC_RELAXED);
    size_t ci = n >> CHUNK_BITS, slot = n;
    int reuse = n_free > 0;
    jp_jit_symbol *sym;
    jp_line_span *table = NULL;
    char *display = NULL;
    size_t dlen;

    if (capturing && n_captured == cap_captured) {
        int cap = cap_captured ? 2 * cap_captured : 16;
        size_t *grown = realloc(captured, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        captured = grown;
        cap_captured = cap;
    }
    if (reuse) {
        slot = free_slots[n_free - 1];
        sym = &chunks[slot >> CHUNK_BITS][slot & (CHUNK_SIZE - 1)];
    } else {
        if (ci >= MAX_CHUNKS)
            return -1;
        if (chunks[ci] == NULL) {
            chunks[ci] = calloc(CHUNK_SIZE, sizeof(jp_jit_symbol));
            if (chunks[ci] == NULL)
                return -1;
        }
        sym = &chunks[ci][n & (CHUNK_SIZE - 1)];
    }

    if (n_lines > 0) {
        table = malloc((size_t)n_lines * sizeof *table);
        if (table == NULL)
            return -1;
        memcpy(table, lines, (size_t)n_lines * sizeof *table);
    }
    dlen = strlen(name) + strlen(signature) + 16;
    display = malloc(dlen);
    if (display == NULL)
        goto fail;
    {
        /* "name [jit a,b,c]": the signature without the spaces */
        char *p = display + snprintf(display, dlen, "%s [jit ", name);
        for (const char *s = signature; *s; s++)
            if (*s != ' ')
                *p++ = *s;
        *p++ = ']';
        *p = '\0';
    }
    {
        /* a reused slot is not findable (range 0) until set_range below */
        char *nm = dup_string(name), *sg = dup_string(signature), *fl = dup_string(filename);
        if (!nm || !sg || !fl) {
            free(nm);
            free(sg);
            free(fl);
            goto fail;
        }
        sym->name = nm;
        sym->signature = sg;
        sym->filename = fl;
    }
    sym->display = display;
    sym->first_line = first_line;
    sym->n_lines = n_lines;
    sym->lines = table;
    sym->is_trampoline = is_trampoline;
    sym->retired = 0;
    sym->retired_at = 0;
    if (reuse) {
        n_free--;
        set_range(sym, start, end);
        jp_symindex_rebuild();          /* the slot's old range is in the index */
    } else {
        sym->start = start;
        sym->end = end;
        __atomic_store_n(&count, n + 1, __ATOMIC_RELEASE);
        jp_symindex_update(n + 1);
    }
    n_live++;
    if (capturing)
        captured[n_captured++] = slot;
    write_perf_map(sym);
    return 0;

fail:
    free(table);
    free(display);
    return -1;
}

int
jp_symbols_add(uintptr_t start, uintptr_t end, const char *name,
               const char *signature, const char *filename, int first_line,
               const jp_line_span *lines, int n_lines)
{
    return add_symbol(start, end, name, signature, filename, first_line,
                      lines, n_lines, 0);
}

int
jp_symbols_add_trampoline(uintptr_t start, uintptr_t end, const char *name,
                          const char *signature, const char *filename,
                          int first_line, const jp_line_span *lines, int n_lines)
{
    return add_symbol(start, end, name, signature, filename, first_line,
                      lines, n_lines, 1);
}

size_t
jp_symbols_count(void)
{
    return __atomic_load_n(&count, __ATOMIC_ACQUIRE);
}

const jp_jit_symbol *
jp_symbols_at(size_t i)
{
    return &chunks[i >> CHUNK_BITS][i & (CHUNK_SIZE - 1)];
}

int
jp_symbols_contains(const jp_jit_symbol *sym, uintptr_t ip)
{
    unsigned seq = __atomic_load_n(&sym->seq, __ATOMIC_ACQUIRE);
    uintptr_t start, end;
    if (seq & 1)
        return 0;               /* being rewritten: not a match */
    start = __atomic_load_n(&sym->start, __ATOMIC_RELAXED);
    end = __atomic_load_n(&sym->end, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (__atomic_load_n(&sym->seq, __ATOMIC_RELAXED) != seq)
        return 0;
    return ip >= start && ip < end;
}

const jp_jit_symbol *
jp_symbols_find(uintptr_t ip)
{
    return jp_symindex_find(ip);    /* O(log n): symbols_index.c */
}

size_t
jp_symbols_live(void)
{
    return n_live;
}

void
jp_symbols_capture_begin(void)
{
    n_captured = 0;
    capturing = 1;
}

size_t *
jp_symbols_capture_end(int *n)
{
    size_t *ids = NULL;
    *n = 0;
    capturing = 0;
    if (n_captured > 0 && (ids = malloc((size_t)n_captured * sizeof *ids)) != NULL) {
        memcpy(ids, captured, (size_t)n_captured * sizeof *ids);
        *n = n_captured;
    }
    n_captured = 0;
    return ids;
}

uint64_t
jp_symbols_retire(size_t id)
{
    jp_jit_symbol *sym;
    if (id >= jp_symbols_count())
        return epoch;
    sym = &chunks[id >> CHUNK_BITS][id & (CHUNK_SIZE - 1)];
    if (sym->retired || sym->start == 0)
        return epoch;
    sym->retired = 1;
    sym->retired_at = ++epoch;
    n_retired++;
    return epoch;
}

int
jp_symbols_safe(uint64_t at)
{
    return readers == 0 || drained_epoch >= at;
}

void
jp_symbols_reclaim(void)
{
    size_t n = jp_symbols_count();
    int any = 0;
    if (n_retired == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        jp_jit_symbol *sym = &chunks[i >> CHUNK_BITS][i & (CHUNK_SIZE - 1)];
        if (!sym->retired || !jp_symbols_safe(sym->retired_at))
            continue;
        if (n_free == cap_free) {
            size_t cap = cap_free ? 2 * cap_free : 64;
            size_t *grown = realloc(free_slots, cap * sizeof *grown);
            if (grown == NULL)
                return;         /* stays retired; tried again next time */
            free_slots = grown;
            cap_free = cap;
        }
        set_range(sym, 0, 0);
        free((void *)sym->name);
        free((void *)sym->signature);
        free((void *)sym->display);
        free((void *)sym->filename);
        free((void *)sym->lines);
        sym->name = sym->signature = sym->display = sym->filename = NULL;
        sym->lines = NULL;
        sym->n_lines = 0;
        sym->retired = 0;
        free_slots[n_free++] = i;
        n_live--;
        n_retired--;
        any = 1;
    }
    if (any) {
        jp_symindex_rebuild();          /* drop the reclaimed ranges */
        __atomic_store_n(&generation, generation + 1, __ATOMIC_RELEASE);
    }
}

uint64_t
jp_symbols_epoch(void)
{
    return epoch;
}

uint64_t
jp_symbols_generation(void)
{
    return __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
}

void
jp_symbols_reader_begin(void)
{
    if (readers++ == 0)
        drained_epoch = epoch;  /* a new sampler holds no older samples */
}

void
jp_symbols_set_reclaim_hook(void (*hook)(void))
{
    reclaim_hook = hook;
}

void
jp_symbols_reader_drained(uint64_t at)
{
    if (at > drained_epoch)
        drained_epoch = at;
    if (n_retired > 0 && reclaim_hook)
        reclaim_hook();
}

void
jp_symbols_reader_end(void)
{
    if (readers > 0)
        readers--;
    if (n_retired > 0 && reclaim_hook)
        reclaim_hook();
}

static int
span_of(const jp_jit_symbol *sym, uintptr_t ip)
{
    uint32_t off = (uint32_t)(ip - sym->start);
    int lo = 0, hi = sym->n_lines - 1, best = -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (sym->lines[mid].code_offset <= off) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return best;
}

int
jp_symbols_line(const jp_jit_symbol *sym, uintptr_t ip)
{
    int span = span_of(sym, ip);
    return span >= 0 ? (int)sym->lines[span].line : sym->first_line;
}

uint32_t
jp_symbols_inlined(const jp_jit_symbol *sym, uintptr_t ip)
{
    int span = span_of(sym, ip);
    return span >= 0 ? sym->lines[span].inlined : 0;
}

void
jp_symbols_readers_forget(void)
{
    readers = 0;                /* what was retired is freed at the next reap */
}
