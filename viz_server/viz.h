/* viz_server/viz.h - the stream's Python types in jitprofile._core. */
#ifndef JP_VIZ_H
#define JP_VIZ_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

extern PyTypeObject JpStreamPublisher_Type;
extern PyTypeObject JpStreamSubscriber_Type;

int jp_viz_module_init(PyObject *m);

#endif
