/* jit/np_unsupported.c - what jit code says for a NumPy name it cannot
 * compile: the frontend asks here before its generic "refers to a ...
 * object" TypingError, so np.fft.fft, np.split, np.random.gamma or
 * np.add.reduce are an UnsupportedError at their file:line:col naming the
 * function, with what to write instead where there is a good alternative
 * (docs/conformance.md lists every row). */
#include "jit/np_unsupported.h"

#include <string.h>

static const struct { const char *name; const char *hint; } hints[] = {
    {"split", "slice the array: a[:k], a[k:]"},
    {"array_split", "slice the array: a[:k], a[k:]"},
    {"hsplit", "slice the array: a[:, :k], a[:, k:]"},
    {"vsplit", "slice the array: a[:k], a[k:]"},
    {"dsplit", "slice the array: a[:, :, :k], a[:, :, k:]"},
    {"reduce", "use np.sum / np.prod / a.max(), or a loop"},
    {"accumulate", "use np.cumsum / np.cumprod, or a loop"},
    {"outer", "use a[:, None] * b[None, :]"},
    {"iinfo", "write the limit as a constant"},
    {"finfo", "write the constant (np.finfo(np.float64).eps is 2.220446049250313e-16)"},
    {"fft", "call NumPy's FFT outside jit code, or in a `with objmode(...)` block"},
    {"ifft", "call NumPy's FFT outside jit code, or in a `with objmode(...)` block"},
    {"rfft", "call NumPy's FFT outside jit code, or in a `with objmode(...)` block"},
    {"fft2", "call NumPy's FFT outside jit code, or in a `with objmode(...)` block"},
    {"divmod", "write (np.floor_divide(a, b), np.remainder(a, b))"},
    {"modf", "write (a - np.trunc(a), np.trunc(a))"},
    {"frexp", "use math.frexp on each element"},
    {"ldexp", "write a * 2.0 ** e, or math.ldexp on each element"},
    {"spacing", "use math.ulp on each element"},
    {"select", "chain np.where(cond1, x1, np.where(cond2, x2, default))"},
    {"default_rng", "use the np.random.* functions (one generator per thread, as Numba)"},
    {"dtype", "pass the type itself (np.float64) where a dtype is taken"},
};

static int
is_numpy(PyObject *value)
{
    PyObject *mod;
    int r = 0;
    if (strcmp(Py_TYPE(value)->tp_name, "numpy.ufunc") == 0 || strcmp(Py_TYPE(value)->tp_name, "ufunc") == 0)
        return 1;
    if (PyCFunction_Check(value) && PyCFunction_GET_SELF(value) && PyCFunction_GET_SELF(value) != value
        && !PyModule_Check(PyCFunction_GET_SELF(value)))
        return is_numpy(PyCFunction_GET_SELF(value));       /* np.add.reduce: a method of a ufunc */
    mod = PyObject_GetAttrString(value, "__module__");
    if (mod == NULL) {
        PyErr_Clear();
        mod = PyObject_GetAttrString((PyObject *)Py_TYPE(value), "__module__");
        if (mod == NULL) {
            PyErr_Clear();
            return 0;
        }
    }
    if (PyUnicode_Check(mod)) {
        const char *m = PyUnicode_AsUTF8(mod);
        r = m && strncmp(m, "numpy", 5) == 0 && (m[5] == '\0' || m[5] == '.');
    }
    PyErr_Clear();
    Py_DECREF(mod);
    return r;
}

const char *
jp_numpy_unsupported_hint(PyObject *value, const char *name)
{
    const char *last;
    if (value == NULL || PyModule_Check(value) || !is_numpy(value))
        return NULL;
    last = strrchr(name, '.');
    last = last ? last + 1 : name;
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if (strcmp(hints[i].name, last) == 0)
            return hints[i].hint;
    if (strstr(name, "random."))
        return "the np.random functions jit code has are listed in docs/conformance.md; "
               "Python's random module has more distributions (random.gammavariate, ...)";
    return "docs/conformance.md lists the NumPy functions jit code supports; call this one outside "
           "jit code, or inside a `with objmode(...)` block";
}
