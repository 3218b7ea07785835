/* profiler/argpoll.h - sampled mode's driver: turns the sampler's hot
 * functions into watched ones (argpoll.c). */
#ifndef JP_ARGPOLL_H
#define JP_ARGPOLL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "profiler/argrecord.h"

/* One poll: the number of functions newly watched, or -1 with an error. */
int jp_argpoll_once(void);
int jp_argpoll_module_init(PyObject *m);

/* argrecord_object.c: the recorder inside an ArgRecorder object. */
extern PyTypeObject JpArgRecorder_Type;
jp_argrec *jp_argrec_of(PyObject *recorder);

#endif
