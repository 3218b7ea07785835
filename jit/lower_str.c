/* jit/lower_str.c - lowering of strings (see lib_str.h): each operation is
 * a call into str_runtime.c; a string it makes is a temp of its statement
 * (released at the statement's end unless stored), and a failure it
 * reports through its status raises the exception CPython raises there. */
#include "jit/lib_str.h"
#include "jit/resolve.h"
#include "jit/str_runtime.h"

#include <string.h>

#define STR (jp_type_str())

static LLVMTypeRef
i64t(lctx *c)
{
    return LLVMInt64TypeInContext(c->ctx);
}

static LLVMTypeRef
i32t(lctx *c)
{
    return LLVMInt32TypeInContext(c->ctx);
}

static LLVMTypeRef
ptrt(lctx *c)
{
    return LLVMPointerTypeInContext(c->ctx, 0);
}

static LLVMValueRef
i64(lctx *c, LLVMValueRef v, jp_type *t)
{
    return jp_cast(c, v, t, jp_type_int(64, 1));
}

/* the jp_str of a string value: jp_meminfo {int64 refcount; void *data; ...} */
static LLVMValueRef
header(lctx *c, LLVMValueRef s)
{
    LLVMValueRef off = jp_const_i64(c, 8);
    LLVMValueRef v = LLVMBuildLoad2(c->b, ptrt(c), LLVMBuildGEP2(c->b, LLVMInt8TypeInContext(c->ctx), s, &off, 1, ""),
                                    "str");
    jp_tbaa(c, v, JP_TBAA_OBJECT_FIELDS);
    return v;
}

LLVMValueRef
jp_str_len(lctx *c, LLVMValueRef s)
{
    LLVMValueRef v = LLVMBuildLoad2(c->b, i64t(c), header(c, s), "len");
    jp_tbaa(c, v, JP_TBAA_OBJECT_FIELDS);
    return v;
}

/* a new string from a runtime call: MemoryError when NULL, a temp of the statement */
static LLVMValueRef
new_str(lctx *c, LLVMValueRef mi)
{
    jp_check(c, LLVMBuildIsNull(c->b, mi, ""), PyExc_MemoryError, NULL);
    jp_register_temp(c, mi, STR);
    return mi;
}

static LLVMValueRef
status_slot(lctx *c)
{
    LLVMValueRef slot = jp_alloca(c, i32t(c), "str.status");
    LLVMBuildStore(c->b, LLVMConstInt(i32t(c), 0, 0), slot);
    return slot;
}

/* Raise what the runtime reported in *slot, if anything. */
static void
check_status(lctx *c, LLVMValueRef slot)
{
    static const struct { int code; PyObject **cls; } map[] = {
        {JP_STR_EMEMORY, &PyExc_MemoryError}, {JP_STR_EVALUE, &PyExc_ValueError},
        {JP_STR_EINDEX, &PyExc_IndexError}, {JP_STR_ETYPE, &PyExc_TypeError},
        {JP_STR_EOVERFLOW, &PyExc_OverflowError},
    };
    LLVMValueRef st = LLVMBuildLoad2(c->b, i32t(c), slot, "");
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "str.failed");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "str.ok");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, st, LLVMConstInt(i32t(c), 0, 0), ""), bad, ok);
    LLVMPositionBuilderAtEnd(c->b, bad);
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        jp_check_dynamic(c, LLVMBuildICmp(c->b, LLVMIntEQ, st, LLVMConstInt(i32t(c), (unsigned long long)map[i].code, 0), ""),
                         *map[i].cls, "jp_str_error_text", NULL, 0);
    LLVMBuildBr(c->b, ok);
    LLVMPositionBuilderAtEnd(c->b, ok);
}

static LLVMValueRef
call(lctx *c, const char *name, LLVMTypeRef ret, LLVMValueRef *args, int nargs)
{
    return jp_call_extern(c, name, ret, args, nargs);
}

/* ---- constants, operators, subscripts --------------------------------------------- */

/* A constant: the process's immortal string of that text (str_runtime.c),
 * looked up on first use and kept in a global of the module (relocatable,
 * so cached code stays valid); borrowed, never a temp. */
LLVMValueRef
jp_lower_str_const(lctx *c, jp_node *n)
{
    LLVMValueRef g = LLVMAddGlobal(c->mod, ptrt(c), "str.const"), cur, args[2], made, phi, incoming[2];
    LLVMBasicBlockRef here, slow, done;
    LLVMSetInitializer(g, LLVMConstNull(ptrt(c)));
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    cur = LLVMBuildLoad2(c->b, ptrt(c), g, "");
    here = LLVMGetInsertBlock(c->b);
    slow = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "str.intern");
    done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "str.const");
    LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, cur, ""), slow, done);
    LLVMPositionBuilderAtEnd(c->b, slow);
    args[0] = jp_module_string(c, n->u.str.text);
    args[1] = jp_const_i64(c, (long long)strlen(n->u.str.text));
    made = call(c, "jp_str_intern", ptrt(c), args, 2);
    jp_check(c, LLVMBuildIsNull(c->b, made, ""), PyExc_MemoryError, NULL);
    LLVMBuildStore(c->b, made, g);
    slow = LLVMGetInsertBlock(c->b);
    LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    phi = LLVMBuildPhi(c->b, ptrt(c), "");
    incoming[0] = cur;
    incoming[1] = made;
    LLVMAddIncoming(phi, incoming, (LLVMBasicBlockRef[]){here, slow}, 2);
    return phi;
}

LLVMValueRef
jp_lower_str_binop(lctx *c, jp_binop op, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb)
{
    if (op == OP_ADD) {
        LLVMValueRef args[2] = {a, b};
        return new_str(c, call(c, "jp_str_concat", ptrt(c), args, 2));
    }
    {
        /* s * n or n * s */
        LLVMValueRef args[2] = {ta->kind == JP_STR ? a : b, ta->kind == JP_STR ? i64(c, b, tb) : i64(c, a, ta)};
        return new_str(c, call(c, "jp_str_repeat", ptrt(c), args, 2));
    }
}

LLVMValueRef
jp_lower_str_compare(lctx *c, jp_cmpop op, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef args[6], r;
    switch (op) {
    case CMP_EQ: case CMP_NE:
        args[0] = a;
        args[1] = b;
        r = call(c, "jp_str_eq", i64t(c), args, 2);
        return LLVMBuildICmp(c->b, op == CMP_EQ ? LLVMIntNE : LLVMIntEQ, r, jp_const_i64(c, 0), "");
    case CMP_IN: case CMP_NOTIN:        /* a in b: a substring of b */
        args[0] = b;
        args[1] = a;
        args[2] = args[3] = args[4] = args[5] = jp_const_i64(c, 0);
        r = call(c, "jp_str_find", i64t(c), args, 6);
        return LLVMBuildICmp(c->b, op == CMP_IN ? LLVMIntSGE : LLVMIntSLT, r, jp_const_i64(c, 0), "");
    case CMP_IS: case CMP_ISNOT:
        return LLVMBuildICmp(c->b, op == CMP_IS ? LLVMIntEQ : LLVMIntNE, a, b, "");
    default: {
        LLVMIntPredicate p = op == CMP_LT ? LLVMIntSLT : op == CMP_LE ? LLVMIntSLE : op == CMP_GT ? LLVMIntSGT : LLVMIntSGE;
        args[0] = a;
        args[1] = b;
        r = call(c, "jp_str_cmp", i64t(c), args, 2);
        return LLVMBuildICmp(c->b, p, r, jp_const_i64(c, 0), "");
    }
    }
}

static LLVMValueRef
slice_part(lctx *c, jp_node *p, LLVMValueRef *flags, int bit)
{
    jp_type *t;
    if (p == NULL)
        return jp_const_i64(c, 0);
    t = jp_node_type(c, p);
    if (t->kind == JP_NONE) {
        jp_lower_expr(c, p);
        return jp_const_i64(c, 0);
    }
    *flags = LLVMBuildOr(c->b, *flags, jp_const_i64(c, bit), "");
    return i64(c, jp_lower_expr(c, p), t);
}

/* s[i] once i is checked */
static LLVMValueRef
char_at(lctx *c, LLVMValueRef s, LLVMValueRef i)
{
    LLVMValueRef args[2] = {s, i};
    return new_str(c, call(c, "jp_str_char", ptrt(c), args, 2));
}

LLVMValueRef
jp_lower_str_subscript(lctx *c, jp_node *n)
{
    LLVMValueRef s = jp_lower_expr(c, n->u.subscript.value), i, len, neg;
    jp_node *ix = n->u.subscript.index;
    if (ix->kind == E_SLICE) {
        LLVMValueRef flags = jp_const_i64(c, 0), args[6], st = status_slot(c), mi;
        args[1] = slice_part(c, ix->u.slice.lower, &flags, 1);
        args[2] = slice_part(c, ix->u.slice.upper, &flags, 2);
        args[3] = slice_part(c, ix->u.slice.step, &flags, 4);
        args[0] = s;
        args[4] = flags;
        args[5] = st;
        mi = call(c, "jp_str_slice", ptrt(c), args, 6);
        check_status(c, st);
        jp_register_temp(c, mi, STR);
        return mi;
    }
    i = i64(c, jp_lower_expr(c, ix), jp_node_type(c, ix));
    len = jp_str_len(c, s);
    neg = LLVMBuildICmp(c->b, LLVMIntSLT, i, jp_const_i64(c, 0), "");
    i = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, i, len, ""), i, "");
    jp_check(c, LLVMBuildICmp(c->b, LLVMIntUGE, i, len, ""), PyExc_IndexError, "string index out of range");
    return char_at(c, s, i);
}

/* ---- for ch in s ------------------------------------------------------------------ */

void
jp_lower_str_for(lctx *c, jp_node *s)
{
    jp_node *it = s->u.loop.iter;
    LLVMValueRef slot = jp_alloca(c, ptrt(c), "iter.str"), counter = jp_alloca(c, i64t(c), "i"), str, i;
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "str.head");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "str.body");
    LLVMBasicBlockRef latch = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "str.latch");
    LLVMBasicBlockRef orelse = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "str.else");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, c->fn, "str.done");
    int mark = c->ntemps;
    /* hold the string for the whole loop in an owned slot */
    str = jp_lower_expr(c, it);
    jp_own_slots(c, slot, STR);
    jp_incref(c, str, STR);
    LLVMBuildStore(c->b, str, slot);
    jp_release_temps(c, mark);
    LLVMBuildStore(c->b, jp_const_i64(c, 0), counter);
    LLVMBuildBr(c->b, head);
    LLVMPositionBuilderAtEnd(c->b, head);
    i = LLVMBuildLoad2(c->b, i64t(c), counter, "");
    str = LLVMBuildLoad2(c->b, ptrt(c), slot, "");
    LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, i, jp_str_len(c, str), ""), body, orelse);
    LLVMPositionBuilderAtEnd(c->b, body);
    {
        int m2 = c->ntemps;
        jp_store_target(c, s->u.loop.target, char_at(c, str, i), STR);
        jp_release_temps(c, m2);
    }
    c->break_bb[c->loop_depth] = done;
    c->continue_bb[c->loop_depth] = latch;
    c->loop_depth++;
    jp_lower_block(c, &s->u.loop.body);
    c->loop_depth--;
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, latch);
    LLVMPositionBuilderAtEnd(c->b, latch);
    LLVMBuildStore(c->b, LLVMBuildNSWAdd(c->b, LLVMBuildLoad2(c->b, i64t(c), counter, ""), jp_const_i64(c, 1), ""),
                   counter);
    LLVMBuildBr(c->b, head);
    LLVMPositionBuilderAtEnd(c->b, orelse);
    jp_lower_block(c, &s->u.loop.orelse);
    if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
        LLVMBuildBr(c->b, done);
    LLVMPositionBuilderAtEnd(c->b, done);
    jp_decref(c, LLVMBuildLoad2(c->b, ptrt(c), slot, ""), STR);
    LLVMBuildStore(c->b, LLVMConstNull(ptrt(c)), slot);
}

/* ---- methods ---------------------------------------------------------------------- */

extern const jp_lib_entry jp_str_methods[];
jp_node *jp_str_method_arg(jp_node *call, const jp_lib_entry *e, int i);

/* argument i as a string (NULL pointer when absent or None) */
static LLVMValueRef
str_arg(lctx *c, jp_node *call, const jp_lib_entry *e, int i)
{
    jp_node *a = jp_str_method_arg(call, e, i);
    LLVMValueRef v;
    if (a == NULL)
        return LLVMConstNull(ptrt(c));
    v = jp_lower_expr(c, a);
    return jp_node_type(c, a)->kind == JP_STR ? v : LLVMConstNull(ptrt(c));
}

/* argument i as an int64 (dflt when absent); *flags |= bit when given */
static LLVMValueRef
int_arg(lctx *c, jp_node *call, const jp_lib_entry *e, int i, long long dflt, LLVMValueRef *flags, int bit)
{
    jp_node *a = jp_str_method_arg(call, e, i);
    if (a == NULL)
        return jp_const_i64(c, dflt);
    if (flags)
        *flags = LLVMBuildOr(c->b, *flags, jp_const_i64(c, bit), "");
    return i64(c, jp_lower_expr(c, a), jp_node_type(c, a));
}

static LLVMValueRef
truth(lctx *c, LLVMValueRef r)
{
    return LLVMBuildICmp(c->b, LLVMIntNE, r, jp_const_i64(c, 0), "");
}

static int
name_in(const char *name, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

LLVMValueRef
jp_lower_str_method(lctx *c, jp_node *cl)
{
    static const char *const cases[] = {"upper", "lower", "capitalize", "title", "swapcase", "casefold", NULL};
    static const char *const tests[] = {"isdigit", "isalpha", "isspace", "isupper", "islower", "isalnum",
                                        "isdecimal", "isnumeric", "istitle", "isascii", "isprintable", NULL};
    static const char *const pads[] = {"ljust", "rjust", "center", "zfill", NULL};
    const jp_lib_entry *e = c->inst->resolved[cl->id];
    const char *name = e->name;
    LLVMValueRef s = jp_lower_expr(c, cl->u.call.func->u.attr.value), args[8], flags = jp_const_i64(c, 0), r, st;
    int k;

    if ((k = name_in(name, cases)) >= 0) {
        args[0] = s;
        args[1] = jp_const_i64(c, k == 5 ? 1 : k);
        return new_str(c, call(c, "jp_str_case", ptrt(c), args, 2));
    }
    if ((k = name_in(name, tests)) >= 0) {
        args[0] = s;
        args[1] = jp_const_i64(c, k);
        return truth(c, call(c, "jp_str_is", i64t(c), args, 2));
    }
    if ((k = name_in(name, pads)) >= 0) {
        st = status_slot(c);
        args[0] = s;
        args[1] = int_arg(c, cl, e, 0, 0, NULL, 0);
        args[2] = k == 3 ? LLVMConstNull(ptrt(c)) : str_arg(c, cl, e, 1);
        args[3] = jp_const_i64(c, k);
        args[4] = st;
        r = call(c, "jp_str_pad", ptrt(c), args, 5);
        check_status(c, st);
        jp_register_temp(c, r, STR);
        return r;
    }
    if (strstr(name, "find") || strstr(name, "index") || strcmp(name, "count") == 0 || strstr(name, "with")) {
        args[0] = s;
        args[1] = str_arg(c, cl, e, 0);
        args[2] = int_arg(c, cl, e, 1, 0, &flags, 1);
        args[3] = int_arg(c, cl, e, 2, 0, &flags, 2);
        args[4] = flags;
        if (strcmp(name, "count") == 0)
            return call(c, "jp_str_count", i64t(c), args, 5);
        if (strstr(name, "with")) {
            args[5] = jp_const_i64(c, name[0] == 'e');
            return truth(c, call(c, "jp_str_affix", i64t(c), args, 6));
        }
        args[5] = jp_const_i64(c, name[0] == 'r');
        r = call(c, "jp_str_find", i64t(c), args, 6);
        if (strstr(name, "index"))
            jp_check(c, LLVMBuildICmp(c->b, LLVMIntSLT, r, jp_const_i64(c, 0), ""), PyExc_ValueError,
                     "substring not found");
        return r;
    }
    if (strcmp(name, "split") == 0 || strcmp(name, "rsplit") == 0) {
        st = status_slot(c);
        args[0] = s;
        args[1] = str_arg(c, cl, e, 0);
        args[2] = int_arg(c, cl, e, 1, -1, NULL, 0);
        args[3] = jp_const_i64(c, name[0] == 'r');
        args[4] = st;
        r = call(c, "jp_str_split", ptrt(c), args, 5);
        check_status(c, st);
        jp_register_temp(c, r, jp_type_list(STR, 0));
        return r;
    }
    if (strcmp(name, "splitlines") == 0) {
        args[0] = s;
        args[1] = int_arg(c, cl, e, 0, 0, NULL, 0);
        r = call(c, "jp_str_splitlines", ptrt(c), args, 2);
        jp_check(c, LLVMBuildIsNull(c->b, r, ""), PyExc_MemoryError, NULL);
        jp_register_temp(c, r, jp_type_list(STR, 0));
        return r;
    }
    if (strstr(name, "partition")) {
        LLVMTypeRef arr = LLVMArrayType2(ptrt(c), 3);
        LLVMValueRef out = jp_alloca(c, arr, "parts"), tv;
        jp_type *tt = jp_node_type(c, cl);
        st = status_slot(c);
        args[0] = s;
        args[1] = str_arg(c, cl, e, 0);
        args[2] = jp_const_i64(c, name[0] == 'r');
        args[3] = out;
        args[4] = st;
        call(c, "jp_str_partition", LLVMVoidTypeInContext(c->ctx), args, 5);
        check_status(c, st);
        tv = LLVMGetUndef(jp_llvm_type(c->ctx, tt));       /* the three fields are inserted below */
        for (unsigned i = 0; i < 3; i++) {
            LLVMValueRef idx[2] = {jp_const_i64(c, 0), jp_const_i64(c, i)};
            LLVMValueRef p = LLVMBuildLoad2(c->b, ptrt(c), LLVMBuildGEP2(c->b, arr, out, idx, 2, ""), "");
            jp_register_temp(c, p, STR);
            tv = LLVMBuildInsertValue(c->b, tv, p, i, "");
        }
        return tv;
    }
    if (strcmp(name, "expandtabs") == 0) {
        args[0] = s;
        args[1] = int_arg(c, cl, e, 0, 8, NULL, 0);
        return new_str(c, call(c, "jp_str_expandtabs", ptrt(c), args, 2));
    }
    if (strcmp(name, "join") == 0) {
        args[0] = s;
        args[1] = jp_lower_expr(c, cl->u.call.args[0]);
        return new_str(c, call(c, "jp_str_join", ptrt(c), args, 2));
    }
    if (strstr(name, "strip")) {
        args[0] = s;
        args[1] = str_arg(c, cl, e, 0);
        args[2] = jp_const_i64(c, name[0] == 'l' ? 1 : name[0] == 'r' ? 2 : 3);
        return new_str(c, call(c, "jp_str_strip", ptrt(c), args, 3));
    }
    if (strcmp(name, "replace") == 0) {
        args[0] = s;
        args[1] = str_arg(c, cl, e, 0);
        args[2] = str_arg(c, cl, e, 1);
        args[3] = int_arg(c, cl, e, 2, -1, NULL, 0);
        return new_str(c, call(c, "jp_str_replace", ptrt(c), args, 4));
    }
    return jp_lower_unhandled(c, ptrt(c), "str.%s()", name);
}

/* ---- builtins ------------------------------------------------------------------- */

/* str(x) / repr(x) of a number, bool, None or string */
static LLVMValueRef
to_str(lctx *c, LLVMValueRef v, jp_type *t, int is_repr)
{
    switch (t->kind) {
    case JP_STR:
        if (!is_repr)
            return v;
        return new_str(c, call(c, "jp_str_repr", ptrt(c), &v, 1));
    case JP_BOOL:
        v = LLVMBuildZExt(c->b, v, i64t(c), "");
        return new_str(c, call(c, "jp_str_from_bool", ptrt(c), &v, 1));
    case JP_INT:
        if (!t->is_signed && t->bits == 64)
            return new_str(c, call(c, "jp_str_from_uint", ptrt(c), &v, 1));
        v = i64(c, v, t);
        return new_str(c, call(c, "jp_str_from_int", ptrt(c), &v, 1));
    case JP_FLOAT:
        v = jp_cast(c, v, t, jp_type_float(64));
        return new_str(c, call(c, "jp_str_from_double", ptrt(c), &v, 1));
    default: {
        LLVMValueRef args[2] = {jp_module_string(c, "None"), jp_const_i64(c, 4)};
        return new_str(c, call(c, "jp_str_from_utf8", ptrt(c), args, 2));
    }
    }
}

static LLVMValueRef
format_value(lctx *c, LLVMValueRef v, jp_type *t, const char *spec)
{
    LLVMValueRef args[4], st, r;
    if (spec[0] == 0 || t->kind == JP_NONE || (t->kind == JP_BOOL && strchr("bcdoxXn", spec[strlen(spec) - 1]) == NULL))
        return to_str(c, v, t, 0);      /* format(x, "") is str(x); bools format as text */
    st = status_slot(c);
    switch (t->kind) {
    case JP_STR:
        args[0] = v;
        args[1] = jp_module_string(c, spec);
        args[2] = st;
        r = call(c, "jp_str_format_str", ptrt(c), args, 3);
        break;
    case JP_FLOAT:
        args[0] = jp_cast(c, v, t, jp_type_float(64));
        args[1] = jp_module_string(c, spec);
        args[2] = st;
        r = call(c, "jp_str_format_float", ptrt(c), args, 3);
        break;
    default:
        args[0] = t->kind == JP_INT && !t->is_signed && t->bits == 64 ? v : i64(c, v, t);
        args[1] = jp_const_i64(c, t->kind == JP_INT && !t->is_signed && t->bits == 64);
        args[2] = jp_module_string(c, spec);
        args[3] = st;
        r = call(c, "jp_str_format_int", ptrt(c), args, 4);
        break;
    }
    check_status(c, st);
    jp_register_temp(c, r, STR);
    return r;
}

LLVMValueRef
jp_lower_str_builtin(lctx *c, jp_node *cl, jp_builtin id)
{
    jp_node **an = cl->u.call.args;
    int nargs = cl->u.call.nargs;
    LLVMValueRef a = nargs ? jp_lower_expr(c, an[0]) : NULL, args[3], st, r;
    jp_type *ta = nargs ? jp_node_type(c, an[0]) : NULL;
    switch (id) {
    case B_STR:
        if (nargs == 0) {
            args[0] = jp_module_string(c, "");
            args[1] = jp_const_i64(c, 0);
            return new_str(c, call(c, "jp_str_from_utf8", ptrt(c), args, 2));
        }
        return to_str(c, a, ta, 0);
    case B_REPR:
        return to_str(c, a, ta, 1);
    case B_FORMAT:
        return format_value(c, a, ta, nargs > 1 ? an[1]->u.str.text : "");
    case B_ORD:
        st = status_slot(c);
        args[0] = a;
        args[1] = st;
        r = call(c, "jp_str_ord", i64t(c), args, 2);
        check_status(c, st);
        return r;
    case B_CHR:
        st = status_slot(c);
        args[0] = i64(c, a, ta);
        args[1] = st;
        r = call(c, "jp_str_chr", ptrt(c), args, 2);
        check_status(c, st);
        jp_register_temp(c, r, STR);
        return r;
    case B_INT:
        st = status_slot(c);
        args[0] = a;
        args[1] = nargs > 1 ? i64(c, jp_lower_expr(c, an[1]), jp_node_type(c, an[1])) : jp_const_i64(c, 10);
        args[2] = st;
        r = call(c, "jp_str_to_int", i64t(c), args, 3);
        check_status(c, st);
        return jp_cast(c, r, jp_type_int(64, 1), jp_node_type(c, cl));
    case B_FLOAT:
        st = status_slot(c);
        args[0] = a;
        args[1] = st;
        r = call(c, "jp_str_to_float", LLVMDoubleTypeInContext(c->ctx), args, 2);
        check_status(c, st);
        return r;
    default:
        return jp_lower_unhandled(c, ptrt(c), "string builtin %d", (int)id);
    }
}

/* ---- print and raise ---------------------------------------------------------------- */

void
jp_lower_str_print(lctx *c, LLVMValueRef s)
{
    LLVMValueRef p = call(c, "jp_str_utf8", ptrt(c), &s, 1);
    call(c, "jp_rt_print_str", LLVMVoidTypeInContext(c->ctx), &p, 1);
}

void
jp_lower_str_raise(lctx *c, PyObject *cls, jp_node *msg)
{
    LLVMValueRef s = jp_lower_expr(c, msg);
    jp_check_dynamic(c, LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 1, 0), cls, "jp_str_utf8", &s, 1);
    LLVMBuildUnreachable(c->b);
}
