/* jit/types.c - interning, layout, unification and parsing of the shared
 * type language (see types.h). */
#include "jit/types.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static jp_type *intern_head;

static jp_type *
new_type(jp_kind kind, const char *name, size_t size, size_t align)
{
    jp_type *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->kind = kind;
    t->name = strdup(name);
    t->size = size;
    t->align = align;
    t->type_num = -1;
    t->next = intern_head;
    intern_head = t;
    return t;
}

/* A new type on the intern list, for the files that own a kind of type
 * (types_optional.c): they look it up first, so it stays unique. */
jp_type *
jp_type_alloc(jp_kind kind, const char *name, size_t size, size_t align)
{
    return new_type(kind, name, size, align);
}

#define SINGLETON(fn, kind, name, size, align)      \
    jp_type *fn(void)                               \
    {                                               \
        static jp_type *t;                          \
        if (t == NULL)                              \
            t = new_type(kind, name, size, align);  \
        return t;                                   \
    }

SINGLETON(jp_type_unknown, JP_UNKNOWN, "undefined", 0, 1)
SINGLETON(jp_type_none, JP_NONE, "none", 1, 1)
SINGLETON(jp_type_bool, JP_BOOL, "bool", 1, 1)
SINGLETON(jp_type_range, JP_RANGE, "range", 24, 8)
SINGLETON(jp_type_str, JP_STR, "unicode_type", 8, 8)    /* a pointer to its meminfo */

jp_type *
jp_type_int(int bits, int is_signed)
{
    static jp_type *table[2][4];
    int idx = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
    jp_type **slot = &table[is_signed ? 1 : 0][idx];
    if (*slot == NULL) {
        char name[16];
        snprintf(name, sizeof name, "%sint%d", is_signed ? "" : "u", bits);
        *slot = new_type(JP_INT, name, (size_t)bits / 8, (size_t)bits / 8);
        if (*slot) {
            (*slot)->bits = bits;
            (*slot)->is_signed = is_signed;
        }
    }
    return *slot;
}

jp_type *
jp_type_float(int bits)
{
    static jp_type *f32, *f64;
    jp_type **slot = bits == 32 ? &f32 : &f64;
    if (*slot == NULL) {
        *slot = new_type(JP_FLOAT, bits == 32 ? "float32" : "float64",
                         (size_t)bits / 8, (size_t)bits / 8);
        if (*slot)
            (*slot)->bits = bits;
    }
    return *slot;
}

jp_type *
jp_type_complex(int bits)
{
    static jp_type *c64, *c128;
    jp_type **slot = bits == 64 ? &c64 : &c128;
    if (*slot == NULL) {
        *slot = new_type(JP_COMPLEX, bits == 64 ? "complex64" : "complex128",
                         (size_t)bits / 8, (size_t)bits / 16);
        if (*slot)
            (*slot)->bits = bits;
    }
    return *slot;
}

jp_type *
jp_type_tuple(int n, jp_type **elems)
{
    int uniform = n > 0;
    size_t off = 0, align = 1, len;
    char *name;
    jp_type *t;

    for (jp_type *it = intern_head; it; it = it->next) {
        if (it->kind != JP_TUPLE || it->n != n)
            continue;
        if (n == 0 || memcmp(it->elems, elems, (size_t)n * sizeof *elems) == 0)
            return it;
    }
    for (int i = 1; i < n; i++)
        if (elems[i] != elems[0])
            uniform = 0;

    len = 32;
    for (int i = 0; i < n; i++)
        len += strlen(elems[i]->name) + 2;
    name = malloc(len);
    if (name == NULL)
        return NULL;
    if (uniform) {
        snprintf(name, len, "UniTuple(%s, %d)", elems[0]->name, n);
    } else {
        char *p = name + sprintf(name, "Tuple(");
        for (int i = 0; i < n; i++)
            p += sprintf(p, "%s%s", i ? ", " : "", elems[i]->name);
        strcpy(p, ")");
    }
    t = new_type(JP_TUPLE, name, 0, 1);
    free(name);
    if (t == NULL)
        return NULL;
    t->n = n;
    t->elems = malloc((size_t)(n ? n : 1) * sizeof *elems);
    t->offsets = malloc((size_t)(n ? n : 1) * sizeof(size_t));
    if (!t->elems || !t->offsets)
        return NULL;
    for (int i = 0; i < n; i++) {
        size_t a = elems[i]->align;
        t->elems[i] = elems[i];
        off = (off + a - 1) / a * a;
        t->offsets[i] = off;
        off += elems[i]->size;
        if (a > align)
            align = a;
    }
    t->align = align;
    t->size = (off + align - 1) / align * align;     /* () is 0 bytes, as LLVM's {} */
    return t;
}

jp_type *
jp_type_function(PyObject *dispatcher)
{
    jp_type *t;
    PyObject *name;
    for (jp_type *it = intern_head; it; it = it->next)
        if (it->kind == JP_FUNCTION && it->dispatcher == dispatcher)
            return it;
    name = PyObject_GetAttrString(dispatcher, "__name__");
    if (name == NULL)
        return NULL;
    {
        char buf[256];
        snprintf(buf, sizeof buf, "function(%s)", PyUnicode_AsUTF8(name));
        t = new_type(JP_FUNCTION, buf, 1, 1);
    }
    Py_DECREF(name);
    if (t)
        t->dispatcher = dispatcher;     /* borrowed: the dispatcher forgets it when it dies */
    return t;
}

void
jp_type_forget_function(PyObject *dispatcher)
{
    /* the type stays (overloads of other functions may be keyed by it) but
     * never names this dispatcher again, nor a new one at its address */
    for (jp_type *it = intern_head; it; it = it->next)
        if (it->kind == JP_FUNCTION && it->dispatcher == dispatcher)
            it->dispatcher = NULL;
}

jp_type *
jp_type_array(jp_type *dtype, int ndim, char layout, int readonly)
{
    char name[256];
    jp_type *t;
    if (ndim <= 1 && layout == 'F')
        layout = 'C';
    for (jp_type *it = intern_head; it; it = it->next)
        if (it->kind == JP_ARRAY && it->dtype == dtype && it->ndim == ndim
            && it->layout == layout && it->readonly == readonly)
            return it;
    snprintf(name, sizeof name, "%sarray(%s, %dd, %c)", readonly ? "readonly " : "",
             dtype->name, ndim, layout);
    /* {meminfo, parent, data, shape[ndim], strides[ndim]} */
    t = new_type(JP_ARRAY, name, 24 + 16 * (size_t)ndim, 8);
    if (t) {
        t->dtype = dtype;
        t->ndim = ndim;
        t->layout = layout;
        t->readonly = readonly;
    }
    return t;
}

jp_type *
jp_type_dtype(jp_type *dtype)
{
    char name[160];
    jp_type *t;
    for (jp_type *it = intern_head; it; it = it->next)
        if (it->kind == JP_DTYPE && it->dtype == dtype)
            return it;
    snprintf(name, sizeof name, "dtype(%s)", dtype->name);
    t = new_type(JP_DTYPE, name, 1, 1);
    if (t)
        t->dtype = dtype;
    return t;
}

SINGLETON(jp_type_slice, JP_SLICE, "slice", 32, 8)
SINGLETON(jp_type_ellipsis, JP_ELLIPSIS, "ellipsis", 0, 1)

jp_type *
jp_type_record_ref(jp_type *record)
{
    char name[512];
    jp_type *t;
    for (jp_type *it = intern_head; it; it = it->next)
        if (it->kind == JP_RECORD_REF && it->dtype == record)
            return it;
    snprintf(name, sizeof name, "%s", record->name);
    t = new_type(JP_RECORD_REF, name, 8, 8);
    if (t)
        t->dtype = record;
    return t;
}

jp_type *
jp_type_named_record(const char *name, int n, jp_type **elems, size_t *offsets, size_t size)
{
    jp_type *t;
    for (jp_type *it = intern_head; it; it = it->next)
        if (it->kind == JP_RECORD && strcmp(it->name, name) == 0 && it->size == size)
            return it;
    t = new_type(JP_RECORD, name, size, 8);
    if (t == NULL)
        return NULL;
    t->n = n;
    t->elems = malloc((size_t)n * sizeof *elems);
    t->offsets = malloc((size_t)n * sizeof(size_t));
    if (!t->elems || !t->offsets)
        return NULL;
    memcpy(t->elems, elems, (size_t)n * sizeof *elems);
    memcpy(t->offsets, offsets, (size_t)n * sizeof(size_t));
    return t;
}

jp_type *
jp_type_class(const char *name, int n, const char **names, jp_type **types, PyObject *pyclass)
{
    char full[256];
    size_t off = 0, align = 8;
    jp_type *t;
    snprintf(full, sizeof full, "instance.jitclass.%s", name);
    t = new_type(JP_CLASS, full, 8, 8);
    if (t == NULL)
        return NULL;
    t->n = n;
    t->elems = malloc((size_t)(n ? n : 1) * sizeof *types);
    t->offsets = malloc((size_t)(n ? n : 1) * sizeof(size_t));
    t->field_names = malloc((size_t)(n ? n : 1) * sizeof(char *));
    if (!t->elems || !t->offsets || !t->field_names)
        return NULL;
    for (int i = 0; i < n; i++) {
        size_t a = types[i]->align;
        off = (off + a - 1) / a * a;
        t->elems[i] = types[i];
        t->offsets[i] = off;
        t->field_names[i] = strdup(names[i]);
        off += types[i]->size;
        if (a > align)
            align = a;
    }
    t->struct_size = (off + align - 1) / align * align;
    Py_INCREF(pyclass);
    t->pyclass = pyclass;
    return t;
}

jp_type *
jp_type_list(jp_type *dtype, int reflected)
{
    char name[512];
    jp_type *t;
    for (jp_type *it = intern_head; it; it = it->next)
        if (it->kind == JP_LIST && it->dtype == dtype && it->reflected == reflected)
            return it;
    if (reflected == 2)     /* numba.typed.List: a boxed native list (typed_list.c) */
        snprintf(name, sizeof name, "ListType[%s]", dtype->name);
    else
        snprintf(name, sizeof name, "%slist(%s)", reflected ? "reflected " : "", dtype->name);
    t = new_type(JP_LIST, name, 8, 8);      /* a pointer to its meminfo */
    if (t) {
        t->dtype = dtype;
        t->reflected = reflected;
    }
    return t;
}

jp_type *
jp_type_generator(jp_type *yield_type)
{
    char name[512];
    jp_type *t;
    for (jp_type *it = intern_head; it; it = it->next)
        if (it->kind == JP_GENERATOR && it->dtype == yield_type)
            return it;
    snprintf(name, sizeof name, "generator(%s)", yield_type->name);
    t = new_type(JP_GENERATOR, name, 8, 8);     /* a pointer to its meminfo */
    if (t)
        t->dtype = yield_type;
    return t;
}

jp_type *
jp_type_dict(jp_type *key, jp_type *value)
{
    char name[512];
    jp_type *t;
    for (jp_type *it = intern_head; it; it = it->next)
        if (it->kind == JP_DICT && it->key == key && it->dtype == value)
            return it;
    snprintf(name, sizeof name, "DictType[%s, %s]", key->name, value->name);
    t = new_type(JP_DICT, name, 8, 8);      /* a pointer to its meminfo */
    if (t) {
        t->key = key;
        t->dtype = value;
    }
    return t;
}

jp_type *
jp_type_set(jp_type *dtype, int reflected)
{
    char name[512];
    jp_type *t;
    for (jp_type *it = intern_head; it; it = it->next)
        if (it->kind == JP_SET && it->dtype == dtype && it->reflected == reflected)
            return it;
    snprintf(name, sizeof name, "%sset(%s)", reflected ? "reflected " : "", dtype->name);
    t = new_type(JP_SET, name, 8, 8);       /* a pointer to its meminfo */
    if (t) {
        t->dtype = dtype;
        t->reflected = reflected;
    }
    return t;
}

int
jp_type_is_managed(const jp_type *t)
{
    if (t->kind == JP_ARRAY || t->kind == JP_CLASS || t->kind == JP_LIST || t->kind == JP_GENERATOR
        || t->kind == JP_DEFERRED || t->kind == JP_STR || t->kind == JP_DICT || t->kind == JP_SET)
        return 1;
    if (t->kind == JP_OPTIONAL)
        return jp_type_is_managed(t->dtype);
    if (t->kind == JP_TUPLE)
        for (int i = 0; i < t->n; i++)
            if (jp_type_is_managed(t->elems[i]))
                return 1;
    return 0;
}

/* Numeric rank for unification: bool < int < float < complex. */
static int
rank(const jp_type *t)
{
    switch (t->kind) {
    case JP_BOOL: return 1;
    case JP_INT: return 2;
    case JP_FLOAT: return 3;
    case JP_COMPLEX: return 4;
    default: return 0;
    }
}

jp_type *
jp_type_arith(jp_type *a, jp_type *b)
{
    int ra = rank(a), rb = rank(b), r = ra > rb ? ra : rb;
    if (!ra || !rb)
        return NULL;
    if (r <= 2) {
        /* integers: 64-bit; mixing uint64 with a signed int goes to
         * float64, as in NumPy and Numba */
        int ua = a->kind == JP_INT && !a->is_signed;
        int ub = b->kind == JP_INT && !b->is_signed;
        if (a->kind == JP_BOOL)
            ua = ub;
        if (b->kind == JP_BOOL)
            ub = ua;
        if (ua && ub)
            return jp_type_int(64, 0);
        if (ua != ub && ((ua && a->bits == 64) || (ub && b->bits == 64)))
            return jp_type_float(64);
        return jp_type_int(64, 1);
    }
    if (r == 3) {
        /* float32 stays float32 only against float32 (and bool) */
        int bits = 64;
        if ((a->kind == JP_FLOAT && a->bits == 32 && (b->kind == JP_BOOL || b == a))
            || (b->kind == JP_FLOAT && b->bits == 32 && a->kind == JP_BOOL))
            bits = 32;
        return jp_type_float(bits);
    }
    {
        int small = (a->kind != JP_COMPLEX || a->bits == 64)
                    && (b->kind != JP_COMPLEX || b->bits == 64)
                    && (a->kind != JP_FLOAT || a->bits == 32)
                    && (b->kind != JP_FLOAT || b->bits == 32)
                    && a->kind != JP_INT && b->kind != JP_INT;
        return jp_type_complex(small ? 64 : 128);
    }
}

jp_type *
jp_type_unify(jp_type *a, jp_type *b)
{
    if (a == b)
        return a;
    if (a->kind == JP_UNKNOWN)
        return b;
    if (b->kind == JP_UNKNOWN)
        return a;
    if (a->kind == JP_NONE || b->kind == JP_NONE || a->kind == JP_OPTIONAL || b->kind == JP_OPTIONAL)
        return jp_type_unify_optional(a, b);    /* types_optional.c */
    if (rank(a) && rank(b)) {
        int ra = rank(a), rb = rank(b);
        if (ra == rb && ra == 2) {
            /* two ints: the wider, signed if either is */
            int bits = a->bits > b->bits ? a->bits : b->bits;
            if (a->is_signed != b->is_signed)
                return jp_type_int(64, 1);
            return jp_type_int(bits, a->is_signed);
        }
        if (ra == rb && a->kind == JP_FLOAT)
            return jp_type_float(64);
        if (ra == rb && a->kind == JP_COMPLEX)
            return jp_type_complex(128);
        return jp_type_arith(a, b);
    }
    if (a->kind == JP_ARRAY && b->kind == JP_ARRAY && a->dtype == b->dtype && a->ndim == b->ndim)
        return jp_type_array(a->dtype, a->ndim, a->layout == b->layout ? a->layout : 'A',
                             a->readonly || b->readonly);
    if (a->kind == JP_LIST && b->kind == JP_LIST) {
        /* an empty literal's element type comes from its later uses; a
         * reflected list and a jit list share one representation */
        jp_type *e = a->dtype == b->dtype ? a->dtype
                     : a->dtype->kind == JP_UNKNOWN ? b->dtype
                     : b->dtype->kind == JP_UNKNOWN ? a->dtype : NULL;
        if (e && (a->reflected == 2 || b->reflected == 2))    /* typed.List stays boxed */
            return jp_type_list(e, 2);
        return e ? jp_type_list(e, a->reflected && b->reflected) : NULL;
    }
    if (a->kind == JP_SET && b->kind == JP_SET) {
        jp_type *e = a->dtype == b->dtype ? a->dtype
                     : a->dtype->kind == JP_UNKNOWN ? b->dtype
                     : b->dtype->kind == JP_UNKNOWN ? a->dtype : NULL;
        return e ? jp_type_set(e, a->reflected && b->reflected) : NULL;
    }
    if (a->kind == JP_DICT && b->kind == JP_DICT) {
        /* an empty literal's key and value types come from its later uses */
        jp_type *k = a->key == b->key ? a->key : a->key->kind == JP_UNKNOWN ? b->key
                     : b->key->kind == JP_UNKNOWN ? a->key : NULL;
        jp_type *v = a->dtype == b->dtype ? a->dtype : a->dtype->kind == JP_UNKNOWN ? b->dtype
                     : b->dtype->kind == JP_UNKNOWN ? a->dtype : NULL;
        return k && v ? jp_type_dict(k, v) : NULL;
    }
    if (a->kind == JP_TUPLE && b->kind == JP_TUPLE && a->n == b->n) {
        jp_type *elems[64];
        if (a->n > 64)
            return NULL;
        for (int i = 0; i < a->n; i++) {
            elems[i] = jp_type_unify(a->elems[i], b->elems[i]);
            if (elems[i] == NULL)
                return NULL;
        }
        return jp_type_tuple(a->n, elems);
    }
    return NULL;
}

int
jp_type_can_convert(jp_type *from, jp_type *to)
{
    if (from == to)
        return 1;
    if (to->kind == JP_OPTIONAL)
        return jp_type_can_convert_optional(from, to);
    if (from->kind == JP_ARRAY && to->kind == JP_ARRAY)
        return from->dtype == to->dtype && from->ndim == to->ndim
               && (to->layout == 'A' || to->layout == from->layout)
               && (to->readonly || !from->readonly);
    if (rank(from) && rank(to))
        return rank(from) <= rank(to);
    if (from->kind == JP_TUPLE && to->kind == JP_TUPLE && from->n == to->n) {
        for (int i = 0; i < from->n; i++)
            if (!jp_type_can_convert(from->elems[i], to->elems[i]))
                return 0;
        return 1;
    }
    return 0;
}

/* ---- parsing ---------------------------------------------------------- */

typedef struct parser {
    const char *text;
    const char *p;
} parser;

static void
skip_space(parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

static jp_type *parse_one(parser *ps);

static jp_type *
parse_error(parser *ps, const char *what)
{
    PyErr_Format(PyExc_ValueError, "bad type signature %R: %s at column %d",
                 PyUnicode_FromString(ps->text), what, (int)(ps->p - ps->text) + 1);
    return NULL;
}

static jp_type *
named_type(const char *name)
{
    static const struct { const char *name; char kind; int bits; } names[] = {
        {"int8", 'i', 8}, {"int16", 'i', 16}, {"int32", 'i', 32}, {"int64", 'i', 64},
        {"uint8", 'u', 8}, {"uint16", 'u', 16}, {"uint32", 'u', 32}, {"uint64", 'u', 64},
        {"i1", 'i', 8}, {"i2", 'i', 16}, {"i4", 'i', 32}, {"i8", 'i', 64},
        {"u1", 'u', 8}, {"u2", 'u', 16}, {"u4", 'u', 32}, {"u8", 'u', 64},
        {"intp", 'i', 64}, {"uintp", 'u', 64}, {"int_", 'i', 64}, {"int", 'i', 64},
        {"float32", 'f', 32}, {"float64", 'f', 64}, {"f4", 'f', 32}, {"f8", 'f', 64},
        {"double", 'f', 64}, {"float", 'f', 64}, {"float_", 'f', 64},
        {"complex64", 'c', 64}, {"complex128", 'c', 128}, {"c8", 'c', 64},
        {"c16", 'c', 128}, {"complex", 'c', 128},
        {"bool", 'b', 0}, {"boolean", 'b', 0}, {"b1", 'b', 0}, {"bool_", 'b', 0},
        {"none", 'n', 0}, {"void", 'n', 0}, {"None", 'n', 0},
        {"unicode_type", 's', 0}, {"string", 's', 0},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i].name, name) != 0)
            continue;
        switch (names[i].kind) {
        case 'i': return jp_type_int(names[i].bits, 1);
        case 'u': return jp_type_int(names[i].bits, 0);
        case 'f': return jp_type_float(names[i].bits);
        case 'c': return jp_type_complex(names[i].bits);
        case 'b': return jp_type_bool();
        case 's': return jp_type_str();
        default: return jp_type_none();
        }
    }
    return NULL;
}

/* Parses "(t, t, ...)" into elems; returns the count or -1. */
static int
parse_list(parser *ps, jp_type **elems, int max)
{
    int n = 0;
    skip_space(ps);
    if (*ps->p != '(') {
        parse_error(ps, "expected '('");
        return -1;
    }
    ps->p++;
    skip_space(ps);
    if (*ps->p == ')') {
        ps->p++;
        return 0;
    }
    for (;;) {
        if (n == max) {
            parse_error(ps, "too many types");
            return -1;
        }
        if ((elems[n++] = parse_one(ps)) == NULL)
            return -1;
        skip_space(ps);
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == ')') {
            ps->p++;
            return n;
        }
        parse_error(ps, "expected ',' or ')'");
        return -1;
    }
}

static jp_type *
parse_one(parser *ps)
{
    char name[32];
    size_t len = 0;
    jp_type *elems[64];
    jp_type *t;

    skip_space(ps);
    while (isalnum((unsigned char)*ps->p) || *ps->p == '_') {
        if (len + 1 >= sizeof name)
            return parse_error(ps, "name too long");
        name[len++] = *ps->p++;
    }
    name[len] = '\0';
    if (len == 0)
        return parse_error(ps, "expected a type name");
    if (strcmp(name, "UniTuple") == 0) {
        long count;
        char *end;
        skip_space(ps);
        if (*ps->p++ != '(')
            return parse_error(ps, "expected '('");
        if ((t = parse_one(ps)) == NULL)
            return NULL;
        skip_space(ps);
        if (*ps->p++ != ',')
            return parse_error(ps, "expected ','");
        count = strtol(ps->p, &end, 10);
        if (end == ps->p || count < 0 || count > 64)
            return parse_error(ps, "expected a count from 0 to 64");
        ps->p = end;
        skip_space(ps);
        if (*ps->p++ != ')')
            return parse_error(ps, "expected ')'");
        for (long i = 0; i < count; i++)
            elems[i] = t;
        return jp_type_tuple((int)count, elems);
    }
    if (strcmp(name, "list") == 0 || strcmp(name, "reflected") == 0 || strcmp(name, "set") == 0) {
        int reflected = name[0] == 'r', is_set = name[0] == 's';
        skip_space(ps);
        if (reflected) {
            if (strncmp(ps->p, "set", 3) == 0) {
                is_set = 1;
                ps->p += 3;
            } else if (strncmp(ps->p, "list", 4) != 0) {
                return parse_error(ps, "expected 'list' or 'set'");
            } else {
                ps->p += 4;
            }
            skip_space(ps);
        }
        if (*ps->p++ != '(')
            return parse_error(ps, "expected '('");
        if ((t = parse_one(ps)) == NULL)
            return NULL;
        skip_space(ps);
        if (*ps->p++ != ')')
            return parse_error(ps, "expected ')'");
        return is_set ? jp_type_set(t, reflected) : jp_type_list(t, reflected);
    }
    if (strcmp(name, "DictType") == 0) {
        jp_type *k, *v;
        skip_space(ps);
        if (*ps->p++ != '[')
            return parse_error(ps, "expected '['");
        if ((k = parse_one(ps)) == NULL)
            return NULL;
        skip_space(ps);
        if (*ps->p++ != ',')
            return parse_error(ps, "expected ','");
        if ((v = parse_one(ps)) == NULL)
            return NULL;
        skip_space(ps);
        if (*ps->p++ != ']')
            return parse_error(ps, "expected ']'");
        return jp_type_dict(k, v);
    }
    if (strcmp(name, "Optional") == 0 || strcmp(name, "OptionalType") == 0) {
        int n = parse_list(ps, elems, 1);
        return n < 0 ? NULL : n != 1 ? parse_error(ps, "Optional takes one type") : jp_type_optional(elems[0]);
    }
    if (strcmp(name, "ListType") == 0) {      /* ListType[int64]: numba.typed.List */
        skip_space(ps);
        if (*ps->p++ != '[')
            return parse_error(ps, "expected '['");
        if ((t = parse_one(ps)) == NULL)
            return NULL;
        skip_space(ps);
        if (*ps->p++ != ']')
            return parse_error(ps, "expected ']'");
        return jp_type_list(t, 2);
    }
    if (strcmp(name, "Tuple") == 0) {
        int n = parse_list(ps, elems, 64);
        return n < 0 ? NULL : jp_type_tuple(n, elems);
    }
    if (strcmp(name, "array") == 0) {
        jp_type *dt;
        long nd;
        char *end, layout = 'A';
        skip_space(ps);
        if (*ps->p++ != '(')
            return parse_error(ps, "expected '('");
        if ((dt = parse_one(ps)) == NULL)
            return NULL;
        skip_space(ps);
        if (*ps->p++ != ',')
            return parse_error(ps, "expected ','");
        nd = strtol(ps->p, &end, 10);
        if (end == ps->p || *end != 'd' || nd < 0 || nd > 32)
            return parse_error(ps, "expected a dimension count like 2d");
        ps->p = end + 1;
        skip_space(ps);
        if (*ps->p == ',') {
            ps->p++;
            skip_space(ps);
            layout = *ps->p++;
            if (layout != 'C' && layout != 'F' && layout != 'A')
                return parse_error(ps, "layout must be C, F or A");
            skip_space(ps);
        }
        if (*ps->p++ != ')')
            return parse_error(ps, "expected ')'");
        return jp_type_array(dt, (int)nd, layout, 0);
    }
    t = named_type(name);
    if (t != NULL) {
        skip_space(ps);
        if (*ps->p == '[') {
            /* Numba's spelling: float64[:], float64[:, ::1], float64[::1, :] */
            int nd = 0, contig_last = 0, contig_first = 0;
            ps->p++;
            for (;;) {
                int colons = 0;
                skip_space(ps);
                while (*ps->p == ':') {
                    colons++;
                    ps->p++;
                }
                if (colons == 0)
                    return parse_error(ps, "expected ':' in an array type");
                if (colons == 2) {
                    if (*ps->p != '1')
                        return parse_error(ps, "expected '::1'");
                    ps->p++;
                    if (nd == 0)
                        contig_first = 1;
                    contig_last = 1;
                } else {
                    contig_last = 0;
                }
                nd++;
                skip_space(ps);
                if (*ps->p == ',') {
                    ps->p++;
                    continue;
                }
                if (*ps->p++ != ']')
                    return parse_error(ps, "expected ']'");
                break;
            }
            return jp_type_array(t, nd, contig_last ? 'C' : (contig_first && nd > 1) ? 'F' : 'A', 0);
        }
        return t;
    }
    {
        PyErr_Format(PyExc_ValueError, "unknown type name '%s' in signature '%s'",
                     name, ps->text);
        return NULL;
    }
}

jp_type *
jp_parse_type(const char *text)
{
    parser ps = {text, text};
    jp_type *t = parse_one(&ps);
    if (t == NULL)
        return NULL;
    skip_space(&ps);
    if (*ps.p)
        return parse_error(&ps, "unexpected text");
    return t;
}

int
jp_parse_signature(const char *text, jp_type **ret, jp_type ***args)
{
    parser ps = {text, text};
    jp_type *elems[64];
    int n;

    *ret = NULL;
    *args = NULL;
    skip_space(&ps);
    if (*ps.p != '(') {
        if ((*ret = parse_one(&ps)) == NULL)
            return -1;
    }
    n = parse_list(&ps, elems, 64);
    if (n < 0)
        return -1;
    skip_space(&ps);
    if (*ps.p) {
        parse_error(&ps, "unexpected text");
        return -1;
    }
    *args = malloc((size_t)(n ? n : 1) * sizeof **args);
    if (*args == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(*args, elems, (size_t)n * sizeof **args);
    return n;
}

/* A for-loop iterator (jit/iter.h): "iter(zip, array(float64, 1d, C), range)". */
jp_type *
jp_type_iter(int kind, const char *kind_name, int n, jp_type **operands, jp_type *elem)
{
    char name[512];
    size_t len;
    jp_type *t;
    for (jp_type *it = intern_head; it; it = it->next)
        if (it->kind == JP_ITER && it->bits == kind && it->n == n && it->dtype == elem
            && (n == 0 || memcmp(it->elems, operands, (size_t)n * sizeof *operands) == 0))
            return it;
    snprintf(name, sizeof name, "iter(%s", kind_name);
    for (int i = 0; i < n; i++) {
        len = strlen(name);
        snprintf(name + len, sizeof name - len, ", %s", operands[i]->name);
    }
    len = strlen(name);
    snprintf(name + len, sizeof name - len, ")");
    t = new_type(JP_ITER, name, 8, 8);
    if (t == NULL)
        return NULL;
    t->elems = malloc((size_t)(n ? n : 1) * sizeof *t->elems);
    if (t->elems == NULL)
        return NULL;
    memcpy(t->elems, operands, (size_t)n * sizeof *operands);
    t->bits = kind;
    t->n = n;
    t->dtype = elem;
    return t;
}
