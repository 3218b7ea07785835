/* jit/debuginfo.h - DWARF line tables for JIT code.
 *
 * Lowering attaches debug locations (Python file line/column) to the LLVM
 * IR of each module (line-tables-only DWARF).  After optimisation,
 * jp_dbg_flatten_inlined() rewrites the location of inlined code to its
 * call site in the function it now lives in, so each function's line table
 * speaks only of that function's own lines.  The object-file transform hands
 * each emitted object to jp_dbg_read_object(), which decodes .debug_line
 * into per-symbol tables; the compiler takes them with jp_dbg_take_lines()
 * for the symbol registry.  All calls happen under the GIL.
 */
#ifndef JP_DEBUGINFO_H
#define JP_DEBUGINFO_H

#include "jit/symbols.h"

#include <llvm-c/Core.h>
#include <llvm-c/Object.h>

typedef struct jp_dbg jp_dbg;

/* Per module: a DIBuilder and a compile unit named after `filename`.
 * NULL when out of memory (lowering then goes on without debug info). */
jp_dbg *jp_dbg_begin_module(LLVMModuleRef mod, const char *filename);
/* The same with line directives only (no DWARF sections): what PTX's
 * .file/.loc need for lineinfo (a device target's emission). */
jp_dbg *jp_dbg_begin_line_directives(LLVMModuleRef mod, const char *filename);
/* Finalize the debug info and free the builder (NULL is fine). */
void jp_dbg_finish_module(jp_dbg *d);

/* Give fn a subprogram (name, file, def line) and set b's location to the
 * def line.  Every instruction b builds from now on carries a location. */
void jp_dbg_begin_function(jp_dbg *d, LLVMBuilderRef b, LLVMValueRef fn, const char *name,
                           const char *filename, int line);
/* The current function's subprogram, to come back to after lowering
 * another function (an outlined prange body) with the same builder. */
LLVMMetadataRef jp_dbg_scope(jp_dbg *d);
void jp_dbg_set_scope(jp_dbg *d, LLVMMetadataRef scope);

/* Set b's location to line/col (col 0-based) inside the current function
 * and return the previous location, for jp_dbg_restore_location(); NULL
 * (nothing to restore) when line <= 0 or b is already on that line. */
LLVMMetadataRef jp_dbg_set_location(jp_dbg *d, LLVMBuilderRef b, int line, int col);
void jp_dbg_restore_location(jp_dbg *d, LLVMBuilderRef b, LLVMMetadataRef loc);

/* After optimisation: inlined code takes the location of its outermost call
 * site, so the line table maps it to the caller's line; the chain of
 * inlined functions under that call site is interned (jit/inline_chains.h)
 * and its id put in the location's column (JP_INLINE_COLUMN_TAG | id). */
void jp_dbg_flatten_inlined(LLVMModuleRef mod);

/* Object transform: decode .debug_line of bin into tables for its "jp."
 * symbols (kept until taken). */
void jp_dbg_read_object(LLVMBinaryRef bin);

/* Take (and forget) the table of symbol `name`: rows sorted by offset, lines
 * outside [lo, hi] and line 0 dropped, consecutive equal lines merged.
 * Returns a malloc'd array (caller frees) and sets *n; NULL with *n = 0 when
 * there is none. */
jp_line_span *jp_dbg_take_lines(const char *name, int lo, int hi, int *n);

/* Forget every table nobody took (the end of a code unit). */
void jp_dbg_drop_lines(void);
/* jp_dbg_take_lines, keeping each row's inlining chain (jit/inline_chains.h)
 * in its `inlined`: for code compiled in this process (a cached object's
 * chain ids would name another process's chains). */
jp_line_span *jp_dbg_take_lines_inlined(const char *name, int lo, int hi, int *n);
/* The name of a table not yet taken whose symbol is `prefix` followed by
 * `infix` (e.g. "jp.f.1" + ".prange."); malloc'd, NULL when none.  The
 * caller takes it with jp_dbg_take_lines (else the same name comes back). */
char *jp_dbg_next_table(const char *prefix, const char *infix);

/* Decode one .debug_line section (DWARF 2-5; exposed for the C unit test):
 * calls row(ctx, &row) for each row of each sequence.  Addresses are those of
 * the program, i.e. counted from the DW_LNE_set_address operand as stored in
 * the section (set_address_at is that operand's offset in the section,
 * SIZE_MAX when the sequence has none).  Returns the number of sequences, or
 * -1 on malformed input. */
typedef struct jp_dbg_row {
    uint64_t address;
    uint32_t line;
    int end_sequence;
    size_t set_address_at;
    uint64_t set_address_value;
    uint32_t column;        /* DW_LNS_set_column: JP_INLINE_COLUMN_TAG | id for inlined code */
} jp_dbg_row;
typedef void (*jp_dbg_row_fn)(void *ctx, const jp_dbg_row *row);
int jp_dbg_decode_line_section(const unsigned char *data, size_t size, jp_dbg_row_fn row, void *ctx);

#endif
