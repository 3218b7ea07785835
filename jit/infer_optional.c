/* jit/infer_optional.c - typing of Optional(T) values.
 *
 * A local keeps one type for the whole function, so `x = None` on one path
 * and `x = 1.5` on another make x an Optional(float64) (types_optional.c
 * unifies None with T).  Where such a value is used as a T (an operand, an
 * index, a receiver) the use is typed T and lowering unwraps it, raising
 * TypeError when it is None, as Numba does; inside `if x is not None:` the
 * check always passes and LLVM folds it away.  A few places keep the
 * Optional instead: assignments, returns, `is`/`==` tests against None,
 * conditions, call arguments, tuple items, jitclass fields of Optional type.
 *
 * A local that is only None so far (`best = None` before the loop that
 * assigns it) reads as undefined where a value is needed until typing
 * reaches its fixed point, so `v > best` waits for best to become
 * Optional(float64) instead of failing on None; where it is kept (passed,
 * assigned, returned) it is None.
 *
 * The per-node record: inst->opt_natural[id] is the Optional type a node
 * computes when its use was typed as the payload (node_types[id]).
 */
#include "jit/infer.h"
#include "jit/infer_optional.h"

jp_type *
jp_infer_optional_use(ictx *c, jp_node *n, jp_type *t)
{
    if (t == NULL || t->kind != JP_OPTIONAL)
        return t;
    c->inst->opt_natural[n->id] = t;
    c->inst->node_types[n->id] = t->dtype;
    return t->dtype;
}

jp_type *
jp_infer_optional_keep(ictx *c, jp_node *n, jp_type *t)
{
    jp_type *nat;
    if (t && t->kind == JP_UNKNOWN && n->kind == E_LOCAL && c->inst->node_types[n->id]->kind == JP_NONE)
        return c->inst->node_types[n->id];     /* a local that is None so far (jp_ioperand) */
    if (t == NULL || (nat = c->inst->opt_natural[n->id]) == NULL)
        return t;
    c->inst->opt_natural[n->id] = NULL;
    c->inst->node_types[n->id] = nat;
    return nat;
}

int
jp_infer_optional_none_test(jp_cmpop op, jp_type *a, jp_type *b)
{
    if (op == CMP_IS || op == CMP_ISNOT)
        return 1;
    return (op == CMP_EQ || op == CMP_NE) && (a->kind == JP_NONE || b->kind == JP_NONE);
}
