/* jit/lower_np_shape.c - views that reorder an array's axes given at run
 * time: a.transpose(axes) / np.transpose(a, axes) / a.transpose(i, j, k).
 * The result shares the array's memory (a new reference to its meminfo);
 * axes are checked as NumPy checks them (each axis once, in range). */
#include "jit/lower.h"

/* axes: one tuple node, or one int node per dimension (naxes of them) */
LLVMValueRef
jp_lower_transpose_axes(lctx *c, LLVMValueRef arr, jp_type *t, jp_node **axes, int naxes, jp_type *rt)
{
    LLVMTypeRef i64 = LLVMInt64TypeInContext(c->ctx), vec = LLVMArrayType2(i64, (unsigned)t->ndim);
    LLVMValueRef ax[32], shape[32], strides[32], shp, str, seen = jp_const_i64(c, 0);
    LLVMValueRef oob = LLVMConstInt(LLVMInt1TypeInContext(c->ctx), 0, 0), rep = oob, r;
    int nd = t->ndim;
    if (naxes == 1 && jp_node_type(c, axes[0])->kind == JP_TUPLE) {
        jp_type *tt = jp_node_type(c, axes[0]);
        LLVMValueRef v = jp_lower_expr(c, axes[0]);
        for (int k = 0; k < tt->n && k < nd; k++)
            ax[k] = jp_cast(c, LLVMBuildExtractValue(c->b, v, (unsigned)k, ""), tt->elems[k], jp_type_int(64, 1));
    } else {
        for (int k = 0; k < naxes && k < nd; k++)
            ax[k] = jp_cast(c, jp_lower_expr(c, axes[k]), jp_node_type(c, axes[k]), jp_type_int(64, 1));
    }
    shp = jp_alloca(c, vec, "tr.shape");
    str = jp_alloca(c, vec, "tr.strides");
    for (int d = 0; d < nd; d++) {
        LLVMValueRef idx[2] = {jp_const_i64(c, 0), jp_const_i64(c, d)};
        LLVMBuildStore(c->b, jp_arr_field(c, arr, 3, d), LLVMBuildInBoundsGEP2(c->b, vec, shp, idx, 2, ""));
        LLVMBuildStore(c->b, jp_arr_field(c, arr, 4, d), LLVMBuildInBoundsGEP2(c->b, vec, str, idx, 2, ""));
    }
    for (int k = 0; k < nd; k++) {
        LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, ax[k], jp_const_i64(c, 0), "");
        LLVMValueRef v = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, ax[k], jp_const_i64(c, nd), ""), ax[k], "");
        LLVMValueRef bad = LLVMBuildICmp(c->b, LLVMIntUGE, v, jp_const_i64(c, nd), "");
        LLVMValueRef bit;
        oob = LLVMBuildOr(c->b, oob, bad, "");
        ax[k] = LLVMBuildSelect(c->b, bad, jp_const_i64(c, 0), v, "");
        bit = LLVMBuildShl(c->b, jp_const_i64(c, 1), ax[k], "");
        rep = LLVMBuildOr(c->b, rep, LLVMBuildICmp(c->b, LLVMIntNE, LLVMBuildAnd(c->b, seen, bit, ""),
                                                   jp_const_i64(c, 0), ""), "");
        seen = LLVMBuildOr(c->b, seen, bit, "");
    }
    jp_check(c, oob, PyExc_ValueError, "axis is out of bounds for the array in transpose()");
    jp_check(c, rep, PyExc_ValueError, "repeated axis in transpose");
    for (int k = 0; k < nd; k++) {
        LLVMValueRef idx[2] = {jp_const_i64(c, 0), ax[k]};
        shape[k] = LLVMBuildLoad2(c->b, i64, LLVMBuildInBoundsGEP2(c->b, vec, shp, idx, 2, ""), "");
        strides[k] = LLVMBuildLoad2(c->b, i64, LLVMBuildInBoundsGEP2(c->b, vec, str, idx, 2, ""), "");
    }
    r = jp_arr_make(c, rt, jp_arr_field(c, arr, 0, 0), jp_arr_field(c, arr, 1, 0), jp_arr_field(c, arr, 2, 0),
                    shape, strides);
    jp_incref(c, r, rt);
    jp_register_temp(c, r, rt);
    return r;
}
