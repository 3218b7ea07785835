/* jit/list_runtime.h - the list jit code builds and the list passed from
 * Python (Numba's "reflected list"): a reference-counted growable vector of
 * fixed-size items in a meminfo block (nrt.h).
 *
 * The block's data is a jp_list header; compiled code reads size, items
 * and itemsize inline (the offsets below are part of the contract with
 * lower_list.c) and calls these functions to grow, insert, delete, sort.
 * Each item may hold references (arrays, lists, jitclass instances, tuples
 * of them): the header lists the byte offsets of the meminfo pointers in an
 * item, and the list owns one reference through each; freeing the list
 * releases them.
 *
 * A reflected list keeps a borrowed pointer to the Python list it was made
 * from (the caller's argument tuple keeps it alive for the call); after the
 * call the dispatcher writes the items back when jit code changed them
 * (jp_list_release_arg), so the caller sees appends, sorts and stores. */
#ifndef JP_LIST_RUNTIME_H
#define JP_LIST_RUNTIME_H

#include "jit/types.h"
#include "jit/nrt.h"
#include "jit/runtime.h"

#include <stdint.h>

#define JP_LIST_MAX_REFS 8

typedef struct jp_list {
    int64_t size;           /* offset 0 */
    int64_t allocated;      /* offset 8 */
    char *items;            /* offset 16 */
    int64_t itemsize;       /* offset 24 */
    int64_t dirty;          /* offset 32: changed since it was unboxed */
    PyObject *parent;       /* offset 40: the Python list (borrowed), or NULL */
    int32_t nrefs;          /* meminfo pointers per item */
    int32_t ref_off[JP_LIST_MAX_REFS];
} jp_list;

/* Called by compiled code (registered with the engine). */
jp_meminfo *jp_list_new(int64_t itemsize, int64_t capacity, int64_t nrefs, const int32_t *ref_off);
int64_t jp_list_reserve(jp_list *l, int64_t n);             /* 0, or -1 out of memory */
/* the item type's size and references are adopted by a list made without one */
int64_t jp_list_grow_typed(jp_list *l, int64_t n, int64_t itemsize, int64_t nrefs, const int32_t *ref_off);
char *jp_list_insert_slot(jp_list *l, int64_t i, int64_t itemsize, int64_t nrefs,
                          const int32_t *ref_off);             /* room at i (clamped), NULL: no memory */
void jp_list_delete(jp_list *l, int64_t i);                 /* drop item i without releasing it */
void jp_list_reverse(jp_list *l);
int64_t jp_list_sort(jp_list *l, int64_t typecode, int64_t reverse);  /* -1: no memory */
/* sort with a less-than function compiled for the item type or key */
int64_t jp_list_sort_cmp(jp_list *l, int64_t reverse, int32_t (*lt)(const void *, const void *));
int64_t jp_list_permute(jp_list *l, jp_list *order, int64_t idx_off);     /* -1: no memory */
jp_meminfo *jp_list_slice(jp_list *l, int64_t start, int64_t stop, int64_t step, int64_t flags);
int64_t jp_list_extend(jp_list *l, jp_list *other);         /* -1: no memory */
jp_meminfo *jp_list_repeat(jp_list *l, int64_t n);
void jp_list_clear(jp_list *l);
void jp_list_incref_item(jp_list *l, const char *item);

extern const jp_runtime_symbol jp_list_runtime_symbols[];

/* Type codes for jp_list_sort (numbers sorted in C). */
enum { JP_LS_I8 = 1, JP_LS_I16, JP_LS_I32, JP_LS_I64, JP_LS_U8, JP_LS_U16, JP_LS_U32,
       JP_LS_U64, JP_LS_F32, JP_LS_F64, JP_LS_BOOL };

/* The meminfo-pointer offsets inside a value of type t; -1 if more than
 * JP_LIST_MAX_REFS. */
int jp_list_ref_offsets(const jp_type *t, int32_t *off);

/* Boxing (with the GIL), for the dispatcher. */
int jp_list_unbox(PyObject *obj, jp_type *t, void *dst);    /* a new reflected list */
PyObject *jp_list_box(jp_type *t, jp_meminfo *mi);          /* takes over the reference */
/* After a call: write a changed reflected argument back, drop the reference. */
int jp_list_release_arg(jp_type *t, jp_meminfo *mi);
/* The type of a Python list (elements unified), or NULL (no error set). */
jp_type *jp_typeof_list(PyObject *value);

#endif
