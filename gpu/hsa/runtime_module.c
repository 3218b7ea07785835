/* gpu/hsa/runtime_module.c - the Python-facing side of the HSA runtime in
 * _core (roc_*): availability, agents, device memory, copies, loading code
 * objects, kernel symbols and launches; the glue is
 * kernel_ext/jitprofile/roc/_runtime.py.  Failures raise RuntimeError with
 * the runtime's reason (the glue turns them into RocSupportError). */
#include "gpu/kernargs.h"
#include "gpu/hsa/runtime.h"
#include "gpu/hsa/roc_target.h"

#include <string.h>

static int
ready(void)
{
    const char *why = NULL;
    if (jp_hsa_init(&why) == 0)
        return 0;
    PyErr_Format(PyExc_RuntimeError, "ROC is not available: %s", why ? why : "unknown");
    return -1;
}

static PyObject *
runtime_error(void)
{
    PyErr_SetString(PyExc_RuntimeError, jp_hsa_error());
    return NULL;
}

static PyObject *
roc_available(PyObject *module, PyObject *unused)
{
    const char *why = NULL;
    (void)module;
    (void)unused;
    if (jp_hsa_init(&why) == 0)
        return Py_BuildValue("(Os)", Py_True, "");
    return Py_BuildValue("(Os)", Py_False, why ? why : "unavailable");
}

static PyObject *
roc_agents(PyObject *module, PyObject *unused)
{
    jp_hsa_agent_info a[16];
    PyObject *list;
    int n;
    (void)module;
    (void)unused;
    if (ready() < 0)
        return NULL;
    if ((n = jp_hsa_agents(a, 16)) < 0)
        return runtime_error();
    if ((list = PyList_New(n)) == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        PyObject *d = Py_BuildValue("{s:s,s:s,s:s,s:I,s:I,s:I}", "name", a[i].name, "isa", a[i].isa, "product",
                                    a[i].product, "wavefront", a[i].wavefront, "compute_units",
                                    a[i].compute_units, "queue_max", a[i].queue_max);
        if (d == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, d);
    }
    return list;
}

static PyObject *
roc_malloc(PyObject *module, PyObject *arg)
{
    uint64_t p;
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    (void)module;
    if (n < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "negative size");
        return NULL;
    }
    if (ready() < 0)
        return NULL;
    if (jp_hsa_alloc(&p, (size_t)n) < 0)
        return runtime_error();
    return PyLong_FromUnsignedLongLong(p);
}

static PyObject *
roc_free(PyObject *module, PyObject *arg)
{
    unsigned long long p = PyLong_AsUnsignedLongLong(arg);
    (void)module;
    if (p == (unsigned long long)-1 && PyErr_Occurred())
        return NULL;
    if (jp_hsa_free(p) < 0)
        return runtime_error();
    Py_RETURN_NONE;
}

/* roc_htod(dst, buffer) and roc_dtoh(src, writable buffer): one copy of
 * the buffer's bytes between host and device, the GIL released. */
static PyObject *
copy(PyObject *args, int to_device)
{
    unsigned long long dev;
    Py_buffer view;
    int rc;
    if (!PyArg_ParseTuple(args, to_device ? "Ky*:roc_htod" : "Kw*:roc_dtoh", &dev, &view))
        return NULL;
    if (ready() < 0) {
        PyBuffer_Release(&view);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    rc = to_device ? jp_hsa_htod(dev, view.buf, (size_t)view.len) : jp_hsa_dtoh(view.buf, dev, (size_t)view.len);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (rc < 0)
        return runtime_error();
    Py_RETURN_NONE;
}

static PyObject *
roc_htod(PyObject *module, PyObject *args)
{
    (void)module;
    return copy(args, 1);
}

static PyObject *
roc_dtoh(PyObject *module, PyObject *args)
{
    (void)module;
    return copy(args, 0);
}

static PyObject *
roc_load(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    jp_hsa_exe *e;
    (void)module;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    if (ready() < 0) {
        PyBuffer_Release(&view);
        return NULL;
    }
    e = jp_hsa_load(view.buf, (size_t)view.len);
    PyBuffer_Release(&view);
    if (e == NULL)
        return runtime_error();
    return PyLong_FromVoidPtr(e);
}

static PyObject *
roc_unload(PyObject *module, PyObject *arg)
{
    void *e = PyLong_AsVoidPtr(arg);
    (void)module;
    if (e == NULL && PyErr_Occurred())
        return NULL;
    jp_hsa_unload(e);
    Py_RETURN_NONE;
}

static PyObject *
roc_kernel(PyObject *module, PyObject *args)
{
    PyObject *handle;
    const char *name;
    jp_hsa_kernel k;
    void *e;
    (void)module;
    if (!PyArg_ParseTuple(args, "Os:roc_kernel", &handle, &name))
        return NULL;
    if ((e = PyLong_AsVoidPtr(handle)) == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "not a loaded code object");
        return NULL;
    }
    if (ready() < 0)
        return NULL;
    if (jp_hsa_kernel_get(e, name, &k) < 0)
        return runtime_error();
    return Py_BuildValue("(KIII)", (unsigned long long)k.object, k.kernarg_size, k.group_size, k.private_size);
}

/* roc_launch(kernel, grid, group, dynamic_lds, argtypes, args)
 *   kernel: roc_kernel's (object, kernarg_size, group_size, private_size)
 *           with the kernel's name as an optional fifth item;
 *   grid:   workgroups per dimension (as CUDA's grid); group: work-items
 *           per workgroup.  -> (start_ns, end_ns, name): the kernel's run
 *           on CLOCK_MONOTONIC (0, 0 when the runtime gave no times). */
static PyObject *
roc_launch(PyObject *module, PyObject *args)
{
    jp_hsa_kernel k;
    const char *name = "";
    unsigned long long object;
    uint32_t groups[3], items[3], lds;
    PyObject *kernel, *types, *values;
    jp_type *argtypes[JP_KERNARGS_MAX];
    _Alignas(16) unsigned char mem[8192];
    size_t end;
    uint64_t start_ns, end_ns;
    int n, rc;
    (void)module;
    if (!PyArg_ParseTuple(args, "O!(III)(III)IOO!:roc_launch", &PyTuple_Type, &kernel, &groups[0], &groups[1],
                          &groups[2], &items[0], &items[1], &items[2], &lds, &types, &PyTuple_Type, &values))
        return NULL;
    if (PyTuple_GET_SIZE(kernel) == 4 ? !PyArg_ParseTuple(kernel, "KIII", &object, &k.kernarg_size, &k.group_size,
                                                           &k.private_size)
                                      : !PyArg_ParseTuple(kernel, "KIIIs", &object, &k.kernarg_size,
                                                          &k.group_size, &k.private_size, &name))
        return NULL;
    k.object = object;
    if ((n = jp_kernargs_types(types, argtypes, JP_KERNARGS_MAX)) < 0)
        return NULL;
    if (jp_kernargs_pack(n, argtypes, values, mem, sizeof mem, NULL, &end) < 0)
        return NULL;
    if (ready() < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    rc = jp_hsa_launch(&k, groups, items, lds, mem, end, &start_ns, &end_ns);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return runtime_error();
    return Py_BuildValue("(KKs)", (unsigned long long)start_ns, (unsigned long long)end_ns, name);
}

/* kernargs_pack(argtypes, args, kernarg_size=0, grid=(1,1,1), group=(1,1,1),
 * dynamic_lds=0) -> (bytes, offsets): the kernarg segment a launch would
 * hand the device, explicit arguments then, when kernarg_size leaves room,
 * the COV5 hidden ones.  Needs no GPU (the tests check the layout). */
static PyObject *
kernargs_pack(PyObject *module, PyObject *args)
{
    PyObject *types, *values, *offs;
    unsigned int kernarg_size = 0;
    uint32_t groups[3] = {1, 1, 1}, items[3] = {1, 1, 1}, lds = 0;
    jp_type *argtypes[JP_KERNARGS_MAX];
    size_t offsets[JP_KERNARGS_MAX], end, seg_size;
    _Alignas(16) unsigned char mem[8192];
    int n;
    (void)module;
    if (!PyArg_ParseTuple(args, "OO!|I(III)(III)I:kernargs_pack", &types, &PyTuple_Type, &values, &kernarg_size,
                          &groups[0], &groups[1], &groups[2], &items[0], &items[1], &items[2], &lds))
        return NULL;
    if ((n = jp_kernargs_types(types, argtypes, JP_KERNARGS_MAX)) < 0)
        return NULL;
    memset(mem, 0, sizeof mem);
    if (jp_kernargs_pack(n, argtypes, values, mem, sizeof mem, offsets, &end) < 0)
        return NULL;
    seg_size = kernarg_size > end ? kernarg_size : end;
    if (seg_size > sizeof mem) {
        PyErr_SetString(PyExc_ValueError, "kernarg segment too large");
        return NULL;
    }
    jp_hsa_hidden_args(mem, seg_size, end, groups, items, lds, 0);
    if ((offs = PyTuple_New(n)) == NULL)
        return NULL;
    for (int i = 0; i < n; i++)
        PyTuple_SET_ITEM(offs, i, PyLong_FromSize_t(offsets[i]));
    return Py_BuildValue("(y#N)", (const char *)mem, (Py_ssize_t)seg_size, offs);
}

static PyMethodDef roc_runtime_functions[] = {
    {"roc_available", roc_available, METH_NOARGS, "(usable, reason): whether an AMD GPU can run kernels."},
    {"roc_agents", roc_agents, METH_NOARGS, "The GPU agents: [{name, isa, product, wavefront, ...}]."},
    {"roc_malloc", roc_malloc, METH_O, "Device memory (a pointer as int)."},
    {"roc_free", roc_free, METH_O, "Free device memory."},
    {"roc_htod", roc_htod, METH_VARARGS, "roc_htod(ptr, buffer): copy a buffer to the device."},
    {"roc_dtoh", roc_dtoh, METH_VARARGS, "roc_dtoh(ptr, writable buffer): copy device memory to the host."},
    {"roc_load", roc_load, METH_O, "Load a code object (bytes) into an executable; its handle."},
    {"roc_unload", roc_unload, METH_O, "Destroy a loaded executable."},
    {"roc_kernel", roc_kernel, METH_VARARGS,
     "roc_kernel(handle, name) -> (kernel_object, kernarg_size, group_size, private_size)"},
    {"roc_launch", roc_launch, METH_VARARGS,
     "roc_launch(kernel, grid, group, dynamic_lds, argtypes, args) -> (start_ns, end_ns, name)"},
    {"kernargs_pack", kernargs_pack, METH_VARARGS,
     "kernargs_pack(argtypes, args, kernarg_size=0, grid=(1,1,1), group=(1,1,1), dynamic_lds=0)"
     " -> (segment bytes, offsets)"},
    {NULL, NULL, 0, NULL},
};

int
jp_roc_runtime_module_init(PyObject *m)
{
    return PyModule_AddFunctions(m, roc_runtime_functions);
}
