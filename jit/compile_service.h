/* jit/compile_service.h - the one compile entry point and the store of
 * compiled code.
 *
 * Every compile, for every target (the CPU here; device targets under gpu/,
 * jit/target.h), goes through jp_compile(): it takes the process-wide compile lock,
 * types the requested function with everything it calls (one session, so
 * recursion groups are typed together), lets the target emit the session's
 * new instances, and hands them to their dispatchers.  jit/ names no target:
 * a target is a descriptor passed in.
 *
 * CPU code is held in reference-counted units (jp_code): one per compile,
 * owning the ORC resource tracker of its machine code, its symbol-registry
 * entries, its optimised IR text, and a reference on each unit it calls
 * into.  Each instance holds one reference; when the last goes (the
 * dispatchers that owned them died and nothing that calls them lives), the
 * unit is retired: its registry entries stay readable until every running
 * sampler has drained the samples it took before (jit/symbols.h), then the
 * machine code is unmapped and the entries reclaimed.
 *
 * Threads: jp_compile() and the reference counts run with the GIL held.
 */
#ifndef JP_COMPILE_SERVICE_H
#define JP_COMPILE_SERVICE_H

#include "jit/compiler.h"
#include "jit/target.h"

#include <llvm-c/Core.h>

/* A code generation target: jit/target.h. */

typedef struct jp_compile_req {
    const jp_target *target;
    PyObject *dispatcher;       /* the function to compile */
    int nargs;
    jp_type **argtypes;
    jp_loop_spec *loop;         /* CPU: a private instance with a ufunc loop */
    /* After typing, before emission (e.g. "a kernel returns nothing"). */
    int (*check)(jp_session *s, jp_instance *root, void *arg);
    void *arg;                  /* for check and emit */
} jp_compile_req;

/* Compile (or find) the instance req asks for.  CPU: *result is the
 * instance, owned by its dispatcher (a loop's is private to the caller).
 * Device: *result is NULL; the image is in the target's arg.
 * Returns 0, or -1 + Python error. */
int jp_compile(const jp_compile_req *req, jp_instance **result);

/* The compile lock (reentrant; waits with the GIL released), for callers
 * that change a dispatcher's compiled state (recompile). */
int jp_compile_lock(void);
void jp_compile_unlock(void);

/* Reference counts of compiled code units (GIL held). */
void jp_code_incref(jp_code *code);
void jp_code_decref(jp_code *code);

/* Cross-unit inlining (codegen, before and after O3): link the optimised
 * bodies of the small units that s's instances call into mod as
 * available_externally definitions (the inliner may copy them; the calls
 * that stay resolve to the callee's own code); keep mod's bitcode in s
 * when it is within the inlining budget. */
void jp_code_link_callees(jp_session *s, LLVMModuleRef mod);
void jp_code_keep_bitcode(jp_session *s, LLVMModuleRef mod);

/* The optimised LLVM IR of an instance's module ("" when unknown). */
const char *jp_instance_llvm_ir(const jp_instance *inst);

/* Free retired units whose samples are drained (called by jp_compile and
 * when a unit is retired). */
void jp_compile_reap(void);

/* Units alive and retired-but-not-yet-freed (tests). */
void jp_compile_stats(long *live, long *retired);

#endif
