/* jit/lib_np_linalg.c - np.linalg in jit code, and np.vdot, np.outer,
 * np.inner: a table of the module-function registry (lib.h).  Typing fixes
 * the LAPACK work type (float32, float64, complex64, complex128: integer and
 * bool inputs become float64, as NumPy) and checks what must be constant
 * (ord=, UPLO=, mode=, full_matrices=, compute_uv=); lowering allocates the
 * C-contiguous results, calls linalg_runtime.c and raises its errors
 * (numpy.linalg.LinAlgError for a singular matrix, ...).
 *
 * 2-d arrays only (stacked n-d inputs are an UnsupportedError naming the
 * loop to write instead); eig/eigvals of a real matrix return real arrays
 * and raise ValueError when an eigenvalue is complex, as Numba does. */
#include "jit/lib.h"
#include "jit/target.h"
#include "jit/errors.h"
#include "jit/lapack.h"
#include "jit/linalg_runtime.h"
#include "jit/lower_linalg.h"

#include <math.h>
#include <string.h>

enum {
    LG_SOLVE, LG_INV, LG_DET, LG_SLOGDET, LG_NORM, LG_EIG, LG_EIGVALS, LG_EIGH, LG_EIGVALSH, LG_SVD, LG_QR,
    LG_CHOLESKY, LG_LSTSQ, LG_PINV, LG_MATRIX_RANK, LG_MATRIX_POWER, LG_VDOT, LG_OUTER, LG_INNER,
};

/* the routine each function needs (LA__COUNT: none) */
static jp_la_routine
routine_of(int id)
{
    switch (id) {
    case LG_SOLVE: case LG_INV: case LG_MATRIX_POWER: return LA_GETRS;   /* with getrf */
    case LG_DET: case LG_SLOGDET: return LA_GETRF;
    case LG_NORM: case LG_PINV: case LG_MATRIX_RANK: case LG_SVD: return LA_GESDD;
    case LG_EIG: case LG_EIGVALS: return LA_GEEV;
    case LG_EIGH: case LG_EIGVALSH: return LA_SYEVD;
    case LG_QR: return LA_ORGQR;
    case LG_CHOLESKY: return LA_POTRF;
    case LG_LSTSQ: return LA_GELSD;
    case LG_VDOT: case LG_INNER: return LA_DOTC;
    default: return LA__COUNT;
    }
}

static const char *
qual(const jp_lib_fn *fn)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "%s.%s", strcmp(fn->module, "numpy") == 0 ? "np" : "np.linalg", fn->name);
    return buf;
}

static int
is_none(jp_node *n)
{
    return n == NULL || (n->kind == E_CONST && n->u.cnst.type->kind == JP_NONE);
}

/* ---- typing ------------------------------------------------------------------------- */

static int
numeric(jp_type *dt)
{
    return dt->kind == JP_INT || dt->kind == JP_BOOL || dt->kind == JP_FLOAT || dt->kind == JP_COMPLEX;
}

/* an array argument of min..max dimensions */
static jp_type *
arr_arg(ictx *c, jp_node *n, jp_type *t, const jp_lib_fn *fn, int min, int max)
{
    if (t->kind != JP_ARRAY || !numeric(t->dtype))
        return jp_error_at(JpTypingError, c->ir, n, "convert it first: np.asarray(x)",
                           "%s() takes a numeric array in jit code, not %s", qual(fn), t->name);
    if (t->ndim < min)
        return jp_error_at(JpTypingError, c->ir, n, NULL,
                           "%d-dimensional array given. Array must be at least two-dimensional", t->ndim);
    if (t->ndim > max)
        return jp_error_at(JpUnsupportedError, c->ir, n, "loop over the leading axes and call it on each matrix",
                           "%s() of a %d-d array (a stack of matrices) is not supported in jit code", qual(fn),
                           t->ndim);
    return t;
}

static int
is_single(jp_type *dt)
{
    return (dt->kind == JP_FLOAT && dt->bits == 32) || (dt->kind == JP_COMPLEX && dt->bits == 64);
}

/* the work type of one or two operands (NumPy's common type, ints as float64) */
static int
work_of(jp_type *a, jp_type *b)
{
    int cx = a->dtype->kind == JP_COMPLEX || (b && b->dtype->kind == JP_COMPLEX);
    int single = is_single(a->dtype) && (b == NULL || is_single(b->dtype));
    return cx ? (single ? JP_LA_C : JP_LA_Z) : (single ? JP_LA_S : JP_LA_D);
}

static jp_type *
arr(int t, int real, int ndim)
{
    return jp_type_array(jp_la_type(t, real), ndim, 'C', 0);
}

static jp_type *
tuple(int n, jp_type *a, jp_type *b, jp_type *c3, jp_type *d)
{
    jp_type *e[4] = {a, b, c3, d};
    return jp_type_tuple(n, e);
}

/* a constant bool argument (absent: dflt); -1 after an error */
static int
const_bool(ictx *c, jp_node *n, const jp_lib_fn *fn, const char *what, int dflt)
{
    if (n == NULL)
        return dflt;
    if (n->kind == E_CONST && (n->u.cnst.type->kind == JP_BOOL || n->u.cnst.type->kind == JP_INT))
        return n->u.cnst.v.i != 0;
    if (c)
        jp_error_at(JpTypingError, c->ir, n, "write True or False", "%s() %s must be a constant True or False",
                    qual(fn), what);
    return -1;
}

/* a constant string argument among `choices` (absent: index 0); -1 after an error */
static int
const_choice(ictx *c, jp_node *n, const jp_lib_fn *fn, const char *what, const char *const *choices)
{
    if (n == NULL || is_none(n))
        return 0;
    if (n->kind == E_STR)
        for (int i = 0; choices[i]; i++)
            if (strcmp(n->u.str.text, choices[i]) == 0)
                return i;
    if (c)
        jp_error_at(n->kind == E_STR ? JpUnsupportedError : JpTypingError, c->ir, n, NULL,
                    "%s() %s must be a constant string, one of '%s'%s%s%s in jit code", qual(fn), what, choices[0],
                    choices[1] ? ", '" : "", choices[1] ? choices[1] : "", choices[1] ? "'" : "");
    return -1;
}

/* norm's ord: a kind (JP_NORM_*) and p; -1 when it is not a constant */
static int
norm_ord(jp_node *n, double *p)
{
    double sign = 1;
    *p = 0;
    if (is_none(n))
        return JP_NORM_NONE;
    if (n->kind == E_STR)
        return strcmp(n->u.str.text, "fro") == 0 ? JP_NORM_FRO : strcmp(n->u.str.text, "nuc") == 0 ? JP_NORM_NUC : -1;
    if (n->kind == E_UNARY && n->u.unary.op == UOP_NEG) {
        sign = -1;
        n = n->u.unary.operand;
    }
    if (n->kind != E_CONST)
        return -1;
    if (n->u.cnst.type->kind == JP_INT || n->u.cnst.type->kind == JP_BOOL)
        *p = sign * (double)n->u.cnst.v.i;
    else if (n->u.cnst.type->kind == JP_FLOAT)
        *p = sign * n->u.cnst.v.f;
    else
        return -1;
    if (isinf(*p))
        return *p > 0 ? JP_NORM_INF : JP_NORM_NINF;
    return JP_NORM_P;
}

static jp_type *
type_linalg(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    int id = fn->id, t;
    jp_la_routine r = routine_of(id);
    jp_type *a = at[0], *b = nargs > 1 ? at[1] : NULL;
    (void)nargs;
    if (c->session->gpu)
        return jp_device_unsupported(c, call, "call it on the host, before or after the kernel", "%s() is", qual(fn));
    switch (id) {
    case LG_VDOT: case LG_OUTER: case LG_INNER: {
        jp_type *dt;
        if (arr_arg(c, args[0], a, fn, id == LG_INNER ? 1 : 1, id == LG_VDOT ? 32 : id == LG_INNER ? 2 : 1) == NULL
            || arr_arg(c, args[1], b, fn, 1, id == LG_VDOT ? 32 : id == LG_INNER ? 2 : 1) == NULL)
            return NULL;
        if (id == LG_OUTER && nargs > 2 && !is_none(args[2]))
            return jp_error_at(JpUnsupportedError, c->ir, args[2], "assign the result: out[:] = np.outer(a, b)",
                               "np.outer(..., out=) is not supported in jit code");
        if ((dt = jp_np_promote(a->dtype, b->dtype)) == NULL || dt->kind == JP_BOOL)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "%s() of %s and %s", qual(fn), a->name, b->name);
        if (id == LG_OUTER)
            return jp_type_array(dt, 2, 'C', 0);
        if (id == LG_INNER && (a->ndim == 2 || b->ndim == 2)) {
            if (dt->kind == JP_INT)
                return jp_error_at(JpUnsupportedError, c->ir, call, "use a @ b.T, or a float array",
                                   "np.inner() of 2-d integer arrays is not supported in jit code");
            if (jp_lapack_load() < 0 || !jp_lapack_have(LA_GEMM) || !jp_lapack_have(LA_GEMV))
                return jp_error_at(JpUnsupportedError, c->ir, call, "use a @ b.T",
                                   "np.inner() of 2-d arrays needs NumPy's BLAS (cblas gemm/gemv with 64-bit "
                                   "integers), which %s does not export", jp_la.origin);
            return jp_type_array(dt, a->ndim + b->ndim - 2, 'C', 0);
        }
        if (dt->kind == JP_INT)
            return dt;
        break;  /* float/complex: the BLAS check below */
    }
    case LG_SOLVE: case LG_LSTSQ:
        if (arr_arg(c, args[0], a, fn, 2, 2) == NULL || arr_arg(c, args[1], b, fn, 1, 2) == NULL)
            return NULL;
        if (id == LG_LSTSQ && args[2] && !is_none(args[2]) && jp_lib_need_real(c, args[2], at[2], fn) == NULL)
            return NULL;
        break;
    case LG_NORM: {
        double p;
        int kind;
        if (arr_arg(c, args[0], a, fn, 1, 2) == NULL)
            return NULL;
        if (args[2] && !is_none(args[2]))
            return jp_error_at(JpUnsupportedError, c->ir, args[2], "loop over the rows or columns",
                               "np.linalg.norm(..., axis=) is not supported in jit code");
        if ((kind = const_bool(c, args[3], fn, "keepdims", 0)) != 0)
            return kind < 0 ? NULL : jp_error_at(JpUnsupportedError, c->ir, args[3], "wrap the result yourself",
                                                 "np.linalg.norm(..., keepdims=True) is not supported in jit code");
        kind = norm_ord(args[1], &p);
        if (kind < 0)
            return jp_error_at(JpTypingError, c->ir, args[1], "write the order literally: None, 1, 2, np.inf, 'fro'",
                               "np.linalg.norm() ord must be a constant in jit code");
        if (a->ndim == 1 && (kind == JP_NORM_FRO || kind == JP_NORM_NUC))
            return jp_error_at(JpTypingError, c->ir, args[1], NULL, "Invalid norm order '%s' for vectors",
                               kind == JP_NORM_FRO ? "fro" : "nuc");
        if (a->ndim == 2 && kind == JP_NORM_P && p != 1 && p != -1 && p != 2 && p != -2)
            return jp_error_at(JpTypingError, c->ir, args[1], NULL, "Invalid norm order for matrices.");
        if (!(kind == JP_NORM_NUC || (a->ndim == 2 && kind == JP_NORM_P && (p == 2 || p == -2))))
            r = LA__COUNT;      /* computed without LAPACK */
        t = work_of(a, NULL);
        if (r != LA__COUNT && (jp_lapack_load() < 0 || !jp_lapack_have(r)))
            goto missing;
        return jp_la_type(t, 1);
    }
    case LG_EIGH: case LG_EIGVALSH:
        if (arr_arg(c, args[0], a, fn, 2, 2) == NULL)
            return NULL;
        if (const_choice(c, args[1], fn, "UPLO", (const char *const[]){"L", "U", NULL}) < 0)
            return NULL;
        break;
    case LG_SVD:
        if (arr_arg(c, args[0], a, fn, 2, 2) == NULL || const_bool(c, args[1], fn, "full_matrices", 1) < 0
            || const_bool(c, args[2], fn, "compute_uv", 1) < 0 || const_bool(c, args[3], fn, "hermitian", 0) < 0)
            return NULL;
        if (const_bool(c, args[3], fn, "hermitian", 0))
            return jp_error_at(JpUnsupportedError, c->ir, args[3], "use np.linalg.eigh for a Hermitian matrix",
                               "np.linalg.svd(..., hermitian=True) is not supported in jit code");
        break;
    case LG_QR:
        if (arr_arg(c, args[0], a, fn, 2, 2) == NULL
            || const_choice(c, args[1], fn, "mode", (const char *const[]){"reduced", "complete", "r", NULL}) < 0)
            return NULL;
        break;
    case LG_CHOLESKY:
        if (arr_arg(c, args[0], a, fn, 2, 2) == NULL || const_bool(c, args[1], fn, "upper", 0) < 0)
            return NULL;
        break;
    case LG_PINV: case LG_MATRIX_RANK:
        if (arr_arg(c, args[0], a, fn, 2, 2) == NULL)
            return NULL;
        if (args[1] && !is_none(args[1]) && jp_lib_need_real(c, args[1], at[1], fn) == NULL)
            return NULL;
        if (const_bool(c, args[2], fn, "hermitian", 0) != 0)
            return const_bool(c, args[2], fn, "hermitian", 0) < 0 ? NULL
                   : jp_error_at(JpUnsupportedError, c->ir, args[2], NULL,
                                 "%s(..., hermitian=True) is not supported in jit code", qual(fn));
        break;
    case LG_MATRIX_POWER:
        if (arr_arg(c, args[0], a, fn, 2, 2) == NULL || jp_lib_need_int(c, args[1], at[1], fn) == NULL)
            return NULL;
        if (a->dtype->kind != JP_FLOAT && a->dtype->kind != JP_COMPLEX)
            return jp_error_at(JpUnsupportedError, c->ir, args[0], "convert it first: a.astype(np.float64)",
                               "np.linalg.matrix_power() of a %s matrix is not supported in jit code",
                               a->dtype->name);
        break;
    default:
        if (arr_arg(c, args[0], a, fn, 2, 2) == NULL)
            return NULL;
        break;
    }
    t = work_of(a, id == LG_SOLVE || id == LG_LSTSQ || id == LG_VDOT || id == LG_INNER ? b : NULL);
    if (jp_lapack_load() < 0)
        return NULL;
    if (r != LA__COUNT && (!jp_lapack_have(r) || (id == LG_QR && !jp_lapack_have(LA_GEQRF))
                           || (id == LG_MATRIX_POWER && !jp_lapack_have(LA_GEMM))
                           || ((id == LG_VDOT || id == LG_INNER) && !jp_lapack_have(LA_DOTU))
                           || (r == LA_GETRS && (!jp_lapack_have(LA_GETRF) || !jp_lapack_have(LA_GESV)))))
        goto missing;
    switch (id) {
    case LG_VDOT: case LG_INNER: {
        jp_type *dt = jp_np_promote(a->dtype, b->dtype);
        return jp_la_type(jp_la_work_type(dt), 0);
    }
    case LG_SOLVE: return arr(t, 0, b->ndim);
    case LG_INV: case LG_CHOLESKY: case LG_PINV: case LG_MATRIX_POWER: return arr(t, 0, 2);
    case LG_DET: return jp_la_type(t, 0);
    case LG_SLOGDET: return tuple(2, jp_la_type(t, 0), jp_la_type(t, 1), NULL, NULL);
    case LG_EIG: return tuple(2, arr(t, 0, 1), arr(t, 0, 2), NULL, NULL);
    case LG_EIGVALS: return arr(t, 0, 1);
    case LG_EIGH: return tuple(2, arr(t, 1, 1), arr(t, 0, 2), NULL, NULL);
    case LG_EIGVALSH: return arr(t, 1, 1);
    case LG_SVD:
        if (!const_bool(NULL, args[2], fn, "", 1))
            return arr(t, 1, 1);
        return tuple(3, arr(t, 0, 2), arr(t, 1, 1), arr(t, 0, 2), NULL);
    case LG_QR:
        if (const_choice(NULL, args[1], fn, "", (const char *const[]){"reduced", "complete", "r", NULL}) == 2)
            return arr(t, 0, 2);
        return tuple(2, arr(t, 0, 2), arr(t, 0, 2), NULL, NULL);
    case LG_LSTSQ: return tuple(4, arr(t, 0, b->ndim), arr(t, 1, 1), jp_type_int(64, 1), arr(t, 1, 1));
    case LG_MATRIX_RANK: return jp_type_int(64, 1);
    default: break;
    }
    return jp_error_at(JpTypingError, c->ir, call, NULL, "%s() is not supported in jit code", qual(fn));
missing: {
        char name[32];
        return jp_error_at(JpUnsupportedError, c->ir, call, "call it outside jit code (objmode), or install NumPy's "
                           "wheel, which bundles an ILP64 OpenBLAS",
                           "%s() needs LAPACK's %s with 64-bit integers, which %s does not export", qual(fn),
                           jp_lapack_name(r, JP_LA_D, name, sizeof name), jp_la.origin);
    }
}

/* ---- lowering ------------------------------------------------------------------------ */

static LLVMTypeRef
i32t(lctx *c)
{
    return LLVMInt32TypeInContext(c->ctx);
}

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMValueRef
i32(lctx *c, int v)
{
    return LLVMConstInt(i32t(c), (unsigned long long)(long long)v, 1);
}

static LLVMValueRef
data_of(lctx *c, LLVMValueRef arr)
{
    return jp_arr_field(c, arr, 2, 0);
}

static LLVMValueRef
alloc2(lctx *c, jp_type *t, LLVMValueRef d0, LLVMValueRef d1)
{
    LLVMValueRef sh[2] = {d0, d1};
    return jp_arr_alloc(c, t, sh);
}

static LLVMValueRef
alloc1(lctx *c, jp_type *t, LLVMValueRef d0)
{
    return jp_arr_alloc(c, t, &d0);
}

static LLVMValueRef
smin(lctx *c, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, a, b, ""), a, b, "");
}

static LLVMValueRef
make_tuple(lctx *c, jp_type *tt, LLVMValueRef *v)
{
    /* every field is filled: inserted below */
    LLVMValueRef r = LLVMGetUndef(jp_llvm_type(c->ctx, tt));
    for (int i = 0; i < tt->n; i++)
        r = LLVMBuildInsertValue(c->b, r, v[i], (unsigned)i, "");
    return r;
}

/* a real argument as a double, or dflt when absent/None */
static LLVMValueRef
real_or(lctx *c, jp_node *n, double dflt)
{
    if (is_none(n))
        return jp_const_f64(c, dflt);
    return jp_lib_arg(c, n, jp_type_float(64));
}

typedef struct outer_ctx {
    LLVMValueRef a, b, out;
    jp_type *ta, *tb, *rt;
} outer_ctx;

static void
outer_body(lctx *c, void *vctx, LLVMValueRef *idx)
{
    outer_ctx *o = vctx;
    jp_type *dt = o->rt->dtype;
    LLVMValueRef x = jp_cast(c, jp_arr_load(c, jp_arr_elem_ptr(c, o->a, o->ta, &idx[0], 1), o->ta->dtype),
                             o->ta->dtype, dt);
    LLVMValueRef y = jp_cast(c, jp_arr_load(c, jp_arr_elem_ptr(c, o->b, o->tb, &idx[1], 1), o->tb->dtype),
                             o->tb->dtype, dt);
    jp_arr_store(c, jp_arr_elem_ptr(c, o->out, o->rt, idx, 2), dt, jp_lower_binop(c, OP_MUL, x, dt, y, dt, dt, NULL));
}

static LLVMValueRef
lower_linalg(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    int id = fn->id;
    jp_type *rt = jp_node_type(c, call);
    jp_type *ta = jp_node_type(c, args[0]), *tb = NULL;
    LLVMValueRef a = jp_lower_expr(c, args[0]), b = NULL, av[24], out[4], rc;
    LLVMValueRef n0 = NULL, n1 = NULL;
    int k = 0, t;
    (void)nargs;
    if ((id == LG_SOLVE || id == LG_LSTSQ || id == LG_VDOT || id == LG_OUTER || id == LG_INNER)) {
        tb = jp_node_type(c, args[1]);
        b = jp_lower_expr(c, args[1]);
    }
    if (ta->ndim == 2) {
        n0 = jp_arr_field(c, a, 3, 0);
        n1 = jp_arr_field(c, a, 3, 1);
    }
    if (id == LG_OUTER) {
        outer_ctx o = {a, b, NULL, ta, tb, rt};
        LLVMValueRef ext[2] = {jp_arr_field(c, a, 3, 0), jp_arr_field(c, b, 3, 0)};
        o.out = jp_arr_alloc(c, rt, ext);
        jp_loop_nest(c, 2, ext, outer_body, &o);
        return o.out;
    }
    if (id == LG_VDOT || (id == LG_INNER && ta->ndim == 1 && tb->ndim == 1)) {
        jp_type *dt = rt;
        LLVMValueRef slot;
        if (dt->kind == JP_INT) {
            slot = jp_alloca(c, i64t(c), "vdot.out");
            av[k++] = slot;
            k += jp_la_operand(c, a, ta, 1, av + k);
            k += jp_la_operand(c, b, tb, 1, av + k);
            rc = jp_la_call(c, "jp_la_vdot_int", i32t(c), av, k);
            jp_la_check(c, rc, 0);
            return jp_cast(c, LLVMBuildLoad2(c->b, i64t(c), slot, ""), jp_type_int(64, 1), dt);
        }
        slot = jp_alloca(c, jp_llvm_type(c->ctx, dt), "vdot.out");
        av[k++] = i32(c, jp_la_work_type(dt));
        av[k++] = slot;
        k += jp_la_operand(c, a, ta, 1, av + k);
        k += jp_la_operand(c, b, tb, 1, av + k);
        av[k++] = i32(c, id == LG_VDOT);
        jp_la_check(c, jp_la_call(c, "jp_la_vdot", i32t(c), av, k), 0);
        return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, dt), slot, "");
    }
    if (id == LG_INNER) {       /* a @ b.T over the last axes */
        LLVMValueRef shape[2];
        int nd = 0;
        if (ta->ndim == 2)
            shape[nd++] = jp_arr_field(c, a, 3, 0);
        if (tb->ndim == 2)
            shape[nd++] = jp_arr_field(c, b, 3, 0);
        out[0] = nd ? jp_arr_alloc(c, rt, shape) : NULL;
        av[k++] = i32(c, jp_la_work_type(rt->dtype));
        av[k++] = data_of(c, out[0]);
        k += jp_la_operand(c, a, ta, 1, av + k);
        k += tb->ndim == 2 ? jp_la_operand_t(c, b, tb, av + k) : jp_la_operand(c, b, tb, 1, av + k);
        av[k++] = i32(c, 1);
        jp_la_check(c, jp_la_call(c, "jp_la_matmul", i32t(c), av, k), 0);
        return out[0];
    }
    t = work_of(ta, id == LG_SOLVE || id == LG_LSTSQ ? tb : NULL);     /* as typing chose it */
    switch (id) {
    case LG_SOLVE: case LG_INV: {
        jp_type *ot = rt;
        if (id == LG_SOLVE)
            out[0] = tb->ndim == 2 ? alloc2(c, ot, jp_arr_field(c, b, 3, 0), jp_arr_field(c, b, 3, 1))
                                   : alloc1(c, ot, jp_arr_field(c, b, 3, 0));
        else
            out[0] = alloc2(c, ot, n0, n1);
        av[k++] = i32(c, t);
        av[k++] = data_of(c, out[0]);
        k += jp_la_operand(c, a, ta, 0, av + k);
        if (id == LG_SOLVE) {
            k += jp_la_operand(c, b, tb, 1, av + k);
        } else {
            LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0);
            av[k++] = LLVMConstNull(ptr);
            av[k++] = i32(c, 0);
            av[k++] = jp_const_i64(c, 0);
            av[k++] = LLVMConstNull(ptr);
            av[k++] = LLVMConstNull(ptr);
        }
        jp_la_check(c, jp_la_call(c, "jp_la_solve", i32t(c), av, k), 1);
        return out[0];
    }
    case LG_DET: case LG_SLOGDET: {
        jp_type *st = jp_la_type(t, 0), *lt = jp_la_type(t, 1);
        LLVMValueRef ps = jp_alloca(c, jp_llvm_type(c->ctx, st), "det.sign");
        LLVMValueRef pl = jp_alloca(c, jp_llvm_type(c->ctx, lt), "det.log");
        av[k++] = i32(c, t);
        av[k++] = ps;
        av[k++] = pl;
        k += jp_la_operand(c, a, ta, 0, av + k);
        av[k++] = i32(c, id == LG_DET);
        jp_la_check(c, jp_la_call(c, "jp_la_det", i32t(c), av, k), 1);
        out[0] = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, st), ps, "");
        if (id == LG_DET)
            return out[0];
        out[1] = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, lt), pl, "");
        return make_tuple(c, rt, out);
    }
    case LG_NORM: {
        double p;
        int kind = norm_ord(args[1], &p);
        LLVMValueRef slot = jp_alloca(c, LLVMDoubleTypeInContext(c->ctx), "norm");
        av[k++] = i32(c, t);
        av[k++] = slot;
        k += jp_la_operand(c, a, ta, 1, av + k);
        av[k++] = i32(c, kind);
        av[k++] = jp_const_f64(c, p);
        jp_la_check(c, jp_la_call(c, "jp_la_norm", i32t(c), av, k), 1);
        return jp_cast(c, LLVMBuildLoad2(c->b, LLVMDoubleTypeInContext(c->ctx), slot, ""), jp_type_float(64), rt);
    }
    case LG_EIGH: case LG_EIGVALSH: case LG_EIG: case LG_EIGVALS: {
        int herm = id == LG_EIGH || id == LG_EIGVALSH, vecs = id == LG_EIGH || id == LG_EIG;
        jp_type *wt = vecs ? rt->elems[0] : rt;
        LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0);
        out[0] = alloc1(c, wt, n0);
        out[1] = vecs ? alloc2(c, rt->elems[1], n0, n0) : NULL;
        av[k++] = i32(c, t);
        av[k++] = data_of(c, out[0]);
        av[k++] = vecs ? data_of(c, out[1]) : LLVMConstNull(ptr);
        k += jp_la_operand(c, a, ta, 0, av + k);
        if (herm)
            av[k++] = i32(c, const_choice(NULL, args[1], fn, "", (const char *const[]){"L", "U", NULL}));
        jp_la_check(c, jp_la_call(c, herm ? "jp_la_eigh" : "jp_la_eig", i32t(c), av, k), 1);
        return vecs ? make_tuple(c, rt, out) : out[0];
    }
    case LG_SVD: {
        int full = const_bool(NULL, args[1], fn, "", 1), uv = const_bool(NULL, args[2], fn, "", 1);
        LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0);
        LLVMValueRef kk = smin(c, n0, n1);
        t = work_of(ta, NULL);
        out[1] = alloc1(c, arr(t, 1, 1), kk);
        if (uv) {
            out[0] = alloc2(c, arr(t, 0, 2), n0, full ? n0 : kk);
            out[2] = alloc2(c, arr(t, 0, 2), full ? n1 : kk, n1);
        }
        av[k++] = i32(c, t);
        av[k++] = uv ? data_of(c, out[0]) : LLVMConstNull(ptr);
        av[k++] = data_of(c, out[1]);
        av[k++] = uv ? data_of(c, out[2]) : LLVMConstNull(ptr);
        k += jp_la_operand(c, a, ta, 0, av + k);
        av[k++] = i32(c, full);
        av[k++] = i32(c, uv);
        jp_la_check(c, jp_la_call(c, "jp_la_svd", i32t(c), av, k), 1);
        return uv ? make_tuple(c, rt, out) : out[1];
    }
    case LG_QR: {
        int mode = const_choice(NULL, args[1], fn, "", (const char *const[]){"reduced", "complete", "r", NULL});
        LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0);
        LLVMValueRef kk = smin(c, n0, n1);
        t = work_of(ta, NULL);
        if (mode != 2)
            out[0] = alloc2(c, arr(t, 0, 2), n0, mode == 1 ? n0 : kk);
        out[1] = alloc2(c, arr(t, 0, 2), mode == 1 ? n0 : kk, n1);
        av[k++] = i32(c, t);
        av[k++] = mode != 2 ? data_of(c, out[0]) : LLVMConstNull(ptr);
        av[k++] = data_of(c, out[1]);
        k += jp_la_operand(c, a, ta, 0, av + k);
        av[k++] = i32(c, mode == 1);
        jp_la_check(c, jp_la_call(c, "jp_la_qr", i32t(c), av, k), 1);
        return mode == 2 ? out[1] : make_tuple(c, rt, out);
    }
    case LG_CHOLESKY:
        out[0] = alloc2(c, rt, n0, n1);
        av[k++] = i32(c, t);
        av[k++] = data_of(c, out[0]);
        k += jp_la_operand(c, a, ta, 0, av + k);
        av[k++] = i32(c, const_bool(NULL, args[1], fn, "", 0));
        jp_la_check(c, jp_la_call(c, "jp_la_cholesky", i32t(c), av, k), 1);
        return out[0];
    case LG_LSTSQ: {
        LLVMValueRef nres = jp_alloca(c, i64t(c), "lstsq.nres"), rank = jp_alloca(c, i64t(c), "lstsq.rank");
        LLVMValueRef nrhs = tb->ndim == 2 ? jp_arr_field(c, b, 3, 1) : jp_const_i64(c, 1), cnt, shape;
        out[0] = tb->ndim == 2 ? alloc2(c, rt->elems[0], n1, nrhs) : alloc1(c, rt->elems[0], n1);
        out[1] = alloc1(c, rt->elems[1], nrhs);
        out[3] = alloc1(c, rt->elems[3], smin(c, n0, n1));
        av[k++] = i32(c, t);
        av[k++] = data_of(c, out[0]);
        av[k++] = data_of(c, out[1]);
        av[k++] = nres;
        av[k++] = rank;
        av[k++] = data_of(c, out[3]);
        k += jp_la_operand(c, a, ta, 0, av + k);
        k += jp_la_operand(c, b, tb, 1, av + k);
        av[k++] = real_or(c, args[2], -1.0);
        jp_la_check(c, jp_la_call(c, "jp_la_lstsq", i32t(c), av, k), 1);
        /* residuals: empty unless the rank is full and m > n */
        cnt = LLVMBuildLoad2(c->b, i64t(c), nres, "");
        shape = LLVMBuildExtractValue(c->b, out[1], 3, "");
        shape = LLVMBuildInsertValue(c->b, shape, cnt, 0, "");
        out[1] = LLVMBuildInsertValue(c->b, out[1], shape, 3, "");
        out[2] = LLVMBuildLoad2(c->b, i64t(c), rank, "");
        return make_tuple(c, rt, out);
    }
    case LG_PINV:
        out[0] = alloc2(c, rt, n1, n0);
        av[k++] = i32(c, t);
        av[k++] = data_of(c, out[0]);
        k += jp_la_operand(c, a, ta, 0, av + k);
        av[k++] = real_or(c, args[1], 1e-15);
        jp_la_check(c, jp_la_call(c, "jp_la_pinv", i32t(c), av, k), 1);
        return out[0];
    case LG_MATRIX_RANK: {
        LLVMValueRef slot = jp_alloca(c, i64t(c), "rank");
        av[k++] = i32(c, work_of(ta, NULL));
        av[k++] = slot;
        k += jp_la_operand(c, a, ta, 0, av + k);
        av[k++] = real_or(c, args[1], -1.0);
        jp_la_check(c, jp_la_call(c, "jp_la_matrix_rank", i32t(c), av, k), 1);
        return LLVMBuildLoad2(c->b, i64t(c), slot, "");
    }
    case LG_MATRIX_POWER:
        out[0] = alloc2(c, rt, n0, n1);
        av[k++] = i32(c, t);
        av[k++] = data_of(c, out[0]);
        k += jp_la_operand(c, a, ta, 0, av + k);
        av[k++] = jp_lib_arg(c, args[1], jp_type_int(64, 1));
        jp_la_check(c, jp_la_call(c, "jp_la_matrix_power", i32t(c), av, k), 1);
        return out[0];
    default:
        break;
    }
    return jp_lower_unhandled(c, jp_llvm_type(c->ctx, rt), "%s()", qual(fn));
}

const jp_lib_fn jp_lib_np_linalg[] = {
    {"numpy.linalg", "solve", "a, b", 2, 2, type_linalg, lower_linalg, LG_SOLVE, RW_NONE},
    {"numpy.linalg", "inv", "a", 1, 1, type_linalg, lower_linalg, LG_INV, RW_NONE},
    {"numpy.linalg", "det", "a", 1, 1, type_linalg, lower_linalg, LG_DET, RW_NONE},
    {"numpy.linalg", "slogdet", "a", 1, 1, type_linalg, lower_linalg, LG_SLOGDET, RW_NONE},
    {"numpy.linalg", "norm", "x, ord, axis, keepdims", 1, 4, type_linalg, lower_linalg, LG_NORM, RW_NONE},
    {"numpy.linalg", "eig", "a", 1, 1, type_linalg, lower_linalg, LG_EIG, RW_NONE},
    {"numpy.linalg", "eigvals", "a", 1, 1, type_linalg, lower_linalg, LG_EIGVALS, RW_NONE},
    {"numpy.linalg", "eigh", "a, UPLO", 1, 2, type_linalg, lower_linalg, LG_EIGH, RW_NONE},
    {"numpy.linalg", "eigvalsh", "a, UPLO", 1, 2, type_linalg, lower_linalg, LG_EIGVALSH, RW_NONE},
    {"numpy.linalg", "svd", "a, full_matrices, compute_uv, hermitian", 1, 4, type_linalg, lower_linalg, LG_SVD,
     RW_NONE},
    {"numpy.linalg", "qr", "a, mode", 1, 2, type_linalg, lower_linalg, LG_QR, RW_NONE},
    {"numpy.linalg", "cholesky", "a, upper", 1, 1, type_linalg, lower_linalg, LG_CHOLESKY, RW_NONE},
    {"numpy.linalg", "lstsq", "a, b, rcond", 2, 3, type_linalg, lower_linalg, LG_LSTSQ, RW_NONE},
    {"numpy.linalg", "pinv", "a, rcond, hermitian", 1, 3, type_linalg, lower_linalg, LG_PINV, RW_NONE},
    {"numpy.linalg", "matrix_rank", "A, tol, hermitian", 1, 3, type_linalg, lower_linalg, LG_MATRIX_RANK, RW_NONE},
    {"numpy.linalg", "matrix_power", "a, n", 2, 2, type_linalg, lower_linalg, LG_MATRIX_POWER, RW_NONE},
    {"numpy", "vdot", "a, b", 2, 2, type_linalg, lower_linalg, LG_VDOT, RW_NONE},
    {"numpy", "outer", "a, b, out", 2, 3, type_linalg, lower_linalg, LG_OUTER, RW_NONE},
    {"numpy", "inner", "a, b", 2, 2, type_linalg, lower_linalg, LG_INNER, RW_NONE},
    /* not supported: an UnsupportedError at the call, the params field is the alternative */
#define NO(name, instead) {"numpy.linalg", name, instead, 0, 0, NULL, NULL, 0, RW_NONE}
    NO("multi_dot", "chain the products: a @ b @ c"),
    NO("cond", "s = np.linalg.svd(a, compute_uv=False); s[0] / s[-1]"),
    NO("tensorsolve", "reshape to a matrix and use np.linalg.solve"),
    NO("tensorinv", "reshape to a matrix and use np.linalg.inv"),
    NO("svdvals", "np.linalg.svd(a, compute_uv=False)"),
    NO("matrix_norm", "np.linalg.norm(a, ord)"),
    NO("vector_norm", "np.linalg.norm(x, ord)"),
    NO("matmul", "a @ b"),
    NO("vecdot", "np.vdot(a, b) for 1-d arrays"),
    NO("outer", "np.outer(a, b)"),
    NO("cross", "write the three components out"),
    NO("tensordot", "a @ b on reshaped arrays"),
    NO("diagonal", "a loop: a[i, i]"),
    NO("trace", "a loop: sum of a[i, i]"),
#undef NO
};
const int jp_lib_np_linalg_count = (int)(sizeof jp_lib_np_linalg / sizeof jp_lib_np_linalg[0]);
