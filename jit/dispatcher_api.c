/* jit/dispatcher_api.c - the Python-visible methods and attributes of a
 * Dispatcher: explicit signatures, signatures/overloads, inspect_types,
 * inspect_llvm, inspect_asm, recompile. */
#include "jit/dispatcher.h"
#include "jit/compile_service.h"
#include "jit/engine.h"
#include "jit/errors.h"
#include "jit/signature.h"

#include <string.h>

static PyObject *
types_tuple(jp_type **types, int n)
{
    PyObject *t = PyTuple_New(n);
    if (t == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        PyObject *o = jp_type_to_py(types[i]);
        if (o == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, o);
    }
    return t;
}

/* A signature in any form Numba takes (jit/signature.h reads them all). */
static int
parse_sig_arg(PyObject *sig, jp_type **ret, jp_type **args, int max)
{
    return jp_signature_from_py(sig, ret, args, max);
}

static jp_instance *
find_by_sig(JpDispatcher *d, PyObject *sig)
{
    jp_type *ret, *args[64];
    int n = parse_sig_arg(sig, &ret, args, 64);
    jp_instance *inst;
    if (n < 0)
        return NULL;
    inst = jp_dispatcher_find((PyObject *)d, n, args);
    if (inst == NULL)
        PyErr_Format(PyExc_KeyError, "%U has not been compiled for %R", d->name, sig);
    return inst;
}

/* compile(signature): compile eagerly for one explicit signature. */
static PyObject *
d_compile(PyObject *self, PyObject *sig)
{
    JpDispatcher *d = (JpDispatcher *)self;
    jp_type *ret, *args[64];
    int n = parse_sig_arg(sig, &ret, args, 64);
    jp_instance *inst;
    if (n < 0)
        return NULL;
    if (n != d->nparams) {
        PyErr_Format(PyExc_TypeError, "signature %R has %d argument types but %U() takes %d",
                     sig, n, d->name, d->nparams);
        return NULL;
    }
    inst = jp_dispatcher_find(self, n, args);
    if (inst == NULL && (inst = jp_dispatcher_compile(d, n, args)) == NULL)
        return NULL;
    if (ret && ret->kind != JP_NONE && ret != inst->ret) {
        if (!jp_type_can_convert(inst->ret, ret)
            && !(inst->ret->kind == JP_OPTIONAL && jp_type_can_convert(inst->ret->dtype, ret))) {
            PyErr_Format(JpTypingError,
                         "%U(): the signature declares return type %s but the function returns %s",
                         d->name, ret->name, inst->ret->name);
            return NULL;
        }
        inst->declared_ret = ret;
    }
    Py_RETURN_NONE;
}

static PyObject *
d_disable_compile(PyObject *self, PyObject *unused)
{
    (void)unused;
    ((JpDispatcher *)self)->explicit_signatures = 1;
    Py_RETURN_NONE;
}

static PyObject *
text_of_instance(JpDispatcher *d, jp_instance *inst)
{
    PyObject *lines = PyList_New(0), *joined = NULL, *nl = NULL, *sig;
    sig = types_tuple(inst->argtypes, inst->nargs);
    if (lines == NULL || sig == NULL)
        goto done;
    {
        PyObject *head = PyUnicode_FromFormat("%U %S -> %s", d->qualname, sig, inst->ret->name);
        if (head == NULL || PyList_Append(lines, head) < 0) {
            Py_XDECREF(head);
            goto done;
        }
        Py_DECREF(head);
    }
    for (int i = 0; i < inst->ir->nlocals; i++) {
        PyObject *line = PyUnicode_FromFormat("    %s%s: %s", inst->ir->local_names[i],
                                              i < inst->ir->nparams ? " (argument)" : "",
                                              inst->var_types[i]->name);
        if (line == NULL || PyList_Append(lines, line) < 0) {
            Py_XDECREF(line);
            goto done;
        }
        Py_DECREF(line);
    }
    nl = PyUnicode_FromString("\n");
    if (nl)
        joined = PyUnicode_Join(nl, lines);
done:
    Py_XDECREF(lines);
    Py_XDECREF(nl);
    Py_XDECREF(sig);
    return joined;
}

/* inspect_types(file=None): print each signature's variable types. */
static PyObject *
d_inspect_types(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"file", NULL};
    JpDispatcher *d = (JpDispatcher *)self;
    PyObject *file = Py_None, *all = PyList_New(0), *text = NULL, *sep = NULL, *r;
    if (all == NULL || !PyArg_ParseTupleAndKeywords(args, kwargs, "|O:inspect_types", kwlist, &file))
        goto fail;
    for (int i = 0; i < d->n_overloads; i++) {
        PyObject *t = text_of_instance(d, d->overloads[i]);
        if (t == NULL || PyList_Append(all, t) < 0) {
            Py_XDECREF(t);
            goto fail;
        }
        Py_DECREF(t);
    }
    if ((sep = PyUnicode_FromString("\n\n")) == NULL || (text = PyUnicode_Join(sep, all)) == NULL)
        goto fail;
    if (file == Py_None) {
        PyObject *sys = PyImport_ImportModule("sys");
        if (sys == NULL)
            goto fail;
        file = PyObject_GetAttrString(sys, "stdout");
        Py_DECREF(sys);
    } else {
        Py_INCREF(file);
    }
    if (file == NULL)
        goto fail;
    r = PyObject_CallMethod(file, "write", "O", text);
    if (r) {
        Py_DECREF(r);
        r = PyObject_CallMethod(file, "write", "s", "\n");
        Py_XDECREF(r);
    }
    Py_DECREF(file);
    Py_DECREF(all);
    Py_DECREF(sep);
    Py_DECREF(text);
    if (r == NULL)
        return NULL;
    Py_RETURN_NONE;
fail:
    Py_XDECREF(all);
    Py_XDECREF(sep);
    Py_XDECREF(text);
    return NULL;
}

/* inspect_llvm / inspect_asm: one signature's text, or a dict of all. */
static PyObject *
inspect_text(PyObject *self, PyObject *args, int want_asm)
{
    JpDispatcher *d = (JpDispatcher *)self;
    PyObject *sig = Py_None, *result;
    if (!PyArg_ParseTuple(args, want_asm ? "|O:inspect_asm" : "|O:inspect_llvm", &sig))
        return NULL;
    if (sig != Py_None) {
        jp_instance *inst = find_by_sig(d, sig);
        if (inst == NULL)
            return NULL;
        if (!want_asm)
            return PyUnicode_FromString(jp_instance_llvm_ir(inst));
        if (inst->asm_text == NULL && (inst->asm_text = jp_engine_asm_from_ir(jp_instance_llvm_ir(inst))) == NULL)
            return NULL;
        return PyUnicode_FromString(inst->asm_text);
    }
    result = PyDict_New();
    for (int i = 0; result && i < d->n_overloads; i++) {
        jp_instance *inst = d->overloads[i];
        PyObject *key = types_tuple(inst->argtypes, inst->nargs), *one, *value;
        if (key == NULL) {
            Py_CLEAR(result);
            break;
        }
        one = PyTuple_Pack(1, key);
        value = one ? inspect_text(self, one, want_asm) : NULL;
        Py_XDECREF(one);
        if (value == NULL || PyDict_SetItem(result, key, value) < 0)
            Py_CLEAR(result);
        Py_DECREF(key);
        Py_XDECREF(value);
    }
    return result;
}

static PyObject *
d_inspect_llvm(PyObject *self, PyObject *args)
{
    return inspect_text(self, args, 0);
}

static PyObject *
d_inspect_asm(PyObject *self, PyObject *args)
{
    return inspect_text(self, args, 1);
}

/* _vec_remarks(): {signature: the vectorizers' remarks of its compile (a
 * str of records, vec_remarks.h), or None where none were kept}. */
static PyObject *
d_vec_remarks(PyObject *self, PyObject *unused)
{
    JpDispatcher *d = (JpDispatcher *)self;
    PyObject *result = PyDict_New();
    (void)unused;
    for (int i = 0; result && i < d->n_overloads; i++) {
        jp_instance *inst = d->overloads[i];
        PyObject *key = types_tuple(inst->argtypes, inst->nargs);
        PyObject *value = inst->vec_remarks ? PyUnicode_DecodeUTF8(inst->vec_remarks, (Py_ssize_t)strlen(inst->vec_remarks), "replace")
                                            : Py_NewRef(Py_None);
        if (key == NULL || value == NULL || PyDict_SetItem(result, key, value) < 0)
            Py_CLEAR(result);
        Py_XDECREF(key);
        Py_XDECREF(value);
    }
    return result;
}

/* inspect_vectorization(signature=None): one row per loop (the rows are
 * built in jitprofile/vectorization.py from _vec_remarks()). */
static PyObject *
d_inspect_vectorization(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"signature", NULL};
    PyObject *sig = Py_None, *mod, *r;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:inspect_vectorization", kwlist, &sig))
        return NULL;
    if ((mod = PyImport_ImportModule("jitprofile.vectorization")) == NULL)
        return NULL;
    r = PyObject_CallMethod(mod, "inspect", "OO", self, sig);
    Py_DECREF(mod);
    return r;
}

/* recompile(): read the source and globals again and compile every
 * signature anew (module constants are frozen at compile time). */
static PyObject *
d_recompile(PyObject *self, PyObject *unused)
{
    JpDispatcher *d = (JpDispatcher *)self;
    int n, explicit_sigs = d->explicit_signatures;
    jp_instance **old;
    jp_func_ir *old_ir;
    (void)unused;

    /* under the compile lock: no other thread compiles against the table
     * while it is swapped */
    if (jp_compile_lock() < 0)
        return NULL;
    n = d->n_overloads;
    old = d->overloads;
    old_ir = d->ir;
    d->overloads = NULL;
    d->n_overloads = d->cap_overloads = 0;
    d->last = NULL;
    d->ir = NULL;
    d->explicit_signatures = 0;
    for (int i = 0; i < n; i++) {
        jp_instance *inst;
        int gone = 0;
        /* a signature with a jitted function that died can never be called */
        for (int k = 0; k < old[i]->nargs; k++)
            gone |= old[i]->argtypes[k]->kind == JP_FUNCTION && old[i]->argtypes[k]->dispatcher == NULL;
        if (gone)
            continue;
        inst = jp_dispatcher_compile(d, old[i]->nargs, old[i]->argtypes);
        if (inst == NULL) {
            /* put the old table back: the dispatcher keeps working */
            for (int k = 0; k < d->n_overloads; k++)
                jp_instance_free(d->overloads[k]);
            free(d->overloads);
            if (d->ir) {
                jp_func_ir_free(d->ir);
                free(d->ir);
            }
            d->overloads = old;
            d->n_overloads = d->cap_overloads = n;
            d->ir = old_ir;
            d->explicit_signatures = explicit_sigs;
            jp_compile_unlock();
            return NULL;
        }
        inst->declared_ret = old[i]->declared_ret;
    }
    d->explicit_signatures = explicit_sigs;
    /* the old instances stay until the dispatcher dies (a call in flight
     * without the GIL may still run their code; callers' bookkeeping may
     * read their IR, which stays too); then they drop their code */
    {
        jp_instance **grown = realloc(d->replaced, (size_t)(d->n_replaced + n + 1) * sizeof *grown);
        if (grown) {
            d->replaced = grown;
            for (int i = 0; i < n; i++)
                d->replaced[d->n_replaced++] = old[i];
        }
        free(old);
    }
    if (old_ir) {
        jp_func_ir **grown = realloc(d->replaced_irs, (size_t)(d->n_replaced_irs + 1) * sizeof *grown);
        if (grown) {
            d->replaced_irs = grown;
            d->replaced_irs[d->n_replaced_irs++] = old_ir;
        }           /* out of memory: that IR is never freed (a leak, never a dangling pointer) */
    }
    jp_compile_unlock();
    Py_RETURN_NONE;
}

PyMethodDef jp_dispatcher_methods[] = {
    {"compile", d_compile, METH_O, "compile(signature): compile for an explicit signature now."},
    {"disable_compile", d_disable_compile, METH_NOARGS,
     "Compile no new signatures: calls must match (or safely convert to) existing ones."},
    {"inspect_types", (PyCFunction)(void (*)(void))d_inspect_types, METH_VARARGS | METH_KEYWORDS,
     "inspect_types(file=None): print the type of every variable, per signature."},
    {"inspect_llvm", d_inspect_llvm, METH_VARARGS,
     "inspect_llvm(signature=None): the optimised LLVM IR (a dict of all when no signature)."},
    {"inspect_asm", d_inspect_asm, METH_VARARGS,
     "inspect_asm(signature=None): the machine code as assembly (a dict of all when no signature)."},
    {"_vec_remarks", d_vec_remarks, METH_NOARGS,
     "The vectorizers' remarks per signature (raw; see inspect_vectorization)."},
    {"inspect_vectorization", (PyCFunction)(void (*)(void))d_inspect_vectorization,
     METH_VARARGS | METH_KEYWORDS,
     "inspect_vectorization(signature=None): one row per loop: vectorized or not, width, and why not."},
    {"recompile", d_recompile, METH_NOARGS,
     "Recompile every signature, reading globals again."},
    {NULL, NULL, 0, NULL},
};

static PyObject *
g_py_func(PyObject *self, void *closure)
{
    (void)closure;
    return Py_NewRef(((JpDispatcher *)self)->py_func);
}

static PyObject *
g_name(PyObject *self, void *closure)
{
    (void)closure;
    return Py_NewRef(((JpDispatcher *)self)->name);
}

static PyObject *
g_qualname(PyObject *self, void *closure)
{
    (void)closure;
    return Py_NewRef(((JpDispatcher *)self)->qualname);
}

static PyObject *
g_signatures(PyObject *self, void *closure)
{
    JpDispatcher *d = (JpDispatcher *)self;
    PyObject *list = PyList_New(d->n_overloads);
    (void)closure;
    for (int i = 0; list && i < d->n_overloads; i++) {
        PyObject *t = types_tuple(d->overloads[i]->argtypes, d->overloads[i]->nargs);
        if (t == NULL)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, t);
    }
    return list;
}

/* overloads: {argument types: info} with the entry point, return type,
 * LLVM symbol and code size of each compiled signature. */
static PyObject *
g_overloads(PyObject *self, void *closure)
{
    JpDispatcher *d = (JpDispatcher *)self;
    PyObject *result = PyDict_New();
    (void)closure;
    for (int i = 0; result && i < d->n_overloads; i++) {
        jp_instance *inst = d->overloads[i];
        PyObject *key = types_tuple(inst->argtypes, inst->nargs);
        PyObject *ret = jp_type_to_py(inst->declared_ret ? inst->declared_ret : inst->ret);
        PyObject *info = (key && ret)
            ? Py_BuildValue("{s:K,s:O,s:O,s:s,s:n}", "entry_point", (unsigned long long)(uintptr_t)inst->entry,
                            "return_type", ret, "argtypes", key, "symbol", inst->symbol,
                            "code_size", (Py_ssize_t)inst->code_size)
            : NULL;
        if (info == NULL || PyDict_SetItem(result, key, info) < 0)
            Py_CLEAR(result);
        Py_XDECREF(key);
        Py_XDECREF(ret);
        Py_XDECREF(info);
    }
    return result;
}

static PyObject *
g_targetoptions(PyObject *self, void *closure)
{
    JpDispatcher *d = (JpDispatcher *)self;
    (void)closure;
    return Py_BuildValue("{s:O,s:O,s:O,s:O,s:s}", "nopython", Py_True,
                         "nogil", d->options.nogil ? Py_True : Py_False,
                         "fastmath", d->options.fastmath ? Py_True : Py_False,
                         "boundscheck", d->options.boundscheck ? Py_True : Py_False,
                         "error_model", d->options.error_model_numpy ? "numpy" : "python");
}

/* stats: cache hits and misses, as Numba's dispatcher.stats */
static PyObject *
g_stats(PyObject *self, void *closure)
{
    JpDispatcher *d = (JpDispatcher *)self;
    PyObject *types = PyImport_ImportModule("types"), *ns = NULL, *kw;
    (void)closure;
    if (types == NULL)
        return NULL;
    kw = Py_BuildValue("{s:l,s:l}", "cache_hits", d->cache_hits, "cache_misses", d->cache_misses);
    if (kw) {
        PyObject *cls = PyObject_GetAttrString(types, "SimpleNamespace"), *empty = PyTuple_New(0);
        if (cls && empty)
            ns = PyObject_Call(cls, empty, kw);
        Py_XDECREF(cls);
        Py_XDECREF(empty);
        Py_DECREF(kw);
    }
    Py_DECREF(types);
    return ns;
}

static PyObject *
g_is_dispatcher(PyObject *self, void *closure)
{
    (void)self;
    (void)closure;
    Py_RETURN_TRUE;
}

PyGetSetDef jp_dispatcher_getset[] = {
    {"py_func", g_py_func, NULL, "the original Python function", NULL},
    {"__name__", g_name, NULL, NULL, NULL},
    {"__qualname__", g_qualname, NULL, NULL, NULL},
    {"signatures", g_signatures, NULL, "the compiled signatures: tuples of argument types", NULL},
    {"overloads", g_overloads, NULL, "compiled signature -> entry point, return type, symbol", NULL},
    {"targetoptions", g_targetoptions, NULL, "the options the function compiles with", NULL},
    {"stats", g_stats, NULL, "cache_hits and cache_misses of the on-disk cache (cache=True)", NULL},
    {"_jitprofile_dispatcher", g_is_dispatcher, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};
