/* profiler/arghooks.h - how calls reach the data profiler: a C profile
 * function in every thread (exact mode: every call of every function;
 * sampled mode: only during short windows that argpoll.c opens once the
 * sampler has found hot functions, and only their calls: the first few,
 * then every Nth), and live frames (a hot call that was already running).
 * Calls keep their usual path through the interpreter (no frame-evaluation
 * hook: a sampler walking frames sees nothing unusual).  One recorder is
 * active at a time. */
#ifndef JP_ARGHOOKS_H
#define JP_ARGHOOKS_H

#include "profiler/argrecord.h"

/* Make r the active recorder; -1 with RuntimeError when another is. */
int jp_arghooks_activate(jp_argrec *r);
/* Remove every hook of r and make it inactive (no-op when it is not). */
void jp_arghooks_deactivate(jp_argrec *r);
/* Exact mode on or off for the active recorder r. */
void jp_arghooks_exact(jp_argrec *r, int on);
/* Sampled mode: record the calls of functions named (qualname, filename,
 * firstlineno) in the windows from now on.  1, or -1 on error. */
int jp_arghooks_watch(jp_argrec *r, PyObject *qualname, PyObject *filename, int firstlineno);
/* Sampled mode: open (install the profile function) or close a window. */
void jp_arghooks_window(jp_argrec *r, int open);
/* The windows' share of the process's CPU time since the recorder started
 * (each window's own span: a late close counts no more). */
double jp_arghooks_duty(jp_argrec *r);
/* How much slower fn() runs (thread CPU time) with the sampled-mode profile
 * function installed: the best of three each way; -1 with an error. */
double jp_arghooks_slowdown(PyObject *fn);
/* Record the parameters of a running frame: 1, 0 when not recordable. */
int jp_arghooks_record_frame(jp_argrec *r, PyFrameObject *frame);
/* In a new thread: install the exact-mode hook when one is active. */
void jp_arghooks_thread_start(void);
/* Number of parameters recorded for a code object (-1: too many). */
int jp_arghooks_nparams(PyCodeObject *co);

#endif
