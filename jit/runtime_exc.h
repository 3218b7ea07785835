/* jit/runtime_exc.h - what compiled try statements call at run time:
 * matching a raised exception against an except clause's class, and
 * dropping an exception a handler caught (see lower_try.c). */
#ifndef JP_RUNTIME_EXC_H
#define JP_RUNTIME_EXC_H

#include "jit/compiler.h"

/* 1 when the raised class is `cls` or a subclass of it. */
int32_t jp_rt_exc_matches(PyObject *raised, PyObject *cls);
/* Drop what *exc holds (an objmode exception object is owned) and clear it.
 * Safe on a cleared excinfo (cls NULL). */
void jp_rt_exc_release(jp_excinfo *exc);

#endif
