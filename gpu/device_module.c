/* gpu/device_module.c - internalising a device module around its entry
 * and running the optimisation passes on it (device_module.h).  Shared by
 * the CUDA and ROC targets. */
#include <Python.h>

#include "gpu/device_module.h"
#include "jit/vec_remarks.h"

#include <llvm-c/Transforms/PassBuilder.h>
#include <string.h>

void
jp_device_internalise(LLVMModuleRef mod, const char *keep)
{
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
        size_t len;
        if (!LLVMIsDeclaration(fn) && strcmp(LLVMGetValueName2(fn, &len), keep) != 0)
            LLVMSetLinkage(fn, LLVMInternalLinkage);
    }
    for (LLVMValueRef g = LLVMGetFirstGlobal(mod); g; g = LLVMGetNextGlobal(g))
        if (!LLVMIsDeclaration(g))
            LLVMSetLinkage(g, LLVMInternalLinkage);
}

int
jp_device_optimise(LLVMModuleRef mod, LLVMTargetMachineRef tm, const char *what)
{
    LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
    LLVMErrorRef err;
    jp_remarks_quiet(LLVMGetModuleContext(mod));    /* no vectorizer remarks on stderr */
    err = LLVMRunPasses(mod, "globaldce", tm, opts);
    if (err == NULL)
        err = LLVMRunPasses(mod, "default<O3>", tm, opts);
    LLVMDisposePassBuilderOptions(opts);
    if (err) {
        char *m = LLVMGetErrorMessage(err);
        PyErr_Format(PyExc_RuntimeError, "LLVM (%s): %s", what, m);
        LLVMDisposeErrorMessage(m);
        return -1;
    }
    return 0;
}
