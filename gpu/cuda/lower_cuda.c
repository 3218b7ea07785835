/* gpu/cuda/lower_cuda.c - CUDA intrinsics in device code (NVPTX): special
 * registers (threadIdx, blockIdx, blockDim, gridDim), cuda.grid/gridsize,
 * barriers, shared arrays (address space 3 globals), local arrays
 * (allocas) and atomics (atomicrmw / cmpxchg). */
#include "gpu/cuda/cuda_target.h"
#include "jit/lower.h"

#include <string.h>

static LLVMValueRef
sreg(lctx *c, const char *reg, char axis)
{
    char name[64];
    LLVMTypeRef i32 = LLVMInt32TypeInContext(c->ctx);
    LLVMValueRef v;
    snprintf(name, sizeof name, "llvm.nvvm.read.ptx.sreg.%s.%c", reg, axis);
    v = jp_call_extern(c, name, i32, NULL, 0);
    return LLVMBuildZExt(c->b, v, LLVMInt64TypeInContext(c->ctx), "");
}

static LLVMValueRef
jp_lower_cuda_value(lctx *c, jp_node *n)
{
    const char *id = n->u.callee.name + 5;      /* past "sreg:" */
    const char *dot = strchr(id, '.');
    char reg[16];
    if (strcmp(id, "warpsize") == 0)
        return jp_const_i64(c, 32);
    if (dot == NULL || (size_t)(dot - id) >= sizeof reg)
        return jp_const_i64(c, 0);
    memcpy(reg, id, (size_t)(dot - id));
    reg[dot - id] = '\0';
    return sreg(c, reg, dot[1]);
}

static LLVMValueRef
index_value(lctx *c, jp_node *n, int *count, LLVMValueRef *out)
{
    jp_type *t = jp_node_type(c, n);
    LLVMValueRef v = jp_lower_expr(c, n);
    if (t->kind == JP_TUPLE) {
        for (int i = 0; i < t->n; i++)
            out[i] = jp_cast(c, LLVMBuildExtractValue(c->b, v, (unsigned)i, ""), t->elems[i], jp_type_int(64, 1));
        *count = t->n;
    } else {
        out[0] = jp_cast(c, v, t, jp_type_int(64, 1));
        *count = 1;
    }
    return v;
}

/* A C-ordered array over `data` with constant dims. */
static LLVMValueRef
fixed_array(lctx *c, jp_type *t, LLVMValueRef data, jp_node *shape_node)
{
    LLVMValueRef shape[8], strides[8], stride;
    long long dims[8];
    int nd = t->ndim;
    if (shape_node->kind == E_TUPLE)
        for (int i = 0; i < nd; i++)
            dims[i] = shape_node->u.tuple.elts[i]->u.cnst.v.i;
    else
        dims[0] = shape_node->u.cnst.v.i;
    stride = jp_const_i64(c, (long long)t->dtype->size);
    for (int k = nd - 1; k >= 0; k--) {
        shape[k] = jp_const_i64(c, dims[k]);
        strides[k] = stride;
        stride = jp_const_i64(c, LLVMConstIntGetSExtValue(stride) * dims[k]);
    }
    return jp_arr_make(c, t, LLVMConstNull(LLVMPointerTypeInContext(c->ctx, 0)),
                       LLVMConstNull(LLVMPointerTypeInContext(c->ctx, 0)), data, shape, strides);
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

static LLVMValueRef
jp_lower_cuda_call(lctx *c, jp_node *n)
{
    const char *id = n->u.call.func->u.callee.name;
    jp_type *rt = jp_node_type(c, n);
    LLVMTypeRef ptr = LLVMPointerTypeInContext(c->ctx, 0);

    if (strcmp(id, "grid") == 0 || strcmp(id, "gridsize") == 0) {
        int nd = (int)n->u.call.args[0]->u.cnst.v.i;
        LLVMValueRef v[3];
        for (int d = 0; d < nd; d++) {
            char axis = "xyz"[d];
            if (id[4] == '\0')      /* grid: threadIdx + blockIdx * blockDim */
                v[d] = LLVMBuildAdd(c->b, sreg(c, "tid", axis),
                                    LLVMBuildMul(c->b, sreg(c, "ctaid", axis), sreg(c, "ntid", axis), ""), "");
            else                    /* gridsize: blockDim * gridDim */
                v[d] = LLVMBuildMul(c->b, sreg(c, "ntid", axis), sreg(c, "nctaid", axis), "");
        }
        if (nd == 1)
            return v[0];
        {
            LLVMValueRef t = LLVMGetUndef(jp_llvm_type(c->ctx, rt));  /* every element is inserted below */
            for (int d = 0; d < nd; d++)
                t = LLVMBuildInsertValue(c->b, t, v[d], (unsigned)d, "");
            return t;
        }
    }
    if (strcmp(id, "syncthreads") == 0) {
        jp_call_extern(c, "llvm.nvvm.barrier0", LLVMVoidTypeInContext(c->ctx), NULL, 0);
        return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
    }
    if (strcmp(id, "threadfence") == 0) {
        jp_call_extern(c, "llvm.nvvm.membar.gl", LLVMVoidTypeInContext(c->ctx), NULL, 0);
        return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
    }
    if (strcmp(id, "syncwarp") == 0) {
        LLVMValueRef mask = LLVMConstInt(LLVMInt32TypeInContext(c->ctx), 0xffffffffu, 0);
        jp_call_extern(c, "llvm.nvvm.bar.warp.sync", LLVMVoidTypeInContext(c->ctx), &mask, 1);
        return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
    }
    if (strcmp(id, "shared.array") == 0 || strcmp(id, "local.array") == 0) {
        jp_node *shape = n->u.call.nargs > 0 ? n->u.call.args[0] : NULL;
        for (int i = 0; shape == NULL && i < n->u.call.nkw; i++)
            if (strcmp(n->u.call.kwnames[i], "shape") == 0)
                shape = n->u.call.kwvalues[i];
        long long total = total_elements(shape);
        LLVMTypeRef arrt = LLVMArrayType2(jp_llvm_type(c->ctx, rt->dtype), (unsigned long long)(total ? total : 1));
        LLVMValueRef data;
        if (id[0] == 's') {
            /* one block-wide buffer per call site, in shared memory */
            LLVMValueRef g = LLVMAddGlobalInAddressSpace(c->mod, arrt, "shared", 3);
            LLVMSetInitializer(g, LLVMGetUndef(arrt));     /* shared memory starts uninitialised, as in CUDA C */
            LLVMSetLinkage(g, LLVMInternalLinkage);
            LLVMSetAlignment(g, 16);
            data = LLVMBuildAddrSpaceCast(c->b, g, ptr, "");
        } else {
            data = jp_alloca(c, arrt, "local");
        }
        return fixed_array(c, rt, data, shape);
    }
    if (strncmp(id, "atomic.", 7) == 0) {
        jp_node *an = n->u.call.args[0];
        jp_type *at = jp_node_type(c, an), *dt = at->dtype;
        LLVMValueRef arr = jp_lower_expr(c, an), idx[8], p, v;
        int count;
        const char *op = id + 7;
        int is_float = dt->kind == JP_FLOAT, is_signed = dt->kind == JP_INT && dt->is_signed;
        index_value(c, n->u.call.args[1], &count, idx);
        for (int k = 0; k < count; k++) {
            LLVMValueRef size = jp_arr_field(c, arr, 3, k);
            LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, idx[k], jp_const_i64(c, 0), "");
            idx[k] = LLVMBuildSelect(c->b, neg, LLVMBuildAdd(c->b, idx[k], size, ""), idx[k], "");
        }
        p = jp_arr_elem_ptr(c, arr, at, idx, count);
        v = jp_cast(c, jp_lower_expr(c, n->u.call.args[2]), jp_node_type(c, n->u.call.args[2]), dt);
        if (strcmp(op, "cas") == 0) {
            LLVMValueRef nv = jp_cast(c, jp_lower_expr(c, n->u.call.args[3]), jp_node_type(c, n->u.call.args[3]), dt);
            LLVMValueRef pair = LLVMBuildAtomicCmpXchg(c->b, p, v, nv, LLVMAtomicOrderingSequentiallyConsistent,
                                                       LLVMAtomicOrderingSequentiallyConsistent, 0);
            return LLVMBuildExtractValue(c->b, pair, 0, "");
        }
        {
            LLVMAtomicRMWBinOp bop;
            if (strcmp(op, "add") == 0)
                bop = is_float ? LLVMAtomicRMWBinOpFAdd : LLVMAtomicRMWBinOpAdd;
            else if (strcmp(op, "sub") == 0)
                bop = is_float ? LLVMAtomicRMWBinOpFSub : LLVMAtomicRMWBinOpSub;
            else if (strcmp(op, "max") == 0)
                bop = is_float ? LLVMAtomicRMWBinOpFMax : is_signed ? LLVMAtomicRMWBinOpMax : LLVMAtomicRMWBinOpUMax;
            else if (strcmp(op, "min") == 0)
                bop = is_float ? LLVMAtomicRMWBinOpFMin : is_signed ? LLVMAtomicRMWBinOpMin : LLVMAtomicRMWBinOpUMin;
            else
                bop = LLVMAtomicRMWBinOpXchg;
            return LLVMBuildAtomicRMW(c->b, bop, p, v, LLVMAtomicOrderingSequentiallyConsistent, 0);
        }
    }
    return jp_lower_unhandled(c, jp_llvm_type(c->ctx, rt), "the CUDA intrinsic '%s'", id);
}

LLVMValueRef
jp_cuda_lower_intrinsic(lctx *c, jp_node *n, int call)
{
    return call ? jp_lower_cuda_call(c, n) : jp_lower_cuda_value(c, n);
}
