/* gpu/hsa/roc_module.c - the compile side of the roc target in _core:
 * roc_compile, the ISA table, where the device libraries and ld.lld are,
 * and the timing of the last compile.  (The runtime's functions, roc_load
 * and roc_launch, are runtime_module.c's.) */
#define PY_SSIZE_T_CLEAN
#include "gpu/hsa/codeobj.h"
#include "gpu/hsa/roc_compile.h"
#include "gpu/hsa/roc_target.h"
#include "gpu/kernargs.h"

/* roc_compile(dispatcher, argtypes, isa, kernel, entry, ir=False)
 * -> (code object bytes, return type[, optimised IR text]) */
static PyObject *
roc_compile(PyObject *module, PyObject *args)
{
    PyObject *disp, *types, *r = NULL, *rt;
    int kernel, n, want_ir = 0;
    const char *isa_name, *entry;
    const jp_roc_isa *isa;
    jp_type *argtypes[64], *ret = NULL;
    char *code, *ir = NULL;
    size_t len = 0;
    (void)module;
    if (!PyArg_ParseTuple(args, "O!Ospz|p:roc_compile", &JpDispatcher_Type, &disp, &types, &isa_name, &kernel, &entry,
                          &want_ir))
        return NULL;
    if ((isa = jp_roc_isa_check(isa_name)) == NULL)       /* before LLVM sees the name */
        return NULL;
    if (kernel && entry == NULL) {
        PyErr_SetString(PyExc_TypeError, "a kernel needs an entry name");
        return NULL;
    }
    if ((n = jp_kernargs_types(types, argtypes, JP_KERNARGS_MAX)) < 0)
        return NULL;
    code = jp_roc_compile((JpDispatcher *)disp, n, argtypes, isa, kernel, entry, &ret, &len, want_ir ? &ir : NULL);
    if (code == NULL)
        return NULL;
    if ((rt = jp_type_to_py(ret)) != NULL)
        r = want_ir ? Py_BuildValue("(y#Ns)", code, (Py_ssize_t)len, rt, ir ? ir : "")
                    : Py_BuildValue("(y#N)", code, (Py_ssize_t)len, rt);
    free(code);
    free(ir);
    return r;
}

static PyObject *
roc_isas(PyObject *module, PyObject *unused)
{
    int n;
    const jp_roc_isa *t = jp_roc_isa_table(&n);
    PyObject *list = PyList_New(n);
    (void)module;
    (void)unused;
    for (int i = 0; list && i < n; i++) {
        PyObject *d = Py_BuildValue("{s:s,s:i,s:i,s:O,s:O,s:s}", "isa", t[i].name, "wavefront", t[i].wavefront,
                                    "isa_version", t[i].isa_version, "device_libs_isa_file",
                                    t[i].isa_lib ? Py_True : Py_False, "runtime_loadable",
                                    t[i].runtime_loadable ? Py_True : Py_False, "family", t[i].family);
        if (d == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, d);
    }
    return list;
}

/* A path the compile side found, or None where it found none. */
static PyObject *
path_or_none(const char *p)
{
    if (p == NULL)
        Py_RETURN_NONE;
    return PyUnicode_FromString(p);
}

static PyObject *
roc_device_libs(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return path_or_none(jp_roc_device_libs_dir());
}

static PyObject *
roc_lld(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return path_or_none(jp_roc_lld_path());
}

static PyObject *
roc_last_timing(PyObject *module, PyObject *unused)
{
    const jp_roc_timing *t = &jp_roc_last_timing;
    (void)module;
    (void)unused;
    return Py_BuildValue("{s:d,s:d,s:d,s:d,s:d}", "lower", t->lower, "prepare", t->prepare, "opt", t->opt,
                         "codegen", t->codegen, "link", t->link);
}

static PyMethodDef roc_functions[] = {
    {"roc_compile", roc_compile, METH_VARARGS, "Compile a jitted function to an AMD GPU code object."},
    {"roc_isas", roc_isas, METH_NOARGS, "The AMD GPU ISAs the roc target supports."},
    {"roc_device_libs", roc_device_libs, METH_NOARGS, "Folder of the ROCm device-library bitcode, or None."},
    {"roc_lld", roc_lld, METH_NOARGS, "The ld.lld that links code objects, or None."},
    {"roc_last_timing", roc_last_timing, METH_NOARGS, "Seconds per step of the last roc compile."},
    {NULL, NULL, 0, NULL},
};

int
jp_roc_module_init(PyObject *m)
{
    return PyModule_AddFunctions(m, roc_functions);
}
