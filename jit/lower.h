/* jit/lower.h - what the lowering files share: the per-function lowering
 * context and the helpers that turn typed IR into LLVM IR.  lower.c owns
 * statements and expressions; lower_ops.c the arithmetic with Python's
 * semantics; lower_math.c the math/cmath calls and builtins. */
#ifndef JP_LOWER_H
#define JP_LOWER_H

#include "jit/compiler.h"
#include "jit/debuginfo.h"

#include <llvm-c/Core.h>

typedef struct lctx {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    jp_instance *inst;
    jp_func_ir *ir;
    const jp_options *opts;
    LLVMValueRef fn, out, exc;
    LLVMValueRef *vars;             /* alloca per local */
    LLVMValueRef *defined;          /* i1 alloca per non-parameter local (NULL: no checks) */
    LLVMBasicBlockRef break_bb[64], continue_bb[64];
    int loop_depth;
    jp_dbg *dbg;                    /* debug locations (NULL: none) */
    /* references to array memory (lower_array.c): owned slots are the
     * meminfo fields of locals and hidden loop iterables, released when the
     * function exits; temps are the meminfos of arrays an expression
     * created, released at the end of their statement.  Both hold NULL
     * while not live, so an exit can release every slot. */
    LLVMValueRef *owned, *temps;
    int nowned, cap_owned, ntemps, cap_temps;
    int numpy_semantics;            /* inside array kernels: NumPy's error rules */
    int gpu;                        /* device code: no reference counting, no runtime calls */
    jp_node *at;                    /* the expression being lowered (internal errors name it) */
    int failed;                     /* an internal error was raised: the compile fails */
    struct jp_try_scope *try_scope; /* the innermost try statement part being lowered (lower_try.c) */
    struct jp_gen_lower *gen;       /* a generator's coroutine (lower_generator.c), else NULL */
    LLVMValueRef out_held;          /* i1: *out holds a returned reference a finally block may
                                     * replace or drop (lower_try.c), or NULL */
} lctx;

LLVMTypeRef jp_llvm_type(LLVMContextRef ctx, jp_type *t);
LLVMTypeRef jp_llvm_fn_type(LLVMContextRef ctx, jp_instance *inst);

/* helpers (lower.c) */
LLVMValueRef jp_module_string(lctx *c, const char *text);
LLVMValueRef jp_exception_class(lctx *c, PyObject *cls);
void jp_lower_block(lctx *c, jp_block *b);
void jp_store_target(lctx *c, jp_node *target, LLVMValueRef v, jp_type *vt);
/* for ... in zip(...), a.flat, np.ndenumerate/ndindex/nditer (lower_iter.c) */
void jp_lower_iterator_for(lctx *c, jp_node *s);
/* for i in prange(...) with parallel=True (lower_prange.c) */
void jp_lower_prange(lctx *c, jp_node *s, LLVMValueRef start, LLVMValueRef stop, LLVMValueRef step);
LLVMValueRef jp_lower_expr(lctx *c, jp_node *n);
LLVMValueRef jp_cast(lctx *c, LLVMValueRef v, jp_type *from, jp_type *to);
LLVMValueRef jp_truth(lctx *c, LLVMValueRef v, jp_type *t);
jp_type *jp_node_type(lctx *c, jp_node *n);
/* Branch to a raise of cls(msg) when `failed` (i1) is true. */
void jp_check(lctx *c, LLVMValueRef failed, PyObject *cls, const char *msg);
void jp_emit_raise(lctx *c, PyObject *cls, const char *msg);
/* A call to a runtime or libm function by name (declared on first use). */
LLVMValueRef jp_call_extern(lctx *c, const char *name, LLVMTypeRef ret,
                            LLVMValueRef *args, int nargs);
/* Mark a load or store as touching array elements or runtime structures. */
typedef enum { JP_TBAA_ARRAY_DATA, JP_TBAA_OBJECT_FIELDS } jp_tbaa_kind;
void jp_tbaa(lctx *c, LLVMValueRef access, jp_tbaa_kind kind);
LLVMValueRef jp_const_f64(lctx *c, double v);
LLVMValueRef jp_const_i64(lctx *c, long long v);
LLVMValueRef jp_make_complex(lctx *c, jp_type *t, LLVMValueRef re, LLVMValueRef im);
LLVMValueRef jp_alloca(lctx *c, LLVMTypeRef t, const char *name);
LLVMValueRef jp_lower_pyconst(lctx *c, PyObject *value, jp_type *t);

/* arithmetic with Python semantics (lower_ops.c) */
LLVMValueRef jp_lower_binop(lctx *c, jp_binop op, LLVMValueRef a, jp_type *ta,
                            LLVMValueRef b, jp_type *tb, jp_type *result, jp_node *right);
LLVMValueRef jp_lower_compare(lctx *c, jp_cmpop op, LLVMValueRef a, jp_type *ta,
                              LLVMValueRef b, jp_type *tb);
LLVMValueRef jp_lower_float_to_int(lctx *c, LLVMValueRef v, jp_type *from);

/* x ** constant (lower_pow.c): NULL when the exponent is not one it handles */
int jp_pow_const_exponent(jp_node *right, double *v);
LLVMValueRef jp_lower_pow_const_float(lctx *c, LLVMValueRef a, jp_node *right);
LLVMValueRef jp_lower_pow_const_int(lctx *c, LLVMValueRef a, jp_node *right);

/* array expressions fused into one loop (lower_fuse.c): n computed into a
 * new array (out NULL), or into out (type ot): out = n (aug_op < 0) or
 * out = out aug_op n.  NULL, with nothing emitted, when n is not a tree of
 * elementwise operations. */
/* Whether n is an elementwise array expression jp_lower_fused would take
 * (nothing evaluated yet when it declines). */
/* -v, ~v or +v of one element of type rt (arrays, fused loops, np.negative). */
LLVMValueRef jp_lower_unary_elem(lctx *c, jp_unop op, LLVMValueRef v, jp_type *rt);
/* One slice of an index on a dimension of `size` elements `stride` bytes
 * apart: adds its start to *off, gives the new extent and stride
 * (ValueError for a zero step).  Views and advanced-index selections. */
void jp_lower_slice_dim(lctx *c, jp_node *slice, LLVMValueRef size, LLVMValueRef stride, LLVMValueRef *off,
                        LLVMValueRef *shape, LLVMValueRef *new_stride);
int jp_fusable(lctx *c, jp_node *n);
LLVMValueRef jp_lower_fused(lctx *c, jp_node *n, LLVMValueRef out, jp_type *ot, int aug_op);
/* np.sum of a fusable tree: its elements added into acc (an alloca of
 * acc_t), no temporary array; 0 when n does not fuse (lower_fuse.c) */
int jp_lower_fused_sum(lctx *c, jp_node *n, LLVMValueRef acc, jp_type *acc_t);
/* one element of an elementwise NumPy function (lower_numpy.c) */
LLVMValueRef jp_numpy_elem(lctx *c, int np_id, LLVMValueRef *vals, jp_type **types, jp_type *rt);
#define JP_EW_MAX_IN 16     /* inputs of one jp_elementwise loop */

/* arrays (lower_array.c) */
typedef void (*jp_elem_fn)(lctx *c, void *ctx, LLVMValueRef *idx);
LLVMValueRef jp_arr_field(lctx *c, LLVMValueRef arr, unsigned field, int dim);  /* 0 mi, 1 parent, 2 data, 3 shape, 4 strides */
LLVMValueRef jp_arr_make(lctx *c, jp_type *t, LLVMValueRef mi, LLVMValueRef parent, LLVMValueRef data,
                         LLVMValueRef *shape, LLVMValueRef *strides);
LLVMValueRef jp_arr_alloc(lctx *c, jp_type *t, LLVMValueRef *shape);   /* C order, a temp */
LLVMValueRef jp_arr_elem_ptr(lctx *c, LLVMValueRef arr, jp_type *t, LLVMValueRef *idx, int nidx);
LLVMValueRef jp_arr_load(lctx *c, LLVMValueRef ptr, jp_type *dtype);
void jp_arr_store(lctx *c, LLVMValueRef ptr, jp_type *dtype, LLVMValueRef v);
LLVMValueRef jp_arr_size(lctx *c, LLVMValueRef arr, jp_type *t);
void jp_loop_nest(lctx *c, int ndim, LLVMValueRef *extent, jp_elem_fn body, void *ctx);
void jp_incref(lctx *c, LLVMValueRef v, jp_type *t);
void jp_decref(lctx *c, LLVMValueRef v, jp_type *t);
void jp_register_temp(lctx *c, LLVMValueRef v, jp_type *t);
void jp_release_temps(lctx *c, int mark);
void jp_own_slots(lctx *c, LLVMValueRef slot, jp_type *t);  /* a variable's alloca */
void jp_emit_exit_cleanup(lctx *c);
void jp_raise_formatted(lctx *c, PyObject *cls, int format, LLVMValueRef a0, LLVMValueRef a1, LLVMValueRef a2);
LLVMValueRef jp_lower_array_subscript(lctx *c, jp_node *n);
void jp_lower_setitem(lctx *c, jp_node *s, int is_aug);
LLVMValueRef jp_lower_array_attr(lctx *c, jp_node *n);
LLVMValueRef jp_lower_array_binop(lctx *c, jp_node *n, jp_binop op, LLVMValueRef a, jp_type *ta,
                                  LLVMValueRef b, jp_type *tb, jp_type *rt, LLVMValueRef out);
LLVMValueRef jp_lower_array_unary(lctx *c, jp_node *n, LLVMValueRef a, jp_type *ta, jp_type *rt);
LLVMValueRef jp_lower_array_compare(lctx *c, jp_node *n, LLVMValueRef a, jp_type *ta,
                                    LLVMValueRef b, jp_type *tb, jp_type *rt);
/* Broadcast `nin` inputs (arrays or scalars) into `out` (NULL: allocate
 * rt), calling fn on the loaded elements. */
typedef LLVMValueRef (*jp_kernel_fn)(lctx *c, void *ctx, LLVMValueRef *vals, jp_type **types);
LLVMValueRef jp_elementwise(lctx *c, jp_type *rt, LLVMValueRef out, int nin, LLVMValueRef *in,
                            jp_type **tin, jp_kernel_fn fn, void *ctx);
/* As jp_elementwise, but each element (of rt's dtype) is added into the
 * accumulator acc (an alloca of acc_t) instead of stored: a sum with no
 * array for the elements (lower_fuse.c: np.sum(a * b)). */
void jp_elementwise_sum(lctx *c, jp_type *rt, int nin, LLVMValueRef *in, jp_type **tin, jp_kernel_fn fn,
                        void *ctx, LLVMValueRef acc, jp_type *acc_t);
/* for x in array: the element or row view at i */
LLVMValueRef jp_array_iter_item(lctx *c, LLVMValueRef arr, jp_type *t, LLVMValueRef i);

/* a call to a compiled instance (the callee typing chose for node n);
 * self: the instance a method is called on, or NULL */
LLVMValueRef jp_lower_instance_call(lctx *c, jp_node *n, LLVMValueRef self);

/* @jitclass instances (lower_class.c) */
LLVMValueRef jp_lower_class_new(lctx *c, jp_node *n);
LLVMValueRef jp_lower_class_attr(lctx *c, jp_node *n);
/* store into obj.field; is_aug: obj.field op= value */
void jp_lower_class_setattr(lctx *c, jp_node *s, int is_aug);

/* a compile target's intrinsics: jit/target.h */

/* ufunc and gufunc inner loops around the kernel (lower_ufunc.c) */
void jp_lower_ufunc_loop(lctx *c, LLVMValueRef kernel);

/* NumPy functions and array methods (lower_numpy.c) */
LLVMValueRef jp_lower_numpy_call(lctx *c, jp_node *n);
LLVMValueRef jp_lower_array_method(lctx *c, jp_node *n);

/* math, cmath and builtin calls (lower_math.c) */
LLVMValueRef jp_lower_math_call(lctx *c, jp_node *n);
LLVMValueRef jp_lower_math_call_f32(lctx *c, jp_node *n);     /* float32 arguments, float32 result */
LLVMValueRef jp_lower_builtin_call(lctx *c, jp_node *n);

/* safety guards (lower_safety.c) */
/* a * b, or'ing llvm.smul.with.overflow's flag into *overflow */
LLVMValueRef jp_checked_mul(lctx *c, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *overflow);
/* i1: the extents times itemsize overflow an int64 (NumPy's "array is too big") */
LLVMValueRef jp_size_overflows(lctx *c, LLVMValueRef *shape, int ndim, long long itemsize);
#define JP_MSG_ARRAY_TOO_BIG \
    "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size."
/* Raise cls with the text formatter(args...) returns (a runtime_safety.c function) when failed. */
void jp_check_dynamic(lctx *c, LLVMValueRef failed, PyObject *cls, const char *formatter, LLVMValueRef *args,
                      int nargs);
/* OverflowError when integer v (type vt) is out of the bounds of integer dtype (NEP 50). */
void jp_check_int_bounds(lctx *c, LLVMValueRef v, jp_type *vt, jp_type *dtype);
/* In the prologue of a function that can call itself (directly or through
 * others): RecursionError when the C stack is nearly full. */
void jp_recursion_guard(lctx *c);
/* A construct lowering does not handle: raises jitprofile.InternalError
 * (the first one), makes the compile fail, returns a placeholder of type t. */
LLVMValueRef jp_lower_unhandled(lctx *c, LLVMTypeRef t, const char *fmt, ...);
/* try statements (lower_try.c).  Every raise ends in jp_emit_raised: the
 * exception is in *exc; it goes to the innermost handler of this function,
 * or every reference is released and the function returns `status`. */
void jp_emit_raised(lctx *c, LLVMValueRef status);
void jp_lower_try(lctx *c, jp_node *s);
void jp_lower_reraise(lctx *c);                 /* bare `raise` in an except block */
/* break/continue to `target` (the loop at c->loop_depth - 1), running the
 * finally blocks and releasing the caught exceptions they leave */
void jp_try_jump(lctx *c, LLVMBasicBlockRef target);
/* return after the value is in *out: the same, then release and return 0 */
void jp_try_return(lctx *c);
/* *out = v for a return inside a try statement (a managed value a finally
 * block replaces by another return, or drops by raising, is released) */
void jp_try_store_return(lctx *c, LLVMValueRef v, jp_type *rt);
/* generators (lower_generator.c): the coroutine around a generator's body
 * (begin after the prologue, end after the last return), yield, and
 * for x in gen(...) */
void jp_generator_begin(lctx *c);
void jp_generator_end(lctx *c);
LLVMValueRef jp_lower_yield(lctx *c, jp_node *n);
void jp_lower_generator_for(lctx *c, jp_node *s);
/* fn(item) for each item of the generator `it` evaluates to (sum, list, ...) */
void jp_lower_generator_each(lctx *c, jp_node *it, void (*fn)(lctx *, void *, LLVMValueRef, jp_type *), void *ctx);
/* tuple slices with constant bounds (lib_tuple.c) */
LLVMValueRef jp_lower_tuple_slice(lctx *c, jp_node *n);

/* advanced indexing and None items in array subscripts (lower_fancy.c) */
int jp_lower_is_fancy(lctx *c, jp_node *index);
LLVMValueRef jp_lower_fancy_subscript(lctx *c, jp_node *n, LLVMValueRef arr, jp_type *at, jp_type *rt);
void jp_lower_fancy_setitem(lctx *c, jp_node *stmt, LLVMValueRef base, jp_type *bt, int is_aug);

/* np.where(cond), a.nonzero(), a.take(i), a.item() (lib_np_index.c) */
LLVMValueRef jp_lower_np_where1(lctx *c, jp_node *call);
LLVMValueRef jp_lower_index_method(lctx *c, jp_node *call);     /* NULL: not one of them */
/* one element of the ufuncs from NP_FIRST_MORE_UFUNC on (lower_np_ufunc.c); b, tb NULL for unary */
LLVMValueRef jp_np_more_ufunc_elem(lctx *c, int id, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb,
                                   jp_type *rt);
/* np.cumsum/cumprod(a, axis) of an n-d array into a new C array of type rt (lower_np_reduce.c) */
LLVMValueRef jp_lower_cum_axis(lctx *c, LLVMValueRef a, jp_type *at, jp_node *axis, jp_type *rt, int prod);
/* a.transpose(axes) as a view (lower_np_shape.c) */
LLVMValueRef jp_lower_transpose_axes(lctx *c, LLVMValueRef arr, jp_type *t, jp_node **axes, int naxes,
                                     jp_type *rt);

#endif
