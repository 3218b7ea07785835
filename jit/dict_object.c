/* jit/dict_object.c - the Python side of DictType[K, V]: _core._DictBase, the
 * base of jitprofile.typed.Dict (Numba's numba.typed.Dict).  It wraps one
 * hash table (hashtable.h) by reference: jit code receives the same table
 * (no copy, mutations visible both ways) and a table jit code returns is
 * wrapped, not converted.  Keys and values cross through the dispatcher's
 * unbox/box of K and V.  A Dict made without types takes them from its
 * first item, as Numba's does. */
#include "jit/hashtable.h"
#include "jit/dispatcher.h"
#include "jit/list_runtime.h"

#include <string.h>

typedef struct {
    PyObject_HEAD
    jp_meminfo *mi;     /* NULL until the types are known */
    jp_type *t;         /* DictType[K, V] or NULL */
} JpDict;

static PyTypeObject JpDict_Type;

static int
make_table(JpDict *self, jp_type *k, jp_type *v)
{
    int32_t layout[JP_HT_MAX_LAYOUT];
    if (jp_ht_layout(k, v, layout) < 0) {
        PyErr_Format(PyExc_TypeError, "a typed Dict cannot have keys of type %s and values of type %s "
                     "(keys: numbers, strings or tuples of those)", k->name, v->name);
        return -1;
    }
    if ((self->mi = jp_ht_new(layout)) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->t = jp_type_dict(k, v);
    return 0;
}

static int
convertible(jp_type *from, jp_type *to)
{
    if (from == to || jp_type_can_convert(from, to))
        return 1;
    if ((from->kind == JP_INT || from->kind == JP_BOOL) && to->kind == JP_INT)
        return 1;
    if (from->kind == JP_TUPLE && to->kind == JP_TUPLE && from->n == to->n) {
        for (int i = 0; i < from->n; i++)
            if (!convertible(from->elems[i], to->elems[i]))
                return 0;
        return 1;
    }
    if (from->kind == JP_ARRAY && to->kind == JP_ARRAY)
        return from->dtype == to->dtype && from->ndim == to->ndim;
    return 0;
}

/* obj as a value of type t into buf (buf zeroed); -1 with TypeError. */
static int
to_value(PyObject *obj, jp_type *t, char *buf, const char *what)
{
    jp_type *vt = jp_typeof(obj);
    if (vt == NULL || !convertible(vt, t)) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "typed Dict %s must be %s, not %s", what, t->name,
                         vt ? vt->name : Py_TYPE(obj)->tp_name);
        return -1;
    }
    if (t->kind == JP_LIST || t->kind == JP_SET
        || (t->kind == JP_TUPLE && jp_type_is_managed(t) && what[0] == 'v')) {     /* a key's: strings */
        PyErr_Format(PyExc_TypeError, "typed Dict values of type %s can be stored from jit code only", t->name);
        return -1;
    }
    if (jp_unbox_value(obj, t, buf) < 0)
        return -1;
    if (t->kind == JP_ARRAY) {
        /* an array from Python: the table keeps the object alive */
        void **a = (void **)buf;
        if (a[0] == NULL && (a[0] = jp_nrt_adopt(a[1])) == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    } else if (t->kind == JP_DICT || t->kind == JP_CLASS) {
        jp_nrt_incref(*(jp_meminfo **)buf);
    }
    return 0;
}

/* A Python object for the value at p (its references are the table's). */
static PyObject *
from_value(jp_type *t, const char *p)
{
    int32_t off[JP_LIST_MAX_REFS];
    int n = jp_list_ref_offsets(t, off);
    for (int k = 0; k < n; k++)
        jp_nrt_incref(*(jp_meminfo *const *)(p + off[k]));
    return jp_box(t, p);
}

/* ---- the mapping ------------------------------------------------------------------ */

static Py_ssize_t
dict_len(JpDict *self)
{
    return self->mi ? (Py_ssize_t)((jp_ht *)self->mi->data)->used : 0;
}

/* The key as the table's bytes: 1, 0 (not a key of this dict: no error), -1 error. */
static int
key_bytes(JpDict *self, PyObject *key, char *buf)
{
    jp_type *vt;
    if (self->mi == NULL)
        return 0;
    vt = jp_typeof(key);
    if (vt == NULL || !convertible(vt, self->t->key))
        return 0;
    memset(buf, 0, self->t->key->size);
    return jp_unbox_value(key, self->t->key, buf) < 0 ? -1 : 1;
}

static PyObject *
dict_getitem(JpDict *self, PyObject *key)
{
    char kb[512];
    char *v;
    int rc = key_bytes(self, key, kb);
    if (rc < 0)
        return NULL;
    v = rc == 0 ? NULL : jp_ht_lookup(self->mi, kb);
    if (rc)
        jp_ht_release_key(self->mi, kb);    /* unboxing made a string */
    if (v == NULL) {
        PyErr_SetObject(PyExc_KeyError, key);
        return NULL;
    }
    return from_value(self->t->dtype, v);
}

static int
dict_setitem(JpDict *self, PyObject *key, PyObject *value)
{
    char kb[512], vb[1024];
    int rc;
    if (value == NULL) {
        rc = key_bytes(self, key, kb);
        if (rc < 0)
            return -1;
        if (rc)
            rc = (int)jp_ht_delete(self->mi, kb, NULL), jp_ht_release_key(self->mi, kb);
        if (rc == 0) {
            PyErr_SetObject(PyExc_KeyError, key);
            return -1;
        }
        return 0;
    }
    if (self->mi == NULL) {
        jp_type *k = jp_typeof(key), *v = jp_typeof(value);
        if (k == NULL || v == NULL) {
            PyErr_Format(PyExc_TypeError, "a typed Dict cannot hold a %s",
                         Py_TYPE(k == NULL ? key : value)->tp_name);
            return -1;
        }
        if (make_table(self, k, v) < 0)
            return -1;
    }
    if (self->t->key->size > sizeof kb || self->t->dtype->size > sizeof vb) {
        PyErr_SetString(PyExc_TypeError, "typed Dict keys or values too large");
        return -1;
    }
    memset(kb, 0, self->t->key->size);
    memset(vb, 0, self->t->dtype->size);
    if (to_value(key, self->t->key, kb, "keys") < 0)
        return -1;
    if (to_value(value, self->t->dtype, vb, "values") < 0) {
        jp_ht_release_key(self->mi, kb);
        return -1;
    }
    rc = jp_ht_set(self->mi, kb, vb) < 0;
    jp_ht_release_key(self->mi, kb);        /* the table took its own reference to a string key */
    if (rc) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static int
dict_contains(JpDict *self, PyObject *key)
{
    char kb[512];
    int rc = key_bytes(self, key, kb);
    if (rc <= 0)
        return rc;
    rc = jp_ht_lookup(self->mi, kb) != NULL;
    jp_ht_release_key(self->mi, kb);
    return rc;
}

/* A list of the keys (1), values (2) or (key, value) tuples (3). */
static PyObject *
snapshot(JpDict *self, int which)
{
    jp_ht *h;
    PyObject *r = PyList_New(0);
    if (r == NULL || self->mi == NULL)
        return r;
    h = self->mi->data;
    for (int64_t i = 0; i < h->nentries; i++) {
        char *e = h->entries + i * h->entrysize;
        PyObject *k = NULL, *v = NULL, *item;
        if (*(int64_t *)e == JP_HT_DELETED)
            continue;
        if ((which & 1) && (k = from_value(self->t->key, e + JP_HT_KEYOFF)) == NULL)
            goto fail;
        if ((which & 2) && (v = from_value(self->t->dtype, e + h->layout[JP_HL_VALOFF])) == NULL) {
            Py_XDECREF(k);
            goto fail;
        }
        item = which == 3 ? PyTuple_Pack(2, k, v) : which == 1 ? Py_NewRef(k) : Py_NewRef(v);
        Py_XDECREF(k);
        Py_XDECREF(v);
        if (item == NULL || PyList_Append(r, item) < 0) {
            Py_XDECREF(item);
            goto fail;
        }
        Py_DECREF(item);
    }
    return r;
fail:
    Py_DECREF(r);
    return NULL;
}

static PyObject *
dict_iter(JpDict *self)
{
    PyObject *keys = snapshot(self, 1), *it;
    if (keys == NULL)
        return NULL;
    it = PyObject_GetIter(keys);
    Py_DECREF(keys);
    return it;
}

static PyObject *
dict_snapshot(JpDict *self, PyObject *which)
{
    return snapshot(self, (int)PyLong_AsLong(which));
}

static PyObject *
dict_clear(JpDict *self, PyObject *unused)
{
    (void)unused;
    if (self->mi)
        jp_ht_clear(self->mi);
    Py_RETURN_NONE;
}

static PyObject *
dict_copy(JpDict *self, PyObject *unused)
{
    JpDict *r = (JpDict *)Py_TYPE(self)->tp_alloc(Py_TYPE(self), 0);
    (void)unused;
    if (r == NULL || self->mi == NULL)
        return (PyObject *)r;
    if ((r->mi = jp_ht_copy(self->mi)) == NULL) {
        Py_DECREF(r);
        return PyErr_NoMemory();
    }
    r->t = self->t;
    return (PyObject *)r;
}

static PyObject *
dict_types(JpDict *self, void *which)
{
    if (self->t == NULL)
        Py_RETURN_NONE;
    return jp_type_to_py(which ? self->t->dtype : self->t->key);
}

static PyObject *
dict_type(JpDict *self, void *unused)
{
    (void)unused;
    if (self->t == NULL)
        Py_RETURN_NONE;
    return jp_type_to_py(self->t);
}

static PyObject *
dict_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"key_type", "value_type", NULL};
    PyObject *kt = Py_None, *vt = Py_None;
    JpDict *self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OO:Dict", kwlist, &kt, &vt))
        return NULL;
    if ((self = (JpDict *)type->tp_alloc(type, 0)) == NULL)
        return NULL;
    if (kt != Py_None || vt != Py_None) {
        jp_type *k = kt == Py_None ? NULL : jp_type_from_py(kt);
        jp_type *v = vt == Py_None ? NULL : jp_type_from_py(vt);
        if (k == NULL || v == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "Dict.empty() needs both key_type and value_type");
            Py_DECREF(self);
            return NULL;
        }
        if (make_table(self, k, v) < 0) {
            Py_DECREF(self);
            return NULL;
        }
    }
    return (PyObject *)self;
}

static void
dict_dealloc(JpDict *self)
{
    jp_nrt_decref(self->mi);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMappingMethods dict_as_mapping = {
    .mp_length = (lenfunc)dict_len,
    .mp_subscript = (binaryfunc)dict_getitem,
    .mp_ass_subscript = (objobjargproc)dict_setitem,
};

static PySequenceMethods dict_as_sequence = {
    .sq_contains = (objobjproc)dict_contains,
};

static PyMethodDef dict_methods[] = {
    {"_snapshot", (PyCFunction)dict_snapshot, METH_O, "keys (1), values (2) or items (3) as a list"},
    {"clear", (PyCFunction)dict_clear, METH_NOARGS, "Remove every item."},
    {"copy", (PyCFunction)dict_copy, METH_NOARGS, "A shallow copy (a new table)."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef dict_getset[] = {
    {"_key_type", (getter)dict_types, NULL, "K (None until known)", NULL},
    {"_value_type", (getter)dict_types, NULL, "V (None until known)", (void *)1},
    {"_dict_type", (getter)dict_type, NULL, "DictType[K, V] (None until known)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject JpDict_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitprofile._core._DictBase",
    .tp_basicsize = sizeof(JpDict),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_MAPPING,
    .tp_doc = "A typed dict shared with jit code (the base of jitprofile.typed.Dict).",
    .tp_new = dict_new,
    .tp_dealloc = (destructor)dict_dealloc,
    .tp_as_mapping = &dict_as_mapping,
    .tp_as_sequence = &dict_as_sequence,
    .tp_iter = (getiterfunc)dict_iter,
    .tp_methods = dict_methods,
    .tp_getset = dict_getset,
};

/* ---- the dispatcher's side ----------------------------------------------------------- */

jp_type *
jp_typeof_dict(PyObject *value)
{
    if (!PyObject_TypeCheck(value, &JpDict_Type))
        return NULL;
    return ((JpDict *)value)->t;
}

int
jp_is_dict_class(PyObject *value)
{
    return PyType_Check(value) && PyType_IsSubtype((PyTypeObject *)value, &JpDict_Type);
}

int
jp_dict_unbox(PyObject *obj, jp_type *t, void *dst)
{
    if (!PyObject_TypeCheck(obj, &JpDict_Type) || ((JpDict *)obj)->t != t) {
        PyErr_Format(PyExc_TypeError, "expected %s, got %R", t->name, obj);
        return -1;
    }
    *(jp_meminfo **)dst = ((JpDict *)obj)->mi;      /* borrowed: the caller keeps obj alive */
    return 0;
}

PyObject *
jp_dict_box(jp_type *t, jp_meminfo *mi)
{
    static PyTypeObject *cls;
    JpDict *r;
    if (cls == NULL) {
        PyObject *mod = PyImport_ImportModule("jitprofile.typed_dict");
        PyObject *c = mod ? PyObject_GetAttrString(mod, "Dict") : NULL;
        Py_XDECREF(mod);
        if (c == NULL || !PyType_Check(c) || !PyType_IsSubtype((PyTypeObject *)c, &JpDict_Type)) {
            PyErr_Clear();
            Py_XDECREF(c);
            c = Py_NewRef((PyObject *)&JpDict_Type);
        }
        cls = (PyTypeObject *)c;        /* kept for the process */
    }
    if ((r = (JpDict *)cls->tp_alloc(cls, 0)) == NULL) {
        jp_nrt_decref(mi);
        return NULL;
    }
    r->mi = mi;
    r->t = t;
    return (PyObject *)r;
}

int
jp_dict_module_init(PyObject *m)
{
    if (PyType_Ready(&JpDict_Type) < 0)
        return -1;
    return PyModule_AddObjectRef(m, "_DictBase", (PyObject *)&JpDict_Type);
}
