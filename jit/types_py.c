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
                                  "dtype", "slice", "record", "record", "class", "iter",
                                  "list", "ellipsis", "generator", "optional", "deferred", "unicode", "dict", "set"};
    unsigned k = (unsigned)((JpTypeObject *)self)->type->kind;
    (void)closure;
    /* (kinds added after these read as "other" until named here) */
    return PyUnicode_FromString(k < sizeof kinds / sizeof kinds[0] ? kinds[k] : "other");
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

static PyObject *
type_get_ndim(PyObject *self, void *closure)
{
    jp_type *t = ((JpTypeObject *)self)->type;
    (void)closure;
    return PyLong_FromLong(t->kind == JP_ARRAY ? t->ndim : 0);
}

static PyObject *
type_get_dtype(PyObject *self, void *closure)
{
    jp_type *t = ((JpTypeObject *)self)->type;
    (void)closure;
    if (t->dtype)
        return jp_type_to_py(t->dtype);
    if (t->kind == JP_TUPLE && t->n > 0) {
        for (int i = 1; i < t->n; i++)
            if (t->elems[i] != t->elems[0])
                Py_RETURN_NONE;
        return jp_type_to_py(t->elems[0]);
    }
    Py_RETURN_NONE;
}

static PyObject *
type_get_layout(PyObject *self, void *closure)
{
    jp_type *t = ((JpTypeObject *)self)->type;
    (void)closure;
    if (t->kind != JP_ARRAY)
        Py_RETURN_NONE;
    return PyUnicode_FromStringAndSize(&t->layout, 1);
}

static PyObject *
type_get_readonly(PyObject *self, void *closure)
{
    (void)closure;
    return PyBool_FromLong(((JpTypeObject *)self)->type->readonly);
}

static PyObject *
type_get_count(PyObject *self, void *closure)
{
    (void)closure;
    return PyLong_FromLong(((JpTypeObject *)self)->type->n);
}

static PyObject *
type_get_signed(PyObject *self, void *closure)
{
    (void)closure;
    return PyBool_FromLong(((JpTypeObject *)self)->type->is_signed);
}

static PyObject *
type_getitem(PyObject *self, PyObject *key)
{
    /* float64[:], float64[:, :], float64[::1]: array types, Numba's spelling */
    jp_type *t = ((JpTypeObject *)self)->type;
    PyObject *items = PyTuple_Check(key) ? Py_NewRef(key) : PyTuple_Pack(1, key);
    Py_ssize_t n;
    char layout = 'A';
    if (items == NULL)
        return NULL;
    n = PyTuple_GET_SIZE(items);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *sl = PyTuple_GET_ITEM(items, i), *step;
        if (!PySlice_Check(sl)) {
            Py_DECREF(items);
            PyErr_SetString(PyExc_TypeError, "array types are spelled with slices: float64[:, ::1]");
            return NULL;
        }
        step = ((PySliceObject *)sl)->step;
        if (step != Py_None && PyLong_Check(step) && PyLong_AsLong(step) == 1)
            layout = i == n - 1 ? 'C' : (i == 0 ? 'F' : 'A');
    }
    Py_DECREF(items);
    return jp_type_to_py(jp_type_array(t, (int)n, layout, 0));
}

static PyMappingMethods type_as_mapping = {
    .mp_subscript = type_getitem,
};

static PyGetSetDef type_getset[] = {
    {"ndim", type_get_ndim, NULL, "array: the number of dimensions", NULL},
    {"dtype", type_get_dtype, NULL, "array: the element type; UniTuple: its element type", NULL},
    {"layout", type_get_layout, NULL, "array: 'C', 'F' or 'A'", NULL},
    {"readonly", type_get_readonly, NULL, "array: not writeable", NULL},
    {"count", type_get_count, NULL, "tuple: the number of elements", NULL},
    {"signed", type_get_signed, NULL, "int: signed", NULL},
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
    .tp_as_mapping = &type_as_mapping,
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

static PyObject *
sig_richcompare(PyObject *a, PyObject *b, int op)
{
    JpSignatureObject *x = (JpSignatureObject *)a, *y;
    int eq;
    if (!PyObject_TypeCheck(b, &JpSignature_Type) || (op != Py_EQ && op != Py_NE))
        Py_RETURN_NOTIMPLEMENTED;
    y = (JpSignatureObject *)b;
    eq = x->return_type == y->return_type && PyObject_RichCompareBool(x->args, y->args, Py_EQ) == 1;
    return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static Py_hash_t
sig_hash(PyObject *self)
{
    JpSignatureObject *sig = (JpSignatureObject *)self;
    Py_hash_t h = PyObject_Hash(sig->args);
    if (h == -1)
        return -1;
    h ^= (Py_hash_t)(uintptr_t)sig->return_type;
    return h == -1 ? -2 : h;
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
    .tp_richcompare = sig_richcompare,
    .tp_hash = sig_hash,
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
