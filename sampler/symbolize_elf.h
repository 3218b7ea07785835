/* sampler/symbolize_elf.h - native address -> (function, object) names
 * from the ELF symbol tables of loaded objects (.symtab when present, else
 * .dynsym; separate debug files by build-id), with a per-object cache.
 * Not async-signal-safe: used by the collector only. */
#ifndef JP_SYMBOLIZE_ELF_H
#define JP_SYMBOLIZE_ELF_H

#include <stdint.h>

typedef struct jp_native_sym {
    const char *function;   /* demangled name, or NULL when unknown */
    const char *object;     /* full path of the object, "" when unknown */
    const char *object_short; /* its basename */
    uintptr_t offset;       /* ip - start of the function (or object) */
    int is_interpreter;     /* the object is libpython or the executable */
} jp_native_sym;

/* Fill *out for ip.  Returned strings live until jp_symbolize_reset(). */
void jp_symbolize(uintptr_t ip, jp_native_sym *out);
/* Drop every cached object (e.g. after dlclose, or at shutdown). */
void jp_symbolize_reset(void);

#endif
