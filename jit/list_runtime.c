/* jit/list_runtime.c - the list runtime (see list_runtime.h): growth,
 * insertion, deletion, slices, stable sorts, and the conversions between
 * Python lists and jit lists (reflection included).  The functions compiled
 * code calls never touch Python objects; boxing and reflection run in the
 * dispatcher with the GIL. */
#include "jit/list_runtime.h"
#include "jit/dispatcher.h"
#include "jit/typed_list.h"

#include <stdlib.h>
#include <string.h>

/* ---- the block ------------------------------------------------------------ */

static void
list_dtor(void *data)
{
    jp_list *l = data;
    if (l->nrefs)
        for (int64_t i = 0; i < l->size; i++)
            for (int k = 0; k < l->nrefs; k++)
                jp_nrt_decref(*(jp_meminfo **)(l->items + i * l->itemsize + l->ref_off[k]));
    free(l->items);
}

jp_meminfo *
jp_list_new(int64_t itemsize, int64_t capacity, int64_t nrefs, const int32_t *ref_off)
{
    jp_meminfo *mi;
    jp_list *l;
    if (capacity < 0 || nrefs > JP_LIST_MAX_REFS || itemsize < 0)
        return NULL;
    if ((mi = jp_nrt_alloc_dtor((int64_t)sizeof(jp_list), list_dtor)) == NULL)
        return NULL;
    l = mi->data;
    l->itemsize = itemsize;     /* 0: an empty literal whose item type typing never fixed */
    l->nrefs = (int32_t)nrefs;
    for (int k = 0; k < nrefs; k++)
        l->ref_off[k] = ref_off[k];
    if (capacity && itemsize && jp_list_reserve(l, capacity) < 0) {
        jp_nrt_decref(mi);
        return NULL;
    }
    return mi;
}

int64_t
jp_list_reserve(jp_list *l, int64_t n)
{
    int64_t cap;
    char *items;
    if (n <= l->allocated)
        return 0;
    if (l->itemsize == 0)
        return -1;      /* callers adopt an item type first (jp_list_grow_typed) */
    /* CPython's growth pattern: about 1/8 over, so appends are amortised O(1) */
    cap = n + (n >> 3) + (n < 9 ? 3 : 6);
    if (cap < 4)
        cap = 4;
    if (cap > INT64_MAX / l->itemsize)
        return -1;
    items = realloc(l->items, (size_t)(cap * l->itemsize));
    if (items == NULL)
        return -1;
    l->items = items;
    l->allocated = cap;
    return 0;
}

/* The first item stored into a list made without an item type (`x = []`
 * aliased before its first append) fixes its item layout. */
static void
adopt_type(jp_list *l, int64_t itemsize, int64_t nrefs, const int32_t *ref_off)
{
    if (l->itemsize != 0 || l->size != 0)
        return;
    l->itemsize = itemsize ? itemsize : 1;
    l->nrefs = (int32_t)nrefs;
    for (int k = 0; k < nrefs && k < JP_LIST_MAX_REFS; k++)
        l->ref_off[k] = ref_off[k];
}

int64_t
jp_list_grow_typed(jp_list *l, int64_t n, int64_t itemsize, int64_t nrefs, const int32_t *ref_off)
{
    adopt_type(l, itemsize, nrefs, ref_off);
    return jp_list_reserve(l, n);
}

char *
jp_list_insert_slot(jp_list *l, int64_t i, int64_t itemsize, int64_t nrefs, const int32_t *ref_off)
{
    adopt_type(l, itemsize, nrefs, ref_off);
    if (i < 0)
        i += l->size;
    if (i < 0)
        i = 0;
    if (i > l->size)
        i = l->size;
    if (jp_list_reserve(l, l->size + 1) < 0)
        return NULL;
    memmove(l->items + (i + 1) * l->itemsize, l->items + i * l->itemsize,
            (size_t)((l->size - i) * l->itemsize));
    l->size++;
    l->dirty = 1;
    return l->items + i * l->itemsize;
}

void
jp_list_delete(jp_list *l, int64_t i)
{
    memmove(l->items + i * l->itemsize, l->items + (i + 1) * l->itemsize,
            (size_t)((l->size - i - 1) * l->itemsize));
    l->size--;
    l->dirty = 1;
}

void
jp_list_reverse(jp_list *l)
{
    char tmp[512];
    int64_t isz = l->itemsize;
    if (isz > (int64_t)sizeof tmp)
        return;     /* items are at most 512 bytes: lib_list.c refuses bigger ones */
    for (int64_t i = 0, j = l->size - 1; i < j; i++, j--) {
        memcpy(tmp, l->items + i * isz, (size_t)isz);
        memcpy(l->items + i * isz, l->items + j * isz, (size_t)isz);
        memcpy(l->items + j * isz, tmp, (size_t)isz);
    }
    l->dirty = 1;
}

void
jp_list_incref_item(jp_list *l, const char *item)
{
    for (int k = 0; k < l->nrefs; k++)
        jp_nrt_incref(*(jp_meminfo *const *)(item + l->ref_off[k]));
}

void
jp_list_clear(jp_list *l)
{
    if (l->nrefs)
        for (int64_t i = 0; i < l->size; i++)
            for (int k = 0; k < l->nrefs; k++)
                jp_nrt_decref(*(jp_meminfo **)(l->items + i * l->itemsize + l->ref_off[k]));
    l->size = 0;
    l->dirty = 1;
}

static jp_meminfo *
new_like(jp_list *l, int64_t capacity)
{
    return jp_list_new(l->itemsize, capacity, l->nrefs, l->ref_off);
}

int64_t
jp_list_extend(jp_list *l, jp_list *other)
{
    int64_t n = other->size;        /* l.extend(l) adds the old items once */
    if (n == 0)
        return 0;
    adopt_type(l, other->itemsize, other->nrefs, other->ref_off);
    if (jp_list_reserve(l, l->size + n) < 0)
        return -1;
    memcpy(l->items + l->size * l->itemsize, other->items, (size_t)(n * l->itemsize));
    for (int64_t i = 0; i < n; i++)
        jp_list_incref_item(l, l->items + (l->size + i) * l->itemsize);
    l->size += n;
    l->dirty = 1;
    return 0;
}

jp_meminfo *
jp_list_repeat(jp_list *l, int64_t n)
{
    jp_meminfo *mi;
    if (n < 0)
        n = 0;
    if (n && l->size > INT64_MAX / n)
        return NULL;
    if ((mi = new_like(l, l->size * n)) == NULL)
        return NULL;
    for (int64_t k = 0; k < n; k++)
        if (jp_list_extend(mi->data, l) < 0) {
            jp_nrt_decref(mi);
            return NULL;
        }
    return mi;
}

/* flags: 1 start given, 2 stop given, 4 step given (step != 0 checked by
 * the caller) */
jp_meminfo *
jp_list_slice(jp_list *l, int64_t start, int64_t stop, int64_t step, int64_t flags)
{
    int64_t n = l->size, count = 0;
    jp_meminfo *mi;
    jp_list *r;
    if (!(flags & 4))
        step = 1;
    if (!(flags & 1))
        start = step < 0 ? n - 1 : 0;
    else if (start < 0)
        start = start + n < 0 ? (step < 0 ? -1 : 0) : start + n;
    else if (start >= n)
        start = step < 0 ? n - 1 : n;
    if (!(flags & 2))
        stop = step < 0 ? -1 : n;
    else if (stop < 0)
        stop = stop + n < 0 ? (step < 0 ? -1 : 0) : stop + n;
    else if (stop >= n)
        stop = step < 0 ? n - 1 : n;
    if (step > 0 && stop > start)
        count = (stop - start - 1) / step + 1;
    else if (step < 0 && stop < start)
        count = (start - stop - 1) / (-step) + 1;
    if ((mi = new_like(l, count)) == NULL)
        return NULL;
    r = mi->data;
    for (int64_t k = 0; k < count; k++) {
        char *dst = r->items + k * r->itemsize;
        memcpy(dst, l->items + (start + k * step) * l->itemsize, (size_t)l->itemsize);
        jp_list_incref_item(r, dst);
    }
    r->size = count;
    return mi;
}

/* ---- sorting: stable merge sorts ------------------------------------------ */

#define DEFINE_SORT(NAME, T)                                                        \
    static void NAME(T *a, T *tmp, int64_t n, int rev)                              \
    {                                                                               \
        int64_t m, i, j, k;                                                         \
        if (n <= 16) {                                                              \
            for (i = 1; i < n; i++) {                                               \
                T v = a[i];                                                         \
                for (j = i; j > 0 && (rev ? a[j - 1] < v : v < a[j - 1]); j--)      \
                    a[j] = a[j - 1];                                                \
                a[j] = v;                                                           \
            }                                                                       \
            return;                                                                 \
        }                                                                           \
        m = n / 2;                                                                  \
        NAME(a, tmp, m, rev);                                                       \
        NAME(a + m, tmp, n - m, rev);                                               \
        if (!(rev ? a[m - 1] < a[m] : a[m] < a[m - 1]))                             \
            return;     /* already in order */                                      \
        memcpy(tmp, a, (size_t)m * sizeof(T));                                      \
        for (i = 0, j = m, k = 0; i < m && j < n; k++)                              \
            a[k] = (rev ? tmp[i] < a[j] : a[j] < tmp[i]) ? a[j++] : tmp[i++];       \
        while (i < m)                                                               \
            a[k++] = tmp[i++];                                                      \
    }

DEFINE_SORT(sort_i8, int8_t)
DEFINE_SORT(sort_i16, int16_t)
DEFINE_SORT(sort_i32, int32_t)
DEFINE_SORT(sort_i64, int64_t)
DEFINE_SORT(sort_u8, uint8_t)
DEFINE_SORT(sort_u16, uint16_t)
DEFINE_SORT(sort_u32, uint32_t)
DEFINE_SORT(sort_u64, uint64_t)
DEFINE_SORT(sort_f32, float)
DEFINE_SORT(sort_f64, double)

int64_t
jp_list_sort(jp_list *l, int64_t typecode, int64_t reverse)
{
    int64_t n = l->size;
    void *tmp;
    int rev = reverse != 0;
    if (n < 2)
        return 0;
    if ((tmp = malloc((size_t)((n / 2 + 1) * l->itemsize))) == NULL)
        return -1;
    switch (typecode) {
    case JP_LS_I8: sort_i8((int8_t *)l->items, tmp, n, rev); break;
    case JP_LS_I16: sort_i16((int16_t *)l->items, tmp, n, rev); break;
    case JP_LS_I32: sort_i32((int32_t *)l->items, tmp, n, rev); break;
    case JP_LS_I64: sort_i64((int64_t *)l->items, tmp, n, rev); break;
    case JP_LS_U8: case JP_LS_BOOL: sort_u8((uint8_t *)l->items, tmp, n, rev); break;
    case JP_LS_U16: sort_u16((uint16_t *)l->items, tmp, n, rev); break;
    case JP_LS_U32: sort_u32((uint32_t *)l->items, tmp, n, rev); break;
    case JP_LS_U64: sort_u64((uint64_t *)l->items, tmp, n, rev); break;
    case JP_LS_F32: sort_f32((float *)l->items, tmp, n, rev); break;
    default: sort_f64((double *)l->items, tmp, n, rev); break;
    }
    free(tmp);
    l->dirty = 1;
    return 0;
}

/* Any item type: a stable merge sort of item pointers, then one permutation. */
static void
sort_ptrs(char **a, char **tmp, int64_t n, int rev, int32_t (*lt)(const void *, const void *))
{
    int64_t m = n / 2, i, j, k;
    if (n < 2)
        return;
    sort_ptrs(a, tmp, m, rev, lt);
    sort_ptrs(a + m, tmp, n - m, rev, lt);
    memcpy(tmp, a, (size_t)m * sizeof *a);
    for (i = 0, j = m, k = 0; i < m && j < n; k++)
        a[k] = (rev ? lt(tmp[i], a[j]) : lt(a[j], tmp[i])) ? a[j++] : tmp[i++];
    while (i < m)
        a[k++] = tmp[i++];
}

int64_t
jp_list_sort_cmp(jp_list *l, int64_t reverse, int32_t (*lt)(const void *, const void *))
{
    int64_t n = l->size, isz = l->itemsize;
    char **ptrs, **tmp, *items;
    if (n < 2)
        return 0;
    ptrs = malloc((size_t)n * sizeof *ptrs);
    tmp = malloc((size_t)(n / 2 + 1) * sizeof *tmp);
    items = malloc((size_t)(n * isz));
    if (!ptrs || !tmp || !items) {
        free(ptrs);
        free(tmp);
        free(items);
        return -1;
    }
    for (int64_t i = 0; i < n; i++)
        ptrs[i] = l->items + i * isz;
    sort_ptrs(ptrs, tmp, n, reverse != 0, lt);
    for (int64_t i = 0; i < n; i++)
        memcpy(items + i * isz, ptrs[i], (size_t)isz);
    memcpy(l->items, items, (size_t)(n * isz));
    free(ptrs);
    free(tmp);
    free(items);
    l->dirty = 1;
    return 0;
}

/* Reorder l's items as `order` says: order's item k holds, at byte offset
 * idx_off, the index of the item that goes to place k.  A permutation:
 * references move, none is taken or released. */
int64_t
jp_list_permute(jp_list *l, jp_list *order, int64_t idx_off)
{
    int64_t n = l->size, isz = l->itemsize;
    char *items;
    if (n < 2)
        return 0;
    if ((items = malloc((size_t)(n * isz))) == NULL)
        return -1;
    for (int64_t k = 0; k < n; k++) {
        int64_t src = *(const int64_t *)(order->items + k * order->itemsize + idx_off);
        memcpy(items + k * isz, l->items + src * isz, (size_t)isz);
    }
    memcpy(l->items, items, (size_t)(n * isz));
    free(items);
    l->dirty = 1;
    return 0;
}

#define SYM(fn) {#fn, (void *)fn}

const jp_runtime_symbol jp_list_runtime_symbols[] = {
    SYM(jp_list_new), SYM(jp_list_reserve), SYM(jp_list_insert_slot), SYM(jp_list_delete),
    SYM(jp_list_reverse), SYM(jp_list_sort), SYM(jp_list_sort_cmp), SYM(jp_list_slice),
    SYM(jp_list_extend), SYM(jp_list_repeat), SYM(jp_list_clear), SYM(jp_list_incref_item),
    SYM(jp_list_permute), SYM(jp_list_grow_typed),
    {NULL, NULL},
};

/* ---- types ------------------------------------------------------------------ */

static int
ref_offsets(const jp_type *t, size_t base, int32_t *off, int n)
{
    if (n < 0)
        return n;
    switch (t->kind) {
    case JP_ARRAY:          /* {meminfo, parent, data, ...}: the meminfo comes first */
    case JP_CLASS:
    case JP_LIST:
    case JP_STR:
    case JP_DICT:
    case JP_SET:
        if (n >= JP_LIST_MAX_REFS)
            return -1;
        off[n] = (int32_t)base;
        return n + 1;
    case JP_TUPLE:
        for (int i = 0; i < t->n && n >= 0; i++)
            n = ref_offsets(t->elems[i], base + t->offsets[i], off, n);
        return n;
    default:
        return n;
    }
}

int
jp_list_ref_offsets(const jp_type *t, int32_t *off)
{
    return ref_offsets(t, 0, off, 0);
}

jp_type *
jp_typeof_list(PyObject *value)
{
    Py_ssize_t n = PyList_GET_SIZE(value);
    jp_type *et = NULL;
    if (n == 0)
        return NULL;        /* an empty list has no element type (as in Numba) */
    for (Py_ssize_t i = 0; i < n; i++) {
        jp_type *t = jp_typeof(PyList_GET_ITEM(value, i));
        if (t == NULL || t->kind == JP_FUNCTION || t->kind == JP_NONE)
            return NULL;
        if (et && (t = jp_type_unify(et, t)) == NULL)
            return NULL;
        et = t;
    }
    return jp_type_list(et, 1);
}

/* ---- boxing ------------------------------------------------------------------ */

int
jp_list_unbox(PyObject *obj, jp_type *t, void *dst)
{
    int32_t off[JP_LIST_MAX_REFS];
    int nrefs = jp_list_ref_offsets(t->dtype, off);
    Py_ssize_t n;
    jp_meminfo *mi;
    jp_list *l;
    if (t->reflected == JP_LIST_TYPED)
        return jp_typed_list_unbox(obj, t, dst);       /* shared, not copied (typed_list.c) */
    if (!PyList_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "expected %s, got %R", t->name, obj);
        return -1;
    }
    n = PyList_GET_SIZE(obj);
    if (nrefs < 0 || (mi = jp_list_new((int64_t)t->dtype->size, n, nrefs, off)) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    l = mi->data;
    for (Py_ssize_t i = 0; i < n; i++) {
        char *slot = l->items + i * l->itemsize;
        memset(slot, 0, (size_t)l->itemsize);
        if (jp_unbox_value(PyList_GET_ITEM(obj, i), t->dtype, slot) < 0) {
            jp_nrt_decref(mi);
            return -1;
        }
        l->size = i + 1;
    }
    l->parent = obj;
    l->dirty = 0;
    *(jp_meminfo **)dst = mi;
    return 0;
}

/* A new Python list of the items (each boxed from its own new reference). */
static PyObject *
items_to_pylist(jp_type *t, jp_list *l)
{
    PyObject *r;
    if (t->dtype->kind == JP_UNKNOWN && l->size) {
        /* items stored through an alias typing could not follow */
        PyErr_SetString(PyExc_TypeError, "jit code cannot return this list: its item type was fixed "
                        "through another name; give the list its items where it is made");
        return NULL;
    }
    r = PyList_New((Py_ssize_t)l->size);
    if (r == NULL)
        return NULL;
    for (int64_t i = 0; i < l->size; i++) {
        const char *item = l->items + i * l->itemsize;
        PyObject *v;
        jp_list_incref_item(l, item);
        if ((v = jp_box(t->dtype, item)) == NULL) {
            Py_DECREF(r);
            return NULL;
        }
        PyList_SET_ITEM(r, (Py_ssize_t)i, v);
    }
    return r;
}

static int
reflect(jp_type *t, jp_list *l)
{
    PyObject *items;
    int rc;
    if (!l->dirty && PyList_GET_SIZE(l->parent) == l->size && !l->nrefs
        && t->dtype->kind != JP_LIST)
        return 0;
    if ((items = items_to_pylist(t, l)) == NULL)
        return -1;
    rc = PyList_SetSlice(l->parent, 0, PY_SSIZE_T_MAX, items);
    Py_DECREF(items);
    l->dirty = 0;
    return rc;
}

PyObject *
jp_list_box(jp_type *t, jp_meminfo *mi)
{
    jp_list *l = mi->data;
    PyObject *r;
    if (t->reflected == JP_LIST_TYPED)
        return jp_typed_list_box(t, mi);
    if (l->parent) {
        r = reflect(t, l) < 0 ? NULL : Py_NewRef(l->parent);
    } else {
        r = items_to_pylist(t, l);
    }
    jp_nrt_decref(mi);
    return r;
}

int
jp_list_release_arg(jp_type *t, jp_meminfo *mi)
{
    int rc = t->reflected == JP_LIST_TYPED ? 0 : reflect(t, mi->data);
    jp_nrt_decref(mi);
    return rc;
}
