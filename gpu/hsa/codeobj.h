/* gpu/hsa/codeobj.h - from a lowered module to an AMD GPU code object.
 *
 * The lowering emits device code with default (flat) address spaces and
 * plain libm / llvm.* math calls.  jp_roc_finish() makes it an amdgcn
 * module: target and data layout, code object version 5, allocas in the
 * private address space (5), globals in global (1) / constant (4) memory,
 * the roc helpers (jp.roc.*: barriers, fences, scoped atomics) defined,
 * math routed to the ROCm device libraries (__ocml_*), ocml/ockl and the
 * oclc_* control libraries for the ISA linked, all but the entry
 * internalised, O3.  jp_roc_emit() clones it, emits an object and links it
 * into a loadable shared ELF with ld.lld-19 --no-undefined.
 *
 * Everything runs under the compile lock (jp_compile) with the GIL held. */
#ifndef JP_HSA_CODEOBJ_H
#define JP_HSA_CODEOBJ_H

#include "gpu/hsa/isa.h"

#include <Python.h>
#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

/* Seconds spent in each step of the last compile (bench/bench_roc.py). */
typedef struct jp_roc_timing {
    double lower;               /* Python IR -> LLVM IR (roc_compile.c) */
    double prepare;             /* address spaces, math routing, device libs parsed and linked */
    double opt;                 /* internalize + O3 */
    double codegen;             /* clone + AMDGPU object emission */
    double link;                /* ld.lld */
} jp_roc_timing;

extern jp_roc_timing jp_roc_last_timing;

/* The folder of the device-library bitcode (ocml.bc ...), or NULL.
 * $JP_ROC_DEVICE_LIBS overrides the search. */
const char *jp_roc_device_libs_dir(void);
/* The ld.lld to link with, or NULL.  $JP_ROC_LLD overrides the search. */
const char *jp_roc_lld_path(void);

/* The AMDGPU target machine for isa (cached), or NULL + RuntimeError. */
LLVMTargetMachineRef jp_roc_machine(const jp_roc_isa *isa);

/* Make mod (lowered device code) an optimised amdgcn module whose only
 * visible function is `entry`.  0, or -1 + Python error. */
int jp_roc_finish(LLVMModuleRef mod, const jp_roc_isa *isa, const char *entry, const char *kernel_noun);

/* Code object bytes (malloc'd, *len) for a finished module; mod is not
 * changed (a clone is emitted).  NULL + Python error. */
char *jp_roc_emit(LLVMModuleRef mod, const jp_roc_isa *isa, size_t *len);

#endif
