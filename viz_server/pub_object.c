/* viz_server/pub_object.c - jitprofile._core.StreamPublisher: the Python
 * face of the publisher.  attach() registers the sampler's drain hook so
 * that every drain (GIL held) copies the profile's new entries into the
 * publisher's bounded staging queue; push() does the same on demand. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <unistd.h>

#include "profiler/profile_object.h"
#include "sampler/sampler.h"
#include "viz_server/endpoint.h"
#include "viz_server/publisher.h"
#include "viz_server/viz.h"

typedef struct {
    PyObject_HEAD
    jp_publisher *pub;
    pid_t owner;
    PyObject *data;         /* the attached ProfileData (strong) */
    jp_profile *prof;
} JpPub;

static JpPub *attached;     /* the publisher fed by the drain hook */
static int atfork_done;

static const char *const stat_names[JP_ST_COUNT] = {
    "samples_in", "weight_in", "stage_dropped", "stage_dropped_weight",
    "sampler_samples", "sampler_dropped", "messages", "bytes", "send_failed", "snapshots",
};

static void
collect(JpPub *self, int wait)
{
    jp_stage *st = jp_pub_stage(self->pub);
    int session = jp_S.profile == self->prof;
    jp_stage_collect(st, self->prof,
                     session ? jp_S.samples : st->last_sampler_samples,
                     session ? jp_S.dropped : st->last_sampler_dropped, wait);
}

static void
drain_hook(jp_profile *prof)
{
    if (attached != NULL && attached->pub != NULL && attached->prof == prof)
        collect(attached, 0);      /* never waits: skipped data goes next time */
}

static void
after_fork_child(void)
{
    /* the publisher thread and the ZeroMQ context stay in the parent */
    attached = NULL;
    jp_drain_hook = NULL;
}

static int
usable(JpPub *self)
{
    if (self->pub == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "the publisher is closed");
        return 0;
    }
    if (self->owner != getpid()) {
        PyErr_SetString(PyExc_RuntimeError, "the publisher belongs to the parent process");
        return 0;
    }
    return 1;
}

static PyObject *
pub_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"endpoint", "allow_remote", "sndhwm", "queue_kb", "interval_ms",
                             "snapshot_ms", "linger_ms", "grace_ms", NULL};
    const char *endpoint;
    int allow_remote = 0, sndhwm = 1000, queue_kb = 4096, interval_ms = 100;
    int snapshot_ms = 500, linger_ms = 500, grace_ms = 20, ipv6;
    char err[512], bound[512];
    jp_pub_config cfg;
    JpPub *self;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "s|piiiiii", kwlist, &endpoint, &allow_remote,
                                     &sndhwm, &queue_kb, &interval_ms, &snapshot_ms,
                                     &linger_ms, &grace_ms))
        return NULL;
    if (sndhwm < 1 || queue_kb < 64 || queue_kb > 1048576 || interval_ms < 1
        || interval_ms > 60000 || snapshot_ms < 10 || linger_ms < 0 || grace_ms < 0) {
        PyErr_SetString(PyExc_ValueError, "stream option out of range");
        return NULL;
    }
    if (jp_endpoint_check(endpoint, allow_remote, bound, sizeof bound, &ipv6, err,
                          sizeof err) < 0) {
        PyErr_SetString(strstr(err, "refusing") ? PyExc_PermissionError : PyExc_ValueError, err);
        return NULL;
    }
    if (!atfork_done) {
        if (pthread_atfork(NULL, NULL, after_fork_child) != 0)
            return PyErr_NoMemory();
        atfork_done = 1;
    }
    cfg = (jp_pub_config){endpoint, allow_remote, sndhwm, (size_t)queue_kb * 1024,
                          (uint64_t)interval_ms * 1000000ull, (uint64_t)grace_ms * 1000000ull,
                          (uint64_t)snapshot_ms * 1000000ull, linger_ms};
    self = (JpPub *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    self->pub = jp_pub_open(&cfg, err, sizeof err);
    Py_END_ALLOW_THREADS
    if (self->pub == NULL) {
        Py_DECREF(self);
        PyErr_SetString(PyExc_OSError, err);
        return NULL;
    }
    self->owner = getpid();
    return (PyObject *)self;
}

static void
pub_close_impl(JpPub *self)
{
    jp_publisher *pub = self->pub;
    if (attached == self) {
        attached = NULL;
        jp_drain_hook = NULL;
    }
    self->pub = NULL;
    /* a forked child must not touch the parent's publisher (its thread and
     * ZeroMQ context live in the parent; closing would unlink the endpoint) */
    if (pub != NULL && self->owner == getpid()) {
        Py_BEGIN_ALLOW_THREADS
        jp_pub_close(pub);
        Py_END_ALLOW_THREADS
    }
    self->prof = NULL;
    Py_CLEAR(self->data);
}

static void
pub_dealloc(JpPub *self)
{
    pub_close_impl(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
pub_attach(JpPub *self, PyObject *data)
{
    jp_profile *prof = jp_profile_of(data);
    if (prof == NULL || !usable(self))
        return NULL;
    if (attached != NULL && attached != self) {
        PyErr_SetString(PyExc_RuntimeError, "another stream publisher is attached");
        return NULL;
    }
    if (self->data != NULL && self->data != data) {
        PyErr_SetString(PyExc_RuntimeError, "this publisher streams another profile");
        return NULL;
    }
    if (self->data == NULL) {
        Py_INCREF(data);
        self->data = data;
        self->prof = prof;
    }
    attached = self;
    jp_drain_hook = drain_hook;
    collect(self, 1);
    Py_RETURN_NONE;
}

static PyObject *
pub_push(JpPub *self, PyObject *args)
{
    int wait = 1;
    if (!PyArg_ParseTuple(args, "|p", &wait))
        return NULL;
    if (!usable(self))
        return NULL;
    if (self->prof == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "attach a profile first");
        return NULL;
    }
    collect(self, wait);
    if (wait)
        jp_pub_kick(self->pub);
    Py_RETURN_NONE;
}

static PyObject *
put_bytes(JpPub *self, unsigned type, const char *s, Py_ssize_t n)
{
    if (!usable(self))
        return NULL;
    if (jp_stage_put_bytes(jp_pub_stage(self->pub), type, s, (size_t)n) < 0) {
        PyErr_SetString(PyExc_BufferError, "the stream queue is full");
        return NULL;
    }
    jp_pub_kick(self->pub);
    Py_RETURN_NONE;
}

static PyObject *
pub_recommend(JpPub *self, PyObject *args)
{
    const char *s;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "s#", &s, &n))
        return NULL;
    if ((size_t)n > JP_WIRE_MAX_BODY - 16) {
        PyErr_SetString(PyExc_ValueError, "recommendation document too large");
        return NULL;
    }
    return put_bytes(self, JP_R_RECOMMEND, s, n);
}

static PyObject *
pub_send_raw(JpPub *self, PyObject *args)
{
    const char *s;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y#", &s, &n))
        return NULL;
    return put_bytes(self, JP_R_RAW, s, n);
}

/* set_info({key: value}): the key/value pairs of the PROCESS message. */
static PyObject *
pub_set_info(JpPub *self, PyObject *dict)
{
    jp_wbuf w = {0};
    Py_ssize_t pos = 0;
    PyObject *k, *v, *r;

    if (!PyDict_Check(dict)) {
        PyErr_SetString(PyExc_TypeError, "set_info expects a dict of str to str");
        return NULL;
    }
    jp_w_varint(&w, (uint64_t)PyDict_Size(dict));
    while (PyDict_Next(dict, &pos, &k, &v)) {
        Py_ssize_t kn, vn;
        const char *ks, *vs;
        if (!PyUnicode_Check(k) || !PyUnicode_Check(v)) {
            jp_wbuf_free(&w);
            PyErr_SetString(PyExc_TypeError, "set_info expects a dict of str to str");
            return NULL;
        }
        ks = PyUnicode_AsUTF8AndSize(k, &kn);
        vs = PyUnicode_AsUTF8AndSize(v, &vn);
        if (ks == NULL || vs == NULL) {
            jp_wbuf_free(&w);
            return NULL;
        }
        jp_w_bytes(&w, ks, (size_t)kn);
        jp_w_bytes(&w, vs, (size_t)vn);
    }
    if (w.err) {
        jp_wbuf_free(&w);
        return PyErr_NoMemory();
    }
    r = put_bytes(self, JP_R_INFO, (const char *)w.p, (Py_ssize_t)w.n);
    jp_wbuf_free(&w);
    return r;
}

static int
set_busy(PyObject *d, jp_stage *st)
{
    PyObject *v = PyLong_FromUnsignedLongLong(__atomic_load_n(&st->busy, __ATOMIC_RELAXED));
    int rc = v ? PyDict_SetItemString(d, "stage_busy", v) : -1;
    Py_XDECREF(v);
    return rc;
}

static PyObject *
pub_stats(JpPub *self, PyObject *noargs)
{
    uint64_t st[JP_ST_COUNT];
    PyObject *d;
    (void)noargs;
    if (!usable(self))
        return NULL;
    jp_pub_stats(self->pub, st);
    d = PyDict_New();
    if (d == NULL)
        return NULL;
    for (int i = 0; i < JP_ST_COUNT; i++) {
        PyObject *v = PyLong_FromUnsignedLongLong(st[i]);
        if (v == NULL || PyDict_SetItemString(d, stat_names[i], v) < 0) {
            Py_XDECREF(v);
            Py_DECREF(d);
            return NULL;
        }
        Py_DECREF(v);
    }
    if (set_busy(d, jp_pub_stage(self->pub)) < 0) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *
pub_close(JpPub *self, PyObject *noargs)
{
    (void)noargs;
    pub_close_impl(self);
    Py_RETURN_NONE;
}

static PyObject *
pub_get_endpoint(JpPub *self, void *closure)
{
    (void)closure;
    if (!usable(self))
        return NULL;
    return PyUnicode_FromString(jp_pub_endpoint(self->pub));
}

static PyObject *
pub_get_stream_id(JpPub *self, void *closure)
{
    (void)closure;
    if (!usable(self))
        return NULL;
    return PyLong_FromUnsignedLongLong(jp_pub_stream_id(self->pub));
}

static PyObject *
pub_get_closed(JpPub *self, void *closure)
{
    (void)closure;
    return PyBool_FromLong(self->pub == NULL);
}

static PyMethodDef pub_methods[] = {
    {"attach", (PyCFunction)pub_attach, METH_O,
     "attach(profile_data): stream it; every sampler drain copies what is new"},
    {"push", (PyCFunction)pub_push, METH_VARARGS,
     "push(wait=True): copy what is new in the attached profile now; wait=False\n"
     "does what the sampler's drain does: skip (copy next time) if the queue is busy"},
    {"recommend", (PyCFunction)pub_recommend, METH_VARARGS,
     "recommend(json_text): publish the current recommendations document"},
    {"set_info", (PyCFunction)pub_set_info, METH_O,
     "set_info({key: value}): the process metadata (str to str)"},
    {"_send_raw", (PyCFunction)pub_send_raw, METH_VARARGS,
     "_send_raw(bytes): send these bytes as one message, verbatim (tests)"},
    {"stats", (PyCFunction)pub_stats, METH_NOARGS, "the publisher's counters"},
    {"close", (PyCFunction)pub_close, METH_NOARGS,
     "send what is left, a last snapshot and END; stop"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef pub_getset[] = {
    {"endpoint", (getter)pub_get_endpoint, NULL, "the bound endpoint (port resolved)", NULL},
    {"stream_id", (getter)pub_get_stream_id, NULL, "this session's stream id", NULL},
    {"closed", (getter)pub_get_closed, NULL, "whether close() ran", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject JpStreamPublisher_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitprofile._core.StreamPublisher",
    .tp_basicsize = sizeof(JpPub),
    .tp_dealloc = (destructor)pub_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "StreamPublisher(endpoint, allow_remote=False, sndhwm=1000, queue_kb=4096,\n"
              "    interval_ms=100, snapshot_ms=500, linger_ms=500, grace_ms=20)\n"
              "A ZeroMQ PUB endpoint streaming a profile (viz_server/PROTOCOL.md).",
    .tp_methods = pub_methods,
    .tp_getset = pub_getset,
    .tp_new = pub_new,
};
