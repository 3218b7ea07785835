/* gpu/hsa/isa.c - the table of AMD GPU ISAs the roc target supports (isa.h).
 *
 * Sources: LLVM 19's AMDGPU processor list (llc-19 -mcpu=help), the
 * oclc_isa_version_*.bc files of Debian's rocm-device-libs 5.2.3, and the
 * ISA list of ROCR-Runtime rocm-5.2.3 (src/core/runtime/isa.cpp): no
 * gfx94x, no gfx11xx. */
#include "gpu/hsa/isa.h"

#include <Python.h>
#include <string.h>

static const jp_roc_isa table[] = {
    {"gfx906", 64, 9006, "906", 1, "Vega 20 (MI50/MI60, Radeon VII)"},
    {"gfx908", 64, 9008, "908", 1, "MI100 (CDNA1)"},
    {"gfx90a", 64, 9010, "90a", 1, "MI200 (CDNA2)"},
    {"gfx942", 64, 9402, NULL, 0, "MI300 (CDNA3)"},
    {"gfx1030", 32, 10300, "1030", 1, "RDNA2 (RX 6800/6900, W6800)"},
    {"gfx1100", 32, 11000, NULL, 0, "RDNA3 (RX 7900, W7900)"},
};

const jp_roc_isa *
jp_roc_isa_table(int *n)
{
    *n = (int)(sizeof table / sizeof table[0]);
    return table;
}

const jp_roc_isa *
jp_roc_isa_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

const jp_roc_isa *
jp_roc_isa_check(const char *name)
{
    const jp_roc_isa *isa = jp_roc_isa_find(name);
    char list[256] = "";
    if (isa)
        return isa;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (i)
            strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, table[i].name, sizeof list - strlen(list) - 1);
    }
    PyErr_Format(PyExc_ValueError, "unsupported AMD GPU ISA '%s': jitprofile.roc compiles for %s",
                 name ? name : "", list);
    return NULL;
}
