/* jit/typed_list.h - numba.typed.List boxes (typed_list.c). */
#ifndef JP_TYPED_LIST_H
#define JP_TYPED_LIST_H

#include "jit/types.h"
#include "jit/nrt.h"

/* jp_type.reflected of a ListType[T]: a boxed native list shared with Python */
#define JP_LIST_TYPED 2

extern PyTypeObject JpTypedList_Type;

/* A new jitprofile.typed.List owning mi's reference (taken over). */
PyObject *jp_typed_list_box(jp_type *t, jp_meminfo *mi);
/* The box's native list, a new reference into *dst; -1 + TypeError. */
int jp_typed_list_unbox(PyObject *obj, jp_type *t, void *dst);
/* ListType[T] of a typed List, NULL (no error) for anything else. */
jp_type *jp_typed_list_typeof(PyObject *obj);
int jp_typed_list_module_init(PyObject *m);

#endif
