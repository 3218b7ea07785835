/* jit/ir.h - the JIT's intermediate form: a tree built from Python's AST by
 * the frontend (frontend.c), typed by infer.c and lowered by lower.c.
 *
 * The tree of one Python function is built once and shared by every
 * signature it is compiled for: per-signature facts (the type of each node,
 * the callee chosen at each call) live in the instance's side tables,
 * indexed by node->id.  All nodes and strings live in the function's arena.
 */
#ifndef JP_IR_H
#define JP_IR_H

#include "jit/types.h"

typedef enum jp_node_kind {
    /* expressions */
    E_CONST, E_STR, E_LOCAL, E_MODULE, E_CALLEE, E_BINOP, E_UNARY, E_COMPARE,
    E_BOOLOP, E_IFEXP, E_CALL, E_TUPLE, E_SUBSCRIPT, E_ATTR, E_SLICE,
    /* statements */
    S_ASSIGN, S_AUGASSIGN, S_EXPR, S_RETURN, S_IF, S_WHILE, S_FOR, S_BREAK,
    S_CONTINUE, S_RAISE, S_ASSERT, S_PASS,
    S_SETITEM,          /* target[index] = value, record.field = value */
    E_LIST,             /* [a, b, c] (u.tuple) */
    E_LISTCOMP,         /* [elt for x in it if c]: u.comp, a hidden local filled by a loop */
    E_ARRAYCONST,       /* a global NumPy array, frozen into the code (const_array.c) */
    S_OBJMODE,          /* with objmode(x='T'): a block run by the interpreter (objmode.c) */
    E_STARRED,          /* *t among a call's arguments (u.expr.value: a tuple), lib_func.c */
    S_TRY,              /* try/except/else/finally (u.try_; frontend_try.c, lower_try.c) */
    E_YIELD,            /* `yield value` (u.expr.value, NULL: None); its own value is None */
    E_DICT,             /* {k1: v1, k2: v2} (u.tuple: keys and values alternate) */
    S_DELITEM,          /* del d[k] (u.expr.value: the E_SUBSCRIPT) */
    E_SET,              /* {a, b, c} (u.tuple) */
} jp_node_kind;

typedef enum jp_binop {
    OP_ADD, OP_SUB, OP_MUL, OP_TRUEDIV, OP_FLOORDIV, OP_MOD, OP_POW,
    OP_LSHIFT, OP_RSHIFT, OP_BITAND, OP_BITOR, OP_BITXOR, OP_MATMUL,
} jp_binop;

typedef enum jp_cmpop {
    CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_IS, CMP_ISNOT,
    CMP_IN, CMP_NOTIN,
} jp_cmpop;

typedef enum jp_unop { UOP_NEG, UOP_POS, UOP_NOT, UOP_INVERT } jp_unop;

/* What an E_CALLEE names. */
typedef enum jp_callee_kind {
    CALLEE_BUILTIN,     /* id: jp_builtin */
    CALLEE_MATH,        /* id: index into the math table (lower_math.c) */
    CALLEE_CMATH,       /* id: index into the cmath table */
    CALLEE_DISPATCHER,  /* obj: a jitprofile dispatcher */
    CALLEE_EXCEPTION,   /* obj: an exception class */
    CALLEE_NUMPY,       /* id: index into the numpy table (lower_numpy.c) */
    CALLEE_GENERATED,   /* obj: a @generated_jit / @overload template (resolved by types) */
    CALLEE_CFUNC,       /* obj: (address, return type, argument types) of a C function */
    CALLEE_CLASS,       /* obj: a @jitclass class (calling it constructs an instance) */
    CALLEE_INTRINSIC,   /* target, name: an intrinsic of a compile target (jit/target.h),
                         * e.g. ("cuda", "sreg:tid.x"), ("cuda", "atomic.add") */
    CALLEE_LIB,         /* id: index into the resolver's function table (lib_np_array.c) */
    CALLEE_MODULE,      /* id: index into the module-function registry (lib.h: random, math, operator) */
} jp_callee_kind;

typedef enum jp_builtin {
    B_ABS, B_MIN, B_MAX, B_INT, B_FLOAT, B_COMPLEX, B_BOOL, B_ROUND, B_POW,
    B_DIVMOD, B_LEN, B_PRINT, B_RANGE,
    B_PRANGE,           /* jitprofile.prange: range, run in parallel under parallel=True */
    B_LIST, B_ZIP, B_ENUMERATE, B_REVERSED, B_SORTED, B_SUM, B_ANY, B_ALL, B_ISINSTANCE,
    B_MAP, B_FILTER,    /* map(f, it, ...), filter(f, it): iterables (lib_iter.c) */
    B_STR, B_REPR, B_ORD, B_CHR, B_FORMAT,     /* strings (lib_str.c) */
    B_DICT, B_HASH,     /* dict(), hash() (lib_dict.c) */
    B_SET,              /* set() (lib_set.c) */
} jp_builtin;

typedef struct jp_node jp_node;

typedef struct jp_block {
    int n;
    jp_node **stmts;
} jp_block;

/* One `except` clause of an S_TRY: the classes it catches (ncls 0: a bare
 * `except:`, catching everything) and its body. */
typedef struct jp_handler {
    int ncls;
    PyObject **cls;         /* exception classes (kept alive by the function's refs) */
    jp_block body;
} jp_handler;

typedef union jp_value {
    long long i;
    double f;
    double c[2];
} jp_value;

struct jp_node {
    jp_node_kind kind;
    int id;                 /* index into an instance's side tables */
    int line, col;          /* file line (1-based), column (0-based bytes) */
    int end_line, end_col;
    union {
        struct { jp_type *type; jp_value v; } cnst;
        struct { const char *text; } str;
        struct { int index; } local;
        struct { PyObject *module; } module;
        struct {
            jp_callee_kind kind; int id; PyObject *obj; const char *name;
            const char *target; /* CALLEE_INTRINSIC: the target's name (jit/target.h) */
            const char *shown;  /* CALLEE_INTRINSIC: how Python spells it ("threadIdx.x"), or NULL */
            /* an inner function (frontend_closure.h): the locals it captures,
             * passed before the arguments of a call; inner = 1 for every inner function */
            int ncap, inner; jp_node **cap;
            PyObject *literal;  /* a function using literally() (_literal.py), obj its generic dispatcher */
        } callee;
        struct { jp_binop op; jp_node *left, *right; } binop;
        struct { jp_unop op; jp_node *operand; } unary;
        struct { int n; jp_cmpop *ops; jp_node **operands; } compare;
        struct { int is_and; int n; jp_node **values; } boolop;
        struct { jp_node *test, *body, *orelse; } ifexp;
        struct {
            jp_node *func;
            int nargs; jp_node **args;
            int nkw; const char **kwnames; jp_node **kwvalues;
        } call;
        struct { int n; jp_node **elts; } tuple;
        struct { jp_node *value, *index; } subscript;
        struct { jp_node *value; const char *name; } attr;
        struct { jp_node *lower, *upper, *step; } slice;      /* each may be NULL */
        struct { PyObject *array; } arrayconst;     /* a read-only C-contiguous copy (in refs) */
        struct {
            PyObject *func;                 /* the block as a Python function of its inputs (in refs) */
            int nin, nout;
            jp_node **in, **out;            /* E_LOCAL nodes: live variables read, declared outputs */
            jp_type **types;                /* the declared type of each output */
        } objmode;
        /* statements */
        struct { jp_node *target, *value; } assign;
        struct { jp_binop op; jp_node *target, *value; } augassign;   /* also S_SETITEM (op unused) */
        struct { jp_node *value; } expr;            /* S_EXPR, S_RETURN, E_YIELD */
        struct { jp_node *test; jp_block body, orelse; } cond;  /* S_IF, S_WHILE */
        struct { jp_node *target, *iter; jp_block body, orelse; } loop;
        struct { PyObject *cls; const char *msg; int has_msg; jp_node *value; } raise;  /* value: a str message */
        struct { jp_node *test; const char *msg; } assert_;
        struct { jp_block body; int local; } comp;  /* E_LISTCOMP: `$l = []`, the loop; $l */
        struct {                                    /* S_TRY */
            jp_block body, orelse, final;           /* orelse, final: n 0 when absent */
            int nhandlers;
            jp_handler *handlers;
        } try_;
    } u;
};

/* The blocks of an S_TRY, for walkers: body, each handler's, else, finally. */
static inline int
jp_try_nblocks(const jp_node *s)
{
    return s->u.try_.nhandlers + 3;
}

static inline jp_block *
jp_try_block(jp_node *s, int i)
{
    int h = s->u.try_.nhandlers;
    return i == 0 ? &s->u.try_.body : i <= h ? &s->u.try_.handlers[i - 1].body
                  : i == h + 1 ? &s->u.try_.orelse : &s->u.try_.final;
}

typedef struct jp_arena jp_arena;

/* One Python function, as the frontend read it. */
typedef struct jp_func_ir {
    jp_arena *arena;
    PyObject *dispatcher;       /* borrowed: the owner */
    const char *name, *qualname, *filename;
    int def_line;               /* line of the `def` */
    int nparams;
    int nlocals;                /* params first */
    const char **local_names;
    PyObject **defaults;        /* nparams entries, NULL where none (owned) */
    jp_block body;
    int nnodes;
    PyObject *source_lines;     /* list of str: the function's source (owned) */
    int source_first_line;      /* file line of source_lines[0] */
    PyObject *refs;             /* list keeping embedded Python objects alive */
    PyObject *frozen;           /* list of (name, value): globals frozen into the code (cache key) */
    int vararg;                 /* def f(a, *args): the last parameter is the tuple args */
    int is_generator;           /* the body yields: calls return a generator (lower_generator.c) */
} jp_func_ir;

/* Build the IR of a Python function (frontend.c).  `source` is the tuple
 * the glue returns: (FunctionDef node, filename, first line, source lines,
 * indent, globals, closure dict).  NULL with UnsupportedError/TypingError. */
jp_func_ir *jp_frontend_build(PyObject *dispatcher, PyObject *pyfunc, PyObject *source);
void jp_func_ir_free(jp_func_ir *ir);

/* Arena allocation (zeroed); never fails silently: NULL + MemoryError. */
void *jp_arena_alloc(jp_arena *arena, size_t size);
char *jp_arena_strdup(jp_arena *arena, const char *s);

#endif
