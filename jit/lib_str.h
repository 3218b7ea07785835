/* jit/lib_str.h - strings in jit code (unicode_type): typing (lib_str.c)
 * and lowering (lower_str.c) of string literals, operators, subscripts,
 * loops, methods, the builtins that make or read strings (str, repr, ord,
 * chr, format, int(s), float(s)) and f-strings (which the frontend turns
 * into `+` of format() calls).  The runtime is str_runtime.c. */
#ifndef JP_LIB_STR_H
#define JP_LIB_STR_H

#include "jit/infer.h"
#include "jit/lower.h"

/* typing (lib_str.c) */
jp_type *jp_infer_str_const(ictx *c, jp_node *n);       /* a literal: unicode_type */
jp_type *jp_infer_str_method(ictx *c, jp_node *call, jp_type *recv);
jp_type *jp_infer_str_subscript(ictx *c, jp_node *n, jp_type *recv);
/* a binary operator with a string operand: its type, or NULL with an error */
jp_type *jp_infer_str_binop(ictx *c, jp_node *n, jp_binop op, jp_type *a, jp_type *b);
/* the result type of op on a string operand, or NULL (no error set) */
jp_type *jp_str_binop_type(jp_binop op, jp_type *a, jp_type *b);
/* str() repr() ord() chr() format(), and int(s) / float(s) */
jp_type *jp_infer_str_builtin(ictx *c, jp_node *call, jp_builtin id);
int jp_is_str_builtin(jp_builtin id);

/* lowering (lower_str.c) */
LLVMValueRef jp_lower_str_const(lctx *c, jp_node *n);
LLVMValueRef jp_lower_str_method(lctx *c, jp_node *call);
LLVMValueRef jp_lower_str_subscript(lctx *c, jp_node *n);
LLVMValueRef jp_lower_str_binop(lctx *c, jp_binop op, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb);
LLVMValueRef jp_lower_str_compare(lctx *c, jp_cmpop op, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef jp_lower_str_builtin(lctx *c, jp_node *call, jp_builtin id);
LLVMValueRef jp_str_len(lctx *c, LLVMValueRef s);
void jp_lower_str_for(lctx *c, jp_node *s);
/* raise cls(message) with a string value as the message */
void jp_lower_str_raise(lctx *c, PyObject *cls, jp_node *msg);
/* print() of a string value */
void jp_lower_str_print(lctx *c, LLVMValueRef s);

#endif
