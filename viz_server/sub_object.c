/* viz_server/sub_object.c - jitprofile._core.StreamSubscriber: a ZeroMQ
 * SUB socket feeding the aggregator (aggregate.c), and the rebuilt profile
 * as the same tables ProfileData gives.
 *
 * A rogue publisher must not end the subscription.  Frames up to
 * JP_STREAM_MAX_FRAME are received and the aggregator rejects those over
 * the wire limit (16 MiB; counted in "oversize").  Beyond that ZeroMQ
 * drops the connection (ZMQ_MAXMSGSIZE, which bounds our memory) and never
 * connects again after such a protocol error, so a socket monitor watches
 * for dropped connections and the subscriber connects again ("reconnects").
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "viz_server/aggregate.h"
#include "viz_server/endpoint.h"
#include "viz_server/viz.h"

typedef struct {
    PyObject_HEAD
    void *ctx, *sock;
    void *mon;                  /* PAIR socket reading sock's monitor events */
    char *endpoint;
    uint64_t dropped_at;        /* when the connection dropped, no retry seen since */
    jp_agg agg;
} JpSub;

static const char *const category_names[JP_CAT_COUNT] = {"python", "native", "jit", "gpu"};
static const char *const stat_names[JP_ST_COUNT] = {
    "samples_in", "weight_in", "stage_dropped", "stage_dropped_weight",
    "sampler_samples", "sampler_dropped", "messages", "bytes", "send_failed", "snapshots",
};

/* Watch sock for dropped connections (see the top of this file). */
static int
start_monitor(JpSub *self)
{
    char addr[64];
    int zero = 0;
    snprintf(addr, sizeof addr, "inproc://jp-sub-monitor-%p", (void *)self);
    if (zmq_socket_monitor(self->sock, addr, ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CONNECT_RETRIED
                           | ZMQ_EVENT_CONNECT_DELAYED | ZMQ_EVENT_CONNECTED) < 0
        || (self->mon = zmq_socket(self->ctx, ZMQ_PAIR)) == NULL)
        return -1;
    zmq_setsockopt(self->mon, ZMQ_LINGER, &zero, sizeof zero);
    return zmq_connect(self->mon, addr);
}

static uint64_t
now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Take the monitor's events.  After an ordinary disconnect ZeroMQ retries
 * by itself (a CONNECT_RETRIED/DELAYED event follows at once); after a
 * protocol error nothing follows, and once that silence has lasted
 * JP_SUB_RECONNECT_NS the subscriber connects again.  (Disconnecting at
 * once would also throw away messages still queued from the old
 * connection.) */
#define JP_SUB_RECONNECT_NS 100000000u
static void
check_connection(JpSub *self)
{
    zmq_msg_t ev, addr;
    if (self->mon == NULL)
        return;
    zmq_msg_init(&ev);
    zmq_msg_init(&addr);
    while (zmq_msg_recv(&ev, self->mon, ZMQ_DONTWAIT) >= 0) {
        uint16_t id = 0;
        if (zmq_msg_size(&ev) >= 2)
            memcpy(&id, zmq_msg_data(&ev), 2);
        if (zmq_msg_more(&ev))
            zmq_msg_recv(&addr, self->mon, 0);      /* the endpoint: always follows */
        self->dropped_at = id == ZMQ_EVENT_DISCONNECTED ? now_ns() : 0;
    }
    zmq_msg_close(&ev);
    zmq_msg_close(&addr);
    if (self->dropped_at && now_ns() - self->dropped_at >= JP_SUB_RECONNECT_NS) {
        self->dropped_at = 0;
        zmq_disconnect(self->sock, self->endpoint);
        if (zmq_connect(self->sock, self->endpoint) == 0)
            self->agg.c.reconnects++;
    }
}

static PyObject *
sub_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"endpoint", "rcvhwm", NULL};
    const char *endpoint = NULL;
    int rcvhwm = 100000, zero = 0, one = 1;
    int64_t maxmsg = JP_STREAM_MAX_FRAME;
    JpSub *self;
    char why[256];

    if (!PyArg_ParseTupleAndKeywords(args, kw, "|zi", kwlist, &endpoint, &rcvhwm))
        return NULL;
    if (endpoint && jp_endpoint_port_check(endpoint, why, sizeof why) < 0) {
        PyErr_SetString(PyExc_ValueError, why);
        return NULL;
    }
    self = (JpSub *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    jp_agg_init(&self->agg);
    if (endpoint == NULL)           /* a parser only: feed() */
        return (PyObject *)self;
    self->ctx = zmq_ctx_new();
    if (self->ctx == NULL || (self->sock = zmq_socket(self->ctx, ZMQ_SUB)) == NULL)
        goto fail;
    zmq_setsockopt(self->sock, ZMQ_RCVHWM, &rcvhwm, sizeof rcvhwm);
    zmq_setsockopt(self->sock, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(self->sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    if (strchr(endpoint, '['))
        zmq_setsockopt(self->sock, ZMQ_IPV6, &one, sizeof one);
    if ((self->endpoint = strdup(endpoint)) == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    if (zmq_setsockopt(self->sock, ZMQ_SUBSCRIBE, "", 0) < 0 || start_monitor(self) < 0
        || zmq_connect(self->sock, endpoint) < 0)
        goto fail;
    return (PyObject *)self;
fail:
    PyErr_Format(PyExc_OSError, "cannot subscribe to %s: %s", endpoint,
                 zmq_strerror(zmq_errno()));
    Py_DECREF(self);
    return NULL;
}

static void
sub_close_impl(JpSub *self)
{
    if (self->mon) {
        zmq_close(self->mon);
        self->mon = NULL;
    }
    if (self->sock) {
        zmq_close(self->sock);
        self->sock = NULL;
    }
    if (self->ctx) {
        void *ctx = self->ctx;
        self->ctx = NULL;
        Py_BEGIN_ALLOW_THREADS
        zmq_ctx_term(ctx);
        Py_END_ALLOW_THREADS
    }
}

static void
sub_dealloc(JpSub *self)
{
    sub_close_impl(self);
    free(self->endpoint);
    jp_agg_free(&self->agg);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* poll(timeout_ms=0, max_messages=1000000): wait up to timeout_ms for a
 * message, then take every message already queued; the number taken. */
static PyObject *
sub_poll(JpSub *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"timeout_ms", "max_messages", NULL};
    int timeout = 0, rc;
    long max = 1000000, got = 0;
    zmq_pollitem_t items[2];
    zmq_msg_t msg;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "|il", kwlist, &timeout, &max))
        return NULL;
    if (self->sock == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "the subscriber is closed or has no socket");
        return NULL;
    }
    items[0] = (zmq_pollitem_t){self->sock, 0, ZMQ_POLLIN, 0};
    items[1] = (zmq_pollitem_t){self->mon, 0, ZMQ_POLLIN, 0};
    Py_BEGIN_ALLOW_THREADS
    rc = zmq_poll(items, self->mon ? 2 : 1, timeout);
    Py_END_ALLOW_THREADS
    check_connection(self);
    if (rc < 0 && zmq_errno() == EINTR)
        return PyErr_CheckSignals() < 0 ? NULL : PyLong_FromLong(0);
    zmq_msg_init(&msg);
    while (got < max && zmq_msg_recv(&msg, self->sock, ZMQ_DONTWAIT) >= 0) {
        jp_agg_apply(&self->agg, zmq_msg_data(&msg), zmq_msg_size(&msg));
        got++;
    }
    zmq_msg_close(&msg);
    return PyLong_FromLong(got);
}

/* feed(bytes): apply one message as if received; 0 applied, 1 skipped,
 * 2 rejected. */
static PyObject *
sub_feed(JpSub *self, PyObject *args)
{
    Py_buffer b;
    int rc;
    if (!PyArg_ParseTuple(args, "y*", &b))
        return NULL;
    rc = jp_agg_apply(&self->agg, b.buf, (size_t)b.len);
    PyBuffer_Release(&b);
    return PyLong_FromLong(rc);
}

static int
set_u64(PyObject *d, const char *key, uint64_t v)
{
    PyObject *o = PyLong_FromUnsignedLongLong(v);
    int rc = o ? PyDict_SetItemString(d, key, o) : -1;
    Py_XDECREF(o);
    return rc;
}

static PyObject *
sub_stats(JpSub *self, PyObject *noargs)
{
    const jp_agg *a = &self->agg;
    const jp_agg_counts *c = &a->c;
    PyObject *d = PyDict_New(), *pub = NULL;
    (void)noargs;
    if (d == NULL)
        return NULL;
    if (set_u64(d, "received", c->received) < 0 || set_u64(d, "applied", c->applied) < 0
        || set_u64(d, "skipped", c->skipped) < 0 || set_u64(d, "rejected", c->rejected) < 0
        || set_u64(d, "rejected_version", c->rejected_version) < 0
        || set_u64(d, "lost", c->lost) < 0 || set_u64(d, "resyncs", c->resyncs) < 0
        || set_u64(d, "inconsistent", c->inconsistent) < 0
        || set_u64(d, "streams", c->streams) < 0 || set_u64(d, "foreign", c->foreign) < 0
        || set_u64(d, "oversize", c->oversize) < 0 || set_u64(d, "bad_sequence", c->bad_sequence) < 0
        || set_u64(d, "reconnects", c->reconnects) < 0
        || set_u64(d, "synced", (uint64_t)a->synced) < 0
        || set_u64(d, "finished", (uint64_t)a->finished) < 0
        || set_u64(d, "stream_id", a->stream_id) < 0
        || set_u64(d, "total_weight", a->cur.total_weight) < 0
        || set_u64(d, "last_interval", a->cur.last_interval) < 0
        || set_u64(d, "end_total", a->end_total) < 0)
        goto fail;
    if (a->have_pub_stats) {
        pub = PyDict_New();
        if (pub == NULL)
            goto fail;
        for (int i = 0; i < JP_ST_COUNT; i++)
            if (set_u64(pub, stat_names[i], a->pub_stats[i]) < 0)
                goto fail;
    } else {
        pub = Py_NewRef(Py_None);
    }
    if (PyDict_SetItemString(d, "publisher", pub) < 0)
        goto fail;
    Py_DECREF(pub);
    return d;
fail:
    Py_XDECREF(pub);
    Py_DECREF(d);
    return NULL;
}

static PyObject *
str_or_empty(const jp_agg_state *s, uint32_t id)
{
    const char *c = id < s->n_strings ? s->strings[id] : "";
    return PyUnicode_DecodeUTF8(c, (Py_ssize_t)strlen(c), "replace");
}

/* A list of n items built by make(i); NULL on error. */
#define BUILD_LIST(n, expr)                                                \
    do {                                                                   \
        list = PyList_New((Py_ssize_t)(n));                                \
        if (list == NULL)                                                  \
            goto fail;                                                     \
        for (size_t i = 0; i < (n); i++) {                                 \
            PyObject *item_ = (expr);                                      \
            if (item_ == NULL)                                             \
                goto fail;                                                 \
            PyList_SET_ITEM(list, (Py_ssize_t)i, item_);                   \
        }                                                                  \
    } while (0)

static PyObject *
func_item(const jp_agg_state *s, size_t i)
{
    const jp_func *f = &s->funcs[i];
    return Py_BuildValue("[NNNis]", str_or_empty(s, f->name), str_or_empty(s, f->file),
                         str_or_empty(s, f->module), f->first_line,
                         category_names[f->category % JP_CAT_COUNT]);
}

static PyObject *
node_item(const jp_agg_state *s, size_t i)
{
    return Py_BuildValue("[ll]", i ? (long)s->nodes[2 * i] : -1L,
                         i ? (long)s->nodes[2 * i + 1] : -1L);
}

static PyObject *
thread_item(const jp_agg_state *s, size_t i)
{
    const jp_agg_thread *t = &s->threads[i];
    return Py_BuildValue("[iiNK]", t->pid, t->tid, str_or_empty(s, t->name),
                         (unsigned long long)t->weight);
}

static PyObject *
samples_list(const jp_agg *a)
{
    const jp_agg_state *s = &a->cur;
    PyObject *list = PyList_New(0);
    uint64_t iv = a->interval_ns ? a->interval_ns : 100000000ull;

    if (list == NULL)
        return NULL;
    for (size_t i = 0; i < s->n_samples; i++) {
        const jp_agg_sample *x = &s->samples[i];
        uint64_t w = x->weight;
        while (w > 0) {         /* ProfileData weights are 32-bit */
            uint64_t part = w > UINT32_MAX ? UINT32_MAX : w;
            PyObject *o = Py_BuildValue("[IIKK]", x->thread, x->node,
                                        (unsigned long long)(x->interval * iv),
                                        (unsigned long long)part);
            if (o == NULL || PyList_Append(list, o) < 0) {
                Py_XDECREF(o);
                Py_DECREF(list);
                return NULL;
            }
            Py_DECREF(o);
            w -= part;
        }
    }
    return list;
}

/* tables(): the rebuilt profile as ProfileData's tables (see
 * Profile.to_dict) plus "interval". */
static PyObject *
sub_tables(JpSub *self, PyObject *noargs)
{
    const jp_agg_state *s = &self->agg.cur;
    PyObject *d = PyDict_New(), *list = NULL;
    (void)noargs;
    if (d == NULL)
        return NULL;
    BUILD_LIST(s->n_funcs, func_item(s, i));
    if (PyDict_SetItemString(d, "functions", list) < 0)
        goto fail;
    Py_CLEAR(list);
    BUILD_LIST(s->n_frames, Py_BuildValue("[Ii]", s->frames[i].func, s->frames[i].line));
    if (PyDict_SetItemString(d, "frames", list) < 0)
        goto fail;
    Py_CLEAR(list);
    BUILD_LIST(s->n_nodes, node_item(s, i));
    if (PyDict_SetItemString(d, "nodes", list) < 0)
        goto fail;
    Py_CLEAR(list);
    BUILD_LIST(s->n_threads, thread_item(s, i));
    if (PyDict_SetItemString(d, "threads", list) < 0)
        goto fail;
    Py_CLEAR(list);
    list = samples_list(&self->agg);
    if (list == NULL || PyDict_SetItemString(d, "samples", list) < 0)
        goto fail;
    Py_CLEAR(list);
    list = PyFloat_FromDouble(self->agg.sample_period_ns ? self->agg.sample_period_ns / 1e9
                                                         : 0.001);
    if (list == NULL || PyDict_SetItemString(d, "interval", list) < 0)
        goto fail;
    Py_CLEAR(list);
    return d;
fail:
    Py_XDECREF(list);
    Py_DECREF(d);
    return NULL;
}

static PyObject *
sub_process(JpSub *self, PyObject *noargs)
{
    const jp_agg *a = &self->agg;
    PyObject *info;
    (void)noargs;
    if (!a->have_process)
        Py_RETURN_NONE;
    info = PyDict_New();
    if (info == NULL)
        return NULL;
    for (size_t i = 0; i + 1 < a->n_info; i += 2) {
        PyObject *v = PyUnicode_DecodeUTF8(a->info[i + 1], (Py_ssize_t)strlen(a->info[i + 1]),
                                           "replace");
        if (v == NULL || PyDict_SetItemString(info, a->info[i], v) < 0) {
            Py_XDECREF(v);
            Py_DECREF(info);
            return NULL;
        }
        Py_DECREF(v);
    }
    return Py_BuildValue("{sLsKsKsKsN}", "pid", (long long)a->pid,
                         "sample_period_ns", (unsigned long long)a->sample_period_ns,
                         "interval_ns", (unsigned long long)a->interval_ns,
                         "start_mono_ns", (unsigned long long)a->start_mono_ns, "info", info);
}

static PyObject *
sub_recommendations(JpSub *self, PyObject *noargs)
{
    (void)noargs;
    if (self->agg.reco == NULL)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(self->agg.reco, (Py_ssize_t)self->agg.reco_len, "replace");
}

static PyObject *
sub_close(JpSub *self, PyObject *noargs)
{
    (void)noargs;
    sub_close_impl(self);
    Py_RETURN_NONE;
}

static PyMethodDef sub_methods[] = {
    {"poll", (PyCFunction)(void (*)(void))sub_poll, METH_VARARGS | METH_KEYWORDS,
     "poll(timeout_ms=0, max_messages=1000000) -> messages taken"},
    {"feed", (PyCFunction)sub_feed, METH_VARARGS,
     "feed(message_bytes) -> 0 applied, 1 skipped, 2 rejected"},
    {"stats", (PyCFunction)sub_stats, METH_NOARGS, "counters of the subscriber and publisher"},
    {"tables", (PyCFunction)sub_tables, METH_NOARGS, "the rebuilt profile's tables"},
    {"process", (PyCFunction)sub_process, METH_NOARGS, "the publisher's process metadata"},
    {"recommendations", (PyCFunction)sub_recommendations, METH_NOARGS,
     "the latest recommendations document (JSON text) or None"},
    {"close", (PyCFunction)sub_close, METH_NOARGS, "close the socket"},
    {NULL, NULL, 0, NULL},
};

PyTypeObject JpStreamSubscriber_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "jitprofile._core.StreamSubscriber",
    .tp_basicsize = sizeof(JpSub),
    .tp_dealloc = (destructor)sub_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "StreamSubscriber(endpoint=None, rcvhwm=100000): subscribe to a profile stream\n"
              "and rebuild it (no endpoint: a parser fed with feed()).",
    .tp_methods = sub_methods,
    .tp_new = sub_new,
};
