/* jit/lower_ops.c - arithmetic and comparisons with Python's semantics:
 * floor division and modulo signs, ZeroDivisionError with CPython's own
 * words, int64 wrap-around (documented), shifts, ** for int/float/complex,
 * lexicographic tuple comparison.  Exact-rounding helpers that are long in
 * IR live in runtime.c and are called by name. */
#include "jit/lib_str.h"
#include "jit/lower.h"
#include "jit/lower_optional.h"
#include "jit/resolve.h"
#include "jit/dict.h"
#include "jit/errors.h"

static int
numpy_errors(lctx *c)
{
    return c->numpy_semantics || (c->opts && c->opts->error_model_numpy);
}

static LLVMValueRef
part(lctx *c, LLVMValueRef v, unsigned i)
{
    return LLVMBuildExtractValue(c->b, v, i, "");
}

static LLVMValueRef
is_zero(lctx *c, LLVMValueRef v, jp_type *t)
{
    if (t->kind == JP_INT || t->kind == JP_BOOL)
        return LLVMBuildICmp(c->b, LLVMIntEQ, v, LLVMConstNull(LLVMTypeOf(v)), "");
    if (t->kind == JP_FLOAT)
        return LLVMBuildFCmp(c->b, LLVMRealOEQ, v, LLVMConstNull(LLVMTypeOf(v)), "");
    return LLVMBuildAnd(c->b,
                        LLVMBuildFCmp(c->b, LLVMRealOEQ, part(c, v, 0), LLVMConstNull(LLVMTypeOf(part(c, v, 0))), ""),
                        LLVMBuildFCmp(c->b, LLVMRealOEQ, part(c, v, 1), LLVMConstNull(LLVMTypeOf(part(c, v, 1))), ""), "");
}

static void
check_zero(lctx *c, LLVMValueRef divisor, jp_type *t, jp_errtext text)
{
    if (!numpy_errors(c))
        jp_check(c, is_zero(c, divisor, t), PyExc_ZeroDivisionError, jp_errtext_get(text));
}

static LLVMValueRef
intrinsic(lctx *c, const char *name, LLVMTypeRef t, LLVMValueRef *args, int nargs)
{
    char full[64];
    snprintf(full, sizeof full, "llvm.%s.%s", name, LLVMGetTypeKind(t) == LLVMFloatTypeKind ? "f32" : "f64");
    return jp_call_extern(c, full, t, args, nargs);
}

/* a // b and a % b for signed ints, Python's floor rules.  b == -1 is
 * special-cased: sdiv INT64_MIN by -1 is undefined in LLVM. */
static LLVMValueRef
int_floordiv_mod(lctx *c, LLVMValueRef a, LLVMValueRef b, int want_mod)
{
    LLVMTypeRef t = LLVMTypeOf(a);
    LLVMValueRef minus1 = LLVMConstAllOnes(t), zero = LLVMConstNull(t);
    LLVMValueRef is_m1 = LLVMBuildICmp(c->b, LLVMIntEQ, b, minus1, "");
    LLVMValueRef safe_b = LLVMBuildSelect(c->b, is_m1, LLVMConstInt(t, 1, 0), b, "");
    LLVMValueRef q = LLVMBuildSDiv(c->b, a, safe_b, "");
    LLVMValueRef r = LLVMBuildSRem(c->b, a, safe_b, "");
    /* r != 0 and sign(r) != sign(b): adjust toward -inf */
    LLVMValueRef adjust = LLVMBuildAnd(c->b, LLVMBuildICmp(c->b, LLVMIntNE, r, zero, ""),
                                       LLVMBuildICmp(c->b, LLVMIntSLT, LLVMBuildXor(c->b, r, safe_b, ""), zero, ""), "");
    if (want_mod) {
        LLVMValueRef m = LLVMBuildSelect(c->b, adjust, LLVMBuildAdd(c->b, r, safe_b, ""), r, "");
        return LLVMBuildSelect(c->b, is_m1, zero, m, "");
    }
    q = LLVMBuildSelect(c->b, adjust, LLVMBuildSub(c->b, q, LLVMConstInt(t, 1, 0), ""), q, "");
    return LLVMBuildSelect(c->b, is_m1, LLVMBuildNeg(c->b, a, ""), q, "");
}

static LLVMValueRef
complex_op(lctx *c, jp_binop op, LLVMValueRef a, LLVMValueRef b, jp_type *t)
{
    LLVMValueRef ar = part(c, a, 0), ai = part(c, a, 1), br = part(c, b, 0), bi = part(c, b, 1);
    LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0);
    LLVMTypeRef c128 = jp_llvm_type(c->ctx, jp_type_complex(128));
    switch (op) {
    case OP_ADD:
        return jp_make_complex(c, t, LLVMBuildFAdd(c->b, ar, br, ""), LLVMBuildFAdd(c->b, ai, bi, ""));
    case OP_SUB:
        return jp_make_complex(c, t, LLVMBuildFSub(c->b, ar, br, ""), LLVMBuildFSub(c->b, ai, bi, ""));
    case OP_MUL:
        return jp_make_complex(c, t,
                               LLVMBuildFSub(c->b, LLVMBuildFMul(c->b, ar, br, ""), LLVMBuildFMul(c->b, ai, bi, ""), ""),
                               LLVMBuildFAdd(c->b, LLVMBuildFMul(c->b, ar, bi, ""), LLVMBuildFMul(c->b, ai, br, ""), ""));
    default: {
        /* / and ** through the runtime, in complex128, as CPython computes them */
        jp_type *c128t = jp_type_complex(128);
        LLVMValueRef pa = jp_alloca(c, c128, "ca"), pb = jp_alloca(c, c128, "cb"), po = jp_alloca(c, c128, "co");
        LLVMValueRef args[3] = {pa, pb, po}, status;
        LLVMBuildStore(c->b, jp_cast(c, a, t, c128t), pa);
        LLVMBuildStore(c->b, jp_cast(c, b, t, c128t), pb);
        (void)ptr;
        if (op == OP_TRUEDIV) {
            check_zero(c, b, t, ERR_COMPLEX_DIV_ZERO);
            jp_call_extern(c, "jp_rt_cdiv", LLVMVoidTypeInContext(c->ctx), args, 3);
        } else {
            status = jp_call_extern(c, "jp_rt_cpow", LLVMInt32TypeInContext(c->ctx), args, 3);
            jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, status, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 1, 0), ""),
                     PyExc_ZeroDivisionError, jp_errtext_get(ERR_COMPLEX_ZERO_NEG_POW));
            jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, status, LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 2, 0), ""),
                     PyExc_OverflowError, "complex exponentiation");
        }
        return jp_cast(c, LLVMBuildLoad2(c->b, c128, po, ""), c128t, t);
    }
    }
}

/* pow(a, b) through the C library, marked nobuiltin: LLVM would otherwise
 * rewrite pow(2**n, b), once the base is a known constant, as exp2(n * b),
 * which differs from CPython's result by tens of ulps (found by
 * tests/fuzz/difffuzz.py).  A constant exponent keeps the intrinsic: its
 * rewrites (b = 2, 0.5, -1, ...) are exact. */
static LLVMValueRef
pow_call(lctx *c, LLVMTypeRef t, LLVMValueRef *args)
{
    LLVMValueRef r;
    if (LLVMIsConstant(args[1]))
        return intrinsic(c, "pow", t, args, 2);
    r = jp_call_extern(c, t == LLVMFloatTypeInContext(c->ctx) ? "powf" : "pow", t, args, 2);
    LLVMAddCallSiteAttribute(r, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(c->ctx, LLVMGetEnumAttributeKindForName("nobuiltin", 9), 0));
    return r;
}

static LLVMValueRef
float_pow(lctx *c, LLVMValueRef a, LLVMValueRef b, jp_node *right)
{
    LLVMTypeRef t = LLVMTypeOf(a);
    LLVMValueRef r, zero = LLVMConstNull(t);
    int square = right && ((right->kind == E_CONST && right->u.cnst.type->kind == JP_INT && right->u.cnst.v.i == 2)
                           || (right->kind == E_CONST && right->u.cnst.type->kind == JP_FLOAT && right->u.cnst.v.f == 2.0));
    if (square) {
        r = LLVMBuildFMul(c->b, a, a, "");
    } else if ((r = jp_lower_pow_const_float(c, a, right)) == NULL) {
        LLVMValueRef args[2] = {a, b};
        r = pow_call(c, t, args);
    }
    if (numpy_errors(c))
        return r;
    if (!square) {
        LLVMValueRef fl = intrinsic(c, "floor", t, &b, 1);
        /* 0.0 ** -inf is inf in CPython: only a finite negative exponent raises */
        jp_check(c, LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealOEQ, a, zero, ""),
                                 LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealOLT, b, zero, ""),
                                              LLVMBuildFCmp(c->b, LLVMRealOGT, b, LLVMConstReal(t, -__builtin_inf()), ""), ""), ""),
                 PyExc_ZeroDivisionError, jp_errtext_get(ERR_ZERO_NEG_POW));
        /* a negative finite base to a finite non-integer power: CPython
         * returns a complex number, which a float function cannot */
        LLVMValueRef inf = LLVMConstReal(t, __builtin_inf());
        LLVMValueRef neg_finite = LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealOLT, a, zero, ""),
                                               LLVMBuildFCmp(c->b, LLVMRealOGT, a, LLVMConstReal(t, -__builtin_inf()), ""), "");
        LLVMValueRef frac_finite = LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealONE, fl, b, ""),
                                                LLVMBuildFCmp(c->b, LLVMRealOLT, intrinsic(c, "fabs", t, &b, 1), inf, ""), "");
        jp_check(c, LLVMBuildAnd(c->b, neg_finite, frac_finite, ""),
                 PyExc_ValueError,
                 "negative number cannot be raised to a fractional power in jit code (the result "
                 "would be complex): convert the base with complex() first");
    }
    {
        LLVMValueRef inf = LLVMConstReal(t, __builtin_inf());
        LLVMValueRef fin_a = LLVMBuildFCmp(c->b, LLVMRealOLT, intrinsic(c, "fabs", t, &a, 1), inf, "");
        LLVMValueRef fin_b = square ? LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0)
                                    : LLVMBuildFCmp(c->b, LLVMRealOLT, intrinsic(c, "fabs", t, &b, 1), inf, "");
        LLVMValueRef inf_r = LLVMBuildFCmp(c->b, LLVMRealOEQ, intrinsic(c, "fabs", t, &r, 1), inf, "");
        jp_check(c, LLVMBuildAnd(c->b, inf_r, LLVMBuildAnd(c->b, fin_a, fin_b, ""), ""),
                 PyExc_OverflowError, jp_errtext_get(ERR_FLOAT_POW_OVERFLOW));
    }
    return r;
}

LLVMValueRef
jp_lower_binop(lctx *c, jp_binop op, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb,
               jp_type *result, jp_node *right)
{
    jp_type *work = result;
    LLVMTypeRef i64 = LLVMInt64TypeInContext(c->ctx);
    LLVMTypeRef f64 = LLVMDoubleTypeInContext(c->ctx);

    if (ta->kind == JP_STR || tb->kind == JP_STR)        /* +, * of strings (lower_str.c) */
        return jp_lower_str_binop(c, op, a, ta, b, tb);

    if (op == OP_ADD && ta->kind == JP_TUPLE) {         /* concatenation */
        LLVMValueRef r = LLVMGetUndef(jp_llvm_type(c->ctx, result));  /* every element is inserted below */
        for (int i = 0; i < ta->n; i++)
            r = LLVMBuildInsertValue(c->b, r, part(c, a, (unsigned)i), (unsigned)i, "");
        for (int i = 0; i < tb->n; i++)
            r = LLVMBuildInsertValue(c->b, r, part(c, b, (unsigned)i), (unsigned)(ta->n + i), "");
        return r;
    }
    if (op == OP_TRUEDIV && result->kind == JP_FLOAT && ta->kind != JP_FLOAT && tb->kind != JP_FLOAT) {
        /* int / int: correctly rounded, as CPython */
        jp_type *i64t = jp_type_int(64, 1);
        LLVMValueRef ia = jp_cast(c, a, ta, i64t), ib = jp_cast(c, b, tb, i64t);
        LLVMValueRef args[2] = {ia, ib};
        check_zero(c, ib, i64t, ERR_INT_TRUEDIV_ZERO);
        if (numpy_errors(c))
            return LLVMBuildFDiv(c->b, jp_cast(c, a, ta, jp_type_float(64)), jp_cast(c, b, tb, jp_type_float(64)), "");
        return jp_cast(c, jp_call_extern(c, "jp_rt_int_truediv", f64, args, 2), jp_type_float(64), result);
    }
    if ((op == OP_ADD || op == OP_MUL) && result->kind == JP_BOOL) {
        /* NumPy's bool loops (arrays only: Python's True + True is 2) */
        a = jp_cast(c, a, ta, result);
        b = jp_cast(c, b, tb, result);
        return op == OP_ADD ? LLVMBuildOr(c->b, a, b, "") : LLVMBuildAnd(c->b, a, b, "");
    }
    if (op == OP_POW && result->kind == JP_FLOAT && ta->kind != JP_FLOAT && tb->kind != JP_FLOAT)
        work = result;      /* int ** negative constant: float */
    a = jp_cast(c, a, ta, work);
    b = (op == OP_LSHIFT || op == OP_RSHIFT) ? jp_cast(c, b, tb, jp_type_int(64, 1)) : jp_cast(c, b, tb, work);

    if (work->kind == JP_COMPLEX)
        return complex_op(c, op, a, b, work);

    if (work->kind == JP_FLOAT) {
        switch (op) {
        case OP_ADD: return LLVMBuildFAdd(c->b, a, b, "");
        case OP_SUB: return LLVMBuildFSub(c->b, a, b, "");
        case OP_MUL: return LLVMBuildFMul(c->b, a, b, "");
        case OP_TRUEDIV:
            check_zero(c, b, work, ERR_FLOAT_TRUEDIV_ZERO);
            return LLVMBuildFDiv(c->b, a, b, "");
        case OP_FLOORDIV:
        case OP_MOD: {
            LLVMValueRef args[2];
            check_zero(c, b, work, op == OP_MOD ? ERR_FLOAT_MOD_ZERO : ERR_FLOAT_FLOORDIV_ZERO);
            args[0] = jp_cast(c, a, work, jp_type_float(64));
            args[1] = jp_cast(c, b, work, jp_type_float(64));
            {
                LLVMValueRef r = jp_call_extern(c, op == OP_MOD ? "jp_rt_float_mod" : "jp_rt_float_floordiv",
                                                f64, args, 2);
                if (op == OP_FLOORDIV && numpy_errors(c))   /* NumPy: x // 0.0 is x / 0.0 (inf, nan) */
                    r = LLVMBuildSelect(c->b, LLVMBuildFCmp(c->b, LLVMRealOEQ, args[1], jp_const_f64(c, 0.0), ""),
                                        LLVMBuildFDiv(c->b, args[0], args[1], ""), r, "");
                return jp_cast(c, r, jp_type_float(64), work);
            }
        }
        case OP_POW:
            return float_pow(c, a, b, right);
        default:
            return jp_lower_unhandled(c, LLVMTypeOf(a), "binary operator %d on %s", (int)op, work->name);
        }
    }

    if (work->kind == JP_BOOL) {    /* & | ^ on bools */
        switch (op) {
        case OP_BITAND: return LLVMBuildAnd(c->b, a, b, "");
        case OP_BITOR: return LLVMBuildOr(c->b, a, b, "");
        default: return LLVMBuildXor(c->b, a, b, "");
        }
    }

    /* integers (int64 or uint64): two's complement wrap-around */
    switch (op) {
    case OP_ADD: return LLVMBuildAdd(c->b, a, b, "");
    case OP_SUB: return LLVMBuildSub(c->b, a, b, "");
    case OP_MUL: return LLVMBuildMul(c->b, a, b, "");
    case OP_BITAND: return LLVMBuildAnd(c->b, a, b, "");
    case OP_BITOR: return LLVMBuildOr(c->b, a, b, "");
    case OP_BITXOR: return LLVMBuildXor(c->b, a, b, "");
    case OP_FLOORDIV:
    case OP_MOD: {
        LLVMValueRef zero = LLVMConstNull(LLVMTypeOf(b)), safe_b, r;
        LLVMValueRef bz = LLVMBuildICmp(c->b, LLVMIntEQ, b, zero, "");
        if (!numpy_errors(c))
            jp_check(c, bz, PyExc_ZeroDivisionError,
                     jp_errtext_get(op == OP_MOD ? ERR_INT_MOD_ZERO : ERR_INT_FLOORDIV_ZERO));
        safe_b = LLVMBuildSelect(c->b, bz, LLVMConstInt(LLVMTypeOf(b), 1, 0), b, "");
        if (work->is_signed)
            r = int_floordiv_mod(c, a, safe_b, op == OP_MOD);
        else
            r = op == OP_MOD ? LLVMBuildURem(c->b, a, safe_b, "") : LLVMBuildUDiv(c->b, a, safe_b, "");
        return numpy_errors(c) ? LLVMBuildSelect(c->b, bz, zero, r, "") : r;
    }
    case OP_POW: {
        LLVMValueRef args[2];
        if (work->is_signed)
            jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, b, LLVMConstNull(LLVMTypeOf(b)), ""), PyExc_ValueError,
                     "integer to a negative integer power is not supported in jit code "
                     "(the result would be a float): use a float base, e.g. float(x) ** n");
        {
            LLVMValueRef r = jp_lower_pow_const_int(c, a, right);     /* lower_pow.c */
            if (r)
                return r;
        }
        args[0] = jp_cast(c, a, work, jp_type_int(64, work->is_signed));
        args[1] = jp_cast(c, b, work, jp_type_int(64, work->is_signed));
        return jp_cast(c, jp_call_extern(c, "jp_rt_ipow", i64, args, 2), jp_type_int(64, work->is_signed), work);
    }
    case OP_LSHIFT:
    case OP_RSHIFT: {
        LLVMValueRef zero = LLVMConstNull(i64), big = LLVMConstInt(i64, 63, 0), r;
        LLVMValueRef over = LLVMBuildICmp(c->b, LLVMIntSGT, b, big, "");
        LLVMValueRef amt = LLVMBuildSelect(c->b, over, big, b, "");
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, b, zero, ""), PyExc_ValueError,
                 jp_errtext_get(ERR_NEG_SHIFT));
        if (op == OP_LSHIFT) {
            r = LLVMBuildShl(c->b, a, amt, "");
            return LLVMBuildSelect(c->b, over, zero, r, "");
        }
        /* arithmetic shift by >= 63 gives 0 or -1, as Python */
        return work->is_signed ? LLVMBuildAShr(c->b, a, amt, "")
                               : LLVMBuildSelect(c->b, over, zero, LLVMBuildLShr(c->b, a, amt, ""), "");
    }
    default:
        return jp_lower_unhandled(c, LLVMTypeOf(a), "binary operator %d on %s", (int)op, work->name);
    }
}

/* ---- comparisons -------------------------------------------------------------- */

static LLVMValueRef
cmp_same(lctx *c, jp_cmpop op, LLVMValueRef a, LLVMValueRef b, jp_type *t)
{
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);
    if (t->kind == JP_FLOAT) {
        static const LLVMRealPredicate preds[] = {LLVMRealOEQ, LLVMRealUNE, LLVMRealOLT,
                                                  LLVMRealOLE, LLVMRealOGT, LLVMRealOGE};
        return LLVMBuildFCmp(c->b, preds[op], a, b, "");
    }
    if (t->kind == JP_INT || t->kind == JP_BOOL) {
        static const LLVMIntPredicate spred[] = {LLVMIntEQ, LLVMIntNE, LLVMIntSLT,
                                                 LLVMIntSLE, LLVMIntSGT, LLVMIntSGE};
        static const LLVMIntPredicate upred[] = {LLVMIntEQ, LLVMIntNE, LLVMIntULT,
                                                 LLVMIntULE, LLVMIntUGT, LLVMIntUGE};
        return LLVMBuildICmp(c->b, (t->kind == JP_INT && t->is_signed) ? spred[op] : upred[op], a, b, "");
    }
    if (t->kind == JP_COMPLEX) {
        LLVMValueRef eq = LLVMBuildAnd(c->b,
                                       LLVMBuildFCmp(c->b, LLVMRealOEQ, part(c, a, 0), part(c, b, 0), ""),
                                       LLVMBuildFCmp(c->b, LLVMRealOEQ, part(c, a, 1), part(c, b, 1), ""), "");
        if (op == CMP_LT || op == CMP_LE || op == CMP_GT || op == CMP_GE) {
            /* NumPy's order: by real part, then by imaginary part
             * (a nan imaginary part makes the real-part order false) */
            static const LLVMRealPredicate strict[] = {0, 0, LLVMRealOLT, LLVMRealOLT, LLVMRealOGT, LLVMRealOGT};
            static const LLVMRealPredicate second[] = {0, 0, LLVMRealOLT, LLVMRealOLE, LLVMRealOGT, LLVMRealOGE};
            LLVMValueRef re = LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, strict[op], part(c, a, 0), part(c, b, 0), ""),
                                           LLVMBuildFCmp(c->b, LLVMRealORD, part(c, a, 1), part(c, b, 1), ""), "");
            LLVMValueRef tie = LLVMBuildAnd(c->b,
                                            LLVMBuildFCmp(c->b, LLVMRealOEQ, part(c, a, 0), part(c, b, 0), ""),
                                            LLVMBuildFCmp(c->b, second[op], part(c, a, 1), part(c, b, 1), ""), "");
            return LLVMBuildOr(c->b, re, tie, "");
        }
        return op == CMP_EQ ? eq : LLVMBuildNot(c->b, eq, "");
    }
    return LLVMConstInt(i1, op == CMP_EQ || op == CMP_LE || op == CMP_GE, 0);  /* none == none */
}

LLVMValueRef
jp_lower_compare(lctx *c, jp_cmpop op, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb)
{
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);

    if (ta->kind == JP_OPTIONAL || tb->kind == JP_OPTIONAL)
        return jp_lower_optional_compare(c, op, a, ta, b, tb);     /* lower_optional.c */
    if (ta->kind == JP_STR && tb->kind == JP_STR)       /* lower_str.c */
        return jp_lower_str_compare(c, op, a, b);
    if (op == CMP_IS || op == CMP_ISNOT) {
        LLVMValueRef r;
        if (ta->kind == JP_NONE || tb->kind == JP_NONE)
            r = LLVMConstInt(i1, ta->kind == tb->kind, 0);
        else if (jp_is_number(ta) && jp_is_number(tb) && ta->kind == tb->kind)
            r = jp_lower_compare(c, CMP_EQ, a, ta, b, tb);
        else
            r = LLVMConstInt(i1, 0, 0);
        return op == CMP_IS ? r : LLVMBuildNot(c->b, r, "");
    }
    if ((op == CMP_EQ || op == CMP_NE) && ta->kind == JP_LIST && tb->kind == JP_LIST) {
        LLVMValueRef r = jp_lower_list_equal(c, a, ta, b, tb);         /* lower_list.c */
        return op == CMP_EQ ? r : LLVMBuildNot(c->b, r, "");
    }
    if ((op == CMP_IN || op == CMP_NOTIN) && (tb->kind == JP_DICT || tb->kind == JP_SET)) {
        LLVMValueRef r = jp_lower_dict_contains(c, a, ta, b, tb);      /* lower_dict.c */
        return op == CMP_IN ? r : LLVMBuildNot(c->b, r, "");
    }
    if ((op == CMP_IN || op == CMP_NOTIN) && tb->kind == JP_LIST) {
        LLVMValueRef r = jp_lower_list_contains(c, a, ta, b, tb);      /* lower_list.c */
        return op == CMP_IN ? r : LLVMBuildNot(c->b, r, "");
    }
    if (op == CMP_IN || op == CMP_NOTIN) {
        LLVMValueRef r = LLVMConstInt(i1, 0, 0);
        for (int i = 0; i < tb->n; i++)
            r = LLVMBuildOr(c->b, r, jp_lower_compare(c, CMP_EQ, a, ta, part(c, b, (unsigned)i), tb->elems[i]), "");
        return op == CMP_IN ? r : LLVMBuildNot(c->b, r, "");
    }
    if (jp_is_number(ta) && jp_is_number(tb)) {
        jp_type *t = jp_type_unify(ta, tb);
        if (t->kind == JP_INT && ta->kind != tb->kind)
            t = jp_type_int(64, 1);
        return cmp_same(c, op, jp_cast(c, a, ta, t), jp_cast(c, b, tb, t), t);
    }
    if (ta->kind == JP_TUPLE && tb->kind == JP_TUPLE) {
        if (op == CMP_EQ || op == CMP_NE) {
            LLVMValueRef eq = LLVMConstInt(i1, ta->n == tb->n, 0);
            if (ta->n == tb->n)
                for (int i = 0; i < ta->n; i++)
                    eq = LLVMBuildAnd(c->b, eq, jp_lower_compare(c, CMP_EQ, part(c, a, (unsigned)i), ta->elems[i],
                                                                  part(c, b, (unsigned)i), tb->elems[i]), "");
            return op == CMP_EQ ? eq : LLVMBuildNot(c->b, eq, "");
        }
        /* lexicographic, folded from the last element */
        {
            LLVMValueRef r = LLVMConstInt(i1, op == CMP_LE || op == CMP_GE, 0);
            for (int i = ta->n - 1; i >= 0; i--) {
                LLVMValueRef x = part(c, a, (unsigned)i), y = part(c, b, (unsigned)i);
                LLVMValueRef eq = jp_lower_compare(c, CMP_EQ, x, ta->elems[i], y, tb->elems[i]);
                LLVMValueRef here = jp_lower_compare(c, op, x, ta->elems[i], y, tb->elems[i]);
                r = LLVMBuildSelect(c->b, eq, r, here, "");
            }
            return r;
        }
    }
    if (ta->kind == JP_NONE && tb->kind == JP_NONE)
        return LLVMConstInt(i1, op == CMP_EQ, 0);
    return LLVMConstInt(i1, op == CMP_NE, 0);   /* different kinds are never equal */
}

/* int(x) for a float: ValueError for NaN, OverflowError for inf and for
 * values outside int64, as CPython words them. */
LLVMValueRef
jp_lower_float_to_int(lctx *c, LLVMValueRef v, jp_type *from)
{
    LLVMTypeRef t = LLVMTypeOf(v);
    LLVMValueRef d = jp_cast(c, v, from, jp_type_float(64));
    LLVMValueRef absd = intrinsic(c, "fabs", LLVMDoubleTypeInContext(c->ctx), &d, 1);
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "f2i.check");
    LLVMBasicBlockRef fast = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "f2i.ok");
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c->ctx);
    LLVMTypeRef fty = LLVMFunctionType(i1, (LLVMTypeRef[]){i1, i1}, 2, 0);
    LLVMValueRef expect = LLVMGetNamedFunction(c->mod, "llvm.expect.i1"), in_range;
    (void)t;
    /* one compare on the hot path (|d| < 2**63 is false for nan and inf);
     * the errors are told apart off it, where -2**63 itself is let through */
    if (expect == NULL)
        expect = LLVMAddFunction(c->mod, "llvm.expect.i1", fty);
    in_range = LLVMBuildFCmp(c->b, LLVMRealOLT, absd, jp_const_f64(c, 9223372036854775808.0), "");
    in_range = LLVMBuildCall2(c->b, fty, expect, (LLVMValueRef[]){in_range, LLVMConstInt(i1, 1, 0)}, 2, "");
    LLVMBuildCondBr(c->b, in_range, fast, slow);
    LLVMPositionBuilderAtEnd(c->b, slow);
    jp_check(c, LLVMBuildFCmp(c->b, LLVMRealUNO, d, d, ""), PyExc_ValueError, jp_errtext_get(ERR_FLOAT_NAN_TO_INT));
    jp_check(c, LLVMBuildFCmp(c->b, LLVMRealOEQ, absd, jp_const_f64(c, __builtin_inf()), ""),
             PyExc_OverflowError, jp_errtext_get(ERR_FLOAT_INF_TO_INT));
    jp_check(c, LLVMBuildOr(c->b, LLVMBuildFCmp(c->b, LLVMRealOGE, d, jp_const_f64(c, 9223372036854775808.0), ""),
                            LLVMBuildFCmp(c->b, LLVMRealOLT, d, jp_const_f64(c, -9223372036854775808.0), ""), ""),
             PyExc_OverflowError, "float too large to convert to int64 in jit code");
    LLVMBuildBr(c->b, fast);
    LLVMPositionBuilderAtEnd(c->b, fast);
    return LLVMBuildFPToSI(c->b, d, LLVMInt64TypeInContext(c->ctx), "");
}
