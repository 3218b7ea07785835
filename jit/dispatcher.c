/* jit/dispatcher.c - the Dispatcher type: what @jit returns.
 *
 * A call goes through vectorcall: bind keyword and default arguments, take
 * the type of each argument (fast paths for int, float, complex, bool), find
 * the compiled instance for those types (last-hit cache, then a scan),
 * unbox into argument slots, call the instance's trampoline (without the
 * GIL under nogil=True) and box the result.  A miss compiles, under one
 * process-wide reentrant compile lock, and re-checks after taking it.
 */
#include "jit/dispatcher.h"
#include "jit/list_runtime.h"
#include "jit/str_runtime.h"
#include "jit/hashtable.h"
#include "jit/compile_service.h"
#include "jit/objmode.h"
#include "jit/errors.h"
#include "jit/nrt.h"
#include "jit/jitclass.h"
#include "jit/generator.h"
#include "jit/cache.h"
#include "jit/engine.h"
#include "jit/numpy_api.h"
#include "jit/dispatch_tap.h"

#include <pythread.h>
#include <string.h>

#define MAX_ARGS 64

/* ---- overload table ----------------------------------------------------------- */

static int
same_types(jp_type **a, jp_type **b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

jp_instance *
jp_dispatcher_find(PyObject *self, int nargs, jp_type **argtypes)
{
    JpDispatcher *d = (JpDispatcher *)self;
    for (int i = 0; i < d->n_overloads; i++) {
        jp_instance *inst = d->overloads[i];
        if (inst->nargs == nargs && same_types(inst->argtypes, argtypes, nargs))
            return inst;
    }
    return NULL;
}

jp_instance *
jp_dispatcher_convertible(PyObject *self, int nargs, jp_type **argtypes)
{
    JpDispatcher *d = (JpDispatcher *)self;
    jp_instance *exact = jp_dispatcher_find(self, nargs, argtypes);
    if (exact)
        return exact;
    for (int i = 0; i < d->n_overloads; i++) {
        jp_instance *inst = d->overloads[i];
        int ok = inst->nargs == nargs;
        for (int k = 0; ok && k < nargs; k++)
            ok = jp_type_can_convert(argtypes[k], inst->argtypes[k]);
        if (ok)
            return inst;
    }
    return NULL;
}

int
jp_dispatcher_can_compile(PyObject *self)
{
    return !((JpDispatcher *)self)->explicit_signatures;
}

const jp_options *
jp_dispatcher_options(PyObject *self)
{
    return &((JpDispatcher *)self)->options;
}

int
jp_is_dispatcher(PyObject *obj)
{
    return Py_IS_TYPE(obj, &JpDispatcher_Type);
}

int
jp_dispatcher_add_overload(PyObject *self, jp_instance *inst)
{
    JpDispatcher *d = (JpDispatcher *)self;
    if (d->n_overloads == d->cap_overloads) {
        int cap = d->cap_overloads ? 2 * d->cap_overloads : 4;
        jp_instance **grown = realloc(d->overloads, (size_t)cap * sizeof *grown);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        d->overloads = grown;
        d->cap_overloads = cap;
    }
    d->overloads[d->n_overloads++] = inst;
    return 0;
}

jp_func_ir *
jp_dispatcher_ir(PyObject *self)
{
    JpDispatcher *d = (JpDispatcher *)self;
    PyObject *mod, *source;
    if (d->ir)
        return d->ir;
    mod = PyImport_ImportModule("jitprofile._source");
    if (mod == NULL)
        return NULL;
    source = PyObject_CallMethod(mod, "function_source", "O", d->py_func);
    Py_DECREF(mod);
    if (source == NULL)
        return NULL;
    d->ir = jp_frontend_build(self, d->py_func, source);
    Py_DECREF(source);
    return d->ir;
}

/* Compile `self` for argtypes, with everything it calls. */
jp_instance *
jp_dispatcher_compile(JpDispatcher *d, int nargs, jp_type **argtypes)
{
    jp_compile_req req = {&jp_target_cpu, (PyObject *)d, nargs, argtypes, NULL, NULL, NULL};
    jp_instance *inst;
    return jp_compile(&req, &inst) < 0 ? NULL : inst;
}

/* A ufunc kernel must return a number. */
static int
check_loop_kernel(jp_session *s, jp_instance *inst, void *arg)
{
    jp_loop_spec *spec = arg;
    (void)s;
    if (spec->kind == 1 && spec->out_type == NULL)
        spec->out_type = inst->ret;
    if (spec->kind == 1 && !jp_is_number(inst->ret)) {
        PyErr_Format(JpTypingError, "%U(): a ufunc kernel must return a number, not %s",
                     ((JpDispatcher *)inst->dispatcher)->name, inst->ret->name);
        return -1;
    }
    return 0;
}

/* Compile a private instance of `d` for argtypes with a ufunc loop. */
jp_instance *
jp_dispatcher_compile_loop(JpDispatcher *d, int nargs, jp_type **argtypes, jp_loop_spec *spec)
{
    jp_compile_req req = {&jp_target_cpu, (PyObject *)d, nargs, argtypes, spec, check_loop_kernel, spec};
    jp_instance *inst;
    return jp_compile(&req, &inst) < 0 ? NULL : inst;
}

/* ---- unboxing and boxing ------------------------------------------------------ */

static int
unbox(PyObject *obj, jp_type *t, void *dst)
{
    switch (t->kind) {
    case JP_BOOL: {
        int v = PyObject_IsTrue(obj);
        if (v < 0)
            return -1;
        *(unsigned char *)dst = (unsigned char)v;
        return 0;
    }
    case JP_INT: {
        long long v;
        if (t->is_signed || t->bits < 64) {
            int overflow;
            v = PyLong_AsLongLongAndOverflow(obj, &overflow);
            if (overflow) {
                PyErr_Format(PyExc_OverflowError, "int too large to convert to %s", t->name);
                return -1;
            }
        } else {
            /* PyLong_AsUnsignedLongLong takes only exact ints: a NumPy
               uint64 scalar goes through __index__ first. */
            PyObject *index = PyNumber_Index(obj);
            if (index == NULL)
                return -1;
            v = (long long)PyLong_AsUnsignedLongLong(index);
            Py_DECREF(index);
        }
        if (v == -1 && PyErr_Occurred())
            return -1;
        if (t->bits < 64) {
            long long lo = t->is_signed ? -(1LL << (t->bits - 1)) : 0;
            long long hi = t->is_signed ? (1LL << (t->bits - 1)) - 1 : (1LL << t->bits) - 1;
            if (v < lo || v > hi) {
                PyErr_Format(PyExc_OverflowError, "Python int %lld out of bounds for %s", v, t->name);
                return -1;
            }
        }
        switch (t->bits) {
        case 8: *(int8_t *)dst = (int8_t)v; break;
        case 16: *(int16_t *)dst = (int16_t)v; break;
        case 32: *(int32_t *)dst = (int32_t)v; break;
        default: *(int64_t *)dst = (int64_t)v; break;
        }
        return 0;
    }
    case JP_FLOAT: {
        double v = PyFloat_AsDouble(obj);
        if (v == -1.0 && PyErr_Occurred())
            return -1;
        if (t->bits == 32)
            *(float *)dst = (float)v;
        else
            *(double *)dst = v;
        return 0;
    }
    case JP_COMPLEX: {
        Py_complex v = PyComplex_AsCComplex(obj);
        if (v.real == -1.0 && PyErr_Occurred())
            return -1;
        if (t->bits == 64) {
            ((float *)dst)[0] = (float)v.real;
            ((float *)dst)[1] = (float)v.imag;
        } else {
            ((double *)dst)[0] = v.real;
            ((double *)dst)[1] = v.imag;
        }
        return 0;
    }
    case JP_TUPLE:
        for (int i = 0; i < t->n; i++)
            if (unbox(PyTuple_GET_ITEM(obj, i), t->elems[i], (char *)dst + t->offsets[i]) < 0)
                return -1;
        return 0;
    case JP_CLASS: {
        jp_meminfo *mi = jp_jitclass_unbox(obj, t);
        if (mi == NULL)
            return -1;
        *(jp_meminfo **)dst = mi;       /* borrowed: the caller keeps obj alive */
        return 0;
    }
    case JP_FUNCTION:
        *(unsigned char *)dst = 0;
        return 0;
    case JP_LIST:
        return jp_list_unbox(obj, t, dst);
    case JP_OPTIONAL:       /* {valid, value}: None, or the value (types_optional.c) */
        memset(dst, 0, t->size);
        if (obj == Py_None)
            return 0;
        *(unsigned char *)dst = 1;
        return unbox(obj, t->dtype, (char *)dst + t->offsets[1]);
    case JP_STR:
        return jp_str_unbox(obj, dst);
    case JP_DICT:
        return jp_dict_unbox(obj, t, dst);
    case JP_SET:
        return jp_set_unbox(obj, t, dst);
    case JP_ARRAY: {
        /* {meminfo NULL, parent, data, shape, strides}: the caller keeps obj alive */
        PyArrayObject *arr = (PyArrayObject *)obj;
        void **p = dst;
        int64_t *dims = (int64_t *)(p + 3);
        if (!PyArray_Check(obj) || PyArray_NDIM(arr) != t->ndim) {
            PyErr_Format(PyExc_TypeError, "expected %s, got %R", t->name, obj);
            return -1;
        }
        p[0] = NULL;
        p[1] = obj;
        p[2] = PyArray_DATA(arr);
        for (int k = 0; k < t->ndim; k++) {
            dims[k] = PyArray_DIM(arr, k);
            dims[t->ndim + k] = PyArray_STRIDE(arr, k);
        }
        return 0;
    }
    default:
        *(unsigned char *)dst = 0;
        return 0;
    }
}

static void
capsule_release(PyObject *capsule)
{
    jp_nrt_decref(PyCapsule_GetPointer(capsule, "jitprofile.meminfo"));
}

/* An ndarray for a jit array value; takes over its reference. */
static PyObject *
box_array(jp_type *t, const void *src)
{
    void *const *p = src;
    const int64_t *dims = (const int64_t *)(p + 3);
    jp_meminfo *mi = p[0];
    PyObject *parent = p[1], *arr, *base;
    npy_intp shape[32], strides[32];
    PyArray_Descr *descr = jp_descr_of(t->dtype);
    int flags = t->readonly ? 0 : NPY_ARRAY_WRITEABLE;
    if (descr == NULL)
        return NULL;
    for (int k = 0; k < t->ndim; k++) {
        shape[k] = (npy_intp)dims[k];
        strides[k] = (npy_intp)dims[t->ndim + k];
    }
    if (mi == NULL && parent) {
        PyArrayObject *pa = (PyArrayObject *)parent;
        int same = PyArray_DATA(pa) == p[2] && PyArray_NDIM(pa) == t->ndim
                   && PyArray_EquivTypes(PyArray_DESCR(pa), descr);     /* z.real starts where z does */
        for (int k = 0; same && k < t->ndim; k++)
            same = PyArray_DIM(pa, k) == shape[k] && PyArray_STRIDE(pa, k) == strides[k];
        if (same) {
            Py_DECREF(descr);
            return Py_NewRef(parent);
        }
        if (!PyArray_ISWRITEABLE(pa))
            flags = 0;
    }
    arr = PyArray_NewFromDescr(&PyArray_Type, descr, t->ndim, shape, strides, p[2], flags, NULL);
    if (arr == NULL) {
        jp_nrt_decref(mi);
        return NULL;
    }
    if (mi) {
        base = PyCapsule_New(mi, "jitprofile.meminfo", capsule_release);
        if (base == NULL) {
            jp_nrt_decref(mi);
            Py_DECREF(arr);
            return NULL;
        }
    } else if (parent == NULL) {
        /* a global array frozen into the code (const_array.c): the caller gets a copy */
        PyObject *copy = PyArray_NewCopy((PyArrayObject *)arr, NPY_KEEPORDER);
        Py_DECREF(arr);
        return copy;
    } else {
        base = Py_NewRef(parent);
    }
    if (PyArray_SetBaseObject((PyArrayObject *)arr, base) < 0) {
        Py_DECREF(arr);
        return NULL;
    }
    return arr;
}

static PyObject *
box(jp_type *t, const void *src)
{
    switch (t->kind) {
    case JP_BOOL:
        return PyBool_FromLong(*(const unsigned char *)src);
    case JP_INT:
        switch (t->bits) {
        case 8: return t->is_signed ? PyLong_FromLong(*(const int8_t *)src) : PyLong_FromLong(*(const uint8_t *)src);
        case 16: return t->is_signed ? PyLong_FromLong(*(const int16_t *)src) : PyLong_FromLong(*(const uint16_t *)src);
        case 32: return t->is_signed ? PyLong_FromLong(*(const int32_t *)src) : PyLong_FromUnsignedLong(*(const uint32_t *)src);
        default: return t->is_signed ? PyLong_FromLongLong(*(const int64_t *)src)
                                     : PyLong_FromUnsignedLongLong(*(const uint64_t *)src);
        }
    case JP_FLOAT:
        return PyFloat_FromDouble(t->bits == 32 ? (double)*(const float *)src : *(const double *)src);
    case JP_COMPLEX:
        if (t->bits == 64)
            return PyComplex_FromDoubles(((const float *)src)[0], ((const float *)src)[1]);
        return PyComplex_FromDoubles(((const double *)src)[0], ((const double *)src)[1]);
    case JP_ARRAY:
        return box_array(t, src);
    case JP_CLASS:
        return jp_jitclass_box(t, *(jp_meminfo *const *)src);
    case JP_FUNCTION:
        if (t->dispatcher == NULL) {
            PyErr_Format(PyExc_RuntimeError, "the jitted function of type %s no longer exists", t->name);
            return NULL;
        }
        return Py_NewRef(t->dispatcher);
    case JP_LIST:
        return jp_list_box(t, *(jp_meminfo *const *)src);
    case JP_GENERATOR:
        return jp_generator_box(t, *(jp_meminfo *const *)src);
    case JP_OPTIONAL:
        if (!*(const unsigned char *)src)
            Py_RETURN_NONE;
        return box(t->dtype, (const char *)src + t->offsets[1]);
    case JP_STR:
        return jp_str_box(*(jp_meminfo *const *)src);
    case JP_DICT:
        return jp_dict_box(t, *(jp_meminfo *const *)src);
    case JP_SET:
        return jp_set_box(t, *(jp_meminfo *const *)src);
    case JP_TUPLE: {
        PyObject *tuple = PyTuple_New(t->n);
        if (tuple == NULL)
            return NULL;
        for (int i = 0; i < t->n; i++) {
            PyObject *item = box(t->elems[i], (const char *)src + t->offsets[i]);
            if (item == NULL) {
                Py_DECREF(tuple);
                return NULL;
            }
            PyTuple_SET_ITEM(tuple, i, item);
        }
        return tuple;
    }
    default:
        Py_RETURN_NONE;
    }
}

int
jp_unbox_value(PyObject *obj, jp_type *t, void *dst)
{
    return unbox(obj, t, dst);
}

PyObject *
jp_convert_object(PyObject *obj, jp_type *t)
{
    _Alignas(16) unsigned char tmp[512];
    if (t->size > sizeof tmp) {
        PyErr_SetString(PyExc_TypeError, "return value too large to convert");
        return NULL;
    }
    if (t->kind == JP_INT && PyLong_Check(obj)) {
        /* a declared integer return type converts like a C cast (wraps) */
        unsigned long long v = PyLong_AsUnsignedLongLongMask(obj);
        if (v == (unsigned long long)-1 && PyErr_Occurred())
            return NULL;
        memcpy(tmp, &v, t->size);
        return box(t, tmp);
    }
    if (unbox(obj, t, tmp) < 0)
        return NULL;
    return box(t, tmp);
}

PyObject *
jp_box(jp_type *t, const void *src)
{
    return box(t, src);
}

/* ---- calling ------------------------------------------------------------------- */

static PyObject *
signatures_text(JpDispatcher *d)
{
    PyObject *list = PyList_New(0), *sep, *text;
    if (list == NULL)
        return NULL;
    for (int i = 0; i < d->n_overloads; i++) {
        jp_instance *inst = d->overloads[i];
        char buf[1024];
        size_t off = 0;
        PyObject *s;
        buf[0] = '\0';
        for (int k = 0; k < inst->nargs && off < sizeof buf; k++)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", k ? ", " : "", inst->argtypes[k]->name);
        s = PyUnicode_FromFormat("(%s) -> %s", buf, inst->ret->name);
        if (s == NULL || PyList_Append(list, s) < 0) {
            Py_XDECREF(s);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(s);
    }
    sep = PyUnicode_FromString("\n    ");
    text = sep ? PyUnicode_Join(sep, list) : NULL;
    Py_XDECREF(sep);
    Py_DECREF(list);
    return text;
}

static PyObject *
param_name(JpDispatcher *d, int i)
{
    return PyTuple_GET_ITEM(d->param_names, i);
}

/* The type of argument i, or NULL with a TypeError naming the argument. */
static jp_type *
arg_type(JpDispatcher *d, PyObject *arg, int i)
{
    PyTypeObject *tp = Py_TYPE(arg);
    jp_type *t;
    if (tp == &PyFloat_Type)
        return d->t_float64;
    if (tp == &PyLong_Type)
        return d->t_int64;
    if (tp == &PyBool_Type)
        return d->t_bool;
    if (tp == &PyComplex_Type)
        return d->t_complex128;
    t = jp_typeof(arg);
    if (t == NULL && !PyErr_Occurred() && jp_numpy_ready() && PyArray_Check(arg)) {
        PyArray_Descr *descr = PyArray_DESCR((PyArrayObject *)arg);
        PyErr_Format(PyExc_TypeError,
                     "%U() argument '%U' is an array of dtype %S, which jit code does not support "
                     "(supported: bool, int8..int64, uint8..uint64, float32, float64, complex64, "
                     "complex128 and structured dtypes of those, aligned and in native byte order)",
                     d->name, param_name(d, i), (PyObject *)descr);
        return NULL;
    }
    if (t == NULL && !PyErr_Occurred() && PyList_Check(arg)) {
        PyErr_Format(PyExc_TypeError,
                     "%U() argument '%U' is %s list, which jit code cannot type (a list argument needs "
                     "items of one type: numbers, tuples, arrays or lists of them)",
                     d->name, param_name(d, i), PyList_GET_SIZE(arg) ? "a mixed" : "an empty");
        return NULL;
    }
    if (t == NULL && !PyErr_Occurred() && jp_is_dict_class((PyObject *)tp)) {
        PyErr_Format(PyExc_TypeError,
                     "%U() argument '%U' is a typed Dict without key and value types yet: make it with "
                     "Dict.empty(key_type=..., value_type=...), or store an item first",
                     d->name, param_name(d, i));
        return NULL;
    }
    if (t == NULL && !PyErr_Occurred() && PyAnySet_Check(arg)) {
        PyErr_Format(PyExc_TypeError,
                     "%U() argument '%U' is %s, which jit code cannot type (a set argument needs items of "
                     "one type: numbers or tuples of numbers)",
                     d->name, param_name(d, i), PySet_GET_SIZE(arg) ? "a set of mixed items" : "an empty set");
        return NULL;
    }
    if (t == NULL && !PyErr_Occurred() && PyDict_Check(arg)) {
        PyErr_Format(PyExc_TypeError,
                     "%U() argument '%U' is a Python dict, which jit code cannot take (as in Numba, "
                     "there are no reflected dicts): pass a numba.typed.Dict instead "
                     "(d = Dict.empty(key_type=types.int64, value_type=types.float64), "
                     "from numba.typed import Dict)",
                     d->name, param_name(d, i));
        return NULL;
    }
    if (t == NULL && !PyErr_Occurred())
        PyErr_Format(PyExc_TypeError,
                     "%U() argument '%U' has type %s, which jit code does not support "
                     "(supported: int, float, complex, bool, None, str, NumPy arrays, lists and tuples of them)",
                     d->name, param_name(d, i), tp->tp_name);
    return t;
}

/* Bind positional and keyword arguments to parameters; fills bound[]. */
static int
bind_arguments(JpDispatcher *d, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
               PyObject **bound)
{
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    int np = d->nparams;
    if (nargs > np) {
        PyErr_Format(PyExc_TypeError, "%U() takes %d positional argument%s but %zd were given",
                     d->name, np, np == 1 ? "" : "s", nargs);
        return -1;
    }
    for (int i = 0; i < np; i++)
        bound[i] = i < nargs ? args[i] : NULL;
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        int found = -1;
        for (int i = 0; i < np && found < 0; i++)
            if (PyTuple_GET_ITEM(d->param_names, i) == key)
                found = i;
        for (int i = 0; i < np && found < 0; i++)
            if (PyUnicode_Compare(PyTuple_GET_ITEM(d->param_names, i), key) == 0)
                found = i;
        if (found < 0 || found < d->n_posonly) {
            PyErr_Format(PyExc_TypeError, "%U() got an unexpected keyword argument '%U'", d->name, key);
            return -1;
        }
        if (bound[found]) {
            PyErr_Format(PyExc_TypeError, "%U() got multiple values for argument '%U'", d->name, key);
            return -1;
        }
        bound[found] = args[nargs + k];
    }
    for (int i = 0; i < np; i++) {
        if (bound[i] == NULL) {
            Py_ssize_t nd = d->defaults ? PyTuple_GET_SIZE(d->defaults) : 0;
            Py_ssize_t di = i - (np - nd);
            if (di < 0) {
                PyErr_Format(PyExc_TypeError, "%U() missing required argument '%U'", d->name,
                             param_name(d, i));
                return -1;
            }
            bound[i] = PyTuple_GET_ITEM(d->defaults, di);
        }
    }
    return 0;
}

static jp_instance *
no_matching_signature(JpDispatcher *d, int nargs, jp_type **types)
{
    char buf[1024];
    size_t off = 0;
    PyObject *sigs = signatures_text(d);
    buf[0] = '\0';
    for (int i = 0; i < nargs && off < sizeof buf; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", i ? ", " : "", types[i]->name);
    if (sigs)
        PyErr_Format(PyExc_TypeError,
                     "%U(): no compiled signature matches the argument types (%s); available:\n    %U",
                     d->name, buf, sigs);
    Py_XDECREF(sigs);
    return NULL;
}

static jp_instance *
resolve(JpDispatcher *d, int nargs, jp_type **types)
{
    jp_instance *inst = jp_dispatcher_find((PyObject *)d, nargs, types);
    if (inst)
        return inst;
    if (d->explicit_signatures) {
        inst = jp_dispatcher_convertible((PyObject *)d, nargs, types);
        return inst ? inst : no_matching_signature(d, nargs, types);
    }
    return jp_dispatcher_compile(d, nargs, types);
}

PyObject *
jp_raise_from_jit(jp_excinfo *exc)
{
    switch (exc->format) {
    case JP_EXC_INDEX:
        PyErr_Format(exc->cls, "index %lld is out of bounds for axis %lld with size %lld",
                     (long long)exc->args[0], (long long)exc->args[1], (long long)exc->args[2]);
        return NULL;
    case JP_EXC_BROADCAST:
        PyErr_Format(exc->cls, "operands could not be broadcast together: dimension %lld has "
                     "size %lld where %lld was expected", (long long)exc->args[0],
                     (long long)exc->args[1], (long long)exc->args[2]);
        return NULL;
    case JP_EXC_RESHAPE:
        PyErr_Format(exc->cls, "cannot reshape array of size %lld into a shape of size %lld",
                     (long long)exc->args[0], (long long)exc->args[1]);
        return NULL;
    case JP_EXC_PENDING:
        jp_objmode_restore_exception(exc);
        return NULL;
    default:
        break;
    }
    if (exc->msg)
        PyErr_SetString(exc->cls, exc->msg);
    else
        PyErr_SetNone(exc->cls);
    return NULL;
}

/* Reflected list arguments: write the changes back (when `reflect`), then
 * drop the dispatcher's reference. */
static int
release_list_args(jp_instance *inst, void **slots, int reflect)
{
    int rc = 0;
    for (int i = 0; i < inst->nargs; i++) {
        jp_meminfo *mi;
        jp_str_release_arg(inst->argtypes[i], slots[i]);     /* strings unboxed for the call */
        if (inst->argtypes[i]->kind != JP_LIST && inst->argtypes[i]->kind != JP_SET)
            continue;
        mi = *(jp_meminfo **)slots[i];
        if (reflect && rc == 0)
            rc = inst->argtypes[i]->kind == JP_SET ? jp_set_release_arg(inst->argtypes[i], mi)
                                                   : jp_list_release_arg(inst->argtypes[i], mi);
        else
            jp_nrt_decref(mi);
    }
    return rc;
}

/* An array jit code could take but for its alignment: a buffer at an odd
 * offset, as Dask and other deserializers hand out. */
static int
is_unaligned_array(PyObject *arg)
{
    PyArrayObject *arr = (PyArrayObject *)arg;
    return jp_numpy_ready() && PyArray_Check(arg) && !PyArray_ISALIGNED(arr) && PyArray_ISNOTSWAPPED(arr);
}

static PyObject *dispatcher_vectorcall(PyObject *, PyObject *const *, size_t, PyObject *);

/* Set (GIL held, with the tap on) right before call_with_aligned_copies
 * calls the dispatcher again with the copies; that call consumes it and does
 * not tap: the data profiler saw the call once already.  A flag read only
 * while profiling keeps the plain call path as it was. */
static int tap_taken;

/* The call with every unaligned array argument replaced by an aligned copy
 * (Numba types these as unaligned arrays; jit code here assumes natural
 * alignment, so it runs on copies).  Writable originals get the copies'
 * contents back after the call, raised or not; a readonly one stays
 * readonly in its copy, so the same signature is used. */
static PyObject *
call_with_aligned_copies(JpDispatcher *d, PyObject *const *bound, int np)
{
    PyObject *copies[MAX_ARGS];
    PyObject *r = NULL;
    int i;

    for (i = 0; i < np; i++) {
        PyArrayObject *arr = (PyArrayObject *)bound[i];
        if (!is_unaligned_array(bound[i])) {
            copies[i] = Py_NewRef(bound[i]);
            continue;
        }
        if ((copies[i] = PyArray_NewCopy(arr, NPY_KEEPORDER)) == NULL)
            goto done;
        if (!PyArray_ISWRITEABLE(arr))
            PyArray_CLEARFLAGS((PyArrayObject *)copies[i], NPY_ARRAY_WRITEABLE);
    }
    tap_taken = jp_dispatch_tap != NULL;
    r = dispatcher_vectorcall((PyObject *)d, copies, (size_t)np, NULL);
    for (int k = 0; k < np; k++) {
        PyArrayObject *arr = (PyArrayObject *)bound[k];
        if (copies[k] == bound[k] || !PyArray_ISWRITEABLE(arr))
            continue;
        PyObject *et, *ev, *tb;
        PyErr_Fetch(&et, &ev, &tb);
        if (PyArray_CopyInto(arr, (PyArrayObject *)copies[k]) < 0) {
            Py_CLEAR(r);
            Py_XDECREF(et); Py_XDECREF(ev); Py_XDECREF(tb);
        } else {
            PyErr_Restore(et, ev, tb);
        }
    }
done:
    while (--i >= 0)
        Py_DECREF(copies[i]);
    return r;
}

static PyObject *
dispatcher_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    JpDispatcher *d = (JpDispatcher *)self;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    PyObject *bound_store[MAX_ARGS];
    PyObject *const *bound = args;
    jp_type *types[MAX_ARGS];
    void *slots[MAX_ARGS];
    _Alignas(16) unsigned char mem[1024];
    _Alignas(16) unsigned char out[512];
    unsigned char *heap = NULL;
    jp_instance *inst;
    jp_excinfo exc = {NULL, NULL, 0, {0, 0, 0}};
    int np = d->nparams, status;
    size_t off = 0;

    if (kwnames || nargs != np) {
        if (bind_arguments(d, args, nargs, kwnames, bound_store) < 0)
            return NULL;
        bound = bound_store;
    }
    if (jp_dispatch_tap != NULL) {       /* the data profiler records arguments */
        if (tap_taken)
            tap_taken = 0;
        else
            jp_dispatch_tap(d->py_func, bound, np);
    }
    for (int i = 0; i < np; i++)
        if ((types[i] = arg_type(d, bound[i], i)) == NULL) {
            if (!is_unaligned_array(bound[i]) || !PyErr_ExceptionMatches(PyExc_TypeError))
                return NULL;
            PyErr_Clear();
            return call_with_aligned_copies(d, bound, np);
        }

    inst = d->last;
    if (inst == NULL || !same_types(d->last_types, types, np)) {
        if ((inst = resolve(d, np, types)) == NULL)
            return NULL;
        d->last = inst;
        memcpy(d->last_types, types, (size_t)np * sizeof *types);
    }

    for (int i = 0; i < np; i++) {
        jp_type *t = inst->argtypes[i];
        off = (off + t->align - 1) / t->align * t->align;
        off += t->size;
    }
    if (off > sizeof mem || inst->ret->size > sizeof out) {
        heap = PyMem_Malloc(off + inst->ret->size + 32);
        if (heap == NULL)
            return PyErr_NoMemory();
    }
    off = 0;
    for (int i = 0; i < np; i++) {
        jp_type *t = inst->argtypes[i];
        off = (off + t->align - 1) / t->align * t->align;
        slots[i] = (heap ? heap : mem) + off;
        if (unbox(bound[i], t, slots[i]) < 0) {
            for (int k = 0; k < i; k++) {   /* lists, sets and strings already unboxed */
                if (inst->argtypes[k]->kind == JP_LIST || inst->argtypes[k]->kind == JP_SET)
                    jp_nrt_decref(*(jp_meminfo **)slots[k]);
                jp_str_release_arg(inst->argtypes[k], slots[k]);
            }
            PyMem_Free(heap);
            return NULL;
        }
        off += t->size;
    }
    {
        void *result = heap ? heap + ((off + 15) / 16 * 16) : out;
        if (d->options.nogil) {
            Py_BEGIN_ALLOW_THREADS
            status = inst->trampoline(slots, result, &exc);
            Py_END_ALLOW_THREADS
        } else {
            status = inst->trampoline(slots, result, &exc);
        }
        if (status != 0) {
            release_list_args(inst, slots, 0);
            PyMem_Free(heap);
            return jp_raise_from_jit(&exc);
        }
        {
            PyObject *r = box(inst->ret, result);
            if (release_list_args(inst, slots, r != NULL) < 0)
                Py_CLEAR(r);
            PyMem_Free(heap);
            if (r && inst->declared_ret && inst->declared_ret != inst->ret)
                Py_SETREF(r, jp_convert_object(r, inst->declared_ret));
            return r;
        }
    }
}

/* f(1, 2, 3) of def f(a, *args): the extra positional arguments packed in
 * one tuple, the last parameter (Numba types *args as a tuple). */
static PyObject *
dispatcher_vararg_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    JpDispatcher *d = (JpDispatcher *)self;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf), nfixed = d->nparams - 1;
    Py_ssize_t nd = d->defaults ? PyTuple_GET_SIZE(d->defaults) : 0;
    PyObject *bound[MAX_ARGS], *packed, *r;
    if (kwnames && PyTuple_GET_SIZE(kwnames)) {
        PyErr_Format(PyExc_TypeError, "%U() has *args: pass its arguments positionally", d->name);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nfixed; i++) {
        if (i < nargs) {
            bound[i] = args[i];
        } else if (i - (nfixed - nd) >= 0) {
            bound[i] = PyTuple_GET_ITEM(d->defaults, i - (nfixed - nd));
        } else {
            PyErr_Format(PyExc_TypeError, "%U() missing required argument '%U'", d->name,
                         PyTuple_GET_ITEM(d->param_names, i));
            return NULL;
        }
    }
    packed = PyTuple_New(nargs > nfixed ? nargs - nfixed : 0);
    if (packed == NULL)
        return NULL;
    for (Py_ssize_t i = nfixed; i < nargs; i++)
        PyTuple_SET_ITEM(packed, i - nfixed, Py_NewRef(args[i]));
    bound[nfixed] = packed;
    r = dispatcher_vectorcall(self, bound, (size_t)d->nparams, NULL);
    Py_DECREF(packed);
    return r;
}

/* ---- the Python type ----------------------------------------------------------- */

static int
parse_options(JpDispatcher *d, PyObject *options)
{
    static const char *flags[] = {"nogil", "fastmath", "boundscheck", "parallel", "cache"};
    int *dst[] = {&d->options.nogil, &d->options.fastmath, &d->options.boundscheck, &d->options.parallel,
                  &d->options.cache};
    PyObject *v;
    for (int i = 0; i < 5; i++) {
        v = PyDict_GetItemString(options, flags[i]);
        if (v && (*dst[i] = PyObject_IsTrue(v)) < 0)
            return -1;
    }
    v = PyDict_GetItemString(options, "error_model");
    if (v && PyUnicode_Check(v)) {
        if (PyUnicode_CompareWithASCIIString(v, "numpy") == 0)
            d->options.error_model_numpy = 1;
        else if (PyUnicode_CompareWithASCIIString(v, "python") != 0) {
            PyErr_Format(PyExc_ValueError, "error_model must be 'python' or 'numpy', not %R", v);
            return -1;
        }
    }
    return 0;
}

static PyObject *
dispatcher_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"py_func", "options", NULL};
    PyObject *py_func, *options = NULL, *code = NULL, *varnames = NULL;
    JpDispatcher *d;
    int argcount, flags;

    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O!:Dispatcher", kwlist, &py_func,
                                     &PyDict_Type, &options))
        return NULL;
    if (!PyFunction_Check(py_func)) {
        PyErr_Format(PyExc_TypeError, "jit expects a Python function, got %R", py_func);
        return NULL;
    }
    /* generators and coroutines are rejected by the frontend, at the
     * line of their yield/await */
    code = PyFunction_GetCode(py_func);
    flags = ((PyCodeObject *)code)->co_flags;
    d = (JpDispatcher *)type->tp_alloc(type, 0);
    if (d == NULL)
        return NULL;
    d->vectorcall = dispatcher_vectorcall;
    d->py_func = Py_NewRef(py_func);
    d->t_int64 = jp_type_int(64, 1);
    d->t_float64 = jp_type_float(64);
    d->t_bool = jp_type_bool();
    d->t_complex128 = jp_type_complex(128);
    if (options && parse_options(d, options) < 0)
        goto fail;
    argcount = ((PyCodeObject *)code)->co_argcount;
    d->n_posonly = ((PyCodeObject *)code)->co_posonlyargcount;
    if (((PyCodeObject *)code)->co_kwonlyargcount || (flags & CO_VARKEYWORDS)) {
        PyCodeObject *co = (PyCodeObject *)code;
        PyErr_Format(JpUnsupportedError,
                     "%U:%d: in function '%U': %s is not supported in jit code (as in Numba)\n"
                     "hint: pass the values as positional parameters", co->co_filename, co->co_firstlineno,
                     co->co_qualname, (flags & CO_VARKEYWORDS) ? "**kwargs" : "keyword-only arguments");
        goto fail;
    }
    if (flags & CO_VARARGS) {       /* the tuple of the extra positional arguments: one more parameter */
        d->vararg = 1;
        d->vectorcall = dispatcher_vararg_vectorcall;
    }
    if (argcount + d->vararg > MAX_ARGS) {
        PyErr_Format(JpUnsupportedError, "%R: more than %d parameters", py_func, MAX_ARGS);
        goto fail;
    }
    d->nparams = argcount + d->vararg;
    varnames = PyObject_GetAttrString(code, "co_varnames");
    if (varnames == NULL)
        goto fail;
    d->param_names = PyTuple_GetSlice(varnames, 0, argcount + d->vararg);
    Py_DECREF(varnames);
    if (d->param_names == NULL)
        goto fail;
    {
        PyObject *defaults = PyFunction_GetDefaults(py_func);
        d->defaults = defaults ? Py_NewRef(defaults) : NULL;
    }
    if ((d->name = PyObject_GetAttrString(py_func, "__name__")) == NULL
        || (d->qualname = PyObject_GetAttrString(py_func, "__qualname__")) == NULL)
        goto fail;
    d->dict = PyDict_New();
    if (d->dict == NULL)
        goto fail;
    {
        static const char *copied[] = {"__doc__", "__module__"};
        for (int i = 0; i < 2; i++) {
            PyObject *v = PyObject_GetAttrString(py_func, copied[i]);
            if (v == NULL || PyDict_SetItemString(d->dict, copied[i], v) < 0) {
                Py_XDECREF(v);
                goto fail;
            }
            Py_DECREF(v);
        }
        if (PyDict_SetItemString(d->dict, "__wrapped__", py_func) < 0)
            goto fail;
    }
    return (PyObject *)d;
fail:
    Py_DECREF(d);
    return NULL;
}

static int
dispatcher_traverse(PyObject *self, visitproc visit, void *arg)
{
    JpDispatcher *d = (JpDispatcher *)self;
    Py_VISIT(d->py_func);
    Py_VISIT(d->dict);
    Py_VISIT(d->defaults);
    if (d->ir)
        Py_VISIT(d->ir->refs);
    for (int i = 0; i < d->n_replaced_irs; i++)
        Py_VISIT(d->replaced_irs[i]->refs);
    return 0;
}

static int
dispatcher_clear(PyObject *self)
{
    JpDispatcher *d = (JpDispatcher *)self;
    Py_CLEAR(d->dict);
    Py_CLEAR(d->defaults);
    if (d->ir)
        Py_CLEAR(d->ir->refs);
    for (int i = 0; i < d->n_replaced_irs; i++)
        Py_CLEAR(d->replaced_irs[i]->refs);
    return 0;
}

static void
dispatcher_dealloc(PyObject *self)
{
    JpDispatcher *d = (JpDispatcher *)self;
    PyObject_GC_UnTrack(self);
    if (d->weakreflist)
        PyObject_ClearWeakRefs(self);
    dispatcher_clear(self);
    Py_CLEAR(d->py_func);
    Py_CLEAR(d->param_names);
    Py_CLEAR(d->name);
    Py_CLEAR(d->qualname);
    /* Each instance drops its reference on its code unit: the unit is
     * freed when no other compiled code calls into it, once the samplers
     * have named what they sampled in it (compile_service.c). */
    for (int i = 0; i < d->n_overloads; i++)
        jp_instance_free(d->overloads[i]);
    free(d->overloads);
    for (int i = 0; i < d->n_replaced; i++)
        jp_instance_free(d->replaced[i]);
    free(d->replaced);
    for (int i = 0; i < d->n_replaced_irs; i++) {
        jp_func_ir_free(d->replaced_irs[i]);
        free(d->replaced_irs[i]);
    }
    free(d->replaced_irs);
    jp_type_forget_function(self);
    if (d->ir) {
        jp_func_ir_free(d->ir);
        free(d->ir);
    }
    Py_TYPE(self)->tp_free(self);
}

static PyObject *
dispatcher_repr(PyObject *self)
{
    JpDispatcher *d = (JpDispatcher *)self;
    return PyUnicode_FromFormat("<jitprofile.Dispatcher %U>", d->qualname);
}

static PyObject *
dispatcher_get(PyObject *self, PyObject *obj, PyObject *type)
{
    (void)type;
    if (obj == NULL || obj == Py_None)
        return Py_NewRef(self);
    return PyMethod_New(self, obj);
}


PyTypeObject JpDispatcher_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitprofile.Dispatcher",
    .tp_doc = "A function compiled by @jit: call it like the original; it compiles once per\n"
              "signature of argument types.",
    .tp_basicsize = sizeof(JpDispatcher),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = dispatcher_new,
    .tp_dealloc = dispatcher_dealloc,
    .tp_traverse = dispatcher_traverse,
    .tp_clear = dispatcher_clear,
    .tp_repr = dispatcher_repr,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(JpDispatcher, vectorcall),
    .tp_dictoffset = offsetof(JpDispatcher, dict),
    .tp_weaklistoffset = offsetof(JpDispatcher, weakreflist),
    .tp_descr_get = dispatcher_get,
    .tp_methods = jp_dispatcher_methods,
    .tp_getset = jp_dispatcher_getset,
};
