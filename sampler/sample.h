/* sampler/sample.h - the raw sample record that the signal handler writes
 * into a thread's ring and the collector reads back.
 *
 *   word 0  JP_REC_WORD0(JP_REC_SAMPLE, words) | flags << 32 | (weight-1) << 40
 *           (weight: 1 + the timer's overrun count: CPU-clock timers fire
 *           on scheduler ticks, so one signal may stand for several periods)
 *   word 1  n_native (low 32 bits) | n_py (high 32 bits)
 *   word 2  CLOCK_MONOTONIC timestamp, nanoseconds
 *   then    n_native instruction pointers, leaf first (the first is exact,
 *           the others are return addresses)
 *   then    n_py pairs (code object pointer, offset | pyflags << 32), leaf
 *           first; offset is in bytes from the start of the bytecode.
 */
#ifndef JP_SAMPLE_H
#define JP_SAMPLE_H

#include <stdint.h>

#define JP_SAMPLE_HDR_WORDS 3
#define JP_MAX_NATIVE 256
#define JP_MAX_PYFRAMES 4096

/* sample flags (word 0, bits 32..39) */
#define JP_SF_NATIVE_TRUNC 0x1u   /* native stack cut at JP_MAX_NATIVE/space */
#define JP_SF_PY_TRUNC 0x2u       /* Python chain cut */
#define JP_SF_NO_NATIVE 0x4u      /* native stacks were not captured */
#define JP_SF_HAS_PY 0x8u         /* the thread has a Python thread state */

/* Python frame flags */
#define JP_PYF_ENTRY 0x1u         /* last frame run by one C-level eval call */

#define JP_SAMPLE_FLAGS(w0) ((unsigned)(((w0) >> 32) & 0xffu))
#define JP_SAMPLE_WEIGHT(w0) ((unsigned)(((w0) >> 40) & 0xffffu) + 1u)

#endif
