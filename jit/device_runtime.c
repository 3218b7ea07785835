/* jit/device_runtime.c - the CPU runtime helpers (jp_rt_*) that lowered
 * code may call, given device bodies in plain LLVM IR for a device target's
 * image (integer powers, Python's float // and %, int / int), and the
 * helpers device code cannot have (allocation, print, np.random, ...),
 * refused with the function that calls them.  Target-neutral: every device
 * target's emit calls jp_device_runtime_define() after lowering. */
#include "jit/device_runtime.h"
#include "jit/errors.h"

#include <string.h>

/* UnsupportedError for `what`, at the def of the function that calls fn
 * (its first use; without line tables that is as close as it gets). */
static void
refuse(LLVMValueRef fn, const char *what, const jp_target *t, jp_session *s)
{
    LLVMValueRef user = LLVMGetFirstUse(fn) ? LLVMGetUser(LLVMGetFirstUse(fn)) : NULL;
    const char *caller = NULL;
    size_t len;
    if (user && LLVMIsAInstruction(user))
        caller = LLVMGetValueName2(LLVMGetBasicBlockParent(LLVMGetInstructionParent(user)), &len);
    for (jp_instance *i = s ? s->pending : NULL; caller && i; i = i->next)
        if (strcmp(i->symbol, caller) == 0) {
            jp_error_span(JpUnsupportedError, i->ir, i->ir->def_line, 0, i->ir->def_line, 0,
                          "do it on the host, before or after the kernel",
                          "%s is not supported in %s", what, t->kernel_noun);
            return;
        }
    PyErr_Format(JpUnsupportedError, "%s is not supported in %s", what, t->kernel_noun);
}

static LLVMValueRef
define_fn(LLVMModuleRef mod, const char *name, LLVMTypeRef fty, LLVMBuilderRef b)
{
    LLVMValueRef fn = LLVMGetNamedFunction(mod, name);
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(LLVMGetModuleContext(mod), fn, "entry"));
    (void)fty;
    return fn;
}

static LLVMValueRef
call_named(LLVMBuilderRef b, LLVMModuleRef mod, const char *name, LLVMTypeRef ret, LLVMValueRef *args, int n)
{
    LLVMTypeRef params[4];
    LLVMValueRef fn;
    LLVMTypeRef fty;
    for (int i = 0; i < n; i++)
        params[i] = LLVMTypeOf(args[i]);
    fty = LLVMFunctionType(ret, params, (unsigned)n, 0);
    if ((fn = LLVMGetNamedFunction(mod, name)) == NULL)
        fn = LLVMAddFunction(mod, name, fty);
    return LLVMBuildCall2(b, fty, fn, args, (unsigned)n, "");
}

int
jp_device_runtime_define(LLVMModuleRef mod, const jp_target *t, jp_session *s)
{
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
    LLVMTypeRef f64 = LLVMDoubleTypeInContext(ctx), i64 = LLVMInt64TypeInContext(ctx);
    static const struct { const char *prefix; const char *what; } refused[] = {
        {"jp_nrt_", "allocating arrays or jitclass instances"},
        {"jp_rt_print", "print()"},
        {"jp_rt_cmath", "cmath functions"},
        {"jp_rt_cdiv", "complex division"},
        {"jp_rt_cpow", "complex powers"},
        {"jp_rt_slice", "slicing arrays"},
        {"jp_rt_round", "round() with digits"},
        {"jp_random_", "np.random"},
        {"jp_rt_prange", "prange"},
        {"jp_rt_ufunc_error", "ufunc loops"},
        {"jp_rt_ipow_mod", "pow() with a modulus"},
    };
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
        size_t len;
        const char *name = LLVMGetValueName2(fn, &len);
        if (!LLVMIsDeclaration(fn) || strncmp(name, "jp_", 3) != 0)
            continue;
        for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
            if (strncmp(name, refused[i].prefix, strlen(refused[i].prefix)) == 0) {
                refuse(fn, refused[i].what, t, s);
                LLVMDisposeBuilder(b);
                return -1;
            }
        }
        if (strcmp(name, "jp_rt_int_truediv") == 0) {
            LLVMValueRef f = define_fn(mod, name, NULL, b);
            LLVMBuildRet(b, LLVMBuildFDiv(b, LLVMBuildSIToFP(b, LLVMGetParam(f, 0), f64, ""),
                                          LLVMBuildSIToFP(b, LLVMGetParam(f, 1), f64, ""), ""));
        } else if (strcmp(name, "jp_rt_ipow") == 0) {
            /* exponentiation by squaring, wrapping */
            LLVMValueRef f = define_fn(mod, name, NULL, b);
            LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(ctx, f, "head");
            LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(ctx, f, "body");
            LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(ctx, f, "done");
            LLVMBasicBlockRef entry = LLVMGetInsertBlock(b);
            LLVMValueRef r, base, e, odd, nr, nb, ne;
            LLVMBuildBr(b, head);
            LLVMPositionBuilderAtEnd(b, head);
            r = LLVMBuildPhi(b, i64, "r");
            base = LLVMBuildPhi(b, i64, "base");
            e = LLVMBuildPhi(b, i64, "e");
            LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntSGT, e, LLVMConstInt(i64, 0, 0), ""), body, done);
            LLVMPositionBuilderAtEnd(b, body);
            odd = LLVMBuildICmp(b, LLVMIntNE, LLVMBuildAnd(b, e, LLVMConstInt(i64, 1, 0), ""), LLVMConstInt(i64, 0, 0), "");
            nr = LLVMBuildSelect(b, odd, LLVMBuildMul(b, r, base, ""), r, "");
            nb = LLVMBuildMul(b, base, base, "");
            ne = LLVMBuildAShr(b, e, LLVMConstInt(i64, 1, 0), "");
            LLVMBuildBr(b, head);
            {
                LLVMValueRef one = LLVMConstInt(i64, 1, 0), p0 = LLVMGetParam(f, 0), p1 = LLVMGetParam(f, 1);
                LLVMAddIncoming(r, &one, &entry, 1);
                LLVMAddIncoming(r, &nr, &body, 1);
                LLVMAddIncoming(base, &p0, &entry, 1);
                LLVMAddIncoming(base, &nb, &body, 1);
                LLVMAddIncoming(e, &p1, &entry, 1);
                LLVMAddIncoming(e, &ne, &body, 1);
            }
            LLVMPositionBuilderAtEnd(b, done);
            LLVMBuildRet(b, r);
        } else if (strcmp(name, "jp_rt_float_floordiv") == 0 || strcmp(name, "jp_rt_float_mod") == 0) {
            /* CPython's float_divmod, halves of it */
            LLVMValueRef f = define_fn(mod, name, NULL, b);
            LLVMValueRef x = LLVMGetParam(f, 0), y = LLVMGetParam(f, 1), zero = LLVMConstReal(f64, 0.0);
            LLVMValueRef m = LLVMBuildFRem(b, x, y, ""), div, fix, q;
            fix = LLVMBuildAnd(b, LLVMBuildFCmp(b, LLVMRealONE, m, zero, ""),
                               LLVMBuildXor(b, LLVMBuildFCmp(b, LLVMRealOLT, y, zero, ""),
                                            LLVMBuildFCmp(b, LLVMRealOLT, m, zero, ""), ""), "");
            div = LLVMBuildFDiv(b, LLVMBuildFSub(b, x, m, ""), y, "");
            if (name[13] == 'm') {      /* jp_rt_float_mod */
                LLVMValueRef adj = LLVMBuildSelect(b, fix, LLVMBuildFAdd(b, m, y, ""), m, "");
                LLVMValueRef signed0 = call_named(b, mod, "llvm.copysign.f64", f64, (LLVMValueRef[]){zero, y}, 2);
                LLVMBuildRet(b, LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOEQ, m, zero, ""), signed0, adj, ""));
            } else {
                LLVMValueRef d = LLVMBuildSelect(b, fix, LLVMBuildFSub(b, div, LLVMConstReal(f64, 1.0), ""), div, "");
                LLVMValueRef fl = call_named(b, mod, "llvm.floor.f64", f64, &d, 1);
                q = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOGT, LLVMBuildFSub(b, d, fl, ""), LLVMConstReal(f64, 0.5), ""),
                                    LLVMBuildFAdd(b, fl, LLVMConstReal(f64, 1.0), ""), fl, "");
                LLVMBuildRet(b, q);
            }
        }
    }
    LLVMDisposeBuilder(b);
    return 0;
}
