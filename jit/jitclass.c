/* jit/jitclass.c - the Python side of @jitclass instances.
 *
 * An instance is a reference-counted block (jp_meminfo) holding a struct of
 * typed fields; compiled code passes the block pointer around.  From Python
 * an instance is a JitClassBase object (the user's class derives from it):
 * reading a declared field boxes it, assigning one unboxes, checks the type
 * and releases the old value; methods and properties are compiled
 * functions taking the instance (kernel_ext/jitprofile/jitclass.py).
 */
#include "jit/jitclass.h"
#include "jit/dispatcher.h"

#include <string.h>

typedef struct {
    PyObject_HEAD
    jp_meminfo *mi;
    jp_type *type;
} JpInstance;

int jp_unbox_value(PyObject *obj, jp_type *t, void *dst);

static void
instance_dealloc(PyObject *self)
{
    JpInstance *inst = (JpInstance *)self;
    jp_meminfo *mi = inst->mi;
    inst->mi = NULL;
    Py_TYPE(self)->tp_free(self);
    jp_nrt_decref(mi);
}

static int
field_index(jp_type *t, PyObject *name)
{
    const char *s = PyUnicode_AsUTF8(name);
    if (s == NULL) {
        PyErr_Clear();
        return -1;
    }
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->field_names[i], s) == 0)
            return i;
    return -1;
}

static void
incref_value(jp_type *t, void *p)
{
    if (t->kind == JP_OPTIONAL) {       /* its value: a NULL block when None */
        p = (char *)p + t->offsets[1];
        t = t->dtype;
    }
    if (t->kind == JP_ARRAY || t->kind == JP_CLASS || t->kind == JP_STR)
        jp_nrt_incref(*(jp_meminfo **)p);
}

static void
decref_value(jp_type *t, void *p)
{
    if (t->kind == JP_OPTIONAL) {
        p = (char *)p + t->offsets[1];
        t = t->dtype;
    }
    if (t->kind == JP_ARRAY || t->kind == JP_CLASS || t->kind == JP_STR)
        jp_nrt_decref(*(jp_meminfo **)p);
}

static PyObject *
instance_getattro(PyObject *self, PyObject *name)
{
    JpInstance *inst = (JpInstance *)self;
    int i = inst->type && inst->mi ? field_index(inst->type, name) : -1;
    if (i >= 0) {
        jp_type *ft = inst->type->elems[i];
        char *p = (char *)inst->mi->data + inst->type->offsets[i];
        incref_value(ft, p);      /* the boxed value takes a reference */
        return jp_box(ft, p);
    }
    return PyObject_GenericGetAttr(self, name);
}

static int
instance_setattro(PyObject *self, PyObject *name, PyObject *value)
{
    JpInstance *inst = (JpInstance *)self;
    int i = inst->type && inst->mi ? field_index(inst->type, name) : -1;
    _Alignas(16) unsigned char tmp[1024];
    jp_type *ft;
    char *p;
    if (i < 0) {
        /* a property: its compiled setter answers, or Python's "has no setter" */
        PyObject *descr = PyObject_GetAttr((PyObject *)Py_TYPE(self), name);
        int is_property = descr && PyObject_TypeCheck(descr, &PyProperty_Type);
        if (descr == NULL)
            PyErr_Clear();
        Py_XDECREF(descr);
        if (is_property)
            return PyObject_GenericSetAttr(self, name, value);
        if (inst->type && value && PyUnicode_Check(name) && PyUnicode_AsUTF8(name)[0] != '_') {
            PyErr_Format(PyExc_AttributeError, "%s has no field '%U' (jitclass fields are declared in its spec)",
                         inst->type->name + strlen("instance.jitclass."), name);
            return -1;
        }
        return PyObject_GenericSetAttr(self, name, value);
    }
    if (value == NULL) {
        PyErr_Format(PyExc_AttributeError, "cannot delete the jitclass field '%U'", name);
        return -1;
    }
    ft = inst->type->elems[i];
    if (ft->size > sizeof tmp) {
        PyErr_SetString(PyExc_TypeError, "field too large");
        return -1;
    }
    {
        jp_type *vt = jp_typeof(value);
        if (vt == NULL || !jp_type_can_convert(vt, ft)) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_TypeError, "cannot assign %s to field '%U' of type %s",
                             vt ? vt->name : Py_TYPE(value)->tp_name, name, ft->name);
            return -1;
        }
    }
    if (jp_unbox_value(value, ft, tmp) < 0)
        return -1;
    if (ft->kind == JP_ARRAY || (ft->kind == JP_OPTIONAL && ft->dtype->kind == JP_ARRAY && value != Py_None)) {
        /* an array from Python: the field keeps the object alive */
        void **a = (void **)(tmp + (ft->kind == JP_OPTIONAL ? ft->offsets[1] : 0));
        if (a[0] == NULL && (a[0] = jp_nrt_adopt(a[1])) == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    } else if (ft->kind != JP_STR) {       /* a string was unboxed into a new reference */
        incref_value(ft, tmp);
    }
    p = (char *)inst->mi->data + inst->type->offsets[i];
    decref_value(ft, p);
    memcpy(p, tmp, ft->size);
    return 0;
}

static PyObject *
instance_repr(PyObject *self)
{
    return PyUnicode_FromFormat("<%s object at %p>", Py_TYPE(self)->tp_name, self);
}

PyTypeObject JpJitClassBase_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitprofile.JitClassBase",
    .tp_doc = "Base of @jitclass classes: instances hold typed fields in native memory.",
    .tp_basicsize = sizeof(JpInstance),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_dealloc = instance_dealloc,
    .tp_getattro = instance_getattro,
    .tp_setattro = instance_setattro,
    .tp_repr = instance_repr,
    .tp_new = PyType_GenericNew,
};

PyObject *
jp_jitclass_box(jp_type *t, jp_meminfo *mi)
{
    PyTypeObject *cls = (PyTypeObject *)t->pyclass;
    JpInstance *inst = (JpInstance *)cls->tp_alloc(cls, 0);
    if (inst == NULL) {
        jp_nrt_decref(mi);
        return NULL;
    }
    inst->mi = mi;
    inst->type = t;
    return (PyObject *)inst;
}

jp_meminfo *
jp_jitclass_unbox(PyObject *obj, jp_type *t)
{
    if (!PyObject_TypeCheck(obj, &JpJitClassBase_Type) || ((JpInstance *)obj)->type != t
        || ((JpInstance *)obj)->mi == NULL) {
        PyErr_Format(PyExc_TypeError, "expected an instance of %s, got %R",
                     t->name + strlen("instance.jitclass."), obj);
        return NULL;
    }
    return ((JpInstance *)obj)->mi;
}

jp_type *
jp_jitclass_typeof(PyObject *obj)
{
    if (PyObject_TypeCheck(obj, &JpJitClassBase_Type) && ((JpInstance *)obj)->mi)
        return ((JpInstance *)obj)->type;
    return NULL;
}

/* _core.jitclass_type(name, field names, field types, class) -> Type */
static PyObject *
jitclass_type(PyObject *module, PyObject *args)
{
    const char *name;
    PyObject *names, *types, *cls;
    const char *fnames[128];
    jp_type *ftypes[128];
    Py_ssize_t n;
    (void)module;
    if (!PyArg_ParseTuple(args, "sO!O!O!:jitclass_type", &name, &PyTuple_Type, &names, &PyTuple_Type,
                          &types, &PyType_Type, &cls))
        return NULL;
    n = PyTuple_GET_SIZE(names);
    if (n != PyTuple_GET_SIZE(types) || n > 128) {
        PyErr_SetString(PyExc_ValueError, "jitclass: one type per field, at most 128 fields");
        return NULL;
    }
    if (!PyType_IsSubtype((PyTypeObject *)cls, &JpJitClassBase_Type)) {
        PyErr_SetString(PyExc_TypeError, "jitclass: the class must derive from JitClassBase");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if ((fnames[i] = PyUnicode_AsUTF8(PyTuple_GET_ITEM(names, i))) == NULL
            || (ftypes[i] = jp_type_from_py(PyTuple_GET_ITEM(types, i))) == NULL)
            return NULL;
        if (!jp_is_number(ftypes[i]) && ftypes[i]->kind != JP_ARRAY && ftypes[i]->kind != JP_CLASS
            && ftypes[i]->kind != JP_TUPLE && ftypes[i]->kind != JP_DEFERRED
            && ftypes[i]->kind != JP_STR
            && !(ftypes[i]->kind == JP_OPTIONAL
                 && (jp_is_number(ftypes[i]->dtype) || ftypes[i]->dtype->kind == JP_ARRAY
                     || ftypes[i]->dtype->kind == JP_CLASS || ftypes[i]->dtype->kind == JP_DEFERRED))) {
            PyErr_Format(PyExc_TypeError, "jitclass field '%s' cannot have type %s", fnames[i], ftypes[i]->name);
            return NULL;
        }
    }
    return jp_type_to_py(jp_type_class(name, (int)n, fnames, ftypes, cls));
}

/* _core.deferred_type() -> a placeholder Type for a jitclass instance type
 * named later (types_optional.c) */
static PyObject *
deferred_type(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return jp_type_to_py(jp_type_deferred());
}

/* _core.optional_type(Type) -> Optional(Type), also of a deferred type */
static PyObject *
optional_type(PyObject *module, PyObject *arg)
{
    jp_type *t = jp_type_from_py(arg);
    (void)module;
    if (t == NULL)
        return NULL;
    if (t->kind == JP_UNKNOWN || t->kind == JP_RANGE) {
        PyErr_Format(PyExc_TypeError, "there is no Optional(%s)", t->name);
        return NULL;
    }
    return jp_type_to_py(jp_type_optional(t));
}

/* _core.jitclass_define_deferred(class Type, deferred Type, instance Type):
 * the class's fields of type deferred or Optional(deferred) become the
 * instance type (both are one pointer, so the layout stays). */
static PyObject *
jitclass_define_deferred(PyObject *module, PyObject *args)
{
    PyObject *co, *dobj, *ro;
    jp_type *cls, *def, *real, *oreal;
    (void)module;
    if (!PyArg_ParseTuple(args, "OOO:jitclass_define_deferred", &co, &dobj, &ro)
        || (cls = jp_type_from_py(co)) == NULL || (def = jp_type_from_py(dobj)) == NULL
        || (real = jp_type_from_py(ro)) == NULL)
        return NULL;
    if (cls->kind != JP_CLASS || def->kind != JP_DEFERRED) {
        PyErr_SetString(PyExc_TypeError, "jitclass_define_deferred: expects a jitclass type and a deferred type");
        return NULL;
    }
    if (real->kind != JP_CLASS) {
        PyErr_Format(PyExc_TypeError, "deferred_type.define() takes a jitclass instance type "
                     "(Cls.class_type.instance_type), not %s", real->name);
        return NULL;
    }
    if ((oreal = jp_type_optional(real)) == NULL)
        return NULL;
    for (int i = 0; i < cls->n; i++) {
        if (cls->elems[i] == def)
            cls->elems[i] = real;
        else if (cls->elems[i]->kind == JP_OPTIONAL && cls->elems[i]->dtype == def)
            cls->elems[i] = oreal;
    }
    Py_RETURN_NONE;
}

/* _core.jitclass_new(Type) -> a zeroed instance of that class (for tests
 * and for the constructor glue before __init__ runs in jit code) */
static PyMethodDef jitclass_functions[] = {
    {"jitclass_type", jitclass_type, METH_VARARGS, "The instance type of a @jitclass."},
    {"optional_type", optional_type, METH_O, "Optional(T): None or a T."},
    {"deferred_type", deferred_type, METH_NOARGS, "A placeholder for a jitclass type defined later."},
    {"jitclass_define_deferred", jitclass_define_deferred, METH_VARARGS,
     "Replace a deferred type in a jitclass's fields by the instance type."},
    {NULL, NULL, 0, NULL},
};

int
jp_jitclass_module_init(PyObject *m)
{
    if (PyType_Ready(&JpJitClassBase_Type) < 0
        || PyModule_AddObjectRef(m, "JitClassBase", (PyObject *)&JpJitClassBase_Type) < 0)
        return -1;
    return PyModule_AddFunctions(m, jitclass_functions);
}
