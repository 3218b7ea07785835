/* jit/lib.c - the registry of module functions in lib.h: the lookup from a
 * function object to its entry, binding a call's arguments to the entry's
 * parameters (positional and keyword), and the entry points typing and
 * lowering call. */
#include "jit/lib.h"
#include "jit/errors.h"

#include <string.h>

static const struct { const jp_lib_fn *table; const int *count; } tables[] = {
    {jp_lib_random, &jp_lib_random_count},
    {jp_lib_math, &jp_lib_math_count},
    {jp_lib_operator, &jp_lib_operator_count},
    {jp_lib_numba, &jp_lib_numba_count},
    {jp_lib_np_index, &jp_lib_np_index_count},
    {jp_lib_typed_list, &jp_lib_typed_list_count},

    {jp_lib_np_linalg, &jp_lib_np_linalg_count},
    {jp_lib_dict, &jp_lib_dict_count},
};

static PyObject *lib_objects;       /* function object -> index */
static const jp_lib_fn **entries;
static int nentries;

static int
lib_init(void)
{
    int total = 0, k = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        total += *tables[t].count;
    entries = calloc((size_t)total, sizeof *entries);
    lib_objects = PyDict_New();
    if (entries == NULL || lib_objects == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (int i = 0; i < *tables[t].count; i++) {
            const jp_lib_fn *e = &tables[t].table[i];
            PyObject *mod = PyImport_ImportModule(e->module), *fn, *idx;
            if (mod == NULL)
                return -1;
            fn = PyObject_GetAttrString(mod, e->name);
            Py_DECREF(mod);
            if (fn == NULL) {       /* not in this Python version (math.fma before 3.13) */
                PyErr_Clear();
                continue;
            }
            entries[k] = e;
            idx = PyLong_FromLong(k++);
            if (idx == NULL || PyDict_SetItem(lib_objects, fn, idx) < 0) {
                Py_XDECREF(idx);
                Py_DECREF(fn);
                return -1;
            }
            Py_DECREF(idx);
            Py_DECREF(fn);
        }
    }
    nentries = k;
    return 0;
}

int
jp_lib_lookup(PyObject *func)
{
    PyObject *idx;
    if (lib_objects == NULL && lib_init() < 0)
        return -1;
    if (PyModule_Check(func))
        return -1;
    idx = PyDict_GetItemWithError(lib_objects, func);
    if (idx == NULL) {
        PyErr_Clear();          /* unhashable values are simply not ours */
        return -1;
    }
    return (int)PyLong_AsLong(idx);
}

const jp_lib_fn *
jp_lib_get(int index)
{
    return index >= 0 && index < nentries ? entries[index] : NULL;
}

/* The i-th parameter name of fn->params (into buf), or NULL past the end. */
static const char *
param_name(const jp_lib_fn *fn, int i, char *buf, size_t size)
{
    const char *p = fn->params;
    for (int k = 0; k < i && p; k++) {
        p = strchr(p, ',');
        if (p)
            p++;
    }
    if (p == NULL || *p == '\0')
        return NULL;
    while (*p == ' ')
        p++;
    {
        size_t len = strcspn(p, ",");
        if (len >= size)
            len = size - 1;
        memcpy(buf, p, len);
        buf[len] = '\0';
    }
    return buf;
}

static int
nparams(const jp_lib_fn *fn)
{
    char buf[64];
    int n = 0;
    while (param_name(fn, n, buf, sizeof buf))
        n++;
    return n;
}

/* Bind the call's arguments to fn's parameters; -1 with a TypingError when
 * ir is given (typing), -1 silently otherwise. */
static int
bind(const jp_lib_fn *fn, jp_node *call, jp_node **out, int *nout, const jp_func_ir *ir)
{
    char qual[96], buf[64];
    int np;
    snprintf(qual, sizeof qual, "%s.%s", fn->module, fn->name);
    if (strcmp(fn->params, "*") == 0) {
        if (call->u.call.nkw) {
            if (ir)
                jp_error_at(JpTypingError, ir, call, NULL, "%s() takes no keyword arguments", qual);
            return -1;
        }
        if (call->u.call.nargs < fn->nreq || call->u.call.nargs > JP_LIB_MAXARGS) {
            if (ir)
                jp_error_at(JpTypingError, ir, call, NULL, "%s() takes at least %d argument%s (%d given)",
                            qual, fn->nreq, fn->nreq == 1 ? "" : "s", call->u.call.nargs);
            return -1;
        }
        for (int i = 0; i < call->u.call.nargs; i++)
            out[i] = call->u.call.args[i];
        *nout = call->u.call.nargs;
        return 0;
    }
    np = nparams(fn);
    for (int i = 0; i < np; i++)
        out[i] = NULL;
    if (call->u.call.nargs > fn->npos) {
        if (ir)
            jp_error_at(JpTypingError, ir, call, NULL, "%s() takes at most %d positional argument%s (%d given)",
                        qual, fn->npos, fn->npos == 1 ? "" : "s", call->u.call.nargs);
        return -1;
    }
    for (int i = 0; i < call->u.call.nargs; i++)
        out[i] = call->u.call.args[i];
    for (int k = 0; k < call->u.call.nkw; k++) {
        int found = -1;
        for (int i = 0; i < np && found < 0; i++)
            if (strcmp(param_name(fn, i, buf, sizeof buf), call->u.call.kwnames[k]) == 0)
                found = i;
        if (found < 0 || out[found]) {
            if (ir)
                jp_error_at(JpTypingError, ir, call->u.call.kwvalues[k], NULL,
                            found < 0 ? "%s() got an unexpected keyword argument '%s'"
                                      : "%s() got multiple values for argument '%s'",
                            qual, call->u.call.kwnames[k]);
            return -1;
        }
        out[found] = call->u.call.kwvalues[k];
    }
    for (int i = 0; i < fn->nreq; i++)
        if (out[i] == NULL) {
            if (ir)
                jp_error_at(JpTypingError, ir, call, NULL, "%s() missing required argument '%s'",
                            qual, param_name(fn, i, buf, sizeof buf));
            return -1;
        }
    *nout = np;
    return 0;
}

jp_type *
jp_infer_module_call(ictx *c, jp_node *call)
{
    const jp_lib_fn *fn = jp_lib_get(call->u.call.func->u.callee.id);
    jp_node *args[JP_LIB_MAXARGS];
    jp_type *at[JP_LIB_MAXARGS];
    int nargs, unknown = 0;
    if (fn->type == NULL)       /* operator.setitem outside a statement */
        return jp_error_at(JpUnsupportedError, c->ir, call, "write a[i] = v",
                           "%s.%s() is supported only as a statement of its own", fn->module, fn->name);
    if (bind(fn, call, args, &nargs, c->ir) < 0)
        return NULL;
    for (int i = 0; i < nargs; i++) {
        at[i] = NULL;
        if (args[i] == NULL)
            continue;
        if (args[i]->kind == E_STR && strcmp(fn->module, "numpy.linalg") == 0)
            continue;       /* ord='fro', UPLO='U', mode='r': the entry reads the constant node */
        if ((at[i] = jp_ioperand(c, args[i])) == NULL)
            return NULL;
        if (UNKNOWN(at[i]))
            unknown = 1;
    }
    if (unknown)
        return jp_type_unknown();
    return fn->type(c, call, fn, args, at, nargs);
}

LLVMValueRef
jp_lower_module_call(lctx *c, jp_node *call)
{
    const jp_lib_fn *fn = jp_lib_get(call->u.call.func->u.callee.id);
    jp_node *args[JP_LIB_MAXARGS];
    int nargs;
    if (bind(fn, call, args, &nargs, NULL) < 0)
        return NULL;    /* typing bound it: cannot happen */
    return fn->lower(c, call, fn, args, nargs);
}

jp_type *
jp_lib_need_int(ictx *c, jp_node *arg, jp_type *t, const jp_lib_fn *fn)
{
    if (t->kind == JP_INT || t->kind == JP_BOOL)
        return t;
    return jp_error_at(JpTypingError, c->ir, arg, NULL, "%s.%s() needs an integer here, not %s",
                       fn->module, fn->name, t->name);
}

jp_type *
jp_lib_need_real(ictx *c, jp_node *arg, jp_type *t, const jp_lib_fn *fn)
{
    if (t->kind == JP_INT || t->kind == JP_BOOL || t->kind == JP_FLOAT)
        return t;
    return jp_error_at(JpTypingError, c->ir, arg,
                       t->kind == JP_COMPLEX ? "use the cmath module for complex numbers" : NULL,
                       "%s.%s() needs a real number here, not %s", fn->module, fn->name, t->name);
}

LLVMValueRef
jp_lib_arg(lctx *c, jp_node *arg, jp_type *to)
{
    return jp_cast(c, jp_lower_expr(c, arg), jp_node_type(c, arg), to);
}
