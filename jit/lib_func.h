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
