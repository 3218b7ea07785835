/* gpu/hsa/isa.h - the AMD GPU ISAs the roc target compiles for.
 *
 * LLVM aborts the process on a CPU name it does not know (it prints a
 * warning, then instruction selection fails), and the C API cannot ask
 * whether a name is valid, so every ISA is checked against this table
 * before LLVM sees it.  Each entry says what the device libraries and the
 * runtime need to know about it. */
#ifndef JP_HSA_ISA_H
#define JP_HSA_ISA_H

typedef struct jp_roc_isa {
    const char *name;           /* LLVM CPU name: "gfx90a" */
    int wavefront;              /* 64 (gfx9) or 32 (gfx10/11, wave32 default) */
    int isa_version;            /* __oclc_ISA_version: major*1000 + minor*100 + stepping */
    const char *isa_lib;        /* suffix of rocm-device-libs' oclc_isa_version_<s>.bc, or NULL
                                 * when 5.2.3 has none (we define __oclc_ISA_version ourselves) */
    int runtime_loadable;       /* Debian's ROCr 5.2.3 loads code objects for it */
    const char *family;         /* for messages and docs: "MI200 (CDNA2)" */
} jp_roc_isa;

/* The entry for name, or NULL. */
const jp_roc_isa *jp_roc_isa_find(const char *name);
/* The entry for name, or NULL + ValueError listing the supported ones. */
const jp_roc_isa *jp_roc_isa_check(const char *name);
/* The whole table: *n entries. */
const jp_roc_isa *jp_roc_isa_table(int *n);

#endif
