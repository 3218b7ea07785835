/* jit/typeof.c - jp_typeof(): the type of a Python value in the shared type
 * language.  The dispatcher, the data profiler and the recommendations all
 * call this one function, so a recorded type is one the JIT can compile.
 * Also the mapping between NumPy dtypes and the JIT's element types. */
#include "jit/types.h"
#include "jit/list_runtime.h"
#include "jit/typed_list.h"
#include "jit/hashtable.h"
#include "jit/numpy_api.h"
#include "jit/jitclass.h"

int jp_is_dispatcher(PyObject *obj);

#include <string.h>

jp_type *
jp_dtype_from_typenum(int type_num)
{
    switch (type_num) {
    case NPY_BOOL: return jp_type_bool();
    case NPY_INT8: return jp_type_int(8, 1);
    case NPY_INT16: return jp_type_int(16, 1);
    case NPY_INT32: return jp_type_int(32, 1);
    case NPY_LONG: case NPY_LONGLONG: return jp_type_int(64, 1);
    case NPY_UINT8: return jp_type_int(8, 0);
    case NPY_UINT16: return jp_type_int(16, 0);
    case NPY_UINT32: return jp_type_int(32, 0);
    case NPY_ULONG: case NPY_ULONGLONG: return jp_type_int(64, 0);
    case NPY_FLOAT32: return jp_type_float(32);
    case NPY_FLOAT64: return jp_type_float(64);
    case NPY_COMPLEX64: return jp_type_complex(64);
    case NPY_COMPLEX128: return jp_type_complex(128);
    default: return NULL;
    }
}

int
jp_typenum_of(const jp_type *t)
{
    switch (t->kind) {
    case JP_BOOL: return NPY_BOOL;
    case JP_INT:
        switch (t->bits) {
        case 8: return t->is_signed ? NPY_INT8 : NPY_UINT8;
        case 16: return t->is_signed ? NPY_INT16 : NPY_UINT16;
        case 32: return t->is_signed ? NPY_INT32 : NPY_UINT32;
        default: return t->is_signed ? NPY_INT64 : NPY_UINT64;
        }
    case JP_FLOAT: return t->bits == 32 ? NPY_FLOAT32 : NPY_FLOAT64;
    case JP_COMPLEX: return t->bits == 64 ? NPY_COMPLEX64 : NPY_COMPLEX128;
    case JP_RECORD: return NPY_VOID;
    default: return -1;
    }
}

/* A new reference to the NumPy dtype of an element type. */
struct _PyArray_Descr *
jp_descr_of(const jp_type *t)
{
    if (t->kind == JP_RECORD) {
        Py_INCREF(t->descr);
        return (PyArray_Descr *)t->descr;
    }
    return PyArray_DescrFromType(jp_typenum_of(t));
}

jp_type *
jp_type_record(PyObject *descr_obj)
{
    PyArray_Descr *descr = (PyArray_Descr *)descr_obj;
    PyObject *names = PyDataType_NAMES(descr), *fields = PyDataType_FIELDS(descr);
    Py_ssize_t n;
    jp_type *elems[64], *t;
    char **field_names = NULL;
    size_t offsets[64];
    char name[1024];
    size_t off = 0;

    if (names == NULL || fields == NULL || !PyTuple_Check(names))
        return NULL;
    n = PyTuple_GET_SIZE(names);
    if (n == 0 || n > 64)
        return NULL;
    off += (size_t)snprintf(name, sizeof name, "Record(");
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *key = PyTuple_GET_ITEM(names, i);
        PyObject *info = PyDict_GetItem(fields, key);
        PyArray_Descr *fd;
        if (info == NULL || !PyTuple_Check(info) || PyTuple_GET_SIZE(info) < 2)
            return NULL;
        fd = (PyArray_Descr *)PyTuple_GET_ITEM(info, 0);
        if ((elems[i] = jp_dtype_from_typenum(fd->type_num)) == NULL)
            return NULL;
        offsets[i] = (size_t)PyLong_AsSsize_t(PyTuple_GET_ITEM(info, 1));
        if (off < sizeof name)
            off += (size_t)snprintf(name + off, sizeof name - off, "%s%s: %s", i ? ", " : "",
                                    PyUnicode_AsUTF8(key), elems[i]->name);
    }
    if (off < sizeof name)
        snprintf(name + off, sizeof name - off, "; %zd bytes)", (Py_ssize_t)PyDataType_ELSIZE(descr));
    t = jp_type_named_record(name, (int)n, elems, offsets, (size_t)PyDataType_ELSIZE(descr));
    if (t == NULL || t->field_names)
        return t;
    field_names = calloc((size_t)n, sizeof(char *));
    if (field_names == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++)
        field_names[i] = strdup(PyUnicode_AsUTF8(PyTuple_GET_ITEM(names, i)));
    t->field_names = (const char **)field_names;
    Py_INCREF(descr_obj);
    t->descr = descr_obj;
    return t;
}

static jp_type *
element_type(PyArray_Descr *descr)
{
    jp_type *t = jp_dtype_from_typenum(descr->type_num);
    if (t == NULL && descr->type_num == NPY_VOID && PyDataType_HASFIELDS(descr))
        t = jp_type_record((PyObject *)descr);
    return t;
}

/* Array types by (type number, ndim, layout, readonly), for the hot path. */
#define CACHE_NUMS 24
#define CACHE_NDIM 8
static jp_type *array_cache[CACHE_NUMS][CACHE_NDIM][3][2];

jp_type *
jp_typeof_array(PyObject *value)
{
    PyArrayObject *arr = (PyArrayObject *)value;
    PyArray_Descr *descr = PyArray_DESCR(arr);
    int nd = PyArray_NDIM(arr), num = descr->type_num;
    int flags = PyArray_FLAGS(arr);
    int ro = !(flags & NPY_ARRAY_WRITEABLE);
    int li = (flags & NPY_ARRAY_C_CONTIGUOUS) ? 0 : (flags & NPY_ARRAY_F_CONTIGUOUS) ? 1 : 2;
    jp_type *t, *dt;

    if (!PyArray_ISNOTSWAPPED(arr) || !PyArray_ISALIGNED(arr))
        return NULL;
    if (num >= 0 && num < CACHE_NUMS && nd < CACHE_NDIM && (t = array_cache[num][nd][li][ro]) != NULL)
        return t;
    if ((dt = element_type(descr)) == NULL)
        return NULL;
    t = jp_type_array(dt, nd, "CFA"[li], ro);
    if (t && num >= 0 && num < CACHE_NUMS && nd < CACHE_NDIM && dt->kind != JP_RECORD)
        array_cache[num][nd][li][ro] = t;
    return t;
}

static jp_type *
typeof_numpy_scalar(PyObject *value)
{
    PyArray_Descr *descr = PyArray_DescrFromScalar(value);
    jp_type *t;
    if (descr == NULL) {
        PyErr_Clear();
        return NULL;
    }
    t = jp_dtype_from_typenum(descr->type_num);
    Py_DECREF(descr);
    return t;
}

jp_type *
jp_typeof(PyObject *value)
{
    PyTypeObject *tp = Py_TYPE(value);
    if (tp == &PyFloat_Type)
        return jp_type_float(64);
    if (tp == &PyBool_Type)
        return jp_type_bool();
    if (tp == &PyLong_Type)
        return jp_type_int(64, 1);
    if (tp == &PyComplex_Type)
        return jp_type_complex(128);
    if (value == Py_None)
        return jp_type_none();
    if (tp == &PyUnicode_Type)
        return jp_type_str();
    if (PyTuple_Check(value)) {
        Py_ssize_t n = PyTuple_GET_SIZE(value);
        jp_type *elems[64];
        if (n > 64)
            return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            elems[i] = jp_typeof(PyTuple_GET_ITEM(value, i));
            if (elems[i] == NULL || elems[i]->kind == JP_FUNCTION || elems[i]->kind == JP_LIST)
                return NULL;
        }
        return jp_type_tuple((int)n, elems);
    }
    if (PyList_CheckExact(value))
        return jp_typeof_list(value);
    if (PyObject_TypeCheck(value, &JpTypedList_Type))
        return jp_typed_list_typeof(value);     /* numba.typed.List: ListType[T] */
    if (PySet_CheckExact(value))
        return jp_typeof_set(value);
    if (jp_is_dispatcher(value))
        return jp_type_function(value);
    if (!PyType_Check(value) && Py_TYPE(value)->tp_as_mapping && jp_typeof_dict(value))
        return jp_typeof_dict(value);
    {
        jp_type *ct = jp_jitclass_typeof(value);
        if (ct)
            return ct;
    }
    if (jp_numpy_ready()) {
        if (PyArray_Check(value))
            return jp_typeof_array(value);
        if (PyArray_IsScalar(value, Generic))
            return typeof_numpy_scalar(value);
    }
    if (PyLong_Check(value))
        return jp_type_int(64, 1);
    if (PyFloat_Check(value))
        return jp_type_float(64);
    if (PyComplex_Check(value))
        return jp_type_complex(128);
    return NULL;
}
