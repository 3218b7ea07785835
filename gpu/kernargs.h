/* gpu/kernargs.h - packing a kernel's explicit arguments (kernargs.c), one
 * piece for every device target: CUDA's cuLaunchKernel parameters and the
 * HSA kernarg segment are laid out the same way. */
#ifndef JP_GPU_KERNARGS_H
#define JP_GPU_KERNARGS_H

#include "jit/dispatcher.h"

#define JP_KERNARGS_MAX 64

/* Parse a tuple of at most max argument types (jitprofile types or their
 * spellings) into out; the count, or -1 + a Python error. */
int jp_kernargs_types(PyObject *tuple, jp_type **out, int max);

/* Pack values (a tuple, one per type) into mem[0..cap): each argument at
 * its natural alignment (t->align), in order, as LLVM lays out a struct of
 * them.  Arrays become the jit array struct {meminfo, parent, data,
 * shape[ndim], strides[ndim]} with meminfo and parent NULL and data the
 * device pointer read from the value's _devptr (its shape and strides
 * from .shape and .strides); scalars and tuples unbox as for a CPU call.
 * offsets[i] (may be NULL) receives argument i's offset, *end the bytes
 * used.  0, or -1 + a Python error. */
int jp_kernargs_pack(int n, jp_type **types, PyObject *values, unsigned char *mem, size_t cap,
                     size_t *offsets, size_t *end);

#endif
