/* jit/compiler.h - compiled instances (one function at one signature) and
 * the compile session that infers and lowers a group of them together, so
 * that direct and mutual recursion type-check and land in one LLVM module. */
#ifndef JP_COMPILER_H
#define JP_COMPILER_H

#include "jit/ir.h"

/* What jitted code writes when it raises: the exception class and its
 * message (a constant C string); the dispatcher raises it after the call. */
typedef struct jp_excinfo {
    PyObject *cls;
    const char *msg;
    int64_t format;             /* 0: msg as is; JP_EXC_INDEX: msg built from args */
    int64_t args[3];
} jp_excinfo;

#define JP_EXC_INDEX 1          /* "index %d is out of bounds for axis %d with size %d" */
#define JP_EXC_BROADCAST 2      /* "operands could not be broadcast together (axis %d: %d vs %d)" */
#define JP_EXC_RESHAPE 3        /* "cannot reshape array of size %d into shape of size %d" */
#define JP_EXC_PENDING 4        /* args[0]: a raised Python exception object, owned (objmode.c) */

/* The entry point every instance gets: unpacks argument slots, calls the
 * native function, stores the result.  Returns 0, or 1 with *exc set. */
typedef int (*jp_trampoline)(void **args, void *out, jp_excinfo *exc);

/* How a call site fills one parameter of a jitted callee. */
typedef struct jp_arg_source {
    int kind;               /* 0: positional arg, 1: keyword arg, 2: default, 3: self,
                             * 4: the *args tuple, 5: an item of f(*t) (lib_func.c) */
    int index;              /* into args / kwvalues / the callee's defaults;
                             * 4: the first extra position; 5: the arg holding *t */
    int elem;               /* 4: how many extra positions; 5: the item of t */
} jp_arg_source;

/* A NumPy ufunc or gufunc inner loop compiled around an instance (its
 * kernel), in the same module so the kernel inlines into the loop. */
typedef struct jp_loop_spec {
    int kind;                   /* 1: elementwise ufunc, 2: gufunc */
    int nin, nout;
    jp_type *out_type;          /* kind 1: the output element type */
    int *core_ndim;             /* kind 2: per argument, its core dimensions */
    int *core_dim;              /* kind 2: per argument and core dim, the index into dims[1..] */
    void *loop_fn;              /* filled after linking */
} jp_loop_spec;

typedef struct jp_instance jp_instance;
typedef struct jp_code jp_code;         /* compiled code unit (compile_service.h) */
struct jp_instance {
    jp_func_ir *ir;             /* shared with the dispatcher (not owned) */
    PyObject *dispatcher;       /* borrowed */
    int nargs;
    jp_type **argtypes;
    jp_type *ret;
    jp_type *declared_ret;      /* an explicit signature's return type, or NULL */
    jp_type **var_types;        /* per local */
    jp_type **node_types;       /* per node id */
    jp_instance **callees;      /* per node id: the instance an E_CALL calls */
    jp_arg_source **bindings;   /* per node id: parameter sources at a call */
    signed char *branch;        /* per S_IF id: 0 decided at run time, 1 always body, 2 always else */
    char *symbol;               /* LLVM name of the native function */
    int changed;                /* inference made progress this round */
    int compiled;
    int uncacheable;            /* the code embeds process-specific addresses */
    int gpu;                    /* device code: target->device (jit/target.h) */
    const struct jp_target *target; /* what it was compiled for (NULL: the CPU) */
    jp_trampoline trampoline;
    void *entry;                /* address of the native function */
    size_t code_size;
    char *llvm_ir;              /* optimised IR, for inspect_llvm() */
    char *asm_text;             /* assembly, for inspect_asm() */
    jp_loop_spec *loop;         /* also emit a ufunc loop (private instances) */
    jp_instance *next;          /* session list */
    const struct jp_lib_entry **resolved;   /* per node id: the library entry typing chose (resolve.h) */
    jp_code *code;              /* the unit holding its machine code (a reference) */
    jp_type *yield_type;        /* a generator's: what its yields unify to (infer.c) */
    jp_type **opt_natural;      /* per node id: the Optional a node computes where its use
                                 * wants the value (infer_optional.c), else NULL */
    char *vec_remarks;          /* the vectorizers' remarks of its compile (vec_remarks.h),
                                 * or NULL (loaded from the cache) */
};

typedef struct jp_session {
    jp_instance *pending;       /* new instances, in creation order (reversed) */
    int rounds;
    int added;                  /* instances were created this round */
    int private;                /* cache=True: fresh callees in this module, portable names */
    int gpu;                    /* a device compile (target->device): every instance is device code */
    const struct jp_target *target; /* the compile's target (jit/target.h; NULL: the CPU) */
    PyObject *root;             /* the dispatcher the compile is for */
    char *llvm_ir;              /* the optimised module's text (codegen) */
    void *bitcode;              /* the optimised module, when small enough to be
                                 * inlined into later callers (codegen) */
    size_t bitcode_len;
} jp_session;

/* Options a dispatcher compiles with. */
typedef struct jp_options {
    int nogil, fastmath, boundscheck, parallel, cache;
    int error_model_numpy;      /* 1: division by zero gives inf/nan, no checks */
} jp_options;

/* The instance of `dispatcher` for `argtypes`: an existing overload, one
 * pending in this session, or a new pending one.  NULL + exception. */
jp_instance *jp_session_instance(jp_session *s, PyObject *dispatcher,
                                 int nargs, jp_type **argtypes);

/* A new private instance (never shared through the dispatcher's table). */
jp_instance *jp_session_new_instance(jp_session *s, PyObject *dispatcher,
                                     int nargs, jp_type **argtypes);

/* Type-check every pending instance to a fixed point (infer.c). */
int jp_infer_session(jp_session *s);

/* Whether control never continues past statement s (returns, raises, an
 * endless loop, or an if whose taken branches all do), with the branches
 * that typing decided at compile time (`if x is None` on a None-typed x). */
int jp_stmt_terminates(jp_instance *inst, jp_node *s);

/* Lower, optimise and link the pending instances (lower.c + engine.c). */
int jp_codegen_session(jp_session *s);

void jp_session_abort(jp_session *s);   /* frees pending instances */
void jp_instance_free(jp_instance *inst);

/* Provided by the dispatcher (dispatcher.c). */
jp_func_ir *jp_dispatcher_ir(PyObject *dispatcher);          /* builds lazily */
jp_instance *jp_dispatcher_find(PyObject *dispatcher, int nargs, jp_type **argtypes);
int jp_dispatcher_can_compile(PyObject *dispatcher);         /* no explicit signatures */
const jp_options *jp_dispatcher_options(PyObject *dispatcher);
/* The overload the explicit signatures offer for argtypes (by safe
 * conversion), or NULL. */
jp_instance *jp_dispatcher_convertible(PyObject *dispatcher, int nargs, jp_type **argtypes);
int jp_is_dispatcher(PyObject *obj);

#endif
