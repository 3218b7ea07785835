/* jit/frontend_closure.c - the frontend's side of inner functions and
 * lambdas: the calls into jitprofile/_closure.py (which finds the inner
 * functions, their captures, and makes their dispatchers) and the
 * conversion of its ClosureError into the frontend's error at file:line:col.
 * The contract is in frontend_closure.h. */
#include "jit/frontend_closure.h"
#include "jit/pycompat.h"

#include <string.h>

static PyObject *closure_mod;       /* jitprofile._closure */

static PyObject *
module(void)
{
    if (closure_mod == NULL)
        closure_mod = PyImport_ImportModule("jitprofile._closure");
    return closure_mod;
}

PyObject *
jp_closure_scope(PyObject *dispatcher, PyObject *pyfunc, PyObject *source)
{
    PyObject *m = module();
    if (m == NULL)
        return NULL;
    return PyObject_CallMethod(m, "scope", "OOO", dispatcher, pyfunc, source);
}

PyObject *
jp_closure_lookup(PyObject *scope, PyObject *name)
{
    PyObject *inner, *r;
    if (scope == NULL || scope == Py_None)
        return NULL;
    inner = PyObject_GetAttrString(scope, "inner");
    if (inner == NULL) {
        PyErr_Clear();
        return NULL;
    }
    r = PyDict_Check(inner) ? PyDict_GetItemWithError(inner, name) : NULL;
    PyErr_Clear();
    Py_DECREF(inner);       /* the scope keeps the dict, the dict its values */
    return r;
}

PyObject *
jp_closure_lambda(PyObject *scope, PyObject *node)
{
    return PyObject_CallMethod(scope, "lambda_", "O", node);
}

int
jp_closure_is_inner(PyObject *value)
{
    PyObject *m, *cls;
    int r;
    if (PyLong_Check(value) || PyFloat_Check(value) || PyModule_Check(value) || PyType_Check(value))
        return 0;
    if ((m = module()) == NULL || (cls = PyObject_GetAttrString(m, "InnerFunction")) == NULL) {
        PyErr_Clear();
        return 0;
    }
    r = PyObject_TypeCheck(value, (PyTypeObject *)cls);
    Py_DECREF(cls);
    return r;
}

static PyObject *
borrowed_attr(PyObject *obj, const char *name)
{
    PyObject *v = PyObject_GetAttrString(obj, name);
    Py_XDECREF(v);          /* the InnerFunction keeps it (slots) */
    return v;
}

PyObject *
jp_closure_dispatcher(PyObject *inner)
{
    return borrowed_attr(inner, "dispatcher");
}

PyObject *
jp_closure_captures(PyObject *inner)
{
    return borrowed_attr(inner, "captures");
}

int
jp_closure_error(char *what, size_t size, PyObject **node, char *hint, size_t hint_size)
{
    PyObject *cls, *exc, *args;
    int r = 0;
    if (closure_mod == NULL || !PyErr_Occurred())
        return 0;
    exc = jp_take_exception();      /* looked at with no exception pending */
    if (exc == NULL)
        return 0;
    cls = PyObject_GetAttrString(closure_mod, "ClosureError");
    if (cls && PyObject_IsInstance(exc, cls) == 1) {
        args = PyObject_GetAttrString(exc, "args");
        if (args && PyTuple_Check(args) && PyTuple_GET_SIZE(args) == 3
            && PyUnicode_Check(PyTuple_GET_ITEM(args, 0))) {
            PyObject *h = PyTuple_GET_ITEM(args, 2);
            snprintf(what, size, "%s", PyUnicode_AsUTF8(PyTuple_GET_ITEM(args, 0)));
            *node = Py_NewRef(PyTuple_GET_ITEM(args, 1));
            hint[0] = '\0';
            if (PyUnicode_Check(h))
                snprintf(hint, hint_size, "%s", PyUnicode_AsUTF8(h));
            r = 1;
        }
        Py_XDECREF(args);
    }
    Py_XDECREF(cls);
    PyErr_Clear();
    if (!r)
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return r;
}
