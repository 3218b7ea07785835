/* sampler/pyframes.h - the one small interface behind which each CPython
 * version's frame layout hides (frames_py311.c, frames_py312.c,
 * frames_py313.c; exactly one is compiled in, for the Python being built
 * against).
 */
#ifndef JP_PYFRAMES_H
#define JP_PYFRAMES_H

#include <stdint.h>

/* Copy the calling thread's Python frame chain, leaf first, as word pairs
 * (code object pointer, byte offset | JP_PYF_* << 32) into out[0..2*max).
 * tstate is the thread's PyThreadState (may be NULL: returns 0).
 * Async-signal-safe: reads pointers and integers only, never touches a
 * reference count.  Returns the number of frames; *truncated is set when
 * the chain was longer than max. */
int jp_pyframes_capture(void *tstate, uint64_t *out, int max, int *truncated);

/* The same for the calling thread's own chain, from normal context (no
 * signal): the chain cannot change under it, so nothing is checked through
 * the kernel (allocation sampling, memory.c). */
int jp_pyframes_capture_own(void *tstate, uint64_t *out, int max, int *truncated);

/* The calling thread's PyThreadState without the GIL or the C-API's
 * checks (a thread-specific-data read); NULL for a thread Python does not
 * know.  Async-signal-safe. */
void *jp_pyframes_tstate(void);

#endif
