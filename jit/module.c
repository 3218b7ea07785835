/* jit/module.c - PyInit for jitprofile._core: one extension module that
 * gathers the components (JIT, sampler, profiler, stream).  Each component adds its
 * types and functions to the module through its own *_module_init().
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

int jp_jit_module_init(PyObject *m);
int jp_sampler_module_init(PyObject *m);
int jp_profiler_module_init(PyObject *m);
int jp_viz_module_init(PyObject *m);

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "jitprofile._core",
    .m_doc = "The C core of jitprofile: JIT compiler, sampler, profiler.",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__core(void)
{
    PyObject *m = PyModule_Create(&core_module);
    if (m == NULL)
        return NULL;
    if (jp_jit_module_init(m) < 0 || jp_sampler_module_init(m) < 0
        || jp_profiler_module_init(m) < 0 || jp_viz_module_init(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
