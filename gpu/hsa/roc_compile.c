/* gpu/hsa/roc_compile.c - the roc (HSA, AMD GPU) target: jitted Python to
 * an amdgcn-amd-amdhsa code object.
 *
 * jp_compile() types the function and everything it calls as device code
 * (no reference counts, no CPU runtime); roc_emit lowers every instance,
 * adds the kernel entry in the amdgpu_kernel calling convention (91) or a
 * C-ABI wrapper, gives the runtime helpers device bodies, and hands the
 * module to codeobj.c (address spaces, ocml, device libs, O3, object,
 * ld.lld). */
#include "gpu/hsa/roc_compile.h"
#include "gpu/hsa/codeobj.h"
#include "gpu/hsa/roc_target.h"
#include "gpu/device_entry.h"
#include "jit/compile_service.h"
#include "jit/device_runtime.h"
#include "jit/engine.h"
#include "jit/errors.h"
#include "jit/lower.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AMDGPU_KERNEL_CC 91     /* LLVMAMDGPUKERNELCallConv */
#define AS_GLOBAL 1             /* arrays' data: global_load/global_store, not flat_* */

typedef struct roc_job {
    const jp_roc_isa *isa;
    int kernel;
    const char *entry;
    jp_type **ret;
    char *code;
    size_t len;
    char **ir;
} roc_job;

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
roc_check(jp_session *s, jp_instance *root, void *arg)
{
    roc_job *job = arg;
    (void)s;
    return jp_device_check_return(root, job->kernel, "ROC", job->ret);
}

static int
roc_emit(const jp_target *t, jp_session *s, jp_instance *root, void *arg)
{
    roc_job *job = arg;
    LLVMContextRef ctx = jp_engine_context();
    LLVMModuleRef mod;
    char *clean = NULL;
    const char *keep = root->symbol;
    double t0 = now();
    int status = -1;
    memset(&jp_roc_last_timing, 0, sizeof jp_roc_last_timing);
    mod = LLVMModuleCreateWithNameInContext(root->ir->qualname, ctx);
    for (jp_instance *i = s->pending; i; i = i->next)
        if (jp_lower_instance(ctx, mod, i, NULL) < 0)
            goto done;
    if (job->kernel || job->entry) {
        /* symbol names: letters, digits and _ (the loader looks up name.kd) */
        size_t n = strlen(job->entry);
        if ((clean = malloc(n + 1)) == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        for (size_t i = 0; i <= n; i++) {
            char ch = job->entry[i];
            clean[i] = (ch == '\0' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
                        || (ch >= '0' && ch <= '9') || ch == '_') ? ch : '_';
        }
        if (job->kernel)
            jp_device_add_kernel_as(mod, root, clean, NULL, AMDGPU_KERNEL_CC, AS_GLOBAL);
        else
            jp_device_add_c_wrapper(mod, root, clean, NULL);
        keep = clean;
    }
    if (jp_device_runtime_define(mod, t, s) < 0)
        goto done;
    jp_roc_last_timing.lower = now() - t0;
    if (jp_roc_finish(mod, job->isa, keep, t->kernel_noun) < 0)
        goto done;
    if (job->ir) {
        char *text = LLVMPrintModuleToString(mod);
        *job->ir = strdup(text);
        LLVMDisposeMessage(text);
    }
    if ((job->code = jp_roc_emit(mod, job->isa, &job->len)) != NULL)
        status = 0;
done:
    LLVMDisposeModule(mod);
    free(clean);
    return status;
}

const jp_target jp_target_roc = {
    .name = "roc",
    .kernel_noun = "ROC kernels",
    .device = 1,
    .triple = "amdgcn-amd-amdhsa",
    .decorator = "@roc.jit",
    .local_array = "roc.local.array",
    .infer_intrinsic = jp_roc_infer_intrinsic,
    .lower_intrinsic = jp_roc_lower_intrinsic,
    .emit = roc_emit,
};

char *
jp_roc_compile(JpDispatcher *d, int nargs, jp_type **argtypes, const jp_roc_isa *isa, int kernel,
               const char *entry, jp_type **ret, size_t *len, char **ir)
{
    roc_job job = {isa, kernel, entry, ret, NULL, 0, ir};
    jp_compile_req req = {&jp_target_roc, (PyObject *)d, nargs, argtypes, NULL, roc_check, &job};
    jp_instance *unused;
    if (ir)
        *ir = NULL;
    if (jp_compile(&req, &unused) < 0) {
        free(job.code);
        if (ir) {
            free(*ir);
            *ir = NULL;
        }
        return NULL;
    }
    *len = job.len;
    return job.code;
}
