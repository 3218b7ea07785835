/* gpu/device_intrinsics.c - what the CUDA and ROC intrinsics share
 * (device_intrinsics.h): the typing of shared/local arrays (a constant
 * shape, a numeric dtype) and of atomics (an int or float array, an index
 * per dimension), and their lowering up to the target-specific part (the
 * address space of a shared buffer, the atomic instruction itself). */
#include "gpu/device_intrinsics.h"
#include "jit/errors.h"

#include <string.h>

/* ---- typing ----------------------------------------------------------------------------- */

int
jp_device_const_int(jp_node *n, long long *v)
{
    if (n->kind == E_CONST && (n->u.cnst.type->kind == JP_INT || n->u.cnst.type->kind == JP_BOOL)) {
        *v = n->u.cnst.v.i;
        return 1;
    }
    return 0;
}

jp_node *
jp_device_arg_or_kw(jp_node *call, int pos, const char *kw)
{
    if (pos < call->u.call.nargs)
        return call->u.call.args[pos];
    for (int i = 0; i < call->u.call.nkw; i++)
        if (strcmp(call->u.call.kwnames[i], kw) == 0)
            return call->u.call.kwvalues[i];
    return NULL;
}

/* The number of dims of a constant shape (an int or a tuple of 1 to 8
 * ints, none negative), or -1. */
static int
const_shape(ictx *c, jp_node *n)
{
    long long v;
    if (n->kind == E_TUPLE) {
        if (n->u.tuple.n < 1 || n->u.tuple.n > 8)
            return -1;
        for (int i = 0; i < n->u.tuple.n; i++)
            if (!jp_device_const_int(n->u.tuple.elts[i], &v) || v < 0)
                return -1;
        jp_irecord(c, n, jp_type_none());
        return n->u.tuple.n;
    }
    return jp_device_const_int(n, &v) && v >= 0 ? 1 : -1;
}

jp_type *
jp_device_infer_fixed_array(ictx *c, jp_node *call, const char *target, const char *id)
{
    jp_node *shape = jp_device_arg_or_kw(call, 0, "shape"), *dtype = jp_device_arg_or_kw(call, 1, "dtype");
    int nd;
    jp_type *dt;
    if (shape == NULL || dtype == NULL)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "%s.%s(shape, dtype)", target, id);
    if ((nd = const_shape(c, shape)) < 0)
        return jp_error_at(JpTypingError, c->ir, shape, "write the shape as numbers",
                           "the shape of %s.%s must be a constant int or tuple of ints", target, id);
    if ((dt = jp_infer_dtype_arg(c, dtype)) == NULL)
        return NULL;
    if (!jp_is_number(dt))
        return jp_error_at(JpTypingError, c->ir, dtype, NULL, "%s.%s of %s", target, id, dt->name);
    return jp_type_array(dt, nd, 'C', 0);
}

jp_type *
jp_device_infer_atomic(ictx *c, jp_node *call, const char *target, const char *id)
{
    int want = strcmp(id, "atomic.cas") == 0 ? 4 : 3;
    jp_type *at, *it;
    if (call->u.call.nargs != want)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "%s.%s() takes %d arguments", target, id, want);
    if ((at = jp_ioperand(c, call->u.call.args[0])) == NULL || (it = jp_ioperand(c, call->u.call.args[1])) == NULL)
        return NULL;
    for (int i = 2; i < want; i++)
        if (jp_ioperand(c, call->u.call.args[i]) == NULL)
            return NULL;
    if (UNKNOWN(at) || UNKNOWN(it))
        return jp_type_unknown();
    if (at->kind != JP_ARRAY || !jp_is_number(at->dtype) || at->dtype->kind == JP_COMPLEX
        || at->dtype->kind == JP_BOOL)
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[0], NULL,
                           "%s.%s() needs an integer or float array, not %s", target, id, at->name);
    if (!(it->kind == JP_INT || (it->kind == JP_TUPLE && it->n == at->ndim)) || (it->kind == JP_INT && at->ndim != 1))
        return jp_error_at(JpTypingError, c->ir, call->u.call.args[1], NULL,
                           "%s.%s(): index a %dd array with %d integer(s)", target, id, at->ndim, at->ndim);
    if (at->dtype->kind == JP_FLOAT && strcmp(id, "atomic.cas") == 0)
        return jp_error_at(JpTypingError, c->ir, call, NULL, "%s.atomic.cas() needs an integer array", target);
    return at->dtype;
}

/* ---- lowering --------------------------------------------------------------------------- */

/* A C-ordered array over `data` with the constant dims of shape_node. */
static LLVMValueRef
fixed_array(lctx *c, jp_type *t, LLVMValueRef data, jp_node *shape_node)
{
    LLVMValueRef shape[8], strides[8];
    long long dims[8], stride = (long long)t->dtype->size;
    LLVMValueRef flat_null = LLVMConstNull(LLVMPointerTypeInContext(c->ctx, 0));
    int nd = t->ndim;
    if (shape_node->kind == E_TUPLE)
        for (int i = 0; i < nd; i++)
            dims[i] = shape_node->u.tuple.elts[i]->u.cnst.v.i;
    else
        dims[0] = shape_node->u.cnst.v.i;
    for (int k = nd - 1; k >= 0; k--) {
        shape[k] = jp_const_i64(c, dims[k]);
        strides[k] = jp_const_i64(c, stride);
        stride *= dims[k];
    }
    return jp_arr_make(c, t, flat_null, flat_null, data, shape, strides);
}

static long long
total_elements(jp_node *shape_node)
{
    long long n = 1;
    if (shape_node->kind == E_TUPLE)
        for (int i = 0; i < shape_node->u.tuple.n; i++)
            n *= shape_node->u.tuple.elts[i]->u.cnst.v.i;
    else
        n = shape_node->u.cnst.v.i;
    return n;
}

LLVMValueRef
jp_device_lower_fixed_array(lctx *c, jp_node *call, const char *gname, unsigned as)
{
    jp_type *rt = jp_node_type(c, call);
    jp_node *shape = jp_device_arg_or_kw(call, 0, "shape");
    long long total = total_elements(shape);
    LLVMTypeRef arrt = LLVMArrayType2(jp_llvm_type(c->ctx, rt->dtype), (unsigned long long)(total ? total : 1));
    LLVMValueRef data;
    if (gname) {
        /* one group-wide buffer per call site; it starts undefined, as in CUDA C
         * (AMDGPU's LDS takes no initializer) */
        LLVMValueRef g = LLVMAddGlobalInAddressSpace(c->mod, arrt, gname, as);
        LLVMSetInitializer(g, LLVMGetUndef(arrt));
        LLVMSetLinkage(g, LLVMInternalLinkage);
        LLVMSetAlignment(g, 16);
        data = LLVMBuildAddrSpaceCast(c->b, g, LLVMPointerTypeInContext(c->ctx, 0), "");
    } else {
        data = jp_alloca(c, arrt, "local");
    }
    return fixed_array(c, rt, data, shape);
}

LLVMValueRef
jp_device_atomic_operands(lctx *c, jp_node *call, LLVMValueRef *vals)
{
    jp_node *an = call->u.call.args[0], *in = call->u.call.args[1];
    jp_type *at = jp_node_type(c, an), *dt = at->dtype, *it = jp_node_type(c, in);
    LLVMValueRef arr = jp_lower_expr(c, an), iv = jp_lower_expr(c, in), idx[8], p;
    int count;
    if (it->kind == JP_TUPLE) {
        for (int i = 0; i < it->n; i++)
            idx[i] = jp_cast(c, LLVMBuildExtractValue(c->b, iv, (unsigned)i, ""), it->elems[i], jp_type_int(64, 1));
        count = it->n;
    } else {
        idx[0] = jp_cast(c, iv, it, jp_type_int(64, 1));
        count = 1;
    }
    for (int k = 0; k < count; k++) {       /* negative indices wrap, as in Python */
        LLVMValueRef size = jp_arr_field(c, arr, 3, k);
        LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, idx[k], jp_const_i64(c, 0), "");
        idx[k] = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, idx[k], size, ""), idx[k], "");
    }
    p = jp_arr_elem_ptr(c, arr, at, idx, count);
    for (int i = 2; i < call->u.call.nargs; i++)
        vals[i - 2] = jp_cast(c, jp_lower_expr(c, call->u.call.args[i]), jp_node_type(c, call->u.call.args[i]), dt);
    return p;
}

LLVMAtomicRMWBinOp
jp_device_atomic_binop(const char *op, jp_type *dt, const char **ir_name)
{
    int is_float = dt->kind == JP_FLOAT, is_signed = dt->kind == JP_INT && dt->is_signed;
    if (strcmp(op, "add") == 0) {
        *ir_name = is_float ? "fadd" : "add";
        return is_float ? LLVMAtomicRMWBinOpFAdd : LLVMAtomicRMWBinOpAdd;
    }
    if (strcmp(op, "sub") == 0) {
        *ir_name = is_float ? "fsub" : "sub";
        return is_float ? LLVMAtomicRMWBinOpFSub : LLVMAtomicRMWBinOpSub;
    }
    if (strcmp(op, "max") == 0) {
        *ir_name = is_float ? "fmax" : is_signed ? "max" : "umax";
        return is_float ? LLVMAtomicRMWBinOpFMax : is_signed ? LLVMAtomicRMWBinOpMax : LLVMAtomicRMWBinOpUMax;
    }
    if (strcmp(op, "min") == 0) {
        *ir_name = is_float ? "fmin" : is_signed ? "min" : "umin";
        return is_float ? LLVMAtomicRMWBinOpFMin : is_signed ? LLVMAtomicRMWBinOpMin : LLVMAtomicRMWBinOpUMin;
    }
    *ir_name = "xchg";
    return LLVMAtomicRMWBinOpXchg;
}
