/* jit/lower_fuse.c - array expressions fused into one loop.
 *
 * A tree of elementwise operations on arrays (+ - * / // % ** & | ^ << >>,
 * unary - ~, comparisons, and NumPy's elementwise functions np.sqrt,
 * np.exp, np.minimum, np.where, ...) is lowered as ONE broadcasting loop
 * (jp_elementwise) that computes every element of the whole tree in
 * registers and writes the result once: no temporary array per operator.
 *
 * The leaves of the tree (array variables, views, scalars, and any array
 * expression that is not elementwise, such as a.sum(axis=0) or a @ b) are
 * evaluated first, left to right, once each.  Each inner node computes in
 * the element type typing gave it (NumPy's promotion, NEP 50), so a fused
 * tree gives exactly what the operator-by-operator evaluation gives.
 *
 * In place (a += e, a[1:-1] = e, a[:] *= e): the destination is the loop's
 * output; a leaf whose memory overlaps the destination, other than the
 * destination itself element for element, is copied first (jp_elementwise
 * does it), so the result equals NumPy's, which computes the right-hand
 * side fully before it writes.
 */
#include "jit/lower.h"
#include "jit/numpy_funcs.h"

typedef struct fuse {
    int nleaf;
    jp_node *leaf[JP_EW_MAX_IN];        /* NULL: the destination (in-place operators) */
    LLVMValueRef val[JP_EW_MAX_IN];
    jp_type *type[JP_EW_MAX_IN];
    jp_type *bound[JP_EW_MAX_IN];       /* the integer dtype a scalar int leaf must fit (NEP 50), or NULL */
    jp_node *root;
    int aug_op;                         /* -1: out = root; else out = out aug_op root */
    jp_type *work;                      /* in place: the element type of aug_op */
    jp_type *odt;                       /* the output's element type */
    /* while the kernel runs */
    LLVMValueRef *vals;
    jp_type **types;
    int pos;
} fuse;

/* Whether n is an elementwise operation on arrays that fuses. */
static int
is_op(lctx *c, jp_node *n)
{
    jp_type *t = jp_node_type(c, n);
    if (t == NULL || t->kind != JP_ARRAY)
        return 0;
    switch (n->kind) {
    case E_BINOP:
        return n->u.binop.op != OP_MATMUL;
    case E_UNARY:
        return n->u.unary.op != UOP_NOT;
    case E_COMPARE:
        return n->u.compare.n == 1 && n->u.compare.ops[0] <= CMP_GE;
    case E_CALL: {
        jp_node *f = n->u.call.func;
        int nargs = n->u.call.nargs;
        jp_np_kind kind;
        if (f->kind != E_CALLEE || f->u.callee.kind != CALLEE_NUMPY || n->u.call.nkw)
            return 0;
        kind = jp_np_table[f->u.callee.id].kind;
        return (kind == NPK_UNARY && nargs == 1) || (kind == NPK_BINARY && nargs == 2)
               || (kind == NPK_WHERE && nargs == 3);
    }
    default:
        return 0;
    }
}

static int
children(jp_node *n, jp_node **kids)
{
    switch (n->kind) {
    case E_BINOP:
        kids[0] = n->u.binop.left;
        kids[1] = n->u.binop.right;
        return 2;
    case E_UNARY:
        kids[0] = n->u.unary.operand;
        return 1;
    case E_COMPARE:
        kids[0] = n->u.compare.operands[0];
        kids[1] = n->u.compare.operands[1];
        return 2;
    default:
        for (int i = 0; i < n->u.call.nargs; i++)
            kids[i] = n->u.call.args[i];
        return n->u.call.nargs;
    }
}

/* The leaves of the tree at n, in evaluation order; 0 when there are too many.
 * bound: the integer dtype of the arithmetic operator n feeds, if any: a
 * Python int operand of an integer array must fit it (int8 + 300 is an
 * OverflowError under NEP 50, as jp_lower_array_binop checks unfused). */
static int
collect(lctx *c, fuse *f, jp_node *n, jp_type *bound)
{
    jp_node *kids[3];
    jp_type *t, *kid_bound = NULL;
    int nk;
    if (!is_op(c, n)) {
        if (f->nleaf == JP_EW_MAX_IN)
            return 0;
        f->bound[f->nleaf] = bound;
        f->leaf[f->nleaf++] = n;
        return 1;
    }
    t = jp_node_type(c, n);
    if (n->kind == E_BINOP && t->kind == JP_ARRAY && t->dtype->kind == JP_INT)
        kid_bound = t->dtype;
    nk = children(n, kids);
    for (int i = 0; i < nk; i++)
        if (!collect(c, f, kids[i], kid_bound))
            return 0;
    return 1;
}

static jp_type *
elem(jp_type *t)
{
    return t->kind == JP_ARRAY ? t->dtype : t;
}

/* The exponent node a constant-power lowering may read (a scalar only). */
static jp_node *
scalar_right(lctx *c, jp_node *r)
{
    return jp_node_type(c, r)->kind == JP_ARRAY ? NULL : r;
}

/* One element of n, in its element type (*et). */
static LLVMValueRef
eval(lctx *c, fuse *f, jp_node *n, jp_type **et)
{
    jp_type *rt;
    if (!is_op(c, n)) {
        int k = f->pos++;
        *et = f->types[k];
        return f->vals[k];
    }
    rt = jp_node_type(c, n)->dtype;
    *et = rt;
    switch (n->kind) {
    case E_BINOP: {
        jp_type *ta, *tb;
        LLVMValueRef a = eval(c, f, n->u.binop.left, &ta);
        LLVMValueRef b = eval(c, f, n->u.binop.right, &tb);
        jp_node *right = n->u.binop.op == OP_POW ? scalar_right(c, n->u.binop.right) : NULL;
        return jp_lower_binop(c, n->u.binop.op, a, ta, b, tb, rt, right);
    }
    case E_UNARY: {
        jp_type *ta;
        LLVMValueRef v = eval(c, f, n->u.unary.operand, &ta);
        return jp_lower_unary_elem(c, n->u.unary.op, jp_cast(c, v, ta, rt), rt);
    }
    case E_COMPARE: {
        jp_type *ta, *tb;
        LLVMValueRef a = eval(c, f, n->u.compare.operands[0], &ta);
        LLVMValueRef b = eval(c, f, n->u.compare.operands[1], &tb);
        return jp_lower_compare(c, n->u.compare.ops[0], a, ta, b, tb);
    }
    default: {
        LLVMValueRef vals[3];
        jp_type *types[3];
        for (int i = 0; i < n->u.call.nargs; i++)
            vals[i] = eval(c, f, n->u.call.args[i], &types[i]);
        return jp_numpy_elem(c, n->u.call.func->u.callee.id, vals, types, rt);
    }
    }
}

static LLVMValueRef
kernel(lctx *c, void *vctx, LLVMValueRef *vals, jp_type **types)
{
    fuse *f = vctx;
    jp_type *et;
    LLVMValueRef r;
    f->vals = vals;
    f->types = types;
    f->pos = f->aug_op >= 0 ? 1 : 0;
    r = eval(c, f, f->root, &et);
    if (f->aug_op >= 0) {
        jp_node *right = f->aug_op == OP_POW ? scalar_right(c, f->root) : NULL;
        r = jp_lower_binop(c, (jp_binop)f->aug_op, vals[0], types[0], r, et, f->work, right);
        et = f->work;
    }
    return jp_cast(c, r, et, f->odt);
}

int
jp_fusable(lctx *c, jp_node *n)
{
    return !c->gpu && is_op(c, n);
}

LLVMValueRef
jp_lower_fused(lctx *c, jp_node *n, LLVMValueRef out, jp_type *ot, int aug_op)
{
    fuse f = {0};
    jp_type *rt;

    if (c->gpu || (!is_op(c, n) && (out == NULL || aug_op < 0)))
        return NULL;    /* nothing to fuse: a plain copy or fill takes jp_elementwise directly */
    f.root = n;
    f.aug_op = out ? aug_op : -1;
    if (f.aug_op >= 0)
        f.nleaf = 1;                    /* the destination is the first input */
    if (!collect(c, &f, n, NULL))
        return NULL;
    if (f.aug_op >= 0 && !is_op(c, n) && ot->dtype->kind == JP_INT)
        f.bound[1] = ot->dtype;         /* a += 300: the lone right-hand leaf */
    for (int k = 0; k < f.nleaf; k++) {
        if (f.aug_op >= 0 && k == 0) {
            f.val[0] = out;
            f.type[0] = ot;
            continue;
        }
        f.val[k] = jp_lower_expr(c, f.leaf[k]);
        f.type[k] = jp_node_type(c, f.leaf[k]);
        if (f.bound[k] && f.type[k]->kind == JP_INT)
            jp_check_int_bounds(c, f.val[k], f.type[k], f.bound[k]);
    }
    rt = out ? ot : jp_node_type(c, n);
    f.odt = rt->dtype;
    if (f.aug_op >= 0) {
        /* as jp_lower_array_binop in place: compute in the unified type,
         * store in the destination's */
        jp_type *eb = elem(jp_node_type(c, n));
        f.work = jp_type_unify(ot->dtype, eb);
        if (f.work == NULL || !jp_is_number(f.work))
            f.work = ot->dtype;
        if (aug_op == OP_TRUEDIV && f.work->kind != JP_FLOAT && f.work->kind != JP_COMPLEX)
            f.work = jp_type_float(64);
    }
    return jp_elementwise(c, rt, out, f.nleaf, f.val, f.type, kernel, &f);
}

int
jp_lower_fused_sum(lctx *c, jp_node *n, LLVMValueRef acc, jp_type *acc_t)
{
    fuse f = {0};
    if (c->gpu || !is_op(c, n))
        return 0;
    f.root = n;
    f.aug_op = -1;
    if (!collect(c, &f, n, NULL))
        return 0;
    for (int k = 0; k < f.nleaf; k++) {
        f.val[k] = jp_lower_expr(c, f.leaf[k]);
        f.type[k] = jp_node_type(c, f.leaf[k]);
        if (f.bound[k] && f.type[k]->kind == JP_INT)
            jp_check_int_bounds(c, f.val[k], f.type[k], f.bound[k]);
    }
    f.odt = jp_node_type(c, n)->dtype;
    jp_elementwise_sum(c, jp_node_type(c, n), f.nleaf, f.val, f.type, kernel, &f, acc, acc_t);
    return 1;
}
