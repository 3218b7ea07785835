/* viz_server/module_init.c - registers the stream's Python types
 * (StreamPublisher, StreamSubscriber) in jitprofile._core. */
#include "viz_server/viz.h"

static int
add_type(PyObject *m, PyTypeObject *t, const char *name)
{
    if (PyType_Ready(t) < 0)
        return -1;
    Py_INCREF(t);
    if (PyModule_AddObject(m, name, (PyObject *)t) < 0) {
        Py_DECREF(t);
        return -1;
    }
    return 0;
}

int
jp_viz_module_init(PyObject *m)
{
    if (add_type(m, &JpStreamPublisher_Type, "StreamPublisher") < 0
        || add_type(m, &JpStreamSubscriber_Type, "StreamSubscriber") < 0
        || PyModule_AddIntConstant(m, "STREAM_MAX_FRAME", JP_STREAM_MAX_FRAME) < 0)
        return -1;
    return 0;
}
