/* sampler/inline_frames.h - the frames of jitted functions inlined at a JIT
 * address: a sample in code O3 inlined from g into f reads f (at the call
 * site) -> g (at g's own line), as if g had been called.  The chains come
 * from the JIT's line tables (jit/inline_chains.h).  Collector only (GIL
 * held), never the signal handler. */
#ifndef JP_SAMPLER_INLINE_FRAMES_H
#define JP_SAMPLER_INLINE_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "jit/symbols.h"
#include "profiler/profile_data.h"

typedef void (*jp_module_fn)(const char *path, char *out, size_t cap);

/* Write the frame ids of the functions inlined at ip (inside sym) into
 * out, innermost first (the collector builds stacks leaf first); at most
 * cap.  Returns how many (0 when ip is sym's own code). */
int jp_inline_frames(jp_profile *p, const jp_jit_symbol *sym, uintptr_t ip,
                     jp_module_fn module_of, uint32_t *out, int cap);

/* Forget the function ids (a new profile). */
void jp_inline_frames_reset(void);

#endif
