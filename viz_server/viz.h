/* viz_server/viz.h - the stream's Python types in jitprofile._core. */
#ifndef JP_VIZ_H
#define JP_VIZ_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The largest frame a subscriber takes from the socket (ZMQ_MAXMSGSIZE):
 * frames between the wire limit (16 MiB) and this are received, rejected
 * and counted; larger ones make ZeroMQ drop the connection (sub_object.c).
 * Exported as _core.STREAM_MAX_FRAME. */
#define JP_STREAM_MAX_FRAME (64 << 20)

extern PyTypeObject JpStreamPublisher_Type;
extern PyTypeObject JpStreamSubscriber_Type;

int jp_viz_module_init(PyObject *m);

#endif
