/* jit/jit_module.c - registers the JIT's types and functions in _core and
 * owns the lazy import of NumPy's C API: `import jitprofile` does not
 * import NumPy; the API is loaded once NumPy is in use. */
#define JP_IMPORT_NUMPY
#include "jit/nrt.h"
#include "jit/numpy_api.h"

int
jp_numpy_ready(void)
{
    static int state;       /* 0 not tried, 1 ready, -1 not yet imported by anyone */
    PyObject *modules, *np, *spec, *initializing;
    if (state == 1)
        return 1;
    modules = PyImport_GetModuleDict();
    np = PyDict_GetItemString(modules, "numpy");
    if (np == NULL)
        return 0;
    /* NumPy still running its own __init__ (this call came from a profiler
     * hook or another thread mid-import): importing its C API now would run
     * _multiarray_umath's one-time init out of order, and the program's own
     * import then fails with "cannot load module more than once per process".
     * Not ready yet; a later call loads it. */
    if ((spec = PyObject_GetAttrString(np, "__spec__")) == NULL) {
        PyErr_Clear();
        return 0;
    }
    initializing = PyObject_GetAttrString(spec, "_initializing");
    Py_DECREF(spec);
    if (initializing == NULL)
        PyErr_Clear();
    else {
        int busy = PyObject_IsTrue(initializing);
        Py_DECREF(initializing);
        if (busy != 0) {
            PyErr_Clear();
            return 0;
        }
    }
    if (PyArray_ImportNumPyAPI() < 0 || PyUFunc_ImportUFuncAPI() < 0) {
        PyErr_Clear();
        return 0;
    }
    state = 1;
    return 1;
}

#include "jit/dispatcher.h"
#include "jit/compile_service.h"
#include "jit/target.h"
#include "jit/engine.h"
#include "jit/errors.h"
#include "jit/nrt.h"
#include "jit/symbols.h"
#include "jit/generator.h"

/* _core.jit_symbols() -> list of (start, end, display, filename, line,
 * lines): the symbol registry's functions, for tests and for tools (their
 * trampolines are left out); lines is the line table as a list of (code
 * offset, line) in the function's own lines (spans of one line that differ
 * only in the jitted callees inlined there, jit/inline_chains.h, are one). */
static PyObject *
jit_symbols(PyObject *module, PyObject *unused)
{
    size_t n = jp_symbols_count();
    PyObject *list = PyList_New(0);
    (void)module;
    (void)unused;
    for (size_t i = 0; list && i < n; i++) {
        const jp_jit_symbol *s = jp_symbols_at(i);
        PyObject *lines, *item = NULL;
        if (s->is_trampoline || s->start == 0)
            continue;
        lines = PyList_New(0);
        for (int k = 0; lines && k < s->n_lines; k++) {
            PyObject *row;
            if (k > 0 && s->lines[k].line == s->lines[k - 1].line)
                continue;       /* the same line, another inlined callee under it */
            row = Py_BuildValue("(II)", s->lines[k].code_offset, s->lines[k].line);
            if (row == NULL || PyList_Append(lines, row) < 0)
                Py_CLEAR(lines);
            Py_XDECREF(row);
        }
        if (lines)
            item = Py_BuildValue("(KKssiN)", (unsigned long long)s->start,
                                 (unsigned long long)s->end, s->display, s->filename,
                                 s->first_line, lines);
        if (item == NULL || PyList_Append(list, item) < 0)
            Py_CLEAR(list);
        Py_XDECREF(item);
    }
    return list;
}

/* _core.host_cpu() -> (name, features): what the JIT targets. */
static PyObject *
host_cpu(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    if (jp_engine_init() < 0)
        return NULL;
    return Py_BuildValue("(ss)", jp_engine_cpu_name(), jp_engine_cpu_features());
}

/* _core.nrt_stats() -> (live blocks, blocks allocated so far): for tests
 * that check jit code frees what it allocates and allocates no temporaries. */
static PyObject *
nrt_stats(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return Py_BuildValue("(LL)", (long long)jp_nrt_live_count(), (long long)jp_nrt_alloc_total());
}

/* _core.jit_code_stats() -> (units, retired units, registry entries): the
 * compile service's code units alive, those retired but kept until the
 * sampler drains, and the symbol-registry entries in use (tests). */
static PyObject *
jit_code_stats(PyObject *module, PyObject *unused)
{
    long live, retired;
    (void)module;
    (void)unused;
    jp_compile_stats(&live, &retired);
    return Py_BuildValue("(lln)", live, retired, (Py_ssize_t)jp_symbols_live());
}

static PyMethodDef jit_functions[] = {
    {"jit_code_stats", jit_code_stats, METH_NOARGS, "(code units, retired units, registry entries)."},
    {"jit_symbols", jit_symbols, METH_NOARGS, "The JIT symbol registry."},
    {"host_cpu", host_cpu, METH_NOARGS, "The CPU name and features the JIT compiles for."},
    {"nrt_stats", nrt_stats, METH_NOARGS, "(live, allocated) blocks of jit-allocated memory."},
    {NULL, NULL, 0, NULL},
};

int jp_ufunc_module_init(PyObject *m);
int jp_cache_module_init(PyObject *m);
int jp_jitclass_module_init(PyObject *m);
int jp_typed_list_module_init(PyObject *m);
int jp_dict_module_init(PyObject *m);
int jp_signature_module_init(PyObject *m);

int
jp_jit_module_init(PyObject *m)
{
    if (jp_types_module_init(m) < 0 || jp_errors_module_init(m) < 0)
        return -1;
    if (PyType_Ready(&JpDispatcher_Type) < 0
        || PyModule_AddObjectRef(m, "Dispatcher", (PyObject *)&JpDispatcher_Type) < 0)
        return -1;
    if (jp_ufunc_module_init(m) < 0 || jp_cache_module_init(m) < 0 || jp_jitclass_module_init(m) < 0 || jp_typed_list_module_init(m) < 0 || jp_target_module_init(m) < 0 || jp_device_targets_init(m) < 0)
        return -1;
    if (jp_generator_module_init(m) < 0 || jp_dict_module_init(m) < 0 || jp_signature_module_init(m) < 0)
        return -1;
    return PyModule_AddFunctions(m, jit_functions);
}
