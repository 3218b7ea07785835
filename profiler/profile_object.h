/* profiler/profile_object.h - the Python type jitprofile._core.ProfileData
 * that owns a jp_profile. */
#ifndef JP_PROFILE_OBJECT_H
#define JP_PROFILE_OBJECT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "profiler/profile_data.h"

extern PyTypeObject JpProfileData_Type;
/* The profile inside a ProfileData, or NULL (TypeError set). */
jp_profile *jp_profile_of(PyObject *obj);

#endif
