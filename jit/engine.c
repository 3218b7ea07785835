/* jit/engine.c - the process's ORC LLJIT: host target machine, the O3
 * pipeline of the new pass manager, absolute symbols for the runtime,
 * process symbols (libm), and an object-file hook that records each
 * function's code size for the symbol registry. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "jit/debuginfo.h"
#include "jit/engine.h"
#include "jit/runtime.h"
#include "jit/list_runtime.h"
#include "jit/str_runtime.h"
#include "jit/hashtable.h"
#include "jit/vec_remarks.h"

#include <llvm-c/Error.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Object.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <string.h>

static LLVMOrcLLJITRef jit;
static LLVMOrcThreadSafeContextRef tsc;
static LLVMContextRef context;
static LLVMTargetMachineRef tm;
static LLVMOrcJITDylibRef main_jd;
static char *triple, *cpu, *features, *data_layout;
static LLVMOrcResourceTrackerRef unit;     /* the code unit being filled, or NULL */
static LLVMOrcThreadSafeContextRef compile_tsc;   /* one compile's context, or NULL */

/* name -> code size, filled by the object transform, read after lookup */
typedef struct size_entry {
    char *name;
    size_t size;
    struct size_entry *next;
} size_entry;
static size_entry *sizes;

static int
llvm_error(LLVMErrorRef err, const char *what)
{
    char *msg = LLVMGetErrorMessage(err);
    PyErr_Format(PyExc_RuntimeError, "LLVM: %s: %s", what, msg);
    LLVMDisposeErrorMessage(msg);
    return -1;
}

/* While capturing (a compile that will be cached), each object file the
 * JIT links is copied here too. */
static int capturing;
static char *captured;
static size_t captured_len;

void
jp_engine_capture_begin(void)
{
    free(captured);
    captured = NULL;
    captured_len = 0;
    capturing = 1;
}

char *
jp_engine_capture_end(size_t *len)
{
    char *r = captured;
    *len = captured_len;
    capturing = 0;
    captured = NULL;
    captured_len = 0;
    return r;
}

static void
capture(LLVMMemoryBufferRef obj)
{
    size_t n = LLVMGetBufferSize(obj);
    char *grown;
    if (!capturing)
        return;
    if (captured_len) {     /* one object per compile: more means we cannot cache it */
        capturing = 0;
        free(captured);
        captured = NULL;
        captured_len = 0;
        return;
    }
    grown = malloc(n);
    if (grown == NULL)
        return;
    memcpy(grown, LLVMGetBufferStart(obj), n);
    captured = grown;
    captured_len = n;
}

int
jp_engine_add_object(const char *data, size_t len)
{
    LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(data, len, "cached");
    LLVMErrorRef err = unit ? LLVMOrcLLJITAddObjectFileWithRT(jit, unit, buf)
                            : LLVMOrcLLJITAddObjectFile(jit, main_jd, buf);
    if (err)
        return llvm_error(err, "loading cached code");
    return 0;
}

static LLVMErrorRef
record_sizes(void *ctx, LLVMMemoryBufferRef *obj)
{
    char *msg = NULL;
    LLVMBinaryRef bin = LLVMCreateBinary(*obj, NULL, &msg);
    LLVMSymbolIteratorRef it;
    (void)ctx;
    capture(*obj);
    if (bin == NULL) {
        LLVMDisposeMessage(msg);
        return LLVMErrorSuccess;
    }
    it = LLVMObjectFileCopySymbolIterator(bin);
    while (!LLVMObjectFileIsSymbolIteratorAtEnd(bin, it)) {
        const char *name = LLVMGetSymbolName(it);
        uint64_t size = LLVMGetSymbolSize(it);
        if (name && size && strncmp(name, "jp.", 3) == 0) {
            size_entry *e = malloc(sizeof *e);
            if (e && (e->name = strdup(name)) != NULL) {
                e->size = (size_t)size;
                e->next = sizes;
                sizes = e;
            } else {
                free(e);
            }
        }
        LLVMMoveToNextSymbol(it);
    }
    LLVMDisposeSymbolIterator(it);
    jp_dbg_read_object(bin);
    LLVMDisposeBinary(bin);
    return LLVMErrorSuccess;
}

size_t
jp_engine_symbol_size(const char *name)
{
    for (size_entry **p = &sizes; *p; p = &(*p)->next) {
        if (strcmp((*p)->name, name) == 0) {
            size_entry *e = *p;
            size_t size = e->size;
            *p = e->next;
            free(e->name);
            free(e);
            return size;
        }
    }
    return 0;
}

/* jp.pyexc.<Name>: every builtin exception class, so that compiled code
 * names them by symbol (and cached code stays valid in a new process). */
static int
define_exception_symbols(void)
{
    PyObject *builtins = PyEval_GetBuiltins(), *key, *value;
    Py_ssize_t pos = 0;
    LLVMOrcCSymbolMapPair pairs[256];
    size_t n = 0;
    if (builtins == NULL)
        return 0;
    while (PyDict_Next(builtins, &pos, &key, &value) && n < 256) {
        char sym[160];
        if (!PyType_Check(value) || !PyType_IsSubtype((PyTypeObject *)value, (PyTypeObject *)PyExc_BaseException))
            continue;
        snprintf(sym, sizeof sym, "jp.pyexc.%s", ((PyTypeObject *)value)->tp_name);
        pairs[n].Name = LLVMOrcLLJITMangleAndIntern(jit, sym);
        pairs[n].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)value;
        pairs[n].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported;
        pairs[n].Sym.Flags.TargetFlags = 0;
        n++;
    }
    {
        LLVMErrorRef err = LLVMOrcJITDylibDefine(main_jd, LLVMOrcAbsoluteSymbols(pairs, n));
        if (err)
            return llvm_error(err, "defining exception symbols");
    }
    return 0;
}

#define MAX_RUNTIME_SYMBOLS 512

/* Append one runtime's symbol table to pairs; -1 when pairs is full (a
 * symbol left out would fail only when compiled code first links to it). */
static int
add_runtime_symbols(LLVMOrcCSymbolMapPair *pairs, size_t *n, const jp_runtime_symbol *table)
{
    for (const jp_runtime_symbol *s = table; s->name; s++) {
        if (*n == MAX_RUNTIME_SYMBOLS) {
            PyErr_SetString(PyExc_RuntimeError, "jitprofile: more runtime symbols than MAX_RUNTIME_SYMBOLS");
            return -1;
        }
        pairs[*n].Name = LLVMOrcLLJITMangleAndIntern(jit, s->name);
        pairs[*n].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)s->address;
        pairs[*n].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
        pairs[*n].Sym.Flags.TargetFlags = 0;
        (*n)++;
    }
    return 0;
}

static int
define_runtime_symbols(void)
{
    static const jp_runtime_symbol *const tables[] = {
        jp_runtime_symbols, jp_list_runtime_symbols, jp_str_runtime_symbols, jp_ht_runtime_symbols,
    };
    LLVMOrcCSymbolMapPair pairs[MAX_RUNTIME_SYMBOLS];
    size_t n = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        if (add_runtime_symbols(pairs, &n, tables[t]) < 0)
            return -1;
    {
        LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(pairs, n);
        LLVMErrorRef err = LLVMOrcJITDylibDefine(main_jd, mu);
        if (err)
            return llvm_error(err, "defining runtime symbols");
    }
    return 0;
}

int
jp_engine_init(void)
{
    LLVMTargetRef target;
    char *msg = NULL;
    LLVMOrcLLJITBuilderRef builder;
    LLVMTargetMachineRef tm_for_jit;
    LLVMErrorRef err;
    LLVMOrcDefinitionGeneratorRef gen;
    LLVMTargetDataRef td;

    if (jit)
        return 0;
    jp_remarks_enable();        /* before any pass runs */
    if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter()) {
        PyErr_SetString(PyExc_RuntimeError, "LLVM: no native target");
        return -1;
    }
    triple = LLVMGetDefaultTargetTriple();
    cpu = LLVMGetHostCPUName();
    features = LLVMGetHostCPUFeatures();
    if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
        PyErr_Format(PyExc_RuntimeError, "LLVM: %s", msg);
        LLVMDisposeMessage(msg);
        return -1;
    }
    tm = LLVMCreateTargetMachine(target, triple, cpu, features, LLVMCodeGenLevelAggressive,
                                 LLVMRelocDefault, LLVMCodeModelJITDefault);
    tm_for_jit = LLVMCreateTargetMachine(target, triple, cpu, features, LLVMCodeGenLevelAggressive,
                                         LLVMRelocDefault, LLVMCodeModelJITDefault);
    td = LLVMCreateTargetDataLayout(tm);
    data_layout = LLVMCopyStringRepOfTargetData(td);
    LLVMDisposeTargetData(td);

    builder = LLVMOrcCreateLLJITBuilder();
    LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(
        builder, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm_for_jit));
    if ((err = LLVMOrcCreateLLJIT(&jit, builder)) != NULL) {
        jit = NULL;
        return llvm_error(err, "creating the JIT");
    }
    main_jd = LLVMOrcLLJITGetMainJITDylib(jit);
    err = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(&gen, LLVMOrcLLJITGetGlobalPrefix(jit),
                                                               NULL, NULL);
    if (err)
        return llvm_error(err, "process symbols");
    LLVMOrcJITDylibAddGenerator(main_jd, gen);
    if (define_runtime_symbols() < 0 || define_exception_symbols() < 0)
        return -1;
    LLVMOrcObjectTransformLayerSetTransform(LLVMOrcLLJITGetObjTransformLayer(jit), record_sizes, NULL);
    tsc = LLVMOrcCreateNewThreadSafeContext();
    context = LLVMOrcThreadSafeContextGetContext(tsc);
    jp_remarks_quiet(context);  /* remarks only where a compile collects them */
    return 0;
}

LLVMContextRef
jp_engine_context(void)
{
    return context;
}

const char *
jp_engine_cpu_name(void)
{
    return cpu ? cpu : "";
}

const char *
jp_engine_cpu_features(void)
{
    return features ? features : "";
}

LLVMContextRef
jp_engine_compile_context_begin(void)
{
    if (compile_tsc == NULL && jit)
        compile_tsc = LLVMOrcCreateNewThreadSafeContext();
    return compile_tsc ? LLVMOrcThreadSafeContextGetContext(compile_tsc) : context;
}

void
jp_engine_compile_context_end(void)
{
    /* modules added hold their own reference: the context lives until ORC
     * has compiled them */
    if (compile_tsc)
        LLVMOrcDisposeThreadSafeContext(compile_tsc);
    compile_tsc = NULL;
}

LLVMModuleRef
jp_engine_new_module(const char *name)
{
    LLVMModuleRef mod = LLVMModuleCreateWithNameInContext(
        name, compile_tsc ? LLVMOrcThreadSafeContextGetContext(compile_tsc) : context);
    LLVMSetTarget(mod, triple);
    LLVMSetDataLayout(mod, data_layout);
    return mod;
}

/* Fast-math flags on every floating-point instruction (fastmath=True). */
static void
set_fastmath(LLVMModuleRef mod)
{
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
        for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
            for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i))
                if (LLVMCanValueUseFastMathFlags(i))
                    LLVMSetFastMathFlags(i, LLVMFastMathAll);
}

/* The pass pipeline: level 3 unless JITPROFILE_OPT / NUMBA_OPT (0-3, or
 * "max") asks for another (jitprofile.config.OPT).  Levels 2 and 3 start with
 * a cheap clean-up that fully unrolls small constant loops (a loop over a
 * tuple such as `for d in (-1, 0, 1)`) and merges what they repeat: left to
 * the O3 pipeline alone, those loops are unrolled late, after its last GVN,
 * and each copy keeps its own integer division (a game-of-life neighbour
 * count ran 4x slower).  It costs about 3 % more compile time.  Its
 * instcombine must not verify a fixpoint (the textual pass does by default,
 * and aborts the process with "LLVM ERROR: Instruction Combining did not
 * reach a fixpoint" where one iteration is not enough; O3's own does not). */
#define CLEANUP "function(sroa,early-cse,simplifycfg,instcombine<no-verify-fixpoint>," \
                "loop-unroll<full-unroll-max=64>,sroa,gvn),"
static const char *
opt_pipeline(void)
{
    static const char *levels[] = {"default<O0>", "default<O1>", CLEANUP "default<O2>",
                                   CLEANUP "default<O3>"};
    const char *env = getenv("JITPROFILE_PASSES");     /* an experiment's own pipeline */
    if (env && *env)
        return env;
    env = getenv("JITPROFILE_OPT");
    if (env == NULL || *env == '\0')
        env = getenv("NUMBA_OPT");
    if (env && env[0] >= '0' && env[0] <= '3' && env[1] == '\0')
        return levels[env[0] - '0'];
    return levels[3];
}

int
jp_engine_optimize(LLVMModuleRef mod, int fastmath)
{
    LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
    LLVMErrorRef err;
    if (fastmath)
        set_fastmath(mod);
    LLVMPassBuilderOptionsSetLoopVectorization(opts, 1);
    LLVMPassBuilderOptionsSetSLPVectorization(opts, 1);
    LLVMPassBuilderOptionsSetLoopUnrolling(opts, 1);
    LLVMPassBuilderOptionsSetLoopInterleaving(opts, 1);
    err = LLVMRunPasses(mod, opt_pipeline(), tm, opts);
    LLVMDisposePassBuilderOptions(opts);
    if (err)
        return llvm_error(err, "optimising");
    return 0;
}

int
jp_engine_add(LLVMModuleRef mod)
{
    LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(mod, compile_tsc ? compile_tsc : tsc);
    LLVMErrorRef err = unit ? LLVMOrcLLJITAddLLVMIRModuleWithRT(jit, unit, tsm)
                            : LLVMOrcLLJITAddLLVMIRModule(jit, main_jd, tsm);
    if (err) {
        LLVMOrcDisposeThreadSafeModule(tsm);
        return llvm_error(err, "adding a module");
    }
    return 0;
}

void *
jp_engine_unit_begin(void)
{
    void *suspended = unit;
    if (jit)
        unit = LLVMOrcJITDylibCreateResourceTracker(main_jd);
    return suspended;
}

void *
jp_engine_unit_end(void *resumed)
{
    void *done = unit;
    while (sizes) {             /* sizes of symbols nobody asked for */
        size_entry *e = sizes;
        sizes = e->next;
        free(e->name);
        free(e);
    }
    jp_dbg_drop_lines();
    unit = resumed;
    return done;
}

void
jp_engine_unit_free(void *handle)
{
    LLVMOrcResourceTrackerRef rt = handle;
    LLVMErrorRef err;
    if (rt == NULL)
        return;
    if ((err = LLVMOrcResourceTrackerRemove(rt)) != NULL) {
        /* the code stays mapped: a leak, never a crash */
        char *msg = LLVMGetErrorMessage(err);
        LLVMDisposeErrorMessage(msg);
    }
    LLVMOrcReleaseResourceTracker(rt);
    /* the names of the removed symbols */
    LLVMOrcSymbolStringPoolClearDeadEntries(
        LLVMOrcExecutionSessionGetSymbolStringPool(LLVMOrcLLJITGetExecutionSession(jit)));
}

void *
jp_engine_lookup(const char *name)
{
    LLVMOrcExecutorAddress addr = 0;
    LLVMErrorRef err = LLVMOrcLLJITLookup(jit, &addr, name);
    if (err) {
        llvm_error(err, "linking");
        return NULL;
    }
    return (void *)(uintptr_t)addr;
}

char *
jp_engine_asm_from_ir(const char *ir_text)
{
    LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(ir_text, strlen(ir_text), "ir");
    LLVMContextRef ctx = LLVMContextCreate();
    LLVMModuleRef mod = NULL;
    LLVMMemoryBufferRef out = NULL;
    char *msg = NULL, *text = NULL;

    if (LLVMParseIRInContext(ctx, buf, &mod, &msg)) {     /* consumes buf */
        PyErr_Format(PyExc_RuntimeError, "LLVM: %s", msg);
        goto done;
    }
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMAssemblyFile, &msg, &out)) {
        PyErr_Format(PyExc_RuntimeError, "LLVM: %s", msg);
        goto done;
    }
    {
        size_t n = LLVMGetBufferSize(out);
        text = malloc(n + 1);
        if (text == NULL) {
            PyErr_NoMemory();
        } else {
            memcpy(text, LLVMGetBufferStart(out), n);
            text[n] = '\0';
        }
    }
done:
    if (msg)
        LLVMDisposeMessage(msg);
    if (out)
        LLVMDisposeMemoryBuffer(out);
    if (mod)
        LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    return text;
}
