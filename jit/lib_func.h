/* jit/lib_func.h - jitted functions as values: a function passed to
 * sorted/list.sort/min/max as key=, to map()/filter(), or to another jitted
 * function.  A function value is a node typing resolves statically: an
 * E_CALLEE of a dispatcher (an inner function carries the locals it
 * captures, frontend_closure.h) or a local of type JP_FUNCTION (a function
 * passed as an argument).  Typing picks the instance for the argument types
 * and records it in inst->callees[fn->id]; lowering calls it with the
 * captures first. */
#ifndef JP_LIB_FUNC_H
#define JP_LIB_FUNC_H

#include "jit/infer.h"
#include "jit/lower.h"

/* A jitted function met as a value (E_CALLEE of a dispatcher): its JP_FUNCTION
 * type, or an UnsupportedError for an inner function that captures locals. */
jp_type *jp_infer_function_value(ictx *c, jp_node *fn);
/* Whether fn is a function value (typing it where needed). */
int jp_is_function_value(ictx *c, jp_node *fn);
/* Type a call of function value `fn` with nargs arguments of these types
 * (`what` names the use in errors: "key", "map()"): its return type (unknown
 * while the callee is pending), NULL with an error. */
jp_type *jp_infer_fn_call(ictx *c, jp_node *fn, int nargs, jp_type **argtypes, const char *what);
/* Lower that call: the captures, then args (cast to the instance's types);
 * an exception of the callee propagates. */
LLVMValueRef jp_lower_fn_call(lctx *c, jp_node *fn, int nargs, LLVMValueRef *args, jp_type **argtypes);

#endif

/* ---- *args (jp_arg_source kinds 4 and 5, compiler.h) ---- */
/* The positional arguments of a call of a jitted function with each f(*t)
 * spread into t's items: sources (kind 0, or 5 for an item of t) and types.
 * The count; -1 with an error; -2 while the type of a t is unknown. */
int jp_bind_positions(ictx *c, jp_node *call, jp_arg_source *pos, jp_type **types, int max);
/* The value of a parameter bound to source kind 4 (the *args tuple) or 5. */
LLVMValueRef jp_lower_bound_arg(lctx *c, jp_node *call, jp_arg_source src, jp_type *want);
