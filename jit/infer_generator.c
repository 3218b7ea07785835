/* jit/infer_generator.c - typing generator functions: every `yield`
 * unifies into the instance's yield type, and the instance returns
 * generator(yield type).  A generator's `return` stops it; a returned
 * value (StopIteration.value) is not supported, as in Numba. */
#include "jit/infer.h"
#include "jit/errors.h"

jp_type *
jp_infer_yield(ictx *c, jp_node *n)
{
    jp_type *t = n->u.expr.value ? jp_ioperand(c, n->u.expr.value) : jp_type_none();
    jp_type *cur = c->inst->yield_type, *u;
    if (t == NULL || UNKNOWN(t))
        return t;
    if (t->kind == JP_RANGE || t->kind == JP_ITER || t->kind == JP_GENERATOR)
        return jp_error_at(JpUnsupportedError, c->ir, n, NULL, "yielding a %s is not supported", t->name);
    if (cur == NULL || UNKNOWN(cur))
        u = t;
    else if ((u = jp_type_unify(cur, t)) == NULL)
        return jp_error_at(JpTypingError, c->ir, n, "every yield must give the same type (int64 and float64 unify to float64)",
                           "cannot unify yielded types %s and %s", cur->name, t->name);
    if (u != cur) {
        c->inst->yield_type = u;
        c->inst->changed = 1;
    }
    return jp_type_none();      /* send() is not supported: a yield expression is None */
}

int
jp_infer_generator_return(ictx *c, jp_node *s)
{
    jp_node *v = s->u.expr.value;
    if (v && !(v->kind == E_CONST && v->u.cnst.type->kind == JP_NONE)) {
        jp_error_at(JpUnsupportedError, c->ir, s, "use a bare `return` to stop the generator",
                    "returning a value from a generator is not supported");
        return -1;
    }
    return 0;
}

int
jp_infer_generator_finish(ictx *c)
{
    jp_type *y = c->inst->yield_type, *g;
    if (y == NULL || UNKNOWN(y)) {
        if (!c->final)
            return 0;
        y = c->inst->yield_type = jp_type_none();     /* never yields */
    }
    if ((g = jp_type_generator(y)) == NULL)
        return -1;
    if (g != c->inst->ret) {
        c->inst->ret = g;
        c->inst->changed = 1;
    }
    return 0;
}
