/* jit/frontend_closure.h - inner functions and lambdas for the frontend.
 *
 * An inner def or lambda of jit code is a jitted function of its own whose
 * first parameters are the enclosing locals it reads (its captures), made
 * by jitprofile/_closure.py when the enclosing function's frontend runs.
 * The frontend resolves the inner function's name to that dispatcher and
 * passes the captures as the first arguments of every call (frontend.c);
 * typing and lowering then see an ordinary call of a jitted function.  A
 * scope is a _closure.Scope: the inner functions of one body by name. */
#ifndef JP_FRONTEND_CLOSURE_H
#define JP_FRONTEND_CLOSURE_H

#include <Python.h>

/* The scope of a function body: a new reference, Py_None when the body
 * defines no inner function, NULL with an exception (see jp_closure_error). */
PyObject *jp_closure_scope(PyObject *dispatcher, PyObject *pyfunc, PyObject *source);
/* The InnerFunction bound to `name` in the scope (borrowed), or NULL (no error). */
PyObject *jp_closure_lookup(PyObject *scope, PyObject *name);
/* The InnerFunction of a lambda written inline (new reference, NULL with an exception). */
PyObject *jp_closure_lambda(PyObject *scope, PyObject *node);
/* Whether value is an InnerFunction (a sibling seen through the closure dict). */
int jp_closure_is_inner(PyObject *value);
/* An InnerFunction's dispatcher and captured names (borrowed). */
PyObject *jp_closure_dispatcher(PyObject *inner);
PyObject *jp_closure_captures(PyObject *inner);     /* tuple of str */
/* After a failed call above: when the exception is a _closure.ClosureError,
 * take it and return 1 with *what, *node (new reference) and *hint (a
 * static copy, or NULL) set; otherwise 0 and the exception stays. */
int jp_closure_error(char *what, size_t size, PyObject **node, char *hint, size_t hint_size);

#endif
