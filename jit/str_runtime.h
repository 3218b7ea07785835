/* jit/str_runtime.h - unicode_type: the immutable strings jit code uses
 * (Numba's `str` support).  A string is a meminfo block (nrt.h) whose data
 * is a jp_str: its length in code points and the code points themselves as
 * UCS4, so len() and s[i] count code points exactly as CPython does.
 *
 * Compiled code reads `length` inline (offset 0, part of the contract with
 * lower_str.c) and calls the functions below for everything else.  Every
 * function that makes a string returns a new reference (refcount 1) or NULL
 * when memory ran out; those that can fail otherwise take an int32 status
 * (JP_STR_OK or one of the JP_STR_E* codes) and leave the message in a
 * per-thread buffer that jp_str_error_text returns.  None of them touches
 * Python objects except boxing (with the GIL, for the dispatcher) and
 * printing (which takes it). */
#ifndef JP_STR_RUNTIME_H
#define JP_STR_RUNTIME_H

#include "jit/types.h"
#include "jit/nrt.h"
#include "jit/runtime.h"

#include <stdint.h>

typedef struct jp_str {
    int64_t length;         /* offset 0: code points */
    int64_t hash;           /* offset 8: -1 until computed */
    uint32_t data[];        /* offset 16: UCS4 code points */
} jp_str;

/* status codes (the exception compiled code raises) */
enum { JP_STR_OK = 0, JP_STR_EMEMORY, JP_STR_EVALUE, JP_STR_EINDEX, JP_STR_ETYPE, JP_STR_EOVERFLOW };

/* Every function compiled code calls, by name (engine.c registers them). */
extern const jp_runtime_symbol jp_str_runtime_symbols[];

jp_meminfo *jp_str_new(int64_t length);                     /* uninitialised data */
jp_meminfo *jp_str_from_utf8(const char *text, int64_t nbytes);
const char *jp_str_error_text(void);

/* Boxing (with the GIL), for the dispatcher and the list runtime. */
int jp_str_unbox(PyObject *obj, void *dst);                 /* a new reference in *dst */
PyObject *jp_str_box(jp_meminfo *mi);                       /* takes over the reference */
/* After a call: release the references unboxing made in an argument of type t. */
void jp_str_release_arg(jp_type *t, void *slot);

#endif
