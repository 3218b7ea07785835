/* tests/c/test_vec_remarks.c - jit/vec_remarks.c without Python: LLVM's
 * loop-vectorizer remarks reach the collector attached to the context that
 * ran the passes, located at the debug info's file:line:col, and compiles on
 * several threads (one context each) keep their own. */
#include "jit/vec_remarks.h"

#include <llvm-c/IRReader.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                      \
        }                                                                    \
    } while (0)

/* `acc += x[i]` over doubles (file:3:9), loop at file:2:5; fast-math flags
 * on the fadd when FAST is "fast " */
static const char IR[] =
    "define double @fsum(ptr noalias %%x, i64 %%n) !dbg !4 {\n"
    "entry:\n  br label %%loop, !dbg !8\n"
    "loop:\n"
    "  %%i = phi i64 [0, %%entry], [%%i1, %%loop]\n"
    "  %%acc = phi double [0.0, %%entry], [%%acc1, %%loop]\n"
    "  %%p = getelementptr double, ptr %%x, i64 %%i, !dbg !9\n"
    "  %%v = load double, ptr %%p, !dbg !9\n"
    "  %%acc1 = fadd %sdouble %%acc, %%v, !dbg !9\n"
    "  %%i1 = add nsw i64 %%i, 1, !dbg !8\n"
    "  %%c = icmp slt i64 %%i1, %%n, !dbg !8\n"
    "  br i1 %%c, label %%loop, label %%exit, !dbg !8\n"
    "exit:\n  ret double %%acc1, !dbg !10\n}\n"
    "!llvm.dbg.cu = !{!0}\n!llvm.module.flags = !{!2, !3}\n"
    "!0 = distinct !DICompileUnit(language: DW_LANG_C, file: !1, producer: \"t\", "
    "isOptimized: true, runtimeVersion: 0, emissionKind: LineTablesOnly)\n"
    "!1 = !DIFile(filename: \"%s\", directory: \"\")\n"
    "!2 = !{i32 2, !\"Debug Info Version\", i32 3}\n!3 = !{i32 7, !\"Dwarf Version\", i32 4}\n"
    "!4 = distinct !DISubprogram(name: \"fsum\", scope: !1, file: !1, line: 1, type: !5, "
    "scopeLine: 1, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)\n"
    "!5 = !DISubroutineType(types: !6)\n!6 = !{}\n"
    "!8 = !DILocation(line: 2, column: 5, scope: !4)\n"
    "!9 = !DILocation(line: 3, column: 9, scope: !4)\n"
    "!10 = !DILocation(line: 4, column: 5, scope: !4)\n";

static LLVMTargetMachineRef tm;

/* Optimise one module in its own context; the remarks' text (malloc'd). */
static char *
optimise(const char *file, int fast)
{
    char text[4096], *msg = NULL, *out;
    LLVMContextRef ctx = LLVMContextCreate();
    LLVMModuleRef mod;
    LLVMMemoryBufferRef buf;
    LLVMPassBuilderOptionsRef opts;
    jp_remarks rem;
    snprintf(text, sizeof text, IR, fast ? "fast " : "", file);
    buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(text, strlen(text), "ir");
    if (LLVMParseIRInContext(ctx, buf, &mod, &msg)) {
        fprintf(stderr, "IR: %s\n", msg);
        exit(2);
    }
    opts = LLVMCreatePassBuilderOptions();
    jp_remarks_attach(&rem, ctx);
    CHECK(LLVMRunPasses(mod, "default<O2>", tm, opts) == NULL);
    jp_remarks_detach(&rem);
    LLVMDisposePassBuilderOptions(opts);
    out = strdup(rem.text ? rem.text : "");
    jp_remarks_free(&rem);
    LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    return out;
}

typedef struct job {
    char file[64];
    int fast;
    char *remarks;
} job;

static void *
run_job(void *arg)
{
    job *j = arg;
    j->remarks = optimise(j->file, j->fast);
    return NULL;
}

/* Every record begins with the job's own file. */
static int
all_from(const char *remarks, const char *file)
{
    size_t n = strlen(file);
    const char *p = remarks;
    int records = 0;
    while (*p) {
        const char *end = strchr(p, JP_REMARK_SEP);
        if (strncmp(p, file, n) != 0 || p[n] != ':')
            return 0;
        records++;
        p = end ? end + 1 : p + strlen(p);
    }
    return records > 0;
}

int
main(void)
{
    LLVMTargetRef target;
    char *triple, *err = NULL, *r;
    job jobs[8];
    pthread_t th[8];

    CHECK(jp_remarks_enable() == 1);
    CHECK(jp_remarks_enable() == 1);        /* once per process; a second call is a no-op */
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
    triple = LLVMGetDefaultTargetTriple();
    if (LLVMGetTargetFromTriple(triple, &target, &err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    tm = LLVMCreateTargetMachine(target, triple, LLVMGetHostCPUName(), LLVMGetHostCPUFeatures(),
                                 LLVMCodeGenLevelAggressive, LLVMRelocDefault, LLVMCodeModelJITDefault);

    /* 1. strict: not vectorized, and why, at the fadd's line and column */
    r = optimise("sum.py", 0);
    CHECK(strstr(r, "sum.py:3:9: loop not vectorized: cannot prove it is safe to reorder "
                    "floating-point operations") != NULL);
    CHECK(strstr(r, "vectorized loop (") == NULL);
    free(r);

    /* 2. fast-math: vectorized, at the loop's line */
    r = optimise("sum.py", 1);
    CHECK(strstr(r, "sum.py:2:5: vectorized loop (vectorization width: ") != NULL);
    free(r);

    /* 3. eight compiles at once, one context each: each keeps its own */
    for (int i = 0; i < 8; i++) {
        snprintf(jobs[i].file, sizeof jobs[i].file, "thread%d.py", i);
        jobs[i].fast = i % 2;
        jobs[i].remarks = NULL;
        pthread_create(&th[i], NULL, run_job, &jobs[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        CHECK(all_from(jobs[i].remarks, jobs[i].file));
        CHECK(strstr(jobs[i].remarks, jobs[i].fast ? "vectorized loop (" : "reorder floating-point") != NULL);
        free(jobs[i].remarks);
    }

    /* 4. a quiet context: remarks dropped, nothing printed, no crash */
    {
        LLVMContextRef ctx = LLVMContextCreate();
        jp_remarks_quiet(ctx);
        CHECK(LLVMContextGetDiagnosticHandler(ctx) != NULL);
        LLVMContextDispose(ctx);
    }
    LLVMDisposeTargetMachine(tm);
    LLVMDisposeMessage(triple);
    if (failures)
        fprintf(stderr, "test_vec_remarks: %d failure(s)\n", failures);
    return failures != 0;
}
