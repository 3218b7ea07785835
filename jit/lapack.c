/* jit/lapack.c - finding NumPy's own BLAS/LAPACK at run time (lapack.h):
 * among the objects the process has loaded (dl_iterate_phdr), those from
 * NumPy's own directories: the OpenBLAS in numpy.libs first, then NumPy's
 * extension modules, reopened with RTLD_NOLOAD (dlsym on their handle also
 * searches the libraries they link); each routine looked up under the ILP64
 * spellings NumPy's wheels and common ILP64 builds use.  No Python, no GIL:
 * code loaded from the on-disk cache resolves the table on its first call. */
#define _GNU_SOURCE
#include "jit/lapack.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
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
    case LA_GETRS: snprintf(buf, size, "%cgetrs", l); break;
    case LA_GETRI: snprintf(buf, size, "%cgetri", l); break;
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

/* the paths of the loaded objects that came from NumPy's own directories
 * (numpy/.../_umath_linalg*.so, numpy.libs/libscipy_openblas*.so, ...) */
typedef struct found { char paths[64][512]; int n; } found;

static int
collect(struct dl_phdr_info *info, size_t size, void *data)
{
    found *f = data;
    (void)size;
    if (info->dlpi_name && strstr(info->dlpi_name, "numpy") && f->n < 64
        && strlen(info->dlpi_name) < sizeof f->paths[0])
        strcpy(f->paths[f->n++], info->dlpi_name);
    return 0;
}

/* rank: the BLAS itself first, then NumPy's linalg and multiarray modules (their
 * handles' dlsym searches what they link: a system BLAS too) */
static int
rank_of(const char *path)
{
    return strstr(path, "openblas") ? 0 : strstr(path, "_umath_linalg") ? 1 : strstr(path, "_multiarray_umath") ? 2
           : 3;
}

static void
load_once(void)
{
    static found f;     /* 32 KiB: not on the stack of a worker thread */
    f.n = 0;
    dl_iterate_phdr(collect, &f);       /* collect first: no dlopen inside the callback */
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < f.n; i++) {
            void *h;
            if (rank_of(f.paths[i]) != r)
                continue;
            if ((h = dlopen(f.paths[i], RTLD_NOW | RTLD_NOLOAD | RTLD_LOCAL)) == NULL)
                continue;
            /* the handle stays open: NumPy keeps the object loaded for the process anyway */
            if (resolve_all(h) > 0 && jp_la.origin[0] == '\0')
                snprintf(jp_la.origin, sizeof jp_la.origin, "%.500s", f.paths[i]);
        }
    if (jp_la.origin[0] == '\0')
        snprintf(jp_la.origin, sizeof jp_la.origin, "the libraries NumPy loaded");
    __atomic_store_n(&jp_la.loaded, 1, __ATOMIC_RELEASE);
}

int
jp_lapack_load(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    if (!__atomic_load_n(&jp_la.loaded, __ATOMIC_ACQUIRE))
        pthread_once(&once, load_once);
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
