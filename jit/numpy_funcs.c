/* jit/numpy_funcs.c - the table of NumPy functions jit code can call, and
 * recognising them (and dtype objects like np.float64) by identity. */
#include "jit/numpy_funcs.h"
#include "jit/types.h"
#include "jit/numpy_api.h"

const jp_np_fn jp_np_table[NP__COUNT] = {
    [NP_EMPTY] = {"numpy", "empty", NPK_CREATE},
    [NP_ZEROS] = {"numpy", "zeros", NPK_CREATE},
    [NP_ONES] = {"numpy", "ones", NPK_CREATE},
    [NP_FULL] = {"numpy", "full", NPK_CREATE},
    [NP_EMPTY_LIKE] = {"numpy", "empty_like", NPK_CREATE_LIKE},
    [NP_ZEROS_LIKE] = {"numpy", "zeros_like", NPK_CREATE_LIKE},
    [NP_ONES_LIKE] = {"numpy", "ones_like", NPK_CREATE_LIKE},
    [NP_FULL_LIKE] = {"numpy", "full_like", NPK_CREATE_LIKE},
    [NP_ARANGE] = {"numpy", "arange", NPK_ARANGE},
    [NP_LINSPACE] = {"numpy", "linspace", NPK_LINSPACE},
    [NP_COPY] = {"numpy", "copy", NPK_COPY},
    [NP_SQRT] = {"numpy", "sqrt", NPK_UNARY},
    [NP_EXP] = {"numpy", "exp", NPK_UNARY},
    [NP_LOG] = {"numpy", "log", NPK_UNARY},
    [NP_LOG2] = {"numpy", "log2", NPK_UNARY},
    [NP_LOG10] = {"numpy", "log10", NPK_UNARY},
    [NP_LOG1P] = {"numpy", "log1p", NPK_UNARY},
    [NP_EXPM1] = {"numpy", "expm1", NPK_UNARY},
    [NP_SIN] = {"numpy", "sin", NPK_UNARY},
    [NP_COS] = {"numpy", "cos", NPK_UNARY},
    [NP_TAN] = {"numpy", "tan", NPK_UNARY},
    [NP_ARCSIN] = {"numpy", "arcsin", NPK_UNARY},
    [NP_ARCCOS] = {"numpy", "arccos", NPK_UNARY},
    [NP_ARCTAN] = {"numpy", "arctan", NPK_UNARY},
    [NP_SINH] = {"numpy", "sinh", NPK_UNARY},
    [NP_COSH] = {"numpy", "cosh", NPK_UNARY},
    [NP_TANH] = {"numpy", "tanh", NPK_UNARY},
    [NP_ABS] = {"numpy", "abs", NPK_UNARY},
    [NP_ABSOLUTE] = {"numpy", "absolute", NPK_UNARY},
    [NP_FLOOR] = {"numpy", "floor", NPK_UNARY},
    [NP_CEIL] = {"numpy", "ceil", NPK_UNARY},
    [NP_TRUNC] = {"numpy", "trunc", NPK_UNARY},
    [NP_ISNAN] = {"numpy", "isnan", NPK_UNARY},
    [NP_ISINF] = {"numpy", "isinf", NPK_UNARY},
    [NP_ISFINITE] = {"numpy", "isfinite", NPK_UNARY},
    [NP_NEGATIVE] = {"numpy", "negative", NPK_UNARY},
    [NP_SQUARE] = {"numpy", "square", NPK_UNARY},
    [NP_ARCTAN2] = {"numpy", "arctan2", NPK_BINARY},
    [NP_MINIMUM] = {"numpy", "minimum", NPK_BINARY},
    [NP_MAXIMUM] = {"numpy", "maximum", NPK_BINARY},
    [NP_HYPOT] = {"numpy", "hypot", NPK_BINARY},
    [NP_POWER] = {"numpy", "power", NPK_BINARY},
    [NP_ADD] = {"numpy", "add", NPK_BINARY},
    [NP_SUBTRACT] = {"numpy", "subtract", NPK_BINARY},
    [NP_MULTIPLY] = {"numpy", "multiply", NPK_BINARY},
    [NP_DIVIDE] = {"numpy", "divide", NPK_BINARY},
    [NP_WHERE] = {"numpy", "where", NPK_WHERE},
    [NP_SUM] = {"numpy", "sum", NPK_REDUCE},
    [NP_PROD] = {"numpy", "prod", NPK_REDUCE},
    [NP_MIN] = {"numpy", "min", NPK_REDUCE},
    [NP_MAX] = {"numpy", "max", NPK_REDUCE},
    [NP_AMIN] = {"numpy", "amin", NPK_REDUCE},
    [NP_AMAX] = {"numpy", "amax", NPK_REDUCE},
    [NP_MEAN] = {"numpy", "mean", NPK_REDUCE},
    [NP_VAR] = {"numpy", "var", NPK_REDUCE},
    [NP_STD] = {"numpy", "std", NPK_REDUCE},
    [NP_ARGMIN] = {"numpy", "argmin", NPK_REDUCE},
    [NP_ARGMAX] = {"numpy", "argmax", NPK_REDUCE},
    [NP_DOT] = {"numpy", "dot", NPK_DOT},
    [NP_MATMUL] = {"numpy", "matmul", NPK_DOT},
    [NP_RANDOM_SEED] = {"numpy.random", "seed", NPK_RANDOM},
    [NP_RANDOM_RANDOM] = {"numpy.random", "random", NPK_RANDOM},
    [NP_RANDOM_RAND] = {"numpy.random", "rand", NPK_RANDOM},
    [NP_RANDOM_RANDN] = {"numpy.random", "randn", NPK_RANDOM},
    [NP_RANDOM_NORMAL] = {"numpy.random", "normal", NPK_RANDOM},
    [NP_RANDOM_UNIFORM] = {"numpy.random", "uniform", NPK_RANDOM},
    [NP_RANDOM_RANDINT] = {"numpy.random", "randint", NPK_RANDOM},
    [NP_RANDOM_INTEGERS] = {"numpy.random", "random_integers", NPK_RANDOM},
    [NP_RESHAPE] = {"numpy", "reshape", NPK_SHAPE},
    [NP_RAVEL] = {"numpy", "ravel", NPK_SHAPE},
    [NP_TRANSPOSE] = {"numpy", "transpose", NPK_SHAPE},
    [NP_NDENUMERATE] = {"numpy", "ndenumerate", NPK_ITER},
    [NP_NDINDEX] = {"numpy", "ndindex", NPK_ITER},
    [NP_NDITER] = {"numpy", "nditer", NPK_ITER},
    [NP_FABS] = {"numpy", "fabs", NPK_UNARY},
    [NP_RINT] = {"numpy", "rint", NPK_UNARY},
    [NP_SIGN] = {"numpy", "sign", NPK_UNARY},
    [NP_EXP2] = {"numpy", "exp2", NPK_UNARY},
    [NP_CBRT] = {"numpy", "cbrt", NPK_UNARY},
    [NP_RECIPROCAL] = {"numpy", "reciprocal", NPK_UNARY},
    [NP_ARCSINH] = {"numpy", "arcsinh", NPK_UNARY},
    [NP_ARCCOSH] = {"numpy", "arccosh", NPK_UNARY},
    [NP_ARCTANH] = {"numpy", "arctanh", NPK_UNARY},
    [NP_DEG2RAD] = {"numpy", "deg2rad", NPK_UNARY},
    [NP_RAD2DEG] = {"numpy", "rad2deg", NPK_UNARY},
    [NP_DEGREES] = {"numpy", "degrees", NPK_UNARY},
    [NP_RADIANS] = {"numpy", "radians", NPK_UNARY},
    [NP_SIGNBIT] = {"numpy", "signbit", NPK_UNARY},
    [NP_LOGICAL_NOT] = {"numpy", "logical_not", NPK_UNARY},
    [NP_BITWISE_NOT] = {"numpy", "bitwise_not", NPK_UNARY},
    [NP_INVERT] = {"numpy", "invert", NPK_UNARY},
    [NP_POSITIVE] = {"numpy", "positive", NPK_UNARY},
    [NP_CONJ] = {"numpy", "conj", NPK_UNARY},
    [NP_CONJUGATE] = {"numpy", "conjugate", NPK_UNARY},
    [NP_LOGADDEXP] = {"numpy", "logaddexp", NPK_BINARY},
    [NP_LOGADDEXP2] = {"numpy", "logaddexp2", NPK_BINARY},
    [NP_FLOOR_DIVIDE] = {"numpy", "floor_divide", NPK_BINARY},
    [NP_REMAINDER] = {"numpy", "remainder", NPK_BINARY},
    [NP_MOD] = {"numpy", "mod", NPK_BINARY},
    [NP_FMOD] = {"numpy", "fmod", NPK_BINARY},
    [NP_FMAX] = {"numpy", "fmax", NPK_BINARY},
    [NP_FMIN] = {"numpy", "fmin", NPK_BINARY},
    [NP_COPYSIGN] = {"numpy", "copysign", NPK_BINARY},
    [NP_NEXTAFTER] = {"numpy", "nextafter", NPK_BINARY},
    [NP_GREATER] = {"numpy", "greater", NPK_BINARY},
    [NP_GREATER_EQUAL] = {"numpy", "greater_equal", NPK_BINARY},
    [NP_LESS] = {"numpy", "less", NPK_BINARY},
    [NP_LESS_EQUAL] = {"numpy", "less_equal", NPK_BINARY},
    [NP_NOT_EQUAL] = {"numpy", "not_equal", NPK_BINARY},
    [NP_EQUAL] = {"numpy", "equal", NPK_BINARY},
    [NP_LOGICAL_AND] = {"numpy", "logical_and", NPK_BINARY},
    [NP_LOGICAL_OR] = {"numpy", "logical_or", NPK_BINARY},
    [NP_LOGICAL_XOR] = {"numpy", "logical_xor", NPK_BINARY},
    [NP_BITWISE_AND] = {"numpy", "bitwise_and", NPK_BINARY},
    [NP_BITWISE_OR] = {"numpy", "bitwise_or", NPK_BINARY},
    [NP_BITWISE_XOR] = {"numpy", "bitwise_xor", NPK_BINARY},
    [NP_LEFT_SHIFT] = {"numpy", "left_shift", NPK_BINARY},
    [NP_RIGHT_SHIFT] = {"numpy", "right_shift", NPK_BINARY},
    [NP_FLOAT_POWER] = {"numpy", "float_power", NPK_BINARY},
    [NP_GCD] = {"numpy", "gcd", NPK_BINARY},
    [NP_LCM] = {"numpy", "lcm", NPK_BINARY},
    [NP_HEAVISIDE] = {"numpy", "heaviside", NPK_BINARY},
};

static PyObject *np_objects;   /* function object -> index */

static int
np_objects_init(void)
{
    np_objects = PyDict_New();
    if (np_objects == NULL)
        return -1;
    for (int i = 0; i < NP__COUNT; i++) {
        PyObject *mod = PyImport_ImportModule(jp_np_table[i].module), *fn, *idx;
        if (mod == NULL)
            return -1;
        fn = PyObject_GetAttrString(mod, jp_np_table[i].name);
        Py_DECREF(mod);
        if (fn == NULL) {
            PyErr_Clear();
            continue;
        }
        idx = PyLong_FromLong(i);
        if (idx == NULL || PyDict_SetItem(np_objects, fn, idx) < 0) {
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
jp_numpy_lookup(PyObject *obj)
{
    PyObject *idx;
    if (!jp_numpy_ready())
        return -1;
    if (np_objects == NULL && np_objects_init() < 0) {
        PyErr_Clear();
        return -1;
    }
    idx = PyDict_GetItemWithError(np_objects, obj);
    if (idx == NULL) {
        PyErr_Clear();
        return -1;
    }
    return (int)PyLong_AsLong(idx);
}

jp_type *
jp_numpy_dtype_object(PyObject *obj)
{
    PyArray_Descr *descr;
    jp_type *t;
    if (!jp_numpy_ready() || !PyType_Check(obj))
        return NULL;
    if (!PyType_IsSubtype((PyTypeObject *)obj, &PyGenericArrType_Type))
        return NULL;
    descr = PyArray_DescrFromTypeObject(obj);
    if (descr == NULL) {
        PyErr_Clear();
        return NULL;
    }
    t = jp_dtype_from_typenum(descr->type_num);
    Py_DECREF(descr);
    return t;
}
