/* jit/hashtable.h - the hash table behind DictType[K, V] and set(T) (no values):
 * CPython's compact, insertion-ordered dict in a meminfo block (nrt.h).
 *
 * Entries live in one array in insertion order, each {int64 hash; key;
 * value} at fixed offsets; a separate open-addressing index (a power of two
 * of int32 slots, CPython's perturbed probe) maps hashes to entries.  A
 * deleted entry keeps its place with hash JP_HT_DELETED until the next
 * resize compacts the array, so iteration is a walk over the entry array.
 *
 * Keys are numbers, strings and (nested) tuples of those; the table compares
 * and hashes them field by field from a layout (below) with CPython's own
 * hash for numbers (hash(x) in jit code and in Python agree; NaN hashes to
 * 0, as before Python 3.10).  A string key (a unicode_type meminfo) hashes
 * by content (FNV-1a over its code points, cached in the string: stable in a
 * process, not CPython's randomised value) and compares by content; the
 * table owns one reference to each key string, taken on insertion and
 * released on deletion (popitem moves it out with the key).  Values are any fixed-size jit value; the table owns one
 * reference through each meminfo pointer in a value (arrays, lists, dicts,
 * jitclass instances) and releases them when a value is replaced, deleted
 * or the table freed.
 *
 * Compiled code reads `used` (len) and walks entries inline (the offsets
 * below are a contract with lower_dict.c); everything else is a call. */
#ifndef JP_HASHTABLE_H
#define JP_HASHTABLE_H

#include "jit/types.h"
#include "jit/nrt.h"
#include "jit/runtime.h"

#include <stdint.h>

#define JP_HT_DELETED (-1)      /* an entry's hash after del (CPython never hashes to -1) */
#define JP_HT_MAX_LAYOUT 96

/* The layout: one int32 array, built once per (K, V) by jp_ht_layout and
 * passed to jp_ht_new (compiled code embeds it as a constant):
 *   [0] key size  [1] value size  [2] value offset in an entry  [3] entry size
 *   [4] nrefs     [5..5+nrefs)  byte offsets of meminfo pointers in a value
 *   then the key's fields, preorder, 3 int32 each: {kind, size or count, offset}. */
enum { JP_HK_INT = 1, JP_HK_UINT, JP_HK_FLOAT, JP_HK_BOOL, JP_HK_TUPLE, JP_HK_STR };
enum { JP_HL_KEYSIZE, JP_HL_VALSIZE, JP_HL_VALOFF, JP_HL_ENTRYSIZE, JP_HL_NREFS, JP_HL_REFS };
#define JP_HT_KEYOFF 8          /* the key's offset in an entry */

typedef struct jp_ht {
    int64_t used;           /* offset 0: live entries (len) */
    int64_t nentries;       /* offset 8: entries written, deleted ones included */
    char *entries;          /* offset 16 */
    int64_t entrysize;      /* offset 24 */
    int64_t allocated;      /* entries room */
    int64_t mask;           /* index slots - 1 */
    int32_t *index;         /* -1 empty, -2 dummy, else an entry number */
    int64_t filled;         /* index slots not empty (dummies included) */
    int32_t nkey;           /* key field triples */
    int32_t fast_int64;     /* the key is one int64: the hot path */
    int32_t layout[JP_HT_MAX_LAYOUT];
    int64_t dirty;          /* a set: changed since it was unboxed */
    PyObject *parent;       /* a reflected set: the Python set (borrowed), or NULL */
    int32_t nkeyrefs;       /* string fields in the key */
    int32_t keyref_off[JP_HT_MAX_LAYOUT / 3];       /* their offsets in the key */
} jp_ht;

/* The layout of (key, value): its length, or -1 when the key is not a
 * number or tuple of numbers or the value holds too many references.  A
 * set's table has no values (value NULL). */
int jp_ht_layout(const jp_type *key, const jp_type *value, int32_t *out);
/* Whether t can be a key (numbers but complex, strings, and tuples of those). */
int jp_ht_key_ok(const jp_type *t);

/* Called by compiled code (registered with the engine). */
jp_meminfo *jp_ht_new(const int32_t *layout);                     /* NULL: no memory */
char *jp_ht_lookup(jp_meminfo *mi, const void *key);              /* the value, or NULL */
/* d[key] = *value: the table takes the value's references and releases
 * the old value's; 0, or -1 out of memory (value not taken). */
int64_t jp_ht_set(jp_meminfo *mi, const void *key, const void *value);
/* The value slot for key, inserting key with a zeroed value when missing
 * (*is_new = 1); NULL out of memory. */
char *jp_ht_slot(jp_meminfo *mi, const void *key, int64_t *is_new);
/* Remove key: 1 (value moved into out, its references with it; or
 * released when out is NULL), 0 missing. */
int64_t jp_ht_delete(jp_meminfo *mi, const void *key, void *out);
/* The last entry out (key, value moved into the buffers): 1, or 0 empty. */
int64_t jp_ht_popitem(jp_meminfo *mi, void *key, void *value);
void jp_ht_clear(jp_meminfo *mi);
jp_meminfo *jp_ht_copy(jp_meminfo *mi);                           /* NULL: no memory */
int64_t jp_ht_update(jp_meminfo *mi, jp_meminfo *other);          /* -1: no memory */
/* A new list(T) of the keys (which 1), values (2) or (key, value) tuples
 * (3, the value at voff), in insertion order; NULL out of memory. */
jp_meminfo *jp_ht_to_list(jp_meminfo *mi, int64_t which, int64_t itemsize, int64_t voff, int64_t nrefs,
                          const int32_t *ref_off);
/* CPython's hash of a key laid out as `layout` says. */
int64_t jp_ht_hash(const int32_t *layout, const void *key);
/* hash() of an int64 / float64 (the builtin; CPython's values). */
int64_t jp_hash_int64(int64_t v);
int64_t jp_hash_uint64(uint64_t v);
int64_t jp_hash_double(double v);
/* hash() of a string (by content; cached in the string). */
int64_t jp_hash_str(jp_meminfo *s);
/* Release (decref) the strings in a key of table mi's layout (a key
 * buffer the caller owns, e.g. one unboxed from Python). */
void jp_ht_release_key(jp_meminfo *mi, void *key);
/* Take a reference to each string in a key (before boxing a borrowed key). */
void jp_ht_incref_key(jp_meminfo *mi, void *key);
/* KeyError's text: the key's repr (a per-thread buffer). */
const char *jp_ht_key_message(jp_meminfo *mi, const void *key);

/* Sets (values of size 0): add (1 added, 0 present, -1 no memory); the set
 * operators into a new table (NULL: no memory) or in place (-1: no memory):
 * op 0 |, 1 &, 2 -, 3 ^. */
int64_t jp_ht_add(jp_meminfo *mi, const void *key);
jp_meminfo *jp_ht_setop(jp_meminfo *a, jp_meminfo *b, int64_t op);
int64_t jp_ht_setop_inplace(jp_meminfo *a, jp_meminfo *b, int64_t op);

extern const jp_runtime_symbol jp_ht_runtime_symbols[];

/* Boxing (with the GIL), for the dispatcher: the Python typed Dict
 * (jitprofile.typed.Dict) wraps a table without copying it. */
int jp_dict_unbox(PyObject *obj, jp_type *t, void *dst);       /* borrowed */
PyObject *jp_dict_box(jp_type *t, jp_meminfo *mi);             /* takes over the reference */
jp_type *jp_typeof_dict(PyObject *value);                      /* NULL (no error): not one */
int jp_is_dict_class(PyObject *value);                         /* typed Dict or a subclass */
int jp_dict_module_init(PyObject *m);                          /* adds _core._DictBase */
/* Reflected sets (set_object.c): a Python set argument becomes a new table
 * that remembers it; after the call changes are written back. */
jp_type *jp_typeof_set(PyObject *value);                       /* NULL (no error): no item type */
int jp_set_unbox(PyObject *obj, jp_type *t, void *dst);        /* a new reference */
PyObject *jp_set_box(jp_type *t, jp_meminfo *mi);              /* takes over the reference */
int jp_set_release_arg(jp_type *t, jp_meminfo *mi);

#endif
