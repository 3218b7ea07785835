/* profiler/recommend.c - the recommendation engine.
 *
 * advise_classify(facts): from one hot function's facts (its shares of the
 * time, calls, recorded signatures, array sizes, call sites), the kinds of
 * suggestion to try: jit, vectorize (cpu or parallel), batch, type-unstable,
 * advice (float32, gpu).  The glue then dry-runs the compiler and measures.
 *
 * advise_rank(entries): each tried suggestion (kind, shares, applicable,
 * measured speedup) scored by the share of the program's time it would
 * save, best first, with the sentence that says why.
 */
#include "profiler/recommend.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- reading the facts (missing keys read as 0) ---------------------- */

static double
fact_f(PyObject *d, const char *key)
{
    PyObject *v = PyDict_GetItemString(d, key);
    double x;
    if (v == NULL || v == Py_None)
        return 0.0;
    x = PyFloat_AsDouble(v);
    if (x == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return 0.0;
    }
    return x;
}

static int
fact_b(PyObject *d, const char *key)
{
    PyObject *v = PyDict_GetItemString(d, key);
    int b;
    if (v == NULL)
        return 0;
    b = PyObject_IsTrue(v);
    if (b < 0) {
        PyErr_Clear();
        return 0;
    }
    return b;
}

static const char *
fact_s(PyObject *d, const char *key, const char *dflt)
{
    PyObject *v = PyDict_GetItemString(d, key);
    const char *s;
    if (v == NULL || !PyUnicode_Check(v))
        return dflt;
    s = PyUnicode_AsUTF8(v);
    if (s == NULL) {
        PyErr_Clear();
        return dflt;
    }
    return s;
}

static int
add_kind(PyObject *out, const char *kind, const char *detail)
{
    PyObject *t = Py_BuildValue("(ss)", kind, detail);
    int rc = t ? PyList_Append(out, t) : -1;
    Py_XDECREF(t);
    return rc;
}

/* ---- classify ---------------------------------------------------------- */

PyObject *
jp_advise_classify(PyObject *mod, PyObject *facts)
{
    PyObject *out;
    double total, hot, calls, per_call, max_elems, bytes, f64_bytes, loop_elems;
    int nsigs, scalar_only, elementwise;

    (void)mod;
    if (!PyDict_Check(facts)) {
        PyErr_SetString(PyExc_TypeError, "advise_classify(facts): a dict");
        return NULL;
    }
    total = fact_f(facts, "total_share");
    hot = PyDict_GetItemString(facts, "hot_share") ? fact_f(facts, "hot_share")
                                                   : JP_REC_HOT_SHARE;
    calls = fact_f(facts, "calls");
    per_call = fact_f(facts, "per_call_s");
    max_elems = fact_f(facts, "max_elements");
    bytes = fact_f(facts, "array_bytes_per_call");
    f64_bytes = fact_f(facts, "float64_bytes_per_call");
    loop_elems = fact_f(facts, "loop_elements");
    nsigs = (int)fact_f(facts, "signatures");
    scalar_only = fact_b(facts, "scalar_only");
    elementwise = fact_b(facts, "elementwise");
    out = PyList_New(0);
    if (out == NULL || total < hot)
        return out;
    /* hot: try to compile it (callers of hot loops included: total share) */
    if (add_kind(out, "jit", "") < 0)
        goto fail;
    if (elementwise && scalar_only && nsigs >= 1 && calls >= JP_REC_VECTORIZE_CALLS
        && add_kind(out, "vectorize", loop_elems >= JP_REC_PARALLEL_ELEMS ? "parallel" : "cpu") < 0)
        goto fail;
    if (calls >= JP_REC_BATCH_CALLS && per_call > 0
        && per_call <= JP_REC_BATCH_CALL_S && max_elems > 0 && max_elems <= JP_REC_BATCH_ELEMS
        && add_kind(out, "batch", "") < 0)
        goto fail;
    if (nsigs >= 2 && add_kind(out, "type-unstable", "") < 0)
        goto fail;
    if (f64_bytes >= JP_REC_FLOAT32_BYTES && add_kind(out, "advice", "float32") < 0)
        goto fail;
    if (fact_b(facts, "gpu") && bytes >= JP_REC_GPU_BYTES && add_kind(out, "advice", "gpu") < 0)
        goto fail;
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* ---- rank -------------------------------------------------------------- */

/* The share of the program's time the suggestion would save, as a score. */
static double
score_of(const char *kind, const char *detail, double total, int applicable, double speedup)
{
    (void)detail;
    if (strcmp(kind, "advice") == 0)
        return 0.1 * total;
    if (strcmp(kind, "type-unstable") == 0)
        return 0.2 * total;
    if (!applicable)
        return 0.25 * total;
    if (speedup > 0)
        return speedup > 1 ? total * (1.0 - 1.0 / speedup) : 0.0;
    return 0.5 * total;                 /* applicable, not measured */
}

static PyObject *
why_of(PyObject *e, const char *kind, const char *detail, int applicable, double speedup)
{
    const char *name = fact_s(e, "function", "?");
    double total = 100 * fact_f(e, "total_share"), self = 100 * fact_f(e, "self_share");
    double calls = fact_f(e, "calls"), per_call_us = 1e6 * fact_f(e, "per_call_s");
    double mb = fact_f(e, "array_bytes_per_call") / (1 << 20);
    double f64mb = fact_f(e, "float64_bytes_per_call") / (1 << 20);
    int nsigs = (int)fact_f(e, "signatures");
    char buf[1024], tail[256] = "";

    if (applicable && speedup > 0)
        snprintf(tail, sizeof tail, "; measured %.1fx faster on the recorded arguments",
                 speedup);
    else if (applicable)
        snprintf(tail, sizeof tail, "; not measured (%s)",
                 fact_s(e, "unmeasured", "no recorded arguments"));
    if (strcmp(kind, "jit") == 0) {
        if (applicable)
            snprintf(buf, sizeof buf,
                     "%s takes %.0f%% of the time (%.0f%% in its own code), is type-stable "
                     "(%d signature%s) and compiles%s", name, total, self, nsigs,
                     nsigs == 1 ? "" : "s", tail);
        else
            snprintf(buf, sizeof buf, "%s takes %.0f%% of the time (%.0f%% in its own code) "
                     "but the JIT cannot compile it: %s", name, total, self,
                     fact_s(e, "reason", "see reason"));
    } else if (strcmp(kind, "vectorize") == 0) {
        snprintf(buf, sizeof buf, "%s is a scalar function applied elementwise in a Python "
                 "loop over arrays (%.0f calls); as a ufunc (target='%s') the loop runs in "
                 "native code%s%s%s", name, calls, detail,
                 strcmp(detail, "parallel") == 0 ? " on every core (the arrays are large)" : "",
                 applicable ? tail : ": ", applicable ? "" : fact_s(e, "reason", ""));
    } else if (strcmp(kind, "batch") == 0) {
        snprintf(buf, sizeof buf, "%s is called %.0f times on tiny inputs (%.2f us per call): "
                 "the per-call overhead dominates; call it once on all the inputs stacked%s%s",
                 name, calls, per_call_us, applicable ? tail : ": ",
                 applicable ? "" : fact_s(e, "reason", ""));
    } else if (strcmp(kind, "type-unstable") == 0) {
        snprintf(buf, sizeof buf, "%s is called with %d different signatures; each one costs "
                 "a compile of its own and a dispatch: convert the arguments to one signature "
                 "at the call sites", name, nsigs);
    } else if (strcmp(detail, "float32") == 0) {
        snprintf(buf, sizeof buf, "%s moves %.1f MiB of float64 arrays per call: float32 "
                 "halves the memory traffic, if its precision suffices", name, f64mb);
    } else {
        snprintf(buf, sizeof buf, "a GPU is present and %s moves %.1f MiB of arrays per call: "
                 "a GPU target may pay off once the data stays on the device", name, mb);
    }
    return PyUnicode_FromString(buf);
}

PyObject *
jp_advise_rank(PyObject *mod, PyObject *entries)
{
    PyObject *rows = NULL, *out = NULL;
    Py_ssize_t n;

    (void)mod;
    if (!PyList_Check(entries)) {
        PyErr_SetString(PyExc_TypeError, "advise_rank(entries): a list of dicts");
        return NULL;
    }
    n = PyList_GET_SIZE(entries);
    rows = PyList_New(0);
    if (rows == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *e = PyList_GET_ITEM(entries, i), *why, *row;
        const char *kind, *detail;
        int applicable;
        double speedup, total, score;
        if (!PyDict_Check(e)) {
            PyErr_SetString(PyExc_TypeError, "advise_rank(entries): a list of dicts");
            goto done;
        }
        kind = fact_s(e, "kind", "advice");
        detail = fact_s(e, "detail", "");
        applicable = fact_b(e, "applicable");
        speedup = fact_f(e, "speedup");
        total = fact_f(e, "total_share");
        score = score_of(kind, detail, total, applicable, speedup);
        why = why_of(e, kind, detail, applicable, speedup);
        if (why == NULL)
            goto done;
        /* sort key: score, then total share, then the input order */
        row = Py_BuildValue("(ddnnN)", -score, -total, i, i, why);
        if (row == NULL || PyList_Append(rows, row) < 0) {
            Py_XDECREF(row);
            goto done;
        }
        Py_DECREF(row);
    }
    if (PyList_Sort(rows) < 0)
        goto done;
    out = PyList_New(PyList_GET_SIZE(rows));
    if (out == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(rows); k++) {
        PyObject *r = PyList_GET_ITEM(rows, k);
        PyObject *t = Py_BuildValue("(OdO)", PyTuple_GET_ITEM(r, 3),
                                    -PyFloat_AsDouble(PyTuple_GET_ITEM(r, 0)),
                                    PyTuple_GET_ITEM(r, 4));
        if (t == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, k, t);
    }
done:
    Py_XDECREF(rows);
    return out;
}

static PyMethodDef recommend_methods[] = {
    {"advise_classify", jp_advise_classify, METH_O,
     "advise_classify(facts) -> [(kind, detail)]: the suggestions to try for one function."},
    {"advise_rank", jp_advise_rank, METH_O,
     "advise_rank(entries) -> [(index, score, why)], best first."},
    {"time_calls", (PyCFunction)(void (*)(void))jp_time_calls, METH_VARARGS | METH_KEYWORDS,
     "time_calls(func, argsets, budget_s=0.2, max_reps=1000) -> ([best seconds per argset], "
     "calls)"},
    {NULL, NULL, 0, NULL},
};

int
jp_recommend_module_init(PyObject *m)
{
    PyObject *th = Py_BuildValue("{sdsisisisdsisisi}",
                                 "hot_share", JP_REC_HOT_SHARE,
                                 "vectorize_calls", JP_REC_VECTORIZE_CALLS,
                                 "parallel_elements", JP_REC_PARALLEL_ELEMS,
                                 "batch_calls", JP_REC_BATCH_CALLS,
                                 "batch_call_s", JP_REC_BATCH_CALL_S,
                                 "batch_elements", JP_REC_BATCH_ELEMS,
                                 "float32_bytes", JP_REC_FLOAT32_BYTES,
                                 "gpu_bytes", JP_REC_GPU_BYTES);
    if (th == NULL || PyModule_AddObject(m, "advise_thresholds", th) < 0) {
        Py_XDECREF(th);
        return -1;
    }
    return PyModule_AddFunctions(m, recommend_methods);
}
