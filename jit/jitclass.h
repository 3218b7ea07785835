/* jit/jitclass.h - @jitclass instances as Python objects (jitclass.c). */
#ifndef JP_JITCLASS_H
#define JP_JITCLASS_H

#include "jit/types.h"
#include "jit/nrt.h"

extern PyTypeObject JpJitClassBase_Type;

/* A Python instance of t's class owning mi's reference (taken over). */
PyObject *jp_jitclass_box(jp_type *t, jp_meminfo *mi);
/* The meminfo of a Python instance of t (borrowed), or NULL + TypeError. */
jp_meminfo *jp_jitclass_unbox(PyObject *obj, jp_type *t);
/* The instance type of a Python instance, or NULL (no error). */
jp_type *jp_jitclass_typeof(PyObject *obj);
int jp_jitclass_module_init(PyObject *m);

#endif
