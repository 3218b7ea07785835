/* jit/signature.c - the one reader of signatures (see signature.h): text
 * goes through the type language's parser (jit/types.c), objects are read
 * here, and every caller (the CPU dispatcher, the CUDA target, ufuncs) gets
 * the same forms and the same errors. */
#include "jit/signature.h"
#include "jit/pycompat.h"

#include <stdlib.h>
#include <string.h>

static const char forms[] =
    "a signature is a string like 'float64(float64, int64)', '(float64[:], float64[:])' or "
    "'void(float64[:])', a signature object like float64(float64), or a tuple of types";

/* Whether text has a comma outside brackets and parentheses ("float64[:],
 * int64" is an argument list; "float64[:, :]" is one type). */
static int
top_level_comma(const char *text)
{
    int depth = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '(' || *p == '[')
            depth++;
        else if ((*p == ')' || *p == ']') && depth > 0)
            depth--;
        else if (*p == ',' && depth == 0)
            return 1;
    }
    return 0;
}

/* Raise exc again (taken with jp_take_exception), dropping any newer error. */
static void
restore(PyObject *exc)
{
    PyErr_Clear();
    if (exc) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
}

static int
copy_parsed(int n, jp_type **parsed, jp_type **args, int max)
{
    if (n > max) {
        free(parsed);
        PyErr_Format(PyExc_ValueError, "too many arguments in signature (at most %d)", max);
        return -1;
    }
    memcpy(args, parsed, (size_t)n * sizeof *args);
    free(parsed);
    return n;
}

/* A copy of text without commas that end a list ("(float64[:],)" and
 * "float64[:],", Python's one-element tuples); NULL + MemoryError. */
static char *
drop_trailing_commas(const char *text)
{
    size_t len = strlen(text), k = 0;
    char *out = malloc(len + 1);
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        if (text[i] == ',') {
            size_t j = i + 1;
            while (text[j] == ' ' || text[j] == '\t')
                j++;
            if (text[j] == ')' || text[j] == '\0')
                continue;
        }
        out[k++] = text[i];
    }
    out[k] = '\0';
    return out;
}

static int from_clean_text(const char *text, int comma, jp_type **ret, jp_type **args, int max);

static int
from_text(PyObject *sig, jp_type **ret, jp_type **args, int max)
{
    const char *raw = PyUnicode_AsUTF8(sig);
    char *text;
    int n;
    if (raw == NULL || (text = drop_trailing_commas(raw)) == NULL)
        return -1;
    n = from_clean_text(text, top_level_comma(raw), ret, args, max);
    free(text);
    return n;
}

static int
from_clean_text(const char *text, int comma, jp_type **ret, jp_type **args, int max)
{
    jp_type **parsed;
    int n = jp_parse_signature(text, ret, &parsed);
    if (n >= 0)
        return copy_parsed(n, parsed, args, max);
    if (comma) {
        /* "float64[:], int64" and "float64[:],": Numba reads them as tuples */
        PyObject *exc = jp_take_exception();
        size_t len = strlen(text);
        char *wrapped = malloc(len + 3);
        if (wrapped == NULL) {
            Py_XDECREF(exc);
            PyErr_NoMemory();
            return -1;
        }
        wrapped[0] = '(';
        memcpy(wrapped + 1, text, len);
        wrapped[len + 1] = ')';
        wrapped[len + 2] = '\0';
        n = jp_parse_signature(wrapped, ret, &parsed);
        free(wrapped);
        if (n >= 0 && *ret == NULL) {
            Py_XDECREF(exc);
            return copy_parsed(n, parsed, args, max);
        }
        if (n >= 0)
            free(parsed);
        *ret = NULL;
        restore(exc);       /* the error about the text as written */
        return -1;
    }
    {
        /* "float64" alone: a type, not a signature (as in Numba) */
        jp_type *t;
        PyObject *exc = jp_take_exception();
        if ((t = jp_parse_type(text)) != NULL) {
            Py_XDECREF(exc);
            PyErr_Format(PyExc_TypeError, "invalid signature '%s': that is a type, not a signature "
                         "(write '(%s,)' for one argument, or 'void(%s)'); %s", text, text, text, forms);
            return -1;
        }
        restore(exc);
        return -1;
    }
}

/* A type given as a Type, a type name, or a Numba type whose str() is a
 * type name of ours ("float64", "array(float64, 1d, C)"). */
static jp_type *
type_from_any(PyObject *obj, int pos)
{
    PyObject *text;
    jp_type *t;
    if (PyObject_TypeCheck(obj, &JpType_Type) || PyUnicode_Check(obj))
        return jp_type_from_py(obj);
    if (obj == Py_None || PyNumber_Check(obj) || PyTuple_Check(obj) || PyList_Check(obj)
        || (text = PyObject_Str(obj)) == NULL) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "invalid type in signature (argument %d): expected a type "
                     "like float64 or float64[:], got %R", pos, obj);
        return NULL;
    }
    t = jp_parse_type(PyUnicode_AsUTF8(text));
    if (t == NULL) {
        PyErr_Clear();
        PyErr_Format(PyExc_TypeError, "invalid type in signature (argument %d): %R (%S) is not a type "
                     "this JIT knows", pos, obj, text);
    }
    Py_DECREF(text);
    return t;
}

static int
from_types(PyObject *seq, jp_type **args, int max)
{
    Py_ssize_t n = PyTuple_GET_SIZE(seq);
    if (n > max) {
        PyErr_Format(PyExc_ValueError, "too many arguments in signature (at most %d)", max);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if ((args[i] = type_from_any(PyTuple_GET_ITEM(seq, i), (int)i + 1)) == NULL)
            return -1;
    return (int)n;
}

int
jp_signature_from_py(PyObject *sig, jp_type **ret, jp_type **args, int max)
{
    PyObject *rt, *argseq, *tuple;
    int n;
    *ret = NULL;
    if (PyUnicode_Check(sig))
        return from_text(sig, ret, args, max);
    if (PyTuple_Check(sig))
        return from_types(sig, args, max);
    if (PyObject_TypeCheck(sig, &JpType_Type)) {
        if (max < 1) {
            PyErr_SetString(PyExc_ValueError, "too many arguments in signature");
            return -1;
        }
        args[0] = jp_type_from_py(sig);
        return 1;
    }
    if (PyList_Check(sig)) {
        PyErr_Format(PyExc_TypeError, "one signature is expected here, not a list (%R); %s", sig, forms);
        return -1;
    }
    /* a Signature of ours, or Numba's (numba.core.typing.signature(...)) */
    if (!PyObject_HasAttrString(sig, "args") || !PyObject_HasAttrString(sig, "return_type")
        || PyType_Check(sig)) {
        PyErr_Format(PyExc_TypeError, "invalid signature %R; %s", sig, forms);
        return -1;
    }
    if ((rt = PyObject_GetAttrString(sig, "return_type")) == NULL)
        return -1;
    if (rt != Py_None && (*ret = type_from_any(rt, 0)) == NULL) {
        Py_DECREF(rt);
        return -1;
    }
    Py_DECREF(rt);
    if ((argseq = PyObject_GetAttrString(sig, "args")) == NULL)
        return -1;
    tuple = PySequence_Tuple(argseq);
    Py_DECREF(argseq);
    if (tuple == NULL)
        return -1;
    n = from_types(tuple, args, max);
    Py_DECREF(tuple);
    if (n < 0)
        *ret = NULL;
    return n;
}

/* _core.normalize_signature(sig) -> (argument types, return type or None) */
static PyObject *
normalize_signature(PyObject *module, PyObject *sig)
{
    jp_type *ret, *args[64];
    PyObject *tuple, *rt;
    int n = jp_signature_from_py(sig, &ret, args, 64);
    (void)module;
    if (n < 0)
        return NULL;
    if ((tuple = PyTuple_New(n)) == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        PyObject *t = jp_type_to_py(args[i]);
        if (t == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, i, t);
    }
    rt = ret ? jp_type_to_py(ret) : Py_NewRef(Py_None);
    if (rt == NULL) {
        Py_DECREF(tuple);
        return NULL;
    }
    return Py_BuildValue("(NN)", tuple, rt);
}

static PyMethodDef signature_functions[] = {
    {"normalize_signature", normalize_signature, METH_O,
     "(argument types, return type or None) of a signature in any form @jit takes."},
    {NULL, NULL, 0, NULL},
};

int
jp_signature_module_init(PyObject *m)
{
    return PyModule_AddFunctions(m, signature_functions);
}
