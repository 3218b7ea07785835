/* gpu/cuda/ptx.c - jitted Python to PTX through LLVM 19's NVPTX backend.
 *
 * The session types and lowers every instance as device code (no reference
 * counting, no CPU runtime), a kernel entry in the ptx_kernel calling
 * convention calls the root, math goes to libdevice (`__nv_sin`: LLVM 19
 * aborts on llvm.sin/llvm.cos for NVPTX), the few runtime helpers the
 * lowering calls get device definitions, libdevice is linked, everything
 * but the kernel is internalised, O3 runs (NVVMReflect resolves
 * libdevice's __nvvm_reflect), and the NVPTX target machine prints PTX.
 */
#include "gpu/cuda/ptx.h"
#include "gpu/cuda/cuda_target.h"
#include "gpu/device_entry.h"
#include "gpu/device_module.h"
#include "jit/compile_service.h"
#include "jit/debuginfo.h"
#include "jit/device_runtime.h"
#include "jit/engine.h"
#include "jit/errors.h"
#include "jit/lower.h"
#include "jit/vec_remarks.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <stdio.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PTX_KERNEL_CC 71

static char libdevice_path[512];

const char *
jp_cuda_libdevice_path(void)
{
    static const char *candidates[] = {
        "%s/nvvm/libdevice/libdevice.10.bc",
    };
    const char *roots[] = {getenv("CUDA_HOME"), getenv("CUDA_PATH"), "/usr/local/cuda", "/usr/lib/cuda",
                           "/usr/local/cuda-13.0", "/usr/local/cuda-12"};
    if (libdevice_path[0])
        return libdevice_path;
    for (size_t r = 0; r < sizeof roots / sizeof roots[0]; r++) {
        if (roots[r] == NULL)
            continue;
        snprintf(libdevice_path, sizeof libdevice_path, candidates[0], roots[r]);
        if (access(libdevice_path, R_OK) == 0)
            return libdevice_path;
    }
    libdevice_path[0] = '\0';
    return NULL;
}

static char *libdevice_bits;       /* the bitcode, read once */
static size_t libdevice_len;

static int
load_libdevice(void)
{
    FILE *f;
    long n;
    const char *path = jp_cuda_libdevice_path();
    if (libdevice_bits)
        return 0;
    if (path == NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "CUDA libdevice not found (looked for $CUDA_HOME/nvvm/libdevice/libdevice.10.bc "
                        "and /usr/local/cuda): install the CUDA toolkit or set CUDA_HOME");
        return -1;
    }
    if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0
        || fseek(f, 0, SEEK_SET) != 0 || (libdevice_bits = malloc((size_t)n)) == NULL
        || fread(libdevice_bits, 1, (size_t)n, f) != (size_t)n) {
        if (f)
            fclose(f);
        free(libdevice_bits);
        libdevice_bits = NULL;
        PyErr_Format(PyExc_RuntimeError, "cannot read %s", path);
        return -1;
    }
    fclose(f);
    libdevice_len = (size_t)n;
    return 0;
}

/* libdevice, loaded lazily, with every function linkonce: linking it pulls
 * in only what the module calls (and what those call). */
static LLVMModuleRef
libdevice_for_link(LLVMContextRef ctx)
{
    LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRange(libdevice_bits, libdevice_len, "libdevice", 0);
    LLVMModuleRef lib = NULL;
    if (LLVMGetBitcodeModuleInContext2(ctx, buf, &lib)) {
        PyErr_SetString(PyExc_RuntimeError, "cannot parse libdevice");
        return NULL;
    }
    for (LLVMValueRef fn = LLVMGetFirstFunction(lib); fn; fn = LLVMGetNextFunction(fn))
        if (!LLVMIsDeclaration(fn) && LLVMGetLinkage(fn) == LLVMExternalLinkage)
            LLVMSetLinkage(fn, LLVMLinkOnceODRLinkage);
    return lib;
}

static LLVMTargetMachineRef
nvptx_machine(int cc)
{
    static LLVMTargetMachineRef cache[4];
    static int cache_cc[4];
    LLVMTargetRef target;
    char *msg = NULL, cpu[16], features[32];
    for (int i = 0; i < 4; i++)
        if (cache[i] && cache_cc[i] == cc)
            return cache[i];
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    if (LLVMGetTargetFromTriple("nvptx64-nvidia-cuda", &target, &msg)) {
        PyErr_Format(PyExc_RuntimeError, "LLVM has no NVPTX target: %s", msg);
        LLVMDisposeMessage(msg);
        return NULL;
    }
    snprintf(cpu, sizeof cpu, "sm_%d", cc);
    /* the PTX ISA each generation needs (CUDA 13's ptxas takes all of them) */
    snprintf(features, sizeof features, "+ptx%d", cc >= 90 ? 78 : cc >= 80 ? 70 : 63);
    for (int i = 0; i < 4; i++) {
        if (cache[i] == NULL) {
            cache[i] = LLVMCreateTargetMachine(target, "nvptx64-nvidia-cuda", cpu, features,
                                               LLVMCodeGenLevelAggressive, LLVMRelocDefault,
                                               LLVMCodeModelDefault);
            cache_cc[i] = cc;
            return cache[i];
        }
    }
    return LLVMCreateTargetMachine(target, "nvptx64-nvidia-cuda", cpu, features, LLVMCodeGenLevelAggressive,
                                   LLVMRelocDefault, LLVMCodeModelDefault);
}

/* llvm.sin.f64 / sin / sinf -> __nv_sin / __nv_sinf: NVPTX has no libm and
 * no lowering for most of these intrinsics. */
static void
use_libdevice(LLVMModuleRef mod)
{
    static const char *native[] = {"sqrt", "fabs", "floor", "ceil", "trunc", "rint", "copysign", "fma",
                                    "minnum", "maxnum", "nearbyint", "round"};
    LLVMValueRef fn = LLVMGetFirstFunction(mod), next;
    for (; fn; fn = next) {
        size_t len;
        const char *name = LLVMGetValueName2(fn, &len);
        char base[64], target[80];
        int is_f32 = 0;
        next = LLVMGetNextFunction(fn);
        if (!LLVMIsDeclaration(fn))
            continue;
        if (strncmp(name, "llvm.", 5) == 0) {
            const char *dot = strrchr(name, '.');
            size_t n = (size_t)(dot - name) - 5;
            if (strncmp(name, "llvm.nvvm.", 10) == 0 || dot == NULL || n >= sizeof base
                || (strcmp(dot, ".f64") != 0 && strcmp(dot, ".f32") != 0))
                continue;
            memcpy(base, name + 5, n);
            base[n] = '\0';
            is_f32 = strcmp(dot, ".f32") == 0;
            {
                int keep = 0;
                for (size_t i = 0; i < sizeof native / sizeof native[0]; i++)
                    keep |= strcmp(base, native[i]) == 0;
                if (keep)
                    continue;
            }
        } else if (strncmp(name, "jp_", 3) == 0 || strncmp(name, "__nv_", 5) == 0 || strncmp(name, "jp.", 3) == 0) {
            continue;
        } else {
            if (len >= sizeof base)
                continue;
            memcpy(base, name, len + 1);     /* sinf keeps its f: __nv_sinf */
        }
        if (strcmp(base, "tgamma") == 0)
            snprintf(target, sizeof target, "__nv_tgamma%s", is_f32 ? "f" : "");
        else
            snprintf(target, sizeof target, "__nv_%s%s", base, is_f32 ? "f" : "");
        {
            LLVMValueRef repl = LLVMGetNamedFunction(mod, target);
            if (repl == NULL)
                repl = LLVMAddFunction(mod, target, LLVMGlobalGetValueType(fn));
            LLVMReplaceAllUsesWith(fn, repl);
            LLVMDeleteFunction(fn);
        }
    }
}

/* What a CUDA compile asks of the compile service and gets back. */
typedef struct cuda_job {
    int cc, kernel;
    const char *entry_name;     /* the kernel's, or a C-ABI device function's (NULL: Numba ABI) */
    int lineinfo;               /* .file/.loc directives naming the Python source */
    jp_type **ret;
    char *ptx;
} cuda_job;

static int
cuda_check(jp_session *s, jp_instance *root, void *arg)
{
    cuda_job *job = arg;
    (void)s;
    return jp_device_check_return(root, job->kernel, "CUDA", job->ret);
}

/* The CUDA target's emission: the typed session to PTX text (job->ptx). */
static int
cuda_emit(const jp_target *t, jp_session *s, jp_instance *root, void *arg)
{
    cuda_job *job = arg;
    int cc = job->cc, kernel = job->kernel;
    const char *entry_name = job->entry_name;
    LLVMModuleRef mod = NULL;
    LLVMTargetMachineRef tm;
    LLVMContextRef ctx;
    jp_dbg *dbg = NULL;
    char *ptx = NULL, *msg = NULL, *entry_owned = NULL;

    if ((tm = nvptx_machine(cc)) == NULL)
        return -1;
    ctx = jp_engine_context();
    if (load_libdevice() < 0)
        return -1;
    mod = LLVMModuleCreateWithNameInContext(root->ir->qualname, ctx);
    if (job->lineinfo)
        dbg = jp_dbg_begin_line_directives(mod, root->ir->filename);
    for (jp_instance *i = s->pending; i; i = i->next)
        if (jp_lower_instance(ctx, mod, i, dbg) < 0)
            goto done;
    if (kernel || entry_name) {
        /* PTX names: letters, digits, _ and $ */
        size_t n = strlen(entry_name);
        char *clean = malloc(n + 1);
        if (clean == NULL)
            goto done;
        for (size_t i = 0; i <= n; i++) {
            char ch = entry_name[i];
            clean[i] = (ch == '\0' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
                        || (ch >= '0' && ch <= '9') || ch == '_' || ch == '$') ? ch : '_';
        }
        if (kernel)
            jp_device_add_kernel(mod, root, clean, dbg, PTX_KERNEL_CC);
        else
            jp_device_add_c_wrapper(mod, root, clean, dbg);
        entry_name = clean;
        entry_owned = clean;
    }
    jp_dbg_finish_module(dbg);
    dbg = NULL;
    if (jp_device_runtime_define(mod, t, s) < 0)
        goto done;
    use_libdevice(mod);
    LLVMSetTarget(mod, t->triple);
    {
        LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
        char *dl = LLVMCopyStringRepOfTargetData(td);
        LLVMSetDataLayout(mod, dl);
        LLVMDisposeMessage(dl);
        LLVMDisposeTargetData(td);
    }
    if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
        PyErr_Format(PyExc_RuntimeError, "internal compiler error (invalid device IR), please report it: %s", msg);
        goto done;
    }
    LLVMDisposeMessage(msg);
    msg = NULL;
    {
        LLVMModuleRef lib = libdevice_for_link(ctx);
        if (lib == NULL)
            goto done;
        LLVMSetTarget(lib, LLVMGetTarget(mod));         /* same target: no linker warnings */
        LLVMSetDataLayout(lib, LLVMGetDataLayoutStr(mod));
        if (LLVMLinkModules2(mod, lib)) {
            PyErr_SetString(PyExc_RuntimeError, "linking libdevice failed");
            goto done;
        }
    }
    /* only the kernel (or, for a device function, the root) stays visible;
     * globaldce drops the libdevice functions nobody calls before O3 */
    jp_device_internalise(mod, entry_name ? entry_name : root->symbol);
    if (jp_device_optimise(mod, tm, "NVPTX") < 0)
        goto done;
    {
        LLVMMemoryBufferRef out = NULL;
        if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMAssemblyFile, &msg, &out)) {
            PyErr_Format(PyExc_RuntimeError, "LLVM (NVPTX codegen): %s", msg);
            goto done;
        }
        {
            size_t n = LLVMGetBufferSize(out);
            ptx = malloc(n + 1);
            if (ptx) {
                memcpy(ptx, LLVMGetBufferStart(out), n);
                ptx[n] = '\0';
            } else {
                PyErr_NoMemory();
            }
        }
        LLVMDisposeMemoryBuffer(out);
    }
done:
    jp_dbg_finish_module(dbg);
    if (msg)
        LLVMDisposeMessage(msg);
    if (mod)
        LLVMDisposeModule(mod);
    free(entry_owned);
    job->ptx = ptx;
    return ptx ? 0 : -1;
}

const jp_target jp_target_cuda = {
    .name = "cuda",
    .kernel_noun = "CUDA kernels",
    .device = 1,
    .triple = "nvptx64-nvidia-cuda",
    .decorator = "@cuda.jit",
    .local_array = "cuda.local.array",
    .infer_intrinsic = jp_cuda_infer_intrinsic,
    .lower_intrinsic = jp_cuda_lower_intrinsic,
    .emit = cuda_emit,
};

char *
jp_cuda_compile(JpDispatcher *d, int nargs, jp_type **argtypes, int cc, int kernel, const char *entry_name,
                int lineinfo, jp_type **ret)
{
    cuda_job job = {cc, kernel, entry_name, lineinfo, ret, NULL};
    jp_compile_req req = {&jp_target_cuda, (PyObject *)d, nargs, argtypes, NULL, cuda_check, &job};
    jp_instance *unused;
    if (jp_compile(&req, &unused) < 0) {
        free(job.ptx);
        return NULL;
    }
    return job.ptx;
}
