/* jit/lib_str.c - typing of strings in jit code (see lib_str.h): the
 * string methods' table (the resolver's entries, lowered by lower_str.c),
 * subscripts, operators and the builtins that make or read strings. */
#include "jit/lib_str.h"
#include "jit/target.h"
#include "jit/resolve.h"
#include "jit/errors.h"

#include <string.h>

#define STR (jp_type_str())

static int
is_intlike(jp_type *t)
{
    return t->kind == JP_INT || t->kind == JP_BOOL;
}

/* strings live in host memory with a host runtime: not in device code */
static jp_type *
no_gpu(ictx *c, jp_node *n)
{
    return jp_device_unsupported(c, n, "pass numbers or arrays to the kernel", "strings are");
}

#define GPU_CHECK(c, n)             \
    do {                            \
        if ((c)->session->gpu)      \
            return no_gpu(c, n);    \
    } while (0)

jp_type *
jp_infer_str_const(ictx *c, jp_node *n)
{
    GPU_CHECK(c, n);
    return STR;
}

/* ---- methods ------------------------------------------------------------------ */

static jp_type *
ret_int(ictx *c, jp_node *call, jp_type *recv)
{
    (void)c; (void)call; (void)recv;
    return jp_type_int(64, 1);
}

static jp_type *
ret_bool(ictx *c, jp_node *call, jp_type *recv)
{
    (void)c; (void)call; (void)recv;
    return jp_type_bool();
}

static jp_type *
ret_str(ictx *c, jp_node *call, jp_type *recv)
{
    (void)c; (void)call; (void)recv;
    return STR;
}

static jp_type *
ret_triple(ictx *c, jp_node *call, jp_type *recv)
{
    jp_type *three[3] = {STR, STR, STR};
    (void)c; (void)call; (void)recv;
    return jp_type_tuple(3, three);
}

static jp_type *
ret_list(ictx *c, jp_node *call, jp_type *recv)
{
    (void)c; (void)call; (void)recv;
    return jp_type_list(STR, 0);
}

static const char *const split_kw[] = {"sep", "maxsplit", NULL};
static const char *const no_kw[] = {NULL};
static const char *const keepends_kw[] = {"keepends", NULL};
static const char *const tabsize_kw[] = {"tabsize", NULL};

/* The table (lowered by lower_str.c through jp_str_method_spec). */
#define M(name, lo, hi, kw, ret) {name, lo, hi, kw, ret, NULL}
const jp_lib_entry jp_str_methods[] = {
    M("find", 1, 3, no_kw, ret_int), M("rfind", 1, 3, no_kw, ret_int),
    M("index", 1, 3, no_kw, ret_int), M("rindex", 1, 3, no_kw, ret_int),
    M("count", 1, 3, no_kw, ret_int),
    M("startswith", 1, 3, no_kw, ret_bool), M("endswith", 1, 3, no_kw, ret_bool),
    M("split", 0, 2, split_kw, ret_list), M("rsplit", 0, 2, split_kw, ret_list),
    M("join", 1, 1, no_kw, ret_str),
    M("strip", 0, 1, no_kw, ret_str), M("lstrip", 0, 1, no_kw, ret_str), M("rstrip", 0, 1, no_kw, ret_str),
    M("upper", 0, 0, no_kw, ret_str), M("lower", 0, 0, no_kw, ret_str),
    M("capitalize", 0, 0, no_kw, ret_str), M("title", 0, 0, no_kw, ret_str),
    M("swapcase", 0, 0, no_kw, ret_str), M("casefold", 0, 0, no_kw, ret_str),
    M("isdigit", 0, 0, no_kw, ret_bool), M("isalpha", 0, 0, no_kw, ret_bool),
    M("isspace", 0, 0, no_kw, ret_bool), M("isupper", 0, 0, no_kw, ret_bool),
    M("islower", 0, 0, no_kw, ret_bool), M("isalnum", 0, 0, no_kw, ret_bool),
    M("isdecimal", 0, 0, no_kw, ret_bool), M("isnumeric", 0, 0, no_kw, ret_bool),
    M("istitle", 0, 0, no_kw, ret_bool), M("isascii", 0, 0, no_kw, ret_bool),
    M("isprintable", 0, 0, no_kw, ret_bool), M("splitlines", 0, 1, keepends_kw, ret_list),
    M("partition", 1, 1, no_kw, ret_triple), M("rpartition", 1, 1, no_kw, ret_triple),
    M("expandtabs", 0, 1, tabsize_kw, ret_str),
    M("replace", 2, 3, no_kw, ret_str),
    M("zfill", 1, 1, no_kw, ret_str), M("center", 1, 2, no_kw, ret_str),
    M("ljust", 1, 2, no_kw, ret_str), M("rjust", 1, 2, no_kw, ret_str),
    {NULL, 0, 0, NULL, NULL, NULL},
};

/* Each method's parameters, one letter each: s str, n str or None, i int, j int or None */
static const char *const param_kinds[] = {
    "sjj", "sjj", "sjj", "sjj", "sjj", "sjj", "sjj",
    "ni", "ni", "l",
    "n", "n", "n",
    "", "", "", "", "", "",
    "", "", "", "", "", "", "", "", "", "",
    "", "i",
    "s", "s", "i",
    "ssi",
    "i", "is", "is", "is",
};

static const char *
method_names_hint(void)
{
    return "strings support find rfind index rindex count startswith endswith split rsplit join strip "
           "lstrip rstrip upper lower capitalize title swapcase casefold isdigit isalpha isspace isupper "
           "islower isalnum isdecimal isnumeric istitle isascii isprintable splitlines partition rpartition expandtabs replace zfill center ljust rjust";
}

/* The argument node for parameter i of a bound method call (positional or keyword), or NULL. */
jp_node *jp_str_method_arg(jp_node *call, const jp_lib_entry *e, int i);
jp_node *
jp_str_method_arg(jp_node *call, const jp_lib_entry *e, int i)
{
    if (i < call->u.call.nargs)
        return call->u.call.args[i];
    if (e->keywords && e->keywords[0] && i < 2 && (i == 0 || e->keywords[1]))
        return jp_lib_keyword(call, e->keywords[i]);
    return NULL;
}

const char *jp_str_method_params(const jp_lib_entry *e);
const char *
jp_str_method_params(const jp_lib_entry *e)
{
    return param_kinds[e - jp_str_methods];
}

jp_type *
jp_infer_str_method(ictx *c, jp_node *call, jp_type *recv)
{
    jp_node *attr = call->u.call.func;
    const jp_lib_entry *e = jp_lib_find(jp_str_methods, attr->u.attr.name);
    const char *kinds;
    GPU_CHECK(c, call);
    if (e == NULL) {
        const char *m = attr->u.attr.name, *hint = method_names_hint();
        if (strcmp(m, "format") == 0 || strcmp(m, "format_map") == 0)
            hint = "use an f-string: f\"{x} and {y:.3f}\"";
        else if (strcmp(m, "encode") == 0)
            hint = "bytes are not supported in jit code: keep the text a str, or encode in Python";
        return jp_error_at(JpUnsupportedError, c->ir, attr, hint, "str.%s() is not supported in jit code", m);
    }
    if (jp_lib_bind(c, call, e) < 0)
        return NULL;
    kinds = jp_str_method_params(e);
    for (int i = 0; kinds[i]; i++) {
        jp_node *a = jp_str_method_arg(call, e, i);
        jp_type *t;
        int ok;
        if (a == NULL)
            continue;
        if ((t = jp_ioperand(c, a)) == NULL)
            return NULL;
        if (UNKNOWN(t))
            return jp_type_unknown();
        switch (kinds[i]) {
        case 's': ok = t->kind == JP_STR; break;
        case 'n': ok = t->kind == JP_STR || t->kind == JP_NONE; break;
        case 'i': ok = is_intlike(t); break;
        case 'j': ok = is_intlike(t); break;
        default: ok = t->kind == JP_LIST && (t->dtype->kind == JP_STR || UNKNOWN(t->dtype)); break;
        }
        if (!ok) {
            if (t->kind == JP_TUPLE && (e->name[0] == 's' || e->name[0] == 'e'))
                return jp_error_at(JpUnsupportedError, c->ir, a, "test each prefix: s.startswith(a) or s.startswith(b)",
                                   "str.%s() of a tuple is not supported in jit code", e->name);
            return jp_error_at(JpTypingError, c->ir, a, NULL, "str.%s() argument %d must be %s, not %s", e->name,
                               i + 1, kinds[i] == 'l' ? "a list of str" : kinds[i] == 'i' || kinds[i] == 'j'
                               ? "an int" : kinds[i] == 'n' ? "a str or None" : "a str", t->name);
        }
    }
    jp_irecord(c, attr, recv);
    return e->type(c, call, recv);
}

/* ---- subscripts and operators --------------------------------------------------------- */

jp_type *
jp_infer_str_subscript(ictx *c, jp_node *n, jp_type *recv)
{
    jp_node *idx = n->u.subscript.index;
    (void)recv;
    GPU_CHECK(c, n);
    if (idx->kind == E_SLICE) {
        jp_node *parts[3] = {idx->u.slice.lower, idx->u.slice.upper, idx->u.slice.step};
        for (int i = 0; i < 3; i++) {
            jp_type *t;
            if (parts[i] == NULL)
                continue;
            if ((t = jp_ioperand(c, parts[i])) == NULL)
                return NULL;
            if (!UNKNOWN(t) && !is_intlike(t) && t->kind != JP_NONE)
                return jp_error_at(JpTypingError, c->ir, parts[i], NULL,
                                   "slice indices must be integers or None, not %s", t->name);
        }
        jp_irecord(c, idx, jp_type_slice());
        return STR;
    }
    {
        jp_type *t = jp_ioperand(c, idx);
        if (t == NULL)
            return NULL;
        if (!UNKNOWN(t) && !is_intlike(t))
            return jp_error_at(JpTypingError, c->ir, idx, NULL, "string indices must be integers, not %s", t->name);
    }
    return STR;
}

jp_type *
jp_str_binop_type(jp_binop op, jp_type *a, jp_type *b)
{
    if (op == OP_ADD && a->kind == JP_STR && b->kind == JP_STR)
        return STR;
    if (op == OP_MUL && ((a->kind == JP_STR && is_intlike(b)) || (b->kind == JP_STR && is_intlike(a))))
        return STR;
    return NULL;
}

jp_type *
jp_infer_str_binop(ictx *c, jp_node *n, jp_binop op, jp_type *a, jp_type *b)
{
    jp_type *t = jp_str_binop_type(op, a, b);
    GPU_CHECK(c, n);
    if (t)
        return t;
    if (op == OP_MOD && a->kind == JP_STR)
        return jp_error_at(JpUnsupportedError, c->ir, n, "use an f-string: f\"{x:.3f}\", or str.format's specs in one",
                           "%%-formatting of strings is not supported in jit code");
    return jp_error_at(JpTypingError, c->ir, n, NULL, "unsupported operand types for this operator: %s and %s",
                       a->name, b->name);
}

/* ---- builtins ------------------------------------------------------------------ */

int
jp_is_str_builtin(jp_builtin id)
{
    return id == B_STR || id == B_REPR || id == B_ORD || id == B_CHR || id == B_FORMAT;
}

static int
stringable(jp_type *t)
{
    return jp_is_number(t) && t->kind != JP_COMPLEX ? 1 : t->kind == JP_STR || t->kind == JP_NONE;
}

jp_type *
jp_infer_str_builtin(ictx *c, jp_node *call, jp_builtin id)
{
    const char *name = call->u.call.func->u.callee.name;
    int nargs = call->u.call.nargs;
    jp_type *at[2] = {NULL, NULL};
    GPU_CHECK(c, call);
    if (call->u.call.nkw)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "%s() takes no keyword arguments in jit code", name);
    for (int i = 0; i < nargs && i < 2; i++) {
        if ((at[i] = jp_ioperand(c, call->u.call.args[i])) == NULL)
            return NULL;
        if (UNKNOWN(at[i]))
            return jp_type_unknown();
    }
    switch (id) {
    case B_INT:         /* int(s), int(s, base) */
        if (nargs < 1 || nargs > 2 || (nargs == 2 && !is_intlike(at[1])))
            return jp_error_at(JpTypingError, c->ir, call, NULL, "int() of a string takes the string and an int base");
        return jp_type_int(64, 1);
    case B_FLOAT:
        if (nargs != 1)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "float() takes one argument");
        return jp_type_float(64);
    case B_STR:
    case B_REPR:
        if (nargs == 0 && id == B_STR)
            return STR;
        if (nargs != 1)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "%s() takes one argument in jit code", name);
        if (!stringable(at[0]))
            return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], "format the items one by one",
                               "%s() of a %s is not supported in jit code", name, at[0]->name);
        return STR;
    case B_FORMAT:
        if (nargs < 1 || nargs > 2)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "format() takes a value and a format spec");
        if (nargs == 2 && call->u.call.args[1]->kind != E_STR)
            return jp_error_at(JpUnsupportedError, c->ir, call->u.call.args[1], "write the format spec as a constant",
                               "a format spec computed at run time is not supported in jit code");
        if (!stringable(at[0]))
            return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], "format the items one by one",
                               "formatting a %s is not supported in jit code", at[0]->name);
        return STR;
    case B_ORD:
        if (nargs != 1 || at[0]->kind != JP_STR)
            return jp_error_at(JpTypingError, c->ir, call, NULL, "ord() takes one string");
        return jp_type_int(64, 1);
    case B_CHR:
        if (nargs != 1 || !is_intlike(at[0]))
            return jp_error_at(JpTypingError, c->ir, call, NULL, "chr() takes one integer");
        return STR;
    default:
        return jp_error_at(JpTypingError, c->ir, call, NULL, "%s() is not supported", name);
    }
}
