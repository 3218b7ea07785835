/* gpu/cuda/cuda_module.c - the Python-facing side of the CUDA target in
 * _core: compile to PTX, and the thin Driver API calls the glue in
 * kernel_ext/jitprofile/cuda/ builds kernels and device arrays on. */
#include "gpu/cuda/ptx.h"
#include "gpu/cuda/driver.h"
#include "gpu/kernargs.h"
#include "gpu/cuda/cuda_target.h"

#include <string.h>

/* cuda_compile(dispatcher, argtypes, cc, kernel, entry, lineinfo=False)
 * -> (ptx, return type).  entry: the kernel's name; for a device function
 * the name of a C-ABI wrapper, or None for the Numba ABI only. */
static PyObject *
cuda_compile(PyObject *module, PyObject *args)
{
    PyObject *disp, *types, *r = NULL;
    int cc, kernel, n, lineinfo = 0;
    const char *entry;
    jp_type *argtypes[64], *ret = NULL;
    char *ptx;
    (void)module;
    if (!PyArg_ParseTuple(args, "O!Oipz|p:cuda_compile", &JpDispatcher_Type, &disp, &types, &cc, &kernel, &entry,
                          &lineinfo))
        return NULL;
    if (kernel && entry == NULL) {
        PyErr_SetString(PyExc_TypeError, "a kernel needs an entry name");
        return NULL;
    }
    if ((n = jp_kernargs_types(types, argtypes, JP_KERNARGS_MAX)) < 0)
        return NULL;
    if ((ptx = jp_cuda_compile((JpDispatcher *)disp, n, argtypes, cc, kernel, entry, lineinfo, &ret)) == NULL)
        return NULL;
    {
        PyObject *rt = jp_type_to_py(ret);
        if (rt)
            r = Py_BuildValue("(sN)", ptx, rt);
    }
    free(ptx);
    return r;
}

static PyObject *
cuda_available(PyObject *module, PyObject *unused)
{
    const char *why = NULL;
    (void)module;
    (void)unused;
    if (jp_cuda_init(&why) == 0)
        return Py_BuildValue("(Os)", Py_True, "");
    return Py_BuildValue("(Os)", Py_False, why ? why : "unavailable");
}

static int
ready(void)
{
    const char *why = NULL;
    if (jp_cuda_init(&why) == 0)
        return 0;
    PyErr_Format(PyExc_RuntimeError, "CUDA is not available: %s", why ? why : "unknown");
    return -1;
}

static PyObject *
driver_error(void)
{
    PyErr_SetString(PyExc_RuntimeError, jp_cuda_error());
    return NULL;
}

static PyObject *
cuda_device(PyObject *module, PyObject *unused)
{
    char name[256] = "";
    int cc = 0;
    (void)module;
    (void)unused;
    if (ready() < 0)
        return NULL;
    jp_cuda_device(name, sizeof name, &cc);
    return Py_BuildValue("(si)", name, cc);
}

static PyObject *
cuda_load(PyObject *module, PyObject *arg)
{
    char log[8192];
    void *mod;
    (void)module;
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "PTX must be a str");
        return NULL;
    }
    if (ready() < 0)
        return NULL;
    if ((mod = jp_cuda_load(PyUnicode_AsUTF8(arg), log, sizeof log)) == NULL) {
        PyErr_Format(PyExc_RuntimeError, "%s\n%s", jp_cuda_error(), log);
        return NULL;
    }
    return PyLong_FromVoidPtr(mod);
}

static PyObject *
cuda_function(PyObject *module, PyObject *args)
{
    PyObject *mod;
    const char *name;
    void *fn;
    (void)module;
    if (!PyArg_ParseTuple(args, "Os:cuda_function", &mod, &name))
        return NULL;
    if ((fn = jp_cuda_function(PyLong_AsVoidPtr(mod), name)) == NULL)
        return driver_error();
    return PyLong_FromVoidPtr(fn);
}

/* cuda_launch(function, grid, block, shmem, argtypes, args): device arrays
 * are objects with _devptr, shape and strides; scalars unbox as for a call. */
static PyObject *
cuda_launch(PyObject *module, PyObject *args)
{
    PyObject *fn, *types, *values;
    unsigned grid[3], block[3], shmem;
    jp_type *argtypes[64];
    void *params[64];
    size_t offsets[64], end;
    _Alignas(16) unsigned char mem[8192];
    int n;
    (void)module;
    if (!PyArg_ParseTuple(args, "O(III)(III)IOO!:cuda_launch", &fn, &grid[0], &grid[1], &grid[2], &block[0],
                          &block[1], &block[2], &shmem, &types, &PyTuple_Type, &values))
        return NULL;
    if ((n = jp_kernargs_types(types, argtypes, JP_KERNARGS_MAX)) < 0)
        return NULL;
    if (jp_kernargs_pack(n, argtypes, values, mem, sizeof mem, offsets, &end) < 0)    /* gpu/kernargs.c */
        return NULL;
    for (int i = 0; i < n; i++)
        params[i] = mem + offsets[i];
    if (ready() < 0)
        return NULL;
    if (jp_cuda_launch(PyLong_AsVoidPtr(fn), grid, block, shmem, NULL, params) < 0)
        return driver_error();
    Py_RETURN_NONE;
}

static PyObject *
cuda_malloc(PyObject *module, PyObject *arg)
{
    jp_devptr p;
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    (void)module;
    if (n < 0 && PyErr_Occurred())
        return NULL;
    if (ready() < 0)
        return NULL;
    if (jp_cuda_alloc(&p, (size_t)n) < 0)
        return driver_error();
    return PyLong_FromUnsignedLongLong(p);
}

static PyObject *
cuda_free(PyObject *module, PyObject *arg)
{
    (void)module;
    if (jp_cuda_free(PyLong_AsUnsignedLongLong(arg)) < 0)
        return driver_error();
    Py_RETURN_NONE;
}

static PyObject *
cuda_htod(PyObject *module, PyObject *args)
{
    unsigned long long dst;
    Py_buffer view;
    int rc;
    (void)module;
    if (!PyArg_ParseTuple(args, "Ky*:cuda_htod", &dst, &view))
        return NULL;
    rc = jp_cuda_htod(dst, view.buf, (size_t)view.len);
    PyBuffer_Release(&view);
    if (rc < 0)
        return driver_error();
    Py_RETURN_NONE;
}

static PyObject *
cuda_dtoh(PyObject *module, PyObject *args)
{
    unsigned long long src;
    Py_buffer view;
    int rc;
    (void)module;
    if (!PyArg_ParseTuple(args, "w*K:cuda_dtoh", &view, &src))
        return NULL;
    rc = jp_cuda_dtoh(view.buf, src, (size_t)view.len);
    PyBuffer_Release(&view);
    if (rc < 0)
        return driver_error();
    Py_RETURN_NONE;
}

static PyObject *
cuda_sync(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    if (jp_cuda_sync() < 0)
        return driver_error();
    Py_RETURN_NONE;
}

static PyObject *
cuda_libdevice(PyObject *module, PyObject *unused)
{
    const char *p = jp_cuda_libdevice_path();
    (void)module;
    (void)unused;
    if (p == NULL)
        Py_RETURN_NONE;
    return PyUnicode_FromString(p);
}

static PyMethodDef cuda_functions[] = {
    {"cuda_compile", cuda_compile, METH_VARARGS, "Compile a jitted function to PTX."},
    {"cuda_available", cuda_available, METH_NOARGS, "(usable, reason)"},
    {"cuda_device", cuda_device, METH_NOARGS, "(name, compute capability as 75)"},
    {"cuda_load", cuda_load, METH_O, "Load PTX; the module handle."},
    {"cuda_function", cuda_function, METH_VARARGS, "A kernel's handle in a module."},
    {"cuda_launch", cuda_launch, METH_VARARGS, "Launch a kernel."},
    {"cuda_malloc", cuda_malloc, METH_O, "Device memory (a pointer as int)."},
    {"cuda_free", cuda_free, METH_O, "Free device memory."},
    {"cuda_htod", cuda_htod, METH_VARARGS, "Copy a buffer to the device."},
    {"cuda_dtoh", cuda_dtoh, METH_VARARGS, "Copy device memory into a writable buffer."},
    {"cuda_sync", cuda_sync, METH_NOARGS, "Wait for the device."},
    {"cuda_libdevice", cuda_libdevice, METH_NOARGS, "Path of libdevice, or None."},
    {NULL, NULL, 0, NULL},
};

int
jp_cuda_module_init(PyObject *m)
{
    return PyModule_AddFunctions(m, cuda_functions);
}
