/* jit/cache.h - cache=True: compiled code kept on disk and reused by a new
 * process.  C packs and unpacks the payload (symbols, types, IR text,
 * object file); kernel_ext/jitprofile/_cache.py owns where it lives and
 * when it is stale (the sources and frozen globals of every function the
 * code depends on, the CPU, the versions) and whether it can be trusted
 * (owner, file type, HMAC under the user's key). */
#ifndef JP_CACHE_H
#define JP_CACHE_H

#include "jit/dispatcher.h"

/* The instance for argtypes from the cache, or NULL: with no error when
 * there is none (or it is stale), with one when loading failed. */
jp_instance *jp_cache_load(JpDispatcher *d, int nargs, jp_type **argtypes);
/* Compile root for argtypes in a private session and store the result.
 * Returns the compiled (not yet registered) session's root, like a plain
 * compile would. */
int jp_cache_store(JpDispatcher *d, jp_session *s, jp_instance *root, const char *object, size_t len);
/* The cache's key text: argument types, target and compile options,
 * "float64; array(int64, 1d, C) | target=cpu boundscheck=0 error_model=python ...". */
/* Code linked in this process is reused by a later load of the same entry
 * while its unit lives: remember inst's unit after a load; forget a unit
 * when it retires (the compile service calls both). */
void jp_cache_remember(const jp_instance *inst);
void jp_cache_forget_code(const jp_code *code);
PyObject *jp_cache_key(JpDispatcher *d, int nargs, jp_type **argtypes);
/* Adds _core.sha256 and _core.cache_mac (HMAC-SHA256) for _cache.py. */
int jp_cache_module_init(PyObject *m);

#endif
