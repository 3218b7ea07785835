/* jit/infer.h - what the inference files share: the walk's context and
 * its helpers.  infer.c types scalars, statements and calls; infer_array.c
 * types arrays, NumPy functions and array methods. */
#ifndef JP_INFER_H
#define JP_INFER_H

#include "jit/compiler.h"

typedef struct ictx {
    jp_session *session;
    jp_instance *inst;
    jp_func_ir *ir;
    int final;              /* last walk: undefined types are errors */
} ictx;

#define UNKNOWN(t) ((t)->kind == JP_UNKNOWN)

jp_type *jp_itype_expr(ictx *c, jp_node *n);
jp_type *jp_ioperand(ictx *c, jp_node *n);          /* undefined is an error in the final walk */
jp_type *jp_irecord(ictx *c, jp_node *n, jp_type *t);
jp_type *jp_binop_type(jp_binop op, jp_type *a, jp_type *b, jp_node *right);

/* infer_array.c */
jp_type *jp_infer_array_binop(ictx *c, jp_node *n, jp_binop op, jp_type *a, jp_type *b);
jp_type *jp_infer_array_unary(ictx *c, jp_node *n, jp_unop op, jp_type *a);
jp_type *jp_infer_array_compare(ictx *c, jp_node *n, jp_type *a, jp_type *b);
jp_type *jp_infer_subscript(ictx *c, jp_node *n, jp_type *value);
jp_type *jp_infer_attr(ictx *c, jp_node *n, jp_type *value);        /* arrays, records */
jp_type *jp_infer_method(ictx *c, jp_node *call, jp_type *recv);    /* a.sum(), ... */
/* a.all(), a.repeat(n) ...: rewritten into an @overload call (infer_np_method.c); *handled 0: not one */
jp_type *jp_infer_np_method_overload(ictx *c, jp_node *call, int *handled);
jp_type *jp_infer_generated_call(ictx *c, jp_node *call);   /* infer.c */
/* the type of np.cumsum/cumprod(a, axis) of an n-d array (lower_np_reduce.c) */
jp_type *jp_infer_cum_axis(ictx *c, jp_node *call, jp_node *axis, jp_type *at, jp_type *acc);
jp_type *jp_infer_numpy_call(ictx *c, jp_node *call);
jp_type *jp_infer_class_attr(ictx *c, jp_node *n, jp_type *t);     /* obj.field, obj.property */
int jp_infer_setitem(ictx *c, jp_node *stmt);
jp_type *jp_infer_iter_element(ictx *c, jp_node *iter, jp_type *t);  /* for x in array */
/* infer_iter.c: the JP_ITER type of a for-loop iterable that is zip, .flat,
 * np.ndenumerate/ndindex/nditer (*handled = 1; NULL on error), else
 * *handled = 0 */
jp_type *jp_infer_iterator(ictx *c, jp_node *it, int *handled);
/* a compile target's intrinsics: jit/target.h */

/* generator functions (infer_generator.c) */
jp_type *jp_infer_yield(ictx *c, jp_node *n);
int jp_infer_generator_return(ictx *c, jp_node *s);     /* S_RETURN in a generator */
int jp_infer_generator_finish(ictx *c);                 /* after the body: ret = generator(T) */

/* NumPy's promotion of two element types (keeps widths: int32+int32 is int32). */
jp_type *jp_np_promote(jp_type *a, jp_type *b);
/* The element type a dtype argument names (np.float64, float, ...), or NULL. */
jp_type *jp_infer_dtype_arg(ictx *c, jp_node *n);

#endif

/* tuple slices with constant bounds (lib_tuple.c) */
jp_type *jp_infer_tuple_slice(ictx *c, jp_node *n, jp_type *v);

/* advanced indexing and None items in array subscripts (infer_fancy.c):
 * items already typed; jp_infer_is_fancy says whether one is an array or None */
int jp_infer_is_fancy(ictx *c, jp_node **items, int nitems);
jp_type *jp_infer_fancy_subscript(ictx *c, jp_node *n, jp_type *v, jp_node **items, int nitems);

/* np.where(cond), a.nonzero(), a.take(i), a.item() (lib_np_index.c) */
jp_type *jp_infer_np_where1(ictx *c, jp_node *call, jp_type *cond);
jp_type *jp_infer_index_method(ictx *c, jp_node *call, jp_type *recv, int *handled);
