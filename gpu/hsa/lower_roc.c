/* gpu/hsa/lower_roc.c - jitprofile.roc's intrinsics in device code
 * (amdgcn): ids from llvm.amdgcn.workitem.id / workgroup.id, sizes from
 * the AQL dispatch packet (llvm.amdgcn.dispatch.ptr: valid for every
 * code object version, nothing for the host to fill), barriers, fences
 * and scoped atomics as calls to the jp.roc.* helpers codeobj.c defines
 * in IR (LLVM 19's C API has no sync scopes), shared arrays as
 * address-space-3 globals, local arrays as allocas (codeobj.c moves them
 * to the private address space, 5). */
#include "gpu/device_intrinsics.h"
#include "gpu/hsa/roc_intrinsics.h"
#include "gpu/hsa/roc_target.h"

#include <stdio.h>
#include <string.h>

#define AS_LOCAL 3
#define AS_CONSTANT 4

/* hsa_kernel_dispatch_packet_t (hsa.h) */
#define PACKET_SETUP 2          /* u16: dimensions in bits 0-1 */
#define PACKET_WG_SIZE 4        /* u16 workgroup_size_x/y/z */
#define PACKET_GRID_SIZE 12     /* u32 grid_size_x/y/z, in work-items */
/* COV5 hidden arguments (llvm.amdgcn.implicitarg.ptr) */
#define HIDDEN_DYNAMIC_LDS 120  /* u32 hidden_dynamic_lds_size */

static LLVMValueRef
i64(lctx *c, LLVMValueRef v)
{
    return LLVMBuildZExt(c->b, v, LLVMInt64TypeInContext(c->ctx), "");
}

static LLVMValueRef
id_reg(lctx *c, const char *what, int dim)
{
    char name[48];
    snprintf(name, sizeof name, "llvm.amdgcn.%s.id.%c", what, "xyz"[dim]);
    return i64(c, jp_call_extern(c, name, LLVMInt32TypeInContext(c->ctx), NULL, 0));
}

/* An unsigned field of `bits` at byte `off` of the dispatch packet. */
static LLVMValueRef
packet_field(lctx *c, unsigned off, unsigned bits)
{
    LLVMTypeRef i8 = LLVMInt8TypeInContext(c->ctx), ty = LLVMIntTypeInContext(c->ctx, bits);
    LLVMValueRef pkt = jp_call_extern(c, "llvm.amdgcn.dispatch.ptr", LLVMPointerTypeInContext(c->ctx, AS_CONSTANT),
                                      NULL, 0);
    LLVMValueRef idx = LLVMConstInt(LLVMInt64TypeInContext(c->ctx), off, 0);
    LLVMValueRef p = LLVMBuildInBoundsGEP2(c->b, i8, pkt, &idx, 1, "");
    LLVMValueRef v = LLVMBuildLoad2(c->b, ty, p, "");
    LLVMSetAlignment(v, bits / 8);
    return i64(c, v);
}

static LLVMValueRef
local_size(lctx *c, int dim)
{
    return packet_field(c, PACKET_WG_SIZE + 2 * (unsigned)dim, 16);
}

static LLVMValueRef
global_size(lctx *c, int dim)
{
    return packet_field(c, PACKET_GRID_SIZE + 4 * (unsigned)dim, 32);
}

LLVMValueRef
jp_lower_roc_value(lctx *c, jp_node *n, const char *name)
{
    (void)n;
    return jp_lower_unhandled(c, LLVMInt64TypeInContext(c->ctx), "the ROC intrinsic value '%s'", name);
}

static LLVMValueRef
none_value(lctx *c)
{
    return LLVMConstNull(LLVMInt8TypeInContext(c->ctx));
}

/* roc.shared.array(0, dtype): the dynamic LDS a launch asks for
 * (kernel[groups, items, stream, nbytes]), placed by LLVM after the static
 * LDS.  Every such array of a kernel starts at the same address, as CUDA's
 * extern __shared__; its length is the COV5 hidden argument
 * hidden_dynamic_lds_size (which the launch fills) over the item size. */
static LLVMValueRef
dynamic_shared(lctx *c, jp_type *rt)
{
    LLVMTypeRef i8 = LLVMInt8TypeInContext(c->ctx), i32 = LLVMInt32TypeInContext(c->ctx);
    LLVMValueRef g = LLVMGetNamedGlobal(c->mod, "roc.dynamic_shared"), args, off, bytes, size, stride;
    LLVMTypeRef flat = LLVMPointerTypeInContext(c->ctx, 0);
    LLVMValueRef flat_null = LLVMConstNull(flat);
    if (g == NULL) {
        g = LLVMAddGlobalInAddressSpace(c->mod, LLVMArrayType2(i8, 0), "roc.dynamic_shared", AS_LOCAL);
        LLVMSetAlignment(g, 16);
    }
    args = jp_call_extern(c, "llvm.amdgcn.implicitarg.ptr", LLVMPointerTypeInContext(c->ctx, AS_CONSTANT), NULL, 0);
    off = LLVMConstInt(LLVMInt64TypeInContext(c->ctx), HIDDEN_DYNAMIC_LDS, 0);
    bytes = LLVMBuildLoad2(c->b, i32, LLVMBuildInBoundsGEP2(c->b, i8, args, &off, 1, ""), "dynamic_lds");
    LLVMSetAlignment(bytes, 4);
    stride = jp_const_i64(c, (long long)rt->dtype->size);
    size = LLVMBuildUDiv(c->b, i64(c, bytes), stride, "");
    return jp_arr_make(c, rt, flat_null, flat_null, LLVMBuildAddrSpaceCast(c->b, g, flat, ""), &size, &stride);
}

/* The IR spelling of a dtype, for helper names: i32, i64, float, double. */
static void
ir_type_name(jp_type *dt, char *out, size_t size)
{
    if (dt->kind == JP_FLOAT)
        snprintf(out, size, "%s", dt->size == 2 ? "half" : dt->size == 4 ? "float" : "double");
    else
        snprintf(out, size, "i%d", (int)dt->size * 8);
}

static LLVMValueRef
atomic(lctx *c, jp_node *n, const char *op)
{
    jp_type *dt = jp_node_type(c, n);
    LLVMValueRef args[3];
    char ty[16], name[64];
    const char *rmw;
    args[0] = jp_device_atomic_operands(c, n, args + 1);
    ir_type_name(dt, ty, sizeof ty);
    if (strcmp(op, "cas") == 0) {
        snprintf(name, sizeof name, "jp.roc.cas.%s", ty);
        return jp_call_extern(c, name, jp_llvm_type(c->ctx, dt), args, 3);
    }
    jp_device_atomic_binop(op, dt, &rmw);
    snprintf(name, sizeof name, "jp.roc.atomic.%s.%s", rmw, ty);
    return jp_call_extern(c, name, jp_llvm_type(c->ctx, dt), args, 2);
}

LLVMValueRef
jp_lower_roc_call(lctx *c, jp_node *n, const char *name)
{
    jp_type *rt = jp_node_type(c, n);
    int dim = n->u.call.nargs == 1 && n->u.call.args[0]->kind == E_CONST ? (int)n->u.call.args[0]->u.cnst.v.i : 0;
    LLVMTypeRef void_t = LLVMVoidTypeInContext(c->ctx);
    long long size;

    if (strcmp(name, "get_local_id") == 0)
        return id_reg(c, "workitem", dim);
    if (strcmp(name, "get_group_id") == 0)
        return id_reg(c, "workgroup", dim);
    if (strcmp(name, "get_local_size") == 0)
        return local_size(c, dim);
    if (strcmp(name, "get_global_size") == 0)
        return global_size(c, dim);
    if (strcmp(name, "get_global_id") == 0)
        return LLVMBuildAdd(c->b, LLVMBuildMul(c->b, id_reg(c, "workgroup", dim), local_size(c, dim), ""),
                            id_reg(c, "workitem", dim), "");
    if (strcmp(name, "get_num_groups") == 0) {
        LLVMValueRef wg = local_size(c, dim);
        return LLVMBuildUDiv(c->b, LLVMBuildSub(c->b, LLVMBuildAdd(c->b, global_size(c, dim), wg, ""),
                                                jp_const_i64(c, 1), ""), wg, "");
    }
    if (strcmp(name, "get_work_dim") == 0)
        return LLVMBuildAnd(c->b, packet_field(c, PACKET_SETUP, 16), jp_const_i64(c, 3), "");
    if (strcmp(name, "barrier") == 0 || strcmp(name, "mem_fence") == 0 || strcmp(name, "wavebarrier") == 0) {
        char helper[32];
        for (int i = 0; i < n->u.call.nargs; i++)
            jp_lower_expr(c, n->u.call.args[i]);        /* the flags: every fence is work-group or agent wide */
        snprintf(helper, sizeof helper, "jp.roc.%s", name);
        jp_call_extern(c, helper, void_t, NULL, 0);
        return none_value(c);
    }
    if (strcmp(name, "shared.array") == 0 && jp_device_const_int(jp_device_arg_or_kw(n, 0, "shape"), &size)
        && size == 0)
        return dynamic_shared(c, rt);
    /* local: an alloca, in the private address space (5) once codeobj.c has run */
    if (strcmp(name, "shared.array") == 0 || strcmp(name, "local.array") == 0)
        return jp_device_lower_fixed_array(c, n, name[0] == 's' ? "roc.shared" : NULL, AS_LOCAL);
    if (strncmp(name, "atomic.", 7) == 0)
        return atomic(c, n, name + 7);
    return jp_lower_unhandled(c, jp_llvm_type(c->ctx, rt), "the ROC intrinsic '%s'", name);
}

LLVMValueRef
jp_roc_lower_intrinsic(lctx *c, jp_node *n, int call)
{
    if (call)
        return jp_lower_roc_call(c, n, n->u.call.func->u.callee.name);
    return jp_lower_roc_value(c, n, n->u.callee.name);
}
