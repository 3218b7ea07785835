/* profiler/measure.c - timing for the recommendations: the best time of a
 * call on each recorded argument tuple, within a time budget. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <time.h>

#include "profiler/recommend.h"

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* time_calls(func, argsets, budget_s=0.2, max_reps=1000): for each argument
 * tuple, the best seconds of one call (the first call counts too, so a call
 * longer than the budget runs once); the list and the number of calls. */
PyObject *
jp_time_calls(PyObject *mod, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"func", "argsets", "budget_s", "max_reps", NULL};
    PyObject *func, *argsets, *out = NULL;
    double budget = 0.2;
    Py_ssize_t max_reps = 1000, n, calls = 0;

    (void)mod;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO!|dn", kwlist, &func, &PyList_Type,
                                     &argsets, &budget, &max_reps))
        return NULL;
    n = PyList_GET_SIZE(argsets);
    if (n == 0 || max_reps < 1 || budget <= 0) {
        PyErr_SetString(PyExc_ValueError, "time_calls: argsets non-empty, max_reps >= 1, "
                        "budget_s > 0");
        return NULL;
    }
    out = PyList_New(n);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *a = PyList_GET_ITEM(argsets, i), *best_obj;
        double each = budget / (double)n, spent = 0, best = -1;
        if (!PyTuple_Check(a)) {
            PyErr_SetString(PyExc_TypeError, "time_calls: each argument set is a tuple");
            goto fail;
        }
        for (Py_ssize_t rep = 0; rep < max_reps && spent < each; rep++) {
            double t0 = now_s(), dt;
            PyObject *res = PyObject_Call(func, a, NULL);
            dt = now_s() - t0;
            if (res == NULL)
                goto fail;
            Py_DECREF(res);
            calls++;
            spent += dt;
            if (best < 0 || dt < best)
                best = dt;
        }
        best_obj = PyFloat_FromDouble(best);
        if (best_obj == NULL)
            goto fail;
        PyList_SET_ITEM(out, i, best_obj);
    }
    return Py_BuildValue("(Nn)", out, calls);
fail:
    Py_DECREF(out);
    return NULL;
}
