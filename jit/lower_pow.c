/* jit/lower_pow.c - x ** n for a constant exponent, as Numba lowers it:
 * exponentiation by squaring for a small integral n (floats: |n| <= 8,
 * integers: any n >= 0), 1/x^|n| for a negative n, sqrt for n = 0.5.
 *
 * Floats: x**2 and x**-1 are exactly NumPy's (np.square, np.reciprocal);
 * x**0.5 is exactly np.sqrt (NumPy's own fast path for the ** operator);
 * other exponents differ from pow() by a few ulp at most (the error of the
 * multiplications), the same code Numba generates.  Integers wrap as the
 * run-time jp_rt_ipow does, so their results are exact either way.
 * The callers keep CPython's error checks around the result. */
#include "jit/lower.h"

#include <math.h>

#define JP_POW_FLOAT_MAX 8

int
jp_pow_const_exponent(jp_node *right, double *v)
{
    int neg = 0;
    if (right == NULL)
        return 0;
    if (right->kind == E_UNARY && right->u.unary.op == UOP_NEG) {
        neg = 1;
        right = right->u.unary.operand;
    }
    if (right->kind != E_CONST)
        return 0;
    if (right->u.cnst.type->kind == JP_INT || right->u.cnst.type->kind == JP_BOOL)
        *v = (double)right->u.cnst.v.i;
    else if (right->u.cnst.type->kind == JP_FLOAT)
        *v = right->u.cnst.v.f;
    else
        return 0;
    if (neg)
        *v = -*v;
    return 1;
}

/* x^n, n >= 1, by squaring: mul builds one product */
static LLVMValueRef
by_squaring(lctx *c, LLVMValueRef x, long long n, int is_float)
{
    LLVMValueRef r = NULL, p = x;
    while (n > 0) {
        if (n & 1)
            r = r == NULL ? p : is_float ? LLVMBuildFMul(c->b, r, p, "") : LLVMBuildMul(c->b, r, p, "");
        n >>= 1;
        if (n)
            p = is_float ? LLVMBuildFMul(c->b, p, p, "") : LLVMBuildMul(c->b, p, p, "");
    }
    return r;
}

LLVMValueRef
jp_lower_pow_const_float(lctx *c, LLVMValueRef a, jp_node *right)
{
    LLVMTypeRef t = LLVMTypeOf(a);
    double v;
    long long n;
    if (!jp_pow_const_exponent(right, &v))
        return NULL;
    if (v == 0.5) {
        char name[32];
        LLVMValueRef r;
        snprintf(name, sizeof name, "llvm.sqrt.%s", t == LLVMFloatTypeInContext(c->ctx) ? "f32" : "f64");
        r = jp_call_extern(c, name, t, &a, 1);
        if (c->numpy_semantics)
            return r;           /* np.sqrt, as NumPy's ** does */
        /* C's pow: pow(-0.0, 0.5) is +0.0 and pow(-inf, 0.5) is +inf */
        r = LLVMBuildFAdd(c->b, r, LLVMConstReal(t, 0.0), "");
        return LLVMBuildSelect(c->b, LLVMBuildFCmp(c->b, LLVMRealOEQ, a, LLVMConstReal(t, -INFINITY), ""),
                               LLVMConstReal(t, INFINITY), r, "");
    }
    if (v != floor(v) || fabs(v) > JP_POW_FLOAT_MAX)
        return NULL;
    n = (long long)v;
    if (n == 0)
        return LLVMConstReal(t, 1.0);   /* pow(x, 0) is 1 even for nan */
    if (n > 0)
        return by_squaring(c, a, n, 1);
    return LLVMBuildFDiv(c->b, LLVMConstReal(t, 1.0), by_squaring(c, a, -n, 1), "");
}

LLVMValueRef
jp_lower_pow_const_int(lctx *c, LLVMValueRef a, jp_node *right)
{
    double v;
    if (!jp_pow_const_exponent(right, &v) || v != floor(v) || v < 0 || v > 1e18)
        return NULL;
    if (v == 0)
        return LLVMConstInt(LLVMTypeOf(a), 1, 0);
    return by_squaring(c, a, (long long)v, 0);
}
