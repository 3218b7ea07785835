/* sampler/memory_numpy.c - NumPy array data into allocation sampling: a
 * PyDataMem handler that wraps the one it replaces (PyDataMem_SetHandler,
 * NumPy >= 1.22).
 *
 * NumPy keeps the handler in a context variable, and every array keeps the
 * handler that allocated it to free its data, long after the session: so a
 * wrapper is never freed (one per wrapped handler, at most WRAP_MAX in a
 * process), and once the session stops it only passes calls through
 * (jp_mem_alloc/jp_mem_free test jp_mem_on first).  The thread that starts
 * the session gets its saved handler object back at the stop.
 */
#include "sampler/memory.h"

#include "jit/numpy_api.h"

#define WRAP_MAX 8

typedef struct {
    PyDataMem_Handler handler;  /* allocator.ctx points back at this wrapper */
    PyDataMem_Handler *inner;   /* the wrapped handler */
    PyObject *inner_capsule;    /* kept alive for ever, as is ours */
    PyObject *capsule;
} wrapper;

static wrapper wraps[WRAP_MAX];
static int n_wraps;
static PyObject *saved;         /* the starting thread's handler, to put back */

static void *
w_malloc(void *ctx, size_t size)
{
    wrapper *w = ctx;
    void *p = w->inner->allocator.malloc(w->inner->allocator.ctx, size);
    if (p != NULL)
        jp_mem_alloc(p, size, 0, NULL);
    return p;
}

static void *
w_calloc(void *ctx, size_t nelem, size_t elsize)
{
    wrapper *w = ctx;
    void *p = w->inner->allocator.calloc(w->inner->allocator.ctx, nelem, elsize);
    if (p != NULL)
        jp_mem_alloc(p, nelem * elsize, 0, NULL);
    return p;
}

static void *
w_realloc(void *ctx, void *ptr, size_t size)
{
    wrapper *w = ctx;
    void *p;
    if (ptr != NULL)
        jp_mem_free(ptr);
    p = w->inner->allocator.realloc(w->inner->allocator.ctx, ptr, size);
    if (p != NULL)
        jp_mem_alloc(p, size, 0, NULL);
    return p;
}

static void
w_free(void *ctx, void *ptr, size_t size)
{
    wrapper *w = ctx;
    if (ptr != NULL)
        jp_mem_free(ptr);
    w->inner->allocator.free(w->inner->allocator.ctx, ptr, size);
}

static int
is_ours(PyDataMem_Handler *h)
{
    for (int i = 0; i < n_wraps; i++)
        if (h == &wraps[i].handler)
            return 1;
    return 0;
}

/* The wrapper of `inner` (made once), or NULL with an exception. */
static wrapper *
wrapper_of(PyObject *inner_capsule, PyDataMem_Handler *inner)
{
    wrapper *w;
    for (int i = 0; i < n_wraps; i++)
        if (wraps[i].inner == inner)
            return &wraps[i];
    if (n_wraps == WRAP_MAX) {
        PyErr_SetString(PyExc_RuntimeError, "too many distinct NumPy allocator handlers");
        return NULL;
    }
    w = &wraps[n_wraps];
    snprintf(w->handler.name, sizeof w->handler.name, "jitprofile(%.100s)", inner->name);
    w->handler.version = 1;
    w->handler.allocator.ctx = w;
    w->handler.allocator.malloc = w_malloc;
    w->handler.allocator.calloc = w_calloc;
    w->handler.allocator.realloc = w_realloc;
    w->handler.allocator.free = w_free;
    w->inner = inner;
    w->capsule = PyCapsule_New(&w->handler, "mem_handler", NULL);
    if (w->capsule == NULL)
        return NULL;
    Py_INCREF(inner_capsule);
    w->inner_capsule = inner_capsule;
    n_wraps++;
    return w;
}

int
jp_memory_numpy_install(int starter)
{
    PyObject *cur, *prev;
    PyDataMem_Handler *h;
    wrapper *w;

    if (!jp_numpy_ready())
        return -1;
    if ((cur = PyDataMem_GetHandler()) == NULL)
        return -1;
    h = PyCapsule_GetPointer(cur, "mem_handler");
    if (h == NULL) {
        Py_DECREF(cur);
        return -1;
    }
    if (is_ours(h) || h->version != 1) {
        Py_DECREF(cur);
        return 0;               /* wrapped already (or a layout we do not know) */
    }
    w = wrapper_of(cur, h);
    Py_DECREF(cur);
    if (w == NULL)
        return -1;
    prev = PyDataMem_SetHandler(w->capsule);
    if (prev == NULL)
        return -1;
    if (starter && saved == NULL)
        saved = prev;           /* put back in this thread at the stop */
    else
        Py_DECREF(prev);
    return 0;
}

void
jp_memory_numpy_restore(void)
{
    PyObject *prev;
    if (saved == NULL)
        return;
    prev = PyDataMem_SetHandler(saved);
    if (prev == NULL)
        PyErr_Clear();
    Py_XDECREF(prev);
    Py_CLEAR(saved);
}

PyObject *
jp_memory_numpy_current(void)
{
    if (!jp_numpy_ready())
        Py_RETURN_NONE;
    return PyDataMem_GetHandler();
}
