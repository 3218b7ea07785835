/* profiler/module_init.c - registers the profiler's Python-facing types
 * in jitprofile._core. */
#include "profiler/profile_object.h"
#include "profiler/argrecord_object.h"
#include "profiler/recommend.h"

int
jp_profiler_module_init(PyObject *m)
{
    if (PyType_Ready(&JpProfileData_Type) < 0)
        return -1;
    Py_INCREF(&JpProfileData_Type);
    if (PyModule_AddObject(m, "ProfileData", (PyObject *)&JpProfileData_Type) < 0) {
        Py_DECREF(&JpProfileData_Type);
        return -1;
    }
    if (jp_argrecord_module_init(m) < 0)
        return -1;
    return jp_recommend_module_init(m);
}
