/* jit/lower_optional.c - Optional(T) values in compiled code.
 *
 * The value is {i1 valid, T value} (types_optional.c), with the value zero
 * when it is None.  Wrapping a T or None is a constant flag; using an
 * Optional where a T is needed checks the flag and raises TypeError
 * ("expected float64, got None"), as Numba does.  `x is None` reads the
 * flag.  Reference counting of an Optional array or instance goes through
 * its value field (a NULL meminfo when None), so it needs no branch.
 */
#include "jit/lower.h"
#include "jit/lower_optional.h"

#include <string.h>

static LLVMValueRef
flag_of(lctx *c, LLVMValueRef v, jp_type *t)
{
    if (t->kind == JP_OPTIONAL)
        return LLVMBuildExtractValue(c->b, v, 0, "opt.valid");
    return LLVMConstInt(LLVMInt1TypeInContext(c->ctx), t->kind != JP_NONE, 0);
}

static LLVMValueRef
value_of(lctx *c, LLVMValueRef v, jp_type *t)
{
    return t->kind == JP_OPTIONAL ? LLVMBuildExtractValue(c->b, v, 1, "opt.value") : v;
}

static LLVMValueRef
make(lctx *c, jp_type *to, LLVMValueRef flag, LLVMValueRef v)
{
    LLVMValueRef r = LLVMConstNull(jp_llvm_type(c->ctx, to));
    r = LLVMBuildInsertValue(c->b, r, flag, 0, "");
    return LLVMBuildInsertValue(c->b, r, v, 1, "");
}

LLVMValueRef
jp_lower_optional_unwrap(lctx *c, LLVMValueRef v, jp_type *from, jp_type *to)
{
    char msg[300];
    if (from->kind != JP_OPTIONAL)
        return jp_cast(c, v, from, to);
    snprintf(msg, sizeof msg, "expected %s, got None", from->dtype->name);
    jp_check(c, LLVMBuildNot(c->b, flag_of(c, v, from), ""), PyExc_TypeError, msg);
    return jp_cast(c, value_of(c, v, from), from->dtype, to);
}

LLVMValueRef
jp_lower_optional_cast(lctx *c, LLVMValueRef v, jp_type *from, jp_type *to)
{
    if (to->kind != JP_OPTIONAL)
        return jp_lower_optional_unwrap(c, v, from, to);
    if (from->kind == JP_NONE)
        return LLVMConstNull(jp_llvm_type(c->ctx, to));
    if (from->kind == JP_OPTIONAL) {
        /* a None's value is zero, and converts to zero */
        LLVMValueRef inner = jp_cast(c, value_of(c, v, from), from->dtype, to->dtype);
        return make(c, to, flag_of(c, v, from), inner);
    }
    return make(c, to, flag_of(c, v, from), jp_cast(c, v, from, to->dtype));
}

LLVMValueRef
jp_lower_optional_truth(lctx *c, LLVMValueRef v, jp_type *t)
{
    return LLVMBuildAnd(c->b, flag_of(c, v, t), jp_truth(c, value_of(c, v, t), t->dtype), "");
}

/* Whether two present values are the same object (`is`) or equal. */
static LLVMValueRef
same_values(lctx *c, jp_cmpop op, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb)
{
    if ((op == CMP_IS || op == CMP_ISNOT) && ta->kind == JP_CLASS && tb->kind == JP_CLASS)
        return ta == tb ? LLVMBuildICmp(c->b, LLVMIntEQ, a, b, "")
                        : LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0);
    return jp_lower_compare(c, op == CMP_IS || op == CMP_ISNOT ? CMP_IS : CMP_EQ, a, ta, b, tb);
}

LLVMValueRef
jp_lower_optional_compare(lctx *c, jp_cmpop op, LLVMValueRef a, jp_type *ta, LLVMValueRef b, jp_type *tb)
{
    LLVMValueRef fa = flag_of(c, a, ta), fb = flag_of(c, b, tb), r;
    jp_type *pa = ta->kind == JP_OPTIONAL ? ta->dtype : ta, *pb = tb->kind == JP_OPTIONAL ? tb->dtype : tb;
    if (op != CMP_IS && op != CMP_ISNOT && op != CMP_EQ && op != CMP_NE)     /* <, in: need values */
        return jp_lower_compare(c, op, jp_lower_optional_unwrap(c, a, ta, pa), pa,
                                jp_lower_optional_unwrap(c, b, tb, pb), pb);
    if (ta->kind == JP_NONE || tb->kind == JP_NONE) {
        r = LLVMBuildNot(c->b, ta->kind == JP_NONE ? fb : fa, "");      /* x is None */
    } else {
        LLVMValueRef both_none = LLVMBuildNot(c->b, LLVMBuildOr(c->b, fa, fb, ""), "");
        LLVMValueRef both = LLVMBuildAnd(c->b, fa, fb, "");
        LLVMValueRef same = same_values(c, op, value_of(c, a, ta), pa, value_of(c, b, tb), pb);
        r = LLVMBuildOr(c->b, both_none, LLVMBuildAnd(c->b, both, same, ""), "");
    }
    return op == CMP_IS || op == CMP_EQ ? r : LLVMBuildNot(c->b, r, "");
}

LLVMValueRef
jp_lower_optional_expr(lctx *c, jp_node *n, LLVMValueRef (*lower_node)(lctx *, jp_node *))
{
    jp_type **slot = &c->inst->node_types[n->id], *want = *slot, *nat = c->inst->opt_natural[n->id];
    LLVMValueRef v;
    *slot = nat;        /* the node computes its Optional; its use wants the value */
    v = lower_node(c, n);
    *slot = want;
    return jp_lower_optional_unwrap(c, v, nat, want);
}
