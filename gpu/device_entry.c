/* gpu/device_entry.c - the entry points a device image exposes around
 * the root instance (its Numba-ABI function with return and exception
 * slots): a kernel in the target's kernel calling convention (ROC's with
 * array data in global memory), or a device function in the C ABI.
 * Shared by the CUDA and ROC targets. */
#include "gpu/device_entry.h"
#include "jit/dispatcher.h"
#include "jit/errors.h"
#include "jit/lower.h"

/* The kernel's parameter type for an argument of type t: the jit type,
 * except that an array's data pointer (field 2) is in address space
 * data_as when that is not 0. */
static LLVMTypeRef
kernel_param_type(LLVMContextRef ctx, jp_type *t, unsigned data_as)
{
    LLVMTypeRef fields[5], flat = jp_llvm_type(ctx, t);
    if (data_as == 0 || t->kind != JP_ARRAY)
        return flat;
    LLVMGetStructElementTypes(flat, fields);
    fields[2] = LLVMPointerTypeInContext(ctx, data_as);
    return LLVMStructTypeInContext(ctx, fields, 5, 0);
}

/* The jit value of kernel parameter p: an array with its data pointer in
 * data_as is rebuilt with that pointer cast to flat.  The cast tells LLVM
 * (InferAddressSpaces, after the root is inlined) where the data lives. */
static LLVMValueRef
kernel_arg(LLVMBuilderRef b, LLVMContextRef ctx, jp_type *t, LLVMValueRef p, unsigned data_as)
{
    LLVMTypeRef flat = jp_llvm_type(ctx, t);
    LLVMValueRef v = LLVMGetUndef(flat);        /* every field is inserted below */
    if (data_as == 0 || t->kind != JP_ARRAY)
        return p;
    for (unsigned f = 0; f < 5; f++) {
        LLVMValueRef field = LLVMBuildExtractValue(b, p, f, "");
        if (f == 2)
            field = LLVMBuildAddrSpaceCast(b, field, LLVMPointerTypeInContext(ctx, 0), "data");
        v = LLVMBuildInsertValue(b, v, field, f, "");
    }
    return v;
}

/* void @entry(args...) in the target's kernel convention (cc): calls the root with a
 * return slot and an exception slot (a kernel that raises just stops).
 * With line info the entry has the root's subprogram too, so the root's
 * lines stay its own when O3 inlines it.  data_as != 0: array arguments
 * arrive with their data pointer in that address space (AMDGPU's global
 * memory, 1), as clang passes HIP kernel pointers. */
LLVMValueRef
jp_device_add_kernel_as(LLVMModuleRef mod, jp_instance *root, const char *entry, jp_dbg *dbg, unsigned cc,
                        unsigned data_as)
{
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    LLVMTypeRef params[64];
    LLVMValueRef kernel, args[66], target = LLVMGetNamedFunction(mod, root->symbol);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
    for (int i = 0; i < root->nargs; i++)
        params[i] = kernel_param_type(ctx, root->argtypes[i], data_as);
    kernel = LLVMAddFunction(mod, entry, LLVMFunctionType(LLVMVoidTypeInContext(ctx), params, (unsigned)root->nargs, 0));
    LLVMSetFunctionCallConv(kernel, cc);
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, kernel, "entry"));
    jp_dbg_begin_function(dbg, b, kernel, root->ir->qualname, root->ir->filename, root->ir->def_line);
    args[0] = LLVMBuildAlloca(b, LLVMInt64TypeInContext(ctx), "ret");
    args[1] = LLVMBuildAlloca(b, LLVMArrayType2(LLVMInt64TypeInContext(ctx), 6), "exc");
    for (int i = 0; i < root->nargs; i++)
        args[i + 2] = kernel_arg(b, ctx, root->argtypes[i], LLVMGetParam(kernel, (unsigned)i), data_as);
    LLVMBuildCall2(b, jp_llvm_fn_type(ctx, root), target, args, (unsigned)root->nargs + 2, "");
    LLVMBuildRetVoid(b);
    LLVMDisposeBuilder(b);
    return kernel;
}

LLVMValueRef
jp_device_add_kernel(LLVMModuleRef mod, jp_instance *root, const char *entry, jp_dbg *dbg, unsigned cc)
{
    return jp_device_add_kernel_as(mod, root, entry, dbg, cc, 0);
}

/* A device function in the C ABI (numba-cuda's abi="c"): `ret name(args)`
 * returning its value, around the root's return-slot convention. */
void
jp_device_add_c_wrapper(LLVMModuleRef mod, jp_instance *root, const char *name, jp_dbg *dbg)
{
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    LLVMTypeRef params[64], ret_ty;
    LLVMValueRef fn, args[66], target = LLVMGetNamedFunction(mod, root->symbol);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
    int none = root->ret->kind == JP_NONE;
    for (int i = 0; i < root->nargs; i++)
        params[i] = jp_llvm_type(ctx, root->argtypes[i]);
    ret_ty = none ? LLVMVoidTypeInContext(ctx) : jp_llvm_type(ctx, root->ret);
    fn = LLVMAddFunction(mod, name, LLVMFunctionType(ret_ty, params, (unsigned)root->nargs, 0));
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, fn, "entry"));
    jp_dbg_begin_function(dbg, b, fn, root->ir->qualname, root->ir->filename, root->ir->def_line);
    args[0] = LLVMBuildAlloca(b, none ? LLVMInt64TypeInContext(ctx) : ret_ty, "ret");
    args[1] = LLVMBuildAlloca(b, LLVMArrayType2(LLVMInt64TypeInContext(ctx), 6), "exc");
    for (int i = 0; i < root->nargs; i++)
        args[i + 2] = LLVMGetParam(fn, (unsigned)i);
    LLVMBuildCall2(b, jp_llvm_fn_type(ctx, root), target, args, (unsigned)root->nargs + 2, "");
    if (none)
        LLVMBuildRetVoid(b);
    else
        LLVMBuildRet(b, LLVMBuildLoad2(b, ret_ty, args[0], ""));
    LLVMDisposeBuilder(b);
}

int
jp_device_check_return(jp_instance *root, int kernel, const char *target, jp_type **ret)
{
    if (kernel && root->ret->kind != JP_NONE) {
        PyErr_Format(JpTypingError, "%U(): a %s kernel cannot return a value (it returns %s); "
                     "write results into an array argument", ((JpDispatcher *)root->dispatcher)->name, target,
                     root->ret->name);
        return -1;
    }
    *ret = root->ret;
    return 0;
}
