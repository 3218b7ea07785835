/* jit/infer_np_method.c - array methods whose implementation is a NumPy
 * function written in Python (kernel_ext/jitprofile/_np_lib.py, METHODS):
 * a.all(), a.any(axis), a.repeat(n), a.clip(lo, hi), a.round(d),
 * a.swapaxes(i, j), a.ptp(), a.conj() ...  The call a.m(args) is rewritten
 * in place, once, into np.m(a, args) (the attribute node becomes the
 * callee, the receiver the first argument) and typed as that @overload
 * call; lowering then sees an ordinary call of a generated function. */
#include "jit/infer.h"
#include "jit/errors.h"
#include "jit/numpy_funcs.h"

#include <string.h>

/* The @overload template for array method `name`, or NULL (no error);
 * *np_id the NumPy table's index instead when the function is one of its
 * (a.conj() is np.conjugate(a), a C ufunc). */
static PyObject *
method_template(const char *name, int *np_id)
{
    PyObject *lib = PyImport_ImportModule("jitprofile._np_lib"), *methods, *fn, *ext, *t = NULL;
    *np_id = -1;
    if (lib == NULL) {
        PyErr_Clear();
        return NULL;
    }
    methods = PyObject_GetAttrString(lib, "METHODS");
    Py_DECREF(lib);
    fn = methods ? PyDict_GetItemString(methods, name) : NULL;     /* borrowed */
    *np_id = fn ? jp_numpy_lookup(fn) : -1;
    if (fn && *np_id < 0 && (ext = PyImport_ImportModule("jitprofile.extending")) != NULL) {
        t = PyObject_CallMethod(ext, "_lookup", "O", fn);
        Py_DECREF(ext);
        if (t == Py_None)
            Py_CLEAR(t);
    }
    Py_XDECREF(methods);
    PyErr_Clear();
    return t;
}

jp_type *
jp_infer_np_method_overload(ictx *c, jp_node *call, int *handled)
{
    jp_node *attr = call->u.call.func, *recv = attr->u.attr.value, **args;
    int np_id;
    PyObject *t = method_template(attr->u.attr.name, &np_id);
    const char *name = attr->u.attr.name;
    *handled = t != NULL || np_id >= 0;
    if (!*handled)
        return NULL;
    args = jp_arena_alloc(c->ir->arena, sizeof *args * (size_t)(call->u.call.nargs + 1));
    if (args == NULL || (t && PyList_Append(c->ir->refs, t) < 0)) {
        Py_XDECREF(t);
        return args ? NULL : (jp_type *)PyErr_NoMemory();
    }
    Py_XDECREF(t);          /* ir->refs keeps it */
    args[0] = recv;
    for (int i = 0; i < call->u.call.nargs; i++)
        args[i + 1] = call->u.call.args[i];
    call->u.call.args = args;
    call->u.call.nargs++;
    attr->kind = E_CALLEE;
    attr->u.callee.kind = t ? CALLEE_GENERATED : CALLEE_NUMPY;
    attr->u.callee.id = t ? 0 : np_id;
    attr->u.callee.obj = t;
    attr->u.callee.name = name;
    return t ? jp_infer_generated_call(c, call) : jp_infer_numpy_call(c, call);
}
