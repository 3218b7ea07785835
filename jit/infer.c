/* jit/infer.c - type inference.
 *
 * Every local keeps one type for the whole function (numbers are promoted:
 * int64 with float64 gives float64).  Each pending instance of a session is
 * walked repeatedly; a variable's or a return's type only moves up the
 * lattice, so the walk reaches a fixed point.  A call to an instance still
 * being inferred (recursion) sees its current return type, possibly
 * "undefined", and the outer loop runs again until nothing changes.  A
 * final walk reports anything still undefined, with its location.
 */
#include "jit/compiler.h"
#include "jit/errors.h"
#include "jit/lower_math.h"

#include <string.h>

#include "jit/infer.h"
#include "jit/target.h"
#include "jit/lib_func.h"
#include "jit/resolve.h"
#include "jit/lib.h"
#include "jit/const_array.h"
#include "jit/objmode.h"
#include "jit/pycompat.h"
#include "jit/infer_optional.h"
#include "jit/lib_str.h"
#include "jit/dict.h"

#define UNKNOWN(t) ((t)->kind == JP_UNKNOWN)

jp_type *
jp_irecord(ictx *c, jp_node *n, jp_type *t)
{
    if (t)
        c->inst->node_types[n->id] = t;
    return t;
}

static jp_type *
fail_undefined(ictx *c, jp_node *n)
{
    if (n->kind == E_LOCAL)
        return jp_error_at(JpTypingError, c->ir, n,
                           "assign it on every path before this use",
                           "variable '%s' is used before it is assigned",
                           c->ir->local_names[n->u.local.index]);
    if (n->kind == E_CALL)
        return jp_error_at(JpTypingError, c->ir, n,
                           "a recursive function needs a path that returns without recursing",
                           "cannot infer the return type of this recursive call");
    return jp_error_at(JpTypingError, c->ir, n, NULL, "cannot infer the type of this expression");
}

/* Type an operand; during the final walk an undefined type is an error. */
jp_type *
jp_ioperand(ictx *c, jp_node *n)
{
    jp_type *t = jp_itype_expr(c, n);
    if (t && UNKNOWN(t) && c->final) {
        if (n->kind == E_LOCAL || n->kind == E_CALL)
            return fail_undefined(c, n);
        /* an inner node already reported, or will: report here */
        return fail_undefined(c, n);
    }
    if (t && t->kind == JP_NONE && !c->final && n->kind == E_LOCAL && n->u.local.index >= c->ir->nparams)
        return jp_type_unknown();   /* `x = None` so far: a later `x = v` may make it Optional */
    return jp_infer_optional_use(c, n, t);     /* an Optional used as its value */
}

static const char *
binop_symbol(jp_binop op)
{
    static const char *s[] = {"+", "-", "*", "/", "//", "%", "**", "<<", ">>",
                              "&", "|", "^", "@"};
    return s[op];
}

static jp_type *
bad_operands(ictx *c, jp_node *n, const char *op, jp_type *a, jp_type *b)
{
    if (b)
        return jp_error_at(JpTypingError, c->ir, n, NULL,
                           "unsupported operand types for %s: %s and %s", op, a->name, b->name);
    return jp_error_at(JpTypingError, c->ir, n, NULL,
                       "unsupported operand type for %s: %s", op, a->name);
}

static int
is_intlike(jp_type *t)
{
    return t->kind == JP_INT || t->kind == JP_BOOL;
}

/* A constant integer (possibly negated) in the tree, for ** and indexing. */
static int
const_int(jp_node *n, long long *v)
{
    if (n->kind == E_CONST && (n->u.cnst.type->kind == JP_INT || n->u.cnst.type->kind == JP_BOOL)) {
        *v = n->u.cnst.v.i;
        return 1;
    }
    if (n->kind == E_UNARY && n->u.unary.op == UOP_NEG && const_int(n->u.unary.operand, v)) {
        *v = -*v;
        return 1;
    }
    return 0;
}

static jp_type *
tuple_concat(jp_type *a, jp_type *b)
{
    jp_type *elems[128];
    if (a->n + b->n > 64)
        return NULL;
    memcpy(elems, a->elems, (size_t)a->n * sizeof *elems);
    memcpy(elems + a->n, b->elems, (size_t)b->n * sizeof *elems);
    return jp_type_tuple(a->n + b->n, elems);
}

jp_type *
jp_binop_type(jp_binop op, jp_type *a, jp_type *b, jp_node *right)
{
    int na = jp_is_number(a), nb = jp_is_number(b);
    jp_type *t;
    long long k;

    if (op == OP_ADD && a->kind == JP_TUPLE && b->kind == JP_TUPLE)
        return tuple_concat(a, b);
    if (a->kind == JP_STR || b->kind == JP_STR)
        return jp_str_binop_type(op, a, b);         /* s += "x" (lib_str.c) */
    if (!na || !nb)
        return NULL;
    switch (op) {
    case OP_ADD: case OP_SUB: case OP_MUL:
        return jp_type_arith(a, b);
    case OP_TRUEDIV:
        t = jp_type_arith(a, b);
        return t->kind == JP_INT ? jp_type_float(64) : t;
    case OP_FLOORDIV: case OP_MOD:
        t = jp_type_arith(a, b);
        return t->kind == JP_COMPLEX ? NULL : t;
    case OP_POW:
        t = jp_type_arith(a, b);
        if (t->kind == JP_INT && right && const_int(right, &k) && k < 0)
            return jp_type_float(64);
        return t;
    case OP_LSHIFT: case OP_RSHIFT:
        if (!is_intlike(a) || !is_intlike(b))
            return NULL;
        return jp_type_arith(a, b);
    case OP_BITAND: case OP_BITOR: case OP_BITXOR:
        if (!is_intlike(a) || !is_intlike(b))
            return NULL;
        if (a->kind == JP_BOOL && b->kind == JP_BOOL)
            return a;
        return jp_type_arith(a, b);
    default:
        return NULL;
    }
}

static int
truthy_ok(jp_type *t)
{
    return jp_is_number(t) || t->kind == JP_TUPLE || t->kind == JP_NONE || t->kind == JP_LIST
           || (t->kind == JP_OPTIONAL && truthy_ok(t->dtype)) || t->kind == JP_STR
           || t->kind == JP_DICT || t->kind == JP_SET;
}
/* (arrays: "the truth value of an array is ambiguous", as NumPy says) */

static jp_type *
check_truthy(ictx *c, jp_node *n, jp_type *t)
{
    if (t && !UNKNOWN(t) && !truthy_ok(t))
        return jp_error_at(JpTypingError, c->ir, n, NULL,
                           "a value of type %s cannot be used as a condition", t->name);
    return t;
}

static int
comparable(jp_cmpop op, jp_type *a, jp_type *b)
{
    if (op == CMP_IS || op == CMP_ISNOT)
        return 1;
    if (a->kind == JP_STR && b->kind == JP_STR)     /* lexicographic; `in` is a substring test */
        return 1;
    if (op == CMP_IN || op == CMP_NOTIN) {
        if (b->kind == JP_LIST)
            return b->dtype->kind == JP_UNKNOWN || comparable(CMP_EQ, a, b->dtype);
        if (b->kind == JP_DICT)
            return jp_dict_key_accepts(a, b);         /* lib_dict.c */
        if (b->kind == JP_SET)
            return jp_set_item_accepts(a, b);         /* lib_set.c */
        if (b->kind != JP_TUPLE)
            return 0;
        for (int i = 0; i < b->n; i++)
            if (!comparable(CMP_EQ, a, b->elems[i]))
                return 0;
        return 1;
    }
    if (jp_is_number(a) && jp_is_number(b)) {
        if (a->kind == JP_COMPLEX || b->kind == JP_COMPLEX)
            return op == CMP_EQ || op == CMP_NE;
        return 1;
    }
    if (a->kind == JP_TUPLE && b->kind == JP_TUPLE) {
        int n = a->n < b->n ? a->n : b->n;
        if (op != CMP_EQ && op != CMP_NE && a->n != b->n)
            return 0;
        for (int i = 0; i < n; i++)
            if (!comparable(op == CMP_NE ? CMP_EQ : op, a->elems[i], b->elems[i])
                || !comparable(CMP_EQ, a->elems[i], b->elems[i]))
                return 0;
        return 1;
    }
    if (a->kind == JP_NONE && b->kind == JP_NONE)
        return op == CMP_EQ || op == CMP_NE;
    if (a->kind == JP_LIST && b->kind == JP_LIST)    /* item by item (lower_list.c) */
        return (op == CMP_EQ || op == CMP_NE)
               && (UNKNOWN(a->dtype) || UNKNOWN(b->dtype) || comparable(CMP_EQ, a->dtype, b->dtype));
    if (a->kind == JP_DICT || b->kind == JP_DICT || a->kind == JP_SET || b->kind == JP_SET)
        return 0;       /* dict and set comparisons are not supported */
    return op == CMP_EQ || op == CMP_NE;    /* different kinds: constant result */
}

/* ---- calls ---------------------------------------------------------------- */

static jp_type *
call_arity(ictx *c, jp_node *n, const char *name, int lo, int hi)
{
    int got = n->u.call.nargs;
    if (n->u.call.nkw)
        return jp_error_at(JpTypingError, c->ir, n, NULL,
                           "%s() takes no keyword arguments in jit code", name);
    if (got < lo || got > hi) {
        if (lo == hi)
            return jp_error_at(JpTypingError, c->ir, n, NULL,
                               "%s() takes %d argument%s (%d given)", name, lo,
                               lo == 1 ? "" : "s", got);
        return jp_error_at(JpTypingError, c->ir, n, NULL,
                           "%s() takes from %d to %d arguments (%d given)", name, lo, hi, got);
    }
    return jp_type_none();      /* any non-NULL */
}

static jp_type *
type_args(ictx *c, jp_node *n, jp_type **out, int *unknown)
{
    *unknown = 0;
    for (int i = 0; i < n->u.call.nargs; i++) {
        if ((out[i] = jp_ioperand(c, n->u.call.args[i])) == NULL)
            return NULL;
        if (UNKNOWN(out[i]))
            *unknown = 1;
    }
    return jp_type_none();
}

static jp_type *
need_number(ictx *c, jp_node *arg, jp_type *t, const char *fname, int allow_complex)
{
    if (jp_is_number(t) && (allow_complex || t->kind != JP_COMPLEX))
        return t;
    return jp_error_at(JpTypingError, c->ir, arg,
                       t->kind == JP_COMPLEX ? "use the cmath module for complex numbers" : NULL,
                       "%s() does not accept an argument of type %s", fname, t->name);
}

static int
printable(jp_type *t)
{
    if (t->kind == JP_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (!printable(t->elems[i]))
                return 0;
        return 1;
    }
    if (t->kind == JP_LIST || t->kind == JP_OPTIONAL)
        return printable(t->dtype);
    return jp_is_number(t) || t->kind == JP_NONE || t->kind == JP_STR;
}

static jp_type *
type_builtin_call(ictx *c, jp_node *n, jp_builtin id)
{
    jp_type *at[64], *t;
    int unknown, nargs = n->u.call.nargs;
    const char *name = n->u.call.func->u.callee.name;

    if (nargs > 64)
        return jp_error_at(JpTypingError, c->ir, n, NULL, "too many arguments");
    if (id == B_PRINT) {
        for (int i = 0; i < nargs; i++) {
            jp_node *a = n->u.call.args[i];
            if (a->kind == E_STR)
                continue;
            if ((t = jp_ioperand(c, a)) == NULL)
                return NULL;
            t = jp_infer_optional_keep(c, a, t);      /* print(x) of an Optional prints None */
            if (!UNKNOWN(t) && !printable(t))
                return jp_error_at(JpTypingError, c->ir, a, NULL,
                                   "print() of a %s is not supported", t->name);
        }
        if (n->u.call.nkw)
            return jp_error_at(JpTypingError, c->ir, n, NULL,
                               "print() keyword arguments are not supported in jit code");
        return jp_type_none();
    }
    if (jp_is_str_builtin(id))
        return jp_infer_str_builtin(c, n, id);     /* lib_str.c */
    if (id == B_DICT || id == B_HASH)
        return jp_infer_dict_builtin(c, n, id);    /* lib_dict.c */
    if (id == B_SET)
        return jp_infer_set_builtin(c, n);         /* lib_set.c */
    if (id >= B_LIST)
        return jp_infer_iter_builtin(c, n, id);    /* lib_iter.c */
    if ((id == B_MIN || id == B_MAX) && nargs == 1 && (n->u.call.nkw == 0 || jp_lib_keyword(n, "key"))) {
        jp_node *a0 = n->u.call.args[0];
        if (jp_is_iter_call(a0) || n->u.call.nkw)     /* min(it, key=f): lib_iter.c */
            return jp_infer_iter_builtin(c, n, id);
        if ((t = jp_ioperand(c, a0)) == NULL)
            return NULL;
        if (t->kind == JP_LIST || t->kind == JP_RANGE || t->kind == JP_ARRAY || t->kind == JP_GENERATOR
            || t->kind == JP_DICT || t->kind == JP_SET)
            return jp_infer_iter_builtin(c, n, id);
    }
    if (type_args(c, n, at, &unknown) == NULL)
        return NULL;
    if ((id == B_INT || id == B_FLOAT) && nargs >= 1 && at[0]->kind == JP_STR)
        return jp_infer_str_builtin(c, n, id);     /* int(s), float(s) */

    switch (id) {
    case B_ABS:
        if (!call_arity(c, n, name, 1, 1))
            return NULL;
        if (unknown)
            return jp_type_unknown();
        if (!need_number(c, n->u.call.args[0], at[0], name, 1))
            return NULL;
        if (at[0]->kind == JP_COMPLEX)
            return jp_type_float(at[0]->bits / 2);
        return at[0]->kind == JP_FLOAT ? at[0] : jp_type_int(64, 1);
    case B_MIN: case B_MAX:
        if (n->u.call.nkw)
            return jp_error_at(JpTypingError, c->ir, n, NULL,
                               "%s() keyword arguments are not supported in jit code", name);
        if (nargs == 0)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "%s() expects at least one argument", name);
        if (unknown)
            return jp_type_unknown();
        if (nargs == 1) {
            if (at[0]->kind != JP_TUPLE || at[0]->n == 0)
                return jp_error_at(JpTypingError, c->ir, n, NULL,
                                   "%s() of one argument needs a non-empty tuple, not %s", name, at[0]->name);
            t = at[0]->elems[0];
            for (int i = 1; i < at[0]->n; i++)
                if ((t = jp_type_unify(t, at[0]->elems[i])) == NULL)
                    break;
        } else {
            t = at[0];
            for (int i = 1; i < nargs && t; i++)
                t = jp_type_unify(t, at[i]);
        }
        if (t == NULL || (!jp_is_number(t) && t->kind != JP_STR) || t->kind == JP_COMPLEX)
            return jp_error_at(JpTypingError, c->ir, n, NULL,
                               "%s() needs real numbers (or strings) of compatible types", name);
        return t;
    case B_INT: case B_FLOAT: case B_BOOL:
        if (!call_arity(c, n, name, 0, 1))
            return NULL;
        if (unknown)
            return jp_type_unknown();
        if (nargs == 1 && !(id == B_BOOL ? truthy_ok(at[0]) : jp_is_number(at[0]) && at[0]->kind != JP_COMPLEX))
            return jp_error_at(JpTypingError, c->ir, n, NULL,
                               "%s() of a %s is not supported in jit code", name, at[0]->name);
        return id == B_INT ? jp_type_int(64, 1) : id == B_FLOAT ? jp_type_float(64) : jp_type_bool();
    case B_COMPLEX:
        if (!call_arity(c, n, name, 0, 2))
            return NULL;
        if (unknown)
            return jp_type_unknown();
        for (int i = 0; i < nargs; i++)
            if (!need_number(c, n->u.call.args[i], at[i], name, 1))
                return NULL;
        return jp_type_complex(128);
    case B_ROUND:
        if (!call_arity(c, n, name, 1, 2))
            return NULL;
        if (unknown)
            return jp_type_unknown();
        if (!need_number(c, n->u.call.args[0], at[0], name, 0))
            return NULL;
        if (nargs == 2 && !is_intlike(at[1]))
            return jp_error_at(JpTypingError, c->ir, n->u.call.args[1], NULL,
                               "round() ndigits must be an integer, not %s", at[1]->name);
        if (nargs == 1 || is_intlike(at[0]))
            return jp_type_int(64, 1);
        return at[0];
    case B_POW:
        if (!call_arity(c, n, name, 2, 3))
            return NULL;
        if (unknown)
            return jp_type_unknown();
        if (nargs == 3) {
            for (int i = 0; i < 3; i++)
                if (!is_intlike(at[i]))
                    return jp_error_at(JpTypingError, c->ir, n, NULL,
                                       "pow() with 3 arguments needs integers");
            return jp_type_int(64, 1);
        }
        if ((t = jp_binop_type(OP_POW, at[0], at[1], n->u.call.args[1])) == NULL)
            return bad_operands(c, n, "pow()", at[0], at[1]);
        return t;
    case B_DIVMOD:
        if (!call_arity(c, n, name, 2, 2))
            return NULL;
        if (unknown)
            return jp_type_unknown();
        if ((t = jp_binop_type(OP_FLOORDIV, at[0], at[1], NULL)) == NULL)
            return bad_operands(c, n, "divmod()", at[0], at[1]);
        {
            jp_type *pair[2] = {t, t};
            return jp_type_tuple(2, pair);
        }
    case B_LEN:
        if (!call_arity(c, n, name, 1, 1))
            return NULL;
        if (unknown)
            return jp_type_unknown();
        if (at[0]->kind == JP_ARRAY) {
            if (at[0]->ndim == 0)
                return jp_error_at(JpTypingError, c->ir, n, NULL, "len() of a 0-d array");
            return jp_type_int(64, 1);
        }
        if (at[0]->kind != JP_TUPLE && at[0]->kind != JP_LIST && at[0]->kind != JP_STR && at[0]->kind != JP_DICT
            && at[0]->kind != JP_SET)
            return jp_error_at(JpTypingError, c->ir, n, NULL,
                               "len() of a %s is not supported", at[0]->name);
        return jp_type_int(64, 1);
    case B_RANGE:
    case B_PRANGE:
        if (!call_arity(c, n, name, 1, 3))
            return NULL;
        if (unknown)
            return jp_type_unknown();
        for (int i = 0; i < nargs; i++)
            if (!is_intlike(at[i]))
                return jp_error_at(JpTypingError, c->ir, n->u.call.args[i], NULL,
                                   "range() arguments must be integers, not %s", at[i]->name);
        return jp_type_range();
    default:
        return jp_error_at(JpTypingError, c->ir, n, NULL, "%s() is not supported", name);
    }
}

static jp_type *
type_math_call(ictx *c, jp_node *n)
{
    const jp_math_fn *fn = jp_math_get(n->u.call.func->u.callee.id);
    int is_cmath = n->u.call.func->u.callee.kind == CALLEE_CMATH;
    jp_type *at[4];
    int unknown;
    char qual[64];

    snprintf(qual, sizeof qual, "%s.%s", fn->module, fn->name);
    if (!call_arity(c, n, qual, fn->min_args, fn->max_args))
        return NULL;
    if (type_args(c, n, at, &unknown) == NULL)
        return NULL;
    if (unknown)
        return jp_type_unknown();
    for (int i = 0; i < n->u.call.nargs; i++)
        if (!need_number(c, n->u.call.args[i], at[i], qual, is_cmath))
            return NULL;
    switch (fn->result) {
    case MR_INT: return jp_type_int(64, 1);
    case MR_BOOL: return jp_type_bool();
    case MR_COMPLEX: return jp_type_complex(128);
    case MR_FLOAT_PAIR: {
        jp_type *pair[2] = {jp_type_float(64), jp_type_float(64)};
        return jp_type_tuple(2, pair);
    }
    default: {
        /* float32 arguments give a float32 result, as in Numba (math.sqrt
         * of a float32 stays float32 instead of promoting the expression) */
        int all_f32 = !is_cmath && n->u.call.nargs > 0;
        for (int i = 0; i < n->u.call.nargs; i++)
            all_f32 &= at[i]->kind == JP_FLOAT && at[i]->bits == 32;
        return all_f32 ? jp_type_float(32) : jp_type_float(64);
    }
    }
}

/* Bind a call's arguments to the callee's parameters (positional, keyword,
 * defaults) and type them in parameter order. */
static int
bind_call(ictx *c, jp_node *n, jp_func_ir *callee, jp_type **types, int *unknown, jp_type *self_t)
{
    int np = callee->nparams, skip = self_t ? 1 : 0, nfixed = np - callee->vararg;
    jp_arg_source *src = c->inst->bindings[n->id];
    jp_arg_source pos[64];     /* the positional arguments, f(*t) spread (lib_func.c) */
    jp_type *pos_t[64];
    int npos = jp_bind_positions(c, n, pos, pos_t, 64);

    if (npos < 0)
        return npos == -2 ? (*unknown = 1, 0) : -1;
    if (npos + skip > nfixed && !callee->vararg) {
        jp_error_at(JpTypingError, c->ir, n, NULL, "%s() takes %d argument%s but %d were given",
                    callee->name, np - skip, np - skip == 1 ? "" : "s", npos);
        return -1;
    }
    if (src == NULL) {
        src = jp_arena_alloc(c->ir->arena, (size_t)(np ? np : 1) * sizeof *src);
        if (src == NULL)
            return -1;
        c->inst->bindings[n->id] = src;
    }
    for (int i = 0; i < np; i++)
        src[i].kind = -1;
    if (skip)
        src[0] = (jp_arg_source){3, 0, 0};     /* the instance, for methods */
    for (int i = 0; i < npos && i + skip < nfixed; i++)
        src[i + skip] = pos[i];
    if (callee->vararg)         /* the extra positions, as one tuple */
        src[np - 1] = (jp_arg_source){4, nfixed - skip, npos + skip > nfixed ? npos + skip - nfixed : 0};
    for (int k = 0; k < n->u.call.nkw; k++) {
        int found = -1;
        for (int i = 0; i < nfixed; i++)
            if (strcmp(callee->local_names[i], n->u.call.kwnames[k]) == 0)
                found = i;
        if (found < 0) {
            jp_error_at(JpTypingError, c->ir, n->u.call.kwvalues[k], NULL,
                        "%s() got an unexpected keyword argument '%s'", callee->name,
                        n->u.call.kwnames[k]);
            return -1;
        }
        if (src[found].kind >= 0) {
            jp_error_at(JpTypingError, c->ir, n->u.call.kwvalues[k], NULL,
                        "%s() got multiple values for argument '%s'", callee->name,
                        n->u.call.kwnames[k]);
            return -1;
        }
        src[found] = (jp_arg_source){1, k, 0};
    }
    *unknown = 0;
    if (skip)
        types[0] = self_t;
    for (int i = skip; i < np; i++) {
        if (src[i].kind == 4 || src[i].kind == 5) {
            if (src[i].kind == 5) {
                types[i] = pos_t[i - skip];
            } else {
                for (int k = 0; k < src[i].elem; k++)
                    if (UNKNOWN(pos_t[src[i].index + k]))
                        *unknown = 1;
                if (*unknown)
                    continue;
                if ((types[i] = jp_type_tuple(src[i].elem, pos_t + src[i].index)) == NULL)
                    return -1;
            }
            continue;
        }
        if (src[i].kind < 0) {
            if (callee->defaults[i] == NULL) {
                jp_error_at(JpTypingError, c->ir, n, NULL,
                            "%s() missing required argument '%s'", callee->name,
                            callee->local_names[i]);
                return -1;
            }
            src[i] = (jp_arg_source){2, i, 0};
            types[i] = jp_typeof(callee->defaults[i]);
            if (types[i] == NULL) {
                jp_error_at(JpTypingError, c->ir, n, NULL,
                            "the default value of %s() argument '%s' has a type jit code cannot use",
                            callee->name, callee->local_names[i]);
                return -1;
            }
            continue;
        }
        {
            jp_node *an = src[i].kind == 0 ? n->u.call.args[src[i].index] : n->u.call.kwvalues[src[i].index];
            types[i] = jp_infer_optional_keep(c, an, jp_ioperand(c, an));     /* the callee takes the Optional */
        }
        if (types[i] == NULL)
            return -1;
        if (UNKNOWN(types[i]))
            *unknown = 1;
    }
    return 0;
}

static jp_type *
type_dispatcher_call_self(ictx *c, jp_node *n, PyObject *disp, jp_type *self_t)
{
    jp_func_ir *callee = jp_dispatcher_ir(disp);
    jp_type *types[64];
    jp_instance *target;
    int unknown;

    if (callee == NULL)
        return NULL;
    if (callee->nparams > 64)
        return jp_error_at(JpTypingError, c->ir, n, NULL, "too many parameters");
    if (bind_call(c, n, callee, types, &unknown, self_t) < 0)
        return NULL;
    if (unknown)
        return jp_type_unknown();
    if (jp_dispatcher_can_compile(disp)) {
        target = jp_session_instance(c->session, disp, callee->nparams, types);
        if (target == NULL)
            return NULL;
    } else {
        target = jp_dispatcher_convertible(disp, callee->nparams, types);
        if (target == NULL) {
            char buf[512];
            int off = 0;
            for (int i = 0; i < callee->nparams; i++)
                off += snprintf(buf + off, sizeof buf - (size_t)off, "%s%s", i ? ", " : "",
                                types[i]->name);
            return jp_error_at(JpTypingError, c->ir, n,
                               "add this signature to its @jit(...) list, or remove the explicit signatures",
                               "%s() has no compiled signature that accepts (%s)", callee->name, buf);
        }
    }
    c->inst->callees[n->id] = target;
    return target->ret;
}

/* A C function through ctypes/CFFI: numbers convert to the C parameter
 * types; a `T *` parameter takes an array of T (its data pointer). */
static jp_type *
type_cfunc_call(ictx *c, jp_node *n)
{
    PyObject *desc = n->u.call.func->u.callee.obj, *args = PyTuple_GET_ITEM(desc, 2);
    const char *fname = n->u.call.func->u.callee.name;
    jp_type *ret;
    if (n->u.call.nkw)
        return jp_error_at(JpTypingError, c->ir, n, NULL, "C function %s() takes positional arguments", fname);
    if (n->u.call.nargs != PyTuple_GET_SIZE(args))
        return jp_error_at(JpTypingError, c->ir, n, NULL, "C function %s() takes %zd arguments (%d given)",
                           fname, PyTuple_GET_SIZE(args), n->u.call.nargs);
    for (int i = 0; i < n->u.call.nargs; i++) {
        const char *want = PyUnicode_AsUTF8(PyTuple_GET_ITEM(args, i));
        jp_type *at = jp_ioperand(c, n->u.call.args[i]);
        if (at == NULL || UNKNOWN(at))
            return at;
        if (strncmp(want, "ptr:", 4) == 0) {
            jp_type *pointee = jp_parse_type(want + 4);
            if (pointee == NULL)
                return NULL;
            if (at->kind != JP_ARRAY || at->dtype != pointee)
                return jp_error_at(JpTypingError, c->ir, n->u.call.args[i], "pass an array with that dtype",
                                   "argument %d of C function %s() is a %s *, not %s", i + 1, fname,
                                   pointee->name, at->name);
        } else {
            jp_type *pt = jp_parse_type(want);
            if (pt == NULL)
                return NULL;
            if (!jp_is_number(at) || (at->kind == JP_FLOAT && pt->kind == JP_INT) || at->kind == JP_COMPLEX)
                return jp_error_at(JpTypingError, c->ir, n->u.call.args[i], NULL,
                                   "argument %d of C function %s() is %s, not %s", i + 1, fname,
                                   pt->name, at->name);
        }
    }
    ret = jp_parse_type(PyUnicode_AsUTF8(PyTuple_GET_ITEM(desc, 1)));
    return ret;
}

static jp_type *
type_dispatcher_call(ictx *c, jp_node *n, PyObject *disp)
{
    return type_dispatcher_call_self(c, n, disp, NULL);
}

/* ---- @jitclass -------------------------------------------------------------------- */

static PyObject *
class_attr(jp_type *t, const char *what)
{
    return PyObject_GetAttrString(t->pyclass, what);
}

/* A method (or property getter, or __init__) of a jitclass, as the
 * dispatcher that compiles it, or NULL (no error) when there is none. */
static PyObject *
class_member(jp_type *t, const char *table, const char *name)
{
    PyObject *d = class_attr(t, table), *m;
    if (d == NULL) {
        PyErr_Clear();
        return NULL;
    }
    m = PyDict_GetItemString(d, name);
    Py_XINCREF(m);
    Py_DECREF(d);
    return m;
}

static int
class_field(jp_type *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->field_names[i], name) == 0)
            return i;
    return -1;
}

static const char *
class_name(jp_type *t)
{
    return t->name + strlen("instance.jitclass.");
}

/* Cls(args): allocate, run __init__(self, args), give the instance. */
static jp_type *
type_class_call(ictx *c, jp_node *n)
{
    PyObject *cls = n->u.call.func->u.callee.obj, *tobj = PyObject_GetAttrString(cls, "_jp_type"), *init;
    jp_type *t, *r;
    if (tobj == NULL)
        return NULL;
    t = jp_type_from_py(tobj);
    Py_DECREF(tobj);
    if (t == NULL)
        return NULL;
    init = class_member(t, "_jp_methods", "__init__");
    if (init == NULL) {
        if (n->u.call.nargs || n->u.call.nkw)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "%s() takes no arguments (it has no __init__)",
                               class_name(t));
        return t;
    }
    r = type_dispatcher_call_self(c, n, init, t);
    Py_DECREF(init);
    if (r == NULL || UNKNOWN(r))
        return r;
    if (r->kind != JP_NONE)
        return jp_error_at(JpTypingError, c->ir, n, NULL, "%s.__init__ must return None, not %s",
                           class_name(t), r->name);
    return t;
}

jp_type *
jp_infer_class_attr(ictx *c, jp_node *n, jp_type *t)
{
    int i = class_field(t, n->u.attr.name);
    PyObject *getter;
    jp_type *r;
    if (i >= 0)
        return t->elems[i];
    getter = class_member(t, "_jp_props", n->u.attr.name);
    if (getter == NULL)
        return jp_error_at(JpTypingError, c->ir, n, "declare it in the jitclass spec",
                           "%s has no field or property '%s'", class_name(t), n->u.attr.name);
    /* a property: its getter, called with the instance alone */
    {
        jp_func_ir *gir = jp_dispatcher_ir(getter);
        jp_instance *target;
        jp_arg_source *src;
        if (gir == NULL || gir->nparams != 1) {
            Py_DECREF(getter);
            return gir ? jp_error_at(JpTypingError, c->ir, n, NULL, "property '%s' of %s must take only self",
                                     n->u.attr.name, class_name(t)) : NULL;
        }
        target = jp_session_instance(c->session, getter, 1, &t);
        Py_DECREF(getter);
        if (target == NULL)
            return NULL;
        src = c->inst->bindings[n->id];
        if (src == NULL) {
            src = jp_arena_alloc(c->ir->arena, sizeof *src);
            if (src == NULL)
                return NULL;
            c->inst->bindings[n->id] = src;
        }
        src[0] = (jp_arg_source){3, 0, 0};
        c->inst->callees[n->id] = target;
        r = target->ret;
    }
    return r;
}

static jp_type *
type_class_method(ictx *c, jp_node *n, jp_type *t)
{
    jp_node *attr = n->u.call.func;
    PyObject *m = class_member(t, "_jp_methods", attr->u.attr.name);
    jp_type *r;
    if (m == NULL) {
        if (class_field(t, attr->u.attr.name) >= 0)
            return jp_error_at(JpTypingError, c->ir, attr, NULL, "field '%s' of %s is not callable",
                               attr->u.attr.name, class_name(t));
        return jp_error_at(JpTypingError, c->ir, attr, NULL, "%s has no method '%s'", class_name(t),
                           attr->u.attr.name);
    }
    jp_irecord(c, attr, t);
    r = type_dispatcher_call_self(c, n, m, t);
    Py_DECREF(m);
    return r;
}

/* @generated_jit / @overload: ask the template for the implementation of
 * these argument types, then call it like any jitted function. */
static jp_type *
type_generated_call(ictx *c, jp_node *n)
{
    PyObject *template = n->u.call.func->u.callee.obj, *args, *disp, *kw = NULL;
    jp_type *t;
    /* a @stencil takes out= (its loop function has a parameter `out`): its
     * keywords follow the positional arguments; an @overload binds keywords
     * to the generator's own parameters (extending.py) */
    int is_stencil = PyObject_HasAttrString(template, "_resolve_in_jit");
    int nall = n->u.call.nargs + n->u.call.nkw;
    args = PyTuple_New(is_stencil ? nall : n->u.call.nargs);
    if (args == NULL || (!is_stencil && n->u.call.nkw && (kw = PyDict_New()) == NULL)) {
        Py_XDECREF(args);
        return NULL;
    }
    for (int i = 0; i < nall; i++) {
        jp_node *an = i < n->u.call.nargs ? n->u.call.args[i] : n->u.call.kwvalues[i - n->u.call.nargs];
        jp_type *at = jp_ioperand(c, an);
        PyObject *o;
        if (at == NULL || UNKNOWN(at) || (o = jp_type_to_py(at)) == NULL) {
            Py_DECREF(args);
            Py_XDECREF(kw);
            return at && UNKNOWN(at) ? at : NULL;
        }
        if (i < n->u.call.nargs || is_stencil)
            PyTuple_SET_ITEM(args, i, o);
        else {
            int bad = PyDict_SetItemString(kw, n->u.call.kwnames[i - n->u.call.nargs], o);
            Py_DECREF(o);
            if (bad < 0) {
                Py_DECREF(args);
                Py_DECREF(kw);
                return NULL;
            }
        }
    }
    if (is_stencil)
        /* a @stencil: its loop runs in parallel where the caller is parallel=True */
        disp = PyObject_CallMethod(template, "_resolve_in_jit", "Oi", args,
                                   jp_dispatcher_options(c->inst->dispatcher)->parallel);
    else if (kw) {
        disp = PyObject_CallMethod(template, "_resolve_kw", "OO", args, kw);
        Py_DECREF(kw);
    } else
        disp = PyObject_CallMethod(template, "_resolve", "O", args) ;
    if (disp == NULL && !kw && PyErr_ExceptionMatches(PyExc_TypeError)) {
        /* _resolve takes *argtypes */
        PyErr_Clear();
        disp = PyObject_CallObject(PyObject_GetAttrString(template, "_resolve"), args);
    }
    Py_DECREF(args);
    if (disp == NULL) {
        PyObject *exc = jp_take_exception(), *s = exc ? PyObject_Str(exc) : NULL;
        if (exc && PyObject_IsInstance(exc, JpCompileError) == 1) {
            PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);     /* the implementation's own error */
            Py_XDECREF(s);
            Py_DECREF(exc);
            return NULL;
        }
        jp_error_at(JpTypingError, c->ir, n, NULL, "%s() rejected these argument types: %s",
                    n->u.call.func->u.callee.name, s ? PyUnicode_AsUTF8(s) : "?");
        Py_XDECREF(s);
        Py_XDECREF(exc);
        return NULL;
    }
    if (!jp_is_dispatcher(disp)) {
        Py_DECREF(disp);
        return jp_error_at(JpTypingError, c->ir, n, NULL, "%s() did not resolve to a jitted function",
                           n->u.call.func->u.callee.name);
    }
    t = type_dispatcher_call(c, n, disp);
    Py_DECREF(disp);        /* the template keeps it */
    return t;
}

jp_type *
jp_infer_generated_call(ictx *c, jp_node *n)
{
    return type_generated_call(c, n);
}

static jp_type *
type_method_call(ictx *c, jp_node *n)
{
    jp_node *attr = n->u.call.func;
    jp_type *recv = jp_ioperand(c, attr->u.attr.value);
    if (recv == NULL)
        return NULL;
    if (UNKNOWN(recv))
        return recv;
    if (recv->kind == JP_ARRAY) {
        int handled;
        jp_type *r = jp_infer_np_method_overload(c, n, &handled);     /* infer_np_method.c */
        return handled ? r : jp_infer_method(c, n, recv);
    }
    if (recv->kind == JP_CLASS)
        return type_class_method(c, n, recv);
    if (recv->kind == JP_LIST)
        return jp_infer_list_method(c, n, recv);      /* lib_list.c */
    if (recv->kind == JP_STR)
        return jp_infer_str_method(c, n, recv);       /* lib_str.c */
    if (recv->kind == JP_DICT)
        return jp_infer_dict_method(c, n, recv);      /* lib_dict.c */
    if (recv->kind == JP_SET)
        return jp_infer_set_method(c, n, recv);       /* lib_set.c */
    if (strcmp(attr->u.attr.name, "conjugate") == 0 && jp_is_number(recv)) {
        if (!call_arity(c, n, "conjugate", 0, 0))
            return NULL;
        jp_irecord(c, attr, recv);
        return recv->kind == JP_BOOL ? jp_type_int(64, 1) : recv;
    }
    return jp_error_at(JpTypingError, c->ir, attr, NULL,
                       "%s has no method '%s' in jit code", recv->name, attr->u.attr.name);
}

static jp_type *
type_call(ictx *c, jp_node *n)
{
    jp_node *f = n->u.call.func;
    if (f->kind == E_ATTR)
        return type_method_call(c, n);
    if (f->kind != E_CALLEE) {
        jp_type *t = jp_itype_expr(c, f);
        if (t == NULL)
            return NULL;
        if (UNKNOWN(t))
            return t;
        if (t->kind == JP_FUNCTION && t->dispatcher == NULL)   /* freed since (compile_service.c) */
            return jp_error_at(JpTypingError, c->ir, f, NULL,
                               "the jitted function of type %s no longer exists", t->name);
        if (t->kind == JP_FUNCTION)     /* a jitted function passed as an argument */
            return type_dispatcher_call(c, n, t->dispatcher);
        if (t->kind == JP_DTYPE && jp_is_number(t->dtype) && n->u.call.nargs == 1 && n->u.call.nkw == 0) {
            /* np.float32(x): a conversion to that scalar type, as Numba */
            jp_type *at = jp_ioperand(c, n->u.call.args[0]);
            if (at == NULL || UNKNOWN(at))
                return at;
            if (jp_is_number(at))
                return t->dtype;
        }
        return jp_error_at(JpTypingError, c->ir, f, NULL, "a %s is not callable in jit code",
                           t->name);
    }
    switch (f->u.callee.kind) {
    case CALLEE_BUILTIN:
        return type_builtin_call(c, n, (jp_builtin)f->u.callee.id);
    case CALLEE_MATH:
    case CALLEE_CMATH:
        return type_math_call(c, n);
    case CALLEE_DISPATCHER:
        return type_dispatcher_call(c, n, f->u.callee.obj);
    case CALLEE_NUMPY:
        return jp_infer_numpy_call(c, n);
    case CALLEE_GENERATED:
        return type_generated_call(c, n);
    case CALLEE_CFUNC:
        return type_cfunc_call(c, n);
    case CALLEE_CLASS:
        return type_class_call(c, n);
    case CALLEE_INTRINSIC:
        return jp_infer_intrinsic(c, n, 1);       /* target.c */
    case CALLEE_LIB:
        return jp_infer_lib_call(c, n);
    case CALLEE_MODULE:
        return jp_infer_module_call(c, n);
    case CALLEE_EXCEPTION:
    default:
        return jp_error_at(JpTypingError, c->ir, n, "use it in a raise statement",
                           "exception '%s' can only be raised in jit code", f->u.callee.name);
    }
}

/* ---- expressions ----------------------------------------------------------- */

static jp_type *
type_subscript(ictx *c, jp_node *n)
{
    jp_type *v = jp_ioperand(c, n->u.subscript.value), *i;
    long long k;
    if (v == NULL)
        return NULL;
    if (v->kind == JP_RECORD_REF && n->u.subscript.index->kind == E_STR)
        return jp_infer_subscript(c, n, v);
    if ((i = jp_ioperand(c, n->u.subscript.index)) == NULL)
        return NULL;
    if (UNKNOWN(v) || UNKNOWN(i))
        return jp_type_unknown();
    if (v->kind == JP_ARRAY || v->kind == JP_RECORD_REF)
        return jp_infer_subscript(c, n, v);
    if (v->kind == JP_LIST)
        return jp_infer_list_subscript(c, n, v);
    if (v->kind == JP_STR)
        return jp_infer_str_subscript(c, n, v);
    if (v->kind == JP_DICT)
        return jp_infer_dict_subscript(c, n, v);     /* lib_dict.c */
    if (v->kind != JP_TUPLE)
        return jp_error_at(JpTypingError, c->ir, n, NULL, "a %s cannot be indexed in jit code", v->name);
    if (n->u.subscript.index->kind == E_SLICE)
        return jp_infer_tuple_slice(c, n, v);
    if (!is_intlike(i))
        return jp_error_at(JpTypingError, c->ir, n->u.subscript.index, NULL,
                           "tuple indices must be integers, not %s", i->name);
    if (const_int(n->u.subscript.index, &k)) {
        if (k < 0)
            k += v->n;
        if (k < 0 || k >= v->n)
            return jp_error_at(JpTypingError, c->ir, n, NULL,
                               "tuple index out of range (the tuple has %d elements)", v->n);
        return v->elems[k];
    }
    for (int e = 1; e < v->n; e++)
        if (v->elems[e] != v->elems[0])
            return jp_error_at(JpTypingError, c->ir, n->u.subscript.index,
                               "index a heterogeneous tuple with a constant",
                               "a %s can only be indexed by a constant", v->name);
    if (v->n == 0)
        return jp_error_at(JpTypingError, c->ir, n, NULL, "index into an empty tuple");
    return v->elems[0];
}

static jp_type *
type_expr_inner(ictx *c, jp_node *n)
{
    jp_type *a, *b, *t;

    switch (n->kind) {
    case E_CONST:
        return n->u.cnst.type;
    case E_STR:
        return jp_infer_str_const(c, n);       /* lib_str.c */
    case E_LOCAL:
        return c->inst->var_types[n->u.local.index];
    case E_MODULE:
        return jp_error_at(JpTypingError, c->ir, n, NULL, "a module cannot be used as a value");
    case E_CALLEE:
        if (n->u.callee.kind == CALLEE_INTRINSIC)
            return jp_infer_intrinsic(c, n, 0);   /* target.c */
        if (n->u.callee.kind == CALLEE_DISPATCHER)      /* a jitted function as a value (lib_func.c) */
            return jp_infer_function_value(c, n);
        return jp_error_at(JpTypingError, c->ir, n, "call it instead",
                           "'%s' cannot be used as a value in jit code", n->u.callee.name);
    case E_BINOP:
        if ((a = jp_ioperand(c, n->u.binop.left)) == NULL || (b = jp_ioperand(c, n->u.binop.right)) == NULL)
            return NULL;
        if (UNKNOWN(a) || UNKNOWN(b))
            return jp_type_unknown();
        if (jp_is_array(a) || jp_is_array(b))
            return jp_infer_array_binop(c, n, n->u.binop.op, a, b);
        if (a->kind == JP_SET || b->kind == JP_SET)
            return jp_infer_set_binop(c, n, n->u.binop.op, a, b);      /* lib_set.c */
        if (a->kind == JP_LIST || b->kind == JP_LIST)
            return jp_infer_list_binop(c, n, n->u.binop.op, a, b);
        if (a->kind == JP_STR || b->kind == JP_STR)
            return jp_infer_str_binop(c, n, n->u.binop.op, a, b);      /* lib_str.c */
        if ((t = jp_binop_type(n->u.binop.op, a, b, n->u.binop.right)) == NULL) {
            if (n->u.binop.op == OP_MATMUL)
                return jp_error_at(JpTypingError, c->ir, n, NULL,
                                   "the @ operator needs arrays (NumPy support comes later)");
            return bad_operands(c, n, binop_symbol(n->u.binop.op), a, b);
        }
        return t;
    case E_UNARY:
        if ((a = jp_ioperand(c, n->u.unary.operand)) == NULL)
            return NULL;
        if (UNKNOWN(a))
            return a;
        if (jp_is_array(a))
            return jp_infer_array_unary(c, n, n->u.unary.op, a);
        switch (n->u.unary.op) {
        case UOP_NOT:       /* not x: None is false, as in Python */
            return check_truthy(c, n, jp_infer_optional_keep(c, n->u.unary.operand, a)) ? jp_type_bool() : NULL;
        case UOP_INVERT:
            if (!is_intlike(a))
                return bad_operands(c, n, "~", a, NULL);
            return jp_type_int(64, 1);
        default:
            if (!jp_is_number(a))
                return bad_operands(c, n, n->u.unary.op == UOP_NEG ? "unary -" : "unary +", a, NULL);
            return a->kind == JP_BOOL || a->kind == JP_INT ? jp_type_int(64, a->kind == JP_INT ? a->is_signed : 1) : a;
        }
    case E_COMPARE: {
        int unknown = 0;
        jp_type *prev = jp_ioperand(c, n->u.compare.operands[0]);
        if (prev == NULL)
            return NULL;
        unknown = UNKNOWN(prev);
        for (int i = 0; i < n->u.compare.n; i++) {
            jp_type *next = jp_ioperand(c, n->u.compare.operands[i + 1]);
            if (next == NULL)
                return NULL;
            if (!unknown && !UNKNOWN(next) && jp_infer_optional_none_test(n->u.compare.ops[i], prev, next)) {
                /* x is None, x == None: on the Optional itself */
                prev = jp_infer_optional_keep(c, n->u.compare.operands[i], prev);
                next = jp_infer_optional_keep(c, n->u.compare.operands[i + 1], next);
            }
            if (!unknown && !UNKNOWN(next) && (jp_is_array(prev) || jp_is_array(next))
                && n->u.compare.ops[i] != CMP_IS && n->u.compare.ops[i] != CMP_ISNOT) {
                if (n->u.compare.n > 1)
                    return jp_error_at(JpTypingError, c->ir, n, "compare arrays one pair at a time",
                                       "chained comparisons of arrays are not supported");
                return jp_infer_array_compare(c, n, prev, next);
            }
            if (!unknown && !UNKNOWN(next) && !comparable(n->u.compare.ops[i], prev, next))
                return jp_error_at(JpTypingError, c->ir, n, NULL,
                                   "cannot compare %s and %s with this operator", prev->name, next->name);
            unknown |= UNKNOWN(next);
            prev = next;
        }
        return unknown ? jp_type_unknown() : jp_type_bool();
    }
    case E_BOOLOP:
        t = jp_type_unknown();
        for (int i = 0; i < n->u.boolop.n; i++) {
            jp_type *v = jp_ioperand(c, n->u.boolop.values[i]);
            jp_type *u;
            if (v == NULL || !check_truthy(c, n->u.boolop.values[i], v))
                return NULL;
            if ((u = jp_type_unify(t, v)) == NULL)
                return jp_error_at(JpTypingError, c->ir, n,
                                   "'and'/'or' return one of their operands, so they need one type",
                                   "cannot unify %s and %s in '%s'", t->name, v->name,
                                   n->u.boolop.is_and ? "and" : "or");
            t = u;
        }
        return t;
    case E_IFEXP:
        if ((t = jp_ioperand(c, n->u.ifexp.test)) == NULL
            || !check_truthy(c, n->u.ifexp.test, jp_infer_optional_keep(c, n->u.ifexp.test, t)))
            return NULL;
        if ((a = jp_ioperand(c, n->u.ifexp.body)) == NULL || (b = jp_ioperand(c, n->u.ifexp.orelse)) == NULL)
            return NULL;
        a = jp_infer_optional_keep(c, n->u.ifexp.body, a);
        b = jp_infer_optional_keep(c, n->u.ifexp.orelse, b);
        if ((t = jp_type_unify(a, b)) == NULL)
            return jp_error_at(JpTypingError, c->ir, n, NULL,
                               "cannot unify %s and %s in a conditional expression", a->name, b->name);
        return t;
    case E_CALL:
        return type_call(c, n);
    case E_TUPLE: {
        jp_type *elems[64];
        int unknown = 0;
        if (n->u.tuple.n > 64)
            return jp_error_at(JpTypingError, c->ir, n, NULL, "tuples of more than 64 elements are not supported");
        for (int i = 0; i < n->u.tuple.n; i++) {
            if ((elems[i] = jp_ioperand(c, n->u.tuple.elts[i])) == NULL)
                return NULL;
            elems[i] = jp_infer_optional_keep(c, n->u.tuple.elts[i], elems[i]);
            if (elems[i]->kind == JP_RANGE)
                return jp_error_at(JpTypingError, c->ir, n->u.tuple.elts[i], NULL,
                                   "range objects can only be iterated over in a for loop");
            unknown |= UNKNOWN(elems[i]);
        }
        return unknown ? jp_type_unknown() : jp_type_tuple(n->u.tuple.n, elems);
    }
    case E_SUBSCRIPT:
        return type_subscript(c, n);
    case E_LIST:
        return jp_infer_list_literal(c, n);
    case E_DICT:
        return jp_infer_dict_literal(c, n);           /* lib_dict.c */
    case E_SET:
        return jp_infer_set_literal(c, n);            /* lib_set.c */
    case E_LISTCOMP:
        return jp_infer_listcomp(c, n);
    case E_SLICE: {
        jp_node *parts[3] = {n->u.slice.lower, n->u.slice.upper, n->u.slice.step};
        for (int i = 0; i < 3; i++) {
            if (parts[i] == NULL)
                continue;
            if ((t = jp_ioperand(c, parts[i])) == NULL)
                return NULL;
            if (!UNKNOWN(t) && !is_intlike(t) && t->kind != JP_NONE)
                return jp_error_at(JpTypingError, c->ir, parts[i], NULL,
                                   "slice indices must be integers, not %s", t->name);
        }
        return jp_type_slice();
    }
    case E_ATTR:
        if ((a = jp_ioperand(c, n->u.attr.value)) == NULL)
            return NULL;
        if (UNKNOWN(a))
            return a;
        if (a->kind == JP_ARRAY || a->kind == JP_RECORD_REF)
            return jp_infer_attr(c, n, a);
        if (a->kind == JP_CLASS)
            return jp_infer_class_attr(c, n, a);
        if (jp_is_number(a) && (strcmp(n->u.attr.name, "real") == 0 || strcmp(n->u.attr.name, "imag") == 0)) {
            if (a->kind == JP_COMPLEX)
                return jp_type_float(a->bits / 2);
            return a->kind == JP_BOOL ? jp_type_int(64, 1) : a;
        }
        return jp_error_at(JpTypingError, c->ir, n, NULL, "%s has no attribute '%s' in jit code",
                           a->name, n->u.attr.name);
    case E_ARRAYCONST:
        return jp_infer_array_const(c, n);
    case E_STARRED:
        return jp_error_at(JpUnsupportedError, c->ir, n, "spread a tuple into a call of a jitted function, or index it",
                           "*args in this call is not supported in jit code");
    case E_YIELD:
        return jp_infer_yield(c, n);
    default:
        return jp_error_at(JpTypingError, c->ir, n, NULL, "internal error: statement in expression");
    }
}

jp_type *
jp_itype_expr(ictx *c, jp_node *n)
{
    return jp_irecord(c, n, type_expr_inner(c, n));
}

/* ---- statements ------------------------------------------------------------- */

static int
assign_local(ictx *c, jp_node *target, jp_type *t, jp_node *where)
{
    int idx = target->u.local.index;
    jp_type *old = c->inst->var_types[idx], *u;
    if (UNKNOWN(t))
        return 0;
    if (t->kind == JP_RANGE) {
        jp_error_at(JpTypingError, c->ir, where, NULL,
                    "range objects can only be iterated over in a for loop");
        return -1;
    }
    u = jp_type_unify(old, t);
    if (u == NULL) {
        char hint[256];
        snprintf(hint, sizeof hint,
                 "a variable keeps one type in jit code: use a new name for the %s value", t->name);
        jp_error_at(JpTypingError, c->ir, where, hint,
                    "cannot unify %s and %s for variable '%s'", old->name, t->name,
                    c->ir->local_names[idx]);
        return -1;
    }
    if (u != old) {
        c->inst->var_types[idx] = u;
        c->inst->changed = 1;
    }
    jp_irecord(c, target, u);
    return 0;
}

static int
assign_target(ictx *c, jp_node *target, jp_type *t, jp_node *where)
{
    if (target->kind == E_LOCAL)
        return assign_local(c, target, t, where);
    /* tuple unpacking */
    if (UNKNOWN(t))
        return 0;
    if (t->kind == JP_LIST && !UNKNOWN(t->dtype) && target->u.tuple.n <= 64) {
        /* a, b = lst: its length is checked at run time (lower_list.c) */
        jp_type *elems[64];
        for (int i = 0; i < target->u.tuple.n; i++)
            elems[i] = t->dtype;
        t = jp_type_tuple(target->u.tuple.n, elems);
        if (t == NULL)
            return -1;
    }
    if (t->kind != JP_TUPLE || t->n != target->u.tuple.n) {
        if (t->kind == JP_TUPLE)
            jp_error_at(JpTypingError, c->ir, where, NULL,
                        "cannot unpack %d values into %d names", t->n, target->u.tuple.n);
        else
            jp_error_at(JpTypingError, c->ir, where, NULL, "cannot unpack a %s", t->name);
        return -1;
    }
    jp_irecord(c, target, t);
    for (int i = 0; i < t->n; i++)
        if (assign_target(c, target->u.tuple.elts[i], t->elems[i], where) < 0)
            return -1;
    return 0;
}

static int
set_return(ictx *c, jp_node *where, jp_type *t)
{
    jp_type *u;
    if (UNKNOWN(t))
        return 0;
    u = jp_type_unify(c->inst->ret, t);
    if (u == NULL) {
        if (where == NULL)
            jp_error_at(JpTypingError, c->ir, c->ir->body.stmts[c->ir->body.n - 1],
                        "return a value on every path (a function that falls off its end returns None)",
                        "the function returns %s elsewhere but can reach its end and return None",
                        c->inst->ret->name);
        else if (t->kind == JP_NONE || c->inst->ret->kind == JP_NONE)
            jp_error_at(JpTypingError, c->ir, where,
                        "jit functions return one type: return a value on every path",
                        "cannot unify return types %s and %s (None is not a number)",
                        c->inst->ret->name, t->name);
        else
            jp_error_at(JpTypingError, c->ir, where,
                        "every return statement must give the same type (int64 and float64 unify to float64)",
                        "cannot unify return types %s and %s", c->inst->ret->name, t->name);
        return -1;
    }
    if (u != c->inst->ret) {
        c->inst->ret = u;
        c->inst->changed = 1;
    }
    return 0;
}

static int type_block(ictx *c, jp_block *b);
static int const_condition(ictx *c, jp_node *test);

/* A prange body runs in chunks on several threads: it cannot return or
 * break out of the loop. */
static int
prange_body_check(ictx *c, jp_block *b, int nested_loop)
{
    for (int i = 0; i < b->n; i++) {
        jp_node *s = b->stmts[i];
        if (s->kind == S_RETURN || (s->kind == S_BREAK && !nested_loop)) {
            jp_error_at(JpUnsupportedError, c->ir, s, "compute into a variable or an array instead",
                        "%s inside a prange loop is not supported", s->kind == S_RETURN ? "return" : "break");
            return -1;
        }
        if (s->kind == S_TRY) {
            jp_error_at(JpUnsupportedError, c->ir, s, "put the try statement around the prange loop",
                        "a try statement inside a prange loop is not supported");
            return -1;
        }
        if ((s->kind == S_IF && (prange_body_check(c, &s->u.cond.body, nested_loop) < 0
                                 || prange_body_check(c, &s->u.cond.orelse, nested_loop) < 0))
            || ((s->kind == S_WHILE || s->kind == S_FOR)
                && (prange_body_check(c, s->kind == S_WHILE ? &s->u.cond.body : &s->u.loop.body, 1) < 0)))
            return -1;
    }
    return 0;
}

static int
type_stmt(ictx *c, jp_node *s)
{
    jp_type *t;
    switch (s->kind) {
    case S_ASSIGN:
        if ((t = jp_ioperand(c, s->u.assign.value)) == NULL)
            return -1;
        t = jp_infer_optional_keep(c, s->u.assign.value, t);
        if (assign_target(c, s->u.assign.target, t, s) < 0)
            return -1;
        jp_infer_list_refine_literal(c, s);
        jp_infer_dict_refine_literal(c, s);
        jp_infer_set_refine_literal(c, s);
        return 0;
    case S_SETITEM:
        return jp_infer_setitem(c, s);
    case S_OBJMODE:
        return jp_infer_objmode(c, s, assign_local);
    case S_AUGASSIGN: {
        jp_type *a = jp_ioperand(c, s->u.augassign.target), *b;
        if (a == NULL || (b = jp_ioperand(c, s->u.augassign.value)) == NULL)
            return -1;
        if (UNKNOWN(a) || UNKNOWN(b))
            return 0;
        if (a->kind == JP_SET || b->kind == JP_SET)
            return jp_infer_set_augassign(c, s, a, b);          /* lib_set.c: s |= t in place */
        if (a->kind == JP_LIST && s->u.augassign.target->kind == E_LOCAL) {
            /* l += iterable extends l in place, as CPython */
            jp_type *et;
            if (s->u.augassign.op != OP_ADD) {
                jp_error_at(JpUnsupportedError, c->ir, s, "use l = l * n", "this in-place operator on a list is not supported");
                return -1;
            }
            if ((et = jp_iter_item(c, s->u.augassign.value)) == NULL)
                return -1;
            jp_irecord(c, s, a);
            if (!UNKNOWN(et) && !UNKNOWN(a->dtype) && !jp_type_can_convert(et, a->dtype)
                && !(et->kind == JP_INT && a->dtype->kind == JP_INT)) {
                jp_error_at(JpTypingError, c->ir, s, NULL, "cannot extend a %s with %s items", a->name, et->name);
                return -1;
            }
            return 0;
        }
        if (jp_is_array(a) || jp_is_array(b))
            t = jp_infer_array_binop(c, s, s->u.augassign.op, a, b);
        else if ((t = jp_binop_type(s->u.augassign.op, a, b, s->u.augassign.value)) == NULL) {
            bad_operands(c, s, binop_symbol(s->u.augassign.op), a, b);
            return -1;
        }
        if (t == NULL)
            return -1;
        jp_irecord(c, s, t);
        if (s->u.augassign.target->kind != E_LOCAL)
            return jp_infer_setitem(c, s);      /* a[i] += v: the store is a setitem */
        if (jp_is_array(a)) {
            /* a += b on an array updates it in place, as NumPy */
            if (a->readonly) {
                jp_error_at(JpTypingError, c->ir, s, NULL, "cannot write to a read-only array");
                return -1;
            }
            jp_irecord(c, s, a);
            return 0;
        }
        return assign_local(c, s->u.augassign.target, t, s);
    }
    case S_EXPR:
        return jp_ioperand(c, s->u.expr.value) ? 0 : -1;
    case S_DELITEM:
        return jp_infer_dict_delitem(c, s);           /* lib_dict.c */
    case S_RETURN:
        if (c->ir->is_generator)
            return jp_infer_generator_return(c, s);
        if (s->u.expr.value == NULL)
            return set_return(c, s, jp_type_none());
        if ((t = jp_ioperand(c, s->u.expr.value)) == NULL)
            return -1;
        t = jp_infer_optional_keep(c, s->u.expr.value, t);
        if (t->kind == JP_RANGE) {
            jp_error_at(JpTypingError, c->ir, s, NULL, "a range object cannot be returned");
            return -1;
        }
        if (t->kind == JP_FUNCTION) {
            jp_error_at(JpUnsupportedError, c->ir, s->u.expr.value,
                        "call the function in jit code and return its result, or return to Python and call it there",
                        "returning a function from jit code is not supported (as in Numba)");
            return -1;
        }
        return set_return(c, s, t);
    case S_IF:
    case S_WHILE:
        if ((t = jp_ioperand(c, s->u.cond.test)) == NULL
            || !check_truthy(c, s->u.cond.test, jp_infer_optional_keep(c, s->u.cond.test, t)))
            return -1;
        if (s->kind == S_IF) {
            int k = const_condition(c, s->u.cond.test);
            c->inst->branch[s->id] = (signed char)k;
            if (k == 1)
                return type_block(c, &s->u.cond.body);
            if (k == 2)
                return type_block(c, &s->u.cond.orelse);
        }
        if (type_block(c, &s->u.cond.body) < 0 || type_block(c, &s->u.cond.orelse) < 0)
            return -1;
        return 0;
    case S_FOR: {
        jp_node *it = s->u.loop.iter;
        if (it->kind == E_CALL && it->u.call.func->kind == E_CALLEE
            && it->u.call.func->u.callee.kind == CALLEE_BUILTIN && it->u.call.func->u.callee.id == B_PRANGE
            && jp_dispatcher_options(c->inst->dispatcher)->parallel && prange_body_check(c, &s->u.loop.body, 0) < 0)
            return -1;
        {
            int handled = 0;
            t = jp_infer_iterator(c, it, &handled);     /* infer_iter.c: a.flat, np.nd*, zip of arrays */
            if (handled && t == NULL)
                return -1;
            if (!handled && jp_is_iter_call(it)) {      /* zip / enumerate / reversed of sources (lib_iter.c) */
                jp_type *elem;
                if (jp_infer_iter_for(c, s, &elem) < 0)
                    return -1;
                if (!UNKNOWN(elem) && assign_target(c, s->u.loop.target, elem, s) < 0)
                    return -1;
                if (type_block(c, &s->u.loop.body) < 0 || type_block(c, &s->u.loop.orelse) < 0)
                    return -1;
                return 0;
            }
            if (!handled && (t = jp_ioperand(c, it)) == NULL)
                return -1;
        }
        if (!UNKNOWN(t)) {
            jp_type *elem;
            if (t->kind == JP_ITER || t->kind == JP_LIST || t->kind == JP_GENERATOR) {
                elem = t->dtype;
            } else if (t->kind == JP_STR) {
                elem = t;       /* one-character strings */
            } else if (t->kind == JP_DICT) {
                elem = t->key;      /* for k in d */
            } else if (t->kind == JP_SET) {
                elem = t->dtype;
            } else if (t->kind == JP_RANGE) {
                elem = jp_type_int(64, 1);
            } else if (t->kind == JP_TUPLE) {
                if (t->n == 0) {
                    elem = jp_type_int(64, 1);  /* the body never runs (*args of no items) */
                } else {
                    elem = t->elems[0];
                    for (int i = 1; i < t->n; i++)
                        if (t->elems[i] != elem) {
                            jp_error_at(JpTypingError, c->ir, it,
                                        "loop over range(len(t)) and index with constants instead",
                                        "cannot iterate over a heterogeneous %s", t->name);
                            return -1;
                        }
                }
            } else if (t->kind == JP_ARRAY) {
                if ((elem = jp_infer_iter_element(c, it, t)) == NULL)
                    return -1;
            } else {
                jp_error_at(JpTypingError, c->ir, it, NULL,
                            "cannot iterate over a %s in jit code", t->name);
                return -1;
            }
            if (assign_target(c, s->u.loop.target, elem, s) < 0)
                return -1;
        }
        if (type_block(c, &s->u.loop.body) < 0 || type_block(c, &s->u.loop.orelse) < 0)
            return -1;
        return 0;
    }
    case S_ASSERT:
        if ((t = jp_ioperand(c, s->u.assert_.test)) == NULL || !check_truthy(c, s->u.assert_.test, t))
            return -1;
        return 0;
    case S_TRY:
        for (int i = 0; i < jp_try_nblocks(s); i++)
            if (type_block(c, jp_try_block(s, i)) < 0)
                return -1;
        return 0;
    case S_RAISE:       /* raise E(message): a string computed at run time */
        if (s->u.raise.value == NULL)
            return 0;
        if ((t = jp_ioperand(c, s->u.raise.value)) == NULL)
            return -1;
        if (!UNKNOWN(t) && t->kind != JP_STR) {
            jp_error_at(JpUnsupportedError, c->ir, s->u.raise.value, "raise SomeError(f\"message with {value}\")",
                        "an exception argument of type %s is not supported in jit code", t->name);
            return -1;
        }
        return 0;
    default:
        return 0;
    }
}

int
jp_infer_stmt(ictx *c, jp_node *s)
{
    return type_stmt(c, s);
}

static int
type_block(ictx *c, jp_block *b)
{
    for (int i = 0; i < b->n; i++) {
        if (type_stmt(c, b->stmts[i]) < 0)
            return -1;
        if (jp_stmt_terminates(c->inst, b->stmts[i]))
            break;      /* the rest is unreachable: not typed, not lowered */
    }
    return 0;
}

/* ---- reachability ---------------------------------------------------------- */

static int block_terminates(jp_instance *inst, jp_block *b);

static int
contains_break(jp_block *b)
{
    for (int i = 0; i < b->n; i++) {
        jp_node *s = b->stmts[i];
        if (s->kind == S_BREAK)
            return 1;
        if (s->kind == S_IF && (contains_break(&s->u.cond.body) || contains_break(&s->u.cond.orelse)))
            return 1;
        for (int k = 0; s->kind == S_TRY && k < jp_try_nblocks(s); k++)
            if (contains_break(jp_try_block(s, k)))
                return 1;
    }
    return 0;
}

int
jp_stmt_terminates(jp_instance *inst, jp_node *s)
{
    switch (s->kind) {
    case S_RETURN:
    case S_RAISE:
        return 1;
    case S_IF:
        if (inst->branch[s->id] == 1)
            return block_terminates(inst, &s->u.cond.body);
        if (inst->branch[s->id] == 2)
            return block_terminates(inst, &s->u.cond.orelse);
        return block_terminates(inst, &s->u.cond.body) && block_terminates(inst, &s->u.cond.orelse);
    case S_TRY:
        /* the finally block ends every path; or the body (else its else
         * block) does, and so does every handler */
        if (block_terminates(inst, &s->u.try_.final))
            return 1;
        if (!block_terminates(inst, &s->u.try_.body) && !block_terminates(inst, &s->u.try_.orelse))
            return 0;
        for (int k = 0; k < s->u.try_.nhandlers; k++)
            if (!block_terminates(inst, &s->u.try_.handlers[k].body))
                return 0;
        return 1;
    case S_WHILE:
        if (s->u.cond.test->kind == E_CONST && s->u.cond.test->u.cnst.v.i != 0
            && s->u.cond.test->u.cnst.type->kind != JP_NONE)
            return !contains_break(&s->u.cond.body);
        return 0;
    default:
        return 0;
    }
}

static int
block_terminates(jp_instance *inst, jp_block *b)
{
    for (int i = 0; i < b->n; i++)
        if (jp_stmt_terminates(inst, b->stmts[i]))
            return 1;
    return 0;
}

/* Whether a return statement appears anywhere in b: a function with none
 * (its only statement a raise) returns None, as Numba types it. */
static int
contains_return(jp_block *b)
{
    for (int i = 0; i < b->n; i++) {
        jp_node *s = b->stmts[i];
        if (s->kind == S_RETURN)
            return 1;
        if ((s->kind == S_IF || s->kind == S_WHILE)
            && (contains_return(&s->u.cond.body) || contains_return(&s->u.cond.orelse)))
            return 1;
        if (s->kind == S_FOR && (contains_return(&s->u.loop.body) || contains_return(&s->u.loop.orelse)))
            return 1;
        for (int k = 0; s->kind == S_TRY && k < jp_try_nblocks(s); k++)
            if (contains_return(jp_try_block(s, k)))
                return 1;
    }
    return 0;
}

int
jp_body_falls_through(jp_instance *inst)
{
    return !block_terminates(inst, &inst->ir->body);
}

/* `x is None` and friends, decided by the types: 1 true, 2 false, 0 open. */
static int
const_condition(ictx *c, jp_node *test)
{
    if (test->kind == E_CONST) {
        jp_type *t = test->u.cnst.type;
        if (t->kind == JP_NONE)
            return 2;
        if (t->kind == JP_BOOL || t->kind == JP_INT)
            return test->u.cnst.v.i ? 1 : 2;
        return 0;
    }
    if (test->kind == E_UNARY && test->u.unary.op == UOP_NOT) {
        int k = const_condition(c, test->u.unary.operand);
        return k ? 3 - k : 0;
    }
    if (test->kind == E_COMPARE && test->u.compare.n == 1) {
        jp_cmpop op = test->u.compare.ops[0];
        jp_type *a, *b;
        int same;
        jp_node *l = test->u.compare.operands[0], *r = test->u.compare.operands[1];
        if (l->kind == E_CONST && r->kind == E_CONST && op <= CMP_GE
            && (l->u.cnst.type->kind == JP_INT || l->u.cnst.type->kind == JP_BOOL)
            && (r->u.cnst.type->kind == JP_INT || r->u.cnst.type->kind == JP_BOOL)) {
            /* integer constants (a literally() parameter, a frozen global): decided now */
            long long x = l->u.cnst.v.i, y = r->u.cnst.v.i;
            int v = op == CMP_EQ ? x == y : op == CMP_NE ? x != y : op == CMP_LT ? x < y
                  : op == CMP_LE ? x <= y : op == CMP_GT ? x > y : x >= y;
            return v ? 1 : 2;
        }
        if (op != CMP_IS && op != CMP_ISNOT && op != CMP_EQ && op != CMP_NE)
            return 0;
        a = c->inst->node_types[test->u.compare.operands[0]->id];
        b = c->inst->node_types[test->u.compare.operands[1]->id];
        if (UNKNOWN(a) || UNKNOWN(b) || (a->kind != JP_NONE && b->kind != JP_NONE)
            || a->kind == JP_OPTIONAL || b->kind == JP_OPTIONAL)
            return 0;
        same = a->kind == b->kind;
        return (op == CMP_IS || op == CMP_EQ) == same ? 1 : 2;
    }
    return 0;
}

/* ---- driver ----------------------------------------------------------------- */

static int
infer_once(jp_session *s, jp_instance *inst, int final)
{
    ictx c = {s, inst, inst->ir, final};
    inst->changed = 0;
    if (type_block(&c, &inst->ir->body) < 0)
        return -1;
    if (inst->ir->is_generator)
        return jp_infer_generator_finish(&c);
    if ((jp_body_falls_through(inst) || !contains_return(&inst->ir->body))
        && set_return(&c, NULL, jp_type_none()) < 0)
        return -1;
    return 0;
}

int
jp_infer_session(jp_session *s)
{
    for (s->rounds = 0; s->rounds < 1000; s->rounds++) {
        int changed = 0;
        jp_instance *seen = NULL, *head;
        s->added = 0;
        /* instances created during the round (callees, prepended to the
         * list) are typed in the same round, newest first: a chain of n
         * callees is found in one round and typed callee-first in the
         * next, not one level per round (quadratic) */
        while ((head = s->pending) != seen) {
            for (jp_instance *inst = head; inst != seen; inst = inst->next) {
                if (infer_once(s, inst, 0) < 0)
                    return -1;
                changed |= inst->changed;
            }
            seen = head;
        }
        if (!changed && !s->added)
            break;
    }
    for (jp_instance *inst = s->pending; inst; inst = inst->next) {
        if (infer_once(s, inst, 1) < 0)
            return -1;
        if (UNKNOWN(inst->ret)) {
            jp_error_span(JpTypingError, inst->ir, inst->ir->def_line, 0, inst->ir->def_line, 0,
                          "a recursive function needs a path that returns without recursing",
                          "cannot infer the return type of '%s'", inst->ir->name);
            return -1;
        }
    }
    return 0;
}
