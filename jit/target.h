/* jit/target.h - what a code generation target is, and the registry of them.
 *
 * jit/ types and lowers Python for any target through this one descriptor
 * (QBE's Target is the model); it names no target and includes nothing from
 * gpu/.  The CPU target is jit/'s own (compile_service.c); each device
 * target lives under gpu/<target>/ and registers itself from
 * jp_device_targets_init() (gpu/targets.c), which the _core module calls at
 * import.  A new target:
 *   1. fills a jp_target: its intrinsics' typing and lowering hooks, its
 *      emission (lower the session's instances with jp_lower_instance, give
 *      the runtime helpers device bodies with jp_device_runtime_define
 *      (jit/device_runtime.h), route math, link, optimise, print or load
 *      the image),
 *   2. registers it and its Python functions in gpu/targets.c,
 *   3. gives its Python intrinsics the attribute
 *      `_jitprofile_intrinsic = (target name, intrinsic name[, spelling])`;
 *      messages name it by the spelling ("threadIdx.x" for "sreg:tid.x").
 *
 * Intrinsics.  The frontend turns any object carrying _jitprofile_intrinsic
 * into an E_CALLEE of kind CALLEE_INTRINSIC with u.callee.target and
 * u.callee.name.  Typing one outside a compile for its target is a
 * TypingError with file:line:col (jp_infer_intrinsic, target.c); inside, the target's
 * infer_intrinsic types it and lower_intrinsic lowers it (call = 0: the
 * value `cuda.threadIdx.x`, call = 1: the call `cuda.grid(1)`, n the E_CALL).
 * An intrinsic name may carry a target-private tag before a ':'
 * ("sreg:tid.x"); messages show the part after it.
 *
 * Device targets (device = 1): every instance of a compile is device code -
 * no reference counting, no CPU runtime, no Python objects, every callee in
 * the one image - so containers, strings and allocation are refused with
 * "... not supported in <kernel_noun>", and the lowering leaves out what
 * needs the host (the session's and instance's `gpu` flag is `device`).
 *
 * Descriptors are static and never freed; registration happens at import,
 * with the GIL held.
 */
#ifndef JP_TARGET_H
#define JP_TARGET_H

#include "jit/compiler.h"

#include <llvm-c/Types.h>

struct ictx;
struct lctx;

typedef struct jp_target {
    const char *name;           /* "cpu", "cuda", "roc": the intrinsics' first element */
    const char *kernel_noun;    /* for messages: "CUDA kernels" */
    int device;                 /* device code: no refcounts, no CPU runtime, every callee in one image */
    const char *triple;         /* NULL for the host */
    const char *data_layout;    /* NULL: the target machine's (or the host's) */
    const char *decorator;      /* what makes a function device code: "@cuda.jit" */
    const char *local_array;    /* hints: how kernels spell a scratch array ("cuda.local.array") */
    /* The type of intrinsic n (call = 0: the E_CALLEE value; call = 1: the
     * E_CALL n), or NULL + error; NULL hook: the target has no intrinsics. */
    jp_type *(*infer_intrinsic)(struct ictx *c, jp_node *n, int call);
    LLVMValueRef (*lower_intrinsic)(struct lctx *c, jp_node *n, int call);
    /* Lower, optimise and emit the typed pending instances of s (root is
     * the requested one).  The CPU target links them into the process;
     * a device target leaves its image in its arg.  0, or -1 + Python error. */
    int (*emit)(const struct jp_target *t, jp_session *s, jp_instance *root, void *arg);
} jp_target;

extern const jp_target jp_target_cpu;

/* Registry (the CPU target is always there).  Registering a name twice
 * replaces the earlier descriptor; at most 16 targets. */
void jp_target_register(const jp_target *t);
const jp_target *jp_target_find(const char *name);
/* The target of a session or instance (NULL there means the CPU). */
const jp_target *jp_session_target(const jp_session *s);
const jp_target *jp_instance_target(const jp_instance *inst);

/* The generic side of intrinsics (infer.c, lower.c): the session's target
 * types an intrinsic of its own; any other is a TypingError naming the
 * intrinsic and the decorator it needs.  call as for the hooks. */
jp_type *jp_infer_intrinsic(struct ictx *c, jp_node *n, int call);
LLVMValueRef jp_lower_intrinsic(struct lctx *c, jp_node *n, int call);

/* In a device compile: UnsupportedError "<what> not supported in
 * <kernel_noun>" at n, what formatted from fmt ("lists are", "%s() is");
 * a %s in hint stands for the target's local array.  Returns NULL. */
void *jp_device_unsupported(struct ictx *c, jp_node *n, const char *hint, const char *fmt, ...);

/* For an emit: lower one typed instance into mod (lower.c); dbg may be
 * NULL.  0, or -1 + Python error. */
struct jp_dbg;
int jp_lower_instance(LLVMContextRef ctx, LLVMModuleRef mod, jp_instance *inst, struct jp_dbg *dbg);

/* Registers every device target and adds its functions to the _core module
 * (gpu/targets.c).  0, or -1 + Python error. */
int jp_device_targets_init(PyObject *m);
/* _core.compile_targets(): the registry, as a tuple of dicts (jit/target.c). */
int jp_target_module_init(PyObject *m);

#endif
