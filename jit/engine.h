/* jit/engine.h - the LLVM side of the JIT: one ORC LLJIT for the process,
 * created on the first compile (never at import), tuned for the host CPU. */
#ifndef JP_ENGINE_H
#define JP_ENGINE_H

#include <llvm-c/Core.h>
#include <stddef.h>

int jp_engine_init(void);                   /* -1 + Python error */
LLVMContextRef jp_engine_context(void);
/* A fresh LLVM context for one CPU compile: jp_engine_new_module and
 * jp_engine_add use it until _end, and it dies with the last module made in
 * it (after ORC has compiled that module), so a compile leaves no uniqued
 * metadata or constants behind.  Returns the context (NULL: the shared one). */
LLVMContextRef jp_engine_compile_context_begin(void);
void jp_engine_compile_context_end(void);
LLVMModuleRef jp_engine_new_module(const char *name);
int jp_engine_optimize(LLVMModuleRef mod, int fastmath);
/* Takes ownership of mod. */
int jp_engine_add(LLVMModuleRef mod);
void *jp_engine_lookup(const char *name);
/* Size of a symbol's machine code, as the object file said (0 if unknown). */
size_t jp_engine_symbol_size(const char *name);
/* Assembly for an IR text (inspect_asm); malloc'd, NULL + Python error. */
char *jp_engine_asm_from_ir(const char *ir_text);
/* Copy the object file(s) linked between begin and end (the cache). */
void jp_engine_capture_begin(void);
char *jp_engine_capture_end(size_t *len);      /* malloc'd, NULL if none or several */
/* Link an object file made by an earlier process (cached code). */
int jp_engine_add_object(const char *data, size_t len);
/* Code units: what is added (modules, objects) between unit_begin and
 * unit_end belongs to one ORC resource tracker; jp_engine_unit_free()
 * unmaps that code.  unit_end also drops the bookkeeping (code sizes, line
 * tables) nobody took for the unit.  Units nest: begin returns the unit it
 * suspends, which end resumes.  Opaque handles; NULL when none. */
void *jp_engine_unit_begin(void);
void *jp_engine_unit_end(void *resumed);
void jp_engine_unit_free(void *unit);
const char *jp_engine_cpu_name(void);
const char *jp_engine_cpu_features(void);

#endif
