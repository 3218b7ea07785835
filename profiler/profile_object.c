/* profiler/profile_object.c - jitprofile._core.ProfileData: the aggregated
 * profile as a Python object.  Tables out as lists of tuples, interning in,
 * reductions (stats, folded stacks) and merging of child profiles in C. */
#include "profiler/profile_object.h"

#include <stdlib.h>
#include <string.h>

#include "profiler/calltree.h"

typedef struct {
    PyObject_HEAD
    jp_profile prof;
} JpProfileData;

static const char *const category_names[JP_CAT_COUNT] = {"python", "native", "jit", "gpu"};

jp_profile *
jp_profile_of(PyObject *obj)
{
    if (!PyObject_TypeCheck(obj, &JpProfileData_Type)) {
        PyErr_SetString(PyExc_TypeError, "expected a jitprofile._core.ProfileData");
        return NULL;
    }
    return &((JpProfileData *)obj)->prof;
}

static PyObject *
pd_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    JpProfileData *self;
    if (PyTuple_GET_SIZE(args) != 0 || (kw != NULL && PyDict_GET_SIZE(kw) != 0)) {
        PyErr_SetString(PyExc_TypeError, "ProfileData() takes no arguments");
        return NULL;
    }
    self = (JpProfileData *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    if (jp_profile_init(&self->prof) < 0) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    return (PyObject *)self;
}

static void
pd_dealloc(JpProfileData *self)
{
    jp_profile_clear(&self->prof);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
id_or_error(uint32_t id)
{
    if (id == JP_NONE) {
        PyErr_SetString(PyExc_ValueError, "invalid id or out of memory");
        return NULL;
    }
    return PyLong_FromUnsignedLong(id);
}

static PyObject *
pd_intern_func(JpProfileData *self, PyObject *args)
{
    const char *name, *file, *module, *cat;
    int first_line, c;
    if (!PyArg_ParseTuple(args, "sssis", &name, &file, &module, &first_line, &cat))
        return NULL;
    for (c = 0; c < JP_CAT_COUNT; c++)
        if (strcmp(cat, category_names[c]) == 0)
            break;
    if (c == JP_CAT_COUNT) {
        PyErr_Format(PyExc_ValueError, "unknown category %R", PyTuple_GET_ITEM(args, 4));
        return NULL;
    }
    return id_or_error(jp_profile_func(&self->prof, name, file, module, first_line, c));
}

static PyObject *
pd_intern_frame(JpProfileData *self, PyObject *args)
{
    unsigned int func;
    int line;
    if (!PyArg_ParseTuple(args, "Ii", &func, &line))
        return NULL;
    return id_or_error(jp_profile_frame(&self->prof, func, line));
}

static PyObject *
pd_intern_node(JpProfileData *self, PyObject *args)
{
    unsigned int parent, frame;
    if (!PyArg_ParseTuple(args, "II", &parent, &frame))
        return NULL;
    return id_or_error(jp_profile_node(&self->prof, parent, frame));
}

static PyObject *
pd_add_thread(JpProfileData *self, PyObject *args)
{
    int pid, tid;
    const char *name = "";
    uint32_t id;
    if (!PyArg_ParseTuple(args, "ii|s", &pid, &tid, &name))
        return NULL;
    id = jp_profile_thread(&self->prof, pid, tid);
    if (id != JP_NONE && name[0])
        jp_profile_thread_name(&self->prof, id, name);
    return id_or_error(id);
}

static PyObject *
pd_add_sample(JpProfileData *self, PyObject *args)
{
    unsigned int thread, node, weight = 1;
    unsigned long long ts;
    if (!PyArg_ParseTuple(args, "IIK|I", &thread, &node, &ts, &weight))
        return NULL;
    if (jp_profile_add_sample(&self->prof, thread, node, ts, weight) < 0) {
        PyErr_SetString(PyExc_ValueError, "invalid thread or node id");
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
pd_functions(JpProfileData *self, PyObject *noargs)
{
    const jp_profile *p = &self->prof;
    PyObject *list = PyList_New((Py_ssize_t)p->funcs.n);
    (void)noargs;
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < p->funcs.n; i++) {
        const jp_func *f = &p->funcs.v[i];
        PyObject *t = Py_BuildValue("(sssis)", jp_profile_str(p, f->name),
                                    jp_profile_str(p, f->file), jp_profile_str(p, f->module),
                                    f->first_line, category_names[f->category % JP_CAT_COUNT]);
        if (t == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    return list;
}

static PyObject *
pd_frames(JpProfileData *self, PyObject *noargs)
{
    const jp_profile *p = &self->prof;
    PyObject *list = PyList_New((Py_ssize_t)p->frames.n);
    (void)noargs;
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < p->frames.n; i++) {
        PyObject *t = Py_BuildValue("(Ii)", p->frames.v[i].func, p->frames.v[i].line);
        if (t == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    return list;
}

static PyObject *
pd_nodes(JpProfileData *self, PyObject *noargs)
{
    const jp_profile *p = &self->prof;
    PyObject *list = PyList_New((Py_ssize_t)p->nodes.n);
    (void)noargs;
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < p->nodes.n; i++) {
        const jp_node *n = &p->nodes.v[i];
        PyObject *t = Py_BuildValue("(ll)", n->parent == JP_NONE ? -1L : (long)n->parent,
                                    n->frame == JP_NONE ? -1L : (long)n->frame);
        if (t == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    return list;
}

static PyObject *
pd_threads(JpProfileData *self, PyObject *noargs)
{
    const jp_profile *p = &self->prof;
    PyObject *list = PyList_New((Py_ssize_t)p->threads.n);
    (void)noargs;
    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < p->threads.n; i++) {
        const jp_thread_rec *t = &p->threads.v[i];
        PyObject *o = Py_BuildValue("(iisK)", t->pid, t->tid, jp_profile_str(p, t->name),
                                    (unsigned long long)t->samples);
        if (o == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, o);
    }
    return list;
}

static PyObject *
pd_samples(JpProfileData *self, PyObject *args)
{
    const jp_profile *p = &self->prof;
    Py_ssize_t start = 0;
    if (!PyArg_ParseTuple(args, "|n", &start))
        return NULL;
    if (start < 0 || (size_t)start > p->samples.n)
        start = (Py_ssize_t)p->samples.n;
    PyObject *list = PyList_New((Py_ssize_t)p->samples.n - start);
    if (list == NULL)
        return NULL;
    for (size_t i = (size_t)start; i < p->samples.n; i++) {
        const jp_sample_rec *s = &p->samples.v[i];
        PyObject *o = Py_BuildValue("(IIKI)", s->thread, s->node,
                                    (unsigned long long)s->ts, s->weight);
        if (o == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i - start, o);
    }
    return list;
}

static PyObject *
pd_stats(JpProfileData *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"pid", "tid", NULL};
    int pid = -1, tid = -1;
    jp_func_stat *st = NULL;
    size_t n = 0;
    uint64_t total = 0;
    PyObject *list;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "|ii", kwlist, &pid, &tid))
        return NULL;
    if (jp_calltree_stats(&self->prof, pid, tid, &st, &n, &total) < 0)
        return PyErr_NoMemory();
    list = PyList_New((Py_ssize_t)n);
    if (list == NULL)
        goto done;
    for (size_t i = 0; i < n; i++) {
        PyObject *t = Py_BuildValue("(IKKI)", st[i].func, (unsigned long long)st[i].self,
                                    (unsigned long long)st[i].total, st[i].threads);
        if (t == NULL) {
            Py_CLEAR(list);
            goto done;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
done:
    free(st);
    if (list == NULL)
        return NULL;
    return Py_BuildValue("(KN)", (unsigned long long)total, list);
}

static PyObject *
pd_collapsed(JpProfileData *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"pid", "tid", NULL};
    int pid = -1, tid = -1;
    char *s;
    PyObject *r;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "|ii", kwlist, &pid, &tid))
        return NULL;
    s = jp_calltree_collapsed(&self->prof, pid, tid);
    if (s == NULL)
        return PyErr_NoMemory();
    r = PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
    free(s);
    return r;
}

/* Merge another profile's samples (a child process's) into this one. */
static PyObject *
pd_merge(JpProfileData *self, PyObject *arg)
{
    jp_profile *src = jp_profile_of(arg), *dst = &self->prof;
    uint32_t *fmap = NULL, *frmap = NULL, *nmap = NULL, *tmap = NULL;

    if (src == NULL)
        return NULL;
    if (src == dst) {
        PyErr_SetString(PyExc_ValueError, "cannot merge a profile into itself");
        return NULL;
    }
    fmap = malloc((src->funcs.n + 1) * sizeof *fmap);
    frmap = malloc((src->frames.n + 1) * sizeof *frmap);
    nmap = malloc((src->nodes.n + 1) * sizeof *nmap);
    tmap = malloc((src->threads.n + 1) * sizeof *tmap);
    if (!fmap || !frmap || !nmap || !tmap)
        goto nomem;
    for (size_t i = 0; i < src->funcs.n; i++) {
        const jp_func *f = &src->funcs.v[i];
        fmap[i] = jp_profile_func(dst, jp_profile_str(src, f->name), jp_profile_str(src, f->file),
                                  jp_profile_str(src, f->module), f->first_line, f->category);
        if (fmap[i] == JP_NONE)
            goto nomem;
    }
    for (size_t i = 0; i < src->frames.n; i++) {
        frmap[i] = jp_profile_frame(dst, fmap[src->frames.v[i].func], src->frames.v[i].line);
        if (frmap[i] == JP_NONE)
            goto nomem;
    }
    nmap[0] = JP_ROOT_NODE;
    for (size_t i = 1; i < src->nodes.n; i++) {     /* parents come first */
        nmap[i] = jp_profile_node(dst, nmap[src->nodes.v[i].parent], frmap[src->nodes.v[i].frame]);
        if (nmap[i] == JP_NONE)
            goto nomem;
    }
    for (size_t i = 0; i < src->threads.n; i++) {
        tmap[i] = jp_profile_thread(dst, src->threads.v[i].pid, src->threads.v[i].tid);
        if (tmap[i] == JP_NONE)
            goto nomem;
        jp_profile_thread_name(dst, tmap[i], jp_profile_str(src, src->threads.v[i].name));
    }
    for (size_t i = 0; i < src->samples.n; i++) {
        const jp_sample_rec *s = &src->samples.v[i];
        if (jp_profile_add_sample(dst, tmap[s->thread], nmap[s->node], s->ts, s->weight) < 0)
            goto nomem;
    }
    free(fmap);
    free(frmap);
    free(nmap);
    free(tmap);
    Py_RETURN_NONE;
nomem:
    free(fmap);
    free(frmap);
    free(nmap);
    free(tmap);
    return PyErr_NoMemory();
}

static PyObject *
pd_get_interval(JpProfileData *self, void *closure)
{
    (void)closure;
    return PyFloat_FromDouble(self->prof.interval_s);
}

static int
pd_set_interval(JpProfileData *self, PyObject *v, void *closure)
{
    double d;
    (void)closure;
    if (v == NULL) {
        PyErr_SetString(PyExc_AttributeError, "cannot delete interval");
        return -1;
    }
    d = PyFloat_AsDouble(v);
    if (d == -1.0 && PyErr_Occurred())
        return -1;
    if (!(d > 0.0)) {
        PyErr_SetString(PyExc_ValueError, "interval must be positive");
        return -1;
    }
    self->prof.interval_s = d;
    return 0;
}

static PyMethodDef pd_methods[] = {
    {"intern_func", (PyCFunction)pd_intern_func, METH_VARARGS,
     "intern_func(name, file, module, first_line, category) -> function id"},
    {"intern_frame", (PyCFunction)pd_intern_frame, METH_VARARGS,
     "intern_frame(func, line) -> frame id"},
    {"intern_node", (PyCFunction)pd_intern_node, METH_VARARGS,
     "intern_node(parent, frame) -> call-tree node id (0 is the root)"},
    {"add_thread", (PyCFunction)pd_add_thread, METH_VARARGS,
     "add_thread(pid, tid, name='') -> thread id"},
    {"add_sample", (PyCFunction)pd_add_sample, METH_VARARGS,
     "add_sample(thread, node, ts_ns, weight=1)"},
    {"functions", (PyCFunction)pd_functions, METH_NOARGS,
     "[(name, file, module, first_line, category)]"},
    {"frames", (PyCFunction)pd_frames, METH_NOARGS, "[(func, line)]"},
    {"nodes", (PyCFunction)pd_nodes, METH_NOARGS, "[(parent, frame)]; node 0 is the root"},
    {"threads", (PyCFunction)pd_threads, METH_NOARGS, "[(pid, tid, name, samples)]"},
    {"samples", (PyCFunction)pd_samples, METH_VARARGS,
     "samples(start=0) -> [(thread, node, ts_ns, weight)] from index start on (append-only)"},
    {"stats", (PyCFunction)(void (*)(void))pd_stats, METH_VARARGS | METH_KEYWORDS,
     "stats(pid=-1, tid=-1) -> (total, [(func, self, total, threads)]) sorted by self"},
    {"collapsed", (PyCFunction)(void (*)(void))pd_collapsed, METH_VARARGS | METH_KEYWORDS,
     "collapsed(pid=-1, tid=-1) -> folded stacks text"},
    {"merge", (PyCFunction)pd_merge, METH_O, "merge(other): add another profile's samples"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef pd_getset[] = {
    {"interval", (getter)pd_get_interval, (setter)pd_set_interval,
     "seconds that one sample of weight 1 stands for", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject JpProfileData_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitprofile._core.ProfileData",
    .tp_basicsize = sizeof(JpProfileData),
    .tp_dealloc = (destructor)pd_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Aggregated samples: functions, frames, call tree, threads.",
    .tp_methods = pd_methods,
    .tp_getset = pd_getset,
    .tp_new = pd_new,
};
