/* jit/lower_math.c - calls to math, cmath and the builtins abs, min, max,
 * int, float, complex, bool, round, pow, divmod, len and print.
 *
 * math functions call the same libm that CPython's math module calls and
 * apply CPython's checks (math_1/math_2): a NaN from a non-NaN argument is
 * "math domain error", an infinity from finite arguments is "math range
 * error" or a domain error.  cmath goes through runtime.c.
 */
#include "jit/lib_str.h"
#include "jit/lower.h"
#include "jit/resolve.h"
#include "jit/dict.h"
#include "jit/lower_math.h"
#include "jit/errors.h"

#include <string.h>

enum { CHK_NONE, CHK_DOMAIN, CHK_OVERFLOW };

static const jp_math_fn math_table[] = {
    {"math", "sqrt", 1, 1, MR_FLOAT, "sqrt", CHK_DOMAIN},
    {"math", "exp", 1, 1, MR_FLOAT, "exp", CHK_OVERFLOW},
    {"math", "exp2", 1, 1, MR_FLOAT, "exp2", CHK_OVERFLOW},
    {"math", "expm1", 1, 1, MR_FLOAT, "expm1", CHK_OVERFLOW},
    {"math", "log", 1, 2, MR_FLOAT, "log", CHK_DOMAIN},
    {"math", "log2", 1, 1, MR_FLOAT, "log2", CHK_DOMAIN},
    {"math", "log10", 1, 1, MR_FLOAT, "log10", CHK_DOMAIN},
    {"math", "log1p", 1, 1, MR_FLOAT, "log1p", CHK_DOMAIN},
    {"math", "sin", 1, 1, MR_FLOAT, "sin", CHK_DOMAIN},
    {"math", "cos", 1, 1, MR_FLOAT, "cos", CHK_DOMAIN},
    {"math", "tan", 1, 1, MR_FLOAT, "tan", CHK_DOMAIN},
    {"math", "asin", 1, 1, MR_FLOAT, "asin", CHK_DOMAIN},
    {"math", "acos", 1, 1, MR_FLOAT, "acos", CHK_DOMAIN},
    {"math", "atan", 1, 1, MR_FLOAT, "atan", CHK_DOMAIN},
    {"math", "atan2", 2, 2, MR_FLOAT, "atan2", CHK_DOMAIN},
    {"math", "sinh", 1, 1, MR_FLOAT, "sinh", CHK_OVERFLOW},
    {"math", "cosh", 1, 1, MR_FLOAT, "cosh", CHK_OVERFLOW},
    {"math", "tanh", 1, 1, MR_FLOAT, "tanh", CHK_DOMAIN},
    {"math", "asinh", 1, 1, MR_FLOAT, "asinh", CHK_DOMAIN},
    {"math", "acosh", 1, 1, MR_FLOAT, "acosh", CHK_DOMAIN},
    {"math", "atanh", 1, 1, MR_FLOAT, "atanh", CHK_DOMAIN},
    {"math", "erf", 1, 1, MR_FLOAT, "erf", CHK_NONE},
    {"math", "erfc", 1, 1, MR_FLOAT, "erfc", CHK_NONE},
    {"math", "gamma", 1, 1, MR_FLOAT, "tgamma", CHK_OVERFLOW},
    {"math", "lgamma", 1, 1, MR_FLOAT, "lgamma", CHK_OVERFLOW},
    {"math", "cbrt", 1, 1, MR_FLOAT, "cbrt", CHK_NONE},
    {"math", "fabs", 1, 1, MR_FLOAT, NULL, CHK_NONE},
    {"math", "floor", 1, 1, MR_INT, NULL, CHK_NONE},
    {"math", "ceil", 1, 1, MR_INT, NULL, CHK_NONE},
    {"math", "trunc", 1, 1, MR_INT, NULL, CHK_NONE},
    {"math", "isnan", 1, 1, MR_BOOL, NULL, CHK_NONE},
    {"math", "isinf", 1, 1, MR_BOOL, NULL, CHK_NONE},
    {"math", "isfinite", 1, 1, MR_BOOL, NULL, CHK_NONE},
    {"math", "copysign", 2, 2, MR_FLOAT, NULL, CHK_NONE},
    {"math", "hypot", 2, 2, MR_FLOAT, "hypot", CHK_OVERFLOW},
    {"math", "fmod", 2, 2, MR_FLOAT, "fmod", CHK_DOMAIN},
    {"math", "pow", 2, 2, MR_FLOAT, "pow", CHK_OVERFLOW},
    {"math", "degrees", 1, 1, MR_FLOAT, NULL, CHK_NONE},
    {"math", "radians", 1, 1, MR_FLOAT, NULL, CHK_NONE},
    /* cmath: computed by jp_rt_cmath (runtime.c), by index from CMATH_FIRST */
    {"cmath", "sqrt", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "exp", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "log", 1, 2, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "log10", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "sin", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "cos", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "tan", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "asin", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "acos", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "atan", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "sinh", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "cosh", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "tanh", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "asinh", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "acosh", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "atanh", 1, 1, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "phase", 1, 1, MR_FLOAT, NULL, CHK_NONE},
    {"cmath", "polar", 1, 1, MR_FLOAT_PAIR, NULL, CHK_NONE},
    {"cmath", "rect", 2, 2, MR_COMPLEX, NULL, CHK_NONE},
    {"cmath", "isnan", 1, 1, MR_BOOL, NULL, CHK_NONE},
    {"cmath", "isinf", 1, 1, MR_BOOL, NULL, CHK_NONE},
    {"cmath", "isfinite", 1, 1, MR_BOOL, NULL, CHK_NONE},
};

#define N_MATH ((int)(sizeof math_table / sizeof math_table[0]))

static PyObject *math_objects;      /* function object -> index */

static int
math_objects_init(void)
{
    math_objects = PyDict_New();
    if (math_objects == NULL)
        return -1;
    for (int i = 0; i < N_MATH; i++) {
        PyObject *mod = PyImport_ImportModule(math_table[i].module), *fn, *idx;
        if (mod == NULL)
            return -1;
        fn = PyObject_GetAttrString(mod, math_table[i].name);
        Py_DECREF(mod);
        if (fn == NULL) {       /* e.g. math.cbrt before 3.11 */
            PyErr_Clear();
            continue;
        }
        idx = PyLong_FromLong(i);
        if (idx == NULL || PyDict_SetItem(math_objects, fn, idx) < 0) {
            Py_XDECREF(idx);
            Py_DECREF(fn);
            return -1;
        }
        Py_DECREF(idx);
        Py_DECREF(fn);
    }
    return 0;
}

int
jp_math_lookup(PyObject *func, int *is_cmath)
{
    PyObject *idx;
    *is_cmath = 0;
    if (math_objects == NULL && math_objects_init() < 0)
        return -1;
    if (!PyCFunction_Check(func))
        return -1;
    idx = PyDict_GetItemWithError(math_objects, func);
    if (idx == NULL)
        return -1;
    {
        int i = (int)PyLong_AsLong(idx);
        *is_cmath = strcmp(math_table[i].module, "cmath") == 0;
        return i;
    }
}

const jp_math_fn *
jp_math_get(int index)
{
    return &math_table[index];
}

static int
cmath_index(const jp_math_fn *fn)
{
    static int first = -1;
    if (first < 0)
        for (int i = 0; i < N_MATH && first < 0; i++)
            if (strcmp(math_table[i].module, "cmath") == 0)
                first = i;
    return (int)(fn - math_table) - first;
}

static LLVMTypeRef
f64t(lctx *c)
{
    return LLVMDoubleTypeInContext(c->ctx);
}

static LLVMValueRef
intr(lctx *c, const char *name, LLVMValueRef *args, int nargs)
{
    char full[64];
    snprintf(full, sizeof full, "llvm.%s.f64", name);
    return jp_call_extern(c, full, f64t(c), args, nargs);
}

static LLVMValueRef
is_nan(lctx *c, LLVMValueRef v)
{
    return LLVMBuildFCmp(c->b, LLVMRealUNO, v, v, "");
}

static LLVMValueRef
is_finite(lctx *c, LLVMValueRef v)
{
    return LLVMBuildFCmp(c->b, LLVMRealOLT, intr(c, "fabs", &v, 1), jp_const_f64(c, __builtin_inf()), "");
}

static LLVMValueRef
is_inf(lctx *c, LLVMValueRef v)
{
    return LLVMBuildFCmp(c->b, LLVMRealOEQ, intr(c, "fabs", &v, 1), jp_const_f64(c, __builtin_inf()), "");
}

/* CPython's math_1 / math_2 checks on r computed from args. */
static void
math_checks(lctx *c, int check, LLVMValueRef r, LLVMValueRef *args, int nargs)
{
    LLVMValueRef any_nan = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0);
    LLVMValueRef all_finite = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0);
    if (check == CHK_NONE || (c->opts && c->opts->error_model_numpy))
        return;
    for (int i = 0; i < nargs; i++) {
        any_nan = LLVMBuildOr(c->b, any_nan, is_nan(c, args[i]), "");
        all_finite = LLVMBuildAnd(c->b, all_finite, is_finite(c, args[i]), "");
    }
    jp_check(c, LLVMBuildAnd(c->b, is_nan(c, r), LLVMBuildNot(c->b, any_nan, ""), ""),
             PyExc_ValueError, jp_errtext_get(ERR_MATH_DOMAIN));
    jp_check(c, LLVMBuildAnd(c->b, is_inf(c, r), all_finite, ""),
             check == CHK_OVERFLOW ? PyExc_OverflowError : PyExc_ValueError,
             jp_errtext_get(check == CHK_OVERFLOW ? ERR_MATH_RANGE : ERR_MATH_DOMAIN));
}

static LLVMValueRef
lower_cmath(lctx *c, jp_node *n, const jp_math_fn *fn)
{
    jp_type *c128 = jp_type_complex(128), *f64 = jp_type_float(64);
    LLVMTypeRef ct = jp_llvm_type(c->ctx, c128);
    LLVMValueRef in = jp_alloca(c, ct, "cin"), in2 = jp_alloca(c, ct, "cin2"), out = jp_alloca(c, ct, "cout");
    LLVMValueRef args[5], status;
    jp_node *a0 = n->u.call.args[0];
    LLVMValueRef v0 = jp_lower_expr(c, a0);

    if (strcmp(fn->name, "rect") == 0) {
        jp_node *a1 = n->u.call.args[1];
        LLVMValueRef r = jp_cast(c, v0, jp_node_type(c, a0), f64);
        LLVMValueRef phi = jp_cast(c, jp_lower_expr(c, a1), jp_node_type(c, a1), f64);
        LLVMValueRef re = LLVMBuildFMul(c->b, r, intr(c, "cos", &phi, 1), "");
        LLVMValueRef im = LLVMBuildFMul(c->b, r, intr(c, "sin", &phi, 1), "");
        return jp_make_complex(c, c128, re, im);
    }
    LLVMBuildStore(c->b, jp_cast(c, v0, jp_node_type(c, a0), c128), in);
    if (n->u.call.nargs == 2) {
        jp_node *a1 = n->u.call.args[1];
        LLVMBuildStore(c->b, jp_cast(c, jp_lower_expr(c, a1), jp_node_type(c, a1), c128), in2);
    }
    args[0] = LLVMConstInt(LLVMInt32TypeInContext(c->ctx), (unsigned long long)cmath_index(fn), 0);
    args[1] = in;
    args[2] = n->u.call.nargs == 2 ? in2 : LLVMConstNull(LLVMPointerTypeInContext(c->ctx, 0));
    args[3] = out;
    status = jp_call_extern(c, "jp_rt_cmath", LLVMInt32TypeInContext(c->ctx), args, 4);
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, status, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 1, 0), ""),
             PyExc_ValueError, jp_errtext_get(ERR_MATH_DOMAIN));
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, status, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 2, 0), ""),
             PyExc_OverflowError, jp_errtext_get(ERR_MATH_RANGE));
    {
        LLVMValueRef r = LLVMBuildLoad2(c->b, ct, out, "");
        switch (fn->result) {
        case MR_FLOAT: return LLVMBuildExtractValue(c->b, r, 0, "");
        case MR_BOOL:
            return LLVMBuildFCmp(c->b, LLVMRealONE, LLVMBuildExtractValue(c->b, r, 0, ""), jp_const_f64(c, 0.0), "");
        case MR_FLOAT_PAIR: return r;   /* {double, double} has the tuple's layout */
        default: return r;
        }
    }
}

static int input_check(lctx *c, const char *name, LLVMValueRef x, LLVMValueRef r);

LLVMValueRef
jp_lower_math_call(lctx *c, jp_node *n)
{
    const jp_math_fn *fn = jp_math_get(n->u.call.func->u.callee.id);
    jp_type *f64 = jp_type_float(64);
    LLVMValueRef args[2], r;
    const char *name = fn->name;

    if (strcmp(fn->module, "cmath") == 0)
        return lower_cmath(c, n, fn);
    for (int i = 0; i < n->u.call.nargs; i++) {
        jp_node *an = n->u.call.args[i];
        jp_type *at = jp_node_type(c, an);
        LLVMValueRef v = jp_lower_expr(c, an);
        if (fn->result == MR_INT && (at->kind == JP_INT || at->kind == JP_BOOL))
            return jp_cast(c, v, at, jp_type_int(64, 1));      /* floor(int) is the int */
        args[i] = jp_cast(c, v, at, f64);
    }
    if (strcmp(name, "fabs") == 0)
        return intr(c, "fabs", args, 1);
    if (strcmp(name, "copysign") == 0)
        return intr(c, "copysign", args, 2);
    if (strcmp(name, "isnan") == 0)
        return is_nan(c, args[0]);
    if (strcmp(name, "isinf") == 0)
        return is_inf(c, args[0]);
    if (strcmp(name, "isfinite") == 0)
        return is_finite(c, args[0]);
    if (strcmp(name, "degrees") == 0)
        return LLVMBuildFMul(c->b, args[0], jp_const_f64(c, 180.0 / 3.141592653589793), "");
    if (strcmp(name, "radians") == 0)
        return LLVMBuildFMul(c->b, args[0], jp_const_f64(c, 3.141592653589793 / 180.0), "");
    if (fn->result == MR_INT) {
        r = intr(c, name, args, 1);
        return jp_lower_float_to_int(c, r, f64);
    }
    if (strcmp(name, "sqrt") == 0) {
        r = intr(c, "sqrt", args, 1);
    } else if (strcmp(name, "log") == 0 && n->u.call.nargs == 2) {
        LLVMValueRef num = jp_call_extern(c, "log", f64t(c), &args[0], 1);
        LLVMValueRef den = jp_call_extern(c, "log", f64t(c), &args[1], 1);
        math_checks(c, CHK_DOMAIN, num, &args[0], 1);
        math_checks(c, CHK_DOMAIN, den, &args[1], 1);
        if (!(c->opts && c->opts->error_model_numpy))
            jp_check(c, LLVMBuildFCmp(c->b, LLVMRealOEQ, den, jp_const_f64(c, 0.0), ""),
                     PyExc_ZeroDivisionError, jp_errtext_get(ERR_FLOAT_TRUEDIV_ZERO));
        return LLVMBuildFDiv(c->b, num, den, "");
    } else if (strcmp(name, "pow") == 0) {
        r = jp_call_extern(c, "pow", f64t(c), args, 2);
        /* not rewritten as exp2(n * y) for a base 2**n (see lower_ops.c) */
        LLVMAddCallSiteAttribute(r, LLVMAttributeFunctionIndex,
                                 LLVMCreateEnumAttribute(c->ctx, LLVMGetEnumAttributeKindForName("nobuiltin", 9), 0));
        if (!(c->opts && c->opts->error_model_numpy)) {
            /* math.pow: 0 ** negative and negative ** fraction are domain errors */
            LLVMValueRef fl = intr(c, "floor", &args[1], 1);
            LLVMValueRef zero = jp_const_f64(c, 0.0);
            jp_check(c, LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealOEQ, args[0], zero, ""),
                                     LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealOLT, args[1], zero, ""),
                                                  is_finite(c, args[1]), ""), ""),
                     PyExc_ValueError, jp_errtext_get(ERR_MATH_DOMAIN));
            jp_check(c, LLVMBuildAnd(c->b, LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealOLT, args[0], zero, ""),
                                                       is_finite(c, args[0]), ""),
                                     LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealONE, fl, args[1], ""),
                                                  is_finite(c, args[1]), ""), ""),
                     PyExc_ValueError, jp_errtext_get(ERR_MATH_DOMAIN));
        }
    } else {
        r = jp_call_extern(c, fn->libm, f64t(c), args, n->u.call.nargs);
    }
    if (!(c->opts && c->opts->error_model_numpy) && n->u.call.nargs == 1 && input_check(c, name, args[0], r))
        return r;
    if (!(c->opts && c->opts->error_model_numpy)
        && (strcmp(name, "gamma") == 0 || strcmp(name, "lgamma") == 0)) {
        /* a pole (0, -0 or a negative integer) is a domain error in CPython
         * (m_tgamma/m_lgamma set EDOM), not the range error below */
        LLVMValueRef fl = intr(c, "floor", &args[0], 1);
        jp_check(c, LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealOLE, args[0], jp_const_f64(c, 0.0), ""),
                                 LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealOEQ, fl, args[0], ""),
                                              is_finite(c, args[0]), ""), ""),
                 PyExc_ValueError, jp_errtext_get(ERR_MATH_DOMAIN));
    }
    math_checks(c, fn->check, r, args, n->u.call.nargs);
    return r;
}

/* The same errors as math_checks() for the hottest functions, tested on the
 * argument with one compare (the result's NaN/inf tests cost more and
 * serialise the loop on the call).  Returns 1 when it handled `name`. */
static int
input_check(lctx *c, const char *name, LLVMValueRef x, LLVMValueRef r)
{
    LLVMValueRef zero = jp_const_f64(c, 0.0), inf = jp_const_f64(c, __builtin_inf());
    if (strcmp(name, "sqrt") == 0) {
        jp_check(c, LLVMBuildFCmp(c->b, LLVMRealOLT, x, zero, ""), PyExc_ValueError, jp_errtext_get(ERR_MATH_DOMAIN));
        return 1;
    }
    if (strcmp(name, "log") == 0 || strcmp(name, "log2") == 0 || strcmp(name, "log10") == 0) {
        jp_check(c, LLVMBuildFCmp(c->b, LLVMRealOLE, x, zero, ""), PyExc_ValueError, jp_errtext_get(ERR_MATH_DOMAIN));
        return 1;
    }
    if (strcmp(name, "exp") == 0 || strcmp(name, "expm1") == 0) {
        jp_check(c, LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealOEQ, r, inf, ""),
                                 LLVMBuildFCmp(c->b, LLVMRealOLT, x, inf, ""), ""),
                 PyExc_OverflowError, jp_errtext_get(ERR_MATH_RANGE));
        return 1;
    }
    return 0;
}

/* ---- builtins ---------------------------------------------------------------- */

static LLVMValueRef
lower_minmax(lctx *c, jp_node *n, int is_max)
{
    jp_type *t = jp_node_type(c, n);
    LLVMValueRef vals[64], best;
    jp_type *types[64];
    int count;

    if (n->u.call.nargs == 1) {
        jp_node *an = n->u.call.args[0];
        jp_type *tt = jp_node_type(c, an);
        LLVMValueRef tv = jp_lower_expr(c, an);
        count = tt->n;
        for (int i = 0; i < count; i++) {
            vals[i] = LLVMBuildExtractValue(c->b, tv, (unsigned)i, "");
            types[i] = tt->elems[i];
        }
    } else {
        count = n->u.call.nargs;
        for (int i = 0; i < count; i++) {
            vals[i] = jp_lower_expr(c, n->u.call.args[i]);
            types[i] = jp_node_type(c, n->u.call.args[i]);
        }
    }
    /* Python: best = first; for v in rest: if v < best (or >): best = v */
    best = jp_cast(c, vals[0], types[0], t);
    for (int i = 1; i < count; i++) {
        LLVMValueRef v = jp_cast(c, vals[i], types[i], t);
        LLVMValueRef better = jp_lower_compare(c, is_max ? CMP_GT : CMP_LT, v, t, best, t);
        best = LLVMBuildSelect(c->b, better, v, best, "");
    }
    return best;
}

static LLVMValueRef print_value(lctx *c, LLVMValueRef v, jp_type *t);

static void
print_item(lctx *c, void *ctx, LLVMValueRef v, jp_type *t)
{
    (void)ctx;
    print_value(c, v, t);
}

static LLVMValueRef
print_value(lctx *c, LLVMValueRef v, jp_type *t)
{
    LLVMTypeRef vt = LLVMVoidTypeInContext(c->ctx);
    switch (t->kind) {
    case JP_BOOL:
        return jp_call_extern(c, "jp_rt_print_bool", vt, (LLVMValueRef[]){LLVMBuildZExt(c->b, v, LLVMInt32TypeInContext(c->ctx), "")}, 1);
    case JP_INT:
        if (!t->is_signed && t->bits == 64)
            return jp_call_extern(c, "jp_rt_print_u64", vt, &v, 1);
        v = jp_cast(c, v, t, jp_type_int(64, 1));
        return jp_call_extern(c, "jp_rt_print_i64", vt, &v, 1);
    case JP_FLOAT:
        v = jp_cast(c, v, t, jp_type_float(64));
        return jp_call_extern(c, "jp_rt_print_f64", vt, &v, 1);
    case JP_COMPLEX: {
        LLVMValueRef parts[2];
        v = jp_cast(c, v, t, jp_type_complex(128));
        parts[0] = LLVMBuildExtractValue(c->b, v, 0, "");
        parts[1] = LLVMBuildExtractValue(c->b, v, 1, "");
        return jp_call_extern(c, "jp_rt_print_c128", vt, parts, 2);
    }
    case JP_TUPLE: {
        LLVMValueRef nv = LLVMConstInt(LLVMInt32TypeInContext(c->ctx), (unsigned long long)t->n, 0);
        jp_call_extern(c, "jp_rt_print_tuple_begin", vt, &nv, 1);
        for (int i = 0; i < t->n; i++)
            print_value(c, LLVMBuildExtractValue(c->b, v, (unsigned)i, ""), t->elems[i]);
        return jp_call_extern(c, "jp_rt_print_tuple_end", vt, NULL, 0);
    }
    case JP_STR:
        jp_lower_str_print(c, v);      /* lower_str.c */
        return NULL;
    case JP_LIST: {
        LLVMValueRef nv = LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 0, 0);
        jp_call_extern(c, "jp_rt_print_tuple_begin", vt, &nv, 1);
        jp_list_each(c, v, t, print_item, NULL);        /* lower_list.c */
        return jp_call_extern(c, "jp_rt_print_list_end", vt, NULL, 0);
    }
    case JP_OPTIONAL: {     /* None or the value (lower_optional.c) */
        LLVMBasicBlockRef some = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "print.some");
        LLVMBasicBlockRef none = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "print.none");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "print.done");
        LLVMBuildCondBr(c->b, LLVMBuildExtractValue(c->b, v, 0, ""), some, none);
        LLVMPositionBuilderAtEnd(c->b, some);
        print_value(c, LLVMBuildExtractValue(c->b, v, 1, ""), t->dtype);
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, none);
        jp_call_extern(c, "jp_rt_print_none", vt, NULL, 0);
        LLVMBuildBr(c->b, done);
        LLVMPositionBuilderAtEnd(c->b, done);
        return NULL;
    }
    default:
        return jp_call_extern(c, "jp_rt_print_none", vt, NULL, 0);
    }
}

static LLVMValueRef
lower_print(lctx *c, jp_node *n)
{
    LLVMTypeRef vt = LLVMVoidTypeInContext(c->ctx);
    LLVMValueRef *vals = calloc((size_t)n->u.call.nargs + 1, sizeof *vals);
    /* evaluate the arguments first: printing must not interleave with a raise */
    for (int i = 0; i < n->u.call.nargs; i++)
        if (n->u.call.args[i]->kind != E_STR)
            vals[i] = jp_lower_expr(c, n->u.call.args[i]);
    jp_call_extern(c, "jp_rt_print_begin", vt, NULL, 0);
    for (int i = 0; i < n->u.call.nargs; i++) {
        jp_node *an = n->u.call.args[i];
        if (an->kind == E_STR) {
            LLVMValueRef p = jp_module_string(c, an->u.str.text);
            jp_call_extern(c, "jp_rt_print_str", vt, &p, 1);
        } else {
            print_value(c, vals[i], jp_node_type(c, an));
        }
    }
    jp_call_extern(c, "jp_rt_print_end", vt, NULL, 0);
    free(vals);
    return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
}

LLVMValueRef
jp_lower_builtin_call(lctx *c, jp_node *n)
{
    jp_builtin id = (jp_builtin)n->u.call.func->u.callee.id;
    jp_type *t = jp_node_type(c, n);
    jp_node **an = n->u.call.args;
    int nargs = n->u.call.nargs;
    LLVMValueRef a, b;
    jp_type *ta, *tb;

    if (id == B_PRINT)
        return lower_print(c, n);
    if (jp_is_str_builtin(id) || ((id == B_INT || id == B_FLOAT) && nargs >= 1
                                  && jp_node_type(c, an[0])->kind == JP_STR))
        return jp_lower_str_builtin(c, n, id);     /* lower_str.c */
    if (id == B_DICT || id == B_HASH)
        return jp_lower_dict_builtin(c, n, id);        /* lower_dict.c */
    if (id == B_SET)
        return jp_lower_set_builtin(c, n);             /* lower_set.c */
    if (id >= B_LIST)
        return jp_lower_iter_builtin(c, n, id);        /* lib_iter.c */
    if ((id == B_MIN || id == B_MAX) && nargs == 1
        && (jp_is_iter_call(an[0]) || jp_node_type(c, an[0])->kind != JP_TUPLE || n->u.call.nkw))
        return jp_lower_iter_builtin(c, n, id);
    if (id == B_MIN || id == B_MAX)
        return lower_minmax(c, n, id == B_MAX);
    if (id == B_LEN) {
        LLVMValueRef v = jp_lower_expr(c, an[0]);
        if (jp_node_type(c, an[0])->kind == JP_ARRAY)
            return jp_arr_field(c, v, 3, 0);
        if (jp_node_type(c, an[0])->kind == JP_LIST)
            return jp_list_len(c, v);
        if (jp_node_type(c, an[0])->kind == JP_STR)
            return jp_str_len(c, v);
        if (jp_node_type(c, an[0])->kind == JP_DICT || jp_node_type(c, an[0])->kind == JP_SET)
            return jp_lower_dict_len(c, v);             /* lower_dict.c */
        return jp_const_i64(c, jp_node_type(c, an[0])->n);
    }
    if (nargs == 0) {
        if (id == B_COMPLEX)
            return jp_make_complex(c, t, jp_const_f64(c, 0.0), jp_const_f64(c, 0.0));
        return LLVMConstNull(jp_llvm_type(c->ctx, t));
    }
    a = jp_lower_expr(c, an[0]);
    ta = jp_node_type(c, an[0]);
    b = nargs > 1 ? jp_lower_expr(c, an[1]) : NULL;
    tb = nargs > 1 ? jp_node_type(c, an[1]) : NULL;

    switch (id) {
    case B_ABS:
        if (ta->kind == JP_COMPLEX) {
            LLVMValueRef parts[2];
            LLVMValueRef v = jp_cast(c, a, ta, jp_type_complex(128)), r;
            parts[0] = LLVMBuildExtractValue(c->b, v, 0, "");
            parts[1] = LLVMBuildExtractValue(c->b, v, 1, "");
            r = jp_call_extern(c, "hypot", LLVMDoubleTypeInContext(c->ctx), parts, 2);
            math_checks(c, CHK_OVERFLOW, r, parts, 2);
            return jp_cast(c, r, jp_type_float(64), t);
        }
        if (ta->kind == JP_FLOAT)
            return jp_call_extern(c, ta->bits == 32 ? "llvm.fabs.f32" : "llvm.fabs.f64",
                                  jp_llvm_type(c->ctx, ta), &a, 1);
        a = jp_cast(c, a, ta, t);
        return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, a, LLVMConstNull(LLVMTypeOf(a)), ""),
                               LLVMBuildNeg(c->b, a, ""), a, "");
    case B_INT:
        if (ta->kind == JP_FLOAT)
            return jp_lower_float_to_int(c, a, ta);
        return jp_cast(c, a, ta, t);
    case B_FLOAT:
    case B_BOOL:
        return jp_cast(c, a, ta, t);
    case B_COMPLEX: {
        jp_type *c128 = jp_type_complex(128);
        LLVMValueRef x = jp_cast(c, a, ta, c128), y;
        if (b == NULL)
            return x;
        y = jp_cast(c, b, tb, c128);
        /* complex(x, y) = x + y*1j */
        return jp_make_complex(c, c128,
                               LLVMBuildFSub(c->b, LLVMBuildExtractValue(c->b, x, 0, ""), LLVMBuildExtractValue(c->b, y, 1, ""), ""),
                               LLVMBuildFAdd(c->b, LLVMBuildExtractValue(c->b, x, 1, ""), LLVMBuildExtractValue(c->b, y, 0, ""), ""));
    }
    case B_ROUND:
        if (ta->kind == JP_INT || ta->kind == JP_BOOL) {
            LLVMValueRef args[2];
            if (b == NULL)
                return jp_cast(c, a, ta, t);
            args[0] = jp_cast(c, a, ta, jp_type_int(64, 1));
            args[1] = jp_cast(c, b, tb, jp_type_int(64, 1));
            return jp_call_extern(c, "jp_rt_round_int", LLVMInt64TypeInContext(c->ctx), args, 2);
        }
        if (b == NULL) {
            LLVMValueRef d = jp_cast(c, a, ta, jp_type_float(64));
            return jp_lower_float_to_int(c, intr(c, "rint", &d, 1), jp_type_float(64));
        } else {
            LLVMValueRef args[2] = {jp_cast(c, a, ta, jp_type_float(64)), jp_cast(c, b, tb, jp_type_int(64, 1))};
            return jp_cast(c, jp_call_extern(c, "jp_rt_round", LLVMDoubleTypeInContext(c->ctx), args, 2),
                           jp_type_float(64), t);
        }
    case B_POW:
        if (nargs == 3) {
            jp_type *i64 = jp_type_int(64, 1);
            LLVMValueRef m = jp_cast(c, jp_lower_expr(c, an[2]), jp_node_type(c, an[2]), i64);
            LLVMValueRef args[3] = {jp_cast(c, a, ta, i64), jp_cast(c, b, tb, i64), m};
            jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, m, jp_const_i64(c, 0), ""), PyExc_ValueError,
                     "pow() 3rd argument cannot be 0");
            jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, args[1], jp_const_i64(c, 0), ""), PyExc_ValueError,
                     "pow() with a modulus and a negative exponent is not supported in jit code");
            return jp_call_extern(c, "jp_rt_ipow_mod", LLVMInt64TypeInContext(c->ctx), args, 3);
        }
        return jp_lower_binop(c, OP_POW, a, ta, b, tb, t, an[1]);
    case B_DIVMOD: {
        jp_type *et = t->elems[0];
        LLVMValueRef q, r, pair;
        LLVMValueRef x = jp_cast(c, a, ta, et), y = jp_cast(c, b, tb, et);
        if (!(c->opts && c->opts->error_model_numpy)) {
            LLVMValueRef zero = et->kind == JP_FLOAT
                ? LLVMBuildFCmp(c->b, LLVMRealOEQ, y, LLVMConstNull(LLVMTypeOf(y)), "")
                : LLVMBuildICmp(c->b, LLVMIntEQ, y, LLVMConstNull(LLVMTypeOf(y)), "");
            jp_check(c, zero, PyExc_ZeroDivisionError,
                     jp_errtext_get(et->kind == JP_FLOAT ? ERR_FLOAT_DIVMOD_ZERO : ERR_INT_DIVMOD_ZERO));
        }
        q = jp_lower_binop(c, OP_FLOORDIV, x, et, y, et, et, NULL);
        r = jp_lower_binop(c, OP_MOD, x, et, y, et, et, NULL);
        pair = LLVMGetUndef(jp_llvm_type(c->ctx, t));     /* both fields are inserted below */
        pair = LLVMBuildInsertValue(c->b, pair, q, 0, "");
        return LLVMBuildInsertValue(c->b, pair, r, 1, "");
    }
    default:
        return jp_lower_unhandled(c, jp_llvm_type(c->ctx, t), "the builtin call (builtin %d)", (int)n->u.call.func->u.callee.id);
    }
}

/* A math function of float32 arguments, typed float32 as in Numba: computed
 * in float64 with CPython's checks and rounded once; sqrt directly in
 * float32 (the same correctly rounded value, and vectorisable). */
LLVMValueRef
jp_lower_math_call_f32(lctx *c, jp_node *n)
{
    const jp_math_fn *fn = jp_math_get(n->u.call.func->u.callee.id);
    jp_type *f32 = jp_type_float(32);
    if (strcmp(fn->name, "sqrt") == 0 && n->u.call.nargs == 1) {
        jp_node *an = n->u.call.args[0];
        LLVMValueRef x = jp_cast(c, jp_lower_expr(c, an), jp_node_type(c, an), f32);
        if (!(c->opts && c->opts->error_model_numpy))
            jp_check(c, LLVMBuildFCmp(c->b, LLVMRealOLT, x, LLVMConstNull(LLVMTypeOf(x)), ""), PyExc_ValueError,
                     jp_errtext_get(ERR_MATH_DOMAIN));
        return jp_call_extern(c, "llvm.sqrt.f32", LLVMTypeOf(x), &x, 1);
    }
    return jp_cast(c, jp_lower_math_call(c, n), jp_type_float(64), f32);
}
