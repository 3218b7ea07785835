/* jit/ufunc.c - @vectorize and @guvectorize: real NumPy ufuncs
 * (PyUFunc_FromFuncAndDataAndSignatureAndIdentity) whose inner loops are
 * compiled kernels (lower_ufunc.c).  target='parallel' wraps each loop so
 * that long runs are split over the thread pool; NumPy has released the GIL
 * around the loop by then.  The arrays NumPy keeps pointers to live in one
 * block owned by the ufunc (through its `obj` field). */
#include "jit/dispatcher.h"
#include "jit/numpy_api.h"
#include "jit/threadpool.h"

#include <stdlib.h>
#include <string.h>

#define PARALLEL_MIN 4096       /* shorter runs stay on one thread */

typedef void (*loop_fn)(char **args, npy_intp const *dims, npy_intp const *steps, void *data);

typedef struct par_data {
    loop_fn serial;
    int nargs;                  /* inputs + outputs */
    int nout;
    int ndims;                  /* entries of dims (1 + core dims) */
} par_data;

typedef struct chunk_ctx {
    par_data *pd;
    char **args;
    npy_intp const *dims;
    npy_intp const *steps;
    jp_ufunc_call *call;        /* this call's error slot */
} chunk_ctx;

static void
run_chunk(void *vctx, int64_t start, int64_t end)
{
    chunk_ctx *c = vctx;
    char *args[64];
    npy_intp dims[64];
    for (int k = 0; k < c->pd->nargs; k++)
        args[k] = c->args[k] + start * c->steps[k];
    dims[0] = (npy_intp)(end - start);
    for (int d = 1; d < c->pd->ndims; d++)
        dims[d] = c->dims[d];
    if (__atomic_load_n(&c->call->failed, __ATOMIC_RELAXED))
        return;     /* the call raises anyway */
    c->pd->serial(args, dims, c->steps, c->call);
}

/* The bytes operand k touches over n iterations: [*lo, *hi]. */
static void
operand_span(char **args, npy_intp const *steps, int k, npy_intp n, char **lo, char **hi)
{
    char *last = args[k] + (n - 1) * steps[k];
    *lo = steps[k] >= 0 ? args[k] : last;
    *hi = steps[k] >= 0 ? last : args[k];
}

/* Whether iteration i may read what iteration j < i wrote: NumPy's reduce
 * passes an output of stride 0 (the accumulator), accumulate an output that
 * is the next call's input shifted by one.  Such loops run serially; an
 * output that is exactly an input (in place, same stride) is safe. */
static int
loop_carried(const par_data *pd, char **args, npy_intp n, npy_intp const *steps)
{
    for (int o = pd->nargs - pd->nout; o < pd->nargs; o++) {
        char *olo, *ohi, *lo, *hi;
        if (steps[o] == 0)
            return 1;
        operand_span(args, steps, o, n, &olo, &ohi);
        for (int i = 0; i < pd->nargs; i++) {
            if (i == o || (args[i] == args[o] && steps[i] == steps[o]))
                continue;
            operand_span(args, steps, i, n, &lo, &hi);
            if (lo <= ohi && olo <= hi)
                return 1;
        }
    }
    return 0;
}

static void
parallel_loop(char **args, npy_intp const *dims, npy_intp const *steps, void *data)
{
    par_data *pd = data;
    jp_ufunc_call call = {0};
    chunk_ctx c = {pd, args, dims, steps, &call};
    if (dims[0] < PARALLEL_MIN || loop_carried(pd, args, dims[0], steps)) {
        pd->serial(args, dims, steps, NULL);
        return;
    }
    /* a kernel that raises in a worker thread reports to this call's slot;
     * the exception is set in this (NumPy's) thread once the workers are
     * done.  The slot lives on this stack: two calls never share one. */
    jp_pool_parallel_for(dims[0], run_chunk, &c);
    if (__atomic_load_n(&call.failed, __ATOMIC_ACQUIRE)) {
        PyGILState_STATE st = PyGILState_Ensure();
        if (!PyErr_Occurred())
            jp_raise_from_jit(&call.exc);
        PyGILState_Release(st);
    }
}

typedef struct ufunc_mem {
    PyUFuncGenericFunction *funcs;
    void **data;
    char *types;
    par_data *pars;
    char *name, *doc, *signature;
} ufunc_mem;

static void
mem_free(PyObject *capsule)
{
    ufunc_mem *m = PyCapsule_GetPointer(capsule, "jitprofile.ufunc");
    /* compiled code and loop specs stay (the JIT never unmaps code) */
    free(m->funcs);
    free(m->data);
    free(m->types);
    free(m->pars);
    free(m->name);
    free(m->doc);
    free(m->signature);
    free(m);
}

/* _core.build_ufunc(dispatcher, loops, name, doc, nin, nout, identity,
 *                   parallel, gu_signature, core_ndims, core_dims)
 * loops: list of (argument types, output type or None).  For a gufunc the
 * arguments are all operands (outputs are arrays written in place) and
 * core_ndims/core_dims describe the layout signature. */
static PyObject *
build_ufunc(PyObject *module, PyObject *args)
{
    PyObject *disp, *loops, *identity, *core_ndims_obj, *core_dims_obj, *ufunc = NULL, *capsule;
    const char *name, *doc, *gu_sig;
    int nin, nout, parallel, ntypes, nops, identity_kind = PyUFunc_None, ndims = 1;
    ufunc_mem *m = NULL;
    int *core_ndims = NULL, *core_dims = NULL, total_core = 0;
    (void)module;

    if (!PyArg_ParseTuple(args, "O!O!ssiiOpzOO:build_ufunc", &JpDispatcher_Type, &disp, &PyList_Type,
                          &loops, &name, &doc, &nin, &nout, &identity, &parallel, &gu_sig,
                          &core_ndims_obj, &core_dims_obj))
        return NULL;
    if (!jp_numpy_ready()) {
        PyErr_SetString(PyExc_ImportError, "vectorize needs NumPy: import numpy first");
        return NULL;
    }
    ntypes = (int)PyList_GET_SIZE(loops);
    nops = nin + nout;
    if (ntypes == 0 || nops > 32) {
        PyErr_SetString(PyExc_ValueError, "vectorize needs at least one signature and at most 32 operands");
        return NULL;
    }
    if (gu_sig) {
        PyObject *nd = PySequence_Fast(core_ndims_obj, "core_ndims"), *cd = PySequence_Fast(core_dims_obj, "core_dims");
        if (nd == NULL || cd == NULL) {
            Py_XDECREF(nd);
            Py_XDECREF(cd);
            return NULL;
        }
        core_ndims = calloc((size_t)nops, sizeof(int));
        core_dims = calloc((size_t)PySequence_Fast_GET_SIZE(cd) + 1, sizeof(int));
        for (int k = 0; k < nops && k < PySequence_Fast_GET_SIZE(nd); k++) {
            core_ndims[k] = (int)PyLong_AsLong(PySequence_Fast_GET_ITEM(nd, k));
            total_core += core_ndims[k];
        }
        for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(cd); k++) {
            core_dims[k] = (int)PyLong_AsLong(PySequence_Fast_GET_ITEM(cd, k));
            if (core_dims[k] + 2 > ndims)
                ndims = core_dims[k] + 2;
        }
        Py_DECREF(nd);
        Py_DECREF(cd);
    }
    m = calloc(1, sizeof *m);
    if (m == NULL)
        goto nomem;
    m->funcs = calloc((size_t)ntypes, sizeof *m->funcs);
    m->data = calloc((size_t)ntypes, sizeof *m->data);
    m->types = calloc((size_t)ntypes * (size_t)nops, 1);
    m->pars = calloc((size_t)ntypes, sizeof *m->pars);
    m->name = strdup(name);
    m->doc = strdup(doc);
    m->signature = gu_sig ? strdup(gu_sig) : NULL;
    if (!m->funcs || !m->data || !m->types || !m->pars || !m->name || !m->doc)
        goto nomem;

    for (int i = 0; i < ntypes; i++) {
        PyObject *entry = PyList_GET_ITEM(loops, i), *argt, *outt;
        jp_type *argtypes[64], *out = NULL;
        jp_loop_spec *spec;
        jp_instance *inst;
        int nargs;
        if (!PyArg_ParseTuple(entry, "OO", &argt, &outt))
            goto fail;
        nargs = (int)PyTuple_Size(argt);
        if (nargs < 0 || nargs > 64 || nargs != (gu_sig ? nops : nin)) {
            PyErr_Format(PyExc_TypeError, "signature %R has the wrong number of arguments", argt);
            goto fail;
        }
        for (int k = 0; k < nargs; k++)
            if ((argtypes[k] = jp_type_from_py(PyTuple_GET_ITEM(argt, k))) == NULL)
                goto fail;
        if (outt != Py_None && (out = jp_type_from_py(outt)) == NULL)
            goto fail;
        spec = calloc(1, sizeof *spec);     /* lives as long as the code */
        if (spec == NULL)
            goto nomem;
        spec->kind = gu_sig ? 2 : 1;
        spec->nin = nin;
        spec->nout = nout;
        spec->out_type = gu_sig ? NULL : out;
        spec->core_ndim = core_ndims;
        spec->core_dim = core_dims;
        if ((inst = jp_dispatcher_compile_loop((JpDispatcher *)disp, nargs, argtypes, spec)) == NULL)
            goto fail;
        for (int k = 0; k < nops; k++) {
            jp_type *t = gu_sig ? argtypes[k] : (k < nin ? argtypes[k] : spec->out_type);
            int num = jp_typenum_of(t->kind == JP_ARRAY ? t->dtype : t);
            if (num < 0) {
                PyErr_Format(PyExc_TypeError, "a ufunc operand cannot have type %s", t->name);
                goto fail;
            }
            m->types[i * nops + k] = (char)num;
        }
        if (parallel) {
            m->pars[i].serial = (loop_fn)spec->loop_fn;
            m->pars[i].nargs = nops;
            m->pars[i].nout = nout;
            m->pars[i].ndims = ndims + total_core;
            m->funcs[i] = (PyUFuncGenericFunction)parallel_loop;
            m->data[i] = &m->pars[i];
        } else {
            m->funcs[i] = (PyUFuncGenericFunction)spec->loop_fn;
        }
    }
    if (identity == Py_None) {
        identity_kind = PyUFunc_None;
    } else if (PyUnicode_Check(identity) && PyUnicode_CompareWithASCIIString(identity, "reorderable") == 0) {
        identity_kind = PyUFunc_ReorderableNone;
        identity = Py_None;
    } else {
        identity_kind = PyUFunc_IdentityValue;
    }
    ufunc = PyUFunc_FromFuncAndDataAndSignatureAndIdentity(
        m->funcs, m->data, m->types, ntypes, nin, nout, identity_kind, m->name, m->doc, 0,
        m->signature, identity_kind == PyUFunc_IdentityValue ? identity : NULL);
    if (ufunc == NULL)
        goto fail;
    capsule = PyCapsule_New(m, "jitprofile.ufunc", mem_free);
    if (capsule == NULL) {
        Py_DECREF(ufunc);
        goto fail;
    }
    ((PyUFuncObject *)ufunc)->obj = capsule;
    return ufunc;

nomem:
    PyErr_NoMemory();
fail:
    if (m) {
        free(m->funcs);
        free(m->data);
        free(m->types);
        free(m->pars);
        free(m->name);
        free(m->doc);
        free(m->signature);
        free(m);
    }
    return NULL;
}

static PyObject *
set_num_threads(PyObject *module, PyObject *arg)
{
    long n = PyLong_AsLong(arg);
    (void)module;
    if (n == -1 && PyErr_Occurred())
        return NULL;
    if (n < 1) {
        PyErr_SetString(PyExc_ValueError, "the number of threads must be at least 1");
        return NULL;
    }
    jp_pool_set_num_threads((int)n);
    Py_RETURN_NONE;
}

static PyObject *
get_num_threads(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyLong_FromLong(jp_pool_num_threads());
}

static PyObject *
thread_pool_stats(PyObject *module, PyObject *unused)
{
    int64_t jobs, chunks;
    (void)module;
    (void)unused;
    jp_pool_stats(&jobs, &chunks);
    return Py_BuildValue("(LL)", (long long)jobs, (long long)chunks);
}

static PyMethodDef ufunc_functions[] = {
    {"build_ufunc", build_ufunc, METH_VARARGS, "Build a NumPy ufunc from compiled kernels."},
    {"set_num_threads", set_num_threads, METH_O, "Threads for parallel ufuncs and prange."},
    {"get_num_threads", get_num_threads, METH_NOARGS, "Threads for parallel ufuncs and prange."},
    {"thread_pool_stats", thread_pool_stats, METH_NOARGS,
     "(parallel loops handed to the thread pool, chunks its workers ran) since the process started."},
    {NULL, NULL, 0, NULL},
};

int
jp_ufunc_module_init(PyObject *m)
{
    return PyModule_AddFunctions(m, ufunc_functions);
}
