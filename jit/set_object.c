/* jit/set_object.c - Python sets and `reflected set(T)`: a set argument
 * becomes a new hash table (hashtable.h, no values) that remembers the
 * Python set; after the call, changes made by jit code are written back
 * (as Numba's reflected set), and returning the argument returns that same
 * set.  A set built in jit code comes back to Python as a new set. */
#include "jit/hashtable.h"
#include "jit/dispatcher.h"

#include <string.h>

jp_type *
jp_typeof_set(PyObject *value)
{
    PyObject *it, *item;
    jp_type *et = NULL;
    if (PySet_GET_SIZE(value) == 0)
        return NULL;        /* an empty set has no item type (as in Numba) */
    if ((it = PyObject_GetIter(value)) == NULL) {
        PyErr_Clear();
        return NULL;
    }
    while ((item = PyIter_Next(it)) != NULL) {
        jp_type *t = jp_typeof(item);
        Py_DECREF(item);
        if (t == NULL || !jp_ht_key_ok(t) || (et && (t = jp_type_unify(et, t)) == NULL)) {
            et = NULL;
            break;
        }
        et = t;
    }
    Py_DECREF(it);
    PyErr_Clear();
    return et ? jp_type_set(et, 1) : NULL;
}

int
jp_set_unbox(PyObject *obj, jp_type *t, void *dst)
{
    int32_t layout[JP_HT_MAX_LAYOUT];
    char kb[512];
    PyObject *it, *item;
    jp_meminfo *mi;
    if (!PyAnySet_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "expected %s, got %R", t->name, obj);
        return -1;
    }
    if (t->dtype->size > sizeof kb || jp_ht_layout(t->dtype, NULL, layout) < 0) {
        PyErr_Format(PyExc_TypeError, "a set of %s cannot reach jit code", t->dtype->name);
        return -1;
    }
    if ((mi = jp_ht_new(layout)) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if ((it = PyObject_GetIter(obj)) == NULL)
        goto fail;
    while ((item = PyIter_Next(it)) != NULL) {
        int rc;
        memset(kb, 0, t->dtype->size);
        rc = jp_unbox_value(item, t->dtype, kb);
        Py_DECREF(item);
        if (rc < 0)
            break;
        rc = jp_ht_add(mi, kb) < 0;
        jp_ht_release_key(mi, kb);      /* the table took its own reference to a string */
        if (rc) {
            PyErr_NoMemory();
            break;
        }
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        goto fail;
    ((jp_ht *)mi->data)->parent = obj;
    ((jp_ht *)mi->data)->dirty = 0;
    *(jp_meminfo **)dst = mi;
    return 0;
fail:
    jp_nrt_decref(mi);
    return -1;
}

/* Add every item of the table to the Python set s. */
static int
fill(jp_type *t, jp_ht *h, PyObject *s)
{
    for (int64_t i = 0; i < h->nentries; i++) {
        char *e = h->entries + i * h->entrysize;
        PyObject *k;
        int rc;
        if (*(int64_t *)e == JP_HT_DELETED)
            continue;
        for (int j = 0; j < h->nkeyrefs; j++)      /* boxing takes a reference to a string */
            jp_nrt_incref(*(jp_meminfo **)(e + JP_HT_KEYOFF + h->keyref_off[j]));
        if ((k = jp_box(t->dtype, e + JP_HT_KEYOFF)) == NULL)
            return -1;
        rc = PySet_Add(s, k);
        Py_DECREF(k);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int
reflect(jp_type *t, jp_ht *h)
{
    if (!h->dirty)
        return 0;
    h->dirty = 0;
    if (PySet_Clear(h->parent) < 0)
        return -1;
    return fill(t, h, h->parent);
}

PyObject *
jp_set_box(jp_type *t, jp_meminfo *mi)
{
    jp_ht *h = mi->data;
    PyObject *r;
    if (h->parent) {
        r = reflect(t, h) < 0 ? NULL : Py_NewRef(h->parent);
    } else if ((r = PySet_New(NULL)) != NULL && fill(t, h, r) < 0) {
        Py_CLEAR(r);
    }
    jp_nrt_decref(mi);
    return r;
}

int
jp_set_release_arg(jp_type *t, jp_meminfo *mi)
{
    int rc = reflect(t, mi->data);
    jp_nrt_decref(mi);
    return rc;
}
