/* jit/dispatcher.h - the Dispatcher object (dispatcher.c) and its Python
 * methods (dispatcher_api.c). */
#ifndef JP_DISPATCHER_H
#define JP_DISPATCHER_H

#include "jit/compiler.h"

typedef struct JpDispatcher {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *py_func;
    PyObject *name, *qualname;
    PyObject *param_names;      /* tuple of str */
    PyObject *defaults;         /* tuple or NULL */
    PyObject *dict;             /* __doc__, __module__, __wrapped__, user attributes */
    PyObject *weakreflist;
    int nparams, n_posonly;
    int explicit_signatures;    /* compiled eagerly; no new signatures */
    jp_options options;
    jp_func_ir *ir;             /* built on the first compile */
    jp_instance **overloads;
    int n_overloads, cap_overloads;
    jp_instance *last;          /* last-hit cache */
    jp_type *last_types[64];
    jp_type *t_int64, *t_float64, *t_bool, *t_complex128;
    long cache_hits, cache_misses;
    jp_instance **replaced;     /* overloads recompile() replaced: a call in
                                 * flight (nogil) may still run them; freed
                                 * with the dispatcher */
    int n_replaced;
    jp_func_ir **replaced_irs;  /* the IRs those instances were built from, */
    int n_replaced_irs;         /* freed with the dispatcher after them */
    int vararg;                 /* def f(a, *args): the last parameter is the tuple args */
} JpDispatcher;

extern PyTypeObject JpDispatcher_Type;
extern PyMethodDef jp_dispatcher_methods[];
extern PyGetSetDef jp_dispatcher_getset[];

/* Box a native value of type t (references are taken over) / unbox one. */
PyObject *jp_box(jp_type *t, const void *src);
int jp_unbox_value(PyObject *obj, jp_type *t, void *dst);

/* Convert a boxed value to type t (explicit return types). */
PyObject *jp_convert_object(PyObject *obj, jp_type *t);

jp_instance *jp_dispatcher_compile_loop(JpDispatcher *d, int nargs, jp_type **argtypes,
                                       jp_loop_spec *spec);
/* One parallel ufunc call: passed as the loop's `data` argument to every
 * chunk, so a kernel error stays with the call that raised it (the first
 * one wins; runtime.c).  Serial loops get data == NULL and raise in the
 * calling thread. */
typedef struct jp_ufunc_call {
    int failed;                 /* atomic */
    jp_excinfo exc;
} jp_ufunc_call;

/* Set the Python exception that jit code reported (GIL held). */
PyObject *jp_raise_from_jit(jp_excinfo *exc);

jp_instance *jp_dispatcher_compile(JpDispatcher *d, int nargs, jp_type **argtypes);

/* Add a compiled instance to a dispatcher's overloads (it takes ownership). */
int jp_dispatcher_add_overload(PyObject *dispatcher, jp_instance *inst);

#endif
