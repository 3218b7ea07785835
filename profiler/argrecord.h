/* profiler/argrecord.h - the data profiler: per function (keyed by its code
 * object), the signatures of its calls in the shared type language (from
 * the JIT's own jp_typeof, so each one can be handed to the compiler), with
 * call counts, a histogram of shapes and the bytes of every array argument,
 * and a small reservoir of real argument values (arrays copied up to a size
 * limit) for measuring compiled code on the user's data.
 *
 * Filled by the hooks of arghooks.c (every call in exact mode; the first
 * few, then every Nth call of the functions found hot in sampled mode) or
 * from a live frame.
 * Not thread-safe: the GIL serialises everything.
 */
#ifndef JP_ARGRECORD_H
#define JP_ARGRECORD_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#include "profiler/idmap.h"

#define JP_ARG_MAX 32           /* parameters recorded per call */
#define JP_SHAPE_BINS 8         /* distinct shapes kept per array argument */
#define JP_SHAPE_DIMS 8         /* dimensions kept per shape */
#define JP_ARGREC_COLD (UINT32_MAX - 1)

typedef struct jp_shape_bin {
    int ndim;
    Py_ssize_t dims[JP_SHAPE_DIMS];
    uint64_t count;
} jp_shape_bin;

typedef struct jp_arg_shapes {
    jp_shape_bin bins[JP_SHAPE_BINS];
    int nbins;
    uint64_t other;             /* calls whose shape did not fit a bin */
} jp_arg_shapes;

/* A signature key per argument: a jp_type *, or for a value the JIT has no
 * type for, its PyTypeObject * with the low bit set. */
typedef uintptr_t jp_argkey;
#define JP_ARGKEY_UNTYPED 1u

typedef struct jp_argsig {
    int nargs;
    jp_argkey keys[JP_ARG_MAX];
    uint64_t calls;             /* recorded calls with this signature */
    uint64_t bytes;             /* array bytes over those calls */
    jp_arg_shapes *shapes;      /* nargs entries, NULL when no array argument */
    PyObject *reservoir;        /* list of argument tuples */
    uint64_t offered;           /* calls offered to the reservoir */
} jp_argsig;

typedef struct jp_argfunc {
    PyObject *code;             /* strong reference: the key */
    int hot;                    /* sampled mode records its calls */
    uint64_t seen;              /* calls that went through a hook */
    uint64_t recorded;
    uint64_t from_frame;        /* recordings read from a live frame */
    jp_argsig *sigs;
    size_t nsigs, capsigs;
    uint64_t wide_returns;      /* returns of a Python int beyond int64 (or a tuple
                                 * holding one): compiled, it would wrap */
} jp_argfunc;

typedef struct jp_argrec {
    jp_argfunc *funcs;
    size_t n, cap;
    jp_idmap by_code;           /* code object address -> index */
    jp_idmap seen_codes;        /* sampled mode: code address -> index, or
                                 * JP_ARGREC_COLD; each key held in `held` */
    PyObject *held;             /* list: code objects in seen_codes */
    PyObject *hot_names;        /* set: (qualname, filename, firstlineno) */
    PyObject *keep;             /* list: type objects named by untyped keys */
    Py_ssize_t copy_limit;      /* arrays larger than this are not copied */
    Py_ssize_t copy_budget;     /* bytes copied in all; past it, none is */
    Py_ssize_t copied;
    int reservoir_size;
    uint32_t every;             /* sampled mode: record every Nth call ... */
    uint32_t warm;              /* ... after recording the first `warm` */
    uint64_t rng;
    int exact;                  /* the profile hook records every call */
    int sampled;                /* a sampled-mode window is open */
    uint64_t window_start_ns, window_ns, first_watch_ns;
    int running_flag;           /* started and not stopped */
    int busy;                   /* recording now: re-entered hooks skip */
    int tap_jitted;             /* argtap.c records jitted calls too */
    uint64_t window_len_ns;     /* sampled mode: a window counts calls for this
                                 * long (0: until closed); the close comes later
                                 * when the GIL is held elsewhere */
    uint64_t window_end_ns;     /* the open window's counting ends here */
    uint64_t start_cpu_ns;      /* process CPU time: at the start, at the open */
    uint64_t window_start_cpu_ns; /* window's opening, and in the windows' */
    uint64_t window_cpu_ns;     /* spans: the estimate's time base (a window the
                                 * process spent descheduled did no work) */
    uint64_t window_end_cpu_ns; /* at the first hot call past the span's end */
} jp_argrec;

int jp_argrec_init(jp_argrec *r);
void jp_argrec_clear(jp_argrec *r);
/* The record of a code object, created on first use; NULL on no memory. */
jp_argfunc *jp_argrec_func(jp_argrec *r, PyObject *code);
/* Record one call with its bound arguments args[0..n); 0, or -1 with a
 * Python error (out of memory). */
int jp_argrec_record(jp_argrec *r, jp_argfunc *fn, PyObject *const *args, int n);
/* "(float64, array(float64, 1d, C))": the signature's spelling (new ref). */
PyObject *jp_argsig_spelling(const jp_argsig *s);
/* One argument key's spelling (new ref). */
PyObject *jp_argkey_spelling(jp_argkey k);

#endif
