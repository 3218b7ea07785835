/* gpu/device_intrinsics.h - the part of the device targets' intrinsics
 * that is the same on every GPU (device_intrinsics.c): typing and lowering
 * of fixed-shape shared and local arrays, and of atomics on an array
 * element.  `target` is the Python name messages use ("cuda", "roc"), `id`
 * the intrinsic's name without it ("shared.array", "atomic.add"). */
#ifndef JP_GPU_DEVICE_INTRINSICS_H
#define JP_GPU_DEVICE_INTRINSICS_H

#include "jit/infer.h"
#include "jit/lower.h"

/* 1 and *v when n is an int or bool constant, else 0. */
int jp_device_const_int(jp_node *n, long long *v);
/* The call's argument at pos, else its keyword kw, else NULL. */
jp_node *jp_device_arg_or_kw(jp_node *call, int pos, const char *kw);

/* target.shared.array(shape, dtype) / target.local.array(shape, dtype):
 * a C-ordered array of a constant shape; NULL + TypingError otherwise. */
jp_type *jp_device_infer_fixed_array(ictx *c, jp_node *call, const char *target, const char *id);
/* target.atomic.<op>(ary, idx, val) (cas: (ary, idx, old, val)) on an
 * int or float array: the dtype; NULL + TypingError otherwise. */
jp_type *jp_device_infer_atomic(ictx *c, jp_node *call, const char *target, const char *id);

/* The array of fixed-array call `call`: with gname, over one internal
 * global per call site named gname in address space `as` (shared memory),
 * seen through a flat pointer; with gname NULL, over an alloca (private). */
LLVMValueRef jp_device_lower_fixed_array(lctx *c, jp_node *call, const char *gname, unsigned as);
/* For atomic call `call`: the flat pointer to its element (negative
 * indices wrap, as in Python) and its operands cast to the dtype in
 * vals[0] (and vals[1] for cas). */
LLVMValueRef jp_device_atomic_operands(lctx *c, jp_node *call, LLVMValueRef *vals);
/* The atomicrmw operation of atomic.<op> (op "add", "max", ... "exch")
 * on dtype dt, and its IR spelling in *ir_name ("fadd", "umax", "xchg"). */
LLVMAtomicRMWBinOp jp_device_atomic_binop(const char *op, jp_type *dt, const char **ir_name);

#endif
