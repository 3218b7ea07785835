/* profiler/argtap.h - argument recording for jitted functions: a compiled
 * call runs no Python frame, so the profile hooks of arghooks.c never see
 * it; the dispatcher's tap (jit/dispatch_tap.h) hands its bound arguments
 * here instead, keyed by the Python original's code object like any other
 * call.  Off unless a recorder starts with jitted=True. */
#ifndef JP_ARGTAP_H
#define JP_ARGTAP_H

#include "profiler/argrecord.h"

/* Record the jitted calls for r (exact mode: every call; sampled mode: in
 * the windows, the first `warm`, then every `every`th of each function). */
void jp_argtap_on(jp_argrec *r);
/* Stop recording them for r (no-op when r is not the tapped recorder). */
void jp_argtap_off(jp_argrec *r);

#endif
