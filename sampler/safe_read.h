/* sampler/safe_read.h - reading memory that may not be mapped, from a
 * signal handler, without faulting. */
#ifndef JP_SAFE_READ_H
#define JP_SAFE_READ_H

#include <stddef.h>

/* Copy n bytes at src into dst; 0, or -1 when src is not readable.
 * Async-signal-safe (one process_vm_readv system call on this process). */
int jp_safe_read(void *dst, const void *src, size_t n);

/* Whether the pointer stored at *slot points at an object of type `type`,
 * read without faulting: the check for a frame's code object before the
 * frame is trusted.  When the kernel refuses process_vm_readv (a seccomp
 * policy) the answer is 1: the sampler reads as it did without the check. */
int jp_safe_points_to_type(const void *slot, const void *type);

#endif
