/* jit/symbols.c - the append-only JIT symbol registry (see symbols.h).
 *
 * Entries live in fixed-size chunks that are allocated once and never freed,
 * so a reader that loaded `count` can index any entry below it without a lock.
 * Writers are serialised by the GIL (all compiles happen under it).
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
    size_t ci = n >> CHUNK_BITS;
    jp_jit_symbol *sym;
    jp_line_span *table = NULL;
    char *display = NULL;
    size_t dlen;

    if (ci >= MAX_CHUNKS)
        return -1;
    if (chunks[ci] == NULL) {
        chunks[ci] = calloc(CHUNK_SIZE, sizeof(jp_jit_symbol));
        if (chunks[ci] == NULL)
            return -1;
    }
    sym = &chunks[ci][n & (CHUNK_SIZE - 1)];

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
    sym->start = start;
    sym->end = end;
    sym->name = dup_string(name);
    sym->signature = dup_string(signature);
    sym->display = display;
    sym->filename = dup_string(filename);
    sym->first_line = first_line;
    sym->n_lines = n_lines;
    sym->lines = table;
    sym->is_trampoline = is_trampoline;
    if (!sym->name || !sym->signature || !sym->filename)
        return -1;              /* leaks a few bytes once, never publishes */
    __atomic_store_n(&count, n + 1, __ATOMIC_RELEASE);
    jp_symindex_update(n + 1);
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

const jp_jit_symbol *
jp_symbols_find(uintptr_t ip)
{
    return jp_symindex_find(ip);    /* O(log n): symbols_index.c */
}

int
jp_symbols_line(const jp_jit_symbol *sym, uintptr_t ip)
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
    return best >= 0 ? (int)sym->lines[best].line : sym->first_line;
}
