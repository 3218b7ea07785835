/* jit/const_array.c - global arrays frozen into the code (const_array.h). */
#include "jit/const_array.h"
#include "jit/errors.h"
#include "jit/numpy_api.h"

#include <stdio.h>

PyObject *
jp_freeze_array(PyObject *array, const char *name)
{
    PyObject *copy = PyArray_NewCopy((PyArrayObject *)array, NPY_CORDER);
    jp_type *t;
    if (copy == NULL)
        return NULL;
    PyArray_CLEARFLAGS((PyArrayObject *)copy, NPY_ARRAY_WRITEABLE);
    t = jp_typeof(copy);
    if (t == NULL || t->kind != JP_ARRAY) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "global array '%s' has dtype %R, which jit code cannot use",
                     name, (PyObject *)PyArray_DESCR((PyArrayObject *)array));
        Py_DECREF(copy);
        return NULL;
    }
    return copy;
}

jp_type *
jp_infer_array_const(ictx *c, jp_node *n)
{
    (void)c;
    return jp_typeof(n->u.arrayconst.array);       /* readonly array(T, nd, C) */
}

LLVMValueRef
jp_lower_array_const(lctx *c, jp_node *n)
{
    PyArrayObject *a = (PyArrayObject *)n->u.arrayconst.array;
    jp_type *t = jp_node_type(c, n);
    LLVMValueRef g, shape[32], strides[32], null = LLVMConstNull(LLVMPointerTypeInContext(c->ctx, 0));
    char gname[64];
    /* one global per frozen copy, shared by every use in the module */
    snprintf(gname, sizeof gname, "jp.const_array.%p", (void *)a);
    if ((g = LLVMGetNamedGlobal(c->mod, gname)) == NULL) {
        LLVMValueRef init = LLVMConstStringInContext(c->ctx, PyArray_DATA(a), (unsigned)PyArray_NBYTES(a), 1);
        g = LLVMAddGlobal(c->mod, LLVMTypeOf(init), gname);
        LLVMSetInitializer(g, init);
        LLVMSetGlobalConstant(g, 1);
        LLVMSetLinkage(g, LLVMPrivateLinkage);
        LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
        LLVMSetAlignment(g, 64);
    }
    for (int k = 0; k < t->ndim; k++) {
        shape[k] = jp_const_i64(c, (long long)PyArray_DIM(a, k));
        strides[k] = jp_const_i64(c, (long long)PyArray_STRIDE(a, k));
    }
    /* no meminfo (nothing to free) and no parent: boxing copies it */
    return jp_arr_make(c, t, null, null, g, shape, strides);
}
