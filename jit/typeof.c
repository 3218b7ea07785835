/* jit/typeof.c - jp_typeof(): the type of a Python value in the shared type
 * language.  The dispatcher, the data profiler and the recommendations all
 * call this one function, so a recorded type is one the JIT can compile. */
#include "jit/types.h"
#include "jit/numpy_api.h"

static jp_type *
typeof_numpy_scalar(PyObject *value)
{
    PyArray_Descr *descr = PyArray_DescrFromScalar(value);
    jp_type *t = NULL;
    if (descr == NULL) {
        PyErr_Clear();
        return NULL;
    }
    switch (descr->type_num) {
    case NPY_BOOL: t = jp_type_bool(); break;
    case NPY_INT8: t = jp_type_int(8, 1); break;
    case NPY_INT16: t = jp_type_int(16, 1); break;
    case NPY_INT32: t = jp_type_int(32, 1); break;
    case NPY_INT64: t = jp_type_int(64, 1); break;
    case NPY_UINT8: t = jp_type_int(8, 0); break;
    case NPY_UINT16: t = jp_type_int(16, 0); break;
    case NPY_UINT32: t = jp_type_int(32, 0); break;
    case NPY_UINT64: t = jp_type_int(64, 0); break;
    case NPY_FLOAT32: t = jp_type_float(32); break;
    case NPY_FLOAT64: t = jp_type_float(64); break;
    case NPY_COMPLEX64: t = jp_type_complex(64); break;
    case NPY_COMPLEX128: t = jp_type_complex(128); break;
    default: break;
    }
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
    if (PyTuple_Check(value)) {
        Py_ssize_t n = PyTuple_GET_SIZE(value);
        jp_type *elems[64];
        if (n > 64)
            return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            elems[i] = jp_typeof(PyTuple_GET_ITEM(value, i));
            if (elems[i] == NULL || elems[i]->kind == JP_FUNCTION)
                return NULL;
        }
        return jp_type_tuple((int)n, elems);
    }
    if (jp_numpy_ready() && PyArray_IsScalar(value, Generic))
        return typeof_numpy_scalar(value);
    if (PyLong_Check(value))
        return jp_type_int(64, 1);
    if (PyFloat_Check(value))
        return jp_type_float(64);
    if (PyComplex_Check(value))
        return jp_type_complex(128);
    return NULL;
}
