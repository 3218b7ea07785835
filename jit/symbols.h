/* jit/symbols.h - the JIT symbol registry: the contract between the JIT and
 * the sampler.
 *
 * Every compiled function registers its code range, its names and its Python
 * line table here.  Entries live in chunks that are never moved or freed, so
 * readers need no lock.  jp_symbols_find() is async-signal-safe: it only
 * reads memory published with release/acquire atomics, and each entry's code
 * range is guarded by a sequence count (odd while a writer changes it), so a
 * signal handler that interrupts a writer sees either no match or a whole
 * range, never half of one.
 *
 * Removal (code freed when its dispatcher dies) is two-step, so that a
 * sampler can still name samples it took before:
 *   1. jp_symbols_retire(id): the entry stays findable, with its names;
 *   2. jp_symbols_reclaim(): entries retired before the last drain of every
 *      running sampler (or any, when none runs) lose their range, their
 *      strings are freed and their slot is reused.  The code's owner frees
 *      the machine code at the same point (jp_symbols_safe tells it when).
 * A sampler brackets its run with jp_symbols_reader_begin/end and reports
 * each complete drain with jp_symbols_reader_drained(epoch read at the start
 * of that drain).  Caches keyed by code address must be dropped when
 * jp_symbols_generation() changes (an address may then name new code).
 * All writers hold the GIL.
 */
#ifndef JP_SYMBOLS_H
#define JP_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

typedef struct jp_line_span {
    uint32_t code_offset;   /* first byte of the span, from the symbol start */
    uint32_t line;          /* Python source line (1-based, in filename) */
    uint32_t inlined;       /* 0, or the id of the chain of jitted functions
                             * inlined at that line (jit/inline_chains.h) */
} jp_line_span;

typedef struct jp_jit_symbol {
    uintptr_t start;        /* first byte of machine code */
    uintptr_t end;          /* one past the last byte */
    const char *name;       /* Python qualname: "mandel" */
    const char *signature;  /* argument types: "float64, float64, int64" */
    const char *display;    /* "mandel [jit float64,float64,int64]" */
    const char *filename;   /* Python source file */
    int first_line;         /* line of the def */
    int n_lines;            /* entries in lines[], sorted by code_offset */
    const jp_line_span *lines;
    int is_trampoline;      /* the function's boxed-call entry (".tramp"),
                             * into which O3 usually inlines its body */
    unsigned seq;           /* odd while start/end are being changed */
    int retired;            /* 0 live, else retired (names kept until reclaimed) */
    uint64_t retired_at;    /* the epoch of its retirement */
} jp_jit_symbol;

/* Register a function (caller holds the GIL).  All strings and the line
 * table are copied.  Writes a perf map line when JITPROFILE_PERF_MAP=1.
 * Returns 0, or -1 when out of memory. */
int jp_symbols_add(uintptr_t start, uintptr_t end, const char *name,
                   const char *signature, const char *filename, int first_line,
                   const jp_line_span *lines, int n_lines);

/* Register the trampoline of a function (the entry the dispatcher calls,
 * named jp.<qualname>.<n>.tramp): same names as the function, so that
 * samples in it, or in the body O3 inlined into it, read as the function;
 * its own line table; is_trampoline set. */
int jp_symbols_add_trampoline(uintptr_t start, uintptr_t end, const char *name,
                              const char *signature, const char *filename,
                              int first_line, const jp_line_span *lines, int n_lines);

/* Find the symbol containing ip.  Async-signal-safe, lock-free; the
 * returned pointer stays valid for the life of the process.  NULL when ip
 * is not JIT code. */
const jp_jit_symbol *jp_symbols_find(uintptr_t ip);

/* Whether ip lies in sym's code range, read under its sequence count (a
 * range being rewritten contains nothing).  Async-signal-safe. */
int jp_symbols_contains(const jp_jit_symbol *sym, uintptr_t ip);

/* Python line for ip inside sym (first_line when the table has no entry). */
int jp_symbols_line(const jp_jit_symbol *sym, uintptr_t ip);
/* The inlining chain id of ip's span inside sym (0: sym's own code). */
uint32_t jp_symbols_inlined(const jp_jit_symbol *sym, uintptr_t ip);

/* Number of registry slots, and the i-th one (0 <= i < count); a slot whose
 * start is 0 is free. */
size_t jp_symbols_count(void);
const jp_jit_symbol *jp_symbols_at(size_t i);

/* Entries in use (live or retired, not yet reclaimed). */
size_t jp_symbols_live(void);

/* While capturing, the slot index of every entry added is recorded; end
 * returns them (malloc'd, *n entries; NULL when none). Not nested. */
void jp_symbols_capture_begin(void);
size_t *jp_symbols_capture_end(int *n);

/* Retire an entry (see above); returns the epoch of the retirement. */
uint64_t jp_symbols_retire(size_t id);
/* Whether what was retired at `epoch` may be freed now. */
int jp_symbols_safe(uint64_t epoch);
/* Free the entries for which jp_symbols_safe holds (after their code). */
void jp_symbols_reclaim(void);
uint64_t jp_symbols_epoch(void);
uint64_t jp_symbols_generation(void);

/* Called (GIL held) when a drain or a sampler's end made retired entries
 * safe to free: the code's owner frees its code, then calls reclaim. */
void jp_symbols_set_reclaim_hook(void (*hook)(void));

/* Samplers (see above). */
void jp_symbols_reader_begin(void);
void jp_symbols_reader_drained(uint64_t epoch_at_start);
void jp_symbols_reader_end(void);
/* In a forked child (atfork handler): no sampler runs there any more. */
void jp_symbols_readers_forget(void);

#endif
