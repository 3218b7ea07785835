/* gpu/device_runtime.c - device bodies for the few runtime helpers the
 * lowering calls (jp_rt_ipow, jp_rt_float_mod, ...), shared by every
 * device target (CUDA, ROC): device code links no CPU runtime, so each
 * helper it may call gets an IR definition here, and the ones device code
 * cannot have (allocation, print, np.random...) are a clear error. */
#include "gpu/device_runtime.h"
#include "jit/errors.h"

#include <string.h>

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

/* Give the runtime helpers the lowering may call a device body; fails with
 * a clear error for the ones device code cannot have. */
int
jp_device_runtime_define(LLVMModuleRef mod, const char *kernel_noun)
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
                PyErr_Format(JpUnsupportedError, "%s is not supported in %s", refused[i].what, kernel_noun);
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
