/* gpu/cuda/lower_cuda.c - CUDA intrinsics in device code (NVPTX): special
 * registers (threadIdx, blockIdx, blockDim, gridDim), cuda.grid/gridsize,
 * barriers, shared arrays (address space 3 globals), local arrays
 * (allocas) and atomics (atomicrmw / cmpxchg). */
#include "gpu/cuda/cuda_target.h"
#include "gpu/device_intrinsics.h"
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
jp_lower_cuda_call(lctx *c, jp_node *n)
{
    const char *id = n->u.call.func->u.callee.name;
    jp_type *rt = jp_node_type(c, n);

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
    if (strcmp(id, "shared.array") == 0 || strcmp(id, "local.array") == 0)
        return jp_device_lower_fixed_array(c, n, id[0] == 's' ? "shared" : NULL, 3);
    if (strncmp(id, "atomic.", 7) == 0) {
        LLVMValueRef v[2], p = jp_device_atomic_operands(c, n, v);
        const char *op = id + 7, *ir_name;
        if (strcmp(op, "cas") == 0) {
            LLVMValueRef pair = LLVMBuildAtomicCmpXchg(c->b, p, v[0], v[1], LLVMAtomicOrderingSequentiallyConsistent,
                                                       LLVMAtomicOrderingSequentiallyConsistent, 0);
            return LLVMBuildExtractValue(c->b, pair, 0, "");
        }
        return LLVMBuildAtomicRMW(c->b, jp_device_atomic_binop(op, rt, &ir_name), p, v[0],
                                  LLVMAtomicOrderingSequentiallyConsistent, 0);
    }
    return jp_lower_unhandled(c, jp_llvm_type(c->ctx, rt), "the CUDA intrinsic '%s'", id);
}

LLVMValueRef
jp_cuda_lower_intrinsic(lctx *c, jp_node *n, int call)
{
    return call ? jp_lower_cuda_call(c, n) : jp_lower_cuda_value(c, n);
}
