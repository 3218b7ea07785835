/* tests/c/test_symbols.c - unit test of the JIT symbol registry
 * (jit/symbols.c): add/find, line lookup, the display string, range and
 * chunk boundaries, copying of inputs, the perf map file, and removal
 * (retire while a sampler may hold samples, reclaim after its drain, slot
 * reuse).
 *
 * Run without arguments it checks the registry and that no perf map is
 * written (meson runs it with JITPROFILE_PERF_MAP=0).  Run with --perf-map
 * (meson sets JITPROFILE_PERF_MAP=1) it also checks /tmp/perf-<pid>.map.
 * No Python is involved: symbols.c is compiled straight into this program.
 */
#include "jit/symbols.h"
#include "jit/symbols_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;
#define MAX_REPORTS 20   /* print the first few failures only */

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond) && failures++ < MAX_REPORTS)                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                      \
    } while (0)

#define CHECK_STR(a, b)                                                    \
    do {                                                                   \
        const char *a_ = (a), *b_ = (b);                                   \
        if ((a_ == NULL || strcmp(a_, b_) != 0)                            \
            && failures++ < MAX_REPORTS)                                   \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s is \"%s\", "      \
                    "expected \"%s\"\n", __FILE__, __LINE__, #a,           \
                    a_ ? a_ : "(null)", b_);                               \
    } while (0)

/* Fake code ranges: the registry never dereferences them. */
#define MANDEL_START ((uintptr_t)0x10000)
#define MANDEL_END   ((uintptr_t)0x10400)
#define ADD_START    MANDEL_END          /* adjacent to mandel */
#define ADD_END      ((uintptr_t)0x10440)
#define BULK_BASE    ((uintptr_t)0x100000)
#define BULK_SIZE    ((uintptr_t)0x40)
#define BULK_COUNT   600                 /* > 2 chunks of 256 */

static void
test_empty(void)
{
    CHECK(jp_symbols_count() == 0);
    CHECK(jp_symbols_find(MANDEL_START) == NULL);
    CHECK(jp_symbols_find(0) == NULL);
}

static void
test_add_and_find(void)
{
    /* caller-owned buffers, overwritten after the add to prove copying */
    char name[] = "mandel";
    char sig[] = "float64, float64, int64";
    char file[] = "/src/mandel.py";
    jp_line_span lines[] = {{0x10, 3, 0}, {0x40, 4, 0}, {0x80, 6, 0}, {0x200, 7, 0}};
    const jp_jit_symbol *sym;

    CHECK(jp_symbols_add(MANDEL_START, MANDEL_END, name, sig, file, 1,
                         lines, 4) == 0);
    memset(name, 'X', sizeof name - 1);
    memset(sig, 'X', sizeof sig - 1);
    memset(file, 'X', sizeof file - 1);
    lines[0].line = 999;

    CHECK(jp_symbols_count() == 1);
    sym = jp_symbols_at(0);
    CHECK(sym->start == MANDEL_START);
    CHECK(sym->end == MANDEL_END);
    CHECK_STR(sym->name, "mandel");
    CHECK_STR(sym->signature, "float64, float64, int64");
    CHECK_STR(sym->display, "mandel [jit float64,float64,int64]");
    CHECK_STR(sym->filename, "/src/mandel.py");
    CHECK(sym->first_line == 1);
    CHECK(sym->n_lines == 4);
    CHECK(sym->lines != lines);
    CHECK(sym->lines[0].line == 3);

    /* range boundaries: start inclusive, end exclusive */
    CHECK(jp_symbols_find(MANDEL_START) == sym);
    CHECK(jp_symbols_find(MANDEL_START + 0x123) == sym);
    CHECK(jp_symbols_find(MANDEL_END - 1) == sym);
    CHECK(jp_symbols_find(MANDEL_START - 1) == NULL);
    CHECK(jp_symbols_find(MANDEL_END) == NULL);
}

static void
test_lines(void)
{
    const jp_jit_symbol *sym = jp_symbols_find(MANDEL_START);

    CHECK(sym != NULL);
    if (sym == NULL)
        return;
    /* before the first span: the def line */
    CHECK(jp_symbols_line(sym, MANDEL_START) == 1);
    CHECK(jp_symbols_line(sym, MANDEL_START + 0x0f) == 1);
    /* a span starts exactly at its offset and runs to the next one */
    CHECK(jp_symbols_line(sym, MANDEL_START + 0x10) == 3);
    CHECK(jp_symbols_line(sym, MANDEL_START + 0x3f) == 3);
    CHECK(jp_symbols_line(sym, MANDEL_START + 0x40) == 4);
    CHECK(jp_symbols_line(sym, MANDEL_START + 0x7f) == 4);
    CHECK(jp_symbols_line(sym, MANDEL_START + 0x80) == 6);
    CHECK(jp_symbols_line(sym, MANDEL_START + 0x1ff) == 6);
    /* the last span runs to the end of the code */
    CHECK(jp_symbols_line(sym, MANDEL_START + 0x200) == 7);
    CHECK(jp_symbols_line(sym, MANDEL_END - 1) == 7);
}

static void
test_adjacent_and_odd_inputs(void)
{
    const jp_jit_symbol *add, *mandel;

    /* adjacent range, no line table, spaces-free and empty pieces */
    CHECK(jp_symbols_add(ADD_START, ADD_END, "add", "int64,int64",
                         "/src/add.py", 10, NULL, 0) == 0);
    CHECK(jp_symbols_count() == 2);
    add = jp_symbols_at(1);
    mandel = jp_symbols_at(0);
    CHECK_STR(add->display, "add [jit int64,int64]");
    CHECK(jp_symbols_find(MANDEL_END - 1) == mandel);
    CHECK(jp_symbols_find(ADD_START) == add);
    CHECK(jp_symbols_find(ADD_END - 1) == add);
    CHECK(jp_symbols_find(ADD_END) == NULL);
    CHECK(add->n_lines == 0);
    CHECK(jp_symbols_line(add, ADD_START) == 10);
    CHECK(jp_symbols_line(add, ADD_END - 1) == 10);

    /* no arguments: empty signature; NULL filename becomes "" */
    CHECK(jp_symbols_add(0x20000, 0x20010, "noargs", "", NULL, 5, NULL,
                         0) == 0);
    CHECK_STR(jp_symbols_at(2)->display, "noargs [jit ]");
    CHECK_STR(jp_symbols_at(2)->filename, "");

    /* nested types keep their commas and parentheses, lose their spaces */
    CHECK(jp_symbols_add(0x20010, 0x20020, "outer.<locals>.inner",
                         "UniTuple(float64, 3), array(float64, 2d, C)",
                         "/src/t.py", 2, NULL, 0) == 0);
    CHECK_STR(jp_symbols_at(3)->display,
              "outer.<locals>.inner [jit UniTuple(float64,3),"
              "array(float64,2d,C)]");
    CHECK(jp_symbols_count() == 4);
}

static void
test_many_chunks(void)
{
    size_t before = jp_symbols_count();
    char name[32];

    for (int i = 0; i < BULK_COUNT; i++) {
        uintptr_t start = BULK_BASE + (uintptr_t)i * BULK_SIZE;
        jp_line_span span = {0x8, (uint32_t)(100 + i), 0};
        snprintf(name, sizeof name, "f%d", i);
        if (jp_symbols_add(start, start + BULK_SIZE, name, "float64",
                           "/src/bulk.py", 99, &span, 1) != 0) {
            CHECK(!"jp_symbols_add failed in bulk");
            return;
        }
    }
    CHECK(jp_symbols_count() == before + BULK_COUNT);
    /* earlier entries did not move when later chunks were added */
    CHECK_STR(jp_symbols_at(0)->name, "mandel");
    /* every entry, on both sides of each chunk boundary, is found */
    for (int i = 0; i < BULK_COUNT; i++) {
        uintptr_t start = BULK_BASE + (uintptr_t)i * BULK_SIZE;
        const jp_jit_symbol *first = jp_symbols_find(start);
        const jp_jit_symbol *last = jp_symbols_find(start + BULK_SIZE - 1);
        snprintf(name, sizeof name, "f%d", i);
        CHECK(first != NULL && first == last);
        if (first == NULL)
            continue;
        CHECK_STR(first->name, name);
        CHECK(first == jp_symbols_at(before + (size_t)i));
        CHECK(jp_symbols_line(first, start) == 99);
        CHECK(jp_symbols_line(first, start + 8) == 100 + i);
    }
    CHECK(jp_symbols_find(BULK_BASE + BULK_COUNT * BULK_SIZE) == NULL);
    CHECK(jp_symbols_find(BULK_BASE - 1) == NULL);
}

/* Symbols registered out of address order (as JIT memory is handed out)
 * are all found through the index, and every gap between them misses; the
 * last few, not yet indexed, are found too.  Each lookup is O(log n): the
 * sampler does one per native frame inside its signal handler. */
#define SCATTER_BASE ((uintptr_t)0x40000000)
#define SCATTER_N 3001
static void
test_scattered_index(void)
{
    size_t before = jp_symbols_count();
    for (size_t k = 0; k < SCATTER_N; k++) {
        size_t slot = (k * 1237) % SCATTER_N;     /* a permutation */
        uintptr_t a = SCATTER_BASE + slot * 0x100;
        CHECK(jp_symbols_add(a, a + 0x80, "s", "int64", "f.py", 1, NULL, 0) == 0);
    }
    CHECK(jp_symbols_count() == before + SCATTER_N);
    for (size_t slot = 0; slot < SCATTER_N; slot++) {
        uintptr_t a = SCATTER_BASE + slot * 0x100;
        const jp_jit_symbol *s = jp_symbols_find(a + 0x7f);
        CHECK(s != NULL && s->start == a && s->end == a + 0x80);
        CHECK(jp_symbols_find(a) == s);
        CHECK(jp_symbols_find(a + 0x80) == NULL);   /* the gap after it */
    }
    CHECK(jp_symbols_find(SCATTER_BASE - 1) == NULL);
    CHECK(jp_symbols_find(SCATTER_BASE + SCATTER_N * 0x100) == NULL);
    {
        /* a miss and a hit look at O(log n) entries, not all of them (a
         * linear scan made each sampled frame cost n compares: item 21) */
        size_t probes = 0, n = jp_symbols_count();
        CHECK(jp_symindex_find_counted(0x7, &probes) == NULL);
        CHECK(probes <= 2 * 13 + 16 + 4);
        CHECK(jp_symindex_find_counted(SCATTER_BASE + 0x10, &probes) != NULL);
        CHECK(probes <= 2 * 13 + 16 + 4);
        CHECK(n >= SCATTER_N);
    }
}

/* The perf map must hold one "start size display" line per symbol, in
 * order of registration, both numbers in lowercase hex without 0x. */
static void
test_perf_map(int expect_map)
{
    char path[64], line[256], want[256];
    size_t n = jp_symbols_count(), seen = 0;
    FILE *f;

    snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
    f = fopen(path, "r");
    if (!expect_map) {
        CHECK(f == NULL);
        if (f)
            fclose(f);
        return;
    }
    CHECK(f != NULL);
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f)) {
        const jp_jit_symbol *sym;
        if (seen >= n) {
            CHECK(!"more perf map lines than symbols");
            break;
        }
        sym = jp_symbols_at(seen++);
        snprintf(want, sizeof want, "%lx %lx %s\n", (unsigned long)sym->start,
                 (unsigned long)(sym->end - sym->start), sym->display);
        CHECK_STR(line, want);
    }
    fclose(f);
    CHECK(seen == n);
    /* spot-check the first line literally */
    snprintf(want, sizeof want, "10000 400 mandel [jit float64,float64,int64]\n");
    f = fopen(path, "r");
    if (f && fgets(line, sizeof line, f))
        CHECK_STR(line, want);
    if (f)
        fclose(f);
    unlink(path);
}

static int reclaim_calls;

static void
count_reclaim(void)
{
    reclaim_calls++;
}

/* Retire keeps an entry findable, with its names, until the sampler that
 * started before has drained; reclaim then frees it and reuses its slot. */
static void
test_retire_and_reclaim(void)
{
    const uintptr_t a = 0x900000, b = 0x901000;
    size_t slots, live, *ids;
    int n;
    uint64_t gen, at;
    const jp_jit_symbol *sym;

    jp_symbols_set_reclaim_hook(count_reclaim);
    jp_symbols_capture_begin();
    CHECK(jp_symbols_add(a, a + 0x100, "old", "int64", "<cell-1>", 1, NULL, 0) == 0);
    ids = jp_symbols_capture_end(&n);
    CHECK(n == 1 && ids != NULL);
    if (ids == NULL)
        return;
    slots = jp_symbols_count();
    live = jp_symbols_live();
    gen = jp_symbols_generation();

    jp_symbols_reader_begin();                  /* a sampler runs */
    at = jp_symbols_retire(ids[0]);
    CHECK(!jp_symbols_safe(at));
    jp_symbols_reclaim();                       /* not yet: samples may wait */
    sym = jp_symbols_find(a + 0x10);
    CHECK(sym != NULL);
    if (sym)
        CHECK_STR(sym->display, "old [jit int64]");
    CHECK(jp_symbols_live() == live);
    CHECK(jp_symbols_generation() == gen);

    jp_symbols_reader_drained(at - 1);          /* a drain that began before */
    CHECK(!jp_symbols_safe(at));
    CHECK(reclaim_calls == 1);                  /* the owner is told to try */
    jp_symbols_reader_drained(at);              /* one that began after */
    CHECK(jp_symbols_safe(at));
    jp_symbols_reclaim();
    CHECK(jp_symbols_find(a + 0x10) == NULL);
    CHECK(jp_symbols_live() == live - 1);
    CHECK(jp_symbols_generation() == gen + 1);

    /* the free slot is reused: no growth */
    CHECK(jp_symbols_add(b, b + 0x80, "new", "float64", "<cell-2>", 1, NULL, 0) == 0);
    CHECK(jp_symbols_count() == slots);
    sym = jp_symbols_find(b);
    CHECK(sym == jp_symbols_at(ids[0]));
    if (sym)
        CHECK_STR(sym->display, "new [jit float64]");
    CHECK(sym && (sym->seq & 1) == 0);

    /* no sampler: a retirement is safe at once */
    jp_symbols_reader_end();
    at = jp_symbols_retire(ids[0]);
    CHECK(jp_symbols_safe(at));
    jp_symbols_reclaim();
    CHECK(jp_symbols_find(b) == NULL);
    CHECK(jp_symbols_live() == live - 1);
    free(ids);
    jp_symbols_set_reclaim_hook(NULL);
}

int
main(int argc, char **argv)
{
    int expect_map = argc > 1 && strcmp(argv[1], "--perf-map") == 0;
    const char *env = getenv("JITPROFILE_PERF_MAP");

    if (expect_map && !(env && env[0] == '1')) {
        fprintf(stderr, "--perf-map needs JITPROFILE_PERF_MAP=1\n");
        return 2;
    }
    if (!expect_map && env && env[0] == '1') {
        fprintf(stderr, "run without --perf-map needs JITPROFILE_PERF_MAP "
                "unset or 0\n");
        return 2;
    }
    {
        /* a stale map left by an earlier process with our pid */
        char path[64];
        snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
        unlink(path);
    }
    test_empty();
    test_add_and_find();
    test_lines();
    test_adjacent_and_odd_inputs();
    test_many_chunks();
    test_scattered_index();
    test_perf_map(expect_map);
    test_retire_and_reclaim();
    if (failures) {
        fprintf(stderr, "test_symbols: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_symbols%s: all checks passed (%zu symbols)\n",
           expect_map ? " --perf-map" : "", jp_symbols_count());
    return 0;
}
