/* jit/lib_random.c - Python's `random` module in jit code: seed, random,
 * uniform, randint, randrange, getrandbits, choice and shuffle (1-d arrays),
 * gauss, normalvariate, lognormvariate, expovariate, paretovariate,
 * weibullvariate, triangular, gammavariate, betavariate, vonmisesvariate.
 *
 * Like Numba, jit code draws from its own Mersenne Twister, one per thread,
 * apart from the interpreter's `random` and from np.random (random.c).  It is
 * seeded as CPython seeds (init_by_array on the 32-bit words of |seed|) and
 * every function draws as CPython's random.py does, so random.seed(s)
 * followed by the same calls gives CPython's own sequence.
 */
#include "jit/lib.h"
#include "jit/errors.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- the generator (run time) ------------------------------------------------------- */

#define MT_N 624
#define MT_M 397

typedef struct py_state {
    uint32_t key[MT_N];
    int pos;
    int has_gauss;          /* random.py's gauss_next */
    double gauss_next;
    int seeded;
} py_state;

static __thread py_state st;

/* Each entry point fetches the thread's state once and passes it down: in a
 * dlopened module every __thread access is a __tls_get_addr call. */
static inline py_state *
state(void)
{
    return &st;
}

static void
init_genrand(py_state *s, uint32_t seed)
{
    s->key[0] = seed;
    for (int i = 1; i < MT_N; i++)
        s->key[i] = 1812433253u * (s->key[i - 1] ^ (s->key[i - 1] >> 30)) + (uint32_t)i;
    s->pos = MT_N;
}

/* CPython's _random.Random.seed: init_by_array over the words of |seed| */
static void
init_by_array(py_state *s, const uint32_t *init_key, int key_length)
{
    int i = 1, j = 0, k;
    init_genrand(s, 19650218u);
    for (k = MT_N > key_length ? MT_N : key_length; k; k--) {
        s->key[i] = (s->key[i] ^ ((s->key[i - 1] ^ (s->key[i - 1] >> 30)) * 1664525u)) + init_key[j] + (uint32_t)j;
        i++;
        j++;
        if (i >= MT_N) {
            s->key[0] = s->key[MT_N - 1];
            i = 1;
        }
        if (j >= key_length)
            j = 0;
    }
    for (k = MT_N - 1; k; k--) {
        s->key[i] = (s->key[i] ^ ((s->key[i - 1] ^ (s->key[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
        i++;
        if (i >= MT_N) {
            s->key[0] = s->key[MT_N - 1];
            i = 1;
        }
    }
    s->key[0] = 0x80000000u;
    s->pos = MT_N;
}

void
jp_pyrandom_seed(int64_t seed)
{
    py_state *s = state();
    uint64_t a = seed < 0 ? (uint64_t)0 - (uint64_t)seed : (uint64_t)seed;
    uint32_t key[2] = {(uint32_t)a, (uint32_t)(a >> 32)};
    init_by_array(s, key, key[1] ? 2 : 1);
    s->has_gauss = 0;
    s->seeded = 1;
}

static inline uint32_t
genrand_uint32(py_state *s)
{
    static const uint32_t mag01[2] = {0x0u, 0x9908b0dfu};
    uint32_t y;
    if (!s->seeded) {
        uint32_t key[2] = {(uint32_t)time(NULL) ^ (uint32_t)getpid(), (uint32_t)(uintptr_t)s};
        init_by_array(s, key, 2);
        s->seeded = 1;
    }
    if (s->pos >= MT_N) {
        int kk;
        for (kk = 0; kk < MT_N - MT_M; kk++) {
            y = (s->key[kk] & 0x80000000u) | (s->key[kk + 1] & 0x7fffffffu);
            s->key[kk] = s->key[kk + MT_M] ^ (y >> 1) ^ mag01[y & 1];
        }
        for (; kk < MT_N - 1; kk++) {
            y = (s->key[kk] & 0x80000000u) | (s->key[kk + 1] & 0x7fffffffu);
            s->key[kk] = s->key[kk + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 1];
        }
        y = (s->key[MT_N - 1] & 0x80000000u) | (s->key[0] & 0x7fffffffu);
        s->key[MT_N - 1] = s->key[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1];
        s->pos = 0;
    }
    y = s->key[s->pos++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= (y >> 18);
    return y;
}

static inline double
rnd(py_state *s)
{
    uint32_t a = genrand_uint32(s) >> 5, b = genrand_uint32(s) >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

double
jp_pyrandom_random(void)
{
    py_state *s = state();
    return rnd(s);
}

/* getrandbits(k), 0 <= k <= 64: words least significant first, as CPython */
static uint64_t
bits(py_state *s, int64_t k)
{
    uint64_t lo, hi;
    if (k <= 0)
        return 0;
    if (k <= 32)
        return genrand_uint32(s) >> (32 - k);
    lo = genrand_uint32(s);
    hi = genrand_uint32(s) >> (64 - k);
    return lo | (hi << 32);
}

/* random.py's _randbelow_with_getrandbits, n > 0 */
uint64_t
jp_pyrandom_bits(int64_t k)
{
    return bits(state(), k);
}

static inline uint64_t
below(py_state *s, uint64_t n)
{
    int k = n ? 64 - __builtin_clzll(n) : 0;
    uint64_t r = bits(s, k);
    while (r >= n)
        r = bits(s, k);
    return r;
}

uint64_t
jp_pyrandom_below(uint64_t n)
{
    return below(state(), n);
}

/* random.shuffle of n items `stride` bytes apart, each `itemsize` (<= 16)
 * bytes: for i in reversed(range(1, n)): swap x[i] and x[randbelow(i + 1)] */
#define SHUFFLE(size)                                                              \
    for (int64_t i = n - 1; i >= 1; i--) {                                         \
        char *a = data + i * stride, *b = data + (int64_t)below(s, (uint64_t)i + 1) * stride; \
        char tmp[size];                                                            \
        memcpy(tmp, a, size);                                                      \
        memcpy(a, b, size);                                                        \
        memcpy(b, tmp, size);                                                      \
    }

void
jp_pyrandom_shuffle(char *data, int64_t n, int64_t stride, int64_t itemsize)
{
    py_state *s = state();
    switch (itemsize) {     /* constant sizes: the swaps are plain loads and stores */
    case 1: SHUFFLE(1) break;
    case 2: SHUFFLE(2) break;
    case 4: SHUFFLE(4) break;
    case 8: SHUFFLE(8) break;
    default: SHUFFLE(16) break;     /* complex128; numbers are at most 16 bytes */
    }
}
#undef SHUFFLE

/* Python's float % (the sign of the divisor) */
static double
py_fmod(double x, double y)
{
    double m = fmod(x, y);
    if (m) {
        if ((y < 0) != (m < 0))
            m += y;
    } else {
        m = copysign(0.0, y);
    }
    return m;
}

enum {
    V_RANDOM, V_UNIFORM, V_GAUSS, V_NORMAL, V_LOGNORM, V_EXPO, V_PARETO, V_WEIBULL,
    V_TRIANGULAR, V_TRIANGULAR_MID, V_GAMMA, V_BETA, V_VONMISES,
};

#define TWOPI (2.0 * 3.141592653589793)

static double
normalvariate(py_state *s, double mu, double sigma)
{
    const double nv_magic = 4 * exp(-0.5) / sqrt(2.0);
    double z;
    for (;;) {
        double u1 = rnd(s), u2 = 1.0 - rnd(s);
        z = nv_magic * (u1 - 0.5) / u2;
        if (z * z / 4.0 <= -log(u2))
            break;
    }
    return mu + z * sigma;
}

static double
gammavariate(py_state *s, double alpha, double beta)
{
    if (alpha > 1.0) {
        double ainv = sqrt(2.0 * alpha - 1.0), bbb = alpha - log(4.0), ccc = alpha + ainv;
        const double sg_magic = 1.0 + log(4.5);
        for (;;) {
            double u1 = rnd(s), u2, v, x, z, r;
            if (!(1e-7 < u1 && u1 < 0.9999999))
                continue;
            u2 = 1.0 - rnd(s);
            v = log(u1 / (1.0 - u1)) / ainv;
            x = alpha * exp(v);
            z = u1 * u1 * u2;
            r = bbb + ccc * v - x;
            if (r + sg_magic - 4.5 * z >= 0.0 || r >= log(z))
                return x * beta;
        }
    }
    if (alpha == 1.0)
        return -log(1.0 - rnd(s)) * beta;
    for (;;) {
        const double e = 2.718281828459045;
        double u = rnd(s), b = (e + alpha) / e, p = b * u, x, u1;
        x = p <= 1.0 ? pow(p, 1.0 / alpha) : -log((b - p) / alpha);
        u1 = rnd(s);
        if (p > 1.0) {
            if (u1 <= pow(x, alpha - 1.0))
                return x * beta;
        } else if (u1 <= exp(-x)) {
            return x * beta;
        }
    }
}

double
jp_pyrandom_variate(int32_t which, double a, double b, double c)
{
    py_state *s = state();
    switch (which) {
    case V_UNIFORM:
        return a + (b - a) * rnd(s);
    case V_GAUSS: {
        double z;
        if (s->has_gauss) {
            s->has_gauss = 0;
            z = s->gauss_next;
        } else {
            double x2pi = rnd(s) * TWOPI, g2rad = sqrt(-2.0 * log(1.0 - rnd(s)));
            z = cos(x2pi) * g2rad;
            s->gauss_next = sin(x2pi) * g2rad;
            s->has_gauss = 1;
        }
        return a + z * b;
    }
    case V_NORMAL:
        return normalvariate(s, a, b);
    case V_LOGNORM:
        return exp(normalvariate(s, a, b));
    case V_EXPO:
        return -log(1.0 - rnd(s)) / a;
    case V_PARETO:
        return pow(1.0 - rnd(s), -1.0 / a);
    case V_WEIBULL:
        return a * pow(-log(1.0 - rnd(s)), 1.0 / b);
    case V_TRIANGULAR:
    case V_TRIANGULAR_MID: {
        double u = rnd(s), cc, lo = a, hi = b;
        if (which == V_TRIANGULAR_MID)
            cc = 0.5;
        else if (hi - lo == 0.0)
            return lo;          /* random.py catches the ZeroDivisionError */
        else
            cc = (c - lo) / (hi - lo);
        if (u > cc) {
            u = 1.0 - u;
            cc = 1.0 - cc;
            lo = b;
            hi = a;
        }
        return lo + (hi - lo) * sqrt(u * cc);
    }
    case V_GAMMA:
        return gammavariate(s, a, b);
    case V_BETA: {
        double y = gammavariate(s, a, 1.0);
        return y ? y / (y + gammavariate(s, b, 1.0)) : 0.0;
    }
    case V_VONMISES: {
        double h, r, z, q, f;
        if (b <= 1e-6)
            return TWOPI * rnd(s);
        h = 0.5 / b;
        r = h + sqrt(1.0 + h * h);
        for (;;) {
            double u1 = rnd(s), d, u2;
            z = cos(3.141592653589793 * u1);
            d = z / (r + z);
            u2 = rnd(s);
            if (u2 < 1.0 - d * d || u2 <= (1.0 - d) * exp(d))
                break;
        }
        q = 1.0 / r;
        f = (q + z) / (1.0 + q * z);
        return rnd(s) > 0.5 ? py_fmod(a + acos(f), TWOPI) : py_fmod(a - acos(f), TWOPI);
    }
    default:
        return rnd(s);
    }
}

/* ---- typing ----------------------------------------------------------------------- */

static jp_type *
type_real(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    (void)call;
    for (int i = 0; i < nargs; i++)
        if (args[i] && !(fn->id == V_TRIANGULAR && i == 2 && at[i]->kind == JP_NONE)
            && !jp_lib_need_real(c, args[i], at[i], fn))
            return NULL;
    return jp_type_float(64);
}

static jp_type *
type_seed(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    (void)nargs;
    if (args[0] == NULL || at[0]->kind == JP_NONE)
        return jp_error_at(JpTypingError, c->ir, call, "pass an integer seed: random.seed(42)",
                           "random.seed() takes an integer in jit code");
    return jp_lib_need_int(c, args[0], at[0], fn) ? jp_type_none() : NULL;
}

static jp_type *
type_ints(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    (void)call;
    for (int i = 0; i < nargs; i++)
        if (args[i] && !(at[i]->kind == JP_NONE && i == 1) && !jp_lib_need_int(c, args[i], at[i], fn))
            return NULL;
    return strcmp(fn->name, "getrandbits") == 0 ? jp_type_int(64, 0) : jp_type_int(64, 1);
}

static jp_type *
type_sequence(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    jp_type *t = at[0];
    int shuffle = strcmp(fn->name, "shuffle") == 0;
    (void)call;
    (void)nargs;
    if (shuffle && args[1])
        return jp_error_at(JpTypingError, c->ir, args[1], NULL, "random.shuffle() takes no random argument");
    if (t->kind != JP_ARRAY || t->ndim != 1 || !jp_is_number(t->dtype))
        return jp_error_at(JpTypingError, c->ir, args[0],
                           "pass a 1-d NumPy array of numbers",
                           "random.%s() in jit code takes a 1-d array of numbers, not %s", fn->name, t->name);
    if (shuffle && t->readonly)
        return jp_error_at(JpTypingError, c->ir, args[0], NULL, "random.shuffle() cannot write into a read-only array");
    return shuffle ? jp_type_none() : t->dtype;
}

/* ---- lowering ---------------------------------------------------------------------- */

static LLVMTypeRef
f64(lctx *c)
{
    return LLVMDoubleTypeInContext(c->ctx);
}

static LLVMTypeRef
i64(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMValueRef
lower_below(lctx *c, LLVMValueRef n)
{
    return jp_call_extern(c, "jp_pyrandom_below", i64(c), &n, 1);
}

static LLVMValueRef
lower_seed(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    LLVMValueRef s = jp_lib_arg(c, args[0], jp_type_int(64, 1));
    (void)call, (void)fn, (void)nargs;
    jp_call_extern(c, "jp_pyrandom_seed", LLVMVoidTypeInContext(c->ctx), &s, 1);
    return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
}

static LLVMValueRef
zero_check(lctx *c, LLVMValueRef v)
{
    jp_check(c, LLVMBuildFCmp(c->b, LLVMRealOEQ, v, jp_const_f64(c, 0.0), ""),
             PyExc_ZeroDivisionError, jp_errtext_get(ERR_FLOAT_TRUEDIV_ZERO));
    return v;
}

static LLVMValueRef
lower_variate(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    static const double defaults[V_VONMISES + 1][3] = {
        [V_GAUSS] = {0.0, 1.0, 0}, [V_NORMAL] = {0.0, 1.0, 0}, [V_EXPO] = {1.0, 0, 0},
        [V_TRIANGULAR] = {0.0, 1.0, 0},
    };
    LLVMValueRef v[3];
    int which = fn->id;
    jp_type *f = jp_type_float(64);
    (void)call;
    for (int i = 0; i < 3; i++)
        v[i] = i < nargs && args[i] && jp_node_type(c, args[i])->kind != JP_NONE
            ? jp_lib_arg(c, args[i], f) : jp_const_f64(c, defaults[which][i]);
    if (which == V_TRIANGULAR && (nargs < 3 || args[2] == NULL || jp_node_type(c, args[2])->kind == JP_NONE))
        which = V_TRIANGULAR_MID;
    if (!(c->opts && c->opts->error_model_numpy)) {
        if (which == V_EXPO || which == V_PARETO)
            zero_check(c, v[0]);
        if (which == V_WEIBULL)
            zero_check(c, v[1]);
        if (which == V_GAMMA || which == V_BETA)
            jp_check(c, LLVMBuildOr(c->b, LLVMBuildFCmp(c->b, LLVMRealULE, v[0], jp_const_f64(c, 0.0), ""),
                                    LLVMBuildFCmp(c->b, LLVMRealULE, v[1], jp_const_f64(c, 0.0), ""), ""),
                     PyExc_ValueError, "gammavariate: alpha and beta must be > 0.0");
    }
    if (which == V_RANDOM)
        return jp_call_extern(c, "jp_pyrandom_random", f64(c), NULL, 0);
    {
        LLVMValueRef a[4] = {LLVMConstInt(LLVMInt32TypeInContext(c->ctx), (unsigned long long)which, 0),
                             v[0], v[1], v[2]};
        return jp_call_extern(c, "jp_pyrandom_variate", f64(c), a, 4);
    }
}

static LLVMValueRef
lower_getrandbits(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    LLVMValueRef k = jp_lib_arg(c, args[0], jp_type_int(64, 1));
    (void)call, (void)fn, (void)nargs;
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, k, jp_const_i64(c, 0), ""), PyExc_ValueError,
             "number of bits must be non-negative");
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntSGT, k, jp_const_i64(c, 64), ""), PyExc_ValueError,
             "random.getrandbits() in jit code returns at most 64 bits");
    return jp_call_extern(c, "jp_pyrandom_bits", i64(c), &k, 1);
}

/* randrange(start, stop=None, step=1) and randint(a, b) = randrange(a, b + 1) */
static LLVMValueRef
lower_randrange(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    jp_type *i = jp_type_int(64, 1);
    LLVMValueRef start = jp_lib_arg(c, args[0], i), stop, step, width, n, zero = jp_const_i64(c, 0);
    const char *empty = "empty range for randrange()";
    (void)call;
    if (strcmp(fn->name, "randint") == 0) {
        stop = LLVMBuildAdd(c->b, jp_lib_arg(c, args[1], i), jp_const_i64(c, 1), "");
    } else if (nargs < 2 || args[1] == NULL || jp_node_type(c, args[1])->kind == JP_NONE) {
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLE, start, zero, ""), PyExc_ValueError, empty);
        return lower_below(c, start);
    } else {
        stop = jp_lib_arg(c, args[1], i);
    }
    width = LLVMBuildSub(c->b, stop, start, "");
    if (nargs < 3 || args[2] == NULL) {
        jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLE, width, zero, ""), PyExc_ValueError, empty);
        return LLVMBuildAdd(c->b, start, lower_below(c, width), "");
    }
    step = jp_lib_arg(c, args[2], i);
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntEQ, step, zero, ""), PyExc_ValueError, "zero step for randrange()");
    {
        /* n = (width + step - 1) // step if step > 0 else (width + step + 1) // step */
        LLVMValueRef pos = LLVMBuildICmp(c->b, LLVMIntSGT, step, zero, "");
        LLVMValueRef adj = LLVMBuildSelect(c->b, pos, jp_const_i64(c, -1), jp_const_i64(c, 1), "");
        LLVMValueRef num = LLVMBuildAdd(c->b, LLVMBuildAdd(c->b, width, step, ""), adj, "");
        n = jp_lower_binop(c, OP_FLOORDIV, num, i, step, i, i, NULL);
    }
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLE, n, zero, ""), PyExc_ValueError, empty);
    return LLVMBuildAdd(c->b, start, LLVMBuildMul(c->b, step, lower_below(c, n), ""), "");
}

static LLVMValueRef
lower_choice(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    jp_type *t = jp_node_type(c, args[0]);
    LLVMValueRef arr = jp_lower_expr(c, args[0]), len = jp_arr_field(c, arr, 3, 0), j;
    (void)call, (void)fn, (void)nargs;
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLE, len, jp_const_i64(c, 0), ""), PyExc_IndexError,
             "Cannot choose from an empty sequence");
    j = lower_below(c, len);
    return jp_arr_load(c, jp_arr_elem_ptr(c, arr, t, &j, 1), t->dtype);
}

static LLVMValueRef
lower_shuffle(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    /* one call for the whole array: the thread's state is fetched once */
    jp_type *t = jp_node_type(c, args[0]);
    LLVMValueRef arr = jp_lower_expr(c, args[0]);
    LLVMValueRef a[4] = {jp_arr_field(c, arr, 2, 0), jp_arr_field(c, arr, 3, 0), jp_arr_field(c, arr, 4, 0),
                         jp_const_i64(c, (long long)t->dtype->size)};
    (void)call, (void)fn, (void)nargs;
    jp_call_extern(c, "jp_pyrandom_shuffle", LLVMVoidTypeInContext(c->ctx), a, 4);
    return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
}

const jp_lib_fn jp_lib_random[] = {
    {"random", "seed", "a, version", 0, 2, type_seed, lower_seed, 0, RW_NONE},
    {"random", "random", "", 0, 0, type_real, lower_variate, V_RANDOM, RW_NONE},
    {"random", "uniform", "a, b", 2, 2, type_real, lower_variate, V_UNIFORM, RW_NONE},
    {"random", "gauss", "mu, sigma", 0, 2, type_real, lower_variate, V_GAUSS, RW_NONE},
    {"random", "normalvariate", "mu, sigma", 0, 2, type_real, lower_variate, V_NORMAL, RW_NONE},
    {"random", "lognormvariate", "mu, sigma", 2, 2, type_real, lower_variate, V_LOGNORM, RW_NONE},
    {"random", "expovariate", "lambd", 0, 1, type_real, lower_variate, V_EXPO, RW_NONE},
    {"random", "paretovariate", "alpha", 1, 1, type_real, lower_variate, V_PARETO, RW_NONE},
    {"random", "weibullvariate", "alpha, beta", 2, 2, type_real, lower_variate, V_WEIBULL, RW_NONE},
    {"random", "triangular", "low, high, mode", 0, 3, type_real, lower_variate, V_TRIANGULAR, RW_NONE},
    {"random", "gammavariate", "alpha, beta", 2, 2, type_real, lower_variate, V_GAMMA, RW_NONE},
    {"random", "betavariate", "alpha, beta", 2, 2, type_real, lower_variate, V_BETA, RW_NONE},
    {"random", "vonmisesvariate", "mu, kappa", 2, 2, type_real, lower_variate, V_VONMISES, RW_NONE},
    {"random", "getrandbits", "k", 1, 1, type_ints, lower_getrandbits, 0, RW_NONE},
    {"random", "randrange", "start, stop, step", 1, 3, type_ints, lower_randrange, 0, RW_NONE},
    {"random", "randint", "a, b", 2, 2, type_ints, lower_randrange, 0, RW_NONE},
    {"random", "choice", "seq", 1, 1, type_sequence, lower_choice, 0, RW_NONE},
    {"random", "shuffle", "x, random", 1, 2, type_sequence, lower_shuffle, 0, RW_NONE},
    /* not compiled: the hint says what to write instead */
    {"random", "sample", "draw indices with random.randrange() in a loop (or call random.sample outside jit code)",
     0, 0, NULL, NULL, 0, RW_NONE},
    {"random", "choices", "draw with random.random() against cumulative weights in a loop", 0, 0, NULL, NULL, 0, RW_NONE},
    {"random", "getstate", "seed with random.seed(n) inside jit code instead", 0, 0, NULL, NULL, 0, RW_NONE},
    {"random", "setstate", "seed with random.seed(n) inside jit code instead", 0, 0, NULL, NULL, 0, RW_NONE},
    {"random", "randbytes", "draw integers with random.getrandbits(8) into a uint8 array", 0, 0, NULL, NULL, 0, RW_NONE},
    {"random", "binomialvariate", "count successes of random.random() < p in a loop", 0, 0, NULL, NULL, 0, RW_NONE},
};
const int jp_lib_random_count = (int)(sizeof jp_lib_random / sizeof jp_lib_random[0]);
