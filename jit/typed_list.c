/* jit/typed_list.c - numba.typed.List as a Python object: a box around the
 * native list (list_runtime.h) that Python and jit code share.
 *
 * Unlike a reflected list(T), whose items are copied in from a Python list
 * and written back after the call, a ListType[T] value is the box's own
 * native list: passing one to jit code passes its block (a new reference),
 * so mutations are visible both ways without copies, and a list jit code
 * builds with List() comes back to Python in a new box.  The box holds the
 * block and its type, nothing else; the methods (append, pop, sort...)
 * are compiled functions over ListType[T] written in Python
 * (kernel_ext/jitprofile/typed.py), so the list operations exist once, in
 * lower_list.c.  A box made by List() stays untyped (no block) until its
 * first item fixes the item type.
 */
#include "jit/typed_list.h"
#include "jit/list_runtime.h"

typedef struct {
    PyObject_HEAD
    jp_meminfo *mi;     /* the native list (one reference), NULL while untyped */
    jp_type *type;      /* ListType[T], NULL while untyped */
} JpTypedList;

static void
box_dealloc(PyObject *self)
{
    JpTypedList *b = (JpTypedList *)self;
    jp_meminfo *mi = b->mi;
    b->mi = NULL;
    Py_TYPE(self)->tp_free(self);
    jp_nrt_decref(mi);
}

static Py_ssize_t
box_len(PyObject *self)
{
    JpTypedList *b = (JpTypedList *)self;
    return b->mi ? (Py_ssize_t)((jp_list *)b->mi->data)->size : 0;
}

/* box._jp_init(ListType[T]): give an untyped box an empty native list. */
static PyObject *
box_init_type(PyObject *self, PyObject *arg)
{
    JpTypedList *b = (JpTypedList *)self;
    jp_type *t = jp_type_from_py(arg);
    int32_t off[JP_LIST_MAX_REFS];
    int nrefs;
    if (t == NULL)
        return NULL;
    if (t->kind != JP_LIST || t->reflected != JP_LIST_TYPED || t->dtype->kind == JP_UNKNOWN) {
        PyErr_Format(PyExc_TypeError, "expected a ListType[T], got %s", t->name);
        return NULL;
    }
    if (b->mi) {
        PyErr_Format(PyExc_TypeError, "this typed list is already a %s", b->type->name);
        return NULL;
    }
    if ((nrefs = jp_list_ref_offsets(t->dtype, off)) < 0) {
        PyErr_Format(PyExc_TypeError, "a typed list cannot hold %s items", t->dtype->name);
        return NULL;
    }
    if ((b->mi = jp_list_new((int64_t)t->dtype->size, 0, nrefs, off)) == NULL)
        return PyErr_NoMemory();
    b->type = t;
    Py_RETURN_NONE;
}

static PyObject *
box_get_type(PyObject *self, void *closure)
{
    JpTypedList *b = (JpTypedList *)self;
    (void)closure;
    if (b->type == NULL)
        Py_RETURN_NONE;
    return jp_type_to_py(b->type);
}

static PyMethodDef box_methods[] = {
    {"_jp_init", box_init_type, METH_O, "Give an untyped list its item type."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef box_getset[] = {
    {"_list_type", box_get_type, NULL, "ListType[T], or None while untyped", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods box_as_sequence = {
    .sq_length = box_len,
};

PyTypeObject JpTypedList_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitprofile.TypedListBase",
    .tp_doc = "Base of numba.typed.List: a box sharing a native list with jit code.",
    .tp_basicsize = sizeof(JpTypedList),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_dealloc = box_dealloc,
    .tp_as_sequence = &box_as_sequence,
    .tp_methods = box_methods,
    .tp_getset = box_getset,
    .tp_new = PyType_GenericNew,
};

/* The Python class boxes are made of (jitprofile.typed.List). */
static PyTypeObject *
box_class(void)
{
    static PyObject *cls;
    if (cls == NULL) {
        PyObject *mod = PyImport_ImportModule("jitprofile.typed");
        if (mod == NULL)
            return NULL;
        cls = PyObject_GetAttrString(mod, "List");
        Py_DECREF(mod);
        if (cls == NULL)
            return NULL;
        if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, &JpTypedList_Type)) {
            Py_CLEAR(cls);
            PyErr_SetString(PyExc_TypeError, "jitprofile.typed.List does not derive from TypedListBase");
            return NULL;
        }
    }
    return (PyTypeObject *)cls;
}

PyObject *
jp_typed_list_box(jp_type *t, jp_meminfo *mi)
{
    PyTypeObject *cls = box_class();
    JpTypedList *b = cls ? (JpTypedList *)cls->tp_alloc(cls, 0) : NULL;
    if (b == NULL) {
        jp_nrt_decref(mi);
        return NULL;
    }
    b->mi = mi;
    b->type = t;
    return (PyObject *)b;
}

int
jp_typed_list_unbox(PyObject *obj, jp_type *t, void *dst)
{
    JpTypedList *b = (JpTypedList *)obj;
    if (!PyObject_TypeCheck(obj, &JpTypedList_Type) || b->type != t || b->mi == NULL) {
        PyErr_Format(PyExc_TypeError, "expected %s, got %R", t->name, obj);
        return -1;
    }
    jp_nrt_incref(b->mi);       /* the call's reference, released after it */
    *(jp_meminfo **)dst = b->mi;
    return 0;
}

jp_type *
jp_typed_list_typeof(PyObject *obj)
{
    if (PyObject_TypeCheck(obj, &JpTypedList_Type))
        return ((JpTypedList *)obj)->type;      /* NULL while untyped: no type */
    return NULL;
}

int
jp_typed_list_module_init(PyObject *m)
{
    if (PyType_Ready(&JpTypedList_Type) < 0)
        return -1;
    return PyModule_AddObjectRef(m, "TypedListBase", (PyObject *)&JpTypedList_Type);
}
