/* jit/lower_math.h - the math and cmath functions jit code can call: one
 * table says each function's arity, result kind and error checks; typing
 * (infer.c) and lowering (lower_math.c) both read it. */
#ifndef JP_LOWER_MATH_H
#define JP_LOWER_MATH_H

#include <Python.h>

typedef enum jp_math_result {
    MR_FLOAT,       /* float64 */
    MR_INT,         /* floor, ceil, trunc: int64 */
    MR_BOOL,        /* isnan, isinf, isfinite */
    MR_COMPLEX,     /* cmath: complex128 */
    MR_FLOAT_PAIR,  /* cmath.polar: UniTuple(float64, 2) */
} jp_math_result;

typedef struct jp_math_fn {
    const char *module;     /* "math" or "cmath" */
    const char *name;
    int min_args, max_args;
    jp_math_result result;
    const char *libm;       /* C function called, NULL when lowered inline */
    int check;              /* CPython's math_1 checks: 0 none, 1 domain, 2 domain+overflow */
} jp_math_fn;

/* The entry for a Python function object (math.sin, cmath.exp, ...):
 * its index, or -1 (no exception) when it is not one we know. */
int jp_math_lookup(PyObject *func, int *is_cmath);
const jp_math_fn *jp_math_get(int index);

#endif
