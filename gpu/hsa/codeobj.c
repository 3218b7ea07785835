/* gpu/hsa/codeobj.c - lowered device code to a loadable AMD GPU code
 * object (codeobj.h): amdgcn target set-up, address-space fixups, the roc
 * helpers in IR, math routed to ocml, the ROCm device libraries linked,
 * O3, emission from a clone, and ld.lld-19 --no-undefined. */
#include "gpu/hsa/codeobj.h"
#include "gpu/device_module.h"
#include "jit/engine.h"
#include "jit/errors.h"
#include "jit/vec_remarks.h"

#include <errno.h>
#include <fcntl.h>
#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define TRIPLE "amdgcn-amd-amdhsa"
#define AS_GLOBAL 1
#define AS_CONSTANT 4
#define AS_PRIVATE 5

jp_roc_timing jp_roc_last_timing;

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- where the tools are ------------------------------------------------------------- */

static int
is_file(const char *path, int mode)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, mode) == 0;
}

const char *
jp_roc_device_libs_dir(void)
{
    static char found[512];
    static const char *dirs[] = {"/usr/lib/x86_64-linux-gnu/amdgcn/bitcode", "/usr/lib/aarch64-linux-gnu/amdgcn/bitcode",
                                 "/usr/lib/amdgcn/bitcode", "/opt/rocm/amdgcn/bitcode", "/opt/rocm/lib/llvm/lib/clang/amdgcn/bitcode"};
    const char *env = getenv("JP_ROC_DEVICE_LIBS");
    char probe[600];
    if (env) {
        snprintf(probe, sizeof probe, "%s/ocml.bc", env);
        if (!is_file(probe, R_OK))
            return NULL;
        snprintf(found, sizeof found, "%s", env);
        return found;
    }
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(probe, sizeof probe, "%s/ocml.bc", dirs[i]);
        if (is_file(probe, R_OK)) {
            snprintf(found, sizeof found, "%s", dirs[i]);
            return found;
        }
    }
    return NULL;
}

const char *
jp_roc_lld_path(void)
{
    static char found[512];
    static const char *fixed[] = {"/usr/bin/ld.lld-19", "/usr/lib/llvm-19/bin/ld.lld"};
    const char *env = getenv("JP_ROC_LLD"), *path = getenv("PATH");
    if (env)
        return is_file(env, X_OK) ? env : NULL;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (is_file(fixed[i], X_OK))
            return fixed[i];
    while (path && *path) {            /* ld.lld-19 elsewhere on PATH */
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(found, sizeof found, "%.*s/ld.lld-19", (int)n, path);
        if (n && is_file(found, X_OK))
            return found;
        path = colon ? colon + 1 : NULL;
    }
    return NULL;
}

/* ---- device-library bitcode, read once per file ------------------------------------ */

typedef struct bitcode_file {
    char name[64];
    char *bits;
    size_t len;
} bitcode_file;

static bitcode_file bc_cache[24];

static const bitcode_file *
bitcode(const char *name)
{
    const char *dir = jp_roc_device_libs_dir();
    char path[700];
    FILE *f = NULL;
    long n;
    int slot = -1;
    for (int i = 0; i < (int)(sizeof bc_cache / sizeof bc_cache[0]); i++) {
        if (bc_cache[i].bits && strcmp(bc_cache[i].name, name) == 0)
            return &bc_cache[i];
        if (slot < 0 && bc_cache[i].bits == NULL)
            slot = i;
    }
    if (dir == NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "the ROCm device libraries (ocml.bc, ockl.bc, oclc_*.bc) were not found: install the "
                        "Debian package rocm-device-libs (looked in /usr/lib/x86_64-linux-gnu/amdgcn/bitcode "
                        "and /opt/rocm/amdgcn/bitcode; $JP_ROC_DEVICE_LIBS names another folder)");
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%s.bc", dir, name);
    if (slot < 0 || (f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0
        || fseek(f, 0, SEEK_SET) != 0 || (bc_cache[slot].bits = malloc((size_t)n)) == NULL
        || fread(bc_cache[slot].bits, 1, (size_t)n, f) != (size_t)n) {
        if (f)
            fclose(f);
        if (slot >= 0) {
            free(bc_cache[slot].bits);
            bc_cache[slot].bits = NULL;
        }
        PyErr_Format(PyExc_RuntimeError, "cannot read the ROCm device library %s (rocm-device-libs)", path);
        return NULL;
    }
    fclose(f);
    snprintf(bc_cache[slot].name, sizeof bc_cache[slot].name, "%s", name);
    bc_cache[slot].len = (size_t)n;
    return &bc_cache[slot];
}

/* Link the library `name` into mod.  lazy: functions are read only when
 * the module needs them (ocml, ockl), and become linkonce_odr so that
 * the unneeded ones are not linked at all. */
static int
link_library(LLVMModuleRef mod, const char *name, int lazy)
{
    const bitcode_file *bc = bitcode(name);
    LLVMMemoryBufferRef buf;
    LLVMModuleRef lib = NULL;
    int failed;
    if (bc == NULL)
        return -1;
    buf = LLVMCreateMemoryBufferWithMemoryRange(bc->bits, bc->len, name, 0);
    failed = lazy ? LLVMGetBitcodeModuleInContext2(LLVMGetModuleContext(mod), buf, &lib)
                  : LLVMParseBitcodeInContext2(LLVMGetModuleContext(mod), buf, &lib);
    if (!lazy)
        LLVMDisposeMemoryBuffer(buf);
    if (failed) {
        PyErr_Format(PyExc_RuntimeError, "cannot parse the ROCm device library %s.bc", name);
        return -1;
    }
    if (lazy)
        for (LLVMValueRef fn = LLVMGetFirstFunction(lib); fn; fn = LLVMGetNextFunction(fn))
            if (!LLVMIsDeclaration(fn) && LLVMGetLinkage(fn) == LLVMExternalLinkage)
                LLVMSetLinkage(fn, LLVMLinkOnceODRLinkage);
    LLVMSetTarget(lib, TRIPLE);         /* same target and layout: no linker warnings */
    LLVMSetDataLayout(lib, LLVMGetDataLayoutStr(mod));
    if (LLVMLinkModules2(mod, lib)) {
        PyErr_Format(PyExc_RuntimeError, "linking the ROCm device library %s.bc failed", name);
        return -1;
    }
    return 0;
}

static int
module_calls_prefix(LLVMModuleRef mod, const char *prefix)
{
    size_t n = strlen(prefix), len;
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
        if (LLVMIsDeclaration(fn) && strncmp(LLVMGetValueName2(fn, &len), prefix, n) == 0)
            return 1;
    return 0;
}

/* ocml/ockl and the oclc_* control libraries, matched to the ISA: the
 * defaults hipcc uses (no finite-only, no unsafe math, no denormal
 * flushing, correctly rounded sqrt), wave64 on gfx9, ABI 500 (= COV5). */
static int
link_device_libs(LLVMModuleRef mod, const jp_roc_isa *isa)
{
    char isa_lib[48];
    const char *controls[] = {"oclc_finite_only_off", "oclc_unsafe_math_off", "oclc_daz_opt_off",
                              "oclc_correctly_rounded_sqrt_on",
                              isa->wavefront == 64 ? "oclc_wavefrontsize64_on" : "oclc_wavefrontsize64_off",
                              "oclc_abi_version_500", NULL};
    int ocml = module_calls_prefix(mod, "__ocml_"), ockl = module_calls_prefix(mod, "__ockl_");
    if (!ocml && !ockl)
        return 0;
    if ((ocml && link_library(mod, "ocml", 1) < 0) || link_library(mod, "ockl", 1) < 0)
        return -1;
    for (int i = 0; controls[i]; i++)
        if (link_library(mod, controls[i], 0) < 0)
            return -1;
    if (isa->isa_lib) {
        snprintf(isa_lib, sizeof isa_lib, "oclc_isa_version_%s", isa->isa_lib);
        if (link_library(mod, isa_lib, 0) < 0)
            return -1;
    } else if (LLVMGetNamedGlobal(mod, "__oclc_ISA_version") == NULL
               || LLVMIsDeclaration(LLVMGetNamedGlobal(mod, "__oclc_ISA_version"))) {
        /* rocm-device-libs 5.2.3 has no file for this ISA: the constant it would hold */
        LLVMTypeRef i32 = LLVMInt32TypeInContext(LLVMGetModuleContext(mod));
        LLVMValueRef g = LLVMGetNamedGlobal(mod, "__oclc_ISA_version");
        if (g == NULL)
            g = LLVMAddGlobalInAddressSpace(mod, i32, "__oclc_ISA_version", AS_CONSTANT);
        LLVMSetInitializer(g, LLVMConstInt(i32, (unsigned long long)isa->isa_version, 0));
        LLVMSetGlobalConstant(g, 1);
        LLVMSetLinkage(g, LLVMLinkOnceODRLinkage);
    }
    return 0;
}

/* ---- the target machine ------------------------------------------------------------- */

LLVMTargetMachineRef
jp_roc_machine(const jp_roc_isa *isa)
{
    static LLVMTargetMachineRef cache[16];
    static const jp_roc_isa *cache_isa[16];
    LLVMTargetRef target;
    char *msg = NULL;
    int i;
    for (i = 0; i < 16 && cache[i]; i++)
        if (cache_isa[i] == isa)
            return cache[i];
    LLVMInitializeAMDGPUTargetInfo();
    LLVMInitializeAMDGPUTarget();
    LLVMInitializeAMDGPUTargetMC();
    LLVMInitializeAMDGPUAsmPrinter();
    if (LLVMGetTargetFromTriple(TRIPLE, &target, &msg)) {
        PyErr_Format(PyExc_RuntimeError, "LLVM has no AMDGPU target: %s", msg);
        LLVMDisposeMessage(msg);
        return NULL;
    }
    if (i == 16) {
        PyErr_SetString(PyExc_RuntimeError, "too many AMD GPU target machines");
        return NULL;
    }
    /* isa is from the table (isa.c): LLVM knows the name */
    cache[i] = LLVMCreateTargetMachine(target, TRIPLE, isa->name, "", LLVMCodeGenLevelAggressive, LLVMRelocPIC,
                                       LLVMCodeModelDefault);
    cache_isa[i] = isa;
    return cache[i];
}

/* ---- address spaces ------------------------------------------------------------------ */

/* Every alloca in the private address space (5), seen through a flat
 * pointer by the code the lowering wrote; InferAddressSpaces (O3) makes
 * the accesses private again.  mod's data layout must say A5. */
static void
private_allocas(LLVMModuleRef mod)
{
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
    LLVMTypeRef flat = LLVMPointerTypeInContext(ctx, 0);
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
        for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
            LLVMValueRef ins = LLVMGetFirstInstruction(bb), next;
            for (; ins; ins = next) {
                LLVMValueRef priv, count;
                next = LLVMGetNextInstruction(ins);
                if (!LLVMIsAAllocaInst(ins) || LLVMGetPointerAddressSpace(LLVMTypeOf(ins)) != 0)
                    continue;
                LLVMPositionBuilderBefore(b, ins);
                count = LLVMGetOperand(ins, 0);
                priv = LLVMIsAConstantInt(count) && LLVMConstIntGetZExtValue(count) == 1
                    ? LLVMBuildAlloca(b, LLVMGetAllocatedType(ins), "")
                    : LLVMBuildArrayAlloca(b, LLVMGetAllocatedType(ins), count, "");
                LLVMSetAlignment(priv, LLVMGetAlignment(ins));
                LLVMReplaceAllUsesWith(ins, LLVMBuildAddrSpaceCast(b, priv, flat, ""));
                LLVMInstructionEraseFromParent(ins);
            }
        }
    }
    LLVMDisposeBuilder(b);
}

/* Globals the lowering made in the flat address space move to global (1)
 * or, when constant, constant (4) memory; their users see a flat cast. */
static void
device_globals(LLVMModuleRef mod)
{
    LLVMTypeRef flat = LLVMPointerTypeInContext(LLVMGetModuleContext(mod), 0);
    LLVMValueRef g = LLVMGetFirstGlobal(mod), next;
    for (; g; g = next) {
        LLVMValueRef moved;
        size_t len;
        char *name;
        next = LLVMGetNextGlobal(g);
        if (LLVMGetPointerAddressSpace(LLVMTypeOf(g)) != 0)
            continue;
        name = strdup(LLVMGetValueName2(g, &len));
        LLVMSetValueName2(g, "", 0);
        moved = LLVMAddGlobalInAddressSpace(mod, LLVMGlobalGetValueType(g), name ? name : "",
                                            LLVMIsGlobalConstant(g) ? AS_CONSTANT : AS_GLOBAL);
        free(name);
        if (!LLVMIsDeclaration(g))
            LLVMSetInitializer(moved, LLVMGetInitializer(g));
        LLVMSetGlobalConstant(moved, LLVMIsGlobalConstant(g));
        LLVMSetLinkage(moved, LLVMGetLinkage(g));
        LLVMSetAlignment(moved, LLVMGetAlignment(g));
        LLVMSetUnnamedAddress(moved, LLVMGetUnnamedAddress(g));
        LLVMReplaceAllUsesWith(g, LLVMConstAddrSpaceCast(moved, flat));
        LLVMDeleteGlobal(g);
    }
}

/* ---- math: llvm.sin.f64, sin, sinf -> __ocml_sin_f64 / _f32 -------------------------- */

/* The AMDGPU backend selects these itself for f32 and f64; every other
 * llvm.* math intrinsic (llvm.sin/cos/pow/exp/log.f64 ...) aborts LLVM or
 * has no libcall, so it goes to ocml. */
static const char *native[] = {"sqrt", "fabs", "floor", "ceil", "trunc", "rint", "nearbyint", "round", "roundeven",
                               "copysign", "fma", "fmuladd", "minnum", "maxnum", "minimum", "maximum", "canonicalize",
                               "ldexp", NULL};

static void
use_ocml(LLVMModuleRef mod)
{
    LLVMValueRef fn = LLVMGetFirstFunction(mod), next;
    for (; fn; fn = next) {
        size_t len;
        const char *name = LLVMGetValueName2(fn, &len);
        char base[64], target[96];
        const char *suffix = NULL;
        LLVMTypeRef fty = LLVMGlobalGetValueType(fn), ret = LLVMGetReturnType(fty);
        next = LLVMGetNextFunction(fn);
        if (!LLVMIsDeclaration(fn))
            continue;
        if (strncmp(name, "llvm.", 5) == 0) {
            const char *dot = strrchr(name, '.');
            size_t n = (size_t)(dot - name) - 5;
            int keep = 0;
            if (strncmp(name, "llvm.amdgcn.", 12) == 0 || n >= sizeof base
                || (strcmp(dot, ".f64") != 0 && strcmp(dot, ".f32") != 0))
                continue;
            memcpy(base, name + 5, n);
            base[n] = '\0';
            for (int i = 0; native[i]; i++)
                keep |= strcmp(base, native[i]) == 0;
            if (keep)
                continue;
            suffix = strcmp(dot, ".f32") == 0 ? "f32" : "f64";
        } else if (strncmp(name, "jp", 2) == 0 || strncmp(name, "__", 2) == 0 || len >= sizeof base) {
            continue;
        } else {
            /* a libm name: sin (double) or sinf (float); frexp and modf
             * (out-parameters) get wrappers (helper_ir) */
            LLVMTypeKind k = LLVMGetTypeKind(ret);
            if (strcmp(name, "frexp") == 0 || strcmp(name, "frexpf") == 0 || strcmp(name, "modf") == 0
                || strcmp(name, "modff") == 0)
                continue;
            memcpy(base, name, len + 1);
            if (k == LLVMDoubleTypeKind) {
                suffix = "f64";
            } else if (k == LLVMFloatTypeKind && len > 1 && base[len - 1] == 'f') {
                base[len - 1] = '\0';
                suffix = "f32";
            } else {
                continue;
            }
        }
        snprintf(target, sizeof target, "__ocml_%s_%s", base, suffix);
        {
            LLVMValueRef repl = LLVMGetNamedFunction(mod, target);
            if (repl == NULL)
                repl = LLVMAddFunction(mod, target, fty);
            LLVMReplaceAllUsesWith(fn, repl);
            LLVMDeleteFunction(fn);
        }
    }
}

/* ---- the roc helpers: what the C API of LLVM 19 cannot build (sync scopes) --------- */

/* The IR of helper `name` (declared by lower_roc.c), or 0 bytes when it
 * is not one.  jp.roc.barrier, jp.roc.mem_fence, jp.roc.wavebarrier,
 * frexp/modf (around ocml's private out-parameter),
 * jp.roc.atomic.<rmw op>.<type>, jp.roc.cas.<type>. */
static int
helper_ir(const char *name, char *out, size_t size)
{
    char op[16], ty[16];
    if (strcmp(name, "jp.roc.barrier") == 0)
        /* ockl's work-group barrier: release, s_barrier, acquire */
        return snprintf(out, size,
                        "declare void @llvm.amdgcn.s.barrier()\n"
                        "define linkonce_odr void @\"%s\"() alwaysinline {\n"
                        "  fence syncscope(\"workgroup\") release\n"
                        "  call void @llvm.amdgcn.s.barrier()\n"
                        "  fence syncscope(\"workgroup\") acquire\n"
                        "  ret void\n}\n", name);
    if (strcmp(name, "jp.roc.mem_fence") == 0)
        return snprintf(out, size,
                        "define linkonce_odr void @\"%s\"() alwaysinline {\n"
                        "  fence syncscope(\"agent\") acq_rel\n  ret void\n}\n", name);
    if (strcmp(name, "jp.roc.wavebarrier") == 0)
        return snprintf(out, size,
                        "declare void @llvm.amdgcn.wave.barrier()\n"
                        "define linkonce_odr void @\"%s\"() alwaysinline {\n"
                        "  call void @llvm.amdgcn.wave.barrier()\n  ret void\n}\n", name);
    if (strcmp(name, "frexp") == 0 || strcmp(name, "frexpf") == 0 || strcmp(name, "modf") == 0
        || strcmp(name, "modff") == 0) {
        /* libm's out-parameter is a flat pointer, ocml's a private one */
        int f32 = strcmp(name, "frexpf") == 0 || strcmp(name, "modff") == 0;
        const char *fp = f32 ? "float" : "double", *sfx = f32 ? "f32" : "f64";
        const char *out_ty = name[0] == 'f' ? "i32" : fp;
        const char *base = name[0] == 'f' ? "frexp" : "modf";
        return snprintf(out, size,
                        "declare %s @__ocml_%s_%s(%s, ptr addrspace(5))\n"
                        "define linkonce_odr %s @\"%s\"(%s %%x, ptr %%o) alwaysinline {\n"
                        "  %%t = alloca %s, addrspace(5)\n"
                        "  %%r = call %s @__ocml_%s_%s(%s %%x, ptr addrspace(5) %%t)\n"
                        "  %%v = load %s, ptr addrspace(5) %%t\n"
                        "  store %s %%v, ptr %%o\n"
                        "  ret %s %%r\n}\n",
                        fp, base, sfx, fp, fp, name, fp, out_ty, fp, base, sfx, fp, out_ty, out_ty, fp);
    }
    if (sscanf(name, "jp.roc.atomic.%15[a-z].%15[a-z0-9]", op, ty) == 2)
        /* relaxed, device-wide: HIP's atomicAdd */
        return snprintf(out, size,
                        "define linkonce_odr %s @\"%s\"(ptr %%p, %s %%v) alwaysinline {\n"
                        "  %%r = atomicrmw %s ptr %%p, %s %%v syncscope(\"agent\") monotonic\n"
                        "  ret %s %%r\n}\n", ty, name, ty, op, ty, ty);
    if (sscanf(name, "jp.roc.cas.%15[a-z0-9]", ty) == 1)
        return snprintf(out, size,
                        "define linkonce_odr %s @\"%s\"(ptr %%p, %s %%e, %s %%n) alwaysinline {\n"
                        "  %%r = cmpxchg ptr %%p, %s %%e, %s %%n syncscope(\"agent\") monotonic monotonic\n"
                        "  %%o = extractvalue { %s, i1 } %%r, 0\n"
                        "  ret %s %%o\n}\n", ty, name, ty, ty, ty, ty, ty, ty);
    return 0;
}

static int
define_helpers(LLVMModuleRef mod)
{
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    char text[8192];
    size_t used = 0;
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
        size_t len;
        const char *name = LLVMGetValueName2(fn, &len);
        int n;
        if (!LLVMIsDeclaration(fn) || (strncmp(name, "jp.roc.", 7) != 0 && strcmp(name, "frexp") != 0
                                       && strcmp(name, "frexpf") != 0 && strcmp(name, "modf") != 0
                                       && strcmp(name, "modff") != 0))
            continue;
        if ((n = helper_ir(name, text + used, sizeof text - used)) <= 0 || (size_t)n >= sizeof text - used) {
            PyErr_Format(PyExc_RuntimeError, "internal compiler error: no device helper %s", name);
            return -1;
        }
        used += (size_t)n;
    }
    if (used) {
        LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(text, used, "jp.roc");
        LLVMModuleRef helpers = NULL;
        char *msg = NULL;
        if (LLVMParseIRInContext(ctx, buf, &helpers, &msg)) {     /* takes buf */
            PyErr_Format(PyExc_RuntimeError, "internal compiler error in the roc helpers: %s", msg);
            LLVMDisposeMessage(msg);
            return -1;
        }
        LLVMSetTarget(helpers, TRIPLE);
        LLVMSetDataLayout(helpers, LLVMGetDataLayoutStr(mod));
        if (LLVMLinkModules2(mod, helpers)) {
            PyErr_SetString(PyExc_RuntimeError, "internal compiler error: linking the roc helpers failed");
            return -1;
        }
    }
    return 0;
}

/* ---- the whole preparation --------------------------------------------------------- */

/* After linking and O3: a function still only declared would be an
 * undefined symbol of the code object. */
static int
check_defined(LLVMModuleRef mod, const char *kernel_noun)
{
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
        size_t len;
        const char *name = LLVMGetValueName2(fn, &len);
        if (!LLVMIsDeclaration(fn) || LLVMGetFirstUse(fn) == NULL
            || (LLVMGetIntrinsicID(fn) != 0 && strncmp(name, "llvm.nvvm.", 10) != 0))
            continue;
        if (strncmp(name, "llvm.nvvm.", 10) == 0)
            PyErr_Format(JpUnsupportedError, "cuda.* intrinsics (%s) cannot be used in %s: use roc.*", name,
                         kernel_noun);
        else if (strncmp(name, "__ocml_", 7) == 0)
            PyErr_Format(JpUnsupportedError,
                         "%s: the ROCm device libraries have no %s, so this math function is not supported "
                         "in %s", name + 7, name, kernel_noun);
        else
            PyErr_Format(JpUnsupportedError, "%s calls %s, which has no device implementation", kernel_noun, name);
        return -1;
    }
    return 0;
}

int
jp_roc_finish(LLVMModuleRef mod, const jp_roc_isa *isa, const char *entry, const char *kernel_noun)
{
    LLVMTargetMachineRef tm = jp_roc_machine(isa);
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    char *msg = NULL;
    double t0 = now(), t1;
    if (tm == NULL)
        return -1;
    LLVMSetTarget(mod, TRIPLE);
    {
        LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
        char *dl = LLVMCopyStringRepOfTargetData(td);
        LLVMSetDataLayout(mod, dl);
        LLVMDisposeMessage(dl);
        LLVMDisposeTargetData(td);
    }
    /* code object version 5: what ROCr 5.2.3 loads newest (6 it refuses) */
    LLVMAddModuleFlag(mod, LLVMModuleFlagBehaviorError, "amdhsa_code_object_version", 26,
                      LLVMValueAsMetadata(LLVMConstInt(LLVMInt32TypeInContext(ctx), 500, 0)));
    private_allocas(mod);
    device_globals(mod);
    use_ocml(mod);
    if (define_helpers(mod) < 0)
        return -1;
    if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
        PyErr_Format(PyExc_RuntimeError, "internal compiler error (invalid AMD GPU IR), please report it: %s", msg);
        LLVMDisposeMessage(msg);
        return -1;
    }
    LLVMDisposeMessage(msg);
    if (link_device_libs(mod, isa) < 0)
        return -1;
    jp_device_internalise(mod, entry);      /* only the entry stays visible */
    t1 = now();
    jp_roc_last_timing.prepare = t1 - t0;
    if (jp_device_optimise(mod, tm, "AMDGPU") < 0)
        return -1;
    jp_roc_last_timing.opt = now() - t1;
    return check_defined(mod, kernel_noun);
}

/* ---- emission and the link --------------------------------------------------------- */

static char *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;
    char *data = NULL;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
        && (data = malloc((size_t)n + 1)) != NULL) {
        if (fread(data, 1, (size_t)n, f) != (size_t)n) {
            free(data);
            data = NULL;
        } else {
            data[n] = '\0';
            *len = (size_t)n;
        }
    }
    if (f)
        fclose(f);
    return data;
}

/* ld.lld -shared --no-undefined obj -o out; its messages in a third file. */
static char *
lld_link(const char *obj, size_t obj_len, size_t *len)
{
    const char *lld = jp_roc_lld_path();
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char in_path[512], out_path[512], log_path[512];
    int in_fd = -1, out_fd = -1, log_fd = -1, status = 0;
    char *result = NULL;
    pid_t pid;
    posix_spawn_file_actions_t fa;
    if (lld == NULL) {
        PyErr_SetString(PyExc_RuntimeError,
                        "ld.lld-19 was not found: install the Debian package lld-19 (it links AMD GPU code "
                        "objects; $JP_ROC_LLD names another ld.lld)");
        return NULL;
    }
    snprintf(in_path, sizeof in_path, "%s/jp-roc-XXXXXX.o", tmp);
    snprintf(out_path, sizeof out_path, "%s/jp-roc-XXXXXX.hsaco", tmp);
    snprintf(log_path, sizeof log_path, "%s/jp-roc-XXXXXX.log", tmp);
    if ((in_fd = mkstemps(in_path, 2)) < 0 || (out_fd = mkstemps(out_path, 6)) < 0
        || (log_fd = mkstemps(log_path, 4)) < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        goto done;
    }
    if (write(in_fd, obj, obj_len) != (ssize_t)obj_len) {
        PyErr_SetFromErrno(PyExc_OSError);
        goto done;
    }
    {
        char *argv[] = {(char *)lld, "-shared", "--no-undefined", in_path, "-o", out_path, NULL};
        int rc;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, log_fd, 1);
        posix_spawn_file_actions_adddup2(&fa, log_fd, 2);
        rc = posix_spawn(&pid, lld, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc != 0) {
            errno = rc;
            PyErr_Format(PyExc_RuntimeError, "cannot run %s: %s", lld, strerror(rc));
            goto done;
        }
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        size_t n = 0;
        char *log = read_all(log_path, &n);
        PyErr_Format(PyExc_RuntimeError, "%s could not link the AMD GPU code object:\n%s", lld,
                     log ? log : "(no message)");
        free(log);
        goto done;
    }
    if ((result = read_all(out_path, len)) == NULL)
        PyErr_Format(PyExc_RuntimeError, "cannot read %s's output %s", lld, out_path);
done:
    if (in_fd >= 0) {
        close(in_fd);
        unlink(in_path);
    }
    if (out_fd >= 0) {
        close(out_fd);
        unlink(out_path);
    }
    if (log_fd >= 0) {
        close(log_fd);
        unlink(log_path);
    }
    return result;
}

char *
jp_roc_emit(LLVMModuleRef mod, const jp_roc_isa *isa, size_t *len)
{
    LLVMTargetMachineRef tm = jp_roc_machine(isa);
    LLVMModuleRef clone;
    LLVMMemoryBufferRef obj = NULL;
    char *msg = NULL, *hsaco;
    double t0 = now(), t1;
    if (tm == NULL)
        return NULL;
    /* codegen changes the module it emits: never the caller's */
    clone = LLVMCloneModule(mod);
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, clone, LLVMObjectFile, &msg, &obj)) {
        PyErr_Format(PyExc_RuntimeError, "LLVM (AMDGPU codegen): %s", msg);
        LLVMDisposeMessage(msg);
        LLVMDisposeModule(clone);
        return NULL;
    }
    LLVMDisposeModule(clone);
    t1 = now();
    jp_roc_last_timing.codegen = t1 - t0;
    hsaco = lld_link(LLVMGetBufferStart(obj), LLVMGetBufferSize(obj), len);
    LLVMDisposeMemoryBuffer(obj);
    jp_roc_last_timing.link = now() - t1;
    return hsaco;
}
