/* jit/frontend.c - Python AST -> IR (ir.h).
 *
 * Reads the ast.FunctionDef of a function (the glue parses its source with
 * inspect + ast), decides which names are locals (Python's rule: assigned
 * anywhere in the body), resolves every other name at compile time against
 * the closure, the module globals and the builtins (numbers are frozen,
 * math/cmath functions, builtins, jitted functions and exception classes are
 * recognised), and rejects unsupported syntax with UnsupportedError at its
 * exact line and column.
 */
#include "jit/np_unsupported.h"
#include "jit/ir.h"
#include "jit/errors.h"
#include "jit/lower_math.h"
#include "jit/lib.h"
#include "jit/const_array.h"
#include "jit/compiler.h"
#include "jit/numpy_funcs.h"
#include "jit/numpy_api.h"
#include "jit/pycompat.h"
#include "jit/jitclass.h"
#include "jit/hashtable.h"
#include "jit/resolve.h"
#include "jit/frontend_closure.h"
#include "jit/frontend_try.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ------------------------------------------------------------ */

struct jp_arena {
    struct jp_arena *next;
    size_t used, cap;
    char data[];
};

void *
jp_arena_alloc(jp_arena *arena, size_t size)
{
    jp_arena *blk;
    size = (size + 15) & ~(size_t)15;
    for (blk = arena; blk; blk = blk->next)
        if (blk->cap - blk->used >= size)
            break;
    if (blk == NULL) {
        size_t cap = size > 65536 ? size : 65536;
        blk = calloc(1, sizeof *blk + cap);
        if (blk == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        blk->cap = cap;
        blk->next = arena->next;
        arena->next = blk;
    }
    blk->used += size;
    return blk->data + blk->used - size;
}

char *
jp_arena_strdup(jp_arena *arena, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = jp_arena_alloc(arena, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static jp_arena *
arena_new(void)
{
    jp_arena *a = calloc(1, sizeof *a);
    if (a == NULL)
        PyErr_NoMemory();
    return a;
}

static void
arena_free(jp_arena *a)
{
    while (a) {
        jp_arena *next = a->next;
        free(a);
        a = next;
    }
}

void
jp_func_ir_free(jp_func_ir *ir)
{
    if (ir == NULL)
        return;
    if (ir->defaults)
        for (int i = 0; i < ir->nparams; i++)
            Py_XDECREF(ir->defaults[i]);
    free(ir->defaults);             /* the array too (LSan found it) */
    ir->defaults = NULL;
    Py_XDECREF(ir->source_lines);
    Py_XDECREF(ir->refs);
    Py_XDECREF(ir->frozen);
    arena_free(ir->arena);
}

/* ---- AST classes -------------------------------------------------------- */

enum ast_kind {
    A_UNKNOWN,
    /* statements */
    A_FunctionDef, A_AsyncFunctionDef, A_ClassDef, A_Return, A_Delete, A_Assign,
    A_AugAssign, A_AnnAssign, A_For, A_AsyncFor, A_While, A_If, A_With,
    A_AsyncWith, A_Match, A_Raise, A_Try, A_TryStar, A_Assert, A_Import,
    A_ImportFrom, A_Global, A_Nonlocal, A_Expr, A_Pass, A_Break, A_Continue,
    /* expressions */
    A_BoolOp, A_NamedExpr, A_BinOp, A_UnaryOp, A_Lambda, A_IfExp, A_Dict, A_Set,
    A_ListComp, A_SetComp, A_DictComp, A_GeneratorExp, A_Await, A_Yield,
    A_YieldFrom, A_Compare, A_Call, A_FormattedValue, A_JoinedStr, A_Constant,
    A_Attribute, A_Subscript, A_Starred, A_Name, A_List, A_Tuple, A_Slice,
    /* operators */
    A_Add, A_Sub, A_Mult, A_MatMult, A_Div, A_Mod, A_Pow, A_LShift, A_RShift,
    A_BitOr, A_BitXor, A_BitAnd, A_FloorDiv, A_Invert, A_Not, A_UAdd, A_USub,
    A_Eq, A_NotEq, A_Lt, A_LtE, A_Gt, A_GtE, A_Is, A_IsNot, A_In, A_NotIn,
    A_And, A_Or,
    A__COUNT
};

static const char *ast_names[A__COUNT] = {
    "", "FunctionDef", "AsyncFunctionDef", "ClassDef", "Return", "Delete",
    "Assign", "AugAssign", "AnnAssign", "For", "AsyncFor", "While", "If", "With",
    "AsyncWith", "Match", "Raise", "Try", "TryStar", "Assert", "Import",
    "ImportFrom", "Global", "Nonlocal", "Expr", "Pass", "Break", "Continue",
    "BoolOp", "NamedExpr", "BinOp", "UnaryOp", "Lambda", "IfExp", "Dict", "Set",
    "ListComp", "SetComp", "DictComp", "GeneratorExp", "Await", "Yield",
    "YieldFrom", "Compare", "Call", "FormattedValue", "JoinedStr", "Constant",
    "Attribute", "Subscript", "Starred", "Name", "List", "Tuple", "Slice",
    "Add", "Sub", "Mult", "MatMult", "Div", "Mod", "Pow", "LShift", "RShift",
    "BitOr", "BitXor", "BitAnd", "FloorDiv", "Invert", "Not", "UAdd", "USub",
    "Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot", "In", "NotIn",
    "And", "Or",
};

/* What users read in "X is not supported" for constructs we reject. */
static const char *
construct_name(int k)
{
    switch (k) {
    case A_With: case A_AsyncWith: return "with statement";
    case A_Try: case A_TryStar: return "try statement";
    case A_ClassDef: return "class definition";
    case A_FunctionDef: case A_AsyncFunctionDef: return "nested function definition";
    case A_Lambda: return "lambda";
    case A_ListComp: return "list comprehension";
    case A_SetComp: return "set comprehension";
    case A_DictComp: return "dict comprehension";
    case A_GeneratorExp: return "generator expression";
    case A_Yield: return "yield (generators)";
    case A_YieldFrom: return "yield from (generator delegation)";
    case A_Await: return "await";
    case A_Global: return "global statement";
    case A_Nonlocal: return "nonlocal statement";
    case A_Delete: return "del statement";
    case A_Import: case A_ImportFrom: return "import statement";
    case A_Dict: return "dict";
    case A_Set: return "set";
    case A_List: return "list";
    case A_JoinedStr: case A_FormattedValue: return "f-string";
    case A_Starred: return "starred expression";
    case A_NamedExpr: return "assignment expression (:=)";
    case A_Match: return "match statement";
    case A_AsyncFor: return "async for";
    case A_Slice: return "slice";
    default: return "this construct";
    }
}

static PyObject *ast_kind_table;    /* type -> int */

static int
ast_table_init(void)
{
    PyObject *ast;
    if (ast_kind_table)
        return 0;
    ast = PyImport_ImportModule("ast");
    if (ast == NULL)
        return -1;
    ast_kind_table = PyDict_New();
    if (ast_kind_table == NULL)
        goto fail;
    for (int k = 1; k < A__COUNT; k++) {
        PyObject *cls = PyObject_GetAttrString(ast, ast_names[k]), *v;
        if (cls == NULL) {          /* TryStar is 3.11+, all present */
            PyErr_Clear();
            continue;
        }
        v = PyLong_FromLong(k);
        if (v == NULL || PyDict_SetItem(ast_kind_table, cls, v) < 0) {
            Py_XDECREF(v);
            Py_DECREF(cls);
            goto fail;
        }
        Py_DECREF(v);
        Py_DECREF(cls);
    }
    Py_DECREF(ast);
    return 0;
fail:
    Py_DECREF(ast);
    Py_CLEAR(ast_kind_table);
    return -1;
}

static int
kind_of(PyObject *node)
{
    PyObject *v = PyDict_GetItemWithError(ast_kind_table, (PyObject *)Py_TYPE(node));
    return v ? (int)PyLong_AsLong(v) : A_UNKNOWN;
}

/* ---- the builder -------------------------------------------------------- */

typedef struct fe {
    jp_func_ir *ir;
    PyObject *globals;
    PyObject *builtins;
    PyObject *closure;      /* dict: free variable name -> value */
    PyObject *locals;       /* dict: name -> index */
    int line_offset;        /* added to ast line numbers */
    int col_offset;         /* added to ast columns (dedent) */
    PyObject *math_mod, *cmath_mod, *builtins_mod;
    int next_local;         /* locals numbered in creation order (a comprehension's
                             * names leave `locals` when it ends; indices stay unique) */
    PyObject *scope;        /* the body's inner functions (frontend_closure.h), or None */
} fe;

static long
attr_long(PyObject *node, const char *name)
{
    PyObject *v = PyObject_GetAttrString(node, name);
    long r = -1;
    if (v == NULL) {
        PyErr_Clear();
        return -1;
    }
    if (v != Py_None)
        r = PyLong_AsLong(v);
    Py_DECREF(v);
    return r;
}

/* The span of an AST node, in file coordinates. */
typedef struct span { int line, col, end_line, end_col; } span;

static span
span_of(fe *f, PyObject *node)
{
    span s;
    s.line = (int)attr_long(node, "lineno") + f->line_offset;
    s.col = (int)attr_long(node, "col_offset") + f->col_offset;
    s.end_line = (int)attr_long(node, "end_lineno") + f->line_offset;
    s.end_col = (int)attr_long(node, "end_col_offset") + f->col_offset;
    return s;
}

static void *
unsupported(fe *f, PyObject *node, const char *what, const char *hint)
{
    span s = span_of(f, node);
    return jp_error_span(JpUnsupportedError, f->ir, s.line, s.col, s.end_line,
                         s.end_col, hint, "%s is not supported in jit code", what);
}

static void *
typing_error(fe *f, PyObject *node, const char *hint, const char *fmt, const char *arg)
{
    span s = span_of(f, node);
    return jp_error_span(JpTypingError, f->ir, s.line, s.col, s.end_line,
                         s.end_col, hint, fmt, arg);
}

static jp_node *
new_node(fe *f, jp_node_kind kind, PyObject *ast_node)
{
    jp_node *n = jp_arena_alloc(f->ir->arena, sizeof *n);
    if (n == NULL)
        return NULL;
    n->kind = kind;
    n->id = f->ir->nnodes++;
    if (ast_node) {
        span s = span_of(f, ast_node);
        n->line = s.line;
        n->col = s.col;
        n->end_line = s.end_line;
        n->end_col = s.end_col;
    }
    return n;
}

static void *
alloc_array(fe *f, size_t n, size_t size)
{
    return jp_arena_alloc(f->ir->arena, (n ? n : 1) * size);
}

static PyObject *
get_attr(PyObject *node, const char *name)
{
    return PyObject_GetAttrString(node, name);
}

static jp_node *build_expr(fe *f, PyObject *node);
static int build_block(fe *f, PyObject *list, jp_block *out);

static jp_node *
const_node(fe *f, PyObject *ast_node, PyObject *value)
{
    jp_node *n;
    if (PyUnicode_Check(value)) {
        n = new_node(f, E_STR, ast_node);
        if (n && (n->u.str.text = jp_arena_strdup(f->ir->arena, PyUnicode_AsUTF8(value))) == NULL)
            return NULL;
        return n;
    }
    n = new_node(f, E_CONST, ast_node);
    if (n == NULL)
        return NULL;
    if (value == Py_None) {
        n->u.cnst.type = jp_type_none();
    } else if (PyBool_Check(value)) {
        n->u.cnst.type = jp_type_bool();
        n->u.cnst.v.i = value == Py_True;
    } else if (PyLong_Check(value)) {
        int overflow;
        n->u.cnst.type = jp_type_int(64, 1);
        n->u.cnst.v.i = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow)
            return typing_error(f, ast_node, "jit integers are int64",
                                "integer constant %s does not fit in int64",
                                PyUnicode_AsUTF8(PyObject_Str(value)));
    } else if (PyFloat_Check(value)) {
        n->u.cnst.type = jp_type_float(64);
        n->u.cnst.v.f = PyFloat_AsDouble(value);
    } else if (PyComplex_Check(value)) {
        n->u.cnst.type = jp_type_complex(128);
        n->u.cnst.v.c[0] = PyComplex_RealAsDouble(value);
        n->u.cnst.v.c[1] = PyComplex_ImagAsDouble(value);
    } else {
        return NULL;    /* caller reports */
    }
    return n;
}

/* Builtin functions by name, in jp_builtin order. */
static const char *builtin_names[] = {"abs", "min", "max", "int", "float", "complex",
                                      "bool", "round", "pow", "divmod", "len", "print",
                                      "range", "",  /* B_PRANGE: jitprofile.prange, not a builtin */
                                      "list", "zip", "enumerate", "reversed", "sorted", "sum",
                                      "any", "all", "isinstance", "map", "filter", "", "repr", "ord", "chr", "format",
                                      "dict", "hash", "set"};

/* Whether the user gave `value` an @overload (jitprofile.extending). */
static int
has_overload(PyObject *value)
{
    PyObject *name = PyUnicode_FromString("jitprofile.extending"), *ext, *t;
    int found = 0;
    ext = name ? PyImport_GetModule(name) : NULL;
    Py_XDECREF(name);
    if (ext) {
        t = PyObject_CallMethod(ext, "_lookup", "O", value);
        found = t != NULL && t != Py_None;
        Py_XDECREF(t);
        Py_DECREF(ext);
    }
    PyErr_Clear();
    return found;
}

/* A Python value met as a global/closure/attribute, as an IR node. */
static jp_node *
value_node(fe *f, PyObject *ast_node, PyObject *value, const char *name)
{
    jp_node *n;
    int id, is_cmath;

    if (value == Py_None || PyBool_Check(value) || PyLong_Check(value)
        || PyFloat_Check(value) || PyComplex_Check(value)
        || PyUnicode_CheckExact(value)) {      /* a global str: frozen, as Numba */
        return const_node(f, ast_node, value);
    }
    if (PyTuple_Check(value)) {
        Py_ssize_t len = PyTuple_GET_SIZE(value);
        n = new_node(f, E_TUPLE, ast_node);
        if (n == NULL)
            return NULL;
        n->u.tuple.n = (int)len;
        n->u.tuple.elts = alloc_array(f, (size_t)len, sizeof(jp_node *));
        if (n->u.tuple.elts == NULL)
            return NULL;
        for (Py_ssize_t i = 0; i < len; i++)
            if ((n->u.tuple.elts[i] = value_node(f, ast_node, PyTuple_GET_ITEM(value, i), name)) == NULL)
                return NULL;
        return n;
    }
    if (PyModule_Check(value)) {
        const char *mname = PyModule_GetName(value);
        if (mname && (strcmp(mname, "numpy") == 0 || strcmp(mname, "numpy.random") == 0
                      || strcmp(mname, "numpy.linalg") == 0)) {
            n = new_node(f, E_MODULE, ast_node);
            if (n)
                n->u.module.module = value;
            return n;
        }
        if (PyErr_Occurred())
            PyErr_Clear();
        if (value != f->math_mod && value != f->cmath_mod)
            return typing_error(f, ast_node, "only math and cmath can be used as modules for now",
                                "module '%s' is not supported in jit code",
                                PyModule_GetName(value));
        n = new_node(f, E_MODULE, ast_node);
        if (n)
            n->u.module.module = value;
        return n;
    }
    if ((id = jp_lib_lookup(value)) >= 0 && !has_overload(value)) {
        /* random.*, the rest of math, operator.* (lib.h); an @overload of one wins */
        const jp_lib_fn *e = jp_lib_get(id);
        if (e->type == NULL && e->rewrite == RW_NONE) {
            char what[96];
            snprintf(what, sizeof what, "%s.%s()", e->module, e->name);
            return unsupported(f, ast_node, what, e->params);
        }
        n = new_node(f, E_CALLEE, ast_node);
        if (n == NULL)
            return NULL;
        n->u.callee.kind = CALLEE_MODULE;
        n->u.callee.id = id;
        n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
        return n;
    }
    if (PyErr_Occurred())
        return NULL;
    if ((id = jp_math_lookup(value, &is_cmath)) >= 0) {
        n = new_node(f, E_CALLEE, ast_node);
        if (n == NULL)
            return NULL;
        n->u.callee.kind = is_cmath ? CALLEE_CMATH : CALLEE_MATH;
        n->u.callee.id = id;
        n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
        return n;
    }
    if (PyErr_Occurred())
        return NULL;
    if (!PyModule_Check(value) && !PyType_Check(value)) {
        /* a compile target's intrinsics (jit/target.h): any object with
         * _jitprofile_intrinsic = (target name, intrinsic name[, Python spelling]) */
        PyObject *marker = PyObject_GetAttrString(value, "_jitprofile_intrinsic");
        Py_ssize_t size = marker && PyTuple_Check(marker) ? PyTuple_GET_SIZE(marker) : 0;
        if ((size == 2 || size == 3)
            && PyUnicode_Check(PyTuple_GET_ITEM(marker, 0)) && PyUnicode_Check(PyTuple_GET_ITEM(marker, 1))
            && (size == 2 || PyUnicode_Check(PyTuple_GET_ITEM(marker, 2)))) {
            const char *target = PyUnicode_AsUTF8(PyTuple_GET_ITEM(marker, 0));
            const char *iname = target ? PyUnicode_AsUTF8(PyTuple_GET_ITEM(marker, 1)) : NULL;
            const char *shown = iname && size == 3 ? PyUnicode_AsUTF8(PyTuple_GET_ITEM(marker, 2)) : NULL;
            n = iname && (size == 2 || shown) ? new_node(f, E_CALLEE, ast_node) : NULL;
            if (n) {
                n->u.callee.kind = CALLEE_INTRINSIC;
                n->u.callee.target = jp_arena_strdup(f->ir->arena, target);
                n->u.callee.name = jp_arena_strdup(f->ir->arena, iname);
                n->u.callee.shown = shown ? jp_arena_strdup(f->ir->arena, shown) : NULL;
            }
            Py_DECREF(marker);
            return n;
        }
        Py_XDECREF(marker);
        PyErr_Clear();
    }
    {
        /* @generated_jit functions, and functions given an @overload */
        PyObject *template = NULL;
        if (!PyModule_Check(value) && !PyType_Check(value)) {
            PyObject *marker = PyObject_GetAttrString(value, "_jitprofile_generated");
            if (marker) {
                Py_DECREF(marker);
                template = Py_NewRef(value);
            } else {
                PyObject *ext = PyImport_GetModule(PyUnicode_FromString("jitprofile.extending"));
                PyObject *uf = PyImport_GetModule(PyUnicode_FromString("jitprofile.ufunc"));
                PyErr_Clear();
                if (uf) {
                    /* a @vectorize ufunc called on scalars: its kernel */
                    PyObject *k = PyObject_CallMethod(uf, "_lookup", "O", value);
                    Py_DECREF(uf);
                    if (k == NULL) {
                        Py_XDECREF(ext);
                        return NULL;
                    }
                    if (jp_is_dispatcher(k)) {
                        n = new_node(f, E_CALLEE, ast_node);
                        if (n == NULL || PyList_Append(f->ir->refs, k) < 0) {
                            Py_DECREF(k);
                            Py_XDECREF(ext);
                            return NULL;
                        }
                        n->u.callee.kind = CALLEE_DISPATCHER;
                        n->u.callee.obj = k;
                        n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
                        Py_DECREF(k);
                        Py_XDECREF(ext);
                        return n;
                    }
                    Py_DECREF(k);
                }
                if (ext) {
                    PyObject *t = PyObject_CallMethod(ext, "_lookup", "O", value);
                    Py_DECREF(ext);
                    if (t == NULL)
                        return NULL;
                    if (t != Py_None)
                        template = t;
                    else
                        Py_DECREF(t);
                }
            }
        }
        if (template) {
            n = new_node(f, E_CALLEE, ast_node);
            if (n == NULL || PyList_Append(f->ir->refs, template) < 0) {
                Py_DECREF(template);
                return NULL;
            }
            Py_DECREF(template);
            n->u.callee.kind = CALLEE_GENERATED;
            n->u.callee.obj = template;
            n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
            return n;
        }
    }
    if (PyFunction_Check(value)) {
        PyObject *marker = PyObject_GetAttrString(value, "_jitprofile_prange");
        if (marker) {
            Py_DECREF(marker);
            n = new_node(f, E_CALLEE, ast_node);
            if (n == NULL)
                return NULL;
            n->u.callee.kind = CALLEE_BUILTIN;
            n->u.callee.id = B_PRANGE;
            n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
            return n;
        }
        PyErr_Clear();
    }
    if ((id = jp_lib_function_lookup(value)) >= 0) {
        n = new_node(f, E_CALLEE, ast_node);
        if (n == NULL)
            return NULL;
        n->u.callee.kind = CALLEE_LIB;
        n->u.callee.id = id;
        n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
        return n;
    }
    if ((id = jp_numpy_lookup(value)) >= 0) {
        n = new_node(f, E_CALLEE, ast_node);
        if (n == NULL)
            return NULL;
        n->u.callee.kind = CALLEE_NUMPY;
        n->u.callee.id = id;
        n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
        return n;
    }
    if (PyObject_TypeCheck(value, &JpType_Type)) {
        /* jitprofile.float64 and friends as dtypes (np.empty(n, float64)) */
        jp_type *dt = jp_type_from_py(value);
        if (dt && (jp_is_number(dt) || dt->kind == JP_TUPLE || dt->kind == JP_ARRAY || dt->kind == JP_DICT
                   || dt->kind == JP_STR)) {
            /* (tuple, array and dict types: key_type=/value_type= of typed Dict.empty) */
            n = new_node(f, E_CONST, ast_node);
            if (n)
                n->u.cnst.type = jp_type_dtype(dt);
            return n;
        }
        PyErr_Clear();
    }
    {
        jp_type *dt = jp_numpy_dtype_object(value);
        if (dt) {
            n = new_node(f, E_CONST, ast_node);
            if (n)
                n->u.cnst.type = jp_type_dtype(dt);
            return n;
        }
    }
    if (jp_numpy_ready() && PyArray_Check(value)) {
        /* a global array: a read-only constant copied into the code (const_array.c),
         * whose contents are part of the on-disk cache's key */
        PyObject *copy = jp_freeze_array(value, name), *entry;
        if (copy == NULL) {
            PyObject *exc = jp_take_exception(), *msg = exc ? PyObject_Str(exc) : NULL;
            typing_error(f, ast_node, "pass the array as an argument, or convert it to a numeric dtype",
                         "%s", msg ? PyUnicode_AsUTF8(msg) : "bad global array");
            Py_XDECREF(msg);
            Py_XDECREF(exc);
            return NULL;
        }
        entry = Py_BuildValue("(sO)", name, value);
        if (entry == NULL || PyList_Append(f->ir->refs, copy) < 0 || PyList_Append(f->ir->frozen, entry) < 0
            || (n = new_node(f, E_ARRAYCONST, ast_node)) == NULL) {
            Py_XDECREF(entry);
            Py_DECREF(copy);
            return NULL;
        }
        Py_DECREF(entry);
        n->u.arrayconst.array = copy;
        Py_DECREF(copy);        /* ir->refs keeps it */
        return n;
    }
    if (jp_numpy_ready() && PyArray_IsScalar(value, Generic)) {
        jp_type *st = jp_typeof(value);
        if (st && jp_is_number(st)) {
            PyObject *py = PyObject_CallMethod(value, "item", NULL);
            if (py == NULL)
                return NULL;
            n = const_node(f, ast_node, py);
            Py_DECREF(py);
            if (n && n->u.cnst.type != st && st->kind != JP_BOOL)
                n->u.cnst.type = st;    /* keep the NumPy width */
            return n;
        }
    }
    if (PyCFunction_Check(value) && PyCFunction_GET_SELF(value) == f->builtins_mod) {
        const char *fname = ((PyCFunctionObject *)value)->m_ml->ml_name;
        for (size_t i = 0; i < sizeof builtin_names / sizeof builtin_names[0]; i++)
            if (strcmp(fname, builtin_names[i]) == 0) {
                id = (int)i;
                goto builtin_found;
            }
        if (jp_builtin_hint(fname))
            return jp_error_span(JpUnsupportedError, f->ir, span_of(f, ast_node).line, span_of(f, ast_node).col,
                                 span_of(f, ast_node).end_line, span_of(f, ast_node).end_col, jp_builtin_hint(fname),
                                 "builtin function '%s' is not supported in jit code", fname);
        return typing_error(f, ast_node, NULL,
                            "builtin function '%s' is not supported in jit code", fname);
    }
    if (PyType_Check(value) && PyType_IsSubtype((PyTypeObject *)value, &JpJitClassBase_Type)
        && (PyTypeObject *)value != &JpJitClassBase_Type) {
        n = new_node(f, E_CALLEE, ast_node);
        if (n == NULL || PyList_Append(f->ir->refs, value) < 0)
            return NULL;
        n->u.callee.kind = CALLEE_CLASS;
        n->u.callee.obj = value;
        n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
        return n;
    }
    if (PyType_Check(value)) {
        static const struct { PyTypeObject *type; jp_builtin id; } types[] = {
            {&PyLong_Type, B_INT}, {&PyFloat_Type, B_FLOAT}, {&PyComplex_Type, B_COMPLEX},
            {&PyBool_Type, B_BOOL}, {&PyRange_Type, B_RANGE}, {&PyList_Type, B_LIST}, {&PyDict_Type, B_DICT}, {&PySet_Type, B_SET},
            {&PyZip_Type, B_ZIP}, {&PyEnum_Type, B_ENUMERATE}, {&PyReversed_Type, B_REVERSED},
            {&PyMap_Type, B_MAP}, {&PyFilter_Type, B_FILTER},
            {&PyUnicode_Type, B_STR},
        };
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
            if ((PyTypeObject *)value == types[i].type) {
                n = new_node(f, E_CALLEE, ast_node);
                if (n == NULL)
                    return NULL;
                n->u.callee.kind = CALLEE_BUILTIN;
                n->u.callee.id = types[i].id;
                n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
                return n;
            }
        }
        if (PyType_IsSubtype((PyTypeObject *)value, (PyTypeObject *)PyExc_BaseException)) {
            n = new_node(f, E_CALLEE, ast_node);
            if (n == NULL || PyList_Append(f->ir->refs, value) < 0)
                return NULL;
            n->u.callee.kind = CALLEE_EXCEPTION;
            n->u.callee.obj = value;
            n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
            return n;
        }
    }
    if (jp_is_dispatcher(value)) {
        n = new_node(f, E_CALLEE, ast_node);
        if (n == NULL || PyList_Append(f->ir->refs, value) < 0)
            return NULL;
        n->u.callee.kind = CALLEE_DISPATCHER;
        n->u.callee.obj = value;
        n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
        return n;
    }
    if (!PyType_Check(value) && !PyModule_Check(value) && PyObject_HasAttrString(value, "_jitprofile_generic")) {
        /* a function using literally() (_literal.py): from jit code, compiled on types */
        PyObject *generic = PyObject_GetAttrString(value, "_jitprofile_generic");
        if (generic == NULL)
            return NULL;
        if (jp_is_dispatcher(generic)) {
            n = value_node(f, ast_node, generic, name);
            Py_DECREF(generic);
            if (n && PyList_Append(f->ir->refs, value) < 0)
                return NULL;
            if (n)
                n->u.callee.literal = value;
            return n;
        }
        Py_DECREF(generic);
    }
    {
        /* a C function: ctypes pointer or CFFI function (jitprofile/_ffi.py) */
        PyObject *ffi = PyImport_ImportModule("jitprofile._ffi"), *desc;
        if (ffi == NULL)
            return NULL;
        desc = PyObject_CallMethod(ffi, "describe", "O", value);
        Py_DECREF(ffi);
        if (desc == NULL) {
            PyObject *exc = jp_take_exception(), *msg = exc ? PyObject_Str(exc) : NULL;
            typing_error(f, ast_node, NULL, "%s", msg ? PyUnicode_AsUTF8(msg) : "bad C function");
            Py_XDECREF(msg);
            Py_XDECREF(exc);
            return NULL;
        }
        if (desc != Py_None) {
            n = new_node(f, E_CALLEE, ast_node);
            if (n == NULL || PyList_Append(f->ir->refs, desc) < 0) {
                Py_DECREF(desc);
                return NULL;
            }
            Py_DECREF(desc);
            n->u.callee.kind = CALLEE_CFUNC;
            n->u.callee.obj = desc;
            n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
            return n;
        }
        Py_DECREF(desc);
    }
    if (PyType_Check(value) && PyDict_GetItemString(f->builtins, ((PyTypeObject *)value)->tp_name) == value
        && jp_builtin_hint(((PyTypeObject *)value)->tp_name)) {
        /* a builtin type jit code lacks: set, dict, tuple, str, map, filter ... */
        span s = span_of(f, ast_node);
        return jp_error_span(JpUnsupportedError, f->ir, s.line, s.col, s.end_line, s.end_col,
                             jp_builtin_hint(((PyTypeObject *)value)->tp_name),
                             "'%s' is not supported in jit code", ((PyTypeObject *)value)->tp_name);
    }
    if (jp_numpy_unsupported_hint(value, name)) {      /* np_unsupported.c */
        span s = span_of(f, ast_node);
        return jp_error_span(JpUnsupportedError, f->ir, s.line, s.col, s.end_line, s.end_col,
                             jp_numpy_unsupported_hint(value, name), "'%s' is not supported in jit code", name);
    }
    {
        PyObject *tname = PyType_GetName(Py_TYPE(value));
        char buf[256];
        snprintf(buf, sizeof buf, "'%s' refers to a %s object, which jit code cannot use",
                 name, tname ? PyUnicode_AsUTF8(tname) : "?");
        Py_XDECREF(tname);
        if (PyFunction_Check(value))
            return typing_error(f, ast_node,
                                "decorate the function with @jit (or @njit) to call it from jit code",
                                "%s", buf);
        if (PyObject_HasAttrString(value, "_jitprofile_objmode"))
            return typing_error(f, ast_node,
                                "an object-mode function runs in the interpreter: call it inside a "
                                "`with objmode(...)` block, or compile it with @njit",
                                "%s", buf);
        return typing_error(f, ast_node,
                            "jit code can use numbers, tuples, NumPy arrays, NumPy and math/cmath "
                            "functions and other jitted functions; pass other values in as arguments",
                            "%s", buf);
    }

builtin_found:
    n = new_node(f, E_CALLEE, ast_node);
    if (n == NULL)
        return NULL;
    n->u.callee.kind = CALLEE_BUILTIN;
    n->u.callee.id = id;
    n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
    return n;
}

/* After a failed _closure call: its ClosureError as an UnsupportedError at
 * the node it names (or at `where`). */
static void *
closure_failed(fe *f, PyObject *where)
{
    char what[256], hint[256];
    PyObject *at = NULL;
    if (jp_closure_error(what, sizeof what, &at, hint, sizeof hint)) {
        unsupported(f, at && at != Py_None ? at : where, what, hint[0] ? hint : NULL);
        Py_XDECREF(at);
    }
    return NULL;
}

/* An inner function (frontend_closure.h) as a callee: its dispatcher, and
 * the locals it captures, read where it is called or passed. */
static jp_node *
inner_callee(fe *f, PyObject *ast_node, PyObject *inner, const char *name)
{
    PyObject *disp = jp_closure_dispatcher(inner), *caps = jp_closure_captures(inner);
    jp_node *n;
    if (disp == NULL || caps == NULL || !PyTuple_Check(caps))
        return NULL;
    if ((n = new_node(f, E_CALLEE, ast_node)) == NULL || PyList_Append(f->ir->refs, disp) < 0)
        return NULL;
    n->u.callee.kind = CALLEE_DISPATCHER;
    n->u.callee.obj = disp;
    n->u.callee.name = jp_arena_strdup(f->ir->arena, name);
    n->u.callee.inner = 1;
    n->u.callee.ncap = (int)PyTuple_GET_SIZE(caps);
    if ((n->u.callee.cap = alloc_array(f, (size_t)n->u.callee.ncap, sizeof(jp_node *))) == NULL)
        return NULL;
    for (int i = 0; i < n->u.callee.ncap; i++) {
        PyObject *idx = PyDict_GetItemWithError(f->locals, PyTuple_GET_ITEM(caps, i));
        jp_node *l;
        if (idx == NULL) {
            if (!PyErr_Occurred())
                typing_error(f, ast_node, NULL, "the inner function '%s' reads a variable this function does not have",
                             name);
            return NULL;
        }
        if ((l = new_node(f, E_LOCAL, ast_node)) == NULL)
            return NULL;
        l->u.local.index = (int)PyLong_AsLong(idx);
        n->u.callee.cap[i] = l;
    }
    return n;
}

/* f(x, 3) of a function using literally() on its second parameter, with a
 * constant there: the call goes to the specialisation for 3, without that
 * argument (_literal.py); any other call compiles on types. */
static int
literal_call(fe *f, jp_node *n)
{
    PyObject *consts = PyList_New(n->u.call.nargs), *r = NULL, *child, *drop;
    int kept = 0, rc = -1;
    if (consts == NULL)
        return -1;
    for (int i = 0; i < n->u.call.nargs; i++) {
        jp_node *a = n->u.call.args[i];
        PyObject *v = NULL;
        if (a->kind == E_CONST && a->u.cnst.type->kind == JP_BOOL)
            v = PyBool_FromLong((long)a->u.cnst.v.i);
        else if (a->kind == E_CONST && a->u.cnst.type->kind == JP_INT)
            v = PyLong_FromLongLong(a->u.cnst.v.i);
        else if (a->kind == E_STR)
            v = PyUnicode_FromString(a->u.str.text);
        else
            v = PyTuple_New(0);         /* not a constant */
        if (v == NULL)
            goto done;
        PyList_SET_ITEM(consts, i, v);
    }
    if ((r = PyObject_CallMethod(n->u.call.func->u.callee.literal, "_for_call", "O", consts)) == NULL)
        goto done;
    if (r == Py_None) {
        rc = 0;
        goto done;
    }
    child = PyTuple_GET_ITEM(r, 0);
    drop = PyTuple_GET_ITEM(r, 1);
    if (PyList_Append(f->ir->refs, child) < 0)
        goto done;
    for (int i = 0; i < n->u.call.nargs; i++) {
        int dropped = 0;
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(drop); k++)
            dropped |= PyLong_AsLong(PyTuple_GET_ITEM(drop, k)) == i;
        if (!dropped)
            n->u.call.args[kept++] = n->u.call.args[i];
    }
    n->u.call.nargs = kept;
    n->u.call.func->u.callee.obj = child;
    n->u.call.func->u.callee.literal = NULL;
    rc = 0;
done:
    Py_XDECREF(r);
    Py_DECREF(consts);
    return rc;
}

static jp_node *
build_name(fe *f, PyObject *node)
{
    PyObject *id = get_attr(node, "id"), *value;
    jp_node *n;
    const char *name;

    if (id == NULL)
        return NULL;
    name = PyUnicode_AsUTF8(id);
    value = PyDict_GetItemWithError(f->locals, id);
    if (value) {
        n = new_node(f, E_LOCAL, node);
        if (n)
            n->u.local.index = (int)PyLong_AsLong(value);
        Py_DECREF(id);
        return n;
    }
    if ((value = jp_closure_lookup(f->scope, id)) != NULL) {       /* an inner function */
        n = inner_callee(f, node, value, name);
        Py_DECREF(id);
        return n;
    }
    if ((value = PyDict_GetItemWithError(f->closure, id)) == NULL && !PyErr_Occurred())
        if ((value = PyDict_GetItemWithError(f->globals, id)) == NULL && !PyErr_Occurred())
            value = PyDict_GetItemWithError(f->builtins, id);
    if (value == NULL && !PyErr_Occurred() && f->ir->dispatcher && strcmp(name, f->ir->name) == 0)
        value = f->ir->dispatcher;      /* recursion before the global is bound (eager signatures) */
    if (value == NULL) {
        if (!PyErr_Occurred())
            typing_error(f, node, "define it before the first call, or pass it as an argument",
                         "name '%s' is not defined", name);
        Py_DECREF(id);
        return NULL;
    }
    if (jp_closure_is_inner(value)) {      /* a sibling inner function, seen from an inner one */
        n = inner_callee(f, node, value, name);
        Py_DECREF(id);
        return n;
    }
    Py_INCREF(value);
    if (value == Py_None || PyBool_Check(value) || PyLong_Check(value) || PyFloat_Check(value)
        || PyComplex_Check(value) || PyTuple_Check(value) || PyUnicode_CheckExact(value)) {
        /* a global frozen into the code: part of the on-disk cache's key */
        PyObject *entry = Py_BuildValue("(sO)", name, value);
        if (entry == NULL || PyList_Append(f->ir->frozen, entry) < 0) {
            Py_XDECREF(entry);
            Py_DECREF(value);
            Py_DECREF(id);
            return NULL;
        }
        Py_DECREF(entry);
    }
    n = value_node(f, node, value, name);
    Py_DECREF(value);
    Py_DECREF(id);
    return n;
}

static int
binop_of(int k, jp_binop *op)
{
    switch (k) {
    case A_Add: *op = OP_ADD; return 0;
    case A_Sub: *op = OP_SUB; return 0;
    case A_Mult: *op = OP_MUL; return 0;
    case A_Div: *op = OP_TRUEDIV; return 0;
    case A_FloorDiv: *op = OP_FLOORDIV; return 0;
    case A_Mod: *op = OP_MOD; return 0;
    case A_Pow: *op = OP_POW; return 0;
    case A_LShift: *op = OP_LSHIFT; return 0;
    case A_RShift: *op = OP_RSHIFT; return 0;
    case A_BitAnd: *op = OP_BITAND; return 0;
    case A_BitOr: *op = OP_BITOR; return 0;
    case A_BitXor: *op = OP_BITXOR; return 0;
    case A_MatMult: *op = OP_MATMUL; return 0;
    default: return -1;
    }
}

static int
build_list(fe *f, PyObject *list, int *count, jp_node ***out)
{
    Py_ssize_t n = PyList_GET_SIZE(list);
    *count = (int)n;
    *out = alloc_array(f, (size_t)n, sizeof(jp_node *));
    if (*out == NULL)
        return -1;
    for (Py_ssize_t i = 0; i < n; i++)
        if (((*out)[i] = build_expr(f, PyList_GET_ITEM(list, i))) == NULL)
            return -1;
    return 0;
}

static jp_node *build_expr_inner(fe *f, PyObject *node, int k);

/* a[i], a[i, j], a[lo:hi:step], a[:, 0]: slices may appear only here */
static jp_node *
build_index(fe *f, PyObject *node)
{
    int k = kind_of(node);
    if (k == A_Slice) {
        static const char *parts[] = {"lower", "upper", "step"};
        jp_node *n = new_node(f, E_SLICE, node), **dst[3];
        if (n == NULL)
            return NULL;
        dst[0] = &n->u.slice.lower;
        dst[1] = &n->u.slice.upper;
        dst[2] = &n->u.slice.step;
        for (int i = 0; i < 3; i++) {
            PyObject *v = PyObject_GetAttrString(node, parts[i]);
            if (v == NULL)
                return NULL;
            if (v != Py_None && (*dst[i] = build_expr_inner(f, v, kind_of(v))) == NULL) {
                Py_DECREF(v);
                return NULL;
            }
            Py_DECREF(v);
        }
        return n;
    }
    if (k == A_Tuple) {
        PyObject *elts = PyObject_GetAttrString(node, "elts");
        jp_node *n;
        if (elts == NULL || (n = new_node(f, E_TUPLE, node)) == NULL) {
            Py_XDECREF(elts);
            return NULL;
        }
        n->u.tuple.n = (int)PyList_GET_SIZE(elts);
        n->u.tuple.elts = alloc_array(f, (size_t)n->u.tuple.n, sizeof(jp_node *));
        for (int i = 0; n->u.tuple.elts && i < n->u.tuple.n; i++)
            if ((n->u.tuple.elts[i] = build_index(f, PyList_GET_ITEM(elts, i))) == NULL) {
                Py_DECREF(elts);
                return NULL;
            }
        Py_DECREF(elts);
        return n->u.tuple.elts ? n : NULL;
    }
    if (k == A_Constant) {
        /* a[...]: Ellipsis exists only as an index (lower_fancy.c) */
        PyObject *v = PyObject_GetAttrString(node, "value");
        int is_ellipsis = v == Py_Ellipsis;
        Py_XDECREF(v);
        if (is_ellipsis) {
            jp_node *n = new_node(f, E_CONST, node);
            if (n)
                n->u.cnst.type = jp_type_ellipsis();
            return n;
        }
    }
    return build_expr_inner(f, node, k);
}

/* The Python object a non-local Name (or a chain of attributes on one)
 * refers to, when it is an object jit code cannot use as a value itself but
 * can look into; NULL (no error) otherwise. */
static PyObject *
lookup_chain(fe *f, PyObject *node)
{
    PyObject *id, *value;
    int k = kind_of(node);
    if (k == A_Attribute) {
        PyObject *base_node = get_attr(node, "value"), *attr = get_attr(node, "attr"), *base, *v = NULL;
        base = base_node ? lookup_chain(f, base_node) : NULL;
        if (base && attr) {
            v = PyObject_GetAttr(base, attr);
            if (v == NULL)
                PyErr_Clear();
        }
        Py_XDECREF(base);
        Py_XDECREF(base_node);
        Py_XDECREF(attr);
        return v;
    }
    if (k != A_Name || (id = get_attr(node, "id")) == NULL)
        return NULL;
    if (PyDict_GetItemWithError(f->locals, id) || PyErr_Occurred()) {
        PyErr_Clear();
        Py_DECREF(id);
        return NULL;
    }
    if ((value = PyDict_GetItemWithError(f->closure, id)) == NULL && !PyErr_Occurred())
        if ((value = PyDict_GetItemWithError(f->globals, id)) == NULL && !PyErr_Occurred())
            value = PyDict_GetItemWithError(f->builtins, id);
    PyErr_Clear();
    Py_DECREF(id);
    return value ? Py_NewRef(value) : NULL;
}

/* The Python object a non-local name or attribute chain refers to, when jit
 * code cannot use it as a value itself but can look into it (a CFFI `lib`,
 * a compiled module, a namespace); NULL (no error) otherwise. */
static PyObject *
static_object(fe *f, PyObject *node)
{
    PyObject *value = lookup_chain(f, node);
    if (value == NULL)
        return NULL;
    if (PyModule_Check(value)) {
        const char *name = PyModule_GetName(value);
        if (name == NULL)
            PyErr_Clear();
        if (value == f->math_mod || value == f->cmath_mod
            || (name && (strcmp(name, "numpy") == 0 || strcmp(name, "numpy.random") == 0)))
            goto normal;
        return value;
    }
    if (PyType_Check(value) && PyObject_HasAttrString(value, "_jitprofile_namespace"))
        return value;       /* typed.List: List.empty_list(...) is looked up now */
    if (jp_is_dict_class(value))
        return value;       /* typed Dict.empty: a static attribute (lib_dict.c) */
    /* values with a meaning of their own go through the normal path */
    if (value == Py_None || PyBool_Check(value) || PyLong_Check(value) || PyFloat_Check(value)
        || PyComplex_Check(value) || PyTuple_Check(value) || PyType_Check(value)
        || PyUnicode_CheckExact(value)
        || PyCFunction_Check(value) || PyFunction_Check(value) || jp_is_dispatcher(value))
        goto normal;
    if (jp_numpy_ready() && (PyArray_Check(value) || PyArray_IsScalar(value, Generic)))
        goto normal;
    return value;
normal:
    Py_DECREF(value);
    return NULL;
}

static jp_node *build_target(fe *f, PyObject *node);
static jp_node *hidden_local(fe *f, PyObject *where, int *index);
static jp_node *local_ref(fe *f, PyObject *where, int index);
static int add_local(fe *f, PyObject *name);

/* Bind the names a comprehension target assigns to fresh hidden locals (its
 * own scope, as in Python 3); `saved` gets (name, previous index or None). */
static int
comp_scope(fe *f, PyObject *target, PyObject *saved)
{
    int k = kind_of(target);
    if (k == A_Name) {
        PyObject *id = get_attr(target, "id"), *old, *entry, *hname, *idx;
        char buf[300];
        if (id == NULL)
            return -1;
        old = PyDict_GetItemWithError(f->locals, id);
        entry = PyTuple_Pack(2, id, old ? old : Py_None);
        snprintf(buf, sizeof buf, "$c%d.%s", f->ir->nnodes, PyUnicode_AsUTF8(id));
        hname = PyUnicode_FromString(buf);
        if (entry == NULL || hname == NULL || PyList_Append(saved, entry) < 0 || add_local(f, hname) < 0
            || (idx = PyDict_GetItemWithError(f->locals, hname)) == NULL
            || PyDict_SetItem(f->locals, id, idx) < 0) {
            Py_XDECREF(entry);
            Py_XDECREF(hname);
            Py_DECREF(id);
            return -1;
        }
        Py_DECREF(entry);
        Py_DECREF(hname);
        Py_DECREF(id);
        return 0;
    }
    if (k == A_Tuple || k == A_List) {
        PyObject *elts = get_attr(target, "elts");
        if (elts == NULL)
            return -1;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(elts); i++)
            if (comp_scope(f, PyList_GET_ITEM(elts, i), saved) < 0) {
                Py_DECREF(elts);
                return -1;
            }
        Py_DECREF(elts);
        return 0;
    }
    unsupported(f, target, "this comprehension target", "use names or tuples of names");
    return -1;
}

static void
comp_scope_end(fe *f, PyObject *saved)
{
    PyObject *exc = PyErr_Occurred() ? jp_take_exception() : NULL;
    for (Py_ssize_t i = PyList_GET_SIZE(saved) - 1; i >= 0; i--) {
        PyObject *e = PyList_GET_ITEM(saved, i);
        if (PyTuple_GET_ITEM(e, 1) == Py_None)
            PyDict_DelItem(f->locals, PyTuple_GET_ITEM(e, 0));
        else
            PyDict_SetItem(f->locals, PyTuple_GET_ITEM(e, 0), PyTuple_GET_ITEM(e, 1));
    }
    PyErr_Clear();
    if (exc) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
}

/* [elt for t1 in it1 if c1 for t2 in it2 ...]: `$l = []`, then the loops
 * appending to $l, as an expression whose value is $l. */
static jp_node *
build_listcomp(fe *f, PyObject *node)
{
    PyObject *gens = get_attr(node, "generators"), *elt = get_attr(node, "elt"), *saved = PyList_New(0);
    jp_node *n = NULL, *h, *init, *body = NULL, *call, *attr;
    jp_node **loops = NULL;
    int hidx, ok = 0;
    Py_ssize_t ng;
    if (gens == NULL || elt == NULL || saved == NULL)
        goto done;
    ng = PyList_GET_SIZE(gens);
    if ((loops = calloc((size_t)ng, sizeof *loops)) == NULL)
        goto done;
    if ((n = new_node(f, E_LISTCOMP, node)) == NULL || (h = hidden_local(f, node, &hidx)) == NULL
        || (init = new_node(f, S_ASSIGN, node)) == NULL || (init->u.assign.value = new_node(f, E_LIST, node)) == NULL)
        goto done;
    init->u.assign.target = h;
    n->u.comp.local = hidx;
    for (Py_ssize_t g = 0; g < ng; g++) {
        PyObject *gen = PyList_GET_ITEM(gens, g), *t = get_attr(gen, "target"), *it = get_attr(gen, "iter");
        PyObject *ifs = get_attr(gen, "ifs"), *isasync = get_attr(gen, "is_async");
        jp_node *loop = new_node(f, S_FOR, gen);
        int fail = !t || !it || !ifs || !isasync || !loop;
        if (!fail && PyObject_IsTrue(isasync)) {
            unsupported(f, gen, "async comprehension", NULL);
            fail = 1;
        }
        /* the first iterable is evaluated in the enclosing scope */
        if (!fail && (loop->u.loop.iter = build_expr(f, it)) == NULL)
            fail = 1;
        if (!fail && (comp_scope(f, t, saved) < 0 || (loop->u.loop.target = build_target(f, t)) == NULL))
            fail = 1;
        if (!fail) {
            /* the conditions, as nested ifs inside this loop */
            loop->u.loop.body.n = 0;
            loops[g] = loop;
            for (Py_ssize_t k = 0; k < PyList_GET_SIZE(ifs) && !fail; k++) {
                jp_node *test = build_expr(f, PyList_GET_ITEM(ifs, k)), *cond;
                if (test == NULL || (cond = new_node(f, S_IF, PyList_GET_ITEM(ifs, k))) == NULL) {
                    fail = 1;
                    break;
                }
                cond->u.cond.test = test;
                /* chained below: loop -> if1 -> if2 ... */
                loop->u.loop.orelse.n = 0;
                if (loop->u.loop.body.n == 0) {
                    loop->u.loop.body.n = 1;
                    loop->u.loop.body.stmts = alloc_array(f, 1, sizeof(jp_node *));
                    if (loop->u.loop.body.stmts == NULL) {
                        fail = 1;
                        break;
                    }
                    loop->u.loop.body.stmts[0] = cond;
                } else {
                    jp_node *last = loop->u.loop.body.stmts[0];
                    while (last->u.cond.body.n)
                        last = last->u.cond.body.stmts[0];
                    last->u.cond.body.n = 1;
                    last->u.cond.body.stmts = alloc_array(f, 1, sizeof(jp_node *));
                    if (last->u.cond.body.stmts == NULL) {
                        fail = 1;
                        break;
                    }
                    last->u.cond.body.stmts[0] = cond;
                }
            }
        }
        Py_XDECREF(t);
        Py_XDECREF(it);
        Py_XDECREF(ifs);
        Py_XDECREF(isasync);
        if (fail)
            goto done;
    }
    /* $l.append(elt) */
    if ((body = new_node(f, S_EXPR, node)) == NULL || (call = new_node(f, E_CALL, elt)) == NULL
        || (attr = new_node(f, E_ATTR, elt)) == NULL || (attr->u.attr.value = local_ref(f, node, hidx)) == NULL
        || (call->u.call.args = alloc_array(f, 1, sizeof(jp_node *))) == NULL
        || (call->u.call.args[0] = build_expr(f, elt)) == NULL)
        goto done;
    attr->u.attr.name = "append";
    call->u.call.func = attr;
    call->u.call.nargs = 1;
    body->u.expr.value = call;
    /* innermost first: each loop's innermost if (or the loop) holds the next */
    for (Py_ssize_t g = ng - 1; g >= 0; g--) {
        jp_node *loop = loops[g], **slot_owner;
        jp_block *blk = &loop->u.loop.body;
        while (blk->n)
            blk = &blk->stmts[0]->u.cond.body;
        (void)slot_owner;
        blk->n = 1;
        if ((blk->stmts = alloc_array(f, 1, sizeof(jp_node *))) == NULL)
            goto done;
        blk->stmts[0] = body;
        body = loop;
    }
    n->u.comp.body.n = 2;
    if ((n->u.comp.body.stmts = alloc_array(f, 2, sizeof(jp_node *))) == NULL)
        goto done;
    n->u.comp.body.stmts[0] = init;
    n->u.comp.body.stmts[1] = body;
    ok = 1;
done:
    if (saved)
        comp_scope_end(f, saved);
    free(loops);
    Py_XDECREF(gens);
    Py_XDECREF(elt);
    Py_XDECREF(saved);
    return ok ? n : NULL;
}

/* operator.add(a, b) is a + b: a call of an operator.* function becomes the
 * expression it stands for (lib_operator.c); other calls are returned as is. */
static jp_node *
rewrite_operator_call(fe *f, PyObject *node, jp_node *n)
{
    jp_node *fn = n->u.call.func, **args = n->u.call.args;
    const jp_lib_fn *e;
    if (fn->kind != E_CALLEE || fn->u.callee.kind != CALLEE_MODULE)
        return n;
    e = jp_lib_get(fn->u.callee.id);
    if (e->rewrite == RW_NONE || e->rewrite == RW_SETITEM)
        return n;
    if (n->u.call.nkw || n->u.call.nargs != e->nreq) {
        char what[96];
        snprintf(what, sizeof what, "%s.%s", e->module, e->name);
        return typing_error(f, node, "pass the operands positionally",
                            e->nreq == 1 ? "%s() takes exactly one positional argument"
                                         : "%s() takes exactly two positional arguments", what);
    }
    switch (e->rewrite) {
    case RW_BINOP:
        n->kind = E_BINOP;
        n->u.binop.op = (jp_binop)e->id;
        n->u.binop.left = args[0];
        n->u.binop.right = args[1];
        break;
    case RW_UNARY:
        n->kind = E_UNARY;
        n->u.unary.op = (jp_unop)e->id;
        n->u.unary.operand = args[0];
        break;
    case RW_COMPARE:
    case RW_CONTAINS: {
        jp_cmpop *ops = alloc_array(f, 1, sizeof(jp_cmpop));
        jp_node **operands = alloc_array(f, 2, sizeof(jp_node *));
        if (ops == NULL || operands == NULL)
            return NULL;
        ops[0] = (jp_cmpop)e->id;
        /* operator.contains(a, b) is b in a */
        operands[0] = e->rewrite == RW_CONTAINS ? args[1] : args[0];
        operands[1] = e->rewrite == RW_CONTAINS ? args[0] : args[1];
        n->kind = E_COMPARE;
        n->u.compare.n = 1;
        n->u.compare.ops = ops;
        n->u.compare.operands = operands;
        break;
    }
    case RW_GETITEM:
        n->kind = E_SUBSCRIPT;
        n->u.subscript.value = args[0];
        n->u.subscript.index = args[1];
        break;
    case RW_ABS:
    case RW_TRUTH:
        fn->u.callee.kind = CALLEE_BUILTIN;
        fn->u.callee.id = e->rewrite == RW_ABS ? B_ABS : B_BOOL;
        break;
    default:
        break;
    }
    return n;
}

/* ---- f-strings ---------------------------------------------------------------
 * f"a{x:.3f}b{y!r}" becomes "a" + format(x, ".3f") + "b" + format(repr(y), ""),
 * left to right: lib_str.c types format(), str() and repr(). */

static jp_node *
builtin_call(fe *f, PyObject *ast_node, jp_builtin id, const char *name, jp_node *a0, jp_node *a1)
{
    jp_node *callee = new_node(f, E_CALLEE, ast_node), *call = new_node(f, E_CALL, ast_node);
    if (callee == NULL || call == NULL)
        return NULL;
    callee->u.callee.kind = CALLEE_BUILTIN;
    callee->u.callee.id = id;
    callee->u.callee.name = name;
    call->u.call.func = callee;
    call->u.call.nargs = a1 ? 2 : 1;
    if ((call->u.call.args = alloc_array(f, 2, sizeof(jp_node *))) == NULL)
        return NULL;
    call->u.call.args[0] = a0;
    call->u.call.args[1] = a1;
    return call;
}

static jp_node *
fstring_part(fe *f, PyObject *part)
{
    PyObject *value = NULL, *conv = NULL, *spec = NULL;
    jp_node *v = NULL, *sn = NULL;
    long conversion;
    if (kind_of(part) != A_FormattedValue)
        return build_expr(f, part);         /* a constant piece */
    if ((value = get_attr(part, "value")) == NULL || (conv = get_attr(part, "conversion")) == NULL
        || (spec = get_attr(part, "format_spec")) == NULL)
        goto done;
    if ((v = build_expr(f, value)) == NULL)
        goto done;
    conversion = PyLong_AsLong(conv);
    if (conversion == 'a') {
        v = unsupported(f, part, "!a in an f-string", "use !r");
        goto done;
    }
    if (conversion == 'r' || conversion == 's')
        v = builtin_call(f, part, conversion == 'r' ? B_REPR : B_STR, conversion == 'r' ? "repr" : "str", v, NULL);
    if (v == NULL)
        goto done;
    if ((sn = new_node(f, E_STR, part)) == NULL) {
        v = NULL;
        goto done;
    }
    sn->u.str.text = "";
    if (spec != Py_None) {
        /* a spec is itself a JoinedStr: only constant pieces are supported */
        PyObject *vals = get_attr(spec, "values");
        PyObject *text = PyUnicode_FromString("");
        for (Py_ssize_t i = 0; vals && text && i < PyList_GET_SIZE(vals); i++) {
            PyObject *piece = PyList_GET_ITEM(vals, i), *c;
            if (kind_of(piece) != A_Constant) {
                Py_CLEAR(text);
                unsupported(f, piece, "a replacement field inside a format spec",
                            "write the format spec out: f\"{x:8.3f}\"");
                break;
            }
            if ((c = get_attr(piece, "value")) == NULL) {
                Py_CLEAR(text);
                break;
            }
            Py_SETREF(text, PyUnicode_Concat(text, c));
            Py_DECREF(c);
        }
        Py_XDECREF(vals);
        if (text == NULL || (sn->u.str.text = jp_arena_strdup(f->ir->arena, PyUnicode_AsUTF8(text))) == NULL) {
            Py_XDECREF(text);
            v = NULL;
            goto done;
        }
        Py_DECREF(text);
    }
    v = builtin_call(f, part, B_FORMAT, "format", v, sn);
done:
    Py_XDECREF(value);
    Py_XDECREF(conv);
    Py_XDECREF(spec);
    return v;
}

static jp_node *
build_fstring(fe *f, PyObject *node)
{
    PyObject *values = get_attr(node, "values");
    jp_node *acc = NULL;
    if (values == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(values); i++) {
        jp_node *part = fstring_part(f, PyList_GET_ITEM(values, i)), *sum;
        if (part == NULL) {
            acc = NULL;
            break;
        }
        if (acc == NULL) {
            acc = part;
            continue;
        }
        if ((sum = new_node(f, E_BINOP, node)) == NULL) {
            acc = NULL;
            break;
        }
        sum->u.binop.op = OP_ADD;
        sum->u.binop.left = acc;
        sum->u.binop.right = part;
        acc = sum;
    }
    if (acc == NULL && !PyErr_Occurred() && (acc = new_node(f, E_STR, node)) != NULL)
        acc->u.str.text = "";       /* f"" */
    Py_DECREF(values);
    return acc;
}

static jp_node *
build_expr_inner(fe *f, PyObject *node, int k)
{
    jp_node *n = NULL;
    PyObject *a = NULL, *b = NULL, *c = NULL;

    switch (k) {
    case A_JoinedStr:
        return build_fstring(f, node);
    case A_Constant:
        if ((a = get_attr(node, "value")) == NULL)
            return NULL;
        n = const_node(f, node, a);
        if (n == NULL && !PyErr_Occurred() && PyBytes_Check(a)) {
            unsupported(f, node, "a bytes literal", "use a str, or a NumPy array of uint8");
        } else if (n == NULL && !PyErr_Occurred()) {
            PyObject *tname = PyType_GetName(Py_TYPE(a));
            typing_error(f, node, NULL, "constants of type %s are not supported in jit code",
                         tname ? PyUnicode_AsUTF8(tname) : "?");
            Py_XDECREF(tname);
        }
        break;
    case A_Name:
        return build_name(f, node);
    case A_BinOp: {
        jp_binop op;
        if ((a = get_attr(node, "op")) == NULL || binop_of(kind_of(a), &op) < 0)
            break;
        if ((n = new_node(f, E_BINOP, node)) == NULL)
            break;
        n->u.binop.op = op;
        Py_SETREF(a, get_attr(node, "left"));
        if (a == NULL || (n->u.binop.left = build_expr(f, a)) == NULL)
            n = NULL;
        else if ((b = get_attr(node, "right")) == NULL
                 || (n->u.binop.right = build_expr(f, b)) == NULL)
            n = NULL;
        break;
    }
    case A_UnaryOp: {
        int ok;
        if ((a = get_attr(node, "op")) == NULL)
            break;
        ok = kind_of(a);
        if ((n = new_node(f, E_UNARY, node)) == NULL)
            break;
        n->u.unary.op = ok == A_USub ? UOP_NEG : ok == A_UAdd ? UOP_POS
                        : ok == A_Not ? UOP_NOT : UOP_INVERT;
        if ((b = get_attr(node, "operand")) == NULL
            || (n->u.unary.operand = build_expr(f, b)) == NULL)
            n = NULL;
        break;
    }
    case A_BoolOp:
        if ((a = get_attr(node, "op")) == NULL || (b = get_attr(node, "values")) == NULL)
            break;
        if ((n = new_node(f, E_BOOLOP, node)) == NULL)
            break;
        n->u.boolop.is_and = kind_of(a) == A_And;
        if (build_list(f, b, &n->u.boolop.n, &n->u.boolop.values) < 0)
            n = NULL;
        break;
    case A_Compare: {
        Py_ssize_t nops;
        if ((a = get_attr(node, "ops")) == NULL || (b = get_attr(node, "comparators")) == NULL
            || (c = get_attr(node, "left")) == NULL)
            break;
        nops = PyList_GET_SIZE(a);
        if ((n = new_node(f, E_COMPARE, node)) == NULL)
            break;
        n->u.compare.n = (int)nops;
        n->u.compare.ops = alloc_array(f, (size_t)nops, sizeof(jp_cmpop));
        n->u.compare.operands = alloc_array(f, (size_t)nops + 1, sizeof(jp_node *));
        if (!n->u.compare.ops || !n->u.compare.operands
            || (n->u.compare.operands[0] = build_expr(f, c)) == NULL) {
            n = NULL;
            break;
        }
        for (Py_ssize_t i = 0; i < nops; i++) {
            int ok = kind_of(PyList_GET_ITEM(a, i));
            n->u.compare.ops[i] = ok == A_Eq ? CMP_EQ : ok == A_NotEq ? CMP_NE
                                : ok == A_Lt ? CMP_LT : ok == A_LtE ? CMP_LE
                                : ok == A_Gt ? CMP_GT : ok == A_GtE ? CMP_GE
                                : ok == A_Is ? CMP_IS : ok == A_IsNot ? CMP_ISNOT
                                : ok == A_In ? CMP_IN : CMP_NOTIN;
            if ((n->u.compare.operands[i + 1] = build_expr(f, PyList_GET_ITEM(b, i))) == NULL) {
                n = NULL;
                break;
            }
        }
        break;
    }
    case A_IfExp:
        if ((n = new_node(f, E_IFEXP, node)) == NULL)
            break;
        if ((a = get_attr(node, "test")) == NULL || (n->u.ifexp.test = build_expr(f, a)) == NULL
            || (b = get_attr(node, "body")) == NULL || (n->u.ifexp.body = build_expr(f, b)) == NULL
            || (c = get_attr(node, "orelse")) == NULL
            || (n->u.ifexp.orelse = build_expr(f, c)) == NULL)
            n = NULL;
        break;
    case A_Call: {
        Py_ssize_t nkw;
        if ((n = new_node(f, E_CALL, node)) == NULL)
            break;
        if ((a = get_attr(node, "func")) == NULL || (n->u.call.func = build_expr(f, a)) == NULL
            || (b = get_attr(node, "args")) == NULL) {
            n = NULL;
            break;
        }
        /* f(*t): E_STARRED arguments, spread when the call is typed (lib_func.c) */
        if (build_list(f, b, &n->u.call.nargs, &n->u.call.args) < 0) {
            n = NULL;
            break;
        }
        if (n->u.call.func->kind == E_CALLEE && n->u.call.func->u.callee.ncap) {
            /* inner(x): inner_jit(captures..., x) */
            jp_node *fn = n->u.call.func, **args = alloc_array(f, (size_t)(fn->u.callee.ncap + n->u.call.nargs),
                                                                 sizeof(jp_node *));
            if (args == NULL) {
                n = NULL;
                break;
            }
            memcpy(args, fn->u.callee.cap, (size_t)fn->u.callee.ncap * sizeof(jp_node *));
            if (n->u.call.nargs)
                memcpy(args + fn->u.callee.ncap, n->u.call.args, (size_t)n->u.call.nargs * sizeof(jp_node *));
            n->u.call.args = args;
            n->u.call.nargs += fn->u.callee.ncap;
            fn->u.callee.ncap = 0;
        }
        if (n->u.call.func->kind == E_CALLEE && n->u.call.func->u.callee.literal && literal_call(f, n) < 0) {
            n = NULL;
            break;
        }
        if ((c = get_attr(node, "keywords")) == NULL) {
            n = NULL;
            break;
        }
        nkw = PyList_GET_SIZE(c);
        n->u.call.nkw = (int)nkw;
        n->u.call.kwnames = alloc_array(f, (size_t)nkw, sizeof(char *));
        n->u.call.kwvalues = alloc_array(f, (size_t)nkw, sizeof(jp_node *));
        if (!n->u.call.kwnames || !n->u.call.kwvalues) {
            n = NULL;
            break;
        }
        for (Py_ssize_t i = 0; i < nkw; i++) {
            PyObject *kw = PyList_GET_ITEM(c, i), *arg, *val;
            if ((arg = get_attr(kw, "arg")) == NULL) {
                n = NULL;
                break;
            }
            if (arg == Py_None) {
                Py_DECREF(arg);
                n = unsupported(f, kw, "**kwargs in a call", NULL);
                break;
            }
            n->u.call.kwnames[i] = jp_arena_strdup(f->ir->arena, PyUnicode_AsUTF8(arg));
            Py_DECREF(arg);
            if ((val = get_attr(kw, "value")) == NULL) {
                n = NULL;
                break;
            }
            n->u.call.kwvalues[i] = build_expr(f, val);
            Py_DECREF(val);
            if (n->u.call.kwvalues[i] == NULL) {
                n = NULL;
                break;
            }
        }
        if (n)
            n = rewrite_operator_call(f, node, n);
        break;
    }
    case A_List:
        if ((a = get_attr(node, "elts")) == NULL || (n = new_node(f, E_LIST, node)) == NULL)
            break;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(a); i++)
            if (kind_of(PyList_GET_ITEM(a, i)) == A_Starred) {
                n = unsupported(f, PyList_GET_ITEM(a, i), "starred expression in a list", NULL);
                goto done;
            }
        if (build_list(f, a, &n->u.tuple.n, &n->u.tuple.elts) < 0)
            n = NULL;
        break;
    case A_Dict: {
        /* keys and values alternate in u.tuple; {**d} is not supported */
        PyObject *vals = get_attr(node, "values");
        Py_ssize_t m;
        if (vals == NULL || (a = get_attr(node, "keys")) == NULL || (n = new_node(f, E_DICT, node)) == NULL) {
            Py_XDECREF(vals);
            n = NULL;
            break;
        }
        m = PyList_GET_SIZE(a);
        n->u.tuple.n = (int)(2 * m);
        if ((n->u.tuple.elts = alloc_array(f, (size_t)(2 * m + 1), sizeof(jp_node *))) == NULL)
            n = NULL;
        for (Py_ssize_t i = 0; n && i < m; i++) {
            if (PyList_GET_ITEM(a, i) == Py_None) {
                n = unsupported(f, PyList_GET_ITEM(vals, i), "dict unpacking (**) in a dict display",
                                "copy the dict with d2 = d.copy(), then d2.update(other)");
                break;
            }
            if ((n->u.tuple.elts[2 * i] = build_expr(f, PyList_GET_ITEM(a, i))) == NULL
                || (n->u.tuple.elts[2 * i + 1] = build_expr(f, PyList_GET_ITEM(vals, i))) == NULL)
                n = NULL;
        }
        Py_DECREF(vals);
        break;
    }
    case A_Set:
        if ((a = get_attr(node, "elts")) == NULL || (n = new_node(f, E_SET, node)) == NULL)
            break;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(a); i++)
            if (kind_of(PyList_GET_ITEM(a, i)) == A_Starred) {
                n = unsupported(f, PyList_GET_ITEM(a, i), "starred expression in a set", "add the items in a loop");
                goto done;
            }
        if (build_list(f, a, &n->u.tuple.n, &n->u.tuple.elts) < 0)
            n = NULL;
        break;
    case A_DictComp:
        return unsupported(f, node, "dict comprehension",
                           "build the dict with a loop: d = {} then d[k] = v for each item");
    case A_ListComp:
    case A_GeneratorExp:    /* materialised as a list: sum(x*x for x in a) */
        return build_listcomp(f, node);
    case A_Starred:         /* only among a call's arguments: the others check first */
        if ((a = get_attr(node, "value")) == NULL || (n = new_node(f, E_STARRED, node)) == NULL)
            break;
        if ((n->u.expr.value = build_expr(f, a)) == NULL)
            n = NULL;
        break;
    case A_Lambda:          /* written inline: key=lambda x: -x */
        if (f->scope == NULL || f->scope == Py_None)
            return unsupported(f, node, construct_name(k), NULL);
        if ((a = jp_closure_lambda(f->scope, node)) == NULL)
            return closure_failed(f, node);
        n = inner_callee(f, node, a, "<lambda>");
        break;
    case A_Tuple:
        if ((a = get_attr(node, "elts")) == NULL || (n = new_node(f, E_TUPLE, node)) == NULL)
            break;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(a); i++)
            if (kind_of(PyList_GET_ITEM(a, i)) == A_Starred) {
                n = unsupported(f, PyList_GET_ITEM(a, i), "starred expression", NULL);
                goto done;
            }
        if (build_list(f, a, &n->u.tuple.n, &n->u.tuple.elts) < 0)
            n = NULL;
        break;
    case A_Subscript:
        if ((n = new_node(f, E_SUBSCRIPT, node)) == NULL)
            break;
        if ((a = get_attr(node, "value")) == NULL
            || (n->u.subscript.value = build_expr(f, a)) == NULL
            || (b = get_attr(node, "slice")) == NULL) {
            n = NULL;
            break;
        }
        if ((n->u.subscript.index = build_index(f, b)) == NULL)
            n = NULL;
        break;
    case A_Attribute: {
        jp_node *base;
        if ((a = get_attr(node, "value")) == NULL || (b = get_attr(node, "attr")) == NULL)
            break;
        {
            /* obj.attr on a global object that is not itself a jit value
             * (a CFFI `lib`, a namespace, a class): resolved now, frozen */
            PyObject *obj = static_object(f, a);
            if (obj == NULL && PyErr_Occurred())
                break;
            if (obj) {
                char qual[256];
                PyObject *v = PyObject_GetAttr(obj, b);
                PyObject *tn = PyType_GetName(Py_TYPE(obj));
                snprintf(qual, sizeof qual, "%s.%s", tn ? PyUnicode_AsUTF8(tn) : "?", PyUnicode_AsUTF8(b));
                Py_XDECREF(tn);
                Py_DECREF(obj);
                if (v == NULL) {
                    PyErr_Clear();
                    typing_error(f, node, NULL, "attribute '%s' does not exist", qual);
                    break;
                }
                n = value_node(f, node, v, qual);
                Py_DECREF(v);
                break;
            }
        }
        if ((base = build_expr(f, a)) == NULL)
            break;
        if (base->kind == E_MODULE) {
            char qual[256];
            PyObject *v = PyObject_GetAttr(base->u.module.module, b);
            snprintf(qual, sizeof qual, "%s.%s", PyModule_GetName(base->u.module.module),
                     PyUnicode_AsUTF8(b));
            if (v == NULL) {
                PyErr_Clear();
                typing_error(f, node, NULL, "module attribute '%s' does not exist", qual);
                break;
            }
            n = value_node(f, node, v, qual);
            Py_DECREF(v);
            break;
        }
        if ((n = new_node(f, E_ATTR, node)) == NULL)
            break;
        n->u.attr.value = base;
        n->u.attr.name = jp_arena_strdup(f->ir->arena, PyUnicode_AsUTF8(b));
        break;
    }
    default:
        return unsupported(f, node, construct_name(k), NULL);
    }
done:
    Py_XDECREF(a);
    Py_XDECREF(b);
    Py_XDECREF(c);
    return n;
}

/* `yield v`: the function becomes a generator (lower_generator.c) */
static jp_node *
build_yield(fe *f, PyObject *node)
{
    PyObject *v = get_attr(node, "value");
    jp_node *n = v ? new_node(f, E_YIELD, node) : NULL;
    if (n && v != Py_None && (n->u.expr.value = build_expr(f, v)) == NULL)
        n = NULL;
    Py_XDECREF(v);
    if (n)
        f->ir->is_generator = 1;
    return n;
}

static jp_node *
build_expr(fe *f, PyObject *node)
{
    int k = kind_of(node);
    if (k == A_Yield)
        return build_yield(f, node);
    return build_expr_inner(f, node, k);
}

/* An assignment target: a local, or a (nested) tuple of locals. */
static jp_node *
build_target(fe *f, PyObject *node)
{
    int k = kind_of(node);
    if (k == A_Name)
        return build_name(f, node);
    if (k == A_Tuple || k == A_List) {
        PyObject *elts = get_attr(node, "elts");
        jp_node *n;
        if (elts == NULL || (n = new_node(f, E_TUPLE, node)) == NULL) {
            Py_XDECREF(elts);
            return NULL;
        }
        n->u.tuple.n = (int)PyList_GET_SIZE(elts);
        n->u.tuple.elts = alloc_array(f, (size_t)n->u.tuple.n, sizeof(jp_node *));
        if (n->u.tuple.elts == NULL) {
            Py_DECREF(elts);
            return NULL;
        }
        for (int i = 0; i < n->u.tuple.n; i++) {
            if ((n->u.tuple.elts[i] = build_target(f, PyList_GET_ITEM(elts, i))) == NULL) {
                Py_DECREF(elts);
                return NULL;
            }
        }
        Py_DECREF(elts);
        return n;
    }
    if (k == A_Subscript || k == A_Attribute)
        return build_expr(f, node);     /* S_SETITEM: checked by inference */
    if (k == A_Starred)
        return unsupported(f, node, "starred assignment", NULL);
    return unsupported(f, node, construct_name(k), NULL);
}

static const char *
constant_message(fe *f, PyObject *exc_args, PyObject *node, int *ok)
{
    PyObject *arg, *value;
    const char *msg;
    *ok = 0;
    if (PyList_GET_SIZE(exc_args) == 0) {
        *ok = 1;
        return NULL;
    }
    arg = PyList_GET_ITEM(exc_args, 0);
    if (PyList_GET_SIZE(exc_args) > 1)
        return unsupported(f, node, "an exception with more than one argument",
                           "raise SomeError(f\"message with {values}\")");
    if (kind_of(arg) != A_Constant) {
        *ok = 2;        /* a message computed at run time: a string value (build_raise) */
        return NULL;
    }
    value = get_attr(arg, "value");
    if (value == NULL)
        return NULL;
    if (!PyUnicode_Check(value)) {
        PyObject *s = PyObject_Str(value);
        Py_DECREF(value);
        if (s == NULL)
            return NULL;
        value = s;
    }
    msg = jp_arena_strdup(f->ir->arena, PyUnicode_AsUTF8(value));
    Py_DECREF(value);
    *ok = msg != NULL;
    return msg;
}

static jp_node *
build_raise(fe *f, PyObject *node)
{
    PyObject *exc = get_attr(node, "exc"), *cls_node = NULL, *args = NULL;
    jp_node *n = NULL, *callee;
    int ok;

    if (exc == NULL)
        return NULL;
    if (exc == Py_None) {
        if (!jp_frontend_in_handler())
            unsupported(f, node, "bare raise outside an except block", "raise SomeError(\"message\")");
        else
            n = new_node(f, S_RAISE, node);     /* re-raise: u.raise.cls NULL */
        goto done;
    }
    if (kind_of(exc) == A_Call) {
        cls_node = get_attr(exc, "func");
        args = get_attr(exc, "args");
    } else {
        cls_node = Py_NewRef(exc);
        args = PyList_New(0);
    }
    if (cls_node == NULL || args == NULL)
        goto done;
    if ((callee = build_expr(f, cls_node)) == NULL)
        goto done;
    if (callee->kind != E_CALLEE || callee->u.callee.kind != CALLEE_EXCEPTION) {
        typing_error(f, cls_node, NULL, "%s", "raise needs an exception class");
        goto done;
    }
    if ((n = new_node(f, S_RAISE, node)) == NULL)
        goto done;
    n->u.raise.cls = callee->u.callee.obj;
    n->u.raise.msg = constant_message(f, args, exc, &ok);
    n->u.raise.has_msg = n->u.raise.msg != NULL;
    if (ok == 2) {
        n->u.raise.value = build_expr(f, PyList_GET_ITEM(args, 0));
        ok = n->u.raise.value != NULL;
    }
    if (!ok)
        n = NULL;
done:
    Py_XDECREF(exc);
    Py_XDECREF(cls_node);
    Py_XDECREF(args);
    return n;
}

/* ---- assignment forms ------------------------------------------------------
 * `X[i], X[j] = X[j], X[i]`, `a = b = v`, `a, *b = t` and nested targets
 * become a block (an `if True:` the types decide at compile time) of plain
 * statements through hidden locals named `$u<n>`: the right side is
 * evaluated once, completely, then every target is stored left to right,
 * as Python does. */

static int add_local(fe *f, PyObject *name);

/* Whether a tuple/list target holds a subscript, an attribute or a star. */
static int
target_needs_block(PyObject *node)
{
    int k = kind_of(node), r = 0;
    PyObject *elts;
    if (k == A_Subscript || k == A_Attribute || k == A_Starred)
        return 1;
    if (k != A_Tuple && k != A_List)
        return 0;
    if ((elts = get_attr(node, "elts")) == NULL) {
        PyErr_Clear();
        return 0;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(elts) && !r; i++)
        r = target_needs_block(PyList_GET_ITEM(elts, i));
    Py_DECREF(elts);
    return r;
}

static jp_node *
hidden_local(fe *f, PyObject *where, int *index)
{
    char name[32];
    PyObject *key, *v;
    jp_node *n;
    snprintf(name, sizeof name, "$u%d", f->ir->nnodes);
    if ((key = PyUnicode_FromString(name)) == NULL || add_local(f, key) < 0) {
        Py_XDECREF(key);
        return NULL;
    }
    v = PyDict_GetItemWithError(f->locals, key);
    Py_DECREF(key);
    if (v == NULL || (n = new_node(f, E_LOCAL, where)) == NULL)
        return NULL;
    n->u.local.index = *index = (int)PyLong_AsLong(v);
    return n;
}

static jp_node *
local_ref(fe *f, PyObject *where, int index)
{
    jp_node *n = new_node(f, E_LOCAL, where);
    if (n)
        n->u.local.index = index;
    return n;
}

static jp_node *
int_const(fe *f, PyObject *where, long long v)
{
    jp_node *n = new_node(f, E_CONST, where);
    if (n) {
        n->u.cnst.type = jp_type_int(64, 1);
        n->u.cnst.v.i = v;
    }
    return n;
}

/* `if True:` around stmts: typing decides the branch, nothing is tested. */
static jp_node *
block_stmt(fe *f, PyObject *where, int n, jp_node **stmts)
{
    jp_node *s = new_node(f, S_IF, where), *t = new_node(f, E_CONST, where);
    if (s == NULL || t == NULL)
        return NULL;
    t->u.cnst.type = jp_type_bool();
    t->u.cnst.v.i = 1;
    s->u.cond.test = t;
    s->u.cond.body.n = n;
    s->u.cond.body.stmts = stmts;
    return s;
}

/* One statement storing `value` (already built) into the AST target. */
static jp_node *
assign_stmt(fe *f, PyObject *where, PyObject *target, jp_node *value)
{
    int k = kind_of(target);
    jp_node *s;
    if (k == A_Starred)
        return unsupported(f, target, "a starred target outside a tuple target", NULL);
    if ((k == A_Tuple || k == A_List) && target_needs_block(target)) {
        PyObject *elts = get_attr(target, "elts");
        Py_ssize_t n, star = -1;
        jp_node **stmts;
        int *hidden;
        if (elts == NULL)
            return NULL;
        n = PyList_GET_SIZE(elts);
        for (Py_ssize_t i = 0; i < n; i++)
            if (kind_of(PyList_GET_ITEM(elts, i)) == A_Starred) {
                if (star >= 0) {
                    Py_DECREF(elts);
                    return unsupported(f, PyList_GET_ITEM(elts, i),
                                       "two starred expressions in one target", NULL);
                }
                star = i;
            }
        stmts = alloc_array(f, (size_t)n + 1, sizeof(jp_node *));
        hidden = alloc_array(f, (size_t)n + 1, sizeof(int));
        if (stmts == NULL || hidden == NULL) {
            Py_DECREF(elts);
            return NULL;
        }
        if (star < 0) {
            /* (h0, h1, ...) = value: the tuple arity is checked as usual */
            jp_node *tup = new_node(f, E_TUPLE, target);
            if (tup == NULL || (tup->u.tuple.elts = alloc_array(f, (size_t)n, sizeof(jp_node *))) == NULL) {
                Py_DECREF(elts);
                return NULL;
            }
            tup->u.tuple.n = (int)n;
            for (Py_ssize_t i = 0; i < n; i++)
                if ((tup->u.tuple.elts[i] = hidden_local(f, PyList_GET_ITEM(elts, i), &hidden[i])) == NULL) {
                    Py_DECREF(elts);
                    return NULL;
                }
            if ((stmts[0] = new_node(f, S_ASSIGN, where)) == NULL) {
                Py_DECREF(elts);
                return NULL;
            }
            stmts[0]->u.assign.target = tup;
            stmts[0]->u.assign.value = value;
        } else {
            /* h = value; a = h[0]; b = h[1:-1]; c = h[-1] (a tuple slice) */
            jp_node *h = hidden_local(f, target, &hidden[0]);
            if (h == NULL || (stmts[0] = new_node(f, S_ASSIGN, where)) == NULL) {
                Py_DECREF(elts);
                return NULL;
            }
            stmts[0]->u.assign.target = h;
            stmts[0]->u.assign.value = value;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *elt = PyList_GET_ITEM(elts, i);
            jp_node *v;
            if (star < 0) {
                v = local_ref(f, elt, hidden[i]);
            } else {
                jp_node *ix;
                v = new_node(f, E_SUBSCRIPT, elt);
                if (v == NULL || (v->u.subscript.value = local_ref(f, elt, hidden[0])) == NULL) {
                    Py_DECREF(elts);
                    return NULL;
                }
                if (i == star) {
                    ix = new_node(f, E_SLICE, elt);
                    if (ix && (ix->u.slice.lower = int_const(f, elt, (long long)star)) == NULL)
                        ix = NULL;
                    if (ix && i + 1 < n && (ix->u.slice.upper = int_const(f, elt, (long long)(i + 1 - n))) == NULL)
                        ix = NULL;
                    /* the Starred node's value: a borrowed-for-now reference
                     * (the Starred node in `elts` keeps it alive) */
                    elt = get_attr(elt, "value");
                    if (elt == NULL) {
                        Py_DECREF(elts);
                        return NULL;
                    }
                    Py_DECREF(elt);
                } else {
                    ix = int_const(f, elt, i < star ? (long long)i : (long long)(i - n));
                }
                if ((v->u.subscript.index = ix) == NULL) {
                    Py_DECREF(elts);
                    return NULL;
                }
            }
            if ((stmts[i + 1] = assign_stmt(f, where, elt, v)) == NULL) {
                Py_DECREF(elts);
                return NULL;
            }
        }
        Py_DECREF(elts);
        return block_stmt(f, where, (int)n + 1, stmts);
    }
    if ((s = new_node(f, S_ASSIGN, where)) == NULL)
        return NULL;
    s->u.assign.value = value;
    if ((s->u.assign.target = build_target(f, target)) == NULL)
        return NULL;
    if (s->u.assign.target->kind == E_SUBSCRIPT || s->u.assign.target->kind == E_ATTR) {
        jp_node *t = s->u.assign.target;
        s->kind = S_SETITEM;
        s->u.augassign.target = t;
        s->u.augassign.value = value;
    }
    return s;
}

/* `a = b = value`: value once into a hidden local, then each target. */
static jp_node *
chained_assign(fe *f, PyObject *node, PyObject *targets, jp_node *value)
{
    Py_ssize_t nt = PyList_GET_SIZE(targets);
    jp_node **stmts = alloc_array(f, (size_t)nt + 1, sizeof(jp_node *)), *h;
    int hidx;
    if (stmts == NULL || (h = hidden_local(f, node, &hidx)) == NULL
        || (stmts[0] = new_node(f, S_ASSIGN, node)) == NULL)
        return NULL;
    stmts[0]->u.assign.target = h;
    stmts[0]->u.assign.value = value;
    for (Py_ssize_t j = 0; j < nt; j++) {
        jp_node *r = local_ref(f, node, hidx);
        if (r == NULL || (stmts[j + 1] = assign_stmt(f, node, PyList_GET_ITEM(targets, j), r)) == NULL)
            return NULL;
    }
    return block_stmt(f, node, (int)nt + 1, stmts);
}

static jp_node *
rewrite_setitem_stmt(fe *f, PyObject *node, jp_node *stmt)
{
    jp_node *call = stmt->u.expr.value, *fn = call->u.call.func, *target;
    if (fn->kind != E_CALLEE || fn->u.callee.kind != CALLEE_MODULE
        || jp_lib_get(fn->u.callee.id)->rewrite != RW_SETITEM)
        return stmt;
    if (call->u.call.nkw || call->u.call.nargs != 3)
        return typing_error(f, node, "pass the operands positionally",
                            "%s() takes exactly three positional arguments", "operator.setitem");
    if ((target = new_node(f, E_SUBSCRIPT, node)) == NULL)
        return NULL;
    target->u.subscript.value = call->u.call.args[0];
    target->u.subscript.index = call->u.call.args[1];
    stmt->kind = S_SETITEM;
    stmt->u.augassign.target = target;
    stmt->u.augassign.value = call->u.call.args[2];
    return stmt;
}

/* with objmode(x='T', ...): the block becomes a Python function of the live
 * variables it reads (jitprofile.objmode._compile_block), called from jit
 * code through jp_rt_objmode (objmode.c). */
static jp_node *
build_objmode(fe *f, PyObject *node)
{
    PyObject *mod = NULL, *res = NULL, *fn, *ins, *outs, *types;
    jp_node *n = NULL;
    span sp = span_of(f, node);
    if ((mod = PyImport_ImportModule("jitprofile.objmode")) == NULL)
        return NULL;
    res = PyObject_CallMethod(mod, "_compile_block", "OOOOsi", node, f->globals, f->closure, f->locals,
                              f->ir->filename, f->line_offset);
    Py_DECREF(mod);
    if (res == NULL) {
        PyObject *exc = jp_take_exception(), *msg = exc ? PyObject_Str(exc) : NULL;
        const char *text = msg ? PyUnicode_AsUTF8(msg) : "bad objmode block";
        /* "hint|message": what _compile_block raises as ValueError */
        const char *bar = text ? strchr(text, '|') : NULL;
        char hint[512];
        snprintf(hint, sizeof hint, "%.*s", bar ? (int)(bar - text) : 0, text ? text : "");
        jp_error_span(exc && PyErr_GivenExceptionMatches(exc, PyExc_TypeError) ? JpTypingError : JpUnsupportedError,
                      f->ir, sp.line, sp.col, sp.end_line, sp.end_col, bar ? hint : NULL, "%s",
                      bar ? bar + 1 : (text ? text : "bad objmode block"));
        Py_XDECREF(msg);
        Py_XDECREF(exc);
        return NULL;
    }
    fn = PyTuple_GET_ITEM(res, 0);
    ins = PyTuple_GET_ITEM(res, 1);
    outs = PyTuple_GET_ITEM(res, 2);
    types = PyTuple_GET_ITEM(res, 3);
    if (PyList_Append(f->ir->refs, fn) < 0 || (n = new_node(f, S_OBJMODE, node)) == NULL)
        goto done;
    n->u.objmode.func = fn;
    n->u.objmode.nin = (int)PyList_GET_SIZE(ins);
    n->u.objmode.nout = (int)PyList_GET_SIZE(outs);
    n->u.objmode.in = alloc_array(f, (size_t)n->u.objmode.nin, sizeof(jp_node *));
    n->u.objmode.out = alloc_array(f, (size_t)n->u.objmode.nout, sizeof(jp_node *));
    n->u.objmode.types = alloc_array(f, (size_t)n->u.objmode.nout, sizeof(jp_type *));
    if (!n->u.objmode.in || !n->u.objmode.out || !n->u.objmode.types) {
        n = NULL;
        goto done;
    }
    for (int k = 0; k < 2; k++) {
        PyObject *names = k ? outs : ins;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(names); i++) {
            PyObject *idx = PyDict_GetItemWithError(f->locals, PyList_GET_ITEM(names, i));
            jp_node *local;
            if (idx == NULL) {
                if (!PyErr_Occurred())
                    jp_error_span(JpTypingError, f->ir, sp.line, sp.col, sp.end_line, sp.end_col,
                                  "assign it inside the block", "objmode output '%s' is not assigned",
                                  PyUnicode_AsUTF8(PyList_GET_ITEM(names, i)));
                n = NULL;
                goto done;
            }
            if ((local = new_node(f, E_LOCAL, node)) == NULL) {
                n = NULL;
                goto done;
            }
            local->u.local.index = (int)PyLong_AsLong(idx);
            (k ? n->u.objmode.out : n->u.objmode.in)[i] = local;
            if (k && (n->u.objmode.types[i] = jp_type_from_py(PyList_GET_ITEM(types, i))) == NULL) {
                n = NULL;
                goto done;
            }
        }
    }
done:
    Py_DECREF(res);
    return n;
}

/* `with` is not compiled; `with objmode(...)` (Numba's callback into the
 * interpreter) gets its own message saying what to write instead. */
static jp_node *
build_with(fe *f, PyObject *node)
{
    PyObject *items = get_attr(node, "items"), *ctx = NULL, *func = NULL, *obj = NULL;
    int is_objmode = 0;
    if (items && PyList_Check(items) && PyList_GET_SIZE(items) > 0
        && (ctx = get_attr(PyList_GET_ITEM(items, 0), "context_expr")) != NULL) {
        func = kind_of(ctx) == A_Call ? get_attr(ctx, "func") : Py_NewRef(ctx);
        obj = func ? lookup_chain(f, func) : NULL;
        is_objmode = obj && PyObject_HasAttrString(obj, "_jitprofile_objmode_ctx");
    }
    PyErr_Clear();
    Py_XDECREF(obj);
    Py_XDECREF(func);
    Py_XDECREF(ctx);
    Py_XDECREF(items);
    if (is_objmode)
        return build_objmode(f, node);
    return unsupported(f, node, construct_name(A_With), NULL);
}

/* try statements are built by frontend_try.c through these */
static jp_node *ops_new_node(void *f, jp_node_kind k, PyObject *n) { return new_node(f, k, n); }
static jp_node *ops_build_expr(void *f, PyObject *n) { return build_expr(f, n); }
static int ops_build_block(void *f, PyObject *l, jp_block *out) { return build_block(f, l, out); }
static void *ops_unsupported(void *f, PyObject *n, const char *w, const char *h) { return unsupported(f, n, w, h); }

static jp_node *
build_try(fe *f, PyObject *node)
{
    jp_fe_ops ops = {f, f->ir->arena, ops_new_node, ops_build_expr, ops_build_block, ops_unsupported};
    return jp_frontend_try(&ops, node);
}

static jp_node *
build_stmt(fe *f, PyObject *node)
{
    int k = kind_of(node);
    jp_node *n = NULL;
    PyObject *a = NULL, *b = NULL, *c = NULL;

    switch (k) {
    case A_Expr:
        if ((a = get_attr(node, "value")) == NULL)
            break;
        if (kind_of(a) == A_Constant) {     /* docstrings, stray constants */
            n = new_node(f, S_PASS, node);
            break;
        }
        if ((n = new_node(f, S_EXPR, node)) != NULL
            && (n->u.expr.value = build_expr(f, a)) == NULL)
            n = NULL;
        if (n && n->u.expr.value->kind == E_CALL)      /* operator.setitem(a, i, v) is a[i] = v */
            n = rewrite_setitem_stmt(f, node, n);
        break;
    case A_Assign: {
        Py_ssize_t nt;
        if ((a = get_attr(node, "targets")) == NULL || (b = get_attr(node, "value")) == NULL)
            break;
        nt = PyList_GET_SIZE(a);
        if (nt == 1 && kind_of(b) == A_Lambda && kind_of(PyList_GET_ITEM(a, 0)) == A_Name) {
            PyObject *id = get_attr(PyList_GET_ITEM(a, 0), "id");
            int made = id && jp_closure_lookup(f->scope, id) != NULL;
            Py_XDECREF(id);
            if (made) {         /* f = lambda ...: made with the scope */
                n = new_node(f, S_PASS, node);
                break;
            }
        }
        if (nt != 1 || target_needs_block(PyList_GET_ITEM(a, 0))) {
            jp_node *v = build_expr(f, b);
            n = v == NULL ? NULL : nt != 1 ? chained_assign(f, node, a, v)
                                           : assign_stmt(f, node, PyList_GET_ITEM(a, 0), v);
            break;
        }
        if ((n = new_node(f, S_ASSIGN, node)) == NULL)
            break;
        if ((n->u.assign.value = build_expr(f, b)) == NULL
            || (n->u.assign.target = build_target(f, PyList_GET_ITEM(a, 0))) == NULL) {
            n = NULL;
            break;
        }
        if (n->u.assign.target->kind == E_SUBSCRIPT || n->u.assign.target->kind == E_ATTR) {
            jp_node *target = n->u.assign.target, *value = n->u.assign.value;
            n->kind = S_SETITEM;
            n->u.augassign.target = target;
            n->u.augassign.value = value;
        }
        break;
    }
    case A_AnnAssign:
        if ((b = get_attr(node, "value")) == NULL || (a = get_attr(node, "target")) == NULL)
            break;
        if (b == Py_None) {
            n = new_node(f, S_PASS, node);
            break;
        }
        if ((n = new_node(f, S_ASSIGN, node)) == NULL)
            break;
        if ((n->u.assign.value = build_expr(f, b)) == NULL
            || (n->u.assign.target = build_target(f, a)) == NULL)
            n = NULL;
        break;
    case A_AugAssign: {
        jp_binop op;
        if ((a = get_attr(node, "target")) == NULL || (b = get_attr(node, "value")) == NULL
            || (c = get_attr(node, "op")) == NULL)
            break;
        if (kind_of(a) != A_Name && kind_of(a) != A_Subscript && kind_of(a) != A_Attribute) {
            n = unsupported(f, a, "this augmented assignment target", NULL);
            break;
        }
        binop_of(kind_of(c), &op);
        if ((n = new_node(f, S_AUGASSIGN, node)) == NULL)
            break;
        n->u.augassign.op = op;
        if ((n->u.augassign.target = build_target(f, a)) == NULL
            || (n->u.augassign.value = build_expr(f, b)) == NULL)
            n = NULL;
        break;
    }
    case A_Return:
        if ((a = get_attr(node, "value")) == NULL || (n = new_node(f, S_RETURN, node)) == NULL)
            break;
        if (a != Py_None && (n->u.expr.value = build_expr(f, a)) == NULL)
            n = NULL;
        break;
    case A_If:
    case A_While:
        if ((n = new_node(f, k == A_If ? S_IF : S_WHILE, node)) == NULL)
            break;
        if ((a = get_attr(node, "test")) == NULL || (n->u.cond.test = build_expr(f, a)) == NULL
            || (b = get_attr(node, "body")) == NULL || build_block(f, b, &n->u.cond.body) < 0
            || (c = get_attr(node, "orelse")) == NULL || build_block(f, c, &n->u.cond.orelse) < 0)
            n = NULL;
        break;
    case A_For:
        if ((n = new_node(f, S_FOR, node)) == NULL)
            break;
        if ((a = get_attr(node, "target")) == NULL
            || (n->u.loop.target = build_target(f, a)) == NULL) {
            n = NULL;
            break;
        }
        Py_CLEAR(a);
        if ((a = get_attr(node, "iter")) == NULL || (n->u.loop.iter = build_expr(f, a)) == NULL
            || (b = get_attr(node, "body")) == NULL || build_block(f, b, &n->u.loop.body) < 0
            || (c = get_attr(node, "orelse")) == NULL || build_block(f, c, &n->u.loop.orelse) < 0)
            n = NULL;
        break;
    case A_Break:
        n = new_node(f, S_BREAK, node);
        break;
    case A_Continue:
        n = new_node(f, S_CONTINUE, node);
        break;
    case A_Pass:
        n = new_node(f, S_PASS, node);
        break;
    case A_Delete:
        /* del d[k] (one item of a dict); other deletions are not supported */
        if ((a = get_attr(node, "targets")) == NULL)
            break;
        if (PyList_GET_SIZE(a) != 1 || kind_of(PyList_GET_ITEM(a, 0)) != A_Subscript)
            return unsupported(f, node, "this del statement",
                               "del works on one dict item (del d[k]); rebind names instead of deleting them");
        if ((n = new_node(f, S_DELITEM, node)) == NULL || (n->u.expr.value = build_expr(f, PyList_GET_ITEM(a, 0))) == NULL)
            n = NULL;
        break;
    case A_Raise:
        return build_raise(f, node);
    case A_Try:
        return build_try(f, node);
    case A_With:
        return build_with(f, node);
    case A_FunctionDef:
        if ((a = get_attr(node, "name")) == NULL)
            break;
        if (jp_closure_lookup(f->scope, a) == NULL) {     /* inside a with block ... */
            n = unsupported(f, node, construct_name(k), NULL);
            break;
        }
        n = new_node(f, S_PASS, node);        /* made with the scope */
        break;
    case A_Assert:
        if ((n = new_node(f, S_ASSERT, node)) == NULL)
            break;
        if ((a = get_attr(node, "test")) == NULL || (n->u.assert_.test = build_expr(f, a)) == NULL
            || (b = get_attr(node, "msg")) == NULL) {
            n = NULL;
            break;
        }
        if (b != Py_None) {
            PyObject *args = PyList_New(1);
            int ok;
            if (args == NULL) {
                n = NULL;
                break;
            }
            PyList_SET_ITEM(args, 0, Py_NewRef(b));
            n->u.assert_.msg = constant_message(f, args, b, &ok);
            Py_DECREF(args);
            if (ok == 2) {
                /* a message computed at run time (only when the test fails):
                 * if not test: raise AssertionError(msg) */
                jp_node *test = n->u.assert_.test, *not_ = new_node(f, E_UNARY, node), *r = new_node(f, S_RAISE, node);
                if (not_ == NULL || r == NULL || (r->u.raise.value = build_expr(f, b)) == NULL
                    || (n->u.cond.body.stmts = alloc_array(f, 1, sizeof(jp_node *))) == NULL) {
                    n = NULL;
                    break;
                }
                not_->u.unary.op = UOP_NOT;
                not_->u.unary.operand = test;
                r->u.raise.cls = PyExc_AssertionError;
                n->kind = S_IF;
                n->u.cond.test = not_;
                n->u.cond.body.n = 1;
                n->u.cond.body.stmts[0] = r;
                n->u.cond.orelse.n = 0;
                n->u.cond.orelse.stmts = NULL;
            } else if (!ok) {
                n = NULL;
            }
        }
        break;
    default:
        return unsupported(f, node, construct_name(k), NULL);
    }
    Py_XDECREF(a);
    Py_XDECREF(b);
    Py_XDECREF(c);
    return n;
}

/* ---- unpacking into items and attributes ----------------------------------
 * `self.x, self.y = self.y, self.x` or `a[i], j = ...`: Python evaluates the
 * value, then assigns the targets left to right.  Such an assignment becomes
 *     $unpack7, $unpack8 = value
 *     self.x = $unpack7
 *     self.y = $unpack8
 * so that inference and lowering only meet plain unpacking into locals and
 * single item/attribute stores, in Python's order. */

static int
has_item_target(jp_node *t)
{
    if (t->kind == E_SUBSCRIPT || t->kind == E_ATTR)
        return 1;
    if (t->kind == E_TUPLE)
        for (int i = 0; i < t->u.tuple.n; i++)
            if (has_item_target(t->u.tuple.elts[i]))
                return 1;
    return 0;
}

static int add_local(fe *f, PyObject *name);

static jp_node *
node_like(fe *f, jp_node_kind kind, jp_node *where)
{
    jp_node *n = new_node(f, kind, NULL);
    if (n) {
        n->line = where->line;
        n->col = where->col;
        n->end_line = where->end_line;
        n->end_col = where->end_col;
    }
    return n;
}

/* A reference to hidden local `index`, or (index < 0) a new hidden local. */
static jp_node *
unpack_local(fe *f, jp_node *where, int index)
{
    jp_node *n = node_like(f, E_LOCAL, where);
    if (n == NULL)
        return NULL;
    if (index < 0) {
        PyObject *key = PyUnicode_FromFormat("$unpack%d", n->id), *idx;
        if (key == NULL || add_local(f, key) < 0 || (idx = PyDict_GetItemWithError(f->locals, key)) == NULL) {
            Py_XDECREF(key);
            return NULL;
        }
        index = (int)PyLong_AsLong(idx);
        Py_DECREF(key);
    }
    n->u.local.index = index;
    return n;
}

static int
push_stmt(fe *f, jp_block *out, int *cap, jp_node *s)
{
    if (out->n == *cap) {
        jp_node **grown = alloc_array(f, (size_t)*cap * 2 + 4, sizeof(jp_node *));
        if (grown == NULL)
            return -1;
        if (out->n)
            memcpy(grown, out->stmts, (size_t)out->n * sizeof(jp_node *));
        out->stmts = grown;
        *cap = *cap * 2 + 4;
    }
    out->stmts[out->n++] = s;
    return 0;
}

static int split_unpack(fe *f, jp_node *target, jp_node *value, jp_node *where, jp_block *out, int *cap);

/* Append `target = value` for any target: a local or a tuple of locals
 * (S_ASSIGN), an item or attribute (S_SETITEM), a tuple holding those (split). */
static int
append_assign(fe *f, jp_node *target, jp_node *value, jp_node *where, jp_block *out, int *cap)
{
    jp_node *s;
    if (target->kind == E_TUPLE && has_item_target(target))
        return split_unpack(f, target, value, where, out, cap);
    if (target->kind == E_SUBSCRIPT || target->kind == E_ATTR) {
        if ((s = node_like(f, S_SETITEM, target)) == NULL)
            return -1;
        s->u.augassign.target = target;
        s->u.augassign.value = value;
    } else {
        if ((s = node_like(f, S_ASSIGN, target)) == NULL)
            return -1;
        s->u.assign.target = target;
        s->u.assign.value = value;
    }
    return push_stmt(f, out, cap, s);
}

/* for a[i] in ... / for i, self.x in ...: the loop binds a hidden local, and
 * the body starts by assigning it to the real target. */
static int
split_loop_target(fe *f, jp_node *loop)
{
    jp_node *target = loop->u.loop.target, *h;
    jp_block body = {0, NULL};
    int cap = 0;
    if (!has_item_target(target))
        return 0;
    if ((h = unpack_local(f, target, -1)) == NULL)
        return -1;
    loop->u.loop.target = h;
    if ((h = unpack_local(f, target, h->u.local.index)) == NULL || append_assign(f, target, h, loop, &body, &cap) < 0)
        return -1;
    for (int i = 0; i < loop->u.loop.body.n; i++)
        if (push_stmt(f, &body, &cap, loop->u.loop.body.stmts[i]) < 0)
            return -1;
    loop->u.loop.body = body;
    return 0;
}

static int
split_unpack(fe *f, jp_node *target, jp_node *value, jp_node *where, jp_block *out, int *cap)
{
    int n = target->u.tuple.n;
    jp_node *hidden = node_like(f, E_TUPLE, target), *first = node_like(f, S_ASSIGN, where);
    if (hidden == NULL || first == NULL
        || (hidden->u.tuple.elts = alloc_array(f, (size_t)n, sizeof(jp_node *))) == NULL)
        return -1;
    hidden->u.tuple.n = n;
    for (int i = 0; i < n; i++)
        if ((hidden->u.tuple.elts[i] = unpack_local(f, target->u.tuple.elts[i], -1)) == NULL)
            return -1;
    first->u.assign.target = hidden;
    first->u.assign.value = value;
    if (push_stmt(f, out, cap, first) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        jp_node *elt = target->u.tuple.elts[i];
        jp_node *h = unpack_local(f, elt, hidden->u.tuple.elts[i]->u.local.index);
        if (h == NULL || append_assign(f, elt, h, where, out, cap) < 0)
            return -1;
    }
    return 0;
}

static int
build_block(fe *f, PyObject *list, jp_block *out)
{
    Py_ssize_t n = PyList_GET_SIZE(list);
    int cap = (int)n;
    out->n = 0;
    out->stmts = alloc_array(f, (size_t)n, sizeof(jp_node *));
    if (out->stmts == NULL)
        return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        jp_node *s = build_stmt(f, PyList_GET_ITEM(list, i));
        if (s == NULL)
            return -1;
        if (s->kind == S_ASSIGN && s->u.assign.target->kind == E_TUPLE && has_item_target(s->u.assign.target)) {
            if (split_unpack(f, s->u.assign.target, s->u.assign.value, s, out, &cap) < 0)
                return -1;
        } else if ((s->kind == S_FOR && split_loop_target(f, s) < 0) || push_stmt(f, out, &cap, s) < 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- local variables ----------------------------------------------------- */

static int add_local(fe *f, PyObject *name);

/* Collect the names a target binds. */
static int
collect_target(fe *f, PyObject *node)
{
    int k = kind_of(node);
    if (k == A_Name) {
        PyObject *id = get_attr(node, "id");
        int rc = id ? add_local(f, id) : -1;
        Py_XDECREF(id);
        return rc;
    }
    if (k == A_Starred) {
        PyObject *v = get_attr(node, "value");
        int rc = v ? collect_target(f, v) : -1;
        Py_XDECREF(v);
        return rc;
    }
    if (k == A_Tuple || k == A_List) {
        PyObject *elts = get_attr(node, "elts");
        if (elts == NULL)
            return -1;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(elts); i++)
            if (collect_target(f, PyList_GET_ITEM(elts, i)) < 0) {
                Py_DECREF(elts);
                return -1;
            }
        Py_DECREF(elts);
    }
    return 0;
}

/* Walk statements (not into nested scopes) collecting assigned names. */
static int
collect_locals(fe *f, PyObject *stmts)
{
    static const char *blocks[] = {"body", "orelse"};
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(stmts); i++) {
        PyObject *s = PyList_GET_ITEM(stmts, i), *t;
        int k = kind_of(s);
        if (k == A_Assign) {
            if ((t = get_attr(s, "targets")) == NULL)
                return -1;
            for (Py_ssize_t j = 0; j < PyList_GET_SIZE(t); j++)
                if (collect_target(f, PyList_GET_ITEM(t, j)) < 0) {
                    Py_DECREF(t);
                    return -1;
                }
            Py_DECREF(t);
        } else if (k == A_AugAssign || k == A_AnnAssign || k == A_For) {
            if ((t = get_attr(s, "target")) == NULL)
                return -1;
            if (collect_target(f, t) < 0) {
                Py_DECREF(t);
                return -1;
            }
            Py_DECREF(t);
        }
        if (k == A_With) {
            /* with objmode(x='T'): the declared outputs are locals of the function */
            PyObject *items = get_attr(s, "items"), *ctx, *kws;
            if (items == NULL)
                return -1;
            ctx = PyList_GET_SIZE(items) ? get_attr(PyList_GET_ITEM(items, 0), "context_expr") : NULL;
            Py_DECREF(items);
            kws = ctx && kind_of(ctx) == A_Call ? get_attr(ctx, "keywords") : NULL;
            Py_XDECREF(ctx);
            for (Py_ssize_t j = 0; kws && j < PyList_GET_SIZE(kws); j++) {
                PyObject *name = get_attr(PyList_GET_ITEM(kws, j), "arg");
                int bad = name == NULL || (name != Py_None && add_local(f, name) < 0);
                Py_XDECREF(name);
                if (bad) {
                    Py_DECREF(kws);
                    return -1;
                }
            }
            Py_XDECREF(kws);
            PyErr_Clear();
        }
        if (k == A_Try) {
            PyObject *bodies = jp_frontend_try_bodies(s);
            if (bodies == NULL)
                return -1;
            for (Py_ssize_t j = 0; j < PyList_GET_SIZE(bodies); j++)
                if (collect_locals(f, PyList_GET_ITEM(bodies, j)) < 0) {
                    Py_DECREF(bodies);
                    return -1;
                }
            Py_DECREF(bodies);
        }
        if (k == A_If || k == A_While || k == A_For) {
            for (int b = 0; b < 2; b++) {
                if ((t = get_attr(s, blocks[b])) == NULL)
                    return -1;
                if (collect_locals(f, t) < 0) {
                    Py_DECREF(t);
                    return -1;
                }
                Py_DECREF(t);
            }
        }
    }
    return 0;
}

static int
add_local(fe *f, PyObject *name)
{
    PyObject *idx;
    int rc;
    if (PyDict_GetItemWithError(f->locals, name))
        return 0;
    if (PyErr_Occurred())
        return -1;
    if (jp_closure_lookup(f->scope, name))
        return 0;       /* an inner function's name: resolved to it, never a local */
    idx = PyLong_FromLong(f->next_local);
    if (idx == NULL)
        return -1;
    rc = PyDict_SetItem(f->locals, name, idx);
    Py_DECREF(idx);
    if (rc == 0)
        f->next_local++;
    return rc;
}

static int
check_arguments(fe *f, PyObject *args)
{
    static const char *bad[] = {"vararg", "kwarg"};
    PyObject *v;
    for (int i = 1; i < 2; i++) {       /* *args is a tuple parameter (jp_frontend_build) */
        if ((v = get_attr(args, bad[i])) == NULL)
            return -1;
        if (v != Py_None) {
            unsupported(f, v, i == 0 ? "*args" : "**kwargs", NULL);
            Py_DECREF(v);
            return -1;
        }
        Py_DECREF(v);
    }
    if ((v = get_attr(args, "kwonlyargs")) == NULL)
        return -1;
    if (PyList_GET_SIZE(v) > 0) {
        unsupported(f, PyList_GET_ITEM(v, 0), "keyword-only arguments", NULL);
        Py_DECREF(v);
        return -1;
    }
    Py_DECREF(v);
    return 0;
}

/* ---- entry point --------------------------------------------------------- */

jp_func_ir *
jp_frontend_build(PyObject *dispatcher, PyObject *pyfunc, PyObject *source)
{
    PyObject *fdef, *filename, *lines, *globals, *closure, *args = NULL, *params = NULL;
    PyObject *body = NULL, *tmp, *defaults = NULL, *name = NULL, *qualname = NULL;
    int first_line, indent;
    jp_func_ir *ir;
    fe f = {0};

    if (ast_table_init() < 0)
        return NULL;
    if (!PyArg_ParseTuple(source, "OUiO!iO!O!:frontend", &fdef, &filename, &first_line,
                          &PyList_Type, &lines, &indent, &PyDict_Type, &globals,
                          &PyDict_Type, &closure))
        return NULL;
    ir = calloc(1, sizeof *ir);
    if (ir == NULL)
        return (jp_func_ir *)PyErr_NoMemory();
    if ((ir->arena = arena_new()) == NULL)
        goto fail;
    ir->dispatcher = dispatcher;
    ir->source_lines = Py_NewRef(lines);
    ir->source_first_line = first_line;
    ir->refs = PyList_New(0);
    ir->frozen = PyList_New(0);
    name = PyObject_GetAttrString(pyfunc, "__name__");
    qualname = PyObject_GetAttrString(pyfunc, "__qualname__");
    if (ir->refs == NULL || ir->frozen == NULL || name == NULL || qualname == NULL)
        goto fail;
    ir->name = jp_arena_strdup(ir->arena, PyUnicode_AsUTF8(name));
    ir->qualname = jp_arena_strdup(ir->arena, PyUnicode_AsUTF8(qualname));
    ir->filename = jp_arena_strdup(ir->arena, PyUnicode_AsUTF8(filename));
    ir->def_line = (int)attr_long(fdef, "lineno") + first_line - 1;

    f.ir = ir;
    f.globals = globals;
    f.closure = closure;
    f.line_offset = first_line - 1;
    f.col_offset = indent;
    f.builtins = PyDict_GetItemString(globals, "__builtins__");
    if (f.builtins && PyModule_Check(f.builtins))
        f.builtins = PyModule_GetDict(f.builtins);
    if (f.builtins == NULL || !PyDict_Check(f.builtins))
        f.builtins = PyEval_GetBuiltins();
    f.math_mod = PyImport_ImportModule("math");
    f.cmath_mod = PyImport_ImportModule("cmath");
    f.builtins_mod = PyImport_ImportModule("builtins");
    f.locals = PyDict_New();
    if (!f.math_mod || !f.cmath_mod || !f.builtins_mod || !f.locals)
        goto fail;
    /* the modules stay alive: they are in sys.modules */

    if (kind_of(fdef) != A_FunctionDef) {
        unsupported(&f, fdef, "async def", NULL);
        goto fail;
    }
    if ((args = get_attr(fdef, "args")) == NULL || check_arguments(&f, args) < 0)
        goto fail;
    if ((params = get_attr(args, "posonlyargs")) == NULL || (tmp = get_attr(args, "args")) == NULL)
        goto fail;
    if (PyList_SetSlice(params, PyList_GET_SIZE(params), PyList_GET_SIZE(params), tmp) < 0) {
        Py_DECREF(tmp);
        goto fail;
    }
    Py_DECREF(tmp);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(params); i++) {
        PyObject *arg = get_attr(PyList_GET_ITEM(params, i), "arg");
        if (arg == NULL || add_local(&f, arg) < 0) {
            Py_XDECREF(arg);
            goto fail;
        }
        Py_DECREF(arg);
    }
    ir->nparams = (int)PyList_GET_SIZE(params);
    if ((tmp = get_attr(args, "vararg")) == NULL)
        goto fail;
    if (tmp != Py_None) {       /* *args: one more parameter, a tuple */
        PyObject *arg = get_attr(tmp, "arg");
        if (arg == NULL || add_local(&f, arg) < 0) {
            Py_XDECREF(arg);
            Py_DECREF(tmp);
            goto fail;
        }
        Py_DECREF(arg);
        ir->nparams++;
        ir->vararg = 1;
    }
    Py_DECREF(tmp);
    if ((f.scope = jp_closure_scope(dispatcher, pyfunc, source)) == NULL) {
        closure_failed(&f, fdef);
        goto fail;
    }
    if ((body = get_attr(fdef, "body")) == NULL || collect_locals(&f, body) < 0)
        goto fail;

    /* default values come from the live function object */
    ir->defaults = calloc((size_t)(ir->nparams ? ir->nparams : 1), sizeof(PyObject *));
    if (ir->defaults == NULL)
        goto fail;
    defaults = PyObject_GetAttrString(pyfunc, "__defaults__");
    if (defaults == NULL)
        goto fail;
    if (defaults != Py_None) {
        Py_ssize_t nd = PyTuple_GET_SIZE(defaults);
        for (Py_ssize_t i = 0; i < nd && i < ir->nparams; i++)
            ir->defaults[ir->nparams - ir->vararg - nd + i] = Py_NewRef(PyTuple_GET_ITEM(defaults, i));
    }

    if (build_block(&f, body, &ir->body) < 0)
        goto fail;

    ir->nlocals = f.next_local;
    ir->local_names = alloc_array(&f, (size_t)ir->nlocals, sizeof(char *));
    if (ir->local_names == NULL)
        goto fail;
    {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (PyDict_Next(f.locals, &pos, &key, &value))
            ir->local_names[PyLong_AsLong(value)] = jp_arena_strdup(ir->arena, PyUnicode_AsUTF8(key));
    }
    goto done;

fail:
    jp_func_ir_free(ir);
    free(ir);
    ir = NULL;
done:
    Py_XDECREF(f.math_mod);
    Py_XDECREF(f.cmath_mod);
    Py_XDECREF(f.builtins_mod);
    Py_XDECREF(f.locals);
    Py_XDECREF(f.scope);
    Py_XDECREF(args);
    Py_XDECREF(params);
    Py_XDECREF(body);
    Py_XDECREF(defaults);
    Py_XDECREF(name);
    Py_XDECREF(qualname);
    return ir;
}
