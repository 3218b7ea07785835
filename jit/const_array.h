/* jit/const_array.h - global NumPy arrays read by jit code, frozen into the
 * compiled code as read-only constants (as Numba does): the frontend makes
 * an E_ARRAYCONST node holding a read-only C-contiguous copy taken at
 * compile time; its bytes become a private constant global of the module,
 * so the code is cacheable, and writing to it is a TypingError. */
#ifndef JP_CONST_ARRAY_H
#define JP_CONST_ARRAY_H

#include "jit/infer.h"
#include "jit/lower.h"

/* The frozen copy of a global array (a new reference), or NULL with
 * TypeError naming `name` when its dtype is not one jit code can use. */
PyObject *jp_freeze_array(PyObject *array, const char *name);

jp_type *jp_infer_array_const(ictx *c, jp_node *n);
LLVMValueRef jp_lower_array_const(lctx *c, jp_node *n);

#endif
