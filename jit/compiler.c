/* jit/compiler.c - compile sessions: creating instances (one function at
 * one signature), then inferring, lowering, optimising and linking every
 * instance a compile needs as one LLVM module, and registering the result
 * with the symbol registry. */
#include "jit/compiler.h"
#include "jit/compile_service.h"
#include "jit/debuginfo.h"
#include "jit/parallel_symbols.h"
#include "jit/engine.h"
#include "jit/symbols.h"
#include "jit/vec_remarks.h"

#include <limits.h>
#include <llvm-c/Analysis.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int jp_lower_instance(LLVMContextRef ctx, LLVMModuleRef mod, jp_instance *inst, jp_dbg *dbg);

static unsigned long symbol_counter;

void
jp_instance_free(jp_instance *inst)
{
    if (inst == NULL)
        return;
    free(inst->argtypes);
    free(inst->var_types);
    free(inst->node_types);
    free(inst->callees);
    free(inst->bindings);
    free(inst->resolved);
    free(inst->opt_natural);
    free(inst->branch);
    free(inst->symbol);
    free(inst->llvm_ir);
    free(inst->asm_text);
    free(inst->vec_remarks);
    if (inst->code)
        jp_code_decref(inst->code);
    free(inst);
}

void
jp_session_abort(jp_session *s)
{
    while (s->pending) {
        jp_instance *next = s->pending->next;
        jp_instance_free(s->pending);
        s->pending = next;
    }
    free(s->llvm_ir);
    s->llvm_ir = NULL;
    free(s->bitcode);
    s->bitcode = NULL;
}

static int
same_types(jp_type **a, jp_type **b, int n)
{
    return n == 0 || memcmp(a, b, (size_t)n * sizeof *a) == 0;
}

jp_instance *
jp_session_instance(jp_session *s, PyObject *dispatcher, int nargs, jp_type **argtypes)
{
    /* a cached compile carries its callees in its own object file */
    jp_instance *inst = s->private ? NULL : jp_dispatcher_find(dispatcher, nargs, argtypes);
    if (inst)
        return inst;
    for (inst = s->pending; inst; inst = inst->next)
        if (inst->dispatcher == dispatcher && inst->nargs == nargs && inst->loop == NULL
            && same_types(inst->argtypes, argtypes, nargs))
            return inst;
    return jp_session_new_instance(s, dispatcher, nargs, argtypes);
}

jp_instance *
jp_session_new_instance(jp_session *s, PyObject *dispatcher, int nargs, jp_type **argtypes)
{
    jp_instance *inst;
    jp_func_ir *ir;
    size_t nn, nl, len;

    if ((ir = jp_dispatcher_ir(dispatcher)) == NULL)
        return NULL;
    if (nargs != ir->nparams) {
        PyErr_Format(PyExc_TypeError, "%s() takes %d arguments (%d given)", ir->name, ir->nparams, nargs);
        return NULL;
    }
    inst = calloc(1, sizeof *inst);
    if (inst == NULL)
        return (jp_instance *)PyErr_NoMemory();
    nn = (size_t)(ir->nnodes ? ir->nnodes : 1);
    nl = (size_t)(ir->nlocals ? ir->nlocals : 1);
    inst->ir = ir;
    inst->dispatcher = dispatcher;
    inst->nargs = nargs;
    inst->argtypes = malloc((size_t)(nargs ? nargs : 1) * sizeof(jp_type *));
    inst->var_types = malloc(nl * sizeof(jp_type *));
    inst->node_types = malloc(nn * sizeof(jp_type *));
    inst->callees = calloc(nn, sizeof(jp_instance *));
    inst->bindings = calloc(nn, sizeof(jp_arg_source *));
    inst->branch = calloc(nn, 1);
    inst->resolved = calloc(nn, sizeof *inst->resolved);
    inst->opt_natural = calloc(nn, sizeof *inst->opt_natural);
    len = strlen(ir->qualname) + 32;
    inst->symbol = malloc(len);
    if (!inst->argtypes || !inst->var_types || !inst->node_types || !inst->callees
        || !inst->bindings || !inst->branch || !inst->symbol || !inst->resolved
        || !inst->opt_natural) {
        jp_instance_free(inst);
        return (jp_instance *)PyErr_NoMemory();
    }
    if (s->private) {
        /* names that cannot collide with another process's, for cached code */
        static unsigned long long salt;
        if (salt == 0)
            salt = ((unsigned long long)getpid() << 32) ^ (unsigned long long)time(NULL) ^ (uintptr_t)&salt;
        salt = salt * 6364136223846793005ULL + 1442695040888963407ULL;
        snprintf(inst->symbol, len, "jp.%s.c%016llx", ir->qualname, salt);
    } else {
        snprintf(inst->symbol, len, "jp.%s.%lu", ir->qualname, ++symbol_counter);
    }
    if (s->gpu)     /* device images: plain identifiers (letters, digits, _) */
        for (char *p = inst->symbol; *p; p++)
            if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9'))
                *p = '_';
    memcpy(inst->argtypes, argtypes, (size_t)nargs * sizeof(jp_type *));
    for (size_t i = 0; i < nl; i++)
        inst->var_types[i] = jp_type_unknown();
    for (int i = 0; i < nargs; i++)
        inst->var_types[i] = argtypes[i];
    for (size_t i = 0; i < nn; i++)
        inst->node_types[i] = jp_type_unknown();
    inst->ret = jp_type_unknown();
    inst->gpu = s->gpu;
    inst->target = s->target;
    inst->next = s->pending;
    s->pending = inst;
    s->added = 1;
    return inst;
}

static void
signature_text(jp_instance *inst, char *buf, size_t size)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < inst->nargs && off < size; i++)
        off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? ", " : "", inst->argtypes[i]->name);
}

int
jp_codegen_session(jp_session *s)
{
    LLVMModuleRef mod;
    LLVMContextRef ctx;
    jp_dbg *dbg;
    char *ir_text, *verify_msg = NULL;
    int fastmath = 0;

    if (jp_engine_init() < 0)
        return -1;
    ctx = jp_engine_compile_context_begin();
    mod = jp_engine_new_module(s->pending ? s->pending->ir->qualname : "jp");
    dbg = jp_dbg_begin_module(mod, s->pending ? s->pending->ir->filename : NULL);
    for (jp_instance *inst = s->pending; inst; inst = inst->next) {
        const jp_options *o = jp_dispatcher_options(inst->dispatcher);
        fastmath |= o && o->fastmath;
        if (jp_lower_instance(ctx, mod, inst, dbg) < 0) {
            jp_dbg_finish_module(dbg);
            LLVMDisposeModule(mod);
            jp_engine_compile_context_end();
            return -1;
        }
    }
    jp_dbg_finish_module(dbg);
    if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &verify_msg)) {
        PyErr_Format(PyExc_RuntimeError,
                     "internal compiler error (invalid LLVM IR), please report it: %s", verify_msg);
        LLVMDisposeMessage(verify_msg);
        LLVMDisposeModule(mod);
        jp_engine_compile_context_end();
        return -1;
    }
    LLVMDisposeMessage(verify_msg);
    /* bodies of small callees compiled earlier, for the inliner */
    jp_code_link_callees(s, mod);
    {
        /* the vectorizers' remarks of this compile, for inspect_vectorization() */
        jp_remarks rem;
        int optimized;
        jp_remarks_attach(&rem, LLVMGetModuleContext(mod));
        optimized = jp_engine_optimize(mod, fastmath);
        jp_remarks_detach(&rem);
        if (optimized < 0) {
            jp_remarks_free(&rem);
            LLVMDisposeModule(mod);
            jp_engine_compile_context_end();
            return -1;
        }
        for (jp_instance *inst = s->pending; inst; inst = inst->next) {
            free(inst->vec_remarks);
            inst->vec_remarks = strdup(rem.text ? rem.text : "");
        }
        jp_remarks_free(&rem);
    }
    jp_dbg_flatten_inlined(mod);
    jp_code_keep_bitcode(s, mod);
    ir_text = LLVMPrintModuleToString(mod);
    {
        int added = jp_engine_add(mod);         /* the module now holds the context */
        jp_engine_compile_context_end();
        if (added < 0) {
            LLVMDisposeMessage(ir_text);
            return -1;
        }
    }
    for (jp_instance *inst = s->pending; inst; inst = inst->next) {
        char tramp[512], sig[1024];
        jp_line_span *lines;
        int n_lines, lo, hi;
        size_t tramp_size;
        snprintf(tramp, sizeof tramp, "%s.tramp", inst->symbol);
        inst->entry = jp_engine_lookup(inst->symbol);
        inst->trampoline = (jp_trampoline)jp_engine_lookup(tramp);
        if (inst->entry == NULL || inst->trampoline == NULL) {
            LLVMDisposeMessage(ir_text);
            return -1;
        }
        inst->code_size = jp_engine_symbol_size(inst->symbol);
        inst->compiled = 1;
        signature_text(inst, sig, sizeof sig);
        /* the function's own source lines bound its line table */
        lo = inst->ir->source_lines ? inst->ir->source_first_line : inst->ir->def_line;
        hi = inst->ir->source_lines ? lo + (int)PyList_GET_SIZE(inst->ir->source_lines) - 1 : INT_MAX;
        lines = jp_dbg_take_lines_inlined(inst->symbol, lo, hi, &n_lines);
        jp_symbols_add((uintptr_t)inst->entry, (uintptr_t)inst->entry + (inst->code_size ? inst->code_size : 1),
                       inst->ir->qualname, sig, inst->ir->filename, inst->ir->def_line, lines, n_lines);
        free(lines);
        /* the trampoline too: the dispatcher calls it, and O3 inlines the
         * function's body into it, so that is where samples land */
        lines = jp_dbg_take_lines_inlined(tramp, lo, hi, &n_lines);
        tramp_size = jp_engine_symbol_size(tramp);
        if (tramp_size > 0)
            jp_symbols_add_trampoline((uintptr_t)inst->trampoline,
                                      (uintptr_t)inst->trampoline + tramp_size,
                                      inst->ir->qualname, sig, inst->ir->filename,
                                      inst->ir->def_line, lines, n_lines);
        free(lines);
        /* prange / parallel loop bodies, run by the pool's workers */
        jp_register_parallel_bodies(inst->symbol, inst->ir->qualname, sig, inst->ir->filename,
                                    inst->ir->def_line, lo, hi, 1);
        if (inst->loop) {
            /* the ufunc loop, with the kernel inlined into it, is named too */
            char loop_name[512], loop_label[512];
            size_t loop_size;
            snprintf(loop_name, sizeof loop_name, "%s.ufunc", inst->symbol);
            if ((inst->loop->loop_fn = jp_engine_lookup(loop_name)) == NULL) {
                LLVMDisposeMessage(ir_text);
                return -1;
            }
            loop_size = jp_engine_symbol_size(loop_name);
            lines = jp_dbg_take_lines_inlined(loop_name, lo, hi, &n_lines);
            snprintf(loop_label, sizeof loop_label, "%s ufunc", inst->ir->qualname);
            jp_symbols_add((uintptr_t)inst->loop->loop_fn, (uintptr_t)inst->loop->loop_fn + (loop_size ? loop_size : 1),
                           loop_label, sig, inst->ir->filename, inst->ir->def_line, lines, n_lines);
            free(lines);
        }
    }
    /* one copy of the module's text, for all its instances (their unit's) */
    free(s->llvm_ir);
    s->llvm_ir = strdup(ir_text);
    LLVMDisposeMessage(ir_text);
    return 0;
}
