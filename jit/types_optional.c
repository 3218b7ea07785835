/* jit/types_optional.c - Optional(T) and deferred_type() in the shared type
 * language.
 *
 * Optional(T) is Numba's union of None and T: a variable assigned None on
 * one path and a T on another, a function that returns a value or None, a
 * jitclass field that holds an instance or None.  Its value is laid out as
 * {bool valid, T value}: the value is zero when it is None, so reference
 * counting can release it without looking at the flag.
 *
 * deferred_type() is the placeholder a self-referential jitclass names in
 * its spec before the class exists (`next: optional(node_type)`): a
 * pointer-sized instance type, replaced in the class's fields when the
 * user calls node_type.define(...) (jitclass.c).
 */
#include "jit/types.h"

#include <string.h>

#define MAX_OPTIONALS 1024

static jp_type *optionals[MAX_OPTIONALS];
static int noptionals;

jp_type *
jp_type_optional(jp_type *t)
{
    char name[512];
    jp_type *o;
    size_t align, off;
    if (t == NULL || t->kind == JP_NONE || t->kind == JP_OPTIONAL || t->kind == JP_UNKNOWN)
        return t;
    for (int i = 0; i < noptionals; i++)
        if (optionals[i]->dtype == t)
            return optionals[i];
    if (noptionals == MAX_OPTIONALS) {
        PyErr_SetString(PyExc_MemoryError, "too many Optional types");
        return NULL;
    }
    align = t->align ? t->align : 1;
    off = align;        /* the flag takes the first byte, the value the next aligned slot */
    snprintf(name, sizeof name, "Optional(%s)", t->name);
    o = jp_type_alloc(JP_OPTIONAL, name, (off + t->size + align - 1) / align * align, align);
    if (o == NULL)
        return (jp_type *)PyErr_NoMemory();
    o->dtype = t;
    o->n = 2;
    o->elems = malloc(2 * sizeof *o->elems);
    o->offsets = malloc(2 * sizeof *o->offsets);
    if (o->elems == NULL || o->offsets == NULL)
        return (jp_type *)PyErr_NoMemory();
    o->elems[0] = jp_type_bool();
    o->elems[1] = t;
    o->offsets[0] = 0;
    o->offsets[1] = off;
    optionals[noptionals++] = o;
    return o;
}

jp_type *
jp_type_deferred(void)
{
    static int counter;
    char name[64];
    snprintf(name, sizeof name, "DeferredType#%d", ++counter);
    return jp_type_alloc(JP_DEFERRED, name, 8, 8);      /* an instance pointer, once defined */
}

static jp_type *
payload(jp_type *t)
{
    return t->kind == JP_OPTIONAL ? t->dtype : t;
}

jp_type *
jp_type_unify_optional(jp_type *a, jp_type *b)
{
    jp_type *u;
    if (a->kind == JP_NONE && b->kind == JP_NONE)
        return a;
    if (a->kind == JP_NONE)
        return b->kind == JP_RANGE ? NULL : jp_type_optional(b);
    if (b->kind == JP_NONE)
        return a->kind == JP_RANGE ? NULL : jp_type_optional(a);
    u = jp_type_unify(payload(a), payload(b));
    return u ? jp_type_optional(u) : NULL;
}

int
jp_type_can_convert_optional(jp_type *from, jp_type *to)
{
    if (from->kind == JP_NONE)
        return 1;
    return jp_type_can_convert(payload(from), to->dtype);
}
