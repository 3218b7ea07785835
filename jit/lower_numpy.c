/* jit/lower_numpy.c - the NumPy functions of numpy_funcs.h and the array
 * methods: creation (empty, zeros, arange, linspace, ...), elementwise
 * functions on arrays and scalars with NumPy's semantics, reductions
 * (whole array or along a constant axis), dot/matmul, np.random, and shape
 * changes (reshape, ravel, transpose). */
#include "jit/lower.h"
#include "jit/errors.h"
#include "jit/lower_parallel.h"
#include "jit/numpy_funcs.h"
#include "jit/resolve.h"
#include "jit/lower_linalg.h"

#include <math.h>
#include <string.h>

typedef struct args {
    jp_node *pos[16];
    int npos;
    jp_node *call;
} args;

static jp_node *
kwarg(args *a, int pos, const char *kw)
{
    if (pos >= 0 && pos < a->npos)
        return a->pos[pos];
    for (int i = 0; kw && i < a->call->u.call.nkw; i++)
        if (strcmp(a->call->u.call.kwnames[i], kw) == 0)
            return a->call->u.call.kwvalues[i];
    return NULL;
}

static int
is_none_node(lctx *c, jp_node *n)
{
    return n == NULL || jp_node_type(c, n)->kind == JP_NONE;
}

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMValueRef
as_i64(lctx *c, jp_node *n)
{
    return jp_cast(c, jp_lower_expr(c, n), jp_node_type(c, n), jp_type_int(64, 1));
}

static LLVMValueRef
as_f64(lctx *c, jp_node *n)
{
    return jp_cast(c, jp_lower_expr(c, n), jp_node_type(c, n), jp_type_float(64));
}

/* An int or a tuple of ints as shape values; returns the count. */
static int
shape_values(lctx *c, jp_node *n, LLVMValueRef *out)
{
    jp_type *t = jp_node_type(c, n);
    LLVMValueRef v = jp_lower_expr(c, n);
    if (t->kind != JP_TUPLE) {
        out[0] = jp_cast(c, v, t, jp_type_int(64, 1));
        return 1;
    }
    for (int i = 0; i < t->n; i++)
        out[i] = jp_cast(c, LLVMBuildExtractValue(c->b, v, (unsigned)i, ""), t->elems[i], jp_type_int(64, 1));
    return t->n;
}

static LLVMValueRef
zero_of(lctx *c, jp_type *t)
{
    return LLVMConstNull(jp_llvm_type(c->ctx, t));
}

static LLVMValueRef
one_of(lctx *c, jp_type *t)
{
    return jp_cast(c, jp_const_i64(c, 1), jp_type_int(64, 1), t);
}

/* ---- fill helpers ----------------------------------------------------------------------- */

typedef struct fill_ctx {
    LLVMValueRef arr;
    jp_type *t;
    LLVMValueRef value;                 /* for constant fills */
    int mode;                           /* 0 constant, 1 arange, 2 linspace, 3 random */
    LLVMValueRef start, step;
    jp_np_id rid;
    LLVMValueRef r0, r1;                /* random parameters */
} fill_ctx;

static LLVMValueRef random_scalar(lctx *c, jp_np_id id, LLVMValueRef p0, LLVMValueRef p1);

static void
fill_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    fill_ctx *f = vctx;
    LLVMValueRef flat = idx[0], v, off, p;
    switch (f->mode) {
    case 1:
        v = LLVMBuildFAdd(c->b, f->start, LLVMBuildFMul(c->b, LLVMBuildSIToFP(c->b, flat, LLVMDoubleTypeInContext(c->ctx), ""), f->step, ""), "");
        v = jp_cast(c, v, jp_type_float(64), f->t->dtype);
        break;
    case 4:     /* integer arange */
        v = jp_cast(c, LLVMBuildAdd(c->b, f->start, LLVMBuildMul(c->b, flat, f->step, ""), ""), jp_type_int(64, 1), f->t->dtype);
        break;
    case 3:
        v = jp_cast(c, random_scalar(c, f->rid, f->r0, f->r1),
                    f->rid == NP_RANDOM_RANDINT ? jp_type_int(64, 1) : jp_type_float(64), f->t->dtype);
        break;
    default:
        v = f->value;
        break;
    }
    off = LLVMBuildMul(c->b, flat, jp_const_i64(c, (long long)f->t->dtype->size), "");
    p = LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), jp_arr_field(c, f->arr, 2, 0), &off, 1, "");
    jp_arr_store(c, p, f->t->dtype, v);
}

/* Fill a fresh C-contiguous array element by element. */
static void
fill_flat(lctx *c, fill_ctx *f)
{
    LLVMValueRef n = jp_arr_size(c, f->arr, f->t);
    jp_loop_nest(c, 1, &n, fill_body, f);
}

static LLVMValueRef
copy_kernel(lctx *c, void *vctx, LLVMValueRef *vals, jp_type **types)
{
    jp_type *dt = vctx;
    return jp_cast(c, vals[0], types[0], dt);
}

static LLVMValueRef
copy_array(lctx *c, LLVMValueRef a, jp_type *ta, jp_type *rt)
{
    return jp_elementwise(c, rt, NULL, 1, &a, &ta, copy_kernel, rt->dtype);
}

/* ---- elementwise functions ----------------------------------------------------------------- */

static LLVMValueRef
fcall(lctx *c, const char *name, jp_type *ft, LLVMValueRef *args, int nargs, int intrinsic)
{
    char full[64];
    int f32 = ft->bits == 32;
    if (intrinsic)
        snprintf(full, sizeof full, "llvm.%s.%s", name, f32 ? "f32" : "f64");
    else
        snprintf(full, sizeof full, "%s%s", name, f32 ? "f" : "");
    return jp_call_extern(c, full, jp_llvm_type(c->ctx, ft), args, nargs);
}

static LLVMValueRef
complex_math(lctx *c, int cmath_id, LLVMValueRef v, jp_type *ct)
{
    jp_type *c128 = jp_type_complex(128);
    LLVMTypeRef lt = jp_llvm_type(c->ctx, c128);
    LLVMValueRef in = jp_alloca(c, lt, "cin"), out = jp_alloca(c, lt, "cout");
    LLVMBuildStore(c->b, jp_cast(c, v, ct, c128), in);
    jp_call_extern(c, "jp_rt_cmath", LLVMInt32TypeInContext(c->ctx),
                   (LLVMValueRef[]){LLVMConstInt(LLVMInt32TypeInContext(c->ctx), (unsigned long long)cmath_id, 0),
                                    in, LLVMConstNull(LLVMPointerTypeInContext(c->ctx, 0)), out}, 4);
    return jp_cast(c, LLVMBuildLoad2(c->b, lt, out, ""), c128, ct);
}

static LLVMValueRef
isnan_v(lctx *c, LLVMValueRef v)
{
    return LLVMBuildFCmp(c->b, LLVMRealUNO, v, v, "");
}

static LLVMValueRef
unary_scalar(lctx *c, jp_np_id id, LLVMValueRef v, jp_type *vt, jp_type *rt)
{
    static const struct { jp_np_id id; const char *name; int intrinsic; int cmath; } funcs[] = {
        {NP_SQRT, "sqrt", 1, 0}, {NP_EXP, "exp", 1, 1}, {NP_LOG, "log", 1, 2}, {NP_LOG10, "log10", 1, 3},
        {NP_SIN, "sin", 1, 4}, {NP_COS, "cos", 1, 5}, {NP_TAN, "tan", 0, 6}, {NP_ARCSIN, "asin", 0, 7},
        {NP_ARCCOS, "acos", 0, 8}, {NP_ARCTAN, "atan", 0, 9}, {NP_SINH, "sinh", 0, 10},
        {NP_COSH, "cosh", 0, 11}, {NP_TANH, "tanh", 0, 12}, {NP_LOG2, "log2", 1, -1},
        {NP_LOG1P, "log1p", 0, -1}, {NP_EXPM1, "expm1", 0, -1},
    };
    switch (id) {
    case NP_ISNAN: case NP_ISINF: case NP_ISFINITE: {
        LLVMValueRef r;
        if (vt->kind != JP_FLOAT && vt->kind != JP_COMPLEX)
            return LLVMConstInt(LLVMInt1TypeInContext(c->ctx), id == NP_ISFINITE, 0);
        if (vt->kind == JP_COMPLEX) {
            jp_type *pt = jp_type_float(vt->bits / 2);
            LLVMValueRef re = unary_scalar(c, id, LLVMBuildExtractValue(c->b, v, 0, ""), pt, rt);
            LLVMValueRef im = unary_scalar(c, id, LLVMBuildExtractValue(c->b, v, 1, ""), pt, rt);
            return id == NP_ISFINITE ? LLVMBuildAnd(c->b, re, im, "") : LLVMBuildOr(c->b, re, im, "");
        }
        if (id == NP_ISNAN)
            return isnan_v(c, v);
        r = LLVMBuildFCmp(c->b, id == NP_ISINF ? LLVMRealOEQ : LLVMRealOLT, fcall(c, "fabs", vt, &v, 1, 1),
                          LLVMConstReal(jp_llvm_type(c->ctx, vt), __builtin_inf()), "");
        return r;
    }
    case NP_ABS: case NP_ABSOLUTE:
        if (vt->kind == JP_COMPLEX) {
            jp_type *pt = jp_type_float(vt->bits / 2);
            LLVMValueRef parts[2] = {LLVMBuildExtractValue(c->b, v, 0, ""), LLVMBuildExtractValue(c->b, v, 1, "")};
            return fcall(c, "hypot", pt, parts, 2, 0);
        }
        if (vt->kind == JP_FLOAT)
            return fcall(c, "fabs", vt, &v, 1, 1);
        if (vt->kind == JP_BOOL || !vt->is_signed)
            return v;
        return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, v, LLVMConstNull(LLVMTypeOf(v)), ""),
                               LLVMBuildNeg(c->b, v, ""), v, "");
    case NP_NEGATIVE:
        return jp_lower_unary_elem(c, UOP_NEG, jp_cast(c, v, vt, rt), rt);
    case NP_SQUARE:
        v = jp_cast(c, v, vt, rt);
        return jp_lower_binop(c, OP_MUL, v, rt, v, rt, rt, NULL);
    case NP_FLOOR: case NP_CEIL: case NP_TRUNC:
        v = jp_cast(c, v, vt, rt);
        if (rt->kind != JP_FLOAT)
            return v;       /* NumPy 2: an integer is its own floor */
        return fcall(c, id == NP_FLOOR ? "floor" : id == NP_CEIL ? "ceil" : "trunc", rt, &v, 1, 1);
    default:
        break;
    }
    v = jp_cast(c, v, vt, rt);
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        if (funcs[i].id != id)
            continue;
        if (rt->kind == JP_COMPLEX) {
            jp_type *pt = jp_type_float(rt->bits / 2);
            LLVMValueRef one = jp_make_complex(c, rt, jp_cast(c, jp_const_f64(c, 1.0), jp_type_float(64), pt),
                                               LLVMConstNull(jp_llvm_type(c->ctx, pt)));
            if (funcs[i].cmath >= 0)
                return complex_math(c, funcs[i].cmath, v, rt);
            if (id == NP_EXPM1)        /* exp(z) - 1 */
                return jp_lower_binop(c, OP_SUB, complex_math(c, 1, v, rt), rt, one, rt, rt, NULL);
            if (id == NP_LOG1P)        /* log(1 + z) */
                return complex_math(c, 2, jp_lower_binop(c, OP_ADD, one, rt, v, rt, rt, NULL), rt);
            /* log2(z) = log(z) / log(2) */
            return jp_lower_binop(c, OP_TRUEDIV, complex_math(c, 2, v, rt), rt,
                                  jp_const_f64(c, 0.6931471805599453), jp_type_float(64), rt, NULL);
        }
        return fcall(c, funcs[i].name, rt, &v, 1, funcs[i].intrinsic);
    }
    return v;
}

static LLVMValueRef
binary_scalar(lctx *c, jp_np_id id, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb, jp_type *rt)
{
    int saved = c->numpy_semantics;
    LLVMValueRef r;
    c->numpy_semantics = 1;
    switch (id) {
    case NP_ADD: r = jp_lower_binop(c, OP_ADD, a, ta, b, tb, rt, NULL); break;
    case NP_SUBTRACT: r = jp_lower_binop(c, OP_SUB, a, ta, b, tb, rt, NULL); break;
    case NP_MULTIPLY: r = jp_lower_binop(c, OP_MUL, a, ta, b, tb, rt, NULL); break;
    case NP_DIVIDE: r = jp_lower_binop(c, OP_TRUEDIV, a, ta, b, tb, rt, NULL); break;
    case NP_POWER:
        if (rt->kind == JP_FLOAT) {
            LLVMValueRef args[2] = {jp_cast(c, a, ta, rt), jp_cast(c, b, tb, rt)};
            r = fcall(c, "pow", rt, args, 2, 1);
        } else {
            r = jp_lower_binop(c, OP_POW, a, ta, b, tb, rt, NULL);
        }
        break;
    case NP_ARCTAN2: case NP_HYPOT: {
        LLVMValueRef args[2] = {jp_cast(c, a, ta, rt), jp_cast(c, b, tb, rt)};
        r = fcall(c, id == NP_ARCTAN2 ? "atan2" : "hypot", rt, args, 2, 0);
        break;
    }
    default: {  /* minimum, maximum: NaN propagates, as NumPy */
        LLVMValueRef x = jp_cast(c, a, ta, rt), y = jp_cast(c, b, tb, rt), take_x;
        take_x = jp_lower_compare(c, id == NP_MINIMUM ? CMP_LT : CMP_GT, x, rt, y, rt);
        if (rt->kind == JP_FLOAT)
            take_x = LLVMBuildOr(c->b, take_x, isnan_v(c, x), "");
        r = LLVMBuildSelect(c->b, take_x, x, y, "");
        break;
    }
    }
    c->numpy_semantics = saved;
    return r;
}

typedef struct np_kernel {
    jp_np_id id;
    jp_type *rt;            /* element type of the result */
} np_kernel;

static LLVMValueRef
np_kernel_fn(lctx *c, void *vctx, LLVMValueRef *vals, jp_type **types)
{
    np_kernel *k = vctx;
    if (k->id == NP_WHERE) {
        LLVMValueRef cond = jp_truth(c, vals[0], types[0]);
        return LLVMBuildSelect(c->b, cond, jp_cast(c, vals[1], types[1], k->rt), jp_cast(c, vals[2], types[2], k->rt), "");
    }
    if (k->id >= NP_FIRST_MORE_UFUNC)      /* lower_np_ufunc.c */
        return jp_np_more_ufunc_elem(c, k->id, vals[0], types[0], jp_np_table[k->id].kind == NPK_UNARY ? NULL : vals[1],
                                     jp_np_table[k->id].kind == NPK_UNARY ? NULL : types[1], k->rt);
    if (jp_np_table[k->id].kind == NPK_UNARY)
        return unary_scalar(c, k->id, vals[0], types[0], k->rt);
    return binary_scalar(c, k->id, vals[0], types[0], vals[1], types[1], k->rt);
}

LLVMValueRef
jp_numpy_elem(lctx *c, int np_id, LLVMValueRef *vals, jp_type **types, jp_type *rt)
{
    np_kernel k = {(jp_np_id)np_id, rt};
    return np_kernel_fn(c, &k, vals, types);
}

static LLVMValueRef
lower_elementwise_call(lctx *c, jp_np_id id, args *a, jp_type *rt)
{
    LLVMValueRef in[3];
    jp_type *tin[3];
    np_kernel k = {id, rt->kind == JP_ARRAY ? rt->dtype : rt};
    int n = a->npos, any_array = 0;
    for (int i = 0; i < n; i++) {
        in[i] = jp_lower_expr(c, a->pos[i]);
        tin[i] = jp_node_type(c, a->pos[i]);
        if (rt->kind != JP_ARRAY && tin[i]->kind == JP_ARRAY) {
            /* a 0-d array among scalars: NumPy's result is a scalar (typing
             * said so), computed from the one element */
            in[i] = jp_arr_load(c, jp_arr_field(c, in[i], 2, 0), tin[i]->dtype);
            tin[i] = tin[i]->dtype;
        }
        any_array |= tin[i]->kind == JP_ARRAY;
    }
    if (!any_array) {
        int saved = c->numpy_semantics;
        LLVMValueRef r;
        c->numpy_semantics = 1;
        r = np_kernel_fn(c, &k, in, tin);
        c->numpy_semantics = saved;
        return r;
    }
    return jp_elementwise(c, rt, NULL, n, in, tin, np_kernel_fn, &k);
}

/* ---- reductions ---------------------------------------------------------------------------------- */

typedef struct red_ctx {
    jp_np_id id;
    LLVMValueRef arr;
    jp_type *t;             /* the array's type */
    jp_type *acc_t;         /* accumulator type */
    LLVMValueRef acc, best_idx, counter, mean;   /* allocas; mean: for the var pass */
} red_ctx;

static void
red_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    red_ctx *r = vctx;
    LLVMValueRef p = jp_arr_elem_ptr(c, r->arr, r->t, idx, r->t->ndim);
    LLVMValueRef v = jp_cast(c, jp_arr_load(c, p, r->t->dtype), r->t->dtype, r->acc_t);
    LLVMTypeRef at = jp_llvm_type(c->ctx, r->acc_t);
    LLVMValueRef acc = LLVMBuildLoad2(c->b, at, r->acc, ""), nv;
    switch (r->mean ? r->id : (r->id == NP_VAR || r->id == NP_STD) ? NP_SUM : r->id) {
    case NP_SUM: case NP_MEAN:
        nv = jp_lower_binop(c, OP_ADD, acc, r->acc_t, v, r->acc_t, r->acc_t, NULL);
        break;
    case NP_PROD:
        nv = jp_lower_binop(c, OP_MUL, acc, r->acc_t, v, r->acc_t, r->acc_t, NULL);
        break;
    case NP_VAR: case NP_STD: {
        LLVMValueRef d = jp_lower_binop(c, OP_SUB, v, r->acc_t, LLVMBuildLoad2(c->b, at, r->mean, ""), r->acc_t, r->acc_t, NULL);
        if (r->acc_t->kind == JP_COMPLEX) {
            LLVMValueRef re = LLVMBuildExtractValue(c->b, d, 0, ""), im = LLVMBuildExtractValue(c->b, d, 1, "");
            LLVMValueRef sq = LLVMBuildFAdd(c->b, LLVMBuildFMul(c->b, re, re, ""), LLVMBuildFMul(c->b, im, im, ""), "");
            nv = jp_make_complex(c, r->acc_t, LLVMBuildFAdd(c->b, LLVMBuildExtractValue(c->b, acc, 0, ""), sq, ""),
                                 LLVMBuildExtractValue(c->b, acc, 1, ""));
        } else {
            nv = LLVMBuildFAdd(c->b, acc, LLVMBuildFMul(c->b, d, d, ""), "");
        }
        break;
    }
    case NP_MIN: case NP_AMIN: case NP_MAX: case NP_AMAX:
    case NP_ARGMIN: case NP_ARGMAX: {
        int is_min = r->id == NP_MIN || r->id == NP_AMIN || r->id == NP_ARGMIN;
        LLVMValueRef better = jp_lower_compare(c, is_min ? CMP_LT : CMP_GT, v, r->acc_t, acc, r->acc_t);
        if (r->acc_t->kind == JP_FLOAT)   /* the first NaN wins and stays */
            better = LLVMBuildOr(c->b, better,
                                 LLVMBuildAnd(c->b, isnan_v(c, v), LLVMBuildNot(c->b, isnan_v(c, acc), ""), ""), "");
        nv = LLVMBuildSelect(c->b, better, v, acc, "");
        if (r->id == NP_ARGMIN || r->id == NP_ARGMAX) {
            LLVMValueRef cnt = LLVMBuildLoad2(c->b, i64t(c), r->counter, "");
            LLVMValueRef bi = LLVMBuildLoad2(c->b, i64t(c), r->best_idx, "");
            LLVMValueRef first = LLVMBuildICmp(c->b, LLVMIntEQ, cnt, jp_const_i64(c, 0), "");
            nv = LLVMBuildSelect(c->b, first, v, nv, "");
            LLVMBuildStore(c->b, LLVMBuildSelect(c->b, LLVMBuildOr(c->b, better, first, ""), cnt, bi, ""), r->best_idx);
        }
        break;
    }
    default:
        nv = acc;
        break;
    }
    LLVMBuildStore(c->b, nv, r->acc);
    LLVMBuildStore(c->b, LLVMBuildAdd(c->b, LLVMBuildLoad2(c->b, i64t(c), r->counter, ""), jp_const_i64(c, 1), ""),
                   r->counter);
}

static void
red_pass(lctx *c, red_ctx *r, LLVMValueRef init)
{
    LLVMValueRef shape[32];
    LLVMBuildStore(c->b, init, r->acc);
    LLVMBuildStore(c->b, jp_const_i64(c, 0), r->counter);
    for (int k = 0; k < r->t->ndim; k++)
        shape[k] = jp_arr_field(c, r->arr, 3, k);
    if (r->t->ndim > 0 && jp_parallel_enabled(c)
        && (r->id == NP_SUM || r->id == NP_MEAN || r->id == NP_VAR || r->id == NP_STD)) {
        /* a sum: each chunk of the thread pool adds its part (lower_parallel.c) */
        LLVMValueRef *caps[2] = {&r->arr, &r->mean};
        LLVMValueRef *reds[2] = {&r->acc, &r->counter};
        jp_type *red_types[2] = {r->acc_t, jp_type_int(64, 1)};
        jp_parallel_loop_nest(c, r->t->ndim, shape, red_body, r, caps, r->mean ? 2 : 1, reds, red_types, 2);
        return;
    }
    jp_loop_nest(c, r->t->ndim, shape, red_body, r);
}

/* sum / n for mean, var and std: NumPy's nan (and RuntimeWarning "Mean of
 * empty slice") for an empty array, not ZeroDivisionError. */
static LLVMValueRef
mean_of(lctx *c, LLVMValueRef acc, jp_type *acc_t, LLVMValueRef n, LLVMValueRef nf)
{
    if (!c->gpu) {
        LLVMBasicBlockRef warn = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "mean.empty");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "mean.done");
        LLVMValueRef text = jp_module_string(c, "Mean of empty slice.");
        LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, n, jp_const_i64(c, 0), ""), warn, done);
        LLVMPositionBuilderAtEnd(c->b, warn);
        jp_call_extern(c, "jp_rt_warn", LLVMVoidTypeInContext(c->ctx), &text, 1);
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, done);
    }
    if (acc_t->kind == JP_COMPLEX)
        return jp_make_complex(c, acc_t, LLVMBuildFDiv(c->b, LLVMBuildExtractValue(c->b, acc, 0, ""), nf, ""),
                               LLVMBuildFDiv(c->b, LLVMBuildExtractValue(c->b, acc, 1, ""), nf, ""));
    return LLVMBuildFDiv(c->b, acc, nf, "");
}

/* Reduce the whole of arr (type t) to one value of type rt. */
static LLVMValueRef
whole_reduce(lctx *c, jp_np_id id, LLVMValueRef arr, jp_type *t, jp_type *rt, LLVMValueRef ddof)
{
    red_ctx r = {id, arr, t, NULL, NULL, NULL, NULL, NULL};
    jp_type *dt = t->dtype;
    LLVMValueRef n = jp_arr_size(c, arr, t), init;
    if (id == NP_AMIN)
        id = r.id = NP_MIN;
    if (id == NP_AMAX)
        id = r.id = NP_MAX;
    switch (id) {
    case NP_SUM: case NP_PROD:
        /* float32 accumulates in float64 (NumPy's pairwise sum is about as
         * accurate; a float32 running sum drifts by percents) */
        r.acc_t = rt->kind == JP_FLOAT && rt->bits == 32 ? jp_type_float(64)
                  : rt->kind == JP_COMPLEX && rt->bits == 64 ? jp_type_complex(128) : rt;
        init = id == NP_SUM ? zero_of(c, r.acc_t) : one_of(c, r.acc_t);
        break;
    case NP_MEAN: case NP_VAR: case NP_STD:
        r.acc_t = dt->kind == JP_COMPLEX ? jp_type_complex(128) : jp_type_float(64);
        init = zero_of(c, r.acc_t);
        break;
    default:    /* min, max, argmin, argmax */
        r.acc_t = dt;
        init = zero_of(c, dt);
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, n, jp_const_i64(c, 0), ""), PyExc_ValueError,
                 id == NP_ARGMIN || id == NP_ARGMAX ? "attempt to get argmin/argmax of an empty sequence"
                 : "zero-size array to reduction operation which has no identity");
        break;
    }
    r.acc = jp_alloca(c, jp_llvm_type(c->ctx, r.acc_t), "acc");
    r.counter = jp_alloca(c, i64t(c), "count");
    r.best_idx = jp_alloca(c, i64t(c), "best");
    LLVMBuildStore(c->b, jp_const_i64(c, 0), r.best_idx);
    if (id == NP_MIN || id == NP_MAX) {
        /* start from the first element: the loop compares it with itself */
        LLVMValueRef zeros[32];
        for (int k = 0; k < t->ndim; k++)
            zeros[k] = jp_const_i64(c, 0);
        init = jp_arr_load(c, jp_arr_elem_ptr(c, arr, t, zeros, t->ndim), dt);
    }
    red_pass(c, &r, init);
    {
        LLVMValueRef acc = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, r.acc_t), r.acc, "");
        LLVMValueRef nf = LLVMBuildSIToFP(c->b, n, LLVMDoubleTypeInContext(c->ctx), "");
        switch (id) {
        case NP_ARGMIN: case NP_ARGMAX:
            return LLVMBuildLoad2(c->b, i64t(c), r.best_idx, "");
        case NP_MEAN: {
            LLVMValueRef m = mean_of(c, acc, r.acc_t, n, nf);
            return jp_cast(c, m, r.acc_t, rt);
        }
        case NP_VAR: case NP_STD: {
            LLVMValueRef mean = mean_of(c, acc, r.acc_t, n, nf), v;
            LLVMValueRef denom;
            r.mean = jp_alloca(c, jp_llvm_type(c->ctx, r.acc_t), "mean");
            LLVMBuildStore(c->b, mean, r.mean);
            red_pass(c, &r, zero_of(c, r.acc_t));
            acc = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, r.acc_t), r.acc, "");
            if (r.acc_t->kind == JP_COMPLEX)
                acc = LLVMBuildExtractValue(c->b, acc, 0, "");
            denom = LLVMBuildFSub(c->b, nf, LLVMBuildSIToFP(c->b, ddof, LLVMDoubleTypeInContext(c->ctx), ""), "");
            /* NumPy: max(n - ddof, 0), so too few elements give nan or inf, never a sign flip */
            denom = LLVMBuildSelect(c->b, LLVMBuildFCmp(c->b, LLVMRealOLT, denom, jp_const_f64(c, 0.0), ""),
                                    jp_const_f64(c, 0.0), denom, "");
            v = LLVMBuildFDiv(c->b, acc, denom, "");
            if (id == NP_STD)
                v = jp_call_extern(c, "llvm.sqrt.f64", LLVMDoubleTypeInContext(c->ctx), &v, 1);
            return jp_cast(c, v, jp_type_float(64), rt);
        }
        default:
            return jp_cast(c, acc, r.acc_t, rt);
        }
    }
}

typedef struct axis_ctx {
    jp_np_id id;
    LLVMValueRef arr, out, ddof;
    jp_type *t, *rt;
    int axis;
} axis_ctx;

static void
axis_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    axis_ctx *a = vctx;
    LLVMValueRef full[32], zero = jp_const_i64(c, 0), base, shape1, stride1, view, v;
    jp_type *seq_t = jp_type_array(a->t->dtype, 1, 'A', 0);
    int j = 0;
    for (int k = 0; k < a->t->ndim; k++)
        full[k] = k == a->axis ? zero : idx[j++];
    base = jp_arr_elem_ptr(c, a->arr, a->t, full, a->t->ndim);
    shape1 = jp_arr_field(c, a->arr, 3, a->axis);
    stride1 = jp_arr_field(c, a->arr, 4, a->axis);
    view = jp_arr_make(c, seq_t, LLVMConstNull(LLVMPointerTypeInContext(c->ctx, 0)),
                       LLVMConstNull(LLVMPointerTypeInContext(c->ctx, 0)), base, &shape1, &stride1);
    v = whole_reduce(c, a->id, view, seq_t, a->rt->dtype, a->ddof);
    jp_arr_store(c, jp_arr_elem_ptr(c, a->out, a->rt, idx, a->rt->ndim), a->rt->dtype, v);
}

static LLVMValueRef
reduce_axis(lctx *c, jp_np_id id, LLVMValueRef arr, jp_type *t, jp_type *rt, LLVMValueRef ddof, int axis)
{
    axis_ctx x = {id, arr, NULL, ddof, t, rt, axis};
    LLVMValueRef shape[32];
    int j = 0;
    for (int d = 0; d < t->ndim; d++)
        if (d != axis)
            shape[j++] = jp_arr_field(c, arr, 3, d);
    x.out = jp_arr_alloc(c, rt, shape);
    jp_loop_nest(c, rt->ndim, shape, axis_body, &x);
    return x.out;
}

/* np.sum(a * b), (a - b).sum(): the elements of a fusable expression added
 * as they are computed, with no array for them (lower_fuse.c) */
static LLVMValueRef
fused_sum(lctx *c, jp_node *an, jp_type *rt)
{
    /* as whole_reduce: float32 and complex64 accumulate in double precision */
    jp_type *acc_t = rt->kind == JP_FLOAT && rt->bits == 32 ? jp_type_float(64)
                     : rt->kind == JP_COMPLEX && rt->bits == 64 ? jp_type_complex(128) : rt;
    LLVMValueRef acc = jp_alloca(c, jp_llvm_type(c->ctx, acc_t), "fused.acc");
    LLVMBuildStore(c->b, zero_of(c, acc_t), acc);
    if (!jp_lower_fused_sum(c, an, acc, acc_t))
        return NULL;
    return jp_cast(c, LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, acc_t), acc, ""), acc_t, rt);
}

static LLVMValueRef
lower_reduce(lctx *c, jp_np_id id, args *a, jp_type *rt)
{
    jp_node *an = a->pos[0], *axis = kwarg(a, 1, "axis"), *ddofn = kwarg(a, -1, "ddof");
    jp_type *t = jp_node_type(c, an);
    LLVMValueRef arr;
    if (id == NP_SUM && a->npos == 1 && a->call->u.call.nkw == 0 && rt->kind != JP_ARRAY && jp_fusable(c, an)) {
        LLVMValueRef r = fused_sum(c, an, rt);
        if (r)
            return r;
    }
    arr = jp_lower_expr(c, an);
    LLVMValueRef ddof = ddofn ? as_i64(c, ddofn) : jp_const_i64(c, 0);
    int constant = axis && (axis->kind == E_CONST
                            || (axis->kind == E_UNARY && axis->u.unary.operand->kind == E_CONST));
    if (!is_none_node(c, axis) && t->ndim > 1 && constant) {
        long long k = axis->kind == E_CONST ? axis->u.cnst.v.i : -axis->u.unary.operand->u.cnst.v.i;
        return reduce_axis(c, id, arr, t, rt, ddof, (int)(k < 0 ? k + t->ndim : k));
    }
    if (!is_none_node(c, axis) && t->ndim > 1) {
        /* an axis known at run time: one branch per possible axis */
        LLVMValueRef k = as_i64(c, axis), slot = jp_alloca(c, jp_llvm_type(c->ctx, rt), "reduced");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "axis.done");
        k = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, k, jp_const_i64(c, 0), ""),
                            LLVMBuildAdd(c->b, k, jp_const_i64(c, t->ndim), ""), k, "");
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntUGE, k, jp_const_i64(c, t->ndim), ""), PyExc_ValueError,
                 "axis is out of bounds for the array");
        for (int d = 0; d < t->ndim; d++) {
            LLVMBasicBlockRef here = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "axis.case");
            LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "axis.next");
            LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, k, jp_const_i64(c, d), ""), here, next);
            LLVMPositionBuilderAtEnd(c->b, here);
            LLVMBuildStore(c->b, reduce_axis(c, id, arr, t, rt, ddof, d), slot);
            LLVMBuildBr(c->b, done);
            LLVMPositionBuilderAtEnd(c->b, next);
        }
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, done);
        return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, rt), slot, "");
    }
    if (!is_none_node(c, axis) && !constant)
        as_i64(c, axis);        /* a 1-d array: any valid axis reduces it all */
    return whole_reduce(c, id, arr, t, rt, ddof);
}

/* ---- dot / matmul ---------------------------------------------------------------------------------- */

typedef struct dot_ctx {
    LLVMValueRef a, b, out, acc;
    jp_type *ta, *tb, *rt, *dt;
    LLVMValueRef kdim;
} dot_ctx;

static LLVMValueRef
load_at(lctx *c, LLVMValueRef arr, jp_type *t, LLVMValueRef *idx, jp_type *to)
{
    return jp_cast(c, jp_arr_load(c, jp_arr_elem_ptr(c, arr, t, idx, t->ndim), t->dtype), t->dtype, to);
}

static void
dot_inner(lctx *c, void *vctx, LLVMValueRef *idx)
{
    /* idx: [i, k, j] for 2d@2d; used through the specialised callers below */
    (void)c;
    (void)vctx;
    (void)idx;
}

static void
vec_dot_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    dot_ctx *d = vctx;
    LLVMTypeRef at = jp_llvm_type(c->ctx, d->dt);
    LLVMValueRef x = load_at(c, d->a, d->ta, idx, d->dt), y = load_at(c, d->b, d->tb, idx, d->dt);
    LLVMValueRef acc = LLVMBuildLoad2(c->b, at, d->acc, "");
    LLVMBuildStore(c->b, jp_lower_binop(c, OP_ADD, acc, d->dt, jp_lower_binop(c, OP_MUL, x, d->dt, y, d->dt, d->dt, NULL),
                                        d->dt, d->dt, NULL), d->acc);
}

static void
matmul_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    /* C[i, j] += A[i, k] * B[k, j], loops i, k, j: the inner loop is unit-stride in C and B */
    dot_ctx *d = vctx;
    LLVMValueRef ia[2] = {idx[0], idx[1]}, ib[2] = {idx[1], idx[2]}, ic[2] = {idx[0], idx[2]};
    int na = d->ta->ndim, nb = d->tb->ndim;
    LLVMValueRef x = load_at(c, d->a, d->ta, na == 2 ? ia : &idx[1], d->dt);
    LLVMValueRef y = load_at(c, d->b, d->tb, nb == 2 ? ib : &idx[1], d->dt);
    LLVMValueRef p = jp_arr_elem_ptr(c, d->out, d->rt, d->rt->ndim == 2 ? ic : (na == 2 ? ia : &idx[2]), d->rt->ndim);
    LLVMValueRef cur = jp_arr_load(c, p, d->dt);
    jp_arr_store(c, p, d->dt, jp_lower_binop(c, OP_ADD, cur, d->dt, jp_lower_binop(c, OP_MUL, x, d->dt, y, d->dt, d->dt, NULL),
                                             d->dt, d->dt, NULL));
}

static LLVMValueRef
lower_dot(lctx *c, jp_node *an, jp_node *bn, jp_type *rt, int np_dot)
{
    dot_ctx d = {0};
    LLVMValueRef ka, blas;
    d.a = jp_lower_expr(c, an);
    d.b = jp_lower_expr(c, bn);
    d.ta = jp_node_type(c, an);
    d.tb = jp_node_type(c, bn);
    d.rt = rt;
    d.dt = rt->kind == JP_ARRAY ? rt->dtype : rt;
    if ((blas = jp_lower_dot_blas(c, d.a, d.ta, d.b, d.tb, rt, np_dot)) != NULL)
        return blas;    /* float and complex: NumPy's BLAS (lower_linalg.c) */
    ka = jp_arr_field(c, d.a, 3, d.ta->ndim - 1);
    jp_lower_dot_check(c, d.a, d.ta, d.b, d.tb, np_dot);
    (void)dot_inner;
    if (d.ta->ndim == 1 && d.tb->ndim == 1) {
        d.acc = jp_alloca(c, jp_llvm_type(c->ctx, d.dt), "dot");
        LLVMBuildStore(c->b, zero_of(c, d.dt), d.acc);
        jp_loop_nest(c, 1, &ka, vec_dot_body, &d);
        return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, d.dt), d.acc, "");
    }
    {
        LLVMValueRef shape[2], extent[3];
        fill_ctx f = {0};
        int nd = 0;
        if (d.ta->ndim == 2)
            shape[nd++] = jp_arr_field(c, d.a, 3, 0);
        if (d.tb->ndim == 2)
            shape[nd++] = jp_arr_field(c, d.b, 3, 1);
        d.out = jp_arr_alloc(c, rt, shape);
        f.arr = d.out;
        f.t = rt;
        f.value = zero_of(c, d.dt);
        fill_flat(c, &f);
        extent[0] = d.ta->ndim == 2 ? jp_arr_field(c, d.a, 3, 0) : jp_const_i64(c, 1);
        extent[1] = ka;
        extent[2] = d.tb->ndim == 2 ? jp_arr_field(c, d.b, 3, 1) : jp_const_i64(c, 1);
        jp_loop_nest(c, 3, extent, matmul_body, &d);
        return d.out;
    }
}

/* ---- np.random ------------------------------------------------------------------------------------------ */

static LLVMValueRef
random_scalar(lctx *c, jp_np_id id, LLVMValueRef p0, LLVMValueRef p1)
{
    LLVMTypeRef f64 = LLVMDoubleTypeInContext(c->ctx);
    switch (id) {
    case NP_RANDOM_RANDN:
        return jp_call_extern(c, "jp_random_gauss", f64, NULL, 0);
    case NP_RANDOM_NORMAL:
        return LLVMBuildFAdd(c->b, p0, LLVMBuildFMul(c->b, p1, jp_call_extern(c, "jp_random_gauss", f64, NULL, 0), ""), "");
    case NP_RANDOM_UNIFORM:
        return LLVMBuildFAdd(c->b, p0, LLVMBuildFMul(c->b, LLVMBuildFSub(c->b, p1, p0, ""),
                                                     jp_call_extern(c, "jp_random_double", f64, NULL, 0), ""), "");
    case NP_RANDOM_RANDINT: {
        LLVMValueRef args[2] = {p0, p1};
        return jp_call_extern(c, "jp_random_randint", i64t(c), args, 2);
    }
    default:
        return jp_call_extern(c, "jp_random_double", f64, NULL, 0);
    }
}

static LLVMValueRef
lower_random(lctx *c, jp_np_id id, args *a, jp_type *rt)
{
    LLVMValueRef p0 = NULL, p1 = NULL, shape[32];
    jp_node *size = NULL;
    int nd = 0;
    switch (id) {
    case NP_RANDOM_SEED: {
        LLVMValueRef s = LLVMBuildTrunc(c->b, as_i64(c, a->pos[0]), LLVMInt32TypeInContext(c->ctx), "");
        jp_call_extern(c, "jp_random_seed", LLVMVoidTypeInContext(c->ctx), &s, 1);
        return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
    }
    case NP_RANDOM_RAND: case NP_RANDOM_RANDN:
        for (int i = 0; i < a->npos; i++)
            shape[nd++] = as_i64(c, a->pos[i]);
        break;
    case NP_RANDOM_NORMAL: case NP_RANDOM_UNIFORM: {
        jp_node *x = kwarg(a, 0, id == NP_RANDOM_NORMAL ? "loc" : "low");
        jp_node *y = kwarg(a, 1, id == NP_RANDOM_NORMAL ? "scale" : "high");
        p0 = x ? as_f64(c, x) : jp_const_f64(c, 0.0);
        p1 = y ? as_f64(c, y) : jp_const_f64(c, 1.0);
        size = kwarg(a, 2, "size");
        break;
    }
    case NP_RANDOM_RANDINT: {
        jp_node *lo = kwarg(a, 0, "low"), *hi = kwarg(a, 1, "high");
        if (is_none_node(c, hi)) {
            p0 = jp_const_i64(c, 0);
            p1 = as_i64(c, lo);
        } else {
            p0 = as_i64(c, lo);
            p1 = as_i64(c, hi);
        }
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntSGE, p0, p1, ""), PyExc_ValueError, "low >= high");
        size = kwarg(a, 2, "size");
        break;
    }
    default:
        size = kwarg(a, 0, "size");
        break;
    }
    if (size && !is_none_node(c, size))
        nd = shape_values(c, size, shape);
    if (rt->kind != JP_ARRAY)
        return jp_cast(c, random_scalar(c, id, p0, p1), id == NP_RANDOM_RANDINT ? jp_type_int(64, 1) : jp_type_float(64), rt);
    {
        fill_ctx f = {0};
        (void)nd;
        f.arr = jp_arr_alloc(c, rt, shape);
        f.t = rt;
        f.mode = 3;
        f.rid = id;
        f.r0 = p0;
        f.r1 = p1;
        fill_flat(c, &f);
        return f.arr;
    }
}

/* ---- creation and shape ---------------------------------------------------------------------------------- */

static LLVMValueRef
lower_create(lctx *c, jp_np_id id, args *a, jp_type *rt)
{
    LLVMValueRef shape[32];
    fill_ctx f = {0};
    const jp_np_fn *fn = &jp_np_table[id];
    if (fn->kind == NPK_CREATE_LIKE) {
        jp_node *src = a->pos[0];
        LLVMValueRef sv = jp_lower_expr(c, src);
        jp_type *st = jp_node_type(c, src);
        for (int k = 0; k < st->ndim; k++)
            shape[k] = jp_arr_field(c, sv, 3, k);
    } else {
        shape_values(c, a->pos[0], shape);
    }
    f.arr = jp_arr_alloc(c, rt, shape);
    f.t = rt;
    switch (id) {
    case NP_EMPTY: case NP_EMPTY_LIKE:
        return f.arr;
    case NP_ZEROS: case NP_ZEROS_LIKE:
        f.value = zero_of(c, rt->dtype);
        break;
    case NP_ONES: case NP_ONES_LIKE:
        f.value = one_of(c, rt->dtype);
        break;
    default: {  /* full, full_like */
        jp_node *fill = kwarg(a, 1, "fill_value");
        LLVMValueRef fv = jp_lower_expr(c, fill);
        if (fill->kind == E_CONST || (fill->kind == E_UNARY && fill->u.unary.operand->kind == E_CONST))
            jp_check_int_bounds(c, fv, jp_node_type(c, fill), rt->dtype);   /* np.full(3, 300, np.int8) */
        f.value = jp_cast(c, fv, jp_node_type(c, fill), rt->dtype);
        break;
    }
    }
    fill_flat(c, &f);
    return f.arr;
}

static LLVMValueRef
lower_arange(lctx *c, args *a, jp_type *rt)
{
    jp_type *it = jp_type_int(64, 1);
    int all_int = 1;
    LLVMValueRef start, stop, step, n;
    fill_ctx f = {0};
    for (int i = 0; i < a->npos; i++)
        if (jp_node_type(c, a->pos[i])->kind == JP_FLOAT)
            all_int = 0;
    if (all_int) {
        LLVMValueRef diff, q, r, up;
        start = a->npos > 1 ? as_i64(c, a->pos[0]) : jp_const_i64(c, 0);
        stop = a->npos > 1 ? as_i64(c, a->pos[1]) : as_i64(c, a->pos[0]);
        step = a->npos > 2 ? as_i64(c, a->pos[2]) : jp_const_i64(c, 1);
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, step, jp_const_i64(c, 0), ""), PyExc_ZeroDivisionError,
                 "arange() step must not be zero");
        {
            /* stop - start must not wrap (np.arange(-2**63, 2**63 - 1)) */
            LLVMTypeRef st = LLVMStructTypeInContext(c->ctx, (LLVMTypeRef[]){i64t(c), LLVMInt1TypeInContext(c->ctx)}, 2, 0);
            LLVMValueRef r = jp_call_extern(c, "llvm.ssub.with.overflow.i64", st, (LLVMValueRef[]){stop, start}, 2);
            jp_check(c, LLVMBuildExtractValue(c->b, r, 1, ""), PyExc_ValueError, "Maximum allowed size exceeded");
            diff = LLVMBuildExtractValue(c->b, r, 0, "");
            /* and INT64_MIN / -1 traps */
            jp_check(c, LLVMBuildAnd(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, diff, jp_const_i64(c, INT64_MIN), ""),
                                     LLVMBuildICmp(c->b, LLVMIntEQ, step, jp_const_i64(c, -1), ""), ""),
                     PyExc_ValueError, "Maximum allowed size exceeded");
        }
        q = LLVMBuildSDiv(c->b, diff, step, "");
        r = LLVMBuildSRem(c->b, diff, step, "");
        up = LLVMBuildAnd(c->b, LLVMBuildICmp(c->b, LLVMIntNE, r, jp_const_i64(c, 0), ""),
                          LLVMBuildICmp(c->b, LLVMIntEQ, LLVMBuildICmp(c->b, LLVMIntSGT, r, jp_const_i64(c, 0), ""),
                                        LLVMBuildICmp(c->b, LLVMIntSGT, step, jp_const_i64(c, 0), ""), ""), "");
        n = LLVMBuildAdd(c->b, q, LLVMBuildZExt(c->b, up, i64t(c), ""), "");
        n = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, n, jp_const_i64(c, 0), ""), jp_const_i64(c, 0), n, "");
        f.mode = 4;
    } else {
        LLVMValueRef len;
        start = a->npos > 1 ? as_f64(c, a->pos[0]) : jp_const_f64(c, 0.0);
        stop = a->npos > 1 ? as_f64(c, a->pos[1]) : as_f64(c, a->pos[0]);
        step = a->npos > 2 ? as_f64(c, a->pos[2]) : jp_const_f64(c, 1.0);
        jp_check(c, LLVMBuildFCmp(c->b, LLVMRealOEQ, step, jp_const_f64(c, 0.0), ""), PyExc_ZeroDivisionError,
                 "arange() step must not be zero");
        len = LLVMBuildFDiv(c->b, LLVMBuildFSub(c->b, stop, start, ""), step, "");
        len = jp_call_extern(c, "llvm.ceil.f64", LLVMDoubleTypeInContext(c->ctx), &len, 1);
        /* NumPy: a nan length (nan bounds or step) and one past intp are errors */
        jp_check(c, LLVMBuildFCmp(c->b, LLVMRealUNO, len, len, ""), PyExc_ValueError, "arange: cannot compute length");
        jp_check(c, LLVMBuildFCmp(c->b, LLVMRealOGE, len, jp_const_f64(c, 9223372036854775808.0), ""), PyExc_ValueError,
                 "Maximum allowed size exceeded");
        n = LLVMBuildFPToSI(c->b, len, i64t(c), "");
        n = LLVMBuildSelect(c->b, LLVMBuildFCmp(c->b, LLVMRealOGT, len, jp_const_f64(c, 0.0), ""), n, jp_const_i64(c, 0), "");
        f.mode = 1;
    }
    (void)it;
    f.arr = jp_arr_alloc(c, rt, &n);
    f.t = rt;
    f.start = start;
    f.step = step;
    fill_flat(c, &f);
    return f.arr;
}

static LLVMValueRef
lower_linspace(lctx *c, args *a, jp_type *rt)
{
    jp_node *numn = kwarg(a, 2, "num"), *epn = kwarg(a, -1, "endpoint");
    LLVMValueRef start = as_f64(c, a->pos[0]), stop = as_f64(c, a->pos[1]);
    LLVMValueRef num = numn ? as_i64(c, numn) : jp_const_i64(c, 50);
    LLVMValueRef endpoint = epn ? jp_truth(c, jp_lower_expr(c, epn), jp_node_type(c, epn))
                                : LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0);
    LLVMValueRef div, step, last;
    fill_ctx f = {0};
    jp_check_dynamic(c, LLVMBuildICmp(c->b, LLVMIntSLT, num, jp_const_i64(c, 0), ""), PyExc_ValueError,
                     "jp_rt_linspace_message", &num, 1);      /* NumPy's text names the number */
    div = LLVMBuildSelect(c->b, endpoint, LLVMBuildSub(c->b, num, jp_const_i64(c, 1), ""), num, "");
    {
        /* NumPy: with one sample there is no step, and the sample is start */
        LLVMValueRef delta = LLVMBuildFSub(c->b, stop, start, "");
        step = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSGT, div, jp_const_i64(c, 0), ""),
                               LLVMBuildFDiv(c->b, delta, LLVMBuildSIToFP(c->b, div, LLVMDoubleTypeInContext(c->ctx), ""), ""),
                               delta, "");
    }
    f.arr = jp_arr_alloc(c, rt, &num);
    f.t = rt;
    f.mode = 1;
    f.start = start;
    f.step = step;
    fill_flat(c, &f);
    /* the last sample is stop itself when endpoint (and num > 1) */
    last = LLVMBuildSub(c->b, num, jp_const_i64(c, 1), "");
    {
        LLVMBasicBlockRef fix = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "linspace.last");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "linspace.done");
        LLVMBuildCondBr(c->b, LLVMBuildAnd(c->b, endpoint, LLVMBuildICmp(c->b, LLVMIntSGT, num, jp_const_i64(c, 1), ""), ""),
                        fix, done);
        LLVMPositionBuilderAtEnd(c->b, fix);
        jp_arr_store(c, jp_arr_elem_ptr(c, f.arr, rt, &last, 1), rt->dtype, stop);
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, done);
    }
    return f.arr;
}

/* reshape: a view when the data is C-contiguous, else a copy first. */
static LLVMValueRef
lower_reshape(lctx *c, LLVMValueRef arr, jp_type *t, LLVMValueRef *shape, int nd, jp_type *rt)
{
    LLVMValueRef size = jp_arr_size(c, arr, t), known = jp_const_i64(c, 1), strides[32], stride, src = arr;
    LLVMValueRef minus = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0), r;
    LLVMValueRef over = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0), unknowns = jp_const_i64(c, 0);
    LLVMValueRef asked = jp_alloca(c, LLVMArrayType2(i64t(c), (unsigned long long)(nd ? nd : 1)), "shape.asked");
    jp_type *src_t = t;
    for (int k = 0; k < nd; k++) {
        LLVMValueRef is_m1 = LLVMBuildICmp(c->b, LLVMIntEQ, shape[k], jp_const_i64(c, -1), "");
        /* the shape as asked, for NumPy's message */
        LLVMBuildStore(c->b, shape[k], LLVMBuildGEP2(c->b, i64t(c), asked, (LLVMValueRef[]){jp_const_i64(c, k)}, 1, ""));
        known = jp_checked_mul(c, known, LLVMBuildSelect(c->b, is_m1, jp_const_i64(c, 1), shape[k], ""), &over);
        minus = LLVMBuildOr(c->b, minus, is_m1, "");
        unknowns = LLVMBuildAdd(c->b, unknowns, LLVMBuildZExt(c->b, is_m1, i64t(c), ""), "");
    }
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntSGT, unknowns, jp_const_i64(c, 1), ""), PyExc_ValueError,
             "can only specify one unknown dimension");
    for (int k = 0; k < nd; k++) {
        LLVMValueRef is_m1 = LLVMBuildICmp(c->b, LLVMIntEQ, shape[k], jp_const_i64(c, -1), "");
        LLVMValueRef safe = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, known, jp_const_i64(c, 0), ""),
                                            jp_const_i64(c, 1), known, "");
        shape[k] = LLVMBuildSelect(c->b, is_m1, LLVMBuildSDiv(c->b, size, safe, ""), shape[k], "");
    }
    {
        /* every product overflow-checked: (2**62 + 4) * 4 wraps to 16 */
        LLVMValueRef total = jp_const_i64(c, 1), neg = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0);
        for (int k = 0; k < nd; k++) {
            total = jp_checked_mul(c, total, shape[k], &over);
            neg = LLVMBuildOr(c->b, neg, LLVMBuildICmp(c->b, LLVMIntSLT, shape[k], jp_const_i64(c, 0), ""), "");
        }
        {
            LLVMValueRef args[3] = {size, asked, jp_const_i64(c, nd)};
            LLVMValueRef bad = LLVMBuildOr(c->b, LLVMBuildOr(c->b, over, neg, ""),
                                           LLVMBuildICmp(c->b, LLVMIntNE, total, size, ""), "");
            jp_check_dynamic(c, bad, PyExc_ValueError, "jp_rt_reshape_message", args, 3);
        }
    }
    (void)minus;
    if (t->layout != 'C' && t->ndim > 1) {
        src_t = jp_type_array(t->dtype, t->ndim, 'C', 0);
        src = copy_array(c, arr, t, src_t);
    } else if (t->layout == 'A' && t->ndim == 1) {
        /* a strided 1-d view: copy unless the stride is the item size */
        src_t = jp_type_array(t->dtype, 1, 'C', 0);
        src = copy_array(c, arr, t, src_t);
    }
    stride = jp_const_i64(c, (long long)t->dtype->size);
    for (int k = nd - 1; k >= 0; k--) {
        strides[k] = stride;
        stride = LLVMBuildMul(c->b, stride, shape[k], "");
    }
    r = jp_arr_make(c, rt, jp_arr_field(c, src, 0, 0), jp_arr_field(c, src, 1, 0), jp_arr_field(c, src, 2, 0),
                    shape, strides);
    jp_incref(c, r, rt);
    jp_register_temp(c, r, rt);
    (void)src_t;
    return r;
}

static LLVMValueRef
lower_shape_call(lctx *c, jp_np_id id, args *a, jp_type *rt)
{
    jp_node *an = a->pos[0];
    jp_type *t = jp_node_type(c, an);
    LLVMValueRef arr = jp_lower_expr(c, an), shape[32];
    int nd;
    if (id == NP_TRANSPOSE && a->npos > 1)
        return jp_lower_transpose_axes(c, arr, t, &a->pos[1], a->npos - 1, rt);
    if (id == NP_TRANSPOSE) {
        LLVMValueRef strides[32], r;
        for (int k = 0; k < t->ndim; k++) {
            shape[k] = jp_arr_field(c, arr, 3, t->ndim - 1 - k);
            strides[k] = jp_arr_field(c, arr, 4, t->ndim - 1 - k);
        }
        r = jp_arr_make(c, rt, jp_arr_field(c, arr, 0, 0), jp_arr_field(c, arr, 1, 0), jp_arr_field(c, arr, 2, 0),
                        shape, strides);
        jp_incref(c, r, rt);
        jp_register_temp(c, r, rt);
        return r;
    }
    if (id == NP_RAVEL) {
        shape[0] = jp_arr_size(c, arr, t);
        return lower_reshape(c, arr, t, shape, 1, rt);
    }
    if (a->npos == 2)
        nd = shape_values(c, a->pos[1], shape);
    else
        for (nd = 0; nd + 1 < a->npos; nd++)
            shape[nd] = as_i64(c, a->pos[nd + 1]);
    return lower_reshape(c, arr, t, shape, nd, rt);
}

/* ---- entry points ------------------------------------------------------------------------------------------ */

static LLVMValueRef
lower_np(lctx *c, jp_np_id id, args *a, jp_type *rt)
{
    switch (jp_np_table[id].kind) {
    case NPK_CREATE:
    case NPK_CREATE_LIKE:
        return lower_create(c, id, a, rt);
    case NPK_ARANGE:
        return lower_arange(c, a, rt);
    case NPK_LINSPACE:
        return lower_linspace(c, a, rt);
    case NPK_COPY: {
        LLVMValueRef v = jp_lower_expr(c, a->pos[0]);
        return copy_array(c, v, jp_node_type(c, a->pos[0]), rt);
    }
    case NPK_UNARY:
    case NPK_BINARY:
    case NPK_WHERE:
        if (id == NP_WHERE && a->npos == 1)
            return jp_lower_np_where1(c, a->call);      /* lib_np_index.c */
        return lower_elementwise_call(c, id, a, rt);
    case NPK_REDUCE:
        return lower_reduce(c, id, a, rt);
    case NPK_DOT:
        return lower_dot(c, a->pos[0], a->pos[1], rt, id == NP_DOT);
    case NPK_RANDOM:
        return lower_random(c, id, a, rt);
    case NPK_SHAPE:
        return lower_shape_call(c, id, a, rt);
    case NPK_ITER:      /* typing allows these only as for-loop iterables (lower_iter.c) */
        break;
    }
    return jp_lower_unhandled(c, jp_llvm_type(c->ctx, rt), "the NumPy function np.%s", jp_np_table[id].name);
}

LLVMValueRef
jp_lower_numpy_call(lctx *c, jp_node *n)
{
    args a = {{0}, 0, n};
    if (n->kind == E_BINOP)     /* a @ b */
        return lower_dot(c, n->u.binop.left, n->u.binop.right, jp_node_type(c, n), 0);
    for (int i = 0; i < n->u.call.nargs && i < 16; i++)
        a.pos[a.npos++] = n->u.call.args[i];
    return lower_np(c, (jp_np_id)n->u.call.func->u.callee.id, &a, jp_node_type(c, n));
}

typedef struct fill_method {
    jp_type *dt;
} fill_method;

LLVMValueRef
jp_lower_array_method(lctx *c, jp_node *n)
{
    static const struct { const char *name; jp_np_id id; } methods[] = {
        {"sum", NP_SUM}, {"prod", NP_PROD}, {"min", NP_MIN}, {"max", NP_MAX}, {"mean", NP_MEAN},
        {"var", NP_VAR}, {"std", NP_STD}, {"argmin", NP_ARGMIN}, {"argmax", NP_ARGMAX},
        {"copy", NP_COPY}, {"ravel", NP_RAVEL}, {"reshape", NP_RESHAPE}, {"transpose", NP_TRANSPOSE},
        {"dot", NP_DOT},
    };
    jp_node *attr = n->u.call.func, *self = attr->u.attr.value;
    const char *name = attr->u.attr.name;
    jp_type *rt = jp_node_type(c, n), *st = jp_node_type(c, self);
    args a = {{0}, 0, n};

    if (c->inst->resolved[n->id])           /* a.sort(): lib_np_sort.c */
        return c->inst->resolved[n->id]->lower(c, n);
    a.pos[a.npos++] = self;
    for (int i = 0; i < n->u.call.nargs && a.npos < 16; i++)
        a.pos[a.npos++] = n->u.call.args[i];
    if (strcmp(name, "astype") == 0) {
        LLVMValueRef v = jp_lower_expr(c, self);
        return copy_array(c, v, st, rt);
    }
    if (strcmp(name, "flatten") == 0) {
        LLVMValueRef v = jp_lower_expr(c, self), shape = jp_arr_size(c, v, st);
        jp_type *ct = jp_type_array(st->dtype, st->ndim, 'C', 0);
        LLVMValueRef copy = copy_array(c, v, st, ct);
        return lower_reshape(c, copy, ct, &shape, 1, rt);
    }
    if (strcmp(name, "fill") == 0) {
        LLVMValueRef v = jp_lower_expr(c, self), x = jp_lower_expr(c, n->u.call.args[0]);
        jp_type *xt = jp_node_type(c, n->u.call.args[0]);
        jp_elementwise(c, st, v, 1, &x, &xt, copy_kernel, st->dtype);
        return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
    }
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(methods[i].name, name) == 0)
            return lower_np(c, methods[i].id, &a, rt);
    {
        LLVMValueRef r = jp_lower_index_method(c, n);     /* lib_np_index.c */
        if (r)
            return r;
    }
    return jp_lower_unhandled(c, jp_llvm_type(c->ctx, rt), "the array method %s.%s()", st->name, name);
}
