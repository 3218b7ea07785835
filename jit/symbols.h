/* jit/symbols.h - the JIT symbol registry: the contract between the JIT and
 * the sampler.
 *
 * Every compiled function registers its code range, its names and its Python
 * line table here.  The table is append-only: an entry, once published, is
 * never moved or freed (JIT code is never unmapped while the process lives),
 * so readers need no lock.  jp_symbols_find() is async-signal-safe: it only
 * reads memory published with release/acquire atomics.
 */
#ifndef JP_SYMBOLS_H
#define JP_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

typedef struct jp_line_span {
    uint32_t code_offset;   /* first byte of the span, from the symbol start */
    uint32_t line;          /* Python source line (1-based, in filename) */
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

/* Python line for ip inside sym (first_line when the table has no entry). */
int jp_symbols_line(const jp_jit_symbol *sym, uintptr_t ip);

/* Number of registered symbols, and the i-th one (0 <= i < count). */
size_t jp_symbols_count(void);
const jp_jit_symbol *jp_symbols_at(size_t i);

#endif
