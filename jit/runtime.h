/* jit/runtime.h - C functions that compiled code calls by name.  The engine
 * defines each as an absolute symbol in the JIT's dylib. */
#ifndef JP_RUNTIME_H
#define JP_RUNTIME_H

typedef struct jp_runtime_symbol {
    const char *name;
    void *address;
} jp_runtime_symbol;

/* Terminated by {NULL, NULL}. */
extern const jp_runtime_symbol jp_runtime_symbols[];

#endif
