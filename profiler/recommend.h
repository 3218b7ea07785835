/* profiler/recommend.h - the recommendation engine (recommend.c) and its
 * timing helper (measure.c): which kinds of suggestion a hot function's
 * recorded facts call for, and the ranking with the words of each "why". */
#ifndef JP_RECOMMEND_H
#define JP_RECOMMEND_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Thresholds (the seed's data-profiling guidelines, made numbers). */
#define JP_REC_HOT_SHARE        0.05    /* total share that makes a function hot */
#define JP_REC_VECTORIZE_CALLS  1000    /* elementwise calls before a ufunc pays */
#define JP_REC_PARALLEL_ELEMS   1000000 /* array elements for target='parallel' */
#define JP_REC_BATCH_CALLS      10000   /* "very many" calls ... */
#define JP_REC_BATCH_CALL_S     50e-6   /* ... each this short or shorter ... */
#define JP_REC_BATCH_ELEMS      64      /* ... on arrays this small (scalars are
                                         * vectorize's or the caller's business) */
#define JP_REC_FLOAT32_BYTES    (1 << 20)   /* float64 bytes per call */
#define JP_REC_GPU_BYTES        (16 << 20)  /* array bytes per call */

PyObject *jp_advise_classify(PyObject *mod, PyObject *facts);
PyObject *jp_advise_rank(PyObject *mod, PyObject *entries);
PyObject *jp_time_calls(PyObject *mod, PyObject *args, PyObject *kw);
int jp_recommend_module_init(PyObject *m);

#endif
