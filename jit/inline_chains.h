/* jit/inline_chains.h - where inlined JIT code came from.
 *
 * When O3 inlines a jitted callee into its caller, the caller's line table
 * (jit/debuginfo.c) speaks of the caller's own lines: the call site.  The
 * chain of inlined functions under that call site is kept here, interned:
 * frames[0] is the callee called at call_line, frames[n-1] the innermost
 * function, each with its own file, def line and line.  The line table
 * carries a chain's id in the column of its rows (JP_INLINE_COLUMN_TAG | id)
 * and the symbol registry in each jp_line_span's `inlined`, so the sampler
 * can show a sample in inlined code as caller -> callee at the callee's own
 * line.  Chains live for the life of the process (they are small and
 * interned); every call is thread-safe (a mutex), and none is
 * async-signal-safe: the collector reads them, never the signal handler.
 */
#ifndef JP_INLINE_CHAINS_H
#define JP_INLINE_CHAINS_H

#include <stdint.h>

#define JP_INLINE_COLUMN_TAG 0x8000u    /* DWARF columns of 16 bits: 1 tag, 15 id */
#define JP_INLINE_MAX_IDS 0x7fffu
#define JP_INLINE_MAX_DEPTH 16

typedef struct jp_inline_frame {
    const char *filename;   /* the inlined function's source file */
    int def_line;           /* its def line (names it, with the file) */
    int line;               /* the line being run in it */
} jp_inline_frame;

typedef struct jp_inline_chain {
    int call_line;          /* the line of the outer function calling frames[0] */
    int n;                  /* 1..JP_INLINE_MAX_DEPTH */
    jp_inline_frame frames[JP_INLINE_MAX_DEPTH];
} jp_inline_chain;

/* The id (1..JP_INLINE_MAX_IDS) of the chain, interned (strings copied);
 * 0 when the table is full or memory ran out (the caller then keeps the
 * call site only). */
uint32_t jp_inline_chain_intern(const jp_inline_chain *chain);

/* The chain of an id, or NULL for 0 or an id never handed out (a line
 * table from another process, e.g. cached code).  The pointer stays valid
 * for the life of the process. */
const jp_inline_chain *jp_inline_chain_get(uint32_t id);

#endif
