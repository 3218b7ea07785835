/* jit/dict.h - DictType[K, V] and set(T) in the compiler: typing
 * (lib_dict.c, lib_set.c) and lowering (lower_dict.c, lower_set.c) of
 * literals, dict() and set(), d[k], d[k] = v, del d[k], `k in d`, len,
 * iteration, the methods, the set operators, and hash().  The runtime is
 * hashtable.h; shared files call these entry points only. */
#ifndef JP_DICT_H
#define JP_DICT_H

#include "jit/infer.h"
#include "jit/lower.h"

/* typing (lib_dict.c) */
jp_type *jp_infer_dict_literal(ictx *c, jp_node *n);                    /* E_DICT */
void jp_infer_dict_refine_literal(ictx *c, jp_node *assign);            /* d = {} */
jp_type *jp_infer_dict_method(ictx *c, jp_node *call, jp_type *recv);
jp_type *jp_infer_dict_subscript(ictx *c, jp_node *n, jp_type *recv);
int jp_infer_dict_setitem(ictx *c, jp_node *stmt, jp_type *recv, jp_type *value);
int jp_infer_dict_delitem(ictx *c, jp_node *stmt);                      /* S_DELITEM */
jp_type *jp_infer_dict_builtin(ictx *c, jp_node *call, jp_builtin id);  /* dict(), hash() */
int jp_dict_key_accepts(jp_type *key, jp_type *dict);                   /* `key in dict` types */

/* lowering (lower_dict.c) */
LLVMValueRef jp_lower_dict_literal(lctx *c, jp_node *n);
LLVMValueRef jp_lower_dict_method(lctx *c, jp_node *call);
LLVMValueRef jp_lower_dict_subscript(lctx *c, jp_node *n);
void jp_lower_dict_setitem(lctx *c, jp_node *stmt, int is_aug);
void jp_lower_dict_delitem(lctx *c, jp_node *stmt);
LLVMValueRef jp_lower_dict_contains(lctx *c, LLVMValueRef key, jp_type *kt, LLVMValueRef dict, jp_type *dt);
LLVMValueRef jp_lower_dict_len(lctx *c, LLVMValueRef dict);
void jp_lower_dict_for(lctx *c, jp_node *stmt);
LLVMValueRef jp_lower_ht_keys_list(lctx *c, LLVMValueRef table, jp_type *list_type);   /* keys as a list */
LLVMValueRef jp_lower_dict_builtin(lctx *c, jp_node *call, jp_builtin id);
/* a new empty table for DictType t (a temp of the statement) */
LLVMValueRef jp_dict_new_value(lctx *c, jp_type *t);

/* sets, on the same table (lib_set.c, lower_set.c); len, `in`, iteration
 * and method calls go through the dict entry points above */
jp_type *jp_infer_set_literal(ictx *c, jp_node *n);                     /* E_SET */
void jp_infer_set_refine_literal(ictx *c, jp_node *assign);             /* s = set() */
jp_type *jp_infer_set_method(ictx *c, jp_node *call, jp_type *recv);
jp_type *jp_infer_set_builtin(ictx *c, jp_node *call);                  /* set(), set(iterable) */
jp_type *jp_infer_set_binop(ictx *c, jp_node *n, jp_binop op, jp_type *a, jp_type *b);
int jp_infer_set_augassign(ictx *c, jp_node *stmt, jp_type *a, jp_type *b);
int jp_set_item_accepts(jp_type *item, jp_type *set);
LLVMValueRef jp_lower_set_literal(lctx *c, jp_node *n);
LLVMValueRef jp_lower_set_builtin(lctx *c, jp_node *call);
LLVMValueRef jp_lower_set_binop(lctx *c, jp_node *n, LLVMValueRef a, LLVMValueRef b);
void jp_lower_set_augassign(lctx *c, jp_node *stmt);

#endif
