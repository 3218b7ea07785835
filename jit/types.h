/* jit/types.h - the shared type language: interned type descriptors.
 *
 * One spelling for the JIT's typeof, the dispatcher, the data profiler and
 * the wire format: "int64", "float32", "complex128", "bool", "none",
 * "UniTuple(float64, 3)", "Tuple(int64, float64)".  Types are interned:
 * two equal types are the same pointer, so compare with ==.  They are never
 * freed.
 */
#ifndef JP_TYPES_H
#define JP_TYPES_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>

typedef enum jp_kind {
    JP_UNKNOWN,     /* not yet inferred (bottom of the lattice) */
    JP_NONE,
    JP_BOOL,
    JP_INT,
    JP_FLOAT,
    JP_COMPLEX,
    JP_TUPLE,
    JP_RANGE,       /* a range object inside a for loop */
    JP_FUNCTION,    /* a jitted function used as a value */
    JP_ARRAY,       /* a NumPy array: dtype, ndim, layout, readonly */
    JP_DTYPE,       /* a dtype object (np.float64, float, ...) used as a value */
    JP_SLICE,       /* a slice in an index: start, stop, step (internal) */
    JP_RECORD,      /* a structured dtype: named fields at offsets */
    JP_RECORD_REF,  /* one element of a record array (a pointer into it) */
    JP_CLASS,       /* a @jitclass instance: a reference-counted struct of fields */
    JP_ITER,        /* a for-loop iterator (jit/iter.h): bits is its kind, elems its
                     * operands' types, dtype the type of one element */
    JP_LIST,        /* a list: a reference-counted growable vector (list_runtime.h) */
    JP_ELLIPSIS,    /* `...` in an array subscript (only there; lower_fancy.c) */
    JP_GENERATOR,   /* a generator: a reference-counted coroutine state; dtype: what it yields */
    JP_OPTIONAL,    /* Optional(T): None or a T (types_optional.c); dtype is T */
    JP_DEFERRED,    /* deferred_type(): a jitclass instance type defined later (types_optional.c) */
    JP_STR,         /* unicode_type: a reference-counted immutable string (str_runtime.h) */
    JP_DICT,        /* a typed dict: a reference-counted hash table (dict_runtime.h);
                     * key: the key type, dtype: the value type */
    JP_SET,         /* a set: a hash table without values (hashtable.h); dtype: the item type */
} jp_kind;

typedef struct jp_type jp_type;
struct jp_type {
    jp_kind kind;
    int bits;               /* int: 8..64; float: 32, 64; complex: 64, 128 */
    int is_signed;          /* int only */
    int n;                  /* tuple: element count */
    jp_type **elems;        /* tuple: element types */
    size_t *offsets;        /* tuple: byte offset of each element */
    size_t size, align;     /* memory layout (C rules, as LLVM lays it out) */
    const char *name;       /* the spelling in the type language */
    PyObject *dispatcher;   /* JP_FUNCTION: the dispatcher (borrowed, kept alive by the user) */
    jp_type *dtype;         /* array, dtype, record ref: the element type */
    int ndim;               /* array */
    char layout;            /* array: 'C', 'F' or 'A' (any strides) */
    int readonly;           /* array */
    const char **field_names;   /* record: field names (elems/offsets give types/offsets) */
    int type_num;           /* number/record: the NumPy type number (-1 if none) */
    PyObject *descr;        /* record: the NumPy dtype (owned) */
    PyObject *pyclass;      /* class: the Python class (owned) */
    size_t struct_size;     /* class: bytes of the field struct */
    void *llvm;             /* cached LLVMTypeRef (the JIT's one context) */
    PyObject *pyobj;        /* cached Python wrapper (jitprofile.types) */
    jp_type *next;          /* intern table chain */
    int reflected;          /* list: passed from Python, mutations reflected back */
    jp_type *key;           /* dict: the key type (dtype is the value type) */
};

jp_type *jp_type_unknown(void);
jp_type *jp_type_none(void);
jp_type *jp_type_bool(void);
jp_type *jp_type_int(int bits, int is_signed);
jp_type *jp_type_float(int bits);
jp_type *jp_type_complex(int bits);
jp_type *jp_type_range(void);
jp_type *jp_type_tuple(int n, jp_type **elems);    /* NULL on out of memory */
jp_type *jp_type_function(PyObject *dispatcher);
/* A dispatcher dies: its function type (kept) no longer refers to it. */
void jp_type_forget_function(PyObject *dispatcher);
jp_type *jp_type_array(jp_type *dtype, int ndim, char layout, int readonly);
jp_type *jp_type_dtype(jp_type *dtype);
jp_type *jp_type_slice(void);
jp_type *jp_type_ellipsis(void);
jp_type *jp_type_record_ref(jp_type *record);
jp_type *jp_type_iter(int kind, const char *kind_name, int n, jp_type **operands, jp_type *elem);
jp_type *jp_type_generator(jp_type *yield_type);      /* "generator(int64)" */
/* A record type from a NumPy structured dtype (NULL, no error, if a field
 * has a type the JIT cannot use). */
jp_type *jp_type_record(PyObject *descr);
jp_type *jp_type_named_record(const char *name, int n, jp_type **elems, size_t *offsets,
                              size_t size);
/* NumPy type numbers <-> element types (typeof.c). */
jp_type *jp_dtype_from_typenum(int type_num);
int jp_typenum_of(const jp_type *t);
jp_type *jp_typeof_array(PyObject *value);      /* value is an ndarray */
/* The NumPy dtype of an element type (new reference; needs NumPy loaded). */
struct _PyArray_Descr;
struct _PyArray_Descr *jp_descr_of(const jp_type *t);

static inline int jp_is_array(const jp_type *t)
{
    return t->kind == JP_ARRAY;
}

/* A @jitclass instance type: fields (names, types) laid out like a struct. */
jp_type *jp_type_class(const char *name, int n, const char **names, jp_type **types, PyObject *pyclass);

/* list(T) built in jit code; reflected list(T) passed from Python (Numba's
 * spellings).  The element type may be undefined while typing runs. */
jp_type *jp_type_list(jp_type *dtype, int reflected);

/* Optional(T) (Numba's spelling): None or a T, laid out {bool valid, T};
 * Optional(None) is None, Optional(Optional(T)) is Optional(T).  A
 * deferred_type() placeholder (a pointer-sized jitclass instance type named
 * later, for self-referential classes) and the unification rules of None
 * with T (types_optional.c). */
jp_type *jp_type_optional(jp_type *t);
jp_type *jp_type_alloc(jp_kind kind, const char *name, size_t size, size_t align);  /* types.c */
jp_type *jp_type_deferred(void);
jp_type *jp_type_unify_optional(jp_type *a, jp_type *b);     /* NULL: no rule applies */
int jp_type_can_convert_optional(jp_type *from, jp_type *to);
/* unicode_type: a pointer to the meminfo of an immutable string (str_runtime.h). */
jp_type *jp_type_str(void);
/* DictType[K, V] (Numba's spelling); K and V may be undefined while typing runs. */
jp_type *jp_type_dict(jp_type *key, jp_type *value);
/* set(T) built in jit code; reflected set(T) passed from Python (Numba's spellings). */
jp_type *jp_type_set(jp_type *dtype, int reflected);

/* Whether values of t hold references (arrays, jitclass instances, tuples of them). */
int jp_type_is_managed(const jp_type *t);

#define JP_INT64   (jp_type_int(64, 1))
#define JP_FLOAT64 (jp_type_float(64))

static inline int jp_is_number(const jp_type *t)
{
    return t->kind == JP_BOOL || t->kind == JP_INT || t->kind == JP_FLOAT
           || t->kind == JP_COMPLEX;
}

/* The least type both a and b convert to without loss of kind
 * (int64 + float64 -> float64; tuples elementwise); NULL when none. */
jp_type *jp_type_unify(jp_type *a, jp_type *b);

/* The type of an arithmetic result on operands a and b (NumPy/Numba rules:
 * integer arithmetic happens in 64 bits, bool arithmetic in int64). */
jp_type *jp_type_arith(jp_type *a, jp_type *b);

/* Whether a value of type `from` can be passed where `to` is expected
 * without losing information (int -> float, float32 -> float64, ...). */
int jp_type_can_convert(jp_type *from, jp_type *to);

/* Parse a type ("float64", "UniTuple(int64, 2)") or a signature
 * ("float64(float64, int64)"); *ret is NULL when the text has no return
 * type.  Returns the argument count, or -1 with a Python ValueError. */
int jp_parse_signature(const char *text, jp_type **ret, jp_type ***args);
jp_type *jp_parse_type(const char *text);   /* NULL + ValueError */

/* typeof: the type of a Python value, or NULL (no exception set) when the
 * JIT has no type for it. */
jp_type *jp_typeof(PyObject *value);

/* The Python-facing objects: jitprofile.float64 etc. and signatures. */
extern PyTypeObject JpType_Type;
extern PyTypeObject JpSignature_Type;
PyObject *jp_type_to_py(jp_type *t);        /* new reference */
jp_type *jp_type_from_py(PyObject *obj);    /* Type object or str; NULL + error */
int jp_types_module_init(PyObject *m);

#endif
