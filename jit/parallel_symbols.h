/* jit/parallel_symbols.h - naming the outlined bodies of parallel loops.
 *
 * A prange loop (<symbol>.prange.N) and a parallel array expression or
 * reduction (<symbol>.parloop.N) are lowered to functions of their own that
 * the thread pool's workers (and the launching thread) call.  Registering
 * them under their function's names and with their own line tables lets
 * the sampler read a worker thread's sample as "f [jit ...]" at the loop's
 * line, like a sample of the launching thread inside f. */
#ifndef JP_PARALLEL_SYMBOLS_H
#define JP_PARALLEL_SYMBOLS_H

/* Register every outlined parallel body of `symbol` whose line table the
 * last linked object carried (call after linking, before the unit ends);
 * lines outside [lo, hi] are dropped as for the function itself; inlined:
 * keep the inlining chains (code compiled in this process).  Returns
 * the number registered. */
int jp_register_parallel_bodies(const char *symbol, const char *qualname,
                                const char *signature, const char *filename,
                                int def_line, int lo, int hi, int inlined);

#endif
