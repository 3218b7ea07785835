/* sampler/safe_read.c - fault-free reads for the signal handler.  A signal
 * can land where CPython has published a frame pointer it has not yet
 * initialised (3.11 and 3.12 set tstate->cframe before cframe.current_frame
 * at the entry of _PyEval_EvalFrameDefault): the handler checks the newest
 * frame through the kernel, which reports a bad address instead of raising
 * SIGSEGV. */
#define _GNU_SOURCE
#include "sampler/safe_read.h"

#include <errno.h>
#include <stdint.h>
#include <sys/uio.h>
#include <unistd.h>

static int refused;     /* process_vm_readv is not allowed here */

int
jp_safe_read(void *dst, const void *src, size_t n)
{
    struct iovec local = {dst, n}, remote = {(void *)src, n};
    ssize_t got;
    int saved = errno;

    if (refused)
        return -1;
    got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
    if (got < 0 && (errno == ENOSYS || errno == EPERM))
        refused = 1;
    errno = saved;
    return got == (ssize_t)n ? 0 : -1;
}

int
jp_safe_points_to_type(const void *slot, const void *type)
{
    const void *obj, *obj_type;

    if (((uintptr_t)slot & 7) != 0)
        return 0;
    if (jp_safe_read(&obj, slot, sizeof obj) < 0)
        return refused;
    if (obj == NULL || ((uintptr_t)obj & 7) != 0)
        return 0;
    /* ob_type follows ob_refcnt in every object header */
    if (jp_safe_read(&obj_type, (const char *)obj + sizeof(void *), sizeof obj_type) < 0)
        return refused;
    return obj_type == type;
}
