/* jit/compile_service.c - the one compile entry point (jp_compile), the
 * process-wide compile lock, the CPU target, and the reference-counted
 * units of compiled code with their deferred freeing (see
 * compile_service.h). */
#include "jit/compile_service.h"
#include "jit/cache.h"
#include "jit/dispatcher.h"
#include "jit/engine.h"
#include "jit/symbols.h"

#include <llvm-c/BitReader.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Linker.h>
#include <pythread.h>
#include <stdlib.h>
#include <string.h>

struct jp_code {
    long refs;
    void *unit;                 /* engine code unit (ORC resource tracker) */
    size_t *symbols;            /* registry slots of its functions */
    int n_symbols;
    jp_code **deps;             /* units its code calls into (references) */
    int n_deps, cap_deps;
    char *llvm_ir;
    void *bitcode;              /* optimised module, for inlining into callers */
    size_t bitcode_len;
    uint64_t retired_at;        /* registry epoch of the retirement */
    jp_code *next_retired;
};

static jp_code *retired;        /* units waiting for the samplers to drain */
static long n_live_units, n_retired_units;

/* ---- the compile lock (reentrant; taken with the GIL released) --------------- */

static PyThread_type_lock compile_lock;
static unsigned long compile_owner;
static int compile_depth;

int
jp_compile_lock(void)
{
    unsigned long me = PyThread_get_thread_ident();
    if (compile_lock == NULL && (compile_lock = PyThread_allocate_lock()) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (compile_depth > 0 && compile_owner == me) {
        compile_depth++;
        return 0;
    }
    if (!PyThread_acquire_lock(compile_lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(compile_lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
    compile_owner = me;
    compile_depth = 1;
    return 0;
}

void
jp_compile_unlock(void)
{
    if (--compile_depth == 0) {
        compile_owner = 0;
        PyThread_release_lock(compile_lock);
    }
}

/* ---- code units ------------------------------------------------------------------ */

static jp_code *
code_new(void *unit, size_t *symbols, int n_symbols, char *llvm_ir)
{
    jp_code *code = calloc(1, sizeof *code);
    if (code == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    code->unit = unit;
    code->symbols = symbols;
    code->n_symbols = n_symbols;
    code->llvm_ir = llvm_ir;
    n_live_units++;
    return code;
}

static int
code_add_dep(jp_code *code, jp_code *dep)
{
    if (dep == NULL || dep == code)
        return 0;
    for (int i = 0; i < code->n_deps; i++)
        if (code->deps[i] == dep)
            return 0;
    if (code->n_deps == code->cap_deps) {
        int cap = code->cap_deps ? 2 * code->cap_deps : 4;
        jp_code **grown = realloc(code->deps, (size_t)cap * sizeof *grown);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        code->deps = grown;
        code->cap_deps = cap;
    }
    jp_code_incref(dep);
    code->deps[code->n_deps++] = dep;
    return 0;
}

void
jp_code_incref(jp_code *code)
{
    code->refs++;
}

void
jp_code_decref(jp_code *code)
{
    if (--code->refs > 0)
        return;
    /* nothing can run this code any more; samples of it may still wait to
     * be named, so the registry keeps its entries until they are drained */
    jp_cache_forget_code(code);         /* a later load of its entry links it anew */
    code->retired_at = jp_symbols_epoch();
    for (int i = 0; i < code->n_symbols; i++)
        code->retired_at = jp_symbols_retire(code->symbols[i]);
    code->next_retired = retired;
    retired = code;
    n_live_units--;
    n_retired_units++;
    jp_compile_reap();
}

void
jp_compile_reap(void)
{
    static int reaping;
    int any = 0;
    if (reaping)
        return;                 /* a dependency released below retires more: the loop sees it */
    reaping = 1;
    for (;;) {
        jp_code **p = &retired, *code = NULL;
        while (*p && !jp_symbols_safe((*p)->retired_at))
            p = &(*p)->next_retired;
        if ((code = *p) == NULL)
            break;
        *p = code->next_retired;
        jp_engine_unit_free(code->unit);        /* the machine code first */
        any = 1;
        for (int i = 0; i < code->n_deps; i++)
            jp_code_decref(code->deps[i]);
        free(code->deps);
        free(code->symbols);
        free(code->llvm_ir);
        free(code->bitcode);
        free(code);
        n_retired_units--;
    }
    if (any)
        jp_symbols_reclaim();                   /* then the names */
    reaping = 0;
}

/* The registry's hook after a sampler's drain: free what it has named,
 * unless a compile is in progress (that compile, or the next, reaps). */
static void
reap_after_drain(void)
{
    if (compile_lock == NULL || compile_depth > 0
        || !PyThread_acquire_lock(compile_lock, NOWAIT_LOCK))
        return;
    jp_compile_reap();
    PyThread_release_lock(compile_lock);
}

void
jp_compile_stats(long *live, long *n_retired)
{
    *live = n_live_units;
    *n_retired = n_retired_units;
}

const char *
jp_instance_llvm_ir(const jp_instance *inst)
{
    if (inst->llvm_ir)
        return inst->llvm_ir;
    if (inst->code && inst->code->llvm_ir)
        return inst->code->llvm_ir;
    return "";
}

/* ---- cross-unit inlining ---------------------------------------------------------- */

/* A unit whose optimised bitcode is at most this big is linked into the
 * modules of later callers for the inliner (a few small functions). */
#define JP_INLINE_BUDGET 12288

void
jp_code_keep_bitcode(jp_session *s, LLVMModuleRef mod)
{
    LLVMMemoryBufferRef buf = LLVMWriteBitcodeToMemoryBuffer(mod);
    size_t n;
    if (buf == NULL)
        return;
    n = LLVMGetBufferSize(buf);
    if (n <= JP_INLINE_BUDGET && (s->bitcode = malloc(n)) != NULL) {
        memcpy(s->bitcode, LLVMGetBufferStart(buf), n);
        s->bitcode_len = n;
    }
    LLVMDisposeMemoryBuffer(buf);
}

static void
make_available_externally(LLVMValueRef v)
{
    LLVMLinkage l = LLVMGetLinkage(v);
    if (LLVMIsDeclaration(v) || l == LLVMInternalLinkage || l == LLVMPrivateLinkage
        || l == LLVMAppendingLinkage)
        return;
    LLVMSetLinkage(v, LLVMAvailableExternallyLinkage);
    LLVMSetVisibility(v, LLVMDefaultVisibility);
}

void
jp_code_link_callees(jp_session *s, LLVMModuleRef mod)
{
    jp_code *linked[64];
    int n_linked = 0;
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    for (jp_instance *inst = s->pending; inst; inst = inst->next) {
        for (int i = 0; i < inst->ir->nnodes; i++) {
            jp_instance *callee = inst->callees[i];
            jp_code *code = callee ? callee->code : NULL;
            LLVMMemoryBufferRef buf;
            LLVMModuleRef src = NULL;
            int seen = 0;
            if (code == NULL || code->bitcode == NULL || callee->gpu != inst->gpu)
                continue;
            for (int k = 0; k < n_linked && !seen; k++)
                seen = linked[k] == code;
            if (seen || n_linked == 64)
                continue;
            linked[n_linked++] = code;
            buf = LLVMCreateMemoryBufferWithMemoryRange(code->bitcode, code->bitcode_len, "callee", 0);
            if (LLVMParseBitcodeInContext2(ctx, buf, &src) == 0) {
                for (LLVMValueRef fn = LLVMGetFirstFunction(src); fn; fn = LLVMGetNextFunction(fn))
                    make_available_externally(fn);
                for (LLVMValueRef g = LLVMGetFirstGlobal(src); g; g = LLVMGetNextGlobal(g))
                    make_available_externally(g);
                LLVMLinkModules2(mod, src);     /* consumes src; a failure only costs the inlining */
            }
            LLVMDisposeMemoryBuffer(buf);
        }
    }
}

/* ---- the CPU target ------------------------------------------------------------- */

static int
cpu_emit(const jp_target *t, jp_session *s, jp_instance *root, void *arg)
{
    (void)t;
    (void)root;
    (void)arg;
    return jp_codegen_session(s);
}

const jp_target jp_target_cpu = {
    .name = "cpu",
    .kernel_noun = "CPU functions",
    .device = 0,
    .emit = cpu_emit,
};

/* ---- the entry point ------------------------------------------------------------- */

/* The unit the engine and registry filled since begin_unit (NULL + error). */
static jp_code *
end_unit(void *suspended, jp_session *s)
{
    int n = 0;
    size_t *ids = jp_symbols_capture_end(&n);
    void *unit = jp_engine_unit_end(suspended);
    jp_code *code = code_new(unit, ids, n, s ? s->llvm_ir : NULL);
    if (code == NULL) {
        /* cannot track it: the code stays mapped and named (a leak) */
        free(ids);
        return NULL;
    }
    if (s) {
        s->llvm_ir = NULL;
        code->bitcode = s->bitcode;
        code->bitcode_len = s->bitcode_len;
        s->bitcode = NULL;
    }
    return code;
}

/* Give every pending instance of s a reference to code, and code a
 * reference to every unit outside it that they call. */
static int
attach_code(jp_session *s, jp_code *code)
{
    for (jp_instance *inst = s->pending; inst; inst = inst->next) {
        int nn = inst->ir->nnodes;
        for (int i = 0; i < nn; i++) {
            jp_instance *callee = inst->callees[i];
            if (callee && callee->code && code_add_dep(code, callee->code) < 0)
                return -1;
        }
    }
    for (jp_instance *inst = s->pending; inst; inst = inst->next) {
        inst->code = code;
        jp_code_incref(code);
    }
    return 0;
}

static void
drop_unit(void *suspended)
{
    /* a failed compile: unmap what was added and forget its names */
    jp_code *code = end_unit(suspended, NULL);
    if (code) {
        code->refs = 1;
        jp_code_decref(code);
    }
}

static jp_instance *
load_cached(JpDispatcher *d, int nargs, jp_type **argtypes)
{
    void *suspended = jp_engine_unit_begin();
    jp_instance *inst;
    jp_code *code;
    jp_symbols_capture_begin();
    inst = jp_cache_load(d, nargs, argtypes);
    if (inst == NULL || inst->code != NULL) {
        drop_unit(suspended);   /* a miss, or code this process already runs (nothing was added) */
        return inst;
    }
    if ((code = end_unit(suspended, NULL)) != NULL) {
        inst->code = code;
        jp_code_incref(code);
        jp_cache_remember(inst);
    }
    return inst;
}

int
jp_compile(const jp_compile_req *req, jp_instance **result)
{
    JpDispatcher *d = (JpDispatcher *)req->dispatcher;
    const jp_target *t = req->target;
    jp_session s = {0};
    jp_instance *inst = NULL;
    jp_code *code = NULL;
    void *suspended = NULL;
    int in_unit = 0, caching = 0, status = -1;

    *result = NULL;
    if (jp_compile_lock() < 0)
        return -1;
    jp_symbols_set_reclaim_hook(reap_after_drain);
    if (jp_engine_init() < 0)
        goto done;
    jp_compile_reap();
    if (!t->device && req->loop == NULL) {
        if ((inst = jp_dispatcher_find(req->dispatcher, req->nargs, req->argtypes)) != NULL) {
            *result = inst;     /* another thread compiled it meanwhile */
            status = 0;
            goto done;
        }
        if (d->options.cache) {
            if ((inst = load_cached(d, req->nargs, req->argtypes)) != NULL) {
                d->cache_hits++;
                if (jp_dispatcher_add_overload(req->dispatcher, inst) < 0) {
                    jp_instance_free(inst);
                    goto done;
                }
                *result = inst;
                status = 0;
                goto done;
            }
            PyErr_Clear();      /* a cache we cannot use is a miss */
            d->cache_misses++;
            caching = 1;
        }
    }
    if (caching || t->device) {
        s.private = 1;          /* callees compiled into this module */
        s.root = req->dispatcher;
    }
    s.gpu = t->device;
    s.target = t;
    inst = (t->device || req->loop)
        ? jp_session_new_instance(&s, req->dispatcher, req->nargs, req->argtypes)
        : jp_session_instance(&s, req->dispatcher, req->nargs, req->argtypes);
    if (inst == NULL)
        goto fail;
    if (req->loop)
        inst->loop = req->loop;
    if (jp_infer_session(&s) < 0 || (req->check && req->check(&s, inst, req->arg) < 0))
        goto fail;
    if (t->device) {
        /* the image is the target's; the instances were only its inputs */
        status = t->emit(t, &s, inst, req->arg);
        jp_session_abort(&s);
        goto done;
    }
    if (caching)
        jp_engine_capture_begin();
    suspended = jp_engine_unit_begin();
    jp_symbols_capture_begin();
    in_unit = 1;
    if (t->emit(t, &s, inst, req->arg) < 0)
        goto fail;
    in_unit = 0;
    if ((code = end_unit(suspended, &s)) != NULL && attach_code(&s, code) < 0)
        PyErr_Clear();          /* out of memory: that code is never freed */
    if (caching) {
        size_t len;
        char *object = jp_engine_capture_end(&len);
        caching = 0;
        if (object && jp_cache_store(d, &s, inst, object, len) < 0)
            PyErr_Clear();
        free(object);
    }
    /* hand the instances over: a cached compile's callees live in its
     * object only, so only its root joins a dispatcher; a ufunc loop's
     * kernel stays private to the caller */
    while (s.pending) {
        jp_instance *next = s.pending->next;
        s.pending->next = NULL;
        if (s.pending == inst) {
            if (req->loop == NULL && jp_dispatcher_add_overload(req->dispatcher, inst) < 0) {
                jp_instance_free(inst);
                inst = NULL;
            }
        } else if (s.private) {
            jp_instance_free(s.pending);
        } else if (jp_dispatcher_add_overload(s.pending->dispatcher, s.pending) < 0) {
            jp_instance_free(s.pending);        /* out of memory: its code stays with the root */
            PyErr_Clear();
        }
        s.pending = next;
    }
    if (inst) {
        *result = inst;
        status = 0;
    }
    goto done;
fail:
    if (in_unit)
        drop_unit(suspended);
    if (caching)
        free(jp_engine_capture_end(&(size_t){0}));
    jp_session_abort(&s);
done:
    jp_compile_unlock();
    return status;
}
