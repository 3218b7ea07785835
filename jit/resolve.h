/* jit/resolve.h - the resolver's tables: a name in jit code (a method of a
 * container, a builtin over iterables) maps to one entry that says how to
 * type the call and how to lower it.  Typing stores the entry it chose in
 * inst->resolved[node id]; lowering calls entry->lower and never matches
 * names again.  Each table lives in the file of its job (lib_list.c: list
 * methods; lib_iter.c: builtins over iterables). */
#ifndef JP_RESOLVE_H
#define JP_RESOLVE_H

#include "jit/infer.h"
#include "jit/lower.h"

typedef struct jp_lib_entry {
    const char *name;
    int min_args, max_args;         /* positional arguments (the receiver not counted) */
    const char *const *keywords;    /* accepted keyword names (NULL-terminated) or NULL */
    /* recv: the receiver's type for a method, NULL for a function */
    jp_type *(*type)(ictx *c, jp_node *call, jp_type *recv);
    LLVMValueRef (*lower)(lctx *c, jp_node *call);
} jp_lib_entry;

/* Look up `name` in a table; NULL when absent. */
const jp_lib_entry *jp_lib_find(const jp_lib_entry *table, const char *name);
/* Check the call's arity and keywords against the entry (a TypingError
 * with the location when they do not fit); records the entry for lowering. */
int jp_lib_bind(ictx *c, jp_node *call, const jp_lib_entry *e);
/* The keyword argument `name` of a call, or NULL. */
jp_node *jp_lib_keyword(jp_node *call, const char *name);

/* what to write instead of a Python builtin jit code lacks, or NULL (lib_hints.c) */
const char *jp_builtin_hint(const char *name);

/* module-level functions: np.array, np.asarray (lib_np_array.c) */
int jp_lib_function_lookup(PyObject *obj);      /* table index, or -1 (no error) */
jp_type *jp_infer_lib_call(ictx *c, jp_node *call);
LLVMValueRef jp_lower_lib_call(lctx *c, jp_node *call);

/* sorting and statistics: np.sort ... np.nanstd (lib_np_sort.c), ids from
 * JP_LIB_SORT_BASE in CALLEE_LIB; a.sort() through jp_infer_sort_method */
#define JP_LIB_SORT_BASE 1000
extern const jp_lib_entry jp_np_sort_functions[];
jp_type *jp_infer_sort_method(ictx *c, jp_node *call, jp_type *recv);
int jp_is_sort_method(const char *name);

/* lists (lib_list.c / lower_list.c) */
jp_type *jp_infer_list_literal(ictx *c, jp_node *n);
jp_type *jp_infer_listcomp(ictx *c, jp_node *n);
jp_type *jp_infer_list_method(ictx *c, jp_node *call, jp_type *recv);
jp_type *jp_infer_list_subscript(ictx *c, jp_node *n, jp_type *recv);
int jp_infer_list_setitem(ictx *c, jp_node *stmt, jp_type *recv, jp_type *value);
jp_type *jp_infer_list_binop(ictx *c, jp_node *n, jp_binop op, jp_type *a, jp_type *b);
void jp_infer_list_refine_literal(ictx *c, jp_node *assign);
int jp_infer_stmt(ictx *c, jp_node *s);         /* infer.c */
/* iterables (lib_iter.c) */
int jp_is_iter_call(jp_node *n);                /* zip(...), enumerate(...), reversed(...) */
jp_type *jp_iter_item(ictx *c, jp_node *iter);  /* the item type of any iterable node */
int jp_infer_iter_for(ictx *c, jp_node *s, jp_type **item);
jp_type *jp_infer_iter_builtin(ictx *c, jp_node *call, jp_builtin id);
void jp_lower_iter_for(lctx *c, jp_node *s);
LLVMValueRef jp_lower_iter_builtin(lctx *c, jp_node *call, jp_builtin id);
void jp_lower_list_iadd(lctx *c, jp_node *s);

LLVMValueRef jp_lower_list_literal(lctx *c, jp_node *n);
LLVMValueRef jp_lower_listcomp(lctx *c, jp_node *n);
LLVMValueRef jp_lower_list_method(lctx *c, jp_node *call);
LLVMValueRef jp_lower_list_subscript(lctx *c, jp_node *n);
void jp_lower_list_setitem(lctx *c, jp_node *s, int is_aug);
LLVMValueRef jp_lower_list_binop(lctx *c, jp_node *n, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef jp_lower_list_contains(lctx *c, LLVMValueRef item, jp_type *it, LLVMValueRef list, jp_type *lt);
void jp_lower_list_for(lctx *c, jp_node *s);
/* fn(item) for each item of a list (its length read on every trip) */
void jp_list_each(lctx *c, LLVMValueRef list, jp_type *lt, void (*fn)(lctx *, void *, LLVMValueRef, jp_type *),
                  void *ctx);
LLVMValueRef jp_lower_list_equal(lctx *c, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb);
/* the pieces other lowerings share */
LLVMValueRef jp_list_header(lctx *c, LLVMValueRef list);         /* jp_list * */
LLVMValueRef jp_list_len(lctx *c, LLVMValueRef list);
LLVMValueRef jp_list_item_ptr(lctx *c, LLVMValueRef list, jp_type *lt, LLVMValueRef i);
LLVMValueRef jp_list_new_value(lctx *c, jp_type *lt, LLVMValueRef capacity);   /* a temp */
void jp_list_append_value(lctx *c, LLVMValueRef list, jp_type *lt, LLVMValueRef v, jp_type *vt);
/* a, b = lst: the n items as a UniTuple, after CPython's ValueError when len(lst) != n */
LLVMValueRef jp_lower_list_unpack(lctx *c, LLVMValueRef list, jp_type *lt, int n);
/* a wrapped, bounds-checked index (IndexError "list index out of range") */
LLVMValueRef jp_list_check_index(lctx *c, LLVMValueRef list, LLVMValueRef i, const char *msg);

#endif
