/* jit/lib_operator.c - the `operator` module in jit code.  Each function
 * stands for an expression: the frontend rewrites operator.add(a, b) into
 * a + b (and neg, lt, contains, getitem, setitem, abs, truth ... likewise),
 * so it has exactly the operator's semantics on numbers and arrays.
 * operator.index is a call of its own (integers only); the in-place forms
 * and the getter objects are rejected with what to write instead. */
#include "jit/lib.h"
#include "jit/errors.h"

static jp_type *
type_index(ictx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, jp_type **at, int nargs)
{
    (void)call, (void)nargs;
    if (at[0]->kind != JP_INT && at[0]->kind != JP_BOOL)
        return jp_error_at(JpTypingError, c->ir, args[0], "convert explicitly with int(x)",
                           "operator.%s() needs an integer, not %s", fn->name, at[0]->name);
    return at[0]->kind == JP_BOOL ? jp_type_int(64, 1) : at[0];
}

static LLVMValueRef
lower_index(lctx *c, jp_node *call, const jp_lib_fn *fn, jp_node **args, int nargs)
{
    (void)fn, (void)nargs;
    return jp_lib_arg(c, args[0], jp_node_type(c, call));
}

#define BIN(name, op) {"operator", name, "a, b", 2, 2, NULL, NULL, op, RW_BINOP}
#define CMP(name, op) {"operator", name, "a, b", 2, 2, NULL, NULL, op, RW_COMPARE}
#define UN(name, op) {"operator", name, "a", 1, 1, NULL, NULL, op, RW_UNARY}
#define NO(name, hint) {"operator", name, hint, 0, 0, NULL, NULL, 0, RW_NONE}

const jp_lib_fn jp_lib_operator[] = {
    BIN("add", OP_ADD), BIN("sub", OP_SUB), BIN("mul", OP_MUL), BIN("truediv", OP_TRUEDIV),
    BIN("floordiv", OP_FLOORDIV), BIN("mod", OP_MOD), BIN("pow", OP_POW),
    BIN("lshift", OP_LSHIFT), BIN("rshift", OP_RSHIFT), BIN("and_", OP_BITAND),
    BIN("or_", OP_BITOR), BIN("xor", OP_BITXOR), BIN("matmul", OP_MATMUL),
    CMP("lt", CMP_LT), CMP("le", CMP_LE), CMP("eq", CMP_EQ), CMP("ne", CMP_NE),
    CMP("ge", CMP_GE), CMP("gt", CMP_GT), CMP("is_", CMP_IS), CMP("is_not", CMP_ISNOT),
    UN("neg", UOP_NEG), UN("pos", UOP_POS), UN("not_", UOP_NOT), UN("invert", UOP_INVERT),
    UN("inv", UOP_INVERT),
    {"operator", "contains", "a, b", 2, 2, NULL, NULL, CMP_IN, RW_CONTAINS},
    {"operator", "getitem", "a, b", 2, 2, NULL, NULL, 0, RW_GETITEM},
    {"operator", "setitem", "a, b, c", 3, 3, NULL, NULL, 0, RW_SETITEM},
    {"operator", "abs", "a", 1, 1, NULL, NULL, 0, RW_ABS},
    {"operator", "truth", "a", 1, 1, NULL, NULL, 0, RW_TRUTH},
    {"operator", "index", "a", 1, 1, type_index, lower_index, 0, RW_NONE},
    NO("iadd", "write the augmented assignment itself: a += b"),
    NO("isub", "write the augmented assignment itself: a -= b"),
    NO("imul", "write the augmented assignment itself: a *= b"),
    NO("itruediv", "write the augmented assignment itself: a /= b"),
    NO("ifloordiv", "write the augmented assignment itself: a //= b"),
    NO("imod", "write the augmented assignment itself: a %= b"),
    NO("ipow", "write the augmented assignment itself: a **= b"),
    NO("iand", "write the augmented assignment itself: a &= b"),
    NO("ior", "write the augmented assignment itself: a |= b"),
    NO("ixor", "write the augmented assignment itself: a ^= b"),
    NO("ilshift", "write the augmented assignment itself: a <<= b"),
    NO("irshift", "write the augmented assignment itself: a >>= b"),
    NO("imatmul", "write the augmented assignment itself: a @= b"),
    NO("itemgetter", "index directly: a[i]"),
    NO("attrgetter", "use the attribute directly: obj.name"),
    NO("methodcaller", "call the method directly: obj.name(args)"),
    NO("delitem", "del is not supported in jit code: overwrite the element instead"),
    NO("concat", "concatenate arrays with np.concatenate((a, b)) or build the tuple (*a, *b) outside jit code"),
    NO("countOf", "count in a loop: n += x == v"),
    NO("indexOf", "search in a loop and keep the first index"),
    NO("length_hint", "use len(a)"),
    NO("call", "call the function directly: f(args)"),
};
const int jp_lib_operator_count = (int)(sizeof jp_lib_operator / sizeof jp_lib_operator[0]);
