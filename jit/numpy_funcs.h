/* jit/numpy_funcs.h - the NumPy functions jit code can call, as one table:
 * typing (infer_numpy.c) and lowering (lower_numpy.c) read it. */
#ifndef JP_NUMPY_FUNCS_H
#define JP_NUMPY_FUNCS_H

#include <Python.h>

typedef enum jp_np_kind {
    NPK_CREATE,         /* empty, zeros, ones, full (shape, [fill], dtype=) */
    NPK_CREATE_LIKE,    /* empty_like, ... (array, [fill], dtype=) */
    NPK_ARANGE,
    NPK_LINSPACE,
    NPK_COPY,           /* copy(a) */
    NPK_UNARY,          /* elementwise, one input */
    NPK_BINARY,         /* elementwise, two inputs */
    NPK_WHERE,
    NPK_REDUCE,         /* sum, prod, min, max, mean, var, std, argmin, argmax */
    NPK_DOT,            /* dot, matmul */
    NPK_RANDOM,         /* numpy.random.* */
    NPK_SHAPE,          /* reshape, ravel, transpose */
    NPK_ITER,           /* ndenumerate, ndindex, nditer: only as for-loop iterables (jit/iter.h) */
} jp_np_kind;

typedef enum jp_np_id {
    NP_EMPTY, NP_ZEROS, NP_ONES, NP_FULL,
    NP_EMPTY_LIKE, NP_ZEROS_LIKE, NP_ONES_LIKE, NP_FULL_LIKE,
    NP_ARANGE, NP_LINSPACE, NP_COPY,
    NP_SQRT, NP_EXP, NP_LOG, NP_LOG2, NP_LOG10, NP_LOG1P, NP_EXPM1, NP_SIN, NP_COS,
    NP_TAN, NP_ARCSIN, NP_ARCCOS, NP_ARCTAN, NP_SINH, NP_COSH, NP_TANH, NP_ABS,
    NP_ABSOLUTE, NP_FLOOR, NP_CEIL, NP_TRUNC, NP_ISNAN, NP_ISINF, NP_ISFINITE,
    NP_NEGATIVE, NP_SQUARE,
    NP_ARCTAN2, NP_MINIMUM, NP_MAXIMUM, NP_HYPOT, NP_POWER, NP_ADD, NP_SUBTRACT,
    NP_MULTIPLY, NP_DIVIDE,
    NP_WHERE,
    NP_SUM, NP_PROD, NP_MIN, NP_MAX, NP_AMIN, NP_AMAX, NP_MEAN, NP_VAR, NP_STD,
    NP_ARGMIN, NP_ARGMAX,
    NP_DOT, NP_MATMUL,
    NP_RANDOM_SEED, NP_RANDOM_RANDOM, NP_RANDOM_RAND, NP_RANDOM_RANDN, NP_RANDOM_NORMAL,
    NP_RANDOM_UNIFORM, NP_RANDOM_RANDINT, NP_RANDOM_INTEGERS,
    NP_RESHAPE, NP_RAVEL, NP_TRANSPOSE,
    NP_NDENUMERATE, NP_NDINDEX, NP_NDITER,
    /* more standard ufuncs (lower_np_ufunc.c): unary */
    NP_FABS, NP_RINT, NP_SIGN, NP_EXP2, NP_CBRT, NP_RECIPROCAL, NP_ARCSINH, NP_ARCCOSH, NP_ARCTANH,
    NP_DEG2RAD, NP_RAD2DEG, NP_DEGREES, NP_RADIANS, NP_SIGNBIT, NP_LOGICAL_NOT, NP_BITWISE_NOT,
    NP_INVERT, NP_POSITIVE, NP_CONJ, NP_CONJUGATE,
    /* binary */
    NP_LOGADDEXP, NP_LOGADDEXP2, NP_FLOOR_DIVIDE, NP_REMAINDER, NP_MOD, NP_FMOD, NP_FMAX, NP_FMIN,
    NP_COPYSIGN, NP_NEXTAFTER, NP_GREATER, NP_GREATER_EQUAL, NP_LESS, NP_LESS_EQUAL, NP_NOT_EQUAL,
    NP_EQUAL, NP_LOGICAL_AND, NP_LOGICAL_OR, NP_LOGICAL_XOR, NP_BITWISE_AND, NP_BITWISE_OR,
    NP_BITWISE_XOR, NP_LEFT_SHIFT, NP_RIGHT_SHIFT, NP_FLOAT_POWER, NP_GCD, NP_LCM, NP_HEAVISIDE,
    NP__COUNT
} jp_np_id;

typedef struct jp_np_fn {
    const char *module;     /* "numpy" or "numpy.random" */
    const char *name;
    jp_np_kind kind;
} jp_np_fn;

extern const jp_np_fn jp_np_table[NP__COUNT];

/* The ufuncs from NP_FABS on (lower_np_ufunc.c): the element type of the
 * result for elements of types a (and b for binary ones; NULL for unary),
 * NULL when NumPy has no loop for them; and one element of the result. */
#define NP_FIRST_MORE_UFUNC NP_FABS
struct jp_type *jp_np_more_ufunc_result(int id, struct jp_type *a, struct jp_type *b);
/* lower_np_ufunc.c: the float loop NumPy picks for element type e (bool and
 * ints of at most 16 bits: float32; wider ints: float64; floats: e). */
struct jp_type *jp_np_float_loop(struct jp_type *e);

/* The table index of a numpy function object, or -1 (no error). */
int jp_numpy_lookup(PyObject *obj);
/* The element type a NumPy scalar type object stands for (np.float64), or NULL. */
struct jp_type *jp_numpy_dtype_object(PyObject *obj);

#endif
