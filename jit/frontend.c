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
#include "jit/ir.h"
#include "jit/errors.h"
#include "jit/lower_math.h"
#include "jit/compiler.h"
#include "jit/numpy_funcs.h"
#include "jit/numpy_api.h"
#include "jit/pycompat.h"
#include "jit/jitclass.h"

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
    case A_Yield: case A_YieldFrom: return "yield (generators)";
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
                                      "range"};

/* A Python value met as a global/closure/attribute, as an IR node. */
static jp_node *
value_node(fe *f, PyObject *ast_node, PyObject *value, const char *name)
{
    jp_node *n;
    int id, is_cmath;

    if (value == Py_None || PyBool_Check(value) || PyLong_Check(value)
        || PyFloat_Check(value) || PyComplex_Check(value)) {
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
        if (mname && (strcmp(mname, "numpy") == 0 || strcmp(mname, "numpy.random") == 0)) {
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
        /* jitprofile.cuda intrinsics: cuda.threadIdx.x, cuda.grid, cuda.atomic.add, ... */
        PyObject *marker = PyObject_GetAttrString(value, "_jitprofile_cuda");
        if (marker && PyUnicode_Check(marker)) {
            n = new_node(f, E_CALLEE, ast_node);
            if (n) {
                n->u.callee.kind = CALLEE_CUDA;
                n->u.callee.name = jp_arena_strdup(f->ir->arena, PyUnicode_AsUTF8(marker));
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
        if (dt && jp_is_number(dt)) {
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
            {&PyBool_Type, B_BOOL}, {&PyRange_Type, B_RANGE},
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
        return typing_error(f, ast_node,
                            "jit code can use numbers, tuples, math/cmath functions and other jitted functions",
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
    if ((value = PyDict_GetItemWithError(f->closure, id)) == NULL && !PyErr_Occurred())
        if ((value = PyDict_GetItemWithError(f->globals, id)) == NULL && !PyErr_Occurred())
            value = PyDict_GetItemWithError(f->builtins, id);
    if (value == NULL) {
        if (!PyErr_Occurred())
            typing_error(f, node, "define it before the first call, or pass it as an argument",
                         "name '%s' is not defined", name);
        Py_DECREF(id);
        return NULL;
    }
    Py_INCREF(value);
    if (value == Py_None || PyBool_Check(value) || PyLong_Check(value) || PyFloat_Check(value)
        || PyComplex_Check(value) || PyTuple_Check(value)) {
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
    /* values with a meaning of their own go through the normal path */
    if (value == Py_None || PyBool_Check(value) || PyLong_Check(value) || PyFloat_Check(value)
        || PyComplex_Check(value) || PyTuple_Check(value) || PyType_Check(value)
        || PyCFunction_Check(value) || PyFunction_Check(value) || jp_is_dispatcher(value))
        goto normal;
    if (jp_numpy_ready() && (PyArray_Check(value) || PyArray_IsScalar(value, Generic)))
        goto normal;
    return value;
normal:
    Py_DECREF(value);
    return NULL;
}

static jp_node *
build_expr_inner(fe *f, PyObject *node, int k)
{
    jp_node *n = NULL;
    PyObject *a = NULL, *b = NULL, *c = NULL;

    switch (k) {
    case A_Constant:
        if ((a = get_attr(node, "value")) == NULL)
            return NULL;
        n = const_node(f, node, a);
        if (n == NULL && !PyErr_Occurred()) {
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
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(b); i++)
            if (kind_of(PyList_GET_ITEM(b, i)) == A_Starred) {
                n = unsupported(f, PyList_GET_ITEM(b, i), "*args in a call", NULL);
                goto done;
            }
        if (build_list(f, b, &n->u.call.nargs, &n->u.call.args) < 0) {
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
        break;
    }
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

static jp_node *
build_expr(fe *f, PyObject *node)
{
    return build_expr_inner(f, node, kind_of(node));
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
    if (PyList_GET_SIZE(exc_args) > 1 || kind_of(arg) != A_Constant)
        return unsupported(f, node, "an exception with a non-constant argument",
                           "raise SomeError(\"constant message\")");
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
        unsupported(f, node, "bare raise (re-raise)", NULL);
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
    if (!ok)
        n = NULL;
done:
    Py_XDECREF(exc);
    Py_XDECREF(cls_node);
    Py_XDECREF(args);
    return n;
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
        break;
    case A_Assign: {
        Py_ssize_t nt;
        if ((a = get_attr(node, "targets")) == NULL || (b = get_attr(node, "value")) == NULL)
            break;
        nt = PyList_GET_SIZE(a);
        if (nt != 1) {
            n = unsupported(f, node, "chained assignment (a = b = ...)", "assign each name separately");
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
    case A_Raise:
        return build_raise(f, node);
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
            if (!ok)
                n = NULL;
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

static int
build_block(fe *f, PyObject *list, jp_block *out)
{
    Py_ssize_t n = PyList_GET_SIZE(list);
    out->n = (int)n;
    out->stmts = alloc_array(f, (size_t)n, sizeof(jp_node *));
    if (out->stmts == NULL)
        return -1;
    for (Py_ssize_t i = 0; i < n; i++)
        if ((out->stmts[i] = build_stmt(f, PyList_GET_ITEM(list, i))) == NULL)
            return -1;
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
    idx = PyLong_FromSsize_t(PyDict_GET_SIZE(f->locals));
    if (idx == NULL)
        return -1;
    rc = PyDict_SetItem(f->locals, name, idx);
    Py_DECREF(idx);
    return rc;
}

static int
check_arguments(fe *f, PyObject *args)
{
    static const char *bad[] = {"vararg", "kwarg"};
    PyObject *v;
    for (int i = 0; i < 2; i++) {
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
            ir->defaults[ir->nparams - nd + i] = Py_NewRef(PyTuple_GET_ITEM(defaults, i));
    }

    if (build_block(&f, body, &ir->body) < 0)
        goto fail;

    ir->nlocals = (int)PyDict_GET_SIZE(f.locals);
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
    Py_XDECREF(args);
    Py_XDECREF(params);
    Py_XDECREF(body);
    Py_XDECREF(defaults);
    Py_XDECREF(name);
    Py_XDECREF(qualname);
    return ir;
}
