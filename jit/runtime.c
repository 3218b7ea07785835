/* jit/runtime.c - the run-time support of compiled code: arithmetic whose
 * exact CPython semantics are long to write in IR (correctly rounded
 * int / int, float // and %, complex / and **, round), cmath, and print.
 * Everything here except print is pure C: it runs without the GIL. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "jit/runtime.h"
#include "jit/dispatcher.h"
#include "jit/threadpool.h"

#include <pthread.h>
#include "jit/nrt.h"
#include "jit/random.h"
#include "jit/runtime_safety.h"
#include "jit/lib.h"
#include "jit/objmode.h"
#include "jit/sort_runtime.h"
#include "jit/axis_stats_runtime.h"
#include "jit/runtime_exc.h"
#include "jit/generator.h"

#include "jit/linalg_runtime.h"

#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- integer and float arithmetic ------------------------------------------ */

static int
bit_length_u128(unsigned __int128 v)
{
    int n = 0;
    while (v) {
        v >>= 1;
        n++;
    }
    return n;
}

/* a / b correctly rounded (round-half-even), as CPython's int true division. */
static double
jp_rt_int_truediv(int64_t a, int64_t b)
{
    const int64_t lim = (int64_t)1 << 53;
    unsigned __int128 ua, ub, q, r, mant;
    int negative, k, bits, shift;
    double result;

    if (a >= -lim && a <= lim && b >= -lim && b <= lim)
        return (double)a / (double)b;
    negative = (a < 0) != (b < 0);
    ua = a < 0 ? (unsigned __int128)(-(__int128)a) : (unsigned __int128)a;
    ub = b < 0 ? (unsigned __int128)(-(__int128)b) : (unsigned __int128)b;
    if (ua == 0)
        return negative ? -0.0 : 0.0;
    /* scale the numerator to 127 bits so the quotient has >= 62 bits */
    k = 127 - bit_length_u128(ua);
    q = (ua << k) / ub;
    r = (ua << k) % ub;
    bits = bit_length_u128(q);
    shift = bits - 53;
    mant = q >> shift;
    {
        unsigned __int128 rest = q & (((unsigned __int128)1 << shift) - 1);
        unsigned __int128 half = (unsigned __int128)1 << (shift - 1);
        int sticky = r != 0;
        if (rest > half || (rest == half && (sticky || (mant & 1))))
            mant++;
    }
    result = ldexp((double)(uint64_t)mant, shift - k);
    return negative ? -result : result;
}

/* CPython's float_divmod, halves of it. */
static void
float_divmod(double vx, double wx, double *floordiv, double *mod)
{
    double div, m = fmod(vx, wx);
    div = (vx - m) / wx;
    if (m) {
        if ((wx < 0) != (m < 0)) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = copysign(0.0, wx);
    }
    if (div) {
        double fl = floor(div);
        if (div - fl > 0.5)
            fl += 1.0;
        div = fl;
    } else {
        div = copysign(0.0, vx / wx);
    }
    *floordiv = div;
    *mod = m;
}

static double
jp_rt_float_floordiv(double a, double b)
{
    double q, r;
    float_divmod(a, b, &q, &r);
    return q;
}

static double
jp_rt_float_mod(double a, double b)
{
    double q, r;
    float_divmod(a, b, &q, &r);
    return r;
}

/* a ** b for b >= 0, wrapping like the rest of int64 arithmetic. */
static int64_t
jp_rt_ipow(int64_t a, int64_t b)
{
    uint64_t result = 1, base = (uint64_t)a;
    while (b > 0) {
        if (b & 1)
            result *= base;
        base *= base;
        b >>= 1;
    }
    return (int64_t)result;
}

static int64_t
jp_rt_ipow_mod(int64_t a, int64_t b, int64_t m)
{
    __int128 mod = m < 0 ? -(__int128)m : m, base = a % mod, result = 1 % mod;
    if (base < 0)
        base += mod;
    while (b > 0) {
        if (b & 1)
            result = result * base % mod;
        base = base * base % mod;
        b >>= 1;
    }
    if (m < 0 && result != 0)
        result -= mod;     /* Python: the result takes the modulus' sign */
    return (int64_t)result;
}

/* round(x, ndigits) correctly rounded, as CPython (dtoa mode 3). */
static double
jp_rt_round(double x, int64_t ndigits)
{
    char buf[1200];
    if (!isfinite(x) || x == 0.0 || ndigits > 330)
        return x;
    if (ndigits >= 0) {
        snprintf(buf, sizeof buf, "%.*f", (int)ndigits, x);
        return strtod(buf, NULL);
    }
    if (ndigits < -308)
        return copysign(0.0, x);
    {
        /* exact decimal digits of |x|, then half-even at 10**-ndigits */
        int pos, len, i, round_up;
        char *dot;
        double ax = fabs(x);
        snprintf(buf, sizeof buf, "%.60f", ax);
        dot = strchr(buf, '.');
        len = (int)(dot - buf);
        pos = len + (int)ndigits;          /* first digit that is dropped */
        if (pos < 0)
            return copysign(0.0, x);
        {
            int first = pos < len ? buf[pos] - '0' : 0, rest_nonzero = 0, prev_odd;
            for (i = pos + 1; buf[i]; i++)
                if (buf[i] != '.' && buf[i] != '0')
                    rest_nonzero = 1;
            prev_odd = pos > 0 ? (buf[pos - 1] - '0') & 1 : 0;
            round_up = first > 5 || (first == 5 && (rest_nonzero || prev_odd));
        }
        for (i = pos; i < len; i++)
            buf[i] = '0';
        buf[len] = '\0';
        if (round_up) {
            for (i = pos - 1; i >= 0; i--) {
                if (buf[i] == '9') {
                    buf[i] = '0';
                } else {
                    buf[i]++;
                    break;
                }
            }
            if (i < 0) {
                memmove(buf + 1, buf, (size_t)len + 1);
                buf[0] = '1';
            }
        }
        return copysign(strtod(buf, NULL), x);
    }
}

static int64_t
jp_rt_round_int(int64_t x, int64_t ndigits)
{
    int64_t p = 1, q, r;
    if (ndigits >= 0)
        return x;
    if (ndigits < -18)
        return 0;
    for (int64_t i = 0; i < -ndigits; i++)
        p *= 10;
    q = x / p;
    r = x % p;
    if (r < 0) {
        r += p;
        q -= 1;
    }
    if (2 * r > p || (2 * r == p && (q & 1)))
        q += 1;
    return q * p;
}

/* ---- complex ---------------------------------------------------------------- */

typedef struct { double re, im; } cpx;

static cpx
c_prod(cpx a, cpx b)
{
    cpx r = {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
    return r;
}

/* CPython's _Py_c_quot (b != 0 is checked by the caller). */
static cpx
c_quot(cpx a, cpx b, int *err)
{
    cpx r;
    double abs_br = fabs(b.re), abs_bi = fabs(b.im);
    if (abs_br >= abs_bi) {
        if (abs_br == 0.0) {
            *err = 1;
            r.re = r.im = 0.0;
        } else {
            double ratio = b.im / b.re, denom = b.re + b.im * ratio;
            r.re = (a.re + a.im * ratio) / denom;
            r.im = (a.im - a.re * ratio) / denom;
        }
    } else if (abs_bi >= abs_br) {
        double ratio = b.re / b.im, denom = b.re * ratio + b.im;
        r.re = (a.re * ratio + a.im) / denom;
        r.im = (a.im * ratio - a.re) / denom;
    } else {
        r.re = r.im = NAN;
    }
    return r;
}

static void
jp_rt_cdiv(const cpx *a, const cpx *b, cpx *out)
{
    int err = 0;
    *out = c_quot(*a, *b, &err);
}

static cpx
c_powu(cpx x, long n)
{
    cpx r = {1.0, 0.0}, p = x;
    long mask = 1;
    while (mask > 0 && n >= mask) {
        if (n & mask)
            r = c_prod(r, p);
        mask <<= 1;
        p = c_prod(p, p);
    }
    return r;
}

/* CPython's complex_pow: 0 ok, 1 zero to a negative power, 2 overflow. */
static int
jp_rt_cpow(const cpx *a, const cpx *b, cpx *out)
{
    int err = 0;
    cpx r;
    if (b->im == 0.0 && b->re == floor(b->re) && fabs(b->re) <= 100.0) {
        long n = (long)b->re;
        if (n > 0) {
            r = c_powu(*a, n);
        } else {
            cpx one = {1.0, 0.0};
            r = c_quot(one, c_powu(*a, -n), &err);
        }
    } else if (b->re == 0.0 && b->im == 0.0) {
        r.re = 1.0;
        r.im = 0.0;
    } else if (a->re == 0.0 && a->im == 0.0) {
        if (b->im != 0.0 || b->re < 0.0)
            err = 1;
        r.re = r.im = 0.0;
    } else {
        double vabs = hypot(a->re, a->im), len = pow(vabs, b->re);
        double at = atan2(a->im, a->re), phase = at * b->re;
        if (b->im != 0.0) {
            len /= exp(at * b->im);
            phase += b->im * log(vabs);
        }
        r.re = len * cos(phase);
        r.im = len * sin(phase);
    }
    *out = r;
    if (err)
        return 1;
    if (isinf(r.re) || isinf(r.im))
        return 2;
    return 0;
}

/* cmath functions, indexed as in lower_math.c's table from cmath.sqrt on.
 * Returns 0, 1 for a domain error, 2 for an overflow. */
static int
jp_rt_cmath(int id, const cpx *in, const cpx *in2, cpx *out)
{
    double complex z = CMPLX(in->re, in->im), r = 0;
    int finite_in = isfinite(in->re) && isfinite(in->im);
    int overflow_kind = 0;      /* functions whose infinities are overflows */
    switch (id) {
    case 0: r = csqrt(z); break;
    case 1: r = cexp(z); overflow_kind = 1; break;
    case 2:
        r = clog(z);
        if (in2) {
            cpx num = {creal(r), cimag(r)}, q;
            double complex d = clog(CMPLX(in2->re, in2->im));
            cpx den = {creal(d), cimag(d)};
            int err = 0;
            q = c_quot(num, den, &err);
            if (err)
                return 1;
            r = CMPLX(q.re, q.im);
        }
        break;
    case 3: r = clog(z) / log(10.0); break;
    case 4: r = csin(z); overflow_kind = 1; break;
    case 5: r = ccos(z); overflow_kind = 1; break;
    case 6: r = ctan(z); overflow_kind = 1; break;
    case 7: r = casin(z); break;
    case 8: r = cacos(z); break;
    case 9: r = catan(z); break;
    case 10: r = csinh(z); overflow_kind = 1; break;
    case 11: r = ccosh(z); overflow_kind = 1; break;
    case 12: r = ctanh(z); break;
    case 13: r = casinh(z); break;
    case 14: r = cacosh(z); break;
    case 15: r = catanh(z); break;
    case 16: out->re = atan2(in->im, in->re); out->im = 0.0; return 0;
    case 17: out->re = hypot(in->re, in->im); out->im = atan2(in->im, in->re);
        return isinf(out->re) && finite_in ? 2 : 0;
    case 19: out->re = isnan(in->re) || isnan(in->im); out->im = 0.0; return 0;
    case 20: out->re = isinf(in->re) || isinf(in->im); out->im = 0.0; return 0;
    case 21: out->re = finite_in; out->im = 0.0; return 0;
    default: break;
    }
    out->re = creal(r);
    out->im = cimag(r);
    if (finite_in && (isinf(out->re) || isinf(out->im)))
        return overflow_kind ? 2 : 1;
    if (finite_in && (isnan(out->re) || isnan(out->im)))
        return 1;
    return 0;
}

/* ---- print -------------------------------------------------------------------- */

/* One print() call collects its values in a list (a stack of them for
 * tuples), holding the GIL from begin to end. */
static __thread PyObject *print_stack[16];
static __thread int print_depth;
static __thread PyGILState_STATE print_gil;
static __thread int print_failed;

static void
print_add(PyObject *obj)
{
    if (obj == NULL || print_depth == 0 || print_failed) {
        Py_XDECREF(obj);
        print_failed = 1;
        return;
    }
    if (PyList_Append(print_stack[print_depth - 1], obj) < 0)
        print_failed = 1;
    Py_DECREF(obj);
}

static void
jp_rt_print_begin(void)
{
    print_gil = PyGILState_Ensure();
    print_failed = 0;
    print_depth = 1;
    print_stack[0] = PyList_New(0);
    if (print_stack[0] == NULL)
        print_failed = 1;
}

static void
jp_rt_print_i64(int64_t v) { print_add(PyLong_FromLongLong(v)); }
static void
jp_rt_print_u64(uint64_t v) { print_add(PyLong_FromUnsignedLongLong(v)); }
static void
jp_rt_print_f64(double v) { print_add(PyFloat_FromDouble(v)); }
static void
jp_rt_print_c128(double re, double im) { print_add(PyComplex_FromDoubles(re, im)); }
static void
jp_rt_print_bool(int v) { print_add(PyBool_FromLong(v)); }
static void
jp_rt_print_none(void) { print_add(Py_NewRef(Py_None)); }
static void
jp_rt_print_str(const char *s) { print_add(PyUnicode_FromString(s)); }

static void
jp_rt_print_tuple_begin(int n)
{
    (void)n;
    if (print_depth >= 16 || print_failed) {
        print_failed = 1;
        return;
    }
    print_stack[print_depth] = PyList_New(0);
    if (print_stack[print_depth] == NULL)
        print_failed = 1;
    else
        print_depth++;
}

static void
jp_rt_print_tuple_end(void)
{
    PyObject *list;
    if (print_failed || print_depth < 2)
        return;
    list = print_stack[--print_depth];
    print_add(PyList_AsTuple(list));
    Py_DECREF(list);
}

/* the items printed since the matching tuple_begin, as a list */
static void
jp_rt_print_list_end(void)
{
    if (print_failed || print_depth < 2)
        return;
    print_depth--;
    print_add(print_stack[print_depth]);
}

static void
jp_rt_print_end(void)
{
    while (print_depth > 1)
        Py_CLEAR(print_stack[--print_depth]);
    if (!print_failed) {
        PyObject *args = PyList_AsTuple(print_stack[0]);
        PyObject *print = PyDict_GetItemString(PyEval_GetBuiltins(), "print");
        PyObject *r = (args && print) ? PyObject_Call(print, args, NULL) : NULL;
        Py_XDECREF(args);
        Py_XDECREF(r);
    }
    if (PyErr_Occurred())
        PyErr_WriteUnraisable(NULL);    /* print() cannot fail the jit function */
    Py_CLEAR(print_stack[0]);
    print_depth = 0;
    PyGILState_Release(print_gil);
}

/* ---- slices ---------------------------------------------------------------------- */

/* Python's slice.indices() for one dimension: out[0] = first index,
 * out[1] = number of elements.  flags: 1 start given, 2 stop given.
 * Returns 0, or -1 when step is 0. */
static int
jp_rt_slice(int64_t length, int64_t start, int64_t stop, int64_t step, int32_t flags, int64_t *out)
{
    int64_t n;
    if (step == 0)
        return -1;
    if (!(flags & 1)) {
        start = step < 0 ? length - 1 : 0;
    } else if (start < 0) {
        start += length;
        if (start < 0)
            start = step < 0 ? -1 : 0;
    } else if (start >= length) {
        start = step < 0 ? length - 1 : length;
    }
    if (!(flags & 2)) {
        stop = step < 0 ? -1 : length;
    } else if (stop < 0) {
        stop += length;
        if (stop < 0)
            stop = step < 0 ? -1 : 0;
    } else if (stop >= length) {
        stop = step < 0 ? length - 1 : length;
    }
    if (step < 0)
        n = stop < start ? (start - stop - 1) / (-step) + 1 : 0;
    else
        n = start < stop ? (stop - start - 1) / step + 1 : 0;
    out[0] = start;
    out[1] = n;
    return 0;
}

/* ---- prange ------------------------------------------------------------------------ */

typedef int32_t (*prange_body)(void *env, int64_t lo, int64_t hi, int64_t start, int64_t step,
                               jp_excinfo *exc);

typedef struct prange_ctx {
    prange_body fn;
    void *env;
    int64_t start, step;
    jp_excinfo *out;
    int failed;
} prange_ctx;

static pthread_mutex_t prange_mutex = PTHREAD_MUTEX_INITIALIZER;

static void
jp_rt_prange_lock(void)
{
    pthread_mutex_lock(&prange_mutex);
}

static void
jp_rt_prange_unlock(void)
{
    pthread_mutex_unlock(&prange_mutex);
}

static void
prange_chunk(void *vctx, int64_t lo, int64_t hi)
{
    prange_ctx *p = vctx;
    jp_excinfo local = {NULL, NULL, 0, {0, 0, 0}};
    if (__atomic_load_n(&p->failed, __ATOMIC_RELAXED))
        return;
    if (p->fn(p->env, lo, hi, p->start, p->step, &local) != 0) {
        pthread_mutex_lock(&prange_mutex);
        if (!p->failed) {
            *p->out = local;
            p->failed = 1;
        }
        pthread_mutex_unlock(&prange_mutex);
    }
}

/* Run a prange body over range(start, stop, step) on the thread pool;
 * 1 with *exc set when an iteration raised. */
static int32_t
jp_rt_prange(int64_t start, int64_t stop, int64_t step, prange_body fn, void *env, jp_excinfo *exc)
{
    prange_ctx p = {fn, env, start, step, exc, 0};
    int64_t n;
    if (step == 0) {
        exc->cls = PyExc_ValueError;
        exc->msg = "range() arg 3 must not be zero";
        exc->format = 0;
        return 1;
    }
    if (step > 0)
        n = stop > start ? (int64_t)(((uint64_t)stop - (uint64_t)start - 1) / (uint64_t)step) + 1 : 0;
    else
        n = start > stop ? (int64_t)(((uint64_t)start - (uint64_t)stop - 1) / (uint64_t)(-step)) + 1 : 0;
    jp_pool_parallel_for(n, prange_chunk, &p);
    return p.failed;
}

/* A ufunc kernel raised.  In a parallel call (data is that call's
 * jp_ufunc_call) the first error is kept for the call to raise once its
 * chunks are done; in a serial loop (data == NULL) it is raised here, in
 * the calling thread, taking the GIL since NumPy may have released it. */
static void
jp_rt_ufunc_error(jp_excinfo *exc, void *data)
{
    PyGILState_STATE st;
    if (data) {
        jp_ufunc_call *call = data;
        if (__atomic_exchange_n(&call->failed, 1, __ATOMIC_ACQ_REL) == 0)
            call->exc = *exc;
        return;
    }
    st = PyGILState_Ensure();
    if (!PyErr_Occurred())
        jp_raise_from_jit(exc);
    PyGILState_Release(st);
}

#define SYM(fn) {#fn, (void *)fn}

const jp_runtime_symbol jp_runtime_symbols[] = {
    SYM(jp_rt_int_truediv), SYM(jp_rt_float_floordiv), SYM(jp_rt_float_mod),
    SYM(jp_rt_ipow), SYM(jp_rt_ipow_mod), SYM(jp_rt_round), SYM(jp_rt_round_int),
    SYM(jp_rt_cdiv), SYM(jp_rt_cpow), SYM(jp_rt_cmath),
    SYM(jp_rt_print_begin), SYM(jp_rt_print_end), SYM(jp_rt_print_i64),
    SYM(jp_rt_print_u64), SYM(jp_rt_print_f64), SYM(jp_rt_print_c128),
    SYM(jp_rt_print_bool), SYM(jp_rt_print_none), SYM(jp_rt_print_str),
    SYM(jp_rt_print_tuple_begin), SYM(jp_rt_print_tuple_end), SYM(jp_rt_print_list_end),
    SYM(jp_rt_ufunc_error), SYM(jp_rt_prange), SYM(jp_rt_prange_lock), SYM(jp_rt_prange_unlock),
    SYM(jp_rt_slice), SYM(jp_nrt_alloc), SYM(jp_nrt_incref), SYM(jp_nrt_decref),
    SYM(jp_nrt_alloc_dtor), SYM(jp_nrt_adopt),
    SYM(jp_random_seed), SYM(jp_random_double), SYM(jp_random_gauss), SYM(jp_random_randint),
    SYM(jp_rt_stack_exhausted), SYM(jp_rt_reshape_message), SYM(jp_rt_int_bounds_message), SYM(jp_rt_mask_mismatch_message), SYM(jp_rt_warn),
    SYM(jp_rt_linspace_message),
    SYM(jp_pyrandom_seed), SYM(jp_pyrandom_variate), SYM(jp_pyrandom_bits), SYM(jp_pyrandom_below),
    SYM(jp_lib_fsum), SYM(jp_lib_norm), SYM(jp_lib_intfn), SYM(jp_rt_objmode),
    SYM(jp_pyrandom_random), SYM(jp_pyrandom_shuffle),
    SYM(jp_pool_thread_id),
    SYM(jp_sort_gather), SYM(jp_sort_rows), SYM(jp_sort_inplace), SYM(jp_sort_argsort), SYM(jp_sort_quantiles),
    SYM(jp_sort_cumulate), SYM(jp_sort_diff), SYM(jp_sort_unique), SYM(jp_sort_searchsorted),
    SYM(jp_sort_digitize), SYM(jp_sort_bincount_len), SYM(jp_sort_bincount), SYM(jp_sort_histogram),
    SYM(jp_sort_histogram_edges), SYM(jp_sort_nanreduce), SYM(jp_axis_stat),
    SYM(jp_rt_exc_matches), SYM(jp_rt_exc_release),
    SYM(jp_rt_gen_new), SYM(jp_rt_gen_next), SYM(jp_rt_gen_frame_alloc), SYM(jp_rt_gen_frame_free),

    SYM(jp_la_message), SYM(jp_la_matmul), SYM(jp_la_vdot), SYM(jp_la_vdot_int), SYM(jp_la_dot_mismatch),
    SYM(jp_la_solve), SYM(jp_la_det), SYM(jp_la_norm), SYM(jp_la_eigh), SYM(jp_la_eig), SYM(jp_la_svd),
    SYM(jp_la_qr), SYM(jp_la_cholesky), SYM(jp_la_lstsq), SYM(jp_la_pinv), SYM(jp_la_matrix_rank),
    SYM(jp_la_matrix_power),
    {NULL, NULL},
};
