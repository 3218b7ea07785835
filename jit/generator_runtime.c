/* jit/generator_runtime.c - run-time side of generators: the state block
 * behind a generator object (see generator.h) and the Python iterator
 * that a call from Python returns, as Numba returns a generator. */
#include "jit/generator.h"
#include "jit/dispatcher.h"
#include "jit/nrt.h"

#include <stdlib.h>

static void
gen_dtor(void *data)
{
    jp_genstate *st = data;
    void *h = st->handle;
    if (h) {
        st->handle = NULL;
        st->destroy(h);             /* releases the locals the frame holds */
    }
}

void *
jp_rt_gen_new(int64_t value_size)
{
    return jp_nrt_alloc_dtor(JP_GEN_VALUE + (value_size > 0 ? value_size : 8), gen_dtor);
}

int32_t
jp_rt_gen_next(jp_genstate *st)
{
    void *h = st->handle;
    if (h == NULL)
        return 2;
    st->status = 2;
    st->resume(h);
    if (st->status != 0) {          /* at its final suspend point: done */
        st->handle = NULL;
        st->destroy(h);
    }
    return (int32_t)st->status;
}

void *
jp_rt_gen_frame_alloc(int64_t size)
{
    return malloc((size_t)size);
}

void
jp_rt_gen_frame_free(void *frame)
{
    free(frame);
}

/* ---- the Python iterator ------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    jp_meminfo *mi;
    jp_type *type;                  /* generator(T) */
} JpGenerator;

static void
gen_dealloc(PyObject *self)
{
    JpGenerator *g = (JpGenerator *)self;
    jp_nrt_decref(g->mi);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *
gen_iternext(PyObject *self)
{
    JpGenerator *g = (JpGenerator *)self;
    jp_genstate *st = g->mi->data;
    switch (jp_rt_gen_next(st)) {
    case 0:
        return jp_box(g->type->dtype, (const char *)st + JP_GEN_VALUE);
    case 1: {
        jp_excinfo exc = st->exc;
        memset(&st->exc, 0, sizeof st->exc);
        return jp_raise_from_jit(&exc);
    }
    default:
        return NULL;                /* StopIteration */
    }
}

static PyObject *
gen_repr(PyObject *self)
{
    return PyUnicode_FromFormat("<jitprofile %s object at %p>", ((JpGenerator *)self)->type->name, self);
}

static PyTypeObject JpGenerator_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitprofile.generator",
    .tp_basicsize = sizeof(JpGenerator),
    .tp_dealloc = gen_dealloc,
    .tp_repr = gen_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A jitted generator function's generator: iterate it once.",
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = gen_iternext,
};

PyObject *
jp_generator_box(jp_type *t, void *mi)
{
    JpGenerator *g = PyObject_New(JpGenerator, &JpGenerator_Type);
    if (g == NULL) {
        jp_nrt_decref(mi);
        return NULL;
    }
    g->mi = mi;
    g->type = t;
    return (PyObject *)g;
}

int
jp_generator_module_init(PyObject *m)
{
    if (PyType_Ready(&JpGenerator_Type) < 0)
        return -1;
    return PyModule_AddObjectRef(m, "Generator", (PyObject *)&JpGenerator_Type);
}
