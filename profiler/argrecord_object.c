/* profiler/argrecord_object.c - jitprofile._core.ArgRecorder: the Python
 * face of the data profiler (argrecord.c) and its hooks (arghooks.c). */
#include "profiler/argrecord_object.h"

#include "jit/types.h"
#include "profiler/arghooks.h"
#include "profiler/argtap.h"
#include "profiler/argpoll.h"

typedef struct {
    PyObject_HEAD
    jp_argrec rec;
    int started;
} ArgRecorder;

static int
ar_init(ArgRecorder *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"copy_limit", "reservoir", "every", "warm", "copy_budget", NULL};
    Py_ssize_t copy_limit = 4 << 20, copy_budget = 64 << 20;
    int reservoir = 4, every = 16, warm = 32;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "|niiin", kwlist, &copy_limit, &reservoir,
                                     &every, &warm, &copy_budget))
        return -1;
    if (copy_limit < 0 || copy_budget < 0 || reservoir < 0 || reservoir > 1024 || every < 1
        || warm < 0) {
        PyErr_SetString(PyExc_ValueError, "copy_limit >= 0, copy_budget >= 0, "
                        "0 <= reservoir <= 1024, every >= 1, warm >= 0");
        return -1;
    }
    if (self->started) {
        PyErr_SetString(PyExc_RuntimeError, "the recorder is running");
        return -1;
    }
    jp_argrec_clear(&self->rec);
    if (jp_argrec_init(&self->rec) < 0)
        return -1;
    self->rec.copy_limit = copy_limit;
    self->rec.copy_budget = copy_budget;
    self->rec.reservoir_size = reservoir;
    self->rec.every = (uint32_t)every;
    self->rec.warm = (uint32_t)warm;
    return 0;
}

static void
ar_dealloc(ArgRecorder *self)
{
    jp_arghooks_deactivate(&self->rec);
    jp_argrec_clear(&self->rec);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
ar_start(ArgRecorder *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"exact", "jitted", NULL};
    int exact = 0, jitted = 0;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "|pp", kwlist, &exact, &jitted))
        return NULL;
    if (self->rec.keep == NULL && jp_argrec_init(&self->rec) < 0)
        return NULL;
    if (jp_arghooks_activate(&self->rec) < 0)
        return NULL;
    self->started = 1;
    self->rec.running_flag = 1;
    jp_arghooks_exact(&self->rec, exact);
    if (jitted)
        jp_argtap_on(&self->rec);
    Py_RETURN_NONE;
}

static PyObject *
ar_stop(ArgRecorder *self, PyObject *noargs)
{
    (void)noargs;
    jp_arghooks_deactivate(&self->rec);
    self->started = 0;
    self->rec.running_flag = 0;
    Py_RETURN_NONE;
}

/* The code object of a function, dispatcher (its py_func) or code. */
static PyObject *
code_of(PyObject *obj)
{
    PyObject *code;
    if (PyCode_Check(obj))
        return Py_NewRef(obj);
    if (PyFunction_Check(obj))
        return Py_NewRef(PyFunction_GET_CODE(obj));
    code = PyObject_GetAttrString(obj, "__code__");
    if (code == NULL || !PyCode_Check(code)) {
        Py_XDECREF(code);
        PyErr_Format(PyExc_TypeError, "expected a function or a code object, not %.100s",
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    return code;
}

static PyObject *
ar_watch(ArgRecorder *self, PyObject *args)
{
    PyObject *target, *filename = NULL, *code = NULL, *qualname;
    int line = 0, rc;

    if (!PyArg_ParseTuple(args, "O|Ui", &target, &filename, &line))
        return NULL;
    if (filename == NULL) {             /* watch(func_or_code) */
        PyCodeObject *co;
        code = code_of(target);
        if (code == NULL)
            return NULL;
        co = (PyCodeObject *)code;
        qualname = co->co_qualname;
        filename = co->co_filename;
        line = co->co_firstlineno;
    } else if (!PyUnicode_Check(target)) {
        PyErr_SetString(PyExc_TypeError, "watch(qualname, filename, firstlineno)");
        return NULL;
    } else {
        qualname = target;
    }
    rc = jp_arghooks_watch(&self->rec, qualname, filename, line);
    Py_XDECREF(code);
    return rc < 0 ? NULL : PyBool_FromLong(rc);
}

static PyObject *
ar_record_frame(ArgRecorder *self, PyObject *frame)
{
    int rc;
    if (!PyFrame_Check(frame)) {
        PyErr_SetString(PyExc_TypeError, "record_frame() takes a frame object");
        return NULL;
    }
    rc = jp_arghooks_record_frame(&self->rec, (PyFrameObject *)frame);
    return rc < 0 ? NULL : PyBool_FromLong(rc);
}

static PyObject *
ar_record(ArgRecorder *self, PyObject *args)
{
    PyObject *target, *values, *code;
    jp_argfunc *fn;
    int rc;

    if (!PyArg_ParseTuple(args, "OO!", &target, &PyTuple_Type, &values))
        return NULL;
    if (PyTuple_GET_SIZE(values) > JP_ARG_MAX) {
        PyErr_Format(PyExc_ValueError, "at most %d arguments are recorded", JP_ARG_MAX);
        return NULL;
    }
    if (self->rec.keep == NULL && jp_argrec_init(&self->rec) < 0)
        return NULL;
    code = code_of(target);
    if (code == NULL)
        return NULL;
    fn = jp_argrec_func(&self->rec, code);
    Py_DECREF(code);
    if (fn == NULL)
        return NULL;
    fn->seen++;
    rc = jp_argrec_record(&self->rec, fn, &PyTuple_GET_ITEM(values, 0),
                          (int)PyTuple_GET_SIZE(values));
    if (rc < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
ar_functions(ArgRecorder *self, PyObject *noargs)
{
    PyObject *out = PyList_New(0);
    (void)noargs;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < self->rec.n; i++) {
        jp_argfunc *fn = &self->rec.funcs[i];
        PyObject *row = Py_BuildValue("(OKKKO)", fn->code, (unsigned long long)fn->seen,
                                      (unsigned long long)fn->recorded,
                                      (unsigned long long)fn->from_frame,
                                      fn->hot ? Py_True : Py_False);
        if (row == NULL || PyList_Append(out, row) < 0) {
            Py_XDECREF(row);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(row);
    }
    return out;
}

/* [(shape, count), ...] of one array argument, plus the overflow count. */
static PyObject *
shapes_of(const jp_arg_shapes *h)
{
    PyObject *bins = PyList_New(h->nbins);
    if (bins == NULL)
        return NULL;
    for (int b = 0; b < h->nbins; b++) {
        const jp_shape_bin *bin = &h->bins[b];
        int keep = bin->ndim < JP_SHAPE_DIMS ? bin->ndim : JP_SHAPE_DIMS;
        PyObject *shape = PyTuple_New(keep), *row;
        if (shape == NULL)
            goto fail;
        for (int d = 0; d < keep; d++) {
            PyObject *v = PyLong_FromSsize_t(bin->dims[d]);
            if (v == NULL) {
                Py_DECREF(shape);
                goto fail;
            }
            PyTuple_SET_ITEM(shape, d, v);
        }
        row = Py_BuildValue("(NK)", shape, (unsigned long long)bin->count);
        if (row == NULL)
            goto fail;
        PyList_SET_ITEM(bins, b, row);
    }
    return Py_BuildValue("(NK)", bins, (unsigned long long)h->other);
fail:
    Py_DECREF(bins);
    return NULL;
}

static PyObject *
sig_dict(const jp_argsig *s)
{
    PyObject *types = PyTuple_New(s->nargs), *shapes = PyList_New(s->nargs), *spelling = NULL;
    PyObject *out = NULL;

    if (types == NULL || shapes == NULL)
        goto done;
    for (int i = 0; i < s->nargs; i++) {
        jp_argkey k = s->keys[i];
        PyObject *t, *h;
        if (k & JP_ARGKEY_UNTYPED)
            t = jp_argkey_spelling(k);
        else
            t = jp_type_to_py((jp_type *)k);
        if (t == NULL)
            goto done;
        PyTuple_SET_ITEM(types, i, t);
        if (s->shapes != NULL && !(k & JP_ARGKEY_UNTYPED) && ((jp_type *)k)->kind == JP_ARRAY)
            h = shapes_of(&s->shapes[i]);
        else
            h = Py_NewRef(Py_None);
        if (h == NULL)
            goto done;
        PyList_SET_ITEM(shapes, i, h);
    }
    spelling = jp_argsig_spelling(s);
    if (spelling == NULL)
        goto done;
    out = Py_BuildValue("{sOsOsKsKsOsO}", "signature", spelling, "types", types,
                        "calls", (unsigned long long)s->calls,
                        "bytes", (unsigned long long)s->bytes, "shapes", shapes,
                        "samples", s->reservoir);
done:
    Py_XDECREF(types);
    Py_XDECREF(shapes);
    Py_XDECREF(spelling);
    return out;
}

static PyObject *
ar_signatures(ArgRecorder *self, PyObject *target)
{
    PyObject *code = code_of(target), *out;
    uint32_t id;

    if (code == NULL)
        return NULL;
    id = jp_idmap_get(&self->rec.by_code, (uintptr_t)code, 0);
    Py_DECREF(code);
    out = PyList_New(0);
    if (out == NULL || id == UINT32_MAX)
        return out;
    for (size_t j = 0; j < self->rec.funcs[id].nsigs; j++) {
        PyObject *d = sig_dict(&self->rec.funcs[id].sigs[j]);
        if (d == NULL || PyList_Append(out, d) < 0) {
            Py_XDECREF(d);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(d);
    }
    return out;
}

static PyObject *
ar_wide_returns(ArgRecorder *self, PyObject *target)
{
    PyObject *code = code_of(target);
    uint32_t id;

    if (code == NULL)
        return NULL;
    id = jp_idmap_get(&self->rec.by_code, (uintptr_t)code, 0);
    Py_DECREF(code);
    return PyLong_FromUnsignedLongLong(id == UINT32_MAX ? 0
                                       : self->rec.funcs[id].wide_returns);
}

static PyObject *
ar_clear(ArgRecorder *self, PyObject *noargs)
{
    (void)noargs;
    if (self->started) {
        PyErr_SetString(PyExc_RuntimeError, "stop the recorder before clearing it");
        return NULL;
    }
    jp_argrec_clear(&self->rec);
    if (jp_argrec_init(&self->rec) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
ar_get_running(ArgRecorder *self, void *closure)
{
    (void)closure;
    return PyBool_FromLong(self->started);
}

static PyObject *
ar_get_exact(ArgRecorder *self, void *closure)
{
    (void)closure;
    return PyBool_FromLong(self->started && self->rec.exact);
}

static PyObject *
ar_window(ArgRecorder *self, PyObject *open)
{
    int on = PyObject_IsTrue(open);
    if (on < 0)
        return NULL;
    jp_arghooks_window(&self->rec, on);
    Py_RETURN_NONE;
}

static PyMethodDef ar_methods[] = {
    {"start", (PyCFunction)(void (*)(void))ar_start, METH_VARARGS | METH_KEYWORDS,
     "start(exact=False, jitted=False): make this the active recorder; exact: record every call "
     "of every function through a C profile hook; jitted: record the calls of jitted functions "
     "too (the dispatcher's tap)."},
    {"stop", (PyCFunction)ar_stop, METH_NOARGS, "Remove every hook."},
    {"watch", (PyCFunction)ar_watch, METH_VARARGS,
     "watch(func_or_code) or watch(qualname, filename, firstlineno): sampled mode, record "
     "the calls of that function (the first `warm`, then every `every`th) in the windows "
     "from now on."},
    {"window", (PyCFunction)ar_window, METH_O,
     "window(open): sampled mode: open or close a recording window by hand."},
    {"record_frame", (PyCFunction)ar_record_frame, METH_O,
     "record_frame(frame): record the parameters of a running frame."},
    {"record", (PyCFunction)ar_record, METH_VARARGS,
     "record(func_or_code, args_tuple): record one call by hand."},
    {"functions", (PyCFunction)ar_functions, METH_NOARGS,
     "[(code, calls seen by a hook, recorded, read from live frames, hot)]"},
    {"signatures", (PyCFunction)ar_signatures, METH_O,
     "signatures(func_or_code): [{signature, types, calls, bytes, shapes, samples}]"},
    {"wide_returns", (PyCFunction)ar_wide_returns, METH_O,
     "wide_returns(func_or_code): recorded returns of a Python int beyond int64 (or a "
     "tuple holding one): compiled, the result would wrap"},
    {"clear", (PyCFunction)ar_clear, METH_NOARGS, "Forget everything recorded."},
    {NULL, NULL, 0, NULL},
};

static PyObject *
ar_get_duty(ArgRecorder *self, void *closure)
{
    (void)closure;
    return PyFloat_FromDouble(jp_arghooks_duty(&self->rec));
}

static PyGetSetDef ar_getset[] = {
    {"duty", (getter)ar_get_duty, NULL,
     "sampled mode: the share of the time since the first watch that windows were open", NULL},
    {"running", (getter)ar_get_running, NULL, "whether hooks may record", NULL},
    {"exact", (getter)ar_get_exact, NULL, "whether every call is recorded", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject JpArgRecorder_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitprofile._core.ArgRecorder",
    .tp_basicsize = sizeof(ArgRecorder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "ArgRecorder(copy_limit=4 MiB, reservoir=4, every=16, warm=32, copy_budget=64 MiB): "
              "the data profiler (argument types, shapes and sample values per function); "
              "arrays above copy_limit, or past copy_budget copied in all, are kept as None.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)ar_init,
    .tp_dealloc = (destructor)ar_dealloc,
    .tp_methods = ar_methods,
    .tp_getset = ar_getset,
};

jp_argrec *
jp_argrec_of(PyObject *recorder)
{
    return &((ArgRecorder *)recorder)->rec;
}

static PyObject *
argrec_thread_start(PyObject *mod, PyObject *noargs)
{
    (void)mod;
    (void)noargs;
    jp_arghooks_thread_start();
    Py_RETURN_NONE;
}

static PyMethodDef argrec_functions[] = {
    {"argrec_thread_start", argrec_thread_start, METH_NOARGS,
     "In a new thread: install the exact-mode recording hook if one is active."},
    {NULL, NULL, 0, NULL},
};

int
jp_argrecord_module_init(PyObject *m)
{
    if (PyType_Ready(&JpArgRecorder_Type) < 0)
        return -1;
    if (PyModule_AddObjectRef(m, "ArgRecorder", (PyObject *)&JpArgRecorder_Type) < 0)
        return -1;
    if (PyModule_AddFunctions(m, argrec_functions) < 0)
        return -1;
    return jp_argpoll_module_init(m);
}
