/* jit/errors.h - compile-time errors a user can act on: TypingError and
 * UnsupportedError, each with file:line:col, the source line and a caret,
 * and the exception texts of run-time errors (ZeroDivisionError, ...) as the
 * running CPython words them. */
#ifndef JP_ERRORS_H
#define JP_ERRORS_H

#include "jit/ir.h"

extern PyObject *JpCompileError;       /* base class */
extern PyObject *JpTypingError;
extern PyObject *JpUnsupportedError;
extern PyObject *JpInternalError;       /* a bug in the compiler, named with its construct and line */

/* Raise exc_type for the span of `node` in `ir`:
 *   FILE:LINE:COL: in function 'NAME': MESSAGE
 *       source line
 *       ^^^^
 *   hint: HINT
 * hint may be NULL.  Always returns NULL (for `return jp_error_at(...)`). */
void *jp_error_at(PyObject *exc_type, const jp_func_ir *ir, const jp_node *node,
                  const char *hint, const char *fmt, ...);

/* Same, for a span given by position (frontend, before nodes exist). */
void *jp_error_span(PyObject *exc_type, const jp_func_ir *ir, int line, int col,
                    int end_line, int end_col, const char *hint, const char *fmt, ...);

/* Run-time error texts, captured from the running interpreter at import so
 * that they match it exactly. */
typedef enum jp_errtext {
    ERR_INT_FLOORDIV_ZERO, ERR_INT_MOD_ZERO, ERR_INT_TRUEDIV_ZERO,
    ERR_FLOAT_TRUEDIV_ZERO, ERR_FLOAT_FLOORDIV_ZERO, ERR_FLOAT_MOD_ZERO,
    ERR_INT_DIVMOD_ZERO, ERR_FLOAT_DIVMOD_ZERO, ERR_COMPLEX_DIV_ZERO,
    ERR_ZERO_NEG_POW, ERR_FLOAT_POW_OVERFLOW, ERR_MATH_DOMAIN, ERR_MATH_RANGE,
    ERR_FLOAT_NAN_TO_INT, ERR_FLOAT_INF_TO_INT, ERR_COMPLEX_ZERO_NEG_POW,
    ERR_NEG_SHIFT,
    ERR__COUNT
} jp_errtext;

const char *jp_errtext_get(jp_errtext which);
/* A copy of s that lives as long as the process (compiled code points at it). */
const char *jp_intern_string(const char *s);
/* UnboundLocalError's text for a local name, as the running CPython says it. */
const char *jp_unbound_message(const char *name);
int jp_errors_module_init(PyObject *m);

#endif
