/* jit/lower.c - typed IR -> LLVM IR: types, functions, statements and
 * expressions.
 *
 * Every instance becomes `i32 @sym(ptr out, ptr exc, args...)`: 0 and the
 * result in *out, or 1 with the exception in *exc (see jp_excinfo).  Locals
 * are allocas that mem2reg/SROA promote.  A trampoline
 * `i32 @sym.tramp(ptr args, ptr out, ptr exc)` gives the dispatcher one C
 * signature for every instance.
 */
#include "jit/lower.h"
#include "jit/target.h"
#include "jit/engine.h"
#include "jit/errors.h"
#include "jit/resolve.h"
#include "jit/lib.h"
#include "jit/const_array.h"
#include "jit/objmode.h"
#include "jit/lower_optional.h"

#include "jit/lib_func.h"
#include "jit/lib_str.h"
#include "jit/dict.h"

#include <string.h>

LLVMTypeRef
jp_llvm_type(LLVMContextRef ctx, jp_type *t)
{
    LLVMTypeRef r;
    /* the cache holds types of the engine's shared context only (a CPU
     * compile has a context of its own, freed after it) */
    if (t->llvm && ctx == jp_engine_context())
        return (LLVMTypeRef)t->llvm;
    switch (t->kind) {
    case JP_BOOL: r = LLVMInt1TypeInContext(ctx); break;
    case JP_INT: r = LLVMIntTypeInContext(ctx, (unsigned)t->bits); break;
    case JP_FLOAT:
        r = t->bits == 32 ? LLVMFloatTypeInContext(ctx) : LLVMDoubleTypeInContext(ctx);
        break;
    case JP_COMPLEX: {
        LLVMTypeRef part = t->bits == 64 ? LLVMFloatTypeInContext(ctx) : LLVMDoubleTypeInContext(ctx);
        LLVMTypeRef parts[2] = {part, part};
        r = LLVMStructTypeInContext(ctx, parts, 2, 0);
        break;
    }
    case JP_TUPLE: {
        LLVMTypeRef elems[64];
        for (int i = 0; i < t->n; i++)
            elems[i] = jp_llvm_type(ctx, t->elems[i]);
        r = LLVMStructTypeInContext(ctx, elems, (unsigned)t->n, 0);
        break;
    }
    case JP_RANGE: {
        LLVMTypeRef i64 = LLVMInt64TypeInContext(ctx);
        LLVMTypeRef parts[3] = {i64, i64, i64};
        r = LLVMStructTypeInContext(ctx, parts, 3, 0);
        break;
    }
    case JP_ARRAY: {
        LLVMTypeRef ptr = LLVMPointerTypeInContext(ctx, 0);
        LLVMTypeRef dims = LLVMArrayType2(LLVMInt64TypeInContext(ctx), (unsigned long long)t->ndim);
        LLVMTypeRef parts[5] = {ptr, ptr, ptr, dims, dims};
        r = LLVMStructTypeInContext(ctx, parts, 5, 0);
        break;
    }
    case JP_RECORD_REF:
    case JP_LIST:
    case JP_GENERATOR:
    case JP_DEFERRED:
    case JP_STR:
    case JP_DICT:
    case JP_SET:
    case JP_CLASS: r = LLVMPointerTypeInContext(ctx, 0); break;
    case JP_OPTIONAL: {     /* {valid, value}: lower_optional.c */
        LLVMTypeRef parts[2] = {LLVMInt1TypeInContext(ctx), jp_llvm_type(ctx, t->dtype)};
        r = LLVMStructTypeInContext(ctx, parts, 2, 0);
        break;
    }
    default: r = LLVMInt8TypeInContext(ctx); break;   /* none, function, dtype, slice */
    }
    if (ctx == jp_engine_context())
        t->llvm = r;
    return r;
}

LLVMTypeRef
jp_llvm_fn_type(LLVMContextRef ctx, jp_instance *inst)
{
    LLVMTypeRef params[66];
    LLVMTypeRef ptr = LLVMPointerTypeInContext(ctx, 0);
    params[0] = ptr;
    params[1] = ptr;
    for (int i = 0; i < inst->nargs; i++)
        params[i + 2] = jp_llvm_type(ctx, inst->argtypes[i]);
    return LLVMFunctionType(LLVMInt32TypeInContext(ctx), params, (unsigned)inst->nargs + 2, 0);
}

jp_type *
jp_node_type(lctx *c, jp_node *n)
{
    return c->inst->node_types[n->id];
}

LLVMValueRef
jp_const_f64(lctx *c, double v)
{
    return LLVMConstReal(LLVMDoubleTypeInContext(c->ctx), v);
}

LLVMValueRef
jp_const_i64(lctx *c, long long v)
{
    return LLVMConstInt(LLVMInt64TypeInContext(c->ctx), (unsigned long long)v, 1);
}

/* Type-based alias info: array elements and the runtime's own structures
 * (jitclass fields, meminfo headers) never overlap, so a store into an
 * array cannot change a field read in the same loop and LLVM may hoist
 * the field load.  Untagged accesses still alias everything. */
void
jp_tbaa(lctx *c, LLVMValueRef access, jp_tbaa_kind kind)
{
    static const char *names[] = {"array data", "object fields"};
    LLVMMetadataRef root, node, tag, ops[3];
    LLVMMetadataRef zero = LLVMValueAsMetadata(jp_const_i64(c, 0));
    LLVMMetadataRef root_name = LLVMMDStringInContext2(c->ctx, "jitprofile tbaa", 15);

    if (!access || !LLVMIsAInstruction(access))
        return;
    root = LLVMMDNodeInContext2(c->ctx, &root_name, 1);
    ops[0] = LLVMMDStringInContext2(c->ctx, names[kind], strlen(names[kind]));
    ops[1] = root;
    ops[2] = zero;
    node = LLVMMDNodeInContext2(c->ctx, ops, 3);
    ops[0] = node;
    ops[1] = node;
    tag = LLVMMDNodeInContext2(c->ctx, ops, 3);
    LLVMSetMetadata(access, LLVMGetMDKindIDInContext(c->ctx, "tbaa", 4),
                    LLVMMetadataAsValue(c->ctx, tag));
}

static LLVMValueRef
const_ptr(lctx *c, const void *p)
{
    return LLVMConstIntToPtr(LLVMConstInt(LLVMInt64TypeInContext(c->ctx), (uintptr_t)p, 0),
                             LLVMPointerTypeInContext(c->ctx, 0));
}

LLVMValueRef
jp_alloca(lctx *c, LLVMTypeRef t, const char *name)
{
    LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(c->fn);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(c->ctx);
    LLVMValueRef first = LLVMGetFirstInstruction(entry), slot;
    if (first)
        LLVMPositionBuilderBefore(b, first);
    else
        LLVMPositionBuilderAtEnd(b, entry);
    slot = LLVMBuildAlloca(b, t, name);
    LLVMDisposeBuilder(b);
    return slot;
}

LLVMValueRef
jp_make_complex(lctx *c, jp_type *t, LLVMValueRef re, LLVMValueRef im)
{
    LLVMValueRef v = LLVMGetUndef(jp_llvm_type(c->ctx, t));    /* both fields are inserted below */
    v = LLVMBuildInsertValue(c->b, v, re, 0, "");
    return LLVMBuildInsertValue(c->b, v, im, 1, "");
}

/* libm functions compiled code calls: pure for LLVM (memory(none)), since
 * the checks CPython makes are done in IR and errno is never read.  Without
 * this LLVM must assume each call writes memory and reloads array data
 * after it. */
static int
is_pure_libm(const char *name)
{
    static const char *pure[] = {
        "sqrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan",
        "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
        "erf", "erfc", "tgamma", "lgamma", "cbrt", "hypot", "fmod", "pow", "floor", "ceil",
        "trunc", "rint", "fabs", "copysign",
    };
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof pure / sizeof pure[0]; i++) {
        size_t n = strlen(pure[i]);
        if (strncmp(name, pure[i], n) == 0 && (len == n || (len == n + 1 && name[n] == 'f')))
            return 1;
    }
    return 0;
}

LLVMValueRef
jp_call_extern(lctx *c, const char *name, LLVMTypeRef ret, LLVMValueRef *args, int nargs)
{
    LLVMTypeRef params[16];     /* (jp_rt_objmode takes 9: 8 overflowed the stack) */
    LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
    LLVMTypeRef fty;
    for (int i = 0; i < nargs; i++)
        params[i] = LLVMTypeOf(args[i]);
    fty = LLVMFunctionType(ret, params, (unsigned)nargs, 0);
    if (fn == NULL) {
        fn = LLVMAddFunction(c->mod, name, fty);
        if (is_pure_libm(name)) {
            static const char *attrs[] = {"nounwind", "willreturn", "nosync", "nofree"};
            unsigned mem = LLVMGetEnumAttributeKindForName("memory", 6);
            for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
                LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                                        LLVMCreateEnumAttribute(c->ctx, LLVMGetEnumAttributeKindForName(attrs[i], strlen(attrs[i])), 0));
            LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(c->ctx, mem, 0));
        }
    }
    return LLVMBuildCall2(c->b, fty, fn, args, (unsigned)nargs, "");
}

/* Make sure the builder sits in an open block (code after return/raise
 * goes to an unreachable block that LLVM deletes). */
static void
ensure_open(lctx *c)
{
    LLVMBasicBlockRef bb = LLVMGetInsertBlock(c->b);
    if (LLVMGetBasicBlockTerminator(bb)) {
        LLVMBasicBlockRef dead = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "dead");
        LLVMPositionBuilderAtEnd(c->b, dead);
    }
}

static void
branch_to(lctx *c, LLVMBasicBlockRef bb)
{
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, bb);
}

/* A constant string of this module (relocatable: cached code carries it). */
LLVMValueRef
jp_module_string(lctx *c, const char *text)
{
    size_t n = strlen(text);
    if (c->gpu)
        return LLVMConstNull(LLVMPointerTypeInContext(c->ctx, 0));     /* device code reports no text */
    LLVMValueRef init = LLVMConstStringInContext(c->ctx, text, (unsigned)n, 0);
    LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), "str");
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, 1);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    return g;
}

/* An exception class as a value of compiled code: a builtin one by the
 * symbol the engine defines for it (relocatable), another by address
 * (which keeps this code out of the on-disk cache). */
LLVMValueRef
jp_exception_class(lctx *c, PyObject *cls)
{
    PyObject *builtins = PyEval_GetBuiltins();
    const char *name = ((PyTypeObject *)cls)->tp_name;
    PyObject *same = builtins ? PyDict_GetItemString(builtins, name) : NULL;
    char sym[160];
    LLVMValueRef g;
    if (c->gpu)
        return LLVMConstNull(LLVMPointerTypeInContext(c->ctx, 0));
    if (same != cls) {
        c->inst->uncacheable = 1;
        return const_ptr(c, cls);
    }
    snprintf(sym, sizeof sym, "jp.pyexc.%s", name);
    if ((g = LLVMGetNamedGlobal(c->mod, sym)) == NULL)
        g = LLVMAddGlobal(c->mod, LLVMInt8TypeInContext(c->ctx), sym);
    return g;
}

void
jp_emit_raise(lctx *c, PyObject *cls, const char *msg)
{
    LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0);
    LLVMValueRef msg_ptr = msg ? jp_module_string(c, msg) : LLVMConstNull(ptr);
    LLVMValueRef slot1 = LLVMBuildGEP2(c->b, ptr, c->exc, (LLVMValueRef[]){jp_const_i64(c, 1)}, 1, "");
    LLVMValueRef slot2 = LLVMBuildGEP2(c->b, ptr, c->exc, (LLVMValueRef[]){jp_const_i64(c, 2)}, 1, "");
    LLVMBuildStore(c->b, jp_exception_class(c, cls), c->exc);
    LLVMBuildStore(c->b, msg_ptr, slot1);
    LLVMBuildStore(c->b, jp_const_i64(c, 0), slot2);
    jp_emit_raised(c, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 1, 0));
}

void
jp_check(lctx *c, LLVMValueRef failed, PyObject *cls, const char *msg)
{
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "raise");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ok");
    LLVMValueRef expect = LLVMGetNamedFunction(c->mod, "llvm.expect.i1");
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);
    LLVMTypeRef fty = LLVMFunctionType(i1, (LLVMTypeRef[]){i1, i1}, 2, 0);
    if (expect == NULL)
        expect = LLVMAddFunction(c->mod, "llvm.expect.i1", fty);
    failed = LLVMBuildCall2(c->b, fty, expect, (LLVMValueRef[]){failed, LLVMConstInt(i1, 0, 0)}, 2, "");
    LLVMBuildCondBr(c->b, failed, bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    jp_emit_raise(c, cls, msg);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

/* ---- conversions ------------------------------------------------------------- */

LLVMValueRef
jp_cast(lctx *c, LLVMValueRef v, jp_type *from, jp_type *to)
{
    LLVMTypeRef tt;
    if (from == to)
        return v;
    if (from->kind == JP_OPTIONAL || to->kind == JP_OPTIONAL)
        return jp_lower_optional_cast(c, v, from, to);     /* lower_optional.c */
    if (from->kind == JP_ARRAY && to->kind == JP_ARRAY && from->ndim == to->ndim)
        return v;       /* another layout or readonly flag: the same value */
    if (from->kind == JP_LIST && to->kind == JP_LIST)
        return v;       /* reflected or not, or an empty literal's list: one pointer */
    if ((from->kind == JP_DICT && to->kind == JP_DICT) || (from->kind == JP_SET && to->kind == JP_SET))
        return v;       /* an empty literal's dict or set, a reflected set: one pointer */
    tt = jp_llvm_type(c->ctx, to);
    if (to->kind == JP_BOOL)
        return jp_truth(c, v, from);
    if (to->kind == JP_INT) {
        if (from->kind == JP_BOOL)
            return LLVMBuildZExt(c->b, v, tt, "");
        if (from->kind == JP_INT) {
            if (from->bits == to->bits)
                return v;
            if (from->bits > to->bits)
                return LLVMBuildTrunc(c->b, v, tt, "");
            return from->is_signed ? LLVMBuildSExt(c->b, v, tt, "") : LLVMBuildZExt(c->b, v, tt, "");
        }
        if (from->kind == JP_FLOAT)
            return to->is_signed ? LLVMBuildFPToSI(c->b, v, tt, "") : LLVMBuildFPToUI(c->b, v, tt, "");
    }
    if (to->kind == JP_FLOAT) {
        if (from->kind == JP_BOOL)
            return LLVMBuildUIToFP(c->b, v, tt, "");
        if (from->kind == JP_INT)
            return from->is_signed ? LLVMBuildSIToFP(c->b, v, tt, "") : LLVMBuildUIToFP(c->b, v, tt, "");
        if (from->kind == JP_FLOAT)
            return from->bits < to->bits ? LLVMBuildFPExt(c->b, v, tt, "") : LLVMBuildFPTrunc(c->b, v, tt, "");
    }
    if (to->kind == JP_COMPLEX) {
        jp_type *part = jp_type_float(to->bits / 2);
        if (from->kind == JP_COMPLEX) {
            jp_type *fpart = jp_type_float(from->bits / 2);
            LLVMValueRef re = jp_cast(c, LLVMBuildExtractValue(c->b, v, 0, ""), fpart, part);
            LLVMValueRef im = jp_cast(c, LLVMBuildExtractValue(c->b, v, 1, ""), fpart, part);
            return jp_make_complex(c, to, re, im);
        }
        return jp_make_complex(c, to, jp_cast(c, v, from, part),
                               LLVMConstReal(jp_llvm_type(c->ctx, part), 0.0));
    }
    if (to->kind == JP_TUPLE && from->kind == JP_TUPLE && from->n == to->n) {
        LLVMValueRef r = LLVMGetUndef(tt);     /* every element is inserted below */
        for (int i = 0; i < to->n; i++) {
            LLVMValueRef e = LLVMBuildExtractValue(c->b, v, (unsigned)i, "");
            r = LLVMBuildInsertValue(c->b, r, jp_cast(c, e, from->elems[i], to->elems[i]),
                                     (unsigned)i, "");
        }
        return r;
    }
    return jp_lower_unhandled(c, tt, "a conversion from %s to %s", from->name, to->name);
}

LLVMValueRef
jp_truth(lctx *c, LLVMValueRef v, jp_type *t)
{
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);
    switch (t->kind) {
    case JP_BOOL:
        return v;
    case JP_INT:
        return LLVMBuildICmp(c->b, LLVMIntNE, v, LLVMConstNull(LLVMTypeOf(v)), "");
    case JP_FLOAT:
        return LLVMBuildFCmp(c->b, LLVMRealUNE, v, LLVMConstNull(LLVMTypeOf(v)), "");
    case JP_COMPLEX: {
        LLVMValueRef re = LLVMBuildExtractValue(c->b, v, 0, ""), im = LLVMBuildExtractValue(c->b, v, 1, "");
        return LLVMBuildOr(c->b, LLVMBuildFCmp(c->b, LLVMRealUNE, re, LLVMConstNull(LLVMTypeOf(re)), ""),
                           LLVMBuildFCmp(c->b, LLVMRealUNE, im, LLVMConstNull(LLVMTypeOf(im)), ""), "");
    }
    case JP_TUPLE:
        return LLVMConstInt(i1, t->n > 0, 0);
    case JP_LIST:
        return LLVMBuildICmp(c->b, LLVMIntNE, jp_list_len(c, v), jp_const_i64(c, 0), "");
    case JP_OPTIONAL:
        return jp_lower_optional_truth(c, v, t);
    case JP_STR:
        return LLVMBuildICmp(c->b, LLVMIntNE, jp_str_len(c, v), jp_const_i64(c, 0), "");
    case JP_DICT:
    case JP_SET:
        return LLVMBuildICmp(c->b, LLVMIntNE, jp_lower_dict_len(c, v), jp_const_i64(c, 0), "");
    default:
        return LLVMConstInt(i1, 0, 0);
    }
}

LLVMValueRef
jp_lower_pyconst(lctx *c, PyObject *value, jp_type *t)
{
    LLVMTypeRef tt = jp_llvm_type(c->ctx, t);
    switch (t->kind) {
    case JP_BOOL: return LLVMConstInt(tt, value == Py_True, 0);
    case JP_INT: return LLVMConstInt(tt, (unsigned long long)PyLong_AsLongLong(value), 1);
    case JP_FLOAT: return LLVMConstReal(tt, PyFloat_AsDouble(value));
    case JP_COMPLEX: {
        LLVMTypeRef part = LLVMStructGetTypeAtIndex(tt, 0);
        LLVMValueRef parts[2] = {LLVMConstReal(part, PyComplex_RealAsDouble(value)),
                                 LLVMConstReal(part, PyComplex_ImagAsDouble(value))};
        return LLVMConstStructInContext(c->ctx, parts, 2, 0);
    }
    case JP_TUPLE: {
        LLVMValueRef elems[64];
        for (int i = 0; i < t->n; i++)
            elems[i] = jp_lower_pyconst(c, PyTuple_GET_ITEM(value, i), t->elems[i]);
        return LLVMConstStructInContext(c->ctx, elems, (unsigned)t->n, 0);
    }
    default:
        return LLVMConstNull(tt);
    }
}

/* ---- expressions ------------------------------------------------------------- */

static LLVMValueRef
lower_const(lctx *c, jp_node *n)
{
    jp_type *t = n->u.cnst.type;
    LLVMTypeRef tt = jp_llvm_type(c->ctx, t);
    switch (t->kind) {
    case JP_BOOL:
    case JP_INT: return LLVMConstInt(tt, (unsigned long long)n->u.cnst.v.i, 1);
    case JP_FLOAT: return LLVMConstReal(tt, n->u.cnst.v.f);
    case JP_COMPLEX: {
        LLVMTypeRef part = LLVMStructGetTypeAtIndex(tt, 0);
        LLVMValueRef parts[2] = {LLVMConstReal(part, n->u.cnst.v.c[0]),
                                 LLVMConstReal(part, n->u.cnst.v.c[1])};
        return LLVMConstStructInContext(c->ctx, parts, 2, 0);
    }
    default: return LLVMConstNull(tt);
    }
}

/* Evaluate `values` left to right as Python's and/or do, into type t. */
static LLVMValueRef
lower_boolop(lctx *c, jp_node *n)
{
    jp_type *t = jp_node_type(c, n);
    LLVMValueRef slot = jp_alloca(c, jp_llvm_type(c->ctx, t), "boolop");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "boolop.done");
    for (int i = 0; i < n->u.boolop.n; i++) {
        jp_node *vn = n->u.boolop.values[i];
        jp_type *vt = jp_node_type(c, vn);
        LLVMValueRef v = jp_lower_expr(c, vn);
        LLVMBuildStore(c->b, jp_cast(c, v, vt, t), slot);
        if (i + 1 < n->u.boolop.n) {
            LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "boolop.next");
            LLVMValueRef truth = jp_truth(c, v, vt);
            if (n->u.boolop.is_and)
                LLVMBuildCondBr(c->b, truth, next, done);
            else
                LLVMBuildCondBr(c->b, truth, done, next);
            LLVMPositionBuilderAtEnd(c->b, next);
        }
    }
    LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, t), slot, "");
}

static LLVMValueRef
lower_ifexp(lctx *c, jp_node *n)
{
    jp_type *t = jp_node_type(c, n);
    LLVMTypeRef tt = jp_llvm_type(c->ctx, t);
    LLVMValueRef slot = jp_alloca(c, tt, "ifexp");
    LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ifexp.then");
    LLVMBasicBlockRef no = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ifexp.else");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "ifexp.done");
    LLVMValueRef test = jp_lower_expr(c, n->u.ifexp.test);
    LLVMBuildCondBr(c->b, jp_truth(c, test, jp_node_type(c, n->u.ifexp.test)), yes, no);
    LLVMPositionBuilderAtEnd(c->b, yes);
    LLVMBuildStore(c->b, jp_cast(c, jp_lower_expr(c, n->u.ifexp.body), jp_node_type(c, n->u.ifexp.body), t), slot);
    LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, no);
    LLVMBuildStore(c->b, jp_cast(c, jp_lower_expr(c, n->u.ifexp.orelse), jp_node_type(c, n->u.ifexp.orelse), t), slot);
    LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    return LLVMBuildLoad2(c->b, tt, slot, "");
}

static LLVMValueRef
lower_compare(lctx *c, jp_node *n)
{
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);
    LLVMValueRef slot = NULL, left, result = NULL;
    LLVMBasicBlockRef done = NULL;
    jp_type *lt;
    int chained = n->u.compare.n > 1;

    if (chained) {
        slot = jp_alloca(c, i1, "cmp");
        done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "cmp.done");
    }
    left = jp_lower_expr(c, n->u.compare.operands[0]);
    lt = jp_node_type(c, n->u.compare.operands[0]);
    for (int i = 0; i < n->u.compare.n; i++) {
        jp_node *rn = n->u.compare.operands[i + 1];
        LLVMValueRef right = jp_lower_expr(c, rn);
        jp_type *rt = jp_node_type(c, rn);
        result = jp_lower_compare(c, n->u.compare.ops[i], left, lt, right, rt);
        if (chained) {
            LLVMBuildStore(c->b, result, slot);
            if (i + 1 < n->u.compare.n) {
                LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "cmp.next");
                LLVMBuildCondBr(c->b, result, next, done);
                LLVMPositionBuilderAtEnd(c->b, next);
            }
        }
        left = right;
        lt = rt;
    }
    if (!chained)
        return result;
    LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    return LLVMBuildLoad2(c->b, i1, slot, "");
}

LLVMValueRef
jp_lower_instance_call(lctx *c, jp_node *n, LLVMValueRef self)
{
    jp_instance *callee = c->inst->callees[n->id];
    jp_arg_source *src = c->inst->bindings[n->id];
    LLVMValueRef args[66], fn, slot, status;
    if (callee->compiled)
        c->inst->uncacheable = 1;       /* linked to code of another compile, by a local name */
    LLVMTypeRef fty = jp_llvm_fn_type(c->ctx, callee);
    LLVMTypeRef rt = jp_llvm_type(c->ctx, callee->ret);
    LLVMBasicBlockRef bad, ok;

    for (int i = 0; i < callee->nargs; i++) {
        jp_type *want = callee->argtypes[i];
        if (src[i].kind == 3) {         /* a method's instance */
            args[i + 2] = self;
        } else if (src[i].kind == 4 || src[i].kind == 5) {     /* *args (lib_func.c) */
            args[i + 2] = jp_lower_bound_arg(c, n, src[i], want);
        } else if (src[i].kind == 2) {
            PyObject *dv = callee->ir->defaults[src[i].index];
            args[i + 2] = jp_cast(c, jp_lower_pyconst(c, dv, jp_typeof(dv)), jp_typeof(dv), want);
        } else {
            jp_node *an = src[i].kind == 0 ? n->u.call.args[src[i].index]
                                           : n->u.call.kwvalues[src[i].index];
            args[i + 2] = jp_cast(c, jp_lower_expr(c, an), jp_node_type(c, an), want);
        }
    }
    slot = jp_alloca(c, rt, "ret");
    args[0] = slot;
    args[1] = c->exc;
    fn = LLVMGetNamedFunction(c->mod, callee->symbol);
    if (fn == NULL)
        fn = LLVMAddFunction(c->mod, callee->symbol, fty);
    status = LLVMBuildCall2(c->b, fty, fn, args, (unsigned)callee->nargs + 2, "");
    bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "call.raised");
    ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "call.ok");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, status, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 0, 0), ""), bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    jp_emit_raised(c, status);
    LLVMPositionBuilderAtEnd(c->b, ok);
    {
        LLVMValueRef r = LLVMBuildLoad2(c->b, rt, slot, "");
        if (jp_type_is_managed(callee->ret))
            jp_register_temp(c, r, callee->ret);
        return r;
    }
}

/* A call through a C function pointer (ctypes/CFFI), by address. */
static LLVMValueRef
lower_cfunc_call(lctx *c, jp_node *n)
{
    PyObject *desc = n->u.call.func->u.callee.obj, *types = PyTuple_GET_ITEM(desc, 2);
    unsigned long long address = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(desc, 0));
    c->inst->uncacheable = 1;       /* a process-specific address */
    jp_type *ret = jp_node_type(c, n);
    LLVMTypeRef params[32], fty, ptr = LLVMPointerTypeInContext(c->ctx, 0);
    LLVMValueRef args[32], fn, r;
    int nargs = n->u.call.nargs;
    for (int i = 0; i < nargs && i < 32; i++) {
        const char *want = PyUnicode_AsUTF8(PyTuple_GET_ITEM(types, i));
        jp_node *an = n->u.call.args[i];
        LLVMValueRef v = jp_lower_expr(c, an);
        if (strncmp(want, "ptr:", 4) == 0) {
            args[i] = jp_arr_field(c, v, 2, 0);
            params[i] = ptr;
        } else {
            jp_type *pt = jp_parse_type(want);
            args[i] = jp_cast(c, v, jp_node_type(c, an), pt);
            params[i] = jp_llvm_type(c->ctx, pt);
            if (pt->kind == JP_BOOL) {      /* C _Bool is a byte */
                args[i] = LLVMBuildZExt(c->b, args[i], LLVMInt8TypeInContext(c->ctx), "");
                params[i] = LLVMInt8TypeInContext(c->ctx);
            }
        }
    }
    fty = LLVMFunctionType(ret->kind == JP_NONE ? LLVMVoidTypeInContext(c->ctx)
                           : ret->kind == JP_BOOL ? LLVMInt8TypeInContext(c->ctx) : jp_llvm_type(c->ctx, ret),
                           params, (unsigned)nargs, 0);
    fn = LLVMConstIntToPtr(LLVMConstInt(LLVMInt64TypeInContext(c->ctx), address, 0), ptr);
    r = LLVMBuildCall2(c->b, fty, fn, args, (unsigned)nargs, "");
    if (ret->kind == JP_NONE)
        return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
    if (ret->kind == JP_BOOL)
        return LLVMBuildICmp(c->b, LLVMIntNE, r, LLVMConstInt(LLVMInt8TypeInContext(c->ctx), 0, 0), "");
    return r;
}

static LLVMValueRef
lower_dispatcher_call(lctx *c, jp_node *n)
{
    return jp_lower_instance_call(c, n, NULL);
}

static LLVMValueRef
lower_call(lctx *c, jp_node *n)
{
    jp_node *f = n->u.call.func;
    if (f->kind == E_ATTR && jp_node_type(c, f->u.attr.value)->kind == JP_ARRAY)
        return jp_lower_array_method(c, n);
    if (f->kind == E_ATTR && jp_node_type(c, f->u.attr.value)->kind == JP_CLASS)
        return jp_lower_instance_call(c, n, jp_lower_expr(c, f->u.attr.value));
    if (f->kind == E_ATTR && jp_node_type(c, f->u.attr.value)->kind == JP_LIST)
        return jp_lower_list_method(c, n);
    if (f->kind == E_ATTR && jp_node_type(c, f->u.attr.value)->kind == JP_STR)
        return jp_lower_str_method(c, n);
    if (f->kind == E_ATTR && (jp_node_type(c, f->u.attr.value)->kind == JP_DICT
                              || jp_node_type(c, f->u.attr.value)->kind == JP_SET))
        return jp_lower_dict_method(c, n);              /* lower_dict.c, lower_set.c (the resolved entry) */
    if (f->kind == E_ATTR) {        /* x.conjugate() */
        jp_type *t = jp_node_type(c, f->u.attr.value);
        LLVMValueRef v = jp_lower_expr(c, f->u.attr.value);
        if (t->kind == JP_COMPLEX) {
            LLVMValueRef im = LLVMBuildExtractValue(c->b, v, 1, "");
            return LLVMBuildInsertValue(c->b, v, LLVMBuildFNeg(c->b, im, ""), 1, "");
        }
        return jp_cast(c, v, t, jp_node_type(c, n));
    }
    if (f->kind != E_CALLEE && jp_node_type(c, f)->kind == JP_DTYPE) {    /* np.float32(x) */
        jp_node *an = n->u.call.args[0];
        return jp_cast(c, jp_lower_expr(c, an), jp_node_type(c, an), jp_node_type(c, n));
    }
    if (f->kind != E_CALLEE)        /* a function-typed local: the callee is static */
        return lower_dispatcher_call(c, n);
    switch (f->u.callee.kind) {
    case CALLEE_BUILTIN: return jp_lower_builtin_call(c, n);
    case CALLEE_MATH:
    case CALLEE_CMATH:
        if (jp_node_type(c, n)->kind == JP_FLOAT && jp_node_type(c, n)->bits == 32)
            return jp_lower_math_call_f32(c, n);
        return jp_lower_math_call(c, n);
    case CALLEE_NUMPY: return jp_lower_numpy_call(c, n);
    case CALLEE_GENERATED: return lower_dispatcher_call(c, n);
    case CALLEE_CFUNC: return lower_cfunc_call(c, n);
    case CALLEE_CLASS: return jp_lower_class_new(c, n);
    case CALLEE_INTRINSIC: return jp_lower_intrinsic(c, n, 1);     /* target.c */
    case CALLEE_LIB: return jp_lower_lib_call(c, n);
    case CALLEE_MODULE: return jp_lower_module_call(c, n);
    default: return lower_dispatcher_call(c, n);
    }
}

static LLVMValueRef
lower_subscript(lctx *c, jp_node *n)
{
    jp_type *tt = jp_node_type(c, n->u.subscript.value);
    if (tt->kind == JP_ARRAY || tt->kind == JP_RECORD_REF)
        return jp_lower_array_subscript(c, n);
    if (tt->kind == JP_LIST)
        return jp_lower_list_subscript(c, n);
    if (tt->kind == JP_STR)
        return jp_lower_str_subscript(c, n);
    if (tt->kind == JP_DICT)
        return jp_lower_dict_subscript(c, n);           /* lower_dict.c */
    if (n->u.subscript.index->kind == E_SLICE)
        return jp_lower_tuple_slice(c, n);
    LLVMValueRef tv = jp_lower_expr(c, n->u.subscript.value);
    jp_node *in = n->u.subscript.index;
    jp_type *it = jp_node_type(c, in);
    LLVMValueRef idx, arr, ptr, neg;
    LLVMTypeRef et, arrt;

    if (in->kind == E_CONST || (in->kind == E_UNARY && in->u.unary.operand->kind == E_CONST)) {
        long long k = in->kind == E_CONST ? in->u.cnst.v.i : -in->u.unary.operand->u.cnst.v.i;
        if (k < 0)
            k += tt->n;
        return LLVMBuildExtractValue(c->b, tv, (unsigned)k, "");
    }
    /* a UniTuple indexed at run time: through memory */
    et = jp_llvm_type(c->ctx, tt->elems[0]);
    arrt = LLVMArrayType2(et, (unsigned long long)tt->n);
    arr = jp_alloca(c, arrt, "tuple");
    LLVMBuildStore(c->b, tv, arr);
    idx = jp_cast(c, jp_lower_expr(c, in), it, jp_type_int(64, 1));
    neg = LLVMBuildICmp(c->b, LLVMIntSLT, idx, jp_const_i64(c, 0), "");
    idx = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, idx, jp_const_i64(c, tt->n), ""), idx, "");
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntUGE, idx, jp_const_i64(c, tt->n), ""),
             PyExc_IndexError, "tuple index out of range");
    ptr = LLVMBuildGEP2(c->b, arrt, arr, (LLVMValueRef[]){jp_const_i64(c, 0), idx}, 2, "");
    return LLVMBuildLoad2(c->b, et, ptr, "");
}

static LLVMValueRef
lower_expr_node(lctx *c, jp_node *n)
{
    jp_type *t = jp_node_type(c, n);
    if (t->kind == JP_ARRAY && (n->kind == E_BINOP || n->kind == E_UNARY || n->kind == E_COMPARE || n->kind == E_CALL)) {
        LLVMValueRef fused = jp_lower_fused(c, n, NULL, NULL, -1);     /* lower_fuse.c */
        if (fused)
            return fused;
    }
    switch (n->kind) {
    case E_CALLEE:      /* intrinsic values (a thread index) and jitted functions as values */
        if (n->u.callee.kind == CALLEE_DISPATCHER)
            return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));    /* JP_FUNCTION: the type is the value */
        return jp_lower_intrinsic(c, n, 0);                         /* target.c */
    case E_CONST:
        return lower_const(c, n);
    case E_STR:
        return jp_lower_str_const(c, n);
    case E_LOCAL: {
        int idx = n->u.local.index;
        if (c->defined && c->defined[idx]) {
            /* assigned on some paths only: CPython raises UnboundLocalError;
             * where a store dominates, LLVM folds this check away */
            LLVMValueRef ok = LLVMBuildLoad2(c->b, LLVMInt1TypeInContext(c->ctx), c->defined[idx], "");
            jp_check(c, LLVMBuildNot(c->b, ok, ""), PyExc_UnboundLocalError,
                     jp_unbound_message(c->ir->local_names[idx]));
        }
        return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, t), c->vars[idx], c->ir->local_names[idx]);
    }
    case E_BINOP: {
        jp_node *l = n->u.binop.left, *r = n->u.binop.right;
        LLVMValueRef a = jp_lower_expr(c, l), b = jp_lower_expr(c, r);
        jp_type *tl = jp_node_type(c, l), *tr = jp_node_type(c, r);
        if (n->u.binop.op == OP_MATMUL)
            return jp_lower_numpy_call(c, n);
        if (tl->kind == JP_ARRAY || tr->kind == JP_ARRAY)
            return jp_lower_array_binop(c, n, n->u.binop.op, a, tl, b, tr, t, NULL);
        if (tl->kind == JP_SET || tr->kind == JP_SET)
            return jp_lower_set_binop(c, n, a, b);      /* lower_set.c */
        if (tl->kind == JP_LIST || tr->kind == JP_LIST)
            return jp_lower_list_binop(c, n, a, b);
        return jp_lower_binop(c, n->u.binop.op, a, tl, b, tr, t, r);
    }
    case E_UNARY: {
        jp_node *o = n->u.unary.operand;
        jp_type *ot = jp_node_type(c, o);
        LLVMValueRef v = jp_lower_expr(c, o);
        if (ot->kind == JP_ARRAY)
            return jp_lower_array_unary(c, n, v, ot, t);
        switch (n->u.unary.op) {
        case UOP_NOT:
            return LLVMBuildNot(c->b, jp_truth(c, v, ot), "");
        case UOP_INVERT:
            return LLVMBuildNot(c->b, jp_cast(c, v, ot, t), "");
        case UOP_POS:
            return jp_cast(c, v, ot, t);
        case UOP_NEG:
            v = jp_cast(c, v, ot, t);
            if (t->kind == JP_INT)
                return LLVMBuildNeg(c->b, v, "");
            if (t->kind == JP_FLOAT)
                return LLVMBuildFNeg(c->b, v, "");
            return jp_make_complex(c, t, LLVMBuildFNeg(c->b, LLVMBuildExtractValue(c->b, v, 0, ""), ""),
                                   LLVMBuildFNeg(c->b, LLVMBuildExtractValue(c->b, v, 1, ""), ""));
        }
        return jp_lower_unhandled(c, jp_llvm_type(c->ctx, t), "unary operator %d on %s", (int)n->u.unary.op, ot->name);
    }
    case E_COMPARE:
        if (t->kind == JP_ARRAY) {
            jp_node *l = n->u.compare.operands[0], *r = n->u.compare.operands[1];
            LLVMValueRef a = jp_lower_expr(c, l), b = jp_lower_expr(c, r);
            return jp_lower_array_compare(c, n, a, jp_node_type(c, l), b, jp_node_type(c, r), t);
        }
        return lower_compare(c, n);
    case E_BOOLOP:
        return lower_boolop(c, n);
    case E_IFEXP:
        return lower_ifexp(c, n);
    case E_CALL:
        return lower_call(c, n);
    case E_TUPLE: {
        LLVMValueRef v = LLVMGetUndef(jp_llvm_type(c->ctx, t));    /* every element is inserted below */
        for (int i = 0; i < n->u.tuple.n; i++)
            v = LLVMBuildInsertValue(c->b, v, jp_lower_expr(c, n->u.tuple.elts[i]), (unsigned)i, "");
        return v;
    }
    case E_SUBSCRIPT:
        return lower_subscript(c, n);
    case E_LIST:
        return jp_lower_list_literal(c, n);
    case E_DICT:
        return jp_lower_dict_literal(c, n);
    case E_SET:
        return jp_lower_set_literal(c, n);
    case E_LISTCOMP:
        return jp_lower_listcomp(c, n);
    case E_ATTR: {
        jp_type *vt = jp_node_type(c, n->u.attr.value);
        LLVMValueRef v;
        if (vt->kind == JP_ARRAY || vt->kind == JP_RECORD_REF)
            return jp_lower_array_attr(c, n);
        if (vt->kind == JP_CLASS)
            return jp_lower_class_attr(c, n);
        v = jp_lower_expr(c, n->u.attr.value);
        int imag = strcmp(n->u.attr.name, "imag") == 0;
        if (vt->kind == JP_COMPLEX)
            return LLVMBuildExtractValue(c->b, v, imag ? 1 : 0, "");
        if (imag)
            return LLVMConstNull(jp_llvm_type(c->ctx, t));
        return jp_cast(c, v, vt, t);
    }
    case E_ARRAYCONST:
        return jp_lower_array_const(c, n);
    case E_YIELD:
        return jp_lower_yield(c, n);
    default:
        return jp_lower_unhandled(c, jp_llvm_type(c->ctx, t), "this kind of expression (node kind %d)", (int)n->kind);
    }
}

LLVMValueRef
jp_lower_expr(lctx *c, jp_node *n)
{
    LLVMMetadataRef saved = jp_dbg_set_location(c->dbg, c->b, n->line, n->col);
    jp_node *saved_at = c->at;
    LLVMValueRef v;
    c->at = n;
    if (c->inst->opt_natural[n->id])
        v = jp_lower_optional_expr(c, n, lower_expr_node);     /* an Optional used as its value */
    else
        v = lower_expr_node(c, n);
    c->at = saved_at;
    jp_dbg_restore_location(c->dbg, c->b, saved);
    return v;
}

/* ---- statements --------------------------------------------------------------- */



/* The old values an unpacking assignment took out of its targets. */
typedef struct unpacked {
    LLVMValueRef v[32];
    jp_type *t[32];
    int n;
} unpacked;

static int
count_managed_leaves(lctx *c, jp_node *target)
{
    int n = 0;
    if (target->kind == E_LOCAL)
        return jp_type_is_managed(c->inst->var_types[target->u.local.index]);
    for (int i = 0; i < target->u.tuple.n; i++)
        n += count_managed_leaves(c, target->u.tuple.elts[i]);
    return n;
}

/* Store v into the locals of target without reference counting of the new
 * values (the caller took those references); managed old values go to olds. */
static void
store_leaves(lctx *c, jp_node *target, LLVMValueRef v, jp_type *vt, unpacked *olds)
{
    if (target->kind == E_LOCAL) {
        int idx = target->u.local.index;
        jp_type *var_t = c->inst->var_types[idx];
        LLVMValueRef nv = jp_cast(c, v, vt, var_t);
        if (jp_type_is_managed(var_t)) {
            olds->v[olds->n] = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, var_t), c->vars[idx], "");
            olds->t[olds->n++] = var_t;
        }
        LLVMBuildStore(c->b, nv, c->vars[idx]);
        if (c->defined && c->defined[idx])
            LLVMBuildStore(c->b, LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0), c->defined[idx]);
        return;
    }
    for (int i = 0; i < target->u.tuple.n; i++)
        store_leaves(c, target->u.tuple.elts[i], LLVMBuildExtractValue(c->b, v, (unsigned)i, ""), vt->elems[i], olds);
}

void
jp_store_target(lctx *c, jp_node *target, LLVMValueRef v, jp_type *vt)
{
    if (target->kind == E_LOCAL) {
        int idx = target->u.local.index;
        jp_type *var_t = c->inst->var_types[idx];
        LLVMValueRef nv = jp_cast(c, v, vt, var_t);
        if (jp_type_is_managed(var_t)) {
            LLVMValueRef old = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, var_t), c->vars[idx], "");
            jp_incref(c, nv, var_t);
            jp_decref(c, old, var_t);
        }
        LLVMBuildStore(c->b, nv, c->vars[idx]);
        if (c->defined && c->defined[idx])
            LLVMBuildStore(c->b, LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0), c->defined[idx]);
        return;
    }
    if (vt->kind == JP_LIST) {          /* a, b = lst: a tuple of its items (lower_list.c) */
        v = jp_lower_list_unpack(c, v, vt, target->u.tuple.n);
        vt = c->inst->node_types[target->id];
    }
    /* Unpacking: the value's elements can be the very variables being
     * rebound (a, b = b, a), and each store releases the target's old value.
     * So the assignment takes its references to every new value first, then
     * stores the targets left to right (each taking out its old value), and
     * only then releases the old values: no store frees an element still to
     * be stored, and a name bound twice (a, a = x, y) releases each of its
     * old values once. */
    if (jp_type_is_managed(vt)) {
        unpacked olds = {.n = 0};
        if (count_managed_leaves(c, target) <= (int)(sizeof olds.v / sizeof olds.v[0])) {
            jp_incref(c, v, vt);
            store_leaves(c, target, v, vt, &olds);
            for (int i = 0; i < olds.n; i++)
                jp_decref(c, olds.v[i], olds.t[i]);
            return;
        }
        /* very many names: hold the whole value across ordinary stores */
        jp_incref(c, v, vt);
        for (int i = 0; i < target->u.tuple.n; i++)
            jp_store_target(c, target->u.tuple.elts[i], LLVMBuildExtractValue(c->b, v, (unsigned)i, ""),
                         vt->elems[i]);
        jp_decref(c, v, vt);
        return;
    }
    for (int i = 0; i < target->u.tuple.n; i++)
        jp_store_target(c, target->u.tuple.elts[i], LLVMBuildExtractValue(c->b, v, (unsigned)i, ""),
                     vt->elems[i]);
}

static void
lower_return(lctx *c, jp_node *s)
{
    jp_type *rt = c->inst->ret;
    if (s->u.expr.value && rt->kind != JP_NONE) {
        LLVMValueRef v = jp_lower_expr(c, s->u.expr.value);
        v = jp_cast(c, v, jp_node_type(c, s->u.expr.value), rt);
        if (jp_type_is_managed(rt))
            jp_incref(c, v, rt);        /* the caller's reference */
        if (c->try_scope)
            jp_try_store_return(c, v, rt);
        else
            LLVMBuildStore(c->b, v, c->out);
    } else if (s->u.expr.value) {
        jp_lower_expr(c, s->u.expr.value);
    }
    if (c->try_scope) {
        jp_try_return(c);
        return;
    }
    jp_emit_exit_cleanup(c);
    LLVMBuildRet(c->b, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 0, 0));
}

static void
lower_loop_body(lctx *c, jp_block *body, LLVMBasicBlockRef brk, LLVMBasicBlockRef cont)
{
    c->break_bb[c->loop_depth] = brk;
    c->continue_bb[c->loop_depth] = cont;
    c->loop_depth++;
    jp_lower_block(c, body);
    c->loop_depth--;
}

static void
lower_while(lctx *c, jp_node *s)
{
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "while.head");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "while.body");
    LLVMBasicBlockRef orelse = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "while.else");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "while.done");
    LLVMValueRef test;
    LLVMBuildBr(c->b, head);
    LLVMPositionBuilderAtEnd(c->b, head);
    {
        int mark = c->ntemps;
        LLVMValueRef truth;
        test = jp_lower_expr(c, s->u.cond.test);
        truth = jp_truth(c, test, jp_node_type(c, s->u.cond.test));
        jp_release_temps(c, mark);
        LLVMBuildCondBr(c->b, truth, body, orelse);
    }
    LLVMPositionBuilderAtEnd(c->b, body);
    lower_loop_body(c, &s->u.cond.body, done, head);
    branch_to(c, head);
    LLVMPositionBuilderAtEnd(c->b, orelse);
    jp_lower_block(c, &s->u.cond.orelse);
    branch_to(c, done);
    LLVMPositionBuilderAtEnd(c->b, done);
}

/* for target in range(start, stop, step) / in a UniTuple */
static void
lower_for(lctx *c, jp_node *s)
{
    jp_node *it = s->u.loop.iter;
    jp_type *itype = jp_node_type(c, it);
    LLVMTypeRef i64 = LLVMInt64TypeInContext(c->ctx);
    LLVMValueRef start, stop, step, counter, i, cond, trips, tuple_mem = NULL, array_slot = NULL;
    LLVMBasicBlockRef head, body, latch, orelse, done;
    jp_type *int64 = jp_type_int(64, 1);
    long long const_step = 1;
    int step_known = 1, counter_nsw = 0;

    if (itype->kind == JP_ITER) {       /* a.flat, np.ndenumerate, zip of arrays, ... (lower_iter.c) */
        jp_lower_iterator_for(c, s);
        return;
    }
    if (jp_is_iter_call(it)) {          /* zip / enumerate / reversed of sources (lib_iter.c) */
        jp_lower_iter_for(c, s);
        return;
    }
    if (itype->kind == JP_LIST) {
        jp_lower_list_for(c, s);
        return;
    }
    if (itype->kind == JP_GENERATOR) {
        jp_lower_generator_for(c, s);
        return;
    }
    if (itype->kind == JP_STR) {
        jp_lower_str_for(c, s);
        return;
    }
    if (itype->kind == JP_DICT || itype->kind == JP_SET) {
        jp_lower_dict_for(c, s);                        /* lower_dict.c: keys, or a set's items */
        return;
    }
    if (itype->kind == JP_RANGE) {
        jp_node **args = it->u.call.args;
        int nargs = it->u.call.nargs;
        LLVMValueRef v[3] = {NULL, NULL, NULL};
        for (int k = 0; k < nargs; k++)
            v[k] = jp_cast(c, jp_lower_expr(c, args[k]), jp_node_type(c, args[k]), int64);
        start = nargs == 1 ? jp_const_i64(c, 0) : v[0];
        stop = nargs == 1 ? v[0] : v[1];
        step = nargs == 3 ? v[2] : jp_const_i64(c, 1);
        if (it->u.call.func->u.callee.id == B_PRANGE && c->opts && c->opts->parallel) {
            jp_lower_prange(c, s, start, stop, step);
            jp_lower_block(c, &s->u.loop.orelse);
            return;
        }
        if (nargs == 3) {
            jp_node *sn = args[2];
            if (sn->kind == E_CONST)
                const_step = sn->u.cnst.v.i;
            else if (sn->kind == E_UNARY && sn->u.unary.op == UOP_NEG && sn->u.unary.operand->kind == E_CONST)
                const_step = -sn->u.unary.operand->u.cnst.v.i;
            else
                step_known = 0;
            if (!step_known || const_step == 0)
                jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, step, jp_const_i64(c, 0), ""),
                         PyExc_ValueError, "range() arg 3 must not be zero");
        }
    } else if (itype->kind == JP_ARRAY) {
        /* hold the iterable for the whole loop in a hidden owned slot */
        int mark = c->ntemps;
        LLVMValueRef arr = jp_lower_expr(c, it);
        array_slot = jp_alloca(c, jp_llvm_type(c->ctx, itype), "iter.array");
        jp_own_slots(c, array_slot, itype);
        jp_incref(c, arr, itype);
        LLVMBuildStore(c->b, arr, array_slot);
        jp_release_temps(c, mark);
        start = jp_const_i64(c, 0);
        stop = jp_arr_field(c, arr, 3, 0);
        step = jp_const_i64(c, 1);
    } else {
        LLVMTypeRef et = itype->n ? jp_llvm_type(c->ctx, itype->elems[0]) : i64;
        tuple_mem = jp_alloca(c, LLVMArrayType2(et, (unsigned long long)itype->n), "iter");
        LLVMBuildStore(c->b, jp_lower_expr(c, it), tuple_mem);
        start = jp_const_i64(c, 0);
        stop = jp_const_i64(c, itype->n);
        step = jp_const_i64(c, 1);
    }
    /* iterate k over the trip count and derive i = start + k*step: a
     * counter that walks i itself could wrap past stop near the int64
     * limits */
    {
        LLVMValueRef zero = jp_const_i64(c, 0), one = jp_const_i64(c, 1);
        LLVMValueRef up = LLVMBuildICmp(c->b, LLVMIntSGT, stop, start, "");
        LLVMValueRef down = LLVMBuildICmp(c->b, LLVMIntSLT, stop, start, "");
        LLVMValueRef n_up = LLVMBuildAdd(c->b, LLVMBuildUDiv(c->b, LLVMBuildSub(c->b, LLVMBuildSub(c->b, stop, start, ""), one, ""),
                                                             step, ""), one, "");
        LLVMValueRef n_down = LLVMBuildAdd(c->b, LLVMBuildUDiv(c->b, LLVMBuildSub(c->b, LLVMBuildSub(c->b, start, stop, ""), one, ""),
                                                               LLVMBuildNeg(c->b, step, ""), ""), one, "");
        if (step_known && const_step == 1)
            trips = LLVMBuildSelect(c->b, up, LLVMBuildSub(c->b, stop, start, ""), zero, "");
        else if (step_known)
            trips = const_step > 0 ? LLVMBuildSelect(c->b, up, n_up, zero, "")
                                   : LLVMBuildSelect(c->b, down, n_down, zero, "");
        else
            trips = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSGT, step, zero, ""),
                                    LLVMBuildSelect(c->b, up, n_up, zero, ""),
                                    LLVMBuildSelect(c->b, down, n_down, zero, ""), "");
    }
    counter = jp_alloca(c, i64, "for.k");
    LLVMBuildStore(c->b, jp_const_i64(c, 0), counter);
    head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "for.head");
    body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "for.body");
    latch = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "for.latch");
    orelse = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "for.else");
    done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "for.done");
    LLVMBuildBr(c->b, head);

    LLVMPositionBuilderAtEnd(c->b, head);
    {
        /* With a constant start >= 0 and a constant step > 0 the trip count
         * fits in int64: a signed counter that cannot wrap tells LLVM that
         * i >= 0, so negative-index wrap-around folds away in the body. */
        LLVMValueRef k = LLVMBuildLoad2(c->b, i64, counter, "k");
        int small = LLVMIsAConstantInt(start) && LLVMConstIntGetSExtValue(start) >= 0 && step_known && const_step > 0;
        counter_nsw = small;
        cond = LLVMBuildICmp(c->b, small ? LLVMIntSLT : LLVMIntULT, k, trips, "");
        if (tuple_mem || array_slot)
            i = k;
        else if (small)
            i = LLVMBuildNSWAdd(c->b, start, LLVMBuildNSWMul(c->b, k, step, ""), "i");
        else
            i = LLVMBuildAdd(c->b, start, LLVMBuildMul(c->b, k, step, ""), "i");
    }
    LLVMBuildCondBr(c->b, cond, body, orelse);

    LLVMPositionBuilderAtEnd(c->b, body);
    if (array_slot) {
        int mark = c->ntemps;
        LLVMValueRef arr = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, itype), array_slot, "");
        jp_type *et = jp_node_type(c, s->u.loop.target);
        if (s->u.loop.target->kind == E_LOCAL)
            et = itype->ndim == 1 ? (itype->dtype->kind == JP_RECORD ? jp_type_record_ref(itype->dtype) : itype->dtype)
                                  : jp_type_array(itype->dtype, itype->ndim - 1, itype->layout == 'C' ? 'C' : 'A', itype->readonly);
        jp_store_target(c, s->u.loop.target, jp_array_iter_item(c, arr, itype, i), et);
        jp_release_temps(c, mark);
    } else if (tuple_mem) {
        jp_type *et = itype->n ? itype->elems[0] : int64;     /* () : no trip */
        LLVMTypeRef arrt = LLVMArrayType2(jp_llvm_type(c->ctx, et), (unsigned long long)itype->n);
        LLVMValueRef p = LLVMBuildGEP2(c->b, arrt, tuple_mem, (LLVMValueRef[]){jp_const_i64(c, 0), i}, 2, "");
        jp_store_target(c, s->u.loop.target, LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, et), p, ""), et);
    } else {
        jp_store_target(c, s->u.loop.target, i, int64);
    }
    lower_loop_body(c, &s->u.loop.body, done, latch);
    branch_to(c, latch);

    LLVMPositionBuilderAtEnd(c->b, latch);
    {
        /* i + step; the loop stops before it can overflow past stop */
        LLVMValueRef cur = LLVMBuildLoad2(c->b, i64, counter, "");
        LLVMBuildStore(c->b, counter_nsw ? LLVMBuildNSWAdd(c->b, cur, jp_const_i64(c, 1), "")
                                         : LLVMBuildNUWAdd(c->b, cur, jp_const_i64(c, 1), ""), counter);
    }
    LLVMBuildBr(c->b, head);

    LLVMPositionBuilderAtEnd(c->b, orelse);
    jp_lower_block(c, &s->u.loop.orelse);
    branch_to(c, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    if (array_slot) {
        LLVMTypeRef at = jp_llvm_type(c->ctx, itype);
        jp_decref(c, LLVMBuildLoad2(c->b, at, array_slot, ""), itype);
        LLVMBuildStore(c->b, LLVMConstNull(at), array_slot);
    }
}

static void
lower_stmt(lctx *c, jp_node *s)
{
    int mark = c->ntemps;
    ensure_open(c);
    jp_dbg_set_location(c->dbg, c->b, s->line, s->col);
    switch (s->kind) {
    case S_SETITEM:
        jp_lower_setitem(c, s, 0);
        break;
    case S_OBJMODE:
        jp_lower_objmode(c, s);
        break;
    case S_ASSIGN: {
        LLVMValueRef v = jp_lower_expr(c, s->u.assign.value);
        jp_store_target(c, s->u.assign.target, v, jp_node_type(c, s->u.assign.value));
        break;
    }
    case S_AUGASSIGN: {
        jp_node *tn = s->u.augassign.target, *vn = s->u.augassign.value;
        LLVMValueRef a, b;
        jp_type *rt = c->inst->node_types[s->id];
        if (tn->kind != E_LOCAL) {
            jp_lower_setitem(c, s, 1);
            break;
        }
        if (jp_node_type(c, tn)->kind == JP_LIST) {
            jp_lower_list_iadd(c, s);
            break;
        }
        if (jp_node_type(c, tn)->kind == JP_SET) {
            jp_lower_set_augassign(c, s);               /* lower_set.c */
            break;
        }
        a = jp_lower_expr(c, tn);
        if (jp_node_type(c, tn)->kind == JP_ARRAY
            && jp_lower_fused(c, vn, a, jp_node_type(c, tn), (int)s->u.augassign.op))
            break;
        b = jp_lower_expr(c, vn);
        if (jp_node_type(c, tn)->kind == JP_ARRAY) {
            /* a += b on an array: in place, as NumPy */
            jp_lower_array_binop(c, s, s->u.augassign.op, a, jp_node_type(c, tn), b, jp_node_type(c, vn),
                                 jp_node_type(c, tn), a);
            break;
        }
        {
        LLVMValueRef r = jp_lower_binop(c, s->u.augassign.op, a, jp_node_type(c, tn), b,
                                        jp_node_type(c, vn), rt, vn);
        jp_store_target(c, tn, r, rt);
        }
        break;
    }
    case S_EXPR:
        jp_lower_expr(c, s->u.expr.value);
        break;
    case S_DELITEM:
        jp_lower_dict_delitem(c, s);                    /* lower_dict.c */
        break;
    case S_RETURN:
        lower_return(c, s);
        break;
    case S_IF: {
        LLVMBasicBlockRef yes, no, done;
        if (c->inst->branch[s->id]) {
            /* decided by the types (`if x is None` with x None): one branch */
            jp_lower_block(c, c->inst->branch[s->id] == 1 ? &s->u.cond.body : &s->u.cond.orelse);
            break;
        }
        yes = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "if.then");
        no = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "if.else");
        done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "if.done");
        LLVMValueRef test = jp_lower_expr(c, s->u.cond.test);
        LLVMValueRef truth = jp_truth(c, test, jp_node_type(c, s->u.cond.test));
        jp_release_temps(c, mark);
        LLVMBuildCondBr(c->b, truth, yes, no);
        LLVMPositionBuilderAtEnd(c->b, yes);
        jp_lower_block(c, &s->u.cond.body);
        branch_to(c, done);
        LLVMPositionBuilderAtEnd(c->b, no);
        jp_lower_block(c, &s->u.cond.orelse);
        branch_to(c, done);
        LLVMPositionBuilderAtEnd(c->b, done);
        break;
    }
    case S_WHILE:
        lower_while(c, s);
        break;
    case S_FOR:
        lower_for(c, s);
        break;
    case S_BREAK:
        jp_try_jump(c, c->break_bb[c->loop_depth - 1]);
        break;
    case S_CONTINUE:
        jp_try_jump(c, c->continue_bb[c->loop_depth - 1]);
        break;
    case S_RAISE:
        if (s->u.raise.cls == NULL)
            jp_lower_reraise(c);
        else if (s->u.raise.value)
            jp_lower_str_raise(c, s->u.raise.cls, s->u.raise.value);     /* lower_str.c */
        else
            jp_emit_raise(c, s->u.raise.cls, s->u.raise.msg);
        break;
    case S_TRY:
        jp_lower_try(c, s);
        break;
    case S_ASSERT: {
        LLVMValueRef test = jp_lower_expr(c, s->u.assert_.test);
        jp_check(c, LLVMBuildNot(c->b, jp_truth(c, test, jp_node_type(c, s->u.assert_.test)), ""),
                 PyExc_AssertionError, s->u.assert_.msg);
        break;
    }
    default:
        break;
    }
    jp_release_temps(c, mark);
}

void
jp_lower_block(lctx *c, jp_block *b)
{
    LLVMMetadataRef saved = LLVMGetCurrentDebugLocation2(c->b);  /* the enclosing statement's */
    for (int i = 0; i < b->n; i++) {
        c->at = b->stmts[i];
        lower_stmt(c, b->stmts[i]);
        if (jp_stmt_terminates(c->inst, b->stmts[i]))
            break;      /* unreachable, and untyped: see type_block() */
    }
    jp_dbg_restore_location(c->dbg, c->b, saved);
}

static void
add_attr(lctx *c, LLVMValueRef fn, const char *key, const char *value)
{
    LLVMAttributeRef a = LLVMCreateStringAttribute(c->ctx, key, (unsigned)strlen(key), value,
                                                   (unsigned)strlen(value));
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, a);
}

static void
add_enum_attr(LLVMContextRef ctx, LLVMValueRef fn, unsigned idx, const char *name)
{
    unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
    LLVMAddAttributeAtIndex(fn, idx, LLVMCreateEnumAttribute(ctx, kind, 0));
}

/* The trampoline: i32 @sym.tramp(ptr args, ptr out, ptr exc). */
static void
lower_trampoline(lctx *c, LLVMValueRef target)
{
    LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0);
    LLVMTypeRef params[3] = {ptr, ptr, ptr};
    LLVMTypeRef fty = LLVMFunctionType(LLVMInt32TypeInContext(c->ctx), params, 3, 0);
    char name[512];
    LLVMValueRef fn, args[66];
    LLVMBuilderRef b = c->b;

    snprintf(name, sizeof name, "%s.tramp", c->inst->symbol);
    fn = LLVMAddFunction(c->mod, name, fty);
    add_attr(c, fn, "frame-pointer", "all");
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    jp_dbg_begin_function(c->dbg, b, fn, name, c->ir->filename, c->ir->def_line);
    args[0] = LLVMGetParam(fn, 1);
    args[1] = LLVMGetParam(fn, 2);
    for (int i = 0; i < c->inst->nargs; i++) {
        LLVMValueRef slotp = LLVMBuildGEP2(b, ptr, LLVMGetParam(fn, 0),
                                           (LLVMValueRef[]){jp_const_i64(c, i)}, 1, "");
        LLVMValueRef slot = LLVMBuildLoad2(b, ptr, slotp, "");
        args[i + 2] = LLVMBuildLoad2(b, jp_llvm_type(c->ctx, c->inst->argtypes[i]), slot, "");
    }
    LLVMBuildRet(b, LLVMBuildCall2(b, jp_llvm_fn_type(c->ctx, c->inst), target, args,
                                   (unsigned)c->inst->nargs + 2, ""));
}

static void
mark_target(jp_node *t, int *assigned)
{
    if (t->kind == E_LOCAL)
        assigned[t->u.local.index] = 1;
    else if (t->kind == E_TUPLE)
        for (int i = 0; i < t->u.tuple.n; i++)
            mark_target(t->u.tuple.elts[i], assigned);
}

/* Which locals the body assigns (parameters included). */
static void
mark_assigned(jp_block *b, int *assigned)
{
    for (int i = 0; i < b->n; i++) {
        jp_node *s = b->stmts[i];
        switch (s->kind) {
        case S_ASSIGN: mark_target(s->u.assign.target, assigned); break;
        case S_AUGASSIGN: mark_target(s->u.augassign.target, assigned); break;
        case S_OBJMODE:
            for (int k = 0; k < s->u.objmode.nout; k++)
                mark_target(s->u.objmode.out[k], assigned);
            break;
        case S_IF: case S_WHILE:
            mark_assigned(&s->u.cond.body, assigned);
            mark_assigned(&s->u.cond.orelse, assigned);
            break;
        case S_FOR:
            mark_target(s->u.loop.target, assigned);
            mark_assigned(&s->u.loop.body, assigned);
            mark_assigned(&s->u.loop.orelse, assigned);
            break;
        case S_TRY:
            for (int k = 0; k < jp_try_nblocks(s); k++)
                mark_assigned(jp_try_block(s, k), assigned);
            break;
        default: break;
        }
    }
}

int
jp_lower_instance(LLVMContextRef ctx, LLVMModuleRef mod, jp_instance *inst, jp_dbg *dbg)
{
    lctx c = {0};
    LLVMValueRef fn;
    c.ctx = ctx;
    c.mod = mod;
    c.inst = inst;
    c.ir = inst->ir;
    c.opts = jp_dispatcher_options(inst->dispatcher);
    c.b = LLVMCreateBuilderInContext(ctx);
    c.dbg = dbg;
    c.gpu = inst->gpu;

    fn = LLVMGetNamedFunction(mod, inst->symbol);
    if (fn == NULL)
        fn = LLVMAddFunction(mod, inst->symbol, jp_llvm_fn_type(ctx, inst));
    c.fn = fn;
    if (!c.gpu)
        add_attr(&c, fn, "frame-pointer", "all");
    add_enum_attr(ctx, fn, 1, "noalias");
    add_enum_attr(ctx, fn, 1, "nocapture");
    add_enum_attr(ctx, fn, 2, "noalias");
    add_enum_attr(ctx, fn, 2, "nocapture");
    add_enum_attr(ctx, fn, LLVMAttributeFunctionIndex, "nounwind");
    c.out = LLVMGetParam(fn, 0);
    c.exc = LLVMGetParam(fn, 1);
    LLVMPositionBuilderAtEnd(c.b, LLVMAppendBasicBlockInContext(ctx, fn, "entry"));
    jp_dbg_begin_function(dbg, c.b, fn, inst->ir->qualname, inst->ir->filename, inst->ir->def_line);
    c.vars = calloc((size_t)(inst->ir->nlocals ? inst->ir->nlocals : 1), sizeof(LLVMValueRef));
    if (c.vars == NULL) {
        LLVMDisposeBuilder(c.b);
        PyErr_NoMemory();
        return -1;
    }
    for (int i = 0; i < inst->ir->nlocals; i++) {
        jp_type *vt = inst->var_types[i];
        if (vt->kind == JP_UNKNOWN)
            vt = inst->var_types[i] = jp_type_none();
        c.vars[i] = LLVMBuildAlloca(c.b, jp_llvm_type(ctx, vt), inst->ir->local_names[i]);
    }
    c.defined = calloc((size_t)(inst->ir->nlocals ? inst->ir->nlocals : 1), sizeof(LLVMValueRef));
    for (int i = inst->nargs; c.defined && i < inst->ir->nlocals; i++) {
        c.defined[i] = LLVMBuildAlloca(c.b, LLVMInt1TypeInContext(ctx), "defined");
        LLVMBuildStore(c.b, LLVMConstInt(LLVMInt1TypeInContext(ctx), 0, 0), c.defined[i]);
    }
    /* An array parameter the body never reassigns is borrowed: the
     * caller's reference outlives the call, so no incref/decref pair is
     * left in loops the callee gets inlined into. */
    {
        int *assigned = calloc((size_t)(inst->ir->nlocals ? inst->ir->nlocals : 1), sizeof(int));
        if (assigned)
            mark_assigned(&inst->ir->body, assigned);
        for (int i = 0; i < inst->ir->nlocals; i++)
            if (jp_type_is_managed(inst->var_types[i]) && (i >= inst->nargs || !assigned || assigned[i]))
                jp_own_slots(&c, c.vars[i], inst->var_types[i]);
        for (int i = 0; i < inst->nargs; i++) {
            LLVMValueRef v = jp_cast(&c, LLVMGetParam(fn, (unsigned)i + 2), inst->argtypes[i], inst->var_types[i]);
            if (jp_type_is_managed(inst->var_types[i]) && (!assigned || assigned[i]))
                jp_incref(&c, v, inst->var_types[i]);
            if (inst->argtypes[i]->kind == JP_ARRAY) {
                /* shapes are never negative: tells LLVM that indices derived
                 * from them cannot wrap, so index wrap-around folds away */
                LLVMTypeRef i1 = LLVMInt1TypeInContext(ctx);
                LLVMTypeRef aty = LLVMFunctionType(LLVMVoidTypeInContext(ctx), &i1, 1, 0);
                LLVMValueRef assume = LLVMGetNamedFunction(mod, "llvm.assume");
                if (assume == NULL)
                    assume = LLVMAddFunction(mod, "llvm.assume", aty);
                for (int k = 0; k < inst->argtypes[i]->ndim; k++) {
                    LLVMValueRef dim = jp_arr_field(&c, v, 3, k);
                    LLVMValueRef ok = LLVMBuildICmp(c.b, LLVMIntSGE, dim, jp_const_i64(&c, 0), "");
                    LLVMBuildCall2(c.b, aty, assume, &ok, 1, "");
                }
            }
            LLVMBuildStore(c.b, v, c.vars[i]);
        }
        free(assigned);
    }
    if (inst->ir->is_generator && !c.gpu)
        jp_generator_begin(&c);         /* lower_generator.c */
    jp_recursion_guard(&c);
    jp_lower_block(&c, &inst->ir->body);
    ensure_open(&c);
    jp_emit_exit_cleanup(&c);
    /* falling off the end returns None */
    LLVMBuildRet(c.b, LLVMConstInt(LLVMInt32TypeInContext(ctx), 0, 0));
    jp_generator_end(&c);
    if (!c.gpu)
        lower_trampoline(&c, fn);
    if (inst->loop && !c.gpu)
        jp_lower_ufunc_loop(&c, fn);
    free(c.vars);
    free(c.defined);
    free(c.owned);
    free(c.temps);
    LLVMDisposeBuilder(c.b);
    return c.failed ? -1 : 0;      /* an internal error is set (jp_lower_unhandled) */
}
