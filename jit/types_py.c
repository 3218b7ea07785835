/* jit/types_py.c - Python objects for the type language: jitprofile.float64
 * and friends (Type), and the signatures that calling them builds
 * (float64(float64, int64) -> Signature). */
#include "jit/types.h"

#include <string.h>
#include <structmember.h>

typedef struct {
    PyObject_HEAD
    jp_type *type;
} JpTypeObject;

typedef struct {
    PyObject_HEAD
    PyObject *return_type;      /* Type or None */
    PyObject *args;             /* tuple of Type */
} JpSignatureObject;

PyObject *
jp_type_to_py(jp_type *t)
{
    if (t->pyobj == NULL) {
        JpTypeObject *obj = PyObject_New(JpTypeObject, &JpType_Type);
        if (obj == NULL)
            return NULL;
        obj->type = t;
        t->pyobj = (PyObject *)obj;     /* the cache owns one reference */
    }
    Py_INCREF(t->pyobj);
    return t->pyobj;
}

jp_type *
jp_type_from_py(PyObject *obj)
{
    if (PyObject_TypeCheck(obj, &JpType_Type))
        return ((JpTypeObject *)obj)->type;
    if (PyUnicode_Check(obj))
        return jp_parse_type(PyUnicode_AsUTF8(obj));
    PyErr_Format(PyExc_TypeError, "expected a jitprofile type or a type name, got %R", obj);
    return NULL;
}

static PyObject *
type_repr(PyObject *self)
{
    return PyUnicode_FromString(((JpTypeObject *)self)->type->name);
}

static PyObject *
type_call(PyObject *self, PyObject *args, PyObject *kwargs)
{
    JpSignatureObject *sig;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (kwargs && PyDict_GET_SIZE(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "a signature takes argument types only");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyObject_TypeCheck(PyTuple_GET_ITEM(args, i), &JpType_Type)) {
            PyErr_Format(PyExc_TypeError, "argument %zd of the signature is not a type: %R",
                         i + 1, PyTuple_GET_ITEM(args, i));
            return NULL;
        }
    }
    sig = PyObject_New(JpSignatureObject, &JpSignature_Type);
    if (sig == NULL)
        return NULL;
    sig->return_type = Py_NewRef(self);
    sig->args = Py_NewRef(args);
    return (PyObject *)sig;
}

static PyObject *
type_get_kind(PyObject *self, void *closure)
{
    static const char *kinds[] = {"undefined", "none", "bool", "int", "float",
                                  "complex", "tuple", "range", "function", "array",
                                  "dtype", "slice", "record", "record"};
    (void)closure;
    return PyUnicode_FromString(kinds[((JpTypeObject *)self)->type->kind]);
}

static PyObject *
type_get_bitwidth(PyObject *self, void *closure)
{
    (void)closure;
    return PyLong_FromLong(((JpTypeObject *)self)->type->bits);
}

static PyObject *
type_get_elements(PyObject *self, void *closure)
{
    jp_type *t = ((JpTypeObject *)self)->type;
    PyObject *tuple = PyTuple_New(t->n);
    (void)closure;
    if (tuple == NULL)
        return NULL;
    for (int i = 0; i < t->n; i++) {
        PyObject *e = jp_type_to_py(t->elems[i]);
        if (e == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, i, e);
    }
    return tuple;
}

static PyGetSetDef type_getset[] = {
    {"kind", type_get_kind, NULL, "int, float, complex, bool, tuple, none, ...", NULL},
    {"bitwidth", type_get_bitwidth, NULL, "bits of a number type", NULL},
    {"elements", type_get_elements, NULL, "element types of a tuple type", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyObject *
type_reduce(PyObject *self, PyObject *unused)
{
    (void)unused;
    return Py_BuildValue("(O(s))", (PyObject *)Py_TYPE(self),
                         ((JpTypeObject *)self)->type->name);
}

static PyObject *
type_new(PyTypeObject *cls, PyObject *args, PyObject *kwargs)
{
    const char *name;
    jp_type *t;
    static char *kwlist[] = {"name", NULL};
    (void)cls;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s:Type", kwlist, &name))
        return NULL;
    if ((t = jp_parse_type(name)) == NULL)
        return NULL;
    return jp_type_to_py(t);
}

static PyMethodDef type_methods[] = {
    {"__reduce__", type_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

PyTypeObject JpType_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitprofile.Type",
    .tp_doc = "A type of the JIT's type language (float64, UniTuple(int64, 2), ...).\n"
              "Calling a type with argument types builds a signature.",
    .tp_basicsize = sizeof(JpTypeObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_repr = type_repr,
    .tp_str = type_repr,
    .tp_call = type_call,
    .tp_getset = type_getset,
    .tp_methods = type_methods,
    .tp_new = type_new,
};

/* ---- Signature -------------------------------------------------------- */

static void
sig_dealloc(PyObject *self)
{
    JpSignatureObject *sig = (JpSignatureObject *)self;
    Py_XDECREF(sig->return_type);
    Py_XDECREF(sig->args);
    PyObject_Free(self);
}

static PyObject *
sig_repr(PyObject *self)
{
    JpSignatureObject *sig = (JpSignatureObject *)self;
    PyObject *parts = PyList_New(0), *sep = NULL, *joined = NULL, *out = NULL;
    if (parts == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(sig->args); i++) {
        PyObject *s = PyObject_Str(PyTuple_GET_ITEM(sig->args, i));
        if (s == NULL || PyList_Append(parts, s) < 0) {
            Py_XDECREF(s);
            goto done;
        }
        Py_DECREF(s);
    }
    if ((sep = PyUnicode_FromString(", ")) == NULL)
        goto done;
    if ((joined = PyUnicode_Join(sep, parts)) == NULL)
        goto done;
    if (sig->return_type == Py_None)
        out = PyUnicode_FromFormat("(%U)", joined);
    else
        out = PyUnicode_FromFormat("%S(%U)", sig->return_type, joined);
done:
    Py_XDECREF(parts);
    Py_XDECREF(sep);
    Py_XDECREF(joined);
    return out;
}

static PyMemberDef sig_members[] = {
    {"return_type", T_OBJECT, offsetof(JpSignatureObject, return_type), READONLY, NULL},
    {"args", T_OBJECT, offsetof(JpSignatureObject, args), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

PyTypeObject JpSignature_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitprofile.Signature",
    .tp_doc = "A function signature: return type and argument types.",
    .tp_basicsize = sizeof(JpSignatureObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = sig_dealloc,
    .tp_repr = sig_repr,
    .tp_members = sig_members,
};

/* _core.parse_signature(text) -> Signature */
static PyObject *
parse_signature_py(PyObject *module, PyObject *arg)
{
    jp_type *ret, **args;
    int n;
    JpSignatureObject *sig;
    (void)module;
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "signature must be a string");
        return NULL;
    }
    n = jp_parse_signature(PyUnicode_AsUTF8(arg), &ret, &args);
    if (n < 0)
        return NULL;
    sig = PyObject_New(JpSignatureObject, &JpSignature_Type);
    if (sig == NULL)
        goto fail;
    sig->return_type = ret ? jp_type_to_py(ret) : Py_NewRef(Py_None);
    sig->args = PyTuple_New(n);
    if (sig->return_type == NULL || sig->args == NULL)
        goto fail_sig;
    for (int i = 0; i < n; i++) {
        PyObject *t = jp_type_to_py(args[i]);
        if (t == NULL)
            goto fail_sig;
        PyTuple_SET_ITEM(sig->args, i, t);
    }
    free(args);
    return (PyObject *)sig;
fail_sig:
    Py_DECREF(sig);
fail:
    free(args);
    return NULL;
}

/* _core.tuple_type(types) -> Type */
static PyObject *
tuple_type_py(PyObject *module, PyObject *seq)
{
    jp_type *elems[64];
    PyObject *fast = PySequence_Fast(seq, "tuple_type() takes a sequence of types");
    Py_ssize_t n;
    (void)module;
    if (fast == NULL)
        return NULL;
    n = PySequence_Fast_GET_SIZE(fast);
    if (n > 64) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "tuples of more than 64 elements are not supported");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if ((elems[i] = jp_type_from_py(PySequence_Fast_GET_ITEM(fast, i))) == NULL) {
            Py_DECREF(fast);
            return NULL;
        }
    }
    Py_DECREF(fast);
    return jp_type_to_py(jp_type_tuple((int)n, elems));
}

/* _core.typeof(value) -> Type or None */
static PyObject *
typeof_py(PyObject *module, PyObject *value)
{
    jp_type *t = jp_typeof(value);
    (void)module;
    if (t == NULL) {
        if (PyErr_Occurred())
            return NULL;
        Py_RETURN_NONE;
    }
    return jp_type_to_py(t);
}

static PyMethodDef types_functions[] = {
    {"parse_signature", parse_signature_py, METH_O, "Parse 'float64(float64, int64)'."},
    {"tuple_type", tuple_type_py, METH_O, "The tuple type of a sequence of types."},
    {"typeof", typeof_py, METH_O, "The JIT type of a Python value, or None."},
    {NULL, NULL, 0, NULL},
};

int
jp_types_module_init(PyObject *m)
{
    static const char *names[] = {
        "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float32", "float64", "complex64", "complex128", "bool", "none", "intp",
    };
    PyObject *table;
    if (PyType_Ready(&JpType_Type) < 0 || PyType_Ready(&JpSignature_Type) < 0)
        return -1;
    if (PyModule_AddObjectRef(m, "Type", (PyObject *)&JpType_Type) < 0
        || PyModule_AddObjectRef(m, "Signature", (PyObject *)&JpSignature_Type) < 0
        || PyModule_AddFunctions(m, types_functions) < 0)
        return -1;
    table = PyDict_New();
    if (table == NULL)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        PyObject *t = jp_type_to_py(jp_parse_type(names[i]));
        if (t == NULL || PyDict_SetItemString(table, names[i], t) < 0) {
            Py_XDECREF(t);
            Py_DECREF(table);
            return -1;
        }
        Py_DECREF(t);
    }
    if (PyModule_AddObjectRef(m, "types", table) < 0) {
        Py_DECREF(table);
        return -1;
    }
    Py_DECREF(table);
    return 0;
}
