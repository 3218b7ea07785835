/* jit/lapack.h - the BLAS and LAPACK that NumPy itself links, found at run
 * time.  NumPy's wheels bundle an ILP64 OpenBLAS (numpy.libs/
 * libscipy_openblas64_-*.so) whose symbols carry a prefix and a suffix
 * (scipy_dgesv_64_, scipy_cblas_dgemm64_); other builds link a system
 * BLAS with other spellings.  jp_lapack_load() looks among the objects
 * the process has loaded for those that came from NumPy's own directories
 * (numpy.libs/...openblas..., numpy/linalg/_umath_linalg...,
 * numpy/_core/_multiarray_umath...: dlsym on their handles also searches the
 * libraries they link) and looks each routine up under the spellings of an
 * ILP64 interface (64-bit integers).  No path is hard-coded and nothing is
 * linked at build time.
 *
 * A routine that is absent stays NULL: the JIT asks jp_lapack_have() at
 * compile time and raises a clear error (or, for dot/@, falls back to its
 * own loops) instead of calling it, and the runtime checks again before a
 * call (code from the on-disk cache, another NumPy).  jp_lapack_load() runs
 * once (pthread_once), needs no GIL, and may be called from any thread. */
#ifndef JP_LAPACK_H
#define JP_LAPACK_H

#include <stdint.h>
#include <stddef.h>

typedef int64_t jp_lint;        /* LAPACK/BLAS integer (ILP64) */
typedef void (*jp_la_fnptr)(void);

/* the routines, each in the four types s, d, c, z (index JP_LA_S ... JP_LA_Z) */
enum { JP_LA_S, JP_LA_D, JP_LA_C, JP_LA_Z, JP_LA_NTYPES };

typedef enum jp_la_routine {
    LA_GEMM, LA_GEMV, LA_DOTU, LA_DOTC,             /* cblas */
    LA_GESV, LA_GETRF, LA_POTRF, LA_SYEVD, LA_GEEV, LA_GESDD, LA_GEQRF, LA_ORGQR, LA_GELSD, LA_GETRS,
    LA_GETRI,
    LA__COUNT
} jp_la_routine;

typedef struct jp_lapack {
    int loaded;                         /* jp_lapack_load ran (whatever it found) */
    jp_la_fnptr fn[LA__COUNT][JP_LA_NTYPES];
    /* openblas_set_num_threads_local (OpenBLAS >= 0.3.27) or NULL */
    int (*set_threads_local)(int);
    char origin[512];                   /* the library the symbols came from (messages) */
} jp_lapack;

extern jp_lapack jp_la;

/* Find NumPy's BLAS/LAPACK (the first call; later ones return at once).
 * Always 0: a missing library only leaves its routines NULL. */
int jp_lapack_load(void);
/* Whether routine r is there for all four types (after jp_lapack_load). */
int jp_lapack_have(jp_la_routine r);
/* The routine's name for messages: "dgesv" for (LA_GESV, JP_LA_D). */
const char *jp_lapack_name(jp_la_routine r, int type, char *buf, size_t size);

#endif
