/* profiler/argrecord.c - see argrecord.h: the store behind the data
 * profiler (signatures, shape histograms, bytes, reservoirs of values). */
#include "profiler/argrecord.h"

#include <stdlib.h>
#include <string.h>

#include "jit/types.h"
#include "jit/numpy_api.h"

int
jp_argrec_init(jp_argrec *r)
{
    memset(r, 0, sizeof *r);
    r->keep = PyList_New(0);
    r->held = PyList_New(0);
    r->hot_names = PySet_New(NULL);
    if (r->keep == NULL || r->held == NULL || r->hot_names == NULL) {
        jp_argrec_clear(r);
        return -1;
    }
    r->copy_limit = 4 << 20;
    r->copy_budget = 64 << 20;
    r->reservoir_size = 4;
    r->every = 16;
    r->warm = 32;
    r->rng = 0x9E3779B97F4A7C15ull;
    return 0;
}

void
jp_argrec_clear(jp_argrec *r)
{
    for (size_t i = 0; i < r->n; i++) {
        jp_argfunc *fn = &r->funcs[i];
        for (size_t j = 0; j < fn->nsigs; j++) {
            free(fn->sigs[j].shapes);
            Py_XDECREF(fn->sigs[j].reservoir);
        }
        free(fn->sigs);
        Py_XDECREF(fn->code);
    }
    free(r->funcs);
    r->funcs = NULL;
    r->n = r->cap = 0;
    jp_idmap_free(&r->by_code);
    jp_idmap_free(&r->seen_codes);
    Py_CLEAR(r->held);
    Py_CLEAR(r->hot_names);
    Py_CLEAR(r->keep);
}

jp_argfunc *
jp_argrec_func(jp_argrec *r, PyObject *code)
{
    uint32_t id = jp_idmap_get(&r->by_code, (uintptr_t)code, 0);
    jp_argfunc *fn;

    if (id != UINT32_MAX)
        return &r->funcs[id];
    if (r->n == r->cap) {
        size_t ncap = r->cap ? 2 * r->cap : 16;
        jp_argfunc *nf = realloc(r->funcs, ncap * sizeof *nf);
        if (nf == NULL)
            goto fail;
        r->funcs = nf;
        r->cap = ncap;
    }
    if (jp_idmap_put(&r->by_code, (uintptr_t)code, 0, (uint32_t)r->n) < 0)
        goto fail;
    fn = &r->funcs[r->n++];
    memset(fn, 0, sizeof *fn);
    Py_INCREF(code);
    fn->code = code;
    return fn;
fail:
    PyErr_NoMemory();
    return NULL;
}

static uint64_t
next_rand(jp_argrec *r)
{
    uint64_t x = r->rng;        /* xorshift64 */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return r->rng = x;
}

/* The signature of keys[0..n) in fn, created on first use. */
static jp_argsig *
find_sig(jp_argfunc *fn, const jp_argkey *keys, int n)
{
    jp_argsig *s;

    for (size_t i = 0; i < fn->nsigs; i++) {
        s = &fn->sigs[i];
        if (s->nargs == n && memcmp(s->keys, keys, (size_t)n * sizeof *keys) == 0)
            return s;
    }
    if (fn->nsigs == fn->capsigs) {
        size_t ncap = fn->capsigs ? 2 * fn->capsigs : 4;
        jp_argsig *ns = realloc(fn->sigs, ncap * sizeof *ns);
        if (ns == NULL)
            return NULL;
        fn->sigs = ns;
        fn->capsigs = ncap;
    }
    s = &fn->sigs[fn->nsigs];
    memset(s, 0, sizeof *s);
    s->nargs = n;
    memcpy(s->keys, keys, (size_t)n * sizeof *keys);
    s->reservoir = PyList_New(0);
    if (s->reservoir == NULL)
        return NULL;
    fn->nsigs++;
    return s;
}

static void
count_shape(jp_arg_shapes *h, PyArrayObject *a)
{
    int nd = PyArray_NDIM(a);
    npy_intp *dims = PyArray_DIMS(a);
    int keep = nd < JP_SHAPE_DIMS ? nd : JP_SHAPE_DIMS;

    for (int i = 0; i < h->nbins; i++) {
        jp_shape_bin *b = &h->bins[i];
        if (b->ndim == nd && memcmp(b->dims, dims, (size_t)keep * sizeof *dims) == 0) {
            b->count++;
            return;
        }
    }
    if (h->nbins == JP_SHAPE_BINS) {
        h->other++;
        return;
    }
    h->bins[h->nbins].ndim = nd;
    memcpy(h->bins[h->nbins].dims, dims, (size_t)keep * sizeof *dims);
    h->bins[h->nbins].count = 1;
    h->nbins++;
}

/* A value to keep in the reservoir: arrays copied (None when larger than
 * the limit, or once the recorder has copied its budget: copying is what
 * recording a large array costs), everything else shared (numbers and
 * tuples are immutable). */
static PyObject *
kept_value(jp_argrec *r, PyObject *v)
{
    if (jp_numpy_ready() && PyArray_Check(v)) {
        Py_ssize_t nb = (Py_ssize_t)PyArray_NBYTES((PyArrayObject *)v);
        if (nb > r->copy_limit || r->copied + nb > r->copy_budget)
            Py_RETURN_NONE;
        r->copied += nb;
        return PyArray_NewCopy((PyArrayObject *)v, NPY_KEEPORDER);
    }
    Py_INCREF(v);
    return v;
}

static int
offer_reservoir(jp_argrec *r, jp_argsig *s, PyObject *const *args, int n)
{
    Py_ssize_t len = PyList_GET_SIZE(s->reservoir), slot = len;
    PyObject *tup;
    int rc;

    s->offered++;
    if (len >= r->reservoir_size) {         /* Vitter's algorithm R */
        uint64_t j = next_rand(r) % s->offered;
        if (j >= (uint64_t)r->reservoir_size)
            return 0;
        slot = (Py_ssize_t)j;
    }
    tup = PyTuple_New(n);
    if (tup == NULL)
        return -1;
    for (int i = 0; i < n; i++) {
        PyObject *v = kept_value(r, args[i]);
        if (v == NULL) {
            Py_DECREF(tup);
            return -1;
        }
        PyTuple_SET_ITEM(tup, i, v);
    }
    if (slot == len)
        rc = PyList_Append(s->reservoir, tup);
    else
        rc = PyList_SetItem(s->reservoir, slot, Py_NewRef(tup));
    Py_DECREF(tup);
    return rc;
}

int
jp_argrec_record(jp_argrec *r, jp_argfunc *fn, PyObject *const *args, int n)
{
    jp_argkey keys[JP_ARG_MAX];
    jp_argsig *s;
    int has_array = 0;

    if (n > JP_ARG_MAX)
        n = JP_ARG_MAX;
    for (int i = 0; i < n; i++) {
        jp_type *t = jp_typeof(args[i]);
        if (t != NULL) {
            keys[i] = (jp_argkey)t;
            has_array |= t->kind == JP_ARRAY;
        } else {
            PyTypeObject *tp = Py_TYPE(args[i]);
            if (PyErr_Occurred())
                PyErr_Clear();
            if (!(tp->tp_flags & Py_TPFLAGS_IMMUTABLETYPE)
                && PySequence_Contains(r->keep, (PyObject *)tp) == 0
                && PyList_Append(r->keep, (PyObject *)tp) < 0)
                return -1;
            keys[i] = (jp_argkey)tp | JP_ARGKEY_UNTYPED;
        }
    }
    s = find_sig(fn, keys, n);
    if (s == NULL) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        return -1;
    }
    if (has_array && s->shapes == NULL) {
        s->shapes = calloc((size_t)n, sizeof *s->shapes);
        if (s->shapes == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    }
    s->calls++;
    fn->recorded++;
    if (has_array)
        for (int i = 0; i < n; i++)
            if (!(keys[i] & JP_ARGKEY_UNTYPED) && ((jp_type *)keys[i])->kind == JP_ARRAY) {
                PyArrayObject *a = (PyArrayObject *)args[i];
                s->bytes += (uint64_t)PyArray_NBYTES(a);
                count_shape(&s->shapes[i], a);
            }
    return offer_reservoir(r, s, args, n);
}

PyObject *
jp_argkey_spelling(jp_argkey k)
{
    if (k & JP_ARGKEY_UNTYPED)
        return PyUnicode_FromFormat("pyobject(%s)",
                                    ((PyTypeObject *)(k & ~(jp_argkey)JP_ARGKEY_UNTYPED))->tp_name);
    return PyUnicode_FromString(((jp_type *)k)->name);
}

PyObject *
jp_argsig_spelling(const jp_argsig *s)
{
    PyObject *parts = PyList_New(0), *sep = NULL, *joined = NULL, *out = NULL;

    if (parts == NULL)
        return NULL;
    for (int i = 0; i < s->nargs; i++) {
        PyObject *p = jp_argkey_spelling(s->keys[i]);
        if (p == NULL || PyList_Append(parts, p) < 0) {
            Py_XDECREF(p);
            goto done;
        }
        Py_DECREF(p);
    }
    sep = PyUnicode_FromString(", ");
    if (sep == NULL)
        goto done;
    joined = PyUnicode_Join(sep, parts);
    if (joined == NULL)
        goto done;
    out = PyUnicode_FromFormat("(%U)", joined);
done:
    Py_XDECREF(parts);
    Py_XDECREF(sep);
    Py_XDECREF(joined);
    return out;
}
