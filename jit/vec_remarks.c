/* jit/vec_remarks.c - capturing the vectorizers' remarks per compile (see
 * vec_remarks.h).  LLVM 19's C API has no per-context remark filter: the
 * -pass-remarks* options are process-wide, read by the default diagnostic
 * handler that LLVMContextSetDiagnosticHandler keeps (it only swaps the
 * callback).  So the options name the two vectorizer passes, and every
 * context that runs the optimiser gets a callback (a collector, or quiet). */
#include "jit/vec_remarks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <llvm-c/Support.h>

static int enabled = -1;        /* -1: not decided yet */

int
jp_remarks_enable(void)
{
    static const char *argv[] = {
        "jitprofile",
        "-pass-remarks=^(loop-vectorize|slp-vectorizer)$",
        "-pass-remarks-missed=^(loop-vectorize|slp-vectorizer)$",
        "-pass-remarks-analysis=^(loop-vectorize|slp-vectorizer)$",
    };
    const char *env;
    if (enabled >= 0)
        return enabled;
    env = getenv("JITPROFILE_VEC_REMARKS");
    enabled = !(env && env[0] == '0' && env[1] == '\0');
    if (enabled)
        LLVMParseCommandLineOptions((int)(sizeof argv / sizeof argv[0]), argv, NULL);
    return enabled;
}

int
jp_remarks_enabled(void)
{
    return enabled > 0;
}

static void
append(jp_remarks *r, const char *s, size_t n)
{
    if (r->len + n + 2 > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        char *grown;
        while (cap < r->len + n + 2)
            cap *= 2;
        if ((grown = realloc(r->text, cap)) == NULL)
            return;             /* out of memory: this remark is lost, nothing else */
        r->text = grown;
        r->cap = cap;
    }
    memcpy(r->text + r->len, s, n);
    r->len += n;
    r->text[r->len++] = JP_REMARK_SEP;
    r->text[r->len] = '\0';
}

/* Errors and warnings are printed as LLVM's default handler would. */
static void
print_other(LLVMDiagnosticInfoRef di, LLVMDiagnosticSeverity sev)
{
    char *desc = LLVMGetDiagInfoDescription(di);
    fprintf(stderr, "LLVM %s: %s\n", sev == LLVMDSError ? "error" : sev == LLVMDSWarning ? "warning" : "note",
            desc ? desc : "");
    LLVMDisposeMessage(desc);
}

/* Once any remark is on, every pass builds its remarks and the callback
 * gets them all (the C API cannot ask LLVM to respect the filters): keep
 * the vectorizers' and the inliner's (which calls inlined into a loop), by
 * their wording, and drop the rest. */
static int
wanted(const char *desc)
{
    return strstr(desc, "ectoriz") != NULL || strstr(desc, "nterleav") != NULL
           || strstr(desc, "inlined into") != NULL;
}

static void
collect(LLVMDiagnosticInfoRef di, void *arg)
{
    jp_remarks *r = arg;
    LLVMDiagnosticSeverity sev = LLVMGetDiagInfoSeverity(di);
    char *desc;
    if (sev != LLVMDSRemark) {
        print_other(di, sev);
        return;
    }
    desc = LLVMGetDiagInfoDescription(di);
    if (desc && wanted(desc))
        append(r, desc, strlen(desc));
    LLVMDisposeMessage(desc);
}

static void
drop(LLVMDiagnosticInfoRef di, void *arg)
{
    LLVMDiagnosticSeverity sev = LLVMGetDiagInfoSeverity(di);
    (void)arg;
    if (sev != LLVMDSRemark)
        print_other(di, sev);
}

void
jp_remarks_attach(jp_remarks *r, LLVMContextRef ctx)
{
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->saved = LLVMContextGetDiagnosticHandler(ctx);
    r->saved_arg = LLVMContextGetDiagnosticContext(ctx);
    LLVMContextSetDiagnosticHandler(ctx, collect, r);
}

void
jp_remarks_detach(jp_remarks *r)
{
    if (r->ctx == NULL)
        return;
    /* never leave the context without a callback once remarks are on */
    if (r->saved)
        LLVMContextSetDiagnosticHandler(r->ctx, r->saved, r->saved_arg);
    else
        LLVMContextSetDiagnosticHandler(r->ctx, drop, NULL);
    r->ctx = NULL;
}

void
jp_remarks_free(jp_remarks *r)
{
    free(r->text);
    r->text = NULL;
    r->len = r->cap = 0;
}

void
jp_remarks_quiet(LLVMContextRef ctx)
{
    if (LLVMContextGetDiagnosticHandler(ctx) == NULL)
        LLVMContextSetDiagnosticHandler(ctx, drop, NULL);
}
