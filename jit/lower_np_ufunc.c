/* jit/lower_np_ufunc.c - the standard ufuncs of Numba's "Supported NumPy
 * features" beyond the first table of numpy_funcs.c: fabs rint sign exp2
 * cbrt reciprocal arcsinh arccosh arctanh deg2rad rad2deg degrees radians
 * signbit logical_not bitwise_not/invert positive conj/conjugate (unary),
 * logaddexp logaddexp2 floor_divide remainder/mod fmod fmax fmin copysign
 * nextafter, the comparisons, logical_and/or/xor, bitwise_and/or/xor,
 * left_shift right_shift float_power gcd lcm heaviside (binary).
 *
 * Typing asks jp_np_more_ufunc_result for the element type of the result
 * (NULL: NumPy has no loop for these inputs, a TypingError); the element
 * kernel below is shared by whole-array calls, scalar calls and fused array
 * expressions (jp_numpy_elem). */
#include "jit/lower.h"
#include "jit/infer.h"
#include "jit/numpy_funcs.h"

static int
is_int(jp_type *t)
{
    return t->kind == JP_INT;
}

static int
is_real(jp_type *t)
{
    return t->kind == JP_INT || t->kind == JP_BOOL || t->kind == JP_FLOAT;
}

/* The float loop NumPy picks for an input of element type e: e itself when
 * it is a float or complex; float32 for bool and integers of at most 16
 * bits (NumPy picks float16 for bool, int8 and uint8: jit code has no
 * float16, so float32 there, as Numba); float64 for wider integers. */
jp_type *
jp_np_float_loop(jp_type *e)
{
    if (e->kind == JP_FLOAT || e->kind == JP_COMPLEX)
        return e;
    if (e->kind == JP_BOOL || (e->kind == JP_INT && e->bits <= 16))
        return jp_type_float(32);
    return jp_type_float(64);
}

static jp_type *
floaty(jp_type *e)
{
    return jp_np_float_loop(e);
}

jp_type *
jp_np_more_ufunc_result(int id, jp_type *a, jp_type *b)
{
    (void)b;
    switch (id) {
    case NP_FABS: case NP_CBRT: case NP_DEG2RAD: case NP_RAD2DEG: case NP_DEGREES: case NP_RADIANS:
    case NP_LOGADDEXP: case NP_LOGADDEXP2: case NP_COPYSIGN: case NP_NEXTAFTER: case NP_HEAVISIDE:
    case NP_FMOD:
        if (id == NP_FMOD && (is_int(a) || a->kind == JP_BOOL))
            return a->kind == JP_BOOL ? jp_type_int(8, 1) : a;
        return is_real(a) ? floaty(a) : NULL;
    case NP_RINT: case NP_EXP2: case NP_ARCSINH: case NP_ARCCOSH: case NP_ARCTANH:
        return a->kind == JP_COMPLEX && id == NP_EXP2 ? a : a->kind == JP_COMPLEX ? NULL : floaty(a);
    case NP_SIGN: case NP_POSITIVE:
        return a->kind == JP_BOOL || a->kind == JP_COMPLEX ? NULL : a;
    case NP_RECIPROCAL:
        return a->kind == JP_COMPLEX ? NULL : a->kind == JP_BOOL ? jp_type_int(8, 1) : a;
    case NP_CONJ: case NP_CONJUGATE:
        return a->kind == JP_BOOL ? jp_type_int(8, 1) : a;
    case NP_SIGNBIT:
        return is_real(a) ? jp_type_bool() : NULL;
    case NP_LOGICAL_NOT: case NP_LOGICAL_AND: case NP_LOGICAL_OR: case NP_LOGICAL_XOR:
        return jp_type_bool();
    case NP_GREATER: case NP_GREATER_EQUAL: case NP_LESS: case NP_LESS_EQUAL:
        return a->kind == JP_COMPLEX ? NULL : jp_type_bool();
    case NP_EQUAL: case NP_NOT_EQUAL:
        return jp_type_bool();
    case NP_BITWISE_NOT: case NP_INVERT: case NP_BITWISE_AND: case NP_BITWISE_OR: case NP_BITWISE_XOR:
        return is_int(a) || a->kind == JP_BOOL ? a : NULL;
    case NP_LEFT_SHIFT: case NP_RIGHT_SHIFT:
        return is_int(a) ? a : a->kind == JP_BOOL ? jp_type_int(8, 1) : NULL;
    case NP_GCD: case NP_LCM:
        return is_int(a) ? a : NULL;
    case NP_FLOOR_DIVIDE: case NP_REMAINDER: case NP_MOD:
        return a->kind == JP_COMPLEX ? NULL : a->kind == JP_BOOL ? jp_type_int(8, 1) : a;
    case NP_FMAX: case NP_FMIN:
        return a->kind == JP_COMPLEX ? NULL : a;
    case NP_FLOAT_POWER:
        return a->kind == JP_COMPLEX ? jp_type_complex(128) : jp_type_float(64);
    default:
        return NULL;
    }
}

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
fconst(lctx *c, jp_type *ft, double v)
{
    return LLVMConstReal(jp_llvm_type(c->ctx, ft), v);
}

static LLVMValueRef
isnan_v(lctx *c, LLVMValueRef v)
{
    return LLVMBuildFCmp(c->b, LLVMRealUNO, v, v, "");
}

static LLVMValueRef
unary(lctx *c, int id, LLVMValueRef a, jp_type *ta, jp_type *rt)
{
    LLVMValueRef v, zero;
    switch (id) {
    case NP_SIGNBIT:
        if (ta->kind == JP_FLOAT) {
            LLVMTypeRef it = LLVMIntTypeInContext(c->ctx, (unsigned)ta->bits);
            return LLVMBuildICmp(c->b, LLVMIntSLT, LLVMBuildBitCast(c->b, a, it, ""), LLVMConstNull(it), "");
        }
        if (ta->kind == JP_BOOL || !ta->is_signed)
            return LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0);
        return LLVMBuildICmp(c->b, LLVMIntSLT, a, LLVMConstNull(LLVMTypeOf(a)), "");
    case NP_LOGICAL_NOT:
        return LLVMBuildNot(c->b, jp_truth(c, a, ta), "");
    case NP_BITWISE_NOT: case NP_INVERT:
        return LLVMBuildNot(c->b, a, "");
    case NP_POSITIVE:
        return a;
    case NP_CONJ: case NP_CONJUGATE:
        if (ta->kind != JP_COMPLEX)
            return jp_cast(c, a, ta, rt);
        return LLVMBuildInsertValue(c->b, a, LLVMBuildFNeg(c->b, LLVMBuildExtractValue(c->b, a, 1, ""), ""), 1, "");
    case NP_SIGN:
        zero = LLVMConstNull(LLVMTypeOf(a));
        if (ta->kind == JP_FLOAT) {
            LLVMValueRef pos = LLVMBuildFCmp(c->b, LLVMRealOGT, a, zero, "");
            LLVMValueRef neg = LLVMBuildFCmp(c->b, LLVMRealOLT, a, zero, "");
            v = LLVMBuildSelect(c->b, pos, fconst(c, ta, 1.0), LLVMBuildSelect(c->b, neg, fconst(c, ta, -1.0),
                                                                                 zero, ""), "");
            return LLVMBuildSelect(c->b, isnan_v(c, a), a, v, "");
        } else {
            LLVMValueRef pos = LLVMBuildICmp(c->b, ta->is_signed ? LLVMIntSGT : LLVMIntUGT, a, zero, "");
            LLVMValueRef neg = ta->is_signed ? LLVMBuildICmp(c->b, LLVMIntSLT, a, zero, "")
                                             : LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0);
            return LLVMBuildSelect(c->b, pos, LLVMConstInt(LLVMTypeOf(a), 1, 0),
                                   LLVMBuildSelect(c->b, neg, LLVMConstAllOnes(LLVMTypeOf(a)), zero, ""), "");
        }
    case NP_RECIPROCAL:
        if (ta->kind == JP_BOOL)        /* NumPy's int8 loop keeps 0 and 1 */
            return jp_cast(c, a, ta, rt);
        if (ta->kind == JP_FLOAT)
            return LLVMBuildFDiv(c->b, fconst(c, ta, 1.0), a, "");
        {   /* integers: 1 / a truncated; a == 0 gives the smallest value, as NumPy's loop */
            LLVMValueRef one = LLVMConstInt(LLVMTypeOf(a), 1, 0);
            LLVMValueRef z = LLVMBuildICmp(c->b, LLVMIntEQ, a, LLVMConstNull(LLVMTypeOf(a)), "");
            LLVMValueRef safe = LLVMBuildSelect(c->b, z, one, a, "");
            LLVMValueRef q = ta->is_signed ? LLVMBuildSDiv(c->b, one, safe, "") : LLVMBuildUDiv(c->b, one, safe, "");
            LLVMValueRef zero_r = ta->is_signed ? LLVMConstInt(LLVMTypeOf(a), 1ULL << (ta->bits - 1), 0)
                                                : LLVMConstNull(LLVMTypeOf(a));
            return LLVMBuildSelect(c->b, z, zero_r, q, "");
        }
    default:
        break;
    }
    v = jp_cast(c, a, ta, rt);
    switch (id) {
    case NP_FABS: return fcall(c, "fabs", rt, &v, 1, 1);
    case NP_RINT: return fcall(c, "rint", rt, &v, 1, 1);
    case NP_CBRT: return fcall(c, "cbrt", rt, &v, 1, 0);
    case NP_ARCSINH: return fcall(c, "asinh", rt, &v, 1, 0);
    case NP_ARCCOSH: return fcall(c, "acosh", rt, &v, 1, 0);
    case NP_ARCTANH: return fcall(c, "atanh", rt, &v, 1, 0);
    case NP_EXP2:
        if (rt->kind == JP_COMPLEX)     /* 2 ** z */
            return jp_lower_binop(c, OP_POW, jp_make_complex(c, rt, fconst(c, jp_type_float(rt->bits / 2), 2.0),
                                                             fconst(c, jp_type_float(rt->bits / 2), 0.0)),
                                  rt, v, rt, rt, NULL);
        return fcall(c, "exp2", rt, &v, 1, 1);
    case NP_DEG2RAD: case NP_RADIANS:
        return LLVMBuildFMul(c->b, v, fconst(c, rt, 0.017453292519943295), "");
    default:    /* rad2deg, degrees */
        return LLVMBuildFMul(c->b, v, fconst(c, rt, 57.29577951308232), "");
    }
}

static LLVMValueRef
binary(lctx *c, int id, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb, jp_type *rt)
{
    jp_type *ct = jp_np_promote(ta, tb);        /* the inputs' common type */
    LLVMValueRef x, y, args[2], r;
    static const jp_cmpop cmps[] = {CMP_GT, CMP_GE, CMP_LT, CMP_LE, CMP_NE, CMP_EQ};
    int saved = c->numpy_semantics;
    switch (id) {
    case NP_GREATER: case NP_GREATER_EQUAL: case NP_LESS: case NP_LESS_EQUAL: case NP_NOT_EQUAL: case NP_EQUAL:
        return jp_lower_compare(c, cmps[id - NP_GREATER], jp_cast(c, a, ta, ct), ct, jp_cast(c, b, tb, ct), ct);
    case NP_LOGICAL_AND:
        return LLVMBuildAnd(c->b, jp_truth(c, a, ta), jp_truth(c, b, tb), "");
    case NP_LOGICAL_OR:
        return LLVMBuildOr(c->b, jp_truth(c, a, ta), jp_truth(c, b, tb), "");
    case NP_LOGICAL_XOR:
        return LLVMBuildXor(c->b, jp_truth(c, a, ta), jp_truth(c, b, tb), "");
    default:
        break;
    }
    x = jp_cast(c, a, ta, rt);
    y = jp_cast(c, b, tb, rt);
    args[0] = x;
    args[1] = y;
    switch (id) {
    case NP_BITWISE_AND: return LLVMBuildAnd(c->b, x, y, "");
    case NP_BITWISE_OR: return LLVMBuildOr(c->b, x, y, "");
    case NP_BITWISE_XOR: return LLVMBuildXor(c->b, x, y, "");
    case NP_LEFT_SHIFT: case NP_RIGHT_SHIFT: {
        /* NumPy: a shift by the width or more gives 0 (or -1 for a negative a shifted right) */
        unsigned bits = (unsigned)rt->bits;
        LLVMValueRef big = LLVMBuildICmp(c->b, LLVMIntUGE, y, LLVMConstInt(LLVMTypeOf(y), bits, 0), "");
        LLVMValueRef safe = LLVMBuildSelect(c->b, big, LLVMConstNull(LLVMTypeOf(y)), y, "");
        if (id == NP_LEFT_SHIFT)
            return LLVMBuildSelect(c->b, big, LLVMConstNull(LLVMTypeOf(x)), LLVMBuildShl(c->b, x, safe, ""), "");
        if (!rt->is_signed)
            return LLVMBuildSelect(c->b, big, LLVMConstNull(LLVMTypeOf(x)), LLVMBuildLShr(c->b, x, safe, ""), "");
        return LLVMBuildAShr(c->b, x, LLVMBuildSelect(c->b, big, LLVMConstInt(LLVMTypeOf(y), bits - 1, 0), y, ""), "");
    }
    case NP_FLOOR_DIVIDE: case NP_REMAINDER: case NP_MOD:
        c->numpy_semantics = 1;
        r = jp_lower_binop(c, id == NP_FLOOR_DIVIDE ? OP_FLOORDIV : OP_MOD, x, rt, y, rt, rt, NULL);
        c->numpy_semantics = saved;
        return r;
    case NP_FMOD:
        if (rt->kind == JP_FLOAT)
            return fcall(c, "fmod", rt, args, 2, 0);
        {   /* C's remainder (sign of the dividend); 0 for a zero divisor, as NumPy */
            LLVMValueRef z = LLVMBuildICmp(c->b, LLVMIntEQ, y, LLVMConstNull(LLVMTypeOf(y)), "");
            LLVMValueRef safe = LLVMBuildSelect(c->b, z, LLVMConstInt(LLVMTypeOf(y), 1, 0), y, "");
            r = rt->is_signed ? LLVMBuildSRem(c->b, x, safe, "") : LLVMBuildURem(c->b, x, safe, "");
            return LLVMBuildSelect(c->b, z, LLVMConstNull(LLVMTypeOf(x)), r, "");
        }
    case NP_FMAX: case NP_FMIN:
        if (rt->kind == JP_FLOAT)
            return fcall(c, id == NP_FMAX ? "maxnum" : "minnum", rt, args, 2, 1);
        return LLVMBuildSelect(c->b, jp_lower_compare(c, id == NP_FMAX ? CMP_GT : CMP_LT, x, rt, y, rt), x, y, "");
    case NP_COPYSIGN: return fcall(c, "copysign", rt, args, 2, 1);
    case NP_NEXTAFTER: return fcall(c, "nextafter", rt, args, 2, 0);
    case NP_FLOAT_POWER:
        if (rt->kind == JP_COMPLEX)
            return jp_lower_binop(c, OP_POW, x, rt, y, rt, rt, NULL);
        return fcall(c, "pow", rt, args, 2, 1);
    case NP_HEAVISIDE: {
        LLVMValueRef zero = fconst(c, rt, 0.0);
        LLVMValueRef v = LLVMBuildSelect(c->b, LLVMBuildFCmp(c->b, LLVMRealOLT, x, zero, ""), zero,
                                         LLVMBuildSelect(c->b, LLVMBuildFCmp(c->b, LLVMRealOGT, x, zero, ""),
                                                         fconst(c, rt, 1.0), y, ""), "");
        return LLVMBuildSelect(c->b, isnan_v(c, x), x, v, "");
    }
    case NP_LOGADDEXP: case NP_LOGADDEXP2: {
        /* max + log(1 + exp(-|x - y|)) (base 2 for logaddexp2); x == y: x + log(2) (+1), also for infinities */
        int two = id == NP_LOGADDEXP2;
        LLVMValueRef m = fcall(c, "maxnum", rt, args, 2, 1), d = LLVMBuildFSub(c->b, x, y, ""), t, same, res;
        d = LLVMBuildFNeg(c->b, fcall(c, "fabs", rt, &d, 1, 1), "");
        if (two) {
            t = fcall(c, "exp2", rt, &d, 1, 1);
            t = fcall(c, "log1p", rt, &t, 1, 0);
            t = LLVMBuildFMul(c->b, t, fconst(c, rt, 1.4426950408889634), "");
        } else {
            t = fcall(c, "exp", rt, &d, 1, 1);
            t = fcall(c, "log1p", rt, &t, 1, 0);
        }
        res = LLVMBuildFAdd(c->b, m, t, "");
        same = LLVMBuildFCmp(c->b, LLVMRealOEQ, x, y, "");
        res = LLVMBuildSelect(c->b, same, LLVMBuildFAdd(c->b, x, fconst(c, rt, two ? 1.0 : 0.6931471805599453), ""),
                              res, "");
        return LLVMBuildSelect(c->b, LLVMBuildOr(c->b, isnan_v(c, x), isnan_v(c, y), ""),
                               LLVMBuildFAdd(c->b, x, y, ""), res, "");
    }
    default: {  /* gcd, lcm: the math module's (lib_math.c), in int64 */
        LLVMTypeRef i64 = LLVMInt64TypeInContext(c->ctx), i32 = LLVMInt32TypeInContext(c->ctx);
        LLVMValueRef st = jp_alloca(c, i32, "gcd.status");
        LLVMValueRef call[4] = {LLVMConstInt(i32, id == NP_GCD ? 1 : 2, 0),
                                jp_cast(c, x, rt, jp_type_int(64, 1)), jp_cast(c, y, rt, jp_type_int(64, 1)), st};
        return jp_cast(c, jp_call_extern(c, "jp_lib_intfn", i64, call, 4), jp_type_int(64, 1), rt);
    }
    }
}

LLVMValueRef
jp_np_more_ufunc_elem(lctx *c, int id, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb, jp_type *rt)
{
    if (b == NULL)
        return unary(c, id, a, ta, rt);
    return binary(c, id, a, ta, b, tb, rt);
}
