/* jit/lib_math.c - the rest of `math` (beyond the table in lower_math.c) and
 * cmath.isclose: factorial gcd lcm isqrt comb perm (int64 results), frexp
 * ldexp modf remainder nextafter ulp isclose fma, hypot with any number of
 * arguments, dist, fsum and prod (over tuples and 1-d arrays).
 *
 * Results follow CPython's math module: the same libm calls and checks, the
 * same exception classes and texts, fsum is CPython's exact (Shewchuk)
 * summation.  Integer results are int64: where CPython would return a
 * bigger int, jit code raises OverflowError instead of returning it.
 */
#include "jit/lib.h"
#include "jit/errors.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* ---- run time ---------------------------------------------------------------------- */

enum { I_FACTORIAL, I_GCD, I_LCM, I_ISQRT, I_COMB, I_PERM };
enum { ST_OK, ST_FACT_NEG, ST_ISQRT_NEG, ST_N_NEG, ST_K_NEG, ST_OVERFLOW, ST_FSUM_INF, ST_FSUM_OVERFLOW };

static const char *status_text[] = {
    "", "factorial() not defined for negative values", "isqrt() argument must be nonnegative",
    "n must be a non-negative integer", "k must be a non-negative integer",
    "integer result does not fit in int64 (jit integers are int64)",
    "-inf + inf in fsum", "intermediate overflow in fsum",
};

static int64_t
gcd64(int64_t a, int64_t b, int32_t *status)
{
    uint64_t x = a < 0 ? 0 - (uint64_t)a : (uint64_t)a, y = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
    while (y) {
        uint64_t t = x % y;
        x = y;
        y = t;
    }
    if (x > (uint64_t)INT64_MAX)
        *status = ST_OVERFLOW;
    return (int64_t)x;
}

int64_t
jp_lib_intfn(int32_t which, int64_t a, int64_t b, int32_t *status)
{
    int64_t r = 1;
    *status = ST_OK;
    switch (which) {
    case I_FACTORIAL:
        if (a < 0) {
            *status = ST_FACT_NEG;
            return 0;
        }
        for (int64_t i = 2; i <= a; i++)
            if (__builtin_mul_overflow(r, i, &r)) {
                *status = ST_OVERFLOW;
                return 0;
            }
        return r;
    case I_GCD:
        return gcd64(a, b, status);
    case I_LCM: {
        int64_t g;
        if (a == 0 || b == 0)
            return 0;
        g = gcd64(a, b, status);
        if (*status)
            return 0;
        if (__builtin_mul_overflow(a / g, b, &r) || r == INT64_MIN) {
            *status = ST_OVERFLOW;
            return 0;
        }
        return r < 0 ? -r : r;
    }
    case I_ISQRT: {
        uint64_t x, y;
        if (a < 0) {
            *status = ST_ISQRT_NEG;
            return 0;
        }
        x = (uint64_t)sqrt((double)a);
        /* correct the float estimate to floor(sqrt(a)) */
        while (x * x > (uint64_t)a)
            x--;
        for (y = x + 1; y * y <= (uint64_t)a; y = x + 1)
            x = y;
        return (int64_t)x;
    }
    case I_COMB:
    case I_PERM: {
        if (a < 0 || b < 0) {
            *status = a < 0 ? ST_N_NEG : ST_K_NEG;
            return 0;
        }
        if (b > a)
            return 0;
        if (which == I_COMB && b > a - b)
            b = a - b;
        for (int64_t i = 1; i <= b; i++) {
            if (which == I_PERM) {
                if (__builtin_mul_overflow(r, a - b + i, &r))
                    goto overflow;
            } else {
                /* r * (a - b + i) / i is exact at each step; go through 128 bits */
                __int128 t = (__int128)r * (a - b + i);
                t /= i;
                if (t > INT64_MAX)
                    goto overflow;
                r = (int64_t)t;
            }
        }
        return r;
overflow:
        *status = ST_OVERFLOW;
        return 0;
    }
    default:
        return 0;
    }
}

/* math.fsum: CPython's exact summation over n doubles `stride` bytes apart */
double
jp_lib_fsum(const char *data, int64_t n, int64_t stride, int32_t *status)
{
    double p[256], x, y, t, hi = 0.0, yr, lo = 0.0, special = 0.0, inf_sum = 0.0;
    int np = 0;
    *status = ST_OK;
    for (int64_t k = 0; k < n; k++) {
        double xsave;
        int i = 0;
        memcpy(&x, data + k * stride, sizeof x);
        xsave = x;
        for (int j = 0; j < np; j++) {
            y = p[j];
            if (fabs(x) < fabs(y)) {
                t = x;
                x = y;
                y = t;
            }
            hi = x + y;
            yr = hi - x;
            lo = y - yr;
            if (lo != 0.0)
                p[i++] = lo;
            x = hi;
        }
        np = i;
        if (x != 0.0) {
            if (!isfinite(x)) {
                if (isfinite(xsave)) {
                    *status = ST_FSUM_OVERFLOW;
                    return 0.0;
                }
                if (isinf(xsave))
                    inf_sum += xsave;
                special += xsave;
                np = 0;
            } else if (np < 256) {      /* non-overlapping partials: at most ~40 */
                p[np++] = x;
            }
        }
    }
    if (special != 0.0) {
        if (isnan(inf_sum))
            *status = ST_FSUM_INF;
        return special;
    }
    hi = 0.0;
    if (np > 0) {
        hi = p[--np];
        while (np > 0) {
            x = hi;
            y = p[--np];
            hi = x + y;
            yr = hi - x;
            lo = y - yr;
            if (lo != 0.0)
                break;
        }
        if (np > 0 && ((lo < 0.0 && p[np - 1] < 0.0) || (lo > 0.0 && p[np - 1] > 0.0))) {
            y = lo * 2.0;
            x = hi + y;
            yr = x - hi;
            if (y == yr)
                hi = x;
        }
    }
    return hi;
}

/* sqrt(sum v[i]^2) without overflow or underflow and with the squares summed
 * in double-double: hypot(*coords) and dist().  inf wins over nan. */
double
jp_lib_norm(const double *v, int64_t n)
{
    double max = 0.0, scale, sh = 0.0, sl = 0.0, h, pre = 1.0;
    int found_nan = 0, e;
    for (int64_t i = 0; i < n; i++) {
        double x = fabs(v[i]);
        found_nan |= isnan(x);
        if (x > max)
            max = x;
    }
    if (isinf(max))
        return max;
    if (found_nan)
        return NAN;
    if (max == 0.0 || n <= 1)
        return max;
    if (max < 0x1p-1000)        /* subnormal range: scale up exactly in two steps */
        pre = 0x1p600;
    frexp(max * pre, &e);
    scale = ldexp(1.0, -e);
    for (int64_t i = 0; i < n; i++) {
        double x = (fabs(v[i]) * pre) * scale, p = x * x, pe = fma(x, x, -p);
        double s = sh + p, bb = s - sh, err = (sh - (s - bb)) + (p - bb);
        sh = s;
        sl += err + pe;
    }
    {
        double s = sh + sl;
        sl = sl - (s - sh);
        sh = s;
    }
    h = sqrt(sh);
    /* one Newton step on the double-double: h += (sh + sl - h*h) / (2h) */
    {
        double hh = h * h, hhe = fma(h, h, -hh);
        h += ((sh - hh) - hhe + sl) / (2.0 * h);
    }
    return h / scale / pre;
}

/* ---- typing ----------------------------------------------------------------------- */

static jp_type *
type_int(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    (void)call;
    for (int i = 0; i < nargs; i++)
        if (args[i] && !(fn->id == I_PERM && i == 1 && at[i]->kind == JP_NONE)
            && !jp_lib_need_int(c, args[i], at[i], fn))
            return NULL;
    return jp_type_int(64, 1);
}

static jp_type *
type_float(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    (void)call;
    for (int i = 0; i < nargs; i++)
        if (args[i]) {
            if (strcmp(fn->name, "ldexp") == 0 && i == 1) {
                if (!jp_lib_need_int(c, args[i], at[i], fn))
                    return NULL;
            } else if (!jp_lib_need_real(c, args[i], at[i], fn)) {
                return NULL;
            }
        }
    if (strcmp(fn->name, "isclose") == 0)
        return jp_type_bool();
    if (strcmp(fn->name, "frexp") == 0) {
        jp_type *e[2] = {jp_type_float(64), jp_type_int(64, 1)};
        return jp_type_tuple(2, e);
    }
    if (strcmp(fn->name, "modf") == 0) {
        jp_type *e[2] = {jp_type_float(64), jp_type_float(64)};
        return jp_type_tuple(2, e);
    }
    return jp_type_float(64);
}

static jp_type *
type_cisclose(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    (void)call;
    for (int i = 0; i < nargs; i++)
        if (args[i] && !jp_is_number(at[i]))
            return jp_error_at(JpTypingError, c->ir, args[i], NULL, "cmath.isclose() needs numbers, not %s", at[i]->name);
        else if (args[i] && i >= 2 && !jp_lib_need_real(c, args[i], at[i], fn))
            return NULL;
    return jp_type_bool();
}

/* a tuple of numbers, or a 1-d array of numbers */
static int
is_number_sequence(jp_type *t)
{
    if (t->kind == JP_ARRAY)
        return t->ndim == 1 && jp_is_number(t->dtype);
    if (t->kind != JP_TUPLE)
        return 0;
    for (int i = 0; i < t->n; i++)
        if (!jp_is_number(t->elems[i]))
            return 0;
    return 1;
}

static jp_type *
type_reduce(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    int is_prod = strcmp(fn->name, "prod") == 0;
    (void)call;
    (void)nargs;
    for (int i = 0; i < (strcmp(fn->name, "dist") == 0 ? 2 : 1); i++) {
        if (at[i]->kind == JP_ARRAY && strcmp(fn->name, "dist") == 0)
            return jp_error_at(JpTypingError, c->ir, args[i], "pass tuples, or write math.sqrt(((p - q) ** 2).sum())",
                               "math.dist() in jit code takes tuples, not arrays");
        if (!is_number_sequence(at[i]))
            return jp_error_at(JpTypingError, c->ir, args[i], "pass a tuple of numbers or a 1-d array",
                               "math.%s() in jit code takes a tuple or 1-d array of numbers, not %s",
                               fn->name, at[i]->name);
        if (!is_prod) {
            jp_type *et = at[i]->kind == JP_ARRAY ? at[i]->dtype : NULL;
            for (int k = 0; et == NULL && k < at[i]->n; k++)
                if (at[i]->elems[k]->kind == JP_COMPLEX)
                    et = at[i]->elems[k];
            if (et && et->kind == JP_COMPLEX)
                return jp_error_at(JpTypingError, c->ir, args[i], NULL, "math.%s() does not accept complex numbers",
                                   fn->name);
        }
    }
    if (!is_prod && at[0]->kind == JP_ARRAY && (strcmp(fn->name, "dist") == 0 || at[0]->dtype->kind != JP_FLOAT
                                                 || at[0]->dtype->bits != 64))
        return jp_error_at(JpTypingError, c->ir, args[0],
                           strcmp(fn->name, "dist") == 0 ? "pass tuples, or write math.sqrt(((p - q) ** 2).sum())"
                                                         : "convert it first: a.astype(np.float64)",
                           strcmp(fn->name, "dist") == 0 ? "math.%s() in jit code takes tuples, not arrays"
                                                         : "math.%s() in jit code takes float64 arrays", fn->name);
    if (strcmp(fn->name, "dist") == 0 && at[0]->n != at[1]->n)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "math.dist(): both points must have the same number of dimensions");
    if (is_prod) {
        jp_type *t = args[1] ? at[1] : jp_type_int(64, 1);
        if (args[1] && !jp_is_number(t))
            return jp_error_at(JpTypingError, c->ir, args[1], NULL, "math.prod() start must be a number, not %s", t->name);
        if (at[0]->kind == JP_ARRAY)
            return jp_binop_type(OP_MUL, t, at[0]->dtype, NULL);
        for (int k = 0; k < at[0]->n && t; k++)
            t = jp_binop_type(OP_MUL, t, at[0]->elems[k], NULL);
        return t ? t : jp_error_at(JpTypingError, c->ir, args[0], NULL, "math.prod(): cannot multiply these elements");
    }
    return jp_type_float(64);
}

static jp_type *
type_hypot(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    (void)call;
    for (int i = 0; i < nargs; i++)
        if (!jp_lib_need_real(c, args[i], at[i], fn))
            return NULL;
    return jp_type_float(64);
}

/* ---- lowering ---------------------------------------------------------------------- */

static LLVMTypeRef
f64(lctx *c)
{
    return LLVMDoubleTypeInContext(c->ctx);
}

static LLVMTypeRef
i32(lctx *c)
{
    return LLVMInt32TypeInContext(c->ctx);
}

static LLVMValueRef
fabs_(lctx *c, LLVMValueRef v)
{
    return jp_call_extern(c, "llvm.fabs.f64", f64(c), &v, 1);
}

static LLVMValueRef
isnan_(lctx *c, LLVMValueRef v)
{
    return LLVMBuildFCmp(c->b, LLVMRealUNO, v, v, "");
}

static LLVMValueRef
isinf_(lctx *c, LLVMValueRef v)
{
    return LLVMBuildFCmp(c->b, LLVMRealOEQ, fabs_(c, v), jp_const_f64(c, INFINITY), "");
}

static LLVMValueRef
isfinite_(lctx *c, LLVMValueRef v)
{
    return LLVMBuildFCmp(c->b, LLVMRealOLT, fabs_(c, v), jp_const_f64(c, INFINITY), "");
}

static int
checks_on(lctx *c)
{
    return !(c->opts && c->opts->error_model_numpy);
}

static void
status_checks(lctx *c, LLVMValueRef slot, const int *codes, int n)
{
    LLVMValueRef s = LLVMBuildLoad2(c->b, i32(c), slot, "");
    for (int i = 0; i < n; i++)
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, s, LLVMConstInt(i32(c), (unsigned long long)codes[i], 0), ""),
                 codes[i] == ST_OVERFLOW || codes[i] == ST_FSUM_OVERFLOW ? PyExc_OverflowError : PyExc_ValueError,
                 status_text[codes[i]]);
}

/* gcd(|a|, |b|) inline: Stein's binary algorithm on unsigned 64-bit values
 * (so the loop sits in the caller's loop, with no call); 2**63 comes out
 * negative and the caller raises OverflowError. */
static LLVMValueRef
gcd_inline(lctx *c, LLVMValueRef a, LLVMValueRef b)
{
    LLVMTypeRef i64 = LLVMInt64TypeInContext(c->ctx);
    LLVMValueRef zero = jp_const_i64(c, 0), f = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0);
    LLVMValueRef ua = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, a, zero, ""), LLVMBuildNeg(c->b, a, ""), a, "");
    LLVMValueRef ub = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, b, zero, ""), LLVMBuildNeg(c->b, b, ""), b, "");
    LLVMValueRef either = LLVMBuildOr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, ua, zero, ""),
                                      LLVMBuildICmp(c->b, LLVMIntEQ, ub, zero, ""), "");
    LLVMBasicBlockRef from = LLVMGetInsertBlock(c->b);
    LLVMBasicBlockRef pre = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gcd.pre");
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gcd.head");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gcd.body");
    LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gcd.exit");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "gcd.done");
    LLVMValueRef shift, u0, v0, u, v, lo, hi, d, u1, v1, r, res, uor = LLVMBuildOr(c->b, ua, ub, "");
#define CTTZ(x) jp_call_extern(c, "llvm.cttz.i64", i64, (LLVMValueRef[]){(x), f}, 2)
    LLVMBuildCondBr(c->b, either, done, pre);
    LLVMPositionBuilderAtEnd(c->b, pre);
    shift = CTTZ(uor);
    u0 = LLVMBuildLShr(c->b, ua, CTTZ(ua), "");
    v0 = LLVMBuildLShr(c->b, ub, CTTZ(ub), "");
    LLVMBuildBr(c->b, head);
    LLVMPositionBuilderAtEnd(c->b, head);
    u = LLVMBuildPhi(c->b, i64, "u");
    v = LLVMBuildPhi(c->b, i64, "v");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, u, v, ""), body, exit);
    LLVMPositionBuilderAtEnd(c->b, body);
    lo = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntULT, u, v, ""), u, v, "");
    hi = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntULT, u, v, ""), v, u, "");
    d = LLVMBuildSub(c->b, hi, lo, "");
    u1 = lo;
    v1 = LLVMBuildLShr(c->b, d, CTTZ(d), "");
    LLVMBuildBr(c->b, head);
    LLVMAddIncoming(u, (LLVMValueRef[]){u0, u1}, (LLVMBasicBlockRef[]){pre, body}, 2);
    LLVMAddIncoming(v, (LLVMValueRef[]){v0, v1}, (LLVMBasicBlockRef[]){pre, body}, 2);
    LLVMPositionBuilderAtEnd(c->b, exit);
    r = LLVMBuildShl(c->b, u, shift, "");
    LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    res = LLVMBuildPhi(c->b, i64, "gcd");
    LLVMAddIncoming(res, (LLVMValueRef[]){uor, r}, (LLVMBasicBlockRef[]){from, exit}, 2);
#undef CTTZ
    return res;
}

static LLVMValueRef
lower_int(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    jp_type *i = jp_type_int(64, 1);
    LLVMValueRef slot = jp_alloca(c, i32(c), "status"), r;
    LLVMTypeRef i64 = LLVMInt64TypeInContext(c->ctx);
    static const int codes[] = {ST_FACT_NEG, ST_ISQRT_NEG, ST_N_NEG, ST_K_NEG, ST_OVERFLOW};
    (void)call;
    if (fn->id == I_GCD || fn->id == I_LCM) {
        /* gcd() is 0, lcm() is 1; fold left over the arguments */
        r = jp_const_i64(c, nargs == 0 ? (fn->id == I_GCD ? 0 : 1) : 0);
        for (int k = 0; k < nargs; k++) {
            LLVMValueRef v = jp_lib_arg(c, args[k], i);
            if (k == 0 || fn->id == I_GCD) {
                r = gcd_inline(c, v, k == 0 ? jp_const_i64(c, 0) : r);     /* gcd(v, 0) is |v| */
                jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, r, jp_const_i64(c, 0), ""), PyExc_OverflowError,
                         status_text[ST_OVERFLOW]);
            } else {
                LLVMValueRef a[4] = {LLVMConstInt(i32(c), (unsigned long long)fn->id, 0), r, v, slot};
                r = jp_call_extern(c, "jp_lib_intfn", i64, a, 4);
                status_checks(c, slot, codes + 4, 1);
            }
        }
        return r;
    }
    {
        LLVMValueRef a0 = jp_lib_arg(c, args[0], i);
        LLVMValueRef a1 = nargs > 1 && args[1] && jp_node_type(c, args[1])->kind != JP_NONE
            ? jp_lib_arg(c, args[1], i) : a0;      /* perm(n) = perm(n, n) */
        LLVMValueRef a[4] = {LLVMConstInt(i32(c), (unsigned long long)fn->id, 0), a0, a1, slot};
        r = jp_call_extern(c, "jp_lib_intfn", i64, a, 4);
        status_checks(c, slot, codes, 5);
        return r;
    }
}

static LLVMValueRef
pair(lctx *c, jp_type *t, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef v = LLVMGetUndef(jp_llvm_type(c->ctx, t));
    v = LLVMBuildInsertValue(c->b, v, a, 0, "");
    return LLVMBuildInsertValue(c->b, v, b, 1, "");
}

static LLVMValueRef
lower_float(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    jp_type *f = jp_type_float(64);
    const char *name = fn->name;
    LLVMValueRef x = args[0] ? jp_lib_arg(c, args[0], f) : NULL, r;
    (void)nargs;
    if (strcmp(name, "frexp") == 0) {
        LLVMValueRef e = jp_alloca(c, i32(c), "exp"), a[2] = {x, e}, m, ev;
        LLVMValueRef special = LLVMBuildOr(c->b, isnan_(c, x), isinf_(c, x), "");
        m = jp_call_extern(c, "frexp", f64(c), a, 2);
        ev = LLVMBuildSExt(c->b, LLVMBuildLoad2(c->b, i32(c), e, ""), LLVMInt64TypeInContext(c->ctx), "");
        return pair(c, jp_node_type(c, call), LLVMBuildSelect(c->b, special, x, m, ""),
                    LLVMBuildSelect(c->b, special, jp_const_i64(c, 0), ev, ""));
    }
    if (strcmp(name, "modf") == 0) {
        LLVMValueRef ip = jp_alloca(c, f64(c), "ipart"), a[2] = {x, ip};
        LLVMValueRef frac = jp_call_extern(c, "modf", f64(c), a, 2);
        return pair(c, jp_node_type(c, call), frac, LLVMBuildLoad2(c->b, f64(c), ip, ""));
    }
    if (strcmp(name, "ldexp") == 0) {
        LLVMValueRef n = jp_lib_arg(c, args[1], jp_type_int(64, 1)), a[2];
        LLVMValueRef lim = jp_const_i64(c, 1 << 20);
        /* exponents past +-2**20 saturate: the result is 0 or inf anyway */
        n = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSGT, n, lim, ""), lim, n, "");
        n = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, n, LLVMBuildNeg(c->b, lim, ""), ""),
                            LLVMBuildNeg(c->b, lim, ""), n, "");
        a[0] = x;
        a[1] = LLVMBuildTrunc(c->b, n, i32(c), "");
        r = jp_call_extern(c, "ldexp", f64(c), a, 2);
        if (checks_on(c))
            jp_check(c, LLVMBuildAnd(c->b, isinf_(c, r), isfinite_(c, x), ""), PyExc_OverflowError,
                     jp_errtext_get(ERR_MATH_RANGE));
        return r;
    }
    if (strcmp(name, "remainder") == 0) {
        LLVMValueRef y = jp_lib_arg(c, args[1], f), a[2] = {x, y};
        r = jp_call_extern(c, "remainder", f64(c), a, 2);
        if (checks_on(c))
            jp_check(c, LLVMBuildAnd(c->b, isnan_(c, r),
                                     LLVMBuildNot(c->b, LLVMBuildOr(c->b, isnan_(c, x), isnan_(c, y), ""), ""), ""),
                     PyExc_ValueError, jp_errtext_get(ERR_MATH_DOMAIN));
        return r;
    }
    if (strcmp(name, "nextafter") == 0) {
        LLVMValueRef a[2] = {x, jp_lib_arg(c, args[1], f)};
        return jp_call_extern(c, "nextafter", f64(c), a, 2);
    }
    if (strcmp(name, "ulp") == 0) {
        LLVMValueRef ax = fabs_(c, x), inf = jp_const_f64(c, INFINITY);
        LLVMValueRef up = jp_call_extern(c, "nextafter", f64(c), (LLVMValueRef[]){ax, inf}, 2);
        LLVMValueRef down = jp_call_extern(c, "nextafter", f64(c), (LLVMValueRef[]){ax, LLVMBuildFNeg(c->b, inf, "")}, 2);
        r = LLVMBuildSelect(c->b, isinf_(c, up), LLVMBuildFSub(c->b, ax, down, ""), LLVMBuildFSub(c->b, up, ax, ""), "");
        r = LLVMBuildSelect(c->b, isinf_(c, ax), ax, r, "");
        return LLVMBuildSelect(c->b, isnan_(c, x), x, r, "");
    }
    if (strcmp(name, "fma") == 0) {
        LLVMValueRef y = jp_lib_arg(c, args[1], f), z = jp_lib_arg(c, args[2], f), a[3] = {x, y, z};
        r = jp_call_extern(c, "llvm.fma.f64", f64(c), a, 3);
        if (checks_on(c)) {
            LLVMValueRef anynan = LLVMBuildOr(c->b, LLVMBuildOr(c->b, isnan_(c, x), isnan_(c, y), ""), isnan_(c, z), "");
            LLVMValueRef allfin = LLVMBuildAnd(c->b, LLVMBuildAnd(c->b, isfinite_(c, x), isfinite_(c, y), ""), isfinite_(c, z), "");
            jp_check(c, LLVMBuildAnd(c->b, isnan_(c, r), LLVMBuildNot(c->b, anynan, ""), ""), PyExc_ValueError,
                     "invalid operation in fma");
            jp_check(c, LLVMBuildAnd(c->b, isinf_(c, r), allfin, ""), PyExc_OverflowError, "overflow in fma");
        }
        return r;
    }
    if (strcmp(name, "isclose") == 0) {
        /* isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0), CPython's math_isclose_impl */
        LLVMValueRef b = jp_lib_arg(c, args[1], f);
        LLVMValueRef rel = args[2] ? jp_lib_arg(c, args[2], f) : jp_const_f64(c, 1e-09);
        LLVMValueRef abst = args[3] ? jp_lib_arg(c, args[3], f) : jp_const_f64(c, 0.0);
        LLVMValueRef zero = jp_const_f64(c, 0.0), diff, close;
        jp_check(c, LLVMBuildOr(c->b, LLVMBuildFCmp(c->b, LLVMRealOLT, rel, zero, ""),
                                LLVMBuildFCmp(c->b, LLVMRealOLT, abst, zero, ""), ""),
                 PyExc_ValueError, "tolerances must be non-negative");
        diff = fabs_(c, LLVMBuildFSub(c->b, b, x, ""));
        close = LLVMBuildOr(c->b, LLVMBuildFCmp(c->b, LLVMRealOLE, diff, fabs_(c, LLVMBuildFMul(c->b, rel, b, "")), ""),
                            LLVMBuildFCmp(c->b, LLVMRealOLE, diff, fabs_(c, LLVMBuildFMul(c->b, rel, x, "")), ""), "");
        close = LLVMBuildOr(c->b, close, LLVMBuildFCmp(c->b, LLVMRealOLE, diff, abst, ""), "");
        close = LLVMBuildAnd(c->b, close, LLVMBuildNot(c->b, LLVMBuildOr(c->b, isinf_(c, x), isinf_(c, b), ""), ""), "");
        return LLVMBuildOr(c->b, LLVMBuildFCmp(c->b, LLVMRealOEQ, x, b, ""), close, "");
    }
    return LLVMGetUndef(f64(c));
}

static LLVMValueRef
lower_cisclose(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    jp_type *f = jp_type_float(64), *z = jp_type_complex(128);
    LLVMValueRef a = jp_lib_arg(c, args[0], z), b = jp_lib_arg(c, args[1], z);
    LLVMValueRef rel = args[2] ? jp_lib_arg(c, args[2], f) : jp_const_f64(c, 1e-09);
    LLVMValueRef abst = args[3] ? jp_lib_arg(c, args[3], f) : jp_const_f64(c, 0.0);
    LLVMValueRef ar = LLVMBuildExtractValue(c->b, a, 0, ""), ai = LLVMBuildExtractValue(c->b, a, 1, "");
    LLVMValueRef br = LLVMBuildExtractValue(c->b, b, 0, ""), bi = LLVMBuildExtractValue(c->b, b, 1, "");
    LLVMValueRef zero = jp_const_f64(c, 0.0), diff, absa, absb, close, eq, anyinf;
    (void)call, (void)fn, (void)nargs;
    jp_check(c, LLVMBuildOr(c->b, LLVMBuildFCmp(c->b, LLVMRealOLT, rel, zero, ""),
                            LLVMBuildFCmp(c->b, LLVMRealOLT, abst, zero, ""), ""),
             PyExc_ValueError, "tolerances must be non-negative");
    diff = jp_call_extern(c, "hypot", f64(c), (LLVMValueRef[]){LLVMBuildFSub(c->b, ar, br, ""), LLVMBuildFSub(c->b, ai, bi, "")}, 2);
    absa = jp_call_extern(c, "hypot", f64(c), (LLVMValueRef[]){ar, ai}, 2);
    absb = jp_call_extern(c, "hypot", f64(c), (LLVMValueRef[]){br, bi}, 2);
    eq = LLVMBuildAnd(c->b, LLVMBuildFCmp(c->b, LLVMRealOEQ, ar, br, ""), LLVMBuildFCmp(c->b, LLVMRealOEQ, ai, bi, ""), "");
    anyinf = LLVMBuildOr(c->b, LLVMBuildOr(c->b, isinf_(c, ar), isinf_(c, ai), ""),
                         LLVMBuildOr(c->b, isinf_(c, br), isinf_(c, bi), ""), "");
    close = LLVMBuildOr(c->b, LLVMBuildFCmp(c->b, LLVMRealOLE, diff, LLVMBuildFMul(c->b, rel, absb, ""), ""),
                        LLVMBuildFCmp(c->b, LLVMRealOLE, diff, LLVMBuildFMul(c->b, rel, absa, ""), ""), "");
    close = LLVMBuildOr(c->b, close, LLVMBuildFCmp(c->b, LLVMRealOLE, diff, abst, ""), "");
    return LLVMBuildOr(c->b, eq, LLVMBuildAnd(c->b, close, LLVMBuildNot(c->b, anyinf, ""), ""), "");
}

/* a loop for i in range(n): body(i) */
typedef void (*loop_body)(lctx *c, LLVMValueRef i, void *ctx);

static void
count_loop(lctx *c, LLVMValueRef n, loop_body body, void *ctx)
{
    LLVMTypeRef i64 = LLVMInt64TypeInContext(c->ctx);
    LLVMValueRef slot = jp_alloca(c, i64, "i");
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "lib.head");
    LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "lib.body");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "lib.done");
    LLVMValueRef i;
    LLVMBuildStore(c->b, jp_const_i64(c, 0), slot);
    LLVMBuildBr(c->b, head);
    LLVMPositionBuilderAtEnd(c->b, head);
    i = LLVMBuildLoad2(c->b, i64, slot, "");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, i, n, ""), bb, done);
    LLVMPositionBuilderAtEnd(c->b, bb);
    body(c, i, ctx);
    LLVMBuildStore(c->b, LLVMBuildAdd(c->b, i, jp_const_i64(c, 1), ""), slot);
    LLVMBuildBr(c->b, head);
    LLVMPositionBuilderAtEnd(c->b, done);
}

typedef struct prod_ctx {
    LLVMValueRef arr, acc;
    jp_type *t, *rt;
} prod_ctx;

static void
prod_step(lctx *c, LLVMValueRef i, void *vctx)
{
    prod_ctx *r = vctx;
    LLVMValueRef v = jp_arr_load(c, jp_arr_elem_ptr(c, r->arr, r->t, &i, 1), r->t->dtype);
    LLVMValueRef acc = LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, r->rt), r->acc, "");
    LLVMBuildStore(c->b, jp_lower_binop(c, OP_MUL, acc, r->rt, v, r->t->dtype, r->rt, NULL), r->acc);
}

/* a tuple's elements (or |p[k] - q[k]| for dist) as doubles in a stack buffer */
static LLVMValueRef
tuple_doubles(lctx *c, LLVMValueRef p, jp_type *tp, LLVMValueRef q, jp_type *tq)
{
    jp_type *f = jp_type_float(64);
    LLVMValueRef buf = jp_alloca(c, LLVMArrayType(f64(c), (unsigned)(tp->n ? tp->n : 1)), "vals");
    for (int k = 0; k < tp->n; k++) {
        LLVMValueRef v = jp_cast(c, LLVMBuildExtractValue(c->b, p, (unsigned)k, ""), tp->elems[k], f);
        LLVMValueRef idx[2] = {jp_const_i64(c, 0), jp_const_i64(c, k)};
        if (q)
            v = fabs_(c, LLVMBuildFSub(c->b, v, jp_cast(c, LLVMBuildExtractValue(c->b, q, (unsigned)k, ""),
                                                          tq->elems[k], f), ""));
        LLVMBuildStore(c->b, v, LLVMBuildGEP2(c->b, LLVMArrayType(f64(c), (unsigned)(tp->n ? tp->n : 1)),
                                              buf, idx, 2, ""));
    }
    return buf;
}

static LLVMValueRef
lower_reduce(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    jp_type *t = jp_node_type(c, args[0]);
    LLVMValueRef seq = jp_lower_expr(c, args[0]), n, buf, stride;
    (void)nargs;
    n = t->kind == JP_TUPLE ? jp_const_i64(c, t->n) : jp_arr_field(c, seq, 3, 0);
    if (strcmp(fn->name, "prod") == 0) {
        jp_type *rt = jp_node_type(c, call), *st = args[1] ? jp_node_type(c, args[1]) : jp_type_int(64, 1);
        LLVMValueRef start = args[1] ? jp_lower_expr(c, args[1]) : jp_const_i64(c, 1);
        if (t->kind == JP_TUPLE) {
            /* left to right, with the type each partial product has in Python */
            LLVMValueRef acc = start;
            jp_type *at = st;
            for (int k = 0; k < t->n; k++) {
                jp_type *nt = jp_binop_type(OP_MUL, at, t->elems[k], NULL);
                acc = jp_lower_binop(c, OP_MUL, acc, at, LLVMBuildExtractValue(c->b, seq, (unsigned)k, ""),
                                     t->elems[k], nt, NULL);
                at = nt;
            }
            return jp_cast(c, acc, at, rt);
        }
        {
            prod_ctx r = {seq, jp_alloca(c, jp_llvm_type(c->ctx, rt), "prod"), t, rt};
            LLVMBuildStore(c->b, jp_cast(c, start, st, rt), r.acc);
            count_loop(c, n, prod_step, &r);
            return LLVMBuildLoad2(c->b, jp_llvm_type(c->ctx, rt), r.acc, "");
        }
    }
    if (t->kind == JP_TUPLE) {
        jp_type *tq = strcmp(fn->name, "dist") == 0 ? jp_node_type(c, args[1]) : NULL;
        buf = tuple_doubles(c, seq, t, tq ? jp_lower_expr(c, args[1]) : NULL, tq);
        stride = jp_const_i64(c, 8);
    } else {        /* fsum over a float64 array: read in place */
        buf = jp_arr_field(c, seq, 2, 0);
        stride = jp_arr_field(c, seq, 4, 0);
    }
    if (strcmp(fn->name, "fsum") == 0) {
        LLVMValueRef slot = jp_alloca(c, i32(c), "status"), res;
        static const int codes[] = {ST_FSUM_INF, ST_FSUM_OVERFLOW};
        LLVMValueRef a[4] = {buf, n, stride, slot};
        res = jp_call_extern(c, "jp_lib_fsum", f64(c), a, 4);
        if (checks_on(c))
            status_checks(c, slot, codes, 2);
        return res;
    }
    /* CPython's vector_norm: an overflow is inf, not an exception */
    return jp_call_extern(c, "jp_lib_norm", f64(c), (LLVMValueRef[]){buf, n}, 2);
}

static LLVMValueRef
lower_hypot(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    jp_type *f = jp_type_float(64);
    LLVMValueRef v[JP_LIB_MAXARGS], buf, res;
    (void)call, (void)fn;
    for (int k = 0; k < nargs; k++)
        v[k] = jp_lib_arg(c, args[k], f);
    if (nargs == 0)
        return jp_const_f64(c, 0.0);
    if (nargs == 1)
        return fabs_(c, v[0]);
    if (nargs == 2) {
        res = jp_call_extern(c, "hypot", f64(c), v, 2);
    } else {
        LLVMTypeRef at = LLVMArrayType(f64(c), (unsigned)nargs);
        buf = jp_alloca(c, at, "coords");
        for (int k = 0; k < nargs; k++) {
            LLVMValueRef idx[2] = {jp_const_i64(c, 0), jp_const_i64(c, k)};
            LLVMBuildStore(c->b, v[k], LLVMBuildGEP2(c->b, at, buf, idx, 2, ""));
        }
        res = jp_call_extern(c, "jp_lib_norm", f64(c), (LLVMValueRef[]){buf, jp_const_i64(c, nargs)}, 2);
    }
    return res;     /* CPython: an overflow is inf, never OverflowError */
}

const jp_lib_fn jp_lib_math[] = {
    {"math", "factorial", "n", 1, 1, type_int, lower_int, I_FACTORIAL, RW_NONE},
    {"math", "gcd", "*", 0, 0, type_int, lower_int, I_GCD, RW_NONE},
    {"math", "lcm", "*", 0, 0, type_int, lower_int, I_LCM, RW_NONE},
    {"math", "isqrt", "n", 1, 1, type_int, lower_int, I_ISQRT, RW_NONE},
    {"math", "comb", "n, k", 2, 2, type_int, lower_int, I_COMB, RW_NONE},
    {"math", "perm", "n, k", 1, 2, type_int, lower_int, I_PERM, RW_NONE},
    {"math", "frexp", "x", 1, 1, type_float, lower_float, 0, RW_NONE},
    {"math", "ldexp", "x, i", 2, 2, type_float, lower_float, 0, RW_NONE},
    {"math", "modf", "x", 1, 1, type_float, lower_float, 0, RW_NONE},
    {"math", "remainder", "x, y", 2, 2, type_float, lower_float, 0, RW_NONE},
    {"math", "nextafter", "x, y", 2, 2, type_float, lower_float, 0, RW_NONE},
    {"math", "ulp", "x", 1, 1, type_float, lower_float, 0, RW_NONE},
    {"math", "fma", "x, y, z", 3, 3, type_float, lower_float, 0, RW_NONE},
    {"math", "isclose", "a, b, rel_tol, abs_tol", 2, 2, type_float, lower_float, 0, RW_NONE},
    {"math", "hypot", "*", 0, 0, type_hypot, lower_hypot, 0, RW_NONE},
    {"math", "dist", "p, q", 2, 2, type_reduce, lower_reduce, 0, RW_NONE},
    {"math", "fsum", "seq", 1, 1, type_reduce, lower_reduce, 0, RW_NONE},
    {"math", "prod", "iterable, start", 1, 1, type_reduce, lower_reduce, 0, RW_NONE},
    {"math", "sumprod", "write sum(p[i] * q[i] for each i) as a loop, or np.dot(p, q) on arrays",
     0, 0, NULL, NULL, 0, RW_NONE},
    {"cmath", "isclose", "a, b, rel_tol, abs_tol", 2, 2, type_cisclose, lower_cisclose, 0, RW_NONE},
};
const int jp_lib_math_count = (int)(sizeof jp_lib_math / sizeof jp_lib_math[0]);
