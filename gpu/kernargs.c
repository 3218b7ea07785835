/* gpu/kernargs.c - packing Python values into a kernel's argument block
 * (kernargs.h): natural alignment, device arrays as the jit array struct
 * with the device pointer in its data field, scalars unboxed. */
#include "gpu/kernargs.h"

int
jp_kernargs_types(PyObject *tuple, jp_type **out, int max)
{
    Py_ssize_t n;
    if (!PyTuple_Check(tuple) || (n = PyTuple_GET_SIZE(tuple)) > max) {
        PyErr_SetString(PyExc_TypeError, "expected a tuple of argument types");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if ((out[i] = jp_type_from_py(PyTuple_GET_ITEM(tuple, i))) == NULL)
            return -1;
    return (int)n;
}

/* One device array (an object with _devptr, shape, strides) as the jit
 * array struct at dst. */
static int
pack_array(int i, jp_type *t, PyObject *v, unsigned char *dst)
{
    void **p = (void **)dst;
    int64_t *dims = (int64_t *)(p + 3);
    PyObject *ptr = PyObject_GetAttrString(v, "_devptr"), *shape, *strides;
    if (ptr == NULL)
        return -1;
    shape = PyObject_GetAttrString(v, "shape");
    strides = PyObject_GetAttrString(v, "strides");
    if (!shape || !strides || PyTuple_Size(shape) != t->ndim) {
        Py_XDECREF(shape);
        Py_XDECREF(strides);
        Py_DECREF(ptr);
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "argument %d: expected a %dd device array", i + 1, t->ndim);
        return -1;
    }
    p[0] = NULL;
    p[1] = NULL;
    p[2] = PyLong_AsVoidPtr(ptr);
    for (int k = 0; k < t->ndim; k++) {
        dims[k] = PyLong_AsLongLong(PyTuple_GET_ITEM(shape, k));
        dims[t->ndim + k] = PyLong_AsLongLong(PyTuple_GET_ITEM(strides, k));
    }
    Py_DECREF(ptr);
    Py_DECREF(shape);
    Py_DECREF(strides);
    return PyErr_Occurred() ? -1 : 0;
}

int
jp_kernargs_pack(int n, jp_type **types, PyObject *values, unsigned char *mem, size_t cap,
                 size_t *offsets, size_t *end)
{
    size_t off = 0;
    if (!PyTuple_Check(values) || n != PyTuple_GET_SIZE(values)) {
        PyErr_SetString(PyExc_TypeError, "one value per argument type");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        jp_type *t = types[i];
        PyObject *v = PyTuple_GET_ITEM(values, i);
        size_t align = t->align ? t->align : 1;
        off = (off + align - 1) / align * align;
        if (off + t->size > cap) {
            PyErr_SetString(PyExc_ValueError, "kernel arguments too large");
            return -1;
        }
        if (offsets != NULL)
            offsets[i] = off;
        if (t->kind == JP_ARRAY) {
            if (pack_array(i, t, v, mem + off) < 0)
                return -1;
        } else if (jp_unbox_value(v, t, mem + off) < 0) {
            return -1;
        }
        off += t->size;
    }
    *end = off;
    return 0;
}
