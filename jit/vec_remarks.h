/* jit/vec_remarks.h - LLVM's vectorizer remarks (loop-vectorize and
 * slp-vectorizer: passed, missed, analysis), captured per compile.
 *
 * Remarks are switched on once, when LLVM is initialised, for those two
 * passes only (the rest of the pipeline builds none).  A compile attaches a
 * collector to its own LLVMContext around the pass pipeline: the handler
 * only ever sees diagnostics of that context, so compiles on other threads
 * (other contexts) never mix.  Each remark is kept as LLVM describes it,
 * "file:line:col: message" (the location comes from our debug info), one
 * record per remark, records separated by JP_REMARK_SEP; the Python side
 * (jitprofile/vectorization.py) turns them into rows per loop. */
#ifndef JP_VEC_REMARKS_H
#define JP_VEC_REMARKS_H

#include <llvm-c/Core.h>
#include <stddef.h>

#define JP_REMARK_SEP '\x1e'

typedef struct jp_remarks {
    LLVMContextRef ctx;
    LLVMDiagnosticHandler saved;        /* the context's handler before attach */
    void *saved_arg;
    char *text;                         /* the records (owned), or NULL */
    size_t len, cap;
} jp_remarks;

/* Turn the vectorizers' remarks on (once per process; before any pass runs).
 * JITPROFILE_VEC_REMARKS=0 leaves them off.  Returns whether they are on. */
int jp_remarks_enable(void);
int jp_remarks_enabled(void);

/* Collect the remarks ctx emits from now until detach. */
void jp_remarks_attach(jp_remarks *r, LLVMContextRef ctx);
/* Restore ctx's handler; the text stays in r (free with jp_remarks_free). */
void jp_remarks_detach(jp_remarks *r);
void jp_remarks_free(jp_remarks *r);

/* A context that runs the O3 pipeline without a collector (GPU code): its
 * remarks are dropped instead of being printed on stderr. */
void jp_remarks_quiet(LLVMContextRef ctx);

#endif
