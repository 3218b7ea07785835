/* jit/lapack.c - finding NumPy's own BLAS/LAPACK at run time (lapack.h):
 * dlopen of NumPy's extension modules with RTLD_NOLOAD (the loader then
 * searches what they link), else the OpenBLAS in numpy.libs beside the
 * package; each routine looked up under the ILP64 spellings NumPy's wheels
 * and common ILP64 builds use. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "jit/lapack.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

jp_lapack jp_la;

static const char types[JP_LA_NTYPES] = {'s', 'd', 'c', 'z'};

/* the routine's base name for a type letter (no prefix or suffix); cblas: 1 for cblas_* */
static void
base_name(jp_la_routine r, int t, char *buf, size_t size, int *cblas)
{
    char l = types[t];
    int cx = t >= JP_LA_C;
    *cblas = r <= LA_DOTC;
    switch (r) {
    case LA_GEMM: snprintf(buf, size, "%cgemm", l); break;
    case LA_GEMV: snprintf(buf, size, "%cgemv", l); break;
    case LA_DOTU: snprintf(buf, size, cx ? "%cdotu_sub" : "%cdot", l); break;
    case LA_DOTC: snprintf(buf, size, cx ? "%cdotc_sub" : "%cdot", l); break;
    case LA_GESV: snprintf(buf, size, "%cgesv", l); break;
    case LA_GETRF: snprintf(buf, size, "%cgetrf", l); break;
    case LA_POTRF: snprintf(buf, size, "%cpotrf", l); break;
    case LA_SYEVD: snprintf(buf, size, cx ? "%cheevd" : "%csyevd", l); break;
    case LA_GEEV: snprintf(buf, size, "%cgeev", l); break;
    case LA_GESDD: snprintf(buf, size, "%cgesdd", l); break;
    case LA_GEQRF: snprintf(buf, size, "%cgeqrf", l); break;
    case LA_ORGQR: snprintf(buf, size, cx ? "%cungqr" : "%corgqr", l); break;
    case LA_GELSD: snprintf(buf, size, "%cgelsd", l); break;
    default: snprintf(buf, size, "?"); break;
    }
}

const char *
jp_lapack_name(jp_la_routine r, int type, char *buf, size_t size)
{
    int cblas;
    base_name(r, type, buf, size, &cblas);
    return buf;
}

/* ILP64 spellings: OpenBLAS built for SciPy/NumPy wheels, then plain ILP64 suffixes */
static const char *const cblas_forms[] = {"scipy_cblas_%s64_", "cblas_%s64_", "cblas_%s_64", NULL};
static const char *const f77_forms[] = {"scipy_%s_64_", "%s_64_", "%s_64", NULL};

/* Look every routine up in handle; the number found. */
static int
resolve_all(void *handle)
{
    int found = 0;
    for (int r = 0; r < LA__COUNT; r++)
        for (int t = 0; t < JP_LA_NTYPES; t++) {
            char base[32], name[64];
            int cblas;
            if (jp_la.fn[r][t])
                continue;
            base_name((jp_la_routine)r, t, base, sizeof base, &cblas);
            for (const char *const *f = cblas ? cblas_forms : f77_forms; *f && !jp_la.fn[r][t]; f++) {
                void *p;
                snprintf(name, sizeof name, *f, base);
                if ((p = dlsym(handle, name)) != NULL) {
                    memcpy(&jp_la.fn[r][t], &p, sizeof p);
                    found++;
                }
            }
        }
    if (jp_la.set_threads_local == NULL) {
        void *p = dlsym(handle, "openblas_set_num_threads_local");
        if (p)
            memcpy(&jp_la.set_threads_local, &p, sizeof p);
    }
    return found;
}

/* the __file__ of module `name`, into buf; 0, or -1 (no exception) */
static int
module_file(const char *name, char *buf, size_t size)
{
    PyObject *mod = PyImport_ImportModule(name), *file;
    const char *s;
    int rc = -1;
    if (mod == NULL) {
        PyErr_Clear();
        return -1;
    }
    file = PyObject_GetAttrString(mod, "__file__");
    Py_DECREF(mod);
    if (file && PyUnicode_Check(file) && (s = PyUnicode_AsUTF8(file)) != NULL && strlen(s) < size) {
        strcpy(buf, s);
        rc = 0;
    }
    Py_XDECREF(file);
    PyErr_Clear();
    return rc;
}

/* NumPy's extension module `name` (already loaded by Python): its handle, whose
 * dlsym also searches the libraries it depends on */
static void *
open_loaded_module(const char *name, char *path, size_t size)
{
    if (module_file(name, path, size) < 0)
        return NULL;
    return dlopen(path, RTLD_NOW | RTLD_NOLOAD | RTLD_LOCAL);
}

/* numpy.libs/<something with openblas>.so beside the numpy package */
static void *
open_bundled(char *path, size_t size)
{
    char dir[480];
    char *slash;
    DIR *d;
    struct dirent *e;
    void *h = NULL;
    if (module_file("numpy", dir, sizeof dir) < 0)
        return NULL;
    /* .../site-packages/numpy/__init__.py -> .../site-packages/numpy.libs */
    if ((slash = strrchr(dir, '/')) == NULL)
        return NULL;
    *slash = '\0';
    if (strlen(dir) + 8 >= sizeof dir)
        return NULL;
    strcat(dir, ".libs");
    if ((d = opendir(dir)) == NULL)
        return NULL;
    while (h == NULL && (e = readdir(d)) != NULL)
        if (strstr(e->d_name, "openblas") && strstr(e->d_name, ".so")) {
            snprintf(path, size, "%s/%s", dir, e->d_name);
            h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        }
    closedir(d);
    return h;
}

int
jp_lapack_load(void)
{
    static const char *const modules[] = {"numpy.linalg._umath_linalg", "numpy._core._multiarray_umath",
                                          "numpy.core._multiarray_umath", NULL};
    char path[512];
    if (jp_la.loaded)
        return 0;
    jp_la.loaded = 1;
    for (const char *const *m = modules; *m; m++) {
        void *h = open_loaded_module(*m, path, sizeof path);
        if (h == NULL)
            continue;
        if (resolve_all(h) > 0 && jp_la.origin[0] == '\0')
            snprintf(jp_la.origin, sizeof jp_la.origin, "the libraries %.440s links", path);
        /* the handle stays open: the module is loaded for the life of the process anyway */
    }
    {
        void *h = open_bundled(path, sizeof path);
        if (h && resolve_all(h) > 0 && jp_la.origin[0] == '\0')
            snprintf(jp_la.origin, sizeof jp_la.origin, "%.480s", path);
    }
    if (jp_la.origin[0] == '\0')
        snprintf(jp_la.origin, sizeof jp_la.origin, "NumPy's extension modules");
    return 0;
}

int
jp_lapack_have(jp_la_routine r)
{
    for (int t = 0; t < JP_LA_NTYPES; t++)
        if (jp_la.fn[r][t] == NULL)
            return 0;
    return 1;
}
